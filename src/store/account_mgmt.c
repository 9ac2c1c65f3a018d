/*
 * account_mgmt.c - account management delegated down the tree: list, get,
 * create, change, reset and bulk-create accounts within what the caller may
 * manage (domain/delegation.h), one-time activation codes, and one's own
 * password and sessions.
 *
 * Each account is resolved into a struct dt_delegate (its region: its scope
 * region, its organisation's, or its trainee's; its organisation: its
 * scope, or for a trainee the school that registered it or else the school
 * of its latest contract) and the rule decides; an account outside answers
 * as a missing one.  Activation codes are 60 random bits in 12 letters and
 * digits without look-alikes, kept only as a BLAKE2b hash (they are random,
 * so a slow hash adds nothing, and a school's bulk of hundreds stays fast);
 * an account made or reset here has no usable password until its owner
 * activates it with the code.  Every write is audited; codes and hashes
 * never reach the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/date.h"
#include "core/log.h"
#include "core/num.h"
#include "core/password.h"
#include "core/secret.h"
#include "domain/delegation.h"
#include "domain/field.h"
#include "domain/region.h"
#include "store/account_internal.h"
#include "store/store_internal.h"
#include "core/banned.h"

#define ACTIVATION_DAYS 30
#define NO_PASSWORD "!" /* no argon2id hash: verifies nothing */
#define BULK_MAX 5000

/* The account, its resolved region and organisation, and its profile. */
#define PARTY_SELECT                                                                           \
	"SELECT a.id, a.login, a.role, a.scope_region, a.scope_org, a.scope_trainee, "         \
	"a.disabled, COALESCE(p.must_change_password, 0), COALESCE(p.org_admin, 0), "          \
	"COALESCE(a.scope_region, (SELECT o.region FROM organization o WHERE o.id = "          \
	"a.scope_org), (SELECT t.region FROM trainee t WHERE t.id = a.scope_trainee)), "       \
	"COALESCE(a.scope_org, (SELECT o.id FROM trainee t JOIN organization o ON o.id = "     \
	"t.registered_by AND o.kind = 'school' WHERE t.id = a.scope_trainee), (SELECT "        \
	"k.school_id FROM contract k WHERE k.trainee_id = a.scope_trainee ORDER BY k.id DESC " \
	"LIMIT 1)), p.display_name, p.email, p.phone, a.created_at, a.updated_at "             \
	"FROM account a LEFT JOIN account_profile p ON p.account_id = a.id"

struct row {
	struct dt_account acc;
	int region;
	int64_t org;
	struct dt_delegate party;
};

static void row_read(struct dt_db_stmt *st, struct row *r)
{
	dt_store_account_from_row(st, &r->acc);
	r->region = dt_db_column_int(st, 9);
	r->org = dt_db_column_int64(st, 10);
	r->party = (struct dt_delegate){
		r->acc.id, r->acc.role, r->region, r->org, r->acc.scope.trainee_id, r->acc.org_admin
	};
}

static json_t *text_or_null(const char *t)
{
	return t ? json_string(t) : json_null();
}

static json_t *row_json(struct dt_db_stmt *st, const struct row *r)
{
	json_t *scope = json_object();
	if (r->acc.scope.region) {
		char code[16];
		snprintf(code, sizeof(code), "%06d", r->acc.scope.region);
		json_object_set_new(scope, "region", json_string(code));
	}
	if (r->acc.scope.org_id)
		json_object_set_new(scope, "organization_id", json_integer(r->acc.scope.org_id));
	if (r->acc.scope.trainee_id)
		json_object_set_new(scope, "trainee_id", json_integer(r->acc.scope.trainee_id));
	json_t *o = json_pack("{s:I, s:s, s:s, s:b, s:b, s:b, s:o}", "id", (json_int_t)r->acc.id,
			      "login", r->acc.login, "role", r->acc.role, "disabled",
			      r->acc.disabled, "must_change_password", r->acc.must_change,
			      "org_admin", r->acc.org_admin, "scope", scope);
	json_object_set_new(o, "display_name", text_or_null(dt_db_column_text(st, 11)));
	json_object_set_new(o, "email", text_or_null(dt_db_column_text(st, 12)));
	json_object_set_new(o, "phone", text_or_null(dt_db_column_text(st, 13)));
	json_object_set_new(o, "created_at", text_or_null(dt_db_column_text(st, 14)));
	json_object_set_new(o, "updated_at", text_or_null(dt_db_column_text(st, 15)));
	return o;
}

/* The manager as the rule sees it (its own row resolved). */
static enum dt_err manager_party(struct dt_store *s, const struct dt_account *mgr, struct row *out,
				 struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, PARTY_SELECT " WHERE a.id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, mgr->id);
	int r = dt_db_step(st), rc = DT_OK;
	if (r == DT_DB_ROW)
		row_read(st, out);
	else if (r == DT_DB_DONE)
		rc = dt_error(err, DT_EDENIED, "account %lld is gone", (long long)mgr->id);
	else
		rc = dt_sql_error(s, "account", err);
	dt_db_reset(st);
	/* the role as the caller's credential says, with the row's resolution */
	out->party.role = mgr->role;
	return rc;
}

/* Account @id and its JSON when @mgr may manage it; DT_ENOTFOUND otherwise. */
static enum dt_err load_managed(struct dt_store *s, const struct row *mgr, int64_t id,
				struct row *out, json_t **json, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, PARTY_SELECT " WHERE a.id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st), rc = DT_OK;
	if (r == DT_DB_ROW) {
		row_read(st, out);
		if (!dt_delegation_may_manage(&mgr->party, &out->party))
			rc = dt_error(err, DT_ENOTFOUND, "no account %lld", (long long)id);
		else if (json)
			*json = row_json(st, out);
	} else if (r == DT_DB_DONE) {
		rc = dt_error(err, DT_ENOTFOUND, "no account %lld", (long long)id);
	} else {
		rc = dt_sql_error(s, "account", err);
	}
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_store_accounts_list(struct dt_store *s, const struct dt_account *mgr,
				   const struct dt_query *q, json_t **items, char **next,
				   struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	json_t *binds = json_array();
	struct row m;
	*items = NULL;
	*next = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = manager_party(s, mgr, &m, err);
	if (rc != DT_OK)
		goto out;
	if (!dt_delegation_delegates(&m.party)) {
		rc = dt_store_problem(s, err, NULL, "account.not_delegated", NULL);
		goto out;
	}
	int limit = q && q->limit ? q->limit : 50;
	if (limit < 1 || limit > 1000) {
		rc = dt_store_problem(s, err, "limit", "number.range", "value", DT_I(limit), "min",
				      "1", "max", "1000", NULL);
		goto out;
	}
	dt_strbuf_adds(&sql, PARTY_SELECT " WHERE 1 = 1");
	for (size_t i = 0; q && i < q->nfilters; i++) {
		const char *name = q->filters[2 * i], *val = q->filters[2 * i + 1];
		if (!strcmp(name, "role")) {
			dt_strbuf_adds(&sql, " AND a.role = ?");
			json_array_append_new(binds, json_string(val));
		} else if (!strcmp(name, "disabled") &&
			   (!strcmp(val, "true") || !strcmp(val, "false"))) {
			dt_strbuf_adds(&sql, " AND a.disabled = ?");
			json_array_append_new(binds, json_integer(!strcmp(val, "true")));
		} else {
			rc = dt_store_problem(s, err, name, "filter.accounts", "values",
					      "role|disabled|q", NULL);
			goto out;
		}
	}
	if (q && q->q && *q->q) {
		/* a substring of the login or the display name, LIKE's wildcards escaped */
		struct dt_strbuf pat = DT_STRBUF_INIT;
		dt_strbuf_addch(&pat, '%');
		for (const char *p = q->q; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				dt_strbuf_addch(&pat, '\\');
			dt_strbuf_addch(&pat, *p);
		}
		dt_strbuf_addch(&pat, '%');
		dt_strbuf_adds(&sql, " AND (a.login LIKE ? ESCAPE '\\' OR p.display_name LIKE ? "
				     "ESCAPE '\\')");
		json_array_append_new(binds, json_string(pat.buf));
		json_array_append_new(binds, json_string(pat.buf));
		dt_strbuf_release(&pat);
	}
	if (q && q->cursor && *q->cursor) {
		int64_t after;
		if (dt_parse_int64(q->cursor, 0, INT64_MAX, &after, "cursor", NULL) != DT_OK) {
			rc = dt_store_problem(s, err, "cursor", "list.cursor", NULL);
			goto out;
		}
		dt_strbuf_adds(&sql, " AND a.id > ?");
		json_array_append_new(binds, json_integer(after));
	}
	dt_strbuf_adds(&sql, " ORDER BY a.id");
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	size_t i;
	json_t *v;
	json_array_foreach(binds, i, v) dt_sql_bind_json(st, (int)i + 1, v);
	json_t *arr = json_array();
	int n = 0, r;
	int64_t last = 0;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		struct row t;
		row_read(st, &t);
		if (!dt_delegation_may_manage(&m.party, &t.party))
			continue;
		if (n == limit) {
			char buf[24];
			snprintf(buf, sizeof(buf), "%lld", (long long)last);
			*next = strdup(buf);
			break;
		}
		json_array_append_new(arr, row_json(st, &t));
		last = t.acc.id;
		n++;
	}
	if (r != DT_DB_ROW && r != DT_DB_DONE)
		rc = dt_sql_error(s, "account", err);
	dt_db_reset(st);
	if (rc == DT_OK)
		*items = arr;
	else
		json_decref(arr);
out:
	dt_strbuf_release(&sql);
	json_decref(binds);
	return rc;
}

enum dt_err dt_store_accounts_get(struct dt_store *s, const struct dt_account *mgr, int64_t id,
				  json_t **out, struct dt_strbuf *err)
{
	struct row m, t;
	*out = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = manager_party(s, mgr, &m, err);
	if (rc == DT_OK)
		rc = load_managed(s, &m, id, &t, out, err);
	return rc;
}

/* ---- activation codes ---- */

static const char code_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"; /* no I L O 0 1 */

static void code_new(char code[DT_ACTIVATION_LEN])
{
	size_t k = 0;
	for (int i = 0; i < 12; i++) {
		if (i && i % 4 == 0)
			code[k++] = '-';
		code[k++] = code_alphabet[randombytes_uniform(sizeof(code_alphabet) - 1)];
	}
	code[k] = '\0';
}

/* @in without separators, upper-cased, into @out (13 bytes); false if it is no code. */
static bool code_normalise(const char *in, char out[13])
{
	size_t k = 0;
	for (const char *p = in; *p; p++) {
		char ch = *p;
		if (ch == '-' || ch == ' ')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (k == 12 || !strchr(code_alphabet, ch) || ch == '\0')
			return false;
		out[k++] = ch;
	}
	out[k] = '\0';
	return k == 12;
}

static void code_hash(const char *code, char hex[DT_TOKEN_HASH_HEX])
{
	char norm[13];
	if (!code_normalise(code, norm))
		norm[0] = '\0';
	dt_token_hash(norm, hex);
	sodium_memzero(norm, sizeof(norm));
}

static void time_after_days(int days, char out[DT_TIME_STRLEN])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, DT_TIME_STRLEN, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

enum dt_err dt_store_account_code_check(struct dt_store *s, const char *login, const char *code,
					struct dt_account *out, struct dt_strbuf *err)
{
	char hex[DT_TOKEN_HASH_HEX], now[DT_TIME_STRLEN], norm[13];
	bool well_formed = code && code_normalise(code, norm);
	sodium_memzero(norm, sizeof(norm));
	code_hash(code ? code : "", hex);
	dt_time_now(now);
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT a.id, a.login, a.role, a.scope_region, a.scope_org, a.scope_trainee, "
		"a.disabled, COALESCE(p.must_change_password, 0), COALESCE(p.org_admin, 0), "
		"p.activation_hash, p.activation_expires FROM account a JOIN account_profile p "
		"ON p.account_id = a.id WHERE a.login = ?",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, login, -1);
	int r = dt_db_step(st), rc = DT_EDENIED;
	if (r == DT_DB_ROW) {
		dt_store_account_from_row(st, out);
		const char *h = dt_db_column_text(st, 9), *exp = dt_db_column_text(st, 10);
		if (well_formed && h && exp && strlen(h) == strlen(hex) &&
		    sodium_memcmp(h, hex, strlen(hex)) == 0 && strcmp(exp, now) > 0 &&
		    !out->disabled)
			rc = DT_OK;
	} else if (r != DT_DB_DONE) {
		rc = dt_sql_error(s, "account", err);
	}
	dt_db_reset(st);
	if (rc == DT_EDENIED)
		dt_error(err, DT_EDENIED, "no live activation code for this login");
	return rc;
}

/* ---- writes ---- */

/* A password that core/password.h refuses, as a catalogue problem about @field. */
static enum dt_err password_problem(struct dt_store *s, const char *field, struct dt_strbuf *err)
{
	const char *m = err->buf;
	if (strstr(m, "at least"))
		return dt_store_problem(s, err, field, "password.too_short", "min",
					DT_I(DT_PASSWORD_MIN), NULL);
	if (strstr(m, "at most"))
		return dt_store_problem(s, err, field, "password.too_long", "max",
					DT_I(DT_PASSWORD_MAX), NULL);
	if (strstr(m, "login name"))
		return dt_store_problem(s, err, field, "password.login", NULL);
	if (strstr(m, "dictionary"))
		return dt_store_problem(s, err, field, "password.common", NULL);
	return dt_store_problem(s, err, field, "password.simple", NULL);
}

/* Make sure account @id has a profile row (accounts made before 012 may not). */
static enum dt_err profile_ensure(struct dt_store *s, int64_t id, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"INSERT INTO account_profile(account_id) SELECT ? WHERE NOT EXISTS (SELECT 1 FROM "
		"account_profile WHERE account_id = ?)",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	dt_db_bind_int64(st, 2, id);
	int rc = dt_db_step(st) == DT_DB_DONE ? DT_OK : dt_sql_error(s, "account_profile", err);
	dt_db_reset(st);
	return rc;
}

static enum dt_err touch(struct dt_store *s, int64_t id, struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "UPDATE account SET updated_at = ? WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, now, -1);
	dt_db_bind_int64(st, 2, id);
	int rc = dt_db_step(st) == DT_DB_DONE ? DT_OK : dt_sql_error(s, "account", err);
	dt_db_reset(st);
	return rc;
}

/* Set a new activation code on @id: no password, must change, sessions and tokens gone. */
static enum dt_err set_code(struct dt_store *s, int64_t id, char code[DT_ACTIVATION_LEN],
			    char expires[DT_TIME_STRLEN], struct dt_strbuf *err)
{
	char hex[DT_TOKEN_HASH_HEX];
	code_new(code);
	code_hash(code, hex);
	time_after_days(ACTIVATION_DAYS, expires);
	int rc = profile_ensure(s, id, err);
	struct dt_db_stmt *st = NULL;
	if (rc == DT_OK && !(st = dt_sql_prepare(s,
						 "UPDATE account_profile SET "
						 "must_change_password = 1, activation_hash = ?, "
						 "activation_expires = ? WHERE account_id = ?",
						 err)))
		rc = DT_EDB;
	if (rc == DT_OK) {
		dt_db_bind_text(st, 1, hex, -1);
		dt_db_bind_text(st, 2, expires, -1);
		dt_db_bind_int64(st, 3, id);
		if (dt_db_step(st) != DT_DB_DONE)
			rc = dt_sql_error(s, "account_profile", err);
		dt_db_reset(st);
	}
	if (rc == DT_OK && !(st = dt_sql_prepare(s,
						 "UPDATE account SET password_hash = ? "
						 "WHERE id = ?",
						 err)))
		rc = DT_EDB;
	if (rc == DT_OK) {
		dt_db_bind_text(st, 1, NO_PASSWORD, -1);
		dt_db_bind_int64(st, 2, id);
		if (dt_db_step(st) != DT_DB_DONE)
			rc = dt_sql_error(s, "account", err);
		dt_db_reset(st);
	}
	if (rc == DT_OK)
		rc = touch(s, id, err);
	if (rc == DT_OK)
		rc = dt_account_revoke(s, id, false, 0, err);
	return rc;
}

/* Optional text @name of @in, checked by @check (field.c) into @norm: false after a problem. */
static bool opt_text(struct dt_store *s, json_t *in, const char *name, size_t max,
		     enum dt_err (*check)(const char *, struct dt_strbuf *, struct dt_problems *,
					  const char *),
		     struct dt_strbuf *norm, bool *given, bool *null, struct dt_strbuf *err)
{
	json_t *v = json_object_get(in, name);
	*given = v != NULL;
	*null = v && json_is_null(v);
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v)) {
		dt_store_problem(s, err, name, "type.string", NULL);
		return false;
	}
	const char *t = json_string_value(v);
	size_t len = json_string_length(v);
	if (strlen(t) != len) {
		dt_store_problem(s, err, name, "text.nul", NULL);
		return false;
	}
	if (!len) {
		*null = true; /* "" clears as null does */
		return true;
	}
	if (len > max) {
		dt_store_problem(s, err, name, "text.too_long", "length", DT_I(len), "max",
				 DT_I(max), NULL);
		return false;
	}
	size_t n0 = s->problems.n;
	if (check) {
		if (check(t, norm, &s->problems, name) != DT_OK) {
			dt_store_problems_noted(s, n0, err);
			return false;
		}
	} else {
		dt_strbuf_adds(norm, t);
	}
	return true;
}

static bool known_key(const char *k, const char *const *keys)
{
	for (; *keys; keys++)
		if (!strcmp(*keys, k))
			return true;
	return false;
}

/* A field of @in that is not one of @keys: a problem, false. */
static bool only_keys(struct dt_store *s, json_t *in, const char *const *keys,
		      struct dt_strbuf *err)
{
	const char *k;
	json_t *v;
	bool ok = true;
	json_object_foreach(in, k, v) if (!known_key(k, keys))
	{
		dt_store_problem(s, err, k, "account.field_unknown", NULL);
		ok = false;
	}
	return ok;
}

static bool login_ok(const char *login)
{
	size_t n = strlen(login);
	if (n < 2 || n > 64)
		return false;
	for (const char *p = login; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '-' || *p == '_' || *p == '@'))
			return false;
	return true;
}

/*
 * Link the new account @id (@login, @role, of organisation @org) to mentor
 * @mentor_id of the register, inside the create's transaction: the mentor
 * must be of that organisation and of the account's kind (a company mentor
 * for an enterprise account, a school mentor for a school's).  A mentor
 * missing and one of another organisation are refused alike
 * (mentor.account_org on mentor_id), so that the refusal tells no ids.
 * Audited as `dualtrack mentor link` is ("account.mentor").
 */
static enum dt_err mentor_link(struct dt_store *s, const struct dt_actor *a, int64_t id,
			       const char *login, const char *role, int64_t org, int64_t mentor_id,
			       struct dt_strbuf *err)
{
	json_t *before = NULL, *after = NULL;
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT kind, organization_id FROM mentor WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, mentor_id);
	int r = dt_db_step(st);
	bool fits = false;
	if (r == DT_DB_ROW) {
		const char *kind = dt_db_column_text(st, 0);
		const char *want = kind && !strcmp(kind, "company") ? "enterprise" : "school";
		fits = org && dt_db_column_int64(st, 1) == org && !strcmp(role, want);
	}
	dt_db_reset(st);
	if (r != DT_DB_ROW && r != DT_DB_DONE)
		return dt_sql_error(s, "mentor", err);
	if (!fits)
		return dt_store_problem(s, err, "mentor_id", "mentor.account_org", "login", login,
					"id", DT_I(mentor_id), NULL);
	st = dt_sql_prepare(s, "UPDATE account SET mentor_id = ? WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, mentor_id);
	dt_db_bind_int64(st, 2, id);
	int rc = dt_db_step(st) == DT_DB_DONE ? DT_OK : dt_sql_error(s, "account", err);
	dt_db_reset(st);
	if (rc != DT_OK)
		return rc;
	before = json_pack("{s:n}", "mentor_id");
	after = json_pack("{s:I}", "mentor_id", (json_int_t)mentor_id);
	rc = dt_audit_append(s, a, "account.mentor", "account", id, before, after, err);
	json_decref(before);
	json_decref(after);
	return rc;
}

enum dt_err dt_store_accounts_create(struct dt_store *s, const struct dt_actor *a,
				     const struct dt_account *mgr, json_t *in, json_t **out,
				     char code[DT_ACTIVATION_LEN], struct dt_strbuf *err)
{
	static const char *const keys[] = { "login",        "role",      "scope",
					    "display_name", "email",     "phone",
					    "org_admin",    "mentor_id", NULL };
	struct dt_strbuf name = DT_STRBUF_INIT, email = DT_STRBUF_INIT, phone = DT_STRBUF_INIT;
	struct row m;
	bool g, nn, en, pn;
	int rc;
	*out = NULL;
	code[0] = '\0';
	dt_store_problems_begin(s, NULL);
	if ((rc = manager_party(s, mgr, &m, err)) != DT_OK)
		goto out;
	only_keys(s, in, keys, err);
	json_t *jl = json_object_get(in, "login"), *jr = json_object_get(in, "role");
	json_t *js = json_object_get(in, "scope"), *ja = json_object_get(in, "org_admin");
	const char *login = json_string_value(jl), *role = json_string_value(jr);
	if (!jl)
		dt_store_problem(s, err, "login", "field.required", NULL);
	else if (!login || strlen(login) != json_string_length(jl) || !login_ok(login))
		dt_store_problem(s, err, "login", "account.login_format", NULL);
	bool role_ok = dt_account_role_known(role);
	if (!jr)
		dt_store_problem(s, err, "role", "field.required", NULL);
	else if (!role_ok)
		dt_store_problem(s, err, "role", "enum.value", "value", role ? role : "", "values",
				 "admin|national|province|city|school|enterprise|trainee|inspector|"
				 "assessor",
				 NULL);
	if (js && !json_is_null(js) && !json_is_string(js))
		dt_store_problem(s, err, "scope", "type.string", NULL);
	if (ja && !json_is_boolean(ja))
		dt_store_problem(s, err, "org_admin", "type.boolean", NULL);
	json_t *jm = json_object_get(in, "mentor_id");
	int64_t mentor_id = json_is_integer(jm) ? json_integer_value(jm) : 0;
	if (jm && !json_is_null(jm) && mentor_id <= 0)
		dt_store_problem(s, err, "mentor_id", "type.integer", NULL);
	opt_text(s, in, "display_name", 100, NULL, &name, &g, &nn, err);
	opt_text(s, in, "email", 100, dt_field_email, &email, &g, &en, err);
	opt_text(s, in, "phone", 30, dt_field_phone, &phone, &g, &pn, err);
	if (dt_ferr_count(s)) {
		rc = DT_EINVAL;
		goto out;
	}
	struct dt_scope sc;
	struct dt_strbuf why = DT_STRBUF_INIT;
	rc = dt_account_parse_scope(s, role, json_string_value(js), &sc, &why);
	if (rc != DT_OK) {
		dt_info("account scope: %s", why.buf);
		/* an organisation or trainee that does not exist is refused as one outside the
		 * delegation, so that the refusal does not tell which ids exist */
		bool probe = strcmp(m.party.role, "admin") &&
			     (dt_account_role_org_kind(role) || !strcmp(role, "trainee"));
		rc = probe ? dt_store_problem(s, err, NULL, "account.not_delegated", NULL)
			   : dt_store_problem(s, err, "scope", "account.scope", NULL);
	}
	dt_strbuf_release(&why);
	if (rc != DT_OK)
		goto out;
	/* the new account as the rule sees it: its region and organisation resolved */
	struct dt_delegate t = { 0, role, sc.region, sc.org_id, sc.trainee_id, json_is_true(ja) };
	if (sc.org_id || sc.trainee_id) {
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			sc.org_id
				? "SELECT region, id FROM organization WHERE id = ?"
				: "SELECT t.region, COALESCE((SELECT o.id FROM organization o "
				  "WHERE o.id = t.registered_by AND o.kind = 'school'), (SELECT "
				  "k.school_id FROM contract k WHERE k.trainee_id = t.id ORDER BY "
				  "k.id DESC LIMIT 1)) FROM trainee t WHERE t.id = ?",
			err);
		if (!st) {
			rc = DT_EDB;
			goto out;
		}
		dt_db_bind_int64(st, 1, sc.org_id ? sc.org_id : sc.trainee_id);
		if (dt_db_step(st) == DT_DB_ROW) {
			t.region = dt_db_column_int(st, 0);
			t.org_id = dt_db_column_int64(st, 1);
		}
		dt_db_reset(st);
	}
	if (!dt_delegation_may_manage(&m.party, &t)) {
		rc = dt_store_problem(s, err, NULL, "account.not_delegated", NULL);
		goto out;
	}
	char hex[DT_TOKEN_HASH_HEX], expires[DT_TIME_STRLEN];
	code_new(code);
	code_hash(code, hex);
	time_after_days(ACTIVATION_DAYS, expires);
	struct dt_account_profile pr = {
		nn ? NULL : name.buf,
		en ? NULL : email.buf,
		pn ? NULL : phone.buf,
		true,
		t.org_admin,
		hex,
		expires,
	};
	if (!name.len)
		pr.display_name = NULL;
	if (!email.len)
		pr.email = NULL;
	if (!phone.len)
		pr.phone = NULL;
	int64_t id = 0;
	if ((rc = dt_tx_begin(s, err)) != DT_OK)
		goto out;
	rc = dt_account_insert(s, a, login, role, &sc, NO_PASSWORD, &pr, &id, err);
	if (rc == DT_OK && mentor_id)
		rc = mentor_link(s, a, id, login, role, sc.org_id, mentor_id, err);
	struct row r;
	if (rc == DT_OK)
		rc = load_managed(s, &m, id, &r, out, err);
	if (rc == DT_OK && mentor_id)
		json_object_set_new(*out, "mentor_id", json_integer(mentor_id));
	rc = dt_tx_end(s, rc, err);
	if (rc == DT_OK)
		json_object_set_new(*out, "activation_expires", json_string(expires));
out:
	if (rc != DT_OK) {
		sodium_memzero(code, DT_ACTIVATION_LEN);
		code[0] = '\0';
		json_decref(*out);
		*out = NULL;
	}
	dt_strbuf_release(&name);
	dt_strbuf_release(&email);
	dt_strbuf_release(&phone);
	return rc;
}

/* Set profile column @col of @id to @v (NULL: null). */
static enum dt_err profile_set(struct dt_store *s, int64_t id, const char *col, const char *v,
			       struct dt_strbuf *err)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE account_profile SET %s = ? WHERE account_id = ?", col);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st)
		return DT_EDB;
	if (v)
		dt_db_bind_text(st, 1, v, -1);
	else
		dt_db_bind_null(st, 1);
	dt_db_bind_int64(st, 2, id);
	int rc = dt_db_step(st) == DT_DB_DONE ? DT_OK : dt_sql_error(s, "account_profile", err);
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_store_accounts_change(struct dt_store *s, const struct dt_actor *a,
				     const struct dt_account *mgr, int64_t id, json_t *in,
				     json_t **out, struct dt_strbuf *err)
{
	static const char *const keys[] = { "display_name", "email", "phone", "disabled", NULL };
	struct dt_strbuf name = DT_STRBUF_INIT, email = DT_STRBUF_INIT, phone = DT_STRBUF_INIT;
	struct row m, t;
	json_t *before = NULL;
	bool ng, nn, eg, en, pg, pn;
	*out = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = manager_party(s, mgr, &m, err);
	if (rc == DT_OK)
		rc = load_managed(s, &m, id, &t, &before, err);
	if (rc != DT_OK)
		goto out;
	only_keys(s, in, keys, err);
	json_t *jd = json_object_get(in, "disabled");
	if (jd && !json_is_boolean(jd))
		dt_store_problem(s, err, "disabled", "type.boolean", NULL);
	opt_text(s, in, "display_name", 100, NULL, &name, &ng, &nn, err);
	opt_text(s, in, "email", 100, dt_field_email, &email, &eg, &en, err);
	opt_text(s, in, "phone", 30, dt_field_phone, &phone, &pg, &pn, err);
	if (dt_ferr_count(s)) {
		rc = DT_EINVAL;
		goto out;
	}
	if ((rc = dt_tx_begin(s, err)) != DT_OK)
		goto out;
	rc = profile_ensure(s, id, err);
	if (rc == DT_OK && ng)
		rc = profile_set(s, id, "display_name", nn ? NULL : name.buf, err);
	if (rc == DT_OK && eg)
		rc = profile_set(s, id, "email", en ? NULL : email.buf, err);
	if (rc == DT_OK && pg)
		rc = profile_set(s, id, "phone", pn ? NULL : phone.buf, err);
	if (rc == DT_OK && jd && json_is_true(jd) != t.acc.disabled) {
		struct dt_db_stmt *st =
			dt_sql_prepare(s, "UPDATE account SET disabled = ? WHERE id = ?", err);
		if (!st) {
			rc = DT_EDB;
		} else {
			dt_db_bind_int64(st, 1, json_is_true(jd));
			dt_db_bind_int64(st, 2, id);
			if (dt_db_step(st) != DT_DB_DONE)
				rc = dt_sql_error(s, "account", err);
			dt_db_reset(st);
		}
		if (rc == DT_OK && json_is_true(jd))
			rc = dt_account_revoke(s, id, false, 0, err);
	}
	if (rc == DT_OK)
		rc = touch(s, id, err);
	if (rc == DT_OK)
		rc = load_managed(s, &m, id, &t, out, err);
	if (rc == DT_OK) {
		const char *action =
			!jd || json_is_true(jd) == json_is_true(json_object_get(before, "disabled"))
				? "account.update"
			: json_is_true(jd) ? "account.disable"
					   : "account.enable";
		rc = dt_audit_append(s, a, action, "account", id, before, *out, err);
	}
	rc = dt_tx_end(s, rc, err);
out:
	if (rc != DT_OK) {
		json_decref(*out);
		*out = NULL;
	}
	json_decref(before);
	dt_strbuf_release(&name);
	dt_strbuf_release(&email);
	dt_strbuf_release(&phone);
	return rc;
}

enum dt_err dt_store_accounts_reset(struct dt_store *s, const struct dt_actor *a,
				    const struct dt_account *mgr, int64_t id, json_t **out,
				    char code[DT_ACTIVATION_LEN], struct dt_strbuf *err)
{
	struct row m, t;
	json_t *before = NULL;
	char expires[DT_TIME_STRLEN];
	*out = NULL;
	code[0] = '\0';
	dt_store_problems_begin(s, NULL);
	int rc = manager_party(s, mgr, &m, err);
	if (rc == DT_OK)
		rc = load_managed(s, &m, id, &t, &before, err);
	if (rc != DT_OK)
		goto out;
	if ((rc = dt_tx_begin(s, err)) != DT_OK)
		goto out;
	rc = set_code(s, id, code, expires, err);
	if (rc == DT_OK)
		rc = load_managed(s, &m, id, &t, out, err);
	if (rc == DT_OK)
		rc = dt_audit_append(s, a, "account.reset", "account", id, before, *out, err);
	rc = dt_tx_end(s, rc, err);
	if (rc == DT_OK)
		json_object_set_new(*out, "activation_expires", json_string(expires));
out:
	if (rc != DT_OK) {
		sodium_memzero(code, DT_ACTIVATION_LEN);
		code[0] = '\0';
		json_decref(*out);
		*out = NULL;
	}
	json_decref(before);
	return rc;
}

/* The trainees of school @org without an account, by id (at most BULK_MAX + 1). */
static enum dt_err school_trainees(struct dt_store *s, int64_t org, json_t *ids,
				   struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT t.id FROM trainee t WHERE (t.registered_by = ? OR t.id IN (SELECT "
		"trainee_id FROM contract WHERE school_id = ?)) AND NOT EXISTS (SELECT 1 FROM "
		"account a WHERE a.scope_trainee = t.id) ORDER BY t.id LIMIT ?",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, org);
	dt_db_bind_int64(st, 2, org);
	dt_db_bind_int64(st, 3, BULK_MAX + 1);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(ids, json_integer(dt_db_column_int64(st, 0)));
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "trainee", err);
	dt_db_reset(st);
	return rc;
}

/* Trainee @tid as a would-be account of @mgr's: name, school, an account already. */
static enum dt_err trainee_facts(struct dt_store *s, int64_t tid, struct dt_strbuf *name,
				 struct dt_delegate *t, bool *has, bool *found,
				 struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT t.name, t.region, COALESCE((SELECT o.id FROM organization o WHERE o.id = "
		"t.registered_by AND o.kind = 'school'), (SELECT k.school_id FROM contract k WHERE "
		"k.trainee_id = t.id ORDER BY k.id DESC LIMIT 1)), EXISTS (SELECT 1 FROM account a "
		"WHERE a.scope_trainee = t.id) FROM trainee t WHERE t.id = ?",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, tid);
	int r = dt_db_step(st), rc = DT_OK;
	*found = r == DT_DB_ROW;
	if (*found) {
		dt_strbuf_reset(name);
		dt_strbuf_adds(name, dt_db_column_text(st, 0));
		*t = (struct dt_delegate){
			0, "trainee", dt_db_column_int(st, 1), dt_db_column_int64(st, 2), tid, false
		};
		*has = dt_db_column_int(st, 3) != 0;
	} else if (r != DT_DB_DONE) {
		rc = dt_sql_error(s, "trainee", err);
	}
	dt_db_reset(st);
	return rc;
}

/* Is @login free? */
static enum dt_err login_free(struct dt_store *s, const char *login, bool *free_,
			      struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT 1 FROM account WHERE login = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, login, -1);
	int r = dt_db_step(st);
	*free_ = r == DT_DB_DONE;
	dt_db_reset(st);
	return r == DT_DB_ROW || r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "account", err);
}

enum dt_err dt_store_accounts_bulk(struct dt_store *s, const struct dt_actor *a,
				   const struct dt_account *mgr, json_t *ids, json_t **out,
				   struct dt_strbuf *err)
{
	struct row m;
	json_t *list = json_array(), *res = json_array();
	struct dt_strbuf name = DT_STRBUF_INIT;
	*out = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = manager_party(s, mgr, &m, err);
	if (rc != DT_OK)
		goto out;
	if (!dt_delegation_bulk_trainees(&m.party)) {
		rc = dt_store_problem(s, err, NULL, "account.not_delegated", NULL);
		goto out;
	}
	if (ids) {
		size_t i;
		json_t *v;
		if (!json_is_array(ids) || !json_array_size(ids) ||
		    json_array_size(ids) > BULK_MAX) {
			rc = dt_store_problem(s, err, "trainee_ids", "account.bulk_ids", "max",
					      DT_I(BULK_MAX), NULL);
			goto out;
		}
		json_array_foreach(ids, i, v)
		{
			if (!json_is_integer(v) || json_integer_value(v) < 1) {
				char f[40];
				snprintf(f, sizeof(f), "trainee_ids[%zu]", i);
				rc = dt_store_problem(s, err, f, "type.integer", NULL);
				goto out;
			}
			json_array_append(list, v);
		}
	} else if ((rc = school_trainees(s, m.party.org_id, list, err)) != DT_OK) {
		goto out;
	} else if (json_array_size(list) > BULK_MAX) {
		rc = dt_store_problem(s, err, "trainee_ids", "account.bulk_ids", "max",
				      DT_I(BULK_MAX), NULL);
		goto out;
	}
	if ((rc = dt_tx_begin(s, err)) != DT_OK)
		goto out;
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		int64_t tid = json_integer_value(v);
		struct dt_delegate t;
		bool has = false, found = false;
		char f[40];
		snprintf(f, sizeof(f), "trainee_ids[%zu]", i);
		if ((rc = trainee_facts(s, tid, &name, &t, &has, &found, err)) != DT_OK)
			break;
		if (!found || !dt_delegation_may_manage(&m.party, &t)) {
			rc = dt_store_problem(s, err, f, "account.bulk_trainee", "id", DT_I(tid),
					      NULL);
			break;
		}
		if (has) {
			rc = dt_store_problem(s, err, f, "account.trainee_has_account", "id",
					      DT_I(tid), NULL);
			break;
		}
		char login[48];
		bool free_ = false;
		for (int k = 1; k < 100 && !free_; k++) {
			if (k == 1)
				snprintf(login, sizeof(login), "trainee%lld", (long long)tid);
			else
				snprintf(login, sizeof(login), "trainee%lld-%d", (long long)tid, k);
			if ((rc = login_free(s, login, &free_, err)) != DT_OK)
				break;
		}
		if (rc != DT_OK)
			break;
		if (!free_) {
			rc = dt_store_problem(s, err, f, "account.login_taken", "value", login,
					      NULL);
			break;
		}
		char code[DT_ACTIVATION_LEN], hex[DT_TOKEN_HASH_HEX], expires[DT_TIME_STRLEN];
		code_new(code);
		code_hash(code, hex);
		time_after_days(ACTIVATION_DAYS, expires);
		struct dt_account_profile pr = { name.buf, NULL, NULL, true, false, hex, expires };
		struct dt_scope sc = { .trainee_id = tid };
		int64_t id = 0;
		if ((rc = dt_account_insert(s, a, login, "trainee", &sc, NO_PASSWORD, &pr, &id,
					    err)) != DT_OK)
			break;
		json_array_append_new(res, json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "id",
						     (json_int_t)id, "login", login, "display_name",
						     name.buf, "trainee_id", (json_int_t)tid,
						     "activation_code", code, "activation_expires",
						     expires));
		sodium_memzero(code, sizeof(code));
	}
	rc = dt_tx_end(s, rc, err);
	if (rc == DT_OK) {
		*out = res;
		res = NULL;
	}
out:
	json_decref(list);
	json_decref(res);
	dt_strbuf_release(&name);
	return rc;
}

enum dt_err dt_store_account_set_password(struct dt_store *s, const struct dt_actor *a, int64_t id,
					  const char *password, int64_t keep_cred,
					  struct dt_strbuf *err)
{
	char hash[DT_PWHASH_LEN], login[65] = "";
	dt_store_problems_begin(s, NULL);
	struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT login FROM account WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW)
		snprintf(login, sizeof(login), "%s", dt_db_column_text(st, 0));
	dt_db_reset(st);
	if (r != DT_DB_ROW)
		return dt_error(err, DT_ENOTFOUND, "no account %lld", (long long)id);
	int rc = dt_password_check(password, login, err);
	if (rc == DT_EINVAL)
		return password_problem(s, "new_password", err);
	if (rc != DT_OK)
		return rc;
	if (dt_password_hash(password, hash) != DT_OK)
		return dt_error(err, DT_ENOMEM, "out of memory hashing the password");
	if ((rc = dt_tx_begin(s, err)) != DT_OK)
		goto out;
	rc = profile_ensure(s, id, err);
	if (rc == DT_OK &&
	    !(st = dt_sql_prepare(s, "UPDATE account SET password_hash = ? WHERE id = ?", err)))
		rc = DT_EDB;
	if (rc == DT_OK) {
		dt_db_bind_text(st, 1, hash, -1);
		dt_db_bind_int64(st, 2, id);
		if (dt_db_step(st) != DT_DB_DONE)
			rc = dt_sql_error(s, "account", err);
		dt_db_reset(st);
	}
	if (rc == DT_OK &&
	    !(st = dt_sql_prepare(s,
				  "UPDATE account_profile SET "
				  "must_change_password = 0, activation_hash = NULL, "
				  "activation_expires = NULL WHERE account_id = ?",
				  err)))
		rc = DT_EDB;
	if (rc == DT_OK) {
		dt_db_bind_int64(st, 1, id);
		if (dt_db_step(st) != DT_DB_DONE)
			rc = dt_sql_error(s, "account_profile", err);
		dt_db_reset(st);
	}
	if (rc == DT_OK)
		rc = touch(s, id, err);
	if (rc == DT_OK)
		rc = dt_account_revoke(s, id, true, keep_cred, err);
	if (rc == DT_OK) {
		json_t *o = json_pack("{s:I, s:s}", "id", (json_int_t)id, "login", login);
		rc = dt_audit_append(s, a, "account.passwd", "account", id, o, o, err);
		json_decref(o);
	}
	rc = dt_tx_end(s, rc, err);
out:
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

enum dt_err dt_store_account_profile(struct dt_store *s, int64_t id, json_t **out,
				     struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, PARTY_SELECT " WHERE a.id = ?", err);
	*out = NULL;
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st), rc = DT_OK;
	if (r == DT_DB_ROW) {
		struct row t;
		row_read(st, &t);
		*out = row_json(st, &t);
	} else {
		rc = r == DT_DB_DONE ? dt_error(err, DT_ENOTFOUND, "no account")
				     : dt_sql_error(s, "account", err);
	}
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_store_sessions_list(struct dt_store *s, int64_t account_id, json_t **out,
				   struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT id, created_at, expires_at FROM credential WHERE account_id = ? AND "
		"kind = 'session' AND revoked_at IS NULL AND expires_at > ? ORDER BY id DESC "
		"LIMIT 200",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, account_id);
	dt_db_bind_text(st, 2, now, -1);
	json_t *arr = json_array();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "id",
						     (json_int_t)dt_db_column_int64(st, 0),
						     "created_at", dt_db_column_text(st, 1),
						     "expires_at", dt_db_column_text(st, 2)));
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "credential", err);
	dt_db_reset(st);
	if (rc == DT_OK)
		*out = arr;
	else
		json_decref(arr);
	return rc;
}

enum dt_err dt_store_session_revoke_own(struct dt_store *s, const struct dt_actor *a,
					int64_t account_id, int64_t cred_id, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT 1 FROM credential WHERE id = ? AND account_id = ? AND kind = 'session' "
		"AND revoked_at IS NULL",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, cred_id);
	dt_db_bind_int64(st, 2, account_id);
	int r = dt_db_step(st);
	dt_db_reset(st);
	if (r != DT_DB_ROW)
		return r == DT_DB_DONE ? dt_error(err, DT_ENOTFOUND, "no such session")
				       : dt_sql_error(s, "credential", err);
	return dt_store_credential_revoke(s, a, cred_id, err);
}

enum dt_err dt_store_account_contact_check(const char *email, const char *phone,
					   struct dt_strbuf *err)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_strbuf norm = DT_STRBUF_INIT;
	int rc = DT_OK;
	if (email && strlen(email) > 100)
		rc = dt_error(err, DT_EINVAL, "--email: at most 100 characters");
	else if (phone && strlen(phone) > 30)
		rc = dt_error(err, DT_EINVAL, "--phone: at most 30 characters");
	else if ((email && dt_field_email(email, &norm, &ps, "--email") != DT_OK) ||
		 (phone && dt_field_phone(phone, &norm, &ps, "--phone") != DT_OK)) {
		dt_strbuf_reset(err);
		dt_problems_render(&ps, DT_LANG_EN, err);
		rc = DT_EINVAL;
	}
	dt_problems_release(&ps);
	dt_strbuf_release(&norm);
	return rc;
}

enum dt_err dt_store_account_contact(struct dt_store *s, const struct dt_actor *a, int64_t id,
				     const char *email, const char *phone, struct dt_strbuf *err)
{
	int rc = dt_store_account_contact_check(email, phone, err);
	if (rc != DT_OK)
		return rc;
	json_t *before = NULL, *after = NULL;
	if ((rc = dt_store_account_profile(s, id, &before, err)) != DT_OK)
		return rc;
	if ((rc = dt_tx_begin(s, err)) != DT_OK)
		goto out;
	rc = profile_ensure(s, id, err);
	if (rc == DT_OK && email)
		rc = profile_set(s, id, "email", email, err);
	if (rc == DT_OK && phone)
		rc = profile_set(s, id, "phone", phone, err);
	if (rc == DT_OK)
		rc = dt_store_account_profile(s, id, &after, err);
	if (rc == DT_OK)
		rc = dt_audit_append(s, a, "account.update", "account", id, before, after, err);
	rc = dt_tx_end(s, rc, err);
out:
	json_decref(before);
	json_decref(after);
	return rc;
}
