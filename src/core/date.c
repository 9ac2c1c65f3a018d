/*
 * date.c - calendar dates (proleptic Gregorian), day numbers and ISO 8601 text.
 *
 * A date converts to a day number counted from 1970-01-01 with a closed-form
 * algorithm that treats March as the first month of the year, so that the
 * leap day falls at the end of a year and the 400-year Gregorian cycle
 * (146097 days) can be split by plain division.  All arithmetic (add days,
 * add months) goes through day numbers or month counts and is clamped to the
 * years 0001..9999 that dt_date_parse() accepts.  "Today" is the civil date in
 * China Standard Time (UTC+8, no daylight saving), the calendar of the pilot;
 * the environment variable DUALTRACK_TODAY pins it for tests.
 */
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/common.h"
#include "core/date.h"
#include "core/log.h"
#include "core/utf8.h"
#include "core/banned.h"

#define DAYS_PER_ERA 146097 /* days in 400 Gregorian years */
#define EPOCH_SHIFT 719468  /* days from 0000-03-01 to 1970-01-01 */
#define CST_OFFSET (8 * 3600)

static const char *const month_names[12] = {
	"January", "February", "March",     "April",   "May",      "June",
	"July",    "August",   "September", "October", "November", "December",
};

static bool is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int dt_date_days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && is_leap(year))
		return 29;
	return days[month - 1];
}

bool dt_date_valid(int year, int month, int day)
{
	return year >= 1 && year <= 9999 && day >= 1 && day <= dt_date_days_in_month(year, month);
}

/* Write @v as exactly @width decimal digits (zero-padded, high digits cut). */
static void put_digits(char *p, int v, int width)
{
	if (v < 0)
		v = 0; /* only valid dates are formatted; never print a '-' */
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

static int digits(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* "field: " when a field name was given, nothing otherwise. */
static void add_prefix(struct dt_strbuf *err, const char *field)
{
	dt_strbuf_reset(err);
	if (field)
		dt_strbuf_addf(err, "%s: ", field);
}

bool dt_date_shaped(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	bool ok = s && strlen(s) == 10;

	for (size_t i = 0; ok && i < 10; i++) {
		if (shape[i] == 'd')
			ok = s[i] >= '0' && s[i] <= '9';
		else
			ok = s[i] == '-';
	}
	return ok;
}

enum dt_err dt_date_parse(const char *s, struct dt_date *out, const char *field,
			  struct dt_strbuf *err)
{
	size_t len = s ? strlen(s) : 0;
	if (!dt_date_shaped(s)) {
		if (!err)
			return DT_EINVAL;
		add_prefix(err, field);
		dt_strbuf_adds(err, "expected YYYY-MM-DD, got ");
		if (len)
			dt_utf8_add_quoted(err, s, 40);
		else
			dt_strbuf_adds(err, "nothing");
		return DT_EINVAL;
	}

	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (!dt_date_valid(y, m, d)) {
		if (!err)
			return DT_EINVAL;
		add_prefix(err, field);
		dt_strbuf_addf(err, "%s is not a date (", s);
		if (y < 1)
			dt_strbuf_adds(err, "years run from 0001 to 9999");
		else if (m < 1 || m > 12)
			dt_strbuf_addf(err, "there is no month %d", m);
		else if (d < 1)
			dt_strbuf_adds(err, "there is no day 0");
		else if (m == 2 && d == 29)
			dt_strbuf_addf(err, "%d is not a leap year", y);
		else
			dt_strbuf_addf(err, "%s %d has %d days", month_names[m - 1], y,
				       dt_date_days_in_month(y, m));
		dt_strbuf_addch(err, ')');
		return DT_EINVAL;
	}
	out->year = y;
	out->month = m;
	out->day = d;
	return DT_OK;
}

void dt_date_format(struct dt_date d, char out[DT_DATE_STRLEN])
{
	put_digits(out, d.year, 4);
	out[4] = '-';
	put_digits(out + 5, d.month, 2);
	out[7] = '-';
	put_digits(out + 8, d.day, 2);
	out[10] = '\0';
}

bool dt_date_text_to_num(const char *s, int64_t *num)
{
	struct dt_date d;
	if (!dt_date_shaped(s) || dt_date_parse(s, &d, NULL, NULL) != DT_OK)
		return false;
	*num = (int64_t)d.year * 10000 + d.month * 100 + d.day;
	return true;
}

bool dt_date_num_to_text(int64_t num, char out[DT_DATE_STRLEN])
{
	out[0] = '\0';
	if (num < 10101 || num > 99991231)
		return false;
	struct dt_date d = { (int)(num / 10000), (int)(num / 100 % 100), (int)(num % 100) };
	if (!dt_date_valid(d.year, d.month, d.day))
		return false;
	dt_date_format(d, out);
	return true;
}

int dt_date_cmp(struct dt_date a, struct dt_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day != b.day)
		return a.day < b.day ? -1 : 1;
	return 0;
}

/*
 * Count from 0000-03-01.  With the year starting in March, the day of the year
 * of the first of month m (March = 0 ... February = 11) is (153 * m + 2) / 5:
 * the month lengths 31 30 31 30 31 | 31 30 31 30 31 | 31 28/29 repeat in
 * five-month groups of 153 days, and February, the only irregular month, is
 * last.  A 400-year era then holds 146097 days, and within an era a year of
 * index yoe starts after 365 * yoe + yoe / 4 - yoe / 100 days.
 */
int32_t dt_date_to_days(struct dt_date d)
{
	int64_t y = d.month <= 2 ? d.year - 1 : d.year;
	int64_t mp = d.month <= 2 ? d.month + 9 : d.month - 3;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (int32_t)(era * DAYS_PER_ERA + doe - EPOCH_SHIFT);
}

/*
 * The inverse: find the era, then the year within it.  Dividing the day of
 * the era by 365 would overcount by the leap days before it; subtracting
 * doe / 1460 (one leap day every 4 years = 1461 days, minus the last day of
 * the 4-year cycle), adding back doe / 36524 (the skipped leap day of each
 * century) and subtracting doe / 146096 (the last day of the era) gives a day
 * count that divides evenly into 365-day years.
 */
struct dt_date dt_date_from_days(int32_t days)
{
	int64_t z = (int64_t)days + EPOCH_SHIFT;
	int64_t era = (z >= 0 ? z : z - (DAYS_PER_ERA - 1)) / DAYS_PER_ERA;
	int64_t doe = z - era * DAYS_PER_ERA;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	struct dt_date d;

	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

struct dt_date dt_date_add_days(struct dt_date d, int32_t n)
{
	const struct dt_date lo = { 1, 1, 1 }, hi = { 9999, 12, 31 };
	int64_t t = (int64_t)dt_date_to_days(d) + n;

	if (t < dt_date_to_days(lo))
		return lo;
	if (t > dt_date_to_days(hi))
		return hi;
	return dt_date_from_days((int32_t)t);
}

struct dt_date dt_date_add_months(struct dt_date d, int n)
{
	int64_t m = (int64_t)d.year * 12 + (d.month - 1) + n;
	struct dt_date r;

	if (m < 12)
		m = 12;
	if (m > 9999 * 12 + 11)
		m = 9999 * 12 + 11;
	r.year = (int)(m / 12);
	r.month = (int)(m % 12) + 1;
	r.day = d.day;
	int last = dt_date_days_in_month(r.year, r.month);
	if (r.day > last)
		r.day = last;
	return r;
}

static atomic_bool today_warned; /* a bad DUALTRACK_TODAY is reported once */

struct dt_date dt_date_today(void)
{
	const char *env = getenv("DUALTRACK_TODAY");
	struct dt_date d;

	if (env && *env) {
		struct dt_strbuf msg = DT_STRBUF_INIT;
		int rc = dt_date_parse(env, &d, "DUALTRACK_TODAY", &msg);
		if (rc != DT_OK && !atomic_exchange(&today_warned, true))
			dt_warn("%s; using the clock instead", msg.buf);
		dt_strbuf_release(&msg);
		if (rc == DT_OK)
			return d;
	}

	time_t now = time(NULL) + CST_OFFSET;
	struct tm tm;
	if (gmtime_r(&now, &tm)) {
		d.year = tm.tm_year + 1900;
		d.month = tm.tm_mon + 1;
		d.day = tm.tm_mday;
	} else {
		int64_t days = (int64_t)now / 86400 - ((int64_t)now % 86400 < 0);
		d = dt_date_from_days((int32_t)days);
	}
	return d;
}

void dt_time_now(char out[DT_TIME_STRLEN])
{
	struct timespec ts;
	struct tm tm;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		ts.tv_sec = time(NULL);
		ts.tv_nsec = 0;
	}
	if (!gmtime_r(&ts.tv_sec, &tm))
		memset(&tm, 0, sizeof(tm));
	put_digits(out, tm.tm_year + 1900, 4);
	out[4] = '-';
	put_digits(out + 5, tm.tm_mon + 1, 2);
	out[7] = '-';
	put_digits(out + 8, tm.tm_mday, 2);
	out[10] = 'T';
	put_digits(out + 11, tm.tm_hour, 2);
	out[13] = ':';
	put_digits(out + 14, tm.tm_min, 2);
	out[16] = ':';
	put_digits(out + 17, tm.tm_sec, 2);
	out[19] = '.';
	put_digits(out + 20, (int)(ts.tv_nsec / 1000000), 3);
	out[23] = 'Z';
	out[24] = '\0';
}

/* @n digits of @s as a number, or -1 when one is not a digit. */
static int get_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool dt_time_to_ms(const char *s, int64_t *ms)
{
	if (!s || strlen(s) != DT_TIME_STRLEN - 1 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z')
		return false;
	int y = get_digits(s, 4), mo = get_digits(s + 5, 2), d = get_digits(s + 8, 2);
	int h = get_digits(s + 11, 2), mi = get_digits(s + 14, 2), sec = get_digits(s + 17, 2);
	int milli = get_digits(s + 20, 3);
	if (y < 1 || !dt_date_valid(y, mo, d) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
	    sec > 59 || milli < 0)
		return false;
	int64_t days = dt_date_to_days((struct dt_date){ y, mo, d });
	*ms = ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000 + milli;
	return true;
}

void dt_time_from_ms(int64_t ms, char out[DT_TIME_STRLEN])
{
	const int64_t day = 86400000;
	int64_t lo = (int64_t)dt_date_to_days((struct dt_date){ 1, 1, 1 }) * day;
	int64_t hi = ((int64_t)dt_date_to_days((struct dt_date){ 9999, 12, 31 }) + 1) * day - 1;
	if (ms < lo)
		ms = lo;
	if (ms > hi)
		ms = hi;
	int64_t days = ms >= 0 ? ms / day : -((-ms + day - 1) / day);
	int64_t rest = ms - days * day;
	struct dt_date d = dt_date_from_days((int32_t)days);
	dt_date_format(d, out);
	out[10] = 'T';
	put_digits(out + 11, (int)(rest / 3600000), 2);
	out[13] = ':';
	put_digits(out + 14, (int)(rest / 60000 % 60), 2);
	out[16] = ':';
	put_digits(out + 17, (int)(rest / 1000 % 60), 2);
	out[19] = '.';
	put_digits(out + 20, (int)(rest % 1000), 3);
	out[23] = 'Z';
	out[24] = '\0';
}

bool dt_date_of_instant(const char *utc, struct dt_date *out)
{
	int64_t ms;
	if (!utc || !dt_time_to_ms(utc, &ms))
		return false;
	int64_t t = ms + (int64_t)CST_OFFSET * 1000;
	int64_t days = t / 86400000 - (t % 86400000 < 0); /* floor, before 1970 too */
	*out = dt_date_from_days((int32_t)days);
	return true;
}

bool dt_time_local(const char *utc, char out[DT_LOCAL_STRLEN])
{
	int64_t ms;
	if (!utc || !dt_time_to_ms(utc, &ms))
		return false;
	int64_t t = ms + (int64_t)CST_OFFSET * 1000;
	int64_t days = t / 86400000 - (t % 86400000 < 0);
	int64_t in_day = (t - days * 86400000) / 60000; /* minutes into the local day */
	struct dt_date d = dt_date_from_days((int32_t)days);
	snprintf(out, DT_LOCAL_STRLEN, "%04d-%02d-%02d %02d:%02d", d.year, d.month, d.day,
		 (int)(in_day / 60), (int)(in_day % 60));
	return true;
}
