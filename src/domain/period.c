/*
 * period.c - rules on the order of dates and on dates in the future
 * (period.h).  Pure: "today" is passed in.
 */
#include "core/common.h"

#include "domain/period.h"
#include "core/banned.h"

enum dt_err dt_period_order(struct dt_problems *ps, const char *earlier_field,
			    struct dt_date earlier, const char *later_field, struct dt_date later,
			    bool strict)
{
	int c = dt_date_cmp(later, earlier);
	if (c > 0 || (c == 0 && !strict))
		return DT_OK;
	char a[DT_DATE_STRLEN], b[DT_DATE_STRLEN];
	dt_date_format(earlier, a);
	dt_date_format(later, b);
	return dt_problem_add(ps, later_field, c < 0 ? "date.order" : "date.not_after", "value", b,
			      "other", earlier_field, "other_value", a, NULL);
}

enum dt_err dt_period_not_future(struct dt_problems *ps, const char *field, struct dt_date d,
				 struct dt_date today)
{
	if (dt_date_cmp(d, today) <= 0)
		return DT_OK;
	char v[DT_DATE_STRLEN];
	dt_date_format(d, v);
	return dt_problem_add(ps, field, "date.future", "value", v, NULL);
}

bool dt_period_date(const char *s, struct dt_date *out)
{
	struct dt_date zero = { 0, 0, 0 };
	*out = zero;
	return s && dt_date_parse(s, out, NULL, NULL) == DT_OK;
}
