/*
 * test_natid.c - unit tests of citizen ID validation (GB 11643-1999).
 *
 * Published examples, every rejection reason, the lower-case x, IDs issued
 * under abolished region codes, the date bounds, masking, and a property
 * test: random valid bodies with the check character computed by the
 * module are accepted, any single changed character is refused, and the
 * module's check character agrees with one computed independently from the
 * definition (weight 2^(17-i) mod 11 for position i = 0..16, total 1 mod 11)
 * rather than the module's weight table.
 *
 * Any birth year is valid: the standard's own example 440524188001010014
 * (born 1880-01-01) is accepted; how old a trainee must be is the trainee's
 * rule, not the ID's.  Refusals are asserted by their problem code and
 * arguments (problem.h), never by their wording.
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/natid.h"
#include "domain/region.h"
#include "problem_check.h"
#include "core/banned.h"

static const struct dt_date today = { 2024, 6, 1 };

/*
 * Parse @s expecting failure: exactly one problem, about "national_id",
 * with @code and the arguments given as key/value pairs ended by NULL.
 */
static void expect_reject(const char *s, const char *code, ...)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_natid out;
	memset(&out, 0x5a, sizeof(out));
	int rc = dt_natid_parse(s, today, &out, &ps, "national_id");
	va_list ap;
	va_start(ap, code);
	size_t nargs = check_one_problem(&ps, rc, s, "national_id", code, ap);
	va_end(ap);
	assert_int_equal(ps.v[0].nargs, nargs);
	/* out is untouched on failure */
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(((unsigned char *)&out)[i], 0x5a);
	dt_problems_release(&ps);
}

static void expect_accept(const char *s, struct dt_natid *out)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	int rc = dt_natid_parse(s, today, out, &ps, "national_id");
	if (rc != DT_OK)
		print_error("input %s: %s\n", s, ps.n ? ps.v[0].code : "?");
	assert_int_equal(rc, DT_OK);
	assert_int_equal(ps.n, 0);
	dt_problems_release(&ps);
}

static void test_standard_example(void **state)
{
	(void)state;
	struct dt_natid id;
	expect_accept("11010519491231002X", &id);
	assert_string_equal(id.id, "11010519491231002X");
	assert_int_equal(id.region, 110105);
	assert_int_equal(id.birth.year, 1949);
	assert_int_equal(id.birth.month, 12);
	assert_int_equal(id.birth.day, 31);
	assert_int_equal(id.gender, 'F'); /* sequence 002: even */
	assert_int_equal(dt_natid_check_char("11010519491231002"), 'X');
}

static void test_1880_example(void **state)
{
	(void)state;
	/* GB 11643's own example: born 1880-01-01, a man, valid. */
	assert_int_equal(dt_natid_check_char("44052418800101001"), '4');
	struct dt_natid id;
	expect_accept("440524188001010014", &id);
	assert_int_equal(id.birth.year, 1880);
	assert_int_equal(id.birth.month, 1);
	assert_int_equal(id.birth.day, 1);
	assert_int_equal(id.region, 440524);
	assert_int_equal(id.gender, 'M'); /* sequence 001: odd */
	/* one character changed: the check character says so */
	expect_reject("440524188001010015", "natid.check_char", "expected", "4", "got", "5", NULL);
}

static void test_male_and_lowercase_x(void **state)
{
	(void)state;
	struct dt_natid id;
	expect_accept("210102199001011237", &id);
	assert_int_equal(id.gender, 'M');
	assert_int_equal(id.region, 210102);

	expect_accept("11010519491231002x", &id);
	assert_string_equal(id.id, "11010519491231002X");
	assert_int_equal(id.gender, 'F');
}

static void test_null_out_and_err(void **state)
{
	(void)state;
	assert_int_equal(dt_natid_parse("11010519491231002X", today, NULL, NULL, NULL), DT_OK);
	assert_int_equal(dt_natid_parse("11010519491231002Y", today, NULL, NULL, NULL), DT_EINVAL);
	assert_int_equal(dt_natid_parse(NULL, today, NULL, NULL, NULL), DT_EINVAL);
}

static void test_wrong_check_character(void **state)
{
	(void)state;
	expect_reject("210102199001011233", "natid.check_char", "expected", "7", "got", "3", NULL);
	expect_reject("21010219900101123X", "natid.check_char", "expected", "7", "got", "X", NULL);
	expect_reject("21010219900101123x", "natid.check_char", "expected", "7", "got", "X", NULL);
	expect_reject("110105194912310021", "natid.check_char", "expected", "X", "got", "1", NULL);
}

static void test_legacy_15_digits(void **state)
{
	(void)state;
	expect_reject("110105491231002", "natid.legacy", NULL);
	/* 15 characters that are not all digits are just the wrong length */
	expect_reject("11010549123100X", "natid.length", "length", "15", NULL);
}

static void test_wrong_length(void **state)
{
	(void)state;
	expect_reject(NULL, "field.required", NULL);
	expect_reject("", "field.required", NULL);
	expect_reject("11010519491231002", "natid.length", "length", "17", NULL);
	expect_reject("11010519491231002X1", "natid.length", "length", "19", NULL);
	expect_reject("1101051949123100211", "natid.length", "length", "19", NULL);
	expect_reject("1", "natid.length", "length", "1", NULL);
}

static void test_blanks(void **state)
{
	(void)state;
	expect_reject(" 11010519491231002X", "natid.blanks", NULL);
	expect_reject("11010519491231002X ", "natid.blanks", NULL);
	expect_reject("11010519491231002X\n", "natid.blanks", NULL);
	expect_reject("\t11010519491231002X", "natid.blanks", NULL);
	/* an inner blank is a non-digit */
	expect_reject("110105 9491231002X", "natid.digit", "position", "7", NULL);
}

static void test_non_digits(void **state)
{
	(void)state;
	expect_reject("A1010519491231002X", "natid.digit", "position", "1", NULL);
	expect_reject("1101051949123100XX", "natid.digit", "position", "17", NULL);
	expect_reject("11010519491231002Y", "natid.last_char", NULL);
	expect_reject("11010519491231002-", "natid.last_char", NULL);
	/* a multi-byte character makes the length wrong, or a non-digit */
	expect_reject("11010519491231002\xc3\x97", "natid.length", "length", "19", NULL);
	expect_reject("1101051949123100\xc3\x97", "natid.digit", "position", "17", NULL);
}

/* Make an ID from 17 digits by adding the module's check character. */
static void complete_id(const char *first17, char out[DT_NATID_LEN + 1])
{
	memcpy(out, first17, 17);
	out[17] = dt_natid_check_char(first17);
	out[18] = '\0';
	assert_true(out[17] != 0);
}

static void test_province(void **state)
{
	(void)state;
	char buf[DT_NATID_LEN + 1];
	complete_id("99010519491231002", buf);
	expect_reject(buf, "natid.province", "region", "990105", "province", "99", NULL);
	complete_id("00000019491231002", buf);
	expect_reject(buf, "natid.province", "region", "000000", "province", "00", NULL);
	/* 100000 is the national region of credit codes, not a place of issue */
	complete_id("10000019491231002", buf);
	expect_reject(buf, "natid.province", "region", "100000", "province", "10", NULL);
	complete_id("72010519491231002", buf);
	expect_reject(buf, "natid.province", "region", "720105", "province", "72", NULL);

	/* Taiwan, Hong Kong and Macao prefixes are province-level */
	struct dt_natid id;
	complete_id("71000019800101002", buf);
	expect_accept(buf, &id);
	complete_id("81000019800101002", buf);
	expect_accept(buf, &id);
	complete_id("82000019800101002", buf);
	expect_accept(buf, &id);
}

static void test_abolished_region_codes(void **state)
{
	(void)state;
	/*
	 * 110103 (崇文区) and 110104 (宣武区) were merged away in 2010, 420400
	 * (沙市市) in 1994; none is in the current list (data/regions.csv), but
	 * IDs issued under them are still real.
	 */
	static const char *const bodies[] = {
		"11010319751103301",
		"11010419680415242",
		"42040019620708156",
	};
	static const int regions[] = { 110103, 110104, 420400 };
	for (size_t i = 0; i < DT_ARRAY_SIZE(bodies); i++) {
		char buf[DT_NATID_LEN + 1];
		struct dt_natid id;
		complete_id(bodies[i], buf);
		expect_accept(buf, &id);
		assert_int_equal(id.region, regions[i]);
	}
}

static void test_impossible_dates(void **state)
{
	(void)state;
	static const char *const bodies[] = {
		"21010219990229123", /* 1999 is not a leap year */
		"21010219000229123", /* nor is 1900 */
		"21010220230230123", "21010219900431123", "21010219901301123", "21010219900001123",
		"21010219900100123", "21010219900132123", "21010200000101123",
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(bodies); i++) {
		char buf[DT_NATID_LEN + 1];
		complete_id(bodies[i], buf);
		char want[16];
		snprintf(want, sizeof(want), "%.8s", bodies[i] + 6);
		expect_reject(buf, "natid.birth_invalid", "birth", want, NULL);
	}

	/* 2000 and 2024 are leap years */
	char buf[DT_NATID_LEN + 1];
	struct dt_natid id;
	complete_id("21010220000229123", buf);
	expect_accept(buf, &id);
	complete_id("21010220240229123", buf);
	expect_accept(buf, &id);
}

static void test_year_bounds(void **state)
{
	(void)state;
	char buf[DT_NATID_LEN + 1];
	struct dt_natid id;
	/* no lower bound but the calendar's: 1899, 1800, 0001 are real years */
	complete_id("21010218991231123", buf);
	expect_accept(buf, &id);
	assert_int_equal(id.birth.year, 1899);
	complete_id("21010218000101123", buf);
	expect_accept(buf, &id);
	complete_id("21010200010101123", buf);
	expect_accept(buf, &id);
	assert_int_equal(id.birth.year, 1);
	complete_id("21010219000101123", buf);
	expect_accept(buf, &id);
}

static void test_future_birth(void **state)
{
	(void)state;
	char buf[DT_NATID_LEN + 1];
	struct dt_natid id;
	/* born today: fine */
	complete_id("21010220240601123", buf);
	expect_accept(buf, &id);
	complete_id("21010220240602123", buf);
	expect_reject(buf, "natid.birth_future", "birth", "2024-06-02", NULL);
	complete_id("21010220250101123", buf);
	expect_reject(buf, "natid.birth_future", "birth", "2025-01-01", NULL);

	/* `today` is the caller's: the same ID is valid a day later */
	struct dt_date tomorrow = { 2024, 6, 2 };
	complete_id("21010220240602123", buf);
	assert_int_equal(dt_natid_parse(buf, tomorrow, &id, NULL, NULL), DT_OK);
}

static void test_check_char_bad_input(void **state)
{
	(void)state;
	assert_int_equal(dt_natid_check_char(NULL), 0);
	assert_int_equal(dt_natid_check_char("1101051949123100A"), 0);
	assert_int_equal(dt_natid_check_char("1101051949"), 0); /* too short */
}

static void test_mask(void **state)
{
	(void)state;
	char out[DT_NATID_LEN + 1];
	dt_natid_mask("21010219900101123X", out);
	assert_string_equal(out, "2101**********123X");
	dt_natid_mask("21010219900101123x", out);
	assert_string_equal(out, "2101**********123X");
	dt_natid_mask("11010519491231002X", out);
	assert_string_equal(out, "1101**********002X");
	/* legacy 15 digits: still four kept at each end */
	dt_natid_mask("110105491231002", out);
	assert_string_equal(out, "1101*******1002");
	/* too short to hide anything with ends kept: all hidden */
	dt_natid_mask("1234567", out);
	assert_string_equal(out, "*******");
	/* too long: 18 stars, nothing shown */
	dt_natid_mask("11010519491231002X99", out);
	assert_string_equal(out, "******************");
	dt_natid_mask("", out);
	assert_string_equal(out, "");
	dt_natid_mask(NULL, out);
	assert_string_equal(out, "");
}

/* The mask for readers without pii:read: the city of issue, nothing of the date, sequence or check. */
static void test_mask_city(void **state)
{
	(void)state;
	char out[DT_NATID_LEN + 1];
	dt_natid_mask_city("21010219900101123X", out);
	assert_string_equal(out, "2101**************");
	/* from the stored mask, the same */
	dt_natid_mask_city("2101**********123X", out);
	assert_string_equal(out, "2101**************");
	/* anything not 18 long: all hidden */
	dt_natid_mask_city("110105491231002", out);
	assert_string_equal(out, "***************");
	dt_natid_mask_city("11010519491231002X99", out);
	assert_string_equal(out, "******************");
	dt_natid_mask_city(NULL, out);
	assert_string_equal(out, "");
}

/* ---- property test ---------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	/* xorshift64*: deterministic, so a failure can be replayed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

/*
 * Check character from the definition: the weight of position i (1-based,
 * 1..18) is 2^(18-i) mod 11, and the weighted sum of all 18 is 1 mod 11.
 */
static char oracle_check(const char *first17)
{
	int sum = 0;
	for (int i = 1; i <= 17; i++) {
		int w = 1;
		for (int k = 0; k < 18 - i; k++)
			w = w * 2 % 11;
		sum += (first17[i - 1] - '0') * w;
	}
	/* the full sum including the check value a18 (weight 1) must be 1 mod 11 */
	for (int a = 0; a <= 10; a++)
		if ((sum + a) % 11 == 1)
			return a == 10 ? 'X' : (char)('0' + a);
	return '?';
}

static int oracle_days(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

static void random_body(char body[18])
{
	static const int provinces[] = { 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
					 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
					 53, 54, 61, 62, 63, 64, 65, 71, 81, 82 };
	int p = provinces[rng() % DT_ARRAY_SIZE(provinces)];
	int rest = (int)(rng() % 10000);
	int y = 1900 + (int)(rng() % 124); /* 1900..2023, all before `today` */
	int m = 1 + (int)(rng() % 12);
	int d = 1 + (int)(rng() % (uint32_t)oracle_days(y, m));
	int seq = (int)(rng() % 1000);
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%02d%04d%04d%02d%02d%03d", p, rest, y, m, d, seq);
	memcpy(body, tmp, 17);
	body[17] = '\0';
}

static void test_property_random_ids(void **state)
{
	(void)state;
	static const char alphabet[] = "0123456789X";
	for (int n = 0; n < 2000; n++) {
		char body[18], id[DT_NATID_LEN + 1];
		random_body(body);
		char c = dt_natid_check_char(body);
		if (c != oracle_check(body))
			print_error("body %s: module %c, oracle %c\n", body, c, oracle_check(body));
		assert_int_equal(c, oracle_check(body));
		memcpy(id, body, 17);
		id[17] = c;
		id[18] = '\0';

		struct dt_natid out;
		assert_int_equal(dt_natid_parse(id, today, &out, NULL, NULL), DT_OK);
		assert_string_equal(out.id, id);
		assert_int_equal(out.gender, (body[16] - '0') % 2 ? 'M' : 'F');

		/* every single-character change is caught */
		for (int i = 0; i < DT_NATID_LEN; i++) {
			for (size_t k = 0; k < sizeof(alphabet) - 1; k++) {
				char orig = id[i];
				if (alphabet[k] == orig)
					continue;
				id[i] = alphabet[k];
				if (dt_natid_parse(id, today, NULL, NULL, NULL) != DT_EINVAL)
					print_error("changed %d of %s to %c: accepted\n", i + 1,
						    body, alphabet[k]);
				assert_int_equal(dt_natid_parse(id, today, NULL, NULL, NULL),
						 DT_EINVAL);
				id[i] = orig;
			}
		}
		/* and so is every swap of two different adjacent digits */
		for (int i = 0; i + 1 < 17; i++) {
			if (id[i] == id[i + 1])
				continue;
			char t = id[i];
			id[i] = id[i + 1];
			id[i + 1] = t;
			assert_int_equal(dt_natid_parse(id, today, NULL, NULL, NULL), DT_EINVAL);
			id[i + 1] = id[i];
			id[i] = t;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_example),
		cmocka_unit_test(test_1880_example),
		cmocka_unit_test(test_male_and_lowercase_x),
		cmocka_unit_test(test_null_out_and_err),
		cmocka_unit_test(test_wrong_check_character),
		cmocka_unit_test(test_legacy_15_digits),
		cmocka_unit_test(test_wrong_length),
		cmocka_unit_test(test_blanks),
		cmocka_unit_test(test_non_digits),
		cmocka_unit_test(test_province),
		cmocka_unit_test(test_abolished_region_codes),
		cmocka_unit_test(test_impossible_dates),
		cmocka_unit_test(test_year_bounds),
		cmocka_unit_test(test_future_birth),
		cmocka_unit_test(test_check_char_bad_input),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_mask_city),
		cmocka_unit_test(test_property_random_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
