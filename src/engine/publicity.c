/*
 * publicity.c - freezing a case's indicators when it is published: what
 * the dashboards show for the case's region and year at that moment (the
 * same numbers, from engine/indicators.c), kept with the case so that the
 * portal shows what was true when it was published, not the live figures.
 */
#include "core/common.h"

#include <string.h>

#include "engine/indicators.h"
#include "engine/publicity.h"
#include "core/banned.h"

/* The frozen figures of case @c (its "region" and "indicators") for @year. */
static enum dt_err freeze(struct dt_store *s, json_t *c, int year, int today, json_t **frozen,
			  struct dt_strbuf *err)
{
	json_t *codes = json_object_get(c, "indicators");
	const char *rs = json_string_value(json_object_get(c, "region"));
	*frozen = NULL;
	if (!json_array_size(codes) || !rs)
		return DT_OK;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_ind_query q = { .region = (int)strtol(rs, NULL, 10),
				  .period = { .year = year },
				  .today = today,
				  .problems = &ps };
	json_t *all = NULL;
	int rc = dt_engine_indicators(s, &q, &all, err);
	dt_problems_release(&ps);
	if (rc != DT_OK)
		return rc;
	json_t *picked = json_array();
	size_t i, j;
	json_t *code, *ind;
	json_array_foreach(codes, i,
			   code){ json_array_foreach(json_object_get(all, "indicators"), j, ind){
		if (!json_equal(json_object_get(ind, "code"), code)) continue;
	json_array_append_new(picked, json_pack("{s:O, s:O, s:O, s:O, s:O}", "code", code,
						"name_zh", json_object_get(ind, "name_zh"),
						"name_en", json_object_get(ind, "name_en"), "unit",
						json_object_get(ind, "unit"), "value",
						json_object_get(ind, "value") ?: json_null()));
}
}
*frozen = json_pack("{s:i, s:s, s:o}", "year", year, "region", rs, "indicators", picked);
json_decref(all);
return DT_OK;
}

enum dt_err dt_engine_case_step(struct dt_store *s, const struct dt_actor *a,
				const struct dt_account *who, int64_t id, enum dt_case_step step,
				const char *comment, int year, int today, json_t **out,
				struct dt_strbuf *err)
{
	json_t *frozen = NULL;
	if (step == DT_CS_PUBLISH) {
		json_t *c = NULL;
		if (!today)
			today = dt_engine_today();
		if (!year)
			year = today / 10000;
		/* a case out of sight or missing: the step itself says so */
		if (dt_store_case_get(s, who, id, &c, err) == DT_OK) {
			int rc = freeze(s, c, year, today, &frozen, err);
			json_decref(c);
			if (rc != DT_OK)
				return rc;
		}
	}
	return dt_store_case_step(s, a, who, id, step, comment, frozen, out, err);
}
