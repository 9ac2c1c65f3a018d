/*
 * test_finding_store.c - supervision in the store (store/finding.c), on
 * both backends (store_fixture.h): an inspection conducted, a finding
 * recorded, rectified, rejected with a new deadline, resubmitted and closed
 * by an inspector of its inspection, each step audited with the files'
 * hashes; who may do which step; what each kind of account sees (outside
 * its scope a finding does not exist); overdue findings; evidence files
 * refused by content, stored once by hash and served only within scope;
 * nothing written by a refused step.
 *
 * The plan and its inspection are made with SQL, as the draw would leave
 * them (migration 008): one plan of Liaoning with three checklist items,
 * one inspection of an enterprise in Shenyang with inspectors A and B.
 */
#include "store_fixture.h"

#include <math.h>

#include "domain/attachment.h"
#include "domain/finding.h"
#include "engine/indicators.h"

struct sup {
	struct fx *f;
	int64_t ent, ent2, school, insp;
	struct dt_account a, b, other, city, city2, company, company2, trainee;
};

static const unsigned char jpeg[] = "\xff\xd8\xff\xe0\0\x10JFIF\0\1\1\0\0\1\0\1\0\0\xff\xd9";

static int64_t account(struct fx *f, const char *login, const char *role, const char *scope)
{
	int64_t id = 0;
	if (dt_store_account_add(f->s, &f->actor, login, role, scope, "Zq-8v!x3#Lm2$Kp-long-enough",
				 &id, &f->err) != DT_OK)
		fail_msg("account %s: %s", login, f->err.buf);
	return id;
}

static struct dt_account who(int64_t id, const char *role, int region, int64_t org, int64_t trainee)
{
	struct dt_account w = { .id = id };
	snprintf(w.role, sizeof(w.role), "%s", role);
	w.scope.region = region;
	w.scope.org_id = org;
	w.scope.trainee_id = trainee;
	return w;
}

static int setup(void **state)
{
	if (fx_setup(state))
		return -1;
	struct sup *u = calloc(1, sizeof(*u));
	u->f = *state;
	struct fx *f = u->f;
	u->ent = fx_org(f, "enterprise", 210102, "沈阳甲企业");
	u->ent2 = fx_org(f, "enterprise", 210102, "沈阳乙企业");
	u->school = fx_org(f, "school", 210102, "沈阳职业学院");
	char org[32], org2[32];
	snprintf(org, sizeof(org), "org:%lld", (long long)u->ent);
	snprintf(org2, sizeof(org2), "org:%lld", (long long)u->ent2);
	u->a = who(account(f, "insp-a", "inspector", "210000"), "inspector", 210000, 0, 0);
	u->b = who(account(f, "insp-b", "inspector", "210000"), "inspector", 210000, 0, 0);
	u->other = who(account(f, "insp-c", "inspector", "210000"), "inspector", 210000, 0, 0);
	u->city = who(account(f, "city-sy", "city", "210100"), "city", 210100, 0, 0);
	u->city2 = who(account(f, "city-cc", "city", "220100"), "city", 220100, 0, 0);
	u->company = who(account(f, "ent-a", "enterprise", org), "enterprise", 0, u->ent, 0);
	u->company2 = who(account(f, "ent-b", "enterprise", org2), "enterprise", 0, u->ent2, 0);
	u->trainee = who(0, "trainee", 0, 0, 42);
	char sql[2048];
	snprintf(
		sql, sizeof(sql),
		"INSERT INTO inspection_plan (region, year, title, object_kinds, sample_kind, "
		"sample_value, cross_city, weights, status, created_by, created_at, updated_at) "
		"VALUES (210000, 2026, '2026年双随机督查', 'enterprise', 'count', 1, 0, '{}', "
		"'drawn', 'test', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z');"
		"INSERT INTO plan_check (plan_id, pos, code, text_zh, text_en, basis) VALUES "
		"(1, 1, 'contract_signed', '三方协议已签订', 'contract signed', '试点方案'),"
		"(1, 2, 'stipend_min_wage', '津贴不低于最低工资', 'stipend', '劳动法'),"
		"(1, 3, 'safety_training', '安全培训', 'safety training', '安全生产法');"
		"INSERT INTO inspection (plan_id, object_kind, object_id, city, org_id, "
		"inspector_a, inspector_b, draw_pos, status, region, created_at, updated_at) VALUES "
		"(1, 'enterprise', %lld, 210100, %lld, %lld, %lld, 1, 'planned', 210100, "
		"'2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z')",
		(long long)u->ent, (long long)u->ent, (long long)u->a.id, (long long)u->b.id);
	fx_sql_exec(f, sql);
	u->insp = fx_sql_int(f, "SELECT max(id) FROM inspection");
	*state = u;
	return 0;
}

static int teardown(void **state)
{
	struct sup *u = *state;
	*state = u->f;
	free(u);
	return fx_teardown(state);
}

/* A finding of the inspection by inspector A, due @days from today; its id. */
static int64_t finding(struct sup *u, int days, const char *files)
{
	char dl[DT_DATE_STRLEN];
	dt_date_format(dt_date_add_days(dt_date_today(), days), dl);
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s}", "inspection_id", (json_int_t)u->insp,
				 "severity", "较重", "description", "安全培训记录缺失", "deadline",
				 dl, "check_code", "safety_training");
	if (files)
		json_object_set_new(body, "attachments",
				    json_pack("[{s:s, s:s}]", "hash", files, "name", "现场.jpg"));
	json_t *out = NULL;
	int rc = dt_store_finding_create(u->f->s, &u->f->actor, &u->a, body, &out, &u->f->err);
	if (rc != DT_OK)
		fail_msg("finding: %s (%d)", u->f->err.buf, rc);
	json_decref(body);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	assert_string_equal(json_string_value(json_object_get(out, "severity")), "serious");
	json_decref(out);
	return id;
}

static const char *status_of(struct sup *u, int64_t id)
{
	static char st[16];
	json_t *o = NULL;
	assert_int_equal(dt_store_finding_get(u->f->s, NULL, id, &o, &u->f->err), DT_OK);
	snprintf(st, sizeof(st), "%s", json_string_value(json_object_get(o, "status")));
	json_decref(o);
	return st;
}

/* Events of @action, "entity.verb" (stored as the entity and the verb: format 3). */
static int64_t audit_of(struct fx *f, const char *action)
{
	char sql[200];
	const char *dot = strchr(action, '.');
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM audit WHERE entity = '%.*s' AND action = '%s'",
		 (int)(dot - action), action, dot + 1);
	return fx_sql_int(f, sql);
}

static void test_loop_to_closure(void **state)
{
	struct sup *u = *state;
	struct fx *f = u->f;
	/* the inspection: a visit date and two of three checks */
	json_t *body =
		json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s, s:s}]}", "visited_on", "2026-11-20",
			  "checks", "code", "contract_signed", "result", "pass", "code",
			  "safety_training", "result", "fail", "remark", "无培训记录");
	json_t *out = NULL;
	assert_int_equal(
		dt_store_inspection_record(f->s, &f->actor, &u->a, u->insp, body, &out, &f->err),
		DT_OK);
	json_decref(body);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "in_progress");
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(out, "checks"), "safety_training"),
			"result")),
		"fail");
	json_decref(out);

	/* evidence, then the finding with it */
	assert_int_equal(dt_store_attachment_put(f->s, &f->actor, &u->a, jpeg, sizeof(jpeg) - 1,
						 "IMG_1.jpg", &out, &f->err),
			 DT_OK);
	char hash[DT_ATTACHMENT_HEX_LEN];
	snprintf(hash, sizeof(hash), "%s", json_string_value(json_object_get(out, "hash")));
	json_decref(out);
	int64_t id = finding(u, 30, hash);
	assert_string_equal(status_of(u, id), "open");
	/* the hash is in the finding's audit event */
	assert_int_equal(fx_audit_grep(f,
				       "entity = 'finding' AND "
				       "action = 'create'",
				       hash),
			 1);

	/* the enterprise starts, submits; inspector B rejects with a new deadline */
	assert_int_equal(dt_store_finding_rectify(f->s, &f->actor, &u->company, id, DT_FEV_START,
						  NULL, NULL, &f->err),
			 DT_OK);
	assert_string_equal(status_of(u, id), "rectifying");
	assert_int_equal(dt_store_attachment_put(f->s, &f->actor, &u->company,
						 (const unsigned char *)"%PDF-1.4\n%%EOF\n", 15,
						 "整改报告", &out, &f->err),
			 DT_OK);
	char pdf[DT_ATTACHMENT_HEX_LEN];
	snprintf(pdf, sizeof(pdf), "%s", json_string_value(json_object_get(out, "hash")));
	assert_string_equal(json_string_value(json_object_get(out, "name")), "整改报告.pdf");
	json_decref(out);
	body = json_pack("{s:s, s:[s]}", "body", "已组织全员安全培训", "attachments", pdf);
	assert_int_equal(dt_store_finding_rectify(f->s, &f->actor, &u->company, id, DT_FEV_SUBMIT,
						  body, NULL, &f->err),
			 DT_OK);
	json_decref(body);
	assert_string_equal(status_of(u, id), "submitted");
	assert_int_equal(fx_audit_grep(f,
				       "entity = 'rectification' AND "
				       "action = 'submit'",
				       pdf),
			 1);
	body = json_pack("{s:s, s:s, s:s}", "decision", "rejected", "reason", "缺少签到表",
			 "new_deadline", "2027-01-15");
	assert_int_equal(dt_store_finding_decide(f->s, &f->actor, &u->b, id, body, &out, &f->err),
			 DT_OK);
	json_decref(body);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "rectifying");
	assert_string_equal(json_string_value(json_object_get(out, "deadline")), "2027-01-15");
	json_t *r0 = json_array_get(json_object_get(out, "rectifications"), 0);
	assert_string_equal(json_string_value(json_object_get(r0, "decision")), "rejected");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(r0, "attachments"), 0), "hash")),
			    pdf);
	json_decref(out);

	/* resubmitted, accepted by A: closed (销号) */
	body = json_pack("{s:s}", "body", "补充签到表");
	assert_int_equal(dt_store_finding_rectify(f->s, &f->actor, &u->company, id, DT_FEV_SUBMIT,
						  body, NULL, &f->err),
			 DT_OK);
	json_decref(body);
	body = json_pack("{s:s}", "decision", "accepted");
	assert_int_equal(dt_store_finding_decide(f->s, &f->actor, &u->a, id, body, &out, &f->err),
			 DT_OK);
	json_decref(body);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "closed");
	assert_false(json_is_null(json_object_get(out, "closed_at")));
	assert_string_equal(json_string_value(json_object_get(out, "colour")), "none");
	assert_int_equal(json_array_size(json_object_get(out, "rectifications")), 2);
	json_decref(out);
	assert_int_equal(audit_of(f, "finding.start"), 1);
	assert_int_equal(audit_of(f, "finding.submit"), 2);
	assert_int_equal(audit_of(f, "finding.reject"), 1);
	assert_int_equal(audit_of(f, "finding.accept"), 1);
	assert_int_equal(audit_of(f, "rectification.reject"), 1);
	assert_int_equal(audit_of(f, "attachment.upload"), 2);

	/* finishing: the third item first, then done; publishable as every finding is closed */
	body = json_pack("{s:s}", "status", "done");
	assert_int_equal(
		dt_store_inspection_record(f->s, &f->actor, &u->a, u->insp, body, NULL, &f->err),
		DT_EINVAL);
	assert_true(dt_problems_has(dt_store_problems(f->s), "inspection.unanswered"));
	assert_true(dt_problems_has(dt_store_problems(f->s), "inspection.no_conclusion"));
	json_decref(body);
	body = json_pack("{s:[{s:s, s:s}], s:s, s:s}", "checks", "code", "stipend_min_wage",
			 "result", "na", "conclusion", "基本合格，一项问题已整改销号", "status",
			 "done");
	assert_int_equal(
		dt_store_inspection_record(f->s, &f->actor, &u->a, u->insp, body, &out, &f->err),
		DT_OK);
	json_decref(body);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "done");
	assert_true(json_is_true(json_object_get(out, "publishable")));
	json_decref(out);
	/* a done inspection takes no more */
	body = json_pack("{s:s}", "conclusion", "改");
	assert_int_equal(
		dt_store_inspection_record(f->s, &f->actor, &u->a, u->insp, body, NULL, &f->err),
		DT_ECONFLICT);
	json_decref(body);
	/* the chain still verifies */
	int64_t checked = 0;
	assert_int_equal(dt_store_audit_verify(f->s, &checked, &f->err), DT_OK);
	assert_true(checked > 10);

	/* the copy to another database takes supervision along, files and all */
	char path[sizeof(f->dir) + 16];
	snprintf(path, sizeof(path), "%s/copy.db", f->dir);
	struct dt_store *to = NULL;
	struct dt_copy_stats cs = { 0, 0 };
	if (dt_store_open(&to, path, &f->keys, DT_STORE_CREATE, &f->err) != DT_OK ||
	    dt_store_copy(f->s, to, &cs, NULL, NULL, &f->err) != DT_OK)
		fail_msg("copy: %s", f->err.buf);
	struct dt_attachment_file file = { "", DT_STRBUF_INIT, DT_STRBUF_INIT };
	assert_int_equal(dt_store_attachment_get(to, NULL, pdf, &file, &f->err), DT_OK);
	assert_string_equal(file.mime, "application/pdf");
	assert_memory_equal(file.content.buf, "%PDF-1.4\n%%EOF\n", 15);
	json_t *copied = NULL;
	assert_int_equal(dt_store_finding_get(to, NULL, id, &copied, &f->err), DT_OK);
	assert_int_equal(json_array_size(json_object_get(copied, "rectifications")), 2);
	json_decref(copied);
	dt_strbuf_release(&file.content);
	dt_strbuf_release(&file.name);
	dt_store_close(to);
	unlink(path);
	char side[sizeof(path) + 8];
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static void test_who_may_act(void **state)
{
	struct sup *u = *state;
	struct fx *f = u->f;
	int64_t id = finding(u, 20, NULL);
	json_t *out = NULL, *body = json_pack("{s:s}", "body", "已整改");
	int64_t events = fx_audit_count(f);
	/* not drawn for it: an inspector of the same province may not record */
	json_t *fb = json_pack("{s:I, s:s, s:s, s:s}", "inspection_id", (json_int_t)u->insp,
			       "severity", "general", "description", "x", "deadline", "2027-01-01");
	assert_int_equal(dt_store_finding_create(f->s, &f->actor, &u->other, fb, &out, &f->err),
			 DT_EINVAL);
	assert_true(dt_problems_has(dt_store_problems(f->s), "ref.missing"));
	/* nor may the city official, nor the enterprise */
	assert_int_equal(dt_store_finding_create(f->s, &f->actor, &u->city, fb, &out, &f->err),
			 DT_EDENIED);
	/* out of scope, the inspection does not exist */
	assert_int_equal(dt_store_finding_create(f->s, &f->actor, &u->city2, fb, &out, &f->err),
			 DT_EINVAL);
	assert_true(dt_problems_has(dt_store_problems(f->s), "ref.missing"));
	json_decref(fb);
	/* an inspector cannot rectify; the organisation cannot close */
	assert_int_equal(dt_store_finding_rectify(f->s, &f->actor, &u->a, id, DT_FEV_SUBMIT, body,
						  NULL, &f->err),
			 DT_EDENIED);
	assert_int_equal(dt_store_finding_rectify(f->s, &f->actor, &u->company, id, DT_FEV_SUBMIT,
						  body, NULL, &f->err),
			 DT_OK);
	json_t *acc = json_pack("{s:s}", "decision", "accepted");
	assert_int_equal(
		dt_store_finding_decide(f->s, &f->actor, &u->company, id, acc, NULL, &f->err),
		DT_EDENIED);
	/* an inspector of the province not drawn for it cannot close it either, nor the city */
	assert_int_equal(
		dt_store_finding_decide(f->s, &f->actor, &u->other, id, acc, NULL, &f->err),
		DT_ENOTFOUND);
	/* an admin sees it, and is no inspector of it either */
	struct dt_account admin = who(0, "admin", 0, 0, 0);
	assert_int_equal(dt_store_finding_decide(f->s, &f->actor, &admin, id, acc, NULL, &f->err),
			 DT_EDENIED);
	assert_true(dt_problems_has(dt_store_problems(f->s), "finding.not_inspector"));
	assert_int_equal(dt_store_finding_decide(f->s, &f->actor, &u->city, id, acc, NULL, &f->err),
			 DT_EDENIED);
	/* the CLI (no account) is no inspector */
	assert_int_equal(dt_store_finding_decide(f->s, &f->actor, NULL, id, acc, NULL, &f->err),
			 DT_EDENIED);
	/* out of scope: another enterprise, another city, a trainee see nothing */
	assert_int_equal(
		dt_store_finding_decide(f->s, &f->actor, &u->city2, id, acc, NULL, &f->err),
		DT_ENOTFOUND);
	assert_int_equal(dt_store_finding_rectify(f->s, &f->actor, &u->company2, id, DT_FEV_START,
						  NULL, NULL, &f->err),
			 DT_ENOTFOUND);
	assert_int_equal(dt_store_finding_get(f->s, &u->trainee, id, &out, &f->err), DT_ENOTFOUND);
	/* refusals wrote nothing: one submission, its two events */
	assert_int_equal(fx_audit_count(f), events + 2);
	assert_string_equal(status_of(u, id), "submitted");
	/* a rejection needs a reason and a new deadline after today */
	json_t *rej = json_pack("{s:s, s:s, s:s}", "decision", "rejected", "reason", "不充分",
				"new_deadline", FX_TODAY);
	assert_int_equal(dt_store_finding_decide(f->s, &f->actor, &u->a, id, rej, NULL, &f->err),
			 DT_EINVAL);
	assert_true(dt_problems_has(dt_store_problems(f->s), "finding.deadline_past"));
	json_decref(rej);
	rej = json_pack("{s:s, s:s}", "decision", "rejected", "new_deadline", "2027-02-01");
	assert_int_equal(dt_store_finding_decide(f->s, &f->actor, &u->a, id, rej, NULL, &f->err),
			 DT_EINVAL);
	json_decref(rej);
	assert_int_equal(fx_audit_count(f), events + 2);
	assert_int_equal(dt_store_finding_decide(f->s, &f->actor, &u->b, id, acc, NULL, &f->err),
			 DT_OK);
	/* closed is final */
	assert_int_equal(dt_store_finding_rectify(f->s, &f->actor, &u->company, id, DT_FEV_SUBMIT,
						  body, NULL, &f->err),
			 DT_ECONFLICT);
	json_decref(acc);
	json_decref(body);
}

/* Who sees what: the list and the single read agree for every kind of account. */
static void test_scope(void **state)
{
	struct sup *u = *state;
	struct fx *f = u->f;
	finding(u, 10, NULL);
	/* n: the finding is seen; ni: its inspection is (never by an organisation: unannounced) */
	struct {
		const struct dt_account *w;
		size_t n;
		bool ni;
	} cases[] = {
		{ NULL, 1, true },         { &u->a, 1, true },         { &u->b, 1, true },
		{ &u->other, 0, false },   { &u->city, 1, true },      { &u->city2, 0, false },
		{ &u->company, 1, false }, { &u->company2, 0, false }, { &u->trainee, 0, false },
	};
	/* an inspector of another province drawn for it sees it too */
	struct dt_account far = who(u->a.id, "inspector", 440000, 0, 0);
	for (size_t i = 0; i < DT_ARRAY_SIZE(cases); i++) {
		json_t *items = NULL, *o = NULL;
		assert_int_equal(dt_store_finding_list(f->s, cases[i].w, NULL, &items, &f->err),
				 DT_OK);
		if (json_array_size(items) != cases[i].n)
			fail_msg("case %zu: %zu findings, want %zu", i, json_array_size(items),
				 cases[i].n);
		int64_t id = fx_sql_int(f, "SELECT max(id) FROM finding");
		int rc = dt_store_finding_get(f->s, cases[i].w, id, &o, &f->err);
		assert_int_equal(rc, cases[i].n ? DT_OK : DT_ENOTFOUND);
		json_decref(items);
		json_decref(o);
		o = NULL;
		rc = dt_store_inspection_conducted(f->s, cases[i].w, u->insp, &o, &f->err);
		assert_int_equal(rc, cases[i].ni ? DT_OK : DT_ENOTFOUND);
		json_decref(o);
	}
	json_t *items = NULL;
	assert_int_equal(dt_store_finding_list(f->s, &far, NULL, &items, &f->err), DT_OK);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
}

static void test_overdue_and_filters(void **state)
{
	struct sup *u = *state;
	struct fx *f = u->f;
	int64_t late = finding(u, 5, NULL), soon = finding(u, 2, NULL),
		later = finding(u, 40, NULL);
	char sql[160];
	snprintf(sql, sizeof(sql), "UPDATE finding SET deadline = '2026-11-20' WHERE id = %lld",
		 (long long)late);
	fx_sql_exec(f, sql);
	struct dt_finding_filter flt = { .overdue = true };
	json_t *items = NULL;
	assert_int_equal(dt_store_finding_list(f->s, NULL, &flt, &items, &f->err), DT_OK);
	assert_int_equal(json_array_size(items), 1);
	json_t *o = json_array_get(items, 0);
	assert_int_equal(json_integer_value(json_object_get(o, "id")), late);
	assert_true(json_is_true(json_object_get(o, "overdue")));
	assert_int_equal(json_integer_value(json_object_get(o, "days_left")), -6);
	assert_string_equal(json_string_value(json_object_get(o, "colour")), "red");
	json_decref(items);
	flt = (struct dt_finding_filter){ .region = 220000 };
	assert_int_equal(dt_store_finding_list(f->s, NULL, &flt, &items, &f->err), DT_OK);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
	flt = (struct dt_finding_filter){ .region = 210100, .after = soon };
	assert_int_equal(dt_store_finding_list(f->s, NULL, &flt, &items, &f->err), DT_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")),
			 later);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "colour")),
			    "green");
	json_decref(items);
	flt = (struct dt_finding_filter){ .status = "overdue" };
	assert_int_equal(dt_store_finding_list(f->s, NULL, &flt, &items, &f->err), DT_EINVAL);
}

static void test_attachments(void **state)
{
	struct sup *u = *state;
	struct fx *f = u->f;
	json_t *out = NULL;
	int64_t events = fx_audit_count(f);
	static const char svg[] = "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>";
	assert_int_equal(dt_store_attachment_put(f->s, &f->actor, &u->a, (const unsigned char *)svg,
						 sizeof(svg) - 1, "photo.jpg", &out, &f->err),
			 DT_EINVAL);
	assert_true(dt_problems_has(dt_store_problems(f->s), "attachment.type"));
	assert_int_equal(fx_rows(f, "attachment"), 0);
	assert_int_equal(fx_audit_count(f), events);
	/* the same bytes twice: one file, two uploaders */
	assert_int_equal(dt_store_attachment_put(f->s, &f->actor, &u->a, jpeg, sizeof(jpeg) - 1,
						 "a.jpg", &out, &f->err),
			 DT_OK);
	char hash[DT_ATTACHMENT_HEX_LEN], want[DT_ATTACHMENT_HEX_LEN];
	snprintf(hash, sizeof(hash), "%s", json_string_value(json_object_get(out, "hash")));
	dt_attachment_hash(jpeg, sizeof(jpeg) - 1, NULL, want);
	assert_string_equal(hash, want);
	assert_string_equal(json_string_value(json_object_get(out, "mime")), "image/jpeg");
	json_decref(out);
	assert_int_equal(dt_store_attachment_put(f->s, &f->actor, &u->company, jpeg,
						 sizeof(jpeg) - 1, "b", NULL, &f->err),
			 DT_OK);
	assert_int_equal(fx_rows(f, "attachment"), 1);

	struct dt_attachment_file file = { "", DT_STRBUF_INIT, DT_STRBUF_INIT };
	assert_int_equal(dt_store_attachment_get(f->s, &u->a, hash, &file, &f->err), DT_OK);
	assert_string_equal(file.mime, "image/jpeg");
	assert_int_equal(file.content.len, sizeof(jpeg) - 1);
	assert_memory_equal(file.content.buf, jpeg, sizeof(jpeg) - 1);
	dt_strbuf_reset(&file.content);
	dt_strbuf_reset(&file.name);
	/* not attached to anything yet: only its uploaders see it */
	assert_int_equal(dt_store_attachment_get(f->s, &u->city, hash, &file, &f->err),
			 DT_ENOTFOUND);
	assert_int_equal(dt_store_attachment_get(f->s, &u->b, hash, &file, &f->err), DT_ENOTFOUND);
	/* nor may another account attach it */
	json_t *fb = json_pack("{s:I, s:s, s:s, s:s, s:[s]}", "inspection_id", (json_int_t)u->insp,
			       "severity", "grave", "description", "x", "deadline", "2027-01-01",
			       "attachments", hash);
	assert_int_equal(dt_store_finding_create(f->s, &f->actor, &u->b, fb, &out, &f->err),
			 DT_EINVAL);
	assert_true(dt_problems_has(dt_store_problems(f->s), "attachment.missing"));
	/* attached to a finding, whoever sees the finding sees the file */
	finding(u, 10, hash);
	assert_int_equal(dt_store_attachment_get(f->s, &u->city, hash, &file, &f->err), DT_OK);
	assert_string_equal(file.name.buf, "现场.jpg");
	assert_int_equal(dt_store_attachment_get(f->s, &u->city2, hash, &file, &f->err),
			 DT_ENOTFOUND);
	assert_int_equal(dt_store_attachment_get(f->s, &u->company2, hash, &file, &f->err),
			 DT_ENOTFOUND);
	assert_int_equal(dt_store_attachment_get(f->s, NULL, "00", &file, &f->err), DT_ENOTFOUND);
	assert_int_equal(dt_store_attachment_get(
				 f->s, NULL,
				 "0000000000000000000000000000000000000000000000000000000000000000",
				 &file, &f->err),
			 DT_ENOTFOUND);
	json_decref(fb);
	dt_strbuf_release(&file.content);
	dt_strbuf_release(&file.name);
}

static void test_checklist_rules(void **state)
{
	struct sup *u = *state;
	struct fx *f = u->f;
	int64_t events = fx_audit_count(f);
	json_t *body =
		json_pack("{s:[{s:s, s:s}]}", "checks", "code", "insurance", "result", "pass");
	assert_int_equal(
		dt_store_inspection_record(f->s, &f->actor, &u->a, u->insp, body, NULL, &f->err),
		DT_EINVAL);
	assert_true(dt_problems_has(dt_store_problems(f->s), "inspection.check_unknown"));
	json_decref(body);
	body = json_pack("{s:[{s:s, s:s}]}", "checks", "code", "contract_signed", "result", "fail");
	assert_int_equal(
		dt_store_inspection_record(f->s, &f->actor, &u->a, u->insp, body, NULL, &f->err),
		DT_EINVAL);
	assert_true(dt_problems_has(dt_store_problems(f->s), "inspection.fail_remark"));
	json_decref(body);
	body = json_pack("{s:s}", "visited_on", "2026-12-01");
	assert_int_equal(
		dt_store_inspection_record(f->s, &f->actor, &u->a, u->insp, body, NULL, &f->err),
		DT_EINVAL);
	json_decref(body);
	body = json_pack("{s:s}", "visited_on", "2026-11-20");
	assert_int_equal(dt_store_inspection_record(f->s, &f->actor, &u->other, u->insp, body, NULL,
						    &f->err),
			 DT_ENOTFOUND);
	assert_int_equal(
		dt_store_inspection_record(f->s, &f->actor, &u->city, u->insp, body, NULL, &f->err),
		DT_EDENIED);
	json_decref(body);
	/* nothing of it was written */
	assert_int_equal(fx_audit_count(f), events);
	assert_int_equal(fx_rows(f, "inspection_check"), 0);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM inspection WHERE status = 'planned'"),
			 1);
}

/*
 * The reminders and the overdue alert against an oracle: a finding due in d
 * days (d from -3 to 10) in each status; after the rules run, an open or
 * rectifying one has a "finding_due" alert of band 7, 3 or 1 (the smallest
 * not below d) when 0 <= d <= 7, a "finding_overdue" one when d < 0, and
 * nothing else; running them again raises nothing new; two days later the
 * bands move on.
 */
static void test_alerts(void **state)
{
	struct sup *u = *state;
	struct fx *f = u->f;
	static const char *const statuses[] = { "open", "rectifying", "submitted", "closed" };
	int64_t first = 0;
	for (int d = -3; d <= 10; d++)
		for (int k = 0; k < 4; k++) {
			int64_t id = finding(u, 30, NULL);
			if (!first)
				first = id;
			char sql[200], dl[DT_DATE_STRLEN];
			dt_date_format(dt_date_add_days(dt_date_today(), d), dl);
			snprintf(
				sql, sizeof(sql),
				"UPDATE finding SET deadline = '%s', status = '%s' WHERE id = %lld",
				dl, statuses[k], (long long)id);
			fx_sql_exec(f, sql);
		}
	int raised = 0;
	if (dt_engine_alerts_evaluate(f->s, &f->actor, 20261126, &raised, &f->err) != DT_OK)
		fail_msg("evaluate: %s", f->err.buf);
	int want = 0;
	for (int d = -3; d <= 10; d++)
		for (int k = 0; k < 4; k++) {
			int64_t id = first + (d + 3) * 4 + k;
			bool active = k < 2;
			const char *band = d <= 1 ? "1" : d <= 3 ? "3" : "7";
			char sql[256];
			snprintf(
				sql, sizeof(sql),
				"SELECT count(*) FROM alert WHERE rule = 'finding_due' AND "
				"subject_kind = 'finding' AND subject_id = %lld AND indicator = '%s' "
				"AND region = 210100",
				(long long)id, band);
			int64_t due = fx_sql_int(f, sql);
			snprintf(sql, sizeof(sql),
				 "SELECT count(*) FROM alert WHERE rule = 'finding_overdue' AND "
				 "subject_id = %lld AND region = 210100",
				 (long long)id);
			int64_t over = fx_sql_int(f, sql);
			if (due != (active && d >= 0 && d <= 7) || over != (active && d < 0))
				fail_msg("due in %d days, %s: %lld due, %lld overdue alerts", d,
					 statuses[k], (long long)due, (long long)over);
			want += active && d <= 7;
		}
	assert_int_equal(raised, want);
	assert_int_equal(fx_sql_int(f, "SELECT count(*) FROM alert WHERE rule LIKE 'finding%'"),
			 want);
	assert_int_equal(dt_engine_alerts_evaluate(f->s, &f->actor, 20261126, &raised, &f->err),
			 DT_OK);
	assert_int_equal(raised, 0);
	/* two days on: due in 5 was band 7, now in 3: band 3; due in 8 is now in band 7 */
	assert_int_equal(dt_engine_alerts_evaluate(f->s, &f->actor, 20261128, &raised, &f->err),
			 DT_OK);
	assert_true(raised > 0);
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM alert WHERE rule = 'finding_due' AND subject_id = %lld AND "
		 "indicator = '3'",
		 (long long)(first + (5 + 3) * 4));
	assert_int_equal(fx_sql_int(f, sql), 1);
	assert_int_equal(
		fx_sql_int(f, "SELECT count(*) FROM alert WHERE rule = 'finding_overdue' "
			      "AND severity = 'critical' AND message_zh LIKE '%较重%'"),
		fx_sql_int(f, "SELECT count(*) FROM alert WHERE rule = 'finding_overdue'"));
}

/* The supervision indicators against counts made by hand from the rows written. */
static void test_indicators(void **state)
{
	struct sup *u = *state;
	struct fx *f = u->f;
	int64_t a = finding(u, 10, NULL), b = finding(u, 10, NULL), c = finding(u, 10, NULL);
	char sql[640];
	snprintf(
		sql, sizeof(sql),
		"UPDATE finding SET severity = 'general', status = 'closed' WHERE id = %lld; "
		"UPDATE finding SET severity = 'serious', deadline = '2026-11-01' WHERE id = %lld; "
		"UPDATE finding SET severity = 'grave', status = 'rectifying' WHERE id = %lld; "
		"UPDATE inspection SET status = 'done'; "
		"INSERT INTO plan_candidate (plan_id, object_kind, object_id, city, org_id, weight, "
		"reasons) VALUES (1, 'enterprise', %lld, 210100, %lld, 1, '[]'), "
		"(1, 'enterprise', %lld, 210100, %lld, 2, '[]'), (1, 'school', %lld, 210100, %lld, "
		"1, '[]'), (1, 'enterprise', 999, 220100, NULL, 1, '[]')",
		(long long)a, (long long)b, (long long)c, (long long)u->ent, (long long)u->ent,
		(long long)u->ent2, (long long)u->ent2, (long long)u->school, (long long)u->school);
	fx_sql_exec(f, sql);
	json_t *o = NULL;
	assert_int_equal(dt_store_supervision_indicators(f->s, 210000, 2026, FX_TODAY, &o, &f->err),
			 DT_OK);
	json_t *in = json_object_get(o, "inspections"), *fd = json_object_get(o, "findings");
	assert_int_equal(json_integer_value(json_object_get(in, "drawn")), 1);
	assert_int_equal(json_integer_value(json_object_get(in, "done")), 1);
	assert_int_equal(json_integer_value(json_object_get(in, "objects_eligible")), 3);
	assert_true(fabs(json_real_value(json_object_get(o, "coverage")) - 1.0 / 3) < 1e-9);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(o, "findings_by_severity"), "grave")),
			 1);
	assert_true(fabs(json_real_value(json_object_get(
				 json_object_get(o, "findings_per_inspection"), "total")) -
			 3) < 1e-9);
	assert_int_equal(json_integer_value(json_object_get(fd, "closed")), 1);
	assert_int_equal(json_integer_value(json_object_get(fd, "due")), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "overdue_findings")), 1);
	assert_true(fabs(json_real_value(json_object_get(o, "closure_rate")) - 0.5) < 1e-9);
	json_decref(o);
	/* the nation holds the other province's candidate too; that province has nothing */
	assert_int_equal(dt_store_supervision_indicators(f->s, 0, 2026, FX_TODAY, &o, &f->err),
			 DT_OK);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "inspections"),
							    "objects_eligible")),
			 4);
	json_decref(o);
	assert_int_equal(dt_store_supervision_indicators(f->s, 220000, 2026, FX_TODAY, &o, &f->err),
			 DT_OK);
	assert_true(json_is_null(json_object_get(o, "closure_rate")));
	assert_true(json_is_null(
		json_object_get(json_object_get(o, "findings_per_inspection"), "total")));
	assert_true(fabs(json_real_value(json_object_get(o, "coverage"))) < 1e-9);
	json_decref(o);
	assert_int_equal(dt_store_supervision_indicators(f->s, 210000, 2025, FX_TODAY, &o, &f->err),
			 DT_OK);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(o, "findings"), "total")), 0);
	json_decref(o);
}

/*
 * A history written on its days (dt_store_set_today, the demo's): a finding
 * recorded 60 days ago with a deadline 30 days ago is accepted then (and
 * refused as of today), its times are of that day, and today it is overdue.
 */
static void test_written_on_its_day(void **state)
{
	struct sup *u = *state;
	struct fx *f = u->f;
	struct dt_date today = dt_date_today(), then = dt_date_add_days(today, -60);
	char dl[DT_DATE_STRLEN], day[DT_DATE_STRLEN];
	dt_date_format(dt_date_add_days(today, -30), dl);
	dt_date_format(then, day);
	json_t *body = json_pack("{s:I, s:s, s:s, s:s}", "inspection_id", (json_int_t)u->insp,
				 "severity", "general", "description", "记录缺失", "deadline", dl),
	       *out = NULL;
	assert_int_equal(dt_store_finding_create(f->s, &f->actor, &u->a, body, &out, &f->err),
			 DT_EINVAL);
	assert_true(dt_problems_has(dt_store_problems(f->s), "finding.deadline_past"));
	dt_store_set_today(f->s, &then);
	int rc = dt_store_finding_create(f->s, &f->actor, &u->a, body, &out, &f->err);
	dt_store_set_today(f->s, NULL);
	if (rc != DT_OK)
		fail_msg("as of %s: %s", day, f->err.buf);
	json_decref(body);
	assert_int_equal(strncmp(fx_str(out, "created_at"), day, 10), 0);
	int64_t id = fx_int(out, "id");
	json_decref(out);
	assert_int_equal(dt_store_finding_get(f->s, NULL, id, &out, &f->err), DT_OK);
	assert_true(json_is_true(json_object_get(out, "overdue")));
	assert_int_equal(fx_int(out, "days_left"), -30);
	json_decref(out);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_loop_to_closure),
		T(test_who_may_act),
		T(test_scope),
		T(test_overdue_and_filters),
		T(test_attachments),
		T(test_checklist_rules),
		T(test_alerts),
		T(test_indicators),
		T(test_written_on_its_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
