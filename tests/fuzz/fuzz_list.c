/*
 * fuzz_list.c - the query string of the list, export and audit routes as
 * the list code parses it: percent-decoding and '+' in parse_query(),
 * dt_ctx_list_query() (limit, cursor, q, sort with its sign, filters), then
 * the store's list (src/store/crud.c: filter names and values per field
 * type, region "within", the free-text search, the sort key, the cursor's
 * own format) and the exports (CSV and XLSX, with --unmask's audit event).
 *
 * Input: byte 0 picks the route (a kind's list, its export as CSV or XLSX,
 * the audit list, the indicator and ranking routes); byte 1 the caller
 * (admin, national, city, school, enterprise, trainee, inspector, by token;
 * see fuzz.h).  The rest is the query string, after the '?'.  It goes
 * through the dispatcher with tests/fuzz/fake_http.c, as fuzz_http does,
 * but always as a GET of a route that exists, so every input reaches the
 * parsing of its parameters.
 *
 * Oracles: no 500 (invalid UTF-8 in q, a malformed cursor, an unknown
 * sort or filter are the caller's fault: 4xx), JSON answers parse, and a
 * list answer is {"items": [...], "next": string or null} with at most
 * limit items.
 */
#include "fake_http.h"
#include "http/app.h"
#include "fuzz.h"

static struct dt_http_app app;
static struct dt_http_worker worker;
static size_t nkinds;
static bool is_list; /* the route of this input answers a page */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_store(40);
	fz_make_callers();
	fz_g.restore = true; /* an unmasked export appends an audit event */
	while (dt_entities[nkinds].name)
		nkinds++;
	dt_app_init(&app);
	worker.store = fz_g.s;
	if (app.thread_init(&worker, app.ctx) != DT_OK)
		fz_die("thread_init", NULL);
	return 0;
}

static void inspect(const struct dt_http_req *req, const struct dt_http_res *res)
{
	if (getenv("FZ_DUMP"))
		fprintf(stderr, "%d %s\n%.*s\n", res->status,
			res->content_type ? res->content_type : "",
			(int)(res->body.len < 2000 ? res->body.len : 2000), res->body.buf);
	FZ_CHECK(res->status >= 200 && res->status <= 599);
	FZ_CHECK(res->status != 500);
	const char *ct = res->content_type;
	if (res->static_body || !res->body.len || (ct && strcmp(ct, "application/problem+json")))
		return;
	json_error_t je;
	json_t *j = json_loadb(res->body.buf, res->body.len, 0, &je);
	FZ_CHECK(j != NULL);
	if (is_list && res->status == 200) {
		json_t *items = json_object_get(j, "items"), *next = json_object_get(j, "next");
		FZ_CHECK(json_is_array(items));
		FZ_CHECK(json_array_size(items) <= 1000);
		/* GET /api/v1/targets is the targets in force, not a page */
		FZ_CHECK(!next ? strstr(req->path, "/targets") != NULL
			       : json_is_string(next) || json_is_null(next));
	}
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fixed[] = {
		"/api/v1/audit",    "/api/v1/indicators", "/api/v1/indicators/series",
		"/api/v1/rankings", "/api/v1/targets",    "/api/v1/jobs",
	};
	unsigned route = fz_take(&data, &size);
	unsigned who = fz_take(&data, &size);
	struct dt_strbuf target = DT_STRBUF_INIT, query = DT_STRBUF_INIT;
	size_t nroutes = nkinds * 3 + DT_ARRAY_SIZE(fixed);
	size_t r = route % nroutes;
	is_list = r < nkinds || r == nkinds * 3;
	if (r < nkinds)
		dt_strbuf_addf(&target, "/api/v1/%s?", dt_entities[r].plural);
	else if (r < nkinds * 3)
		dt_strbuf_addf(&target, "/api/v1/exports/%s.%s?", dt_entities[r % nkinds].plural,
			       r < nkinds * 2 ? "csv" : "xlsx");
	else
		dt_strbuf_addf(&target, "%s?", fixed[r - nkinds * 3]);
	fz_expand_callers(data, size, &query);
	dt_strbuf_add(&target, query.buf, query.len);

	struct fz_http_in in;
	memset(&in, 0, sizeof(in));
	in.method = "GET";
	in.method_len = 3;
	in.target = target.buf;
	in.target_len = target.len;
	/* callers with a token: admin .. inspector (the session and CSRF entries are not callers) */
	const struct fz_caller *c = &fz_callers[who % (DT_ARRAY_SIZE(fz_callers) - 2)];
	struct dt_strbuf auth = DT_STRBUF_INIT;
	dt_strbuf_addf(&auth, "Bearer %s", c->token);
	in.headers[0].name = "authorization";
	in.headers[0].value = auth.buf;
	in.headers[0].value_len = auth.len;
	in.nheaders = 1;

	fz_input_begin();
	fz_http_request(&app, &worker, &in, inspect);
	fz_input_end();
	dt_strbuf_release(&auth);
	dt_strbuf_release(&target);
	dt_strbuf_release(&query);
	return 0;
}
