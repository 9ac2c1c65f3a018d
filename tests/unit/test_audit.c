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
 */
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
	assert_int_equal(fx_sql_int(f, "SELECT count(*) = max(id) AND min(id) = 1 FROM audit"), 1);
	/* The events of this test, in order. */
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit WHERE id > %lld "
		 "ORDER BY id)",
		 (long long)c.base);
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = NULL;
	st = fx_prepare(db, sql);
	assert_int_equal(dt_db_step(st), DT_DB_ROW);
	assert_string_equal(dt_db_column_text(st, 0),
			    "organization.create organization.create organization.update "
			    "organization.export organization.create organization.delete "
			    "trainee.create organization.create");
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
		{ "entity_id", "entity_id || '0'" },
		{ "entity_id", "NULL" },
		{ "before", "NULL" },
		{ "before", "replace(before, '甲公司', '乙公司')" },
		{ "after", "json_set(after, '$.name', 'forged')" },
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
		/* One hex digit changed. */
		snprintf(
			sql, sizeof(sql),
			"UPDATE audit SET prev_hash = CASE substr(prev_hash, 1, 1) WHEN 'a' THEN 'b' "
			"ELSE 'a' END || substr(prev_hash, 2) WHERE id = %lld",
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
	assert_int_equal(fx_sql_int(f, "SELECT count(*) = max(id) AND min(id) = 1 FROM audit"), 1);
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
		"SELECT count(*) FROM audit WHERE instr(coalesce(before, '') || coalesce(after, ''), '%s')",
		natid);
	assert_int_equal(fx_sql_int(f, sql), 0);
	char masked[DT_NATID_LEN + 1];
	dt_natid_mask(natid, masked);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE instr(after, '%s')", masked);
	assert_int_equal(fx_sql_int(f, sql), 2);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
