/*
 * test_pdf.c - unit tests of the PDF page layout (io/pdf.c) and the
 * document text table (doc/text.c).
 *
 * A PDF is read back with poppler's tools (pdffonts, pdftotext, pdfinfo),
 * which share nothing with cairo's writer: the CJK font must be embedded,
 * the Chinese text must extract, a long table must repeat its header row on
 * every page it runs onto, a paragraph longer than a page must keep all its
 * text across pages, and text holding markup must print as typed.  When the
 * tools are missing (scripts/deps.sh installs poppler-utils) those checks
 * are skipped; the layout's own page count is still checked.
 */
#include "core/common.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/lang.h"
#include "doc/doc.h"
#include "io/pdf.h"
#include "core/banned.h"

static bool have_poppler(void)
{
	return system("pdftotext -v >/dev/null 2>&1") == 0 &&
	       system("pdffonts -v >/dev/null 2>&1") == 0;
}

/* Write @pdf to a temporary file; its path into @path (freed by the caller with unlink). */
static void to_file(const struct dt_strbuf *pdf, char *path, size_t n)
{
	snprintf(path, n, "/tmp/dt-test-pdf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pdf->buf, pdf->len), (ssize_t)pdf->len);
	close(fd);
}

/* The output of @tool on @path, into @out. */
static void run_tool(const char *tool, const char *path, struct dt_strbuf *out)
{
	struct dt_strbuf cmd = DT_STRBUF_INIT;
	dt_strbuf_addf(&cmd, "%s '%s' %s", tool, path, strstr(tool, "pdftotext") ? "-" : "");
	FILE *f = popen(cmd.buf, "r");
	assert_non_null(f);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		dt_strbuf_add(out, buf, n);
	assert_int_equal(pclose(f), 0);
	dt_strbuf_release(&cmd);
}

static size_t count(const char *hay, const char *needle)
{
	size_t k = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		k++;
	return k;
}

static void test_text_table(void **state)
{
	(void)state;
	int n = 0;
	for (const char *k; (k = dt_doc_text_key(n)); n++) {
		const char *zh = dt_doc_text(k, DT_LANG_ZH), *en = dt_doc_text(k, DT_LANG_EN);
		assert_true(*zh && *en);
		assert_true(zh != k && en != k);
		/* Chinese has a character outside ASCII; English has none of the CJK range */
		bool wide = false;
		for (const unsigned char *p = (const unsigned char *)zh; *p; p++)
			wide |= *p >= 0xe4;
		assert_true(wide);
		for (const unsigned char *p = (const unsigned char *)en; *p; p++)
			assert_true(*p < 0xe4 || *p > 0xe9);
		for (int j = 0; j < n; j++) /* keys unique */
			assert_string_not_equal(dt_doc_text_key(j), k);
	}
	assert_true(n > 50);
	assert_string_equal(dt_doc_text("no.such.key", DT_LANG_ZH), "no.such.key");
	struct dt_strbuf name = DT_STRBUF_INIT;
	dt_doc_filename("report", 210100, 2026, &name);
	assert_string_equal(name.buf, "report-210100-2026.pdf");
	dt_doc_filename("book", 7, 0, &name);
	assert_string_equal(name.buf, "record-book-7.pdf");
	dt_doc_filename("contract", 12, 0, &name);
	assert_string_equal(name.buf, "contract-12.pdf");
	dt_strbuf_release(&name);
}

static void test_font(void **state)
{
	(void)state;
	const char *family = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	assert_int_equal(dt_pdf_font(&family, &err), DT_OK);
	assert_non_null(family);
	dt_strbuf_release(&err);
}

/* A table of 300 rows: several pages, the header on each, every row's text there. */
static void test_table_pages(void **state)
{
	(void)state;
	struct dt_strbuf pdf = DT_STRBUF_INIT, err = DT_STRBUF_INIT, text = DT_STRBUF_INIT,
			 fonts = DT_STRBUF_INIT;
	struct dt_pdf *p = NULL;
	assert_int_equal(
		dt_pdf_new(&pdf, "测试", "页眉：三方协议测试", "页脚", "第 {n} 页", &p, &err),
		DT_OK);
	dt_pdf_title(p, "三方协议测试");
	dt_pdf_heading(p, "培养记录");
	static const double w[3] = { 1, 1, 4 };
	const char *head[3] = { "日期", "学时", "表头内容" };
	dt_pdf_table_begin(p, 3, w, head);
	for (int i = 0; i < 300; i++) {
		char a[32], c[128];
		snprintf(a, sizeof(a), "2026-01-%02d", i % 28 + 1);
		snprintf(c, sizeof(c), "第%d行：数控车床编程与加工实操", i);
		const char *row[3] = { a, "6", c };
		dt_pdf_table_row(p, row);
	}
	dt_pdf_table_end(p);
	assert_int_equal(dt_pdf_finish(p, &err), DT_OK);
	int pages = dt_pdf_pages(p);
	dt_pdf_free(p);
	assert_memory_equal(pdf.buf, "%PDF-", 5);
	/* about 20 pt a row, 700 pt a page */
	assert_in_range(pages, 6, 16);
	if (have_poppler()) {
		char path[64];
		to_file(&pdf, path, sizeof(path));
		run_tool("pdffonts", path, &fonts);
		assert_non_null(strstr(fonts.buf, "NotoSansCJK"));
		assert_null(strstr(fonts.buf, " no "));
		run_tool("pdftotext -enc UTF-8", path, &text);
		unlink(path);
		assert_non_null(strstr(text.buf, "三方协议测试"));
		assert_non_null(strstr(text.buf, "第0行"));
		assert_non_null(strstr(text.buf, "第299行"));
		assert_int_equal(count(text.buf, "表头内容"), (size_t)pages);
		assert_int_equal(count(text.buf, "页眉"), (size_t)pages);
	}
	dt_strbuf_release(&pdf);
	dt_strbuf_release(&err);
	dt_strbuf_release(&text);
	dt_strbuf_release(&fonts);
}

/*
 * A paragraph longer than a page goes on across pages with all its text;
 * markup prints as typed.  (The page's header once shared the paragraph's
 * layout: a page opened inside a long paragraph replaced its text, and the
 * paragraph vanished.)
 */
static void test_long_paragraph(void **state)
{
	(void)state;
	struct dt_strbuf pdf = DT_STRBUF_INIT, err = DT_STRBUF_INIT, text = DT_STRBUF_INIT,
			 para = DT_STRBUF_INIT;
	for (int i = 0; i < 150; i++)
		dt_strbuf_addf(&para, "第%03d句，学员在企业导师指导下完成零件加工。\n", i);
	struct dt_pdf *p = NULL;
	assert_int_equal(dt_pdf_new(&pdf, NULL, "页眉", NULL, "{n}", &p, &err), DT_OK);
	dt_pdf_para(p, para.buf);
	dt_pdf_para(p, "<b>粗体</b> & <i>");
	assert_int_equal(dt_pdf_finish(p, &err), DT_OK);
	int pages = dt_pdf_pages(p);
	dt_pdf_free(p);
	assert_in_range(pages, 2, 6);
	if (have_poppler()) {
		char path[64];
		to_file(&pdf, path, sizeof(path));
		run_tool("pdftotext -enc UTF-8", path, &text);
		unlink(path);
		assert_non_null(strstr(text.buf, "第000句"));
		assert_non_null(strstr(text.buf, "第075句"));
		assert_non_null(strstr(text.buf, "第149句"));
		assert_non_null(strstr(text.buf, "<b>粗体</b> & <i>"));
	}
	dt_strbuf_release(&pdf);
	dt_strbuf_release(&err);
	dt_strbuf_release(&text);
	dt_strbuf_release(&para);
}

/*
 * English text beside Chinese stays small: cairo's subset of Noto Sans CJK's
 * CFF outlines grew to the whole font (~870 KB) for some Latin glyphs ("KL");
 * Latin text is now set in DejaVu Sans when it is installed.
 */
static void test_latin_size(void **state)
{
	(void)state;
	if (system("fc-list 'DejaVu Sans' | grep -q .") != 0)
		skip();
	struct dt_strbuf pdf = DT_STRBUF_INIT, err = DT_STRBUF_INIT;
	struct dt_pdf *p = NULL;
	assert_int_equal(dt_pdf_new(&pdf, NULL, NULL, NULL, NULL, &p, &err), DT_OK);
	dt_pdf_para(p, "三方协议 KL ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz");
	assert_int_equal(dt_pdf_finish(p, &err), DT_OK);
	dt_pdf_free(p);
	assert_in_range(pdf.len, 1000, 250000);
	dt_strbuf_release(&pdf);
	dt_strbuf_release(&err);
}

/* A chart and signature boxes lay out; bad arguments fail the document, they do not crash it. */
static void test_chart_and_bad_args(void **state)
{
	(void)state;
	struct dt_strbuf pdf = DT_STRBUF_INIT, err = DT_STRBUF_INIT;
	struct dt_pdf *p = NULL;
	assert_int_equal(dt_pdf_new(&pdf, NULL, NULL, NULL, NULL, &p, &err), DT_OK);
	const char *xl[3] = { "2026-01", "02", "03" }, *names[2] = { "新签", "解除" };
	const double v[6] = { 1, 2, 3, 0, NAN, -1 };
	dt_pdf_chart(p, DT_PDF_BARS, "柱状图", 3, xl, 2, names, v);
	dt_pdf_chart(p, DT_PDF_LINES, "折线图", 3, xl, 2, names, v);
	const char *caps[3] = { "甲方（盖章）", "乙方（盖章）", "丙方（签字）" };
	dt_pdf_sign_boxes(p, 3, caps, "日期");
	assert_int_equal(dt_pdf_finish(p, &err), DT_OK);
	dt_pdf_free(p);

	dt_strbuf_reset(&pdf);
	assert_int_equal(dt_pdf_new(&pdf, NULL, NULL, NULL, NULL, &p, &err), DT_OK);
	dt_pdf_table_begin(p, 13, NULL, NULL);
	dt_pdf_chart(p, DT_PDF_BARS, "x", 0, xl, 1, names, v);
	assert_int_equal(dt_pdf_finish(p, &err), DT_EINTERNAL);
	dt_pdf_free(p);

	/* a cap on the output: DT_ENOMEM, not a cut file reported as good */
	struct dt_strbuf small = DT_STRBUF_INIT;
	dt_strbuf_init(&small, 1000);
	assert_int_equal(dt_pdf_new(&small, NULL, NULL, NULL, NULL, &p, &err), DT_OK);
	dt_pdf_para(p, "三方协议");
	assert_int_not_equal(dt_pdf_finish(p, &err), DT_OK);
	dt_pdf_free(p);
	dt_strbuf_release(&small);
	dt_strbuf_release(&pdf);
	dt_strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_table),         cmocka_unit_test(test_font),
		cmocka_unit_test(test_table_pages),        cmocka_unit_test(test_long_paragraph),
		cmocka_unit_test(test_chart_and_bad_args), cmocka_unit_test(test_latin_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
