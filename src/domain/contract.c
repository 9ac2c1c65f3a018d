/*
 * contract.c - the state machine of the three-party training contract.
 *
 *   draft   --edit-->     draft
 *   draft   --submit-->   pending   (approvals cleared)
 *   pending --edit-->     pending   (approvals cleared: they were for the old text)
 *   pending --withdraw--> draft     (approvals cleared)
 *   pending --approve-->  pending   (records one party; twice is a conflict)
 *   pending --activate--> active    (only with all three approvals)
 *   active  --complete--> completed
 *   active  --dissolve--> dissolved
 *   active  --transfer--> transferred
 * Completed, dissolved and transferred are final.  Every other pair is
 * refused with DT_ECONFLICT and changes nothing.  The details of each
 * change (the dissolution reason, the successor contract) belong to the
 * caller; this file only says whether the change may happen.
 */
#include "core/common.h"

#include <stdio.h>
#include <string.h>

#include "domain/contract.h"
#include "domain/period.h"
#include "domain/problem.h"
#include "core/banned.h"

static const char *const status_names[DT_CONTRACT_NSTATUS] = {
	[DT_CONTRACT_DRAFT] = "draft",         [DT_CONTRACT_PENDING] = "pending",
	[DT_CONTRACT_ACTIVE] = "active",       [DT_CONTRACT_COMPLETED] = "completed",
	[DT_CONTRACT_DISSOLVED] = "dissolved", [DT_CONTRACT_TRANSFERRED] = "transferred",
};

static const char *const event_names[DT_CEV_NEVENT] = {
	[DT_CEV_EDIT] = "edit",         [DT_CEV_SUBMIT] = "submit",
	[DT_CEV_WITHDRAW] = "withdraw", [DT_CEV_APPROVE] = "approve",
	[DT_CEV_ACTIVATE] = "activate", [DT_CEV_COMPLETE] = "complete",
	[DT_CEV_DISSOLVE] = "dissolve", [DT_CEV_TRANSFER] = "transfer",
};

static const char *const party_names[DT_PARTY_N] = {
	[DT_PARTY_ENTERPRISE] = "enterprise",
	[DT_PARTY_SCHOOL] = "school",
	[DT_PARTY_TRAINEE] = "trainee",
};

const char *dt_contract_status_name(enum dt_contract_status s)
{
	return (unsigned)s < DT_CONTRACT_NSTATUS ? status_names[s] : NULL;
}

/* *@out is written only on success. */
enum dt_err dt_contract_status_parse(const char *s, enum dt_contract_status *out)
{
	int i = dt_name_index(status_names, DT_CONTRACT_NSTATUS, s);
	if (i < 0)
		return DT_EINVAL;
	if (out)
		*out = (enum dt_contract_status)i;
	return DT_OK;
}

const char *dt_contract_event_name(enum dt_contract_event e)
{
	return (unsigned)e < DT_CEV_NEVENT ? event_names[e] : NULL;
}

/* *@out is written only on success. */
enum dt_err dt_contract_event_parse(const char *s, enum dt_contract_event *out)
{
	int i = dt_name_index(event_names, DT_CEV_NEVENT, s);
	if (i < 0)
		return DT_EINVAL;
	if (out)
		*out = (enum dt_contract_event)i;
	return DT_OK;
}

const char *dt_party_name(enum dt_party p)
{
	return (unsigned)p < DT_PARTY_N ? party_names[p] : NULL;
}

/* *@out is written only on success. */
enum dt_err dt_party_parse(const char *s, enum dt_party *out)
{
	int i = dt_name_index(party_names, DT_PARTY_N, s);
	if (i < 0)
		return DT_EINVAL;
	if (out)
		*out = (enum dt_party)i;
	return DT_OK;
}

bool dt_contract_final(enum dt_contract_status s)
{
	return s == DT_CONTRACT_COMPLETED || s == DT_CONTRACT_DISSOLVED ||
	       s == DT_CONTRACT_TRANSFERRED;
}

/* A refused change: @code names why, with the event and the state. */
static enum dt_err refuse(struct dt_problems *ps, const char *code, enum dt_contract_event ev,
			  enum dt_contract_status from)
{
	return dt_problem_add(ps, NULL, code, "event", event_names[ev], "status",
			      status_names[from], NULL);
}

/* contract.approvals_missing with the parties that have not approved ("school|trainee"). */
static enum dt_err refuse_activation(struct dt_problems *ps, const struct dt_approvals *ap)
{
	char list[64] = "";
	size_t n = 0;
	for (int p = 0; p < DT_PARTY_N; p++)
		if (!ap->by[p])
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", n ? "|" : "",
					      party_names[p]);
	return dt_problem_add(ps, NULL, "contract.approvals_missing", "parties", list, NULL);
}

static void clear_approvals(struct dt_approvals *ap)
{
	for (int p = 0; p < DT_PARTY_N; p++)
		ap->by[p] = false;
}

/*
 * @ap and @to must not be NULL; an out-of-range @from, @ev or (for approve)
 * @party is DT_EINVAL.  On any refusal neither *@ap nor *@to changes.
 */
enum dt_err dt_contract_apply(enum dt_contract_status from, enum dt_contract_event ev,
			      enum dt_party party, struct dt_approvals *ap,
			      enum dt_contract_status *to, struct dt_problems *ps)
{
	if ((unsigned)from >= DT_CONTRACT_NSTATUS)
		return dt_problem_add(ps, "status", "contract.unknown_status", "value", DT_I(from),
				      NULL);
	if ((unsigned)ev >= DT_CEV_NEVENT)
		return dt_problem_add(ps, NULL, "contract.unknown_event", "value", DT_I(ev), NULL);
	if (!ap || !to)
		return DT_EINTERNAL;

	if (dt_contract_final(from))
		return dt_problem_add(ps, NULL, "contract.final", "status", status_names[from],
				      NULL);

	switch (from) {
	case DT_CONTRACT_DRAFT:
		switch (ev) {
		case DT_CEV_EDIT:
		case DT_CEV_SUBMIT:
			clear_approvals(ap);
			*to = ev == DT_CEV_EDIT ? DT_CONTRACT_DRAFT : DT_CONTRACT_PENDING;
			return DT_OK;
		case DT_CEV_WITHDRAW: return refuse(ps, "contract.not_submitted", ev, from);
		case DT_CEV_APPROVE:
		case DT_CEV_ACTIVATE: return refuse(ps, "contract.submit_first", ev, from);
		default: return refuse(ps, "contract.not_active", ev, from);
		}

	case DT_CONTRACT_PENDING:
		switch (ev) {
		case DT_CEV_EDIT:
			clear_approvals(ap);
			*to = DT_CONTRACT_PENDING;
			return DT_OK;
		case DT_CEV_WITHDRAW:
			clear_approvals(ap);
			*to = DT_CONTRACT_DRAFT;
			return DT_OK;
		case DT_CEV_SUBMIT: return refuse(ps, "contract.already_submitted", ev, from);
		case DT_CEV_APPROVE:
			if ((unsigned)party >= DT_PARTY_N)
				return dt_problem_add(ps, "party", "contract.unknown_party",
						      "value", DT_I(party), NULL);
			if (ap->by[party])
				return dt_problem_add(ps, NULL, "contract.already_approved",
						      "party", party_names[party], NULL);
			ap->by[party] = true;
			*to = DT_CONTRACT_PENDING;
			return DT_OK;
		case DT_CEV_ACTIVATE:
			for (int p = 0; p < DT_PARTY_N; p++)
				if (!ap->by[p])
					return refuse_activation(ps, ap);
			*to = DT_CONTRACT_ACTIVE;
			return DT_OK;
		default: return refuse(ps, "contract.not_active", ev, from);
		}

	case DT_CONTRACT_ACTIVE:
		switch (ev) {
		case DT_CEV_COMPLETE: *to = DT_CONTRACT_COMPLETED; return DT_OK;
		case DT_CEV_DISSOLVE: *to = DT_CONTRACT_DISSOLVED; return DT_OK;
		case DT_CEV_TRANSFER: *to = DT_CONTRACT_TRANSFERRED; return DT_OK;
		case DT_CEV_EDIT: return refuse(ps, "contract.in_force", ev, from);
		default: return refuse(ps, "contract.already_in_force", ev, from);
		}

	default: break;
	}
	return DT_EINTERNAL;
}

/* ---- rules across the contract's fields and records ---- */

enum dt_err dt_contract_open_check(struct dt_problems *ps, int64_t trainee_id, int64_t open_id)
{
	if (!open_id)
		return DT_OK;
	return dt_problem_add(ps, "trainee_id", "contract.open_exists", "trainee", DT_I(trainee_id),
			      NULL);
}

enum dt_err dt_contract_active_check(struct dt_problems *ps, int64_t other_id)
{
	if (!other_id)
		return DT_OK;
	return dt_problem_add(ps, NULL, "contract.active_exists", "other", DT_I(other_id), NULL);
}

enum dt_err dt_contract_programme_check(struct dt_problems *ps, int64_t programme_id,
					int64_t programme_school, int64_t school_id)
{
	if (programme_school == school_id)
		return DT_OK;
	return dt_problem_add(ps, "programme_id", "contract.programme_school", "programme",
			      DT_I(programme_id), "school", DT_I(programme_school), NULL);
}

enum dt_err dt_contract_term_check(struct dt_problems *ps, struct dt_date start, struct dt_date end)
{
	return dt_period_order(ps, "start_date", start, "end_date", end, true);
}

enum dt_err dt_contract_end_check(struct dt_problems *ps, enum dt_contract_event ev,
				  struct dt_date date, const struct dt_contract_facts *c,
				  struct dt_date today)
{
	enum dt_err rc = dt_period_not_future(ps, "date", date, today);
	if (rc == DT_OK)
		rc = dt_period_order(ps, "start_date", c->start, "date", date, false);
	if (rc != DT_OK)
		return rc;
	char v[DT_DATE_STRLEN], end[DT_DATE_STRLEN];
	dt_date_format(date, v);
	dt_date_format(c->end, end);
	int vs_end = dt_date_cmp(date, c->end);
	if (ev != DT_CEV_COMPLETE && vs_end > 0)
		return dt_problem_add(ps, "date", "contract.after_end", "value", v, "end", end,
				      NULL);
	if (ev == DT_CEV_COMPLETE && vs_end < 0 && !c->final_passed)
		return dt_problem_add(ps, "date", "contract.complete_early", "value", v, "end", end,
				      NULL);
	return DT_OK;
}

bool dt_contract_in_probation(const struct dt_contract_facts *c, struct dt_date date)
{
	return dt_date_cmp(date, dt_date_add_months(c->start, c->probation_months)) < 0;
}

enum dt_err dt_contract_delete_check(struct dt_problems *ps, const char *status)
{
	if (status && !strcmp(status, "draft"))
		return DT_OK;
	return dt_problem_add(ps, NULL, "contract.draft_only", "status", status, NULL);
}

enum dt_err dt_contract_transfer_check(struct dt_problems *ps, bool enterprise_changed,
				       bool school_changed)
{
	if (enterprise_changed || school_changed)
		return DT_OK;
	return dt_problem_add(ps, "enterprise_id", "contract.transfer_same", NULL);
}
