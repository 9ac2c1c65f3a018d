/*
 * test_occupation.c - unit tests of occupation code form and skill levels.
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/occupation.h"
#include "problem_check.h"
#include "core/banned.h"

/*
 * Parse @s expecting failure: exactly one problem, about "code", with
 * @code and (at least) the arguments given as key/value pairs ended by NULL.
 */
static void expect_reject(const char *s, const char *code, ...)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;

	int rc = dt_occupation_code_parse(s, &ps, "code");
	va_list ap;
	va_start(ap, code);
	check_one_problem(&ps, rc, s, "code", code, ap);
	va_end(ap);

	dt_problems_release(&ps);
}

static void test_valid_codes(void **state)
{
	(void)state;
	/* 2015 classification: e.g. 6-31-01-03 (汽车维修工), 4-04-01-01, 2-02-07-05 */
	static const char *const codes[] = {
		"6-31-01-03", "4-04-01-01", "2-02-07-05", "1-01-00-01",
		"8-00-00-00", "5-01-01-01", "3-01-01-01", "7-99-99-99"
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(codes); i++) {
		struct dt_problems ps = DT_PROBLEMS_INIT;
		assert_int_equal(dt_occupation_code_parse(codes[i], &ps, "code"), DT_OK);
		assert_int_equal(ps.n, 0);
		dt_problems_release(&ps);
	}
	assert_int_equal(dt_occupation_code_parse("6-31-01-03", NULL, NULL), DT_OK);
	assert_int_equal(dt_occupation_code_parse("9-31-01-03", NULL, NULL), DT_EINVAL);
}

static void test_invalid_codes(void **state)
{
	(void)state;
	expect_reject(NULL, "field.required", NULL);
	expect_reject("", "field.required", NULL);
	expect_reject("6-31-01-3", "occupation.format", "value", "6-31-01-3", NULL);
	expect_reject("6-31-01-033", "occupation.format", "value", "6-31-01-033", NULL);
	expect_reject("63101030", "occupation.format", "value", "63101030", NULL);
	expect_reject("6-31-01-03 ", "occupation.format", "value", "6-31-01-03 ", NULL);
	expect_reject("6.31-01-03", "occupation.format", "value", "6.31-01-03", NULL);
	expect_reject("6-3101-03-", "occupation.format", "value", "6-3101-03-", NULL);
	expect_reject("6-31-01 03", "occupation.format", "value", "6-31-01 03", NULL);
	expect_reject("6-3a-01-03", "occupation.format", "value", "6-3a-01-03", NULL);
	expect_reject("X-31-01-03", "occupation.format", "value", "X-31-01-03", NULL);
	expect_reject("6-31-01-0-", "occupation.format", "value", "6-31-01-0-", NULL);
	expect_reject("6--1-01-03", "occupation.format", "value", "6--1-01-03", NULL);
	expect_reject("9-31-01-03", "occupation.major", "value", "9", NULL);
	expect_reject("0-31-01-03", "occupation.major", "value", "0", NULL);
}

static void test_skill_levels(void **state)
{
	(void)state;
	static const char *const zh[] = { "一级/高级技师", "二级/技师", "三级/高级工",
					  "四级/中级工", "五级/初级工" };
	static const char *const en[] = { "Level 1 (senior technician)", "Level 2 (technician)",
					  "Level 3 (advanced)", "Level 4 (intermediate)",
					  "Level 5 (entry)" };
	for (int level = 1; level <= 5; level++) {
		assert_true(dt_skill_level_valid(level));
		assert_string_equal(dt_skill_level_name(level, true), zh[level - 1]);
		assert_string_equal(dt_skill_level_name(level, false), en[level - 1]);
	}
	static const int bad[] = { 0, 6, -1, 10, -2147483647 - 1, 2147483647 };
	for (size_t i = 0; i < DT_ARRAY_SIZE(bad); i++) {
		assert_false(dt_skill_level_valid(bad[i]));
		assert_null(dt_skill_level_name(bad[i], true));
		assert_null(dt_skill_level_name(bad[i], false));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_codes),
		cmocka_unit_test(test_invalid_codes),
		cmocka_unit_test(test_skill_levels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
