/*
 * demo_supervision.h - the demo pilot's supervision: inspector accounts and
 * inspection plans committed, drawn and revealed.
 */
#ifndef DT_DEMO_SUPERVISION_H
#define DT_DEMO_SUPERVISION_H

#include "core/strbuf.h"
#include "store/store.h"

/**
 * Add the demo's further inspector accounts (password DT_DEMO_PASSWORD) and
 * its inspection plans (Liaoning province, Shenyang city, Jilin province),
 * each committed, drawn and revealed so that `dualtrack inspection verify
 * PLAN` succeeds on every one.  *@plans: how many.  Run after
 * dt_demo_accounts() (the pools hold its inspector) with the key file open.
 */
enum dt_err dt_demo_supervision(struct dt_store *s, const struct dt_actor *a, int *plans,
				struct dt_strbuf *err);

#endif
