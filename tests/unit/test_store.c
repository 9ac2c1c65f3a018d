/*
 * test_store.c - unit tests of the SQLite store behind store/store.h.
 *
 * Each test gets a fresh database (store_fixture.h) with the built-in
 * regions and occupations.  The tests hold: opening (WAL, foreign keys,
 * schema version, missing file, wrong key); create/get/update/list/count for
 * every entity; validation faults each named by field and changing nothing;
 * trainees' identity numbers encrypted, masked, normalised and unique; the
 * contract life cycle with the record book, assessments and outcomes;
 * demand levels; cursor pagination against a one-page oracle; scopes;
 * explicit transactions; and deletes refused while referred to.
 */
#include "store_fixture.h"

#include "core/embedded.h"
#include "domain/entity.h"
#include "domain/region.h"
#include "store/store_internal.h"

/* ---- helpers ---- */

static json_t *get(struct fx *f, const char *entity, int64_t id, unsigned flags)
{
	json_t *o = NULL;
	dt_strbuf_reset(&f->err);
	if (dt_store_get(f->s, NULL, entity, id, flags, &o, &f->err) != DT_OK)
		fail_msg("get %s %lld: %s", entity, (long long)id, f->err.buf);
	return o;
}

static int get_rc(struct fx *f, const struct dt_scope *scope, const char *entity, int64_t id)
{
	json_t *o = NULL;
	dt_strbuf_reset(&f->err);
	int rc = dt_store_get(f->s, scope, entity, id, 0, &o, &f->err);
	json_decref(o);
	return rc;
}

/* Update with @patch (stolen); return the code, the result in *@out if given. */
static int update(struct fx *f, const char *entity, int64_t id, json_t *patch, json_t **out)
{
	json_t *o = NULL;
	dt_strbuf_reset(&f->err);
	int rc = dt_store_update(f->s, &f->actor, NULL, entity, id, patch, &o, &f->err);
	json_decref(patch);
	if (out)
		*out = o;
	else
		json_decref(o);
	return rc;
}

static int del(struct fx *f, const char *entity, int64_t id)
{
	dt_strbuf_reset(&f->err);
	return dt_store_delete(f->s, &f->actor, NULL, entity, id, &f->err);
}

static void assert_err_has(struct fx *f, const char *part)
{
	if (!strstr(f->err.buf, part))
		fail_msg("error '%s' does not contain '%s'", f->err.buf, part);
}

/* The last write recorded problem @code about @field (NULL: the record). */
static void assert_problem(struct fx *f, const char *field, const char *code)
{
	const struct dt_problems *ps = dt_store_problems(f->s);
	for (size_t i = 0; i < ps->n; i++)
		if (!strcmp(ps->v[i].code, code) &&
		    (field ? ps->v[i].field && !strcmp(ps->v[i].field, field) : !ps->v[i].field))
			return;
	fail_msg("no problem %s on %s (err: %s)", code, field ? field : "(record)", f->err.buf);
}

/* Does the last write's problems hold @code (not as a warning)? */
static bool has_code(struct fx *f, const char *code)
{
	return dt_problems_has(dt_store_problems(f->s), code);
}

/* The last write's problem @code, or fail. */
static const struct dt_problem *problem_of(struct fx *f, const char *code)
{
	const struct dt_problems *ps = dt_store_problems(f->s);
	for (size_t i = 0; i < ps->n; i++)
		if (!strcmp(ps->v[i].code, code))
			return &ps->v[i];
	fail_msg("no problem %s (error: %s)", code, f->err.buf);
	return NULL;
}

/* A passed final assessment of contract @con on @date: completing before the end date needs one. */
static void pass_final(struct fx *f, int64_t con, const char *date)
{
	fx_create(f, "assessment",
		  json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)con, "kind", "final",
			    "date", date, "result", "pass"));
}

/* Every page of a list, concatenated; the number of pages in *@pages. */
static json_t *list_all(struct fx *f, const struct dt_scope *scope, const char *entity,
			struct dt_query q, int *pages)
{
	json_t *all = json_array();
	char *cursor = NULL;
	int n = 0;
	for (;;) {
		json_t *items = NULL;
		char *next = NULL;
		q.cursor = cursor;
		if (dt_store_list(f->s, scope, entity, &q, &items, &next, &f->err) != DT_OK)
			fail_msg("list %s: %s", entity, f->err.buf);
		free(cursor);
		n++;
		assert_true(json_array_size(items) <= (size_t)(q.limit ? q.limit : 50));
		json_array_extend(all, items);
		json_decref(items);
		if (!next)
			break;
		cursor = next;
		assert_true(n < 1000);
	}
	if (pages)
		*pages = n;
	return all;
}

static bool list_has(json_t *items, int64_t id)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) if (fx_int(o, "id") == id) return true;
	return false;
}

/* One page of at most 1000 with @filter = @value. */
static json_t *list_filtered(struct fx *f, const struct dt_scope *scope, const char *entity,
			     const char *filter, const char *value)
{
	const char *filt[2] = { filter, value };
	struct dt_query q = { .filters = filt, .nfilters = filter ? 1 : 0, .limit = 1000 };
	json_t *items = NULL;
	char *next = NULL;
	if (dt_store_list(f->s, scope, entity, &q, &items, &next, &f->err) != DT_OK)
		fail_msg("list %s %s=%s: %s", entity, filter, value, f->err.buf);
	assert_null(next);
	return items;
}

static int64_t count_filtered(struct fx *f, const struct dt_scope *scope, const char *entity,
			      const char *filter, const char *value)
{
	const char *filt[2] = { filter, value };
	struct dt_query q = { .filters = filt, .nfilters = filter ? 1 : 0 };
	int64_t n = -1;
	if (dt_store_count(f->s, scope, entity, &q, &n, &f->err) != DT_OK)
		fail_msg("count %s: %s", entity, f->err.buf);
	return n;
}

static const char *ids(char *buf, size_t n, int64_t id)
{
	snprintf(buf, n, "%lld", (long long)id);
	return buf;
}

/* ---- opening ---- */

static void test_open(void **state)
{
	struct fx *f = *state;
	int migrations = 0;
	const char *dir = fx_is_pg(f) ? "src/store/migrations/pgsql/" : "src/store/migrations/";
	for (const struct dt_embedded *m = dt_embedded; m->path; m++)
		migrations +=
			!strncmp(m->path, dir, strlen(dir)) && !strchr(m->path + strlen(dir), '/');
	assert_true(migrations >= 3);
	assert_int_equal(dt_store_schema_version(f->s), migrations);
	if (fx_is_pg(f)) {
		/* The version is the meta table's, as an outsider reads it. */
		assert_int_equal(fx_sql_int(f,
					    "SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
					    "'schema_version'"),
				 migrations);
	} else {
		/* The store's own connection: WAL and foreign keys. */
		struct dt_db_stmt *st = dt_sql_prepare(f->s, "PRAGMA journal_mode", &f->err);
		assert_non_null(st);
		assert_int_equal(dt_db_step(st), DT_DB_ROW);
		assert_string_equal(dt_db_column_text(st, 0), "wal");
		dt_db_reset(st);
		st = dt_sql_prepare(f->s, "PRAGMA foreign_keys", &f->err);
		assert_non_null(st);
		assert_int_equal(dt_db_step(st), DT_DB_ROW);
		assert_int_equal(dt_db_column_int(st, 0), 1);
		dt_db_reset(st);
		/* WAL is a property of the file: an outsider sees it too. */
		struct dt_db *db = fx_raw(f);
		struct dt_db_stmt *raw = fx_prepare(db, "PRAGMA journal_mode");
		assert_int_equal(dt_db_step(raw), DT_DB_ROW);
		assert_string_equal(dt_db_column_text(raw, 0), "wal");
		dt_db_finalize(raw);
		dt_db_close(db);
		assert_int_equal(fx_sql_int(f, "PRAGMA user_version"), migrations);
	}

	/* Reopening with the same key keeps everything. */
	int64_t org = fx_org(f, "enterprise", 210102, "甲");
	dt_store_close(f->s);
	f->s = NULL;
	assert_int_equal(dt_store_open(&f->s, f->path, &f->keys, 0, &f->err), DT_OK);
	assert_int_equal(dt_store_schema_version(f->s), migrations);
	json_decref(get(f, "organization", org, 0));

	/* Without keys: fine for commands that never touch personal fields. */
	struct dt_store *s2 = NULL;
	assert_int_equal(dt_store_open(&s2, f->path, NULL, 0, &f->err), DT_OK);
	int64_t n = 0;
	assert_int_equal(dt_store_count(s2, NULL, "organization", NULL, &n, &f->err), DT_OK);
	assert_int_equal(n, 1);
	dt_store_close(s2);

	/* A different key. */
	unsigned char m[32];
	fx_master(m, 2);
	struct dt_keys other;
	dt_keys_from_master(m, &other);
	s2 = NULL;
	dt_strbuf_reset(&f->err);
	assert_int_equal(dt_store_open(&s2, f->path, &other, 0, &f->err), DT_ECRYPTO);
	assert_null(s2);
	assert_err_has(f, f->path);
	dt_keys_clear(&other);

	/* A missing file without DT_STORE_CREATE. */
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/missing.db", f->dir);
	dt_strbuf_reset(&f->err);
	assert_int_equal(dt_store_open(&s2, missing, &f->keys, 0, &f->err), DT_EIO);
	assert_null(s2);
	assert_err_has(f, missing);
	assert_int_equal(access(missing, F_OK), -1);

	/* Creating in a directory that does not exist. */
	snprintf(missing, sizeof(missing), "%s/no/such/dir.db", f->dir);
	dt_strbuf_reset(&f->err);
	assert_int_equal(dt_store_open(&s2, missing, &f->keys, DT_STORE_CREATE, &f->err), DT_EIO);
	assert_null(s2);
	assert_err_has(f, missing);

	/* A file that is not a database. */
	char junk[160];
	snprintf(junk, sizeof(junk), "%s/junk.db", f->dir);
	FILE *fp = fopen(junk, "w");
	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fputs("this is not an SQLite database file\n", fp);
	fclose(fp);
	dt_strbuf_reset(&f->err);
	int rc = dt_store_open(&s2, junk, &f->keys, 0, &f->err);
	assert_true(rc == DT_EIO || rc == DT_ECORRUPT || rc == DT_EDB);
	assert_null(s2);
	assert_err_has(f, junk);
	unlink(junk);

	/* Closing NULL is fine. */
	dt_store_close(NULL);
}

/* ---- every entity ---- */

/*
 * Create from @in (stolen), read back, PATCH @field to @value (stolen), list
 * with @filter = @fval and count the same; the output has the id and region.
 */
static int64_t round_trip(struct fx *f, const char *entity, json_t *in, const char *field,
			  json_t *value, const char *filter, const char *fval, const char *region)
{
	json_t *created = NULL;
	int64_t id = fx_create_out(f, entity, in, &created);
	assert_int_equal(fx_int(created, "id"), id);
	json_t *r = json_object_get(created, "region");
	assert_non_null(r);
	if (region)
		assert_string_equal(json_string_value(r), region);
	else
		assert_true(json_is_null(r));
	assert_non_null(fx_str(created, "created_at"));
	assert_non_null(fx_str(created, "updated_at"));

	/* Every field of the entity is in the output, and get gives the same. */
	const struct dt_entity *e = dt_entity_find(entity);
	assert_non_null(e);
	for (size_t i = 0; i < e->nfields; i++)
		if (!json_object_get(created, e->fields[i].name))
			fail_msg("%s: no field %s in the output", entity, e->fields[i].name);
	assert_int_equal(json_object_size(created), e->nfields);
	json_t *got = get(f, entity, id, 0);
	assert_true(json_equal(got, created));
	json_decref(got);

	/* PATCH one field: only it (and updated_at) change. */
	int64_t events = fx_audit_count(f);
	json_t *patch = json_object();
	json_object_set(patch, field, value);
	json_t *after = NULL;
	if (update(f, entity, id, patch, &after) != DT_OK)
		fail_msg("update %s.%s: %s", entity, field, f->err.buf);
	assert_true(json_equal(json_object_get(after, field), value));
	const char *k;
	json_t *v;
	json_object_foreach(created, k, v)
	{
		if (!strcmp(k, field) || !strcmp(k, "updated_at"))
			continue;
		if (!json_equal(v, json_object_get(after, k)))
			fail_msg("%s: update of %s changed %s", entity, field, k);
	}
	assert_true(strcmp(fx_str(after, "updated_at"), fx_str(created, "created_at")) >= 0);
	assert_int_equal(fx_audit_count(f), events + 1);
	got = get(f, entity, id, 0);
	assert_true(json_equal(got, after));
	json_decref(got);
	/* The same patch again changes nothing and appends nothing. */
	patch = json_object();
	json_object_set(patch, field, value);
	assert_int_equal(update(f, entity, id, patch, NULL), DT_OK);
	assert_int_equal(fx_audit_count(f), events + 1);

	/* List with a filter, and count. */
	json_t *items = list_filtered(f, NULL, entity, filter, fval);
	assert_true(list_has(items, id));
	assert_int_equal(count_filtered(f, NULL, entity, filter, fval), json_array_size(items));
	json_decref(items);

	json_decref(value);
	json_decref(created);
	json_decref(after);
	return id;
}

static void test_every_entity(void **state)
{
	struct fx *f = *state;
	char b1[32], b2[32];

	round_trip(f, "region", json_pack("{s:i, s:s}", "id", 210198, "name_zh", "新区"), "name_en",
		   json_string("New District"), "parent", "210100", "210198");
	json_t *o = get(f, "region", 210198, 0);
	assert_int_equal(fx_int(o, "level"), 3);
	assert_int_equal(fx_int(o, "parent"), 210100);
	json_decref(o);

	int64_t occ =
		round_trip(f, "occupation",
			   json_pack("{s:s, s:s, s:s}", "code", "6-18-01-99", "name_zh", "测试工",
				     "levels", "5 4 3"),
			   "industry", json_string("manufacturing"), "code", "6-18-01-99", NULL);

	round_trip(f, "pilot",
		   json_pack("{s:s, s:s, s:s, s:s}", "region", "210100", "name", "沈阳试点",
			     "period_start", "2024-01-01", "period_end", "2027-12-31"),
		   "goals", json_string("培养10000名技术技能人才"), "region", "210000", "210100");

	char uscc[DT_USCC_LEN + 1];
	fx_uscc(uscc, 210102, 9001);
	int64_t ent = round_trip(f, "organization",
				 json_pack("{s:s, s:s, s:s, s:s}", "kind", "enterprise", "uscc",
					   uscc, "name", "沈阳机床", "region", "210102"),
				 "size", json_string("large"), "kind", "enterprise", "210102");
	int64_t sch = fx_org(f, "school", 210103, "沈阳职业技术学院");
	int64_t ent2 = fx_org(f, "enterprise", 210104, "华晨宝马");

	int64_t prog = round_trip(f, "programme",
				  json_pack("{s:s, s:s, s:I, s:I, s:i, s:i, s:i, s:i}", "code",
					    "P-1", "name", "数控加工", "school_id", (json_int_t)sch,
					    "occupation_id", (json_int_t)occ, "level", 4,
					    "duration_months", 36, "company_hours", 2400,
					    "school_hours", 1200),
				  "name", json_string("数控加工(双元)"), "school_id",
				  ids(b1, sizeof(b1), sch), "210103");

	round_trip(f, "partnership",
		   json_pack("{s:I, s:I, s:i, s:s}", "enterprise_id", (json_int_t)ent, "school_id",
			     (json_int_t)sch, "places_per_year", 20, "start_date", "2025-01-01"),
		   "end_date", json_string("2029-12-31"), "school_id", ids(b1, sizeof(b1), sch),
		   "210102");

	round_trip(f, "demand",
		   json_pack("{s:I, s:I, s:i, s:i, s:i}", "enterprise_id", (json_int_t)ent,
			     "occupation_id", (json_int_t)occ, "level", 4, "year", 2026, "count",
			     5),
		   "count", json_integer(7), "year", "2026", "210102");

	round_trip(f, "place",
		   json_pack("{s:I, s:I, s:i, s:i}", "enterprise_id", (json_int_t)ent2,
			     "programme_id", (json_int_t)prog, "year", 2026, "capacity", 3),
		   "capacity", json_integer(4), "programme_id", ids(b1, sizeof(b1), prog),
		   "210104");

	char natid[DT_NATID_LEN + 1];
	fx_natid(natid, "210102", "20050315", 123);
	int64_t tr = round_trip(f, "trainee",
				json_pack("{s:s, s:s, s:s}", "national_id", natid, "name", "张三",
					  "region", "210105"),
				"phone", json_string("13800000000"), "gender", "M", "210105");

	/* a mentor of the enterprise: its region is the enterprise's */
	round_trip(f, "mentor",
		   json_pack("{s:s, s:I, s:s, s:i}", "name", "李师傅", "organization_id",
			     (json_int_t)ent, "kind", "company", "skill_level", 3),
		   "qualification", json_string("数控车工技师证"), "kind", "company", "210102");

	struct fx_world w = { ent, sch, prog, tr };
	int64_t con = round_trip(f, "contract", fx_contract_in(&w, "2025-09-01", "2028-08-31"),
				 "stipend_monthly", json_integer(2600), "trainee_id",
				 ids(b1, sizeof(b1), tr), "210102");
	o = get(f, "contract", con, 0);
	assert_string_equal(fx_str(o, "status"), "draft");
	assert_int_equal(fx_int(o, "planned_company_hours"), 2400);
	assert_int_equal(fx_int(o, "planned_school_hours"), 1200);
	assert_int_equal(fx_int(o, "probation_months"), 3);
	json_decref(o);
	assert_int_equal(fx_act(f, con, DT_CEV_SUBMIT, 0, NULL, NULL), DT_OK);
	for (int p = 0; p < DT_PARTY_N; p++)
		assert_int_equal(fx_act(f, con, DT_CEV_APPROVE, (enum dt_party)p, NULL, NULL),
				 DT_OK);
	assert_int_equal(fx_act(f, con, DT_CEV_ACTIVATE, 0, NULL, NULL), DT_OK);

	round_trip(f, "record_entry",
		   json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id", (json_int_t)con, "date",
			     "2026-11-02", "site", "company", "hours", 8.0, "content",
			     "数控车床操作"),
		   "hours", json_real(7.5), "contract_id", ids(b1, sizeof(b1), con), "210102");

	round_trip(f, "assessment",
		   json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)con, "kind",
			     "intermediate", "date", "2026-07-01", "result", "pass"),
		   "score", json_real(86.5), "kind", "intermediate", "210102");

	pass_final(f, con, "2026-11-01");
	assert_int_equal(
		fx_act(f, con, DT_CEV_COMPLETE, 0, json_pack("{s:s}", "date", "2026-11-20"), NULL),
		DT_OK);
	round_trip(f, "outcome",
		   json_pack("{s:I, s:s, s:s}", "contract_id", (json_int_t)con, "kind", "retained",
			     "date", "2026-11-25"),
		   "wage_monthly", json_integer(5200), "kind", "retained", "210102");
	(void)b2;

	/* Monitoring: a pilot's task, a target, a minimum wage. */
	int64_t pilot = fx_sql_int(f, "SELECT id FROM pilot LIMIT 1");
	round_trip(f, "pilot_task",
		   json_pack("{s:I, s:s, s:s}", "pilot_id", (json_int_t)pilot, "title", "制定方案",
			     "deadline", "2026-12-31"),
		   "status", json_string("in_progress"), "pilot_id", ids(b1, sizeof(b1), pilot),
		   "210100");
	round_trip(f, "target",
		   json_pack("{s:s, s:s, s:i, s:f}", "region", "210100", "indicator", "pass_rate",
			     "year", 2026, "value", 85.0),
		   "baseline", json_real(70), "indicator", "pass_rate", "210100");
	round_trip(f, "min_wage",
		   json_pack("{s:s, s:s, s:i}", "region", "210100", "valid_from", "2025-01-01",
			     "monthly", 2100),
		   "monthly", json_integer(2200), "valid_from", "2025-01-01", "210100");
	/* Alerts are the system's: not created through CRUD (test_indicators raises them). */
	assert_int_equal(fx_create_rc(f, "alert", json_pack("{s:s}", "rule", "x")), DT_EDENIED);
	assert_problem(f, NULL, "record.system_only");

	/* Every entity has been through the round. */
	for (const struct dt_entity *e = dt_entities; e->name; e++)
		if (!(e->flags & DT_EF_SYSTEM) && fx_rows(f, e->table) == 0)
			fail_msg("no %s created", e->name);

	int64_t checked = 0;
	assert_int_equal(dt_store_audit_verify(f->s, &checked, &f->err), DT_OK);
	assert_int_equal(checked, fx_audit_count(f));
}

/* The list in one page, and checked sorted by @sort (then id). */
static json_t *oracle(struct fx *f, const struct dt_scope *scope, const char *entity,
		      const char *sort, bool desc, const char *const *filt, size_t nfilt);
static void assert_same_list(json_t *pages, json_t *oracle, const char *what);

/*
 * A sort key that may be NULL (an outcome's wage): pages still add up to the
 * whole list, NULLs first ascending and last descending.
 */
static void test_sort_nullable(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 9; i++) {
		struct fx_world w = fx_world(f);
		int64_t con = fx_active_contract(f, &w);
		pass_final(f, con, FX_TODAY);
		assert_int_equal(fx_act(f, con, DT_CEV_COMPLETE, 0, NULL, NULL), DT_OK);
		json_t *in = json_pack("{s:I, s:s, s:s}", "contract_id", (json_int_t)con, "kind",
				       "employed_elsewhere", "date", FX_TODAY);
		if (i % 3)
			json_object_set_new(in, "wage_monthly", json_integer(3000 + (i % 4) * 500));
		fx_create(f, "outcome", in);
	}
	for (int desc = 0; desc < 2; desc++) {
		json_t *all = oracle(f, NULL, "outcome", "wage_monthly", desc, NULL, 0);
		assert_int_equal(json_array_size(all), 9);
		/* NULLs first ascending, last descending. */
		assert_int_equal(
			json_is_null(json_object_get(json_array_get(all, 0), "wage_monthly")),
			!desc);
		assert_int_equal(
			json_is_null(json_object_get(json_array_get(all, 8), "wage_monthly")),
			desc);
		for (int limit = 1; limit <= 4; limit++) {
			struct dt_query q = { .sort = "wage_monthly",
					      .desc = desc,
					      .limit = limit };
			json_t *paged = list_all(f, NULL, "outcome", q, NULL);
			char what[64];
			snprintf(what, sizeof(what), "wage %s limit %d", desc ? "desc" : "asc",
				 limit);
			assert_same_list(paged, all, what);
			json_decref(paged);
		}
		json_decref(all);
	}
	/* Unknown entities, sort fields, filters and limits are refused. */
	json_t *items = NULL;
	char *next = NULL;
	struct dt_query q = { .sort = "address" };
	assert_int_equal(dt_store_list(f->s, NULL, "organization", &q, &items, &next, &f->err),
			 DT_EINVAL);
	assert_problem(f, "sort", "list.sort");
	assert_int_equal(dt_store_list(f->s, NULL, "widgets", NULL, &items, &next, &f->err),
			 DT_EINVAL);
	assert_problem(f, NULL, "record.kind_unknown");
	q = (struct dt_query){ .limit = 1001 };
	assert_int_equal(dt_store_list(f->s, NULL, "organization", &q, &items, &next, &f->err),
			 DT_EINVAL);
	assert_problem(f, "limit", "number.range");
	const char *filt[] = { "address", "x" };
	q = (struct dt_query){ .filters = filt, .nfilters = 1 };
	assert_int_equal(dt_store_list(f->s, NULL, "organization", &q, &items, &next, &f->err),
			 DT_EINVAL);
	assert_problem(f, "address", "filter.unknown");
	const char *filt2[] = { "kind", "factory" };
	q = (struct dt_query){ .filters = filt2, .nfilters = 1 };
	assert_int_equal(dt_store_list(f->s, NULL, "organization", &q, &items, &next, &f->err),
			 DT_EINVAL);
	assert_problem(f, "kind", "enum.value");
	const char *filt3[] = { "region", "2101" };
	q = (struct dt_query){ .filters = filt3, .nfilters = 1 };
	assert_int_equal(dt_store_list(f->s, NULL, "organization", &q, &items, &next, &f->err),
			 DT_EINVAL);
	assert_problem(f, "region", "region.format");
	assert_null(items);
	assert_null(next);
}

/* ---- validation ---- */

/* Create @in (stolen) must fail with @want naming @field, and change nothing. */
static void refused(struct fx *f, const char *entity, json_t *in, int want, const char *field)
{
	struct fx_snap before = fx_snapshot(f);
	char *dump = json_dumps(in, JSON_COMPACT);
	int rc = fx_create_rc(f, entity, in);
	if (rc != want)
		fail_msg("create %s %s: got %d (%s), wanted %d", entity, dump, rc, f->err.buf,
			 want);
	if (field) {
		fx_assert_ferr(f, field);
		assert_err_has(f, field);
	}
	free(dump);
	fx_assert_unchanged(f, &before);
}

/* Update with @patch (stolen) must fail with @want naming @field, and change nothing. */
static void refused_update(struct fx *f, const char *entity, int64_t id, json_t *patch, int want,
			   const char *field)
{
	struct fx_snap before = fx_snapshot(f);
	char *dump = json_dumps(patch, JSON_COMPACT);
	int rc = update(f, entity, id, patch, NULL);
	if (rc != want)
		fail_msg("update %s %lld %s: got %d (%s), wanted %d", entity, (long long)id, dump,
			 rc, f->err.buf, want);
	if (field)
		fx_assert_ferr(f, field);
	free(dump);
	fx_assert_unchanged(f, &before);
}

static json_t *org_in(const char *kind, const char *uscc, const char *name, const char *region)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "kind", kind, "uscc", uscc, "name", name, "region",
			 region);
}

static void test_validation(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	char uscc[DT_USCC_LEN + 1];
	fx_uscc(uscc, 210102, 7777);
	json_t *in;

	/* Unknown field. */
	in = org_in("enterprise", uscc, "甲", "210102");
	json_object_set_new(in, "colour", json_string("red"));
	refused(f, "organization", in, DT_EINVAL, "colour");
	/* Missing required field. */
	in = org_in("enterprise", uscc, "甲", "210102");
	json_object_del(in, "name");
	refused(f, "organization", in, DT_EINVAL, "name");
	in = org_in("enterprise", uscc, "甲", "210102");
	json_object_set_new(in, "name", json_null());
	refused(f, "organization", in, DT_EINVAL, "name");
	in = org_in("enterprise", uscc, "", "210102");
	refused(f, "organization", in, DT_EINVAL, "name");
	/* Wrong JSON type. */
	in = org_in("enterprise", uscc, "甲", "210102");
	json_object_set_new(in, "name", json_integer(5));
	refused(f, "organization", in, DT_EINVAL, "name");
	refused(f, "programme",
		json_pack("{s:s, s:s, s:I, s:I, s:s, s:i, s:i, s:i}", "code", "P-X", "name", "x",
			  "school_id", (json_int_t)w.sch, "occupation_id",
			  (json_int_t)fx_occupation_id(f, "4-02-06-01"), "level", "4",
			  "duration_months", 36, "company_hours", 1, "school_hours", 1),
		DT_EINVAL, "level");
	refused(f, "organization", json_pack("[s]", "x"), DT_EINVAL, "body");
	/* Out-of-range integer. */
	refused(f, "programme",
		json_pack("{s:s, s:s, s:I, s:I, s:i, s:i, s:i, s:i}", "code", "P-X", "name", "x",
			  "school_id", (json_int_t)w.sch, "occupation_id",
			  (json_int_t)fx_occupation_id(f, "4-02-06-01"), "level", 6,
			  "duration_months", 36, "company_hours", 1, "school_hours", 1),
		DT_EINVAL, "level");
	refused(f, "programme",
		json_pack("{s:s, s:s, s:I, s:I, s:i, s:i, s:i, s:i}", "code", "P-X", "name", "x",
			  "school_id", (json_int_t)w.sch, "occupation_id",
			  (json_int_t)fx_occupation_id(f, "4-02-06-01"), "level", 4,
			  "duration_months", 0, "company_hours", 1, "school_hours", 1),
		DT_EINVAL, "duration_months");
	/* Bad enum. */
	refused(f, "organization", org_in("factory", uscc, "甲", "210102"), DT_EINVAL, "kind");
	/* Bad date. */
	refused(f, "partnership",
		json_pack("{s:I, s:I, s:i, s:s}", "enterprise_id", (json_int_t)w.ent, "school_id",
			  (json_int_t)w.sch, "places_per_year", 20, "start_date", "2023-02-29"),
		DT_EINVAL, "start_date");
	refused(f, "partnership",
		json_pack("{s:I, s:I, s:i, s:s}", "enterprise_id", (json_int_t)w.ent, "school_id",
			  (json_int_t)w.sch, "places_per_year", 20, "start_date", "2024-2-1"),
		DT_EINVAL, "start_date");
	/* Bad USCC check character. */
	char bad[DT_USCC_LEN + 1];
	memcpy(bad, uscc, sizeof(bad));
	bad[17] = bad[17] == '0' ? '1' : '0';
	refused(f, "organization", org_in("enterprise", bad, "甲", "210102"), DT_EINVAL, "uscc");
	assert_problem(f, "uscc", "uscc.check_char");
	/* REF to a missing id. */
	refused(f, "programme",
		json_pack("{s:s, s:s, s:i, s:I, s:i, s:i, s:i, s:i}", "code", "P-X", "name", "x",
			  "school_id", 99999, "occupation_id",
			  (json_int_t)fx_occupation_id(f, "4-02-06-01"), "level", 4,
			  "duration_months", 36, "company_hours", 1, "school_hours", 1),
		DT_EINVAL, "school_id");
	/* REF to an organization of the wrong kind. */
	refused(f, "programme",
		json_pack("{s:s, s:s, s:I, s:I, s:i, s:i, s:i, s:i}", "code", "P-X", "name", "x",
			  "school_id", (json_int_t)w.ent, "occupation_id",
			  (json_int_t)fx_occupation_id(f, "4-02-06-01"), "level", 4,
			  "duration_months", 36, "company_hours", 1, "school_hours", 1),
		DT_EINVAL, "school_id");
	assert_err_has(f, "enterprise");
	assert_problem(f, "school_id", "ref.kind");
	/* A region not in the table, and one that is no code at all. */
	refused(f, "organization", org_in("enterprise", uscc, "甲", "210199"), DT_EINVAL, "region");
	assert_problem(f, "region", "region.unknown");
	refused(f, "organization", org_in("enterprise", uscc, "甲", "990000"), DT_EINVAL, "region");
	assert_problem(f, "region", "region.province");
	/* System fields cannot be given. */
	in = fx_contract_in(&w, "2025-09-01", "2028-08-31");
	json_object_set_new(in, "status", json_string("active"));
	refused(f, "contract", in, DT_EINVAL, "status");
	assert_problem(f, "status", "field.system");
	/* Several faults at once: each is named. */
	in = org_in("factory", bad, "甲", "210199");
	refused(f, "organization", in, DT_EINVAL, "kind");
	assert_true(fx_has_ferr(f, "uscc") && fx_has_ferr(f, "region"));
	assert_int_equal(json_array_size(dt_store_field_errors(f->s)), 3);
	assert_problem(f, "kind", "enum.value");
	assert_problem(f, "uscc", "uscc.check_char");
	assert_problem(f, "region", "region.unknown");
	/* A duplicate credit code is a conflict. */
	int64_t org = fx_create(f, "organization", org_in("enterprise", uscc, "甲", "210102"));
	refused(f, "organization", org_in("enterprise", uscc, "乙", "210102"), DT_ECONFLICT,
		"uscc");
	/* Lower-case input is normalised, so it is the same code. */
	char lower[DT_USCC_LEN + 1];
	for (int i = 0; i <= DT_USCC_LEN; i++)
		lower[i] = (char)(uscc[i] >= 'A' && uscc[i] <= 'Z' ? uscc[i] + 32 : uscc[i]);
	refused(f, "organization", org_in("enterprise", lower, "乙", "210102"), DT_ECONFLICT,
		"uscc");
	int64_t found = 0;
	assert_int_equal(dt_store_org_by_uscc(f->s, uscc, &found, &f->err), DT_OK);
	assert_int_equal(found, org);

	/* Updates are checked the same way. */
	refused_update(f, "organization", org, json_pack("{s:s}", "size", "huge"), DT_EINVAL,
		       "size");
	refused_update(f, "organization", org, json_pack("{s:s}", "kind", "school"), DT_EINVAL,
		       "kind");
	refused_update(f, "organization", org, json_pack("{s:s}", "region", "210199"), DT_EINVAL,
		       "region");
	refused_update(f, "organization", org, json_pack("{s:n}", "name"), DT_EINVAL, "name");
	refused_update(f, "organization", org, json_pack("{s:s}", "created_at", "2020-01-01"),
		       DT_EINVAL, "created_at");
	refused_update(f, "organization", org,
		       json_pack("{s:s, s:s}", "name", "好名字", "colour", "red"), DT_EINVAL,
		       "colour");
	refused_update(f, "programme", w.prog, json_pack("{s:I}", "school_id", (json_int_t)w.ent),
		       DT_EINVAL, "school_id");
	refused_update(f, "organization", 99999, json_pack("{s:s}", "name", "x"), DT_ENOTFOUND,
		       NULL);
	assert_problem(f, NULL, "record.not_found");
	/* An unknown entity. */
	assert_int_equal(fx_create_rc(f, "widget", json_object()), DT_EINVAL);
	assert_problem(f, NULL, "record.kind_unknown");
}

/* ---- trainees ---- */

/*
 * Phone numbers and e-mail addresses are checked where they are stored
 * ("abc" was saved before), on create and on update, for trainees and
 * organisations alike.
 */
static void test_phone_and_email(void **state)
{
	struct fx *f = *state;
	char natid[DT_NATID_LEN + 1];
	fx_natid(natid, "210102", "20050315", 901);
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s, s:s}", "national_id", natid, "name", "张三", "region",
			  "210102", "phone", "abc"),
		DT_EINVAL, "phone");
	assert_problem(f, "phone", "phone.invalid");
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s, s:s}", "national_id", natid, "name", "张三", "region",
			  "210102", "email", "abc"),
		DT_EINVAL, "email");
	assert_problem(f, "email", "email.invalid");
	int64_t t = fx_create(f, "trainee",
			      json_pack("{s:s, s:s, s:s, s:s, s:s}", "national_id", natid, "name",
					"张三", "region", "210102", "phone", "138 0013 8000",
					"email", "zhang.san@example.cn"));
	refused_update(f, "trainee", t, json_pack("{s:s}", "phone", "12345"), DT_EINVAL, "phone");
	assert_problem(f, "phone", "phone.invalid");
	assert_int_equal(update(f, "trainee", t, json_pack("{s:s}", "phone", "024-23456789"), NULL),
			 DT_OK);
	int64_t org = fx_org(f, "enterprise", 210102, "沈阳机床");
	refused_update(f, "organization", org, json_pack("{s:s}", "contact_phone", "abc"),
		       DT_EINVAL, "contact_phone");
	assert_problem(f, "contact_phone", "phone.invalid");
}

/* An ID with check character X, born @birth8. */
static void natid_x(char out[DT_NATID_LEN + 1], const char *birth8)
{
	for (int seq = 1; seq < 1000; seq++) {
		fx_natid(out, "110101", birth8, seq);
		if (out[17] == 'X')
			return;
	}
	fail_msg("no ID with check character X");
}

static bool blob_has(const void *blob, int len, const char *s)
{
	return len > 0 && memmem(blob, (size_t)len, s, strlen(s)) != NULL;
}

static void test_trainee(void **state)
{
	struct fx *f = *state;
	char natid[DT_NATID_LEN + 1], lower[DT_NATID_LEN + 1], masked[DT_NATID_LEN + 1];
	natid_x(natid, "20050315");
	memcpy(lower, natid, sizeof(lower));
	lower[17] = 'x';
	dt_natid_mask(natid, masked);
	assert_string_equal(masked + 14, natid + 14);
	assert_memory_equal(masked, "1101**********", 14);

	json_t *created = NULL;
	int64_t id = fx_create_out(f, "trainee",
				   json_pack("{s:s, s:s, s:s}", "national_id", lower, "name",
					     "张三", "region", "210102"),
				   &created);
	/* Masked in ordinary output, with birth date and gender derived. */
	assert_string_equal(fx_str(created, "national_id"), masked);
	assert_string_equal(fx_str(created, "birth_date"), "2005-03-15");
	assert_string_equal(fx_str(created, "gender"), natid[16] % 2 ? "M" : "F");
	json_decref(created);
	json_t *o = get(f, "trainee", id, 0);
	assert_string_equal(fx_str(o, "national_id"), masked);
	json_decref(o);
	/* Unmasked: the normalised ID. */
	o = get(f, "trainee", id, DT_READ_UNMASK);
	assert_string_equal(fx_str(o, "national_id"), natid);
	json_decref(o);

	/* On disk: masked text, and a ciphertext that does not hold the ID. */
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = NULL;
	st = fx_prepare(db, "SELECT national_id, national_id_enc, national_id_blind "
			    "FROM trainee WHERE id = ?");
	dt_db_bind_int64(st, 1, id);
	assert_int_equal(dt_db_step(st), DT_DB_ROW);
	assert_string_equal(dt_db_column_text(st, 0), masked);
	assert_int_equal(dt_db_column_type(st, 1), DT_DB_BLOB);
	const void *enc = dt_db_column_blob(st, 1);
	int enclen = dt_db_column_bytes(st, 1);
	assert_int_equal(enclen, DT_NATID_LEN + DT_SEAL_OVERHEAD);
	assert_false(blob_has(enc, enclen, natid));
	assert_false(blob_has(enc, enclen, lower));
	char digits[18];
	memcpy(digits, natid, 17);
	digits[17] = '\0';
	assert_false(blob_has(enc, enclen, digits));
	assert_false(blob_has(enc, enclen, "20050315"));
	/* It decrypts with the database's key to the normalised ID. */
	char plain[DT_NATID_LEN + 1] = { 0 };
	assert_int_equal(dt_secret_open(&f->keys, enc, (size_t)enclen, plain), DT_OK);
	assert_string_equal(plain, natid);
	assert_int_equal(dt_db_column_bytes(st, 2), DT_BLIND_LEN);
	assert_false(blob_has(dt_db_column_blob(st, 2), DT_BLIND_LEN, "2005"));
	dt_db_finalize(st);
	/* No plaintext anywhere in the file's tables. */
	char sql[200];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM audit WHERE coalesce(after, '') LIKE '%%%.17s%%'", natid);
	dt_db_close(db);
	assert_int_equal(fx_sql_int(f, sql), 0);

	/* Found by its ID, in either case. */
	int64_t found = 0;
	assert_int_equal(dt_store_trainee_by_natid(f->s, natid, &found, &f->err), DT_OK);
	assert_int_equal(found, id);
	found = 0;
	assert_int_equal(dt_store_trainee_by_natid(f->s, lower, &found, &f->err), DT_OK);
	assert_int_equal(found, id);
	char other[DT_NATID_LEN + 1];
	fx_natid(other, "110101", "20050315", 555);
	assert_int_equal(dt_store_trainee_by_natid(f->s, other, &found, &f->err), DT_ENOTFOUND);
	assert_int_equal(dt_store_trainee_by_natid(f->s, "110101", &found, &f->err), DT_EINVAL);

	/* A duplicate is a conflict, in either case. */
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s}", "national_id", natid, "name", "李四", "region",
			  "210102"),
		DT_ECONFLICT, "national_id");
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s}", "national_id", lower, "name", "李四", "region",
			  "210102"),
		DT_ECONFLICT, "national_id");
	/* A wrong check character, a 15-digit legacy ID. */
	char bad[DT_NATID_LEN + 1];
	memcpy(bad, natid, sizeof(bad));
	bad[17] = '0';
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s}", "national_id", bad, "name", "李四", "region",
			  "210102"),
		DT_EINVAL, "national_id");
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s}", "national_id", "110101050315123", "name", "李四",
			  "region", "210102"),
		DT_EINVAL, "national_id");

	/* Birth date and gender follow from the ID. */
	char id2[DT_NATID_LEN + 1];
	fx_natid(id2, "210102", "20040101", 124); /* even sequence: female */
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s, s:s}", "national_id", id2, "name", "王五", "region",
			  "210102", "birth_date", "2004-01-02"),
		DT_EINVAL, "birth_date");
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s, s:s}", "national_id", id2, "name", "王五", "region",
			  "210102", "gender", "M"),
		DT_EINVAL, "gender");
	int64_t t2 =
		fx_create(f, "trainee",
			  json_pack("{s:s, s:s, s:s, s:s, s:s}", "national_id", id2, "name", "王五",
				    "region", "210102", "gender", "F", "birth_date", "2004-01-01"));
	/* ... and cannot be changed away from it later. */
	refused_update(f, "trainee", t2, json_pack("{s:s}", "birth_date", "2004-01-02"), DT_EINVAL,
		       "birth_date");
	refused_update(f, "trainee", t2, json_pack("{s:s}", "gender", "M"), DT_EINVAL, "gender");
	refused_update(f, "trainee", t2, json_pack("{s:s}", "national_id", other), DT_EINVAL,
		       "national_id");

	/* Age on the day: under 16 refused; 16 and 17 need a guardian. */
	char young[DT_NATID_LEN + 1];
	fx_natid(young, "210102", "20101127", 131); /* 15 until tomorrow */
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s, s:s}", "national_id", young, "name", "小明", "region",
			  "210102", "guardian_name", "大明"),
		DT_EINVAL, "national_id");
	fx_natid(young, "210102", "20101126", 133); /* 16 today */
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s}", "national_id", young, "name", "小明", "region",
			  "210102"),
		DT_EINVAL, "guardian_name");
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s, s:s}", "national_id", young, "name", "小明", "region",
			  "210102", "guardian_name", ""),
		DT_EINVAL, "guardian_name");
	int64_t minor = fx_create(f, "trainee",
				  json_pack("{s:s, s:s, s:s, s:s}", "national_id", young, "name",
					    "小明", "region", "210102", "guardian_name", "大明"));
	/* The guardian cannot be removed while the trainee is a minor. */
	refused_update(f, "trainee", minor, json_pack("{s:n}", "guardian_name"), DT_EINVAL,
		       "guardian_name");
	refused_update(f, "trainee", minor, json_pack("{s:s}", "guardian_name", ""), DT_EINVAL,
		       "guardian_name");
	assert_int_equal(
		update(f, "trainee", minor, json_pack("{s:s}", "guardian_name", "大明妈妈"), NULL),
		DT_OK);
	char seventeen[DT_NATID_LEN + 1];
	fx_natid(seventeen, "210102", "20081127", 135); /* 17, 18 tomorrow */
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s}", "national_id", seventeen, "name", "小红", "region",
			  "210102"),
		DT_EINVAL, "guardian_name");
	fx_natid(seventeen, "210102", "20081126", 137); /* 18 today: no guardian needed */
	fx_create(f, "trainee",
		  json_pack("{s:s, s:s, s:s}", "national_id", seventeen, "name", "小红", "region",
			    "210102"));
	/* Born in the future. */
	fx_natid(young, "210102", "20261127", 139);
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s, s:s}", "national_id", young, "name", "未来", "region",
			  "210102", "guardian_name", "x"),
		DT_EINVAL, "national_id");

	/* Without keys, identity numbers can be neither stored nor shown. */
	struct dt_store *s2 = NULL;
	assert_int_equal(dt_store_open(&s2, f->path, NULL, 0, &f->err), DT_OK);
	fx_natid(other, "210102", "20000101", 141);
	json_t *in = json_pack("{s:s, s:s, s:s}", "national_id", other, "name", "赵六", "region",
			       "210102");
	assert_int_equal(dt_store_create(s2, &f->actor, "trainee", in, NULL, &f->err), DT_ECRYPTO);
	json_decref(in);
	o = NULL;
	assert_int_equal(dt_store_get(s2, NULL, "trainee", id, 0, &o, &f->err), DT_OK);
	assert_string_equal(fx_str(o, "national_id"), masked);
	json_decref(o);
	o = NULL;
	assert_int_equal(dt_store_get(s2, NULL, "trainee", id, DT_READ_UNMASK, &o, &f->err),
			 DT_ECRYPTO);
	assert_null(o);
	assert_int_equal(dt_store_trainee_by_natid(s2, natid, &found, &f->err), DT_ECRYPTO);
	dt_store_close(s2);
}

/* ---- contracts ---- */

static json_t *contract(struct fx *f, int64_t id)
{
	return get(f, "contract", id, 0);
}

static void assert_status(struct fx *f, int64_t id, const char *status)
{
	json_t *o = contract(f, id);
	assert_string_equal(fx_str(o, "status"), status);
	json_decref(o);
}

static json_t *entry_in(int64_t con, const char *date, const char *site, double hours)
{
	return json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id", (json_int_t)con, "date", date,
			 "site", site, "hours", hours, "content", "车间实训");
}

static void test_contract_approval(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t id = fx_create(f, "contract", fx_contract_in(&w, "2025-09-01", "2028-08-31"));
	assert_status(f, id, "draft");
	/* Approve and activate a draft: refused. */
	assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, DT_PARTY_SCHOOL, NULL, NULL), DT_ECONFLICT);
	assert_int_equal(fx_act(f, id, DT_CEV_ACTIVATE, 0, NULL, NULL), DT_ECONFLICT);
	/* Edit a draft. */
	assert_int_equal(
		update(f, "contract", id, json_pack("{s:i}", "stipend_monthly", 2600), NULL),
		DT_OK);
	/* Submit. */
	json_t *o = NULL;
	assert_int_equal(fx_act(f, id, DT_CEV_SUBMIT, 0, NULL, &o), DT_OK);
	assert_string_equal(fx_str(o, "status"), "pending");
	assert_non_null(fx_str(o, "submitted_at"));
	json_decref(o);
	assert_int_equal(fx_act(f, id, DT_CEV_SUBMIT, 0, NULL, NULL), DT_ECONFLICT);
	/* Two approvals, the second party twice. */
	assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, DT_PARTY_ENTERPRISE, NULL, NULL), DT_OK);
	assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, DT_PARTY_SCHOOL, NULL, &o), DT_OK);
	assert_non_null(fx_str(o, "approved_enterprise_at"));
	assert_non_null(fx_str(o, "approved_school_at"));
	assert_true(json_is_null(json_object_get(o, "approved_trainee_at")));
	json_decref(o);
	struct fx_snap snap = fx_snapshot(f);
	assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, DT_PARTY_SCHOOL, NULL, NULL), DT_ECONFLICT);
	assert_string_equal(dt_problem_arg(problem_of(f, "contract.already_approved"), "party"),
			    "school");
	assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, (enum dt_party)7, NULL, NULL), DT_EINVAL);
	/* Activate with the trainee missing: refused, naming the trainee. */
	assert_int_equal(fx_act(f, id, DT_CEV_ACTIVATE, 0, NULL, NULL), DT_ECONFLICT);
	assert_string_equal(dt_problem_arg(problem_of(f, "contract.approvals_missing"), "parties"),
			    "trainee");
	fx_assert_unchanged(f, &snap);
	/* An edit in pending resets the approvals. */
	assert_int_equal(
		update(f, "contract", id, json_pack("{s:s}", "school_mentor", "赵老师"), &o),
		DT_OK);
	assert_string_equal(fx_str(o, "status"), "pending");
	for (int p = 0; p < DT_PARTY_N; p++) {
		const char *col[] = { "approved_enterprise_at", "approved_school_at",
				      "approved_trainee_at" };
		assert_true(json_is_null(json_object_get(o, col[p])));
	}
	json_decref(o);
	assert_int_equal(fx_act(f, id, DT_CEV_ACTIVATE, 0, NULL, NULL), DT_ECONFLICT);
	assert_string_equal(dt_problem_arg(problem_of(f, "contract.approvals_missing"), "parties"),
			    "enterprise|school|trainee");
	/* Withdraw and resubmit. */
	assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, DT_PARTY_TRAINEE, NULL, NULL), DT_OK);
	assert_int_equal(fx_act(f, id, DT_CEV_WITHDRAW, 0, NULL, &o), DT_OK);
	assert_string_equal(fx_str(o, "status"), "draft");
	assert_true(json_is_null(json_object_get(o, "approved_trainee_at")));
	assert_true(json_is_null(json_object_get(o, "submitted_at")));
	json_decref(o);
	assert_int_equal(fx_act(f, id, DT_CEV_SUBMIT, 0, NULL, NULL), DT_OK);
	/* All three, then activate. */
	assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, DT_PARTY_TRAINEE, NULL, NULL), DT_OK);
	assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, DT_PARTY_SCHOOL, NULL, NULL), DT_OK);
	assert_int_equal(fx_act(f, id, DT_CEV_ACTIVATE, 0, NULL, NULL), DT_ECONFLICT);
	assert_string_equal(dt_problem_arg(problem_of(f, "contract.approvals_missing"), "parties"),
			    "enterprise");
	assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, DT_PARTY_ENTERPRISE, NULL, NULL), DT_OK);
	int64_t events = fx_audit_count(f);
	assert_int_equal(fx_act(f, id, DT_CEV_ACTIVATE, 0, NULL, &o), DT_OK);
	assert_string_equal(fx_str(o, "status"), "active");
	assert_non_null(fx_str(o, "activated_at"));
	assert_string_equal(fx_str(o, "school_mentor"), "赵老师");
	assert_int_equal(fx_int(o, "stipend_monthly"), 2600);
	json_decref(o);
	assert_int_equal(fx_audit_count(f), events + 1);
	/* An active contract cannot be edited or deleted. */
	refused_update(f, "contract", id, json_pack("{s:i}", "stipend_monthly", 2700), DT_ECONFLICT,
		       NULL);
	snap = fx_snapshot(f);
	assert_int_equal(del(f, "contract", id), DT_ECONFLICT);
	fx_assert_unchanged(f, &snap);
	/* A contract action is refused for an edit, and for a missing contract. */
	assert_int_equal(fx_act(f, id, DT_CEV_EDIT, 0, NULL, NULL), DT_EINVAL);
	assert_int_equal(fx_act(f, 99999, DT_CEV_COMPLETE, 0, NULL, NULL), DT_ENOTFOUND);
	assert_int_equal(fx_act(f, id, DT_CEV_COMPLETE, 0, json_pack("[]"), NULL), DT_EINVAL);
	int64_t checked;
	assert_int_equal(dt_store_audit_verify(f->s, &checked, &f->err), DT_OK);
}

static void test_contract_rules(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	/* Dates in order; the programme run by the contract's school. */
	refused(f, "contract", fx_contract_in(&w, "2025-09-01", "2025-09-01"), DT_EINVAL,
		"end_date");
	struct fx_world w2 = w;
	int64_t sch2 = fx_org(f, "school", 210103, "另一学校");
	w2.sch = sch2;
	refused(f, "contract", fx_contract_in(&w2, "2025-09-01", "2028-08-31"), DT_EINVAL,
		"programme_id");
	w2 = w;
	w2.ent = w.sch;
	refused(f, "contract", fx_contract_in(&w2, "2025-09-01", "2028-08-31"), DT_EINVAL,
		"enterprise_id");
	/* One open contract per trainee. */
	int64_t id = fx_create(f, "contract", fx_contract_in(&w, "2025-09-01", "2028-08-31"));
	refused(f, "contract", fx_contract_in(&w, "2025-09-01", "2028-08-31"), DT_EINVAL,
		"trainee_id");
	assert_int_equal(fx_act(f, id, DT_CEV_SUBMIT, 0, NULL, NULL), DT_OK);
	refused(f, "contract", fx_contract_in(&w, "2025-09-01", "2028-08-31"), DT_EINVAL,
		"trainee_id");
	/* Deleting: a pending contract no, a draft yes. */
	struct fx_snap snap = fx_snapshot(f);
	assert_int_equal(del(f, "contract", id), DT_ECONFLICT);
	fx_assert_unchanged(f, &snap);
	assert_int_equal(fx_act(f, id, DT_CEV_WITHDRAW, 0, NULL, NULL), DT_OK);
	int64_t events = fx_audit_count(f);
	assert_int_equal(del(f, "contract", id), DT_OK);
	assert_int_equal(fx_audit_count(f), events + 1);
	assert_int_equal(get_rc(f, NULL, "contract", id), DT_ENOTFOUND);
	/* Now a new one is allowed, and after it ends, another. */
	id = fx_active_contract(f, &w);
	refused(f, "contract", fx_contract_in(&w, "2028-09-01", "2029-08-31"), DT_EINVAL,
		"trainee_id");
	assert_int_equal(fx_act(f, id, DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:s}", "date", "2026-01-10", "reason", "转学"),
				NULL),
			 DT_OK);
	fx_create(f, "contract", fx_contract_in(&w, "2026-02-01", "2029-01-31"));
}

static void test_record_book(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	/* A draft contract takes no entries. */
	int64_t draft = fx_create(f, "contract", fx_contract_in(&w, "2025-09-01", "2028-08-31"));
	refused(f, "record_entry", entry_in(draft, "2026-11-02", "company", 8), DT_ECONFLICT,
		"contract_id");
	assert_int_equal(del(f, "contract", draft), DT_OK);
	int64_t con = fx_active_contract(f, &w);

	/* Dates within the contract and not in the future; hours 0..24. */
	refused(f, "record_entry", entry_in(con, "2025-08-31", "company", 8), DT_EINVAL, "date");
	refused(f, "record_entry", entry_in(con, "2026-11-27", "company", 8), DT_EINVAL, "date");
	refused(f, "record_entry", entry_in(con, "2026-11-26", "company", 25), DT_EINVAL, "hours");
	refused(f, "record_entry", entry_in(con, "2026-11-26", "company", 0), DT_EINVAL, "hours");
	refused(f, "record_entry", entry_in(con, "2026-11-26", "company", -1), DT_EINVAL, "hours");
	refused(f, "record_entry", entry_in(con, "2026-11-26", "office", 8), DT_EINVAL, "site");
	refused(f, "record_entry", entry_in(99999, "2026-11-26", "company", 8), DT_EINVAL,
		"contract_id");
	int64_t e1 = fx_create(f, "record_entry", entry_in(con, FX_TODAY, "company", 8));
	int64_t e2 = fx_create(f, "record_entry", entry_in(con, "2025-09-01", "school", 6.5));
	int64_t e3 = fx_create(f, "record_entry", entry_in(con, "2026-01-05", "company", 4));
	/* An unsigned entry may change, within the same rules. */
	assert_int_equal(update(f, "record_entry", e2, json_pack("{s:f}", "hours", 7.0), NULL),
			 DT_OK);
	refused_update(f, "record_entry", e2, json_pack("{s:s}", "date", "2026-12-01"), DT_EINVAL,
		       "date");
	refused_update(f, "record_entry", e2, json_pack("{s:i}", "hours", 0), DT_EINVAL, "hours");
	refused_update(f, "record_entry", e2, json_pack("{s:I}", "contract_id", (json_int_t)con),
		       DT_EINVAL, "contract_id");

	/* Sign-off. */
	f->actor.login = "mentor:li";
	json_t *o = NULL;
	dt_strbuf_reset(&f->err);
	assert_int_equal(dt_store_record_signoff(f->s, &f->actor, NULL, e1, &o, &f->err), DT_OK);
	assert_string_equal(fx_str(o, "signed_by"), "mentor:li");
	assert_non_null(fx_str(o, "signed_at"));
	json_decref(o);
	assert_int_equal(dt_store_record_signoff(f->s, &f->actor, NULL, e2, NULL, &f->err), DT_OK);
	f->actor.login = "test:unit";
	struct fx_snap snap = fx_snapshot(f);
	assert_int_equal(dt_store_record_signoff(f->s, &f->actor, NULL, e1, NULL, &f->err),
			 DT_ECONFLICT);
	assert_int_equal(dt_store_record_signoff(f->s, &f->actor, NULL, 99999, NULL, &f->err),
			 DT_ENOTFOUND);
	/* Signed entries are immutable. */
	assert_int_equal(update(f, "record_entry", e1, json_pack("{s:f}", "hours", 1.0), NULL),
			 DT_ECONFLICT);
	assert_int_equal(update(f, "record_entry", e1, json_pack("{s:s}", "content", "改"), NULL),
			 DT_ECONFLICT);
	assert_int_equal(del(f, "record_entry", e1), DT_ECONFLICT);
	assert_int_equal(del(f, "record_entry", e2), DT_ECONFLICT);
	fx_assert_unchanged(f, &snap);
	/* An unsigned one can go. */
	assert_int_equal(del(f, "record_entry", e3), DT_OK);
	assert_int_equal(get_rc(f, NULL, "record_entry", e3), DT_ENOTFOUND);

	/* Filter by contract and by signer. */
	char b[32];
	json_t *items =
		list_filtered(f, NULL, "record_entry", "contract_id", ids(b, sizeof(b), con));
	assert_int_equal(json_array_size(items), 2);
	json_decref(items);
	items = list_filtered(f, NULL, "record_entry", "signed_by", "mentor:li");
	assert_int_equal(json_array_size(items), 2);
	json_decref(items);

	/* After completion no more entries. */
	pass_final(f, con, FX_TODAY);
	assert_int_equal(fx_act(f, con, DT_CEV_COMPLETE, 0, NULL, &o), DT_OK);
	assert_string_equal(fx_str(o, "ended_on"), FX_TODAY);
	json_decref(o);
	refused(f, "record_entry", entry_in(con, "2026-11-25", "company", 8), DT_ECONFLICT,
		"contract_id");
	assert_int_equal(del(f, "record_entry", e1), DT_ECONFLICT);
}

/*
 * At most 12 hours a day per trainee, company and school together: 20 + 20
 * + 8 on one day was accepted.  Then random entries against a brute-force
 * sum of the accepted ones: the store sums what is recorded.
 */
static void test_daily_hours(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f), w2 = fx_world(f);
	int64_t con = fx_active_contract(f, &w), other = fx_active_contract(f, &w2);
	refused(f, "record_entry", entry_in(con, "2026-03-02", "company", 20), DT_EINVAL, "hours");
	const struct dt_problem *p = problem_of(f, "record.daily_hours");
	assert_string_equal(dt_problem_arg(p, "date"), "2026-03-02");
	assert_string_equal(dt_problem_arg(p, "recorded"), "0");
	assert_string_equal(dt_problem_arg(p, "limit"), "12");
	int64_t e1 = fx_create(f, "record_entry", entry_in(con, "2026-03-02", "company", 8));
	fx_create(f, "record_entry", entry_in(con, "2026-03-02", "school", 4));
	refused(f, "record_entry", entry_in(con, "2026-03-02", "school", 0.5), DT_EINVAL, "hours");
	p = problem_of(f, "record.daily_hours");
	assert_string_equal(dt_problem_arg(p, "recorded"), "12");
	assert_string_equal(dt_problem_arg(p, "hours"), "0.5");
	/* Another trainee's day is their own; an entry changed is not counted twice. */
	fx_create(f, "record_entry", entry_in(other, "2026-03-02", "company", 8));
	assert_int_equal(update(f, "record_entry", e1, json_pack("{s:f}", "hours", 7.5), NULL),
			 DT_OK);
	assert_int_equal(update(f, "record_entry", e1, json_pack("{s:f}", "hours", 8.5), NULL),
			 DT_EINVAL);
	assert_true(has_code(f, "record.daily_hours"));
	/* Random entries on five days, hours 0.5 .. 12. */
	double sum[5] = { 0 };
	uint64_t x = 0x2545F4914F6CDD1Dull;
	int accepted = 0, refusals = 0;
	for (int i = 0; i < 120; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int d = (int)(x % 5);
		double h = (double)(1 + (x >> 8) % 24) / 2;
		char date[16];
		snprintf(date, sizeof(date), "2026-04-%02d", 6 + d);
		json_t *o = NULL;
		json_t *in = entry_in(con, date, (x >> 20) & 1 ? "company" : "school", h);
		dt_strbuf_reset(&f->err);
		int rc = dt_store_create(f->s, &f->actor, "record_entry", in, &o, &f->err);
		json_decref(in);
		json_decref(o);
		if (sum[d] + h <= 12) {
			if (rc != DT_OK)
				fail_msg("%s + %g refused with %g recorded: %s", date, h, sum[d],
					 f->err.buf);
			sum[d] += h;
			accepted++;
		} else {
			assert_int_equal(rc, DT_EINVAL);
			char want[32];
			snprintf(want, sizeof(want), "%g", sum[d]);
			assert_string_equal(
				dt_problem_arg(problem_of(f, "record.daily_hours"), "recorded"),
				want);
			refusals++;
		}
	}
	assert_true(accepted >= 10 && refusals >= 10);
}

/* An assessment's level is one its occupation has; a certificate number is given once. */
static void test_assessment_rules(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	/* A programme for loading and handling workers, an occupation of levels 5, 4 and 3. */
	int64_t occ_id = fx_occupation_id(f, "4-02-05-01");
	w.prog = fx_create(f, "programme",
			   json_pack("{s:s, s:s, s:I, s:I, s:i, s:i, s:i, s:i}", "code", "P-LH",
				     "name", "装卸搬运", "school_id", (json_int_t)w.sch,
				     "occupation_id", (json_int_t)occ_id, "level", 4,
				     "duration_months", 36, "company_hours", 2400, "school_hours",
				     1200));
	int64_t con = fx_active_contract(f, &w);
	json_t *occ = NULL;
	assert_int_equal(dt_store_get(f->s, NULL, "occupation", occ_id, 0, &occ, &f->err), DT_OK);
	char levels[16];
	snprintf(levels, sizeof(levels), "%s", fx_str(occ, "levels"));
	assert_string_equal(levels, "5 4 3");
	json_decref(occ);
	int ok = 0, bad = 0;
	for (int level = 1; level <= 5; level++) {
		json_t *in = json_pack("{s:I, s:s, s:s, s:s, s:i}", "contract_id", (json_int_t)con,
				       "kind", "skill_level", "date", "2026-06-01", "result",
				       "pass", "level", level);
		if (strchr(levels, '0' + level)) {
			fx_create(f, "assessment", in);
			ok++;
		} else {
			refused(f, "assessment", in, DT_EINVAL, "level");
			const struct dt_problem *p = problem_of(f, "occupation.no_level");
			assert_string_equal(dt_problem_arg(p, "levels"), levels);
			assert_string_equal(dt_problem_arg(p, "occupation"), "4-02-05-01");
			bad++;
		}
	}
	assert_true(ok > 0 && bad > 0);
	/* One certificate number, once; a second contract's assessment cannot repeat it. */
	struct fx_world w2 = fx_world(f);
	int64_t con2 = fx_active_contract(f, &w2);
	int lv = levels[0] - '0';
	fx_create(f, "assessment",
		  json_pack("{s:I, s:s, s:s, s:s, s:i, s:s}", "contract_id", (json_int_t)con,
			    "kind", "final", "date", "2026-06-02", "result", "pass", "level", lv,
			    "certificate_no", "S2026210100000001"));
	refused(f, "assessment",
		json_pack("{s:I, s:s, s:s, s:s, s:i, s:s}", "contract_id", (json_int_t)con2, "kind",
			  "final", "date", "2026-06-02", "result", "pass", "level", lv,
			  "certificate_no", "S2026210100000001"),
		DT_ECONFLICT, "certificate_no");
	assert_true(has_code(f, "unique.taken"));
	int64_t a2 = fx_create(f, "assessment",
			       json_pack("{s:I, s:s, s:s, s:s, s:i, s:s}", "contract_id",
					 (json_int_t)con2, "kind", "final", "date", "2026-06-02",
					 "result", "pass", "level", lv, "certificate_no",
					 "S2026210100000002"));
	assert_int_equal(update(f, "assessment", a2,
				json_pack("{s:s}", "certificate_no", "S2026210100000001"), NULL),
			 DT_ECONFLICT);
	/* Without a number, any number of assessments. */
	for (int i = 0; i < 2; i++)
		fx_create(f, "assessment",
			  json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)con2, "kind",
				    "intermediate", "date", "2026-06-03", "result", "fail"));
}

/*
 * The age rule is the trainee's: GB 11643's own example, born in 1880, is a
 * trainee as old as can be; a ten-year-old is refused by code, on the ID.
 */
static void test_trainee_age_rule(void **state)
{
	struct fx *f = *state;
	json_t *o = NULL;
	fx_create_out(f, "trainee",
		      json_pack("{s:s, s:s, s:s}", "national_id", "440524188001010014", "name",
				"张三", "region", "210102"),
		      &o);
	assert_string_equal(fx_str(o, "birth_date"), "1880-01-01");
	json_decref(o);
	char id[DT_NATID_LEN + 1] = "21010220160101001";
	id[17] = dt_natid_check_char(id);
	id[18] = '\0';
	refused(f, "trainee",
		json_pack("{s:s, s:s, s:s, s:s}", "national_id", id, "name", "李四", "region",
			  "210102", "guardian_name", "李父"),
		DT_EINVAL, "national_id");
	const struct dt_problem *p = problem_of(f, "trainee.too_young");
	assert_string_equal(dt_problem_arg(p, "age"), "10");
	assert_string_equal(dt_problem_arg(p, "min"), "16");
}

/*
 * An organisation whose region differs from the one in its USCC is saved,
 * with a warning the caller reads from dt_store_problems() after the write.
 */
static void test_org_region_warning(void **state)
{
	struct fx *f = *state;
	char uscc[DT_USCC_LEN + 1];
	fx_uscc(uscc, 210102, 4242);
	json_t *o = NULL;
	int64_t id = fx_create_out(f, "organization",
				   json_pack("{s:s, s:s, s:s, s:s}", "kind", "enterprise", "uscc",
					     uscc, "name", "大连分厂", "region", "210202"),
				   &o);
	assert_true(id > 0);
	json_decref(o);
	const struct dt_problems *ps = dt_store_problems(f->s);
	assert_int_equal(ps->n, 1);
	assert_int_equal(dt_problems_errors(ps), 0);
	assert_true(ps->v[0].warning);
	assert_string_equal(ps->v[0].code, "organization.region_uscc");
	assert_string_equal(ps->v[0].field, "region");
	assert_string_equal(dt_problem_arg(&ps->v[0], "uscc_region"), "210102");
	struct dt_strbuf msg = DT_STRBUF_INIT;
	dt_problems_render(ps, DT_LANG_ZH, &msg);
	assert_non_null(strstr(msg.buf, "210102"));
	dt_strbuf_release(&msg);
	/* The same city: no warning. */
	fx_uscc(uscc, 210102, 4243);
	fx_create(f, "organization",
		  json_pack("{s:s, s:s, s:s, s:s}", "kind", "enterprise", "uscc", uscc, "name",
			    "沈阳总厂", "region", "210100"));
	assert_int_equal(dt_store_problems(f->s)->n, 0);
	/* Moved to Dalian later: the update warns too. */
	assert_int_equal(
		update(f, "organization", id, json_pack("{s:s}", "name", "大连工厂"), NULL), DT_OK);
	assert_int_equal(dt_store_problems(f->s)->n, 1);
}

static void test_complete_and_outcome(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t con = fx_active_contract(f, &w);
	json_t *out_in = json_pack("{s:I, s:s, s:s, s:i}", "contract_id", (json_int_t)con, "kind",
				   "retained", "date", "2026-11-25", "wage_monthly", 5000);
	/* No outcome before the contract ends. */
	refused(f, "outcome", json_deep_copy(out_in), DT_EINVAL, "contract_id");
	/* Completion: not before the start; on the given date. */
	struct fx_snap snap = fx_snapshot(f);
	assert_int_equal(
		fx_act(f, con, DT_CEV_COMPLETE, 0, json_pack("{s:s}", "date", "2025-08-01"), NULL),
		DT_EINVAL);
	assert_true(fx_has_ferr(f, "date"));
	assert_int_equal(
		fx_act(f, con, DT_CEV_COMPLETE, 0, json_pack("{s:s}", "date", "2025-02-30"), NULL),
		DT_EINVAL);
	assert_true(has_code(f, "date.invalid"));
	/*
	 * Fourteen months into a three-year term, without a final assessment:
	 * refused, naming the end date; a failed one does not count either.
	 */
	assert_int_equal(
		fx_act(f, con, DT_CEV_COMPLETE, 0, json_pack("{s:s}", "date", "2026-11-20"), NULL),
		DT_EINVAL);
	assert_string_equal(problem_of(f, "contract.complete_early")->field, "date");
	assert_string_equal(dt_problem_arg(problem_of(f, "contract.complete_early"), "end"),
			    "2028-08-31");
	fx_assert_unchanged(f, &snap);
	fx_create(f, "assessment",
		  json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)con, "kind", "final",
			    "date", "2026-10-01", "result", "fail"));
	assert_int_equal(
		fx_act(f, con, DT_CEV_COMPLETE, 0, json_pack("{s:s}", "date", "2026-11-20"), NULL),
		DT_EINVAL);
	assert_true(has_code(f, "contract.complete_early"));
	pass_final(f, con, "2026-11-02");
	json_t *o = NULL;
	assert_int_equal(
		fx_act(f, con, DT_CEV_COMPLETE, 0, json_pack("{s:s}", "date", "2026-11-20"), &o),
		DT_OK);
	assert_string_equal(fx_str(o, "status"), "completed");
	assert_string_equal(fx_str(o, "ended_on"), "2026-11-20");
	json_decref(o);
	/* Final: nothing more happens to it. */
	assert_int_equal(fx_act(f, con, DT_CEV_COMPLETE, 0, NULL, NULL), DT_ECONFLICT);
	assert_int_equal(
		fx_act(f, con, DT_CEV_DISSOLVE, 0, json_pack("{s:s}", "reason", "x"), NULL),
		DT_ECONFLICT);
	/* The outcome: not before the end; retained means by the training firm. */
	json_t *early = json_deep_copy(out_in);
	json_object_set_new(early, "date", json_string("2026-11-19"));
	refused(f, "outcome", early, DT_EINVAL, "date");
	int64_t other = fx_org(f, "enterprise", 210102, "别家");
	json_t *wrong = json_deep_copy(out_in);
	json_object_set_new(wrong, "employer_id", json_integer(other));
	refused(f, "outcome", wrong, DT_EINVAL, "employer_id");
	int64_t oid = fx_create_out(f, "outcome", out_in, &o);
	assert_int_equal(fx_int(o, "employer_id"), w.ent);
	json_decref(o);
	/* One outcome per contract. */
	refused(f, "outcome",
		json_pack("{s:I, s:s, s:s}", "contract_id", (json_int_t)con, "kind",
			  "further_study", "date", "2026-11-25"),
		DT_ECONFLICT, "contract_id");
	assert_int_equal(update(f, "outcome", oid,
				json_pack("{s:s, s:I}", "kind", "employed_elsewhere", "employer_id",
					  (json_int_t)other),
				NULL),
			 DT_OK);
}

static void test_dissolve(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t con = fx_active_contract(f, &w); /* begun 2025-09-01, 3 months' probation */
	struct fx_snap snap = fx_snapshot(f);
	assert_int_equal(fx_act(f, con, DT_CEV_DISSOLVE, 0, NULL, NULL), DT_EINVAL);
	fx_assert_ferr(f, "reason");
	assert_int_equal(fx_act(f, con, DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:s}", "date", "2025-10-01", "reason", ""), NULL),
			 DT_EINVAL);
	fx_assert_ferr(f, "reason");
	assert_int_equal(fx_act(f, con, DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:i}", "date", "2025-10-01", "reason", 5), NULL),
			 DT_EINVAL);
	assert_int_equal(fx_act(f, con, DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:s, s:s}", "date", "2025-10-01", "reason", "x",
					  "in_probation", "yes"),
				NULL),
			 DT_EINVAL);
	fx_assert_ferr(f, "in_probation");
	/* A date that does not exist, with the probation left to be derived from it. */
	assert_int_equal(fx_act(f, con, DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:s}", "date", "2025-02-30", "reason", "x"), NULL),
			 DT_EINVAL);
	fx_assert_ferr(f, "date");
	assert_int_equal(fx_act(f, con, DT_CEV_DISSOLVE, 0,
				json_pack("{s:i, s:s}", "date", 20251001, "reason", "x"), NULL),
			 DT_EINVAL);
	fx_assert_ferr(f, "date");
	fx_assert_unchanged(f, &snap);
	/* Within the probation period: derived true. */
	json_t *o = NULL;
	assert_int_equal(
		fx_act(f, con, DT_CEV_DISSOLVE, 0,
		       json_pack("{s:s, s:s}", "date", "2025-11-30", "reason", "不适应岗位"), &o),
		DT_OK);
	assert_string_equal(fx_str(o, "status"), "dissolved");
	assert_string_equal(fx_str(o, "ended_on"), "2025-11-30");
	assert_string_equal(fx_str(o, "dissolution_reason"), "不适应岗位");
	assert_true(json_is_true(json_object_get(o, "dissolved_in_probation")));
	json_decref(o);
	/* After the probation period (the day it ends): derived false. */
	struct fx_world w2 = fx_world(f);
	con = fx_active_contract(f, &w2);
	assert_int_equal(fx_act(f, con, DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:s}", "date", "2025-12-01", "reason", "搬家"),
				&o),
			 DT_OK);
	assert_true(json_is_false(json_object_get(o, "dissolved_in_probation")));
	json_decref(o);
	/* No probation at all: false; given explicitly: as given. */
	struct fx_world w3 = fx_world(f);
	json_t *in = fx_contract_in(&w3, "2025-09-01", "2028-08-31");
	json_object_set_new(in, "probation_months", json_integer(0));
	con = fx_create(f, "contract", in);
	assert_int_equal(fx_act(f, con, DT_CEV_SUBMIT, 0, NULL, NULL), DT_OK);
	for (int p = 0; p < DT_PARTY_N; p++)
		assert_int_equal(fx_act(f, con, DT_CEV_APPROVE, (enum dt_party)p, NULL, NULL),
				 DT_OK);
	assert_int_equal(fx_act(f, con, DT_CEV_ACTIVATE, 0, NULL, NULL), DT_OK);
	assert_int_equal(fx_act(f, con, DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:s}", "date", "2025-09-02", "reason", "x"), &o),
			 DT_OK);
	assert_true(json_is_false(json_object_get(o, "dissolved_in_probation")));
	json_decref(o);
	struct fx_world w4 = fx_world(f);
	con = fx_active_contract(f, &w4);
	assert_int_equal(fx_act(f, con, DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:b}", "reason", "x", "in_probation", 1), &o),
			 DT_OK);
	assert_true(json_is_true(json_object_get(o, "dissolved_in_probation")));
	assert_string_equal(fx_str(o, "ended_on"), FX_TODAY);
	json_decref(o);
	/* An outcome is allowed after a dissolution. */
	fx_create(f, "outcome",
		  json_pack("{s:I, s:s, s:s}", "contract_id", (json_int_t)con, "kind",
			    "not_employed", "date", FX_TODAY));
}

static void test_transfer(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t con = fx_active_contract(f, &w);
	int64_t sch2 = fx_org(f, "school", 210106, "新学校");
	/* Nothing changed: refused, and the contract is still active. */
	struct fx_snap snap = fx_snapshot(f);
	assert_int_equal(
		fx_act(f, con, DT_CEV_TRANSFER, 0, json_pack("{s:s}", "date", "2026-03-01"), NULL),
		DT_EINVAL);
	assert_int_equal(fx_act(f, con, DT_CEV_TRANSFER, 0,
				json_pack("{s:s, s:I}", "date", "2026-03-01", "enterprise_id",
					  (json_int_t)w.ent),
				NULL),
			 DT_EINVAL);
	/* A new school whose programme is not given: the old programme does not fit. */
	assert_int_equal(
		fx_act(f, con, DT_CEV_TRANSFER, 0,
		       json_pack("{s:s, s:I}", "date", "2026-03-01", "school_id", (json_int_t)sch2),
		       NULL),
		DT_EINVAL);
	fx_assert_ferr(f, "programme_id");
	/* A "new" enterprise that is a school. */
	assert_int_equal(fx_act(f, con, DT_CEV_TRANSFER, 0,
				json_pack("{s:s, s:I}", "date", "2026-03-01", "enterprise_id",
					  (json_int_t)sch2),
				NULL),
			 DT_EINVAL);
	fx_assert_ferr(f, "enterprise_id");
	fx_assert_unchanged(f, &snap);
	assert_status(f, con, "active");

	/* A new enterprise in another city. */
	int64_t ent2 = fx_org(f, "enterprise", 210202, "大连造船");
	json_t *o = NULL;
	assert_int_equal(fx_act(f, con, DT_CEV_TRANSFER, 0,
				json_pack("{s:s, s:I, s:s}", "date", "2026-03-01", "enterprise_id",
					  (json_int_t)ent2, "company_mentor", "周师傅"),
				&o),
			 DT_OK);
	json_t *old = json_object_get(o, "contract"), *succ = json_object_get(o, "successor");
	assert_non_null(old);
	assert_non_null(succ);
	assert_string_equal(fx_str(old, "status"), "transferred");
	assert_string_equal(fx_str(old, "ended_on"), "2026-03-01");
	assert_string_equal(fx_str(succ, "status"), "draft");
	assert_int_equal(fx_int(succ, "predecessor_id"), con);
	assert_int_equal(fx_int(succ, "enterprise_id"), ent2);
	assert_int_equal(fx_int(succ, "school_id"), w.sch);
	assert_int_equal(fx_int(succ, "programme_id"), w.prog);
	assert_int_equal(fx_int(succ, "trainee_id"), w.trainee);
	assert_string_equal(fx_str(succ, "company_mentor"), "周师傅");
	assert_string_equal(fx_str(succ, "school_mentor"), "王老师");
	assert_string_equal(fx_str(succ, "start_date"), "2026-03-01");
	assert_string_equal(fx_str(succ, "end_date"), "2028-08-31");
	assert_string_equal(fx_str(succ, "region"), "210202");
	int64_t sid = fx_int(succ, "id");
	json_decref(o);
	/* The stored successor is what was returned, link included. */
	o = contract(f, sid);
	assert_int_equal(fx_int(o, "predecessor_id"), con);
	json_decref(o);
	char b[32];
	json_t *items =
		list_filtered(f, NULL, "contract", "predecessor_id", ids(b, sizeof(b), con));
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	/* The successor runs its own course; the old one is final. */
	assert_int_equal(fx_act(f, con, DT_CEV_TRANSFER, 0,
				json_pack("{s:I}", "enterprise_id", (json_int_t)w.ent), NULL),
			 DT_ECONFLICT);
	assert_int_equal(fx_act(f, sid, DT_CEV_SUBMIT, 0, NULL, NULL), DT_OK);

	/* A transfer inside an explicit transaction, to a new school with its programme. */
	struct fx_world w2 = fx_world(f);
	int64_t con2 = fx_active_contract(f, &w2);
	int64_t prog2 = fx_programme(f, sch2, "P-NEW");
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_OK);
	assert_int_equal(fx_act(f, con2, DT_CEV_TRANSFER, 0,
				json_pack("{s:I, s:I}", "school_id", (json_int_t)sch2,
					  "programme_id", (json_int_t)prog2),
				&o),
			 DT_OK);
	assert_int_equal(dt_store_commit(f->s, &f->err), DT_OK);
	succ = json_object_get(o, "successor");
	assert_int_equal(fx_int(succ, "school_id"), sch2);
	assert_int_equal(fx_int(succ, "predecessor_id"), con2);
	assert_string_equal(fx_str(succ, "start_date"), FX_TODAY);
	json_decref(o);
	/* And one rolled back with its transaction. */
	struct fx_world w3 = fx_world(f);
	int64_t con3 = fx_active_contract(f, &w3);
	snap = fx_snapshot(f);
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_OK);
	assert_int_equal(fx_act(f, con3, DT_CEV_TRANSFER, 0,
				json_pack("{s:I}", "enterprise_id", (json_int_t)ent2), NULL),
			 DT_OK);
	dt_store_rollback(f->s);
	fx_assert_unchanged(f, &snap);
	int64_t checked;
	assert_int_equal(dt_store_audit_verify(f->s, &checked, &f->err), DT_OK);
}

static void test_assessments(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t draft = fx_create(f, "contract", fx_contract_in(&w, "2025-09-01", "2028-08-31"));
	refused(f, "assessment",
		json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)draft, "kind", "final",
			  "date", "2026-07-01", "result", "fail"),
		DT_EINVAL, "contract_id");
	assert_int_equal(del(f, "contract", draft), DT_OK);
	int64_t con = fx_active_contract(f, &w);
	const char *kinds[] = { "final", "final", "intermediate", "final" };
	const int attempts[] = { 1, 2, 1, 3 };
	for (size_t i = 0; i < DT_ARRAY_SIZE(kinds); i++) {
		json_t *o = NULL;
		fx_create_out(f, "assessment",
			      json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)con,
					"kind", kinds[i], "date", "2026-07-01", "result", "fail"),
			      &o);
		assert_int_equal(fx_int(o, "attempt"), attempts[i]);
		json_decref(o);
	}
	/* Attempts count per contract: another contract starts at 1. */
	struct fx_world w2 = fx_world(f);
	int64_t con2 = fx_active_contract(f, &w2);
	json_t *o = NULL;
	int64_t a =
		fx_create_out(f, "assessment",
			      json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)con2,
					"kind", "final", "date", "2026-07-01", "result", "pass"),
			      &o);
	assert_int_equal(fx_int(o, "attempt"), 1);
	json_decref(o);
	/* The attempt is the system's. */
	refused_update(f, "assessment", a, json_pack("{s:i}", "attempt", 5), DT_EINVAL, "attempt");
	assert_int_equal(update(f, "assessment", a, json_pack("{s:s}", "result", "fail"), &o),
			 DT_OK);
	assert_int_equal(fx_int(o, "attempt"), 1);
	json_decref(o);
	/* Skill-level assessments need a level. */
	refused(f, "assessment",
		json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)con, "kind",
			  "skill_level", "date", "2026-07-01", "result", "pass"),
		DT_EINVAL, "level");
	int64_t sk =
		fx_create(f, "assessment",
			  json_pack("{s:I, s:s, s:s, s:s, s:i, s:s}", "contract_id",
				    (json_int_t)con, "kind", "skill_level", "date", "2026-07-01",
				    "result", "pass", "level", 4, "certificate_no", "S202607001"));
	refused_update(f, "assessment", sk, json_pack("{s:n}", "level"), DT_EINVAL, "level");
	/* Not before the contract began; the assessor is an assessment body. */
	refused(f, "assessment",
		json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)con, "kind", "final",
			  "date", "2025-08-01", "result", "pass"),
		DT_EINVAL, "date");
	refused(f, "assessment",
		json_pack("{s:I, s:s, s:s, s:s, s:I}", "contract_id", (json_int_t)con, "kind",
			  "final", "date", "2026-08-01", "result", "pass", "assessor_id",
			  (json_int_t)w.sch),
		DT_EINVAL, "assessor_id");
	int64_t body = fx_org(f, "assessment_body", 210102, "鉴定中心");
	fx_create(f, "assessment",
		  json_pack("{s:I, s:s, s:s, s:s, s:I}", "contract_id", (json_int_t)con, "kind",
			    "final", "date", "2026-08-01", "result", "pass", "assessor_id",
			    (json_int_t)body));
	char b[32];
	json_t *items = list_filtered(f, NULL, "assessment", "contract_id", ids(b, sizeof(b), con));
	assert_int_equal(json_array_size(items), 6);
	json_decref(items);
}

static void test_demand_levels(void **state)
{
	struct fx *f = *state;
	int64_t ent = fx_org(f, "enterprise", 210102, "企业");
	int64_t occ = fx_occupation_id(f, "4-02-05-01"); /* levels 5 4 3 */
	int64_t occ_all = fx_occupation_id(f, "4-02-06-01");
	refused(f, "demand",
		json_pack("{s:I, s:I, s:i, s:i, s:i}", "enterprise_id", (json_int_t)ent,
			  "occupation_id", (json_int_t)occ, "level", 2, "year", 2026, "count", 5),
		DT_EINVAL, "level");
	int64_t d = fx_create(f, "demand",
			      json_pack("{s:I, s:I, s:i, s:i, s:i}", "enterprise_id",
					(json_int_t)ent, "occupation_id", (json_int_t)occ, "level",
					3, "year", 2026, "count", 5));
	refused_update(f, "demand", d, json_pack("{s:i}", "level", 1), DT_EINVAL, "level");
	/* Another occupation that has level 1, with the level changed at the same time. */
	assert_int_equal(
		update(f, "demand", d,
		       json_pack("{s:I, s:i}", "occupation_id", (json_int_t)occ_all, "level", 1),
		       NULL),
		DT_OK);
	/* Back to the first occupation while level 1 stays: refused. */
	refused_update(f, "demand", d, json_pack("{s:I}", "occupation_id", (json_int_t)occ),
		       DT_EINVAL, "level");
	/* Not an enterprise; the same enterprise, occupation, level and year twice. */
	int64_t sch = fx_org(f, "school", 210102, "学校");
	refused(f, "demand",
		json_pack("{s:I, s:I, s:i, s:i, s:i}", "enterprise_id", (json_int_t)sch,
			  "occupation_id", (json_int_t)occ, "level", 3, "year", 2026, "count", 5),
		DT_EINVAL, "enterprise_id");
	refused(f, "demand",
		json_pack("{s:I, s:I, s:i, s:i, s:i}", "enterprise_id", (json_int_t)ent,
			  "occupation_id", (json_int_t)occ_all, "level", 1, "year", 2026, "count",
			  9),
		DT_ECONFLICT, "enterprise_id");
	assert_true(fx_has_ferr(f, "year") && fx_has_ferr(f, "level"));
}

/* ---- listing ---- */

static int64_t make_orgs(struct fx *f, int n)
{
	/* Names in an order unlike the ids, some equal; regions and kinds repeat. */
	static const char *const names[] = { "鞍山钢铁", "Anshan", "盘锦石化", "沈阳机床",
					     "大连重工", "abc",    "ABC",      "沈阳机床",
					     "华晨",     "东软" };
	static const int regions[] = { 210102, 210302, 211102, 210103, 220102, 210202 };
	static const char *const kinds[] = { "enterprise", "school", "assessment_body" };
	int64_t first = 0;
	for (int i = 0; i < n; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s%s", names[(i * 7) % 10], i % 4 ? "" : "集团");
		char uscc[DT_USCC_LEN + 1], reg[8];
		fx_uscc(uscc, regions[i % 6], 5000 + (i * 37) % 101);
		snprintf(reg, sizeof(reg), "%06d", regions[i % 6]);
		int64_t id = fx_create(f, "organization", org_in(kinds[i % 3], uscc, name, reg));
		if (!first)
			first = id;
	}
	return first;
}

/* No duplicates, and the same ids in the same order as @oracle. */
static void assert_same_list(json_t *pages, json_t *oracle, const char *what)
{
	if (json_array_size(pages) != json_array_size(oracle))
		fail_msg("%s: %zu items in pages, %zu in one page", what, json_array_size(pages),
			 json_array_size(oracle));
	for (size_t i = 0; i < json_array_size(oracle); i++) {
		json_t *a = json_array_get(pages, i), *b = json_array_get(oracle, i);
		if (!json_equal(a, b))
			fail_msg("%s: item %zu is id %lld, wanted id %lld", what, i,
				 (long long)fx_int(a, "id"), (long long)fx_int(b, "id"));
		for (size_t j = 0; j < i; j++)
			if (fx_int(json_array_get(pages, j), "id") == fx_int(a, "id"))
				fail_msg("%s: id %lld twice", what, (long long)fx_int(a, "id"));
	}
}

/* The list of @entity in one page. */
static json_t *oracle(struct fx *f, const struct dt_scope *scope, const char *entity,
		      const char *sort, bool desc, const char *const *filt, size_t nfilt)
{
	struct dt_query q = {
		.filters = filt, .nfilters = nfilt, .sort = sort, .desc = desc, .limit = 1000
	};
	json_t *items = NULL;
	char *next = NULL;
	if (dt_store_list(f->s, scope, entity, &q, &items, &next, &f->err) != DT_OK)
		fail_msg("list: %s", f->err.buf);
	assert_null(next);
	return items;
}

static void test_pagination(void **state)
{
	struct fx *f = *state;
	make_orgs(f, 25);
	assert_int_equal(count_filtered(f, NULL, "organization", NULL, NULL), 25);
	const char *sorts[] = { "name", "id" };
	for (size_t s = 0; s < 2; s++) {
		for (int desc = 0; desc < 2; desc++) {
			json_t *all = oracle(f, NULL, "organization", sorts[s], desc, NULL, 0);
			assert_int_equal(json_array_size(all), 25);
			/* Sorted as asked, ties by id. */
			for (size_t i = 1; i < 25; i++) {
				json_t *a = json_array_get(all, i - 1), *b = json_array_get(all, i);
				int c = s == 0 ? strcmp(fx_str(a, "name"), fx_str(b, "name"))
					       : (fx_int(a, "id") > fx_int(b, "id")) -
							 (fx_int(a, "id") < fx_int(b, "id"));
				if (c == 0)
					c = (fx_int(a, "id") > fx_int(b, "id")) -
					    (fx_int(a, "id") < fx_int(b, "id"));
				assert_true(desc ? c > 0 : c < 0);
			}
			int pages = 0;
			struct dt_query q = { .sort = sorts[s], .desc = desc, .limit = 7 };
			json_t *paged = list_all(f, NULL, "organization", q, &pages);
			assert_int_equal(pages, 4);
			assert_same_list(paged, all, sorts[s]);
			json_decref(paged);
			json_decref(all);
		}
	}
	/* Exactly one full page: no cursor for an empty next page. */
	struct dt_query q = { .limit = 25 };
	json_t *items = NULL;
	char *next = NULL;
	assert_int_equal(dt_store_list(f->s, NULL, "organization", &q, &items, &next, &f->err),
			 DT_OK);
	assert_int_equal(json_array_size(items), 25);
	assert_null(next);
	json_decref(items);
	/* Garbage cursors. */
	const char *bad[] = {
		"garbage!", "W10", "eyJhIjoxfQ", "WyJ4IiwieSJd", "%%%", "WzEsMiwzXQ"
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(bad); i++) {
		q = (struct dt_query){ .limit = 5, .cursor = bad[i] };
		items = NULL;
		next = NULL;
		dt_strbuf_reset(&f->err);
		int rc = dt_store_list(f->s, NULL, "organization", &q, &items, &next, &f->err);
		if (rc != DT_EINVAL)
			fail_msg("cursor %s: %d", bad[i], rc);
		assert_err_has(f, "cursor");
		assert_problem(f, "cursor", "list.cursor");
		assert_null(items);
		assert_null(next);
	}
}

static void test_pagination_property(void **state)
{
	struct fx *f = *state;
	make_orgs(f, 37);
	const struct dt_entity *e = dt_entity_find("organization");
	const char *sortable[16];
	size_t ns = 0;
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].flags & DT_FF_SORT)
			sortable[ns++] = e->fields[i].name;
	assert_true(ns >= 5);
	const char *filters[][2] = { { NULL, NULL }, { "kind", "school" }, { "region", "210000" } };
	const struct dt_scope scopes[] = { { 0, 0, 0, 0 }, { 210100, 0, 0, 0 } };
	unsigned seed = 20261126;
	for (int round = 0; round < 200; round++) {
		seed = seed * 1103515245u + 12345u;
		int limit = 1 + (int)((seed >> 16) % 10);
		seed = seed * 1103515245u + 12345u;
		const char *sort = sortable[(seed >> 16) % ns];
		bool desc = (seed >> 8) & 1;
		size_t fi = (seed >> 4) % 3, si = (seed >> 2) & 1;
		const char *const *filt = filters[fi][0] ? filters[fi] : NULL;
		json_t *all =
			oracle(f, &scopes[si], "organization", sort, desc, filt, filt ? 1 : 0);
		struct dt_query q = { .filters = filt,
				      .nfilters = filt ? 1 : 0,
				      .sort = sort,
				      .desc = desc,
				      .limit = limit };
		int pages = 0;
		json_t *paged = list_all(f, &scopes[si], "organization", q, &pages);
		char what[96];
		snprintf(what, sizeof(what), "sort %s %s limit %d filter %zu scope %zu", sort,
			 desc ? "desc" : "asc", limit, fi, si);
		assert_same_list(paged, all, what);
		size_t n = json_array_size(all);
		assert_int_equal(pages, n ? (int)((n + (size_t)limit - 1) / (size_t)limit) : 1);
		json_decref(paged);
		json_decref(all);
	}
	/* Free-text search. */
	struct dt_query q = { .q = "机床", .limit = 1000 };
	json_t *items = NULL;
	char *next = NULL;
	assert_int_equal(dt_store_list(f->s, NULL, "organization", &q, &items, &next, &f->err),
			 DT_OK);
	assert_true(json_array_size(items) > 0);
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) assert_non_null(strstr(fx_str(o, "name"), "机床"));
	json_decref(items);
	q.q = "%";
	assert_int_equal(dt_store_list(f->s, NULL, "organization", &q, &items, &next, &f->err),
			 DT_OK);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
}

/*
 * A contract is found by its trainee's, enterprise's and school's names as
 * well as its mentors' (q over searched references, one level deep): for
 * each query, the list equals an oracle that matches the names in C, for
 * the whole country and for a city, which finds nothing of another city.
 */
static void test_contract_search(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *trainee, *ent, *sch;
		int city; /* 2101xx Shenyang, 2201xx Changchun */
	} rows[] = {
		{ "王小明", "沈阳机床", "沈阳职业技术学院", 210102 },
		{ "李红", "沈阳机床", "辽宁装备学院", 210103 },
		{ "王红", "长春汽车", "长春职业技术学院", 220102 },
		{ "赵明", "长春汽车", "吉林工业学院", 220103 },
		{ "明%_\\", "一汽", "长春职业技术学院", 220102 },
	};
	struct {
		int64_t id;
		int city;
		const char *names[5];
	} made[DT_ARRAY_SIZE(rows)];
	for (size_t i = 0; i < DT_ARRAY_SIZE(rows); i++) {
		struct fx_world w;
		w.ent = fx_org(f, "enterprise", rows[i].city, rows[i].ent);
		w.sch = fx_org(f, "school", rows[i].city, rows[i].sch);
		char code[32], natid[DT_NATID_LEN + 1], reg[8];
		snprintf(code, sizeof(code), "S-%zu", i);
		w.prog = fx_programme(f, w.sch, code);
		snprintf(reg, sizeof(reg), "%06d", rows[i].city);
		fx_natid(natid, "210102", "20050315", ++f->serial);
		w.trainee = fx_create(f, "trainee",
				      json_pack("{s:s, s:s, s:s}", "national_id", natid, "name",
						rows[i].trainee, "region", reg));
		made[i].id =
			fx_create(f, "contract", fx_contract_in(&w, "2025-09-01", "2028-08-31"));
		made[i].city = rows[i].city;
		const char *names[5] = { rows[i].trainee, rows[i].ent, rows[i].sch, "李师傅",
					 "王老师" };
		memcpy(made[i].names, names, sizeof(names));
	}
	static const char *const queries[] = { "王",   "明", "沈阳", "职业技术", "汽车",  "一汽",
					       "师傅", "%",  "_",    "\\",       "无此人" };
	struct dt_scope nation = { 0, 0, 0, 0 }, changchun = { 220100, 0, 0, 0 };
	const struct dt_scope *scopes[] = { &nation, &changchun };
	for (size_t qi = 0; qi < DT_ARRAY_SIZE(queries); qi++) {
		for (size_t si = 0; si < DT_ARRAY_SIZE(scopes); si++) {
			struct dt_query q = { .q = queries[qi], .limit = 1000 };
			json_t *items = NULL;
			char *next = NULL;
			assert_int_equal(dt_store_list(f->s, si ? scopes[si] : NULL, "contract", &q,
						       &items, &next, &f->err),
					 DT_OK);
			/* the oracle: this test's contracts whose names hold the query */
			size_t want = 0;
			for (size_t i = 0; i < DT_ARRAY_SIZE(made); i++) {
				bool hit = false;
				for (int k = 0; k < 5; k++)
					hit |= strstr(made[i].names[k], queries[qi]) != NULL;
				if (si && made[i].city / 100 != 2201)
					hit = false;
				want += hit;
				assert_true(list_has(items, made[i].id) == hit);
			}
			assert_int_equal(json_array_size(items), want);
			json_decref(items);
			free(next);
		}
	}
}

/*
 * Record-book entries have no index on their region (migration 024): lists
 * find them by region through their contract.  For each scope and region
 * filter, the list and its count equal an oracle kept here, on contracts
 * in three districts of two cities, one of which moves to another
 * district (its entries' region follows).
 */
static void test_record_region_lists(void **state)
{
	struct fx *f = *state;
	static const int districts[] = { 210102, 210103, 220102 };
	int64_t con[3], ent_region[3];
	struct {
		int64_t id;
		int con;
	} made[9];
	size_t n = 0;
	for (int i = 0; i < 3; i++) {
		struct fx_world w;
		char code[32], natid[DT_NATID_LEN + 1], reg[8];
		w.ent = fx_org(f, "enterprise", districts[i], "企业");
		w.sch = fx_org(f, "school", districts[i], "院校");
		snprintf(code, sizeof(code), "RV-%d", i);
		w.prog = fx_programme(f, w.sch, code);
		snprintf(reg, sizeof(reg), "%06d", districts[i]);
		fx_natid(natid, "210102", "20050315", ++f->serial);
		w.trainee = fx_create(f, "trainee",
				      json_pack("{s:s, s:s, s:s}", "national_id", natid, "name",
						"学员", "region", reg));
		con[i] = fx_active_contract(f, &w);
		ent_region[i] = districts[i];
		for (int k = 0; k < 3; k++) {
			char date[32];
			snprintf(date, sizeof(date), "2025-10-%02d", 10 + k);
			made[n].id =
				fx_create(f, "record_entry", entry_in(con[i], date, "company", 8));
			made[n++].con = i;
		}
	}
	/* the second contract's enterprise moves to another district of Shenyang */
	json_t *o = NULL;
	json_t *org = NULL;
	assert_int_equal(dt_store_get(f->s, NULL, "contract", con[1], 0, &org, &f->err), DT_OK);
	int64_t ent = fx_int(org, "enterprise_id");
	json_decref(org);
	json_t *move = json_pack("{s:s}", "region", "210104");
	assert_int_equal(
		dt_store_update(f->s, &f->actor, NULL, "organization", ent, move, &o, &f->err),
		DT_OK);
	json_decref(move);
	json_decref(o);
	assert_int_equal(dt_store_get(f->s, NULL, "contract", con[1], 0, &o, &f->err), DT_OK);
	ent_region[1] = strtol(fx_str(o, "region"), NULL, 10);
	assert_int_equal(ent_region[1], 210104);
	json_decref(o);
	static const struct {
		int scope, filter; /* region codes; 0 none */
	} cases[] = {
		{ 0, 0 },           { 210100, 0 },      { 220100, 0 },      { 210000, 0 },
		{ 0, 210102 },      { 0, 210104 },      { 0, 210103 },      { 210100, 220102 },
		{ 210100, 210104 }, { 220100, 220100 }, { 210000, 210100 },
	};
	for (size_t c = 0; c < DT_ARRAY_SIZE(cases); c++) {
		struct dt_scope sc = { cases[c].scope, 0, 0, 0 };
		char fv[8];
		snprintf(fv, sizeof(fv), "%06d", cases[c].filter);
		const char *filt[2] = { "region", fv };
		struct dt_query q = { .filters = cases[c].filter ? filt : NULL,
				      .nfilters = cases[c].filter ? 1 : 0,
				      .limit = 1000 };
		json_t *items = NULL;
		char *next = NULL;
		int64_t count = -1;
		assert_int_equal(dt_store_list(f->s, cases[c].scope ? &sc : NULL, "record_entry",
					       &q, &items, &next, &f->err),
				 DT_OK);
		assert_int_equal(dt_store_count(f->s, cases[c].scope ? &sc : NULL, "record_entry",
						&q, &count, &f->err),
				 DT_OK);
		size_t want = 0;
		for (size_t i = 0; i < n; i++) {
			int lo, hi, r = (int)ent_region[made[i].con];
			bool in = true;
			if (cases[c].scope) {
				dt_region_range(cases[c].scope, &lo, &hi);
				in &= r >= lo && r <= hi;
			}
			if (cases[c].filter) {
				dt_region_range(cases[c].filter, &lo, &hi);
				in &= r >= lo && r <= hi;
			}
			want += in;
			if (list_has(items, made[i].id) != in)
				fail_msg("case %zu: entry %lld of region %d %s", c,
					 (long long)made[i].id, r, in ? "missing" : "listed");
		}
		/* entries of this test only: the fixture starts empty */
		assert_int_equal(json_array_size(items), want);
		assert_int_equal(count, (int64_t)want);
		json_decref(items);
		free(next);
	}
}

/* ---- scope ---- */

static void test_scope(void **state)
{
	struct fx *f = *state;
	int64_t in = fx_org(f, "enterprise", 210102, "沈阳企业");
	int64_t out = fx_org(f, "enterprise", 220102, "长春企业");
	struct dt_scope shenyang = { 210100, 0, 0, 0 }, liaoning = { 210000, 0, 0, 0 },
			nation = { 0, 0, 0, 0 };
	assert_int_equal(get_rc(f, &shenyang, "organization", in), DT_OK);
	assert_int_equal(get_rc(f, &shenyang, "organization", out), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &liaoning, "organization", out), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &nation, "organization", out), DT_OK);
	json_t *items = list_filtered(f, &shenyang, "organization", NULL, NULL);
	assert_true(list_has(items, in));
	assert_false(list_has(items, out));
	json_decref(items);
	assert_int_equal(count_filtered(f, &shenyang, "organization", NULL, NULL), 1);
	assert_int_equal(count_filtered(f, &nation, "organization", NULL, NULL), 2);
	/* Writes outside the scope: not found, nothing changed. */
	struct fx_snap snap = fx_snapshot(f);
	json_t *patch = json_pack("{s:s}", "name", "x");
	assert_int_equal(dt_store_update(f->s, &f->actor, &shenyang, "organization", out, patch,
					 NULL, &f->err),
			 DT_ENOTFOUND);
	json_decref(patch);
	assert_int_equal(dt_store_delete(f->s, &f->actor, &shenyang, "organization", out, &f->err),
			 DT_ENOTFOUND);
	fx_assert_unchanged(f, &snap);
	/* Reference data is national: visible in every scope. */
	assert_int_equal(get_rc(f, &shenyang, "occupation", fx_occupation_id(f, "4-02-06-01")),
			 DT_OK);
	assert_int_equal(get_rc(f, &shenyang, "region", 220102), DT_OK);

	/* Contracts and record entries by organisation and by trainee. */
	struct fx_world w = fx_world(f);
	int64_t con = fx_active_contract(f, &w);
	int64_t entry = fx_create(f, "record_entry", entry_in(con, "2026-11-02", "company", 8));
	struct fx_world w2 = fx_world(f);
	int64_t con2 = fx_active_contract(f, &w2);
	int64_t entry2 = fx_create(f, "record_entry", entry_in(con2, "2026-11-02", "school", 8));
	struct dt_scope ent = { 0, w.ent, 0, 0 }, sch = { 0, w.sch, 0, 0 },
			tr = { 0, 0, w.trainee, 0 }, ent_sy = { 210100, w.ent, 0, 0 },
			ent_cc = { 220100, w.ent, 0, 0 };
	assert_int_equal(get_rc(f, &ent, "contract", con), DT_OK);
	assert_int_equal(get_rc(f, &sch, "contract", con), DT_OK);
	assert_int_equal(get_rc(f, &tr, "contract", con), DT_OK);
	assert_int_equal(get_rc(f, &ent_sy, "contract", con), DT_OK);
	assert_int_equal(get_rc(f, &ent_cc, "contract", con), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &ent, "contract", con2), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &tr, "contract", con2), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &ent, "record_entry", entry), DT_OK);
	assert_int_equal(get_rc(f, &tr, "record_entry", entry), DT_OK);
	assert_int_equal(get_rc(f, &ent, "record_entry", entry2), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &tr, "record_entry", entry2), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &ent, "trainee", w.trainee), DT_OK);
	assert_int_equal(get_rc(f, &ent, "trainee", w2.trainee), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &tr, "trainee", w.trainee), DT_OK);
	assert_int_equal(get_rc(f, &tr, "trainee", w2.trainee), DT_ENOTFOUND);
	/* Parties see each other through their contract, and nobody else. */
	assert_int_equal(get_rc(f, &ent, "organization", w.ent), DT_OK);
	assert_int_equal(get_rc(f, &ent, "organization", w.sch), DT_OK);
	assert_int_equal(get_rc(f, &ent, "organization", w2.sch), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &ent, "organization", w2.ent), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &tr, "organization", w.ent), DT_OK);
	assert_int_equal(get_rc(f, &tr, "organization", w.sch), DT_OK);
	assert_int_equal(get_rc(f, &tr, "organization", w2.ent), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &sch, "programme", w.prog), DT_OK);
	assert_int_equal(get_rc(f, &ent, "programme", w.prog), DT_OK);
	assert_int_equal(get_rc(f, &ent, "programme", w2.prog), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &tr, "programme", w.prog), DT_OK);
	assert_int_equal(get_rc(f, &tr, "programme", w2.prog), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &tr, "pilot", 1), DT_ENOTFOUND);
	items = list_filtered(f, &ent, "contract", NULL, NULL);
	assert_int_equal(json_array_size(items), 1);
	assert_true(list_has(items, con));
	json_decref(items);
	items = list_filtered(f, &tr, "record_entry", NULL, NULL);
	assert_int_equal(json_array_size(items), 1);
	assert_true(list_has(items, entry));
	json_decref(items);
	items = list_filtered(f, &sch, "record_entry", NULL, NULL);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	assert_int_equal(count_filtered(f, &tr, "contract", NULL, NULL), 1);
	assert_int_equal(count_filtered(f, NULL, "contract", NULL, NULL), 2);
	/* Actions and sign-off respect the scope too. */
	snap = fx_snapshot(f);
	assert_int_equal(dt_store_contract_act(f->s, &f->actor, &ent, con2, DT_CEV_COMPLETE, 0,
					       NULL, NULL, &f->err),
			 DT_ENOTFOUND);
	assert_int_equal(dt_store_record_signoff(f->s, &f->actor, &ent, entry2, NULL, &f->err),
			 DT_ENOTFOUND);
	fx_assert_unchanged(f, &snap);
	assert_int_equal(dt_store_record_signoff(f->s, &f->actor, &ent, entry, NULL, &f->err),
			 DT_OK);
}

/* An assessment of @contract by @actor's scope (its assessor forced or given by @assessor). */
static int assess_as(struct fx *f, const struct dt_scope *sc, int64_t contract, int64_t assessor,
		     int64_t *id)
{
	json_t *in = json_pack("{s:I, s:s, s:s, s:s}", "contract_id", (json_int_t)contract, "kind",
			       "intermediate", "date", "2026-11-02", "result", "pass");
	if (assessor)
		json_object_set_new(in, "assessor_id", json_integer(assessor));
	struct dt_actor a = { "assessor", NULL, sc };
	json_t *out = NULL;
	dt_strbuf_reset(&f->err);
	int rc = dt_store_create(f->s, &a, "assessment", in, &out, &f->err);
	if (rc == DT_OK && id)
		*id = fx_int(out, "id");
	json_decref(in);
	json_decref(out);
	return rc;
}

/*
 * An assessment body's staff (the assessor rule of crud.c): the contracts
 * in force or completed in its region and nothing of their parties but
 * through them; the assessments its body recorded; assessments it records
 * name its body (another body is refused); outside that, every read and
 * change is "not found".  The account's scope carries the body's region.
 */
static void test_assessor_scope(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f), w2 = fx_world(f);
	int64_t con = fx_active_contract(f, &w);
	int64_t draft = fx_create(f, "contract", fx_contract_in(&w2, "2026-09-01", "2029-08-31"));
	int64_t sy = fx_org(f, "assessment_body", 210100, "沈阳市职业技能鉴定指导中心");
	int64_t cc = fx_org(f, "assessment_body", 220100, "长春市职业技能鉴定指导中心");
	const struct dt_scope a = { .org_id = sy, .assessor_region = 210100 };
	const struct dt_scope b = { .org_id = cc, .assessor_region = 220100 };
	/* the contracts of its region in force; not a draft, not another region's */
	assert_int_equal(get_rc(f, &a, "contract", con), DT_OK);
	assert_int_equal(get_rc(f, &a, "contract", draft), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &b, "contract", con), DT_ENOTFOUND);
	json_t *items = list_filtered(f, &a, "contract", NULL, NULL);
	assert_int_equal(json_array_size(items), 1);
	assert_true(list_has(items, con));
	json_decref(items);
	assert_int_equal(count_filtered(f, &b, "contract", NULL, NULL), 0);
	/* nothing of the parties themselves: their names come with the contract */
	assert_int_equal(get_rc(f, &a, "trainee", w.trainee), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &a, "organization", w.ent), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &a, "programme", w.prog), DT_ENOTFOUND);
	assert_int_equal(count_filtered(f, &a, "trainee", NULL, NULL), 0);
	json_t *parties = NULL;
	assert_int_equal(dt_store_contract_parties(f->s, &a, con, &parties, &f->err), DT_OK);
	assert_string_equal(fx_str(json_object_get(parties, "enterprise"), "name"), "沈阳机床");
	json_decref(parties);
	assert_int_equal(dt_store_contract_parties(f->s, &b, con, &parties, &f->err), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &a, "organization", sy), DT_OK);
	assert_int_equal(get_rc(f, &a, "pilot", 1), DT_ENOTFOUND);
	/* its assessment names its body, whatever the input leaves out */
	int64_t mine = 0;
	assert_int_equal(assess_as(f, &a, con, 0, &mine), DT_OK);
	json_t *rec = NULL;
	assert_int_equal(dt_store_get(f->s, &a, "assessment", mine, 0, &rec, &f->err), DT_OK);
	assert_int_equal(fx_int(rec, "assessor_id"), sy);
	json_decref(rec);
	/* another body named, a contract outside: refused, nothing written */
	struct fx_snap snap = fx_snapshot(f);
	assert_int_equal(assess_as(f, &a, con, cc, NULL), DT_EINVAL);
	assert_problem(f, "assessor_id", "assessment.assessor_own");
	assert_int_not_equal(assess_as(f, &b, con, 0, NULL), DT_OK);
	assert_int_not_equal(assess_as(f, &a, draft, 0, NULL), DT_OK);
	fx_assert_unchanged(f, &snap);
	/* a party's assessment naming the other body: that body reads it, this one does not */
	int64_t theirs = fx_create(f, "assessment",
				   json_pack("{s:I, s:s, s:s, s:s, s:I}", "contract_id",
					     (json_int_t)con, "kind", "final", "date", "2026-11-03",
					     "result", "pass", "assessor_id", (json_int_t)cc));
	assert_int_equal(get_rc(f, &a, "assessment", theirs), DT_ENOTFOUND);
	assert_int_equal(get_rc(f, &b, "assessment", theirs), DT_OK);
	items = list_filtered(f, &a, "assessment", NULL, NULL);
	assert_int_equal(json_array_size(items), 1);
	assert_true(list_has(items, mine));
	json_decref(items);
	/* it changes its own (in its region), not another body's; never an outcome */
	json_t *patch = json_pack("{s:f}", "score", 81.5);
	assert_int_equal(
		dt_store_update(f->s, &f->actor, &a, "assessment", mine, patch, NULL, &f->err),
		DT_OK);
	snap = fx_snapshot(f);
	assert_int_equal(
		dt_store_update(f->s, &f->actor, &a, "assessment", theirs, patch, NULL, &f->err),
		DT_ENOTFOUND);
	assert_int_equal(
		dt_store_update(f->s, &f->actor, &b, "assessment", theirs, patch, NULL, &f->err),
		DT_EDENIED); /* its body's, which it reads, of a contract outside its region */
	assert_int_equal(dt_store_delete(f->s, &f->actor, &a, "assessment", theirs, &f->err),
			 DT_ENOTFOUND);
	fx_assert_unchanged(f, &snap);
	json_decref(patch);
	assert_int_equal(count_filtered(f, &a, "outcome", NULL, NULL), 0);
	assert_int_equal(count_filtered(f, &a, "record_entry", NULL, NULL), 0);
	assert_int_equal(count_filtered(f, &a, "alert", NULL, NULL), 0);

	/* the account: its scope is the body, with the body's region */
	assert_int_equal(dt_store_account_add(f->s, &f->actor, "jianding", "assessor", "org:99999",
					      "correct horse battery", NULL, &f->err),
			 DT_EINVAL);
	char org[32];
	snprintf(org, sizeof(org), "org:%lld", (long long)w.ent);
	assert_int_equal(dt_store_account_add(f->s, &f->actor, "jianding", "assessor", org,
					      "correct horse battery", NULL, &f->err),
			 DT_EINVAL); /* an enterprise is no assessment body */
	snprintf(org, sizeof(org), "org:%lld", (long long)sy);
	assert_int_equal(dt_store_account_add(f->s, &f->actor, "jianding", "assessor", org,
					      "correct horse battery", NULL, &f->err),
			 DT_OK);
	struct dt_account acc;
	char hash[DT_PWHASH_LEN];
	assert_int_equal(dt_store_account_secret(f->s, "jianding", &acc, hash, &f->err), DT_OK);
	assert_string_equal(acc.role, "assessor");
	assert_int_equal(acc.scope.org_id, sy);
	assert_int_equal(acc.scope.assessor_region, 210100);
	assert_int_equal(acc.scope.region, 0);
	assert_int_equal(acc.scope.trainee_id, 0);
}

/*
 * Every entity has a scope rule, and the party rules cover every party kind:
 * the table is checked as a whole.  A kind without a rule gives a scoped
 * caller nothing, read or write (fail closed), and a scoped caller changes
 * no reference data.
 */
static void test_scope_rules(void **state)
{
	(void)state;
	struct dt_strbuf why = DT_STRBUF_INIT;
	int rc = dt_crud_scope_rules_check(&why);
	if (rc != DT_OK)
		fail_msg("scope rules: %s", why.buf);
	dt_strbuf_release(&why);
	for (const struct dt_entity *e = dt_entities; e->name; e++)
		if (e->scope == DT_SCOPE_UNSET)
			fail_msg("entity %s has no scope rule", e->name);

	const struct dt_scope scopes[] = {
		{ 210100, 0, 0, 0 },
		{ 0, 7, 0, 0 },
		{ 0, 0, 7, 0 },
		{ 210000, 7, 0, 0 },
		{ 0, 7, 0, 210100 } /* an assessment body's staff */
	};
	struct dt_entity unset = dt_entities[0], stray = dt_entities[0];
	unset.name = "walk_unset";
	unset.scope = DT_SCOPE_UNSET;
	stray.name = "walk_stray"; /* a party kind the party rules do not know */
	stray.scope = DT_SCOPE_PARTY;
	for (size_t i = 0; i < DT_ARRAY_SIZE(scopes); i++) {
		for (int write = 0; write < 2; write++) {
			struct dt_strbuf sql = DT_STRBUF_INIT;
			json_t *binds = json_array();
			dt_crud_scope_sql(&unset, &scopes[i], write, &sql, binds);
			assert_non_null(strstr(sql.buf, " AND 1 = 0"));
			if (scopes[i].org_id || scopes[i].trainee_id) {
				dt_strbuf_reset(&sql);
				dt_crud_scope_sql(&stray, &scopes[i], write, &sql, binds);
				assert_non_null(strstr(sql.buf, " AND 1 = 0"));
			}
			dt_strbuf_release(&sql);
			json_decref(binds);
		}
	}
	/* Unscoped callers are not limited; scoped ones change no reference data. */
	for (const struct dt_entity *e = dt_entities; e->name; e++) {
		struct dt_strbuf sql = DT_STRBUF_INIT;
		json_t *binds = json_array();
		dt_crud_scope_sql(e, NULL, true, &sql, binds);
		assert_int_equal(sql.len, 0);
		dt_crud_scope_sql(e, &scopes[0], true, &sql, binds);
		if (e->scope == DT_SCOPE_PUBLIC)
			assert_string_equal(sql.buf, " AND 1 = 0");
		dt_strbuf_release(&sql);
		json_decref(binds);
	}
}

/* Is region @code within @scope (a province, city or county code)? */
static bool oracle_within(int scope, int code)
{
	int span = scope % 10000 == 0 ? 10000 : scope % 100 == 0 ? 100 : 1;
	return code >= scope && code < scope + span;
}

/*
 * Targets and minimum wages (DT_SCOPE_AREA) against an oracle over every
 * pair of record and scope: an official reads a record of its region or
 * below, the national default, and those of the regions above it; it
 * changes only those of its region or below (403 for those it reads but may
 * not change, 404 for the rest); organisations and trainees see none.
 */
static void test_area_scope(void **state)
{
	struct fx *f = *state;
	static const int regions[] = { 0, 210000, 210100, 210102, 210200, 220000, 220100 };
	int64_t target[DT_ARRAY_SIZE(regions)], wage[DT_ARRAY_SIZE(regions)];
	for (size_t i = 0; i < DT_ARRAY_SIZE(regions); i++) {
		char code[8];
		snprintf(code, sizeof(code), "%06d", regions[i]);
		json_t *in = json_pack("{s:s, s:i, s:f}", "indicator", "dual_ratio", "year", 2026,
				       "value", 50.0);
		if (regions[i])
			json_object_set_new(in, "region", json_string(code));
		target[i] = fx_create(f, "target", in);
		wage[i] =
			regions[i]
				? fx_create(f, "min_wage",
					    json_pack("{s:s, s:s, s:i}", "region", code,
						      "valid_from", "2026-01-01", "monthly", 2000))
				: 0;
	}
	struct fx_world w = fx_world(f);
	const struct dt_scope scopes[] = { { 210000, 0, 0, 0 }, { 210100, 0, 0, 0 },
					   { 210102, 0, 0, 0 }, { 220100, 0, 0, 0 },
					   { 0, w.sch, 0, 0 },  { 0, 0, w.trainee, 0 } };
	struct fx_snap snap = fx_snapshot(f);
	for (size_t si = 0; si < DT_ARRAY_SIZE(scopes); si++) {
		const struct dt_scope *sc = &scopes[si];
		for (size_t i = 0; i < DT_ARRAY_SIZE(regions); i++) {
			int r = regions[i];
			bool read = sc->region && (!r || oracle_within(sc->region, r) ||
						   oracle_within(r, sc->region));
			/* minimum wages: an organisation reads them all (DT_EF_PARTY_READ) */
			bool org_reads_wage = sc->org_id != 0;
			bool write = sc->region && r && oracle_within(sc->region, r);
			for (int k = 0; k < 2; k++) {
				const char *entity = k ? "min_wage" : "target";
				int64_t id = k ? wage[i] : target[i];
				if (!id)
					continue;
				bool sees = read || (k && org_reads_wage);
				int want = write ? DT_OK : sees ? DT_EDENIED : DT_ENOTFOUND;
				assert_int_equal(get_rc(f, sc, entity, id),
						 sees ? DT_OK : DT_ENOTFOUND);
				json_t *items = list_filtered(f, sc, entity, NULL, NULL);
				assert_int_equal(list_has(items, id), sees);
				json_decref(items);
				/* A patch that changes nothing: the scope decides alone. */
				json_t *none = json_object();
				int rc = dt_store_update(f->s, &f->actor, sc, entity, id, none,
							 NULL, &f->err);
				json_decref(none);
				if (rc != want)
					fail_msg(
						"update %s %lld (region %d) in scope {%d, %lld, %lld}: %d, want %d",
						entity, (long long)id, r, sc->region,
						(long long)sc->org_id, (long long)sc->trainee_id,
						rc, want);
				if (want != DT_OK) {
					rc = dt_store_delete(f->s, &f->actor, sc, entity, id,
							     &f->err);
					if (rc != want)
						fail_msg(
							"delete %s %lld (region %d) in scope %d: %d, want %d",
							entity, (long long)id, r, sc->region, rc,
							want);
				}
			}
		}
	}
	fx_assert_unchanged(f, &snap);
	/* Deleting what is its own works. */
	const struct dt_scope shenyang = { 210100, 0, 0, 0 };
	assert_int_equal(dt_store_delete(f->s, &f->actor, &shenyang, "target", target[3], &f->err),
			 DT_OK);
}

/* An organisation reads its partners and the public bodies but changes only itself. */
static void test_party_writes(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	fx_active_contract(f, &w);
	int64_t body = fx_org(f, "assessment_body", 220102, "长春鉴定中心");
	const struct dt_scope sch = { 0, w.sch, 0, 0 };
	struct fx_snap snap = fx_snapshot(f);
	assert_int_equal(get_rc(f, &sch, "organization", w.ent), DT_OK);
	assert_int_equal(get_rc(f, &sch, "organization", body), DT_OK);
	json_t *patch = json_pack("{s:s}", "name", "改名");
	assert_int_equal(
		dt_store_update(f->s, &f->actor, &sch, "organization", w.ent, patch, NULL, &f->err),
		DT_EDENIED);
	assert_int_equal(
		dt_store_update(f->s, &f->actor, &sch, "organization", body, patch, NULL, &f->err),
		DT_EDENIED);
	assert_int_equal(dt_store_delete(f->s, &f->actor, &sch, "organization", body, &f->err),
			 DT_EDENIED);
	fx_assert_unchanged(f, &snap);
	assert_int_equal(
		dt_store_update(f->s, &f->actor, &sch, "organization", w.sch, patch, NULL, &f->err),
		DT_OK);
	json_decref(patch);
}

/* ---- transactions ---- */

static void test_transactions(void **state)
{
	struct fx *f = *state;
	int64_t orgs = fx_rows(f, "organization"), events = fx_audit_count(f);
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_OK);
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_EINTERNAL);
	int64_t a = fx_org(f, "enterprise", 210102, "甲");
	int64_t b = fx_org(f, "school", 210102, "乙");
	char uscc[DT_USCC_LEN + 1];
	fx_uscc(uscc, 210102, 4242);
	assert_int_equal(
		fx_create_rc(f, "organization", org_in("enterprise", uscc, "丙", "210199")),
		DT_EINVAL);
	fx_assert_ferr(f, "region");
	/* A failure from the database itself (a duplicate) also undoes only itself. */
	int64_t c = fx_create(f, "organization", org_in("enterprise", uscc, "丙", "210102"));
	assert_int_equal(fx_create_rc(f, "organization", org_in("school", uscc, "丁", "210102")),
			 DT_ECONFLICT);
	int64_t d = fx_org(f, "enterprise", 210102, "戊");
	/* Reads inside the transaction see its writes. */
	json_decref(get(f, "organization", c, 0));
	assert_int_equal(dt_store_commit(f->s, &f->err), DT_OK);
	assert_int_equal(dt_store_commit(f->s, &f->err), DT_EINTERNAL);
	assert_int_equal(fx_rows(f, "organization"), orgs + 4);
	assert_int_equal(fx_audit_count(f), events + 4);
	int64_t ids4[] = { a, b, c, d };
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(get_rc(f, NULL, "organization", ids4[i]), DT_OK);
	int64_t checked = 0;
	assert_int_equal(dt_store_audit_verify(f->s, &checked, &f->err), DT_OK);
	assert_int_equal(checked, events + 4);

	/* Rollback undoes all of it. */
	struct fx_snap snap = fx_snapshot(f);
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_OK);
	int64_t e = fx_org(f, "enterprise", 210102, "己");
	json_t *patch = json_pack("{s:s}", "name", "甲改");
	assert_int_equal(
		dt_store_update(f->s, &f->actor, NULL, "organization", a, patch, NULL, &f->err),
		DT_OK);
	json_decref(patch);
	assert_int_equal(del(f, "organization", b), DT_OK);
	dt_store_rollback(f->s);
	dt_store_rollback(f->s); /* twice is harmless */
	fx_assert_unchanged(f, &snap);
	assert_int_equal(get_rc(f, NULL, "organization", e), DT_ENOTFOUND);
	/* And the store goes on as usual. */
	fx_org(f, "enterprise", 210102, "庚");
	assert_int_equal(fx_audit_count(f), events + 5);
	/* Closing with a transaction open rolls it back. */
	assert_int_equal(dt_store_begin(f->s, &f->err), DT_OK);
	fx_org(f, "enterprise", 210102, "辛");
	dt_store_close(f->s);
	f->s = NULL;
	assert_int_equal(dt_store_open(&f->s, f->path, &f->keys, 0, &f->err), DT_OK);
	assert_int_equal(fx_rows(f, "organization"), orgs + 5);
	assert_int_equal(dt_store_audit_verify(f->s, &checked, &f->err), DT_OK);
}

/* ---- delete ---- */

static void test_delete(void **state)
{
	struct fx *f = *state;
	int64_t sch = fx_org(f, "school", 210102, "学校");
	int64_t lone = fx_org(f, "enterprise", 210102, "孤企");
	fx_programme(f, sch, "P-DEL");
	struct fx_snap snap = fx_snapshot(f);
	assert_int_equal(del(f, "organization", sch), DT_ECONFLICT);
	assert_err_has(f, "referred");
	assert_problem(f, NULL, "record.in_use");
	fx_assert_unchanged(f, &snap);
	/* An occupation in use, a region (never deleted). */
	assert_int_equal(del(f, "occupation", fx_occupation_id(f, "4-02-06-01")), DT_ECONFLICT);
	assert_int_equal(del(f, "region", 210102), DT_ECONFLICT);
	assert_int_equal(del(f, "organization", 99999), DT_ENOTFOUND);
	fx_assert_unchanged(f, &snap);

	int64_t events = fx_audit_count(f);
	assert_int_equal(del(f, "organization", lone), DT_OK);
	assert_int_equal(get_rc(f, NULL, "organization", lone), DT_ENOTFOUND);
	assert_int_equal(fx_audit_count(f), events + 1);
	char sql[400];
	snprintf(sql, sizeof(sql),
		 "id = %lld AND action = 'delete' AND "
		 "entity = 'organization' AND entity_id = '%lld'",
		 (long long)(events + 1), (long long)lone);
	assert_int_equal(fx_audit_grep(f, sql, "\"name\":\"孤企\""), 1);
	char *b, *a;
	fx_audit_texts(f, events + 1, &b, &a, NULL);
	assert_non_null(b);
	assert_null(a);
	free(b);
	assert_int_equal(del(f, "organization", lone), DT_ENOTFOUND);
	int64_t checked = 0;
	assert_int_equal(dt_store_audit_verify(f->s, &checked, &f->err), DT_OK);
	/* An unused occupation may go. */
	assert_int_equal(del(f, "occupation", fx_occupation_id(f, "4-02-05-01")), DT_OK);
}

/* ---- look-ups, checks and reports ---- */

static void test_lookups_and_check(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;
	assert_int_equal(dt_store_occupation_by_code(f->s, "9-99-99-99", &id, &f->err),
			 DT_ENOTFOUND);
	assert_int_equal(dt_store_org_by_uscc(f->s, "91210102MA0000000X", &id, &f->err),
			 DT_ENOTFOUND);
	struct fx_world w = fx_world(f);
	fx_active_contract(f, &w);
	fx_create(f, "pilot",
		  json_pack("{s:s, s:s, s:s, s:s}", "region", "210100", "name", "沈阳",
			    "period_start", "2024-01-01", "period_end", "2027-12-31"));
	/* A pilot is a province or a city. */
	refused(f, "pilot",
		json_pack("{s:s, s:s, s:s, s:s}", "region", "210102", "name", "和平",
			  "period_start", "2024-01-01", "period_end", "2027-12-31"),
		DT_EINVAL, "region");
	refused(f, "pilot",
		json_pack("{s:s, s:s, s:s, s:s}", "region", "210200", "name", "大连",
			  "period_start", "2024-01-01", "period_end", "2023-12-31"),
		DT_EINVAL, "period_end");
	struct dt_strbuf report = DT_STRBUF_INIT;
	if (dt_store_check(f->s, &report, &f->err) != DT_OK)
		fail_msg("check: %s\n%s", f->err.buf, report.buf);
	assert_non_null(strstr(report.buf, "integrity: ok"));
	assert_non_null(strstr(report.buf, "audit chain: ok"));
	assert_non_null(strstr(report.buf, "indicator aggregates: ok"));
	dt_strbuf_release(&report);
	json_t *rows = NULL;
	struct dt_scope sy = { 210100, 0, 0, 0 }, cc = { 220100, 0, 0, 0 };
	assert_int_equal(dt_store_report(f->s, "summary", &sy, &rows, &f->err), DT_OK);
	assert_int_equal(json_array_size(rows), 1);
	json_t *r = json_array_get(rows, 0);
	assert_int_equal(fx_int(r, "active"), 1);
	assert_int_equal(fx_int(r, "enterprises"), 1);
	json_decref(rows);
	assert_int_equal(dt_store_report(f->s, "summary", &cc, &rows, &f->err), DT_OK);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
	assert_int_equal(dt_store_report(f->s, "nonsense", NULL, &rows, &f->err), DT_EINVAL);
}

/* Moving an organisation moves what inherits its region, down to record entries. */
static void test_region_moves_along(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t c = fx_active_contract(f, &w);
	int64_t e = fx_create(f, "record_entry",
			      json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id", (json_int_t)c,
					"date", "2025-10-10", "site", "company", "hours", 8.0,
					"content", "实训"));
	json_t *patch = json_pack("{s:s}", "region", "220102");
	assert_int_equal(
		dt_store_update(f->s, &f->actor, NULL, "organization", w.ent, patch, NULL, &f->err),
		DT_OK);
	json_decref(patch);
	json_t *o = NULL;
	assert_int_equal(dt_store_get(f->s, NULL, "contract", c, 0, &o, &f->err), DT_OK);
	assert_string_equal(fx_str(o, "region"), "220102");
	json_decref(o);
	assert_int_equal(dt_store_get(f->s, NULL, "record_entry", e, 0, &o, &f->err), DT_OK);
	assert_string_equal(fx_str(o, "region"), "220102");
	json_decref(o);
	/* The school did not move: its programme stays. */
	assert_int_equal(dt_store_get(f->s, NULL, "programme", w.prog, 0, &o, &f->err), DT_OK);
	assert_string_equal(fx_str(o, "region"), "210103");
	json_decref(o);
	/* A Shenyang scope no longer sees the contract. */
	struct dt_scope sy = { 210100, 0, 0, 0 };
	assert_int_equal(dt_store_get(f->s, &sy, "contract", c, 0, &o, &f->err), DT_ENOTFOUND);
}

/* Completion, dissolution and transfer record what happened, not what will. */
static void test_end_not_in_future(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t c = fx_active_contract(f, &w);
	struct fx_snap before = fx_snapshot(f);
	assert_int_equal(
		fx_act(f, c, DT_CEV_COMPLETE, 0, json_pack("{s:s}", "date", "2026-11-27"), NULL),
		DT_EINVAL);
	fx_assert_ferr(f, "date");
	assert_int_equal(fx_act(f, c, DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:s}", "date", "2027-01-01", "reason", "个人原因"),
				NULL),
			 DT_EINVAL);
	fx_assert_ferr(f, "date");
	assert_true(has_code(f, "date.future"));
	fx_assert_unchanged(f, &before);
	pass_final(f, c, FX_TODAY);
	assert_int_equal(
		fx_act(f, c, DT_CEV_COMPLETE, 0, json_pack("{s:s}", "date", FX_TODAY), NULL),
		DT_OK);
}

/* A scoped writer refers only to what it can see; a trainee it registers is its own. */
static void test_scoped_writer(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f), w2 = fx_world(f);
	struct dt_scope ent = { 0, w.ent, 0, 0 };
	struct dt_actor a = { "enterprise-user", NULL, &ent };
	/* Another organisation's trainee is no trainee to this writer. */
	json_t *in = fx_contract_in(&w, "2026-09-01", "2029-08-31");
	json_object_set_new(in, "trainee_id", json_integer(w2.trainee));
	struct fx_snap before = fx_snapshot(f);
	assert_int_equal(dt_store_create(f->s, &a, "contract", in, NULL, &f->err), DT_EINVAL);
	fx_assert_ferr(f, "trainee_id");
	fx_assert_unchanged(f, &before);
	json_decref(in);
	/* A trainee it registers carries its organisation and is in its scope. */
	char nid[DT_NATID_LEN + 1];
	fx_natid(nid, "210102", "20040105", 77);
	json_t *t = NULL;
	in = json_pack("{s:s, s:s, s:s}", "national_id", nid, "name", "孙悦", "region", "210102");
	assert_int_equal(dt_store_create(f->s, &a, "trainee", in, &t, &f->err), DT_OK);
	json_decref(in);
	assert_int_equal(fx_int(t, "registered_by"), w.ent);
	int64_t tid = fx_int(t, "id");
	json_decref(t);
	assert_int_equal(dt_store_get(f->s, &ent, "trainee", tid, 0, &t, &f->err), DT_OK);
	json_decref(t);
	struct dt_scope other = { 0, w2.ent, 0, 0 };
	assert_int_equal(dt_store_get(f->s, &other, "trainee", tid, 0, &t, &f->err), DT_ENOTFOUND);
	/* ... and, once the school is its partner, sign that trainee up there. */
	in = fx_contract_in(&w, "2026-09-01", "2029-08-31");
	json_object_set_new(in, "trainee_id", json_integer(tid));
	assert_int_equal(dt_store_create(f->s, &a, "contract", in, NULL, &f->err), DT_EINVAL);
	fx_assert_ferr(f, "school_id");
	json_decref(in);
	fx_create(f, "partnership",
		  json_pack("{s:I, s:I, s:i, s:s}", "enterprise_id", (json_int_t)w.ent, "school_id",
			    (json_int_t)w.sch, "places_per_year", 5, "start_date", "2026-01-01"));
	in = fx_contract_in(&w, "2026-09-01", "2029-08-31");
	json_object_set_new(in, "trainee_id", json_integer(tid));
	assert_int_equal(dt_store_create(f->s, &a, "contract", in, NULL, &f->err), DT_OK);
	json_decref(in);
	/* The same national ID again: a conflict that does not say whose it is. */
	in = json_pack("{s:s, s:s, s:s}", "national_id", nid, "name", "孙悦", "region", "210102");
	assert_int_equal(dt_store_create(f->s, &f->actor, "trainee", in, NULL, &f->err),
			 DT_ECONFLICT);
	assert_null(strstr(f->err.buf, "id "));
	json_decref(in);
}

/* A read snapshot holds one state until it ends; a write ends it first. */
static void test_snapshot(void **state)
{
	struct fx *f = *state;
	int64_t org = fx_org(f, "enterprise", 210102, "快照测试企业");
	json_t *o = NULL;
	assert_int_equal(dt_store_snapshot_begin(f->s, &f->err), DT_OK);
	assert_int_equal(dt_store_get(f->s, NULL, "organization", org, 0, &o, &f->err), DT_OK);
	json_decref(o);
	/* Another connection renames it. */
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE organization SET name = '改名' WHERE id = %lld",
		 (long long)org);
	fx_sql_exec(f, sql);
	assert_int_equal(dt_store_get(f->s, NULL, "organization", org, 0, &o, &f->err), DT_OK);
	assert_string_equal(fx_str(o, "name"), "快照测试企业"); /* still the snapshot */
	json_decref(o);
	dt_store_snapshot_end(f->s);
	assert_int_equal(dt_store_get(f->s, NULL, "organization", org, 0, &o, &f->err), DT_OK);
	assert_string_equal(fx_str(o, "name"), "改名");
	json_decref(o);
	/* A write inside a snapshot ends it, and sees and changes the latest state. */
	assert_int_equal(dt_store_snapshot_begin(f->s, &f->err), DT_OK);
	assert_int_equal(dt_store_get(f->s, NULL, "organization", org, 0, &o, &f->err), DT_OK);
	json_decref(o);
	snprintf(sql, sizeof(sql), "UPDATE organization SET name = '再改' WHERE id = %lld",
		 (long long)org);
	fx_sql_exec(f, sql);
	json_t *patch = json_pack("{s:s}", "contact_name", "张三");
	assert_int_equal(
		dt_store_update(f->s, &f->actor, NULL, "organization", org, patch, &o, &f->err),
		DT_OK);
	json_decref(patch);
	assert_string_equal(fx_str(o, "name"), "再改");
	json_decref(o);
	int64_t n = 0;
	assert_int_equal(dt_store_audit_verify(f->s, &n, &f->err), DT_OK);
}

/* Canonical text of @v for comparing two JSON values (reals to 12 digits, as the API writes). */
static char *canon(json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
}

/*
 * dt_store_get_text() writes JSON without building it; dt_store_get() and
 * jansson are the oracle.  Every object of every kind, including text with
 * quotes, backslashes, newlines and control characters, must come out alike.
 */
static void test_get_text_oracle(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t c = fx_active_contract(f, &w);
	fx_create(f, "record_entry",
		  json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id", (json_int_t)c, "date",
			    "2025-10-10", "site", "company", "hours", 7.5, "content",
			    "引号\"反斜杠\\ 换行\n制表\t控制\001 end"));
	json_t *patch = json_pack("{s:s}", "address", "沈阳市\"铁西区\"\\北二路\r\n1号");
	assert_int_equal(
		dt_store_update(f->s, &f->actor, NULL, "organization", w.ent, patch, NULL, &f->err),
		DT_OK);
	json_decref(patch);
	int compared = 0;
	for (const struct dt_entity *e = dt_entities; e->name; e++) {
		struct dt_query q = { 0 };
		q.limit = 40;
		json_t *items = NULL;
		char *next = NULL;
		assert_int_equal(dt_store_list(f->s, NULL, e->name, &q, &items, &next, &f->err),
				 DT_OK);
		free(next);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			int64_t id = json_integer_value(json_object_get(it, "id"));
			json_t *o = NULL;
			struct dt_strbuf text = DT_STRBUF_INIT;
			assert_int_equal(dt_store_get(f->s, NULL, e->name, id, 0, &o, &f->err),
					 DT_OK);
			assert_int_equal(dt_store_get_text(f->s, NULL, e->name, id, &text, &f->err),
					 DT_OK);
			json_error_t je;
			json_t *parsed = json_loads(text.buf, 0, &je);
			if (!parsed)
				fail_msg("%s %lld: not JSON: %s: %s", e->name, (long long)id,
					 je.text, text.buf);
			char *a = canon(o), *b = canon(parsed);
			if (strcmp(a, b))
				fail_msg("%s %lld:\n  get:  %s\n  text: %s", e->name, (long long)id,
					 a, b);
			free(a);
			free(b);
			json_decref(parsed);
			json_decref(o);
			dt_strbuf_release(&text);
			compared++;
		}
		json_decref(items);
	}
	assert_true(compared > 13);
	/* Outside the scope it is not found, as for dt_store_get(). */
	struct dt_scope cc = { 220100, 0, 0, 0 };
	struct dt_strbuf text = DT_STRBUF_INIT;
	assert_int_equal(dt_store_get_text(f->s, &cc, "contract", c, &text, &f->err), DT_ENOTFOUND);
	assert_int_equal(text.len, 0);
	dt_strbuf_release(&text);
}

/*
 * The reads a server sends together and receives in order
 * (dt_store_get_text_send/receive) give what dt_store_get_text() gives, one
 * by one: the same text, and not found outside the scope or when absent,
 * whatever other reads, of other kinds and scopes, are sent between them and
 * whatever runs on the connection before they are received.  On SQLite
 * nothing is sent.
 */
static void test_get_text_sent(void **state)
{
	struct fx *f = *state;
	struct fx_world w = fx_world(f);
	int64_t c = fx_active_contract(f, &w);
	struct fx_world w2 = fx_world(f);
	int64_t c2 = fx_active_contract(f, &w2);
	dt_store_set_viewer(f->s, &(struct dt_viewer){ .pii = true });
	if (!fx_pg()) {
		assert_false(dt_store_get_text_can_send(f->s, "trainee"));
		return;
	}
	assert_true(dt_store_get_text_can_send(f->s, "trainee"));
	const struct dt_scope scopes[] = {
		{ 0, 0, 0, 0 },     { 210100, 0, 0, 0 },    { 220100, 0, 0, 0 },
		{ 0, w.ent, 0, 0 }, { 0, 0, w.trainee, 0 },
	};
	const struct {
		const char *entity;
		int64_t id;
	} reads[] = {
		{ "contract", c },         { "trainee", w.trainee },  { "contract", c2 },
		{ "trainee", w2.trainee }, { "organization", w.ent }, { "contract", 999999 },
	};
	enum { NS = sizeof(scopes) / sizeof(scopes[0]), NR = sizeof(reads) / sizeof(reads[0]) };
	int want_rc[NS * NR], found = 0, missing = 0;
	struct dt_strbuf want[NS * NR];
	for (int round = 0; round < 3; round++) {
		for (int k = 0; k < NS * NR; k++) {
			const struct dt_scope *sc = &scopes[k / NR];
			dt_strbuf_init(&want[k], 0);
			want_rc[k] =
				dt_store_get_text(f->s, k / NR ? sc : NULL, reads[k % NR].entity,
						  reads[k % NR].id, &want[k], &f->err);
			if (!round)
				want_rc[k] == DT_OK ? found++ : missing++;
		}
		dt_store_snapshot_begin(f->s, NULL);
		for (int k = 0; k < NS * NR; k++) {
			const struct dt_scope *sc = &scopes[k / NR];
			assert_int_equal(dt_store_get_text_send(f->s, k / NR ? sc : NULL,
								reads[k % NR].entity,
								reads[k % NR].id, &f->err),
					 DT_OK);
			/* round 1: a read run at once between them; round 2: one at the end */
			if ((round == 1 && k == NS * NR / 2) || (round == 2 && k == NS * NR - 1)) {
				struct dt_strbuf now = DT_STRBUF_INIT;
				assert_int_equal(
					dt_store_get_text(f->s, NULL, "contract", c, &now, &f->err),
					DT_OK);
				assert_string_equal(now.buf, want[0].buf);
				dt_strbuf_release(&now);
			}
		}
		for (int k = 0; k < NS * NR; k++) {
			struct dt_strbuf got = DT_STRBUF_INIT;
			int rc = dt_store_get_text_receive(f->s, &got, &f->err);
			if (rc != want_rc[k] ||
			    strcmp(got.buf ? got.buf : "", want[k].buf ? want[k].buf : ""))
				fail_msg("round %d, read %d (%s %lld, scope %d): %d %s, want %d %s",
					 round, k, reads[k % NR].entity,
					 (long long)reads[k % NR].id, k / NR, rc, got.buf,
					 want_rc[k], want[k].buf);
			dt_strbuf_release(&got);
			dt_strbuf_release(&want[k]);
		}
		dt_store_snapshot_end(f->s);
	}
	assert_true(found > 8 && missing > 8);
	/* nothing left to receive */
	struct dt_strbuf none = DT_STRBUF_INIT;
	assert_int_equal(dt_store_get_text_receive(f->s, &none, &f->err), DT_EINTERNAL);
	dt_strbuf_release(&none);
	dt_store_set_viewer(f->s, NULL);
}

/* @n copies of the UTF-8 character @ch (new, to free). */
static char *repeat(const char *ch, size_t n)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		dt_strbuf_adds(&sb, ch);
	assert_true(dt_strbuf_ok(&sb));
	return dt_strbuf_detach(&sb, NULL);
}

/*
 * Every text has a limit, counted in characters, named when it is passed:
 * the entity table (a property of the whole table, so that a field added
 * later cannot go without), an alert's note, a dissolution's reason; and
 * list parameters that are not UTF-8 are refused naming the parameter.
 */
static void test_text_limits(void **state)
{
	struct fx *f = *state;
	for (const struct dt_entity *e = dt_entities; e->name; e++)
		for (size_t i = 0; i < e->nfields; i++) {
			const struct dt_field *fd = &e->fields[i];
			if (fd->type == DT_F_TEXT && (fd->max <= 0 || fd->max > DT_TEXT_MAX))
				fail_msg("%s.%s: a text field without a limit in 1..%d (max %lld)",
					 e->name, fd->name, DT_TEXT_MAX, (long long)fd->max);
			/* a storage flag only on the type the store converts it for (crud.c) */
			if (((fd->flags & DT_FF_MS) && fd->type != DT_F_TIME) ||
			    ((fd->flags & DT_FF_DAYNUM) && fd->type != DT_F_DATE) ||
			    ((fd->flags & DT_FF_CODE) && fd->type != DT_F_ENUM) ||
			    ((fd->flags & DT_FF_CENTI) && fd->type != DT_F_REAL) ||
			    ((fd->flags & DT_FF_DAYNUM) && (fd->flags & DT_FF_QUASI)))
				fail_msg("%s.%s: a storage flag on a field of another type",
					 e->name, fd->name);
		}

	/* an alert, as the watcher would have raised it */
	fx_sql_exec(
		f, "INSERT INTO alert (rule, severity, subject_kind, subject_id, message_zh, "
		   "message_en, raised_at, region, created_at, updated_at) VALUES ('task_overdue', "
		   "'warning', 'pilot_task', 1, '测试', 'test', '2026-11-01T00:00:00Z', 210100, "
		   "'2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')");
	int64_t alert = fx_sql_int(f, "SELECT max(id) FROM alert");
	struct fx_snap snap = fx_snapshot(f);
	char *note = repeat("注", 40000);
	json_t *o = NULL;
	dt_strbuf_reset(&f->err);
	assert_int_equal(dt_store_alert_act(f->s, &f->actor, NULL, alert, "ack", note, &o, &f->err),
			 DT_EINVAL);
	fx_assert_ferr(f, "note");
	assert_string_equal(dt_problem_arg(problem_of(f, "text.too_long"), "length"), "40000");
	assert_string_equal(dt_problem_arg(problem_of(f, "text.too_long"), "max"), "2000");
	assert_int_equal(
		dt_store_alert_act(f->s, &f->actor, NULL, alert, "resolve", note, &o, &f->err),
		DT_EINVAL);
	fx_assert_unchanged(f, &snap);
	assert_int_equal(
		fx_sql_int(f, "SELECT count(*) FROM alert WHERE note IS NULL AND status = 'open'"),
		1);
	free(note);
	note = repeat("注", 2000); /* the limit itself: 6000 bytes */
	assert_int_equal(dt_store_alert_act(f->s, &f->actor, NULL, alert, "ack", note, &o, &f->err),
			 DT_OK);
	assert_string_equal(fx_str(o, "note"), note);
	json_decref(o);
	free(note);

	/* a reason is counted in characters: 500 Chinese ones (1500 bytes) are fine, 501 are not */
	struct fx_world w = fx_world(f);
	int64_t con = fx_active_contract(f, &w);
	char *reason = repeat("因", 501);
	snap = fx_snapshot(f);
	assert_int_equal(fx_act(f, con, DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:s}", "date", "2025-10-01", "reason", reason),
				NULL),
			 DT_EINVAL);
	fx_assert_ferr(f, "reason");
	assert_string_equal(problem_of(f, "text.too_long")->field, "reason");
	assert_string_equal(dt_problem_arg(problem_of(f, "text.too_long"), "length"), "501");
	assert_string_equal(dt_problem_arg(problem_of(f, "text.too_long"), "max"), "500");
	fx_assert_unchanged(f, &snap);
	free(reason);
	reason = repeat("因", 500);
	assert_int_equal(fx_act(f, con, DT_CEV_DISSOLVE, 0,
				json_pack("{s:s, s:s}", "date", "2025-10-01", "reason", reason),
				&o),
			 DT_OK);
	assert_string_equal(fx_str(o, "dissolution_reason"), reason);
	json_decref(o);
	free(reason);

	/* list parameters that are not UTF-8: refused naming the parameter, for every kind */
	for (const struct dt_entity *e = dt_entities; e->name; e++) {
		json_t *items = NULL;
		char *next = NULL;
		struct dt_query q = { NULL, 0, "\xff", NULL, false, 10, NULL, 0, false };
		dt_strbuf_reset(&f->err);
		assert_int_equal(dt_store_list(f->s, NULL, e->name, &q, &items, &next, &f->err),
				 DT_EINVAL);
		assert_true(!strncmp(f->err.buf, "q: ", 3));
		assert_null(items);
		for (size_t i = 0; i < e->nfields; i++) {
			const struct dt_field *fd = &e->fields[i];
			if (!(fd->flags & DT_FF_FILTER) || fd->type != DT_F_TEXT)
				continue;
			const char *filt[] = { fd->name, "\xc3(" };
			struct dt_query q2 = { filt, 1, NULL, NULL, false, 10, NULL, 0, false };
			dt_strbuf_reset(&f->err);
			assert_int_equal(
				dt_store_list(f->s, NULL, e->name, &q2, &items, &next, &f->err),
				DT_EINVAL);
			if (strncmp(f->err.buf, fd->name, strlen(fd->name)) ||
			    !strstr(f->err.buf, "UTF-8"))
				fail_msg("%s.%s: %s", e->name, fd->name, f->err.buf);
		}
	}
}

/*
 * A statement held across more than the cache's 1024 variants (a row bound
 * and stepped around the preparing of other statements, as an update does
 * around its audit event) stays valid: the cache is cleared only once the
 * transaction ends.  Before, the 1025th prepare finalized the held statement.
 */
static void test_stmt_cache_overflow(void **state)
{
	struct fx *f = *state;
	struct dt_store *s = f->s;
	assert_int_equal(dt_tx_begin(s, &f->err), DT_OK);
	struct dt_db_stmt *held = dt_sql_prepare(s, "SELECT ? + 1", &f->err);
	assert_non_null(held);
	dt_db_bind_int64(held, 1, 41);
	unsigned gen = s->stmt_gen;
	for (int i = 0; i < 1500; i++) {
		char sql[64];
		snprintf(sql, sizeof(sql), "SELECT %d", i);
		assert_non_null(dt_sql_prepare(s, sql, &f->err));
	}
	assert_int_equal(s->stmt_gen, gen); /* nothing finalized while the write is open */
	assert_true(s->nused > 1500);
	assert_int_equal(dt_db_step(held), DT_DB_ROW);
	assert_int_equal(dt_db_column_int64(held, 0), 42);
	dt_db_reset(held);
	assert_int_equal(dt_tx_end(s, DT_OK, &f->err), DT_OK);
	assert_int_equal(s->nused, 0); /* cleared once no statement can be held */
	assert_int_not_equal(s->stmt_gen, gen);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_open),
		T(test_stmt_cache_overflow),
		T(test_every_entity),
		T(test_sort_nullable),
		T(test_validation),
		T(test_phone_and_email),
		T(test_trainee),
		T(test_contract_approval),
		T(test_contract_rules),
		T(test_contract_search),
		T(test_record_region_lists),
		T(test_record_book),
		T(test_daily_hours),
		T(test_assessment_rules),
		T(test_org_region_warning),
		T(test_trainee_age_rule),
		T(test_complete_and_outcome),
		T(test_dissolve),
		T(test_transfer),
		T(test_assessments),
		T(test_demand_levels),
		T(test_pagination),
		T(test_pagination_property),
		T(test_scope),
		T(test_assessor_scope),
		T(test_scope_rules),
		T(test_area_scope),
		T(test_party_writes),
		T(test_transactions),
		T(test_delete),
		T(test_lookups_and_check),
		T(test_region_moves_along),
		T(test_end_not_in_future),
		T(test_scoped_writer),
		T(test_snapshot),
		T(test_get_text_oracle),
		T(test_get_text_sent),
		T(test_text_limits),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
