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
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/contract.h"
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
	[DT_CONTRACT_TRANSFERRED] = { REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED,
				      REFUSED, REFUSED },
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
					struct dt_strbuf err = DT_STRBUF_INIT;
					int rc = dt_contract_apply((enum dt_contract_status)s,
								   (enum dt_contract_event)e,
								   (enum dt_party)party, &ap, &to,
								   &err);
					if ((next == REFUSED) != (rc == DT_ECONFLICT))
						print_error("%s --%s(%s, approvals %u)--> rc %d: %s\n",
							    dt_contract_status_name(s),
							    dt_contract_event_name(e),
							    dt_party_name(party), mask, rc, err.buf);
					if (next == REFUSED) {
						assert_int_equal(rc, DT_ECONFLICT);
						assert_int_equal(to, DT_CONTRACT_NSTATUS);
						assert_int_equal(to_mask(&ap), mask);
						assert_true(err.len > 0);
						refused++;
					} else {
						assert_int_equal(rc, DT_OK);
						assert_int_equal(to, next);
						assert_int_equal(to_mask(&ap), want_mask);
						allowed++;
					}
					dt_strbuf_release(&err);
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

/* Apply and expect a refusal whose reason contains @want. */
static void expect_refused(enum dt_contract_status from, enum dt_contract_event ev,
			   enum dt_party party, unsigned mask, const char *want)
{
	struct dt_approvals ap = from_mask(mask);
	enum dt_contract_status to = DT_CONTRACT_NSTATUS;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = dt_contract_apply(from, ev, party, &ap, &to, &err);
	if (rc != DT_ECONFLICT || !strstr(err.buf, want))
		print_error("%s --%s--> rc %d, reason \"%s\", wanted \"%s\"\n",
			    dt_contract_status_name(from), dt_contract_event_name(ev), rc, err.buf,
			    want);
	assert_int_equal(rc, DT_ECONFLICT);
	assert_non_null(strstr(err.buf, want));
	dt_strbuf_release(&err);
}

static void test_reasons(void **state)
{
	(void)state;
	const unsigned all = 7;
	const unsigned E = 1u << DT_PARTY_ENTERPRISE, S = 1u << DT_PARTY_SCHOOL,
		       T = 1u << DT_PARTY_TRAINEE;

	expect_refused(DT_CONTRACT_COMPLETED, DT_CEV_EDIT, 0, 0,
		       "contract is completed: no further changes");
	expect_refused(DT_CONTRACT_DISSOLVED, DT_CEV_COMPLETE, 0, 0,
		       "contract is dissolved: no further changes");
	expect_refused(DT_CONTRACT_TRANSFERRED, DT_CEV_TRANSFER, 0, 0,
		       "contract is transferred: no further changes");

	expect_refused(P, DT_CEV_ACTIVATE, 0, E | T,
		       "cannot activate a pending contract: the school has not approved");
	expect_refused(P, DT_CEV_ACTIVATE, 0, S,
		       "cannot activate a pending contract: the enterprise and the trainee have not approved");
	expect_refused(P, DT_CEV_ACTIVATE, 0, 0,
		       "the enterprise, the school and the trainee have not approved");
	expect_refused(P, DT_CEV_ACTIVATE, 0, E | S, "the trainee has not approved");

	expect_refused(P, DT_CEV_APPROVE, DT_PARTY_SCHOOL, S,
		       "the school has already approved this contract");
	expect_refused(P, DT_CEV_APPROVE, DT_PARTY_TRAINEE, all,
		       "the trainee has already approved this contract");

	expect_refused(D, DT_CEV_APPROVE, DT_PARTY_SCHOOL, 0,
		       "cannot approve a draft contract: submit it for approval first");
	expect_refused(D, DT_CEV_ACTIVATE, 0, 0, "cannot activate a draft contract");
	expect_refused(D, DT_CEV_WITHDRAW, 0, 0,
		       "cannot withdraw a draft contract: it has not been submitted");
	expect_refused(D, DT_CEV_COMPLETE, 0, 0, "cannot complete a draft contract: it is not active");
	expect_refused(P, DT_CEV_SUBMIT, 0, 0,
		       "cannot submit a pending contract: it has already been submitted");
	expect_refused(P, DT_CEV_DISSOLVE, 0, all,
		       "cannot dissolve a pending contract: it is not active");
	expect_refused(A, DT_CEV_EDIT, 0, all, "cannot edit an active contract: it is in force");
	expect_refused(A, DT_CEV_APPROVE, DT_PARTY_SCHOOL, all,
		       "cannot approve an active contract: it is already in force");
}

static void test_invalid_arguments(void **state)
{
	(void)state;
	struct dt_approvals ap = from_mask(0);
	enum dt_contract_status to = DT_CONTRACT_NSTATUS;
	struct dt_strbuf err = DT_STRBUF_INIT;

	assert_int_equal(dt_contract_apply(P, DT_CEV_APPROVE, DT_PARTY_N, &ap, &to, &err),
			 DT_EINVAL);
	assert_non_null(strstr(err.buf, "unknown party"));
	assert_int_equal(dt_contract_apply(P, DT_CEV_APPROVE, (enum dt_party)-1, &ap, &to, &err),
			 DT_EINVAL);
	assert_int_equal(dt_contract_apply(DT_CONTRACT_NSTATUS, DT_CEV_EDIT, 0, &ap, &to, &err),
			 DT_EINVAL);
	assert_non_null(strstr(err.buf, "unknown status"));
	assert_int_equal(dt_contract_apply(D, DT_CEV_NEVENT, 0, &ap, &to, &err), DT_EINVAL);
	assert_non_null(strstr(err.buf, "unknown event"));
	assert_int_equal(dt_contract_apply(D, DT_CEV_EDIT, 0, NULL, &to, &err), DT_EINVAL);
	assert_int_equal(dt_contract_apply(D, DT_CEV_EDIT, 0, &ap, NULL, &err), DT_EINVAL);
	assert_int_equal(to, DT_CONTRACT_NSTATUS);
	assert_int_equal(to_mask(&ap), 0);

	/* the party is ignored for events other than approve */
	assert_int_equal(dt_contract_apply(D, DT_CEV_SUBMIT, DT_PARTY_N, &ap, &to, NULL), DT_OK);
	assert_int_equal(to, P);
	/* err may be NULL on refusal too */
	assert_int_equal(dt_contract_apply(D, DT_CEV_ACTIVATE, 0, &ap, &to, NULL), DT_ECONFLICT);
	dt_strbuf_release(&err);
}

/* Apply @ev and require success; returns the new state. */
static enum dt_contract_status step(enum dt_contract_status from, enum dt_contract_event ev,
				    enum dt_party party, struct dt_approvals *ap)
{
	enum dt_contract_status to = DT_CONTRACT_NSTATUS;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = dt_contract_apply(from, ev, party, ap, &to, &err);
	if (rc != DT_OK)
		print_error("%s --%s--> %s\n", dt_contract_status_name(from),
			    dt_contract_event_name(ev), err.buf);
	assert_int_equal(rc, DT_OK);
	dt_strbuf_release(&err);
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
	static const char *const statuses[] = { "draft", "pending", "active", "completed",
						"dissolved", "transferred" };
	static const char *const events[] = { "edit", "submit", "withdraw", "approve",
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
	assert_null(dt_contract_status_name((enum dt_contract_status)-1));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_state_event_pair),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_invalid_arguments),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_final),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
