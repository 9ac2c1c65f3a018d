/*
 * test_publication.c - who may publish a pilot city's figures, and what a
 * publication keeps (docs/PORTAL.md).
 *
 * The rule (domain/publication.c) against an oracle written from the page:
 * every role, for scopes of the nation, two provinces and a city, on pilot
 * cities inside and outside them, a province and a non-pilot city.  Then the
 * store and the engine: a publication as each caller (the CLI, the nation,
 * a province, a city, a school) with the answer the rule gives and nothing
 * written on a refusal; the snapshot's figures and parts; the generation
 * that the triggers bump; a withdrawal, and a second one refused.
 */
#include "core/common.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/publication.h"
#include "engine/publish.h"
#include "store_fixture.h"
#include "core/banned.h"

static const char *const roles[] = { "admin",  "national",   "province", "city",
				     "school", "enterprise", "trainee",  "inspector" };

/* The oracle: the rule as docs/PORTAL.md words it. */
static enum dt_pub_may oracle(const char *role, int scope, int region, bool pilot)
{
	bool city = region % 100 == 0 && region % 10000 != 0;
	if (!pilot || !city)
		return DT_PUB_MISSING;
	bool inside = scope == 0 || (scope % 10000 == 0 ? region / 10000 == scope / 10000
				     : scope % 100 == 0 ? region / 100 == scope / 100
							: region == scope);
	if (!inside)
		return DT_PUB_MISSING;
	if ((!strcmp(role, "national") || !strcmp(role, "admin")) && scope == 0)
		return DT_PUB_OK;
	if (!strcmp(role, "province") && scope % 10000 == 0 && scope)
		return DT_PUB_OK;
	return DT_PUB_DENIED;
}

static void test_rule(void **state)
{
	(void)state;
	static const int scopes[] = { 0, 210000, 220000, 210100 };
	static const int regions[] = { 210100, 210200, 220100, 210000, 210102 };
	int ok = 0, denied = 0, missing = 0;
	for (size_t r = 0; r < DT_ARRAY_SIZE(roles); r++)
		for (size_t s = 0; s < DT_ARRAY_SIZE(scopes); s++)
			for (size_t g = 0; g < DT_ARRAY_SIZE(regions); g++)
				for (int pilot = 0; pilot < 2; pilot++) {
					enum dt_pub_may want =
						oracle(roles[r], scopes[s], regions[g], pilot);
					enum dt_pub_may got = dt_publication_may(
						roles[r], scopes[s], regions[g], pilot);
					if (got != want)
						fail_msg(
							"%s scope %d region %d pilot %d: %d, want %d",
							roles[r], scopes[s], regions[g], pilot, got,
							want);
					ok += got == DT_PUB_OK;
					denied += got == DT_PUB_DENIED;
					missing += got == DT_PUB_MISSING;
				}
	/* each answer is given somewhere: the oracle is not trivially equal */
	assert_true(ok > 0 && denied > 0 && missing > 0);
	/* the CLI (no role) may publish any pilot city, none other */
	assert_int_equal(dt_publication_may(NULL, 0, 220100, true), DT_PUB_OK);
	assert_int_equal(dt_publication_may(NULL, 0, 220100, false), DT_PUB_MISSING);
	assert_int_equal(dt_publication_may(NULL, 0, 220000, true), DT_PUB_MISSING);
}

static int64_t generation(struct fx *f)
{
	int64_t g = 0;
	assert_int_equal(dt_store_portal_generation(f->s, &g, &f->err), DT_OK);
	return g;
}

static void test_publish(void **state)
{
	struct fx *f = *state;
	fx_world(f);
	fx_create(f, "pilot",
		  json_pack("{s:s, s:s, s:s, s:s}", "region", "210100", "name", "沈阳试点",
			    "period_start", "2024-01-01", "period_end", "2026-12-31"));
	fx_create(f, "pilot",
		  json_pack("{s:s, s:s, s:s, s:s}", "region", "220100", "name", "长春试点",
			    "period_start", "2024-01-01", "period_end", "2026-12-31"));
	struct {
		const char *role;
		struct dt_scope scope;
		int region;
		enum dt_err want;
	} cases[] = {
		{ "province", { 210000, 0, 0, 0 }, 210100, DT_OK },
		{ "province", { 210000, 0, 0, 0 }, 220100, DT_ENOTFOUND },
		{ "province", { 210000, 0, 0, 0 }, 210200, DT_ENOTFOUND }, /* no pilot */
		{ "city", { 210100, 0, 0, 0 }, 210100, DT_EDENIED },
		{ "city", { 210100, 0, 0, 0 }, 220100, DT_ENOTFOUND },
		{ "school", { 210100, 7, 0, 0 }, 210100, DT_ENOTFOUND },
		{ "national", { 0, 0, 0, 0 }, 220100, DT_OK },
		{ "inspector", { 0, 0, 0, 0 }, 220100, DT_EDENIED },
	};
	int published = 0;
	for (size_t i = 0; i < DT_ARRAY_SIZE(cases); i++) {
		struct dt_actor a = { "someone", NULL, &cases[i].scope };
		struct fx_snap before = fx_snapshot(f);
		int64_t g0 = generation(f);
		json_t *out = NULL;
		dt_strbuf_reset(&f->err);
		enum dt_err rc = dt_engine_publish(f->s, &a, cases[i].role, cases[i].region, 2026,
						   &out, &f->err);
		if (rc != cases[i].want)
			fail_msg("case %zu (%s on %d): %d (%s), want %d", i, cases[i].role,
				 cases[i].region, rc, f->err.buf, cases[i].want);
		if (rc == DT_OK) {
			published++;
			assert_true(generation(f) > g0);
			assert_int_equal(json_integer_value(json_object_get(out, "region")),
					 cases[i].region);
			json_decref(out);
		} else {
			struct fx_snap after = fx_snapshot(f);
			assert_memory_equal(&before, &after, sizeof(before));
			assert_int_equal(generation(f), g0);
		}
	}
	json_t *list = NULL;
	assert_int_equal(dt_store_publication_list(f->s, NULL, 0, true, true, &list, &f->err),
			 DT_OK);
	assert_int_equal(json_array_size(list), published);
	/* the snapshot: every indicator with its part; the parts add up to the score */
	json_t *snap = json_object_get(json_array_get(list, 0), "snapshot"), *it;
	size_t i;
	double sum = 0;
	json_array_foreach(json_object_get(snap, "indicators"), i, it)
	{
		assert_non_null(json_object_get(it, "part"));
		sum += json_is_number(json_object_get(it, "part"))
			       ? json_number_value(json_object_get(it, "part"))
			       : 0;
	}
	if (json_is_number(json_object_get(snap, "score")))
		assert_true(fabs(sum - json_number_value(json_object_get(snap, "score"))) < 1e-6);
	assert_int_equal(json_integer_value(json_object_get(snap, "ranked")), 2);
	/* scope on reading: a province sees its own only */
	struct dt_scope ln = { 210000, 0, 0, 0 };
	json_t *mine = NULL;
	assert_int_equal(dt_store_publication_list(f->s, &ln, 0, false, false, &mine, &f->err),
			 DT_OK);
	assert_int_equal(json_array_size(mine), 1);
	int64_t id = json_integer_value(json_object_get(json_array_get(mine, 0), "id"));
	/* withdraw: the city may not, the province may, once */
	struct dt_scope sy = { 210100, 0, 0, 0 };
	struct dt_actor city = { "city", NULL, &sy }, prov = { "prov", NULL, &ln };
	json_t *w = NULL;
	assert_int_equal(dt_engine_withdraw(f->s, &city, "city", id, &w, &f->err), DT_EDENIED);
	assert_int_equal(dt_engine_withdraw(f->s, &prov, "province", id, &w, &f->err), DT_OK);
	assert_false(json_is_null(json_object_get(w, "withdrawn_at")));
	json_decref(w);
	w = NULL;
	assert_int_equal(dt_engine_withdraw(f->s, &prov, "province", id, &w, &f->err),
			 DT_ECONFLICT);
	json_t *cur = NULL;
	assert_int_equal(dt_store_publication_list(f->s, NULL, 0, true, false, &cur, &f->err),
			 DT_OK);
	assert_int_equal(json_array_size(cur), published - 1);
	json_decref(cur);
	json_decref(mine);
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test_setup_teardown(test_publish, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
