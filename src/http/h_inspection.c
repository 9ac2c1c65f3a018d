/*
 * h_inspection.c - inspection plans and inspections over HTTP (督查):
 *
 *   GET  /api/v1/inspection-plans               the plans in sight
 *   POST /api/v1/inspection-plans               make a draft plan
 *   GET  /api/v1/inspection-plans/{id}          a plan with its frozen
 *                                               candidates, weights, reasons,
 *                                               pool and inspections
 *   POST /api/v1/inspection-plans/{id}/{action} commit, draw, reveal, start
 *                                               or close
 *   GET  /api/v1/inspection-plans/{id}/verify   re-run the draw
 *   GET  /api/v1/inspections[/{id}]             inspections in sight
 *   GET  /api/v1/inspection-plans/defaults      what a new plan starts from:
 *                                               the default checklist and
 *                                               risk weights
 *   GET  /api/v1/inspectors?region=             the inspector accounts a
 *                                               plan of the region may pool
 *
 * Handlers stay thin: the store applies scope (a plan or inspection out of
 * sight is 404, as a missing one) and the rules of domain/inspection.c.  An
 * inspector reads the plans whose pool holds him and only the inspections
 * he is drawn for.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/inspection.h"
#include "domain/region.h"
#include "http/app.h"
#include "core/banned.h"

/* The account id of an inspector caller (his drawn inspections), else 0. */
static int64_t viewer(const struct dt_ctx *c)
{
	return !strcmp(c->cred.account.role, "inspector") ? c->cred.account.id : 0;
}

void dt_h_plans_list(struct dt_ctx *c)
{
	json_t *items = NULL;
	int rc = dt_store_plan_list(c->store, dt_ctx_scope(c), viewer(c), &items, &c->err);
	if (rc != DT_OK) {
		json_decref(items);
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:o, s:n}", "items", items, "next"));
}

void dt_h_plan_create(struct dt_ctx *c)
{
	json_t *out = NULL;
	int rc = dt_store_plan_create(c->store, &c->actor, c->body, &out, &c->err);
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		dt_reply_written(c, 201, out);
}

void dt_h_plan_get(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_plan_show(c->store, dt_ctx_scope(c), viewer(c), id, &out, &c->err);
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		dt_reply_json(c, 200, out);
}

void dt_h_plan_action(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	const char *action = dt_param(c, "action");
	if (strcmp(action, "commit") && strcmp(action, "draw") && strcmp(action, "reveal") &&
	    strcmp(action, "start") && strcmp(action, "close")) {
		dt_reply_code(c, 404, "action", "inspection.action", "action", action, NULL);
		return;
	}
	json_t *out = NULL;
	int rc = dt_store_plan_act(c->store, &c->actor, id, action, &out, &c->err);
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		dt_reply_written(c, 200, out);
}

void dt_h_plan_verify(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_plan_verify(c->store, dt_ctx_scope(c), viewer(c), id, &out, &c->err);
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		dt_reply_json(c, 200, out);
}

void dt_h_inspections_list(struct dt_ctx *c)
{
	int64_t plan = 0;
	const char *p = dt_query(c, "plan_id");
	if (p && *p) {
		char *end = NULL;
		long long v = strtoll(p, &end, 10);
		if (*end || v < 1) {
			dt_reply_code(c, 422, "plan_id", "type.integer", NULL);
			return;
		}
		plan = v;
	}
	json_t *items = NULL;
	int rc = dt_store_inspection_list(c->store, dt_ctx_scope(c), viewer(c), plan, &items,
					  &c->err);
	if (rc != DT_OK) {
		json_decref(items);
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:o, s:n}", "items", items, "next"));
}

void dt_h_inspection_get(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_inspection_get(c->store, dt_ctx_scope(c), viewer(c), id, &out, &c->err);
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		dt_reply_json(c, 200, out);
}

void dt_h_inspectors_list(struct dt_ctx *c)
{
	const struct dt_scope *sc = dt_ctx_scope(c);
	const char *v = dt_query(c, "region");
	int region = sc ? sc->region : 0;
	if (v && *v) {
		struct dt_problems ps = DT_PROBLEMS_INIT;
		if (dt_region_code_parse(v, &region, &ps, "region") != DT_OK) {
			dt_reply_problems(c, 422, &ps);
			dt_problems_release(&ps);
			return;
		}
	}
	json_t *items = NULL;
	int rc = dt_store_inspector_list(c->store, &c->actor, region, &items, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:o, s:n}", "items", items, "next"));
}

void dt_h_plan_defaults(struct dt_ctx *c)
{
	struct dt_weights w;
	struct dt_strbuf text = DT_STRBUF_INIT;
	dt_weights_default(&w);
	dt_weights_format(&w, &text);
	json_t *weights = json_loads(text.buf, 0, NULL);
	dt_strbuf_release(&text);
	json_t *checks = json_array();
	size_t n;
	const struct dt_check_item *ci = dt_checklist_default(&n);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(checks, json_pack("{s:s, s:s, s:s, s:s}", "code", ci[i].code,
							"text_zh", ci[i].text_zh, "text_en",
							ci[i].text_en, "basis", ci[i].basis));
	json_t *kinds = json_array();
	for (int k = 0; k < DT_OBJ_KINDS; k++)
		json_array_append_new(kinds, json_string(dt_object_kind_name(k)));
	dt_reply_json(c, 200,
		      json_pack("{s:o, s:o, s:o, s:i}", "weights", weights ? weights : json_null(),
				"checklist", checks, "object_kinds", kinds, "checklist_max",
				DT_CHECKLIST_MAX));
}
