/*
 * h_publicity.c - promotion and publicity over HTTP (issue 15): good-practice
 * cases and their workflow, news and notices, policy documents, search, and
 * the Markdown preview of the editors.
 *
 *   GET   /api/v1/cases                    list (region, occupation, industry,
 *                                          status, limit, offset)
 *   POST  /api/v1/cases                    a new draft
 *   GET   /api/v1/cases/{id}               one, with html, history, may
 *   PATCH /api/v1/cases/{id}               a new version (draft, withdrawn)
 *   GET   /api/v1/cases/{id}/versions      every version
 *   POST  /api/v1/cases/{id}/comments      {comment}
 *   POST  /api/v1/cases/{id}/{action}      submit, recommend, approve,
 *                                          publish, feature, unfeature,
 *                                          send-back, withdraw ({comment})
 *   GET   /api/v1/news, /api/v1/policies   lists (kind, region, status, ...)
 *   POST  ... , GET|PATCH .../{id}, POST .../{id}/{action} (publish, withdraw)
 *   GET   /api/v1/publicity/search?q=      cases, news and policy in sight
 *   POST  /api/v1/publicity/preview        {body} -> {html}, the server's
 *                                          safe rendering
 *
 * The store applies scope (a case or item out of sight answers 404 as a
 * missing one) and the rule of domain/publicity.c (403).  /news holds news
 * and notices, /policies policy documents: an item of the other kind is
 * missing under the wrong prefix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/markdown.h"
#include "domain/arg.h"
#include "engine/publicity.h"
#include "http/app.h"
#include "core/banned.h"

static const struct dt_account *caller(const struct dt_ctx *c)
{
	return &c->cred.account;
}

/* Is this a /policies route? */
static bool policies(const struct dt_ctx *c)
{
	return strstr(c->route->pattern, "/policies") != NULL;
}

/*
 * The list query into @flt; false after answering 422.  @items: the
 * news or policy lists (kind known; occupation and industry not).
 */
static bool list_query(struct dt_ctx *c, struct dt_pub_filter *flt, bool items)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	memset(flt, 0, sizeof(*flt));
	for (int i = 0; i < c->nquery && !ps.n; i++) {
		const char *n = c->qname[i], *v = c->qval[i];
		int64_t x = 0;
		if (!strcmp(n, "region")) {
			if (dt_arg_int64(&ps, n, v, 100000, 999999, &x) == DT_OK)
				flt->region = (int)x;
		} else if (!strcmp(n, "limit")) {
			if (dt_arg_int64(&ps, n, v, 1, DT_PUB_PAGE_MAX, &x) == DT_OK)
				flt->limit = (int)x;
		} else if (!strcmp(n, "offset")) {
			if (dt_arg_int64(&ps, n, v, 0, 1000000, &x) == DT_OK)
				flt->offset = (int)x;
		} else if (!strcmp(n, "status")) {
			enum dt_case_status st;
			if (dt_case_status_parse(v, &st) != DT_OK)
				dt_problem_add(&ps, n, "enum.value", "value", v, "values",
					       "draft|submitted|recommended|approved|published|"
					       "withdrawn",
					       NULL);
			flt->status = v;
		} else if (!items && !strcmp(n, "occupation")) {
			flt->occupation = v;
		} else if (!items && !strcmp(n, "industry")) {
			flt->industry = v;
		} else if (items && !policies(c) && !strcmp(n, "kind")) {
			if (strcmp(v, "news") && strcmp(v, "notice"))
				dt_problem_add(&ps, n, "publicity.kind", NULL);
			flt->kind = v;
		} else {
			dt_problem_add(&ps, n, "filter.unknown", "entity",
				       items ? "pub_item" : "case", NULL);
		}
	}
	if (items && policies(c))
		flt->kind = "policy";
	if (ps.n) {
		dt_reply_problems(c, 422, &ps);
		dt_problems_release(&ps);
		return false;
	}
	return true;
}

static void reply_list(struct dt_ctx *c, int rc, json_t *items, int64_t total)
{
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total));
}

static void reply_one(struct dt_ctx *c, int rc, json_t *out, int status)
{
	if (rc != DT_OK) {
		json_decref(out);
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_written(c, status, out);
}

/* ---- cases ---- */

void dt_h_case_list(struct dt_ctx *c)
{
	struct dt_pub_filter flt;
	if (!list_query(c, &flt, false))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	int rc = dt_store_case_list(c->store, caller(c), &flt, &items, &total, &c->err);
	reply_list(c, rc, items, total);
}

void dt_h_case_create(struct dt_ctx *c)
{
	json_t *out = NULL;
	int rc = dt_store_case_create(c->store, &c->actor, caller(c), c->body, &out, &c->err);
	reply_one(c, rc, out, 201);
}

void dt_h_case_get(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_case_get(c->store, caller(c), id, &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, out);
}

void dt_h_case_update(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_case_update(c->store, &c->actor, caller(c), id, c->body, &out, &c->err);
	reply_one(c, rc, out, 200);
}

void dt_h_case_versions(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *items = NULL;
	int rc = dt_store_case_versions(c->store, caller(c), id, &items, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:o}", "items", items));
}

/* A step's body: {comment, year} (both optional); false after a 422. */
static bool step_body(struct dt_ctx *c, json_t *body, const char **comment, int *year)
{
	*comment = NULL;
	*year = 0;
	if (!body)
		return true;
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		if (!strcmp(k, "comment") && (json_is_string(v) || json_is_null(v))) {
			*comment = json_string_value(v);
		} else if (!strcmp(k, "year") && json_is_integer(v) &&
			   json_integer_value(v) >= 2000 && json_integer_value(v) <= 2100) {
			*year = (int)json_integer_value(v);
		} else if (!strcmp(k, "comment") || !strcmp(k, "year")) {
			dt_reply_code(c, 422, k,
				      !strcmp(k, "year") ? "type.integer" : "type.string", NULL);
			return false;
		} else {
			dt_reply_code(c, 422, k, "field.unknown", "entity", "case", NULL);
			return false;
		}
	}
	return true;
}

static void case_step(struct dt_ctx *c, enum dt_case_step step)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *body = NULL;
	if (!dt_ctx_optional_body(c, &body))
		return;
	const char *comment;
	int year;
	if (!step_body(c, body, &comment, &year)) {
		json_decref(body);
		return;
	}
	json_t *out = NULL;
	int rc = dt_engine_case_step(c->store, &c->actor, caller(c), id, step, comment, year, 0,
				     &out, &c->err);
	json_decref(body);
	reply_one(c, rc, out, 200);
}

void dt_h_case_comment(struct dt_ctx *c)
{
	case_step(c, DT_CS_COMMENT);
}

void dt_h_case_action(struct dt_ctx *c)
{
	enum dt_case_step step;
	const char *a = dt_param(c, "action");
	if (dt_case_step_parse(a, &step) != DT_OK || step == DT_CS_EDIT || step == DT_CS_COMMENT) {
		/* an unknown step of a case out of sight is still "missing" first */
		int64_t id;
		json_t *o = NULL;
		if (!dt_ctx_id(c, "id", &id))
			return;
		int rc = dt_store_case_get(c->store, caller(c), id, &o, &c->err);
		json_decref(o);
		if (rc != DT_OK) {
			dt_reply_store_error(c, rc);
			return;
		}
		dt_reply_code(c, 404, "action", "publicity.step", "step", a ? a : "", NULL);
		return;
	}
	case_step(c, step);
}

/* ---- news, notices, policy documents ---- */

/* Item @id, 404 when it is of the other prefix's kind. */
static bool item_kind_ok(struct dt_ctx *c, json_t *o)
{
	const char *k = json_string_value(json_object_get(o, "kind"));
	return k && (policies(c) == !strcmp(k, "policy"));
}

void dt_h_item_list(struct dt_ctx *c)
{
	struct dt_pub_filter flt;
	if (!list_query(c, &flt, true))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	int rc;
	if (!flt.kind)
		flt.kind = "news,notice"; /* /news without ?kind=: both, one list */
	rc = dt_store_item_list(c->store, caller(c), &flt, &items, &total, &c->err);
	reply_list(c, rc, items, total);
}

void dt_h_item_create(struct dt_ctx *c)
{
	json_t *out = NULL;
	json_t *k = json_object_get(c->body, "kind");
	if (policies(c)) {
		if (k && !(json_is_string(k) && !strcmp(json_string_value(k), "policy"))) {
			dt_reply_code(c, 422, "kind", "publicity.kind", NULL);
			return;
		}
		json_object_set_new(c->body, "kind", json_string("policy"));
	} else if (k && json_is_string(k) && !strcmp(json_string_value(k), "policy")) {
		dt_reply_code(c, 422, "kind", "publicity.kind", NULL);
		return;
	}
	int rc = dt_store_item_create(c->store, &c->actor, caller(c), c->body, &out, &c->err);
	reply_one(c, rc, out, 201);
}

/* Item @id as the caller sees it under this prefix; false after replying. */
static bool item_here(struct dt_ctx *c, int64_t *id)
{
	if (!dt_ctx_id(c, "id", id))
		return false;
	json_t *o = NULL;
	int rc = dt_store_item_get(c->store, caller(c), *id, &o, &c->err);
	if (rc == DT_OK && !item_kind_ok(c, o)) {
		json_decref(o);
		dt_reply_code(c, 404, NULL, "record.not_found", NULL); /* as missing */
		return false;
	}
	json_decref(o);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return false;
	}
	return true;
}

void dt_h_item_get(struct dt_ctx *c)
{
	int64_t id;
	if (!item_here(c, &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_item_get(c->store, caller(c), id, &out, &c->err);
	reply_one(c, rc, out, 200);
}

void dt_h_item_update(struct dt_ctx *c)
{
	int64_t id;
	if (!item_here(c, &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_item_update(c->store, &c->actor, caller(c), id, c->body, &out, &c->err);
	reply_one(c, rc, out, 200);
}

void dt_h_item_action(struct dt_ctx *c)
{
	int64_t id;
	if (!item_here(c, &id))
		return;
	enum dt_case_step step;
	const char *a = dt_param(c, "action");
	if (dt_case_step_parse(a, &step) != DT_OK ||
	    (step != DT_CS_PUBLISH && step != DT_CS_WITHDRAW)) {
		dt_reply_code(c, 404, "action", "publicity.step", "step", a ? a : "", NULL);
		return;
	}
	json_t *out = NULL;
	int rc = dt_store_item_step(c->store, &c->actor, caller(c), id, step, &out, &c->err);
	reply_one(c, rc, out, 200);
}

/* ---- search and preview ---- */

void dt_h_publicity_search(struct dt_ctx *c)
{
	const char *q = dt_query(c, "q");
	const char *l = dt_query(c, "limit");
	int64_t limit = 50;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	for (int i = 0; i < c->nquery; i++)
		if (strcmp(c->qname[i], "q") && strcmp(c->qname[i], "limit"))
			dt_problem_add(&ps, c->qname[i], "filter.unknown", "entity", "case", NULL);
	if (!q || !*q)
		dt_problem_add(&ps, "q", "field.required", NULL);
	if (l)
		dt_arg_int64(&ps, "limit", l, 1, DT_PUB_PAGE_MAX, &limit);
	if (ps.n) {
		dt_reply_problems(c, 422, &ps);
		dt_problems_release(&ps);
		return;
	}
	json_t *items = NULL;
	int rc = dt_store_publicity_search(c->store, caller(c), false, q, (int)limit, &items,
					   &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:s, s:o}", "q", q, "items", items));
}

void dt_h_publicity_preview(struct dt_ctx *c)
{
	json_t *b = json_object_get(c->body, "body");
	if (!json_is_string(b)) {
		dt_reply_code(c, 422, "body", b ? "type.string" : "field.required", NULL);
		return;
	}
	struct dt_strbuf h = DT_STRBUF_INIT;
	if (dt_markdown_html(json_string_value(b), json_string_length(b), &h) != DT_OK) {
		dt_strbuf_release(&h);
		dt_reply_store_error(c, DT_ENOMEM);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:s}", "html", h.buf));
	dt_strbuf_release(&h);
}
