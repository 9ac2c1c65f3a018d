/*
 * draw.c - the cost of the verifiable draw (bench/draw.sh builds and runs
 * it): CANDIDATES candidate objects in CITIES cities with weights 1..20
 * (most 1, as most objects have no alert), a sample rate of 5 % per city,
 * INSPECTORS inspectors with organisations and cities, cross-city.
 *
 * Times, each the median of RUNS runs: the draw (the inputs hash, the
 * stream, the sampling and the pairing: what `inspection draw` computes
 * once the frozen rows are read), the re-verification (inputs hash, draw
 * and a pick-by-pick comparison with a recorded result: what `inspection
 * verify` computes), and the anchor, a plain qsort of CANDIDATES random
 * 64-bit keys in the same run.  Reading and writing the database rows is
 * not in these figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "domain/inspection.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	size_t nc = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	size_t ni = argc > 2 ? strtoul(argv[2], NULL, 10) : 500;
	int cities = argc > 3 ? atoi(argv[3]) : 100, runs = argc > 4 ? atoi(argv[4]) : 7;
	if (sodium_init() < 0 || !nc || !ni || cities < 1 || runs < 1 || runs > 99)
		return 2;
	struct dt_draw_candidate *c = calloc(nc, sizeof(*c));
	struct dt_draw_inspector *p = calloc(ni, sizeof(*p));
	uint64_t *keys = calloc(nc, sizeof(*keys)), *work = calloc(nc, sizeof(*keys));
	if (!c || !p || !keys || !work)
		return 3;
	uint64_t x = 88172645463325252ull;
#define RND() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
	for (size_t i = 0; i < nc; i++) {
		int city = 210100 + 100 * (int)(i % (size_t)cities);
		uint64_t r = RND() % 100;
		c[i] = (struct dt_draw_candidate){ (int)(RND() % 4), (int64_t)i + 1, city,
						   (int64_t)(RND() % 20000) + 1, 0,
						   r < 80 ? 1 : r < 95 ? 3 + (int64_t)(r % 5) : 20 };
		keys[i] = RND();
	}
	for (size_t i = 0; i < ni; i++)
		p[i] = (struct dt_draw_inspector){ 1000000 + (int64_t)i, (int64_t)(RND() % 20000) + 1,
						   210100 + 100 * (int)(RND() % (uint64_t)cities) };
	struct dt_draw_input in = { .plan_id = 1, .rate = true, .sample = 500, .cross_city = true,
				    .cand = c, .ncand = nc, .insp = p, .ninsp = ni };
	dt_draw_sort(&in);
	unsigned char seed[32];
	dt_draw_seed_new(seed);
	struct dt_draw_pick *rec = NULL;
	size_t nrec = 0;
	if (dt_draw_run(&in, seed, NULL, &rec, &nrec) != DT_OK)
		return 3;
	double td[99], tv[99], ts[99];
	int bad = 0;
	for (int r = 0; r < runs; r++) {
		unsigned char h[32];
		struct dt_draw_pick *pk = NULL;
		size_t n = 0;
		double t0 = now();
		dt_draw_inputs_hash(&in, h);
		dt_draw_run(&in, seed, h, &pk, &n);
		double t1 = now();
		free(pk);
		/* verify: hash the inputs, re-run, compare with the recorded picks */
		dt_draw_inputs_hash(&in, h);
		dt_draw_run(&in, seed, h, &pk, &n);
		bad += n != nrec || memcmp(pk, rec, n * sizeof(*pk)) != 0;
		dt_draw_result_hash(&in, pk, n, h);
		double t2 = now();
		free(pk);
		memcpy(work, keys, nc * sizeof(*keys));
		double t3 = now();
		qsort(work, nc, sizeof(*work), cmp_u64);
		double t4 = now();
		td[r] = (t1 - t0) * 1e3;
		tv[r] = (t2 - t1) * 1e3;
		ts[r] = (t4 - t3) * 1e3;
	}
	printf("candidates %zu in %d cities, inspectors %zu, drawn %zu, runs %d%s\n", nc, cities,
	       ni, nrec, runs, bad ? ", MISMATCH" : "");
	printf("draw_ms %.2f\nverify_ms %.2f\nsort_anchor_ms %.2f\n", median(td, runs),
	       median(tv, runs), median(ts, runs));
	free(c);
	free(p);
	free(keys);
	free(work);
	free(rec);
	return bad ? 1 : 0;
}
