/*
 * test_mentor.c - unit tests of the mentors' rules (domain/mentor.c): which
 * organisation a mentor belongs to, which mentors a contract may name, and
 * who signs off an entry; with an exhaustive check of dt_signoff_decide
 * against an oracle written from the rule's wording, and of
 * dt_signoff_waits_for agreeing with it.
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/mentor.h"
#include "domain/problem.h"
#include "core/banned.h"

static void test_org_kind(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	assert_int_equal(dt_mentor_org_check(&ps, "company", "enterprise"), DT_OK);
	assert_int_equal(dt_mentor_org_check(&ps, "school", "school"), DT_OK);
	assert_int_equal(ps.n, 0);
	assert_int_equal(dt_mentor_org_check(&ps, "company", "school"), DT_EINVAL);
	assert_int_equal(dt_mentor_org_check(&ps, "school", "government"), DT_EINVAL);
	assert_int_equal(ps.n, 2);
	assert_string_equal(ps.v[0].code, "mentor.org_kind");
	assert_string_equal(ps.v[0].field, "organization_id");
	assert_string_equal(dt_problem_arg(&ps.v[0], "expected"), "enterprise");
	assert_string_equal(dt_problem_arg(&ps.v[1], "expected"), "school");
	dt_problems_release(&ps);
}

static void test_contract_mentor(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_mentor_ref m = { 7, 40, "company" };
	assert_int_equal(dt_mentor_contract_check(&ps, "company_mentor_id", &m, "company", 40),
			 DT_OK);
	assert_int_equal(dt_mentor_contract_check(&ps, "school_mentor_id", &m, "school", 40),
			 DT_EINVAL);
	assert_int_equal(dt_mentor_contract_check(&ps, "company_mentor_id", &m, "company", 41),
			 DT_EINVAL);
	assert_int_equal(ps.n, 2);
	assert_string_equal(ps.v[0].code, "mentor.wrong_kind");
	assert_string_equal(ps.v[0].field, "school_mentor_id");
	assert_string_equal(ps.v[1].code, "mentor.wrong_org");
	assert_string_equal(dt_problem_arg(&ps.v[1], "id"), "7");
	dt_problems_release(&ps);
}

/* The rule as worded: what may sign, and as a delegate or not; -1 refused. */
static int oracle(enum dt_signer_kind k, int64_t mentor, const char *site, int64_t cm, int64_t sm,
		  bool signed_)
{
	if (signed_)
		return -1;
	if (k == DT_SIGNER_ANY)
		return 1;
	bool company = !strcmp(site, "company");
	if (k != (company ? DT_SIGNER_ENTERPRISE : DT_SIGNER_SCHOOL))
		return -1;
	if (!mentor)
		return 1;
	return (company ? cm : sm) == mentor ? 0 : -1;
}

static void test_decide_exhaustive(void **state)
{
	(void)state;
	const enum dt_signer_kind kinds[] = { DT_SIGNER_ANY, DT_SIGNER_ENTERPRISE, DT_SIGNER_SCHOOL,
					      DT_SIGNER_NONE };
	const char *sites[] = { "company", "school" };
	int n = 0;
	for (size_t k = 0; k < 4; k++)
		for (int64_t mentor = 0; mentor <= 3; mentor++)
			for (size_t si = 0; si < 2; si++)
				for (int64_t cm = 0; cm <= 3; cm++)
					for (int64_t sm = 0; sm <= 3; sm++)
						for (int sg = 0; sg < 2; sg++) {
							struct dt_problems ps = DT_PROBLEMS_INIT;
							struct dt_signer w = { kinds[k], mentor };
							struct dt_signoff_facts f = { 99, sites[si],
										      cm, sm,
										      sg ? "王师傅"
											 : NULL };
							bool del = false;
							int want = oracle(kinds[k], mentor,
									  sites[si], cm, sm, sg);
							enum dt_err rc = dt_signoff_decide(
								&ps, &w, &f, &del);
							assert_int_equal(rc == DT_OK, want >= 0);
							if (want >= 0)
								assert_int_equal(del, want == 1);
							else
								assert_string_equal(
									dt_problem_arg(&ps.v[0],
										       "id"),
									"99");
							assert_int_equal(
								dt_signoff_waits_for(&w, &f),
								want >= 0);
							dt_problems_release(&ps);
							n++;
						}
	assert_int_equal(n, 4 * 4 * 2 * 4 * 4 * 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_org_kind),
		cmocka_unit_test(test_contract_mentor),
		cmocka_unit_test(test_decide_exhaustive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
