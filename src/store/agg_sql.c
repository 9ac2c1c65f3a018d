/*
 * agg_sql.c - the SQL of the indicator aggregates: the triggers that keep
 * them, their flush and their rebuild, for SQLite and PostgreSQL.
 *
 * What each fact row contributes is defined once, as the *_contrib views of
 * migration 003 (the same rows on both engines).  The triggers made here add
 * a row's contributions after it is inserted or updated and subtract them
 * before it is updated or deleted, into agg_delta; agg.c folds agg_delta
 * into agg and agg_year before each commit.
 *
 * Each trigger's body is one text for both engines: INSERT ... SELECT from
 * the views, upserts with their conflict target and the table named in
 * DO UPDATE, IS DISTINCT FROM in the conditions.  Only the frame differs
 * (dialect): SQLite has "CREATE TRIGGER ... BEGIN body END"; PostgreSQL a
 * PL/pgSQL function holding the body and "CREATE TRIGGER ... FOR EACH ROW
 * WHEN (...) EXECUTE FUNCTION", its BEFORE triggers giving back the row.
 * And one query (dialect): the contributions of the facts that depend on a
 * changed row are looked up id by id on PostgreSQL (dep_add_sql).
 *
 * One difference stays: PostgreSQL runs a statement's AFTER row triggers
 * at the end of the statement, SQLite after each row.  A fact's triggers
 * read that fact's own row only, so this changes nothing for them; the
 * triggers of the rows facts depend on (a minimum wage, a programme) would
 * count twice if one statement changed two such rows whose facts overlap,
 * and the store changes those rows one by one, by id.
 */
#include <stdio.h>
#include <string.h>

#include "core/common.h"
#include "store/agg.h"
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
	/*
	 * How the view's rows of the row R are found, or NULL for "x.id =
	 * R.id" (a table without an id of its own names its key).
	 */
	const char *match;
};

static const struct fact facts[] = {
	{ "contract",
	  "status, start_date, ended_on, activated_at, programme_id, region, "
	  "stipend_monthly, planned_company_hours, planned_school_hours, "
	  "dissolved_in_probation, enterprise_id, company_mentor",
	  "(R.activated_at IS NOT NULL OR R.status = 'active')", NULL },
	{ "record_entry", "signed_at, hours, site, date, region", "R.signed_at IS NOT NULL", NULL },
	{ "assessment", "kind, result, attempt, date, region, contract_id", "R.kind = 'final'",
	  NULL },
	{ "outcome", "kind, date, region, contract_id", "R.kind = 'retained'", NULL },
	{ "demand", "occupation_id, year, count, region", NULL, NULL },
	{ "place", "programme_id, year, capacity, region", NULL, NULL },
	{ "organization", "kind, region", "R.kind = 'enterprise'", NULL },
	/* supervision (migration 011) */
	{ "plan_candidate", "plan_id, object_kind, object_id, city", NULL,
	  "x.plan_id = R.plan_id AND x.object_kind = R.object_kind AND x.object_id = R.object_id" },
	{ "inspection", "plan_id, status, region", NULL, NULL },
	{ "finding", "inspection_id, severity, status, deadline, region", NULL, NULL },
};

/* Append @text with each "R." replaced by @row ".". */
static void subst_row(struct dt_strbuf *sql, const char *text, const char *row)
{
	for (const char *p = text; *p; p++) {
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
			dt_strbuf_addf(w, "%sOLD.%.*s IS DISTINCT FROM NEW.%.*s",
				       p == f->cols ? "" : " OR ", (int)n, p, (int)n, p);
			p += n;
			while (*p == ',' || *p == ' ')
				p++;
		}
		dt_strbuf_adds(w, ")");
		if (f->contributes) {
			dt_strbuf_adds(w, " AND (");
			subst_row(w, f->contributes, "OLD");
			dt_strbuf_adds(w, " OR ");
			subst_row(w, f->contributes, "NEW");
			dt_strbuf_adds(w, ")");
		}
	} else if (f->contributes) {
		subst_row(w, f->contributes, strstr(event, "INSERT") ? "NEW" : "OLD");
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
			"INSERT INTO mentor_load(enterprise_id, mentor, region, n) "
			"SELECT %1$s.enterprise_id, %1$s.company_mentor, %1$s.region, 1 "
			"WHERE %1$s.status = 'active' ON CONFLICT (enterprise_id, mentor, region) "
			"DO UPDATE SET n = mentor_load.n + 1;\n"
			"INSERT INTO enterprise_load(enterprise_id, region, n) "
			"SELECT %1$s.enterprise_id, %1$s.region, 1 "
			"WHERE %1$s.status = 'active' ON CONFLICT (enterprise_id, region) "
			"DO UPDATE SET n = enterprise_load.n + 1;\n",
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

/* One trigger: trig_begin(), its body, trig_end(). */
struct trig {
	enum dt_db_dialect d;
	const char *name;
	const char *time;  /* BEFORE or AFTER */
	const char *event; /* INSERT, DELETE, UPDATE OF cols */
	const char *table;
	const char *cond; /* its WHEN, or NULL or "" for always */
};

static void trig_begin(struct dt_strbuf *sql, const struct trig *t)
{
	bool when = t->cond && *t->cond;
	if (t->d == DT_DB_SQLITE) {
		dt_strbuf_addf(
			sql,
			"DROP TRIGGER IF EXISTS %s;\nCREATE TRIGGER %s %s %s ON %s%s%s BEGIN\n",
			t->name, t->name, t->time, t->event, t->table, when ? " WHEN " : "",
			when ? t->cond : "");
		return;
	}
	/* dialect: a PostgreSQL trigger calls a function, named as the trigger */
	dt_strbuf_addf(sql,
		       "CREATE OR REPLACE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $$\n"
		       "BEGIN\n",
		       t->name);
}

static void trig_end(struct dt_strbuf *sql, const struct trig *t)
{
	if (t->d == DT_DB_SQLITE) {
		dt_strbuf_adds(sql, "END;\n");
		return;
	}
	/* A BEFORE trigger gives back the row to write (NULL would skip the write). */
	const char *ret = strcmp(t->time, "BEFORE")    ? "NULL"
			  : strstr(t->event, "DELETE") ? "OLD"
						       : "NEW";
	bool when = t->cond && *t->cond;
	dt_strbuf_addf(sql,
		       "RETURN %s;\nEND $$;\n"
		       "CREATE OR REPLACE TRIGGER %s %s %s ON %s FOR EACH ROW%s%s%s "
		       "EXECUTE FUNCTION %s();\n",
		       ret, t->name, t->time, t->event, t->table, when ? " WHEN (" : "",
		       when ? t->cond : "", when ? ")" : "", t->name);
}

/*
 * Add @sign times the contributions of the @dep->fact rows that @dep's ids
 * choose under each of @rows (one or two of NEW, OLD).  dialect: SQLite
 * reads "x.id IN (ids)" from the view by key; PostgreSQL cannot push a
 * semi-join into the view's UNION ALL and would compute every row's
 * contributions, so it looks each chosen id up (LATERAL, OFFSET 0 keeping
 * the view whole so that the id reaches each branch's key).
 */
static void dep_add_sql(struct dt_strbuf *sql, enum dt_db_dialect d, const struct dependent *dep,
			const char *const rows[2], int sign)
{
	struct dt_strbuf ids = DT_STRBUF_INIT;
	for (int r = 0; r < 2 && rows[r]; r++) {
		if (d == DT_DB_SQLITE) {
			dt_strbuf_adds(&ids, r ? " OR x.id IN (" : "(x.id IN (");
			subst_row(&ids, dep->ids, rows[r]);
			dt_strbuf_adds(&ids, ")");
		} else {
			if (r)
				dt_strbuf_adds(&ids, " UNION ");
			subst_row(&ids, dep->ids, rows[r]);
		}
	}
	if (d == DT_DB_SQLITE) {
		dt_strbuf_adds(&ids, ")");
		add_sql(sql, dep->fact, ids.buf, sign);
	} else {
		dt_strbuf_addf(sql,
			       "INSERT INTO agg_delta(region, occ, key, period, v) "
			       "SELECT x.region, x.occ, x.key, x.period, %d * x.v FROM (%s) i "
			       "CROSS JOIN LATERAL (SELECT * FROM %s_contrib x WHERE x.id = i.id "
			       "OFFSET 0) x;\n",
			       sign, ids.buf, dep->fact);
	}
	dt_strbuf_release(&ids);
}

/*
 * Before a change of the row the facts depend on, take their contributions
 * out (computed while the row is as it was); after it, put them back
 * (computed with the row as it is now).  Both sides use the same set of
 * facts: for an update, those under the old and under the new row.
 */
static void dependent_triggers(struct dt_strbuf *sql, enum dt_db_dialect d,
			       const struct dependent *dep)
{
	static const struct {
		const char *event, *rows[2];
	} ev[] = {
		{ "INSERT", { "NEW", NULL } },
		{ "UPDATE OF", { "OLD", "NEW" } },
		{ "DELETE", { "OLD", NULL } },
	};
	bool programme = !strcmp(dep->table, "programme");
	for (size_t j = 0; j < DT_ARRAY_SIZE(ev); j++) {
		/* A new programme has no facts yet; one that has facts cannot be deleted. */
		if (programme && strcmp(ev[j].event, "UPDATE OF"))
			continue;
		struct dt_strbuf event = DT_STRBUF_INIT, name = DT_STRBUF_INIT;
		dt_strbuf_adds(&event, ev[j].event);
		if (!strcmp(ev[j].event, "UPDATE OF"))
			dt_strbuf_addf(&event, " %s", dep->cols);
		for (int side = 0; side < 2; side++) {
			dt_strbuf_reset(&name);
			dt_strbuf_addf(&name, "%s_%s_agg_%.3s_%s", dep->table, dep->fact,
				       ev[j].event, side ? "after" : "before");
			struct trig t = { d,         name.buf,   side ? "AFTER" : "BEFORE",
					  event.buf, dep->table, NULL };
			trig_begin(sql, &t);
			dep_add_sql(sql, d, dep, ev[j].rows, side ? 1 : -1);
			trig_end(sql, &t);
		}
		dt_strbuf_release(&event);
		dt_strbuf_release(&name);
	}
}

/* A trigger on a load table: one counter per row. */
static void load_trigger(struct dt_strbuf *sql, enum dt_db_dialect d, const char *table,
			 bool insert, const char *key)
{
	char name[64];
	snprintf(name, sizeof(name), "%s_%s", table, insert ? "ins" : "del");
	struct trig t = { d, name, "AFTER", insert ? "INSERT" : "DELETE", table, NULL };
	trig_begin(sql, &t);
	count_rows_sql(sql, key, insert ? "NEW" : "OLD", insert ? 1 : -1);
	trig_end(sql, &t);
}

void dt_agg_triggers_sql(enum dt_db_dialect d, struct dt_strbuf *sql)
{
	struct dt_strbuf name = DT_STRBUF_INIT, ev = DT_STRBUF_INIT, cond = DT_STRBUF_INIT;
	static const struct {
		const char *suffix, *time, *event, *row;
		int sign;
	} t[] = {
		{ "ins", "AFTER", "INSERT", "NEW", 1 },
		{ "upd_old", "BEFORE", "UPDATE OF", "OLD", -1 },
		{ "upd_new", "AFTER", "UPDATE OF", "NEW", 1 },
		{ "del", "BEFORE", "DELETE", "OLD", -1 },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(facts); i++) {
		const struct fact *f = &facts[i];
		bool contract = !strcmp(f->table, "contract");
		for (size_t j = 0; j < DT_ARRAY_SIZE(t); j++) {
			dt_strbuf_reset(&name);
			dt_strbuf_reset(&ev);
			dt_strbuf_reset(&cond);
			dt_strbuf_addf(&name, "%s_agg_%s", f->table, t[j].suffix);
			dt_strbuf_adds(&ev, t[j].event);
			if (strstr(t[j].event, "UPDATE"))
				dt_strbuf_addf(&ev, " %s", f->cols);
			fact_when(&cond, f, t[j].event);
			struct trig tr = { d, name.buf, t[j].time, ev.buf, f->table, cond.buf };
			trig_begin(sql, &tr);
			struct dt_strbuf where = DT_STRBUF_INIT;
			subst_row(&where, f->match ? f->match : "x.id = R.id", t[j].row);
			add_sql(sql, f->table, where.buf, t[j].sign);
			dt_strbuf_release(&where);
			if (contract)
				load_sql(sql, t[j].row, t[j].sign);
			trig_end(sql, &tr);
		}
	}
	for (size_t i = 0; i < DT_ARRAY_SIZE(dependents); i++)
		dependent_triggers(sql, d, &dependents[i]);
	load_trigger(sql, d, "mentor_load", true, "mentors_now");
	load_trigger(sql, d, "mentor_load", false, "mentors_now");
	load_trigger(sql, d, "enterprise_load", true, "enterprises_active_now");
	load_trigger(sql, d, "enterprise_load", false, "enterprises_active_now");
	dt_strbuf_release(&name);
	dt_strbuf_release(&ev);
	dt_strbuf_release(&cond);
}

/*
 * The counters named in the deltas that agg_key does not know yet get their
 * codes (agg and agg_year store a counter's code, migration 027; the views
 * and the deltas name it).  Only missing names are inserted, so a name is
 * coded once; a concurrent writer coding the same name (PostgreSQL) waits
 * for the other and then does nothing, or fails to serialize and retries.
 */
const char dt_agg_flush_keys_sql[] =
	"INSERT INTO agg_key(name) SELECT DISTINCT d.key FROM agg_delta d "
	"WHERE NOT EXISTS (SELECT 1 FROM agg_key k WHERE k.name = d.key) ORDER BY 1 "
	"ON CONFLICT (name) DO NOTHING";
/*
 * Each delta at the region, every region above it and the nation; under its
 * occupation and under all.  In key order: concurrent writers (PostgreSQL)
 * lock the agg rows they add to in one order, and do not deadlock.
 */
const char dt_agg_flush_sql[] =
	"INSERT INTO agg(region, occ, key, period, value) "
	"SELECT u.anc, CASE o.k WHEN 1 THEN d.occ ELSE 0 END, c.code, d.period, sum(d.v) "
	"FROM agg_delta d JOIN agg_key c ON c.name = d.key JOIN region_up u ON u.region = d.region, "
	"(SELECT 0 AS k UNION ALL SELECT 1) o "
	"WHERE o.k = 0 OR d.occ IS NOT NULL GROUP BY 1, 2, 3, 4 HAVING sum(d.v) != 0 "
	"ORDER BY 1, 2, 3, 4 "
	"ON CONFLICT (region, occ, key, period) DO UPDATE SET value = agg.value + excluded.value";
/* And per year: the same deltas summed by period / 100. */
const char dt_agg_flush_year_sql[] =
	"INSERT INTO agg_year(region, occ, key, year, value) "
	"SELECT u.anc, CASE o.k WHEN 1 THEN d.occ ELSE 0 END, c.code, d.period / 100, sum(d.v) "
	"FROM agg_delta d JOIN agg_key c ON c.name = d.key JOIN region_up u ON u.region = d.region, "
	"(SELECT 0 AS k UNION ALL SELECT 1) o "
	"WHERE o.k = 0 OR d.occ IS NOT NULL GROUP BY 1, 2, 3, 4 HAVING sum(d.v) != 0 "
	"ORDER BY 1, 2, 3, 4 "
	"ON CONFLICT (region, occ, key, year) DO UPDATE SET value = agg_year.value + excluded.value";

/*
 * The rebuild sums each view by region first, puts those sums into
 * agg_delta as the triggers would put the rows one by one, and runs the
 * flush: the ancestors, the years and the counters' codes are the flush's.
 */
void dt_agg_rebuild_sql(struct dt_strbuf *sql)
{
	dt_strbuf_adds(sql, "DELETE FROM mentor_load;\n"
			    "DELETE FROM enterprise_load;\n"
			    "INSERT INTO mentor_load(enterprise_id, mentor, region, n) "
			    "SELECT enterprise_id, company_mentor, region, count(*) "
			    "FROM contract WHERE status = 'active' GROUP BY 1, 2, 3;\n"
			    "INSERT INTO enterprise_load(enterprise_id, region, n) "
			    "SELECT enterprise_id, region, count(*) "
			    "FROM contract WHERE status = 'active' GROUP BY 1, 2;\n"
			    "DELETE FROM agg_delta;\n"
			    "DELETE FROM agg;\n"
			    "DELETE FROM agg_year;\n");
	for (size_t i = 0; i < DT_ARRAY_SIZE(facts); i++)
		dt_strbuf_addf(
			sql,
			"INSERT INTO agg_delta(region, occ, key, period, v) "
			"SELECT x.region, x.occ, x.key, x.period, sum(x.v) FROM %s_contrib x "
			"GROUP BY 1, 2, 3, 4;\n",
			facts[i].table);
	dt_strbuf_addf(
		sql,
		"INSERT INTO agg_delta(region, occ, key, period, v) "
		"SELECT region, NULL, 'mentors_now', 0, count(*) FROM mentor_load GROUP BY 1;\n"
		"INSERT INTO agg_delta(region, occ, key, period, v) "
		"SELECT region, NULL, 'enterprises_active_now', 0, count(*) FROM enterprise_load "
		"GROUP BY 1;\n"
		"%s;\n%s;\n%s;\n"
		"DELETE FROM agg_delta;\n",
		dt_agg_flush_keys_sql, dt_agg_flush_sql, dt_agg_flush_year_sql);
}
