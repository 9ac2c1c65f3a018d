/*
 * h_documents.c - the printed documents over HTTP (doc/doc.h):
 *
 *   GET /api/v1/contracts/{id}/pdf          the three-party contract
 *   GET /api/v1/contracts/{id}/book.pdf     its record book
 *   GET /api/v1/reports/{region}/{year}.pdf the annual report of a pilot region
 *
 * Each is read like the record it prints: a contract outside the caller's
 * scope, or a region outside it, answers exactly as a missing one (404
 * record.not_found).  ?lang=zh|en chooses the language, else the request's
 * Accept-Language.  The PDF is built straight into the response body and
 * served as an attachment with a safe file name.
 */
#include <stdio.h>
#include <string.h>

#include "doc/doc.h"
#include "domain/arg.h"
#include "domain/attachment.h"
#include "domain/region.h"
#include "http/app.h"
#include "core/banned.h"

/* The largest document served: a record book of a few thousand entries is ~2 MB. */
#define DOC_MAX ((size_t)64 << 20)

/* Reply with the document in c->res->body (rc DT_OK), or the error. */
static void doc_reply(struct dt_ctx *c, int rc, const char *name)
{
	if (rc != DT_OK) {
		dt_strbuf_reset(&c->res->body);
		dt_reply_store_error(c, rc);
		return;
	}
	struct dt_strbuf cd = DT_STRBUF_INIT;
	dt_attachment_disposition(name, false, &cd);
	c->res->status = 200;
	c->res->content_type = "application/pdf";
	dt_http_add_header(c->res, "content-disposition", dt_http_strdup(c->req, cd.buf, cd.len));
	dt_http_add_header(c->res, "x-content-type-options", "nosniff");
	dt_http_add_header(c->res, "cache-control", "private, no-store");
	dt_strbuf_release(&cd);
}

static void contract_doc(struct dt_ctx *c, bool book)
{
	int64_t id;
	struct dt_doc_opts o = { dt_ctx_scope(c), DT_LANG_ZH, 0, 0 };
	if (!dt_ctx_id(c, "id", &id) || !dt_ctx_file_lang(c, &o.lang))
		return;
	struct dt_strbuf name = DT_STRBUF_INIT;
	dt_doc_filename(book ? "book" : "contract", (long long)id, 0, &name);
	dt_strbuf_reset(&c->res->body);
	c->res->body.max = DOC_MAX;
	int rc = book ? dt_doc_record_book(c->store, id, &o, &c->res->body, &c->err)
		      : dt_doc_contract(c->store, id, &o, &c->res->body, &c->err);
	doc_reply(c, rc, name.buf);
	dt_strbuf_release(&name);
}

void dt_h_contract_pdf(struct dt_ctx *c)
{
	contract_doc(c, false);
}

void dt_h_contract_book_pdf(struct dt_ctx *c)
{
	contract_doc(c, true);
}

void dt_h_report_pdf(struct dt_ctx *c)
{
	struct dt_doc_opts o = { dt_ctx_scope(c), DT_LANG_ZH, 0, 0 };
	struct dt_problems ps = DT_PROBLEMS_INIT;
	int region = 0;
	int64_t year = 0;
	const char *file = dt_param(c, "file");
	size_t n = strlen(file);
	if (dt_region_code_parse(dt_param(c, "region"), &region, &ps, "region") != DT_OK) {
		dt_reply_problems(c, 422, &ps);
		dt_problems_release(&ps);
		return;
	}
	/* {file} is YEAR.pdf */
	char ytext[8] = "";
	if (n == 8 && !strcmp(file + 4, ".pdf")) {
		memcpy(ytext, file, 4);
		ytext[4] = '\0';
	}
	if (dt_arg_int64(&ps, "year", ytext, 2000, 2100, &year) != DT_OK) {
		dt_problems_release(&ps);
		dt_reply_code(c, 404, NULL, "record.not_found", NULL);
		return;
	}
	if (!dt_ctx_file_lang(c, &o.lang))
		return;
	struct dt_strbuf name = DT_STRBUF_INIT;
	dt_doc_filename("report", region, (int)year, &name);
	dt_strbuf_reset(&c->res->body);
	c->res->body.max = DOC_MAX;
	int rc = dt_doc_report(c->store, region, (int)year, &o, &c->res->body, &c->err);
	doc_reply(c, rc, name.buf);
	dt_strbuf_release(&name);
}
