/*
 * mentor.h - the rules of mentors (双导师) as people: a mentor of kind
 * company belongs to an enterprise and one of kind school to a school; a
 * contract names a company mentor of its enterprise and a school mentor of
 * its school; an entry of the record book is signed off by the mentor the
 * contract names for its site, or by the organisation of that site as a
 * delegate (recorded as such).  Pure: the store passes in the facts.
 */
#ifndef DT_MENTOR_H
#define DT_MENTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct dt_problems;

/**
 * A mentor of @kind ("company" or "school") belongs to an organisation of
 * the matching kind (@org_kind "enterprise" or "school"):
 * "mentor.org_kind" {kind, org_kind} on field organization_id otherwise.
 */
enum dt_err dt_mentor_org_check(struct dt_problems *ps, const char *kind, const char *org_kind);

/** What a contract's mentor field (@field) refers to. */
struct dt_mentor_ref {
	int64_t id;       /* the mentor */
	int64_t org_id;   /* the mentor's organisation */
	const char *kind; /* the mentor's kind */
};

/**
 * The mentor @m named in contract field @field must be of @want_kind
 * ("company" for company_mentor_id, "school" for school_mentor_id) and
 * belong to the contract's party @party_id (its enterprise or school):
 * "mentor.wrong_kind" {id, kind} or "mentor.wrong_org" {id, org}.
 */
enum dt_err dt_mentor_contract_check(struct dt_problems *ps, const char *field,
				     const struct dt_mentor_ref *m, const char *want_kind,
				     int64_t party_id);

/** Who asks to sign off. */
enum dt_signer_kind {
	DT_SIGNER_ANY,        /* unrestricted (an administrator, the command line): a delegate */
	DT_SIGNER_ENTERPRISE, /* an enterprise's account */
	DT_SIGNER_SCHOOL,     /* a school's account */
	DT_SIGNER_NONE,       /* anybody else: never */
};

struct dt_signer {
	enum dt_signer_kind kind;
	int64_t mentor_id; /* the account's own mentor (0: the organisation's shared account) */
};

/** The facts of one entry to sign off. */
struct dt_signoff_facts {
	int64_t entry_id;
	const char *site;          /* "company" or "school" */
	int64_t company_mentor_id; /* the contract's (0: none named) */
	int64_t school_mentor_id;
	const char *signed_by; /* non-NULL when already signed off */
};

/**
 * May @who sign off entry @f?  A mentor's own account signs the entries of
 * the contracts that name it for the entry's site (*@delegate false); an
 * organisation's shared account signs its site's entries as a delegate
 * (*@delegate true), as does an unrestricted caller.  Refusals, on field
 * "ids" and naming the entry: "signoff.already_signed" {id, by},
 * "signoff.wrong_site" {id, site}, "signoff.not_named" {id}.
 */
enum dt_err dt_signoff_decide(struct dt_problems *ps, const struct dt_signer *who,
			      const struct dt_signoff_facts *f, bool *delegate);

/**
 * Does entry @f wait for @who (unsigned, of its site, and, for a mentor's
 * account, of a contract that names it)?
 */
bool dt_signoff_waits_for(const struct dt_signer *who, const struct dt_signoff_facts *f);

#endif
