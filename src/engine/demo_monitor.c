/*
 * demo_monitor.c - targets, minimum wages, tasks and alerts for the demo
 * pilot (see demo_monitor.h).  The minimum wages are round demo figures,
 * not the official tables; officials keep the real ones under min-wages.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "engine/demo_monitor.h"
#include "engine/indicators.h"
#include "core/banned.h"

static const struct {
	const char *region;
	int monthly;
} wages[] = {
	{ "210000", 1910 }, { "210100", 2100 }, { "210200", 2100 },
	{ "220000", 1880 }, { "230000", 1860 }, { "150000", 1980 },
};

/* National defaults for the rates (percent unless the indicator is a ratio). */
static const struct {
	const char *code;
	double value, baseline;
} national[] = {
	{ "enterprise_participation", 60, 40 },
	{ "dual_ratio", 50, 40 },
	{ "dissolution_rate", 10, 15 },
	{ "achievement_rate", 60, 50 },
	{ "retention_rate", 70, 60 },
	{ "pass_rate", 85, 75 },
	{ "firm_retention_rate", 60, 45 },
	{ "supply_demand_ratio", 1.0, 0.8 },
	{ "stipend_compliance", 100, 90 },
	{ "trainees_per_mentor", 4, 5 },
	/* supervision: a province plan samples about 2 % of its objects a year */
	{ "inspection_coverage", 2, 1 },
	{ "rectification_closure", 90, 70 },
	{ "overdue_findings", 3, 10 },
};

static const char *const tasks[][2] = {
	{ "制定试点实施方案并报省级备案", "市发展改革委" },
	{ "建立校企双元培育联席会议制度", "市教育局、市人力资源社会保障局" },
	{ "完成首批企业培训岗位认定", "市人力资源社会保障局" },
	{ "开展年度试点评估并形成总结报告", "市发展改革委、市教育局" },
};

static enum dt_err wages_and_national(struct dt_store *s, const struct dt_actor *a, int year,
				      struct dt_strbuf *err)
{
	int rc = DT_OK;
	for (size_t i = 0; i < DT_ARRAY_SIZE(wages) && rc == DT_OK; i++) {
		json_t *in = json_pack("{s:s, s:s, s:i}", "region", wages[i].region, "valid_from",
				       "2023-01-01", "monthly", wages[i].monthly);
		rc = dt_store_create(s, a, "min_wage", in, NULL, err);
		json_decref(in);
	}
	for (int y = year - 2; y <= year && rc == DT_OK; y++) {
		json_t *list = json_array();
		for (size_t i = 0; i < DT_ARRAY_SIZE(national); i++)
			json_array_append_new(list, json_pack("{s:s, s:f, s:f}", "indicator",
							      national[i].code, "value",
							      national[i].value, "baseline",
							      national[i].baseline));
		rc = dt_store_targets_set(s, a, 0, y, list, NULL, err);
		json_decref(list);
	}
	return rc;
}

/*
 * A pilot's own targets for @year: counts and hours set from the year
 * before, grown by a factor between 5% and 35% that depends on the region,
 * so that the demo shows pilots ahead of and behind their targets.
 */
static enum dt_err pilot_targets(struct dt_store *s, const struct dt_actor *a, int region, int year,
				 int today, struct dt_strbuf *err)
{
	static const char *const grown[] = { "new_contracts", "active_contracts", "hours_company",
					     "hours_school" };
	struct dt_ind_query q = { .region = region, .period = { year - 1, 0, 0 }, .today = today };
	json_t *dash = NULL;
	int rc = dt_engine_indicators(s, &q, &dash, err);
	if (rc != DT_OK)
		return rc;
	double growth = 1.05 + (region / 100 % 7) * 0.05;
	json_t *list = json_array();
	size_t i;
	json_t *ind;
	json_array_foreach(json_object_get(dash, "indicators"), i, ind)
	{
		const char *code = json_string_value(json_object_get(ind, "code"));
		json_t *v = json_object_get(ind, "value");
		for (size_t k = 0; k < DT_ARRAY_SIZE(grown); k++) {
			if (strcmp(code, grown[k]) || !json_is_number(v) ||
			    json_number_value(v) <= 0)
				continue;
			double base = json_number_value(v);
			json_array_append_new(list, json_pack("{s:s, s:f, s:f}", "indicator", code,
							      "value", round(base * growth),
							      "baseline", base));
		}
	}
	/* A city's own, stricter dual-ratio target where the province asks for more. */
	if (region % 10000 && region / 100 % 100 == 1)
		json_array_append_new(list, json_pack("{s:s, s:f, s:f}", "indicator", "dual_ratio",
						      "value", 55.0, "baseline", 45.0));
	rc = dt_store_targets_set(s, a, region, year, list, NULL, err);
	json_decref(list);
	json_decref(dash);
	return rc;
}

static enum dt_err pilot_tasks(struct dt_store *s, const struct dt_actor *a, int64_t pilot_id,
			       int year, int k, struct dt_strbuf *err)
{
	int rc = DT_OK;
	for (size_t t = 0; t < DT_ARRAY_SIZE(tasks) && rc == DT_OK; t++) {
		char deadline[48];
		/* Spread over the pilot period: the first ones done, one overdue in some pilots. */
		int y = year - 2 + (int)t * 2 / 3;
		snprintf(deadline, sizeof(deadline), "%04d-%02d-%02d", y, 3 + (int)t * 3, 28);
		const char *status = t < 2                    ? "done"
				     : (t == 2 && k % 3 == 0) ? "in_progress"
				     : t == 2                 ? "done"
							      : "planned";
		json_t *in =
			json_pack("{s:I, s:s, s:s, s:s, s:s}", "pilot_id", (json_int_t)pilot_id,
				  "title", tasks[t][0], "responsible_units", tasks[t][1],
				  "deadline", deadline, "status", status);
		rc = dt_store_create(s, a, "pilot_task", in, NULL, err);
		json_decref(in);
	}
	return rc;
}

enum dt_err dt_demo_monitoring(struct dt_store *s, const struct dt_actor *a, int today,
			       struct dt_strbuf *err)
{
	int year = today / 10000;
	int rc = wages_and_national(s, a, year, err);
	json_t *pilots = NULL;
	if (rc == DT_OK)
		rc = dt_engine_pilots(s, &pilots, err);
	size_t i;
	json_t *p;
	json_array_foreach(pilots, i, p)
	{
		int region = dt_engine_pilot_region(p);
		for (int y = year - 1; y <= year && rc == DT_OK; y++)
			rc = pilot_targets(s, a, region, y, today, err);
		if (rc == DT_OK)
			rc = pilot_tasks(s, a, json_integer_value(json_object_get(p, "id")), year,
					 (int)i, err);
		if (rc != DT_OK)
			break;
	}
	json_decref(pilots);
	if (rc == DT_OK)
		rc = dt_engine_alerts_evaluate(s, a, today, NULL, err);
	return rc;
}
