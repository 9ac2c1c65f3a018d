/*
 * attachment.c - the type sniffer, size limit, content hash and safe names
 * of evidence files (attachment.h).  No SQL, no HTTP: the store keeps the
 * bytes, the HTTP edge sends them with the headers made here.
 *
 * The sniffer reads only what it is given and never past @len; it is the
 * parser of hostile bytes that tests/fuzz/fuzz_attachment.c drives.
 */
#include "core/common.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/utf8.h"
#include "domain/attachment.h"
#include "domain/problem.h"
#include "core/banned.h"

/* How far into a file markup is looked for. */
#define MARKUP_WINDOW 1024

static const char *const mime_names[DT_ATTACH_NTYPE] = {
	[DT_ATTACH_NONE] = NULL,
	[DT_ATTACH_JPEG] = "image/jpeg",
	[DT_ATTACH_PNG] = "image/png",
	[DT_ATTACH_WEBP] = "image/webp",
	[DT_ATTACH_PDF] = "application/pdf",
};

static const char *const ext_names[DT_ATTACH_NTYPE] = {
	[DT_ATTACH_NONE] = NULL,   [DT_ATTACH_JPEG] = "jpg", [DT_ATTACH_PNG] = "png",
	[DT_ATTACH_WEBP] = "webp", [DT_ATTACH_PDF] = "pdf",
};

const char *dt_attachment_mime(enum dt_attachment_type t)
{
	return (unsigned)t < DT_ATTACH_NTYPE ? mime_names[t] : NULL;
}

const char *dt_attachment_ext(enum dt_attachment_type t)
{
	return (unsigned)t < DT_ATTACH_NTYPE ? ext_names[t] : NULL;
}

enum dt_attachment_type dt_attachment_type_of(const char *mime)
{
	for (int t = DT_ATTACH_JPEG; mime && t < DT_ATTACH_NTYPE; t++)
		if (!strcmp(mime, mime_names[t]))
			return (enum dt_attachment_type)t;
	return DT_ATTACH_NONE;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static char lower(unsigned char c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

/* Does @data[0..@len) hold @word (lowercase ASCII) in any case? */
static bool holds_word(const unsigned char *data, size_t len, const char *word)
{
	size_t n = strlen(word);
	for (size_t i = 0; i + n <= len; i++) {
		size_t k = 0;
		while (k < n && lower(data[i + k]) == word[k])
			k++;
		if (k == n)
			return true;
	}
	return false;
}

/* Markup a browser might run if it ever sniffed the file as HTML or SVG. */
static bool holds_markup(const unsigned char *data, size_t len)
{
	static const char *const words[] = { "<script", "<html", "<svg",  "<!doctype",
					     "<iframe", "<?xml", "<body", "<head" };
	size_t n = len < MARKUP_WINDOW ? len : MARKUP_WINDOW;
	for (size_t i = 0; i < DT_ARRAY_SIZE(words); i++)
		if (holds_word(data, n, words[i]))
			return true;
	return false;
}

static enum dt_attachment_type sniff_magic(const unsigned char *d, size_t len)
{
	/* JPEG: SOI then a marker */
	if (len >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF && d[3] >= 0xC0 &&
	    d[3] != 0xFF)
		return DT_ATTACH_JPEG;
	/* PNG: the signature, then a 13-byte IHDR chunk first */
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
	if (len >= 33 && !memcmp(d, png, 8) && !memcmp(d + 8, "\0\0\0\x0dIHDR", 8))
		return DT_ATTACH_PNG;
	/* WebP: RIFF, a length the file holds, WEBP, a VP8 / VP8L / VP8X chunk */
	if (len >= 20 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBPVP8", 7) &&
	    (d[15] == ' ' || d[15] == 'L' || d[15] == 'X')) {
		uint32_t riff = le32(d + 4);
		if (riff >= 12 && (uint64_t)riff + 8 <= (uint64_t)len)
			return DT_ATTACH_WEBP;
	}
	/* PDF: the header "%PDF-1.n" or "%PDF-2.n" */
	if (len >= 8 && !memcmp(d, "%PDF-", 5) && (d[5] == '1' || d[5] == '2') && d[6] == '.' &&
	    d[7] >= '0' && d[7] <= '9')
		return DT_ATTACH_PDF;
	return DT_ATTACH_NONE;
}

enum dt_attachment_type dt_attachment_sniff(const unsigned char *data, size_t len)
{
	if (!data || !len)
		return DT_ATTACH_NONE;
	enum dt_attachment_type t = sniff_magic(data, len);
	if (t == DT_ATTACH_NONE || holds_markup(data, len))
		return DT_ATTACH_NONE;
	return t;
}

enum dt_err dt_attachment_check(struct dt_problems *ps, const unsigned char *data, size_t len,
				enum dt_attachment_type *type)
{
	if (!data || !len)
		return dt_problem_add(ps, NULL, "attachment.empty", NULL);
	if (len > DT_ATTACHMENT_MAX)
		return dt_problem_add(ps, NULL, "attachment.too_large", "size", DT_I(len), "max",
				      DT_I(DT_ATTACHMENT_MAX), NULL);
	enum dt_attachment_type t = dt_attachment_sniff(data, len);
	if (t == DT_ATTACH_NONE)
		return dt_problem_add(ps, NULL, "attachment.type", NULL);
	if (type)
		*type = t;
	return DT_OK;
}

void dt_attachment_hash(const unsigned char *data, size_t len, unsigned char *raw,
			char hex[DT_ATTACHMENT_HEX_LEN])
{
	unsigned char h[DT_ATTACHMENT_HASH_LEN];
	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(hex, DT_ATTACHMENT_HEX_LEN, h, sizeof(h));
	if (raw)
		memcpy(raw, h, sizeof(h));
}

bool dt_attachment_hash_parse(const char *s, unsigned char raw[DT_ATTACHMENT_HASH_LEN])
{
	if (!s || strlen(s) != 2 * DT_ATTACHMENT_HASH_LEN)
		return false;
	for (size_t i = 0; i < 2 * DT_ATTACHMENT_HASH_LEN; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	for (size_t i = 0; raw && i < DT_ATTACHMENT_HASH_LEN; i++) {
		int hi = s[2 * i] <= '9' ? s[2 * i] - '0' : s[2 * i] - 'a' + 10;
		int lo = s[2 * i + 1] <= '9' ? s[2 * i + 1] - '0' : s[2 * i + 1] - 'a' + 10;
		raw[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

void dt_attachment_name(const char *name, enum dt_attachment_type type, struct dt_strbuf *out)
{
	const char *ext = dt_attachment_ext(type);
	if (!ext)
		ext = "bin";
	size_t start = out->len;
	const char *base = name ? name : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t len = strlen(base);
	size_t max = DT_ATTACHMENT_NAME_MAX - 1 - strlen(ext); /* room for ".ext" */
	for (size_t i = 0; i < len;) {
		uint32_t cp = 0;
		size_t n = dt_utf8_decode(base + i, len - i, &cp);
		if (!n) {
			i++; /* an invalid byte: dropped */
			continue;
		}
		bool keep = cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) && cp != '"' &&
			    cp != '\\' && cp != 0x2028 && cp != 0x2029 &&
			    !(cp >= 0x202A && cp <= 0x202E) && !(cp >= 0x2066 && cp <= 0x2069);
		if (keep) {
			if (out->len - start + n > max)
				break;
			dt_strbuf_add(out, base + i, n);
		}
		i += n;
	}
	/* leading dots and blanks make hidden or odd names */
	size_t lead = 0;
	while (start + lead < out->len &&
	       (out->buf[start + lead] == '.' || out->buf[start + lead] == ' '))
		lead++;
	if (lead) {
		memmove(out->buf + start, out->buf + start + lead, out->len - start - lead);
		dt_strbuf_setlen(out, out->len - lead);
	}
	if (out->len == start)
		dt_strbuf_adds(out, "file");
	const char *dot = NULL;
	for (size_t i = start; i < out->len; i++)
		if (out->buf[i] == '.')
			dot = out->buf + i;
	bool same = false;
	if (dot) {
		const char *e = dot + 1;
		size_t el = (size_t)(out->buf + out->len - e);
		same = el == strlen(ext) && !strncasecmp(e, ext, el);
		if (!same && type == DT_ATTACH_JPEG && el == 4 && !strncasecmp(e, "jpeg", 4))
			same = true;
	}
	if (!same) {
		dt_strbuf_addch(out, '.');
		dt_strbuf_adds(out, ext);
	}
}

void dt_attachment_disposition(const char *name, bool inline_ok, struct dt_strbuf *out)
{
	dt_strbuf_adds(out, inline_ok ? "inline" : "attachment");
	dt_strbuf_adds(out, "; filename=\"");
	/* the ASCII fallback: printable ASCII but quote and backslash, others as '_' */
	for (const unsigned char *p = (const unsigned char *)name; p && *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue; /* a continuation byte: its character is one '_' */
		dt_strbuf_addch(out, *p >= 0x20 && *p < 0x7F && *p != '"' && *p != '\\' ? (char)*p
											: '_');
	}
	dt_strbuf_adds(out, "\"; filename*=UTF-8''");
	static const char hexd[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)name; p && *p; p++) {
		unsigned char c = *p;
		bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			     (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c);
		if (plain && c) {
			dt_strbuf_addch(out, (char)c);
		} else {
			dt_strbuf_addch(out, '%');
			dt_strbuf_addch(out, hexd[c >> 4]);
			dt_strbuf_addch(out, hexd[c & 15]);
		}
	}
}
