/*
 * bulk.c - what bulk work (imports) needs beyond single writes: a savepoint
 * around a group of writes inside an explicit transaction, so that one
 * imported row (a create, then perhaps contract actions and a scope check)
 * is undone as a whole while the rows before it stay.
 *
 * The audit chain head is cached in memory inside an explicit transaction
 * (see audit.c); undoing a savepoint may undo appended events, so the cache
 * is dropped and re-read from the table at the next append.
 *
 * Also the rows of background jobs (migration 004): queued, started,
 * finished, read back, and recovered after a restart.
 */
#include <stdlib.h>

#include "core/date.h"
#include "store/store_internal.h"
#include "core/banned.h"


int dt_store_row_begin(struct dt_store *s, struct dt_strbuf *err)
{
	if (!s->explicit_tx)
		return dt_error(err, DT_EINTERNAL, "internal error: a row savepoint needs dt_store_begin()");
	return dt_sql_run(s, "SAVEPOINT import_row", err);
}

int dt_store_row_end(struct dt_store *s, bool keep, struct dt_strbuf *err)
{
	if (!s->explicit_tx)
		return dt_error(err, DT_EINTERNAL, "internal error: no row savepoint");
	if (!keep) {
		dt_sql_run(s, "ROLLBACK TO import_row", NULL);
		s->head_cached = false;
	}
	return dt_sql_run(s, "RELEASE import_row", err);
}

/* ---- background jobs ---- */

/*
 * Job rows are operational records like sessions: written in their own
 * short transactions, not audited (the records a job writes are).
 */

static int job_exec(struct dt_store *s, sqlite3_stmt *st, struct dt_strbuf *err)
{
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE || r == SQLITE_ROW ? DT_OK : dt_sql_error(s, "job", err);
}

/* As sqlite.c's busy timeout: what a connection goes back to after a try without waiting. */
#define JOB_BUSY_TIMEOUT_MS 10000

int dt_store_job_create(struct dt_store *s, int64_t id, const char *kind, const char *entity,
			const char *owner, json_t *params, const char *created_at, bool nowait,
			struct dt_strbuf *err)
{
	char *p = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	if (nowait)
		sqlite3_busy_timeout(s->db, 0);
	int rc = dt_tx_begin(s, err);
	if (rc == DT_OK) {
		/* OR IGNORE: whichever thread records a job first wins; the others see it done */
		sqlite3_stmt *st = dt_sql_prepare(
			s, "INSERT OR IGNORE INTO job(id, kind, entity, owner, status, params, created_at) "
			   "VALUES (?, ?, ?, ?, 'queued', ?, ?)", err);
		if (!st) {
			rc = DT_EDB;
		} else {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, entity, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, owner, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, p ? p : "{}", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 6, created_at, -1, SQLITE_STATIC);
			rc = job_exec(s, st, err);
		}
		rc = dt_tx_end(s, rc, err);
	}
	if (nowait)
		sqlite3_busy_timeout(s->db, JOB_BUSY_TIMEOUT_MS);
	free(p);
	return rc;
}

int dt_store_job_max_id(struct dt_store *s, int64_t *id, struct dt_strbuf *err)
{
	sqlite3_stmt *st = dt_sql_prepare(
		s, "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'job'), 0), "
		   "coalesce((SELECT max(id) FROM job), 0))", err);
	if (!st)
		return DT_EDB;
	int r = sqlite3_step(st);
	*id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return r == SQLITE_ROW ? DT_OK : dt_sql_error(s, "job", err);
}

int dt_store_job_start(struct dt_store *s, int64_t id, struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	sqlite3_stmt *st = dt_sql_prepare(
		s, "UPDATE job SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'",
		err);
	if (!st)
		rc = DT_EDB;
	else {
		sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, id);
		rc = job_exec(s, st, err);
	}
	return dt_tx_end(s, rc, err);
}

int dt_store_job_finish(struct dt_store *s, int64_t id, const char *status, int64_t done,
			int64_t total, json_t *counts, const char *error, const char *report,
			size_t report_len, struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	char *c = counts ? json_dumps(counts, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	dt_time_now(now);
	int rc = dt_tx_begin(s, err);
	if (rc == DT_OK) {
		sqlite3_stmt *st = dt_sql_prepare(
			s, "UPDATE job SET status = ?, done = ?, total = ?, counts = ?, error = ?, "
			   "report = ?, finished_at = ?, started_at = coalesce(started_at, ?) WHERE id = ?",
			err);
		if (!st) {
			rc = DT_EDB;
		} else {
			sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, done);
			sqlite3_bind_int64(st, 3, total);
			if (c)
				sqlite3_bind_text(st, 4, c, -1, SQLITE_STATIC);
			if (error)
				sqlite3_bind_text(st, 5, error, -1, SQLITE_STATIC);
			if (report)
				sqlite3_bind_text(st, 6, report, (int)report_len, SQLITE_STATIC);
			sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 9, id);
			rc = job_exec(s, st, err);
		}
		rc = dt_tx_end(s, rc, err);
	}
	free(c);
	return rc;
}

#define JOB_COLS "id, kind, entity, owner, status, params, done, total, counts, error, " \
		 "created_at, started_at, finished_at, report IS NOT NULL"

static json_t *job_json(sqlite3_stmt *st)
{
	static const char *const names[] = { "id", "kind", "entity", "owner", "status", "params",
					     "done", "total", "counts", "error", "created_at",
					     "started_at", "finished_at", "has_report" };
	json_t *o = json_object();
	for (int i = 0; i < (int)DT_ARRAY_SIZE(names); i++) {
		json_t *v;
		int t = sqlite3_column_type(st, i);
		if (t == SQLITE_NULL)
			v = json_null();
		else if (t == SQLITE_INTEGER)
			v = i == 13 ? json_boolean(sqlite3_column_int(st, i)) : json_integer(sqlite3_column_int64(st, i));
		else if (i == 5 || i == 8)
			v = json_loads((const char *)sqlite3_column_text(st, i), 0, NULL);
		else
			v = json_string((const char *)sqlite3_column_text(st, i));
		json_object_set_new(o, names[i], v ? v : json_null());
	}
	return o;
}

int dt_store_job_get(struct dt_store *s, int64_t id, json_t **out, struct dt_strbuf *err)
{
	sqlite3_stmt *st = dt_sql_prepare(s, "SELECT " JOB_COLS " FROM job WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	sqlite3_bind_int64(st, 1, id);
	int r = sqlite3_step(st);
	int rc = DT_OK;
	if (r == SQLITE_ROW)
		*out = job_json(st);
	else if (r == SQLITE_DONE)
		rc = dt_error(err, DT_ENOTFOUND, "job %lld not found", (long long)id);
	else
		rc = dt_sql_error(s, "job", err);
	sqlite3_reset(st);
	return rc;
}

int dt_store_job_list(struct dt_store *s, const char *owner, int limit, json_t **out,
		      struct dt_strbuf *err)
{
	sqlite3_stmt *st = dt_sql_prepare(
		s, "SELECT " JOB_COLS " FROM job WHERE ?1 IS NULL OR owner = ?1 ORDER BY id DESC LIMIT ?2",
		err);
	if (!st)
		return DT_EDB;
	if (owner)
		sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	json_t *a = json_array();
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(a, job_json(st));
	sqlite3_reset(st);
	if (r != SQLITE_DONE) {
		json_decref(a);
		return dt_sql_error(s, "job", err);
	}
	*out = a;
	return DT_OK;
}

int dt_store_job_report(struct dt_store *s, int64_t id, struct dt_strbuf *out, struct dt_strbuf *err)
{
	sqlite3_stmt *st = dt_sql_prepare(s, "SELECT report FROM job WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	sqlite3_bind_int64(st, 1, id);
	int r = sqlite3_step(st);
	int rc = DT_OK;
	if (r == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		dt_strbuf_add(out, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	else if (r == SQLITE_ROW || r == SQLITE_DONE)
		rc = dt_error(err, DT_ENOTFOUND, "job %lld has no report", (long long)id);
	else
		rc = dt_sql_error(s, "job", err);
	sqlite3_reset(st);
	return rc;
}

int dt_store_job_recover(struct dt_store *s, const char *why, int64_t *n, struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	sqlite3_stmt *st = dt_sql_prepare(
		s, "UPDATE job SET status = 'failed', error = ?, finished_at = ? "
		   "WHERE status IN ('queued', 'running')", err);
	if (!st) {
		rc = DT_EDB;
	} else {
		sqlite3_bind_text(st, 1, why, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		rc = job_exec(s, st, err);
		if (rc == DT_OK && n)
			*n = sqlite3_changes(s->db);
	}
	return dt_tx_end(s, rc, err);
}
