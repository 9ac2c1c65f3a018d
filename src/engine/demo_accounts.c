/*
 * demo_accounts.c - one sign-in per role for the demo pilot, so that a new
 * user can try every view: the parties of one active contract in Shenyang
 * (its school, its enterprise, its trainee) and the officials above them,
 * and its two named mentors' own accounts ("mentor", the company mentor;
 * "teacher", the school mentor), which sign off as the persons they are;
 * Shenyang's skill assessment centre ("assessor"), which recorded about half
 * of the city's assessments; with notifications waiting in their inboxes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "engine/demo_accounts.h"
#include "core/banned.h"

/* The ids of up to @limit records of @entity matching @filters (@n pairs), sorted by @sort. */
static json_t *ids_where(struct dt_store *s, const char *entity, const char **filters, size_t n,
			 const char *sort, bool desc, int limit)
{
	struct dt_query q = { filters, n, NULL, sort, desc, limit, NULL, 0, false };
	json_t *items = NULL, *ids = json_array();
	char *next = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_store_list(s, NULL, entity, &q, &items, &next, &err) == DT_OK) {
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			json_t *signed_at = json_object_get(it, "signed_at");
			if (!signed_at || json_is_null(signed_at))
				json_array_append(ids, json_object_get(it, "id"));
		}
	}
	free(next);
	json_decref(items);
	dt_strbuf_release(&err);
	return ids;
}

/*
 * Notifications waiting in the demo accounts' inboxes (made after the
 * pilot's history, so that its events found nobody to tell): the newest
 * open alerts of Shenyang, a contract of the demo school waiting for
 * approval, the demo contract's newest entry waiting for sign-off, and the
 * findings due in 7, 3 or 1 days.
 */
static enum dt_err demo_notifications(struct dt_store *s, int64_t contract, int64_t school,
				      struct dt_strbuf *err)
{
	char sch[24], con[24];
	snprintf(sch, sizeof(sch), "%lld", (long long)school);
	snprintf(con, sizeof(con), "%lld", (long long)contract);
	const char *alerts[] = { "region", "210100", "status", "open" };
	const char *pending[] = { "school_id", sch, "status", "pending" };
	const char *entries[] = { "contract_id", con };
	static const char *const kinds[] = { "alert", "contract", "record_entry" };
	json_t *lists[] = {
		ids_where(s, "alert", alerts, 2, "raised_at", true, 5),
		ids_where(s, "contract", pending, 2, "id", true, 2),
		ids_where(s, "record_entry", entries, 1, "date", true, 30),
	};
	enum dt_err rc = DT_OK;
	for (size_t k = 0; k < DT_ARRAY_SIZE(lists); k++) {
		size_t i;
		json_t *v;
		json_array_foreach(lists[k], i, v)
		{
			if (rc == DT_OK && (k != 2 || i == 0))
				rc = dt_store_notify_replay(s, kinds[k], json_integer_value(v),
							    err);
		}
		json_decref(lists[k]);
	}
	int made = 0;
	if (rc == DT_OK)
		rc = dt_store_notify_findings_due(s, dt_date_today(), &made, err);
	return rc;
}

enum dt_err dt_demo_accounts(struct dt_store *s, const struct dt_actor *a, json_t **out,
			     struct dt_strbuf *err)
{
	const char *filters[] = { "region", "210100", "status", "active" };
	struct dt_query q = { filters, 2, NULL, "id", false, 1, NULL, 0, false };
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
	json_t *c0 = json_incref(c);
	json_decref(items);
	/* the city's own assessment body (demo_orgs.c makes it before the county's) */
	const char *bodies[] = { "kind", "assessment_body", "region", "210100" };
	json_t *body = ids_where(s, "organization", bodies, 2, "id", false, 1);
	char assessor[32];
	snprintf(assessor, sizeof(assessor), "org:%lld",
		 (long long)json_integer_value(json_array_get(body, 0)));
	json_decref(body);

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
		{ "assessor", "assessor", assessor, "评价机构 / Shenyang's assessment centre" },
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
		rc = demo_notifications(s, json_integer_value(json_object_get(c0, "id")),
					json_integer_value(json_object_get(c0, "school_id")), err);
	json_decref(c0);
	if (rc == DT_OK)
		*out = list;
	else
		json_decref(list);
	return rc;
}
