/*
 * period.h - rules on dates that many records share: one date not before
 * another (a contract's end after its start, a pilot's period), a date not
 * in the future (what the record book, assessments and outcomes record has
 * happened).
 */
#ifndef DT_PERIOD_H
#define DT_PERIOD_H

#include <stdbool.h>

#include "core/date.h"
#include "domain/problem.h"

/**
 * @later (of field @later_field) must not be before @earlier (of field
 * @earlier_field); with @strict not on the same day either.  Records
 * "date.order" (or "date.not_after" when @strict) about @later_field with
 * {value, other, other_value}; returns DT_OK or the code's kind.
 */
enum dt_err dt_period_order(struct dt_problems *ps, const char *earlier_field,
			    struct dt_date earlier, const char *later_field, struct dt_date later,
			    bool strict);

/** @d (of @field) must not be after @today: "date.future" {value}. */
enum dt_err dt_period_not_future(struct dt_problems *ps, const char *field, struct dt_date d,
				 struct dt_date today);

/** Parse "YYYY-MM-DD" @s into *@out; false (and *@out zeroed) if it is none. */
bool dt_period_date(const char *s, struct dt_date *out);

#endif
