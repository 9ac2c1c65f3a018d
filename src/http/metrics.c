/*
 * metrics.c - request counters and latency histograms for /metrics, in the
 * Prometheus text exposition format.
 *
 * Routes are the patterns of the route table (few and fixed), so series are
 * bounded: requests by route and status, a latency histogram by route, open
 * connections and the database size.
 *
 * Each thread counts into its own shard, so that the workers never write to
 * the same cache lines or wait for each other's lock; a shard's mutex is
 * taken by its thread per request (uncontended) and by /metrics, which adds
 * the shards up.  Past MAX_SHARDS threads, later ones share shards (still
 * correct under the mutex, only contended).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "http/app.h"
#include "core/banned.h"

#define MAX_SERIES 256
#define MAX_ROUTES 64
#define MAX_SHARDS 64

static const double buckets[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
				  0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   2.5 };
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

struct series {
	const char *route;
	int status;
	uint64_t count;
};

struct histo {
	const char *route;
	uint64_t le[NBUCKETS];
	uint64_t count;
	double sum;
};

struct shard {
	_Alignas(64)
		pthread_mutex_t mu; /* a cache line of its own, apart from the next shard's tail */
	struct series series[MAX_SERIES];
	int nseries;
	struct histo histos[MAX_ROUTES];
	int nhistos;
};

static struct shard shards[MAX_SHARDS];
static atomic_int nshards; /* shards handed out (may pass MAX_SHARDS) */
static pthread_once_t shards_once = PTHREAD_ONCE_INIT;
static _Thread_local struct shard *my_shard;

static void shards_init(void)
{
	for (int i = 0; i < MAX_SHARDS; i++)
		pthread_mutex_init(&shards[i].mu, NULL);
}

/* Routes are the route table's patterns (or fixed literals): pointers first. */
static bool same_route(const char *a, const char *b)
{
	return a == b || !strcmp(a, b);
}

/* The slot of (@route, @status) in @series (growing *@n), or -1 when full. */
static int series_slot(struct series *series, int *n, const char *route, int status)
{
	int i;
	for (i = 0; i < *n; i++)
		if (series[i].status == status && same_route(series[i].route, route))
			return i;
	if (*n == MAX_SERIES)
		return -1;
	series[i] = (struct series){ route, status, 0 };
	(*n)++;
	return i;
}

/* The histogram of @route in @histos (growing *@n), or NULL when full. */
static struct histo *histo_slot(struct histo *histos, int *n, const char *route)
{
	int i;
	for (i = 0; i < *n; i++)
		if (same_route(histos[i].route, route))
			return &histos[i];
	if (*n == MAX_ROUTES)
		return NULL;
	memset(&histos[i], 0, sizeof(histos[i]));
	histos[i].route = route;
	(*n)++;
	return &histos[i];
}

void dt_metrics_observe(const char *route, int status, double seconds)
{
	struct shard *sh = my_shard;
	if (!sh) {
		pthread_once(&shards_once, shards_init);
		sh = my_shard = &shards[atomic_fetch_add(&nshards, 1) % MAX_SHARDS];
	}
	pthread_mutex_lock(&sh->mu);
	int i = series_slot(sh->series, &sh->nseries, route, status);
	if (i >= 0)
		sh->series[i].count++;
	struct histo *h = histo_slot(sh->histos, &sh->nhistos, route);
	if (h) {
		for (size_t b = 0; b < NBUCKETS; b++)
			if (seconds <= buckets[b])
				h->le[b]++;
		h->count++;
		h->sum += seconds;
	}
	pthread_mutex_unlock(&sh->mu);
}

/* The shards added up into @t (one shard's worth of room: the series are bounded alike). */
static void shards_sum(struct shard *t)
{
	int n = atomic_load(&nshards);
	pthread_once(&shards_once, shards_init);
	for (int k = 0; k < n && k < MAX_SHARDS; k++) {
		struct shard *sh = &shards[k];
		pthread_mutex_lock(&sh->mu);
		for (int i = 0; i < sh->nseries; i++) {
			int j = series_slot(t->series, &t->nseries, sh->series[i].route,
					    sh->series[i].status);
			if (j >= 0)
				t->series[j].count += sh->series[i].count;
		}
		for (int i = 0; i < sh->nhistos; i++) {
			struct histo *h = histo_slot(t->histos, &t->nhistos, sh->histos[i].route);
			if (!h)
				continue;
			for (size_t b = 0; b < NBUCKETS; b++)
				h->le[b] += sh->histos[i].le[b];
			h->count += sh->histos[i].count;
			h->sum += sh->histos[i].sum;
		}
		pthread_mutex_unlock(&sh->mu);
	}
}


void dt_metrics_render(struct dt_strbuf *out, struct dt_store *s)
{
	struct shard *t = calloc(1, sizeof(*t)); /* big for a stack: ~15 KiB */
	if (!t) {
		out->failed = true; /* the server answers 500 for a body that could not be built */
		return;
	}
	shards_sum(t);
	dt_strbuf_adds(out,
		       "# HELP dualtrack_http_requests_total HTTP requests by route and status.\n"
		       "# TYPE dualtrack_http_requests_total counter\n");
	for (int i = 0; i < t->nseries; i++)
		dt_strbuf_addf(out,
			       "dualtrack_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
			       t->series[i].route, t->series[i].status,
			       (unsigned long long)t->series[i].count);
	dt_strbuf_adds(out,
		       "# HELP dualtrack_http_request_duration_seconds Time to answer a request.\n"
		       "# TYPE dualtrack_http_request_duration_seconds histogram\n");
	for (int i = 0; i < t->nhistos; i++) {
		struct histo *h = &t->histos[i];
		for (size_t b = 0; b < NBUCKETS; b++)
			dt_strbuf_addf(
				out,
				"dualtrack_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
				h->route, buckets[b], (unsigned long long)h->le[b]);
		dt_strbuf_addf(
			out,
			"dualtrack_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
			"dualtrack_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
			"dualtrack_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
			h->route, (unsigned long long)h->count, h->route, h->sum, h->route,
			(unsigned long long)h->count);
	}
	free(t);
	dt_strbuf_addf(out,
		       "# HELP dualtrack_http_open_connections Connections open now.\n"
		       "# TYPE dualtrack_http_open_connections gauge\n"
		       "dualtrack_http_open_connections %lld\n",
		       (long long)dt_server_open_connections());
	int64_t db = 0, wal = 0;
	if (s)
		dt_store_size(s, &db, &wal, NULL);
	dt_strbuf_addf(out,
		       "# HELP dualtrack_database_bytes Size of the database (file and WAL on SQLite; "
		       "the whole database on PostgreSQL, whose WAL is the server's).\n"
		       "# TYPE dualtrack_database_bytes gauge\n"
		       "dualtrack_database_bytes{file=\"db\"} %lld\n"
		       "dualtrack_database_bytes{file=\"wal\"} %lld\n",
		       (long long)db, (long long)wal);
}
