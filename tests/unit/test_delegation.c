/*
 * test_delegation.c - unit tests of the rule of account delegation
 * (domain/delegation.c).
 *
 * An oracle of hand-written cases from the wording (a city official
 * and a school in its city, an organisation's administrator and its staff,
 * a school and its trainees, and their neighbours just outside), then
 * properties over every pair of a universe of accounts (every role, in
 * nested and neighbouring regions and organisations, administrators or
 * not): one's own account is never managed; an admin manages all others and
 * nobody else manages an admin or a national account; a region official
 * manages only within its region, and a province official everything a city
 * official within it manages; an organisation's accounts manage only their
 * own organisation's, never its administrators; a trainee is managed only
 * by an admin or its school; whoever manages anything delegates.
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/delegation.h"
#include "domain/region.h"
#include "core/banned.h"

static struct dt_delegate P(int64_t id, const char *role, int region, int64_t org, int64_t trainee,
			    bool admin) {
	struct dt_delegate p = { id, role, region, org, trainee, admin };
	return p;
}

static void
test_oracle(void **state)
{
	(void)state;
	struct dt_delegate admin = P(1, "admin", 0, 0, 0, false);
	struct dt_delegate shenyang = P(2, "city", 210100, 0, 0, false);
	struct dt_delegate dalian = P(3, "city", 210200, 0, 0, false);
	struct dt_delegate liaoning = P(4, "province", 210000, 0, 0, false);
	struct dt_delegate school = P(5, "school", 210102, 10, 0, true);
	struct dt_delegate teacher = P(6, "school", 210102, 10, 0, false);
	struct dt_delegate other_school = P(7, "school", 210202, 11, 0, true);
	struct dt_delegate firm = P(8, "enterprise", 210103, 12, 0, true);
	struct dt_delegate firm_staff = P(9, "enterprise", 210103, 12, 0, false);
	struct dt_delegate trainee = P(10, "trainee", 210102, 10, 100, false);
	struct dt_delegate trainee_other = P(11, "trainee", 210202, 11, 101, false);
	struct dt_delegate inspector = P(12, "inspector", 210100, 0, 0, false);
	struct dt_delegate national = P(13, "national", 0, 0, 0, false);
	const struct {
		const struct dt_delegate *m, *t;
		bool may;
	} cases[] = {
		{ &admin, &shenyang, true },         { &admin, &trainee, true },
		{ &admin, &admin, false },           { &shenyang, &school, true },
		{ &shenyang, &teacher, true },       { &shenyang, &firm, true },
		{ &shenyang, &inspector, true },     { &shenyang, &other_school, false },
		{ &shenyang, &dalian, false },       { &shenyang, &liaoning, false },
		{ &shenyang, &trainee, false },      { &shenyang, &national, false },
		{ &liaoning, &shenyang, true },      { &liaoning, &other_school, true },
		{ &liaoning, &admin, false },        { &school, &teacher, true },
		{ &school, &trainee, true },         { &school, &trainee_other, false },
		{ &school, &other_school, false },   { &school, &firm_staff, false },
		{ &teacher, &trainee, true },        { &teacher, &school, false },
		{ &teacher, &teacher, false },       { &firm, &firm_staff, true },
		{ &firm, &trainee, false },          { &firm_staff, &firm, false },
		{ &trainee, &trainee_other, false }, { &inspector, &school, false },
		{ &national, &shenyang, false },     { &dalian, &other_school, true },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(cases); i++)
		if (dt_delegation_may_manage(cases[i].m, cases[i].t) != cases[i].may)
			fail_msg("case %zu: %s %lld -> %s %lld: expected %s", i, cases[i].m->role,
				 (long long)cases[i].m->id, cases[i].t->role,
				 (long long)cases[i].t->id, cases[i].may ? "may" : "may not");
	assert_true(dt_delegation_bulk_trainees(&school));
	assert_true(dt_delegation_bulk_trainees(&teacher));
	assert_false(dt_delegation_bulk_trainees(&firm));
	assert_false(dt_delegation_bulk_trainees(&shenyang));
	assert_false(dt_delegation_delegates(&firm_staff));
	assert_false(dt_delegation_delegates(&trainee));
	assert_false(dt_delegation_delegates(&inspector));
	assert_false(dt_delegation_delegates(&national));
}

#define MAXU 2048
static struct dt_delegate universe[MAXU];
static size_t nu;

/* Every role in nested and neighbouring regions and organisations. */
static void build_universe(void)
{
	static const char *const roles[] = { "admin",  "national",   "province", "city",
					     "school", "enterprise", "trainee",  "inspector" };
	static const int regions[] = { 0, 210000, 210100, 210102, 210200, 210202, 220000, 220100 };
	nu = 0;
	int64_t id = 1;
	for (size_t r = 0; r < DT_ARRAY_SIZE(roles); r++)
		for (size_t g = 0; g < DT_ARRAY_SIZE(regions); g++)
			for (int64_t org = 0; org <= 3; org++)
				for (int adm = 0; adm <= 1; adm++) {
					assert_true(nu < MAXU);
					bool t = !strcmp(roles[r], "trainee");
					universe[nu++] = P(id, roles[r], regions[g], org,
							   t ? 100 + id : 0, adm);
					id++;
				}
}

static bool is(const struct dt_delegate *p, const char *role)
{
	return !strcmp(p->role, role);
}

static void test_properties(void **state)
{
	(void)state;
	build_universe();
	size_t managed = 0;
	for (size_t i = 0; i < nu; i++) {
		const struct dt_delegate *m = &universe[i];
		assert_false(dt_delegation_may_manage(m, m));
		for (size_t j = 0; j < nu; j++) {
			const struct dt_delegate *t = &universe[j];
			bool may = dt_delegation_may_manage(m, t);
			if (i == j)
				continue;
			managed += may;
			if (is(m, "admin")) {
				assert_true(may);
				continue;
			}
			if (!may)
				continue;
			assert_true(dt_delegation_delegates(m));
			assert_false(is(t, "admin") || is(t, "national"));
			assert_false(is(m, "trainee") || is(m, "inspector") || is(m, "national"));
			if (is(m, "province") || is(m, "city")) {
				assert_true(m->region && dt_region_contains(m->region, t->region));
				assert_false(is(t, "trainee"));
			}
			if (is(m, "school") || is(m, "enterprise")) {
				assert_int_equal(t->org_id, m->org_id);
				assert_false(t->org_admin && !is(t, "trainee"));
			}
			if (is(t, "trainee"))
				assert_true(is(m, "school") && m->org_id == t->org_id);
			/* a province official over a city official manages what it manages */
			if (is(m, "city"))
				for (size_t k = 0; k < nu; k++) {
					const struct dt_delegate *p = &universe[k];
					if (k != j && is(p, "province") && p->region &&
					    dt_region_contains(p->region, m->region))
						assert_true(dt_delegation_may_manage(p, t));
				}
		}
	}
	assert_true(managed > nu); /* the properties are not vacuous */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle),
		cmocka_unit_test(test_properties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
