/*
 * pages.c - the portal's pages: the frame they share (skip link, landmarks,
 * language and care-mode switches, sign-in link), the words in Chinese and
 * English, and each page's body.  Only published or aggregated data: the
 * frozen publication snapshots (engine/publish.c), the inspection results
 * supervision made public, the places enterprises offer; a count under 5
 * is shown as "<5".  Every text goes out through dt_portal_esc().
 *
 * Extension points (docs/PORTAL.md):
 *   dt_portal_pages[]  a page: pattern, flags, type, query parameters, render
 *   home_slots[]       a section of the home page; renders nothing when it
 *                      has nothing to show
 *   feed_sources[]     entries of /feed.atom
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "domain/region.h"
#include "http/h_ui.h"
#include "portal/portal.h"
#include "portal/portal_internal.h"
#include "core/banned.h"

/* ---- words ---- */

static const struct {
	const char *key, *zh, *en;
} words[] = {
	{ "site", "双元培育试点", "Dual-track apprenticeship pilot" },
	{ "site.sub", "公开信息", "Public information" },
	{ "skip", "跳到主要内容", "Skip to main content" },
	{ "nav", "主导航", "Main navigation" },
	{ "nav.home", "首页", "Home" },
	{ "nav.inspections", "双随机一公开", "Inspection results" },
	{ "nav.places", "培训岗位", "Training places" },
	{ "lang.other", "English", "中文" },
	{ "care.on", "关怀版", "Care mode" },
	{ "care.off", "标准版", "Standard mode" },
	{ "signin", "登录管理平台", "Sign in" },
	{ "footer", "本站只公开经公布和汇总的数据；少于 5 的数目显示为“<5”。",
	  "This site shows published and aggregated data only; counts under 5 are shown as “<5”." },
	{ "feed", "订阅（Atom）", "Subscribe (Atom)" },
	{ "home.title", "试点概况", "The pilot in brief" },
	{ "home.intro",
	  "各试点城市的指标、目标、达成情况和综合排名，由省级或国家主管部门每年（或按需）公布；这里显示最近公布的数据。",
	  "Each pilot city's indicators, targets, attainment and composite ranking are published by "
	  "the province or the nation once a year or on demand; shown here is the latest publication." },
	{ "home.cities", "试点城市", "Pilot cities" },
	{ "home.none", "尚无公布的数据。", "No figures have been published yet." },
	{ "score", "综合得分", "Composite score" },
	{ "rank", "排名", "Rank" },
	{ "rank.of", "第 %s 名 / 共 %s 个", "%s of %s" },
	{ "year", "年度", "Year" },
	{ "published", "公布于", "Published on" },
	{ "city.figures", "指标与目标", "Indicators and targets" },
	{ "indicator", "指标", "Indicator" },
	{ "value", "数值", "Value" },
	{ "target", "目标", "Target" },
	{ "attainment", "达成率", "Attainment" },
	{ "city.ranking", "综合排名", "Composite ranking" },
	{ "city.parts", "得分构成", "The score's parts" },
	{ "weight", "权重", "Weight" },
	{ "part", "得分", "Points" },
	{ "city", "城市", "City" },
	{ "previous", "上年得分", "Previous score" },
	{ "formula",
	  "综合得分 = 100 × Σ 权重 × min(达成率, 1.2) ÷ Σ 权重（只计有目标的指标）。权重随本次公布一并公开，见下表。",
	  "Composite score = 100 × Σ weight × min(attainment, 1.2) ÷ Σ weight (over the indicators "
	  "with a target). The weights are published with these figures, in the table below." },
	{ "weights", "公布的权重", "The published weights" },
	{ "city.inspections", "督查结果", "Inspection results" },
	{ "insp.title", "双随机、一公开：督查结果",
	  "Double random, one public: inspection results" },
	{ "insp.intro",
	  "督查对象和督查人员均随机抽取；检查完成且发现的问题全部整改后，结果在此公开。",
	  "Objects and inspectors are drawn at random; once an inspection is done and every "
	  "finding is rectified, its result is published here." },
	{ "insp.none", "暂无公开的督查结果。", "No inspection results have been published yet." },
	{ "insp.plan", "督查计划", "Inspection plan" },
	{ "insp.object", "督查对象", "Inspected" },
	{ "insp.date", "检查日期", "Visited on" },
	{ "insp.conclusion", "结论", "Conclusion" },
	{ "kind.enterprise", "企业", "Enterprise" },
	{ "kind.school", "院校", "School" },
	{ "kind.contract", "培养合同（企业）", "Contract (enterprise)" },
	{ "kind.pilot_task", "试点任务", "Pilot task" },
	{ "places.title", "企业培训岗位", "Company training places" },
	{ "places.intro", "企业为双元培育提供的培训岗位，可按城市和职业查找。",
	  "Places that enterprises offer for dual-track training, by city and occupation." },
	{ "places.city", "城市", "City" },
	{ "places.occupation", "职业（工种）", "Occupation" },
	{ "places.any", "全部", "All" },
	{ "places.search", "查找", "Search" },
	{ "places.enterprise", "企业", "Enterprise" },
	{ "places.places", "岗位数", "Places" },
	{ "places.none", "没有符合条件的培训岗位。", "No training places match." },
	{ "places.total", "共 %s 个岗位", "%s places in all" },
	{ "nf.title", "页面不存在", "Page not found" },
	{ "nf.text", "您要找的页面不存在或已移除。",
	  "The page you asked for does not exist or was removed." },
	{ "nf.home", "返回首页", "Back to the home page" },
	{ "feed.pub", "%s：%s 年试点数据公布", "%s: the pilot's figures for %s published" },
	{ "feed.insp", "督查结果：%s（%s）", "Inspection result: %s (%s)" },
	{ "more", "查看详情", "Details" },
};

static const char *W(const struct dt_portal_req *p, const char *key)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(words[i].key, key))
			return p->lang == DT_LANG_EN ? words[i].en : words[i].zh;
	return key;
}

/* ---- helpers ---- */

static void esc(struct dt_portal_req *p, const char *s)
{
	dt_portal_esc(p->out, s);
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* The name of @o (name_zh/name_en, or @zh/@en columns) in the page's language. */
static const char *name_in(const struct dt_portal_req *p, json_t *o, const char *zh, const char *en)
{
	const char *e = str(o, en);
	return p->lang == DT_LANG_EN && *e ? e : str(o, zh);
}

/* A link to portal path @path in this page's language and mode, escaped. */
static void href(struct dt_portal_req *p, const char *path)
{
	dt_strbuf_adds(p->out, "href=\"");
	if (p->lang == DT_LANG_EN)
		dt_strbuf_adds(p->out, "/en");
	if (p->lang == DT_LANG_EN && !strcmp(path, "/"))
		dt_strbuf_adds(p->out, "/");
	else
		esc(p, path);
	if (p->care)
		dt_strbuf_adds(p->out, strchr(path, '?') ? "&amp;care=1" : "?care=1");
	dt_strbuf_adds(p->out, "\"");
}

/* A count as published: under 5 (and not 0) is "<5". */
static void count_text(struct dt_strbuf *out, double v)
{
	if (v > 0 && v < 5)
		dt_strbuf_adds(out, "&lt;5");
	else
		dt_strbuf_addf(out, "%.0f", v);
}

/* An indicator value of @unit as the annual report prints it (counts under 5 suppressed). */
static void value_text(struct dt_portal_req *p, json_t *v, const char *unit)
{
	if (!json_is_number(v)) {
		dt_strbuf_adds(p->out, "—");
		return;
	}
	double x = json_number_value(v);
	if (!strcmp(unit, "percent"))
		dt_strbuf_addf(p->out, "%.1f%%", x);
	else if (!strcmp(unit, "count"))
		count_text(p->out, x);
	else if (!strcmp(unit, "hours"))
		dt_strbuf_addf(p->out, "%.0f", x);
	else
		dt_strbuf_addf(p->out, "%.2f", x);
}

static void percent_text(struct dt_portal_req *p, json_t *v)
{
	if (json_is_number(v))
		dt_strbuf_addf(p->out, "%.0f%%", 100 * json_number_value(v));
	else
		dt_strbuf_adds(p->out, "—");
}

/* @v with @decimals decimals (-1: as short as it goes), or "—" */
static void num_text(struct dt_portal_req *p, json_t *v, int decimals)
{
	if (!json_is_number(v))
		dt_strbuf_adds(p->out, "—");
	else if (decimals < 0)
		dt_strbuf_addf(p->out, "%g", json_number_value(v));
	else
		dt_strbuf_addf(p->out, "%.*f", decimals, json_number_value(v));
}

/* "第 3 名 / 共 5 个" */
static void rank_text(struct dt_portal_req *p, json_t *rank, json_t *ranked)
{
	if (!json_is_integer(rank)) {
		dt_strbuf_adds(p->out, "—");
		return;
	}
	char r[24], t[24];
	snprintf(r, sizeof(r), "%lld", (long long)json_integer_value(rank));
	snprintf(t, sizeof(t), "%lld", (long long)json_integer_value(ranked));
	const char *f = W(p, "rank.of");
	const char *a = strstr(f, "%s"), *b = a ? strstr(a + 2, "%s") : NULL;
	if (!a || !b)
		return;
	dt_strbuf_add(p->out, f, (size_t)(a - f));
	dt_strbuf_adds(p->out, r);
	dt_strbuf_add(p->out, a + 2, (size_t)(b - a - 2));
	dt_strbuf_adds(p->out, t);
	dt_strbuf_adds(p->out, b + 2);
}

/* A "%s ... %s" text of the word table with @a and @b, escaped, into @out. */
static void fill2(struct dt_portal_req *p, struct dt_strbuf *out, const char *key, const char *a,
		  const char *b)
{
	const char *f = W(p, key), *x = strstr(f, "%s"), *y = x ? strstr(x + 2, "%s") : NULL;
	struct dt_strbuf t = DT_STRBUF_INIT;
	if (x) {
		dt_strbuf_add(&t, f, (size_t)(x - f));
		dt_strbuf_adds(&t, a);
		if (y) {
			dt_strbuf_add(&t, x + 2, (size_t)(y - x - 2));
			dt_strbuf_adds(&t, b);
			dt_strbuf_adds(&t, y + 2);
		} else {
			dt_strbuf_adds(&t, x + 2);
		}
	} else {
		dt_strbuf_adds(&t, f);
	}
	dt_portal_esc(out, t.buf);
	dt_strbuf_release(&t);
}

/* ---- the frame ---- */

static void page_begin(struct dt_portal_req *p, const char *title)
{
	struct dt_strbuf *o = p->out;
	dt_strbuf_addf(o,
		       "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		       "<title>",
		       p->lang == DT_LANG_EN ? "en" : "zh-CN");
	esc(p, title);
	dt_strbuf_adds(o, " · ");
	esc(p, W(p, "site"));
	dt_strbuf_addf(o,
		       "</title><link rel=\"stylesheet\" href=\"/assets/%s/portal/portal.css\">"
		       "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/feed.atom\">"
		       "<link rel=\"icon\" href=\"/assets/%s/icon.svg\">"
		       "</head><body class=\"%s\">",
		       dt_web_version, dt_web_version, p->care ? "care" : "std");
	dt_strbuf_adds(o, "<a class=\"skip\" href=\"#main\">");
	esc(p, W(p, "skip"));
	dt_strbuf_adds(o, "</a><header class=\"top\"><div class=\"wrap\"><p class=\"brand\"><a ");
	href(p, "/");
	dt_strbuf_adds(o, ">");
	esc(p, W(p, "site"));
	dt_strbuf_adds(o, "</a> <span>");
	esc(p, W(p, "site.sub"));
	dt_strbuf_adds(o, "</span></p><nav aria-label=\"");
	esc(p, W(p, "nav"));
	dt_strbuf_adds(o, "\"><ul>");
	static const char *const nav[][2] = { { "/", "nav.home" },
					      { "/inspection-results", "nav.inspections" },
					      { "/training-places", "nav.places" } };
	for (size_t i = 0; i < 3; i++) {
		dt_strbuf_adds(o, "<li><a ");
		href(p, nav[i][0]);
		if (!strcmp(p->path, nav[i][0]))
			dt_strbuf_adds(o, " aria-current=\"page\"");
		dt_strbuf_adds(o, ">");
		esc(p, W(p, nav[i][1]));
		dt_strbuf_adds(o, "</a></li>");
	}
	dt_strbuf_adds(o, "</ul></nav><p class=\"tools\">");
	/* the other language: the same page */
	dt_strbuf_addf(o, "<a lang=\"%s\" hreflang=\"%s\" href=\"",
		       p->lang == DT_LANG_EN ? "zh-CN" : "en",
		       p->lang == DT_LANG_EN ? "zh-CN" : "en");
	if (p->lang != DT_LANG_EN && !strcmp(p->path, "/")) {
		dt_strbuf_adds(o, "/en/");
	} else {
		if (p->lang != DT_LANG_EN)
			dt_strbuf_adds(o, "/en");
		esc(p, p->path);
	}
	if (p->care)
		dt_strbuf_adds(o, "?care=1");
	dt_strbuf_adds(o, "\">");
	esc(p, W(p, "lang.other"));
	dt_strbuf_addf(o, "</a> <a href=\"%s", p->lang == DT_LANG_EN ? "/en" : "");
	if (!(p->lang == DT_LANG_EN && !strcmp(p->path, "/")))
		esc(p, p->path);
	else
		dt_strbuf_adds(o, "/");
	dt_strbuf_adds(o, p->care ? "\">" : "?care=1\">");
	esc(p, W(p, p->care ? "care.off" : "care.on"));
	dt_strbuf_adds(o, "</a> <a href=\"/app/login\">");
	esc(p, W(p, "signin"));
	dt_strbuf_adds(o,
		       "</a></p></div></header><main id=\"main\" class=\"wrap\" tabindex=\"-1\">");
}

static void page_end(struct dt_portal_req *p)
{
	dt_strbuf_adds(p->out, "</main><footer class=\"foot\"><div class=\"wrap\"><p>");
	esc(p, W(p, "footer"));
	dt_strbuf_adds(p->out, "</p><p><a href=\"/feed.atom\">");
	esc(p, W(p, "feed"));
	dt_strbuf_adds(p->out, "</a></p></div></footer></body></html>\n");
}

static void h(struct dt_portal_req *p, int level, const char *id, const char *text)
{
	if (id)
		dt_strbuf_addf(p->out, "<h%d id=\"%s\">", level, id);
	else
		dt_strbuf_addf(p->out, "<h%d>", level);
	esc(p, text);
	dt_strbuf_addf(p->out, "</h%d>", level);
}

static void para(struct dt_portal_req *p, const char *text)
{
	dt_strbuf_adds(p->out, "<p>");
	esc(p, text);
	dt_strbuf_adds(p->out, "</p>");
}

/* <th scope="col"> cells of @keys (word keys), ended by NULL */
static void table_head(struct dt_portal_req *p, const char *caption, const char *const *keys)
{
	dt_strbuf_adds(p->out, "<div class=\"scroll\"><table>");
	if (caption) {
		dt_strbuf_adds(p->out, "<caption>");
		esc(p, caption);
		dt_strbuf_adds(p->out, "</caption>");
	}
	dt_strbuf_adds(p->out, "<thead><tr>");
	for (; *keys; keys++) {
		dt_strbuf_adds(p->out, "<th scope=\"col\">");
		esc(p, W(p, *keys));
		dt_strbuf_adds(p->out, "</th>");
	}
	dt_strbuf_adds(p->out, "</tr></thead><tbody>");
}

static void table_end(struct dt_portal_req *p)
{
	dt_strbuf_adds(p->out, "</tbody></table></div>");
}

static void td(struct dt_portal_req *p, const char *text)
{
	dt_strbuf_adds(p->out, "<td>");
	esc(p, text);
	dt_strbuf_adds(p->out, "</td>");
}

/* ---- data ---- */

/* The current publications (with snapshots), or NULL after marking the request failed. */
static json_t *current(struct dt_portal_req *p, int region)
{
	json_t *arr = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_store_publication_list(p->store, NULL, region, true, true, &arr, &err) != DT_OK)
		p->failed = true;
	dt_strbuf_release(&err);
	return arr;
}

static int this_year(void)
{
	char d[DT_TIME_STRLEN];
	dt_time_now(d);
	return (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
}

/* ---- home ---- */

/* A home slot writes its section, or nothing when it has nothing to show. */
typedef void (*home_slot_fn)(struct dt_portal_req *p);

static void slot_cities(struct dt_portal_req *p)
{
	json_t *pubs = current(p, 0), *it;
	size_t i;
	h(p, 2, "cities", W(p, "home.cities"));
	if (!json_array_size(pubs))
		para(p, W(p, "home.none"));
	else
		dt_strbuf_adds(p->out, "<ul class=\"cards\">");
	json_array_foreach(pubs, i, it)
	{
		json_t *snap = json_object_get(it, "snapshot"),
		       *reg = json_object_get(snap, "region");
		char path[48];
		snprintf(path, sizeof(path), "/cities/%06lld",
			 (long long)json_integer_value(json_object_get(it, "region")));
		dt_strbuf_adds(p->out, "<li class=\"card\"><h3><a ");
		href(p, path);
		dt_strbuf_adds(p->out, ">");
		esc(p, name_in(p, reg, "name_zh", "name_en"));
		dt_strbuf_addf(p->out, "</a></h3><p class=\"meta\">%s ",
			       p->lang == DT_LANG_EN ? "Figures of" : "");
		dt_strbuf_addf(p->out, "%lld%s</p><dl><dt>",
			       (long long)json_integer_value(json_object_get(it, "year")),
			       p->lang == DT_LANG_EN ? "" : " 年度数据");
		esc(p, W(p, "score"));
		dt_strbuf_adds(p->out, "</dt><dd>");
		num_text(p, json_object_get(snap, "score"), 1);
		dt_strbuf_adds(p->out, "</dd><dt>");
		esc(p, W(p, "rank"));
		dt_strbuf_adds(p->out, "</dt><dd>");
		rank_text(p, json_object_get(snap, "rank"), json_object_get(snap, "ranked"));
		dt_strbuf_adds(p->out, "</dd>");
		/* the headline figures: the first three indicators with a value */
		json_t *ind;
		size_t k, shown = 0;
		json_array_foreach(json_object_get(snap, "indicators"), k, ind)
		{
			if (shown >= 3 || !json_is_number(json_object_get(ind, "value")))
				continue;
			shown++;
			dt_strbuf_adds(p->out, "<dt>");
			esc(p, name_in(p, ind, "name_zh", "name_en"));
			dt_strbuf_adds(p->out, "</dt><dd>");
			value_text(p, json_object_get(ind, "value"), str(ind, "unit"));
			dt_strbuf_adds(p->out, "</dd>");
		}
		dt_strbuf_adds(p->out, "</dl></li>");
	}
	if (json_array_size(pubs))
		dt_strbuf_adds(p->out, "</ul>");
	json_decref(pubs);
}

/*
 * The home page's sections in order.  The content pages (news and
 * notices, good-practice cases: branch portal-content) add theirs here,
 * e.g. slot_latest_news and slot_featured_cases; a slot with nothing
 * published writes nothing at all (no heading, no placeholder, no link).
 */
static const home_slot_fn home_slots[] = {
	slot_cities,
	/* slot_latest_news:   latest news and notices (portal-content) */
	/* slot_featured_cases: featured good-practice cases (portal-content) */
};

static int render_home(struct dt_portal_req *p)
{
	page_begin(p, W(p, "home.title"));
	h(p, 1, NULL, W(p, "home.title"));
	para(p, W(p, "home.intro"));
	for (size_t i = 0; i < sizeof(home_slots) / sizeof(home_slots[0]); i++)
		home_slots[i](p);
	page_end(p);
	return 200;
}

/* ---- inspections ---- */

static void inspections_table(struct dt_portal_req *p, int city)
{
	json_t *arr = NULL, *it;
	size_t i;
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_store_public_inspections(p->store, city, &arr, &err) != DT_OK) {
		p->failed = true;
		dt_strbuf_release(&err);
		return;
	}
	dt_strbuf_release(&err);
	if (!json_array_size(arr)) {
		para(p, W(p, "insp.none"));
		json_decref(arr);
		return;
	}
	static const char *const head[] = { "year",      "insp.plan",       "city", "insp.object",
					    "insp.date", "insp.conclusion", NULL };
	table_head(p, NULL, head);
	json_array_foreach(arr, i, it)
	{
		char y[16], kind[40];
		snprintf(y, sizeof(y), "%lld",
			 (long long)json_integer_value(json_object_get(it, "year")));
		snprintf(kind, sizeof(kind), "kind.%s", str(it, "object_kind"));
		dt_strbuf_addf(p->out, "<tr id=\"i%lld\">",
			       (long long)json_integer_value(json_object_get(it, "id")));
		td(p, y);
		td(p, str(it, "title"));
		td(p, name_in(p, it, "city_zh", "city_en"));
		dt_strbuf_adds(p->out, "<td>");
		esc(p, W(p, kind));
		if (*str(it, "org_name")) {
			dt_strbuf_adds(p->out, "：");
			esc(p, name_in(p, it, "org_name", "org_name_en"));
		}
		dt_strbuf_adds(p->out, "</td>");
		td(p, str(it, "visited_on"));
		td(p, str(it, "conclusion"));
		dt_strbuf_adds(p->out, "</tr>");
	}
	table_end(p);
	json_decref(arr);
}

static int render_inspections(struct dt_portal_req *p)
{
	page_begin(p, W(p, "insp.title"));
	h(p, 1, NULL, W(p, "insp.title"));
	para(p, W(p, "insp.intro"));
	inspections_table(p, 0);
	page_end(p);
	return 200;
}

/* ---- a pilot city ---- */

static int render_city(struct dt_portal_req *p)
{
	int code = 0;
	const char *a = p->arg;
	if (!a || strlen(a) != 6 || strspn(a, "0123456789") != 6)
		return 404;
	code = (int)strtol(a, NULL, 10);
	json_t *pubs = current(p, code);
	json_t *pub = json_array_get(pubs, 0);
	if (!pub) {
		json_decref(pubs);
		return p->failed ? 500 : 404;
	}
	json_t *snap = json_object_get(pub, "snapshot"), *reg = json_object_get(snap, "region");
	const char *name = name_in(p, reg, "name_zh", "name_en");
	page_begin(p, name);
	h(p, 1, NULL, name);
	dt_strbuf_adds(p->out, "<p class=\"meta\">");
	esc(p, W(p, "year"));
	dt_strbuf_addf(p->out, " %lld · ",
		       (long long)json_integer_value(json_object_get(pub, "year")));
	esc(p, W(p, "published"));
	dt_strbuf_addf(p->out, " %.10s</p><dl class=\"head\"><dt>", str(pub, "published_at"));
	esc(p, W(p, "score"));
	dt_strbuf_adds(p->out, "</dt><dd>");
	num_text(p, json_object_get(snap, "score"), 1);
	dt_strbuf_adds(p->out, "</dd><dt>");
	esc(p, W(p, "rank"));
	dt_strbuf_adds(p->out, "</dt><dd>");
	rank_text(p, json_object_get(snap, "rank"), json_object_get(snap, "ranked"));
	dt_strbuf_adds(p->out, "</dd></dl>");

	/* indicators, targets, attainment */
	h(p, 2, "figures", W(p, "city.figures"));
	static const char *const h1[] = { "indicator", "value", "target", "attainment", NULL };
	table_head(p, NULL, h1);
	json_t *ind;
	size_t i;
	json_array_foreach(json_object_get(snap, "indicators"), i, ind)
	{
		dt_strbuf_adds(p->out, "<tr><th scope=\"row\">");
		esc(p, name_in(p, ind, "name_zh", "name_en"));
		dt_strbuf_adds(p->out, "</th><td>");
		value_text(p, json_object_get(ind, "value"), str(ind, "unit"));
		dt_strbuf_adds(p->out, "</td><td>");
		value_text(p, json_object_get(ind, "target"), str(ind, "unit"));
		dt_strbuf_adds(p->out, "</td><td>");
		percent_text(p, json_object_get(ind, "attainment"));
		dt_strbuf_adds(p->out, "</td></tr>");
	}
	table_end(p);

	/* the score's parts and the weights */
	h(p, 2, "parts", W(p, "city.parts"));
	para(p, W(p, "formula"));
	static const char *const h2[] = { "indicator", "weight", "attainment", "part", NULL };
	table_head(p, W(p, "weights"), h2);
	json_array_foreach(json_object_get(snap, "indicators"), i, ind)
	{
		if (!json_is_number(json_object_get(ind, "weight")) ||
		    !(json_number_value(json_object_get(ind, "weight")) > 0))
			continue;
		dt_strbuf_adds(p->out, "<tr><th scope=\"row\">");
		esc(p, name_in(p, ind, "name_zh", "name_en"));
		dt_strbuf_adds(p->out, "</th><td>");
		num_text(p, json_object_get(ind, "weight"), -1);
		dt_strbuf_adds(p->out, "</td><td>");
		percent_text(p, json_object_get(ind, "attainment"));
		dt_strbuf_adds(p->out, "</td><td>");
		num_text(p, json_object_get(ind, "part"), 2);
		dt_strbuf_adds(p->out, "</td></tr>");
	}
	table_end(p);

	/* the ranking as published with these figures */
	h(p, 2, "ranking", W(p, "city.ranking"));
	static const char *const h3[] = { "rank", "city", "score", "previous", NULL };
	table_head(p, NULL, h3);
	json_t *it;
	json_array_foreach(json_object_get(json_object_get(snap, "ranking"), "items"), i, it)
	{
		json_t *r = json_object_get(it, "region");
		bool me = !strcmp(str(r, "code"), str(reg, "code"));
		dt_strbuf_adds(p->out, me ? "<tr class=\"me\"><td>" : "<tr><td>");
		num_text(p, json_object_get(it, "rank"), 0);
		dt_strbuf_adds(p->out, "</td><th scope=\"row\">");
		esc(p, name_in(p, r, "name_zh", "name_en"));
		dt_strbuf_adds(p->out, "</th><td>");
		num_text(p, json_object_get(it, "score"), 1);
		dt_strbuf_adds(p->out, "</td><td>");
		num_text(p, json_object_get(it, "previous_score"), 1);
		dt_strbuf_adds(p->out, "</td></tr>");
	}
	table_end(p);

	h(p, 2, "inspections", W(p, "city.inspections"));
	inspections_table(p, code);
	page_end(p);
	json_decref(pubs);
	return 200;
}

/* ---- training places ---- */

static void select_of(struct dt_portal_req *p, const char *name, const char *label, json_t *facets,
		      const char *kind, const char *chosen)
{
	dt_strbuf_addf(p->out, "<p><label for=\"f-%s\">", name);
	esc(p, label);
	dt_strbuf_addf(p->out, "</label> <select id=\"f-%s\" name=\"%s\"><option value=\"\">", name,
		       name);
	esc(p, W(p, "places.any"));
	dt_strbuf_adds(p->out, "</option>");
	json_t *it;
	size_t i;
	json_array_foreach(facets, i, it)
	{
		if (strcmp(str(it, "kind"), kind))
			continue;
		dt_strbuf_adds(p->out, "<option value=\"");
		esc(p, str(it, "code"));
		dt_strbuf_adds(p->out, "\"");
		if (chosen && !strcmp(chosen, str(it, "code")))
			dt_strbuf_adds(p->out, " selected");
		dt_strbuf_adds(p->out, ">");
		esc(p, name_in(p, it, "name_zh", "name_en"));
		dt_strbuf_adds(p->out, "</option>");
	}
	dt_strbuf_adds(p->out, "</select></p>");
}

static int render_places(struct dt_portal_req *p)
{
	const char *cityq = p->param[0], *occ = p->param[1];
	int city = 0;
	if (cityq && strlen(cityq) == 6 && strspn(cityq, "0123456789") == 6)
		city = (int)strtol(cityq, NULL, 10);
	else
		cityq = NULL;
	if (occ && (!*occ || strspn(occ, "0123456789-") != strlen(occ)))
		occ = NULL;
	int year = this_year();
	json_t *facets = NULL, *rows = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_store_public_place_facets(p->store, year, &facets, &err) != DT_OK ||
	    dt_store_public_places(p->store, city, occ, year, &rows, &err) != DT_OK) {
		p->failed = true;
		dt_strbuf_release(&err);
		json_decref(facets);
		return 500;
	}
	dt_strbuf_release(&err);
	page_begin(p, W(p, "places.title"));
	h(p, 1, NULL, W(p, "places.title"));
	para(p, W(p, "places.intro"));
	dt_strbuf_addf(p->out,
		       "<form class=\"search\" method=\"get\" action=\"%s/training-places\" "
		       "role=\"search\">",
		       p->lang == DT_LANG_EN ? "/en" : "");
	if (p->care)
		dt_strbuf_adds(p->out, "<input type=\"hidden\" name=\"care\" value=\"1\">");
	select_of(p, "city", W(p, "places.city"), facets, "city", cityq);
	select_of(p, "occupation", W(p, "places.occupation"), facets, "occupation", occ);
	dt_strbuf_adds(p->out, "<p><button type=\"submit\">");
	esc(p, W(p, "places.search"));
	dt_strbuf_adds(p->out, "</button></p></form>");
	if (!json_array_size(rows)) {
		para(p, W(p, "places.none"));
	} else {
		double total = 0;
		json_t *it;
		size_t i;
		json_array_foreach(rows, i, it) total +=
			(double)json_integer_value(json_object_get(it, "places"));
		struct dt_strbuf t = DT_STRBUF_INIT, cnt = DT_STRBUF_INIT;
		count_text(&cnt, total);
		fill2(p, &t, "places.total", cnt.buf, "");
		dt_strbuf_adds(p->out, "<p class=\"total\" role=\"status\">");
		/* t is escaped already; "&lt;5" stays as written */
		dt_strbuf_adds(p->out, t.buf);
		dt_strbuf_adds(p->out, "</p>");
		dt_strbuf_release(&t);
		dt_strbuf_release(&cnt);
		static const char *const head[] = { "places.city",       "places.occupation",
						    "places.enterprise", "year",
						    "places.places",     NULL };
		table_head(p, NULL, head);
		json_array_foreach(rows, i, it)
		{
			char y[16];
			snprintf(y, sizeof(y), "%lld",
				 (long long)json_integer_value(json_object_get(it, "year")));
			dt_strbuf_adds(p->out, "<tr>");
			td(p, name_in(p, it, "city_zh", "city_en"));
			td(p, name_in(p, it, "occupation_zh", "occupation_en"));
			td(p, name_in(p, it, "enterprise", "enterprise_en"));
			td(p, y);
			dt_strbuf_adds(p->out, "<td>");
			count_text(p->out,
				   (double)json_integer_value(json_object_get(it, "places")));
			dt_strbuf_adds(p->out, "</td></tr>");
		}
		table_end(p);
	}
	page_end(p);
	json_decref(facets);
	json_decref(rows);
	return 200;
}

/* ---- the 404 page ---- */

void dt_portal_render_404(struct dt_portal_req *p)
{
	page_begin(p, W(p, "nf.title"));
	h(p, 1, NULL, W(p, "nf.title"));
	para(p, W(p, "nf.text"));
	dt_strbuf_adds(p->out, "<p><a ");
	href(p, "/");
	dt_strbuf_adds(p->out, ">");
	esc(p, W(p, "nf.home"));
	dt_strbuf_adds(p->out, "</a></p>");
	page_end(p);
}

/* ---- feed, sitemap, robots ---- */

/* A feed source appends <entry> elements (newest first is not required). */
typedef void (*feed_source_fn)(struct dt_portal_req *p);

static void entry(struct dt_portal_req *p, const char *id, const char *title, const char *link,
		  const char *updated)
{
	struct dt_strbuf *o = p->out;
	dt_strbuf_adds(o, "<entry><id>");
	esc(p, p->base);
	esc(p, id);
	dt_strbuf_adds(o, "</id><title>");
	esc(p, title);
	dt_strbuf_adds(o, "</title><link href=\"");
	esc(p, p->base);
	esc(p, link);
	dt_strbuf_adds(o, "\"/><updated>");
	esc(p, updated);
	dt_strbuf_adds(o, "</updated></entry>");
}

static void feed_publications(struct dt_portal_req *p)
{
	json_t *pubs = current(p, 0), *it;
	size_t i;
	json_array_foreach(pubs, i, it)
	{
		json_t *reg = json_object_get(json_object_get(it, "snapshot"), "region");
		char id[48], link[48], y[16];
		snprintf(id, sizeof(id), "/publications/%lld",
			 (long long)json_integer_value(json_object_get(it, "id")));
		snprintf(link, sizeof(link), "/cities/%06lld",
			 (long long)json_integer_value(json_object_get(it, "region")));
		snprintf(y, sizeof(y), "%lld",
			 (long long)json_integer_value(json_object_get(it, "year")));
		struct dt_strbuf t = DT_STRBUF_INIT;
		/* fill2 escapes; the entry escapes again: build the raw title instead */
		const char *f = W(p, "feed.pub");
		const char *x = strstr(f, "%s"), *yy = strstr(x + 2, "%s");
		dt_strbuf_add(&t, f, (size_t)(x - f));
		dt_strbuf_adds(&t, name_in(p, reg, "name_zh", "name_en"));
		dt_strbuf_add(&t, x + 2, (size_t)(yy - x - 2));
		dt_strbuf_adds(&t, y);
		dt_strbuf_adds(&t, yy + 2);
		entry(p, id, t.buf, link, str(it, "published_at"));
		dt_strbuf_release(&t);
	}
	json_decref(pubs);
}

static void feed_inspections(struct dt_portal_req *p)
{
	json_t *arr = NULL, *it;
	size_t i;
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_store_public_inspections(p->store, 0, &arr, &err) != DT_OK)
		p->failed = true;
	dt_strbuf_release(&err);
	json_array_foreach(arr, i, it)
	{
		if (i >= 50)
			break;
		char id[48];
		snprintf(id, sizeof(id), "/inspection-results#i%lld",
			 (long long)json_integer_value(json_object_get(it, "id")));
		struct dt_strbuf t = DT_STRBUF_INIT;
		const char *f = W(p, "feed.insp");
		const char *x = strstr(f, "%s"), *y = strstr(x + 2, "%s");
		dt_strbuf_add(&t, f, (size_t)(x - f));
		dt_strbuf_adds(&t, *str(it, "org_name") ? str(it, "org_name") : str(it, "title"));
		dt_strbuf_add(&t, x + 2, (size_t)(y - x - 2));
		dt_strbuf_adds(&t, str(it, "city_zh"));
		dt_strbuf_adds(&t, y + 2);
		entry(p, id, t.buf, id, str(it, "updated_at"));
		dt_strbuf_release(&t);
	}
	json_decref(arr);
}

/*
 * The feed's sources.  News, notices, policy documents and cases
 * (portal-content) add theirs here.
 */
static const feed_source_fn feed_sources[] = {
	feed_publications,
	feed_inspections,
};

static int render_feed(struct dt_portal_req *p)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	dt_strbuf_adds(p->out,
		       "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		       "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\"><title>");
	esc(p, W(p, "site"));
	dt_strbuf_adds(p->out, "</title><id>");
	esc(p, p->base);
	dt_strbuf_adds(p->out, "/</id><link rel=\"self\" href=\"");
	esc(p, p->base);
	dt_strbuf_adds(p->out, "/feed.atom\"/><link href=\"");
	esc(p, p->base);
	dt_strbuf_adds(p->out, "/\"/><updated>");
	/* the feed changes with the generation, so its time is when it was rendered */
	esc(p, now);
	dt_strbuf_adds(p->out, "</updated><author><name>");
	esc(p, W(p, "site"));
	dt_strbuf_adds(p->out, "</name></author>");
	for (size_t i = 0; i < sizeof(feed_sources) / sizeof(feed_sources[0]); i++)
		feed_sources[i](p);
	dt_strbuf_adds(p->out, "</feed>\n");
	return 200;
}

static void url(struct dt_portal_req *p, const char *path)
{
	for (int en = 0; en < 2; en++) {
		dt_strbuf_adds(p->out, "<url><loc>");
		esc(p, p->base);
		if (en)
			dt_strbuf_adds(p->out, strcmp(path, "/") ? "/en" : "/en/");
		if (!en || strcmp(path, "/"))
			esc(p, path);
		dt_strbuf_adds(p->out, "</loc></url>");
	}
}

static int render_sitemap(struct dt_portal_req *p)
{
	dt_strbuf_adds(p->out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset "
			       "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
	for (const struct dt_portal_page *pg = dt_portal_pages; pg->pattern; pg++)
		if (pg->flags & DT_PAGE_SITEMAP)
			url(p, pg->pattern);
	json_t *pubs = current(p, 0), *it;
	size_t i;
	json_array_foreach(pubs, i, it)
	{
		char path[48];
		snprintf(path, sizeof(path), "/cities/%06lld",
			 (long long)json_integer_value(json_object_get(it, "region")));
		url(p, path);
	}
	json_decref(pubs);
	dt_strbuf_adds(p->out, "</urlset>\n");
	return 200;
}

static int render_robots(struct dt_portal_req *p)
{
	dt_strbuf_adds(p->out, "User-agent: *\nAllow: /\nDisallow: /app/\nDisallow: /api/\n"
			       "Sitemap: ");
	dt_strbuf_adds(p->out, p->base);
	dt_strbuf_adds(p->out, "/sitemap.xml\n");
	return 200;
}

/* ---- the page table ---- */

const struct dt_portal_page dt_portal_pages[] = {
	{ "/", DT_PAGE_SITEMAP, DT_PAGE_HTML, { NULL }, render_home },
	{ "/cities/", DT_PAGE_PREFIX, DT_PAGE_HTML, { NULL }, render_city },
	{ "/inspection-results", DT_PAGE_SITEMAP, DT_PAGE_HTML, { NULL }, render_inspections },
	{ "/training-places",
	  DT_PAGE_SITEMAP,
	  DT_PAGE_HTML,
	  { "city", "occupation" },
	  render_places },
	{ "/feed.atom",
	  DT_PAGE_NOLANG | DT_PAGE_HOST,
	  "application/atom+xml; charset=utf-8",
	  { NULL },
	  render_feed },
	{ "/sitemap.xml",
	  DT_PAGE_NOLANG | DT_PAGE_HOST,
	  "application/xml; charset=utf-8",
	  { NULL },
	  render_sitemap },
	{ "/robots.txt",
	  DT_PAGE_NOLANG | DT_PAGE_HOST,
	  "text/plain; charset=utf-8",
	  { NULL },
	  render_robots },
	{ NULL, 0, NULL, { NULL }, NULL },
};

const struct dt_portal_page *dt_portal_find(const char *path, const char **arg)
{
	*arg = NULL;
	for (const struct dt_portal_page *pg = dt_portal_pages; pg->pattern; pg++) {
		size_t n = strlen(pg->pattern);
		if (pg->flags & DT_PAGE_PREFIX) {
			if (!strncmp(path, pg->pattern, n) && path[n] && !strchr(path + n, '/')) {
				*arg = path + n;
				return pg;
			}
		} else if (!strcmp(path, pg->pattern)) {
			return pg;
		}
	}
	return NULL;
}
