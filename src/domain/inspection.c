/*
 * inspection.c - inspection plans and the verifiable draw (see
 * inspection.h; docs/SUPERVISION.md states the same algorithm in prose).
 *
 * The draw uses integers only: the random stream is keyed BLAKE2b-512
 * blocks read as big-endian 64-bit words, a uniform integer below M is made
 * by rejection (never by a modulo bias or a float), and weighted sampling
 * without replacement picks, one object at a time, the object whose slice of
 * the remaining total weight holds a uniform integer (a Fenwick tree keeps
 * the prefix sums).  This gives each remaining object the chance weight /
 * remaining weight at every step, the same law as the Efraimidis-Spirakis
 * keys u^(1/w), without floating point: any machine, any language gets the
 * same picks.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/common.h"
#include "domain/inspection.h"
#include "core/banned.h"

/* ---- plans ---- */

static const char *const status_names[] = { "draft", "committed", "drawn", "in_progress",
					    "closed" };

const char *dt_plan_status_name(enum dt_plan_status st)
{
	return (unsigned)st < DT_ARRAY_SIZE(status_names) ? status_names[st] : "?";
}

int dt_plan_status_parse(const char *s)
{
	for (size_t i = 0; s && i < DT_ARRAY_SIZE(status_names); i++)
		if (!strcmp(s, status_names[i]))
			return (int)i;
	return -1;
}

enum dt_err dt_plan_step(struct dt_problems *ps, int64_t plan, const char *status,
			 const char *action, bool revealed, const char **next)
{
	static const struct {
		const char *action;
		enum dt_plan_status from, to;
	} steps[] = {
		{ "commit", DT_PLAN_DRAFT, DT_PLAN_COMMITTED },
		{ "draw", DT_PLAN_COMMITTED, DT_PLAN_DRAWN },
		{ "start", DT_PLAN_DRAWN, DT_PLAN_IN_PROGRESS },
		{ "close", DT_PLAN_IN_PROGRESS, DT_PLAN_CLOSED },
	};
	int st = dt_plan_status_parse(status);
	if (!strcmp(action, "reveal")) {
		/* after the draw, once */
		if (st >= DT_PLAN_DRAWN && !revealed) {
			*next = status_names[st];
			return DT_OK;
		}
		return dt_problem_add(ps, NULL,
				      revealed ? "inspection.revealed" : "inspection.state", "plan",
				      DT_I(plan), "status", status, "action", action, NULL);
	}
	for (size_t i = 0; i < DT_ARRAY_SIZE(steps); i++) {
		if (strcmp(steps[i].action, action))
			continue;
		if ((int)steps[i].from == st) {
			*next = status_names[steps[i].to];
			return DT_OK;
		}
		return dt_problem_add(ps, NULL, "inspection.state", "plan", DT_I(plan), "status",
				      status, "action", action, NULL);
	}
	return dt_problem_add(ps, NULL, "inspection.action", "action", action, NULL);
}

static const char *const kind_names[DT_OBJ_KINDS] = { "enterprise", "school", "contract",
						      "pilot_task" };

const char *dt_object_kind_name(int kind)
{
	return kind >= 0 && kind < DT_OBJ_KINDS ? kind_names[kind] : "?";
}

int dt_object_kind_parse(const char *s, size_t n)
{
	for (int k = 0; k < DT_OBJ_KINDS; k++)
		if (strlen(kind_names[k]) == n && !memcmp(s, kind_names[k], n))
			return k;
	return -1;
}

enum dt_err dt_object_kinds_parse(const char *s, unsigned *mask, struct dt_problems *ps,
				  const char *field)
{
	*mask = 0;
	for (const char *p = s ? s : ""; *p;) {
		size_t n = strcspn(p, ", ");
		if (n) {
			int k = dt_object_kind_parse(p, n);
			if (k < 0) {
				struct dt_strbuf v = DT_STRBUF_INIT;
				dt_strbuf_add(&v, p, n > 64 ? 64 : n);
				enum dt_err rc = dt_problem_add(
					ps, field, "enum.value", "value", v.buf, "values",
					"enterprise, school, contract, pilot_task", NULL);
				dt_strbuf_release(&v);
				return rc;
			}
			*mask |= 1u << k;
		}
		p += n;
		p += strspn(p, ", ");
	}
	if (!*mask)
		return dt_problem_add(ps, field, "field.required", NULL);
	return DT_OK;
}

void dt_object_kinds_format(unsigned mask, struct dt_strbuf *out)
{
	const char *sep = "";
	for (int k = 0; k < DT_OBJ_KINDS; k++)
		if (mask & (1u << k)) {
			dt_strbuf_addf(out, "%s%s", sep, kind_names[k]);
			sep = ",";
		}
}

/* ---- the default checklist ---- */

/*
 * The points a pilot inspection checks in every dual training arrangement,
 * each with the rule it rests on.  Codes are stable: inspection results
 * (inspection_check.code) refer to them.
 */
static const struct dt_check_item checklist[] = {
	{ "contract_signed", "三方培养协议（企业、学校、学徒）已签订且在有效期内",
	  "A three-party training contract (enterprise, school, trainee) is signed and in force",
	  "《职业教育法》第三十一条、第五十条；试点实施方案“签订三方协议”" },
	{ "stipend_min_wage", "学徒津贴不低于当地最低工资标准",
	  "The trainee's stipend is at least the local minimum wage",
	  "《劳动法》第四十八条；《最低工资规定》；试点实施方案“合理报酬”" },
	{ "mentors_named", "企业导师与学校导师均已明确，且具备相应资质",
	  "A company mentor and a school mentor are named, and both are qualified",
	  "《关于全面推行企业新型学徒制的意见》（人社部发〔2018〕66号）；试点实施方案“双导师”" },
	{ "record_book", "培养记录册与考勤记录一致，签字及时",
	  "The record book agrees with attendance and is signed off in time",
	  "试点实施方案“培养过程记录”；《职业学校学生实习管理规定》第二十二条" },
	{ "hours_as_planned", "企业与学校学时按培养方案执行",
	  "Company and school hours follow the training plan",
	  "《职业学校学生实习管理规定》第十六条；试点实施方案“工学交替”" },
	{ "safety_training", "已开展岗前安全教育培训并有记录",
	  "Safety training was given before work and is recorded",
	  "《安全生产法》第二十八条；《职业学校学生实习管理规定》第二十条" },
	{ "insurance", "已为学徒投保实习责任保险或工伤保险",
	  "The trainee is insured (placement liability or work injury insurance)",
	  "《职业学校学生实习管理规定》第三十五条；《工伤保险条例》" },
};

const struct dt_check_item *dt_checklist_default(size_t *n)
{
	*n = DT_ARRAY_SIZE(checklist);
	return checklist;
}

bool dt_check_code_valid(const char *s, size_t n)
{
	if (!s || n < 1 || n > 40 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

enum dt_err dt_plan_close_check(struct dt_problems *ps, int64_t plan, int64_t open)
{
	if (open <= 0)
		return DT_OK;
	return dt_problem_add(ps, NULL, "inspection.plan_open", "plan", DT_I(plan), "count",
			      DT_I(open), NULL);
}

/* ---- risk weights ---- */

const char *const dt_quality_rules[] = {
	/* the checks: a stipend under the local minimum wage, no entry for weeks */
	"stipend_below_minimum", "no_record_entry",
	/* overloaded mentors */
	"mentor_overload", "school_mentor_overload",
	/* the record book: over 12 hours a day, months signed at once, dated too early */
	"record_day_hours", "signoff_burst", "record_before_start",
	/* a completion without a final assessment */
	"completion_no_final", NULL
};

bool dt_quality_rule(const char *rule)
{
	for (size_t i = 0; rule && dt_quality_rules[i]; i++)
		if (!strcmp(dt_quality_rules[i], rule))
			return true;
	return false;
}

void dt_weights_default(struct dt_weights *w)
{
	*w = (struct dt_weights){ .base = 1, .alert = 2, .quality = 2, .finding = 3, .max = 20 };
}

enum dt_err dt_weights_parse(const char *json, struct dt_weights *w, struct dt_problems *ps,
			     const char *field)
{
	static const struct {
		const char *name;
		size_t off;
		int64_t lo, hi;
	} members[] = {
		{ "base", offsetof(struct dt_weights, base), 1, 100 },
		{ "alert", offsetof(struct dt_weights, alert), 0, 100 },
		{ "quality", offsetof(struct dt_weights, quality), 0, 100 },
		{ "finding", offsetof(struct dt_weights, finding), 0, 100 },
		{ "max", offsetof(struct dt_weights, max), 1, 1000 },
	};
	dt_weights_default(w);
	if (!json)
		return DT_OK;
	json_t *o = json_loads(json, JSON_REJECT_DUPLICATES, NULL);
	enum dt_err rc = DT_OK;
	if (!json_is_object(o)) {
		rc = dt_problem_add(ps, field, "type.object", NULL);
		goto out;
	}
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		size_t i = 0;
		while (i < DT_ARRAY_SIZE(members) && strcmp(members[i].name, k))
			i++;
		if (i == DT_ARRAY_SIZE(members)) {
			rc = dt_problem_add(ps, field, "inspection.weight_unknown", "value", k,
					    NULL);
			goto out;
		}
		if (!json_is_integer(v)) {
			rc = dt_problem_add(ps, field, "type.integer", NULL);
			goto out;
		}
		json_int_t x = json_integer_value(v);
		if (x < members[i].lo || x > members[i].hi) {
			rc = dt_problem_add(ps, field, "number.range", "value", DT_I(x), "min",
					    DT_I(members[i].lo), "max", DT_I(members[i].hi), NULL);
			goto out;
		}
		*(int64_t *)((char *)w + members[i].off) = x;
	}
	if (w->max < w->base)
		rc = dt_problem_add(ps, field, "number.range", "value", DT_I(w->max), "min",
				    DT_I(w->base), "max", "1000", NULL);
out:
	json_decref(o);
	return rc;
}

void dt_weights_format(const struct dt_weights *w, struct dt_strbuf *out)
{
	dt_strbuf_addf(out,
		       "{\"base\": %lld, \"alert\": %lld, \"quality\": %lld, \"finding\": %lld, "
		       "\"max\": %lld}",
		       (long long)w->base, (long long)w->alert, (long long)w->quality,
		       (long long)w->finding, (long long)w->max);
}

int64_t dt_weights_apply(const struct dt_weights *w, int64_t alerts, int64_t quality,
			 int64_t findings)
{
	/* counts are capped first so that no product can overflow */
	int64_t cap = w->max;
	alerts = alerts < cap ? alerts : cap;
	quality = quality < cap ? quality : cap;
	findings = findings < cap ? findings : cap;
	int64_t x = w->base + w->alert * alerts + w->quality * quality + w->finding * findings;
	if (x > w->max)
		x = w->max;
	return x < 1 ? 1 : x;
}

/* ---- canonical order and hashes ---- */

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* Candidates: by city, then kind (the fixed order), then object id. */
static int cmp_cand(const void *pa, const void *pb)
{
	const struct dt_draw_candidate *a = pa, *b = pb;
	int c = cmp_i64(a->city, b->city);
	if (!c)
		c = cmp_i64(a->kind, b->kind);
	return c ? c : cmp_i64(a->object_id, b->object_id);
}

static int cmp_insp(const void *pa, const void *pb)
{
	const struct dt_draw_inspector *a = pa, *b = pb;
	return cmp_i64(a->account_id, b->account_id);
}

void dt_draw_sort(struct dt_draw_input *in)
{
	if (in->ncand)
		qsort(in->cand, in->ncand, sizeof(*in->cand), cmp_cand);
	if (in->ninsp)
		qsort(in->insp, in->ninsp, sizeof(*in->insp), cmp_insp);
}

/* "-" for 0 (none), else the decimal: into @buf (24 bytes). */
static const char *opt_id(char *buf, int64_t v)
{
	if (!v)
		return "-";
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

/*
 * Append the decimal of @v (at least @width digits, zero-padded) to @p and
 * return the end: the canonical lines are 100,000s of them, and snprintf
 * costs more than hashing them.
 */
static char *put_int(char *p, int64_t v, int width)
{
	char d[24];
	int n = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		d[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (n < width)
		d[n++] = '0';
	if (v < 0)
		*p++ = '-';
	while (n)
		*p++ = d[--n];
	return p;
}

/* As put_int(), "-" for 0 (none); then a space or a newline (@end). */
static char *put_opt(char *p, int64_t v, char end)
{
	if (v)
		p = put_int(p, v, 0);
	else
		*p++ = '-';
	*p++ = end;
	return p;
}

void dt_draw_canonical(const struct dt_draw_input *in,
		       void (*line)(void *arg, const char *s, size_t n), void *arg)
{
	char b[160];
	int n = snprintf(b, sizeof(b), "%s\nplan %lld\nsample %s %lld\ncross_city %d\n",
			 DT_DRAW_VERSION, (long long)in->plan_id, in->rate ? "rate" : "count",
			 (long long)in->sample, in->cross_city ? 1 : 0);
	line(arg, b, (size_t)n);
	/* "candidate CITY KIND OBJECT_ID ORG_ID ORG2_ID WEIGHT", "inspector ID ORG_ID CITY" */
	for (size_t i = 0; i < in->ncand; i++) {
		const struct dt_draw_candidate *c = &in->cand[i];
		const char *k = dt_object_kind_name(c->kind);
		size_t kl = strlen(k);
		char *p = b;
		memcpy(p, "candidate ", 10);
		p = put_int(p + 10, c->city, 6);
		*p++ = ' ';
		memcpy(p, k, kl);
		p += kl;
		*p++ = ' ';
		p = put_int(p, c->object_id, 0);
		*p++ = ' ';
		p = put_opt(p, c->org_id, ' ');
		p = put_opt(p, c->org2_id, ' ');
		p = put_int(p, c->weight, 0);
		*p++ = '\n';
		line(arg, b, (size_t)(p - b));
	}
	for (size_t i = 0; i < in->ninsp; i++) {
		const struct dt_draw_inspector *q = &in->insp[i];
		char *p = b;
		memcpy(p, "inspector ", 10);
		p = put_int(p + 10, q->account_id, 0);
		*p++ = ' ';
		p = put_opt(p, q->org_id, ' ');
		if (q->city)
			p = put_int(p, q->city, 6);
		else
			*p++ = '-';
		*p++ = '\n';
		line(arg, b, (size_t)(p - b));
	}
}

/* The hash of the canonical text, fed in chunks rather than line by line. */
struct hasher {
	crypto_generichash_state h;
	size_t len;
	unsigned char buf[16384];
};

static void hash_line(void *arg, const char *s, size_t n)
{
	struct hasher *hs = arg;
	if (hs->len + n > sizeof(hs->buf)) {
		crypto_generichash_update(&hs->h, hs->buf, hs->len);
		hs->len = 0;
	}
	memcpy(hs->buf + hs->len, s, n); /* a line is far shorter than the buffer */
	hs->len += n;
}

void dt_draw_inputs_hash(const struct dt_draw_input *in, unsigned char out[DT_DRAW_HASH_LEN])
{
	struct hasher hs;
	hs.len = 0;
	crypto_generichash_init(&hs.h, NULL, 0, DT_DRAW_HASH_LEN);
	dt_draw_canonical(in, hash_line, &hs);
	crypto_generichash_update(&hs.h, hs.buf, hs.len);
	crypto_generichash_final(&hs.h, out, DT_DRAW_HASH_LEN);
}

void dt_draw_seed_hash(const unsigned char seed[DT_DRAW_SEED_LEN],
		       unsigned char out[DT_DRAW_HASH_LEN])
{
	crypto_generichash(out, DT_DRAW_HASH_LEN, seed, DT_DRAW_SEED_LEN, NULL, 0);
}

void dt_draw_seed_new(unsigned char seed[DT_DRAW_SEED_LEN])
{
	randombytes_buf(seed, DT_DRAW_SEED_LEN);
}

void dt_draw_result_hash(const struct dt_draw_input *in, const struct dt_draw_pick *picks,
			 size_t npicks, unsigned char out[DT_DRAW_HASH_LEN])
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, DT_DRAW_HASH_LEN);
	for (size_t i = 0; i < npicks; i++) {
		const struct dt_draw_candidate *c = &in->cand[picks[i].cand];
		char b[160], x[24], y[24];
		int n = snprintf(b, sizeof(b), "pick %zu %s %lld %s %s\n", i + 1,
				 dt_object_kind_name(c->kind), (long long)c->object_id,
				 opt_id(x, picks[i].inspector_a), opt_id(y, picks[i].inspector_b));
		crypto_generichash_update(&h, (const unsigned char *)b, (size_t)n);
	}
	crypto_generichash_final(&h, out, DT_DRAW_HASH_LEN);
}

/* ---- the random stream ---- */

/*
 * Block j is BLAKE2b-512 keyed with the seed over DT_DRAW_VERSION, the
 * inputs hash and j as 8 big-endian bytes; each block gives eight 64-bit
 * words, read big-endian, used in order.
 */
struct stream {
	unsigned char key[DT_DRAW_SEED_LEN];
	unsigned char inputs[DT_DRAW_HASH_LEN];
	uint64_t block;
	unsigned char buf[64];
	unsigned used; /* words of buf consumed */
};

static void stream_init(struct stream *r, const unsigned char seed[DT_DRAW_SEED_LEN],
			const unsigned char inputs[DT_DRAW_HASH_LEN])
{
	memcpy(r->key, seed, DT_DRAW_SEED_LEN);
	memcpy(r->inputs, inputs, DT_DRAW_HASH_LEN);
	r->block = 0;
	r->used = 8;
}

static uint64_t stream_word(struct stream *r)
{
	if (r->used == 8) {
		unsigned char msg[sizeof(DT_DRAW_VERSION) - 1 + DT_DRAW_HASH_LEN + 8];
		size_t v = sizeof(DT_DRAW_VERSION) - 1;
		memcpy(msg, DT_DRAW_VERSION, v);
		memcpy(msg + v, r->inputs, DT_DRAW_HASH_LEN);
		for (int i = 0; i < 8; i++)
			msg[v + DT_DRAW_HASH_LEN + i] = (unsigned char)(r->block >> (56 - 8 * i));
		crypto_generichash(r->buf, sizeof(r->buf), msg, sizeof(msg), r->key,
				   sizeof(r->key));
		r->block++;
		r->used = 0;
	}
	const unsigned char *p = r->buf + 8 * r->used++;
	uint64_t x = 0;
	for (int i = 0; i < 8; i++)
		x = x << 8 | p[i];
	return x;
}

/* A uniform integer in [0, m), m >= 1: words >= 2^64 - (2^64 mod m) are skipped. */
static uint64_t stream_below(struct stream *r, uint64_t m)
{
	uint64_t rem = (0 - m) % m; /* 2^64 mod m */
	for (;;) {
		uint64_t x = stream_word(r);
		if (x <= UINT64_MAX - rem)
			return x % m;
	}
}

/* ---- the draw ---- */

/* Fenwick tree over n weights (1-based): prefix sums and the search by sum. */
struct fenwick {
	uint64_t *t;
	size_t n;
	size_t top; /* the highest power of two <= n */
};

static void fw_add(struct fenwick *f, size_t i, int64_t d)
{
	for (i++; i <= f->n; i += i & (0 - i))
		f->t[i] += (uint64_t)d;
}

/* The smallest index i (0-based) whose prefix sum through i exceeds @r. */
static size_t fw_find(const struct fenwick *f, uint64_t r)
{
	size_t pos = 0;
	for (size_t step = f->top; step; step >>= 1)
		if (pos + step <= f->n && f->t[pos + step] <= r) {
			pos += step;
			r -= f->t[pos];
		}
	return pos; /* 1-based pos + 1, minus 1 */
}

/* How many objects to draw from a city of @n candidates. */
static size_t city_sample(const struct dt_draw_input *in, size_t n)
{
	uint64_t k;
	if (in->rate)
		k = ((uint64_t)n * (uint64_t)in->sample + 9999) / 10000; /* ceil(n * bp / 10^4) */
	else
		k = (uint64_t)in->sample;
	return k < n ? (size_t)k : n;
}

/* Is @p free of conflict with candidate @c under @in's rules? */
static bool eligible(const struct dt_draw_input *in, const struct dt_draw_inspector *p,
		     const struct dt_draw_candidate *c)
{
	if (p->org_id && (p->org_id == c->org_id || p->org_id == c->org2_id))
		return false;
	if (in->cross_city && p->city && p->city == c->city)
		return false;
	return true;
}

enum dt_err dt_draw_run(const struct dt_draw_input *in, const unsigned char seed[DT_DRAW_SEED_LEN],
			const unsigned char *inputs_hash, struct dt_draw_pick **picks,
			size_t *npicks)
{
	struct dt_draw_pick *out = NULL;
	struct fenwick f = { 0 };
	size_t *elig = NULL, n = 0;
	enum dt_err rc = DT_OK;
	unsigned char inputs[DT_DRAW_HASH_LEN];
	struct stream r;

	*picks = NULL;
	*npicks = 0;
	if (in->sample < 1 || (in->rate && in->sample > 10000))
		return DT_EINVAL;
	for (size_t i = 0; i < in->ncand; i++)
		if (in->cand[i].weight < 1 || in->cand[i].weight > (INT64_C(1) << 40))
			return DT_EINVAL;
	if (inputs_hash)
		memcpy(inputs, inputs_hash, sizeof(inputs));
	else
		dt_draw_inputs_hash(in, inputs);
	stream_init(&r, seed, inputs);
	out = calloc(in->ncand ? in->ncand : 1, sizeof(*out));
	f.t = calloc(in->ncand + 1, sizeof(*f.t));
	elig = calloc(in->ninsp ? in->ninsp : 1, sizeof(*elig));
	if (!out || !f.t || !elig) {
		rc = DT_ENOMEM;
		goto out;
	}
	/* 1. Objects: city by city (ascending), weighted, without replacement. */
	for (size_t lo = 0, hi; lo < in->ncand; lo = hi) {
		uint64_t total = 0;
		for (hi = lo; hi < in->ncand && in->cand[hi].city == in->cand[lo].city; hi++)
			total += (uint64_t)in->cand[hi].weight;
		f.n = hi - lo;
		for (f.top = 1; f.top * 2 <= f.n; f.top *= 2)
			;
		memset(f.t, 0, (f.n + 1) * sizeof(*f.t));
		for (size_t i = 0; i < f.n; i++)
			fw_add(&f, i, in->cand[lo + i].weight);
		for (size_t k = city_sample(in, f.n); k; k--) {
			size_t i = fw_find(&f, stream_below(&r, total));
			out[n++].cand = lo + i;
			total -= (uint64_t)in->cand[lo + i].weight;
			fw_add(&f, i, -in->cand[lo + i].weight);
		}
	}
	/* 2. Inspectors: for each pick in draw order, two distinct eligible ones. */
	for (size_t k = 0; k < n; k++) {
		const struct dt_draw_candidate *c = &in->cand[out[k].cand];
		size_t e = 0;
		for (size_t j = 0; j < in->ninsp; j++)
			if (eligible(in, &in->insp[j], c))
				elig[e++] = j;
		if (e >= 1) {
			size_t a = (size_t)stream_below(&r, e);
			out[k].inspector_a = in->insp[elig[a]].account_id;
			if (e >= 2) {
				size_t b = (size_t)stream_below(&r, e - 1);
				if (b >= a)
					b++;
				out[k].inspector_b = in->insp[elig[b]].account_id;
			}
		}
	}
	*picks = out;
	*npicks = n;
	out = NULL;
out:
	free(out);
	free(f.t);
	free(elig);
	sodium_memzero(&r, sizeof(r));
	return rc;
}
