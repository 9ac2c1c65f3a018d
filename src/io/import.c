/*
 * import.c - bulk CSV and XLSX import: a parser/validator thread feeding one writer.
 *
 * The file is converted to UTF-8 (io/encoding.c) and parsed with libcsv -
 * or, when it is an XLSX workbook, its first sheet read (io/xlsx.c) - on
 * a thread of its own, which also does every check that needs no database:
 * the header (columns in Chinese or English, any order, unknown ones
 * reported), cell clean-up (blanks, full-width characters in codes), types,
 * lengths, dates that exist, enumerations (in English or Chinese), national
 * IDs and credit codes, and duplicates within the file.  Rows travel to the
 * writer in batches over a bounded queue (DT_IMPORT_QUEUE_BATCHES batches
 * of DT_IMPORT_BATCH_ROWS), so the parser runs at most that far ahead and memory stays
 * flat whatever the size of the file.
 *
 * The writer (the calling thread, owner of the store connection) resolves
 * references (cached per import), and creates each record through
 * dt_store_create() inside one transaction, each row in a savepoint of its
 * own (dt_store_row_begin/end) so that a row that fails - or that would
 * land outside the caller's scope - undoes only itself.  Every record is an
 * audit event like any other write, and the indicator aggregates (triggers
 * on the fact tables) follow.  At the end the transaction is committed, or
 * rolled back when a row failed and the import is all or nothing: a
 * failure, a cancellation or a kill leaves the database as it was.
 *
 * The report is written by the writer in row order: validator errors come
 * with their row, store errors are added when the row is written.
 *
 * This file is the driver (dt_import_csv) and the result; the importer's
 * other parts are import_queue.c (the queue), import_cells.c (cell
 * conversion), import_parse.c (the parser thread), import_report.c (the
 * report), import_write.c (the writer) and import_columns.c (the columns of
 * each kind), sharing import_internal.h.
 */
#include <csv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/common.h"
#include "core/date.h"
#include "core/num.h"
#include "core/utf8.h"
#include "domain/natid.h"
#include "domain/region.h"
#include "domain/region_names.h"
#include "domain/uscc.h"
#include "io/encoding.h"
#include "io/import.h"
#include "io/import_internal.h"
#include "io/xlsx.h"
#include "core/banned.h"

/* The columns whose values must be unique within a file, per kind. */
static const struct {
	const char *entity;
	const char *cols[5];
} unique_keys[] = {
	{ "trainee", { "national_id" } },
	{ "organization", { "uscc" } },
	{ "programme", { "code" } },
	{ "occupation", { "code" } },
	{ "region", { "id" } },
	{ "pilot", { "region" } },
	{ "partnership", { "enterprise_uscc", "school_uscc", "start_date" } },
	{ "demand", { "enterprise_uscc", "occupation_code", "level", "year" } },
	{ "place", { "enterprise_uscc", "programme_code", "year" } },
	{ "contract", { "trainee_national_id", "start_date" } },
	{ "target", { "region", "indicator", "year" } },
};
/* ---- results ---- */

static const char report_header[] =
	"\xEF\xBB\xBF行号 row,列 column,字段 field,值 value,代码 code,错误说明,message\r\n";

void dt_import_result_init(struct dt_import_result *r)
{
	memset(r, 0, sizeof(*r));
	r->reasons = json_object();
	r->errors = json_array();
	r->ignored = json_array();
	dt_strbuf_init(&r->report, DT_IMPORT_REPORT_MAX);
	dt_strbuf_adds(&r->report, report_header);
}

void dt_import_result_release(struct dt_import_result *r)
{
	json_decref(r->reasons);
	json_decref(r->errors);
	json_decref(r->ignored);
	dt_strbuf_release(&r->report);
	memset(r, 0, sizeof(*r));
}

json_t *dt_import_result_json(const struct dt_import_result *r)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:O, s:O, s:s, s:b, s:b}", "rows",
			 (json_int_t)r->rows, "written", (json_int_t)r->written, "rejected",
			 (json_int_t)r->rejected, "errors", (json_int_t)r->nerrors, "reasons",
			 r->reasons, "ignored_columns", r->ignored, "encoding",
			 dt_encoding_name(r->encoding, r->bom), "committed", r->committed,
			 "cancelled", r->cancelled);
}

/* ---- the import ---- */

/*
 * Turn the bulk path on for a trainee import that may take it: the store
 * has its keys, and the writer is not a trainee (whose scope is one record).
 * Inside the import's transaction, so that the region table stays what it
 * is read as.
 */
static int fast_setup(struct dt_store *s, const struct dt_import_opts *o,
		      struct dt_import_parser *p, struct dt_strbuf *err)
{
	struct dt_import_fast *f = &p->fast;
	const struct dt_scope *scope = o->actor->scope;
	if (strcmp(p->e->name, "trainee") || !dt_store_keys(s) || (scope && scope->trainee_id) ||
	    (o->flags & DT_IMPORT_GENERAL))
		return DT_OK;
	f->regions = malloc(DT_REGION_BITMAP_BYTES);
	if (!f->regions)
		return dt_error(err, DT_ENOMEM, "out of memory");
	int rc = dt_store_region_bitmap(s, f->regions, err);
	if (rc != DT_OK)
		return rc;
	f->keys = dt_store_keys(s);
	f->lo = 0;
	f->hi = 999999;
	if (scope && scope->region)
		dt_region_range(scope->region, &f->lo, &f->hi);
	f->org = scope ? scope->org_id : 0;
	f->gender = dt_entity_field(p->e, "gender");
	f->on = true;
	return DT_OK;
}

/*
 * The regions the writer may name (domain/region_names.h), when the kind
 * has a column that takes a region: the whole table, read inside the
 * import's transaction, resolved within the writer's scope.  *@out stays
 * NULL for a kind without one.
 */
static int names_setup(struct dt_store *s, const struct dt_import_opts *o,
		       const struct dt_import_parser *p, struct dt_region_names **out,
		       struct dt_strbuf *err)
{
	bool wanted = false;
	for (size_t i = 0; i < p->ncols && !wanted; i++) {
		const struct dt_iocol *c = &p->cols[i];
		wanted = ((c->kind == DT_IOC_VALUE || c->kind == DT_IOC_STATE) && c->field &&
			  c->field->type == DT_F_REGION) ||
			 (c->kind == DT_IOC_KEY && c->ref && !strcmp(c->ref, "pilot"));
	}
	if (!wanted)
		return DT_OK;
	const struct dt_scope *scope = o->actor->scope;
	struct dt_region_names *n = dt_region_names_new(scope ? scope->region : 0);
	if (!n)
		return dt_error(err, DT_ENOMEM, "out of memory");
	char *cursor = NULL;
	int rc = DT_OK;
	do {
		struct dt_query q = { .limit = 1000, .cursor = cursor };
		json_t *items = NULL;
		char *next = NULL;
		rc = dt_store_list(s, NULL, "region", &q, &items, &next, err);
		free(cursor);
		cursor = next;
		if (rc != DT_OK)
			break;
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			const char *name = json_string_value(json_object_get(it, "name_zh"));
			json_int_t code = json_integer_value(json_object_get(it, "id"));
			if (name && *name && !dt_region_names_add(n, (int)code, name))
				rc = dt_error(err, DT_ENOMEM, "out of memory");
		}
		json_decref(items);
	} while (rc == DT_OK && cursor);
	free(cursor);
	if (rc != DT_OK) {
		dt_region_names_free(n);
		return rc;
	}
	*out = n;
	return DT_OK;
}

/* The entity that import kind @kind names, "record-entries" and "record_entries" alike; NULL if none. */
static const struct dt_entity *entity_of_kind(const char *kind)
{
	const struct dt_entity *e = dt_entity_find(kind);
	if (!e) {
		/* "record-entries" and "record_entries" alike */
		struct dt_strbuf alt = DT_STRBUF_INIT;
		for (const char *c = kind; *c; c++)
			dt_strbuf_addch(&alt, *c == '-' ? '_' : *c);
		e = dt_entity_find(alt.buf);
		if (!e) {
			dt_strbuf_reset(&alt);
			for (const char *c = kind; *c; c++)
				dt_strbuf_addch(&alt, *c == '_' ? '-' : *c);
			e = dt_entity_find(alt.buf);
		}
		dt_strbuf_release(&alt);
	}
	return e;
}

/* Put the header's notes first in the report of @w: they are about row 1. */
static void header_notes_first(struct dt_import_writer *w, const struct dt_import_parser *p)
{
	struct dt_import_result *r = w->r;
	if (json_array_size(p->header_notes)) {
		struct dt_strbuf body = DT_STRBUF_INIT;
		dt_strbuf_add(&body, r->report.buf + (sizeof(report_header) - 1),
			      r->report.len - (sizeof(report_header) - 1));
		dt_strbuf_setlen(&r->report, sizeof(report_header) - 1);
		size_t i;
		json_t *n;
		json_array_foreach(p->header_notes, i, n) dt_import_report_line(
			w, 1, (int)json_integer_value(json_object_get(n, "col")), "",
			json_string_value(json_object_get(n, "name")), 0, NULL,
			json_string_value(json_object_get(n, "code")),
			json_string_value(json_object_get(n, "zh")),
			json_string_value(json_object_get(n, "en")));
		dt_strbuf_add(&r->report, body.buf, body.len);
		dt_strbuf_release(&body);
	}
}

/*
 * End the import's transaction: roll back when the file or the store failed,
 * when a row was rejected and the import is all or nothing, or when the
 * report outgrew its cap; else commit.  The result of the import.
 */
static int finish(struct dt_store *s, const struct dt_import_opts *o, struct dt_import_parser *p,
		  struct dt_import_writer *w, struct dt_import_result *r, struct dt_strbuf *err)
{
	int rc;
	if (p->fatal) {
		dt_store_rollback(s);
		r->written = r->bulk = 0;
		struct dt_strbuf zh = DT_STRBUF_INIT;
		dt_strbuf_addf(&zh, "文件无法导入%s%s", p->fatal_zh.len ? "：" : "",
			       p->fatal_zh.buf);
		if (p->fatal_zh.len)
			rc = dt_error(err, p->fatal, "%s (%s)", p->fatal_msg.buf, p->fatal_zh.buf);
		else
			rc = dt_error(err, p->fatal, "%s", p->fatal_msg.buf);
		dt_import_report_line(w, 1, -1, "", "", 0, NULL,
				      p->fatal_code ? p->fatal_code : "import.file", zh.buf,
				      p->fatal_msg.buf);
		dt_strbuf_release(&zh);
	} else if (w->fatal) {
		dt_store_rollback(s);
		r->written = r->bulk = 0;
		rc = dt_error(err, w->fatal, "%s", w->fatal_msg.buf);
	} else if (r->rejected && !(o->flags & DT_IMPORT_PARTIAL)) {
		dt_store_rollback(s);
		r->written = r->bulk = 0;
		rc = dt_error(err, DT_EINVAL,
			      "%lld of %lld rows rejected: nothing was imported (see the report)",
			      (long long)r->rejected, (long long)r->rows);
	} else if (!dt_strbuf_ok(&r->report)) {
		dt_store_rollback(s);
		r->written = r->bulk = 0;
		rc = dt_error(err, DT_ENOMEM, "the error report is over %zu bytes", r->report.max);
	} else {
		rc = dt_store_commit(s, err);
		r->committed = rc == DT_OK;
		if (rc != DT_OK)
			r->written = r->bulk = 0;
	}
	return rc;
}

enum dt_err dt_import_csv(struct dt_store *s, const struct dt_import_opts *o, const char *data,
			  size_t len, struct dt_import_result *r, struct dt_strbuf *err)
{
	const struct dt_entity *e = entity_of_kind(o->kind);
	if (!e)
		return dt_error(err, DT_EINVAL, "kind: '%s' is not a kind of record", o->kind);
	if (!strcmp(e->name, "occupation") || !strcmp(e->name, "region"))
		return dt_error(err, DT_EINVAL,
				"kind: %s records are reference data: use `dualtrack refdata load`",
				e->name);

	/*
	 * An XLSX workbook is known by its content (a ZIP package), whatever
	 * the file's name; its cells are UTF-8 already.  CSV text becomes
	 * UTF-8: at most 3 bytes per byte read (a GB 18030 or UTF-16 character
	 * of 2 bytes is at most 3 in UTF-8), and the file itself is capped by
	 * its caller (the upload limit, the CLI's).
	 */
	bool xlsx = dt_xlsx_is_zip(data, len);
	struct dt_strbuf text = DT_STRBUF_INIT;
	struct dt_region_names *names = NULL;
	int rc = DT_OK;
	if (xlsx) {
		r->encoding = DT_ENC_XLSX;
		r->bom = false;
	} else {
		dt_strbuf_init(&text, len > (SIZE_MAX - 16) / 3 ? SIZE_MAX : 3 * len + 16);
		rc = dt_encoding_to_utf8(data, len, o->encoding, &text, &r->encoding, &r->bom, err);
		if (rc != DT_OK) {
			dt_strbuf_release(&text);
			return rc;
		}
	}

	struct dt_import_queue q;
	memset(&q, 0, sizeof(q));
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.cv, NULL);
	struct dt_import_parser p;
	memset(&p, 0, sizeof(p));
	p.e = e;
	p.cols = dt_iocols(e, &p.ncols);
	p.header_notes = json_array();
	p.ignored = r->ignored;
	p.seen = dt_import_seen_new();
	p.q = &q;
	p.xlsx = xlsx;
	p.data = xlsx ? data : text.buf;
	p.len = xlsx ? len : text.len;
	p.today = dt_date_today();
	p.contract_state_allowed = o->actor->scope == NULL;
	dt_strbuf_init(&p.fatal_msg, 0);
	dt_strbuf_init(&p.fast.scratch, 0);
	dt_strbuf_init(&p.fast.norm, 0);
	dt_strbuf_init(&p.fatal_zh, 0);
	p.long_col = -1;
	for (size_t i = 0; i < DT_ARRAY_SIZE(unique_keys); i++)
		if (!strcmp(unique_keys[i].entity, e->name))
			p.dupcols = unique_keys[i].cols;

	struct dt_import_writer w;
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.o = o;
	w.e = e;
	w.p = &p;
	w.r = r;
	w.cache = json_object();
	w.scoped = o->actor->scope != NULL;
	dt_strbuf_init(&w.fatal_msg, 0);
	p.writer = &w;

	rc = dt_store_begin(s, err);
	if (rc != DT_OK)
		goto out;
	rc = fast_setup(s, o, &p, err);
	if (rc == DT_OK)
		rc = names_setup(s, o, &p, &names, err);
	p.names = names;
	if (rc != DT_OK) {
		dt_store_rollback(s);
		goto out;
	}
	bool threaded = !(o->flags & DT_IMPORT_SERIAL);
	pthread_t th;
	if (threaded) {
		p.emit = dt_import_queue_push;
		if (pthread_create(&th, NULL, dt_import_parser_main, &p) != 0)
			threaded = false;
	}
	if (threaded) {
		struct dt_import_batch *b;
		while ((b = dt_import_queue_pop(&q))) {
			dt_import_write_batch(&w, b);
			if (w.fatal) {
				pthread_mutex_lock(&q.mu);
				q.stop = true;
				pthread_cond_broadcast(&q.cv);
				pthread_mutex_unlock(&q.mu);
			}
		}
		pthread_join(th, NULL);
	} else {
		p.emit = dt_import_emit_serial;
		dt_import_parse_all(&p);
	}
	dt_import_write_end(&w);
	header_notes_first(&w, &p);
	if (o->progress)
		o->progress(o->progress_ctx, w.done, w.done);

	rc = finish(s, o, &p, &w, r, err);
out:
	dt_region_names_free(names);
	free(p.fast.regions);
	dt_strbuf_release(&p.fast.scratch);
	dt_strbuf_release(&p.fast.norm);
	for (size_t i = 0; i < p.nfile; i++)
		free(p.header_text[i]);
	free(p.header_text);
	free(p.map);
	free(p.cells);
	json_decref(p.header_notes);
	dt_import_seen_free(p.seen);
	json_decref(w.cache);
	dt_strbuf_release(&p.fatal_msg);
	dt_strbuf_release(&p.fatal_zh);
	dt_strbuf_release(&w.fatal_msg);
	dt_strbuf_release(&text);
	pthread_mutex_destroy(&q.mu);
	pthread_cond_destroy(&q.cv);
	return rc;
}
