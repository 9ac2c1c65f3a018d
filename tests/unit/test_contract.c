/*
 * test_contract.c - unit tests of the training contract state machine.
 *
 * The core test walks every (state, event) pair, for every party and every
 * set of prior approvals, against the table of the header comment written
 * out again here: allowed changes land in the right state with approvals
 * updated as documented; refused ones return DT_ECONFLICT and change neither
 * the approvals nor the result.  Further tests hold the names, the reasons
 * and whole lifecycles.
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/contract.h"
#include "domain/problem.h"
#include "core/banned.h"

#define REFUSED (-1)
#define D DT_CONTRACT_DRAFT
#define P DT_CONTRACT_PENDING
#define A DT_CONTRACT_ACTIVE

/*
 * Where each event leads from each state.  In pending, approve and activate
 * also depend on the approvals (checked separately below).
 */
static const int expected_next[DT_CONTRACT_NSTATUS][DT_CEV_NEVENT] = {
	/* edit, submit, withdraw, approve, activate, complete, dissolve, transfer */
	[D] = { D, P, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED },
	[P] = { P, REFUSED, D, P, A, REFUSED, REFUSED, REFUSED },
	[A] = { REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, DT_CONTRACT_COMPLETED,
		DT_CONTRACT_DISSOLVED, DT_CONTRACT_TRANSFERRED },
	[DT_CONTRACT_COMPLETED] = { REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED,
				    REFUSED },
	[DT_CONTRACT_DISSOLVED] = { REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED,
				    REFUSED },
	[DT_CONTRACT_TRANSFERRED] = { REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED,
				      REFUSED },
};

static struct dt_approvals from_mask(unsigned mask)
{
	struct dt_approvals ap;
	for (int p = 0; p < DT_PARTY_N; p++)
		ap.by[p] = (mask >> p) & 1;
	return ap;
}

static unsigned to_mask(const struct dt_approvals *ap)
{
	unsigned m = 0;
	for (int p = 0; p < DT_PARTY_N; p++)
		m |= (unsigned)ap->by[p] << p;
	return m;
}

static void test_every_state_event_pair(void **state)
{
	(void)state;
	int allowed = 0, refused = 0;
	for (int s = 0; s < DT_CONTRACT_NSTATUS; s++) {
		for (int e = 0; e < DT_CEV_NEVENT; e++) {
			for (int party = 0; party < DT_PARTY_N; party++) {
				for (unsigned mask = 0; mask < 8; mask++) {
					int next = expected_next[s][e];
					unsigned want_mask = mask;
					if (next != REFUSED && s == P && e == DT_CEV_APPROVE &&
					    (mask >> party) & 1)
						next = REFUSED; /* approving twice */
					if (next != REFUSED && s == P && e == DT_CEV_ACTIVATE &&
					    mask != 7)
						next = REFUSED; /* an approval is missing */
					if (next != REFUSED) {
						if (e == DT_CEV_EDIT || e == DT_CEV_SUBMIT ||
						    e == DT_CEV_WITHDRAW)
							want_mask = 0;
						else if (e == DT_CEV_APPROVE)
							want_mask = mask | 1u << party;
					}

					struct dt_approvals ap = from_mask(mask);
					enum dt_contract_status to = DT_CONTRACT_NSTATUS;
					struct dt_problems ps = DT_PROBLEMS_INIT;
					int rc = dt_contract_apply((enum dt_contract_status)s,
								   (enum dt_contract_event)e,
								   (enum dt_party)party, &ap, &to,
								   &ps);
					if ((next == REFUSED) != (rc == DT_ECONFLICT))
						print_error(
							"%s --%s(%s, approvals %u)--> rc %d: %s\n",
							dt_contract_status_name(s),
							dt_contract_event_name(e),
							dt_party_name(party), mask, rc,
							ps.n ? ps.v[0].code : "");
					if (next == REFUSED) {
						assert_int_equal(rc, DT_ECONFLICT);
						assert_int_equal(to, DT_CONTRACT_NSTATUS);
						assert_int_equal(to_mask(&ap), mask);
						assert_int_equal(ps.n, 1);
						assert_int_equal(dt_problem_kind(ps.v[0].code),
								 DT_ECONFLICT);
						refused++;
					} else {
						assert_int_equal(rc, DT_OK);
						assert_int_equal(to, next);
						assert_int_equal(to_mask(&ap), want_mask);
						assert_int_equal(ps.n, 0);
						allowed++;
					}
					dt_problems_release(&ps);
				}
			}
		}
	}
	/*
	 * Of the 24 (party, approvals) cases per pair: draft edit and submit
	 * 2 * 24; pending edit and withdraw 2 * 24, approve 12 (party not yet
	 * approved), activate 3 (all approved); active complete, dissolve and
	 * transfer 3 * 24.
	 */
	assert_int_equal(allowed, 48 + 48 + 12 + 3 + 72);
	assert_int_equal(allowed + refused, DT_CONTRACT_NSTATUS * DT_CEV_NEVENT * DT_PARTY_N * 8);
}

/*
 * Apply and expect a refusal with problem @code and, when @key is given,
 * argument @key = @val.
 */
static void expect_refused(enum dt_contract_status from, enum dt_contract_event ev,
			   enum dt_party party, unsigned mask, const char *code, const char *key,
			   const char *val)
{
	struct dt_approvals ap = from_mask(mask);
	enum dt_contract_status to = DT_CONTRACT_NSTATUS;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	int rc = dt_contract_apply(from, ev, party, &ap, &to, &ps);
	const char *got = ps.n ? ps.v[0].code : "(none)";
	if (rc != DT_ECONFLICT || strcmp(got, code))
		print_error("%s --%s--> rc %d, code %s, wanted %s\n", dt_contract_status_name(from),
			    dt_contract_event_name(ev), rc, got, code);
	assert_int_equal(rc, DT_ECONFLICT);
	assert_int_equal(ps.n, 1);
	assert_string_equal(ps.v[0].code, code);
	if (key) {
		assert_non_null(dt_problem_arg(&ps.v[0], key));
		assert_string_equal(dt_problem_arg(&ps.v[0], key), val);
	}
	dt_problems_release(&ps);
}

static void test_reasons(void **state)
{
	(void)state;
	const unsigned all = 7;
	const unsigned E = 1u << DT_PARTY_ENTERPRISE, S = 1u << DT_PARTY_SCHOOL,
		       T = 1u << DT_PARTY_TRAINEE;

	expect_refused(DT_CONTRACT_COMPLETED, DT_CEV_EDIT, 0, 0, "contract.final", "status",
		       "completed");
	expect_refused(DT_CONTRACT_DISSOLVED, DT_CEV_COMPLETE, 0, 0, "contract.final", "status",
		       "dissolved");
	expect_refused(DT_CONTRACT_TRANSFERRED, DT_CEV_TRANSFER, 0, 0, "contract.final", "status",
		       "transferred");

	expect_refused(P, DT_CEV_ACTIVATE, 0, E | T, "contract.approvals_missing", "parties",
		       "school");
	expect_refused(P, DT_CEV_ACTIVATE, 0, S, "contract.approvals_missing", "parties",
		       "enterprise|trainee");
	expect_refused(P, DT_CEV_ACTIVATE, 0, 0, "contract.approvals_missing", "parties",
		       "enterprise|school|trainee");
	expect_refused(P, DT_CEV_ACTIVATE, 0, E | S, "contract.approvals_missing", "parties",
		       "trainee");

	expect_refused(P, DT_CEV_APPROVE, DT_PARTY_SCHOOL, S, "contract.already_approved", "party",
		       "school");
	expect_refused(P, DT_CEV_APPROVE, DT_PARTY_TRAINEE, all, "contract.already_approved",
		       "party", "trainee");

	expect_refused(D, DT_CEV_APPROVE, DT_PARTY_SCHOOL, 0, "contract.submit_first", "event",
		       "approve");
	expect_refused(D, DT_CEV_ACTIVATE, 0, 0, "contract.submit_first", "status", "draft");
	expect_refused(D, DT_CEV_WITHDRAW, 0, 0, "contract.not_submitted", NULL, NULL);
	expect_refused(D, DT_CEV_COMPLETE, 0, 0, "contract.not_active", "event", "complete");
	expect_refused(P, DT_CEV_SUBMIT, 0, 0, "contract.already_submitted", NULL, NULL);
	expect_refused(P, DT_CEV_DISSOLVE, 0, all, "contract.not_active", "status", "pending");
	expect_refused(A, DT_CEV_EDIT, 0, all, "contract.in_force", NULL, NULL);
	expect_refused(A, DT_CEV_APPROVE, DT_PARTY_SCHOOL, all, "contract.already_in_force", NULL,
		       NULL);

	/* One wording: the missing parties named in Chinese. */
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_approvals ap = from_mask(E);
	enum dt_contract_status to;
	dt_contract_apply(P, DT_CEV_ACTIVATE, 0, &ap, &to, &ps);
	struct dt_strbuf out = DT_STRBUF_INIT;
	dt_problems_render(&ps, DT_LANG_ZH, &out);
	assert_non_null(strstr(out.buf, "院校"));
	assert_non_null(strstr(out.buf, "学员"));
	assert_null(strstr(out.buf, "school"));
	dt_strbuf_release(&out);
	dt_problems_release(&ps);
}

static void test_invalid_arguments(void **state)
{
	(void)state;
	struct dt_approvals ap = from_mask(0);
	enum dt_contract_status to = DT_CONTRACT_NSTATUS;
	struct dt_problems ps = DT_PROBLEMS_INIT;

	assert_int_equal(dt_contract_apply(P, DT_CEV_APPROVE, DT_PARTY_N, &ap, &to, &ps),
			 DT_EINVAL);
	assert_true(dt_problems_has(&ps, "contract.unknown_party"));
	assert_int_equal(dt_contract_apply(P, DT_CEV_APPROVE, (enum dt_party) - 1, &ap, &to, &ps),
			 DT_EINVAL);
	assert_int_equal(dt_contract_apply(DT_CONTRACT_NSTATUS, DT_CEV_EDIT, 0, &ap, &to, &ps),
			 DT_EINVAL);
	assert_true(dt_problems_has(&ps, "contract.unknown_status"));
	assert_int_equal(dt_contract_apply(D, DT_CEV_NEVENT, 0, &ap, &to, &ps), DT_EINVAL);
	assert_true(dt_problems_has(&ps, "contract.unknown_event"));
	assert_int_equal(dt_contract_apply(D, DT_CEV_EDIT, 0, NULL, &to, &ps), DT_EINTERNAL);
	assert_int_equal(dt_contract_apply(D, DT_CEV_EDIT, 0, &ap, NULL, &ps), DT_EINTERNAL);
	assert_int_equal(to, DT_CONTRACT_NSTATUS);
	assert_int_equal(to_mask(&ap), 0);

	/* the party is ignored for events other than approve */
	assert_int_equal(dt_contract_apply(D, DT_CEV_SUBMIT, DT_PARTY_N, &ap, &to, NULL), DT_OK);
	assert_int_equal(to, P);
	/* the problems may be NULL on refusal too */
	assert_int_equal(dt_contract_apply(D, DT_CEV_ACTIVATE, 0, &ap, &to, NULL), DT_ECONFLICT);
	dt_problems_release(&ps);
}

/* Apply @ev and require success; returns the new state. */
static enum dt_contract_status step(enum dt_contract_status from, enum dt_contract_event ev,
				    enum dt_party party, struct dt_approvals *ap)
{
	enum dt_contract_status to = DT_CONTRACT_NSTATUS;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	int rc = dt_contract_apply(from, ev, party, ap, &to, &ps);
	if (rc != DT_OK)
		print_error("%s --%s--> %s\n", dt_contract_status_name(from),
			    dt_contract_event_name(ev), ps.n ? ps.v[0].code : "");
	assert_int_equal(rc, DT_OK);
	dt_problems_release(&ps);
	return to;
}

static void test_lifecycle(void **state)
{
	(void)state;
	struct dt_approvals ap = from_mask(0);
	enum dt_contract_status s = D;
	s = step(s, DT_CEV_EDIT, 0, &ap);
	assert_int_equal(s, D);
	s = step(s, DT_CEV_SUBMIT, 0, &ap);
	assert_int_equal(s, P);
	s = step(s, DT_CEV_APPROVE, DT_PARTY_ENTERPRISE, &ap);
	s = step(s, DT_CEV_APPROVE, DT_PARTY_SCHOOL, &ap);
	assert_int_equal(to_mask(&ap), 3);
	/* an edit voids the approvals given for the old text */
	s = step(s, DT_CEV_EDIT, 0, &ap);
	assert_int_equal(s, P);
	assert_int_equal(to_mask(&ap), 0);
	s = step(s, DT_CEV_APPROVE, DT_PARTY_TRAINEE, &ap);
	s = step(s, DT_CEV_WITHDRAW, 0, &ap);
	assert_int_equal(s, D);
	assert_int_equal(to_mask(&ap), 0);
	s = step(s, DT_CEV_SUBMIT, 0, &ap);
	for (int p = 0; p < DT_PARTY_N; p++)
		s = step(s, DT_CEV_APPROVE, (enum dt_party)p, &ap);
	s = step(s, DT_CEV_ACTIVATE, 0, &ap);
	assert_int_equal(s, A);
	s = step(s, DT_CEV_DISSOLVE, 0, &ap);
	assert_int_equal(s, DT_CONTRACT_DISSOLVED);
	assert_true(dt_contract_final(s));
}

static void test_final(void **state)
{
	(void)state;
	for (int s = 0; s < DT_CONTRACT_NSTATUS; s++)
		assert_int_equal(dt_contract_final((enum dt_contract_status)s),
				 s == DT_CONTRACT_COMPLETED || s == DT_CONTRACT_DISSOLVED ||
					 s == DT_CONTRACT_TRANSFERRED);
}

static void test_names(void **state)
{
	(void)state;
	static const char *const statuses[] = { "draft",     "pending",   "active",
						"completed", "dissolved", "transferred" };
	static const char *const events[] = { "edit",     "submit",   "withdraw", "approve",
					      "activate", "complete", "dissolve", "transfer" };
	static const char *const parties[] = { "enterprise", "school", "trainee" };

	for (int i = 0; i < DT_CONTRACT_NSTATUS; i++) {
		enum dt_contract_status s = DT_CONTRACT_NSTATUS;
		assert_string_equal(dt_contract_status_name((enum dt_contract_status)i),
				    statuses[i]);
		assert_int_equal(dt_contract_status_parse(statuses[i], &s), DT_OK);
		assert_int_equal(s, i);
	}
	for (int i = 0; i < DT_CEV_NEVENT; i++) {
		enum dt_contract_event e = DT_CEV_NEVENT;
		assert_string_equal(dt_contract_event_name((enum dt_contract_event)i), events[i]);
		assert_int_equal(dt_contract_event_parse(events[i], &e), DT_OK);
		assert_int_equal(e, i);
	}
	for (int i = 0; i < DT_PARTY_N; i++) {
		enum dt_party p = DT_PARTY_N;
		assert_string_equal(dt_party_name((enum dt_party)i), parties[i]);
		assert_int_equal(dt_party_parse(parties[i], &p), DT_OK);
		assert_int_equal(p, i);
	}

	assert_null(dt_contract_status_name(DT_CONTRACT_NSTATUS));
	assert_null(dt_contract_status_name((enum dt_contract_status) - 1));
	assert_null(dt_contract_event_name(DT_CEV_NEVENT));
	assert_null(dt_party_name(DT_PARTY_N));

	enum dt_contract_status s = D;
	enum dt_contract_event e = DT_CEV_EDIT;
	enum dt_party p = DT_PARTY_SCHOOL;
	assert_int_equal(dt_contract_status_parse("Draft", &s), DT_EINVAL);
	assert_int_equal(dt_contract_status_parse("", &s), DT_EINVAL);
	assert_int_equal(dt_contract_status_parse(NULL, &s), DT_EINVAL);
	assert_int_equal(dt_contract_status_parse("draft ", &s), DT_EINVAL);
	assert_int_equal(s, D);
	assert_int_equal(dt_contract_event_parse("approved", &e), DT_EINVAL);
	assert_int_equal(dt_contract_event_parse(NULL, &e), DT_EINVAL);
	assert_int_equal(e, DT_CEV_EDIT);
	assert_int_equal(dt_party_parse("government", &p), DT_EINVAL);
	assert_int_equal(dt_party_parse(NULL, &p), DT_EINVAL);
	assert_int_equal(p, DT_PARTY_SCHOOL);
}

/* ---- random event sequences against the table ---- */

/* The model: the table above plus the approval rules, written out again. */
static bool model_step(int *st, unsigned *mask, int e, int party)
{
	int next = expected_next[*st][e];
	if (next != REFUSED && *st == P && e == DT_CEV_APPROVE && ((*mask >> party) & 1))
		next = REFUSED;
	if (next != REFUSED && *st == P && e == DT_CEV_ACTIVATE && *mask != 7)
		next = REFUSED;
	if (next == REFUSED)
		return false;
	if (e == DT_CEV_EDIT || e == DT_CEV_SUBMIT || e == DT_CEV_WITHDRAW)
		*mask = 0;
	else if (e == DT_CEV_APPROVE)
		*mask |= 1u << party;
	*st = next;
	return true;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static void test_random_sequences(void **state)
{
	(void)state;
	int reached[DT_CONTRACT_NSTATUS] = { 0 };
	for (int run = 0; run < 5000; run++) {
		int model = D;
		unsigned mask = 0;
		struct dt_approvals ap = from_mask(0);
		enum dt_contract_status cur = D;
		for (int k = 0; k < 24; k++) {
			/* Weighted toward approvals, so that activation happens often. */
			int e = rnd(3) ? (int)rnd(DT_CEV_NEVENT) : DT_CEV_APPROVE;
			int party = (int)rnd(DT_PARTY_N);
			enum dt_contract_status to = DT_CONTRACT_NSTATUS;
			struct dt_problems ps = DT_PROBLEMS_INIT;
			int rc = dt_contract_apply(cur, (enum dt_contract_event)e,
						   (enum dt_party)party, &ap, &to, &ps);
			bool ok = model_step(&model, &mask, e, party);
			if (ok != (rc == DT_OK))
				fail_msg("run %d step %d: %s --%s(%s)--> rc %d, model %s", run, k,
					 dt_contract_status_name(cur), dt_contract_event_name(e),
					 dt_party_name(party), rc, ok ? "allows" : "refuses");
			if (ok) {
				cur = to;
				assert_int_equal(ps.n, 0);
			} else {
				assert_int_equal(rc, DT_ECONFLICT);
				assert_int_equal(ps.n, 1);
			}
			assert_int_equal(cur, model);
			assert_int_equal(to_mask(&ap), mask);
			reached[cur]++;
			dt_problems_release(&ps);
		}
	}
	/* The walk reached every state, the final ones included. */
	for (int s = 0; s < DT_CONTRACT_NSTATUS; s++)
		assert_true(reached[s] > 0);
}

/* ---- the rules of a contract's fields and records ---- */

static struct dt_date day(int y, int m, int d)
{
	struct dt_date x = { y, m, d };
	return x;
}

/* The one problem of @ps: its code, and argument @key = @val when @key is given. */
static void assert_problem(struct dt_problems *ps, const char *code, const char *key,
			   const char *val)
{
	assert_int_equal(ps->n, 1);
	assert_string_equal(ps->v[0].code, code);
	if (key)
		assert_string_equal(dt_problem_arg(&ps->v[0], key), val);
	dt_problems_release(ps);
}

static void test_end_rules(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_contract_facts c = { day(2024, 9, 1), day(2027, 8, 31), 3, false };
	struct dt_date today = day(2026, 3, 1);

	/* Completed three months into a three-year term, no final assessment: refused. */
	assert_int_equal(dt_contract_end_check(&ps, DT_CEV_COMPLETE, day(2024, 12, 1), &c, today),
			 DT_EINVAL);
	assert_problem(&ps, "contract.complete_early", "end", "2027-08-31");
	/* With a passed final assessment: early completion is fine. */
	c.final_passed = true;
	assert_int_equal(dt_contract_end_check(&ps, DT_CEV_COMPLETE, day(2024, 12, 1), &c, today),
			 DT_OK);
	assert_int_equal(ps.n, 0);
	/* The term run out: complete without one, also late. */
	c.final_passed = false;
	today = day(2028, 1, 1);
	assert_int_equal(dt_contract_end_check(&ps, DT_CEV_COMPLETE, day(2027, 8, 31), &c, today),
			 DT_OK);
	assert_int_equal(dt_contract_end_check(&ps, DT_CEV_COMPLETE, day(2027, 12, 1), &c, today),
			 DT_OK);
	assert_int_equal(ps.n, 0);
	/* Dissolve or transfer after the end: refused; before the start; in the future. */
	assert_int_equal(dt_contract_end_check(&ps, DT_CEV_DISSOLVE, day(2027, 9, 1), &c, today),
			 DT_EINVAL);
	assert_problem(&ps, "contract.after_end", "value", "2027-09-01");
	assert_int_equal(dt_contract_end_check(&ps, DT_CEV_TRANSFER, day(2024, 8, 31), &c, today),
			 DT_EINVAL);
	assert_problem(&ps, "date.order", "other", "start_date");
	assert_int_equal(dt_contract_end_check(&ps, DT_CEV_DISSOLVE, day(2028, 1, 2), &c, today),
			 DT_EINVAL);
	assert_problem(&ps, "date.future", "value", "2028-01-02");
	/* Probation: three months from the start, the last day excluded. */
	assert_true(dt_contract_in_probation(&c, day(2024, 11, 30)));
	assert_false(dt_contract_in_probation(&c, day(2024, 12, 1)));
}

static void test_record_rules_of_contracts(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	assert_int_equal(dt_contract_open_check(&ps, 4907, 0), DT_OK);
	assert_int_equal(dt_contract_open_check(&ps, 4907, 12), DT_EINVAL);
	assert_string_equal(ps.v[0].field, "trainee_id");
	assert_problem(&ps, "contract.open_exists", "trainee", "4907");
	assert_int_equal(dt_contract_active_check(&ps, 0), DT_OK);
	assert_int_equal(dt_contract_active_check(&ps, 7), DT_ECONFLICT);
	assert_problem(&ps, "contract.active_exists", "other", "7");
	assert_int_equal(dt_contract_programme_check(&ps, 3, 5, 5), DT_OK);
	assert_int_equal(dt_contract_programme_check(&ps, 3, 5, 6), DT_EINVAL);
	assert_problem(&ps, "contract.programme_school", "school", "5");
	assert_int_equal(dt_contract_term_check(&ps, day(2025, 9, 1), day(2025, 9, 2)), DT_OK);
	assert_int_equal(dt_contract_term_check(&ps, day(2025, 9, 1), day(2025, 9, 1)), DT_EINVAL);
	assert_string_equal(ps.v[0].field, "end_date");
	assert_problem(&ps, "date.not_after", "other_value", "2025-09-01");
	assert_int_equal(dt_contract_term_check(&ps, day(2025, 9, 1), day(2025, 8, 1)), DT_EINVAL);
	assert_problem(&ps, "date.order", "value", "2025-08-01");
	assert_int_equal(dt_contract_delete_check(&ps, "draft"), DT_OK);
	assert_int_equal(dt_contract_delete_check(&ps, "active"), DT_ECONFLICT);
	assert_problem(&ps, "contract.draft_only", "status", "active");
	assert_int_equal(dt_contract_transfer_check(&ps, true, false), DT_OK);
	assert_int_equal(dt_contract_transfer_check(&ps, false, false), DT_EINVAL);
	assert_problem(&ps, "contract.transfer_same", NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_state_event_pair),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_invalid_arguments),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_random_sequences),
		cmocka_unit_test(test_end_rules),
		cmocka_unit_test(test_record_rules_of_contracts),
		cmocka_unit_test(test_final),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
