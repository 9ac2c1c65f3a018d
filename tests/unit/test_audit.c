/*
 * test_audit.c - unit tests of the audit hash chain (store/audit.c).
 *
 * After a series of ordinary writes the chain verifies with the right count.
 * Then each kind of tampering is done to the file through a separate sqlite3
 * connection - one column of one event edited, an event removed from the
 * middle, the start or the end, two events swapped, a previous hash edited -
 * and dt_store_audit_verify() must fail with DT_ECORRUPT naming the event at
 * fault.  After each, the table is restored from a copy and verifies again.
 * Also: failed writes append nothing, ids stay consecutive (also across a
 * bulk transaction with a failed write in it), and identity numbers appear
 * in the chain masked only.
 *
 * The compact format (format 2, migration 007): a create stores the object
 * once, an update the changed fields only, a delete the whole object; a
 * tampered diff is found; a chain written in format 1 (hex hashes, hashed
 * over the previous hash in hex, by this file's own implementation of the
 * old definition) still verifies after the migration, and its checkpoint
 * still holds; and the fold of a record's events equals the record after
 * random updates (a property test), which the records check relies on.
 */
#include <sodium.h>

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
	assert_string_equal(actions.buf,
			    "organization.create organization.create organization.update "
			    "organization.export organization.create organization.delete "
			    "trainee.create organization.create");
	dt_strbuf_release(&actions);
	dt_db_finalize(st);
	dt_db_close(db);
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
		{ "ts", "'2020-01-01T00:00:00.000Z'" },
		{ "actor", "'intruder'" },
		{ "request_id", "NULL" },
		{ "request_id", "'req-43'" },
		{ "action", "'organization.create'" },
		{ "entity", "'trainee'" },
		{ "entity_id", "entity_id * 10" },
		{ "entity_id", "NULL" },
		{ "before", "NULL" },
		{ "before", "replace(before, '甲公司', '乙公司')" },
		{ "after", "replace(after, '甲公司', 'forged')" },
		{ "after", "after || ' '" },
		{ "hash", "prev_hash" },
	};
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
	snprintf(sql, sizeof(sql),
		 "UPDATE audit SET ts = '2099-01-01T00:00:00.000Z' WHERE id = %lld",
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
		"ts, actor, request_id, action, entity, entity_id, before, after, prev_hash, hash";
	static const char content_cols[] =
		"ts, actor, request_id, action, entity, entity_id, before, after";
	const int64_t pairs[][2] = {
		{ c.base + 2, c.base + 5 }, { c.base + 3, c.base + 4 }, { 1, 2 }, { c.n - 1, c.n }
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(pairs); i++) {
		int64_t j = pairs[i][0], k = pairs[i][1];
		/* Whole events swapped, hashes included: the link to event j - 1 breaks. */
		snprintf(
			sql, sizeof(sql),
			"UPDATE audit SET (%s) = (SELECT %s FROM audit_copy c WHERE c.id = "
			"CASE audit.id WHEN %lld THEN %lld ELSE %lld END) WHERE id IN (%lld, %lld)",
			all_cols, all_cols, (long long)j, (long long)k, (long long)j, (long long)j,
			(long long)k);
		fx_sql_exec(f, sql);
		assert_corrupt(f, "swap",
			       ev(want, sizeof(want), "audit event ", j, ": its previous hash"),
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
	snprintf(
		sql, sizeof(sql),
		"INSERT INTO audit(id, ts, actor, action, entity, prev_hash, hash) SELECT id + 1, ts, "
		"'intruder', action, entity, hash, hash FROM audit WHERE id = %lld",
		(long long)c.n);
	fx_sql_exec(f, sql);
	assert_corrupt(f, "forged", ev(want, sizeof(want), "audit event ", c.n + 1, " ("),
		       (const char *)NULL);
}

static void test_edit_prev_hash(void **state)
{
	struct fx *f = *state;
	struct chain c = writes(f);
	char want[64], sql[256];
	const int64_t ks[] = { 1, c.base + 3, c.n };
	for (size_t i = 0; i < DT_ARRAY_SIZE(ks); i++) {
		snprintf(sql, sizeof(sql), "UPDATE audit SET prev_hash = hash WHERE id = %lld",
			 (long long)ks[i]);
		fx_sql_exec(f, sql);
		assert_corrupt(f, sql,
			       ev(want, sizeof(want), "audit event ", ks[i], ": its previous hash"),
			       (const char *)NULL);
		restore(f);
		/* Another event's previous hash; the right bytes as hex text (SQLite). */
		snprintf(
			sql, sizeof(sql),
			"UPDATE audit SET prev_hash = (SELECT prev_hash FROM audit_copy WHERE id = "
			"%lld) WHERE id = %lld",
			(long long)(ks[i] == 1 ? 2 : 1), (long long)ks[i]);
		fx_sql_exec(f, sql);
		assert_corrupt(f, sql,
			       ev(want, sizeof(want), "audit event ", ks[i], ": its previous hash"),
			       (const char *)NULL);
		restore(f);
		if (fx_is_pg(f))
			continue; /* a BYTEA column holds bytes only */
		snprintf(sql, sizeof(sql),
			 "UPDATE audit SET prev_hash = lower(hex(prev_hash)) WHERE id = %lld",
			 (long long)ks[i]);
		fx_sql_exec(f, sql);
		assert_corrupt(f, sql,
			       ev(want, sizeof(want), "audit event ", ks[i], ": its previous hash"),
			       (const char *)NULL);
		restore(f);
	}
	assert_verifies(f, c.n);
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
	char sql[256];
	snprintf(
		sql, sizeof(sql),
		"SELECT count(*) FROM audit WHERE coalesce(before, '') || coalesce(after, '') LIKE "
		"'%%%s%%'",
		natid);
	assert_int_equal(fx_sql_int(f, sql), 0);
	char masked[DT_NATID_LEN + 1];
	dt_natid_mask(natid, masked);
	/* In the create's object; the update's change is the phone alone. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE after LIKE '%%%s%%'", masked);
	assert_int_equal(fx_sql_int(f, sql), 1);
}

/* ---- the compact format ---- */

/* The before and after of event @id, parsed (NULL for NULL). */
static void event_objects(struct fx *f, int64_t id, json_t **before, json_t **after)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT before, after FROM audit WHERE id = %lld",
		 (long long)id);
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = fx_prepare(db, sql);
	assert_int_equal(dt_db_step(st), DT_DB_ROW);
	const char *b = dt_db_column_text(st, 0), *a = dt_db_column_text(st, 1);
	*before = b ? json_loads(b, 0, NULL) : NULL;
	*after = a ? json_loads(a, 0, NULL) : NULL;
	if (b)
		assert_non_null(*before);
	if (a)
		assert_non_null(*after);
	dt_db_finalize(st);
	dt_db_close(db);
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
	assert_int_equal(json_object_size(b), json_object_size(aft));
	const char *k;
	json_t *v;
	json_object_foreach(now, k, v)
	{
		bool changed = !json_equal(v, json_object_get(obj, k));
		/* unchanged fields (kind was set to what it was) are not there */
		if ((json_object_get(aft, k) != NULL) != changed)
			fail_msg("field %s: changed %d, in the event %d", k, changed,
				 json_object_get(aft, k) != NULL);
		if (changed) {
			assert_json_equal(json_object_get(aft, k), v);
			assert_json_equal(json_object_get(b, k), json_object_get(obj, k));
		}
	}
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

/* A diff edited, widened or narrowed is found by verify, naming its event. */
static void test_tampered_diff(void **state)
{
	struct fx *f = *state;
	struct chain c = writes(f);
	static const char *const sets[] = {
		"after = replace(after, '甲公司(新)', '甲公司')",
		"after = replace(after, '{', '{\"uscc\":\"X\",')",
		"after = replace(after, '\"name\":\"甲公司(新)\"', '')",
		"before = replace(before, '甲公司', '乙公司')",
		"before = NULL",
	};
	char want[64], sql[256];
	for (size_t i = 0; i < DT_ARRAY_SIZE(sets); i++) {
		snprintf(sql, sizeof(sql), "UPDATE audit SET %s WHERE id = %lld", sets[i],
			 (long long)c.upd);
		fx_sql_exec(f, sql);
		assert_corrupt(f, sql, ev(want, sizeof(want), "audit event ", c.upd, " ("),
			       "edited", (const char *)NULL);
		restore(f);
	}
	assert_verifies(f, c.n);
}

/*
 * Format 1 as the code before migration 007 wrote it, reimplemented here
 * from its definition: BLAKE2b-256 over length-prefixed parts (tag, id, the
 * nine columns, the previous hash as hex), stored as hex text.
 */
static void v1_part(crypto_generichash_state *h, const char *s)
{
	unsigned char len[8];
	uint64_t n = s ? strlen(s) : UINT64_MAX;
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	crypto_generichash_update(h, len, 8);
	if (s)
		crypto_generichash_update(h, (const unsigned char *)s, strlen(s));
}

static void v1_hash(int64_t id, const char *const cols[9], const char *prev, char out[65])
{
	crypto_generichash_state h;
	unsigned char md[32];
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	crypto_generichash_init(&h, NULL, 0, 32);
	v1_part(&h, "dualtrack-audit-v1");
	v1_part(&h, idbuf);
	for (int i = 0; i < 9; i++)
		v1_part(&h, cols[i]);
	v1_part(&h, prev);
	crypto_generichash_final(&h, md, 32);
	sodium_bin2hex(out, 65, md, 32);
}

/*
 * Rewrite the whole chain of @f's (closed) database as the old code kept it:
 * the table of migrations 001 and 002 (entity_id and hashes as text), format
 * 1 hashes, the head in meta, and the schema version before migration 007.
 * The update event @upd gets the whole object @full as its after, as the
 * old code wrote updates.  The hex hash of the last event into @head.
 */
static void make_v1(struct fx *f, int64_t upd, const char *full, char head[65])
{
	struct dt_db *db = fx_raw(f);
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_db_stmt *rd = fx_prepare(
		db, "SELECT id, ts, actor, request_id, action, entity, CAST(entity_id AS TEXT), "
		    "before, after, CAST(region AS TEXT) FROM audit ORDER BY id");
	json_t *rows = json_array();
	while (dt_db_step(rd) == DT_DB_ROW) {
		json_t *r = json_array();
		json_array_append_new(r, json_integer(dt_db_column_int64(rd, 0)));
		for (int i = 1; i <= 9; i++) {
			const char *t = dt_db_column_text(rd, i);
			if (i == 8 && dt_db_column_int64(rd, 0) == upd)
				t = full;
			json_array_append_new(r, t ? json_string(t) : json_null());
		}
		json_array_append_new(rows, r);
	}
	dt_db_finalize(rd);
	struct dt_db_stmt *q = fx_prepare(db, "PRAGMA user_version");
	assert_int_equal(dt_db_step(q), DT_DB_ROW);
	assert_true(dt_db_column_int64(q, 0) >= 7);
	dt_db_finalize(q);
	if (dt_db_exec(db,
		       "BEGIN; DROP TABLE audit; CREATE TABLE audit (id INTEGER PRIMARY KEY, "
		       "ts TEXT NOT NULL, actor TEXT NOT NULL, request_id TEXT, action TEXT NOT "
		       "NULL, entity TEXT NOT NULL, entity_id TEXT, before TEXT, after TEXT, "
		       "prev_hash TEXT NOT NULL, hash TEXT NOT NULL, region INTEGER) STRICT; "
		       "CREATE INDEX audit_entity ON audit(entity, entity_id); "
		       "CREATE INDEX audit_region ON audit(region, id); "
		       "DELETE FROM meta WHERE key = 'audit_v2_from'",
		       &err) != DT_OK)
		fail_msg("old table: %s", err.buf);
	struct dt_db_stmt *ins = fx_prepare(
		db, "INSERT INTO audit(id, ts, actor, request_id, action, entity, entity_id, "
		    "before, after, region, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
	char prev[65], hash[65];
	memset(prev, '0', 64);
	prev[64] = '\0';
	size_t i;
	json_t *r;
	int64_t last = 0;
	json_array_foreach(rows, i, r)
	{
		const char *cols[9];
		for (int c = 0; c < 9; c++)
			cols[c] = json_string_value(json_array_get(r, (size_t)c + 1));
		last = json_integer_value(json_array_get(r, 0));
		v1_hash(last, cols, prev, hash);
		dt_db_bind_int64(ins, 1, last);
		for (int c = 0; c < 9; c++)
			if (cols[c])
				dt_db_bind_text(ins, c + 2, cols[c], -1);
		dt_db_bind_text(ins, 11, prev, -1);
		dt_db_bind_text(ins, 12, hash, -1);
		assert_int_equal(dt_db_step(ins), DT_DB_DONE);
		dt_db_reset(ins);
		memcpy(prev, hash, 65);
	}
	dt_db_finalize(ins);
	char sql[1024];
	/* back to before 007; the tables of the migrations after it go, to be made again */
	snprintf(sql, sizeof(sql),
		 "UPDATE meta SET value = '%lld:%s' WHERE key = 'audit_head'; "
		 "DROP TABLE IF EXISTS attachment_link; DROP TABLE IF EXISTS attachment; "
		 "DROP TABLE IF EXISTS rectification; DROP TABLE IF EXISTS finding; "
		 "DROP TABLE IF EXISTS inspection_check; DROP TABLE IF EXISTS inspection; "
		 "DROP TABLE IF EXISTS plan_candidate; DROP TABLE IF EXISTS plan_inspector; "
		 "DROP TABLE IF EXISTS plan_check; DROP TABLE IF EXISTS inspection_plan; "
		 "PRAGMA user_version = 6; COMMIT",
		 (long long)last, prev);
	if (dt_db_exec(db, sql, &err) != DT_OK)
		fail_msg("old head: %s", err.buf);
	memcpy(head, prev, 65);
	json_decref(rows);
	dt_strbuf_release(&err);
	dt_db_close(db);
}

static void test_old_chain_after_migration(void **state)
{
	struct fx *f = *state;
	if (fx_is_pg(f))
		skip(); /* the old table is SQLite's */
	struct chain c = writes(f);
	fx_sql_exec(f, "DROP TABLE audit_copy");
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT entity_id FROM audit WHERE id = %lld", (long long)c.upd);
	json_t *obj = get(f, "organization", fx_sql_int(f, sql));
	char *full = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(obj);
	dt_store_close(f->s);
	f->s = NULL;
	char head[65];
	make_v1(f, c.upd, full, head);
	free(full);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM audit WHERE typeof(hash) = 'text' "
				       "AND length(hash) = 64"),
			 c.n);

	/* The migration runs on opening; the old events verify as they are. */
	if (dt_store_open(&f->s, f->path, &f->keys, 0, &f->err) != DT_OK)
		fail_msg("open: %s", f->err.buf);
	assert_int_equal(fx_sql_int(f, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
				       "'audit_v2_from'"),
			 c.n + 1);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM audit WHERE typeof(hash) = 'text' "
				       "AND typeof(entity_id) IN ('integer', 'null')"),
			 c.n);
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
	/* New events chain on in format 2; old and new verify together. */
	org(f, "新公司");
	assert_verifies(f, c.n + 1);
	snprintf(sql, sizeof(sql),
		 "SELECT typeof(hash) = 'blob' AND length(prev_hash) = 32 FROM audit WHERE id = "
		 "%lld",
		 (long long)(c.n + 1));
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
	/* An old event edited is still found, by its own format. */
	fx_sql_exec(f, "CREATE TABLE audit_copy AS SELECT * FROM audit");
	char want[64];
	snprintf(sql, sizeof(sql), "UPDATE audit SET actor = 'intruder' WHERE id = %lld",
		 (long long)c.upd);
	fx_sql_exec(f, sql);
	assert_corrupt(f, sql, ev(want, sizeof(want), "audit event ", c.upd, " ("), "edited",
		       (const char *)NULL);
	restore(f);
	/* ... and an old event cannot pass for a new one. */
	fx_sql_exec(f, "UPDATE meta SET value = '1' WHERE key = 'audit_v2_from'");
	assert_corrupt(f, "v2_from", "audit event 1", (const char *)NULL);
	fx_sql_exec(f, "UPDATE meta SET value = '2' WHERE key = 'audit_v2_from'");
	snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%lld' WHERE key = 'audit_v2_from'",
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
			struct dt_db_stmt *st = fx_prepare(
				db, "SELECT count(*) FROM audit WHERE typeof(hash) = 'blob' AND "
				    "typeof(prev_hash) = 'blob' AND length(hash) = 32");
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
	int64_t updates = fx_sql_int(f, "SELECT count(*) FROM audit WHERE action LIKE '%.update'");
	assert_true(updates > 40);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_verify_after_writes, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_edit_each_column, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_remove_events, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reorder_events, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_edit_prev_hash, fx_setup, fx_teardown),
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
		cmocka_unit_test_setup_teardown(test_old_chain_after_migration, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_fold_property, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
