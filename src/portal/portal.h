/*
 * portal.h - the public portal (docs/PORTAL.md): server-rendered HTML for
 * anyone, without signing in, at "/" (Chinese) and "/en/" (English), care
 * mode with "?care=1"; the Atom feed, sitemap and robots.txt.
 *
 * Pages are rendered once per change of what they show and kept in memory
 * (keyed by path, language and care mode), answered with an ETag (304 on
 * If-None-Match) and gzip when accepted.  The cache is valid for one value
 * of the store's portal generation (migration 016), which the store's
 * triggers bump in the transaction of any write to published data; on
 * PostgreSQL the bump is also notified to every server (fanout.c).
 *
 * Adding a page: a line in dt_portal_pages[] of pages.c (a path, a render
 * function, flags) and the function; its cache key is its path, language
 * and care mode (plus the query parameters it declares).  Home-page slots
 * and feed sources are tables of functions too (pages.c, "Extension
 * points").  /files/HASH (files of published cases and items) is answered
 * here, outside the page cache.
 */
#ifndef DT_PORTAL_H
#define DT_PORTAL_H

#include <stdbool.h>
#include <stdint.h>

struct dt_ctx;

/** Portal settings (serve --portal-rate). */
struct dt_portal_config {
	unsigned rate; /* requests per client address per 10 seconds; 0: unlimited */
};

/**
 * Has the portal a page at @path (NUL-terminated, "/cases/12"; without the
 * "/en" of English)?  The application leaves such a path to it.
 */
bool dt_portal_has_page(const char *path);
/** Configure the portal before serving. */
void dt_portal_configure(const struct dt_portal_config *cfg);

/**
 * Answer @c (method @method) when its path is a portal page (or the portal's
 * 404 for a GET of a path nothing else answers, when @fallback).  Returns
 * false, having replied nothing, otherwise.
 */
bool dt_portal_serve(struct dt_ctx *c, const char *method, bool fallback);

/**
 * What the portal shows may have changed (a publication made in this
 * process, or a notification from another server): the next request reads
 * the store's generation again.  Thread-safe, cheap.
 */
void dt_portal_changed(void);

/**
 * Escape @s (may be NULL) for HTML or XML text and attribute values into
 * @out: the one escaping helper every page uses.
 */
struct dt_strbuf;
void dt_portal_esc(struct dt_strbuf *out, const char *s);

#endif
