/*
 * fake_http.h - the server's side of http.h without h2o, for the harnesses
 * that drive the dispatcher (fuzz_http, fuzz_list).
 *
 * src/http/http.h is the seam between the h2o server (server.c) and the
 * dispatcher: the server turns a request into a struct dt_http_req and calls
 * the app's handle().  fake_http.c implements the few functions the
 * dispatcher calls back (headers, peer, the request pool, response headers)
 * over plain memory, and fz_http_request() plays the server's part of
 * on_req(): it splits the target at '?', NUL-terminates what the server
 * NUL-terminates, and frees the pool when the response is done.  The
 * library is linked without server.c.
 */
#ifndef DT_FAKE_HTTP_H
#define DT_FAKE_HTTP_H

#include <stddef.h>

#include "http/http.h"

#define FZ_HTTP_MAX_HEADERS 32

struct fz_http_header {
	const char *name; /* lower case, as h2o gives them */
	const char *value;
	size_t value_len;
};

struct fz_http_in {
	const char *method;
	size_t method_len;
	const char *target; /* path, optionally "?query" */
	size_t target_len;
	struct fz_http_header headers[FZ_HTTP_MAX_HEADERS];
	int nheaders;
	const char *body;
	size_t body_len;
	size_t max_body; /* 0: 1 MiB */
};

/**
 * Run @in through @app on worker @w; @res is filled as the server would
 * send it (then released here: the caller looks at it in @inspect, which
 * may be NULL).  Returns the status.
 */
int fz_http_request(const struct dt_http_app *app, struct dt_http_worker *w,
		    const struct fz_http_in *in,
		    void (*inspect)(const struct dt_http_req *req, const struct dt_http_res *res));

#endif
