/*
 * lang.c - choosing Chinese or English for a reader (lang.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/lang.h"
#include "core/banned.h"

static bool ascii_prefix(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);
	if (n < w)
		return false;
	for (size_t i = 0; i < w; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return false;
	}
	return n == w || s[w] == '-' || s[w] == '_';
}

/* The weight of one Accept-Language element's parameters ";q=0.8": 0..1000. */
static int weight(const char *p, const char *end)
{
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == ';'))
			p++;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			p += 2;
			int w = 0, digits = 0;
			if (p < end && *p == '1')
				return 1000;
			if (p < end && *p == '0')
				p++;
			if (p < end && *p == '.') {
				for (p++; p < end && *p >= '0' && *p <= '9' && digits < 3;
				     p++, digits++)
					w = w * 10 + (*p - '0');
			}
			while (digits++ < 3)
				w *= 10;
			return w;
		}
		while (p < end && *p != ';')
			p++;
	}
	return 1000;
}

enum dt_lang dt_lang_accept(const char *h)
{
	int best_zh = -1, best_en = -1;
	bool zh_first = true, seen = false;
	for (const char *p = h; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *end = p + strcspn(p, ",");
		const char *tag_end = p + strcspn(p, ";, \t");
		if (tag_end > end)
			tag_end = end;
		size_t n = (size_t)(tag_end - p);
		int w = weight(tag_end, end);
		if (ascii_prefix(p, n, "zh") && w > best_zh) {
			best_zh = w;
			if (!seen)
				zh_first = true, seen = true;
		} else if (ascii_prefix(p, n, "en") && w > best_en) {
			best_en = w;
			if (!seen)
				zh_first = false, seen = true;
		}
		p = end;
	}
	if (best_en > 0 && (best_en > best_zh || (best_en == best_zh && !zh_first)))
		return DT_LANG_EN;
	return DT_LANG_ZH;
}

enum dt_lang dt_lang_env(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(vars); i++) {
		const char *v = getenv(vars[i]);
		if (!v || !*v)
			continue;
		return ascii_prefix(v, strcspn(v, ".@"), "zh") ? DT_LANG_ZH : DT_LANG_EN;
	}
	return DT_LANG_EN;
}

const char *dt_lang_code(enum dt_lang lang)
{
	return lang == DT_LANG_EN ? "en" : "zh";
}
