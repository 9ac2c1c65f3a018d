/*
 * mentor.c - mentors as people: which organisation a mentor belongs to,
 * which mentors a contract may name, and who signs off an entry of the
 * record book (the named mentor, or the organisation of the entry's site as
 * a delegate).  See mentor.h.
 */
#include <string.h>

#include "domain/mentor.h"
#include "domain/problem.h"
#include "core/banned.h"

enum dt_err dt_mentor_org_check(struct dt_problems *ps, const char *kind, const char *org_kind)
{
	if (!kind || !org_kind)
		return DT_OK; /* missing values are the field checks' to report */
	bool ok = (!strcmp(kind, "company") && !strcmp(org_kind, "enterprise")) ||
		  (!strcmp(kind, "school") && !strcmp(org_kind, "school"));
	if (ok)
		return DT_OK;
	return dt_problem_add(ps, "organization_id", "mentor.org_kind", "kind", kind, "expected",
			      strcmp(kind, "company") ? "school" : "enterprise", "org_kind",
			      org_kind, NULL);
}

enum dt_err dt_mentor_contract_check(struct dt_problems *ps, const char *field,
				     const struct dt_mentor_ref *m, const char *want_kind,
				     int64_t party_id)
{
	if (!m->kind || strcmp(m->kind, want_kind))
		return dt_problem_add(ps, field, "mentor.wrong_kind", "id", DT_I(m->id), "kind",
				      want_kind, NULL);
	if (m->org_id != party_id)
		return dt_problem_add(ps, field, "mentor.wrong_org", "id", DT_I(m->id), "org",
				      DT_I(party_id), NULL);
	return DT_OK;
}

/* The site's own signer kind and named mentor of @f; false if the site is unknown. */
static bool site_of(const struct dt_signoff_facts *f, enum dt_signer_kind *kind, int64_t *named)
{
	if (f->site && !strcmp(f->site, "company")) {
		*kind = DT_SIGNER_ENTERPRISE;
		*named = f->company_mentor_id;
		return true;
	}
	if (f->site && !strcmp(f->site, "school")) {
		*kind = DT_SIGNER_SCHOOL;
		*named = f->school_mentor_id;
		return true;
	}
	return false;
}

enum dt_err dt_signoff_decide(struct dt_problems *ps, const struct dt_signer *who,
			      const struct dt_signoff_facts *f, bool *delegate)
{
	enum dt_signer_kind kind;
	int64_t named = 0;
	*delegate = false;
	if (f->signed_by)
		return dt_problem_add(ps, "ids", "signoff.already_signed", "id", DT_I(f->entry_id),
				      "by", f->signed_by, NULL);
	bool known = site_of(f, &kind, &named);
	if (who->kind == DT_SIGNER_ANY) {
		*delegate = true;
		return DT_OK;
	}
	if (!known || who->kind != kind)
		return dt_problem_add(ps, "ids", "signoff.wrong_site", "id", DT_I(f->entry_id),
				      "site", f->site ? f->site : "?", NULL);
	if (!who->mentor_id) {
		*delegate = true; /* the organisation's shared account */
		return DT_OK;
	}
	if (named != who->mentor_id)
		return dt_problem_add(ps, "ids", "signoff.not_named", "id", DT_I(f->entry_id),
				      NULL);
	return DT_OK;
}

bool dt_signoff_waits_for(const struct dt_signer *who, const struct dt_signoff_facts *f)
{
	enum dt_signer_kind kind;
	int64_t named = 0;
	if (f->signed_by || !site_of(f, &kind, &named) || who->kind == DT_SIGNER_NONE)
		return false;
	if (who->kind == DT_SIGNER_ANY)
		return true;
	return who->kind == kind && (!who->mentor_id || named == who->mentor_id);
}
