/*
 * demo_supervision.c - supervision in the demo pilot, as a pilot would have
 * it after a year: inspectors of the province and its cities, a province
 * plan across cities (cross-city inspection), city plans, and a plan of
 * another province (out of the Liaoning accounts' sight), each through
 * commit, draw and reveal.  The seeds are real random seeds, as in use: the
 * draw differs from one demo to the next, and each verifies.
 *
 * Then the year of work on them (history()): the drawn inspectors visit
 * over the past months, answer the checklist, record findings with a
 * deadline and photos; the responsible organisations (an account each, as
 * rectifying needs) start, submit what they did with a PDF, and are
 * accepted (销号) or rejected with a reason and a new deadline (the fates
 * taken in turn: left open, rectifying, submitted, closed, rejected, closed
 * after a rejection).  Every step
 * goes through the store's own supervision writes, dated on its day with
 * dt_store_set_today(); a step whose day would be after today is not taken,
 * so findings stay at every status, some past their deadline.  What an
 * inspection finds and when it was visited is a fixed function of its id,
 * so the history follows the draw.
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "core/common.h"
#include "core/date.h"
#include "engine/demo_accounts.h"
#include "engine/demo_supervision.h"
#include "core/banned.h"

/* The id of account @login (0 if none). */
static int64_t account_id(struct dt_store *s, const char *login, struct dt_strbuf *err)
{
	json_t *all = NULL;
	int64_t id = 0;
	if (dt_store_account_list(s, &all, err) != DT_OK)
		return 0;
	size_t i;
	json_t *u;
	json_array_foreach(all, i,
			   u) if (!strcmp(json_string_value(json_object_get(u, "login")), login))
		id = json_integer_value(json_object_get(u, "id"));
	json_decref(all);
	return id;
}

/* ---- evidence files: small real PNG photos and PDF reports ---- */

static void be32(struct dt_strbuf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	dt_strbuf_add(b, x, 4);
}

static void png_chunk(struct dt_strbuf *b, const char *type, const unsigned char *data, size_t n)
{
	be32(b, (uint32_t)n);
	size_t at = b->len;
	dt_strbuf_add(b, type, 4);
	if (n)
		dt_strbuf_add(b, data, n);
	be32(b, (uint32_t)crc32(0, (const unsigned char *)b->buf + at, (uInt)(n + 4)));
}

/*
 * A 48 x 36 RGB PNG into @out: a "site photo", a wall and a floor in
 * colours of @k (different files hash differently).  False if zlib fails.
 */
bool dt_demo_png(unsigned k, struct dt_strbuf *out)
{
	enum { W = 48, H = 36 };
	unsigned char raw[H * (1 + 3 * W)], z[2 * sizeof(raw) + 64];
	for (int y = 0; y < H; y++) {
		unsigned char *row = raw + y * (1 + 3 * W);
		row[0] = 0; /* filter: none */
		for (int x = 0; x < W; x++) {
			bool floor = y > H * 2 / 3;
			row[1 + 3 * x] = (unsigned char)((floor ? 90 : 180) + (k * 37 + x) % 60);
			row[2 + 3 * x] = (unsigned char)((floor ? 80 : 170) + (k * 53 + y) % 60);
			row[3 + 3 * x] = (unsigned char)((floor ? 70 : 150) + (k * 71) % 60);
		}
	}
	for (int b = 0; b < 4; b++) /* the first pixels: @k itself, so that no two are alike */
		raw[1 + b] = (unsigned char)(k >> (8 * (3 - b)));
	uLongf zn = sizeof(z);
	if (compress2(z, &zn, raw, sizeof(raw), 6) != Z_OK)
		return false;
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	unsigned char ihdr[13] = { 0, 0, 0, W, 0, 0, 0, H, 8, 2, 0, 0, 0 }; /* 8-bit RGB */
	dt_strbuf_add(out, sig, sizeof(sig));
	png_chunk(out, "IHDR", ihdr, sizeof(ihdr));
	png_chunk(out, "IDAT", z, zn);
	png_chunk(out, "IEND", NULL, 0);
	return dt_strbuf_ok(out);
}

/* A one-page PDF 1.4 report into @out, its text @line (ASCII) on the page. */
void dt_demo_pdf(const char *line, struct dt_strbuf *out)
{
	struct dt_strbuf content = DT_STRBUF_INIT;
	dt_strbuf_addf(&content, "BT /F1 14 Tf 56 760 Td (%s) Tj ET", line);
	size_t off[6];
	dt_strbuf_adds(out, "%PDF-1.4\n");
	off[1] = out->len;
	dt_strbuf_adds(out, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
	off[2] = out->len;
	dt_strbuf_adds(out, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
	off[3] = out->len;
	dt_strbuf_adds(out, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
			    "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >> endobj\n");
	off[4] = out->len;
	dt_strbuf_addf(out, "4 0 obj << /Length %zu >> stream\n%s\nendstream endobj\n", content.len,
		       content.buf);
	off[5] = out->len;
	dt_strbuf_adds(out, "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> "
			    "endobj\n");
	size_t xref = out->len;
	dt_strbuf_adds(out, "xref\n0 6\n0000000000 65535 f \n");
	for (int i = 1; i <= 5; i++)
		dt_strbuf_addf(out, "%010zu 00000 n \n", off[i]);
	dt_strbuf_addf(out, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	dt_strbuf_release(&content);
}

/* ---- a year of inspections, findings and rectification ---- */

/* How many organisations have findings in the demo (see conduct()). */
#define DEMO_ORGS 10

struct hist {
	struct dt_store *s;
	const struct dt_actor *a;
	struct dt_strbuf *err;
	struct dt_date today;
	json_t *org_accounts; /* {org id: account id} made so far */
	json_t *org_found;    /* {org id: true}: the organisations with findings */
	unsigned files;       /* files made so far (each one different) */
	int findings, inspections;
};

/* A number from inspection @id and @salt: the history's choices (splitmix64). */
static unsigned pick(int64_t id, unsigned salt, unsigned n)
{
	uint64_t z = (uint64_t)id * 0x9e3779b97f4a7c15ULL + salt * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (unsigned)((z ^ (z >> 31)) % n);
}

/* Upload a photo (@pdf false) or a report by @who; *@hash its hash (65 bytes). */
static enum dt_err upload(struct hist *h, const struct dt_account *who, bool pdf, const char *name,
			  char hash[65])
{
	struct dt_strbuf data = DT_STRBUF_INIT;
	json_t *out = NULL;
	int rc = DT_OK;
	unsigned k = ++h->files;
	if (pdf) {
		char line[96];
		snprintf(line, sizeof(line),
			 "Rectification report No. %u: measures taken, with records", k);
		dt_demo_pdf(line, &data);
	} else if (!dt_demo_png(k, &data)) {
		rc = dt_error(h->err, DT_ENOMEM, "demo: cannot make a PNG");
	}
	if (rc == DT_OK && !dt_strbuf_ok(&data))
		rc = dt_error(h->err, DT_ENOMEM, "out of memory");
	if (rc == DT_OK)
		rc = dt_store_attachment_put(h->s, h->a, who, (const unsigned char *)data.buf,
					     data.len, name, &out, h->err);
	if (rc == DT_OK)
		snprintf(hash, 65, "%s", json_string_value(json_object_get(out, "hash")));
	json_decref(out);
	dt_strbuf_release(&data);
	return rc;
}

/* The account of organisation @org (of @kind enterprise or school), made on first use. */
static enum dt_err org_account(struct hist *h, int64_t org, const char *kind,
			       struct dt_account *who)
{
	char key[32], login[40], scope[40];
	snprintf(key, sizeof(key), "%lld", (long long)org);
	int64_t id = json_integer_value(json_object_get(h->org_accounts, key));
	int rc = DT_OK;
	if (!id) {
		snprintf(login, sizeof(login), "%s-%lld", kind[0] == 's' ? "school" : "company",
			 (long long)org);
		snprintf(scope, sizeof(scope), "org:%lld", (long long)org);
		rc = dt_store_account_add(h->s, h->a, login, kind, scope, DT_DEMO_PASSWORD, &id,
					  h->err);
		if (rc == DT_OK)
			json_object_set_new(h->org_accounts, key, json_integer(id));
	}
	*who = (struct dt_account){ .id = id };
	snprintf(who->role, sizeof(who->role), "%s", kind);
	who->scope.org_id = org;
	return rc;
}

/* Today as @days after @d, if that is not after today (else false: the step is not taken). */
static bool on_day(struct hist *h, struct dt_date d, int days)
{
	struct dt_date day = dt_date_add_days(d, days);
	if (dt_date_to_days(day) > dt_date_to_days(h->today))
		return false;
	dt_store_set_today(h->s, &day);
	return true;
}

static json_t *date_json(struct dt_date d)
{
	char b[DT_DATE_STRLEN];
	dt_date_format(d, b);
	return json_string(b);
}

/* What an inspector finds where a checklist item fails: remark, finding, severity. */
static const struct {
	const char *code, *remark, *finding;
	const char *severity;
} failures[] = {
	{ "contract_signed", "两名学员三方协议未加盖学校公章",
	  "部分学员三方培养协议签署不全，学校未盖章", "serious" },
	{ "stipend_min_wage", "3月学徒津贴低于当地最低工资标准", "学徒津贴低于当地最低工资标准",
	  "grave" },
	{ "mentors_named", "企业导师未取得相应技能等级证书", "企业导师资质不符合试点要求",
	  "serious" },
	{ "record_book", "记录册签字日期集中在同一天", "培养记录册补记、代签，与考勤不一致",
	  "serious" },
	{ "hours_as_planned", "企业学时低于培养方案约定", "企业与学校学时未按培养方案执行",
	  "general" },
	{ "safety_training", "岗前安全培训记录缺失", "未开展或未记录岗前安全教育培训", "grave" },
	{ "insurance", "实习责任保险已过期", "未按规定投保实习责任保险", "general" },
};

/* The rectification of finding @id (made as of @d by an inspector of @insp): its steps. */
static enum dt_err rectify(struct hist *h, int64_t id, const struct dt_account *insp,
			   const struct dt_account *org, struct dt_date d, unsigned fate)
{
	/* 0: left open; 1: rectifying; 2: submitted; 3, 4, 7: closed; 5: rejected; 6: closed after a rejection */
	int rc = DT_OK;
	json_t *out = NULL;
	if (fate == 0)
		return DT_OK;
	if (fate == 1) {
		if (on_day(h, d, 5))
			rc = dt_store_finding_rectify(h->s, h->a, org, id, DT_FEV_START, NULL, &out,
						      h->err);
		json_decref(out);
		return rc;
	}
	for (int round = 0; round < 2 && rc == DT_OK; round++) {
		char hash[65];
		if (!on_day(h, d, 8 + 12 * round))
			break;
		rc = upload(h, org, true, "整改报告.pdf", hash);
		if (rc != DT_OK)
			break;
		json_t *body = json_pack("{s:s, s:[{s:s, s:s}]}", "body",
					 round ? "已按要求补齐全部材料并完成整改"
					       : "已完成整改，附整改报告",
					 "attachments", "hash", hash, "name", "整改报告.pdf");
		rc = dt_store_finding_rectify(h->s, h->a, org, id, DT_FEV_SUBMIT, body, &out,
					      h->err);
		json_decref(body);
		json_decref(out);
		out = NULL;
		if (rc != DT_OK || fate == 2 || !on_day(h, d, 12 + 12 * round))
			break;
		bool reject = (fate == 5 || fate == 6) && round == 0;
		body = reject ? json_pack("{s:s, s:s, s:o}", "decision", "rejected", "reason",
					  "整改证明材料不完整，请补充培训签到表", "new_deadline",
					  date_json(dt_date_add_days(d, 12 + 30)))
			      : json_pack("{s:s}", "decision", "accepted");
		rc = dt_store_finding_decide(h->s, h->a, insp, id, body, &out, h->err);
		json_decref(body);
		json_decref(out);
		out = NULL;
		if (!reject || fate == 5)
			break;
	}
	return rc;
}

/* Inspection @in (a row of dt_store_inspection_list) conducted, with its findings. */
static enum dt_err conduct(struct hist *h, json_t *in, json_t *codes)
{
	int64_t id = json_integer_value(json_object_get(in, "id"));
	int64_t ia = json_integer_value(json_object_get(in, "inspector_a"));
	int64_t ib = json_integer_value(json_object_get(in, "inspector_b"));
	int64_t org = json_integer_value(json_object_get(in, "org_id"));
	const char *kind = json_string_value(json_object_get(in, "object_kind"));
	/* one in six stays planned; the others were visited 3 to 200 days ago */
	if (!ia || pick(id, 1, 6) == 0)
		return DT_OK;
	struct dt_account insp = { .id = ia }, insp_b = { .id = ib ? ib : ia };
	snprintf(insp.role, sizeof(insp.role), "inspector");
	snprintf(insp_b.role, sizeof(insp_b.role), "inspector");
	struct dt_date visit = dt_date_add_days(h->today, -(int)(3 + pick(id, 2, 198)));
	on_day(h, visit, 0);
	char photo[65];
	int rc = upload(h, &insp, false, "现场检查.png", photo);
	/* the checklist: mostly passed; up to two items failed where there is an organisation */
	json_t *checks = json_array(), *failed = json_array();
	size_t i;
	json_t *c;
	unsigned nfail = org ? pick(id, 3, 4) : 0; /* 0, 1, 2 or 3 (as 2) */
	/*
	 * At most DEMO_ORGS organisations have findings: each needs an account
	 * to rectify, and an account costs a password hash (argon2id, about
	 * 0.1 to 0.8 s here): the others passed their inspections.
	 */
	char okey[32];
	snprintf(okey, sizeof(okey), "%lld", (long long)org);
	if (nfail && !json_object_get(h->org_found, okey)) {
		if (json_object_size(h->org_found) >= DEMO_ORGS)
			nfail = 0;
		else
			json_object_set_new(h->org_found, okey, json_true());
	}
	unsigned first = pick(id, 4, (unsigned)DT_ARRAY_SIZE(failures));
	json_array_foreach(codes, i, c)
	{
		const char *code = json_string_value(c);
		int f = -1;
		for (size_t k = 0; k < DT_ARRAY_SIZE(failures); k++)
			if (!strcmp(failures[k].code, code))
				f = (int)k;
		bool fail = f >= 0 && nfail &&
			    ((unsigned)f == first ||
			     (nfail >= 2 && (unsigned)f == (first + 3) % DT_ARRAY_SIZE(failures)));
		bool na = !fail && !strcmp(code, "insurance") && !strcmp(kind, "pilot_task");
		json_array_append_new(checks, json_pack("{s:s, s:s, s:s}", "code", code, "result",
							fail ? "fail"
							: na ? "na"
							     : "pass",
							"remark",
							fail ? failures[f].remark
							: na ? "不适用"
							     : "现场核查无异常"));
		if (fail)
			json_array_append_new(failed, json_integer(f));
	}
	json_t *body = json_pack("{s:o, s:o, s:s, s:[{s:s, s:s}]}", "visited_on", date_json(visit),
				 "checks", checks, "conclusion",
				 json_array_size(failed) ? "存在问题，已责令限期整改"
							 : "基本符合试点要求，未发现问题",
				 "attachments", "hash", photo, "name", "现场检查.png");
	json_t *out = NULL;
	if (rc == DT_OK)
		rc = dt_store_inspection_record(h->s, h->a, &insp, id, body, &out, h->err);
	json_decref(body);
	json_decref(out);
	out = NULL;
	if (rc == DT_OK)
		h->inspections++;
	/* the findings, as of the visit, with a photo each */
	json_t *fids = json_array();
	json_t *f;
	json_array_foreach(failed, i, f)
	{
		if (rc != DT_OK)
			break;
		int k = (int)json_integer_value(f);
		on_day(h, visit, 0);
		rc = upload(h, &insp, false, "问题照片.png", photo);
		const char *sev = failures[k].severity;
		if (pick(id, 10 + (unsigned)i, 3) == 0) /* not every failure is as bad */
			sev = "general";
		body = json_pack("{s:I, s:s, s:s, s:o, s:s, s:[{s:s, s:s}]}", "inspection_id",
				 (json_int_t)id, "severity", sev, "description",
				 failures[k].finding, "deadline",
				 date_json(dt_date_add_days(
					 visit, 15 + (int)pick(id, 20 + (unsigned)i, 31))),
				 "check_code", failures[k].code, "attachments", "hash", photo,
				 "name", "问题照片.png");
		if (rc == DT_OK)
			rc = dt_store_finding_create(h->s, h->a, &insp, body, &out, h->err);
		json_decref(body);
		if (rc == DT_OK) {
			json_array_append_new(
				fids, json_integer(json_integer_value(json_object_get(out, "id"))));
			h->findings++;
		}
		json_decref(out);
		out = NULL;
	}
	/* done on the day of the visit when it was a week ago or more */
	if (rc == DT_OK && dt_date_to_days(visit) + 7 <= dt_date_to_days(h->today)) {
		on_day(h, visit, 1);
		body = json_pack("{s:s}", "status", "done");
		rc = dt_store_inspection_record(h->s, h->a, &insp, id, body, &out, h->err);
		json_decref(body);
		json_decref(out);
		out = NULL;
	}
	/* the organisation rectifies; the other inspector of the pair verifies */
	json_array_foreach(fids, i, f)
	{
		if (rc != DT_OK)
			break;
		/* the fates in turn, so that a small pilot has every one too */
		unsigned fate = (unsigned)(h->findings - (int)json_array_size(fids) + (int)i) % 8;
		struct dt_account who;
		if (fate != 0)
			rc = org_account(h, org, !strcmp(kind, "school") ? "school" : "enterprise",
					 &who);
		if (rc == DT_OK)
			rc = rectify(h, json_integer_value(f), &insp_b, &who, visit, fate);
	}
	dt_store_set_today(h->s, NULL);
	json_decref(fids);
	json_decref(failed);
	return rc;
}

/*
 * The plan's year of work: each of its inspections conducted (or not yet);
 * started.  One transaction, as the demo writes its records in batches.
 */
static enum dt_err history(struct hist *h, int64_t plan)
{
	json_t *p = NULL, *list = NULL, *codes = json_array();
	int rc = dt_store_begin(h->s, h->err);
	if (rc != DT_OK) {
		json_decref(codes);
		return rc;
	}
	rc = dt_store_plan_get(h->s, NULL, 0, plan, &p, h->err);
	if (rc == DT_OK)
		rc = dt_store_inspection_list(h->s, NULL, 0, plan, &list, h->err);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(p, "checklist"), i, v)
		json_array_append(codes, json_object_get(v, "code"));
	json_array_foreach(list, i, v)
	{
		if (rc != DT_OK)
			break;
		rc = conduct(h, v, codes);
	}
	json_t *out = NULL;
	if (rc == DT_OK)
		rc = dt_store_plan_act(h->s, h->a, plan, "start", &out, h->err);
	if (rc == DT_OK)
		rc = dt_store_commit(h->s, h->err);
	else
		dt_store_rollback(h->s);
	json_decref(out);
	json_decref(p);
	json_decref(list);
	json_decref(codes);
	dt_store_set_today(h->s, NULL);
	return rc;
}

enum dt_err dt_demo_supervision(struct dt_store *s, const struct dt_actor *a, int *plans,
				struct dt_demo_sup_stats *stats, struct dt_strbuf *err)
{
	static const struct {
		const char *login, *scope;
	} inspectors[] = {
		{ "inspector-ln", "210000" },  { "inspector-dl", "210200" },
		{ "inspector-as", "210300" },  { "inspector-jl", "220000" },
		{ "inspector-jl2", "220200" },
	};
	enum dt_err rc = DT_OK;
	*plans = 0;
	for (size_t i = 0; i < DT_ARRAY_SIZE(inspectors) && rc == DT_OK; i++)
		rc = dt_store_account_add(s, a, inspectors[i].login, "inspector",
					  inspectors[i].scope, DT_DEMO_PASSWORD, NULL, err);
	if (rc != DT_OK)
		return rc;
	int64_t sy = account_id(s, "inspector", err), ln = account_id(s, "inspector-ln", err),
		dl = account_id(s, "inspector-dl", err), as = account_id(s, "inspector-as", err),
		jl = account_id(s, "inspector-jl", err), jl2 = account_id(s, "inspector-jl2", err);
	json_t *in[3] = {
		json_pack("{s:s, s:i, s:s, s:s, s:s, s:f, s:b, s:[I, I, I, I]}", "region", "210000",
			  "year", 2026, "title", "2026年辽宁省双元培育试点专项督查（双随机）",
			  "object_kinds", "enterprise,contract", "sample_kind", "rate",
			  "sample_value", 0.02, "cross_city", 1, "inspectors", (json_int_t)sy,
			  (json_int_t)ln, (json_int_t)dl, (json_int_t)as),
		json_pack("{s:s, s:i, s:s, s:s, s:s, s:i, s:b, s:[I, I]}", "region", "210100",
			  "year", 2026, "title", "2026年沈阳市学徒培养协议执行情况抽查",
			  "object_kinds", "contract,pilot_task", "sample_kind", "count",
			  "sample_value", 6, "cross_city", 0, "inspectors", (json_int_t)sy,
			  (json_int_t)ln),
		json_pack("{s:s, s:i, s:s, s:s, s:s, s:i, s:b, s:[I, I]}", "region", "220000",
			  "year", 2026, "title", "2026年吉林省双元培育试点督查", "object_kinds",
			  "enterprise,school", "sample_kind", "count", "sample_value", 2,
			  "cross_city", 0, "inspectors", (json_int_t)jl, (json_int_t)jl2),
	};
	static const char *const steps[] = { "commit", "draw", "reveal" };
	struct hist h = { .s = s,
			  .a = a,
			  .err = err,
			  .today = dt_date_today(),
			  .org_accounts = json_object(),
			  .org_found = json_object() };
	for (size_t i = 0; i < DT_ARRAY_SIZE(in); i++) {
		json_t *out = NULL;
		if (rc == DT_OK)
			rc = dt_store_plan_create(s, a, in[i], &out, err);
		int64_t id = json_integer_value(json_object_get(out, "id"));
		json_decref(out);
		for (size_t k = 0; k < DT_ARRAY_SIZE(steps) && rc == DT_OK; k++) {
			rc = dt_store_plan_act(s, a, id, steps[k], &out, err);
			json_decref(out);
		}
		/* Liaoning's plans worked on for a year; Jilin's just drawn */
		if (rc == DT_OK && i < 2)
			rc = history(&h, id);
		if (rc == DT_OK)
			++*plans;
		json_decref(in[i]);
	}
	if (stats) {
		stats->inspections = h.inspections;
		stats->findings = h.findings;
		stats->files = (int)h.files;
		stats->org_accounts = (int)json_object_size(h.org_accounts);
	}
	json_decref(h.org_accounts);
	json_decref(h.org_found);
	return rc;
}
