/*
 * h_findings.c - supervision over HTTP: conducting an inspection, findings,
 * rectification and verification, evidence files (issue 14).
 *
 *   PATCH /api/v1/inspections/{id}          an inspector drawn for it records
 *                                           visit date, checklist, conclusion,
 *                                           files, "status": "done"
 *   GET   /api/v1/inspections/{id}/results  the inspection as conducted
 *   GET   /api/v1/findings                  list (status, severity, region,
 *                                           inspection_id, org_id, overdue,
 *                                           after, limit)
 *   POST  /api/v1/findings                  an inspector records a finding
 *   GET   /api/v1/findings/{id}             one, with its rectifications
 *   POST  /api/v1/findings/{id}/start       the organisation starts rectifying
 *   POST  /api/v1/findings/{id}/rectifications  it submits what it did
 *   POST  /api/v1/findings/{id}/decision    an inspector of the inspection
 *                                           accepts (销号) or rejects
 *   POST  /api/v1/attachments               upload a photo or PDF (?name=)
 *   GET   /api/v1/attachments/{hash}        a file, within scope
 *
 * Handlers pass the caller's account to the store, which applies scope
 * (out of scope answers 404, as missing) and the domain's rule of who may
 * act (403).  Files are served as what their content was sniffed as at
 * upload, never as the client said, with nosniff, a Content-Disposition
 * and a sandboxing Content-Security-Policy, so that nothing in a file can
 * run in the application's origin.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "domain/arg.h"
#include "domain/attachment.h"
#include "domain/finding.h"
#include "io/export.h"
#include "io/finding_xlsx.h"
#include "http/app.h"
#include "core/banned.h"

/* The caller's account, as the store's supervision functions take it. */
static const struct dt_account *caller(const struct dt_ctx *c)
{
	return &c->cred.account;
}

void dt_h_inspection_record(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_inspection_record(c->store, &c->actor, caller(c), id, c->body, &out,
					    &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_written(c, 200, out);
}

void dt_h_inspection_results(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_inspection_conducted(c->store, caller(c), id, &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, out);
}

/*
 * The list filters of the query into @flt; false after answering 422 for
 * an unknown or bad one.  @report: a report's query (the export), where
 * "lang" is known and "after" and "limit" are not.
 */
static bool finding_filter(struct dt_ctx *c, struct dt_finding_filter *flt, bool report)
{
	static const char *const known[] = { "status", "severity", "region", "inspection_id",
					     "org_id", "overdue",  "after",  "limit" };
	struct dt_problems ps = DT_PROBLEMS_INIT;
	memset(flt, 0, sizeof(*flt));
	for (int i = 0; i < c->nquery; i++) {
		const char *n = c->qname[i], *v = c->qval[i];
		bool ok = false;
		if (report && !strcmp(n, "lang"))
			continue;
		for (size_t k = 0; k < DT_ARRAY_SIZE(known) - (report ? 2 : 0) && !ok; k++)
			ok = !strcmp(n, known[k]);
		if (!ok) {
			dt_problem_add(&ps, n, "filter.unknown", "entity", "finding", NULL);
			break;
		}
		int64_t x = 0;
		if (!strcmp(n, "status")) {
			flt->status = v;
		} else if (!strcmp(n, "severity")) {
			flt->severity = v;
		} else if (!strcmp(n, "overdue")) {
			if (strcmp(v, "true") && strcmp(v, "false") && strcmp(v, "1") &&
			    strcmp(v, "0"))
				dt_problem_add(&ps, n, "type.boolean", NULL);
			flt->overdue = !strcmp(v, "true") || !strcmp(v, "1");
		} else if (!strcmp(n, "region")) {
			if (dt_arg_int64(&ps, n, v, 100000, 999999, &x) == DT_OK)
				flt->region = (int)x;
		} else if (!strcmp(n, "limit")) {
			if (dt_arg_int64(&ps, n, v, 1, 1000, &x) == DT_OK)
				flt->limit = (int)x;
		} else if (dt_arg_int64(&ps, n, v, 0, INT64_MAX, &x) == DT_OK) {
			if (!strcmp(n, "inspection_id"))
				flt->inspection_id = x;
			else if (!strcmp(n, "org_id"))
				flt->org_id = x;
			else
				flt->after = x;
		}
		if (ps.n)
			break;
	}
	if (ps.n) {
		dt_reply_problems(c, 422, &ps);
		dt_problems_release(&ps);
		return false;
	}
	return true;
}

void dt_h_finding_list(struct dt_ctx *c)
{
	struct dt_finding_filter flt;
	if (!finding_filter(c, &flt, false))
		return;
	json_t *items = NULL;
	int rc = dt_store_finding_list(c->store, caller(c), &flt, &items, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	int limit = flt.limit ? flt.limit : 100;
	json_t *next = json_null();
	if (json_array_size(items) == (size_t)limit) {
		char b[24];
		snprintf(b, sizeof(b), "%lld",
			 (long long)json_integer_value(json_object_get(
				 json_array_get(items, json_array_size(items) - 1), "id")));
		next = json_string(b);
	}
	dt_reply_json(c, 200, json_pack("{s:o, s:o}", "items", items, "next", next));
}

void dt_h_finding_create(struct dt_ctx *c)
{
	json_t *out = NULL;
	int rc = dt_store_finding_create(c->store, &c->actor, caller(c), c->body, &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	char *loc = dt_http_alloc(c->req, 64);
	snprintf(loc, 64, "/api/v1/findings/%lld",
		 (long long)json_integer_value(json_object_get(out, "id")));
	dt_http_add_header(c->res, "location", loc);
	dt_reply_written(c, 201, out);
}

void dt_h_finding_get(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_finding_get(c->store, caller(c), id, &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, out);
}

/* A rectification step by the organisation: start or submit. */
static void rectify(struct dt_ctx *c, enum dt_finding_event ev)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc = dt_store_finding_rectify(c->store, &c->actor, caller(c), id, ev, c->body, &out,
					  &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_written(c, ev == DT_FEV_SUBMIT ? 201 : 200, out);
}

void dt_h_finding_start(struct dt_ctx *c)
{
	rectify(c, DT_FEV_START);
}

void dt_h_finding_rectify(struct dt_ctx *c)
{
	rectify(c, DT_FEV_SUBMIT);
}

void dt_h_finding_decide(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *out = NULL;
	int rc =
		dt_store_finding_decide(c->store, &c->actor, caller(c), id, c->body, &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_written(c, 200, out);
}

void dt_h_attachment_upload(struct dt_ctx *c)
{
	if (!(c->perms & (DT_P_INSPECT | DT_P_RECTIFY | DT_P_PUBLICITY))) {
		dt_reply_code(c, 403, NULL, "refused.denied", NULL);
		return;
	}
	size_t len = c->req->body_len;
	if (len > DT_ATTACHMENT_MAX) {
		dt_reply_code(c, 413, NULL, "attachment.too_large", "size", DT_I(len), "max",
			      DT_I(DT_ATTACHMENT_MAX), NULL);
		return;
	}
	const unsigned char *data = (const unsigned char *)c->req->body;
	unsigned char *copy = NULL;
	if (c->req->body_fd >= 0 && len) {
		/* the server kept the upload in a file: read it back whole (at most the limit) */
		copy = dt_http_alloc(c->req, len);
		size_t got = 0;
		while (copy && got < len) {
			ssize_t n = pread(c->req->body_fd, copy + got, len - got, (off_t)got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (!copy || got != len) {
			dt_log_error("request %s: reading the upload: %s", c->req->request_id,
				     strerror(errno));
			dt_reply_code(c, 500, NULL, "http.internal", "request_id",
				      c->req->request_id, NULL);
			return;
		}
		data = copy;
	}
	json_t *out = NULL;
	int rc = dt_store_attachment_put(c->store, &c->actor, caller(c), data, len,
					 dt_query(c, "name"), &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	char *loc = dt_http_alloc(c->req, 96);
	snprintf(loc, 96, "/api/v1/attachments/%s",
		 json_string_value(json_object_get(out, "hash")));
	dt_http_add_header(c->res, "location", loc);
	dt_reply_json(c, 201, out);
}

void dt_h_attachment_get(struct dt_ctx *c)
{
	struct dt_attachment_file f = { "", DT_STRBUF_INIT, DT_STRBUF_INIT };
	dt_strbuf_init(&f.content, DT_ATTACHMENT_MAX);
	int rc = dt_store_attachment_get(c->store, caller(c), dt_param(c, "hash"), &f, &c->err);
	if (rc != DT_OK) {
		dt_strbuf_release(&f.content);
		dt_strbuf_release(&f.name);
		dt_reply_store_error(c, rc);
		return;
	}
	enum dt_attachment_type t = dt_attachment_type_of(f.mime);
	const char *mime = dt_attachment_mime(t);
	struct dt_strbuf cd = DT_STRBUF_INIT;
	dt_attachment_disposition(f.name.buf, t != DT_ATTACH_NONE && t != DT_ATTACH_PDF, &cd);
	c->res->status = 200;
	/* a stored type we no longer know is served as bytes, never rendered */
	c->res->content_type = mime ? mime : "application/octet-stream";
	c->res->body.max = DT_ATTACHMENT_MAX + 1;
	dt_strbuf_add(&c->res->body, f.content.buf, f.content.len);
	dt_http_add_header(c->res, "content-disposition", dt_http_strdup(c->req, cd.buf, cd.len));
	dt_http_add_header(c->res, "x-content-type-options", "nosniff");
	dt_http_add_header(
		c->res, "content-security-policy",
		"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
	dt_http_add_header(c->res, "cache-control", "private, no-store");
	dt_strbuf_release(&cd);
	dt_strbuf_release(&f.content);
	dt_strbuf_release(&f.name);
}

void dt_h_finding_export(struct dt_ctx *c)
{
	struct dt_finding_filter flt;
	const char *lang = dt_query(c, "lang");
	if (lang && strcmp(lang, "zh") && strcmp(lang, "en")) {
		dt_reply_code(c, 422, "lang", "http.one_of", "values", "zh|en", NULL);
		return;
	}
	if (!finding_filter(c, &flt, true))
		return;
	bool en = lang && !strcmp(lang, "en");
	json_t *items = NULL;
	int rc = dt_store_finding_report(c->store, caller(c), &flt, en, &items, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	char path[512];
	if (dt_h_temp_file(path, sizeof(path), ".xlsx") != 0) {
		json_decref(items);
		dt_log_error("request %s: no temporary file for the export", c->req->request_id);
		dt_reply_code(c, 500, NULL, "http.internal", "request_id", c->req->request_id,
			      NULL);
		return;
	}
	rc = dt_finding_xlsx(items, en, path, &c->err);
	size_t count = json_array_size(items);
	json_decref(items);
	if (rc != DT_OK) {
		unlink(path);
		dt_log_error("request %s: %s", c->req->request_id, c->err.buf);
		dt_reply_code(c, 500, NULL, "http.internal", "request_id", c->req->request_id,
			      NULL);
		return;
	}
	dt_h_send_file(c, path, DT_EXPORT_XLSX, "findings.xlsx");
	char *cnt = dt_http_alloc(c->req, 24);
	snprintf(cnt, 24, "%zu", count);
	dt_http_add_header(c->res, "x-record-count", cnt);
}
