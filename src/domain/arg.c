/*
 * arg.c - numbers and dates given as text, refusals as problems (arg.h).
 */
#include "core/common.h"
#include "core/num.h"
#include "domain/arg.h"
#include "core/banned.h"

enum dt_err dt_arg_int64(struct dt_problems *ps, const char *field, const char *s, int64_t min,
			 int64_t max, int64_t *out)
{
	switch (dt_num_int64(s, min, max, out)) {
	case DT_NUM_OK: return DT_OK;
	case DT_NUM_SYNTAX: return dt_problem_add(ps, field, "type.integer", "value", s, NULL);
	case DT_NUM_RANGE: break;
	}
	return dt_problem_add(ps, field, "number.range", "value", s, "min", DT_I(min), "max",
			      DT_I(max), NULL);
}

enum dt_err dt_arg_double(struct dt_problems *ps, const char *field, const char *s, double *out)
{
	switch (dt_num_double(s, out)) {
	case DT_NUM_OK: return DT_OK;
	case DT_NUM_SYNTAX: return dt_problem_add(ps, field, "type.number", "value", s, NULL);
	case DT_NUM_RANGE: break;
	}
	return dt_problem_add(ps, field, "number.range", "value", s, "min", "-1.8e308", "max",
			      "1.8e308", NULL);
}

enum dt_err dt_arg_date(struct dt_problems *ps, const char *field, const char *s,
			struct dt_date *out)
{
	if (!dt_date_shaped(s))
		return dt_problem_add(ps, field, "type.date", "value", s, NULL);
	if (dt_date_parse(s, out, NULL, NULL) != DT_OK)
		return dt_problem_add(ps, field, "date.invalid", "value", s, NULL);
	return DT_OK;
}
