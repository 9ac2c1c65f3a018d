/*
 * test_publicity_store.c - the store of publicity (store/publicity.c) on
 * both backends (store_fixture.h): the portal's read interface gives
 * published content only (never a draft, a case in review, a withdrawn one
 * or a comment), the publication generation grows with exactly the changes
 * the public can see, search finds Chinese text through the index and
 * through the short-query fallback, a refused write changes nothing, and
 * files of published content (only) are served to the portal.
 */
#include "store_fixture.h"

#include "core/markdown.h"
#include "store/publicity.h"

static struct dt_account who(const char *role, int region, int64_t org)
{
	struct dt_account w = { .id = 0 };
	snprintf(w.role, sizeof(w.role), "%s", role);
	w.scope.region = region;
	w.scope.org_id = org;
	return w;
}

static int64_t gen(struct fx *f)
{
	int64_t g = -1;
	assert_int_equal(dt_store_pub_generation(f->s, &g, &f->err), DT_OK);
	return g;
}

/* A case by @w with @title, taken along @steps (NULL-ended) by NULL (unrestricted). */
static int64_t a_case(struct fx *f, const struct dt_account *w, const char *title,
		      const char *const *steps)
{
	json_t *b =
		json_pack("{s:s, s:s, s:s, s:[s]}", "title", title, "summary", "经验摘要", "body",
			  "## 做法\n\n校企共建实训基地，双导师带徒。", "indicators", "pass_rate");
	json_t *out = NULL;
	int rc = dt_store_case_create(f->s, &f->actor, w, b, &out, &f->err);
	json_decref(b);
	if (rc != DT_OK)
		fail_msg("create: %s", f->err.buf);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	for (int i = 0; steps && steps[i]; i++) {
		enum dt_case_step st;
		assert_int_equal(dt_case_step_parse(steps[i], &st), DT_OK);
		rc = dt_store_case_step(f->s, &f->actor, NULL, id, st, NULL,
					st == DT_CS_PUBLISH ? json_pack("{s:i}", "year", 2026)
							    : NULL,
					NULL, &f->err);
		if (rc != DT_OK)
			fail_msg("%s: %s", steps[i], f->err.buf);
	}
	return id;
}

static const char *const to_published[] = { "submit", "recommend", "approve", "publish", NULL };

static void test_portal_sees_published_only(void **state)
{
	struct fx *f = *state;
	int64_t school = fx_org(f, "school", 210102, "沈阳职业学院");
	struct dt_account sch = who("school", 0, school), city = who("city", 210100, 0);
	int64_t g0 = gen(f);
	int64_t draft = a_case(f, &sch, "草稿经验", NULL);
	int64_t review = a_case(f, &city, "审核中经验", (const char *const[]){ "submit", NULL });
	assert_int_equal(gen(f), g0);
	int64_t pub = a_case(f, &sch, "产教融合共建实训基地", to_published);
	assert_int_equal(gen(f), g0 + 1);
	int64_t gone = a_case(f, &city, "撤回的经验", to_published);
	assert_true(dt_store_case_step(f->s, &f->actor, NULL, gone, DT_CS_WITHDRAW, "待核实", NULL,
				       NULL, &f->err) == DT_OK);
	assert_int_equal(gen(f), g0 + 3);
	assert_int_equal(dt_store_case_step(f->s, &f->actor, NULL, pub, DT_CS_FEATURE, NULL, NULL,
					    NULL, &f->err),
			 DT_OK);
	assert_int_equal(gen(f), g0 + 4);
	/* a comment and a refused step change nothing the public sees */
	assert_int_equal(dt_store_case_step(f->s, &f->actor, NULL, review, DT_CS_COMMENT, "好",
					    NULL, NULL, &f->err),
			 DT_OK);
	struct fx_snap snap = fx_snapshot(f);
	assert_int_equal(dt_store_case_step(f->s, &f->actor, &sch, pub, DT_CS_FEATURE, NULL, NULL,
					    NULL, &f->err),
			 DT_EDENIED);
	fx_assert_unchanged(f, &snap);
	assert_int_equal(gen(f), g0 + 4);

	json_t *items = NULL;
	int64_t total = -1;
	assert_int_equal(dt_store_pub_cases(f->s, NULL, &items, &total, &f->err), DT_OK);
	assert_int_equal(total, 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), pub);
	assert_true(json_is_true(json_object_get(json_array_get(items, 0), "featured")));
	json_decref(items);
	struct dt_pub_filter flt = { .region = 220000 };
	assert_int_equal(dt_store_pub_cases(f->s, &flt, &items, &total, &f->err), DT_OK);
	assert_int_equal(total, 0);
	json_decref(items);
	json_t *o = NULL;
	assert_int_equal(dt_store_pub_case(f->s, pub, "/files/", &o, &f->err), DT_OK);
	assert_non_null(strstr(json_string_value(json_object_get(o, "html")), "<h2>做法</h2>"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "frozen"), "year")),
			 2026);
	assert_null(json_object_get(o, "history"));
	assert_null(json_object_get(o, "status"));
	json_decref(o);
	const int64_t hidden[] = { draft, review, gone, 999999 };
	for (size_t i = 0; i < DT_ARRAY_SIZE(hidden); i++) {
		o = NULL;
		assert_int_equal(dt_store_pub_case(f->s, hidden[i], NULL, &o, &f->err),
				 DT_ENOTFOUND);
		assert_null(o);
	}
	/* search: published only, long and short queries, the same answer on both backends */
	assert_int_equal(dt_store_pub_search(f->s, "实训基地", 10, &items, &f->err), DT_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), pub);
	json_decref(items);
	assert_int_equal(dt_store_pub_search(f->s, "草稿", 10, &items, &f->err), DT_OK);
	assert_int_equal(json_array_size(items), 0); /* only in the draft's title */
	json_decref(items);
	assert_int_equal(dt_store_pub_search(f->s, "导师", 10, &items, &f->err), DT_OK);
	assert_int_equal(json_array_size(items), 1);
	/* in the text: its words around the hit, without the Markdown */
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "excerpt")),
			    "做法 校企共建实训基地，双导师带徒。");
	json_decref(items);
	assert_int_equal(dt_store_pub_search(f->s, "实训基地", 10, &items, &f->err), DT_OK);
	assert_non_null(json_object_get(json_array_get(items, 0), "excerpt")); /* title and text */
	json_decref(items);
	/* signed in, the city sees its own in review too */
	assert_int_equal(
		dt_store_publicity_search(f->s, &city, false, "审核中", 10, &items, &f->err),
		DT_OK);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
}

static void test_items_and_files(void **state)
{
	struct fx *f = *state;
	struct dt_account city = who("city", 210100, 0), school = who("school", 0, 1);
	static const unsigned char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n";
	json_t *up = NULL;
	assert_int_equal(dt_store_attachment_put(f->s, &f->actor, NULL, pdf, sizeof(pdf) - 1,
						 "办法", &up, &f->err),
			 DT_OK);
	const char *hash = json_string_value(json_object_get(up, "hash"));
	json_t *b =
		json_pack("{s:s, s:s, s:s, s:s, s:[s]}", "kind", "policy", "title", "补贴管理办法",
			  "body", "正文", "doc_no", "沈人社发〔2026〕1号", "attachments", hash);
	json_t *out = NULL;
	struct fx_snap snap = fx_snapshot(f);
	assert_int_equal(dt_store_item_create(f->s, &f->actor, &school, b, &out, &f->err),
			 DT_EDENIED);
	fx_assert_unchanged(f, &snap);
	/* (the file was uploaded by no account: only an unrestricted writer may attach it) */
	assert_int_equal(dt_store_item_create(f->s, &f->actor, &city, b, &out, &f->err), DT_EINVAL);
	json_object_set_new(b, "region", json_string("210100"));
	assert_int_equal(dt_store_item_create(f->s, &f->actor, NULL, b, &out, &f->err), DT_OK);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(b);
	struct dt_attachment_file file = { .name = DT_STRBUF_INIT, .content = DT_STRBUF_INIT };
	assert_int_equal(dt_store_pub_file(f->s, hash, &file, &f->err), DT_ENOTFOUND);
	json_t *items = NULL;
	int64_t total = -1;
	assert_int_equal(dt_store_pub_items(f->s, NULL, &items, &total, &f->err), DT_OK);
	assert_int_equal(total, 0);
	json_decref(items);
	int64_t g = gen(f);
	assert_int_equal(
		dt_store_item_step(f->s, &f->actor, &city, id, DT_CS_PUBLISH, NULL, &f->err),
		DT_OK);
	assert_int_equal(gen(f), g + 1);
	assert_int_equal(dt_store_pub_file(f->s, hash, &file, &f->err), DT_OK);
	assert_string_equal(file.mime, "application/pdf");
	assert_int_equal(file.content.len, sizeof(pdf) - 1);
	struct dt_pub_filter flt = { .region = 210102, .kind = "policy" };
	assert_int_equal(dt_store_pub_items(f->s, &flt, &items, &total, &f->err), DT_OK);
	assert_int_equal(total, 1); /* a city's item shows under its districts too */
	json_decref(items);
	json_t *o = NULL;
	assert_int_equal(dt_store_pub_item(f->s, id, NULL, &o, &f->err), DT_OK);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(o, "attachments"), 0), "hash")),
			    hash);
	json_decref(o);
	assert_int_equal(dt_store_pub_search(f->s, "人社发", 5, &items, &f->err), DT_OK);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	assert_int_equal(
		dt_store_item_step(f->s, &f->actor, &city, id, DT_CS_WITHDRAW, NULL, &f->err),
		DT_OK);
	assert_int_equal(gen(f), g + 2);
	dt_strbuf_reset(&file.content);
	assert_int_equal(dt_store_pub_file(f->s, hash, &file, &f->err), DT_ENOTFOUND);
	assert_int_equal(dt_store_pub_item(f->s, id, NULL, &o, &f->err), DT_ENOTFOUND);
	dt_strbuf_release(&file.name);
	dt_strbuf_release(&file.content);
	json_decref(up);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_portal_sees_published_only, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_items_and_files, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
