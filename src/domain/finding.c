/*
 * finding.c - the rules of findings, rectifications and checklist results
 * (finding.h).  Pure: no SQL, no HTTP; the store asks and records.
 */
#include "core/common.h"

#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "domain/finding.h"
#include "domain/period.h"
#include "domain/problem.h"
#include "domain/publicity.h"
#include "core/banned.h"

static const char *const severity_names[DT_SEVERITY_N] = {
	[DT_SEVERITY_GENERAL] = "general",
	[DT_SEVERITY_SERIOUS] = "serious",
	[DT_SEVERITY_GRAVE] = "grave",
};
/* The words of the pilot's documents, accepted as input too. */
static const char *const severity_zh[DT_SEVERITY_N] = {
	[DT_SEVERITY_GENERAL] = "一般",
	[DT_SEVERITY_SERIOUS] = "较重",
	[DT_SEVERITY_GRAVE] = "严重",
};

static const char *const status_names[DT_FINDING_NSTATUS] = {
	[DT_FINDING_OPEN] = "open",
	[DT_FINDING_RECTIFYING] = "rectifying",
	[DT_FINDING_SUBMITTED] = "submitted",
	[DT_FINDING_CLOSED] = "closed",
};

static const char *const event_names[DT_FEV_NEVENT] = {
	[DT_FEV_START] = "start",
	[DT_FEV_SUBMIT] = "submit",
	[DT_FEV_ACCEPT] = "accept",
	[DT_FEV_REJECT] = "reject",
};

static const char *const colour_names[] = { "none", "green", "yellow", "red" };

static const char *const result_names[DT_CHECK_NRESULT] = {
	[DT_CHECK_PASS] = "pass",
	[DT_CHECK_FAIL] = "fail",
	[DT_CHECK_NA] = "na",
};

const char *dt_finding_severity_name(enum dt_finding_severity s)
{
	return (unsigned)s < DT_SEVERITY_N ? severity_names[s] : NULL;
}

/* *@out is written only on success. */
enum dt_err dt_finding_severity_parse(const char *s, enum dt_finding_severity *out)
{
	int i = dt_name_index(severity_names, DT_SEVERITY_N, s);
	if (i < 0)
		i = dt_name_index(severity_zh, DT_SEVERITY_N, s);
	if (i < 0)
		return DT_EINVAL;
	if (out)
		*out = (enum dt_finding_severity)i;
	return DT_OK;
}

const char *dt_finding_status_name(enum dt_finding_status s)
{
	return (unsigned)s < DT_FINDING_NSTATUS ? status_names[s] : NULL;
}

/* *@out is written only on success. */
enum dt_err dt_finding_status_parse(const char *s, enum dt_finding_status *out)
{
	int i = dt_name_index(status_names, DT_FINDING_NSTATUS, s);
	if (i < 0)
		return DT_EINVAL;
	if (out)
		*out = (enum dt_finding_status)i;
	return DT_OK;
}

const char *dt_finding_event_name(enum dt_finding_event e)
{
	return (unsigned)e < DT_FEV_NEVENT ? event_names[e] : NULL;
}

const char *dt_finding_colour_name(enum dt_finding_colour c)
{
	return (unsigned)c < DT_ARRAY_SIZE(colour_names) ? colour_names[c] : "none";
}

enum dt_err dt_finding_apply(enum dt_finding_status from, enum dt_finding_event ev,
			     const struct dt_finding_actor *who, enum dt_finding_status *to,
			     struct dt_problems *ps)
{
	static const struct dt_finding_actor nobody = { false, false };
	if (!who)
		who = &nobody;
	if ((unsigned)from >= DT_FINDING_NSTATUS)
		return dt_problem_add(ps, NULL, "finding.unknown", "value", DT_I(from), NULL);
	if ((unsigned)ev >= DT_FEV_NEVENT)
		return dt_problem_add(ps, NULL, "finding.unknown", "value", DT_I(ev), NULL);
	/* who first: a refusal for the wrong person does not reveal the state */
	bool by_org = ev == DT_FEV_START || ev == DT_FEV_SUBMIT;
	if (by_org && !who->org)
		return dt_problem_add(ps, NULL, "finding.not_org", NULL);
	if (!by_org && !who->inspector)
		return dt_problem_add(ps, NULL, "finding.not_inspector", NULL);
	if (from == DT_FINDING_CLOSED)
		return dt_problem_add(ps, NULL, "finding.closed", "status", status_names[from],
				      NULL);

	enum dt_finding_status next = DT_FINDING_NSTATUS;
	switch (ev) {
	case DT_FEV_START:
		if (from == DT_FINDING_OPEN)
			next = DT_FINDING_RECTIFYING;
		break;
	case DT_FEV_SUBMIT:
		if (from == DT_FINDING_OPEN || from == DT_FINDING_RECTIFYING)
			next = DT_FINDING_SUBMITTED;
		break;
	case DT_FEV_ACCEPT:
		if (from == DT_FINDING_SUBMITTED)
			next = DT_FINDING_CLOSED;
		break;
	case DT_FEV_REJECT:
		if (from == DT_FINDING_SUBMITTED)
			next = DT_FINDING_RECTIFYING;
		break;
	case DT_FEV_NEVENT: break;
	}
	if (next == DT_FINDING_NSTATUS)
		return dt_problem_add(ps, NULL, "finding.transition", "event", event_names[ev],
				      "status", status_names[from], NULL);
	if (to)
		*to = next;
	return DT_OK;
}

int32_t dt_finding_days_left(struct dt_date deadline, struct dt_date today)
{
	return dt_date_to_days(deadline) - dt_date_to_days(today);
}

bool dt_finding_overdue(enum dt_finding_status s, struct dt_date deadline, struct dt_date today)
{
	return (s == DT_FINDING_OPEN || s == DT_FINDING_RECTIFYING) &&
	       dt_finding_days_left(deadline, today) < 0;
}

enum dt_finding_colour dt_finding_colour(enum dt_finding_status s, struct dt_date deadline,
					 struct dt_date today)
{
	if (s != DT_FINDING_OPEN && s != DT_FINDING_RECTIFYING)
		return DT_COLOUR_NONE;
	int32_t left = dt_finding_days_left(deadline, today);
	if (left <= DT_FINDING_RED_DAYS)
		return DT_COLOUR_RED;
	if (left <= DT_FINDING_YELLOW_DAYS)
		return DT_COLOUR_YELLOW;
	return DT_COLOUR_GREEN;
}

enum dt_err dt_finding_deadline_check(struct dt_problems *ps, const char *field,
				      struct dt_date deadline, struct dt_date today)
{
	char v[DT_DATE_STRLEN];
	dt_date_format(deadline, v);
	int32_t left = dt_finding_days_left(deadline, today);
	if (left <= 0)
		return dt_problem_add(ps, field, "finding.deadline_past", "value", v, NULL);
	if (left > DT_FINDING_MAX_DAYS)
		return dt_problem_add(ps, field, "finding.deadline_far", "value", v, "max",
				      DT_I(DT_FINDING_MAX_DAYS), NULL);
	return DT_OK;
}

enum dt_err dt_finding_text_check(struct dt_problems *ps, const char *field, const char *text)
{
	return dt_pub_text_check(ps, field, text, DT_FINDING_TEXT_MAX);
}

const char *dt_check_result_name(enum dt_check_result r)
{
	return (unsigned)r < DT_CHECK_NRESULT ? result_names[r] : NULL;
}

/* *@out is written only on success. */
enum dt_err dt_check_result_parse(const char *s, enum dt_check_result *out)
{
	int i = dt_name_index(result_names, DT_CHECK_NRESULT, s);
	if (i < 0)
		return DT_EINVAL;
	if (out)
		*out = (enum dt_check_result)i;
	return DT_OK;
}

enum dt_err dt_check_result_check(struct dt_problems *ps, const char *field, const char *code,
				  enum dt_check_result r, const char *remark,
				  const char *const *codes, size_t ncodes, const char *const *seen,
				  size_t nseen)
{
	if (!code || dt_name_index(codes, (int)ncodes, code) < 0)
		return dt_problem_add(ps, field, "inspection.check_unknown", "value", code, NULL);
	if (dt_name_index(seen, (int)nseen, code) >= 0)
		return dt_problem_add(ps, field, "inspection.check_twice", "value", code, NULL);
	if ((unsigned)r >= DT_CHECK_NRESULT)
		return dt_problem_add(ps, field, "enum.value", "value", DT_I(r), "values",
				      "pass|fail|na", NULL);
	if (r == DT_CHECK_FAIL) {
		bool blank = true;
		for (const char *p = remark; p && *p; p++)
			if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
				blank = false;
		if (blank)
			return dt_problem_add(ps, field, "inspection.fail_remark", "value", code,
					      NULL);
	}
	/* an empty remark is no remark; a given one is text like any other */
	if (remark && *remark)
		return dt_finding_text_check(ps, field, remark);
	return DT_OK;
}

enum dt_err dt_inspection_finish_check(struct dt_problems *ps, const struct dt_inspection_facts *f)
{
	if (f->status && !strcmp(f->status, "done"))
		return dt_problem_add(ps, NULL, "inspection.already_done", NULL);
	enum dt_err rc = DT_OK, r;
	if (!f->visited && (r = dt_problem_add(ps, "visited_on", "inspection.no_visit", NULL)))
		rc = rc ? rc : r;
	if (f->unanswered && (r = dt_problem_add(ps, "checks", "inspection.unanswered", "count",
						 DT_I(f->unanswered), NULL)))
		rc = rc ? rc : r;
	if (!f->conclusion &&
	    (r = dt_problem_add(ps, "conclusion", "inspection.no_conclusion", NULL)))
		rc = rc ? rc : r;
	return rc;
}

enum dt_err dt_inspection_visit_check(struct dt_problems *ps, struct dt_date visited,
				      struct dt_date today)
{
	return dt_period_not_future(ps, "visited_on", visited, today);
}

bool dt_inspection_publishable(const char *status, int64_t open)
{
	return status && !strcmp(status, "done") && open == 0;
}
