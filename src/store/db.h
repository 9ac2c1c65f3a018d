/*
 * db.h - the driver seam under the store: one small interface, two engines.
 *
 * The store (the other files of src/store) speaks SQL through this interface only; the engines
 * live behind it in db_sqlite.c (the embedded default, a file) and
 * db_pgsql.c (PostgreSQL through libpq, for several servers on one
 * database).  No sqlite3_* or PQ* call appears anywhere else.
 *
 * SQL is written once, with "?" placeholders numbered from 1 in the order
 * they appear; a driver rewrites them as its engine wants them.  Where the
 * two dialects differ (upserts, date arithmetic, sequences), the caller picks
 * the text by dt_db_dialect() - the few places that do are marked "dialect".
 *
 * A statement is stepped like SQLite's: dt_db_step() answers DT_DB_ROW with
 * a row to read, DT_DB_DONE at the end, or DT_DB_ERROR; dt_db_reset() makes
 * it ready to bind and run again.  Text and blob bindings are borrowed: the
 * caller keeps them alive until the statement is stepped and reset, unless
 * bound with dt_db_bind_text_copy().  What a column gives stays valid until
 * the next step or reset of its statement.
 *
 * Errors come in classes (dt_db_errclass) that the store maps to its own
 * codes: a unique violation names its columns, a foreign-key violation
 * refuses a delete, busy and serialization failures ask for a retry.
 */
#ifndef DT_STORE_DB_H
#define DT_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strbuf.h"

struct dt_db;
struct dt_db_stmt;

enum dt_db_dialect { DT_DB_SQLITE, DT_DB_PGSQL };

/* What dt_db_step() answers. */
enum { DT_DB_ERROR = 1, DT_DB_ROW = 100, DT_DB_DONE = 101 };

/* The type of a column's value in the current row. */
enum dt_db_type { DT_DB_NULL, DT_DB_INTEGER, DT_DB_FLOAT, DT_DB_TEXT, DT_DB_BLOB };

/* Classes of failure, after a step or exec that failed. */
enum dt_db_errclass {
	DT_DBE_NONE,
	DT_DBE_UNIQUE,      /* a unique constraint: dt_db_errcols() names its columns */
	DT_DBE_FOREIGN_KEY, /* a foreign key (a delete of a referred-to row) */
	DT_DBE_CONSTRAINT,  /* another constraint (CHECK, NOT NULL) */
	DT_DBE_BUSY,        /* locked by another connection past the timeout */
	DT_DBE_SERIAL,      /* a serialization failure or deadlock: try again */
	DT_DBE_OTHER,
};

/* dt_db_open() flags */
#define DT_DB_CREATE 1u /* make the database if it does not exist */

/** Is @uri a PostgreSQL connection URI ("postgresql://" or "postgres://")? */
bool dt_db_is_pgsql(const char *uri);

/**
 * Open @uri: a PostgreSQL URI, or else a SQLite file path.  DT_EIO with the
 * reason in @err when it cannot be opened (or, without DT_DB_CREATE, does
 * not exist).
 */
enum dt_err dt_db_open(struct dt_db **out, const char *uri, unsigned flags, struct dt_strbuf *err);
void dt_db_close(struct dt_db *db);
enum dt_db_dialect dt_db_dialect(const struct dt_db *db);

/** Run @sql (one or more statements, no results, no placeholders). */
enum dt_err dt_db_exec(struct dt_db *db, const char *sql, struct dt_strbuf *err);

/** Prepare one statement; NULL with DT_EDB in @err (and the SQL) on failure. */
struct dt_db_stmt *dt_db_prepare(struct dt_db *db, const char *sql, struct dt_strbuf *err);
void dt_db_finalize(struct dt_db_stmt *st);
/** End the statement's run and clear its bindings. */
void dt_db_reset(struct dt_db_stmt *st);

/* Bind parameter @i (from 1). */
void dt_db_bind_null(struct dt_db_stmt *st, int i);
void dt_db_bind_int64(struct dt_db_stmt *st, int i, int64_t v);
void dt_db_bind_double(struct dt_db_stmt *st, int i, double v);
/* @n bytes of @s (-1: up to its NUL), borrowed until the reset. */
void dt_db_bind_text(struct dt_db_stmt *st, int i, const char *s, int n);
/* The same, copied at once. */
void dt_db_bind_text_copy(struct dt_db_stmt *st, int i, const char *s, int n);
/* @n bytes of @p, borrowed until the reset. */
void dt_db_bind_blob(struct dt_db_stmt *st, int i, const void *p, int n);

/** DT_DB_ROW, DT_DB_DONE or DT_DB_ERROR (then dt_db_errclass/errmsg). */
int dt_db_step(struct dt_db_stmt *st);

/*
 * Sent runs: a run sent now and received later, so that the runs of many
 * requests share one round trip to the server (PostgreSQL's pipeline mode).
 * dt_db_send() sends a run of @st with its current bindings and does not
 * wait; @st may be reset and bound, sent or run again at once (the bindings
 * are copied).  dt_db_receive() makes the oldest sent run of the
 * connection current on its statement, which must be @st (runs are
 * received in the order they were sent, whatever their statements), and
 * answers as dt_db_step() does for its first row; dt_db_step() reads the
 * next ones, dt_db_reset() ends it.  Anything else run on the connection
 * meanwhile (a dt_db_exec(), a statement stepped) first takes in the
 * results of every run sent: they stay with their runs until received.
 */
/** Can @db send runs?  (SQLite: no; a run there costs no round trip.) */
bool dt_db_can_send(const struct dt_db *db);
/** Send a run of @st; DT_EDB with the reason in @err if it could not be sent. */
enum dt_err dt_db_send(struct dt_db_stmt *st, struct dt_strbuf *err);
/** Receive the oldest run sent, @st's: DT_DB_ROW, DT_DB_DONE or DT_DB_ERROR. */
int dt_db_receive(struct dt_db_stmt *st);

int dt_db_column_count(struct dt_db_stmt *st);
const char *dt_db_column_name(struct dt_db_stmt *st, int i);
enum dt_db_type dt_db_column_type(struct dt_db_stmt *st, int i);
int64_t dt_db_column_int64(struct dt_db_stmt *st, int i);
double dt_db_column_double(struct dt_db_stmt *st, int i);
/* NULL for a NULL value. */
const char *dt_db_column_text(struct dt_db_stmt *st, int i);
const void *dt_db_column_blob(struct dt_db_stmt *st, int i);
int dt_db_column_bytes(struct dt_db_stmt *st, int i);

static inline int dt_db_column_int(struct dt_db_stmt *st, int i)
{
	return (int)dt_db_column_int64(st, i);
}

/*
 * Bulk writes: many rows into one table, streamed.  On PostgreSQL a COPY
 * FROM STDIN (text format, or binary: dt_db_copy_begin_with) - the rows go to the server while the caller
 * makes the next ones, with no round trip per row or per batch; on SQLite
 * one prepared INSERT stepped per row.  A copy is all or nothing on both:
 * inside a transaction it runs in a savepoint of its own, so a failed copy
 * (a unique violation in any row, say) leaves no row of it written and the
 * transaction usable; outside one it is its own transaction.  Nothing
 * else may run on @db while a copy is open.
 *
 * A row is its values in column order, one call each, then
 * dt_db_copy_row(); text and blobs are borrowed until that call.  A
 * failure may show at any row or only at dt_db_copy_end(): on PostgreSQL
 * the server checks the rows as they arrive, and says which one failed in
 * words only (dt_db_errmsg), so a caller that must name the row looks for
 * it another way (rows written one at a time, say).
 */
struct dt_db_copy;
/**
 * Begin a copy into @table's columns @cols (@ncols names, trusted: never
 * from input).  NULL with DT_EDB in @err (dt_db_errclass set) when it
 * cannot start.
 */
struct dt_db_copy *dt_db_copy_begin(struct dt_db *db, const char *table, const char *const *cols,
				    int ncols, struct dt_strbuf *err);
/*
 * What a bulk writer may promise at the beginning of a copy, for a faster
 * one (dt_db_copy_begin_with):
 *
 *   DT_DB_COPY_TYPED: every value is of its column's own kind - int64 for
 *     an integer column, double for a real one, text for a text one, a
 *     blob for a blob one (or NULL) - so that PostgreSQL may take the rows
 *     in COPY's binary format, with nothing to escape, encode or parse (it
 *     does so when every column is of a type it sends that way, and keeps
 *     the text format otherwise); a value of another kind fails the copy;
 *   DT_DB_COPY_NO_SAVEPOINT: the caller rolls the whole transaction back
 *     when the copy fails, so no savepoint of its own is taken around it
 *     on PostgreSQL (a failed copy then leaves the transaction aborted;
 *     SQLite keeps its savepoint, which costs nothing there).
 */
#define DT_DB_COPY_TYPED 1u
#define DT_DB_COPY_NO_SAVEPOINT 2u
struct dt_db_copy *dt_db_copy_begin_with(struct dt_db *db, const char *table,
					 const char *const *cols, int ncols, unsigned flags,
					 struct dt_strbuf *err);
/* The next value of the current row. */
void dt_db_copy_null(struct dt_db_copy *c);
void dt_db_copy_int64(struct dt_db_copy *c, int64_t v);
void dt_db_copy_double(struct dt_db_copy *c, double v);
/* @n bytes of @s (-1: up to its NUL); text holds no NUL byte. */
void dt_db_copy_text(struct dt_db_copy *c, const char *s, int n);
void dt_db_copy_blob(struct dt_db_copy *c, const void *p, int n);
/**
 * End the current row, which must have had one value per column.  False
 * once the copy has failed (the rows after are ignored; dt_db_copy_end()
 * says why).
 */
bool dt_db_copy_row(struct dt_db_copy *c);
/**
 * Finish the copy and free @c: DT_OK with every row written, or DT_EDB in
 * @err with none of them (dt_db_errclass and dt_db_errcols say why).  With
 * @abandon the rows are thrown away (DT_OK).  NULL @c: DT_EDB.
 */
enum dt_err dt_db_copy_end(struct dt_db_copy *c, bool abandon, struct dt_strbuf *err);

/** Rows changed by the last INSERT, UPDATE or DELETE stepped on @db. */
int64_t dt_db_changes(struct dt_db *db);

/* The last failure on @db. */
enum dt_db_errclass dt_db_errclass(struct dt_db *db);
const char *dt_db_errmsg(struct dt_db *db);
/** The columns of the unique constraint that failed, "a,b" (empty if unknown). */
const char *dt_db_errcols(struct dt_db *db);

/**
 * How long a statement waits for another connection's lock before failing
 * busy (milliseconds; 0: not at all).
 */
void dt_db_busy_timeout(struct dt_db *db, int ms);

/*
 * Cross-process coordination (several servers on one database).  On SQLite,
 * one file is one machine: a try-lock always succeeds and notifications go
 * nowhere (the processes share nothing that needs telling).
 */
/** Take the session-level lock @key if free; *@got tells whether it was. */
enum dt_err dt_db_try_lock(struct dt_db *db, int64_t key, bool *got, struct dt_strbuf *err);
void dt_db_unlock(struct dt_db *db, int64_t key);
/** Send @payload on @channel (delivered at commit when in a transaction). */
enum dt_err dt_db_notify(struct dt_db *db, const char *channel, const char *payload,
			 struct dt_strbuf *err);
/** Listen on @channel. */
enum dt_err dt_db_listen(struct dt_db *db, const char *channel, struct dt_strbuf *err);
/**
 * Wait up to @timeout_ms for a notification on a listened channel; 1 with its
 * payload in @payload, 0 on timeout, -1 when the connection failed.
 */
int dt_db_wait_notify(struct dt_db *db, int timeout_ms, struct dt_strbuf *payload);

/** @uri as a message may show it: a password in it as "***". */
void dt_db_uri_shown(const char *uri, struct dt_strbuf *out);

/**
 * The engine's own handle behind @db when it is SQLite's (a sqlite3 *), for
 * the fuzz harnesses, which move the database into memory and back; NULL
 * for another engine.  The store itself never uses it.
 */
void *dt_db_sqlite_handle(struct dt_db *db);

#endif
