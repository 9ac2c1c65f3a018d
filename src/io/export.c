/*
 * export.c - CSV and XLSX exports of the records of one kind, templates
 * and generated sample files.
 *
 * One row writer serves both formats (struct sink): CSV lines built in a
 * strbuf and written with stdio, or cells of a libxlsxwriter worksheet in
 * constant-memory mode (rows are streamed to a temporary file, so a large
 * export does not grow the process).  Records come from dt_store_list()
 * page by page (1000 a page, by id) with the caller's filters and scope;
 * references are written as the keys an import reads back (credit code,
 * national ID, code), looked up once per referred record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/common.h"
#include "core/date.h"
#include "core/utf8.h"
#include "domain/field.h"
#include "domain/natid.h"
#include "domain/uscc.h"
#include "io/export.h"
#include "io/import.h"
#include "core/banned.h"

#define PAGE 1000
#define XLSX_MAX_ROWS 1048576
#define XLSX_CELL_MAX 32767 /* UTF-16 units an Excel cell holds (libxlsxwriter refuses more) */

/* What ends an XLSX cell that was cut to fit: 6 UTF-16 units. */
static const char cut_mark[] = "…[已截断]";
#define CUT_MARK_UNITS 6

/* ---- the row writer ---- */

/* CELL_TIME: an instant, @text already in the pilot's local time ("2026-03-01 14:05") */
enum cell_type { CELL_NONE, CELL_TEXT, CELL_INT, CELL_REAL, CELL_DATE, CELL_TIME };

struct sink {
	int format;
	FILE *f;
	bool close_f;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *hdr, *hdr_req, *date, *time;
	uint32_t row;
	uint16_t col;
	struct dt_strbuf line;
	bool failed;
};

static enum dt_err sink_open(struct sink *k, int format, const char *path, struct dt_strbuf *err)
{
	memset(k, 0, sizeof(*k));
	k->format = format;
	dt_strbuf_init(&k->line, 0);
	if (format == DT_EXPORT_CSV) {
		if (!strcmp(path, "-")) {
			k->f = stdout;
		} else {
			k->f = fopen(path, "wb");
			k->close_f = true;
		}
		if (!k->f)
			return dt_error(err, DT_EIO, "%s: %s", path, strerror(errno));
		fputs("\xEF\xBB\xBF", k->f);
		return DT_OK;
	}
	if (!strcmp(path, "-"))
		return dt_error(err, DT_EINVAL,
				"an XLSX file cannot go to stdout: give -o FILE.xlsx");
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE,
				     .tmpdir = NULL,
				     .use_zip64 = LXW_TRUE };
	k->wb = workbook_new_opt(path, &opt);
	if (!k->wb)
		return dt_error(err, DT_EIO, "%s: cannot create the workbook", path);
	k->hdr = workbook_add_format(k->wb);
	format_set_bold(k->hdr);
	format_set_font_color(k->hdr, LXW_COLOR_WHITE);
	format_set_bg_color(k->hdr, 0x1F4E78);
	format_set_border(k->hdr, LXW_BORDER_THIN);
	format_set_align(k->hdr, LXW_ALIGN_CENTER);
	format_set_align(k->hdr, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(k->hdr);
	/* required columns stand out in templates */
	k->hdr_req = workbook_add_format(k->wb);
	format_set_bold(k->hdr_req);
	format_set_font_color(k->hdr_req, LXW_COLOR_WHITE);
	format_set_bg_color(k->hdr_req, 0xC00000);
	format_set_border(k->hdr_req, LXW_BORDER_THIN);
	format_set_align(k->hdr_req, LXW_ALIGN_CENTER);
	format_set_align(k->hdr_req, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(k->hdr_req);
	k->date = workbook_add_format(k->wb);
	format_set_num_format(k->date, "yyyy-mm-dd");
	k->time = workbook_add_format(k->wb);
	format_set_num_format(k->time, "yyyy-mm-dd hh:mm");
	return DT_OK;
}

static enum dt_err sink_sheet(struct sink *k, const char *name)
{
	if (k->format != DT_EXPORT_XLSX)
		return DT_OK;
	k->ws = workbook_add_worksheet(k->wb, name);
	k->row = 0;
	k->col = 0;
	return k->ws ? DT_OK : DT_EIO;
}

/* A CSV field: quoted when it must be. */
static void csv_field(struct dt_strbuf *sb, const char *s)
{
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
		dt_strbuf_adds(sb, s);
		return;
	}
	dt_strbuf_addch(sb, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			dt_strbuf_addch(sb, '"');
		dt_strbuf_addch(sb, *p);
	}
	dt_strbuf_addch(sb, '"');
}

/*
 * Write @text as a string cell of the XLSX sheet.  Text longer than a cell
 * holds is cut at a character boundary and ends with cut_mark, so that a
 * record stored before its field had a limit still exports (and shows that
 * it was cut) instead of failing the whole file.
 */
static lxw_error xlsx_string(struct sink *k, const char *text, lxw_format *fmt)
{
	size_t len = strlen(text), units = 0, keep = 0;
	if (len <= XLSX_CELL_MAX) /* no fewer bytes than UTF-16 units: it fits */
		return worksheet_write_string(k->ws, k->row, k->col, text, fmt);
	for (size_t i = 0; i < len && units <= XLSX_CELL_MAX;) {
		uint32_t cp = 0;
		size_t n = dt_utf8_decode(text + i, len - i, &cp);
		if (!n)
			n = 1; /* a stray byte: one unit, as the replacement character it shows as */
		units += cp > 0xFFFF ? 2 : 1;
		i += n;
		if (units <= XLSX_CELL_MAX - CUT_MARK_UNITS)
			keep = i;
	}
	if (units <= XLSX_CELL_MAX)
		return worksheet_write_string(k->ws, k->row, k->col, text, fmt);
	struct dt_strbuf cut = DT_STRBUF_INIT;
	dt_strbuf_init(&cut, keep + sizeof(cut_mark) + 1);
	dt_strbuf_add(&cut, text, keep);
	dt_strbuf_adds(&cut, cut_mark);
	lxw_error e = dt_strbuf_ok(&cut)
			      ? worksheet_write_string(k->ws, k->row, k->col, cut.buf, fmt)
			      : LXW_ERROR_MEMORY_MALLOC_FAILED;
	dt_strbuf_release(&cut);
	return e;
}

/* Write one cell; @text is its text form (for CSV, and XLSX strings). */
static void sink_cell(struct sink *k, enum cell_type t, const char *text, double num,
		      lxw_format *fmt)
{
	if (k->format == DT_EXPORT_CSV) {
		if (k->col)
			dt_strbuf_addch(&k->line, ',');
		if (t == CELL_TEXT && text[0] && strchr("=+-@", text[0])) {
			/* no formulas from data: Excel shows '=... as text (imports drop the ') */
			struct dt_strbuf q = DT_STRBUF_INIT;
			dt_strbuf_addch(&q, '\'');
			dt_strbuf_adds(&q, text);
			csv_field(&k->line, q.buf);
			dt_strbuf_release(&q);
		} else if (t != CELL_NONE) {
			csv_field(&k->line, text);
		}
		k->col++;
		return;
	}
	lxw_error e = LXW_NO_ERROR;
	switch (t) {
	case CELL_NONE: break;
	case CELL_INT:
	case CELL_REAL: e = worksheet_write_number(k->ws, k->row, k->col, num, NULL); break;
	case CELL_DATE: {
		struct dt_date d;
		if (dt_date_parse(text, &d, NULL, NULL) == DT_OK) {
			lxw_datetime dt = { d.year, d.month, d.day, 0, 0, 0 };
			e = worksheet_write_datetime(k->ws, k->row, k->col, &dt, k->date);
		} else {
			e = xlsx_string(k, text, NULL);
		}
		break;
	}
	case CELL_TEXT: e = xlsx_string(k, text, fmt); break;
	case CELL_TIME: {
		int y, mo, d, hh, mi;
		if (sscanf(text, "%4d-%2d-%2d %2d:%2d", &y, &mo, &d, &hh, &mi) == 5) {
			lxw_datetime dt = { y, mo, d, hh, mi, 0 };
			e = worksheet_write_datetime(k->ws, k->row, k->col, &dt, k->time);
		} else {
			e = xlsx_string(k, text, NULL);
		}
		break;
	}
	}
	if (e != LXW_NO_ERROR)
		k->failed = true;
	k->col++;
}

static enum dt_err sink_end_row(struct sink *k, struct dt_strbuf *err)
{
	if (k->format == DT_EXPORT_CSV) {
		dt_strbuf_adds(&k->line, "\r\n");
		if (!dt_strbuf_ok(&k->line) ||
		    fwrite(k->line.buf, 1, k->line.len, k->f) != k->line.len)
			return dt_error(err, DT_EIO, "writing the CSV file: %s", strerror(errno));
		dt_strbuf_reset(&k->line);
	} else if (k->failed) {
		return dt_error(err, DT_EIO, "writing the XLSX sheet failed at row %u", k->row + 1);
	} else if (k->row + 1 >= XLSX_MAX_ROWS) {
		return dt_error(err, DT_EINVAL,
				"more than %d records do not fit in an XLSX sheet: export CSV",
				XLSX_MAX_ROWS - 1);
	}
	k->row++;
	k->col = 0;
	return DT_OK;
}

static enum dt_err sink_close(struct sink *k, int rc, const char *path, struct dt_strbuf *err)
{
	if (k->format == DT_EXPORT_CSV && k->f) {
		if (fflush(k->f) != 0 && rc == DT_OK)
			rc = dt_error(err, DT_EIO, "%s: %s", path, strerror(errno));
		if (k->close_f && fclose(k->f) != 0 && rc == DT_OK)
			rc = dt_error(err, DT_EIO, "%s: %s", path, strerror(errno));
	} else if (k->wb) {
		lxw_error e = workbook_close(k->wb);
		if (e != LXW_NO_ERROR && rc == DT_OK)
			rc = dt_error(err, DT_EIO, "%s: %s", path, lxw_strerror(e));
	}
	dt_strbuf_release(&k->line);
	if (rc != DT_OK && strcmp(path, "-"))
		unlink(path);
	return rc;
}

/* ---- columns ---- */

/* With export flags: the reader sees personal data coarsened (dt_store_coarse). */
#define EXPORT_COARSE (1u << 16)

static const char *col_header(const struct dt_iocol *c, unsigned flags)
{
	/* The store shows such a reader the year of a birth date: say so. */
	if ((flags & EXPORT_COARSE) && c->field && (c->field->flags & DT_FF_QUASI) &&
	    c->field->type == DT_F_DATE)
		return flags & DT_EXPORT_EN ? "birth_year" : "出生年份";
	return flags & DT_EXPORT_EN ? c->name : c->label_zh;
}

/* Display width for a column: its header, or what its values usually need. */
static double col_width(const struct dt_iocol *c, unsigned flags)
{
	double w = (double)dt_utf8_width(col_header(c, flags)) + 2;
	double v = 12;
	if (c->pii || (c->kind == DT_IOC_KEY && !strcmp(c->ref, "organization")))
		v = 21;
	else if (c->type == DT_F_DATE)
		v = 12;
	else if (c->type == DT_F_TIME)
		v = 25;
	else if (c->type == DT_F_INT || c->type == DT_F_REAL || c->type == DT_F_REF)
		v = 10;
	else if (c->type == DT_F_TEXT)
		v = c->field && c->field->max > 100 ? 40 : 18;
	if (w < v)
		w = v;
	return w > 50 ? 50 : w;
}

static enum dt_err write_header(struct sink *k, const struct dt_iocol *cols, size_t n,
				unsigned flags, bool mark_required, struct dt_strbuf *err)
{
	for (size_t i = 0; i < n; i++) {
		if (k->format == DT_EXPORT_XLSX)
			worksheet_set_column(k->ws, (lxw_col_t)i, (lxw_col_t)i,
					     col_width(&cols[i], flags), NULL);
		sink_cell(k, CELL_TEXT, col_header(&cols[i], flags), 0,
			  mark_required && cols[i].required ? k->hdr_req : k->hdr);
	}
	if (k->format == DT_EXPORT_XLSX) {
		worksheet_set_row(k->ws, 0, 30, NULL);
		worksheet_freeze_panes(k->ws, 1, 0);
	}
	return sink_end_row(k, err);
}

/* The type of cell a column's values take. */
static enum cell_type cell_type_of(const struct dt_iocol *c)
{
	switch (c->kind == DT_IOC_KEY ? DT_F_TEXT : c->type) {
	case DT_F_INT:
	case DT_F_REF: return CELL_INT;
	case DT_F_REAL: return CELL_REAL;
	case DT_F_DATE: return CELL_DATE;
	default: return CELL_TEXT;
	}
}

/* Write JSON value @v in column @c. */
static void value_cell(struct sink *k, const struct dt_iocol *c, json_t *v, unsigned flags)
{
	if (!v || json_is_null(v)) {
		sink_cell(k, CELL_NONE, "", 0, NULL);
		return;
	}
	char buf[64];
	enum cell_type t = cell_type_of(c);
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		sink_cell(k, t == CELL_TEXT ? CELL_TEXT : CELL_INT, buf,
			  (double)json_integer_value(v), NULL);
	} else if (json_is_real(v)) {
		snprintf(buf, sizeof(buf), "%.15g", json_real_value(v));
		sink_cell(k, CELL_REAL, buf, json_real_value(v), NULL);
	} else if (json_is_boolean(v)) {
		const char *s = json_is_true(v) ? (flags & DT_EXPORT_EN ? "true" : "是")
						: (flags & DT_EXPORT_EN ? "false" : "否");
		sink_cell(k, CELL_TEXT, s, 0, NULL);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char local[DT_LOCAL_STRLEN];
		if (c->field && c->field->type == DT_F_ENUM && !(flags & DT_EXPORT_EN))
			s = dt_io_enum_zh(c->field, s);
		/* instants in the pilot's local time (Beijing, UTC+8), to the minute */
		if (c->type == DT_F_TIME && dt_time_local(s, local)) {
			sink_cell(k, CELL_TIME, local, 0, NULL);
			return;
		}
		sink_cell(k, t == CELL_DATE ? CELL_DATE : CELL_TEXT, s, 0, NULL);
	}
}

/* ---- exporting records ---- */

struct exporter {
	struct dt_store *s;
	const struct dt_export_opts *o;
	const struct dt_entity *e;
	json_t *keys;     /* {"entity:id": key text} */
	json_t *names;    /* {"entity:id": name} */
	json_t *revealed; /* trainee ids shown unmasked */
};

/* Remember that trainee @id was shown in clear. */
static void reveal(struct exporter *x, int64_t id)
{
	json_array_append_new(x->revealed, json_integer(id));
}

/* The key text an import reads for record @id of @entity (masked IDs unless unmasked). */
static const char *key_of(struct exporter *x, const char *entity, int64_t id)
{
	char ck[64];
	snprintf(ck, sizeof(ck), "%s:%lld", entity, (long long)id);
	json_t *hit = json_object_get(x->keys, ck);
	if (hit)
		return json_string_value(hit);
	json_t *o = NULL;
	const char *field = !strcmp(entity, "organization") ? "uscc"
			    : !strcmp(entity, "trainee")    ? "national_id"
			    : !strcmp(entity, "pilot")      ? "region"
							    : "code";
	bool unmask = !strcmp(entity, "trainee") && (x->o->flags & DT_EXPORT_UNMASK);
	const char *text = "";
	if (dt_store_get(x->s, NULL, entity, id, unmask ? DT_READ_UNMASK : 0, &o, NULL) == DT_OK)
		text = json_string_value(json_object_get(o, field));
	if (unmask)
		reveal(x, id);
	json_object_set_new(x->keys, ck, json_string(text ? text : ""));
	json_decref(o);
	return json_string_value(json_object_get(x->keys, ck));
}

/*
 * The name of record @id of @entity as a list shows it (a contract: its
 * trainee's; a region: with its parents, "辽宁省 沈阳市 铁西区", as the UI's
 * region search shows it, so that the three 铁西区 are told apart), English
 * where there is one and @x asks for it; "" when there is none.  Cached per
 * record.
 */
static const char *name_of(struct exporter *x, const char *entity, int64_t id)
{
	char ck[64];
	snprintf(ck, sizeof(ck), "%s:%lld", entity, (long long)id);
	json_t *hit = json_object_get(x->names, ck);
	if (hit)
		return json_string_value(hit);
	json_t *o = NULL;
	const char *text = "";
	bool en = x->o->flags & DT_EXPORT_EN;
	if (!strcmp(entity, "contract")) {
		if (dt_store_get(x->s, NULL, "contract", id, 0, &o, NULL) == DT_OK)
			text = name_of(x, "trainee",
				       json_integer_value(json_object_get(o, "trainee_id")));
	} else if (dt_store_get(x->s, NULL, entity, id, 0, &o, NULL) == DT_OK) {
		const char *zh = json_string_value(json_object_get(o, "name_zh"));
		const char *e = json_string_value(json_object_get(o, "name_en"));
		const char *plain = json_string_value(json_object_get(o, "name"));
		text = en && e && *e ? e : zh ? zh : plain ? plain : "";
	}
	int64_t parent = !strcmp(entity, "region") && o
				 ? json_integer_value(json_object_get(o, "parent"))
				 : 0;
	if (parent > 0 && parent != id && *text) {
		struct dt_strbuf path = DT_STRBUF_INIT;
		const char *up = name_of(x, "region", parent); /* cached: one look-up a level */
		dt_strbuf_addf(&path, "%s%s%s", up, *up ? " " : "", text);
		json_object_set_new(x->names, ck, json_string(path.buf));
		dt_strbuf_release(&path);
	} else {
		json_object_set_new(x->names, ck, json_string(text));
	}
	json_decref(o);
	return json_string_value(json_object_get(x->names, ck));
}

static enum dt_err write_record(struct exporter *x, struct sink *k, const struct dt_iocol *cols,
				size_t n, json_t *item, struct dt_strbuf *err)
{
	json_t *clear = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct dt_iocol *c = &cols[i];
		json_t *v = json_object_get(item, c->field->name);
		if (c->name_of) {
			int64_t id = 0;
			if (json_is_integer(v))
				id = json_integer_value(v);
			else if (json_is_string(v))
				id = strtoll(json_string_value(v), NULL, 10); /* a region code */
			const char *nm = id > 0 ? name_of(x, c->ref, id) : "";
			sink_cell(k, *nm ? CELL_TEXT : CELL_NONE, nm, 0, NULL);
		} else if (c->kind == DT_IOC_KEY && json_is_integer(v)) {
			int64_t id = json_integer_value(v);
			if (!strcmp(c->ref, "contract")) {
				json_t *ct = NULL;
				const char *t = "";
				if (dt_store_get(x->s, NULL, "contract", id, 0, &ct, NULL) == DT_OK)
					t = key_of(x, "trainee",
						   json_integer_value(
							   json_object_get(ct, "trainee_id")));
				sink_cell(k, CELL_TEXT, t, 0, NULL);
				json_decref(ct);
			} else {
				sink_cell(k, CELL_TEXT, key_of(x, c->ref, id), 0, NULL);
			}
		} else if (c->kind == DT_IOC_CONTRACT_DATE && json_is_integer(v)) {
			json_t *ct = NULL;
			if (dt_store_get(x->s, NULL, "contract", json_integer_value(v), 0, &ct,
					 NULL) == DT_OK)
				value_cell(k, c, json_object_get(ct, "start_date"), x->o->flags);
			else
				sink_cell(k, CELL_NONE, "", 0, NULL);
			json_decref(ct);
		} else if (c->pii && (x->o->flags & DT_EXPORT_UNMASK)) {
			int64_t id = json_integer_value(json_object_get(item, "id"));
			if (!clear && dt_store_get(x->s, NULL, x->e->name, id, DT_READ_UNMASK,
						   &clear, err) != DT_OK)
				return DT_ECRYPTO;
			value_cell(k, c, json_object_get(clear, c->field->name), x->o->flags);
			reveal(x, id);
		} else {
			value_cell(k, c, v, x->o->flags);
		}
	}
	json_decref(clear);
	return sink_end_row(k, err);
}

/* [[first, last], ...] of sorted @ids: what an audit event names compactly. */
static json_t *id_ranges(json_t *ids)
{
	size_t n = json_array_size(ids);
	int64_t *v = malloc((n ? n : 1) * sizeof(*v));
	json_t *out = json_array();
	if (!v)
		return out;
	for (size_t i = 0; i < n; i++)
		v[i] = json_integer_value(json_array_get(ids, i));
	/* insertion into order: ids come mostly sorted */
	for (size_t i = 1; i < n; i++) {
		int64_t t = v[i];
		size_t j = i;
		while (j > 0 && v[j - 1] > t) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = t;
	}
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && v[j + 1] <= v[j] + 1)
			j++;
		json_array_append_new(out, json_pack("[I, I]", (json_int_t)v[i], (json_int_t)v[j]));
		i = j + 1;
	}
	free(v);
	return out;
}

const struct dt_entity *dt_export_entity(const char *kind)
{
	const struct dt_entity *e = dt_entity_find(kind);
	struct dt_strbuf alt = DT_STRBUF_INIT;
	for (int pass = 0; !e && pass < 2; pass++) {
		dt_strbuf_reset(&alt);
		for (const char *c = kind; *c; c++)
			dt_strbuf_addch(&alt, *c == (pass ? '_' : '-') ? (pass ? '-' : '_') : *c);
		e = dt_entity_find(alt.buf);
	}
	dt_strbuf_release(&alt);
	return e;
}

int dt_export_format_parse(const char *s)
{
	if (!strcasecmp(s, "csv"))
		return DT_EXPORT_CSV;
	if (!strcasecmp(s, "xlsx"))
		return DT_EXPORT_XLSX;
	return -1;
}

enum dt_err dt_export(struct dt_store *s, const struct dt_export_opts *o, const char *path,
		      int64_t *count, struct dt_strbuf *err)
{
	const struct dt_entity *e = dt_export_entity(o->kind);
	if (!e)
		return dt_error(err, DT_EINVAL, "kind: '%s' is not a kind of record", o->kind);
	size_t n;
	const struct dt_iocol *cols = dt_iocols(e, &n);
	struct dt_query q;
	memset(&q, 0, sizeof(q));
	if (o->query) {
		q.filters = o->query->filters;
		q.nfilters = o->query->nfilters;
		q.q = o->query->q;
	}
	q.limit = PAGE;
	int64_t total = 0, done = 0;
	int rc = dt_store_count(s, o->scope, e->name, &q, &total, err);
	if (rc != DT_OK)
		return rc;
	struct exporter x = { s, o, e, json_object(), json_object(), json_array() };
	struct sink k;
	char *cursor = NULL;
	rc = sink_open(&k, o->format, path, err);
	if (rc == DT_OK) {
		char sheet[32];
		snprintf(sheet, sizeof(sheet), "%s",
			 o->flags & DT_EXPORT_EN ? e->plural : e->label_zh);
		rc = sink_sheet(&k, sheet);
		if (rc != DT_OK)
			dt_error(err, rc, "%s: cannot add a worksheet", path);
	}
	if (rc == DT_OK)
		rc = write_header(&k, cols, n, o->flags | (dt_store_coarse(s) ? EXPORT_COARSE : 0),
				  false, err);
	while (rc == DT_OK) {
		json_t *items = NULL;
		char *next = NULL;
		q.cursor = cursor;
		rc = dt_store_list(s, o->scope, e->name, &q, &items, &next, err);
		free(cursor);
		cursor = next;
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			if (rc == DT_OK)
				rc = write_record(&x, &k, cols, n, it, err);
			done++;
		}
		json_decref(items);
		if (o->progress)
			o->progress(o->progress_ctx, done, total > done ? total : done);
		if (!cursor)
			break;
	}
	free(cursor);
	if (rc == DT_OK && k.format == DT_EXPORT_XLSX && k.row > 1)
		worksheet_autofilter(k.ws, 0, 0, k.row - 1, (lxw_col_t)(n - 1));
	rc = sink_close(&k, rc, path, err);
	/* Shown in clear: on the record before the export counts as done. */
	if (rc == DT_OK && json_array_size(x.revealed)) {
		json_t *after = json_pack("{s:s, s:I, s:o}", "export", e->name, "count",
					  (json_int_t)json_array_size(x.revealed), "trainee_ids",
					  id_ranges(x.revealed));
		rc = dt_store_audit(s, o->actor, "trainee.unmask_export", "trainee", 0, NULL, after,
				    err);
		json_decref(after);
		if (rc != DT_OK && strcmp(path, "-"))
			unlink(path);
	}
	json_decref(x.keys);
	json_decref(x.names);
	json_decref(x.revealed);
	if (rc == DT_OK && count)
		*count = done;
	return rc;
}

/* ---- templates and samples ---- */

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
	"徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"
};
static const char *const given[] = { "伟", "芳",   "娜",   "秀英", "敏",   "静",   "丽",
				     "强", "磊",   "军",   "洋",   "勇",   "艳",   "杰",
				     "娟", "涛",   "明",   "超",   "秀兰", "霞",   "平",
				     "刚", "桂英", "浩然", "子涵", "宇航", "欣怡", "梓轩" };
static const int sample_regions[] = { 210102, 210103, 210104, 210105, 210106,
				      210111, 210112, 210302, 211102, 210202 };

/* A valid, made-up national ID for sample @i (distinct for i < 29 million). */
static void sample_natid(int64_t i, char out[DT_NATID_LEN + 1], char birth[DT_DATE_STRLEN])
{
	int64_t nr = (int64_t)DT_ARRAY_SIZE(sample_regions);
	int region = sample_regions[i % nr];
	int64_t rest = i / nr;
	struct dt_date d =
		dt_date_add_days((struct dt_date){ 1998, 1, 1 }, (int32_t)((rest / 1000) % 2900));
	snprintf(out, DT_NATID_LEN + 1, "%06d%04d%02d%02d%03d", region, d.year, d.month, d.day,
		 (int)(rest % 1000));
	out[17] = dt_natid_check_char(out);
	out[18] = '\0';
	dt_date_format(d, birth);
}

/* A valid credit code for a made-up organisation @i in @region. */
static void sample_uscc(int64_t i, int region, char out[DT_USCC_LEN + 1])
{
	snprintf(out, DT_USCC_LEN + 1, "91%06dMA%06lld", region, (long long)(i % 1000000));
	out[16] = dt_orgcode_check_char(out + 8);
	out[17] = dt_uscc_check_char(out);
	out[18] = '\0';
}

/* Example text for column @c of @e in sample row @i. */
static void sample_value(const struct dt_entity *e, const struct dt_iocol *c, int64_t i,
			 unsigned flags, struct dt_strbuf *out, enum cell_type *t)
{
	const struct dt_field *f = c->field;
	const char *n = c->name;
	char buf[64], birth[DT_DATE_STRLEN];
	*t = cell_type_of(c);
	if (c->kind == DT_IOC_KEY) {
		if (c->pii) {
			sample_natid(i, buf, birth);
			dt_strbuf_adds(out, buf);
		} else if (!strcmp(c->ref, "organization")) {
			sample_uscc(i + (strstr(n, "school") ? 500000 : 0), 210102, buf);
			dt_strbuf_adds(out, buf);
		} else if (!strcmp(c->ref, "occupation")) {
			dt_strbuf_adds(out, "6-18-01-01");
		} else if (!strcmp(c->ref, "pilot")) {
			dt_strbuf_adds(out, "210100");
		} else {
			dt_strbuf_addf(out, "P-%04lld", (long long)(i + 1));
		}
		return;
	}
	if (c->kind == DT_IOC_CONTRACT_DATE) {
		dt_strbuf_adds(out, "2025-09-01");
		return;
	}
	if (!strcmp(e->name, "trainee")) {
		sample_natid(i, buf, birth);
		if (!strcmp(n, "national_id")) {
			dt_strbuf_adds(out, buf);
			return;
		}
		if (!strcmp(n, "name")) {
			dt_strbuf_addf(out, "%s%s", surnames[i % 20], given[(i / 20) % 28]);
			return;
		}
		if (!strcmp(n, "gender")) {
			const char *g = (buf[16] - '0') % 2 ? "M" : "F";
			dt_strbuf_adds(out, flags & DT_EXPORT_EN ? g : dt_io_enum_zh(f, g));
			return;
		}
		if (!strcmp(n, "birth_date")) {
			dt_strbuf_adds(out, birth);
			return;
		}
		if (!strcmp(n, "region")) {
			dt_strbuf_addf(out, "%06d", sample_regions[i % 10]);
			return;
		}
		if (!strcmp(n, "phone")) {
			dt_strbuf_addf(out, "138%08lld", (long long)(i % 100000000));
			return;
		}
		if (!strcmp(n, "email") || !strcmp(n, "guardian_name")) {
			*t = CELL_NONE;
			return;
		}
	}
	/* a contract names its mentors, by name here (or by the register's id) */
	if (!strcmp(e->name, "contract") &&
	    (!strcmp(n, "company_mentor") || !strcmp(n, "school_mentor"))) {
		dt_strbuf_adds(out, n[0] == 'c' ? "王建国" : "李红");
		return;
	}
	if (!strcmp(e->name, "organization") && !strcmp(n, "uscc")) {
		sample_uscc(i, 210102, buf);
		dt_strbuf_adds(out, buf);
		return;
	}
	if (!strcmp(e->name, "organization") && !strcmp(n, "name")) {
		dt_strbuf_addf(out, "沈阳示例装备制造有限公司%lld", (long long)(i + 1));
		return;
	}
	switch (f->type) {
	case DT_F_TEXT:
		if (!strcmp(n, "code"))
			dt_strbuf_addf(out, "P-%04lld", (long long)(i + 1));
		else if (f->check || !(f->flags & DT_FF_REQUIRED))
			*t = CELL_NONE;
		else
			dt_strbuf_addf(out, "%s", f->label_zh);
		return;
	case DT_F_INT: {
		static const struct {
			const char *name, *value;
		} ints[] = { { "stipend_monthly", "2500" },
			     { "level", "4" },
			     { "duration_months", "36" },
			     { "company_hours", "2400" },
			     { "school_hours", "1200" } };
		for (size_t k = 0; k < DT_ARRAY_SIZE(ints); k++) {
			if (!strcmp(n, ints[k].name)) {
				dt_strbuf_adds(out, ints[k].value);
				return;
			}
		}
		/* a year where the range starts at one, else the smallest value, else 1 */
		dt_strbuf_addf(out, "%lld",
			       (long long)(f->min >= 2000 ? 2026
					   : f->min > 0   ? f->min
							  : 1));
		return;
	}
	case DT_F_REAL: dt_strbuf_adds(out, "8"); return;
	case DT_F_DATE:
		dt_strbuf_adds(out, strstr(n, "end") ? "2028-08-31" : "2025-09-01");
		if (!(f->flags & DT_FF_REQUIRED) && strstr(n, "end"))
			*t = CELL_NONE;
		return;
	case DT_F_BOOL: dt_strbuf_adds(out, flags & DT_EXPORT_EN ? "false" : "否"); return;
	case DT_F_ENUM: {
		const char *bar = strchr(f->values, '|');
		struct dt_strbuf w = DT_STRBUF_INIT;
		dt_strbuf_add(&w, f->values, bar ? (size_t)(bar - f->values) : strlen(f->values));
		dt_strbuf_adds(out, flags & DT_EXPORT_EN ? w.buf : dt_io_enum_zh(f, w.buf));
		dt_strbuf_release(&w);
		if (c->kind == DT_IOC_STATE)
			*t = CELL_NONE;
		return;
	}
	case DT_F_REGION: dt_strbuf_adds(out, "210102"); return;
	default: *t = CELL_NONE; return;
	}
}

/* The XLSX template's second sheet: what each column takes. */
static enum dt_err notes_sheet(struct sink *k, const struct dt_iocol *cols, size_t n,
			       struct dt_strbuf *err)
{
	static const char *const head[] = { "列名（中文）", "Column", "必填 Required",
					    "格式 Format" };
	if (sink_sheet(k, "说明 Notes") != DT_OK)
		return dt_error(err, DT_EIO, "cannot add the notes sheet");
	double widths[] = { 24, 28, 14, 60 };
	for (int i = 0; i < 4; i++) {
		worksheet_set_column(k->ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
		sink_cell(k, CELL_TEXT, head[i], 0, k->hdr);
	}
	int rc = sink_end_row(k, err);
	for (size_t i = 0; i < n && rc == DT_OK; i++) {
		const struct dt_iocol *c = &cols[i];
		if (c->kind == DT_IOC_SYSTEM)
			continue;
		struct dt_strbuf fmt = DT_STRBUF_INIT;
		switch (c->kind == DT_IOC_KEY ? DT_F_TEXT : c->type) {
		case DT_F_DATE: dt_strbuf_adds(&fmt, "日期 date: YYYY-MM-DD"); break;
		case DT_F_INT:
			dt_strbuf_adds(&fmt, "整数 whole number");
			if (c->field->min || c->field->max)
				dt_strbuf_addf(&fmt, " %lld..%lld", (long long)c->field->min,
					       (long long)c->field->max);
			break;
		case DT_F_REAL: dt_strbuf_adds(&fmt, "数字 number"); break;
		case DT_F_REGION:
			dt_strbuf_adds(&fmt, "行政区划代码 region code, e.g. 210102");
			break;
		case DT_F_ENUM:
			dt_strbuf_adds(&fmt, "取值 one of: ");
			for (const char *p = c->field->values; *p;) {
				const char *bar = strchr(p, '|');
				size_t len = bar ? (size_t)(bar - p) : strlen(p);
				struct dt_strbuf w = DT_STRBUF_INIT;
				dt_strbuf_add(&w, p, len);
				dt_strbuf_addf(&fmt, "%s%s (%s)", p == c->field->values ? "" : ", ",
					       w.buf, dt_io_enum_zh(c->field, w.buf));
				dt_strbuf_release(&w);
				p = bar ? bar + 1 : p + len;
			}
			break;
		default:
			if (c->pii)
				dt_strbuf_adds(&fmt, "18位身份证号 18-character national ID");
			else if (c->kind == DT_IOC_KEY && !strcmp(c->ref, "organization"))
				dt_strbuf_adds(&fmt,
					       "18位统一社会信用代码 18-character credit code");
			else
				dt_strbuf_addf(&fmt, "文本 text, at most %lld characters",
					       (long long)dt_field_text_max(c->field));
		}
		sink_cell(k, CELL_TEXT, c->label_zh, 0, NULL);
		sink_cell(k, CELL_TEXT, c->name, 0, NULL);
		sink_cell(k, CELL_TEXT, c->required ? "是 yes" : "否 no", 0, NULL);
		sink_cell(k, CELL_TEXT, fmt.buf, 0, NULL);
		dt_strbuf_release(&fmt);
		rc = sink_end_row(k, err);
	}
	return rc;
}

enum dt_err dt_export_template(const char *kind, int format, unsigned flags, int64_t rows,
			       const char *path, struct dt_strbuf *err)
{
	const struct dt_entity *e = dt_export_entity(kind);
	if (!e)
		return dt_error(err, DT_EINVAL, "kind: '%s' is not a kind of record", kind);
	size_t n, nin = 0;
	const struct dt_iocol *cols = dt_iocols(e, &n);
	while (nin < n && cols[nin].kind != DT_IOC_SYSTEM)
		nin++;
	struct sink k;
	int rc = sink_open(&k, format, path, err);
	if (rc == DT_OK && sink_sheet(&k, flags & DT_EXPORT_EN ? e->plural : e->label_zh) != DT_OK)
		rc = dt_error(err, DT_EIO, "%s: cannot add a worksheet", path);
	if (rc == DT_OK)
		rc = write_header(&k, cols, nin, flags, true, err);
	struct dt_strbuf v = DT_STRBUF_INIT;
	for (int64_t i = 0; i < rows && rc == DT_OK; i++) {
		for (size_t j = 0; j < nin; j++) {
			enum cell_type t;
			dt_strbuf_reset(&v);
			sample_value(e, &cols[j], i, flags, &v, &t);
			double num = t == CELL_INT || t == CELL_REAL ? strtod(v.buf, NULL) : 0;
			sink_cell(&k, t, v.buf, num, NULL);
		}
		rc = sink_end_row(&k, err);
	}
	dt_strbuf_release(&v);
	if (rc == DT_OK && format == DT_EXPORT_XLSX)
		rc = notes_sheet(&k, cols, nin, err);
	return sink_close(&k, rc, path, err);
}
