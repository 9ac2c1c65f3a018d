/*
 * import_report.c - the import's report, written by the writer in row order.
 *
 * One CSV line per problem with row, column, field, value (masked where
 * personal, cut to DT_IMPORT_REPORT_VALUE_MAX characters), its code (the
 * catalogue's, src/domain/catalogue.c) and the message in Chinese and in
 * English; the store's problems of a row are mapped back to the file's
 * columns, and each problem is counted by reason, which is decided by its
 * code.  The report is read by office staff and by scripts alike: it names
 * no command-line flag.  Part of the importer in import.c.
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
#include "domain/uscc.h"
#include "io/encoding.h"
#include "io/import.h"
#include "io/import_internal.h"
#include "core/banned.h"

static const char *header_of(struct dt_import_writer *w, int fc)
{
	return fc >= 0 && (size_t)fc < w->p->nfile ? w->p->header_text[fc] : "";
}

/*
 * An 18-byte national-ID cell as the report shows it: masked by
 * dt_natid_mask(), or when it is not ASCII (the cell is whatever the file
 * held: 18 bytes may be six Chinese characters, which a byte mask would cut
 * into invalid UTF-8) masked the same way by characters.
 */
static void add_masked(struct dt_strbuf *v, const char *value)
{
	size_t len = strlen(value), n = dt_utf8_len(value), k = 0;
	if (n == len) {
		char m[DT_NATID_LEN + 1];
		dt_natid_mask(value, m);
		dt_strbuf_adds(v, m);
		return;
	}
	for (size_t off = 0; off < len; k++) {
		uint32_t cp;
		size_t step = dt_utf8_decode(value + off, len - off, &cp);
		step = step ? step : 1;
		if (k < 4 || k + 4 >= n)
			dt_strbuf_add(v, value + off, step);
		else
			dt_strbuf_addch(v, '*');
		off += step;
	}
}

/*
 * One line of the report.  @value is cut to DT_IMPORT_REPORT_VALUE_MAX characters
 * and followed by its length, which is @length when not 0 (a value the
 * parser kept only the head of) or else counted.
 */
void dt_import_report_line(struct dt_import_writer *w, int64_t rowno, int fc, const char *field,
			   const char *value, size_t length, const char *reason, const char *code,
			   const char *zh, const char *en)
{
	if (!code)
		code = "";
	struct dt_import_result *r = w->r;
	struct dt_strbuf v = DT_STRBUF_INIT;
	const struct dt_iocol *c = NULL;
	if (fc >= 0 && (size_t)fc < w->p->nfile && w->p->map[fc] >= 0)
		c = &w->p->cols[w->p->map[fc]];
	/* Values in the report: cut long ones, mask national IDs. */
	if (c && c->pii && value && strlen(value) == DT_NATID_LEN) {
		add_masked(&v, value);
	} else if (value) {
		size_t cps = length ? length : dt_utf8_len(value);
		if (cps > DT_IMPORT_REPORT_VALUE_MAX) {
			size_t off = 0, len = strlen(value);
			for (size_t k = 0; k < DT_IMPORT_REPORT_VALUE_MAX && off < len; k++) {
				uint32_t cp;
				size_t n = dt_utf8_decode(value + off, len - off, &cp);
				off += n ? n : 1;
			}
			dt_strbuf_add(&v, value, off);
			dt_strbuf_addf(&v, "…(%zu characters)", cps);
		} else {
			dt_strbuf_adds(&v, value);
		}
	}
	const char *cells[] = { NULL, header_of(w, fc), field ? field : "", v.buf, code, zh, en };
	char rowbuf[24];
	snprintf(rowbuf, sizeof(rowbuf), "%lld", (long long)rowno);
	cells[0] = rowbuf;
	for (size_t i = 0; i < DT_ARRAY_SIZE(cells); i++) {
		const char *s = cells[i];
		if (i)
			dt_strbuf_addch(&r->report, ',');
		if (strpbrk(s, ",\"\r\n") || (*s && strchr("=+-@", *s))) {
			/* quoted; a leading = + - @ gets a ' so that Excel shows it as text */
			dt_strbuf_addch(&r->report, '"');
			if (*s && strchr("=+-@", *s) && i != 0)
				dt_strbuf_addch(&r->report, '\'');
			for (const char *q = s; *q; q++) {
				if (*q == '"')
					dt_strbuf_addch(&r->report, '"');
				dt_strbuf_addch(&r->report, *q);
			}
			dt_strbuf_addch(&r->report, '"');
		} else {
			dt_strbuf_adds(&r->report, s);
		}
	}
	dt_strbuf_adds(&r->report, "\r\n");
	if (reason) {
		r->nerrors++;
		if (json_array_size(r->errors) < DT_IMPORT_ERRORS_KEPT)
			json_array_append_new(
				r->errors,
				json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "row",
					  (json_int_t)rowno, "column", header_of(w, fc), "field",
					  field ? field : "", "value", v.buf, "reason", reason,
					  "code", code, "message_zh", zh, "message_en", en));
	}
	dt_strbuf_release(&v);
}

/* The file column that holds field @name (a reference's key column for a REF). */
static int file_col_of_field(struct dt_import_writer *w, const char *name)
{
	for (size_t j = 0; j < w->p->ncols; j++) {
		const struct dt_iocol *c = &w->p->cols[j];
		if (c->field && !strcmp(c->field->name, name) && c->kind != DT_IOC_CONTRACT_DATE &&
		    c->kind != DT_IOC_SYSTEM) {
			int fc = dt_import_file_col_of(w->p, (int)j);
			if (fc >= 0)
				return fc;
		}
	}
	return -1;
}

const char *dt_import_row_value(struct dt_import_row *row, int fc)
{
	char key[24];
	snprintf(key, sizeof(key), "%d", fc);
	const char *v = json_string_value(json_object_get(row->vals, key));
	return v ? v : "";
}

/*
 * The reason a store's problem @code of a refusal @rc counts under:
 * duplicate_db, reference or rule.  A free-text refusal (legacy.text) that
 * is a conflict is a duplicate, as the store words no other conflict so.
 */
static const char *reason_of(const char *code, int rc)
{
	size_t n = strlen(code);
	if (!strcmp(code, "legacy.text"))
		return rc == DT_ECONFLICT ? "duplicate_db" : "rule";
	if (!strncmp(code, "unique.", 7) || (n > 6 && !strcmp(code + n - 6, ".taken")))
		return "duplicate_db";
	if (!strncmp(code, "ref.", 4))
		return "reference";
	return "rule";
}

const char *dt_import_report_problems(struct dt_import_writer *w, struct dt_import_row *row, int rc,
				      const char *msg, const struct dt_problems *ps)
{
	const char *first = NULL;
	for (size_t i = 0; ps && i < ps->n; i++) {
		const struct dt_problem *p = &ps->v[i];
		if (p->warning)
			continue;
		int fc = p->field ? file_col_of_field(w, p->field) : -1;
		struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
		/* 「出生日期」晚于今天 / birth_date: is in the future: the column as the file names it */
		const struct dt_field *f = p->field ? dt_entity_field(w->e, p->field) : NULL;
		if (f)
			dt_strbuf_addf(&zh, "「%s」", f->label_zh);
		if (p->field)
			dt_strbuf_addf(&en, "%s: ", p->field);
		dt_problem_render(p, DT_LANG_ZH, false, &zh);
		dt_problem_render(p, DT_LANG_EN, false, &en);
		const char *reason = reason_of(p->code, rc);
		dt_import_report_line(w, row->rowno, fc, p->field ? p->field : "",
				      fc >= 0 ? dt_import_row_value(row, fc) : "", 0, reason,
				      p->code, zh.buf, en.buf);
		dt_strbuf_release(&zh);
		dt_strbuf_release(&en);
		if (!first)
			first = reason;
	}
	if (first)
		return first;
	/* a refusal the store words only in English: it still names its row */
	const char *reason = rc == DT_ECONFLICT ? "duplicate_db" : "rule";
	struct dt_strbuf zh = DT_STRBUF_INIT;
	dt_message(&zh, DT_LANG_ZH, "import.refused", NULL);
	dt_import_report_line(w, row->rowno, -1, "", "", 0, reason, "import.refused", zh.buf, msg);
	dt_strbuf_release(&zh);
	return reason;
}

void dt_import_count_reason(struct dt_import_writer *w, const char *reason)
{
	json_t *n = json_object_get(w->r->reasons, reason);
	json_object_set_new(w->r->reasons, reason, json_integer(n ? json_integer_value(n) + 1 : 1));
}
