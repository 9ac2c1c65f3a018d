/*
 * conn.c - the store's connection: opening, migrations, the statement
 * cache, transactions, and the problems of the last write.
 *
 * Opens the database through db.h (a SQLite file in WAL mode with foreign
 * keys on and a busy timeout, or a PostgreSQL URI), applies the embedded
 * migrations of its dialect (src/store/migrations/NNN_*.sql for SQLite,
 * tracked in PRAGMA user_version; src/store/migrations/pgsql/NNN_*.sql for
 * PostgreSQL, tracked in the meta table's schema_version), keeps prepared
 * statements in a per-connection cache keyed by their SQL text, and runs
 * each write as one transaction that holds the writers' lock (or a savepoint
 * inside an explicit bulk transaction).
 *
 * The writers' lock gives the audit chain one order.  On SQLite it is the
 * file's write lock (BEGIN IMMEDIATE); on PostgreSQL, where several servers
 * write at once, every writing transaction first takes one transaction-level
 * advisory lock, so that appends to the chain, and the
 * aggregate rows they touch, follow each other in one order, without
 * deadlocks, however many servers there are.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/date.h"
#include "core/embedded.h"
#include "store/store_internal.h"
#include "core/banned.h"

#define BUSY_TIMEOUT_MS 10000

/*
 * How a writing transaction begins, in the connection's dialect.  The
 * advisory lock's key is "dualtrk1" read as a big-endian integer.
 */
static const char *begin_write_sql(const struct dt_store *s)
{
	return dt_db_dialect(s->db) == DT_DB_PGSQL
		       ? "BEGIN; SELECT pg_advisory_xact_lock(7238799094505958193)"
		       : "BEGIN IMMEDIATE";
}

/*
 * Begin a writing transaction holding the writers' lock.  If the lock is
 * not got (busy, or a lock timeout on PostgreSQL, where BEGIN has already
 * opened the transaction), nothing is left open: the connection stays
 * usable for the next try.
 */
static enum dt_err begin_write(struct dt_store *s, struct dt_strbuf *err)
{
	int rc = dt_sql_exec(s, begin_write_sql(s), err);
	if (rc != DT_OK && dt_db_dialect(s->db) == DT_DB_PGSQL)
		dt_sql_exec(s, "ROLLBACK", NULL);
	return rc;
}

/* ---- statement cache ---- */

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static bool cache_grow(struct dt_store *s)
{
	size_t n = s->nslots ? s->nslots * 2 : 128;
	struct dt_stmt_slot *slots = calloc(n, sizeof(*slots));
	if (!slots)
		return false;
	for (size_t i = 0; i < s->nslots; i++) {
		if (!s->slots[i].sql)
			continue;
		size_t j = fnv1a(s->slots[i].sql) & (n - 1);
		while (slots[j].sql)
			j = (j + 1) & (n - 1);
		slots[j] = s->slots[i];
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
	return true;
}

/* Finalize every cached statement (the cache is full of rare variants). */
void dt_sql_cache_clear(struct dt_store *s)
{
	for (size_t i = 0; i < s->nslots; i++) {
		if (s->slots[i].sql) {
			dt_db_finalize(s->slots[i].st);
			free(s->slots[i].sql);
			s->slots[i].sql = NULL;
		}
	}
	s->nused = 0;
	s->stmt_gen++; /* what get_memo points at is gone */
}

/*
 * Statements are keyed by their text, and list filters or update column sets
 * make variants; past CACHE_MAX the cache starts again.  Callers do keep a
 * statement across other dt_sql_prepare() calls within one operation (a row
 * bound and stepped around the preparing of its audit event, say), so the
 * cache is never cleared there: past CACHE_MAX it is marked due and cleared
 * by cache_settle() when the operation's transaction or read snapshot ends,
 * where no statement can be held.
 */
#define CACHE_MAX 1024

/* Clear the cache if it is due and no transaction, snapshot or sent read is open. */
static void cache_settle(struct dt_store *s)
{
	if (s->clear_due && !s->depth && !s->snapshot && !s->explicit_tx && !s->nsent) {
		s->clear_due = false;
		dt_sql_cache_clear(s);
	}
}

struct dt_db_stmt *dt_sql_prepare(struct dt_store *s, const char *sql, struct dt_strbuf *err)
{
	if (s->nused >= CACHE_MAX)
		s->clear_due = true; /* a process that never ends a transaction keeps growing it */
	if (s->nused * 2 >= s->nslots && !cache_grow(s)) {
		dt_error(err, DT_ENOMEM, "out of memory");
		return NULL;
	}
	size_t j = fnv1a(sql) & (s->nslots - 1);
	while (s->slots[j].sql) {
		if (!strcmp(s->slots[j].sql, sql)) {
			struct dt_db_stmt *st = s->slots[j].st;
			dt_db_reset(st);
			return st;
		}
		j = (j + 1) & (s->nslots - 1);
	}
	struct dt_db_stmt *st = dt_db_prepare(s->db, sql, err);
	if (!st)
		return NULL;
	char *copy = strdup(sql);
	if (!copy) {
		dt_db_finalize(st);
		dt_error(err, DT_ENOMEM, "out of memory");
		return NULL;
	}
	s->slots[j].sql = copy;
	s->slots[j].st = st;
	s->nused++;
	return st;
}

/* Record each column of the unique constraint that failed as a problem. */
static void unique_fields(struct dt_store *s)
{
	const char *p = dt_db_errcols(s->db);
	while (*p) {
		size_t n = strcspn(p, ",");
		struct dt_strbuf col = DT_STRBUF_INIT;
		dt_strbuf_add(&col, p, n);
		dt_store_problem(s, NULL, col.buf, "unique.taken", NULL);
		dt_strbuf_release(&col);
		p += n;
		p += *p == ',';
	}
}

enum dt_err dt_sql_error(struct dt_store *s, const char *what, struct dt_strbuf *err)
{
	switch (dt_db_errclass(s->db)) {
	case DT_DBE_FOREIGN_KEY:
		dt_problem_add(&s->problems, NULL, "record.in_use", NULL);
		return dt_error(err, DT_ECONFLICT, "%s: still referred to by other records", what);
	case DT_DBE_UNIQUE:
		unique_fields(s);
		if (!dt_problems_errors(&s->problems))
			dt_problem_add(&s->problems, NULL, "record.constraint", NULL);
		/* the columns too: SQLite's words name them, PostgreSQL's name the constraint */
		return dt_error(err, DT_ECONFLICT, "%s: %s (%s)", what, dt_db_errmsg(s->db),
				dt_db_errcols(s->db));
	case DT_DBE_CONSTRAINT:
		if (!dt_problems_errors(&s->problems))
			dt_problem_add(&s->problems, NULL, "record.constraint", NULL);
		return dt_error(err, DT_ECONFLICT, "%s: %s", what, dt_db_errmsg(s->db));
	case DT_DBE_BUSY:
	case DT_DBE_SERIAL:
		return dt_error(err, DT_EDB, "%s: the database is busy; try again", what);
	default: return dt_error(err, DT_EDB, "%s: database error: %s", what, dt_db_errmsg(s->db));
	}
}

enum dt_err dt_sql_exec(struct dt_store *s, const char *sql, struct dt_strbuf *err)
{
	return dt_db_exec(s->db, sql, err);
}

void dt_sql_bind_json(struct dt_db_stmt *st, int i, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_INTEGER: dt_db_bind_int64(st, i, json_integer_value(v)); break;
	case JSON_REAL: dt_db_bind_double(st, i, json_real_value(v)); break;
	case JSON_STRING:
		dt_db_bind_text_copy(st, i, json_string_value(v), (int)json_string_length(v));
		break;
	case JSON_TRUE: dt_db_bind_int64(st, i, 1); break;
	case JSON_FALSE: dt_db_bind_int64(st, i, 0); break;
	default: dt_db_bind_null(st, i); break;
	}
}

enum dt_err dt_sql_row(struct dt_store *s, const char *table, int64_t id, json_t **out,
		       struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	dt_strbuf_addf(&sql, "SELECT * FROM %s WHERE id = ?", table);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	dt_strbuf_release(&sql);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int step = dt_db_step(st);
	if (step == DT_DB_DONE) {
		dt_db_reset(st);
		return dt_error(err, DT_ENOTFOUND, "%s %lld does not exist", table, (long long)id);
	}
	if (step != DT_DB_ROW)
		return dt_sql_error(s, table, err);
	json_t *row = json_object();
	int n = dt_db_column_count(st);
	/* an entity's values stored as integers (DT_FF_MS, DT_FF_DAYNUM, ...) read as the API shows them */
	const struct dt_entity *e = NULL;
	for (const struct dt_entity *x = dt_entities; x->name && !e; x++)
		if (!strcmp(x->table, table))
			e = x;
	for (int i = 0; i < n; i++) {
		json_t *v;
		const struct dt_field *f = e ? dt_entity_field(e, dt_db_column_name(st, i)) : NULL;
		char t[DT_CRUD_TEXT];
		unsigned fl = f ? f->flags : 0;
		switch (dt_db_column_type(st, i)) {
		case DT_DB_INTEGER:
			if (fl & (DT_FF_MS | DT_FF_DAYNUM | DT_FF_CODE))
				v = json_string(dt_crud_column_text(f, st, i, t));
			else if (fl & DT_FF_CENTI)
				v = json_real(dt_crud_column_real(f, st, i));
			else
				v = json_integer(dt_db_column_int64(st, i));
			break;
		case DT_DB_FLOAT: v = json_real(dt_db_column_double(st, i)); break;
		case DT_DB_TEXT: v = json_string(dt_db_column_text(st, i)); break;
		default: v = json_null(); break; /* blobs are not needed by the rules */
		}
		json_object_set_new(row, dt_db_column_name(st, i), v);
	}
	dt_db_reset(st);
	*out = row;
	return DT_OK;
}

/* ---- transactions ---- */

/* Run a cached statement without results (savepoint control in bulk work). */
static enum dt_err run_cached(struct dt_store *s, const char *sql, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st)
		return DT_EDB;
	int r = dt_db_step(st);
	dt_db_reset(st);
	return r == DT_DB_DONE ? DT_OK : dt_sql_error(s, sql, err);
}

/* For bulk.c's row savepoints: the same, outside this file. */
enum dt_err dt_sql_run(struct dt_store *s, const char *sql, struct dt_strbuf *err)
{
	return run_cached(s, sql, err);
}

enum dt_err dt_store_snapshot_begin(struct dt_store *s, struct dt_strbuf *err)
{
	if (s->snapshot || s->depth || s->explicit_tx)
		return DT_OK;
	/* One snapshot for every read until the end (SQLite's reads see one anyway). */
	int rc = run_cached(s,
			    dt_db_dialect(s->db) == DT_DB_PGSQL
				    ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
				    : "BEGIN",
			    err);
	if (rc == DT_OK)
		s->snapshot = true;
	return rc;
}

/* End the read snapshot, if one is open, keeping the statement cache as it is. */
static void snapshot_close(struct dt_store *s)
{
	if (!s->snapshot)
		return;
	s->snapshot = false;
	run_cached(s, "COMMIT", NULL);
}

void dt_store_snapshot_end(struct dt_store *s)
{
	snapshot_close(s);
	cache_settle(s);
}

enum dt_err dt_tx_begin(struct dt_store *s, struct dt_strbuf *err)
{
	snapshot_close(s); /* a write sees, and makes, the latest state */
	if (s->explicit_tx) {
		if (s->savepoints >= 0 && (size_t)s->savepoints < DT_ARRAY_SIZE(s->defer_mark)) {
			s->defer_mark[s->savepoints].n = json_array_size(s->defer_ids);
			s->defer_mark[s->savepoints].flushes = s->defer_flushes;
		}
		s->savepoints++;
		return run_cached(s, "SAVEPOINT w", err);
	}
	if (s->depth)
		return dt_error(err, DT_EINTERNAL, "internal error: nested write");
	int rc = begin_write(s, err);
	if (rc == DT_OK)
		s->depth = 1;
	return rc;
}

enum dt_err dt_tx_end(struct dt_store *s, int rc, struct dt_strbuf *err)
{
	if (s->explicit_tx) {
		s->savepoints--;
		if (rc != DT_OK) {
			run_cached(s, "ROLLBACK TO w", NULL);
			s->head_cached = false; /* the undone write may have appended */
			/* a create gathered, or gathered ones written, inside it are undone */
			int k = s->savepoints;
			bool known = k >= 0 && (size_t)k < DT_ARRAY_SIZE(s->defer_mark);
			if (known ? s->defer_mark[k].n != json_array_size(s->defer_ids) ||
					    s->defer_mark[k].flushes != s->defer_flushes
				  : s->defer_entity != NULL)
				s->defer_broken = true;
		}
		int r2 = run_cached(s, "RELEASE w", rc == DT_OK ? err : NULL);
		return rc != DT_OK ? rc : r2;
	}
	s->depth = 0;
	if (rc == DT_OK)
		rc = dt_agg_flush(s, err);
	if (rc != DT_OK) {
		dt_sql_exec(s, "ROLLBACK", NULL);
		cache_settle(s);
		return rc;
	}
	int r2 = dt_sql_exec(s, "COMMIT", err);
	if (r2 != DT_OK)
		dt_sql_exec(s, "ROLLBACK", NULL);
	cache_settle(s);
	return r2;
}

enum dt_err dt_store_begin(struct dt_store *s, struct dt_strbuf *err)
{
	snapshot_close(s);
	if (s->explicit_tx || s->depth)
		return dt_error(err, DT_EINTERNAL, "internal error: transaction already open");
	int rc = begin_write(s, err);
	if (rc == DT_OK) {
		s->explicit_tx = true;
		s->depth = 1;
	}
	return rc;
}

enum dt_err dt_store_commit(struct dt_store *s, struct dt_strbuf *err)
{
	if (!s->explicit_tx)
		return dt_error(err, DT_EINTERNAL, "internal error: no transaction open");
	int rc = s->defer_broken ? dt_error(err, DT_EINTERNAL,
					    "internal error: a write undone while its create's "
					    "audit event waited in a batch")
				 : dt_audit_flush_deferred(s, err);
	if (rc == DT_OK)
		rc = dt_audit_flush_head(s, err);
	if (rc == DT_OK)
		rc = dt_agg_flush(s, err);
	s->explicit_tx = false;
	s->depth = 0;
	s->head_cached = s->head_dirty = false;
	if (rc == DT_OK)
		rc = dt_sql_exec(s, "COMMIT", err);
	if (rc != DT_OK)
		dt_sql_exec(s, "ROLLBACK", NULL);
	cache_settle(s);
	return rc;
}

void dt_store_rollback(struct dt_store *s)
{
	json_decref(s->defer_ids);
	json_decref(s->defer_rows);
	s->defer_ids = s->defer_rows = NULL;
	s->defer_broken = false;
	if (!s->explicit_tx)
		return;
	s->explicit_tx = false;
	s->depth = 0;
	s->head_cached = s->head_dirty = false;
	dt_sql_exec(s, "ROLLBACK", NULL);
	cache_settle(s);
}

/* ---- field errors ---- */

void dt_store_problems_clear(struct dt_store *s)
{
	dt_problems_reset(&s->problems);
}

void dt_store_problems_begin(struct dt_store *s, const char *entity)
{
	dt_problems_reset(&s->problems);
	dt_problems_entity(&s->problems, entity);
}

/*
 * Append @p to @err as logs read it, "field: " and the English wording:
 * in place of what @err held when @p is the first problem, else after "; ".
 */
static void err_append(struct dt_strbuf *err, const struct dt_problem *p, bool first)
{
	if (first)
		dt_strbuf_reset(err);
	else
		dt_strbuf_adds(err, "; ");
	if (p->field)
		dt_strbuf_addf(err, "%s: ", p->field);
	dt_problem_render(p, DT_LANG_EN, false, err);
}

/* Append the newest problem to @err, after those before it. */
void dt_store_problem_err(struct dt_store *s, struct dt_strbuf *err)
{
	if (err && s->problems.n)
		err_append(err, &s->problems.v[s->problems.n - 1], s->problems.n == 1);
}

enum dt_err dt_store_problem(struct dt_store *s, struct dt_strbuf *err, const char *field,
			     const char *code, ...)
{
	va_list ap;
	va_start(ap, code);
	enum dt_err rc = dt_problem_addv(&s->problems, field, code, ap);
	va_end(ap);
	dt_store_problem_err(s, err);
	return rc;
}

void dt_store_problems_noted(struct dt_store *s, size_t n0, struct dt_strbuf *err)
{
	for (size_t i = n0; err && i < s->problems.n; i++)
		if (!s->problems.v[i].warning)
			err_append(err, &s->problems.v[i], i == 0);
}

size_t dt_ferr_count(struct dt_store *s)
{
	return dt_problems_errors(&s->problems);
}

const struct dt_problems *dt_store_problems(const struct dt_store *s)
{
	return &s->problems;
}

json_t *dt_store_field_errors(struct dt_store *s)
{
	json_array_clear(s->field_errors);
	for (size_t i = 0; i < s->problems.n; i++) {
		const struct dt_problem *p = &s->problems.v[i];
		struct dt_strbuf msg = DT_STRBUF_INIT;
		dt_problem_render(p, DT_LANG_EN, false, &msg);
		json_t *e = json_pack("{s:s, s:s, s:s}", "field", p->field ? p->field : "", "code",
				      p->code, "message", msg.buf);
		if (p->warning) /* refuses nothing: a caller tells it from the errors */
			json_object_set_new(e, "warning", json_true());
		json_array_append_new(s->field_errors, e);
		dt_strbuf_release(&msg);
	}
	return s->field_errors;
}

/* ---- migrations ---- */

/* The folder of the embedded migrations of @s's dialect. */
static const char *migrations_dir(const struct dt_store *s)
{
	return dt_db_dialect(s->db) == DT_DB_PGSQL ? "src/store/migrations/pgsql/"
						   : "src/store/migrations/";
}

/* Is embedded file @path a migration of folder @dir (not of a folder below it)? */
static bool is_migration(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && !strchr(path + n, '/');
}

/* Record schema version @v in the same transaction as the migration that reaches it. */
static enum dt_err set_version(struct dt_store *s, int v, struct dt_strbuf *err)
{
	if (dt_db_dialect(s->db) == DT_DB_PGSQL) {
		char buf[16];
		snprintf(buf, sizeof(buf), "%d", v);
		return dt_meta_set(s, "schema_version", buf, err);
	}
	char sql[48];
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	return dt_sql_exec(s, sql, err);
}

/*
 * Apply the pending migrations in one writing transaction, reading the
 * version inside it: connections opening at once (the server's workers, or
 * several servers) wait for each other instead of applying the same
 * migration twice.
 */
static enum dt_err migrate(struct dt_store *s, struct dt_strbuf *err)
{
	const char *dir = migrations_dir(s);
	int n = 0;
	for (const struct dt_embedded *m = dt_embedded; m->path; m++)
		n += is_migration(m->path, dir);
	if (dt_store_schema_version(s) == n)
		return DT_OK; /* the common case, without taking the write lock */
	int rc = begin_write(s, err);
	if (rc != DT_OK)
		return rc;
	int version = dt_store_schema_version(s), i = 0;
	for (const struct dt_embedded *m = dt_embedded; m->path && rc == DT_OK; m++) {
		if (!is_migration(m->path, dir) || ++i <= version)
			continue;
		rc = dt_sql_exec(s, (const char *)m->data, err);
		if (rc != DT_OK)
			dt_strbuf_setf(err, "%s: migration %s failed: %s", s->path, m->path,
				       dt_db_errmsg(s->db));
		else
			rc = set_version(s, i, err);
	}
	if (rc == DT_OK && version < n)
		rc = dt_agg_install(s, err); /* triggers follow the views of the new schema */
	if (rc == DT_OK && version > n)
		rc = dt_error(
			err, DT_ECORRUPT,
			"%s: schema version %d is newer than this dualtrack (%d): upgrade dualtrack",
			s->path, version, n);
	if (rc == DT_OK)
		rc = dt_agg_flush(s, err); /* what a migration's own writes left in agg_delta */
	if (rc == DT_OK)
		return dt_sql_exec(s, "COMMIT", err);
	dt_sql_exec(s, "ROLLBACK", NULL);
	return rc;
}

/* The integer answer of @sql on @s's connection, not through the cache; -1 on failure. */
static int query_int(struct dt_store *s, const char *sql)
{
	struct dt_db_stmt *st = dt_db_prepare(s->db, sql, NULL);
	int v = -1;
	if (st && dt_db_step(st) == DT_DB_ROW)
		v = dt_db_column_int(st, 0);
	dt_db_finalize(st);
	return v;
}

int dt_store_schema_version(struct dt_store *s)
{
	if (dt_db_dialect(s->db) == DT_DB_SQLITE)
		return query_int(s, "PRAGMA user_version");
	/* A new PostgreSQL database has no meta table yet: version 0. */
	int have = query_int(s, "SELECT CAST(to_regclass('meta') IS NOT NULL AS INTEGER)");
	if (have <= 0)
		return have;
	return query_int(s, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta "
			    "WHERE key = 'schema_version'), 0)");
}

enum dt_err dt_meta_get(struct dt_store *s, const char *key, struct dt_strbuf *out, bool *found,
			struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT value FROM meta WHERE key = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, key, -1);
	int r = dt_db_step(st);
	*found = r == DT_DB_ROW;
	if (*found)
		dt_strbuf_adds(out, dt_db_column_text(st, 0));
	dt_db_reset(st);
	return r == DT_DB_ROW || r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "meta", err);
}

enum dt_err dt_meta_set(struct dt_store *s, const char *key, const char *value,
			struct dt_strbuf *err)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(s,
			       "INSERT INTO meta(key, value) VALUES (?, ?) "
			       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			       err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, key, -1);
	dt_db_bind_text(st, 2, value, -1);
	int r = dt_db_step(st);
	dt_db_reset(st);
	return r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "meta", err);
}

/* The key in use must be the one the database was initialised with. */
static enum dt_err check_key(struct dt_store *s, struct dt_strbuf *err)
{
	struct dt_strbuf fp = DT_STRBUF_INIT;
	bool found = false;
	int rc = dt_meta_get(s, "key_fingerprint", &fp, &found, err);
	if (rc == DT_OK && !found) {
		rc = begin_write(s, err);
		if (rc == DT_OK)
			rc = dt_meta_set(s, "key_fingerprint", s->keys.fingerprint, err);
		if (rc == DT_OK)
			rc = dt_sql_exec(s, "COMMIT", err);
		else
			dt_sql_exec(s, "ROLLBACK", NULL);
	} else if (rc == DT_OK && strcmp(fp.buf, s->keys.fingerprint)) {
		rc = dt_error(err, DT_ECRYPTO,
			      "%s: the key file does not belong to this database "
			      "(use the --key-file that `init` made for it)",
			      s->path);
	}
	dt_strbuf_release(&fp);
	return rc;
}

enum dt_err dt_store_open(struct dt_store **out, const char *path, const struct dt_keys *keys,
			  unsigned flags, struct dt_strbuf *err)
{
	int rc = DT_OK;
	struct dt_store *s = calloc(1, sizeof(*s));
	if (!s)
		return dt_error(err, DT_ENOMEM, "out of memory");
	struct dt_strbuf shown = DT_STRBUF_INIT;
	dt_db_uri_shown(path, &shown);
	s->path = dt_strbuf_detach(&shown, NULL); /* as messages show it */
	s->field_errors = json_array();
	s->viewer.pii = true; /* the CLI's reader; the server sets one per request */
	if (keys) {
		s->keys = *keys;
		s->have_keys = true;
	}
	rc = dt_db_open(&s->db, path, (flags & DT_STORE_CREATE) ? DT_DB_CREATE : 0, err);
	if (rc != DT_OK)
		goto out;
	/* Before anything that may meet another connection's lock (the PRAGMAs below do). */
	dt_db_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if (dt_db_dialect(s->db) == DT_DB_SQLITE) {
		/*
		 * A 64 MiB page cache and memory-mapped reads: the default 2 MiB
		 * cache makes every write of a large pilot read its index pages from
		 * the OS.
		 */
		rc = dt_sql_exec(s,
				 "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
				 "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; "
				 "PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456",
				 err);
		if (rc != DT_OK) {
			dt_strbuf_setf(err, "%s: not a dualtrack database (%s)", path,
				       dt_db_errmsg(s->db));
			rc = DT_EIO;
			goto out;
		}
	}
	rc = migrate(s, err);
	if (rc == DT_OK)
		rc = dt_audit_formats_load(s, err);
	if (rc == DT_OK && s->have_keys)
		rc = check_key(s, err);
out:
	if (rc != DT_OK) {
		dt_store_close(s);
		s = NULL;
	}
	*out = s;
	return rc;
}

bool dt_store_shared(const struct dt_store *s)
{
	return dt_db_dialect(s->db) == DT_DB_PGSQL;
}

enum dt_err dt_store_try_lock(struct dt_store *s, int64_t key, bool *got, struct dt_strbuf *err)
{
	return dt_db_try_lock(s->db, key, got, err);
}

void dt_store_unlock(struct dt_store *s, int64_t key)
{
	dt_db_unlock(s->db, key);
}

enum dt_err dt_store_listen(struct dt_store *s, const char *channel, struct dt_strbuf *err)
{
	return dt_db_listen(s->db, channel, err);
}

int dt_store_wait_notify(struct dt_store *s, int ms, struct dt_strbuf *payload)
{
	return dt_db_wait_notify(s->db, ms, payload);
}

enum dt_err dt_store_change_mark(struct dt_store *s, int64_t *mark, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT coalesce(max(id), 0) FROM audit", err);
	if (!st)
		return DT_EDB;
	int r = dt_db_step(st);
	*mark = r == DT_DB_ROW ? dt_db_column_int64(st, 0) : 0;
	dt_db_reset(st);
	return r == DT_DB_ROW ? DT_OK : dt_sql_error(s, "audit", err);
}

void dt_store_path_shown(const char *path, struct dt_strbuf *out)
{
	dt_db_uri_shown(path, out);
}

enum dt_err dt_store_size(struct dt_store *s, int64_t *db, int64_t *wal, struct dt_strbuf *err)
{
	*db = *wal = 0;
	if (dt_db_dialect(s->db) == DT_DB_PGSQL) {
		struct dt_db_stmt *st =
			dt_sql_prepare(s, "SELECT pg_database_size(current_database())", err);
		if (!st)
			return DT_EDB;
		int r = dt_db_step(st);
		if (r == DT_DB_ROW)
			*db = dt_db_column_int64(st, 0);
		dt_db_reset(st);
		return r == DT_DB_ROW ? DT_OK : dt_sql_error(s, "size", err);
	}
	struct stat sb;
	struct dt_strbuf w = DT_STRBUF_INIT;
	if (stat(s->path, &sb) == 0)
		*db = sb.st_size;
	dt_strbuf_addf(&w, "%s-wal", s->path);
	if (dt_strbuf_ok(&w) && stat(w.buf, &sb) == 0)
		*wal = sb.st_size;
	dt_strbuf_release(&w);
	return DT_OK;
}

bool dt_store_is_pgsql(const char *path)
{
	return dt_db_is_pgsql(path);
}

enum dt_err dt_store_exists(const char *path, bool *exists, struct dt_strbuf *err)
{
	*exists = false;
	if (!dt_db_is_pgsql(path)) {
		struct stat sb;
		if (stat(path, &sb) == 0)
			*exists = true;
		else if (errno != ENOENT)
			return dt_error(err, DT_EIO, "%s: %s", path, strerror(errno));
		return DT_OK;
	}
	struct dt_db *db = NULL;
	struct dt_strbuf why = DT_STRBUF_INIT;
	if (dt_db_open(&db, path, 0, &why) != DT_OK) {
		dt_strbuf_release(&why);
		return DT_OK; /* no such database (or no server: init will say so) */
	}
	struct dt_db_stmt *st = dt_db_prepare(db, "SELECT to_regclass('meta') IS NOT NULL", err);
	int rc = st ? DT_OK : DT_EDB;
	if (st && dt_db_step(st) == DT_DB_ROW)
		*exists = dt_db_column_int(st, 0) != 0;
	dt_db_finalize(st);
	dt_db_close(db);
	dt_strbuf_release(&why);
	return rc;
}

void dt_store_close(struct dt_store *s)
{
	if (!s)
		return;
	if (s->explicit_tx)
		dt_store_rollback(s);
	dt_store_snapshot_end(s);
	for (size_t i = 0; i < s->nslots; i++) {
		if (s->slots[i].sql) {
			dt_db_finalize(s->slots[i].st);
			free(s->slots[i].sql);
		}
	}
	free(s->slots);
	for (size_t i = 0; i < DT_SENT_MAX; i++)
		dt_strbuf_release(&s->sent[i].text);
	dt_db_close(s->db);
	json_decref(s->field_errors);
	dt_problems_release(&s->problems);
	dt_keys_clear(&s->keys);
	dt_audit_release(s);
	free(s->path);
	free(s);
}
