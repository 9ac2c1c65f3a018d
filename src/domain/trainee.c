/*
 * trainee.c - the age and guardian rule and the agreement of birth date and
 * gender with the national ID (trainee.h).  Pure: "today" is passed in.
 */
#include "core/common.h"

#include <string.h>

#include "domain/trainee.h"
#include "core/banned.h"

int dt_trainee_age(struct dt_date birth, struct dt_date day)
{
	return day.year - birth.year -
	       (day.month < birth.month || (day.month == birth.month && day.day < birth.day));
}

enum dt_err dt_trainee_age_check(struct dt_problems *ps, struct dt_date birth, struct dt_date today,
				 const char *guardian, bool registering)
{
	int age = dt_trainee_age(birth, today);
	if (registering && age < DT_TRAINEE_MIN_AGE)
		return dt_problem_add(ps, "national_id", "trainee.too_young", "age", DT_I(age),
				      "min", DT_I(DT_TRAINEE_MIN_AGE), NULL);
	if (age < DT_TRAINEE_ADULT_AGE && !(guardian && *guardian))
		return dt_problem_add(ps, "guardian_name", "trainee.guardian_required", "age",
				      DT_I(age), "adult", DT_I(DT_TRAINEE_ADULT_AGE), NULL);
	return DT_OK;
}

enum dt_err dt_trainee_natid_check(struct dt_problems *ps, const struct dt_natid *nid,
				   const char *birth, const char *gender)
{
	enum dt_err rc = DT_OK;
	char want[DT_DATE_STRLEN], g[2] = { nid->gender, 0 };
	dt_date_format(nid->birth, want);
	if (birth && strcmp(birth, want))
		rc = dt_problem_add(ps, "birth_date", "trainee.natid_mismatch", "value", birth,
				    "expected", want, NULL);
	if (gender && strcmp(gender, g)) {
		enum dt_err r2 = dt_problem_add(ps, "gender", "trainee.natid_mismatch", "value",
						gender, "expected", g, NULL);
		rc = rc ? rc : r2;
	}
	return rc;
}
