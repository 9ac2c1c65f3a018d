/*
 * watch.c - evaluate the alert rules after changes and daily (see watch.h).
 *
 * Writers only bump an atomic counter; the watcher wakes every tick, and
 * when the counter moved and has been still for the delay (so that a burst
 * of writes costs one evaluation), or has kept moving for a minute since the
 * last evaluation, runs the rules cheap enough for that
 * (dt_engine_alerts_pass(), not full); at start and when a day has passed,
 * every rule, the whole record book's data-quality checks too.  It runs on
 * its own connection as the actor "system:alerts".
 *
 * Several servers on one PostgreSQL database evaluate once between them:
 * only the one holding the advisory lock DT_STORE_LOCK_ALERTS (taken for
 * the life of the watcher's connection, and taken over by another server
 * within a second of the holder's end) evaluates, and it learns of writes
 * made through the others from the audit chain's growth
 * (dt_store_change_mark), polled every tick, as well as from its own.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "core/common.h"
#include "core/log.h"
#include "engine/indicators.h"
#include "engine/watch.h"
#include "core/banned.h"

#define TICK_MS 200
#define DAY_S (24 * 3600)
#define BUSY_S 60 /* at most this long between evaluations while writes keep coming */

static struct {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool running, stop;
	struct dt_store *store;
	int delay_ms;
} w = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static atomic_uint changes;
static atomic_bool started;
static atomic_bool stopping; /* dt_watch_stop(): a pass under way ends before its next alert */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Are we the server that evaluates?  Always on SQLite; on PostgreSQL, the lock's holder. */
static bool leader(void)
{
	static bool held;
	static double tried;
	if (held || !dt_store_shared(w.store))
		return true;
	double t = now_s();
	if (t - tried < 1.0)
		return false;
	tried = t;
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_store_try_lock(w.store, DT_STORE_LOCK_ALERTS, &held, &err) != DT_OK)
		held = false;
	if (held)
		dt_info("alert rules: this server evaluates them");
	dt_strbuf_release(&err);
	return held;
}

/* Writes through other servers: the audit chain grew (PostgreSQL only). */
static bool others_wrote(void)
{
	static int64_t seen = -1;
	if (!dt_store_shared(w.store))
		return false;
	int64_t mark = 0;
	if (dt_store_change_mark(w.store, &mark, NULL) != DT_OK)
		return false;
	bool moved = seen >= 0 && mark != seen;
	seen = mark;
	return moved;
}

/* @full: every rule (at start and daily); otherwise those cheap enough after writes. */
static void evaluate(bool full)
{
	if (!leader())
		return;
	static const struct dt_actor actor = { "system:alerts", NULL, NULL };
	struct dt_strbuf err = DT_STRBUF_INIT;
	int raised = 0;
	if (dt_engine_alerts_pass(w.store, &actor, 0, full, &stopping, &raised, &err) != DT_OK)
		dt_warn("alert rules: %s", err.buf);
	else if (raised)
		dt_info("alert rules: %d new alert%s", raised, raised == 1 ? "" : "s");
	dt_strbuf_release(&err);
}

static void *watch_main(void *arg)
{
	(void)arg;
	unsigned seen = atomic_load(&changes);
	double changed_at = 0, last_eval = now_s(), last_full = last_eval;
	evaluate(true); /* once at start: the daily rules for today */
	pthread_mutex_lock(&w.mu);
	while (!w.stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w.cv, &w.mu, &ts);
		if (w.stop)
			break;
		unsigned now_changes = atomic_load(&changes);
		double t = now_s();
		if (leader() && others_wrote())
			changed_at = t; /* written through another server */
		if (now_changes != seen) {
			seen = now_changes;
			changed_at = t;
		}
		/* Quiet for the delay; or changing without pause for a minute (a busy server). */
		bool settled = changed_at > 0 &&
			       ((t - changed_at) * 1000 >= w.delay_ms || t - last_eval >= BUSY_S);
		if (settled || t - last_full >= DAY_S) {
			bool full = t - last_full >= DAY_S;
			pthread_mutex_unlock(&w.mu);
			evaluate(full);
			pthread_mutex_lock(&w.mu);
			changed_at = 0;
			last_eval = t;
			if (full)
				last_full = t;
		}
	}
	pthread_mutex_unlock(&w.mu);
	return NULL;
}

enum dt_err dt_watch_start(const char *path, const struct dt_keys *keys, int delay_ms,
			   struct dt_strbuf *err)
{
	int rc = dt_store_open(&w.store, path, keys, 0, err);
	if (rc != DT_OK)
		return rc;
	w.delay_ms = delay_ms;
	w.stop = false;
	atomic_store(&stopping, false);
	if (pthread_create(&w.thread, NULL, watch_main, NULL) != 0) {
		dt_store_close(w.store);
		w.store = NULL;
		return dt_error(err, DT_EIO, "cannot start the alert watcher thread");
	}
	w.running = true;
	atomic_store(&started, true);
	return DT_OK;
}

void dt_watch_touch(void)
{
	if (atomic_load_explicit(&started, memory_order_relaxed))
		atomic_fetch_add_explicit(&changes, 1, memory_order_relaxed);
}

void dt_watch_stop(void)
{
	if (!w.running)
		return;
	atomic_store(&started, false);
	atomic_store(&stopping, true);
	pthread_mutex_lock(&w.mu);
	w.stop = true;
	pthread_cond_signal(&w.cv);
	pthread_mutex_unlock(&w.mu);
	pthread_join(w.thread, NULL);
	dt_store_close(w.store);
	w.store = NULL;
	w.running = false;
}
