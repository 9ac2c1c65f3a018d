/*
 * test_rules.c - unit tests of the record rules in src/domain: a trainee's
 * age and guardian, the record book (the daily limit against a brute-force
 * sum over random entries), assessments and the occupation's levels,
 * outcomes, pilots, targets, alerts and an organisation's region against
 * its USCC.  Each refusal is checked by its code and arguments.
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "domain/assessment.h"
#include "domain/indicator.h"
#include "domain/period.h"
#include "domain/plan.h"
#include "domain/record.h"
#include "domain/trainee.h"
#include "core/banned.h"

static struct dt_date day(int y, int m, int d)
{
	struct dt_date x = { y, m, d };
	return x;
}

/* @ps holds exactly one problem, @code on @field, with @key = @val when @key is given; then emptied. */
static void assert_one(struct dt_problems *ps, const char *field, const char *code, const char *key,
		       const char *val)
{
	if (ps->n != 1)
		fail_msg("%zu problems, wanted one %s (first: %s)", ps->n, code,
			 ps->n ? ps->v[0].code : "none");
	assert_string_equal(ps->v[0].code, code);
	if (field)
		assert_string_equal(ps->v[0].field, field);
	else
		assert_null(ps->v[0].field);
	if (key) {
		const char *got = dt_problem_arg(&ps->v[0], key);
		assert_non_null(got);
		assert_string_equal(got, val);
	}
	dt_problems_release(ps);
}

/* ---- trainees ---- */

static void test_age(void **state)
{
	(void)state;
	assert_int_equal(dt_trainee_age(day(2008, 3, 1), day(2024, 2, 29)), 15);
	assert_int_equal(dt_trainee_age(day(2008, 3, 1), day(2024, 3, 1)), 16);
	assert_int_equal(dt_trainee_age(day(2008, 2, 29), day(2024, 2, 28)), 15);
	assert_int_equal(dt_trainee_age(day(2008, 2, 29), day(2024, 2, 29)), 16);
	/* Oracle: count the birthdays passed, one year at a time. */
	for (int y = 1990; y < 2010; y++)
		for (int m = 1; m <= 12; m += 5)
			for (int d = 1; d <= 28; d += 9) {
				struct dt_date b = day(y, m, d), t = day(2026, 6, 15);
				int n = 0;
				for (int k = 1; k < 60; k++)
					if (dt_date_cmp(day(y + k, m, d), t) <= 0)
						n = k;
				assert_int_equal(dt_trainee_age(b, t), n);
			}
}

static void test_age_and_guardian(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_date today = day(2026, 9, 1);
	/* 15 on registration: too young, whatever the guardian. */
	assert_int_equal(dt_trainee_age_check(&ps, day(2010, 9, 2), today, "张父", true),
			 DT_EINVAL);
	assert_one(&ps, "national_id", "trainee.too_young", "age", "15");
	/* 16: a guardian is needed; "" is none. */
	assert_int_equal(dt_trainee_age_check(&ps, day(2010, 9, 1), today, "", true), DT_EINVAL);
	assert_one(&ps, "guardian_name", "trainee.guardian_required", "age", "16");
	assert_int_equal(dt_trainee_age_check(&ps, day(2010, 9, 1), today, "张父", true), DT_OK);
	/* 18: none needed. */
	assert_int_equal(dt_trainee_age_check(&ps, day(2008, 9, 1), today, NULL, true), DT_OK);
	/* After registration the minimum age is not checked again (a 15-year-old on record
	 * is an old record, not a new one), the guardian rule is. */
	assert_int_equal(dt_trainee_age_check(&ps, day(2010, 9, 2), today, "张父", false), DT_OK);
	assert_int_equal(dt_trainee_age_check(&ps, day(2010, 9, 2), today, NULL, false), DT_EINVAL);
	assert_one(&ps, "guardian_name", "trainee.guardian_required", "adult", "18");
	assert_int_equal(ps.n, 0);
}

static void test_natid_agreement(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_natid nid = { "11010520080301001X", 110105, { 2008, 3, 1 }, 'M' };
	assert_int_equal(dt_trainee_natid_check(&ps, &nid, "2008-03-01", "M"), DT_OK);
	assert_int_equal(dt_trainee_natid_check(&ps, &nid, NULL, NULL), DT_OK);
	assert_int_equal(dt_trainee_natid_check(&ps, &nid, "2008-03-02", NULL), DT_EINVAL);
	assert_one(&ps, "birth_date", "trainee.natid_mismatch", "expected", "2008-03-01");
	assert_int_equal(dt_trainee_natid_check(&ps, &nid, NULL, "F"), DT_EINVAL);
	assert_one(&ps, "gender", "trainee.natid_mismatch", "expected", "M");
}

/* ---- the record book ---- */

static struct dt_record_facts active(double day_hours)
{
	struct dt_record_facts f = { 9, "active", { 2025, 9, 1 }, { 2028, 8, 31 }, day_hours };
	return f;
}

static void test_record_entry(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_date today = day(2026, 3, 1);
	struct dt_record_in in = { day(2026, 2, 2), 8 };
	struct dt_record_facts f = active(0);
	assert_int_equal(dt_record_check(&ps, &in, &f, today), DT_OK);
	f.contract_status = "pending";
	assert_int_equal(dt_record_check(&ps, &in, &f, today), DT_ECONFLICT);
	assert_one(&ps, "contract_id", "record.contract_not_active", "status", "pending");
	f = active(0);
	in.date = day(2025, 8, 31);
	assert_int_equal(dt_record_check(&ps, &in, &f, today), DT_EINVAL);
	assert_one(&ps, "date", "record.outside_contract", "start", "2025-09-01");
	in.date = day(2026, 3, 2);
	assert_int_equal(dt_record_check(&ps, &in, &f, today), DT_EINVAL);
	assert_one(&ps, "date", "date.future", "value", "2026-03-02");
	in.date = day(2026, 3, 1);
	in.hours = 0;
	assert_int_equal(dt_record_check(&ps, &in, &f, today), DT_EINVAL);
	assert_one(&ps, "hours", "record.no_hours", NULL, NULL);
	/* 20 + 20 + 8: the second is refused, naming the day, what is there and the limit. */
	in.hours = 20;
	f = active(0);
	assert_int_equal(dt_record_check(&ps, &in, &f, today), DT_EINVAL);
	assert_one(&ps, "hours", "record.daily_hours", "limit", "12");
	in.hours = 8;
	f = active(8);
	assert_int_equal(dt_record_check(&ps, &in, &f, today), DT_EINVAL);
	assert_true(ps.n == 1);
	assert_string_equal(dt_problem_arg(&ps.v[0], "date"), "2026-03-01");
	assert_string_equal(dt_problem_arg(&ps.v[0], "recorded"), "8");
	assert_one(&ps, "hours", "record.daily_hours", "hours", "8");
	in.hours = 4;
	assert_int_equal(dt_record_check(&ps, &in, &f, today), DT_OK); /* exactly 12 */
	/* Signed entries are final. */
	assert_int_equal(dt_record_change_check(&ps, 5, NULL), DT_OK);
	assert_int_equal(dt_record_change_check(&ps, 5, "2026-01-01T00:00:00.000Z"), DT_ECONFLICT);
	assert_one(&ps, NULL, "record.signed", "entry", "5");
	assert_int_equal(dt_record_signoff_check(&ps, "mentor1"), DT_ECONFLICT);
	assert_one(&ps, NULL, "record.already_signed", "by", "mentor1");
}

/*
 * The daily limit against a brute-force sum: random entries of random
 * trainees on random days, each offered with the hours the trainee has on
 * that day so far (as the store sums them); an entry is accepted exactly
 * when the brute-force total of the accepted ones plus it is within 12, and
 * a refusal names that total.
 */
static void test_daily_limit_property(void **state)
{
	(void)state;
	enum { TRAINEES = 3, DAYS = 5, N = 4000 };
	static struct entry {
		int t, d;
		double h;
		bool ok;
	} log[N];
	uint64_t x = 88172645463325252ull;
	int accepted = 0, refused = 0;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	for (int i = 0; i < N; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int t = (int)(x % TRAINEES), d = (int)((x >> 8) % DAYS);
		double h = (double)(1 + (x >> 16) % 24) / 2; /* 0.5 .. 12 */
		double sum = 0; /* brute force: every accepted entry so far */
		for (int k = 0; k < i; k++)
			if (log[k].ok && log[k].t == t && log[k].d == d)
				sum += log[k].h;
		struct dt_record_in in = { day(2026, 2, 1 + d), h };
		struct dt_record_facts f = active(sum);
		enum dt_err rc = dt_record_check(&ps, &in, &f, day(2026, 3, 1));
		log[i] = (struct entry){ t, d, h, rc == DT_OK };
		if (rc == DT_OK) {
			assert_true(sum + h <= 12);
			accepted++;
		} else {
			assert_true(sum + h > 12);
			char want[32];
			snprintf(want, sizeof(want), "%g", sum);
			assert_string_equal(dt_problem_arg(&ps.v[0], "recorded"), want);
			assert_one(&ps, "hours", "record.daily_hours", NULL, NULL);
			refused++;
		}
	}
	/* Every day of every trainee ends within the limit, and both paths were taken. */
	for (int t = 0; t < TRAINEES; t++)
		for (int d = 0; d < DAYS; d++) {
			double sum = 0;
			for (int k = 0; k < N; k++)
				if (log[k].ok && log[k].t == t && log[k].d == d)
					sum += log[k].h;
			assert_true(sum <= 12);
		}
	assert_true(accepted > 30 && refused > 1000);
}

/* ---- assessments and outcomes ---- */

static void test_assessment(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_date today = day(2026, 3, 1);
	struct dt_assessment_facts f = { 9, "active", { 2025, 9, 1 }, "6-18-01-01", "345" };
	struct dt_assessment_in in = { "skill_level", { 2026, 2, 1 }, true, 4 };
	assert_int_equal(dt_assessment_check(&ps, &in, &f, today), DT_OK);
	/* A level the occupation does not have. */
	in.level = 2;
	assert_int_equal(dt_assessment_check(&ps, &in, &f, today), DT_EINVAL);
	assert_one(&ps, "level", "occupation.no_level", "levels", "345");
	in.kind = "final";
	in.level = 1;
	assert_int_equal(dt_assessment_check(&ps, &in, &f, today), DT_EINVAL);
	assert_one(&ps, "level", "occupation.no_level", "level", "1");
	in.has_level = false;
	assert_int_equal(dt_assessment_check(&ps, &in, &f, today), DT_OK);
	in.kind = "skill_level";
	assert_int_equal(dt_assessment_check(&ps, &in, &f, today), DT_EINVAL);
	assert_one(&ps, "level", "assessment.level_required", NULL, NULL);
	/* No occupation known: any level in range. */
	in = (struct dt_assessment_in){ "skill_level", { 2026, 2, 1 }, true, 1 };
	f.levels = NULL;
	assert_int_equal(dt_assessment_check(&ps, &in, &f, today), DT_OK);
	f.levels = "345";
	in.level = 5;
	f.contract_status = "draft";
	assert_int_equal(dt_assessment_check(&ps, &in, &f, today), DT_EINVAL);
	assert_one(&ps, "contract_id", "assessment.contract_status", "status", "draft");
	f.contract_status = "completed";
	in.date = day(2025, 8, 1);
	assert_int_equal(dt_assessment_check(&ps, &in, &f, today), DT_EINVAL);
	assert_one(&ps, "date", "date.order", "other", "contract_start");
	/* Every level 1..5 against every set of levels: accepted iff listed. */
	char levels[6];
	for (unsigned m = 1; m < 32; m++) {
		size_t n = 0;
		for (int l = 1; l <= 5; l++)
			if (m >> (l - 1) & 1)
				levels[n++] = (char)('0' + l);
		levels[n] = 0;
		for (int l = 1; l <= 5; l++) {
			enum dt_err rc = dt_occupation_level_check(&ps, "level", l, "x", levels);
			assert_int_equal(rc == DT_OK, (m >> (l - 1) & 1) != 0);
			dt_problems_release(&ps);
		}
	}
}

static void test_outcome(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_date today = day(2026, 3, 1);
	struct dt_outcome_facts f = { 9, "completed", true, { 2025, 8, 31 }, 77 };
	struct dt_outcome_in in = { "retained", { 2025, 9, 30 }, 0 };
	int64_t employer = -1;
	assert_int_equal(dt_outcome_check(&ps, &in, &f, today, &employer), DT_OK);
	assert_int_equal(employer, 77);
	in.employer_id = 78;
	assert_int_equal(dt_outcome_check(&ps, &in, &f, today, &employer), DT_EINVAL);
	assert_one(&ps, "employer_id", "outcome.retained_employer", "enterprise", "77");
	in = (struct dt_outcome_in){ "further_study", { 2025, 8, 30 }, 0 };
	assert_int_equal(dt_outcome_check(&ps, &in, &f, today, &employer), DT_EINVAL);
	assert_int_equal(employer, 0);
	assert_one(&ps, "date", "date.order", "other_value", "2025-08-31");
	f.contract_status = "active";
	assert_int_equal(dt_outcome_check(&ps, &in, &f, today, &employer), DT_EINVAL);
	assert_one(&ps, "contract_id", "outcome.contract_open", "status", "active");
}

/* ---- pilots, targets, alerts, organisations ---- */

static void test_plan(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_date a = day(2025, 1, 1), b = day(2024, 12, 31);
	assert_int_equal(dt_pilot_check(&ps, 210100, &a, &a), DT_OK);
	assert_int_equal(dt_pilot_check(&ps, 210000, NULL, &b), DT_OK);
	assert_int_equal(dt_pilot_check(&ps, 210102, NULL, NULL), DT_EINVAL);
	assert_one(&ps, "region", "pilot.county", NULL, NULL);
	assert_int_equal(dt_pilot_check(&ps, 210100, &a, &b), DT_EINVAL);
	assert_one(&ps, "period_end", "date.order", "other", "period_start");

	assert_int_equal(dt_target_scope_check(&ps, 210000, false, 210100), DT_OK);
	assert_int_equal(dt_target_scope_check(&ps, 210100, false, 210100), DT_OK);
	assert_int_equal(dt_target_scope_check(&ps, 210100, false, 210000), DT_EINVAL);
	assert_one(&ps, "region", "target.scope", NULL, NULL);
	assert_int_equal(dt_target_scope_check(&ps, 210100, false, 0), DT_EINVAL);
	assert_one(&ps, "region", "target.scope", NULL, NULL);
	assert_int_equal(dt_target_scope_check(&ps, 210100, true, 210100), DT_EINVAL);
	assert_one(&ps, "region", "target.scope", NULL, NULL);

	assert_int_equal(dt_alert_act_check(&ps, 3, "open", true), DT_OK);
	assert_int_equal(dt_alert_act_check(&ps, 3, "acknowledged", false), DT_OK);
	assert_int_equal(dt_alert_act_check(&ps, 3, "acknowledged", true), DT_ECONFLICT);
	assert_one(&ps, NULL, "alert.not_open", "status", "acknowledged");
	assert_int_equal(dt_alert_act_check(&ps, 3, "resolved", false), DT_ECONFLICT);
	assert_one(&ps, NULL, "alert.resolved", "alert", "3");
}

static void test_org_region(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	/* 91210102...: registered in Shenyang's Heping district. */
	const char *uscc = "91210102MA0XXXXXXX";
	assert_int_equal(dt_org_region_check(&ps, 210102, uscc), DT_OK);
	assert_int_equal(dt_org_region_check(&ps, 210100, uscc), DT_OK); /* its city */
	assert_int_equal(dt_org_region_check(&ps, 210000, uscc), DT_OK); /* its province */
	assert_int_equal(ps.n, 0);
	/* Dalian: a warning, refusing nothing. */
	assert_int_equal(dt_org_region_check(&ps, 210200, uscc), DT_OK);
	assert_int_equal(ps.n, 1);
	assert_true(ps.v[0].warning);
	assert_int_equal(dt_problems_errors(&ps), 0);
	assert_string_equal(ps.v[0].code, "organization.region_uscc");
	assert_string_equal(dt_problem_arg(&ps.v[0], "uscc_region"), "210102");
	assert_string_equal(dt_problem_arg(&ps.v[0], "region"), "210200");
	dt_problems_release(&ps);
	/* Nothing to compare: no code, a short one, no region digits. */
	assert_int_equal(dt_org_region_check(&ps, 210200, NULL), DT_OK);
	assert_int_equal(dt_org_region_check(&ps, 210200, "9121"), DT_OK);
	assert_int_equal(dt_org_region_check(&ps, 210200, "91ABCDEFMA0XXXXXXX"), DT_OK);
	assert_int_equal(ps.n, 0);
}

static void test_period(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_date d;
	assert_true(dt_period_date("2026-02-28", &d));
	assert_false(dt_period_date("2026-02-30", &d));
	assert_false(dt_period_date(NULL, &d));
	assert_int_equal(dt_period_not_future(&ps, "date", day(2026, 3, 1), day(2026, 3, 1)),
			 DT_OK);
	assert_int_equal(dt_period_not_future(&ps, "date", day(2026, 3, 2), day(2026, 3, 1)),
			 DT_EINVAL);
	assert_one(&ps, "date", "date.future", "value", "2026-03-02");
	/* The wording, once: the other field's label and both dates. */
	dt_problems_entity(&ps, "partnership");
	dt_period_order(&ps, "start_date", day(2026, 3, 1), "end_date", day(2026, 2, 1), false);
	struct dt_strbuf out = DT_STRBUF_INIT;
	dt_problems_render(&ps, DT_LANG_EN, &out);
	assert_non_null(strstr(out.buf, "2026-02-01 is before"));
	assert_non_null(strstr(out.buf, "(2026-03-01)"));
	dt_strbuf_release(&out);
	dt_problems_release(&ps);
}

/* One dual ratio: percent, the company's share; undefined without hours. */
static void test_dual_ratio(void **state)
{
	(void)state;
	assert_true(fabs(dt_dual_ratio(8, 14.5) - 100.0 * 8 / 14.5) < 1e-12);
	assert_true(fabs(dt_dual_ratio(5, 5) - 100) < 1e-12);
	assert_true(dt_dual_ratio(0, 10) == 0);
	assert_true(isnan(dt_dual_ratio(0, 0)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_age_and_guardian),
		cmocka_unit_test(test_natid_agreement),
		cmocka_unit_test(test_record_entry),
		cmocka_unit_test(test_daily_limit_property),
		cmocka_unit_test(test_assessment),
		cmocka_unit_test(test_outcome),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_org_region),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_dual_ratio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
