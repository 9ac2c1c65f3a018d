/*
 * test_indicators.c - the indicators, their aggregates and the alerts.
 *
 * - Every indicator on a small fixed pilot, against values computed by hand
 *   (written out in the comments), at the county, city, province and nation
 *   levels, per quarter and per occupation.
 * - Targets: national defaults overridden below, pro-rated attainment and
 *   projection.
 * - The property test: random sequences of writes (create, approve,
 *   activate, dissolve, complete, transfer, sign off, assess, outcomes,
 *   demand, places, deletes, a programme's occupation changed, minimum wages
 *   added and changed, an organisation moved; supervision: plans committed
 *   and drawn, inspections conducted and done, findings recorded, rectified,
 *   accepted and rejected, and findings changed behind the store's back:
 *   deadlines moved into the past, severities changed, rows deleted) keep the maintained
 *   aggregates equal to a rebuild from the facts; and the check finds a
 *   tampered aggregate.
 * - The alert rules raise one alert per subject and keep it while open.
 */
#include <math.h>

#include "store_fixture.h"

#include "domain/indicator.h"
#include "engine/indicators.h"

static void assert_agg_equal(struct fx *f, const char *when);

/* ---- the fixed pilot ---- */

struct pilot {
	struct fx_world w;
	int64_t ent2, c[6];
};

static int64_t trainee(struct fx *f)
{
	return fx_trainee(f, "210102", NULL);
}

/* A contract of trainee @t at enterprise @ent from @start, taken to active. */
static int64_t active(struct fx *f, const struct fx_world *w, int64_t ent, int64_t t,
		      const char *start, int stipend)
{
	struct fx_world x = *w;
	x.ent = ent;
	x.trainee = t;
	json_t *in = fx_contract_in(&x, start, "2028-08-31");
	json_object_set_new(in, "stipend_monthly", json_integer(stipend));
	int64_t id = fx_create(f, "contract", in);
	assert_int_equal(fx_act(f, id, DT_CEV_SUBMIT, 0, NULL, NULL), DT_OK);
	for (int p = 0; p < DT_PARTY_N; p++)
		assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, (enum dt_party)p, NULL, NULL),
				 DT_OK);
	if (fx_act(f, id, DT_CEV_ACTIVATE, 0, NULL, NULL) != DT_OK)
		fail_msg("activate: %s", f->err.buf);
	return id;
}

static int64_t entry(struct fx *f, int64_t con, const char *date, const char *site, double hours,
		     bool sign)
{
	int64_t id =
		fx_create(f, "record_entry",
			  json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id", (json_int_t)con,
				    "date", date, "site", site, "hours", hours, "content", "实训"));
	if (sign)
		assert_int_equal(dt_store_record_signoff(f->s, &f->actor, NULL, id, NULL, &f->err),
				 DT_OK);
	return id;
}

static void assess(struct fx *f, int64_t con, const char *date, const char *result)
{
	fx_create(f, "assessment",
		  json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)con, "kind", "final",
			    "date", date, "result", result));
}

/*
 * The pilot, all in Shenyang's Heping district (210102):
 *   C1 E1 from 2025-09-01, active, stipend 2500, mentor 李师傅
 *   C2 E1 from 2025-09-01, active, stipend 1500 (below the 2100 minimum)
 *   C3 E2 from 2024-09-01, dissolved 2025-03-10 (cohort 2024, a year after)
 *   C4 E2 from 2025-09-01, dissolved 2025-10-15 (in probation, same year)
 *   C5 E1 from 2023-09-01, completed 2026-06-30, retained 2026-07-15
 * Record book of C1: 2026-03-02 company 8 h and 2026-03-03 school 6.5 h
 * signed; 2026-04-01 company 4 h not signed.  Final assessments: C1 fails
 * 2026-05-10 (first attempt); C5 fails 2026-05-01 (first), passes
 * 2026-06-20.  Demand 10 and places 4 in 2026 for occupation 4-02-06-01.
 */
static struct pilot make_pilot(struct fx *f)
{
	struct pilot p;
	p.w = fx_world(f);
	p.ent2 = fx_org(f, "enterprise", 210102, "沈阳第二机床");
	fx_create(f, "min_wage",
		  json_pack("{s:s, s:s, s:i}", "region", "210100", "valid_from", "2023-01-01",
			    "monthly", 2100));
	p.c[1] = active(f, &p.w, p.w.ent, p.w.trainee, "2025-09-01", 2500);
	p.c[2] = active(f, &p.w, p.w.ent, trainee(f), "2025-09-01", 1500);
	p.c[3] = active(f, &p.w, p.ent2, trainee(f), "2024-09-01", 2500);
	assert_int_equal(fx_act(f, p.c[3], DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:s, s:b}", "date", "2025-03-10", "reason",
					  "个人原因", "in_probation", 0),
				NULL),
			 DT_OK);
	p.c[4] = active(f, &p.w, p.ent2, trainee(f), "2025-09-01", 2500);
	assert_int_equal(fx_act(f, p.c[4], DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:s, s:b}", "date", "2025-10-15", "reason",
					  "不适应", "in_probation", 1),
				NULL),
			 DT_OK);
	p.c[5] = active(f, &p.w, p.w.ent, trainee(f), "2023-09-01", 2500);
	assess(f, p.c[5], "2026-05-01", "fail");
	assess(f, p.c[5], "2026-06-20", "pass");
	assert_int_equal(fx_act(f, p.c[5], DT_CEV_COMPLETE, 0,
				json_pack("{s:s}", "date", "2026-06-30"), NULL),
			 DT_OK);
	fx_create(f, "outcome",
		  json_pack("{s:I, s:s, s:s}", "contract_id", (json_int_t)p.c[5], "kind",
			    "retained", "date", "2026-07-15"));
	entry(f, p.c[1], "2026-03-02", "company", 8, true);
	entry(f, p.c[1], "2026-03-03", "school", 6.5, true);
	entry(f, p.c[1], "2026-04-01", "company", 4, false);
	assess(f, p.c[1], "2026-05-10", "fail");
	int64_t occ = fx_occupation_id(f, "4-02-06-01");
	fx_create(f, "demand",
		  json_pack("{s:I, s:I, s:i, s:i, s:i}", "enterprise_id", (json_int_t)p.w.ent,
			    "occupation_id", (json_int_t)occ, "level", 4, "year", 2026, "count",
			    10));
	fx_create(f, "place",
		  json_pack("{s:I, s:I, s:i, s:i}", "enterprise_id", (json_int_t)p.w.ent,
			    "programme_id", (json_int_t)p.w.prog, "year", 2026, "capacity", 4));
	return p;
}

static json_t *dashboard(struct fx *f, int region, int year, int quarter, const char *occ)
{
	struct dt_ind_query q = { .region = region,
				  .period = { year, quarter, 0 },
				  .occupation = occ,
				  .today = 20261126 };
	json_t *out = NULL;
	dt_strbuf_reset(&f->err);
	if (dt_engine_indicators(f->s, &q, &out, &f->err) != DT_OK)
		fail_msg("indicators: %s", f->err.buf);
	return out;
}

static json_t *ind(json_t *dash, const char *code)
{
	size_t i;
	json_t *o;
	json_array_foreach(
		json_object_get(dash, "indicators"), i,
		o) if (!strcmp(json_string_value(json_object_get(o, "code")), code)) return o;
	fail_msg("no indicator %s", code);
	return NULL;
}

/* Value of @code in @dash is @want (NAN: null), to 3 decimals. */
static void expect(json_t *dash, const char *code, double want)
{
	json_t *v = json_object_get(ind(dash, code), "value");
	if (isnan(want)) {
		if (!json_is_null(v))
			fail_msg("%s: expected null, got %g", code, json_number_value(v));
		return;
	}
	if (!json_is_number(v))
		fail_msg("%s: expected %g, got null", code, want);
	if (fabs(json_number_value(v) - want) > 0.001)
		fail_msg("%s: expected %g, got %g", code, want, json_number_value(v));
}

static void test_hand_computed(void **state)
{
	struct fx *f = *state;
	make_pilot(f);
	/* The same figures at the district, the city, the province and the nation. */
	static const int levels[] = { 210102, 210100, 210000, 0 };
	for (size_t l = 0; l < DT_ARRAY_SIZE(levels); l++) {
		json_t *d = dashboard(f, levels[l], 2026, 0, NULL);
		expect(d, "active_contracts", 2);          /* C1, C2 at the end of 2026 */
		expect(d, "new_contracts", 0);             /* none began in 2026 */
		expect(d, "trainees_per_mentor", 2);       /* 2 active / 1 mentor (E1, 李师傅) */
		expect(d, "enterprise_participation", 50); /* E1 of E1, E2 */
		expect(d, "dual_ratio", 100.0 * 8 / 14.5); /* signed only: 8 / (8 + 6.5) */
		expect(d, "dual_ratio_plan",
		       100.0 * 4800 / 7200);      /* 2 x 2400 of 2 x 3600 planned */
		expect(d, "dissolution_rate", 0); /* no dissolutions in 2026 */
		expect(d, "dissolutions", 0);
		expect(d, "achievement_rate", 100);    /* 1 pass (C5) / 1 leaver (C5) */
		expect(d, "retention_rate", 100);      /* 1 completer / 1 leaver */
		expect(d, "pass_rate", 100.0 / 3);     /* 1 pass of 3 finals */
		expect(d, "first_pass_rate", 0);       /* 0 of 2 first attempts */
		expect(d, "firm_retention_rate", 100); /* C5 retained within 3 months */
		expect(d, "supply_demand_ratio", 0.4); /* 4 places / 10 demanded */
		expect(d, "stipend_compliance", 50);   /* C1 2500 >= 2100, C2 1500 < 2100 */
		expect(d, "hours_company", 8);
		expect(d, "hours_school", 6.5);
		/* The year before, for "previous" and the layer method. */
		json_t *p = dashboard(f, levels[l], 2025, 0, NULL);
		expect(p, "active_contracts", 3); /* C1, C2, C5 */
		expect(p, "new_contracts", 3);    /* C1, C2, C4 */
		/* 2025 dissolutions: C4 of the 2025 cohort (3 began), C3 of the 2024 cohort (1 began). */
		expect(p, "dissolution_rate", 100.0 * (1.0 / 3 + 1.0 / 1));
		expect(p, "dissolutions", 2);
		expect(p, "dual_ratio", NAN);   /* no signed hours in 2025 */
		expect(p, "retention_rate", 0); /* 0 completers / 2 leavers */
		expect(p, "supply_demand_ratio", NAN);
		assert_true(fabs(json_number_value(
					 json_object_get(ind(d, "active_contracts"), "previous")) -
				 3) < 1e-9);
		json_decref(p);
		json_decref(d);
	}
	/* Another city sees nothing. */
	json_t *d = dashboard(f, 210200, 2026, 0, NULL);
	expect(d, "active_contracts", 0);
	expect(d, "dual_ratio", NAN);
	json_decref(d);
	/* Quarters: the signed hours are in March. */
	d = dashboard(f, 210100, 2026, 1, NULL);
	expect(d, "dual_ratio", 100.0 * 8 / 14.5);
	expect(d, "active_contracts", 3); /* C5 still active at the end of March */
	json_decref(d);
	d = dashboard(f, 210100, 2026, 2, NULL);
	expect(d, "dual_ratio", NAN);
	expect(d, "pass_rate", 100.0 / 3);
	expect(d, "active_contracts", 2); /* C5 completed in June */
	json_decref(d);
	/* Per occupation: all of it is 4-02-06-01; another occupation has none. */
	d = dashboard(f, 210100, 2026, 0, "4-02-06-01");
	expect(d, "active_contracts", 2);
	expect(d, "supply_demand_ratio", 0.4);
	expect(d, "dual_ratio", NAN); /* not kept per occupation */
	json_decref(d);
	d = dashboard(f, 210100, 2026, 0, "4-02-05-01");
	expect(d, "active_contracts", 0);
	json_decref(d);
	/* Unknown occupations and regions are named. */
	struct dt_ind_query q = { .region = 210100,
				  .period = { 2026, 0, 0 },
				  .occupation = "9-99-99-99" };
	json_t *out = NULL;
	assert_int_equal(dt_engine_indicators(f->s, &q, &out, &f->err), DT_EINVAL);
	assert_non_null(strstr(f->err.buf, "occupation"));
}

/* A contract completed on @ended (a final assessment passed before), retained on @retained. */
static void completed_retained(struct fx *f, const struct fx_world *w, const char *ended,
			       const char *retained)
{
	int64_t c = active(f, w, w->ent, trainee(f), "2023-09-01", 2500);
	assess(f, c, "2025-11-20", "pass");
	assert_int_equal(fx_act(f, c, DT_CEV_COMPLETE, 0, json_pack("{s:s}", "date", ended), NULL),
			 DT_OK);
	fx_create(f, "outcome",
		  json_pack("{s:I, s:s, s:s}", "contract_id", (json_int_t)c, "kind", "retained",
			    "date", retained));
}

static int64_t retained_3m(struct fx *f, int period)
{
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(sum(value), 0) FROM agg WHERE region = 0 AND occ = 0 "
		 "AND key = (SELECT code FROM agg_key WHERE name = 'retained_3m') AND period = %d",
		 period);
	return fx_sql_int(f, sql);
}

/*
 * "Retained within three months" is three calendar months, the last day
 * of a shorter month standing for a later day: from 2025-11-30 up to
 * 2026-02-28, not SQLite's date('2025-11-30', '+3 months') = 2026-03-02
 * (migration 006, the same on PostgreSQL).
 */
static void test_retained_window(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	completed_retained(f, &w, "2025-11-30", "2026-02-28"); /* counts */
	completed_retained(f, &w, "2025-11-30", "2026-03-01"); /* does not */
	completed_retained(f, &w, "2025-11-28", "2026-02-28"); /* counts: the same day */
	completed_retained(f, &w, "2025-11-27", "2026-02-28"); /* does not */
	json_t *d = dashboard(f, 210102, 2025, 4, NULL);
	expect(d, "firm_retention_rate", 50); /* 2 of the 4 completers */
	json_decref(d);
	assert_agg_equal(f, "retained window");
}

/*
 * A database made before migration 006 counted 2026-03-01 as within three
 * months of 2025-11-30; the migration takes its aggregates to the new
 * window in the same transaction, so that they equal a rebuild at once.
 * On PostgreSQL, whose 003 never had the old view, the window is 006's from the start.
 */
static void test_retained_window_upgrade(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	completed_retained(f, &w, "2025-11-30", "2026-02-28");
	completed_retained(f, &w, "2025-11-30", "2026-03-01");
	if (fx_is_pg(f)) {
		/* PostgreSQL's 003 had no date arithmetic to spill over: the window was 006's from the start. */
		assert_int_equal(retained_3m(f, 202511), 1);
		assert_agg_equal(f, "PostgreSQL, as made");
		return;
	}
	/* The view and the aggregates as 003 had them, and the schema one migration short. */
	fx_sql_exec(f,
		    "DROP VIEW outcome_contrib;\n"
		    "CREATE VIEW outcome_contrib(id, region, occ, key, period, v) AS "
		    "SELECT o.id, o.region, p.occupation_id, 'retained_3m', "
		    "CAST(substr(c.ended_on, 1, 4) AS INTEGER) * 100 "
		    "+ CAST(substr(c.ended_on, 6, 2) AS INTEGER), 1 "
		    "FROM outcome o JOIN contract c ON c.id = o.contract_id "
		    "JOIN programme p ON p.id = c.programme_id "
		    "WHERE o.kind = 'retained' AND c.status = 'completed' "
		    "AND c.activated_at IS NOT NULL AND o.date <= date(c.ended_on, '+3 months')");
	assert_int_equal(dt_store_indicators_rebuild(f->s, &f->actor, NULL, &f->err), DT_OK);
	assert_int_equal(retained_3m(f, 202511), 2);
	dt_store_close(f->s);
	f->s = NULL;
	int version = (int)fx_sql_int(f, "PRAGMA user_version");
	/*
	 * Back to before 006 (the migrations after it run again too).  The
	 * tables that 008 and 009 make go first, so that they can be made
	 * again; 007 rebuilds the audit table from the columns it had then,
	 * which 010 changed (ts as text, prev_hash): the table goes back to that
	 * shape, its events unchanged, as 010 would find it.
	 */
	fx_sql_exec(f, "DROP VIEW IF EXISTS plan_candidate_contrib; DROP VIEW IF EXISTS "
		       "inspection_contrib; DROP VIEW IF EXISTS finding_contrib; "
		       "DROP TABLE IF EXISTS attachment_link; DROP TABLE IF EXISTS attachment; "
		       "DROP TABLE IF EXISTS rectification; DROP TABLE IF EXISTS finding; "
		       "DROP TABLE IF EXISTS inspection_check; DROP TABLE IF EXISTS inspection; "
		       "DROP TABLE IF EXISTS plan_candidate; DROP TABLE IF EXISTS plan_inspector; "
		       "DROP TABLE IF EXISTS plan_check; DROP TABLE IF EXISTS inspection_plan");
	/* what 013 adds to tables it does not make, so that it can run again */
	fx_sql_exec(
		f,
		"DROP INDEX IF EXISTS contract_company_mentor; DROP INDEX IF EXISTS contract_school_mentor; "
		"ALTER TABLE contract DROP COLUMN company_mentor_id; ALTER TABLE contract DROP COLUMN school_mentor_id; "
		"ALTER TABLE record_entry DROP COLUMN signed_mentor_id; ALTER TABLE record_entry DROP COLUMN signed_account_id; "
		"ALTER TABLE record_entry DROP COLUMN signed_delegate; ALTER TABLE account DROP COLUMN mentor_id; "
		/* and the tables 015 makes */
		"DROP TABLE pub_fts; DROP TABLE pub_case_comment; DROP TABLE pub_case_version; "
		"DROP TABLE pub_item; DROP TABLE pub_case; ");
	/* the aggregates by counter name, as 027 finds them */
	static const char *const named[][2] = { { "agg", "period" }, { "agg_year", "year" } };
	for (size_t i = 0; i < DT_ARRAY_SIZE(named); i++) {
		char sql[1024];
		snprintf(sql, sizeof(sql),
			 "CREATE TABLE %1$s_named (region INTEGER NOT NULL, occ INTEGER NOT NULL, "
			 "key TEXT NOT NULL, %2$s INTEGER NOT NULL, value INTEGER NOT NULL, "
			 "PRIMARY KEY (region, occ, key, %2$s)) STRICT, WITHOUT ROWID;\n"
			 "INSERT INTO %1$s_named SELECT a.region, a.occ, k.name, a.%2$s, a.value "
			 "FROM %1$s a JOIN agg_key k ON k.code = a.key;\n"
			 "DROP TABLE %1$s; ALTER TABLE %1$s_named RENAME TO %1$s",
			 named[i][0], named[i][1]);
		fx_sql_exec(f, sql);
	}
	fx_sql_exec(f, "DROP TABLE agg_key");
	fx_sql_exec(f, "PRAGMA user_version = 5");
	fx_sql_exec(
		f, "CREATE TABLE audit_old AS SELECT id, strftime('%Y-%m-%dT%H:%M:%S', ts / 1000, "
		   "'unixepoch') || printf('.%03dZ', ts % 1000) AS ts, actor, request_id, action, "
		   "entity, entity_id, before, after, region, hash AS prev_hash, hash FROM audit;\n"
		   "DROP TABLE audit; ALTER TABLE audit_old RENAME TO audit");
	assert_int_equal(dt_store_open(&f->s, f->path, &f->keys, 0, &f->err), DT_OK);
	assert_int_equal(dt_store_schema_version(f->s), version);
	assert_int_equal(retained_3m(f, 202511), 1);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM agg_delta"), 0);
	assert_agg_equal(f, "after migration 006");
}

/* The tables whose times migration 028 takes to milliseconds. */
static const char *const ms_tables[] = { "mentor", "demand", "place", "assessment", "outcome" };

/* Every record of those tables as the API shows it, table by table. */
static json_t *all_ms_records(struct fx *f)
{
	json_t *all = json_object();
	for (size_t i = 0; i < DT_ARRAY_SIZE(ms_tables); i++) {
		json_t *page = NULL;
		char *next = NULL;
		struct dt_query q = { .sort = "id", .limit = 1000 };
		assert_int_equal(dt_store_list(f->s, NULL, ms_tables[i], &q, &page, &next, &f->err),
				 DT_OK);
		assert_null(next);
		assert_true(json_array_size(page) > 0);
		json_object_set_new(all, ms_tables[i], page);
	}
	return all;
}

/*
 * Migration 028 stores the times of mentors, demands, places, assessments
 * and outcomes as milliseconds: a database of 027 (the times as text, as 001
 * made them) upgrades with its data, the API shows every record as before,
 * a time that was edited by hand stops the migration, and the records check
 * and the aggregates agree after it.
 */
static void test_times_ms_upgrade(void **state)
{
	struct fx *f = *state;
	struct pilot p = make_pilot(f);
	fx_create(f, "mentor",
		  json_pack("{s:s, s:I, s:s}", "name", "王师傅", "organization_id",
			    (json_int_t)p.w.ent, "kind", "company"));
	json_t *old = all_ms_records(f);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM assessment WHERE created_at > 0"),
			 json_array_size(json_object_get(old, "assessment")));
	int version = dt_store_schema_version(f->s), back = fx_migrations_before(f, 28);
	assert_true(back < version);
	dt_store_close(f->s);
	f->s = NULL;
	/* back to 027: each table's times as text */
	for (size_t i = 0; i < DT_ARRAY_SIZE(ms_tables); i++) {
		char sql[2048];
		if (fx_is_pg(f))
			snprintf(sql, sizeof(sql),
				 "ALTER TABLE %1$s ALTER COLUMN created_at TYPE TEXT USING "
				 "to_char((to_timestamp(created_at / 1000) + (created_at %% "
				 "1000) * interval '1 millisecond') AT TIME ZONE 'UTC', "
				 "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), ALTER COLUMN updated_at "
				 "TYPE TEXT USING to_char((to_timestamp(updated_at / 1000) + "
				 "(updated_at %% 1000) * interval '1 millisecond') AT TIME ZONE "
				 "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
				 ms_tables[i]);
		else
			snprintf(sql, sizeof(sql),
				 "PRAGMA legacy_alter_table = ON;\n"
				 "CREATE TABLE %1$s_back AS SELECT * FROM %1$s;\n"
				 "UPDATE %1$s_back SET "
				 "created_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%S', created_at / "
				 "1000, 'unixepoch') || printf('.%%03dZ', created_at %% 1000), "
				 "updated_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%S', updated_at / "
				 "1000, 'unixepoch') || printf('.%%03dZ', updated_at %% 1000);\n"
				 "DROP TABLE %1$s;\n"
				 "ALTER TABLE %1$s_back RENAME TO %1$s;\n"
				 "PRAGMA legacy_alter_table = OFF",
				 ms_tables[i]);
		fx_sql_exec(f, sql);
	}
	char sql[160];
	if (fx_is_pg(f))
		snprintf(sql, sizeof(sql),
			 "UPDATE meta SET value = '%d' WHERE key = 'schema_version'", back);
	else
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", back);
	fx_sql_exec(f, sql);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM assessment WHERE created_at "
				       "LIKE '20__-__-__T__:__:__.___Z'"),
			 json_array_size(json_object_get(old, "assessment")));
	/* a time edited by hand stops the migration, which changes nothing */
	fx_sql_exec(f, "UPDATE outcome SET updated_at = 'x' || updated_at");
	dt_strbuf_reset(&f->err);
	if (dt_store_open(&f->s, f->path, &f->keys, 0, &f->err) == DT_OK)
		fail_msg("a hand-edited time was converted");
	f->s = NULL;
	if (!strstr(f->err.buf, "028_times_ms") ||
	    (!fx_is_pg(f) && !strstr(f->err.buf, "updated_at")))
		fail_msg("refused with \"%s\", wanted the migration and the column named",
			 f->err.buf);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM outcome WHERE updated_at LIKE 'x%'"),
			 json_array_size(json_object_get(old, "outcome")));
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM assessment WHERE created_at "
				       "LIKE '20__-__-__T__:__:__.___Z'"),
			 json_array_size(json_object_get(old, "assessment")));
	/* mended, it goes through */
	fx_sql_exec(f, "UPDATE outcome SET updated_at = substr(updated_at, 2)");
	if (dt_store_open(&f->s, f->path, &f->keys, 0, &f->err) != DT_OK)
		fail_msg("open: %s", f->err.buf);
	assert_int_equal(dt_store_schema_version(f->s), version);
	if (!fx_is_pg(f))
		for (size_t i = 0; i < DT_ARRAY_SIZE(ms_tables); i++) {
			snprintf(sql, sizeof(sql),
				 "SELECT count(*) FROM %s WHERE typeof(created_at) != 'integer' OR "
				 "typeof(updated_at) != 'integer'",
				 ms_tables[i]);
			assert_int_equal(fx_sql_int(f, sql), 0);
		}
	json_t *now = all_ms_records(f);
	if (!json_equal(old, now)) {
		char *a = json_dumps(old, JSON_COMPACT), *b = json_dumps(now, JSON_COMPACT);
		fail_msg("before 028: %s\nafter: %s", a, b);
	}
	json_decref(old);
	json_decref(now);
	int64_t mismatches = -1;
	json_t *sample = NULL;
	assert_int_equal(dt_store_indicators_verify(f->s, &mismatches, &sample, &f->err), DT_OK);
	json_decref(sample);
	assert_int_equal(mismatches, 0);
	struct dt_strbuf report = DT_STRBUF_INIT;
	int64_t found = -1, records = 0;
	assert_int_equal(dt_store_records_check(f->s, &report, 20, &found, &records, &f->err),
			 DT_OK);
	if (found)
		fail_msg("records check: %s", report.buf);
	dt_strbuf_release(&report);
}

static void test_targets(void **state)
{
	struct fx *f = *state;
	make_pilot(f);
	/* National default for the pass rate; Shenyang's own for company hours. */
	json_t *nat = json_pack("[{s:s, s:f, s:f}]", "indicator", "pass_rate", "value", 50.0,
				"baseline", 40.0);
	assert_int_equal(dt_store_targets_set(f->s, &f->actor, 0, 2026, nat, NULL, &f->err), DT_OK);
	json_t *city = json_pack("[{s:s, s:f}, {s:s, s:f}]", "indicator", "hours_company", "value",
				 10.0, "indicator", "pass_rate", "value", 40.0);
	assert_int_equal(dt_store_targets_set(f->s, &f->actor, 210100, 2026, city, NULL, &f->err),
			 DT_OK);
	json_t *d = dashboard(f, 210100, 2026, 0, NULL);
	/* A level: 33.33 of 40 (the city's own target wins over the national 50). */
	json_t *pr = ind(d, "pass_rate");
	assert_string_equal(json_string_value(json_object_get(pr, "target_source")), "pilot");
	assert_true(fabs(json_number_value(json_object_get(pr, "attainment")) - (100.0 / 3) / 40) <
		    1e-3);
	/* A flow, pro-rated: 330 of 365 days gone, 8 h of 10 x 330/365 expected. */
	json_t *hc = ind(d, "hours_company");
	double elapsed = 330.0 / 365;
	assert_true(fabs(json_number_value(json_object_get(hc, "attainment")) -
			 8 / (10 * elapsed)) < 1e-3);
	assert_true(fabs(json_number_value(json_object_get(hc, "projection")) - 8 / elapsed) <
		    1e-3);
	json_decref(d);
	/* Elsewhere the national default applies. */
	d = dashboard(f, 210200, 2026, 0, NULL);
	assert_string_equal(
		json_string_value(json_object_get(ind(d, "pass_rate"), "target_source")),
		"national");
	json_decref(d);
	/* Setting again updates; a bad indicator changes nothing and is named. */
	struct fx_snap before = fx_snapshot(f);
	json_t *bad = json_pack("[{s:s, s:f}, {s:s, s:f}]", "indicator", "pass_rate", "value", 45.0,
				"indicator", "no_such", "value", 1.0);
	assert_int_equal(dt_store_targets_set(f->s, &f->actor, 210100, 2026, bad, NULL, &f->err),
			 DT_EINVAL);
	json_t *fe = dt_store_field_errors(f->s);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fe, 0), "field")),
			    "targets[1].indicator");
	fx_assert_unchanged(f, &before);
	/* A scoped writer may not set another province's targets. */
	struct dt_scope sc = { 210000, 0, 0, 0 };
	struct dt_actor a = { "liaoning", NULL, &sc };
	json_t *other = json_pack("[{s:s, s:f}]", "indicator", "pass_rate", "value", 45.0);
	assert_int_equal(dt_store_targets_set(f->s, &a, 220100, 2026, other, NULL, &f->err),
			 DT_EINVAL);
	json_decref(nat);
	json_decref(city);
	json_decref(bad);
	json_decref(other);
}

static void test_domain(void **state)
{
	(void)state;
	struct dt_period y = { 2026, 0, 0 }, q2 = { 2026, 2, 0 }, m1 = { 2026, 0, 1 };
	assert_true(dt_period_elapsed(&y, 20270101) == 1);
	assert_true(dt_period_elapsed(&y, 20251231) == 0);
	assert_true(fabs(dt_period_elapsed(&y, 20260101) - 1.0 / 365) < 1e-9);
	assert_true(fabs(dt_period_elapsed(&q2, 20260515) - (30 + 15.0) / 91) < 1e-9);
	struct dt_period prev = dt_period_prev(&m1);
	assert_int_equal(prev.year, 2025);
	assert_int_equal(prev.month, 12);
	prev = dt_period_prev(&q2);
	assert_int_equal(prev.quarter, 1);
	/* Lower is better: the target over the value, capped at 2. */
	const struct dt_indicator *dr = dt_indicator_find("dissolution_rate");
	double proj;
	assert_true(fabs(dt_attainment(dr, &y, 12.5, 10, 0.5, &proj) - 0.8) < 1e-9);
	assert_true(dt_attainment(dr, &y, 0, 10, 0.5, &proj) == 2);
	assert_true(isnan(dt_attainment(dr, &y, NAN, 10, 0.5, &proj)));
	/*
	 * A ceiling (the case: 3.46 trainees per mentor, at most 4.00) is
	 * attained by anything within it, not "115%"; above it, target / value.
	 */
	const struct dt_indicator *tm = dt_indicator_find("trainees_per_mentor");
	assert_int_equal(tm->direction, DT_D_CEILING);
	assert_true(dt_attainment(tm, &y, 3.46, 4.0, 0.5, &proj) == 1.0);
	assert_true(dt_attainment(tm, &y, 4.0, 4.0, 0.5, &proj) == 1.0);
	assert_true(dt_attainment(tm, &y, 0.5, 4.0, 0.5, &proj) == 1.0);
	assert_true(fabs(dt_attainment(tm, &y, 5.0, 4.0, 0.5, &proj) - 0.8) < 1e-9);
	assert_string_equal(dt_direction_name(tm->direction), "ceiling");
	assert_string_equal(dt_direction_name(dr->direction), "lower");
	/* A flow for a quarter: a quarter of the yearly target, half of it gone. */
	const struct dt_indicator *nc = dt_indicator_find("new_contracts");
	assert_true(fabs(dt_attainment(nc, &q2, 10, 80, 0.5, &proj) - 1.0) < 1e-9);
	assert_true(fabs(proj - 20) < 1e-9);
	/* Every indicator has names, a unit and a counter for each key the store keeps. */
	for (int i = 0; i < dt_nindicators; i++) {
		assert_non_null(dt_indicators[i].name_zh);
		assert_non_null(dt_indicators[i].name_en);
	}
	for (int c = 0; c < DT_C_N; c++)
		assert_int_equal(dt_counter_find(dt_counter_key((enum dt_counter)c)), c);
}

/*
 * The supervision indicators on a fixed set of plans, inspections and
 * findings (made with SQL, as the draw and the inspectors would leave
 * them; the triggers keep the aggregates), today 2026-11-26:
 *
 *   plan 1 (Liaoning, 2026): candidates 4 in Shenyang (210100), 6 in Dalian
 *     (210200); inspections I1 Shenyang 210102 done, I2 Shenyang in
 *     progress, I3 Dalian planned, I4 Dalian 210202 done
 *   plan 2 (Shenyang, 2025): candidates 2 in Shenyang; I5 210102 done
 *   findings: F1 I1 general closed due 2026-09-10; F2 I1 serious open due
 *     2026-10-05 (overdue); F3 I2 grave rectifying due 2026-11-10 (this
 *     month: not yet counted); F4 I2 general submitted due 2026-08-20; F5
 *     I4 serious closed due 2026-12-15 (closed early); F6 I5 general open
 *     due 2025-12-01 (overdue)
 */
/* What raw SQL left in agg_delta into agg, as the store's next commit does. */
static void flush(struct fx *f)
{
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_OK);
	assert_int_equal(dt_store_commit(f->s, &f->err), DT_OK);
}

static void test_supervision(void **state)
{
	struct fx *f = *state;
	int64_t e1 = fx_org(f, "enterprise", 210102, "督查甲企业"),
		e2 = fx_org(f, "enterprise", 210202, "督查乙企业");
	char sql[4096];
	snprintf(
		sql, sizeof(sql),
		"INSERT INTO inspection_plan (id, region, year, title, object_kinds, sample_kind, "
		"sample_value, cross_city, weights, status, created_by, created_at, updated_at) VALUES "
		"(1, 210000, 2026, 'p1', 'enterprise', 'count', 1, 0, '{}', 'drawn', 't', '%1$s', '%1$s'), "
		"(2, 210100, 2025, 'p2', 'enterprise', 'count', 1, 0, '{}', 'drawn', 't', '%1$s', '%1$s');"
		"INSERT INTO plan_candidate (plan_id, object_kind, object_id, city, weight, reasons) VALUES "
		"(1, 'enterprise', 1, 210100, 1, '[]'), (1, 'enterprise', 2, 210100, 1, '[]'), "
		"(1, 'enterprise', 3, 210100, 1, '[]'), (1, 'enterprise', 4, 210100, 1, '[]'), "
		"(1, 'enterprise', 5, 210200, 1, '[]'), (1, 'enterprise', 6, 210200, 1, '[]'), "
		"(1, 'enterprise', 7, 210200, 1, '[]'), (1, 'enterprise', 8, 210200, 1, '[]'), "
		"(1, 'enterprise', 9, 210200, 1, '[]'), (1, 'enterprise', 10, 210200, 1, '[]'), "
		"(2, 'enterprise', 1, 210100, 1, '[]'), (2, 'enterprise', 2, 210100, 1, '[]');"
		"INSERT INTO inspection (id, plan_id, object_kind, object_id, city, org_id, draw_pos, "
		"status, region, created_at, updated_at) VALUES "
		"(1, 1, 'enterprise', 1, 210100, %2$lld, 1, 'done', 210102, '%1$s', '%1$s'), "
		"(2, 1, 'enterprise', 2, 210100, %2$lld, 2, 'in_progress', 210100, '%1$s', '%1$s'), "
		"(3, 1, 'enterprise', 5, 210200, %3$lld, 3, 'planned', 210200, '%1$s', '%1$s'), "
		"(4, 1, 'enterprise', 6, 210200, %3$lld, 4, 'done', 210202, '%1$s', '%1$s'), "
		"(5, 2, 'enterprise', 1, 210100, %2$lld, 1, 'done', 210102, '%1$s', '%1$s');"
		"INSERT INTO finding (inspection_id, severity, org_id, region, description, deadline, "
		"status, created_at, updated_at) VALUES "
		"(1, 'general', %2$lld, 210102, 'd', '2026-09-10', 'closed', '%1$s', '%1$s'), "
		"(1, 'serious', %2$lld, 210102, 'd', '2026-10-05', 'open', '%1$s', '%1$s'), "
		"(2, 'grave', %2$lld, 210100, 'd', '2026-11-10', 'rectifying', '%1$s', '%1$s'), "
		"(2, 'general', %2$lld, 210100, 'd', '2026-08-20', 'submitted', '%1$s', '%1$s'), "
		"(4, 'serious', %3$lld, 210202, 'd', '2026-12-15', 'closed', '%1$s', '%1$s'), "
		"(5, 'general', %2$lld, 210102, 'd', '2025-12-01', 'open', '%1$s', '%1$s')",
		"2026-11-01T00:00:00.000Z", (long long)e1, (long long)e2);
	fx_sql_exec(f, sql);
	flush(f);

	json_t *d = dashboard(f, 210100, 2026, 0, NULL);
	expect(d, "inspection_coverage", 25);    /* I1 / 4 */
	expect(d, "findings_per_inspection", 2); /* F1-F4 / I1, I2 */
	expect(d, "findings_general_per_inspection", 1);
	expect(d, "findings_serious_per_inspection", 0.5);
	expect(d, "findings_grave_per_inspection", 0.5);
	expect(d, "rectification_closure", 100.0 / 3); /* F1 / F1, F2, F4 */
	expect(d, "overdue_findings", 2);              /* F2, F6 */
	json_decref(d);
	d = dashboard(f, 210000, 2026, 0, NULL);
	expect(d, "inspection_coverage", 20); /* I1, I4 / 10 */
	expect(d, "findings_per_inspection", 5.0 / 3);
	expect(d, "findings_general_per_inspection", 2.0 / 3);
	expect(d, "findings_serious_per_inspection", 2.0 / 3);
	expect(d, "findings_grave_per_inspection", 1.0 / 3);
	expect(d, "rectification_closure", 50); /* F1, F5 / F1, F2, F4, F5 */
	expect(d, "overdue_findings", 2);
	json_decref(d);
	d = dashboard(f, 0, 2026, 0, NULL);
	expect(d, "inspection_coverage", 20);
	expect(d, "rectification_closure", 50);
	json_decref(d);
	d = dashboard(f, 210100, 2026, 4, NULL); /* Q4: F2 due in October, not closed */
	expect(d, "rectification_closure", 0);
	expect(d, "overdue_findings", 2);
	expect(d, "inspection_coverage", 25); /* the year's plans, whatever the quarter */
	json_decref(d);
	d = dashboard(f, 210100, 2025, 0, NULL);
	expect(d, "inspection_coverage", 50); /* I5 / 2 */
	expect(d, "findings_per_inspection", 1);
	expect(d, "rectification_closure", 0); /* F6 past due */
	expect(d, "overdue_findings", 1);
	json_decref(d);
	d = dashboard(f, 210200, 2025, 0, NULL); /* nothing in Dalian that year */
	expect(d, "inspection_coverage", NAN);
	expect(d, "rectification_closure", NAN);
	expect(d, "overdue_findings", 0);
	json_decref(d);

	/* The weights are published with the ranking: closure and coverage 1, overdue 0.5. */
	json_t *r = NULL;
	assert_int_equal(dt_engine_ranking(f->s, 2, 0, 2026, 20261126, &r, &f->err), DT_OK);
	json_t *w = json_object_get(r, "weights");
	assert_true(fabs(json_number_value(json_object_get(w, "rectification_closure")) - 1) <
		    1e-9);
	assert_true(fabs(json_number_value(json_object_get(w, "inspection_coverage")) - 1) < 1e-9);
	assert_true(fabs(json_number_value(json_object_get(w, "overdue_findings")) - 0.5) < 1e-9);
	assert_null(json_object_get(w, "findings_per_inspection"));
	json_decref(r);

	/* A finding closed: out of the overdue, into the closed; the rebuild agrees. */
	fx_sql_exec(f, "UPDATE finding SET status = 'closed' WHERE deadline = '2026-10-05'");
	flush(f);
	d = dashboard(f, 210100, 2026, 0, NULL);
	expect(d, "rectification_closure", 200.0 / 3); /* F1, F2 / F1, F2, F4 */
	expect(d, "overdue_findings", 1);
	json_decref(d);
	assert_agg_equal(f, "supervision");
}

/* ---- the property test ---- */

static uint64_t rng_state;
static int rnd(int n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)((rng_state >> 33) % (uint64_t)n);
}

static void assert_agg_equal(struct fx *f, const char *when)
{
	int64_t bad = -1;
	json_t *sample = NULL;
	dt_strbuf_reset(&f->err);
	assert_int_equal(dt_store_indicators_verify(f->s, &bad, &sample, &f->err), DT_OK);
	if (bad) {
		char *s = json_dumps(sample, JSON_COMPACT);
		fail_msg("%s: %lld aggregate rows differ from a rebuild: %s", when, (long long)bad,
			 s);
	}
	json_decref(sample);
}

static const char *const dates[] = { "2023-09-01", "2024-03-15", "2024-09-01", "2025-02-10",
				     "2025-09-01", "2026-01-20", "2026-06-30" };

/* ---- supervision in the property test ---- */

/* The id of the @n-th row (from 0, by id) of @table, or 0 when there are fewer. */
static int64_t nth_id(struct fx *f, const char *table, int64_t n)
{
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(max(id), 0) FROM (SELECT id FROM %s ORDER BY id "
		 "LIMIT 1 OFFSET %lld) x",
		 table, (long long)n);
	return fx_sql_int(f, sql);
}

/* An inspector account (made once per database). */
static int64_t prop_inspector(struct fx *f, const char *login)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT coalesce(max(id), 0) FROM account WHERE login = '%s'",
		 login);
	int64_t id = fx_sql_int(f, sql);
	if (!id && dt_store_account_add(f->s, &f->actor, login, "inspector", "210000",
					"Zq-8v!x3#Lm2$Kp-long-enough", &id, &f->err) != DT_OK)
		fail_msg("account %s: %s", login, f->err.buf);
	return id;
}

/* What the caller is: an inspector (@id) or an account of organisation @org. */
static struct dt_account prop_who(int64_t id, int64_t org)
{
	struct dt_account w = { .id = id };
	snprintf(w.role, sizeof(w.role), "%s", org ? "enterprise" : "inspector");
	w.scope.region = org ? 0 : 210000;
	w.scope.org_id = org;
	return w;
}

/* A deadline @days from today. */
static json_t *prop_deadline(int days)
{
	char dl[DT_DATE_STRLEN];
	dt_date_format(dt_date_add_days(dt_date_today(), days), dl);
	return json_string(dl);
}

/* One random supervision step: refusals are fine, only the aggregates are checked. */
static void supervision_op(struct fx *f)
{
	static const char *const sev[] = { "general", "serious", "grave" };
	int64_t a = prop_inspector(f, "prop-insp-a"), b = prop_inspector(f, "prop-insp-b");
	int64_t ninsp = fx_sql_int(f, "SELECT count(*) FROM inspection");
	int64_t nfind = fx_sql_int(f, "SELECT count(*) FROM finding");
	int k = rnd(7);
	json_t *o = NULL;
	if (k == 0 || !ninsp) { /* a plan, committed and drawn */
		if (fx_sql_int(f, "SELECT count(*) FROM inspection_plan") >= 6)
			return;
		json_t *in = json_pack("{s:s, s:i, s:s, s:s, s:s, s:i, s:b, s:[I, I]}", "region",
				       rnd(2) ? "210000" : "210100", "year", 2025 + rnd(2), "title",
				       "抽查", "object_kinds",
				       rnd(2) ? "enterprise,contract" : "enterprise", "sample_kind",
				       "count", "sample_value", 1 + rnd(3), "cross_city", 0,
				       "inspectors", (json_int_t)a, (json_int_t)b);
		if (dt_store_plan_create(f->s, &f->actor, in, &o, &f->err) == DT_OK) {
			int64_t id = fx_int(o, "id");
			static const char *const steps[] = { "commit", "draw", "reveal" };
			for (int i = 0; i < 3 && (i < 2 || rnd(2)); i++) {
				json_t *r = NULL;
				dt_store_plan_act(f->s, &f->actor, id, steps[i], &r, &f->err);
				json_decref(r);
			}
		}
		json_decref(in);
	} else if (k == 1) { /* an inspection recorded, maybe done */
		int64_t id = nth_id(f, "inspection", rnd((int)ninsp));
		int64_t ia = 0, plan = 0;
		json_t *row = NULL;
		if (dt_store_inspection_conducted(f->s, NULL, id, &row, &f->err) == DT_OK) {
			ia = fx_int(row, "inspector_a");
			plan = fx_int(row, "plan_id");
		}
		json_decref(row);
		json_t *p = NULL, *checks = json_array();
		if (plan && dt_store_plan_get(f->s, NULL, 0, plan, &p, &f->err) == DT_OK) {
			size_t i;
			json_t *c;
			json_array_foreach(json_object_get(p, "checklist"), i, c)
				json_array_append_new(checks,
						      json_pack("{s:O, s:s, s:s}", "code",
								json_object_get(c, "code"),
								"result", rnd(3) ? "pass" : "fail",
								"remark", "现场核查"));
		}
		json_decref(p);
		json_t *body = json_pack("{s:o, s:o, s:s, s:s}", "visited_on", prop_deadline(0),
					 "checks", checks, "conclusion", "基本符合", "status",
					 rnd(3) ? "in_progress" : "done");
		struct dt_account w = prop_who(ia, 0);
		dt_store_inspection_record(f->s, &f->actor, &w, id, body, &o, &f->err);
		json_decref(body);
	} else if (k <= 3) { /* a finding */
		int64_t id = nth_id(f, "inspection", rnd((int)ninsp));
		json_t *row = NULL;
		int64_t ia = 0;
		if (dt_store_inspection_conducted(f->s, NULL, id, &row, &f->err) == DT_OK)
			ia = fx_int(row, rnd(2) ? "inspector_a" : "inspector_b");
		json_decref(row);
		json_t *body = json_pack("{s:I, s:s, s:s, s:o}", "inspection_id", (json_int_t)id,
					 "severity", sev[rnd(3)], "description", "记录册与考勤不符",
					 "deadline", prop_deadline(1 + rnd(60)));
		struct dt_account w = prop_who(ia, 0);
		dt_store_finding_create(f->s, &f->actor, &w, body, &o, &f->err);
		json_decref(body);
	} else if (k <= 5 && nfind) { /* the organisation rectifies, the inspector decides */
		int64_t id = nth_id(f, "finding", rnd((int)nfind));
		json_t *row = NULL;
		int64_t org = 0, ia = 0;
		char status[16] = "";
		if (dt_store_finding_get(f->s, NULL, id, &row, &f->err) == DT_OK) {
			org = fx_int(row, "org_id");
			ia = fx_int(row, "inspection_id");
			snprintf(status, sizeof(status), "%s", fx_str(row, "status"));
		}
		json_decref(row);
		row = NULL;
		if (dt_store_inspection_conducted(f->s, NULL, ia, &row, &f->err) == DT_OK)
			ia = fx_int(row, "inspector_b");
		json_decref(row);
		struct dt_account wo = prop_who(0, org), wi = prop_who(ia, 0);
		/* mostly the step the finding's state allows, sometimes any (refused) */
		int step = rnd(4);
		if (rnd(8)) {
			if (!strcmp(status, "open"))
				step = rnd(2);
			else if (!strcmp(status, "rectifying"))
				step = 1;
			else if (!strcmp(status, "submitted"))
				step = 2 + rnd(2);
		}
		if (step == 0) {
			dt_store_finding_rectify(f->s, &f->actor, &wo, id, DT_FEV_START, NULL, &o,
						 &f->err);
		} else if (step == 1) {
			json_t *body = json_pack("{s:s}", "body", "已补签三方协议");
			dt_store_finding_rectify(f->s, &f->actor, &wo, id, DT_FEV_SUBMIT, body, &o,
						 &f->err);
			json_decref(body);
		} else {
			json_t *body =
				step == 2 ? json_pack("{s:s}", "decision", "accepted")
					  : json_pack("{s:s, s:s, s:o}", "decision", "rejected",
						      "reason", "证明材料不全", "new_deadline",
						      prop_deadline(1 + rnd(30)));
			dt_store_finding_decide(f->s, &f->actor, &wi, id, body, &o, &f->err);
			json_decref(body);
		}
	} else if (nfind) { /* behind the store's back: what the triggers must follow too */
		int64_t id = nth_id(f, "finding", rnd((int)nfind));
		char sql[400];
		int what = rnd(3);
		if (what == 0)
			snprintf(sql, sizeof(sql),
				 "UPDATE finding SET deadline = '%s' WHERE id = %lld",
				 dates[rnd(7)], (long long)id);
		else if (what == 1)
			snprintf(sql, sizeof(sql),
				 "UPDATE finding SET severity = '%s' WHERE id = %lld", sev[rnd(3)],
				 (long long)id);
		else
			snprintf(
				sql, sizeof(sql),
				"DELETE FROM finding WHERE id = %lld AND NOT EXISTS (SELECT 1 FROM "
				"rectification r WHERE r.finding_id = finding.id) AND NOT EXISTS "
				"(SELECT 1 FROM attachment_link l WHERE l.owner_kind = 'finding' AND "
				"l.owner_id = finding.id)",
				(long long)id);
		fx_sql_exec(f, sql);
	}
	json_decref(o);
}

static void random_ops(struct fx *f, uint64_t seed, int nops)
{
	rng_state = seed;
	struct fx_world w = fx_world(f);
	int64_t ents[3] = { w.ent, fx_org(f, "enterprise", 210102, "E2"),
			    fx_org(f, "enterprise", 210202, "E3") };
	int64_t occs[2] = { fx_occupation_id(f, "4-02-06-01"), fx_occupation_id(f, "4-02-05-01") };
	int64_t cons[64], entries[128], others[64];
	int ncons = 0, nentries = 0, nothers = 0;
	json_t *o = NULL;
	for (int op = 0; op < nops; op++) {
		int k = rnd(20);
		dt_strbuf_reset(&f->err);
		f->actor.login = "prop";
		if (k <= 2 && ncons < 64) { /* a new contract, taken some way along */
			struct fx_world x = w;
			x.ent = ents[rnd(3)];
			x.trainee = trainee(f);
			const char *start = dates[rnd(5)];
			json_t *in = fx_contract_in(&x, start, "2028-08-31");
			json_object_set_new(in, "stipend_monthly",
					    json_integer(1500 + rnd(3) * 500));
			json_object_set_new(in, "company_mentor",
					    json_string(rnd(2) ? "李师傅" : "赵师傅"));
			int64_t id = 0;
			if (dt_store_create(f->s, &f->actor, "contract", in, &o, &f->err) ==
			    DT_OK) {
				id = json_integer_value(json_object_get(o, "id"));
				cons[ncons++] = id;
			}
			json_decref(in);
			json_decref(o);
			o = NULL;
			if (id && rnd(4)) {
				fx_act(f, id, DT_CEV_SUBMIT, 0, NULL, NULL);
				for (int p = 0; p < DT_PARTY_N; p++)
					fx_act(f, id, DT_CEV_APPROVE, (enum dt_party)p, NULL, NULL);
				fx_act(f, id, DT_CEV_ACTIVATE, 0, NULL, NULL);
			}
		} else if (k == 3 && ncons) { /* dissolve */
			fx_act(f, cons[rnd(ncons)], DT_CEV_DISSOLVE, 0,
			       json_pack("{s:s, s:s}", "date", dates[5 + rnd(2)], "reason", "r"),
			       NULL);
		} else if (k == 4 && ncons) { /* complete, mostly after a passed final assessment */
			int64_t c = cons[rnd(ncons)];
			const char *d = dates[5 + rnd(2)];
			if (rnd(4)) {
				json_t *fin = json_pack("{s:I, s:s, s:s, s:s}", "contract_id",
							(json_int_t)c, "kind", "final", "date", d,
							"result", "pass");
				dt_store_create(f->s, &f->actor, "assessment", fin, NULL, &f->err);
				json_decref(fin);
			}
			fx_act(f, c, DT_CEV_COMPLETE, 0, json_pack("{s:s}", "date", d), NULL);
		} else if (k == 5 && ncons) { /* transfer to another enterprise */
			fx_act(f, cons[rnd(ncons)], DT_CEV_TRANSFER, 0,
			       json_pack("{s:s, s:I}", "date", "2026-06-30", "enterprise_id",
					 (json_int_t)ents[rnd(3)]),
			       NULL);
		} else if (k <= 7 && ncons &&
			   nentries < 128) { /* a record-book entry, maybe signed */
			json_t *in =
				json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id",
					  (json_int_t)cons[rnd(ncons)], "date", dates[5 + rnd(2)],
					  "site", rnd(2) ? "company" : "school", "hours",
					  0.5 + rnd(16) * 0.5, "content", "x");
			if (dt_store_create(f->s, &f->actor, "record_entry", in, &o, &f->err) ==
			    DT_OK) {
				int64_t id = json_integer_value(json_object_get(o, "id"));
				entries[nentries++] = id;
				if (rnd(3))
					dt_store_record_signoff(f->s, &f->actor, NULL, id, NULL,
								&f->err);
			}
			json_decref(in);
			json_decref(o);
			o = NULL;
		} else if (k == 8 &&
			   nentries) { /* change or delete an entry (refused once signed) */
			int64_t id = entries[rnd(nentries)];
			if (rnd(2))
				dt_store_delete(f->s, &f->actor, NULL, "record_entry", id, &f->err);
			else {
				json_t *p = json_pack("{s:f}", "hours", 1.0 + rnd(8));
				dt_store_update(f->s, &f->actor, NULL, "record_entry", id, p, NULL,
						&f->err);
				json_decref(p);
			}
		} else if (k == 9 && ncons) { /* an assessment, maybe an outcome */
			int64_t c = cons[rnd(ncons)];
			json_t *in = json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)c,
					       "kind", rnd(3) ? "final" : "intermediate", "date",
					       "2026-07-01", "result", rnd(2) ? "pass" : "fail");
			dt_store_create(f->s, &f->actor, "assessment", in, NULL, &f->err);
			json_decref(in);
			in = json_pack("{s:I, s:s, s:s}", "contract_id", (json_int_t)c, "kind",
				       rnd(2) ? "retained" : "not_employed", "date",
				       rnd(2) ? "2026-08-01" : "2026-11-01");
			dt_store_create(f->s, &f->actor, "outcome", in, NULL, &f->err);
			json_decref(in);
		} else if (k == 10 && nothers < 64) { /* demand or a place */
			json_t *in =
				rnd(2) ? json_pack("{s:I, s:I, s:i, s:i, s:i}", "enterprise_id",
						   (json_int_t)ents[rnd(3)], "occupation_id",
						   (json_int_t)occs[0], "level", 4, "year",
						   2025 + rnd(2), "count", 1 + rnd(20))
				       : json_pack("{s:I, s:I, s:i, s:i}", "enterprise_id",
						   (json_int_t)ents[rnd(3)], "programme_id",
						   (json_int_t)w.prog, "year", 2025 + rnd(2),
						   "capacity", 1 + rnd(20));
			const char *kind = json_object_get(in, "count") ? "demand" : "place";
			if (dt_store_create(f->s, &f->actor, kind, in, &o, &f->err) == DT_OK)
				others[nothers++] =
					json_integer_value(json_object_get(o, "id")) * 2 +
					(kind[0] == 'p');
			json_decref(in);
			json_decref(o);
			o = NULL;
		} else if (k == 11 && nothers) { /* delete demand or a place */
			int64_t x = others[rnd(nothers)];
			dt_store_delete(f->s, &f->actor, NULL, x & 1 ? "place" : "demand", x / 2,
					&f->err);
		} else if (k == 12) { /* the programme changes occupation; or a minimum wage */
			if (rnd(2)) {
				json_t *p = json_pack("{s:I}", "occupation_id",
						      (json_int_t)occs[rnd(2)]);
				dt_store_update(f->s, &f->actor, NULL, "programme", w.prog, p, NULL,
						&f->err);
				json_decref(p);
			} else {
				json_t *in =
					json_pack("{s:s, s:s, s:i}", "region",
						  rnd(2) ? "210100" : "210000", "valid_from",
						  dates[rnd(7)], "monthly", 1800 + rnd(6) * 100);
				if (dt_store_create(f->s, &f->actor, "min_wage", in, &o, &f->err) !=
				    DT_OK) {
					/* already there: change its amount instead */
					json_t *items = NULL;
					char *next = NULL;
					struct dt_query q = { .limit = 10 };
					dt_store_list(f->s, NULL, "min_wage", &q, &items, &next,
						      &f->err);
					free(next);
					json_t *first = json_array_get(items, 0);
					if (first) {
						json_t *p = json_pack("{s:i}", "monthly",
								      1800 + rnd(6) * 100);
						dt_store_update(f->s, &f->actor, NULL, "min_wage",
								json_integer_value(json_object_get(
									first, "id")),
								p, NULL, &f->err);
						json_decref(p);
					}
					json_decref(items);
				}
				json_decref(in);
				json_decref(o);
				o = NULL;
			}
		} else if (k == 13) { /* an enterprise moves to another city, with its contracts */
			json_t *p = json_pack("{s:s}", "region", rnd(2) ? "210202" : "210102");
			dt_store_update(f->s, &f->actor, NULL, "organization", ents[rnd(3)], p,
					NULL, &f->err);
			json_decref(p);
		} else if (k >= 14) { /* supervision */
			supervision_op(f);
		}
		if (op % 50 == 49) {
			char when[64];
			snprintf(when, sizeof(when), "seed %llu after op %d",
				 (unsigned long long)seed, op);
			assert_agg_equal(f, when);
		}
	}
	assert_agg_equal(f, "at the end");
}

static void test_property(void **state)
{
	struct fx *f = *state;
	random_ops(f, 42, 400);
	/* The check is not vacuous: it has counted something, and it finds a tampered row. */
	assert_true(fx_sql_int(f, "SELECT count(*) FROM agg WHERE value != 0") > 20);
	static const char *const kinds[] = {
		"SELECT count(*) FROM contract WHERE status = 'dissolved'",
		"SELECT count(*) FROM contract WHERE status = 'completed'",
		"SELECT count(*) FROM contract WHERE status = 'transferred'",
		"SELECT count(*) FROM contract WHERE status = 'active'",
		"SELECT count(*) FROM record_entry WHERE signed_at IS NOT NULL",
		"SELECT count(*) FROM assessment WHERE kind = 'final'",
		"SELECT count(*) FROM outcome WHERE kind = 'retained'",
		"SELECT count(*) FROM min_wage",
		"SELECT count(*) FROM demand",
		"SELECT count(*) FROM place",
		"SELECT count(*) FROM plan_candidate",
		"SELECT count(*) FROM inspection WHERE status = 'done'",
		"SELECT count(*) FROM inspection WHERE status = 'in_progress'",
		"SELECT count(*) FROM finding WHERE status = 'closed'",
		"SELECT count(*) FROM rectification WHERE decision = 'accepted'",
		"SELECT count(*) FROM finding WHERE status IN ('open', 'rectifying')",
		"SELECT count(*) FROM rectification WHERE decision = 'rejected'",
		"SELECT count(*) FROM finding WHERE deadline < '2026-07-01'",
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(kinds); i++)
		if (fx_sql_int(f, kinds[i]) < 1)
			fail_msg("the random run never reached: %s", kinds[i]);
	fx_sql_exec(f, "UPDATE agg SET value = value + 1 WHERE (region, occ, key, period) = "
		       "(SELECT region, occ, key, period FROM agg WHERE value != 0 LIMIT 1)");
	int64_t bad = 0;
	json_t *sample = NULL;
	assert_int_equal(dt_store_indicators_verify(f->s, &bad, &sample, &f->err), DT_OK);
	assert_true(bad >= 1);
	json_decref(sample);
	/* A rebuild repairs it. */
	int64_t rows = 0;
	assert_int_equal(dt_store_indicators_rebuild(f->s, &f->actor, &rows, &f->err), DT_OK);
	assert_true(rows > 0);
	assert_agg_equal(f, "after the rebuild");
}

static void test_property_more_seeds(void **state)
{
	struct fx *f = *state;
	/* Several short runs in one database: the state carries over. */
	for (uint64_t seed = 1; seed <= 3; seed++)
		random_ops(f, seed, 150);
}

/* ---- alerts ---- */

static void test_alerts(void **state)
{
	struct fx *f = *state;
	struct pilot p = make_pilot(f);
	int64_t pilot =
		fx_create(f, "pilot",
			  json_pack("{s:s, s:s, s:s, s:s}", "region", "210100", "name", "沈阳试点",
				    "period_start", "2024-01-01", "period_end", "2026-12-31"));
	/* A title of the full 200 characters (600 bytes of UTF-8): the alert keeps all of it. */
	struct dt_strbuf title = DT_STRBUF_INIT;
	for (int k = 0; k < 200; k++)
		dt_strbuf_adds(&title, "案");
	fx_create(f, "pilot_task",
		  json_pack("{s:I, s:s, s:s}", "pilot_id", (json_int_t)pilot, "title", title.buf,
			    "deadline", "2026-03-31"));
	fx_create(f, "pilot_task",
		  json_pack("{s:I, s:s, s:s, s:s}", "pilot_id", (json_int_t)pilot, "title",
			    "已完成", "deadline", "2026-03-31", "status", "done"));
	json_t *t = json_pack("[{s:s, s:f}]", "indicator", "hours_company", "value", 100.0);
	assert_int_equal(dt_store_targets_set(f->s, &f->actor, 210100, 2026, t, NULL, &f->err),
			 DT_OK);
	json_decref(t);
	int raised = 0;
	assert_int_equal(dt_engine_alerts_evaluate(f->s, &f->actor, 20261126, &raised, &f->err),
			 DT_OK);
	/* Which rules fired, and for what. */
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM alert WHERE rule = 'task_overdue'"),
			 1);
	struct dt_strbuf q = DT_STRBUF_INIT;
	dt_strbuf_addf(&q,
		       "SELECT count(*) FROM alert WHERE rule = 'task_overdue' AND message_zh = "
		       "'试点任务「%s」已过完成时限 2026-03-31' AND message_en = "
		       "'Pilot task \"%s\" is past its deadline 2026-03-31'",
		       title.buf, title.buf);
	assert_int_equal(fx_sql_int(f, q.buf), 1);
	dt_strbuf_release(&q);
	dt_strbuf_release(&title);
	assert_int_equal(
		fx_sql_int(f, "SELECT count(*) FROM alert WHERE rule = 'stipend_below_minimum'"),
		1);
	char sql[200];
	snprintf(sql, sizeof(sql),
		 "SELECT subject_id FROM alert WHERE rule = 'stipend_below_minimum'");
	assert_int_equal(fx_sql_int(f, sql), p.c[2]);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM alert WHERE rule = 'target_off_track' "
				       "AND indicator = 'hours_company'"),
			 1);
	/* C1's last entry is 2026-04-01 and C2 has none since 2025-09-01: both idle over 30 days. */
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM alert WHERE rule = 'no_record_entry'"),
			 2);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM alert"), raised);
	/* Again: nothing new, the open ones are kept. */
	int again = -1;
	assert_int_equal(dt_engine_alerts_evaluate(f->s, &f->actor, 20261126, &again, &f->err),
			 DT_OK);
	assert_int_equal(again, 0);
	/* Acknowledge, resolve; a resolved alert is raised anew if still off track. */
	int64_t id = fx_sql_int(f, "SELECT id FROM alert WHERE rule = 'task_overdue'");
	assert_int_equal(
		dt_store_alert_act(f->s, &f->actor, NULL, id, "ack", "已督办", NULL, &f->err),
		DT_OK);
	assert_int_equal(dt_store_alert_act(f->s, &f->actor, NULL, id, "ack", NULL, NULL, &f->err),
			 DT_ECONFLICT);
	assert_int_equal(
		dt_store_alert_act(f->s, &f->actor, NULL, id, "resolve", NULL, NULL, &f->err),
		DT_OK);
	assert_int_equal(
		dt_store_alert_act(f->s, &f->actor, NULL, id, "resolve", NULL, NULL, &f->err),
		DT_ECONFLICT);
	assert_int_equal(dt_engine_alerts_evaluate(f->s, &f->actor, 20261126, &again, &f->err),
			 DT_OK);
	assert_int_equal(again, 1);
	/* Outside the scope an alert is not found; alerts are not written through CRUD. */
	struct dt_scope other = { 220000, 0, 0, 0 };
	assert_int_equal(
		dt_store_alert_act(f->s, &f->actor, &other, id, "ack", NULL, NULL, &f->err),
		DT_ENOTFOUND);
	assert_int_equal(fx_create_rc(f, "alert", json_pack("{s:s}", "rule", "x")), DT_EDENIED);
	assert_int_equal(dt_store_delete(f->s, &f->actor, NULL, "alert", id, &f->err), DT_EDENIED);
	/* The chain holds every raise and action. */
	assert_true(fx_sql_int(f, "SELECT count(*) FROM audit WHERE entity = 'alert'") >=
		    raised + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain),
		cmocka_unit_test_setup_teardown(test_hand_computed, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_retained_window, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_retained_window_upgrade, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_times_ms_upgrade, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_targets, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_supervision, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_property, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_property_more_seeds, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_alerts, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
