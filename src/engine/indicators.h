/*
 * indicators.h - dashboards, series, rankings and alerts from the
 * maintained aggregates (never from the facts).
 */
#ifndef DT_ENGINE_INDICATORS_H
#define DT_ENGINE_INDICATORS_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "domain/indicator.h"
#include "domain/problem.h"
#include "store/store.h"

struct dt_ind_query {
	int region; /* 0: the nation */
	struct dt_period period;
	const char *occupation;       /* occupation code, or NULL for all */
	bool children;                /* add the sub-regions' values */
	int today;                    /* YYYYMMDD, for pro-rating (0: today) */
	struct dt_problems *problems; /* where an unknown region or occupation is told, or NULL */
};

/**
 * All indicators of @q as the API returns them:
 * {region, period, occupation, indicators: [...], score, children: [...]}.
 * DT_EINVAL for an unknown region (region.unknown) or occupation
 * (http.occupation), recorded in q->problems about the parameter.
 */
enum dt_err dt_engine_indicators(struct dt_store *s, const struct dt_ind_query *q, json_t **out,
				 struct dt_strbuf *err);
/** Monthly values of every indicator for @region and @year: {periods: [...], series: {code: [...]}}. */
enum dt_err dt_engine_series(struct dt_store *s, int region, int year, json_t **out,
			     struct dt_strbuf *err);
/**
 * The ranking of pilot regions of @level (2: cities, 1: provinces) by
 * composite score for @year, with the previous year's rank and score:
 * {year, level, weights, items: [...], total}.  The ranks are among all
 * pilots of the level (@total of them); @items lists those within @within
 * (0: all).
 */
enum dt_err dt_engine_ranking(struct dt_store *s, int level, int within, int year, int today,
			      json_t **out, struct dt_strbuf *err);
/** Every pilot (at most 1000) as a new JSON array; dt_engine_pilot_region() gives one's region code. */
enum dt_err dt_engine_pilots(struct dt_store *s, json_t **pilots, struct dt_strbuf *err);
int dt_engine_pilot_region(json_t *pilot);
/** The weights of the composite score: defaults overridden by settings "weight.CODE". */
enum dt_err dt_engine_weights(struct dt_store *s, double *w, struct dt_strbuf *err);

/**
 * Evaluate every alert rule now (for @today, YYYYMMDD; 0: today), raising
 * new alerts as @a.  *@raised (may be NULL) counts new ones.
 */
enum dt_err dt_engine_alerts_evaluate(struct dt_store *s, const struct dt_actor *a, int today,
				      int *raised, struct dt_strbuf *err);

/**
 * The same, with @full false leaving out the rules that read the whole
 * record book (record_day_hours, signoff_burst, record_before_start): the
 * pass run shortly after writes; the full pass runs at start, daily and on
 * `dualtrack alerts evaluate` (docs/INDICATORS.md, "Alerts").  When @stop
 * (may be NULL) turns true the pass ends before its next alert (each alert
 * is its own transaction; the next pass takes up what was left): a server
 * that stops does not wait for a long pass over a large pilot.
 */
enum dt_err dt_engine_alerts_pass(struct dt_store *s, const struct dt_actor *a, int today,
				  bool full, const atomic_bool *stop, int *raised,
				  struct dt_strbuf *err);

/**
 * The alert rule @name: its index (-1 if there is none), default threshold
 * and description (Chinese, as the settings list shows indicator names).  dt_engine_alert_rule_name(i) lists them (NULL after the last).
 */
int dt_engine_alert_rule(const char *name, double *threshold, const char **what);
const char *dt_engine_alert_rule_name(int i);

/** Today as YYYYMMDD (UTC). */
int dt_engine_today(void);

#endif
