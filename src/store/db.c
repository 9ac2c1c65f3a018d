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
