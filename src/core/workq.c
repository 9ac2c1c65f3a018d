/*
 * workq.c - the pool of workq.h: a ring of jobs under one mutex, threads
 * waiting on a condition variable, each lowering its own priority first.
 *
 * On Linux, setpriority(PRIO_PROCESS, tid) sets the niceness of one thread,
 * not of the process: the event loops keep theirs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/log.h"
#include "core/workq.h"
#include "core/banned.h"

struct job {
	void (*fn)(void *arg);
	void *arg;
};

struct dt_workq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *ring;
	size_t depth, head, count;
	bool stopping;
	int nice;
	int nthreads;
	pthread_t *threads;
};

static void *run(void *p)
{
	struct dt_workq *q = p;
	pid_t tid = (pid_t)syscall(SYS_gettid);
	errno = 0;
	int cur = getpriority(PRIO_PROCESS, (id_t)tid);
	if (q->nice && !(cur == -1 && errno) &&
	    setpriority(PRIO_PROCESS, (id_t)tid, cur + q->nice > 19 ? 19 : cur + q->nice) != 0)
		dt_warn("workq: cannot lower the priority of thread %d: %s", (int)tid,
			strerror(errno));
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->count && !q->stopping)
			pthread_cond_wait(&q->cv, &q->mu);
		if (!q->count)
			break; /* stopping and nothing left */
		struct job j = q->ring[q->head];
		q->head = (q->head + 1) % q->depth;
		q->count--;
		pthread_mutex_unlock(&q->mu);
		j.fn(j.arg);
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

enum dt_err dt_workq_new(struct dt_workq **out, int threads, size_t depth, int nice,
			 struct dt_strbuf *err)
{
	struct dt_workq *q = NULL;
	int rc = DT_OK;
	*out = NULL;
	if (threads < 1 || depth < 1)
		return dt_error(err, DT_EINVAL, "workq: at least one thread and one queued job");
	q = calloc(1, sizeof(*q));
	if (!q)
		return dt_error(err, DT_ENOMEM, "out of memory");
	q->ring = calloc(depth, sizeof(*q->ring));
	q->threads = calloc((size_t)threads, sizeof(*q->threads));
	if (!q->ring || !q->threads) {
		free(q->ring);
		free(q->threads);
		free(q);
		return dt_error(err, DT_ENOMEM, "out of memory");
	}
	q->depth = depth;
	q->nice = nice;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	for (; q->nthreads < threads; q->nthreads++) {
		int e = pthread_create(&q->threads[q->nthreads], NULL, run, q);
		if (e) {
			rc = dt_error(err, DT_EIO, "workq: cannot start a thread: %s", strerror(e));
			break;
		}
	}
	if (rc != DT_OK) {
		dt_workq_free(q);
		return rc;
	}
	*out = q;
	return DT_OK;
}

bool dt_workq_submit(struct dt_workq *q, void (*fn)(void *arg), void *arg)
{
	bool ok = false;
	pthread_mutex_lock(&q->mu);
	if (q->count < q->depth && !q->stopping) {
		q->ring[(q->head + q->count) % q->depth] = (struct job){ fn, arg };
		q->count++;
		ok = true;
		pthread_cond_signal(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return ok;
}

void dt_workq_free(struct dt_workq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stopping = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (int i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q->ring);
	free(q->threads);
	free(q);
}
