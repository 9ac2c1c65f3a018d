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

#include <string.h>

#include "domain/contract.h"
#include "core/banned.h"

static const char *const status_names[DT_CONTRACT_NSTATUS] = {
	[DT_CONTRACT_DRAFT] = "draft",
	[DT_CONTRACT_PENDING] = "pending",
	[DT_CONTRACT_ACTIVE] = "active",
	[DT_CONTRACT_COMPLETED] = "completed",
	[DT_CONTRACT_DISSOLVED] = "dissolved",
	[DT_CONTRACT_TRANSFERRED] = "transferred",
};

static const char *const event_names[DT_CEV_NEVENT] = {
	[DT_CEV_EDIT] = "edit",
	[DT_CEV_SUBMIT] = "submit",
	[DT_CEV_WITHDRAW] = "withdraw",
	[DT_CEV_APPROVE] = "approve",
	[DT_CEV_ACTIVATE] = "activate",
	[DT_CEV_COMPLETE] = "complete",
	[DT_CEV_DISSOLVE] = "dissolve",
	[DT_CEV_TRANSFER] = "transfer",
};

static const char *const party_names[DT_PARTY_N] = {
	[DT_PARTY_ENTERPRISE] = "enterprise",
	[DT_PARTY_SCHOOL] = "school",
	[DT_PARTY_TRAINEE] = "trainee",
};

/* Index of @s in @names[0..n), or -1. */
static int name_index(const char *const *names, int n, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

const char *dt_contract_status_name(enum dt_contract_status s)
{
	return (unsigned)s < DT_CONTRACT_NSTATUS ? status_names[s] : NULL;
}

/* *@out is written only on success. */
enum dt_err dt_contract_status_parse(const char *s, enum dt_contract_status *out)
{
	int i = name_index(status_names, DT_CONTRACT_NSTATUS, s);
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
	int i = name_index(event_names, DT_CEV_NEVENT, s);
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
	int i = name_index(party_names, DT_PARTY_N, s);
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

/* "cannot approve a draft contract: <why>" */
static enum dt_err refuse(struct dt_strbuf *err, enum dt_contract_event ev,
		  enum dt_contract_status from, const char *why)
{
	const char *st = status_names[from];
	const char *article = st[0] == 'a' ? "an" : "a";
	return dt_error(err, DT_ECONFLICT, "cannot %s %s %s contract: %s", event_names[ev],
			article, st, why);
}

/* "the school has not approved", "the enterprise and the trainee have not approved" */
static enum dt_err refuse_activation(struct dt_strbuf *err, const struct dt_approvals *ap)
{
	const char *missing[DT_PARTY_N];
	int n = 0;
	for (int p = 0; p < DT_PARTY_N; p++)
		if (!ap->by[p])
			missing[n++] = party_names[p];
	switch (n) {
	case 1:
		return dt_error(err, DT_ECONFLICT,
				"cannot activate a pending contract: the %s has not approved",
				missing[0]);
	case 2:
		return dt_error(err, DT_ECONFLICT,
				"cannot activate a pending contract: the %s and the %s have not approved",
				missing[0], missing[1]);
	default:
		return dt_error(err, DT_ECONFLICT,
				"cannot activate a pending contract: the %s, the %s and the %s have not approved",
				missing[0], missing[1], missing[2]);
	}
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
enum dt_err dt_contract_apply(enum dt_contract_status from, enum dt_contract_event ev, enum dt_party party,
		      struct dt_approvals *ap, enum dt_contract_status *to, struct dt_strbuf *err)
{
	if ((unsigned)from >= DT_CONTRACT_NSTATUS)
		return dt_error(err, DT_EINVAL, "contract: unknown status %d", (int)from);
	if ((unsigned)ev >= DT_CEV_NEVENT)
		return dt_error(err, DT_EINVAL, "contract: unknown event %d", (int)ev);
	if (!ap || !to)
		return dt_error(err, DT_EINVAL, "contract: no approvals or result given");

	if (dt_contract_final(from))
		return dt_error(err, DT_ECONFLICT, "contract is %s: no further changes",
				status_names[from]);

	switch (from) {
	case DT_CONTRACT_DRAFT:
		switch (ev) {
		case DT_CEV_EDIT:
		case DT_CEV_SUBMIT:
			clear_approvals(ap);
			*to = ev == DT_CEV_EDIT ? DT_CONTRACT_DRAFT : DT_CONTRACT_PENDING;
			return DT_OK;
		case DT_CEV_WITHDRAW:
			return refuse(err, ev, from, "it has not been submitted");
		case DT_CEV_APPROVE:
		case DT_CEV_ACTIVATE:
			return refuse(err, ev, from, "submit it for approval first");
		default:
			return refuse(err, ev, from, "it is not active");
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
		case DT_CEV_SUBMIT:
			return refuse(err, ev, from, "it has already been submitted");
		case DT_CEV_APPROVE:
			if ((unsigned)party >= DT_PARTY_N)
				return dt_error(err, DT_EINVAL, "contract: unknown party %d",
						(int)party);
			if (ap->by[party])
				return dt_error(err, DT_ECONFLICT,
						"the %s has already approved this contract",
						party_names[party]);
			ap->by[party] = true;
			*to = DT_CONTRACT_PENDING;
			return DT_OK;
		case DT_CEV_ACTIVATE:
			for (int p = 0; p < DT_PARTY_N; p++)
				if (!ap->by[p])
					return refuse_activation(err, ap);
			*to = DT_CONTRACT_ACTIVE;
			return DT_OK;
		default:
			return refuse(err, ev, from, "it is not active");
		}

	case DT_CONTRACT_ACTIVE:
		switch (ev) {
		case DT_CEV_COMPLETE:
			*to = DT_CONTRACT_COMPLETED;
			return DT_OK;
		case DT_CEV_DISSOLVE:
			*to = DT_CONTRACT_DISSOLVED;
			return DT_OK;
		case DT_CEV_TRANSFER:
			*to = DT_CONTRACT_TRANSFERRED;
			return DT_OK;
		case DT_CEV_EDIT:
			return refuse(err, ev, from,
				      "it is in force; transfer or dissolve it instead");
		default:
			return refuse(err, ev, from, "it is already in force");
		}

	default:
		break;
	}
	return dt_error(err, DT_EINTERNAL, "contract: unhandled status %d", (int)from);
}
