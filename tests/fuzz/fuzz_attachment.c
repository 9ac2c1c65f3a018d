/*
 * fuzz_attachment.c - the type sniffer of uploaded evidence files
 * (dt_attachment_sniff and dt_attachment_check in src/domain/attachment.c),
 * and the safe file name and Content-Disposition made from a client's name.
 *
 * The input is the file.  Beyond "does not crash" and "reads nothing past
 * the end" (ASan), an accepted file must keep the promises of
 * attachment.h: it starts with the magic of the type it was given, its MIME
 * type is one of the four, it is never empty nor over the limit, it is never
 * taken for markup (nothing it holds in its first kilobyte opens a script,
 * an SVG or an HTML document), and a shortened copy is never accepted as a
 * different type.  The input is also taken as a file name: the name kept
 * holds no control character, quote, backslash or slash, is valid UTF-8,
 * ends with the type's extension, and its Content-Disposition is plain
 * ASCII without a second quote pair or a line break.
 */
#include <strings.h>

#include "core/strbuf.h"
#include "core/utf8.h"
#include "domain/attachment.h"
#include "fuzz.h"

static bool starts(const uint8_t *d, size_t n, const char *magic, size_t m)
{
	return n >= m && !memcmp(d, magic, m);
}

static bool holds_ci(const uint8_t *d, size_t n, const char *w)
{
	size_t m = strlen(w);
	if (n > 1024)
		n = 1024;
	for (size_t i = 0; i + m <= n; i++)
		if (!strncasecmp((const char *)d + i, w, m))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum dt_attachment_type t = dt_attachment_sniff(data, size);
	const char *mime = dt_attachment_mime(t);
	if (t != DT_ATTACH_NONE) {
		FZ_CHECK(mime != NULL);
		FZ_CHECK(dt_attachment_type_of(mime) == t);
		FZ_CHECK(size > 0);
		switch (t) {
		case DT_ATTACH_JPEG: FZ_CHECK(starts(data, size, "\xFF\xD8\xFF", 3)); break;
		case DT_ATTACH_PNG: FZ_CHECK(starts(data, size, "\x89PNG\r\n\x1A\n", 8)); break;
		case DT_ATTACH_WEBP:
			FZ_CHECK(starts(data, size, "RIFF", 4) && size >= 12 &&
				 !memcmp(data + 8, "WEBP", 4));
			break;
		case DT_ATTACH_PDF: FZ_CHECK(starts(data, size, "%PDF-", 5)); break;
		default: FZ_CHECK(0);
		}
		static const char *const markup[] = { "<script", "<svg", "<html", "<!doctype",
						      "<iframe" };
		for (size_t i = 0; i < DT_ARRAY_SIZE(markup); i++)
			FZ_CHECK(!holds_ci(data, size, markup[i]));
		/* a shorter prefix is the same type or none, never another */
		enum dt_attachment_type u = dt_attachment_sniff(data, size / 2);
		FZ_CHECK(u == DT_ATTACH_NONE || u == t);
	} else {
		FZ_CHECK(mime == NULL);
	}
	struct dt_problems ps = DT_PROBLEMS_INIT;
	enum dt_attachment_type ct = DT_ATTACH_NONE;
	enum dt_err rc = dt_attachment_check(&ps, data, size, &ct);
	FZ_CHECK((rc == DT_OK) == (t != DT_ATTACH_NONE && size <= DT_ATTACHMENT_MAX));
	FZ_CHECK(rc != DT_OK || ct == t);
	dt_problems_release(&ps);

	/* the input as a client's file name */
	char *name = fz_strndup(data, size);
	struct dt_strbuf kept = DT_STRBUF_INIT, disp = DT_STRBUF_INIT;
	enum dt_attachment_type as = (enum dt_attachment_type)(1 + size % 4);
	dt_attachment_name(name, as, &kept);
	FZ_CHECK(kept.len > 0 && kept.len <= DT_ATTACHMENT_NAME_MAX);
	FZ_CHECK(dt_utf8_valid(kept.buf, kept.len, NULL));
	for (size_t i = 0; i < kept.len; i++) {
		unsigned char c = (unsigned char)kept.buf[i];
		FZ_CHECK(c >= 0x20 && c != 0x7F && c != '"' && c != '\\' && c != '/');
	}
	const char *ext = dt_attachment_ext(as);
	size_t el = strlen(ext);
	/* ".jpeg" is kept as the client wrote it, for a JPEG */
	bool jpeg = as == DT_ATTACH_JPEG && kept.len > 5 && kept.buf[kept.len - 5] == '.' &&
		    !strcasecmp(kept.buf + kept.len - 4, "jpeg");
	FZ_CHECK(jpeg || (kept.len > el && kept.buf[kept.len - el - 1] == '.' &&
			  !strcasecmp(kept.buf + kept.len - el, ext)));
	dt_attachment_disposition(kept.buf, size & 1, &disp);
	size_t quotes = 0;
	for (size_t i = 0; i < disp.len; i++) {
		unsigned char c = (unsigned char)disp.buf[i];
		FZ_CHECK(c >= 0x20 && c < 0x7F);
		quotes += c == '"';
	}
	FZ_CHECK(quotes == 2);
	dt_strbuf_release(&disp);
	dt_strbuf_release(&kept);
	free(name);
	return 0;
}
