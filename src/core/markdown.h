/*
 * markdown.h - Markdown of good-practice cases, news and policy documents
 * as HTML that is safe to put in a page (issue 15).
 *
 * The text is CommonMark, parsed and rendered by cmark in its safe mode and
 * then held to a narrower rule of our own, so that what an author writes
 * can never run in a reader's browser:
 *   - raw HTML, block or inline, is dropped (not passed through, not even
 *     as a comment);
 *   - a link's target is kept only when it is relative ("/x", "#x", "x")
 *     or http:, https: or mailto:; any other scheme (javascript:, data:,
 *     vbscript:, file:, with entities, tabs or case used to hide it) makes
 *     the link inert: its text stays, without an href;
 *   - an image is kept only when its source is a file of the attachment
 *     store, "/api/v1/attachments/<64 hex digits>"; any other image is
 *     replaced by its alt text.
 * The HTML holds only the elements cmark makes of Markdown (p, h1-h6, ul,
 * ol, li, blockquote, pre, code, em, strong, a, img, hr, br).
 */
#ifndef DT_CORE_MARKDOWN_H
#define DT_CORE_MARKDOWN_H

#include <stddef.h>

#include "core/err.h"
#include "core/strbuf.h"

/** Where the attachment store serves a file: this, then 64 hex digits. */
#define DT_MARKDOWN_FILE_PREFIX "/api/v1/attachments/"

/**
 * Render the @len bytes of Markdown at @md (any bytes: invalid UTF-8 is
 * replaced) as HTML appended to @out.  DT_ENOMEM when out of memory
 * (@out's sticky error set).
 */
enum dt_err dt_markdown_html(const char *md, size_t len, struct dt_strbuf *out);

/**
 * The same, with the image sources rewritten: a kept image's
 * "/api/v1/attachments/<hash>" becomes @file_prefix followed by the hash
 * (the public portal serves published files under a prefix of its own).
 * @file_prefix NULL: as dt_markdown_html().  @file_prefix is trusted (not
 * from input).
 */
enum dt_err dt_markdown_html_files(const char *md, size_t len, const char *file_prefix,
				   struct dt_strbuf *out);

/**
 * The words of the Markdown at @md without its markup, appended to @out:
 * the text of paragraphs, headings, items, quotes, code and images' alt
 * text; one space between blocks and for any run of white space; raw HTML
 * left out.  For a search result's excerpt.  DT_ENOMEM as above.
 */
enum dt_err dt_markdown_text(const char *md, size_t len, struct dt_strbuf *out);

/**
 * Does @url name a file of the attachment store
 * ("/api/v1/attachments/" and 64 lower-case hex digits, nothing after)?
 * When it does and @hash is not NULL, the 64 digits and a NUL go to @hash.
 */
int dt_markdown_file_url(const char *url, char hash[65]);

#endif
