/*
 * notify.c - notifications in the store: who receives them, the inbox, the
 * channels each account chose, and the outbox the deliverer drains
 * (migration 014; the rules are domain/notify.c, the sending
 * engine/deliver.c).
 *
 * A notification is made in the transaction of the write that causes it
 * (dt_store_notify, called by contract.c, crud.c, monitor.c, account.c), so
 * that it exists exactly when its cause does; its outbox rows are made in
 * the same transaction, so that a committed notification is never lost
 * before it is delivered.  Recipients are resolved from the accounts' role
 * and scope: an organisation's school or enterprise accounts, a trainee's
 * own accounts, the government and inspector accounts whose region holds a
 * region.  Disabled accounts receive nothing.
 *
 * Reading and marking one's inbox takes the caller's own account id, never
 * one from the request: another's notification answers as a missing one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "domain/field.h"
#include "domain/notify.h"
#include "store/store_internal.h"
#include "core/banned.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Add the ids @sql (one int parameter, @id) selects to @ids, each once. */
static enum dt_err add_ids(struct dt_store *s, const char *sql, int64_t id, json_t *ids,
			   struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		int64_t v = dt_db_column_int64(st, 0);
		size_t i;
		json_t *x;
		bool seen = false;
		json_array_foreach(ids, i, x) if (json_integer_value(x) == v) seen = true;
		if (!seen)
			json_array_append_new(ids, json_integer(v));
	}
	dt_db_reset(st);
	return r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "account", err);
}

static int cmp_ids(const void *a, const void *b)
{
	int64_t x = json_integer_value(*(json_t *const *)a);
	int64_t y = json_integer_value(*(json_t *const *)b);
	return (x > y) - (x < y);
}

enum dt_err dt_store_notify_recipients(struct dt_store *s, const struct dt_notify_to *to,
				       size_t nto, json_t **ids, struct dt_strbuf *err)
{
	static const char *const sql[] = {
		[DT_NOTIFY_TO_ACCOUNT] = "SELECT id FROM account WHERE id = ? AND disabled = 0",
		[DT_NOTIFY_TO_ORG] = "SELECT id FROM account WHERE scope_org = ? AND disabled = 0 "
				     "AND role IN ('school', 'enterprise')",
		[DT_NOTIFY_TO_TRAINEE] = "SELECT id FROM account WHERE scope_trainee = ? AND "
					 "disabled = 0 AND role = 'trainee'",
		[DT_NOTIFY_TO_REGION] =
			"SELECT id FROM account WHERE disabled = 0 AND role IN ('national', "
			"'province', 'city', 'inspector') AND (scope_region IS NULL OR "
			"scope_region IN (SELECT anc FROM region_up WHERE region = ?))",
	};
	json_t *out = json_array();
	enum dt_err rc = DT_OK;
	for (size_t i = 0; i < nto && rc == DT_OK; i++) {
		if ((unsigned)to[i].kind >= DT_ARRAY_SIZE(sql)) {
			rc = dt_error(err, DT_EINTERNAL, "notify: unknown recipient kind");
			break;
		}
		if (to[i].id || to[i].kind == DT_NOTIFY_TO_REGION)
			rc = add_ids(s, sql[to[i].kind], to[i].id, out, err);
	}
	if (rc != DT_OK) {
		json_decref(out);
		return rc;
	}
	/* ascending, so that notifications are made in one order whatever the selectors' */
	size_t n = json_array_size(out);
	if (n > 1) {
		json_t **v = malloc(n * sizeof(*v));
		if (!v) {
			json_decref(out);
			return dt_error(err, DT_ENOMEM, "out of memory");
		}
		for (size_t i = 0; i < n; i++)
			v[i] = json_incref(json_array_get(out, i));
		qsort(v, n, sizeof(*v), cmp_ids);
		json_array_clear(out);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(out, v[i]);
		free(v);
	}
	*ids = out;
	return DT_OK;
}

/* An idempotency key no other outbox row has: the notification, the channel, 64 random bits. */
static void idem_key(int64_t nid, const char *channel, char out[64])
{
	unsigned char r[8];
	char hex[17];
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
	snprintf(out, 64, "n%lld-%s-%s", (long long)nid, channel, hex);
}

/* The outbox rows of notification @nid for @account's chosen channels. */
static enum dt_err queue(struct dt_store *s, int64_t account, int64_t nid, struct dt_strbuf *err)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(s,
			       "SELECT COALESCE(np.email, 0), COALESCE(np.webhook, 0), "
			       "COALESCE(np.email_to, p.email) FROM account a "
			       "LEFT JOIN notify_pref np ON np.account_id = a.id "
			       "LEFT JOIN account_profile p ON p.account_id = a.id WHERE a.id = ?",
			       err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, account);
	bool email = false, webhook = false;
	struct dt_strbuf to = DT_STRBUF_INIT;
	int r = dt_db_step(st);
	if (r == DT_DB_ROW) {
		email = dt_db_column_int64(st, 0) != 0 && dt_db_column_type(st, 2) != DT_DB_NULL;
		webhook = dt_db_column_int64(st, 1) != 0;
		if (email)
			dt_strbuf_adds(&to, dt_db_column_text(st, 2));
	}
	dt_db_reset(st);
	enum dt_err rc = r == DT_DB_ERROR ? dt_sql_error(s, "notify_pref", err) : DT_OK;
	for (int c = 0; c < 2 && rc == DT_OK; c++) {
		if (!(c == 0 ? email : webhook))
			continue;
		const char *channel = c == 0 ? "email" : "webhook";
		char key[64];
		idem_key(nid, channel, key);
		st = dt_sql_prepare(
			s,
			"INSERT INTO notify_outbox(notification_id, channel, address, "
			"idem_key, attempts, next_attempt_at) VALUES (?, ?, ?, ?, 0, ?)",
			err);
		if (!st) {
			rc = DT_EDB;
			break;
		}
		dt_db_bind_int64(st, 1, nid);
		dt_db_bind_text(st, 2, channel, -1);
		if (c == 0)
			dt_db_bind_text(st, 3, to.buf, (int)to.len);
		else
			dt_db_bind_null(st, 3);
		dt_db_bind_text(st, 4, key, -1);
		dt_db_bind_int64(st, 5, now_ms());
		if (dt_db_step(st) != DT_DB_DONE)
			rc = dt_sql_error(s, "notify_outbox", err);
		dt_db_reset(st);
	}
	dt_strbuf_release(&to);
	return rc;
}

/* dt_store_notify inside a transaction. */
static enum dt_err notify_in_tx(struct dt_store *s, const struct dt_notify_to *to, size_t nto,
				const struct dt_notice *n, int *made, struct dt_strbuf *err)
{
	json_t *ids = NULL;
	enum dt_err rc = dt_store_notify_recipients(s, to, nto, &ids, err);
	if (rc != DT_OK)
		return rc;
	json_t *empty = json_object();
	char *args = json_dumps(n->args ? n->args : empty, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(empty);
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		if (!args) {
			rc = dt_error(err, DT_ENOMEM, "out of memory");
			break;
		}
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			"INSERT INTO notification(account_id, kind, code, args, entity, entity_id, "
			"dedup, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
			"ON CONFLICT (account_id, dedup) DO NOTHING RETURNING id",
			err);
		if (!st) {
			rc = DT_EDB;
			break;
		}
		int64_t account = json_integer_value(v);
		dt_db_bind_int64(st, 1, account);
		dt_db_bind_text(st, 2, n->kind, -1);
		dt_db_bind_text(st, 3, n->code, -1);
		dt_db_bind_text(st, 4, args, -1);
		if (n->entity) {
			dt_db_bind_text(st, 5, n->entity, -1);
			dt_db_bind_int64(st, 6, n->entity_id);
		} else {
			dt_db_bind_null(st, 5);
			dt_db_bind_null(st, 6);
		}
		if (n->dedup)
			dt_db_bind_text(st, 7, n->dedup, -1);
		else
			dt_db_bind_null(st, 7);
		dt_db_bind_text(st, 8, now, -1);
		int r = dt_db_step(st);
		int64_t nid = r == DT_DB_ROW ? dt_db_column_int64(st, 0) : 0;
		if (r == DT_DB_ROW)
			r = dt_db_step(st);
		dt_db_reset(st);
		if (r != DT_DB_DONE) {
			rc = dt_sql_error(s, "notification", err);
			break;
		}
		if (!nid) /* already notified under this key */
			continue;
		if ((rc = queue(s, account, nid, err)) != DT_OK)
			break;
		if (made)
			(*made)++;
	}
	free(args);
	json_decref(ids);
	return rc;
}

enum dt_err dt_store_notify(struct dt_store *s, const struct dt_notify_to *to, size_t nto,
			    const struct dt_notice *n, int *made, struct dt_strbuf *err)
{
	if (made)
		*made = 0;
	if (s->depth || s->explicit_tx) {
		if (!s->explicit_tx)
			return notify_in_tx(s, to, nto, n, made, err);
		/* inside bulk work: a savepoint, so that a failure undoes only this */
		enum dt_err rc = dt_tx_begin(s, err);
		if (rc != DT_OK)
			return rc;
		return dt_tx_end(s, notify_in_tx(s, to, nto, n, made, err), err);
	}
	enum dt_err rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	return dt_tx_end(s, notify_in_tx(s, to, nto, n, made, err), err);
}

/* ---- the inbox ---- */

/* The notification at @st's columns 0..7 as the API shows it. */
static json_t *row_json(struct dt_db_stmt *st)
{
	json_t *args = json_loads(dt_db_column_text(st, 3), 0, NULL);
	json_t *o = json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)dt_db_column_int64(st, 0),
			      "kind", dt_db_column_text(st, 1), "code", dt_db_column_text(st, 2),
			      "args", args ? args : json_object());
	if (!o)
		return NULL;
	if (dt_db_column_type(st, 4) != DT_DB_NULL) {
		json_object_set_new(o, "entity", json_string(dt_db_column_text(st, 4)));
		json_object_set_new(o, "entity_id", json_integer(dt_db_column_int64(st, 5)));
	} else {
		json_object_set_new(o, "entity", json_null());
		json_object_set_new(o, "entity_id", json_null());
	}
	json_object_set_new(o, "created_at", json_string(dt_db_column_text(st, 6)));
	json_object_set_new(o, "read_at",
			    dt_db_column_type(st, 7) == DT_DB_NULL
				    ? json_null()
				    : json_string(dt_db_column_text(st, 7)));
	return o;
}

#define NOTE_COLS "id, kind, code, args, entity, entity_id, created_at, read_at"

enum dt_err dt_store_notify_list(struct dt_store *s, int64_t account, int limit, int64_t offset,
				 json_t **out, struct dt_strbuf *err)
{
	if (limit < 1 || limit > 200 || offset < 0)
		return dt_error(err, DT_EINVAL, "limit 1..200, offset >= 0");
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT count(*), coalesce(sum(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0) "
		"FROM notification WHERE account_id = ?",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, account);
	int r = dt_db_step(st);
	int64_t total = r == DT_DB_ROW ? dt_db_column_int64(st, 0) : 0;
	int64_t unread = r == DT_DB_ROW ? dt_db_column_int64(st, 1) : 0;
	dt_db_reset(st);
	if (r != DT_DB_ROW)
		return dt_sql_error(s, "notification", err);
	st = dt_sql_prepare(s,
			    "SELECT " NOTE_COLS " FROM notification WHERE account_id = ? "
			    "ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, id DESC "
			    "LIMIT ? OFFSET ?",
			    err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, account);
	dt_db_bind_int64(st, 2, limit);
	dt_db_bind_int64(st, 3, offset);
	json_t *items = json_array();
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(items, row_json(st));
	dt_db_reset(st);
	if (r != DT_DB_DONE) {
		json_decref(items);
		return dt_sql_error(s, "notification", err);
	}
	*out = json_pack("{s:o, s:I, s:I}", "items", items, "total", (json_int_t)total, "unread",
			 (json_int_t)unread);
	return DT_OK;
}

enum dt_err dt_store_notify_read(struct dt_store *s, const struct dt_actor *a, int64_t account,
				 int64_t id, struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	dt_store_problems_begin(s, NULL);
	enum dt_err rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT read_at FROM notification WHERE id = ? AND account_id = ?", err);
	if (!st)
		return dt_tx_end(s, DT_EDB, err);
	dt_db_bind_int64(st, 1, id);
	dt_db_bind_int64(st, 2, account);
	int r = dt_db_step(st);
	bool unread = r == DT_DB_ROW && dt_db_column_type(st, 0) == DT_DB_NULL;
	dt_db_reset(st);
	if (r == DT_DB_DONE)
		rc = dt_store_problem(s, err, NULL, "notify.not_found", NULL);
	else if (r != DT_DB_ROW)
		rc = dt_sql_error(s, "notification", err);
	if (rc == DT_OK && unread) {
		st = dt_sql_prepare(s, "UPDATE notification SET read_at = ? WHERE id = ?", err);
		if (!st)
			return dt_tx_end(s, DT_EDB, err);
		dt_db_bind_text(st, 1, now, -1);
		dt_db_bind_int64(st, 2, id);
		if (dt_db_step(st) != DT_DB_DONE)
			rc = dt_sql_error(s, "notification", err);
		dt_db_reset(st);
		if (rc == DT_OK) {
			json_t *after = json_pack("{s:s}", "read_at", now);
			rc = dt_audit_append(s, a, "notification.read", "notification", id, NULL,
					     after, err);
			json_decref(after);
		}
	}
	return dt_tx_end(s, rc, err);
}

enum dt_err dt_store_notify_read_all(struct dt_store *s, const struct dt_actor *a, int64_t account,
				     int64_t *n, struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	*n = 0;
	enum dt_err rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "UPDATE notification SET read_at = ? WHERE account_id = ? AND read_at IS NULL",
		err);
	if (!st)
		return dt_tx_end(s, DT_EDB, err);
	dt_db_bind_text(st, 1, now, -1);
	dt_db_bind_int64(st, 2, account);
	if (dt_db_step(st) != DT_DB_DONE)
		rc = dt_sql_error(s, "notification", err);
	else
		*n = dt_db_changes(s->db);
	dt_db_reset(st);
	if (rc == DT_OK && *n) {
		json_t *after = json_pack("{s:s, s:I}", "read_at", now, "count", (json_int_t)*n);
		rc = dt_audit_append(s, a, "notification.read_all", "account", 0, NULL, after, err);
		json_decref(after);
	}
	return dt_tx_end(s, rc, err);
}

/* ---- channels ---- */

enum dt_err dt_store_notify_prefs(struct dt_store *s, int64_t account, json_t **out,
				  struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT COALESCE(np.email, 0), COALESCE(np.webhook, 0), "
		"COALESCE(np.email_to, p.email), COALESCE(np.phone, p.phone) FROM account a "
		"LEFT JOIN notify_pref np ON np.account_id = a.id "
		"LEFT JOIN account_profile p ON p.account_id = a.id WHERE a.id = ?",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, account);
	int r = dt_db_step(st);
	json_t *o = json_pack("{s:b, s:b, s:b, s:n, s:n}", "inapp", 1, "email", 0, "webhook", 0,
			      "email_to", "phone");
	if (r == DT_DB_ROW) {
		json_object_set_new(o, "email", json_boolean(dt_db_column_int64(st, 0)));
		json_object_set_new(o, "webhook", json_boolean(dt_db_column_int64(st, 1)));
		for (int c = 2; c < 4; c++)
			if (dt_db_column_type(st, c) != DT_DB_NULL)
				json_object_set_new(o, c == 2 ? "email_to" : "phone",
						    json_string(dt_db_column_text(st, c)));
	}
	dt_db_reset(st);
	if (r == DT_DB_ERROR) {
		json_decref(o);
		return dt_sql_error(s, "notify_pref", err);
	}
	*out = o;
	return DT_OK;
}

/* Check @in's member @k into @cur: a boolean (@text false) or a text/null address. */
static void pref_field(struct dt_store *s, json_t *in, json_t *cur, const char *k, bool text,
		       struct dt_strbuf *err)
{
	json_t *v = json_object_get(in, k);
	if (!v)
		return;
	if (!text) {
		if (!json_is_boolean(v))
			dt_store_problem(s, err, k, "type.boolean", NULL);
		else
			json_object_set(cur, k, v);
		return;
	}
	if (json_is_null(v) || (json_is_string(v) && !json_string_length(v))) {
		json_object_set_new(cur, k, json_null());
		return;
	}
	if (!json_is_string(v)) {
		dt_store_problem(s, err, k, "type.string", NULL);
		return;
	}
	struct dt_strbuf norm = DT_STRBUF_INIT;
	size_t n0 = s->problems.n;
	enum dt_err bad = !strcmp(k, "email_to")
				  ? dt_field_email(json_string_value(v), &norm, &s->problems, k)
				  : dt_field_phone(json_string_value(v), &norm, &s->problems, k);
	dt_store_problems_noted(s, n0, err);
	if (bad == DT_OK)
		json_object_set_new(cur, k,
				    json_string(norm.len ? norm.buf : json_string_value(v)));
	dt_strbuf_release(&norm);
}

/* Has a problem about @field been recorded in this write? */
static bool field_fault(const struct dt_store *s, const char *field)
{
	for (size_t i = 0; i < s->problems.n; i++)
		if (s->problems.v[i].field && !strcmp(s->problems.v[i].field, field))
			return true;
	return false;
}

enum dt_err dt_store_notify_prefs_set(struct dt_store *s, const struct dt_actor *a, int64_t account,
				      json_t *in, json_t **out, struct dt_strbuf *err)
{
	json_t *before = NULL, *cur = NULL;
	dt_store_problems_begin(s, NULL);
	if (!json_is_object(in))
		return dt_store_problem(s, err, "body", "type.object", NULL);
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v) if (strcmp(k, "email") && strcmp(k, "webhook") &&
					  strcmp(k, "email_to") && strcmp(k, "phone") &&
					  strcmp(k, "inapp"))
		dt_store_problem(s, err, k, "field.unknown", "entity", "", NULL);
	enum dt_err rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	if ((rc = dt_store_notify_prefs(s, account, &before, err)) != DT_OK)
		goto out;
	cur = json_deep_copy(before);
	json_t *inapp = json_object_get(in, "inapp");
	if (inapp && !json_is_true(inapp))
		dt_store_problem(s, err, "inapp", "field.system", NULL);
	pref_field(s, in, cur, "email", false, err);
	pref_field(s, in, cur, "webhook", false, err);
	pref_field(s, in, cur, "email_to", true, err);
	pref_field(s, in, cur, "phone", true, err);
	/* a channel on with no address (unless the address given was refused already) */
	bool bad_to = field_fault(s, "email_to"), bad_phone = field_fault(s, "phone");
	if (!bad_to && json_is_true(json_object_get(cur, "email")) &&
	    json_is_null(json_object_get(cur, "email_to")))
		dt_store_problem(s, err, "email_to", "notify.channel_address", NULL);
	if (!bad_phone && json_is_true(json_object_get(cur, "webhook")) &&
	    json_is_null(json_object_get(cur, "phone")))
		dt_store_problem(s, err, "phone", "notify.channel_address", NULL);
	if (dt_ferr_count(s)) {
		rc = DT_EINVAL;
		goto out;
	}
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"INSERT INTO notify_pref(account_id, email, webhook, email_to, phone, updated_at) "
		"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET "
		"email = excluded.email, webhook = excluded.webhook, email_to = excluded.email_to, "
		"phone = excluded.phone, updated_at = excluded.updated_at",
		err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	dt_db_bind_int64(st, 1, account);
	dt_db_bind_int64(st, 2, json_is_true(json_object_get(cur, "email")));
	dt_db_bind_int64(st, 3, json_is_true(json_object_get(cur, "webhook")));
	dt_sql_bind_json(st, 4, json_object_get(cur, "email_to"));
	dt_sql_bind_json(st, 5, json_object_get(cur, "phone"));
	dt_db_bind_text(st, 6, now, -1);
	if (dt_db_step(st) != DT_DB_DONE)
		rc = dt_sql_error(s, "notify_pref", err);
	dt_db_reset(st);
	if (rc == DT_OK) {
		json_t *db = NULL, *da = NULL;
		dt_audit_diff(before, cur, &db, &da);
		if (json_object_size(da))
			rc = dt_audit_append(s, a, "notify_pref.update", "notify_pref", account, db,
					     da, err);
		json_decref(db);
		json_decref(da);
	}
out:
	rc = dt_tx_end(s, rc, err);
	json_decref(before);
	if (rc == DT_OK && out)
		*out = cur;
	else
		json_decref(cur);
	return rc;
}

/* ---- findings due ---- */

enum dt_err dt_store_notify_findings_due(struct dt_store *s, struct dt_date today, int *made,
					 struct dt_strbuf *err)
{
	*made = 0;
	char lo[DT_DATE_STRLEN], hi[DT_DATE_STRLEN];
	dt_date_format(today, lo);
	dt_date_format(dt_date_add_days(today, 7), hi);
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT id, org_id, deadline FROM finding WHERE status IN ('open', 'rectifying') "
		"AND deadline >= ? AND deadline <= ? ORDER BY id",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, lo, -1);
	dt_db_bind_text(st, 2, hi, -1);
	json_t *rows = json_array();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(rows,
				      json_pack("[I, I, s]", (json_int_t)dt_db_column_int64(st, 0),
						(json_int_t)dt_db_column_int64(st, 1),
						dt_db_column_text(st, 2)));
	dt_db_reset(st);
	enum dt_err rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "finding", err);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		if (rc != DT_OK)
			break;
		int64_t id = json_integer_value(json_array_get(row, 0));
		const char *deadline = json_string_value(json_array_get(row, 2));
		struct dt_date d;
		if (dt_date_parse(deadline, &d, "deadline", NULL) != DT_OK)
			continue;
		int32_t left = dt_date_to_days(d) - dt_date_to_days(today);
		int t = dt_notify_due_threshold(left);
		if (!t)
			continue;
		char dedup[80];
		snprintf(dedup, sizeof(dedup), "finding_due:%lld:%d:%s", (long long)id, t,
			 deadline);
		json_t *args = json_pack("{s:I, s:I, s:s}", "finding", (json_int_t)id, "days",
					 (json_int_t)left, "deadline", deadline);
		struct dt_notice n = { "finding_due", "notify.finding_due", args, "finding", id,
				       dedup };
		struct dt_notify_to to = { DT_NOTIFY_TO_ORG,
					   json_integer_value(json_array_get(row, 1)) };
		int k = 0;
		rc = dt_store_notify(s, &to, 1, &n, &k, err);
		*made += k;
		json_decref(args);
	}
	json_decref(rows);
	return rc;
}

/* ---- the outbox ---- */

enum dt_err dt_store_outbox_claim(struct dt_store *s, const char *worker, int64_t now,
				  int64_t lease_ms, int max, json_t **items, struct dt_strbuf *err)
{
	bool pg = dt_db_dialect(s->db) == DT_DB_PGSQL;
	enum dt_err rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	json_t *out = json_array();
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		pg ? "UPDATE notify_outbox SET claimed_by = ?, claimed_until = ?, "
		     "attempts = attempts + 1 WHERE id IN (SELECT id FROM notify_outbox WHERE "
		     "sent_at IS NULL AND next_attempt_at <= ? AND (claimed_until IS NULL OR "
		     "claimed_until < ?) ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING id"
		   : "UPDATE notify_outbox SET claimed_by = ?, claimed_until = ?, "
		     "attempts = attempts + 1 WHERE id IN (SELECT id FROM notify_outbox WHERE "
		     "sent_at IS NULL AND next_attempt_at <= ? AND (claimed_until IS NULL OR "
		     "claimed_until < ?) ORDER BY id LIMIT ?) RETURNING id",
		err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	dt_db_bind_text(st, 1, worker, -1);
	dt_db_bind_int64(st, 2, now + lease_ms);
	dt_db_bind_int64(st, 3, now);
	dt_db_bind_int64(st, 4, now);
	dt_db_bind_int64(st, 5, max);
	json_t *ids = json_array();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(ids, json_integer(dt_db_column_int64(st, 0)));
	dt_db_reset(st);
	if (r != DT_DB_DONE) {
		json_decref(ids);
		rc = dt_sql_error(s, "notify_outbox", err);
		goto out;
	}
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		st = dt_sql_prepare(
			s,
			"SELECT o.id, o.channel, o.address, o.idem_key, o.attempts, a.login, p.phone, "
			"n.id, n.kind, n.code, n.args, n.entity, n.entity_id, n.created_at "
			"FROM notify_outbox o JOIN notification n ON n.id = o.notification_id "
			"JOIN account a ON a.id = n.account_id "
			"LEFT JOIN notify_pref p ON p.account_id = a.id WHERE o.id = ?",
			err);
		if (!st) {
			rc = DT_EDB;
			break;
		}
		dt_db_bind_int64(st, 1, json_integer_value(v));
		if (dt_db_step(st) == DT_DB_ROW) {
			json_t *args = json_loads(dt_db_column_text(st, 10), 0, NULL);
			json_t *note = json_pack("{s:I, s:s, s:s, s:o, s:s}", "id",
						 (json_int_t)dt_db_column_int64(st, 7), "kind",
						 dt_db_column_text(st, 8), "code",
						 dt_db_column_text(st, 9), "args",
						 args ? args : json_object(), "created_at",
						 dt_db_column_text(st, 13));
			json_object_set_new(note, "entity",
					    dt_db_column_type(st, 11) == DT_DB_NULL
						    ? json_null()
						    : json_string(dt_db_column_text(st, 11)));
			json_object_set_new(note, "entity_id",
					    dt_db_column_type(st, 12) == DT_DB_NULL
						    ? json_null()
						    : json_integer(dt_db_column_int64(st, 12)));
			json_t *o = json_pack("{s:I, s:s, s:s?, s:s, s:I, s:s, s:s?, s:o}", "id",
					      (json_int_t)dt_db_column_int64(st, 0), "channel",
					      dt_db_column_text(st, 1), "address",
					      dt_db_column_text(st, 2), "idem_key",
					      dt_db_column_text(st, 3), "attempts",
					      (json_int_t)dt_db_column_int64(st, 4), "login",
					      dt_db_column_text(st, 5), "phone",
					      dt_db_column_text(st, 6), "notification", note);
			json_array_append_new(out, o);
		}
		dt_db_reset(st);
	}
	json_decref(ids);
out:
	rc = dt_tx_end(s, rc, err);
	if (rc == DT_OK)
		*items = out;
	else
		json_decref(out);
	return rc;
}

enum dt_err dt_store_outbox_due(struct dt_store *s, int64_t now, int64_t *n, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT count(*) FROM notify_outbox WHERE sent_at IS NULL AND next_attempt_at <= ? "
		"AND (claimed_until IS NULL OR claimed_until < ?)",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, now);
	dt_db_bind_int64(st, 2, now);
	int r = dt_db_step(st);
	*n = r == DT_DB_ROW ? dt_db_column_int64(st, 0) : 0;
	dt_db_reset(st);
	return r == DT_DB_ROW ? DT_OK : dt_sql_error(s, "notify_outbox", err);
}

enum dt_err dt_store_outbox_done(struct dt_store *s, int64_t id, const char *worker,
				 struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	enum dt_err rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"UPDATE notify_outbox SET sent_at = ?, claimed_by = NULL, claimed_until = NULL, "
		"last_error = NULL WHERE id = ? AND sent_at IS NULL AND (claimed_by = ? OR "
		"claimed_by IS NULL)",
		err);
	if (!st)
		return dt_tx_end(s, DT_EDB, err);
	dt_db_bind_text(st, 1, now, -1);
	dt_db_bind_int64(st, 2, id);
	dt_db_bind_text(st, 3, worker, -1);
	if (dt_db_step(st) != DT_DB_DONE)
		rc = dt_sql_error(s, "notify_outbox", err);
	dt_db_reset(st);
	return dt_tx_end(s, rc, err);
}

enum dt_err dt_store_outbox_fail(struct dt_store *s, int64_t id, const char *worker, int64_t now,
				 const char *why, struct dt_strbuf *err)
{
	enum dt_err rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT attempts FROM notify_outbox WHERE id = ? AND claimed_by = ?", err);
	if (!st)
		return dt_tx_end(s, DT_EDB, err);
	dt_db_bind_int64(st, 1, id);
	dt_db_bind_text(st, 2, worker, -1);
	int r = dt_db_step(st);
	int64_t attempts = r == DT_DB_ROW ? dt_db_column_int64(st, 0) : 0;
	dt_db_reset(st);
	if (r == DT_DB_ERROR)
		return dt_tx_end(s, dt_sql_error(s, "notify_outbox", err), err);
	if (r == DT_DB_DONE) /* the lease ran out and another took it: theirs now */
		return dt_tx_end(s, DT_OK, err);
	st = dt_sql_prepare(s,
			    "UPDATE notify_outbox SET claimed_by = NULL, claimed_until = NULL, "
			    "last_error = ?, next_attempt_at = ? WHERE id = ?",
			    err);
	if (!st)
		return dt_tx_end(s, DT_EDB, err);
	/* at most 500 bytes of the reason, cut on a character boundary */
	size_t n = strlen(why);
	if (n > 500) {
		n = 500;
		while (n && ((unsigned char)why[n] & 0xc0) == 0x80)
			n--;
	}
	dt_db_bind_text(st, 1, why, (int)n);
	dt_db_bind_int64(st, 2, now + dt_notify_backoff_ms(attempts));
	dt_db_bind_int64(st, 3, id);
	if (dt_db_step(st) != DT_DB_DONE)
		rc = dt_sql_error(s, "notify_outbox", err);
	dt_db_reset(st);
	return dt_tx_end(s, rc, err);
}

enum dt_err dt_store_outbox_stats(struct dt_store *s, json_t **out, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT coalesce(sum(CASE WHEN sent_at IS NULL THEN 1 ELSE 0 END), 0), "
		"coalesce(sum(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0), "
		"coalesce(sum(CASE WHEN sent_at IS NULL AND last_error IS NOT NULL THEN 1 ELSE 0 "
		"END), 0) FROM notify_outbox",
		err);
	if (!st)
		return DT_EDB;
	int r = dt_db_step(st);
	if (r == DT_DB_ROW)
		*out = json_pack("{s:I, s:I, s:I}", "pending",
				 (json_int_t)dt_db_column_int64(st, 0), "sent",
				 (json_int_t)dt_db_column_int64(st, 1), "failing",
				 (json_int_t)dt_db_column_int64(st, 2));
	dt_db_reset(st);
	return r == DT_DB_ROW ? DT_OK : dt_sql_error(s, "notify_outbox", err);
}

/* ---- the events of the store's own writes ---- */

/* A JSON integer member of @o, 0 when absent. */
static int64_t member_id(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

enum dt_err dt_notify_contract_submitted(struct dt_store *s, json_t *raw, struct dt_strbuf *err)
{
	int64_t id = member_id(raw, "id");
	json_t *args = json_pack("{s:I, s:s, s:s}", "contract", (json_int_t)id, "start",
				 json_string_value(json_object_get(raw, "start_date"))
					 ? json_string_value(json_object_get(raw, "start_date"))
					 : "",
				 "end",
				 json_string_value(json_object_get(raw, "end_date"))
					 ? json_string_value(json_object_get(raw, "end_date"))
					 : "");
	struct dt_notice n = {
		"contract_approval", "notify.contract_approval", args, "contract", id, NULL
	};
	struct dt_notify_to to[] = {
		{ DT_NOTIFY_TO_ORG, member_id(raw, "enterprise_id") },
		{ DT_NOTIFY_TO_ORG, member_id(raw, "school_id") },
		{ DT_NOTIFY_TO_TRAINEE, member_id(raw, "trainee_id") },
	};
	enum dt_err rc = dt_store_notify(s, to, DT_ARRAY_SIZE(to), &n, NULL, err);
	json_decref(args);
	return rc;
}

enum dt_err dt_notify_record_entry(struct dt_store *s, json_t *entry, struct dt_strbuf *err)
{
	json_t *signed_at = json_object_get(entry, "signed_at");
	if (signed_at && !json_is_null(signed_at))
		return DT_OK;
	int64_t cid = member_id(entry, "contract_id");
	const char *site = json_string_value(json_object_get(entry, "site"));
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT enterprise_id, school_id FROM contract WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, cid);
	int r = dt_db_step(st);
	int64_t org = 0;
	if (r == DT_DB_ROW)
		org = dt_db_column_int64(st, site && !strcmp(site, "school") ? 1 : 0);
	dt_db_reset(st);
	if (r == DT_DB_ERROR)
		return dt_sql_error(s, "contract", err);
	if (!org)
		return DT_OK;
	/* one a day per account: the first entry of the day links to the workbench */
	char today[DT_DATE_STRLEN], dedup[40];
	dt_date_format(dt_date_today(), today);
	snprintf(dedup, sizeof(dedup), "record_signoff:%s", today);
	const char *date = json_string_value(json_object_get(entry, "date"));
	json_t *args =
		json_pack("{s:I, s:s}", "contract", (json_int_t)cid, "date", date ? date : "");
	struct dt_notice n = { "record_signoff", "notify.record_signoff", args,
			       "record_entry",   member_id(entry, "id"),  dedup };
	struct dt_notify_to to = { DT_NOTIFY_TO_ORG, org };
	enum dt_err rc = dt_store_notify(s, &to, 1, &n, NULL, err);
	json_decref(args);
	return rc;
}

/*
 * Whether organisation @org may read alert @id: the party rule of crud.c, the
 * one the lists and the single read apply, so that a notification never links
 * an organisation to an alert it cannot open.
 */
static enum dt_err org_reads_alert(struct dt_store *s, int64_t org, int64_t id, bool *reads,
				   struct dt_strbuf *err)
{
	*reads = false;
	if (org <= 0)
		return DT_OK;
	struct dt_scope scope = { .org_id = org };
	json_t *o = NULL;
	enum dt_err rc = dt_crud_get(s, dt_entity_find("alert"), &scope, id, 0, &o, err);
	json_decref(o);
	*reads = rc == DT_OK;
	if (rc == DT_ENOTFOUND) {
		dt_strbuf_reset(err);
		rc = DT_OK;
	}
	return rc;
}

enum dt_err dt_notify_alert(struct dt_store *s, int64_t id, const struct dt_alert_in *in,
			    struct dt_strbuf *err)
{
	struct dt_notify_to to[3] = { { DT_NOTIFY_TO_REGION, in->region } };
	size_t nto = 1;
	/* the organisations its subject names, kept when the party rule lets them read it
	 * (a finding's organisation hears of its deadline by the finding_due notice) */
	int64_t orgs[2] = { 0, 0 };
	const char *q = NULL;
	if (in->subject_kind && !strcmp(in->subject_kind, "organization"))
		orgs[0] = in->subject_id;
	else if (in->subject_kind && !strcmp(in->subject_kind, "contract"))
		q = "SELECT enterprise_id, school_id FROM contract WHERE id = ?";
	if (q) {
		struct dt_db_stmt *st = dt_sql_prepare(s, q, err);
		if (!st)
			return DT_EDB;
		dt_db_bind_int64(st, 1, in->subject_id);
		int r = dt_db_step(st);
		if (r == DT_DB_ROW) {
			orgs[0] = dt_db_column_int64(st, 0);
			orgs[1] = dt_db_column_int64(st, 1);
		}
		dt_db_reset(st);
		if (r == DT_DB_ERROR)
			return dt_sql_error(s, in->subject_kind, err);
	}
	for (size_t i = 0; i < DT_ARRAY_SIZE(orgs); i++) {
		bool reads;
		enum dt_err rc = org_reads_alert(s, orgs[i], id, &reads, err);
		if (rc != DT_OK)
			return rc;
		if (reads)
			to[nto++] = (struct dt_notify_to){ DT_NOTIFY_TO_ORG, orgs[i] };
	}
	json_t *args = json_pack("{s:s, s:s, s:s}", "rule", in->rule ? in->rule : "", "message_zh",
				 in->message_zh ? in->message_zh : "", "message_en",
				 in->message_en ? in->message_en : "");
	struct dt_notice n = { "alert", "notify.alert", args, "alert", id, NULL };
	enum dt_err rc = dt_store_notify(s, to, nto, &n, NULL, err);
	json_decref(args);
	return rc;
}

enum dt_err dt_notify_account_created(struct dt_store *s, int64_t id, const char *login,
				      struct dt_strbuf *err)
{
	json_t *args = json_pack("{s:s}", "login", login);
	struct dt_notice n = { "account_created", "notify.account_created", args, NULL, 0, NULL };
	struct dt_notify_to to = { DT_NOTIFY_TO_ACCOUNT, id };
	enum dt_err rc = dt_store_notify(s, &to, 1, &n, NULL, err);
	json_decref(args);
	return rc;
}

enum dt_err dt_store_notify_replay(struct dt_store *s, const char *entity, int64_t id,
				   struct dt_strbuf *err)
{
	json_t *row = NULL;
	enum dt_err rc;
	if (!strcmp(entity, "contract")) {
		if ((rc = dt_sql_row(s, "contract", id, &row, err)) == DT_OK)
			rc = dt_notify_contract_submitted(s, row, err);
	} else if (!strcmp(entity, "record_entry")) {
		if ((rc = dt_crud_get(s, dt_entity_find("record_entry"), NULL, id, 0, &row, err)) ==
		    DT_OK)
			rc = dt_notify_record_entry(s, row, err);
	} else if (!strcmp(entity, "alert")) {
		if ((rc = dt_sql_row(s, "alert", id, &row, err)) == DT_OK) {
			struct dt_alert_in in = {
				.rule = json_string_value(json_object_get(row, "rule")),
				.severity = json_string_value(json_object_get(row, "severity")),
				.subject_kind =
					json_string_value(json_object_get(row, "subject_kind")),
				.subject_id = member_id(row, "subject_id"),
				.region = (int)member_id(row, "region"),
				.message_zh = json_string_value(json_object_get(row, "message_zh")),
				.message_en = json_string_value(json_object_get(row, "message_en")),
			};
			rc = dt_notify_alert(s, id, &in, err);
		}
	} else {
		rc = dt_error(err, DT_EINVAL, "notify: no event of %s to replay", entity);
	}
	json_decref(row);
	return rc;
}
