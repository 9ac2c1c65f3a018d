/*
 * demo_accounts.h - one sign-in per role for the demo pilot.
 */
#ifndef DT_DEMO_ACCOUNTS_H
#define DT_DEMO_ACCOUNTS_H

#include "core/strbuf.h"
#include "store/store.h"

/** The password of every demo account (documented in the README). */
#define DT_DEMO_PASSWORD "dualtrack-demo"

/**
 * Create the demo accounts (admin, national, province Liaoning, city
 * Shenyang, inspector Shenyang, and a school, an enterprise and a trainee of
 * an active Shenyang contract).  *@out receives a JSON array of {login,
 * role, scope, note}.  Run after dt_demo_generate().
 */
enum dt_err dt_demo_accounts(struct dt_store *s, const struct dt_actor *a, json_t **out,
			     struct dt_strbuf *err);

#endif
