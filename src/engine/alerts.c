/*
 * alerts.c - the alert rules.
 *
 * Each rule finds what is off track and raises an alert for it through
 * dt_store_alert_raise(), which keeps one open alert per rule and subject
 * (raising again only refreshes the figures).  Thresholds are settings
 * "alert.RULE" with the defaults below.  Region-level rules read the
 * aggregates; the per-record rules (a contract without entries, a stipend
 * below the minimum wage, an overdue task) read indexed facts, as a daily
 * check may.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/date.h"
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
};

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

/* Call @fn for each candidate row of @rule (store/monitor.c holds the queries). */
static enum dt_err each_row(struct eval *ev, const char *rule, double thr,
			    enum dt_err (*fn)(struct eval *ev, json_t *row, double thr))
{
	json_t *rows = NULL;
	int rc = dt_store_alert_candidates(ev->s, rule, ev->today, thr, &rows, ev->err);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		if (rc != DT_OK)
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
	dt_strbuf_addf(&ev->zh, "合同 %lld 已 %g 天以上无培养记录(最近一条: %s)",
		       (long long)COL_I(st, 0), thr, *last ? last : "无");
	dt_strbuf_addf(&ev->en,
		       "Contract %lld has had no record-book entry for %g days or more (last: %s)",
		       (long long)COL_I(st, 0), thr, *last ? last : "none");
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
	dt_strbuf_addf(&ev->zh, "督查问题 %lld(%s)整改期限 %s, 还剩 %lld 天", (long long)COL_I(st, 0),
		       severity_zh(COL_S(st, 2)), COL_S(st, 3), (long long)left);
	dt_strbuf_addf(&ev->en, "Finding %lld (%s) is due for rectification on %s, in %lld day%s",
		       (long long)COL_I(st, 0), COL_S(st, 2), COL_S(st, 3), (long long)left,
		       left == 1 ? "" : "s");
	return raise_for(ev, "finding_due", left <= 3 ? "warning" : "info", "finding",
			 COL_I(st, 0), band, (int)COL_I(st, 1), (double)left, thr);
}

/* A finding open or rectifying after its deadline (row as above, days past): to its city. */
static enum dt_err on_finding_overdue(struct eval *ev, json_t *st, double thr)
{
	(void)thr;
	dt_strbuf_addf(&ev->zh, "督查问题 %lld(%s)已超过整改期限 %s %lld 天", (long long)COL_I(st, 0),
		       severity_zh(COL_S(st, 2)), COL_S(st, 3), (long long)COL_I(st, 4));
	dt_strbuf_addf(&ev->en, "Finding %lld (%s) is %lld day%s past its deadline %s",
		       (long long)COL_I(st, 0), COL_S(st, 2), (long long)COL_I(st, 4),
		       COL_I(st, 4) == 1 ? "" : "s", COL_S(st, 3));
	return raise(ev, "finding_overdue", strcmp(COL_S(st, 2), "general") ? "critical" : "warning",
		     "finding", COL_I(st, 0), (int)COL_I(st, 1), (double)COL_I(st, 4), 0);
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
	struct eval ev = { .s = s, .a = a, .err = err, .zh = DT_STRBUF_INIT, .en = DT_STRBUF_INIT };
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
		if (rc != DT_OK)
			break;
		rc = pilot_rules(&ev, json_integer_value(json_object_get(p, "id")),
				 dt_engine_pilot_region(p),
				 json_string_value(json_object_get(p, "name")));
	}
	json_decref(pilots);

	static const struct {
		const char *rule;
		enum dt_err (*fn)(struct eval *ev, json_t *row, double thr);
	} per_record[] = {
		{ "dissolution_spike", on_dissolutions },
		{ "no_record_entry", on_no_entry },
		{ "mentor_overload", on_mentor },
		{ "stipend_below_minimum", on_stipend },
		{ "task_overdue", on_task },
		{ "finding_due", on_finding_due },
		{ "finding_overdue", on_finding_overdue },
	};
	for (size_t k = 0; k < DT_ARRAY_SIZE(per_record) && rc == DT_OK; k++)
		rc = each_row(&ev, per_record[k].rule, threshold(&ev, per_record[k].rule),
			      per_record[k].fn);
	json_decref(ev.settings);
	dt_strbuf_release(&ev.zh);
	dt_strbuf_release(&ev.en);
	if (raised)
		*raised = ev.raised;
	return rc;
}
