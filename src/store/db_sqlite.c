/*
 * db_sqlite.c - the SQLite driver behind db.h: the embedded default, one
 * file for a city or a province on one machine.
 *
 * A connection opens the file without SQLite's own mutexes (each thread of
 * the server has its own connection) and with extended result codes, from
 * which the error classes come.  Statements are prepared persistent: the
 * store keeps them in its cache for the life of the connection.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/db_internal.h"
#include "core/banned.h"

struct lite {
	struct dt_db base;
	sqlite3 *h;
};
struct lite_stmt {
	struct dt_db_stmt base;
	sqlite3_stmt *st;
};

#define LITE(db) ((struct lite *)(db))
#define ST(s) (((struct lite_stmt *)(s))->st)

/*
 * A uniqueness failure names its columns ("UNIQUE constraint failed: t.a,
 * t.b"): keep "a,b".
 */
static void unique_cols(const char *msg, struct dt_strbuf *cols)
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
		if (cols->len)
			dt_strbuf_adds(cols, ",");
		dt_strbuf_add(cols, dot + 1, n);
		for (p = comma ? comma + 1 : NULL; p && *p == ' '; p++)
			;
	}
}

/* Classify the connection's last error. */
static void note_error(struct lite *l)
{
	int ext = sqlite3_extended_errcode(l->h), code = ext & 0xff;
	const char *msg = sqlite3_errmsg(l->h);
	enum dt_db_errclass cls = DT_DBE_OTHER;
	struct dt_strbuf cols = DT_STRBUF_INIT;
	if (code == SQLITE_CONSTRAINT) {
		if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) {
			cls = DT_DBE_FOREIGN_KEY;
		} else if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
			cls = DT_DBE_UNIQUE;
			unique_cols(msg, &cols);
		} else {
			cls = DT_DBE_CONSTRAINT;
		}
	} else if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
		cls = DT_DBE_BUSY;
	}
	dt_db_set_error(&l->base, cls, msg, cols.buf);
	dt_strbuf_release(&cols);
}

static void lite_close(struct dt_db *db)
{
	struct lite *l = LITE(db);
	if (l->h) {
		sqlite3_exec(l->h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		sqlite3_close(l->h);
	}
	free(l);
}

static enum dt_err lite_exec(struct dt_db *db, const char *sql, struct dt_strbuf *err)
{
	struct lite *l = LITE(db);
	char *msg = NULL;
	if (sqlite3_exec(l->h, sql, NULL, NULL, &msg) == SQLITE_OK)
		return DT_OK;
	note_error(l);
	int rc = dt_error(err, DT_EDB, "database error: %s", msg ? msg : sqlite3_errmsg(l->h));
	sqlite3_free(msg);
	return rc;
}

static struct dt_db_stmt *lite_prepare(struct dt_db *db, const char *sql, struct dt_strbuf *err)
{
	struct lite *l = LITE(db);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(l->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		note_error(l);
		dt_error(err, DT_EDB, "database error: %s (in: %.200s)", sqlite3_errmsg(l->h), sql);
		return NULL;
	}
	struct lite_stmt *ls = calloc(1, sizeof(*ls));
	if (!ls) {
		sqlite3_finalize(st);
		dt_error(err, DT_ENOMEM, "out of memory");
		return NULL;
	}
	ls->base.db = db;
	ls->st = st;
	return &ls->base;
}

static void lite_finalize(struct dt_db_stmt *st)
{
	sqlite3_finalize(ST(st));
	free(st);
}

static void lite_reset(struct dt_db_stmt *st)
{
	sqlite3_reset(ST(st));
	sqlite3_clear_bindings(ST(st));
}

static void lite_bind_null(struct dt_db_stmt *st, int i)
{
	sqlite3_bind_null(ST(st), i);
}

static void lite_bind_int64(struct dt_db_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(ST(st), i, v);
}

static void lite_bind_double(struct dt_db_stmt *st, int i, double v)
{
	sqlite3_bind_double(ST(st), i, v);
}

static void lite_bind_text(struct dt_db_stmt *st, int i, const char *s, int n, bool copy)
{
	sqlite3_bind_text(ST(st), i, s, n, copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
}

static void lite_bind_blob(struct dt_db_stmt *st, int i, const void *p, int n)
{
	sqlite3_bind_blob(ST(st), i, p, n, SQLITE_STATIC);
}

static int lite_step(struct dt_db_stmt *st)
{
	int r = sqlite3_step(ST(st));
	if (r == SQLITE_ROW)
		return DT_DB_ROW;
	if (r == SQLITE_DONE)
		return DT_DB_DONE;
	note_error(LITE(st->db));
	return DT_DB_ERROR;
}

static int lite_column_count(struct dt_db_stmt *st)
{
	return sqlite3_column_count(ST(st));
}

static const char *lite_column_name(struct dt_db_stmt *st, int i)
{
	return sqlite3_column_name(ST(st), i);
}

static enum dt_db_type lite_column_type(struct dt_db_stmt *st, int i)
{
	switch (sqlite3_column_type(ST(st), i)) {
	case SQLITE_INTEGER: return DT_DB_INTEGER;
	case SQLITE_FLOAT: return DT_DB_FLOAT;
	case SQLITE_TEXT: return DT_DB_TEXT;
	case SQLITE_BLOB: return DT_DB_BLOB;
	default: return DT_DB_NULL;
	}
}

static int64_t lite_column_int64(struct dt_db_stmt *st, int i)
{
	return sqlite3_column_int64(ST(st), i);
}

static double lite_column_double(struct dt_db_stmt *st, int i)
{
	return sqlite3_column_double(ST(st), i);
}

static const char *lite_column_text(struct dt_db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(ST(st), i);
}

static const void *lite_column_blob(struct dt_db_stmt *st, int i)
{
	return sqlite3_column_blob(ST(st), i);
}

static int lite_column_bytes(struct dt_db_stmt *st, int i)
{
	return sqlite3_column_bytes(ST(st), i);
}

static int64_t lite_changes(struct dt_db *db)
{
	return sqlite3_changes64(LITE(db)->h);
}

static void lite_busy_timeout(struct dt_db *db, int ms)
{
	sqlite3_busy_timeout(LITE(db)->h, ms);
}

/* One file, one machine: the write lock already makes work exclusive. */
static enum dt_err lite_try_lock(struct dt_db *db, int64_t key, bool *got, struct dt_strbuf *err)
{
	(void)db, (void)key, (void)err;
	*got = true;
	return DT_OK;
}

static void lite_unlock(struct dt_db *db, int64_t key)
{
	(void)db, (void)key;
}

static enum dt_err lite_notify(struct dt_db *db, const char *channel, const char *payload,
			       struct dt_strbuf *err)
{
	(void)db, (void)channel, (void)payload, (void)err;
	return DT_OK;
}

static enum dt_err lite_listen(struct dt_db *db, const char *channel, struct dt_strbuf *err)
{
	(void)db, (void)channel, (void)err;
	return DT_OK;
}

static int lite_wait_notify(struct dt_db *db, int timeout_ms, struct dt_strbuf *payload)
{
	(void)db, (void)timeout_ms, (void)payload;
	return 0;
}

/*
 * A copy: one prepared INSERT stepped per row, in a savepoint that a
 * failure rolls back to (outside a transaction the savepoint is one).
 */
struct lite_copy {
	struct dt_db_copy base;
	sqlite3_stmt *st;
};

#define LCOPY(c) ((struct lite_copy *)(c))

static struct dt_db_copy *lite_copy_begin(struct dt_db *db, const char *table,
					  const char *const *cols, int ncols, unsigned flags,
					  struct dt_strbuf *err)
{
	(void)flags; /* values are bound as they come, and the savepoint costs nothing */
	struct lite *l = LITE(db);
	struct lite_copy *c = NULL;
	struct dt_strbuf sql = DT_STRBUF_INIT;
	dt_strbuf_addf(&sql, "INSERT INTO %s(", table);
	for (int i = 0; i < ncols; i++)
		dt_strbuf_addf(&sql, "%s%s", i ? ", " : "", cols[i]);
	dt_strbuf_adds(&sql, ") VALUES (");
	for (int i = 0; i < ncols; i++)
		dt_strbuf_adds(&sql, i ? ", ?" : "?");
	dt_strbuf_adds(&sql, ")");
	if (!dt_strbuf_ok(&sql) || !(c = calloc(1, sizeof(*c)))) {
		dt_db_set_error(db, DT_DBE_OTHER, "out of memory", NULL);
		dt_error(err, DT_EDB, "database error: out of memory");
		goto out;
	}
	if (sqlite3_exec(l->h, "SAVEPOINT dt_copy", NULL, NULL, NULL) != SQLITE_OK) {
		note_error(l);
		dt_error(err, DT_EDB, "database error: %s", sqlite3_errmsg(l->h));
		free(c);
		c = NULL;
		goto out;
	}
	if (sqlite3_prepare_v2(l->h, sql.buf, -1, &c->st, NULL) != SQLITE_OK) {
		note_error(l);
		dt_error(err, DT_EDB, "database error: %s (in: %.200s)", sqlite3_errmsg(l->h),
			 sql.buf);
		sqlite3_exec(l->h, "ROLLBACK TO dt_copy; RELEASE dt_copy", NULL, NULL, NULL);
		free(c);
		c = NULL;
	}
out:
	dt_strbuf_release(&sql);
	return c ? &c->base : NULL;
}

static void lite_copy_null(struct dt_db_copy *c)
{
	sqlite3_bind_null(LCOPY(c)->st, c->field);
}

static void lite_copy_int64(struct dt_db_copy *c, int64_t v)
{
	sqlite3_bind_int64(LCOPY(c)->st, c->field, v);
}

static void lite_copy_double(struct dt_db_copy *c, double v)
{
	sqlite3_bind_double(LCOPY(c)->st, c->field, v);
}

static void lite_copy_text(struct dt_db_copy *c, const char *s, size_t n)
{
	sqlite3_bind_text64(LCOPY(c)->st, c->field, s, n, SQLITE_STATIC, SQLITE_UTF8);
}

static void lite_copy_blob(struct dt_db_copy *c, const void *p, size_t n)
{
	/* a zero-length blob is a blob, not a NULL */
	if (n)
		sqlite3_bind_blob64(LCOPY(c)->st, c->field, p, n, SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(LCOPY(c)->st, c->field, 0);
}

static bool lite_copy_row(struct dt_db_copy *c)
{
	sqlite3_stmt *st = LCOPY(c)->st;
	if (sqlite3_step(st) != SQLITE_DONE) {
		note_error(LITE(c->db));
		c->failed = true;
	}
	sqlite3_reset(st);
	return !c->failed;
}

static enum dt_err lite_copy_end(struct dt_db_copy *c, bool abandon, struct dt_strbuf *err)
{
	struct lite *l = LITE(c->db);
	enum dt_err rc = DT_OK;
	sqlite3_finalize(LCOPY(c)->st);
	if (c->failed || abandon) {
		/* the failure's class and words stay those of the row that failed */
		sqlite3_exec(l->h, "ROLLBACK TO dt_copy; RELEASE dt_copy", NULL, NULL, NULL);
		if (!abandon)
			rc = dt_error(err, DT_EDB, "database error: %s", dt_db_errmsg(c->db));
	} else if (sqlite3_exec(l->h, "RELEASE dt_copy", NULL, NULL, NULL) != SQLITE_OK) {
		note_error(l);
		rc = dt_error(err, DT_EDB, "database error: %s", sqlite3_errmsg(l->h));
		sqlite3_exec(l->h, "ROLLBACK TO dt_copy; RELEASE dt_copy", NULL, NULL, NULL);
	}
	free(c);
	return rc;
}

void *dt_db_sqlite_handle(struct dt_db *db)
{
	return db && db->ops->dialect == DT_DB_SQLITE ? LITE(db)->h : NULL;
}

static const struct dt_db_ops lite_ops = {
	.dialect = DT_DB_SQLITE,
	.close = lite_close,
	.exec = lite_exec,
	.prepare = lite_prepare,
	.finalize = lite_finalize,
	.reset = lite_reset,
	.bind_null = lite_bind_null,
	.bind_int64 = lite_bind_int64,
	.bind_double = lite_bind_double,
	.bind_text = lite_bind_text,
	.bind_blob = lite_bind_blob,
	.step = lite_step,
	.column_count = lite_column_count,
	.column_name = lite_column_name,
	.column_type = lite_column_type,
	.column_int64 = lite_column_int64,
	.column_double = lite_column_double,
	.column_text = lite_column_text,
	.column_blob = lite_column_blob,
	.column_bytes = lite_column_bytes,
	.changes = lite_changes,
	.busy_timeout = lite_busy_timeout,
	.try_lock = lite_try_lock,
	.unlock = lite_unlock,
	.notify = lite_notify,
	.listen = lite_listen,
	.wait_notify = lite_wait_notify,
	.copy_begin = lite_copy_begin,
	.copy_null = lite_copy_null,
	.copy_int64 = lite_copy_int64,
	.copy_double = lite_copy_double,
	.copy_text = lite_copy_text,
	.copy_blob = lite_copy_blob,
	.copy_row = lite_copy_row,
	.copy_end = lite_copy_end,
};

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

enum dt_err dt_db_sqlite_open(struct dt_db **out, const char *path, unsigned flags,
			      struct dt_strbuf *err)
{
	static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
	pthread_once(&setup_once, sqlite_setup);
	struct stat sb;
	if (!(flags & DT_DB_CREATE) && stat(path, &sb) != 0)
		return dt_error(err, DT_EIO, "%s: no such database (run `dualtrack init` first)",
				path);
	struct lite *l = calloc(1, sizeof(*l));
	if (!l)
		return dt_error(err, DT_ENOMEM, "out of memory");
	l->base.ops = &lite_ops;
	dt_strbuf_init(&l->base.errmsg, 0);
	dt_strbuf_init(&l->base.errcols, 0);
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
		     ((flags & DT_DB_CREATE) ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &l->h, oflags, NULL) != SQLITE_OK) {
		int rc = dt_error(err, DT_EIO, "%s: cannot open database: %s", path,
				  l->h ? sqlite3_errmsg(l->h) : "out of memory");
		dt_db_close(&l->base);
		return rc;
	}
	sqlite3_extended_result_codes(l->h, 1);
	*out = &l->base;
	return DT_OK;
}
