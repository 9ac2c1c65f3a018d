/*
 * demo_internal.h - shared by the files of the demo generator.
 *
 * The generator (engine/demo.h) spans demo.c (driver, names, writes through
 * the store), demo_geo.c, demo_plan.c, demo_orgs.c and demo_life.c.  They
 * share the state of one run (struct dt_demo_gen), the plan's types, a few
 * small date and number helpers, and the functions declared below.  Nothing
 * outside src/engine/demo*.c includes this header.
 */
#ifndef DT_DEMO_INTERNAL_H
#define DT_DEMO_INTERNAL_H

#include "core/common.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/date.h"
#include "core/strbuf.h"
#include "engine/demo.h"
#include "engine/demo_names.h"
#include "store/store.h"

#define DT_DEMO_TRAINEES 5000
#define DT_DEMO_ENTERPRISES 300
#define DT_DEMO_SCHOOLS 40
/*
 * Top-level writes per transaction.  Each commit may trigger a WAL
 * checkpoint with its fsyncs; 20,000 writes (a second or two) measured about
 * a fifth faster than 2,000 on a VM disk, and a failure is a bug anyway.
 */
#define DT_DEMO_BATCH 20000
#define DT_DEMO_PROGRESS_EVERY 250 /* trainees between progress calls */
#define DT_DEMO_NYEARS 5 /* intake years: the four Septembers back from today, and next year */

/* ---- the fixed geography of the pilot ---- */

struct dt_demo_city_def {
	int code, province;
	const char *short_zh; /* "沈阳" */
	const char *area;     /* telephone area code */
	int weight;           /* share of enterprises, schools and trainees */
	int stipend;          /* typical monthly stipend (CNY) */
	const char *ind[8];   /* industry keys of the catalogue, main first */
	int iw[8];
	const char *positioning;
};

#define DT_DEMO_NCITIES 9 /* entries of dt_demo_city_defs (demo_geo.c) */
extern const struct dt_demo_city_def dt_demo_city_defs[DT_DEMO_NCITIES];

struct dt_demo_province_def {
	int code;
	const char *dept; /* "省" or "自治区": department names */
	const char *positioning;
};

#define DT_DEMO_NPROVINCES 4 /* entries of dt_demo_province_defs (demo_geo.c) */
extern const struct dt_demo_province_def dt_demo_province_defs[DT_DEMO_NPROVINCES];

/* ---- what is planned in memory ---- */

/* A growable list of indices. */
struct dt_demo_ilist {
	int *v;
	int n, cap;
};

struct dt_demo_county {
	int code;
	char *name;
};

struct dt_demo_industry {
	char *key;
	int *occs; /* occupation indices */
	int nocc;
};

struct dt_demo_occ {
	int64_t id;
	char *code, *name, *levels;
	int industry;
};

struct dt_demo_city {
	const struct dt_demo_city_def *def;
	int pidx;         /* index into dt_demo_province_defs */
	char *name;       /* "沈阳市" from the region table */
	int c0, c1;       /* its counties in g->counties */
	int ind[8], nind; /* industry indices (only those in the catalogue) */
	int iw[8], iwsum;
	int64_t assessors[2];
	int nassessors;
	int64_t trainees; /* planned, for the pilot's goals */
	int nent, nsch;
};

/* Company mentors of the largest enterprise (demo_plan.c). */
#define DT_DEMO_MAX_MENTORS 6

struct dt_demo_org {
	int64_t id;
	int city, region, industry, size; /* size: 0 micro .. 3 large */
	bool is_school;
	/* enterprise */
	int partners[2], npartners;
	int slot0, nslots;
	int nmentors;
	int64_t mentor_ids
		[DT_DEMO_MAX_MENTORS]; /* the register's, made on first use (0: not yet) */
	double weight;
	/* school */
	int prog0, nprog;
	struct dt_demo_ilist ents; /* partner enterprises (for transfers) */
};

/* School mentors per programme in the register. */
#define DT_DEMO_SCHOOL_MENTORS 4

struct dt_demo_prog {
	int64_t id;
	int school, occ, level, months, company_h, school_h;
	int64_t mentor_ids[DT_DEMO_SCHOOL_MENTORS]; /* its school mentors, made on first use */
};

struct dt_demo_slot {
	int ent, prog;
	int intake[DT_DEMO_NYEARS];
};

enum dt_demo_plan_kind {
	DT_DEMO_PLAN_NONE,
	DT_DEMO_PLAN_DRAFT,
	DT_DEMO_PLAN_PENDING,
	DT_DEMO_PLAN_STARTED
};

struct dt_demo_plan {
	int32_t slot;
	int32_t start; /* days since 1970 */
	uint8_t kind;
};

struct dt_demo_gen {
	struct dt_store *s;
	const struct dt_actor *a;
	const struct dt_demo_opts *o;
	struct dt_demo_stats *st;
	struct dt_strbuf *err;
	struct dt_demo_rng rng;
	uint64_t seed;
	int64_t n;       /* trainees */
	bool monthly;    /* record-book density */
	int64_t pending; /* writes since the last commit */
	bool in_tx;

	int32_t today, first_sept, year0; /* year0: year of the first intake September */
	struct dt_date today_d;

	struct dt_demo_county *counties;
	int ncounties;
	int prov_c0[DT_DEMO_NPROVINCES], prov_c1[DT_DEMO_NPROVINCES];

	struct dt_demo_industry *inds;
	int ninds;
	struct dt_demo_occ *occs;
	int noccs;

	struct dt_demo_city cities[DT_DEMO_NCITIES];

	struct dt_demo_org *ents, *schools;
	int nent, nsch;
	struct dt_demo_prog *progs;
	int nprog;
	struct dt_demo_slot *slots;
	int nslots;
	double *slot_cum; /* cumulative slot weights for sampling */

	struct dt_demo_plan *plans;

	/* unique names */
	uint64_t *names;
	size_t names_cap, names_n;

	/* national ID sequence counters per (county, birth day) and gender */
	uint16_t *cells;
	int32_t cell_base, cell_days;

	uint64_t org_counter, cert_counter;
	int64_t contract_seq;
};
/* ---- small helpers ---- */

/* A copy of @s, NULL taken as "" (reference rows with a missing cell); NULL only when
 * memory ran out.  Not dt_xstrdup(), which keeps NULL as NULL. */
static inline char *dt_demo_copy_text(const char *s)
{
	return strdup(s ? s : "");
}

static inline void dt_demo_date_str(int32_t days, char out[DT_DATE_STRLEN])
{
	dt_date_format(dt_date_from_days(days), out);
}

static inline int32_t dt_demo_days_of(int y, int m, int d)
{
	return dt_date_to_days((struct dt_date){ y, m, d });
}

static inline int32_t dt_demo_add_months(int32_t days, int n)
{
	return dt_date_to_days(dt_date_add_months(dt_date_from_days(days), n));
}

static inline int dt_demo_clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static inline int32_t dt_demo_min32(int32_t a, int32_t b)
{
	return a < b ? a : b;
}

static inline int32_t dt_demo_max32(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

/* A sub-generator derived from the seed and a tag, for names that must not
 * depend on how much of the main stream was used (mentors, contacts). */
static inline void dt_demo_derive(struct dt_demo_gen *g, struct dt_demo_rng *r, uint64_t tag,
				  uint64_t a, uint64_t b)
{
	uint64_t x = g->seed ^ (tag * 0x9e3779b97f4a7c15ULL);
	x ^= dt_demo_splitmix(&x) + a * 0xbf58476d1ce4e5b9ULL;
	x ^= dt_demo_splitmix(&x) + b * 0x94d049bb133111ebULL;
	dt_demo_rng_seed(r, x);
}

static inline int dt_demo_pick_weighted(struct dt_demo_rng *r, const int *w, int n, int sum)
{
	int x = (int)dt_demo_rng_below(r, (uint32_t)sum);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* ---- demo ---- */
/* Add @name; false if it was already there (or memory ran out). */
bool dt_demo_names_add(struct dt_demo_gen *g, const char *name);
int dt_demo_fail(struct dt_demo_gen *g, int rc, struct dt_strbuf *why, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
/* Create one record; *@id (may be NULL) receives its id.  Takes @in. */
int dt_demo_w_create(struct dt_demo_gen *g, const char *entity, json_t *in, int64_t *id,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* One contract action; *@out (may be NULL) receives the store's answer.  Takes @args. */
int dt_demo_w_act(struct dt_demo_gen *g, int64_t cid, enum dt_contract_event ev,
		  enum dt_party party, json_t *args, json_t **out);
/*
 * Sign off the @n entries @ids of one site of a record book in one batch,
 * entry i at @ats[i] (YYYY-MM-DDTHH:MM:SS.mmmZ; NULL: now), as the mentor
 * the contract names.
 */
int dt_demo_w_signoff_batch(struct dt_demo_gen *g, const int64_t *ids, const char *const *ats,
			    size_t n);
/* Commit when the batch is full and open the next transaction. */
int dt_demo_batch(struct dt_demo_gen *g, bool force);

/* ---- demo_geo ---- */
int dt_demo_load_regions(struct dt_demo_gen *g);
bool dt_demo_has_level(const char *levels, int level);
int dt_demo_load_occupations(struct dt_demo_gen *g);

/* ---- demo_plan ---- */
int dt_demo_county_of_city(struct dt_demo_gen *g, int city);
int dt_demo_pick_level(struct dt_demo_gen *g, const char *levels);
int dt_demo_plan_schools(struct dt_demo_gen *g);
int dt_demo_ilist_pick(struct dt_demo_gen *g, const struct dt_demo_ilist *l);
int dt_demo_plan_enterprises(struct dt_demo_gen *g);
/*
 * Each trainee's slot, start date and kind.  Starts: the four Septembers
 * back from today carry most intakes, Marches some, the rest any first of a
 * month in between; drafts and pending contracts start next month or next
 * March.
 */
int dt_demo_plan_trainees(struct dt_demo_gen *g);

/* ---- demo_orgs ---- */
int dt_demo_write_pilots(struct dt_demo_gen *g);
int dt_demo_write_authorities(struct dt_demo_gen *g);
int dt_demo_write_schools(struct dt_demo_gen *g);
int dt_demo_write_enterprises(struct dt_demo_gen *g);
/*
 * Places for every slot and intake year (and always for the three calendar
 * years up to today's), then each enterprise's demand per year: the
 * occupations it trains for, sized around its places, sometimes one more
 * occupation of its industry that no school offers it yet.
 */
int dt_demo_write_places_and_demand(struct dt_demo_gen *g);

/* ---- demo_life ---- */
int dt_demo_write_trainees(struct dt_demo_gen *g);

#endif
