/*
 * utf8.c - UTF-8 validation, decoding, display width and quoting for messages.
 *
 * The decoder follows the table of well-formed byte sequences in the Unicode
 * Standard (chapter 3, table 3-7): the second byte's range depends on the
 * first, which is what rules out overlong forms (C0, C1, E0 80..9F,
 * F0 80..8F), UTF-16 surrogates (ED A0..BF) and code points past U+10FFFF
 * (F4 90.., F5..FF) without decoding first and checking after.  Display
 * widths are those of a terminal: the East Asian Wide and Fullwidth blocks
 * (all of CJK, Hangul, full-width forms) take two columns, combining marks and
 * control characters none.
 */
#include <ctype.h>
#include <string.h>

#include "core/common.h"
#include "core/utf8.h"
#include "core/banned.h"

struct cp_range {
	uint32_t lo, hi;
};

static const struct cp_range wide[] = {
	{ 0x1100, 0x115F },   /* Hangul Jamo initial consonants */
	{ 0x2E80, 0x303E },   /* CJK radicals, Kangxi, CJK symbols and punctuation */
	{ 0x3041, 0x33FF },   /* Hiragana .. CJK compatibility */
	{ 0x3400, 0x4DBF },   /* CJK extension A */
	{ 0x4E00, 0x9FFF },   /* CJK unified ideographs */
	{ 0xA000, 0xA4CF },   /* Yi */
	{ 0xAC00, 0xD7A3 },   /* Hangul syllables */
	{ 0xF900, 0xFAFF },   /* CJK compatibility ideographs */
	{ 0xFE30, 0xFE4F },   /* CJK compatibility forms */
	{ 0xFF00, 0xFF60 },   /* full-width forms */
	{ 0xFFE0, 0xFFE6 },   /* full-width signs */
	{ 0x20000, 0x2FFFD }, /* CJK extensions B.. */
	{ 0x30000, 0x3FFFD }, /* CJK extension G.. */
};

static const struct cp_range zero[] = {
	{ 0x0300, 0x036F }, /* combining diacritical marks */
	{ 0x1AB0, 0x1AFF }, /* combining diacritical marks extended */
	{ 0x1DC0, 0x1DFF }, /* combining diacritical marks supplement */
	{ 0x200B, 0x200F }, /* zero-width space, joiners, direction marks */
	{ 0x20D0, 0x20FF }, /* combining marks for symbols */
	{ 0xFE00, 0xFE0F }, /* variation selectors */
	{ 0xFE20, 0xFE2F }, /* combining half marks */
};

static bool in_ranges(uint32_t cp, const struct cp_range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

size_t dt_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned lo = 0x80, hi = 0xBF;
	uint32_t v;
	size_t n;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		if (cp)
			*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		v = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		v = p[0] & 0x0F;
		if (p[0] == 0xE0)
			lo = 0xA0; /* below is overlong */
		else if (p[0] == 0xED)
			hi = 0x9F; /* above is a surrogate */
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		v = p[0] & 0x07;
		if (p[0] == 0xF0)
			lo = 0x90; /* below is overlong */
		else if (p[0] == 0xF4)
			hi = 0x8F; /* above is past U+10FFFF */
	} else {
		return 0; /* continuation byte, C0, C1 or F5..FF */
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		v = (v << 6) | (p[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	if (cp)
		*cp = v;
	return n;
}

bool dt_utf8_valid(const char *s, size_t len, size_t *bad)
{
	size_t i = 0;

	while (i < len) {
		size_t n = dt_utf8_decode(s + i, len - i, NULL);
		if (!n) {
			if (bad)
				*bad = i;
			return false;
		}
		i += n;
	}
	return true;
}

int dt_utf8_cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;
	if (cp < 0x300)
		return 1;
	if (in_ranges(cp, zero, DT_ARRAY_SIZE(zero)))
		return 0;
	if (in_ranges(cp, wide, DT_ARRAY_SIZE(wide)))
		return 2;
	return 1;
}

size_t dt_utf8_width(const char *s)
{
	size_t len = strlen(s), i = 0, w = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = dt_utf8_decode(s + i, len - i, &cp);
		if (!n) {
			w += 1; /* a terminal shows a replacement character */
			i += 1;
			continue;
		}
		w += (size_t)dt_utf8_cp_width(cp);
		i += n;
	}
	return w;
}

size_t dt_utf8_len(const char *s)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n;
}

const char *dt_utf8_find(const char *hay, const char *needle)
{
	size_t n = needle ? strlen(needle) : 0;
	if (!hay || !n)
		return NULL;
	for (const char *h = hay; *h; h++) {
		size_t i = 0;
		while (i < n && h[i] &&
		       tolower((unsigned char)h[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return h;
	}
	return NULL;
}

/* The start of the character @k characters before @p (not before @start). */
static const char *back_chars(const char *start, const char *p, size_t k)
{
	while (p > start && k) {
		p--;
		if (((unsigned char)*p & 0xC0) != 0x80)
			k--;
	}
	return p;
}

/* The end of @k characters from @p (not past the NUL). */
static const char *forward_chars(const char *p, size_t k)
{
	while (*p && k) {
		p++;
		while (((unsigned char)*p & 0xC0) == 0x80)
			p++;
		k--;
	}
	return p;
}

void dt_utf8_excerpt(struct dt_strbuf *sb, const char *text, const char *q, size_t before,
		     size_t after)
{
	if (!text)
		return;
	const char *hit = dt_utf8_find(text, q);
	const char *from, *to;
	if (hit) {
		from = back_chars(text, hit, before);
		to = forward_chars(hit + strlen(q), after);
	} else {
		from = text;
		to = forward_chars(text, before + after);
	}
	if (from > text)
		dt_strbuf_adds(sb, "…");
	dt_strbuf_add(sb, from, (size_t)(to - from));
	if (*to)
		dt_strbuf_adds(sb, "…");
}

void dt_utf8_add_quoted(struct dt_strbuf *sb, const char *s, size_t max)
{
	size_t len = strlen(s), i = 0;

	dt_strbuf_addch(sb, '\'');
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n = dt_utf8_decode(s + i, len - i, &cp);
		if (i + (n ? n : 1) > max) {
			dt_strbuf_addch(sb, '\'');
			dt_strbuf_adds(sb, "...");
			return;
		}
		if (n > 1 && !(cp >= 0x80 && cp < 0xA0)) {
			dt_strbuf_add(sb, s + i, n);
		} else if (n == 1 && c >= 0x20 && c < 0x7F) {
			if (c == '\'' || c == '\\')
				dt_strbuf_addch(sb, '\\');
			dt_strbuf_addch(sb, c);
		} else {
			/* control, C1 control or a byte of a bad sequence */
			for (size_t k = 0; k < (n ? n : 1); k++)
				dt_strbuf_addf(sb, "\\x%02x", (unsigned char)s[i + k]);
		}
		i += n ? n : 1;
	}
	dt_strbuf_addch(sb, '\'');
}
