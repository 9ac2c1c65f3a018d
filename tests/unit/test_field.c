/*
 * test_field.c - unit tests of the one field validator (domain/field.h).
 *
 * One test per kind of field: presence, type, text (NUL, UTF-8, empty,
 * length, the default length), numbers and their range, enumerations,
 * dates, booleans, references and regions (with facts given as the store
 * would give them, and without), the TEXT fields' own checks (national ID,
 * USCC, occupation code, skill levels, indicator, phone, e-mail), and the
 * import's reading of cells.  Every refusal is asserted by its code and
 * arguments.  Property tests: every mobile number 1[3-9] + 9 digits is a
 * phone and no other 11-digit number starting with 1 is; a value accepted
 * is accepted again as it came out.
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/entity.h"
#include "domain/field.h"
#include "core/banned.h"

static const struct dt_field *field_of(const char *entity, const char *name)
{
	const struct dt_entity *e = dt_entity_find(entity);
	assert_non_null(e);
	const struct dt_field *f = dt_entity_field(e, name);
	assert_non_null(f);
	return f;
}

static struct dt_value text(const char *s)
{
	return (struct dt_value){ .type = DT_V_TEXT, .text = s, .len = strlen(s) };
}

static struct dt_value integer(int64_t i)
{
	return (struct dt_value){ .type = DT_V_INT, .i = i };
}

/*
 * Check @in against @f expecting one problem @code about @f with (at least)
 * the arguments given as key/value pairs ended by NULL.
 */
static void expect_problem(const struct dt_field *f, struct dt_value in,
			   const struct dt_field_facts *facts, const char *code, ...)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_strbuf norm = DT_STRBUF_INIT;
	struct dt_value out;
	enum dt_err rc = dt_field_check(f, &in, facts, &out, &norm, &ps, f->name);
	if (rc == DT_OK || ps.n != 1 || strcmp(ps.v[0].code, code))
		fail_msg("%s '%.*s': rc %d, %zu problems, first %s, wanted %s", f->name,
			 in.type == DT_V_TEXT ? (int)in.len : 0,
			 in.type == DT_V_TEXT ? in.text : "", rc, ps.n,
			 ps.n ? ps.v[0].code : "(none)", code);
	assert_int_equal(rc, dt_problem_kind(code));
	assert_string_equal(ps.v[0].field, f->name);
	assert_int_equal(out.type, DT_V_NULL);
	va_list ap;
	va_start(ap, code);
	for (const char *k; (k = va_arg(ap, const char *));) {
		const char *v = va_arg(ap, const char *);
		const char *got = dt_problem_arg(&ps.v[0], k);
		if (!got || strcmp(got, v))
			fail_msg("%s %s: %s = %s, wanted %s", f->name, code, k,
				 got ? got : "(none)", v);
	}
	va_end(ap);
	dt_problems_release(&ps);
	dt_strbuf_release(&norm);
}

/* Check @in against @f expecting it accepted; the normalised text (or "") in @want. */
static struct dt_value expect_ok(const struct dt_field *f, struct dt_value in,
				 const struct dt_field_facts *facts, struct dt_strbuf *norm)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_value out;
	enum dt_err rc = dt_field_check(f, &in, facts, &out, norm, &ps, f->name);
	if (rc != DT_OK)
		fail_msg("%s: refused with %s", f->name, ps.n ? ps.v[0].code : "?");
	assert_int_equal(ps.n, 0);
	dt_problems_release(&ps);
	return out;
}

static void test_presence_and_type(void **state)
{
	(void)state;
	struct dt_strbuf norm = DT_STRBUF_INIT;
	const struct dt_field *name = field_of("trainee", "name");
	const struct dt_field *phone = field_of("trainee", "phone");
	struct dt_value null = { .type = DT_V_NULL };
	expect_problem(name, null, NULL, "field.required", NULL);
	struct dt_value out = expect_ok(phone, null, NULL, &norm);
	assert_int_equal(out.type, DT_V_NULL);

	expect_problem(name, integer(5), NULL, "type.string", NULL);
	struct dt_value other = { .type = DT_V_OTHER };
	expect_problem(name, other, NULL, "type.string", NULL);
	expect_problem(field_of("programme", "level"), text("3"), NULL, "type.integer", NULL);
	expect_problem(field_of("programme", "level"),
		       (struct dt_value){ .type = DT_V_REAL, .d = 3 }, NULL, "type.integer", NULL);
	expect_problem(field_of("record_entry", "hours"), text("8"), NULL, "type.number", NULL);
	expect_problem(field_of("contract", "start_date"), integer(20260901), NULL, "type.date",
		       NULL);
	expect_problem(field_of("contract", "dissolved_in_probation"), integer(1), NULL,
		       "type.boolean", NULL);
	expect_problem(field_of("trainee", "gender"), integer(1), NULL, "type.string", NULL);
	expect_problem(field_of("contract", "trainee_id"), text("7"), NULL, "type.integer", NULL);
	expect_problem(field_of("trainee", "region"), (struct dt_value){ .type = DT_V_BOOL }, NULL,
		       "type.region", NULL);
	expect_problem(field_of("trainee", "created_at"), text("2026-01-01T00:00:00Z"), NULL,
		       "field.system", NULL);
	dt_strbuf_release(&norm);
}

static void test_text(void **state)
{
	(void)state;
	struct dt_strbuf norm = DT_STRBUF_INIT;
	const struct dt_field *name = field_of("trainee", "name"); /* required, at most 50 */
	expect_problem(name, (struct dt_value){ .type = DT_V_TEXT, .text = "a\0b", .len = 3 }, NULL,
		       "text.nul", NULL);
	expect_problem(name, text("\xff\xfe"), NULL, "text.utf8", NULL);
	expect_problem(name, text("\xe5\xbc"), NULL, "text.utf8", NULL); /* cut in a character */
	expect_problem(name, text(""), NULL, "text.empty", NULL);
	/* the length is in characters: 50 Chinese characters fit, 51 do not */
	struct dt_strbuf long_name = DT_STRBUF_INIT;
	for (int i = 0; i < 50; i++)
		dt_strbuf_adds(&long_name, "张");
	struct dt_value out = expect_ok(name, text(long_name.buf), NULL, &norm);
	assert_int_equal(out.len, 150);
	dt_strbuf_adds(&long_name, "张");
	expect_problem(name, text(long_name.buf), NULL, "text.too_long", "length", "51", "max",
		       "50", NULL);
	/* an optional text may be empty */
	out = expect_ok(field_of("trainee", "guardian_name"), text(""), NULL, &norm);
	assert_int_equal(out.type, DT_V_TEXT);
	assert_int_equal(out.len, 0);

	/* the default limit, written once */
	static const struct dt_field unlimited = { "note", DT_F_TEXT, 0,    0,      0,     NULL,
						   NULL,   NULL,      NULL, "说明", "Note" };
	assert_int_equal(dt_field_text_max(&unlimited), DT_TEXT_DEFAULT_MAX);
	struct dt_strbuf t = DT_STRBUF_INIT;
	for (int i = 0; i < DT_TEXT_DEFAULT_MAX; i++)
		dt_strbuf_addch(&t, 'x');
	expect_ok(&unlimited, text(t.buf), NULL, &norm);
	dt_strbuf_addch(&t, 'x');
	expect_problem(&unlimited, text(t.buf), NULL, "text.too_long", "length", "201", "max",
		       "200", NULL);
	dt_strbuf_release(&t);
	dt_strbuf_release(&long_name);
	dt_strbuf_release(&norm);
}

static void test_numbers(void **state)
{
	(void)state;
	struct dt_strbuf norm = DT_STRBUF_INIT;
	const struct dt_field *hours = field_of("programme", "company_hours"); /* 0..20000 */
	expect_problem(hours, integer(-5), NULL, "number.range", "value", "-5", "min", "0", "max",
		       "20000", NULL);
	expect_problem(hours, integer(20001), NULL, "number.range", "value", "20001", NULL);
	assert_int_equal(expect_ok(hours, integer(20000), NULL, &norm).i, 20000);
	assert_int_equal(expect_ok(hours, integer(0), NULL, &norm).i, 0);

	const struct dt_field *h = field_of("record_entry", "hours"); /* REAL 0..24 */
	expect_problem(h, (struct dt_value){ .type = DT_V_REAL, .d = 24.5 }, NULL, "number.range",
		       "value", "24.5", "min", "0", "max", "24", NULL);
	struct dt_value out = expect_ok(h, integer(8), NULL, &norm);
	assert_int_equal(out.type, DT_V_REAL);
	assert_true(out.d == 8.0);
	/* stored as hundredths (DT_FF_CENTI): two decimals at most, more refused, never rounded */
	assert_true(
		expect_ok(h, (struct dt_value){ .type = DT_V_REAL, .d = 7.55 }, NULL, &norm).d ==
		7.55);
	expect_problem(h, (struct dt_value){ .type = DT_V_REAL, .d = 7.125 }, NULL, "number.step",
		       "value", "7.125", "step", "0.01", NULL);
	expect_problem(h, (struct dt_value){ .type = DT_V_REAL, .d = 7.5500001 }, NULL,
		       "number.step", "value", "7.5500001", NULL);
	dt_strbuf_release(&norm);
}

/* The one wording that matters here: a refused enumeration names its values in words. */
static void test_enum_wording(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_strbuf norm = DT_STRBUF_INIT, zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
	struct dt_value out, in = text("huge");
	dt_problems_entity(&ps, "organization");
	assert_int_equal(dt_field_check(field_of("organization", "size"), &in, NULL, &out, &norm,
					&ps, "size"),
			 DT_EINVAL);
	dt_problems_render(&ps, DT_LANG_ZH, &zh);
	dt_problems_render(&ps, DT_LANG_EN, &en);
	assert_string_equal(zh.buf, "规模：“huge”不是可选值，可选：微型、小型、中型、大型");
	assert_non_null(strstr(en.buf, "'huge' is not one of: micro, small, medium"));
	dt_problems_release(&ps);
	dt_strbuf_release(&norm);
	dt_strbuf_release(&zh);
	dt_strbuf_release(&en);
}

static void test_enum_date_bool(void **state)
{
	(void)state;
	struct dt_strbuf norm = DT_STRBUF_INIT;
	const struct dt_field *size = field_of("organization", "size");
	expect_problem(size, text("huge"), NULL, "enum.value", "value", "huge", "values",
		       "micro|small|medium|large", NULL);
	expect_problem(size, text("Small"), NULL, "enum.value", NULL); /* JSON is exact */
	struct dt_value out = expect_ok(size, text("small"), NULL, &norm);
	assert_int_equal(out.len, 5);

	const struct dt_field *d = field_of("contract", "start_date");
	expect_problem(d, text("2026-9-1"), NULL, "type.date", NULL);
	expect_problem(d, text("2026/09/01"), NULL, "type.date", NULL);
	expect_problem(d, text("2026-02-29"), NULL, "date.invalid", "value", "2026-02-29", NULL);
	expect_problem(d, text("2026-13-01"), NULL, "date.invalid", NULL);
	out = expect_ok(d, text("2024-02-29"), NULL, &norm);
	assert_int_equal(out.len, 10);
	assert_memory_equal(out.text, "2024-02-29", 10);

	const struct dt_field *b = field_of("contract", "dissolved_in_probation");
	out = expect_ok(b, (struct dt_value){ .type = DT_V_BOOL, .b = true }, NULL, &norm);
	assert_true(out.b);
	dt_strbuf_release(&norm);
}

/* The store's answers, made up: regions 210000, 210100; organisations 1 (school), 2 (enterprise). */
static bool fake_region(void *ctx, int code)
{
	(*(int *)ctx)++;
	return code == 210000 || code == 210100;
}

static bool fake_ref(void *ctx, const struct dt_field *f, int64_t id, const char **kind)
{
	(*(int *)ctx)++;
	if (strcmp(f->ref, "organization") || (id != 1 && id != 2))
		return false;
	*kind = id == 1 ? "school" : "enterprise";
	return true;
}

static void test_references_and_regions(void **state)
{
	(void)state;
	int asked = 0;
	struct dt_field_facts facts = { &asked, fake_region, fake_ref };
	struct dt_strbuf norm = DT_STRBUF_INIT;
	const struct dt_field *ent = field_of("contract", "enterprise_id");
	expect_problem(ent, integer(0), &facts, "ref.missing", "entity", "organization", "id", "0",
		       NULL);
	assert_int_equal(asked, 0); /* no query for an id that cannot be */
	expect_problem(ent, integer(9), &facts, "ref.missing", "id", "9", NULL);
	expect_problem(ent, integer(1), &facts, "ref.kind", "id", "1", "kind", "school", "expected",
		       "enterprise", NULL);
	assert_int_equal(expect_ok(ent, integer(2), &facts, &norm).i, 2);
	/* without facts the store checks later: only the form is checked here */
	assert_int_equal(expect_ok(ent, integer(9), NULL, &norm).i, 9);

	const struct dt_field *r = field_of("trainee", "region");
	asked = 0;
	expect_problem(r, text("21010"), &facts, "region.format", "value", "21010", NULL);
	expect_problem(r, text("990000"), &facts, "region.province", "province", "99", NULL);
	expect_problem(r, text("210001"), &facts, "region.county", NULL);
	assert_int_equal(asked, 0); /* no query for a malformed code */
	expect_problem(r, text("210200"), &facts, "region.unknown", "value", "210200", NULL);
	expect_problem(r, integer(210200), &facts, "region.unknown", "value", "210200", NULL);
	expect_problem(r, integer(-1), &facts, "region.format", NULL);
	expect_problem(r, text("2101000"), &facts, "region.format", NULL);
	struct dt_value out = expect_ok(r, text("210100"), &facts, &norm);
	assert_int_equal(out.type, DT_V_INT);
	assert_int_equal(out.i, 210100);
	assert_int_equal(expect_ok(r, integer(210000), &facts, &norm).i, 210000);
	assert_int_equal(expect_ok(r, text("210200"), NULL, &norm).i, 210200);
	dt_strbuf_release(&norm);
}

static void test_domain_texts(void **state)
{
	(void)state;
	struct dt_strbuf norm = DT_STRBUF_INIT;
	const struct dt_field *nid = field_of("trainee", "national_id");
	expect_problem(nid, text("210102199001011233"), NULL, "natid.check_char", "expected", "7",
		       "got", "3", NULL);
	struct dt_value out = expect_ok(nid, text("11010519491231002x"), NULL, &norm);
	assert_int_equal(out.len, 18);
	assert_memory_equal(out.text, "11010519491231002X", 18); /* normalised */
	expect_ok(nid, text("440524188001010014"), NULL, &norm);

	const struct dt_field *u = field_of("organization", "uscc");
	expect_problem(u, text("91350100M000100Y44"), NULL, "uscc.check_char", "expected", "3",
		       "got", "4", NULL);
	out = expect_ok(u, text("91350100m000100y43"), NULL, &norm);
	assert_memory_equal(out.text, "91350100M000100Y43", 18);

	const struct dt_field *occ = field_of("occupation", "code");
	expect_problem(occ, text("9-31-01-03"), NULL, "occupation.major", "value", "9", NULL);
	expect_problem(occ, text("6310103"), NULL, "occupation.format", NULL);

	const struct dt_field *lv = field_of("occupation", "levels");
	expect_ok(lv, text("5 4 3"), NULL, &norm);
	expect_ok(lv, text("1"), NULL, &norm);
	expect_problem(lv, text("5 5"), NULL, "levels.repeated", "level", "5", NULL);
	expect_problem(lv, text("6"), NULL, "levels.format", NULL);
	expect_problem(lv, text("5  4"), NULL, "levels.format", NULL);
	expect_problem(lv, text("5 4 "), NULL, "levels.format", NULL);

	const struct dt_field *ind = field_of("target", "indicator");
	expect_problem(ind, text("no_such_indicator"), NULL, "indicator.unknown", NULL);
	dt_strbuf_release(&norm);
}

static void test_phone(void **state)
{
	(void)state;
	struct dt_strbuf norm = DT_STRBUF_INIT;
	static const char *const good[] = {
		"13800138000",     "19912345678",       "138 0013 8000",   "138-0013-8000",
		"+8613800138000",  "+86 138 0013 8000", "008613800138000", "010-12345678",
		"01012345678",     "0411-8888666",      "0411-88886666",   "(0411)88886666",
		"(010) 1234 5678", "021 6288 8888",     "+86 10 12345678", "+86-411-88886666",
		"400-810-8888",    "4008108888",        "800-820-8820",
	};
	static const char *const bad[] = {
		"abc",
		"",
		"12345",
		"12800138000",
		"10800138000",
		"1380013800",
		"138001380000",
		"+1 202 555 0100",
		"+86 010 12345678",
		"0411-888866",
		"0411-888866666",
		"011-12345678",
		"010-02345678",
		"138--0013-8000",
		"-13800138000",
		"13800138000-",
		"138 0013 8000 ",
		"13800138000x",
		"0086",
		"+86",
		"1380013８000",
		"(0411)(8888)6666)",
	};
	const struct dt_field *p = field_of("trainee", "phone");
	for (size_t i = 0; i < DT_ARRAY_SIZE(good); i++) {
		struct dt_problems ps = DT_PROBLEMS_INIT;
		dt_strbuf_reset(&norm);
		if (dt_field_phone(good[i], &norm, &ps, "phone") != DT_OK)
			fail_msg("phone '%s' refused", good[i]);
		assert_string_equal(norm.buf, good[i]); /* kept as given */
		dt_problems_release(&ps);
	}
	for (size_t i = 0; i < DT_ARRAY_SIZE(bad); i++) {
		if (!*bad[i])
			continue; /* an empty optional field is no phone number: not checked */
		expect_problem(p, text(bad[i]), NULL, "phone.invalid", NULL);
	}
	/* the organisation's contact phone is checked the same way */
	expect_problem(field_of("organization", "contact_phone"), text("abc"), NULL,
		       "phone.invalid", NULL);

	/* property: 1 + d + 9 digits is a mobile number exactly when d is 3..9 */
	srand(12);
	for (int n = 0; n < 2000; n++) {
		char num[12];
		num[0] = '1';
		for (int i = 1; i < 11; i++)
			num[i] = (char)('0' + rand() % 10);
		num[11] = '\0';
		bool want = num[1] >= '3';
		bool got = dt_field_phone(num, &norm, NULL, "phone") == DT_OK;
		if (got != want)
			fail_msg("%s: %s", num, got ? "accepted" : "refused");
	}
	dt_strbuf_release(&norm);
}

static void test_email(void **state)
{
	(void)state;
	struct dt_strbuf norm = DT_STRBUF_INIT;
	static const char *const good[] = {
		"zhang.san@example.cn", "a@b.co",       "li+training@mail.school.edu.cn",
		"x_y-z@sub-domain.org", "王@例子.中国", "o'brien@example.com",
	};
	static const char *const bad[] = {
		"abc",
		"@example.cn",
		"zhang@",
		"zhang@example",
		"zhang@@example.cn",
		"a@b@c.cn",
		".zhang@example.cn",
		"zhang.@example.cn",
		"zh..ang@example.cn",
		"zhang@-example.cn",
		"zhang@example-.cn",
		"zhang@example..cn",
		"zhang@.example.cn",
		"zhang@example.cn.",
		"zhang san@example.cn",
		"zhang@exa mple.cn",
		"zhang@exa_mple.cn",
	};
	const struct dt_field *e = field_of("trainee", "email");
	for (size_t i = 0; i < DT_ARRAY_SIZE(good); i++)
		expect_ok(e, text(good[i]), NULL, &norm);
	for (size_t i = 0; i < DT_ARRAY_SIZE(bad); i++)
		expect_problem(e, text(bad[i]), NULL, "email.invalid", NULL);
	/* a local part of 65 characters */
	struct dt_strbuf t = DT_STRBUF_INIT;
	for (int i = 0; i < 65; i++)
		dt_strbuf_addch(&t, 'a');
	dt_strbuf_adds(&t, "@b.cn");
	expect_problem(e, text(t.buf), NULL, "email.invalid", NULL);
	dt_strbuf_release(&t);
	dt_strbuf_release(&norm);
}

/* An import cell read and checked: the value (INT as decimal text), or the code refused with. */
static void cell(const char *entity, const char *name, const char *t, const char *want)
{
	const struct dt_field *f = field_of(entity, name);
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_strbuf scratch = DT_STRBUF_INIT, norm = DT_STRBUF_INIT, got = DT_STRBUF_INIT;
	struct dt_value in, out;
	enum dt_err rc = dt_field_read(f->type, t, &in, &scratch, &ps, name);
	if (rc == DT_OK)
		rc = dt_field_check(f, &in, NULL, &out, &norm, &ps, name);
	if (rc != DT_OK)
		dt_strbuf_adds(&got, ps.v[0].code);
	else if (out.type == DT_V_INT)
		dt_strbuf_addf(&got, "%lld", (long long)out.i);
	else if (out.type == DT_V_REAL)
		dt_strbuf_addf(&got, "%g", out.d);
	else if (out.type == DT_V_BOOL)
		dt_strbuf_adds(&got, out.b ? "true" : "false");
	else if (out.type == DT_V_TEXT)
		dt_strbuf_add(&got, out.text, out.len);
	else
		dt_strbuf_adds(&got, "null");
	if (strcmp(got.buf, want))
		fail_msg("%s.%s '%s': %s, wanted %s", entity, name, t, got.buf, want);
	dt_problems_release(&ps);
	dt_strbuf_release(&scratch);
	dt_strbuf_release(&norm);
	dt_strbuf_release(&got);
}

static void test_cells(void **state)
{
	(void)state;
	cell("programme", "level", "3", "3");
	cell("programme", "level", "3.0", "3");
	cell("programme", "level", "3.5", "type.integer");
	cell("programme", "level", "1e20", "type.integer");
	cell("programme", "level", "three", "type.integer");
	cell("programme", "level", "9", "number.range");
	cell("record_entry", "hours", "7.5", "7.5");
	cell("record_entry", "hours", "7,5", "type.number");
	cell("record_entry", "hours", "25", "number.range");
	cell("record_entry", "hours", "7.125", "number.step");
	cell("contract", "start_date", "2026-09-01", "2026-09-01");
	cell("contract", "start_date", "2026/9/1", "2026-09-01");
	cell("contract", "start_date", "2026.9.1", "2026-09-01");
	cell("contract", "start_date", "20260901", "2026-09-01");
	cell("contract", "start_date", "2026年9月1日", "2026-09-01");
	cell("contract", "start_date", "2026-09-01 00:00:00", "2026-09-01");
	cell("contract", "start_date", "2026/2/30", "date.invalid");
	cell("contract", "start_date", "next monday", "type.date");
	cell("contract", "dissolved_in_probation", "是", "true");
	cell("contract", "dissolved_in_probation", "NO", "false");
	cell("contract", "dissolved_in_probation", "perhaps", "type.boolean");
	cell("trainee", "region", "210100", "210100");
	cell("trainee", "region", "2101", "region.format");
	cell("trainee", "phone", "13800138000", "13800138000");
	cell("trainee", "phone", "abc", "phone.invalid");
	cell("trainee", "email", "abc", "email.invalid");
	cell("trainee", "guardian_name", "", "null");
	cell("trainee", "name", "", "field.required");
	cell("trainee", "national_id", "210102199001011233", "natid.check_char");
}

/* Property: what the validator gives out, it takes back unchanged. */
static void test_accepted_again(void **state)
{
	(void)state;
	static const char *const samples[] = {
		"210100", "2026/9/1",           "12",          "3.5",    "是",
		"small",  "11010519491231002x", "13800138000", "a@b.cn", "5 4 3",
		"张三",   "91350100m000100y43", "6-31-01-03"
	};
	for (const struct dt_entity *e = dt_entities; e->name; e++) {
		for (size_t i = 0; i < e->nfields; i++) {
			const struct dt_field *f = &e->fields[i];
			for (size_t k = 0; k < DT_ARRAY_SIZE(samples); k++) {
				struct dt_strbuf scratch = DT_STRBUF_INIT, n1 = DT_STRBUF_INIT,
						 n2 = DT_STRBUF_INIT;
				struct dt_value in, out, again;
				if (dt_field_read(f->type, samples[k], &in, &scratch, NULL,
						  f->name) == DT_OK &&
				    dt_field_check(f, &in, NULL, &out, &n1, NULL, f->name) ==
					    DT_OK) {
					assert_int_equal(dt_field_check(f, &out, NULL, &again, &n2,
									NULL, f->name),
							 DT_OK);
					assert_int_equal(again.type, out.type);
					if (out.type == DT_V_TEXT) {
						assert_int_equal(again.len, out.len);
						assert_memory_equal(again.text, out.text, out.len);
					} else if (out.type == DT_V_INT) {
						assert_int_equal(again.i, out.i);
					}
				}
				dt_strbuf_release(&scratch);
				dt_strbuf_release(&n1);
				dt_strbuf_release(&n2);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presence_and_type),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_enum_date_bool),
		cmocka_unit_test(test_enum_wording),
		cmocka_unit_test(test_references_and_regions),
		cmocka_unit_test(test_domain_texts),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_accepted_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
