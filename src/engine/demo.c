/*
 * demo.c - the demo pilot and the scale generator: its driver.
 *
 * Builds a complete Northeast pilot: four provinces and nine cities as
 * pilots, government departments and assessment bodies per city, schools
 * with programmes, enterprises with partner schools, demand and training
 * places, trainees with valid national IDs, and three-party contracts driven
 * through the store's contract actions (submit, three approvals, activate,
 * then complete, dissolve or transfer), with record-book entries signed off
 * by mentors, assessments and outcomes.  Every record goes through the
 * store's ordinary create and action functions, so every rule and the audit
 * chain apply; a refused write is a bug here and stops the run with the
 * record named.
 *
 * The run has two halves.  First everything is planned in memory (cities,
 * counties, occupations, organisations, programmes, each trainee's training
 * slot and start date), because places and partnerships are sized by the
 * intake they will receive.  Then it is written in dependency order inside
 * explicit transactions committed every BATCH top-level writes.  All randomness comes
 * from one xoshiro256** stream consumed in a fixed order, so a seed and a
 * size give the same records; "today" comes from dt_date_today(), so dates
 * stay consistent with the rules (entries not in the future, ages).
 *
 * Sizes scale with the trainee count: the demo's 5,000 trainees come with
 * 300 enterprises and 40 schools.  Up to the demo size a record book has
 * about one entry per site per month; above it one per site per quarter,
 * which keeps a million trainees feasible.
 *
 * This file is the driver (dt_demo_generate), the set of names already
 * used, and the writes through the store with their transaction batches.
 * The generator's other parts: demo_geo.c (geography and reference tables),
 * demo_plan.c (the plan in memory), demo_orgs.c (organisations) and
 * demo_life.c (trainees and contracts), sharing demo_internal.h.
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

/* ---- the set of names already used ---- */

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h | 1; /* 0 marks an empty slot */
}

static bool names_grow(struct dt_demo_gen *g)
{
	size_t cap = g->names_cap ? g->names_cap * 2 : 1024;
	uint64_t *h = calloc(cap, sizeof(*h));
	if (!h)
		return false;
	for (size_t i = 0; i < g->names_cap; i++) {
		if (!g->names[i])
			continue;
		size_t j = g->names[i] & (cap - 1);
		while (h[j])
			j = (j + 1) & (cap - 1);
		h[j] = g->names[i];
	}
	free(g->names);
	g->names = h;
	g->names_cap = cap;
	return true;
}

/* Add @name; false if it was already there (or memory ran out). */
bool dt_demo_names_add(struct dt_demo_gen *g, const char *name)
{
	if ((g->names_n + 1) * 2 > g->names_cap && !names_grow(g))
		return false;
	uint64_t h = fnv(name);
	size_t j = h & (g->names_cap - 1);
	while (g->names[j]) {
		if (g->names[j] == h)
			return false;
		j = (j + 1) & (g->names_cap - 1);
	}
	g->names[j] = h;
	g->names_n++;
	return true;
}
/* ---- writing through the store ---- */

int dt_demo_fail(struct dt_demo_gen *g, int rc, struct dt_strbuf *why, const char *fmt, va_list ap)
{
	struct dt_strbuf label = DT_STRBUF_INIT;
	dt_strbuf_vaddf(&label, fmt, ap);
	dt_strbuf_setf(g->err, "%s: %s", label.buf, why->buf);
	dt_strbuf_release(&label);
	return rc;
}

/* Create one record; *@id (may be NULL) receives its id.  Takes @in. */
int dt_demo_w_create(struct dt_demo_gen *g, const char *entity, json_t *in, int64_t *id,
		     const char *fmt, ...)
{
	json_t *out = NULL;
	struct dt_strbuf e2 = DT_STRBUF_INIT;
	int rc = in ? dt_store_create(g->s, g->a, entity, in, id ? &out : NULL, &e2)
		    : dt_error(&e2, DT_ENOMEM, "out of memory");
	json_decref(in);
	if (rc == DT_OK) {
		if (id)
			*id = json_integer_value(json_object_get(out, "id"));
		g->pending++;
	} else {
		va_list ap;
		va_start(ap, fmt);
		dt_demo_fail(g, rc, &e2, fmt, ap);
		va_end(ap);
	}
	json_decref(out);
	dt_strbuf_release(&e2);
	return rc;
}

/* One contract action; *@out (may be NULL) receives the store's answer.  Takes @args. */
int dt_demo_w_act(struct dt_demo_gen *g, int64_t cid, enum dt_contract_event ev,
		  enum dt_party party, json_t *args, json_t **out)
{
	struct dt_strbuf e2 = DT_STRBUF_INIT;
	int rc = dt_store_contract_act(g->s, g->a, NULL, cid, ev, party, args, out, &e2);
	json_decref(args);
	if (rc == DT_OK) {
		g->pending++;
	} else {
		dt_strbuf_setf(g->err, "contract %lld: %s: %s", (long long)cid,
			       dt_contract_event_name(ev), e2.buf);
	}
	dt_strbuf_release(&e2);
	return rc;
}

int dt_demo_w_signoff_batch(struct dt_demo_gen *g, const int64_t *ids, const char *const *ats,
			    size_t n)
{
	struct dt_strbuf e2 = DT_STRBUF_INIT;
	/* signed by the mentor the contract names for the entries' site */
	static const struct dt_store_signer named = { DT_SIGNER_ANY, 0, true };
	int rc = dt_store_record_signoff_batch_at(g->s, g->a, NULL, &named, ids, ats, n, NULL, &e2);
	if (rc == DT_OK)
		g->pending += (int)n;
	else
		dt_strbuf_setf(g->err, "record-book entries %lld..: sign-off: %s",
			       (long long)ids[0], e2.buf);
	dt_strbuf_release(&e2);
	return rc;
}

/* Commit when the batch is full and open the next transaction. */
int dt_demo_batch(struct dt_demo_gen *g, bool force)
{
	if (!force && g->pending < DT_DEMO_BATCH)
		return DT_OK;
	int rc = dt_store_commit(g->s, g->err);
	g->in_tx = false;
	if (rc == DT_OK) {
		g->pending = 0;
		rc = dt_store_begin(g->s, g->err);
		g->in_tx = rc == DT_OK;
	}
	return rc;
}
/* ---- the whole run ---- */

static void gen_free(struct dt_demo_gen *g)
{
	if (!g)
		return;
	for (int i = 0; g->counties && i < g->ncounties; i++)
		free(g->counties[i].name);
	free(g->counties);
	for (int i = 0; g->inds && i < g->ninds; i++) {
		free(g->inds[i].key);
		free(g->inds[i].occs);
	}
	free(g->inds);
	for (int i = 0; g->occs && i < g->noccs; i++) {
		free(g->occs[i].code);
		free(g->occs[i].name);
		free(g->occs[i].levels);
	}
	free(g->occs);
	for (int k = 0; k < DT_DEMO_NCITIES; k++)
		free(g->cities[k].name);
	for (int s = 0; s < g->nsch && g->schools; s++)
		free(g->schools[s].ents.v);
	free(g->schools);
	free(g->ents);
	free(g->progs);
	free(g->slots);
	free(g->slot_cum);
	free(g->plans);
	free(g->names);
	free(g->cells);
}

static int refuse_if_filled(struct dt_demo_gen *g)
{
	static const char *const kinds[] = { "organization", "pilot" };
	for (size_t k = 0; k < DT_ARRAY_SIZE(kinds); k++) {
		int64_t n = 0;
		int rc = dt_store_count(g->s, NULL, kinds[k], NULL, &n, g->err);
		if (rc != DT_OK)
			return rc;
		if (n > 0)
			return dt_error(
				g->err, DT_ECONFLICT,
				"the database already holds %lld %s record%s: the demo goes into an empty pilot database (run init on a new file)",
				(long long)n, kinds[k], n == 1 ? "" : "s");
	}
	return DT_OK;
}

enum dt_err dt_demo_generate(struct dt_store *s, const struct dt_actor *a,
			     const struct dt_demo_opts *o, struct dt_demo_stats *stats,
			     struct dt_strbuf *err)
{
	struct dt_demo_gen *g = calloc(1, sizeof(*g));
	struct dt_demo_stats local;
	if (!g)
		return dt_error(err, DT_ENOMEM, "out of memory");
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	g->s = s;
	g->a = a;
	g->o = o;
	g->st = stats;
	g->err = err;
	g->seed = o && o->seed ? o->seed : 1;
	g->n = o && o->trainees ? o->trainees : DT_DEMO_TRAINEES;
	g->monthly = g->n <= DT_DEMO_TRAINEES;
	dt_demo_rng_seed(&g->rng, g->seed);
	g->today_d = dt_date_today();
	g->today = dt_date_to_days(g->today_d);
	/* The latest September not after today; the first intake is three years earlier. */
	int y = g->today_d.month >= 9 ? g->today_d.year : g->today_d.year - 1;
	g->year0 = y - 3;
	g->first_sept = dt_demo_days_of(g->year0, 9, 1);

	int rc = DT_OK;
	if (g->n < 1 || g->n > 100000000) {
		rc = dt_error(err, DT_EINVAL, "trainees: %lld is out of range 1..100000000",
			      (long long)g->n);
		goto out;
	}
	rc = refuse_if_filled(g);
	if (rc == DT_OK)
		rc = dt_demo_load_regions(g);
	if (rc == DT_OK)
		rc = dt_demo_load_occupations(g);
	if (rc == DT_OK)
		rc = dt_demo_plan_schools(g);
	if (rc == DT_OK)
		rc = dt_demo_plan_enterprises(g);
	if (rc == DT_OK)
		rc = dt_demo_plan_trainees(g);
	if (rc != DT_OK)
		goto out;
	/* Birth days from 26 years before the first intake to today. */
	g->cell_base = dt_date_to_days((struct dt_date){ g->year0 - 27, 1, 1 });
	g->cell_days = g->today - g->cell_base + 1;
	g->cells = calloc((size_t)g->ncounties * (size_t)g->cell_days * 2, sizeof(uint16_t));
	if (!g->cells) {
		rc = dt_error(err, DT_ENOMEM, "out of memory");
		goto out;
	}
	if (o && o->progress)
		o->progress(o->progress_ctx, 0, g->n);

	rc = dt_store_begin(s, err);
	if (rc != DT_OK)
		goto out;
	g->in_tx = true;
	/* the record books' entries: one audit event per batch of creates */
	dt_store_audit_defer(s, g->a, "record_entry");
	rc = dt_demo_write_pilots(g);
	if (rc == DT_OK)
		rc = dt_demo_write_authorities(g);
	if (rc == DT_OK)
		rc = dt_demo_write_schools(g);
	if (rc == DT_OK)
		rc = dt_demo_write_enterprises(g);
	if (rc == DT_OK)
		rc = dt_demo_write_places_and_demand(g);
	if (rc == DT_OK)
		rc = dt_demo_write_trainees(g);
	if (rc == DT_OK) {
		rc = dt_store_commit(s, err);
		g->in_tx = false;
	}
	if (rc == DT_OK && o && o->progress && g->n % DT_DEMO_PROGRESS_EVERY)
		o->progress(o->progress_ctx, g->n, g->n);
out:
	if (g->in_tx)
		dt_store_rollback(s);
	dt_store_audit_defer(s, NULL, NULL);
	gen_free(g);
	free(g);
	return rc;
}
