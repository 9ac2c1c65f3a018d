/*
 * account_internal.h - what store/account.c shares with store/account_mgmt.c:
 * inserting an account with its profile, and a role's scope parsed as
 * `user add --scope` takes it.
 */
#ifndef DT_ACCOUNT_INTERNAL_H
#define DT_ACCOUNT_INTERNAL_H

#include <jansson.h>

#include "store/store.h"

struct dt_db_stmt;

/** An account's profile row (account_profile, migration 012); strings may be NULL. */
struct dt_account_profile {
	const char *display_name, *email, *phone;
	bool must_change, org_admin;
	const char *activation_hash;    /* hex BLAKE2b of a one-time code */
	const char *activation_expires; /* ISO time */
};

/**
 * Insert account @login of @role and scope @sc with password hash @hash and
 * profile @pr (NULL: the command line's: an organisation's account is its
 * administrator), audited as account.create, inside the caller's
 * transaction.  A taken login is the problem account.login_taken.
 */
/**
 * Revoke every live credential of account @account_id (only its sessions
 * when @sessions_only) but credential @keep (0: none), and tell every server
 * to empty its credential cache when this commits.
 */
enum dt_err dt_account_revoke(struct dt_store *s, int64_t account_id, bool sessions_only,
			      int64_t keep, struct dt_strbuf *err);
enum dt_err dt_account_insert(struct dt_store *s, const struct dt_actor *a, const char *login,
			      const char *role, const struct dt_scope *sc, const char *hash,
			      const struct dt_account_profile *pr, int64_t *id,
			      struct dt_strbuf *err);
/** Set @pr's fields (never the activation hash) on account JSON @o. */
void dt_account_profile_json(json_t *o, const struct dt_account_profile *pr);
/** Is @role one of the roles an account may have (NULL: no)? */
bool dt_account_role_known(const char *role);
/** The kind of organisation a @role account belongs to ("assessment_body" for assessor); NULL: none. */
const char *dt_account_role_org_kind(const char *role);
/** Resolve @role's @scope ("user add --scope") into @sc; DT_EINVAL in English in @err. */
enum dt_err dt_account_parse_scope(struct dt_store *s, const char *role, const char *scope,
				   struct dt_scope *sc, struct dt_strbuf *err);
/** Read the ACCOUNT_COLS of account.c (9 columns from 0) of @st into @out. */
void dt_store_account_from_row(struct dt_db_stmt *st, struct dt_account *out);

#endif
