/*
 * workq.h - a small pool of threads at a lower scheduling priority, fed by a
 * bounded queue: CPU-heavy work (password hashing) taken off the threads
 * that must stay responsive.
 *
 * dt_workq_submit() never blocks: when the queue is full it says so, and
 * the caller refuses the work (the server answers 503).  The threads run at
 * `nice` above the process's niceness (setpriority on each thread's id), so
 * that under load the kernel gives the responsive threads the CPU first.
 */
#ifndef DT_WORKQ_H
#define DT_WORKQ_H

#include <stdbool.h>
#include <stddef.h>

#include "core/common.h"

struct dt_workq;

/**
 * Start @threads threads (>= 1) at niceness +@nice, with room for @depth
 * queued jobs (>= 1).  A niceness the system refuses is logged, not fatal.
 */
enum dt_err dt_workq_new(struct dt_workq **out, int threads, size_t depth, int nice,
			 struct dt_strbuf *err);
/**
 * Queue @fn(@arg) for a pool thread; false when @depth jobs are already
 * waiting (nothing is queued then, @arg stays the caller's).  Thread-safe.
 */
bool dt_workq_submit(struct dt_workq *q, void (*fn)(void *arg), void *arg);
/** Run the jobs still queued, stop the threads and free @q; NULL is fine. */
void dt_workq_free(struct dt_workq *q);

#endif
