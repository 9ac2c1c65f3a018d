/*
 * demo_plan.c - the demo generator's plan, made in memory before any write.
 *
 * Apportions schools and enterprises to cities by weight, gives schools
 * their programmes and enterprises their partner schools and training slots,
 * and gives each trainee a slot, a start date and a contract kind.  Places
 * and partnerships are sized by the intake they will receive, which is why
 * all of this comes before the first write.  Part of the generator in demo.c.
 */
#include "core/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/natid.h"
#include "domain/uscc.h"
#include "engine/demo.h"
#include "engine/demo_internal.h"
#include "engine/demo_names.h"
#include "core/banned.h"

/* ---- planning ---- */

/*
 * Split @n over the cities by weight, at least @min each (largest
 * remainders); returns the total given, more than @n when the minimum says so.
 */
static int apportion(int n, int min, int *out)
{
	int wsum = 0, given = 0;
	for (int k = 0; k < DT_DEMO_NCITIES; k++)
		wsum += dt_demo_city_defs[k].weight;
	double rem[DT_DEMO_NCITIES];
	for (int k = 0; k < DT_DEMO_NCITIES; k++) {
		double share = (double)n * dt_demo_city_defs[k].weight / wsum;
		out[k] = (int)share;
		rem[k] = share - out[k];
		if (out[k] < min) {
			out[k] = min;
			rem[k] = 0;
		}
		given += out[k];
	}
	while (given < n) {
		int best = 0;
		for (int k = 1; k < DT_DEMO_NCITIES; k++)
			if (rem[k] > rem[best])
				best = k;
		out[best]++;
		rem[best] = -1;
		given++;
	}
	return given;
}

int dt_demo_county_of_city(struct dt_demo_gen *g, int city)
{
	struct dt_demo_city *c = &g->cities[city];
	return g->counties[c->c0 + (int)dt_demo_rng_below(&g->rng, (uint32_t)(c->c1 - c->c0))].code;
}

int dt_demo_pick_level(struct dt_demo_gen *g, const char *levels)
{
	int want = dt_demo_rng_chance(&g->rng, 0.65) ? 4 : 3;
	if (dt_demo_has_level(levels, want))
		return want;
	return dt_demo_has_level(levels, 7 - want) ? 7 - want : 3;
}

int dt_demo_plan_schools(struct dt_demo_gen *g)
{
	int per[DT_DEMO_NCITIES];
	int want = (int)((g->n * DT_DEMO_SCHOOLS + DT_DEMO_TRAINEES - 1) / DT_DEMO_TRAINEES);
	g->nsch = apportion(want < DT_DEMO_NCITIES ? DT_DEMO_NCITIES : want, 1, per);
	g->schools = calloc((size_t)g->nsch, sizeof(*g->schools));
	g->progs = calloc((size_t)g->nsch * 5, sizeof(*g->progs));
	if (!g->schools || !g->progs)
		return dt_error(g->err, DT_ENOMEM, "out of memory");
	int s = 0;
	for (int k = 0; k < DT_DEMO_NCITIES; k++) {
		struct dt_demo_city *c = &g->cities[k];
		c->nsch = per[k];
		for (int j = 0; j < per[k]; j++, s++) {
			struct dt_demo_org *o = &g->schools[s];
			o->is_school = true;
			o->city = k;
			o->region = dt_demo_county_of_city(g, k);
			o->industry = c->ind[j % c->nind]; /* main industries first */
			o->size = dt_demo_rng_chance(&g->rng, 0.5) ? 3 : 2;
			int second =
				c->ind[dt_demo_pick_weighted(&g->rng, c->iw, c->nind, c->iwsum)];
			bool two = second != o->industry && dt_demo_rng_chance(&g->rng, 0.6);
			/* Programmes: distinct occupations of the school's one or two industries. */
			int np = dt_demo_rng_range(&g->rng, 2, 5);
			o->prog0 = g->nprog;
			for (int t = 0; t < np * 4 && o->nprog < np; t++) {
				int ind = two && dt_demo_rng_chance(&g->rng, 0.35) ? second
										   : o->industry;
				const struct dt_demo_industry *in = &g->inds[ind];
				int occ = in->occs[dt_demo_rng_below(&g->rng, (uint32_t)in->nocc)];
				bool dup = false;
				for (int q = o->prog0; q < g->nprog; q++)
					dup |= g->progs[q].occ == occ;
				if (dup)
					continue;
				struct dt_demo_prog *p = &g->progs[g->nprog++];
				p->school = s;
				p->occ = occ;
				p->level = dt_demo_pick_level(g, g->occs[occ].levels);
				if (p->level == 4)
					p->months = dt_demo_rng_chance(&g->rng, 0.4) ? 24 : 36;
				else
					p->months = dt_demo_rng_chance(&g->rng, 0.7) ? 36 : 30;
				int total =
					p->months * dt_demo_rng_range(&g->rng, 85, 100) / 10 * 10;
				p->company_h =
					(int)(total * (0.50 + 0.10 * dt_demo_rng_unit(&g->rng))) /
					10 * 10;
				p->school_h = total - p->company_h;
				o->nprog++;
			}
		}
	}
	return DT_OK;
}

static bool ilist_add(struct dt_demo_ilist *l, int x)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 8;
		int *v = realloc(l->v, (size_t)cap * sizeof(int));
		if (!v)
			return false;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = x;
	return true;
}

int dt_demo_ilist_pick(struct dt_demo_gen *g, const struct dt_demo_ilist *l)
{
	return l->v[dt_demo_rng_below(&g->rng, (uint32_t)l->n)];
}

/*
 * A partner school for an enterprise of @city and @ind: mostly a school of
 * the same city training for its industry, else one of the province that
 * does, else any school of the city.  Lists are per city and industry
 * (ci), per province and industry (pi) and per city (c).
 */
static int pick_partner(struct dt_demo_gen *g, const struct dt_demo_ilist *ci,
			const struct dt_demo_ilist *pi, const struct dt_demo_ilist *c)
{
	double u = dt_demo_rng_unit(&g->rng);
	if (u < 0.75 && ci->n)
		return dt_demo_ilist_pick(g, ci);
	if (u < 0.90 && pi->n)
		return dt_demo_ilist_pick(g, pi);
	return dt_demo_ilist_pick(g, c);
}

int dt_demo_plan_enterprises(struct dt_demo_gen *g)
{
	static const double size_w[4] = { 0.5, 1.0, 2.0, 4.0 };
	static const int mentors[4] = { 1, 2, 3, 6 };
	int per[DT_DEMO_NCITIES];
	int want = (int)((g->n * DT_DEMO_ENTERPRISES + DT_DEMO_TRAINEES - 1) / DT_DEMO_TRAINEES);
	g->nent = apportion(want < 3 * DT_DEMO_NCITIES ? 3 * DT_DEMO_NCITIES : want, 3, per);
	g->ents = calloc((size_t)g->nent, sizeof(*g->ents));
	g->slots = calloc((size_t)g->nent * 4, sizeof(*g->slots));
	g->slot_cum = calloc((size_t)g->nent * 4, sizeof(*g->slot_cum));
	struct dt_demo_ilist *ci = calloc((size_t)DT_DEMO_NCITIES * (size_t)g->ninds, sizeof(*ci));
	struct dt_demo_ilist *pi =
		calloc((size_t)DT_DEMO_NPROVINCES * (size_t)g->ninds, sizeof(*pi));
	struct dt_demo_ilist cl[DT_DEMO_NCITIES] = { { NULL, 0, 0 } };
	int rc = DT_OK;
	if (!g->ents || !g->slots || !g->slot_cum || !ci || !pi) {
		rc = dt_error(g->err, DT_ENOMEM, "out of memory");
		goto out;
	}
	for (int s = 0; s < g->nsch; s++) {
		const struct dt_demo_org *sch = &g->schools[s];
		int pidx = g->cities[sch->city].pidx;
		bool ok = ilist_add(&cl[sch->city], s);
		for (int ind = 0; ind < g->ninds && ok; ind++) {
			bool has = false;
			for (int q = sch->prog0; q < sch->prog0 + sch->nprog; q++)
				has |= g->occs[g->progs[q].occ].industry == ind;
			if (has)
				ok = ilist_add(&ci[sch->city * g->ninds + ind], s) &&
				     ilist_add(&pi[pidx * g->ninds + ind], s);
		}
		if (!ok) {
			rc = dt_error(g->err, DT_ENOMEM, "out of memory");
			goto out;
		}
	}
	int e = 0;
	for (int k = 0; k < DT_DEMO_NCITIES; k++) {
		struct dt_demo_city *c = &g->cities[k];
		c->nent = per[k];
		for (int j = 0; j < per[k]; j++, e++) {
			struct dt_demo_org *o = &g->ents[e];
			o->city = k;
			o->region = dt_demo_county_of_city(g, k);
			o->industry =
				c->ind[dt_demo_pick_weighted(&g->rng, c->iw, c->nind, c->iwsum)];
			double u = dt_demo_rng_unit(&g->rng);
			o->size = u < 0.10 ? 0 : u < 0.45 ? 1 : u < 0.80 ? 2 : 3;
			o->nmentors = mentors[o->size];
			const struct dt_demo_ilist *lci = &ci[k * g->ninds + o->industry];
			const struct dt_demo_ilist *lpi = &pi[c->pidx * g->ninds + o->industry];
			int want_p = dt_demo_rng_chance(&g->rng, 0.4) ? 2 : 1;
			for (int tries = 0; o->npartners < want_p && tries < 8; tries++) {
				int s = pick_partner(g, lci, lpi, &cl[k]);
				if (o->npartners && o->partners[0] == s)
					continue;
				o->partners[o->npartners++] = s;
				if (!ilist_add(&g->schools[s].ents, e)) {
					rc = dt_error(g->err, DT_ENOMEM, "out of memory");
					goto out;
				}
			}
			/* Training slots: programmes of the partner schools, its own industry first. */
			o->slot0 = g->nslots;
			for (int p = 0; p < o->npartners; p++) {
				const struct dt_demo_org *sch = &g->schools[o->partners[p]];
				int fit[5], nfit = 0;
				for (int q = sch->prog0; q < sch->prog0 + sch->nprog; q++)
					if (g->occs[g->progs[q].occ].industry == o->industry)
						fit[nfit++] = q;
				if (!nfit)
					for (int q = sch->prog0; q < sch->prog0 + sch->nprog; q++)
						fit[nfit++] = q;
				int ns =
					o->size >= 2 && nfit > 1 && dt_demo_rng_chance(&g->rng, 0.4)
						? 2
						: 1;
				int first = (int)dt_demo_rng_below(&g->rng, (uint32_t)nfit);
				for (int t = 0; t < ns; t++) {
					struct dt_demo_slot *sl = &g->slots[g->nslots++];
					sl->ent = e;
					sl->prog = fit[(first + t) % nfit];
				}
			}
			o->nslots = g->nslots - o->slot0;
			o->weight = size_w[o->size];
		}
	}
	double cum = 0;
	for (int i = 0; i < g->nslots; i++) {
		const struct dt_demo_org *o = &g->ents[g->slots[i].ent];
		cum += o->weight / o->nslots;
		g->slot_cum[i] = cum;
	}
out:
	for (int i = 0; ci && i < DT_DEMO_NCITIES * g->ninds; i++)
		free(ci[i].v);
	for (int i = 0; pi && i < DT_DEMO_NPROVINCES * g->ninds; i++)
		free(pi[i].v);
	for (int i = 0; i < DT_DEMO_NCITIES; i++)
		free(cl[i].v);
	free(ci);
	free(pi);
	return rc;
}

static int sample_slot(struct dt_demo_gen *g)
{
	double x = dt_demo_rng_unit(&g->rng) * g->slot_cum[g->nslots - 1];
	int lo = 0, hi = g->nslots - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (g->slot_cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int year_index(struct dt_demo_gen *g, int32_t start)
{
	int y = dt_date_from_days(start).year - g->year0;
	return dt_demo_clampi(y, 0, DT_DEMO_NYEARS - 1);
}

/*
 * Each trainee's slot, start date and kind.  Starts: the four Septembers
 * back from today carry most intakes, Marches some, the rest any first of a
 * month in between; drafts and pending contracts start next month or next
 * March.
 */
int dt_demo_plan_trainees(struct dt_demo_gen *g)
{
	g->plans = calloc((size_t)g->n, sizeof(*g->plans));
	if (!g->plans)
		return dt_error(g->err, DT_ENOMEM, "out of memory");
	int32_t first_of_month = dt_demo_days_of(g->today_d.year, g->today_d.month, 1);
	int32_t next_month = dt_demo_add_months(first_of_month, 1);
	int32_t next_march =
		dt_demo_days_of(g->today_d.year + (g->today_d.month >= 3 ? 1 : 0), 3, 1);
	int span = (int)((g->today_d.year - g->year0) * 12 + g->today_d.month -
			 9); /* months since first_sept */
	for (int64_t i = 0; i < g->n; i++) {
		struct dt_demo_plan *p = &g->plans[i];
		p->slot = sample_slot(g);
		double u = dt_demo_rng_unit(&g->rng);
		if (u < 0.03) {
			p->kind = DT_DEMO_PLAN_NONE;
			p->start = g->today;
			continue;
		}
		if (u < 0.065) {
			p->kind = u < 0.045 ? DT_DEMO_PLAN_DRAFT : DT_DEMO_PLAN_PENDING;
			p->start = dt_demo_rng_chance(&g->rng, 0.4) ? next_month : next_march;
		} else {
			p->kind = DT_DEMO_PLAN_STARTED;
			double v = dt_demo_rng_unit(&g->rng);
			int y = (int)dt_demo_rng_below(&g->rng,
						       4); /* 0..3: Septembers year0 .. year0+3 */
			if (v < 0.80) {
				p->start = dt_demo_days_of(g->year0 + y, 9, 1);
			} else if (v < 0.90 && y > 0) {
				p->start = dt_demo_days_of(g->year0 + y, 3, 1);
			} else {
				p->start = dt_demo_add_months(
					g->first_sept,
					(int)dt_demo_rng_below(&g->rng, (uint32_t)span + 1));
			}
			if (p->start > g->today)
				p->start = first_of_month;
		}
		struct dt_demo_slot *sl = &g->slots[p->slot];
		sl->intake[year_index(g, p->start)]++;
		g->cities[g->ents[sl->ent].city].trainees++;
	}
	return DT_OK;
}
