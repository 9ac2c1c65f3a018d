/*
 * http.h - the boundary between the h2o server (server.c) and dualtrack's
 * request handling (dispatch.c, the route table and handlers).
 *
 * The server turns each h2o request into a struct dt_http_req, calls the
 * dispatcher on the worker thread that received it, and sends the struct
 * dt_http_res it filled.  Everything a handler allocates for the response
 * lives in the request's pool (dt_http_alloc) or in res->body, which the
 * server releases after sending: handlers never free by hand.
 */
#ifndef DT_HTTP_H
#define DT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

struct dt_store;
struct dt_keys;

#define DT_HTTP_MAX_HEADERS 16

/** Per worker thread: its own database connection and counters. */
struct dt_http_worker {
	int index;
	struct dt_store *store;
	void *data; /* the dispatcher's per-thread state */
};

struct dt_http_req {
	const char *method;
	size_t method_len;
	const char *path; /* without the query string, not decoded */
	size_t path_len;
	const char *query; /* after '?', or NULL */
	size_t query_len;
	const char *body; /* "" when the body is in body_fd */
	size_t body_len;
	/*
	 * The body of a route whose head asked for a file (dt_http_head.to_file):
	 * an unlinked temporary file, mode 0600, in the server's own temporary
	 * directory, or -1.  A handler that keeps it sets body_fd to -1; the
	 * server closes it otherwise.
	 */
	int body_fd;
	size_t max_body;   /* --max-body: the limit of routes that take a JSON body */
	size_t max_upload; /* --max-upload: the limit of upload routes, for a signed-in caller */
	bool metrics_listener; /* it came to the metrics listener (dt_server_opts.metrics_port) */
	char request_id[33];
	struct dt_http_worker *worker;
	void *impl; /* the h2o_req_t */
};

struct dt_http_header {
	const char *name;
	const char *value;
};

struct dt_http_res {
	int status;
	const char *content_type; /* NULL means application/json */
	struct dt_strbuf body;    /* released by the server */
	const void *static_body;  /* or a body that outlives the request (embedded assets) */
	size_t static_len;
	struct dt_http_header headers[DT_HTTP_MAX_HEADERS];
	int nheaders;
	const char *route; /* route pattern, for metrics ("/api/v1/{kind}/{id}") */
	bool deferred;     /* set by dt_http_defer(): the response comes later */
};

/** Value of request header @name (lower case), or NULL; *@len gets its length. */
const char *dt_http_header(const struct dt_http_req *req, const char *name, size_t *len);
/** The client's address, e.g. "127.0.0.1" ("" when unknown), in the request's pool. */
const char *dt_http_peer(const struct dt_http_req *req);
/** Allocate @n bytes that live until the response is sent. */
void *dt_http_alloc(const struct dt_http_req *req, size_t n);
/** Copy @s (length @n) into the request's pool as a NUL-terminated string. */
char *dt_http_strdup(const struct dt_http_req *req, const char *s, size_t n);
/**
 * A new empty temporary file like body_fd (unlinked, 0600, in the server's
 * temporary directory): its descriptor, or -1 with errno set.
 */
int dt_http_temp_fd(void);
/**
 * Call @fn(@arg) once the response of @req has been sent or the request is
 * gone, on the request's thread: releases what keeps a static_body alive
 * (a reference to a cached page).
 */
void dt_http_on_done(const struct dt_http_req *req, void (*fn)(void *), void *arg);
/** Add a response header; the strings must outlive the request (pool or static). */
void dt_http_add_header(struct dt_http_res *res, const char *name, const char *value);

/*
 * Deferred responses: a handler that waits for another thread (a password
 * hash) calls dt_http_defer() and returns without a response; the server
 * keeps the request open.  Later, any thread calls dt_http_resume() once
 * with the ticket: on the request's own worker thread the callback fills
 * the response, which is then sent.  Should the request be gone by then,
 * the callback still runs, with @req and @res NULL, so that it can release
 * what @arg holds.
 */
struct dt_http_ticket;
typedef void (*dt_http_resume_fn)(struct dt_http_req *req, struct dt_http_res *res, void *arg);
/**
 * Defer the response of @req (on its worker thread, inside handle()): the
 * request and what @res holds so far move into the ticket, and @res is
 * marked deferred.  NULL when out of memory (nothing deferred).
 */
struct dt_http_ticket *dt_http_defer(struct dt_http_req *req, struct dt_http_res *res);
/** From any thread, exactly once per ticket: run @fn(req, res, @arg) on the request's thread. */
void dt_http_resume(struct dt_http_ticket *t, dt_http_resume_fn fn, void *arg);
/**
 * Instead of dt_http_resume(), on the request's own thread: the same about a
 * second later (a refusal held back so that a client that retries at once
 * cannot make the server answer it thousands of times a second).
 */
void dt_http_delay(struct dt_http_ticket *t, dt_http_resume_fn fn, void *arg);
/**
 * Instead of dt_http_resume(), on the request's own thread: the same later
 * in this turn of the worker's loop, after the requests read in it were
 * handled, and in the order of the calls (reads of many requests sent to
 * the database together, then received one by one).
 */
void dt_http_soon(struct dt_http_ticket *t, dt_http_resume_fn fn, void *arg);
/**
 * A request as far as its head: what the server asks the app before it
 * reads any of the body.  The strings point into the connection's input
 * and are not NUL-terminated; they live for the call only.
 */
struct dt_http_head {
	const char *method;
	size_t method_len;
	const char *path; /* the request target, query string included */
	size_t path_len;
	const char *authorization; /* NULL when absent */
	size_t authorization_len;
	const char *cookie; /* NULL when absent */
	size_t cookie_len;
	size_t max_body, max_upload; /* the server's limits (struct dt_server_opts) */
	struct dt_http_worker *worker;
	bool to_file; /* set by body_limit(): keep the body in a temporary file, not in memory */
};

/** The dispatcher's entry points (dispatch.c). */
struct dt_http_app {
	/* Called once per worker thread after its store is open. */
	enum dt_err (*thread_init)(struct dt_http_worker *w, void *ctx);
	void (*thread_fini)(struct dt_http_worker *w, void *ctx);
	/* Handle one request; fill @res (status 0 is taken as 500). */
	void (*handle)(struct dt_http_req *req, struct dt_http_res *res, void *ctx);
	/* Called after each turn of the worker's event loop (may be NULL). */
	void (*turn_end)(struct dt_http_worker *w, void *ctx);
	void *ctx;
	/*
	 * The largest body the request @h may carry, asked before any of it is
	 * read (NULL: max_body for every request).  Runs on the worker's loop,
	 * possibly several times per request: keep it cheap.
	 */
	size_t (*body_limit)(struct dt_http_head *h, void *ctx);
};

struct dt_server_opts {
	const char *host;  /* "127.0.0.1" */
	int port;          /* 8080 */
	int threads;       /* 0: number of cores */
	size_t max_body;   /* bytes; larger bodies get 413 */
	size_t max_upload; /* bytes, for upload routes (imports); 0: max_body */
	const char *db_path;
	const struct dt_keys *keys;
	int io_timeout_ms;        /* read and idle timeouts */
	const char *metrics_host; /* a second listener for /metrics only ("127.0.0.1") */
	int metrics_port;         /* 0: none */
};

/**
 * Serve until SIGTERM or SIGINT: each thread runs its own h2o event loop
 * with its own SO_REUSEPORT listener and its own store connection.  On a
 * signal, listeners close, in-flight requests finish, stores are closed
 * (checkpointing the WAL) and DT_OK is returned.
 */
enum dt_err dt_server_run(const struct dt_server_opts *o, const struct dt_http_app *app,
			  struct dt_strbuf *err);

/** Connections open right now (all threads), for /metrics. */
int64_t dt_server_open_connections(void);

#endif
