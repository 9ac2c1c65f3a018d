/*
 * jobs.c - the background job pool of the server process.
 *
 * One process-wide pool (like the server's stop flag): a queue of jobs in
 * memory, JOBS_MAX_WORKERS threads at most, each with its own store
 * connection.  The HTTP threads submit (the job row is written on their
 * connection, then the job is queued), read (the row, with the live
 * progress from memory laid over it) and cancel (a flag the import checks
 * between rows).  A worker writes the row when the job starts and when it
 * ends, outside the import's own transaction.
 *
 * An import holds the database's write lock for as long as it runs, so:
 * imports run one at a time (import_mu), and a submission never waits for
 * the lock: its id comes from memory (above the largest id ever given),
 * its row is written at once if the database is free and otherwise by the
 * worker when the running import ends - always before the job itself
 * starts.  Until then the job exists in memory only, and a crash in that
 * window loses it (the client's next GET is a 404).
 *
 * Locking: one mutex guards the queue, the list of live jobs and the id
 * counter; progress and cancel flags are atomics, read without it.  A live
 * job is freed only by its worker, after it has left the list under the
 * mutex.
 *
 * Several servers on one PostgreSQL database: a job runs on the server that
 * took its upload (the file is there), so it runs once.  Its id comes from
 * the job table's sequence, not from this process's counter, so that two
 * servers never give the same one; this process holds the advisory lock
 * DT_STORE_LOCK_JOB_BASE + id on its own connection (pool.owner) from the
 * submission to the job's end, so that a server starting meanwhile does not
 * take the job for one left behind by a dead process (dt_store_job_recover);
 * and the running job's progress is written to its row every second on that
 * connection, outside the import's transaction, so that GET /jobs/ID on any
 * server shows it.
 */
#include <pthread.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/common.h"
#include "core/date.h"
#include "core/log.h"
#include "core/utf8.h"
#include "engine/jobs.h"
#include "io/import.h"
#include "core/banned.h"

#define JOBS_MAX_WORKERS 8
#define LIST_LIMIT 50

struct job {
	int64_t id;
	char created_at[DT_TIME_STRLEN];
	json_t *params;
	atomic_bool recorded; /* its row exists */
	char *entity, *owner, *request_id;
	struct dt_scope scope;
	bool scoped, partial;
	int encoding;
	int fd; /* the file to import (unlinked; closed with the job), or -1 */
	size_t len;
	atomic_int cancel;
	_Atomic int64_t done, total;
	bool running;
	time_t progress_written; /* PostgreSQL: when the row last got the progress */
	struct job *next_queued;
	struct job *next_live;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, *tail; /* queued */
	struct job *live;        /* queued and running */
	bool started;
	atomic_bool stopping; /* read by workers without the mutex */
	pthread_t threads[JOBS_MAX_WORKERS];
	int nthreads;
	int64_t last_id;        /* the largest job id given (SQLite) */
	struct dt_store *owner; /* PostgreSQL: job locks and progress rows; owner_mu */
	pthread_mutex_t owner_mu;
	char *db_path;
	const struct dt_keys *keys;
} pool = { PTHREAD_MUTEX_INITIALIZER,
	   PTHREAD_COND_INITIALIZER,
	   NULL,
	   NULL,
	   NULL,
	   false,
	   false,
	   { 0 },
	   0,
	   0,
	   NULL,
	   PTHREAD_MUTEX_INITIALIZER,
	   NULL,
	   NULL };

/* One import at a time: each holds the write lock of the database throughout. */
static pthread_mutex_t import_mu = PTHREAD_MUTEX_INITIALIZER;

static void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->entity);
	free(j->owner);
	free(j->request_id);
	if (j->fd >= 0)
		close(j->fd); /* the file's data goes with it */
	json_decref(j->params);
	free(j);
}

/* Remove @j from the live list (mutex held). */
static void unlink_live(struct job *j)
{
	for (struct job **p = &pool.live; *p; p = &(*p)->next_live) {
		if (*p == j) {
			*p = j->next_live;
			return;
		}
	}
}

static void progress(void *ctx, int64_t done, int64_t total)
{
	struct job *j = ctx;
	atomic_store(&j->done, done);
	atomic_store(&j->total, total);
	if (!pool.owner)
		return;
	/* For the other servers: the row, at most once a second. */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec == j->progress_written && done != total)
		return;
	j->progress_written = ts.tv_sec;
	pthread_mutex_lock(&pool.owner_mu);
	dt_store_job_progress(pool.owner, j->id, done, total, NULL);
	pthread_mutex_unlock(&pool.owner_mu);
}

/* PostgreSQL: this process holds job @id from now until release_job(). */
static void hold_job(int64_t id)
{
	bool got = false;
	if (!pool.owner)
		return;
	pthread_mutex_lock(&pool.owner_mu);
	if (dt_store_try_lock(pool.owner, DT_STORE_LOCK_JOB_BASE + id, &got, NULL) != DT_OK || !got)
		dt_warn("job %lld: its lock is taken: another server may mark it failed",
			(long long)id);
	pthread_mutex_unlock(&pool.owner_mu);
}

static void release_job(int64_t id)
{
	if (!pool.owner)
		return;
	pthread_mutex_lock(&pool.owner_mu);
	dt_store_unlock(pool.owner, DT_STORE_LOCK_JOB_BASE + id);
	pthread_mutex_unlock(&pool.owner_mu);
}

/* Write the row of @j if it has none yet (waiting for the lock unless @nowait). */
static enum dt_err record(struct dt_store *s, struct job *j, bool nowait)
{
	if (atomic_load(&j->recorded))
		return DT_OK;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = dt_store_job_create(s, j->id, "import", j->entity, j->owner, j->params,
				     j->created_at, nowait, &err);
	if (rc == DT_OK)
		atomic_store(&j->recorded, true);
	else if (!nowait)
		dt_log_error("job %lld: cannot record it: %s", (long long)j->id, err.buf);
	dt_strbuf_release(&err);
	return rc;
}

/* Record every live job that has no row yet (between imports, when the lock is free). */
static void record_pending(struct dt_store *s)
{
	/*
	 * Called with import_mu held: no job is freed meanwhile (a worker frees
	 * its job only after running it, which takes import_mu).
	 */
	for (;;) {
		struct job *todo = NULL;
		pthread_mutex_lock(&pool.mu);
		for (struct job *j = pool.live; j && !todo; j = j->next_live)
			if (!atomic_load(&j->recorded))
				todo = j;
		pthread_mutex_unlock(&pool.mu);
		if (!todo || record(s, todo, false) != DT_OK)
			return;
	}
}

/* Run @j on @s and write its end. */
static void run_job(struct dt_store *s, struct job *j)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_import_result r;
	const char *status = "failed";
	const char *why = NULL;
	json_t *counts = NULL;

	dt_import_result_init(&r);
	if (record(s, j, false) != DT_OK)
		goto out; /* no row to report to: logged */
	if (atomic_load(&j->cancel)) {
		status = atomic_load(&pool.stopping) ? "failed" : "cancelled";
		why = atomic_load(&pool.stopping) ? "import.stopped_queued"
						  : "import.cancelled_queued";
		goto finish;
	}
	if (dt_store_job_start(s, j->id, &err) != DT_OK) {
		dt_log_error("job %lld: cannot mark it running: %s", (long long)j->id, err.buf);
		dt_strbuf_reset(&err);
	}
	struct dt_actor actor = { j->owner, j->request_id, j->scoped ? &j->scope : NULL };
	struct dt_import_opts o = { j->entity, j->encoding, j->partial ? DT_IMPORT_PARTIAL : 0,
				    &actor,    progress,    j,
				    &j->cancel };
	/* The file is mapped, not read: its pages are the page cache's, not this heap's. */
	void *data = j->len ? mmap(NULL, j->len, PROT_READ, MAP_PRIVATE, j->fd, 0) : NULL;
	int rc;
	if (data == MAP_FAILED) {
		rc = dt_error(&err, DT_EIO, "cannot map the uploaded file: %s", strerror(errno));
		data = NULL;
	} else {
		rc = dt_import_csv(s, &o, data ? data : "", j->len, &r, &err);
	}
	if (data)
		munmap(data, j->len);
	counts = dt_import_result_json(&r);
	json_t *first = json_array();
	for (size_t i = 0; i < json_array_size(r.errors) && i < 20; i++)
		json_array_append(first, json_array_get(r.errors, i));
	json_object_set_new(counts, "first_errors", first);
	if (r.cancelled) {
		status = atomic_load(&pool.stopping) ? "failed" : "cancelled";
		why = atomic_load(&pool.stopping) ? "import.stopped" : "import.cancelled";
	} else if (rc == DT_OK) {
		status = "succeeded";
	} else if (rc == DT_EINVAL && r.rejected && !j->partial) {
		why = "import.rejected"; /* worded with the counts where the job is read */
	} else {
		why = err.buf;
	}
finish:;
	/* A report with more than its header line: there is something to read. */
	const char *nl = strchr(r.report.buf, '\n');
	bool report = nl && nl[1];
	struct dt_strbuf ferr = DT_STRBUF_INIT;
	if (dt_store_job_finish(s, j->id, status, atomic_load(&j->done), atomic_load(&j->total),
				counts, why, report ? r.report.buf : NULL, r.report.len,
				&ferr) != DT_OK)
		dt_log_error("job %lld: cannot record its end (%s): %s", (long long)j->id, status,
			     ferr.buf);
	else
		dt_info("job %lld (import %s by %s): %s", (long long)j->id, j->entity, j->owner,
			status);
	dt_strbuf_release(&ferr);
out:
	json_decref(counts);
	dt_import_result_release(&r);
	dt_strbuf_release(&err);
}

static void *worker_main(void *arg)
{
	struct dt_store *s = arg;
	for (;;) {
		pthread_mutex_lock(&pool.mu);
		while (!pool.head && !atomic_load(&pool.stopping))
			pthread_cond_wait(&pool.cv, &pool.mu);
		struct job *j = pool.head;
		if (!j) {
			pthread_mutex_unlock(&pool.mu);
			break;
		}
		pool.head = j->next_queued;
		if (!pool.head)
			pool.tail = NULL;
		pthread_mutex_unlock(&pool.mu);

		/* Queued until it is its turn to take the database. */
		pthread_mutex_lock(&import_mu);
		pthread_mutex_lock(&pool.mu);
		j->running = true;
		if (atomic_load(&pool.stopping))
			atomic_store(&j->cancel, 1);
		pthread_mutex_unlock(&pool.mu);
		run_job(s, j);
		record_pending(s);
		pthread_mutex_unlock(&import_mu);

		pthread_mutex_lock(&pool.mu);
		unlink_live(j);
		pthread_mutex_unlock(&pool.mu);
		release_job(j->id);
		job_free(j);
	}
	dt_store_close(s);
	return NULL;
}

enum dt_err dt_jobs_start(const char *db_path, const struct dt_keys *keys, int nworkers,
			  struct dt_strbuf *err)
{
	struct dt_store *s = NULL;
	int64_t n = 0;
	if (pool.started)
		return dt_error(err, DT_EINTERNAL, "the job pool is already running");
	if (nworkers < 1)
		nworkers = 1;
	if (nworkers > JOBS_MAX_WORKERS)
		nworkers = JOBS_MAX_WORKERS;
	int rc = dt_store_open(&s, db_path, keys, 0, err);
	if (rc == DT_OK)
		rc = dt_store_job_recover(s, "import.interrupted", &n, err);
	if (rc == DT_OK)
		rc = dt_store_job_max_id(s, &pool.last_id, err);
	if (rc == DT_OK && dt_store_shared(s)) {
		pool.owner = s; /* kept: the job locks live as long as it */
		s = NULL;
	}
	dt_store_close(s);
	if (rc != DT_OK)
		return rc;
	if (n)
		dt_warn("%lld job(s) of a previous run marked failed (interrupted)", (long long)n);
	pool.db_path = strdup(db_path);
	pool.keys = keys;
	atomic_store(&pool.stopping, false);
	/* Stop signals go to the server's main thread, never to a job thread. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (int i = 0; i < nworkers; i++) {
		struct dt_store *ws = NULL;
		rc = dt_store_open(&ws, db_path, keys, 0, err);
		if (rc != DT_OK)
			break;
		if (pthread_create(&pool.threads[pool.nthreads], NULL, worker_main, ws) != 0) {
			dt_store_close(ws);
			rc = dt_error(err, DT_EIO, "cannot start a job thread");
			break;
		}
		pool.nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pool.started = pool.nthreads > 0;
	if (rc != DT_OK)
		dt_jobs_stop();
	return rc;
}

void dt_jobs_stop(void)
{
	pthread_mutex_lock(&pool.mu);
	atomic_store(&pool.stopping, true);
	for (struct job *j = pool.live; j; j = j->next_live)
		atomic_store(&j->cancel, 1);
	pthread_cond_broadcast(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
	for (int i = 0; i < pool.nthreads; i++)
		pthread_join(pool.threads[i], NULL);
	pool.nthreads = 0;
	pool.started = false;
	free(pool.db_path);
	pool.db_path = NULL;
	if (pool.owner) {
		dt_store_close(pool.owner);
		pool.owner = NULL;
	}
}

enum dt_err dt_jobs_submit_import(struct dt_store *s, const struct dt_import_job *in, int fd,
				  size_t len, int64_t *id, struct dt_strbuf *err)
{
	if (!pool.started || atomic_load(&pool.stopping)) {
		close(fd);
		return dt_error(err, DT_EDENIED, "background jobs are not running in this process");
	}
	if (in->filename && !dt_utf8_valid(in->filename, strlen(in->filename), NULL)) {
		close(fd);
		return dt_error(err, DT_EINVAL, "name: the file name is not valid UTF-8");
	}
	if (in->filename && dt_utf8_len(in->filename) > DT_JOB_NAME_MAX) {
		close(fd);
		return dt_error(err, DT_EINVAL,
				"name: the file name is too long (%zu characters; at most %d)",
				dt_utf8_len(in->filename), DT_JOB_NAME_MAX);
	}
	struct job *j = calloc(1, sizeof(*j));
	if (!j) {
		close(fd);
		return dt_error(err, DT_ENOMEM, "out of memory");
	}
	j->fd = fd;
	j->len = len;
	j->entity = dt_xstrdup(in->entity);
	j->owner = dt_xstrdup(in->owner);
	j->request_id = dt_xstrdup(in->request_id);
	if (!j->entity || !j->owner || (in->request_id && !j->request_id)) {
		job_free(j);
		return dt_error(err, DT_ENOMEM, "out of memory");
	}
	if (in->scope) {
		j->scope = *in->scope;
		j->scoped = true;
	}
	j->partial = in->partial;
	j->encoding = in->encoding;
	j->params = json_pack("{s:b, s:i, s:I}", "partial", in->partial, "encoding", in->encoding,
			      "bytes", (json_int_t)len);
	if (in->filename)
		json_object_set_new(j->params, "file", json_string(in->filename));
	dt_time_now(j->created_at);
	if (pool.owner) {
		pthread_mutex_lock(&pool.owner_mu);
		int rc = dt_store_job_next_id(pool.owner, &j->id, err);
		pthread_mutex_unlock(&pool.owner_mu);
		if (rc != DT_OK) {
			job_free(j);
			return rc;
		}
		hold_job(j->id);
	} else {
		pthread_mutex_lock(&pool.mu);
		j->id = ++pool.last_id;
		pthread_mutex_unlock(&pool.mu);
	}
	/* Recorded now if the database is free; else by the worker before the job starts. */
	record(s, j, true);
	*id = j->id;
	pthread_mutex_lock(&pool.mu);
	if (pool.tail)
		pool.tail->next_queued = j;
	else
		pool.head = j;
	pool.tail = j;
	j->next_live = pool.live;
	pool.live = j;
	pthread_cond_signal(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
	return DT_OK;
}

/* Lay the live state of job row @o over it, and shape it for the API. */
static void overlay(json_t *o)
{
	int64_t id = json_integer_value(json_object_get(o, "id"));
	int64_t done = json_integer_value(json_object_get(o, "done"));
	int64_t total = json_integer_value(json_object_get(o, "total"));
	pthread_mutex_lock(&pool.mu);
	for (struct job *j = pool.live; j; j = j->next_live) {
		if (j->id != id)
			continue;
		done = atomic_load(&j->done);
		total = atomic_load(&j->total);
		const char *st = atomic_load(&j->cancel) && !j->running ? "cancelled"
				 : j->running                           ? "running"
									: "queued";
		json_object_set_new(o, "status", json_string(st));
		if (j->running && atomic_load(&j->cancel))
			json_object_set_new(o, "cancelling", json_true());
	}
	pthread_mutex_unlock(&pool.mu);
	json_object_del(o, "done");
	json_object_del(o, "total");
	json_object_set_new(
		o, "progress",
		json_pack("{s:I, s:I}", "done", (json_int_t)done, "total", (json_int_t)total));
	if (json_is_true(json_object_get(o, "has_report"))) {
		char url[64];
		snprintf(url, sizeof(url), "/api/v1/jobs/%lld/report", (long long)id);
		json_object_set_new(o, "report", json_string(url));
	} else {
		json_object_set_new(o, "report", json_null());
	}
	json_object_del(o, "has_report");
}

/* A job without its row yet, shaped as a row (mutex held). */
static json_t *live_row(const struct job *j)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:O, s:i, s:i, s:n, s:n, s:s, s:n, s:n, s:b}",
			 "id", (json_int_t)j->id, "kind", "import", "entity", j->entity, "owner",
			 j->owner, "status", "queued", "params", j->params, "done", 0, "total", 0,
			 "counts", "error", "created_at", j->created_at, "started_at",
			 "finished_at", "has_report", 0);
}

/* Job @id from memory when it has no row yet; NULL otherwise. */
static json_t *unrecorded(int64_t id)
{
	json_t *o = NULL;
	pthread_mutex_lock(&pool.mu);
	for (struct job *j = pool.live; j && !o; j = j->next_live)
		if (j->id == id && !atomic_load(&j->recorded))
			o = live_row(j);
	pthread_mutex_unlock(&pool.mu);
	return o;
}

enum dt_err dt_jobs_get(struct dt_store *s, int64_t id, const char *owner, bool all, json_t **out,
			struct dt_strbuf *err)
{
	json_t *o = unrecorded(id);
	int rc = o ? DT_OK : dt_store_job_get(s, id, &o, err);
	if (rc != DT_OK)
		return rc;
	if (!all && strcmp(json_string_value(json_object_get(o, "owner")), owner)) {
		json_decref(o);
		return dt_error(err, DT_ENOTFOUND, "job %lld not found", (long long)id);
	}
	overlay(o);
	*out = o;
	return DT_OK;
}

enum dt_err dt_jobs_list(struct dt_store *s, const char *owner, bool all, json_t **out,
			 struct dt_strbuf *err)
{
	int rc = dt_store_job_list(s, all ? NULL : owner, LIST_LIMIT, out, err);
	if (rc != DT_OK)
		return rc;
	/* the newest, not yet recorded, first */
	size_t k = 0;
	pthread_mutex_lock(&pool.mu);
	for (struct job *j = pool.live; j; j = j->next_live) /* newest first */
		if (!atomic_load(&j->recorded) && (all || !strcmp(j->owner, owner)))
			json_array_insert_new(*out, k++, live_row(j));
	pthread_mutex_unlock(&pool.mu);
	size_t i;
	json_t *o;
	json_array_foreach(*out, i, o) overlay(o);
	return DT_OK;
}

enum dt_err dt_jobs_cancel(struct dt_store *s, int64_t id, const char *owner, bool all,
			   struct dt_strbuf *err)
{
	json_t *o = NULL;
	int rc = dt_jobs_get(s, id, owner, all, &o, err);
	if (rc != DT_OK)
		return rc;
	const char *st = json_string_value(json_object_get(o, "status"));
	bool found = false;
	pthread_mutex_lock(&pool.mu);
	for (struct job *j = pool.live; j; j = j->next_live) {
		if (j->id == id) {
			atomic_store(&j->cancel, 1);
			found = true;
		}
	}
	pthread_mutex_unlock(&pool.mu);
	if (!found)
		rc = dt_error(err, DT_ECONFLICT, "job %lld has already ended (%s)", (long long)id,
			      st);
	json_decref(o);
	return rc;
}
