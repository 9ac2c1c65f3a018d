/*
 * coverage.c - the records covered by the audit trail.
 *
 * Every audited write leaves an event: a create the whole record as written
 * ("after"), an update the fields it changed (their new values in "after";
 * an event written before migration 007 has the whole record there), a
 * delete the whole record in "before" and no after.  So a record's events,
 * folded in id order (the create's after, each later after's fields laid
 * over it), say what the record must hold now, and dt_store_records_check()
 * finds every record edited behind the application's back: a field that
 * differs from the fold, a row deleted without an event, a row present
 * without an event that created it (or after the event that deleted it).
 * Events without content (an unmasked read, a revocation) fold to nothing.
 * A bulk sign-off is one event for many entries (entity_id NULL, action
 * record_entry.signoff_batch, after {"ids", "region", "set"}): its "set"
 * is laid over each listed entry in its place in the event order, with
 * the entry's own signed_at where the event lists them ("at", beside
 * "ids": the demo's carried-over record books).
 *
 * One pass per table: the events of its records in (record, event) order
 * from the index audit(entity, entity_id) with their afters, merged in C
 * with the table read in id order; no query per record.  A record with one
 * after (never updated) is compared as text, byte for byte; only records
 * with updates parse their events' JSON.
 *
 * What is not compared, because it changes legitimately without an event:
 * the region of a record that inherits it (a programme, a contract, ...:
 * rules.c moves it along when its owner moves), which is checked against
 * the owner's region instead; an open alert's figures (value, threshold,
 * severity, messages), refreshed by every evaluation; the aggregates
 * (agg, agg_year, mentor_load, ...), which `check` compares with a rebuild;
 * a credential's revocation, also made for all of an account's
 * credentials at once.  The national ID is compared as stored in clear
 * (masked); its ciphertext and blind index carry no event, and with the key
 * the ciphertext is checked to open to an ID with that blind index and mask.
 * Settings live in the meta table; each key is compared with its last
 * setting.set event.  A field stored NULL where it is derived
 * (DT_FF_DERIVED: a record-book entry's signed_by, migration 026) is
 * compared as read, the derived value, so a stored name changed behind the
 * store's back, or a derivation that would now give another name, is found.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/natid.h"
#include "store/store_internal.h"
#include "core/banned.h"

enum ctype { C_TEXT, C_INT, C_REAL, C_BOOL, C_REGION };

struct col {
	const char *name;
	enum ctype type;
	bool compare; /* false: read for the text below only (changes without an event) */
	const struct dt_field *f; /* the entity's field (how it is stored), or NULL */
};

#define MAX_COLS 32

/* One covered table: its audit entity name, SQL table, compared columns. */
struct table {
	const char *entity;
	const char *table;
	struct col cols[MAX_COLS];
	int ncols;
	int order[MAX_COLS]; /* the columns by name, as canonical JSON sorts its keys */
};

struct run {
	struct dt_store *s;
	struct dt_strbuf *report;
	int64_t max, found, records;
};

static void finding(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void finding(struct run *r, const char *fmt, ...)
{
	if (r->found++ >= r->max)
		return;
	va_list ap;
	va_start(ap, fmt);
	dt_strbuf_adds(r->report, "record ");
	dt_strbuf_vaddf(r->report, fmt, ap);
	dt_strbuf_addch(r->report, '\n');
	va_end(ap);
}

/* Whether @field of entity @e is compared with the events. */
static bool compared(const struct dt_entity *e, const struct dt_field *f)
{
	if (e->region_from && !strcmp(f->name, "region"))
		return false; /* inherited: checked against the owner */
	if (!strcmp(e->name, "alert"))
		return strcmp(f->name, "value") && strcmp(f->name, "threshold") &&
		       strcmp(f->name, "severity") && strcmp(f->name, "message_zh") &&
		       strcmp(f->name, "message_en");
	return true;
}

/* @t's columns by name, as canonical JSON sorts its keys (strcmp, like jansson). */
static void table_sort(struct table *t)
{
	for (int i = 0; i < t->ncols; i++) {
		int k = i;
		while (k > 0 && strcmp(t->cols[t->order[k - 1]].name, t->cols[i].name) > 0) {
			t->order[k] = t->order[k - 1];
			k--;
		}
		t->order[k] = i;
	}
}

static void table_of_entity(const struct dt_entity *e, struct table *t)
{
	t->entity = e->name;
	t->table = e->table;
	t->ncols = 0;
	for (size_t i = 0; i < e->nfields && t->ncols < MAX_COLS; i++) {
		const struct dt_field *f = &e->fields[i];
		enum ctype ty = C_TEXT;
		switch (f->type) {
		case DT_F_INT:
		case DT_F_REF: ty = C_INT; break;
		case DT_F_REAL: ty = C_REAL; break;
		case DT_F_BOOL: ty = C_BOOL; break;
		case DT_F_REGION: ty = C_REGION; break;
		default: ty = C_TEXT; break;
		}
		t->cols[t->ncols++] = (struct col){ f->name, ty, compared(e, f), f };
	}
	table_sort(t);
}

static const struct table account_table = {
	"account",
	"account",
	{ { "id", C_INT, true, NULL },
	  { "login", C_TEXT, true, NULL },
	  { "role", C_TEXT, true, NULL },
	  { "scope_region", C_INT, true, NULL },
	  { "scope_org", C_INT, true, NULL },
	  { "scope_trainee", C_INT, true, NULL },
	  { "disabled", C_BOOL, true, NULL } },
	7,
	{ 0 },
};

static const struct table credential_table = {
	"credential",
	"credential",
	{ { "id", C_INT, true, NULL },
	  { "account_id", C_INT, true, NULL },
	  { "kind", C_TEXT, true, NULL },
	  { "expires_at", C_TEXT, true, NULL } },
	4,
	{ 0 },
};

/* The columns of a create event that its after may leave out (audit.c). */
struct create {
	int64_t entity_id, region;
	char ts[40];
};

/*
 * Whether a create event with columns @c left column @i of the row at @st
 * out: only where dt_audit_expand() puts back exactly the row's value, so
 * that equal texts mean equal contents.
 */
static bool left_out(const struct table *t, struct dt_db_stmt *st, int i, const struct create *c)
{
	const char *name = t->cols[i].name;
	bool special = !strcmp(name, "id") || !strcmp(name, "region") ||
		       !strcmp(name, "created_at") || !strcmp(name, "updated_at");
	if (dt_db_column_type(st, i) == DT_DB_NULL)
		return !special;
	if (!strcmp(name, "id"))
		return c->entity_id && dt_db_column_int64(st, i) == c->entity_id;
	if (!strcmp(name, "region"))
		return c->region && t->cols[i].type == C_REGION &&
		       dt_db_column_int64(st, i) == c->region;
	if (!strcmp(name, "created_at") || !strcmp(name, "updated_at")) {
		char tb[DT_CRUD_TEXT];
		return !strcmp(dt_crud_column_text(t->cols[i].f, st, i, tb), c->ts);
	}
	return false;
}

/*
 * The row at @st as the canonical JSON text an event's "after" holds
 * (sorted keys, compact, reals as jansson writes them), into @sb: when it
 * is byte for byte the event's text, the record is as written and nothing
 * needs parsing.  With @c (a create of an entity), what that create left
 * out is left out here too.  Any difference in form only (an escape written another
 * way) falls to the field-by-field comparison, which decides.
 */
static void row_text(const struct table *t, struct dt_db_stmt *st, const struct create *c,
		     struct dt_strbuf *sb)
{
	dt_strbuf_reset(sb);
	bool first = true;
	for (int k = 0; k < t->ncols; k++) {
		int i = t->order[k];
		if (c && left_out(t, st, i, c))
			continue;
		dt_strbuf_addch(sb, first ? '{' : ',');
		first = false;
		dt_strbuf_addch(sb, '"');
		dt_strbuf_adds(sb, t->cols[i].name);
		dt_strbuf_add(sb, "\":", 2);
		if (dt_db_column_type(st, i) == DT_DB_NULL) {
			dt_strbuf_add(sb, "null", 4);
			continue;
		}
		switch (t->cols[i].type) {
		case C_INT: dt_strbuf_addint(sb, dt_db_column_int64(st, i), 0); break;
		case C_BOOL:
			dt_strbuf_adds(sb, dt_db_column_int64(st, i) ? "true" : "false");
			break;
		case C_REGION:
			dt_strbuf_addch(sb, '"');
			dt_strbuf_addint(sb, dt_db_column_int64(st, i), 6);
			dt_strbuf_addch(sb, '"');
			break;
		case C_REAL: {
			char num[40];
			snprintf(num, sizeof(num), "%.17g",
				 dt_crud_column_real(t->cols[i].f, st, i));
			dt_strbuf_adds(sb, num);
			if (!strpbrk(num, ".eE"))
				dt_strbuf_adds(sb, ".0");
			break;
		}
		case C_TEXT: {
			char tb[DT_CRUD_TEXT]; /* a value stored as an integer: its text */
			const char *v = dt_crud_column_text(t->cols[i].f, st, i, tb);
			dt_crud_json_string(
				sb, v, v == tb ? strlen(tb) : (size_t)dt_db_column_bytes(st, i));
			break;
		}
		}
	}
	if (first)
		dt_strbuf_addch(sb, '{');
	dt_strbuf_addch(sb, '}');
}

/* Whether column @i of @st equals JSON value @v (absent or null: SQL NULL). */
static bool same(struct dt_db_stmt *st, int i, const struct col *col, json_t *v)
{
	bool null = dt_db_column_type(st, i) == DT_DB_NULL;
	if (!v || json_is_null(v))
		return null;
	if (null)
		return false;
	switch (col->type) {
	case C_INT: return json_is_integer(v) && json_integer_value(v) == dt_db_column_int64(st, i);
	case C_REAL:
		return json_is_number(v) &&
		       json_number_value(v) == dt_crud_column_real(col->f, st, i);
	case C_BOOL:
		return json_is_boolean(v) && json_is_true(v) == (dt_db_column_int64(st, i) != 0);
	case C_REGION:
		if (json_is_integer(v))
			return json_integer_value(v) == dt_db_column_int64(st, i);
		return json_is_string(v) &&
		       strtoll(json_string_value(v), NULL, 10) == dt_db_column_int64(st, i);
	case C_TEXT: {
		char buf[DT_CRUD_TEXT]; /* a value stored as an integer: its text */
		const char *t = dt_crud_column_text(col->f, st, i, buf);
		size_t n = t == buf ? strlen(buf) : (size_t)dt_db_column_bytes(st, i);
		return json_is_string(v) && t && n == json_string_length(v) &&
		       !memcmp(t, json_string_value(v), json_string_length(v));
	}
	}
	return false;
}

static bool is_delete(const char *action)
{
	size_t n = strlen(action);
	return n > 7 && !strcmp(action + n - 7, ".delete");
}

static bool is_create(const char *action)
{
	size_t n = strlen(action);
	return n > 7 && !strcmp(action + n - 7, ".create");
}

/*
 * A record's content as its events say, folded in id order: the first
 * content-bearing event's after, then each later after's fields laid over
 * it; a delete ends it.  While only one after has come, it stays text
 * (most records are never updated, and their text is compared as it is).
 */
struct fold {
	int64_t ev;              /* the last event that carried content (0: none) */
	struct dt_strbuf action; /* its action */
	bool deleted;            /* that event deleted the record */
	struct dt_strbuf text;   /* the only after so far, when obj is NULL */
	json_t *obj;             /* the folded content, once two afters came */
	const char *entity;      /* the record's */
	bool create;             /* text is a create's after ... */
	struct create c;         /* ... with these columns */
};

static void fold_reset(struct fold *f)
{
	f->ev = 0;
	f->deleted = false;
	f->create = false;
	dt_strbuf_reset(&f->action);
	dt_strbuf_reset(&f->text);
	json_decref(f->obj);
	f->obj = NULL;
}

static void fold_release(struct fold *f)
{
	fold_reset(f);
	dt_strbuf_release(&f->action);
	dt_strbuf_release(&f->text);
}

/* The folded content as JSON (NULL: none, or an after that is not an object). */
static json_t *fold_obj(struct fold *f)
{
	if (!f->obj && f->ev && !f->deleted) {
		f->obj = json_loads(f->text.buf, 0, NULL);
		dt_strbuf_reset(&f->text);
		if (!json_is_object(f->obj)) {
			json_decref(f->obj);
			f->obj = json_object();
		}
		if (f->create)
			dt_audit_expand(f->action.buf, f->entity, f->c.entity_id, f->c.ts,
					f->c.region, NULL, f->obj);
	}
	return f->obj;
}

/*
 * Lay event @ev (@action, its after text @after of @len bytes, or NULL, its
 * before text @before or NULL, its record @c) over @f.  An unmasked read and
 * an event without an after (a revocation, a read) carry no content; a
 * delete ends the record.  An update's after gets back the fields it left
 * out because they were set to the event's time (dt_audit_expand).
 */
static void fold_event(struct fold *f, int64_t ev, const char *action, const char *after,
		       size_t len, const char *before, const struct create *c)
{
	if (strstr(action, ".unmask"))
		return;
	bool del = is_delete(action);
	if (!after && !del)
		return;
	if (del || f->deleted || !f->ev) {
		fold_reset(f);
		if (!del) {
			dt_strbuf_add(&f->text, after, len);
			f->create = is_create(action) && dt_entity_find(f->entity);
			f->c = *c;
		}
	}
	if (!del && (f->ev || before)) {
		json_t *o = json_loadb(after, len, 0, NULL);
		json_t *b = before ? json_loads(before, 0, NULL) : NULL;
		dt_audit_expand(action, f->entity, c->entity_id, c->ts, c->region, b, o);
		if (json_is_object(o) && !f->ev) { /* the record's first event is an update */
			json_decref(f->obj);
			f->obj = json_incref(o);
			dt_strbuf_reset(&f->text);
		} else if (json_is_object(o)) {
			json_object_update(fold_obj(f), o);
		}
		json_decref(o);
		json_decref(b);
	}
	f->ev = ev;
	f->deleted = del;
	dt_strbuf_reset(&f->action);
	dt_strbuf_adds(&f->action, action);
}

/* The columns of the event at @st: entity_id, ts and region at @ide, @its, @ireg. */
static void create_of(struct dt_db_stmt *st, int ide, int its, int ireg, struct create *c)
{
	c->entity_id = dt_db_column_int64(st, ide);
	c->region = dt_db_column_int64(st, ireg);
	dt_audit_column_ts(st, its, c->ts);
}

/* Compare the row at @st (columns of @t from 0) with the folded content. */
static void compare_row(struct run *r, const struct table *t, struct dt_db_stmt *st, int64_t id,
			struct fold *f, struct dt_strbuf *text)
{
	if (!f->obj) {
		row_text(t, st, f->create ? &f->c : NULL, text);
		if (text->len == f->text.len && !memcmp(text->buf, f->text.buf, text->len))
			return;
	}
	json_t *after = fold_obj(f);
	for (int i = 0; i < t->ncols; i++) {
		if (t->cols[i].compare &&
		    !same(st, i, &t->cols[i], json_object_get(after, t->cols[i].name)))
			finding(r, "%s %lld: %s differs from its last audit event %lld (%s)",
				t->table, (long long)id, t->cols[i].name, (long long)f->ev,
				f->action.buf);
	}
}

/* What the events of one record say, against its row (at @row, or none). */
static void judge(struct run *r, const struct table *t, int64_t id, struct fold *f,
		  struct dt_db_stmt *row, struct dt_strbuf *text)
{
	if (!row) {
		if (f->ev && !f->deleted)
			finding(r,
				"%s %lld: deleted without an audit event (its last event is %lld, %s)",
				t->table, (long long)id, (long long)f->ev, f->action.buf);
		return;
	}
	r->records++;
	if (!f->ev)
		finding(r, "%s %lld: present without an audit event that created it", t->table,
			(long long)id);
	else if (f->deleted)
		finding(r, "%s %lld: present although audit event %lld deleted it", t->table,
			(long long)id, (long long)f->ev);
	else
		compare_row(r, t, row, id, f, text);
}

/* The bulk sign-offs (signoff.c): each listed entry with the event and its columns. */
struct batch_hit {
	int64_t rid, ev;
	size_t set;  /* index into the batches' texts */
	bool create; /* the text is the record as a create batch wrote it */
	int64_t at;  /* index into their times (-1: the set's own signed_at) */
};

struct batches {
	struct batch_hit *hit;
	size_t n, cap, next; /* next: the first hit not yet laid over */
	json_t *sets;        /* the events' "set" objects as canonical text */
	json_t *evs;         /* their columns: [ts, region] */
	json_t *objs;        /* the "set" objects */
	json_t *ats;         /* each listed entry's own signed_at ("at"), where given */
};

static int hit_cmp(const void *a, const void *b)
{
	const struct batch_hit *x = a, *y = b;
	if (x->rid != y->rid)
		return (x->rid > y->rid) - (x->rid < y->rid);
	return (x->ev > y->ev) - (x->ev < y->ev);
}

static void batches_release(struct batches *b)
{
	free(b->hit);
	json_decref(b->sets);
	json_decref(b->evs);
	json_decref(b->objs);
	json_decref(b->ats);
}

/* One more hit (@rid by event @ev, text @set, its time @at or -1). */
static enum dt_err hit_add(struct batches *b, struct batch_hit h, struct dt_strbuf *err)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 256;
		struct batch_hit *p = realloc(b->hit, cap * sizeof(*p));
		if (!p)
			return dt_error(err, DT_ENOMEM, "out of memory");
		b->hit = p;
		b->cap = cap;
	}
	b->hit[b->n++] = h;
	return DT_OK;
}

/*
 * The records of create batch @o (the event at @st) as hits, each its whole
 * row (from "rows", or "cols": each column a list of the rows' values, null
 * where a row has none, or one value for every row): the id listed, the batch's region, the created_at of the row before
 * where the row has none, an updated_at equal to its created_at where none.
 */
static enum dt_err creates_load(struct batches *b, struct dt_db_stmt *st, json_t *o,
				struct dt_strbuf *err)
{
	json_t *ids = json_object_get(o, "ids"), *rows = json_object_get(o, "rows"), *v;
	json_t *cols = json_object_get(o, "cols");
	char ts[40], reg[24];
	const char *last = NULL;
	int64_t region = dt_db_column_int64(st, 3);
	dt_audit_column_ts(st, 2, ts);
	snprintf(reg, sizeof(reg), "%06lld", (long long)region);
	size_t i;
	json_array_foreach(ids, i, v)
	{
		json_t *row = json_copy(json_array_get(rows, i));
		if (json_is_object(
			    cols)) { /* by column: a list of the rows' values, or one for all */
			const char *k;
			json_t *col;
			row = json_object();
			json_object_foreach(cols, k, col)
			{
				json_t *x = json_is_array(col) ? json_array_get(col, i) : col;
				if (x && !json_is_null(x))
					json_object_set(row, k, x);
			}
		}
		if (!json_is_object(row)) {
			json_decref(row);
			row = json_object();
		}
		if (!json_object_get(row, "region") && region)
			json_object_set_new(row, "region", json_string(reg));
		json_t *c = json_object_get(row, "created_at");
		if (json_is_string(c))
			last = json_string_value(c); /* a shallow copy: the string is @o's */
		else if (last)
			json_object_set_new(row, "created_at", json_string(last));
		if (!json_object_get(row, "updated_at") && json_object_get(row, "created_at"))
			json_object_set(row, "updated_at", json_object_get(row, "created_at"));
		json_object_set(row, "id", v);
		char *text = json_dumps(row, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(row);
		if (!text)
			return dt_error(err, DT_ENOMEM, "out of memory");
		size_t idx = json_array_size(b->sets);
		json_array_append_new(b->sets, json_string(text));
		free(text);
		json_array_append_new(b->objs, json_null());
		json_array_append_new(b->evs, json_pack("[s, I]", ts, (json_int_t)region));
		int rc = hit_add(b,
				 (struct batch_hit){ json_integer_value(v),
						     dt_db_column_int64(st, 0), idx, true, -1 },
				 err);
		if (rc != DT_OK)
			return rc;
	}
	return DT_OK;
}

/* Load the bulk sign-off and create events of @entity (none but for record_entry), sorted by entry. */
static enum dt_err batches_load(struct run *r, const char *entity, struct batches *b,
				struct dt_strbuf *err)
{
	memset(b, 0, sizeof(*b));
	b->sets = json_array();
	b->evs = json_array();
	b->objs = json_array();
	b->ats = json_array();
	if (strcmp(entity, "record_entry"))
		return DT_OK;
	struct dt_db_stmt *st = dt_db_prepare(
		r->s->db,
		"SELECT id, after, ts, region, action, packed FROM audit WHERE entity = 'record_entry' AND "
		"entity_id IS NULL AND action IN ('signoff_batch', 'record_entry.signoff_batch', "
		"'create_batch', 'record_entry.create_batch') ORDER BY id",
		err);
	if (!st)
		return DT_EDB;
	int64_t v5 = INT64_MAX;
	int rc = dt_audit_v5_from(r->s, &v5, err), k = DT_DB_DONE;
	while (rc == DT_OK && (k = dt_db_step(st)) == DT_DB_ROW) {
		json_t *o, *none;
		dt_audit_column_payloads(st, v5, 0, -1, 1, 5, &none, &o);
		json_t *ids = json_object_get(o, "ids"), *set = json_object_get(o, "set");
		json_t *at = json_object_get(o, "at");
		const char *act = dt_db_column_text(st, 4);
		if (act && strstr(act, "create_batch")) {
			rc = creates_load(b, st, o, err);
			json_decref(o);
			if (rc != DT_OK)
				break;
			continue;
		}
		char *text =
			json_is_object(set) ? json_dumps(set, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		size_t i;
		json_t *v;
		if (text) {
			size_t idx = json_array_size(b->sets);
			char ts[40];
			dt_audit_column_ts(st, 2, ts);
			json_array_append_new(b->sets, json_string(text));
			json_array_append(b->objs, set);
			json_array_append_new(
				b->evs,
				json_pack("[s, I]", ts, (json_int_t)dt_db_column_int64(st, 3)));
			json_array_foreach(ids, i, v)
			{
				if (b->n == b->cap) {
					size_t cap = b->cap ? 2 * b->cap : 256;
					struct batch_hit *h = realloc(b->hit, cap * sizeof(*h));
					if (!h) {
						rc = dt_error(err, DT_ENOMEM, "out of memory");
						break;
					}
					b->hit = h;
					b->cap = cap;
				}
				int64_t ai = -1;
				if (json_is_string(json_array_get(at, i))) {
					ai = (int64_t)json_array_size(b->ats);
					json_array_append(b->ats, json_array_get(at, i));
				}
				b->hit[b->n++] = (struct batch_hit){ json_integer_value(v),
								     dt_db_column_int64(st, 0), idx,
								     false, ai };
			}
		}
		free(text);
		json_decref(o);
		if (rc != DT_OK)
			break;
	}
	if (rc == DT_OK && k != DT_DB_DONE)
		rc = dt_sql_error(r->s, "audit", err);
	dt_db_finalize(st);
	if (b->n)
		qsort(b->hit, b->n, sizeof(*b->hit), hit_cmp);
	return rc;
}

/* Lay the bulk sign-offs of record @rid before event @before_ev (INT64_MAX: all) over @f. */
static void batches_fold(struct batches *b, int64_t rid, int64_t before_ev, struct fold *f)
{
	while (b->next < b->n && b->hit[b->next].rid < rid)
		b->next++;
	while (b->next < b->n && b->hit[b->next].rid == rid && b->hit[b->next].ev < before_ev) {
		const struct batch_hit *h = &b->hit[b->next++];
		const char *text = json_string_value(json_array_get(b->sets, h->set));
		char *own = NULL;
		if (h->at >= 0) {
			/* the entry's own sign-off time over the batch's */
			json_t *o = json_copy(json_array_get(b->objs, h->set));
			json_object_set(o, "signed_at", json_array_get(b->ats, (size_t)h->at));
			own = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
			json_decref(o);
			if (own)
				text = own;
		}
		json_t *ev = json_array_get(b->evs, h->set);
		struct create c = { rid, json_integer_value(json_array_get(ev, 1)), "" };
		snprintf(c.ts, sizeof(c.ts), "%s", json_string_value(json_array_get(ev, 0)));
		fold_event(f, h->ev,
			   h->create ? "record_entry.create_batch" : "record_entry.signoff", text,
			   strlen(text), NULL, &c);
		free(own);
	}
}

/* Merge @t's rows with the fold of each of its records' events. */
static enum dt_err check_table(struct run *r, const struct table *t, struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT, text = DT_STRBUF_INIT;
	struct fold f = { 0, DT_STRBUF_INIT, false, DT_STRBUF_INIT, NULL, t->entity, false, { 0 } };
	struct dt_db_stmt *ev = NULL, *row = NULL;
	struct batches bat;
	int rc = batches_load(r, t->entity, &bat, err);
	if (rc != DT_OK)
		goto out;

	/*
	 * The events of the table's records in (record, event) order, which the
	 * index audit_entity gives without a sort; the rows in id order; both
	 * merged in C.  The merge checks the order all the same.  Both
	 * statements are our own, not the store's cache.
	 */
	static const char events_sql[] =
		"SELECT entity_id, id, action, after, ts, region, before, packed FROM audit "
		"WHERE entity = ? AND entity_id IS NOT NULL ORDER BY entity_id, id";
	int64_t v5;
	if ((rc = dt_audit_v5_from(r->s, &v5, err)) != DT_OK)
		goto out;
	if (!(ev = dt_db_prepare(r->s->db, events_sql, err))) {
		rc = DT_EDB;
		goto out;
	}
	dt_db_bind_text(ev, 1, t->entity, -1);
	/* a derived field (DT_FF_DERIVED) as it is read: its value, not its column */
	const struct dt_entity *e = dt_entity_find(t->entity);
	dt_strbuf_adds(&sql, "SELECT ");
	for (int i = 0; i < t->ncols; i++)
		dt_strbuf_addf(&sql, "%s%s", i ? ", " : "",
			       e && t->cols[i].f ? dt_crud_field_sql(e, t->cols[i].f)
						 : t->cols[i].name);
	dt_strbuf_addf(&sql, " FROM %s ORDER BY id", t->table);
	if (!(row = dt_db_prepare(r->s->db, sql.buf, err))) {
		rc = DT_EDB;
		goto out;
	}
	int es = dt_db_step(ev), rs = dt_db_step(row);
	int64_t prev_eid = INT64_MIN;
	while (es == DT_DB_ROW || rs == DT_DB_ROW || bat.next < bat.n) {
		int64_t eid = es == DT_DB_ROW ? dt_db_column_int64(ev, 0) : INT64_MAX;
		if (eid < prev_eid) {
			rc = dt_error(err, DT_EINTERNAL,
				      "internal error: the events of %s came out of order",
				      t->table);
			goto out;
		}
		prev_eid = eid;
		/* a record some batch event names and no event of its own */
		int64_t bid = bat.next < bat.n ? bat.hit[bat.next].rid : INT64_MAX;
		if (bid < eid)
			eid = bid;
		int64_t rid = rs == DT_DB_ROW ? dt_db_column_int64(row, 0) : INT64_MAX;
		if (rid < eid) { /* a row without events */
			fold_reset(&f);
			judge(r, t, rid, &f, row, &text);
			rs = dt_db_step(row);
			continue;
		}
		/* the events of record eid */
		fold_reset(&f);
		while (es == DT_DB_ROW && dt_db_column_int64(ev, 0) == eid) {
			batches_fold(&bat, eid, dt_db_column_int64(ev, 1), &f);
			char whole[128];
			const char *act = dt_audit_action(dt_db_column_text(ev, 2), t->entity,
							  whole, sizeof(whole));
			char *before, *after;
			dt_audit_column_texts(ev, v5, 1, 6, 3, 7, &before, &after);
			struct create c;
			create_of(ev, 0, 4, 5, &c);
			fold_event(&f, dt_db_column_int64(ev, 1), act ? act : "", after,
				   after ? strlen(after) : 0, before, &c);
			free(before);
			free(after);
			es = dt_db_step(ev);
		}
		batches_fold(&bat, eid, INT64_MAX, &f);
		judge(r, t, eid, &f, rid == eid ? row : NULL, &text);
		if (rid == eid)
			rs = dt_db_step(row);
	}
	if ((es != DT_DB_DONE && es != DT_DB_ROW) || (rs != DT_DB_DONE && rs != DT_DB_ROW))
		rc = dt_sql_error(r->s, t->table, err);
out:
	dt_db_finalize(ev);
	dt_db_finalize(row);
	batches_release(&bat);
	fold_release(&f);
	dt_strbuf_release(&sql);
	dt_strbuf_release(&text);
	return rc;
}

enum dt_err dt_store_audit_fold(struct dt_store *s, const char *entity, int64_t id, json_t **out,
				int64_t *last, struct dt_strbuf *err)
{
	struct fold f = { 0, DT_STRBUF_INIT, false, DT_STRBUF_INIT, NULL, entity, false, { 0 } };
	*out = NULL;
	*last = 0;
	int64_t v5;
	int rc = dt_audit_v5_from(s, &v5, err);
	if (rc != DT_OK)
		return rc;
	struct dt_db_stmt *st =
		dt_sql_prepare(s,
			       "SELECT id, action, after, entity_id, ts, region, before, packed "
			       "FROM audit WHERE entity = ? AND entity_id = ? "
			       "ORDER BY id",
			       err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, entity, -1);
	dt_db_bind_int64(st, 2, id);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		char whole[128];
		const char *act =
			dt_audit_action(dt_db_column_text(st, 1), entity, whole, sizeof(whole));
		struct create c;
		create_of(st, 3, 4, 5, &c);
		char *before, *after;
		dt_audit_column_texts(st, v5, 0, 6, 2, 7, &before, &after);
		fold_event(&f, dt_db_column_int64(st, 0), act ? act : "", after,
			   after ? strlen(after) : 0, before, &c);
		free(before);
		free(after);
	}
	dt_db_reset(st);
	rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "audit", err);
	if (rc == DT_OK && f.ev && !f.deleted) {
		*out = json_incref(fold_obj(&f));
		*last = f.ev;
	}
	fold_release(&f);
	return rc;
}

/* An inherited region must be the owner's (rules.c moves it along without an event). */
static enum dt_err check_inherited(struct run *r, const struct dt_entity *e, struct dt_strbuf *err)
{
	const struct dt_field *f = dt_entity_field(e, e->region_from);
	const struct dt_entity *owner = f ? dt_entity_find(f->ref) : NULL;
	if (!owner)
		return DT_OK;
	struct dt_strbuf sql = DT_STRBUF_INIT;
	dt_strbuf_addf(
		&sql,
		"SELECT c.id, o.id FROM %s c JOIN %s o ON o.id = c.%s WHERE c.region IS DISTINCT FROM o.region",
		e->table, owner->table, f->name);
	struct dt_db_stmt *st = dt_sql_prepare(r->s, sql.buf, err);
	dt_strbuf_release(&sql);
	if (!st)
		return DT_EDB;
	int s;
	while ((s = dt_db_step(st)) == DT_DB_ROW)
		finding(r, "%s %lld: region differs from that of its %s %lld", e->table,
			(long long)dt_db_column_int64(st, 0), owner->name,
			(long long)dt_db_column_int64(st, 1));
	dt_db_reset(st);
	return s == DT_DB_DONE ? DT_OK : dt_sql_error(r->s, e->table, err);
}

/*
 * With the key: every national ID ciphertext opens, and the ID inside has
 * the row's blind index and agrees with its masked form where that shows
 * a digit (a swapped or forged ciphertext is found).
 */
static enum dt_err check_natids(struct run *r, struct dt_strbuf *err)
{
	if (!r->s->have_keys)
		return DT_OK;
	struct dt_db_stmt *st = dt_sql_prepare(r->s,
					       "SELECT id, national_id, national_id_enc, "
					       "national_id_blind FROM trainee ORDER BY id",
					       err);
	if (!st)
		return DT_EDB;
	int s;
	while ((s = dt_db_step(st)) == DT_DB_ROW) {
		int64_t id = dt_db_column_int64(st, 0);
		const char *masked = dt_db_column_text(st, 1);
		const unsigned char *enc = dt_db_column_blob(st, 2);
		int elen = dt_db_column_bytes(st, 2);
		const unsigned char *blind = dt_db_column_blob(st, 3);
		int blen = dt_db_column_bytes(st, 3);
		char plain[DT_NATID_LEN + 1];
		unsigned char want[DT_BLIND_LEN];
		bool ok = enc && elen == DT_NATID_LEN + DT_SEAL_OVERHEAD &&
			  dt_secret_open(&r->s->keys, enc, (size_t)elen, plain) == DT_OK;
		if (ok) {
			plain[DT_NATID_LEN] = '\0';
			dt_secret_blind(&r->s->keys, plain, DT_NATID_LEN, want);
			ok = blind && blen == DT_BLIND_LEN &&
			     !sodium_memcmp(want, blind, DT_BLIND_LEN);
			for (size_t i = 0; ok && masked && i < DT_NATID_LEN; i++)
				ok = masked[i] == '*' || masked[i] == plain[i];
			ok = ok && masked && strlen(masked) == DT_NATID_LEN;
		}
		sodium_memzero(plain, sizeof(plain));
		if (!ok)
			finding(r,
				"trainee %lld: national_id_enc does not hold the ID of its blind index "
				"and masked form",
				(long long)id);
	}
	dt_db_reset(st);
	return s == DT_DB_DONE ? DT_OK : dt_sql_error(r->s, "trainee", err);
}

/* Settings (meta weight.* and alert.*) against their last setting.set events. */
static enum dt_err check_settings(struct run *r, struct dt_strbuf *err)
{
	json_t *want = json_object(), *evid = json_object();
	int64_t v5;
	int rc = dt_audit_v5_from(r->s, &v5, err), s;
	struct dt_db_stmt *st =
		rc != DT_OK ? NULL
			    : dt_sql_prepare(
				      r->s,
				      "SELECT id, after, packed FROM audit WHERE entity = "
				      "'setting' AND action IN ('setting.set', 'set') ORDER BY id",
				      err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	while ((s = dt_db_step(st)) == DT_DB_ROW) {
		json_t *o, *none;
		dt_audit_column_payloads(st, v5, 0, -1, 1, 2, &none, &o);
		const char *k;
		json_t *v;
		json_object_foreach(o, k, v)
		{
			json_object_set(want, k, v);
			json_object_set_new(evid, k, json_integer(dt_db_column_int64(st, 0)));
		}
		json_decref(o);
	}
	dt_db_reset(st);
	if (s != DT_DB_DONE) {
		rc = dt_sql_error(r->s, "audit", err);
		goto out;
	}
	st = dt_sql_prepare(r->s,
			    "SELECT key, value FROM meta WHERE key LIKE 'weight.%' OR "
			    "key LIKE 'alert.%' ORDER BY key",
			    err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	while ((s = dt_db_step(st)) == DT_DB_ROW) {
		const char *k = dt_db_column_text(st, 0);
		const char *v = dt_db_column_text(st, 1);
		json_t *w = json_object_get(want, k);
		r->records++;
		if (!w)
			finding(r, "setting %s: present without an audit event that set it", k);
		else if (!json_is_string(w) || strcmp(json_string_value(w), v))
			finding(r,
				"setting %s: differs from its last audit event %lld (setting.set)",
				k, (long long)json_integer_value(json_object_get(evid, k)));
		json_object_del(want, k);
	}
	dt_db_reset(st);
	if (s != DT_DB_DONE) {
		rc = dt_sql_error(r->s, "meta", err);
		goto out;
	}
	const char *k;
	json_t *v;
	json_object_foreach(want, k, v)
		finding(r, "setting %s: deleted without an audit event (its last event is %lld)", k,
			(long long)json_integer_value(json_object_get(evid, k)));
out:
	json_decref(want);
	json_decref(evid);
	return rc;
}

enum dt_err dt_store_records_check(struct dt_store *s, struct dt_strbuf *report, int64_t max,
				   int64_t *found, int64_t *records, struct dt_strbuf *err)
{
	struct run r = { s, report, max, 0, 0 };
	int rc = DT_OK;
	*found = *records = 0;
	/* One read transaction: the events and the records are one snapshot. */
	dt_store_snapshot_end(s);
	rc = dt_sql_exec(s, "BEGIN", err);
	if (rc != DT_OK)
		return rc;
	for (const struct dt_entity *e = dt_entities; e->name && rc == DT_OK; e++) {
		struct table t;
		table_of_entity(e, &t);
		rc = check_table(&r, &t, err);
		if (rc == DT_OK && e->region_from)
			rc = check_inherited(&r, e, err);
	}
	struct table acc = account_table, cred = credential_table;
	table_sort(&acc);
	table_sort(&cred);
	if (rc == DT_OK)
		rc = check_table(&r, &acc, err);
	if (rc == DT_OK)
		rc = check_table(&r, &cred, err);
	if (rc == DT_OK)
		rc = check_settings(&r, err);
	if (rc == DT_OK)
		rc = check_natids(&r, err);
	dt_sql_exec(s, "COMMIT", NULL);
	if (r.found > r.max)
		dt_strbuf_addf(report, "record ... and %lld more\n", (long long)(r.found - r.max));
	*found = r.found;
	*records = r.records;
	return rc;
}
