/*
 * dispatch.c - from a request to a handler: routing, authentication,
 * permission, CSRF, body parsing, problem responses and metrics.
 *
 * Every route is in the const table of routes.c; nothing else decides what
 * a path means.  A path that matches no pattern is 404; one that matches
 * with another method is 405 with Allow.  Authentication comes from
 * "Authorization: Bearer TOKEN" or the dt_session cookie; writes made with
 * the cookie must carry the session's X-CSRF-Token.
 *
 * Every refusal is a problem from the catalogue (domain/problem.h), worded
 * in the language of Accept-Language (Chinese when absent): the answer
 * carries the codes, so that no client reads the message to know what
 * went wrong.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "core/log.h"
#include "core/num.h"
#include "core/utf8.h"
#include "domain/arg.h"
#include "engine/watch.h"
#include "engine/deliver.h"
#include "http/app.h"
#include "http/h_ui.h"
#include "domain/entity.h"
#include "portal/portal.h"
#include "core/banned.h"

static struct dt_app_config app_config;

void dt_app_configure(const struct dt_app_config *cfg)
{
	app_config = *cfg;
}

const struct dt_app_config *dt_app_config(void)
{
	return &app_config;
}
static char *metrics_token; /* NULL: /metrics is not served (dt_app_set_metrics_token) */

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
 * NUL (where a C string would end early)?  Otherwise records in @ps, about
 * @field, what is wrong with the @where ("query_value", a catalogue word).
 * Everything downstream - the store's binds, JSON, messages that quote the
 * value - relies on it.
 */
static bool param_text_ok(const char *s, size_t n, struct dt_problems *ps, const char *field,
			  const char *where)
{
	size_t bad = 0;
	if (memchr(s, '\0', n)) {
		dt_problem_add(ps, field, "http.param_nul", "where", where, NULL);
		return false;
	}
	if (!dt_utf8_valid(s, n, &bad)) {
		char hex[3];
		snprintf(hex, sizeof(hex), "%02X", (unsigned char)s[bad]);
		dt_problem_add(ps, field, "http.param_utf8", "where", where, "byte", DT_I(bad + 1),
			       "hex", hex, NULL);
		return false;
	}
	return true;
}

/*
 * The name of a parameter as sent, bytes outside printable ASCII
 * %-encoded, so that a problem names it even when the name itself is the
 * bad text; in the request's pool.
 */
static const char *param_name(struct dt_ctx *c, const char *name, size_t name_len)
{
	struct dt_strbuf field = DT_STRBUF_INIT;
	for (size_t i = 0; i < name_len; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch > 0x20 && ch < 0x7F)
			dt_strbuf_addch(&field, (char)ch);
		else
			dt_strbuf_addf(&field, "%%%02X", ch);
	}
	char *out = dt_http_strdup(c->req, field.buf, field.len);
	dt_strbuf_release(&field);
	return out;
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

/*
 * @s as a JSON string.  Text quoting bad input must not cost the answer:
 * JSON takes UTF-8 only, so a byte that is not is written "\xNN".
 */
static json_t *json_text(const char *s)
{
	if (dt_utf8_valid(s, strlen(s), NULL))
		return json_string(s);
	struct dt_strbuf safe = DT_STRBUF_INIT;
	for (const char *p = s; *p;) {
		uint32_t cp;
		size_t n = dt_utf8_decode(p, strlen(p), &cp);
		if (n)
			dt_strbuf_add(&safe, p, n);
		else
			dt_strbuf_addf(&safe, "\\x%02X", (unsigned char)*p);
		p += n ? n : 1;
	}
	json_t *j = json_string(safe.buf);
	dt_strbuf_release(&safe);
	return j;
}

/* The problems of @ps (warnings when @warnings, errors otherwise) as JSON in @lang. */
static json_t *problems_json(const struct dt_problems *ps, bool warnings, enum dt_lang lang)
{
	json_t *a = json_array();
	for (size_t i = 0; ps && i < ps->n; i++) {
		const struct dt_problem *p = &ps->v[i];
		if (p->warning != warnings)
			continue;
		struct dt_strbuf msg = DT_STRBUF_INIT;
		dt_problem_render(p, lang, false, &msg);
		json_t *args = json_object();
		for (size_t k = 0; k < p->nargs; k++)
			json_object_set_new(args, p->key[k], json_text(p->val[k]));
		json_array_append_new(a, json_pack("{s:o, s:s, s:o, s:o}", "field",
						   p->field ? json_text(p->field) : json_null(),
						   "code", p->code, "message", json_text(msg.buf),
						   "args", args));
		dt_strbuf_release(&msg);
	}
	return a;
}

void dt_reply_problems(struct dt_ctx *c, int status, const struct dt_problems *ps)
{
	struct dt_strbuf detail = DT_STRBUF_INIT;
	if (ps)
		dt_problems_render(ps, c->lang, &detail);
	json_t *p = json_pack("{s:s, s:s, s:i, s:o, s:s}", "type", "about:blank", "title",
			      status_title(status), "status", status, "detail",
			      json_text(detail.buf), "instance", c->req->request_id);
	dt_strbuf_release(&detail);
	json_object_set_new(p, "errors", problems_json(ps, false, c->lang));
	dt_reply_json(c, status, p);
	c->res->content_type = "application/problem+json";
}

void dt_reply_code(struct dt_ctx *c, int status, const char *field, const char *code, ...)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	va_list ap;
	va_start(ap, code);
	dt_problem_addv(&ps, field, code, ap);
	va_end(ap);
	dt_reply_problems(c, status, &ps);
	dt_problems_release(&ps);
}

/* The status of a refusal of kind @rc. */
static int kind_status(int rc)
{
	switch (rc) {
	case DT_EINVAL: return 422;
	case DT_ENOTFOUND: return 404;
	case DT_ECONFLICT: return 409;
	case DT_EDENIED: return 403;
	default: return 500;
	}
}

void dt_reply_store_error(struct dt_ctx *c, int rc)
{
	const struct dt_problems *ps = dt_store_problems(c->store);
	int status = kind_status(rc);
	if (status == 500) {
		dt_log_error("request %s: %s", c->req->request_id, c->err.buf);
		dt_reply_code(c, 500, NULL, "http.internal", "request_id", c->req->request_id,
			      NULL);
	} else if (rc == DT_ENOTFOUND) {
		dt_reply_code(c, 404, NULL, "record.not_found", NULL); /* whatever was not found */
	} else if (dt_problems_errors(ps)) {
		dt_reply_problems(c, status, ps);
	} else {
		/*
		 * A refusal that recorded no problem: worded by its kind only, the
		 * store's English detail kept for the log.
		 */
		dt_info("request %s: %s", c->req->request_id, c->err.buf);
		dt_reply_code(c, status, NULL,
			      rc == DT_ECONFLICT ? "refused.conflict"
			      : rc == DT_EDENIED ? "refused.denied"
						 : "refused.invalid",
			      NULL);
	}
}

void dt_reply_written(struct dt_ctx *c, int status, json_t *body)
{
	const struct dt_problems *ps = dt_store_problems(c->store);
	if (json_is_object(body) && ps && ps->n > dt_problems_errors(ps))
		json_object_set_new(body, "warnings", problems_json(ps, true, c->lang));
	dt_reply_json(c, status, body);
}

bool dt_ctx_id(struct dt_ctx *c, const char *name, int64_t *id)
{
	const char *v = dt_param(c, name);
	if (!v || dt_arg_int64(NULL, name, v, 1, INT64_MAX, id) != DT_OK) {
		dt_reply_code(c, 404, NULL, "record.not_found", NULL);
		return false;
	}
	return true;
}

bool dt_ctx_file_lang(struct dt_ctx *c, enum dt_lang *lang)
{
	const char *v = dt_query(c, "lang");
	*lang = c->lang;
	if (!v)
		return true;
	if (!strcmp(v, "zh"))
		*lang = DT_LANG_ZH;
	else if (!strcmp(v, "en"))
		*lang = DT_LANG_EN;
	else {
		dt_reply_code(c, 422, "lang", "http.one_of", "values", "zh|en", NULL);
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
			struct dt_problems ps = DT_PROBLEMS_INIT;
			if (dt_arg_int64(&ps, "limit", v, 1, 1000, &lim) != DT_OK) {
				dt_reply_problems(c, 422, &ps);
				dt_problems_release(&ps);
				return false;
			}
			q->limit = (int)lim;
		} else if (!strcmp(n, "cursor")) {
			q->cursor = v;
		} else if (!strcmp(n, "offset")) {
			struct dt_problems ps = DT_PROBLEMS_INIT;
			if (dt_arg_int64(&ps, "offset", v, 0, DT_LIST_OFFSET_MAX, &q->offset) !=
			    DT_OK) {
				dt_reply_problems(c, 422, &ps);
				dt_problems_release(&ps);
				return false;
			}
		} else if (!strcmp(n, "total")) {
			q->total = !strcmp(v, "1") || !strcmp(v, "true");
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

void dt_reply_page_total(struct dt_ctx *c, int rc, json_t *items, char *next, int64_t total)
{
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
	} else {
		json_t *page = json_pack("{s:o, s:o}", "items", items, "next",
					 next ? json_string(next) : json_null());
		if (total >= 0)
			json_object_set_new(page, "total", json_integer(total));
		dt_reply_json(c, 200, page);
		items = NULL;
	}
	json_decref(items);
	free(next);
}

void dt_reply_page(struct dt_ctx *c, int rc, json_t *items, char *next)
{
	dt_reply_page_total(c, rc, items, next, -1);
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
		if (c->pbad < 0 &&
		    (memchr(c->pval[i], '\0', len) || !dt_utf8_valid(c->pval[i], len, NULL)))
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
	struct dt_problems why = DT_PROBLEMS_INIT;
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
			const char *val =
				eq ? decode(c->req, eq + 1, (size_t)(stop - eq - 1), true, &vlen)
				   : "";
			if (!param_text_ok(name, nlen, &why, param_name(c, q, (size_t)(kend - q)),
					   "query_name") ||
			    !param_text_ok(val, vlen, &why, param_name(c, name, nlen),
					   "query_value")) {
				dt_reply_problems(c, 400, &why);
				ok = false;
			} else if (c->nquery < DT_MAX_QUERY) {
				c->qname[c->nquery] = name;
				c->qval[c->nquery] = val;
				c->nquery++;
			}
		}
		q = amp ? amp + 1 : end;
	}
	dt_problems_release(&why);
	return ok;
}

/* The value of cookie @name in the Cookie header @h (@len bytes); *@vlen its length. */
static const char *cookie_in(const char *h, size_t len, const char *name, size_t *vlen)
{
	size_t n = strlen(name);
	const char *p = h, *end = h + len;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == ';'))
			p++;
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;
		if ((size_t)(stop - p) > n && !memcmp(p, name, n) && p[n] == '=') {
			*vlen = (size_t)(stop - p - n - 1);
			return p + n + 1;
		}
		p = stop;
	}
	return NULL;
}

/* The value of cookie @name in the Cookie header, copied into the pool. */
static const char *cookie(const struct dt_http_req *req, const char *name)
{
	size_t len = 0, vlen = 0;
	const char *h = dt_http_header(req, "cookie", &len);
	const char *v = h ? cookie_in(h, len, name, &vlen) : NULL;
	return v ? dt_http_strdup(req, v, vlen) : NULL;
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
			dt_reply_code(c, 401, NULL, "http.bearer_expected", NULL);
			dt_http_add_header(c->res, "www-authenticate", "Bearer");
			return false;
		}
	} else if ((token = cookie(c->req, "dt_session"))) {
		*via_cookie = true;
	}
	if (!token)
		return true; /* anonymous */
	if (!dt_auth_token(c->req->worker, token, &c->cred)) {
		dt_reply_code(c, 401, NULL, "http.token_invalid", NULL);
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

/* Trim blanks at both ends of @s[0..*n); the start. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && (*s == ' ' || *s == '\t'))
		s++, (*n)--;
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

const char *dt_ctx_client(struct dt_ctx *c)
{
	size_t n = 0;
	const char *xff =
		app_config.trust_proxy ? dt_http_header(c->req, "x-forwarded-for", &n) : NULL;
	if (xff) {
		/* the last hop is the one our proxy added; the ones before it, the client wrote */
		const char *comma = memrchr(xff, ',', n);
		const char *last = comma ? comma + 1 : xff;
		size_t len = n - (size_t)(last - xff);
		last = trim(last, &len);
		char *addr = dt_http_strdup(c->req, last, len);
		unsigned char bin[sizeof(struct in6_addr)];
		if (inet_pton(AF_INET, addr, bin) == 1 || inet_pton(AF_INET6, addr, bin) == 1)
			return addr;
	}
	return dt_http_peer(c->req);
}

bool dt_ctx_https(struct dt_ctx *c)
{
	if (app_config.public_url && !strncasecmp(app_config.public_url, "https://", 8))
		return true;
	size_t n = 0;
	const char *p =
		app_config.trust_proxy ? dt_http_header(c->req, "x-forwarded-proto", &n) : NULL;
	if (!p)
		return false;
	const char *comma = memchr(p, ',', n); /* several proxies: the first is the client's */
	size_t len = comma ? (size_t)(comma - p) : n;
	p = trim(p, &len);
	return len == 5 && !strncasecmp(p, "https", 5);
}

/*
 * The origin the server is reached at: the --public-url's scheme and
 * authority, else the Host header with http (https behind a trusted proxy
 * that says so).  NULL when it cannot be told (no Host).
 */
static const char *own_origin(struct dt_ctx *c)
{
	const char *u = app_config.public_url;
	if (u) {
		const char *host = strstr(u, "://");
		const char *end = host ? strchr(host + 3, '/') : NULL;
		return dt_http_strdup(c->req, u, end ? (size_t)(end - u) : strlen(u));
	}
	size_t n = 0;
	const char *host = dt_http_header(c->req, "host", &n);
	if (!host || !n)
		return NULL;
	struct dt_strbuf o = DT_STRBUF_INIT;
	dt_strbuf_addf(&o, "%s://%.*s", dt_ctx_https(c) ? "https" : "http", (int)n, host);
	const char *out = dt_http_strdup(c->req, o.buf, o.len);
	dt_strbuf_release(&o);
	return out;
}

/*
 * A write no other site may lead a browser to make (sign-in, where there is
 * no session and so no CSRF token yet): the body must be declared JSON,
 * which no HTML form and no "simple" cross-site fetch can send, and an
 * Origin header, when there is one, must be the server's own.  False after
 * replying 415 or 403.
 */
static bool same_origin_write(struct dt_ctx *c)
{
	size_t n = 0;
	const char *ct = dt_http_header(c->req, "content-type", &n);
	const char *semi = ct ? memchr(ct, ';', n) : NULL;
	size_t mlen = semi ? (size_t)(semi - ct) : n;
	const char *media = ct ? trim(ct, &mlen) : NULL;
	if (!media || mlen != 16 || strncasecmp(media, "application/json", 16)) {
		dt_reply_code(c, 415, NULL, "http.content_type", NULL);
		return false;
	}
	const char *origin = dt_http_header(c->req, "origin", &n);
	if (origin) {
		const char *own = own_origin(c);
		if (!own || strlen(own) != n || strncasecmp(own, origin, n)) {
			dt_reply_code(c, 403, NULL, "http.origin", NULL);
			return false;
		}
	}
	return true;
}

/* ---- body limits ---- */

/*
 * Does @path (@plen bytes, no query) have the shape of @pattern, with any
 * {kind} an entity's plural?  match() without the captures: the server asks
 * before there is a request to keep them in.
 */
static bool match_shape(const char *pattern, const char *path, size_t plen)
{
	const char *p = pattern, *s = path, *end = path + plen;
	while (*p && s < end) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = memchr(s, '/', (size_t)(end - s));
			if (!seg_end)
				seg_end = end;
			if (seg_end == s)
				return false;
			if (close - p - 1 == 4 && !memcmp(p + 1, "kind", 4)) {
				char kind[64];
				size_t k = 0;
				for (const char *t = s; t < seg_end; t++) {
					if (k + 1 >= sizeof(kind))
						return false; /* longer than any kind */
					if (*t == '%' && t + 2 < seg_end && hexval(t[1]) >= 0 &&
					    hexval(t[2]) >= 0) {
						kind[k++] =
							(char)(hexval(t[1]) * 16 + hexval(t[2]));
						t += 2;
					} else {
						kind[k++] = *t;
					}
				}
				kind[k] = '\0';
				if (!is_kind(kind))
					return false;
			}
			p = close + 1;
			s = seg_end;
		} else if (*p++ != *s++) {
			return false;
		}
	}
	return !*p && s == end;
}

/* The limit of route @r (see DT_R_OPT_BODY in app.h); @signed_in: the caller's credential is valid. */
static size_t route_limit(const struct dt_route *r, size_t max_body, size_t max_upload,
			  bool signed_in)
{
	if (r->flags & DT_R_UPLOAD)
		return signed_in ? max_upload : max_body;
	if (r->flags & (DT_R_BODY | DT_R_OPT_BODY))
		return max_body;
	return 0;
}

/* Is the credential of head @h (bearer token or session cookie) valid? */
static bool head_signed_in(const struct dt_http_head *h)
{
	char token[256];
	const char *t = NULL;
	size_t n = 0;
	struct dt_credential cred;

	if (h->authorization) {
		if (h->authorization_len > 7 && !strncasecmp(h->authorization, "Bearer ", 7)) {
			t = h->authorization + 7;
			n = h->authorization_len - 7;
		}
	} else if (h->cookie) {
		t = cookie_in(h->cookie, h->cookie_len, "dt_session", &n);
	}
	if (t == NULL || n == 0 || n >= sizeof(token) || h->worker == NULL)
		return false;
	memcpy(token, t, n);
	token[n] = '\0';
	return dt_auth_token(h->worker, token, &cred);
}

/* Could @path (length @n) be a route's: under /api/, or /healthz, /metrics? */
static bool is_route_path(const char *path, size_t n)
{
	return (n >= 5 && !memcmp(path, "/api/", 5)) || (n == 4 && !memcmp(path, "/api", 4)) ||
	       (n == 8 && !memcmp(path, "/healthz", 8)) || (n == 8 && !memcmp(path, "/metrics", 8));
}

size_t dt_app_body_limit(struct dt_http_head *h, void *ctx)
{
	(void)ctx;
	const char *q = memchr(h->path, '?', h->path_len);
	size_t plen = q ? (size_t)(q - h->path) : h->path_len;
	if (!is_route_path(h->path, plen))
		return h->max_body; /* the application's files and the portal's pages */
	for (const struct dt_route *r = dt_routes; r->method; r++) {
		if (strlen(r->method) != h->method_len ||
		    memcmp(r->method, h->method, h->method_len) ||
		    !match_shape(r->pattern, h->path, plen))
			continue;
		bool upload = r->flags & DT_R_UPLOAD;
		h->to_file = upload;
		return route_limit(r, h->max_body, h->max_upload, upload && head_signed_in(h));
	}
	return h->max_body; /* no route: a 404 or 405, told after a small body at most */
}

/* Has the handler given response header @name (lower case)? */
static bool has_header(const struct dt_http_res *res, const char *name)
{
	for (int i = 0; i < res->nheaders; i++)
		if (!strcmp(res->headers[i].name, name))
			return true;
	return false;
}

/*
 * Headers of every answer but the web application's (which sets its own):
 * nosniff, so that no browser reads JSON or CSV as anything else; and
 * no-store on every answer under /api/v1 but those of public routes (sign-in
 * sets its own): records, exports, job reports and errors alike may carry
 * personal data that no cache should keep.
 */
static void secure_headers(struct dt_ctx *c)
{
	struct dt_http_res *res = c->res;
	if (res->route && !strcmp(res->route, "(ui)"))
		return;
	if (!has_header(res, "x-content-type-options"))
		dt_http_add_header(res, "x-content-type-options", "nosniff");
	bool api = c->req->path_len >= 8 && !memcmp(c->req->path, "/api/v1/", 8);
	if (api && !(c->route && (c->route->flags & DT_R_PUBLIC)) &&
	    !has_header(res, "cache-control"))
		dt_http_add_header(res, "cache-control", "no-store");
}

static void render_metrics(struct dt_ctx *c);

/* The language of @req's answers: its Accept-Language, Chinese when absent. */
static enum dt_lang request_lang(const struct dt_http_req *req)
{
	size_t n = 0;
	const char *h = dt_http_header(req, "accept-language", &n);
	return dt_lang_accept(h ? dt_http_strdup(req, h, n) : NULL);
}

static void handle(struct dt_http_req *req, struct dt_http_res *res, void *ctx)
{
	(void)ctx;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct dt_ctx c;
	memset(&c, 0, sizeof(c));
	c.started = t0;
	c.req = req;
	c.res = res;
	c.store = req->worker->store;
	c.actor.login = "anonymous";
	c.actor.request_id = req->request_id;
	dt_strbuf_init(&c.err, 0);
	c.lang = request_lang(req);
	dt_store_problems_clear(c.store);
	const char *method = dt_http_strdup(req, req->method, req->method_len);
	const struct dt_route *hit = NULL;
	struct dt_strbuf allow = DT_STRBUF_INIT;
	/* The metrics listener (serve --metrics-listen) serves /metrics and nothing else. */
	if (req->metrics_listener) {
		if (!strcmp(method, "GET") && req->path_len == 8 &&
		    !memcmp(req->path, "/metrics", 8)) {
			render_metrics(&c);
			res->route = "/metrics";
		} else {
			dt_reply_code(&c, 404, NULL, "http.listener", "method", "GET", "path",
				      "/metrics", NULL);
			res->route = "(404)";
		}
		goto out;
	}
	/* Every route is under /api/, or /healthz or /metrics: any other path is the web
	 * application's (h_ui.c) or the public portal's (src/portal), found without
	 * matching the route table twice (its pages are answered as fast as files). */
	if (!is_route_path(req->path, req->path_len)) {
		if (dt_ui_serve(&c, method)) {
			res->route = "(ui)";
		} else if (dt_portal_serve(&c, method, true)) {
			res->route = res->status == 404 ? "(404)" : "(portal)";
		} else {
			dt_reply_code(&c, 404, NULL, "http.not_found", NULL);
			res->route = "(404)";
		}
		goto out;
	}
	/* Find the route: the first whose method and pattern match. */
	for (const struct dt_route *r = dt_routes; r->method && !hit; r++)
		if (same_method(r->method, method) &&
		    match(&c, r->pattern, req->path, req->path_len))
			hit = r;
	/* None: the methods the path has, for a 405's Allow. */
	for (const struct dt_route *r = dt_routes; !hit && r->method; r++) {
		if (match(&c, r->pattern, req->path, req->path_len) &&
		    !has_token(allow.buf, r->method))
			dt_strbuf_addf(&allow, "%s%s", allow.len ? ", " : "", r->method);
	}
	if (!hit) {
		if (allow.len) {
			dt_http_add_header(res, "allow", dt_http_strdup(req, allow.buf, allow.len));
			dt_reply_code(&c, 405, NULL, "http.method", NULL);
			res->route = "(405)";
		} else {
			dt_reply_code(&c, 404, NULL, "http.not_found", NULL);
			res->route = "(404)";
		}
		goto out;
	}
	/* Reads of one loop turn share one snapshot (turn_end closes it; a write ends it).
	 * Only the routes' reads: the web application's files and the portal's cached
	 * pages need none (on PostgreSQL a BEGIN is a round trip). */
	if (!strcmp(method, "GET"))
		dt_store_snapshot_begin(c.store, NULL);
	c.route = hit; /* its match was the last: the captures are its own */
	res->route = hit->pattern;
	if (c.pbad >= 0) {
		struct dt_problems why = DT_PROBLEMS_INIT;
		const char *v = c.pval[c.pbad],
			   *name = param_name(&c, c.pname[c.pbad], c.pname_len[c.pbad]);
		if (param_text_ok(v, strlen(v), &why, name,
				  "path_segment")) /* the fault is past a NUL */
			dt_problem_add(&why, name, "http.param_nul", "where", "path_segment", NULL);
		dt_reply_problems(&c, 400, &why);
		dt_problems_release(&why);
		goto out;
	}
	if (!parse_query(&c))
		goto out;

	if ((hit->flags & DT_R_SAME_ORIGIN) && !same_origin_write(&c))
		goto out;
	bool via_cookie = false;
	if (!(hit->flags & DT_R_OWN_AUTH) && !authenticate(&c, &via_cookie))
		goto out;
	/* The server refused larger bodies before reading them, give or take a byte. */
	size_t limit = route_limit(hit, req->max_body, req->max_upload, c.authed);
	if (req->body_len > limit) {
		if (limit == 0)
			dt_reply_code(&c, 413, NULL, "http.no_body", NULL);
		else
			dt_reply_code(&c, 413, NULL, "http.body_too_large", "max", DT_I(limit),
				      NULL);
		goto out;
	}
	if (!(hit->flags & DT_R_PUBLIC)) {
		if (!c.authed) {
			dt_reply_code(&c, 401, NULL, "http.sign_in", "method", "POST", "path",
				      "/api/v1/session", NULL);
			dt_http_add_header(res, "www-authenticate", "Bearer");
			goto out;
		}
		/* after a reset or before activation: nothing but the new password */
		if (c.cred.account.must_change && !(hit->flags & DT_R_BEFORE_PASSWORD)) {
			dt_reply_code(&c, 403, NULL, "account.must_change_password", NULL);
			goto out;
		}
		if ((c.perms & hit->perm) != hit->perm) {
			dt_reply_code(&c, 403, NULL, "http.role", NULL);
			goto out;
		}
		if (via_cookie && is_write(method)) {
			size_t n = 0;
			const char *t = dt_http_header(req, "x-csrf-token", &n);
			if (!t || n != strlen(c.cred.csrf) || memcmp(t, c.cred.csrf, n)) {
				dt_reply_code(&c, 403, NULL, "http.csrf", NULL);
				goto out;
			}
		}
	}
	if (hit->flags & DT_R_BODY) {
		json_error_t je;
		if (!req->body_len) {
			dt_reply_code(&c, 400, NULL, "http.body_required", NULL);
			goto out;
		}
		c.body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
		if (!c.body) {
			dt_reply_code(&c, 400, NULL, "http.body_json", "line", DT_I(je.line),
				      "column", DT_I(je.column), "reason", je.text, NULL);
			goto out;
		}
		if (!json_is_object(c.body)) {
			dt_reply_code(&c, 422, "body", "type.object", NULL);
			goto out;
		}
	}
	/* What the store shows of personal data depends on pii:read: set for every route here. */
	struct dt_viewer viewer = { (c.perms & DT_P_PII) != 0, c.cred.account.scope.trainee_id };
	dt_store_set_viewer(c.store, &viewer);
	hit->handler(&c);
	dt_store_set_viewer(c.store, &(struct dt_viewer){ .pii = false, .own_trainee = 0 });
	if (res->deferred)
		goto deferred; /* dt_ctx_resume() finishes and measures it */
	if (strcmp(hit->method, "GET") && res->status >= 200 && res->status < 300) {
		dt_watch_touch();    /* a change: the alert rules look at it shortly */
		dt_deliver_touch();  /* and it may have queued a notification */
		dt_portal_changed(); /* and touched what the portal shows */
	}
	if (!res->status) {
		dt_log_error("request %s: handler for %s set no status", req->request_id,
			     hit->pattern);
		dt_reply_code(&c, 500, NULL, "http.internal", "request_id", req->request_id, NULL);
	}
out:
	secure_headers(&c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	dt_metrics_observe(res->route ? res->route : "(none)", res->status,
			   (double)(t1.tv_sec - t0.tv_sec) +
				   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
deferred:
	dt_strbuf_release(&allow);
	json_decref(c.body);
	dt_strbuf_release(&c.err);
}

/* ---- deferred replies ---- */

struct dt_deferred {
	struct dt_http_ticket *ticket;
	const struct dt_route *route;
	struct timespec started;
	void (*fn)(struct dt_ctx *c, void *arg);
	void *arg;
};

struct dt_deferred *dt_ctx_defer(struct dt_ctx *c)
{
	struct dt_deferred *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->ticket = dt_http_defer(c->req, c->res);
	if (!d->ticket) {
		free(d);
		return NULL;
	}
	d->route = c->route;
	d->started = c->started;
	return d;
}

/* On the request's worker thread: a fresh context, the callback, the checks and metrics of handle(). */
static void resumed(struct dt_http_req *req, struct dt_http_res *res, void *arg)
{
	struct dt_deferred *d = arg;
	struct dt_ctx c;
	struct timespec t1;
	if (!req) {
		d->fn(NULL, d->arg);
		free(d);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.req = req;
	c.res = res;
	c.store = req->worker->store;
	c.route = d->route;
	c.started = d->started;
	c.actor.login = "anonymous";
	c.actor.request_id = req->request_id;
	dt_strbuf_init(&c.err, 0);
	c.lang = request_lang(req);
	dt_store_problems_clear(c.store);
	res->deferred = false;
	d->fn(&c, d->arg);
	if (!res->status) {
		dt_log_error("request %s: deferred handler for %s set no status", req->request_id,
			     d->route->pattern);
		dt_reply_code(&c, 500, NULL, "http.internal", "request_id", req->request_id, NULL);
	}
	secure_headers(&c);
	json_decref(c.body);
	dt_strbuf_release(&c.err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	dt_metrics_observe(d->route->pattern, res->status,
			   (double)(t1.tv_sec - d->started.tv_sec) +
				   (double)(t1.tv_nsec - d->started.tv_nsec) / 1e9);
	free(d);
}

void dt_ctx_resume(struct dt_deferred *d, void (*fn)(struct dt_ctx *c, void *arg), void *arg)
{
	d->fn = fn;
	d->arg = arg;
	dt_http_resume(d->ticket, resumed, d);
}

void dt_ctx_resume_soon(struct dt_deferred *d, void (*fn)(struct dt_ctx *c, void *arg), void *arg)
{
	d->fn = fn;
	d->arg = arg;
	dt_http_soon(d->ticket, resumed, d);
}

static void sent_as_is(struct dt_ctx *c, void *arg)
{
	(void)c;
	(void)arg;
}

void dt_ctx_reply_later(struct dt_ctx *c)
{
	struct dt_deferred *d = dt_ctx_defer(c);
	if (!d)
		return; /* out of memory: the reply goes now */
	d->fn = sent_as_is;
	dt_http_delay(d->ticket, resumed, d);
}

static void turn_end(struct dt_http_worker *w, void *ctx)
{
	(void)ctx;
	dt_store_snapshot_end(w->store);
}

static enum dt_err thread_init(struct dt_http_worker *w, void *ctx)
{
	(void)ctx;
	w->data = dt_auth_worker_new();
	if (!w->data)
		return DT_ENOMEM;
	int rc = dt_signin_start();
	if (rc != DT_OK) {
		dt_auth_worker_free(w->data);
		w->data = NULL;
	}
	return rc;
}

static void thread_fini(struct dt_http_worker *w, void *ctx)
{
	(void)ctx;
	if (!w->data)
		return;
	dt_signin_stop();
	dt_auth_worker_free(w->data);
	w->data = NULL;
}

void dt_app_init(struct dt_http_app *app)
{
	app->thread_init = thread_init;
	app->thread_fini = thread_fini;
	app->handle = handle;
	app->body_limit = dt_app_body_limit;
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
		dt_reply_code(c, 503, NULL, "http.database", NULL);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:s}", "status", "ok"));
}

void dt_app_set_metrics_token(const char *token)
{
	free(metrics_token);
	metrics_token = token ? strdup(token) : NULL;
}

/*
 * /metrics on the main listener: 404 unless a token is configured, as if
 * there were no such route; then 401 without "Authorization: Bearer TOKEN"
 * (compared in constant time).  The metrics listener, which only those who
 * can reach its address reach, serves it without one.  Request counts and latencies say how the service is
 * used and how loaded it is: not for anyone who can reach the port.
 */
void dt_h_metrics(struct dt_ctx *c)
{
	if (!metrics_token) {
		dt_reply_code(c, 404, NULL, "http.not_found", NULL);
		c->res->route = "(404)";
		return;
	}
	size_t len = 0, n = strlen(metrics_token);
	const char *auth = dt_http_header(c->req, "authorization", &len);
	if (!auth || len != 7 + n || strncasecmp(auth, "Bearer ", 7) ||
	    sodium_memcmp(auth + 7, metrics_token, n) != 0) {
		dt_reply_code(c, 401, NULL, "http.metrics_token", "path", "/metrics", NULL);
		dt_http_add_header(c->res, "www-authenticate", "Bearer");
		return;
	}
	render_metrics(c);
}

static void render_metrics(struct dt_ctx *c)
{
	dt_metrics_render(&c->res->body, c->store);
	c->res->status = 200;
	c->res->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

void dt_h_openapi(struct dt_ctx *c)
{
	dt_reply_json(c, 200, dt_openapi_document());
}
