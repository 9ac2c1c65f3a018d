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
#include <string.h>

#include "core/date.h"
#include "store/store_internal.h"
#include "core/banned.h"

enum dt_err dt_store_row_begin(struct dt_store *s, struct dt_strbuf *err)
{
	if (!s->explicit_tx)
		return dt_error(err, DT_EINTERNAL,
				"internal error: a row savepoint needs dt_store_begin()");
	return dt_sql_run(s, "SAVEPOINT import_row", err);
}

enum dt_err dt_store_row_end(struct dt_store *s, bool keep, struct dt_strbuf *err)
{
	if (!s->explicit_tx)
		return dt_error(err, DT_EINTERNAL, "internal error: no row savepoint");
	if (!keep) {
		dt_sql_run(s, "ROLLBACK TO import_row", NULL);
		s->head_cached = false;
	}
	return dt_sql_run(s, "RELEASE import_row", err);
}

/* ---- the bulk path for trainees (see dt_trainee_prepare in rules.c) ---- */

const struct dt_keys *dt_store_keys(struct dt_store *s)
{
	return s->have_keys ? &s->keys : NULL;
}

/*
 * The highest id @table has ever given (ids are never reused, as SQLite's
 * AUTOINCREMENT and PostgreSQL's identity sequences keep them): dialect.
 */
static enum dt_err max_id_ever(struct dt_store *s, const char *table, int64_t *id,
			       struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	if (dt_db_dialect(s->db) == DT_DB_PGSQL)
		dt_strbuf_addf(&sql,
			       "SELECT GREATEST(coalesce(pg_sequence_last_value("
			       "pg_get_serial_sequence('%1$s', 'id')), 0), "
			       "coalesce((SELECT max(id) FROM %1$s), 0))",
			       table);
	else
		dt_strbuf_addf(&sql,
			       "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = "
			       "'%1$s'), 0), coalesce((SELECT max(id) FROM %1$s), 0))",
			       table);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	dt_strbuf_release(&sql);
	if (!st)
		return DT_EDB;
	int r = dt_db_step(st);
	*id = r == DT_DB_ROW ? dt_db_column_int64(st, 0) : 0;
	dt_db_reset(st);
	return r == DT_DB_ROW ? DT_OK : dt_sql_error(s, table, err);
}

/*
 * After rows of @table were written with ids the store chose (up to @last):
 * on PostgreSQL the identity sequence moves past them, so that the next
 * row written without an id does not take one of theirs (SQLite's
 * AUTOINCREMENT follows by itself).  Dialect.
 */
static enum dt_err ids_used(struct dt_store *s, const char *table, int64_t last,
			    struct dt_strbuf *err)
{
	if (dt_db_dialect(s->db) != DT_DB_PGSQL)
		return DT_OK;
	struct dt_strbuf sql = DT_STRBUF_INIT;
	dt_strbuf_addf(&sql,
		       "SELECT setval(pg_get_serial_sequence('%s', 'id'), ?) WHERE ? > "
		       "coalesce(pg_sequence_last_value(pg_get_serial_sequence('%s', 'id')), 0)",
		       table, table);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	dt_strbuf_release(&sql);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, last);
	dt_db_bind_int64(st, 2, last);
	int r = dt_db_step(st);
	dt_db_reset(st);
	return r == DT_DB_ROW || r == DT_DB_DONE ? DT_OK : dt_sql_error(s, table, err);
}

/* The id the next trainee gets. */
static enum dt_err trainee_next_id(struct dt_store *s, int64_t *id, struct dt_strbuf *err)
{
	int rc = max_id_ever(s, "trainee", id, err);
	++*id;
	return rc;
}

enum dt_err dt_store_region_bitmap(struct dt_store *s, unsigned char *bits, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT id FROM region", err);
	if (!st)
		return DT_EDB;
	memset(bits, 0, DT_REGION_BITMAP_BYTES);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		int64_t code = dt_db_column_int64(st, 0);
		if (code > 0 && code < DT_REGION_BITMAP_BYTES * 8)
			bits[code / 8] |= (unsigned char)(1u << (code % 8));
	}
	dt_db_reset(st);
	return r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "region", err);
}

static void bind_opt(struct dt_db_stmt *st, int i, const char *v)
{
	if (v)
		dt_db_bind_text(st, i, v, -1);
}

#define TRAINEE_COLS 14
static const char *const trainee_cols[TRAINEE_COLS] = {
	"id",         "national_id", "national_id_enc", "national_id_blind",
	"name",       "gender",      "birth_date",      "region",
	"phone",      "email",       "guardian_name",   "registered_by",
	"created_at", "updated_at"
};

/* Bind @t to the TRAINEE_COLS parameters from @p on. */
static void bind_trainee(struct dt_db_stmt *st, int p, const struct dt_trainee_new *t)
{
	dt_db_bind_int64(st, p, t->id);
	dt_db_bind_text(st, p + 1, t->masked, -1);
	dt_db_bind_blob(st, p + 2, t->enc, sizeof(t->enc));
	dt_db_bind_blob(st, p + 3, t->blind, sizeof(t->blind));
	dt_db_bind_text(st, p + 4, t->name, -1);
	dt_db_bind_text(st, p + 5, t->gender, -1);
	dt_db_bind_text(st, p + 6, t->birth_date, -1);
	dt_db_bind_int64(st, p + 7, t->region);
	bind_opt(st, p + 8, t->phone);
	bind_opt(st, p + 9, t->email);
	bind_opt(st, p + 10, t->guardian_name);
	if (t->registered_by)
		dt_db_bind_int64(st, p + 11, t->registered_by);
	dt_db_bind_text(st, p + 12, t->created_at, -1);
	dt_db_bind_text(st, p + 13, t->created_at, -1);
}

static void copy_opt(struct dt_db_copy *c, const char *v)
{
	if (v)
		dt_db_copy_text(c, v, -1);
	else
		dt_db_copy_null(c);
}

/*
 * The @n trainees @t in one copy (the columns of bind_trainee): all or none.
 * DT_DB_DONE, or DT_DB_ERROR with the failure's class in *@cls (its words
 * in @err unless it is a unique violation, the caller's to handle).
 */
static int copy_trainees(struct dt_store *s, struct dt_trainee_new *const *t, int n,
			 enum dt_db_errclass *cls, struct dt_strbuf *err)
{
	*cls = DT_DBE_NONE;
	struct dt_db_copy *c = dt_db_copy_begin_with(s->db, "trainee", trainee_cols, TRAINEE_COLS,
						     DT_DB_COPY_TYPED, err);
	if (!c) {
		*cls = dt_db_errclass(s->db);
		dt_sql_error(s, "trainee", err);
		return DT_DB_ERROR;
	}
	for (int i = 0; i < n; i++) {
		const struct dt_trainee_new *ti = t[i];
		dt_db_copy_int64(c, ti->id);
		dt_db_copy_text(c, ti->masked, -1);
		dt_db_copy_blob(c, ti->enc, sizeof(ti->enc));
		dt_db_copy_blob(c, ti->blind, sizeof(ti->blind));
		dt_db_copy_text(c, ti->name, -1);
		dt_db_copy_text(c, ti->gender, -1);
		dt_db_copy_text(c, ti->birth_date, -1);
		dt_db_copy_int64(c, ti->region);
		copy_opt(c, ti->phone);
		copy_opt(c, ti->email);
		copy_opt(c, ti->guardian_name);
		if (ti->registered_by)
			dt_db_copy_int64(c, ti->registered_by);
		else
			dt_db_copy_null(c);
		dt_db_copy_text(c, ti->created_at, -1);
		dt_db_copy_text(c, ti->created_at, -1);
		if (!dt_db_copy_row(c))
			break;
	}
	struct dt_strbuf why = DT_STRBUF_INIT;
	int r = DT_DB_DONE;
	if (dt_db_copy_end(c, false, &why) != DT_OK) {
		*cls = dt_db_errclass(s->db);
		if (*cls != DT_DBE_UNIQUE)
			dt_sql_error(s, "trainee", err);
		r = DT_DB_ERROR;
	}
	dt_strbuf_release(&why);
	return r;
}

/* The slow path's INSERT: at most this many trainees in one statement. */
#define INSERT_ROWS 64

/*
 * One INSERT of @n (at most INSERT_ROWS) trainees; DT_DB_DONE, or the
 * step's error code with the failure's class in *@cls (its words in @err).
 * A failed insert leaves the transaction usable for the next try: on
 * PostgreSQL, where a failed statement aborts the whole transaction, it
 * runs inside a savepoint that a failure rolls back to (dialect).
 */
static int insert_trainees(struct dt_store *s, struct dt_trainee_new *const *t, int n,
			   enum dt_db_errclass *cls, struct dt_strbuf *err)
{
	bool pg = dt_db_dialect(s->db) == DT_DB_PGSQL;
	*cls = DT_DBE_NONE;
	if (pg && dt_sql_run(s, "SAVEPOINT trainee_batch", err) != DT_OK) {
		*cls = DT_DBE_OTHER;
		return DT_DB_ERROR;
	}
	struct dt_strbuf sql = DT_STRBUF_INIT;
	dt_strbuf_adds(&sql,
		       "INSERT INTO trainee(id, national_id, national_id_enc, national_id_blind, "
		       "name, gender, birth_date, region, phone, email, guardian_name, "
		       "registered_by, created_at, updated_at) VALUES ");
	for (int i = 0; i < n; i++)
		dt_strbuf_adds(&sql, i ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
				       : "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	dt_strbuf_release(&sql);
	int r = DT_DB_ERROR;
	if (st) {
		for (int i = 0; i < n; i++)
			bind_trainee(st, 1 + i * TRAINEE_COLS, t[i]);
		r = dt_db_step(st);
		dt_db_reset(st);
	}
	if (r != DT_DB_DONE) {
		*cls = st ? dt_db_errclass(s->db) : DT_DBE_OTHER;
		if (st && *cls != DT_DBE_UNIQUE) /* a taken ID is the caller's to handle */
			dt_sql_error(s, "trainee", err);
		if (pg)
			dt_sql_run(s, "ROLLBACK TO trainee_batch", NULL);
	}
	if (pg)
		dt_sql_run(s, "RELEASE trainee_batch", NULL);
	return r;
}

/*
 * The slow path, after the copy of the whole batch failed on a unique
 * violation: INSERTs of INSERT_ROWS from id @next on, and row by row where
 * one of those fails too, so that each trainee whose ID is taken is found
 * (t[i]->conflict) and the others get consecutive ids.
 */
static int insert_finding_taken(struct dt_store *s, struct dt_trainee_new *const *t, int n,
				int64_t next, enum dt_db_errclass *cls, struct dt_strbuf *err)
{
	int r = DT_DB_DONE;
	for (int k = 0; k < n && r == DT_DB_DONE; k += INSERT_ROWS) {
		int m = n - k < INSERT_ROWS ? n - k : INSERT_ROWS;
		for (int i = 0; i < m; i++)
			t[k + i]->id = next + i;
		r = insert_trainees(s, t + k, m, cls, err);
		if (r == DT_DB_DONE) {
			next += m;
			continue;
		}
		if (*cls != DT_DBE_UNIQUE)
			break;
		r = DT_DB_DONE;
		for (int i = k; i < k + m && r == DT_DB_DONE; i++) {
			t[i]->id = next;
			r = insert_trainees(s, &t[i], 1, cls, err);
			if (r == DT_DB_DONE) {
				next++;
			} else if (*cls == DT_DBE_UNIQUE) {
				t[i]->conflict = true;
				t[i]->id = 0;
				r = DT_DB_DONE;
			}
		}
	}
	return r;
}

enum dt_err dt_store_trainee_insert(struct dt_store *s, const struct dt_actor *a,
				    struct dt_trainee_new *const *t, int n, struct dt_strbuf *err)
{
	if (!s->explicit_tx)
		return dt_error(err, DT_EINTERNAL,
				"internal error: the bulk path needs dt_store_begin()");
	if (n <= 0 || n > DT_TRAINEE_BATCH)
		return dt_error(err, DT_EINTERNAL, "internal error: a batch of %d trainees", n);
	int64_t next;
	int rc = trainee_next_id(s, &next, err);
	if (rc != DT_OK)
		return rc;
	/* the batch's time: each trainee's created_at and updated_at, and its event's ts */
	char ts[DT_TIME_STRLEN];
	dt_time_now(ts);
	for (int i = 0; i < n; i++) {
		t[i]->conflict = false;
		t[i]->id = next + i;
		memcpy(t[i]->created_at, ts, sizeof(ts));
	}
	/* One copy for the batch; INSERTs that find the rows only when an ID in it is taken. */
	enum dt_db_errclass cls;
	int r = copy_trainees(s, t, n, &cls, err);
	if (r != DT_DB_DONE && cls == DT_DBE_UNIQUE)
		r = insert_finding_taken(s, t, n, next, &cls, err);
	if (r != DT_DB_DONE)
		return cls == DT_DBE_UNIQUE ? dt_sql_error(s, "trainee", err)
					    : DT_EDB; /* @err says why */
	int64_t last = 0;
	for (int i = 0; i < n; i++)
		if (!t[i]->conflict && t[i]->id > last)
			last = t[i]->id;
	if (last && (rc = ids_used(s, "trainee", last, err)) != DT_OK)
		return rc;

	/* the events: each trainee's after as it is (what the event's columns say left out) */
	const char **afters = malloc((size_t)n * sizeof(*afters));
	int64_t *ids = malloc((size_t)n * sizeof(*ids));
	long *regions = malloc((size_t)n * sizeof(*regions));
	int m = 0;
	if (!ids || !afters || !regions) {
		rc = dt_error(err, DT_ENOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		if (t[i]->conflict)
			continue;
		afters[m] = t[i]->after.buf;
		ids[m] = t[i]->id;
		regions[m++] = t[i]->region;
	}
	rc = dt_audit_append_batch(s, a, ts, "trainee.create", "trainee", m, ids, afters, regions,
				   err);
out:
	free(ids);
	free(afters);
	free(regions);
	return rc;
}

/* ---- background jobs ---- */

/*
 * Job rows are operational records like sessions: written in their own
 * short transactions, not audited (the records a job writes are).
 */

static enum dt_err job_exec(struct dt_store *s, struct dt_db_stmt *st, struct dt_strbuf *err)
{
	int r = dt_db_step(st);
	dt_db_reset(st);
	return r == DT_DB_DONE || r == DT_DB_ROW ? DT_OK : dt_sql_error(s, "job", err);
}

/* As sqlite.c's busy timeout: what a connection goes back to after a try without waiting. */
#define JOB_BUSY_TIMEOUT_MS 10000

enum dt_err dt_store_job_create(struct dt_store *s, int64_t id, const char *kind,
				const char *entity, const char *owner, json_t *params,
				const char *created_at, bool nowait, struct dt_strbuf *err)
{
	char *p = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	if (nowait)
		dt_db_busy_timeout(s->db, 0);
	int rc = dt_tx_begin(s, err);
	if (rc == DT_OK) {
		/* Whichever thread records a job first wins; the others see it done. */
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			"INSERT INTO job(id, kind, entity, owner, status, params, created_at) "
			"VALUES (?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT (id) DO NOTHING",
			err);
		if (!st) {
			rc = DT_EDB;
		} else {
			dt_db_bind_int64(st, 1, id);
			dt_db_bind_text(st, 2, kind, -1);
			dt_db_bind_text(st, 3, entity, -1);
			dt_db_bind_text(st, 4, owner, -1);
			dt_db_bind_text(st, 5, p ? p : "{}", -1);
			dt_db_bind_text(st, 6, created_at, -1);
			rc = job_exec(s, st, err);
		}
		if (rc == DT_OK)
			rc = ids_used(s, "job", id, err);
		rc = dt_tx_end(s, rc, err);
	}
	if (nowait)
		dt_db_busy_timeout(s->db, JOB_BUSY_TIMEOUT_MS);
	free(p);
	return rc;
}

enum dt_err dt_store_job_max_id(struct dt_store *s, int64_t *id, struct dt_strbuf *err)
{
	return max_id_ever(s, "job", id, err);
}

enum dt_err dt_store_job_start(struct dt_store *s, int64_t id, struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"UPDATE job SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'",
		err);
	if (!st)
		rc = DT_EDB;
	else {
		dt_db_bind_text(st, 1, now, -1);
		dt_db_bind_int64(st, 2, id);
		rc = job_exec(s, st, err);
	}
	return dt_tx_end(s, rc, err);
}

enum dt_err dt_store_job_finish(struct dt_store *s, int64_t id, const char *status, int64_t done,
				int64_t total, json_t *counts, const char *error,
				const char *report, size_t report_len, struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	char *c = counts ? json_dumps(counts, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	dt_time_now(now);
	int rc = dt_tx_begin(s, err);
	if (rc == DT_OK) {
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			"UPDATE job SET status = ?, done = ?, total = ?, counts = ?, error = ?, "
			"report = ?, finished_at = ?, started_at = coalesce(started_at, ?) WHERE id = ?",
			err);
		if (!st) {
			rc = DT_EDB;
		} else {
			dt_db_bind_text(st, 1, status, -1);
			dt_db_bind_int64(st, 2, done);
			dt_db_bind_int64(st, 3, total);
			if (c)
				dt_db_bind_text(st, 4, c, -1);
			if (error)
				dt_db_bind_text(st, 5, error, -1);
			if (report)
				dt_db_bind_text(st, 6, report, (int)report_len);
			dt_db_bind_text(st, 7, now, -1);
			dt_db_bind_text(st, 8, now, -1);
			dt_db_bind_int64(st, 9, id);
			rc = job_exec(s, st, err);
		}
		if (rc == DT_OK)
			rc = ids_used(s, "job", id, err);
		rc = dt_tx_end(s, rc, err);
	}
	free(c);
	return rc;
}

#define JOB_COLS                                                                \
	"id, kind, entity, owner, status, params, done, total, counts, error, " \
	"created_at, started_at, finished_at, report IS NOT NULL"

static json_t *job_json(struct dt_db_stmt *st)
{
	static const char *const names[] = { "id",          "kind",      "entity",     "owner",
					     "status",      "params",    "done",       "total",
					     "counts",      "error",     "created_at", "started_at",
					     "finished_at", "has_report" };
	json_t *o = json_object();
	for (int i = 0; i < (int)DT_ARRAY_SIZE(names); i++) {
		json_t *v;
		int t = dt_db_column_type(st, i);
		if (t == DT_DB_NULL)
			v = json_null();
		else if (t == DT_DB_INTEGER)
			v = i == 13 ? json_boolean(dt_db_column_int(st, i))
				    : json_integer(dt_db_column_int64(st, i));
		else if (i == 5 || i == 8)
			v = json_loads(dt_db_column_text(st, i), 0, NULL);
		else
			v = json_string(dt_db_column_text(st, i));
		json_object_set_new(o, names[i], v ? v : json_null());
	}
	return o;
}

enum dt_err dt_store_job_get(struct dt_store *s, int64_t id, json_t **out, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT " JOB_COLS " FROM job WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st);
	int rc = DT_OK;
	if (r == DT_DB_ROW)
		*out = job_json(st);
	else if (r == DT_DB_DONE)
		rc = dt_error(err, DT_ENOTFOUND, "job %lld not found", (long long)id);
	else
		rc = dt_sql_error(s, "job", err);
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_store_job_list(struct dt_store *s, const char *owner, int limit, json_t **out,
			      struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT " JOB_COLS
		" FROM job WHERE CAST(?1 AS TEXT) IS NULL OR owner = ?1 ORDER BY id DESC LIMIT ?2",
		err);
	if (!st)
		return DT_EDB;
	if (owner)
		dt_db_bind_text(st, 1, owner, -1);
	dt_db_bind_int64(st, 2, limit);
	json_t *a = json_array();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(a, job_json(st));
	dt_db_reset(st);
	if (r != DT_DB_DONE) {
		json_decref(a);
		return dt_sql_error(s, "job", err);
	}
	*out = a;
	return DT_OK;
}

enum dt_err dt_store_job_report(struct dt_store *s, int64_t id, struct dt_strbuf *out,
				struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT report FROM job WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st);
	int rc = DT_OK;
	if (r == DT_DB_ROW && dt_db_column_type(st, 0) != DT_DB_NULL)
		dt_strbuf_add(out, dt_db_column_text(st, 0), (size_t)dt_db_column_bytes(st, 0));
	else if (r == DT_DB_ROW || r == DT_DB_DONE)
		rc = dt_error(err, DT_ENOTFOUND, "job %lld has no report", (long long)id);
	else
		rc = dt_sql_error(s, "job", err);
	dt_db_reset(st);
	return rc;
}

/* Mark job @id failed with @why if it is still queued or running. */
static enum dt_err job_fail(struct dt_store *s, int64_t id, const char *why, int64_t *n,
			    struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	struct dt_db_stmt *st =
		dt_sql_prepare(s,
			       "UPDATE job SET status = 'failed', error = ?, "
			       "finished_at = ? WHERE status IN ('queued', 'running') "
			       "AND (? = 0 OR id = ?)",
			       err);
	if (!st) {
		rc = DT_EDB;
	} else {
		dt_db_bind_text(st, 1, why, -1);
		dt_db_bind_text(st, 2, now, -1);
		dt_db_bind_int64(st, 3, id);
		dt_db_bind_int64(st, 4, id);
		rc = job_exec(s, st, err);
		if (rc == DT_OK)
			*n += dt_db_changes(s->db);
	}
	return dt_tx_end(s, rc, err);
}

enum dt_err dt_store_job_recover(struct dt_store *s, const char *why, int64_t *n,
				 struct dt_strbuf *err)
{
	int64_t count = 0;
	if (!dt_store_shared(s)) {
		int rc = job_fail(s, 0, why, &count, err);
		if (n)
			*n = count;
		return rc;
	}
	/* Several servers: only the jobs whose server is gone (their lock is free). */
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT id FROM job WHERE status IN ('queued', 'running') ORDER BY id", err);
	if (!st)
		return DT_EDB;
	int64_t ids[256];
	int k = 0, r;
	while (k < (int)DT_ARRAY_SIZE(ids) && (r = dt_db_step(st)) == DT_DB_ROW)
		ids[k++] = dt_db_column_int64(st, 0);
	dt_db_reset(st);
	int rc = DT_OK;
	for (int i = 0; i < k && rc == DT_OK; i++) {
		bool got = false;
		rc = dt_store_try_lock(s, DT_STORE_LOCK_JOB_BASE + ids[i], &got, err);
		if (rc != DT_OK || !got)
			continue;
		rc = job_fail(s, ids[i], why, &count, err);
		dt_store_unlock(s, DT_STORE_LOCK_JOB_BASE + ids[i]);
	}
	if (n)
		*n = count;
	return rc;
}

enum dt_err dt_store_job_next_id(struct dt_store *s, int64_t *id, struct dt_strbuf *err)
{
	*id = 0;
	if (!dt_store_shared(s))
		return DT_OK;
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT nextval(pg_get_serial_sequence('job', 'id'))", err);
	if (!st)
		return DT_EDB;
	int r = dt_db_step(st);
	if (r == DT_DB_ROW)
		*id = dt_db_column_int64(st, 0);
	dt_db_reset(st);
	return r == DT_DB_ROW ? DT_OK : dt_sql_error(s, "job", err);
}

enum dt_err dt_store_job_progress(struct dt_store *s, int64_t id, int64_t done, int64_t total,
				  struct dt_strbuf *err)
{
	if (!dt_store_shared(s))
		return DT_OK;
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "UPDATE job SET done = ?, total = ? WHERE id = ? AND status = 'running'", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, done);
	dt_db_bind_int64(st, 2, total);
	dt_db_bind_int64(st, 3, id);
	return job_exec(s, st, err);
}
