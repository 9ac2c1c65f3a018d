/*
 * record.c - the rules of the record book (record.h).  Pure: the store
 * passes the contract and the day's hours in; "today" is passed in.
 */
#include "core/common.h"

#include <stdio.h>
#include <string.h>

#include "domain/period.h"
#include "domain/record.h"
#include "core/banned.h"

/* Hours as people write them: "8", "7.5". */
static const char *hours_text(char buf[32], double h)
{
	snprintf(buf, 32, "%g", h);
	return buf;
}

enum dt_err dt_record_day_check(struct dt_problems *ps, struct dt_date date, double recorded,
				double hours, double limit)
{
	/* A hair of slack: 4.1 + 7.9 is 12 to anyone who adds by hand. */
	if (recorded + hours <= limit + 1e-9)
		return DT_OK;
	char d[DT_DATE_STRLEN], a[32], b[32], c[32];
	dt_date_format(date, d);
	return dt_problem_add(ps, "hours", "record.daily_hours", "date", d, "recorded",
			      hours_text(a, recorded), "hours", hours_text(b, hours), "limit",
			      hours_text(c, limit), NULL);
}

enum dt_err dt_record_check(struct dt_problems *ps, const struct dt_record_in *in,
			    const struct dt_record_facts *f, struct dt_date today)
{
	if (!f->contract_status || strcmp(f->contract_status, "active"))
		return dt_problem_add(ps, "contract_id", "record.contract_not_active", "contract",
				      DT_I(f->contract_id), "status", f->contract_status, NULL);
	enum dt_err rc = DT_OK, r;
	if (dt_date_cmp(in->date, f->start) < 0 || dt_date_cmp(in->date, f->end) > 0) {
		char v[DT_DATE_STRLEN], a[DT_DATE_STRLEN], b[DT_DATE_STRLEN];
		dt_date_format(in->date, v);
		dt_date_format(f->start, a);
		dt_date_format(f->end, b);
		rc = dt_problem_add(ps, "date", "record.outside_contract", "value", v, "start", a,
				    "end", b, NULL);
	} else {
		rc = dt_period_not_future(ps, "date", in->date, today);
	}
	/* The field's range is 0..24; an entry of no hours is no entry. */
	if (!(in->hours > 0))
		r = dt_problem_add(ps, "hours", "record.no_hours", NULL);
	else
		r = dt_record_day_check(ps, in->date, f->day_hours, in->hours, DT_RECORD_DAY_LIMIT);
	return rc ? rc : r;
}

enum dt_err dt_record_change_check(struct dt_problems *ps, int64_t id, const char *signed_at)
{
	if (!signed_at)
		return DT_OK;
	return dt_problem_add(ps, NULL, "record.signed", "entry", DT_I(id), NULL);
}

enum dt_err dt_record_signoff_check(struct dt_problems *ps, const char *signed_by)
{
	if (!signed_by)
		return DT_OK;
	return dt_problem_add(ps, NULL, "record.already_signed", "by", signed_by, NULL);
}
