/*
 * publicity.c - who may do which step to a good-practice case, a news item,
 * notice or policy document, and where the step leads (publicity.h has the
 * table).  Pure: the store says what the caller is to the record.
 */
#include "core/common.h"

#include <string.h>

#include "core/utf8.h"
#include "domain/publicity.h"
#include "core/banned.h"

static const char *const status_names[DT_CASE_NSTATUS] = {
	[DT_CASE_DRAFT] = "draft",
	[DT_CASE_SUBMITTED] = "submitted",
	[DT_CASE_RECOMMENDED] = "recommended",
	[DT_CASE_APPROVED] = "approved",
	[DT_CASE_PUBLISHED] = "published",
	[DT_CASE_WITHDRAWN] = "withdrawn",
};

static const char *const step_names[DT_CS_NSTEP] = {
	[DT_CS_EDIT] = "edit",           [DT_CS_SUBMIT] = "submit",
	[DT_CS_RECOMMEND] = "recommend", [DT_CS_APPROVE] = "approve",
	[DT_CS_PUBLISH] = "publish",     [DT_CS_FEATURE] = "feature",
	[DT_CS_UNFEATURE] = "unfeature", [DT_CS_SEND_BACK] = "send_back",
	[DT_CS_WITHDRAW] = "withdraw",   [DT_CS_COMMENT] = "comment",
};

static const char *const role_names[DT_PR_NROLE] = {
	[DT_PR_ADMIN] = "admin",       [DT_PR_NATIONAL] = "national",
	[DT_PR_PROVINCE] = "province", [DT_PR_CITY] = "city",
	[DT_PR_SCHOOL] = "school",     [DT_PR_ENTERPRISE] = "enterprise",
	[DT_PR_TRAINEE] = "trainee",   [DT_PR_INSPECTOR] = "inspector",
};

static const char *const kind_names[DT_ITEM_NKIND] = {
	[DT_ITEM_NEWS] = "news",
	[DT_ITEM_NOTICE] = "notice",
	[DT_ITEM_POLICY] = "policy",
};

/*
 * The rule by role: one bit per step.  Authors are the organisation roles
 * and the city (a city writes its own cases too); the city recommends, the
 * province approves and publishes, the nation publishes, features and
 * withdraws.  Everyone who takes part may comment.
 */
#define B(x) (1u << (x))
#define AUTHOR (B(DT_CS_EDIT) | B(DT_CS_SUBMIT) | B(DT_CS_WITHDRAW) | B(DT_CS_COMMENT))
static const unsigned may_table[DT_PR_NROLE] = {
	[DT_PR_ADMIN] = 0,
	[DT_PR_NATIONAL] = B(DT_CS_PUBLISH) | B(DT_CS_FEATURE) | B(DT_CS_UNFEATURE) |
			   B(DT_CS_WITHDRAW) | B(DT_CS_COMMENT),
	[DT_PR_PROVINCE] = B(DT_CS_APPROVE) | B(DT_CS_PUBLISH) | B(DT_CS_SEND_BACK) |
			   B(DT_CS_WITHDRAW) | B(DT_CS_COMMENT),
	[DT_PR_CITY] = AUTHOR | B(DT_CS_RECOMMEND) | B(DT_CS_SEND_BACK),
	[DT_PR_SCHOOL] = AUTHOR,
	[DT_PR_ENTERPRISE] = AUTHOR,
	[DT_PR_TRAINEE] = 0,
	[DT_PR_INSPECTOR] = 0,
};

const char *dt_case_status_name(enum dt_case_status s)
{
	return (unsigned)s < DT_CASE_NSTATUS ? status_names[s] : NULL;
}

enum dt_err dt_case_status_parse(const char *s, enum dt_case_status *out)
{
	int i = dt_name_index(status_names, DT_CASE_NSTATUS, s);
	if (i < 0)
		return DT_EINVAL;
	*out = (enum dt_case_status)i;
	return DT_OK;
}

const char *dt_case_step_name(enum dt_case_step st)
{
	return (unsigned)st < DT_CS_NSTEP ? step_names[st] : NULL;
}

enum dt_err dt_case_step_parse(const char *s, enum dt_case_step *out)
{
	int i = dt_name_index(step_names, DT_CS_NSTEP, s);
	if (i < 0 && s && !strcmp(s, "send-back"))
		i = DT_CS_SEND_BACK;
	if (i < 0)
		return DT_EINVAL;
	*out = (enum dt_case_step)i;
	return DT_OK;
}

enum dt_pub_role dt_pub_role_of(const char *role)
{
	int i = dt_name_index(role_names, DT_PR_NROLE, role);
	return i < 0 ? DT_PR_NROLE : (enum dt_pub_role)i;
}

const char *dt_pub_role_name(enum dt_pub_role r)
{
	return (unsigned)r < DT_PR_NROLE ? role_names[r] : NULL;
}

const char *dt_item_kind_name(enum dt_item_kind k)
{
	return (unsigned)k < DT_ITEM_NKIND ? kind_names[k] : NULL;
}

enum dt_err dt_item_kind_parse(const char *s, enum dt_item_kind *out)
{
	int i = dt_name_index(kind_names, DT_ITEM_NKIND, s);
	if (i < 0)
		return DT_EINVAL;
	*out = (enum dt_item_kind)i;
	return DT_OK;
}

bool dt_case_may(enum dt_pub_role role, bool in_scope, enum dt_case_step step)
{
	if (!in_scope || (unsigned)role >= DT_PR_NROLE || (unsigned)step >= DT_CS_NSTEP)
		return false;
	return (may_table[role] & B(step)) != 0;
}

/* Where @step leads from @from, by state alone; false when it does not apply. */
static bool transition(enum dt_case_status from, enum dt_case_step step, enum dt_pub_role role,
		       enum dt_case_status *to)
{
	*to = from;
	switch (step) {
	case DT_CS_EDIT:
		*to = DT_CASE_DRAFT;
		return from == DT_CASE_DRAFT || from == DT_CASE_WITHDRAWN;
	case DT_CS_SUBMIT: *to = DT_CASE_SUBMITTED; return from == DT_CASE_DRAFT;
	case DT_CS_RECOMMEND: *to = DT_CASE_RECOMMENDED; return from == DT_CASE_SUBMITTED;
	case DT_CS_APPROVE: *to = DT_CASE_APPROVED; return from == DT_CASE_RECOMMENDED;
	case DT_CS_PUBLISH: *to = DT_CASE_PUBLISHED; return from == DT_CASE_APPROVED;
	case DT_CS_FEATURE:
	case DT_CS_UNFEATURE: return from == DT_CASE_PUBLISHED;
	case DT_CS_SEND_BACK:
		/* the reviewer whose step is next sends it back */
		*to = DT_CASE_DRAFT;
		if (role == DT_PR_CITY)
			return from == DT_CASE_SUBMITTED;
		return from == DT_CASE_RECOMMENDED || from == DT_CASE_APPROVED;
	case DT_CS_WITHDRAW:
		*to = DT_CASE_WITHDRAWN;
		return from == DT_CASE_SUBMITTED || from == DT_CASE_RECOMMENDED ||
		       from == DT_CASE_APPROVED || from == DT_CASE_PUBLISHED;
	case DT_CS_COMMENT: return true;
	default: return false;
	}
}

enum dt_err dt_case_apply(enum dt_case_status from, enum dt_case_step step, enum dt_pub_role role,
			  bool in_scope, enum dt_case_status *to, struct dt_problems *ps)
{
	if ((unsigned)from >= DT_CASE_NSTATUS)
		return dt_problem_add(ps, NULL, "publicity.unknown", "value", DT_I(from), NULL);
	if ((unsigned)step >= DT_CS_NSTEP)
		return dt_problem_add(ps, NULL, "publicity.unknown", "value", DT_I(step), NULL);
	if (!dt_case_may(role, in_scope, step))
		return dt_problem_add(ps, NULL, "publicity.not_allowed", "step",
				      dt_case_step_name(step), NULL);
	enum dt_case_status next;
	if (!transition(from, step, role, &next))
		return dt_problem_add(ps, NULL, "publicity.transition", "step",
				      dt_case_step_name(step), "status", dt_case_status_name(from),
				      NULL);
	*to = next;
	return DT_OK;
}

bool dt_item_may(enum dt_pub_role role, bool in_scope)
{
	return in_scope && (role == DT_PR_NATIONAL || role == DT_PR_PROVINCE || role == DT_PR_CITY);
}

enum dt_err dt_pub_text_check(struct dt_problems *ps, const char *field, const char *text,
			      size_t max)
{
	if (!text)
		return dt_problem_add(ps, field, "field.required", NULL);
	size_t len = strlen(text);
	if (!dt_utf8_valid(text, len, NULL))
		return dt_problem_add(ps, field, "text.utf8", NULL);
	size_t cps = 0;
	bool blank = true;
	for (size_t i = 0; i < len; i++) {
		cps += ((unsigned char)text[i] & 0xC0) != 0x80;
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
			blank = false;
	}
	if (blank)
		return dt_problem_add(ps, field, "text.empty", NULL);
	if (cps > max)
		return dt_problem_add(ps, field, "text.too_long", "length", DT_I(cps), "max",
				      DT_I(max), NULL);
	return DT_OK;
}
