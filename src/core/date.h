/*
 * date.h - calendar dates (proleptic Gregorian) and ISO 8601 text.
 *
 * A date is a plain struct, compared and converted to a day number; parsing
 * accepts exactly YYYY-MM-DD and rejects impossible dates (2023-02-29,
 * 2024-04-31, month 13).  Times are UTC instants as ISO 8601 text
 * "YYYY-MM-DDTHH:MM:SS.mmmZ".
 *
 * Environment: DUALTRACK_TODAY=YYYY-MM-DD, when set and valid, is what
 * dt_date_today() returns instead of the clock (tests pin "today" with it; an
 * invalid value is reported with dt_warn() and ignored).
 */
#ifndef DT_DATE_H
#define DT_DATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"

struct dt_date {
	int year;  /* 1..9999 */
	int month; /* 1..12 */
	int day;   /* 1..31 */
};

#define DT_DATE_STRLEN 11 /* "YYYY-MM-DD" + NUL */
#define DT_TIME_STRLEN 25 /* "YYYY-MM-DDTHH:MM:SS.mmmZ" + NUL */

/** True if y-m-d exists in the calendar (leap years included). */
bool dt_date_valid(int year, int month, int day);
/** Days in @month of @year (0 for a bad month). */
int dt_date_days_in_month(int year, int month);
/**
 * Parse "YYYY-MM-DD" strictly into @out.  On failure returns DT_EINVAL and
 * writes the reason (prefixed by @field when not NULL) into @err.
 */
enum dt_err dt_date_parse(const char *s, struct dt_date *out, const char *field,
			  struct dt_strbuf *err);
/** Has @s the shape YYYY-MM-DD (ten characters, digits and two dashes)? */
bool dt_date_shaped(const char *s);
/** Write "YYYY-MM-DD" into @out. */
void dt_date_format(struct dt_date d, char out[DT_DATE_STRLEN]);
/**
 * "YYYY-MM-DD" @s as the integer YYYYMMDD (20251027), which sorts as the
 * text does; false for anything dt_date_parse() refuses.
 */
bool dt_date_text_to_num(const char *s, int64_t *num);
/**
 * The integer YYYYMMDD @num as "YYYY-MM-DD" into @out; false, @out empty,
 * when it is no date of the calendar (dt_date_text_to_num() gives it back).
 */
bool dt_date_num_to_text(int64_t num, char out[DT_DATE_STRLEN]);
/** <0, 0, >0 as @a is before, equal to or after @b. */
int dt_date_cmp(struct dt_date a, struct dt_date b);
/** Days since 1970-01-01 (negative before); @d must be a valid date. */
int32_t dt_date_to_days(struct dt_date d);
/** The date @days after 1970-01-01 (the inverse of dt_date_to_days). */
struct dt_date dt_date_from_days(int32_t days);
/** Add @n days (may be negative); the result is clamped to 0001-01-01..9999-12-31. */
struct dt_date dt_date_add_days(struct dt_date d, int32_t n);
/**
 * Add @n months (may be negative), clamping the day to the end of the month
 * (2024-01-31 + 1 month = 2024-02-29) and the year to 0001..9999.
 */
struct dt_date dt_date_add_months(struct dt_date d, int n);
/** Today in China Standard Time (UTC+8), the pilot's calendar, or DUALTRACK_TODAY. */
struct dt_date dt_date_today(void);
/** The current UTC instant as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
void dt_time_now(char out[DT_TIME_STRLEN]);
/**
 * Parse an instant written exactly "YYYY-MM-DDTHH:MM:SS.mmmZ" (a real date,
 * hours 00-23, minutes and seconds 00-59) into milliseconds since
 * 1970-01-01T00:00:00.000Z (negative before).  False for anything else,
 * so that dt_time_from_ms() gives @s back byte for byte when this is true.
 */
bool dt_time_to_ms(const char *s, int64_t *ms);
/**
 * Write the instant @ms milliseconds after 1970-01-01T00:00:00.000Z as
 * "YYYY-MM-DDTHH:MM:SS.mmmZ"; @ms is clamped to years 0001..9999.
 */
void dt_time_from_ms(int64_t ms, char out[DT_TIME_STRLEN]);
/**
 * The date in China Standard Time (UTC+8), the pilot's calendar, of the
 * instant @utc written as dt_time_to_ms() reads it ("2026-03-01T16:30:00.000Z"
 * is 2026-03-02 there).  False, @out untouched, for anything else or NULL.
 */
bool dt_date_of_instant(const char *utc, struct dt_date *out);

/* room for "YYYY-MM-DD HH:MM" and its NUL (and what a compiler fears an int may print) */
#define DT_LOCAL_STRLEN 64
/**
 * The instant @utc (as dt_time_to_ms() reads it) as the pilot's local time
 * (China Standard Time, UTC+8), to the minute: "2026-03-01T06:05:59.000Z"
 * is "2026-03-01 14:05".  False, @out untouched, for anything else or NULL.
 * What exported lists show, rather than UTC ISO text.
 */
bool dt_time_local(const char *utc, char out[DT_LOCAL_STRLEN]);

#endif
