/*
 * fuzz_markdown.c - the Markdown of cases, news and policy
 * (dt_markdown_html in src/core/markdown.c) as HTML.
 *
 * The input is the Markdown.  Beyond "does not crash" (ASan, UBSan), the
 * HTML must keep markdown.h's promise whatever the text: no "<script", no
 * href or src that starts with a scheme other than http:, https: or
 * mailto: (javascript:, data:, vbscript:, ... in any case), every image's
 * source a file of the attachment store, and every tag one that cmark
 * makes of Markdown - so no raw HTML passed through, not even a comment.
 * The text's "<" and "&" arrive escaped, so any other tag is a leak.
 * The same input's words without markup (dt_markdown_text, for search
 * excerpts) must be valid UTF-8 with single spaces and none at the ends.
 */
#include <ctype.h>
#include <strings.h>

#include "core/strbuf.h"
#include "core/markdown.h"
#include "core/utf8.h"
#include "fuzz.h"

static const char *const tags[] = { "p",  "h1",         "h2", "h3",  "h4",   "h5", "h6",
				    "ul", "ol",         "li", "pre", "code", "em", "strong",
				    "a",  "blockquote", "hr", "br",  "img" };

/* Is the tag at @p (just after '<', or '</') one of tags[]? */
static bool known_tag(const char *p)
{
	size_t n = 0;
	while (isalnum((unsigned char)p[n]))
		n++;
	for (size_t i = 0; i < DT_ARRAY_SIZE(tags); i++)
		if (strlen(tags[i]) == n && !strncmp(p, tags[i], n))
			return true;
	return false;
}

/*
 * The value of the attribute starting at @p (after `name="`): a safe target?
 * As a browser parses it: a scheme is a letter then letters, digits, "+",
 * "-" or "." up to a ':' (cmark percent-encodes anything else, which makes
 * the target relative); only http, https and mailto may be one.  Images
 * only from the attachment store.
 */
static bool safe_target(const char *p, bool image)
{
	if (image)
		return !strncmp(p, DT_MARKDOWN_FILE_PREFIX, strlen(DT_MARKDOWN_FILE_PREFIX));
	size_t n = 0;
	if (!isalpha((unsigned char)p[0]))
		return true;
	while (isalnum((unsigned char)p[n]) || p[n] == '+' || p[n] == '-' || p[n] == '.')
		n++;
	if (p[n] != ':')
		return true;
	return (n == 4 && !strncasecmp(p, "http", 4)) || (n == 5 && !strncasecmp(p, "https", 5)) ||
	       (n == 6 && !strncasecmp(p, "mailto", 6));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dt_strbuf out = DT_STRBUF_INIT;
	FZ_CHECK(dt_markdown_html((const char *)data, size, &out) == DT_OK);
	const char *h = out.buf;
	FZ_CHECK(strlen(h) == out.len);
	for (const char *p = h; (p = strchr(p, '<')) != NULL; p++) {
		const char *t = p + 1 + (p[1] == '/');
		FZ_CHECK(known_tag(t));
		FZ_CHECK(strncasecmp(t, "script", 6));
		const char *end = strchr(p, '>');
		FZ_CHECK(end != NULL);
		bool image = !strncmp(t, "img", 3);
		for (const char *a = p; a < end; a++) {
			if (!strncmp(a, " href=\"", 7))
				FZ_CHECK(safe_target(a + 7, false));
			if (!strncmp(a, " src=\"", 6))
				FZ_CHECK(image && safe_target(a + 6, true));
		}
	}
	FZ_CHECK(!strcasestr(h, "<script"));
	FZ_CHECK(!strcasestr(h, "href=\"javascript:"));
	FZ_CHECK(!strcasestr(h, "src=\"javascript:"));
	FZ_CHECK(!strstr(h, "<!--"));
	dt_strbuf_release(&out);
	/* the words without markup (search excerpts): valid UTF-8, single spaces, no ends */
	struct dt_strbuf text = DT_STRBUF_INIT;
	FZ_CHECK(dt_markdown_text((const char *)data, size, &text) == DT_OK);
	const char *w = text.buf ? text.buf : "";
	FZ_CHECK(strlen(w) == text.len);
	FZ_CHECK(dt_utf8_valid(w, text.len, NULL));
	FZ_CHECK(!strstr(w, "  "));
	FZ_CHECK(text.len == 0 || (w[0] != ' ' && w[text.len - 1] != ' '));
	dt_strbuf_release(&text);
	return 0;
}
