/*
 * indicator.c - indicator definitions and formulas (see indicator.h and
 * docs/INDICATORS.md).
 */
#include <math.h>
#include <string.h>

#include "core/common.h"
#include "domain/indicator.h"
#include "core/banned.h"

static const char *const counter_keys[DT_C_N] = {
	[DT_C_BEGUN] = "begun",
	[DT_C_ACTIVE] = "active",
	[DT_C_PLAN_COMPANY] = "plan_company",
	[DT_C_PLAN_TOTAL] = "plan_total",
	[DT_C_STIPEND_CHECKED] = "stipend_checked",
	[DT_C_STIPEND_OK] = "stipend_ok",
	[DT_C_COMPLETED] = "completed",
	[DT_C_DISSOLVED] = "dissolved",
	[DT_C_TRANSFERRED] = "transferred",
	[DT_C_DISSOLVED_PROBATION] = "dissolved_probation",
	[DT_C_DISSOLVED_L0] = "dissolved_l0",
	[DT_C_DISSOLVED_L1] = "dissolved_l1",
	[DT_C_DISSOLVED_L2] = "dissolved_l2",
	[DT_C_DISSOLVED_L3] = "dissolved_l3",
	[DT_C_HOURS_COMPANY] = "hours_company",
	[DT_C_HOURS_SCHOOL] = "hours_school",
	[DT_C_FINAL_TAKEN] = "final_taken",
	[DT_C_FINAL_PASSED] = "final_passed",
	[DT_C_FINAL_TAKEN_FIRST] = "final_taken_first",
	[DT_C_FINAL_PASSED_FIRST] = "final_passed_first",
	[DT_C_RETAINED_3M] = "retained_3m",
	[DT_C_DEMAND] = "demand",
	[DT_C_PLACES] = "places",
	[DT_C_ACTIVE_NOW] = "active_now",
	[DT_C_MENTORS_NOW] = "mentors_now",
	[DT_C_ENTERPRISES_NOW] = "enterprises_now",
	[DT_C_ENTERPRISES_ACTIVE_NOW] = "enterprises_active_now",
	[DT_C_INSP_CANDIDATES] = "insp_candidates",
	[DT_C_INSP_DRAWN] = "insp_drawn",
	[DT_C_INSP_CONDUCTED] = "insp_conducted",
	[DT_C_INSP_DONE] = "insp_done",
	[DT_C_FINDINGS_GENERAL] = "findings_general",
	[DT_C_FINDINGS_SERIOUS] = "findings_serious",
	[DT_C_FINDINGS_GRAVE] = "findings_grave",
	[DT_C_FINDINGS_CLOSED] = "findings_closed",
	[DT_C_FINDINGS_SUBMITTED] = "findings_submitted",
	[DT_C_FINDINGS_PENDING] = "findings_pending",
};

int dt_counter_find(const char *key)
{
	for (int i = 0; i < DT_C_N; i++)
		if (!strcmp(counter_keys[i], key))
			return i;
	return -1;
}

const char *dt_counter_key(enum dt_counter c)
{
	return counter_keys[c];
}

void dt_counters_init(struct dt_counters *c, int year)
{
	memset(c, 0, sizeof(*c));
	c->first_year = year - DT_CTR_YEARS + 1;
	c->last_key = -1;
}

void dt_counters_add(struct dt_counters *c, const char *key, int period, int64_t value)
{
	/* Rows come grouped by key: look a key up once per run of rows. */
	int k = c->last_key >= 0 && !strcmp(counter_keys[c->last_key], key) ? c->last_key
									    : dt_counter_find(key);
	c->last_key = k;
	if (k < 0)
		return;
	if (period == 0) {
		c->now[k] += value;
		return;
	}
	int y = period / 100, slot = period % 100;
	if (y < c->first_year)
		c->before[k] += value;
	else if (y < c->first_year + DT_CTR_YEARS && slot <= 12)
		c->m[k][y - c->first_year][slot] += value;
}

/* ---- periods ---- */

void dt_period_months(const struct dt_period *p, int *m0, int *m1)
{
	if (p->month) {
		*m0 = *m1 = p->month;
	} else if (p->quarter) {
		*m0 = 3 * p->quarter - 2;
		*m1 = 3 * p->quarter;
	} else {
		*m0 = 1;
		*m1 = 12;
	}
}

struct dt_period dt_period_prev(const struct dt_period *p)
{
	struct dt_period q = *p;
	if (p->month) {
		q.month = p->month == 1 ? 12 : p->month - 1;
		q.year = p->month == 1 ? p->year - 1 : p->year;
	} else if (p->quarter) {
		q.quarter = p->quarter == 1 ? 4 : p->quarter - 1;
		q.year = p->quarter == 1 ? p->year - 1 : p->year;
	} else {
		q.year = p->year - 1;
	}
	return q;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

double dt_period_elapsed(const struct dt_period *p, int today_ymd)
{
	int m0, m1;
	dt_period_months(p, &m0, &m1);
	int64_t start = days(p->year, m0, 1);
	int64_t end = m1 == 12 ? days(p->year + 1, 1, 1) : days(p->year, m1 + 1, 1);
	int64_t today = days(today_ymd / 10000, today_ymd / 100 % 100, today_ymd % 100) + 1;
	if (today <= start)
		return 0;
	if (today >= end)
		return 1;
	return (double)(today - start) / (double)(end - start);
}

/* ---- the indicators ---- */

#define PCT DT_U_PERCENT
#define HIGHER DT_D_HIGHER
#define LOWER DT_D_LOWER
#define CEILING DT_D_CEILING
const struct dt_indicator dt_indicators[] = {
	{ "active_contracts", "在训合同数", "Active contracts", DT_U_COUNT, HIGHER, DT_I_LEVEL,
	  true, 1, "期末在履行的合同", NULL },
	{ "new_contracts", "新签合同数", "New contracts", DT_U_COUNT, HIGHER, DT_I_FLOW, true, 1,
	  "本期开始并已生效的合同", NULL },
	{ "trainees_per_mentor", "企业导师人均带徒数", "Trainees per company mentor", DT_U_RATIO,
	  CEILING, DT_I_LEVEL, false, 0.5, "当前在训合同", "当前带徒企业导师" },
	{ "enterprise_participation", "企业参与率", "Enterprise participation", PCT, HIGHER,
	  DT_I_LEVEL, false, 1, "有在训合同的企业", "登记企业" },
	{ "dual_ratio", "企业学时占比", "Dual ratio (company share of hours)", PCT, HIGHER,
	  DT_I_LEVEL, false, 1, "已签核企业学时", "已签核全部学时" },
	{ "dual_ratio_plan", "计划企业学时占比", "Planned dual ratio", PCT, HIGHER, DT_I_LEVEL,
	  false, 0, "在训合同计划企业学时", "在训合同计划全部学时" },
	{ "dissolution_rate", "合同解除率(分层法)", "Dissolution rate (layer method)", PCT, LOWER,
	  DT_I_LEVEL, true, 1, "各年度开训队列本期解除数 / 该队列开训数, 求和(近四个队列)", NULL },
	{ "dissolutions", "解除合同数", "Dissolutions", DT_U_COUNT, LOWER, DT_I_FLOW, true, 0,
	  "本期解除的合同", NULL },
	{ "achievement_rate", "结业达标率", "Achievement rate", PCT, HIGHER, DT_I_LEVEL, true, 1,
	  "本期通过结业考核人数", "本期离训人数(完成+解除)" },
	{ "retention_rate", "培养完成率", "Retention (completers / leavers)", PCT, HIGHER,
	  DT_I_LEVEL, true, 1, "本期完成合同", "本期离训人数(完成+解除)" },
	{ "pass_rate", "结业考核通过率", "Final assessment pass rate", PCT, HIGHER, DT_I_LEVEL,
	  true, 1, "通过的结业考核", "参加的结业考核" },
	{ "first_pass_rate", "首次考核通过率", "First-attempt pass rate", PCT, HIGHER, DT_I_LEVEL,
	  true, 0, "首次通过的结业考核", "首次参加的结业考核" },
	{ "firm_retention_rate", "培训企业留用率", "Retention by the training firm", PCT, HIGHER,
	  DT_I_LEVEL, true, 1, "完成后3个月内被培训企业留用", "本期完成合同" },
	{ "supply_demand_ratio", "岗位供需比", "Supply–demand ratio (places / demand)", DT_U_RATIO,
	  HIGHER, DT_I_LEVEL, true, 1, "本年度企业培训岗位", "本年度企业技能需求人数" },
	{ "stipend_compliance", "津贴达标率", "Stipend compliance", PCT, HIGHER, DT_I_LEVEL, false,
	  1, "津贴不低于当地最低工资的在训合同", "有最低工资标准的在训合同" },
	{ "hours_company", "企业学时", "Company hours", DT_U_HOURS, HIGHER, DT_I_FLOW, false, 0,
	  "本期已签核企业学时", NULL },
	{ "hours_school", "学校学时", "School hours", DT_U_HOURS, HIGHER, DT_I_FLOW, false, 0,
	  "本期已签核学校学时", NULL },
	/* supervision (督查), docs/INDICATORS.md */
	{ "inspection_coverage", "督查覆盖率", "Inspection coverage", PCT, HIGHER, DT_I_LEVEL,
	  false, 1, "本年度督查计划已完成的检查", "本年度督查计划的候选对象" },
	{ "findings_per_inspection", "每次检查发现问题数", "Findings per inspection", DT_U_RATIO,
	  LOWER, DT_I_LEVEL, false, 0, "本年度督查计划发现的问题", "已开展的检查" },
	{ "findings_general_per_inspection", "每次检查发现一般问题数",
	  "General findings per inspection", DT_U_RATIO, LOWER, DT_I_LEVEL, false, 0, "一般问题",
	  "已开展的检查" },
	{ "findings_serious_per_inspection", "每次检查发现较重问题数",
	  "Serious findings per inspection", DT_U_RATIO, LOWER, DT_I_LEVEL, false, 0, "较重问题",
	  "已开展的检查" },
	{ "findings_grave_per_inspection", "每次检查发现严重问题数",
	  "Grave findings per inspection", DT_U_RATIO, LOWER, DT_I_LEVEL, false, 0, "严重问题",
	  "已开展的检查" },
	{ "rectification_closure", "整改销号率", "Rectification closure rate", PCT, HIGHER,
	  DT_I_LEVEL, false, 1, "本期到期并已销号的问题", "本期到期的问题(已销号或期限已过)" },
	{ "overdue_findings", "逾期未整改问题数", "Overdue findings", DT_U_COUNT, LOWER, DT_I_LEVEL,
	  false, 0.5, "期末逾期未整改的问题", NULL },
};
const int dt_nindicators = (int)DT_ARRAY_SIZE(dt_indicators);

const struct dt_indicator *dt_indicator_find(const char *code)
{
	for (int i = 0; i < dt_nindicators; i++)
		if (!strcmp(dt_indicators[i].code, code))
			return &dt_indicators[i];
	return NULL;
}

const char *dt_unit_name(enum dt_unit u)
{
	static const char *const names[] = { "count", "percent", "ratio", "hours" };
	return names[u];
}

const char *dt_direction_name(enum dt_direction d)
{
	static const char *const names[] = { "higher", "lower", "ceiling" };
	return names[d];
}

/* Sum of counter @k over months m0..m1 of @year (and the yearly slot for a whole year). */
static double flow(const struct dt_counters *c, int k, int year, int m0, int m1)
{
	int y = year - c->first_year;
	if (y < 0 || y >= DT_CTR_YEARS)
		return 0;
	int64_t sum = m0 == 1 && m1 == 12 ? c->m[k][y][0] : 0;
	for (int m = m0; m <= m1; m++)
		sum += c->m[k][y][m];
	return (double)sum;
}

/* Counter @k for the year of @p, whatever part of it @p is (yearly facts). */
static double yearly(const struct dt_counters *c, int k, int year)
{
	return flow(c, k, year, 1, 12);
}

/* A stock at the end of month @m1 of @year: every change up to then. */
static double stock(const struct dt_counters *c, int k, int year, int m1)
{
	int64_t sum = c->before[k];
	for (int y = 0; y < DT_CTR_YEARS && c->first_year + y <= year; y++) {
		int last = c->first_year + y == year ? m1 : 12;
		for (int m = 0; m <= last; m++)
			sum += c->m[k][y][m];
	}
	return (double)sum;
}

/* Is month @m of @year gone by (before the counters' month of today)? */
static bool past(const struct dt_counters *c, int year, int m)
{
	return !c->now_month || year * 100 + m < c->now_month;
}

/*
 * flow() over the months of m0..m1 of @year that are gone by.  A whole year
 * gone by may be loaded as its yearly sum (slot 0): taken whole.
 */
static double flow_past(const struct dt_counters *c, int k, int year, int m0, int m1)
{
	if (m0 == 1 && m1 == 12 && past(c, year, 12))
		return flow(c, k, year, 1, 12);
	double sum = 0;
	for (int m = m0; m <= m1; m++)
		if (past(c, year, m))
			sum += flow(c, k, year, m, m);
	return sum;
}

/* stock() of @k at the end of month @m1 of @year, of the months gone by only. */
static double stock_past(const struct dt_counters *c, int k, int year, int m1)
{
	double sum = (double)c->before[k];
	for (int y = c->first_year; y <= year && y < c->first_year + DT_CTR_YEARS; y++)
		sum += flow_past(c, k, y, 1, y == year ? m1 : 12);
	return sum;
}

static struct dt_ivalue ratio(double num, double den, double scale)
{
	struct dt_ivalue v = { den != 0 ? num / den * scale : NAN, num, den };
	return v;
}

double dt_dual_ratio(double company_hours, double all_hours)
{
	return all_hours > 0 ? company_hours / all_hours * 100 : NAN;
}

static struct dt_ivalue count(double num)
{
	struct dt_ivalue v = { num, num, NAN };
	return v;
}

struct dt_ivalue dt_indicator_compute(int i, const struct dt_counters *c, const struct dt_period *p)
{
	int m0, m1, y = p->year;
	dt_period_months(p, &m0, &m1);
	const char *code = dt_indicators[i].code;
#define FLOW(k) flow(c, DT_C_##k, y, m0, m1)
#define STOCK(k) stock(c, DT_C_##k, y, m1)
#define NOW(k) ((double)c->now[DT_C_##k])
	if (!strcmp(code, "active_contracts"))
		return count(STOCK(ACTIVE));
	if (!strcmp(code, "new_contracts"))
		return count(FLOW(BEGUN));
	if (!strcmp(code, "trainees_per_mentor"))
		return ratio(NOW(ACTIVE_NOW), NOW(MENTORS_NOW), 1);
	if (!strcmp(code, "enterprise_participation"))
		return ratio(NOW(ENTERPRISES_ACTIVE_NOW), NOW(ENTERPRISES_NOW), 100);
	if (!strcmp(code, "dual_ratio")) {
		/* Hours are counted in hundredths. */
		double company = FLOW(HOURS_COMPANY) / 100,
		       all = company + FLOW(HOURS_SCHOOL) / 100;
		struct dt_ivalue v = { dt_dual_ratio(company, all), company, all };
		return v;
	}
	if (!strcmp(code, "dual_ratio_plan"))
		return ratio(STOCK(PLAN_COMPANY), STOCK(PLAN_TOTAL), 100);
	if (!strcmp(code, "dissolution_rate")) {
		/* BIBB LQneu: sum over the four latest cohorts of this period's dissolutions / cohort size. */
		double rate = 0, num = 0;
		bool any = false;
		for (int l = 0; l <= 3; l++) {
			double d = flow(c, DT_C_DISSOLVED_L0 + l, y, m0, m1);
			double cohort = yearly(c, DT_C_BEGUN, y - l);
			num += d;
			if (cohort > 0) {
				rate += d / cohort;
				any = true;
			}
		}
		struct dt_ivalue v = { any ? rate * 100 : NAN, num, NAN };
		return v;
	}
	if (!strcmp(code, "dissolutions"))
		return count(FLOW(DISSOLVED));
	if (!strcmp(code, "achievement_rate"))
		return ratio(FLOW(FINAL_PASSED), FLOW(COMPLETED) + FLOW(DISSOLVED), 100);
	if (!strcmp(code, "retention_rate"))
		return ratio(FLOW(COMPLETED), FLOW(COMPLETED) + FLOW(DISSOLVED), 100);
	if (!strcmp(code, "pass_rate"))
		return ratio(FLOW(FINAL_PASSED), FLOW(FINAL_TAKEN), 100);
	if (!strcmp(code, "first_pass_rate"))
		return ratio(FLOW(FINAL_PASSED_FIRST), FLOW(FINAL_TAKEN_FIRST), 100);
	if (!strcmp(code, "firm_retention_rate"))
		return ratio(FLOW(RETAINED_3M), FLOW(COMPLETED), 100);
	if (!strcmp(code, "supply_demand_ratio"))
		return ratio(yearly(c, DT_C_PLACES, y), yearly(c, DT_C_DEMAND, y), 1);
	if (!strcmp(code, "stipend_compliance"))
		return ratio(STOCK(STIPEND_OK), STOCK(STIPEND_CHECKED), 100);
	if (!strcmp(code, "hours_company"))
		return count(FLOW(HOURS_COMPANY) / 100);
	if (!strcmp(code, "hours_school"))
		return count(FLOW(HOURS_SCHOOL) / 100);
	/* supervision: the year's plans, whatever part of the year @p is */
	if (!strcmp(code, "inspection_coverage"))
		return ratio(yearly(c, DT_C_INSP_DONE, y), yearly(c, DT_C_INSP_CANDIDATES, y), 100);
	if (!strcmp(code, "findings_per_inspection"))
		return ratio(yearly(c, DT_C_FINDINGS_GENERAL, y) +
				     yearly(c, DT_C_FINDINGS_SERIOUS, y) +
				     yearly(c, DT_C_FINDINGS_GRAVE, y),
			     yearly(c, DT_C_INSP_CONDUCTED, y), 1);
	if (!strcmp(code, "findings_general_per_inspection"))
		return ratio(yearly(c, DT_C_FINDINGS_GENERAL, y), yearly(c, DT_C_INSP_CONDUCTED, y),
			     1);
	if (!strcmp(code, "findings_serious_per_inspection"))
		return ratio(yearly(c, DT_C_FINDINGS_SERIOUS, y), yearly(c, DT_C_INSP_CONDUCTED, y),
			     1);
	if (!strcmp(code, "findings_grave_per_inspection"))
		return ratio(yearly(c, DT_C_FINDINGS_GRAVE, y), yearly(c, DT_C_INSP_CONDUCTED, y),
			     1);
	if (!strcmp(code, "rectification_closure")) {
		/* due: closed, or past the deadline's month (submitted ones wait on the inspector) */
		double closed = FLOW(FINDINGS_CLOSED);
		return ratio(closed,
			     closed + flow_past(c, DT_C_FINDINGS_PENDING, y, m0, m1) +
				     flow_past(c, DT_C_FINDINGS_SUBMITTED, y, m0, m1),
			     100);
	}
	if (!strcmp(code, "overdue_findings"))
		return count(stock_past(c, DT_C_FINDINGS_PENDING, y, m1));
#undef FLOW
#undef STOCK
#undef NOW
	struct dt_ivalue none = { NAN, NAN, NAN };
	return none;
}

double dt_attainment(const struct dt_indicator *ind, const struct dt_period *p, double value,
		     double target, double elapsed, double *projection)
{
	*projection = value;
	if (isnan(value) || isnan(target))
		return NAN;
	double expected = target;
	if (ind->kind == DT_I_FLOW) {
		int m0, m1;
		dt_period_months(p, &m0, &m1);
		double share = (m1 - m0 + 1) / 12.0;
		expected = target * share * elapsed;
		*projection = elapsed > 0 ? value / elapsed : NAN;
	}
	double a;
	if (ind->direction == DT_D_HIGHER)
		a = expected > 0 ? value / expected : (value > 0 ? 2 : NAN);
	else if (ind->direction == DT_D_CEILING)
		a = value <= expected ? 1 : expected / value;
	else
		a = value > 0 ? expected / value : 2;
	return a > 2 ? 2 : a;
}
