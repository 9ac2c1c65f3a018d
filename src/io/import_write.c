/*
 * import_write.c - the import's writer: references, rows, batches.
 *
 * On the calling thread, owner of the store connection: resolves references
 * (cached per import), creates each row through the store in a savepoint of
 * its own or, on the bulk path for trainees, inserts prepared rows, and
 * reports what failed.  Part of the importer in import.c.
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

/*
 * Find the id of the record that key column @ci names with @text; 0 when
 * there is none the actor may use.  @zh and @en then say why and *@code
 * is its code: ref.missing, ref.kind (an organisation of another kind) or
 * import.contract_ambiguous.
 */
int64_t dt_import_resolve(struct dt_import_writer *w, int ci, const char *text,
			  struct dt_import_row *row, struct dt_strbuf *zh, struct dt_strbuf *en,
			  const char **code)
{
	*code = "ref.missing";
	const struct dt_iocol *c = &w->p->cols[ci];
	const struct dt_scope *scope = w->o->actor->scope;
	bool open = c->field && (c->field->flags & DT_FF_OPENREF);
	char ck[16];
	snprintf(ck, sizeof(ck), "%d", ci);
	json_t *cache = json_object_get(w->cache, ck);
	if (!cache) {
		cache = json_object();
		json_object_set_new(w->cache, ck, cache);
	}
	/* A contract is the trainee's and its start date: the cache key holds both. */
	const char *cdate = NULL;
	struct dt_strbuf key = DT_STRBUF_INIT;
	dt_strbuf_adds(&key, text);
	if (!strcmp(c->ref, "contract")) {
		cdate = json_string_value(json_object_get(row->state, "contract_start_date"));
		dt_strbuf_addf(&key, "|%s", cdate ? cdate : "");
	}
	json_t *hit = json_object_get(cache, key.buf);
	if (hit && json_integer_value(hit) > 0) {
		dt_strbuf_release(&key);
		return json_integer_value(hit);
	}
	int64_t id = 0;
	json_t *o = NULL, *items = NULL;
	char *next = NULL;
	struct dt_strbuf e2 = DT_STRBUF_INIT;
	if (!strcmp(c->ref, "organization")) {
		if (dt_store_org_by_uscc(w->s, text, &id, NULL) != DT_OK ||
		    dt_store_get(w->s, open ? NULL : scope, "organization", id, 0, &o, NULL) !=
			    DT_OK) {
			id = 0;
			dt_strbuf_addf(zh, "找不到统一社会信用代码为 %s 的机构%s", text,
				       scope && !open ? "（在您的权限范围内）" : "");
			dt_strbuf_addf(en, "%s: no organization with credit code %s%s", c->name,
				       text, scope && !open ? " in your scope" : "");
		} else if (c->field->ref_kind &&
			   strcmp(json_string_value(json_object_get(o, "kind")),
				  c->field->ref_kind)) {
			const char *kind = json_string_value(json_object_get(o, "kind"));
			const struct dt_field *kf =
				dt_entity_field(dt_entity_find("organization"), "kind");
			*code = "ref.kind";
			dt_strbuf_addf(zh, "统一社会信用代码 %s 对应的机构是%s，不是%s", text,
				       dt_io_enum_zh(kf, kind),
				       dt_io_enum_zh(kf, c->field->ref_kind));
			dt_strbuf_addf(
				en,
				"%s: the organization with credit code %s is a%s %s, not a%s %s",
				c->name, text, strchr("aeiou", kind[0]) ? "n" : "", kind,
				strchr("aeiou", c->field->ref_kind[0]) ? "n" : "",
				c->field->ref_kind);
			id = 0;
		}
	} else if (!strcmp(c->ref, "trainee") || !strcmp(c->ref, "contract")) {
		int64_t tid = 0;
		int rc = dt_store_trainee_by_natid(w->s, text, &tid, &e2);
		if (rc == DT_ECRYPTO) {
			w->fatal = rc;
			dt_strbuf_setf(&w->fatal_msg, "%s", e2.buf);
		}
		if (rc != DT_OK ||
		    dt_store_get(w->s, scope, "trainee", tid, 0, &o, NULL) != DT_OK) {
			dt_strbuf_addf(zh, "找不到该身份证号的学员%s",
				       scope ? "（在您的权限范围内）" : "");
			dt_strbuf_addf(en, "%s: no trainee with this national ID%s", c->name,
				       scope ? " in your scope" : "");
		} else if (!strcmp(c->ref, "trainee")) {
			id = tid;
		} else {
			char tbuf[24];
			snprintf(tbuf, sizeof(tbuf), "%lld", (long long)tid);
			const char *filters[] = { "trainee_id", tbuf };
			struct dt_query q = { filters, 1,    NULL, "start_date", true,
					      100,     NULL, 0,    false };
			int n = 0;
			if (dt_store_list(w->s, scope, "contract", &q, &items, &next, NULL) ==
			    DT_OK) {
				size_t i;
				json_t *it;
				json_array_foreach(items, i, it)
				{
					const char *sd = json_string_value(
						json_object_get(it, "start_date"));
					if (cdate && strcmp(sd, cdate))
						continue;
					if (!n++)
						id = json_integer_value(json_object_get(it, "id"));
				}
			}
			if (n == 0) {
				id = 0;
				dt_strbuf_addf(zh, "该学员没有%s%s的合同",
					       cdate ? "开始日期为" : "", cdate ? cdate : "");
				dt_strbuf_addf(en, "%s: the trainee has no contract%s%s", c->name,
					       cdate ? " starting on " : "", cdate ? cdate : "");
			} else if (n > 1) {
				id = 0;
				*code = "import.contract_ambiguous";
				dt_strbuf_addf(zh, "该学员有%d份合同，请填写「合同开始日期」", n);
				dt_strbuf_addf(
					en,
					"%s: the trainee has %d contracts: give contract_start_date",
					c->name, n);
			}
		}
	} else if (!strcmp(c->ref, "occupation")) {
		if (dt_store_occupation_by_code(w->s, text, &id, NULL) != DT_OK) {
			id = 0;
			dt_strbuf_addf(zh, "找不到职业编码 %s", text);
			dt_strbuf_addf(en, "%s: no occupation with code %s", c->name, text);
		}
	} else {
		/* programme by code, pilot by region: a list filter within the scope */
		const char *kf = !strcmp(c->ref, "pilot") ? "region" : "code";
		const char *filters[] = { kf, text };
		struct dt_query q = { filters, 1, NULL, NULL, false, 50, NULL, 0, false };
		if (dt_store_list(w->s, open ? NULL : scope, c->ref, &q, &items, &next, NULL) ==
		    DT_OK) {
			size_t i;
			json_t *it;
			json_array_foreach(
				items, i,
				it) if (!strcmp(json_string_value(json_object_get(it, kf)), text))
				id = json_integer_value(json_object_get(it, "id"));
		}
		if (!id) {
			const struct dt_entity *te = dt_entity_find(c->ref);
			dt_strbuf_addf(zh, "找不到%s为 %s 的%s%s", c->label_zh, text, te->label_zh,
				       scope && !open ? "（在您的权限范围内）" : "");
			dt_strbuf_addf(en, "%s: no %s with %s %s%s", c->name, c->ref, kf, text,
				       scope && !open ? " in your scope" : "");
		}
	}
	json_decref(o);
	json_decref(items);
	free(next);
	dt_strbuf_release(&e2);
	if (id > 0)
		json_object_set_new(cache, key.buf, json_integer(id));
	dt_strbuf_release(&key);
	return id;
}

/* Take a created contract to the status the file gives (admin imports). */
static int contract_state(struct dt_import_writer *w, int64_t id, json_t *state,
			  struct dt_strbuf *e2)
{
	const char *status = json_string_value(json_object_get(state, "status"));
	const char *ended = json_string_value(json_object_get(state, "ended_on"));
	const char *reason = json_string_value(json_object_get(state, "dissolution_reason"));
	const struct dt_actor *a = w->o->actor;
	if (!status || !strcmp(status, "draft"))
		return DT_OK;
	if (!strcmp(status, "transferred"))
		return dt_error(
			e2, DT_EINVAL,
			"status: transferred contracts are not imported (import the successor)");
	if ((!strcmp(status, "completed") || !strcmp(status, "dissolved")) && !ended)
		return dt_error(e2, DT_EINVAL, "ended_on: is required for a %s contract", status);
	if (!strcmp(status, "dissolved") && !reason)
		return dt_error(e2, DT_EINVAL,
				"dissolution_reason: is required for a dissolved contract");
	int rc = dt_store_contract_act(w->s, a, NULL, id, DT_CEV_SUBMIT, 0, NULL, NULL, e2);
	if (rc != DT_OK || !strcmp(status, "pending"))
		return rc;
	for (int p = 0; p < DT_PARTY_N && rc == DT_OK; p++)
		rc = dt_store_contract_act(w->s, a, NULL, id, DT_CEV_APPROVE, (enum dt_party)p,
					   NULL, NULL, e2);
	if (rc == DT_OK)
		rc = dt_store_contract_act(w->s, a, NULL, id, DT_CEV_ACTIVATE, 0, NULL, NULL, e2);
	if (rc != DT_OK || !strcmp(status, "active"))
		return rc;
	json_t *args = json_pack("{s:s}", "date", ended);
	if (!strcmp(status, "dissolved"))
		json_object_set_new(args, "reason", json_string(reason));
	rc = dt_store_contract_act(w->s, a, NULL, id,
				   !strcmp(status, "completed") ? DT_CEV_COMPLETE : DT_CEV_DISSOLVE,
				   0, args, NULL, e2);
	json_decref(args);
	return rc;
}

static void write_row(struct dt_import_writer *w, struct dt_import_row *row)
{
	w->r->rows++;
	const char *first_reason = NULL;
	if (row->errs) {
		size_t i;
		json_t *e;
		json_array_foreach(row->errs, i, e)
		{
			int fc = (int)json_integer_value(json_object_get(e, "col"));
			const char *reason = json_string_value(json_object_get(e, "reason"));
			const struct dt_iocol *c =
				fc >= 0 && (size_t)fc < w->p->nfile && w->p->map[fc] >= 0
					? &w->p->cols[w->p->map[fc]]
					: NULL;
			dt_import_report_line(
				w, row->rowno, fc, c && c->field ? c->field->name : "",
				json_string_value(json_object_get(e, "value")),
				(size_t)json_integer_value(json_object_get(e, "length")), reason,
				json_string_value(json_object_get(e, "code")),
				json_string_value(json_object_get(e, "zh")),
				json_string_value(json_object_get(e, "en")));
			if (!first_reason)
				first_reason = reason;
		}
		goto rejected;
	}
	/* references by their keys */
	const char *key;
	json_t *kv;
	bool refs_ok = true;
	json_object_foreach(row->keys, key, kv)
	{
		int ci = (int)strtol(key, NULL, 10);
		struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
		const char *code = NULL;
		int64_t id = dt_import_resolve(w, ci, json_string_value(kv), row, &zh, &en, &code);
		if (w->fatal) {
			dt_strbuf_release(&zh);
			dt_strbuf_release(&en);
			return;
		}
		if (id > 0) {
			json_object_set_new(row->in, w->p->cols[ci].field->name, json_integer(id));
		} else {
			int fc = dt_import_file_col_of(w->p, ci);
			dt_import_report_line(w, row->rowno, fc, w->p->cols[ci].field->name,
					      dt_import_row_value(row, fc), 0, "reference", code,
					      zh.buf, en.buf);
			refs_ok = false;
			if (!first_reason)
				first_reason = "reference";
		}
		dt_strbuf_release(&zh);
		dt_strbuf_release(&en);
	}
	if (!refs_ok)
		goto rejected;

	struct dt_strbuf e2 = DT_STRBUF_INIT;
	json_t *out = NULL;
	/*
	 * dt_store_create() undoes itself when it fails; a row that does more
	 * (contract actions) or may have to be taken back (the scope check)
	 * gets a savepoint of its own around it all.
	 */
	bool began = false;
	int rc = DT_OK;
	if (row->state || w->scoped) {
		rc = dt_store_row_begin(w->s, &e2);
		began = rc == DT_OK;
	}
	if (rc == DT_OK)
		rc = dt_store_create(w->s, w->o->actor, w->e->name, row->in, &out, &e2);
	int64_t id = out ? json_integer_value(json_object_get(out, "id")) : 0;
	if (rc == DT_OK && row->state)
		rc = contract_state(w, id, row->state, &e2);
	if (rc == DT_OK && w->scoped) {
		json_t *seen = NULL;
		if (dt_store_get(w->s, w->o->actor->scope, w->e->name, id, DT_READ_WRITABLE, &seen,
				 NULL) != DT_OK) {
			json_decref(out);
			if (began)
				dt_store_row_end(w->s, false, NULL);
			struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
			dt_message(&zh, DT_LANG_ZH, "import.out_of_scope", NULL);
			dt_message(&en, DT_LANG_EN, "import.out_of_scope", NULL);
			dt_import_report_line(w, row->rowno, -1, "", "", 0, "scope",
					      "import.out_of_scope", zh.buf, en.buf);
			dt_strbuf_release(&zh);
			dt_strbuf_release(&en);
			first_reason = "scope";
			dt_strbuf_release(&e2);
			goto rejected;
		}
		json_decref(seen);
	}
	json_decref(out);
	if (rc != DT_OK && (rc == DT_EINVAL || rc == DT_ECONFLICT || rc == DT_ENOTFOUND)) {
		first_reason =
			dt_import_report_problems(w, row, rc, e2.buf, dt_store_problems(w->s));
		if (began)
			dt_store_row_end(w->s, false, NULL);
		dt_strbuf_release(&e2);
		goto rejected;
	}
	if (rc != DT_OK) {
		if (began)
			dt_store_row_end(w->s, false, NULL);
		w->fatal = rc;
		dt_strbuf_setf(&w->fatal_msg, "row %lld: %s", (long long)row->rowno, e2.buf);
		dt_strbuf_release(&e2);
		return;
	}
	if (began)
		rc = dt_store_row_end(w->s, true, &e2);
	if (rc != DT_OK) {
		w->fatal = rc;
		dt_strbuf_setf(&w->fatal_msg, "row %lld: %s", (long long)row->rowno, e2.buf);
	} else {
		w->r->written++;
	}
	dt_strbuf_release(&e2);
	return;
rejected:
	w->r->rejected++;
	dt_import_count_reason(w, first_reason ? first_reason : "invalid");
}

/* Free the batches held for rows of the bulk path: none waits any more. */
static void free_held(struct dt_import_writer *w)
{
	while (w->held) {
		struct dt_import_batch *b = w->held;
		w->held = b->next;
		dt_import_batch_free(b);
	}
}

/*
 * Write the rows of the bulk path waiting in w->pend, in one batch: only
 * the database can still refuse one of them (an ID registered before),
 * and that is reported as the general path reports it.
 */
static void flush_fast(struct dt_import_writer *w)
{
	struct dt_trainee_new **t = NULL;
	int n = w->npend;
	w->npend = 0;
	if (!n || w->fatal)
		goto out;
	t = malloc((size_t)n * sizeof(*t));
	if (!t) {
		w->fatal = DT_ENOMEM;
		dt_strbuf_setf(&w->fatal_msg, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++)
		t[i] = w->pend[i]->t;
	struct dt_strbuf e2 = DT_STRBUF_INIT;
	int rc = dt_store_trainee_insert(w->s, w->o->actor, t, n, &e2);
	if (rc != DT_OK) {
		w->fatal = rc;
		dt_strbuf_setf(&w->fatal_msg, "rows %lld to %lld: %s", (long long)w->pend[0]->rowno,
			       (long long)w->pend[n - 1]->rowno, e2.buf);
		dt_strbuf_release(&e2);
		goto out;
	}
	dt_strbuf_release(&e2);
	for (int i = 0; i < n; i++) {
		struct dt_import_row *row = w->pend[i];
		if (!t[i]->conflict) {
			w->r->written++;
			w->r->bulk++;
			continue;
		}
		char key[24];
		snprintf(key, sizeof(key), "%d", w->p->fast.col[FT_NATID]);
		row->vals = json_pack("{s:s}", key, t[i]->national_id);
		struct dt_problems ps = DT_PROBLEMS_INIT;
		dt_problems_entity(&ps, "trainee");
		/* the store's rule's own problem (store/rules.c), so that both paths report alike */
		dt_problem_add(&ps, "national_id", "trainee.taken", NULL);
		dt_import_report_problems(w, row, DT_ECONFLICT, DT_TRAINEE_TAKEN, &ps);
		dt_problems_release(&ps);
		w->r->rejected++;
		dt_import_count_reason(w, "duplicate_db");
	}
out:
	free(t);
	free_held(w);
}

void dt_import_write_batch(struct dt_import_writer *w, struct dt_import_batch *b)
{
	for (int i = 0; i < b->n && !w->fatal; i++) {
		if (w->o->cancel && atomic_load(w->o->cancel)) {
			w->r->cancelled = true;
			w->fatal = DT_ECONFLICT;
			dt_strbuf_setf(&w->fatal_msg, "the import was cancelled");
			break;
		}
		if (b->rows[i].t) {
			w->r->rows++;
			w->pend[w->npend++] = &b->rows[i];
			if (w->npend == DT_TRAINEE_BATCH)
				flush_fast(w);
		} else {
			flush_fast(w); /* rows are written, and reported, in file order */
			write_row(w, &b->rows[i]);
		}
		if (++w->done % 256 == 0 && w->o->progress) {
			int64_t est = atomic_load(&w->p->est_total);
			w->o->progress(w->o->progress_ctx, w->done, est > w->done ? est : w->done);
		}
	}
	if (w->fatal)
		w->npend = 0;
	/* rows of @b that wait keep it, and the batches before them, alive */
	if (w->npend) {
		b->next = w->held;
		w->held = b;
	} else {
		free_held(w);
		dt_import_batch_free(b);
	}
}

void dt_import_write_end(struct dt_import_writer *w)
{
	flush_fast(w);
}

/* Serial mode: a full batch goes straight to the writer. */
void dt_import_emit_serial(struct dt_import_parser *p, struct dt_import_batch *b)
{
	dt_import_write_batch(p->writer, b);
}
