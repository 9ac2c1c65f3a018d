/*
 * test_finding.c - unit tests of the finding rules (domain/finding.c): the
 * state machine walked over every (state, event, actor) against the table
 * of finding.h written out again here, who may do which step, overdue and
 * the red/yellow/green bands checked against a day-by-day oracle, the
 * deadline and text rules, the checklist results and finishing an
 * inspection.
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/finding.h"
#include "domain/problem.h"
#include "core/banned.h"

#define NO (-1)
#define O DT_FINDING_OPEN
#define R DT_FINDING_RECTIFYING
#define S DT_FINDING_SUBMITTED
#define CL DT_FINDING_CLOSED

/* Where each event leads from each state, for the actor allowed to do it. */
static const int expected_next[DT_FINDING_NSTATUS][DT_FEV_NEVENT] = {
	/* start, submit, accept, reject */
	[O] = { R, S, NO, NO },
	[R] = { NO, S, NO, NO },
	[S] = { NO, NO, CL, R },
	[CL] = { NO, NO, NO, NO },
};

static bool org_event(int ev)
{
	return ev == DT_FEV_START || ev == DT_FEV_SUBMIT;
}

static void test_every_state_event_actor(void **state)
{
	(void)state;
	for (int who = 0; who < 4; who++) {
		struct dt_finding_actor a = { .inspector = who & 1, .org = (who & 2) != 0 };
		for (int from = 0; from < DT_FINDING_NSTATUS; from++)
			for (int ev = 0; ev < DT_FEV_NEVENT; ev++) {
				struct dt_problems ps = DT_PROBLEMS_INIT;
				enum dt_finding_status to = (enum dt_finding_status)99;
				enum dt_err rc =
					dt_finding_apply((enum dt_finding_status)from,
							 (enum dt_finding_event)ev, &a, &to, &ps);
				bool allowed = org_event(ev) ? a.org : a.inspector;
				if (!allowed) {
					assert_int_equal(rc, DT_EDENIED);
					assert_string_equal(ps.v[0].code,
							    org_event(ev)
								    ? "finding.not_org"
								    : "finding.not_inspector");
					assert_int_equal(to, 99);
				} else if (expected_next[from][ev] == NO) {
					assert_int_equal(rc, DT_ECONFLICT);
					assert_string_equal(ps.v[0].code,
							    from == CL ? "finding.closed"
								       : "finding.transition");
					assert_int_equal(to, 99);
				} else {
					assert_int_equal(rc, DT_OK);
					assert_int_equal(ps.n, 0);
					assert_int_equal(to, expected_next[from][ev]);
				}
				dt_problems_release(&ps);
			}
	}
}

/* Only an inspector of the inspection closes; the organisation never can. */
static void test_only_inspector_closes(void **state)
{
	(void)state;
	struct dt_finding_actor org = { false, true }, insp = { true, false },
				none = { false, false };
	enum dt_finding_status to;
	assert_int_equal(dt_finding_apply(S, DT_FEV_ACCEPT, &org, &to, NULL), DT_EDENIED);
	assert_int_equal(dt_finding_apply(S, DT_FEV_ACCEPT, &none, &to, NULL), DT_EDENIED);
	assert_int_equal(dt_finding_apply(S, DT_FEV_ACCEPT, NULL, &to, NULL), DT_EDENIED);
	assert_int_equal(dt_finding_apply(S, DT_FEV_ACCEPT, &insp, &to, NULL), DT_OK);
	assert_int_equal(to, CL);
	/* nor does an inspector submit in the organisation's place */
	assert_int_equal(dt_finding_apply(R, DT_FEV_SUBMIT, &insp, &to, NULL), DT_EDENIED);
	struct dt_problems ps = DT_PROBLEMS_INIT;
	assert_int_equal(dt_finding_apply((enum dt_finding_status)7, DT_FEV_SUBMIT, &org, &to, &ps),
			 DT_EINVAL);
	assert_string_equal(ps.v[0].code, "finding.unknown");
	dt_problems_release(&ps);
}

/* The whole loop: open, rectifying, submitted, rejected, resubmitted, closed. */
static void test_lifecycle(void **state)
{
	(void)state;
	struct dt_finding_actor org = { false, true }, insp = { true, false };
	enum dt_finding_status s = O;
	assert_int_equal(dt_finding_apply(s, DT_FEV_START, &org, &s, NULL), DT_OK);
	assert_int_equal(dt_finding_apply(s, DT_FEV_SUBMIT, &org, &s, NULL), DT_OK);
	assert_int_equal(dt_finding_apply(s, DT_FEV_REJECT, &insp, &s, NULL), DT_OK);
	assert_int_equal(s, R);
	assert_int_equal(dt_finding_apply(s, DT_FEV_SUBMIT, &org, &s, NULL), DT_OK);
	assert_int_equal(dt_finding_apply(s, DT_FEV_ACCEPT, &insp, &s, NULL), DT_OK);
	assert_int_equal(s, CL);
}

static struct dt_date day(int y, int m, int d)
{
	return (struct dt_date){ y, m, d };
}

/* Overdue and colour against an oracle written from the header's table. */
static void test_colour_and_overdue(void **state)
{
	(void)state;
	struct dt_date deadline = day(2026, 3, 1);
	for (int off = -40; off <= 40; off++) {
		struct dt_date today = dt_date_add_days(deadline, -off); /* off = days left */
		assert_int_equal(dt_finding_days_left(deadline, today), off);
		for (int s = 0; s < DT_FINDING_NSTATUS; s++) {
			bool active = s == O || s == R;
			enum dt_finding_colour want = !active    ? DT_COLOUR_NONE
						      : off <= 3 ? DT_COLOUR_RED
						      : off <= 7 ? DT_COLOUR_YELLOW
								 : DT_COLOUR_GREEN;
			assert_int_equal(
				dt_finding_colour((enum dt_finding_status)s, deadline, today),
				want);
			assert_int_equal(
				dt_finding_overdue((enum dt_finding_status)s, deadline, today),
				active && off < 0);
		}
	}
	/* due today is red but not overdue; across a year end and a leap day */
	assert_false(dt_finding_overdue(O, day(2024, 2, 29), day(2024, 2, 29)));
	assert_true(dt_finding_overdue(R, day(2024, 2, 29), day(2024, 3, 1)));
	assert_int_equal(dt_finding_days_left(day(2027, 1, 1), day(2026, 12, 31)), 1);
	assert_string_equal(dt_finding_colour_name(DT_COLOUR_YELLOW), "yellow");
}

static void test_deadline_and_text(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_date today = day(2026, 11, 26);
	assert_int_equal(dt_finding_deadline_check(&ps, "deadline", today, today), DT_EINVAL);
	assert_string_equal(ps.v[0].code, "finding.deadline_past");
	assert_string_equal(ps.v[0].field, "deadline");
	dt_problems_reset(&ps);
	assert_int_equal(dt_finding_deadline_check(&ps, "new_deadline", day(2026, 11, 27), today),
			 DT_OK);
	assert_int_equal(dt_finding_deadline_check(&ps, "new_deadline",
						   dt_date_add_days(today, DT_FINDING_MAX_DAYS),
						   today),
			 DT_OK);
	assert_int_equal(dt_finding_deadline_check(&ps, "new_deadline",
						   dt_date_add_days(today, DT_FINDING_MAX_DAYS + 1),
						   today),
			 DT_EINVAL);
	assert_string_equal(ps.v[0].code, "finding.deadline_far");
	dt_problems_reset(&ps);

	assert_int_equal(dt_finding_text_check(&ps, "reason", NULL), DT_EINVAL);
	assert_string_equal(ps.v[0].code, "field.required");
	dt_problems_reset(&ps);
	assert_int_equal(dt_finding_text_check(&ps, "reason", " \n\t"), DT_EINVAL);
	assert_string_equal(ps.v[0].code, "text.empty");
	dt_problems_reset(&ps);
	assert_int_equal(dt_finding_text_check(&ps, "reason", "\xff\xfe"), DT_EINVAL);
	assert_string_equal(ps.v[0].code, "text.utf8");
	dt_problems_reset(&ps);
	assert_int_equal(dt_finding_text_check(&ps, "reason", "安全培训记录缺失"), DT_OK);
	/* the limit counts characters, not bytes: 4000 Chinese characters pass */
	struct dt_strbuf t = DT_STRBUF_INIT;
	for (int i = 0; i < DT_FINDING_TEXT_MAX; i++)
		dt_strbuf_adds(&t, "整");
	assert_int_equal(dt_finding_text_check(&ps, "body", t.buf), DT_OK);
	dt_strbuf_adds(&t, "改");
	assert_int_equal(dt_finding_text_check(&ps, "body", t.buf), DT_EINVAL);
	assert_string_equal(ps.v[0].code, "text.too_long");
	dt_strbuf_release(&t);
	dt_problems_release(&ps);
}

static void test_names(void **state)
{
	(void)state;
	enum dt_finding_severity sv;
	for (int i = 0; i < DT_SEVERITY_N; i++) {
		assert_int_equal(dt_finding_severity_parse(dt_finding_severity_name(i), &sv),
				 DT_OK);
		assert_int_equal(sv, i);
	}
	assert_int_equal(dt_finding_severity_parse("较重", &sv), DT_OK);
	assert_int_equal(sv, DT_SEVERITY_SERIOUS);
	assert_int_equal(dt_finding_severity_parse("严重", &sv), DT_OK);
	assert_int_equal(sv, DT_SEVERITY_GRAVE);
	assert_int_equal(dt_finding_severity_parse("Grave", &sv), DT_EINVAL);
	assert_int_equal(dt_finding_severity_parse(NULL, &sv), DT_EINVAL);
	assert_null(dt_finding_severity_name(DT_SEVERITY_N));
	enum dt_finding_status st;
	for (int i = 0; i < DT_FINDING_NSTATUS; i++) {
		assert_int_equal(dt_finding_status_parse(dt_finding_status_name(i), &st), DT_OK);
		assert_int_equal(st, i);
	}
	assert_int_equal(dt_finding_status_parse("overdue", &st), DT_EINVAL);
	enum dt_check_result r;
	assert_int_equal(dt_check_result_parse("na", &r), DT_OK);
	assert_int_equal(r, DT_CHECK_NA);
	assert_int_equal(dt_check_result_parse("n/a", &r), DT_EINVAL);
}

static void test_checklist(void **state)
{
	(void)state;
	static const char *const codes[] = { "contract", "stipend", "mentor" };
	const char *seen[] = { "contract" };
	struct dt_problems ps = DT_PROBLEMS_INIT;
	assert_int_equal(dt_check_result_check(&ps, "checks[0]", "stipend", DT_CHECK_PASS, NULL,
					       codes, 3, seen, 1),
			 DT_OK);
	assert_int_equal(dt_check_result_check(&ps, "checks[1]", "insurance", DT_CHECK_PASS, NULL,
					       codes, 3, seen, 1),
			 DT_EINVAL);
	assert_string_equal(ps.v[0].code, "inspection.check_unknown");
	assert_string_equal(ps.v[0].field, "checks[1]");
	dt_problems_reset(&ps);
	assert_int_equal(dt_check_result_check(&ps, "checks[1]", "contract", DT_CHECK_NA, NULL,
					       codes, 3, seen, 1),
			 DT_EINVAL);
	assert_string_equal(ps.v[0].code, "inspection.check_twice");
	dt_problems_reset(&ps);
	/* a failed item needs a remark; a blank one is none */
	assert_int_equal(dt_check_result_check(&ps, "checks[2]", "mentor", DT_CHECK_FAIL, "  ",
					       codes, 3, seen, 1),
			 DT_EINVAL);
	assert_string_equal(ps.v[0].code, "inspection.fail_remark");
	dt_problems_reset(&ps);
	assert_int_equal(dt_check_result_check(&ps, "checks[2]", "mentor", DT_CHECK_FAIL,
					       "导师无资格证书", codes, 3, seen, 1),
			 DT_OK);
	assert_int_equal(dt_check_result_check(&ps, "checks[2]", "mentor", DT_CHECK_PASS,
					       "\xc3\x28", codes, 3, seen, 1),
			 DT_EINVAL);
	assert_string_equal(ps.v[0].code, "text.utf8");
	dt_problems_release(&ps);
}

static void test_finish_and_publish(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_inspection_facts f = { "in_progress", true, 0, true };
	assert_int_equal(dt_inspection_finish_check(&ps, &f), DT_OK);
	f = (struct dt_inspection_facts){ "planned", false, 2, false };
	assert_int_equal(dt_inspection_finish_check(&ps, &f), DT_EINVAL);
	assert_int_equal(ps.n, 3);
	assert_true(dt_problems_has(&ps, "inspection.no_visit"));
	assert_true(dt_problems_has(&ps, "inspection.no_conclusion"));
	assert_string_equal(dt_problem_arg(&ps.v[1], "count"), "2");
	dt_problems_reset(&ps);
	f.status = "done";
	assert_int_equal(dt_inspection_finish_check(&ps, &f), DT_ECONFLICT);
	assert_string_equal(ps.v[0].code, "inspection.already_done");
	dt_problems_reset(&ps);
	assert_int_equal(dt_inspection_visit_check(&ps, day(2026, 11, 27), day(2026, 11, 26)),
			 DT_EINVAL);
	assert_string_equal(ps.v[0].code, "date.future");
	assert_true(dt_inspection_publishable("done", 0));
	assert_false(dt_inspection_publishable("done", 1));
	assert_false(dt_inspection_publishable("in_progress", 0));
	assert_false(dt_inspection_publishable(NULL, 0));
	dt_problems_release(&ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_state_event_actor),
		cmocka_unit_test(test_only_inspector_closes),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_colour_and_overdue),
		cmocka_unit_test(test_deadline_and_text),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_checklist),
		cmocka_unit_test(test_finish_and_publish),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
