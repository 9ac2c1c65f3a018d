/*
 * test_date.c - unit tests for core/date: the calendar, day numbers checked
 * against libc's timegm()/gmtime_r() for every day of 1900..2100, month
 * arithmetic, strict parsing and the DUALTRACK_TODAY override.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#include <cmocka.h>

#include "core/common.h"
#include "core/date.h"
#include "core/banned.h"

static struct dt_date mkdate(int y, int m, int d)
{
	struct dt_date r = { y, m, d };
	return r;
}

static void assert_date(struct dt_date got, int y, int m, int d)
{
	char buf[DT_DATE_STRLEN];
	dt_date_format(got, buf);
	if (got.year != y || got.month != m || got.day != d)
		fail_msg("got %s, expected %04d-%02d-%02d", buf, y, m, d);
}

static void test_leap_years(void **state)
{
	(void)state;
	assert_int_equal(dt_date_days_in_month(1900, 2), 28);
	assert_int_equal(dt_date_days_in_month(2000, 2), 29);
	assert_int_equal(dt_date_days_in_month(2024, 2), 29);
	assert_int_equal(dt_date_days_in_month(2023, 2), 28);
	assert_int_equal(dt_date_days_in_month(2100, 2), 28);
	assert_int_equal(dt_date_days_in_month(1600, 2), 29);
	assert_true(dt_date_valid(2000, 2, 29));
	assert_true(dt_date_valid(2024, 2, 29));
	assert_false(dt_date_valid(1900, 2, 29));
	assert_false(dt_date_valid(2023, 2, 29));
}

static void test_month_lengths(void **state)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	(void)state;
	for (int m = 1; m <= 12; m++) {
		assert_int_equal(dt_date_days_in_month(2023, m), len[m - 1]);
		assert_int_equal(dt_date_days_in_month(2024, m), m == 2 ? 29 : len[m - 1]);
		assert_true(dt_date_valid(2023, m, len[m - 1]));
		assert_false(dt_date_valid(2023, m, len[m - 1] + 1));
		assert_false(dt_date_valid(2023, m, 0));
	}
	assert_int_equal(dt_date_days_in_month(2023, 0), 0);
	assert_int_equal(dt_date_days_in_month(2023, 13), 0);
	assert_false(dt_date_valid(0, 1, 1));
	assert_false(dt_date_valid(10000, 1, 1));
	assert_true(dt_date_valid(1, 1, 1));
	assert_true(dt_date_valid(9999, 12, 31));
}

/* Every day of 1900..2100: our day numbers against timegm() and gmtime_r(). */
static void test_days_against_libc(void **state)
{
	(void)state;
	struct tm tm = { 0 };
	tm.tm_year = 0; /* 1900 */
	tm.tm_mon = 0;
	tm.tm_mday = 1;
	int64_t first = (int64_t)timegm(&tm) / 86400;
	assert_int_equal(dt_date_to_days(mkdate(1900, 1, 1)), first);
	assert_int_equal(first, -25567);

	int32_t prev = dt_date_to_days(mkdate(1899, 12, 31));
	int count = 0;
	for (int y = 1900; y <= 2100; y++) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= dt_date_days_in_month(y, m); d++) {
				struct dt_date date = mkdate(y, m, d);
				struct tm t = { 0 };
				t.tm_year = y - 1900;
				t.tm_mon = m - 1;
				t.tm_mday = d;
				int64_t oracle = (int64_t)timegm(&t) / 86400;
				int32_t days = dt_date_to_days(date);
				if (days != oracle)
					fail_msg("%04d-%02d-%02d: %d, timegm says %lld", y, m, d,
						 (int)days, (long long)oracle);
				if (days != prev + 1)
					fail_msg("%04d-%02d-%02d: not the day after", y, m, d);
				prev = days;

				struct dt_date back = dt_date_from_days(days);
				assert_date(back, y, m, d);

				time_t secs = (time_t)days * 86400;
				struct tm g;
				assert_non_null(gmtime_r(&secs, &g));
				assert_int_equal(g.tm_year + 1900, y);
				assert_int_equal(g.tm_mon + 1, m);
				assert_int_equal(g.tm_mday, d);
				count++;
			}
		}
	}
	assert_int_equal(count, dt_date_to_days(mkdate(2100, 12, 31)) - first + 1);
	assert_int_equal(count, 73414); /* 201 years, 49 of them leap */
}

/*
 * A date as the integer YYYYMMDD (record_entry's since migration 020): every
 * day of the range there and back, in the order of the text, and nothing
 * else taken either way.
 */
static void test_daynum(void **state)
{
	(void)state;
	char text[DT_DATE_STRLEN], back[DT_DATE_STRLEN], prev[DT_DATE_STRLEN] = "";
	int64_t n = 0, last = 0;
	for (int32_t k = -719162; k <= 2932896; k += 1 + (k > 0 && k < 30000 ? 0 : 36)) {
		dt_date_format(dt_date_from_days(k), text);
		assert_true(dt_date_text_to_num(text, &n));
		assert_true(dt_date_num_to_text(n, back));
		assert_string_equal(back, text);
		/* sorts as the text does */
		assert_true((n > last) == (strcmp(text, prev) > 0));
		last = n;
		memcpy(prev, text, sizeof(prev));
	}
	assert_true(dt_date_text_to_num("2025-10-27", &n));
	assert_int_equal(n, 20251027);
	assert_true(dt_date_text_to_num("0001-01-01", &n));
	assert_int_equal(n, 10101);
	static const char *const bad[] = { "2025-1-27",     "2025-02-29", "2025-13-01", "20251027",
					   "2025-10-27T00", "",           "0000-01-01" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(dt_date_text_to_num(bad[i], &n));
	static const int64_t badn[] = {
		0, 20250229, 20251301, 20251000, 10100, 100000101, -20251027
	};
	for (size_t i = 0; i < sizeof(badn) / sizeof(badn[0]); i++) {
		assert_false(dt_date_num_to_text(badn[i], back));
		assert_string_equal(back, "");
	}
}

static void test_days_known_values(void **state)
{
	(void)state;
	assert_int_equal(dt_date_to_days(mkdate(1970, 1, 1)), 0);
	assert_int_equal(dt_date_to_days(mkdate(1969, 12, 31)), -1);
	assert_int_equal(dt_date_to_days(mkdate(2000, 3, 1)), 11017);
	assert_int_equal(dt_date_to_days(mkdate(1, 1, 1)), -719162);
	assert_int_equal(dt_date_to_days(mkdate(9999, 12, 31)), 2932896);
	assert_date(dt_date_from_days(-719162), 1, 1, 1);
	assert_date(dt_date_from_days(2932896), 9999, 12, 31);
	assert_date(dt_date_from_days(-1), 1969, 12, 31);
	/* round trip over the whole range, sparsely */
	for (int32_t n = -719162; n <= 2932896; n += 97) {
		struct dt_date d = dt_date_from_days(n);
		assert_true(dt_date_valid(d.year, d.month, d.day));
		assert_int_equal(dt_date_to_days(d), n);
	}
}

static void test_cmp_and_format(void **state)
{
	char buf[DT_DATE_STRLEN];
	(void)state;
	assert_true(dt_date_cmp(mkdate(2024, 1, 1), mkdate(2024, 1, 2)) < 0);
	assert_true(dt_date_cmp(mkdate(2024, 2, 1), mkdate(2024, 1, 31)) > 0);
	assert_true(dt_date_cmp(mkdate(2023, 12, 31), mkdate(2024, 1, 1)) < 0);
	assert_int_equal(dt_date_cmp(mkdate(2024, 5, 6), mkdate(2024, 5, 6)), 0);
	dt_date_format(mkdate(7, 3, 9), buf);
	assert_string_equal(buf, "0007-03-09");
	dt_date_format(mkdate(2024, 12, 31), buf);
	assert_string_equal(buf, "2024-12-31");
}

static void test_add_days(void **state)
{
	(void)state;
	assert_date(dt_date_add_days(mkdate(2024, 2, 28), 1), 2024, 2, 29);
	assert_date(dt_date_add_days(mkdate(2023, 2, 28), 1), 2023, 3, 1);
	assert_date(dt_date_add_days(mkdate(2024, 12, 31), 1), 2025, 1, 1);
	assert_date(dt_date_add_days(mkdate(2024, 1, 1), -1), 2023, 12, 31);
	assert_date(dt_date_add_days(mkdate(2024, 1, 1), 366), 2025, 1, 1);
	assert_date(dt_date_add_days(mkdate(2024, 1, 1), 0), 2024, 1, 1);
	/* clamped at the ends of the range, no overflow */
	assert_date(dt_date_add_days(mkdate(9999, 12, 30), 5), 9999, 12, 31);
	assert_date(dt_date_add_days(mkdate(1, 1, 2), -5), 1, 1, 1);
	assert_date(dt_date_add_days(mkdate(2024, 1, 1), INT32_MAX), 9999, 12, 31);
	assert_date(dt_date_add_days(mkdate(2024, 1, 1), INT32_MIN), 1, 1, 1);
}

static void test_add_months(void **state)
{
	(void)state;
	assert_date(dt_date_add_months(mkdate(2024, 1, 31), 1), 2024, 2, 29);
	assert_date(dt_date_add_months(mkdate(2023, 1, 31), 1), 2023, 2, 28);
	assert_date(dt_date_add_months(mkdate(2024, 3, 31), 1), 2024, 4, 30);
	assert_date(dt_date_add_months(mkdate(2024, 3, 31), -1), 2024, 2, 29);
	assert_date(dt_date_add_months(mkdate(2024, 2, 29), 12), 2025, 2, 28);
	assert_date(dt_date_add_months(mkdate(2024, 2, 29), 48), 2028, 2, 29);
	assert_date(dt_date_add_months(mkdate(2024, 11, 15), 2), 2025, 1, 15);
	assert_date(dt_date_add_months(mkdate(2024, 1, 15), -1), 2023, 12, 15);
	assert_date(dt_date_add_months(mkdate(2024, 1, 15), -13), 2022, 12, 15);
	assert_date(dt_date_add_months(mkdate(2024, 8, 31), 0), 2024, 8, 31);
	assert_date(dt_date_add_months(mkdate(2024, 5, 31), 36), 2027, 5, 31);
	assert_date(dt_date_add_months(mkdate(9999, 11, 30), 5), 9999, 12, 30);
	assert_date(dt_date_add_months(mkdate(1, 2, 28), -5), 1, 1, 28);
	assert_date(dt_date_add_months(mkdate(2024, 1, 1), INT32_MAX), 9999, 12, 1);
}

static void test_parse_ok(void **state)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_date d = { 0, 0, 0 };
	(void)state;
	assert_int_equal(dt_date_parse("2024-02-29", &d, "birth_date", &err), DT_OK);
	assert_date(d, 2024, 2, 29);
	assert_int_equal(dt_date_parse("0001-01-01", &d, NULL, &err), DT_OK);
	assert_date(d, 1, 1, 1);
	assert_int_equal(dt_date_parse("9999-12-31", &d, NULL, NULL), DT_OK);
	assert_date(d, 9999, 12, 31);
	dt_strbuf_release(&err);
}

static void expect_reject(const char *s, const char *field, const char *message)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_date d = { 1234, 5, 6 };
	assert_int_equal(dt_date_parse(s, &d, field, &err), DT_EINVAL);
	assert_string_equal(err.buf, message);
	assert_date(d, 1234, 5, 6); /* untouched */
	/* a NULL err is allowed */
	assert_int_equal(dt_date_parse(s, &d, field, NULL), DT_EINVAL);
	dt_strbuf_release(&err);
}

static void test_parse_rejects(void **state)
{
	(void)state;
	expect_reject("2023-02-29", "birth_date",
		      "birth_date: 2023-02-29 is not a date (2023 is not a leap year)");
	expect_reject("1900-02-29", "birth_date",
		      "birth_date: 1900-02-29 is not a date (1900 is not a leap year)");
	expect_reject("2024-02-30", "start_date",
		      "start_date: 2024-02-30 is not a date (February 2024 has 29 days)");
	expect_reject("2024-04-31", "end_date",
		      "end_date: 2024-04-31 is not a date (April 2024 has 30 days)");
	expect_reject("2024-13-01", "date",
		      "date: 2024-13-01 is not a date (there is no month 13)");
	expect_reject("2024-00-10", "date", "date: 2024-00-10 is not a date (there is no month 0)");
	expect_reject("2024-01-00", "date", "date: 2024-01-00 is not a date (there is no day 0)");
	expect_reject("0000-01-01", "date",
		      "date: 0000-01-01 is not a date (years run from 0001 to 9999)");
	expect_reject("2024-1-05", "date", "date: expected YYYY-MM-DD, got '2024-1-05'");
	expect_reject("2024/01/05", "date", "date: expected YYYY-MM-DD, got '2024/01/05'");
	expect_reject(" 2024-01-05", "date", "date: expected YYYY-MM-DD, got ' 2024-01-05'");
	expect_reject("2024-01-05 ", "date", "date: expected YYYY-MM-DD, got '2024-01-05 '");
	expect_reject("2024-01-05T00:00", "date",
		      "date: expected YYYY-MM-DD, got '2024-01-05T00:00'");
	expect_reject("+024-01-05", "date", "date: expected YYYY-MM-DD, got '+024-01-05'");
	expect_reject("", "date", "date: expected YYYY-MM-DD, got nothing");
	expect_reject(NULL, "date", "date: expected YYYY-MM-DD, got nothing");
	expect_reject("2024年1月5日", "入学日期",
		      "入学日期: expected YYYY-MM-DD, got '2024年1月5日'");
	expect_reject("2024-01-\n5", NULL, "expected YYYY-MM-DD, got '2024-01-\\x0a5'");
	expect_reject("2023-02-29", NULL, "2023-02-29 is not a date (2023 is not a leap year)");
}

static void test_today_override(void **state)
{
	(void)state;
	assert_int_equal(setenv("DUALTRACK_TODAY", "2024-09-01", 1), 0);
	assert_date(dt_date_today(), 2024, 9, 1);
	assert_int_equal(setenv("DUALTRACK_TODAY", "2000-02-29", 1), 0);
	assert_date(dt_date_today(), 2000, 2, 29);

	/* an invalid override is ignored (with a warning): the clock's date */
	assert_int_equal(setenv("DUALTRACK_LOG_LEVEL", "error", 1), 0);
	assert_int_equal(setenv("DUALTRACK_TODAY", "2023-02-29", 1), 0);
	struct dt_date bad = dt_date_today();
	assert_int_not_equal(bad.year, 2023);

	/* without it: the date in UTC+8 */
	assert_int_equal(unsetenv("DUALTRACK_TODAY"), 0);
	time_t before = time(NULL) + 8 * 3600;
	struct dt_date today = dt_date_today();
	time_t after = time(NULL) + 8 * 3600;
	int32_t days = dt_date_to_days(today);
	assert_true(days == before / 86400 || days == after / 86400);
	assert_date(bad, today.year, today.month, today.day);
}

static int two_digits(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static void test_time_now(void **state)
{
	char buf[DT_TIME_STRLEN];
	(void)state;
	time_t before = time(NULL);
	dt_time_now(buf);
	time_t after = time(NULL);
	assert_int_equal(strlen(buf), 24);
	/* shape: YYYY-MM-DDTHH:MM:SS.mmmZ */
	for (int i = 0; i < 24; i++) {
		char c = buf[i];
		switch (i) {
		case 4:
		case 7: assert_int_equal(c, '-'); break;
		case 10: assert_int_equal(c, 'T'); break;
		case 13:
		case 16: assert_int_equal(c, ':'); break;
		case 19: assert_int_equal(c, '.'); break;
		case 23: assert_int_equal(c, 'Z'); break;
		default: assert_true(c >= '0' && c <= '9');
		}
	}
	struct dt_date d;
	char day[DT_DATE_STRLEN];
	memcpy(day, buf, 10);
	day[10] = '\0';
	assert_int_equal(dt_date_parse(day, &d, NULL, NULL), DT_OK);
	int64_t secs = (int64_t)dt_date_to_days(d) * 86400 + two_digits(buf + 11) * 3600 +
		       two_digits(buf + 14) * 60 + two_digits(buf + 17);
	/* time() may use a coarser clock than clock_gettime(): allow a second */
	assert_true(secs >= before && secs <= after + 1);
}

/*
 * The China date of an instant: the day turns at 16:00 UTC; against
 * gmtime_r of the instant plus eight hours (an oracle from libc) for random
 * instants from 1900 to 2200; non-instants refused.
 */
static void test_date_of_instant(void **state)
{
	(void)state;
	struct dt_date d = { 1, 1, 1 };
	assert_true(dt_date_of_instant("2026-03-01T15:59:59.999Z", &d));
	assert_true(d.year == 2026 && d.month == 3 && d.day == 1);
	assert_true(dt_date_of_instant("2026-03-01T16:00:00.000Z", &d));
	assert_true(d.year == 2026 && d.month == 3 && d.day == 2);
	assert_true(dt_date_of_instant("1969-12-31T15:59:59.999Z", &d));
	assert_true(d.year == 1969 && d.month == 12 && d.day == 31);
	assert_true(dt_date_of_instant("2026-12-31T16:00:00.000Z", &d));
	assert_true(d.year == 2027 && d.month == 1 && d.day == 1);
	struct dt_date keep = d;
	assert_false(dt_date_of_instant("2026-03-01", &d));
	assert_false(dt_date_of_instant("2026-03-01T16:00:00Z", &d));
	assert_false(dt_date_of_instant(NULL, &d));
	assert_int_equal(dt_date_cmp(d, keep), 0);
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	char buf[DT_TIME_STRLEN];
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t ms = -2208988800000LL + (int64_t)(x % 9467107200000ULL);
		dt_time_from_ms(ms, buf);
		assert_true(dt_date_of_instant(buf, &d));
		time_t secs = (time_t)((ms - (((ms % 1000) + 1000) % 1000)) / 1000) + 8 * 3600;
		struct tm tm;
		assert_non_null(gmtime_r(&secs, &tm));
		assert_int_equal(d.year, tm.tm_year + 1900);
		assert_int_equal(d.month, tm.tm_mon + 1);
		assert_int_equal(d.day, tm.tm_mday);
	}
}

/*
 * Instants in milliseconds: against gmtime_r (an oracle from libc) for
 * random instants from 1900 to 2200, round trips both ways, known values,
 * and text that is not exactly an instant refused.
 */
/* Beijing local time of an instant, against libc's gmtime_r of the instant + 8 h. */
static void test_time_local(void **state)
{
	(void)state;
	char out[DT_LOCAL_STRLEN], in[DT_TIME_STRLEN], want[64];
	assert_true(dt_time_local("2026-03-01T06:05:59.999Z", out));
	assert_string_equal(out, "2026-03-01 14:05");
	assert_true(dt_time_local("2026-02-28T16:00:00.000Z", out));
	assert_string_equal(out, "2026-03-01 00:00");
	assert_true(dt_time_local("1969-12-31T15:59:00.000Z", out));
	assert_string_equal(out, "1969-12-31 23:59");
	snprintf(out, sizeof(out), "%s", "untouched");
	assert_false(dt_time_local("2026-03-01 14:05", out));
	assert_false(dt_time_local(NULL, out));
	assert_string_equal(out, "untouched");
	srand(17);
	for (int i = 0; i < 20000; i++) {
		int64_t ms = ((int64_t)rand() * 1000003 + rand()) % ((int64_t)4102444800000) -
			     (int64_t)631152000000; /* 1950 .. 2100 */
		dt_time_from_ms(ms, in);
		assert_true(dt_time_local(in, out));
		time_t t = (time_t)((ms - (ms % 1000 + 1000) % 1000) / 1000) + 8 * 3600;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%Y-%m-%d %H:%M", &tm);
		if (strcmp(out, want))
			fail_msg("%s: %s, libc says %s", in, out, want);
	}
}

static void test_time_ms(void **state)
{
	(void)state;
	char buf[DT_TIME_STRLEN];
	int64_t ms = -1;
	assert_true(dt_time_to_ms("1970-01-01T00:00:00.000Z", &ms));
	assert_int_equal(ms, 0);
	assert_true(dt_time_to_ms("2026-12-05T11:54:03.324Z", &ms));
	assert_int_equal(ms, 1796471643324LL);
	dt_time_from_ms(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	dt_time_from_ms(951782400000LL, buf);
	assert_string_equal(buf, "2000-02-29T00:00:00.000Z");
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* 1900-01-01 .. 2200-01-01 */
		int64_t lo = -2208988800000LL, span = 9467107200000LL;
		int64_t t = lo + (int64_t)(x % (uint64_t)span);
		dt_time_from_ms(t, buf);
		time_t secs = (time_t)((t - ((t % 1000) + 1000) % 1000) / 1000);
		struct tm tm;
		assert_non_null(gmtime_r(&secs, &tm));
		char want[DT_TIME_STRLEN + 16];
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, (int)(((t % 1000) + 1000) % 1000));
		assert_string_equal(buf, want);
		int64_t back = 0;
		assert_true(dt_time_to_ms(buf, &back));
		assert_int_equal(back, t);
	}
	static const char *const bad[] = {
		"",
		"2026-12-05",
		"2026-12-05T11:54:03Z",
		"2026-12-05T11:54:03.324",
		"2026-12-05T11:54:03.324+08:00",
		"2026-12-05 11:54:03.324Z",
		"2026-13-05T11:54:03.324Z",
		"2026-02-29T11:54:03.324Z",
		"2026-12-05T24:00:00.000Z",
		"2026-12-05T11:60:03.324Z",
		"2026-12-05T11:54:60.324Z",
		"2026-12-05T11:54:03.3a4Z",
		"0000-12-05T11:54:03.324Z",
		"2026-12-05T11:54:03.324Z ",
		"+026-12-05T11:54:03.324Z",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dt_time_to_ms(bad[i], &ms))
			fail_msg("'%s' taken as an instant", bad[i]);
	assert_false(dt_time_to_ms(NULL, &ms));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_month_lengths),
		cmocka_unit_test(test_days_against_libc),
		cmocka_unit_test(test_days_known_values),
		cmocka_unit_test(test_cmp_and_format),
		cmocka_unit_test(test_add_days),
		cmocka_unit_test(test_add_months),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_today_override),
		cmocka_unit_test(test_time_now),
		cmocka_unit_test(test_time_ms),
		cmocka_unit_test(test_date_of_instant),
		cmocka_unit_test(test_time_local),
		cmocka_unit_test(test_daynum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
