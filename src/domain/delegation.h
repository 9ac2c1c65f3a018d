/*
 * delegation.h - who manages whose account: the one rule of account
 * management, delegated down the tree.
 *
 * An administrator manages every account but its own.  A province or city
 * official manages the government accounts (province, city, inspector)
 * whose region lies within its own, and the accounts of schools,
 * enterprises and assessment bodies (assessor) located there.  An
 * organisation's administrator (a school, enterprise or assessment body
 * account with the org_admin flag) manages the other accounts
 * of its organisation that are not administrators.  A school's account
 * manages the accounts of its trainees.  Nobody manages an admin or a
 * national account but an admin, and nobody manages his own account here
 * (that is the session's business).  The rule knows no SQL: the store
 * resolves each account into a struct dt_delegate first.
 */
#ifndef DT_DELEGATION_H
#define DT_DELEGATION_H

#include <stdbool.h>
#include <stdint.h>

/** An account as the rule sees it. */
struct dt_delegate {
	int64_t id;         /* the account's id (0: one being made) */
	const char *role;   /* admin national province city inspector school enterprise
			       assessor trainee */
	int region;         /* its scope region; an organisation's or trainee's region; 0: none */
	int64_t org_id;     /* school/enterprise/assessor: its organisation; trainee: its
			       school; 0: none */
	int64_t trainee_id; /* trainee: the trainee */
	bool org_admin;     /* an organisation's account: its administrator */
};

/** May @mgr manage (see, change, disable, reset) account @target? */
bool dt_delegation_may_manage(const struct dt_delegate *mgr, const struct dt_delegate *target);
/** May @mgr manage any account at all (is there an account screen for it)? */
bool dt_delegation_delegates(const struct dt_delegate *mgr);
/** May @mgr make bulk trainee accounts (a school's account)? */
bool dt_delegation_bulk_trainees(const struct dt_delegate *mgr);

#endif
