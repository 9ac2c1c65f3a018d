/*
 * markdown.c - Markdown to safe HTML with cmark (see markdown.h for the
 * rule).
 *
 * cmark parses the text into a tree; before rendering we walk it once and
 * collect what must go: raw HTML nodes (dropped), links with a target we do
 * not trust and images from anywhere but the attachment store (both
 * unwrapped: their inline content, the link text or the alt text, takes
 * their place).  The tree is changed after the walk, not during it, so the
 * iterator never stands on a node that was freed.  cmark's own safe mode
 * (the default of cmark 0.30: raw HTML as a comment, dangerous URLs blank)
 * stays on underneath as a second line.
 */
#include <cmark.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/markdown.h"
#include "core/banned.h"

int dt_markdown_file_url(const char *url, char hash[65])
{
	size_t n = strlen(DT_MARKDOWN_FILE_PREFIX);
	if (!url || strncmp(url, DT_MARKDOWN_FILE_PREFIX, n))
		return 0;
	const char *h = url + n;
	for (size_t i = 0; i < 64; i++)
		if (!(isdigit((unsigned char)h[i]) || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	if (h[64])
		return 0;
	if (hash) {
		memcpy(hash, h, 64);
		hash[64] = 0;
	}
	return 1;
}

/*
 * May a link point at @url?  Relative targets and http:, https:, mailto:.
 * A target with whitespace or a control character before its first ':' is
 * refused outright: a browser skips some of those inside a scheme
 * ("java\tscript:"), and no honest link has them.
 */
static int link_ok(const char *url)
{
	char scheme[16];
	size_t k = 0;
	if (!url)
		return 1;
	const char *colon = strchr(url, ':');
	if (!colon)
		return 1;
	for (const char *p = url; p < colon; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= ' ' || ch == 0x7f)
			return 0;
		if (ch == '/' || ch == '?' || ch == '#')
			return 1; /* the ':' is past the path's start: relative */
		if (k + 1 >= sizeof(scheme))
			return 0; /* no scheme of ours is this long */
		scheme[k++] = (char)tolower(ch);
	}
	scheme[k] = 0;
	return !strcmp(scheme, "http") || !strcmp(scheme, "https") || !strcmp(scheme, "mailto");
}

/* Put @node's children before it, then free it (a link or image made plain). */
static void unwrap(cmark_node *node)
{
	cmark_node *c;
	while ((c = cmark_node_first_child(node)) != NULL) {
		cmark_node_unlink(c);
		cmark_node_insert_before(node, c);
	}
	cmark_node_free(node);
}

enum dt_err dt_markdown_html_files(const char *md, size_t len, const char *file_prefix,
				   struct dt_strbuf *out)
{
	cmark_node *doc = cmark_parse_document(md ? md : "", md ? len : 0, CMARK_OPT_VALIDATE_UTF8);
	if (!doc) {
		out->failed = true;
		return DT_ENOMEM;
	}
	size_t n = 0, cap = 0;
	struct todo {
		cmark_node *node;
		int drop; /* 1: free it whole; 0: unwrap it */
	} *todo = NULL;
	int rc = DT_OK;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		int drop = -1;
		char hash[65];
		if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE) {
			drop = 1;
		} else if (t == CMARK_NODE_LINK && !link_ok(cmark_node_get_url(node))) {
			drop = 0;
		} else if (t == CMARK_NODE_IMAGE) {
			if (!dt_markdown_file_url(cmark_node_get_url(node), hash)) {
				drop = 0;
			} else if (file_prefix) {
				struct dt_strbuf u = DT_STRBUF_INIT;
				dt_strbuf_adds(&u, file_prefix);
				dt_strbuf_adds(&u, hash);
				if (!dt_strbuf_ok(&u) || !cmark_node_set_url(node, u.buf))
					rc = DT_ENOMEM;
				dt_strbuf_release(&u);
			}
		}
		if (drop < 0)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct todo *t2 = realloc(todo, ncap * sizeof(*todo));
			if (!t2) {
				rc = DT_ENOMEM;
				break;
			}
			todo = t2;
			cap = ncap;
		}
		todo[n].node = node;
		todo[n].drop = drop;
		n++;
	}
	cmark_iter_free(it);
	/*
	 * Innermost last in document order: a node collected later may be inside
	 * one collected earlier (a link in an image's alt), so undo in reverse.
	 */
	for (size_t i = n; i-- > 0;) {
		if (todo[i].drop)
			cmark_node_free(todo[i].node);
		else
			unwrap(todo[i].node);
	}
	free(todo);
	if (rc == DT_OK) {
		char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT);
		if (!html) {
			rc = DT_ENOMEM;
		} else {
			dt_strbuf_adds(out, html);
			free(html);
		}
	}
	cmark_node_free(doc);
	if (rc == DT_OK && !dt_strbuf_ok(out))
		rc = DT_ENOMEM;
	if (rc != DT_OK)
		out->failed = true;
	return rc;
}

enum dt_err dt_markdown_html(const char *md, size_t len, struct dt_strbuf *out)
{
	return dt_markdown_html_files(md, len, NULL, out);
}

/* Append @s to @out with each run of white space as one space (none at the start). */
static void add_words(struct dt_strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		if (isspace((unsigned char)*s)) {
			if (out->len && out->buf[out->len - 1] != ' ')
				dt_strbuf_addch(out, ' ');
		} else {
			dt_strbuf_addch(out, *s);
		}
	}
}

enum dt_err dt_markdown_text(const char *md, size_t len, struct dt_strbuf *out)
{
	cmark_node *doc = cmark_parse_document(md ? md : "", md ? len : 0, CMARK_OPT_VALIDATE_UTF8);
	if (!doc) {
		out->failed = true;
		return DT_ENOMEM;
	}
	size_t start = out->len;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		bool enter = ev == CMARK_EVENT_ENTER;
		if (enter &&
		    (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK))
			add_words(out, cmark_node_get_literal(node));
		/* a space at a block's end (a leaf block has no exit) and a line break */
		if ((!enter && t < CMARK_NODE_FIRST_INLINE) ||
		    (enter && (t == CMARK_NODE_CODE_BLOCK || t == CMARK_NODE_THEMATIC_BREAK ||
			       t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)))
			add_words(out, " ");
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	while (out->len > start && out->buf[out->len - 1] == ' ')
		out->buf[--out->len] = '\0';
	if (!dt_strbuf_ok(out))
		return DT_ENOMEM;
	return DT_OK;
}
