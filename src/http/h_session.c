/*
 * h_session.c - sign in, sign out, and who am I.
 *
 * POST /api/v1/session takes {"login", "password"}, answers the same 401 for
 * an unknown login, a wrong password and a disabled account, and throttles
 * repeated failures per login and per client address (429 with
 * Retry-After).  A session is a random secret sent back as an HttpOnly,
 * SameSite=Strict cookie and in the body (for API clients), with a CSRF token
 * that cookie-authenticated writes must echo in X-CSRF-Token.
 */
#include <stdio.h>
#include <string.h>

#include "http/app.h"
#include "core/banned.h"

#define SESSION_SECONDS (12 * 3600)

static json_t *user_json(const struct dt_account *u)
{
	json_t *scope = json_object();
	if (u->scope.region) {
		char code[16];
		snprintf(code, sizeof(code), "%06d", u->scope.region);
		json_object_set_new(scope, "region", json_string(code));
	}
	if (u->scope.org_id)
		json_object_set_new(scope, "organization_id", json_integer(u->scope.org_id));
	if (u->scope.trainee_id)
		json_object_set_new(scope, "trainee_id", json_integer(u->scope.trainee_id));
	return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)u->id, "login", u->login, "role",
			 u->role, "scope", scope);
}

void dt_h_login(struct dt_ctx *c)
{
	json_t *jl = json_object_get(c->body, "login"), *jp = json_object_get(c->body, "password");
	json_t *errs = json_array();
	if (!json_is_string(jl) || !json_string_length(jl))
		json_array_append_new(errs, json_pack("{s:s, s:s}", "field", "login", "message",
						      "is required (a string)"));
	if (!json_is_string(jp) || !json_string_length(jp))
		json_array_append_new(errs, json_pack("{s:s, s:s}", "field", "password", "message",
						      "is required (a string)"));
	if (json_array_size(errs)) {
		dt_reply_problem(c, 422, "login and password are required", errs);
		json_decref(errs);
		return;
	}
	json_decref(errs);
	const char *login = json_string_value(jl), *password = json_string_value(jp);
	const char *peer = dt_http_peer(c->req);
	int retry = 0;
	if (!dt_throttle_check(login, peer, &retry)) {
		char *ra = dt_http_alloc(c->req, 16);
		snprintf(ra, 16, "%d", retry);
		dt_http_add_header(c->res, "retry-after", ra);
		dt_reply_problem(c, 429, "too many failed sign-ins: wait and try again", NULL);
		return;
	}
	struct dt_account acc;
	int rc = dt_store_account_login(c->store, login, password, &acc, &c->err);
	dt_throttle_record(login, peer, rc == DT_OK);
	if (rc == DT_EDENIED) {
		dt_reply_problem(c, 401, "wrong login or password", NULL);
		return;
	}
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	char token[DT_TOKEN_LEN], csrf[DT_TOKEN_LEN];
	int64_t cred = 0;
	struct dt_actor a = { acc.login, c->req->request_id, NULL };
	rc = dt_store_credential_create(c->store, &a, acc.id, "session", SESSION_SECONDS, token, csrf,
					&cred, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	char *cookie = dt_http_alloc(c->req, 160);
	snprintf(cookie, 160, "dt_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", token,
		 SESSION_SECONDS);
	dt_http_add_header(c->res, "set-cookie", cookie);
	dt_http_add_header(c->res, "cache-control", "no-store");
	json_t *body = json_pack("{s:s, s:s, s:i, s:o}", "token", token, "csrf", csrf, "expires_in",
				 SESSION_SECONDS, "user", user_json(&acc));
	dt_reply_json(c, 200, body);
}

void dt_h_logout(struct dt_ctx *c)
{
	int rc = dt_store_credential_revoke(c->store, &c->actor, c->cred.id, &c->err);
	dt_auth_invalidate();
	if (rc != DT_OK && rc != DT_ENOTFOUND) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_http_add_header(c->res, "set-cookie",
			   "dt_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	c->res->status = 204;
}

void dt_h_whoami(struct dt_ctx *c)
{
	json_t *u = user_json(&c->cred.account);
	json_object_set_new(u, "credential", json_string(c->cred.kind));
	json_object_set_new(u, "expires_at", json_string(c->cred.expires_at));
	/* A new tab of the web application learns the session's CSRF token here (same origin only). */
	if (!strcmp(c->cred.kind, "session"))
		json_object_set_new(u, "csrf", json_string(c->cred.csrf));
	dt_reply_json(c, 200, u);
}
