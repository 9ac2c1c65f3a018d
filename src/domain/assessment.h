/*
 * assessment.h - the rules of assessments (intermediate, final, skill
 * level) and outcomes, and the skill level an occupation has.
 *
 * An assessment concerns an active or completed contract, is dated within
 * its term and not in the future; a skill-level assessment names a level,
 * and that level must be one the occupation of the contract's programme
 * has (the national occupation classification lists, per occupation, which
 * of the five levels exist).  An outcome (retained, employed elsewhere,
 * ...) is recorded after the contract ended; "retained" means employed by
 * the training enterprise.
 */
#ifndef DT_ASSESSMENT_H
#define DT_ASSESSMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "domain/problem.h"

/**
 * Level @level (1..5) must be one of @levels ("345": the occupation's
 * levels as digits) of occupation @code: "occupation.no_level" {level,
 * occupation, levels} on @field.  A NULL @levels checks nothing.
 */
enum dt_err dt_occupation_level_check(struct dt_problems *ps, const char *field, int level,
				      const char *code, const char *levels);

/** The assessment being written. */
struct dt_assessment_in {
	const char *kind; /* "intermediate", "final", "skill_level" */
	struct dt_date date;
	bool has_level;
	int level;
};

/** What the store knows around it. */
struct dt_assessment_facts {
	int64_t contract_id;
	const char *contract_status;
	struct dt_date start;
	const char *occupation; /* the programme's occupation code; NULL: none */
	const char *levels;     /* its levels ("345"); NULL: none known */
};

/**
 * Check @in against @f as of @today: "assessment.contract_status"
 * {contract, status} on "contract_id"; "assessment.level_required" on
 * "level" for a skill-level assessment; the level within the occupation's
 * (dt_occupation_level_check()); the date not before the start
 * ("date.order") nor in the future ("date.future").  Returns the first
 * fault's kind.
 */
enum dt_err dt_assessment_check(struct dt_problems *ps, const struct dt_assessment_in *in,
				const struct dt_assessment_facts *f, struct dt_date today);

/** The outcome being written. */
struct dt_outcome_in {
	const char *kind; /* "retained", ... */
	struct dt_date date;
	int64_t employer_id; /* 0: not given */
};

/** The contract it concerns. */
struct dt_outcome_facts {
	int64_t contract_id;
	const char *contract_status;
	bool has_ended;
	struct dt_date ended_on;
	int64_t enterprise_id;
};

/**
 * Check @in against @f as of @today: the contract completed or dissolved
 * ("outcome.contract_open" {contract, status} on "contract_id"), the date
 * not before it ended ("date.order") nor in the future; a "retained"
 * outcome's employer is the training enterprise ("outcome.retained_employer"
 * {enterprise} on "employer_id").  *@employer is the employer to store:
 * the training enterprise for "retained" without one, else @in's.
 */
enum dt_err dt_outcome_check(struct dt_problems *ps, const struct dt_outcome_in *in,
			     const struct dt_outcome_facts *f, struct dt_date today,
			     int64_t *employer);

#endif
