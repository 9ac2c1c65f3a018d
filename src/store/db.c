/*
 * db.c - the seam's dispatch: each call goes to the driver of its
 * connection (db_sqlite.c or db_pgsql.c).
 */
#include <string.h>

#include "store/db_internal.h"
#include "core/banned.h"

bool dt_db_is_pgsql(const char *uri)
{
	return uri && (!strncmp(uri, "postgresql://", 13) || !strncmp(uri, "postgres://", 11));
}

enum dt_err dt_db_open(struct dt_db **out, const char *uri, unsigned flags, struct dt_strbuf *err)
{
	*out = NULL;
	return dt_db_is_pgsql(uri) ? dt_db_pgsql_open(out, uri, flags, err)
				   : dt_db_sqlite_open(out, uri, flags, err);
}

void dt_db_close(struct dt_db *db)
{
	if (!db)
		return;
	dt_strbuf_release(&db->errmsg);
	dt_strbuf_release(&db->errcols);
	db->ops->close(db);
}

enum dt_db_dialect dt_db_dialect(const struct dt_db *db)
{
	return db->ops->dialect;
}

void dt_db_set_error(struct dt_db *db, enum dt_db_errclass cls, const char *msg, const char *cols)
{
	db->errclass = cls;
	dt_strbuf_reset(&db->errmsg);
	dt_strbuf_adds(&db->errmsg, msg ? msg : "");
	dt_strbuf_reset(&db->errcols);
	dt_strbuf_adds(&db->errcols, cols ? cols : "");
}

enum dt_err dt_db_exec(struct dt_db *db, const char *sql, struct dt_strbuf *err)
{
	return db->ops->exec(db, sql, err);
}

struct dt_db_stmt *dt_db_prepare(struct dt_db *db, const char *sql, struct dt_strbuf *err)
{
	return db->ops->prepare(db, sql, err);
}

void dt_db_finalize(struct dt_db_stmt *st)
{
	if (st)
		st->db->ops->finalize(st);
}

void dt_db_reset(struct dt_db_stmt *st)
{
	st->db->ops->reset(st);
}

void dt_db_bind_null(struct dt_db_stmt *st, int i)
{
	st->db->ops->bind_null(st, i);
}

void dt_db_bind_int64(struct dt_db_stmt *st, int i, int64_t v)
{
	st->db->ops->bind_int64(st, i, v);
}

void dt_db_bind_double(struct dt_db_stmt *st, int i, double v)
{
	st->db->ops->bind_double(st, i, v);
}

void dt_db_bind_text(struct dt_db_stmt *st, int i, const char *s, int n)
{
	st->db->ops->bind_text(st, i, s, n, false);
}

void dt_db_bind_text_copy(struct dt_db_stmt *st, int i, const char *s, int n)
{
	st->db->ops->bind_text(st, i, s, n, true);
}

void dt_db_bind_blob(struct dt_db_stmt *st, int i, const void *p, int n)
{
	st->db->ops->bind_blob(st, i, p, n);
}

int dt_db_step(struct dt_db_stmt *st)
{
	return st->db->ops->step(st);
}

bool dt_db_can_send(const struct dt_db *db)
{
	return db->ops->send != NULL;
}

enum dt_err dt_db_send(struct dt_db_stmt *st, struct dt_strbuf *err)
{
	if (!st->db->ops->send)
		return dt_error(err, DT_EINTERNAL,
				"internal error: this database cannot send runs");
	return st->db->ops->send(st, err);
}

int dt_db_receive(struct dt_db_stmt *st)
{
	if (!st->db->ops->receive) {
		dt_db_set_error(st->db, DT_DBE_OTHER, "internal error: nothing was sent", NULL);
		return DT_DB_ERROR;
	}
	return st->db->ops->receive(st);
}

int dt_db_column_count(struct dt_db_stmt *st)
{
	return st->db->ops->column_count(st);
}

const char *dt_db_column_name(struct dt_db_stmt *st, int i)
{
	return st->db->ops->column_name(st, i);
}

enum dt_db_type dt_db_column_type(struct dt_db_stmt *st, int i)
{
	return st->db->ops->column_type(st, i);
}

int64_t dt_db_column_int64(struct dt_db_stmt *st, int i)
{
	return st->db->ops->column_int64(st, i);
}

double dt_db_column_double(struct dt_db_stmt *st, int i)
{
	return st->db->ops->column_double(st, i);
}

const char *dt_db_column_text(struct dt_db_stmt *st, int i)
{
	return st->db->ops->column_text(st, i);
}

const void *dt_db_column_blob(struct dt_db_stmt *st, int i)
{
	return st->db->ops->column_blob(st, i);
}

int dt_db_column_bytes(struct dt_db_stmt *st, int i)
{
	return st->db->ops->column_bytes(st, i);
}

int64_t dt_db_changes(struct dt_db *db)
{
	return db->ops->changes(db);
}

enum dt_db_errclass dt_db_errclass(struct dt_db *db)
{
	return db->errclass;
}

const char *dt_db_errmsg(struct dt_db *db)
{
	return db->errmsg.buf ? db->errmsg.buf : "";
}

const char *dt_db_errcols(struct dt_db *db)
{
	return db->errcols.buf ? db->errcols.buf : "";
}

void dt_db_busy_timeout(struct dt_db *db, int ms)
{
	db->ops->busy_timeout(db, ms);
}

enum dt_err dt_db_try_lock(struct dt_db *db, int64_t key, bool *got, struct dt_strbuf *err)
{
	return db->ops->try_lock(db, key, got, err);
}

void dt_db_unlock(struct dt_db *db, int64_t key)
{
	db->ops->unlock(db, key);
}

enum dt_err dt_db_notify(struct dt_db *db, const char *channel, const char *payload,
			 struct dt_strbuf *err)
{
	return db->ops->notify(db, channel, payload, err);
}

enum dt_err dt_db_listen(struct dt_db *db, const char *channel, struct dt_strbuf *err)
{
	return db->ops->listen(db, channel, err);
}

int dt_db_wait_notify(struct dt_db *db, int timeout_ms, struct dt_strbuf *payload)
{
	return db->ops->wait_notify(db, timeout_ms, payload);
}

/* ---- copies: the count of values per row is checked here, the rest by the driver ---- */

struct dt_db_copy *dt_db_copy_begin(struct dt_db *db, const char *table, const char *const *cols,
				    int ncols, struct dt_strbuf *err)
{
	return dt_db_copy_begin_with(db, table, cols, ncols, 0, err);
}

struct dt_db_copy *dt_db_copy_begin_with(struct dt_db *db, const char *table,
					 const char *const *cols, int ncols, unsigned flags,
					 struct dt_strbuf *err)
{
	if (ncols <= 0) {
		dt_db_set_error(db, DT_DBE_OTHER, "a copy of no columns", NULL);
		dt_error(err, DT_EDB, "database error: a copy into %s of no columns", table);
		return NULL;
	}
	struct dt_db_copy *c = db->ops->copy_begin(db, table, cols, ncols, flags, err);
	if (c) {
		c->db = db;
		c->ncols = ncols;
		c->field = 0;
		c->failed = false;
	}
	return c;
}

void dt_db_copy_null(struct dt_db_copy *c)
{
	if (c->field++ < c->ncols && !c->failed)
		c->db->ops->copy_null(c);
}

void dt_db_copy_int64(struct dt_db_copy *c, int64_t v)
{
	if (c->field++ < c->ncols && !c->failed)
		c->db->ops->copy_int64(c, v);
}

void dt_db_copy_double(struct dt_db_copy *c, double v)
{
	if (c->field++ < c->ncols && !c->failed)
		c->db->ops->copy_double(c, v);
}

void dt_db_copy_text(struct dt_db_copy *c, const char *s, int n)
{
	if (c->field++ < c->ncols && !c->failed)
		c->db->ops->copy_text(c, s, n < 0 ? strlen(s) : (size_t)n);
}

void dt_db_copy_blob(struct dt_db_copy *c, const void *p, int n)
{
	if (c->field++ < c->ncols && !c->failed)
		c->db->ops->copy_blob(c, p, n > 0 ? (size_t)n : 0);
}

bool dt_db_copy_row(struct dt_db_copy *c)
{
	if (!c->failed && c->field != c->ncols) {
		struct dt_strbuf msg = DT_STRBUF_INIT;
		dt_strbuf_addf(&msg, "a row of %d values for %d columns", c->field, c->ncols);
		dt_db_set_error(c->db, DT_DBE_OTHER, msg.buf, NULL);
		dt_strbuf_release(&msg);
		c->failed = true;
	}
	c->field = 0;
	if (c->failed)
		return false;
	return c->db->ops->copy_row(c);
}

enum dt_err dt_db_copy_end(struct dt_db_copy *c, bool abandon, struct dt_strbuf *err)
{
	if (!c)
		return dt_error(err, DT_EDB, "database error: no copy");
	return c->db->ops->copy_end(c, abandon, err);
}
