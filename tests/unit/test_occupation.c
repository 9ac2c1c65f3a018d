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
#include "core/banned.h"

static void expect_reject(const char *s, const char *want)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = dt_occupation_code_parse(s, &err);
	if (rc != DT_EINVAL || !strstr(err.buf, want))
		print_error("input %s: rc %d, reason \"%s\", wanted \"%s\"\n", s ? s : "(null)", rc,
			    err.buf, want);
	assert_int_equal(rc, DT_EINVAL);
	assert_non_null(strstr(err.buf, want));
	dt_strbuf_release(&err);
}

static void test_valid_codes(void **state)
{
	(void)state;
	/* 2015 classification: e.g. 6-31-01-03 (汽车维修工), 4-04-01-01, 2-02-07-05 */
	static const char *const codes[] = { "6-31-01-03", "4-04-01-01", "2-02-07-05",
					     "1-01-00-01", "8-00-00-00", "5-01-01-01",
					     "3-01-01-01", "7-99-99-99" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(codes); i++) {
		struct dt_strbuf err = DT_STRBUF_INIT;
		assert_int_equal(dt_occupation_code_parse(codes[i], &err), DT_OK);
		assert_string_equal(err.buf, "");
		dt_strbuf_release(&err);
	}
	assert_int_equal(dt_occupation_code_parse("6-31-01-03", NULL), DT_OK);
	assert_int_equal(dt_occupation_code_parse("9-31-01-03", NULL), DT_EINVAL);
}

static void test_invalid_codes(void **state)
{
	(void)state;
	expect_reject(NULL, "missing");
	expect_reject("", "missing");
	expect_reject("6-31-01-3", "must be 10 characters like 6-31-01-03, got 9");
	expect_reject("6-31-01-033", "must be 10 characters like 6-31-01-03, got 11");
	expect_reject("63101030", "must be 10 characters like 6-31-01-03, got 8");
	expect_reject("6-31-01-03 ", "got 11");
	expect_reject("6.31-01-03", "character 2 must be '-'");
	expect_reject("6-3101-03-", "character 5 must be '-'");
	expect_reject("6-31-01 03", "character 8 must be '-'");
	expect_reject("6-3a-01-03", "character 4 must be a digit");
	expect_reject("X-31-01-03", "character 1 must be a digit");
	expect_reject("6-31-01-0-", "character 10 must be a digit");
	expect_reject("6--1-01-03", "character 3 must be a digit");
	expect_reject("9-31-01-03", "major group must be 1-8, got 9");
	expect_reject("0-31-01-03", "major group must be 1-8, got 0");
}

static void test_skill_levels(void **state)
{
	(void)state;
	static const char *const zh[] = { "一级/高级技师", "二级/技师", "三级/高级工", "四级/中级工",
					  "五级/初级工" };
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
