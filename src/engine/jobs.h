/*
 * jobs.h - background jobs in the server process: a small pool of worker
 * threads, each with its own store connection, running imports that were
 * uploaded through the API.
 *
 * A job is a row of the job table (queued, running, succeeded, failed,
 * cancelled) plus, while it is queued or running, an entry in memory that
 * holds its input (an open, unlinked file), its progress (done / total) and its cancel flag: the
 * import holds the database's write lock for its one transaction, so
 * progress is not written to the database until the end.  When the server
 * starts, jobs a previous process left queued or running are marked
 * failed; when it stops, running jobs are cancelled (their transaction is
 * rolled back) and marked failed, queued ones too.
 */
#ifndef DT_JOBS_H
#define DT_JOBS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/secret.h"
#include "core/strbuf.h"
#include "store/store.h"

/** Characters of the file name an import job keeps: a longer one is refused. */
#define DT_JOB_NAME_MAX 255

/**
 * Start @nworkers job threads on the database at @db_path (each opens its
 * own connection with @keys, which must outlive dt_jobs_stop()), after
 * marking jobs left over by a previous process as failed.
 */
enum dt_err dt_jobs_start(const char *db_path, const struct dt_keys *keys, int nworkers,
			  struct dt_strbuf *err);
/** Cancel what runs, fail what waits, join the threads.  Safe without a start. */
void dt_jobs_stop(void);

struct dt_import_job {
	const char *entity;           /* entity name */
	const char *owner;            /* the login; jobs are visible to it and to admins */
	const char *request_id;       /* for the audit events of the rows; may be NULL */
	const struct dt_scope *scope; /* copied; NULL: unrestricted */
	bool partial;
	int encoding;
	const char *filename; /* for the job's params; may be NULL; at most 255 characters */
};

/**
 * Queue an import of the @len bytes of the file open at @fd (a regular
 * file, unlinked by the caller, so that its data goes when the job closes
 * it: when the job ends, succeeded or not, or is cancelled).  The job takes
 * @fd in every case, failure included.  The import maps the file instead of
 * reading it into memory.  The job row is written on the store @s (the
 * caller's connection); *@id receives the job id.  DT_EDENIED when the job
 * engine is not running.
 */
enum dt_err dt_jobs_submit_import(struct dt_store *s, const struct dt_import_job *j, int fd,
				  size_t len, int64_t *id, struct dt_strbuf *err);
/**
 * Job @id as JSON: the row, with the live progress of a queued or running
 * job.  DT_ENOTFOUND unless @owner started it or @all (an admin) is set.
 * Its "error" is why it did not succeed: a catalogue code (import.rejected,
 * import.cancelled, import.interrupted …, worded with the job's counts by
 * whoever shows it, in the reader's language) or, for a file that could
 * not be read at all, the import's own message.
 */
enum dt_err dt_jobs_get(struct dt_store *s, int64_t id, const char *owner, bool all, json_t **out,
			struct dt_strbuf *err);
/** The newest jobs of @owner (all: everyone's), with live progress. */
enum dt_err dt_jobs_list(struct dt_store *s, const char *owner, bool all, json_t **out,
			 struct dt_strbuf *err);
/**
 * Ask job @id to stop: a queued job never starts, a running import is
 * rolled back; both end "cancelled".  DT_ECONFLICT if it already ended.
 */
enum dt_err dt_jobs_cancel(struct dt_store *s, int64_t id, const char *owner, bool all,
			   struct dt_strbuf *err);

#endif
