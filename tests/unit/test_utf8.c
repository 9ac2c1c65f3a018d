/*
 * test_utf8.c - unit tests for core/utf8: well-formed and ill-formed
 * sequences (overlongs, surrogates, past U+10FFFF, truncated), decoding,
 * display widths of ASCII, Chinese and mixed text, quoting for messages,
 * and finding and excerpting for search results (examples, and a property
 * test over random mixed text against a character-array oracle).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/common.h"
#include "core/utf8.h"
#include "core/banned.h"

static bool valid(const char *s)
{
	return dt_utf8_valid(s, strlen(s), NULL);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(valid(""));
	assert_true(valid("abc"));
	assert_true(valid("中文"));
	assert_true(valid("Zürich"));
	assert_true(valid("\xc2\x80"));              /* U+0080, smallest 2-byte */
	assert_true(valid("\xdf\xbf"));              /* U+07FF */
	assert_true(valid("\xe0\xa0\x80"));          /* U+0800, smallest 3-byte */
	assert_true(valid("\xed\x9f\xbf"));          /* U+D7FF, just below surrogates */
	assert_true(valid("\xee\x80\x80"));          /* U+E000, just above */
	assert_true(valid("\xef\xbf\xbf"));          /* U+FFFF */
	assert_true(valid("\xf0\x90\x80\x80"));      /* U+10000, smallest 4-byte */
	assert_true(valid("\xf4\x8f\xbf\xbf"));      /* U+10FFFF, the last */
	assert_true(valid("\xf0\xa0\x80\x80"));      /* U+20000 CJK ext. B */
	assert_true(dt_utf8_valid("a\0b", 3, NULL)); /* NUL is a character */
}

static void expect_bad(const char *s, size_t len, size_t at)
{
	size_t bad = 999;
	assert_false(dt_utf8_valid(s, len, &bad));
	assert_int_equal(bad, at);
	assert_false(dt_utf8_valid(s, len, NULL));
}

static void test_invalid(void **state)
{
	(void)state;
	expect_bad("\xc0\x80", 2, 0);         /* overlong NUL */
	expect_bad("\xc1\xbf", 2, 0);         /* overlong U+007F */
	expect_bad("\xe0\x80\x80", 3, 0);     /* overlong 3-byte */
	expect_bad("\xe0\x9f\xbf", 3, 0);     /* overlong U+07FF */
	expect_bad("\xf0\x80\x80\x80", 4, 0); /* overlong 4-byte */
	expect_bad("\xf0\x8f\xbf\xbf", 4, 0); /* overlong U+FFFF */
	expect_bad("\xed\xa0\x80", 3, 0);     /* U+D800 surrogate */
	expect_bad("\xed\xbf\xbf", 3, 0);     /* U+DFFF surrogate */
	expect_bad("\xf4\x90\x80\x80", 4, 0); /* U+110000 */
	expect_bad("\xf5\x80\x80\x80", 4, 0);
	expect_bad("\xff", 1, 0);
	expect_bad("\xfe", 1, 0);
	expect_bad("\x80", 1, 0); /* lone continuation */
	expect_bad("ab\xbf", 3, 2);
	expect_bad("\xe4\xb8", 2, 0); /* truncated 中 */
	expect_bad("ok\xe4\xb8", 4, 2);
	expect_bad("\xf0\x9f\x98", 3, 0); /* truncated 4-byte */
	expect_bad("\xc3", 1, 0);
	expect_bad("\xc3"
		   "a",
		   2, 0); /* continuation missing */
	expect_bad("\xe4\xb8\xad\xe6"
		   "x"
		   "\x96\x87",
		   7, 3);
	expect_bad("中文\xed\xa0\x80", 9, 6);
	/* a valid string cut inside its last character */
	assert_true(dt_utf8_valid("中文", 6, NULL));
	expect_bad("中文", 5, 3);
}

static void test_decode(void **state)
{
	uint32_t cp = 0;
	(void)state;
	assert_int_equal(dt_utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(dt_utf8_decode("\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(dt_utf8_decode("中", 3, &cp), 3);
	assert_int_equal(cp, 0x4E2D);
	assert_int_equal(dt_utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(dt_utf8_decode("\xf4\x8f\xbf\xbf", 4, &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	/* decodes only the first character */
	assert_int_equal(dt_utf8_decode("中文", 6, &cp), 3);
	assert_int_equal(cp, 0x4E2D);

	cp = 12345;
	assert_int_equal(dt_utf8_decode("", 0, &cp), 0);
	assert_int_equal(dt_utf8_decode("中", 2, &cp), 0);
	assert_int_equal(dt_utf8_decode("\xc0\x80", 2, &cp), 0);
	assert_int_equal(dt_utf8_decode("\xed\xa0\x80", 3, &cp), 0);
	assert_int_equal(dt_utf8_decode("\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(cp, 12345); /* untouched on failure */
	assert_int_equal(dt_utf8_decode("\xe4\xb8\xad", 3, NULL), 3);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(dt_utf8_width(""), 0);
	assert_int_equal(dt_utf8_width("abc"), 3);
	assert_int_equal(dt_utf8_width("中文"), 4);
	assert_int_equal(dt_utf8_width("张三 Li"), 7);
	assert_int_equal(dt_utf8_width("机电一体化 (Mechatronics)"), 10 + 1 + 14);
	assert_int_equal(dt_utf8_width("ＡＢ"), 4);             /* full-width Latin U+FF21 */
	assert_int_equal(dt_utf8_width("ｱ"), 1);                /* half-width katakana U+FF71 */
	assert_int_equal(dt_utf8_width("，。"), 4);             /* U+FF0C, U+3002 */
	assert_int_equal(dt_utf8_width("한국"), 4);             /* Hangul syllables */
	assert_int_equal(dt_utf8_width("e\xcc\x81"), 1);        /* e + U+0301 combining */
	assert_int_equal(dt_utf8_width("a\tb\n"), 2);           /* controls take no column */
	assert_int_equal(dt_utf8_width("\xf0\xa0\x80\x80"), 2); /* U+20000 */
	assert_int_equal(dt_utf8_width("a\xff"
				       "b"),
			 3); /* a bad byte counts 1 */
}

static void test_cp_width(void **state)
{
	(void)state;
	assert_int_equal(dt_utf8_cp_width('a'), 1);
	assert_int_equal(dt_utf8_cp_width(0), 0);
	assert_int_equal(dt_utf8_cp_width(0x1B), 0);
	assert_int_equal(dt_utf8_cp_width(0x7F), 0);
	assert_int_equal(dt_utf8_cp_width(0x85), 0);
	assert_int_equal(dt_utf8_cp_width(0xA0), 1);
	assert_int_equal(dt_utf8_cp_width(0x0300), 0);
	assert_int_equal(dt_utf8_cp_width(0x036F), 0);
	assert_int_equal(dt_utf8_cp_width(0x0370), 1);
	/* the edges of each wide range */
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115F },   { 0x2E80, 0x303E }, { 0x3041, 0x33FF }, { 0x3400, 0x4DBF },
		{ 0x4E00, 0x9FFF },   { 0xA000, 0xA4CF }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF },
		{ 0xFE30, 0xFE4F },   { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x20000, 0x2FFFD },
		{ 0x30000, 0x3FFFD },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(wide); i++) {
		assert_int_equal(dt_utf8_cp_width(wide[i][0]), 2);
		assert_int_equal(dt_utf8_cp_width(wide[i][1]), 2);
		assert_int_equal(dt_utf8_cp_width((wide[i][0] + wide[i][1]) / 2), 2);
		/* just outside: narrow, unless the next range or a combining block is there */
		uint32_t after = wide[i][1] + 1, before = wide[i][0] - 1;
		int w_after = after == 0x3400 || after == 0xA000 ? 2 : 1;
		int w_before = before == 0x33FF || before == 0x9FFF ? 2 : before == 0xFE2F ? 0 : 1;
		assert_int_equal(dt_utf8_cp_width(after), w_after);
		assert_int_equal(dt_utf8_cp_width(before), w_before);
	}
	assert_int_equal(dt_utf8_cp_width(0x4E2D), 2); /* 中 */
	assert_int_equal(dt_utf8_cp_width(0x3000), 2); /* ideographic space */
	assert_int_equal(dt_utf8_cp_width(0x200B), 0); /* zero-width space */
	assert_int_equal(dt_utf8_cp_width(0x10FFFF), 1);
}

static void test_len(void **state)
{
	(void)state;
	assert_int_equal(dt_utf8_len(""), 0);
	assert_int_equal(dt_utf8_len("abc"), 3);
	assert_int_equal(dt_utf8_len("中文"), 2);
	assert_int_equal(dt_utf8_len("张三 Li"), 5);
	assert_int_equal(dt_utf8_len("\xf0\x9f\x98\x80!"), 2);
}

static void expect_quoted(const char *s, size_t max, const char *want)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_utf8_add_quoted(&sb, s, max);
	assert_true(dt_strbuf_ok(&sb));
	assert_string_equal(sb.buf, want);
	assert_true(dt_utf8_valid(sb.buf, sb.len, NULL));
	dt_strbuf_release(&sb);
}

static void test_quoted(void **state)
{
	(void)state;
	expect_quoted("", 40, "''");
	expect_quoted("12x", 40, "'12x'");
	expect_quoted("中文", 40, "'中文'");
	expect_quoted("it's", 40, "'it\\'s'");
	expect_quoted("a\\b", 40, "'a\\\\b'");
	expect_quoted("a\nb\x1b[31m", 40, "'a\\x0ab\\x1b[31m'");
	expect_quoted("\xff\xc0\x80", 40, "'\\xff\\xc0\\x80'");
	expect_quoted("\xc2\x9b", 40, "'\\xc2\\x9b'"); /* C1 control CSI */
	expect_quoted("abcdef", 4, "'abcd'...");
	expect_quoted("abcd", 4, "'abcd'");
	expect_quoted("ab中文", 4, "'ab'..."); /* not cut inside a character */
	expect_quoted("ab中文", 5, "'ab中'...");
}

static void expect_excerpt(const char *text, const char *q, size_t before, size_t after,
			   const char *want)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_utf8_excerpt(&sb, text, q, before, after);
	assert_string_equal(sb.buf ? sb.buf : "", want);
	dt_strbuf_release(&sb);
}

static void test_find_excerpt(void **state)
{
	(void)state;
	const char *hw = "Hello World";
	assert_ptr_equal(dt_utf8_find(hw, "world"), hw + 6);
	assert_ptr_equal(dt_utf8_find(hw, "HELLO"), hw);
	assert_null(dt_utf8_find(hw, ""));
	assert_null(dt_utf8_find(hw, "worlds"));
	assert_null(dt_utf8_find(NULL, "a"));
	const char *zh = "校企合作双导师";
	assert_ptr_equal(dt_utf8_find(zh, "双导"), zh + 12);
	expect_excerpt("一二三四五六七八九十", "五", 2, 3, "…三四五六七八…");
	expect_excerpt("一二三", "二", 5, 5, "一二三");
	expect_excerpt("一二三四五", "x", 1, 2, "一二三…");
	expect_excerpt("ab中文cd", "CD", 1, 0, "…文cd");
	expect_excerpt("", "a", 3, 3, "");
}

/* Random text of ASCII letters and three Chinese characters, @n characters long. */
static char *random_text(size_t n, unsigned *seed)
{
	static const char *const parts[] = { "a", "B", "c", "中", "文", "字", " " };
	char *s = malloc(n * 3 + 1);
	size_t len = 0;
	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		const char *part = parts[rand_r(seed) % 7];
		memcpy(s + len, part, strlen(part));
		len += strlen(part);
	}
	s[len] = '\0';
	return s;
}

/*
 * Property: the excerpt, without its "…", is a piece of the text, holds the
 * first occurrence when there is one, is at most before + |q| + after
 * characters, and has "…" exactly where text was left out.  The oracle
 * cuts an array of characters.
 */
static void test_excerpt_property(void **state)
{
	(void)state;
	unsigned seed = 20261206;
	for (int round = 0; round < 2000; round++) {
		char *text = random_text((size_t)(rand_r(&seed) % 40), &seed);
		char *q = random_text(1 + (size_t)(rand_r(&seed) % 2), &seed);
		size_t before = (size_t)(rand_r(&seed) % 6), after = (size_t)(rand_r(&seed) % 6);
		/* the oracle: character offsets */
		size_t chars = dt_utf8_len(text), qchars = dt_utf8_len(q);
		const char *hit = dt_utf8_find(text, q);
		size_t at = 0;
		for (const char *p = text; hit && p < hit; p++)
			at += ((unsigned char)*p & 0xC0) != 0x80;
		size_t from = hit ? (at > before ? at - before : 0) : 0;
		size_t to = hit ? at + qchars + after : before + after;
		if (to > chars)
			to = chars;
		struct dt_strbuf want = DT_STRBUF_INIT, got = DT_STRBUF_INIT;
		if (from > 0)
			dt_strbuf_adds(&want, "…");
		size_t k = 0;
		for (const char *p = text; *p; k++) {
			size_t len = 1;
			while (((unsigned char)p[len] & 0xC0) == 0x80)
				len++;
			if (k >= from && k < to)
				dt_strbuf_add(&want, p, len);
			p += len;
		}
		if (to < chars)
			dt_strbuf_adds(&want, "…");
		dt_utf8_excerpt(&got, text, q, before, after);
		assert_string_equal(got.buf ? got.buf : "", want.buf ? want.buf : "");
		assert_true(dt_utf8_valid(got.buf ? got.buf : "", got.len, NULL));
		if (hit)
			assert_non_null(dt_utf8_find(got.buf, q));
		dt_strbuf_release(&want);
		dt_strbuf_release(&got);
		free(text);
		free(q);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_cp_width),
		cmocka_unit_test(test_len),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_find_excerpt),
		cmocka_unit_test(test_excerpt_property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
