/*
 * demo_accounts.c - one sign-in per role for the demo pilot, so that a new
 * user can try every view: the parties of one active contract in Shenyang
 * (its school, its enterprise, its trainee) and the officials above them,
 * and its two named mentors' own accounts ("mentor", the company mentor;
 * "teacher", the school mentor), which sign off as the persons they are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "engine/demo_accounts.h"
#include "core/banned.h"

enum dt_err dt_demo_accounts(struct dt_store *s, const struct dt_actor *a, json_t **out,
			     struct dt_strbuf *err)
{
	const char *filters[] = { "region", "210100", "status", "active" };
	struct dt_query q = { filters, 2, NULL, "id", false, 1, NULL };
	json_t *items = NULL;
	char *next = NULL;
	int rc = dt_store_list(s, NULL, "contract", &q, &items, &next, err);
	free(next);
	if (rc != DT_OK)
		return rc;
	json_t *c = json_array_get(items, 0);
	if (!c) {
		json_decref(items);
		return dt_error(err, DT_ENOTFOUND, "demo accounts: no active contract in Shenyang");
	}
	char school[32], company[32], trainee[32];
	int64_t cm = json_integer_value(json_object_get(c, "company_mentor_id"));
	int64_t sm = json_integer_value(json_object_get(c, "school_mentor_id"));
	snprintf(school, sizeof(school), "org:%lld",
		 (long long)json_integer_value(json_object_get(c, "school_id")));
	snprintf(company, sizeof(company), "org:%lld",
		 (long long)json_integer_value(json_object_get(c, "enterprise_id")));
	snprintf(trainee, sizeof(trainee), "trainee:%lld",
		 (long long)json_integer_value(json_object_get(c, "trainee_id")));
	json_decref(items);

	const struct {
		const char *login, *role, *scope, *note;
	} accounts[] = {
		{ "admin", "admin", NULL, "系统管理员 / administrator" },
		{ "nation", "national", NULL, "国家部委 / national ministries" },
		{ "liaoning", "province", "210000", "辽宁省 / Liaoning province" },
		{ "shenyang", "city", "210100", "沈阳市 / Shenyang city" },
		{ "inspector", "inspector", "210100", "督查 沈阳 / inspector, Shenyang" },
		{ "school", "school", school, "院校 / a Shenyang school" },
		{ "company", "enterprise", company, "企业 / a Shenyang enterprise" },
		{ "trainee", "trainee", trainee, "学员 / one of its trainees" },
		{ "mentor", "enterprise", company, "企业导师 / its company mentor" },
		{ "teacher", "school", school, "学校导师 / its school mentor" },
	};
	json_t *list = json_array();
	for (size_t i = 0; i < DT_ARRAY_SIZE(accounts) && rc == DT_OK; i++) {
		rc = dt_store_account_add(s, a, accounts[i].login, accounts[i].role,
					  accounts[i].scope, DT_DEMO_PASSWORD, NULL, err);
		if (rc == DT_OK)
			json_array_append_new(
				list, json_pack("{s:s, s:s, s:s, s:s}", "login", accounts[i].login,
						"role", accounts[i].role, "scope",
						accounts[i].scope ? accounts[i].scope : "", "note",
						accounts[i].note));
	}
	if (rc == DT_OK && cm)
		rc = dt_store_account_mentor_set(s, a, "mentor", cm, err);
	if (rc == DT_OK && sm)
		rc = dt_store_account_mentor_set(s, a, "teacher", sm, err);
	if (rc == DT_OK)
		*out = list;
	else
		json_decref(list);
	return rc;
}
