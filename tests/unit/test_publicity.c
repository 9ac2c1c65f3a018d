/*
 * test_publicity.c - unit tests of the rule of publicity (domain/publicity.c).
 *
 * Every role × step × in/out of scope against a table written out here in
 * words (the oracle: who may do what, as the issue says it), and every
 * role × step × state × scope of dt_case_apply against a second oracle that
 * walks the workflow as a list of edges: the step is allowed exactly when
 * the role may take it in scope and an edge leaves the state, it leads
 * where the edge says, and a refusal is the documented code - never a
 * transition code for a caller who may not act.  Then the names, news
 * items, and the text rule.
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/publicity.h"
#include "core/banned.h"

/* Who may take which step, in words (in scope). */
static const struct {
	const char *role;
	const char *steps; /* space-separated, with spaces around */
} oracle[] = {
	{ "admin", " " },
	{ "national", " publish feature unfeature withdraw comment " },
	{ "province", " approve publish send_back withdraw comment " },
	{ "city", " edit submit withdraw comment recommend send_back " },
	{ "school", " edit submit withdraw comment " },
	{ "enterprise", " edit submit withdraw comment " },
	{ "trainee", " " },
	{ "inspector", " " },
};

static bool oracle_may(const char *role, const char *step)
{
	char w[32];
	snprintf(w, sizeof(w), " %s ", step);
	for (size_t i = 0; i < DT_ARRAY_SIZE(oracle); i++)
		if (!strcmp(oracle[i].role, role))
			return strstr(oracle[i].steps, w) != NULL;
	fail_msg("role %s not in the oracle", role);
	return false;
}

/* The workflow's edges: from, step, to; "*" any state; role "" any role. */
static const struct {
	const char *from, *step, *to, *role;
} edges[] = {
	{ "draft", "edit", "draft", "" },
	{ "withdrawn", "edit", "draft", "" },
	{ "draft", "submit", "submitted", "" },
	{ "submitted", "recommend", "recommended", "" },
	{ "recommended", "approve", "approved", "" },
	{ "approved", "publish", "published", "" },
	{ "published", "feature", "published", "" },
	{ "published", "unfeature", "published", "" },
	{ "submitted", "send_back", "draft", "city" },
	{ "recommended", "send_back", "draft", "province" },
	{ "approved", "send_back", "draft", "province" },
	{ "submitted", "withdraw", "withdrawn", "" },
	{ "recommended", "withdraw", "withdrawn", "" },
	{ "approved", "withdraw", "withdrawn", "" },
	{ "published", "withdraw", "withdrawn", "" },
	{ "*", "comment", "*", "" },
};

static void test_every_role_step_scope(void **state)
{
	(void)state;
	int n = 0;
	for (int r = 0; r < DT_PR_NROLE; r++) {
		const char *role = dt_pub_role_name((enum dt_pub_role)r);
		assert_non_null(role);
		assert_int_equal(dt_pub_role_of(role), r);
		for (int st = 0; st < DT_CS_NSTEP; st++) {
			const char *step = dt_case_step_name((enum dt_case_step)st);
			bool want = oracle_may(role, step);
			if (dt_case_may((enum dt_pub_role)r, true, (enum dt_case_step)st) != want)
				fail_msg("%s %s in scope: want %d", role, step, want);
			if (dt_case_may((enum dt_pub_role)r, false, (enum dt_case_step)st))
				fail_msg("%s %s out of scope is allowed", role, step);
			n++;
		}
	}
	assert_int_equal(n, 8 * 10);
	assert_int_equal(dt_pub_role_of("root"), DT_PR_NROLE);
	assert_int_equal(dt_pub_role_of(NULL), DT_PR_NROLE);
	assert_false(dt_case_may(DT_PR_NROLE, true, DT_CS_COMMENT));
	assert_false(dt_case_may(DT_PR_CITY, true, DT_CS_NSTEP));
}

static void test_apply_against_the_edges(void **state)
{
	(void)state;
	int allowed = 0;
	for (int r = 0; r < DT_PR_NROLE; r++) {
		const char *role = dt_pub_role_name((enum dt_pub_role)r);
		for (int st = 0; st < DT_CS_NSTEP; st++) {
			const char *step = dt_case_step_name((enum dt_case_step)st);
			for (int f = 0; f < DT_CASE_NSTATUS; f++) {
				const char *from = dt_case_status_name((enum dt_case_status)f);
				for (int scope = 0; scope < 2; scope++) {
					const char *to = NULL;
					for (size_t e = 0; e < DT_ARRAY_SIZE(edges) && !to; e++)
						if (!strcmp(edges[e].step, step) &&
						    (!strcmp(edges[e].from, "*") ||
						     !strcmp(edges[e].from, from)) &&
						    (!*edges[e].role ||
						     !strcmp(edges[e].role, role)))
							to = strcmp(edges[e].to, "*") ? edges[e].to
										      : from;
					bool may = scope && oracle_may(role, step);
					struct dt_problems ps = DT_PROBLEMS_INIT;
					enum dt_case_status out = DT_CASE_NSTATUS;
					enum dt_err rc = dt_case_apply(
						(enum dt_case_status)f, (enum dt_case_step)st,
						(enum dt_pub_role)r, scope, &out, &ps);
					if (may && to) {
						if (rc != DT_OK ||
						    strcmp(dt_case_status_name(out), to))
							fail_msg(
								"%s %s from %s: want %s, got rc %d",
								role, step, from, to, rc);
						allowed++;
					} else {
						assert_int_equal(ps.n, 1);
						assert_int_equal(out, DT_CASE_NSTATUS);
						const char *code = ps.v[0].code;
						if (!may) {
							assert_int_equal(rc, DT_EDENIED);
							assert_string_equal(
								code, "publicity.not_allowed");
						} else {
							assert_int_equal(rc, DT_ECONFLICT);
							assert_string_equal(code,
									    "publicity.transition");
						}
					}
					dt_problems_release(&ps);
				}
			}
		}
	}
	assert_true(allowed > 20);
	struct dt_problems ps = DT_PROBLEMS_INIT;
	enum dt_case_status out;
	assert_int_equal(
		dt_case_apply(DT_CASE_NSTATUS, DT_CS_SUBMIT, DT_PR_SCHOOL, true, &out, &ps),
		DT_EINVAL);
	assert_int_equal(dt_case_apply(DT_CASE_DRAFT, DT_CS_NSTEP, DT_PR_SCHOOL, true, &out, &ps),
			 DT_EINVAL);
	assert_string_equal(ps.v[0].code, "publicity.unknown");
	dt_problems_release(&ps);
	/* NULL problems are fine */
	assert_int_equal(dt_case_apply(DT_CASE_DRAFT, DT_CS_SUBMIT, DT_PR_SCHOOL, true, &out, NULL),
			 DT_OK);
	assert_int_equal(out, DT_CASE_SUBMITTED);
}

/* The whole road, as the demo and the e2e test walk it. */
static void test_the_road_to_published(void **state)
{
	(void)state;
	static const struct {
		enum dt_pub_role who;
		enum dt_case_step step;
		enum dt_case_status to;
	} road[] = {
		{ DT_PR_SCHOOL, DT_CS_SUBMIT, DT_CASE_SUBMITTED },
		{ DT_PR_CITY, DT_CS_SEND_BACK, DT_CASE_DRAFT },
		{ DT_PR_SCHOOL, DT_CS_EDIT, DT_CASE_DRAFT },
		{ DT_PR_SCHOOL, DT_CS_SUBMIT, DT_CASE_SUBMITTED },
		{ DT_PR_CITY, DT_CS_RECOMMEND, DT_CASE_RECOMMENDED },
		{ DT_PR_PROVINCE, DT_CS_APPROVE, DT_CASE_APPROVED },
		{ DT_PR_PROVINCE, DT_CS_PUBLISH, DT_CASE_PUBLISHED },
		{ DT_PR_NATIONAL, DT_CS_FEATURE, DT_CASE_PUBLISHED },
		{ DT_PR_NATIONAL, DT_CS_WITHDRAW, DT_CASE_WITHDRAWN },
		{ DT_PR_SCHOOL, DT_CS_EDIT, DT_CASE_DRAFT },
	};
	enum dt_case_status s = DT_CASE_DRAFT;
	for (size_t i = 0; i < DT_ARRAY_SIZE(road); i++) {
		assert_int_equal(dt_case_apply(s, road[i].step, road[i].who, true, &s, NULL),
				 DT_OK);
		assert_int_equal(s, road[i].to);
	}
	/* a school cannot recommend its own case, a city cannot approve */
	assert_int_equal(
		dt_case_apply(DT_CASE_SUBMITTED, DT_CS_RECOMMEND, DT_PR_SCHOOL, true, &s, NULL),
		DT_EDENIED);
	assert_int_equal(
		dt_case_apply(DT_CASE_RECOMMENDED, DT_CS_APPROVE, DT_PR_CITY, true, &s, NULL),
		DT_EDENIED);
	/* the city sends back only what waits for it */
	assert_int_equal(
		dt_case_apply(DT_CASE_RECOMMENDED, DT_CS_SEND_BACK, DT_PR_CITY, true, &s, NULL),
		DT_ECONFLICT);
}

static void test_names(void **state)
{
	(void)state;
	for (int i = 0; i < DT_CASE_NSTATUS; i++) {
		enum dt_case_status s;
		assert_int_equal(
			dt_case_status_parse(dt_case_status_name((enum dt_case_status)i), &s),
			DT_OK);
		assert_int_equal(s, i);
	}
	for (int i = 0; i < DT_CS_NSTEP; i++) {
		enum dt_case_step s;
		assert_int_equal(dt_case_step_parse(dt_case_step_name((enum dt_case_step)i), &s),
				 DT_OK);
		assert_int_equal(s, i);
	}
	enum dt_case_step st;
	assert_int_equal(dt_case_step_parse("send-back", &st), DT_OK);
	assert_int_equal(st, DT_CS_SEND_BACK);
	assert_int_equal(dt_case_step_parse("delete", &st), DT_EINVAL);
	assert_int_equal(dt_case_step_parse(NULL, &st), DT_EINVAL);
	assert_null(dt_case_status_name(DT_CASE_NSTATUS));
	assert_null(dt_case_step_name(DT_CS_NSTEP));
	enum dt_item_kind k;
	assert_int_equal(dt_item_kind_parse("policy", &k), DT_OK);
	assert_int_equal(k, DT_ITEM_POLICY);
	assert_int_equal(dt_item_kind_parse("blog", &k), DT_EINVAL);
	assert_string_equal(dt_item_kind_name(DT_ITEM_NOTICE), "notice");
}

static void test_items(void **state)
{
	(void)state;
	for (int r = 0; r < DT_PR_NROLE; r++) {
		bool official = r == DT_PR_NATIONAL || r == DT_PR_PROVINCE || r == DT_PR_CITY;
		assert_int_equal(dt_item_may((enum dt_pub_role)r, true), official);
		assert_false(dt_item_may((enum dt_pub_role)r, false));
	}
}

static void test_text(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	assert_int_equal(dt_pub_text_check(&ps, "title", "校企合作", 4), DT_OK);
	assert_int_equal(dt_pub_text_check(&ps, "title", "校企合作好", 4), DT_EINVAL);
	assert_string_equal(ps.v[ps.n - 1].code, "text.too_long");
	assert_int_equal(dt_pub_text_check(&ps, "title", " \n\t", 4), DT_EINVAL);
	assert_string_equal(ps.v[ps.n - 1].code, "text.empty");
	assert_int_equal(dt_pub_text_check(&ps, "title", NULL, 4), DT_EINVAL);
	assert_string_equal(ps.v[ps.n - 1].code, "field.required");
	assert_int_equal(dt_pub_text_check(&ps, "title", "\xff", 4), DT_EINVAL);
	assert_string_equal(ps.v[ps.n - 1].code, "text.utf8");
	assert_string_equal(ps.v[ps.n - 1].field, "title");
	dt_problems_release(&ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_role_step_scope),
		cmocka_unit_test(test_apply_against_the_edges),
		cmocka_unit_test(test_the_road_to_published),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
