/*
 * fuzz_inspection.c - the parsers and the draw of domain/inspection.c: the
 * risk weights a plan's body carries (JSON), the list of object kinds, and
 * the draw over inputs made from the bytes.
 *
 * Byte 0 picks: 0 weights, 1 kinds, 2 the draw, 3 a checklist code.  Oracles: a refusal is
 * exactly one problem with a catalogue code; accepted weights format to
 * text that parses back to the same weights, and every weight they give
 * lies in [1, max]; accepted kinds format to a list that parses back to the
 * same set.  The draw: the bytes give candidates (kind, city, organisations,
 * weight) and inspectors (organisation, city), a sample and the cross-city
 * flag; the draw must give each city its sample, distinct objects, never a
 * conflicted inspector, both inspectors whenever two are eligible, and the
 * same picks when run again.  A checklist code is accepted exactly when
 * it is 1..40 bytes, starts with a-z and holds only a-z, 0-9 and '_'
 * (checked here byte by byte with the C library's classes).
 */
#include <ctype.h>

#include "core/strbuf.h"
#include "domain/inspection.h"
#include "domain/problem.h"
#include "fuzz.h"

static struct dt_problems ps;

static void refused(enum dt_err rc)
{
	FZ_CHECK(rc == DT_OK ? ps.n == 0 : ps.n == 1);
	if (ps.n)
		FZ_CHECK(dt_catalogue_find(ps.v[0].code) != NULL &&
			 strcmp(ps.v[0].code, "internal.unknown_code"));
	dt_problems_reset(&ps);
}

static void weights(const char *s)
{
	struct dt_weights w, back;
	enum dt_err rc = dt_weights_parse(s, &w, &ps, "weights");
	refused(rc);
	if (rc != DT_OK)
		return;
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_weights_format(&w, &sb);
	FZ_CHECK(dt_weights_parse(sb.buf, &back, &ps, "weights") == DT_OK);
	FZ_CHECK(!memcmp(&w, &back, sizeof(w)));
	dt_strbuf_release(&sb);
	for (int64_t n = 0; n < 3; n++) {
		int64_t x = dt_weights_apply(&w, n * 1000000, n, INT64_MAX / (n + 1));
		FZ_CHECK(x >= 1 && x <= w.max);
	}
}

static void kinds(const char *s)
{
	unsigned m, back;
	enum dt_err rc = dt_object_kinds_parse(s, &m, &ps, "object_kinds");
	refused(rc);
	if (rc != DT_OK)
		return;
	FZ_CHECK(m && m < (1u << DT_OBJ_KINDS));
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_object_kinds_format(m, &sb);
	FZ_CHECK(dt_object_kinds_parse(sb.buf, &back, &ps, "object_kinds") == DT_OK && back == m);
	dt_strbuf_release(&sb);
}

static void draw(const uint8_t *d, size_t n)
{
	if (n < 3)
		return;
	struct dt_draw_input in = { .plan_id = d[0], .rate = d[1] & 1, .cross_city = d[1] & 2 };
	in.sample = in.rate ? 1 + (d[2] * 40) : 1 + d[2] % 6;
	size_t ni = (d[1] >> 2) % 8;
	d += 3;
	n -= 3;
	size_t nc = n / 3 > 200 ? 200 : n / 3;
	struct dt_draw_candidate *c = calloc(nc + 1, sizeof(*c));
	struct dt_draw_inspector *p = calloc(ni + 1, sizeof(*p));
	for (size_t i = 0; i < nc; i++)
		c[i] = (struct dt_draw_candidate){
			d[3 * i] % DT_OBJ_KINDS,        (int64_t)i + 1,
			210100 + 100 * (d[3 * i] >> 6), d[3 * i + 1] % 5,
			d[3 * i + 1] / 5 % 5,           1 + d[3 * i + 2]
		};
	for (size_t i = 0; i < ni; i++) {
		uint8_t b = i < n ? d[i] : 0;
		p[i] = (struct dt_draw_inspector){ 100 + (int64_t)i, b % 5,
						   b & 0x80 ? 0 : 210100 + 100 * (b >> 5 & 3) };
	}
	in.cand = c;
	in.ncand = nc;
	in.insp = p;
	in.ninsp = ni;
	dt_draw_sort(&in);
	unsigned char seed[DT_DRAW_SEED_LEN] = { 0 };
	memcpy(seed, d, n < sizeof(seed) ? n : sizeof(seed));
	struct dt_draw_pick *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	enum dt_err rc = dt_draw_run(&in, seed, NULL, &a, &na);
	if (in.rate && in.sample > 10000) {
		/* A rate above 100.00% is refused, and nothing is drawn. */
		FZ_CHECK(rc == DT_EINVAL && !a && !na);
		goto out;
	}
	FZ_CHECK(rc == DT_OK);
	FZ_CHECK(dt_draw_run(&in, seed, NULL, &b, &nb) == DT_OK);
	FZ_CHECK(na == nb && (!na || !memcmp(a, b, na * sizeof(*a))));
	char *seen = calloc(nc + 1, 1);
	size_t k = 0;
	for (size_t lo = 0, hi; lo < nc; lo = hi) {
		for (hi = lo; hi < nc && c[hi].city == c[lo].city; hi++)
			;
		size_t sz = hi - lo;
		size_t want = in.rate ? (size_t)((sz * (uint64_t)in.sample + 9999) / 10000)
				      : (size_t)in.sample;
		for (size_t j = 0; j < (want < sz ? want : sz); j++, k++)
			FZ_CHECK(k < na && c[a[k].cand].city == c[lo].city);
	}
	FZ_CHECK(k == na);
	for (size_t j = 0; j < na; j++) {
		const struct dt_draw_candidate *o = &c[a[j].cand];
		FZ_CHECK(!seen[a[j].cand]);
		seen[a[j].cand] = 1;
		size_t elig = 0;
		for (size_t i = 0; i < ni; i++) {
			bool bad = (p[i].org_id &&
				    (p[i].org_id == o->org_id || p[i].org_id == o->org2_id)) ||
				   (in.cross_city && p[i].city && p[i].city == o->city);
			elig += !bad;
			if (bad)
				FZ_CHECK(a[j].inspector_a != p[i].account_id &&
					 a[j].inspector_b != p[i].account_id);
		}
		FZ_CHECK((a[j].inspector_a != 0) == (elig >= 1));
		FZ_CHECK((a[j].inspector_b != 0) == (elig >= 2));
		FZ_CHECK(!a[j].inspector_b || a[j].inspector_a != a[j].inspector_b);
	}
	free(seen);
out:
	free(a);
	free(b);
	free(c);
	free(p);
}

static void check_code(const uint8_t *p, size_t n)
{
	bool want = n >= 1 && n <= 40 && islower(p[0]) && p[0] < 0x80;
	for (size_t i = 0; want && i < n; i++)
		want = p[i] < 0x80 && (islower(p[i]) || isdigit(p[i]) || p[i] == '_');
	FZ_CHECK(dt_check_code_valid((const char *)p, n) == want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	if (data[0] % 4 == 2) {
		draw(data + 1, size - 1);
		return 0;
	}
	if (data[0] % 4 == 3) {
		check_code(data + 1, size - 1);
		return 0;
	}
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	if (data[0] % 4 == 0)
		weights(s);
	else
		kinds(s);
	free(s);
	return 0;
}
