/*
 * contract.h - the three-party training contract's state machine.
 *
 *   draft --submit--> pending --(three approvals) activate--> active
 *   pending --edit--> pending (approvals reset)      pending --withdraw--> draft
 *   active --complete--> completed
 *   active --dissolve--> dissolved (reason; in probation or not)
 *   active --transfer--> transferred (a linked successor contract is made)
 *   draft --edit--> draft
 * Completed, dissolved and transferred are final.
 */
#ifndef DT_CONTRACT_H
#define DT_CONTRACT_H

#include <stdbool.h>

#include "core/strbuf.h"

enum dt_contract_status {
	DT_CONTRACT_DRAFT,
	DT_CONTRACT_PENDING,
	DT_CONTRACT_ACTIVE,
	DT_CONTRACT_COMPLETED,
	DT_CONTRACT_DISSOLVED,
	DT_CONTRACT_TRANSFERRED,
	DT_CONTRACT_NSTATUS
};

enum dt_contract_event {
	DT_CEV_EDIT,
	DT_CEV_SUBMIT,
	DT_CEV_WITHDRAW,
	DT_CEV_APPROVE,
	DT_CEV_ACTIVATE,
	DT_CEV_COMPLETE,
	DT_CEV_DISSOLVE,
	DT_CEV_TRANSFER,
	DT_CEV_NEVENT
};

/** The three parties who approve a contract. */
enum dt_party { DT_PARTY_ENTERPRISE, DT_PARTY_SCHOOL, DT_PARTY_TRAINEE, DT_PARTY_N };

/** Approvals so far (pending only). */
struct dt_approvals {
	bool by[DT_PARTY_N];
};

/** "draft", "pending", ... ; NULL for an out-of-range value. */
const char *dt_contract_status_name(enum dt_contract_status s);
/** Parse a status name; DT_EINVAL for an unknown one. */
enum dt_err dt_contract_status_parse(const char *s, enum dt_contract_status *out);
/** "edit", "submit", ... */
const char *dt_contract_event_name(enum dt_contract_event e);
enum dt_err dt_contract_event_parse(const char *s, enum dt_contract_event *out);
const char *dt_party_name(enum dt_party p);
enum dt_err dt_party_parse(const char *s, enum dt_party *out);

/**
 * Apply @ev to a contract in state @from with approvals @ap.  On success
 * stores the new state in *@to and updates @ap (approve sets one, edit and
 * withdraw clear all).  @party is the approving party for DT_CEV_APPROVE.
 * Refused transitions return DT_ECONFLICT with a reason in @err
 * ("cannot activate a pending contract: the school has not approved").
 */
enum dt_err dt_contract_apply(enum dt_contract_status from, enum dt_contract_event ev, enum dt_party party,
		      struct dt_approvals *ap, enum dt_contract_status *to, struct dt_strbuf *err);
/** True for completed, dissolved and transferred. */
bool dt_contract_final(enum dt_contract_status s);

#endif
