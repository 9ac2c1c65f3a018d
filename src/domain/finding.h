/*
 * finding.h - the rules of supervision findings, their rectification and
 * the checklist results of an inspection (issue 14).
 *
 * A finding (问题) is recorded by an inspector of an inspection against the
 * responsible organisation, with a severity and a deadline:
 *
 *   open       --start-->  rectifying   the organisation begins its fix
 *   open       --submit--> submitted    the organisation reports what it did
 *   rectifying --submit--> submitted        (with evidence files)
 *   submitted  --accept--> closed       an inspector of the inspection verifies (销号)
 *   submitted  --reject--> rectifying   an inspector refuses, with a reason
 *                                       and a new deadline
 * Closed is final.  Only the responsible organisation's own accounts
 * (school or enterprise) start and submit; only the two inspectors of the
 * finding's inspection record, accept and reject.  Every other pair is
 * refused and changes nothing.
 *
 * Derived, never stored: a finding is overdue when it is still open or
 * rectifying after its deadline (a submitted one waits for the inspector,
 * not for the organisation).  Its colour by the days left until the
 * deadline (deadline - today), for open and rectifying findings only:
 *   red     overdue, or due within 3 days (days left <= 3)
 *   yellow  due in 4 to 7 days
 *   green   due in more than 7 days
 *   none    submitted or closed
 * The alerts "due in 7, 3 and 1 days" fall on the edges of these bands.
 */
#ifndef DT_FINDING_H
#define DT_FINDING_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "domain/problem.h"

enum dt_finding_severity {
	DT_SEVERITY_GENERAL, /* 一般 */
	DT_SEVERITY_SERIOUS, /* 较重 */
	DT_SEVERITY_GRAVE,   /* 严重 */
	DT_SEVERITY_N
};

enum dt_finding_status {
	DT_FINDING_OPEN,
	DT_FINDING_RECTIFYING,
	DT_FINDING_SUBMITTED,
	DT_FINDING_CLOSED,
	DT_FINDING_NSTATUS
};

enum dt_finding_event {
	DT_FEV_START,  /* the organisation begins to rectify */
	DT_FEV_SUBMIT, /* the organisation submits a rectification */
	DT_FEV_ACCEPT, /* the inspector verifies it: closed (销号) */
	DT_FEV_REJECT, /* the inspector refuses it: back to rectifying, new deadline */
	DT_FEV_NEVENT
};

enum dt_finding_colour { DT_COLOUR_NONE, DT_COLOUR_GREEN, DT_COLOUR_YELLOW, DT_COLOUR_RED };

/** Days left at which a finding turns yellow (<=) and red (<=); the alert days. */
#define DT_FINDING_YELLOW_DAYS 7
#define DT_FINDING_RED_DAYS 3
/** The longest deadline an inspector may give, in days from today. */
#define DT_FINDING_MAX_DAYS 366
/** Longest description, rectification body or reason, in characters. */
#define DT_FINDING_TEXT_MAX 4000

/** Who acts on a finding: what the caller is to it. */
struct dt_finding_actor {
	bool inspector; /* one of the two inspectors of the finding's inspection */
	bool org;       /* an account of the finding's responsible organisation */
};

/** "general", "serious", "grave"; NULL out of range. */
const char *dt_finding_severity_name(enum dt_finding_severity s);
/** Parse a severity name (English, or 一般/较重/严重); DT_EINVAL otherwise. */
enum dt_err dt_finding_severity_parse(const char *s, enum dt_finding_severity *out);
/** "open", "rectifying", "submitted", "closed"; NULL out of range. */
const char *dt_finding_status_name(enum dt_finding_status s);
enum dt_err dt_finding_status_parse(const char *s, enum dt_finding_status *out);
/** "start", "submit", "accept", "reject"; NULL out of range. */
const char *dt_finding_event_name(enum dt_finding_event e);
/** "none", "green", "yellow", "red". */
const char *dt_finding_colour_name(enum dt_finding_colour c);

/**
 * Apply event @ev by @who to a finding in state @from; on success *@to is
 * the new state.  Refusals, recorded in @ps (may be NULL):
 *   "finding.not_inspector" (DT_EDENIED) accept/reject by someone who is
 *       not an inspector of the finding's inspection;
 *   "finding.not_org" (DT_EDENIED) start/submit by someone who is not of
 *       the responsible organisation;
 *   "finding.closed" {status} (DT_ECONFLICT) anything on a closed finding;
 *   "finding.transition" {event, status} (DT_ECONFLICT) any other pair;
 *   "finding.unknown" {value} (DT_EINVAL) an out-of-range @from or @ev.
 * Permission is checked before state, so a stranger learns nothing of it.
 */
enum dt_err dt_finding_apply(enum dt_finding_status from, enum dt_finding_event ev,
			     const struct dt_finding_actor *who, enum dt_finding_status *to,
			     struct dt_problems *ps);

/** Days from @today to @deadline (negative once past). */
int32_t dt_finding_days_left(struct dt_date deadline, struct dt_date today);
/** Overdue: open or rectifying, and @today after @deadline. */
bool dt_finding_overdue(enum dt_finding_status s, struct dt_date deadline, struct dt_date today);
/** The colour of a finding (see the top of this file). */
enum dt_finding_colour dt_finding_colour(enum dt_finding_status s, struct dt_date deadline,
					 struct dt_date today);

/**
 * A deadline given on @field ("deadline" when recording, "new_deadline"
 * when rejecting) as of @today: after today ("finding.deadline_past"
 * {value}) and no more than DT_FINDING_MAX_DAYS away ("finding.deadline_far"
 * {value, max}).  Both DT_EINVAL.
 */
enum dt_err dt_finding_deadline_check(struct dt_problems *ps, const char *field,
				      struct dt_date deadline, struct dt_date today);

/**
 * The text of a finding, a rectification or a rejection on @field: not
 * empty ("text.empty"), valid UTF-8 without NUL, at most DT_FINDING_TEXT_MAX
 * characters ("text.too_long").  NULL is "field.required".
 */
enum dt_err dt_finding_text_check(struct dt_problems *ps, const char *field, const char *text);

/* ---- checklist results of an inspection ---- */

enum dt_check_result { DT_CHECK_PASS, DT_CHECK_FAIL, DT_CHECK_NA, DT_CHECK_NRESULT };

/** "pass", "fail", "na"; NULL out of range. */
const char *dt_check_result_name(enum dt_check_result r);
enum dt_err dt_check_result_parse(const char *s, enum dt_check_result *out);

/**
 * One checklist result on @field ("checks[2]"): its @code is one of the
 * plan's @codes[0..@ncodes) ("inspection.check_unknown" {value}), it is not
 * given twice (@seen: the codes already given in the same request, @nseen;
 * "inspection.check_twice" {value}), and a failed item says what failed
 * ("inspection.fail_remark": a non-empty @remark).  All DT_EINVAL.
 */
enum dt_err dt_check_result_check(struct dt_problems *ps, const char *field, const char *code,
				  enum dt_check_result r, const char *remark,
				  const char *const *codes, size_t ncodes, const char *const *seen,
				  size_t nseen);

/** What the store knows of an inspection when it is finished. */
struct dt_inspection_facts {
	const char *status; /* "planned", "in_progress", "done" */
	bool visited;       /* a visit date is recorded */
	size_t unanswered;  /* checklist items with no result */
	bool conclusion;    /* a conclusion is written */
};

/**
 * Finishing (status "done") an inspection: not done already
 * ("inspection.done", DT_ECONFLICT), with a visit date
 * ("inspection.no_visit"), every checklist item answered
 * ("inspection.unanswered" {count}) and a conclusion ("inspection.no_conclusion").
 */
enum dt_err dt_inspection_finish_check(struct dt_problems *ps, const struct dt_inspection_facts *f);

/**
 * The visit date of an inspection: not in the future ("date.future" on
 * "visited_on").
 */
enum dt_err dt_inspection_visit_check(struct dt_problems *ps, struct dt_date visited,
				      struct dt_date today);

/**
 * 一公开: an inspection is publishable once it is done and every one of its
 * findings (@open: how many are not closed) is closed.
 */
bool dt_inspection_publishable(const char *status, int64_t open);

#endif
