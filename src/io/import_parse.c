/*
 * import_parse.c - the import's parser thread: header, rows, libcsv or XLSX.
 *
 * Feeds the UTF-8 text to libcsv in chunks (or reads an XLSX workbook's
 * first sheet with io/xlsx.c, whose cells arrive by column and row number), reads the header (columns in
 * Chinese or English, any order, unknown ones reported), reads each data row
 * on the general path or, for trainees, prepares it for the bulk path, and
 * hands full batches on.  Everything here needs no database.  Part of the
 * importer in import.c.
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
#include "domain/field.h"
#include "domain/natid.h"
#include "domain/region.h"
#include "domain/uscc.h"
#include "io/encoding.h"
#include "io/import.h"
#include "io/import_internal.h"
#include "io/xlsx.h"
#include "core/banned.h"

static const char *const fast_fields[FT_N] = { "national_id", "name",  "gender", "birth_date",
					       "region",      "phone", "email",  "guardian_name" };
/* ---- the header ---- */

/* Does header text @h name column @c?  (English names ignore case; a trailing '*' is dropped.) */
static bool header_names(const char *h, const struct dt_iocol *c)
{
	return !strcasecmp(h, c->name) || !strcasecmp(h, c->label_en) || !strcmp(h, c->label_zh);
}

/*
 * The file cannot be imported: @fmt words why in English; @zh (may be NULL)
 * in Chinese for the report's first message column.  Several are joined.
 */
void dt_import_fatal(struct dt_import_parser *p, const char *zh, const char *fmt, ...)
{
	va_list ap;
	if (p->fatal)
		dt_strbuf_adds(&p->fatal_msg, "; ");
	va_start(ap, fmt);
	dt_strbuf_vaddf(&p->fatal_msg, fmt, ap);
	va_end(ap);
	if (zh)
		dt_strbuf_addf(&p->fatal_zh, "%s%s", p->fatal_zh.len ? "；" : "", zh);
	p->fatal = DT_EINVAL;
}

/* Note on the header's column @fc (@name) that it is ignored, and why: catalogue @code. */
static void header_note(struct dt_import_parser *p, int fc, const char *name, const char *code)
{
	struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
	dt_message(&zh, DT_LANG_ZH, code, NULL);
	dt_message(&en, DT_LANG_EN, code, NULL);
	json_array_append_new(p->header_notes,
			      json_pack("{s:i, s:s, s:s, s:s, s:s}", "col", fc, "name", name,
					"code", code, "zh", zh.buf, "en", en.buf));
	json_array_append_new(p->ignored, json_string(name));
	dt_strbuf_release(&zh);
	dt_strbuf_release(&en);
}

/* Where the bulk path finds its fields; it is off when a column it does not know is read. */
static void fast_columns(struct dt_import_parser *p)
{
	struct dt_import_fast *f = &p->fast;
	for (int k = 0; k < FT_N; k++)
		f->col[k] = -1;
	for (size_t i = 0; i < p->nfile && f->on; i++) {
		if (p->map[i] < 0)
			continue;
		const struct dt_iocol *c = &p->cols[p->map[i]];
		int k = 0;
		while (k < FT_N &&
		       !(c->kind == DT_IOC_VALUE && !strcmp(c->field->name, fast_fields[k])))
			k++;
		if (k == FT_N) {
			f->on = false;
		} else {
			f->col[k] = (int)i;
			f->field[k] = c->field;
		}
	}
}

/*
 * A copy of @s (valid UTF-8) cut to @max characters, "…" marking a cut:
 * header texts go into every report line and the summary, so an unknown
 * column's long name is not copied over and over.
 */
static char *text_head(const char *s, size_t max)
{
	size_t off = 0, len = strlen(s), k = 0;
	while (off < len && k < max) {
		uint32_t cp;
		size_t n = dt_utf8_decode(s + off, len - off, &cp);
		off += n ? n : 1;
		k++;
	}
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_strbuf_add(&sb, s, off);
	if (off < len)
		dt_strbuf_adds(&sb, "…");
	return dt_strbuf_detach(&sb, NULL);
}

/*
 * Read the header row: map each of its columns to one of the kind's, or
 * note it as ignored.  A header of more than DT_IMPORT_MAX_FILE_COLS columns, or with
 * an over-long cell, is fatal; the arrays are sized by the header itself.
 */
static void read_header(struct dt_import_parser *p)
{
	bool *used = NULL;
	if (p->nfields > DT_IMPORT_MAX_FILE_COLS) {
		struct dt_strbuf zh = DT_STRBUF_INIT;
		dt_strbuf_addf(&zh, "表头有%zu列，超过上限%d列", p->nfields,
			       DT_IMPORT_MAX_FILE_COLS);
		dt_import_fatal(p, zh.buf, "header: %zu columns; at most %d are allowed",
				p->nfields, DT_IMPORT_MAX_FILE_COLS);
		dt_strbuf_release(&zh);
		return;
	}
	if (p->long_col >= 0) {
		struct dt_strbuf zh = DT_STRBUF_INIT;
		dt_strbuf_addf(&zh, "表头第%lld列过长（%zu字节，最多%zu字节）",
			       (long long)p->long_col + 1, p->long_len, DT_IMPORT_CELL_MAX);
		dt_import_fatal(p, zh.buf,
				"header: column %lld is %zu bytes long; at most %zu are allowed",
				(long long)p->long_col + 1, p->long_len, DT_IMPORT_CELL_MAX);
		dt_strbuf_release(&zh);
		return;
	}
	used = calloc(p->ncols ? p->ncols : 1, sizeof(*used));
	p->map = calloc(p->ncells ? p->ncells : 1, sizeof(*p->map));
	p->header_text = calloc(p->ncells ? p->ncells : 1, sizeof(*p->header_text));
	if (!used || !p->map || !p->header_text) {
		dt_import_fatal(p, NULL, "out of memory");
		p->fatal = DT_ENOMEM;
		free(used);
		return;
	}
	p->nfile = p->ncells;
	for (size_t i = 0; i < p->nfile; i++) {
		char *h = p->cells[i];
		size_t n = dt_cell_clean(h, true);
		while (n && (h[n - 1] == '*'))
			h[--n] = '\0';
		p->header_text[i] = text_head(h, DT_IMPORT_REPORT_VALUE_MAX);
		p->map[i] = -1;
		if (!n)
			continue;
		for (size_t j = 0; j < p->ncols; j++) {
			if (!header_names(h, &p->cols[j]))
				continue;
			if (used[j]) {
				struct dt_strbuf zh = DT_STRBUF_INIT;
				dt_strbuf_addf(&zh, "表头中「%s」列出现了两次",
					       p->cols[j].label_zh);
				dt_import_fatal(p, zh.buf,
						"header: the column %s (%s) appears twice",
						p->cols[j].name, p->cols[j].label_zh);
				dt_strbuf_release(&zh);
				break;
			}
			used[j] = true;
			p->map[i] = (int)j;
			break;
		}
		if (p->map[i] >= 0 && p->cols[p->map[i]].kind == DT_IOC_SYSTEM) {
			header_note(p, (int)i, p->header_text[i], "import.column_system");
			p->map[i] = -1;
		} else if (p->map[i] >= 0 && p->cols[p->map[i]].kind == DT_IOC_STATE &&
			   !p->contract_state_allowed) {
			header_note(p, (int)i, p->header_text[i], "import.column_admin_only");
			p->map[i] = -1;
		} else if (p->map[i] < 0) {
			header_note(p, (int)i, p->header_text[i], "import.column_unknown");
		}
	}
	for (size_t j = 0; j < p->ncols; j++) {
		const struct dt_iocol *c = &p->cols[j];
		if (c->required && !used[j] && c->kind != DT_IOC_SYSTEM) {
			struct dt_strbuf zh = DT_STRBUF_INIT;
			dt_strbuf_addf(&zh, "缺少必填列「%s」", c->label_zh);
			dt_import_fatal(p, zh.buf, "header: the required column %s (%s) is missing",
					c->name, c->label_zh);
			dt_strbuf_release(&zh);
		}
	}
	free(used);
	p->have_header = true;
	fast_columns(p);
}

/* ---- a data row ---- */

static const char *cell_at(struct dt_import_parser *p, int colidx)
{
	for (size_t i = 0; i < p->nfile && i < p->ncells; i++)
		if (p->map[i] == colidx)
			return p->cells[i];
	return NULL;
}

int dt_import_file_col_of(struct dt_import_parser *p, int colidx)
{
	for (size_t i = 0; i < p->nfile; i++)
		if (p->map[i] == colidx)
			return (int)i;
	return -1;
}

/* The general path: every cell converted, every fault recorded on the row. */
static void read_general(struct dt_import_parser *p, struct dt_import_row *r)
{
	r->in = json_object();
	r->vals = json_object();
	if (p->nfields > p->nfile)
		dt_import_row_code(r, -1, "", "invalid", "import.extra_cells", "cells",
				   DT_I(p->nfields), "columns", DT_I(p->nfile), NULL);
	for (size_t i = 0; i < p->nfile && i < p->ncells; i++) {
		char key[24];
		snprintf(key, sizeof(key), "%zu", i);
		int ci = p->map[i];
		if (ci < 0)
			continue;
		const struct dt_iocol *c = &p->cols[ci];
		char *t = p->cells[i];
		json_object_set_new(r->vals, key, json_string(t));
		if (!*t)
			continue;
		if (c->kind == DT_IOC_KEY) {
			char *k = dt_import_key_text(p, r, (int)i, c, t);
			if (k) {
				if (!r->keys)
					r->keys = json_object();
				char ck[16];
				snprintf(ck, sizeof(ck), "%d", ci);
				json_object_set_new(r->keys, ck, json_string(k));
				free(k);
			}
			continue;
		}
		json_t *v = dt_import_convert_cell(p, r, (int)i, c, t);
		if (!v)
			continue;
		if (c->kind == DT_IOC_STATE || c->kind == DT_IOC_CONTRACT_DATE) {
			if (!r->state)
				r->state = json_object();
			json_object_set_new(r->state, c->name, v);
		} else {
			json_object_set_new(r->in, c->field->name, v);
		}
	}
	/* required columns left empty */
	for (size_t j = 0; j < p->ncols; j++) {
		const struct dt_iocol *c = &p->cols[j];
		if (!c->required ||
		    (c->kind != DT_IOC_VALUE && c->kind != DT_IOC_KEY && c->kind != DT_IOC_ID))
			continue;
		const char *t = cell_at(p, (int)j);
		if (t && *t)
			continue;
		int fc = dt_import_file_col_of(p, (int)j);
		if (fc >= 0 && fc == p->long_col)
			continue; /* not empty but over-long: reported as such */
		struct dt_problems ps = DT_PROBLEMS_INIT;
		dt_problem_add(&ps, c->name, "field.required", NULL);
		dt_import_row_problem(r, fc, "", "invalid", c, &ps.v[0]);
		dt_problems_release(&ps);
	}
	/* duplicates within the file */
	if (p->dupcols && !r->errs) {
		struct dt_strbuf k = DT_STRBUF_INIT;
		bool complete = true;
		for (int i = 0; i < 5 && p->dupcols[i]; i++) {
			int ci = -1;
			for (size_t j = 0; j < p->ncols; j++)
				if (!strcmp(p->cols[j].name, p->dupcols[i]))
					ci = (int)j;
			const char *t = ci >= 0 ? cell_at(p, ci) : NULL;
			if (!t || !*t) {
				complete = false;
				break;
			}
			/* the normalised form where there is one */
			char ck[16];
			snprintf(ck, sizeof(ck), "%d", ci);
			json_t *kv = r->keys ? json_object_get(r->keys, ck) : NULL;
			json_t *iv = json_object_get(r->in, p->cols[ci].field->name);
			if (kv)
				dt_strbuf_adds(&k, json_string_value(kv));
			else if (json_is_string(iv) && p->cols[ci].kind == DT_IOC_VALUE)
				dt_strbuf_adds(&k, json_string_value(iv));
			else
				dt_strbuf_adds(&k, t);
			dt_strbuf_addch(&k, '\x1f');
		}
		if (complete) {
			int64_t prev = dt_import_seen_get(p->seen, k.buf);
			if (prev >= 0) {
				int fc = -1;
				for (size_t j = 0; j < p->ncols && fc < 0; j++)
					if (!strcmp(p->cols[j].name, p->dupcols[0]))
						fc = dt_import_file_col_of(p, (int)j);
				dt_import_row_code(r, fc, fc >= 0 ? p->cells[fc] : "",
						   "duplicate_file", "import.duplicate_row", "row",
						   DT_I(prev), "column", p->dupcols[0], NULL);
			} else {
				dt_import_seen_put(p->seen, k.buf, r->rowno);
			}
		}
		dt_strbuf_release(&k);
	}
}

/* The bulk path: true when @r is prepared (see struct dt_import_fast); false leaves @r untouched. */
static bool read_fast(struct dt_import_parser *p, struct dt_import_row *r)
{
	struct dt_import_fast *f = &p->fast;
	const char *v[FT_N];
	if (p->nfields > p->nfile || p->long_col >= 0)
		return false;
	for (int k = 0; k < FT_N; k++) {
		v[k] = f->col[k] >= 0 && (size_t)f->col[k] < p->ncells ? p->cells[f->col[k]] : NULL;
		if (v[k] && !*v[k])
			v[k] = NULL;
	}
	if (!v[FT_NATID] || !v[FT_NAME] || !v[FT_REGION] || strlen(v[FT_NATID]) > DT_NATID_LEN)
		return false;
	const char *gender = NULL;
	char birth[DT_DATE_STRLEN];
	if (v[FT_GENDER] && !(gender = dt_io_enum_value(f->gender, v[FT_GENDER])))
		return false;
	/*
	 * Every cell through the general path's checks (domain/field.h) but the
	 * national ID's, which dt_trainee_prepare() makes; the region table and
	 * the writer's scope are the store's facts, fetched before the file.
	 */
	struct dt_value in, out;
	int region = 0;
	bool ok = true;
	for (int k = FT_NAME; k < FT_N && ok; k++) {
		const char *text = k == FT_GENDER ? gender : v[k];
		if (!text)
			continue;
		ok = dt_field_read(f->field[k]->type, text, &in, &f->scratch, NULL, NULL) ==
			     DT_OK &&
		     dt_field_check(f->field[k], &in, NULL, &out, &f->norm, NULL, NULL) == DT_OK;
		if (ok && k == FT_BIRTH)
			memcpy(birth, out.text, DT_DATE_STRLEN);
		else if (ok && k == FT_REGION)
			region = (int)out.i;
	}
	if (!ok || region < f->lo || region > f->hi ||
	    !(f->regions[region / 8] & (1u << (region % 8))))
		return false;

	/* the texts live in the same allocation, after the struct */
	size_t need = sizeof(struct dt_trainee_new);
	for (int k = FT_NAME; k < FT_N; k++)
		if (v[k] && k != FT_GENDER && k != FT_BIRTH && k != FT_REGION)
			need += strlen(v[k]) + 1;
	struct dt_trainee_new *t = calloc(1, need);
	if (!t)
		abort();
	char *at = (char *)(t + 1);
	const char **dst[FT_N] = { [FT_NAME] = &t->name,
				   [FT_PHONE] = &t->phone,
				   [FT_EMAIL] = &t->email,
				   [FT_GUARDIAN] = &t->guardian_name };
	for (int k = 0; k < FT_N; k++) {
		if (!dst[k] || !v[k])
			continue;
		size_t n = strlen(v[k]) + 1;
		memcpy(at, v[k], n);
		*dst[k] = at;
		at += n;
	}
	memcpy(t->national_id, v[FT_NATID], strlen(v[FT_NATID]) + 1);
	t->region = region;
	t->registered_by = f->org;
	dt_strbuf_init(&t->after, 0);
	if (dt_trainee_prepare(f->keys, p->today, gender, v[FT_BIRTH] ? birth : NULL, t) != DT_OK) {
		dt_import_trainee_free(t);
		return false;
	}
	/* duplicates within the file: the general path's key, so that both paths see each other */
	char key[DT_NATID_LEN + 2];
	snprintf(key, sizeof(key), "%s\x1f", t->national_id);
	if (!dt_import_seen_put(p->seen, key, p->recno)) {
		dt_import_trainee_free(t);
		return false;
	}
	r->t = t;
	return true;
}

/*
 * The over-long cell of the record being read (see struct dt_import_parser) as an
 * error on @r, worded as for a cell that was read whole: the value is its
 * head, and its length in characters is what the report gives.
 */
static void long_cell_error(struct dt_import_parser *p, struct dt_import_row *r,
			    const struct dt_iocol *c)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	if (c->field && c->field->type == DT_F_TEXT &&
	    (c->kind == DT_IOC_VALUE || c->kind == DT_IOC_STATE || c->kind == DT_IOC_KEY)) {
		size_t max =
			c->kind == DT_IOC_KEY ? DT_IMPORT_KEY_MAX : dt_field_text_max(c->field);
		dt_problem_add(&ps, c->name, "text.too_long", "length", DT_I(p->long_cps), "max",
			       DT_I(max), NULL);
	} else {
		dt_problem_add(&ps, c->name, "import.cell_too_long", "length", DT_I(p->long_cps),
			       "max", DT_I(DT_IMPORT_CELL_MAX), NULL);
	}
	dt_import_row_problem(r, (int)p->long_col, p->long_head ? p->long_head : "", "invalid", c,
			      &ps.v[0]);
	json_object_set_new(json_array_get(r->errs, json_array_size(r->errs) - 1), "length",
			    json_integer((json_int_t)p->long_cps));
	dt_problems_release(&ps);
}

static void read_row(struct dt_import_parser *p)
{
	bool blank = !p->extra_text && p->long_col < 0;
	for (size_t i = 0; i < p->ncells && blank; i++)
		for (const char *c = p->cells[i]; *c && blank; c++)
			if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\n')
				blank = false;
	if (blank)
		return;
	p->rows++;
	for (size_t i = 0; i < p->nfile && i < p->ncells; i++) {
		if (p->map[i] < 0)
			continue;
		char *t = p->cells[i];
		dt_cell_clean(t, p->cols[p->map[i]].codes);
		/* '=SUM(...) is how exports keep text from turning into a formula */
		if (t[0] == '\'' && t[1] && strchr("=+-@", t[1]))
			memmove(t, t + 1, strlen(t));
	}
	if (!p->cur) {
		p->cur = calloc(1, sizeof(*p->cur));
		if (!p->cur)
			abort();
	}
	struct dt_import_row *r = &p->cur->rows[p->cur->n++];
	r->rowno = p->recno;
	if (p->long_col >= 0 && (size_t)p->long_col < p->nfile && p->map[p->long_col] >= 0)
		long_cell_error(p, r, &p->cols[p->map[p->long_col]]);
	if (!p->fast.on || !read_fast(p, r))
		read_general(p, r);
	if (p->cur->n == DT_IMPORT_BATCH_ROWS) {
		struct dt_import_batch *b = p->cur;
		p->cur = NULL;
		p->emit(p, b);
	}
}

/* ---- libcsv callbacks ---- */

/* The cells a record keeps: those under the header, or one more than a header may have. */
static size_t cells_kept(const struct dt_import_parser *p)
{
	return p->have_header ? p->nfile : DT_IMPORT_MAX_FILE_COLS + 1;
}

/*
 * A field of the current record.  Memory stays in proportion to the header
 * whatever a row holds: cells past cells_kept() are only counted, and an
 * over-long one is kept empty (its length noted for the report).
 */
static void on_field(void *data, size_t len, void *ctx)
{
	struct dt_import_parser *p = ctx;
	size_t fc = p->nfields++;
	if (fc >= cells_kept(p)) {
		const char *d = data;
		for (size_t i = 0; i < len && !p->extra_text; i++)
			if (d[i] != ' ' && d[i] != '\t' && d[i] != '\r' && d[i] != '\n')
				p->extra_text = true;
		return;
	}
	if (len > DT_IMPORT_CELL_MAX) {
		if (p->long_col < 0) {
			const unsigned char *d = data;
			size_t cps = 0, head = 0;
			for (size_t i = 0; i < len; i++) {
				if ((d[i] & 0xC0) == 0x80)
					continue;
				if (cps++ == DT_IMPORT_REPORT_VALUE_MAX)
					head = i;
			}
			p->long_col = (int64_t)fc;
			p->long_len = len;
			p->long_cps = cps;
			free(p->long_head);
			p->long_head = strndup(data, head ? head : len);
		}
		len = 0;
	}
	if (p->ncells == p->acells) {
		size_t n = p->acells ? p->acells * 2 : 32;
		char **c = realloc(p->cells, n * sizeof(*c));
		if (!c)
			abort();
		p->cells = c;
		p->acells = n;
	}
	char *s = malloc(len + 1);
	if (!s)
		abort();
	if (len)
		memcpy(s, data, len);
	s[len] = '\0';
	p->cells[p->ncells++] = s;
}

static void clear_cells(struct dt_import_parser *p)
{
	for (size_t i = 0; i < p->ncells; i++)
		free(p->cells[i]);
	p->ncells = 0;
	p->nfields = 0;
	p->extra_text = false;
	p->long_col = -1;
	p->long_len = p->long_cps = 0;
	free(p->long_head);
	p->long_head = NULL;
}

/*
 * Blank lines are reported too (CSV_REPALL_NL) so that row numbers are the
 * ones a spreadsheet shows; the LF of a CRLF comes as an empty record of its
 * own and is dropped.
 */
static void on_row(int c, void *ctx)
{
	struct dt_import_parser *p = ctx;
	bool crlf = p->nfields == 0 && c == '\n' && p->prev == '\r';
	p->prev = c;
	if (crlf)
		return;
	p->recno++;
	if (!p->fatal) {
		if (!p->have_header) {
			if (p->nfields == 0 ||
			    (p->nfields == 1 && !p->cells[0][0] && p->long_col < 0))
				p->recno--; /* leading blank lines are not the header */
			else
				read_header(p);
		} else {
			read_row(p);
		}
	}
	clear_cells(p);
}

/* ---- XLSX: the cells of the first sheet (io/xlsx.c) ---- */

/*
 * A cell of an XLSX row, at column @col: the gap before it is filled with
 * empty cells (as a CSV row has them), as far as the record keeps cells.
 */
static void xlsx_cell(void *ctx, uint32_t col, const char *text, size_t len)
{
	struct dt_import_parser *p = ctx;
	size_t kept = cells_kept(p);
	while (p->nfields < col && p->nfields < kept)
		on_field((void *)"", 0, p);
	if (p->nfields < col)
		p->nfields = col; /* past what is kept: only counted */
	on_field((void *)text, len, p);
}

/*
 * The end of XLSX row @rowno: the row's number is the sheet's, so that the
 * report names the rows Excel shows, blank ones and leading ones included.
 */
static void xlsx_row(void *ctx, int64_t rowno)
{
	struct dt_import_parser *p = ctx;
	p->recno = rowno;
	if (!p->fatal) {
		if (!p->have_header) {
			if (p->nfields > 0 &&
			    !(p->nfields == 1 && !p->cells[0][0] && p->long_col < 0))
				read_header(p);
		} else {
			read_row(p);
		}
	}
	clear_cells(p);
}

static bool xlsx_stop(void *ctx)
{
	struct dt_import_parser *p = ctx;
	if (p->rows > 0 && p->xlsx_sink && p->xlsx_sink->done)
		atomic_store(&p->est_total,
			     (int64_t)((double)p->rows * (double)p->xlsx_sink->total /
				       (double)p->xlsx_sink->done));
	return p->fatal || dt_import_queue_stopped(p->q);
}

/* The workbook in p->data: its first sheet's rows, or a fatal problem worded from the catalogue. */
static void parse_xlsx(struct dt_import_parser *p)
{
	struct dt_xlsx_sink sink = {
		.cell = xlsx_cell, .row = xlsx_row, .stop = xlsx_stop, .ctx = p
	};
	struct dt_problems ps = DT_PROBLEMS_INIT;
	p->xlsx_sink = &sink;
	int rc = dt_xlsx_read(p->data, p->len, NULL, &sink, &ps);
	p->xlsx_sink = NULL;
	const struct dt_problem *pr = dt_problems_first(&ps);
	if (rc != DT_OK && pr) {
		struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
		dt_problem_render(pr, DT_LANG_ZH, false, &zh);
		dt_problem_render(pr, DT_LANG_EN, false, &en);
		dt_import_fatal(p, zh.buf, "%s", en.buf);
		p->fatal_code = pr->code;
		dt_strbuf_release(&zh);
		dt_strbuf_release(&en);
	} else if (rc != DT_OK) {
		dt_import_fatal(p, NULL, "%s", dt_strerror(rc));
		p->fatal = rc;
	}
	dt_problems_release(&ps);
	clear_cells(p);
}

/* Parse the whole buffer, emitting batches; then the end. */
void dt_import_parse_all(struct dt_import_parser *p)
{
	if (p->xlsx) {
		parse_xlsx(p);
		goto end;
	}
	struct csv_parser cp;
	if (csv_init(&cp, CSV_APPEND_NULL | CSV_REPALL_NL) != 0) {
		dt_import_fatal(p, NULL, "out of memory");
		p->fatal = DT_ENOMEM;
		return;
	}
	/*
	 * libcsv grows a field's buffer by this much at a time: big steps keep
	 * a 10 MB cell linear; no field is longer than the file, so a small
	 * file does not need a megabyte for its first.
	 */
	csv_set_blk_size(&cp, p->len < ((size_t)1 << 20) ? p->len + 1 : (size_t)1 << 20);
	while (p->consumed < p->len && !p->fatal && !dt_import_queue_stopped(p->q)) {
		size_t n = p->len - p->consumed < DT_IMPORT_CHUNK ? p->len - p->consumed
								  : DT_IMPORT_CHUNK;
		if (csv_parse(&cp, p->data + p->consumed, n, on_field, on_row, p) != n) {
			dt_import_fatal(p, "CSV格式错误", "CSV: %s near record %lld",
					csv_strerror(csv_error(&cp)), (long long)p->recno + 1);
			break;
		}
		p->consumed += n;
		if (p->rows > 0)
			atomic_store(&p->est_total, (int64_t)((double)p->rows * (double)p->len /
							      (double)p->consumed));
	}
	if (!p->fatal && !dt_import_queue_stopped(p->q) && csv_fini(&cp, on_field, on_row, p) != 0)
		dt_import_fatal(p, "CSV格式错误：文件末尾的引号没有闭合",
				"CSV: %s at the end of the file (a quote is not closed?)",
				csv_strerror(csv_error(&cp)));
	csv_free(&cp);
	clear_cells(p);
end:
	if (!p->have_header && !p->fatal)
		dt_import_fatal(p, "文件为空：需要表头行",
				"the file is empty: a header row is required");
	atomic_store(&p->est_total, p->rows);
	if (p->cur && p->cur->n) {
		struct dt_import_batch *b = p->cur;
		p->cur = NULL;
		p->emit(p, b);
	}
	free(p->cur);
	p->cur = NULL;
}

void *dt_import_parser_main(void *arg)
{
	struct dt_import_parser *p = arg;
	dt_import_parse_all(p);
	pthread_mutex_lock(&p->q->mu);
	p->q->done = true;
	pthread_cond_broadcast(&p->q->cv);
	pthread_mutex_unlock(&p->q->mu);
	return NULL;
}
