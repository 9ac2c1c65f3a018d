/*
 * test_db.c - the driver seam (store/db.h): one battery run on both drivers.
 *
 * Each test runs twice: on a temporary SQLite file, and on a fresh
 * PostgreSQL database (made by dt_db_open with DT_DB_CREATE) of the server
 * whose base URI DUALTRACK_TEST_PG gives (scripts/pgtmp.sh start prints
 * one).  Without DUALTRACK_TEST_PG the PostgreSQL half is skipped, saying
 * so - and fails when CI=true, where a backend left out is a failure.
 *
 * SQLite is the oracle where both can answer: the same statements must give
 * the same values, types, error classes and unique-key columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/common.h"
#include "store/db.h"
#include "core/banned.h"

struct tdb {
	bool pg;
	char dir[64];     /* SQLite: the temporary directory */
	char uri[1200];   /* the database every test of the group opens */
	char base[400];   /* PostgreSQL: the server's base URI */
	struct dt_db *db; /* opened for each test */
	struct dt_strbuf err;
};

static struct tdb lite_group, pg_group;
static struct dt_db *cur_db; /* the test's connection, for messages */

/* ---- fixture ------------------------------------------------------------- */

static int lite_group_setup(void **state)
{
	struct tdb *t = &lite_group;
	snprintf(t->dir, sizeof(t->dir), "/tmp/dt_test_db.XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->uri, sizeof(t->uri), "%.63s/test.db", t->dir);
	dt_strbuf_init(&t->err, 0);
	*state = t;
	return 0;
}

static int lite_group_teardown(void **state)
{
	struct tdb *t = *state;
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(suffix); i++) {
		char p[1300];
		snprintf(p, sizeof(p), "%s%s", t->uri, suffix[i]);
		unlink(p);
	}
	rmdir(t->dir);
	dt_strbuf_release(&t->err);
	return 0;
}

static int pg_group_setup(void **state)
{
	struct tdb *t = &pg_group;
	const char *base = getenv("DUALTRACK_TEST_PG");
	t->pg = true;
	snprintf(t->base, sizeof(t->base), "%s", base);
	size_t n = strlen(t->base);
	if (n && t->base[n - 1] == '/')
		t->base[n - 1] = '\0';
	snprintf(t->uri, sizeof(t->uri), "%s/dt_test_db_%ld", t->base, (long)getpid());
	dt_strbuf_init(&t->err, 0);
	*state = t;
	return 0;
}

/* Drop the group's database, from the server's "postgres" database. */
static int pg_group_teardown(void **state)
{
	struct tdb *t = *state;
	char uri[1200], sql[128];
	struct dt_db *db = NULL;
	snprintf(uri, sizeof(uri), "%s/postgres", t->base);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"dt_test_db_%ld\" WITH (FORCE)",
		 (long)getpid());
	int rc = dt_db_open(&db, uri, 0, &t->err) || dt_db_exec(db, sql, &t->err);
	if (rc)
		fprintf(stderr, "test_db: cannot drop the test database: %s\n", t->err.buf);
	dt_db_close(db);
	dt_strbuf_release(&t->err);
	return rc ? -1 : 0;
}

static int setup(void **state)
{
	struct tdb *t = *state;
	dt_strbuf_reset(&t->err);
	if (dt_db_open(&t->db, t->uri, DT_DB_CREATE, &t->err) != DT_OK) {
		fprintf(stderr, "test_db: cannot open %s: %s\n", t->uri, t->err.buf);
		return -1;
	}
	cur_db = t->db;
	return 0;
}

static int teardown(void **state)
{
	struct tdb *t = *state;
	dt_db_close(t->db);
	t->db = cur_db = NULL;
	return 0;
}

/* A second connection to the test database. */
static struct dt_db *open2(struct tdb *t)
{
	struct dt_db *db = NULL;
	assert_int_equal(dt_db_open(&db, t->uri, 0, &t->err), DT_OK);
	return db;
}

static void exec_ok(struct dt_db *db, const char *sql)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	enum dt_err rc = dt_db_exec(db, sql, &err);
	if (rc)
		fail_msg("%s: %s", sql, err.buf);
	dt_strbuf_release(&err);
}

/* The dialect's name for a column type: @lite on SQLite, @pg on PostgreSQL. */
static const char *dia(struct tdb *t, const char *lite, const char *pg)
{
	return t->pg ? pg : lite;
}

static struct dt_db_stmt *prep(struct dt_db *db, const char *sql)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_db_stmt *st = dt_db_prepare(db, sql, &err);
	if (!st)
		fail_msg("%s: %s", sql, err.buf);
	dt_strbuf_release(&err);
	return st;
}

/* Step @st expecting DT_DB_DONE, then reset it. */
static void done(struct dt_db_stmt *st)
{
	int r = dt_db_step(st);
	if (r != DT_DB_DONE)
		fail_msg("step: %d, not done (%s)", r, cur_db ? dt_db_errmsg(cur_db) : "");
	dt_db_reset(st);
}

/* One integer from @sql (no parameters). */
static int64_t one_int(struct dt_db *db, const char *sql)
{
	struct dt_db_stmt *st = prep(db, sql);
	int r = dt_db_step(st);
	if (r != DT_DB_ROW)
		fail_msg("%s: step %d (%s)", sql, r, dt_db_errmsg(db));
	int64_t v = dt_db_column_int64(st, 0);
	assert_int_equal(dt_db_step(st), DT_DB_DONE);
	dt_db_finalize(st);
	return v;
}

/* ---- tests --------------------------------------------------------------- */

/* A database that is not there is refused without DT_DB_CREATE, and a password never shows. */
static void test_open_missing(void **state)
{
	struct tdb *t = *state;
	struct dt_db *db = NULL;
	char uri[1200];
	if (t->pg) {
		/* the same server, with a password in the URI (trust ignores it) */
		const char *at = strchr(t->base, '@');
		assert_non_null(at);
		snprintf(uri, sizeof(uri), "%.*s:s3cr3t-pw%s/dt_no_such_db_%ld",
			 (int)(at - t->base), t->base, at, (long)getpid());
	} else {
		snprintf(uri, sizeof(uri), "%.63s/none.db", t->dir);
	}
	assert_int_equal(dt_db_open(&db, uri, 0, &t->err), DT_EIO);
	assert_null(db);
	assert_non_null(strstr(t->err.buf, "no such database"));
	assert_null(strstr(t->err.buf, "s3cr3t-pw"));
	if (!t->pg)
		return;
	/* a name that is not letters, digits, _ and - is not created */
	snprintf(uri, sizeof(uri), "%s/bad%%22name", t->base);
	assert_int_equal(dt_db_open(&db, uri, DT_DB_CREATE, &t->err), DT_EIO);
	assert_null(db);
	/* a server that does not answer: the password stays out of the message */
	snprintf(uri, sizeof(uri), "postgresql://u:s3cr3t-pw@127.0.0.1:1/x");
	assert_int_equal(dt_db_open(&db, uri, 0, &t->err), DT_EIO);
	assert_null(strstr(t->err.buf, "s3cr3t-pw"));
	assert_non_null(strstr(t->err.buf, "u:***@127.0.0.1:1/x"));
	snprintf(uri, sizeof(uri), "postgresql://u@127.0.0.1:1/x?password=s3cr3t-pw");
	assert_int_equal(dt_db_open(&db, uri, 0, &t->err), DT_EIO);
	assert_null(strstr(t->err.buf, "s3cr3t-pw"));
	/* malformed: libpq quotes the bad part of the URI */
	snprintf(uri, sizeof(uri), "postgresql://u:s3cr3t-pw%%zz@127.0.0.1:1/x");
	assert_int_equal(dt_db_open(&db, uri, 0, &t->err), DT_EIO);
	assert_null(strstr(t->err.buf, "s3cr3t-pw"));
}

/* "?" inside strings, quoted names and comments is not a placeholder. */
static void test_placeholders(void **state)
{
	struct tdb *t = *state;
	/* SQLite does not nest comments: "?" in a nested one only on PostgreSQL */
	struct dt_db_stmt *st = prep(
		t->db, t->pg ? "SELECT ? AS a, '?' AS \"b?\", 'it''s ?' AS c /* ? /* ? */ ? */, "
			       "? -- ?\n AS d, '' AS e, ?+? AS f"
			     : "SELECT ? AS a, '?' AS \"b?\", 'it''s ?' AS c /* ? /* ? */, "
			       "? -- ?\n AS d, '' AS e, ?+? AS f");
	dt_db_bind_int64(st, 1, 7);
	dt_db_bind_int64(st, 2, 8);
	dt_db_bind_int64(st, 3, 1);
	dt_db_bind_int64(st, 4, 2);
	assert_int_equal(dt_db_step(st), DT_DB_ROW);
	assert_int_equal(dt_db_column_count(st), 6);
	assert_int_equal(dt_db_column_int64(st, 0), 7);
	assert_string_equal(dt_db_column_name(st, 1), "b?");
	assert_string_equal(dt_db_column_text(st, 1), "?");
	assert_string_equal(dt_db_column_text(st, 2), "it's ?");
	assert_int_equal(dt_db_column_int64(st, 3), 8);
	assert_string_equal(dt_db_column_name(st, 3), "d");
	assert_string_equal(dt_db_column_text(st, 4), "");
	assert_int_equal(dt_db_column_int64(st, 5), 3);
	assert_int_equal(dt_db_step(st), DT_DB_DONE);
	dt_db_finalize(st);
	/* Numbered as SQLite numbers them: ?NNN is parameter NNN, a bare ? the next after the highest. */
	st = prep(t->db, "SELECT ?2 AS a, ?1 AS b, ?2 + ?1 AS c, ? AS d");
	dt_db_bind_int64(st, 1, 10);
	dt_db_bind_int64(st, 2, 20);
	dt_db_bind_int64(st, 3, 30);
	assert_int_equal(dt_db_step(st), DT_DB_ROW);
	assert_int_equal(dt_db_column_int64(st, 0), 20);
	assert_int_equal(dt_db_column_int64(st, 1), 10);
	assert_int_equal(dt_db_column_int64(st, 2), 30);
	assert_int_equal(dt_db_column_int64(st, 3), 30);
	dt_db_finalize(st);
	if (!t->pg)
		return;
	/* PostgreSQL's own quotes: dollar-quoted bodies, E'' strings with backslashes */
	st = prep(t->db, "SELECT $$?$$ AS a, $x$ '? $$ $x$ AS b, E'\\'?' AS c, ? AS d, "
			 "e'\\\\' || '?' AS e");
	dt_db_bind_int64(st, 1, 42);
	assert_int_equal(dt_db_step(st), DT_DB_ROW);
	assert_string_equal(dt_db_column_text(st, 0), "?");
	assert_string_equal(dt_db_column_text(st, 1), " '? $$ ");
	assert_string_equal(dt_db_column_text(st, 2), "'?");
	assert_int_equal(dt_db_column_int64(st, 3), 42);
	assert_string_equal(dt_db_column_text(st, 4), "\\?");
	assert_int_equal(dt_db_step(st), DT_DB_DONE);
	dt_db_finalize(st);
}

static const unsigned char blob_bytes[] = { 0, 'a', 0, 0xff, 0x80, '\\', 'x', 0 };
static const char text_value[] = "双元 'single' \"double\" \\ back\\x00 $1 ?";

/* Values come back as they went in: int64 extremes, doubles, UTF-8 text, blobs with NULs, NULL. */
static void test_round_trip(void **state)
{
	struct tdb *t = *state;
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE rt (id INTEGER PRIMARY KEY, i BIGINT, d %s, s TEXT, b %s)",
		 dia(t, "REAL", "DOUBLE PRECISION"), dia(t, "BLOB", "BYTEA"));
	exec_ok(t->db, sql);
	static const int64_t ints[] = { INT64_MIN, INT64_MAX, 0, -1, 1, 4294967296LL };
	static const double dbls[] = { 0.1, -1e300, 1.0 / 3, 5e-324, 0.0, 123456789.125 };
	struct dt_db_stmt *ins =
		prep(t->db, "INSERT INTO rt (id, i, d, s, b) VALUES (?, ?, ?, ?, ?)");
	for (int k = 0; k < 6; k++) {
		dt_db_bind_int64(ins, 1, k + 1);
		dt_db_bind_int64(ins, 2, ints[k]);
		dt_db_bind_double(ins, 3, dbls[k]);
		if (k % 2)
			dt_db_bind_text(ins, 4, text_value, -1);
		else
			dt_db_bind_text(ins, 4, text_value,
					12); /* "双元 'si" : a length, not a NUL */
		dt_db_bind_blob(ins, 5, blob_bytes, (int)sizeof(blob_bytes) - k);
		done(ins);
		assert_int_equal(dt_db_changes(t->db), 1);
	}
	/* NULLs: bound, and left unbound after a reset */
	dt_db_bind_int64(ins, 1, 7);
	dt_db_bind_null(ins, 2);
	dt_db_bind_null(ins, 3);
	dt_db_bind_text(ins, 4, NULL, -1);
	done(ins);
	dt_db_finalize(ins);

	struct dt_db_stmt *get = prep(t->db, "SELECT i, d, s, b, id FROM rt WHERE id = ?");
	for (int k = 0; k < 6; k++) {
		dt_db_bind_int64(get, 1, k + 1);
		assert_int_equal(dt_db_step(get), DT_DB_ROW);
		assert_int_equal(dt_db_column_type(get, 0), DT_DB_INTEGER);
		assert_true(dt_db_column_int64(get, 0) == ints[k]);
		assert_int_equal(dt_db_column_type(get, 1), DT_DB_FLOAT);
		assert_true(dt_db_column_double(get, 1) == dbls[k]);
		assert_int_equal(dt_db_column_type(get, 2), DT_DB_TEXT);
		const char *s = dt_db_column_text(get, 2);
		size_t want = k % 2 ? strlen(text_value) : 12;
		assert_int_equal(dt_db_column_bytes(get, 2), (int)want);
		assert_memory_equal(s, text_value, want);
		assert_int_equal(s[want], '\0');
		assert_int_equal(dt_db_column_type(get, 3), DT_DB_BLOB);
		int n = (int)sizeof(blob_bytes) - k;
		assert_int_equal(dt_db_column_bytes(get, 3), n);
		const void *b = dt_db_column_blob(get, 3);
		assert_memory_equal(b, blob_bytes, (size_t)n);
		/* asked again in the same row: the same bytes */
		assert_int_equal(dt_db_column_bytes(get, 3), n);
		assert_memory_equal(dt_db_column_blob(get, 3), blob_bytes, (size_t)n);
		assert_string_equal(dt_db_column_name(get, 4), "id");
		assert_int_equal(dt_db_column_int(get, 4), k + 1);
		assert_int_equal(dt_db_step(get), DT_DB_DONE);
		dt_db_reset(get);
	}
	dt_db_bind_int64(get, 1, 7);
	assert_int_equal(dt_db_step(get), DT_DB_ROW);
	for (int c = 0; c < 4; c++) {
		assert_int_equal(dt_db_column_type(get, c), DT_DB_NULL);
		assert_null(dt_db_column_text(get, c));
		assert_int_equal(dt_db_column_int64(get, c), 0);
		assert_int_equal(dt_db_column_bytes(get, c), 0);
	}
	assert_int_equal(dt_db_step(get), DT_DB_DONE);
	dt_db_finalize(get);

	/* aggregates and comparisons read as numbers on both */
	struct dt_db_stmt *agg = prep(t->db, "SELECT sum(id), count(*), avg(id), max(d), 1 = 1, "
					     "2 < 1, CAST(? AS TEXT) FROM rt");
	dt_db_bind_text_copy(agg, 1, "copied", 6);
	assert_int_equal(dt_db_step(agg), DT_DB_ROW);
	assert_int_equal(dt_db_column_type(agg, 0), DT_DB_INTEGER);
	assert_int_equal(dt_db_column_int64(agg, 0), 28);
	assert_string_equal(dt_db_column_text(agg, 0), "28");
	assert_int_equal(dt_db_column_int64(agg, 1), 7);
	assert_int_equal(dt_db_column_type(agg, 2), DT_DB_FLOAT);
	assert_true(dt_db_column_double(agg, 2) == 4.0);
	assert_true(dt_db_column_double(agg, 3) == 123456789.125);
	assert_int_equal(dt_db_column_type(agg, 4), DT_DB_INTEGER);
	assert_int_equal(dt_db_column_int64(agg, 4), 1);
	assert_string_equal(dt_db_column_text(agg, 4), "1");
	assert_string_equal(dt_db_column_text(agg, 5), "0");
	assert_string_equal(dt_db_column_text(agg, 6), "copied");
	assert_int_equal(dt_db_step(agg), DT_DB_DONE);
	dt_db_finalize(agg);

	/* PostgreSQL's numeric (sum of a bigint, a cast): INTEGER when integral, as SQLite's */
	agg = prep(t->db, "SELECT sum(i), CAST(? AS NUMERIC), CAST(2.5 AS NUMERIC), "
			  "CAST(-3 AS NUMERIC) FROM rt WHERE id IN (3, 4, 5, 6)");
	dt_db_bind_int64(agg, 1, 12);
	assert_int_equal(dt_db_step(agg), DT_DB_ROW);
	assert_int_equal(dt_db_column_type(agg, 0), DT_DB_INTEGER);
	assert_int_equal(dt_db_column_int64(agg, 0), 4294967296LL);
	assert_int_equal(dt_db_column_type(agg, 1), DT_DB_INTEGER);
	assert_int_equal(dt_db_column_int64(agg, 1), 12);
	assert_int_equal(dt_db_column_type(agg, 2), DT_DB_FLOAT);
	assert_true(dt_db_column_double(agg, 2) == 2.5);
	assert_int_equal(dt_db_column_int64(agg, 2), 2);
	assert_int_equal(dt_db_column_type(agg, 3), DT_DB_INTEGER);
	assert_int_equal(dt_db_column_int64(agg, 3), -3);
	assert_int_equal(dt_db_step(agg), DT_DB_DONE);
	dt_db_finalize(agg);
}

/* A statement run again and again, rebound with other types between runs. */
static void test_rebind(void **state)
{
	struct tdb *t = *state;
	exec_ok(t->db, "CREATE TABLE rb (id INTEGER PRIMARY KEY, n BIGINT, s TEXT)");
	exec_ok(t->db, "INSERT INTO rb VALUES (1, 5, 'five'), (2, 6, 'six'), (3, NULL, NULL)");
	struct dt_db_stmt *st = prep(t->db, "SELECT count(*) FROM rb WHERE n = ? OR s = ?");
	/* each signature three times: first run, first prepared run, a run of the prepared */
	for (int round = 0; round < 3; round++) {
		dt_db_bind_int64(st, 1, 5);
		dt_db_bind_text(st, 2, "six", -1);
		assert_int_equal(dt_db_step(st), DT_DB_ROW);
		assert_int_equal(dt_db_column_int64(st, 0), 2);
		dt_db_reset(st);

		dt_db_bind_double(st, 1, 6.0);
		dt_db_bind_null(st, 2);
		assert_int_equal(dt_db_step(st), DT_DB_ROW);
		assert_int_equal(dt_db_column_int64(st, 0), 1);
		dt_db_reset(st);

		/* bindings are cleared by a reset: unbound is NULL */
		assert_int_equal(dt_db_step(st), DT_DB_ROW);
		assert_int_equal(dt_db_column_int64(st, 0), 0);
		dt_db_reset(st);

		dt_db_bind_text(st, 2, "five", -1);
		dt_db_bind_int64(st, 1, 6);
		assert_int_equal(dt_db_step(st), DT_DB_ROW);
		assert_int_equal(dt_db_column_int64(st, 0), 2);
		/* stepped past the end then again: it runs again, as SQLite's does */
		assert_int_equal(dt_db_step(st), DT_DB_DONE);
		assert_int_equal(dt_db_step(st), DT_DB_ROW);
		assert_int_equal(dt_db_column_int64(st, 0), 2);
		dt_db_reset(st);
	}
	const char *prepared = "SELECT count(*) FROM pg_prepared_statements WHERE statement = "
			       "'SELECT count(*) FROM rb WHERE n = $1 OR s = $2'";
	if (t->pg) /* one per signature: (int8, text), (float8, null), (null, null) */
		assert_int_equal(one_int(t->db, prepared), 3);
	dt_db_finalize(st);
	if (t->pg) /* and they go with the statement */
		assert_int_equal(one_int(t->db, prepared), 0);
	/* one parameter bound beyond the statement's: ignored */
	st = prep(t->db, "SELECT n FROM rb WHERE id = ?");
	dt_db_bind_int64(st, 1, 2);
	dt_db_bind_int64(st, 2, 99);
	dt_db_bind_int64(st, 0, 99);
	assert_int_equal(dt_db_step(st), DT_DB_ROW);
	assert_int_equal(dt_db_column_int64(st, 0), 6);
	dt_db_finalize(st);
}

/* Several statements open at once on one connection. */
static void test_interleaved(void **state)
{
	struct tdb *t = *state;
	exec_ok(t->db, "CREATE TABLE il (id INTEGER PRIMARY KEY, v BIGINT)");
	struct dt_db_stmt *ins = prep(t->db, "INSERT INTO il (id, v) VALUES (?, ?)");
	for (int k = 1; k <= 20; k++) {
		dt_db_bind_int64(ins, 1, k);
		dt_db_bind_int64(ins, 2, k * 10);
		done(ins);
	}
	struct dt_db_stmt *walk = prep(t->db, "SELECT id, v FROM il ORDER BY id");
	struct dt_db_stmt *get = prep(t->db, "SELECT v FROM il WHERE id = ?");
	struct dt_db_stmt *walk2 = prep(t->db, "SELECT id FROM il WHERE id > ? ORDER BY id");
	int rows = 0;
	while (dt_db_step(walk) == DT_DB_ROW) {
		int64_t id = dt_db_column_int64(walk, 0);
		assert_int_equal(id, ++rows);
		dt_db_bind_int64(get, 1, 21 - id);
		assert_int_equal(dt_db_step(get), DT_DB_ROW);
		assert_int_equal(dt_db_column_int64(get, 0), (21 - id) * 10);
		dt_db_reset(get);
		/* a second walk, interleaved with the first */
		if (rows == 1)
			dt_db_bind_int64(walk2, 1, 10);
		if (rows <= 10) {
			assert_int_equal(dt_db_step(walk2), DT_DB_ROW);
			assert_int_equal(dt_db_column_int64(walk2, 0), 10 + rows);
		}
		assert_int_equal(dt_db_column_int64(walk, 1), id * 10);
	}
	assert_int_equal(rows, 20);
	assert_int_equal(dt_db_step(walk2), DT_DB_DONE);
	dt_db_finalize(walk);
	dt_db_finalize(walk2);
	dt_db_finalize(get);
	dt_db_finalize(ins);
}

/* A uniqueness failure is DT_DBE_UNIQUE naming its columns, and does not quote the value. */
static void test_unique(void **state)
{
	struct tdb *t = *state;
	exec_ok(t->db, "CREATE TABLE un (id INTEGER PRIMARY KEY, natid TEXT UNIQUE, b BIGINT, "
		       "\"c\" TEXT, region BIGINT, name TEXT, UNIQUE (b, c))");
	exec_ok(t->db, "INSERT INTO un (id, natid, b, c) VALUES (1, '110105199001011234', 1, 'x')");
	struct dt_db_stmt *ins =
		prep(t->db, "INSERT INTO un (id, natid, b, c) VALUES (?, ?, ?, ?)");
	dt_db_bind_int64(ins, 1, 2);
	dt_db_bind_text(ins, 2, "110105199001011234", -1);
	dt_db_bind_int64(ins, 3, 2);
	dt_db_bind_text(ins, 4, "x", -1);
	assert_int_equal(dt_db_step(ins), DT_DB_ERROR);
	assert_int_equal(dt_db_errclass(t->db), DT_DBE_UNIQUE);
	assert_string_equal(dt_db_errcols(t->db), "natid");
	assert_null(strstr(dt_db_errmsg(t->db), "110105199001011234"));
	dt_db_reset(ins);

	dt_db_bind_int64(ins, 1, 2);
	dt_db_bind_text(ins, 2, "other", -1);
	dt_db_bind_int64(ins, 3, 1);
	dt_db_bind_text(ins, 4, "x", -1);
	assert_int_equal(dt_db_step(ins), DT_DB_ERROR);
	assert_int_equal(dt_db_errclass(t->db), DT_DBE_UNIQUE);
	assert_string_equal(dt_db_errcols(t->db), "b,c");
	dt_db_reset(ins);

	/* the primary key */
	dt_db_bind_int64(ins, 1, 1);
	assert_int_equal(dt_db_step(ins), DT_DB_ERROR);
	assert_int_equal(dt_db_errclass(t->db), DT_DBE_UNIQUE);
	assert_string_equal(dt_db_errcols(t->db), "id");
	dt_db_reset(ins);

	/* and it still works */
	dt_db_bind_int64(ins, 1, 2);
	dt_db_bind_text(ins, 2, "other", -1);
	dt_db_bind_int64(ins, 3, 2);
	done(ins);
	dt_db_finalize(ins);

	if (!t->pg)
		return;
	/* an expression index: the column inside it */
	exec_ok(t->db, "CREATE UNIQUE INDEX un_region ON un (name, COALESCE(region, 0))");
	exec_ok(t->db, "INSERT INTO un (id, name) VALUES (10, 'n')");
	struct dt_db_stmt *dup = prep(t->db, "INSERT INTO un (id, name) VALUES (11, 'n')");
	assert_int_equal(dt_db_step(dup), DT_DB_ERROR);
	assert_int_equal(dt_db_errclass(t->db), DT_DBE_UNIQUE);
	assert_string_equal(dt_db_errcols(t->db), "name,region");
	dt_db_finalize(dup);
}

/* Foreign keys, NOT NULL and CHECK come back in their classes. */
static void test_constraints(void **state)
{
	struct tdb *t = *state;
	if (!t->pg)
		exec_ok(t->db, "PRAGMA foreign_keys = ON");
	exec_ok(t->db, "CREATE TABLE par (id INTEGER PRIMARY KEY)");
	exec_ok(t->db, "CREATE TABLE chi (id INTEGER PRIMARY KEY, par BIGINT REFERENCES par (id), "
		       "n BIGINT NOT NULL CHECK (n > 0))");
	exec_ok(t->db, "INSERT INTO par VALUES (1)");
	exec_ok(t->db, "INSERT INTO chi VALUES (1, 1, 1)");
	struct dt_db_stmt *ins = prep(t->db, "INSERT INTO chi (id, par, n) VALUES (?, ?, ?)");
	dt_db_bind_int64(ins, 1, 2);
	dt_db_bind_int64(ins, 2, 99);
	dt_db_bind_int64(ins, 3, 1);
	assert_int_equal(dt_db_step(ins), DT_DB_ERROR);
	assert_int_equal(dt_db_errclass(t->db), DT_DBE_FOREIGN_KEY);
	dt_db_reset(ins);
	dt_db_bind_int64(ins, 1, 2);
	dt_db_bind_int64(ins, 2, 1);
	assert_int_equal(dt_db_step(ins), DT_DB_ERROR); /* n NULL */
	assert_int_equal(dt_db_errclass(t->db), DT_DBE_CONSTRAINT);
	dt_db_reset(ins);
	dt_db_bind_int64(ins, 1, 2);
	dt_db_bind_int64(ins, 2, 1);
	dt_db_bind_int64(ins, 3, -5);
	assert_int_equal(dt_db_step(ins), DT_DB_ERROR);
	assert_int_equal(dt_db_errclass(t->db), DT_DBE_CONSTRAINT);
	dt_db_finalize(ins);

	struct dt_db_stmt *del = prep(t->db, "DELETE FROM par WHERE id = ?");
	dt_db_bind_int64(del, 1, 1);
	assert_int_equal(dt_db_step(del), DT_DB_ERROR);
	assert_int_equal(dt_db_errclass(t->db), DT_DBE_FOREIGN_KEY);
	dt_db_finalize(del);
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM par"), 1);

	/* a syntax error is OTHER, and exec says so with DT_EDB */
	struct dt_db_stmt *bad = dt_db_prepare(t->db, "SELEKT 1", &t->err); /* or at the step */
	if (bad) {
		assert_int_equal(dt_db_step(bad), DT_DB_ERROR);
		dt_db_finalize(bad);
	}
	assert_int_equal(dt_db_exec(t->db, "SELEKT 1", &t->err), DT_EDB);
	assert_int_equal(dt_db_errclass(t->db), DT_DBE_OTHER);
}

/* dt_db_changes counts the rows of the last INSERT, UPDATE or DELETE; a SELECT leaves it. */
static void test_changes(void **state)
{
	struct tdb *t = *state;
	exec_ok(t->db, "CREATE TABLE ch (id INTEGER PRIMARY KEY, v BIGINT)");
	exec_ok(t->db, "INSERT INTO ch VALUES (1, 1), (2, 1), (3, 1), (4, 2)");
	struct dt_db_stmt *up = prep(t->db, "UPDATE ch SET v = v + 10 WHERE v = ?");
	dt_db_bind_int64(up, 1, 1);
	done(up);
	assert_int_equal(dt_db_changes(t->db), 3);
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM ch"), 4);
	assert_int_equal(dt_db_changes(t->db), 3);
	dt_db_bind_int64(up, 1, 99);
	done(up);
	assert_int_equal(dt_db_changes(t->db), 0);
	dt_db_finalize(up);
	struct dt_db_stmt *ret = prep(t->db, "INSERT INTO ch (id, v) VALUES (?, 5) RETURNING id");
	dt_db_bind_int64(ret, 1, 9);
	assert_int_equal(dt_db_step(ret), DT_DB_ROW);
	assert_int_equal(dt_db_column_int64(ret, 0), 9);
	assert_int_equal(dt_db_step(ret), DT_DB_DONE);
	assert_int_equal(dt_db_changes(t->db), 1);
	dt_db_finalize(ret);
	struct dt_db_stmt *del = prep(t->db, "DELETE FROM ch WHERE v > ?");
	dt_db_bind_double(del, 1, 1.5);
	done(del);
	assert_int_equal(dt_db_changes(t->db), 5);
	dt_db_finalize(del);
	/* exec counts too: its last INSERT, UPDATE or DELETE */
	exec_ok(t->db, "INSERT INTO ch VALUES (20, 1), (21, 1); UPDATE ch SET v = 3");
	assert_int_equal(dt_db_changes(t->db), 2);
}

/* Transactions and savepoints as cached statements, each stepped more than once. */
static void test_transactions(void **state)
{
	struct tdb *t = *state;
	exec_ok(t->db, "CREATE TABLE tx (id INTEGER PRIMARY KEY)");
	struct dt_db_stmt *begin = prep(t->db, "BEGIN"), *commit = prep(t->db, "COMMIT"),
			  *rollback = prep(t->db, "ROLLBACK"), *sp = prep(t->db, "SAVEPOINT w"),
			  *release = prep(t->db, "RELEASE w"), *back = prep(t->db, "ROLLBACK TO w"),
			  *ins = prep(t->db, "INSERT INTO tx (id) VALUES (?)");
	for (int round = 0; round < 3; round++) {
		int base = round * 10;
		done(begin);
		dt_db_bind_int64(ins, 1, base + 1);
		done(ins);
		done(sp);
		dt_db_bind_int64(ins, 1, base + 2);
		done(ins);
		done(back); /* drops base + 2 */
		done(release);
		done(sp);
		dt_db_bind_int64(ins, 1, base + 3);
		done(ins);
		done(release); /* keeps base + 3 */
		done(commit);
		done(begin);
		dt_db_bind_int64(ins, 1, base + 4);
		done(ins);
		done(rollback);
	}
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM tx"), 6);
	assert_int_equal(one_int(t->db, "SELECT sum(id) FROM tx"), 1 + 3 + 11 + 13 + 21 + 23);
	/* a failed statement inside a savepoint: roll back to it, carry on, commit */
	done(begin);
	done(sp);
	dt_db_bind_int64(ins, 1, 1);
	assert_int_equal(dt_db_step(ins), DT_DB_ERROR);
	assert_int_equal(dt_db_errclass(t->db), DT_DBE_UNIQUE);
	dt_db_reset(ins);
	done(back);
	done(release);
	dt_db_bind_int64(ins, 1, 50);
	done(ins);
	done(commit);
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM tx"), 7);
	dt_db_finalize(begin);
	dt_db_finalize(commit);
	dt_db_finalize(rollback);
	dt_db_finalize(sp);
	dt_db_finalize(release);
	dt_db_finalize(back);
	dt_db_finalize(ins);
}

/* A row another connection holds makes a writer that will not wait fail busy. */
static void test_busy(void **state)
{
	struct tdb *t = *state;
	exec_ok(t->db, "CREATE TABLE bz (id INTEGER PRIMARY KEY, v BIGINT)");
	exec_ok(t->db, "INSERT INTO bz VALUES (1, 0)");
	struct dt_db *other = open2(t);
	dt_db_busy_timeout(other, 0);
	exec_ok(t->db, "BEGIN");
	exec_ok(t->db, "UPDATE bz SET v = 1 WHERE id = 1");
	struct dt_db_stmt *up = prep(other, "UPDATE bz SET v = 2 WHERE id = ?");
	dt_db_bind_int64(up, 1, 1);
	assert_int_equal(dt_db_step(up), DT_DB_ERROR);
	assert_int_equal(dt_db_errclass(other), DT_DBE_BUSY);
	dt_db_reset(up);
	exec_ok(t->db, "COMMIT");
	dt_db_bind_int64(up, 1, 1);
	done(up);
	dt_db_finalize(up);
	assert_int_equal(one_int(t->db, "SELECT v FROM bz"), 2);
	dt_db_close(other);
}

/* An advisory lock is held by one connection at a time (SQLite: always granted). */
static void test_try_lock(void **state)
{
	struct tdb *t = *state;
	struct dt_db *other = open2(t);
	bool got = false;
	assert_int_equal(dt_db_try_lock(t->db, 424242, &got, &t->err), DT_OK);
	assert_true(got);
	assert_int_equal(dt_db_try_lock(other, 424242, &got, &t->err), DT_OK);
	assert_true(got == !t->pg);
	/* another key is free */
	assert_int_equal(dt_db_try_lock(other, -7, &got, &t->err), DT_OK);
	assert_true(got);
	dt_db_unlock(t->db, 424242);
	assert_int_equal(dt_db_try_lock(other, 424242, &got, &t->err), DT_OK);
	assert_true(got);
	assert_int_equal(dt_db_try_lock(t->db, 424242, &got, &t->err), DT_OK);
	assert_true(got == !t->pg);
	dt_db_close(other); /* a session's locks end with it, once the server has seen it go */
	for (int k = 0; k < 100; k++) {
		assert_int_equal(dt_db_try_lock(t->db, 424242, &got, &t->err), DT_OK);
		if (got)
			break;
		usleep(20 * 1000);
	}
	assert_true(got);
	dt_db_unlock(t->db, 424242);
}

/* A notification reaches a connection listening on its channel (SQLite: none ever comes). */
static void test_notify(void **state)
{
	struct tdb *t = *state;
	struct dt_db *other = open2(t);
	struct dt_strbuf payload = DT_STRBUF_INIT;
	assert_int_equal(dt_db_listen(other, "dt_test_chan", &t->err), DT_OK);
	assert_int_equal(dt_db_notify(t->db, "dt_test_chan", "revoke:42 '双'", &t->err), DT_OK);
	assert_int_equal(dt_db_notify(t->db, "dt_other_chan", "nobody", &t->err), DT_OK);
	if (t->pg) {
		assert_int_equal(dt_db_wait_notify(other, 5000, &payload), 1);
		assert_string_equal(payload.buf, "revoke:42 '双'");
		/* in a transaction: delivered at commit only */
		exec_ok(t->db, "BEGIN");
		assert_int_equal(dt_db_notify(t->db, "dt_test_chan", "second", &t->err), DT_OK);
		assert_int_equal(dt_db_wait_notify(other, 100, &payload), 0);
		exec_ok(t->db, "COMMIT");
		assert_int_equal(dt_db_wait_notify(other, 5000, &payload), 1);
		assert_string_equal(payload.buf, "second");
		assert_int_equal(dt_db_listen(other, "Bad-Name; DROP", &t->err), DT_EINVAL);
	}
	assert_int_equal(dt_db_wait_notify(other, 50, &payload), 0);
	dt_strbuf_release(&payload);
	dt_db_close(other);
}

/* The server ends the session: the statement fails, no crash, and the next one reconnects. */
static void test_broken_connection(void **state)
{
	struct tdb *t = *state;
	if (!t->pg) {
		skip();
		return;
	}
	struct dt_db *killer = open2(t);
	exec_ok(t->db, "CREATE TABLE bk (id INTEGER PRIMARY KEY)");
	struct dt_db_stmt *pid = prep(t->db, "SELECT pg_backend_pid()");
	struct dt_db_stmt *ins = prep(t->db, "INSERT INTO bk (id) VALUES (?)");
	struct dt_db_stmt *kill = prep(killer, "SELECT pg_terminate_backend(CAST(? AS INTEGER))");
	for (int k = 1; k <= 2; k++) { /* ins prepared on the server */
		dt_db_bind_int64(ins, 1, k);
		done(ins);
	}
	assert_int_equal(dt_db_listen(t->db, "dt_test_back", &t->err), DT_OK);

	for (int in_txn = 0; in_txn < 2; in_txn++) {
		if (in_txn)
			exec_ok(t->db, "BEGIN");
		assert_int_equal(dt_db_step(pid), DT_DB_ROW);
		dt_db_bind_int64(kill, 1, dt_db_column_int64(pid, 0));
		dt_db_reset(pid);
		assert_int_equal(dt_db_step(kill), DT_DB_ROW);
		dt_db_reset(kill);
		usleep(100 * 1000);
		dt_db_bind_int64(ins, 1, 10 + in_txn);
		assert_int_equal(dt_db_step(ins), DT_DB_ERROR);
		assert_int_equal(dt_db_errclass(t->db), DT_DBE_OTHER);
		assert_true(strlen(dt_db_errmsg(t->db)) > 0);
		dt_db_reset(ins);
		if (in_txn) {
			/* the transaction is lost: nothing runs until it is rolled back */
			dt_db_bind_int64(ins, 1, 20);
			assert_int_equal(dt_db_step(ins), DT_DB_ERROR);
			dt_db_reset(ins);
			assert_int_equal(dt_db_exec(t->db, "COMMIT", &t->err), DT_EDB);
			exec_ok(t->db, "ROLLBACK");
		}
		dt_db_bind_int64(ins, 1, 30 + in_txn);
		done(ins);
		dt_db_bind_int64(ins, 1, 40 + in_txn);
		done(ins);
	}
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM bk"), 6);
	/* the channel is listened on again */
	assert_int_equal(dt_db_notify(killer, "dt_test_back", "again", &t->err), DT_OK);
	struct dt_strbuf payload = DT_STRBUF_INIT;
	assert_int_equal(dt_db_wait_notify(t->db, 5000, &payload), 1);
	assert_string_equal(payload.buf, "again");

	/* a listener that finds its connection broken says so once, then listens again */
	assert_int_equal(dt_db_step(pid), DT_DB_ROW);
	dt_db_bind_int64(kill, 1, dt_db_column_int64(pid, 0));
	dt_db_reset(pid);
	assert_int_equal(dt_db_step(kill), DT_DB_ROW);
	dt_db_reset(kill);
	assert_int_equal(dt_db_wait_notify(t->db, 5000, &payload), -1);
	assert_int_equal(dt_db_wait_notify(t->db, 50, &payload), 0); /* reconnected */
	assert_int_equal(dt_db_notify(killer, "dt_test_back", "third", &t->err), DT_OK);
	assert_int_equal(dt_db_wait_notify(t->db, 5000, &payload), 1);
	assert_string_equal(payload.buf, "third");
	dt_strbuf_release(&payload);
	dt_db_finalize(pid);
	dt_db_finalize(ins);
	dt_db_finalize(kill);
	dt_db_close(killer);
}

/*
 * PostgreSQL: whatever a database's own settings, a connection reads and
 * writes values the same way (backslashes plain in '...', ISO dates, UTC,
 * bytea as hex).
 */
static void test_server_settings(void **state)
{
	struct tdb *t = *state;
	if (!t->pg) {
		skip();
		return;
	}
	exec_ok(t->db, "DO $$ BEGIN "
		       "EXECUTE format('ALTER DATABASE %I SET standard_conforming_strings = off', "
		       "current_database()); "
		       "EXECUTE format('ALTER DATABASE %I SET DateStyle = ''SQL, DMY''', "
		       "current_database()); "
		       "EXECUTE format('ALTER DATABASE %I SET TimeZone = ''Asia/Shanghai''', "
		       "current_database()); "
		       "EXECUTE format('ALTER DATABASE %I SET bytea_output = escape', "
		       "current_database()); END $$");
	struct dt_db *db = open2(t);
	struct dt_db_stmt *st = prep(
		db, "SELECT 'a\\\\' AS a, ? AS b, CAST('2026-03-04' AS DATE) AS c, "
		    "CAST('2026-03-04 01:02:03+08' AS TIMESTAMPTZ) AS d, CAST(? AS BYTEA) AS e");
	dt_db_bind_int64(st, 1, 5);
	dt_db_bind_blob(st, 2, "\\0\\x", 4);
	int r = dt_db_step(st);
	exec_ok(t->db, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET ALL', "
		       "current_database()); END $$");
	assert_int_equal(r, DT_DB_ROW);
	assert_string_equal(dt_db_column_text(st, 0), "a\\\\");
	assert_int_equal(dt_db_column_int64(st, 1), 5);
	assert_string_equal(dt_db_column_text(st, 2), "2026-03-04");
	assert_string_equal(dt_db_column_text(st, 3), "2026-03-03 17:02:03+00");
	assert_int_equal(dt_db_column_bytes(st, 4), 4);
	assert_memory_equal(dt_db_column_blob(st, 4), "\\0\\x", 4);
	dt_db_finalize(st);
	dt_db_close(db);
}

/*
 * A table under a prepared statement changes shape (another server's
 * migration): the statement is prepared anew, not failing from then on.
 */
static void test_schema_change(void **state)
{
	struct tdb *t = *state;
	exec_ok(t->db, "CREATE TABLE sc (id INTEGER PRIMARY KEY, a TEXT)");
	exec_ok(t->db, "INSERT INTO sc VALUES (1, 'x')");
	struct dt_db_stmt *st = prep(t->db, "SELECT * FROM sc WHERE id = ?");
	struct dt_db *other = open2(t);
	for (int round = 0; round < 4; round++) {
		if (round == 2)
			exec_ok(other, "ALTER TABLE sc ADD COLUMN b TEXT");
		if (round == 3) {
			exec_ok(other, "ALTER TABLE sc ADD COLUMN c TEXT");
			exec_ok(t->db, "BEGIN");
		}
		dt_db_bind_int64(st, 1, 1);
		int r = dt_db_step(st);
		if (round == 3 && t->pg) {
			/* inside a transaction: this one fails, the next run is prepared anew */
			assert_int_equal(r, DT_DB_ERROR);
			dt_db_reset(st);
			exec_ok(t->db, "ROLLBACK");
			dt_db_bind_int64(st, 1, 1);
			r = dt_db_step(st);
		}
		assert_int_equal(r, DT_DB_ROW);
		assert_int_equal(dt_db_column_count(st), round < 2 ? 2 : round == 2 ? 3 : 4);
		assert_string_equal(dt_db_column_text(st, 1), "x");
		dt_db_reset(st);
		if (round == 3 && !t->pg)
			exec_ok(t->db, "ROLLBACK");
	}
	dt_db_finalize(st);
	dt_db_close(other);
}

/* ---- copies ---- */

/* The text of row @k of a copy: Chinese, and every character COPY's text format escapes. */
static void copy_text(int k, char *buf, size_t size)
{
	snprintf(buf, size, "双元培育 %d\t制\n表\r\\N \\x00 \\\\ '\"?$1 %s", k,
		 k % 7 ? "一二三四五六七八九十" : "");
}

/* dt_db_copy_begin_with's flags of the copies into cp (each test of them run with each) */
static unsigned cp_flags;

/* Begin a copy into cp (id, n, d, s, b), asserting it starts. */
static struct dt_db_copy *copy_cp(struct dt_db *db)
{
	static const char *const cols[] = { "id", "n", "d", "s", "b" };
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_db_copy *c = dt_db_copy_begin_with(db, "cp", cols, 5, cp_flags, &err);
	if (!c)
		fail_msg("copy_begin: %s", err.buf);
	dt_strbuf_release(&err);
	return c;
}

static void make_cp(struct tdb *t)
{
	char sql[256];
	exec_ok(t->db, "DROP TABLE IF EXISTS cp"); /* the group's tests share a database */
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE cp (id BIGINT PRIMARY KEY, n BIGINT, d %s, s TEXT UNIQUE, b %s)",
		 dia(t, "REAL", "DOUBLE PRECISION"), dia(t, "BLOB", "BYTEA"));
	exec_ok(t->db, sql);
}

/*
 * A copy writes what an INSERT would: int64 extremes, doubles, NULLs in every
 * column, text with tabs, newlines, backslashes and Chinese, blobs with NUL
 * bytes and backslashes, an empty blob - over several of the driver's
 * chunks (COPY's 64 KiB), and a second copy on the same connection after it.
 */
static void copy_rows(struct tdb *t);

/* ... in the text format, and typed: PostgreSQL's binary format, the same rows */
static void test_copy(void **state)
{
	struct tdb *t = *state;
	static const unsigned flags[] = { 0, DT_DB_COPY_TYPED,
					  DT_DB_COPY_TYPED | DT_DB_COPY_NO_SAVEPOINT };
	for (size_t i = 0; i < DT_ARRAY_SIZE(flags); i++) {
		cp_flags = flags[i];
		copy_rows(t);
	}
	cp_flags = 0;
}

static void copy_rows(struct tdb *t)
{
	make_cp(t);
	enum { N = 3000 };
	static const int64_t ints[] = { INT64_MIN, INT64_MAX, 0, -1, 4294967296LL };
	static const double dbls[] = { 0.1, -1e300, 1.0 / 3, 5e-324, 123456789.125 };
	unsigned char blob[300];
	for (size_t i = 0; i < sizeof(blob); i++)
		blob[i] = (unsigned char)(i * 7 + (i % 3 ? 0 : '\\'));
	for (int pass = 0; pass < 2; pass++) {
		struct dt_db_copy *c = copy_cp(t->db);
		for (int k = pass * N; k < (pass + 1) * N; k++) {
			char text[200];
			copy_text(k, text, sizeof(text));
			dt_db_copy_int64(c, k + 1);
			if (k % 11 == 1)
				dt_db_copy_null(c);
			else
				dt_db_copy_int64(c, ints[k % 5]);
			if (k % 13 == 2)
				dt_db_copy_null(c);
			else
				dt_db_copy_double(c, dbls[k % 5]);
			if (k % 17 == 3)
				dt_db_copy_null(c);
			else
				dt_db_copy_text(c, text, -1);
			if (k % 19 == 4)
				dt_db_copy_null(c);
			else
				dt_db_copy_blob(c, blob, k % 301);
			assert_true(dt_db_copy_row(c));
		}
		struct dt_strbuf err = DT_STRBUF_INIT;
		enum dt_err rc = dt_db_copy_end(c, false, &err);
		if (rc)
			fail_msg("copy_end: %s", err.buf);
		dt_strbuf_release(&err);
	}
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM cp"), 2 * N);
	struct dt_db_stmt *get = prep(t->db, "SELECT id, n, d, s, b FROM cp ORDER BY id");
	for (int k = 0; k < 2 * N; k++) {
		char text[200];
		copy_text(k, text, sizeof(text));
		assert_int_equal(dt_db_step(get), DT_DB_ROW);
		assert_int_equal(dt_db_column_int64(get, 0), k + 1);
		if (k % 11 == 1) {
			assert_int_equal(dt_db_column_type(get, 1), DT_DB_NULL);
		} else {
			assert_int_equal(dt_db_column_type(get, 1), DT_DB_INTEGER);
			assert_true(dt_db_column_int64(get, 1) == ints[k % 5]);
		}
		if (k % 13 == 2) {
			assert_int_equal(dt_db_column_type(get, 2), DT_DB_NULL);
		} else {
			assert_int_equal(dt_db_column_type(get, 2), DT_DB_FLOAT);
			assert_true(dt_db_column_double(get, 2) == dbls[k % 5]);
		}
		if (k % 17 == 3) {
			assert_int_equal(dt_db_column_type(get, 3), DT_DB_NULL);
		} else {
			assert_int_equal(dt_db_column_type(get, 3), DT_DB_TEXT);
			assert_string_equal(dt_db_column_text(get, 3), text);
		}
		if (k % 19 == 4) {
			assert_int_equal(dt_db_column_type(get, 4), DT_DB_NULL);
		} else {
			assert_int_equal(dt_db_column_type(get, 4), DT_DB_BLOB);
			assert_int_equal(dt_db_column_bytes(get, 4), k % 301);
			if (k % 301)
				assert_memory_equal(dt_db_column_blob(get, 4), blob,
						    (size_t)(k % 301));
		}
	}
	assert_int_equal(dt_db_step(get), DT_DB_DONE);
	dt_db_finalize(get);
}

/*
 * Copy @n rows into cp from id @from, the @bad-th (from 0; -1: none) with
 * the text of an existing row; what dt_db_copy_end() answers.
 */
static enum dt_err copy_with_bad_row(struct dt_db *db, int from, int n, int bad)
{
	struct dt_db_copy *c = copy_cp(db);
	for (int k = 0; k < n; k++) {
		char text[128];
		snprintf(text, sizeof(text), "身份证 %d %s", from + k,
			 "一二三四五六七八九十一二三四五六七八九十");
		dt_db_copy_int64(c, from + k);
		dt_db_copy_null(c);
		dt_db_copy_null(c);
		dt_db_copy_text(c, k == bad ? "110105199001011234" : text, -1);
		dt_db_copy_null(c);
		if (!dt_db_copy_row(c))
			break; /* SQLite: the row failed at once */
	}
	struct dt_strbuf err = DT_STRBUF_INIT;
	enum dt_err rc = dt_db_copy_end(c, false, &err);
	if (rc)
		assert_non_null(strstr(err.buf, "database error"));
	dt_strbuf_release(&err);
	return rc;
}

/*
 * A copy with a failing row writes none of its rows, says why as a unique
 * violation naming the column (not the value), and leaves the transaction
 * it is in usable - whether the row is the first, in the middle or after
 * several chunks have gone to the server.  Outside a transaction the same.
 * A row with too few or too many values, or an abandoned copy, writes
 * nothing either.
 */
static void copy_failing_row(struct tdb *t);

/* ... in the text format and typed (binary on PostgreSQL) alike */
static void test_copy_failing_row(void **state)
{
	struct tdb *t = *state;
	cp_flags = 0;
	copy_failing_row(t);
	cp_flags = DT_DB_COPY_TYPED;
	copy_failing_row(t);
	cp_flags = 0;
}

static void copy_failing_row(struct tdb *t)
{
	make_cp(t);
	exec_ok(t->db, "INSERT INTO cp (id, s) VALUES (1, '110105199001011234')");
	static const int bad[] = { 0, 500, 3999 };
	for (size_t i = 0; i < DT_ARRAY_SIZE(bad); i++) {
		exec_ok(t->db, "BEGIN");
		exec_ok(t->db, "INSERT INTO cp (id) VALUES (2)");
		assert_int_equal(copy_with_bad_row(t->db, 10, 4000, bad[i]), DT_EDB);
		assert_int_equal(dt_db_errclass(t->db), DT_DBE_UNIQUE);
		assert_string_equal(dt_db_errcols(t->db), "s");
		assert_null(strstr(dt_db_errmsg(t->db), "110105199001011234"));
		/* the transaction goes on: a good copy and an insert, then commit */
		assert_int_equal(copy_with_bad_row(t->db, 10, 100, -1), DT_OK);
		exec_ok(t->db, "INSERT INTO cp (id) VALUES (3)");
		exec_ok(t->db, "COMMIT");
		assert_int_equal(one_int(t->db, "SELECT count(*) FROM cp"), 1 + 2 + 100);
		assert_int_equal(one_int(t->db, "SELECT max(id) FROM cp"), 109);
		exec_ok(t->db, "DELETE FROM cp WHERE id > 1");
	}
	/* outside a transaction */
	assert_int_equal(copy_with_bad_row(t->db, 10, 4000, 2500), DT_EDB);
	assert_int_equal(dt_db_errclass(t->db), DT_DBE_UNIQUE);
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM cp"), 1);
	/* a row of the wrong length */
	for (int extra = -1; extra <= 1; extra += 2) {
		exec_ok(t->db, "BEGIN");
		struct dt_db_copy *c = copy_cp(t->db);
		dt_db_copy_int64(c, 20);
		dt_db_copy_null(c);
		dt_db_copy_null(c);
		dt_db_copy_null(c);
		dt_db_copy_null(c);
		assert_true(dt_db_copy_row(c));
		dt_db_copy_int64(c, 21);
		dt_db_copy_null(c);
		dt_db_copy_null(c);
		dt_db_copy_null(c);
		if (extra > 0) {
			dt_db_copy_null(c);
			dt_db_copy_null(c);
		}
		assert_false(dt_db_copy_row(c));
		assert_int_equal(dt_db_copy_end(c, false, &t->err), DT_EDB);
		assert_non_null(strstr(t->err.buf, "values for 5 columns"));
		exec_ok(t->db, "COMMIT");
		assert_int_equal(one_int(t->db, "SELECT count(*) FROM cp"), 1);
	}
	/* abandoned */
	exec_ok(t->db, "BEGIN");
	struct dt_db_copy *c = copy_cp(t->db);
	for (int k = 0; k < 3; k++) {
		dt_db_copy_int64(c, 30 + k);
		dt_db_copy_int64(c, k);
		dt_db_copy_double(c, 0.5);
		dt_db_copy_text(c, "作废", -1);
		dt_db_copy_blob(c, "\0", 1);
		dt_db_copy_row(c);
	}
	assert_int_equal(dt_db_copy_end(c, true, &t->err), DT_OK);
	exec_ok(t->db, "INSERT INTO cp (id) VALUES (40)");
	exec_ok(t->db, "COMMIT");
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM cp"), 2);
	/* into a table that is not there */
	static const char *const cols[] = { "id" };
	assert_null(dt_db_copy_begin(t->db, "no_such_table", cols, 1, &t->err));
	assert_int_equal(dt_db_copy_end(NULL, false, &t->err), DT_EDB);
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM cp"), 2);
}

/* Begin a typed copy into @table's @cols; NULL (the error in t->err) if it cannot start. */
static struct dt_db_copy *typed(struct tdb *t, const char *table, const char *const *cols,
				int ncols, unsigned flags)
{
	return dt_db_copy_begin_with(t->db, table, cols, ncols, DT_DB_COPY_TYPED | flags, &t->err);
}

/*
 * A typed copy: into integer and smallint columns (their binary widths:
 * a value out of range fails it, writing nothing), into a column of a type
 * without a binary form (a date: the text format then), a value of another
 * kind than its column's (PostgreSQL: refused; SQLite takes any), the types
 * read again after a schema change on the same connection; and without a
 * savepoint, a failure that the caller rolls back.
 */
static void test_copy_typed(void **state)
{
	struct tdb *t = *state;
	static const char *const cols[] = { "id", "i", "sm", "v" };
	exec_ok(t->db, "CREATE TABLE ty (id BIGINT PRIMARY KEY, i INTEGER, sm SMALLINT, "
		       "v VARCHAR(20))");
	static const int64_t is[] = { INT32_MIN, INT32_MAX, 0, -1 };
	static const int64_t sms[] = { INT16_MIN, INT16_MAX, 7, -1 };
	struct dt_db_copy *c = typed(t, "ty", cols, 4, 0);
	assert_non_null(c);
	for (int k = 0; k < 4; k++) {
		dt_db_copy_int64(c, k + 1);
		dt_db_copy_int64(c, is[k]);
		dt_db_copy_int64(c, sms[k]);
		if (k == 3)
			dt_db_copy_null(c);
		else
			dt_db_copy_text(c, "变长 \t\n", -1);
		assert_true(dt_db_copy_row(c));
	}
	assert_int_equal(dt_db_copy_end(c, false, &t->err), DT_OK);
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM ty"), 4);
	assert_int_equal(one_int(t->db, "SELECT sum(i) FROM ty WHERE id < 3"), -1);
	assert_int_equal(one_int(t->db, "SELECT sum(sm) FROM ty WHERE id < 3"), -1);
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM ty WHERE v = '变长 \t\n'"), 3);
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM ty WHERE v IS NULL"), 1);

	if (t->pg) {
		/* out of range for the column (SQLite has no widths) */
		for (int col = 1; col <= 2; col++) {
			c = typed(t, "ty", cols, 4, 0);
			dt_db_copy_int64(c, 10);
			dt_db_copy_int64(c, col == 1 ? (int64_t)INT32_MAX + 1 : 0);
			dt_db_copy_int64(c, col == 2 ? INT16_MIN - 1 : 0);
			dt_db_copy_null(c);
			assert_false(dt_db_copy_row(c));
			assert_int_equal(dt_db_copy_end(c, false, &t->err), DT_EDB);
			assert_non_null(strstr(t->err.buf, "out of range"));
		}
		/* a value of another kind: text into an integer column, an integer into text */
		for (int col = 1; col <= 3; col += 2) {
			exec_ok(t->db, "BEGIN");
			c = typed(t, "ty", cols, 4, 0);
			dt_db_copy_int64(c, 11);
			if (col == 1)
				dt_db_copy_text(c, "12", -1);
			else
				dt_db_copy_int64(c, 12);
			dt_db_copy_int64(c, 0);
			if (col == 3)
				dt_db_copy_int64(c, 12);
			else
				dt_db_copy_null(c);
			assert_false(dt_db_copy_row(c));
			assert_int_equal(dt_db_copy_end(c, false, &t->err), DT_EDB);
			assert_non_null(strstr(t->err.buf, "typed copy"));
			exec_ok(t->db, "INSERT INTO ty (id) VALUES (20)"); /* usable */
			exec_ok(t->db, "COMMIT");
			exec_ok(t->db, "DELETE FROM ty WHERE id = 20");
		}
		assert_int_equal(one_int(t->db, "SELECT count(*) FROM ty"), 4);
	}

	/* a date column: no binary form, the text format reads the text */
	static const char *const dcols[] = { "id", "day" };
	exec_ok(t->db, dia(t, "CREATE TABLE dy (id INTEGER PRIMARY KEY, day TEXT)",
			   "CREATE TABLE dy (id BIGINT PRIMARY KEY, day DATE)"));
	c = typed(t, "dy", dcols, 2, 0);
	assert_non_null(c);
	dt_db_copy_int64(c, 1);
	dt_db_copy_text(c, "2026-11-26", -1);
	assert_true(dt_db_copy_row(c));
	assert_int_equal(dt_db_copy_end(c, false, &t->err), DT_OK);
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM dy WHERE day = '2026-11-26'"), 1);

	/* the same table made again with other types, on the same connection */
	exec_ok(t->db, "DROP TABLE ty");
	exec_ok(t->db, "CREATE TABLE ty (id BIGINT PRIMARY KEY, i TEXT, sm BIGINT, v BIGINT)");
	c = typed(t, "ty", cols, 4, 0);
	assert_non_null(c);
	dt_db_copy_int64(c, 1);
	dt_db_copy_text(c, "一", -1);
	dt_db_copy_int64(c, INT64_MAX);
	dt_db_copy_int64(c, INT64_MIN);
	assert_true(dt_db_copy_row(c));
	assert_int_equal(dt_db_copy_end(c, false, &t->err), DT_OK);
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM ty WHERE i = '一'"), 1);
	assert_true(one_int(t->db, "SELECT sm FROM ty") == INT64_MAX);
	assert_true(one_int(t->db, "SELECT v FROM ty") == INT64_MIN);

	/* no savepoint: a good copy commits; a failed one is rolled back whole by the caller */
	exec_ok(t->db, "BEGIN");
	c = typed(t, "ty", cols, 4, DT_DB_COPY_NO_SAVEPOINT);
	for (int k = 2; k <= 3; k++) {
		dt_db_copy_int64(c, k);
		dt_db_copy_null(c);
		dt_db_copy_null(c);
		dt_db_copy_null(c);
		assert_true(dt_db_copy_row(c));
	}
	assert_int_equal(dt_db_copy_end(c, false, &t->err), DT_OK);
	exec_ok(t->db, "COMMIT");
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM ty"), 3);
	exec_ok(t->db, "BEGIN");
	exec_ok(t->db, "INSERT INTO ty (id) VALUES (9)");
	c = typed(t, "ty", cols, 4, DT_DB_COPY_NO_SAVEPOINT);
	for (int k = 4; k <= 6; k++) {
		dt_db_copy_int64(c, k == 5 ? 1 : k); /* a taken id */
		dt_db_copy_null(c);
		dt_db_copy_null(c);
		dt_db_copy_null(c);
		if (!dt_db_copy_row(c))
			break;
	}
	assert_int_equal(dt_db_copy_end(c, false, &t->err), DT_EDB);
	assert_int_equal(dt_db_errclass(t->db), DT_DBE_UNIQUE);
	exec_ok(t->db, "ROLLBACK");
	assert_int_equal(one_int(t->db, "SELECT count(*) FROM ty"), 3);
}

/* Without a server to test on: say so, and fail in CI. */
/* Receive the next sent run of @st: its single integer, or -1 when it has no row. */
static int64_t received(struct dt_db_stmt *st)
{
	int r = dt_db_receive(st);
	if (r == DT_DB_DONE) {
		dt_db_reset(st);
		return -1;
	}
	if (r != DT_DB_ROW)
		fail_msg("receive: %d (%s)", r, dt_db_errmsg(cur_db));
	int64_t v = dt_db_column_int64(st, 0);
	assert_int_equal(dt_db_step(st), DT_DB_DONE);
	dt_db_reset(st);
	return v;
}

/*
 * Sent runs: received in the order sent, each with its own bindings, across
 * statements, with several rows, whatever runs on the connection between;
 * a run that fails fails alone (and those after it in its pipeline), and
 * the connection goes on; a finalized statement's run is dropped; more runs
 * than one pipeline holds.  SQLite cannot send.
 */
static void test_sent_runs(void **state)
{
	struct tdb *t = *state;
	if (!t->pg) {
		assert_false(dt_db_can_send(t->db));
		struct dt_db_stmt *st = prep(t->db, "SELECT 1");
		assert_int_not_equal(dt_db_send(st, &t->err), DT_OK);
		assert_int_equal(dt_db_receive(st), DT_DB_ERROR);
		dt_db_finalize(st);
		return;
	}
	assert_true(dt_db_can_send(t->db));
	exec_ok(t->db, "CREATE TABLE sr (id INTEGER PRIMARY KEY, v BIGINT, t TEXT)");
	exec_ok(t->db, "INSERT INTO sr VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'b')");
	struct dt_db_stmt *get = prep(t->db, "SELECT v FROM sr WHERE id = ?");
	struct dt_db_stmt *by_t = prep(t->db, "SELECT id FROM sr WHERE t = ? ORDER BY id");
	struct dt_db_stmt *div = prep(t->db, "SELECT 10 / CAST(? AS INTEGER)");
	for (int round = 0; round < 3; round++) {
		if (round == 2)
			exec_ok(t->db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
		int64_t ids[] = { 1, 2, 99, 3 };
		for (int k = 0; k < 4; k++) {
			dt_db_bind_int64(get, 1, ids[k]);
			assert_int_equal(dt_db_send(get, &t->err), DT_OK);
			dt_db_reset(get);
			if (k == 1) {
				dt_db_bind_text(by_t, 1, "b", -1);
				assert_int_equal(dt_db_send(by_t, &t->err), DT_OK);
				dt_db_reset(by_t);
			}
		}
		/* round 1: something else runs first, and takes the results in */
		if (round == 1)
			assert_int_equal(one_int(t->db, "SELECT count(*) FROM sr"), 3);
		assert_int_equal(received(get), 10);
		assert_int_equal(received(get), 20);
		assert_int_equal(dt_db_receive(by_t), DT_DB_ROW);
		assert_int_equal(dt_db_column_int64(by_t, 0), 2);
		assert_int_equal(dt_db_step(by_t), DT_DB_ROW);
		assert_int_equal(dt_db_column_int64(by_t, 0), 3);
		assert_int_equal(dt_db_step(by_t), DT_DB_DONE);
		dt_db_reset(by_t);
		assert_int_equal(received(get), -1);
		assert_int_equal(received(get), 30);
		if (round == 2)
			exec_ok(t->db, "COMMIT");
	}
	/* out of order: refused, and the run stays to be received */
	dt_db_bind_int64(get, 1, 1);
	assert_int_equal(dt_db_send(get, &t->err), DT_OK);
	dt_db_reset(get);
	assert_int_equal(dt_db_receive(by_t), DT_DB_ERROR);
	dt_db_reset(by_t);
	assert_int_equal(received(get), 10);
	/* a failure: that run and the later ones of its pipeline fail, then all is well */
	dt_db_bind_int64(get, 1, 1);
	assert_int_equal(dt_db_send(get, &t->err), DT_OK);
	dt_db_reset(get);
	dt_db_bind_int64(div, 1, 0);
	assert_int_equal(dt_db_send(div, &t->err), DT_OK);
	dt_db_reset(div);
	dt_db_bind_int64(get, 1, 2);
	assert_int_equal(dt_db_send(get, &t->err), DT_OK);
	dt_db_reset(get);
	assert_int_equal(received(get), 10);
	assert_int_equal(dt_db_receive(div), DT_DB_ERROR);
	assert_true(strstr(dt_db_errmsg(t->db), "division by zero") != NULL);
	dt_db_reset(div);
	assert_int_equal(dt_db_receive(get), DT_DB_ERROR);
	dt_db_reset(get);
	dt_db_bind_int64(div, 1, 5);
	assert_int_equal(dt_db_step(div), DT_DB_ROW);
	assert_int_equal(dt_db_column_int64(div, 0), 2);
	dt_db_reset(div);
	/* a finalized statement's runs are dropped; the others are received */
	struct dt_db_stmt *gone = prep(t->db, "SELECT v FROM sr WHERE id = ?");
	dt_db_bind_int64(gone, 1, 1);
	assert_int_equal(dt_db_send(gone, &t->err), DT_OK);
	dt_db_bind_int64(get, 1, 3);
	assert_int_equal(dt_db_send(get, &t->err), DT_OK);
	dt_db_reset(get);
	dt_db_finalize(gone);
	assert_int_equal(received(get), 30);
	/* more runs than one pipeline holds: in order all the same */
	for (int k = 0; k < 700; k++) {
		dt_db_bind_int64(get, 1, k % 4 + 1);
		assert_int_equal(dt_db_send(get, &t->err), DT_OK);
		dt_db_reset(get);
	}
	for (int k = 0; k < 700; k++)
		assert_int_equal(received(get), k % 4 == 3 ? -1 : (k % 4 + 1) * 10);
	dt_db_finalize(get);
	dt_db_finalize(by_t);
	dt_db_finalize(div);
}

static void test_pg_skipped(void **state)
{
	(void)state;
	fail_msg("DUALTRACK_TEST_PG is not set: the PostgreSQL half of test_db did not run (set it "
		 "to the URI that scripts/pgtmp.sh start prints)");
}

int main(void)
{
	setenv("DUALTRACK_LOG_LEVEL", "error", 1);
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_missing),      T(test_placeholders),
		T(test_round_trip),        T(test_rebind),
		T(test_interleaved),       T(test_unique),
		T(test_constraints),       T(test_changes),
		T(test_transactions),      T(test_busy),
		T(test_try_lock),          T(test_notify),
		T(test_broken_connection), T(test_server_settings),
		T(test_schema_change),     T(test_copy),
		T(test_copy_failing_row),  T(test_copy_typed),
		T(test_sent_runs),
	};
#undef T
	int failed =
		cmocka_run_group_tests_name("sqlite", tests, lite_group_setup, lite_group_teardown);
	const char *pg = getenv("DUALTRACK_TEST_PG"), *ci = getenv("CI");
	if (pg && *pg) {
		failed += cmocka_run_group_tests_name("postgresql", tests, pg_group_setup,
						      pg_group_teardown);
	} else if (ci && !strcmp(ci, "true")) {
		const struct CMUnitTest skipped[] = { cmocka_unit_test(test_pg_skipped) };
		failed += cmocka_run_group_tests_name("postgresql", skipped, NULL, NULL);
	} else {
		printf("test_db: DUALTRACK_TEST_PG is not set: the PostgreSQL half was skipped\n");
	}
	return failed;
}
