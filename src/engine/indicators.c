/*
 * indicators.c - dashboards, monthly series and rankings.
 *
 * One region's counters are read from the aggregates in one indexed range
 * (dt_store_agg_read) into struct dt_counters; every indicator of the
 * period, of the period before, and the pro-rated attainment of its target
 * are computed from those in memory.  Nothing here reads the facts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/date.h"
#include "domain/region.h"
#include "engine/indicators.h"
#include "core/banned.h"

int dt_engine_today(void)
{
	struct dt_date d = dt_date_today();
	return d.year * 10000 + d.month * 100 + d.day;
}

static void add_row(void *ctx, const char *key, int period, int64_t value)
{
	dt_counters_add(ctx, key, period, value);
}

/*
 * Load @region's counters for occupation @occ up to the end of @year as of
 * @today (YYYYMMDD): by month when @months (quarters, months, series) or
 * when @year is not past (the supervision indicators tell the months gone
 * by from the months to come), else the yearly sums, which whole-year
 * figures of a past year need only (see dt_counters: slot 0 of a year then
 * holds the whole year).
 */
static enum dt_err load(struct dt_store *s, int region, int64_t occ, int year, bool months,
			int today, struct dt_counters *c, struct dt_strbuf *err)
{
	dt_counters_init(c, year);
	c->now_month = today / 100;
	months = months || year >= today / 10000;
	return dt_store_agg_read(s, region, occ, year * 100 + 12, !months, add_row, c, err);
}

static json_t *num_or_null(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(round(v * 10000) / 10000);
}

static void region_code(int region, char buf[16])
{
	snprintf(buf, 16, "%06d", region);
}

/* {code, name_zh, name_en, level} of @region (0: the nation). */
static enum dt_err region_info(struct dt_store *s, int region, json_t **out, struct dt_strbuf *err)
{
	if (region == 0) {
		*out = json_pack("{s:s, s:s, s:s, s:i}", "code", "000000", "name_zh", "全国",
				 "name_en", "China", "level", 0);
		return DT_OK;
	}
	json_t *r = NULL;
	int rc = dt_store_get(s, NULL, "region", region, 0, &r, err);
	if (rc != DT_OK)
		return rc;
	char code[16];
	region_code(region, code);
	*out = json_pack("{s:s, s:O, s:O, s:O}", "code", code, "name_zh",
			 json_object_get(r, "name_zh"), "name_en", json_object_get(r, "name_en"),
			 "level", json_object_get(r, "level"));
	json_decref(r);
	return DT_OK;
}

enum dt_err dt_engine_pilots(struct dt_store *s, json_t **pilots, struct dt_strbuf *err)
{
	char *next = NULL;
	struct dt_query q = { .limit = 1000 };
	int rc = dt_store_list(s, NULL, "pilot", &q, pilots, &next, err);
	free(next);
	return rc;
}

int dt_engine_pilot_region(json_t *pilot)
{
	return (int)strtol(json_string_value(json_object_get(pilot, "region")) ?: "0", NULL, 10);
}

enum dt_err dt_engine_weights(struct dt_store *s, double *w, struct dt_strbuf *err)
{
	json_t *set = NULL;
	int rc = dt_store_settings(s, "weight.", &set, err);
	if (rc != DT_OK)
		return rc;
	for (int i = 0; i < dt_nindicators; i++) {
		char key[64];
		snprintf(key, sizeof(key), "weight.%s", dt_indicators[i].code);
		const char *v = json_string_value(json_object_get(set, key));
		w[i] = v ? strtod(v, NULL) : dt_indicators[i].weight;
	}
	json_decref(set);
	return DT_OK;
}

/* The values of every indicator for @p. */
static void compute_all(const struct dt_counters *c, const struct dt_period *p, struct dt_ivalue *v)
{
	for (int i = 0; i < dt_nindicators; i++)
		v[i] = dt_indicator_compute(i, c, p);
}

/*
 * The composite score: weighted mean of the capped attainments, 0..120.
 * With @part, part[i] receives indicator i's share of it (NAN when it has
 * no weight or no attainment), so that the parts add up to the score.
 */
static double score_of(const double *att, const double *w, double *part)
{
	double wsum = 0, sum = 0;
	for (int i = 0; i < dt_nindicators; i++)
		if (!isnan(att[i]) && w[i] > 0)
			wsum += w[i];
	for (int i = 0; i < dt_nindicators; i++) {
		double p = NAN;
		if (!isnan(att[i]) && w[i] > 0 && wsum > 0) {
			p = 100 * w[i] * (att[i] > 1.2 ? 1.2 : att[i]) / wsum;
			sum += p;
		}
		if (part)
			part[i] = p;
	}
	return wsum > 0 ? sum : NAN;
}

/* Attainment of every indicator of @v against @targets for @p. */
static void attain_all(const struct dt_period *p, const struct dt_ivalue *v, json_t *targets,
		       int today, double *att, double *proj)
{
	double elapsed = dt_period_elapsed(p, today);
	for (int i = 0; i < dt_nindicators; i++) {
		json_t *t = json_object_get(targets, dt_indicators[i].code);
		double target = t ? json_number_value(json_object_get(t, "value")) : NAN;
		att[i] = dt_attainment(&dt_indicators[i], p, v[i].value, target, elapsed, &proj[i]);
	}
}

static enum dt_err occupation_id(struct dt_store *s, const char *code, int64_t *occ,
				 struct dt_problems *ps, struct dt_strbuf *err)
{
	*occ = 0;
	if (!code || !*code)
		return DT_OK;
	if (dt_store_occupation_by_code(s, code, occ, NULL) != DT_OK) {
		dt_problem_add(ps, "occupation", "http.occupation", "value", code, NULL);
		return dt_error(err, DT_EINVAL, "occupation: '%s' is not an occupation code", code);
	}
	return DT_OK;
}

static json_t *period_json(const struct dt_period *p)
{
	int m0, m1;
	dt_period_months(p, &m0, &m1);
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int last = mdays[m1 - 1];
	if (m1 == 2 && ((p->year % 4 == 0 && p->year % 100) || p->year % 400 == 0))
		last = 29;
	char from[48], to[48];
	snprintf(from, sizeof(from), "%04d-%02d-01", p->year, m0);
	snprintf(to, sizeof(to), "%04d-%02d-%02d", p->year, m1, last);
	json_t *o = json_pack("{s:i, s:s, s:s}", "year", p->year, "from", from, "to", to);
	json_object_set_new(o, "quarter", p->quarter ? json_integer(p->quarter) : json_null());
	json_object_set_new(o, "month", p->month ? json_integer(p->month) : json_null());
	return o;
}

/* Sub-regions of @region: provinces for the nation, else the regions whose parent it is. */
static enum dt_err children_of(struct dt_store *s, int region, json_t **items,
			       struct dt_strbuf *err)
{
	char code[16];
	region_code(region, code);
	const char *filters[2] = { region ? "parent" : "level", region ? code : "1" };
	struct dt_query q = { .filters = filters, .nfilters = 1, .limit = 1000 };
	char *next = NULL;
	int rc = dt_store_list(s, NULL, "region", &q, items, &next, err);
	free(next);
	return rc;
}

enum dt_err dt_engine_indicators(struct dt_store *s, const struct dt_ind_query *q, json_t **out,
				 struct dt_strbuf *err)
{
	int today = q->today ? q->today : dt_engine_today();
	int64_t occ;
	int rc = occupation_id(s, q->occupation, &occ, q->problems, err);
	if (rc != DT_OK)
		return rc;
	json_t *reg = NULL, *targets = NULL, *res = NULL;
	/* A quarter or a month, and the one before it, need the months. */
	bool by_month = q->period.quarter || q->period.month;
	struct dt_counters *c = malloc(sizeof(*c));
	if (!c)
		return dt_error(err, DT_ENOMEM, "out of memory");
	rc = region_info(s, q->region, &reg, err);
	if (rc == DT_ENOTFOUND) {
		char code[16];
		snprintf(code, sizeof(code), "%06d", q->region);
		dt_problem_add(q->problems, "region", "region.unknown", "value", code, NULL);
		rc = dt_error(err, DT_EINVAL, "region: %06d is not in the region table", q->region);
	}
	if (rc == DT_OK)
		rc = load(s, q->region, occ, q->period.year, by_month, today, c, err);
	if (rc == DT_OK)
		rc = dt_store_targets_effective(s, q->region, q->period.year, &targets, err);
	double w[64];
	if (rc == DT_OK)
		rc = dt_engine_weights(s, w, err);
	if (rc != DT_OK)
		goto out;

	struct dt_period prev = dt_period_prev(&q->period);
	struct dt_ivalue v[64] = { { 0 } }, pv[64] = { { 0 } };
	double att[64], proj[64];
	compute_all(c, &q->period, v);
	compute_all(c, &prev, pv);
	attain_all(&q->period, v, targets, today, att, proj);

	double part[64];
	double score = score_of(att, w, part);
	json_t *list = json_array();
	for (int i = 0; i < dt_nindicators; i++) {
		const struct dt_indicator *ind = &dt_indicators[i];
		bool na = occ && !ind->by_occupation; /* not meaningful per occupation */
		json_t *t = json_object_get(targets, ind->code);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", ind->code,
				      "name_zh", ind->name_zh, "name_en", ind->name_en, "unit",
				      dt_unit_name(ind->unit), "direction",
				      dt_direction_name(ind->direction), "kind",
				      ind->kind == DT_I_FLOW ? "flow" : "level");
		json_object_set_new(o, "value", na ? json_null() : num_or_null(v[i].value));
		json_object_set_new(o, "numerator", na ? json_null() : num_or_null(v[i].numerator));
		json_object_set_new(o, "denominator",
				    na ? json_null() : num_or_null(v[i].denominator));
		json_object_set_new(o, "previous", na ? json_null() : num_or_null(pv[i].value));
		json_object_set(o, "target", t ? json_object_get(t, "value") : json_null());
		json_object_set(o, "baseline", t ? json_object_get(t, "baseline") : json_null());
		json_object_set(o, "target_source", t ? json_object_get(t, "source") : json_null());
		json_object_set_new(o, "attainment", na ? json_null() : num_or_null(att[i]));
		json_object_set_new(o, "projection", na ? json_null() : num_or_null(proj[i]));
		json_object_set_new(o, "weight", json_real(w[i]));
		/* its points in the composite score (the parts add up to "score") */
		json_object_set_new(o, "score_part", occ ? json_null() : num_or_null(part[i]));
		json_array_append_new(list, o);
	}
	res = json_pack("{s:O, s:o, s:o}", "region", reg, "period", period_json(&q->period),
			"indicators", list);
	json_object_set_new(res, "occupation",
			    q->occupation && *q->occupation ? json_string(q->occupation)
							    : json_null());
	json_object_set_new(res, "score", occ ? json_null() : num_or_null(score));

	json_t *kids = json_array();
	json_object_set_new(res, "children", kids);
	if (q->children) {
		json_t *items = NULL;
		rc = children_of(s, q->region, &items, err);
		size_t k;
		json_t *r;
		json_array_foreach(items, k, r)
		{
			if (rc != DT_OK)
				break;
			int code = (int)json_integer_value(json_object_get(r, "id"));
			rc = load(s, code, occ, q->period.year, by_month, today, c, err);
			if (rc != DT_OK)
				break;
			compute_all(c, &q->period, v);
			json_t *values = json_object();
			for (int i = 0; i < dt_nindicators; i++)
				json_object_set_new(values, dt_indicators[i].code,
						    occ && !dt_indicators[i].by_occupation
							    ? json_null()
							    : num_or_null(v[i].value));
			char cs[16];
			region_code(code, cs);
			json_array_append_new(
				kids, json_pack("{s:{s:s, s:O, s:O, s:O}, s:o}", "region", "code",
						cs, "name_zh", json_object_get(r, "name_zh"),
						"name_en", json_object_get(r, "name_en"), "level",
						json_object_get(r, "level"), "values", values));
		}
		json_decref(items);
	}
out:
	free(c);
	json_decref(reg);
	json_decref(targets);
	if (rc == DT_OK)
		*out = res;
	else
		json_decref(res);
	return rc;
}

enum dt_err dt_engine_series(struct dt_store *s, int region, int year, json_t **out,
			     struct dt_strbuf *err)
{
	struct dt_counters *c = malloc(sizeof(*c));
	if (!c)
		return dt_error(err, DT_ENOMEM, "out of memory");
	int rc = load(s, region, 0, year, true, dt_engine_today(), c, err);
	if (rc != DT_OK) {
		free(c);
		return rc;
	}
	json_t *periods = json_array(), *series = json_object();
	for (int i = 0; i < dt_nindicators; i++)
		json_object_set_new(series, dt_indicators[i].code, json_array());
	for (int m = 1; m <= 12; m++) {
		char ym[32];
		snprintf(ym, sizeof(ym), "%04d-%02d", year, m);
		json_array_append_new(periods, json_string(ym));
		struct dt_period p = { year, 0, m };
		for (int i = 0; i < dt_nindicators; i++) {
			struct dt_ivalue v = dt_indicator_compute(i, c, &p);
			json_array_append_new(json_object_get(series, dt_indicators[i].code),
					      num_or_null(v.value));
		}
	}
	free(c);
	*out = json_pack("{s:i, s:o, s:o}", "year", year, "periods", periods, "series", series);
	/* the month not yet over (its figures are to date), when it is in this year */
	int today = dt_engine_today();
	char cur[32];
	snprintf(cur, sizeof(cur), "%04d-%02d", year, today / 100 % 100);
	json_object_set_new(*out, "current",
			    today / 10000 == year ? json_string(cur) : json_null());
	return DT_OK;
}

struct ranked {
	int region;
	json_t *info;
	double score, prev_score;
	int rank, prev_rank;
};

static int by_score(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	bool nx = isnan(x->score), ny = isnan(y->score);
	if (nx != ny)
		return nx ? 1 : -1;
	if (!nx && x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->region - y->region;
}

static int by_prev_score(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	bool nx = isnan(x->prev_score), ny = isnan(y->prev_score);
	if (nx != ny)
		return nx ? 1 : -1;
	if (!nx && x->prev_score != y->prev_score)
		return x->prev_score > y->prev_score ? -1 : 1;
	return x->region - y->region;
}

/* The composite score of @region for @year (pro-rated to @today). */
static enum dt_err score_region(struct dt_store *s, struct dt_counters *c, const double *w,
				int region, int year, int today, double *score,
				struct dt_strbuf *err)
{
	json_t *targets = NULL;
	int rc = load(s, region, 0, year, false, today, c, err);
	if (rc == DT_OK)
		rc = dt_store_targets_effective(s, region, year, &targets, err);
	if (rc != DT_OK)
		return rc;
	struct dt_period p = { year, 0, 0 };
	struct dt_ivalue v[64] = { { 0 } };
	double att[64], proj[64];
	compute_all(c, &p, v);
	attain_all(&p, v, targets, today, att, proj);
	*score = score_of(att, w, NULL);
	json_decref(targets);
	return DT_OK;
}

enum dt_err dt_engine_ranking(struct dt_store *s, int level, int within, int year, int today,
			      json_t **out, struct dt_strbuf *err)
{
	if (!today)
		today = dt_engine_today();
	double w[64];
	int rc = dt_engine_weights(s, w, err);
	if (rc != DT_OK)
		return rc;
	/* The pilots of that level (a province takes part through its pilot or its pilot cities). */
	json_t *pilots = NULL;
	rc = dt_engine_pilots(s, &pilots, err);
	if (rc != DT_OK)
		return rc;
	struct ranked *r = calloc(json_array_size(pilots) + 1, sizeof(*r));
	struct dt_counters *c = malloc(sizeof(*c));
	size_t n = 0, i;
	json_t *p;
	json_array_foreach(pilots, i, p)
	{
		int code = dt_engine_pilot_region(p);
		int lvl = dt_region_level(code);
		/* every pilot of the level is ranked: a place is among all of them */
		if (lvl != level)
			continue;
		r[n].region = code;
		n++;
	}
	json_decref(pilots);
	for (i = 0; i < n && rc == DT_OK; i++) {
		rc = region_info(s, r[i].region, &r[i].info, err);
		if (rc == DT_OK)
			rc = score_region(s, c, w, r[i].region, year, today, &r[i].score, err);
		if (rc == DT_OK)
			rc = score_region(s, c, w, r[i].region, year - 1, today, &r[i].prev_score,
					  err);
	}
	json_t *items = json_array(), *weights = json_object();
	if (rc == DT_OK) {
		qsort(r, n, sizeof(*r), by_prev_score);
		for (i = 0; i < n; i++)
			r[i].prev_rank = isnan(r[i].prev_score) ? 0 : (int)i + 1;
		qsort(r, n, sizeof(*r), by_score);
		for (i = 0; i < n; i++) {
			r[i].rank = isnan(r[i].score) ? 0 : (int)i + 1;
			if (within && !dt_region_contains(within, r[i].region))
				continue;
			json_t *o = json_pack("{s:O}", "region", r[i].info);
			json_object_set_new(o, "rank",
					    r[i].rank ? json_integer(r[i].rank) : json_null());
			json_object_set_new(o, "score", num_or_null(r[i].score));
			json_object_set_new(o, "previous_rank",
					    r[i].prev_rank ? json_integer(r[i].prev_rank)
							   : json_null());
			json_object_set_new(o, "previous_score", num_or_null(r[i].prev_score));
			json_object_set_new(o, "change",
					    r[i].rank && r[i].prev_rank
						    ? json_integer(r[i].prev_rank - r[i].rank)
						    : json_null());
			json_array_append_new(items, o);
		}
		for (int k = 0; k < dt_nindicators; k++)
			if (w[k] > 0)
				json_object_set_new(weights, dt_indicators[k].code,
						    json_real(w[k]));
	}
	for (i = 0; i < n; i++)
		json_decref(r[i].info);
	free(r);
	free(c);
	if (rc != DT_OK) {
		json_decref(items);
		json_decref(weights);
		return rc;
	}
	*out = json_pack("{s:i, s:s, s:o, s:o, s:i}", "year", year, "level",
			 level == 1 ? "province" : "city", "weights", weights, "items", items,
			 "total", (int)n);
	return DT_OK;
}
