/*
 * agg.c - the indicator aggregates: triggers that maintain them, the
 * rebuild from the facts, the check that the two agree, and the read.
 *
 * What each fact row contributes is defined once, as the *_contrib views of
 * migration 003.  The triggers made here add a row's contributions after it
 * is inserted or updated and subtract them before it is updated or deleted,
 * so agg always equals the sum of the contributions of all rows, inside the
 * transaction of each write (API, CLI, imports alike).  The rebuild sums the
 * same views with one GROUP BY.  Triggers are (re)made whenever a migration
 * runs, so that they always match the views of the current schema.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"
#include "core/banned.h"

/* A fact table, its contribution view, and the columns the view reads. */
struct fact {
	const char *table;
	const char *cols;
	/*
	 * When a row contributes anything at all (R: the row), or NULL for
	 * always: rows that contribute nothing (drafts, unsigned entries) fire
	 * no trigger work.
	 */
	const char *contributes;
};

static const struct fact facts[] = {
	{ "contract",
	  "status, start_date, ended_on, activated_at, programme_id, region, "
	  "stipend_monthly, planned_company_hours, planned_school_hours, "
	  "dissolved_in_probation, enterprise_id, company_mentor",
	  "(R.activated_at IS NOT NULL OR R.status = 'active')" },
	{ "record_entry", "signed_at, hours, site, date, region", "R.signed_at IS NOT NULL" },
	{ "assessment", "kind, result, attempt, date, region, contract_id", "R.kind = 'final'" },
	{ "outcome", "kind, date, region, contract_id", "R.kind = 'retained'" },
	{ "demand", "occupation_id, year, count, region", NULL },
	{ "place", "programme_id, year, capacity, region", NULL },
	{ "organization", "kind, region", "R.kind = 'enterprise'" },
};

/* Append @cond with R replaced by @row. */
static void cond_sql(struct dt_strbuf *sql, const char *cond, const char *row)
{
	for (const char *p = cond; *p; p++) {
		if (p[0] == 'R' && p[1] == '.')
			dt_strbuf_adds(sql, row);
		else
			dt_strbuf_add(sql, p, 1);
	}
}

/*
 * The WHEN of fact @f's trigger for @event: an insert or delete of a row
 * that contributes; an update that changes a column the contributions read,
 * of a row that contributes before or after.  Empty: always.
 */
static void fact_when(struct dt_strbuf *w, const struct fact *f, const char *event)
{
	if (strstr(event, "UPDATE")) {
		dt_strbuf_adds(w, "(");
		const char *p = f->cols;
		while (*p) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			dt_strbuf_addf(w, "%sOLD.%.*s IS NOT NEW.%.*s", p == f->cols ? "" : " OR ",
				       (int)n, p, (int)n, p);
			p += n;
			while (*p == ',' || *p == ' ')
				p++;
		}
		dt_strbuf_adds(w, ")");
		if (f->contributes) {
			dt_strbuf_adds(w, " AND (");
			cond_sql(w, f->contributes, "OLD");
			dt_strbuf_adds(w, " OR ");
			cond_sql(w, f->contributes, "NEW");
			dt_strbuf_adds(w, ")");
		}
	} else if (f->contributes) {
		cond_sql(w, f->contributes, strstr(event, "INSERT") ? "NEW" : "OLD");
	}
}

/*
 * Rows whose contributions depend on another table's row: when @table's
 * @cols change, the contributions of the @fact rows chosen by @ids (SQL with
 * R standing for the changed row) are taken out before and put back after.
 */
struct dependent {
	const char *table, *cols, *fact, *ids;
};

static const struct dependent dependents[] = {
	{ "min_wage", "region, valid_from, monthly", "contract",
	  "SELECT id FROM contract WHERE region IN (SELECT region FROM region_up WHERE anc = R.region)" },
	{ "programme", "occupation_id", "contract",
	  "SELECT id FROM contract WHERE programme_id = R.id" },
	{ "programme", "occupation_id", "place", "SELECT id FROM place WHERE programme_id = R.id" },
	{ "programme", "occupation_id", "assessment",
	  "SELECT a.id FROM assessment a JOIN contract c ON c.id = a.contract_id WHERE c.programme_id = R.id" },
	{ "programme", "occupation_id", "outcome",
	  "SELECT o.id FROM outcome o JOIN contract c ON c.id = o.contract_id WHERE c.programme_id = R.id" },
};

/* Add @sign times the contributions of the @fact rows matching @where (on x.id) to agg_delta. */
static void add_sql(struct dt_strbuf *sql, const char *fact, const char *where, int sign)
{
	dt_strbuf_addf(
		sql,
		"INSERT INTO agg_delta(region, occ, key, period, v) "
		"SELECT x.region, x.occ, x.key, x.period, %d * x.v FROM %s_contrib x WHERE %s;\n",
		sign, fact, where);
}

/* The load tables: +1/-1 active contract of a mentor and of an enterprise. */
static void load_sql(struct dt_strbuf *sql, const char *row, int sign)
{
	if (sign > 0) {
		dt_strbuf_addf(
			sql,
			"INSERT INTO mentor_load SELECT %1$s.enterprise_id, %1$s.company_mentor, %1$s.region, 1 "
			"WHERE %1$s.status = 'active' ON CONFLICT DO UPDATE SET n = n + 1;\n"
			"INSERT INTO enterprise_load SELECT %1$s.enterprise_id, %1$s.region, 1 "
			"WHERE %1$s.status = 'active' ON CONFLICT DO UPDATE SET n = n + 1;\n",
			row);
		return;
	}
	dt_strbuf_addf(
		sql,
		"UPDATE mentor_load SET n = n - 1 WHERE %1$s.status = 'active' AND enterprise_id = %1$s.enterprise_id "
		"AND mentor = %1$s.company_mentor AND region = %1$s.region;\n"
		"DELETE FROM mentor_load WHERE n = 0 AND enterprise_id = %1$s.enterprise_id "
		"AND mentor = %1$s.company_mentor AND region = %1$s.region;\n"
		"UPDATE enterprise_load SET n = n - 1 WHERE %1$s.status = 'active' "
		"AND enterprise_id = %1$s.enterprise_id AND region = %1$s.region;\n"
		"DELETE FROM enterprise_load WHERE n = 0 AND enterprise_id = %1$s.enterprise_id "
		"AND region = %1$s.region;\n",
		row);
}

/* One counter per row of a load table. */
static void count_rows_sql(struct dt_strbuf *sql, const char *key, const char *row, int sign)
{
	dt_strbuf_addf(
		sql,
		"INSERT INTO agg_delta(region, occ, key, period, v) VALUES (%s.region, NULL, '%s', 0, %d);\n",
		row, key, sign);
}

static void trigger_if(struct dt_strbuf *sql, const char *name, const char *when, const char *event,
		       const char *table, const char *cond)
{
	dt_strbuf_addf(sql, "DROP TRIGGER IF EXISTS %s;\nCREATE TRIGGER %s %s %s ON %s%s%s BEGIN\n",
		       name, name, when, event, table, cond && *cond ? " WHEN " : "",
		       cond ? cond : "");
}

static void trigger(struct dt_strbuf *sql, const char *name, const char *when, const char *event,
		    const char *table)
{
	trigger_if(sql, name, when, event, table, NULL);
}

/* @ids of dependent @d with R replaced by @row, appended to @out as "x.id IN (...)". */
static void ids_sql(struct dt_strbuf *out, const struct dependent *d, const char *row)
{
	dt_strbuf_adds(out, "x.id IN (");
	for (const char *p = d->ids; *p; p++) {
		if (p[0] == 'R' && p[1] == '.')
			dt_strbuf_adds(out, row);
		else
			dt_strbuf_add(out, p, 1);
	}
	dt_strbuf_adds(out, ")");
}

/*
 * Before a change of the row the facts depend on, take their contributions
 * out (computed while the row is as it was); after it, put them back
 * (computed with the row as it is now).  Both sides use the same set of
 * facts: for an update, those under the old and under the new row.
 */
static void dependent_triggers(struct dt_strbuf *sql, const struct dependent *d)
{
	static const struct {
		const char *event, *rows[2];
	} ev[] = {
		{ "INSERT", { "NEW", NULL } },
		{ "UPDATE OF", { "OLD", "NEW" } },
		{ "DELETE", { "OLD", NULL } },
	};
	bool programme = !strcmp(d->table, "programme");
	for (size_t j = 0; j < DT_ARRAY_SIZE(ev); j++) {
		/* A new programme has no facts yet; one that has facts cannot be deleted. */
		if (programme && strcmp(ev[j].event, "UPDATE OF"))
			continue;
		struct dt_strbuf where = DT_STRBUF_INIT, event = DT_STRBUF_INIT,
				 name = DT_STRBUF_INIT;
		dt_strbuf_adds(&where, "(");
		for (int r = 0; r < 2 && ev[j].rows[r]; r++) {
			if (r)
				dt_strbuf_adds(&where, " OR ");
			ids_sql(&where, d, ev[j].rows[r]);
		}
		dt_strbuf_adds(&where, ")");
		dt_strbuf_adds(&event, ev[j].event);
		if (!strcmp(ev[j].event, "UPDATE OF"))
			dt_strbuf_addf(&event, " %s", d->cols);
		for (int side = 0; side < 2; side++) {
			dt_strbuf_reset(&name);
			dt_strbuf_addf(&name, "%s_%s_agg_%.3s_%s", d->table, d->fact, ev[j].event,
				       side ? "after" : "before");
			trigger(sql, name.buf, side ? "AFTER" : "BEFORE", event.buf, d->table);
			add_sql(sql, d->fact, where.buf, side ? 1 : -1);
			dt_strbuf_adds(sql, "END;\n");
		}
		dt_strbuf_release(&where);
		dt_strbuf_release(&event);
		dt_strbuf_release(&name);
	}
}

enum dt_err dt_agg_install(struct dt_store *s, struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT, name = DT_STRBUF_INIT, ev = DT_STRBUF_INIT;
	for (size_t i = 0; i < DT_ARRAY_SIZE(facts); i++) {
		const struct fact *f = &facts[i];
		bool contract = !strcmp(f->table, "contract");
		static const struct {
			const char *suffix, *when, *event, *row;
			int sign;
		} t[] = {
			{ "ins", "AFTER", "INSERT", "NEW", 1 },
			{ "upd_old", "BEFORE", "UPDATE OF", "OLD", -1 },
			{ "upd_new", "AFTER", "UPDATE OF", "NEW", 1 },
			{ "del", "BEFORE", "DELETE", "OLD", -1 },
		};
		for (size_t j = 0; j < DT_ARRAY_SIZE(t); j++) {
			dt_strbuf_reset(&name);
			dt_strbuf_reset(&ev);
			dt_strbuf_addf(&name, "%s_agg_%s", f->table, t[j].suffix);
			dt_strbuf_adds(&ev, t[j].event);
			if (strstr(t[j].event, "UPDATE"))
				dt_strbuf_addf(&ev, " %s", f->cols);
			struct dt_strbuf cond = DT_STRBUF_INIT;
			fact_when(&cond, f, t[j].event);
			trigger_if(&sql, name.buf, t[j].when, ev.buf, f->table, cond.buf);
			dt_strbuf_release(&cond);
			char where[32];
			snprintf(where, sizeof(where), "x.id = %s.id", t[j].row);
			add_sql(&sql, f->table, where, t[j].sign);
			if (contract)
				load_sql(&sql, t[j].row, t[j].sign);
			dt_strbuf_adds(&sql, "END;\n");
		}
	}
	for (size_t i = 0; i < DT_ARRAY_SIZE(dependents); i++)
		dependent_triggers(&sql, &dependents[i]);
	trigger(&sql, "mentor_load_ins", "AFTER", "INSERT", "mentor_load");
	count_rows_sql(&sql, "mentors_now", "NEW", 1);
	dt_strbuf_adds(&sql, "END;\n");
	trigger(&sql, "mentor_load_del", "AFTER", "DELETE", "mentor_load");
	count_rows_sql(&sql, "mentors_now", "OLD", -1);
	dt_strbuf_adds(&sql, "END;\n");
	trigger(&sql, "enterprise_load_ins", "AFTER", "INSERT", "enterprise_load");
	count_rows_sql(&sql, "enterprises_active_now", "NEW", 1);
	dt_strbuf_adds(&sql, "END;\n");
	trigger(&sql, "enterprise_load_del", "AFTER", "DELETE", "enterprise_load");
	count_rows_sql(&sql, "enterprises_active_now", "OLD", -1);
	dt_strbuf_adds(&sql, "END;\n");
	int rc = dt_sql_exec(s, sql.buf, err);
	dt_strbuf_release(&sql);
	dt_strbuf_release(&name);
	dt_strbuf_release(&ev);
	return rc;
}

/* ---- flush, rebuild, verify, read ---- */

/* Each delta at the region, every region above it and the nation; under its occupation and under all. */
static const char flush_sql[] =
	"INSERT INTO agg(region, occ, key, period, value) "
	"SELECT u.anc, CASE o.k WHEN 1 THEN d.occ ELSE 0 END, d.key, d.period, sum(d.v) "
	"FROM agg_delta d JOIN region_up u ON u.region = d.region, (SELECT 0 AS k UNION ALL SELECT 1) o "
	"WHERE o.k = 0 OR d.occ IS NOT NULL GROUP BY 1, 2, 3, 4 HAVING sum(d.v) != 0 "
	"ON CONFLICT DO UPDATE SET value = value + excluded.value";
/* And per year: the same deltas summed by period / 100. */
static const char flush_year_sql[] =
	"INSERT INTO agg_year(region, occ, key, year, value) "
	"SELECT u.anc, CASE o.k WHEN 1 THEN d.occ ELSE 0 END, d.key, d.period / 100, sum(d.v) "
	"FROM agg_delta d JOIN region_up u ON u.region = d.region, (SELECT 0 AS k UNION ALL SELECT 1) o "
	"WHERE o.k = 0 OR d.occ IS NOT NULL GROUP BY 1, 2, 3, 4 HAVING sum(d.v) != 0 "
	"ON CONFLICT DO UPDATE SET value = value + excluded.value";

enum dt_err dt_agg_flush(struct dt_store *s, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT EXISTS (SELECT 1 FROM agg_delta)", err);
	if (!st)
		return DT_EDB;
	int r = dt_db_step(st);
	bool any = r == DT_DB_ROW && dt_db_column_int(st, 0);
	dt_db_reset(st);
	if (r != DT_DB_ROW)
		return dt_sql_error(s, "indicators", err);
	if (!any)
		return DT_OK;
	static const char *const steps[] = { flush_sql, flush_year_sql, "DELETE FROM agg_delta" };
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
	dt_strbuf_adds(
		&sql,
		"DELETE FROM mentor_load;\n"
		"DELETE FROM enterprise_load;\n"
		"INSERT INTO mentor_load SELECT enterprise_id, company_mentor, region, count(*) "
		"FROM contract WHERE status = 'active' GROUP BY 1, 2, 3;\n"
		"INSERT INTO enterprise_load SELECT enterprise_id, region, count(*) "
		"FROM contract WHERE status = 'active' GROUP BY 1, 2;\n"
		"DELETE FROM agg_delta;\n"
		"DELETE FROM agg;\n"
		"DELETE FROM agg_year;\n");
	for (size_t i = 0; i < DT_ARRAY_SIZE(facts); i++)
		dt_strbuf_addf(
			&sql,
			"INSERT INTO agg(region, occ, key, period, value) "
			"SELECT u.anc, CASE o.k WHEN 1 THEN x.occ ELSE 0 END, x.key, x.period, sum(x.v) "
			"FROM %s_contrib x JOIN region_up u ON u.region = x.region, "
			"(SELECT 0 AS k UNION ALL SELECT 1) o "
			"WHERE o.k = 0 OR x.occ IS NOT NULL GROUP BY 1, 2, 3, 4 "
			"ON CONFLICT DO UPDATE SET value = value + excluded.value;\n",
			facts[i].table);
	dt_strbuf_adds(
		&sql,
		"INSERT INTO agg(region, occ, key, period, value) "
		"SELECT u.anc, 0, 'mentors_now', 0, count(*) FROM mentor_load m "
		"JOIN region_up u ON u.region = m.region WHERE true GROUP BY u.anc "
		"ON CONFLICT DO UPDATE SET value = value + excluded.value;\n"
		"INSERT INTO agg(region, occ, key, period, value) "
		"SELECT u.anc, 0, 'enterprises_active_now', 0, count(*) FROM enterprise_load m "
		"JOIN region_up u ON u.region = m.region WHERE true GROUP BY u.anc "
		"ON CONFLICT DO UPDATE SET value = value + excluded.value;\n"
		"DELETE FROM agg WHERE value = 0;\n"
		"INSERT INTO agg_year(region, occ, key, year, value) "
		"SELECT region, occ, key, period / 100, sum(value) FROM agg WHERE true GROUP BY 1, 2, 3, 4 "
		"HAVING sum(value) != 0;\n");
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
	/* Every row that one side has and the other has not, either way. */
	static const char *const cmp[] = {
		"SELECT 'maintained', 'agg', region, occ, key, period, value FROM temp.kept_agg EXCEPT "
		"SELECT 'maintained', 'agg', region, occ, key, period, value FROM main.agg",
		"SELECT 'rebuilt', 'agg', region, occ, key, period, value FROM main.agg EXCEPT "
		"SELECT 'rebuilt', 'agg', region, occ, key, period, value FROM temp.kept_agg",
		"SELECT 'maintained', 'agg_year', region, occ, key, year, value FROM temp.kept_agg_year EXCEPT "
		"SELECT 'maintained', 'agg_year', region, occ, key, year, value FROM main.agg_year",
		"SELECT 'rebuilt', 'agg_year', region, occ, key, year, value FROM main.agg_year EXCEPT "
		"SELECT 'rebuilt', 'agg_year', region, occ, key, year, value FROM temp.kept_agg_year",
		"SELECT 'maintained', 'mentor_load', region, enterprise_id, mentor, 0, n FROM temp.kept_mentor_load EXCEPT "
		"SELECT 'maintained', 'mentor_load', region, enterprise_id, mentor, 0, n FROM main.mentor_load",
		"SELECT 'rebuilt', 'mentor_load', region, enterprise_id, mentor, 0, n FROM main.mentor_load EXCEPT "
		"SELECT 'rebuilt', 'mentor_load', region, enterprise_id, mentor, 0, n FROM temp.kept_mentor_load",
		"SELECT 'maintained', 'enterprise_load', region, enterprise_id, '', 0, n FROM temp.kept_enterprise_load EXCEPT "
		"SELECT 'maintained', 'enterprise_load', region, enterprise_id, '', 0, n FROM main.enterprise_load",
		"SELECT 'rebuilt', 'enterprise_load', region, enterprise_id, '', 0, n FROM main.enterprise_load EXCEPT "
		"SELECT 'rebuilt', 'enterprise_load', region, enterprise_id, '', 0, n FROM temp.kept_enterprise_load",
	};
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
		yearly ? "SELECT key, year * 100, value FROM agg_year WHERE region = ? AND occ = ? AND year <= ? / 100"
		       : "SELECT key, period, value FROM agg WHERE region = ? AND occ = ? AND period <= ?",
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
