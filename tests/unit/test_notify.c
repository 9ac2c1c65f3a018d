/*
 * test_notify.c - notifications: the rules (domain/notify.c: the backoff
 * schedule, the deadline thresholds, RFC 2047 headers, wording) against
 * oracles, and the store (store/notify.c): who receives what by role and
 * scope, who reads an alert (list, single read and notification recipients
 * by the same rule), notifications made in the transaction of their cause and undone
 * with it, the inbox of one's own only, and the outbox's claim with a
 * lease, seen from two connections (two servers) on both backends.
 */
#include "store_fixture.h"

#include "domain/notify.h"

/* ---- rules ---- */

static void test_backoff_schedule(void **state)
{
	(void)state;
	/* the oracle: 10 s doubling, never above an hour */
	int64_t want = DT_NOTIFY_BACKOFF_BASE_MS, last = 0;
	for (int64_t a = 1; a <= 200; a++) {
		int64_t got = dt_notify_backoff_ms(a);
		assert_int_equal(got,
				 want < DT_NOTIFY_BACKOFF_CAP_MS ? want : DT_NOTIFY_BACKOFF_CAP_MS);
		assert_true(got >= last);
		last = got;
		if (want < DT_NOTIFY_BACKOFF_CAP_MS)
			want *= 2;
	}
	assert_int_equal(dt_notify_backoff_ms(1), 10000);
	assert_int_equal(dt_notify_backoff_ms(2), 20000);
	assert_int_equal(dt_notify_backoff_ms(9), 2560000);
	assert_int_equal(dt_notify_backoff_ms(10), 3600000);
	assert_int_equal(dt_notify_backoff_ms(INT64_MAX), 3600000);
	assert_int_equal(dt_notify_backoff_ms(0), 10000);
}

static void test_due_threshold(void **state)
{
	(void)state;
	for (int d = -30; d <= 30; d++) {
		int want = d < 0 ? 0 : d <= 1 ? 1 : d <= 3 ? 3 : d <= 7 ? 7 : 0;
		assert_int_equal(dt_notify_due_threshold(d), want);
	}
}

/* Decode a folded header of encoded words back to its text, checking each word's shape. */
static void unfold(const char *h, struct dt_strbuf *out)
{
	const char *p = h;
	while (*p) {
		assert_true(!strncmp(p, "=?UTF-8?B?", 10));
		const char *end = strstr(p + 10, "?=");
		assert_non_null(end);
		assert_true(end + 2 - p <=
			    75); /* RFC 2047: an encoded word is 75 characters at most */
		unsigned char bin[128];
		size_t n = 0;
		assert_int_equal(sodium_base642bin(bin, sizeof(bin), p + 10, (size_t)(end - p - 10),
						   NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL),
				 0);
		/* each word holds whole characters: it is valid UTF-8 alone */
		bin[n] = 0;
		assert_true(n == 0 || (bin[0] & 0xc0) != 0x80);
		dt_strbuf_add(out, (const char *)bin, n);
		p = end + 2;
		if (*p) {
			assert_true(!strncmp(p, "\r\n ", 3));
			p += 3;
		}
	}
}

static void test_mime_header(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"【双元培育】合同 12 待您审批（2027-03-01 至 2030-02-28）",
		"预警：沈阳机床的企业导师带教人数超过 8 人，请尽快调整带教安排并报送整改情况",
		"a\r\nBcc: victim@example.com",
		"é",
		"𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇𠀈𠀉𠀊𠀋𠀌𠀍𠀎𠀏",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct dt_strbuf h = DT_STRBUF_INIT, back = DT_STRBUF_INIT;
		dt_notify_mime_header(texts[i], &h);
		/* no line break but the folding ones: nothing can start a header of its own */
		for (const char *p = h.buf; (p = strchr(p, '\n')); p++)
			assert_true(p > h.buf && p[-1] == '\r' && p[1] == ' ');
		unfold(h.buf, &back);
		assert_string_equal(back.buf, texts[i]);
		dt_strbuf_release(&h);
		dt_strbuf_release(&back);
	}
	struct dt_strbuf h = DT_STRBUF_INIT;
	dt_notify_mime_header("[Dual training] Contract 12", &h);
	assert_string_equal(h.buf, "[Dual training] Contract 12");
	dt_strbuf_release(&h);
}

static void test_text_and_link(void **state)
{
	(void)state;
	json_t *args = json_pack("{s:i, s:s, s:s}", "contract", 12, "start", "2027-03-01", "end",
				 "2030-02-28");
	struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT, link = DT_STRBUF_INIT;
	dt_notify_text("notify.contract_approval", args, DT_LANG_ZH, &zh);
	dt_notify_text("notify.contract_approval", args, DT_LANG_EN, &en);
	assert_string_equal(zh.buf, "合同 12 待您审批（2027-03-01 至 2030-02-28）");
	assert_string_equal(en.buf,
			    "Contract 12 waits for your approval (2027-03-01 to 2030-02-28)");
	dt_notify_link("contract", 12, args, &link);
	assert_string_equal(link.buf, "/contracts/12");
	json_decref(args);
	/* an alert's own text, in each language */
	args = json_pack("{s:s, s:s, s:s}", "rule", "mentor_overload", "message_zh", "导师超负荷",
			 "message_en", "mentor overloaded");
	dt_strbuf_reset(&zh);
	dt_strbuf_reset(&en);
	dt_notify_text("notify.alert", args, DT_LANG_ZH, &zh);
	dt_notify_text("notify.alert", args, DT_LANG_EN, &en);
	assert_string_equal(zh.buf, "预警：导师超负荷");
	assert_string_equal(en.buf, "Alert: mentor overloaded");
	json_decref(args);
	/* a record-book digest links to the contract's record book */
	args = json_pack("{s:i, s:s}", "contract", 7, "date", "2026-11-20");
	dt_strbuf_reset(&link);
	dt_notify_link("record_entry", 99, args, &link);
	assert_string_equal(link.buf, "/contracts/7/record-book");
	json_decref(args);
	dt_strbuf_release(&zh);
	dt_strbuf_release(&en);
	dt_strbuf_release(&link);
}

/* ---- the store ---- */

static int64_t account(struct fx *f, const char *login, const char *role, const char *scope)
{
	int64_t id = 0;
	dt_strbuf_reset(&f->err);
	if (dt_store_account_add(f->s, &f->actor, login, role, scope, "Correct-Horse-42!", &id,
				 &f->err) != DT_OK)
		fail_msg("account %s: %s", login, f->err.buf);
	return id;
}

static json_t *ids_of(struct fx *f, enum dt_notify_to_kind k, int64_t id)
{
	json_t *ids = NULL;
	struct dt_notify_to to = { k, id };
	assert_int_equal(dt_store_notify_recipients(f->s, &to, 1, &ids, &f->err), DT_OK);
	return ids;
}

static void assert_ids(json_t *ids, const int64_t *want, size_t n)
{
	assert_int_equal(json_array_size(ids), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(json_integer_value(json_array_get(ids, i)), want[i]);
	json_decref(ids);
}

static int64_t unread(struct fx *f, int64_t acct)
{
	json_t *out = NULL;
	assert_int_equal(dt_store_notify_list(f->s, acct, 50, 0, &out, &f->err), DT_OK);
	int64_t n = fx_int(out, "unread");
	json_decref(out);
	return n;
}

static void test_recipients(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	char org[32], other_org[32], tr[32];
	int64_t other = fx_org(f, "enterprise", 210102, "另一家企业");
	snprintf(org, sizeof(org), "org:%lld", (long long)w.ent);
	snprintf(other_org, sizeof(other_org), "org:%lld", (long long)other);
	snprintf(tr, sizeof(tr), "trainee:%lld", (long long)w.trainee);
	int64_t ent = account(f, "ent", "enterprise", org);
	int64_t ent_off = account(f, "ent.off", "enterprise", org);
	account(f, "ent.other", "enterprise", other_org);
	int64_t trn = account(f, "trn", "trainee", tr);
	int64_t nat = account(f, "nat", "national", NULL);
	int64_t prov = account(f, "prov", "province", "210000");
	int64_t city = account(f, "city", "city", "210100");
	account(f, "city.dl", "city", "210200");
	account(f, "jilin", "province", "220000");
	int64_t insp = account(f, "insp", "inspector", "210100");
	account(f, "adm", "admin", NULL);
	assert_int_equal(dt_store_account_disable(f->s, &f->actor, "ent.off", true, &f->err),
			 DT_OK);
	(void)ent_off;

	assert_ids(ids_of(f, DT_NOTIFY_TO_ORG, w.ent), (int64_t[]){ ent }, 1);
	assert_ids(ids_of(f, DT_NOTIFY_TO_TRAINEE, w.trainee), (int64_t[]){ trn }, 1);
	/* a district of Shenyang: the nation's, Liaoning's, Shenyang's and its inspector */
	assert_ids(ids_of(f, DT_NOTIFY_TO_REGION, 210102), (int64_t[]){ nat, prov, city, insp }, 4);
	assert_ids(ids_of(f, DT_NOTIFY_TO_REGION, 0), (int64_t[]){ nat }, 1);
	assert_ids(ids_of(f, DT_NOTIFY_TO_ACCOUNT, city), (int64_t[]){ city }, 1);
	/* no organisation, no one */
	assert_ids(ids_of(f, DT_NOTIFY_TO_ORG, 0), NULL, 0);
	/* several selectors: each account once, in order */
	json_t *ids = NULL;
	struct dt_notify_to to[] = { { DT_NOTIFY_TO_ACCOUNT, city },
				     { DT_NOTIFY_TO_REGION, 210102 },
				     { DT_NOTIFY_TO_ORG, w.ent } };
	assert_int_equal(dt_store_notify_recipients(f->s, to, 3, &ids, &f->err), DT_OK);
	assert_ids(ids, (int64_t[]){ ent, nat, prov, city, insp }, 5);
}

/* The contract's parties are told when it waits for their approval, in its transaction. */
static void test_contract_submitted(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	char org[32], sch[32], tr[32];
	snprintf(org, sizeof(org), "org:%lld", (long long)w.ent);
	snprintf(sch, sizeof(sch), "org:%lld", (long long)w.sch);
	snprintf(tr, sizeof(tr), "trainee:%lld", (long long)w.trainee);
	int64_t ent = account(f, "ent", "enterprise", org);
	int64_t school = account(f, "sch", "school", sch);
	int64_t trn = account(f, "trn", "trainee", tr);
	int64_t city = account(f, "city", "city", "210100");
	/* the account made: one each, read */
	assert_int_equal(unread(f, ent), 1);
	int64_t n = 0;
	assert_int_equal(dt_store_notify_read_all(f->s, &f->actor, ent, &n, &f->err), DT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(dt_store_notify_read_all(f->s, &f->actor, school, &n, &f->err), DT_OK);
	assert_int_equal(dt_store_notify_read_all(f->s, &f->actor, trn, &n, &f->err), DT_OK);
	assert_int_equal(dt_store_notify_read_all(f->s, &f->actor, city, &n, &f->err), DT_OK);

	/* the enterprise chose e-mail: its notification goes to the outbox too */
	json_t *pin = json_pack("{s:b, s:s}", "email", 1, "email_to", "hr@jichuang.example");
	assert_int_equal(dt_store_notify_prefs_set(f->s, &f->actor, ent, pin, NULL, &f->err),
			 DT_OK);
	json_decref(pin);

	int64_t id = fx_create(f, "contract", fx_contract_in(&w, "2027-03-01", "2030-02-28"));
	assert_int_equal(unread(f, ent), 0); /* a draft waits for no one */
	assert_int_equal(fx_act(f, id, DT_CEV_SUBMIT, 0, NULL, NULL), DT_OK);
	assert_int_equal(unread(f, ent), 1);
	assert_int_equal(unread(f, school), 1);
	assert_int_equal(unread(f, trn), 1);
	assert_int_equal(unread(f, city), 0);
	json_t *out = NULL;
	assert_int_equal(dt_store_notify_list(f->s, ent, 10, 0, &out, &f->err), DT_OK);
	json_t *first = json_array_get(json_object_get(out, "items"), 0);
	assert_string_equal(fx_str(first, "kind"), "contract_approval");
	assert_string_equal(fx_str(first, "entity"), "contract");
	assert_int_equal(fx_int(first, "entity_id"), id);
	assert_true(json_is_null(json_object_get(first, "read_at"))); /* unread first */
	assert_int_equal(fx_int(out, "total"), 2);
	int64_t nid = fx_int(first, "id");
	json_decref(out);
	assert_int_equal(fx_rows(f, "notify_outbox"), 1);

	/* another's notification is not found, and stays unread */
	assert_int_equal(dt_store_notify_read(f->s, &f->actor, school, nid, &f->err), DT_ENOTFOUND);
	assert_int_equal(unread(f, ent), 1);
	assert_int_equal(dt_store_notify_read(f->s, &f->actor, ent, nid, &f->err), DT_OK);
	assert_int_equal(unread(f, ent), 0);

	/* a refused submission makes none: the notification shares the write's fate */
	int64_t before = fx_rows(f, "notification");
	assert_int_not_equal(fx_act(f, id, DT_CEV_SUBMIT, 0, NULL, NULL), DT_OK);
	assert_int_equal(fx_rows(f, "notification"), before);
}

/* A record-book entry waiting for sign-off: its site's organisation, once a day. */
static void test_record_digest(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	char org[32], sch[32];
	snprintf(org, sizeof(org), "org:%lld", (long long)w.ent);
	snprintf(sch, sizeof(sch), "org:%lld", (long long)w.sch);
	int64_t ent = account(f, "ent", "enterprise", org);
	int64_t school = account(f, "sch", "school", sch);
	int64_t c = fx_active_contract(f, &w);
	int64_t n = 0;
	dt_store_notify_read_all(f->s, &f->actor, ent, &n, &f->err);
	dt_store_notify_read_all(f->s, &f->actor, school, &n, &f->err);
	for (int d = 20; d <= 23; d++) {
		char date[32];
		snprintf(date, sizeof(date), "2026-11-%d", d);
		fx_create(f, "record_entry",
			  json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id", (json_int_t)c,
				    "date", date, "site", "company", "hours", 4.0, "content",
				    "车床操作"));
	}
	assert_int_equal(unread(f, ent), 1);
	assert_int_equal(unread(f, school), 0);
	fx_create(f, "record_entry",
		  json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id", (json_int_t)c, "date",
			    "2026-11-24", "site", "school", "hours", 2.0, "content", "理论课"));
	assert_int_equal(unread(f, school), 1);
}

/* Findings due: once per finding and threshold, and again for a new deadline. */
static void test_findings_due_once(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	char org[32];
	snprintf(org, sizeof(org), "org:%lld", (long long)w.ent);
	int64_t ent = account(f, "ent", "enterprise", org);
	int64_t n = 0;
	dt_store_notify_read_all(f->s, &f->actor, ent, &n, &f->err);
	/*
	 * A finding row alone (its inspection and plan are not what this is
	 * about): the raw connection enforces no foreign keys on SQLite, and is
	 * told not to on PostgreSQL.
	 */
	char sql[512];
	struct dt_db *db = fx_raw(f);
	struct dt_strbuf e = DT_STRBUF_INIT;
	if (fx_is_pg(f) && dt_db_exec(db, "SET session_replication_role = replica", &e) != DT_OK)
		fail_msg("%s", e.buf);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO finding(id, inspection_id, severity, org_id, region, description, "
		 "deadline, status, created_at, updated_at) VALUES (1, 1, 'general', %lld, 210102, "
		 "'x', '2026-11-29', 'open', '2026-11-01', '2026-11-01')",
		 (long long)w.ent);
	if (dt_db_exec(db, sql, &e) != DT_OK)
		fail_msg("%s", e.buf);
	dt_db_close(db);
	dt_strbuf_release(&e);
	int made = 0;
	struct dt_date today = { 2026, 11, 26 };
	/* 3 days left: the 3-day threshold */
	assert_int_equal(dt_store_notify_findings_due(f->s, today, &made, &f->err), DT_OK);
	assert_int_equal(made, 1);
	assert_int_equal(dt_store_notify_findings_due(f->s, today, &made, &f->err), DT_OK);
	assert_int_equal(made, 0); /* once */
	today.day = 27;            /* 2 days left: still the 3-day threshold */
	assert_int_equal(dt_store_notify_findings_due(f->s, today, &made, &f->err), DT_OK);
	assert_int_equal(made, 0);
	today.day = 28; /* 1 day left */
	assert_int_equal(dt_store_notify_findings_due(f->s, today, &made, &f->err), DT_OK);
	assert_int_equal(made, 1);
	today.day = 30; /* overdue: no more */
	assert_int_equal(dt_store_notify_findings_due(f->s, today, &made, &f->err), DT_OK);
	assert_int_equal(made, 0);
	assert_int_equal(unread(f, ent), 2);
}

/* Raise alert @rule about @kind @id in Shenyang and return its id (the newest alert). */
static int64_t raise_alert(struct fx *f, const char *rule, const char *kind, int64_t id)
{
	struct dt_alert_in in = { rule, "warning", kind, id, NULL, 210100, 1, 2, "预警", "alert" };
	bool raised = false;
	if (dt_store_alert_raise(f->s, &f->actor, &in, &raised, &f->err) != DT_OK || !raised)
		fail_msg("raise %s: %s", rule, f->err.buf);
	json_t *items = NULL;
	struct dt_query q = { .sort = "id", .desc = true, .limit = 1 };
	char *next = NULL;
	assert_int_equal(dt_store_list(f->s, NULL, "alert", &q, &items, &next, &f->err), DT_OK);
	free(next);
	int64_t aid = fx_int(json_array_get(items, 0), "id");
	json_decref(items);
	return aid;
}

/* The ids of alerts @scope lists, ascending, as a bit set of the @n ids in @all. */
static unsigned listed(struct fx *f, const struct dt_scope *scope, const int64_t *all, size_t n)
{
	json_t *items = NULL;
	struct dt_query q = { .limit = 1000 };
	char *next = NULL;
	assert_int_equal(dt_store_list(f->s, scope, "alert", &q, &items, &next, &f->err), DT_OK);
	free(next);
	unsigned bits = 0;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		size_t k = 0;
		while (k < n && all[k] != fx_int(it, "id"))
			k++;
		assert_true(k < n); /* nothing but the test's alerts */
		bits |= 1u << k;
	}
	json_decref(items);
	return bits;
}

/*
 * Who reads an alert: officials in its region; an organisation those about
 * itself and its contracts; a trainee those about its own contracts; nobody
 * else (404 as missing), and none of them acts on one.  The alert's
 * notifications reach exactly the organisations that may read it.
 */
static void test_alert_readers(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t other = fx_org(f, "school", 210104, "另一所学校");
	int64_t c = fx_active_contract(f, &w);
	char org[32], sch[32], oth[32];
	snprintf(org, sizeof(org), "org:%lld", (long long)w.ent);
	snprintf(sch, sizeof(sch), "org:%lld", (long long)w.sch);
	snprintf(oth, sizeof(oth), "org:%lld", (long long)other);
	int64_t acct[3] = { account(f, "ent", "enterprise", org), account(f, "sch", "school", sch),
			    account(f, "oth", "school", oth) };
	for (size_t i = 0; i < 3; i++) {
		int64_t n = 0;
		assert_int_equal(dt_store_notify_read_all(f->s, &f->actor, acct[i], &n, &f->err),
				 DT_OK);
	}
	int64_t a[4] = {
		raise_alert(f, "mentor_overload", "organization", w.ent),
		raise_alert(f, "stipend_below_minimum", "contract", c),
		raise_alert(f, "school_mentor_overload", "organization", other),
		raise_alert(f, "task_overdue", "pilot_task", 1),
	};
	const struct {
		struct dt_scope scope;
		unsigned reads; /* bit k: alert a[k] */
	} who[] = {
		{ { 0, w.ent, 0, 0 }, 1u << 0 | 1u << 1 },
		{ { 0, w.sch, 0, 0 }, 1u << 1 },
		{ { 0, other, 0, 0 }, 1u << 2 },
		{ { 0, 0, w.trainee, 0 }, 1u << 1 },
		{ { 210100, 0, 0, 0 }, 0xf },
		{ { 220000, 0, 0, 0 }, 0 },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(who); i++) {
		/* the list and the single read agree with the rule */
		assert_int_equal(listed(f, &who[i].scope, a, 4), who[i].reads);
		for (size_t k = 0; k < 4; k++) {
			json_t *o = NULL;
			dt_strbuf_reset(&f->err);
			enum dt_err rc =
				dt_store_get(f->s, &who[i].scope, "alert", a[k], 0, &o, &f->err);
			json_decref(o);
			assert_int_equal(rc, who[i].reads >> k & 1 ? DT_OK : DT_ENOTFOUND);
		}
		/* read only: a party may not act on an alert it reads (not its own to change) */
		if (who[i].scope.org_id || who[i].scope.trainee_id) {
			json_t *o = NULL;
			for (size_t k = 0; k < 4; k++)
				assert_int_equal(dt_store_alert_act(f->s, &f->actor, &who[i].scope,
								    a[k], "ack", NULL, &o, &f->err),
						 who[i].reads >> k & 1 ? DT_EDENIED : DT_ENOTFOUND);
			json_decref(o);
		}
	}
	assert_int_equal(listed(f, &(struct dt_scope){ 0 }, a, 4), 0xf); /* all still open */
	struct dt_query q = { .filters = (const char *[]){ "status", "open" }, .nfilters = 1 };
	int64_t n_open = 0;
	assert_int_equal(dt_store_count(f->s, NULL, "alert", &q, &n_open, &f->err), DT_OK);
	assert_int_equal(n_open, 4);
	/* the notifications: to the parties that read it, each linking to one it reads */
	const unsigned told[3] = { 1u << 0 | 1u << 1, 1u << 1, 1u << 2 };
	for (size_t i = 0; i < 3; i++) {
		json_t *out = NULL;
		assert_int_equal(dt_store_notify_list(f->s, acct[i], 50, 0, &out, &f->err), DT_OK);
		unsigned bits = 0;
		size_t j;
		json_t *it;
		json_array_foreach(json_object_get(out, "items"), j, it)
		{
			if (strcmp(fx_str(it, "kind"), "alert"))
				continue;
			for (size_t k = 0; k < 4; k++)
				if (fx_int(it, "entity_id") == a[k])
					bits |= 1u << k;
		}
		json_decref(out);
		assert_int_equal(bits, told[i]);
		assert_int_equal(bits, who[i].reads);
	}
}

/* A second connection to the same database: another server. */
static struct dt_store *second(struct fx *f)
{
	struct dt_store *s2 = NULL;
	if (dt_store_open(&s2, f->path, &f->keys, 0, &f->err) != DT_OK)
		fail_msg("open: %s", f->err.buf);
	return s2;
}

static size_t claim(struct dt_store *s, const char *who, int64_t now, int64_t lease, json_t **items)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	json_t *got = NULL;
	if (dt_store_outbox_claim(s, who, now, lease, 10, &got, &err) != DT_OK)
		fail_msg("claim: %s", err.buf);
	dt_strbuf_release(&err);
	size_t n = json_array_size(got);
	if (items)
		*items = got;
	else
		json_decref(got);
	return n;
}

static void test_outbox_lease(void **state)
{
	struct fx *f = *state;
	int64_t a = account(f, "someone", "city", "210100");
	json_t *pin = json_pack("{s:b, s:s, s:b, s:s}", "email", 1, "email_to", "a@example.com",
				"webhook", 1, "phone", "13800138000");
	assert_int_equal(dt_store_notify_prefs_set(f->s, &f->actor, a, pin, NULL, &f->err), DT_OK);
	json_decref(pin);
	json_t *args = json_pack("{s:s}", "login", "someone");
	struct dt_notice n = { "account_created", "notify.account_created", args, NULL, 0, NULL };
	struct dt_notify_to to = { DT_NOTIFY_TO_ACCOUNT, a };
	int made = 0;
	assert_int_equal(dt_store_notify(f->s, &to, 1, &n, &made, &f->err), DT_OK);
	json_decref(args);
	assert_int_equal(made, 1);
	assert_int_equal(fx_rows(f, "notify_outbox"), 2); /* e-mail and webhook */
	/* the keys differ: a receiver tells copies apart */
	assert_int_equal(fx_sql_int(f, "SELECT count(DISTINCT idem_key) FROM notify_outbox"), 2);

	struct dt_store *s2 = second(f);
	int64_t t = fx_sql_int(f, "SELECT max(next_attempt_at) FROM notify_outbox") + 1;
	json_t *items = NULL;
	int64_t due = 0;
	assert_int_equal(dt_store_outbox_due(f->s, t, &due, &f->err), DT_OK);
	assert_int_equal(due, 2);
	assert_int_equal(claim(f->s, "A", t, 1000, &items), 2);
	json_t *it = json_array_get(items, 0);
	assert_int_equal(fx_int(it, "attempts"), 1);
	assert_string_equal(fx_str(it, "login"), "someone");
	int64_t mail = fx_int(it, "id"), hook = fx_int(json_array_get(items, 1), "id");
	assert_string_equal(fx_str(it, "channel"), "email");
	json_decref(items);
	/* the other server finds nothing while A's lease runs */
	assert_int_equal(claim(s2, "B", t + 500, 1000, NULL), 0);
	assert_int_equal(dt_store_outbox_due(s2, t + 500, &due, &f->err), DT_OK);
	assert_int_equal(due, 0);
	/* A dies (no done, no fail): after the lease the rows are B's, a second attempt */
	assert_int_equal(claim(s2, "B", t + 1001, 1000, &items), 2);
	assert_int_equal(fx_int(json_array_get(items, 0), "attempts"), 2);
	json_decref(items);
	/* A's late word changes nothing of B's claim */
	assert_int_equal(dt_store_outbox_done(f->s, mail, "A", &f->err), DT_OK);
	assert_int_equal(
		fx_sql_int(f, "SELECT count(*) FROM notify_outbox WHERE sent_at IS NOT NULL"), 0);
	assert_int_equal(dt_store_outbox_done(s2, mail, "B", &f->err), DT_OK);
	assert_int_equal(
		fx_sql_int(f, "SELECT count(*) FROM notify_outbox WHERE sent_at IS NOT NULL"), 1);
	/* B fails the webhook: due again after the backoff of two attempts (20 s), not before */
	assert_int_equal(dt_store_outbox_fail(s2, hook, "B", t + 2000, "HTTP 503", &f->err), DT_OK);
	assert_int_equal(claim(f->s, "A", t + 2000 + 19999, 1000, NULL), 0);
	assert_int_equal(claim(f->s, "A", t + 2000 + 20000, 1000, &items), 1);
	assert_int_equal(fx_int(json_array_get(items, 0), "id"), hook);
	assert_int_equal(fx_int(json_array_get(items, 0), "attempts"), 3);
	json_decref(items);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM notify_outbox WHERE last_error = "
				       "'HTTP 503'"),
			 1);
	assert_int_equal(dt_store_outbox_done(f->s, hook, "A", &f->err), DT_OK);
	/* everything sent once: nothing is ever claimed again */
	assert_int_equal(claim(s2, "B", t + 10000000, 1000, NULL), 0);
	json_t *st = NULL;
	assert_int_equal(dt_store_outbox_stats(f->s, &st, &f->err), DT_OK);
	assert_int_equal(fx_int(st, "sent"), 2);
	assert_int_equal(fx_int(st, "pending"), 0);
	json_decref(st);
	dt_store_close(s2);
}

static void test_prefs_checked(void **state)
{
	struct fx *f = *state;
	int64_t a = account(f, "someone", "city", "210100");
	json_t *in = json_pack("{s:b}", "email", 1); /* no address */
	assert_int_equal(dt_store_notify_prefs_set(f->s, &f->actor, a, in, NULL, &f->err),
			 DT_EINVAL);
	assert_true(fx_has_ferr(f, "email_to"));
	json_decref(in);
	in = json_pack("{s:b, s:s}", "email", 1, "email_to", "a@b.example\r\nBcc: c@d.example");
	assert_int_equal(dt_store_notify_prefs_set(f->s, &f->actor, a, in, NULL, &f->err),
			 DT_EINVAL);
	json_decref(in);
	in = json_pack("{s:b}", "inapp", 0); /* the inbox cannot be switched off */
	assert_int_equal(dt_store_notify_prefs_set(f->s, &f->actor, a, in, NULL, &f->err),
			 DT_EINVAL);
	json_decref(in);
	json_t *out = NULL;
	assert_int_equal(dt_store_notify_prefs(f->s, a, &out, &f->err), DT_OK);
	assert_false(json_is_true(json_object_get(out, "email")));
	assert_true(json_is_true(json_object_get(out, "inapp")));
	json_decref(out);
}

int main(void)
{
	fx_env();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_schedule),
		cmocka_unit_test(test_due_threshold),
		cmocka_unit_test(test_mime_header),
		cmocka_unit_test(test_text_and_link),
		cmocka_unit_test_setup_teardown(test_recipients, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_contract_submitted, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_record_digest, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_findings_due_once, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_alert_readers, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_outbox_lease, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_prefs_checked, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
