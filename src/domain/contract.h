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
#include <stdint.h>

#include "core/date.h"
#include "domain/problem.h"

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
 * A refused transition records its reason in @ps (may be NULL) and returns
 * DT_ECONFLICT: "contract.final" {status}, "contract.approvals_missing"
 * {parties} ("school|trainee"), "contract.already_approved" {party}, or one
 * of contract.not_submitted, .submit_first, .not_active,
 * .already_submitted, .in_force, .already_in_force with {event, status}.
 * An out-of-range @from, @ev or (approve) @party is DT_EINVAL
 * (contract.unknown_status, .unknown_event, .unknown_party {value}).
 */
enum dt_err dt_contract_apply(enum dt_contract_status from, enum dt_contract_event ev,
			      enum dt_party party, struct dt_approvals *ap,
			      enum dt_contract_status *to, struct dt_problems *ps);
/** True for completed, dissolved and transferred. */
bool dt_contract_final(enum dt_contract_status s);

/* ---- rules across the contract's fields and records ---- */

/**
 * A new contract of trainee @trainee_id: refused while the trainee has
 * another open (draft, pending or active) contract, @open_id (0: none):
 * "contract.open_exists" {trainee} on "trainee_id".
 */
enum dt_err dt_contract_open_check(struct dt_problems *ps, int64_t trainee_id, int64_t open_id);

/**
 * Activating contract @id while its trainee has active contract @other_id
 * (0: none): "contract.active_exists" {other}.
 */
enum dt_err dt_contract_active_check(struct dt_problems *ps, int64_t other_id);

/**
 * Programme @programme_id is run by school @programme_school; the contract
 * names school @school_id: "contract.programme_school" {programme, school}
 * on "programme_id" when they differ.
 */
enum dt_err dt_contract_programme_check(struct dt_problems *ps, int64_t programme_id,
					int64_t programme_school, int64_t school_id);

/** The term: @end after @start ("date.not_after" on "end_date"). */
enum dt_err dt_contract_term_check(struct dt_problems *ps, struct dt_date start,
				   struct dt_date end);

/** What the store knows of a contract when it ends. */
struct dt_contract_facts {
	struct dt_date start, end; /* the term */
	int probation_months;
	bool final_passed; /* a final assessment was passed */
};

/**
 * The date @date (field "date") of ending event @ev (complete, dissolve,
 * transfer) of contract @c as of @today: not in the future
 * ("date.future"), not before the start ("date.order"), not after the end
 * unless completing ("contract.after_end" {value, end}: completion may come
 * late, after a delayed final assessment).  Completing before the end date
 * requires a passed final assessment ("contract.complete_early" {value,
 * end}): a contract is complete when its trainee has passed the final
 * assessment, or when its term has run out (docs/API.md, "Contracts").
 */
enum dt_err dt_contract_end_check(struct dt_problems *ps, enum dt_contract_event ev,
				  struct dt_date date, const struct dt_contract_facts *c,
				  struct dt_date today);

/** Is a contract of @c that ends on @date still in probation? */
bool dt_contract_in_probation(const struct dt_contract_facts *c, struct dt_date date);

/** A contract in status @status may be deleted only as a draft: "contract.draft_only" {status}. */
enum dt_err dt_contract_delete_check(struct dt_problems *ps, const char *status);

/**
 * A transfer moves the training to another enterprise or school: with
 * neither changed, "contract.transfer_same" on "enterprise_id".
 */
enum dt_err dt_contract_transfer_check(struct dt_problems *ps, bool enterprise_changed,
				       bool school_changed);

#endif
