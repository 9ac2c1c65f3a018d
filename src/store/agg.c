/*
 * agg.c - the indicator aggregates: triggers that maintain them, the
 * rebuild from the facts, the check that the two agree, and the read.
 *
 * What each fact row contributes is defined once, as the *_contrib views of
 * migration 003 (006 for outcomes).  The triggers add a row's contributions
 * after it is inserted or updated and subtract them before it is updated or
 * deleted, so agg always equals the sum of the contributions of all rows,
 * inside the transaction of each write (API, CLI, imports alike).  The
 * rebuild sums the same views with one GROUP BY.  Triggers are (re)made
 * whenever a migration runs, so that they always match the views of the
 * current schema.  Their SQL, and that of the flush and the rebuild, is in
 * agg_sql.c, once for both engines; on PostgreSQL the triggers are PL/pgSQL
 * functions.  Everything here runs on both.
 */
#include <stdio.h>
#include <string.h>

#include "store/agg.h"
#include "store/store_internal.h"
#include "core/banned.h"

enum dt_err dt_agg_install(struct dt_store *s, struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	dt_agg_triggers_sql(dt_db_dialect(s->db), &sql);
	int rc = dt_sql_exec(s, sql.buf, err);
	dt_strbuf_release(&sql);
	return rc;
}

/* ---- flush, rebuild, verify, read ---- */

enum dt_err dt_agg_flush(struct dt_store *s, struct dt_strbuf *err)
{
	/* A number, not a boolean: PostgreSQL's EXISTS is one. */
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT CASE WHEN EXISTS (SELECT 1 FROM agg_delta) THEN 1 ELSE 0 END", err);
	if (!st)
		return DT_EDB;
	int r = dt_db_step(st);
	bool any = r == DT_DB_ROW && dt_db_column_int(st, 0);
	dt_db_reset(st);
	if (r != DT_DB_ROW)
		return dt_sql_error(s, "indicators", err);
	if (!any)
		return DT_OK;
	static const char *const steps[] = { dt_agg_flush_keys_sql, dt_agg_flush_sql,
					     dt_agg_flush_year_sql, "DELETE FROM agg_delta" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(steps); i++) {
		st = dt_sql_prepare(s, steps[i], err);
		if (!st)
			return DT_EDB;
		r = dt_db_step(st);
		dt_db_reset(st);
		if (r != DT_DB_DONE)
			return dt_sql_error(s, "indicators", err);
	}
	return DT_OK;
}

static const char *const load_tables[] = { "mentor_load", "enterprise_load" };

/* Recompute agg and the load tables from the facts (inside a write). */
static enum dt_err rebuild(struct dt_store *s, struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	dt_agg_rebuild_sql(&sql);
	int rc = dt_sql_exec(s, sql.buf, err);
	dt_strbuf_release(&sql);
	return rc;
}

enum dt_err dt_store_indicators_rebuild(struct dt_store *s, const struct dt_actor *a, int64_t *rows,
					struct dt_strbuf *err)
{
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	rc = rebuild(s, err);
	int64_t n = 0;
	if (rc == DT_OK) {
		struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT count(*) FROM agg", err);
		if (!st) {
			rc = DT_EDB;
		} else {
			if (dt_db_step(st) == DT_DB_ROW)
				n = dt_db_column_int64(st, 0);
			dt_db_reset(st);
		}
	}
	if (rc == DT_OK) {
		json_t *after = json_pack("{s:I}", "rows", (json_int_t)n);
		rc = dt_audit_append(s, a, "indicators.rebuild", "indicators", 0, NULL, after, err);
		json_decref(after);
	}
	rc = dt_tx_end(s, rc, err);
	if (rc == DT_OK && rows)
		*rows = n;
	return rc;
}

enum dt_err dt_store_indicators_verify(struct dt_store *s, int64_t *mismatches, json_t **sample,
				       struct dt_strbuf *err)
{
	*mismatches = 0;
	*sample = json_array();
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	struct dt_strbuf sql = DT_STRBUF_INIT;
	dt_strbuf_adds(
		&sql,
		"CREATE TEMP TABLE kept_agg AS SELECT * FROM agg WHERE value != 0;\n"
		"CREATE TEMP TABLE kept_agg_year AS SELECT * FROM agg_year WHERE value != 0;\n");
	for (size_t i = 0; i < DT_ARRAY_SIZE(load_tables); i++)
		dt_strbuf_addf(&sql, "CREATE TEMP TABLE kept_%1$s AS SELECT * FROM %1$s;\n",
			       load_tables[i]);
	rc = dt_agg_flush(s, err);
	if (rc == DT_OK)
		rc = dt_sql_exec(s, sql.buf, err);
	if (rc == DT_OK)
		rc = rebuild(s, err);
		/*
	 * Every row that one side has and the other has not, either way.  Names
	 * unqualified (the kept_ tables are the connection's temporary ones on
	 * both engines); the occ column as text, as the sample gives it, and the
	 * counter by its name (the rebuild codes names as the flush does, so the
	 * codes compare; the name is for the sample).
	 */
#define KEPT_AGG                                                                         \
	"region, CAST(occ AS TEXT), (SELECT k.name FROM agg_key k WHERE k.code = key), " \
	"period, value FROM "
#define KEPT_YEAR                                                                        \
	"region, CAST(occ AS TEXT), (SELECT k.name FROM agg_key k WHERE k.code = key), " \
	"year, value FROM "
#define KEPT_MENTOR "region, CAST(enterprise_id AS TEXT), mentor, 0, n FROM "
#define KEPT_ENT "region, CAST(enterprise_id AS TEXT), '', 0, n FROM "
	static const char *const cmp[] = {
		"SELECT 'maintained', 'agg', " KEPT_AGG "kept_agg EXCEPT "
		"SELECT 'maintained', 'agg', " KEPT_AGG "agg",
		"SELECT 'rebuilt', 'agg', " KEPT_AGG "agg EXCEPT "
		"SELECT 'rebuilt', 'agg', " KEPT_AGG "kept_agg",
		"SELECT 'maintained', 'agg_year', " KEPT_YEAR "kept_agg_year EXCEPT "
		"SELECT 'maintained', 'agg_year', " KEPT_YEAR "agg_year",
		"SELECT 'rebuilt', 'agg_year', " KEPT_YEAR "agg_year EXCEPT "
		"SELECT 'rebuilt', 'agg_year', " KEPT_YEAR "kept_agg_year",
		"SELECT 'maintained', 'mentor_load', " KEPT_MENTOR "kept_mentor_load EXCEPT "
		"SELECT 'maintained', 'mentor_load', " KEPT_MENTOR "mentor_load",
		"SELECT 'rebuilt', 'mentor_load', " KEPT_MENTOR "mentor_load EXCEPT "
		"SELECT 'rebuilt', 'mentor_load', " KEPT_MENTOR "kept_mentor_load",
		"SELECT 'maintained', 'enterprise_load', " KEPT_ENT "kept_enterprise_load EXCEPT "
		"SELECT 'maintained', 'enterprise_load', " KEPT_ENT "enterprise_load",
		"SELECT 'rebuilt', 'enterprise_load', " KEPT_ENT "enterprise_load EXCEPT "
		"SELECT 'rebuilt', 'enterprise_load', " KEPT_ENT "kept_enterprise_load",
	};
#undef KEPT_AGG
#undef KEPT_YEAR
#undef KEPT_MENTOR
#undef KEPT_ENT
	for (size_t i = 0; i < DT_ARRAY_SIZE(cmp) && rc == DT_OK; i++) {
		struct dt_db_stmt *st = dt_db_prepare(s->db, cmp[i], err);
		if (!st) {
			rc = DT_EDB;
			break;
		}
		int r;
		while ((r = dt_db_step(st)) == DT_DB_ROW) {
			if (++*mismatches <= 20)
				json_array_append_new(
					*sample,
					json_pack("{s:s, s:s, s:I, s:s, s:s, s:I, s:I}", "only_in",
						  dt_db_column_text(st, 0), "table",
						  dt_db_column_text(st, 1), "region",
						  (json_int_t)dt_db_column_int64(st, 2), "occ",
						  dt_db_column_text(st, 3), "key",
						  dt_db_column_text(st, 4), "period",
						  (json_int_t)dt_db_column_int64(st, 5), "value",
						  (json_int_t)dt_db_column_int64(st, 6)));
		}
		if (r != DT_DB_DONE)
			rc = dt_sql_error(s, "indicators", err);
		dt_db_finalize(st);
	}
	dt_strbuf_release(&sql);
	/* Always undone: the check changes nothing. */
	dt_tx_end(s, DT_ECONFLICT, NULL);
	return rc;
}

enum dt_err dt_store_agg_read(struct dt_store *s, int region, int64_t occ, int max_period,
			      bool yearly, dt_agg_fn fn, void *ctx, struct dt_strbuf *err)
{
	/* Yearly: one row per counter and year, given as period YYYY00 (year 0: "now"). */
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		yearly ? "SELECT k.name, a.year * 100, a.value FROM agg_year a JOIN agg_key k ON k.code = a.key "
			 "WHERE a.region = ? AND a.occ = ? AND a.year <= ? / 100"
		       : "SELECT k.name, a.period, a.value FROM agg a JOIN agg_key k ON k.code = a.key "
			 "WHERE a.region = ? AND a.occ = ? AND a.period <= ?",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, region);
	dt_db_bind_int64(st, 2, occ);
	dt_db_bind_int64(st, 3, max_period);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		fn(ctx, dt_db_column_text(st, 0), dt_db_column_int(st, 1),
		   dt_db_column_int64(st, 2));
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "indicators", err);
	dt_db_reset(st);
	return rc;
}
