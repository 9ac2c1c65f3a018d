/*
 * demo_supervision.h - the demo pilot's supervision: inspector accounts and
 * inspection plans committed, drawn and revealed.
 */
#ifndef DT_DEMO_SUPERVISION_H
#define DT_DEMO_SUPERVISION_H

#include "core/strbuf.h"
#include "store/store.h"

/** What dt_demo_supervision made besides its plans. */
struct dt_demo_sup_stats {
	int inspections;  /* conducted */
	int findings;     /* recorded */
	int files;        /* evidence files (PNG photos, PDF reports) */
	int org_accounts; /* organisation accounts that rectify (password DT_DEMO_PASSWORD) */
};

/**
 * Add the demo's further inspector accounts (password DT_DEMO_PASSWORD) and
 * its inspection plans (Liaoning province, Shenyang city, Jilin province),
 * each committed, drawn and revealed so that `dualtrack inspection verify
 * PLAN` succeeds on every one; then a year of work on Liaoning's two:
 * inspections visited over the past months with their checklist results
 * and photos, findings at every status (some overdue, some closed), their
 * rectification submitted with PDF reports, accepted or rejected.  *@plans:
 * how many plans; *@stats (may be NULL) the rest.  Run after
 * dt_demo_accounts() (the pools hold its inspector) with the key file open.
 */
enum dt_err dt_demo_supervision(struct dt_store *s, const struct dt_actor *a, int *plans,
				struct dt_demo_sup_stats *stats, struct dt_strbuf *err);

#endif
