/*
 * h_inspection.c - inspection plans and inspections over HTTP (督查):
 *
 *   GET  /api/v1/inspection-plans               the plans in sight
 *   POST /api/v1/inspection-plans               make a draft plan
 *   GET  /api/v1/inspection-plans/{id}          a plan with its frozen
 *                                               candidates, weights, reasons,
 *                                               pool and inspections
 *   POST /api/v1/inspection-plans/{id}/{action} commit, draw or reveal
 *   GET  /api/v1/inspection-plans/{id}/verify   re-run the draw
 *   GET  /api/v1/inspections[/{id}]             inspections in sight
 *
 * Handlers stay thin: the store applies scope (a plan or inspection out of
 * sight is 404, as a missing one) and the rules of domain/inspection.c.  An
 * inspector reads the plans whose pool holds him and only the inspections
 * he is drawn for.
 */
#include <stdlib.h>
#include <string.h>

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
	if (strcmp(action, "commit") && strcmp(action, "draw") && strcmp(action, "reveal")) {
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
