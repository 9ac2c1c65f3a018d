/*
 * h_io.c - bulk import and export over HTTP: import jobs, the jobs
 * themselves, exports and templates.
 *
 *   POST   /api/v1/imports?kind=K[&partial=1][&encoding=gbk][&name=FILE]
 *          the CSV file is the body (up to the server's --max-upload, kept
 *          by the server in a temporary file that the job takes over); 202
 *          with the queued job and its Location.  The caller needs the
 *          permission that writes K; the rows are written with the caller's
 *          scope, as if each were POSTed.
 *   GET    /api/v1/jobs                 the caller's jobs (an admin's: all)
 *   GET    /api/v1/jobs/{id}            status, progress, counts, first errors
 *   DELETE /api/v1/jobs/{id}            cancel (nothing of it is written)
 *   GET    /api/v1/jobs/{id}/report     the error report (CSV)
 *   GET    /api/v1/exports/{kind}.csv|.xlsx?filters&lang=en&unmask=1
 *   GET    /api/v1/templates/{kind}.csv|.xlsx?lang=en
 *
 * Jobs are visible to whoever started them and to admins; anyone else gets
 * 404.  Exports take the list filters and scope; national IDs are masked
 * unless the caller holds pii:read and asks for unmask=1 (one audit event
 * naming every trainee shown).  Files are built in a temporary file and
 * sent whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/utf8.h"
#include "engine/jobs.h"
#include "http/app.h"
#include "io/encoding.h"
#include "io/export.h"
#include "domain/entity.h"
#include "core/banned.h"

#define FILE_BODY_MAX ((size_t)1 << 30)

static const char xlsx_type[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

static bool is_admin(const struct dt_ctx *c)
{
	return !strcmp(c->cred.account.role, "admin");
}

static bool flag(const struct dt_ctx *c, const char *name)
{
	const char *v = dt_query(c, name);
	return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"));
}

/* ---- imports and jobs ---- */

/*
 * A temporary file holding @len bytes at @body (an upload the server read
 * into memory: one pipelined behind another request, held to --max-body).
 * Its descriptor, or -1 with errno set.
 */
static int body_to_file(const char *body, size_t len)
{
	int fd = dt_http_temp_fd();
	while (fd >= 0 && len > 0) {
		ssize_t n = write(fd, body, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			errno = e;
			return -1;
		}
		body += n;
		len -= (size_t)n;
	}
	return fd;
}

/*
 * Word job @o's "error" in the request's language when it is a catalogue
 * code (the job keeps the code): "error" the message, "error_code" the
 * code (null when the error is the import's own text).  The web reader is
 * told what to do in the web's terms, never a command-line flag.
 */
static void job_words(struct dt_ctx *c, json_t *o)
{
	const char *e = json_string_value(json_object_get(o, "error"));
	const struct dt_message_def *m = e ? dt_catalogue_find(e) : NULL;
	if (!m) {
		json_object_set_new(o, "error_code", json_null());
		return;
	}
	json_t *counts = json_object_get(o, "counts");
	char rows[24], rejected[24];
	snprintf(rows, sizeof(rows), "%lld",
		 (long long)json_integer_value(json_object_get(counts, "rows")));
	snprintf(rejected, sizeof(rejected), "%lld",
		 (long long)json_integer_value(json_object_get(counts, "rejected")));
	struct dt_strbuf msg = DT_STRBUF_INIT;
	dt_message(&msg, c->lang, m->code, "rows", rows, "rejected", rejected, NULL);
	json_object_set_new(o, "error_code", json_string(m->code));
	json_object_set_new(o, "error", json_string(msg.buf));
	dt_strbuf_release(&msg);
}

void dt_h_import(struct dt_ctx *c)
{
	const char *kind = dt_query(c, "kind");
	const struct dt_entity *e = kind ? dt_export_entity(kind) : NULL;
	if (!e || !strcmp(e->name, "occupation") || !strcmp(e->name, "region")) {
		dt_reply_code(c, 422, "kind", kind ? "http.import_kind" : "field.required", NULL);
		return;
	}
	unsigned p = dt_entity_write_perm(e->name);
	if ((c->perms & p) != p) {
		dt_reply_code(c, 403, NULL, "http.role_create", NULL);
		return;
	}
	int enc = DT_ENC_AUTO;
	const char *es = dt_query(c, "encoding");
	if (es && (enc = dt_encoding_parse(es)) < 0) {
		dt_reply_code(c, 422, "encoding", "http.one_of", "values", "auto|utf-8|gbk", NULL);
		return;
	}
	if (!c->req->body_len) {
		dt_reply_code(c, 400, NULL, "http.body_empty_file", NULL);
		return;
	}
	const char *fname = dt_query(c, "name"); /* UTF-8: parse_query made sure */
	if (fname && dt_utf8_len(fname) > DT_JOB_NAME_MAX) {
		dt_reply_code(c, 422, "name", "text.too_long", "length", DT_I(dt_utf8_len(fname)),
			      "max", DT_I(DT_JOB_NAME_MAX), NULL);
		return;
	}
	struct dt_import_job j = { e->name,
				   c->cred.account.login,
				   c->req->request_id,
				   dt_ctx_scope(c),
				   flag(c, "partial"),
				   enc,
				   dt_query(c, "name") };
	/* The server kept the file in a temporary file; the job takes it. */
	int fd = c->req->body_fd;
	c->req->body_fd = -1;
	if (fd < 0 && (fd = body_to_file(c->req->body, c->req->body_len)) < 0) {
		dt_log_error("request %s: no temporary file for the upload: %s", c->req->request_id,
			     strerror(errno));
		dt_reply_code(c, 500, NULL, "http.internal", "request_id", c->req->request_id,
			      NULL);
		return;
	}
	int64_t id = 0;
	int rc = dt_jobs_submit_import(c->store, &j, fd, c->req->body_len, &id, &c->err);
	if (rc == DT_EDENIED) {
		dt_log_error("request %s: %s", c->req->request_id, c->err.buf);
		dt_reply_code(c, 503, NULL, "http.busy", NULL);
		return;
	}
	json_t *o = NULL;
	if (rc == DT_OK)
		rc = dt_jobs_get(c->store, id, c->cred.account.login, true, &o, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	char *loc = dt_http_alloc(c->req, 64);
	snprintf(loc, 64, "/api/v1/jobs/%lld", (long long)id);
	dt_http_add_header(c->res, "location", loc);
	job_words(c, o);
	dt_reply_json(c, 202, o);
}

void dt_h_jobs_list(struct dt_ctx *c)
{
	json_t *items = NULL;
	int rc = dt_jobs_list(c->store, c->cred.account.login, is_admin(c), &items, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	size_t i;
	json_t *job;
	json_array_foreach(items, i, job) job_words(c, job);
	dt_reply_json(c, 200, json_pack("{s:o, s:n}", "items", items, "next"));
}

/* Reply @status with job {id} (cancelled first when @cancel), or the error. */
static void reply_job(struct dt_ctx *c, bool cancel, int status)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *o = NULL;
	int rc = cancel ? dt_jobs_cancel(c->store, id, c->cred.account.login, is_admin(c), &c->err)
			: DT_OK;
	if (rc == DT_OK)
		rc = dt_jobs_get(c->store, id, c->cred.account.login, is_admin(c), &o, &c->err);
	if (rc == DT_ECONFLICT && cancel) {
		dt_reply_code(c, 409, NULL, "import.job_ended", NULL);
		return;
	}
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	job_words(c, o);
	dt_reply_json(c, status, o);
}

void dt_h_job_get(struct dt_ctx *c)
{
	reply_job(c, false, 200);
}

void dt_h_job_cancel(struct dt_ctx *c)
{
	reply_job(c, true, 202);
}

void dt_h_job_report(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *o = NULL;
	int rc = dt_jobs_get(c->store, id, c->cred.account.login, is_admin(c), &o, &c->err);
	json_decref(o);
	if (rc == DT_OK) {
		c->res->body.max = FILE_BODY_MAX;
		rc = dt_store_job_report(c->store, id, &c->res->body, &c->err);
	}
	if (rc != DT_OK) {
		dt_strbuf_reset(&c->res->body);
		dt_reply_store_error(c, rc);
		return;
	}
	c->res->status = 200;
	c->res->content_type = "text/csv; charset=utf-8";
	char *cd = dt_http_alloc(c->req, 80);
	snprintf(cd, 80, "attachment; filename=\"job-%lld-report.csv\"", (long long)id);
	dt_http_add_header(c->res, "content-disposition", cd);
}

/* ---- exports and templates ---- */

/* "trainees.xlsx" -> the entity and format; replies 404 when it is neither. */
static const struct dt_entity *file_param(struct dt_ctx *c, int *format, char **name)
{
	const char *f = dt_param(c, "file");
	const char *dot = f ? strrchr(f, '.') : NULL;
	const struct dt_entity *e = NULL;
	if (dot && (*format = dt_export_format_parse(dot + 1)) >= 0) {
		char *kind = dt_http_strdup(c->req, f, (size_t)(dot - f));
		e = dt_export_entity(kind);
	}
	if (!e) {
		dt_reply_code(c, 404, "file", "http.file", "example", "trainees.csv", NULL);
		return NULL;
	}
	*name = dt_http_strdup(c->req, f, strlen(f));
	return e;
}

/* Send the file at @path (then removed) as the body. */
void dt_h_send_file(struct dt_ctx *c, const char *path, int format, const char *name)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	c->res->body.max = FILE_BODY_MAX;
	char buf[65536];
	ssize_t n;
	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		dt_strbuf_add(&c->res->body, buf, (size_t)n);
	if (fd >= 0)
		close(fd);
	unlink(path);
	if (fd < 0 || !dt_strbuf_ok(&c->res->body)) {
		dt_strbuf_reset(&c->res->body);
		dt_log_error("request %s: export file: %s", c->req->request_id, strerror(errno));
		dt_reply_code(c, 500, NULL, "http.internal", "request_id", c->req->request_id,
			      NULL);
		return;
	}
	c->res->status = 200;
	c->res->content_type = format == DT_EXPORT_XLSX ? xlsx_type : "text/csv; charset=utf-8";
	char *cd = dt_http_alloc(c->req, strlen(name) + 40);
	snprintf(cd, strlen(name) + 40, "attachment; filename=\"%s\"", name);
	dt_http_add_header(c->res, "content-disposition", cd);
	dt_http_add_header(c->res, "cache-control", "no-store");
}

int dt_h_temp_file(char *path, size_t n, const char *ext)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, n, "%s/dualtrack-export-XXXXXX%s", dir && *dir ? dir : "/tmp", ext);
	int fd = mkstemps(path, (int)strlen(ext));
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static unsigned lang_flag(struct dt_ctx *c, bool *ok)
{
	const char *l = dt_query(c, "lang");
	*ok = true;
	if (!l || !strcmp(l, "zh"))
		return 0;
	if (!strcmp(l, "en"))
		return DT_EXPORT_EN;
	dt_reply_code(c, 422, "lang", "http.one_of", "values", "zh|en", NULL);
	*ok = false;
	return 0;
}

void dt_h_export(struct dt_ctx *c)
{
	int format;
	char *name;
	const struct dt_entity *e = file_param(c, &format, &name);
	if (!e)
		return;
	bool ok;
	struct dt_export_opts o;
	memset(&o, 0, sizeof(o));
	o.flags = lang_flag(c, &ok);
	if (!ok)
		return;
	if (flag(c, "unmask")) {
		if (!(c->perms & DT_P_PII)) {
			dt_reply_code(c, 403, "unmask", "http.unmask", NULL);
			return;
		}
		o.flags |= DT_EXPORT_UNMASK;
	}
	/* Every other parameter is a list filter, as on GET /api/v1/{kind}. */
	const char *filters[2 * DT_MAX_QUERY];
	struct dt_query q;
	memset(&q, 0, sizeof(q));
	q.filters = filters;
	for (int i = 0; i < c->nquery; i++) {
		const char *n = c->qname[i];
		if (!strcmp(n, "lang") || !strcmp(n, "unmask") || !strcmp(n, "limit") ||
		    !strcmp(n, "cursor") || !strcmp(n, "sort"))
			continue;
		if (!strcmp(n, "q")) {
			q.q = c->qval[i];
			continue;
		}
		filters[2 * q.nfilters] = n;
		filters[2 * q.nfilters + 1] = c->qval[i];
		q.nfilters++;
	}
	o.kind = e->name;
	o.format = format;
	o.scope = dt_ctx_scope(c);
	o.actor = &c->actor;
	o.query = &q;
	char path[512];
	if (dt_h_temp_file(path, sizeof(path), format == DT_EXPORT_XLSX ? ".xlsx" : ".csv") != 0) {
		dt_log_error("request %s: no temporary file for the export", c->req->request_id);
		dt_reply_code(c, 500, NULL, "http.internal", "request_id", c->req->request_id,
			      NULL);
		return;
	}
	int64_t count = 0;
	int rc = dt_export(c->store, &o, path, &count, &c->err);
	if (rc != DT_OK) {
		unlink(path);
		dt_reply_page(c, rc, NULL, NULL);
		return;
	}
	dt_h_send_file(c, path, format, name);
	char *cnt = dt_http_alloc(c->req, 24);
	snprintf(cnt, 24, "%lld", (long long)count);
	dt_http_add_header(c->res, "x-record-count", cnt);
}

void dt_h_template(struct dt_ctx *c)
{
	int format;
	char *name;
	const struct dt_entity *e = file_param(c, &format, &name);
	if (!e)
		return;
	bool ok;
	unsigned flags = lang_flag(c, &ok);
	if (!ok)
		return;
	char path[512];
	if (dt_h_temp_file(path, sizeof(path), format == DT_EXPORT_XLSX ? ".xlsx" : ".csv") != 0) {
		dt_log_error("request %s: no temporary file for the template", c->req->request_id);
		dt_reply_code(c, 500, NULL, "http.internal", "request_id", c->req->request_id,
			      NULL);
		return;
	}
	int rc = dt_export_template(e->name, format, flags, 1, path, &c->err);
	if (rc != DT_OK) {
		unlink(path);
		dt_reply_store_error(c, rc);
		return;
	}
	dt_h_send_file(c, path, format, name);
}
