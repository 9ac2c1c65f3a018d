/*
 * account.c - users, sessions, API tokens, and the audit log as a list.
 *
 * Passwords are argon2id hashes (libsodium); sessions and tokens are random
 * secrets of which only a BLAKE2b hash is stored.  Every change to an
 * account or credential is audited like any other write; secrets and hashes
 * never appear in the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/num.h"
#include "core/password.h"
#include "domain/natid.h"
#include "domain/region.h"
#include "domain/uscc.h"
#include "store/account_internal.h"
#include "store/store_internal.h"
#include "core/banned.h"

static const char *const roles[] = { "admin",      "national", "province",  "city",    "school",
				     "enterprise", "trainee",  "inspector", "assessor" };

bool dt_account_role_known(const char *r)
{
	for (size_t i = 0; r && i < DT_ARRAY_SIZE(roles); i++)
		if (!strcmp(roles[i], r))
			return true;
	return false;
}

const char *dt_account_role_org_kind(const char *role)
{
	if (!strcmp(role, "school") || !strcmp(role, "enterprise"))
		return role;
	return !strcmp(role, "assessor") ? "assessment_body" : NULL;
}

/* Resolve the --scope of @role into @sc; DT_EINVAL naming what is wrong. */
static enum dt_err parse_scope(struct dt_store *s, const char *role, const char *scope,
			       struct dt_scope *sc, struct dt_strbuf *err)
{
	memset(sc, 0, sizeof(*sc));
	bool region_role = !strcmp(role, "province") || !strcmp(role, "city") ||
			   !strcmp(role, "inspector") || !strcmp(role, "national");
	if (!strcmp(role, "admin") || (!strcmp(role, "national") && (!scope || !*scope))) {
		if (scope && *scope)
			return dt_error(err, DT_EINVAL, "scope: the admin role has no scope");
		return DT_OK;
	}
	if (!scope || !*scope)
		return dt_error(err, DT_EINVAL, "scope: the %s role needs a scope (%s)", role,
				region_role ? "a region code"
				: !strcmp(role, "trainee")
					? "the trainee's national ID or trainee:ID"
					: "the organisation's USCC or org:ID");
	if (region_role) {
		int code;
		struct dt_problems ps = DT_PROBLEMS_INIT;
		if (dt_region_code_parse(scope, &code, &ps, "scope") != DT_OK) {
			if (err) {
				dt_strbuf_reset(err);
				dt_problems_render(&ps, DT_LANG_EN, err);
			}
			dt_problems_release(&ps);
			return DT_EINVAL;
		}
		int level = dt_region_level(code);
		if (!strcmp(role, "province") && level != 1)
			return dt_error(err, DT_EINVAL, "scope: %s is not a province code", scope);
		if (!strcmp(role, "city") && level != 2)
			return dt_error(err, DT_EINVAL, "scope: %s is not a city (prefecture) code",
					scope);
		json_t *r = NULL;
		if (dt_store_get(s, NULL, "region", code, 0, &r, NULL) != DT_OK)
			return dt_error(err, DT_EINVAL, "scope: %s is not in the region table",
					scope);
		json_decref(r);
		sc->region = code;
		return DT_OK;
	}
	int64_t id = 0;
	if (!strcmp(role, "trainee")) {
		if (!strncmp(scope, "trainee:", 8)) {
			if (dt_parse_int64(scope + 8, 1, INT64_MAX, &id, "scope", err) != DT_OK)
				return DT_EINVAL;
			json_t *t = NULL;
			if (dt_store_get(s, NULL, "trainee", id, 0, &t, NULL) != DT_OK)
				return dt_error(err, DT_EINVAL, "scope: no trainee %lld",
						(long long)id);
			json_decref(t);
		} else if (dt_store_trainee_by_natid(s, scope, &id, NULL) != DT_OK) {
			return dt_error(err, DT_EINVAL, "scope: no trainee with this national ID");
		}
		sc->trainee_id = id;
		return DT_OK;
	}
	json_t *o = NULL;
	if (!strncmp(scope, "org:", 4)) {
		if (dt_parse_int64(scope + 4, 1, INT64_MAX, &id, "scope", err) != DT_OK)
			return DT_EINVAL;
	} else if (dt_store_org_by_uscc(s, scope, &id, NULL) != DT_OK) {
		return dt_error(err, DT_EINVAL, "scope: no organisation with USCC %s", scope);
	}
	if (dt_store_get(s, NULL, "organization", id, 0, &o, NULL) != DT_OK)
		return dt_error(err, DT_EINVAL, "scope: no organisation %lld", (long long)id);
	const char *kind = json_string_value(json_object_get(o, "kind"));
	const char *want = dt_account_role_org_kind(role);
	int rc = DT_OK;
	if (!want || strcmp(kind, want))
		rc = dt_error(err, DT_EINVAL, "scope: organisation %lld is a%s %s, not a%s %s",
			      (long long)id, kind[0] == 'e' || kind[0] == 'a' ? "n" : "", kind,
			      want && (want[0] == 'e' || want[0] == 'a') ? "n" : "",
			      want ? want : role);
	json_decref(o);
	sc->org_id = id;
	return rc;
}

/* Check @password for account @login (core/password.h) and hash it with argon2id into @hash. */
static enum dt_err hash_password(const char *password, const char *login, char hash[DT_PWHASH_LEN],
				 struct dt_strbuf *err)
{
	int rc = dt_password_check(password, login, err);
	if (rc != DT_OK)
		return rc;
	if (dt_password_hash(password, hash) != DT_OK)
		return dt_error(err, DT_ENOMEM, "out of memory hashing the password");
	return DT_OK;
}

static json_t *account_json(int64_t id, const char *login, const char *role,
			    const struct dt_scope *sc, bool disabled)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)id, "login", login, "role",
			      role, "disabled", disabled);
	json_object_set_new(o, "scope_region", sc->region ? json_integer(sc->region) : json_null());
	json_object_set_new(o, "scope_org", sc->org_id ? json_integer(sc->org_id) : json_null());
	json_object_set_new(o, "scope_trainee",
			    sc->trainee_id ? json_integer(sc->trainee_id) : json_null());
	return o;
}

static void bind_text_opt(struct dt_db_stmt *st, int i, const char *v)
{
	if (v)
		dt_db_bind_text(st, i, v, -1);
	else
		dt_db_bind_null(st, i);
}

static void bind_opt(struct dt_db_stmt *st, int i, int64_t v)
{
	if (v)
		dt_db_bind_int64(st, i, v);
	else
		dt_db_bind_null(st, i);
}

enum dt_err dt_store_account_add(struct dt_store *s, const struct dt_actor *a, const char *login,
				 const char *role, const char *scope, const char *password,
				 int64_t *id, struct dt_strbuf *err)
{
	size_t n = login ? strlen(login) : 0;
	if (n < 2 || n > 64)
		return dt_error(err, DT_EINVAL, "login: 2 to 64 characters");
	for (const char *p = login; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '-' || *p == '_' || *p == '@'))
			return dt_error(err, DT_EINVAL,
					"login: use lower-case letters, digits and . - _ @ only");
	if (!role || !dt_account_role_known(role))
		return dt_error(err, DT_EINVAL,
				"role: '%s' is not one of admin, national, province, city, school, "
				"enterprise, trainee, inspector",
				role ? role : "");
	struct dt_scope sc;
	int rc = parse_scope(s, role, scope, &sc, err);
	if (rc != DT_OK)
		return rc;
	char hash[DT_PWHASH_LEN];
	if ((rc = hash_password(password, login, hash, err)) != DT_OK)
		return rc;
	rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	rc = dt_account_insert(s, a, login, role, &sc, hash, NULL, id, err);
	return dt_tx_end(s, rc, err);
}

enum dt_err dt_account_insert(struct dt_store *s, const struct dt_actor *a, const char *login,
			      const char *role, const struct dt_scope *scp, const char *hash,
			      const struct dt_account_profile *pr, int64_t *id,
			      struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	struct dt_scope sc = *scp;
	int rc = DT_OK;
	dt_time_now(now);
	struct dt_db_stmt *st =
		dt_sql_prepare(s,
			       "INSERT INTO account(login, role, scope_region, scope_org, "
			       "scope_trainee, password_hash, created_at, updated_at) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			       err);
	int64_t newid = 0;
	if (!st) {
		rc = DT_EDB;
	} else {
		dt_db_bind_text(st, 1, login, -1);
		dt_db_bind_text(st, 2, role, -1);
		bind_opt(st, 3, sc.region);
		bind_opt(st, 4, sc.org_id);
		bind_opt(st, 5, sc.trainee_id);
		dt_db_bind_text(st, 6, hash, -1);
		dt_db_bind_text(st, 7, now, -1);
		dt_db_bind_text(st, 8, now, -1);
		int r = dt_db_step(st);
		if (r == DT_DB_ROW)
			newid = dt_db_column_int64(st, 0);
		else if (dt_db_errclass(s->db) == DT_DBE_UNIQUE)
			rc = dt_store_problem(s, err, "login", "account.login_taken", "value",
					      login, NULL);
		else
			rc = dt_sql_error(s, "account", err);
		dt_db_reset(st);
	}
	/* an organisation's account made on the command line is its administrator */
	struct dt_account_profile cli = { 0 };
	cli.org_admin = dt_account_role_org_kind(role) != NULL;
	if (!pr)
		pr = &cli;
	if (rc == DT_OK) {
		st = dt_sql_prepare(
			s,
			"INSERT INTO account_profile(account_id, display_name, email, "
			"phone, must_change_password, org_admin, activation_hash, "
			"activation_expires, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			err);
		if (!st) {
			rc = DT_EDB;
		} else {
			dt_db_bind_int64(st, 1, newid);
			bind_text_opt(st, 2, pr->display_name);
			bind_text_opt(st, 3, pr->email);
			bind_text_opt(st, 4, pr->phone);
			dt_db_bind_int64(st, 5, pr->must_change);
			dt_db_bind_int64(st, 6, pr->org_admin);
			bind_text_opt(st, 7, pr->activation_hash);
			bind_text_opt(st, 8, pr->activation_expires);
			dt_db_bind_text(st, 9, a->login, -1);
			if (dt_db_step(st) != DT_DB_DONE)
				rc = dt_sql_error(s, "account_profile", err);
			dt_db_reset(st);
		}
	}
	if (rc == DT_OK) {
		json_t *after = account_json(newid, login, role, &sc, false);
		dt_account_profile_json(after, pr);
		rc = dt_audit_append(s, a, "account.create", "account", newid, NULL, after, err);
		json_decref(after);
	}
	if (rc == DT_OK)
		rc = dt_notify_account_created(s, newid, login, err);
	if (rc == DT_OK && id)
		*id = newid;
	return rc;
}

void dt_account_profile_json(json_t *o, const struct dt_account_profile *pr)
{
	json_object_set_new(o, "display_name",
			    pr->display_name ? json_string(pr->display_name) : json_null());
	json_object_set_new(o, "email", pr->email ? json_string(pr->email) : json_null());
	json_object_set_new(o, "phone", pr->phone ? json_string(pr->phone) : json_null());
	json_object_set_new(o, "must_change_password", json_boolean(pr->must_change));
	json_object_set_new(o, "org_admin", json_boolean(pr->org_admin));
}

enum dt_err dt_account_parse_scope(struct dt_store *s, const char *role, const char *scope,
				   struct dt_scope *sc, struct dt_strbuf *err)
{
	return parse_scope(s, role, scope, sc, err);
}

/*
 * An assessor's region is its assessment body's, resolved here so that a
 * move of the body moves its staff's scope (account_from_row).
 */
#define ACCOUNT_COLS                                                                       \
	"a.id, a.login, a.role, CASE WHEN a.role = 'assessor' THEN (SELECT o.region FROM " \
	"organization o WHERE o.id = a.scope_org) ELSE a.scope_region END, a.scope_org, "  \
	"a.scope_trainee, a.disabled, COALESCE(p.must_change_password, 0), "               \
	"COALESCE(p.org_admin, 0)"
#define ACCOUNT_FROM " FROM account a LEFT JOIN account_profile p ON p.account_id = a.id"

static void account_from_row(struct dt_db_stmt *st, struct dt_account *out)
{
	memset(out, 0, sizeof(*out));
	out->id = dt_db_column_int64(st, 0);
	snprintf(out->login, sizeof(out->login), "%s", dt_db_column_text(st, 1));
	snprintf(out->role, sizeof(out->role), "%s", dt_db_column_text(st, 2));
	out->scope.region = dt_db_column_int(st, 3);
	if (!strcmp(out->role, "assessor")) {
		/* an organisation party to nothing, plus the assessor rule (store.h) */
		out->scope.assessor_region = out->scope.region;
		out->scope.region = 0;
	}
	out->scope.org_id = dt_db_column_int64(st, 4);
	out->scope.trainee_id = dt_db_column_int64(st, 5);
	out->disabled = dt_db_column_int(st, 6) != 0;
	out->must_change = dt_db_column_int(st, 7) != 0;
	out->org_admin = dt_db_column_int(st, 8) != 0;
}

void dt_store_account_from_row(struct dt_db_stmt *st, struct dt_account *out)
{
	account_from_row(st, out);
}

enum dt_err dt_store_account_list(struct dt_store *s, json_t **out, struct dt_strbuf *err)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " ORDER BY a.login", err);
	if (!st)
		return DT_EDB;
	json_t *arr = json_array();
	while (dt_db_step(st) == DT_DB_ROW) {
		struct dt_account acc;
		account_from_row(st, &acc);
		json_array_append_new(
			arr, account_json(acc.id, acc.login, acc.role, &acc.scope, acc.disabled));
	}
	dt_db_reset(st);
	*out = arr;
	return DT_OK;
}

static enum dt_err find_account(struct dt_store *s, const char *login, struct dt_account *acc,
				struct dt_strbuf *err)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " WHERE a.login = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, login, -1);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW)
		account_from_row(st, acc);
	dt_db_reset(st);
	return r == DT_DB_ROW ? DT_OK : dt_error(err, DT_ENOTFOUND, "no account '%s'", login);
}

enum dt_err dt_account_revoke(struct dt_store *s, int64_t account_id, bool sessions_only,
			      int64_t keep, struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		sessions_only ? "UPDATE credential SET revoked_at = ? WHERE account_id = ? AND "
				"revoked_at IS NULL AND kind = 'session' AND id <> ?"
			      : "UPDATE credential SET revoked_at = ? WHERE account_id = ? AND "
				"revoked_at IS NULL AND id <> ?",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, now, -1);
	dt_db_bind_int64(st, 2, account_id);
	dt_db_bind_int64(st, 3, keep);
	int rc = dt_db_step(st) == DT_DB_DONE ? DT_OK : dt_sql_error(s, "credential", err);
	dt_db_reset(st);
	/* every server empties its credential cache when this commits */
	if (rc == DT_OK)
		rc = dt_db_notify(s->db, DT_STORE_CHANNEL_AUTH, "revoke", err);
	return rc;
}

enum dt_err dt_store_account_disable(struct dt_store *s, const struct dt_actor *a,
				     const char *login, bool disabled, struct dt_strbuf *err)
{
	struct dt_account acc;
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	rc = find_account(s, login, &acc, err);
	if (rc == DT_OK) {
		char now[DT_TIME_STRLEN];
		dt_time_now(now);
		struct dt_db_stmt *st =
			dt_sql_prepare(s,
				       "UPDATE account SET disabled = ?, updated_at = ? "
				       "WHERE id = ?",
				       err);
		if (!st) {
			rc = DT_EDB;
		} else {
			dt_db_bind_int64(st, 1, disabled);
			dt_db_bind_text(st, 2, now, -1);
			dt_db_bind_int64(st, 3, acc.id);
			if (dt_db_step(st) != DT_DB_DONE)
				rc = dt_sql_error(s, "account", err);
			dt_db_reset(st);
		}
	}
	if (rc == DT_OK && disabled)
		rc = dt_account_revoke(s, acc.id, false, 0, err);
	if (rc == DT_OK) {
		json_t *before =
			account_json(acc.id, acc.login, acc.role, &acc.scope, acc.disabled);
		json_t *after = account_json(acc.id, acc.login, acc.role, &acc.scope, disabled);
		rc = dt_audit_append(s, a, disabled ? "account.disable" : "account.enable",
				     "account", acc.id, before, after, err);
		json_decref(before);
		json_decref(after);
	}
	return dt_tx_end(s, rc, err);
}

enum dt_err dt_store_account_passwd(struct dt_store *s, const struct dt_actor *a, const char *login,
				    const char *password, struct dt_strbuf *err)
{
	char hash[DT_PWHASH_LEN], now[DT_TIME_STRLEN];
	int rc = hash_password(password, login, hash, err);
	if (rc != DT_OK)
		return rc;
	dt_time_now(now);
	struct dt_account acc;
	rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	rc = find_account(s, login, &acc, err);
	if (rc == DT_OK) {
		struct dt_db_stmt *st =
			dt_sql_prepare(s,
				       "UPDATE account SET password_hash = ?, updated_at = ? "
				       "WHERE id = ?",
				       err);
		if (!st) {
			rc = DT_EDB;
		} else {
			dt_db_bind_text(st, 1, hash, -1);
			dt_db_bind_text(st, 2, now, -1);
			dt_db_bind_int64(st, 3, acc.id);
			if (dt_db_step(st) != DT_DB_DONE)
				rc = dt_sql_error(s, "account", err);
			dt_db_reset(st);
		}
	}
	if (rc == DT_OK)
		rc = dt_account_revoke(s, acc.id, true, 0, err);
	if (rc == DT_OK) {
		/* The account as it stands (never the hash): the event says what the row holds. */
		json_t *now_acc =
			account_json(acc.id, acc.login, acc.role, &acc.scope, acc.disabled);
		rc = dt_audit_append(s, a, "account.passwd", "account", acc.id, now_acc, now_acc,
				     err);
		json_decref(now_acc);
	}
	return dt_tx_end(s, rc, err);
}

enum dt_err dt_store_account_secret(struct dt_store *s, const char *login, struct dt_account *out,
				    char hash[DT_PWHASH_LEN], struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT " ACCOUNT_COLS ", a.password_hash" ACCOUNT_FROM " WHERE a.login = ?",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, login, -1);
	int r = dt_db_step(st), rc = DT_OK;
	if (r == DT_DB_ROW) {
		account_from_row(st, out);
		snprintf(hash, DT_PWHASH_LEN, "%s", dt_db_column_text(st, 9));
	} else if (r == DT_DB_DONE) {
		rc = dt_error(err, DT_ENOTFOUND, "no account '%s'", login);
	} else {
		rc = dt_sql_error(s, "account", err);
	}
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_store_account_login(struct dt_store *s, const char *login, const char *password,
				   struct dt_account *out, struct dt_strbuf *err)
{
	char hash[DT_PWHASH_LEN];
	int rc = dt_store_account_secret(s, login, out, hash, err);
	if (rc != DT_OK && rc != DT_ENOTFOUND)
		return rc;
	bool found = rc == DT_OK;
	/* unknown logins pay for a hash too: timing does not tell them apart */
	bool ok = dt_password_verify(found ? hash : dt_password_dummy_hash(), password) && found;
	if (!ok)
		return dt_error(err, DT_EDENIED, "wrong login or password");
	if (out->disabled)
		return dt_error(err, DT_EDENIED, "account '%s' is disabled", login);
	return DT_OK;
}

static void time_after(int64_t seconds, char out[DT_TIME_STRLEN])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	time_t t = ts.tv_sec + (time_t)seconds;
	gmtime_r(&t, &tm);
	strftime(out, DT_TIME_STRLEN, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

enum dt_err dt_store_credential_create(struct dt_store *s, const struct dt_actor *a,
				       int64_t account_id, const char *kind, int64_t seconds,
				       char token[DT_TOKEN_LEN], char csrf[DT_TOKEN_LEN],
				       int64_t *cred_id, struct dt_strbuf *err)
{
	if (strcmp(kind, "session") && strcmp(kind, "token"))
		return dt_error(err, DT_EINVAL, "kind: session or token");
	if (seconds <= 0 || seconds > (int64_t)3650 * 86400)
		return dt_error(err, DT_EINVAL, "expires: 1 second to 10 years");
	char hash[DT_TOKEN_HASH_HEX], now[DT_TIME_STRLEN], expires[DT_TIME_STRLEN];
	char csrfbuf[DT_TOKEN_LEN];
	dt_token_new(token);
	dt_token_hash(token, hash);
	dt_token_new(csrfbuf);
	dt_time_now(now);
	time_after(seconds, expires);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	struct dt_db_stmt *st =
		dt_sql_prepare(s,
			       "INSERT INTO credential(account_id, kind, token_hash, csrf, "
			       "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			       err);
	int64_t id = 0;
	if (!st) {
		rc = DT_EDB;
	} else {
		dt_db_bind_int64(st, 1, account_id);
		dt_db_bind_text(st, 2, kind, -1);
		dt_db_bind_text(st, 3, hash, -1);
		if (!strcmp(kind, "session"))
			dt_db_bind_text(st, 4, csrfbuf, -1);
		dt_db_bind_text(st, 5, now, -1);
		dt_db_bind_text(st, 6, expires, -1);
		if (dt_db_step(st) == DT_DB_ROW)
			id = dt_db_column_int64(st, 0);
		else
			rc = dt_sql_error(s, "credential", err);
		dt_db_reset(st);
	}
	if (rc == DT_OK) {
		json_t *after =
			json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)id, "account_id",
				  (json_int_t)account_id, "kind", kind, "expires_at", expires);
		char action[32];
		snprintf(action, sizeof(action), "%s.create", kind);
		rc = dt_audit_append(s, a, action, "credential", id, NULL, after, err);
		json_decref(after);
	}
	rc = dt_tx_end(s, rc, err);
	if (rc == DT_OK) {
		if (csrf)
			memcpy(csrf, csrfbuf, DT_TOKEN_LEN);
		if (cred_id)
			*cred_id = id;
	}
	return rc;
}

enum dt_err dt_store_credential_check(struct dt_store *s, const char *token,
				      struct dt_credential *out, struct dt_strbuf *err)
{
	char hash[DT_TOKEN_HASH_HEX], now[DT_TIME_STRLEN];
	dt_token_hash(token, hash);
	dt_time_now(now);
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT " ACCOUNT_COLS ", c.id, c.kind, c.csrf, c.expires_at, c.revoked_at "
		"FROM credential c JOIN account a ON a.id = c.account_id "
		"LEFT JOIN account_profile p ON p.account_id = a.id WHERE c.token_hash = ?",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, hash, -1);
	int rc = DT_OK;
	if (dt_db_step(st) != DT_DB_ROW) {
		rc = dt_error(err, DT_EDENIED, "unknown token");
	} else {
		account_from_row(st, &out->account);
		out->id = dt_db_column_int64(st, 9);
		snprintf(out->kind, sizeof(out->kind), "%s", dt_db_column_text(st, 10));
		const char *csrf = dt_db_column_text(st, 11);
		snprintf(out->csrf, sizeof(out->csrf), "%s", csrf ? csrf : "");
		snprintf(out->expires_at, sizeof(out->expires_at), "%s", dt_db_column_text(st, 12));
		if (dt_db_column_type(st, 13) != DT_DB_NULL)
			rc = dt_error(err, DT_EDENIED, "revoked token");
		else if (strcmp(out->expires_at, now) <= 0)
			rc = dt_error(err, DT_EDENIED, "expired token");
		else if (out->account.disabled)
			rc = dt_error(err, DT_EDENIED, "disabled account");
	}
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_store_credential_revoke(struct dt_store *s, const struct dt_actor *a, int64_t id,
				       struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	struct dt_db_stmt *st =
		dt_sql_prepare(s,
			       "UPDATE credential SET revoked_at = ? WHERE id = ? AND "
			       "revoked_at IS NULL",
			       err);
	if (!st) {
		rc = DT_EDB;
	} else {
		dt_db_bind_text(st, 1, now, -1);
		dt_db_bind_int64(st, 2, id);
		if (dt_db_step(st) != DT_DB_DONE)
			rc = dt_sql_error(s, "credential", err);
		else if (dt_db_changes(s->db) == 0)
			rc = dt_error(err, DT_ENOTFOUND, "credential %lld is not live",
				      (long long)id);
		dt_db_reset(st);
	}
	/* every server empties its credential cache when this commits */
	if (rc == DT_OK)
		rc = dt_db_notify(s->db, DT_STORE_CHANNEL_AUTH, "revoke", err);
	if (rc == DT_OK)
		rc = dt_audit_append(s, a, "credential.revoke", "credential", id, NULL, NULL, err);
	return dt_tx_end(s, rc, err);
}

enum dt_err dt_store_audit_list(struct dt_store *s, const struct dt_scope *scope,
				const struct dt_query *q, json_t **items, char **next,
				struct dt_strbuf *err)
{
	static const char *const filters[] = { "entity", "entity_id", "actor",
					       "action", "from",      "to" };
	struct dt_strbuf sql = DT_STRBUF_INIT;
	json_t *binds = json_array();
	int rc = DT_OK;
	*items = NULL;
	*next = NULL;
	int limit = q && q->limit ? q->limit : 50;
	if (limit < 1 || limit > 1000) {
		rc = dt_store_problem(s, err, "limit", "number.range", "value", DT_I(limit), "min",
				      "1", "max", "1000", NULL);
		goto out;
	}
	dt_strbuf_adds(
		&sql, "SELECT id, ts, actor, request_id, action, entity, entity_id, before, after, "
		      "region, hash, (SELECT p.display_name FROM account a JOIN account_profile p "
		      "ON p.account_id = a.id WHERE a.login = audit.actor), packed FROM audit "
		      "WHERE 1 = 1");
	if (scope && scope->region) {
		int lo, hi;
		dt_region_range(scope->region, &lo, &hi);
		dt_strbuf_adds(&sql, " AND region BETWEEN ? AND ?");
		json_array_append_new(binds, json_integer(lo));
		json_array_append_new(binds, json_integer(hi));
	}
	for (size_t i = 0; q && i < q->nfilters; i++) {
		const char *name = q->filters[2 * i], *val = q->filters[2 * i + 1];
		size_t k;
		for (k = 0; k < DT_ARRAY_SIZE(filters); k++)
			if (!strcmp(filters[k], name))
				break;
		if (k == DT_ARRAY_SIZE(filters)) {
			rc = dt_store_problem(s, err, name, "filter.audit", "values",
					      "entity|entity_id|actor|action|from|to", NULL);
			goto out;
		}
		int64_t eid, ms;
		if (!strcmp(name, "from") || !strcmp(name, "to")) {
			/* a date (its first instant, UTC) or an instant; ts holds milliseconds */
			char t[DT_TIME_STRLEN];
			snprintf(t, sizeof(t), "%s%s", val,
				 strlen(val) == 10 ? "T00:00:00.000Z" : "");
			if (!dt_time_to_ms(t, &ms)) {
				rc = dt_store_problem(s, err, name, "date.invalid", "value", val,
						      NULL);
				goto out;
			}
			dt_strbuf_adds(&sql,
				       !strcmp(name, "from") ? " AND ts >= ?" : " AND ts < ?");
			json_array_append_new(binds, json_integer(ms));
			continue;
		}
		if (!strcmp(name, "action")) {
			/* stored whole (older events) or as the verb of its entity; a bare verb
			 * names no action (it would match that verb on every entity) */
			const char *dot = strchr(val, '.');
			dt_strbuf_adds(&sql, " AND (action = ? OR (entity = ? AND action = ?))");
			json_array_append_new(binds, dot ? json_string(val) : json_null());
			json_array_append_new(binds, dot ? json_stringn(val, (size_t)(dot - val))
							 : json_null());
			json_array_append_new(binds, json_string(dot ? dot + 1 : ""));
			continue;
		}
		dt_strbuf_addf(&sql, " AND %s = ?", name);
		if (!strcmp(name, "entity_id")) /* an integer column: no text matches it */
			json_array_append_new(binds, dt_parse_int64(val, INT64_MIN, INT64_MAX, &eid,
								    name, NULL) == DT_OK
							     ? json_integer(eid)
							     : json_null());
		else
			json_array_append_new(binds, json_string(val));
	}
	if (q && q->cursor && *q->cursor) {
		int64_t before;
		if (dt_parse_int64(q->cursor, 1, INT64_MAX, &before, "cursor", NULL) != DT_OK) {
			rc = dt_store_problem(s, err, "cursor", "list.cursor", NULL);
			goto out;
		}
		dt_strbuf_adds(&sql, " AND id < ?");
		json_array_append_new(binds, json_integer(before));
	}
	dt_strbuf_adds(&sql, " ORDER BY id DESC LIMIT ?");
	json_array_append_new(binds, json_integer(limit + 1));
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	size_t i;
	json_t *v;
	json_array_foreach(binds, i, v) dt_sql_bind_json(st, (int)i + 1, v);
	json_t *arr = json_array();
	int n = 0;
	int64_t last = 0;
	/* the page's events that store a tag, and their ids */
	json_t **tagged = malloc((size_t)limit * sizeof(*tagged));
	int64_t *ids = malloc((size_t)limit * sizeof(*ids));
	size_t ntagged = 0;
	while (tagged && ids && dt_db_step(st) == DT_DB_ROW) {
		if (n == limit) {
			char buf[24];
			snprintf(buf, sizeof(buf), "%lld", (long long)last);
			*next = strdup(buf);
			break;
		}
		last = dt_db_column_int64(st, 0);
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(last));
		static const char *const names[] = { "ts",     "actor",  "request_id",
						     "action", "entity", "entity_id" };
		char ts[DT_TIME_STRLEN], act[128];
		dt_audit_column_ts(st, 1, ts);
		for (int c = 0; c < 6; c++) {
			const char *t = c == 0 ? ts : dt_db_column_text(st, c + 1);
			if (c == 3)
				t = dt_audit_action(t, dt_db_column_text(st, 5), act, sizeof(act));
			json_object_set_new(o, names[c], t ? json_string(t) : json_null());
		}
		json_t *before, *after;
		/* the format-5 boundary as the store read it at open: no meta query a page */
		dt_audit_column_payloads(st, s->audit_v5_from, 0, 7, 8, 12, &before, &after);
		json_object_set_new(o, "before", before ? before : json_null());
		json_object_set_new(o, "after", after ? after : json_null());
		/* a create's after whole again */
		dt_audit_expand(json_string_value(json_object_get(o, "action")),
				dt_db_column_text(st, 5), dt_db_column_int64(st, 6), ts,
				dt_db_column_int64(st, 9), json_object_get(o, "before"),
				json_object_get(o, "after"));
		if (dt_db_column_type(st, 9) != DT_DB_NULL) {
			char reg[16];
			snprintf(reg, sizeof(reg), "%06d", dt_db_column_int(st, 9));
			json_object_set_new(o, "region", json_string(reg));
		} else {
			json_object_set_new(o, "region", json_null());
		}
		/* a tag (audit.c's head comment): its whole hash once the page is read */
		char hash[65];
		if (!dt_audit_column_hash_hex(st, 10, hash)) {
			tagged[ntagged] = o;
			ids[ntagged++] = last;
		}
		json_object_set_new(o, "hash", json_string(hash));
		/* the person behind a sign-in, as the audit log screen names them */
		const char *who = dt_db_column_text(st, 11);
		json_object_set_new(o, "actor_name", who ? json_string(who) : json_null());
		dt_crud_coarsen_event(s, o);
		json_array_append_new(arr, o);
		n++;
	}
	dt_db_reset(st);
	/* not for a reader the event was coarsened for: it shows no hash (coarsen.c) */
	size_t keep = 0;
	for (size_t k = 0; tagged && k < ntagged; k++)
		if (json_is_string(json_object_get(tagged[k], "hash"))) {
			tagged[keep] = tagged[k];
			ids[keep++] = ids[k];
		}
	ntagged = keep;
	char(*hexes)[65] = malloc((ntagged ? ntagged : 1) * sizeof(*hexes));
	rc = tagged && ids && hexes ? dt_audit_hashes_hex(s, ntagged, ids, hexes, err)
				    : dt_error(err, DT_ENOMEM, "out of memory");
	for (size_t k = 0; rc == DT_OK && k < ntagged; k++)
		json_object_set_new(tagged[k], "hash", json_string(hexes[k]));
	free(tagged);
	free(ids);
	free(hexes);
	if (rc != DT_OK) {
		json_decref(arr);
		free(*next);
		*next = NULL;
		goto out;
	}
	*items = arr;
out:
	dt_strbuf_release(&sql);
	json_decref(binds);
	return rc;
}
