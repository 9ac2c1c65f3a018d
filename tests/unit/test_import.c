/*
 * test_import.c - bulk CSV import: encodings, cells, the header, row checks,
 * references, duplicates, all-or-nothing and --partial, the report, scope,
 * and export -> import round trips through the same column layout.
 */
#include <iconv.h>

#include "store_fixture.h"
#include "core/utf8.h"
#include "io/encoding.h"
#include "io/export.h"
#include "io/import.h"
#include "io/import_internal.h" /* the map of keys seen (import_seen.c) */

/* ---- helpers ---- */

struct imp {
	struct dt_import_result r;
	int rc;
};

static int do_import(struct fx *f, const char *kind, const char *csv, unsigned flags,
		     const struct dt_actor *a, struct imp *out)
{
	struct dt_import_opts o = { kind, DT_ENC_AUTO, flags, a ? a : &f->actor, NULL, NULL, NULL };
	dt_import_result_init(&out->r);
	dt_strbuf_reset(&f->err);
	out->rc = dt_import_csv(f->s, &o, csv, strlen(csv), &out->r, &f->err);
	return out->rc;
}

static void imp_release(struct imp *i)
{
	dt_import_result_release(&i->r);
}

/* Does the report mention @needle? */
static bool report_has(const struct imp *i, const char *needle)
{
	return strstr(i->r.report.buf, needle) != NULL;
}

#define assert_report(i, s)                                                           \
	do {                                                                          \
		if (!report_has((i), (s)))                                            \
			fail_msg("report lacks \"%s\":\n%s", (s), (i)->r.report.buf); \
	} while (0)

static void uscc_of(char out[DT_USCC_LEN + 1], int serial)
{
	fx_uscc(out, 210102, 5000 + serial);
}

/* Two enterprises and a school in Shenyang, imported. */
static void import_orgs(struct fx *f, char e1[19], char e2[19], char s1[19])
{
	uscc_of(e1, 1);
	uscc_of(e2, 2);
	uscc_of(s1, 3);
	char csv[1024];
	snprintf(csv, sizeof(csv),
		 "机构类型,统一社会信用代码,名称,所在地区,地址\r\n"
		 "企业,%s,沈阳示例机床有限公司,210102,\"和平区南京北街1号,\r\n2楼\"\r\n"
		 "enterprise,%s,沈阳示例重工有限公司,210102,\r\n"
		 "院校,%s,沈阳示例职业技术学院,210103,\r\n",
		 e1, e2, s1);
	struct imp i;
	if (do_import(f, "organizations", csv, 0, NULL, &i) != DT_OK)
		fail_msg("orgs: %s\n%s", f->err.buf, i.r.report.buf);
	assert_int_equal(i.r.written, 3);
	imp_release(&i);
}

/* ---- encodings and cells ---- */

static void test_encoding_detect(void **state)
{
	(void)state;
	struct dt_strbuf out = DT_STRBUF_INIT, err = DT_STRBUF_INIT;
	int used = -1;
	bool bom = false;
	/* UTF-8 with BOM */
	assert_int_equal(
		dt_encoding_to_utf8("\xEF\xBB\xBF姓名\n", 10, DT_ENC_AUTO, &out, &used, &bom, &err),
		DT_OK);
	assert_int_equal(used, DT_ENC_UTF8);
	assert_true(bom);
	assert_string_equal(out.buf, "姓名\n");
	/* GBK, as Chinese Excel writes "CSV": 姓名 is D0 D5 C3 FB */
	dt_strbuf_reset(&out);
	assert_int_equal(dt_encoding_to_utf8("\xD0\xD5\xC3\xFB,x\r\n", 8, DT_ENC_AUTO, &out, &used,
					     &bom, &err),
			 DT_OK);
	assert_int_equal(used, DT_ENC_GB18030);
	assert_string_equal(out.buf, "姓名,x\r\n");
	/* forced UTF-8 on GBK bytes: refused with the line */
	dt_strbuf_reset(&out);
	assert_int_equal(dt_encoding_to_utf8("a\n\xD0\xD5", 4, DT_ENC_UTF8, &out, NULL, NULL, &err),
			 DT_EINVAL);
	assert_non_null(strstr(err.buf, "line 2"));
	/* UTF-16 is named */
	assert_int_equal(dt_encoding_to_utf8("\xFF\xFEx\0", 4, DT_ENC_AUTO, &out, NULL, NULL, &err),
			 DT_EINVAL);
	assert_non_null(strstr(err.buf, "UTF-16"));
	/* a workbook where a CSV file was expected */
	assert_int_equal(
		dt_encoding_to_utf8("PK\x03\x04\x14\0", 6, DT_ENC_AUTO, &out, NULL, NULL, &err),
		DT_EINVAL);
	assert_non_null(strstr(err.buf, "Excel workbook"));
	/* bytes that are neither */
	dt_strbuf_reset(&out);
	assert_int_equal(
		dt_encoding_to_utf8("ok\n\x80\xFF", 5, DT_ENC_AUTO, &out, NULL, NULL, &err),
		DT_EINVAL);
	/* a NUL byte (UTF-16 without its BOM, a binary file): refused naming where, in every encoding */
	for (int enc = DT_ENC_AUTO; enc <= DT_ENC_GB18030; enc++) {
		dt_strbuf_reset(&out);
		dt_strbuf_reset(&err);
		assert_int_equal(
			dt_encoding_to_utf8("n\0a\0m\0e\0\n\0", 10, enc, &out, NULL, NULL, &err),
			DT_EINVAL);
		assert_non_null(strstr(err.buf, "line 1, byte 2: a NUL byte"));
	}
	assert_int_equal(dt_encoding_parse("GBK"), DT_ENC_GB18030);
	assert_int_equal(dt_encoding_parse("latin1"), -1);
	dt_strbuf_release(&out);
	dt_strbuf_release(&err);
}

/*
 * The map of keys seen against an oracle (a JSON object): random keys of a
 * small alphabet of bytes (not always UTF-8) and short lengths, so that many
 * repeat, the empty key among them; every put answers as the oracle, every
 * get gives the first row, across the table's growths.
 */
static void test_import_seen(void **state)
{
	(void)state;
	struct dt_import_seen *m = dt_import_seen_new();
	json_t *oracle = json_object();
	assert_int_equal(dt_import_seen_get(m, "x"), -1);
	unsigned seed = 12345;
	for (int op = 0; op < 60000; op++) {
		char key[40];
		seed = seed * 1103515245u + 12345u;
		int len = (int)(seed >> 16) % 12;
		for (int i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			key[i] = "ab\x1f\xe5\x8f\x8c"
				 "0"[(seed >> 16) % 6];
		}
		key[len] = '\0';
		json_t *was = json_object_get(oracle, key);
		if (op % 3) {
			bool put = dt_import_seen_put(m, key, op);
			assert_int_equal(put, was == NULL);
			if (!was)
				json_object_set_new_nocheck(oracle, key, json_integer(op));
		}
		was = json_object_get(oracle, key);
		assert_int_equal(dt_import_seen_get(m, key), was ? json_integer_value(was) : -1);
	}
	const char *k;
	json_t *v;
	json_object_foreach(oracle, k, v)
		assert_int_equal(dt_import_seen_get(m, k), json_integer_value(v));
	assert_true(json_object_size(oracle) > 5000); /* the table grew several times */
	json_decref(oracle);
	dt_import_seen_free(m);
}

static void test_cell_clean(void **state)
{
	(void)state;
	char a[] = "\xE3\x80\x80 ２１０１０２１９９８０１０１０００Ｘ \t";
	dt_cell_clean(a, true);
	assert_string_equal(a, "21010219980101000X");
	char b[] = "  张 三  ";
	dt_cell_clean(b, false);
	assert_string_equal(b, "张 三");
	char c[] = "ＡＢＣ";
	dt_cell_clean(c, false); /* names keep their full-width letters */
	assert_string_equal(c, "ＡＢＣ");
	char d[] = "\xC2\xA0\xEF\xBB\xBF";
	dt_cell_clean(d, true);
	assert_string_equal(d, "");
}

/* ---- imports ---- */

static void test_import_orgs_and_report(void **state)
{
	struct fx *f = *state;
	char e1[19], e2[19], s1[19];
	import_orgs(f, e1, e2, s1);
	json_t *items = NULL;
	char *next = NULL;
	const char *filt[] = { "uscc", e1 };
	struct dt_query q = { filt, 1, NULL, NULL, false, 10, NULL, 0, false };
	assert_int_equal(dt_store_list(f->s, NULL, "organization", &q, &items, &next, &f->err),
			 DT_OK);
	assert_int_equal(json_array_size(items), 1);
	json_t *o = json_array_get(items, 0);
	assert_string_equal(fx_str(o, "kind"), "enterprise");
	/* the quoted address kept its comma and its line break */
	assert_string_equal(fx_str(o, "address"), "和平区南京北街1号,\r\n2楼");
	json_decref(items);
	/* one audit event per record */
	assert_int_equal(
		fx_sql_int(
			f,
			"SELECT count(*) FROM audit WHERE entity = 'organization' AND action = 'create'"),
		3);
}

static void test_import_all_or_nothing(void **state)
{
	struct fx *f = *state;
	char e1[19], e2[19], s1[19];
	import_orgs(f, e1, e2, s1);
	struct fx_snap before = fx_snapshot(f);
	char good1[19], good2[19], badid[19], nodate[19], good3[19];
	fx_natid(nodate, "210102", "20050230", 14);
	fx_natid(good3, "210102", "20010301", 15);
	fx_natid(good1, "210102", "20000101", 11);
	fx_natid(good2, "210102", "20000102", 12);
	fx_natid(badid, "210102", "20000103", 13);
	badid[17] = badid[17] == '1' ? '2' : '1'; /* wrong check character */
	char csv[2048];
	snprintf(csv, sizeof(csv),
		 "Name,National ID,region,phone,备注,出生日期\n"
		 "张三,%s,210102,13800000000,x,\n"
		 "李四,%s,210102,,,\n"
		 "王五,%s,210102,,,\n"
		 "赵六,%s,210199,,,\n"            /* duplicate of row 2 */
		 "钱七,%s,210102,,,\n"            /* born 2005-02-30 */
		 "孙八,%s,210102,,,2001-02-29\n", /* no such day */
		 good1, good2, badid, good1, nodate, good3);
	struct imp i;
	assert_int_equal(do_import(f, "trainee", csv, 0, NULL, &i), DT_EINVAL);
	assert_int_equal(i.r.rows, 6);
	assert_int_equal(i.r.written, 0);
	assert_int_equal(i.r.rejected, 4);
	assert_false(i.r.committed);
	fx_assert_unchanged(f, &before);
	/* the report: bilingual, row and column named, unknown column noted */
	assert_report(&i, "行号 row,列 column,字段 field,值 value,代码 code,错误说明,message");
	assert_report(
		&i, "1,备注,,备注,import.column_unknown,未知的列，已忽略,unknown column: ignored");
	assert_report(&i, "4,National ID,national_id");
	assert_report(
		&i,
		"「身份证号」出生日期 20050230 不存在,national_id: birth date 20050230 does not exist");
	assert_report(&i, "duplicate of row 2 of this file");
	assert_report(&i, "与文件第2行重复");
	assert_report(&i, "校验位错误");
	assert_report(&i, "6,National ID");
	assert_report(
		&i,
		"7,出生日期,birth_date,2001-02-29,date.invalid,「出生日期」“2001-02-29”不是有效日期,"
		"birth_date: '2001-02-29' is not a valid date");
	assert_int_equal(json_integer_value(json_object_get(i.r.reasons, "invalid")), 3);
	assert_int_equal(json_integer_value(json_object_get(i.r.reasons, "duplicate_file")), 1);
	/* national IDs in the report are masked */
	char masked[19];
	dt_natid_mask(good1, masked);
	assert_report(&i, masked);
	assert_false(report_has(&i, good1));
	imp_release(&i);

	/* --partial writes the two good rows */
	assert_int_equal(do_import(f, "trainees", csv, DT_IMPORT_PARTIAL, NULL, &i), DT_OK);
	assert_int_equal(i.r.written, 2);
	assert_int_equal(i.r.rejected, 4);
	assert_true(i.r.committed);
	assert_int_equal(fx_rows(f, "trainee"), 2);
	imp_release(&i);

	/* and again: now both are duplicates in the database */
	assert_int_equal(do_import(f, "trainees", csv, DT_IMPORT_PARTIAL, NULL, &i), DT_OK);
	assert_int_equal(i.r.written, 0);
	assert_int_equal(json_integer_value(json_object_get(i.r.reasons, "duplicate_db")), 2);
	assert_report(&i, "a trainee with this ID is already registered");
	imp_release(&i);
	int64_t checked;
	assert_int_equal(dt_store_audit_verify(f->s, &checked, &f->err), DT_OK);
}

static void test_import_references(void **state)
{
	struct fx *f = *state;
	char e1[19], e2[19], s1[19], nobody[19];
	import_orgs(f, e1, e2, s1);
	uscc_of(nobody, 99);
	char csv[2048];
	snprintf(
		csv, sizeof(csv),
		"项目编码,培养项目,院校统一社会信用代码,职业编码,培养等级,学制(月),企业学时,学校学时\n"
		"P-1,数控加工,%s,6-18-01-01,4,36,2400,1200\n"
		"P-2,数控加工,%s,6-18-01-01,4,36,2400,1200\n"  /* a school that is not there */
		"P-3,数控加工,%s,6-18-01-01,4,36,2400,1200\n"  /* an enterprise, not a school */
		"P-4,数控加工,%s,9-99-99-99,4,36,2400,1200\n"  /* no such occupation */
		"P-5,数控加工,%s,6-18-01-01,9,36,2400,1200\n", /* level out of range */
		s1, nobody, e1, s1, s1);
	struct imp i;
	assert_int_equal(do_import(f, "programmes", csv, DT_IMPORT_PARTIAL, NULL, &i), DT_OK);
	assert_int_equal(i.r.written, 1);
	assert_int_equal(i.r.rejected, 4);
	assert_int_equal(json_integer_value(json_object_get(i.r.reasons, "reference")), 3);
	assert_report(&i, "no organization with credit code");
	assert_report(&i, "is an enterprise, not a school");
	assert_report(&i, "no occupation with code 9-99-99-99");
	assert_report(&i, "「培养等级」9 超出范围 1 至 5,level: 9 is out of range 1..5");
	imp_release(&i);
}

/*
 * Phones and e-mail addresses are checked on both roads of a trainee
 * import, the bulk path and the general one (every row through the store),
 * with the same code as a form: "abc" was saved before.
 */
static void test_import_phone_email(void **state)
{
	struct fx *f = *state;
	char t1[19], t2[19], t3[19], csv[1024];
	fx_natid(t1, "210102", "20000101", 41);
	fx_natid(t2, "210102", "20000101", 42);
	fx_natid(t3, "210102", "20000101", 43);
	snprintf(csv, sizeof(csv),
		 "national_id,name,region,phone,email\n"
		 "%s,张三,210102,abc,\n"
		 "%s,李四,210102,13800138000,li@\n"
		 "%s,王五,210102,138 0013 8000,wang.wu@example.cn\n",
		 t1, t2, t3);
	static const unsigned roads[] = { 0, DT_IMPORT_GENERAL };
	for (size_t k = 0; k < DT_ARRAY_SIZE(roads); k++) {
		struct imp i;
		assert_int_equal(
			do_import(f, "trainee", csv, roads[k] | DT_IMPORT_PARTIAL, NULL, &i),
			DT_OK);
		assert_int_equal(i.r.written, 1);
		assert_int_equal(i.r.rejected, 2);
		assert_report(&i, "2,phone,phone,abc,phone.invalid,「联系电话」不是有效的电话号码");
		assert_report(&i, "phone: is not a valid phone number");
		assert_report(&i,
			      "3,email,email,li@,email.invalid,「电子邮箱」不是有效的电子邮箱地址");
		imp_release(&i);
		assert_int_equal(
			fx_sql_int(f, "SELECT count(*) FROM trainee WHERE phone = '138 0013 8000'"),
			1);
		assert_int_equal(fx_sql_int(f, "DELETE FROM trainee RETURNING 0"), 0);
	}
}

static void test_import_contracts_with_state(void **state)
{
	struct fx *f = *state;
	char e1[19], e2[19], s1[19], t1[19], t2[19];
	import_orgs(f, e1, e2, s1);
	fx_natid(t1, "210102", "20000101", 21);
	fx_natid(t2, "210102", "20000201", 22);
	char csv[4096];
	snprintf(
		csv, sizeof(csv),
		"code,name,school_uscc,occupation_code,level,duration_months,company_hours,school_hours\n"
		"P-9,数控,%s,6-18-01-01,4,36,2400,1200\n",
		s1);
	struct imp i;
	assert_int_equal(do_import(f, "programme", csv, 0, NULL, &i), DT_OK);
	imp_release(&i);
	snprintf(csv, sizeof(csv), "national_id,name,region\n%s,张三,210102\n%s,李四,210102\n", t1,
		 t2);
	assert_int_equal(do_import(f, "trainee", csv, 0, NULL, &i), DT_OK);
	imp_release(&i);
	snprintf(
		csv, sizeof(csv),
		"学员身份证号,企业统一社会信用代码,院校统一社会信用代码,培养项目编码,企业导师,学校导师,"
		"月津贴(元),开始日期,结束日期,状态,终止日期,解除原因\n"
		"%s,%s,%s,P-9,李师傅,王老师,2500,2025/9/1,2028年8月31日,履行中,,\n"
		"%s,%s,%s,P-9,李师傅,王老师,2500,2024-09-01,2027-08-31,dissolved,2025-03-01,搬家\n",
		t1, e1, s1, t2, e2, s1);
	if (do_import(f, "contracts", csv, 0, NULL, &i) != DT_OK)
		fail_msg("%s\n%s", f->err.buf, i.r.report.buf);
	imp_release(&i);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM contract WHERE status = 'active' AND "
				       "start_date = '2025-09-01' AND end_date = '2028-08-31'"),
			 1);
	assert_int_equal(fx_sql_int(f,
				    "SELECT count(*) FROM contract WHERE status = 'dissolved' AND "
				    "ended_on = '2025-03-01'"),
			 1);
	/* record-book entries name the contract by its trainee (and start date) */
	snprintf(csv, sizeof(csv),
		 "trainee_national_id,contract_start_date,date,site,hours,content\n"
		 "%s,2025-09-01,2025-10-08,企业,8,车床操作\n"
		 "%s,,2025-10-09,school,6,理论课\n"
		 "%s,2025-09-01,2025-10-10,company,8,x\n", /* t2's contract is dissolved */
		 t1, t1, t2);
	assert_int_equal(do_import(f, "record-entries", csv, DT_IMPORT_PARTIAL, NULL, &i), DT_OK);
	assert_int_equal(i.r.written, 2);
	assert_int_equal(i.r.rejected, 1);
	assert_report(&i, "the trainee has no contract starting on 2025-09-01");
	imp_release(&i);
	/* a scoped actor may not import contract states: the columns are ignored */
	struct dt_scope sc = { 210100, 0, 0, 0 };
	struct dt_actor a = { "city", NULL, &sc };
	snprintf(csv, sizeof(csv), "national_id,name,region,status\n%s,X,210102,active\n", t1);
	assert_int_equal(do_import(f, "trainee", csv, 0, &a, &i), DT_EINVAL);
	assert_report(&i, "unknown column");
	imp_release(&i);
}

static void test_import_scope_and_fatal(void **state)
{
	struct fx *f = *state;
	char t1[19], csv[1024];
	fx_natid(t1, "210102", "20000101", 31);
	struct dt_scope sc = { 210100, 0, 0, 0 }; /* Shenyang */
	struct dt_actor a = { "shenyang", NULL, &sc };
	snprintf(csv, sizeof(csv), "national_id,name,region\n%s,张三,210302\n", t1); /* Anshan */
	struct imp i;
	assert_int_equal(do_import(f, "trainee", csv, 0, &a, &i), DT_EINVAL);
	assert_int_equal(json_integer_value(json_object_get(i.r.reasons, "scope")), 1);
	assert_int_equal(fx_rows(f, "trainee"), 0);
	imp_release(&i);
	/* a missing required column is the file's fault: nothing is read */
	assert_int_equal(do_import(f, "trainee", "name,region\n张三,210102\n", 0, NULL, &i),
			 DT_EINVAL);
	assert_non_null(strstr(f->err.buf, "national_id"));
	imp_release(&i);
	assert_int_equal(do_import(f, "trainee", "", 0, NULL, &i), DT_EINVAL);
	assert_non_null(strstr(f->err.buf, "empty"));
	imp_release(&i);
	assert_int_equal(do_import(f, "regions", "code\n", 0, NULL, &i), DT_EINVAL);
	imp_release(&i);
	/* a 10 MB field: rejected, reported cut short */
	size_t big = (size_t)10 << 20;
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_strbuf_adds(&sb, "national_id,name,region\n");
	dt_strbuf_adds(&sb, t1);
	dt_strbuf_adds(&sb, ",\"");
	for (size_t k = 0; k < big; k++)
		dt_strbuf_addch(&sb, 'x');
	dt_strbuf_adds(&sb, "\",210102\n");
	assert_true(dt_strbuf_ok(&sb));
	assert_int_equal(do_import(f, "trainee", sb.buf, 0, NULL, &i), DT_EINVAL);
	assert_report(&i, "is too long (10485760 characters; at most 50)");
	assert_true(i.r.report.len < 4096);
	imp_release(&i);
	dt_strbuf_release(&sb);
	/* serial and threaded parsing agree */
	snprintf(csv, sizeof(csv), "national_id,name,region\n%s,张三,210102\n", t1);
	assert_int_equal(do_import(f, "trainee", csv, DT_IMPORT_SERIAL, NULL, &i), DT_OK);
	assert_int_equal(i.r.written, 1);
	imp_release(&i);
}

/*
 * The header and rows of any width: a header of more columns than allowed
 * is refused naming the limit (the report in Chinese first), whatever the
 * count - the cleanup once freed past the end of a 256-entry array here.
 * At the limit the file is read; rows wider than the header, and cells
 * longer than any field, are the row's fault and memory stays bounded.
 */
static void test_import_wide_header(void **state)
{
	struct fx *f = *state;
	static const size_t widths[] = { 255, 256, 257, 300, 1000, 4096, 100000 };
	char t1[19];
	fx_natid(t1, "210102", "20000101", 31);
	for (size_t k = 0; k < DT_ARRAY_SIZE(widths); k++) {
		size_t n = widths[k];
		struct dt_strbuf sb = DT_STRBUF_INIT;
		dt_strbuf_adds(&sb, "national_id,name,region");
		for (size_t c = 3; c < n; c++)
			dt_strbuf_addf(&sb, ",extra%zu", c);
		dt_strbuf_addf(&sb, "\r\n%s,张三,210102\r\n", t1);
		assert_true(dt_strbuf_ok(&sb));
		struct imp i;
		for (int serial = 0; serial < 2; serial++) {
			int rc = do_import(f, "trainee", sb.buf, serial ? DT_IMPORT_SERIAL : 0,
					   NULL, &i);
			if (n <= 256) {
				if (rc != DT_OK)
					fail_msg("%zu columns: %s\n%s", n, f->err.buf,
						 i.r.report.buf);
				assert_int_equal(i.r.written, 1);
				assert_int_equal(json_array_size(i.r.ignored), n - 3);
				fx_sql_exec(f, "DELETE FROM trainee");
			} else {
				char en[96], zh[96];
				snprintf(en, sizeof(en),
					 "header: %zu columns; at most 256 are allowed", n);
				snprintf(zh, sizeof(zh),
					 "文件无法导入：表头有%zu列，超过上限256列,", n);
				assert_int_equal(rc, DT_EINVAL);
				if (!strstr(f->err.buf, en))
					fail_msg("err: %s", f->err.buf);
				assert_report(&i, zh);
				assert_report(&i, en);
				/* Chinese first: the zh message comes before the English one */
				assert_true(strstr(i.r.report.buf, zh) <
					    strstr(i.r.report.buf, en));
				assert_int_equal(i.r.written, 0);
				assert_int_equal(fx_rows(f, "trainee"), 0);
			}
			imp_release(&i);
		}
		dt_strbuf_release(&sb);
	}

	/* a row far wider than the header: its own error, the others imported with --partial */
	char t2[19];
	fx_natid(t2, "210102", "20000102", 32);
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_strbuf_addf(&sb, "national_id,name,region\n%s,张三,210102", t1);
	for (size_t c = 0; c < 200000; c++)
		dt_strbuf_adds(&sb, c == 199990 ? ",x" : ",");
	dt_strbuf_addf(&sb, "\n%s,李四,210102\n", t2);
	struct imp i;
	assert_int_equal(do_import(f, "trainee", sb.buf, DT_IMPORT_PARTIAL, NULL, &i), DT_OK);
	assert_int_equal(i.r.written, 1);
	assert_int_equal(i.r.rejected, 1);
	assert_report(&i, "the row has 200003 cells but the header only 3 columns");
	imp_release(&i);
	fx_sql_exec(f, "DELETE FROM trainee");
	/* trailing empty cells past the header are still one more cell than the header */
	dt_strbuf_reset(&sb);
	dt_strbuf_addf(&sb, "national_id,name,region\n,,,,,,,,,\n%s,李四,210102\n", t2);
	assert_int_equal(do_import(f, "trainee", sb.buf, 0, NULL, &i), DT_OK);
	assert_int_equal(i.r.written, 1);
	assert_int_equal(i.r.rows, 1); /* the row of commas is blank */
	imp_release(&i);
	fx_sql_exec(f, "DELETE FROM trainee");

	/* a huge cell in an ignored column does not matter; in the header it is fatal */
	dt_strbuf_reset(&sb);
	dt_strbuf_addf(&sb, "national_id,name,region,remark\n%s,李四,210102,", t2);
	for (size_t c = 0; c < ((size_t)1 << 20); c++)
		dt_strbuf_addch(&sb, 'y');
	dt_strbuf_adds(&sb, "\n");
	assert_int_equal(do_import(f, "trainee", sb.buf, 0, NULL, &i), DT_OK);
	assert_int_equal(i.r.written, 1);
	imp_release(&i);
	fx_sql_exec(f, "DELETE FROM trainee");
	dt_strbuf_reset(&sb);
	dt_strbuf_adds(&sb, "national_id,name,");
	for (size_t c = 0; c < ((size_t)1 << 20); c++)
		dt_strbuf_addch(&sb, 'h');
	dt_strbuf_addf(&sb, ",region\n%s,李四,210102\n", t2);
	assert_int_equal(do_import(f, "trainee", sb.buf, 0, NULL, &i), DT_EINVAL);
	assert_report(&i, "表头第3列过长（1048576字节，最多65536字节）");
	assert_non_null(strstr(f->err.buf, "header: column 3 is 1048576 bytes long"));
	assert_true(i.r.report.len < 4096);
	imp_release(&i);
	/* an unknown column's long name is kept short in the summary and the report */
	dt_strbuf_reset(&sb);
	dt_strbuf_adds(&sb, "national_id,name,region,");
	for (size_t c = 0; c < 10000; c++)
		dt_strbuf_adds(&sb, "备");
	dt_strbuf_addf(&sb, "\n%s,李四,210102,x\n", t2);
	assert_int_equal(do_import(f, "trainee", sb.buf, DT_IMPORT_SERIAL, NULL, &i), DT_OK);
	assert_int_equal(json_array_size(i.r.ignored), 1);
	const char *ign = json_string_value(json_array_get(i.r.ignored, 0));
	assert_int_equal(dt_utf8_len(ign), 101);
	assert_true(!strcmp(ign + strlen(ign) - 3, "…"));
	assert_true(i.r.report.len < 2048);
	imp_release(&i);
	fx_sql_exec(f, "DELETE FROM trainee");
	/* a long cell in a required column: one error naming the field's limit, not "required" */
	dt_strbuf_reset(&sb);
	dt_strbuf_addf(&sb, "national_id,name,region\n%s,", t2);
	for (size_t c = 0; c < ((size_t)1 << 20); c++)
		dt_strbuf_addch(&sb, 'n');
	dt_strbuf_adds(&sb, ",210102\n");
	assert_int_equal(do_import(f, "trainee", sb.buf, 0, NULL, &i), DT_EINVAL);
	assert_int_equal(i.r.nerrors, 1);
	assert_report(&i, "「姓名」过长（1048576 个字符，最多 50 个）");
	assert_report(&i, "name: is too long (1048576 characters; at most 50)");
	/* the value in the report is its head and its length, as for any long value */
	struct dt_strbuf head = DT_STRBUF_INIT;
	for (int c = 0; c < 100; c++)
		dt_strbuf_addch(&head, 'n');
	dt_strbuf_adds(&head, "…(1048576 characters),");
	assert_report(&i, head.buf);
	dt_strbuf_release(&head);
	imp_release(&i);
	dt_strbuf_release(&sb);
	assert_int_equal(fx_rows(f, "trainee"), 0);
}

static void test_import_cancel(void **state)
{
	struct fx *f = *state;
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_strbuf_adds(&sb, "national_id,name,region\n");
	for (int k = 0; k < 600; k++) {
		char id[19];
		fx_natid(id, "210102", "19990101", k);
		dt_strbuf_addf(&sb, "%s,N%d,210102\n", id, k);
	}
	atomic_int cancel = 1;
	struct dt_import_opts o = { "trainee", DT_ENC_AUTO, 0, &f->actor, NULL, NULL, &cancel };
	struct dt_import_result r;
	dt_import_result_init(&r);
	assert_int_equal(dt_import_csv(f->s, &o, sb.buf, sb.len, &r, &f->err), DT_ECONFLICT);
	assert_true(r.cancelled);
	assert_int_equal(fx_rows(f, "trainee"), 0);
	dt_import_result_release(&r);
	dt_strbuf_release(&sb);
}

static void test_export_roundtrip(void **state)
{
	struct fx *f = *state;
	char e1[19], e2[19], s1[19];
	import_orgs(f, e1, e2, s1);
	char path[160], csv[1024];
	for (int k = 0; k < 3; k++) {
		char id[19];
		fx_natid(id, "210102", "20010101", 40 + k);
		snprintf(csv, sizeof(csv),
			 "national_id,name,gender,region\n%s,=HYPERLINK(\"x\"),%s,210102\n", id,
			 k % 2 ? "M" : "F");
		/* the gender must agree with the ID: only import those that do */
		struct imp i;
		do_import(f, "trainee", csv, 0, NULL, &i);
		imp_release(&i);
	}
	int64_t n0 = fx_rows(f, "trainee");
	assert_true(n0 >= 1);
	snprintf(path, sizeof(path), "%s/t.csv", f->dir);
	struct dt_export_opts o = { "trainees", DT_EXPORT_CSV, DT_EXPORT_UNMASK,
				    NULL,       &f->actor,     NULL,
				    NULL,       NULL };
	int64_t count = 0;
	int64_t audit0 = fx_audit_count(f);
	assert_int_equal(dt_export(f->s, &o, path, &count, &f->err), DT_OK);
	assert_int_equal(count, n0);
	assert_int_equal(fx_audit_count(f), audit0 + 1); /* the unmasked export is on the record */
	struct dt_strbuf data = DT_STRBUF_INIT;
	FILE *fp = fopen(path, "rb");
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), fp)) > 0)
		dt_strbuf_add(&data, buf, got);
	fclose(fp);
	assert_memory_equal(data.buf, "\xEF\xBB\xBF身份证号", 15);
	assert_non_null(strstr(data.buf, "\"'=HYPERLINK(\"\"x\"\")\"")); /* no formula */
	/* into a fresh database: the same trainees */
	struct fx *g = fx_open(true);
	assert_non_null(g);
	struct imp i;
	if (do_import(g, "trainees", data.buf, 0, NULL, &i) != DT_OK)
		fail_msg("%s\n%s", g->err.buf, i.r.report.buf);
	assert_int_equal(i.r.written, n0);
	imp_release(&i);
	assert_int_equal(
		fx_sql_int(g, "SELECT count(*) FROM trainee WHERE name = '=HYPERLINK(\"x\")'"), n0);
	fx_free(g);
	dt_strbuf_release(&data);
	/* a template: header and one valid example */
	snprintf(path, sizeof(path), "%s/tpl.csv", f->dir);
	assert_int_equal(
		dt_export_template("contract", DT_EXPORT_CSV, DT_EXPORT_EN, 1, path, &f->err),
		DT_OK);
	fp = fopen(path, "rb");
	got = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[got] = '\0';
	fclose(fp);
	assert_non_null(
		strstr(buf, "trainee_national_id,enterprise_uscc,school_uscc,programme_code"));
	assert_null(strstr(buf, "created_at"));
}

/* ---- the bulk path for trainees, against the general path as its oracle ---- */

static unsigned rnd(uint64_t *x, unsigned n)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((*x >> 33) % n);
}

/*
 * A file of @n trainee rows of every kind the bulk path takes or hands to
 * the general path: good rows with and without gender and birth date (in
 * several spellings), bad check characters, regions not in the table,
 * minors with and without a guardian, children, disagreeing gender or
 * birth date, names with quotes, backslashes, line breaks and too many
 * characters, duplicates within the file, and IDs in @taken (already in
 * the database).
 */
static void trainee_file(struct dt_strbuf *csv, int n, uint64_t seed, char taken[][19], int ntaken)
{
	static const char *const regions[] = { "210102", "210103", "210302", "110105",
					       "２１０１０２" };
	static const char *const names[] = { "王伟", "李\"娜\"", "张\\三", "赵 敏", "O'Brien" };
	char(*ids)[19] = calloc((size_t)n, sizeof(*ids));
	dt_strbuf_adds(
		csv,
		"\xEF\xBB\xBF身份证号,姓名,性别,出生日期,户籍地区,联系电话,电子邮箱,监护人\r\n");
	for (int i = 0; i < n; i++) {
		unsigned k = rnd(&seed, 13);
		int year = 1990 + (int)rnd(&seed, 17), month = 1 + (int)rnd(&seed, 12),
		    day = 1 + (int)rnd(&seed, 28);
		if (k == 6)
			year = 2009 + (int)rnd(&seed, 2); /* 16 or 17 on the pinned day */
		else if (k == 7)
			year = 2012;
		char birth8[9], natid[19], name[256], gender[8] = "", birth[32] = "",
						      guardian[16] = "";
		snprintf(birth8, sizeof(birth8), "%04d%02d%02d", year, month, day);
		fx_natid(natid, rnd(&seed, 2) ? "210102" : "210302", birth8, i);
		if (k == 4)
			natid[17] = natid[17] == '1' ? '2' : '1';
		if (k == 10 && i > 0)
			memcpy(natid, ids[rnd(&seed, (unsigned)i)], 19);
		if (k == 11 && ntaken)
			memcpy(natid, taken[rnd(&seed, (unsigned)ntaken)], 19);
		memcpy(ids[i], natid, 19);
		bool male = (natid[16] - '0') % 2 == 1;
		switch (rnd(&seed, 3)) {
		case 1: snprintf(gender, sizeof(gender), "%s", male ? "男" : "女"); break;
		case 2: snprintf(gender, sizeof(gender), "%s", male ? "M" : "f"); break;
		}
		switch (rnd(&seed, 4)) {
		case 1: snprintf(birth, sizeof(birth), "%04d-%02d-%02d", year, month, day); break;
		case 2: snprintf(birth, sizeof(birth), "%d/%d/%d", year, month, day); break;
		case 3: snprintf(birth, sizeof(birth), "%d年%d月%d日", year, month, day); break;
		}
		if (k == 8 && rnd(&seed, 2))
			snprintf(gender, sizeof(gender), "%s", male ? "女" : "男");
		else if (k == 8)
			snprintf(birth, sizeof(birth), "%04d-%02d-%02d", year, month,
				 day == 28 ? 27 : day + 1);
		if (k == 11) /* the taken ID's own birth date and gender follow from it */
			gender[0] = birth[0] = '\0';
		if (k == 6 && rnd(&seed, 2))
			snprintf(guardian, sizeof(guardian), "王父");
		const char *region = regions[rnd(&seed, 5)];
		if (k == 5)
			region = rnd(&seed, 2) ? "219999" : "abc";
		snprintf(name, sizeof(name), "%s", names[rnd(&seed, 5)]);
		if (k == 9) {
			switch (rnd(&seed, 3)) {
			case 0: snprintf(name, sizeof(name), "王\n伟"); break;
			case 1: snprintf(name, sizeof(name), "王\t伟"); break;
			default:
				for (int c = 0; c < 51; c++)
					memcpy(name + 3 * c, "长", 4);
			}
		}
		/* quoted as a spreadsheet writes it */
		struct dt_strbuf q = DT_STRBUF_INIT;
		for (const char *c = name; *c; c++) {
			if (*c == '"')
				dt_strbuf_addch(&q, '"');
			dt_strbuf_addch(&q, *c);
		}
		dt_strbuf_addf(csv, "%s,\"%s\",%s,%s,%s,%s,%s,%s\r\n", natid, q.buf, gender, birth,
			       region, rnd(&seed, 2) ? "13800000000" : "",
			       rnd(&seed, 3) ? "" : "a@example.cn", guardian);
		dt_strbuf_release(&q);
	}
	free(ids);
}

/* Every trainee (IDs unmasked) and every trainee event (times left out), as text. */
static void trainee_dump(struct fx *f, struct dt_strbuf *out)
{
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st;
	st = fx_prepare(db, "SELECT t.id, t.national_id, name, gender, birth_date, "
			    "t.region, phone, email, guardian_name, registered_by, "
			    "t.created_at, a.after, a.actor, a.action, a.region, a.id, a.before, "
			    "a.packed "
			    "FROM trainee t JOIN audit a ON a.entity = 'trainee' "
			    "AND a.entity_id = t.id ORDER BY t.id");
	while (dt_db_step(st) == DT_DB_ROW) {
		int64_t id = dt_db_column_int64(st, 0);
		for (int c = 0; c < 15; c++)
			if (c != 10 && c != 11)
				dt_strbuf_addf(out, "%s|", dt_db_column_text(st, c));
		/* the clear ID, through the key */
		json_t *o = NULL;
		assert_int_equal(
			dt_store_get(f->s, NULL, "trainee", id, DT_READ_UNMASK, &o, &f->err),
			DT_OK);
		dt_strbuf_addf(out, "%s|", json_string_value(json_object_get(o, "national_id")));
		json_decref(o);
		/*
		 * the event's after: canonical as jansson writes it; whole (with
		 * what a create may leave out put back), stamped as the row
		 */
		char *after, *none;
		/* (a new database: every event from the first of format 5) */
		assert_true(dt_audit_column_texts(st, 1, 15, 16, 11, 17, &none, &after));
		assert_null(none);
		json_t *a = json_loads(after, 0, NULL);
		assert_non_null(a);
		char *canon = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
		assert_string_equal(canon, after);
		free(canon);
		free(after);
		json_decref(a);
		int64_t last = 0;
		assert_int_equal(dt_store_audit_fold(f->s, "trainee", id, &a, &last, &f->err),
				 DT_OK);
		assert_non_null(a);
		assert_string_equal(json_string_value(json_object_get(a, "created_at")),
				    dt_db_column_text(st, 10));
		json_object_del(a, "created_at");
		json_object_del(a, "updated_at");
		canon = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
		dt_strbuf_addf(out, "%s\n", canon);
		free(canon);
		json_decref(a);
	}
	dt_db_finalize(st);
	dt_db_close(db);
	int64_t checked = 0;
	assert_int_equal(dt_store_audit_verify(f->s, &checked, &f->err), DT_OK);
}

static void test_bulk_path_oracle(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct fx *fast = fx_open(false), *gen = fx_open(false);
		assert_non_null(fast);
		assert_non_null(gen);
		/* the same registered trainees and school in both */
		char taken[8][19];
		for (int i = 0; i < 8; i++) {
			fx_trainee(fast, "210102", taken[i]);
			fx_trainee(gen, "210102", NULL);
		}
		int64_t school = fx_org(fast, "school", 210102, "沈阳示例职业技术学院");
		assert_int_equal(fx_org(gen, "school", 210102, "沈阳示例职业技术学院"), school);
		struct dt_scope city = { 210100, 0, 0, 0 }, org = { 0, school, 0, 0 };
		struct dt_actor who[] = { { "test:unit", NULL, NULL },
					  { "shenyang", NULL, &city },
					  { "school", NULL, &org } };
		const struct dt_actor *a = &who[seed % 3];
		struct dt_strbuf csv = DT_STRBUF_INIT, df = DT_STRBUF_INIT, dg = DT_STRBUF_INIT;
		trainee_file(&csv, 300, seed, taken, 8);
		for (int partial = 0; partial < 2; partial++) {
			struct imp i1, i2;
			unsigned fl = partial ? DT_IMPORT_PARTIAL : 0;
			int rc1 = do_import(fast, "trainees", csv.buf, fl, a, &i1);
			int rc2 =
				do_import(gen, "trainees", csv.buf, fl | DT_IMPORT_GENERAL, a, &i2);
			assert_int_equal(rc1, rc2);
			assert_int_equal(i1.r.rows, 300);
			assert_int_equal(i1.r.written, i2.r.written);
			assert_int_equal(i1.r.rejected, i2.r.rejected);
			assert_int_equal(i1.r.nerrors, i2.r.nerrors);
			assert_true(json_equal(i1.r.reasons, i2.r.reasons));
			assert_string_equal(i1.r.report.buf, i2.r.report.buf);
			/* the file has every kind of fault, and good rows */
			assert_true(i1.r.rejected > 30);
			if (partial ? i1.r.written < 40 : i1.r.written != 0)
				fail_msg("seed %d: %lld written", (int)seed,
					 (long long)i1.r.written);
			assert_true(json_integer_value(
					    json_object_get(i1.r.reasons, "duplicate_db")) > 0);
			/* the bulk path took the good rows it could, the general path none */
			assert_true(partial ? i1.r.bulk > 20 : i1.r.bulk == 0);
			assert_int_equal(i2.r.bulk, 0);
			assert_true(json_integer_value(
					    json_object_get(i1.r.reasons, "duplicate_file")) > 0);
			imp_release(&i1);
			imp_release(&i2);
		}
		trainee_dump(fast, &df);
		trainee_dump(gen, &dg);
		assert_string_equal(df.buf, dg.buf);
		assert_true(fx_rows(fast, "trainee") > 40);
		dt_strbuf_release(&csv);
		dt_strbuf_release(&df);
		dt_strbuf_release(&dg);
		fx_free(fast);
		fx_free(gen);
	}
}

/*
 * IDs already registered among thousands of good rows, which the bulk path
 * writes by copy in batches of DT_TRAINEE_BATCH: a taken ID fails its
 * batch's copy whole, and the row that holds it must still be found and
 * named, in a first batch and in a later one, while the other rows go in
 * with consecutive ids and events that verify.  All or nothing writes none.
 */
static void test_bulk_path_taken_in_long_batch(void **state)
{
	(void)state;
	enum { N = DT_TRAINEE_BATCH + 200 };
	static const unsigned at[] = { 7, DT_TRAINEE_BATCH + 3, N - 1 }; /* rows with a taken ID */
	struct fx *f = fx_open(false);
	assert_non_null(f);
	char taken[3][19];
	for (int i = 0; i < 3; i++)
		fx_trainee(f, "210102", taken[i]);
	struct dt_strbuf csv = DT_STRBUF_INIT;
	dt_strbuf_adds(&csv, "身份证号,姓名,户籍地区\r\n");
	for (unsigned i = 0, k = 0; i < N; i++) {
		char natid[19], birth8[16];
		snprintf(birth8, sizeof(birth8), "%04u%02u%02u", 1995 + i / 336, 1 + (i / 28) % 12,
			 1 + i % 28);
		fx_natid(natid, "210302", birth8, i);
		if (k < 3 && i == at[k])
			memcpy(natid, taken[k++], 19);
		dt_strbuf_addf(&csv, "%s,双元学员%u,210102\r\n", natid, i);
	}
	for (int partial = 0; partial < 2; partial++) {
		struct imp i;
		int64_t before = fx_rows(f, "trainee");
		int rc = do_import(f, "trainees", csv.buf, partial ? DT_IMPORT_PARTIAL : 0, NULL,
				   &i);
		if (rc != (partial ? DT_OK : DT_EINVAL))
			fail_msg("partial %d: %d: %s", partial, rc, f->err.buf);
		assert_int_equal(i.r.rows, N);
		if (i.r.rejected != 3)
			fail_msg("partial %d: %lld rejected: %.600s", partial,
				 (long long)i.r.rejected, i.r.report.buf);
		assert_int_equal(json_integer_value(json_object_get(i.r.reasons, "duplicate_db")),
				 3);
		/* each named by its row (the header is row 1), and no other */
		for (int k = 0; k < 3; k++) {
			char line[32];
			snprintf(line, sizeof(line), "\n%d,", at[k] + 2);
			assert_report(&i, line);
		}
		assert_int_equal(i.r.nerrors, 3);
		if (partial) {
			assert_int_equal(i.r.written, N - 3);
			assert_int_equal(i.r.bulk, N - 3);
			assert_int_equal(fx_rows(f, "trainee"), before + N - 3);
		} else {
			assert_int_equal(i.r.written, 0);
			assert_int_equal(fx_rows(f, "trainee"), before);
		}
		imp_release(&i);
	}
	/* the new trainees' ids follow one another, each with its one event */
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = fx_prepare(
		db,
		"SELECT count(*), max(id) - min(id) + 1, (SELECT count(*) FROM audit WHERE "
		"entity = 'trainee' AND action = 'create' AND entity_id > 3) FROM trainee WHERE id > 3");
	assert_int_equal(dt_db_step(st), DT_DB_ROW);
	assert_int_equal(dt_db_column_int64(st, 0), N - 3);
	assert_int_equal(dt_db_column_int64(st, 1), N - 3);
	assert_int_equal(dt_db_column_int64(st, 2), N - 3);
	dt_db_finalize(st);
	dt_db_close(db);
	int64_t checked = 0;
	assert_int_equal(dt_store_audit_verify(f->s, &checked, &f->err), DT_OK);
	dt_strbuf_release(&csv);
	fx_free(f);
}

static void test_jobs_rows(void **state)
{
	struct fx *f = *state;
	int64_t id = 0, n = 0;
	json_t *p = json_pack("{s:b}", "partial", 0), *o = NULL;
	assert_int_equal(dt_store_job_max_id(f->s, &id, &f->err), DT_OK);
	assert_int_equal(id, 0);
	id = 7;
	assert_int_equal(dt_store_job_create(f->s, id, "import", "trainee", "alice", p,
					     "2026-11-26T08:00:00.000Z", true, &f->err),
			 DT_OK);
	/* twice is once */
	assert_int_equal(dt_store_job_create(f->s, id, "import", "trainee", "alice", p,
					     "2026-11-26T08:00:00.000Z", false, &f->err),
			 DT_OK);
	json_decref(p);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM job"), 1);
	int64_t max = 0;
	assert_int_equal(dt_store_job_max_id(f->s, &max, &f->err), DT_OK);
	assert_int_equal(max, 7);
	assert_int_equal(dt_store_job_start(f->s, id, &f->err), DT_OK);
	assert_int_equal(dt_store_job_recover(f->s, "interrupted", &n, &f->err), DT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(dt_store_job_get(f->s, id, &o, &f->err), DT_OK);
	assert_string_equal(fx_str(o, "status"), "failed");
	assert_string_equal(fx_str(o, "error"), "interrupted");
	json_decref(o);
	assert_int_equal(
		dt_store_job_finish(f->s, id, "succeeded", 3, 3, NULL, NULL, "a,b\r\n", 5, &f->err),
		DT_OK);
	struct dt_strbuf rep = DT_STRBUF_INIT;
	assert_int_equal(dt_store_job_report(f->s, id, &rep, &f->err), DT_OK);
	assert_string_equal(rep.buf, "a,b\r\n");
	dt_strbuf_release(&rep);
	json_t *list = NULL;
	assert_int_equal(dt_store_job_list(f->s, "bob", 10, &list, &f->err), DT_OK);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	assert_int_equal(dt_store_job_list(f->s, "alice", 10, &list, &f->err), DT_OK);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoding_detect),
		cmocka_unit_test(test_cell_clean),
		cmocka_unit_test(test_import_seen),
		cmocka_unit_test_setup_teardown(test_import_orgs_and_report, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_import_all_or_nothing, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_import_references, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_import_phone_email, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_import_contracts_with_state, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_import_scope_and_fatal, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_import_wide_header, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_import_cancel, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_export_roundtrip, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_jobs_rows, fx_setup, fx_teardown),
		cmocka_unit_test(test_bulk_path_oracle),
		cmocka_unit_test(test_bulk_path_taken_in_long_batch),
	};
	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
