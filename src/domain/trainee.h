/*
 * trainee.h - the rules about a trainee as a person: age and guardian, and
 * the birth date and gender that follow from the national ID.
 *
 * A trainee is registered at 16 at the earliest (the minimum working age of
 * the Labour Law, art. 15); under 18 a guardian is named.  The store's
 * create and update, the import's bulk path and the demo generator all ask
 * these functions, so the rule lives here only.
 */
#ifndef DT_TRAINEE_H
#define DT_TRAINEE_H

#include <stdbool.h>

#include "core/date.h"
#include "domain/natid.h"
#include "domain/problem.h"

#define DT_TRAINEE_MIN_AGE 16   /* at registration */
#define DT_TRAINEE_ADULT_AGE 18 /* from this age no guardian is needed */

/** Age in completed years on @day of someone born on @birth. */
int dt_trainee_age(struct dt_date birth, struct dt_date day);

/**
 * The age rule for a trainee born on @birth as of @today, with guardian
 * @guardian (NULL or "" for none).  With @registering (a new trainee) the
 * trainee must be DT_TRAINEE_MIN_AGE: "trainee.too_young" {age, min} on
 * "national_id".  Under DT_TRAINEE_ADULT_AGE a guardian is required:
 * "trainee.guardian_required" {age, adult} on "guardian_name".
 */
enum dt_err dt_trainee_age_check(struct dt_problems *ps, struct dt_date birth, struct dt_date today,
				 const char *guardian, bool registering);

/**
 * A given birth date @birth and gender @gender (either NULL: not given) must
 * be the ones @nid carries: "trainee.natid_mismatch" {value, expected} on
 * "birth_date" or "gender".
 */
enum dt_err dt_trainee_natid_check(struct dt_problems *ps, const struct dt_natid *nid,
				   const char *birth, const char *gender);

#endif
