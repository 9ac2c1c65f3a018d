/*
 * publish.c - the published figures of a pilot city: one snapshot made of
 * dt_engine_indicators() and dt_engine_ranking(), the calls behind
 * /api/v1/indicators, /api/v1/rankings and the annual report, so that the
 * portal, the API and the PDF show the same numbers for the same day.
 */
#include <math.h>
#include <string.h>

#include "domain/publication.h"
#include "domain/region.h"
#include "engine/indicators.h"
#include "engine/publish.h"
#include "core/banned.h"

static const char *const keep[] = { "code",       "name_zh", "name_en", "unit",
				    "direction",  "value",   "target",  "baseline",
				    "attainment", "weight",  "part",    NULL };

enum dt_err dt_engine_publication_snapshot(struct dt_store *s, int region, int year, int today,
					   json_t **out, struct dt_strbuf *err)
{
	json_t *ind = NULL, *rank = NULL;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_ind_query q = {
		.region = region, .period = { .year = year }, .today = today, .problems = &ps
	};
	enum dt_err rc = dt_engine_indicators(s, &q, &ind, err);
	if (rc == DT_EINVAL)
		rc = dt_error(err, DT_ENOTFOUND, "region %06d: not found", region);
	if (rc == DT_OK)
		rc = dt_engine_ranking(s, 2, 0, year, today, &rank, err);
	dt_problems_release(&ps);
	if (rc != DT_OK)
		goto out;
	json_t *inds = json_object_get(ind, "indicators");
	json_t *slim = json_array(), *it;
	size_t i;
	json_array_foreach(inds, i, it)
	{
		json_t *o = json_object();
		for (const char *const *k = keep; *k; k++) {
			/* "part": the indicator's points in the score (engine/indicators.c) */
			json_t *v = json_object_get(it, strcmp(*k, "part") ? *k : "score_part");
			json_object_set(o, *k, v ? v : json_null());
		}
		json_array_append_new(slim, o);
	}
	json_t *mine = NULL;
	json_t *reg = json_object_get(ind, "region");
	json_array_foreach(json_object_get(rank, "items"), i, it)
	{
		const char *c =
			json_string_value(json_object_get(json_object_get(it, "region"), "code"));
		if (c && !strcmp(c, json_string_value(json_object_get(reg, "code"))))
			mine = it;
	}
	*out = json_pack("{s:O, s:i, s:O, s:o, s:O, s:I, s:O}", "region", reg, "year", year,
			 "score", json_object_get(ind, "score"), "indicators", slim, "rank",
			 mine ? json_object_get(mine, "rank") : json_null(), "ranked",
			 (json_int_t)json_array_size(json_object_get(rank, "items")), "ranking",
			 rank);
	if (!*out)
		rc = dt_error(err, DT_ENOMEM, "out of memory");
out:
	json_decref(ind);
	json_decref(rank);
	return rc;
}

/* The rule for @a (role @role) on @region: DT_OK, or the refusal. */
static enum dt_err may(struct dt_store *s, const struct dt_actor *a, const char *role, int region,
		       struct dt_strbuf *err)
{
	bool pilot = false;
	enum dt_err rc = dt_store_is_pilot(s, region, &pilot, err);
	if (rc != DT_OK)
		return rc;
	int scope = a->scope ? a->scope->region : 0;
	if (a->scope && (a->scope->org_id || a->scope->trainee_id))
		return dt_error(err, DT_ENOTFOUND, "region %06d: not found", region);
	switch (dt_publication_may(role, scope, region, pilot)) {
	case DT_PUB_OK: return DT_OK;
	case DT_PUB_DENIED: return dt_error(err, DT_EDENIED, "may not publish %06d", region);
	default: return dt_error(err, DT_ENOTFOUND, "region %06d: not found", region);
	}
}

enum dt_err dt_engine_publish(struct dt_store *s, const struct dt_actor *a, const char *role,
			      int region, int year, json_t **out, struct dt_strbuf *err)
{
	json_t *snap = NULL;
	enum dt_err rc = may(s, a, role, region, err);
	if (rc == DT_OK)
		rc = dt_engine_publication_snapshot(s, region, year, 0, &snap, err);
	if (rc == DT_OK)
		rc = dt_store_publication_insert(s, a, region, year, snap, out, err);
	json_decref(snap);
	return rc;
}

enum dt_err dt_engine_withdraw(struct dt_store *s, const struct dt_actor *a, const char *role,
			       int64_t id, json_t **out, struct dt_strbuf *err)
{
	json_t *cur = NULL;
	enum dt_err rc = dt_store_publication_get(s, a->scope, id, false, &cur, err);
	if (rc == DT_OK)
		rc = may(s, a, role, (int)json_integer_value(json_object_get(cur, "region")), err);
	json_decref(cur);
	if (rc == DT_OK)
		rc = dt_store_publication_withdraw(s, a, id, out, err);
	return rc;
}

enum dt_err dt_engine_publish_pilots(struct dt_store *s, const struct dt_actor *a, const char *role,
				     int year, json_t **out, struct dt_strbuf *err)
{
	json_t *all = NULL, *it;
	size_t i;
	enum dt_err rc = dt_engine_pilots(s, &all, err);
	if (rc != DT_OK)
		return rc;
	*out = json_array();
	json_array_foreach(all, i, it)
	{
		int code = dt_engine_pilot_region(it);
		if (dt_region_level(code) != 2)
			continue;
		json_t *pub = NULL;
		rc = dt_engine_publish(s, a, role, code, year, &pub, err);
		if (rc != DT_OK)
			break;
		json_array_append_new(*out, pub);
	}
	json_decref(all);
	if (rc != DT_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
