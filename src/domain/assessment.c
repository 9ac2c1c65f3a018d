/*
 * assessment.c - the rules of assessments and outcomes (assessment.h).
 * Pure: the store passes the contract and the occupation's levels in.
 */
#include "core/common.h"

#include <string.h>

#include "domain/assessment.h"
#include "domain/period.h"
#include "core/banned.h"

enum dt_err dt_occupation_level_check(struct dt_problems *ps, const char *field, int level,
				      const char *code, const char *levels)
{
	if (!levels || (level >= 1 && level <= 9 && strchr(levels, '0' + level)))
		return DT_OK;
	return dt_problem_add(ps, field, "occupation.no_level", "level", DT_I(level), "occupation",
			      code ? code : "", "levels", levels, NULL);
}

static bool one_of(const char *s, const char *a, const char *b)
{
	return s && (!strcmp(s, a) || !strcmp(s, b));
}

enum dt_err dt_assessment_check(struct dt_problems *ps, const struct dt_assessment_in *in,
				const struct dt_assessment_facts *f, struct dt_date today)
{
	enum dt_err rc = DT_OK, r = DT_OK;
	if (!one_of(f->contract_status, "active", "completed"))
		rc = dt_problem_add(ps, "contract_id", "assessment.contract_status", "contract",
				    DT_I(f->contract_id), "status", f->contract_status, NULL);
	if (in->kind && !strcmp(in->kind, "skill_level") && !in->has_level)
		r = dt_problem_add(ps, "level", "assessment.level_required", NULL);
	else if (in->has_level)
		r = dt_occupation_level_check(ps, "level", in->level, f->occupation, f->levels);
	rc = rc ? rc : r;
	r = dt_period_order(ps, "contract_start", f->start, "date", in->date, false);
	if (r == DT_OK)
		r = dt_period_not_future(ps, "date", in->date, today);
	return rc ? rc : r;
}

enum dt_err dt_outcome_check(struct dt_problems *ps, const struct dt_outcome_in *in,
			     const struct dt_outcome_facts *f, struct dt_date today,
			     int64_t *employer)
{
	*employer = in->employer_id;
	if (!one_of(f->contract_status, "completed", "dissolved"))
		return dt_problem_add(ps, "contract_id", "outcome.contract_open", "contract",
				      DT_I(f->contract_id), "status", f->contract_status, NULL);
	enum dt_err rc = DT_OK, r = DT_OK;
	if (f->has_ended)
		rc = dt_period_order(ps, "ended_on", f->ended_on, "date", in->date, false);
	if (rc == DT_OK)
		rc = dt_period_not_future(ps, "date", in->date, today);
	if (in->kind && !strcmp(in->kind, "retained")) {
		if (!in->employer_id)
			*employer = f->enterprise_id;
		else if (in->employer_id != f->enterprise_id)
			r = dt_problem_add(ps, "employer_id", "outcome.retained_employer",
					   "enterprise", DT_I(f->enterprise_id), NULL);
	}
	return rc ? rc : r;
}
