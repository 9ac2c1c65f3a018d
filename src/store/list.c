/*
 * list.c - listing and counting the records of any entity.
 *
 * dt_store_list and dt_store_count: filters given as text are converted per
 * field and turned into SQL with the caller's scope (where_sql), a reader
 * without pii:read filters personal fields only at their coarse grain, and
 * pages are walked with an opaque cursor over the sort value and the id.
 * Rows are read as crud.c reads them (dt_crud_select_list,
 * dt_crud_row_to_json) and coarsened as coarsen.c decides.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/num.h"
#include "core/utf8.h"
#include "domain/natid.h"
#include "domain/region.h"
#include "store/store_internal.h"
#include "core/banned.h"

#define LIST_DEFAULT 50
#define LIST_MAX 1000
/* ---- listing ---- */

/* Convert a filter's text value to a bind value for field @f. */
static enum dt_err filter_value(struct dt_store *s, const struct dt_field *f, const char *text,
				json_t **out, struct dt_strbuf *err)
{
	int64_t n;
	switch (f->type) {
	case DT_F_INT:
	case DT_F_REF:
		if (dt_parse_int64(text, INT64_MIN, INT64_MAX, &n, NULL, NULL) != DT_OK)
			return dt_store_problem(s, err, f->name, "type.integer", NULL);
		*out = json_integer(n);
		return DT_OK;
	case DT_F_BOOL:
		if (strcmp(text, "true") && strcmp(text, "false") && strcmp(text, "1") &&
		    strcmp(text, "0"))
			return dt_store_problem(s, err, f->name, "type.boolean", NULL);
		*out = json_integer(!strcmp(text, "true") || !strcmp(text, "1"));
		return DT_OK;
	case DT_F_ENUM:
		if (!dt_crud_enum_has(f->values, text))
			return dt_store_problem(s, err, f->name, "enum.value", "value", text,
						"values", f->values, NULL);
		*out = json_string(text);
		break;
	case DT_F_DATE: {
		struct dt_date d;
		if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
			return dt_store_problem(s, err, f->name, "type.date", NULL);
		if (dt_date_parse(text, &d, NULL, NULL) != DT_OK)
			return dt_store_problem(s, err, f->name, "date.invalid", "value", text,
						NULL);
		*out = json_string(text);
		break;
	}
	default: *out = json_string(text); return DT_OK;
	}
	/* bound as the column stores it (a DT_FF_DAYNUM date, a DT_FF_CODE word: integers) */
	json_t *shown = *out;
	*out = dt_crud_stored(f, shown);
	json_decref(shown);
	return DT_OK;
}

/*
 * A filter on a coarsened field, for a reader who sees it coarsened, matches
 * at the grain shown and no finer: a birth date by its year ("2005"), a
 * household region by a province or a city.  Anything finer would let the
 * finer value be found by asking (one day, one district at a time).
 */
static enum dt_err coarse_filter(struct dt_store *s, const struct dt_field *f, const char *text,
				 struct dt_strbuf *sql, json_t *binds, struct dt_strbuf *err)
{
	if (f->type == DT_F_DATE) {
		bool year = strlen(text) == 4;
		for (const char *p = text; year && *p; p++)
			year = *p >= '0' && *p <= '9';
		if (!year)
			return dt_store_problem(s, err, f->name, "filter.year_only", "value", text,
						NULL);
		char lo[16], hi[16];
		snprintf(lo, sizeof(lo), "%s-01-01", text);
		snprintf(hi, sizeof(hi), "%s-12-31", text);
		dt_strbuf_addf(sql, " AND %s BETWEEN ? AND ?", f->name);
		json_array_append_new(binds, json_string(lo));
		json_array_append_new(binds, json_string(hi));
		return DT_OK;
	}
	int code, lo, hi;
	if (dt_region_code_parse(text, &code, &s->problems, f->name) != DT_OK) {
		dt_store_problem_err(s, err);
		return DT_EINVAL;
	}
	if (dt_region_level(code) > 2)
		return dt_store_problem(s, err, f->name, "filter.city_only", "value", text, NULL);
	dt_region_range(code, &lo, &hi);
	dt_strbuf_addf(sql, " AND %s BETWEEN ? AND ?", f->name);
	json_array_append_new(binds, json_integer(lo));
	json_array_append_new(binds, json_integer(hi));
	return DT_OK;
}

/*
 * The date field of a range filter "FIELD_from" or "FIELD_to": a date the
 * list filters or sorts by, not a personal one (a birth date filters only at
 * its coarse grain); NULL when @name is none.
 */
static const struct dt_field *range_field(const struct dt_entity *e, const char *name)
{
	size_t n = strlen(name);
	size_t k = n > 5 && !strcmp(name + n - 5, "_from") ? n - 5
		   : n > 3 && !strcmp(name + n - 3, "_to") ? n - 3
							   : 0;
	if (!k || k >= 64)
		return NULL;
	char base[64];
	memcpy(base, name, k);
	base[k] = '\0';
	const struct dt_field *f = dt_entity_field(e, base);
	if (!f || f->type != DT_F_DATE || (f->flags & DT_FF_QUASI) ||
	    !(f->flags & (DT_FF_FILTER | DT_FF_SORT)))
		return NULL;
	return f;
}

/* WHERE clause shared by list and count (without cursor), for the reader of @s. */
/*
 * The search of q (pattern @pat) over @e's searched fields, " OR "-joined
 * into @sql: a text field by LIKE (case-insensitive, as SQLite's LIKE is:
 * ILIKE on PostgreSQL); a searched reference (a contract's trainee,
 * enterprise and school) by the searched text fields of the record it
 * names, one level deep (@refs), so that a contract is found by its
 * trainee's name.  The outer query's scope limits what is found; the
 * subquery only names ids.  Returns the number of terms.
 */
static int search_terms(struct dt_store *s, const struct dt_entity *e, const char *pat,
			struct dt_strbuf *sql, json_t *binds, bool refs)
{
	int n = 0;
	for (size_t i = 0; i < e->nfields; i++) {
		const struct dt_field *f = &e->fields[i];
		if (!(f->flags & DT_FF_SEARCH))
			continue;
		if (f->type == DT_F_REF) {
			const struct dt_entity *t = refs ? dt_entity_find(f->ref) : NULL;
			if (!t)
				continue;
			dt_strbuf_addf(sql, "%s%s IN (SELECT id FROM %s WHERE ", n++ ? " OR " : "",
				       f->name, t->table);
			if (!search_terms(s, t, pat, sql, binds, false))
				dt_strbuf_adds(sql, "1 = 0");
			dt_strbuf_adds(sql, ")");
			continue;
		}
		dt_strbuf_addf(sql, "%s%s %s ? ESCAPE '\\'", n++ ? " OR " : "",
			       dt_crud_field_sql(e, f),
			       dt_db_dialect(s->db) == DT_DB_PGSQL ? "ILIKE" : "LIKE");
		json_array_append_new(binds, json_string(pat));
	}
	return n;
}

/*
 * Records in region range [@lo, @hi] of an entity without an index on its
 * region (DT_EF_REGION_VIA: record-book entries) are reached through the
 * record they take their region from: " AND contract_id IN (SELECT id FROM
 * contract WHERE region BETWEEN ? AND ?)", next to the region's own test
 * (the two agree: a child's region is its parent's, store/rules.c).  The
 * parent's region index and the child's index on the reference find the
 * rows, where the region test alone would read the whole table.
 */
static void region_via(const struct dt_entity *e, int lo, int hi, struct dt_strbuf *sql,
		       json_t *binds)
{
	const struct dt_field *f = e->region_from ? dt_entity_field(e, e->region_from) : NULL;
	const struct dt_entity *p = f ? dt_entity_find(f->ref) : NULL;
	if (!(e->flags & DT_EF_REGION_VIA) || !p)
		return;
	dt_strbuf_addf(sql, " AND %s IN (SELECT id FROM %s WHERE region BETWEEN ? AND ?)", f->name,
		       p->table);
	json_array_append_new(binds, json_integer(lo));
	json_array_append_new(binds, json_integer(hi));
}

static enum dt_err where_sql(struct dt_store *s, const struct dt_entity *e,
			     const struct dt_scope *scope, const struct dt_query *q,
			     struct dt_strbuf *sql, json_t *binds, struct dt_strbuf *err)
{
	dt_strbuf_adds(sql, " WHERE 1 = 1");
	dt_crud_scope_sql(e, scope, false, sql, binds);
	if (scope && scope->region) {
		int lo, hi;
		dt_region_range(scope->region, &lo, &hi);
		region_via(e, lo, hi, sql, binds);
	}
	for (size_t i = 0; q && i < q->nfilters; i++) {
		const char *name = q->filters[2 * i], *text = q->filters[2 * i + 1];
		const struct dt_field *f = dt_entity_field(e, name);
		if (!dt_utf8_valid(name, strlen(name), NULL))
			return dt_store_problem(s, err, "filter", "text.utf8", NULL);
		const struct dt_field *rf = f ? NULL : range_field(e, name);
		if (rf) {
			/* FIELD_from / FIELD_to: a date range, both ends included */
			json_t *v = NULL;
			if (filter_value(s, rf, text, &v, err) != DT_OK)
				return DT_EINVAL;
			dt_strbuf_addf(sql, " AND %s %s ?", rf->name,
				       name[strlen(name) - 1] == 'm' ? ">=" : "<=");
			json_array_append_new(binds, v);
			continue;
		}
		if (!f || !(f->flags & DT_FF_FILTER))
			return dt_store_problem(s, err, name, "filter.unknown", "entity", e->name,
						NULL);
		if (!dt_utf8_valid(text, strlen(text), NULL))
			return dt_store_problem(s, err, name, "text.utf8", NULL);
		if ((f->flags & DT_FF_QUASI) && !s->viewer.pii) {
			if (coarse_filter(s, f, text, sql, binds, err) != DT_OK)
				return DT_EINVAL;
			continue;
		}
		if (f->type == DT_F_REGION) {
			int code, lo, hi;
			if (dt_region_code_parse(text, &code, &s->problems, f->name) != DT_OK) {
				dt_store_problem_err(s, err);
				return DT_EINVAL;
			}
			dt_region_range(code, &lo, &hi);
			dt_strbuf_addf(sql, " AND %s BETWEEN ? AND ?", f->name);
			json_array_append_new(binds, json_integer(lo));
			json_array_append_new(binds, json_integer(hi));
			if (!strcmp(f->name, "region"))
				region_via(e, lo, hi, sql, binds);
			continue;
		}
		json_t *v = NULL;
		if (filter_value(s, f, text, &v, err) != DT_OK)
			return DT_EINVAL;
		/* a derived field (DT_FF_DERIVED) by the value shown, not the column */
		dt_strbuf_addf(sql, " AND %s = ?", dt_crud_field_sql(e, f));
		json_array_append_new(binds, v);
	}
	if (q && q->q && !dt_utf8_valid(q->q, strlen(q->q), NULL))
		return dt_store_problem(s, err, "q", "text.utf8", NULL);
	if (q && q->q && *q->q) {
		struct dt_strbuf pat = DT_STRBUF_INIT;
		dt_strbuf_addch(&pat, '%');
		for (const char *p = q->q; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				dt_strbuf_addch(&pat, '\\');
			dt_strbuf_addch(&pat, *p);
		}
		dt_strbuf_addch(&pat, '%');
		dt_strbuf_adds(sql, " AND (");
		int n = search_terms(s, e, pat.buf, sql, binds, true);
		if (!n)
			dt_strbuf_adds(sql, "1 = 0");
		dt_strbuf_adds(sql, ")");
		dt_strbuf_release(&pat);
	}
	return DT_OK;
}

static char *cursor_encode(json_t *sortval, int64_t id)
{
	json_t *a = json_pack("[Oi]", sortval, (json_int_t)id);
	char *j = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(a);
	if (!j)
		return NULL;
	size_t n = sodium_base64_encoded_len(strlen(j), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = malloc(n);
	if (out)
		sodium_bin2base64(out, n, (const unsigned char *)j, strlen(j),
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(j);
	return out;
}

static json_t *cursor_decode(const char *c)
{
	size_t len = strlen(c), binlen = 0;
	unsigned char *bin = malloc(len + 1);
	json_t *a = NULL;
	if (bin && sodium_base642bin(bin, len, c, len, NULL, &binlen, NULL,
				     sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0)
		a = json_loadb((const char *)bin, binlen, JSON_DECODE_ANY, NULL);
	free(bin);
	if (a && (!json_is_array(a) || json_array_size(a) != 2 ||
		  !json_is_integer(json_array_get(a, 1)))) {
		json_decref(a);
		a = NULL;
	}
	return a;
}

enum dt_err dt_store_list(struct dt_store *s, const struct dt_scope *scope, const char *entity,
			  const struct dt_query *q, json_t **items, char **next,
			  struct dt_strbuf *err)
{
	dt_store_problems_begin(s, NULL);
	const struct dt_entity *e = dt_entity_find(entity);
	if (!e)
		return dt_store_problem(s, err, NULL, "record.kind_unknown", "kind", entity, NULL);
	dt_problems_entity(&s->problems, e->name);
	*items = NULL;
	*next = NULL;
	const char *sort = q && q->sort && *q->sort ? q->sort : "id";
	const struct dt_field *sf = dt_entity_field(e, sort);
	if (!sf || !(sf->flags & DT_FF_SORT))
		return dt_store_problem(s, err, "sort", "list.sort", "value", sort, NULL);
	int limit = q && q->limit ? q->limit : LIST_DEFAULT;
	if (limit < 1 || limit > LIST_MAX)
		return dt_store_problem(s, err, "limit", "number.range", "value", DT_I(limit),
					"min", DT_I(1), "max", DT_I(LIST_MAX), NULL);
	bool desc = q && q->desc;
	bool by_id = !strcmp(sort, "id");
	/*
	 * A coarsened field sorts at the grain shown (ties by id): an order by
	 * the full value would tell it against records of one's own.  The
	 * cursor then holds the coarse value, as the page shows it.
	 */
	char sort_expr[64];
	if ((sf->flags & DT_FF_QUASI) && !s->viewer.pii && sf->type == DT_F_DATE)
		snprintf(sort_expr, sizeof(sort_expr), "substr(%s, 1, 4)", sf->name);
	else if ((sf->flags & DT_FF_QUASI) && !s->viewer.pii && sf->type == DT_F_REGION)
		snprintf(sort_expr, sizeof(sort_expr), "(%s / 100 * 100)", sf->name);
	else
		snprintf(sort_expr, sizeof(sort_expr), "%s", sf->name);
	sort = sort_expr;

	struct dt_strbuf sql = DT_STRBUF_INIT;
	json_t *binds = json_array(), *arr = json_array(), *cur = NULL;
	int rc = DT_OK;
	dt_crud_select_list(e, &sql);
	rc = where_sql(s, e, scope, q, &sql, binds, err);
	if (rc != DT_OK)
		goto out;
	if (q && q->cursor && *q->cursor) {
		cur = cursor_decode(q->cursor);
		if (!cur) {
			rc = dt_store_problem(s, err, "cursor", "list.cursor", NULL);
			goto out;
		}
		const char *op = desc ? "<" : ">";
		if (by_id) {
			dt_strbuf_addf(&sql, " AND id %s ?", op);
		} else if (json_is_null(json_array_get(cur, 0))) {
			/* A nullable sort key: NULLs come first ascending, last descending. */
			if (desc)
				dt_strbuf_addf(&sql, " AND (%s IS NULL AND id < ?)", sort);
			else
				dt_strbuf_addf(&sql, " AND (%s IS NOT NULL OR id > ?)", sort);
		} else {
			dt_strbuf_addf(&sql, " AND (%s %s ? OR (%s = ? AND id %s ?)%s%s%s)", sort,
				       op, sort, op, desc ? " OR " : "", desc ? sort : "",
				       desc ? " IS NULL" : "");
			/* as the column stores it (an instant of a DT_FF_MS field: its ms) */
			json_array_append_new(binds, dt_crud_stored(sf, json_array_get(cur, 0)));
			json_array_append_new(binds, dt_crud_stored(sf, json_array_get(cur, 0)));
		}
		json_array_append(binds, json_array_get(cur, 1));
	}
	/* The limit is bound, not written in: one cached statement serves every page size. */
	if (by_id)
		dt_strbuf_addf(&sql, " ORDER BY id %s LIMIT ?", desc ? "DESC" : "ASC");
	else
		/* NULLs first ascending, last descending, as SQLite orders them and PostgreSQL is told to */
		dt_strbuf_addf(&sql, " ORDER BY %s %s, id %s LIMIT ?", sort,
			       desc ? "DESC NULLS LAST" : "ASC NULLS FIRST", desc ? "DESC" : "ASC");
	json_array_append_new(binds, json_integer(limit + 1));
	/* A page by number (no cursor): the rows before it skipped, as both dialects write it. */
	if (q && q->offset > 0 && !cur) {
		dt_strbuf_adds(&sql, " OFFSET ?");
		json_array_append_new(binds, json_integer(q->offset));
	}
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	dt_crud_bind_all(st, binds);
	int r, n = 0;
	json_t *last_sort = NULL, *last_owned = NULL;
	int64_t last_id = 0;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		if (n == limit) {
			*next = cursor_encode(last_sort, last_id);
			break;
		}
		json_t *o = NULL;
		rc = dt_crud_row_to_json(s, e, st, 0, &o, err);
		if (rc != DT_OK)
			break;
		dt_crud_coarsen(s, e, o);
		json_array_append_new(arr, o);
		last_id = json_integer_value(json_object_get(o, "id"));
		/* The cursor holds the value sorted by: region codes as integers. */
		json_t *sv = json_object_get(o, sf->name);
		json_decref(last_owned);
		last_owned = NULL;
		if (sf->type == DT_F_REGION)
			last_sort = last_owned =
				json_integer(strtol(json_string_value(sv), NULL, 10));
		else
			last_sort = sv;
		n++;
	}
	json_decref(last_owned);
	if (rc == DT_OK && r != DT_DB_ROW && r != DT_DB_DONE)
		rc = dt_sql_error(s, e->name, err);
	dt_db_reset(st);
out:
	dt_strbuf_release(&sql);
	json_decref(binds);
	json_decref(cur);
	if (rc == DT_OK) {
		*items = arr;
	} else {
		json_decref(arr);
		free(*next);
		*next = NULL;
	}
	return rc;
}

enum dt_err dt_store_count(struct dt_store *s, const struct dt_scope *scope, const char *entity,
			   const struct dt_query *q, int64_t *count, struct dt_strbuf *err)
{
	dt_store_problems_begin(s, NULL);
	const struct dt_entity *e = dt_entity_find(entity);
	if (!e)
		return dt_store_problem(s, err, NULL, "record.kind_unknown", "kind", entity, NULL);
	dt_problems_entity(&s->problems, e->name);
	struct dt_strbuf sql = DT_STRBUF_INIT;
	json_t *binds = json_array();
	dt_strbuf_addf(&sql, "SELECT count(*) FROM %s", e->table);
	int rc = where_sql(s, e, scope, q, &sql, binds, err);
	if (rc == DT_OK) {
		struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
		if (!st) {
			rc = DT_EDB;
		} else {
			dt_crud_bind_all(st, binds);
			if (dt_db_step(st) == DT_DB_ROW)
				*count = dt_db_column_int64(st, 0);
			else
				rc = dt_sql_error(s, e->name, err);
			dt_db_reset(st);
		}
	}
	dt_strbuf_release(&sql);
	json_decref(binds);
	return rc;
}
