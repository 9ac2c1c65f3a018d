/*
 * inspection.h - the rules of inspection plans (督查计划) and their
 * verifiable draw (双随机): the plan's states, the default checklist, the
 * risk weight of a candidate, and the draw itself.
 *
 * The draw is a pure function of a 32-byte seed and the frozen inputs (the
 * plan's sample, its cross-city flag, the candidates with their integer
 * weights, the inspector pool): anyone holding the published inputs and the
 * revealed seed gets the same objects in the same order and the same
 * inspector pairs.  docs/SUPERVISION.md states the algorithm for
 * re-implementation; this file is its reference.  No SQL, no HTTP.
 */
#ifndef DT_INSPECTION_H
#define DT_INSPECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "domain/problem.h"

#define DT_DRAW_HASH_LEN 32
#define DT_DRAW_SEED_LEN 32
#define DT_DRAW_VERSION "dualtrack-draw 1"

/* ---- plans ---- */

enum dt_plan_status {
	DT_PLAN_DRAFT,
	DT_PLAN_COMMITTED,
	DT_PLAN_DRAWN,
	DT_PLAN_IN_PROGRESS,
	DT_PLAN_CLOSED,
};

/** The status's name ("draft" ...). */
const char *dt_plan_status_name(enum dt_plan_status st);
/** The status named @s, or -1. */
int dt_plan_status_parse(const char *s);

/**
 * May a plan in @status take @action ("commit", "draw", "reveal", "start",
 * "close")?  On success *@next is the status after it (reveal leaves it as
 * it is) and DT_OK is returned; otherwise problem inspection.state (or
 * inspection.action for an unknown action) is added to @ps and its error
 * kind returned.  @revealed says whether the seed is already public.
 */
enum dt_err dt_plan_step(struct dt_problems *ps, int64_t plan, const char *status,
			 const char *action, bool revealed, const char **next);

/* Object kinds, in the fixed order of the draw's canonical input. */
enum dt_object_kind {
	DT_OBJ_ENTERPRISE,
	DT_OBJ_SCHOOL,
	DT_OBJ_CONTRACT,
	DT_OBJ_PILOT_TASK,
	DT_OBJ_KINDS
};
/** The kind's name ("enterprise", "school", "contract", "pilot_task"). */
const char *dt_object_kind_name(int kind);
/** The kind named @s (length @n), or -1. */
int dt_object_kind_parse(const char *s, size_t n);
/**
 * Parse a list of kinds separated by commas or spaces ("enterprise,contract")
 * into the bit set *@mask (bit k for kind k); problems enum.value or
 * field.required against @field.
 */
enum dt_err dt_object_kinds_parse(const char *s, unsigned *mask, struct dt_problems *ps,
				  const char *field);
/** Append the kinds of @mask to @out, comma-separated, in the fixed order. */
void dt_object_kinds_format(unsigned mask, struct dt_strbuf *out);

/* ---- the default checklist ---- */

struct dt_check_item {
	const char *code, *text_zh, *text_en, *basis;
};
/** The default checklist for dual training (static; @n its length). */
const struct dt_check_item *dt_checklist_default(size_t *n);
/* A plan's checklist holds 1..DT_CHECKLIST_MAX items. */
#define DT_CHECKLIST_MAX 50
/**
 * Is @s (length @n) a checklist item's code: 1..40 characters of a-z, 0-9
 * and '_', starting with a letter ("stipend_min_wage")?
 */
bool dt_check_code_valid(const char *s, size_t n);

/**
 * May a plan be closed with @open of its inspections not yet done?  Only
 * when none is: otherwise problem inspection.plan_open (a conflict) is added
 * to @ps and its error kind returned.
 */
enum dt_err dt_plan_close_check(struct dt_problems *ps, int64_t plan, int64_t open);

/* ---- risk weights ---- */

/*
 * The alert rules that are data-quality checks (数据质量, engine/alerts.c):
 * their open alerts count as "quality" in a candidate's weight, every other
 * open alert as "alert".  NULL-ended.
 */
extern const char *const dt_quality_rules[];
/** Is alert rule @rule one of dt_quality_rules? */
bool dt_quality_rule(const char *rule);

/*
 * A candidate's weight is base + alert * (open alerts) + quality *
 * (open data-quality alerts) + finding * (earlier findings), at most max.
 * The points are the plan's "weights" (all integers); the defaults are
 * dt_weights_default().
 */
struct dt_weights {
	int64_t base, alert, quality, finding, max;
};
void dt_weights_default(struct dt_weights *w);
/**
 * Read the JSON object text @json (NULL: the defaults) into @w: integer
 * members base (1..100), alert, quality, finding (0..100), max (base..1000);
 * missing members keep their defaults.  Problems against @field.
 */
enum dt_err dt_weights_parse(const char *json, struct dt_weights *w, struct dt_problems *ps,
			     const char *field);
/** The canonical JSON text of @w (all five members), appended to @out. */
void dt_weights_format(const struct dt_weights *w, struct dt_strbuf *out);
/** The weight of a candidate with these counts under @w (>= 1). */
int64_t dt_weights_apply(const struct dt_weights *w, int64_t alerts, int64_t quality,
			 int64_t findings);

/* ---- the draw ---- */

struct dt_draw_candidate {
	int kind; /* enum dt_object_kind */
	int64_t object_id;
	int city;        /* PPCC00 */
	int64_t org_id;  /* 0: none */
	int64_t org2_id; /* 0: none */
	int64_t weight;  /* >= 1 */
};

struct dt_draw_inspector {
	int64_t account_id;
	int64_t org_id; /* 0: none */
	int city;       /* 0: none (a province-wide or national inspector) */
};

struct dt_draw_input {
	int64_t plan_id;
	bool rate;       /* sample is a rate in basis points (1..10000), else a count */
	int64_t sample;  /* per city */
	bool cross_city; /* inspectors never inspect their own city */
	struct dt_draw_candidate *cand;
	size_t ncand;
	struct dt_draw_inspector *insp;
	size_t ninsp;
};

/** One drawn object, in draw order (draw_pos = index + 1). */
struct dt_draw_pick {
	size_t cand;                      /* index into the (sorted) candidates */
	int64_t inspector_a, inspector_b; /* 0: no eligible inspector left */
};

/** Sort @in's candidates and inspectors into the canonical order (in place). */
void dt_draw_sort(struct dt_draw_input *in);
/**
 * The canonical text of the sorted inputs @in (docs/SUPERVISION.md),
 * fed line by line to @line (with its length, '\n' included) with @arg.
 */
void dt_draw_canonical(const struct dt_draw_input *in,
		       void (*line)(void *arg, const char *s, size_t n), void *arg);
/** inputs_hash: BLAKE2b-256 of the canonical text of the sorted inputs @in. */
void dt_draw_inputs_hash(const struct dt_draw_input *in, unsigned char out[DT_DRAW_HASH_LEN]);
/** seed_hash: BLAKE2b-256 of @seed. */
void dt_draw_seed_hash(const unsigned char seed[DT_DRAW_SEED_LEN],
		       unsigned char out[DT_DRAW_HASH_LEN]);
/** A new random seed (libsodium's randombytes). */
void dt_draw_seed_new(unsigned char seed[DT_DRAW_SEED_LEN]);
/**
 * Run the draw over the sorted inputs @in with @seed: *@picks (malloc'd, the
 * caller frees) receives *@npicks drawn objects in draw order.  @inputs_hash
 * is dt_draw_inputs_hash() of @in when the caller has it (NULL: computed
 * here).  DT_ENOMEM, or DT_EINVAL when an input is out of range (a weight
 * < 1, a sample < 1).
 */
enum dt_err dt_draw_run(const struct dt_draw_input *in, const unsigned char seed[DT_DRAW_SEED_LEN],
			const unsigned char *inputs_hash, struct dt_draw_pick **picks,
			size_t *npicks);
/**
 * result_hash: BLAKE2b-256 over the picks' canonical lines
 * "pick POS KIND OBJECT_ID A B\n" (A, B "-" when none).
 */
void dt_draw_result_hash(const struct dt_draw_input *in, const struct dt_draw_pick *picks,
			 size_t npicks, unsigned char out[DT_DRAW_HASH_LEN]);

#endif
