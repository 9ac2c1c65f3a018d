/*
 * test_uscc.c - unit tests of unified social credit codes (GB 32100-2015)
 * and the GB 11714 organisation code check inside them.
 *
 * Published codes, codes built here with computed check characters, every
 * rejection reason (each names the position), upper-case normalisation,
 * and a property test: random valid codes are accepted, any single changed
 * character is refused, and the MOD 31 check agrees with one computed from
 * the definition (weight 3^i mod 31, total 0 mod 31) instead of the table.
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/uscc.h"
#include "problem_check.h"
#include "core/banned.h"

/*
 * Parse @s expecting failure: exactly one problem, about "uscc", with
 * @code and (at least) the arguments given as key/value pairs ended by NULL.
 */
static void expect_reject(const char *s, const char *code, ...)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	char out[DT_USCC_LEN + 1] = "untouched";
	int rc = dt_uscc_parse(s, out, &ps, "uscc");
	va_list ap;
	va_start(ap, code);
	check_one_problem(&ps, rc, s, "uscc", code, ap);
	va_end(ap);
	assert_string_equal(out, "untouched");
	dt_problems_release(&ps);
}

static void expect_accept(const char *s, const char *normalised)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	char out[DT_USCC_LEN + 1];
	int rc = dt_uscc_parse(s, out, &ps, "uscc");
	if (rc != DT_OK)
		print_error("input %s: %s\n", s, ps.n ? ps.v[0].code : "?");
	assert_int_equal(rc, DT_OK);
	assert_string_equal(out, normalised);
	dt_problems_release(&ps);
}

/*
 * Build a code from its first 16 characters (authority, type, region, the
 * 8-character organisation code body): add the GB 11714 check at 17 and the
 * MOD 31 check at 18.
 */
static void build(const char *first16, char out[DT_USCC_LEN + 1])
{
	memcpy(out, first16, 16);
	out[16] = dt_orgcode_check_char(first16 + 8);
	assert_true(out[16] != 0);
	out[17] = 0;
	out[17] = dt_uscc_check_char(out);
	assert_true(out[17] != 0);
	out[18] = '\0';
}

static void test_published_codes(void **state)
{
	(void)state;
	/* widely cited example: an enterprise registered in Fuzhou (350100) */
	expect_accept("91350100M000100Y43", "91350100M000100Y43");
	/* Tsinghua University: a central public institution, region 100000 */
	expect_accept("12100000400000624D", "12100000400000624D");
	/* China National Petroleum Corporation, Beijing */
	expect_accept("91110000100010433L", "91110000100010433L");
}

static void test_lower_case(void **state)
{
	(void)state;
	expect_accept("91350100m000100y43", "91350100M000100Y43");
	expect_accept("12100000400000624d", "12100000400000624D");
}

static void test_null_out_and_err(void **state)
{
	(void)state;
	assert_int_equal(dt_uscc_parse("91350100M000100Y43", NULL, NULL, NULL), DT_OK);
	assert_int_equal(dt_uscc_parse("91350100M000100Y44", NULL, NULL, NULL), DT_EINVAL);
	assert_int_equal(dt_uscc_parse(NULL, NULL, NULL, NULL), DT_EINVAL);
}

static void test_constructed_codes(void **state)
{
	(void)state;
	/* one per registration authority, with the types they publish */
	static const char *const first16[] = {
		"11210102ABCDEFGH", "21110000PQRTUWXY", "31440300D2143569", "41310000L0000001",
		"52330100J2345678", "53110000K0000000", "61460100H0000003", "72540100F1111111",
		"81650100E9999999", "92210102N0000100", "93370200MA3C7DPQ", "A1110000Q3333333",
		"N3530100C0000022", "Y1820000B1234567",
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(first16); i++) {
		char code[DT_USCC_LEN + 1];
		build(first16[i], code);
		expect_accept(code, code);
	}
}

static void test_orgcode_check(void **state)
{
	(void)state;
	/* the example of GB 11714: D2143569-X */
	assert_int_equal(dt_orgcode_check_char("D2143569"), 'X');
	assert_int_equal(dt_orgcode_check_char("M000100Y"), '4');
	assert_int_equal(dt_orgcode_check_char("40000062"), '4');
	assert_int_equal(dt_orgcode_check_char("12345678"), '8');
	/* 11 - 0 = 11 gives '0' */
	assert_int_equal(dt_orgcode_check_char("00000000"), '0');
	assert_int_equal(dt_orgcode_check_char("00000006"), 'X');
	/* bad characters and short input */
	assert_int_equal(dt_orgcode_check_char("d2143569"), 0);
	assert_int_equal(dt_orgcode_check_char("D214356-"), 0);
	assert_int_equal(dt_orgcode_check_char("D214"), 0);
	assert_int_equal(dt_orgcode_check_char(NULL), 0);
}

static void test_uscc_check_char(void **state)
{
	(void)state;
	assert_int_equal(dt_uscc_check_char("91350100M000100Y4"), '3');
	assert_int_equal(dt_uscc_check_char("12100000400000624"), 'D');
	/* not in the set */
	assert_int_equal(dt_uscc_check_char("91350100I000100Y4"), 0);
	assert_int_equal(dt_uscc_check_char("91350100M0001"), 0);
	assert_int_equal(dt_uscc_check_char(NULL), 0);

	/* a sum that is 0 mod 31 gives '0', not the 32nd character */
	char code[DT_USCC_LEN + 1];
	bool seen_zero = false;
	for (int v = 0; v < 10000 && !seen_zero; v++) {
		char first16[24]; /* room for any int, as the compiler checks */
		snprintf(first16, sizeof(first16), "9111000000%06u", (unsigned)v % 1000000u);
		build(first16, code);
		if (code[17] == '0') {
			seen_zero = true;
			expect_accept(code, code);
		}
	}
	assert_true(seen_zero);
}

static void test_length(void **state)
{
	(void)state;
	expect_reject(NULL, "field.required", NULL);
	expect_reject("", "field.required", NULL);
	expect_reject("91350100M000100Y4", "uscc.length", "length", "17", NULL);
	expect_reject("91350100M000100Y433", "uscc.length", "length", "19", NULL);
	expect_reject(" 91350100M000100Y43", "uscc.length", "length", "19", NULL);
}

static void test_characters(void **state)
{
	(void)state;
	expect_reject("91350100I000100Y43", "uscc.letter", "position", "9", "letter", "I", NULL);
	expect_reject("91350100M0001O0Y43", "uscc.letter", "position", "14", "letter", "O", NULL);
	expect_reject("91350100M000100S43", "uscc.letter", "position", "16", "letter", "S", NULL);
	expect_reject("91350100M000100Y4v", "uscc.letter", "position", "18", "letter", "V", NULL);
	expect_reject("Z1350100M000100Y43", "uscc.letter", "position", "1", "letter", "Z", NULL);
	expect_reject("91350100M000-00Y43", "uscc.char", "position", "13", NULL);
	expect_reject("9135010 M000100Y43", "uscc.char", "position", "8", NULL);
	expect_reject("91350100M000100Y4\xc3", "uscc.char", "position", "18", NULL);
	expect_reject("91350100M000100Y\xc3\x97", "uscc.char", "position", "17", NULL);
}

static void test_authority_and_type(void **state)
{
	(void)state;
	char code[DT_USCC_LEN + 1];
	build("B1350100M000100Y", code);
	expect_reject(code, "uscc.authority", "value", "B", NULL);
	build("01350100M000100Y", code);
	expect_reject(code, "uscc.authority", "value", "0", NULL);
	build("P1350100M000100Y", code);
	expect_reject(code, "uscc.authority", "value", "P", NULL);
	build("90350100M000100Y", code);
	expect_reject(code, "uscc.org_type", "value", "0", NULL);
	build("9A350100M000100Y", code);
	expect_reject(code, "uscc.org_type", "value", "A", NULL);
}

static void test_region(void **state)
{
	(void)state;
	char code[DT_USCC_LEN + 1];
	build("91A50100M000100Y", code);
	expect_reject(code, "uscc.region_digit", "position", "3", NULL);
	build("913501X0M000100Y", code);
	expect_reject(code, "uscc.region_digit", "position", "7", NULL);
	build("91990100M000100Y", code);
	expect_reject(code, "uscc.province", "region", "990100", "province", "99", NULL);
	build("91000000M000100Y", code);
	expect_reject(code, "uscc.province", "region", "000000", "province", "00", NULL);
	/* 100000 (national) is accepted, other 10xxxx codes are not */
	build("11100000M000100Y", code);
	expect_accept(code, code);
	build("11100100M000100Y", code);
	expect_reject(code, "uscc.province", "region", "100100", "province", "10", NULL);
	/* abolished codes with a real province are fine: 110103 (崇文区) */
	build("91110103M000100Y", code);
	expect_accept(code, code);
}

static void test_check_characters(void **state)
{
	(void)state;
	/* wrong organisation code check, position 18 recomputed so only 17 is wrong */
	char code[DT_USCC_LEN + 1] = "91350100M000100Y53";
	code[17] = 0;
	code[17] = dt_uscc_check_char(code);
	expect_reject(code, "uscc.org_check", "expected", "4", "got", "5", NULL);
	expect_reject("91350100M000100Y44", "uscc.check_char", "expected", "3", "got", "4", NULL);
	expect_reject("91350100M000100Y4Y", "uscc.check_char", "expected", "3", "got", "Y", NULL);
	/* a transposition in the body */
	expect_reject("91351000M000100Y43", "uscc.check_char", NULL);
}

/* ---- property test ---------------------------------------------------- */

static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static int oracle_value(char c)
{
	return (int)(strchr(charset, c) - charset);
}

/* From the definition: weight 3^i mod 31, and sum + check value == 0 mod 31. */
static char oracle_check(const char *first17)
{
	int sum = 0, w = 1;
	for (int i = 0; i < 17; i++) {
		sum += oracle_value(first17[i]) * w;
		w = w * 3 % 31;
	}
	for (int c = 0; c < 31; c++)
		if ((sum + c) % 31 == 0)
			return charset[c];
	return '?';
}

static void test_property_random_codes(void **state)
{
	(void)state;
	static const char authorities[] = "123456789ANY";
	static const int provinces[] = { 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
					 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
					 53, 54, 61, 62, 63, 64, 65, 71, 81, 82 };
	for (int n = 0; n < 2000; n++) {
		char first16[17];
		snprintf(first16, sizeof(first16), "%c%c%02d%04u", authorities[rng() % 12],
			 (char)('1' + rng() % 9), provinces[rng() % DT_ARRAY_SIZE(provinces)],
			 (unsigned)(rng() % 10000));
		for (int i = 8; i < 16; i++)
			first16[i] = charset[rng() % 31];
		first16[16] = '\0';

		char code[DT_USCC_LEN + 1];
		build(first16, code);
		assert_int_equal(code[17], oracle_check(code));
		expect_accept(code, code);

		for (int i = 0; i < DT_USCC_LEN; i++) {
			for (int k = 0; k < 31; k++) {
				char orig = code[i];
				if (charset[k] == orig)
					continue;
				code[i] = charset[k];
				if (dt_uscc_parse(code, NULL, NULL, NULL) != DT_EINVAL)
					print_error("changed %d of %s to %c: accepted\n", i + 1,
						    first16, charset[k]);
				assert_int_equal(dt_uscc_parse(code, NULL, NULL, NULL), DT_EINVAL);
				code[i] = orig;
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_codes),
		cmocka_unit_test(test_lower_case),
		cmocka_unit_test(test_null_out_and_err),
		cmocka_unit_test(test_constructed_codes),
		cmocka_unit_test(test_orgcode_check),
		cmocka_unit_test(test_uscc_check_char),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_characters),
		cmocka_unit_test(test_authority_and_type),
		cmocka_unit_test(test_region),
		cmocka_unit_test(test_check_characters),
		cmocka_unit_test(test_property_random_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
