/*
 * documents.c - the contract, the record book and the annual report as PDF.
 *
 * The record a document is about is read within the reader's scope, so an
 * unknown id and one outside the scope both give DT_ENOTFOUND.  What it
 * refers to (the trainee, the two organisations, the programme, its
 * occupation) is then read without a scope: a party of a contract the
 * reader may see is part of that contract.  Those reads still pass through
 * the store's coarsening for a reader without pii:read (the national ID is
 * masked as the API shows it).  The report reads only the maintained
 * aggregates through the engine, the region's alerts and the supervision
 * figures; its region is checked against the scope first.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "domain/entity.h"
#include "domain/indicator.h"
#include "domain/occupation.h"
#include "domain/region.h"
#include "engine/indicators.h"
#include "engine/publish.h"
#include "io/pdf.h"
#include "core/banned.h"

#define T(key) dt_doc_text(key, o->lang)

/* ---- small helpers ---- */

static const char *str(json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));
	return v ? v : "";
}

/* The label of @entity's field @field in @lang. */
static const char *label(const char *entity, const char *field, enum dt_lang lang)
{
	const struct dt_field *f = dt_entity_field(dt_entity_find(entity), field);
	if (!f)
		return field;
	return lang == DT_LANG_EN ? f->label_en : f->label_zh;
}

/* "{a}" in @tpl replaced by @va, "{b}" by @vb (either may be NULL), into @out. */
static void fill(struct dt_strbuf *out, const char *tpl, const char *a, const char *va,
		 const char *b, const char *vb)
{
	dt_strbuf_reset(out);
	while (*tpl) {
		if (*tpl == '{') {
			const char *end = strchr(tpl, '}');
			size_t n = end ? (size_t)(end - tpl - 1) : 0;
			if (end && a && strlen(a) == n && !strncmp(tpl + 1, a, n)) {
				dt_strbuf_adds(out, va);
				tpl = end + 1;
				continue;
			}
			if (end && b && strlen(b) == n && !strncmp(tpl + 1, b, n)) {
				dt_strbuf_adds(out, vb);
				tpl = end + 1;
				continue;
			}
		}
		dt_strbuf_addch(out, *tpl++);
	}
}

/* A name by language: name_en when English and present, else name_zh / name. */
static const char *name_of(json_t *obj, enum dt_lang lang)
{
	if (lang == DT_LANG_EN && *str(obj, "name_en"))
		return str(obj, "name_en");
	return *str(obj, "name_zh") ? str(obj, "name_zh") : str(obj, "name");
}

/* A region's name ("辽宁省 沈阳市"-style parents left out: the city's own name). */
static void region_name(struct dt_store *s, const char *code, enum dt_lang lang,
			struct dt_strbuf *out)
{
	json_t *r = NULL;
	long v = strtol(code, NULL, 10);
	dt_strbuf_reset(out);
	if (v > 0 && dt_store_get(s, NULL, "region", v, 0, &r, NULL) == DT_OK)
		dt_strbuf_adds(out, name_of(r, lang));
	else
		dt_strbuf_adds(out, code);
	json_decref(r);
}

/* A referenced record read without scope (see the file's head), or NULL. */
static json_t *ref_get(struct dt_store *s, const char *entity, json_t *from, const char *field)
{
	json_t *v = json_object_get(from, field), *out = NULL;
	if (!json_is_integer(v))
		return NULL;
	struct dt_strbuf e = DT_STRBUF_INIT;
	if (dt_store_get(s, NULL, entity, json_integer_value(v), 0, &out, &e) != DT_OK)
		out = NULL;
	dt_strbuf_release(&e);
	return out;
}

static void today_text(const struct dt_doc_opts *o, char out[DT_DATE_STRLEN])
{
	if (o->today) {
		struct dt_date d = { o->today / 10000, o->today / 100 % 100, o->today % 100 };
		dt_date_format(d, out);
	} else {
		dt_date_format(dt_date_today(), out);
	}
}

/* A footer: "双元培育试点管理平台 · 生成日期 2026-12-05". */
static void footer_text(const struct dt_doc_opts *o, struct dt_strbuf *out)
{
	char d[DT_DATE_STRLEN];
	today_text(o, d);
	dt_strbuf_reset(out);
	dt_strbuf_addf(out, "%s · %s %s", T("doc.app"), T("doc.made"), d);
}

/* A two-column table of (label, value) pairs: @kv ends with NULL. */
static void kv_table(struct dt_pdf *p, const char *const *kv)
{
	static const double w[2] = { 1, 2.6 };
	dt_pdf_table_begin(p, 2, w, NULL);
	for (; kv[0]; kv += 2) {
		const char *row[2] = { kv[0], kv[1] ? kv[1] : "" };
		dt_pdf_table_row(p, row);
	}
	dt_pdf_table_end(p);
}

/* ---- what a contract document shows ---- */

struct contract_doc {
	json_t *contract, *trainee, *enterprise, *school, *programme, *occupation;
};

static void contract_doc_release(struct contract_doc *d)
{
	json_decref(d->contract);
	json_decref(d->trainee);
	json_decref(d->enterprise);
	json_decref(d->school);
	json_decref(d->programme);
	json_decref(d->occupation);
}

static enum dt_err contract_doc_read(struct dt_store *s, int64_t id, const struct dt_doc_opts *o,
				     struct contract_doc *d, struct dt_strbuf *err)
{
	memset(d, 0, sizeof(*d));
	/* An assessment body reads the contracts it assesses, not the trainee's personal data
	 * and the record book these documents print: to it they are no documents. */
	if (o->scope && o->scope->assessor_region)
		return dt_error(err, DT_ENOTFOUND, "contract %lld: not found", (long long)id);
	enum dt_err rc = dt_store_get(s, o->scope, "contract", id, 0, &d->contract, err);
	if (rc != DT_OK)
		return rc;
	d->trainee = ref_get(s, "trainee", d->contract, "trainee_id");
	d->enterprise = ref_get(s, "organization", d->contract, "enterprise_id");
	d->school = ref_get(s, "organization", d->contract, "school_id");
	d->programme = ref_get(s, "programme", d->contract, "programme_id");
	if (d->programme)
		d->occupation = ref_get(s, "occupation", d->programme, "occupation_id");
	return DT_OK;
}

/* "张三（合同 #12）" style header of both contract documents. */
static void contract_header(const struct contract_doc *d, const char *title, int64_t id,
			    struct dt_strbuf *out)
{
	dt_strbuf_reset(out);
	dt_strbuf_addf(out, "%s · %s · #%lld", title, str(d->trainee, "name"), (long long)id);
}

static void integer_text(json_t *v, const char *unit, struct dt_strbuf *out)
{
	dt_strbuf_reset(out);
	if (json_is_integer(v))
		dt_strbuf_addf(out, "%lld %s", (long long)json_integer_value(v), unit);
}

enum dt_err dt_doc_contract(struct dt_store *s, int64_t id, struct dt_doc_opts *o,
			    struct dt_strbuf *out, struct dt_strbuf *err)
{
	struct contract_doc d;
	struct dt_pdf *p = NULL;
	struct dt_strbuf hdr = DT_STRBUF_INIT, foot = DT_STRBUF_INIT, a = DT_STRBUF_INIT,
			 b = DT_STRBUF_INIT, c = DT_STRBUF_INIT, e = DT_STRBUF_INIT;
	enum dt_err rc = contract_doc_read(s, id, o, &d, err);
	if (rc != DT_OK)
		goto out;
	json_t *k = d.contract;
	contract_header(&d, T("contract.title"), id, &hdr);
	footer_text(o, &foot);
	rc = dt_pdf_new(out, T("contract.title"), hdr.buf, foot.buf, T("doc.page"), &p, err);
	if (rc != DT_OK)
		goto out;
	dt_pdf_title(p, T("contract.title"));
	{
		struct dt_strbuf st = DT_STRBUF_INIT;
		dt_strbuf_addf(&st, "status.%s", str(k, "status"));
		dt_strbuf_reset(&a);
		dt_strbuf_addf(&a, "%s: %lld    %s: %s", T("contract.number"), (long long)id,
			       T("contract.status"), T(st.buf));
		dt_strbuf_release(&st);
	}
	dt_pdf_para(p, a.buf);

	/* 1. the parties */
	dt_pdf_heading(p, T("contract.parties"));
	region_name(s, str(d.enterprise, "region"), o->lang, &a);
	region_name(s, str(d.school, "region"), o->lang, &b);
	const char *ent[] = { T("contract.party_a"),
			      name_of(d.enterprise, o->lang),
			      label("organization", "uscc", o->lang),
			      str(d.enterprise, "uscc"),
			      label("organization", "region", o->lang),
			      a.buf,
			      label("organization", "address", o->lang),
			      str(d.enterprise, "address"),
			      label("organization", "contact_name", o->lang),
			      str(d.enterprise, "contact_name"),
			      NULL };
	kv_table(p, ent);
	const char *sch[] = { T("contract.party_b"),
			      name_of(d.school, o->lang),
			      label("organization", "uscc", o->lang),
			      str(d.school, "uscc"),
			      label("organization", "region", o->lang),
			      b.buf,
			      label("organization", "address", o->lang),
			      str(d.school, "address"),
			      NULL };
	kv_table(p, sch);
	const char *tra[] = { T("contract.party_c"),
			      str(d.trainee, "name"),
			      label("trainee", "national_id", o->lang),
			      str(d.trainee, "national_id"),
			      label("trainee", "birth_date", o->lang),
			      str(d.trainee, "birth_date"),
			      label("trainee", "phone", o->lang),
			      str(d.trainee, "phone"),
			      T("contract.guardian"),
			      *str(d.trainee, "guardian_name") ? str(d.trainee, "guardian_name")
							       : T("doc.none"),
			      NULL };
	kv_table(p, tra);

	/* 2. the training */
	dt_pdf_heading(p, T("contract.training"));
	json_t *lv = json_object_get(d.programme, "level");
	const char *lvname = json_is_integer(lv) ? dt_skill_level_name((int)json_integer_value(lv),
								       o->lang == DT_LANG_ZH)
						 : NULL;
	dt_strbuf_reset(&c);
	dt_strbuf_addf(&c, "%s  %s", str(d.occupation, "code"), name_of(d.occupation, o->lang));
	dt_strbuf_reset(&e);
	dt_strbuf_addf(&e, "%s — %s", str(k, "start_date"), str(k, "end_date"));
	struct dt_strbuf prob = DT_STRBUF_INIT;
	integer_text(json_object_get(k, "probation_months"), "", &prob);
	const char *trn[] = { label("contract", "programme_id", o->lang),
			      str(d.programme, "name"),
			      T("contract.occupation"),
			      c.buf,
			      T("contract.level"),
			      lvname ? lvname : "",
			      T("contract.period"),
			      e.buf,
			      label("contract", "probation_months", o->lang),
			      prob.buf,
			      NULL };
	kv_table(p, trn);
	dt_strbuf_release(&prob);

	/* 3. the hours plan */
	dt_pdf_heading(p, T("contract.hours"));
	json_t *pc = json_object_get(k, "planned_company_hours"),
	       *ps = json_object_get(k, "planned_school_hours");
	if (!json_is_integer(pc))
		pc = json_object_get(d.programme, "company_hours");
	if (!json_is_integer(ps))
		ps = json_object_get(d.programme, "school_hours");
	long long hc = json_integer_value(pc), hs = json_integer_value(ps), ht = hc + hs;
	{
		static const double w[3] = { 2, 2, 1.2 };
		const char *head[3] = { T("contract.site"), T("contract.planned"),
					T("contract.share") };
		char n1[32], n2[32], n3[32], s1[16], s2[16];
		snprintf(n1, sizeof(n1), "%lld", hc);
		snprintf(n2, sizeof(n2), "%lld", hs);
		snprintf(n3, sizeof(n3), "%lld", ht);
		snprintf(s1, sizeof(s1), "%.1f%%", ht ? 100.0 * (double)hc / (double)ht : 0.0);
		snprintf(s2, sizeof(s2), "%.1f%%", ht ? 100.0 * (double)hs / (double)ht : 0.0);
		dt_pdf_table_begin(p, 3, w, head);
		const char *r1[3] = { T("contract.company"), n1, s1 };
		const char *r2[3] = { T("contract.school"), n2, s2 };
		const char *r3[3] = { T("contract.total"), n3, "100%" };
		dt_pdf_table_row(p, r1);
		dt_pdf_table_row(p, r2);
		dt_pdf_table_row(p, r3);
		dt_pdf_table_end(p);
	}

	/* 4. stipend and mentors */
	dt_pdf_heading(p, T("contract.stipend"));
	integer_text(json_object_get(k, "stipend_monthly"), T("doc.yuan_month"), &c);
	const char *sti[] = { label("contract", "stipend_monthly", o->lang),
			      c.buf,
			      label("contract", "company_mentor", o->lang),
			      str(k, "company_mentor"),
			      label("contract", "school_mentor", o->lang),
			      str(k, "school_mentor"),
			      NULL };
	kv_table(p, sti);

	/* 5. the clauses */
	dt_pdf_heading(p, T("contract.clauses"));
	for (int i = 1; i <= 6; i++) {
		char key[32];
		snprintf(key, sizeof(key), "contract.clause%d", i);
		dt_strbuf_reset(&c);
		dt_strbuf_addf(&c, "%d. %s", i, T(key));
		dt_pdf_para(p, c.buf);
	}

	/* 6. signatures */
	dt_pdf_heading(p, T("contract.signatures"));
	const char *caps[3] = { T("contract.sign_a"), T("contract.sign_b"), T("contract.sign_c") };
	dt_pdf_sign_boxes(p, 3, caps, T("doc.date_line"));
	static const char *const appr[][2] = {
		{ "contract", "submitted_at" },       { "contract", "approved_enterprise_at" },
		{ "contract", "approved_school_at" }, { "contract", "approved_trainee_at" },
		{ "contract", "activated_at" },
	};
	dt_strbuf_reset(&c);
	dt_strbuf_addf(&c, "%s: ", T("contract.approvals"));
	bool any = false;
	for (size_t i = 0; i < sizeof(appr) / sizeof(appr[0]); i++) {
		const char *t = str(k, appr[i][1]);
		if (!*t)
			continue;
		dt_strbuf_addf(&c, "%s%s %.10s", any ? "; " : "",
			       label(appr[i][0], appr[i][1], o->lang), t);
		any = true;
	}
	if (!any)
		dt_strbuf_adds(&c, T("doc.none"));
	dt_pdf_note(p, c.buf);
	rc = dt_pdf_finish(p, err);
	o->pages = dt_pdf_pages(p);
out:
	dt_pdf_free(p);
	contract_doc_release(&d);
	dt_strbuf_release(&hdr);
	dt_strbuf_release(&foot);
	dt_strbuf_release(&a);
	dt_strbuf_release(&b);
	dt_strbuf_release(&c);
	dt_strbuf_release(&e);
	return rc;
}

/* ---- the record book ---- */

enum dt_err dt_doc_record_book(struct dt_store *s, int64_t id, struct dt_doc_opts *o,
			       struct dt_strbuf *out, struct dt_strbuf *err)
{
	struct contract_doc d;
	struct dt_pdf *p = NULL;
	struct dt_strbuf hdr = DT_STRBUF_INIT, foot = DT_STRBUF_INIT, a = DT_STRBUF_INIT;
	json_t *entries = json_array();
	char *cursor = NULL;
	enum dt_err rc = contract_doc_read(s, id, o, &d, err);
	if (rc != DT_OK)
		goto out;
	/* every entry, oldest first (the contract is in scope, so are its entries) */
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	const char *filters[] = { "contract_id", idtext };
	do {
		struct dt_query q = { filters, 1, NULL, "date", false, 1000, cursor, 0, false };
		json_t *page = NULL;
		char *next = NULL;
		rc = dt_store_list(s, NULL, "record_entry", &q, &page, &next, err);
		free(cursor);
		cursor = next;
		if (rc != DT_OK)
			goto out;
		json_array_extend(entries, page);
		json_decref(page);
	} while (cursor);

	contract_header(&d, T("book.title"), id, &hdr);
	footer_text(o, &foot);
	rc = dt_pdf_new(out, T("book.title"), hdr.buf, foot.buf, T("doc.page"), &p, err);
	if (rc != DT_OK)
		goto out;
	dt_pdf_title(p, T("book.title"));
	double hc = 0, hs = 0;
	size_t nsigned = 0, i;
	json_t *en;
	json_array_foreach(entries, i, en)
	{
		double h = json_number_value(json_object_get(en, "hours"));
		if (!strcmp(str(en, "site"), "company"))
			hc += h;
		else
			hs += h;
		nsigned += *str(en, "signed_by") != 0;
	}
	char cnt[48], sig[48], hours[96], period[48];
	snprintf(cnt, sizeof(cnt), "%zu", json_array_size(entries));
	snprintf(sig, sizeof(sig), "%zu", nsigned);
	snprintf(hours, sizeof(hours), "%s %.1f · %s %.1f", T("contract.company"), hc,
		 T("contract.school"), hs);
	snprintf(period, sizeof(period), "%s — %s", str(d.contract, "start_date"),
		 str(d.contract, "end_date"));
	dt_pdf_heading(p, T("book.summary"));
	const char *sum[] = { T("contract.party_c"),
			      str(d.trainee, "name"),
			      T("contract.party_a"),
			      name_of(d.enterprise, o->lang),
			      T("contract.party_b"),
			      name_of(d.school, o->lang),
			      label("contract", "programme_id", o->lang),
			      str(d.programme, "name"),
			      T("contract.period"),
			      period,
			      label("contract", "company_mentor", o->lang),
			      str(d.contract, "company_mentor"),
			      label("contract", "school_mentor", o->lang),
			      str(d.contract, "school_mentor"),
			      T("book.count"),
			      cnt,
			      T("book.signed"),
			      sig,
			      T("book.recorded"),
			      hours,
			      NULL };
	kv_table(p, sum);
	dt_pdf_heading(p, T("book.entries"));
	if (!json_array_size(entries)) {
		dt_pdf_para(p, T("book.empty"));
	} else {
		static const double w[6] = { 1.25, 0.8, 0.7, 3.6, 1.3, 1.3 };
		const char *head[6] = { label("record_entry", "date", o->lang),
					label("record_entry", "site", o->lang),
					label("record_entry", "hours", o->lang),
					label("record_entry", "content", o->lang),
					label("record_entry", "signed_by", o->lang),
					label("record_entry", "signed_at", o->lang) };
		dt_pdf_table_begin(p, 6, w, head);
		json_array_foreach(entries, i, en)
		{
			char h[32], site[32], at[DT_DATE_STRLEN + 8];
			snprintf(h, sizeof(h), "%g",
				 json_number_value(json_object_get(en, "hours")));
			snprintf(site, sizeof(site), "site.%s", str(en, "site"));
			snprintf(at, sizeof(at), "%.10s", str(en, "signed_at"));
			const char *row[6] = { str(en, "date"),
					       T(site),
					       h,
					       str(en, "content"),
					       *str(en, "signed_by") ? str(en, "signed_by")
								     : T("doc.unsigned"),
					       at };
			dt_pdf_table_row(p, row);
		}
		dt_pdf_table_end(p);
	}
	rc = dt_pdf_finish(p, err);
	o->pages = dt_pdf_pages(p);
out:
	free(cursor);
	json_decref(entries);
	dt_pdf_free(p);
	contract_doc_release(&d);
	dt_strbuf_release(&hdr);
	dt_strbuf_release(&foot);
	dt_strbuf_release(&a);
	return rc;
}

/* ---- the annual report ---- */

/* A value as the report prints it: percent with one decimal, counts whole, ratios two decimals. */
static void value_text(json_t *v, const char *unit, struct dt_strbuf *out)
{
	dt_strbuf_reset(out);
	if (!json_is_number(v)) {
		dt_strbuf_adds(out, "—");
		return;
	}
	double x = json_number_value(v);
	if (!strcmp(unit, "percent"))
		dt_strbuf_addf(out, "%.1f%%", x);
	else if (!strcmp(unit, "count") || !strcmp(unit, "hours"))
		dt_strbuf_addf(out, "%.0f", x);
	else
		dt_strbuf_addf(out, "%.2f", x);
}

/* One chart of the monthly series of @codes (at most 4) in @series. */
static void trend_chart(struct dt_pdf *p, enum dt_pdf_chart_kind kind, const char *title,
			json_t *series, json_t *periods, const char *const *codes, int ncodes,
			enum dt_lang lang)
{
	int nx = (int)json_array_size(periods);
	if (nx < 1 || nx > 60)
		return;
	double *v = malloc(sizeof(double) * (size_t)(nx * ncodes));
	const char *xl[60], *names[4];
	char months[60][8];
	if (!v)
		return;
	for (int x = 0; x < nx; x++) {
		const char *per = json_string_value(json_array_get(periods, (size_t)x));
		/* "2026-03" shows as "2026-03" on the first month and as "03" after */
		snprintf(months[x], sizeof(months[x]), "%s",
			 per ? (x == 0 ? per : per + (strlen(per) > 5 ? 5 : 0)) : "");
		xl[x] = months[x];
	}
	for (int s = 0; s < ncodes; s++) {
		const struct dt_indicator *ind = dt_indicator_find(codes[s]);
		names[s] = ind ? (lang == DT_LANG_EN ? ind->name_en : ind->name_zh) : codes[s];
		json_t *arr = json_object_get(series, codes[s]);
		for (int x = 0; x < nx; x++) {
			json_t *e = json_array_get(arr, (size_t)x);
			v[s * nx + x] = json_is_number(e) ? json_number_value(e) : NAN;
		}
	}
	dt_pdf_chart(p, kind, title, nx, xl, ncodes, names, v);
	free(v);
}

enum dt_err dt_doc_report(struct dt_store *s, int region, int year, struct dt_doc_opts *o,
			  struct dt_strbuf *out, struct dt_strbuf *err)
{
	struct dt_pdf *p = NULL;
	json_t *ind = NULL, *ser = NULL, *rank = NULL, *alerts = NULL, *sup = NULL;
	struct dt_strbuf title = DT_STRBUF_INIT, foot = DT_STRBUF_INIT, a = DT_STRBUF_INIT,
			 b = DT_STRBUF_INIT, c = DT_STRBUF_INIT;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	enum dt_err rc;
	if (region <= 0 ||
	    (o->scope && o->scope->region && !dt_region_contains(o->scope->region, region)) ||
	    (o->scope && (o->scope->org_id || o->scope->trainee_id))) {
		rc = dt_error(err, DT_ENOTFOUND, "region %06d: not found", region);
		goto out;
	}
	struct dt_ind_query q = {
		.region = region, .period = { .year = year }, .today = o->today, .problems = &ps
	};
	rc = dt_engine_indicators(s, &q, &ind, err);
	if (rc == DT_EINVAL) /* an unknown region */
		rc = dt_error(err, DT_ENOTFOUND, "region %06d: not found", region);
	if (rc != DT_OK)
		goto out;
	if ((rc = dt_engine_series(s, region, year, &ser, err)) != DT_OK ||
	    (rc = dt_engine_ranking(s, dt_region_level(region) == 1 ? 1 : 2, 0, year, o->today,
				    &rank, err)) != DT_OK)
		goto out;
	{
		struct dt_scope sc = { .region = region };
		struct dt_query aq = { NULL, 0, NULL, "raised_at", true, 200, NULL, 0, false };
		char *next = NULL;
		rc = dt_store_list(s, &sc, "alert", &aq, &alerts, &next, err);
		free(next);
		if (rc != DT_OK)
			goto out;
		char today[DT_DATE_STRLEN];
		today_text(o, today);
		rc = dt_store_supervision_indicators(s, region, year, today, &sup, err);
		if (rc != DT_OK)
			goto out;
	}

	json_t *reg = json_object_get(ind, "region");
	char ys[16];
	snprintf(ys, sizeof(ys), "%d", year);
	fill(&title, T("report.title"), "region", name_of(reg, o->lang), "year", ys);
	footer_text(o, &foot);
	rc = dt_pdf_new(out, title.buf, title.buf, foot.buf, T("doc.page"), &p, err);
	if (rc != DT_OK)
		goto out;
	dt_pdf_title(p, title.buf);

	/* 1. overview: score and rank */
	dt_pdf_heading(p, T("report.overview"));
	json_t *items = json_object_get(rank, "items"), *mine = NULL, *it;
	size_t i;
	json_array_foreach(items, i, it)
	{
		if (!strcmp(str(json_object_get(it, "region"), "code"), str(reg, "code")))
			mine = it;
	}
	value_text(json_object_get(ind, "score"), "ratio", &a);
	dt_strbuf_reset(&b);
	if (mine && json_is_integer(json_object_get(mine, "rank"))) {
		char r[16], t[16];
		snprintf(r, sizeof(r), "%lld",
			 (long long)json_integer_value(json_object_get(mine, "rank")));
		snprintf(t, sizeof(t), "%zu", json_array_size(items));
		fill(&b, T("report.rank_of"), "rank", r, "total", t);
	} else {
		dt_strbuf_adds(&b, T("report.unranked"));
	}
	value_text(mine ? json_object_get(mine, "previous_score") : NULL, "ratio", &c);
	const char *ov[] = {
		T("report.score"), a.buf, T("report.rank"), b.buf, T("report.previous"), c.buf, NULL
	};
	kv_table(p, ov);

	/* 2. indicators */
	dt_pdf_heading(p, T("report.indicators"));
	{
		static const double w[6] = { 3, 1.3, 1.3, 1.3, 1.2, 1.5 };
		const char *head[6] = { T("report.indicator"),  T("report.value"),
					T("report.target"),     T("report.baseline"),
					T("report.attainment"), T("report.direction") };
		dt_pdf_table_begin(p, 6, w, head);
		json_array_foreach(json_object_get(ind, "indicators"), i, it)
		{
			const char *unit = str(it, "unit");
			struct dt_strbuf v = DT_STRBUF_INIT, t = DT_STRBUF_INIT,
					 bl = DT_STRBUF_INIT, at = DT_STRBUF_INIT;
			value_text(json_object_get(it, "value"), unit, &v);
			value_text(json_object_get(it, "target"), unit, &t);
			value_text(json_object_get(it, "baseline"), unit, &bl);
			json_t *att = json_object_get(it, "attainment");
			if (json_is_number(att))
				dt_strbuf_addf(&at, "%.0f%%", 100 * json_number_value(att));
			else
				dt_strbuf_adds(&at, "—");
			const char *row[6] = { name_of(it, o->lang),
					       v.buf,
					       t.buf,
					       bl.buf,
					       at.buf,
					       !strcmp(str(it, "direction"), "lower")
						       ? T("report.lower")
					       : !strcmp(str(it, "direction"), "ceiling")
						       ? T("report.ceiling")
						       : T("report.higher") };
			dt_pdf_table_row(p, row);
			dt_strbuf_release(&v);
			dt_strbuf_release(&t);
			dt_strbuf_release(&bl);
			dt_strbuf_release(&at);
		}
		dt_pdf_table_end(p);
	}

	/* 3. ranking and the score's parts */
	dt_pdf_heading(p, T("report.ranking"));
	{
		static const double w[5] = { 0.8, 2.2, 1.2, 1.2, 1 };
		const char *head[5] = { T("report.rank"), T("report.pilot"), T("report.score"),
					T("report.previous"), T("report.change") };
		dt_pdf_table_begin(p, 5, w, head);
		json_array_foreach(items, i, it)
		{
			char r[16] = "—", ch[16] = "—";
			json_t *rk = json_object_get(it, "rank"),
			       *cg = json_object_get(it, "change");
			if (json_is_integer(rk))
				snprintf(r, sizeof(r), "%lld", (long long)json_integer_value(rk));
			if (json_is_integer(cg))
				snprintf(ch, sizeof(ch), "%+lld",
					 (long long)json_integer_value(cg));
			value_text(json_object_get(it, "score"), "ratio", &a);
			value_text(json_object_get(it, "previous_score"), "ratio", &b);
			const char *row[5] = { r, name_of(json_object_get(it, "region"), o->lang),
					       a.buf, b.buf, ch };
			dt_pdf_table_row(p, row);
		}
		dt_pdf_table_end(p);
	}
	{
		/* the parts as the engine computes them (engine/indicators.c score_of) */
		static const double w4[4] = { 3, 1, 1.2, 1.2 };
		const char *head[4] = { T("report.indicator"), T("report.weight"),
					T("report.attainment"), T("report.part") };
		dt_pdf_table_begin(p, 4, w4, head);
		json_array_foreach(json_object_get(ind, "indicators"), i, it)
		{
			double w = json_number_value(json_object_get(it, "weight"));
			json_t *att = json_object_get(it, "attainment"),
			       *part = json_object_get(it, "score_part");
			if (!json_is_number(part) || !json_is_number(att))
				continue;
			char ws[16], as[16], pt[16];
			snprintf(ws, sizeof(ws), "%.2g", w);
			snprintf(as, sizeof(as), "%.0f%%", 100 * json_number_value(att));
			snprintf(pt, sizeof(pt), "%.2f", json_number_value(part));
			const char *row[4] = { name_of(it, o->lang), ws, as, pt };
			dt_pdf_table_row(p, row);
		}
		dt_pdf_table_end(p);
		dt_pdf_note(p, T("report.score_note"));
	}

	/* 4. trends */
	dt_pdf_heading(p, T("report.trends"));
	{
		json_t *series = json_object_get(ser, "series"),
		       *periods = json_object_get(ser, "periods");
		static const char *const c1[] = { "new_contracts", "dissolutions" };
		static const char *const c2[] = { "active_contracts" };
		static const char *const c3[] = { "dual_ratio", "dissolution_rate", "pass_rate" };
		static const char *const c4[] = { "hours_company", "hours_school" };
		const struct dt_indicator *i1 = dt_indicator_find(c1[0]),
					  *i2 = dt_indicator_find(c2[0]),
					  *i3 = dt_indicator_find(c3[0]),
					  *i4 = dt_indicator_find(c4[0]);
		trend_chart(p, DT_PDF_BARS,
			    i1 ? (o->lang == DT_LANG_EN ? i1->name_en : i1->name_zh) : "", series,
			    periods, c1, 2, o->lang);
		trend_chart(p, DT_PDF_LINES,
			    i2 ? (o->lang == DT_LANG_EN ? i2->name_en : i2->name_zh) : "", series,
			    periods, c2, 1, o->lang);
		trend_chart(p, DT_PDF_LINES,
			    i3 ? (o->lang == DT_LANG_EN ? i3->name_en : i3->name_zh) : "", series,
			    periods, c3, 3, o->lang);
		trend_chart(p, DT_PDF_BARS,
			    i4 ? (o->lang == DT_LANG_EN ? i4->name_en : i4->name_zh) : "", series,
			    periods, c4, 2, o->lang);
	}

	/* 5. alerts of the year */
	dt_pdf_heading(p, T("report.alerts"));
	{
		static const double w[5] = { 1.4, 0.9, 1, 4, 1.3 };
		const char *head[5] = { T("report.alert_rule"), T("report.alert_level"),
					T("report.alert_status"), T("report.alert_text"),
					T("report.alert_time") };
		int n = 0;
		json_array_foreach(alerts, i, it)
		{
			if (strncmp(str(it, "raised_at"), ys, 4))
				continue;
			if (!n++)
				dt_pdf_table_begin(p, 5, w, head);
			char sev[40], st[40], at[16];
			snprintf(sev, sizeof(sev), "severity.%s", str(it, "severity"));
			snprintf(st, sizeof(st), "alertstatus.%s", str(it, "status"));
			snprintf(at, sizeof(at), "%.10s", str(it, "raised_at"));
			const char *row[5] = {
				str(it, "rule"), T(sev), T(st),
				str(it, o->lang == DT_LANG_EN ? "message_en" : "message_zh"), at
			};
			dt_pdf_table_row(p, row);
		}
		if (n)
			dt_pdf_table_end(p);
		else
			dt_pdf_para(p, T("report.alerts_none"));
	}

	/* 6. supervision */
	dt_pdf_heading(p, T("report.supervision"));
	{
		json_t *ins = json_object_get(sup, "inspections"),
		       *fs = json_object_get(sup, "findings_by_severity");
		long long drawn = json_integer_value(json_object_get(ins, "drawn"));
		if (!drawn && !json_integer_value(
				      json_object_get(json_object_get(sup, "findings"), "total"))) {
			dt_pdf_para(p, T("report.sup_none"));
		} else {
			dt_strbuf_reset(&a);
			dt_strbuf_addf(
				&a, "%lld / %lld / %lld", drawn,
				(long long)json_integer_value(json_object_get(ins, "conducted")),
				(long long)json_integer_value(json_object_get(ins, "done")));
			dt_strbuf_reset(&b);
			dt_strbuf_addf(
				&b, "%lld / %lld / %lld",
				(long long)json_integer_value(json_object_get(fs, "general")),
				(long long)json_integer_value(json_object_get(fs, "serious")),
				(long long)json_integer_value(json_object_get(fs, "grave")));
			struct dt_strbuf cov = DT_STRBUF_INIT, clo = DT_STRBUF_INIT;
			json_t *cv = json_object_get(sup, "coverage"),
			       *cr = json_object_get(sup, "closure_rate");
			if (json_is_number(cv))
				dt_strbuf_addf(&cov, "%.1f%%", 100 * json_number_value(cv));
			else
				dt_strbuf_adds(&cov, "—");
			if (json_is_number(cr))
				dt_strbuf_addf(&clo, "%.1f%%", 100 * json_number_value(cr));
			else
				dt_strbuf_adds(&clo, "—");
			dt_strbuf_reset(&c);
			dt_strbuf_addf(&c, "%lld",
				       (long long)json_integer_value(
					       json_object_get(sup, "overdue_findings")));
			const char *kv[] = { T("report.sup_inspections"),
					     a.buf,
					     T("report.sup_coverage"),
					     cov.buf,
					     T("report.sup_findings"),
					     b.buf,
					     T("report.sup_closure"),
					     clo.buf,
					     T("report.sup_overdue"),
					     c.buf,
					     NULL };
			kv_table(p, kv);
			dt_strbuf_release(&cov);
			dt_strbuf_release(&clo);
		}
	}
	rc = dt_pdf_finish(p, err);
	o->pages = dt_pdf_pages(p);
out:
	dt_pdf_free(p);
	json_decref(ind);
	json_decref(ser);
	json_decref(rank);
	json_decref(alerts);
	json_decref(sup);
	dt_problems_release(&ps);
	dt_strbuf_release(&title);
	dt_strbuf_release(&foot);
	dt_strbuf_release(&a);
	dt_strbuf_release(&b);
	dt_strbuf_release(&c);
	return rc;
}

void dt_doc_filename(const char *kind, long long id, int year, struct dt_strbuf *out)
{
	dt_strbuf_reset(out);
	if (!strcmp(kind, "report"))
		dt_strbuf_addf(out, "report-%06lld-%d.pdf", id, year);
	else if (!strcmp(kind, "book"))
		dt_strbuf_addf(out, "record-book-%lld.pdf", id);
	else
		dt_strbuf_addf(out, "contract-%lld.pdf", id);
}
