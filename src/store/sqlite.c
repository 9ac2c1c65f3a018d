/*
 * sqlite.c - the SQLite connection behind store.h.
 *
 * Opens the database in WAL mode with foreign keys on and a busy timeout,
 * applies the embedded migrations (src/store/migrations/NNN_*.sql, tracked in
 * PRAGMA user_version), keeps prepared statements in a per-connection cache
 * keyed by their SQL text, and runs each write as one IMMEDIATE transaction
 * (or a savepoint inside an explicit bulk transaction).
 */
#include <pthread.h>
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
			sqlite3_finalize(s->slots[i].st);
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

/* Clear the cache if it is due and no transaction or snapshot is open. */
static void cache_settle(struct dt_store *s)
{
	if (s->clear_due && !s->depth && !s->snapshot && !s->explicit_tx) {
		s->clear_due = false;
		dt_sql_cache_clear(s);
	}
}

sqlite3_stmt *dt_sql_prepare(struct dt_store *s, const char *sql, struct dt_strbuf *err)
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
			sqlite3_stmt *st = s->slots[j].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
		j = (j + 1) & (s->nslots - 1);
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		dt_error(err, DT_EDB, "database error: %s (in: %.200s)", sqlite3_errmsg(s->db),
			 sql);
		return NULL;
	}
	char *copy = strdup(sql);
	if (!copy) {
		sqlite3_finalize(st);
		dt_error(err, DT_ENOMEM, "out of memory");
		return NULL;
	}
	s->slots[j].sql = copy;
	s->slots[j].st = st;
	s->nused++;
	return st;
}

/*
 * A uniqueness failure names its columns ("UNIQUE constraint failed: t.a,
 * t.b"); record each as a field error so that callers can point at them.
 */
static void unique_fields(struct dt_store *s, const char *msg)
{
	const char *list = strstr(msg, "failed: ");
	if (!list)
		return;
	list += 8;
	for (const char *p = list; p && *p;) {
		const char *dot = strchr(p, '.'), *comma = strchr(p, ',');
		if (!dot || (comma && dot > comma))
			break;
		size_t n = comma ? (size_t)(comma - dot - 1) : strlen(dot + 1);
		struct dt_strbuf col = DT_STRBUF_INIT;
		dt_strbuf_add(&col, dot + 1, n);
		dt_store_problem(s, NULL, col.buf, "unique.taken", NULL);
		dt_strbuf_release(&col);
		for (p = comma ? comma + 1 : NULL; p && *p == ' '; p++)
			;
	}
}

enum dt_err dt_sql_error(struct dt_store *s, const char *what, struct dt_strbuf *err)
{
	/* Extended result codes are on: the primary code is the low byte. */
	int ext = sqlite3_extended_errcode(s->db);
	int code = ext & 0xff;
	if (code == SQLITE_CONSTRAINT) {
		if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) {
			dt_problem_add(&s->problems, NULL, "record.in_use", NULL);
			return dt_error(err, DT_ECONFLICT, "%s: still referred to by other records",
					what);
		}
		if (ext == SQLITE_CONSTRAINT_UNIQUE)
			unique_fields(s, sqlite3_errmsg(s->db));
		if (!dt_problems_errors(&s->problems))
			dt_problem_add(&s->problems, NULL, "record.constraint", NULL);
		return dt_error(err, DT_ECONFLICT, "%s: %s", what, sqlite3_errmsg(s->db));
	}
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return dt_error(err, DT_EDB, "%s: the database is busy; try again", what);
	return dt_error(err, DT_EDB, "%s: database error: %s", what, sqlite3_errmsg(s->db));
}

enum dt_err dt_sql_exec(struct dt_store *s, const char *sql, struct dt_strbuf *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = dt_error(err, DT_EDB, "database error: %s",
				  msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return rc;
	}
	return DT_OK;
}

int dt_sql_bind_json(sqlite3_stmt *st, int i, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_INTEGER: return sqlite3_bind_int64(st, i, json_integer_value(v));
	case JSON_REAL: return sqlite3_bind_double(st, i, json_real_value(v));
	case JSON_STRING:
		return sqlite3_bind_text(st, i, json_string_value(v), (int)json_string_length(v),
					 SQLITE_TRANSIENT);
	case JSON_TRUE: return sqlite3_bind_int(st, i, 1);
	case JSON_FALSE: return sqlite3_bind_int(st, i, 0);
	default: return sqlite3_bind_null(st, i);
	}
}

enum dt_err dt_sql_row(struct dt_store *s, const char *table, int64_t id, json_t **out,
		       struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	dt_strbuf_addf(&sql, "SELECT * FROM %s WHERE id = ?", table);
	sqlite3_stmt *st = dt_sql_prepare(s, sql.buf, err);
	dt_strbuf_release(&sql);
	if (!st)
		return DT_EDB;
	sqlite3_bind_int64(st, 1, id);
	int step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		sqlite3_reset(st);
		return dt_error(err, DT_ENOTFOUND, "%s %lld does not exist", table, (long long)id);
	}
	if (step != SQLITE_ROW)
		return dt_sql_error(s, table, err);
	json_t *row = json_object();
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++) {
		json_t *v;
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(st, i)); break;
		case SQLITE_FLOAT: v = json_real(sqlite3_column_double(st, i)); break;
		case SQLITE_TEXT: v = json_string((const char *)sqlite3_column_text(st, i)); break;
		default: v = json_null(); break; /* blobs are not needed by the rules */
		}
		json_object_set_new(row, sqlite3_column_name(st, i), v);
	}
	sqlite3_reset(st);
	*out = row;
	return DT_OK;
}

/* ---- transactions ---- */

/* Run a cached statement without results (savepoint control in bulk work). */
static enum dt_err run_cached(struct dt_store *s, const char *sql, struct dt_strbuf *err)
{
	sqlite3_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st)
		return DT_EDB;
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? DT_OK : dt_sql_error(s, sql, err);
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
	int rc = run_cached(s, "BEGIN", err);
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
		s->savepoints++;
		return run_cached(s, "SAVEPOINT w", err);
	}
	if (s->depth)
		return dt_error(err, DT_EINTERNAL, "internal error: nested write");
	int rc = dt_sql_exec(s, "BEGIN IMMEDIATE", err);
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
	int rc = dt_sql_exec(s, "BEGIN IMMEDIATE", err);
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
	int rc = dt_audit_flush_head(s, err);
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

/*
 * Apply the pending migrations in one IMMEDIATE transaction, reading the
 * version inside it: connections opening at once (the server's workers)
 * wait for each other instead of applying the same migration twice.
 */
static enum dt_err migrate(struct dt_store *s, struct dt_strbuf *err)
{
	int n = 0;
	for (const struct dt_embedded *m = dt_embedded; m->path; m++)
		if (!strncmp(m->path, "src/store/migrations/", 21))
			n++;
	if (dt_store_schema_version(s) == n)
		return DT_OK; /* the common case, without taking the write lock */
	int rc = dt_sql_exec(s, "BEGIN IMMEDIATE", err);
	if (rc != DT_OK)
		return rc;
	int version = dt_store_schema_version(s), i = 0;
	for (const struct dt_embedded *m = dt_embedded; m->path && rc == DT_OK; m++) {
		if (strncmp(m->path, "src/store/migrations/", 21) || ++i <= version)
			continue;
		struct dt_strbuf sql = DT_STRBUF_INIT;
		dt_strbuf_addf(&sql, "%s\nPRAGMA user_version = %d;", (const char *)m->data, i);
		char *msg = NULL;
		if (sqlite3_exec(s->db, sql.buf, NULL, NULL, &msg) != SQLITE_OK) {
			rc = dt_error(err, DT_EDB, "%s: migration %s failed: %s", s->path, m->path,
				      msg ? msg : sqlite3_errmsg(s->db));
			sqlite3_free(msg);
		}
		dt_strbuf_release(&sql);
	}
	if (rc == DT_OK && version < n)
		rc = dt_agg_install(s, err); /* triggers follow the views of the new schema */
	if (rc == DT_OK && version > n)
		rc = dt_error(
			err, DT_ECORRUPT,
			"%s: schema version %d is newer than this dualtrack (%d): upgrade dualtrack",
			s->path, version, n);
	if (rc == DT_OK)
		return dt_sql_exec(s, "COMMIT", err);
	dt_sql_exec(s, "ROLLBACK", NULL);
	return rc;
}

int dt_store_schema_version(struct dt_store *s)
{
	sqlite3_stmt *st = NULL;
	int v = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

enum dt_err dt_meta_get(struct dt_store *s, const char *key, struct dt_strbuf *out, bool *found,
			struct dt_strbuf *err)
{
	sqlite3_stmt *st = dt_sql_prepare(s, "SELECT value FROM meta WHERE key = ?", err);
	if (!st)
		return DT_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	*found = r == SQLITE_ROW;
	if (*found)
		dt_strbuf_adds(out, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? DT_OK : dt_sql_error(s, "meta", err);
}

enum dt_err dt_meta_set(struct dt_store *s, const char *key, const char *value,
			struct dt_strbuf *err)
{
	sqlite3_stmt *st = dt_sql_prepare(s,
					  "INSERT INTO meta(key, value) VALUES (?, ?) "
					  "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
					  err);
	if (!st)
		return DT_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? DT_OK : dt_sql_error(s, "meta", err);
}

/* The key in use must be the one the database was initialised with. */
static enum dt_err check_key(struct dt_store *s, struct dt_strbuf *err)
{
	struct dt_strbuf fp = DT_STRBUF_INIT;
	bool found = false;
	int rc = dt_meta_get(s, "key_fingerprint", &fp, &found, err);
	if (rc == DT_OK && !found) {
		rc = dt_sql_exec(s, "BEGIN IMMEDIATE", err);
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

/*
 * Process-wide SQLite settings, made once before the library initialises.
 * Memory statistics off: with them on, every sqlite3_malloc() and free
 * takes one global mutex, so connections on different threads (the
 * server's workers) contend on it for every statement they run.  Nothing
 * here reads sqlite3_memory_used() or sets a heap limit.
 */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

enum dt_err dt_store_open(struct dt_store **out, const char *path, const struct dt_keys *keys,
			  unsigned flags, struct dt_strbuf *err)
{
	static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
	int rc = DT_OK;
	pthread_once(&setup_once, sqlite_setup);
	struct dt_store *s = calloc(1, sizeof(*s));
	if (!s)
		return dt_error(err, DT_ENOMEM, "out of memory");
	s->path = strdup(path);
	s->field_errors = json_array();
	s->viewer.pii = true; /* the CLI's reader; the server sets one per request */
	if (keys) {
		s->keys = *keys;
		s->have_keys = true;
	}
	struct stat sb;
	if (!(flags & DT_STORE_CREATE) && stat(path, &sb) != 0) {
		rc = dt_error(err, DT_EIO, "%s: no such database (run `dualtrack init` first)",
			      path);
		goto out;
	}
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
		     ((flags & DT_STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
		rc = dt_error(err, DT_EIO, "%s: cannot open database: %s", path,
			      s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	/*
	 * A 64 MiB page cache and memory-mapped reads: the default 2 MiB cache
	 * makes every write of a large pilot read its index pages from the OS.
	 */
	rc = dt_sql_exec(s,
			 "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
			 "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; "
			 "PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456",
			 err);
	if (rc != DT_OK) {
		dt_strbuf_setf(err, "%s: not a dualtrack database (%s)", path,
			       sqlite3_errmsg(s->db));
		rc = DT_EIO;
		goto out;
	}
	rc = migrate(s, err);
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

void dt_store_close(struct dt_store *s)
{
	if (!s)
		return;
	if (s->explicit_tx)
		dt_store_rollback(s);
	dt_store_snapshot_end(s);
	for (size_t i = 0; i < s->nslots; i++) {
		if (s->slots[i].sql) {
			sqlite3_finalize(s->slots[i].st);
			free(s->slots[i].sql);
		}
	}
	free(s->slots);
	if (s->db) {
		sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		sqlite3_close(s->db);
	}
	json_decref(s->field_errors);
	dt_problems_release(&s->problems);
	dt_keys_clear(&s->keys);
	free(s->path);
	free(s);
}
