/*
 * watch.h - the alert watcher of the server: a thread with its own database
 * connection that evaluates the alert rules shortly after changes (writes
 * call dt_watch_touch()) and at least once a day.
 */
#ifndef DT_WATCH_H
#define DT_WATCH_H

#include "core/secret.h"
#include "core/strbuf.h"

/** Start the watcher on the database at @path; @delay_ms after the last change it evaluates. */
enum dt_err dt_watch_start(const char *path, const struct dt_keys *keys, int delay_ms,
			   struct dt_strbuf *err);
/** Something changed: evaluate soon.  Cheap; safe from any thread, and a no-op when not started. */
void dt_watch_touch(void);
/** Stop and join the watcher (no-op when not started). */
void dt_watch_stop(void);

#endif
