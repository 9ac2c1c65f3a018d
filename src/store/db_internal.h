/*
 * db_internal.h - what a driver behind db.h provides: its operations, and
 * the head its connection and statement structures begin with.
 */
#ifndef DT_STORE_DB_INTERNAL_H
#define DT_STORE_DB_INTERNAL_H

#include "store/db.h"

struct dt_db_ops {
	enum dt_db_dialect dialect;
	void (*close)(struct dt_db *db);
	enum dt_err (*exec)(struct dt_db *db, const char *sql, struct dt_strbuf *err);
	struct dt_db_stmt *(*prepare)(struct dt_db *db, const char *sql, struct dt_strbuf *err);
	void (*finalize)(struct dt_db_stmt *st);
	void (*reset)(struct dt_db_stmt *st);
	void (*bind_null)(struct dt_db_stmt *st, int i);
	void (*bind_int64)(struct dt_db_stmt *st, int i, int64_t v);
	void (*bind_double)(struct dt_db_stmt *st, int i, double v);
	void (*bind_text)(struct dt_db_stmt *st, int i, const char *s, int n, bool copy);
	void (*bind_blob)(struct dt_db_stmt *st, int i, const void *p, int n);
	int (*step)(struct dt_db_stmt *st);
	/* NULL when the engine cannot send runs (db.h: sent runs) */
	enum dt_err (*send)(struct dt_db_stmt *st, struct dt_strbuf *err);
	int (*receive)(struct dt_db_stmt *st);
	int (*column_count)(struct dt_db_stmt *st);
	const char *(*column_name)(struct dt_db_stmt *st, int i);
	enum dt_db_type (*column_type)(struct dt_db_stmt *st, int i);
	int64_t (*column_int64)(struct dt_db_stmt *st, int i);
	double (*column_double)(struct dt_db_stmt *st, int i);
	const char *(*column_text)(struct dt_db_stmt *st, int i);
	const void *(*column_blob)(struct dt_db_stmt *st, int i);
	int (*column_bytes)(struct dt_db_stmt *st, int i);
	int64_t (*changes)(struct dt_db *db);
	void (*busy_timeout)(struct dt_db *db, int ms);
	enum dt_err (*try_lock)(struct dt_db *db, int64_t key, bool *got, struct dt_strbuf *err);
	void (*unlock)(struct dt_db *db, int64_t key);
	enum dt_err (*notify)(struct dt_db *db, const char *channel, const char *payload,
			      struct dt_strbuf *err);
	enum dt_err (*listen)(struct dt_db *db, const char *channel, struct dt_strbuf *err);
	int (*wait_notify)(struct dt_db *db, int timeout_ms, struct dt_strbuf *payload);
	/* A copy (db.h): values arrive in column order, rows with their count checked. */
	struct dt_db_copy *(*copy_begin)(struct dt_db *db, const char *table,
					 const char *const *cols, int ncols, unsigned flags,
					 struct dt_strbuf *err);
	void (*copy_null)(struct dt_db_copy *c);
	void (*copy_int64)(struct dt_db_copy *c, int64_t v);
	void (*copy_double)(struct dt_db_copy *c, double v);
	void (*copy_text)(struct dt_db_copy *c, const char *s, size_t n);
	void (*copy_blob)(struct dt_db_copy *c, const void *p, size_t n);
	/* the row is complete: send or step it; false if the copy failed */
	bool (*copy_row)(struct dt_db_copy *c);
	/* finish, or with @abandon throw the rows away; frees @c */
	enum dt_err (*copy_end)(struct dt_db_copy *c, bool abandon, struct dt_strbuf *err);
};

/* Every connection and statement of a driver begins with these. */
struct dt_db {
	const struct dt_db_ops *ops;
	enum dt_db_errclass errclass;
	struct dt_strbuf errmsg, errcols;
};
struct dt_db_stmt {
	struct dt_db *db;
};
struct dt_db_copy {
	struct dt_db *db;
	int ncols;
	int field;   /* values given in the current row */
	bool failed; /* the driver's or a row's count: no row is written */
};

/* Record the last failure of @db (@cols: a unique constraint's columns). */
void dt_db_set_error(struct dt_db *db, enum dt_db_errclass cls, const char *msg, const char *cols);

enum dt_err dt_db_sqlite_open(struct dt_db **out, const char *path, unsigned flags,
			      struct dt_strbuf *err);
enum dt_err dt_db_pgsql_open(struct dt_db **out, const char *uri, unsigned flags,
			     struct dt_strbuf *err);

/*
 * PostgreSQL's text of the store's SQL @sql, appended to @out: each "?"
 * outside '...' strings, "..." names, comments and $tag$ bodies becomes
 * $1, $2, ... ("?NNN" becomes $NNN); returns the number of parameters (the
 * highest).  Exposed for tests/fuzz/fuzz_placeholders.c.
 */
int dt_db_pgsql_rewrite(const char *sql, struct dt_strbuf *out);

#endif
