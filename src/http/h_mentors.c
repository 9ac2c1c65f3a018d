/*
 * h_mentors.c - mentors as people over HTTP: bulk sign-off, the entries
 * waiting for the caller's sign-off, and the load of each mentor.
 *
 * The register itself is the generic /api/v1/mentors (h_records.c).  Who
 * signs is the caller's account: a mentor's own account (account.mentor_id)
 * signs the entries of the contracts that name it, an enterprise's or a
 * school's shared account its site's entries as a delegate, an admin any
 * (as a delegate); domain/mentor.c has the rule, store/signoff.c the facts.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/arg.h"
#include "http/app.h"
#include "core/banned.h"

/* The caller as a signer (store.h). */
static struct dt_store_signer signer_of(const struct dt_ctx *c)
{
	const char *role = c->cred.account.role;
	struct dt_store_signer w = { DT_SIGNER_NONE, c->cred.account.id, false };
	if (!strcmp(role, "admin"))
		w.kind = DT_SIGNER_ANY;
	else if (!strcmp(role, "enterprise"))
		w.kind = DT_SIGNER_ENTERPRISE;
	else if (!strcmp(role, "school"))
		w.kind = DT_SIGNER_SCHOOL;
	return w;
}

void dt_h_signoff_one(struct dt_ctx *c, int64_t id)
{
	struct dt_store_signer w = signer_of(c);
	json_t *out = NULL;
	int rc = dt_store_record_signoff_as(c->store, &c->actor, dt_ctx_scope(c), &w, id, NULL,
					    &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, out);
}

void dt_h_signoff_batch(struct dt_ctx *c)
{
	json_t *ids = json_object_get(c->body, "ids");
	const char *key;
	json_t *v;
	json_object_foreach(c->body, key, v)
	{
		if (strcmp(key, "ids")) {
			dt_reply_code(c, 422, key, "field.unknown", "entity", "record_entry", NULL);
			return;
		}
	}
	if (!json_is_array(ids)) {
		dt_reply_code(c, 422, "ids", ids ? "type.array" : "field.required", NULL);
		return;
	}
	size_t n = json_array_size(ids);
	if (n > DT_SIGNOFF_BATCH_MAX) {
		dt_reply_code(c, 422, "ids", "signoff.too_many", "max", DT_I(DT_SIGNOFF_BATCH_MAX),
			      "count", DT_I(n), NULL);
		return;
	}
	int64_t *list = dt_http_alloc(c->req, (n ? n : 1) * sizeof(*list));
	size_t i;
	json_array_foreach(ids, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			dt_reply_code(c, 422, "ids", "type.integer", NULL);
			return;
		}
		list[i] = json_integer_value(v);
	}
	struct dt_store_signer w = signer_of(c);
	json_t *out = NULL;
	int rc = dt_store_record_signoff_batch(c->store, &c->actor, dt_ctx_scope(c), &w, list, n,
					       &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, out);
}

void dt_h_signoff_waiting(struct dt_ctx *c)
{
	int64_t limit = 50, offset = 0;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	const char *l = dt_query(c, "limit"), *o = dt_query(c, "offset");
	if ((l && dt_arg_int64(&ps, "limit", l, 1, 1000, &limit) != DT_OK) ||
	    (o && dt_arg_int64(&ps, "offset", o, 0, INT32_MAX, &offset) != DT_OK)) {
		dt_reply_problems(c, 422, &ps);
		dt_problems_release(&ps);
		return;
	}
	struct dt_store_signer w = signer_of(c);
	json_t *items = NULL;
	int64_t total = 0;
	int rc = dt_store_record_waiting(c->store, dt_ctx_scope(c), &w, limit, offset, &items,
					 &total, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200,
		      json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
				"limit", (json_int_t)limit, "offset", (json_int_t)offset));
}

void dt_h_mentor_load(struct dt_ctx *c)
{
	json_t *items = NULL;
	int rc = dt_store_mentor_load(c->store, dt_ctx_scope(c), &items, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:o}", "items", items));
}
