/*
 * test_inspection.c - unit tests of the inspection plan rules and the
 * verifiable draw (domain/inspection.c), without a database.
 *
 * The draw: a known-answer vector (the one docs/SUPERVISION.md publishes for
 * re-implementers), the same seed and inputs give the same picks, any
 * changed input or seed gives other ones, the odds follow the weights as
 * documented (an exact oracle for the inclusion probability of weighted
 * successive sampling, checked by a chi-square-free z bound over many
 * seeds), and a property test over random pools: conflicts are never drawn,
 * objects are distinct, each city gets its sample, both inspectors are set
 * whenever two are eligible.  Also the state machine, kinds and weights.
 */
#include "core/common.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "domain/inspection.h"
#include "core/banned.h"

static void seed_of(unsigned char seed[32], uint64_t n)
{
	memset(seed, 0, 32);
	for (int i = 0; i < 8; i++)
		seed[i] = (unsigned char)(n >> (8 * i));
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* The small example of docs/SUPERVISION.md. */
static struct dt_draw_candidate ex_cand[] = {
	{ DT_OBJ_CONTRACT, 31, 210100, 7, 9, 1 },    { DT_OBJ_ENTERPRISE, 7, 210100, 7, 0, 5 },
	{ DT_OBJ_SCHOOL, 9, 210100, 9, 0, 1 },       { DT_OBJ_ENTERPRISE, 8, 210300, 8, 0, 3 },
	{ DT_OBJ_ENTERPRISE, 12, 210300, 12, 0, 1 }, { DT_OBJ_PILOT_TASK, 2, 210300, 0, 0, 2 },
};
static struct dt_draw_inspector ex_insp[] = {
	{ 103, 0, 210300 },
	{ 101, 7, 210100 },
	{ 102, 0, 0 },
	{ 104, 12, 210300 },
};

static void example(struct dt_draw_input *in)
{
	*in = (struct dt_draw_input){
		.plan_id = 1, .rate = false, .sample = 2, .cross_city = true
	};
	in->cand = ex_cand;
	in->ncand = DT_ARRAY_SIZE(ex_cand);
	in->insp = ex_insp;
	in->ninsp = DT_ARRAY_SIZE(ex_insp);
	dt_draw_sort(in);
}

static void result_hex(const struct dt_draw_input *in, const unsigned char seed[32], char out[65])
{
	struct dt_draw_pick *p = NULL;
	size_t n = 0;
	assert_int_equal(dt_draw_run(in, seed, NULL, &p, &n), DT_OK);
	unsigned char h[32];
	dt_draw_result_hash(in, p, n, h);
	hex(h, 32, out);
	free(p);
}

/* The published vector: seed 00 01 02 ... 1f over the example. */
static void test_known_answer(void **state)
{
	(void)state;
	struct dt_draw_input in;
	example(&in);
	unsigned char seed[32], h[32];
	for (int i = 0; i < 32; i++)
		seed[i] = (unsigned char)i;
	char x[65];
	dt_draw_inputs_hash(&in, h);
	hex(h, 32, x);
	assert_string_equal(x, "ab60259c60f553600ce130d5dac71009c1a05fb6bd07017d786409c3c63366a8");
	struct dt_draw_pick *p = NULL;
	size_t n = 0;
	assert_int_equal(dt_draw_run(&in, seed, NULL, &p, &n), DT_OK);
	assert_int_equal(n, 4);
	/* as docs/SUPERVISION.md lists them */
	static const int64_t want[4][4] = {
		{ DT_OBJ_ENTERPRISE, 7, 103, 104 },
		{ DT_OBJ_CONTRACT, 31, 103, 102 },
		{ DT_OBJ_ENTERPRISE, 12, 101, 102 },
		{ DT_OBJ_PILOT_TASK, 2, 102, 101 },
	};
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(in.cand[p[i].cand].kind, want[i][0]);
		assert_int_equal(in.cand[p[i].cand].object_id, want[i][1]);
		assert_int_equal(p[i].inspector_a, want[i][2]);
		assert_int_equal(p[i].inspector_b, want[i][3]);
	}
	/* The canonical order: cities ascending, kinds in their fixed order, ids. */
	assert_int_equal(in.cand[0].kind, DT_OBJ_ENTERPRISE);
	assert_int_equal(in.cand[0].object_id, 7);
	assert_int_equal(in.cand[2].kind, DT_OBJ_CONTRACT);
	assert_int_equal(in.insp[0].account_id, 101);
	/* two from each city, the first city's first */
	assert_int_equal(in.cand[p[0].cand].city, 210100);
	assert_int_equal(in.cand[p[1].cand].city, 210100);
	assert_int_equal(in.cand[p[2].cand].city, 210300);
	assert_int_equal(in.cand[p[3].cand].city, 210300);
	free(p);
	result_hex(&in, seed, x);
	assert_string_equal(x, "5ba75e51d1c2b311fca1261278e3279885287656dda2c338b65b67b48bbd2d7a");
}

static void test_same_and_changed(void **state)
{
	(void)state;
	struct dt_draw_input in;
	example(&in);
	unsigned char seed[32];
	char a[65], b[65];
	int differ = 0;
	for (uint64_t s = 0; s < 50; s++) {
		seed_of(seed, s);
		result_hex(&in, seed, a);
		result_hex(&in, seed, b);
		assert_string_equal(a, b); /* a pure function */
		/* any changed input changes the stream (it is keyed by the inputs hash) */
		unsigned char h0[32], h1[32];
		dt_draw_inputs_hash(&in, h0);
		in.cand[3].weight++;
		dt_draw_inputs_hash(&in, h1);
		assert_memory_not_equal(h0, h1, 32);
		result_hex(&in, seed, b);
		in.cand[3].weight--;
		differ += strcmp(a, b) != 0;
		/* another seed */
		seed_of(seed, s + 1000);
		result_hex(&in, seed, b);
		differ += strcmp(a, b) != 0;
	}
	/* six objects, two of three per city, pairs from up to four: collisions are rare */
	assert_true(differ >= 80);
	/* every field of the canonical input is in the hash */
	unsigned char h0[32], h1[32];
	dt_draw_inputs_hash(&in, h0);
	int64_t *fields[] = { &in.plan_id,        &in.sample,          &in.cand[1].object_id,
			      &in.cand[1].org_id, &in.cand[1].org2_id, &in.insp[1].account_id,
			      &in.insp[1].org_id };
	for (size_t i = 0; i < DT_ARRAY_SIZE(fields); i++) {
		(*fields[i])++;
		dt_draw_inputs_hash(&in, h1);
		(*fields[i])--;
		assert_memory_not_equal(h0, h1, 32);
	}
	in.cross_city = false;
	dt_draw_inputs_hash(&in, h1);
	assert_memory_not_equal(h0, h1, 32);
}

/*
 * The odds: drawing k = 2 of weights w without replacement, one at a time
 * with chance w_i / (remaining weight), object i is included with
 * p_i = w_i/W + sum_{j != i} (w_j/W) * w_i/(W - w_j).  Over N seeds the
 * count of each object lies within 5 standard deviations of N * p_i.
 */
static void test_weights_change_odds(void **state)
{
	(void)state;
	static const int64_t w[] = { 1, 2, 3, 10 };
	enum { K = 4, N = 8000 };
	struct dt_draw_candidate c[K];
	for (int i = 0; i < K; i++)
		c[i] = (struct dt_draw_candidate){ DT_OBJ_ENTERPRISE, i + 1, 210100, 0, 0, w[i] };
	struct dt_draw_input in = { .plan_id = 9, .sample = 2, .cand = c, .ncand = K };
	dt_draw_sort(&in);
	int count[K] = { 0 }, first[K] = { 0 };
	for (uint64_t s = 0; s < N; s++) {
		unsigned char seed[32];
		seed_of(seed, s);
		struct dt_draw_pick *p = NULL;
		size_t n = 0;
		assert_int_equal(dt_draw_run(&in, seed, NULL, &p, &n), DT_OK);
		assert_int_equal(n, 2);
		assert_int_not_equal(p[0].cand, p[1].cand);
		count[p[0].cand]++;
		count[p[1].cand]++;
		first[p[0].cand]++;
		free(p);
	}
	double W = 16;
	for (int i = 0; i < K; i++) {
		double pi = w[i] / W;
		for (int j = 0; j < K; j++)
			if (j != i)
				pi += (w[j] / W) * w[i] / (W - w[j]);
		double mean = N * pi, sd = sqrt(N * pi * (1 - pi));
		assert_true(fabs(count[i] - mean) < 5 * sd);
		double pf = w[i] / W, mf = N * pf, sf = sqrt(N * pf * (1 - pf));
		assert_true(fabs(first[i] - mf) < 5 * sf);
	}
	/* and the heavy object is really favoured: 10 of 16 vs 1 of 16 first */
	assert_true(first[3] > 5 * first[0]);
}

/* A random pool and candidates; every pick is checked against the rules. */
static void test_property_random_pools(void **state)
{
	(void)state;
	uint64_t x = 88172645463325252ull;
#define RND(m) (x ^= x << 13, x ^= x >> 7, x ^= x << 17, (int64_t)(x % (uint64_t)(m)))
	for (int round = 0; round < 300; round++) {
		size_t nc = (size_t)RND(60), ni = (size_t)RND(8);
		struct dt_draw_candidate *c = calloc(nc + 1, sizeof(*c));
		struct dt_draw_inspector *p = calloc(ni + 1, sizeof(*p));
		for (size_t i = 0; i < nc; i++)
			c[i] = (struct dt_draw_candidate){
				(int)RND(4), (int64_t)i + 1,      210100 + 100 * (int)RND(4),
				RND(6),      RND(3) ? 0 : RND(6), 1 + RND(9)
			};
		for (size_t i = 0; i < ni; i++)
			p[i] = (struct dt_draw_inspector){ 500 + (int64_t)i, RND(6),
							   RND(3) ? 210100 + 100 * (int)RND(4)
								  : 0 };
		struct dt_draw_input in = { .plan_id = round,
					    .rate = RND(2),
					    .cross_city = RND(2),
					    .cand = c,
					    .ncand = nc,
					    .insp = p,
					    .ninsp = ni };
		in.sample = in.rate ? 1 + RND(10000) : 1 + RND(5);
		dt_draw_sort(&in);
		unsigned char seed[32];
		seed_of(seed, (uint64_t)round);
		struct dt_draw_pick *pk = NULL;
		size_t n = 0;
		assert_int_equal(dt_draw_run(&in, seed, NULL, &pk, &n), DT_OK);
		char *seen = calloc(nc + 1, 1);
		/* per city: the sample size */
		size_t k = 0;
		for (size_t lo = 0, hi; lo < nc; lo = hi) {
			for (hi = lo; hi < nc && c[hi].city == c[lo].city; hi++)
				;
			size_t sz = hi - lo, want;
			if (in.rate)
				want = (size_t)((sz * (uint64_t)in.sample + 9999) / 10000);
			else
				want = (size_t)in.sample;
			if (want > sz)
				want = sz;
			for (size_t j = 0; j < want; j++, k++) {
				assert_true(k < n);
				assert_int_equal(c[pk[k].cand].city, c[lo].city);
			}
		}
		assert_int_equal(k, n);
		for (size_t j = 0; j < n; j++) {
			const struct dt_draw_candidate *o = &c[pk[j].cand];
			assert_false(seen[pk[j].cand]);
			seen[pk[j].cand] = 1;
			size_t elig = 0;
			for (size_t i = 0; i < ni; i++) {
				bool bad = (p[i].org_id && (p[i].org_id == o->org_id ||
							    p[i].org_id == o->org2_id)) ||
					   (in.cross_city && p[i].city && p[i].city == o->city);
				elig += !bad;
				if (bad) { /* a conflicted inspector is never drawn */
					assert_int_not_equal(pk[j].inspector_a, p[i].account_id);
					assert_int_not_equal(pk[j].inspector_b, p[i].account_id);
				}
			}
			assert_int_equal(pk[j].inspector_a != 0, elig >= 1);
			assert_int_equal(pk[j].inspector_b != 0, elig >= 2);
			if (pk[j].inspector_b)
				assert_int_not_equal(pk[j].inspector_a, pk[j].inspector_b);
		}
		free(seen);
		free(pk);
		free(c);
		free(p);
	}
#undef RND
}

static void test_bad_inputs(void **state)
{
	(void)state;
	struct dt_draw_input in;
	example(&in);
	unsigned char seed[32] = { 0 };
	struct dt_draw_pick *p = NULL;
	size_t n = 0;
	in.sample = 0;
	assert_int_equal(dt_draw_run(&in, seed, NULL, &p, &n), DT_EINVAL);
	in.sample = 10001;
	in.rate = true;
	assert_int_equal(dt_draw_run(&in, seed, NULL, &p, &n), DT_EINVAL);
	in.sample = 2;
	in.rate = false;
	in.cand[0].weight = 0;
	assert_int_equal(dt_draw_run(&in, seed, NULL, &p, &n), DT_EINVAL);
	assert_null(p);
	in.cand[0].weight = 5;
	/* an empty pool: objects are drawn, no inspectors */
	in.ninsp = 0;
	assert_int_equal(dt_draw_run(&in, seed, NULL, &p, &n), DT_OK);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_true(p[i].inspector_a == 0 && p[i].inspector_b == 0);
	free(p);
}

static void test_states(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	const char *next = NULL;
	assert_int_equal(dt_plan_step(&ps, 1, "draft", "commit", false, &next), DT_OK);
	assert_string_equal(next, "committed");
	assert_int_equal(dt_plan_step(&ps, 1, "committed", "draw", false, &next), DT_OK);
	assert_string_equal(next, "drawn");
	assert_int_equal(dt_plan_step(&ps, 1, "drawn", "reveal", false, &next), DT_OK);
	assert_string_equal(next, "drawn");
	assert_int_equal(dt_plan_step(&ps, 1, "drawn", "start", true, &next), DT_OK);
	assert_int_equal(dt_plan_step(&ps, 1, "in_progress", "close", true, &next), DT_OK);
	assert_string_equal(next, "closed");
	assert_int_equal(ps.n, 0);
	/* refused: skipping, going back, revealing before the draw or twice */
	assert_int_equal(dt_plan_step(&ps, 1, "draft", "draw", false, &next), DT_ECONFLICT);
	assert_int_equal(dt_plan_step(&ps, 1, "drawn", "commit", false, &next), DT_ECONFLICT);
	assert_int_equal(dt_plan_step(&ps, 1, "committed", "reveal", false, &next), DT_ECONFLICT);
	assert_true(dt_problems_has(&ps, "inspection.state"));
	assert_int_equal(dt_plan_step(&ps, 1, "drawn", "reveal", true, &next), DT_ECONFLICT);
	assert_true(dt_problems_has(&ps, "inspection.revealed"));
	assert_int_equal(dt_plan_step(&ps, 1, "drawn", "explode", false, &next), DT_ENOTFOUND);
	dt_problems_release(&ps);
}

/* Checklist codes, and closing a plan only when its inspections are done. */
static void test_check_codes_and_close(void **state)
{
	(void)state;
	static const char *const good[] = { "a", "insurance", "stipend_min_wage", "ppe2", "x_1_2" };
	static const char *const bad[] = { "",    "_a",          "9a", "A", "a-b",
					   "a b", "stipend.min", "é",  "aB" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(good); i++)
		assert_true(dt_check_code_valid(good[i], strlen(good[i])));
	for (size_t i = 0; i < DT_ARRAY_SIZE(bad); i++)
		assert_false(dt_check_code_valid(bad[i], strlen(bad[i])));
	char c40[41], c41[42];
	memset(c40, 'a', 40);
	c40[40] = 0;
	memset(c41, 'a', 41);
	c41[41] = 0;
	assert_true(dt_check_code_valid(c40, 40));
	assert_false(dt_check_code_valid(c41, 41));
	assert_false(dt_check_code_valid("ab\0c", 4)); /* an embedded NUL is no code */
	/* every default item's code is one */
	size_t n;
	const struct dt_check_item *c = dt_checklist_default(&n);
	for (size_t i = 0; i < n; i++)
		assert_true(dt_check_code_valid(c[i].code, strlen(c[i].code)));

	struct dt_problems ps = DT_PROBLEMS_INIT;
	assert_int_equal(dt_plan_close_check(&ps, 4, 0), DT_OK);
	assert_int_equal(ps.n, 0);
	assert_int_equal(dt_plan_close_check(&ps, 4, 3), DT_ECONFLICT);
	assert_true(dt_problems_has(&ps, "inspection.plan_open"));
	assert_string_equal(dt_problem_arg(&ps.v[0], "count"), "3");
	dt_problems_release(&ps);
}

static void test_kinds_weights_checklist(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	unsigned m = 0;
	assert_int_equal(dt_object_kinds_parse("contract, enterprise", &m, &ps, "k"), DT_OK);
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_object_kinds_format(m, &sb);
	assert_string_equal(sb.buf, "enterprise,contract");
	assert_int_equal(dt_object_kinds_parse("enterprise,bank", &m, &ps, "k"), DT_EINVAL);
	assert_int_equal(dt_object_kinds_parse(" , ", &m, &ps, "k"), DT_EINVAL);
	struct dt_weights w;
	assert_int_equal(dt_weights_parse("{\"alert\": 5, \"max\": 30}", &w, &ps, "w"), DT_OK);
	assert_int_equal(w.alert, 5);
	assert_int_equal(w.base, 1);
	assert_int_equal(dt_weights_apply(&w, 0, 0, 0), 1);
	assert_int_equal(dt_weights_apply(&w, 2, 1, 1), 1 + 10 + 2 + 3);
	assert_int_equal(dt_weights_apply(&w, 1000000, 0, 0), 30);
	assert_int_equal(dt_weights_parse("{\"alert\": 1.5}", &w, &ps, "w"), DT_EINVAL);
	assert_int_equal(dt_weights_parse("{\"bonus\": 1}", &w, &ps, "w"), DT_EINVAL);
	assert_int_equal(dt_weights_parse("{\"base\": 5, \"max\": 2}", &w, &ps, "w"), DT_EINVAL);
	assert_int_equal(dt_weights_parse("[1]", &w, &ps, "w"), DT_EINVAL);
	dt_strbuf_reset(&sb);
	dt_weights_default(&w);
	dt_weights_format(&w, &sb);
	struct dt_weights back;
	assert_int_equal(dt_weights_parse(sb.buf, &back, &ps, "w"), DT_OK);
	assert_memory_equal(&w, &back, sizeof(w));
	size_t n;
	const struct dt_check_item *c = dt_checklist_default(&n);
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++)
		assert_true(*c[i].code && *c[i].text_zh && *c[i].text_en && *c[i].basis);
	dt_strbuf_release(&sb);
	dt_problems_release(&ps);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_same_and_changed),
		cmocka_unit_test(test_weights_change_odds),
		cmocka_unit_test(test_property_random_pools),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_kinds_weights_checklist),
		cmocka_unit_test(test_check_codes_and_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
