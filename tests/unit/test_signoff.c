/*
 * test_signoff.c - mentors as people in the store (store/signoff.c, rules.c,
 * coverage.c), on either backend: the register's rule, contracts naming
 * their mentors (names filled from the register, kind and organisation
 * checked), sign-off by the named mentor or a delegate, and bulk sign-off
 * as a property: random batches, some with one bad id (signed already,
 * missing, another mentor's, another site's), either change nothing at all
 * (every table and the audit trail byte for byte) and name the first bad
 * id, or sign every listed entry with one audit event more; at the end the
 * records check finds every entry as its events (the batches' included) say.
 */
#include <zlib.h>

#include "store_fixture.h"
#include "store/store_internal.h"

#include "core/banned.h"

struct world {
	struct fx_world w;
	int64_t m1, m2, ms; /* two company mentors, one school mentor */
	int64_t c1, c2;     /* contracts naming m1 and m2 (and ms) */
	int64_t a1, a2, aent;
};

static int64_t mentor(struct fx *f, int64_t org, const char *kind, const char *name)
{
	return fx_create(f, "mentor",
			 json_pack("{s:s, s:I, s:s}", "name", name, "organization_id",
				   (json_int_t)org, "kind", kind));
}

static int64_t account(struct fx *f, const char *login, const char *role, int64_t org)
{
	char scope[32];
	int64_t id = 0;
	snprintf(scope, sizeof(scope), "org:%lld", (long long)org);
	if (dt_store_account_add(f->s, &f->actor, login, role, scope, "Kq7#vLp2-mentor-Zr9w", &id,
				 &f->err) != DT_OK)
		fail_msg("account %s: %s", login, f->err.buf);
	return id;
}

static int64_t named_contract(struct fx *f, struct fx_world *w, int64_t cm, int64_t sm)
{
	w->trainee = fx_trainee(f, "210102", NULL);
	json_t *in = fx_contract_in(w, "2025-09-01", "2028-08-31");
	json_object_del(in, "company_mentor");
	json_object_del(in, "school_mentor");
	json_object_set_new(in, "company_mentor_id", json_integer(cm));
	json_object_set_new(in, "school_mentor_id", json_integer(sm));
	int64_t id = fx_create(f, "contract", in);
	assert_int_equal(fx_act(f, id, DT_CEV_SUBMIT, 0, NULL, NULL), DT_OK);
	for (int p = 0; p < DT_PARTY_N; p++)
		assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, (enum dt_party)p, NULL, NULL),
				 DT_OK);
	assert_int_equal(fx_act(f, id, DT_CEV_ACTIVATE, 0, NULL, NULL), DT_OK);
	return id;
}

static struct world setup_world(struct fx *f)
{
	struct world x;
	x.w = fx_world(f);
	x.m1 = mentor(f, x.w.ent, "company", "王师傅");
	x.m2 = mentor(f, x.w.ent, "company", "张师傅");
	x.ms = mentor(f, x.w.sch, "school", "李老师");
	x.c1 = named_contract(f, &x.w, x.m1, x.ms);
	x.c2 = named_contract(f, &x.w, x.m2, x.ms);
	x.a1 = account(f, "wang", "enterprise", x.w.ent);
	x.a2 = account(f, "zhang", "enterprise", x.w.ent);
	x.aent = account(f, "ent", "enterprise", x.w.ent);
	assert_int_equal(dt_store_account_mentor_set(f->s, &f->actor, "wang", x.m1, &f->err),
			 DT_OK);
	assert_int_equal(dt_store_account_mentor_set(f->s, &f->actor, "zhang", x.m2, &f->err),
			 DT_OK);
	return x;
}

static int64_t entry(struct fx *f, int64_t con, int day, const char *site)
{
	char date[16];
	struct dt_date d = { 2025, 9, 1 };
	d = dt_date_add_days(d, day);
	dt_date_format(d, date);
	return fx_create(f, "record_entry",
			 json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id", (json_int_t)con,
				   "date", date, "site", site, "hours", 1.0, "content", "实训"));
}

/* The records check: how many records differ, their lines in @report (reset first). */
static int64_t records_differ(struct fx *f, struct dt_strbuf *report)
{
	int64_t found = -1, records = 0;
	dt_strbuf_reset(report);
	assert_int_equal(dt_store_records_check(f->s, report, 20, &found, &records, &f->err),
			 DT_OK);
	assert_true(records > 0);
	return found;
}

static void test_register_and_contracts(void **state)
{
	struct fx *f = *state;
	struct world x = setup_world(f);
	/* a company mentor of a school is refused */
	assert_int_equal(fx_create_rc(f, "mentor",
				      json_pack("{s:s, s:I, s:s}", "name", "错", "organization_id",
						(json_int_t)x.w.sch, "kind", "company")),
			 DT_EINVAL);
	assert_true(fx_has_ferr(f, "organization_id"));
	/* the names come from the register */
	json_t *c = NULL;
	assert_int_equal(dt_store_get(f->s, NULL, "contract", x.c1, 0, &c, &f->err), DT_OK);
	assert_string_equal(fx_str(c, "company_mentor"), "王师傅");
	assert_string_equal(fx_str(c, "school_mentor"), "李老师");
	json_decref(c);
	/* a school mentor as company mentor, a mentor of another enterprise: refused */
	struct fx_world w2 = x.w;
	w2.trainee = fx_trainee(f, "210102", NULL);
	json_t *in = fx_contract_in(&w2, "2025-09-01", "2028-08-31");
	json_object_set_new(in, "company_mentor_id", json_integer(x.ms));
	assert_int_equal(fx_create_rc(f, "contract", in), DT_EINVAL);
	assert_true(fx_has_ferr(f, "company_mentor_id"));
	int64_t other = fx_org(f, "enterprise", 210102, "别家");
	int64_t mo = mentor(f, other, "company", "赵师傅");
	in = fx_contract_in(&w2, "2025-09-01", "2028-08-31");
	json_object_set_new(in, "company_mentor_id", json_integer(mo));
	assert_int_equal(fx_create_rc(f, "contract", in), DT_EINVAL);
	assert_true(fx_has_ferr(f, "company_mentor_id"));
	/* an account of another organisation is not linked to the mentor */
	account(f, "other", "enterprise", other);
	assert_int_equal(dt_store_account_mentor_set(f->s, &f->actor, "other", x.m1, &f->err),
			 DT_EINVAL);
	/* the load: one active contract each, the school mentor two */
	json_t *load = NULL;
	if (dt_store_mentor_load(f->s, NULL, &load, &f->err) != DT_OK)
		fail_msg("load: %s", f->err.buf);
	size_t i;
	json_t *m;
	int seen = 0;
	json_array_foreach(load, i, m)
	{
		int64_t id = fx_int(m, "id");
		if (id == x.m1 || id == x.m2)
			assert_int_equal(fx_int(m, "trainees"), 1), seen++;
		if (id == x.ms)
			assert_int_equal(fx_int(m, "trainees"), 2), seen++;
		if (id == mo)
			assert_int_equal(fx_int(m, "trainees"), 0), seen++;
	}
	assert_int_equal(seen, 4);
	json_decref(load);
}

/* A tiny xorshift for the property test: the same batches every run. */
static uint64_t rng = 88172645463325252ull;
static uint32_t below(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void test_batch_all_or_nothing(void **state)
{
	struct fx *f = *state;
	struct world x = setup_world(f);
	enum { N = 40 };
	int64_t ids[2 * N + 4];
	int owner[2 * N + 4]; /* 1: wang's, 2: zhang's, 0: a school entry */
	bool done[2 * N + 4] = { false };
	int n = 0;
	for (int d = 0; d < N; d++) {
		ids[n] = entry(f, x.c1, d, "company"), owner[n++] = 1;
		ids[n] = entry(f, x.c2, d, "company"), owner[n++] = 2;
	}
	ids[n] = entry(f, x.c1, 0, "school"), owner[n++] = 0;
	struct dt_scope scope = { .org_id = x.w.ent };
	struct dt_actor wang = { "wang", NULL, &scope };
	struct dt_store_signer sw = { DT_SIGNER_ENTERPRISE, x.a1, false };
	int signed_batches = 0, refused = 0;
	for (int round = 0; round < 60; round++) {
		/* a batch of wang's unsigned entries, perhaps with one bad id in it */
		int64_t batch[8];
		size_t k = 0, want = (size_t)(1 + below(6));
		int bad = -1;
		for (int tries = 0; tries < 200 && k < want; tries++) {
			int j = (int)below((uint32_t)n);
			if (owner[j] != 1 || done[j])
				continue;
			bool dup = false;
			for (size_t q = 0; q < k; q++)
				dup = dup || batch[q] == ids[j];
			if (!dup)
				batch[k++] = ids[j];
		}
		if (!k)
			break;
		int64_t bad_id = 0;
		if (below(2)) {
			switch (below(4)) {
			case 0: { /* signed already */
				for (int j = 0; j < n && !bad_id; j++)
					if (done[j])
						bad_id = ids[j];
				break;
			}
			case 1: bad_id = 999999; break; /* missing */
			case 2:                         /* zhang's */
				for (int j = 0; j < n && !bad_id; j++)
					if (owner[j] == 2)
						bad_id = ids[j];
				break;
			default: bad_id = ids[n - 1]; break; /* a school entry */
			}
		}
		if (bad_id) {
			bad = (int)below((uint32_t)k + 1);
			for (size_t q = k; q > (size_t)bad; q--)
				batch[q] = batch[q - 1];
			batch[bad] = bad_id;
			k++;
		}
		struct fx_snap before = fx_snapshot(f);
		dt_strbuf_reset(&f->err);
		json_t *out = NULL;
		int rc = dt_store_record_signoff_batch(f->s, &wang, &scope, &sw, batch, k, &out,
						       &f->err);
		if (bad_id) {
			assert_int_not_equal(rc, DT_OK);
			fx_assert_unchanged(f, &before);
			const struct dt_problems *ps = dt_store_problems(f->s);
			char want_id[24];
			snprintf(want_id, sizeof(want_id), "%lld", (long long)bad_id);
			assert_string_equal(dt_problem_arg(&ps->v[0], "id"), want_id);
			refused++;
		} else {
			if (rc != DT_OK)
				fail_msg("batch: %s", f->err.buf);
			assert_int_equal(fx_int(out, "signed"), (int64_t)k);
			assert_string_equal(fx_str(out, "signed_by"), "王师傅");
			assert_int_equal(fx_audit_count(f), before.audit + 1);
			for (size_t q = 0; q < k; q++)
				for (int j = 0; j < n; j++)
					if (ids[j] == batch[q])
						done[j] = true;
			signed_batches++;
		}
		json_decref(out);
	}
	assert_true(signed_batches > 5);
	assert_true(refused > 5);
	/* every signed entry holds the mentor; the others nothing */
	for (int j = 0; j < n; j++) {
		json_t *e = NULL;
		assert_int_equal(dt_store_get(f->s, NULL, "record_entry", ids[j], 0, &e, &f->err),
				 DT_OK);
		if (done[j]) {
			assert_string_equal(fx_str(e, "signed_by"), "王师傅");
			assert_int_equal(fx_int(e, "signed_mentor_id"), x.m1);
			assert_int_equal(fx_int(e, "signed_account_id"), x.a1);
			assert_true(json_is_false(json_object_get(e, "signed_delegate")));
		} else {
			assert_true(json_is_null(json_object_get(e, "signed_at")));
		}
		json_decref(e);
	}
	/* the waiting list agrees; the shared account signs as a delegate */
	json_t *items = NULL;
	int64_t total = -1, open = 0;
	for (int j = 0; j < n; j++)
		open += owner[j] == 1 && !done[j];
	assert_int_equal(
		dt_store_record_waiting(f->s, &scope, &sw, 1000, 0, &items, &total, &f->err),
		DT_OK);
	assert_int_equal(total, open);
	json_decref(items);
	struct dt_actor ent = { "ent", NULL, &scope };
	struct dt_store_signer se = { DT_SIGNER_ENTERPRISE, x.aent, false };
	json_t *out = NULL;
	int64_t zh = ids[1];
	assert_int_equal(
		dt_store_record_signoff_batch(f->s, &ent, &scope, &se, &zh, 1, &out, &f->err),
		DT_OK);
	assert_true(json_is_true(json_object_get(out, "delegate")));
	assert_string_equal(fx_str(out, "signed_by"), "ent");
	json_decref(out);
	/* the records check folds every batch event into its entries */
	struct dt_strbuf report = DT_STRBUF_INIT;
	if (records_differ(f, &report))
		fail_msg("records check: %s", report.buf);
	/* and finds an entry changed behind its back */
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE record_entry SET signed_by = 'x' WHERE id = %lld",
		 (long long)zh);
	fx_sql_exec(f, sql);
	assert_int_equal(records_differ(f, &report), 1);
	dt_strbuf_release(&report);
}

/*
 * A carried-over record book as `gen` writes it: the creates gathered into
 * one audit event (dt_store_audit_defer), the sign-offs of each site in one
 * batch with each entry's own time, by the mentor the contract names; a
 * refused batch inside the transaction leaves the gathered creates as they
 * were.  The records check finds every entry as the batches say, and an
 * entry edited or deleted behind their back.
 */
static void test_carried_over_book(void **state)
{
	struct fx *f = *state;
	struct world x = setup_world(f);
	int64_t before = fx_audit_count(f);
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_OK);
	dt_store_audit_defer(f->s, &f->actor, "record_entry");
	int64_t co[3], sc[2];
	for (int i = 0; i < 3; i++)
		co[i] = entry(f, x.c1, 2 * i, "company");
	for (int i = 0; i < 2; i++)
		sc[i] = entry(f, x.c1, 2 * i + 1, "school");
	assert_int_equal(fx_audit_count(f), before); /* gathered, not yet written */
	static const struct dt_store_signer named = { DT_SIGNER_ANY, 0, true };
	/* a time before the entry's date refuses the batch, which changes nothing */
	const char *bad[] = { "2025-08-30T08:00:00.000Z", NULL };
	assert_int_equal(dt_store_record_signoff_batch_at(f->s, &f->actor, NULL, &named, sc, bad, 2,
							  NULL, &f->err),
			 DT_EINVAL);
	/* entries of two mentors are two batches */
	int64_t mixed[] = { co[0], sc[0] };
	const char *none[] = { NULL, NULL };
	assert_int_equal(dt_store_record_signoff_batch_at(f->s, &f->actor, NULL, &named, mixed,
							  none, 2, NULL, &f->err),
			 DT_EINVAL);
	const char *at[] = { "2025-09-03T01:02:03.004Z", NULL, "2025-09-09T09:00:00.000Z" };
	json_t *out = NULL;
	assert_int_equal(dt_store_record_signoff_batch_at(f->s, &f->actor, NULL, &named, co, at, 3,
							  &out, &f->err),
			 DT_OK);
	assert_string_equal(fx_str(out, "signed_by"), "王师傅");
	json_decref(out);
	assert_int_equal(dt_store_commit(f->s, &f->err), DT_OK);
	dt_store_audit_defer(f->s, NULL, NULL);
	/* one create batch (written before the sign-off), one sign-off batch */
	assert_int_equal(fx_audit_count(f), before + 2);
	char sql[200];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM audit WHERE id > %lld AND entity = 'record_entry' AND "
		 "entity_id IS NULL AND action = 'create_batch'",
		 (long long)before);
	assert_int_equal(fx_sql_int(f, sql), 1);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM record_entry WHERE id = %lld AND "
		 /* 2025-09-03T01:02:03.004Z, in milliseconds (migration 018) */
		 "signed_at = 1756861323004 AND signed_mentor_id = %lld",
		 (long long)co[0], (long long)x.m1);
	assert_int_equal(fx_sql_int(f, sql), 1);
	/*
	 * both batch payloads stored packed, as bytes (format 4); the chain
	 * verifies; the audit list shows them whole
	 */
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM audit WHERE id > %lld AND after IS NULL AND "
		 "length(packed) > 4",
		 (long long)before);
	assert_int_equal(fx_sql_int(f, sql), 2);
	int64_t checked = 0;
	if (dt_store_audit_verify(f->s, &checked, &f->err) != DT_OK)
		fail_msg("verify: %s", f->err.buf);
	static const char *const acts[] = { "record_entry.create_batch",
					    "record_entry.signoff_batch" };
	for (int i = 0; i < 2; i++) {
		const char *filters[] = { "action", acts[i] };
		struct dt_query q = { .filters = filters, .nfilters = 1 };
		json_t *items = NULL;
		char *next = NULL;
		assert_int_equal(dt_store_audit_list(f->s, NULL, &q, &items, &next, &f->err),
				 DT_OK);
		assert_int_equal(json_array_size(items), 1);
		json_t *ids =
			json_object_get(json_object_get(json_array_get(items, 0), "after"), "ids");
		assert_int_equal(json_array_size(ids), i ? 3 : 5);
		for (size_t k = 0; k < json_array_size(ids); k++)
			assert_int_equal(json_integer_value(json_array_get(ids, k)),
					 i       ? co[k]
					 : k < 3 ? co[k]
						 : sc[k - 3]);
		json_t *times =
			json_object_get(json_object_get(json_array_get(items, 0), "after"), "at");
		if (i)
			assert_string_equal(json_string_value(json_array_get(times, 2)),
					    "2025-09-09T09:00:00.000Z");
		json_decref(items);
		free(next);
	}
	/* a damaged packed payload unpacks to nothing, never to something else */
	char *back = dt_audit_unpack("z2:eNqrrgUAAXUA+Q");
	assert_non_null(back);
	assert_string_equal(back, "{}");
	free(back);
	static const char *const damaged[] = { "{}",
					       "z",
					       "z:eNqrrgUAAXUA+Q",
					       "z3:eNqrrgUAAXUA+Q",
					       "z2:eNqrrgUAAXUA+!",
					       "z2:AAAAAAAA",
					       "z99999999999:eNqrrgUAAXUA+Q" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(damaged); i++)
		assert_null(dt_audit_unpack(damaged[i]));
	/*
	 * The batch's payload as stored (format 5: the dictionary number and
	 * the deflated parts), its ids as differences inside; damaged bytes (a
	 * cut or flipped stream, another dictionary) unpack to nothing.  The
	 * same payload as format 4 kept it (the length as 4 bytes, the zlib
	 * stream) reads back alike, and damaged is refused too.
	 */
	{
		struct dt_db_stmt *st = dt_sql_prepare(
			f->s,
			"SELECT id, before, after, packed FROM audit WHERE action LIKE '%_batch' "
			"ORDER BY id",
			&f->err);
		assert_non_null(st);
		assert_int_equal(dt_db_step(st), DT_DB_ROW);
		json_t *jb, *ja;
		assert_true(dt_audit_column_payloads(st, 1, 0, 1, 2, 3, &jb, &ja));
		assert_null(jb);
		assert_true(json_is_array(json_object_get(ja, "ids")));
		assert_null(json_object_get(ja, "~ids"));
		json_decref(ja);
		size_t len = (size_t)dt_db_column_bytes(st, 3);
		unsigned char *p = malloc(len);
		memcpy(p, dt_db_column_blob(st, 3), len);
		dt_db_reset(st);
		char *bpart, *whole;
		assert_true(dt_audit_unpack5(p, len, &bpart, &whole));
		assert_null(bpart);
		/* the ids stored as differences */
		assert_non_null(strstr(whole, "\"~ids\""));
		char *b2 = NULL, *a2 = NULL;
		assert_false(dt_audit_unpack5(p, len - 1, &b2, &a2));
		assert_null(a2);
		p[0] = 2;
		assert_false(dt_audit_unpack5(p, len, &b2, &a2));
		p[0] = 1;
		p[len / 2] ^= 0x40;
		assert_false(dt_audit_unpack5(p, len, &b2, &a2) && a2 && !strcmp(a2, whole));
		free(b2);
		free(a2);
		free(p);
		/* format 4's bytes of the same */
		size_t n = strlen(whole);
		uLongf zn = compressBound((uLong)n);
		p = malloc(4 + zn);
		assert_int_equal(compress2(p + 4, &zn, (const Bytef *)whole, (uLong)n, 9), Z_OK);
		for (int k = 0; k < 4; k++)
			p[k] = (unsigned char)(n >> (8 * k));
		len = 4 + zn;
		char *back4 = dt_audit_unpack_bytes(p, len);
		assert_non_null(back4);
		assert_string_equal(back4, whole);
		free(back4);
		json_t *back_ids = dt_audit_packed_json(p, len);
		assert_true(json_is_array(json_object_get(back_ids, "ids")));
		assert_null(json_object_get(back_ids, "~ids"));
		json_decref(back_ids);
		assert_null(dt_audit_unpack_bytes(p, 3));
		assert_null(dt_audit_unpack_bytes(p, len - 1));
		p[0] ^= 1;
		assert_null(dt_audit_unpack_bytes(p, len));
		p[0] ^= 1;
		p[len / 2] ^= 0x40;
		assert_null(dt_audit_unpack_bytes(p, len));
		free(p);
		free(whole);
	}
	/* the differences read back, and damaged ones refused (not read as something else) */
	{
		static const struct {
			const char *json, *want;
		} cases[] = {
			{ "{\"~at\":[1756861323004,1000,-2000],\"~ids\":[5,1,1]}",
			  "{\"at\": [\"2025-09-03T01:02:03.004Z\", \"2025-09-03T01:02:04.004Z\", "
			  "\"2025-09-03T01:02:02.004Z\"], \"ids\": [5, 6, 7]}" },
			{ "{\"ids\":[3,1],\"set\":{}}", "{\"ids\": [3, 1], \"set\": {}}" },
			{ "{\"~ids\":[5,\"x\"]}", NULL },
			{ "{\"~ids\":{}}", NULL },
			{ "{\"ids\":[1],\"~ids\":[1]}", NULL },
			{ "{\"~ids\":[9223372036854775807,1]}", NULL },
			{ "{\"~at\":[1.5]}", NULL },
		};
		for (size_t i = 0; i < DT_ARRAY_SIZE(cases); i++) {
			size_t n = strlen(cases[i].json);
			uLongf zn = compressBound((uLong)n);
			unsigned char *z = malloc(4 + zn);
			assert_int_equal(
				compress2(z + 4, &zn, (const Bytef *)cases[i].json, (uLong)n, 9),
				Z_OK);
			for (int k = 0; k < 4; k++)
				z[k] = (unsigned char)(n >> (8 * k));
			json_t *got = dt_audit_packed_json(z, 4 + zn);
			if (cases[i].want) {
				json_t *want = json_loads(cases[i].want, 0, NULL);
				assert_non_null(want);
				if (!json_equal(got, want))
					fail_msg("case %zu: %s", i, cases[i].json);
				json_decref(want);
			} else if (got) {
				fail_msg("case %zu read: %s", i, cases[i].json);
			}
			json_decref(got);
			free(z);
		}
	}
	/*
	 * Packed bytes edited, moved to another event or taken away are found
	 * like any other edit.
	 */
	{
		int64_t ev = fx_sql_int(f, "SELECT min(id) FROM audit WHERE packed IS NOT NULL AND "
					   "action LIKE '%batch'");
		char edits[3][200];
		snprintf(
			edits[0], sizeof(edits[0]),
			"UPDATE audit SET packed = substr(packed, 1, length(packed) - 1) WHERE id = %lld",
			(long long)ev);
		snprintf(edits[1], sizeof(edits[1]),
			 "UPDATE audit SET packed = (SELECT packed FROM audit a WHERE a.id = %lld) "
			 "WHERE id = 1",
			 (long long)ev);
		snprintf(edits[2], sizeof(edits[2]),
			 "UPDATE audit SET after = '{}', packed = NULL WHERE id = %lld",
			 (long long)ev);
		fx_sql_exec(
			f,
			"CREATE TABLE audit_kept AS SELECT id, before, after, packed FROM audit");
		for (size_t i = 0; i < DT_ARRAY_SIZE(edits); i++) {
			fx_sql_exec(f, edits[i]);
			int64_t n = 0;
			assert_int_equal(dt_store_audit_verify(f->s, &n, &f->err), DT_ECORRUPT);
			assert_non_null(strstr(f->err.buf, "edited"));
			fx_sql_exec(
				f,
				"UPDATE audit SET before = (SELECT k.before FROM audit_kept k "
				"WHERE k.id = audit.id), after = (SELECT k.after FROM audit_kept k "
				"WHERE k.id = audit.id), packed = (SELECT k.packed FROM "
				"audit_kept k WHERE k.id = audit.id)");
			assert_int_equal(dt_store_audit_verify(f->s, &n, &f->err), DT_OK);
		}
		fx_sql_exec(f, "DROP TABLE audit_kept");
	}
	struct dt_strbuf report = DT_STRBUF_INIT;
	if (records_differ(f, &report))
		fail_msg("records check: %s", report.buf);
	/* a sign-off time, a content, a deleted entry: each found */
	snprintf(sql, sizeof(sql),
		 "UPDATE record_entry SET signed_at = 1756947723004 WHERE id = %lld",
		 (long long)co[0]);
	fx_sql_exec(f, sql);
	snprintf(sql, sizeof(sql), "UPDATE record_entry SET content = 'x' WHERE id = %lld",
		 (long long)sc[1]);
	fx_sql_exec(f, sql);
	snprintf(sql, sizeof(sql), "DELETE FROM record_entry WHERE id = %lld", (long long)co[2]);
	fx_sql_exec(f, sql);
	assert_int_equal(records_differ(f, &report), 3);
	assert_non_null(strstr(report.buf, "signed_at differs"));
	assert_non_null(strstr(report.buf, "content differs"));
	assert_non_null(strstr(report.buf, "deleted without an audit event"));
	dt_strbuf_release(&report);
}

/* Every record-book entry as the API shows it, by id; and walked by created_at, two a page. */
static json_t *all_entries(struct fx *f)
{
	json_t *all = json_array(), *page = NULL;
	const char *filters[] = { "site", "company" };
	struct dt_query q = { .sort = "id", .limit = 1000 };
	char *next = NULL;
	assert_int_equal(dt_store_list(f->s, NULL, "record_entry", &q, &page, &next, &f->err),
			 DT_OK);
	json_array_extend(all, page);
	json_decref(page);
	free(next);
	/* the cursor of a sort by an instant stored as milliseconds */
	struct dt_query by_time = {
		.filters = filters, .nfilters = 1, .sort = "updated_at", .desc = true, .limit = 2
	};
	size_t walked = 0;
	do {
		by_time.cursor = next;
		assert_int_equal(
			dt_store_list(f->s, NULL, "record_entry", &by_time, &page, &next, &f->err),
			DT_OK);
		free((char *)by_time.cursor);
		walked += json_array_size(page);
		json_decref(page);
	} while (next);
	json_object_set_new(json_array_get(all, 0), "walked", json_integer((json_int_t)walked));
	return all;
}

/* After an upgrade: the records check, the chain and the aggregates all agree. */
static void assert_all_agree(struct fx *f)
{
	struct dt_strbuf report = DT_STRBUF_INIT;
	if (records_differ(f, &report))
		fail_msg("records check: %s", report.buf);
	dt_strbuf_release(&report);
	int64_t checked = 0, mismatches = -1;
	if (dt_store_audit_verify(f->s, &checked, &f->err) != DT_OK)
		fail_msg("verify: %s", f->err.buf);
	json_t *sample = NULL;
	assert_int_equal(dt_store_indicators_verify(f->s, &mismatches, &sample, &f->err), DT_OK);
	json_decref(sample);
	assert_int_equal(mismatches, 0);
}

/*
 * After a downgrade of entries_back() has been upgraded again: the batch
 * payloads that 021's column held back in it (PostgreSQL keeps the column).
 */
static void packed_back(struct fx *f)
{
	if (!fx_is_pg(f))
		fx_sql_exec(f, "UPDATE audit SET packed = packed_kept; "
			       "ALTER TABLE audit DROP COLUMN packed_kept");
}

/*
 * Take record_entry back to how migration @version (17 or 19) left it: its
 * date as text "YYYY-MM-DD", its site the word, its hours REAL (before
 * 020), and with 17 its three times as text as well (before 018).
 */
static void entries_back(struct fx *f, int version)
{
	bool times = version < 18;
	if (fx_is_pg(f)) {
		char sql[4000];
		snprintf(
			sql, sizeof(sql),
			"DROP VIEW record_entry_contrib;\n"
			"DROP TRIGGER record_entry_agg_ins ON record_entry;\n"
			"DROP TRIGGER record_entry_agg_upd_old ON record_entry;\n"
			"DROP TRIGGER record_entry_agg_upd_new ON record_entry;\n"
			"DROP TRIGGER record_entry_agg_del ON record_entry;\n"
			"ALTER TABLE record_entry DROP CONSTRAINT record_entry_date_check, "
			"DROP CONSTRAINT record_entry_site_check, "
			"DROP CONSTRAINT record_entry_hours_check, "
			"ALTER COLUMN date TYPE TEXT USING to_char(to_date(lpad(CAST(date AS TEXT), 8, "
			"'0'), 'YYYYMMDD'), 'YYYY-MM-DD'), "
			"ALTER COLUMN site TYPE TEXT USING CASE site WHEN 0 THEN 'company' ELSE "
			"'school' END, "
			"ALTER COLUMN hours TYPE DOUBLE PRECISION USING hours / 100.0, "
			"ADD CONSTRAINT record_entry_site_check CHECK (site IN ('company', 'school')), "
			"ADD CONSTRAINT record_entry_hours_check CHECK (hours > 0 AND hours <= 24)%s;\n"
			"UPDATE meta SET value = '%d' WHERE key = 'schema_version'",
			times ? ", ALTER COLUMN signed_at TYPE TEXT USING to_char((to_timestamp(signed_at "
				"/ 1000) + (signed_at % 1000) * interval '1 millisecond') AT TIME "
				"ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
				"ALTER COLUMN created_at TYPE TEXT USING to_char((to_timestamp("
				"created_at / 1000) + (created_at % 1000) * interval '1 millisecond') "
				"AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
				"ALTER COLUMN updated_at TYPE TEXT USING to_char((to_timestamp("
				"updated_at / 1000) + (updated_at % 1000) * interval '1 millisecond') "
				"AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
			      : "",
			version);
		fx_sql_exec(f, sql);
		return;
	}
	/* a time in milliseconds back to its text, as 001 stored it */
	static const char text_time[] =
		"strftime('%%Y-%%m-%%dT%%H:%%M:%%S', %s / 1000, 'unixepoch') "
		"|| printf('.%%03dZ', %s %% 1000)";
	char sa[160], ca[160], ua[160], sql[2000];
	snprintf(sa, sizeof(sa), text_time, "signed_at", "signed_at");
	snprintf(ca, sizeof(ca), text_time, "created_at", "created_at");
	snprintf(ua, sizeof(ua), text_time, "updated_at", "updated_at");
	const char *tt = times ? "TEXT" : "INTEGER";
	snprintf(sql, sizeof(sql),
		 "DROP VIEW record_entry_contrib;\n"
		 "CREATE TABLE re_back (id INTEGER PRIMARY KEY AUTOINCREMENT, contract_id "
		 "INTEGER NOT NULL, date TEXT NOT NULL, site TEXT NOT NULL, hours REAL NOT "
		 "NULL, content TEXT NOT NULL, signed_by TEXT, signed_at %s, region INTEGER "
		 "NOT NULL, created_at %s NOT NULL, updated_at %s NOT NULL, "
		 "signed_mentor_id INTEGER, signed_account_id INTEGER, signed_delegate "
		 "INTEGER) STRICT;\n"
		 "INSERT INTO re_back SELECT id, contract_id, "
		 "printf('%%04d-%%02d-%%02d', date / 10000, date / 100 %% 100, date %% 100), "
		 "CASE site WHEN 0 THEN 'company' ELSE 'school' END, hours / 100.0, content, "
		 "signed_by, CASE WHEN signed_at IS NOT NULL THEN %s END, region, %s, %s, "
		 "signed_mentor_id, signed_account_id, signed_delegate FROM record_entry;\n"
		 "DROP TABLE record_entry;\n"
		 "ALTER TABLE re_back RENAME TO record_entry;\n"
		 /* what 021 adds, kept aside so that it can run again (packed_back()) */
		 "ALTER TABLE audit RENAME COLUMN packed TO packed_kept;\n"
		 "PRAGMA user_version = %d",
		 tt, tt, tt, times ? sa : "signed_at", times ? ca : "created_at",
		 times ? ua : "updated_at", version);
	fx_sql_exec(f, sql);
}

/*
 * Migration 018 stores a record-book entry's three times as integers
 * (milliseconds): a database made before it, with entries created, signed
 * one by one and in a batch at times of their own, upgrades with its data,
 * and the API shows every entry as before; the records check, the chain
 * and the aggregates agree.
 */
static void test_times_upgrade(void **state)
{
	struct fx *f = *state;
	struct world x = setup_world(f);
	int64_t e[4];
	for (int i = 0; i < 4; i++)
		e[i] = entry(f, x.c1, i, i < 3 ? "company" : "school");
	static const struct dt_store_signer named = { DT_SIGNER_ANY, 0, true };
	const char *at[] = { "2025-09-03T01:02:03.004Z", NULL };
	assert_int_equal(dt_store_record_signoff_batch_at(f->s, &f->actor, NULL, &named, e, at, 2,
							  NULL, &f->err),
			 DT_OK);
	json_t *old = all_entries(f);
	assert_int_equal(json_array_size(old), 4);
	assert_string_equal(fx_str(json_array_get(old, 0), "signed_at"),
			    "2025-09-03T01:02:03.004Z");
	assert_int_equal(fx_int(json_array_get(old, 0), "walked"), 3);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM record_entry WHERE signed_at = "
				       "1756861323004"),
			 1);
	dt_store_close(f->s);
	f->s = NULL;
	/* back to 017: the times as text again, as 001 made them */
	entries_back(f, 17);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM record_entry WHERE signed_at = "
				       "'2025-09-03T01:02:03.004Z'"),
			 1);
	assert_int_equal(dt_store_open(&f->s, f->path, &f->keys, 0, &f->err), DT_OK);
	packed_back(f);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM record_entry WHERE signed_at = "
				       "1756861323004"),
			 1);
	json_t *now = all_entries(f);
	if (!json_equal(old, now)) {
		char *a = json_dumps(old, JSON_COMPACT), *b = json_dumps(now, JSON_COMPACT);
		fail_msg("before 018: %s\nafter: %s", a, b);
	}
	json_decref(old);
	json_decref(now);
	/* a write after the upgrade: stored as milliseconds, shown as an instant */
	const char *now_at[] = { NULL };
	assert_int_equal(dt_store_record_signoff_batch_at(f->s, &f->actor, NULL, &named, &e[2],
							  now_at, 1, NULL, &f->err),
			 DT_OK);
	json_t *got = NULL;
	assert_int_equal(dt_store_get(f->s, NULL, "record_entry", e[2], 0, &got, &f->err), DT_OK);
	int64_t ms = 0;
	assert_true(dt_time_to_ms(fx_str(got, "signed_at"), &ms));
	assert_string_equal(fx_str(got, "signed_at"), fx_str(got, "updated_at"));
	json_decref(got);
	assert_all_agree(f);
}

/* An entry of @hours on day @day of contract @con at @site. */
static int64_t entry_hours(struct fx *f, int64_t con, int day, const char *site, double hours)
{
	char date[16];
	dt_date_format(dt_date_add_days((struct dt_date){ 2025, 9, 1 }, day), date);
	return fx_create(f, "record_entry",
			 json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id", (json_int_t)con,
				   "date", date, "site", site, "hours", hours, "content", "实训"));
}

/* Open the store after a downgrade: refused, the error naming @what, when @what is given. */
static void reopen(struct fx *f, const char *what)
{
	dt_strbuf_reset(&f->err);
	int rc = dt_store_open(&f->s, f->path, &f->keys, 0, &f->err);
	if (!what) {
		if (rc != DT_OK)
			fail_msg("open: %s", f->err.buf);
		packed_back(f);
		return;
	}
	if (rc == DT_OK)
		fail_msg("open succeeded, wanted a refusal naming %s", what);
	if (!strstr(f->err.buf, what))
		fail_msg("open refused with \"%s\", wanted one naming %s", f->err.buf, what);
	f->s = NULL;
}

/*
 * Migration 020 stores a record-book entry's date (YYYYMMDD), site (0
 * company, 1 school) and hours (hundredths) as integers: a database of 019
 * upgrades with its data, the API shows every entry as before, and the
 * records check, the chain and the aggregates agree.  A value that does not
 * convert exactly (edited by hand) stops the migration and changes nothing;
 * hours of more than two decimals are refused on input.
 */
static void test_record_upgrade(void **state)
{
	struct fx *f = *state;
	struct world x = setup_world(f);
	static const double hours[] = { 7.5, 0.25, 7.55, 12, 3.01, 11.99 };
	int64_t e[6];
	for (int i = 0; i < 6; i++)
		e[i] = entry_hours(f, x.c1, i, i % 2 ? "school" : "company", hours[i]);
	static const struct dt_store_signer named = { DT_SIGNER_ANY, 0, true };
	const char *at[] = { "2025-09-08T01:02:03.004Z", NULL, NULL };
	int64_t company[] = { e[0], e[2], e[4] };
	if (dt_store_record_signoff_batch_at(f->s, &f->actor, NULL, &named, company, at, 3, NULL,
					     &f->err) != DT_OK)
		fail_msg("sign-off: %s", f->err.buf);
	/* stored as integers, shown as before */
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM record_entry WHERE date = 20250903 "
				       "AND site = 0 AND hours = 755"),
			 1);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM record_entry WHERE site = 1"), 3);
	json_t *old = all_entries(f);
	assert_int_equal(json_array_size(old), 6);
	json_t *e2 = json_array_get(old, 2);
	assert_string_equal(fx_str(e2, "date"), "2025-09-03");
	assert_string_equal(fx_str(e2, "site"), "company");
	assert_true(json_is_real(json_object_get(e2, "hours")));
	assert_true(json_real_value(json_object_get(e2, "hours")) == 7.55);
	/* filters and sorting by the stored integers */
	const char *filters[] = { "site", "school", "date_from", "2025-09-03" };
	struct dt_query q = { .filters = filters, .nfilters = 1, .sort = "date", .desc = true };
	json_t *page = NULL;
	char *next = NULL;
	assert_int_equal(dt_store_list(f->s, NULL, "record_entry", &q, &page, &next, &f->err),
			 DT_OK);
	assert_int_equal(json_array_size(page), 3);
	assert_string_equal(fx_str(json_array_get(page, 0), "date"), "2025-09-06");
	json_decref(page);
	q.nfilters = 2;
	assert_int_equal(dt_store_list(f->s, NULL, "record_entry", &q, &page, &next, &f->err),
			 DT_OK);
	assert_int_equal(json_array_size(page), 2);
	json_decref(page);
	/* more than two decimals: refused, not rounded */
	assert_int_equal(fx_create_rc(f, "record_entry",
				      json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id",
						(json_int_t)x.c2, "date", "2025-09-01", "site",
						"school", "hours", 1.125, "content", "x")),
			 DT_EINVAL);
	assert_non_null(strstr(f->err.buf, "hours"));
	assert_non_null(strstr(f->err.buf, "0.01"));
	dt_store_close(f->s);
	f->s = NULL;

	/* back to 019 */
	entries_back(f, 19);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM record_entry WHERE date = "
				       "'2025-09-03' AND site = 'company' AND hours = 7.55"),
			 1);
	char sql[200];
	/* edited by hand: three decimals, a date not written YYYY-MM-DD, a day of no calendar */
	snprintf(sql, sizeof(sql), "UPDATE record_entry SET hours = 0.125 WHERE id = %lld",
		 (long long)e[1]);
	fx_sql_exec(f, sql);
	reopen(f, "hours");
	snprintf(sql, sizeof(sql),
		 "UPDATE record_entry SET hours = 0.25, date = '2025-9-2' WHERE "
		 "id = %lld",
		 (long long)e[1]);
	fx_sql_exec(f, sql);
	reopen(f, "date");
	snprintf(sql, sizeof(sql), "UPDATE record_entry SET date = '2025-02-30' WHERE id = %lld",
		 (long long)e[1]);
	fx_sql_exec(f, sql);
	reopen(f, fx_is_pg(f) ? "2025-02-30" : "date");
	/* nothing changed by the refusals */
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM record_entry WHERE date = "
				       "'2025-09-03' AND site = 'company' AND hours = 7.55"),
			 1);
	snprintf(sql, sizeof(sql), "UPDATE record_entry SET date = '2025-09-02' WHERE id = %lld",
		 (long long)e[1]);
	fx_sql_exec(f, sql);
	reopen(f, NULL);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM record_entry WHERE date = 20250903 "
				       "AND site = 0 AND hours = 755"),
			 1);
	json_t *now = all_entries(f);
	if (!json_equal(old, now)) {
		char *a = json_dumps(old, JSON_COMPACT), *b = json_dumps(now, JSON_COMPACT);
		fail_msg("before 020: %s\nafter: %s", a, b);
	}
	json_decref(old);
	json_decref(now);
	/* a write after the upgrade */
	json_t *got = NULL;
	int64_t n = fx_create_out(f, "record_entry",
				  json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id",
					    (json_int_t)x.c2, "date", "2025-10-27", "site",
					    "school", "hours", 3.75, "content", "x"),
				  &got);
	assert_string_equal(fx_str(got, "date"), "2025-10-27");
	assert_string_equal(fx_str(got, "site"), "school");
	assert_true(json_real_value(json_object_get(got, "hours")) == 3.75);
	json_decref(got);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM record_entry WHERE id = %lld AND date = 20251027 AND "
		 "site = 1 AND hours = 375",
		 (long long)n);
	assert_int_equal(fx_sql_int(f, sql), 1);
	assert_all_agree(f);
}

/* signed_by of entry @id as stored (NULL: "(null)") into @buf. */
static const char *stored_by(struct fx *f, int64_t id, char buf[64])
{
	char sql[128];
	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(signed_by, '(null)') FROM record_entry WHERE id = %lld",
		 (long long)id);
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = fx_prepare(db, sql);
	assert_int_equal(dt_db_step(st), DT_DB_ROW);
	snprintf(buf, 64, "%s", dt_db_column_text(st, 0));
	dt_db_finalize(st);
	dt_db_close(db);
	return buf;
}

/* signed_by of entry @id as the store shows it (get). */
static void assert_shown(struct fx *f, int64_t id, const char *want)
{
	json_t *e = NULL;
	assert_int_equal(dt_store_get(f->s, NULL, "record_entry", id, 0, &e, &f->err), DT_OK);
	assert_string_equal(fx_str(e, "signed_by"), want);
	json_decref(e);
}

/* The ids the list filter signed_by=@name gives, as "id,id,..." into @out. */
static const char *filtered(struct fx *f, const char *name, struct dt_strbuf *out)
{
	const char *filters[] = { "signed_by", name };
	struct dt_query q = { .filters = filters, .nfilters = 1, .limit = 1000 };
	json_t *page = NULL;
	char *next = NULL;
	assert_int_equal(dt_store_list(f->s, NULL, "record_entry", &q, &page, &next, &f->err),
			 DT_OK);
	dt_strbuf_reset(out);
	size_t i;
	json_t *e;
	json_array_foreach(page, i, e)
	{
		assert_string_equal(fx_str(e, "signed_by"), name);
		dt_strbuf_addf(out, "%s%lld", i ? "," : "", (long long)fx_int(e, "id"));
	}
	json_decref(page);
	int64_t n = -1;
	assert_int_equal(dt_store_count(f->s, NULL, "record_entry", &q, &n, &f->err), DT_OK);
	assert_int_equal(n, (int64_t)i);
	free(next);
	return out->buf;
}

/* "a,b,c" of ids */
static const char *ids_text(char *buf, size_t n, const int64_t *ids, size_t k)
{
	size_t at = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < k; i++)
		at += (size_t)snprintf(buf + at, n - at, "%s%lld", i ? "," : "", (long long)ids[i]);
	return buf;
}

/* Every entry's id and signed_by as the store lists them: {"id": signed_by}. */
static json_t *shown_names(struct fx *f)
{
	struct dt_query q = { .limit = 1000 };
	json_t *page = NULL, *o = json_object();
	char *next = NULL;
	assert_int_equal(dt_store_list(f->s, NULL, "record_entry", &q, &page, &next, &f->err),
			 DT_OK);
	assert_null(next);
	size_t i;
	json_t *e;
	json_array_foreach(page, i, e)
	{
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)fx_int(e, "id"));
		json_object_set(o, id, json_object_get(e, "signed_by"));
	}
	json_decref(page);
	return o;
}

/*
 * Migration 026: the signer's name is stored only where it cannot be
 * derived.  A mentor's sign-off (batch, single, a carried-over book) and a
 * delegate's store NULL and show the name; one from the command line keeps
 * its text; list filters match the name shown.  A renamed mentor's old
 * entries keep the old name (written into them in the rename's
 * transaction, without an event or a changed updated_at), new ones show
 * the new name.  The records check agrees, and finds a stored name or a
 * mentor's name changed behind the store's back.  A database of before
 * 026, with every name stored, upgrades showing every entry as before
 * (the oracle: the names read by SQL before), and stores NULL only where
 * the derivation gives the same name.
 */
static void test_signer_derived(void **state)
{
	struct fx *f = *state;
	/* every derived field has the expression that reads it; no other field has one */
	int nderived = 0;
	for (const struct dt_entity *t = dt_entities; t->name; t++)
		for (size_t i = 0; i < t->nfields; i++) {
			const struct dt_field *fd = &t->fields[i];
			bool derived = fd->flags & DT_FF_DERIVED;
			nderived += derived;
			if (derived != (dt_crud_field_sql(t, fd) != fd->name))
				fail_msg("%s.%s: flag DT_FF_DERIVED and expression disagree",
					 t->name, fd->name);
		}
	assert_int_equal(nderived, 1);
	struct world x = setup_world(f);
	int64_t e[6], sch = entry(f, x.c1, 1, "school"), z = entry(f, x.c2, 0, "company");
	for (int i = 0; i < 6; i++)
		e[i] = entry(f, x.c1, 2 * i, "company");
	struct dt_scope scope = { .org_id = x.w.ent };
	struct dt_actor wang = { "wang", NULL, &scope }, ent = { "ent", NULL, &scope };
	struct dt_store_signer sw = { DT_SIGNER_ENTERPRISE, x.a1, false },
			       se = { DT_SIGNER_ENTERPRISE, x.aent, false };
	static const struct dt_store_signer named = { DT_SIGNER_ANY, 0, true };
	char b[64], want[200];
	struct dt_strbuf got = DT_STRBUF_INIT;
	/* wang signs two in a batch and one alone: NULL stored, the name shown */
	json_t *out = NULL;
	assert_int_equal(
		dt_store_record_signoff_batch(f->s, &wang, &scope, &sw, e, 2, &out, &f->err),
		DT_OK);
	assert_string_equal(fx_str(out, "signed_by"), "王师傅");
	json_decref(out);
	assert_int_equal(
		dt_store_record_signoff_as(f->s, &wang, &scope, &sw, e[2], NULL, &out, &f->err),
		DT_OK);
	assert_string_equal(fx_str(out, "signed_by"), "王师傅");
	json_decref(out);
	/* a carried-over book: the named mentors, one alone and one in a batch */
	assert_int_equal(dt_store_record_signoff_as(f->s, &f->actor, NULL, &named, e[4], NULL, NULL,
						    &f->err),
			 DT_OK);
	const char *now[] = { NULL };
	assert_int_equal(dt_store_record_signoff_batch_at(f->s, &f->actor, NULL, &named, &sch, now,
							  1, NULL, &f->err),
			 DT_OK);
	/* the shared account as a delegate; the command line */
	assert_int_equal(
		dt_store_record_signoff_batch(f->s, &ent, &scope, &se, &z, 1, NULL, &f->err),
		DT_OK);
	assert_int_equal(dt_store_record_signoff(f->s, &f->actor, NULL, e[3], NULL, &f->err),
			 DT_OK);
	static const int64_t none = -1;
	const struct {
		const int64_t *id;
		const char *stored, *shown;
	} signed_[] = {
		{ &e[0], "(null)", "王师傅" },       { &e[1], "(null)", "王师傅" },
		{ &e[2], "(null)", "王师傅" },       { &e[4], "(null)", "王师傅" },
		{ &sch, "(null)", "李老师" },        { &z, "(null)", "ent" },
		{ &e[3], "test:unit", "test:unit" }, { &none, NULL, NULL },
	};
	for (size_t i = 0; *signed_[i].id != -1; i++) {
		assert_string_equal(stored_by(f, *signed_[i].id, b), signed_[i].stored);
		assert_shown(f, *signed_[i].id, signed_[i].shown);
	}
	int64_t w4[] = { e[0], e[1], e[2], e[4] };
	assert_string_equal(filtered(f, "王师傅", &got), ids_text(want, sizeof(want), w4, 4));
	assert_string_equal(filtered(f, "ent", &got), ids_text(want, sizeof(want), &z, 1));
	assert_string_equal(filtered(f, "test:unit", &got), ids_text(want, sizeof(want), &e[3], 1));
	/* the events record the name as before */
	assert_int_equal(fx_audit_grep(f, "action = 'signoff_batch'", "王师傅"), 1);
	assert_int_equal(fx_audit_grep(f, "action = 'signoff_batch'", "\"ent\""), 1);
	assert_int_equal(fx_audit_grep(f, "action = 'signoff'", "王师傅"), 2);

	/* the rename: one event (the mentor's), the entries keep their name and times */
	json_t *before_rename = shown_names(f), *e0 = NULL;
	assert_int_equal(dt_store_get(f->s, NULL, "record_entry", e[0], 0, &e0, &f->err), DT_OK);
	int64_t events = fx_audit_count(f);
	json_t *patch = json_pack("{s:s}", "name", "王新");
	assert_int_equal(
		dt_store_update(f->s, &f->actor, NULL, "mentor", x.m1, patch, NULL, &f->err),
		DT_OK);
	json_decref(patch);
	assert_int_equal(fx_audit_count(f), events + 1);
	json_t *after_rename = shown_names(f), *e0b = NULL;
	assert_true(json_equal(before_rename, after_rename));
	assert_int_equal(dt_store_get(f->s, NULL, "record_entry", e[0], 0, &e0b, &f->err), DT_OK);
	assert_true(json_equal(e0, e0b));
	json_decref(e0);
	json_decref(e0b);
	json_decref(before_rename);
	json_decref(after_rename);
	for (int i = 0; i < 4; i++)
		assert_string_equal(stored_by(f, w4[i], b), "王师傅");
	assert_string_equal(stored_by(f, sch, b), "(null)"); /* another mentor's: untouched */
	/* a sign-off after it: the new name, derived */
	assert_int_equal(
		dt_store_record_signoff_batch(f->s, &wang, &scope, &sw, &e[5], 1, &out, &f->err),
		DT_OK);
	assert_string_equal(fx_str(out, "signed_by"), "王新");
	json_decref(out);
	assert_string_equal(stored_by(f, e[5], b), "(null)");
	assert_shown(f, e[5], "王新");
	assert_string_equal(filtered(f, "王师傅", &got), ids_text(want, sizeof(want), w4, 4));
	assert_string_equal(filtered(f, "王新", &got), ids_text(want, sizeof(want), &e[5], 1));
	/* a second rename: the first's names stay, the new entry keeps 王新 */
	patch = json_pack("{s:s}", "name", "王三");
	assert_int_equal(
		dt_store_update(f->s, &f->actor, NULL, "mentor", x.m1, patch, NULL, &f->err),
		DT_OK);
	json_decref(patch);
	assert_shown(f, e[0], "王师傅");
	assert_shown(f, e[5], "王新");
	assert_string_equal(stored_by(f, e[5], b), "王新");

	/* the records check agrees, and finds changes behind the store's back */
	struct dt_strbuf report = DT_STRBUF_INIT;
	if (records_differ(f, &report))
		fail_msg("records check: %s", report.buf);
	char sql[200];
	/* a stored name changed; a frozen name taken away (the current name would show) */
	snprintf(sql, sizeof(sql), "UPDATE record_entry SET signed_by = '王五' WHERE id = %lld",
		 (long long)sch);
	fx_sql_exec(f, sql);
	snprintf(sql, sizeof(sql), "UPDATE record_entry SET signed_by = NULL WHERE id = %lld",
		 (long long)e[0]);
	fx_sql_exec(f, sql);
	assert_int_equal(records_differ(f, &report), 2);
	assert_non_null(strstr(report.buf, "signed_by differs"));
	snprintf(
		sql, sizeof(sql),
		"UPDATE record_entry SET signed_by = CASE id WHEN %lld THEN NULL ELSE '王师傅' END "
		"WHERE id IN (%lld, %lld)",
		(long long)sch, (long long)sch, (long long)e[0]);
	fx_sql_exec(f, sql);
	assert_int_equal(records_differ(f, &report), 0);
	/* a mentor renamed behind the store's back: the mentor and the entry deriving its name */
	snprintf(sql, sizeof(sql), "UPDATE mentor SET name = '黑' WHERE id = %lld",
		 (long long)x.ms);
	fx_sql_exec(f, sql);
	assert_int_equal(records_differ(f, &report), 2);
	assert_non_null(strstr(report.buf, "signed_by differs"));
	snprintf(sql, sizeof(sql), "UPDATE mentor SET name = '李老师' WHERE id = %lld",
		 (long long)x.ms);
	fx_sql_exec(f, sql);
	assert_all_agree(f);

	/*
	 * Back before 026: every name stored as it was shown (the oracle, read
	 * by SQL), plus one stored name that differs from its mentor's (as a
	 * rename before 026 left it) and must stay.
	 */
	fx_sql_exec(f, "UPDATE record_entry SET signed_by = COALESCE(signed_by, (SELECT name FROM "
		       "mentor WHERE mentor.id = signed_mentor_id), (SELECT login FROM account "
		       "WHERE account.id = signed_account_id))");
	json_t *oracle = json_object();
	{
		struct dt_db *db = fx_raw(f);
		struct dt_db_stmt *st =
			fx_prepare(db, "SELECT id, signed_by FROM record_entry ORDER BY id");
		while (dt_db_step(st) == DT_DB_ROW) {
			char id[24];
			snprintf(id, sizeof(id), "%lld", (long long)dt_db_column_int64(st, 0));
			const char *by = dt_db_column_text(st, 1);
			json_object_set_new(oracle, id, by ? json_string(by) : json_null());
		}
		dt_db_finalize(st);
		dt_db_close(db);
	}
	assert_int_equal(json_object_size(oracle), 8);
	int version = dt_store_schema_version(f->s);
	dt_store_close(f->s);
	f->s = NULL;
	/* 026 and the migrations after it run again */
	if (fx_is_pg(f))
		snprintf(sql, sizeof(sql),
			 "UPDATE meta SET value = '%d' WHERE key = 'schema_version'",
			 fx_migrations_before(f, 26));
	else
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", fx_migrations_before(f, 26));
	fx_sql_exec(f, sql);
	if (dt_store_open(&f->s, f->path, &f->keys, 0, &f->err) != DT_OK)
		fail_msg("open: %s", f->err.buf);
	assert_int_equal(dt_store_schema_version(f->s), version);
	json_t *upgraded = shown_names(f);
	if (!json_equal(oracle, upgraded)) {
		char *a = json_dumps(oracle, JSON_COMPACT), *c = json_dumps(upgraded, JSON_COMPACT);
		fail_msg("before 026: %s\nafter: %s", a, c);
	}
	json_decref(oracle);
	json_decref(upgraded);
	/* stored where not derived: the old names, the command line's */
	for (int i = 0; i < 4; i++)
		assert_string_equal(stored_by(f, w4[i], b), "王师傅");
	assert_string_equal(stored_by(f, e[5], b), "王新");
	assert_string_equal(stored_by(f, e[3], b), "test:unit");
	assert_string_equal(stored_by(f, sch, b), "(null)");
	assert_string_equal(stored_by(f, z, b), "(null)");
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM record_entry WHERE signed_by IS NULL "
				       "AND signed_at IS NOT NULL"),
			 2);
	assert_all_agree(f);
	dt_strbuf_release(&report);
	dt_strbuf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register_and_contracts, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_batch_all_or_nothing, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_carried_over_book, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_times_upgrade, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_record_upgrade, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_signer_derived, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
