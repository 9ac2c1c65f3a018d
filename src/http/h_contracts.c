/*
 * h_contracts.c - the contract life cycle, record-book sign-off and the
 * audit log over HTTP.
 *
 * POST /api/v1/contracts/{id}/{action}: submit, withdraw, approve, activate,
 * complete, dissolve, transfer.  Each party approves as itself: an
 * enterprise user as the enterprise, a school user as the school, a trainee
 * as the trainee; an admin names the party in {"party": ...}.  Sign-off of
 * a record-book entry belongs to the mentor of its site: company entries to
 * the enterprise, school entries to the school.
 *
 * The audit log: its events, a verification of the chain, the server's
 * published checkpoints (public: a checkpoint shows an event count and a
 * hash, nothing of the records) and the verification of a posted
 * checkpoint against the chain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/arg.h"
#include "engine/anchor.h"
#include "http/app.h"
#include "core/banned.h"

bool dt_ctx_optional_body(struct dt_ctx *c, json_t **out)
{
	*out = NULL;
	if (!c->req->body_len)
		return true;
	json_error_t je;
	json_t *b = json_loadb(c->req->body, c->req->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!b) {
		dt_reply_code(c, 400, NULL, "http.body_json", "line", DT_I(je.line), "column",
			      DT_I(je.column), "reason", je.text, NULL);
		return false;
	}
	if (!json_is_object(b)) {
		json_decref(b);
		dt_reply_code(c, 422, "body", "type.object", NULL);
		return false;
	}
	*out = b;
	return true;
}

void dt_h_contract_action(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	enum dt_contract_event ev;
	const char *action = dt_param(c, "action");
	if (dt_contract_event_parse(action, &ev) != DT_OK || ev == DT_CEV_EDIT) {
		dt_reply_code(c, 404, "action", "http.contract_action", NULL);
		return;
	}
	json_t *args = NULL;
	if (!dt_ctx_optional_body(c, &args))
		return;
	enum dt_party party = DT_PARTY_ENTERPRISE;
	const char *role = c->cred.account.role;
	if (ev == DT_CEV_APPROVE) {
		if (!(c->perms & DT_P_APPROVE))
			goto denied;
		if (!strcmp(role, "enterprise"))
			party = DT_PARTY_ENTERPRISE;
		else if (!strcmp(role, "school"))
			party = DT_PARTY_SCHOOL;
		else if (!strcmp(role, "trainee"))
			party = DT_PARTY_TRAINEE;
		else {
			json_t *p = json_object_get(args, "party");
			if (!json_is_string(p) ||
			    dt_party_parse(json_string_value(p), &party) != DT_OK) {
				dt_reply_code(c, 422, "party", "http.party", NULL);
				json_decref(args);
				return;
			}
		}
		json_object_del(args, "party");
	} else if (!(c->perms & DT_P_CONTRACT)) {
		goto denied;
	}
	json_t *out = NULL;
	int rc = dt_store_contract_act(c->store, &c->actor, dt_ctx_scope(c), id, ev, party, args,
				       &out, &c->err);
	json_decref(args);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_written(c, ev == DT_CEV_TRANSFER ? 201 : 200, out);
	return;
denied:
	json_decref(args);
	dt_reply_code(c, 403, NULL, "http.role_contract", NULL);
}

void dt_h_signoff(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *entry = NULL;
	int rc = dt_store_get(c->store, dt_ctx_scope(c), "record_entry", id, 0, &entry, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	/* @site points into @entry: decide everything before letting it go. */
	const char *site = json_string_value(json_object_get(entry, "site"));
	const char *role = c->cred.account.role;
	bool company = site && !strcmp(site, "company");
	bool ok = !strcmp(role, "admin") || (!strcmp(role, "enterprise") && company) ||
		  (!strcmp(role, "school") && site && !strcmp(site, "school"));
	json_decref(entry);
	if (!ok) {
		dt_reply_code(c, 403, NULL,
			      company ? "http.signoff_company" : "http.signoff_school", NULL);
		return;
	}
	dt_h_signoff_one(c, id); /* as the named mentor or a delegate (h_mentors.c) */
}

void dt_h_audit_list(struct dt_ctx *c)
{
	const char *filters[2 * DT_MAX_QUERY];
	struct dt_query q;
	if (!dt_ctx_list_query(c, false, &q, filters))
		return;
	json_t *items = NULL;
	char *next = NULL;
	int rc = dt_store_audit_list(c->store, dt_ctx_scope(c), &q, &items, &next, &c->err);
	dt_reply_page(c, rc, items, next);
}

void dt_h_audit_verify(struct dt_ctx *c)
{
	int64_t n = 0;
	int rc = dt_store_audit_verify(c->store, &n, &c->err);
	if (rc != DT_OK && rc != DT_ECORRUPT) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200,
		      json_pack("{s:b, s:I, s:o}", "ok", rc == DT_OK, "checked", (json_int_t)n,
				"error", rc == DT_OK ? json_null() : json_string(c->err.buf)));
}

void dt_h_audit_checkpoints(struct dt_ctx *c)
{
	int64_t limit = 100;
	const char *l = dt_query(c, "limit");
	struct dt_problems ps = DT_PROBLEMS_INIT;
	if (l && dt_arg_int64(&ps, "limit", l, 1, 1000, &limit) != DT_OK) {
		dt_reply_problems(c, 422, &ps);
		dt_problems_release(&ps);
		return;
	}
	unsigned char pk[DT_SIGN_PK_LEN];
	json_t *key = json_null();
	if (dt_anchor_public_key(pk)) {
		char hex[DT_SIGN_PK_HEX], fpr[DT_SIGN_FPR_HEX];
		for (int i = 0; i < DT_SIGN_PK_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02x", pk[i]);
		dt_sign_fingerprint(pk, fpr);
		key = json_pack("{s:s, s:s}", "key", hex, "fingerprint", fpr);
	}
	dt_reply_json(
		c, 200,
		json_pack("{s:o, s:o}", "public_key", key, "items", dt_anchor_list((int)limit)));
}

void dt_h_audit_checkpoint_verify(struct dt_ctx *c)
{
	json_t *text = json_object_get(c->body, "checkpoint"),
	       *pub = json_object_get(c->body, "public_key");
	unsigned char pk[DT_SIGN_PK_LEN];
	struct dt_checkpoint cp;
	if (!json_is_string(text)) {
		dt_reply_code(c, 422, "checkpoint", "field.required", NULL);
		return;
	}
	if (pub && !json_is_null(pub)) {
		if (!json_is_string(pub) || json_string_length(pub) != 2 * DT_SIGN_PK_LEN ||
		    dt_sign_pubkey_parse(json_string_value(pub), pk, "public_key", &c->err) !=
			    DT_OK) {
			dt_reply_code(c, 422, "public_key", "http.public_key", NULL);
			return;
		}
	} else if (!dt_anchor_public_key(pk)) {
		dt_reply_code(c, 422, "public_key", "http.public_key_needed", NULL);
		return;
	}
	int rc = dt_checkpoint_parse(json_string_value(text), json_string_length(text), pk, &cp,
				     &c->err);
	if (rc == DT_EINVAL) {
		/* what is wrong with it stays in English, for whoever wrote the file */
		dt_reply_code(c, 422, "checkpoint", "http.checkpoint", "reason", c->err.buf, NULL);
		return;
	}
	int64_t n = 0;
	if (rc == DT_OK)
		rc = dt_store_audit_extends(c->store, &cp, &n, &c->err);
	if (rc != DT_OK && rc != DT_ECORRUPT && rc != DT_ECRYPTO) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200,
		      json_pack("{s:b, s:I, s:I, s:s, s:s, s:o}", "ok", rc == DT_OK, "event",
				(json_int_t)cp.event, "checked", (json_int_t)n, "time", cp.time,
				"fingerprint", cp.fingerprint, "error",
				rc == DT_OK ? json_null() : json_string(c->err.buf)));
}

void dt_h_contract_parties(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_contract_parties(c->store, dt_ctx_scope(c), id, &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, out);
}
