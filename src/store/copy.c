/*
 * copy.c - move a whole pilot from one database to another (SQLite to
 * PostgreSQL, or back): every table row for row, ids kept, the audit chain
 * as it is, in one transaction on the target, then checked.
 *
 * The target must be a new database: opened (and made) here, so that its
 * schema is this dualtrack's, and empty.  Tables are copied in an order that
 * honours their foreign keys (copy_tables[]); a table of the source that the
 * list does not name stops the copy before anything is written, so that a
 * table added by a later migration is never left behind.  Region rows make
 * their region_up rows on the target by trigger, and the fact tables' rows
 * their aggregates, as any write does; the aggregate tables themselves are
 * not copied.  Before commit the identity sequences move past the copied
 * ids (PostgreSQL).  After commit the target's audit chain is verified from
 * its first event to its head, which must be the source's, and every
 * table's row count must equal the source's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "core/banned.h"

/*
 * Every table of the schema, parents before children, and minimum wages
 * before contracts (a wage row's triggers recompute the contracts of its
 * region: there are none yet).  Tables made and kept
 * by the target itself are marked derived: region_up (region's triggers),
 * agg, agg_year, agg_delta, mentor_load and enterprise_load (the fact
 * tables' triggers).
 */
static const struct copy_table {
	const char *name;
	bool derived;
} copy_tables[] = {
	{ "meta", false },           { "region", false },      { "min_wage", false },
	{ "occupation", false },     { "pilot", false },       { "organization", false },
	{ "programme", false },      { "partnership", false }, { "demand", false },
	{ "place", false },          { "trainee", false },     { "contract", false },
	{ "record_entry", false },   { "assessment", false },  { "outcome", false },
	{ "account", false },        { "credential", false },  { "pilot_task", false },
	{ "target", false },         { "alert", false },       { "job", false },
	{ "audit", false },          { "region_up", true },    { "agg", true },
	{ "agg_year", true },        { "agg_delta", true },    { "mentor_load", true },
	{ "enterprise_load", true },
};

/* Meta keys that belong to the database they are in, not to the pilot. */
static bool meta_own(const char *key)
{
	return key && !strcmp(key, "schema_version");
}

static const struct copy_table *find_table(const char *name)
{
	for (size_t i = 0; i < DT_ARRAY_SIZE(copy_tables); i++)
		if (!strcmp(copy_tables[i].name, name))
			return &copy_tables[i];
	return NULL;
}

/* The user tables of @s's database, one per row of a statement: dialect. */
static const char *tables_sql(const struct dt_store *s)
{
	return dt_db_dialect(s->db) == DT_DB_PGSQL
		       ? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
			 "ORDER BY 1"
		       : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
			 "'sqlite_%' ORDER BY 1";
}

/*
 * Every table of @s must be one the copy knows.  With @empty, every table
 * that is copied must also be empty (a target that holds a pilot already).
 */
static enum dt_err check_tables(struct dt_store *s, const char *which, bool empty,
				struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_db_prepare(s->db, tables_sql(s), err);
	if (!st)
		return DT_EDB;
	int rc = DT_OK, r;
	while (rc == DT_OK && (r = dt_db_step(st)) == DT_DB_ROW) {
		const char *name = dt_db_column_text(st, 0);
		const struct copy_table *t = find_table(name);
		if (!t) {
			rc = dt_error(
				err, DT_EINVAL,
				"%s: table %s is not one that `copy` knows; this dualtrack is "
				"older than the database",
				which, name);
			break;
		}
		if (!empty || t->derived || !strcmp(name, "meta"))
			continue;
		char sql[96];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", name);
		struct dt_db_stmt *q = dt_sql_prepare(s, sql, err);
		if (!q)
			rc = DT_EDB;
		else if (dt_db_step(q) == DT_DB_ROW && dt_db_column_int64(q, 0) > 0)
			rc = dt_error(err, DT_ECONFLICT,
				      "%s already holds data (table %s): copy into a new, empty "
				      "database",
				      which, name);
		if (q)
			dt_db_reset(q);
	}
	dt_db_finalize(st);
	return rc;
}

static int64_t count_rows(struct dt_store *s, const char *table)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, NULL);
	int64_t n = -1;
	if (st && dt_db_step(st) == DT_DB_ROW)
		n = dt_db_column_int64(st, 0);
	if (st)
		dt_db_reset(st);
	return n;
}

/*
 * Rows go to the target BATCH_ROWS at a time in one INSERT (at most
 * BATCH_PARAMS parameters): one round trip per batch to PostgreSQL instead
 * of one per row.  The values of a batch are copied out of the source's
 * statement, whose text and blobs last only until its next step.
 */
#define BATCH_ROWS 200
#define BATCH_PARAMS 30000

struct value {
	enum dt_db_type type;
	int64_t i;
	double d;
	void *p; /* text (NUL-ended) or blob, malloc'd */
	int n;
};

struct batch {
	const char *table;
	struct dt_strbuf head; /* "INSERT INTO t(cols) VALUES " */
	int ncols, max, rows;
	struct value *v; /* max * ncols */
};

static void batch_clear(struct batch *b)
{
	for (int i = 0; i < b->rows * b->ncols; i++) {
		free(b->v[i].p);
		b->v[i].p = NULL;
	}
	b->rows = 0;
}

/* Insert the batch's rows in one statement. */
static enum dt_err batch_flush(struct dt_store *to, struct batch *b, struct dt_strbuf *err)
{
	if (!b->rows)
		return DT_OK;
	struct dt_strbuf sql = DT_STRBUF_INIT;
	dt_strbuf_add(&sql, b->head.buf, b->head.len);
	for (int r = 0; r < b->rows; r++) {
		dt_strbuf_adds(&sql, r ? ", (" : "(");
		for (int c = 0; c < b->ncols; c++)
			dt_strbuf_adds(&sql, c ? ", ?" : "?");
		dt_strbuf_adds(&sql, ")");
	}
	/* the target's own key_fingerprint (written at open) gives way */
	if (!strcmp(b->table, "meta"))
		dt_strbuf_adds(&sql, " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	int rc = DT_OK;
	struct dt_db_stmt *ins = dt_strbuf_ok(&sql) ? dt_sql_prepare(to, sql.buf, err) : NULL;
	if (!ins) {
		rc = dt_strbuf_ok(&sql) ? DT_EDB : dt_error(err, DT_ENOMEM, "out of memory");
	} else {
		for (int k = 0; k < b->rows * b->ncols; k++) {
			struct value *v = &b->v[k];
			switch (v->type) {
			case DT_DB_INTEGER: dt_db_bind_int64(ins, k + 1, v->i); break;
			case DT_DB_FLOAT: dt_db_bind_double(ins, k + 1, v->d); break;
			case DT_DB_TEXT: dt_db_bind_text(ins, k + 1, v->p, v->n); break;
			case DT_DB_BLOB: dt_db_bind_blob(ins, k + 1, v->p, v->n); break;
			default: dt_db_bind_null(ins, k + 1); break;
			}
		}
		if (dt_db_step(ins) != DT_DB_DONE)
			rc = dt_sql_error(to, b->table, err);
		dt_db_reset(ins);
	}
	dt_strbuf_release(&sql);
	batch_clear(b);
	return rc;
}

/* Keep @n bytes at @p as value @v (a copy); false when out of memory. */
static bool keep(struct value *v, enum dt_db_type type, const void *p, int n)
{
	v->type = type;
	v->n = n;
	v->p = malloc((size_t)n + 1);
	if (!v->p)
		return false;
	if (n)
		memcpy(v->p, p, (size_t)n);
	((char *)v->p)[n] = 0;
	return true;
}

/* Add the source's current row to the batch (audit hashes kept as hex become bytes). */
static bool batch_add(struct batch *b, struct dt_db_stmt *row)
{
	struct value *vals = &b->v[b->rows * b->ncols];
	for (int c = 0; c < b->ncols; c++) {
		struct value *v = &vals[c];
		memset(v, 0, sizeof(*v));
		enum dt_db_type type = dt_db_column_type(row, c);
		const char *col = dt_db_column_name(row, c);
		unsigned char hash[32];
		/* an audit hash kept as hex text (SQLite, before migration 007): its bytes */
		if (type == DT_DB_TEXT && !strcmp(b->table, "audit") &&
		    !strcmp(col, "hash") &&
		    dt_audit_column_hash(row, c, hash)) {
			if (!keep(v, DT_DB_BLOB, hash, 32))
				return false;
			continue;
		}
		switch (type) {
		case DT_DB_INTEGER:
			v->type = type;
			v->i = dt_db_column_int64(row, c);
			break;
		case DT_DB_FLOAT:
			v->type = type;
			v->d = dt_db_column_double(row, c);
			break;
		case DT_DB_TEXT: {
			const char *t = dt_db_column_text(row, c);
			if (!keep(v, type, t, (int)strlen(t)))
				return false;
			break;
		}
		case DT_DB_BLOB:
			if (!keep(v, type, dt_db_column_blob(row, c), dt_db_column_bytes(row, c)))
				return false;
			break;
		default: v->type = DT_DB_NULL; break;
		}
	}
	b->rows++;
	return true;
}

/* Copy table @t in batches; *@done counts rows for the progress. */
static enum dt_err copy_table(struct dt_store *from, struct dt_store *to, const char *t,
			      int64_t *done, int64_t total,
			      void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
			      struct dt_strbuf *err)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY %s", t,
		 !strcmp(t, "meta") ? "key" : "id");
	struct dt_db_stmt *row = dt_db_prepare(from->db, sql, err);
	if (!row)
		return DT_EDB;
	struct batch b = { t, DT_STRBUF_INIT, 0, 0, 0, NULL };
	int rc = DT_OK, r;
	while (rc == DT_OK && (r = dt_db_step(row)) == DT_DB_ROW) {
		if (!b.v) {
			b.ncols = dt_db_column_count(row);
			b.max = BATCH_PARAMS / (b.ncols ? b.ncols : 1);
			if (b.max > BATCH_ROWS)
				b.max = BATCH_ROWS;
			b.v = calloc((size_t)b.max * (size_t)b.ncols, sizeof(*b.v));
			if (!b.v) {
				rc = dt_error(err, DT_ENOMEM, "out of memory");
				break;
			}
			dt_strbuf_addf(&b.head, "INSERT INTO %s(", t);
			for (int c = 0; c < b.ncols; c++)
				dt_strbuf_addf(&b.head, "%s%s", c ? ", " : "",
					       dt_db_column_name(row, c));
			dt_strbuf_adds(&b.head, ") VALUES ");
		}
		if (!strcmp(t, "meta") && meta_own(dt_db_column_text(row, 0)))
			continue;
		if (!batch_add(&b, row)) {
			rc = dt_error(err, DT_ENOMEM, "out of memory");
			break;
		}
		if (b.rows == b.max)
			rc = batch_flush(to, &b, err);
		if ((++*done & 1023) == 0 && progress)
			progress(ctx, *done, total);
	}
	if (rc == DT_OK && r != DT_DB_DONE)
		rc = dt_sql_error(from, t, err);
	if (rc == DT_OK)
		rc = batch_flush(to, &b, err);
	if (b.v)
		batch_clear(&b);
	free(b.v);
	dt_strbuf_release(&b.head);
	dt_db_finalize(row);
	return rc;
}

/* On PostgreSQL, move @t's identity sequence past its highest id: dialect. */
static enum dt_err move_sequence(struct dt_store *to, const char *t, struct dt_strbuf *err)
{
	if (dt_db_dialect(to->db) != DT_DB_PGSQL || !strcmp(t, "meta"))
		return DT_OK;
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT setval(s, (SELECT max(id) FROM %s)) FROM (SELECT "
		 "pg_get_serial_sequence('%s', 'id') AS s) q WHERE s IS NOT NULL AND "
		 "EXISTS (SELECT 1 FROM %s)",
		 t, t, t);
	struct dt_db_stmt *st = dt_sql_prepare(to, sql, err);
	if (!st)
		return DT_EDB;
	int r = dt_db_step(st);
	dt_db_reset(st);
	return r == DT_DB_ROW || r == DT_DB_DONE ? DT_OK : dt_sql_error(to, t, err);
}

enum dt_err dt_store_copy(struct dt_store *from, struct dt_store *to, struct dt_copy_stats *stats,
			  void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
			  struct dt_strbuf *err)
{
	memset(stats, 0, sizeof(*stats));
	int rc = check_tables(from, "the source", false, err);
	if (rc == DT_OK)
		rc = check_tables(to, "the target", true, err);
	if (rc != DT_OK)
		return rc;
	if (dt_store_schema_version(from) != dt_store_schema_version(to))
		return dt_error(err, DT_EINVAL,
				"the source's schema is version %d, this dualtrack's %d: open the "
				"source with this dualtrack once (it upgrades it), then copy",
				dt_store_schema_version(from), dt_store_schema_version(to));
	/* The source as one snapshot: a server writing meanwhile changes nothing here. */
	rc = dt_store_snapshot_begin(from, err);
	int64_t total = 0, done = 0;
	for (size_t i = 0; rc == DT_OK && i < DT_ARRAY_SIZE(copy_tables); i++)
		if (!copy_tables[i].derived)
			total += count_rows(from, copy_tables[i].name);
	if (rc == DT_OK)
		rc = dt_store_begin(to, err);
	if (rc != DT_OK) {
		dt_store_snapshot_end(from);
		return rc;
	}
	for (size_t i = 0; rc == DT_OK && i < DT_ARRAY_SIZE(copy_tables); i++) {
		const char *t = copy_tables[i].name;
		if (copy_tables[i].derived)
			continue;
		rc = copy_table(from, to, t, &done, total, progress, ctx, err);
		if (rc == DT_OK)
			rc = move_sequence(to, t, err);
		if (rc != DT_OK && err) {
			struct dt_strbuf why = DT_STRBUF_INIT;
			dt_strbuf_adds(&why, err->buf);
			dt_strbuf_setf(err, "copying table %s: %s", t, why.buf);
			dt_strbuf_release(&why);
		}
	}
	if (rc == DT_OK)
		rc = dt_store_commit(to, err);
	else
		dt_store_rollback(to);
	if (progress)
		progress(ctx, done, total);
	stats->rows = done;
	/* Checked on what was committed: counts, then the chain. */
	for (size_t i = 0; rc == DT_OK && i < DT_ARRAY_SIZE(copy_tables); i++) {
		const char *t = copy_tables[i].name;
		if (copy_tables[i].derived || !strcmp(t, "meta"))
			continue;
		int64_t a = count_rows(from, t), b = count_rows(to, t);
		if (a != b)
			rc = dt_error(
				err, DT_ECORRUPT,
				"after the copy, table %s has %lld rows on the target and %lld "
				"on the source",
				t, (long long)b, (long long)a);
	}
	dt_store_snapshot_end(from);
	/* The chain recomputes from its first event to the copied head (meta's audit_head). */
	if (rc == DT_OK)
		rc = dt_store_audit_verify(to, &stats->events, err);
	return rc;
}
