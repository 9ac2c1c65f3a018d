/*
 * refdata.c - load region and occupation tables from CSV (libcsv).
 *
 * The whole file is parsed into rows first (a file of a few thousand lines),
 * then every row goes through the store's ordinary create or update inside
 * one explicit transaction, so that any invalid row undoes the lot.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/embedded.h"
#include "core/num.h"
#include "io/encoding.h"
#include "io/refdata.h"
#include "core/banned.h"

#define MAX_COLS 16

struct parse {
	json_t *rows; /* array of arrays of strings; a blank line is an empty array */
	json_t *cur;
	int prev; /* the character that ended the last record */
	bool too_big;
};

static void on_field(void *data, size_t len, void *ctx)
{
	struct parse *p = ctx;
	if (!p->cur)
		p->cur = json_array();
	json_array_append_new(p->cur, json_stringn_nocheck(data ? data : "", len));
}

/*
 * Blank lines are reported too (CSV_REPALL_NL) and kept as empty rows, so
 * that "row N" in a message is the row a spreadsheet shows; the LF of a
 * CRLF comes as an empty record of its own and is dropped.
 */
static void on_row(int c, void *ctx)
{
	struct parse *p = ctx;
	bool crlf = !p->cur && c == '\n' && p->prev == '\r';
	p->prev = c;
	if (crlf)
		return;
	if (!p->cur)
		p->cur = json_array();
	json_array_append_new(p->rows, p->cur);
	p->cur = NULL;
}

/*
 * Parse @data, UTF-8 (a BOM is dropped) or GBK, without NUL: the
 * cells are taken as they are (json_stringn_nocheck), so nothing else may
 * reach them.
 */
static enum dt_err parse_csv(const char *data, size_t len, json_t **rows, struct dt_strbuf *err)
{
	struct csv_parser cp;
	struct dt_strbuf text = DT_STRBUF_INIT;
	int rc = dt_encoding_to_utf8(data, len, DT_ENC_AUTO, &text, NULL, NULL, err);
	if (rc != DT_OK) {
		dt_strbuf_release(&text);
		return rc;
	}
	struct parse p = { json_array(), NULL, 0, false };
	if (csv_init(&cp, CSV_APPEND_NULL | CSV_EMPTY_IS_NULL | CSV_REPALL_NL) != 0) {
		json_decref(p.rows);
		dt_strbuf_release(&text);
		return dt_error(err, DT_ENOMEM, "out of memory");
	}
	if (csv_parse(&cp, text.buf, text.len, on_field, on_row, &p) != text.len ||
	    csv_fini(&cp, on_field, on_row, &p) != 0)
		rc = dt_error(err, DT_EINVAL, "CSV: %s", csv_strerror(csv_error(&cp)));
	csv_free(&cp);
	dt_strbuf_release(&text);
	json_decref(p.cur);
	if (rc == DT_OK)
		*rows = p.rows;
	else
		json_decref(p.rows);
	return rc;
}

struct column {
	const char *name; /* header and JSON field */
	bool is_int;      /* convert to an integer */
	bool is_real;     /* convert to a number */
};

static const struct column region_cols[] = {
	{ "code", true, false },  { "name_zh", false, false }, { "name_en", false, false },
	{ "level", true, false }, { "latitude", false, true }, { "longitude", false, true },
};
static const struct column occupation_cols[] = {
	{ "code", false, false },     { "name_zh", false, false }, { "name_en", false, false },
	{ "industry", false, false }, { "levels", false, false },
};

/* Build the JSON input for one row; DT_EINVAL names the row and column. */
static enum dt_err row_object(const struct column *cols, size_t ncols, const int *pos, json_t *row,
			      size_t rowno, json_t **out, struct dt_strbuf *err)
{
	json_t *o = json_object();
	for (size_t i = 0; i < ncols; i++) {
		json_t *cell = pos[i] >= 0 ? json_array_get(row, (size_t)pos[i]) : NULL;
		const char *text = cell ? json_string_value(cell) : "";
		if (!*text)
			continue;
		if (cols[i].is_int || cols[i].is_real) {
			struct dt_strbuf e2 = DT_STRBUF_INIT;
			int64_t n;
			double d;
			int rc = cols[i].is_int
					 ? dt_parse_int64(text, 0, 999999, &n, cols[i].name, &e2)
					 : dt_parse_double(text, &d, cols[i].name, &e2);
			if (rc != DT_OK) {
				dt_error(err, DT_EINVAL, "row %zu: %s", rowno, e2.buf);
				dt_strbuf_release(&e2);
				json_decref(o);
				return DT_EINVAL;
			}
			json_object_set_new(o, cols[i].name,
					    cols[i].is_int ? json_integer(n) : json_real(d));
		} else {
			json_object_set_new(o, cols[i].name, json_string(text));
		}
	}
	*out = o;
	return DT_OK;
}

static enum dt_err load_rows(struct dt_store *s, const struct dt_actor *a,
			     enum dt_refdata_kind kind, json_t *rows, struct dt_refdata_stats *st,
			     struct dt_strbuf *err)
{
	const struct column *cols = kind == DT_REF_REGIONS ? region_cols : occupation_cols;
	size_t ncols = kind == DT_REF_REGIONS ? DT_ARRAY_SIZE(region_cols)
					      : DT_ARRAY_SIZE(occupation_cols);
	const char *entity = kind == DT_REF_REGIONS ? "region" : "occupation";
	int pos[MAX_COLS];
	json_t *header = json_array_get(rows, 0);
	if (!header)
		return dt_error(err, DT_EINVAL, "the file is empty: a header row is required");
	for (size_t i = 0; i < ncols; i++) {
		pos[i] = -1;
		for (size_t j = 0; j < json_array_size(header); j++)
			if (!strcmp(json_string_value(json_array_get(header, j)), cols[i].name))
				pos[i] = (int)j;
		if (pos[i] < 0 && i < 2)
			return dt_error(err, DT_EINVAL, "header: the column '%s' is missing",
					cols[i].name);
	}
	for (size_t r = 1; r < json_array_size(rows); r++) {
		json_t *row = json_array_get(rows, r), *in = NULL, *old = NULL;
		if (json_array_size(row) == 0 ||
		    (json_array_size(row) == 1 && !*json_string_value(json_array_get(row, 0))))
			continue; /* blank line */
		int rc = row_object(cols, ncols, pos, row, r + 1, &in, err);
		if (rc != DT_OK)
			return rc;
		int64_t id = 0;
		if (kind == DT_REF_REGIONS) {
			json_t *code = json_object_get(in, "code");
			id = json_integer_value(code);
			json_object_set(in, "id", code);
			json_object_del(in, "code");
			json_object_del(in, "level"); /* follows from the code */
		} else {
			const char *code = json_string_value(json_object_get(in, "code"));
			if (code && dt_store_occupation_by_code(s, code, &id, NULL) != DT_OK)
				id = 0;
		}
		bool exists = id && dt_store_get(s, NULL, entity, id, 0, &old, NULL) == DT_OK;
		struct dt_strbuf e2 = DT_STRBUF_INIT;
		if (exists) {
			json_object_del(in, "id");
			json_object_del(in, "code");
			bool same = true;
			const char *k;
			json_t *v;
			json_object_foreach(in, k, v) if (!json_equal(v, json_object_get(old, k)))
				same = false;
			if (same)
				st->unchanged++;
			else if ((rc = dt_store_update(s, a, NULL, entity, id, in, NULL, &e2)) ==
				 DT_OK)
				st->updated++;
		} else if ((rc = dt_store_create(s, a, entity, in, NULL, &e2)) == DT_OK) {
			st->added++;
		}
		st->rows++;
		json_decref(in);
		json_decref(old);
		if (rc != DT_OK) {
			dt_error(err, rc, "row %zu: %s", r + 1, e2.buf);
			dt_strbuf_release(&e2);
			return rc;
		}
		dt_strbuf_release(&e2);
	}
	return DT_OK;
}

enum dt_err dt_refdata_load(struct dt_store *s, const struct dt_actor *a, enum dt_refdata_kind kind,
			    const char *data, size_t len, struct dt_refdata_stats *stats,
			    struct dt_strbuf *err)
{
	json_t *rows = NULL;
	struct dt_refdata_stats st = { 0, 0, 0, 0 };
	int rc = parse_csv(data, len, &rows, err);
	if (rc != DT_OK)
		return rc;
	rc = dt_store_begin(s, err);
	if (rc == DT_OK) {
		rc = load_rows(s, a, kind, rows, &st, err);
		if (rc == DT_OK)
			rc = dt_store_commit(s, err);
		else
			dt_store_rollback(s);
	}
	json_decref(rows);
	if (rc == DT_OK && stats)
		*stats = st;
	return rc;
}

enum dt_err dt_refdata_load_builtin(struct dt_store *s, const struct dt_actor *a,
				    enum dt_refdata_kind kind, struct dt_refdata_stats *stats,
				    struct dt_strbuf *err)
{
	const char *path = kind == DT_REF_REGIONS ? "data/regions.csv" : "data/occupations.csv";
	const struct dt_embedded *f = dt_embedded_find(path);
	if (!f)
		return dt_error(err, DT_EINTERNAL, "%s is not embedded in this binary", path);
	return dt_refdata_load(s, a, kind, (const char *)f->data, f->len, stats, err);
}
