/*
 * test_supervision.c - inspection plans and the draw through the store, on
 * SQLite and (with DUALTRACK_TEST_PG) PostgreSQL: plan, commit (the seed is
 * sealed, only its hash is readable; candidates are frozen with weights
 * from open and data-quality alerts), draw (one inspection per drawn
 * object, no conflicted inspector), reveal, verify (also after closing and
 * reopening the store), and verify naming the first difference when a
 * recorded pair, a frozen weight or the seed is changed behind its back.
 * Scope: plans only for one's own region, plans and inspections outside it
 * are missing.
 */
#include "store_fixture.h"

#include "domain/inspection.h"
#include "engine/indicators.h"

struct world {
	int64_t ent[8];  /* 0-3 in Shenyang (210102), 4-7 in Anshan (210302) */
	int64_t insp[4]; /* accounts: Shenyang, Anshan, province, province declared ent[0] */
};

static void make_world(struct fx *f, struct world *w)
{
	for (int i = 0; i < 8; i++) {
		char name[32];
		snprintf(name, sizeof(name), "企业%d", i);
		w->ent[i] = fx_org(f, "enterprise", i < 4 ? 210102 : 210302, name);
	}
	static const char *const scope[4] = { "210100", "210300", "210000", "210000" };
	for (int i = 0; i < 4; i++) {
		char login[16];
		snprintf(login, sizeof(login), "insp%d", i);
		assert_int_equal(dt_store_account_add(f->s, &f->actor, login, "inspector", scope[i],
						      "correct horse battery", &w->insp[i],
						      &f->err),
				 DT_OK);
	}
	/*
	 * an open alert on ent[1] (counts as alert) and a data-quality one
	 * (quality: a rule of domain/inspection.h's dt_quality_rules)
	 */
	char sql[1024];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO alert(rule, severity, status, subject_kind, subject_id, message_zh, "
		 "message_en, raised_at, region, created_at, updated_at) VALUES "
		 "('dissolution_spike', 'warning', 'open', 'organization', %lld, 'x', 'x', "
		 "'2026-11-01', 210102, '2026-11-01', '2026-11-01'), "
		 "('record_day_hours', 'warning', 'acknowledged', 'organization', %lld, 'x', 'x', "
		 "'2026-11-01', 210102, '2026-11-01', '2026-11-01'), "
		 "('mentor_overload', 'warning', 'resolved', 'organization', %lld, 'x', 'x', "
		 "'2026-11-01', 210102, '2026-11-01', '2026-11-01')",
		 (long long)w->ent[1], (long long)w->ent[1], (long long)w->ent[2]);
	fx_sql_exec(f, sql);
}

static json_t *plan_in(const struct world *w, const char *region, bool cross)
{
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:i, s:b, s:[I, I, I, {s:I, s:I}]}", "region",
			 region, "year", 2026, "title", "2026年双元培育专项督查", "object_kinds",
			 "enterprise", "sample_kind", "count", "sample_value", 2, "cross_city",
			 cross, "inspectors", (json_int_t)w->insp[0], (json_int_t)w->insp[1],
			 (json_int_t)w->insp[2], "account", (json_int_t)w->insp[3], "org_id",
			 (json_int_t)w->ent[0]);
}

static int64_t new_plan(struct fx *f, const struct world *w)
{
	json_t *in = plan_in(w, "210000", true), *out = NULL;
	if (dt_store_plan_create(f->s, &f->actor, in, &out, &f->err) != DT_OK)
		fail_msg("plan: %s", f->err.buf);
	json_decref(in);
	int64_t id = fx_int(out, "id");
	assert_string_equal(fx_str(out, "status"), "draft");
	assert_int_equal(json_array_size(json_object_get(out, "checklist")), 7);
	assert_int_equal(json_array_size(json_object_get(out, "inspectors")), 4);
	json_decref(out);
	return id;
}

static int act(struct fx *f, int64_t id, const char *action)
{
	json_t *out = NULL;
	dt_strbuf_reset(&f->err);
	int rc = dt_store_plan_act(f->s, &f->actor, id, action, &out, &f->err);
	json_decref(out);
	return rc;
}

static json_t *verify(struct fx *f, int64_t id)
{
	json_t *rep = NULL;
	assert_int_equal(dt_store_plan_verify(f->s, NULL, 0, id, &rep, &f->err), DT_OK);
	return rep;
}

static void test_plan_commit_draw_reveal_verify(void **state)
{
	struct fx *f = *state;
	struct world w;
	make_world(f, &w);
	int64_t id = new_plan(f, &w);
	int64_t audit0 = fx_audit_count(f);
	/* verify and reveal need a draw first */
	assert_int_equal(act(f, id, "draw"), DT_ECONFLICT);
	assert_int_equal(act(f, id, "reveal"), DT_ECONFLICT);
	assert_int_equal(act(f, id, "commit"), DT_OK);
	assert_int_equal(act(f, id, "commit"), DT_ECONFLICT);
	json_t *p = NULL;
	assert_int_equal(dt_store_plan_show(f->s, NULL, 0, id, &p, &f->err), DT_OK);
	assert_string_equal(fx_str(p, "status"), "committed");
	assert_int_equal(strlen(fx_str(p, "seed_hash")), 64);
	assert_int_equal(strlen(fx_str(p, "inputs_hash")), 64);
	assert_true(json_is_null(json_object_get(p, "seed")));
	/* the candidates: 8 enterprises; ent[1] has 1 open alert + 1 quality alert */
	json_t *cands = json_object_get(p, "candidates");
	assert_int_equal(json_array_size(cands), 8);
	size_t i;
	json_t *c;
	json_array_foreach(cands, i, c)
	{
		int64_t want = fx_int(c, "object_id") == w.ent[1] ? 1 + 2 + 2 : 1;
		assert_int_equal(fx_int(c, "weight"), want);
		assert_int_equal(json_array_size(json_object_get(c, "reasons")),
				 fx_int(c, "object_id") == w.ent[1] ? 2 : 0);
		if (fx_int(c, "object_id") != w.ent[1])
			continue;
		/* one of each kind: the data-quality rule counts as quality, not as alert */
		json_t *r0 = json_array_get(json_object_get(c, "reasons"), 0),
		       *r1 = json_array_get(json_object_get(c, "reasons"), 1);
		assert_string_equal(fx_str(r0, "code"), "alert");
		assert_int_equal(fx_int(r0, "n"), 1);
		assert_string_equal(fx_str(r1, "code"), "quality");
		assert_int_equal(fx_int(r1, "n"), 1);
	}
	json_decref(p);
	/* the seed is stored only sealed: no 32-byte value in clear */
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM inspection_plan WHERE id = %lld AND seed IS NULL AND "
		 "length(seed_sealed) = 72",
		 (long long)id);
	assert_int_equal(fx_sql_int(f, sql), 1);

	assert_int_equal(act(f, id, "draw"), DT_OK);
	json_t *rep = NULL;
	assert_int_equal(dt_store_plan_verify(f->s, NULL, 0, id, &rep, &f->err), DT_ECONFLICT);
	assert_true(dt_problems_has(dt_store_problems(f->s), "inspection.not_revealed"));
	json_t *ins = NULL;
	assert_int_equal(dt_store_inspection_list(f->s, NULL, 0, id, &ins, &f->err), DT_OK);
	assert_int_equal(json_array_size(ins), 4); /* two per city */
	json_array_foreach(ins, i, c)
	{
		assert_int_equal(fx_int(c, "draw_pos"), (int64_t)i + 1);
		int64_t a = fx_int(c, "inspector_a"), b = fx_int(c, "inspector_b");
		assert_true(a && b && a != b);
		bool shenyang = !strcmp(fx_str(c, "city"), "210100");
		/* cross-city: the Shenyang inspector never in Shenyang, nor Anshan's in Anshan */
		int64_t own = shenyang ? w.insp[0] : w.insp[1];
		assert_true(a != own && b != own);
		/* insp3 declared ent[0]'s organisation */
		if (fx_int(c, "object_id") == w.ent[0])
			assert_true(a != w.insp[3] && b != w.insp[3]);
	}
	json_decref(ins);
	assert_int_equal(act(f, id, "reveal"), DT_OK);
	assert_int_equal(act(f, id, "reveal"), DT_ECONFLICT);
	assert_true(dt_problems_has(dt_store_problems(f->s), "inspection.revealed"));
	rep = verify(f, id);
	assert_true(json_is_true(json_object_get(rep, "ok")));
	assert_true(json_is_null(json_object_get(rep, "difference")));
	assert_int_equal(fx_int(rep, "drawn"), 4);
	/* the published seed hashes to the committed hash */
	unsigned char seed[32], h[32];
	char hx[65];
	size_t got;
	assert_int_equal(sodium_hex2bin(seed, 32, fx_str(rep, "seed"), 64, NULL, &got, NULL), 0);
	dt_draw_seed_hash(seed, h);
	sodium_bin2hex(hx, sizeof(hx), h, 32);
	assert_string_equal(hx, fx_str(rep, "seed_hash"));
	json_decref(rep);
	/* commit, draw (plan + 4 inspections), reveal: all audited */
	assert_int_equal(fx_audit_count(f) - audit0, 1 + 5 + 1);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM inspection_plan WHERE id = %lld AND seed_sealed IS NULL",
		 (long long)id);
	assert_int_equal(fx_sql_int(f, sql), 1);

	/* after a restart, the same answer */
	dt_store_close(f->s);
	f->s = NULL;
	assert_int_equal(dt_store_open(&f->s, f->path, NULL, 0, &f->err), DT_OK); /* no key */
	rep = verify(f, id);
	assert_true(json_is_true(json_object_get(rep, "ok")));
	json_decref(rep);
}

static void test_verify_names_difference(void **state)
{
	struct fx *f = *state;
	struct world w;
	make_world(f, &w);
	int64_t id = new_plan(f, &w);
	assert_int_equal(act(f, id, "commit"), DT_OK);
	assert_int_equal(act(f, id, "draw"), DT_OK);
	assert_int_equal(act(f, id, "reveal"), DT_OK);
	char sql[256];
	/* a recorded pair changed: swapped inspectors at draw_pos 2 */
	snprintf(sql, sizeof(sql),
		 "UPDATE inspection SET inspector_a = inspector_b, inspector_b = inspector_a "
		 "WHERE plan_id = %lld AND draw_pos = 2",
		 (long long)id);
	fx_sql_exec(f, sql);
	json_t *rep = verify(f, id);
	assert_true(json_is_false(json_object_get(rep, "ok")));
	assert_non_null(strstr(fx_str(rep, "difference"), "draw_pos 2"));
	json_decref(rep);
	fx_sql_exec(f, sql); /* swap back */
	rep = verify(f, id);
	assert_true(json_is_true(json_object_get(rep, "ok")));
	json_decref(rep);
	/* a frozen weight changed: the inputs no longer match the commitment */
	snprintf(sql, sizeof(sql),
		 "UPDATE plan_candidate SET weight = weight + 1 WHERE plan_id = %lld AND "
		 "object_id = %lld",
		 (long long)id, (long long)w.ent[5]);
	fx_sql_exec(f, sql);
	rep = verify(f, id);
	assert_true(json_is_false(json_object_get(rep, "ok")));
	assert_non_null(strstr(fx_str(rep, "difference"), "inputs_hash"));
	json_decref(rep);
	/* a different seed published */
	snprintf(sql, sizeof(sql),
		 "UPDATE plan_candidate SET weight = weight - 1 WHERE plan_id = %lld AND "
		 "object_id = %lld",
		 (long long)id, (long long)w.ent[5]);
	fx_sql_exec(f, sql);
	snprintf(sql, sizeof(sql), "UPDATE inspection_plan SET seed = inputs_hash WHERE id = %lld",
		 (long long)id);
	fx_sql_exec(f, sql);
	rep = verify(f, id);
	assert_true(json_is_false(json_object_get(rep, "ok")));
	assert_non_null(strstr(fx_str(rep, "difference"), "seed_hash"));
	json_decref(rep);
}

static void test_plan_refusals_and_scope(void **state)
{
	struct fx *f = *state;
	struct world w;
	make_world(f, &w);
	int64_t id = new_plan(f, &w);
	/* a city official plans only for his city */
	struct dt_scope anshan = { .region = 210300 };
	struct dt_actor city = { .login = "city:anshan", .scope = &anshan };
	json_t *in = plan_in(&w, "210000", false), *out = NULL;
	assert_int_equal(dt_store_plan_create(f->s, &city, in, &out, &f->err), DT_EINVAL);
	assert_true(dt_problems_has(dt_store_problems(f->s), "inspection.scope"));
	json_decref(in);
	in = plan_in(&w, "210302", false); /* a county */
	assert_int_equal(dt_store_plan_create(f->s, &f->actor, in, &out, &f->err), DT_EINVAL);
	assert_true(dt_problems_has(dt_store_problems(f->s), "inspection.region_level"));
	json_decref(in);
	in = plan_in(&w, "210300", false);
	json_object_set_new(in, "inspectors", json_pack("[i]", 99999));
	assert_int_equal(dt_store_plan_create(f->s, &city, in, &out, &f->err), DT_EINVAL);
	assert_true(dt_problems_has(dt_store_problems(f->s), "inspection.not_inspector"));
	json_object_set_new(in, "inspectors", json_pack("[I]", (json_int_t)w.insp[0]));
	json_object_set_new(in, "sample_kind", json_string("rate"));
	json_object_set_new(in, "sample_value", json_real(1.5));
	assert_int_equal(dt_store_plan_create(f->s, &city, in, &out, &f->err), DT_EINVAL);
	json_object_set_new(in, "sample_value", json_real(0.5));
	assert_int_equal(dt_store_plan_create(f->s, &city, in, &out, &f->err), DT_OK);
	int64_t small = fx_int(out, "id");
	json_decref(out);
	json_decref(in);
	/* one inspector is not a pool */
	assert_int_equal(act(f, small, "commit"), DT_ECONFLICT);
	assert_true(dt_problems_has(dt_store_problems(f->s), "inspection.pool_small"));
	/* reading: the province plan is visible to Anshan (it covers it), not to Dalian */
	struct dt_scope dalian = { .region = 210200 }, org = { .region = 210300, .org_id = 5 };
	assert_int_equal(dt_store_plan_get(f->s, &anshan, 0, id, &out, &f->err), DT_OK);
	json_decref(out);
	assert_int_equal(dt_store_plan_get(f->s, &anshan, 0, small, &out, &f->err), DT_OK);
	json_decref(out);
	assert_int_equal(dt_store_plan_get(f->s, &dalian, 0, small, &out, &f->err), DT_ENOTFOUND);
	assert_int_equal(dt_store_plan_get(f->s, &org, 0, id, &out, &f->err), DT_ENOTFOUND);
	struct dt_actor dal = { .login = "city:dalian", .scope = &dalian };
	assert_int_equal(dt_store_plan_act(f->s, &dal, small, "commit", &out, &f->err),
			 DT_ENOTFOUND);
	/* inspections: Dalian sees none of the Anshan ones, an inspector only his own */
	assert_int_equal(act(f, id, "commit"), DT_OK);
	assert_int_equal(act(f, id, "draw"), DT_OK);
	json_t *all = NULL, *mine = NULL, *none = NULL;
	assert_int_equal(dt_store_inspection_list(f->s, NULL, 0, id, &all, &f->err), DT_OK);
	assert_int_equal(dt_store_inspection_list(f->s, &dalian, 0, id, &none, &f->err), DT_OK);
	assert_int_equal(json_array_size(none), 0);
	struct dt_scope is = { .region = 210100 };
	assert_int_equal(dt_store_inspection_list(f->s, &is, w.insp[2], id, &mine, &f->err), DT_OK);
	size_t i, n = 0;
	json_t *c;
	json_array_foreach(all, i, c)
	{
		bool his = fx_int(c, "inspector_a") == w.insp[2] ||
			   fx_int(c, "inspector_b") == w.insp[2];
		n += his;
		json_t *one = NULL;
		assert_int_equal(dt_store_inspection_get(f->s, &is, w.insp[2], fx_int(c, "id"),
							 &one, &f->err),
				 his ? DT_OK : DT_ENOTFOUND);
		json_decref(one);
	}
	assert_int_equal(json_array_size(mine), n);
	json_decref(all);
	json_decref(mine);
	json_decref(none);
}

/*
 * The data-quality rules the draw counts are alert rules that exist (a
 * name no rule raises would count nothing, as "quality_*" did), among them
 * the stipend under the minimum wage and record book without
 * entries; an ordinary rule is not one.
 */
static void test_quality_rules(void **state)
{
	(void)state;
	size_t n = 0;
	for (; dt_quality_rules[n]; n++)
		if (dt_engine_alert_rule(dt_quality_rules[n], NULL, NULL) < 0)
			fail_msg("%s is not an alert rule", dt_quality_rules[n]);
	assert_int_equal(n, 8);
	assert_true(dt_quality_rule("stipend_below_minimum"));
	assert_true(dt_quality_rule("no_record_entry"));
	assert_true(dt_quality_rule("signoff_burst"));
	assert_false(dt_quality_rule("dissolution_spike"));
	assert_false(dt_quality_rule("finding_overdue"));
	assert_false(dt_quality_rule(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quality_rules),
		cmocka_unit_test_setup_teardown(test_plan_commit_draw_reveal_verify, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_verify_names_difference, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_plan_refusals_and_scope, fx_setup,
						fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
