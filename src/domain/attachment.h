/*
 * attachment.h - the rules of evidence files (photos and PDFs) attached to
 * inspections, findings and rectifications.
 *
 * A file is accepted only when its content is one of four types, told by
 * its first bytes and never by its name or the type a client claims:
 *   JPEG  FF D8 FF
 *   PNG   89 50 4E 47 0D 0A 1A 0A, then the IHDR chunk
 *   WebP  "RIFF", a length that fits the file, "WEBP", then a VP8 chunk
 *   PDF   "%PDF-" and a version digit, "1." or "2."
 * Everything else is refused: executables, scripts, SVG and HTML (which a
 * browser would run), archives.  A file of an accepted type whose first
 * kilobyte still holds markup a browser could be tricked into running
 * ("<script", "<html", "<svg", "<!doctype", "<iframe", "<?xml") is refused too
 * (a polyglot).  Files are at most DT_ATTACHMENT_MAX bytes and not empty.
 *
 * A file is named by its content: the BLAKE2b-256 hash (libsodium's
 * crypto_generichash with no key), 64 lowercase hex digits, so the same
 * photo uploaded twice is stored once and the hash in the audit chain
 * proves which file was shown.
 */
#ifndef DT_ATTACHMENT_H
#define DT_ATTACHMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"
#include "domain/problem.h"

/** The largest file accepted: 10 MiB (a phone photo is 2-6 MB). */
#define DT_ATTACHMENT_MAX ((size_t)10 << 20)
#define DT_ATTACHMENT_HASH_LEN 32
#define DT_ATTACHMENT_HEX_LEN 65 /* 64 hex digits + NUL */
/** Longest file name kept, in bytes (UTF-8). */
#define DT_ATTACHMENT_NAME_MAX 200
/** Most files on one finding, rectification or inspection. */
#define DT_ATTACHMENT_PER_OWNER 20

enum dt_attachment_type {
	DT_ATTACH_NONE,
	DT_ATTACH_JPEG,
	DT_ATTACH_PNG,
	DT_ATTACH_WEBP,
	DT_ATTACH_PDF,
	DT_ATTACH_NTYPE
};

/** The type of @data[0..@len) by its content; DT_ATTACH_NONE when none of the four. */
enum dt_attachment_type dt_attachment_sniff(const unsigned char *data, size_t len);
/** "image/jpeg", "image/png", "image/webp", "application/pdf"; NULL for none. */
const char *dt_attachment_mime(enum dt_attachment_type t);
/** "jpg", "png", "webp", "pdf"; NULL for none. */
const char *dt_attachment_ext(enum dt_attachment_type t);
/** The type whose MIME type is @mime (as stored), DT_ATTACH_NONE otherwise. */
enum dt_attachment_type dt_attachment_type_of(const char *mime);

/**
 * An uploaded file: not empty ("attachment.empty"), at most
 * DT_ATTACHMENT_MAX bytes ("attachment.too_large" {size, max}: the HTTP
 * edge answers 413), of an accepted type ("attachment.type").  All
 * DT_EINVAL.  On success *@type (may be NULL) is its type.
 */
enum dt_err dt_attachment_check(struct dt_problems *ps, const unsigned char *data, size_t len,
				enum dt_attachment_type *type);

/** BLAKE2b-256 of @data as 64 lowercase hex digits into @hex; the raw bytes into @raw (may be NULL). */
void dt_attachment_hash(const unsigned char *data, size_t len, unsigned char *raw,
			char hex[DT_ATTACHMENT_HEX_LEN]);

/** Is @s 64 lowercase hex digits?  When so, its bytes into @raw (may be NULL). */
bool dt_attachment_hash_parse(const char *s, unsigned char raw[DT_ATTACHMENT_HASH_LEN]);

/**
 * A file name a client gave, made safe to keep and to show: its last path
 * component, control characters, quotes, backslashes and invalid UTF-8
 * dropped, cut to DT_ATTACHMENT_NAME_MAX bytes on a character boundary,
 * and with the extension of @type when it has another ("photo" →
 * "photo.jpg", "a.html" → "a.html.jpg").  Empty or NULL gives "file.EXT".
 * Appended to @out.
 */
void dt_attachment_name(const char *name, enum dt_attachment_type type, struct dt_strbuf *out);

/**
 * The Content-Disposition value of a file named @name (already made safe
 * by dt_attachment_name()): "attachment" or "inline" (@inline_ok, for
 * images), filename="ASCII fallback" and filename*=UTF-8''percent-encoded.
 */
void dt_attachment_disposition(const char *name, bool inline_ok, struct dt_strbuf *out);

#endif
