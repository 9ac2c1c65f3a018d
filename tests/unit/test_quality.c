/*
 * test_quality.c - the data-quality alert rules (数据质量), on both backends.
 *
 * Each rule gets an anomalous row it must raise an alert for, with the
 * figures in the Chinese message, and a normal row at the boundary it must
 * leave alone: exactly 12 hours on a day, sign-offs in one minute spanning
 * one day less than the threshold, an entry on the contract's first day, an
 * idle contract one day short, a stipend equal to the minimum wage, a mentor
 * at the limit.  Entries the store refuses (over 12 hours, before the
 * start) are written around it, through a separate connection, as data
 * copied from elsewhere would arrive; the rest go through the store.
 * "Today" is 2026-11-26 (store_fixture.h).
 */
#include <math.h>

#include "store_fixture.h"

#include "engine/indicators.h"

#define TODAY 20261126

/* A contract of a new trainee in @w's world, from @start, taken to active. */
static int64_t contract(struct fx *f, const struct fx_world *w, const char *start)
{
	struct fx_world x = *w;
	x.trainee = fx_trainee(f, "210102", NULL);
	int64_t id = fx_create(f, "contract", fx_contract_in(&x, start, "2028-08-31"));
	assert_int_equal(fx_act(f, id, DT_CEV_SUBMIT, 0, NULL, NULL), DT_OK);
	for (int p = 0; p < DT_PARTY_N; p++)
		assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, (enum dt_party)p, NULL, NULL),
				 DT_OK);
	if (fx_act(f, id, DT_CEV_ACTIVATE, 0, NULL, NULL) != DT_OK)
		fail_msg("activate: %s", f->err.buf);
	return id;
}

/* An entry through the store (its rules apply); signed at @at when not NULL. */
static int64_t entry(struct fx *f, int64_t con, const char *date, double hours, const char *at)
{
	int64_t id = fx_create(f, "record_entry",
			       json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id",
					 (json_int_t)con, "date", date, "site", "company", "hours",
					 hours, "content", "实训"));
	if (at && dt_store_record_signoff_at(f->s, &f->actor, NULL, id, at, NULL, &f->err) != DT_OK)
		fail_msg("sign-off at %s: %s", at, f->err.buf);
	return id;
}

/* An entry written around the store, as copied data would come. */
static void raw_entry(struct fx *f, int64_t con, const char *date, double hours)
{
	char sql[512], daynum[16];
	snprintf(daynum, sizeof(daynum), "%.4s%.2s%.2s", date, date + 5, date + 8);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO record_entry(contract_id, date, site, hours, content, region, "
		 "created_at, updated_at) VALUES (%lld, %s, 1, %lld, '补录', 210102, "
		 /* 2026-11-01T00:00:00.000Z: record_entry's times are milliseconds; since
		    migration 020 its date YYYYMMDD, its site a code (1 school), its hours
		    hundredths */
		 "1793491200000, 1793491200000)",
		 (long long)con, daynum, (long long)llround(hours * 100));
	fx_sql_exec(f, sql);
}

static void evaluate(struct fx *f, bool full)
{
	dt_strbuf_reset(&f->err);
	if (dt_engine_alerts_pass(f->s, &f->actor, TODAY, full, NULL, NULL, &f->err) != DT_OK)
		fail_msg("evaluate: %s", f->err.buf);
}

/* Open alerts of @rule on subject @id. */
static int64_t alerts(struct fx *f, const char *rule, int64_t id)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM alert WHERE rule = '%s' AND subject_id = %lld "
		 "AND status = 'open'",
		 rule, (long long)id);
	return fx_sql_int(f, sql);
}

/* The alert of @rule on @id has exactly message @zh. */
static void expect_message(struct fx *f, const char *rule, int64_t id, const char *zh)
{
	struct dt_strbuf q = DT_STRBUF_INIT;
	dt_strbuf_addf(&q,
		       "SELECT count(*) FROM alert WHERE rule = '%s' AND subject_id = %lld AND "
		       "message_zh = '%s'",
		       rule, (long long)id, zh);
	if (fx_sql_int(f, q.buf) != 1) {
		struct dt_db *db = fx_raw(f);
		dt_strbuf_reset(&q);
		dt_strbuf_addf(
			&q, "SELECT message_zh FROM alert WHERE rule = '%s' AND subject_id = %lld",
			rule, (long long)id);
		struct dt_db_stmt *st = fx_prepare(db, q.buf);
		const char *got = dt_db_step(st) == DT_DB_ROW ? dt_db_column_text(st, 0) : "(none)";
		fail_msg("%s on %lld: expected「%s」, got「%s」", rule, (long long)id, zh, got);
	}
	dt_strbuf_release(&q);
}

static void setting(struct fx *f, const char *key, const char *value)
{
	assert_int_equal(dt_store_setting_set(f->s, &f->actor, key, value, &f->err), DT_OK);
}

static void test_day_hours(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t bad = contract(f, &w, "2025-09-01"), edge = contract(f, &w, "2025-09-01"),
		late = contract(f, &w, "2025-09-01");
	entry(f, bad, "2026-03-04", 8, NULL);
	raw_entry(f, bad, "2026-03-04", 6.5); /* 14.5 h */
	raw_entry(f, bad, "2026-03-05", 13);
	raw_entry(f, bad, "2026-03-06", 20); /* the worst day */
	/* Exactly 12 hours, and 4.1 + 7.9 (12 to anyone who adds by hand): no alert. */
	entry(f, edge, "2026-03-04", 8, NULL);
	raw_entry(f, edge, "2026-03-04", 4);
	raw_entry(f, edge, "2026-03-05", 4.1);
	raw_entry(f, edge, "2026-03-05", 7.9);
	/* The pass after writes leaves the whole-book rules out. */
	evaluate(f, false);
	assert_int_equal(alerts(f, "record_day_hours", bad), 0);
	/* A pass told to stop (a server stopping) raises nothing more, and fails nothing. */
	atomic_bool stop = true;
	dt_strbuf_reset(&f->err);
	int raised = -1;
	assert_int_equal(
		dt_engine_alerts_pass(f->s, &f->actor, TODAY, true, &stop, &raised, &f->err),
		DT_OK);
	assert_int_equal(raised, 0);
	assert_int_equal(alerts(f, "record_day_hours", bad), 0);
	evaluate(f, true);
	assert_int_equal(alerts(f, "record_day_hours", bad), 1);
	assert_int_equal(alerts(f, "record_day_hours", edge), 0);
	char zh[128];
	snprintf(zh, sizeof(zh), "合同 %lld: 2026-03-06 记录 20 小时, 超过 12 小时(共 3 天超过)",
		 (long long)bad);
	expect_message(f, "record_day_hours", bad, zh);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM alert WHERE rule = 'record_day_hours' "
				       "AND subject_kind = 'contract' AND value = 20 "
				       "AND threshold = 12 AND region = 210102"),
			 1);
	/* The threshold is the setting alert.record_day_hours. */
	setting(f, "alert.record_day_hours", "13.5");
	raw_entry(f, late, "2026-03-04", 13.5);
	evaluate(f, true);
	assert_int_equal(alerts(f, "record_day_hours", late), 0);
	setting(f, "alert.record_day_hours", "13");
	evaluate(f, true);
	assert_int_equal(alerts(f, "record_day_hours", late), 1);
}

static void test_signoff_burst(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t burst = contract(f, &w, "2025-09-01"), edge = contract(f, &w, "2025-09-01"),
		at28 = contract(f, &w, "2025-09-01"), steady = contract(f, &w, "2025-09-01");
	/* Seven weeks of entries signed within seconds (10:15 China time). */
	static const char *const weeks[] = {
		"2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26",
		"2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23"
	};
	for (int i = 0; i < 8; i++) {
		char at[64];
		snprintf(at, sizeof(at), "2026-03-01T02:15:%02d.000Z", 10 + i);
		entry(f, burst, weeks[i], 8, at);
		/* The same entries signed a week after each: a mentor who keeps up. */
		struct dt_date d;
		assert_int_equal(dt_date_parse(weeks[i], &d, NULL, NULL), DT_OK);
		char day[DT_DATE_STRLEN];
		dt_date_format(dt_date_add_days(d, 7), day);
		snprintf(at, sizeof(at), "%sT09:00:00.000Z", day);
		entry(f, steady, weeks[i], 8, at);
	}
	/* 27 days apart in one minute: below the threshold of 28; 28 days: at it. */
	entry(f, edge, "2026-04-01", 8, "2026-05-01T01:00:00.000Z");
	entry(f, edge, "2026-04-28", 8, "2026-05-01T01:00:59.999Z");
	entry(f, at28, "2026-04-01", 8, "2026-05-01T01:00:00.000Z");
	entry(f, at28, "2026-04-29", 8, "2026-05-01T01:00:01.000Z");
	evaluate(f, false);
	assert_int_equal(alerts(f, "signoff_burst", burst), 0);
	evaluate(f, true);
	assert_int_equal(alerts(f, "signoff_burst", burst), 1);
	assert_int_equal(alerts(f, "signoff_burst", steady), 0);
	assert_int_equal(alerts(f, "signoff_burst", edge), 0);
	assert_int_equal(alerts(f, "signoff_burst", at28), 1);
	char zh[256];
	snprintf(zh, sizeof(zh),
		 "合同 %lld: 2026-01-05 至 2026-02-23 的 8 条培养记录(跨 49 天)于 2026-03-01 10:15 "
		 "一分钟内签核",
		 (long long)burst);
	expect_message(f, "signoff_burst", burst, zh);
	/* A time in the future, of a bad shape, or before the entry's date is refused. */
	int64_t e = entry(f, steady, "2026-06-01", 8, NULL);
	static const char *const bad[] = { "2099-01-01T00:00:00.000Z", "2026-06-02 09:00:00",
					   "2026-02-30T09:00:00.000Z", "2026-06-02T24:00:00.000Z",
					   "2026-05-31T09:00:00.000Z" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(bad); i++)
		assert_int_equal(
			dt_store_record_signoff_at(f->s, &f->actor, NULL, e, bad[i], NULL, &f->err),
			DT_EINVAL);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM record_entry WHERE signed_at IS NULL"),
			 1);
}

static void test_before_start(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t early = contract(f, &w, "2025-09-01"), first = contract(f, &w, "2025-09-01"),
		signday = contract(f, &w, "2025-09-01"), lateutc = contract(f, &w, "2025-09-01");
	raw_entry(f, early, "2025-08-25", 4);
	raw_entry(f, early, "2025-08-31", 4);
	entry(f, early, "2025-09-02", 4, NULL);
	entry(f, first, "2025-09-01", 4, NULL); /* the first day: fine */
	/* Signed (activated) on 2025-09-10 at 11:00 China time; an entry that day. */
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "UPDATE contract SET activated_at = '2025-09-10T03:00:00.000Z' WHERE id = %lld",
		 (long long)signday);
	fx_sql_exec(f, sql);
	entry(f, signday, "2025-09-10", 4, NULL);
	entry(f, signday, "2025-09-11", 4, NULL);
	/* Activated at 00:30 on 09-11 China time (16:30 UTC the day before). */
	snprintf(sql, sizeof(sql),
		 "UPDATE contract SET activated_at = '2025-09-10T16:30:00.000Z' WHERE id = %lld",
		 (long long)lateutc);
	fx_sql_exec(f, sql);
	entry(f, lateutc, "2025-09-10", 4, NULL);
	entry(f, lateutc, "2025-09-11", 4, NULL);
	evaluate(f, false);
	assert_int_equal(alerts(f, "record_before_start", early), 0);
	evaluate(f, true);
	assert_int_equal(alerts(f, "record_before_start", early), 1);
	assert_int_equal(alerts(f, "record_before_start", first), 0);
	assert_int_equal(alerts(f, "record_before_start", signday), 1);
	assert_int_equal(alerts(f, "record_before_start", lateutc), 1);
	char zh[256];
	snprintf(zh, sizeof(zh),
		 "合同 %lld: 2 条培养记录早于合同开始日期 2025-09-01(最早 2025-08-25)",
		 (long long)early);
	expect_message(f, "record_before_start", early, zh);
	snprintf(zh, sizeof(zh), "合同 %lld: 1 条培养记录记于合同签订当日 2025-09-10",
		 (long long)signday);
	expect_message(f, "record_before_start", signday, zh);
	snprintf(zh, sizeof(zh), "合同 %lld: 1 条培养记录记于合同签订当日 2025-09-11",
		 (long long)lateutc);
	expect_message(f, "record_before_start", lateutc, zh);
}

static void test_completion_no_final(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t none = contract(f, &w, "2023-09-01"), failed = contract(f, &w, "2023-09-01");
	/* Complete at the end of the term: allowed without an assessment. */
	for (int k = 0; k < 2; k++) {
		int64_t id = k ? failed : none;
		char sql[256];
		snprintf(sql, sizeof(sql),
			 "UPDATE contract SET end_date = '2026-06-30' WHERE id = %lld",
			 (long long)id);
		fx_sql_exec(f, sql);
	}
	fx_create(f, "assessment",
		  json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)failed, "kind",
			    "final", "date", "2026-06-20", "result", "fail"));
	assert_int_equal(
		fx_act(f, none, DT_CEV_COMPLETE, 0, json_pack("{s:s}", "date", "2026-06-30"), NULL),
		DT_OK);
	assert_int_equal(fx_act(f, failed, DT_CEV_COMPLETE, 0,
				json_pack("{s:s}", "date", "2026-06-30"), NULL),
			 DT_OK);
	evaluate(f, false);
	assert_int_equal(alerts(f, "completion_no_final", none), 1);
	assert_int_equal(alerts(f, "completion_no_final", failed), 0); /* it was taken */
	char zh[128];
	snprintf(zh, sizeof(zh), "合同 %lld 已于 2026-06-30 结业, 但没有结业考核记录",
		 (long long)none);
	expect_message(f, "completion_no_final", none, zh);
	/* Active contracts are not asked. */
	int64_t active = contract(f, &w, "2025-09-01");
	evaluate(f, true);
	assert_int_equal(alerts(f, "completion_no_final", active), 0);
}

static void test_mentors(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f), w2 = fx_world(f);
	setting(f, "alert.school_mentor_overload", "2");
	setting(f, "alert.mentor_overload", "2");
	/* School 1 (王老师): three trainees, over 2; school 2: two, at the limit. */
	for (int i = 0; i < 3; i++)
		contract(f, &w, "2025-09-01");
	for (int i = 0; i < 2; i++)
		contract(f, &w2, "2025-09-01");
	evaluate(f, false);
	assert_int_equal(alerts(f, "school_mentor_overload", w.sch), 1);
	assert_int_equal(alerts(f, "school_mentor_overload", w2.sch), 0);
	assert_int_equal(alerts(f, "mentor_overload", w.ent), 1);
	assert_int_equal(alerts(f, "mentor_overload", w2.ent), 0);
	expect_message(f, "school_mentor_overload", w.sch,
		       "沈阳职业技术学院 学校导师 王老师 带徒 3 人(上限 2)");
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM alert WHERE rule = "
				       "'school_mentor_overload' AND subject_kind = 'organization' "
				       "AND region = 210103 AND value = 3"),
			 1);
}

static void test_idle_and_stipend(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	fx_create(f, "min_wage",
		  json_pack("{s:s, s:s, s:i}", "region", "210100", "valid_from", "2023-01-01",
			    "monthly", 2100));
	/* No entry for 30 days (threshold 30) raises; 29 days does not. */
	int64_t idle30 = contract(f, &w, "2025-09-01"), idle29 = contract(f, &w, "2025-09-01");
	entry(f, idle30, "2026-10-27", 4, NULL);
	entry(f, idle29, "2026-10-28", 4, NULL);
	/* A stipend equal to the minimum wage is enough; one that met an older one is not. */
	struct fx_world x = w;
	x.trainee = fx_trainee(f, "210102", NULL);
	json_t *in = fx_contract_in(&x, "2025-09-01", "2028-08-31");
	json_object_set_new(in, "stipend_monthly", json_integer(2100));
	int64_t equal = fx_create(f, "contract", in);
	assert_int_equal(fx_act(f, equal, DT_CEV_SUBMIT, 0, NULL, NULL), DT_OK);
	for (int p = 0; p < DT_PARTY_N; p++)
		assert_int_equal(fx_act(f, equal, DT_CEV_APPROVE, (enum dt_party)p, NULL, NULL),
				 DT_OK);
	assert_int_equal(fx_act(f, equal, DT_CEV_ACTIVATE, 0, NULL, NULL), DT_OK);
	int64_t met_old = idle29; /* 2500 a month */
	evaluate(f, false);
	assert_int_equal(alerts(f, "no_record_entry", idle30), 1);
	assert_int_equal(alerts(f, "no_record_entry", idle29), 0);
	char zh[160];
	snprintf(zh, sizeof(zh), "合同 %lld 已 30 天无培养记录(阈值 30 天, 最近一条: 2026-10-27)",
		 (long long)idle30);
	expect_message(f, "no_record_entry", idle30, zh);
	assert_int_equal(alerts(f, "stipend_below_minimum", equal), 0);
	assert_int_equal(alerts(f, "stipend_below_minimum", met_old), 0);
	/* The minimum wage rises to 2600 from 2026-07-01: 2500 is now below it. */
	fx_create(f, "min_wage",
		  json_pack("{s:s, s:s, s:i}", "region", "210100", "valid_from", "2026-07-01",
			    "monthly", 2600));
	evaluate(f, false);
	assert_int_equal(alerts(f, "stipend_below_minimum", met_old), 1);
	assert_int_equal(alerts(f, "stipend_below_minimum", equal), 1);
	snprintf(zh, sizeof(zh), "合同 %lld 月津贴 2500 元, 低于当地最低工资 2600 元",
		 (long long)met_old);
	expect_message(f, "stipend_below_minimum", met_old, zh);
	/* The setting for the idle rule: 60 days as the issue puts it. */
	int64_t idle45 = contract(f, &w, "2025-09-01");
	entry(f, idle45, "2026-10-12", 4, NULL);
	setting(f, "alert.no_record_entry", "60");
	evaluate(f, false);
	assert_int_equal(alerts(f, "no_record_entry", idle45), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_day_hours, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_signoff_burst, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_before_start, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_completion_no_final, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_mentors, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_idle_and_stipend, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
