/*
 * metrics.c - request counters and latency histograms for /metrics, in the
 * Prometheus text exposition format.
 *
 * Routes are the patterns of the route table (few and fixed), so series are
 * bounded: requests by route and status, a latency histogram by route, open
 * connections and the database size.  One mutex guards the counters: an
 * uncontended lock per request costs far less than the request.
 */
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>

#include "http/app.h"
#include "core/banned.h"

#define MAX_SERIES 256
#define MAX_ROUTES 64

static const double buckets[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
				  0.025,  0.05,	   0.1,	   0.25,  0.5,	  1.0,	 2.5 };
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

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct series series[MAX_SERIES];
static int nseries;
static struct histo histos[MAX_ROUTES];
static int nhistos;

void dt_metrics_observe(const char *route, int status, double seconds)
{
	pthread_mutex_lock(&mu);
	int i;
	/* Routes are the route table's patterns (or fixed literals): pointers first. */
	for (i = 0; i < nseries; i++)
		if (series[i].status == status &&
		    (series[i].route == route || !strcmp(series[i].route, route)))
			break;
	if (i == nseries && nseries < MAX_SERIES)
		series[nseries++] = (struct series){ route, status, 0 };
	if (i < nseries)
		series[i].count++;
	for (i = 0; i < nhistos; i++)
		if (histos[i].route == route || !strcmp(histos[i].route, route))
			break;
	if (i == nhistos && nhistos < MAX_ROUTES) {
		memset(&histos[nhistos], 0, sizeof(histos[0]));
		histos[nhistos++].route = route;
	}
	if (i < nhistos) {
		struct histo *h = &histos[i];
		for (size_t b = 0; b < NBUCKETS; b++)
			if (seconds <= buckets[b])
				h->le[b]++;
		h->count++;
		h->sum += seconds;
	}
	pthread_mutex_unlock(&mu);
}

static off_t file_size(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 ? st.st_size : 0;
}

void dt_metrics_render(struct dt_strbuf *out, const char *db_path)
{
	pthread_mutex_lock(&mu);
	dt_strbuf_adds(out, "# HELP dualtrack_http_requests_total HTTP requests by route and status.\n"
			    "# TYPE dualtrack_http_requests_total counter\n");
	for (int i = 0; i < nseries; i++)
		dt_strbuf_addf(out, "dualtrack_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
			       series[i].route, series[i].status, (unsigned long long)series[i].count);
	dt_strbuf_adds(out, "# HELP dualtrack_http_request_duration_seconds Time to answer a request.\n"
			    "# TYPE dualtrack_http_request_duration_seconds histogram\n");
	for (int i = 0; i < nhistos; i++) {
		struct histo *h = &histos[i];
		for (size_t b = 0; b < NBUCKETS; b++)
			dt_strbuf_addf(out,
				       "dualtrack_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
				       h->route, buckets[b], (unsigned long long)h->le[b]);
		dt_strbuf_addf(out,
			       "dualtrack_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
			       "dualtrack_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
			       "dualtrack_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
			       h->route, (unsigned long long)h->count, h->route, h->sum, h->route,
			       (unsigned long long)h->count);
	}
	pthread_mutex_unlock(&mu);
	dt_strbuf_addf(out, "# HELP dualtrack_http_open_connections Connections open now.\n"
			    "# TYPE dualtrack_http_open_connections gauge\n"
			    "dualtrack_http_open_connections %lld\n",
		       (long long)dt_server_open_connections());
	struct dt_strbuf wal = DT_STRBUF_INIT;
	if (db_path)
		dt_strbuf_addf(&wal, "%s-wal", db_path);
	dt_strbuf_addf(out, "# HELP dualtrack_database_bytes Size of the database file and its WAL.\n"
			    "# TYPE dualtrack_database_bytes gauge\n"
			    "dualtrack_database_bytes{file=\"db\"} %lld\n"
			    "dualtrack_database_bytes{file=\"wal\"} %lld\n",
		       (long long)file_size(db_path), (long long)file_size(db_path ? wal.buf : NULL));
	dt_strbuf_release(&wal);
}
