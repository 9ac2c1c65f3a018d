/*
 * copy.c - move a whole pilot from one database to another (SQLite to
 * PostgreSQL, or back): every table row for row, ids kept, the audit chain
 * as it is, in one transaction on the target, then checked.  Each table
 * goes in one copy (db.h: a COPY on PostgreSQL, streamed without a round
 * trip per row or batch).
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
 * agg, agg_year, agg_delta, agg_key, mentor_load and enterprise_load (the
 * fact tables' triggers and the flush), portal_state (its one row made by migration 016 and
 * bumped by the triggers of what the portal shows).
 */
static const struct copy_table {
	const char *name;
	bool derived;
} copy_tables[] = {
	{ "meta", false },
	{ "region", false },
	{ "min_wage", false },
	{ "occupation", false },
	{ "pilot", false },
	{ "organization", false },
	{ "mentor", false },
	{ "programme", false },
	{ "partnership", false },
	{ "demand", false },
	{ "place", false },
	{ "trainee", false },
	{ "contract", false },
	{ "record_entry", false },
	{ "assessment", false },
	{ "outcome", false },
	{ "account", false },
	{ "credential", false },
	{ "account_profile", false },
	{ "notification", false },
	{ "notify_outbox", false },
	{ "notify_pref", false },
	{ "pilot_task", false },
	{ "target", false },
	{ "alert", false },
	{ "job", false },
	{ "inspection_plan", false },
	{ "plan_check", false },
	{ "plan_inspector", false },
	{ "plan_candidate", false },
	{ "inspection", false },
	{ "inspection_check", false },
	{ "finding", false },
	{ "rectification", false },
	{ "attachment", false },
	{ "attachment_link", false },
	{ "pub_case", false },
	{ "pub_case_version", false },
	{ "pub_case_comment", false },
	{ "pub_item", false },
	/* the search index: made by the target's triggers (and FTS5's shadow tables) */
	{ "pub_fts", true },
	{ "pub_fts_config", true },
	{ "pub_fts_content", true },
	{ "pub_fts_data", true },
	{ "pub_fts_docsize", true },
	{ "pub_fts_idx", true },
	{ "publication", false },
	{ "audit", false },
	{ "region_up", true },
	{ "portal_state", true },
	{ "agg", true },
	{ "agg_year", true },
	{ "agg_delta", true },
	{ "agg_key", true },
	{ "mentor_load", true },
	{ "enterprise_load", true },
};

/* Meta keys that belong to the database they are in, not to the pilot. */
static bool meta_own(const char *key)
{
	return key && !strcmp(key, "schema_version");
}

/*
 * Tables keyed without an id column, with their key: copied in its order,
 * and with no identity sequence to move.  NULL for the others (key "id").
 */
static const char *no_id_key(const char *t)
{
	static const struct {
		const char *name, *key;
	} tables[] = {
		{ "meta", "key" },
		{ "account_profile", "account_id" },
		{ "plan_check", "plan_id, pos" },
		{ "plan_inspector", "plan_id, account_id" },
		{ "plan_candidate", "plan_id, object_kind, object_id" },
		{ "inspection_check", "inspection_id, code" },
		{ "attachment", "hash" },
		{ "attachment_link", "owner_kind, owner_id, hash" },
		{ "pub_case_version", "case_id, version" },
		{ "notify_pref", "account_id" },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(tables); i++)
		if (!strcmp(tables[i].name, t))
			return tables[i].key;
	return NULL;
}

static bool no_id(const char *t)
{
	return no_id_key(t) != NULL;
}

/* The columns that order @t's rows for the copy. */
static const char *key_of(const char *t)
{
	const char *k = no_id_key(t);
	return k ? k : "id";
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
 * A refusal is a problem of @rep, the target, naming @s as messages show it.
 */
static enum dt_err check_tables(struct dt_store *s, struct dt_store *rep, bool empty,
				struct dt_strbuf *err)
{
	struct dt_strbuf shown = DT_STRBUF_INIT;
	dt_store_path_shown(s->path, &shown);
	struct dt_db_stmt *st = dt_db_prepare(s->db, tables_sql(s), err);
	if (!st)
		return DT_EDB;
	int rc = DT_OK, r;
	while (rc == DT_OK && (r = dt_db_step(st)) == DT_DB_ROW) {
		const char *name = dt_db_column_text(st, 0);
		const struct copy_table *t = find_table(name);
		if (!t) {
			rc = dt_store_problem(rep, err, NULL, "copy.unknown_table", "db", shown.buf,
					      "table", name, NULL);
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
			rc = dt_store_problem(rep, err, NULL, "copy.not_empty", "db", shown.buf,
					      "table", name, NULL);
		if (q)
			dt_db_reset(q);
	}
	dt_db_finalize(st);
	dt_strbuf_release(&shown);
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
 * Rows go to the target by copy (db.h): on PostgreSQL one COPY per table,
 * streamed with no round trip per row.  Each value is handed over while
 * the source's row is current (its text and blobs last until the next
 * step).  The meta table is the exception: its rows are upserted one by
 * one, so that the target's own key_fingerprint (written at open) gives way
 * to the source's.
 */

/*
 * Hand value @c of the source's current row @row of table @t to @cp; @hash
 * holds a converted hash until the row is done.
 */
static void copy_value(struct dt_db_copy *cp, const char *t, struct dt_db_stmt *row, int c,
		       unsigned char hash[32])
{
	enum dt_db_type type = dt_db_column_type(row, c);
	/* an audit hash kept as hex text (SQLite, before migration 007): its bytes */
	if (type == DT_DB_TEXT && !strcmp(t, "audit")) {
		const char *col = dt_db_column_name(row, c);
		if (!strcmp(col, "hash") && dt_audit_column_hash(row, c, hash)) {
			dt_db_copy_blob(cp, hash, 32);
			return;
		}
	}
	switch (type) {
	case DT_DB_INTEGER: dt_db_copy_int64(cp, dt_db_column_int64(row, c)); break;
	case DT_DB_FLOAT: dt_db_copy_double(cp, dt_db_column_double(row, c)); break;
	case DT_DB_TEXT:
		dt_db_copy_text(cp, dt_db_column_text(row, c), dt_db_column_bytes(row, c));
		break;
	case DT_DB_BLOB:
		dt_db_copy_blob(cp, dt_db_column_blob(row, c), dt_db_column_bytes(row, c));
		break;
	default: dt_db_copy_null(cp); break;
	}
}

/* Upsert the source's current meta row (key, value) into the target. */
static enum dt_err meta_put(struct dt_store *to, struct dt_db_stmt *row, struct dt_strbuf *err)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(to,
			       "INSERT INTO meta(key, value) VALUES (?, ?) "
			       "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			       err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, dt_db_column_text(row, 0), -1);
	if (dt_db_column_type(row, 1) != DT_DB_NULL)
		dt_db_bind_text(st, 2, dt_db_column_text(row, 1), -1);
	int r = dt_db_step(st);
	dt_db_reset(st);
	return r == DT_DB_DONE ? DT_OK : dt_sql_error(to, "meta", err);
}

/* Copy table @t; *@done counts rows for the progress. */
static enum dt_err copy_table(struct dt_store *from, struct dt_store *to, const char *t,
			      int64_t *done, int64_t total,
			      void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
			      struct dt_strbuf *err)
{
	char sql[160];
	bool meta = !strcmp(t, "meta");
	if (meta)
		snprintf(sql, sizeof(sql), "SELECT key, value FROM meta ORDER BY key");
	else
		snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY %s", t, key_of(t));
	struct dt_db_stmt *row = dt_db_prepare(from->db, sql, err);
	if (!row)
		return DT_EDB;
	struct dt_db_copy *cp = NULL;
	const char **cols = NULL;
	unsigned char(*hashes)[32] = NULL; /* one per column: borrowed until the row is done */
	int ncols = 0, rc = DT_OK, r;
	while (rc == DT_OK && (r = dt_db_step(row)) == DT_DB_ROW) {
		if (meta) {
			if (!meta_own(dt_db_column_text(row, 0)) &&
			    (rc = meta_put(to, row, err)) == DT_OK)
				++*done;
			continue;
		}
		if (!cp) {
			ncols = dt_db_column_count(row);
			cols = calloc((size_t)(ncols ? ncols : 1), sizeof(*cols));
			hashes = calloc((size_t)(ncols ? ncols : 1), sizeof(*hashes));
			if (!cols || !hashes) {
				rc = dt_error(err, DT_ENOMEM, "out of memory");
				break;
			}
			for (int c = 0; c < ncols; c++)
				cols[c] = dt_db_column_name(row, c);
			cp = dt_db_copy_begin(to->db, t, cols, ncols, err);
			if (!cp) {
				rc = dt_sql_error(to, t, err);
				break;
			}
		}
		for (int c = 0; c < ncols; c++)
			copy_value(cp, t, row, c, hashes[c]);
		if (!dt_db_copy_row(cp))
			break; /* dt_db_copy_end says why */
		if ((++*done & 1023) == 0 && progress)
			progress(ctx, *done, total);
	}
	if (rc == DT_OK && r != DT_DB_DONE && r != DT_DB_ROW)
		rc = dt_sql_error(from, t, err);
	if (cp && dt_db_copy_end(cp, rc != DT_OK, err) != DT_OK && rc == DT_OK)
		rc = dt_sql_error(to, t, err);
	free(cols);
	free(hashes);
	dt_db_finalize(row);
	return rc;
}

/* On PostgreSQL, move @t's identity sequence past its highest id: dialect. */
static enum dt_err move_sequence(struct dt_store *to, const char *t, struct dt_strbuf *err)
{
	if (dt_db_dialect(to->db) != DT_DB_PGSQL || no_id(t))
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
	dt_store_problems_clear(to);
	int rc = check_tables(from, to, false, err);
	if (rc == DT_OK)
		rc = check_tables(to, to, true, err);
	if (rc != DT_OK)
		return rc;
	if (dt_store_schema_version(from) != dt_store_schema_version(to))
		return dt_store_problem(to, err, NULL, "copy.schema_version", "source",
					DT_I(dt_store_schema_version(from)), "ours",
					DT_I(dt_store_schema_version(to)), NULL);
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
		if (rc == DT_OK && !no_id(t))
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
			rc = dt_store_problem(to, err, NULL, "copy.count_mismatch", "table", t,
					      "target", DT_I(b), "source", DT_I(a), NULL);
	}
	dt_store_snapshot_end(from);
	/* the source's format boundaries are the target's now (its writes follow them) */
	if (rc == DT_OK)
		rc = dt_audit_formats_load(to, err);
	/* The chain recomputes from its first event to the copied head (meta's audit_head). */
	if (rc == DT_OK)
		rc = dt_store_audit_verify(to, &stats->events, err);
	return rc;
}
