/*
 * test_refdata.c - unit tests of io/refdata: loading the region and
 * occupation tables from CSV into a fresh store.
 *
 * The built-in regions give the whole GB/T 2260 list with levels and parents
 * derived from the codes; a small file loaded over them updates and adds and
 * counts right; a file with one bad row fails naming that row and leaves the
 * database exactly as it was (rows, contents and audit chain); a UTF-8 BOM
 * is skipped.  The same for occupations.
 */
#include "store_fixture.h"

#define NREGIONS 3514

static int load(struct fx *f, enum dt_refdata_kind kind, const char *csv,
		struct dt_refdata_stats *st)
{
	dt_strbuf_reset(&f->err);
	memset(st, 0, sizeof(*st));
	return dt_refdata_load(f->s, &f->actor, kind, csv, strlen(csv), st, &f->err);
}

static json_t *get(struct fx *f, const char *entity, int64_t id)
{
	json_t *o = NULL;
	if (dt_store_get(f->s, NULL, entity, id, 0, &o, &f->err) != DT_OK)
		fail_msg("get %s %lld: %s", entity, (long long)id, f->err.buf);
	return o;
}

static void assert_region(struct fx *f, int code, int level, int parent)
{
	json_t *o = get(f, "region", code);
	assert_int_equal(fx_int(o, "id"), code);
	assert_int_equal(fx_int(o, "level"), level);
	if (parent)
		assert_int_equal(fx_int(o, "parent"), parent);
	else
		assert_true(json_is_null(json_object_get(o, "parent")));
	char want[8];
	snprintf(want, sizeof(want), "%06d", code);
	assert_string_equal(fx_str(o, "region"), want);
	json_decref(o);
}

static void assert_err_has(struct fx *f, const char *part)
{
	if (!strstr(f->err.buf, part))
		fail_msg("error '%s' does not contain '%s'", f->err.buf, part);
}

static void test_builtin_regions(void **state)
{
	struct fx *f = *state;
	assert_int_equal(fx_rows(f, "region"), NREGIONS);
	int64_t n = 0;
	assert_int_equal(dt_store_count(f->s, NULL, "region", NULL, &n, &f->err), DT_OK);
	assert_int_equal(n, NREGIONS);
	/* One audit event per row added. */
	assert_int_equal(fx_audit_count(f), NREGIONS);

	assert_region(f, 210000, 1, 0);
	assert_region(f, 210100, 2, 210000);
	assert_region(f, 210102, 3, 210100);
	assert_region(f, 429000, 2, 420000);
	assert_region(f, 429004, 3, 429000);
	json_t *o = get(f, "region", 210100);
	assert_string_equal(fx_str(o, "name_zh"), "沈阳市");
	assert_string_equal(fx_str(o, "name_en"), "Shenyang");
	json_decref(o);

	/* Every county's parent and every city's parent exists. */
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM region r WHERE parent IS NOT NULL AND "
				       "NOT EXISTS (SELECT 1 FROM region p WHERE p.id = r.parent)"),
			 0);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM region WHERE level = 1"), 34);

	/* Provinces by level filter. */
	const char *filt[] = { "level", "1" };
	struct dt_query q = { .filters = filt, .nfilters = 1 };
	assert_int_equal(dt_store_count(f->s, NULL, "region", &q, &n, &f->err), DT_OK);
	assert_int_equal(n, 34);
}

static void test_builtin_reload_unchanged(void **state)
{
	struct fx *f = *state;
	struct fx_snap before = fx_snapshot(f);
	struct dt_refdata_stats st;
	assert_int_equal(dt_refdata_load_builtin(f->s, &f->actor, DT_REF_REGIONS, &st, &f->err),
			 DT_OK);
	assert_int_equal(st.rows, NREGIONS);
	assert_int_equal(st.added, 0);
	assert_int_equal(st.updated, 0);
	assert_int_equal(st.unchanged, NREGIONS);
	fx_assert_unchanged(f, &before);
}

static void test_regions_csv_over_builtin(void **state)
{
	struct fx *f = *state;
	int64_t events = fx_audit_count(f);
	struct dt_refdata_stats st;
	/* Column order differs from the built-in file; the level column is ignored. */
	const char *csv = "name_zh,code,name_en\r\n"
			  "和平区,210102,Heping District\r\n" /* name_en changed */
			  "沈阳市,210100,Shenyang\r\n"        /* unchanged */
			  "测试新区,210199,\r\n";             /* added */
	assert_int_equal(load(f, DT_REF_REGIONS, csv, &st), DT_OK);
	assert_int_equal(st.rows, 3);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.unchanged, 1);
	assert_int_equal(fx_rows(f, "region"), NREGIONS + 1);
	assert_int_equal(fx_audit_count(f), events + 2);

	json_t *o = get(f, "region", 210102);
	assert_string_equal(fx_str(o, "name_en"), "Heping District");
	assert_string_equal(fx_str(o, "name_zh"), "和平区");
	assert_int_equal(fx_int(o, "level"), 3);
	assert_int_equal(fx_int(o, "parent"), 210100);
	json_decref(o);
	assert_region(f, 210199, 3, 210100);
	o = get(f, "region", 210199);
	assert_string_equal(fx_str(o, "name_zh"), "测试新区");
	assert_true(json_is_null(json_object_get(o, "name_en")));
	json_decref(o);

	int64_t checked = 0;
	assert_int_equal(dt_store_audit_verify(f->s, &checked, &f->err), DT_OK);
	assert_int_equal(checked, events + 2);
}

static void test_regions_bad_rows(void **state)
{
	struct fx *f = *state;
	struct fx_snap before = fx_snapshot(f);
	struct dt_refdata_stats st;
	static const struct {
		const char *csv, *row, *what;
	} cases[] = {
		/* A good change in row 2 must be undone with the bad row 3. */
		{ "code,name_zh\n210102,改名区\nabc,坏行\n", "row 3", "code" },
		{ "code,name_zh\n210102,改名区\n210198,\n", "row 3", "name_zh" },
		{ "code,name_zh,latitude\n210198,新区,north\n", "row 2", "latitude" },
		{ "code,name_zh,latitude\n210198,新区,95\n", "row 2", "latitude" },
		{ "code,name_zh\n210198,新区\n990000,无此省\n", "row 3", "id" },
		{ "code,name_zh\n210198,新区\n21019,短码\n", "row 3", "" },
		{ "code,name_zh\n210198,新区\n,无码\n", "row 3", "id" },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(cases); i++) {
		int rc = load(f, DT_REF_REGIONS, cases[i].csv, &st);
		if (rc != DT_EINVAL)
			fail_msg("case %zu: rc %d, err %s", i, rc, f->err.buf);
		assert_err_has(f, cases[i].row);
		assert_err_has(f, cases[i].what);
		fx_assert_unchanged(f, &before);
	}
	/* Bytes that are no text: a NUL (which cut the name short, then loaded it) and a byte
	 * neither UTF-8 nor GBK; nothing is loaded, the line is named. */
	static const char nul[] = "code,name_zh\n210102,改名\0区\n";
	dt_strbuf_reset(&f->err);
	assert_int_equal(dt_refdata_load(f->s, &f->actor, DT_REF_REGIONS, nul, sizeof(nul) - 1, &st,
					 &f->err),
			 DT_EINVAL);
	assert_err_has(f, "line 2, byte 27: a NUL byte");
	assert_int_equal(load(f, DT_REF_REGIONS, "code,name_zh\n210102,\xff\n", &st), DT_EINVAL);
	assert_err_has(f, "line 2");
	fx_assert_unchanged(f, &before);
	/* No header at all, or a header without name_zh. */
	assert_int_equal(load(f, DT_REF_REGIONS, "", &st), DT_EINVAL);
	assert_int_equal(load(f, DT_REF_REGIONS, "code,name\n210198,x\n", &st), DT_EINVAL);
	assert_err_has(f, "name_zh");
	fx_assert_unchanged(f, &before);
	/* The store is still usable: no transaction left open. */
	assert_int_equal(load(f, DT_REF_REGIONS, "code,name_zh\n210198,新区\n", &st), DT_OK);
	assert_int_equal(st.added, 1);
}

static void test_regions_bom(void **state)
{
	struct fx *f = *state;
	struct dt_refdata_stats st;
	assert_int_equal(load(f, DT_REF_REGIONS,
			      "\xEF\xBB\xBF"
			      "code,name_zh\n210197,带BOM区\n",
			      &st),
			 DT_OK);
	assert_int_equal(st.added, 1);
	json_t *o = get(f, "region", 210197);
	assert_string_equal(fx_str(o, "name_zh"), "带BOM区");
	json_decref(o);
	/* BOM with CRLF and a quoted field holding a comma. */
	assert_int_equal(load(f, DT_REF_REGIONS,
			      "\xEF\xBB\xBF"
			      "code,name_zh,name_en\r\n210196,引号区,\"Quote, District\"\r\n",
			      &st),
			 DT_OK);
	o = get(f, "region", 210196);
	assert_string_equal(fx_str(o, "name_en"), "Quote, District");
	json_decref(o);
}

static void test_regions_blank_line_row_numbers(void **state)
{
	struct fx *f = *state;
	struct dt_refdata_stats st;
	/* Line 3 is blank; the bad row is on line 4, as a spreadsheet numbers it. */
	assert_int_equal(load(f, DT_REF_REGIONS, "code,name_zh\n210195,新区\n\nxyz,坏\n", &st),
			 DT_EINVAL);
	assert_err_has(f, "row 4");
	assert_int_equal(
		load(f, DT_REF_REGIONS, "code,name_zh\n210195,新区\n\n210194,又一区\n", &st),
		DT_OK);
	assert_int_equal(st.added, 2);
	assert_int_equal(st.rows, 2);
	/* The same with CRLF line ends, and a quoted field across two lines. */
	assert_int_equal(
		load(f, DT_REF_REGIONS,
		     "code,name_zh,name_en\r\n210193,区,\"two\r\nlines\"\r\n\r\nxyz,坏\r\n", &st),
		DT_EINVAL);
	assert_err_has(f, "row 4");
	assert_int_equal(load(f, DT_REF_REGIONS, "code,name_zh\r\n\r\n\r\n210192,区\r\n\r\n", &st),
			 DT_OK);
	assert_int_equal(st.rows, 1);
	assert_int_equal(load(f, DT_REF_REGIONS, "code,name_zh\r\n\r\n\r\n210191,区\r\nbad,x", &st),
			 DT_EINVAL);
	assert_err_has(f, "row 5");
}

static void test_occupations(void **state)
{
	struct fx *f = *state;
	struct dt_refdata_stats st;
	assert_int_equal(fx_rows(f, "occupation"), 0);
	assert_int_equal(dt_refdata_load_builtin(f->s, &f->actor, DT_REF_OCCUPATIONS, &st, &f->err),
			 DT_OK);
	int64_t n = fx_rows(f, "occupation");
	assert_true(n > 10);
	assert_int_equal(st.added, n);
	assert_int_equal(st.rows, n);
	int64_t id = fx_occupation_id(f, "4-02-06-01");
	json_t *o = get(f, "occupation", id);
	assert_string_equal(fx_str(o, "code"), "4-02-06-01");
	assert_string_equal(fx_str(o, "levels"), "5 4 3 2 1");
	assert_true(json_is_null(json_object_get(o, "region")));
	json_decref(o);

	/* Over it: one renamed, one new, one unchanged. */
	int64_t events = fx_audit_count(f);
	const char *csv =
		"\xEF\xBB\xBF"
		"code,name_zh,name_en,industry,levels\n"
		"4-02-06-01,仓库管理员,Warehouse keeper,logistics,5 4 3 2 1\n"
		"4-02-06-03,物流服务师,Logistics services specialist,logistics,5 4 3 2 1\n"
		"6-18-01-99,测试工,Test worker,manufacturing,5 4\n";
	assert_int_equal(load(f, DT_REF_OCCUPATIONS, csv, &st), DT_OK);
	assert_int_equal(st.rows, 3);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.unchanged, 1);
	assert_int_equal(st.added, 1);
	assert_int_equal(fx_rows(f, "occupation"), n + 1);
	assert_int_equal(fx_audit_count(f), events + 2);
	o = get(f, "occupation", id);
	assert_string_equal(fx_str(o, "name_zh"), "仓库管理员");
	json_decref(o);
	o = get(f, "occupation", fx_occupation_id(f, "6-18-01-99"));
	assert_string_equal(fx_str(o, "levels"), "5 4");
	json_decref(o);

	/* Bad rows: the code's form, the levels, a missing name; nothing changes. */
	struct fx_snap before = fx_snapshot(f);
	static const struct {
		const char *csv, *row, *what;
	} cases[] = {
		{ "code,name_zh,levels\n6-18-01-98,好,5\n6-18-1-97,坏,5\n", "row 3", "code" },
		{ "code,name_zh,levels\n6-18-01-98,好,5\n9-18-01-97,坏,5\n", "row 3", "code" },
		{ "code,name_zh,levels\n6-18-01-98,好,5\n6-18-01-97,坏,6 5\n", "row 3", "levels" },
		{ "code,name_zh,levels\n6-18-01-98,好,5\n6-18-01-97,,5\n", "row 3", "name_zh" },
		{ "code,name_zh,levels\n4-02-06-01,仓库管理员,5 5\n", "row 2", "levels" },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(cases); i++) {
		int rc = load(f, DT_REF_OCCUPATIONS, cases[i].csv, &st);
		if (rc != DT_EINVAL)
			fail_msg("case %zu: rc %d, err %s", i, rc, f->err.buf);
		assert_err_has(f, cases[i].row);
		assert_err_has(f, cases[i].what);
		fx_assert_unchanged(f, &before);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_builtin_regions, fx_setup_regions,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_builtin_reload_unchanged, fx_setup_regions,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_regions_csv_over_builtin, fx_setup_regions,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_regions_bad_rows, fx_setup_regions,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_regions_bom, fx_setup_regions, fx_teardown),
		cmocka_unit_test_setup_teardown(test_regions_blank_line_row_numbers,
						fx_setup_regions, fx_teardown),
		cmocka_unit_test_setup_teardown(test_occupations, fx_setup_regions, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
