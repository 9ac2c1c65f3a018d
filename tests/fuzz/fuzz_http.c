/*
 * fuzz_http.c - the request dispatcher (src/http/dispatch.c) and every
 * handler behind it, called as the server calls it (http.h's dt_http_app)
 * with the h2o side replaced by tests/fuzz/fake_http.c: routing and 404 /
 * 405, path parameters and their percent-decoding, the query string,
 * Authorization (Bearer, case, junk), the session cookie among other
 * cookies, CSRF on cookie writes, the JSON body, and each handler with
 * whatever passes those.
 *
 * Input, as text: a request line "METHOD TARGET", header lines "Name:
 * value", an empty line, and the body (line ends "\n" or "\r\n").  "@A"
 * ... "@X" stand for the callers' tokens (see fz_callers in fuzz.h), so
 * that the fuzzer gets past authentication as every role.  Handlers open
 * and commit their own transactions: writes go through, and the database
 * is put back after each input that wrote (fz_g.restore, fuzz.h).
 *
 * Not here: POST /api/v1/session (sign-in hashes the password with
 * argon2id, a tenth of a second by design: the harness skips it), the
 * body-size checks of server.c (before the dispatcher), and imports as
 * jobs (no job workers run: the route answers that; fuzz_import covers
 * the import itself).
 *
 * Oracles: every response has a status from 200 to 599 and never a 500
 * (a 500 is the server failing on input: an internal error is a bug);
 * JSON responses (application/json, problem+json) with a body parse.
 */
#include "fake_http.h"
#include "http/app.h"
#include "fuzz.h"

static struct dt_http_app app;
static struct dt_http_worker worker;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_store(40);
	fz_make_callers();
	fz_g.restore = true;
	dt_app_init(&app);
	worker.store = fz_g.s;
	if (app.thread_init(&worker, app.ctx) != DT_OK)
		fz_die("thread_init", NULL);
	return 0;
}

static void inspect(const struct dt_http_req *req, const struct dt_http_res *res)
{
	(void)req;
	if (getenv("FZ_DUMP"))
		fprintf(stderr, "%d %s\n%.*s\n", res->status,
			res->content_type ? res->content_type : "",
			(int)(res->body.len < 2000 ? res->body.len : 2000), res->body.buf);
	FZ_CHECK(res->status >= 200 && res->status <= 599);
	FZ_CHECK(res->status != 500);
	const char *ct = res->content_type;
	if (!res->static_body && res->body.len &&
	    (!ct || !strcmp(ct, "application/problem+json"))) {
		json_error_t je;
		json_t *j = json_loadb(res->body.buf, res->body.len, 0, &je);
		FZ_CHECK(j != NULL);
		json_decref(j);
	}
}

/* Split @s at the first "\n" (dropping a "\r" before it): the line, and *@rest after it. */
static const char *line(const char *s, const char *end, size_t *len, const char **rest)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	const char *stop = nl ? nl : end;
	*rest = nl ? nl + 1 : end;
	if (stop > s && stop[-1] == '\r')
		stop--;
	*len = (size_t)(stop - s);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dt_strbuf text = DT_STRBUF_INIT, err = DT_STRBUF_INIT;
	fz_expand_callers(data, size, &text);
	const char *p = text.buf, *end = text.buf + text.len, *rest;
	struct fz_http_in in;
	memset(&in, 0, sizeof(in));

	/* "METHOD TARGET" */
	size_t n;
	const char *l = line(p, end, &n, &rest);
	const char *sp = memchr(l, ' ', n);
	if (!sp || sp == l)
		goto out;
	in.method = l;
	in.method_len = (size_t)(sp - l);
	in.target = sp + 1;
	in.target_len = n - in.method_len - 1;
	if (!in.target_len || in.target[0] != '/')
		goto out; /* h2o gives the dispatcher absolute paths only */
	if (in.method_len == 4 && !memcmp(in.method, "POST", 4) && in.target_len >= 15 &&
	    !memcmp(in.target, "/api/v1/session", 15) &&
	    (in.target_len == 15 || in.target[15] == '?'))
		goto out; /* sign-in: argon2id by design (see above) */
	p = rest;

	/* headers until an empty line; names are lower-cased as h2o does */
	char names[FZ_HTTP_MAX_HEADERS][64];
	while (p < end) {
		l = line(p, end, &n, &rest);
		p = rest;
		if (!n)
			break;
		const char *colon = memchr(l, ':', n);
		if (!colon || colon == l || (size_t)(colon - l) >= sizeof(names[0]) ||
		    in.nheaders == FZ_HTTP_MAX_HEADERS)
			continue;
		size_t nl = (size_t)(colon - l);
		for (size_t i = 0; i < nl; i++)
			names[in.nheaders][i] =
				(char)((l[i] >= 'A' && l[i] <= 'Z') ? l[i] + 32 : l[i]);
		names[in.nheaders][nl] = '\0';
		const char *v = colon + 1, *vend = l + n;
		while (v < vend && (*v == ' ' || *v == '\t'))
			v++;
		in.headers[in.nheaders].name = names[in.nheaders];
		in.headers[in.nheaders].value = v;
		in.headers[in.nheaders].value_len = (size_t)(vend - v);
		in.nheaders++;
	}
	in.body = p;
	in.body_len = (size_t)(end - p);

	fz_input_begin();
	fz_http_request(&app, &worker, &in, inspect);
	fz_input_end();
out:
	dt_strbuf_release(&text);
	dt_strbuf_release(&err);
	return 0;
}
