/*
 * demo_life.c - the demo generator's trainees and their contracts.
 *
 * Writes each planned trainee with a valid national ID, then drives their
 * three-party contract through the store's actions (submit, approvals,
 * activate, then complete, dissolve or transfer), with record-book entries
 * signed off by mentors, assessments and an outcome.  Part of the generator
 * in demo.c.
 */
#include "core/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/natid.h"
#include "domain/record.h"
#include "domain/trainee.h"
#include "domain/uscc.h"
#include "engine/demo.h"
#include "engine/demo_internal.h"
#include "engine/demo_names.h"
#include "core/banned.h"

/* ---- trainees and their contracts ---- */

static void mentor_name(struct dt_demo_gen *g, uint64_t tag, uint64_t idx, uint64_t k,
			struct dt_strbuf *out)
{
	struct dt_demo_rng r;
	dt_demo_derive(g, &r, tag, idx, k);
	dt_demo_person_name(&r, dt_demo_rng_chance(&r, 0.55) ? 'M' : 'F', out);
}

/*
 * Mentor @k of the register behind a contract: tag 2 is company mentor @k
 * of enterprise @idx (organisation @org), tag 3 school mentor @k of
 * programme @idx (of school @org).  Its name into @name; made in the
 * register on first use, with a qualification and skill level from its
 * own derived stream (the main stream is not touched), its id kept in
 * *@slot.
 */
static int mentor_of(struct dt_demo_gen *g, uint64_t tag, uint64_t idx, uint64_t k, int64_t org,
		     int64_t *slot, struct dt_strbuf *name)
{
	static const char *const company_q[] = { "数控车工高级技师", "焊工技师", "电工高级工",
						 "钳工技师", "机修钳工高级技师" };
	static const char *const school_q[] = { "双师型教师", "高级讲师", "讲师 / 技师",
						"一体化教师" };
	mentor_name(g, tag, idx, k, name);
	if (*slot)
		return DT_OK;
	struct dt_demo_rng r;
	dt_demo_derive(g, &r, tag + 100, idx, k);
	bool company = tag == 2;
	const char *q = company ? company_q[dt_demo_rng_below(&r, DT_ARRAY_SIZE(company_q))]
				: school_q[dt_demo_rng_below(&r, DT_ARRAY_SIZE(school_q))];
	json_t *in =
		json_pack("{s:s, s:I, s:s, s:s, s:i}", "name", name->buf, "organization_id",
			  (json_int_t)org, "kind", company ? "company" : "school", "qualification",
			  q, "skill_level", (int)(1 + dt_demo_rng_below(&r, 3)));
	return dt_demo_w_create(g, "mentor", in, slot, "mentor %s", name->buf);
}

/*
 * A national ID unique by construction: per (county, birth day) cell each
 * gender counts up, and the k-th man or woman of a cell gets a sequence
 * number from a bijection of k (odd for men, even for women).  A full cell
 * (500 of one gender born the same day in one county) moves the birth a day
 * earlier.
 */
static int make_natid(struct dt_demo_gen *g, int county_idx, int32_t *birth, char gender,
		      char out[DT_NATID_LEN + 1])
{
	for (;;) {
		int32_t d = *birth - g->cell_base;
		if (d < 0 || d >= g->cell_days)
			return dt_error(g->err, DT_EINTERNAL,
					"birth date out of the planned range");
		uint16_t *cnt =
			&g->cells[((size_t)county_idx * (size_t)g->cell_days + (size_t)d) * 2 +
				  (gender == 'F')];
		int cap = gender == 'F' ? 499 : 500;
		if (*cnt >= cap) {
			(*birth)--;
			continue;
		}
		unsigned k = (*cnt)++;
		uint64_t hx = ((uint64_t)county_idx << 32) ^ (uint64_t)d ^ g->seed;
		unsigned h = (unsigned)(dt_demo_splitmix(&hx) % (unsigned)cap);
		unsigned m = (k * 7 + h) % (unsigned)cap;
		unsigned seq = gender == 'F' ? 2 * m + 2 : 2 * m + 1;
		struct dt_date b = dt_date_from_days(*birth);
		snprintf(out, DT_NATID_LEN + 1, "%06d%04d%02d%02d%03u",
			 g->counties[county_idx].code, b.year, b.month, b.day, seq);
		out[17] = dt_natid_check_char(out);
		out[18] = 0;
		return DT_OK;
	}
}

static const char *const mobile_prefix[] = { "130", "131", "132", "133", "135", "136", "137", "138",
					     "139", "150", "151", "152", "155", "156", "157", "158",
					     "159", "176", "177", "178", "180", "181", "182", "183",
					     "185", "186", "187", "188", "189", "199" };

static int write_trainee(struct dt_demo_gen *g, int64_t i, const struct dt_demo_plan *p,
			 int school_city, int64_t *tid)
{
	/* Age at the contract start (or today): 16..24, most 16-19. */
	static const int age_w[9] = { 18, 20, 17, 14, 10, 8, 6, 4, 3 };
	int age = 16 + dt_demo_pick_weighted(&g->rng, age_w, 9, 100);
	if (p->kind == DT_DEMO_PLAN_NONE && age > 21)
		age -= 4;
	int32_t birth =
		dt_date_to_days(dt_date_add_months(dt_date_from_days(p->start), -12 * age)) -
		dt_demo_rng_range(&g->rng, 1, 364);
	if (dt_trainee_age(dt_date_from_days(birth), g->today_d) < DT_TRAINEE_MIN_AGE)
		birth = dt_date_to_days(dt_date_add_months(dt_date_from_days(birth), -12));
	char gender = dt_demo_rng_chance(&g->rng, 0.58) ? 'M' : 'F';
	/* Home county: mostly the school's city, otherwise anywhere in its province. */
	const struct dt_demo_city *c = &g->cities[school_city];
	int ci;
	if (dt_demo_rng_chance(&g->rng, 0.7))
		ci = c->c0 + (int)dt_demo_rng_below(&g->rng, (uint32_t)(c->c1 - c->c0));
	else
		ci = g->prov_c0[c->pidx] +
		     (int)dt_demo_rng_below(&g->rng,
					    (uint32_t)(g->prov_c1[c->pidx] - g->prov_c0[c->pidx]));
	char natid[DT_NATID_LEN + 1], bdate[DT_DATE_STRLEN], region[8], phone[16];
	int rc = make_natid(g, ci, &birth, gender, natid);
	if (rc != DT_OK)
		return rc;
	dt_demo_date_str(birth, bdate);
	snprintf(region, sizeof(region), "%06d", g->counties[ci].code);
	snprintf(phone, sizeof(phone), "%s%08u",
		 mobile_prefix[dt_demo_rng_below(&g->rng, DT_ARRAY_SIZE(mobile_prefix))],
		 dt_demo_rng_below(&g->rng, 100000000));
	struct dt_strbuf name = DT_STRBUF_INIT, surname = DT_STRBUF_INIT;
	dt_demo_surname(&g->rng, &surname);
	dt_strbuf_adds(&name, surname.buf);
	dt_demo_given_name(&g->rng, gender, &name);
	json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "national_id", natid, "name",
			       name.buf, "gender", gender == 'M' ? "M" : "F", "birth_date", bdate,
			       "region", region, "phone", phone);
	/* A guardian where the trainee rule (domain/trainee.c) asks for one. */
	if (in &&
	    dt_trainee_age_check(NULL, dt_date_from_days(birth), g->today_d, NULL, true) != DT_OK) {
		dt_strbuf_reset(&name);
		dt_strbuf_adds(&name, surname.buf);
		dt_demo_given_name(&g->rng, dt_demo_rng_chance(&g->rng, 0.6) ? 'M' : 'F', &name);
		json_object_set_new(in, "guardian_name", json_string(name.buf));
	}
	rc = dt_demo_w_create(g, "trainee", in, tid, "trainee %lld", (long long)i + 1);
	dt_strbuf_release(&name);
	dt_strbuf_release(&surname);
	if (rc == DT_OK)
		g->st->trainees++;
	return rc;
}

/* What one contract needs to know while it is written. */
struct cctx {
	int64_t id;
	const struct dt_demo_prog *prog;
	const struct dt_demo_org *ent, *sch;
	int32_t start, end;
	double ratio; /* company share of the record book's hours */
	int stipend;
	bool burst; /* the mentor signs the last months' entries at once (a data-quality alert) */
};

/* The sign-offs of one site of a record book, made in one batch (one audit event). */
struct signoffs {
	int64_t *ids;
	char (*at)[DT_TIME_STRLEN]; /* "" now */
	size_t n, cap;
};

/* Sign off the entries gathered in @so, in one batch, and empty it. */
static int signoffs_flush(struct dt_demo_gen *g, struct signoffs *so)
{
	if (!so->n)
		return DT_OK;
	const char **ats = malloc(so->n * sizeof(*ats));
	if (!ats)
		return dt_error(g->err, DT_ENOMEM, "out of memory");
	for (size_t i = 0; i < so->n; i++)
		ats[i] = so->at[i][0] ? so->at[i] : NULL;
	int rc = dt_demo_w_signoff_batch(g, so->ids, ats, so->n);
	free(ats);
	so->n = 0;
	return rc;
}

static void signoffs_release(struct signoffs *so)
{
	free(so->ids);
	free(so->at);
}

/*
 * Sign off entry @eid of day @d as a mentor would: one to ten days later,
 * in office hours (China time), never after now.  Entries of a burst
 * contract dated in the four months before the last fortnight are signed
 * now, all within the same minute: the signoff_burst alert of the demo.
 * The sign-off joins @so, made when the record book's entries are written.
 */
static int sign_entry(struct dt_demo_gen *g, const struct cctx *c, struct signoffs *so, int64_t eid,
		      int32_t d)
{
	int32_t when = d + dt_demo_rng_range(&g->rng, 1, 10);
	int minute = dt_demo_rng_range(&g->rng, 0, 10 * 60 - 1); /* 08:00..17:59 +08:00 */
	int sec = dt_demo_rng_range(&g->rng, 0, 59999);
	if (so->n == so->cap) {
		size_t cap = so->cap ? 2 * so->cap : 64;
		int64_t *ids = realloc(so->ids, cap * sizeof(*ids));
		if (ids)
			so->ids = ids;
		char(*at)[DT_TIME_STRLEN] = realloc(so->at, cap * sizeof(*at));
		if (at)
			so->at = at;
		if (!ids || !at)
			return dt_error(g->err, DT_ENOMEM, "out of memory");
		so->cap = cap;
	}
	so->ids[so->n] = eid;
	char *at = so->at[so->n++];
	at[0] = 0;
	if (c->burst && d >= g->today - 130)
		return so->n >= DT_SIGNOFF_BATCH_MAX ? signoffs_flush(g, so) : DT_OK;
	struct dt_date w = dt_date_from_days(when);
	char t[64], now[DT_TIME_STRLEN];
	snprintf(t, sizeof(t), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", w.year, w.month, w.day,
		 minute / 60, minute % 60, sec / 1000, sec % 1000);
	dt_time_now(now);
	if (strcmp(t, now) < 0 && strlen(t) < DT_TIME_STRLEN)
		memcpy(at, t, strlen(t) + 1);
	return so->n >= DT_SIGNOFF_BATCH_MAX ? signoffs_flush(g, so) : DT_OK;
}

/* The longest day the demo writes into a record book: a working day. */
#define DEMO_DAY_HOURS 8.0

/*
 * A day of period [@lo, @lo + @ndays) for @h more hours, whose hours so far
 * are @used[]: a random one, or the next with room under the record book's
 * daily limit (domain/record.c, the rule the store applies); -1 if none has.
 */
static int32_t pick_day(struct dt_demo_gen *g, int32_t lo, int ndays, const double *used, double h)
{
	int first = (int)dt_demo_rng_below(&g->rng, (uint32_t)ndays);
	for (int k = 0; k < ndays; k++) {
		int i = (first + k) % ndays;
		if (dt_record_day_check(NULL, dt_date_from_days(lo + i), used[i], h,
					DT_RECORD_DAY_LIMIT) == DT_OK)
			return lo + i;
	}
	return -1;
}

/*
 * Record-book entries from @from to @to (inclusive): per month (or quarter)
 * the hours at the company and at the school, split by @c->ratio and
 * scaled down for a part period, written as days of at most DEMO_DAY_HOURS,
 * no day over the daily limit; entries older than two weeks are signed off
 * (almost all), the recent ones wait.
 */
static int write_entries(struct dt_demo_gen *g, const struct cctx *c, int32_t from, int32_t to)
{
	int step = g->monthly ? 1 : 3;
	int rc = DT_OK;
	struct signoffs so[2] = { { 0 }, { 0 } }; /* company's, school's */
	const char *ind = g->inds[g->occs[c->prog->occ].industry].key;
	char date[DT_DATE_STRLEN];
	double used[96]; /* hours per day of the period: a quarter at most */
	for (int32_t b = c->start; b <= to && rc == DT_OK; b = dt_demo_add_months(b, step)) {
		int32_t b_end = dt_demo_add_months(b, step) - 1;
		int32_t lo = dt_demo_max32(b, from), hi = dt_demo_min32(b_end, to);
		if (lo > hi)
			continue;
		int ndays = (int)(hi - lo + 1);
		for (int i = 0; i < ndays; i++)
			used[i] = 0;
		double part = (double)(hi - lo + 1) / (double)(b_end - b + 1);
		if (part < 0.25)
			part = 0.25;
		double total = (g->monthly ? 30 : 36) + 10 * dt_demo_rng_unit(&g->rng);
		for (int site = 0; site < 2 && rc == DT_OK; site++) {
			double share = site == 0 ? c->ratio : 1 - c->ratio;
			double hours = floor(total * share * part * 2 + 0.5) / 2;
			hours = hours < 1 ? 1 : hours;
			int ndays_site = (int)ceil(hours / DEMO_DAY_HOURS);
			for (int k = 0; k < ndays_site && rc == DT_OK; k++) {
				/* Even days in halves of an hour; the last takes what is left. */
				double h = k + 1 < ndays_site
						   ? floor(hours / ndays_site * 2) / 2
						   : hours - (ndays_site - 1) *
								     floor(hours / ndays_site * 2) /
								     2;
				int32_t d = pick_day(g, lo, ndays, used, h);
				if (d < 0)
					break; /* the period is full: the rest is not written */
				used[d - lo] += h;
				dt_demo_date_str(d, date);
				json_t *in = json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id",
						       (json_int_t)c->id, "date", date, "site",
						       site == 0 ? "company" : "school", "hours", h,
						       "content",
						       dt_demo_content(&g->rng, ind, site == 0));
				int64_t eid = 0;
				rc = dt_demo_w_create(g, "record_entry", in, &eid,
						      "record-book entry of contract %lld on %s",
						      (long long)c->id, date);
				if (rc != DT_OK)
					break;
				g->st->entries++;
				if (d <= g->today - 14 && dt_demo_rng_chance(&g->rng, 0.97))
					rc = sign_entry(g, c, &so[site], eid, d);
			}
		}
	}
	for (int site = 0; site < 2; site++) {
		if (rc == DT_OK)
			rc = signoffs_flush(g, &so[site]);
		signoffs_release(&so[site]);
	}
	return rc;
}

static int write_assessment(struct dt_demo_gen *g, const struct cctx *c, const char *kind,
			    int32_t date, bool pass, int level)
{
	char d[DT_DATE_STRLEN], cert[40];
	dt_demo_date_str(date, d);
	double score = pass ? 60 + dt_demo_rng_range(&g->rng, 0, 76) / 2.0
			    : 30 + dt_demo_rng_range(&g->rng, 0, 58) / 2.0;
	const struct dt_demo_city *city = &g->cities[c->ent->city];
	json_t *in = json_pack(
		"{s:I, s:s, s:s, s:s, s:f, s:I}", "contract_id", (json_int_t)c->id, "kind", kind,
		"date", d, "result", pass ? "pass" : "fail", "score", score, "assessor_id",
		(json_int_t)
			city->assessors[dt_demo_rng_below(&g->rng, (uint32_t)city->nassessors)]);
	if (in && level) {
		json_object_set_new(in, "level", json_integer(level));
		if (pass) {
			snprintf(cert, sizeof(cert), "S%04d%06d%07llu",
				 dt_date_from_days(date).year, city->def->code,
				 (unsigned long long)++g->cert_counter);
			json_object_set_new(in, "certificate_no", json_string(cert));
		}
	}
	int rc = dt_demo_w_create(g, "assessment", in, NULL, "%s assessment of contract %lld", kind,
				  (long long)c->id);
	if (rc == DT_OK)
		g->st->assessments++;
	return rc;
}

/* Intermediate assessment about a year in, when it falls in [from, to]. */
static int maybe_intermediate(struct dt_demo_gen *g, const struct cctx *c, int32_t from, int32_t to)
{
	int32_t d = dt_demo_add_months(c->start, 12) + dt_demo_rng_range(&g->rng, 0, 45);
	if (d < from || d > to)
		return DT_OK;
	bool pass = dt_demo_rng_chance(&g->rng, 0.9);
	int rc = write_assessment(g, c, "intermediate", d, pass, 0);
	/* Half of those who pass take the entry-level certificate one level below the goal. */
	if (rc == DT_OK && pass && c->prog->level < 5 &&
	    dt_demo_has_level(g->occs[c->prog->occ].levels, c->prog->level + 1) &&
	    dt_demo_rng_chance(&g->rng, 0.5))
		rc = write_assessment(g, c, "skill_level",
				      dt_demo_min32(d + dt_demo_rng_range(&g->rng, 7, 30), to),
				      true, c->prog->level + 1);
	return rc;
}

/* Final assessment before the end: 85% pass; most who fail pass a second attempt. */
static int final_assessments(struct dt_demo_gen *g, const struct cctx *c, bool *passed)
{
	int32_t d = c->end - dt_demo_rng_range(&g->rng, 25, 60);
	bool pass = dt_demo_rng_chance(&g->rng, 0.85);
	int rc = write_assessment(g, c, "final", d, pass, c->prog->level);
	if (rc == DT_OK && !pass) {
		pass = dt_demo_rng_chance(&g->rng, 0.8);
		rc = write_assessment(g, c, "final", d + dt_demo_rng_range(&g->rng, 10, 20), pass,
				      c->prog->level);
	}
	if (rc == DT_OK && pass)
		rc = write_assessment(g, c, "skill_level", d + dt_demo_rng_range(&g->rng, 1, 5),
				      true, c->prog->level);
	*passed = pass;
	return rc;
}

static int write_outcome(struct dt_demo_gen *g, const struct cctx *c, int32_t ended, bool completed,
			 bool passed)
{
	if (ended > g->today - 10)
		return DT_OK; /* too recent: nothing known yet */
	const char *kind;
	double u = dt_demo_rng_unit(&g->rng);
	if (completed) {
		double keep = passed ? 0.63 : 0.40;
		kind = u < keep          ? "retained"
		       : u < keep + 0.20 ? "employed_elsewhere"
		       : u < keep + 0.30 ? "further_study"
					 : "not_employed";
	} else {
		if (!dt_demo_rng_chance(&g->rng, 0.6))
			return DT_OK;
		kind = u < 0.45 ? "employed_elsewhere" : u < 0.7 ? "further_study" : "not_employed";
	}
	char d[DT_DATE_STRLEN];
	dt_demo_date_str(dt_demo_min32(ended + dt_demo_rng_range(&g->rng, 0, 75), g->today), d);
	json_t *in = json_pack("{s:I, s:s, s:s}", "contract_id", (json_int_t)c->id, "kind", kind,
			       "date", d);
	if (in && !strcmp(kind, "retained")) {
		json_object_set_new(
			in, "wage_monthly",
			json_integer((c->stipend + dt_demo_rng_range(&g->rng, 1200, 3000)) / 50 *
				     50));
	} else if (in && !strcmp(kind, "employed_elsewhere")) {
		json_object_set_new(in, "wage_monthly",
				    json_integer(dt_demo_rng_range(&g->rng, 3200, 6500) / 50 * 50));
		/* Another enterprise of the same city. */
		int tries = 0;
		for (;;) {
			int e = (int)dt_demo_rng_below(&g->rng, (uint32_t)g->nent);
			if ((g->ents[e].city == c->ent->city && &g->ents[e] != c->ent) ||
			    ++tries > 50) {
				if (&g->ents[e] != c->ent)
					json_object_set_new(in, "employer_id",
							    json_integer(g->ents[e].id));
				break;
			}
		}
	}
	int rc = dt_demo_w_create(g, "outcome", in, NULL, "outcome of contract %lld",
				  (long long)c->id);
	if (rc == DT_OK)
		g->st->outcomes++;
	return rc;
}

static json_t *date_args(int32_t d)
{
	char s[DT_DATE_STRLEN];
	dt_demo_date_str(d, s);
	return json_pack("{s:s}", "date", s);
}

/* Submit, approve three times and activate. */
static int activate(struct dt_demo_gen *g, int64_t cid)
{
	int rc = dt_demo_w_act(g, cid, DT_CEV_SUBMIT, DT_PARTY_ENTERPRISE, NULL, NULL);
	for (int p = 0; p < DT_PARTY_N && rc == DT_OK; p++)
		rc = dt_demo_w_act(g, cid, DT_CEV_APPROVE, (enum dt_party)p, NULL, NULL);
	if (rc == DT_OK)
		rc = dt_demo_w_act(g, cid, DT_CEV_ACTIVATE, DT_PARTY_ENTERPRISE, NULL, NULL);
	return rc;
}

static int stipend_for(struct dt_demo_gen *g, const struct dt_demo_org *ent)
{
	const struct dt_demo_city *c = &g->cities[ent->city];
	int s;
	if (dt_demo_rng_chance(&g->rng, 0.05))
		s = dt_demo_rng_range(&g->rng, 1650, 2050); /* below the local minimum wage */
	else
		s = c->def->stipend + 150 * ent->size + dt_demo_rng_range(&g->rng, -450, 1300);
	return dt_demo_clampi(s, 1500, 4800) / 50 * 50;
}

/* Dissolve @c on a day before today and its end: 35% in probation, the rest later on. */
static int life_dissolve(struct dt_demo_gen *g, const struct cctx *c)
{
	int rc;
	int32_t d;
	if (dt_demo_rng_chance(&g->rng, 0.35))
		d = c->start + dt_demo_rng_range(&g->rng, 7, 85); /* in probation */
	else
		d = c->start +
		    dt_demo_rng_range(&g->rng, 100, dt_demo_max32(100, c->end - c->start - 30));
	d = dt_demo_min32(d, dt_demo_min32(g->today - 1, c->end - 1));
	if (d < c->start)
		d = c->start;
	rc = write_entries(g, c, c->start, d);
	if (rc == DT_OK)
		rc = maybe_intermediate(g, c, c->start, d);
	if (rc == DT_OK) {
		json_t *args = date_args(d);
		if (args)
			json_object_set_new(args, "reason",
					    json_string(dt_demo_dissolution_reason(&g->rng)));
		rc = dt_demo_w_act(g, c->id, DT_CEV_DISSOLVE, DT_PARTY_ENTERPRISE, args, NULL);
	}
	if (rc == DT_OK)
		rc = write_outcome(g, c, d, false, false);
	return rc;
}

/*
 * Transfer @c on day @t to enterprise @to, a partner of the same school:
 * entries up to the day before, then the successor contract activated and
 * lived to @last, completed when its end has passed.
 */
static int life_transfer(struct dt_demo_gen *g, const struct cctx *c, const struct dt_demo_org *to,
			 int32_t t, int32_t last)
{
	int rc = write_entries(g, c, c->start, t - 1);
	if (rc == DT_OK)
		rc = maybe_intermediate(g, c, c->start, t - 1);
	struct dt_strbuf m2 = DT_STRBUF_INIT;
	size_t to_idx = (size_t)(to - g->ents);
	uint32_t k2 = dt_demo_rng_below(&g->rng, (uint32_t)to->nmentors);
	int64_t *slot2 = &g->ents[to_idx].mentor_ids[k2];
	int rc2 = mentor_of(g, 2, to_idx, k2, to->id, slot2, &m2);
	json_t *args = rc2 == DT_OK ? date_args(t) : NULL, *out = NULL;
	if (args) {
		json_object_set_new(args, "enterprise_id", json_integer(to->id));
		json_object_set_new(args, "company_mentor", json_string(m2.buf));
		json_object_set_new(args, "company_mentor_id", json_integer(*slot2));
	}
	dt_strbuf_release(&m2);
	if (rc2 != DT_OK)
		return rc2;
	if (rc == DT_OK)
		rc = dt_demo_w_act(g, c->id, DT_CEV_TRANSFER, DT_PARTY_ENTERPRISE, args, &out);
	else
		json_decref(args);
	if (rc != DT_OK)
		return rc;
	g->st->contracts++;
	struct cctx c2 = *c;
	c2.id = json_integer_value(json_object_get(json_object_get(out, "successor"), "id"));
	json_decref(out);
	c2.ent = to;
	c2.start = t;
	rc = activate(g, c2.id);
	if (rc == DT_OK)
		rc = write_entries(g, &c2, t, last);
	/* The intermediate assessment is due a year after the first contract began. */
	c2.start = c->start;
	if (rc == DT_OK)
		rc = maybe_intermediate(g, &c2, t, last);
	c2.start = t;
	if (rc == DT_OK && c->end < g->today) {
		bool passed = false;
		rc = final_assessments(g, &c2, &passed);
		if (rc == DT_OK)
			rc = dt_demo_w_act(g, c2.id, DT_CEV_COMPLETE, DT_PARTY_ENTERPRISE,
					   date_args(c->end), NULL);
		if (rc == DT_OK)
			rc = write_outcome(g, &c2, c->end, true, passed);
	}
	return rc;
}

static int write_contract_life(struct dt_demo_gen *g, int64_t i, const struct dt_demo_plan *p,
			       int64_t tid)
{
	const struct dt_demo_slot *sl = &g->slots[p->slot];
	struct cctx c = { 0 };
	c.prog = &g->progs[sl->prog];
	c.ent = &g->ents[sl->ent];
	c.sch = &g->schools[c.prog->school];
	c.start = p->start;
	c.end = dt_demo_add_months(p->start, c.prog->months) - 1;
	c.stipend = stipend_for(g, c.ent);
	double plan = (double)c.prog->company_h / (c.prog->company_h + c.prog->school_h);
	c.ratio = plan + 0.05 * (2 * dt_demo_rng_unit(&g->rng) - 1);
	if (dt_demo_rng_chance(&g->rng, 0.08))
		c.ratio -= 0.12 + 0.08 * dt_demo_rng_unit(&g->rng); /* below plan */

	struct dt_strbuf cm = DT_STRBUF_INIT, sm = DT_STRBUF_INIT;
	int64_t ent_idx = c.ent - g->ents, prog_idx = c.prog - g->progs;
	uint32_t kc = dt_demo_rng_below(&g->rng, (uint32_t)c.ent->nmentors);
	/* A few school mentors per programme, the first with the most trainees. */
	uint32_t ks = dt_demo_rng_chance(&g->rng, 0.5) ? 0 : dt_demo_rng_below(&g->rng, 4);
	int64_t *cslot = &g->ents[ent_idx].mentor_ids[kc],
		*sslot = &g->progs[prog_idx].mentor_ids[ks];
	int rc = mentor_of(g, 2, (uint64_t)ent_idx, kc, c.ent->id, cslot, &cm);
	if (rc == DT_OK)
		rc = mentor_of(g, 3, (uint64_t)prog_idx, ks, c.sch->id, sslot, &sm);
	char sd[DT_DATE_STRLEN], ed[DT_DATE_STRLEN];
	dt_demo_date_str(c.start, sd);
	dt_demo_date_str(c.end, ed);
	json_t *in =
		rc != DT_OK
			? NULL
			: json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:I, s:I, s:i, s:s, s:s}",
				    "trainee_id", (json_int_t)tid, "enterprise_id",
				    (json_int_t)c.ent->id, "school_id", (json_int_t)c.sch->id,
				    "programme_id", (json_int_t)c.prog->id, "company_mentor",
				    cm.buf, "school_mentor", sm.buf, "company_mentor_id",
				    (json_int_t)*cslot, "school_mentor_id", (json_int_t)*sslot,
				    "stipend_monthly", c.stipend, "start_date", sd, "end_date", ed);
	if (rc == DT_OK)
		rc = dt_demo_w_create(g, "contract", in, &c.id, "contract of trainee %lld",
				      (long long)i + 1);
	dt_strbuf_release(&cm);
	dt_strbuf_release(&sm);
	if (rc != DT_OK)
		return rc;
	g->st->contracts++;
	if (p->kind == DT_DEMO_PLAN_DRAFT)
		return DT_OK;
	if (p->kind == DT_DEMO_PLAN_PENDING) {
		rc = dt_demo_w_act(g, c.id, DT_CEV_SUBMIT, DT_PARTY_ENTERPRISE, NULL, NULL);
		int napprove = (int)dt_demo_rng_below(&g->rng, 3);
		int first = (int)dt_demo_rng_below(&g->rng, 3);
		for (int k = 0; k < napprove && rc == DT_OK; k++)
			rc = dt_demo_w_act(g, c.id, DT_CEV_APPROVE,
					   (enum dt_party)((first + k) % 3), NULL, NULL);
		return rc;
	}
	rc = activate(g, c.id);
	if (rc != DT_OK)
		return rc;

	/* How it ends: dissolved (8%), transferred (2%), completed when the end has passed. */
	double u = dt_demo_rng_unit(&g->rng);
	/*
	 * Entries up to yesterday: the contracts are signed (activated) today,
	 * and an entry of the signing day is an alert (record_before_start).
	 */
	int32_t last = dt_demo_min32(c.end, g->today - 1);
	/* About one in 150 mentors signs the last months' entries at once. */
	c.burst = c.end > g->today && dt_demo_rng_chance(&g->rng, 0.0067);
	/* About one in 150 record books stops two to four months ago (no_record_entry). */
	if (c.end > g->today && dt_demo_rng_chance(&g->rng, 0.0067))
		last = dt_demo_max32(c.start, g->today - dt_demo_rng_range(&g->rng, 61, 120));
	if (u < 0.08)
		return life_dissolve(g, &c);
	int32_t t_lo = c.start + 90, t_hi = dt_demo_min32(c.end - 60, g->today - 14);
	const struct dt_demo_org *sch = c.sch;
	if (u < 0.10 && t_lo <= t_hi && sch->ents.n > 1) {
		/* Transfer to another partner enterprise of the same school. */
		int32_t t = t_lo + (int32_t)dt_demo_rng_below(&g->rng, (uint32_t)(t_hi - t_lo + 1));
		const struct dt_demo_org *to = NULL;
		for (int tries = 0; tries < 16 && !to; tries++) {
			const struct dt_demo_org *o = &g->ents[dt_demo_ilist_pick(g, &sch->ents)];
			if (o != c.ent)
				to = o;
		}
		if (to)
			return life_transfer(g, &c, to, t, last);
	}
	rc = write_entries(g, &c, c.start, last);
	/*
	 * About one in 150 record books has an entry of today, the day the
	 * contract is signed (record_before_start; an alert when "today" is the
	 * real date, as in `dualtrack demo`, not under a pinned DUALTRACK_TODAY).
	 */
	if (rc == DT_OK && c.end > g->today && last == g->today - 1 &&
	    dt_demo_rng_chance(&g->rng, 0.0067)) {
		char date[DT_DATE_STRLEN];
		dt_demo_date_str(g->today, date);
		json_t *e = json_pack(
			"{s:I, s:s, s:s, s:f, s:s}", "contract_id", (json_int_t)c.id, "date", date,
			"site", "company", "hours", 2.0, "content",
			dt_demo_content(&g->rng, g->inds[g->occs[c.prog->occ].industry].key, true));
		rc = dt_demo_w_create(g, "record_entry", e, NULL,
				      "record-book entry of contract %lld on %s", (long long)c.id,
				      date);
		if (rc == DT_OK)
			g->st->entries++;
	}
	if (rc == DT_OK)
		rc = maybe_intermediate(g, &c, c.start, last);
	if (rc == DT_OK && c.end < g->today) {
		bool passed = false;
		/* About one completion in 150 has no final assessment (completion_no_final). */
		if (!dt_demo_rng_chance(&g->rng, 0.0067))
			rc = final_assessments(g, &c, &passed);
		if (rc == DT_OK)
			rc = dt_demo_w_act(g, c.id, DT_CEV_COMPLETE, DT_PARTY_ENTERPRISE,
					   date_args(c.end), NULL);
		if (rc == DT_OK)
			rc = write_outcome(g, &c, c.end, true, passed);
	}
	return rc;
}

int dt_demo_write_trainees(struct dt_demo_gen *g)
{
	int rc = DT_OK;
	for (int64_t i = 0; i < g->n && rc == DT_OK; i++) {
		const struct dt_demo_plan *p = &g->plans[i];
		const struct dt_demo_slot *sl = &g->slots[p->slot];
		int city = g->schools[g->progs[sl->prog].school].city;
		int64_t tid = 0;
		rc = write_trainee(g, i, p, city, &tid);
		if (rc == DT_OK && p->kind != DT_DEMO_PLAN_NONE)
			rc = write_contract_life(g, i, p, tid);
		if (rc == DT_OK)
			rc = dt_demo_batch(g, false);
		if (g->o && g->o->progress && (i + 1) % DT_DEMO_PROGRESS_EVERY == 0)
			g->o->progress(g->o->progress_ctx, i + 1, g->n);
	}
	return rc;
}
