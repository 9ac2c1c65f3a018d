/*
 * test_account.c - unit tests of accounts, sessions and API tokens
 * (store/account.c).
 *
 * Accounts: every role with the scope it needs (a province or city code, a
 * school's or enterprise's USCC or org:ID, a trainee's national ID or
 * trainee:ID, nothing for admin) and with the scopes it must refuse;
 * duplicate logins, malformed logins and short passwords.  Sign-in: a right
 * password, a wrong one, an unknown login and a disabled account, the last
 * three alike DT_EDENIED.  Credentials: created and checked, revoked,
 * expired, revoked with a disabled account, sessions (not tokens) revoked by
 * a password change.  The audit log records each change and never holds a
 * password, a password hash or a secret token.
 */
#include "store_fixture.h"

#define PW "correct horse battery"

/* dt_store_account_add() with the fixture's actor; the code it returns. */
static int add(struct fx *f, const char *login, const char *role, const char *scope,
	       const char *password)
{
	dt_strbuf_reset(&f->err);
	return dt_store_account_add(f->s, &f->actor, login, role, scope, password, NULL, &f->err);
}

/* Add, asserting success; returns the account id. */
static int64_t add_ok(struct fx *f, const char *login, const char *role, const char *scope)
{
	int64_t id = 0;
	dt_strbuf_reset(&f->err);
	int rc = dt_store_account_add(f->s, &f->actor, login, role, scope, PW, &id, &f->err);
	if (rc != DT_OK)
		fail_msg("add %s %s %s: %s (%d)", login, role, scope ? scope : "(none)", f->err.buf,
			 rc);
	assert_true(id > 0);
	return id;
}

/* Add, expecting DT_EINVAL with a message that starts with @field ("scope: ..."). */
static void add_invalid(struct fx *f, const char *login, const char *role, const char *scope,
			const char *password, const char *field)
{
	int rc = add(f, login, role, scope, password);
	if (rc != DT_EINVAL)
		fail_msg("add %s %s %s: expected DT_EINVAL, got %d (%s)", login ? login : "(null)",
			 role ? role : "(null)", scope ? scope : "(none)", rc, f->err.buf);
	if (strncmp(f->err.buf, field, strlen(field)))
		fail_msg("add %s: message does not name %s: %s", login ? login : "(null)", field,
			 f->err.buf);
}

/* The listed account @login (a new reference), or NULL. */
static json_t *listed(struct fx *f, const char *login)
{
	json_t *all = NULL, *a, *found = NULL;
	size_t i;
	assert_int_equal(dt_store_account_list(f->s, &all, &f->err), DT_OK);
	json_array_foreach(all, i, a) if (!strcmp(fx_str(a, "login"), login)) found =
		json_incref(a);
	json_decref(all);
	return found;
}

/* An organisation of @kind with a known credit code in @uscc. */
static int64_t org_with_uscc(struct fx *f, const char *kind, char uscc[DT_USCC_LEN + 1])
{
	fx_uscc(uscc, 210102, ++f->serial);
	return fx_create(f, "organization",
			 json_pack("{s:s, s:s, s:s, s:s}", "kind", kind, "uscc", uscc, "name",
				   kind[0] == 's' ? "沈阳职业技术学院" : "沈阳机床", "region",
				   "210102"));
}

static int login(struct fx *f, const char *l, const char *pw, struct dt_account *out)
{
	dt_strbuf_reset(&f->err);
	return dt_store_account_login(f->s, l, pw, out, &f->err);
}

/* Create a credential of @kind for @account, asserting success; the secret in @token. */
static int64_t cred(struct fx *f, int64_t account, const char *kind, int64_t seconds,
		    char token[DT_TOKEN_LEN])
{
	int64_t id = 0;
	char csrf[DT_TOKEN_LEN] = "";
	dt_strbuf_reset(&f->err);
	int rc = dt_store_credential_create(f->s, &f->actor, account, kind, seconds, token, csrf,
					    &id, &f->err);
	if (rc != DT_OK)
		fail_msg("credential_create %s: %s (%d)", kind, f->err.buf, rc);
	assert_true(id > 0);
	assert_int_equal(strlen(token), DT_TOKEN_LEN - 1);
	return id;
}

static int check(struct fx *f, const char *token, struct dt_credential *out)
{
	struct dt_credential local;
	dt_strbuf_reset(&f->err);
	return dt_store_credential_check(f->s, token, out ? out : &local, &f->err);
}

static int64_t audit_actions(struct fx *f, const char *action)
{
	char sql[160];
	/* the action whole (an action "<entity>.<verb>" is stored as the verb) */
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM audit WHERE CASE WHEN action LIKE '%%.%%' THEN action "
		 "ELSE entity || '.' || action END = '%s'",
		 action);
	return fx_sql_int(f, sql);
}

/* True if any column of any audit event contains @needle. */
static bool audit_contains(struct fx *f, const char *needle)
{
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = NULL;
	bool hit = false;
	st = fx_prepare(db, "SELECT * FROM audit");
	while (!hit && dt_db_step(st) == DT_DB_ROW) {
		for (int c = 0; c < dt_db_column_count(st); c++) {
			const char *t = dt_db_column_text(st, c);
			if (t && strstr(t, needle)) {
				hit = true;
				break;
			}
		}
	}
	dt_db_finalize(st);
	dt_db_close(db);
	/* and in the payloads packed (format 5), unpacked */
	return hit || fx_audit_grep(f, "1 = 1", needle) > 0;
}

/* ---- accounts ---- */

static void test_add_every_role(void **state)
{
	struct fx *f = *state;
	char school_uscc[DT_USCC_LEN + 1], ent_uscc[DT_USCC_LEN + 1], natid[DT_NATID_LEN + 1];
	char scope[48];
	int64_t school = org_with_uscc(f, "school", school_uscc);
	int64_t ent = org_with_uscc(f, "enterprise", ent_uscc);
	int64_t trainee = fx_trainee(f, "210102", natid);
	int64_t trainee2 = fx_trainee(f, "210102", NULL);

	add_ok(f, "root", "admin", NULL);
	add_ok(f, "root2", "admin", "");
	add_ok(f, "nation", "national", NULL);
	add_ok(f, "nation.ln", "national", "210000");
	add_ok(f, "liaoning", "province", "210000");
	add_ok(f, "shenyang", "city", "210100");
	add_ok(f, "inspector-heping", "inspector", "210102");
	add_ok(f, "school@uscc", "school", school_uscc);
	snprintf(scope, sizeof(scope), "org:%lld", (long long)school);
	add_ok(f, "school_id", "school", scope);
	add_ok(f, "ent@uscc", "enterprise", ent_uscc);
	snprintf(scope, sizeof(scope), "org:%lld", (long long)ent);
	add_ok(f, "ent_id", "enterprise", scope);
	add_ok(f, "trainee.natid", "trainee", natid);
	snprintf(scope, sizeof(scope), "trainee:%lld", (long long)trainee2);
	add_ok(f, "trainee.id", "trainee", scope);

	/* The scope is stored resolved, and the list carries no hash. */
	static const struct {
		const char *login, *role, *key;
	} want[] = {
		{ "root", "admin", NULL },
		{ "nation", "national", NULL },
		{ "nation.ln", "national", "scope_region" },
		{ "liaoning", "province", "scope_region" },
		{ "shenyang", "city", "scope_region" },
		{ "school@uscc", "school", "scope_org" },
		{ "ent_id", "enterprise", "scope_org" },
		{ "trainee.natid", "trainee", "scope_trainee" },
		{ "trainee.id", "trainee", "scope_trainee" },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(want); i++) {
		json_t *a = listed(f, want[i].login);
		assert_non_null(a);
		assert_string_equal(fx_str(a, "role"), want[i].role);
		assert_false(json_is_true(json_object_get(a, "disabled")));
		assert_null(json_object_get(a, "password_hash"));
		static const char *const keys[] = { "scope_region", "scope_org", "scope_trainee" };
		for (size_t k = 0; k < DT_ARRAY_SIZE(keys); k++) {
			json_t *v = json_object_get(a, keys[k]);
			if (want[i].key && !strcmp(keys[k], want[i].key))
				assert_true(json_is_integer(v));
			else
				assert_true(json_is_null(v));
		}
		json_decref(a);
	}
	json_t *a = listed(f, "shenyang");
	assert_int_equal(fx_int(a, "scope_region"), 210100);
	json_decref(a);
	a = listed(f, "school@uscc");
	assert_int_equal(fx_int(a, "scope_org"), school);
	json_decref(a);
	a = listed(f, "ent@uscc");
	assert_int_equal(fx_int(a, "scope_org"), ent);
	json_decref(a);
	a = listed(f, "trainee.natid");
	assert_int_equal(fx_int(a, "scope_trainee"), trainee);
	json_decref(a);

	/* The sign-in result carries the same scope. */
	struct dt_account acc;
	assert_int_equal(login(f, "school_id", PW, &acc), DT_OK);
	assert_string_equal(acc.role, "school");
	assert_int_equal(acc.scope.org_id, school);
	assert_int_equal(acc.scope.region, 0);
	assert_int_equal(acc.scope.trainee_id, 0);
	assert_int_equal(fx_rows(f, "account"), 13);
}

static void test_add_refuses_wrong_scopes(void **state)
{
	struct fx *f = *state;
	char school_uscc[DT_USCC_LEN + 1], ent_uscc[DT_USCC_LEN + 1], natid[DT_NATID_LEN + 1];
	char scope[48], other[DT_USCC_LEN + 1], unknown_natid[DT_NATID_LEN + 1];
	int64_t school = org_with_uscc(f, "school", school_uscc);
	int64_t ent = org_with_uscc(f, "enterprise", ent_uscc);
	fx_trainee(f, "210102", natid);
	int64_t before = fx_audit_count(f);

	/* admin has no scope */
	add_invalid(f, "a1", "admin", "210000", PW, "scope:");
	/* province: a province code, present in the table */
	add_invalid(f, "p1", "province", NULL, PW, "scope:");
	add_invalid(f, "p2", "province", "210100", PW, "scope:");
	add_invalid(f, "p3", "province", "21000", PW, "");
	add_invalid(f, "p4", "province", "liaoning", PW, "");
	/* city: a city (prefecture) code */
	add_invalid(f, "c1", "city", NULL, PW, "scope:");
	add_invalid(f, "c2", "city", "210000", PW, "scope:");
	add_invalid(f, "c3", "city", "210102", PW, "scope:");
	add_invalid(f, "c4", "city", "219900", PW, "");
	/* inspector and national with a scope: a known region */
	add_invalid(f, "i1", "inspector", NULL, PW, "scope:");
	add_invalid(f, "i2", "inspector", "999999", PW, "");
	add_invalid(f, "n1", "national", "abc", PW, "");
	/* school: an organisation that is a school */
	add_invalid(f, "s1", "school", NULL, PW, "scope:");
	add_invalid(f, "s2", "school", ent_uscc, PW, "scope:");
	snprintf(scope, sizeof(scope), "org:%lld", (long long)ent);
	add_invalid(f, "s3", "school", scope, PW, "scope:");
	add_invalid(f, "s4", "school", "org:99999", PW, "scope:");
	add_invalid(f, "s5", "school", "org:x", PW, "scope");
	fx_uscc(other, 210102, 999); /* valid, but no such organisation */
	add_invalid(f, "s6", "school", other, PW, "scope:");
	add_invalid(f, "s7", "school", "210100", PW, "scope:");
	/* enterprise: an organisation that is an enterprise */
	add_invalid(f, "e1", "enterprise", NULL, PW, "scope:");
	add_invalid(f, "e2", "enterprise", school_uscc, PW, "scope:");
	snprintf(scope, sizeof(scope), "org:%lld", (long long)school);
	add_invalid(f, "e3", "enterprise", scope, PW, "scope:");
	/* trainee: a registered trainee */
	add_invalid(f, "t1", "trainee", NULL, PW, "scope:");
	fx_natid(unknown_natid, "210102", "20050315", 777);
	add_invalid(f, "t2", "trainee", unknown_natid, PW, "scope:");
	add_invalid(f, "t3", "trainee", "trainee:99999", PW, "scope:");
	add_invalid(f, "t4", "trainee", ent_uscc, PW, "scope:");
	/* an unknown role */
	add_invalid(f, "r1", "root", NULL, PW, "role:");
	add_invalid(f, "r2", "Admin", NULL, PW, "role:");
	add_invalid(f, "r3", NULL, NULL, PW, "role:");

	assert_int_equal(fx_rows(f, "account"), 0);
	assert_int_equal(fx_audit_count(f), before);
}

static void test_duplicate_login(void **state)
{
	struct fx *f = *state;
	add_ok(f, "alice", "admin", NULL);
	int64_t before = fx_audit_count(f);
	assert_int_equal(add(f, "alice", "city", "210100", "another password"), DT_ECONFLICT);
	assert_non_null(strstr(f->err.buf, "login"));
	assert_int_equal(fx_rows(f, "account"), 1);
	assert_int_equal(fx_audit_count(f), before);
	/* the first account is untouched: its password still signs in */
	struct dt_account acc;
	assert_int_equal(login(f, "alice", PW, &acc), DT_OK);
	assert_string_equal(acc.role, "admin");
}

static void test_bad_logins_and_passwords(void **state)
{
	struct fx *f = *state;
	char longest[65], too_long[66], long_pw[1026];
	memset(longest, 'a', 64);
	longest[64] = '\0';
	memset(too_long, 'a', 65);
	too_long[65] = '\0';

	static const char *const bad[] = { "",       "a",      "Alice", "al ice", "al\tice",
					   "alice!", "ali/ce", "张三",  "al'ice", "alice\n" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(bad); i++)
		add_invalid(f, bad[i], "admin", NULL, PW, "login:");
	add_invalid(f, NULL, "admin", NULL, PW, "login:");
	add_invalid(f, too_long, "admin", NULL, PW, "login:");
	add_ok(f, longest, "admin", NULL);
	add_ok(f, "a.b-c_d@e9", "admin", NULL);

	add_invalid(f, "shortpw", "admin", NULL, "1234567", "password:");
	add_invalid(f, "emptypw", "admin", NULL, "", "password:");
	add_invalid(f, "nullpw", "admin", NULL, NULL, "password:");
	memset(long_pw, 'x', 1025);
	long_pw[1025] = '\0';
	add_invalid(f, "longpw", "admin", NULL, long_pw, "password:");
	/* what a guesser tries first is refused, saying why in Chinese and English */
	static const char *const weak[] = { "12345678", "password", "password1", "qwertyuiop",
					    "iloveyou", "abc12345", "pwpwpwpw" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(weak); i++) {
		add_invalid(f, "weakpw", "admin", NULL, weak[i], "password:");
		assert_non_null(strstr(f->err.buf, "密码"));
		assert_non_null(strstr(f->err.buf, "dictionary"));
	}
	add_invalid(f, "samepassword", "admin", NULL, "samepassword", "password:");
	assert_non_null(strstr(f->err.buf, "登录名"));
	add_invalid(f, "samepassword", "admin", NULL, "DROWSSAPEMAS", "password:");
	assert_non_null(strstr(f->err.buf, "登录名"));
	add_invalid(f, "shortpw", "admin", NULL, "Vx2m#q", "password:");
	assert_non_null(strstr(f->err.buf, "密码太短"));
	assert_int_equal(add(f, "eightpw", "admin", NULL, "tq7-Vx2m"), DT_OK);
	assert_int_equal(add(f, "demopw", "admin", NULL, "dualtrack-demo"), DT_OK);
	uint64_t x = 12345; /* the longest: 1024 bytes of an LCG's letters */
	for (size_t i = 0; i < 1024; i++) {
		x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
		long_pw[i] =
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"[x >> 58];
	}
	long_pw[1024] = '\0';
	assert_int_equal(add(f, "maxpw", "admin", NULL, long_pw), DT_OK);
	assert_int_equal(fx_rows(f, "account"), 5);

	/* passwd applies the same rule */
	dt_strbuf_reset(&f->err);
	assert_int_equal(dt_store_account_passwd(f->s, &f->actor, "eightpw", "short", &f->err),
			 DT_EINVAL);
	assert_non_null(strstr(f->err.buf, "password"));
	assert_int_equal(dt_store_account_passwd(f->s, &f->actor, "eightpw", "12345678", &f->err),
			 DT_EINVAL);
	assert_non_null(strstr(f->err.buf, "密码太常见"));
	assert_int_equal(dt_store_account_passwd(f->s, &f->actor, "eightpw", "eightpw", &f->err),
			 DT_EINVAL);
	assert_int_equal(dt_store_account_passwd(f->s, &f->actor, "nobody", "long enough", &f->err),
			 DT_ENOTFOUND);
	assert_int_equal(dt_store_account_disable(f->s, &f->actor, "nobody", true, &f->err),
			 DT_ENOTFOUND);
}

/* ---- signing in ---- */

static void test_login(void **state)
{
	struct fx *f = *state;
	struct dt_account acc;
	int64_t id = add_ok(f, "shenyang", "city", "210100");

	assert_int_equal(login(f, "shenyang", PW, &acc), DT_OK);
	assert_int_equal(acc.id, id);
	assert_string_equal(acc.login, "shenyang");
	assert_string_equal(acc.role, "city");
	assert_int_equal(acc.scope.region, 210100);
	assert_false(acc.disabled);

	assert_int_equal(login(f, "shenyang", "wrong password", &acc), DT_EDENIED);
	assert_int_equal(login(f, "shenyang", PW " ", &acc), DT_EDENIED);
	assert_int_equal(login(f, "shenyang", "", &acc), DT_EDENIED);
	assert_int_equal(login(f, "nobody", PW, &acc), DT_EDENIED);
	/* an unknown login and a wrong password read the same */
	struct dt_strbuf unknown = DT_STRBUF_INIT;
	login(f, "nobody", PW, &acc);
	dt_strbuf_adds(&unknown, f->err.buf);
	login(f, "shenyang", "wrong password", &acc);
	assert_string_equal(unknown.buf, f->err.buf);
	dt_strbuf_release(&unknown);

	assert_int_equal(dt_store_account_disable(f->s, &f->actor, "shenyang", true, &f->err),
			 DT_OK);
	assert_int_equal(login(f, "shenyang", PW, &acc), DT_EDENIED);
	json_t *a = listed(f, "shenyang");
	assert_true(json_is_true(json_object_get(a, "disabled")));
	json_decref(a);
	assert_int_equal(dt_store_account_disable(f->s, &f->actor, "shenyang", false, &f->err),
			 DT_OK);
	assert_int_equal(login(f, "shenyang", PW, &acc), DT_OK);
}

/* ---- credentials ---- */

static void test_credential_create_and_check(void **state)
{
	struct fx *f = *state;
	char token[DT_TOKEN_LEN], session[DT_TOKEN_LEN], hash[DT_TOKEN_HASH_HEX];
	struct dt_credential c;
	int64_t acct = add_ok(f, "school", "admin", NULL);

	int64_t tid = cred(f, acct, "token", 90 * 86400, token);
	int64_t sid = cred(f, acct, "session", 3600, session);
	assert_string_not_equal(token, session);

	assert_int_equal(check(f, token, &c), DT_OK);
	assert_int_equal(c.id, tid);
	assert_string_equal(c.kind, "token");
	assert_string_equal(c.csrf, "");
	assert_int_equal(c.account.id, acct);
	assert_string_equal(c.account.login, "school");
	assert_string_equal(c.account.role, "admin");
	assert_int_equal(strlen(c.expires_at), 24);

	assert_int_equal(check(f, session, &c), DT_OK);
	assert_int_equal(c.id, sid);
	assert_string_equal(c.kind, "session");
	assert_int_equal(strlen(c.csrf), DT_TOKEN_LEN - 1);

	/* only the hash is stored */
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM credential WHERE token_hash = '%s'",
		 token);
	assert_int_equal(fx_sql_int(f, sql), 0);
	dt_token_hash(token, hash);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM credential WHERE token_hash = '%s'", hash);
	assert_int_equal(fx_sql_int(f, sql), 1);

	/* unknown, altered or empty secrets */
	assert_int_equal(check(f, "no-such-token", NULL), DT_EDENIED);
	assert_int_equal(check(f, "", NULL), DT_EDENIED);
	char altered[DT_TOKEN_LEN];
	memcpy(altered, token, DT_TOKEN_LEN);
	altered[0] = altered[0] == 'A' ? 'B' : 'A';
	assert_int_equal(check(f, altered, NULL), DT_EDENIED);

	/* bad arguments */
	int64_t id = 0;
	dt_strbuf_reset(&f->err);
	assert_int_equal(dt_store_credential_create(f->s, &f->actor, acct, "cookie", 60, token,
						    NULL, &id, &f->err),
			 DT_EINVAL);
	assert_int_equal(dt_store_credential_create(f->s, &f->actor, acct, "token", 0, token, NULL,
						    &id, &f->err),
			 DT_EINVAL);
	assert_int_equal(dt_store_credential_create(f->s, &f->actor, acct, "token",
						    (int64_t)3651 * 86400, token, NULL, &id,
						    &f->err),
			 DT_EINVAL);
	assert_int_equal(fx_rows(f, "credential"), 2);
}

static void test_revoked_credential(void **state)
{
	struct fx *f = *state;
	char token[DT_TOKEN_LEN], other[DT_TOKEN_LEN];
	int64_t acct = add_ok(f, "ent", "admin", NULL);
	int64_t id = cred(f, acct, "token", 86400, token);
	cred(f, acct, "token", 86400, other);

	dt_strbuf_reset(&f->err);
	assert_int_equal(dt_store_credential_revoke(f->s, &f->actor, id, &f->err), DT_OK);
	assert_int_equal(check(f, token, NULL), DT_EDENIED);
	assert_non_null(strstr(f->err.buf, "revoked"));
	assert_int_equal(check(f, other, NULL), DT_OK);
	/* a second revocation, or an unknown id, finds nothing live */
	assert_int_equal(dt_store_credential_revoke(f->s, &f->actor, id, &f->err), DT_ENOTFOUND);
	assert_int_equal(dt_store_credential_revoke(f->s, &f->actor, 9999, &f->err), DT_ENOTFOUND);
	assert_int_equal(audit_actions(f, "credential.revoke"), 1);
}

static void test_disable_revokes_credentials(void **state)
{
	struct fx *f = *state;
	char token[DT_TOKEN_LEN], session[DT_TOKEN_LEN], bystander[DT_TOKEN_LEN];
	int64_t acct = add_ok(f, "trainee1", "admin", NULL);
	int64_t other = add_ok(f, "trainee2", "admin", NULL);
	cred(f, acct, "token", 86400, token);
	cred(f, acct, "session", 3600, session);
	cred(f, other, "token", 86400, bystander);

	assert_int_equal(dt_store_account_disable(f->s, &f->actor, "trainee1", true, &f->err),
			 DT_OK);
	assert_int_equal(check(f, token, NULL), DT_EDENIED);
	assert_int_equal(check(f, session, NULL), DT_EDENIED);
	assert_int_equal(check(f, bystander, NULL), DT_OK);
	assert_int_equal(
		fx_sql_int(f, "SELECT count(*) FROM credential WHERE revoked_at IS NOT NULL"), 2);
	/* enabling the account again does not bring its credentials back */
	assert_int_equal(dt_store_account_disable(f->s, &f->actor, "trainee1", false, &f->err),
			 DT_OK);
	assert_int_equal(check(f, token, NULL), DT_EDENIED);
	assert_int_equal(check(f, session, NULL), DT_EDENIED);
	/* new ones work */
	char fresh[DT_TOKEN_LEN];
	cred(f, acct, "token", 86400, fresh);
	assert_int_equal(check(f, fresh, NULL), DT_OK);
}

static void test_passwd_revokes_sessions_not_tokens(void **state)
{
	struct fx *f = *state;
	char token[DT_TOKEN_LEN], session[DT_TOKEN_LEN];
	struct dt_account acc;
	int64_t acct = add_ok(f, "mentor", "admin", NULL);
	cred(f, acct, "token", 86400, token);
	cred(f, acct, "session", 3600, session);

	dt_strbuf_reset(&f->err);
	assert_int_equal(
		dt_store_account_passwd(f->s, &f->actor, "mentor", "a new password", &f->err),
		DT_OK);
	assert_int_equal(check(f, session, NULL), DT_EDENIED);
	assert_int_equal(check(f, token, NULL), DT_OK);
	assert_int_equal(login(f, "mentor", PW, &acc), DT_EDENIED);
	assert_int_equal(login(f, "mentor", "a new password", &acc), DT_OK);
}

static void test_expired_credential(void **state)
{
	struct fx *f = *state;
	char token[DT_TOKEN_LEN], later[DT_TOKEN_LEN], session[DT_TOKEN_LEN];
	int64_t acct = add_ok(f, "inspector", "admin", NULL);

	/* by the clock: one second, then wait it out */
	cred(f, acct, "token", 1, token);
	sleep(2);
	assert_int_equal(check(f, token, NULL), DT_EDENIED);
	assert_non_null(strstr(f->err.buf, "expired"));

	/* by editing the expiry in the file */
	int64_t id = cred(f, acct, "token", 86400, later);
	int64_t sid = cred(f, acct, "session", 3600, session);
	assert_int_equal(check(f, later, NULL), DT_OK);
	char sql[160];
	snprintf(
		sql, sizeof(sql),
		"UPDATE credential SET expires_at = '2020-01-01T00:00:00.000Z' WHERE id IN (%lld, %lld)",
		(long long)id, (long long)sid);
	fx_sql_exec(f, sql);
	assert_int_equal(check(f, later, NULL), DT_EDENIED);
	assert_int_equal(check(f, session, NULL), DT_EDENIED);
}

/* ---- the audit log ---- */

static void test_audit_records_without_secrets(void **state)
{
	struct fx *f = *state;
	char token[DT_TOKEN_LEN], session[DT_TOKEN_LEN], hash[DT_TOKEN_HASH_HEX];
	const char *pw2 = "second secret password";
	int64_t acct = add_ok(f, "auditee", "city", "210100");
	int64_t tid = cred(f, acct, "token", 86400, token);
	cred(f, acct, "session", 3600, session);
	assert_int_equal(dt_store_account_passwd(f->s, &f->actor, "auditee", pw2, &f->err), DT_OK);
	assert_int_equal(dt_store_credential_revoke(f->s, &f->actor, tid, &f->err), DT_OK);
	assert_int_equal(dt_store_account_disable(f->s, &f->actor, "auditee", true, &f->err),
			 DT_OK);
	assert_int_equal(dt_store_account_disable(f->s, &f->actor, "auditee", false, &f->err),
			 DT_OK);

	static const char *const actions[] = { "account.create",    "token.create",
					       "session.create",    "account.passwd",
					       "credential.revoke", "account.disable",
					       "account.enable" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(actions); i++)
		if (audit_actions(f, actions[i]) != 1)
			fail_msg("audit: %lld events %s, expected 1",
				 (long long)audit_actions(f, actions[i]), actions[i]);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM audit WHERE action NOT LIKE '%.%' "
				       "AND actor = 'test:unit' AND entity = 'account'"),
			 4);
	/* the creation records the account with its resolved scope */
	assert_int_equal(fx_audit_grep(f,
				       "entity = 'account' "
				       "AND action = 'create'",
				       "210100"),
			 1);

	/* the hashes are argon2id, and none of the secrets is anywhere in the log */
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM account WHERE password_hash LIKE "
				       "'$argon2id$%'"),
			 1);
	dt_token_hash(token, hash);
	assert_false(audit_contains(f, PW));
	assert_false(audit_contains(f, pw2));
	assert_false(audit_contains(f, "$argon2"));
	assert_false(audit_contains(f, "password_hash"));
	assert_false(audit_contains(f, token));
	assert_false(audit_contains(f, session));
	assert_false(audit_contains(f, hash));

	int64_t n = 0;
	assert_int_equal(dt_store_audit_verify(f->s, &n, &f->err), DT_OK);
	assert_int_equal(n, fx_audit_count(f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_every_role, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_add_refuses_wrong_scopes, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_login, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_logins_and_passwords, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_login, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_credential_create_and_check, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_revoked_credential, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_disable_revokes_credentials, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_passwd_revokes_sessions_not_tokens, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_expired_credential, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_audit_records_without_secrets, fx_setup,
						fx_teardown),
	};
	return cmocka_run_group_tests_name("account", tests, NULL, NULL);
}
