/*
 * h_publications.c - publishing a pilot city's figures (docs/PORTAL.md):
 * POST /api/v1/publications {region, year}, the list, one, and withdrawal.
 * Who may: the nation for every pilot city, a province for its own
 * (domain/publication.c); outside the scope answers as missing.  A
 * publication made here tells the portal at once (dt_portal_changed);
 * other servers learn it from the store's notification.
 */
#include <string.h>

#include "domain/region.h"
#include "engine/publish.h"
#include "http/app.h"
#include "portal/portal.h"
#include "core/banned.h"

/* The caller's role for the rule (NULL is the CLI's, never an HTTP caller's). */
static const char *role_of(const struct dt_ctx *c)
{
	return c->cred.account.role;
}

void dt_h_publication_create(struct dt_ctx *c)
{
	json_t *jr = json_object_get(c->body, "region"), *jy = json_object_get(c->body, "year");
	int region = 0;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	if (!json_is_string(jr)) {
		dt_reply_code(c, 422, "region", "type.string", NULL);
		return;
	}
	if (dt_region_code_parse(json_string_value(jr), &region, &ps, "region") != DT_OK) {
		dt_reply_problems(c, 422, &ps);
		dt_problems_release(&ps);
		return;
	}
	if (!json_is_integer(jy)) {
		dt_reply_code(c, 422, "year", "type.integer", NULL);
		return;
	}
	if (json_integer_value(jy) < 2000 || json_integer_value(jy) > 2100) {
		dt_reply_code(c, 422, "year", "number.range", "value", DT_I(json_integer_value(jy)),
			      "min", "2000", "max", "2100", NULL);
		return;
	}
	json_t *out = NULL;
	int rc = dt_engine_publish(c->store, &c->actor, role_of(c), region,
				   (int)json_integer_value(jy), &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_portal_changed();
	dt_reply_json(c, 201, out);
}

void dt_h_publications_list(struct dt_ctx *c)
{
	int region = 0;
	const char *r = dt_query(c, "region");
	if (r) {
		struct dt_problems ps = DT_PROBLEMS_INIT;
		if (dt_region_code_parse(r, &region, &ps, "region") != DT_OK) {
			dt_reply_problems(c, 422, &ps);
			dt_problems_release(&ps);
			return;
		}
	}
	const char *cur = dt_query(c, "current");
	json_t *arr = NULL;
	int rc = dt_store_publication_list(c->store, dt_ctx_scope(c), region,
					   cur && !strcmp(cur, "true"), false, &arr, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:o, s:n}", "items", arr, "next"));
}

void dt_h_publication_get(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_publication_get(c->store, dt_ctx_scope(c), id, true, &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, out);
}

void dt_h_publication_withdraw(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc = dt_engine_withdraw(c->store, &c->actor, role_of(c), id, &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_portal_changed();
	dt_reply_json(c, 200, out);
}
