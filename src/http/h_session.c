/*
 * h_session.c - sign in, sign out, and who am I.
 *
 * POST /api/v1/session takes {"login", "password"} as application/json (and,
 * from a browser, only from our own origin: DT_R_SAME_ORIGIN), answers the
 * same 401 for an unknown login, a wrong password and a disabled account,
 * and throttles repeated failures per login and per client address (429
 * with Retry-After, auth.c) before any hashing.  The password is checked on
 * a small pool of low-priority threads while the request waits (below).  A
 * session is a random secret sent back as an HttpOnly, SameSite=Strict
 * cookie (Secure when the client reached us over HTTPS) and in the body
 * (for API clients), with a CSRF token that cookie-authenticated writes
 * must echo in X-CSRF-Token.
 *
 * An account made or reset by a delegating administrator has no password
 * but a one-time activation code (store/account_mgmt.c): it signs in with
 * the code as its password and gets a session marked must_change_password,
 * which the dispatcher lets do nothing but set the new password
 * (POST /api/v1/session/password with the code as the old one); or it sets
 * the password and signs in at once with POST /api/v1/session/activate.
 * One's own sessions are listed and revoked under /api/v1/session/sessions.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "core/secret.h"
#include "core/workq.h"
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
	/* What the role may do, so that a client offers only that (the role table is auth.c's). */
	/* must_change_password: the client offers nothing but the new password until it is set */
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:b, s:b}", "id", (json_int_t)u->id, "login",
			 u->login, "role", u->role, "scope", scope, "permissions",
			 dt_perm_json(dt_role_perms(u->role)), "must_change_password",
			 u->must_change, "org_admin", u->org_admin);
}

/* ---- the hashing pool ---- */

/*
 * argon2id costs ~115 ms of CPU and 64 MiB: on an event loop, a dozen wrong
 * sign-ins a second would stop every read.  So the loop only looks the
 * account up; the hash is checked on SIGNIN_THREADS threads at a lower
 * priority (SIGNIN_NICE), and the request waits, deferred, until it is done.
 * At most SIGNIN_MAX sign-ins are admitted at a time (queued, hashing, or
 * on their way back to their loop); beyond that a sign-in gets 503 with
 * Retry-After at once, without any hashing.
 */
#define SIGNIN_THREADS 2
#define SIGNIN_MAX 32
#define SIGNIN_NICE 10
#define LOGIN_MAX 64      /* bytes; no account has a longer login */
#define PASSWORD_MAX 1024 /* bytes; no account has a longer password */

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static int pool_users;
static struct dt_workq *pool;
static atomic_int in_flight;

enum dt_err dt_signin_start(void)
{
	int rc = DT_OK;
	pthread_mutex_lock(&pool_mu);
	if (!pool_users) {
		struct dt_strbuf err = DT_STRBUF_INIT;
		rc = dt_workq_new(&pool, SIGNIN_THREADS, SIGNIN_MAX, SIGNIN_NICE, &err);
		if (rc != DT_OK)
			dt_log_error("sign-in pool: %s", err.buf);
		dt_strbuf_release(&err);
	}
	if (rc == DT_OK)
		pool_users++;
	pthread_mutex_unlock(&pool_mu);
	return rc;
}

void dt_signin_stop(void)
{
	pthread_mutex_lock(&pool_mu);
	if (pool_users > 0 && --pool_users == 0) {
		dt_workq_free(pool); /* runs what is still queued */
		pool = NULL;
	}
	pthread_mutex_unlock(&pool_mu);
}

/* One sign-in between its loop and the pool. */
struct signin {
	struct dt_deferred *d;
	char login[LOGIN_MAX + 1];
	char peer[64];
	char *password; /* wiped and freed after hashing */
	bool found;     /* the login exists */
	bool secure;    /* the session cookie gets Secure */
	bool busy;      /* not hashed: the pool was full */
	bool ok;        /* the password is right and the account enabled */
	struct dt_account acc;
	char hash[DT_PWHASH_LEN]; /* the account's, when found */
};

static void signin_free(struct signin *j)
{
	if (j->password) {
		sodium_memzero(j->password, strlen(j->password));
		free(j->password);
	}
	sodium_memzero(j, sizeof(*j));
	free(j);
}

/*
 * 429 or 503 with Retry-After.  From the handler (@later) the refusal leaves
 * a second late: a guesser that retries at once then costs the loop one
 * cheap answer a second per connection, not thousands.
 */
static void reply_retry(struct dt_ctx *c, int status, unsigned seconds, const char *code,
			bool later)
{
	char *ra = dt_http_alloc(c->req, 16);
	snprintf(ra, 16, "%u", seconds);
	dt_http_add_header(c->res, "retry-after", ra);
	dt_reply_code(c, status, NULL, code, NULL);
	if (later)
		dt_ctx_reply_later(c);
}

static void reply_session(struct dt_ctx *c, const struct dt_account *acc, bool secure)
{
	char token[DT_TOKEN_LEN], csrf[DT_TOKEN_LEN];
	int64_t cred = 0;
	struct dt_actor a = { acc->login, c->req->request_id, NULL };
	int rc = dt_store_credential_create(c->store, &a, acc->id, "session", SESSION_SECONDS,
					    token, csrf, &cred, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	char *cookie = dt_http_alloc(c->req, 176);
	snprintf(cookie, 176, "dt_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
		 token, SESSION_SECONDS, secure ? "; Secure" : "");
	dt_http_add_header(c->res, "set-cookie", cookie);
	dt_http_add_header(c->res, "cache-control", "no-store");
	json_t *body = json_pack("{s:s, s:s, s:i, s:o}", "token", token, "csrf", csrf, "expires_in",
				 SESSION_SECONDS, "user", user_json(acc));
	dt_reply_json(c, 200, body);
}

/* Back on the request's loop: count the result, then answer. */
static void signin_finish(struct dt_ctx *c, void *arg)
{
	struct signin *j = arg;
	atomic_fetch_sub(&in_flight, 1);
	if (!j->busy)
		dt_signin_record(j->login, j->peer, j->ok);
	if (!c)
		goto out; /* the client went away; its failure still counts */
	if (j->busy) {
		reply_retry(c, 503, 1, "http.signin_busy", false);
		goto out;
	}
	if (!j->ok) {
		dt_reply_code(c, 401, NULL, "http.signin_failed", NULL);
		goto out;
	}
	/* The account may have been disabled or given a new password while its hash was checked. */
	struct dt_account now;
	char hash[DT_PWHASH_LEN];
	int rc = dt_store_account_secret(c->store, j->login, &now, hash, &c->err);
	if (rc == DT_ENOTFOUND ||
	    (rc == DT_OK && (now.disabled || now.id != j->acc.id || strcmp(hash, j->hash))))
		dt_reply_code(c, 401, NULL, "http.signin_failed", NULL);
	else if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		reply_session(c, &now, j->secure);
	sodium_memzero(hash, sizeof(hash));
out:
	signin_free(j);
}

/* On a pool thread: the one expensive step. */
static void signin_hash(void *arg)
{
	struct signin *j = arg;
	const char *hash = j->found ? j->hash : dt_password_dummy_hash();
	j->ok = dt_password_verify(hash, j->password) && j->found && !j->acc.disabled;
	sodium_memzero(j->password, strlen(j->password));
	dt_ctx_resume(j->d, signin_finish, j);
}

void dt_h_login(struct dt_ctx *c)
{
	json_t *jl = json_object_get(c->body, "login"), *jp = json_object_get(c->body, "password");
	struct dt_problems ps = DT_PROBLEMS_INIT;
	if (!json_is_string(jl) || !json_string_length(jl))
		dt_problem_add(&ps, "login", "field.required", NULL);
	else if (json_string_length(jl) > LOGIN_MAX)
		dt_problem_add(&ps, "login", "http.bytes", "max", DT_I(LOGIN_MAX), NULL);
	if (!json_is_string(jp) || !json_string_length(jp))
		dt_problem_add(&ps, "password", "field.required", NULL);
	else if (json_string_length(jp) > PASSWORD_MAX)
		dt_problem_add(&ps, "password", "http.bytes", "max", DT_I(PASSWORD_MAX), NULL);
	if (ps.n) {
		dt_reply_problems(c, 422, &ps);
		dt_problems_release(&ps);
		return;
	}
	const char *login = json_string_value(jl), *password = json_string_value(jp);
	/* a NUL inside the JSON string would cut the C string: no account has one */
	if (strlen(login) != json_string_length(jl) || strlen(password) != json_string_length(jp)) {
		dt_reply_code(c, 401, NULL, "http.signin_failed", NULL);
		return;
	}
	const char *peer = dt_ctx_client(c);
	unsigned wait = dt_signin_wait(login, peer);
	if (wait) {
		reply_retry(c, 429, wait, "http.signin_throttled", true);
		return;
	}
	if (atomic_fetch_add(&in_flight, 1) >= SIGNIN_MAX) {
		atomic_fetch_sub(&in_flight, 1);
		reply_retry(c, 503, 1, "http.signin_busy", true);
		return;
	}
	struct signin *j = calloc(1, sizeof(*j));
	if (!j || !(j->password = strdup(password))) {
		atomic_fetch_sub(&in_flight, 1);
		free(j);
		dt_reply_code(c, 503, NULL, "http.busy", NULL);
		return;
	}
	snprintf(j->login, sizeof(j->login), "%s", login);
	snprintf(j->peer, sizeof(j->peer), "%s", peer);
	j->secure = dt_ctx_https(c);
	int rc = dt_store_account_secret(c->store, login, &j->acc, j->hash, &c->err);
	if (rc != DT_OK && rc != DT_ENOTFOUND) {
		atomic_fetch_sub(&in_flight, 1);
		signin_free(j);
		dt_reply_store_error(c, rc);
		return;
	}
	j->found = rc == DT_OK;
	/* An account waiting for activation signs in with its one-time code (no argon2id:
	 * the code is random); the session it gets may only set the new password. */
	if (j->found && j->acc.must_change) {
		struct dt_account acc;
		if (dt_store_account_code_check(c->store, login, password, &acc, &c->err) ==
		    DT_OK) {
			atomic_fetch_sub(&in_flight, 1);
			dt_signin_record(login, peer, true);
			reply_session(c, &acc, j->secure);
			signin_free(j);
			return;
		}
	}
	if (!(j->d = dt_ctx_defer(c))) {
		atomic_fetch_sub(&in_flight, 1);
		signin_free(j);
		dt_reply_code(c, 503, NULL, "http.busy", NULL);
		return;
	}
	pthread_mutex_lock(&pool_mu);
	bool queued = pool && dt_workq_submit(pool, signin_hash, j);
	pthread_mutex_unlock(&pool_mu);
	if (!queued) {
		j->busy = true; /* answered 503 from the loop's next turn */
		dt_ctx_resume(j->d, signin_finish, j);
	}
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

/* ---- one's own password and sessions; activation ---- */

/* The string @name of the body, at most @max bytes and no NUL; NULL after a problem in @ps. */
static const char *body_text(struct dt_ctx *c, const char *name, size_t max, struct dt_problems *ps)
{
	json_t *v = json_object_get(c->body, name);
	if (!json_is_string(v) || !json_string_length(v)) {
		dt_problem_add(ps, name, "field.required", NULL);
		return NULL;
	}
	if (json_string_length(v) > max || strlen(json_string_value(v)) != json_string_length(v)) {
		dt_problem_add(ps, name, "http.bytes", "max", DT_I(max), NULL);
		return NULL;
	}
	return json_string_value(v);
}

void dt_h_password(struct dt_ctx *c)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	const char *old = body_text(c, "old_password", PASSWORD_MAX, &ps);
	const char *pw = body_text(c, "new_password", PASSWORD_MAX, &ps);
	if (ps.n) {
		dt_reply_problems(c, 422, &ps);
		dt_problems_release(&ps);
		return;
	}
	const struct dt_account *me = &c->cred.account;
	const char *peer = dt_ctx_client(c);
	unsigned wait = dt_signin_wait(me->login, peer);
	if (wait) {
		reply_retry(c, 429, wait, "http.signin_throttled", true);
		return;
	}
	/* the old password, or the activation code of an account that waits for one */
	struct dt_account acc;
	char hash[DT_PWHASH_LEN];
	int rc = dt_store_account_secret(c->store, me->login, &acc, hash, &c->err);
	bool ok = rc == DT_OK && acc.id == me->id &&
		  ((acc.must_change && dt_store_account_code_check(c->store, me->login, old, &acc,
								   &c->err) == DT_OK) ||
		   dt_password_verify(hash, old));
	sodium_memzero(hash, sizeof(hash));
	if (!ok) {
		dt_signin_record(me->login, peer, false);
		dt_reply_code(c, 403, "old_password", "account.old_password", NULL);
		return;
	}
	rc = dt_store_account_set_password(c->store, &c->actor, me->id, pw, c->cred.id, &c->err);
	dt_auth_invalidate();
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_signin_record(me->login, peer, true);
	acc = *me;
	acc.must_change = false;
	dt_reply_json(c, 200, user_json(&acc));
}

void dt_h_activate(struct dt_ctx *c)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	const char *login = body_text(c, "login", LOGIN_MAX, &ps);
	const char *code = body_text(c, "code", 64, &ps);
	const char *pw = body_text(c, "new_password", PASSWORD_MAX, &ps);
	if (ps.n) {
		dt_reply_problems(c, 422, &ps);
		dt_problems_release(&ps);
		return;
	}
	const char *peer = dt_ctx_client(c);
	unsigned wait = dt_signin_wait(login, peer);
	if (wait) {
		reply_retry(c, 429, wait, "http.signin_throttled", true);
		return;
	}
	struct dt_account acc;
	int rc = dt_store_account_code_check(c->store, login, code, &acc, &c->err);
	if (rc == DT_EDENIED) {
		dt_signin_record(login, peer, false);
		dt_reply_code(c, 401, "code", "account.activation_failed", NULL);
		return;
	}
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	struct dt_actor a = { acc.login, c->req->request_id, NULL };
	rc = dt_store_account_set_password(c->store, &a, acc.id, pw, 0, &c->err);
	dt_auth_invalidate();
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_signin_record(login, peer, true);
	acc.must_change = false;
	reply_session(c, &acc, dt_ctx_https(c));
}

void dt_h_sessions_list(struct dt_ctx *c)
{
	json_t *items = NULL;
	int rc = dt_store_sessions_list(c->store, c->cred.account.id, &items, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) json_object_set_new(
		o, "current",
		json_boolean(json_integer_value(json_object_get(o, "id")) == c->cred.id));
	dt_reply_json(c, 200, json_pack("{s:o}", "items", items));
}

void dt_h_session_revoke(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	int rc = dt_store_session_revoke_own(c->store, &c->actor, c->cred.account.id, id, &c->err);
	dt_auth_invalidate();
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	c->res->status = 204;
}
