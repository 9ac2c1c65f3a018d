/*
 * demo.h - the demo pilot and the scale generator.
 *
 * One generator serves both `dualtrack demo` (about 5,000 trainees in the
 * Northeast pilot) and `dualtrack gen --trainees N` (benchmarks).  Output is
 * deterministic for a seed: the same seed and size give the same records.
 * Everything is written through the store's ordinary create and contract
 * functions, so every rule and the audit chain apply.
 */
#ifndef DT_DEMO_H
#define DT_DEMO_H

#include <stdint.h>

#include "core/strbuf.h"
#include "store/store.h"

struct dt_demo_opts {
	uint64_t seed;    /* 0 means the default seed 1 */
	int64_t trainees; /* 0 means the demo size (5,000) */
	/* Called now and then with work done and total (units of the generator's choosing). */
	void (*progress)(void *ctx, int64_t done, int64_t total);
	void *progress_ctx;
};

struct dt_demo_stats {
	int64_t pilots, enterprises, schools, programmes, partnerships, demands, places, trainees,
		contracts, entries, assessments, outcomes;
};

/**
 * Generate a demo pilot into @s (an initialised store with regions and
 * occupations loaded and no pilot data yet).  DT_ECONFLICT if the database
 * already holds pilot data.
 */
enum dt_err dt_demo_generate(struct dt_store *s, const struct dt_actor *a,
			     const struct dt_demo_opts *o, struct dt_demo_stats *stats,
			     struct dt_strbuf *err);

#endif
