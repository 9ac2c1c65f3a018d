/*
 * test_num.c - unit tests for core/num: what strict parsing accepts, what it
 * refuses (blanks, trailing text, hex, inf/nan, overflow, out of range) and
 * the exact messages that name the argument at fault; and domain/arg, which
 * records the same refusals as problems with the catalogue's codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/common.h"
#include "core/num.h"
#include "domain/arg.h"
#include "core/banned.h"

static int64_t int_ok(const char *s, int64_t min, int64_t max)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	int64_t v = -42424242;
	int rc = dt_parse_int64(s, min, max, &v, "n", &err);
	if (rc != DT_OK)
		fail_msg("'%s' refused: %s", s, err.buf);
	dt_strbuf_release(&err);
	return v;
}

static void int_bad(const char *s, int64_t min, int64_t max, const char *what, const char *message)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	int64_t v = 77;
	assert_int_equal(dt_parse_int64(s, min, max, &v, what, &err), DT_EINVAL);
	assert_string_equal(err.buf, message);
	assert_int_equal(v, 77); /* untouched */
	assert_int_equal(dt_parse_int64(s, min, max, &v, what, NULL), DT_EINVAL);
	dt_strbuf_release(&err);
}

static void test_int_accepts(void **state)
{
	(void)state;
	assert_int_equal(int_ok("0", 0, 10), 0);
	assert_int_equal(int_ok("12", 1, 10000000), 12);
	assert_int_equal(int_ok("-5", -10, 10), -5);
	assert_int_equal(int_ok("+7", 0, 10), 7);
	assert_int_equal(int_ok("007", 0, 10), 7);
	assert_int_equal(int_ok("10000000", 1, 10000000), 10000000);
	assert_int_equal(int_ok("1", 1, 1), 1);
	assert_true(int_ok("9223372036854775807", INT64_MIN, INT64_MAX) == INT64_MAX);
	assert_true(int_ok("-9223372036854775808", INT64_MIN, INT64_MAX) == INT64_MIN);
}

static void test_int_refuses(void **state)
{
	(void)state;
	int_bad("12x", 1, 10000000, "--trainees", "--trainees: expected a whole number, got '12x'");
	int_bad("0", 1, 10000000, "--trainees", "--trainees: 0 is out of range 1..10000000");
	int_bad("10000001", 1, 10000000, "--trainees",
		"--trainees: 10000001 is out of range 1..10000000");
	int_bad("-1", 0, 5, "count", "count: -1 is out of range 0..5");
	int_bad("", 0, 5, "count", "count: expected a whole number, got nothing");
	int_bad(NULL, 0, 5, "count", "count: expected a whole number, got nothing");
	int_bad(" 5", 0, 5, "count", "count: expected a whole number, got ' 5'");
	int_bad("5 ", 0, 5, "count", "count: expected a whole number, got '5 '");
	int_bad("5\n", 0, 5, "count", "count: expected a whole number, got '5\\x0a'");
	int_bad("-", 0, 5, "count", "count: expected a whole number, got '-'");
	int_bad("--5", -9, 5, "count", "count: expected a whole number, got '--5'");
	int_bad("0x10", 0, 100, "count", "count: expected a whole number, got '0x10'");
	int_bad("1e3", 0, 10000, "count", "count: expected a whole number, got '1e3'");
	int_bad("1.5", 0, 5, "count", "count: expected a whole number, got '1.5'");
	int_bad("１２", 0, 99, "人数", "人数: expected a whole number, got '１２'");
	int_bad("9223372036854775808", INT64_MIN, INT64_MAX, "big",
		"big: '9223372036854775808' is out of range "
		"-9223372036854775808..9223372036854775807");
	int_bad("-99999999999999999999", 0, 5, "big",
		"big: '-99999999999999999999' is out of range 0..5");
	int_bad("12x", 1, 5, NULL, "expected a whole number, got '12x'");
}

static double dbl_ok(const char *s)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	double v = -1234.5;
	int rc = dt_parse_double(s, &v, "x", &err);
	if (rc != DT_OK)
		fail_msg("'%s' refused: %s", s, err.buf);
	dt_strbuf_release(&err);
	return v;
}

static void dbl_bad(const char *s, const char *message)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	double v = 77.0;
	assert_int_equal(dt_parse_double(s, &v, "--stipend", &err), DT_EINVAL);
	assert_string_equal(err.buf, message);
	assert_true(v == 77.0);
	assert_int_equal(dt_parse_double(s, &v, "--stipend", NULL), DT_EINVAL);
	dt_strbuf_release(&err);
}

static void test_double_accepts(void **state)
{
	(void)state;
	assert_true(dbl_ok("0") == 0.0);
	assert_true(dbl_ok("1.5") == 1.5);
	assert_true(dbl_ok("-2.25") == -2.25);
	assert_true(dbl_ok("+3") == 3.0);
	assert_true(dbl_ok(".5") == 0.5);
	assert_true(dbl_ok("5.") == 5.0);
	assert_true(dbl_ok("2400.00") == 2400.0);
	assert_true(dbl_ok("1e3") == 1000.0);
	assert_true(dbl_ok("1.5E-2") == 0.015);
	assert_true(dbl_ok("1e-400") == 0.0); /* underflow rounds to zero */
	assert_true(dbl_ok("1.7976931348623157e308") > 1e308);
}

static void test_double_refuses(void **state)
{
	(void)state;
	dbl_bad("", "--stipend: expected a number, got nothing");
	dbl_bad(NULL, "--stipend: expected a number, got nothing");
	dbl_bad("abc", "--stipend: expected a number, got 'abc'");
	dbl_bad("2400元", "--stipend: expected a number, got '2400元'");
	dbl_bad("1,5", "--stipend: expected a number, got '1,5'");
	dbl_bad(" 1", "--stipend: expected a number, got ' 1'");
	dbl_bad("1 ", "--stipend: expected a number, got '1 '");
	dbl_bad(".", "--stipend: expected a number, got '.'");
	dbl_bad("-", "--stipend: expected a number, got '-'");
	dbl_bad("e5", "--stipend: expected a number, got 'e5'");
	dbl_bad("1e", "--stipend: expected a number, got '1e'");
	dbl_bad("1e+", "--stipend: expected a number, got '1e+'");
	dbl_bad("inf", "--stipend: expected a number, got 'inf'");
	dbl_bad("nan", "--stipend: expected a number, got 'nan'");
	dbl_bad("0x1p3", "--stipend: expected a number, got '0x1p3'");
	dbl_bad("1e999", "--stipend: '1e999' is out of range");
	dbl_bad("-1e309", "--stipend: '-1e309' is out of range");
}

/* The one problem dt_arg_*() recorded: its field, code and argument @key. */
static void one_problem(const struct dt_problems *ps, const char *field, const char *code,
			const char *key, const char *val)
{
	assert_int_equal(ps->n, 1);
	assert_string_equal(ps->v[0].field, field);
	assert_string_equal(ps->v[0].code, code);
	if (key)
		assert_string_equal(dt_problem_arg(&ps->v[0], key), val);
}

/*
 * Hundredths (DT_FF_CENTI): every whole number of hundredths written in
 * decimal and read back is one, and gives the same double back; a value
 * between two hundredths is none.
 */
static void test_centi(void **state)
{
	(void)state;
	int64_t c = 0;
	for (int64_t k = -300000; k <= 300000; k++) {
		char text[32];
		snprintf(text, sizeof(text), "%s%lld.%02lld", k < 0 ? "-" : "",
			 (long long)(llabs(k) / 100), (long long)(llabs(k) % 100));
		double d = strtod(text, NULL);
		if (!dt_num_centi(d, &c) || c != k)
			fail_msg("%s: not %lld hundredths", text, (long long)k);
		assert_true((double)c / 100 == d);
	}
	static const double bad[] = { 7.125, 0.001, 0.1 + 0.2, 7.5500001, 1e300, -0.005 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(dt_num_centi(bad[i], &c));
	assert_true(dt_num_centi(7.55, &c));
	assert_int_equal(c, 755);
}

static void test_arg_problems(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	int64_t v = 0;
	double d = 0;
	struct dt_date dt;

	assert_int_equal(dt_arg_int64(&ps, "limit", "12", 1, 1000, &v), DT_OK);
	assert_int_equal(v, 12);
	assert_int_equal(ps.n, 0);
	/* what a number is agrees with dt_parse_int64: blanks, signs alone, hex are no number */
	const char *const not_int[] = { "", " 1", "1 ", "+", "0x10", "1e3", "1.0", "ten" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(not_int); i++) {
		dt_problems_reset(&ps);
		assert_int_equal(dt_arg_int64(&ps, "limit", not_int[i], 1, 1000, &v), DT_EINVAL);
		one_problem(&ps, "limit", "type.integer", "value", not_int[i]);
		assert_int_equal(dt_parse_int64(not_int[i], 1, 1000, &v, NULL, NULL), DT_EINVAL);
	}
	dt_problems_reset(&ps);
	assert_int_equal(dt_arg_int64(&ps, "limit", "0", 1, 1000, &v), DT_EINVAL);
	one_problem(&ps, "limit", "number.range", "max", "1000");
	assert_string_equal(dt_problem_arg(&ps.v[0], "min"), "1");
	assert_string_equal(dt_problem_arg(&ps.v[0], "value"), "0");
	struct dt_strbuf m = DT_STRBUF_INIT;
	dt_problem_render(&ps.v[0], DT_LANG_ZH, false, &m);
	assert_string_equal(m.buf, "0 超出范围 1 至 1000");
	dt_strbuf_reset(&m);
	dt_problem_render(&ps.v[0], DT_LANG_EN, false, &m);
	assert_string_equal(m.buf, "0 is out of range 1..1000");
	dt_strbuf_release(&m);
	/* past what int64 holds is out of range too, not "no number" */
	dt_problems_reset(&ps);
	assert_int_equal(dt_arg_int64(&ps, "n", "99999999999999999999", 0, INT64_MAX, &v),
			 DT_EINVAL);
	one_problem(&ps, "n", "number.range", "value", "99999999999999999999");

	dt_problems_reset(&ps);
	assert_int_equal(dt_arg_double(&ps, "w", "0.25", &d), DT_OK);
	assert_true(d == 0.25);
	assert_int_equal(dt_arg_double(&ps, "w", "nan", &d), DT_EINVAL);
	one_problem(&ps, "w", "type.number", "value", "nan");
	dt_problems_reset(&ps);
	assert_int_equal(dt_arg_double(&ps, "w", "1e999", &d), DT_EINVAL);
	one_problem(&ps, "w", "number.range", "value", "1e999");

	dt_problems_reset(&ps);
	assert_int_equal(dt_arg_date(&ps, "since", "2024-02-29", &dt), DT_OK);
	assert_int_equal(dt.day, 29);
	assert_int_equal(dt_arg_date(&ps, "since", "2023-02-29", &dt), DT_EINVAL);
	one_problem(&ps, "since", "date.invalid", "value", "2023-02-29");
	dt_problems_reset(&ps);
	assert_int_equal(dt_arg_date(&ps, "since", "2023-2-28", &dt), DT_EINVAL);
	one_problem(&ps, "since", "type.date", "value", "2023-2-28");
	/* NULL problems: the refusal alone */
	assert_int_equal(dt_arg_int64(NULL, "x", "x", 0, 1, &v), DT_EINVAL);
	dt_problems_release(&ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int_accepts),    cmocka_unit_test(test_int_refuses),
		cmocka_unit_test(test_double_accepts), cmocka_unit_test(test_double_refuses),
		cmocka_unit_test(test_arg_problems),   cmocka_unit_test(test_centi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
