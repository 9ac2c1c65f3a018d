/*
 * record.h - the rules of the record book (培养记录): entries go on active
 * contracts, within the contract's term and not in the future, with some
 * hours, and at most DT_RECORD_DAY_LIMIT hours a day per trainee, company
 * and school together; an entry signed off by a mentor is final.
 *
 * The store fetches the facts (the contract, the hours already recorded on
 * the day) and passes them in; these functions decide.
 */
#ifndef DT_RECORD_H
#define DT_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "domain/problem.h"

/*
 * Twelve hours a day, all entries of one trainee together: a long working
 * day plus an evening class, but not 20 + 20 + 8 (docs/API.md).
 */
#define DT_RECORD_DAY_LIMIT 12.0

/** The entry being written. */
struct dt_record_in {
	struct dt_date date;
	double hours;
};

/** What the store knows around it. */
struct dt_record_facts {
	int64_t contract_id;
	const char *contract_status; /* "active", ... */
	struct dt_date start, end;   /* the contract's term */
	double day_hours;            /* the trainee's other entries on the same day */
};

/**
 * Check entry @in against @f as of @today: the contract active
 * ("record.contract_not_active" {contract, status} on "contract_id",
 * DT_ECONFLICT), the date within the term ("record.outside_contract"
 * {value, start, end}) and not in the future ("date.future"), some hours
 * ("record.no_hours" on "hours") and the daily limit
 * (dt_record_day_check()).  Every fault is recorded; returns the first's
 * kind.
 */
enum dt_err dt_record_check(struct dt_problems *ps, const struct dt_record_in *in,
			    const struct dt_record_facts *f, struct dt_date today);

/**
 * @hours more on a day (@date) that already has @recorded hours stay within
 * @limit: "record.daily_hours" {date, recorded, hours, limit} on "hours".
 */
enum dt_err dt_record_day_check(struct dt_problems *ps, struct dt_date date, double recorded,
				double hours, double limit);

/**
 * A signed-off entry (@signed_at not NULL) cannot be changed or deleted:
 * "record.signed" {entry} (DT_ECONFLICT).
 */
enum dt_err dt_record_change_check(struct dt_problems *ps, int64_t id, const char *signed_at);

/** Sign-off happens once: "record.already_signed" {by} when @signed_by is set. */
enum dt_err dt_record_signoff_check(struct dt_problems *ps, const char *signed_by);

#endif
