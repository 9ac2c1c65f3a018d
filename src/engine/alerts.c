/*
 * alerts.c - the alert rules.
 *
 * Each rule finds what is off track and raises an alert for it through
 * dt_store_alert_raise(), which keeps one open alert per rule and subject
 * (raising again only refreshes the figures).  Thresholds are settings
 * "alert.RULE" with the defaults below.  Region-level rules read the
 * aggregates; the per-record rules (a contract without entries, a stipend
 * below the minimum wage, an overdue task) read indexed facts, as a daily
 * check may.  The data-quality rules (数据质量: overloaded mentors, a day of
 * too many hours, sign-offs of weeks of entries at once, entries before the
 * contract, a completion without a final assessment) raise alerts on the
 * contract or organisation, which the supervision draw counts as risk; the
 * three that read the whole record book run in the full pass only
 * (dt_engine_alerts_pass()).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/common.h"
#include "core/date.h"
#include "core/log.h"
#include "engine/indicators.h"
#include "core/banned.h"

struct rule {
	const char *name;
	double threshold;
	const char *what_zh, *what_en;
};

static const struct rule rules[] = {
	{ "target_off_track", 0.9, "目标进度滞后(预计完成度低于阈值)",
	  "Target off track (projected attainment below the threshold)" },
	{ "dissolution_spike", 3, "企业90天内解除合同数达到阈值",
	  "Dissolutions at one enterprise within 90 days at or above the threshold" },
	{ "no_record_entry", 30, "在训合同连续多日无培养记录",
	  "Active contract without a record-book entry for that many days" },
	{ "dual_ratio_below_plan", 10, "企业学时占比低于计划(百分点)",
	  "Dual ratio below the plan by that many percentage points" },
	{ "mentor_overload", 8, "企业导师带徒数超过上限",
	  "Trainees per company mentor above the limit" },
	{ "stipend_below_minimum", 0, "津贴低于当地最低工资",
	  "Stipend below the local minimum wage" },
	{ "task_overdue", 0, "试点任务逾期未完成", "Pilot task past its deadline" },
	/* Data quality (数据质量): what an inspection should look at first. */
	{ "school_mentor_overload", 30, "学校导师带徒数超过上限",
	  "Trainees per school mentor above the limit" },
	{ "record_day_hours", 12, "培养记录单日学时超过上限",
	  "Record-book hours on one day above the limit" },
	{ "signoff_burst", 28, "同一分钟内签核的培养记录跨越天数达到阈值",
	  "Record-book entries signed off within one minute spanning that many days or more" },
	{ "record_before_start", 0, "培养记录日期早于合同开始或在合同签订当日",
	  "Record-book entries dated before the contract's start or on the day it was signed" },
	{ "completion_no_final", 0, "合同结业但无结业考核",
	  "Contract completed without a final assessment" },
	/* supervision (domain/finding.h): reminders 7, 3 and 1 days ahead, then overdue */
	{ "finding_due", 7, "督查问题整改期限将至(7、3、1天)",
	  "Finding due for rectification in 7, 3 or 1 days" },
	{ "finding_overdue", 0, "督查问题逾期未整改", "Finding past its rectification deadline" },
};

int dt_engine_alert_rule(const char *name, double *threshold, const char **what)
{
	for (size_t i = 0; i < DT_ARRAY_SIZE(rules); i++) {
		if (!name || !strcmp(rules[i].name, name)) {
			if (threshold)
				*threshold = rules[i].threshold;
			if (what)
				*what = rules[i].what_zh;
			return (int)i;
		}
	}
	return -1;
}

const char *dt_engine_alert_rule_name(int i)
{
	return i >= 0 && i < (int)DT_ARRAY_SIZE(rules) ? rules[i].name : NULL;
}

struct eval {
	struct dt_store *s;
	const struct dt_actor *a;
	char today[DT_DATE_STRLEN];
	int today_ymd;
	json_t *settings;
	int raised;
	struct dt_strbuf *err;
	struct dt_strbuf zh, en; /* the message of the alert being raised; emptied by raise_for() */
	const atomic_bool *stop; /* when true: no further alert (dt_engine_alerts_pass) */
};

static bool stopping(const struct eval *ev)
{
	return ev->stop && atomic_load(ev->stop);
}

static double threshold(struct eval *ev, const char *rule)
{
	char key[64];
	snprintf(key, sizeof(key), "alert.%s", rule);
	const char *v = json_string_value(json_object_get(ev->settings, key));
	if (v)
		return strtod(v, NULL);
	for (size_t i = 0; i < DT_ARRAY_SIZE(rules); i++)
		if (!strcmp(rules[i].name, rule))
			return rules[i].threshold;
	return 0;
}

static enum dt_err raise_for(struct eval *ev, const char *rule, const char *severity,
			     const char *kind, int64_t id, const char *indicator, int region,
			     double value, double thr)
{
	struct dt_alert_in in = { rule,   severity, kind, id,         indicator,
				  region, value,    thr,  ev->zh.buf, ev->en.buf };
	bool raised = false;
	enum dt_err rc;
	if (!dt_strbuf_ok(&ev->zh) || !dt_strbuf_ok(&ev->en))
		rc = dt_error(ev->err, DT_ENOMEM, "alert %s: out of memory for its message", rule);
	else
		rc = dt_store_alert_raise(ev->s, ev->a, &in, &raised, ev->err);
	ev->raised += raised;
	dt_strbuf_reset(&ev->zh);
	dt_strbuf_reset(&ev->en);
	return rc;
}

static enum dt_err raise(struct eval *ev, const char *rule, const char *severity, const char *kind,
			 int64_t id, int region, double value, double thr)
{
	return raise_for(ev, rule, severity, kind, id, NULL, region, value, thr);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Call @fn for each candidate row of @rule (store/monitor.c holds the
 * queries).  What the query cost is logged at debug level
 * (DUALTRACK_LOG_LEVEL=debug dualtrack alerts evaluate).
 */
static enum dt_err each_row(struct eval *ev, const char *rule, double thr,
			    enum dt_err (*fn)(struct eval *ev, json_t *row, double thr))
{
	json_t *rows = NULL;
	double t0 = now_ms();
	int rc = dt_store_alert_candidates(ev->s, rule, ev->today, thr, &rows, ev->err);
	dt_debug("alert rule %s: %zu rows in %.1f ms", rule, json_array_size(rows), now_ms() - t0);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		if (rc != DT_OK || stopping(ev))
			break;
		rc = fn(ev, row, thr);
	}
	json_decref(rows);
	return rc;
}

/* Row access for the callbacks (rows are collected as JSON arrays). */
#define COL_I(st, c) json_integer_value(json_array_get((st), (c)))
#define COL_F(st, c) json_number_value(json_array_get((st), (c)))
#define COL_S(st, c) (json_string_value(json_array_get((st), (c))) ?: "")

static enum dt_err on_dissolutions(struct eval *ev, json_t *st, double thr)
{
	dt_strbuf_addf(&ev->zh, "%s 近90天解除合同 %lld 份(阈值 %g)", COL_S(st, 2),
		       (long long)COL_I(st, 3), thr);
	dt_strbuf_addf(&ev->en, "%s dissolved %lld contracts in the last 90 days (threshold %g)",
		       COL_S(st, 2), (long long)COL_I(st, 3), thr);
	return raise(ev, "dissolution_spike", COL_I(st, 3) >= 2 * thr ? "critical" : "warning",
		     "organization", COL_I(st, 0), (int)COL_I(st, 1), (double)COL_I(st, 3), thr);
}

static enum dt_err on_no_entry(struct eval *ev, json_t *st, double thr)
{
	const char *last = COL_S(st, 2);
	dt_strbuf_addf(&ev->zh, "合同 %lld 已 %g 天无培养记录(阈值 %g 天, 最近一条: %s)",
		       (long long)COL_I(st, 0), COL_F(st, 3), thr, *last ? last : "无");
	dt_strbuf_addf(
		&ev->en,
		"Contract %lld has had no record-book entry for %g days (threshold %g; last: %s)",
		(long long)COL_I(st, 0), COL_F(st, 3), thr, *last ? last : "none");
	return raise(ev, "no_record_entry", "warning", "contract", COL_I(st, 0), (int)COL_I(st, 1),
		     COL_F(st, 3), thr);
}

static enum dt_err on_mentor(struct eval *ev, json_t *st, double thr)
{
	dt_strbuf_addf(&ev->zh, "%s 企业导师 %s 带徒 %lld 人(上限 %g)", COL_S(st, 2), COL_S(st, 3),
		       (long long)COL_I(st, 4), thr);
	dt_strbuf_addf(&ev->en, "%s: company mentor %s has %lld trainees (limit %g)", COL_S(st, 2),
		       COL_S(st, 3), (long long)COL_I(st, 4), thr);
	return raise(ev, "mentor_overload", "warning", "organization", COL_I(st, 0),
		     (int)COL_I(st, 1), (double)COL_I(st, 4), thr);
}

static enum dt_err on_stipend(struct eval *ev, json_t *st, double thr)
{
	(void)thr;
	dt_strbuf_addf(&ev->zh, "合同 %lld 月津贴 %lld 元, 低于当地最低工资 %lld 元",
		       (long long)COL_I(st, 0), (long long)COL_I(st, 2), (long long)COL_I(st, 3));
	dt_strbuf_addf(
		&ev->en,
		"Contract %lld pays a stipend of %lld CNY a month, below the local minimum wage of %lld",
		(long long)COL_I(st, 0), (long long)COL_I(st, 2), (long long)COL_I(st, 3));
	return raise(ev, "stipend_below_minimum", "critical", "contract", COL_I(st, 0),
		     (int)COL_I(st, 1), (double)COL_I(st, 2), (double)COL_I(st, 3));
}

static enum dt_err on_school_mentor(struct eval *ev, json_t *st, double thr)
{
	dt_strbuf_addf(&ev->zh, "%s 学校导师 %s 带徒 %lld 人(上限 %g)", COL_S(st, 2), COL_S(st, 3),
		       (long long)COL_I(st, 4), thr);
	dt_strbuf_addf(&ev->en, "%s: school mentor %s has %lld trainees (limit %g)", COL_S(st, 2),
		       COL_S(st, 3), (long long)COL_I(st, 4), thr);
	return raise(ev, "school_mentor_overload", "warning", "organization", COL_I(st, 0),
		     (int)COL_I(st, 1), (double)COL_I(st, 4), thr);
}

static enum dt_err on_day_hours(struct eval *ev, json_t *st, double thr)
{
	long long con = (long long)COL_I(st, 0), days = (long long)COL_I(st, 4);
	double h = COL_F(st, 3);
	dt_strbuf_addf(&ev->zh, "合同 %lld: %s 记录 %g 小时, 超过 %g 小时", con, COL_S(st, 2), h,
		       thr);
	dt_strbuf_addf(&ev->en, "Contract %lld: %g hours recorded on %s, over %g", con, h,
		       COL_S(st, 2), thr);
	if (days > 1) {
		dt_strbuf_addf(&ev->zh, "(共 %lld 天超过)", days);
		dt_strbuf_addf(&ev->en, " (%lld days over)", days);
	}
	return raise(ev, "record_day_hours", "warning", "contract", COL_I(st, 0), (int)COL_I(st, 1),
		     h, thr);
}

/*
 * @utc ("YYYY-MM-DDTHH:MM...Z") as "YYYY-MM-DD HH:MM" in China time (UTC+8),
 * the pilot's clock; the text itself when it has not that shape.
 */
static void china_minute(const char *utc, char out[20])
{
	struct dt_date d;
	int hh = 0, mm = 0;
	char day[DT_DATE_STRLEN];
	snprintf(day, sizeof(day), "%.10s", utc);
	if (strlen(utc) < 16 || dt_date_parse(day, &d, NULL, NULL) != DT_OK ||
	    sscanf(utc + 10, "T%2d:%2d", &hh, &mm) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59) {
		snprintf(out, 20, "%s", utc);
		return;
	}
	hh += 8;
	if (hh >= 24) {
		hh -= 24;
		d = dt_date_add_days(d, 1);
	}
	dt_date_format(d, day);
	snprintf(out, 20, "%s %02d:%02d", day, hh, mm);
}

static enum dt_err on_burst(struct eval *ev, json_t *st, double thr)
{
	long long con = (long long)COL_I(st, 0), n = (long long)COL_I(st, 4);
	double span = COL_F(st, 6);
	char at[20], iso[DT_TIME_STRLEN];
	/* signed_at in milliseconds (migration 018) */
	json_t *ms = json_array_get(st, 5);
	if (json_is_integer(ms))
		dt_time_from_ms(json_integer_value(ms), iso);
	china_minute(json_is_integer(ms) ? iso : COL_S(st, 5), at);
	dt_strbuf_addf(&ev->zh,
		       "合同 %lld: %s 至 %s 的 %lld 条培养记录(跨 %g 天)于 %s 一分钟内签核", con,
		       COL_S(st, 2), COL_S(st, 3), n, span, at);
	dt_strbuf_addf(&ev->en,
		       "Contract %lld: %lld record-book entries from %s to %s (%g days) signed off "
		       "within the minute of %s (China time)",
		       con, n, COL_S(st, 2), COL_S(st, 3), span, at);
	return raise(ev, "signoff_burst", "warning", "contract", COL_I(st, 0), (int)COL_I(st, 1),
		     span, thr);
}

static enum dt_err on_before_start(struct eval *ev, json_t *st, double thr)
{
	(void)thr;
	long long con = (long long)COL_I(st, 0), before = (long long)COL_I(st, 4),
		  signing = (long long)COL_I(st, 5);
	char at[20];
	china_minute(COL_S(st, 3), at);
	at[10] = 0; /* the signing day */
	dt_strbuf_addf(&ev->zh, "合同 %lld: ", con);
	dt_strbuf_addf(&ev->en, "Contract %lld: ", con);
	if (before) {
		dt_strbuf_addf(&ev->zh, "%lld 条培养记录早于合同开始日期 %s(最早 %s)", before,
			       COL_S(st, 2), COL_S(st, 6));
		dt_strbuf_addf(&ev->en, "%lld record-book entries before the start %s (first %s)",
			       before, COL_S(st, 2), COL_S(st, 6));
	}
	if (before && signing) {
		dt_strbuf_adds(&ev->zh, "; ");
		dt_strbuf_adds(&ev->en, "; ");
	}
	if (signing) {
		dt_strbuf_addf(&ev->zh, "%lld 条培养记录记于合同签订当日 %s", signing, at);
		dt_strbuf_addf(&ev->en, "%lld record-book entries dated on the day of signing, %s",
			       signing, at);
	}
	return raise(ev, "record_before_start", "warning", "contract", COL_I(st, 0),
		     (int)COL_I(st, 1), (double)(before + signing), 0);
}

static enum dt_err on_no_final(struct eval *ev, json_t *st, double thr)
{
	(void)thr;
	dt_strbuf_addf(&ev->zh, "合同 %lld 已于 %s 结业, 但没有结业考核记录",
		       (long long)COL_I(st, 0), COL_S(st, 2));
	dt_strbuf_addf(&ev->en, "Contract %lld was completed on %s without a final assessment",
		       (long long)COL_I(st, 0), COL_S(st, 2));
	return raise(ev, "completion_no_final", "warning", "contract", COL_I(st, 0),
		     (int)COL_I(st, 1), 0, 0);
}

static enum dt_err on_task(struct eval *ev, json_t *st, double thr)
{
	(void)thr;
	dt_strbuf_addf(&ev->zh, "试点任务「%s」已过完成时限 %s", COL_S(st, 2), COL_S(st, 3));
	dt_strbuf_addf(&ev->en, "Pilot task \"%s\" is past its deadline %s", COL_S(st, 2),
		       COL_S(st, 3));
	return raise(ev, "task_overdue", "warning", "pilot_task", COL_I(st, 0), (int)COL_I(st, 1),
		     0, 0);
}

static const char *severity_zh(const char *sev)
{
	return !strcmp(sev, "grave") ? "严重" : !strcmp(sev, "serious") ? "较重" : "一般";
}

/*
 * A finding open or rectifying, due in @thr days or fewer (row: id, region,
 * severity, deadline, days left): one alert per band, the smallest of 7, 3
 * and 1 days that is not less than the days left, so that each reminder
 * comes once however often the rules run (the band is the alert's
 * "indicator").
 */
static enum dt_err on_finding_due(struct eval *ev, json_t *st, double thr)
{
	int64_t left = COL_I(st, 4);
	const char *band = left <= 1 ? "1" : left <= 3 ? "3" : "7";
	dt_strbuf_addf(&ev->zh, "督查问题 %lld(%s)整改期限 %s, 还剩 %lld 天",
		       (long long)COL_I(st, 0), severity_zh(COL_S(st, 2)), COL_S(st, 3),
		       (long long)left);
	dt_strbuf_addf(&ev->en, "Finding %lld (%s) is due for rectification on %s, in %lld day%s",
		       (long long)COL_I(st, 0), COL_S(st, 2), COL_S(st, 3), (long long)left,
		       left == 1 ? "" : "s");
	return raise_for(ev, "finding_due", left <= 3 ? "warning" : "info", "finding", COL_I(st, 0),
			 band, (int)COL_I(st, 1), (double)left, thr);
}

/* A finding open or rectifying after its deadline (row as above, days past): to its city. */
static enum dt_err on_finding_overdue(struct eval *ev, json_t *st, double thr)
{
	(void)thr;
	dt_strbuf_addf(&ev->zh, "督查问题 %lld(%s)已超过整改期限 %s %lld 天",
		       (long long)COL_I(st, 0), severity_zh(COL_S(st, 2)), COL_S(st, 3),
		       (long long)COL_I(st, 4));
	dt_strbuf_addf(&ev->en, "Finding %lld (%s) is %lld day%s past its deadline %s",
		       (long long)COL_I(st, 0), COL_S(st, 2), (long long)COL_I(st, 4),
		       COL_I(st, 4) == 1 ? "" : "s", COL_S(st, 3));
	return raise(ev, "finding_overdue",
		     strcmp(COL_S(st, 2), "general") ? "critical" : "warning", "finding",
		     COL_I(st, 0), (int)COL_I(st, 1), (double)COL_I(st, 4), 0);
}

/* Region-level rules for one pilot: targets off track, dual ratio below plan. */
static enum dt_err pilot_rules(struct eval *ev, int64_t pilot_id, int region, const char *name)
{
	struct dt_ind_query q = { .region = region,
				  .period = { ev->today_ymd / 10000, 0, 0 },
				  .today = ev->today_ymd };
	json_t *dash = NULL;
	int rc = dt_engine_indicators(ev->s, &q, &dash, ev->err);
	if (rc != DT_OK)
		return rc;
	double thr = threshold(ev, "target_off_track");
	double dual = NAN, plan = NAN;
	json_t *targets = NULL;
	rc = dt_store_targets_effective(ev->s, region, q.period.year, &targets, ev->err);
	size_t i;
	json_t *ind;
	json_array_foreach(json_object_get(dash, "indicators"), i, ind)
	{
		if (rc != DT_OK)
			break;
		const char *code = json_string_value(json_object_get(ind, "code"));
		json_t *val = json_object_get(ind, "value");
		if (!strcmp(code, "dual_ratio"))
			dual = json_is_number(val) ? json_number_value(val) : NAN;
		if (!strcmp(code, "dual_ratio_plan"))
			plan = json_is_number(val) ? json_number_value(val) : NAN;
		json_t *att = json_object_get(ind, "attainment");
		json_t *t = json_object_get(targets, code);
		if (!json_is_number(att) || !t || json_number_value(att) >= thr)
			continue;
		double a = json_number_value(att);
		dt_strbuf_addf(&ev->zh, "%s「%s」预计完成度 %.0f%%, 低于 %.0f%%", name,
			       json_string_value(json_object_get(ind, "name_zh")), a * 100,
			       thr * 100);
		dt_strbuf_addf(&ev->en, "%s: %s projected at %.0f%% of target, below %.0f%%", name,
			       json_string_value(json_object_get(ind, "name_en")), a * 100,
			       thr * 100);
		rc = raise_for(ev, "target_off_track", a < thr * 0.75 ? "critical" : "warning",
			       "pilot", pilot_id, code, region, a, thr);
	}
	if (rc == DT_OK && !isnan(dual) && !isnan(plan)) {
		double gap = threshold(ev, "dual_ratio_below_plan");
		if (dual < plan - gap) {
			dt_strbuf_addf(&ev->zh,
				       "%s 企业学时占比 %.1f%%, 低于计划 %.1f%% 超过 %g 个百分点",
				       name, dual, plan, gap);
			dt_strbuf_addf(
				&ev->en,
				"%s: dual ratio %.1f%% is more than %g points below the plan (%.1f%%)",
				name, dual, gap, plan);
			rc = raise(ev, "dual_ratio_below_plan", "warning", "pilot", pilot_id,
				   region, dual, plan - gap);
		}
	}
	json_decref(targets);
	json_decref(dash);
	return rc;
}

enum dt_err dt_engine_alerts_evaluate(struct dt_store *s, const struct dt_actor *a, int today,
				      int *raised, struct dt_strbuf *err)
{
	return dt_engine_alerts_pass(s, a, today, true, NULL, raised, err);
}

enum dt_err dt_engine_alerts_pass(struct dt_store *s, const struct dt_actor *a, int today,
				  bool full, const atomic_bool *stop, int *raised,
				  struct dt_strbuf *err)
{
	struct eval ev = {
		.s = s, .a = a, .err = err, .zh = DT_STRBUF_INIT, .en = DT_STRBUF_INIT, .stop = stop
	};
	ev.today_ymd = today ? today : dt_engine_today();
	struct dt_date d = { ev.today_ymd / 10000, ev.today_ymd / 100 % 100, ev.today_ymd % 100 };
	dt_date_format(d, ev.today);
	int rc = dt_store_settings(s, "alert.", &ev.settings, err);
	if (rc != DT_OK)
		return rc;

	/* Pilots: region-level rules from the aggregates. */
	json_t *pilots = NULL;
	rc = dt_engine_pilots(s, &pilots, err);
	size_t i;
	json_t *p;
	json_array_foreach(pilots, i, p)
	{
		if (rc != DT_OK || stopping(&ev))
			break;
		rc = pilot_rules(&ev, json_integer_value(json_object_get(p, "id")),
				 dt_engine_pilot_region(p),
				 json_string_value(json_object_get(p, "name")));
	}
	json_decref(pilots);

	/*
	 * The checks of the whole record book read every entry (about 0.2 to
	 * 0.5 s for each 350,000 entries): they run in the full pass only.  The
	 * store refuses such entries (domain/record.c) or, for sign-offs, they
	 * are no emergency, so a day's delay costs nothing.
	 */
	static const struct {
		const char *rule;
		enum dt_err (*fn)(struct eval *ev, json_t *row, double thr);
		bool full_only;
	} per_record[] = {
		{ "dissolution_spike", on_dissolutions, false },
		{ "no_record_entry", on_no_entry, false },
		{ "mentor_overload", on_mentor, false },
		{ "stipend_below_minimum", on_stipend, false },
		{ "task_overdue", on_task, false },
		{ "school_mentor_overload", on_school_mentor, false },
		{ "completion_no_final", on_no_final, false },
		{ "record_day_hours", on_day_hours, true },
		{ "signoff_burst", on_burst, true },
		{ "record_before_start", on_before_start, true },
		{ "finding_due", on_finding_due, false },
		{ "finding_overdue", on_finding_overdue, false },
	};
	for (size_t k = 0; k < DT_ARRAY_SIZE(per_record) && rc == DT_OK && !stopping(&ev); k++)
		if (full || !per_record[k].full_only)
			rc = each_row(&ev, per_record[k].rule, threshold(&ev, per_record[k].rule),
				      per_record[k].fn);
	json_decref(ev.settings);
	dt_strbuf_release(&ev.zh);
	dt_strbuf_release(&ev.en);
	if (raised)
		*raised = ev.raised;
	return rc;
}
