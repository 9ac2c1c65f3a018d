/*
 * encoding.c - detect and convert file encodings (iconv), clean cells.
 *
 * Detection looks at the bytes once: a UTF-8 BOM decides; then
 * dt_utf8_valid() over the whole file; anything else goes through iconv
 * from GB18030, which also covers GBK and GB2312 (its subsets).  A file of
 * pure ASCII is UTF-8 (and the same text in every one of these).
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "core/common.h"
#include "core/utf8.h"
#include "io/encoding.h"
#include "core/banned.h"

int dt_encoding_parse(const char *name)
{
	if (!strcasecmp(name, "auto"))
		return DT_ENC_AUTO;
	if (!strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8"))
		return DT_ENC_UTF8;
	if (!strcasecmp(name, "gbk") || !strcasecmp(name, "gb18030") ||
	    !strcasecmp(name, "gb2312") || !strcasecmp(name, "cp936"))
		return DT_ENC_GB18030;
	return -1;
}

const char *dt_encoding_name(int enc, bool bom)
{
	if (enc == DT_ENC_GB18030)
		return "GB18030";
	if (enc == DT_ENC_XLSX)
		return "XLSX";
	return bom ? "UTF-8 with BOM" : "UTF-8";
}

/* Line (1-based) of byte @off in @data. */
static size_t line_of(const char *data, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		if (data[i] == '\n')
			line++;
	return line;
}

static enum dt_err from_gb18030(const char *data, size_t len, struct dt_strbuf *out,
				struct dt_strbuf *err)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return dt_error(err, DT_EINTERNAL,
				"iconv: GB18030 is not available on this system");
	int rc = DT_OK;
	char *in = (char *)data;
	size_t left = len;
	while (left > 0) {
		/* GB18030 takes at most 2 UTF-8 bytes per input byte (4 per 4-byte sequence). */
		size_t want = left * 2 + 16;
		if (want > ((size_t)1 << 24))
			want = (size_t)1 << 24;
		if (!dt_strbuf_grow(out, want)) {
			rc = dt_error(err, DT_ENOMEM, "the converted file is too large");
			break;
		}
		char *o = out->buf + out->len;
		size_t room = out->alloc - out->len - 1;
		size_t r = iconv(cd, &in, &left, &o, &room);
		out->len = (size_t)(o - out->buf);
		out->buf[out->len] = '\0';
		if (r == (size_t)-1 && errno != E2BIG) {
			size_t off = (size_t)(in - data);
			rc = dt_error(err, DT_EINVAL,
				      "line %zu, byte %zu: 0x%02X is neither UTF-8 nor GBK/GB18030 "
				      "(save the file as \"CSV UTF-8\")",
				      line_of(data, off), off + 1, (unsigned char)*in);
			break;
		}
	}
	iconv_close(cd);
	return rc;
}

enum dt_err dt_encoding_to_utf8(const char *data, size_t len, int enc, struct dt_strbuf *out,
				int *used, bool *bom, struct dt_strbuf *err)
{
	bool has_bom = len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3);
	if (bom)
		*bom = false;
	if ((len >= 4 && !memcmp(data, "PK\x03\x04", 4)) ||
	    (len >= 4 && !memcmp(data, "\xD0\xCF\x11\xE0", 4)))
		return dt_error(err, DT_EINVAL,
				"the file is an Excel workbook, not CSV: save it as \"CSV UTF-8\" "
				"(另存为“CSV UTF-8(逗号分隔)”) and import that");
	if (len >= 2 && (!memcmp(data, "\xFF\xFE", 2) || !memcmp(data, "\xFE\xFF", 2)))
		return dt_error(
			err, DT_EINVAL,
			"the file is UTF-16 (Excel's \"Unicode text\"): save it as \"CSV UTF-8\" "
			"or \"CSV\" instead");
	/* NUL is no character of a text file; in a C string it would end a cell early */
	const char *nul = memchr(data, '\0', len);
	if (nul)
		return dt_error(
			err, DT_EINVAL,
			"line %zu, byte %zu: a NUL byte: a CSV file holds none (UTF-16 without a "
			"byte-order mark? save it as \"CSV UTF-8\")",
			line_of(data, (size_t)(nul - data)), (size_t)(nul - data) + 1);
	if (enc == DT_ENC_AUTO) {
		if (has_bom || dt_utf8_valid(data, len, NULL))
			enc = DT_ENC_UTF8;
		else
			enc = DT_ENC_GB18030;
	}
	if (used)
		*used = enc;
	if (enc == DT_ENC_GB18030)
		return from_gb18030(data, len, out, err);
	if (has_bom) {
		data += 3;
		len -= 3;
		if (bom)
			*bom = true;
	}
	size_t bad = 0;
	if (!dt_utf8_valid(data, len, &bad))
		return dt_error(
			err, DT_EINVAL,
			"line %zu, byte %zu: 0x%02X is not valid UTF-8 (try --encoding gbk)",
			line_of(data, bad), bad + 1 + (has_bom ? 3 : 0), (unsigned char)data[bad]);
	dt_strbuf_add(out, data, len);
	if (!dt_strbuf_ok(out))
		return dt_error(err, DT_ENOMEM, "the file is too large");
	return DT_OK;
}

/* Length of a blank at @s (0 if none): ASCII white space, U+3000, U+00A0, U+FEFF. */
static size_t blank_at(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f')
		return 1;
	if (n >= 3 && !memcmp(s, "\xE3\x80\x80", 3)) /* U+3000 */
		return 3;
	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) /* U+FEFF */
		return 3;
	if (n >= 2 && !memcmp(s, "\xC2\xA0", 2)) /* U+00A0 */
		return 2;
	return 0;
}

/* Length of the blank that ends at @end (exclusive), 0 if none. */
static size_t blank_before(const char *start, const char *end)
{
	size_t n = (size_t)(end - start);
	if (n >= 3 && blank_at(end - 3, 3) == 3)
		return 3;
	if (n >= 2 && blank_at(end - 2, 2) == 2)
		return 2;
	if (n >= 1 && blank_at(end - 1, 1) == 1)
		return 1;
	return 0;
}

size_t dt_cell_clean(char *s, bool codes)
{
	size_t len = strlen(s), k;
	char *start = s, *end = s + len;
	while (start < end && (k = blank_at(start, (size_t)(end - start))))
		start += k;
	while (end > start && (k = blank_before(start, end)))
		end -= k;
	char *o = s;
	for (char *p = start; p < end;) {
		unsigned char c = (unsigned char)*p;
		/* U+FF01..U+FF5E: EF BC 81..EF BC BF, EF BD 80..EF BD 9E */
		if (codes && c == 0xEF && end - p >= 3 &&
		    (((unsigned char)p[1] == 0xBC && (unsigned char)p[2] >= 0x81 &&
		      (unsigned char)p[2] <= 0xBF) ||
		     ((unsigned char)p[1] == 0xBD && (unsigned char)p[2] >= 0x80 &&
		      (unsigned char)p[2] <= 0x9E))) {
			unsigned cp = 0xFF00u + (((unsigned char)p[1] & 0x03u) << 6) +
				      ((unsigned char)p[2] & 0x3Fu);
			*o++ = (char)(cp - 0xFF01u + 0x21u);
			p += 3;
		} else if (codes && c == 0xE3 && end - p >= 3 && !memcmp(p, "\xE3\x80\x80", 3)) {
			*o++ = ' '; /* an ideographic space inside a code */
			p += 3;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return (size_t)(o - s);
}
