/*
 * test_region.c - unit tests of the rules on GB/T 2260 region codes.
 *
 * The province list, parsing and its reasons, level, ancestors, containment
 * and ranges (checked against each other), and every code of the shipped
 * table data/regions.csv (skipped when the test does not run from the
 * project root) must parse with the level the table gives it.
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/region.h"
#include "problem_check.h"
#include "core/banned.h"

static const int provinces[] = {
	11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
	43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82
};

static void test_province_valid(void **state)
{
	(void)state;
	assert_int_equal(DT_ARRAY_SIZE(provinces), 34);
	int n = 0;
	for (int p = -5; p < 200; p++) {
		bool listed = false;
		for (size_t i = 0; i < DT_ARRAY_SIZE(provinces); i++)
			if (provinces[i] == p)
				listed = true;
		assert_int_equal(dt_region_province_valid(p), listed);
		n += listed;
	}
	assert_int_equal(n, 34);
}

/*
 * Parse @s expecting failure: exactly one problem, about "region", with
 * @code and (at least) the arguments given as key/value pairs ended by NULL.
 */
static void expect_reject(const char *s, const char *code, ...)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	int out = -1;
	int rc = dt_region_code_parse(s, &out, &ps, "region");
	va_list ap;
	va_start(ap, code);
	check_one_problem(&ps, rc, s, "region", code, ap);
	va_end(ap);
	assert_int_equal(out, -1);
	dt_problems_release(&ps);
}

static void test_code_parse(void **state)
{
	(void)state;
	int code = 0;
	assert_int_equal(dt_region_code_parse("210102", &code, NULL, NULL), DT_OK);
	assert_int_equal(code, 210102);
	assert_int_equal(dt_region_code_parse("110000", &code, NULL, NULL), DT_OK);
	assert_int_equal(code, 110000);
	assert_int_equal(dt_region_code_parse("419001", &code, NULL, NULL), DT_OK); /* 济源市 */
	assert_int_equal(code, 419001);
	/* abolished, not in the current list, still a well-formed code */
	assert_int_equal(dt_region_code_parse("110103", &code, NULL, NULL), DT_OK);
	assert_int_equal(code, 110103);
	assert_int_equal(dt_region_code_parse("820000", NULL, NULL, NULL), DT_OK);

	expect_reject(NULL, "field.required", NULL);
	expect_reject("", "field.required", NULL);
	expect_reject("21010", "region.format", "value", "21010", NULL);
	expect_reject("2101020", "region.format", "value", "2101020", NULL);
	expect_reject(" 21010", "region.format", "value", " 21010", NULL);
	expect_reject("21a102", "region.format", "value", "21a102", NULL);
	expect_reject("-10102", "region.format", "value", "-10102", NULL);
	expect_reject("990101", "region.province", "value", "990101", "province", "99", NULL);
	expect_reject("000000", "region.province", "value", "000000", "province", "00", NULL);
	expect_reject("100000", "region.province", "value", "100000", "province", "10", NULL);
	expect_reject("210001", "region.county", "value", "210001", NULL);
}

static void test_level(void **state)
{
	(void)state;
	assert_int_equal(dt_region_level(210000), 1);
	assert_int_equal(dt_region_level(210100), 2);
	assert_int_equal(dt_region_level(210102), 3);
	assert_int_equal(dt_region_level(419001), 3);
	assert_int_equal(dt_region_level(110101), 3);
	assert_int_equal(dt_region_level(469000), 2);
}

static void test_ancestor(void **state)
{
	(void)state;
	assert_int_equal(dt_region_ancestor(210102, 1), 210000);
	assert_int_equal(dt_region_ancestor(210102, 2), 210100);
	assert_int_equal(dt_region_ancestor(210102, 3), 210102);
	assert_int_equal(dt_region_ancestor(210100, 1), 210000);
	assert_int_equal(dt_region_ancestor(210100, 2), 210100);
	assert_int_equal(dt_region_ancestor(210000, 1), 210000);
	assert_int_equal(dt_region_ancestor(419001, 2), 419000);
	/* other levels give the code itself */
	assert_int_equal(dt_region_ancestor(210102, 0), 210102);
	assert_int_equal(dt_region_ancestor(210102, 4), 210102);
}

static void test_contains(void **state)
{
	(void)state;
	assert_true(dt_region_contains(210000, 210000));
	assert_true(dt_region_contains(210000, 210100));
	assert_true(dt_region_contains(210000, 210102));
	assert_true(dt_region_contains(210000, 211481));
	assert_false(dt_region_contains(210000, 220101));
	assert_false(dt_region_contains(210000, 200000));

	assert_true(dt_region_contains(210100, 210100));
	assert_true(dt_region_contains(210100, 210102));
	assert_false(dt_region_contains(210100, 210000)); /* not upwards */
	assert_false(dt_region_contains(210100, 210202));

	assert_true(dt_region_contains(210102, 210102));
	assert_false(dt_region_contains(210102, 210103));
	assert_false(dt_region_contains(210102, 210100));
}

static void test_range(void **state)
{
	(void)state;
	int lo, hi;
	dt_region_range(210000, &lo, &hi);
	assert_int_equal(lo, 210000);
	assert_int_equal(hi, 219999);
	dt_region_range(210100, &lo, &hi);
	assert_int_equal(lo, 210100);
	assert_int_equal(hi, 210199);
	dt_region_range(210102, &lo, &hi);
	assert_int_equal(lo, 210102);
	assert_int_equal(hi, 210102);

	/* contains, ancestors and ranges agree on a sample of well-formed codes */
	static const int scopes[] = { 110000, 110100, 110101, 210000, 210100, 210102,
				      419000, 419001, 650000, 659001, 820000 };
	for (size_t i = 0; i < DT_ARRAY_SIZE(scopes); i++) {
		int scope = scopes[i];
		dt_region_range(scope, &lo, &hi);
		for (int code = 100000; code < 900000; code += 7) {
			if (code / 100 % 100 == 0 && code % 100 != 0)
				continue; /* not a well-formed code */
			bool in = dt_region_contains(scope, code);
			assert_int_equal(in, code >= lo && code <= hi);
			bool by_ancestor =
				dt_region_level(code) >= dt_region_level(scope) &&
				dt_region_ancestor(code, dt_region_level(scope)) == scope;
			assert_int_equal(in, by_ancestor);
		}
	}
}

static void test_shipped_table(void **state)
{
	(void)state;
	FILE *f = fopen("data/regions.csv", "r");
	if (!f)
		skip();
	char line[512];
	int rows = 0;
	assert_non_null(fgets(line, sizeof(line), f)); /* header */
	while (fgets(line, sizeof(line), f)) {
		char code_text[7];
		memcpy(code_text, line, 6);
		code_text[6] = '\0';
		const char *p = line;
		for (int commas = 0; commas < 3 && p; commas++) {
			p = strchr(p, ',');
			if (p)
				p++;
		}
		assert_non_null(p);
		int code = 0;
		if (dt_region_code_parse(code_text, &code, NULL, NULL) != DT_OK)
			print_error("row %d: %s\n", rows + 2, code_text);
		assert_int_equal(dt_region_code_parse(code_text, &code, NULL, NULL), DT_OK);
		assert_int_equal(dt_region_level(code), *p - '0');
		rows++;
	}
	fclose(f);
	assert_true(rows > 3000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_province_valid), cmocka_unit_test(test_code_parse),
		cmocka_unit_test(test_level),          cmocka_unit_test(test_ancestor),
		cmocka_unit_test(test_contains),       cmocka_unit_test(test_range),
		cmocka_unit_test(test_shipped_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
