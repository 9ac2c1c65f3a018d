/*
 * dispatch.c - from a request to a handler: routing, authentication,
 * permission, CSRF, body parsing, problem responses and metrics.
 *
 * Every route is in the const table of routes.c; nothing else decides what
 * a path means.  A path that matches no pattern is 404; one that matches
 * with another method is 405 with Allow.  Authentication comes from
 * "Authorization: Bearer TOKEN" or the dt_session cookie; writes made with
 * the cookie must carry the session's X-CSRF-Token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/num.h"
#include "core/utf8.h"
#include "engine/watch.h"
#include "http/app.h"
#include "http/h_ui.h"
#include "store/entity.h"
#include "core/banned.h"

static const char *db_path_global;

/* ---- small helpers ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode @s[0..n) into the request pool ('+' is a blank in queries).
 * *@len (may be NULL) receives the decoded length, which a %00 makes longer
 * than the C string.
 */
static char *decode(const struct dt_http_req *req, const char *s, size_t n, bool plus, size_t *len)
{
	char *out = dt_http_alloc(req, n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else if (plus && s[i] == '+') {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	if (len)
		*len = (size_t)(o - out);
	return out;
}

/*
 * Is decoded parameter text @s[0..n) fit to go on: well-formed UTF-8 and no
 * NUL (where a C string would end early)?  Otherwise @why says what is wrong.
 * Everything downstream - the store's binds, JSON, messages that quote the
 * value - relies on it.
 */
static bool param_text_ok(const char *s, size_t n, struct dt_strbuf *why)
{
	size_t bad = 0;
	if (memchr(s, '\0', n)) {
		dt_strbuf_adds(why, "contains a NUL character (%00)");
		return false;
	}
	if (!dt_utf8_valid(s, n, &bad)) {
		dt_strbuf_addf(why, "is not valid UTF-8 (byte %zu is 0x%02X)", bad + 1,
			       (unsigned char)s[bad]);
		return false;
	}
	return true;
}

/*
 * Reply 400 for parameter @name whose value is not fit text (@why).  The
 * name is written as sent, bytes outside printable ASCII %-encoded, so that
 * the problem names it even when the name itself is the bad text.
 */
static void bad_param(struct dt_ctx *c, const char *what, const char *name, size_t name_len,
		      const char *why)
{
	struct dt_strbuf field = DT_STRBUF_INIT, d = DT_STRBUF_INIT;
	for (size_t i = 0; i < name_len; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch > 0x20 && ch < 0x7F)
			dt_strbuf_addch(&field, (char)ch);
		else
			dt_strbuf_addf(&field, "%%%02X", ch);
	}
	dt_strbuf_addf(&d, "%s: %s %s", field.buf, what, why);
	json_t *fe = json_pack("[{s:s, s:s}]", "field", field.buf, "message", d.buf);
	dt_reply_problem(c, 400, d.buf, fe);
	json_decref(fe);
	dt_strbuf_release(&field);
	dt_strbuf_release(&d);
}

const char *dt_param(const struct dt_ctx *c, const char *name)
{
	for (int i = 0; i < c->nparams; i++)
		if (c->pname_len[i] == strlen(name) && !memcmp(c->pname[i], name, c->pname_len[i]))
			return c->pval[i];
	return NULL;
}

const char *dt_query(const struct dt_ctx *c, const char *name)
{
	for (int i = 0; i < c->nquery; i++)
		if (!strcmp(c->qname[i], name))
			return c->qval[i];
	return NULL;
}

const struct dt_scope *dt_ctx_scope(const struct dt_ctx *c)
{
	const struct dt_scope *sc = &c->cred.account.scope;
	if (!sc->region && !sc->org_id && !sc->trainee_id)
		return NULL;
	return sc;
}

static const char *status_title(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "Error";
	}
}

void dt_reply_json(struct dt_ctx *c, int status, json_t *body)
{
	c->res->status = status;
	if (body) {
		char *s = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(12));
		if (s) {
			dt_strbuf_adds(&c->res->body, s);
			free(s);
		}
		json_decref(body);
	}
}

void dt_reply_problem(struct dt_ctx *c, int status, const char *detail, json_t *errors)
{
	/* A detail quoting bad input must not cost the answer: JSON takes UTF-8 only. */
	struct dt_strbuf safe = DT_STRBUF_INIT;
	if (detail && !dt_utf8_valid(detail, strlen(detail), NULL)) {
		for (const char *p = detail; *p;) {
			uint32_t cp;
			size_t n = dt_utf8_decode(p, strlen(p), &cp);
			if (n)
				dt_strbuf_add(&safe, p, n);
			else
				dt_strbuf_addf(&safe, "\\x%02X", (unsigned char)*p);
			p += n ? n : 1;
		}
		detail = safe.buf;
	}
	json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title",
			      status_title(status), "status", status, "detail", detail ? detail : "",
			      "instance", c->req->request_id);
	dt_strbuf_release(&safe);
	json_object_set_new(p, "errors", errors ? json_deep_copy(errors) : json_array());
	dt_reply_json(c, status, p);
	c->res->content_type = "application/problem+json";
}

void dt_reply_store_error(struct dt_ctx *c, int rc)
{
	json_t *fe = dt_store_field_errors(c->store);
	switch (rc) {
	case DT_EINVAL:
		dt_reply_problem(c, 422, c->err.buf, fe);
		break;
	case DT_ENOTFOUND:
		dt_reply_problem(c, 404, "no such record", NULL);
		break;
	case DT_ECONFLICT:
		dt_reply_problem(c, 409, c->err.buf, fe);
		break;
	case DT_EDENIED:
		dt_reply_problem(c, 403, c->err.buf, NULL);
		break;
	default:
		dt_err("request %s: %s", c->req->request_id, c->err.buf);
		dt_reply_problem(c, 500, "internal error; the request id identifies it in the log", NULL);
		break;
	}
}

bool dt_ctx_id(struct dt_ctx *c, const char *name, int64_t *id)
{
	const char *v = dt_param(c, name);
	if (!v || dt_parse_int64(v, 1, INT64_MAX, id, name, NULL) != DT_OK) {
		dt_reply_problem(c, 404, "no such record", NULL);
		return false;
	}
	return true;
}

bool dt_ctx_list_query(struct dt_ctx *c, bool sortable, struct dt_query *q, const char **filters)
{
	memset(q, 0, sizeof(*q));
	q->filters = filters;
	for (int i = 0; i < c->nquery; i++) {
		const char *n = c->qname[i], *v = c->qval[i];
		if (!strcmp(n, "limit")) {
			int64_t lim;
			if (dt_parse_int64(v, 1, 1000, &lim, "limit", &c->err) != DT_OK) {
				json_t *fe = json_pack("[{s:s, s:s}]", "field", "limit", "message", c->err.buf);
				dt_reply_problem(c, 422, c->err.buf, fe);
				json_decref(fe);
				return false;
			}
			q->limit = (int)lim;
		} else if (!strcmp(n, "cursor")) {
			q->cursor = v;
		} else if (sortable && !strcmp(n, "q")) {
			q->q = v;
		} else if (sortable && !strcmp(n, "sort")) {
			q->desc = v[0] == '-';
			q->sort = v + (v[0] == '-' || v[0] == '+');
		} else {
			filters[2 * q->nfilters] = n;
			filters[2 * q->nfilters + 1] = v;
			q->nfilters++;
		}
	}
	return true;
}

void dt_reply_page(struct dt_ctx *c, int rc, json_t *items, char *next)
{
	if (rc == DT_EINVAL) {
		/* The message starts with the parameter at fault ("sort: ..."). */
		const char *colon = strchr(c->err.buf, ':');
		char *field = dt_http_strdup(c->req, c->err.buf,
					     colon ? (size_t)(colon - c->err.buf) : c->err.len);
		json_t *fe = json_pack("[{s:s, s:s}]", "field", field, "message", c->err.buf);
		dt_reply_problem(c, 422, c->err.buf, fe);
		json_decref(fe);
	} else if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
	} else {
		dt_reply_json(c, 200, json_pack("{s:o, s:o}", "items", items, "next",
						next ? json_string(next) : json_null()));
		items = NULL;
	}
	json_decref(items);
	free(next);
}

/* ---- routing ---- */

/* Is @s the plural of an entity ("trainees"), as {kind} must be? */
static bool is_kind(const char *s)
{
	const struct dt_entity *e = dt_entity_find(s);
	return e && !strcmp(e->plural, s);
}

/*
 * Match @path against @pattern, capturing {names} into @c.  The shape is
 * matched first and segments are decoded only then, so that the routes a
 * request passes on its way down the table cost a comparison each.
 */
static bool match(struct dt_ctx *c, const char *pattern, const char *path, size_t plen)
{
	const char *p = pattern, *s = path, *end = path + plen;
	const char *seg[DT_MAX_PARAMS];
	size_t seg_len[DT_MAX_PARAMS];
	int n = 0;
	while (*p && s < end) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = memchr(s, '/', (size_t)(end - s));
			if (!seg_end)
				seg_end = end;
			if (seg_end == s || n == DT_MAX_PARAMS)
				return false;
			c->pname[n] = p + 1; /* the pattern outlives the request */
			c->pname_len[n] = (size_t)(close - p - 1);
			seg[n] = s;
			seg_len[n] = (size_t)(seg_end - s);
			n++;
			p = close + 1;
			s = seg_end;
		} else if (*p++ != *s++) {
			return false;
		}
	}
	if (*p || s != end)
		return false;
	c->pbad = -1;
	for (int i = 0; i < n; i++) {
		size_t len = 0;
		c->pval[i] = decode(c->req, seg[i], seg_len[i], false, &len);
		if (c->pbad < 0 && (memchr(c->pval[i], '\0', len) || !dt_utf8_valid(c->pval[i], len, NULL)))
			c->pbad = i; /* refused once the route is known (handle) */
		/* {kind} is one of the entities' plurals, so that /api/v1/session
		 * or /api/v1/audit/verify never match a generic record route
		 * (which would add its methods to their Allow). */
		if (c->pname_len[i] == 4 && !memcmp(c->pname[i], "kind", 4) && !is_kind(c->pval[i]))
			return false;
	}
	c->nparams = n;
	return true;
}

/*
 * Decode the query string into c->qname/qval.  Every name and value must be
 * UTF-8 without NUL: otherwise replies 400 naming the parameter and returns
 * false, so that no handler, store query or message ever sees such bytes.
 */
static bool parse_query(struct dt_ctx *c)
{
	const char *q = c->req->query, *end = q ? q + c->req->query_len : NULL;
	struct dt_strbuf why = DT_STRBUF_INIT;
	bool ok = true;
	c->nquery = 0;
	while (q && q < end && ok) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(q, '=', (size_t)(stop - q));
		if (stop > q) {
			const char *kend = eq ? eq : stop;
			size_t nlen = 0, vlen = 0;
			char *name = decode(c->req, q, (size_t)(kend - q), true, &nlen);
			const char *val = eq ? decode(c->req, eq + 1, (size_t)(stop - eq - 1), true, &vlen) : "";
			if (!param_text_ok(name, nlen, &why)) {
				bad_param(c, "query parameter name", q, (size_t)(kend - q), why.buf);
				ok = false;
			} else if (!param_text_ok(val, vlen, &why)) {
				bad_param(c, "query parameter value", name, nlen, why.buf);
				ok = false;
			} else if (c->nquery < DT_MAX_QUERY) {
				c->qname[c->nquery] = name;
				c->qval[c->nquery] = val;
				c->nquery++;
			}
		}
		q = amp ? amp + 1 : end;
	}
	dt_strbuf_release(&why);
	return ok;
}

/* The value of cookie @name in the Cookie header, copied into the pool. */
static const char *cookie(const struct dt_http_req *req, const char *name)
{
	size_t len = 0, n = strlen(name);
	const char *h = dt_http_header(req, "cookie", &len);
	if (!h)
		return NULL;
	const char *p = h, *end = h + len;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == ';'))
			p++;
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;
		if ((size_t)(stop - p) > n && !memcmp(p, name, n) && p[n] == '=')
			return dt_http_strdup(req, p + n + 1, (size_t)(stop - p - n - 1));
		p = stop;
	}
	return NULL;
}

/* Authenticate the caller; false (with a reply) when credentials are bad. */
static bool authenticate(struct dt_ctx *c, bool *via_cookie)
{
	size_t len = 0;
	const char *auth = dt_http_header(c->req, "authorization", &len);
	const char *token = NULL;
	*via_cookie = false;
	if (auth) {
		if (len > 7 && !strncasecmp(auth, "Bearer ", 7))
			token = dt_http_strdup(c->req, auth + 7, len - 7);
		else {
			dt_reply_problem(c, 401, "Authorization: expected \"Bearer TOKEN\"", NULL);
			dt_http_add_header(c->res, "www-authenticate", "Bearer");
			return false;
		}
	} else if ((token = cookie(c->req, "dt_session"))) {
		*via_cookie = true;
	}
	if (!token)
		return true; /* anonymous */
	if (!dt_auth_token(c->req->worker, token, &c->cred)) {
		dt_reply_problem(c, 401, "the token or session is invalid, expired or revoked: sign in again",
				 NULL);
		dt_http_add_header(c->res, "www-authenticate", "Bearer");
		return false;
	}
	c->authed = true;
	c->perms = dt_role_perms(c->cred.account.role);
	c->actor.login = c->cred.account.login;
	c->actor.scope = dt_ctx_scope(c); /* references must be visible to the caller */
	return true;
}

/* Is @tok one of the items of the ", "-separated @list (NULL: empty)? */
static bool has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && !memcmp(p, tok, n))
			return true;
		p = comma ? comma + 2 : NULL;
	}
	return false;
}

/* Is @a the method @b?  Inline: the route table asks it for every route. */
static bool same_method(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static bool is_write(const char *m)
{
	return strcmp(m, "GET") && strcmp(m, "HEAD") && strcmp(m, "OPTIONS");
}

static void handle(struct dt_http_req *req, struct dt_http_res *res, void *ctx)
{
	(void)ctx;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct dt_ctx c;
	memset(&c, 0, sizeof(c));
	c.req = req;
	c.res = res;
	c.store = req->worker->store;
	c.actor.login = "anonymous";
	c.actor.request_id = req->request_id;
	dt_strbuf_init(&c.err, 0);
	const char *method = dt_http_strdup(req, req->method, req->method_len);
	/* Reads of one loop turn share one snapshot (turn_end closes it; a write ends it). */
	if (!strcmp(method, "GET"))
		dt_store_snapshot_begin(c.store, NULL);

	/* Find the route: the first whose method and pattern match. */
	const struct dt_route *hit = NULL;
	struct dt_strbuf allow = DT_STRBUF_INIT;
	for (const struct dt_route *r = dt_routes; r->method && !hit; r++)
		if (same_method(r->method, method) && match(&c, r->pattern, req->path, req->path_len))
			hit = r;
	/* None: the methods the path has, for a 405's Allow. */
	for (const struct dt_route *r = dt_routes; !hit && r->method; r++) {
		if (match(&c, r->pattern, req->path, req->path_len) && !has_token(allow.buf, r->method))
			dt_strbuf_addf(&allow, "%s%s", allow.len ? ", " : "", r->method);
	}
	if (!hit) {
		if (allow.len) {
			dt_http_add_header(res, "allow", dt_http_strdup(req, allow.buf, allow.len));
			dt_reply_problem(&c, 405, "this method is not allowed here", NULL);
			res->route = "(405)";
		} else if (dt_ui_serve(&c, method)) {
			res->route = "(ui)"; /* the web application (h_ui.c) */
		} else {
			dt_reply_problem(&c, 404, "no such route", NULL);
			res->route = "(404)";
		}
		goto done;
	}
	c.route = hit; /* its match was the last: the captures are its own */
	res->route = hit->pattern;
	/* The server let an upload-sized body through; only upload routes take one. */
	if (req->max_body && req->body_len > req->max_body && !(hit->flags & DT_R_UPLOAD)) {
		struct dt_strbuf d = DT_STRBUF_INIT;
		dt_strbuf_addf(&d, "the request body is larger than %zu bytes", req->max_body);
		dt_reply_problem(&c, 413, d.buf, NULL);
		dt_strbuf_release(&d);
		goto done;
	}
	if (c.pbad >= 0) {
		struct dt_strbuf why = DT_STRBUF_INIT;
		const char *v = c.pval[c.pbad];
		if (param_text_ok(v, strlen(v), &why)) /* then the fault is past a NUL */
			dt_strbuf_adds(&why, "contains a NUL character (%00)");
		bad_param(&c, "path segment", c.pname[c.pbad], c.pname_len[c.pbad], why.buf);
		dt_strbuf_release(&why);
		goto done;
	}
	if (!parse_query(&c))
		goto done;

	bool via_cookie = false;
	if (!authenticate(&c, &via_cookie))
		goto done;
	if (!(hit->flags & DT_R_PUBLIC)) {
		if (!c.authed) {
			dt_reply_problem(&c, 401, "sign in first: POST /api/v1/session, or send a bearer token",
					 NULL);
			dt_http_add_header(res, "www-authenticate", "Bearer");
			goto done;
		}
		if ((c.perms & hit->perm) != hit->perm) {
			dt_reply_problem(&c, 403, "your role may not do this", NULL);
			goto done;
		}
		if (via_cookie && is_write(method)) {
			size_t n = 0;
			const char *t = dt_http_header(req, "x-csrf-token", &n);
			if (!t || n != strlen(c.cred.csrf) || memcmp(t, c.cred.csrf, n)) {
				dt_reply_problem(&c, 403, "X-CSRF-Token: missing or wrong for this session",
						 NULL);
				goto done;
			}
		}
	}
	if (hit->flags & DT_R_BODY) {
		json_error_t je;
		if (!req->body_len) {
			dt_reply_problem(&c, 400, "a JSON object is required as the request body", NULL);
			goto done;
		}
		c.body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
		if (!c.body) {
			struct dt_strbuf d = DT_STRBUF_INIT;
			dt_strbuf_addf(&d, "the body is not valid JSON: %s (line %d, column %d)", je.text,
				       je.line, je.column);
			dt_reply_problem(&c, 400, d.buf, NULL);
			dt_strbuf_release(&d);
			goto done;
		}
		if (!json_is_object(c.body)) {
			json_t *e = json_pack("[{s:s, s:s}]", "field", "body", "message",
					      "expected a JSON object");
			dt_reply_problem(&c, 422, "expected a JSON object", e);
			json_decref(e);
			goto done;
		}
	}
	hit->handler(&c);
	if (strcmp(hit->method, "GET") && res->status >= 200 && res->status < 300)
		dt_watch_touch(); /* a change: the alert rules look at it shortly */
	if (!res->status) {
		dt_err("request %s: handler for %s set no status", req->request_id, hit->pattern);
		dt_reply_problem(&c, 500, "internal error", NULL);
	}
done:
	dt_strbuf_release(&allow);
	json_decref(c.body);
	dt_strbuf_release(&c.err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	dt_metrics_observe(res->route ? res->route : "(none)", res->status,
			   (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}

static void turn_end(struct dt_http_worker *w, void *ctx)
{
	(void)ctx;
	dt_store_snapshot_end(w->store);
}

static int thread_init(struct dt_http_worker *w, void *ctx)
{
	(void)ctx;
	w->data = dt_auth_worker_new();
	return w->data ? DT_OK : DT_ENOMEM;
}

static void thread_fini(struct dt_http_worker *w, void *ctx)
{
	(void)ctx;
	dt_auth_worker_free(w->data);
	w->data = NULL;
}

void dt_app_init(struct dt_http_app *app, const char *db_path)
{
	db_path_global = db_path;
	app->thread_init = thread_init;
	app->thread_fini = thread_fini;
	app->handle = handle;
	app->turn_end = turn_end;
	app->ctx = NULL;
}

/* ---- operational handlers ---- */

void dt_h_healthz(struct dt_ctx *c)
{
	json_t *r = NULL;
	int rc = dt_store_get(c->store, NULL, "region", 110000, 0, &r, &c->err);
	json_decref(r);
	if (rc != DT_OK) {
		dt_reply_problem(c, 503, "the database does not answer", NULL);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:s}", "status", "ok"));
}

void dt_h_metrics(struct dt_ctx *c)
{
	dt_metrics_render(&c->res->body, db_path_global);
	c->res->status = 200;
	c->res->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

void dt_h_openapi(struct dt_ctx *c)
{
	dt_reply_json(c, 200, dt_openapi_document());
}
