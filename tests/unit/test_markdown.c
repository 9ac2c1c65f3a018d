/*
 * test_markdown.c - unit tests of the Markdown renderer of cases, news and
 * policy (src/core/markdown.c): ordinary Markdown comes out as cmark makes
 * it, and hostile input comes out inert - raw HTML dropped, script and
 * data links made plain text, images from outside the attachment store
 * replaced by their alt text - however it is disguised (case, entities,
 * tabs, autolinks, reference links, nesting).
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "core/markdown.h"
#include "core/banned.h"

#define HASH "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* @md rendered (a static buffer, valid until the next call). */
static const char *html(const char *md)
{
	static struct dt_strbuf out = DT_STRBUF_INIT;
	dt_strbuf_reset(&out);
	assert_int_equal(dt_markdown_html(md, strlen(md), &out), DT_OK);
	return out.buf;
}

static void has(const char *md, const char *want)
{
	const char *h = html(md);
	if (!strstr(h, want))
		fail_msg("%s\n  rendered %s\n  lacks %s", md, h, want);
}

static void lacks(const char *md, const char *bad)
{
	const char *h = html(md);
	if (strcasestr(h, bad))
		fail_msg("%s\n  rendered %s\n  holds %s", md, h, bad);
}

static void test_plain_markdown(void **state)
{
	(void)state;
	has("# 校企合作\n", "<h1>校企合作</h1>");
	has("**粗** *斜*", "<strong>粗</strong> <em>斜</em>");
	has("- 一\n- 二\n", "<li>一</li>");
	has("[官网](https://www.mohrss.gov.cn/)",
	    "<a href=\"https://www.mohrss.gov.cn/\">官网</a>");
	has("[相对](/cases/3)", "<a href=\"/cases/3\">");
	has("[邮件](mailto:a@b.cn)", "href=\"mailto:a@b.cn\"");
	has("<https://example.org>", "href=\"https://example.org\"");
	has("a < b & c", "a &lt; b &amp; c");
	has("```\n<script>\n```\n", "<code>&lt;script&gt;");
	assert_string_equal(html(""), "");
	struct dt_strbuf out = DT_STRBUF_INIT;
	assert_int_equal(dt_markdown_html(NULL, 0, &out), DT_OK);
	assert_string_equal(out.buf, "");
	dt_strbuf_release(&out);
}

static void test_raw_html_dropped(void **state)
{
	(void)state;
	static const char *const in[] = {
		"<script>alert(1)</script>",
		"x <script>alert(1)</script> y",
		"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
		"<img src=x onerror=alert(1)>",
		"<iframe src=\"https://evil.example\"></iframe>",
		"<div onclick=\"alert(1)\">点我</div>",
		"<!-- comment --> text",
		"<svg/onload=alert(1)>",
		"<a href=\"javascript:alert(1)\">x</a>",
		"<style>body{display:none}</style>",
		"para\n\n<details open ontoggle=alert(1)>",
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(in); i++) {
		const char *h = html(in[i]);
		/* tags and attributes; the same words escaped as text are inert */
		static const char *const bad[] = { "<script", "<img",  "<iframe", "<div",
						   "<svg",    "<!--",  "<style",  "<details",
						   "<b>",     "href=", "src=" };
		for (size_t j = 0; j < DT_ARRAY_SIZE(bad); j++)
			if (strcasestr(h, bad[j]))
				fail_msg("%s\n  rendered %s\n  holds %s", in[i], h, bad[j]);
	}
	/* the text around raw HTML stays */
	has("x <b>y</b> z", "x y z");
}

static void test_links_made_inert(void **state)
{
	(void)state;
	static const char *const in[] = {
		"[x](javascript:alert(1))",       "[x](JavaScript:alert(1))",
		"[x](jav&#x09;ascript:alert(1))", "[x](&#106;avascript:alert(1))",
		"[x](<java script:alert(1)>)",    "[x](data:text/html;base64,PHNjcmlwdD4=)",
		"[x](vbscript:msgbox)",           "[x](file:///etc/passwd)",
		"<javascript:alert(1)>",          "[x][r]\n\n[r]: javascript:alert(1)\n",
		"[x](%6Aavascript:alert(1))",
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(in); i++) {
		const char *h = html(in[i]);
		if (strcasestr(h, "href=\"") && !strcasestr(h, "href=\"%6A"))
			fail_msg("%s\n  rendered %s\n  keeps a link", in[i], h);
		if (strcasestr(h, "<a"))
			if (!strcasestr(h, "href=\"%6A"))
				fail_msg("%s\n  rendered %s", in[i], h);
	}
	/* %6A is a relative path to a browser (no scheme), which is harmless */
	has("[x](javascript:alert(1))", "<p>x</p>");
}

static void test_images_only_from_the_store(void **state)
{
	(void)state;
	has("![图](/api/v1/attachments/" HASH ")",
	    "<img src=\"/api/v1/attachments/" HASH "\" alt=\"图\" />");
	static const char *const in[] = {
		"![外链](https://evil.example/p.png)",
		"![数据](data:image/png;base64,iVBORw0KGgo=)",
		"![短](/api/v1/attachments/0123)",
		"![大写](/api/v1/attachments/"
		"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
		")",
		"![尾巴](/api/v1/attachments/" HASH "/../x)",
		"![查询](/api/v1/attachments/" HASH "?x=1)",
		"![js](javascript:alert(1))",
		"![r][r]\n\n[r]: https://evil.example/p.png\n",
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(in); i++) {
		const char *h = html(in[i]);
		if (strstr(h, "<img"))
			fail_msg("%s\n  rendered %s\n  keeps the image", in[i], h);
	}
	has("![外链说明](https://evil.example/p.png)", "外链说明");
	/* a rewritten prefix for the portal */
	struct dt_strbuf out = DT_STRBUF_INIT;
	const char *md = "![a](/api/v1/attachments/" HASH ") ![b](http://x/y.png)";
	assert_int_equal(dt_markdown_html_files(md, strlen(md), "/files/", &out), DT_OK);
	assert_non_null(strstr(out.buf, "src=\"/files/" HASH "\""));
	assert_null(strstr(out.buf, "http://x"));
	dt_strbuf_release(&out);
	char hash[65];
	assert_true(dt_markdown_file_url("/api/v1/attachments/" HASH, hash));
	assert_string_equal(hash, HASH);
	assert_false(dt_markdown_file_url("/api/v1/attachments/", hash));
	assert_false(dt_markdown_file_url(NULL, hash));
}

static void test_nesting(void **state)
{
	(void)state;
	/* an image inside a bad link, a bad link inside an image's alt */
	lacks("[![a](/api/v1/attachments/" HASH ")](javascript:x)", "href");
	has("[![a](/api/v1/attachments/" HASH ")](javascript:x)", "<img");
	lacks("![a [b](javascript:x)](https://evil.example/i.png)", "<img");
	lacks("[a <b onclick=x>c</b>](https://ok.example)", "onclick");
	has("[a <b onclick=x>c</b>](https://ok.example)", "href=\"https://ok.example\"");
	/* invalid UTF-8 is replaced, never passed on */
	const char bad[] = "\xff\xfe<script>\xc3";
	struct dt_strbuf out = DT_STRBUF_INIT;
	assert_int_equal(dt_markdown_html(bad, sizeof(bad) - 1, &out), DT_OK);
	assert_null(strstr(out.buf, "\xff"));
	assert_null(strcasestr(out.buf, "<script"));
	dt_strbuf_release(&out);
	/* NUL inside the text */
	const char nul[] = "a\0<script>";
	assert_int_equal(dt_markdown_html(nul, sizeof(nul) - 1, &out), DT_OK);
	assert_null(strcasestr(out.buf, "<script"));
	dt_strbuf_release(&out);
}

/* The words without markup, for search excerpts. */
static void test_text(void **state)
{
	(void)state;
	struct dt_strbuf out = DT_STRBUF_INIT;
	const char *md = "# 标题\n\n段落一**粗**\n第二行\n\n- 项\n\n```\ncode\n```\n\n<b>html</b> "
			 "![图](/api/v1/attachments/" HASH ")\n";
	assert_int_equal(dt_markdown_text(md, strlen(md), &out), DT_OK);
	assert_string_equal(out.buf, "标题 段落一粗 第二行 项 code html 图");
	dt_strbuf_reset(&out);
	md = "<script>alert(1)</script>\n\n  a   b\t\tc  ";
	assert_int_equal(dt_markdown_text(md, strlen(md), &out), DT_OK);
	assert_string_equal(out.buf, "a b c");
	dt_strbuf_reset(&out);
	assert_int_equal(dt_markdown_text(NULL, 0, &out), DT_OK);
	assert_int_equal(out.len, 0);
	dt_strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_markdown),
		cmocka_unit_test(test_raw_html_dropped),
		cmocka_unit_test(test_links_made_inert),
		cmocka_unit_test(test_images_only_from_the_store),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
