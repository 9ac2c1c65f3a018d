/*
 * portal_internal.h - what portal.c (requests, cache) and pages.c (the
 * pages) share: the request as a page sees it and the page table.
 */
#ifndef DT_PORTAL_INTERNAL_H
#define DT_PORTAL_INTERNAL_H

#include <stdbool.h>

#include "core/lang.h"
#include "core/strbuf.h"
#include "store/store.h"

#define DT_PAGE_PARAMS 4
#define DT_PAGE_HTML "text/html; charset=utf-8"

enum dt_page_flags {
	DT_PAGE_PREFIX = 1 << 0,  /* the path starts with the pattern; the rest is p->arg */
	DT_PAGE_NOLANG = 1 << 1,  /* one document for both languages (no "/en" copy) */
	DT_PAGE_HOST = 1 << 2,    /* writes absolute URLs: p->base, part of the key */
	DT_PAGE_SITEMAP = 1 << 3, /* listed in /sitemap.xml (in both languages) */
};

/** A portal request as a page's render function sees it. */
struct dt_portal_req {
	struct dt_store *store;
	enum dt_lang lang;
	bool care;
	const char *path;                  /* without "/en": "/", "/cities/210100", ... */
	const char *arg;                   /* after a DT_PAGE_PREFIX pattern ("210100"), or NULL */
	const char *param[DT_PAGE_PARAMS]; /* the page's query parameters, or NULL */
	const char *base;                  /* "https://host" for DT_PAGE_HOST pages */
	struct dt_strbuf *out;
	bool failed; /* a store read failed: 500 */
};

/** A page: its path, how it is rendered, what its cache key holds. */
struct dt_portal_page {
	const char *pattern; /* "/places", or with DT_PAGE_PREFIX "/cities/" */
	unsigned flags;
	const char *type;                   /* Content-Type */
	const char *params[DT_PAGE_PARAMS]; /* query parameters that make another page */
	/* Render into p->out; 200, or 404 (then the portal's 404 page is answered). */
	int (*render)(struct dt_portal_req *p);
};

/** The page table (pages.c), ended by a NULL pattern. */
extern const struct dt_portal_page dt_portal_pages[];
/** The page of @path and its argument, or NULL. */
const struct dt_portal_page *dt_portal_find(const char *path, const char **arg);
/** The portal's 404 page in p->lang. */
void dt_portal_render_404(struct dt_portal_req *p);

#endif
