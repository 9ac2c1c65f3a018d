/*
 * test_attachment.c - unit tests of the evidence-file rules
 * (domain/attachment.c): the type told by content for each accepted type
 * and for the files that must be refused (executables, scripts, SVG, HTML,
 * polyglots, truncated headers), the size limit at its edge, the
 * BLAKE2b-256 hash against its published value, and the safe file name and
 * Content-Disposition.
 */
#include "core/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "domain/attachment.h"
#include "core/banned.h"

#define B(s) ((const unsigned char *)(s)), (sizeof(s) - 1)

static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\1\0\0\0\1\x08\x02\0\0\0"
				   "\x90\x77\x53\xde";
static const unsigned char webp[] = "RIFF\x0e\0\0\0WEBPVP8L\x05\0\0\0\x2f\0\0\0\0\0";

static void test_sniff(void **state)
{
	(void)state;
	assert_int_equal(dt_attachment_sniff(B("\xff\xd8\xff\xe0\0\x10JFIF\0")), DT_ATTACH_JPEG);
	assert_int_equal(dt_attachment_sniff(png, sizeof(png) - 1), DT_ATTACH_PNG);
	assert_int_equal(dt_attachment_sniff(webp, sizeof(webp) - 1), DT_ATTACH_WEBP);
	assert_int_equal(dt_attachment_sniff(B("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")), DT_ATTACH_PDF);
	assert_string_equal(dt_attachment_mime(DT_ATTACH_WEBP), "image/webp");
	assert_int_equal(dt_attachment_type_of("application/pdf"), DT_ATTACH_PDF);
	assert_int_equal(dt_attachment_type_of("image/svg+xml"), DT_ATTACH_NONE);

	/* never these, whatever they are called */
	static const struct {
		const char *what;
		const char *data;
		size_t len;
	} refused[] = {
		{ "svg", "<svg xmlns='http://www.w3.org/2000/svg'/>", 42 },
		{ "html", "<!doctype html><p>x", 19 },
		{ "elf",
		  "\x7f"
		  "ELF\x02\x01\x01\0\0\0",
		  10 },
		{ "pe", "MZ\x90\0\x03\0\0\0", 8 },
		{ "script", "#!/bin/sh\n", 10 },
		{ "gif", "GIF89a\1\0\1\0", 10 },
		{ "zip", "PK\x03\x04\x14\0", 6 },
		{ "jpeg, too short", "\xff\xd8\xff", 3 },
		{ "png without IHDR",
		  "\x89PNG\r\n\x1a\n\0\0\0\x0dIDAT\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 33 },
		{ "webp, RIFF longer than the file",
		  "RIFF\xff\0\0\0WEBPVP8L\x05\0\0\0\x2f\0\0\0\0\0", 25 },
		{ "riff of another kind", "RIFF\x0e\0\0\0AVI LIST\x05\0\0\0\x2f\0\0\0\0\0", 25 },
		{ "pdf of no version", "%PDF-x.y\n", 9 },
		{ "jpeg holding html", "\xff\xd8\xff\xe0<HTML><SCRIPT>alert(1)</SCRIPT>", 35 },
		{ "pdf holding svg", "%PDF-1.4\n<svg onload=alert(1)>", 30 },
		{ "empty", "", 0 },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(refused); i++) {
		enum dt_attachment_type t =
			dt_attachment_sniff((const unsigned char *)refused[i].data, refused[i].len);
		if (t != DT_ATTACH_NONE)
			print_error("%s taken for %s\n", refused[i].what, dt_attachment_mime(t));
		assert_int_equal(t, DT_ATTACH_NONE);
	}
	assert_int_equal(dt_attachment_sniff(NULL, 10), DT_ATTACH_NONE);
}

static void test_check_size(void **state)
{
	(void)state;
	size_t n = DT_ATTACHMENT_MAX + 1;
	unsigned char *big = calloc(1, n);
	assert_non_null(big);
	memcpy(big, "%PDF-1.4\n", 9);
	struct dt_problems ps = DT_PROBLEMS_INIT;
	enum dt_attachment_type t = DT_ATTACH_NONE;
	assert_int_equal(dt_attachment_check(&ps, big, n - 1, &t), DT_OK);
	assert_int_equal(t, DT_ATTACH_PDF);
	assert_int_equal(dt_attachment_check(&ps, big, n, &t), DT_EINVAL);
	assert_string_equal(ps.v[0].code, "attachment.too_large");
	assert_string_equal(dt_problem_arg(&ps.v[0], "max"), "10485760");
	dt_problems_reset(&ps);
	assert_int_equal(dt_attachment_check(&ps, big, 0, &t), DT_EINVAL);
	assert_string_equal(ps.v[0].code, "attachment.empty");
	dt_problems_reset(&ps);
	assert_int_equal(dt_attachment_check(&ps, B("<svg/>"), &t), DT_EINVAL);
	assert_string_equal(ps.v[0].code, "attachment.type");
	dt_problems_release(&ps);
	free(big);
}

static void test_hash(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	char hex[DT_ATTACHMENT_HEX_LEN];
	unsigned char raw[DT_ATTACHMENT_HASH_LEN], back[DT_ATTACHMENT_HASH_LEN];
	/* BLAKE2b-256 of the empty string and of "abc" (RFC 7693 test vectors' family) */
	dt_attachment_hash((const unsigned char *)"", 0, raw, hex);
	assert_string_equal(hex,
			    "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	dt_attachment_hash((const unsigned char *)"abc", 3, raw, hex);
	assert_string_equal(hex,
			    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	assert_true(dt_attachment_hash_parse(hex, back));
	assert_memory_equal(raw, back, sizeof(raw));
	assert_false(dt_attachment_hash_parse(
		"BDDD813C634239723171EF3FEE98579B94964E3BB1CB3E427262C8C068D52319", NULL));
	assert_false(dt_attachment_hash_parse("bddd", NULL));
	assert_false(dt_attachment_hash_parse("../../etc/passwd", NULL));
	assert_false(dt_attachment_hash_parse(NULL, NULL));
}

static void name_is(const char *given, enum dt_attachment_type t, const char *want)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_attachment_name(given, t, &sb);
	assert_string_equal(sb.buf, want);
	dt_strbuf_release(&sb);
}

static void test_names(void **state)
{
	(void)state;
	name_is("现场照片.jpg", DT_ATTACH_JPEG, "现场照片.jpg");
	name_is("IMG_0001.JPEG", DT_ATTACH_JPEG, "IMG_0001.JPEG");
	name_is("photo", DT_ATTACH_PNG, "photo.png");
	name_is("report.html", DT_ATTACH_PDF, "report.html.pdf");
	name_is("C:\\Users\\x\\..\\整改报告.pdf", DT_ATTACH_PDF, "整改报告.pdf");
	name_is("../../etc/passwd", DT_ATTACH_PDF, "passwd.pdf");
	name_is("a\"b\r\nc.webp", DT_ATTACH_WEBP, "abc.webp");
	name_is("photo\xe2\x80\xaegpj.exe", DT_ATTACH_JPEG,
		"photogpj.exe.jpg"); /* U+202E dropped */
	name_is("...", DT_ATTACH_PDF, "file.pdf");
	name_is(NULL, DT_ATTACH_JPEG, "file.jpg");
	name_is("\xff\xfe", DT_ATTACH_JPEG, "file.jpg");
	/* cut to the limit on a character boundary, extension kept */
	struct dt_strbuf long_name = DT_STRBUF_INIT, sb = DT_STRBUF_INIT;
	for (int i = 0; i < 100; i++)
		dt_strbuf_adds(&long_name, "照");
	dt_attachment_name(long_name.buf, DT_ATTACH_PDF, &sb);
	assert_true(sb.len <= DT_ATTACHMENT_NAME_MAX);
	assert_string_equal(sb.buf + sb.len - 4, ".pdf");
	assert_int_equal((sb.len - 4) % 3, 0);
	dt_strbuf_release(&sb);
	dt_strbuf_release(&long_name);
}

static void test_disposition(void **state)
{
	(void)state;
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_attachment_disposition("整改 报告.pdf", false, &sb);
	assert_string_equal(sb.buf, "attachment; filename=\"__ __.pdf\"; "
				    "filename*=UTF-8''%E6%95%B4%E6%94%B9%20%E6%8A%A5%E5%91%8A.pdf");
	dt_strbuf_reset(&sb);
	dt_attachment_disposition("a.jpg", true, &sb);
	assert_string_equal(sb.buf, "inline; filename=\"a.jpg\"; filename*=UTF-8''a.jpg");
	dt_strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),       cmocka_unit_test(test_check_size),
		cmocka_unit_test(test_hash),        cmocka_unit_test(test_names),
		cmocka_unit_test(test_disposition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
