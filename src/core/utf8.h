/*
 * utf8.h - UTF-8 validation, decoding, display width and quoting for messages.
 *
 * Text enters dualtrack from CSV files, forms and the command line; it is
 * checked with dt_utf8_valid() at the edge and is well-formed UTF-8 inside.
 */
#ifndef DT_UTF8_H
#define DT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

/**
 * True if @s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code points past U+10FFFF).  On false, *@bad (when not NULL) is the byte
 * offset of the first bad sequence.
 */
bool dt_utf8_valid(const char *s, size_t len, size_t *bad);
/**
 * Decode one code point at @s (at most @len bytes); returns its length in
 * bytes and stores it in *@cp, or returns 0 on a bad sequence.
 */
size_t dt_utf8_decode(const char *s, size_t len, uint32_t *cp);
/**
 * Terminal display width of the NUL-terminated @s: East Asian wide and
 * full-width count 2, combining marks and controls 0, a bad byte 1.
 */
size_t dt_utf8_width(const char *s);
/** Width of one code point (0 for combining marks and controls). */
int dt_utf8_cp_width(uint32_t cp);
/** Number of code points in @s (which must be valid UTF-8). */
size_t dt_utf8_len(const char *s);
/**
 * Append @s to @sb in single quotes, for echoing user input in an error
 * message: valid UTF-8 is kept, control and invalid bytes become \xNN, ' and
 * \ are backslash-escaped, and input longer than @max bytes is cut (at a
 * character boundary) and followed by "...".
 */
void dt_utf8_add_quoted(struct dt_strbuf *sb, const char *s, size_t max);
/**
 * The first place in @hay where @needle occurs, ASCII letters compared
 * without regard to case (as the full-text search matches), or NULL; an
 * empty @needle is nowhere.
 */
const char *dt_utf8_find(const char *hay, const char *needle);
/**
 * Append to @sb an excerpt of the valid UTF-8 @text around the first
 * occurrence of @q (dt_utf8_find): at most @before characters before it and
 * @after after it, cut at character boundaries, with "…" where text is left
 * out at either end.  Without an occurrence: the start of @text, @before +
 * @after characters.
 */
void dt_utf8_excerpt(struct dt_strbuf *sb, const char *text, const char *q, size_t before,
		     size_t after);

#endif
