/*
 * portal.c - the public portal: request handling, the page cache, the rate
 * limit, and the frame every page shares (pages.c renders their bodies).
 *
 * A request is parsed into a struct dt_portal_req (language from the "/en"
 * prefix, care mode from ?care=1, the page's own query parameters), looked
 * up in the cache by its key, and rendered when missing or made for an
 * older generation.  Nothing here reads or sets a cookie: no session is made.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "core/log.h"
#include "http/app.h"
#include "http/h_ui.h"
#include "portal/portal.h"
#include "portal/portal_internal.h"
#include "domain/attachment.h"
#include "store/publicity.h"
#include "core/banned.h"

/* The strict policy: nothing inline, nothing from elsewhere. */
static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
			  "img-src 'self'; object-src 'none'; base-uri 'none'; "
			  "form-action 'self'; frame-ancestors 'none'";

static struct dt_portal_config config = { 600 };

void dt_portal_configure(const struct dt_portal_config *cfg)
{
	config = *cfg;
}

bool dt_portal_has_page(const char *path)
{
	const char *arg;
	return dt_portal_find(path, &arg) != NULL;
}

void dt_portal_esc(struct dt_strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': dt_strbuf_adds(out, "&amp;"); break;
		case '<': dt_strbuf_adds(out, "&lt;"); break;
		case '>': dt_strbuf_adds(out, "&gt;"); break;
		case '"': dt_strbuf_adds(out, "&quot;"); break;
		case '\'': dt_strbuf_adds(out, "&#39;"); break;
		default: dt_strbuf_addch(out, *s); break;
		}
	}
}

/* ---- the generation ---- */

static atomic_llong known_gen;        /* the generation last read (0: never) */
static atomic_bool must_check = true; /* read it again before the next answer */
static atomic_llong checked_at;       /* CLOCK_MONOTONIC ms of the last read */

void dt_portal_changed(void)
{
	atomic_store(&must_check, true);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The generation now, read from the store only when told
 * (dt_portal_changed: a write through this server, or on PostgreSQL another
 * server's write notified by the store) or when the last read is a second
 * old: what another process wrote without telling (a CLI on the SQLite
 * file, a notification lost with the listener's connection) shows within a
 * second.  Otherwise an atomic load: nothing per request reaches the store.
 */
static int64_t generation(struct dt_store *s)
{
	long long t = now_ms();
	if (!atomic_load(&must_check) && t - atomic_load(&checked_at) < 1000 &&
	    atomic_load(&known_gen) > 0)
		return atomic_load(&known_gen);
	atomic_store(&must_check, false);
	int64_t g = 0;
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_store_portal_generation(s, &g, &err) != DT_OK) {
		dt_warn("portal: generation: %s", err.buf);
		atomic_store(&must_check, true);
		g = -1; /* render, keep nothing */
	} else {
		atomic_store(&known_gen, g);
		atomic_store(&checked_at, t);
	}
	dt_strbuf_release(&err);
	return g;
}

/* ---- the cache ---- */

#define BUCKETS 1024
#define MAX_ENTRIES 2048

/*
 * An answer kept for a key.  The cache holds one reference, each response
 * sending its bytes another (released by dt_http_on_done once sent): an
 * answer is sent from the entry itself, never copied, and an entry replaced
 * or dropped while being sent is freed by its last response.
 */
struct entry {
	struct entry *next;
	atomic_int refs;
	char *key;
	int64_t gen;
	int status;
	const char *type;
	unsigned char *body, *gz;
	size_t len, gzlen;
	char etag[40];
};

static struct {
	pthread_mutex_t lock;
	struct entry *b[BUCKETS];
	size_t n;
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static void entry_free(struct entry *e)
{
	if (!e)
		return;
	free(e->key);
	free(e->body);
	free(e->gz);
	free(e);
}

static void entry_unref(void *p)
{
	struct entry *e = p;
	if (atomic_fetch_sub(&e->refs, 1) == 1)
		entry_free(e);
}

/* Drop every entry (the cache is full of keys: a crawl of many searches). */
static void cache_clear_locked(void)
{
	for (size_t i = 0; i < BUCKETS; i++) {
		while (cache.b[i]) {
			struct entry *e = cache.b[i];
			cache.b[i] = e->next;
			entry_unref(e);
		}
	}
	cache.n = 0;
}

/*
 * Answer with @e, whose reference passes to the response: its bytes (the
 * gzip copy when @gzip), or 304 when @inm (If-None-Match) is its ETag.
 */
static void answer(struct dt_ctx *c, struct entry *e, bool gzip, const char *inm, size_t inm_len)
{
	dt_http_on_done(c->req, entry_unref, e);
	dt_http_add_header(c->res, "etag", e->etag);
	if (inm && inm_len == strlen(e->etag) && !memcmp(inm, e->etag, inm_len)) {
		c->res->status = 304;
		return;
	}
	c->res->status = e->status;
	c->res->content_type = e->type;
	if (gzip && e->gzlen) {
		dt_http_add_header(c->res, "content-encoding", "gzip");
		c->res->static_body = e->gz;
		c->res->static_len = e->gzlen;
	} else {
		c->res->static_body = e->body;
		c->res->static_len = e->len;
	}
}

/* The cached answer of @key for generation @gen, with a reference taken; NULL if none. */
static struct entry *cache_get(const char *key, int64_t gen)
{
	struct entry *hit = NULL;
	uint64_t h = fnv(key, strlen(key)) % BUCKETS;
	pthread_mutex_lock(&cache.lock);
	for (struct entry *e = cache.b[h]; e; e = e->next) {
		if (e->gen == gen && !strcmp(e->key, key)) {
			atomic_fetch_add(&e->refs, 1);
			hit = e;
			break;
		}
	}
	pthread_mutex_unlock(&cache.lock);
	return hit;
}

/* gzip of @data into a new buffer, or NULL (then none is kept). */
static unsigned char *gzip_of(const unsigned char *data, size_t len, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	size_t cap = deflateBound(&z, len);
	unsigned char *out = malloc(cap);
	if (!out) {
		deflateEnd(&z);
		return NULL;
	}
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*outlen = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* The answer @body (@status, @type) of @key for @gen, one reference; NULL when out of memory. */
static struct entry *entry_new(const char *key, int64_t gen, int status, const char *type,
			       const struct dt_strbuf *body)
{
	struct entry *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->key = strdup(key);
	e->body = malloc(body->len + 1);
	if (!e->key || !e->body) {
		entry_free(e);
		return NULL;
	}
	atomic_init(&e->refs, 1);
	memcpy(e->body, body->buf, body->len);
	e->len = body->len;
	e->gen = gen;
	e->status = status;
	e->type = type;
	e->gz = gzip_of(e->body, e->len, &e->gzlen);
	if (e->gz && e->gzlen >= e->len) {
		free(e->gz);
		e->gz = NULL;
		e->gzlen = 0;
	}
	unsigned char hash[16];
	crypto_generichash(hash, sizeof(hash), e->body, e->len, NULL, 0);
	struct dt_strbuf t = DT_STRBUF_INIT;
	dt_strbuf_addch(&t, '"');
	dt_strbuf_addhex(&t, hash, sizeof(hash));
	dt_strbuf_addch(&t, '"');
	snprintf(e->etag, sizeof(e->etag), "%s", t.buf);
	dt_strbuf_release(&t);
	return e;
}

/* Keep @e (the cache takes a reference of its own). */
static void cache_put(struct entry *e)
{
	uint64_t h = fnv(e->key, strlen(e->key)) % BUCKETS;
	pthread_mutex_lock(&cache.lock);
	struct entry **p = &cache.b[h];
	while (*p && strcmp((*p)->key, e->key))
		p = &(*p)->next;
	if (*p) {
		/* a newer generation, or the same rendered twice at once: keep the newer */
		struct entry *old = *p;
		if (old->gen > e->gen) {
			pthread_mutex_unlock(&cache.lock);
			return;
		}
		atomic_fetch_add(&e->refs, 1);
		e->next = old->next;
		*p = e;
		entry_unref(old);
	} else {
		if (cache.n >= MAX_ENTRIES)
			cache_clear_locked();
		atomic_fetch_add(&e->refs, 1);
		e->next = cache.b[h];
		cache.b[h] = e;
		cache.n++;
	}
	pthread_mutex_unlock(&cache.lock);
}

/* ---- the rate limit: requests per client address in 10-second windows ---- */

#define RATE_SLOTS 4096
#define RATE_WINDOW_S 10

static struct {
	pthread_mutex_t lock;
	struct {
		time_t window;
		unsigned count;
	} slot[RATE_SLOTS]; /* by a hash of the address */
} rate = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Count a request of @addr; false when it is over the limit. */
static bool rate_ok(const char *addr)
{
	if (!config.rate)
		return true;
	size_t i = fnv(addr, strlen(addr)) % RATE_SLOTS;
	time_t w = time(NULL) / RATE_WINDOW_S;
	bool ok;
	pthread_mutex_lock(&rate.lock);
	/* another address sharing the slot within the window shares its count (at
	 * worst two addresses share one limit, never none); a past window resets it */
	if (rate.slot[i].window != w) {
		rate.slot[i].window = w;
		rate.slot[i].count = 0;
	}
	ok = ++rate.slot[i].count <= config.rate;
	pthread_mutex_unlock(&rate.lock);
	return ok;
}

/* ---- requests ---- */

/* Does the comma-separated header @name list @token (not refused with q=0)? */
static bool accepts(const struct dt_ctx *c, const char *name, const char *token)
{
	size_t len = 0, n = strlen(token);
	const char *h = dt_http_header(c->req, name, &len);
	for (size_t i = 0; h && i + n <= len; i++) {
		if (strncasecmp(h + i, token, n))
			continue;
		bool start = i == 0 || h[i - 1] == ' ' || h[i - 1] == ',';
		bool end = i + n == len || h[i + n] == ',' || h[i + n] == ';' || h[i + n] == ' ';
		if (!start || !end)
			continue;
		const char *q = h + i + n;
		size_t rest = len - i - n;
		if (rest >= 4 && !strncmp(q, ";q=0", 4) &&
		    (rest == 4 || q[4] == ',' || (q[4] == '.' && rest > 5 && q[5] == '0')))
			return false;
		return true;
	}
	return false;
}

/* Percent-decode @s (length @n) into the request's pool; NULL if it decodes to a NUL. */
static char *decode(struct dt_ctx *c, const char *s, size_t n)
{
	char *out = dt_http_alloc(c->req, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[k++] = ' ';
		} else if (s[i] == '%' && i + 2 < n) {
			char hx[3] = { s[i + 1], s[i + 2], 0 };
			char *end = NULL;
			long v = strtol(hx, &end, 16);
			if (end != hx + 2 || v == 0)
				return NULL;
			out[k++] = (char)v;
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	return out;
}

/* Query parameter @name of the request, decoded, or NULL. */
static const char *query(struct dt_ctx *c, const char *name)
{
	const char *q = c->req->query, *end = q ? q + c->req->query_len : NULL;
	size_t n = strlen(name);
	while (q && q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *stop = amp ? amp : end;
		if ((size_t)(stop - q) > n && !memcmp(q, name, n) && q[n] == '=')
			return decode(c, q + n + 1, (size_t)(stop - q - n - 1));
		if ((size_t)(stop - q) == n && !memcmp(q, name, n))
			return "";
		q = amp ? amp + 1 : NULL;
	}
	return NULL;
}

static void security_headers(struct dt_http_res *res, bool html)
{
	dt_http_add_header(res, "cache-control", "no-cache");
	dt_http_add_header(res, "vary", "Accept-Encoding");
	dt_http_add_header(res, "x-content-type-options", "nosniff");
	dt_http_add_header(res, "content-security-policy", csp);
	dt_http_add_header(res, "referrer-policy", "same-origin");
	if (html)
		dt_http_add_header(res, "x-frame-options", "DENY");
}

/*
 * /files/HASH: an image of a published case or an attachment of a published
 * item (dt_store_pub_file; any other hash is the portal's 404).  Its bytes
 * never change for its hash: cached a year, immutable.  Images inline,
 * anything else (PDF) as a download; the type is the one sniffed at upload.
 */
static void serve_file(struct dt_ctx *c, struct dt_portal_req *p, const char *hash)
{
	struct dt_attachment_file f = { "", DT_STRBUF_INIT, DT_STRBUF_INIT };
	dt_strbuf_init(&f.content, DT_ATTACHMENT_MAX);
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = dt_attachment_hash_parse(hash, NULL) ? dt_store_pub_file(c->store, hash, &f, &err)
						      : DT_ENOTFOUND;
	dt_strbuf_release(&err);
	if (rc != DT_OK) {
		dt_strbuf_release(&f.content);
		dt_strbuf_release(&f.name);
		security_headers(c->res, true);
		struct dt_strbuf out = DT_STRBUF_INIT;
		p->out = &out;
		p->path = "/404";
		dt_portal_render_404(p);
		c->res->status = rc == DT_ENOTFOUND ? 404 : 500;
		c->res->content_type = DT_PAGE_HTML;
		dt_strbuf_add(&c->res->body, out.buf, out.len);
		dt_strbuf_release(&out);
		return;
	}
	enum dt_attachment_type t = dt_attachment_type_of(f.mime);
	const char *mime = dt_attachment_mime(t);
	bool image = t == DT_ATTACH_JPEG || t == DT_ATTACH_PNG || t == DT_ATTACH_WEBP;
	struct dt_strbuf cd = DT_STRBUF_INIT;
	dt_attachment_disposition(f.name.buf, image, &cd);
	c->res->status = 200;
	c->res->content_type = mime ? mime : "application/octet-stream";
	c->res->body.max = DT_ATTACHMENT_MAX + 1;
	dt_strbuf_add(&c->res->body, f.content.buf, f.content.len);
	dt_http_add_header(c->res, "content-disposition", dt_http_strdup(c->req, cd.buf, cd.len));
	dt_http_add_header(c->res, "x-content-type-options", "nosniff");
	dt_http_add_header(c->res, "content-security-policy",
			   "default-src 'none'; img-src 'self'; sandbox");
	dt_http_add_header(c->res, "cache-control", "public, max-age=31536000, immutable");
	dt_http_add_header(c->res, "etag", dt_http_strdup(c->req, hash, strlen(hash)));
	dt_strbuf_release(&cd);
	dt_strbuf_release(&f.content);
	dt_strbuf_release(&f.name);
}

bool dt_portal_serve(struct dt_ctx *c, const char *method, bool fallback)
{
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return false;
	struct dt_portal_req p;
	memset(&p, 0, sizeof(p));
	p.store = c->store;
	const char *path = c->req->path;
	size_t n = c->req->path_len;
	/* "/en" and "/en/...": English */
	if (n >= 3 && !memcmp(path, "/en", 3) && (n == 3 || path[3] == '/')) {
		p.lang = DT_LANG_EN;
		path += 3;
		n -= 3;
		if (!n) {
			path = "/";
			n = 1;
		}
	}
	p.path = dt_http_strdup(c->req, path, n);
	if (!p.lang && !strncmp(p.path, "/files/", 7)) {
		if (!rate_ok(dt_ctx_client(c))) {
			c->res->status = 429;
			dt_http_add_header(c->res, "retry-after", "10");
			return true;
		}
		serve_file(c, &p, p.path + 7);
		return true;
	}
	const struct dt_portal_page *pg = dt_portal_find(p.path, &p.arg);
	if (!pg && !fallback)
		return false;
	if (pg && (pg->flags & DT_PAGE_NOLANG) && p.lang == DT_LANG_EN)
		pg = NULL; /* /en/robots.txt is no page */
	if (!pg && !fallback)
		return false;
	if (!rate_ok(dt_ctx_client(c))) {
		c->res->status = 429;
		c->res->content_type = "text/plain; charset=utf-8";
		dt_http_add_header(c->res, "retry-after", "10");
		dt_strbuf_adds(&c->res->body, "429 Too Many Requests\n");
		return true;
	}
	const char *care = query(c, "care");
	p.care = care && !strcmp(care, "1");
	/* the page's own parameters, in its key */
	struct dt_strbuf key = DT_STRBUF_INIT;
	dt_strbuf_adds(&key, p.lang == DT_LANG_EN ? "en|" : "zh|");
	dt_strbuf_adds(&key, p.care ? "1|" : "0|");
	dt_strbuf_adds(&key, pg ? p.path : "(404)");
	for (int i = 0; pg && i < DT_PAGE_PARAMS && pg->params[i]; i++) {
		const char *v = query(c, pg->params[i]);
		p.param[i] = v && strlen(v) <= 64 ? v : NULL;
		if (p.param[i])
			dt_strbuf_addf(&key, "|%s=%s", pg->params[i], p.param[i]);
	}
	if (pg && (pg->flags & DT_PAGE_HOST)) {
		/* absolute links: the public URL, or the Host the client asked */
		const struct dt_app_config *ac = dt_app_config();
		size_t hl = 0;
		const char *host = dt_http_header(c->req, "host", &hl);
		struct dt_strbuf base = DT_STRBUF_INIT;
		if (ac->public_url)
			dt_strbuf_adds(&base, ac->public_url);
		else
			dt_strbuf_addf(&base, "http://%.*s", (int)(host ? hl : 9),
				       host ? host : "localhost");
		p.base = dt_http_strdup(c->req, base.buf, base.len);
		dt_strbuf_release(&base);
		dt_strbuf_addf(&key, "|%s", p.base);
	}
	bool html = !pg || !strcmp(pg->type, DT_PAGE_HTML);
	security_headers(c->res, html);
	int64_t gen = generation(c->store);
	size_t inm_len = 0;
	const char *inm = dt_http_header(c->req, "if-none-match", &inm_len);
	bool gz = accepts(c, "accept-encoding", "gzip");
	struct entry *hit = gen > 0 ? cache_get(key.buf, gen) : NULL;
	if (hit) {
		answer(c, hit, gz, inm, inm_len);
		dt_strbuf_release(&key);
		return true;
	}
	/* render */
	struct dt_strbuf out = DT_STRBUF_INIT;
	p.out = &out;
	int status = pg ? pg->render(&p) : 404;
	if (p.failed) {
		dt_strbuf_release(&key);
		dt_strbuf_release(&out);
		c->res->status = 500;
		c->res->content_type = "text/plain; charset=utf-8";
		dt_strbuf_adds(&c->res->body, "500 Internal Server Error\n");
		return true;
	}
	if (status == 404) {
		/* one 404 page per language and mode, whatever the path asked */
		dt_strbuf_reset(&out);
		p.path = "/404";
		dt_portal_render_404(&p);
		dt_strbuf_reset(&key);
		dt_strbuf_addf(&key, "%s|%d|(404)", p.lang == DT_LANG_EN ? "en" : "zh",
			       p.care ? 1 : 0);
	}
	const char *type = status == 404 ? DT_PAGE_HTML : pg->type;
	struct entry *e = out.failed ? NULL : entry_new(key.buf, gen, status, type, &out);
	if (!e) {
		dt_strbuf_release(&key);
		dt_strbuf_release(&out);
		c->res->status = 500;
		return true;
	}
	if (gen > 0)
		cache_put(e);
	answer(c, e, gz, inm, inm_len);
	dt_strbuf_release(&key);
	dt_strbuf_release(&out);
	return true;
}
