/*
 * h_ui.c - serves the web application that scripts/embed-web.sh compiled
 * into the binary: no files are read at run time and nothing is fetched
 * from elsewhere.
 *
 *   /assets/VERSION/FILE   an asset; with the current VERSION it never
 *                          changes, so it is cached for a year (immutable);
 *                          an older VERSION (a page loaded before an upgrade)
 *                          gets today's file, uncached
 *   /app/, /app/contracts/12, ...
 *                          index.html, uncached, for the paths of the
 *                          application's screens under /app/ (their first
 *                          segment is in screens[] below): the application
 *                          routes in the browser, and a reload lands on the
 *                          same screen.  "/" is the public portal (src/portal).
 *                          A path under /app/ that is no screen: for a
 *                          browser (Accept: text/html) index.html with
 *                          status 404, the application's not-found page.
 *   /contracts/12, /login  the application's paths from before it moved under
 *                          /app/: 302 to the same path under /app/.
 *                          Any other path stays the dispatcher's (or the
 *                          portal's) 404.
 *
 * Responses carry the gzip copy when the client accepts gzip (Vary:
 * Accept-Encoding), an ETag answered with 304 on If-None-Match, and the
 * security headers of a same-origin application (CSP without inline code).
 */
#include <string.h>

#include "http/app.h"
#include "http/h_ui.h"
#include "portal/portal.h"
#include "core/banned.h"

#define ASSETS "/assets/"

static const char csp[] =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
	"form-action 'self'; frame-ancestors 'none'";

static const struct dt_web_asset *find(const char *path, size_t n)
{
	for (const struct dt_web_asset *a = dt_web_assets; a->path; a++)
		if (strlen(a->path) == n && !memcmp(a->path, path, n))
			return a;
	return NULL;
}

/* Does the comma-separated header @name of the request list @token? */
static bool header_has(const struct dt_ctx *c, const char *name, const char *token)
{
	size_t len = 0, n = strlen(token);
	const char *h = dt_http_header(c->req, name, &len);
	for (size_t i = 0; h && i + n <= len; i++) {
		if (strncasecmp(h + i, token, n))
			continue;
		bool start = i == 0 || h[i - 1] == ' ' || h[i - 1] == ',';
		bool end = i + n == len || h[i + n] == ',' || h[i + n] == ';' || h[i + n] == ' ';
		/* "gzip;q=0" refuses it */
		if (start && end &&
		    !(i + n + 4 <= len && !strncmp(h + i + n, ";q=0", 4) &&
		      (i + n + 4 == len || h[i + n + 4] == ',' ||
		       (h[i + n + 4] == '.' && i + n + 5 < len && h[i + n + 5] == '0'))))
			return true;
	}
	return false;
}

static void send_asset(struct dt_ctx *c, const struct dt_web_asset *a, bool immutable)
{
	struct dt_http_res *res = c->res;
	dt_http_add_header(res, "cache-control",
			   immutable ? "public, max-age=31536000, immutable" : "no-cache");
	dt_http_add_header(res, "etag", a->etag);
	dt_http_add_header(res, "vary", "Accept-Encoding");
	dt_http_add_header(res, "x-content-type-options", "nosniff");
	if (!strcmp(a->path, "index.html")) {
		dt_http_add_header(res, "content-security-policy", csp);
		dt_http_add_header(res, "referrer-policy", "same-origin");
		dt_http_add_header(res, "x-frame-options", "DENY");
	}
	size_t n = 0;
	const char *inm = dt_http_header(c->req, "if-none-match", &n);
	if (inm && n == strlen(a->etag) && !memcmp(inm, a->etag, n)) {
		res->status = 304;
		return;
	}
	res->status = 200;
	res->content_type = a->type;
	if (a->gzlen && header_has(c, "accept-encoding", "gzip")) {
		dt_http_add_header(res, "content-encoding", "gzip");
		res->static_body = a->gz;
		res->static_len = a->gzlen;
	} else {
		res->static_body = a->data;
		res->static_len = a->len;
	}
}

/*
 * The first path segments of the application's screens (web/js/app.js ROUTES
 * and the registry screens of web/js/screens.js); "" is "/"; the last line,
 * supervision in the field (web/js/views/inspect.js, findings.js).
 */
static const char *const screens[] = {
	"",
	"login",
	"record-book",
	"contracts",
	"enterprises",
	"schools",
	"programmes",
	"partnerships",
	"demands",
	"places",
	"trainees",
	"pilots",
	"alerts",
	"audit",
	"import",
	"inspections",
	"findings",
	/* supervision planning (web/js/views/plans.js) */
	"plans",
	/* accounts (web/js/views/accounts.js) */
	"accounts",
	"account",
	"activate",
	/* mentors: the register and bulk sign-off (web/js/views/signoff.js) */
	"mentors",
	"signoff",
	/* notifications: the inbox (web/js/views/inbox.js) */
	"notifications",
	/* the map of the pilot's provinces and cities (web/js/views/map.js) */
	"map",
	/* assessments and outcomes (registry screens) */
	"assessments",
	"outcomes",
	/* promotion and publicity (web/js/views/publicity.js): made under /app/
	 * only, never linked outside it; the public portal has pages of
	 * these names */
	"cases",
	"news",
	"policies",
};

#define NSCREENS (sizeof(screens) / sizeof(screens[0]))

/* The index in screens[] of @path's (length @n) first segment, or -1. */
static int screen_of(const char *path, size_t n)
{
	if (!n || path[0] != '/')
		return -1;
	const char *seg = path + 1, *end = memchr(seg, '/', n - 1);
	size_t k = end ? (size_t)(end - seg) : n - 1;
	for (size_t i = 0; i < NSCREENS; i++)
		if (strlen(screens[i]) == k && !memcmp(screens[i], seg, k))
			return k > 0 || n == 1 ? (int)i : -1;
	return -1;
}

/* Is @path (length @n) a screen of the application? */
static bool is_screen(const char *path, size_t n)
{
	return screen_of(path, n) >= 0;
}

/*
 * Is @path (length @n, NUL-terminated, not "/") an old link to a screen,
 * redirected under /app/?  Not when the portal has a page there (/cases,
 * /news, /policies are its pages too).
 */
static bool is_old_link(const char *path, size_t n)
{
	return screen_of(path, n) > 0 && !dt_portal_has_page(path);
}

void dt_ui_send(struct dt_ctx *c, const struct dt_web_asset *a)
{
	send_asset(c, a, false);
}

bool dt_ui_serve(struct dt_ctx *c, const char *method)
{
	const char *path = c->req->path;
	size_t n = c->req->path_len;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return false;
	size_t pre = strlen(ASSETS);
	if (n > pre && !memcmp(path, ASSETS, pre)) {
		/* /assets/VERSION/FILE */
		const char *v = path + pre, *slash = memchr(v, '/', n - pre);
		if (!slash)
			return false;
		const char *file = slash + 1;
		size_t flen = (size_t)(path + n - file);
		const struct dt_web_asset *a = find(file, flen);
		if (!a || !strcmp(a->path, "index.html"))
			return false; /* the dispatcher answers 404 */
		bool current = (size_t)(slash - v) == strlen(dt_web_version) &&
			       !memcmp(v, dt_web_version, (size_t)(slash - v));
		send_asset(c, a, current);
		return true;
	}
	size_t app = strlen(DT_APP_PREFIX);
	bool screen = true;
	if (n >= app && !memcmp(path, DT_APP_PREFIX, app) && (n == app || path[app] == '/')) {
		/* /app, /app/ and /app/SCREEN...: the application */
		if (n > app + 1 && !is_screen(path + app, n - app)) {
			/*
			 * A mistyped address typed into a browser (it asks for
			 * HTML): the application answers 404 with its own page,
			 * which says "not found" in the interface's language; any
			 * other client gets the dispatcher's problem.
			 */
			if (!header_has(c, "accept", "text/html"))
				return false;
			screen = false;
		}
	} else if (n > 1 && is_old_link(path, n)) {
		/* an old link to a screen: the same screen under /app/ */
		struct dt_strbuf to = DT_STRBUF_INIT;
		dt_strbuf_adds(&to, DT_APP_PREFIX);
		dt_strbuf_add(&to, path, n);
		if (c->req->query) {
			dt_strbuf_addch(&to, '?');
			dt_strbuf_add(&to, c->req->query, c->req->query_len);
		}
		c->res->status = 302;
		dt_http_add_header(c->res, "location", dt_http_strdup(c->req, to.buf, to.len));
		dt_http_add_header(c->res, "cache-control", "no-cache");
		dt_strbuf_release(&to);
		return true;
	} else {
		return false; /* the portal's (or the dispatcher's) */
	}
	const struct dt_web_asset *index = find("index.html", 10);
	if (!index)
		return false;
	send_asset(c, index, false);
	if (!screen && c->res->status == 200)
		c->res->status = 404;
	return true;
}
