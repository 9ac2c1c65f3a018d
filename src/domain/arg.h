/*
 * arg.h - a number or a date given as text (a command-line argument, a query
 * parameter, a setting), read strictly, a refusal recorded as a problem.
 *
 * The reading itself is core's (num.h, date.h); this says what failed with
 * the catalogue's codes, so that the command line and HTTP word it in their
 * reader's language: type.integer, type.number and type.date for text that
 * is no number or date, number.range for one outside what the caller
 * allows, date.invalid for a day that does not exist (2026-02-30).
 */
#ifndef DT_ARG_H
#define DT_ARG_H

#include <stdint.h>

#include "core/date.h"
#include "domain/problem.h"

/**
 * Read all of @s as a decimal integer in [@min, @max] into *@out.  Refused:
 * DT_EINVAL with type.integer or number.range {value, min, max} about
 * @field recorded in @ps (may be NULL).
 */
enum dt_err dt_arg_int64(struct dt_problems *ps, const char *field, const char *s, int64_t min,
			 int64_t max, int64_t *out);
/** As dt_arg_int64() for a finite number: type.number, number.range {value}. */
enum dt_err dt_arg_double(struct dt_problems *ps, const char *field, const char *s, double *out);
/** Read "YYYY-MM-DD" into *@out: type.date, or date.invalid {value}. */
enum dt_err dt_arg_date(struct dt_problems *ps, const char *field, const char *s,
			struct dt_date *out);

#endif
