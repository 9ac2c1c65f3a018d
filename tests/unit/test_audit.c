/*
 * test_audit.c - unit tests of the audit hash chain (store/audit.c).
 *
 * After a series of ordinary writes the chain verifies with the right count.
 * Then each kind of tampering is done to the file through a separate sqlite3
 * connection - one column of one event edited, an event removed from the
 * middle, the start or the end, two events swapped, a hash replaced by
 * another event's - and dt_store_audit_verify() must fail with DT_ECORRUPT
 * naming the event at fault.  After each, the table is restored from a copy and verifies again.
 * Also: failed writes append nothing, ids stay consecutive (also across a
 * bulk transaction with a failed write in it), and identity numbers appear
 * in the chain masked only.
 *
 * The compact format (format 2, migration 007; format 3, migration 010): a
 * create stores the object once, an update the changed fields only, a
 * delete the whole object; the time is stored in milliseconds and the
 * action without its entity, and the previous hash is not stored; a
 * tampered diff is found; a chain written in formats 1 and 2 (by this
 * file's own implementation of the old definitions: format 1 hex hashes
 * hashed over the previous hash in hex, format 2 byte hashes) still
 * verifies after migration 010, and its checkpoint still holds; and the
 * fold of a record's events equals the record after random updates (a
 * property test), which the records check relies on.
 */
#include <sodium.h>
#include <zlib.h>

#include "core/embedded.h"
#include "store_fixture.h"

struct chain {
	struct fx *f;
	int64_t base; /* events before this test's writes */
	int64_t n;    /* events after them */
	int64_t upd;  /* the update event: every column non-null */
};

static int64_t org(struct fx *f, const char *name)
{
	return fx_org(f, "enterprise", 210102, name);
}

/* A series of writes of every kind; returns the chain's shape. */
static struct chain writes(struct fx *f)
{
	struct chain c = { f, fx_audit_count(f), 0, 0 };
	int64_t a = org(f, "甲公司");
	org(f, "乙公司");
	/* The update carries a request id, so every column of its event is set. */
	f->actor.request_id = "req-42";
	json_t *patch = json_pack("{s:s}", "name", "甲公司(新)");
	assert_int_equal(
		dt_store_update(f->s, &f->actor, NULL, "organization", a, patch, NULL, &f->err),
		DT_OK);
	json_decref(patch);
	f->actor.request_id = NULL;
	c.upd = c.base + 3;
	json_t *info = json_pack("{s:i}", "rows", 2);
	assert_int_equal(dt_store_audit(f->s, &f->actor, "organization.export", "organization", 0,
					NULL, info, &f->err),
			 DT_OK);
	json_decref(info);
	int64_t gone = org(f, "丙公司");
	assert_int_equal(dt_store_delete(f->s, &f->actor, NULL, "organization", gone, &f->err),
			 DT_OK);
	fx_trainee(f, "210102", NULL);
	org(f, "丁公司");
	c.n = fx_audit_count(f);
	assert_int_equal(c.n, c.base + 8);
	/* The copy each tampering is undone from. */
	fx_sql_exec(f, "CREATE TABLE audit_copy AS SELECT * FROM audit");
	return c;
}

static void restore(struct fx *f)
{
	fx_sql_exec(f, "DELETE FROM audit; INSERT INTO audit SELECT * FROM audit_copy");
}

static void assert_verifies(struct fx *f, int64_t n)
{
	int64_t checked = -1;
	dt_strbuf_reset(&f->err);
	if (dt_store_audit_verify(f->s, &checked, &f->err) != DT_OK)
		fail_msg("verify: %s", f->err.buf);
	assert_int_equal(checked, n);
}

/* Verify fails with DT_ECORRUPT and a message holding each of the NULL-ended parts. */
static void assert_corrupt(struct fx *f, const char *what, ...)
{
	int64_t checked = -1;
	dt_strbuf_reset(&f->err);
	int rc = dt_store_audit_verify(f->s, &checked, &f->err);
	if (rc != DT_ECORRUPT)
		fail_msg("%s: verify gave %d (%s), not DT_ECORRUPT", what, rc, f->err.buf);
	va_list ap;
	va_start(ap, what);
	for (const char *part; (part = va_arg(ap, const char *));)
		if (!strstr(f->err.buf, part))
			fail_msg("%s: '%s' does not name '%s'", what, f->err.buf, part);
	va_end(ap);
}

/* "<pre><id><post>" in @buf. */
static const char *ev(char *buf, size_t n, const char *pre, int64_t id, const char *post)
{
	snprintf(buf, n, "%s%lld%s", pre, (long long)id, post);
	return buf;
}

/* The first event of format 5, as meta says (INT64_MAX: none). */
static int64_t v5_from(struct fx *f)
{
	return fx_sql_int(f, "SELECT coalesce((SELECT CAST(value AS BIGINT) FROM meta WHERE key = "
			     "'audit_v5_from'), 9223372036854775807)");
}

/* The first event that may store a tag of its hash, as meta says (INT64_MAX: none). */
static int64_t tag_from(struct fx *f)
{
	return fx_sql_int(f, "SELECT coalesce((SELECT CAST(value AS BIGINT) FROM meta WHERE key = "
			     "'audit_tag_from'), 9223372036854775807)");
}

static void test_verify_after_writes(void **state)
{
	struct fx *f = *state;
	/* The reference data alone: one event per region and occupation. */
	assert_verifies(f, fx_rows(f, "region") + fx_rows(f, "occupation"));
	struct chain c = writes(f);
	assert_verifies(f, c.n);
	assert_int_equal(fx_sql_int(f, "SELECT CASE WHEN count(*) = max(id) AND min(id) = 1 THEN 1 "
				       "ELSE 0 END FROM audit"),
			 1);
	/* The events of this test, in order. */
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT action FROM audit WHERE id > %lld ORDER BY id",
		 (long long)c.base);
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = NULL;
	st = fx_prepare(db, sql);
	struct dt_strbuf actions = DT_STRBUF_INIT;
	while (dt_db_step(st) == DT_DB_ROW)
		dt_strbuf_addf(&actions, "%s%s", actions.len ? " " : "", dt_db_column_text(st, 0));
	/* stored without the entity they name (format 3) ... */
	assert_string_equal(actions.buf, "create create update export create delete create create");
	dt_strbuf_release(&actions);
	dt_db_finalize(st);
	dt_db_close(db);
	/* ... and shown whole, with the time as text */
	json_t *items = NULL;
	char *next = NULL;
	struct dt_query q = { .limit = 8 };
	assert_int_equal(dt_store_audit_list(f->s, NULL, &q, &items, &next, &f->err), DT_OK);
	assert_string_equal(fx_str(json_array_get(items, 0), "action"), "organization.create");
	assert_string_equal(fx_str(json_array_get(items, 2), "action"), "organization.delete");
	assert_string_equal(fx_str(json_array_get(items, 4), "action"), "organization.export");
	assert_string_equal(fx_str(json_array_get(items, 1), "action"), "trainee.create");
	int64_t ms = 0;
	assert_true(dt_time_to_ms(fx_str(json_array_get(items, 0), "ts"), &ms));
	snprintf(sql, sizeof(sql), "SELECT ts FROM audit WHERE id = %lld", (long long)c.n);
	assert_int_equal(fx_sql_int(f, sql), ms);
	json_decref(items);
	free(next);
	/* An empty database has an empty, valid chain. */
	struct dt_store *s2 = NULL;
	char p2[160];
	snprintf(p2, sizeof(p2), "%s/empty.db", f->dir);
	assert_int_equal(dt_store_open(&s2, p2, &f->keys, DT_STORE_CREATE, &f->err), DT_OK);
	int64_t checked = -1;
	assert_int_equal(dt_store_audit_verify(s2, &checked, &f->err), DT_OK);
	assert_int_equal(checked, 0);
	dt_store_close(s2);
	unlink(p2);
}

static void test_edit_each_column(void **state)
{
	struct fx *f = *state;
	struct chain c = writes(f);
	static const struct {
		const char *col, *set;
	} edits[] = {
		{ "ts", "1577836800000" },
		{ "ts", "ts + 1" },
		{ "actor", "'intruder'" },
		{ "request_id", "NULL" },
		{ "request_id", "'req-43'" },
		{ "action", "'create'" },
		{ "action", "'organization.update'" }, /* the same action, written whole */
		{ "entity", "'trainee'" },
		{ "entity_id", "entity_id * 10" },
		{ "entity_id", "NULL" },
		/* its payloads are packed (format 5): text beside them, or them gone */
		{ "before", "'{\"name\":\"甲公司\"}'" },
		{ "after", "'{\"name\":\"forged\"}'" },
		{ "packed", "NULL" },
		{ "packed", "(SELECT c.packed FROM audit_copy c WHERE c.id = audit.id - 1)" },
		{ "hash", "(SELECT c.hash FROM audit_copy c WHERE c.id = audit.id - 1)" },
	};
	bool packed = false;
	char *b, *a;
	fx_audit_texts(f, c.upd, &b, &a, &packed);
	assert_true(packed);
	assert_non_null(strstr(b, "\"name\":\"甲公司\""));
	/* (and updated_at too when the clock turned a millisecond between it and the event's ts) */
	assert_non_null(strstr(a, "\"name\":\"甲公司(新)\""));
	free(b);
	free(a);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM audit WHERE packed IS NOT NULL AND "
				       "(before IS NOT NULL OR after IS NOT NULL)"),
			 0);
	char want[64], sql[256];
	for (size_t i = 0; i < DT_ARRAY_SIZE(edits); i++) {
		snprintf(sql, sizeof(sql), "UPDATE audit SET %s = %s WHERE id = %lld", edits[i].col,
			 edits[i].set, (long long)c.upd);
		fx_sql_exec(f, sql);
		assert_corrupt(f, sql, ev(want, sizeof(want), "audit event ", c.upd, " ("),
			       "edited", (const char *)NULL);
		restore(f);
		assert_verifies(f, c.n);
	}
	/* The same on the first event and on the last. */
	fx_sql_exec(f, "UPDATE audit SET actor = 'intruder' WHERE id = 1");
	assert_corrupt(f, "first", "audit event 1 (", (const char *)NULL);
	restore(f);
	snprintf(sql, sizeof(sql), "UPDATE audit SET ts = 4070908800000 WHERE id = %lld",
		 (long long)c.n);
	fx_sql_exec(f, sql);
	assert_corrupt(f, "last", ev(want, sizeof(want), "audit event ", c.n, " ("),
		       (const char *)NULL);
	restore(f);
	assert_verifies(f, c.n);
}

static void test_remove_events(void **state)
{
	struct fx *f = *state;
	struct chain c = writes(f);
	char want[64], want2[64], sql[128];

	/* From the middle. */
	int64_t k = c.base + 4;
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE id = %lld", (long long)k);
	fx_sql_exec(f, sql);
	assert_corrupt(f, sql, ev(want, sizeof(want), "audit event ", k, " is missing"), "removed",
		       (const char *)NULL);
	restore(f);
	assert_verifies(f, c.n);

	/* Several from the middle. */
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE id BETWEEN %lld AND %lld", (long long)k,
		 (long long)(k + 2));
	fx_sql_exec(f, sql);
	assert_corrupt(f, sql, ev(want, sizeof(want), "audit event ", k, " is missing"),
		       (const char *)NULL);
	restore(f);

	/* The first. */
	fx_sql_exec(f, "DELETE FROM audit WHERE id = 1");
	assert_corrupt(f, "first", "audit event 1 is missing", (const char *)NULL);
	restore(f);

	/* The last (tail truncation): the recorded head still names it. */
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE id = %lld", (long long)c.n);
	fx_sql_exec(f, sql);
	assert_corrupt(f, sql, ev(want, sizeof(want), "ends at event ", c.n - 1, " "),
		       ev(want2, sizeof(want2), "head is event ", c.n, ""), "removed from the end",
		       (const char *)NULL);
	restore(f);

	/* The last three. */
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE id > %lld", (long long)(c.n - 3));
	fx_sql_exec(f, sql);
	assert_corrupt(f, sql, ev(want, sizeof(want), "ends at event ", c.n - 3, " "),
		       ev(want2, sizeof(want2), "head is event ", c.n, ""), (const char *)NULL);
	restore(f);

	/* All of them. */
	fx_sql_exec(f, "DELETE FROM audit");
	assert_corrupt(f, "all", "ends at event 0 ", (const char *)NULL);
	restore(f);

	/* The head record itself removed. */
	fx_sql_exec(f, "CREATE TABLE meta_copy AS SELECT * FROM meta; "
		       "DELETE FROM meta WHERE key = 'audit_head'");
	assert_corrupt(f, "head", ev(want, sizeof(want), "head (event ", c.n, ")"),
		       (const char *)NULL);
	fx_sql_exec(f, "INSERT INTO meta SELECT * FROM meta_copy WHERE key = 'audit_head'");
	assert_verifies(f, c.n);
}

static void test_reorder_events(void **state)
{
	struct fx *f = *state;
	struct chain c = writes(f);
	char want[64], sql[512];
	static const char all_cols[] =
		"ts, actor, request_id, action, entity, entity_id, before, after, hash";
	static const char content_cols[] =
		"ts, actor, request_id, action, entity, entity_id, before, after";
	const int64_t pairs[][2] = {
		{ c.base + 2, c.base + 5 }, { c.base + 3, c.base + 4 }, { 1, 2 }, { c.n - 1, c.n }
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(pairs); i++) {
		int64_t j = pairs[i][0], k = pairs[i][1];
		/* Whole events swapped, hashes included: event j no longer follows j - 1. */
		snprintf(
			sql, sizeof(sql),
			"UPDATE audit SET (%s) = (SELECT %s FROM audit_copy c WHERE c.id = "
			"CASE audit.id WHEN %lld THEN %lld ELSE %lld END) WHERE id IN (%lld, %lld)",
			all_cols, all_cols, (long long)j, (long long)k, (long long)j, (long long)j,
			(long long)k);
		fx_sql_exec(f, sql);
		assert_corrupt(f, "swap", ev(want, sizeof(want), "audit event ", j, " ("),
			       (const char *)NULL);
		restore(f);
		/* Only the content swapped, the hashes left in place: event j no longer matches. */
		snprintf(
			sql, sizeof(sql),
			"UPDATE audit SET (%s) = (SELECT %s FROM audit_copy c WHERE c.id = "
			"CASE audit.id WHEN %lld THEN %lld ELSE %lld END) WHERE id IN (%lld, %lld)",
			content_cols, content_cols, (long long)j, (long long)k, (long long)j,
			(long long)j, (long long)k);
		fx_sql_exec(f, sql);
		assert_corrupt(f, "swap content", ev(want, sizeof(want), "audit event ", j, " ("),
			       (const char *)NULL);
		restore(f);
	}
	/* An event moved to the end under a new id. */
	snprintf(sql, sizeof(sql), "UPDATE audit SET id = %lld WHERE id = %lld",
		 (long long)(c.n + 1), (long long)(c.base + 2));
	fx_sql_exec(f, sql);
	assert_corrupt(f, "moved",
		       ev(want, sizeof(want), "audit event ", c.base + 2, " is missing"),
		       (const char *)NULL);
	restore(f);
	assert_verifies(f, c.n);
}

/*
 * Events removed from the end, then more writes through the store: the new
 * events must not take the removed ones' places, or the truncation would
 * vanish from the record.  Likewise inside a bulk transaction.
 */
static void test_truncation_survives_writes(void **state)
{
	struct fx *f = *state;
	struct chain c = writes(f);
	char want[64], sql[128];
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE id >= %lld", (long long)(c.n - 1));
	fx_sql_exec(f, sql);
	org(f, "后来公司");
	assert_corrupt(f, "after a write",
		       ev(want, sizeof(want), "audit event ", c.n - 1, " is missing"),
		       (const char *)NULL);
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_OK);
	org(f, "批量一");
	org(f, "批量二");
	assert_int_equal(dt_store_commit(f->s, &f->err), DT_OK);
	assert_corrupt(f, "after a bulk write",
		       ev(want, sizeof(want), "audit event ", c.n - 1, " is missing"),
		       (const char *)NULL);
	/* The events written since are chained on from the recorded head. */
	snprintf(sql, sizeof(sql), "SELECT min(id) FROM audit WHERE id > %lld",
		 (long long)(c.n - 2));
	assert_int_equal(fx_sql_int(f, sql), c.n + 1);
}

/* An event added behind the store's back, without the head, is found. */
static void test_forged_append(void **state)
{
	struct fx *f = *state;
	struct chain c = writes(f);
	char want[64], sql[256];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO audit(id, ts, actor, action, entity, hash) SELECT id + 1, ts, "
		 "'intruder', action, entity, hash FROM audit WHERE id = %lld",
		 (long long)c.n);
	fx_sql_exec(f, sql);
	assert_corrupt(f, "forged", ev(want, sizeof(want), "audit event ", c.n + 1, " ("),
		       (const char *)NULL);
}

static void test_failed_writes_append_nothing(void **state)
{
	struct fx *f = *state;
	struct chain c = writes(f);
	int64_t n = c.n;
	/* Invalid input, a conflict, a missing object, a refused delete, a refused action. */
	assert_int_equal(fx_create_rc(f, "organization", json_pack("{s:s}", "kind", "enterprise")),
			 DT_EINVAL);
	char natid[DT_NATID_LEN + 1];
	fx_trainee(f, "210102", natid);
	n++;
	assert_int_equal(fx_create_rc(f, "trainee",
				      json_pack("{s:s, s:s, s:s}", "national_id", natid, "name",
						"李四", "region", "210102")),
			 DT_ECONFLICT);
	json_t *patch = json_pack("{s:s}", "name", "x");
	assert_int_equal(dt_store_update(f->s, &f->actor, NULL, "organization", 999999, patch, NULL,
					 &f->err),
			 DT_ENOTFOUND);
	json_decref(patch);
	assert_int_equal(dt_store_delete(f->s, &f->actor, NULL, "region", 210102, &f->err),
			 DT_ECONFLICT);
	assert_int_equal(fx_act(f, 999999, DT_CEV_SUBMIT, 0, NULL, NULL), DT_ENOTFOUND);
	assert_int_equal(fx_audit_count(f), n);
	assert_verifies(f, n);

	/* A bulk transaction: the failed write in the middle leaves no gap. */
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_OK);
	org(f, "戊公司");
	assert_int_equal(fx_create_rc(f, "organization",
				      json_pack("{s:s, s:s, s:s, s:s}", "kind", "enterprise",
						"uscc", "bad", "name", "坏", "region", "210102")),
			 DT_EINVAL);
	org(f, "己公司");
	assert_int_equal(dt_store_commit(f->s, &f->err), DT_OK);
	assert_int_equal(fx_audit_count(f), n + 2);
	assert_int_equal(fx_sql_int(f, "SELECT CASE WHEN count(*) = max(id) AND min(id) = 1 THEN 1 "
				       "ELSE 0 END FROM audit"),
			 1);
	assert_verifies(f, n + 2);

	/* A rolled-back bulk transaction leaves the chain as it was. */
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_OK);
	org(f, "庚公司");
	dt_store_rollback(f->s);
	assert_int_equal(fx_audit_count(f), n + 2);
	org(f, "辛公司");
	assert_verifies(f, n + 3);
}

static void test_personal_data_masked_in_chain(void **state)
{
	struct fx *f = *state;
	char natid[DT_NATID_LEN + 1];
	int64_t id = fx_trainee(f, "210102", natid);
	json_t *patch = json_pack("{s:s}", "phone", "13800000000");
	assert_int_equal(
		dt_store_update(f->s, &f->actor, NULL, "trainee", id, patch, NULL, &f->err), DT_OK);
	json_decref(patch);
	/* every payload as text, unpacked */
	char masked[DT_NATID_LEN + 1];
	dt_natid_mask(natid, masked);
	int plain = 0, shown = 0;
	for (int64_t e = 1, n = fx_audit_count(f); e <= n; e++) {
		char *b, *a;
		fx_audit_texts(f, e, &b, &a, NULL);
		plain += (b && strstr(b, natid)) || (a && strstr(a, natid));
		/* in the create's object; the update's change is the phone alone */
		shown += (b && strstr(b, masked)) || (a && strstr(a, masked));
		free(b);
		free(a);
	}
	assert_int_equal(plain, 0);
	assert_int_equal(shown, 1);
}

/* ---- the compact format ---- */

/* The before and after of event @id, parsed (NULL for NULL), whatever its format. */
static void event_objects(struct fx *f, int64_t id, json_t **before, json_t **after)
{
	char *b, *a;
	fx_audit_texts(f, id, &b, &a, NULL);
	*before = b ? json_loads(b, 0, NULL) : NULL;
	*after = a ? json_loads(a, 0, NULL) : NULL;
	if (b)
		assert_non_null(*before);
	if (a)
		assert_non_null(*after);
	free(b);
	free(a);
}

static json_t *get(struct fx *f, const char *entity, int64_t id)
{
	json_t *o = NULL;
	if (dt_store_get(f->s, NULL, entity, id, 0, &o, &f->err) != DT_OK)
		fail_msg("get %s %lld: %s", entity, (long long)id, f->err.buf);
	return o;
}

static void assert_json_equal(json_t *a, json_t *b)
{
	if (!json_equal(a, b)) {
		char *x = json_dumps(a, JSON_SORT_KEYS | JSON_ENCODE_ANY);
		char *y = json_dumps(b, JSON_SORT_KEYS | JSON_ENCODE_ANY);
		fail_msg("%s\n  is not\n%s", x ? x : "NULL", y ? y : "NULL");
	}
}

static void test_create_update_delete_events(void **state)
{
	struct fx *f = *state;
	int64_t a = org(f, "甲公司");
	int64_t n = fx_audit_count(f);
	json_t *b = NULL, *aft = NULL;

	/*
	 * A create: the object once, without what the event's columns say (id,
	 * region, the times when they are the event's) and without its nulls;
	 * the audit list and the fold show it whole, as the store returns it.
	 */
	json_t *obj = get(f, "organization", a);
	event_objects(f, n, &b, &aft);
	assert_null(b);
	/* (the times are there only when the clock turned between the row and its event) */
	json_object_del(aft, "created_at");
	json_object_del(aft, "updated_at");
	json_t *want = json_pack("{s:s, s:s, s:O}", "kind", "enterprise", "name", "甲公司", "uscc",
				 json_object_get(obj, "uscc"));
	assert_json_equal(aft, want);
	json_decref(want);
	json_decref(aft);
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)a);
	const char *filters[] = { "entity", "organization", "entity_id", idtext };
	struct dt_query q = { .filters = filters, .nfilters = 2 };
	json_t *items = NULL;
	char *next = NULL;
	assert_int_equal(dt_store_audit_list(f->s, NULL, &q, &items, &next, &f->err), DT_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_true(json_is_null(json_object_get(json_array_get(items, 0), "before")));
	assert_json_equal(json_object_get(json_array_get(items, 0), "after"), obj);
	json_decref(items);
	free(next);
	json_t *fold = NULL;
	int64_t last = 0;
	assert_int_equal(dt_store_audit_fold(f->s, "organization", a, &fold, &last, &f->err),
			 DT_OK);
	assert_json_equal(fold, obj);
	assert_int_equal(last, n);
	json_decref(fold);

	/* An update: the changed fields only, old values before, new ones after. */
	json_t *patch =
		json_pack("{s:s, s:s, s:n}", "name", "甲公司(新)", "address", "沈阳市", "name_en");
	if (dt_store_update(f->s, &f->actor, NULL, "organization", a, patch, NULL, &f->err))
		fail_msg("update: %s", f->err.buf);
	json_decref(patch);
	json_t *now = get(f, "organization", a);
	event_objects(f, n + 1, &b, &aft);
	assert_non_null(b);
	assert_non_null(aft);
	/* the event's time, as the audit list shows it */
	snprintf(idtext, sizeof(idtext), "%lld", (long long)a);
	assert_int_equal(dt_store_audit_list(f->s, NULL, &q, &items, &next, &f->err), DT_OK);
	json_t *shown = json_array_get(items, 0);
	const char *ts = fx_str(shown, "ts");
	const char *k;
	json_t *v;
	json_object_foreach(now, k, v)
	{
		bool changed = !json_equal(v, json_object_get(obj, k));
		/* a field set to the event's time has its old value in before only */
		bool to_ts = changed && json_is_string(v) && !strcmp(json_string_value(v), ts);
		/* unchanged fields (kind was set to what it was) are not there */
		if ((json_object_get(b, k) != NULL) != changed ||
		    (json_object_get(aft, k) != NULL) != (changed && !to_ts))
			fail_msg("field %s: changed %d, in the event %d %d", k, changed,
				 json_object_get(b, k) != NULL, json_object_get(aft, k) != NULL);
		if (changed) {
			if (!to_ts)
				assert_json_equal(json_object_get(aft, k), v);
			assert_json_equal(json_object_get(b, k), json_object_get(obj, k));
			/* the audit list shows the after whole again */
			assert_json_equal(json_object_get(json_object_get(shown, "after"), k), v);
		}
	}
	assert_int_equal(json_object_size(json_object_get(shown, "after")), json_object_size(b));
	json_decref(items);
	free(next);
	assert_string_equal(fx_str(aft, "name"), "甲公司(新)");
	assert_true(json_is_null(json_object_get(b, "address")));
	assert_null(json_object_get(aft, "name_en")); /* set to the null it was */
	assert_null(json_object_get(aft, "kind"));
	assert_null(json_object_get(aft, "uscc"));
	assert_null(json_object_get(aft, "id"));
	json_decref(b);
	json_decref(aft);

	/* A delete: the whole object once, before. */
	assert_int_equal(dt_store_delete(f->s, &f->actor, NULL, "organization", a, &f->err), DT_OK);
	event_objects(f, n + 2, &b, &aft);
	assert_null(aft);
	assert_json_equal(b, now);
	json_decref(b);
	json_decref(obj);
	json_decref(now);
	assert_verifies(f, n + 2);
}

/*
 * Payloads @before and @after (NULL: none) packed in format 5 with
 * dictionary @no's bytes (audit.c's head comment), by this file's own
 * zlib calls, into @out (malloc'd); its length.
 */
static size_t pack5(int no, const char *before, const char *after, unsigned char **out)
{
	const unsigned char *dict;
	size_t dn;
	assert_true(dt_audit_dict(1, &dict, &dn));
	struct dt_strbuf raw = DT_STRBUF_INIT;
	const char *parts[2] = { before, after };
	for (int i = 0; i < 2; i++) {
		uint32_t n = parts[i] ? (uint32_t)strlen(parts[i]) : UINT32_MAX;
		unsigned char le[4] = { n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >> 24 };
		dt_strbuf_add(&raw, (const char *)le, 4);
		if (parts[i])
			dt_strbuf_adds(&raw, parts[i]);
	}
	z_stream z = { 0 };
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, -15, 4, Z_DEFAULT_STRATEGY), Z_OK);
	assert_int_equal(deflateSetDictionary(&z, dict, (uInt)dn), Z_OK);
	size_t cap = 1 + deflateBound(&z, (uLong)raw.len);
	*out = malloc(cap);
	(*out)[0] = (unsigned char)no;
	z.next_in = (Bytef *)raw.buf;
	z.avail_in = (uInt)raw.len;
	z.next_out = *out + 1;
	z.avail_out = (uInt)(cap - 1);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t n = 1 + z.total_out;
	deflateEnd(&z);
	dt_strbuf_release(&raw);
	return n;
}

/* Put @len bytes @p (NULL: NULL) into event @id's column packed, behind the store's back. */
static void set_packed(struct fx *f, int64_t id, const unsigned char *p, size_t len)
{
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = fx_prepare(db, "UPDATE audit SET packed = ? WHERE id = ?");
	if (p)
		dt_db_bind_blob(st, 1, p, (int)len);
	dt_db_bind_int64(st, 2, id);
	assert_int_equal(dt_db_step(st), DT_DB_DONE);
	dt_db_finalize(st);
	dt_db_close(db);
}

/* @s with the first @from replaced by @to, malloc'd (@s NULL or @to NULL: NULL). */
static char *replaced(const char *s, const char *from, const char *to)
{
	if (!s || !to)
		return NULL;
	const char *at = strstr(s, from);
	assert_non_null(at);
	struct dt_strbuf b = DT_STRBUF_INIT;
	dt_strbuf_add(&b, s, (size_t)(at - s));
	dt_strbuf_adds(&b, to);
	dt_strbuf_adds(&b, at + strlen(from));
	return dt_strbuf_detach(&b, NULL);
}

/* A diff edited, widened or narrowed and packed again is found by verify, naming its event. */
static void test_tampered_diff(void **state)
{
	struct fx *f = *state;
	struct chain c = writes(f);
	static const struct {
		bool before;
		const char *from, *to; /* to NULL: the payload NULL */
	} edits[] = {
		{ false, "甲公司(新)", "甲公司" },
		{ false, "{", "{\"uscc\":\"X\"," },
		{ false, "\"name\":\"甲公司(新)\"", "" },
		{ true, "甲公司", "乙公司" },
		{ true, "", NULL },
	};
	char want[64];
	char *b, *a;
	bool packed;
	fx_audit_texts(f, c.upd, &b, &a, &packed);
	assert_true(packed);
	for (size_t i = 0; i < DT_ARRAY_SIZE(edits); i++) {
		char *eb = edits[i].before ? replaced(b, edits[i].from, edits[i].to) : strdup(b);
		char *ea = edits[i].before ? strdup(a) : replaced(a, edits[i].from, edits[i].to);
		unsigned char *p;
		size_t n = pack5(1, eb, ea, &p);
		set_packed(f, c.upd, p, n);
		assert_corrupt(f, edits[i].from,
			       ev(want, sizeof(want), "audit event ", c.upd, " ("), "edited",
			       (const char *)NULL);
		restore(f);
		free(p);
		free(eb);
		free(ea);
	}
	/* packed again unchanged, it is the same event */
	unsigned char *p;
	size_t n = pack5(1, b, a, &p);
	set_packed(f, c.upd, p, n);
	assert_verifies(f, c.n);
	free(p);
	free(b);
	free(a);
}

/*
 * Format 5's bytes damaged in each way: a byte flipped, cut short, bytes
 * moved, one more byte, another dictionary's number, JSON that is not
 * canonical (packed validly, and the hash recomputed: only the check of
 * the content finds it) - verify finds each, naming the event, and the
 * reader refuses them.  Every payload round-trips.
 */
static void test_packed_bytes(void **state)
{
	struct fx *f = *state;
	struct chain c = writes(f);
	for (int64_t e = c.base + 1; e <= c.n; e++) {
		char *b, *a;
		bool packed;
		fx_audit_texts(f, e, &b, &a, &packed);
		if (packed) { /* what the reader gives packs back to the same payloads */
			unsigned char *p;
			size_t n = pack5(1, b, a, &p);
			char *b2, *a2;
			assert_true(dt_audit_unpack5(p, n, &b2, &a2));
			assert_true(b ? b2 && !strcmp(b, b2) : !b2);
			assert_true(a ? a2 && !strcmp(a, a2) : !a2);
			free(p);
			free(b2);
			free(a2);
		}
		free(b);
		free(a);
	}
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT length(packed) FROM audit WHERE id = %lld",
		 (long long)c.upd);
	size_t len = (size_t)fx_sql_int(f, sql);
	char *b, *a;
	fx_audit_texts(f, c.upd, &b, &a, NULL);
	unsigned char *orig;
	assert_int_equal(pack5(1, b, a, &orig), len);
	unsigned char *d = malloc(len + 1);
	char want[64];
	for (int k = 0; k < 5; k++) {
		memcpy(d, orig, len);
		size_t n = len;
		switch (k) {
		case 0: d[len / 2] ^= 0x20; break; /* a byte flipped */
		case 1: n = len - 1; break;        /* cut short */
		case 2:
			memmove(d + 1, orig + 2, len - 2);
			d[len - 1] = orig[1];
			break;             /* moved */
		case 3: d[n++] = 0; break; /* one more byte */
		case 4: d[0] = 2; break;   /* no dictionary 2 */
		}
		char *b2 = NULL, *a2 = NULL;
		bool ok = dt_audit_unpack5(d, n, &b2, &a2);
		/* a flipped bit may still inflate, but not to the same payloads */
		assert_false(ok && b2 && a2 && !strcmp(b, b2) && !strcmp(a, a2));
		if (k)
			assert_false(ok);
		free(b2);
		free(a2);
		set_packed(f, c.upd, d, n);
		assert_corrupt(f, "damaged", ev(want, sizeof(want), "audit event ", c.upd, " ("),
			       "edited", (const char *)NULL);
		restore(f);
	}
	assert_verifies(f, c.n);
	free(d);
	free(orig);
	free(b);
	free(a);
}

/* Creates of @n organizations in one bulk transaction: one create_batch event. */
static void batch_orgs(struct fx *f, int n, const char *prefix)
{
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_OK);
	dt_store_audit_defer(f->s, &f->actor, "organization");
	for (int i = 0; i < n; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s%d公司", prefix, i);
		org(f, name);
	}
	assert_int_equal(dt_store_commit(f->s, &f->err), DT_OK);
}

static void reopen(struct fx *f)
{
	dt_store_close(f->s);
	f->s = NULL;
	if (dt_store_open(&f->s, f->path, &f->keys, 0, &f->err) != DT_OK)
		fail_msg("open: %s", f->err.buf);
}

/*
 * An upgrade: a chain written before migration 023 (formats 3 and 4: plain
 * payloads, a batch's packed by itself) gets audit_v5_from from the
 * migration, new events follow in format 5 (a batch's too), the old events
 * stay exactly as they were, and everything verifies and reads alike.
 */
static void test_upgrade_to_v5(void **state)
{
	struct fx *f = *state;
	if (dt_store_open(&f->s, f->path, &f->keys, DT_STORE_CREATE, &f->err) != DT_OK)
		fail_msg("open: %s", f->err.buf);
	/* the database as the code before 023 left it: no audit_v5_from (nor 025's audit_tag_from) */
	fx_sql_exec(f, "DELETE FROM meta WHERE key IN ('audit_v5_from', 'audit_tag_from')");
	reopen(f);
	struct dt_refdata_stats rs;
	assert_int_equal(dt_refdata_load_builtin(f->s, &f->actor, DT_REF_REGIONS, &rs, &f->err),
			 DT_OK);
	org(f, "旧公司");
	batch_orgs(f, 30, "旧批");
	int64_t old_n = fx_audit_count(f);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM audit WHERE packed IS NOT NULL"), 1);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM audit WHERE packed IS NULL AND "
				       "after IS NOT NULL"),
			 old_n - 1);
	assert_verifies(f, old_n);
	fx_sql_exec(f, "CREATE TABLE audit_old AS SELECT * FROM audit");

	/*
	 * 023 again, as on upgrading: the schema version before it (022), so
	 * that the migrations after it run again too (024 drops an index: made
	 * again for it)
	 */
	fx_sql_exec(f, "CREATE INDEX record_entry_region ON record_entry(region)");
	if (fx_is_pg(f)) {
		fx_sql_exec(f, "UPDATE meta SET value = '22' WHERE key = 'schema_version'");
	} else {
		fx_sql_exec(f, "PRAGMA user_version = 22");
	}
	reopen(f);
	assert_int_equal(v5_from(f), old_n + 1);
	assert_int_equal(tag_from(f), old_n + 1);
	assert_verifies(f, old_n);
	int64_t a = org(f, "新公司");
	json_t *patch = json_pack("{s:s}", "address", "沈阳市和平区");
	assert_int_equal(
		dt_store_update(f->s, &f->actor, NULL, "organization", a, patch, NULL, &f->err),
		DT_OK);
	json_decref(patch);
	batch_orgs(f, 30, "新批");
	int64_t n = fx_audit_count(f);
	assert_int_equal(n, old_n + 3);
	assert_verifies(f, n);
	/* the new events packed in format 5, the old ones as they were */
	char sql[400];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM audit WHERE id > %lld AND packed IS NOT NULL AND "
		 "before IS NULL AND after IS NULL",
		 (long long)old_n);
	assert_int_equal(fx_sql_int(f, sql), 3);
	assert_int_equal(fx_sql_int(f,
				    "SELECT count(*) FROM audit a JOIN audit_old o ON o.id = a.id "
				    "WHERE a.ts = o.ts AND a.hash = o.hash AND "
				    "a.before IS NOT DISTINCT FROM o.before AND "
				    "a.after IS NOT DISTINCT FROM o.after AND "
				    "a.packed IS NOT DISTINCT FROM o.packed"),
			 old_n);
	/* both batches read back alike: their ids whole, in the audit list too */
	const char *filters[] = { "action", "organization.create_batch" };
	struct dt_query q = { .filters = filters, .nfilters = 1 };
	json_t *items = NULL;
	char *next = NULL;
	assert_int_equal(dt_store_audit_list(f->s, NULL, &q, &items, &next, &f->err), DT_OK);
	assert_int_equal(json_array_size(items), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *after = json_object_get(json_array_get(items, i), "after");
		assert_int_equal(json_array_size(json_object_get(after, "ids")), 30);
		assert_null(json_object_get(after, "~ids"));
	}
	json_decref(items);
	free(next);
	/* (the records check folds record_entry's batches only: gen's, checked by the e2e tests) */
	/* an old event cannot pass for a new one */
	snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%lld' WHERE key = 'audit_v5_from'",
		 (long long)old_n);
	fx_sql_exec(f, sql);
	assert_corrupt(f, "v5_from", ev(sql, sizeof(sql), "audit event ", old_n, " ("),
		       (const char *)NULL);
}

/*
 * Audit dictionary 1 is frozen: its file's BLAKE2b-256 is pinned here.  An
 * edit fails this test; a new dictionary is a new file with the next
 * number (audit.c's head comment), never a change of this one.
 */
static void test_dictionary_frozen(void **state)
{
	(void)state;
	const struct dt_embedded *e = dt_embedded_find("src/store/audit-dict-1.txt");
	assert_non_null(e);
	unsigned char h[32];
	char hex[65];
	crypto_generichash(h, sizeof(h), e->data, e->len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	assert_string_equal(hex,
			    "79dccbb2cb49bf4b31c2ba4ac52a7f34eb34294dfffd88edb149dc1724062348");
	const unsigned char *p;
	size_t n;
	assert_true(dt_audit_dict(1, &p, &n));
	assert_true(n > 0 && n <= 32768);
	assert_false(dt_audit_dict(0, &p, &n));
	assert_false(dt_audit_dict(2, &p, &n));
}

/*
 * Formats 1 and 2 as the code before migrations 007 and 010 wrote them,
 * reimplemented here from their definitions: BLAKE2b-256 over
 * length-prefixed parts (tag, id, the nine columns with the time as text
 * and the action whole, the previous hash: as hex in format 1, its 32
 * bytes in format 2).
 */
static void old_part(crypto_generichash_state *h, const void *p, uint64_t n)
{
	unsigned char len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	crypto_generichash_update(h, len, 8);
	if (p)
		crypto_generichash_update(h, p, n);
}

static void old_hash(int v, int64_t id, const char *const cols[9], const unsigned char prev[32],
		     unsigned char out[32])
{
	crypto_generichash_state h;
	char idbuf[24], hex[65];
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	crypto_generichash_init(&h, NULL, 0, 32);
	const char *tag = v == 1 ? "dualtrack-audit-v1" : "dualtrack-audit-v2";
	old_part(&h, tag, strlen(tag));
	old_part(&h, idbuf, strlen(idbuf));
	for (int i = 0; i < 9; i++)
		old_part(&h, cols[i], cols[i] ? strlen(cols[i]) : UINT64_MAX);
	if (v == 1) {
		sodium_bin2hex(hex, sizeof(hex), prev, 32);
		old_part(&h, hex, 64);
	} else {
		old_part(&h, prev, 32);
	}
	crypto_generichash_final(&h, out, 32);
}

/*
 * Rewrite the whole chain of @f's (closed) database as the code before
 * migration 010 kept it, after 007 had run on events of format 1: the table
 * of 007 (ts as text, prev_hash kept, hashes of any type), events before
 * @v2_from in format 1 (hex text hashes; the update event @upd gets the
 * whole object @full as its after, as that code wrote updates) and the rest
 * in format 2 (byte hashes, actions whole), audit_v2_from, the head in meta,
 * and the schema version before 010 (the newest migration).  The hex hash
 * of the last event into @head.
 */
static void make_old(struct fx *f, int64_t upd, const char *full, int64_t v2_from, char head[65])
{
	struct dt_db *db = fx_raw(f);
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_db_stmt *rd = fx_prepare(
		db, "SELECT id, ts, actor, request_id, action, entity, CAST(entity_id AS TEXT), "
		    "before, after, CAST(region AS TEXT), packed FROM audit ORDER BY id");
	json_t *rows = json_array();
	while (dt_db_step(rd) == DT_DB_ROW) {
		json_t *r = json_array();
		int64_t id = dt_db_column_int64(rd, 0);
		char ts[DT_TIME_STRLEN], act[128];
		dt_time_from_ms(dt_db_column_int64(rd, 1), ts);
		json_array_append_new(r, json_integer(id));
		/* the payloads as text, as those formats kept them */
		char *pb, *pa;
		assert_true(dt_audit_column_texts(rd, 1, 0, 7, 8, 10, &pb, &pa));
		for (int i = 1; i <= 9; i++) {
			const char *t = i == 7 ? pb : i == 8 ? pa : dt_db_column_text(rd, i);
			if (i == 1)
				t = ts;
			if (i == 4 && t && !strchr(t, '.')) { /* the action whole */
				snprintf(act, sizeof(act), "%s.%s", dt_db_column_text(rd, 5), t);
				t = act;
			}
			if (i == 8 && id == upd && id < v2_from)
				t = full;
			json_array_append_new(r, t ? json_string(t) : json_null());
		}
		free(pb);
		free(pa);
		json_array_append_new(rows, r);
	}
	dt_db_finalize(rd);
	struct dt_db_stmt *q = fx_prepare(db, "PRAGMA user_version");
	assert_int_equal(dt_db_step(q), DT_DB_ROW);
	assert_true(dt_db_column_int64(q, 0) >= 10);
	dt_db_finalize(q);
	if (dt_db_exec(
		    db,
		    "BEGIN; DROP TABLE audit; CREATE TABLE audit (id INTEGER PRIMARY KEY, "
		    "ts TEXT NOT NULL, actor TEXT NOT NULL, request_id TEXT, action TEXT NOT "
		    "NULL, entity TEXT NOT NULL, entity_id INTEGER, before TEXT, after TEXT, "
		    "region INTEGER, prev_hash ANY NOT NULL, hash ANY NOT NULL) STRICT; "
		    "CREATE INDEX audit_entity ON audit(entity, entity_id); "
		    "CREATE INDEX audit_region ON audit(region, id); "
		    "DELETE FROM meta WHERE key IN ('audit_v2_from', 'audit_v3_from', "
		    "'audit_v5_from', 'audit_tag_from'); "
		    /* what 013 adds to tables it does not make, so that it can run again */
		    "DROP INDEX IF EXISTS contract_company_mentor; DROP INDEX IF EXISTS contract_school_mentor; "
		    "ALTER TABLE contract DROP COLUMN company_mentor_id; ALTER TABLE contract DROP COLUMN school_mentor_id; "
		    "ALTER TABLE record_entry DROP COLUMN signed_mentor_id; ALTER TABLE record_entry DROP COLUMN signed_account_id; "
		    "ALTER TABLE record_entry DROP COLUMN signed_delegate; ALTER TABLE account DROP COLUMN mentor_id; "
		    /* and the tables 015 makes */
		    "DROP TABLE pub_fts; DROP TABLE pub_case_comment; DROP TABLE pub_case_version; "
		    "DROP TABLE pub_item; DROP TABLE pub_case; ",
		    &err) != DT_OK)
		fail_msg("old table: %s", err.buf);
	struct dt_db_stmt *ins = fx_prepare(
		db, "INSERT INTO audit(id, ts, actor, request_id, action, entity, entity_id, "
		    "before, after, region, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
	unsigned char prev[32] = { 0 }, hash[32];
	char hex[65];
	size_t i;
	json_t *r;
	int64_t last = 0;
	json_array_foreach(rows, i, r)
	{
		const char *cols[9];
		for (int c = 0; c < 9; c++)
			cols[c] = json_string_value(json_array_get(r, (size_t)c + 1));
		last = json_integer_value(json_array_get(r, 0));
		int v = last < v2_from ? 1 : 2;
		old_hash(v, last, cols, prev, hash);
		dt_db_bind_int64(ins, 1, last);
		for (int c = 0; c < 9; c++)
			if (cols[c])
				dt_db_bind_text(ins, c + 2, cols[c], -1);
		if (v == 1) {
			sodium_bin2hex(hex, sizeof(hex), prev, 32);
			dt_db_bind_text(ins, 11, hex, -1);
			sodium_bin2hex(hex, sizeof(hex), hash, 32);
			dt_db_bind_text(ins, 12, hex, -1);
		} else {
			dt_db_bind_blob(ins, 11, prev, 32);
			dt_db_bind_blob(ins, 12, hash, 32);
		}
		assert_int_equal(dt_db_step(ins), DT_DB_DONE);
		dt_db_reset(ins);
		memcpy(prev, hash, 32);
	}
	dt_db_finalize(ins);
	char sql[300];
	/* the version before 010, which runs again (and any migration after it) */
	sodium_bin2hex(head, 65, prev, 32);
	snprintf(sql, sizeof(sql),
		 "UPDATE meta SET value = '%lld:%s' WHERE key = 'audit_head'; "
		 "INSERT INTO meta(key, value) VALUES ('audit_v2_from', '%lld'); "
		 "PRAGMA user_version = %lld; COMMIT",
		 (long long)last, head, (long long)v2_from, (long long)9);
	if (dt_db_exec(db, sql, &err) != DT_OK)
		fail_msg("old head: %s", err.buf);
	json_decref(rows);
	dt_strbuf_release(&err);
	dt_db_close(db);
}

/*
 * A chain of formats 1 and 2 from event @v2_from on (c.n + 1: all of format
 * 1) is upgraded by migration 010 and verifies as it was; new events follow
 * in format 3.
 */
static void old_chain(struct fx *f, int64_t v2_from_back)
{
	struct chain c = writes(f);
	int64_t v2_from = c.n + 1 - v2_from_back;
	fx_sql_exec(f, "DROP TABLE audit_copy");
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT entity_id FROM audit WHERE id = %lld", (long long)c.upd);
	json_t *obj = get(f, "organization", fx_sql_int(f, sql));
	char *full = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(obj);
	dt_store_close(f->s);
	f->s = NULL;
	char head[65];
	make_old(f, c.upd, full, v2_from, head);
	free(full);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM audit WHERE typeof(hash) = 'text' AND length(hash) = 64 "
		 "AND id < %lld",
		 (long long)v2_from);
	assert_int_equal(fx_sql_int(f, sql), v2_from - 1);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM audit WHERE typeof(ts) = 'text'"),
			 c.n);

	/* The migration runs on opening; the old events verify as they are. */
	if (dt_store_open(&f->s, f->path, &f->keys, 0, &f->err) != DT_OK)
		fail_msg("open: %s", f->err.buf);
	assert_int_equal(fx_sql_int(f, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
				       "'audit_v3_from'"),
			 c.n + 1);
	assert_int_equal(fx_sql_int(f, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
				       "'audit_v2_from'"),
			 v2_from);
	/* the times are milliseconds now, the hashes as they were */
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM audit WHERE typeof(ts) = 'integer'"),
			 c.n);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM audit WHERE typeof(hash) = 'text' AND id < %lld",
		 (long long)v2_from);
	assert_int_equal(fx_sql_int(f, sql), v2_from - 1);
	assert_verifies(f, c.n);
	/* A checkpoint of the old head still holds. */
	struct dt_checkpoint cp;
	memset(&cp, 0, sizeof(cp));
	cp.event = c.n;
	memcpy(cp.hash, head, 65);
	snprintf(cp.database, sizeof(cp.database), "-");
	int64_t checked = 0;
	if (dt_store_audit_extends(f->s, &cp, &checked, &f->err) != DT_OK)
		fail_msg("extends: %s", f->err.buf);
	assert_int_equal(v5_from(f), c.n + 1);
	/* New events chain on in format 5, from audit_tag_from on with tags; all verify. */
	assert_int_equal(tag_from(f), c.n + 1);
	org(f, "新公司");
	assert_verifies(f, c.n + 1);
	snprintf(sql, sizeof(sql),
		 "SELECT typeof(hash) = 'blob' AND length(hash) = %d AND action = 'create' FROM "
		 "audit WHERE id = %lld",
		 (c.n + 1) % 16 ? 4 : 32, (long long)(c.n + 1));
	assert_int_equal(fx_sql_int(f, sql), 1);
	if (dt_store_audit_extends(f->s, &cp, &checked, &f->err) != DT_OK)
		fail_msg("extends after a write: %s", f->err.buf);
	/* The records fold old whole objects and new diffs alike. */
	struct dt_strbuf report = DT_STRBUF_INIT;
	int64_t found = -1, records = 0;
	assert_int_equal(dt_store_records_check(f->s, &report, 10, &found, &records, &f->err),
			 DT_OK);
	if (found)
		fail_msg("records: %s", report.buf);
	dt_strbuf_release(&report);
	/* The audit list shows old and new events alike. */
	json_t *items = NULL;
	char *next = NULL;
	struct dt_query q = { .limit = 2 };
	assert_int_equal(dt_store_audit_list(f->s, NULL, &q, &items, &next, &f->err), DT_OK);
	assert_string_equal(fx_str(json_array_get(items, 0), "action"), "organization.create");
	assert_string_equal(fx_str(json_array_get(items, 1), "action"), "organization.create");
	assert_int_equal(strlen(fx_str(json_array_get(items, 1), "ts")), 24);
	json_decref(items);
	free(next);
	/* An old event edited is still found, by its own format ... */
	fx_sql_exec(f, "CREATE TABLE audit_copy AS SELECT * FROM audit");
	char want[64];
	const int64_t old[] = { c.upd, c.n };
	for (size_t i = 0; i < DT_ARRAY_SIZE(old); i++) {
		snprintf(sql, sizeof(sql), "UPDATE audit SET actor = 'intruder' WHERE id = %lld",
			 (long long)old[i]);
		fx_sql_exec(f, sql);
		assert_corrupt(f, sql, ev(want, sizeof(want), "audit event ", old[i], " ("),
			       "edited", (const char *)NULL);
		restore(f);
		snprintf(sql, sizeof(sql), "UPDATE audit SET ts = ts + 1 WHERE id = %lld",
			 (long long)old[i]);
		fx_sql_exec(f, sql);
		assert_corrupt(f, sql, ev(want, sizeof(want), "audit event ", old[i], " ("),
			       "edited", (const char *)NULL);
		restore(f);
	}
	/* ... and an old event cannot pass for a newer one, nor a new one for an old one. */
	fx_sql_exec(f, "UPDATE meta SET value = '1' WHERE key = 'audit_v2_from'");
	if (v2_from > 1)
		assert_corrupt(f, "v2_from", "audit event 1", (const char *)NULL);
	snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%lld' WHERE key = 'audit_v2_from'",
		 (long long)v2_from);
	fx_sql_exec(f, sql);
	fx_sql_exec(f, "UPDATE meta SET value = '1' WHERE key = 'audit_v3_from'");
	assert_corrupt(f, "v3_from", "audit event 1", (const char *)NULL);
	snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%lld' WHERE key = 'audit_v3_from'",
		 (long long)(c.n + 1));
	fx_sql_exec(f, sql);
	/* the same of format 5 */
	fx_sql_exec(f, "UPDATE meta SET value = '1' WHERE key = 'audit_v5_from'");
	assert_corrupt(f, "v5_from", "audit event 1", (const char *)NULL);
	snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%lld' WHERE key = 'audit_v5_from'",
		 (long long)(c.n + 2));
	fx_sql_exec(f, sql);
	assert_corrupt(f, "v5_from", ev(want, sizeof(want), "audit event ", c.n + 1, " ("),
		       (const char *)NULL);
	snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%lld' WHERE key = 'audit_v5_from'",
		 (long long)(c.n + 1));
	fx_sql_exec(f, sql);
	assert_verifies(f, c.n + 1);

	/*
	 * Copied to another database (a SQLite file; PostgreSQL too when the
	 * tests have a server), the old events' hex hashes arrive as their
	 * bytes, which a BYTEA column needs, and the chain verifies there.
	 */
	fx_sql_exec(f, "DROP TABLE audit_copy");
	const char *pg = getenv("DUALTRACK_TEST_PG");
	char targets[2][512];
	int nt = 0;
	snprintf(targets[nt++], sizeof(targets[0]), "%s/copy.db", f->dir);
	if (pg && *pg && strcmp(pg, "none")) {
		char admin[600], name[32], ddl[128];
		snprintf(name, sizeof(name), "dt_unit_copy_%d", (int)getpid());
		snprintf(admin, sizeof(admin), "%s/postgres", pg);
		struct dt_db *adb = NULL;
		if (dt_db_open(&adb, admin, 0, &f->err) == DT_OK) {
			snprintf(ddl, sizeof(ddl), "DROP DATABASE IF EXISTS %s", name);
			assert_int_equal(dt_db_exec(adb, ddl, &f->err), DT_OK);
			snprintf(ddl, sizeof(ddl), "CREATE DATABASE %s", name);
			assert_int_equal(dt_db_exec(adb, ddl, &f->err), DT_OK);
			dt_db_close(adb);
			snprintf(targets[nt++], sizeof(targets[0]), "%s/%s", pg, name);
		}
	}
	for (int i = 0; i < nt; i++) {
		struct dt_store *to = NULL;
		struct dt_copy_stats cs = { 0, 0 };
		if (dt_store_open(&to, targets[i], &f->keys, DT_STORE_CREATE, &f->err) != DT_OK)
			fail_msg("open %s: %s", targets[i], f->err.buf);
		if (dt_store_copy(f->s, to, &cs, NULL, NULL, &f->err) != DT_OK)
			fail_msg("copy to %s: %s", targets[i], f->err.buf);
		assert_int_equal(cs.events, c.n + 1);
		assert_int_equal(dt_store_audit_extends(to, &cp, &checked, &f->err), DT_OK);
		dt_store_close(to);
		if (i == 0) {
			struct dt_db *db = NULL;
			assert_int_equal(dt_db_open(&db, targets[i], 0, &f->err), DT_OK);
			/* the hashes as stored: the new event's tag too */
			char q2[200];
			snprintf(
				q2, sizeof(q2),
				"SELECT count(*) FROM audit WHERE typeof(hash) = 'blob' AND "
				"length(hash) = CASE WHEN id < %lld OR id %% 16 = 0 THEN 32 ELSE 4 "
				"END AND typeof(ts) = 'integer'",
				(long long)(c.n + 1));
			struct dt_db_stmt *st = fx_prepare(db, q2);
			assert_int_equal(dt_db_step(st), DT_DB_ROW);
			assert_int_equal(dt_db_column_int64(st, 0), c.n + 1);
			dt_db_finalize(st);
			dt_db_close(db);
			char side[1100];
			snprintf(side, sizeof(side), "%s-wal", targets[i]);
			unlink(side);
			snprintf(side, sizeof(side), "%s-shm", targets[i]);
			unlink(side);
			unlink(targets[i]);
		}
	}
}

static void test_old_chain_after_migration(void **state)
{
	struct fx *f = *state;
	if (fx_is_pg(f))
		skip(); /* the old table is SQLite's */
	old_chain(f, 0);
}

static void test_mixed_chain_after_migration(void **state)
{
	struct fx *f = *state;
	if (fx_is_pg(f))
		skip();
	old_chain(f, 3); /* the last three events of format 2 */
}

/*
 * Property: after random updates (and a delete) of random records, the fold
 * of each record's events equals the record, and the records check finds
 * nothing; a field edited behind the store's back is then found.
 */
static void test_fold_property(void **state)
{
	struct fx *f = *state;
	uint32_t seed = 12345;
#define RND(n) ((seed = seed * 1103515245u + 12345u) >> 16) % (n)
	int64_t orgs[4], trainees[3];
	for (int i = 0; i < 4; i++) {
		char name[32];
		snprintf(name, sizeof(name), "公司%d", i);
		orgs[i] = org(f, name);
	}
	for (int i = 0; i < 3; i++)
		trainees[i] = fx_trainee(f, "210102", NULL);
	static const char *const org_fields[] = { "name", "address", "contact_name",
						  "contact_phone", "name_en" };
	static const char *const trn_fields[] = { "name", "phone", "email", "guardian_name" };
	static const char *const values[] = { "甲", "乙乙", "13800000000", "x@example.cn", "丙丁" };
	for (int round = 0; round < 120; round++) {
		bool is_org = RND(2);
		int64_t id = is_org ? orgs[RND(4)] : trainees[RND(3)];
		json_t *patch = json_object();
		int nf = 1 + (int)RND(3);
		for (int j = 0; j < nf; j++) {
			const char *field = is_org ? org_fields[RND(5)] : trn_fields[RND(4)];
			const char *val = values[RND(5)];
			bool null = strcmp(field, "name") && RND(4) == 0;
			json_object_set_new(patch, field, null ? json_null() : json_string(val));
		}
		dt_strbuf_reset(&f->err);
		/* some values do not fit some fields: those updates fail and write nothing */
		(void)dt_store_update(f->s, &f->actor, NULL, is_org ? "organization" : "trainee",
				      id, patch, NULL, &f->err);
		json_decref(patch);
	}
	assert_int_equal(dt_store_delete(f->s, &f->actor, NULL, "organization", orgs[3], &f->err),
			 DT_OK);
	int64_t updates = fx_sql_int(f, "SELECT count(*) FROM audit WHERE action = 'update'");
	assert_true(updates > 40);
	/*
	 * Updates that set updated_at to their event's time keep it in before
	 * only (how many depends on the clock: the row and the event take the
	 * time apart); the fold below must give it back for each of them.
	 */
	for (int i = 0; i < 7; i++) {
		const char *entity = i < 4 ? "organization" : "trainee";
		int64_t id = i < 4 ? orgs[i] : trainees[i - 4];
		json_t *fold = NULL;
		int64_t last = 0;
		assert_int_equal(dt_store_audit_fold(f->s, entity, id, &fold, &last, &f->err),
				 DT_OK);
		if (i == 3) {
			assert_null(fold); /* deleted */
			continue;
		}
		json_t *rec = get(f, entity, id);
		assert_json_equal(fold, rec);
		assert_true(last > 0);
		json_decref(fold);
		json_decref(rec);
	}
	struct dt_strbuf report = DT_STRBUF_INIT;
	int64_t found = -1, records = 0;
	assert_int_equal(dt_store_records_check(f->s, &report, 10, &found, &records, &f->err),
			 DT_OK);
	if (found)
		fail_msg("records: %s", report.buf);
	/*
	 * Fields edited behind the store's back: found, by name - in a record
	 * with updates, and in one never updated (compared with its create's
	 * after as text), where what the create left out counts too: a null
	 * field given a value, the times.
	 */
	int64_t plain = org(f, "未改公司");
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "UPDATE organization SET contact_name = '冒名' WHERE id = %lld; "
		 "UPDATE organization SET address = '伪', updated_at = '2020-01-01T00:00:00.000Z' "
		 "WHERE id = %lld",
		 (long long)orgs[1], (long long)plain);
	fx_sql_exec(f, sql);
	dt_strbuf_reset(&report);
	assert_int_equal(dt_store_records_check(f->s, &report, 10, &found, &records, &f->err),
			 DT_OK);
	assert_int_equal(found, 3);
	assert_non_null(strstr(report.buf, "contact_name differs"));
	assert_non_null(strstr(report.buf, "address differs"));
	assert_non_null(strstr(report.buf, "updated_at differs"));
	dt_strbuf_release(&report);
#undef RND
}

/* ---- tags: from audit_tag_from on, a whole hash on every 16th event only ---- */

/* Put @len bytes @p into event @id's column hash, behind the store's back. */
static void set_hash(struct fx *f, int64_t id, const unsigned char *p, size_t len)
{
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = fx_prepare(db, "UPDATE audit SET hash = ? WHERE id = ?");
	dt_db_bind_blob(st, 1, p, (int)len);
	dt_db_bind_int64(st, 2, id);
	assert_int_equal(dt_db_step(st), DT_DB_DONE);
	dt_db_finalize(st);
	dt_db_close(db);
}

/*
 * The whole hash of every event 1..@n into @out (n + 1 of them, [0] the
 * zeros before event 1), recomputed here from format 5's definition (the
 * head comment of audit.c: BLAKE2b-256 over length-prefixed parts: tag,
 * id, the nine columns as text, packed, the previous hash); an event
 * before format 5 gives the whole hash it stores.  Checks on the way that
 * each event stores what the rule says: its whole hash before @tag and on
 * every 16th event from it on, else the first 4 bytes of it.
 */
static void oracle_hashes(struct fx *f, int64_t n, int64_t tag, unsigned char (*out)[32])
{
	int64_t v5 = v5_from(f);
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = fx_prepare(
		db, "SELECT id, ts, actor, request_id, action, entity, entity_id, before, after, "
		    "region, packed, hash FROM audit ORDER BY id");
	memset(out[0], 0, 32);
	int64_t id = 0;
	while (dt_db_step(st) == DT_DB_ROW) {
		id = dt_db_column_int64(st, 0);
		assert_true(id <= n);
		const unsigned char *stored = dt_db_column_blob(st, 11);
		int len = dt_db_column_bytes(st, 11);
		if (id < v5) {
			assert_int_equal(len, 32);
			memcpy(out[id], stored, 32);
			continue;
		}
		crypto_generichash_state h;
		char idbuf[24];
		snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
		crypto_generichash_init(&h, NULL, 0, 32);
		old_part(&h, "dualtrack-audit-v5", 18);
		old_part(&h, idbuf, strlen(idbuf));
		for (int i = 1; i <= 9; i++) {
			const char *t = dt_db_column_text(st, i);
			old_part(&h, t, t ? strlen(t) : UINT64_MAX);
		}
		if (dt_db_column_type(st, 10) == DT_DB_NULL)
			old_part(&h, NULL, UINT64_MAX);
		else
			old_part(&h, dt_db_column_blob(st, 10),
				 (uint64_t)dt_db_column_bytes(st, 10));
		old_part(&h, out[id - 1], 32);
		crypto_generichash_final(&h, out[id], 32);
		bool whole = id < tag || id % 16 == 0;
		if (len != (whole ? 32 : 4) || memcmp(stored, out[id], (size_t)len))
			fail_msg("event %lld stores %d bytes, not %s", (long long)id, len,
				 whole ? "its whole hash" : "its tag");
	}
	assert_int_equal(id, n);
	dt_db_finalize(st);
	dt_db_close(db);
}

static void hex32(const unsigned char h[32], char out[65])
{
	sodium_bin2hex(out, 65, h, 32);
}

/* Every item of the audit list (@filter: NULL or an entity) shows its whole hash (@want). */
static void assert_list_hashes(struct fx *f, const char *entity, int limit,
			       unsigned char (*want)[32])
{
	const char *filters[] = { "entity", entity };
	struct dt_query q = { .limit = limit,
			      .filters = entity ? filters : NULL,
			      .nfilters = entity ? 1 : 0 };
	json_t *items = NULL, *it;
	char *next = NULL, hex[65];
	size_t i;
	assert_int_equal(dt_store_audit_list(f->s, NULL, &q, &items, &next, &f->err), DT_OK);
	assert_true(json_array_size(items) > 0);
	json_array_foreach(items, i, it)
	{
		int64_t id = json_integer_value(json_object_get(it, "id"));
		hex32(want[id], hex);
		if (strcmp(fx_str(it, "hash"), hex))
			fail_msg("list: event %lld shows hash '%s', not %s", (long long)id,
				 fx_str(it, "hash"), hex);
	}
	json_decref(items);
	free(next);
}

/*
 * On a new database every event from the first on stores a 4-byte tag of
 * its hash unless its id is a multiple of 16.  The chain verifies; the
 * whole hashes the store shows (the audit list, the head a checkpoint
 * signs) are the ones recomputed here; checkpoints at events that store a
 * tag hold; and each tampering is found at its event: a tag byte changed,
 * an event's content changed under its tag, a whole hash where a tag
 * belongs and a tag where the whole hash belongs, the last events removed.
 */
static void test_tags(void **state)
{
	struct fx *f = *state;
	assert_int_equal(tag_from(f), 1);
	batch_orgs(f, 3, "批");
	struct chain c = writes(f);
	/* a few more, so that a 16th event falls among this test's own */
	for (int i = 0; i < 20; i++) {
		char name[32];
		snprintf(name, sizeof(name), "后%d公司", i);
		org(f, name);
	}
	int64_t n = fx_audit_count(f);
	assert_verifies(f, n);
	unsigned char(*h)[32] = calloc((size_t)n + 1, 32);
	oracle_hashes(f, n, 1, h);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM audit WHERE length(hash) = 32"),
			 n / 16);
	/* the list's whole hashes: a page, a page further on, and a filtered one */
	assert_list_hashes(f, NULL, 40, h);
	assert_list_hashes(f, "organization", 1000, h);
	assert_list_hashes(f, NULL, 1000, h);

	/* the head a checkpoint signs, whatever the last event stores */
	struct dt_checkpoint cp;
	char hex[65], want[96], sql[200];
	assert_int_equal(dt_store_audit_head(f->s, &cp, &f->err), DT_OK);
	assert_int_equal(cp.event, n);
	hex32(h[n], hex);
	assert_string_equal(cp.hash, hex);
	int64_t checked = 0;
	assert_int_equal(dt_store_audit_extends(f->s, &cp, &checked, &f->err), DT_OK);
	/* checkpoints of events that store tags (and of a 16th) hold; a wrong hash does not */
	const int64_t at[] = { c.upd, c.upd + 1, n - n % 16, n - 1 };
	for (size_t i = 0; i < DT_ARRAY_SIZE(at); i++) {
		struct dt_checkpoint mid = cp;
		mid.event = at[i];
		hex32(h[at[i]], mid.hash);
		if (dt_store_audit_extends(f->s, &mid, &checked, &f->err) != DT_OK)
			fail_msg("extends at %lld: %s", (long long)at[i], f->err.buf);
		hex32(h[at[i] - 1], mid.hash);
		assert_int_equal(dt_store_audit_extends(f->s, &mid, &checked, &f->err),
				 DT_ECORRUPT);
		assert_non_null(strstr(f->err.buf, ev(want, sizeof(want), "audit event ", at[i],
						      " does not match the checkpoint")));
	}

	fx_sql_exec(f, "CREATE TABLE audit_tags AS SELECT * FROM audit");
	const char *undo = "DELETE FROM audit; INSERT INTO audit SELECT * FROM audit_tags";
	int64_t tagged = c.upd % 16 ? c.upd : c.upd + 1, whole = n - n % 16;
	/* a tag byte changed */
	unsigned char b[32];
	memcpy(b, h[tagged], 4);
	b[3] ^= 0x40;
	set_hash(f, tagged, b, 4);
	assert_corrupt(f, "tag byte", ev(want, sizeof(want), "audit event ", tagged, " ("),
		       "edited", (const char *)NULL);
	fx_sql_exec(f, undo);
	/* the content of an event under its tag: found at that event */
	snprintf(sql, sizeof(sql), "UPDATE audit SET actor = 'intruder' WHERE id = %lld",
		 (long long)tagged);
	fx_sql_exec(f, sql);
	assert_corrupt(f, "content", ev(want, sizeof(want), "audit event ", tagged, " ("), "edited",
		       (const char *)NULL);
	fx_sql_exec(f, undo);
	/* the whole hash of a 16th event replaced by its tag */
	set_hash(f, whole, h[whole], 4);
	assert_corrupt(f, "tag on a 16th", ev(want, sizeof(want), "audit event ", whole, " ("),
		       "edited", (const char *)NULL);
	fx_sql_exec(f, undo);
	/* the whole hash where a tag belongs: only the rule's form passes */
	set_hash(f, tagged, h[tagged], 32);
	assert_corrupt(f, "whole for a tag", ev(want, sizeof(want), "audit event ", tagged, " ("),
		       "edited", (const char *)NULL);
	fx_sql_exec(f, undo);
	/* a hash of another length */
	set_hash(f, tagged, h[tagged], 8);
	assert_corrupt(f, "8 bytes", ev(want, sizeof(want), "audit event ", tagged, " ("), "edited",
		       (const char *)NULL);
	fx_sql_exec(f, undo);
	assert_verifies(f, n);
	/* the last events removed (the new last one a tag): the recorded head says so */
	int64_t cut = n % 16 > 2 ? n - 1 : n - 3;
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE id > %lld", (long long)cut);
	fx_sql_exec(f, sql);
	assert_corrupt(f, "truncated",
		       ev(want, sizeof(want), "audit chain ends at event ", cut, " but"),
		       "removed from the end", (const char *)NULL);
	fx_sql_exec(f, undo);
	assert_verifies(f, n);

	/*
	 * The writer's chain tip when the recorded head is gone: rolled
	 * forward from the last 16th event through the tags after it.  Then
	 * the same inside a bulk transaction with a failed write (the head in
	 * memory dropped), and the checkpoint of before still holds.
	 */
	assert_int_equal(n % 16 != 0, 1);
	fx_sql_exec(f, "DELETE FROM meta WHERE key = 'audit_head'");
	org(f, "又一公司");
	assert_verifies(f, n + 1);
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_OK);
	org(f, "批量甲");
	json_t *bad = json_pack("{s:s}", "kind", "nonsense");
	assert_int_not_equal(dt_store_update(f->s, &f->actor, NULL, "organization", c.upd - 2, bad,
					     NULL, &f->err),
			     DT_OK);
	json_decref(bad);
	org(f, "批量乙");
	assert_int_equal(dt_store_commit(f->s, &f->err), DT_OK);
	/* (the two creates one batch event: batch_orgs left the store gathering them) */
	assert_verifies(f, n + 2);
	assert_int_equal(dt_store_audit_extends(f->s, &cp, &checked, &f->err), DT_OK);
	unsigned char(*h2)[32] = calloc((size_t)n + 3, 32);
	oracle_hashes(f, n + 2, 1, h2);
	assert_memory_equal(h2, h, (size_t)(n + 1) * 32);
	free(h2);
	free(h);
}

/*
 * An upgrade from 024 to 025: a chain written before it keeps its whole
 * hashes; the migration records audit_tag_from, the next event's id, and
 * the events from it on (singles and a batch, past a 16th) store tags.
 * Both verify together, a checkpoint of the old head and one of a new
 * event that stores a tag hold, the list shows whole hashes on both sides,
 * and an old event cannot pass for a new one.
 */
static void test_upgrade_to_tags(void **state)
{
	struct fx *f = *state;
	if (dt_store_open(&f->s, f->path, &f->keys, DT_STORE_CREATE, &f->err) != DT_OK)
		fail_msg("open: %s", f->err.buf);
	/* the database as the code before 025 left it: no audit_tag_from */
	fx_sql_exec(f, "DELETE FROM meta WHERE key = 'audit_tag_from'");
	reopen(f);
	struct dt_refdata_stats rs;
	assert_int_equal(dt_refdata_load_builtin(f->s, &f->actor, DT_REF_REGIONS, &rs, &f->err),
			 DT_OK);
	org(f, "旧公司");
	batch_orgs(f, 20, "旧批");
	int64_t old_n = fx_audit_count(f);
	assert_int_equal(tag_from(f), INT64_MAX);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM audit WHERE length(hash) = 32"),
			 old_n);
	assert_verifies(f, old_n);
	struct dt_checkpoint old_cp;
	assert_int_equal(dt_store_audit_head(f->s, &old_cp, &f->err), DT_OK);
	fx_sql_exec(f, "CREATE TABLE audit_old AS SELECT * FROM audit");

	/* 025 again, as on upgrading: the schema version before it */
	if (fx_is_pg(f))
		fx_sql_exec(f, "UPDATE meta SET value = '24' WHERE key = 'schema_version'");
	else
		fx_sql_exec(f, "PRAGMA user_version = 24");
	reopen(f);
	assert_int_equal(tag_from(f), old_n + 1);
	assert_verifies(f, old_n);
	/* past the next 16th event, singles and a batch */
	for (int i = 0; i < 18; i++) {
		char name[32];
		snprintf(name, sizeof(name), "新%d公司", i);
		org(f, name);
	}
	batch_orgs(f, 20, "新批");
	int64_t n = fx_audit_count(f);
	assert_int_equal(n, old_n + 19);
	assert_verifies(f, n);
	unsigned char(*h)[32] = calloc((size_t)n + 1, 32);
	oracle_hashes(f, n, old_n + 1, h);
	/* the old events exactly as they were */
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM audit a JOIN audit_old o ON o.id = "
				       "a.id WHERE a.hash = o.hash AND a.ts = o.ts"),
			 old_n);
	int64_t checked = 0;
	assert_int_equal(dt_store_audit_extends(f->s, &old_cp, &checked, &f->err), DT_OK);
	struct dt_checkpoint cp = old_cp;
	cp.event = (old_n + 1) % 16 ? old_n + 1 : old_n + 2;
	hex32(h[cp.event], cp.hash);
	assert_int_equal(dt_store_audit_extends(f->s, &cp, &checked, &f->err), DT_OK);
	assert_list_hashes(f, NULL, 30, h);
	/* an old event cannot pass for one under the rule (unless it is a 16th) */
	int64_t last_old = old_n % 16 ? old_n : old_n - 1;
	char sql[128], want[64];
	snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%lld' WHERE key = 'audit_tag_from'",
		 (long long)last_old);
	fx_sql_exec(f, sql);
	assert_corrupt(f, "tag_from", ev(want, sizeof(want), "audit event ", last_old, " ("),
		       "edited", (const char *)NULL);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_verify_after_writes, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_edit_each_column, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_remove_events, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reorder_events, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_truncation_survives_writes, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_forged_append, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_failed_writes_append_nothing, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_personal_data_masked_in_chain, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_create_update_delete_events, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_tampered_diff, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_packed_bytes, fx_setup, fx_teardown),
		cmocka_unit_test(test_dictionary_frozen),
		cmocka_unit_test_setup_teardown(test_upgrade_to_v5, fx_setup_empty, fx_teardown),
		cmocka_unit_test_setup_teardown(test_tags, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_to_tags, fx_setup_empty, fx_teardown),
		cmocka_unit_test_setup_teardown(test_mixed_chain_after_migration, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_old_chain_after_migration, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_fold_property, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
