/*
 * server.c - the h2o HTTP server: worker threads, listeners, the one h2o
 * handler, request ids, the body limit and graceful shutdown.
 *
 * dt_server_run() binds one listening socket per worker thread (SO_REUSEPORT,
 * so the kernel spreads connections over them), then starts the workers.  A
 * worker owns everything it touches: its store connection, its h2o event loop
 * and h2o context; only the h2o global configuration (read-only once built),
 * the stop flag and the connection counter are shared.  A worker opens its
 * store and calls the app's thread_init before it serves; all workers meet
 * at a start barrier, and if any of them failed, none serves and the first
 * error is returned.
 *
 * Every request reaches on_req() on the thread whose loop accepted the
 * connection.  The app's handle() runs synchronously there, so a request is
 * never "in flight" across loop turns except while h2o reads it or writes
 * its response, or when the app deferred it (dt_http_defer(): a sign-in
 * waiting for its password hash on another thread); the per-request h2o
 * pool is what dt_http_alloc() hands out.  dt_http_resume() posts the
 * ticket to the worker's receiver on its h2o context's queue (a pipe the
 * loop watches), and the response is sent from the worker's own thread.
 * A worker drains its deferred requests at shutdown like its connections.
 *
 * Body limits, decided from the request head before any of the body is
 * read.  h2o 2.2 reads a request's whole body into the connection's input
 * buffer before it calls a handler, and its only limit is the global
 * max_request_entity_size, which it compares with Content-Length as soon as
 * the head is parsed and with the decoded size of a chunked body at every
 * read.  So each worker has its own h2o configuration, and before h2o looks
 * at a connection's input the worker's limit is set for the request at the
 * head of that input: guarded_read() wraps h2o's read callback of every
 * connection, and this file's h2o_socket_read_start() (which the h2o library
 * calls through the PLT, so the definition here takes precedence) puts the
 * wrapper back each time h2o starts reading again, and sets the limit for
 * the paths where h2o parses buffered input at once (a pipelined request,
 * the body after "100 Continue").  The app's body_limit() says how large a
 * body the request's route takes (dispatch.c: none, --max-body, or for a
 * signed-in caller of an upload route --max-upload).  A Content-Length over
 * it is refused before a byte of the body is read; a chunked body as soon as
 * it passes it.  h2o then answers 413 and closes the connection.  h2o's
 * limit is ours plus one (it refuses a chunked body that reaches its limit),
 * and the dispatcher checks the exact figure.
 *
 * Uploads: a route whose head asks for a file (dt_http_head.to_file: the
 * import) does not have its body read by h2o at all.  set_limit() takes the
 * request over: its head is taken off the input and kept, and upload_feed()
 * moves the body, as it arrives, into an unlinked temporary file (mode 0600,
 * in a directory of this run's own), decoding chunks and holding them to
 * the limit.  Then hand_over() puts the head back with "Content-Length: 0"
 * and lets h2o go on as if the body had been empty; on_req() gives the
 * file to the app as body_fd.  A chunked body over the limit, or broken, is
 * handed over with framing that h2o refuses (413, 400).  Memory holds a
 * read's worth of the body at a time, whatever its size.
 *
 * An ostream filter on the host's fallback path (the path h2o binds to the
 * responses it generates before any handler runs: 413, 400 for bad chunked
 * encoding, 417) rewrites those responses as application/problem+json with
 * an X-Request-Id (a 413 names the route's limit), so every response a
 * client sees has the same shape.  Only a request h2o cannot parse at all
 * gets its bare "400 Bad Request" written to the socket.
 *
 * Shutdown: SIGTERM and SIGINT set a flag that each loop checks between
 * turns of at most LOOP_TICK_MS.  A worker then accepts what is already in
 * its listen queue, closes its listener, asks h2o to shut down (HTTP/1
 * responses get "Connection: close", HTTP/2 connections get GOAWAY), cuts
 * the idle timeouts to DRAIN_IDLE_MS so keep-alive connections waiting for a
 * next request are closed by h2o itself, and runs its loop until its last
 * connection is closed or DRAIN_MS pass.  Then the app's thread_fini runs and
 * the store is closed (checkpointing the WAL).  A worker whose connections
 * outlive the grace period (a client not reading its response) leaves its
 * h2o context and loop undisposed - h2o cannot tear a connection down from
 * outside - and says so in the log; the process is about to exit anyway.
 *
 * With --metrics-listen each worker has a second listener on that address,
 * in the same loop and context; its connections reach a host of their own
 * whose handler marks their requests (dt_http_req.metrics_listener), and
 * the app serves only /metrics there.
 *
 * HTTP/1.1 only: cleartext HTTP/2 is switched off (see build_config()).
 *
 * One dt_server_run() at a time per process: the signal handlers and the
 * stop flag are process-wide.
 */
#ifndef H2O_USE_LIBUV
#define H2O_USE_LIBUV 0 /* h2o with its own event loop */
#endif

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "h2o.h"

#include "core/common.h"
#include "core/log.h"
#include "core/lsan.h"
#include "core/secret.h"
#include "http/http.h"
#include "store/store.h"
#include "core/banned.h"

#define DEFAULT_MAX_BODY ((size_t)1 << 20) /* when opts->max_body is 0 */
#define DEFAULT_IO_TIMEOUT_MS 10000        /* when opts->io_timeout_ms <= 0 */
#define MAX_THREADS 256
#define LOOP_TICK_MS 100  /* longest a loop sleeps before looking at the stop flag */
#define DRAIN_MS 5000     /* grace period for open connections at shutdown */
#define DRAIN_IDLE_MS 100 /* idle/read timeout while draining */
#define ACCEPTS_PER_EVENT 16
#define LINGER_MS 2000                      /* a refused connection is drained this long at most */
#define LINGER_MAX_BYTES ((size_t)16 << 20) /* and for this many bytes */
#define LINGER_MAX 256                      /* refused connections drained at once per worker */

static const char default_content_type[] = "application/json; charset=utf-8";
static const char problem_content_type[] = "application/problem+json";

struct server;

/* One worker thread.  `pub` is what the app sees (dt_http_req.worker). */
struct worker {
	struct dt_http_worker pub;
	struct server *srv;
	pthread_t thread;
	int listen_fd; /* ours until handed to h2o as `listener` */
	h2o_evloop_t *loop;
	h2o_globalconf_t conf; /* its own: the body limit in it is set per request */
	bool conf_ready;
	h2o_context_t ctx; /* valid while ctx_ready */
	bool ctx_ready;
	bool app_ready; /* thread_init succeeded: thread_fini is due */
	h2o_accept_ctx_t accept_ctx;
	h2o_socket_t *listener;
	/* --metrics-listen: a listener whose requests reach the app as metrics_listener */
	int mlisten_fd;
	h2o_globalconf_t mconf; /* its host: the same handler, marked */
	bool mconf_ready;
	h2o_accept_ctx_t maccept_ctx;
	h2o_socket_t *mlistener;
	int64_t nconns;                       /* open connections of this thread (its loop only) */
	h2o_multithread_receiver_t resume_rx; /* dt_http_resume() messages, on ctx.queue */
	int64_t ndeferred;  /* deferred requests not yet resumed (its loop only) */
	uint64_t id_prefix; /* random, for request ids */
	uint64_t id_key;    /* random, mixed into the counter */
	uint64_t id_counter;
	struct upload *done_upload;  /* the upload whose request h2o is handing to on_req */
	struct conn *cur;            /* the connection whose read h2o is handling */
	struct lingering *lingering; /* refused connections being drained */
	int nlingering;
	int rc; /* start-up result */
	struct dt_strbuf err;
};

struct server {
	const struct dt_server_opts *opts;
	const struct dt_http_app *app;
	size_t max_body;
	size_t max_upload; /* >= max_body: the limit of upload routes */
	struct worker *workers;
	int nworkers;
	/* the start barrier */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int nreported;
	bool failed;
};

struct handler {
	h2o_handler_t super;
	struct server *srv;
	bool metrics; /* the handler of the metrics listener's host */
};

/* picohttpparser, inside libh2o: the parser h2o reads request heads and chunks with. */
struct phr_header {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};
struct phr_chunked_decoder {
	size_t bytes_left_in_chunk;
	char consume_trailer;
	char _hex_count;
	char _state;
};
int phr_parse_request(const char *buf, size_t len, const char **method, size_t *method_len,
		      const char **path, size_t *path_len, int *minor_version,
		      struct phr_header *headers, size_t *num_headers, size_t last_len);
ssize_t phr_decode_chunked(struct phr_chunked_decoder *decoder, char *buf, size_t *bufsz);

/* A body on its way to a temporary file (see "Uploads" at the top). */
struct upload {
	int fd;           /* the unlinked temporary file; -1 once handed on */
	size_t limit;     /* the route's */
	size_t received;  /* body bytes written */
	size_t remaining; /* Content-Length: still to come */
	bool chunked;
	struct phr_chunked_decoder dec;
	struct dt_strbuf head; /* the head h2o gets once the body is in: Content-Length: 0 */
	int error;             /* errno of a failed write: the request is answered 500 */
};

static void upload_free(struct upload *up);

/* What the server keeps per connection (sock->on_close.data). */
struct conn {
	struct worker *w;
	h2o_socket_cb read_cb; /* h2o's, which guarded_read() calls */
	struct upload *up;     /* while an upload's body arrives */
	h2o_socket_t *sock;
	int linger_fd; /* a duplicate kept when h2o refuses the request, or -1 */
};

/* A refused connection, drained for a while after h2o closed it (see linger_start()). */
struct lingering {
	h2o_socket_t *sock; /* NULL once closed */
	uint64_t deadline;  /* now_ms() */
	size_t drained;
	struct lingering *next;
};

struct error_filter {
	h2o_filter_t super;
	struct server *srv;
};

/* Replaces the body of a response h2o generated itself (see the top). */
struct error_ostream {
	h2o_ostream_t super;
	struct server *srv;
	bool sent;
};

static atomic_int stop_flag;
static atomic_flag running = ATOMIC_FLAG_INIT;
static _Atomic int64_t open_connections;

/*
 * Under LeakSanitizer: h2o 2.2 keeps per-thread free lists
 * (h2o_mem_alloc_recycle) that are lost when a worker thread exits, and its
 * evloop h2o_multithread_destroy_queue() does not free the queue.  Both are
 * bounded (a few KiB per worker per run) and not ours to fix.
 */
/* (core/lsan.c holds the suppressions; dt_server_run() links them.) */

int64_t dt_server_open_connections(void)
{
	return atomic_load_explicit(&open_connections, memory_order_relaxed);
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_flag, 1);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct worker *worker_of(h2o_context_t *ctx)
{
	return H2O_STRUCT_FROM_MEMBER(struct worker, ctx, ctx);
}

/* ---- small helpers ---- */

static const char *reason_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 416: return "Range Not Satisfiable";
	case 417: return "Expectation Failed";
	case 422: return "Unprocessable Content";
	case 428: return "Precondition Required";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	}
	if (status >= 200 && status < 300)
		return "OK";
	if (status >= 400 && status < 500)
		return "Client Error";
	if (status >= 500 && status < 600)
		return "Server Error";
	return "Unknown";
}

/* @v as 16 lower-case hex digits at @out (no NUL): every request does this twice. */
static void put_hex64(char *out, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 15];
}

/*
 * A request id: the thread's random prefix, then its counter xor a random
 * key passed through a 64-bit bijection (the splitmix64 finaliser), so ids
 * are unique per thread, differ between threads and runs, and do not look
 * sequential - without a system call per request.  @out gets 32 hex digits
 * and a NUL.
 */
static void make_request_id(struct worker *w, char out[33])
{
	uint64_t x = ++w->id_counter ^ w->id_key;
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	put_hex64(out, w->id_prefix);
	put_hex64(out + 16, x);
	out[32] = '\0';
}

/* Append @s (@len bytes) to @sb as the inside of a JSON string. */
static void add_json_string(struct dt_strbuf *sb, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			dt_strbuf_addch(sb, '\\');
			dt_strbuf_addch(sb, c);
		} else if (c < 0x20 || c == 0x7f) {
			dt_strbuf_addf(sb, "\\u%04x", c);
		} else {
			dt_strbuf_addch(sb, c);
		}
	}
}

/* An RFC 9457 problem document in @req's pool. */
/* An RFC 9457 problem shaped like the dispatcher's: instance is the request id. */
static h2o_iovec_t problem_json(h2o_req_t *req, const char id[33], int status, const char *title,
				const char *detail, size_t detail_len)
{
	struct dt_strbuf sb;
	h2o_iovec_t out;

	dt_strbuf_init(&sb, 0);
	dt_strbuf_adds(&sb, "{\"type\":\"about:blank\",\"title\":\"");
	add_json_string(&sb, title, strlen(title));
	dt_strbuf_addf(&sb, "\",\"status\":%d,\"detail\":\"", status);
	add_json_string(&sb, detail, detail_len);
	dt_strbuf_addf(&sb, "\",\"instance\":\"%.32s\",\"errors\":[]}", id);
	out = h2o_strdup(&req->pool, sb.buf, sb.len);
	dt_strbuf_release(&sb);
	return out;
}

/* h2o's max_request_entity_size for our @limit: it refuses a chunked body that reaches it. */
static size_t h2o_limit(size_t limit)
{
	return limit < SIZE_MAX ? limit + 1 : limit;
}

/* The app's limit for the request whose head is @h (its method and path set). */
static size_t app_limit(struct worker *w, struct dt_http_head *h)
{
	const struct server *srv = w->srv;

	h->max_body = srv->max_body;
	h->max_upload = srv->max_upload;
	h->worker = &w->pub;
	if (srv->app->body_limit == NULL)
		return srv->max_body;
	return srv->app->body_limit(h, srv->app->ctx);
}

/* The app's limit for @req, which h2o parsed (for the detail of h2o's 413). */
static size_t req_limit(struct worker *w, h2o_req_t *req)
{
	struct dt_http_head h;
	ssize_t i;

	memset(&h, 0, sizeof(h));
	h.method = req->input.method.base;
	h.method_len = req->input.method.len;
	h.path = req->input.path.base;
	h.path_len = req->input.path.len;
	if ((i = h2o_find_header(&req->headers, H2O_TOKEN_AUTHORIZATION, -1)) != -1) {
		h.authorization = req->headers.entries[i].value.base;
		h.authorization_len = req->headers.entries[i].value.len;
	}
	if ((i = h2o_find_header(&req->headers, H2O_TOKEN_COOKIE, -1)) != -1) {
		h.cookie = req->headers.entries[i].value.base;
		h.cookie_len = req->headers.entries[i].value.len;
	}
	return app_limit(w, &h);
}

/* The detail of a 413 for a route that takes @limit bytes. */
static void too_large_detail(size_t limit, char *buf, size_t n)
{
	if (limit == 0)
		snprintf(buf, n, "this request takes no body");
	else
		snprintf(buf, n, "the request body is larger than %zu bytes", limit);
}

static void add_request_id(h2o_req_t *req, const char id[33])
{
	h2o_iovec_t v = h2o_strdup(&req->pool, id, 32);
	h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0,
			      "X-Request-Id", v.base, v.len);
}

/* Every problem document the server makes itself says nosniff, and is not to be stored. */
static void add_nosniff(h2o_req_t *req)
{
	h2o_set_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-content-type-options"),
			      0, H2O_STRLIT("nosniff"), 1);
	h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL,
		       H2O_STRLIT("no-store"), 1);
}

static bool is_head(h2o_req_t *req)
{
	return h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"));
}

static void free_detached(void *p)
{
	free(*(char **)p);
}

/* ---- sending ---- */

static h2o_generator_t plain_generator = { NULL, NULL };

/* Start the response of @req with @body (which outlives the request) and finish it. */
static void send_body(h2o_req_t *req, h2o_iovec_t body)
{
	int status = req->res.status;

	if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
		/* no body and no Content-Length for these */
		req->res.content_length = SIZE_MAX;
		h2o_start_response(req, &plain_generator);
		h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
		return;
	}
	req->res.content_length = body.len;
	h2o_start_response(req, &plain_generator);
	if (is_head(req) || body.len == 0)
		h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
	else
		h2o_send(req, &body, 1, H2O_SEND_STATE_FINAL);
}

static void send_problem(h2o_req_t *req, const char id[33], int status, const char *detail)
{
	const char *title = reason_phrase(status);

	req->res.status = status;
	req->res.reason = title;
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, "Content-Type",
		       H2O_STRLIT(problem_content_type));
	add_nosniff(req);
	add_request_id(req, id);
	send_body(req, problem_json(req, id, status, title, detail, strlen(detail)));
}

static void add_app_header(h2o_req_t *req, const struct dt_http_header *h)
{
	size_t nlen, vlen;
	h2o_iovec_t name;

	if (h->name == NULL || h->value == NULL)
		return;
	nlen = strlen(h->name);
	vlen = strlen(h->value);
	/* h2o keeps header names in lower case (HTTP/2 requires it) */
	name = h2o_strdup(&req->pool, h->name, nlen);
	h2o_strtolower(name.base, name.len);
	/* the server frames the body itself */
	if (h2o_memis(name.base, name.len, H2O_STRLIT("content-length")) ||
	    h2o_memis(name.base, name.len, H2O_STRLIT("transfer-encoding")))
		return;
	if (h2o_memis(name.base, name.len, H2O_STRLIT("content-type"))) {
		h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, h->value,
			       vlen, 1);
		return;
	}
	h2o_add_header_by_str(&req->pool, &req->res.headers, name.base, name.len, 1, h->name,
			      h->value, vlen);
}

static void send_app_response(h2o_req_t *req, const struct dt_http_req *r, struct dt_http_res *res)
{
	const char *ct = res->content_type ? res->content_type : default_content_type;
	h2o_iovec_t body = { NULL, 0 };
	int status = res->status ? res->status : 500;

	if (res->status == 0 && res->static_body == NULL && res->body.len == 0) {
		dt_log_error("request %s: %.*s %.*s: the handler gave no response", r->request_id,
			     (int)r->method_len, r->method, (int)r->path_len, r->path);
		send_problem(req, r->request_id, 500, "the handler gave no response");
		return;
	}
	if (status < 100 || status > 999) {
		dt_log_error("request %s: %.*s %.*s: handler set status %d", r->request_id,
			     (int)r->method_len, r->method, (int)r->path_len, r->path, status);
		send_problem(req, r->request_id, 500, "the handler gave an invalid status");
		return;
	}
	if (res->static_body != NULL) {
		body = h2o_iovec_init(res->static_body, res->static_len);
	} else if (!dt_strbuf_ok(&res->body)) {
		dt_log_error("request %s: %.*s %.*s: response body over its size cap",
			     r->request_id, (int)r->method_len, r->method, (int)r->path_len,
			     r->path);
		send_problem(req, r->request_id, 500, "the response could not be built");
		return;
	} else if (res->body.len > 0) {
		/* hand the buffer to the pool: no copy, freed when the request ends */
		char **slot = h2o_mem_alloc_shared(&req->pool, sizeof(char *), free_detached);
		size_t len = 0;
		*slot = dt_strbuf_detach(&res->body, &len);
		body = h2o_iovec_init(*slot, len);
	}

	req->res.status = status;
	req->res.reason = reason_phrase(status);
	if (status != 204 && status != 304)
		h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
			       "Content-Type", ct, strlen(ct));
	for (int i = 0; i < res->nheaders && i < DT_HTTP_MAX_HEADERS; i++)
		add_app_header(req, &res->headers[i]);
	add_request_id(req, r->request_id);
	send_body(req, body);
}

/* ---- the handler ---- */

/* The client's address as text in @req's pool ("" when unknown). */
static const char *peer_text(h2o_req_t *req)
{
	struct sockaddr_storage ss;
	char buf[INET6_ADDRSTRLEN];
	socklen_t len;
	const void *addr = NULL;

	if (req->conn->callbacks->get_peername == NULL)
		return "";
	len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
	if (len == 0)
		return "";
	if (ss.ss_family == AF_INET)
		addr = &((struct sockaddr_in *)&ss)->sin_addr;
	else if (ss.ss_family == AF_INET6)
		addr = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	if (addr == NULL || inet_ntop(ss.ss_family, addr, buf, sizeof(buf)) == NULL)
		return "";
	return h2o_strdup(&req->pool, buf, strlen(buf)).base;
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
	struct server *srv = ((struct handler *)self)->srv;
	struct worker *w = worker_of(req->conn->ctx);
	struct dt_http_req r;
	struct dt_http_res res;
	h2o_iovec_t v;

	memset(&r, 0, sizeof(r));
	make_request_id(w, r.request_id);

	/* h2o let one byte more through than the route takes (see h2o_limit()) */
	if (req->entity.len > 0 && req->entity.len > req_limit(w, req)) {
		char detail[96];
		too_large_detail(req_limit(w, req), detail, sizeof(detail));
		send_problem(req, r.request_id, 413, detail);
		return 0;
	}

	/* NUL-terminated copies, so handlers may also treat them as C strings */
	v = h2o_strdup(&req->pool, req->method.base, req->method.len);
	r.method = v.base;
	r.method_len = v.len;
	if (req->query_at != SIZE_MAX && req->query_at < req->path.len) {
		v = h2o_strdup(&req->pool, req->path.base, req->query_at);
		r.path = v.base;
		r.path_len = v.len;
		v = h2o_strdup(&req->pool, req->path.base + req->query_at + 1,
			       req->path.len - req->query_at - 1);
		r.query = v.base;
		r.query_len = v.len;
	} else {
		v = h2o_strdup(&req->pool, req->path.base, req->path.len);
		r.path = v.base;
		r.path_len = v.len;
	}
	if (req->entity.base != NULL) {
		v = h2o_strdup(&req->pool, req->entity.base, req->entity.len);
		r.body = v.base;
		r.body_len = v.len;
	} else {
		r.body = "";
	}
	r.body_fd = -1;
	if (w->done_upload != NULL) { /* hand_over() runs this request: its body is in a file */
		struct upload *up = w->done_upload;
		w->done_upload = NULL;
		if (up->error) {
			dt_log_error("request %s: the upload could not be stored: %s", r.request_id,
				     strerror(up->error));
			upload_free(up);
			send_problem(req, r.request_id, 500, "the upload could not be stored");
			return 0;
		}
		r.body_fd = up->fd;
		r.body_len = up->received;
		up->fd = -1;
		upload_free(up);
	}
	r.max_body = srv->max_body;
	r.max_upload = srv->max_upload;
	r.metrics_listener = ((struct handler *)self)->metrics;
	r.worker = &w->pub;
	r.impl = req;

	memset(&res, 0, sizeof(res));
	dt_strbuf_init(&res.body, 0);
	srv->app->handle(&r, &res, srv->app->ctx);
	if (r.body_fd >= 0) /* the handler did not keep it */
		close(r.body_fd);
	if (res.deferred)
		return 0; /* the ticket holds it now: dt_http_resume() sends it */
	send_app_response(req, &r, &res);
	dt_strbuf_release(&res.body);
	return 0;
}

/* ---- deferred responses ---- */

/*
 * A ticket is malloc'd: it outlives the handler's stack and may outlive the
 * request.  A cell in the request's pool points back at it; when h2o
 * disposes of the request (the connection went away) the cell's destructor
 * tells the ticket, so the resume never touches a freed request.  Both run
 * on the worker's thread.
 */
struct ticket_cell {
	struct dt_http_ticket *t;
};

struct dt_http_ticket {
	h2o_multithread_message_t msg; /* first: the message is the ticket */
	struct worker *w;
	h2o_req_t *hreq; /* NULL once the request is gone */
	struct ticket_cell *cell;
	struct dt_http_req r;
	struct dt_http_res res;
	dt_http_resume_fn fn;
	void *arg;
	h2o_timeout_entry_t timer; /* dt_http_delay(), dt_http_soon() */
};

static void ticket_cell_dispose(void *p)
{
	struct ticket_cell *cell = p;
	if (cell->t) {
		cell->t->hreq = NULL;
		cell->t->cell = NULL;
	}
}

struct dt_http_ticket *dt_http_defer(struct dt_http_req *req, struct dt_http_res *res)
{
	h2o_req_t *hreq = req->impl;
	struct dt_http_ticket *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->w = worker_of(hreq->conn->ctx);
	t->hreq = hreq;
	t->cell = h2o_mem_alloc_shared(&hreq->pool, sizeof(*t->cell), ticket_cell_dispose);
	t->cell->t = t;
	t->r = *req;
	t->res = *res; /* the body moves into the ticket */
	dt_strbuf_init(&res->body, 0);
	res->deferred = true;
	t->w->ndeferred++;
	return t;
}

void dt_http_resume(struct dt_http_ticket *t, dt_http_resume_fn fn, void *arg)
{
	t->fn = fn;
	t->arg = arg;
	h2o_multithread_send_message(&t->w->resume_rx, &t->msg);
}

/* On the ticket's worker thread: run its callback, send its response, free it. */
static void finish_ticket(struct dt_http_ticket *t)
{
	t->w->ndeferred--;
	if (t->hreq != NULL) {
		t->cell->t = NULL;
		t->fn(&t->r, &t->res, t->arg);
		send_app_response(t->hreq, &t->r, &t->res);
	} else {
		t->fn(NULL, NULL, t->arg);
	}
	dt_strbuf_release(&t->res.body);
	free(t);
}

/* The worker's end of dt_http_resume(). */
static void on_resume(h2o_multithread_receiver_t *rx, h2o_linklist_t *messages)
{
	while (!h2o_linklist_is_empty(messages)) {
		struct dt_http_ticket *t =
			H2O_STRUCT_FROM_MEMBER(struct dt_http_ticket, msg.link, messages->next);
		h2o_linklist_unlink(&t->msg.link);
		finish_ticket(t);
	}
	(void)rx;
}

static void on_delay(h2o_timeout_entry_t *entry)
{
	finish_ticket(H2O_STRUCT_FROM_MEMBER(struct dt_http_ticket, timer, entry));
}

void dt_http_delay(struct dt_http_ticket *t, dt_http_resume_fn fn, void *arg)
{
	t->fn = fn;
	t->arg = arg;
	t->timer.cb = on_delay;
	h2o_timeout_link(t->w->loop, &t->w->ctx.one_sec_timeout, &t->timer);
}

void dt_http_soon(struct dt_http_ticket *t, dt_http_resume_fn fn, void *arg)
{
	t->fn = fn;
	t->arg = arg;
	t->timer.cb = on_delay;
	/* h2o runs expired timers after the sockets' callbacks of a turn, oldest first */
	h2o_timeout_link(t->w->loop, &t->w->ctx.zero_timeout, &t->timer);
}

/* ---- responses h2o generates itself (fallback path filter) ---- */

static void error_ostream_send(h2o_ostream_t *self_, h2o_req_t *req, h2o_iovec_t *bufs,
			       size_t bufcnt, h2o_send_state_t state)
{
	struct error_ostream *self = (struct error_ostream *)self_;
	struct worker *w = worker_of(req->conn->ctx);
	char id[33], detail[96];
	const char *title;
	h2o_iovec_t text = { NULL, 0 }, body;
	int status = req->res.status;

	if (self->sent) {
		h2o_ostream_send_next(&self->super, req, NULL, 0, state);
		return;
	}
	self->sent = true;

	/* h2o's own text is the detail, except for 413, which names our limit */
	if (status == 413) {
		too_large_detail(req_limit(w, req), detail, sizeof(detail));
		text = h2o_iovec_init(detail, strlen(detail));
	} else if (bufcnt > 0) {
		text = h2o_concat_list(&req->pool, bufs, bufcnt);
		while (text.len > 0 &&
		       (text.base[text.len - 1] == '\n' || text.base[text.len - 1] == '\r'))
			text.len--;
	}
	title = reason_phrase(status);
	make_request_id(w, id);
	body = problem_json(req, id, status, title, text.base ? text.base : "", text.len);

	req->res.reason = title;
	h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
		       H2O_STRLIT(problem_content_type), 1);
	add_nosniff(req);
	add_request_id(req, id);
	req->res.content_length = body.len;
	if (is_head(req))
		h2o_ostream_send_next(&self->super, req, NULL, 0, state);
	else
		h2o_ostream_send_next(&self->super, req, &body, 1, state);
}

static void error_filter_setup(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
	struct worker *w = worker_of(req->conn->ctx);
	struct conn *cn = w->cur;

	/* h2o refuses the request being read and will close: keep the socket to drain it */
	if (req->res.status >= 400 && cn != NULL && cn->linger_fd < 0 &&
	    !req->http1_is_persistent) {
		int fd = h2o_socket_get_fd(cn->sock);
		if (fd >= 0)
			cn->linger_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	}
	if (req->res.status >= 400) {
		struct error_ostream *os = (void *)h2o_add_ostream(req, sizeof(*os), slot);
		os->super.do_send = error_ostream_send;
		os->srv = ((struct error_filter *)self)->srv;
		os->sent = false;
		slot = &os->super.next;
	}
	h2o_setup_next_ostream(req, slot);
}

/* ---- the request API of http.h ---- */

const char *dt_http_header(const struct dt_http_req *req, const char *name, size_t *len)
{
	h2o_req_t *hreq = req->impl;
	ssize_t i = h2o_find_header_by_str(&hreq->headers, name, strlen(name), -1);

	/* h2o takes Host out of the headers into the request's authority */
	if (i == -1 && !strcmp(name, "host") && hreq->input.authority.len) {
		h2o_iovec_t v = h2o_strdup(&hreq->pool, hreq->input.authority.base,
					   hreq->input.authority.len);
		if (len)
			*len = v.len;
		return v.base;
	}
	if (i == -1) {
		if (len)
			*len = 0;
		return NULL;
	}
	/* values sit in the request buffer or the pool: copy to NUL-terminate */
	h2o_iovec_t v = h2o_strdup(&hreq->pool, hreq->headers.entries[i].value.base,
				   hreq->headers.entries[i].value.len);
	if (len)
		*len = v.len;
	return v.base;
}

const char *dt_http_peer(const struct dt_http_req *req)
{
	/* made on demand: only the login throttle wants it */
	return peer_text(req->impl);
}

void *dt_http_alloc(const struct dt_http_req *req, size_t n)
{
	h2o_req_t *hreq = req->impl;
	return h2o_mem_alloc_pool(&hreq->pool, n ? n : 1);
}

char *dt_http_strdup(const struct dt_http_req *req, const char *s, size_t n)
{
	h2o_req_t *hreq = req->impl;
	return h2o_strdup(&hreq->pool, s, n).base;
}

struct on_done {
	void (*fn)(void *);
	void *arg;
};

static void on_done_dispose(void *p)
{
	struct on_done *d = p;
	d->fn(d->arg);
}

void dt_http_on_done(const struct dt_http_req *req, void (*fn)(void *), void *arg)
{
	h2o_req_t *hreq = req->impl;
	/* a shared allocation of the pool: disposed when the pool is cleared */
	struct on_done *d = h2o_mem_alloc_shared(&hreq->pool, sizeof(*d), on_done_dispose);
	d->fn = fn;
	d->arg = arg;
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

/* ---- connections ---- */

static void linger_start(struct worker *w, int fd);

static void on_socket_close(void *data)
{
	struct conn *cn = data;
	struct worker *w = cn->w;

	if (w->cur == cn)
		w->cur = NULL;
	if (cn->linger_fd >= 0)
		linger_start(w, cn->linger_fd);

	w->nconns--;
	atomic_fetch_sub_explicit(&open_connections, 1, memory_order_relaxed);
	upload_free(cn->up);
	free(cn);
}

/* Our state of a client connection's socket, or NULL for any other socket. */
static struct conn *conn_of(h2o_socket_t *sock)
{
	return sock->on_close.cb == on_socket_close ? sock->on_close.data : NULL;
}

static char upload_dir[PATH_MAX]; /* the server's temporary directory, "" outside a run */

int dt_http_temp_fd(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX + 16];
	int n, fd;

	if (upload_dir[0])
		n = snprintf(path, sizeof(path), "%s/body-XXXXXX", upload_dir);
	else
		n = snprintf(path, sizeof(path), "%s/dualtrack-body-XXXXXX",
			     tmp && *tmp ? tmp : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0) /* mode 0600 */
		return -1;
	unlink(path); /* the data goes when the last descriptor is closed */
	return fd;
}

static void upload_free(struct upload *up)
{
	if (up == NULL)
		return;
	if (up->fd >= 0)
		close(up->fd);
	dt_strbuf_release(&up->head);
	free(up);
}

/* A request head at the start of a connection's input. */
struct head {
	struct dt_http_head h;
	struct phr_header hd[H2O_MAX_HEADERS];
	size_t nh;
	int len, minor;
	size_t content_length; /* SIZE_MAX: none or broken */
	bool te, chunked, expect;
};

/* Parse the head at the start of @in into @p; false while it is not complete (or broken). */
static bool parse_head(h2o_buffer_t *in, struct head *p)
{
	size_t len = in->size < H2O_MAX_REQLEN ? in->size : H2O_MAX_REQLEN;

	memset(&p->h, 0, sizeof(p->h));
	p->nh = H2O_MAX_HEADERS;
	p->content_length = SIZE_MAX;
	p->te = p->chunked = p->expect = false;
	if (len == 0)
		return false;
	p->len = phr_parse_request(in->bytes, len, &p->h.method, &p->h.method_len, &p->h.path,
				   &p->h.path_len, &p->minor, p->hd, &p->nh, 0);
	if (p->len <= 0)
		return false;
	for (size_t i = 0; i < p->nh; i++) {
		const struct phr_header *x = &p->hd[i];
		if (x->name == NULL) /* a continuation line */
			continue;
		if (h2o_lcstris(x->name, x->name_len, H2O_STRLIT("authorization")) &&
		    p->h.authorization == NULL) {
			p->h.authorization = x->value;
			p->h.authorization_len = x->value_len;
		} else if (h2o_lcstris(x->name, x->name_len, H2O_STRLIT("cookie")) &&
			   p->h.cookie == NULL) {
			p->h.cookie = x->value;
			p->h.cookie_len = x->value_len;
		} else if (h2o_lcstris(x->name, x->name_len, H2O_STRLIT("content-length"))) {
			p->content_length = h2o_strtosize(x->value, x->value_len);
		} else if (h2o_lcstris(x->name, x->name_len, H2O_STRLIT("transfer-encoding"))) {
			/* as h2o: it wins over Content-Length, and only "chunked" is known */
			p->te = true;
			p->chunked = h2o_lcstris(x->value, x->value_len, H2O_STRLIT("chunked"));
		} else if (h2o_lcstris(x->name, x->name_len, H2O_STRLIT("expect"))) {
			p->expect = h2o_lcstris(x->value, x->value_len, H2O_STRLIT("100-continue"));
		}
	}
	return true;
}

/*
 * Start keeping the body of the request @p, whose head is at the start of
 * @sock's input, in a temporary file: the head is kept (without its framing
 * headers) for hand_over() and taken off the input.  False when no file can
 * be made (the caller leaves the request to h2o).
 */
static bool upload_start(struct conn *cn, h2o_socket_t *sock, const struct head *p, size_t limit)
{
	struct upload *up = calloc(1, sizeof(*up));
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	int fd;

	if (up == NULL)
		return false;
	dt_strbuf_init(&up->head, (size_t)H2O_MAX_REQLEN * 2);
	if ((up->fd = dt_http_temp_fd()) < 0) {
		dt_log_error("http: no temporary file for an upload: %s", strerror(errno));
		upload_free(up);
		return false;
	}
	up->limit = limit;
	up->chunked = p->te;
	up->remaining = p->te ? 0 : p->content_length;
	up->dec.consume_trailer = 1;
	dt_strbuf_addf(&up->head, "%.*s %.*s HTTP/1.%d\r\n", (int)p->h.method_len, p->h.method,
		       (int)p->h.path_len, p->h.path, p->minor);
	for (size_t i = 0; i < p->nh; i++) {
		const struct phr_header *x = &p->hd[i];
		if (x->name == NULL ||
		    h2o_lcstris(x->name, x->name_len, H2O_STRLIT("content-length")) ||
		    h2o_lcstris(x->name, x->name_len, H2O_STRLIT("transfer-encoding")) ||
		    h2o_lcstris(x->name, x->name_len, H2O_STRLIT("expect")))
			continue;
		dt_strbuf_addf(&up->head, "%.*s: %.*s\r\n", (int)x->name_len, x->name,
			       (int)x->value_len, x->value);
	}
	/*
	 * h2o may have seen part of the original head and remembers how much
	 * (phr_parse_request's last_len): the head it gets instead must be no
	 * shorter, or it would look for the head's end past it.
	 */
	if (up->head.len < (size_t)p->len) {
		size_t pad = (size_t)p->len - up->head.len;
		dt_strbuf_addf(&up->head, "x-dt-pad: %*s\r\n", (int)(pad > 13 ? pad - 12 : 1), "-");
	}
	h2o_buffer_consume(&sock->input, (size_t)p->len);
	/* a client waiting for "100 Continue" gets it at once (h2o is not writing: it is reading) */
	if (p->expect && (fd = h2o_socket_get_fd(sock)) >= 0)
		(void)!send(fd, cont, sizeof(cont) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	cn->up = up;
	return true;
}

/* h2o's read callback of @cn, with @cn as the worker's current connection. */
static void w_read_cb(struct conn *cn, h2o_socket_t *sock, const char *err)
{
	struct worker *w = cn->w;

	w->cur = cn;
	cn->read_cb(sock, err); /* may close the connection and free cn */
	w->cur = NULL;
}

enum hand_over { HAND_OK, HAND_TOO_LARGE, HAND_BROKEN };

/*
 * The body of @cn's upload is in (HAND_OK), or over its limit, or its
 * chunked encoding is broken: give h2o the kept head, framed so that h2o
 * handles the request as usual - with an empty body (on_req() then takes
 * the file from w->done_upload), or with a Content-Length one over the
 * limit or a broken chunk, which h2o answers 413 or 400 and closes.
 */
static void hand_over(struct conn *cn, h2o_socket_t *sock, enum hand_over how)
{
	struct worker *w = cn->w;
	struct upload *up = cn->up;
	size_t rest;
	h2o_iovec_t room;

	cn->up = NULL;
	if (how != HAND_OK) /* the connection is closed after the answer */
		h2o_buffer_consume(&sock->input, sock->input->size);
	if (how == HAND_OK)
		dt_strbuf_adds(&up->head, "content-length: 0\r\n\r\n");
	else if (how == HAND_TOO_LARGE)
		dt_strbuf_addf(&up->head, "content-length: %zu\r\n\r\n", up->limit + 1);
	else
		dt_strbuf_adds(&up->head, "transfer-encoding: chunked\r\n\r\nzz\r\n");
	rest = sock->input->size;
	room = dt_strbuf_ok(&up->head) ? h2o_buffer_reserve(&sock->input, up->head.len)
				       : h2o_iovec_init(NULL, 0);
	if (room.base == NULL) {
		upload_free(up);
		w_read_cb(cn, sock, h2o_socket_error_out_of_memory); /* h2o closes the connection */
		return;
	}
	memmove(sock->input->bytes + up->head.len, sock->input->bytes, rest);
	memcpy(sock->input->bytes, up->head.buf, up->head.len);
	sock->input->size = rest + up->head.len;
	w->conf.max_request_entity_size = how == HAND_TOO_LARGE ? up->limit : h2o_limit(up->limit);
	if (how == HAND_OK) {
		w->done_upload = up;
	} else {
		upload_free(up);
		up = NULL;
	}
	w_read_cb(cn, sock,
		  NULL); /* h2o reads the head and runs the request (or refuses it) at once */
	if (w->done_upload != NULL) { /* on_req() did not take it */
		upload_free(w->done_upload);
		w->done_upload = NULL;
	}
}

/* Append @n bytes at @p to @up's file (after a failed write, only count them). */
static void upload_store(struct upload *up, const char *p, size_t n)
{
	up->received += n;
	while (n > 0 && up->error == 0) {
		ssize_t k = write(up->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			up->error = k < 0 ? errno : EIO;
			break;
		}
		p += k;
		n -= (size_t)k;
	}
}

/* Move what arrived of @cn's upload from @sock's input to its file. */
static void upload_feed(struct conn *cn, h2o_socket_t *sock)
{
	struct upload *up = cn->up;
	h2o_buffer_t *in = sock->input;
	size_t n;
	ssize_t ret;

	if (!up->chunked) {
		n = in->size < up->remaining ? in->size : up->remaining;
		upload_store(up, in->bytes, n);
		h2o_buffer_consume(&sock->input, n);
		up->remaining -= n;
		if (up->remaining == 0)
			hand_over(cn, sock, HAND_OK);
		return;
	}
	if ((n = in->size) == 0)
		return;
	ret = phr_decode_chunked(&up->dec, in->bytes, &n); /* decodes in place */
	if (ret == -1) {
		hand_over(cn, sock, HAND_BROKEN);
		return;
	}
	if (n > up->limit - up->received) {
		hand_over(cn, sock, HAND_TOO_LARGE);
		return;
	}
	upload_store(up, in->bytes, n);
	if (ret == -2) { /* the decoder keeps what it has not finished */
		h2o_buffer_consume(&sock->input, in->size);
		return;
	}
	in->size = n + (size_t)ret; /* the bytes after the body follow the decoded ones */
	h2o_buffer_consume(&sock->input, n);
	hand_over(cn, sock, HAND_OK);
}

/*
 * Set @cn's worker's body limit for the request at the head of @sock's
 * input (see the top of the file); without a complete head h2o reads no
 * body, so the limit is left as it is.  Unless @from_start (h2o is about to
 * parse buffered input itself), a request whose body goes to a file is
 * taken over: upload_start(), and its body from then on is upload_feed()'s.
 * From h2o_socket_read_start() such a request (a pipelined upload) is held
 * to max_body instead.
 */
static void set_limit(struct conn *cn, h2o_socket_t *sock, bool from_start)
{
	struct head p;
	size_t limit;

	if (!parse_head(sock->input, &p))
		return;
	limit = app_limit(cn->w, &p.h);
	if (p.h.to_file && (p.te || (p.content_length != SIZE_MAX && p.content_length > 0))) {
		bool framed = !p.te || p.chunked; /* else h2o answers 400 */
		bool fits = p.te || p.content_length <= limit;
		if (!from_start && framed && fits && upload_start(cn, sock, &p, limit))
			return;
		/* left in memory (pipelined, or no file to be had): no more than a JSON body */
		if (fits && limit > cn->w->srv->max_body)
			limit = cn->w->srv->max_body;
	}
	cn->w->conf.max_request_entity_size = h2o_limit(limit);
}

/* Every read of a client connection: the limit for its request, then h2o's callback. */
static void guarded_read(h2o_socket_t *sock, const char *err)
{
	struct conn *cn = conn_of(sock);

	if (err == NULL) {
		if (cn->up == NULL)
			set_limit(cn, sock, false);
		if (cn->up != NULL) {
			upload_feed(cn, sock);
			return;
		}
	}
	w_read_cb(cn, sock, err);
}

typedef void (*read_start_fn)(h2o_socket_t *sock, h2o_socket_cb cb);
static read_start_fn h2o_read_start;
static pthread_once_t h2o_read_start_once = PTHREAD_ONCE_INIT;

static void find_h2o_read_start(void)
{
	void *f = dlsym(RTLD_NEXT, "h2o_socket_read_start");
	if (f == NULL) {
		dt_log_error("http: h2o_socket_read_start not found in libh2o: %s", dlerror());
		abort();
	}
	memcpy(&h2o_read_start, &f, sizeof(f));
}

/*
 * h2o's own h2o_socket_read_start(), seen first by the dynamic linker (h2o
 * calls it through the PLT): on a client connection, h2o's callback is kept
 * and guarded_read() installed in its place, and the limit is set at once,
 * for h2o may parse what is already buffered before it returns to the loop.
 * Any other socket (the listeners) passes through untouched.
 */
void h2o_socket_read_start(h2o_socket_t *sock, h2o_socket_cb cb)
{
	struct conn *cn = conn_of(sock);

	pthread_once(&h2o_read_start_once, find_h2o_read_start);
	if (cn != NULL && cb != guarded_read) {
		cn->read_cb = cb;
		cb = guarded_read;
		set_limit(cn, sock, true);
	}
	h2o_read_start(sock, cb);
}

/*
 * Lingering close.  When h2o refuses a request whose body is still coming
 * (413 by Content-Length or a chunked body over its limit, 400) it writes
 * the answer and closes the socket; a socket closed with unread data sends
 * a reset, and a reset arriving while the client is still sending makes it
 * drop the answer unread.  So the socket is kept open by a duplicate
 * descriptor: its sending side is shut (the answer, then FIN), and what
 * the client still sends is read and thrown away until it stops, for
 * LINGER_MS or LINGER_MAX_BYTES at most; a client that sends more than that
 * meets the reset after all.  Nothing is kept of what is read.
 */
static void linger_close(struct lingering *l)
{
	if (l->sock != NULL) {
		h2o_socket_read_stop(l->sock);
		h2o_socket_close(l->sock);
		l->sock = NULL;
	}
}

static void linger_read(h2o_socket_t *sock, const char *err)
{
	struct lingering *l = sock->data;

	l->drained += sock->input->size;
	h2o_buffer_consume(&sock->input, sock->input->size);
	if (err != NULL || l->drained > LINGER_MAX_BYTES)
		linger_close(l);
}

static void linger_start(struct worker *w, int fd)
{
	struct lingering *l = NULL;

	if (w->loop == NULL || w->nlingering >= LINGER_MAX || (l = calloc(1, sizeof(*l))) == NULL) {
		close(fd);
		return;
	}
	shutdown(fd, SHUT_WR);
	l->sock = h2o_evloop_socket_create(w->loop, fd, 0);
	l->sock->data = l;
	l->deadline = now_ms() + LINGER_MS;
	l->next = w->lingering;
	w->lingering = l;
	w->nlingering++;
	h2o_socket_read_start(l->sock, linger_read);
}

/* Close the lingering sockets of @w past their time (all of them when @all). */
static void linger_sweep(struct worker *w, bool all)
{
	uint64_t now = w->lingering ? now_ms() : 0;

	for (struct lingering **p = &w->lingering; *p;) {
		struct lingering *l = *p;
		if (all || l->sock == NULL || now >= l->deadline) {
			linger_close(l);
			*p = l->next;
			w->nlingering--;
			free(l);
		} else {
			p = &l->next;
		}
	}
}

/* Accept up to @max connections waiting on @listener, one of @w's. */
static void accept_pending(struct worker *w, h2o_socket_t *listener, int max)
{
	h2o_accept_ctx_t *actx = listener == w->mlistener ? &w->maccept_ctx : &w->accept_ctx;

	for (int i = 0; i < max; i++) {
		h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
		struct conn *cn;
		int one = 1, fd;

		if (sock == NULL)
			break;
		if ((cn = calloc(1, sizeof(*cn))) == NULL) {
			h2o_socket_close(sock);
			continue;
		}
		cn->w = w;
		cn->sock = sock;
		cn->linger_fd = -1;
		w->nconns++;
		atomic_fetch_add_explicit(&open_connections, 1, memory_order_relaxed);
		/* before h2o_accept(): h2o starts reading in it */
		sock->on_close.cb = on_socket_close;
		sock->on_close.data = cn;
		if ((fd = h2o_socket_get_fd(sock)) >= 0)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		h2o_accept(actx, sock);
	}
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
	if (err != NULL)
		return;
	accept_pending(listener->data, listener, ACCEPTS_PER_EVENT);
}

/* ---- the listeners ---- */

static void add_errno_text(struct dt_strbuf *err, int e)
{
	char buf[128];
	const char *s = strerror_r(e, buf, sizeof(buf));
	size_t at = err->len;

	dt_strbuf_adds(err, s);
	if (err->len > at && err->buf[at] >= 'A' && err->buf[at] <= 'Z')
		err->buf[at] = (char)(err->buf[at] - 'A' + 'a');
	if (e == EACCES)
		dt_strbuf_adds(err, " (ports below 1024 need privileges)");
}

static enum dt_err parse_addr(const char *host, int port, struct sockaddr_in *sa,
			      struct dt_strbuf *err)
{
	if (host == NULL || !*host)
		host = "127.0.0.1";
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (port < 1 || port > 65535)
		return dt_error(err, DT_EINVAL, "port: %d is not in 1..65535", port);
	sa->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return dt_error(err, DT_EINVAL, "host: '%s' is not an IPv4 address", host);
	return DT_OK;
}

/* A non-blocking listening socket on @sa, shared with the other workers' through SO_REUSEPORT. */
static enum dt_err open_listener(const char *host, int port, const struct sockaddr_in *sa, int *out,
				 struct dt_strbuf *err)
{
	int one = 1, e;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		e = errno;
		dt_strbuf_setf(err, "%s:%d: socket: ", host, port);
		add_errno_text(err, e);
		return DT_EIO;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 ||
	    bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) != 0 || listen(fd, SOMAXCONN) != 0) {
		e = errno;
		close(fd);
		dt_strbuf_setf(err, "%s:%d: ", host, port);
		add_errno_text(err, e);
		return DT_EIO;
	}
	*out = fd;
	return DT_OK;
}

/* ---- the workers ---- */

/* Report @w's start-up result; true when every worker started and serving may begin. */
static bool start_barrier(struct server *srv, int rc)
{
	bool go;

	pthread_mutex_lock(&srv->mu);
	srv->nreported++;
	if (rc)
		srv->failed = true;
	pthread_cond_broadcast(&srv->cv);
	while (srv->nreported < srv->nworkers && !srv->failed)
		pthread_cond_wait(&srv->cv, &srv->mu);
	go = !srv->failed;
	pthread_mutex_unlock(&srv->mu);
	return go;
}

static enum dt_err worker_start(struct worker *w)
{
	struct server *srv = w->srv;
	const struct dt_server_opts *o = srv->opts;
	int rc;

	rc = dt_store_open(&w->pub.store, o->db_path, o->keys, 0, &w->err);
	if (rc)
		return rc;
	if (srv->app->thread_init) {
		rc = srv->app->thread_init(&w->pub, srv->app->ctx);
		if (rc)
			return dt_error(&w->err, rc, "worker %d: thread_init: %s", w->pub.index,
					dt_strerror(rc));
	}
	w->app_ready = true;

	randombytes_buf(&w->id_prefix, sizeof(w->id_prefix));
	randombytes_buf(&w->id_key, sizeof(w->id_key));
	w->loop = h2o_evloop_create();
	h2o_context_init(&w->ctx, w->loop, &w->conf);
	h2o_multithread_register_receiver(w->ctx.queue, &w->resume_rx, on_resume);
	w->ctx_ready = true;
	w->accept_ctx.ctx = &w->ctx;
	w->accept_ctx.hosts = w->conf.hosts;
	w->listener = h2o_evloop_socket_create(w->loop, w->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
	w->listen_fd = -1; /* h2o owns it now */
	w->listener->data = w;
	if (w->mlisten_fd >= 0) {
		/* the same context (loop, timeouts, body limit), the metrics host's handler */
		w->maccept_ctx.ctx = &w->ctx;
		w->maccept_ctx.hosts = w->mconf.hosts;
		w->mlistener =
			h2o_evloop_socket_create(w->loop, w->mlisten_fd, H2O_SOCKET_FLAG_DONT_READ);
		w->mlisten_fd = -1;
		w->mlistener->data = w;
	}
	return DT_OK;
}

static void close_listener(struct worker *w)
{
	if (w->mlistener != NULL) {
		h2o_socket_read_stop(w->mlistener);
		h2o_socket_close(w->mlistener);
		w->mlistener = NULL;
	}
	if (w->listener == NULL)
		return;
	h2o_socket_read_stop(w->listener);
	h2o_socket_close(w->listener);
	w->listener = NULL;
}

static void worker_serve(struct worker *w)
{
	uint64_t deadline;

	h2o_socket_read_start(w->listener, on_accept);
	if (w->mlistener != NULL)
		h2o_socket_read_start(w->mlistener, on_accept);
	while (!atomic_load(&stop_flag)) {
		h2o_evloop_run(w->loop, LOOP_TICK_MS);
		linger_sweep(w, false);
		if (w->srv->app->turn_end)
			w->srv->app->turn_end(&w->pub, w->srv->app->ctx);
	}

	/* take what is already queued (a closed SO_REUSEPORT socket resets its queue) */
	accept_pending(w, w->listener, SOMAXCONN);
	if (w->mlistener != NULL)
		accept_pending(w, w->mlistener, SOMAXCONN);
	close_listener(w);
	h2o_context_request_shutdown(&w->ctx);
	/*
	 * h2o has no "close idle connections" call: connections waiting for
	 * a request sit in these timeout lists, which h2o scans with the
	 * current value, so shortening it makes h2o close them itself.
	 */
	if (w->ctx.http1.req_timeout.timeout > DRAIN_IDLE_MS)
		w->ctx.http1.req_timeout.timeout = DRAIN_IDLE_MS;
	if (w->ctx.http2.idle_timeout.timeout > DRAIN_IDLE_MS)
		w->ctx.http2.idle_timeout.timeout = DRAIN_IDLE_MS;
	deadline = now_ms() + DRAIN_MS;
	linger_sweep(w, true);
	while ((w->nconns > 0 || w->ndeferred > 0) && now_ms() < deadline) {
		h2o_evloop_run(w->loop, LOOP_TICK_MS);
		linger_sweep(w, true);
		if (w->srv->app->turn_end)
			w->srv->app->turn_end(&w->pub, w->srv->app->ctx);
	}
}

/*
 * True when no timer of @ctx is pending: h2o_context_dispose() asserts it.
 * With no connection left only context-level timers can remain (say, a
 * deferred error response); they run within a loop turn or two.
 */
static bool ctx_timers_idle(h2o_context_t *ctx)
{
	h2o_timeout_t *t[] = { &ctx->zero_timeout,
			       &ctx->one_sec_timeout,
			       &ctx->hundred_ms_timeout,
			       &ctx->handshake_timeout,
			       &ctx->http1.req_timeout,
			       &ctx->http2.idle_timeout,
			       &ctx->http2.graceful_shutdown_timeout,
			       &ctx->proxy.io_timeout };

	for (size_t i = 0; i < DT_ARRAY_SIZE(t); i++)
		if (!h2o_linklist_is_empty(&t[i]->_entries))
			return false;
	return true;
}

static void worker_stop(struct worker *w)
{
	struct server *srv = w->srv;

	if (w->ctx_ready) {
		close_listener(w);
		linger_sweep(w, true);
		/*
		 * h2o_context_request_shutdown() armed a one-second timer to
		 * re-send GOAWAY to HTTP/2 connections; with none left it has
		 * nothing to do, and waiting for it would delay every exit.
		 */
		if (w->nconns == 0 &&
		    h2o_timeout_is_linked(&w->ctx.http2._graceful_shutdown_timeout))
			h2o_timeout_unlink(&w->ctx.http2._graceful_shutdown_timeout);
		for (int i = 0; i < 20 && w->nconns == 0 && !ctx_timers_idle(&w->ctx); i++)
			h2o_evloop_run(w->loop, LOOP_TICK_MS);
		linger_sweep(w, true);
		if (w->nconns == 0 && w->ndeferred == 0 && ctx_timers_idle(&w->ctx)) {
			h2o_multithread_unregister_receiver(w->ctx.queue, &w->resume_rx);
			h2o_context_dispose(&w->ctx);
			/* closed sockets are freed on the loop's next turn */
			h2o_evloop_run(w->loop, 0);
			h2o_evloop_destroy(w->loop);
		} else {
			dt_warn("worker %d: %" PRId64 " connection(s) still open after %d ms; "
				"leaving them to the exit",
				w->pub.index, w->nconns, DRAIN_MS);
		}
		w->loop = NULL;
		w->ctx_ready = false;
	}
	if (w->listen_fd >= 0) {
		close(w->listen_fd);
		w->listen_fd = -1;
	}
	if (w->mlisten_fd >= 0) {
		close(w->mlisten_fd);
		w->mlisten_fd = -1;
	}
	/*
	 * One worker at a time closes its connections: SQLite checkpoints the
	 * WAL away when the last connection closes, and two closing at once may
	 * each see the other open and both leave it.
	 */
	static pthread_mutex_t closing = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&closing);
	if (w->app_ready && srv->app->thread_fini)
		srv->app->thread_fini(&w->pub, srv->app->ctx);
	w->app_ready = false;
	dt_store_close(w->pub.store);
	w->pub.store = NULL;
	pthread_mutex_unlock(&closing);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->rc = worker_start(w);
	if (start_barrier(w->srv, w->rc))
		worker_serve(w);
	worker_stop(w);
	return NULL;
}

/* ---- dt_server_run ---- */

/*
 * An h2o configuration of @w: one host, one path, our handler (marked as
 * the metrics listener's when @metrics) and error filter.
 */
static void build_config(struct worker *w, h2o_globalconf_t *conf, bool metrics)
{
	struct server *srv = w->srv;
	const struct dt_server_opts *o = srv->opts;
	uint64_t io = o->io_timeout_ms > 0 ? (uint64_t)o->io_timeout_ms : DEFAULT_IO_TIMEOUT_MS;
	h2o_hostconf_t *host;
	h2o_pathconf_t *path;
	struct handler *h;
	struct error_filter *f;

	h2o_config_init(conf);
	conf->server_name = h2o_iovec_init(H2O_STRLIT("dualtrack"));
	/* set per request by set_limit(); this is only the value before any */
	conf->max_request_entity_size = h2o_limit(srv->max_body);
	conf->http1.req_timeout = io;
	conf->http2.idle_timeout = io;
	/*
	 * No cleartext HTTP/2 (neither "Upgrade: h2c" nor prior knowledge):
	 * h2o 2.2 answers an HTTP/2 body over its limit with RST_STREAM
	 * (REFUSED_STREAM), which clients retry, instead of a 413; and the
	 * per-request limit above is HTTP/1's.  Browsers never speak h2c
	 * anyway; HTTP/2 belongs on a TLS front end.
	 */
	conf->http1.upgrade_to_http2 = 0;

	host = h2o_config_register_host(conf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	path = h2o_config_register_path(host, "/", 0);
	h = (struct handler *)h2o_create_handler(path, sizeof(*h));
	h->super.on_req = on_req;
	h->srv = srv;
	h->metrics = metrics;
	f = (struct error_filter *)h2o_create_filter(&host->fallback_path, sizeof(*f));
	f->super.on_setup_ostream = error_filter_setup;
	f->srv = srv;
}

enum dt_err dt_server_run(const struct dt_server_opts *o, const struct dt_http_app *app,
			  struct dt_strbuf *err)
{
	struct server srv;
	struct sockaddr_in sa, msa;
	struct sigaction act, old_term, old_int, old_pipe;
	sigset_t stop_sigs, old_mask;
	bool have_sync = false, have_signals = false;
	int rc = DT_OK, nthreads, started = 0;
	const char *host = o->host && *o->host ? o->host : "127.0.0.1";
	const char *mhost = o->metrics_host && *o->metrics_host ? o->metrics_host : "127.0.0.1";

	dt_lsan_keep(); /* h2o's free lists are its own (core/lsan.c) */
	if (atomic_flag_test_and_set(&running))
		return dt_error(err, DT_ECONFLICT, "a server is already running in this process");

	memset(&srv, 0, sizeof(srv));
	srv.opts = o;
	srv.app = app;
	srv.max_body = o->max_body ? o->max_body : DEFAULT_MAX_BODY;
	srv.max_upload = o->max_upload > srv.max_body ? o->max_upload : srv.max_body;

	if (app == NULL || app->handle == NULL) {
		rc = dt_error(err, DT_EINTERNAL, "dt_server_run: no request handler");
		goto out;
	}
	if ((rc = dt_secret_init()) != DT_OK) {
		dt_strbuf_setf(err, "libsodium failed to initialise");
		goto out;
	}
	if ((rc = parse_addr(o->host, o->port, &sa, err)) != DT_OK)
		goto out;
	if (o->metrics_port &&
	    (rc = parse_addr(o->metrics_host, o->metrics_port, &msa, err)) != DT_OK)
		goto out;
	{
		const char *tmp = getenv("TMPDIR");
		int n = snprintf(upload_dir, sizeof(upload_dir), "%s/dualtrack-uploads-XXXXXX",
				 tmp && *tmp ? tmp : "/tmp");
		if (n < 0 || (size_t)n >= sizeof(upload_dir) || mkdtemp(upload_dir) == NULL) {
			dt_strbuf_setf(err, "no temporary directory for uploads in %s: ",
				       tmp && *tmp ? tmp : "/tmp");
			add_errno_text(err, errno);
			upload_dir[0] = '\0';
			rc = DT_EIO;
			goto out;
		}
	}
	nthreads = o->threads;
	if (nthreads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = n > 0 ? (int)n : 1;
	}
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;

	srv.workers = calloc((size_t)nthreads, sizeof(*srv.workers));
	if (srv.workers == NULL) {
		rc = dt_error(err, DT_ENOMEM, "out of memory");
		goto out;
	}
	srv.nworkers = nthreads;
	for (int i = 0; i < nthreads; i++) {
		struct worker *w = &srv.workers[i];
		w->pub.index = i;
		w->srv = &srv;
		w->listen_fd = -1;
		w->mlisten_fd = -1;
		dt_strbuf_init(&w->err, 0);
	}
	/* bind every listener first: a busy port fails here, before any thread */
	for (int i = 0; i < nthreads; i++) {
		if ((rc = open_listener(host, o->port, &sa, &srv.workers[i].listen_fd, err)) !=
		    DT_OK)
			goto out;
		if (o->metrics_port &&
		    (rc = open_listener(mhost, o->metrics_port, &msa, &srv.workers[i].mlisten_fd,
					err)) != DT_OK)
			goto out;
	}

	for (int i = 0; i < nthreads; i++) {
		struct worker *w = &srv.workers[i];
		build_config(w, &w->conf, false);
		w->conf_ready = true;
		if (o->metrics_port) {
			build_config(w, &w->mconf, true);
			w->mconf_ready = true;
		}
	}
	pthread_mutex_init(&srv.mu, NULL);
	pthread_cond_init(&srv.cv, NULL);
	have_sync = true;

	atomic_store(&stop_flag, 0);
	memset(&act, 0, sizeof(act));
	act.sa_handler = on_signal;
	act.sa_flags = SA_RESTART;
	sigemptyset(&act.sa_mask);
	sigaction(SIGTERM, &act, &old_term);
	sigaction(SIGINT, &act, &old_int);
	act.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &act, &old_pipe);
	have_signals = true;

	/*
	 * Workers are created with SIGTERM and SIGINT blocked, so the signals
	 * land on this thread (waiting in pthread_join) and never interrupt a
	 * worker's system calls; workers see the flag within LOOP_TICK_MS.
	 */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGTERM);
	sigaddset(&stop_sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_sigs, &old_mask);
	for (; started < nthreads; started++) {
		int e = pthread_create(&srv.workers[started].thread, NULL, worker_main,
				       &srv.workers[started]);
		if (e != 0) {
			pthread_mutex_lock(&srv.mu);
			srv.failed = true;
			pthread_cond_broadcast(&srv.cv);
			pthread_mutex_unlock(&srv.mu);
			dt_strbuf_setf(err, "cannot start worker thread %d: ", started);
			add_errno_text(err, e);
			rc = DT_EIO;
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);

	pthread_mutex_lock(&srv.mu);
	while (srv.nreported < started && !srv.failed)
		pthread_cond_wait(&srv.cv, &srv.mu);
	if (!srv.failed)
		dt_info("serving on http://%s:%d with %d thread%s", host, o->port, nthreads,
			nthreads == 1 ? "" : "s");
	if (!srv.failed && o->metrics_port)
		dt_info("metrics on http://%s:%d/metrics", mhost, o->metrics_port);
	pthread_mutex_unlock(&srv.mu);

	for (int i = 0; i < started; i++)
		pthread_join(srv.workers[i].thread, NULL);
	if (rc == DT_OK) {
		for (int i = 0; i < started; i++) {
			if (srv.workers[i].rc) {
				rc = srv.workers[i].rc;
				dt_strbuf_setf(err, "%s", srv.workers[i].err.buf);
				break;
			}
		}
	}
	if (rc == DT_OK)
		dt_info("server stopped");

out:
	if (have_signals) {
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGPIPE, &old_pipe, NULL);
	}
	for (int i = 0; i < srv.nworkers; i++) {
		if (srv.workers[i].listen_fd >= 0)
			close(srv.workers[i].listen_fd);
		if (srv.workers[i].mlisten_fd >= 0)
			close(srv.workers[i].mlisten_fd);
		if (srv.workers[i].mconf_ready)
			h2o_config_dispose(&srv.workers[i].mconf);
		if (srv.workers[i].conf_ready)
			h2o_config_dispose(&srv.workers[i].conf);
		dt_strbuf_release(&srv.workers[i].err);
	}
	free(srv.workers);
	if (have_sync) {
		pthread_cond_destroy(&srv.cv);
		pthread_mutex_destroy(&srv.mu);
	}
	if (upload_dir[0]) { /* empty: its files are unlinked as they are made */
		if (rmdir(upload_dir) != 0)
			dt_warn("cannot remove %s: %s", upload_dir, strerror(errno));
		upload_dir[0] = '\0';
	}
	atomic_flag_clear(&running);
	return rc;
}
