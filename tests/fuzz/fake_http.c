/*
 * fake_http.c - http.h's request API over plain memory, in place of
 * server.c, so that a harness can call the dispatcher directly (see
 * fake_http.h).  The request pool is a list of malloc'd blocks freed when
 * the response is done, so ASan sees any use of pool memory afterwards.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/log.h"
#include "fake_http.h"
#include "core/banned.h"

struct pool_block {
	struct pool_block *next;
	max_align_t data[];
};

struct done {
	struct done *next;
	void (*fn)(void *);
	void *arg;
};

struct fake_req {
	const struct fz_http_in *in;
	struct pool_block *pool;
	struct done *done; /* dt_http_on_done's calls, made after the response */
};

const char *dt_http_header(const struct dt_http_req *req, const char *name, size_t *len)
{
	const struct fake_req *f = req->impl;
	for (int i = 0; i < f->in->nheaders; i++) {
		const struct fz_http_header *h = &f->in->headers[i];
		if (!strcasecmp(h->name, name)) {
			char *v = dt_http_strdup(req, h->value, h->value_len);
			if (len)
				*len = h->value_len;
			return v;
		}
	}
	if (len)
		*len = 0;
	return NULL;
}

const char *dt_http_peer(const struct dt_http_req *req)
{
	(void)req;
	return "127.0.0.1";
}

void *dt_http_alloc(const struct dt_http_req *req, size_t n)
{
	struct fake_req *f = req->impl;
	struct pool_block *b = malloc(sizeof(*b) + (n ? n : 1));
	if (!b)
		abort(); /* as h2o's pool does */
	b->next = f->pool;
	f->pool = b;
	return b->data;
}

char *dt_http_strdup(const struct dt_http_req *req, const char *s, size_t n)
{
	char *p = dt_http_alloc(req, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void dt_http_on_done(const struct dt_http_req *req, void (*fn)(void *), void *arg)
{
	struct fake_req *f = req->impl;
	struct done *d = dt_http_alloc(req, sizeof(*d));
	d->fn = fn;
	d->arg = arg;
	d->next = f->done;
	f->done = d;
}

void dt_http_add_header(struct dt_http_res *res, const char *name, const char *value)
{
	if (res->nheaders >= DT_HTTP_MAX_HEADERS) {
		dt_log_error("http: more than %d response headers; dropped %s", DT_HTTP_MAX_HEADERS,
			     name);
		return;
	}
	res->headers[res->nheaders].name = name;
	res->headers[res->nheaders].value = value;
	res->nheaders++;
}

int dt_http_temp_fd(void)
{
	char path[] = "/tmp/dt_fuzz_body.XXXXXX";
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/*
 * Deferred responses: only sign-in waits for another thread (its password
 * hash), and the harnesses skip sign-in.  Deferring fails as when out of
 * memory, so the dispatcher answers at once; nothing is ever resumed.
 */
struct dt_http_ticket *dt_http_defer(struct dt_http_req *req, struct dt_http_res *res)
{
	(void)req;
	(void)res;
	return NULL;
}

void dt_http_resume(struct dt_http_ticket *t, dt_http_resume_fn fn, void *arg)
{
	(void)t;
	(void)fn;
	(void)arg;
	abort(); /* no ticket was ever given out */
}

void dt_http_delay(struct dt_http_ticket *t, dt_http_resume_fn fn, void *arg)
{
	dt_http_resume(t, fn, arg);
}

void dt_http_soon(struct dt_http_ticket *t, dt_http_resume_fn fn, void *arg)
{
	dt_http_resume(t, fn, arg);
}

int64_t dt_server_open_connections(void)
{
	return 1;
}

int fz_http_request(const struct dt_http_app *app, struct dt_http_worker *w,
		    const struct fz_http_in *in,
		    void (*inspect)(const struct dt_http_req *req, const struct dt_http_res *res))
{
	struct fake_req f = { in, NULL, NULL };
	struct dt_http_req r;
	struct dt_http_res res;
	memset(&r, 0, sizeof(r));
	memset(&res, 0, sizeof(res));
	r.impl = &f;
	memcpy(r.request_id, "00000000000000000000000000fuzz00", 32);
	r.method = dt_http_strdup(&r, in->method, in->method_len);
	r.method_len = in->method_len;
	const char *q = memchr(in->target, '?', in->target_len);
	size_t plen = q ? (size_t)(q - in->target) : in->target_len;
	r.path = dt_http_strdup(&r, in->target, plen);
	r.path_len = plen;
	if (q) {
		r.query_len = in->target_len - plen - 1;
		r.query = dt_http_strdup(&r, q + 1, r.query_len);
	}
	r.body = in->body_len ? dt_http_strdup(&r, in->body, in->body_len) : "";
	r.body_len = in->body_len;
	r.body_fd = -1; /* the body is in memory, as for a request pipelined behind another */
	r.max_body = in->max_body ? in->max_body : (size_t)1 << 20;
	r.max_upload = r.max_body;
	r.worker = w;
	dt_strbuf_init(&res.body, 0);
	app->handle(&r, &res, app->ctx);
	if (inspect)
		inspect(&r, &res);
	int status = res.status;
	dt_strbuf_release(&res.body);
	for (struct done *d = f.done; d; d = d->next)
		d->fn(d->arg);
	while (f.pool) {
		struct pool_block *next = f.pool->next;
		free(f.pool);
		f.pool = next;
	}
	return status;
}
