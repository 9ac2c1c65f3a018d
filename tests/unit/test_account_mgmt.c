/*
 * test_account_mgmt.c - unit tests of account management through the store
 * (store/account_mgmt.c), on SQLite and (DUALTRACK_TEST_BACKEND=pgsql) on
 * PostgreSQL.
 *
 * A small tree: an admin; Shenyang's city official; a school in Shenyang
 * (its administrator made on the command line) with two trainees, and a
 * school in Dalian with one.  What each lists and reads is what the rule
 * says once the store has resolved the accounts (each listed account is
 * managed, each managed account is listed: checked against the rule on the
 * accounts' facts written out here); a new account's one-time code
 * activates it once, then never again; a reset revokes its credentials and
 * voids the password; a bulk that names another school's trainee makes
 * nothing; the e-mail and phone are checked with catalogue codes; one's own
 * sessions only are revoked.  Every step leaves an audit event without the
 * code.
 */
#include "store_fixture.h"

#include "core/secret.h"
#include "domain/delegation.h"

#define PW "correct horse battery"

struct tree {
	int64_t school, dschool, t1, t2, t3;
	struct dt_account admin, city, school_admin;
};

static int64_t org(struct fx *f, const char *kind, int region)
{
	char uscc[DT_USCC_LEN + 1], reg[8];
	fx_uscc(uscc, region, ++f->serial);
	snprintf(reg, sizeof(reg), "%d", region);
	return fx_create(f, "organization",
			 json_pack("{s:s, s:s, s:s, s:s}", "kind", kind, "uscc", uscc, "name",
				   "职业学院", "region", reg));
}

static int64_t trainee(struct fx *f, const char *region, int64_t school)
{
	char id[DT_NATID_LEN + 1];
	fx_natid(id, region, "20080101", 2 * ++f->serial);
	int64_t t =
		fx_create(f, "trainee",
			  json_pack("{s:s, s:s, s:s, s:s, s:s}", "national_id", id, "name", "学员",
				    "gender", "F", "birth_date", "2008-01-01", "region", region));
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE trainee SET registered_by = %lld WHERE id = %lld",
		 (long long)school, (long long)t);
	fx_sql_exec(f, sql);
	return t;
}

static void account(struct fx *f, const char *login, const char *role, const char *scope,
		    struct dt_account *out)
{
	int64_t id = 0;
	assert_int_equal(
		dt_store_account_add(f->s, &f->actor, login, role, scope, PW, &id, &f->err), DT_OK);
	char hash[DT_PWHASH_LEN];
	assert_int_equal(dt_store_account_secret(f->s, login, out, hash, &f->err), DT_OK);
}

static void make_tree(struct fx *f, struct tree *t)
{
	char scope[32];
	t->school = org(f, "school", 210102);
	t->dschool = org(f, "school", 210202);
	t->t1 = trainee(f, "210102", t->school);
	t->t2 = trainee(f, "210102", t->school);
	t->t3 = trainee(f, "210202", t->dschool);
	account(f, "root", "admin", NULL, &t->admin);
	account(f, "shenyang", "city", "210100", &t->city);
	snprintf(scope, sizeof(scope), "org:%lld", (long long)t->school);
	account(f, "school", "school", scope, &t->school_admin);
	assert_true(t->school_admin.org_admin); /* made on the command line */
}

/* Make an account as @mgr from @in (stolen); its id, or 0 with the code in *@rc. */
static int64_t create(struct fx *f, const struct dt_account *mgr, json_t *in,
		      char code[DT_ACTIVATION_LEN], int *rc)
{
	json_t *out = NULL;
	struct dt_actor a = { mgr->login, NULL, NULL };
	*rc = dt_store_accounts_create(f->s, &a, mgr, in, &out, code, &f->err);
	json_decref(in);
	int64_t id = out ? json_integer_value(json_object_get(out, "id")) : 0;
	json_decref(out);
	return id;
}

static json_t *list(struct fx *f, const struct dt_account *mgr)
{
	json_t *items = NULL;
	char *next = NULL;
	struct dt_query q = { .limit = 1000 };
	assert_int_equal(dt_store_accounts_list(f->s, mgr, &q, &items, &next, &f->err), DT_OK);
	assert_null(next);
	return items;
}

static bool listed(json_t *items, const char *login)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) if (!strcmp(fx_str(o, "login"), login)) return true;
	return false;
}

static void test_delegated_lists(void **state)
{
	struct fx *f = *state;
	struct tree t;
	make_tree(f, &t);
	char code[DT_ACTIVATION_LEN], scope[32];
	int rc;
	snprintf(scope, sizeof(scope), "org:%lld", (long long)t.dschool);
	create(f, &t.admin,
	       json_pack("{s:s, s:s, s:s}", "login", "dschool", "role", "school", "scope", scope),
	       code, &rc);
	assert_int_equal(rc, DT_OK);
	snprintf(scope, sizeof(scope), "trainee:%lld", (long long)t.t1);
	int64_t tr = create(
		f, &t.school_admin,
		json_pack("{s:s, s:s, s:s}", "login", "t1", "role", "trainee", "scope", scope),
		code, &rc);
	assert_int_equal(rc, DT_OK);
	/* another school's trainee: refused, nothing made */
	snprintf(scope, sizeof(scope), "trainee:%lld", (long long)t.t3);
	int64_t n0 = fx_rows(f, "account");
	create(f, &t.school_admin,
	       json_pack("{s:s, s:s, s:s}", "login", "t3", "role", "trainee", "scope", scope), code,
	       &rc);
	assert_int_equal(rc, DT_EDENIED);
	assert_int_equal(fx_rows(f, "account"), n0);
	/* the facts written out, and the rule on them, against what the store lists */
	struct {
		const char *login;
		struct dt_delegate p;
	} all[] = {
		{ "root", { t.admin.id, "admin", 0, 0, 0, false } },
		{ "shenyang", { t.city.id, "city", 210100, 0, 0, false } },
		{ "school", { t.school_admin.id, "school", 210102, t.school, 0, true } },
		{ "dschool", { -1, "school", 210202, t.dschool, 0, false } },
		{ "t1", { tr, "trainee", 210102, t.school, t.t1, false } },
	};
	const struct dt_account *mgrs[] = { &t.admin, &t.city, &t.school_admin };
	for (size_t m = 0; m < DT_ARRAY_SIZE(mgrs); m++) {
		json_t *items = list(f, mgrs[m]);
		const struct dt_delegate *mp = NULL;
		for (size_t k = 0; k < DT_ARRAY_SIZE(all); k++)
			if (!strcmp(all[k].login, mgrs[m]->login))
				mp = &all[k].p;
		for (size_t k = 0; k < DT_ARRAY_SIZE(all); k++)
			if (dt_delegation_may_manage(mp, &all[k].p) != listed(items, all[k].login))
				fail_msg("%s lists %s: %d", mgrs[m]->login, all[k].login,
					 listed(items, all[k].login));
		json_decref(items);
	}
	/* read outside: as missing */
	json_t *o = NULL;
	assert_int_equal(dt_store_accounts_get(f->s, &t.city, tr, &o, &f->err), DT_ENOTFOUND);
	assert_int_equal(dt_store_accounts_get(f->s, &t.city, 999999, &o, &f->err), DT_ENOTFOUND);
	assert_int_equal(dt_store_accounts_get(f->s, &t.school_admin, tr, &o, &f->err), DT_OK);
	json_decref(o);
}

static void test_code_once(void **state)
{
	struct fx *f = *state;
	struct tree t;
	make_tree(f, &t);
	char code[DT_ACTIVATION_LEN], scope[32];
	int rc;
	snprintf(scope, sizeof(scope), "trainee:%lld", (long long)t.t2);
	int64_t id = create(f, &t.school_admin,
			    json_pack("{s:s, s:s, s:s, s:s}", "login", "t2", "role", "trainee",
				      "scope", scope, "email", "t2@example.cn"),
			    code, &rc);
	assert_int_equal(rc, DT_OK);
	assert_int_equal(strlen(code), 14);
	struct dt_account acc;
	assert_int_equal(dt_store_account_code_check(f->s, "t2", "AAAA-AAAA-AAAA", &acc, &f->err),
			 DT_EDENIED);
	assert_int_equal(dt_store_account_code_check(f->s, "t1", code, &acc, &f->err), DT_EDENIED);
	assert_int_equal(dt_store_account_code_check(f->s, "t2", code, &acc, &f->err), DT_OK);
	assert_true(acc.must_change);
	/* no password works before activation */
	assert_int_equal(dt_store_account_login(f->s, "t2", "!", &acc, &f->err), DT_EDENIED);
	struct dt_actor a = { "t2", NULL, NULL };
	assert_int_equal(dt_store_account_set_password(f->s, &a, id, "password", 0, &f->err),
			 DT_EINVAL);
	assert_int_equal(
		dt_store_account_set_password(f->s, &a, id, "Lantern-Orchard-2026", 0, &f->err),
		DT_OK);
	assert_int_equal(dt_store_account_code_check(f->s, "t2", code, &acc, &f->err), DT_EDENIED);
	assert_int_equal(dt_store_account_login(f->s, "t2", "Lantern-Orchard-2026", &acc, &f->err),
			 DT_OK);
	assert_false(acc.must_change);
	/* the audit trail: made, password set; no code, no hash */
	assert_true(fx_sql_int(f, "SELECT count(*) FROM audit WHERE entity = 'account' AND "
				  "action IN ('account.create', 'create') ") >= 1);
	char part[8];
	snprintf(part, sizeof(part), "%.4s", code + 5);
	assert_int_equal(fx_audit_grep(f, "1 = 1", part), 0);
	assert_int_equal(fx_audit_grep(f, "1 = 1", "activation_hash"), 0);
}

static void test_reset_revokes(void **state)
{
	struct fx *f = *state;
	struct tree t;
	make_tree(f, &t);
	char token[DT_TOKEN_LEN], code[DT_ACTIVATION_LEN];
	struct dt_credential cred;
	assert_int_equal(dt_store_credential_create(f->s, &f->actor, t.school_admin.id, "token",
						    3600, token, NULL, NULL, &f->err),
			 DT_OK);
	assert_int_equal(dt_store_credential_check(f->s, token, &cred, &f->err), DT_OK);
	json_t *o = NULL;
	struct dt_actor a = { "shenyang", NULL, NULL };
	/* outside: missing; inside: reset */
	assert_int_equal(
		dt_store_accounts_reset(f->s, &a, &t.school_admin, t.city.id, &o, code, &f->err),
		DT_ENOTFOUND);
	assert_int_equal(
		dt_store_accounts_reset(f->s, &a, &t.city, t.school_admin.id, &o, code, &f->err),
		DT_OK);
	assert_true(json_is_true(json_object_get(o, "must_change_password")));
	json_decref(o);
	assert_int_equal(dt_store_credential_check(f->s, token, &cred, &f->err), DT_EDENIED);
	struct dt_account acc;
	assert_int_equal(dt_store_account_login(f->s, "school", PW, &acc, &f->err), DT_EDENIED);
	assert_int_equal(dt_store_account_code_check(f->s, "school", code, &acc, &f->err), DT_OK);
	assert_true(fx_sql_int(f, "SELECT count(*) FROM audit WHERE action IN ('account.reset', "
				  "'reset') AND entity = 'account'") == 1);
}

static void test_change_checks_fields(void **state)
{
	struct fx *f = *state;
	struct tree t;
	make_tree(f, &t);
	json_t *o = NULL, *in = json_pack("{s:s, s:s, s:b}", "email", "not-an-address", "phone",
					  "12", "disabled", 1);
	struct dt_actor a = { "root", NULL, NULL };
	assert_int_equal(dt_store_accounts_change(f->s, &a, &t.admin, t.city.id, in, &o, &f->err),
			 DT_EINVAL);
	fx_assert_ferr(f, "email");
	fx_assert_ferr(f, "phone");
	json_decref(in);
	struct dt_account acc;
	assert_int_equal(dt_store_account_login(f->s, "shenyang", PW, &acc, &f->err), DT_OK);
	in = json_pack("{s:s, s:b}", "email", "city@example.cn", "disabled", 1);
	assert_int_equal(dt_store_accounts_change(f->s, &a, &t.admin, t.city.id, in, &o, &f->err),
			 DT_OK);
	json_decref(in);
	assert_string_equal(fx_str(o, "email"), "city@example.cn");
	assert_true(json_is_true(json_object_get(o, "disabled")));
	json_decref(o);
	assert_int_equal(dt_store_account_login(f->s, "shenyang", PW, &acc, &f->err), DT_EDENIED);
}

static void test_bulk_all_or_nothing(void **state)
{
	struct fx *f = *state;
	struct tree t;
	make_tree(f, &t);
	struct dt_actor a = { "school", NULL, NULL };
	json_t *out = NULL, *ids = json_pack("[I, I]", (json_int_t)t.t1, (json_int_t)t.t3);
	int64_t n0 = fx_rows(f, "account");
	assert_int_equal(dt_store_accounts_bulk(f->s, &a, &t.school_admin, ids, &out, &f->err),
			 DT_EINVAL);
	fx_assert_ferr(f, "trainee_ids[1]");
	json_decref(ids);
	assert_int_equal(fx_rows(f, "account"), n0);
	assert_int_equal(dt_store_accounts_bulk(f->s, &a, &t.city, NULL, &out, &f->err),
			 DT_EDENIED);
	assert_int_equal(dt_store_accounts_bulk(f->s, &a, &t.school_admin, NULL, &out, &f->err),
			 DT_OK);
	assert_int_equal(json_array_size(out), 2);
	size_t i;
	json_t *o;
	json_array_foreach(out, i, o)
	{
		struct dt_account acc;
		assert_int_equal(dt_store_account_code_check(f->s, fx_str(o, "login"),
							     fx_str(o, "activation_code"), &acc,
							     &f->err),
				 DT_OK);
		assert_string_equal(acc.role, "trainee");
	}
	json_decref(out);
	assert_int_equal(fx_rows(f, "account"), n0 + 2);
	assert_int_equal(dt_store_accounts_bulk(f->s, &a, &t.school_admin, NULL, &out, &f->err),
			 DT_OK);
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
}

static void test_own_sessions(void **state)
{
	struct fx *f = *state;
	struct tree t;
	make_tree(f, &t);
	char token[DT_TOKEN_LEN], csrf[DT_TOKEN_LEN];
	int64_t mine = 0, theirs = 0;
	assert_int_equal(dt_store_credential_create(f->s, &f->actor, t.city.id, "session", 3600,
						    token, csrf, &mine, &f->err),
			 DT_OK);
	assert_int_equal(dt_store_credential_create(f->s, &f->actor, t.admin.id, "session", 3600,
						    token, csrf, &theirs, &f->err),
			 DT_OK);
	json_t *items = NULL;
	assert_int_equal(dt_store_sessions_list(f->s, t.city.id, &items, &f->err), DT_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), mine);
	json_decref(items);
	struct dt_actor a = { "shenyang", NULL, NULL };
	assert_int_equal(dt_store_session_revoke_own(f->s, &a, t.city.id, theirs, &f->err),
			 DT_ENOTFOUND);
	assert_int_equal(dt_store_session_revoke_own(f->s, &a, t.city.id, mine, &f->err), DT_OK);
	assert_int_equal(dt_store_session_revoke_own(f->s, &a, t.city.id, mine, &f->err),
			 DT_ENOTFOUND);
	assert_int_equal(dt_store_sessions_list(f->s, t.city.id, &items, &f->err), DT_OK);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_delegated_lists, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_code_once, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reset_revokes, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_change_checks_fields, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bulk_all_or_nothing, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_own_sessions, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
