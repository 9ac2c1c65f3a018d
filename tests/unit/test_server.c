/*
 * test_server.c - unit tests for http/server.c: a real dt_server_run() on a
 * free local port, driven over plain sockets.
 *
 * The group setup creates a database in a temporary directory and starts the
 * server (two workers, a 1000-byte body limit) on a thread with a small app
 * that echoes the request as JSON; the tests speak HTTP/1.1 to it; the group
 * teardown sends SIGTERM and checks that dt_server_run() returns DT_OK and
 * puts the signal handlers back.  A last test, run while no server is up,
 * checks the error for a port that another socket holds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/common.h"
#include "core/log.h"
#include "core/secret.h"
#include "http/http.h"
#include "store/store.h"
#include "core/banned.h"

#define MAX_BODY 1000

static struct {
	char dir[64];
	char db[128];
	struct dt_keys keys;
	int port;
	pthread_t thread;
	int rc;
	struct dt_strbuf err;
	int inits, finis;
} T;

/* ---- the app ---- */

static enum dt_err app_init(struct dt_http_worker *w, void *ctx)
{
	(void)ctx;
	assert_non_null(w->store);
	__atomic_add_fetch(&T.inits, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static void app_fini(struct dt_http_worker *w, void *ctx)
{
	(void)w;
	(void)ctx;
	__atomic_add_fetch(&T.finis, 1, __ATOMIC_SEQ_CST);
}

static bool path_is(const struct dt_http_req *r, const char *p)
{
	return r->path_len == strlen(p) && !memcmp(r->path, p, r->path_len);
}

static void app_handle(struct dt_http_req *r, struct dt_http_res *res, void *ctx)
{
	(void)ctx;
	if (path_is(r, "/nope")) {
		res->status = 404;
		res->content_type = "application/problem+json";
		dt_strbuf_adds(&res->body, "{\"title\":\"Not Found\"}");
		return;
	}
	if (path_is(r, "/nothing"))
		return; /* status 0, no body: a 500 problem */
	if (path_is(r, "/static")) {
		res->status = 200;
		res->content_type = "text/plain; charset=utf-8";
		res->static_body = "static\n";
		res->static_len = 7;
		dt_http_add_header(res, "Cache-Control", "max-age=60");
		return;
	}
	size_t tlen = 0;
	const char *token = dt_http_header(r, "x-token", &tlen);
	char *path = dt_http_strdup(r, r->path, r->path_len);
	res->status = 200;
	dt_strbuf_addf(&res->body,
		       "{\"method\":\"%s\",\"path\":\"%s\",\"query\":\"%s\",\"body_len\":%zu,"
		       "\"id\":\"%s\",\"peer\":\"%s\",\"token\":\"%.*s\",\"conns\":%lld}",
		       r->method, path, r->query ? r->query : "-", r->body_len, r->request_id,
		       dt_http_peer(r), (int)tlen, token ? token : "",
		       (long long)dt_server_open_connections());
}

static const struct dt_http_app app = { app_init, app_fini, app_handle, NULL, NULL, NULL };

/* ---- a tiny HTTP/1.1 client ---- */

struct resp {
	int status;
	char head[4096];
	struct dt_strbuf body;
};

static int free_port(void)
{
	struct sockaddr_in sa = { 0 };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static int connect_to(int port)
{
	struct sockaddr_in sa = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct timeval tv = { 5, 0 };
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k <= 0)
			return; /* the server may close early (413); the response tells */
		p += k;
		n -= (size_t)k;
	}
}

/* The value of header @name in @r (case-insensitive), copied into @out. */
static bool header(const struct resp *r, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (const char *p = strstr(r->head, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
		const char *line = p + 2;
		if (!strncasecmp(line, name, nl) && line[nl] == ':') {
			const char *v = line + nl + 1, *end = strstr(v, "\r\n");
			while (*v == ' ')
				v++;
			snprintf(out, n, "%.*s", (int)(end - v), v);
			return true;
		}
	}
	return false;
}

/* Read one response from @fd into @r; false on a closed or timed-out socket. */
static bool read_response(int fd, struct resp *r)
{
	char buf[65536];
	size_t have = 0, need;
	char *end = NULL, cl[32];

	memset(r, 0, sizeof(*r));
	dt_strbuf_init(&r->body, 0);
	while (!end) {
		ssize_t k = recv(fd, buf + have, sizeof(buf) - have - 1, 0);
		if (k <= 0)
			return false;
		have += (size_t)k;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	snprintf(r->head, sizeof(r->head), "%.*s", (int)(end - buf + 2), buf);
	r->status = (int)strtol(buf + 9, NULL, 10);
	dt_strbuf_add(&r->body, end + 4, have - (size_t)(end + 4 - buf));
	need = header(r, "content-length", cl, sizeof(cl)) ? (size_t)strtoul(cl, NULL, 10) : 0;
	while (r->body.len < need) {
		ssize_t k = recv(fd, buf, sizeof(buf), 0);
		if (k <= 0)
			return false;
		dt_strbuf_add(&r->body, buf, (size_t)k);
	}
	return true;
}

/* One request on a new connection. */
static void request(const char *method, const char *target, const char *extra, size_t body_len,
		    struct resp *r)
{
	int fd = connect_to(T.port);
	struct dt_strbuf req = DT_STRBUF_INIT;
	assert_true(fd >= 0);
	dt_strbuf_addf(&req, "%s %s HTTP/1.1\r\nHost: t\r\n%s", method, target, extra ? extra : "");
	if (body_len)
		dt_strbuf_addf(&req, "Content-Length: %zu\r\n", body_len);
	dt_strbuf_adds(&req, "\r\n");
	for (size_t i = 0; i < body_len; i++)
		dt_strbuf_addch(&req, 'x');
	send_all(fd, req.buf, req.len);
	assert_true(read_response(fd, r));
	dt_strbuf_release(&req);
	close(fd);
}

static void assert_request_id(const struct resp *r)
{
	char id[64];
	assert_true(header(r, "x-request-id", id, sizeof(id)));
	assert_int_equal(strlen(id), 32);
	assert_int_equal(strspn(id, "0123456789abcdef"), 32);
}

static void assert_contains(const char *s, const char *part)
{
	if (!strstr(s, part))
		fail_msg("'%s' does not contain '%s'", s, part);
}

/* ---- the server around the group ---- */

static void *serve(void *arg)
{
	struct dt_server_opts o = {
		.host = "127.0.0.1",
		.port = T.port,
		.threads = 2,
		.max_body = MAX_BODY,
		.db_path = T.db,
		.keys = &T.keys,
		.io_timeout_ms = 5000,
	};
	(void)arg;
	T.rc = dt_server_run(&o, &app, &T.err);
	return NULL;
}

static int group_setup(void **state)
{
	unsigned char master[32];
	struct dt_store *s = NULL;
	(void)state;

	setenv("DUALTRACK_LOG_LEVEL", "error", 1);
	assert_int_equal(dt_secret_init(), DT_OK);
	snprintf(T.dir, sizeof(T.dir), "/tmp/dt-server-XXXXXX");
	assert_non_null(mkdtemp(T.dir));
	snprintf(T.db, sizeof(T.db), "%s/t.db", T.dir);
	for (int i = 0; i < 32; i++)
		master[i] = (unsigned char)(i * 7 + 3);
	dt_keys_from_master(master, &T.keys);
	dt_strbuf_init(&T.err, 0);
	assert_int_equal(dt_store_open(&s, T.db, &T.keys, DT_STORE_CREATE, &T.err), DT_OK);
	dt_store_close(s);

	T.port = free_port();
	assert_int_equal(pthread_create(&T.thread, NULL, serve, NULL), 0);
	for (int i = 0; i < 500; i++) {
		int fd = connect_to(T.port);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	fail_msg("the server did not come up: %s", T.err.buf);
	return -1;
}

static int group_teardown(void **state)
{
	struct sigaction now;
	struct dt_strbuf path = DT_STRBUF_INIT;
	(void)state;

	kill(getpid(), SIGTERM);
	pthread_join(T.thread, NULL);
	assert_int_equal(T.rc, DT_OK);
	assert_int_equal(T.inits, 2);
	assert_int_equal(T.finis, 2);
	assert_int_equal(dt_server_open_connections(), 0);
	sigaction(SIGTERM, NULL, &now);
	assert_true(now.sa_handler == SIG_DFL);

	/* the stores were closed: the WAL is checkpointed away */
	dt_strbuf_addf(&path, "%s-wal", T.db);
	assert_int_equal(access(path.buf, F_OK), -1);
	unlink(T.db);
	dt_strbuf_reset(&path);
	dt_strbuf_addf(&path, "%s-shm", T.db);
	unlink(path.buf);
	rmdir(T.dir);
	dt_strbuf_release(&path);
	dt_strbuf_release(&T.err);
	return 0;
}

/* ---- tests ---- */

static void test_get(void **state)
{
	struct resp r;
	char ct[128];
	(void)state;
	request("GET", "/a/b?x=1&y=2", "X-Token: abc\r\n", 0, &r);
	assert_int_equal(r.status, 200);
	assert_true(header(&r, "content-type", ct, sizeof(ct)));
	assert_string_equal(ct, "application/json; charset=utf-8");
	assert_request_id(&r);
	assert_contains(r.body.buf, "\"method\":\"GET\"");
	assert_contains(r.body.buf, "\"path\":\"/a/b\"");
	assert_contains(r.body.buf, "\"query\":\"x=1&y=2\"");
	assert_contains(r.body.buf, "\"peer\":\"127.0.0.1\"");
	assert_contains(r.body.buf, "\"token\":\"abc\"");
	dt_strbuf_release(&r.body);
}

static void test_post_body(void **state)
{
	struct resp r;
	(void)state;
	request("POST", "/p", NULL, MAX_BODY, &r);
	assert_int_equal(r.status, 200);
	assert_contains(r.body.buf, "\"body_len\":1000");
	dt_strbuf_release(&r.body);
}

static void test_too_large(void **state)
{
	/* one byte over: read and refused by on_req; more: refused by h2o before the body */
	static const size_t sizes[] = { MAX_BODY + 1, MAX_BODY + 2, 100000 };
	(void)state;
	for (size_t i = 0; i < DT_ARRAY_SIZE(sizes); i++) {
		struct resp r;
		char ct[128];
		request("POST", "/p", NULL, sizes[i], &r);
		assert_int_equal(r.status, 413);
		assert_true(header(&r, "content-type", ct, sizeof(ct)));
		assert_string_equal(ct, "application/problem+json");
		assert_request_id(&r);
		/* the problem names the request as its instance, like the dispatcher's */
		char id[64], want[256];
		assert_true(header(&r, "x-request-id", id, sizeof(id)));
		snprintf(want, sizeof(want),
			 "{\"type\":\"about:blank\",\"title\":\"Payload Too Large\","
			 "\"status\":413,\"detail\":\"the request body is larger than "
			 "1000 bytes\",\"instance\":\"%s\",\"errors\":[]}",
			 id);
		assert_string_equal(r.body.buf, want);
		dt_strbuf_release(&r.body);
	}
}

static void test_bad_chunked(void **state)
{
	struct resp r;
	(void)state;
	request("POST", "/p", "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 0, &r);
	assert_int_equal(r.status, 400);
	assert_request_id(&r);
	assert_contains(r.body.buf, "\"status\":400");
	dt_strbuf_release(&r.body);
}

static void test_app_statuses(void **state)
{
	struct resp r;
	char v[128];
	(void)state;
	request("GET", "/nope", NULL, 0, &r);
	assert_int_equal(r.status, 404);
	assert_request_id(&r);
	assert_string_equal(r.body.buf, "{\"title\":\"Not Found\"}");
	dt_strbuf_release(&r.body);

	request("GET", "/nothing", NULL, 0, &r);
	assert_int_equal(r.status, 500);
	assert_request_id(&r);
	assert_contains(r.body.buf, "\"status\":500");
	dt_strbuf_release(&r.body);

	request("GET", "/static", NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.buf, "static\n");
	assert_true(header(&r, "cache-control", v, sizeof(v)));
	assert_string_equal(v, "max-age=60");
	assert_true(header(&r, "content-type", v, sizeof(v)));
	assert_string_equal(v, "text/plain; charset=utf-8");
	dt_strbuf_release(&r.body);
}

static void test_keep_alive(void **state)
{
	int fd = connect_to(T.port);
	static const char req[] = "GET /k HTTP/1.1\r\nHost: t\r\n\r\n";
	struct resp r1, r2;
	char id1[64], id2[64];
	(void)state;

	assert_true(fd >= 0);
	send_all(fd, req, sizeof(req) - 1);
	assert_true(read_response(fd, &r1));
	send_all(fd, req, sizeof(req) - 1);
	assert_true(read_response(fd, &r2));
	assert_int_equal(r2.status, 200);
	assert_true(header(&r1, "x-request-id", id1, sizeof(id1)));
	assert_true(header(&r2, "x-request-id", id2, sizeof(id2)));
	assert_string_not_equal(id1, id2);
	assert_true(dt_server_open_connections() >= 1);
	assert_contains(r2.body.buf, "\"conns\":");
	close(fd);
	dt_strbuf_release(&r1.body);
	dt_strbuf_release(&r2.body);

	/* the count drops once the server sees the close */
	for (int i = 0; i < 200 && dt_server_open_connections() != 0; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	assert_int_equal(dt_server_open_connections(), 0);
}

static void test_one_at_a_time(void **state)
{
	struct dt_server_opts o = { .host = "127.0.0.1",
				    .port = T.port,
				    .threads = 1,
				    .max_body = 10,
				    .db_path = T.db,
				    .keys = &T.keys };
	struct dt_strbuf err = DT_STRBUF_INIT;
	(void)state;
	assert_int_equal(dt_server_run(&o, &app, &err), DT_ECONFLICT);
	dt_strbuf_release(&err);
}

/* Run after the group: a port held by a socket without SO_REUSEPORT. */
static void test_port_in_use(void **state)
{
	struct sockaddr_in sa = { 0 };
	socklen_t len = sizeof(sa);
	struct dt_strbuf err = DT_STRBUF_INIT, want = DT_STRBUF_INIT;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	(void)state;

	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);

	struct dt_server_opts o = { .host = "127.0.0.1",
				    .port = ntohs(sa.sin_port),
				    .threads = 2,
				    .max_body = 10,
				    .db_path = "/nonexistent/x.db" };
	assert_int_equal(dt_server_run(&o, &app, &err), DT_EIO);
	dt_strbuf_addf(&want, "127.0.0.1:%d: address already in use", o.port);
	assert_string_equal(err.buf, want.buf);
	close(fd);

	o.port = 0;
	assert_int_equal(dt_server_run(&o, &app, &err), DT_EINVAL);
	o.port = 8080;
	o.host = "example.org";
	assert_int_equal(dt_server_run(&o, &app, &err), DT_EINVAL);
	dt_strbuf_release(&err);
	dt_strbuf_release(&want);
}

int main(void)
{
	const struct CMUnitTest served[] = {
		cmocka_unit_test(test_get),           cmocka_unit_test(test_post_body),
		cmocka_unit_test(test_too_large),     cmocka_unit_test(test_bad_chunked),
		cmocka_unit_test(test_app_statuses),  cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_one_at_a_time),
	};
	const struct CMUnitTest alone[] = {
		cmocka_unit_test(test_port_in_use),
	};
	int failed = cmocka_run_group_tests_name("served", served, group_setup, group_teardown);
	failed += cmocka_run_group_tests_name("alone", alone, NULL, NULL);
	return failed;
}
