/*
 * demo_supervision.h - the demo pilot's supervision: inspector accounts and
 * inspection plans committed, drawn and revealed.
 */
#ifndef DT_DEMO_SUPERVISION_H
#define DT_DEMO_SUPERVISION_H

#include <stdbool.h>

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

/** A small 48 x 36 RGB PNG "site photo" (@k varies it) into @out; false when out of memory. */
bool dt_demo_png(unsigned k, struct dt_strbuf *out);
/** A one-page PDF 1.4 with the ASCII text @line into @out. */
void dt_demo_pdf(const char *line, struct dt_strbuf *out);

/** What dt_demo_publicity made. */
struct dt_demo_pub_stats {
	int published, in_review, featured, news, policies;
};

/**
 * A year of publicity (issue 15): good-practice cases of several pilot
 * cities published over the past year (two featured by the nation, their
 * indicators frozen), others at every step of review in Shenyang, Dalian
 * and Changchun (draft, submitted, recommended, approved, sent back,
 * withdrawn), and news, notices and policy documents (with PDF files) of the
 * nation, Liaoning and its cities, a few still drafts.  Run after
 * dt_demo_accounts() (its school and company write Shenyang's cases).
 */
enum dt_err dt_demo_publicity(struct dt_store *s, const struct dt_actor *a,
			      struct dt_demo_pub_stats *stats, struct dt_strbuf *err);

#endif
