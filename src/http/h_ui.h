/*
 * h_ui.h - the web application embedded in the binary.
 *
 * scripts/embed-web.sh compiles every file under web/ into dt_web_assets[]
 * (raw and gzip bytes, media type, ETag) and the build's dt_web_version; the
 * dispatcher hands every GET or HEAD that no API route matched to
 * dt_ui_serve(), which answers assets, index.html and the client-side routes.
 */
#ifndef DT_H_UI_H
#define DT_H_UI_H

#include <stdbool.h>
#include <stddef.h>

struct dt_web_asset {
	const char *path;          /* relative to web/, e.g. "js/app.js" */
	const char *type;          /* media type for Content-Type */
	const unsigned char *data; /* NUL-terminated */
	size_t len;
	const unsigned char *gz; /* gzip -9 of data, or len 0 when not smaller */
	size_t gzlen;
	const char *etag; /* quoted, e.g. "\"0123abcd...\"" */
};

/** The generated table, ended by an entry whose path is NULL. */
extern const struct dt_web_asset dt_web_assets[];
/** 16 hex digits over every asset: the /assets/VERSION/ prefix. */
extern const char dt_web_version[];

struct dt_ctx;

/** Where the signed-in application lives; "/" is the public portal. */
#define DT_APP_PREFIX "/app"

/**
 * Answer @c (whose method is @method) from the web application when the path
 * is one of its own: "/assets/VERSION/FILE" (cached for a year when VERSION
 * is current), or any other path outside /api/, /healthz and /metrics that
 * looks like a page (index.html, uncached, so that client-side routes
 * survive a reload).  Returns false, having replied nothing, otherwise.
 */
bool dt_ui_serve(struct dt_ctx *c, const char *method);

/**
 * Answer @c with @a as the application's own files are answered: its ETag
 * (304 on a matching If-None-Match), revalidated on every use (no-cache),
 * the gzip copy when accepted.  @a must outlive the response
 * (GET /api/v1/schema, h_schema.c, keeps its document for good).
 */
void dt_ui_send(struct dt_ctx *c, const struct dt_web_asset *a);

#endif
