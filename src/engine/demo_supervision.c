/*
 * demo_supervision.c - supervision in the demo pilot, as a pilot would have
 * it: inspectors of the province and its cities, a province plan across
 * cities (cross-city inspection), a city plan, and a plan of another
 * province (out of the Liaoning accounts' sight), each through commit, draw
 * and reveal.  The seeds are real random seeds, as in use: the draw differs
 * from one demo to the next, and each verifies.
 */
#include <stdio.h>
#include <string.h>

#include "core/common.h"
#include "engine/demo_accounts.h"
#include "engine/demo_supervision.h"
#include "core/banned.h"

/* The id of account @login (0 if none). */
static int64_t account_id(struct dt_store *s, const char *login, struct dt_strbuf *err)
{
	json_t *all = NULL;
	int64_t id = 0;
	if (dt_store_account_list(s, &all, err) != DT_OK)
		return 0;
	size_t i;
	json_t *u;
	json_array_foreach(all, i, u) if (!strcmp(json_string_value(json_object_get(u, "login")),
						  login)) id =
		json_integer_value(json_object_get(u, "id"));
	json_decref(all);
	return id;
}

enum dt_err dt_demo_supervision(struct dt_store *s, const struct dt_actor *a, int *plans,
				struct dt_strbuf *err)
{
	static const struct {
		const char *login, *scope;
	} inspectors[] = {
		{ "inspector-ln", "210000" }, { "inspector-dl", "210200" },
		{ "inspector-as", "210300" }, { "inspector-jl", "220000" },
		{ "inspector-jl2", "220200" },
	};
	enum dt_err rc = DT_OK;
	*plans = 0;
	for (size_t i = 0; i < DT_ARRAY_SIZE(inspectors) && rc == DT_OK; i++)
		rc = dt_store_account_add(s, a, inspectors[i].login, "inspector",
					  inspectors[i].scope, DT_DEMO_PASSWORD, NULL, err);
	if (rc != DT_OK)
		return rc;
	int64_t sy = account_id(s, "inspector", err), ln = account_id(s, "inspector-ln", err),
		dl = account_id(s, "inspector-dl", err), as = account_id(s, "inspector-as", err),
		jl = account_id(s, "inspector-jl", err), jl2 = account_id(s, "inspector-jl2", err);
	json_t *in[3] = {
		json_pack("{s:s, s:i, s:s, s:s, s:s, s:f, s:b, s:[I, I, I, I]}", "region", "210000",
			  "year", 2026, "title", "2026年辽宁省双元培育试点专项督查（双随机）",
			  "object_kinds", "enterprise,contract", "sample_kind", "rate",
			  "sample_value", 0.02, "cross_city", 1, "inspectors", (json_int_t)sy,
			  (json_int_t)ln, (json_int_t)dl, (json_int_t)as),
		json_pack("{s:s, s:i, s:s, s:s, s:s, s:i, s:b, s:[I, I]}", "region", "210100", "year",
			  2026, "title", "2026年沈阳市学徒培养协议执行情况抽查", "object_kinds",
			  "contract,pilot_task", "sample_kind", "count", "sample_value", 6,
			  "cross_city", 0, "inspectors", (json_int_t)sy, (json_int_t)ln),
		json_pack("{s:s, s:i, s:s, s:s, s:s, s:i, s:b, s:[I, I]}", "region", "220000", "year",
			  2026, "title", "2026年吉林省双元培育试点督查", "object_kinds",
			  "enterprise,school", "sample_kind", "count", "sample_value", 2,
			  "cross_city", 0, "inspectors", (json_int_t)jl, (json_int_t)jl2),
	};
	static const char *const steps[] = { "commit", "draw", "reveal" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(in); i++) {
		json_t *out = NULL;
		if (rc == DT_OK)
			rc = dt_store_plan_create(s, a, in[i], &out, err);
		int64_t id = json_integer_value(json_object_get(out, "id"));
		json_decref(out);
		for (size_t k = 0; k < DT_ARRAY_SIZE(steps) && rc == DT_OK; k++) {
			rc = dt_store_plan_act(s, a, id, steps[k], &out, err);
			json_decref(out);
		}
		if (rc == DT_OK)
			++*plans;
		json_decref(in[i]);
	}
	return rc;
}
