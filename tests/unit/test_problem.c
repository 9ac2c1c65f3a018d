/*
 * test_problem.c - unit tests for domain/problem and the catalogue: every
 * code is unique and worded in both languages with the same placeholders,
 * Chinese wordings hold no English words, rendering fills arguments, labels,
 * words and lists, and the reader's language is chosen as lang.h says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/common.h"
#include "core/lang.h"
#include "domain/problem.h"
#include "core/banned.h"

/* The placeholders of @tpl, sorted and joined by ',' into @out. */
static void placeholders(const char *tpl, struct dt_strbuf *out)
{
	const char *names[16];
	size_t lens[16], n = 0;
	for (const char *s = strchr(tpl, '{'); s; s = strchr(s + 1, '{')) {
		const char *e = strchr(s, '}');
		assert_non_null(e);
		assert_true(n < 16);
		names[n] = s + 1;
		lens[n++] = (size_t)(e - s - 1);
	}
	for (size_t i = 0; i < n; i++) /* insertion sort: a handful */
		for (size_t j = i; j > 0; j--) {
			size_t l = lens[j] < lens[j - 1] ? lens[j] : lens[j - 1];
			int c = memcmp(names[j], names[j - 1], l);
			if (c > 0 || (c == 0 && lens[j] >= lens[j - 1]))
				break;
			const char *t = names[j];
			names[j] = names[j - 1], names[j - 1] = t;
			size_t tl = lens[j];
			lens[j] = lens[j - 1], lens[j - 1] = tl;
		}
	for (size_t i = 0; i < n; i++) {
		dt_strbuf_add(out, names[i], lens[i]);
		dt_strbuf_addch(out, ',');
	}
}

/* Latin words of three letters or more outside placeholders and the allowed terms. */
static const char *latin_word(const char *s)
{
	static const char *const allowed[] = {
		"JSON",    "UTF",       "YYYY",          "MM",      "DD",       "true",
		"false",   "CSV",       "XLSX",          "HTTP",    "URL",      "ID",
		"USCC",    "GB",        "Bearer",        "Content", "Type",     "Origin",
		"CSRF",    "Token",     "Authorization", "Accept",  "Language", "application",
		"json",    "utf",       "text",          "plain",   "zh",       "en",
		"Ed25519", "dualtrack", "JPEG",          "PNG",     "WebP",     "PDF"
	};
	for (const char *p = s; *p;) {
		if (*p == '{') {
			const char *e = strchr(p, '}');
			p = e ? e + 1 : p + 1;
			continue;
		}
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
			const char *w = p;
			while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
				p++;
			size_t n = (size_t)(p - w);
			bool ok = n < 3;
			for (size_t i = 0; !ok && i < DT_ARRAY_SIZE(allowed); i++)
				ok = strlen(allowed[i]) == n && !memcmp(allowed[i], w, n);
			if (!ok)
				return w;
			continue;
		}
		p++;
	}
	return NULL;
}

static void test_catalogue_well_formed(void **state)
{
	(void)state;
	size_t n = 0;
	for (const struct dt_message_def *m = dt_catalogue; m->code; m++, n++) {
		assert_non_null(m->zh);
		assert_non_null(m->en);
		assert_true(m->zh[0] && m->en[0]);
		for (const struct dt_message_def *o = dt_catalogue; o < m; o++)
			if (!strcmp(o->code, m->code))
				fail_msg("code %s is in the catalogue twice", m->code);
		struct dt_strbuf a = DT_STRBUF_INIT, b = DT_STRBUF_INIT;
		placeholders(m->zh, &a);
		placeholders(m->en, &b);
		if (strcmp(a.buf, b.buf))
			fail_msg("%s: placeholders differ: zh {%s} en {%s}", m->code, a.buf, b.buf);
		dt_strbuf_release(&a);
		dt_strbuf_release(&b);
		const char *w = latin_word(m->zh);
		if (w && strncmp(m->code, "label.", 6))
			fail_msg("%s: the Chinese wording has an English word: %s", m->code, w);
		assert_ptr_equal(dt_catalogue_find(m->code), m);
	}
	assert_true(n > 20);
	assert_null(dt_catalogue_find("no.such_code"));
	assert_null(dt_catalogue_find(NULL));
}

static void test_render(void **state)
{
	(void)state;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_strbuf out = DT_STRBUF_INIT;
	dt_problems_entity(&ps, "trainee");
	assert_int_equal(dt_problem_add(&ps, "name", "text.too_long", "length", DT_I(51), "max",
					DT_I(50), NULL),
			 DT_EINVAL);
	assert_int_equal(dt_problem_add(&ps, NULL, "unique.taken", NULL), DT_ECONFLICT);
	dt_problem_warn(&ps, "region", "field.required", NULL);
	assert_int_equal(ps.n, 3);
	assert_int_equal(dt_problems_errors(&ps), 2);
	assert_string_equal(dt_problem_arg(&ps.v[0], "length"), "51");
	assert_null(dt_problem_arg(&ps.v[0], "nope"));
	assert_true(dt_problems_has(&ps, "unique.taken"));
	assert_false(dt_problems_has(&ps, "field.required")); /* a warning only */

	dt_problem_render(&ps.v[0], DT_LANG_ZH, true, &out);
	assert_string_equal(out.buf, "姓名：过长（51 个字符，最多 50 个）");
	dt_strbuf_reset(&out);
	dt_problem_render(&ps.v[0], DT_LANG_EN, true, &out);
	assert_string_equal(out.buf, "Name: is too long (51 characters; at most 50)");
	dt_strbuf_reset(&out);
	dt_problem_render(&ps.v[0], DT_LANG_EN, false, &out);
	assert_string_equal(out.buf, "is too long (51 characters; at most 50)");
	dt_strbuf_reset(&out);
	dt_problems_render(&ps, DT_LANG_ZH, &out);
	assert_string_equal(out.buf, "姓名：过长（51 个字符，最多 50 个）；已有记录使用该值；"
				     "户籍地区：必填");

	/* Words, lists, entity labels. */
	dt_problems_reset(&ps);
	dt_problems_entity(&ps, "contract");
	dt_problem_add(&ps, "enterprise_id", "ref.kind", "id", DT_I(7), "kind", "school",
		       "expected", "enterprise", NULL);
	dt_problem_add(&ps, "school_id", "ref.missing", "id", DT_I(-9), "entity", "organization",
		       NULL);
	dt_problem_add(&ps, "status", "enum.value", "value", "x", "values", "school|enterprise|odd",
		       NULL);
	dt_strbuf_reset(&out);
	dt_problems_render(&ps, DT_LANG_ZH, &out);
	assert_non_null(strstr(out.buf, "编号 7 是院校，不是企业"));
	assert_non_null(strstr(out.buf, "没有编号为 -9 的"));
	assert_non_null(strstr(out.buf, "可选：院校、企业、odd"));
	dt_strbuf_reset(&out);
	dt_problems_render(&ps, DT_LANG_EN, &out);
	assert_non_null(strstr(out.buf, "7 is of kind school, not enterprise"));
	assert_non_null(strstr(out.buf, "one of: school, enterprise, odd"));

	/* An unknown code is a bug: internal, and still worded. */
	assert_int_equal(dt_problem_add(&ps, "x", "no.such", NULL), DT_EINTERNAL);
	assert_string_equal(ps.v[ps.n - 1].code, "internal.unknown_code");
	assert_int_equal(dt_problem_add(NULL, "x", "unique.taken", NULL), DT_ECONFLICT);

	/* Append with a prefix. */
	struct dt_problems all = DT_PROBLEMS_INIT;
	dt_problems_append(&all, &ps, "targets[2].");
	assert_int_equal(all.n, ps.n);
	assert_string_equal(all.v[0].field, "targets[2].enterprise_id");
	dt_problems_release(&all);

	dt_strbuf_reset(&out);
	dt_message(&out, DT_LANG_ZH, "number.range", "value", DT_I(-5), "min", DT_I(0), "max",
		   DT_I(20000), NULL);
	assert_string_equal(out.buf, "-5 超出范围 0 至 20000");
	dt_problems_release(&ps);
	dt_strbuf_release(&out);
}

static void test_int_arg(void **state)
{
	(void)state;
	assert_string_equal(DT_I(0), "0");
	assert_string_equal(DT_I(-1), "-1");
	assert_string_equal(DT_I(9223372036854775807LL), "9223372036854775807");
	assert_string_equal(DT_I(-9223372036854775807LL - 1), "-9223372036854775808");
}

static void test_accept_language(void **state)
{
	(void)state;
	assert_int_equal(dt_lang_accept(NULL), DT_LANG_ZH);
	assert_int_equal(dt_lang_accept(""), DT_LANG_ZH);
	assert_int_equal(dt_lang_accept("*"), DT_LANG_ZH);
	assert_int_equal(dt_lang_accept("fr-FR"), DT_LANG_ZH);
	assert_int_equal(dt_lang_accept("en"), DT_LANG_EN);
	assert_int_equal(dt_lang_accept("EN-us"), DT_LANG_EN);
	assert_int_equal(dt_lang_accept("zh-CN,zh;q=0.9,en;q=0.8"), DT_LANG_ZH);
	assert_int_equal(dt_lang_accept("en-US,en;q=0.9,zh-CN;q=0.8"), DT_LANG_EN);
	assert_int_equal(dt_lang_accept("zh;q=0.5, en;q=0.7"), DT_LANG_EN);
	assert_int_equal(dt_lang_accept("en;q=0"), DT_LANG_ZH);
	assert_int_equal(dt_lang_accept("en, zh"), DT_LANG_EN);
	assert_int_equal(dt_lang_accept("zh, en"), DT_LANG_ZH);
	assert_int_equal(dt_lang_accept("english"), DT_LANG_ZH); /* not a tag "en" */
	assert_int_equal(dt_lang_accept("de;q=1, en;q=0.1"), DT_LANG_EN);
}

static void test_lang_env(void **state)
{
	(void)state;
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANG");
	assert_int_equal(dt_lang_env(), DT_LANG_EN);
	setenv("LANG", "zh_CN.UTF-8", 1);
	assert_int_equal(dt_lang_env(), DT_LANG_ZH);
	setenv("LC_MESSAGES", "en_US.UTF-8", 1);
	assert_int_equal(dt_lang_env(), DT_LANG_EN);
	setenv("LC_ALL", "zh_TW", 1);
	assert_int_equal(dt_lang_env(), DT_LANG_ZH);
	setenv("LC_ALL", "", 1);
	assert_int_equal(dt_lang_env(), DT_LANG_EN);
	setenv("LC_ALL", "C", 1);
	assert_int_equal(dt_lang_env(), DT_LANG_EN);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANG");
	assert_string_equal(dt_strerror_lang(DT_EINVAL, DT_LANG_ZH), "输入有误");
	assert_string_equal(dt_strerror_lang(DT_EINVAL, DT_LANG_EN), "invalid input");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_well_formed),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_int_arg),
		cmocka_unit_test(test_accept_language),
		cmocka_unit_test(test_lang_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
