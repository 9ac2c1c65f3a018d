/*
 * pages.c - the portal's pages: the frame they share (skip link, landmarks,
 * language and care-mode switches, sign-in link), the words in Chinese and
 * English, and each page's body.  Only published or aggregated data: the
 * frozen publication snapshots (engine/publish.c), the inspection results
 * supervision made public, the places enterprises offer, and the published
 * good-practice cases, news, notices and policy documents (store/publicity.h,
 * read with file sources under /files/, which portal.c serves); a count
 * under 5 is shown as "<5".  Every text goes out through dt_portal_esc().
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

#include "core/common.h"
#include "core/date.h"
#include "core/utf8.h"
#include "domain/region.h"
#include "http/h_ui.h"
#include "portal/portal.h"
#include "portal/portal_internal.h"
#include "store/publicity.h"
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
	{ "nav.cases", "典型经验", "Good practice" },
	{ "nav.news", "新闻公告", "News and notices" },
	{ "nav.policies", "政策文件", "Policy documents" },
	{ "nav.search", "搜索", "Search" },
	{ "pager", "分页", "Pages" },
	{ "pager.prev", "上一页", "Previous page" },
	{ "pager.next", "下一页", "Next page" },
	{ "nation", "全国", "National" },
	{ "kind.case", "典型经验", "Good practice" },
	{ "kind.news", "新闻", "News" },
	{ "kind.notice", "通知公告", "Notice" },
	{ "kind.policy", "政策文件", "Policy document" },
	{ "cases.title", "典型经验", "Good practice cases" },
	{ "cases.intro", "经审核公布的双元培育典型经验，可按地区、职业和行业查找；推荐的排在前面。",
	  "Good practice in dual-track training, reviewed and published; find them by region, "
	  "occupation and industry. Featured cases come first." },
	{ "cases.region", "地区", "Region" },
	{ "cases.occupation", "职业（工种）", "Occupation" },
	{ "cases.industry", "行业", "Industry" },
	{ "cases.none", "没有符合条件的典型经验。", "No cases match." },
	{ "cases.total", "共 %s 篇", "%s in all" },
	{ "cases.back", "返回典型经验", "Back to the cases" },
	{ "case.featured", "推荐", "Featured" },
	{ "case.images", "图片", "Images" },
	{ "case.figures", "相关指标", "Figures" },
	{ "case.frozen", "以下为公布时的数据（%s 年度），不再随统计更新。",
	  "The figures as they were when the case was published (year %s); they are not updated." },
	{ "news.title", "新闻公告", "News and notices" },
	{ "news.back", "返回新闻公告", "Back to the news and notices" },
	{ "policies.title", "政策文件", "Policy documents" },
	{ "policies.back", "返回政策文件", "Back to the policy documents" },
	{ "items.none", "暂无公布的内容。", "Nothing has been published yet." },
	{ "items.total", "共 %s 条", "%s in all" },
	{ "attachments", "附件", "Attachments" },
	{ "search.title", "站内搜索", "Search" },
	{ "search.label", "关键词", "Words to find" },
	{ "search.none", "没有找到相关内容。", "Nothing found." },
	{ "home.news", "最新新闻公告", "Latest news and notices" },
	{ "home.news.all", "全部新闻公告", "All news and notices" },
	{ "home.cases", "推荐典型经验", "Featured good practice" },
	{ "home.cases.all", "全部典型经验", "All good practice cases" },
	{ "city.cases", "本地典型经验", "Good practice here" },
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

/* The "%s ... %s" text @f with @a and @b in place, as it is (not escaped), into @t. */
static void fill_raw(struct dt_strbuf *t, const char *f, const char *a, const char *b)
{
	const char *x = strstr(f, "%s"), *y = x ? strstr(x + 2, "%s") : NULL;
	if (x) {
		dt_strbuf_add(t, f, (size_t)(x - f));
		dt_strbuf_adds(t, a);
		if (y) {
			dt_strbuf_add(t, x + 2, (size_t)(y - x - 2));
			dt_strbuf_adds(t, b);
			dt_strbuf_adds(t, y + 2);
		} else {
			dt_strbuf_adds(t, x + 2);
		}
	} else {
		dt_strbuf_adds(t, f);
	}
}

/* A "%s ... %s" text of the word table with @a and @b, escaped, into @out. */
static void fill2(struct dt_portal_req *p, struct dt_strbuf *out, const char *key, const char *a,
		  const char *b)
{
	struct dt_strbuf t = DT_STRBUF_INIT;
	fill_raw(&t, W(p, key), a, b);
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
	static const char *const nav[][2] = {
		{ "/", "nav.home" },
		{ "/cases", "nav.cases" },
		{ "/news", "nav.news" },
		{ "/policies", "nav.policies" },
		{ "/inspection-results", "nav.inspections" },
		{ "/training-places", "nav.places" },
		{ "/search", "nav.search" },
	};
	for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
		size_t nl = strlen(nav[i][0]);
		dt_strbuf_adds(o, "<li><a ");
		href(p, nav[i][0]);
		if (!strcmp(p->path, nav[i][0]) ||
		    (nl > 1 && !strncmp(p->path, nav[i][0], nl) && p->path[nl] == '/'))
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

/* ---- good-practice cases, news, notices, policy documents, search ---- */

#define PUB_PAGE 10           /* rows per page of a list */
#define FILE_PREFIX "/files/" /* public files: portal.c serves them */

/* @s percent-encoded for a query value into @out (unreserved bytes kept). */
static void qenc(struct dt_strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~')
			dt_strbuf_addch(out, ch);
		else
			dt_strbuf_addf(out, "%%%02X", ch);
	}
}

/* A positive decimal id of at most 15 digits, or 0. */
static int64_t id_of(const char *a)
{
	if (!a || !*a || strlen(a) > 15 || strspn(a, "0123456789") != strlen(a) || a[0] == '0')
		return 0;
	return (int64_t)strtoll(a, NULL, 10);
}

/* The 1-based page of parameter @v (1 when absent or bad). */
static int page_of(const char *v)
{
	int64_t n = id_of(v);
	return n > 0 && n <= 100000 ? (int)n : 1;
}

/* "YYYY-MM-DD" of a time text */
static void date_text(struct dt_portal_req *p, json_t *o, const char *k)
{
	dt_strbuf_addf(p->out, "%.10s", str(o, k));
}

/* A store read's failure: 404 for a missing (or unpublished) record, 500 otherwise. */
static int read_failed(struct dt_portal_req *p, int rc)
{
	if (rc == DT_ENOTFOUND)
		return 404;
	p->failed = true;
	return 500;
}

/* "共 N 条" with the count under 5 as "<5" */
static void total_line(struct dt_portal_req *p, const char *key, int64_t total)
{
	struct dt_strbuf t = DT_STRBUF_INIT, cnt = DT_STRBUF_INIT;
	count_text(&cnt, (double)total);
	/* fill2 escapes: "<5" is put in after */
	fill2(p, &t, key, "\x01", "");
	dt_strbuf_adds(p->out, "<p class=\"total\" role=\"status\">");
	const char *m = strchr(t.buf, '\x01');
	if (m) {
		dt_strbuf_add(p->out, t.buf, (size_t)(m - t.buf));
		dt_strbuf_adds(p->out, cnt.buf);
		dt_strbuf_adds(p->out, m + 1);
	} else {
		dt_strbuf_adds(p->out, t.buf);
	}
	dt_strbuf_adds(p->out, "</p>");
	dt_strbuf_release(&t);
	dt_strbuf_release(&cnt);
}

/* Previous/next links of a list at @base (with its query, or none) on page @page. */
static void pager(struct dt_portal_req *p, const char *base, int page, int64_t total)
{
	int pages = (int)((total + PUB_PAGE - 1) / PUB_PAGE);
	if (pages <= 1)
		return;
	dt_strbuf_adds(p->out, "<nav class=\"pager\" aria-label=\"");
	esc(p, W(p, "pager"));
	dt_strbuf_adds(p->out, "\"><ul>");
	for (int d = -1; d <= 1; d += 2) {
		int to = page + d;
		if (to < 1 || to > pages)
			continue;
		struct dt_strbuf u = DT_STRBUF_INIT;
		dt_strbuf_addf(&u, "%s%spage=%d", base, strchr(base, '?') ? "&" : "?", to);
		dt_strbuf_adds(p->out, "<li><a ");
		href(p, u.buf);
		dt_strbuf_addf(p->out, " rel=\"%s\">", d < 0 ? "prev" : "next");
		esc(p, W(p, d < 0 ? "pager.prev" : "pager.next"));
		dt_strbuf_adds(p->out, "</a></li>");
		dt_strbuf_release(&u);
	}
	dt_strbuf_addf(p->out, "</ul><p>%d / %d</p></nav>", page, pages);
}

/* One case of a list as a card: title link, summary, where and when. */
/*
 * A search hit's excerpt (dt_store_publicity_search), the words searched
 * for (the search page's first parameter) marked; nothing for a card that
 * is no search hit.
 */
static void excerpt(struct dt_portal_req *p, json_t *c)
{
	const char *ex = json_string_value(json_object_get(c, "excerpt")), *q = p->param[0];
	if (!ex || !q || !*q)
		return;
	const char *at = dt_utf8_find(ex, q);
	dt_strbuf_adds(p->out, "<p class=\"excerpt\">");
	if (!at) {
		esc(p, ex);
	} else {
		size_t n = strlen(q);
		struct dt_strbuf part = DT_STRBUF_INIT;
		dt_strbuf_add(&part, ex, (size_t)(at - ex));
		esc(p, part.buf ? part.buf : "");
		dt_strbuf_reset(&part);
		dt_strbuf_add(&part, at, n);
		dt_strbuf_adds(p->out, "<mark>");
		esc(p, part.buf);
		dt_strbuf_adds(p->out, "</mark>");
		esc(p, at + n);
		dt_strbuf_release(&part);
	}
	dt_strbuf_adds(p->out, "</p>");
}

/* The link path of case @c: /cases/ID */
static void case_path(json_t *c, char *path, size_t n)
{
	snprintf(path, n, "/cases/%lld", (long long)json_integer_value(json_object_get(c, "id")));
}

static void case_card(struct dt_portal_req *p, json_t *c, int level)
{
	char path[48];
	case_path(c, path, sizeof(path));
	dt_strbuf_addf(p->out, "<li class=\"card\"><h%d><a ", level);
	href(p, path);
	dt_strbuf_adds(p->out, ">");
	esc(p, str(c, "title"));
	dt_strbuf_addf(p->out, "</a></h%d>", level);
	if (json_is_true(json_object_get(c, "featured"))) {
		dt_strbuf_adds(p->out, "<p class=\"badge\">");
		esc(p, W(p, "case.featured"));
		dt_strbuf_adds(p->out, "</p>");
	}
	para(p, str(c, "summary"));
	excerpt(p, c);
	dt_strbuf_adds(p->out, "<p class=\"meta\">");
	esc(p, W(p, "kind.case"));
	if (*str(c, "region_name")) {
		dt_strbuf_adds(p->out, " · ");
		esc(p, str(c, "region_name"));
	}
	if (*str(c, "org_name")) {
		dt_strbuf_adds(p->out, " · ");
		esc(p, str(c, "org_name"));
	}
	dt_strbuf_adds(p->out, " · ");
	date_text(p, c, "published_at");
	dt_strbuf_adds(p->out, "</p></li>");
}

/* The link path of item @it: /news/ID or /policies/ID */
static void item_path(json_t *it, char *path, size_t n)
{
	snprintf(path, n, "%s/%lld", strcmp(str(it, "kind"), "policy") ? "/news" : "/policies",
		 (long long)json_integer_value(json_object_get(it, "id")));
}

static void item_row(struct dt_portal_req *p, json_t *it, int level)
{
	char path[48], kind[32];
	item_path(it, path, sizeof(path));
	snprintf(kind, sizeof(kind), "kind.%s", str(it, "kind"));
	dt_strbuf_addf(p->out, "<li class=\"card\"><h%d><a ", level);
	href(p, path);
	dt_strbuf_adds(p->out, ">");
	esc(p, str(it, "title"));
	dt_strbuf_addf(p->out, "</a></h%d><p class=\"meta\">", level);
	esc(p, W(p, kind));
	if (*str(it, "doc_no")) {
		dt_strbuf_adds(p->out, " · ");
		esc(p, str(it, "doc_no"));
	}
	if (*str(it, "region_name") || json_is_null(json_object_get(it, "region"))) {
		dt_strbuf_adds(p->out, " · ");
		esc(p, *str(it, "region_name") ? str(it, "region_name") : W(p, "nation"));
	}
	dt_strbuf_adds(p->out, " · ");
	date_text(p, it, "published_at");
	dt_strbuf_adds(p->out, "</p>");
	if (*str(it, "summary"))
		para(p, str(it, "summary"));
	excerpt(p, it);
	dt_strbuf_adds(p->out, "</li>");
}

/*
 * The name of occupation @code in the page's language (the reference data
 * of the occupation table, public), or the code when it is unknown; kept
 * in @names (code -> {name_zh, name_en}) for the rest of the render.
 */
static const char *occ_name(struct dt_portal_req *p, json_t *names, const char *code)
{
	json_t *o = json_object_get(names, code);
	if (!o) {
		int64_t id = 0;
		struct dt_strbuf err = DT_STRBUF_INIT;
		struct dt_scope all = { 0 };
		if (dt_store_occupation_by_code(p->store, code, &id, &err) != DT_OK ||
		    dt_store_get(p->store, &all, "occupation", id, 0, &o, &err) != DT_OK)
			o = json_object();
		dt_strbuf_release(&err);
		json_object_set_new(names, code, o);
	}
	const char *n = name_in(p, o, "name_zh", "name_en");
	return *n ? n : code;
}

/* The distinct values of the published cases for the filters: <option>s. */
static void case_options(struct dt_portal_req *p, json_t *all, const char *name, const char *chosen)
{
	json_t *seen = json_object(), *names = json_object(), *c;
	size_t i;
	json_array_foreach(all, i, c)
	{
		json_t *vals = json_array();
		if (!strcmp(name, "region"))
			json_array_append_new(
				vals, json_pack("[s,s]", str(c, "region"), str(c, "region_name")));
		else if (!strcmp(name, "industry") && *str(c, "industry"))
			json_array_append_new(
				vals, json_pack("[s,s]", str(c, "industry"), str(c, "industry")));
		else if (!strcmp(name, "occupation")) {
			json_t *o;
			size_t k;
			json_array_foreach(json_object_get(c, "occupations"), k, o)
			{
				const char *code = json_string_value(o);
				if (code)
					json_array_append_new(
						vals,
						json_pack("[s,s]", code, occ_name(p, names, code)));
			}
		}
		json_t *v;
		size_t k;
		json_array_foreach(vals, k, v)
		{
			const char *code = json_string_value(json_array_get(v, 0));
			if (!code || !*code || json_object_get(seen, code))
				continue;
			json_object_set(seen, code, json_array_get(v, 1));
			dt_strbuf_adds(p->out, "<option value=\"");
			esc(p, code);
			dt_strbuf_adds(p->out, "\"");
			if (chosen && !strcmp(chosen, code))
				dt_strbuf_adds(p->out, " selected");
			dt_strbuf_adds(p->out, ">");
			esc(p, json_string_value(json_array_get(v, 1)));
			dt_strbuf_adds(p->out, "</option>");
		}
		json_decref(vals);
	}
	json_decref(seen);
	json_decref(names);
}

static void case_select(struct dt_portal_req *p, json_t *all, const char *name, const char *chosen)
{
	char key[32];
	snprintf(key, sizeof(key), "cases.%s", name);
	dt_strbuf_addf(p->out, "<p><label for=\"f-%s\">", name);
	esc(p, W(p, key));
	dt_strbuf_addf(p->out, "</label> <select id=\"f-%s\" name=\"%s\"><option value=\"\">", name,
		       name);
	esc(p, W(p, "places.any"));
	dt_strbuf_adds(p->out, "</option>");
	case_options(p, all, name, chosen);
	dt_strbuf_adds(p->out, "</select></p>");
}

static int render_cases(struct dt_portal_req *p)
{
	const char *regq = p->param[0], *occ = p->param[1], *ind = p->param[2];
	int page = page_of(p->param[3]);
	struct dt_pub_filter flt = { .limit = PUB_PAGE, .offset = (page - 1) * PUB_PAGE };
	if (regq && strlen(regq) == 6 && strspn(regq, "0123456789") == 6)
		flt.region = (int)strtol(regq, NULL, 10);
	else
		regq = NULL;
	if (occ && (!*occ || strspn(occ, "0123456789-") != strlen(occ)))
		occ = NULL;
	if (ind && !*ind)
		ind = NULL;
	flt.occupation = occ;
	flt.industry = ind;
	struct dt_pub_filter any = { .limit = DT_PUB_PAGE_MAX };
	json_t *all = NULL, *rows = NULL;
	int64_t total = 0, n_all = 0;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = dt_store_pub_cases(p->store, &any, &all, &n_all, &err);
	if (rc == DT_OK)
		rc = dt_store_pub_cases(p->store, &flt, &rows, &total, &err);
	dt_strbuf_release(&err);
	if (rc != DT_OK) {
		json_decref(all);
		p->failed = true;
		return 500;
	}
	page_begin(p, W(p, "cases.title"));
	h(p, 1, NULL, W(p, "cases.title"));
	para(p, W(p, "cases.intro"));
	dt_strbuf_addf(p->out,
		       "<form class=\"search\" method=\"get\" action=\"%s/cases\" role=\"search\">",
		       p->lang == DT_LANG_EN ? "/en" : "");
	if (p->care)
		dt_strbuf_adds(p->out, "<input type=\"hidden\" name=\"care\" value=\"1\">");
	case_select(p, all, "region", regq);
	case_select(p, all, "occupation", occ);
	case_select(p, all, "industry", ind);
	dt_strbuf_adds(p->out, "<p><button type=\"submit\">");
	esc(p, W(p, "places.search"));
	dt_strbuf_adds(p->out, "</button></p></form>");
	if (!json_array_size(rows)) {
		para(p, W(p, "cases.none"));
	} else {
		total_line(p, "cases.total", total);
		dt_strbuf_adds(p->out, "<ul class=\"cards list\">");
		json_t *c;
		size_t i;
		json_array_foreach(rows, i, c) case_card(p, c, 2);
		dt_strbuf_adds(p->out, "</ul>");
		struct dt_strbuf base = DT_STRBUF_INIT;
		dt_strbuf_adds(&base, "/cases?");
		if (regq)
			dt_strbuf_addf(&base, "region=%s&", regq);
		if (occ) {
			dt_strbuf_adds(&base, "occupation=");
			qenc(&base, occ);
			dt_strbuf_addch(&base, '&');
		}
		if (ind) {
			dt_strbuf_adds(&base, "industry=");
			qenc(&base, ind);
			dt_strbuf_addch(&base, '&');
		}
		dt_strbuf_setlen(&base, base.len - 1);
		pager(p, base.buf, page, total);
		dt_strbuf_release(&base);
	}
	page_end(p);
	json_decref(all);
	json_decref(rows);
	return 200;
}

/* The files of @arr [{hash, name, mime, size}] as a list of links. */
static void file_list(struct dt_portal_req *p, json_t *arr)
{
	json_t *f;
	size_t i;
	dt_strbuf_adds(p->out, "<ul class=\"files\">");
	json_array_foreach(arr, i, f)
	{
		dt_strbuf_adds(p->out, "<li><a href=\"" FILE_PREFIX);
		esc(p, str(f, "hash"));
		dt_strbuf_adds(p->out, "\">");
		esc(p, str(f, "name"));
		dt_strbuf_addf(p->out, "</a> <span class=\"meta\">(%s, %.0f KB)</span></li>",
			       strcmp(str(f, "mime"), "application/pdf") ? "image" : "PDF",
			       ceil((double)json_integer_value(json_object_get(f, "size")) / 1024));
	}
	dt_strbuf_adds(p->out, "</ul>");
}

static int render_case(struct dt_portal_req *p)
{
	int64_t id = id_of(p->arg);
	if (!id)
		return 404;
	json_t *c = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = dt_store_pub_case(p->store, id, FILE_PREFIX, &c, &err);
	dt_strbuf_release(&err);
	if (rc != DT_OK)
		return read_failed(p, rc);
	page_begin(p, str(c, "title"));
	dt_strbuf_adds(p->out, "<article><h1>");
	esc(p, str(c, "title"));
	dt_strbuf_adds(p->out, "</h1><p class=\"meta\">");
	esc(p, str(c, "region_name"));
	if (*str(c, "org_name")) {
		dt_strbuf_adds(p->out, " · ");
		esc(p, str(c, "org_name"));
	}
	if (*str(c, "industry")) {
		dt_strbuf_adds(p->out, " · ");
		esc(p, str(c, "industry"));
	}
	json_t *names = json_object(), *o;
	size_t k;
	json_array_foreach(json_object_get(c, "occupations"), k, o)
	{
		if (!json_is_string(o))
			continue;
		dt_strbuf_adds(p->out, " · ");
		esc(p, occ_name(p, names, json_string_value(o)));
	}
	json_decref(names);
	dt_strbuf_adds(p->out, " · ");
	esc(p, W(p, "published"));
	dt_strbuf_adds(p->out, " ");
	date_text(p, c, "published_at");
	dt_strbuf_adds(p->out, "</p><p class=\"lead\">");
	esc(p, str(c, "summary"));
	/* the store's Markdown rendering: safe HTML (core/markdown.c), images under /files/ */
	dt_strbuf_adds(p->out, "</p><div class=\"prose\">");
	dt_strbuf_adds(p->out, str(c, "html"));
	dt_strbuf_adds(p->out, "</div>");
	json_t *imgs = json_object_get(c, "images"), *f;
	size_t i;
	if (json_array_size(imgs)) {
		h(p, 2, "images", W(p, "case.images"));
		dt_strbuf_adds(p->out, "<ul class=\"gallery\">");
		json_array_foreach(imgs, i, f)
		{
			dt_strbuf_adds(p->out, "<li><figure><img src=\"" FILE_PREFIX);
			esc(p, str(f, "hash"));
			dt_strbuf_adds(p->out, "\" alt=\"");
			esc(p, str(f, "name"));
			dt_strbuf_adds(p->out, "\" loading=\"lazy\"><figcaption>");
			esc(p, str(f, "name"));
			dt_strbuf_adds(p->out, "</figcaption></figure></li>");
		}
		dt_strbuf_adds(p->out, "</ul>");
	}
	json_t *fr = json_object_get(c, "frozen");
	if (json_array_size(json_object_get(fr, "indicators"))) {
		char y[16];
		snprintf(y, sizeof(y), "%lld",
			 (long long)json_integer_value(json_object_get(fr, "year")));
		h(p, 2, "figures", W(p, "case.figures"));
		struct dt_strbuf cap = DT_STRBUF_INIT;
		fill2(p, &cap, "case.frozen", y, "");
		dt_strbuf_adds(p->out, "<p>");
		dt_strbuf_adds(p->out, cap.buf);
		dt_strbuf_adds(p->out, "</p>");
		dt_strbuf_release(&cap);
		static const char *const hd[] = { "indicator", "value", NULL };
		table_head(p, NULL, hd);
		json_t *ind;
		json_array_foreach(json_object_get(fr, "indicators"), i, ind)
		{
			dt_strbuf_adds(p->out, "<tr><th scope=\"row\">");
			esc(p, name_in(p, ind, "name_zh", "name_en"));
			dt_strbuf_adds(p->out, "</th><td>");
			value_text(p, json_object_get(ind, "value"), str(ind, "unit"));
			dt_strbuf_adds(p->out, "</td></tr>");
		}
		table_end(p);
	}
	dt_strbuf_adds(p->out, "</article><p><a ");
	href(p, "/cases");
	dt_strbuf_adds(p->out, ">");
	esc(p, W(p, "cases.back"));
	dt_strbuf_adds(p->out, "</a></p>");
	page_end(p);
	json_decref(c);
	return 200;
}

/* /news (news and notices) or /policies: a paged list of published items of @kind. */
static int items_page(struct dt_portal_req *p, const char *kind, const char *title,
		      const char *base)
{
	int page = page_of(p->param[0]);
	struct dt_pub_filter flt = { .kind = kind,
				     .limit = PUB_PAGE,
				     .offset = (page - 1) * PUB_PAGE };
	json_t *rows = NULL;
	int64_t total = 0;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = dt_store_pub_items(p->store, &flt, &rows, &total, &err);
	dt_strbuf_release(&err);
	if (rc != DT_OK) {
		p->failed = true;
		return 500;
	}
	page_begin(p, W(p, title));
	h(p, 1, NULL, W(p, title));
	if (!json_array_size(rows)) {
		para(p, W(p, "items.none"));
	} else {
		total_line(p, "items.total", total);
		dt_strbuf_adds(p->out, "<ul class=\"cards list\">");
		json_t *it;
		size_t i;
		json_array_foreach(rows, i, it) item_row(p, it, 2);
		dt_strbuf_adds(p->out, "</ul>");
		pager(p, base, page, total);
	}
	page_end(p);
	json_decref(rows);
	return 200;
}

static int render_news(struct dt_portal_req *p)
{
	return items_page(p, "news,notice", "news.title", "/news");
}

static int render_policies(struct dt_portal_req *p)
{
	return items_page(p, "policy", "policies.title", "/policies");
}

/* /news/ID or /policies/ID: item @p->arg when its kind is @policy's. */
static int item_page(struct dt_portal_req *p, bool policy)
{
	int64_t id = id_of(p->arg);
	if (!id)
		return 404;
	json_t *it = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = dt_store_pub_item(p->store, id, FILE_PREFIX, &it, &err);
	dt_strbuf_release(&err);
	if (rc != DT_OK)
		return read_failed(p, rc);
	if (policy != !strcmp(str(it, "kind"), "policy")) {
		json_decref(it);
		return 404;
	}
	char kind[32];
	snprintf(kind, sizeof(kind), "kind.%s", str(it, "kind"));
	page_begin(p, str(it, "title"));
	dt_strbuf_adds(p->out, "<article><h1>");
	esc(p, str(it, "title"));
	dt_strbuf_adds(p->out, "</h1><p class=\"meta\">");
	esc(p, W(p, kind));
	if (*str(it, "doc_no")) {
		dt_strbuf_adds(p->out, " · ");
		esc(p, str(it, "doc_no"));
	}
	dt_strbuf_adds(p->out, " · ");
	esc(p, *str(it, "region_name") ? str(it, "region_name") : W(p, "nation"));
	dt_strbuf_adds(p->out, " · ");
	esc(p, W(p, "published"));
	dt_strbuf_adds(p->out, " ");
	date_text(p, it, "published_at");
	dt_strbuf_adds(p->out, "</p>");
	if (*str(it, "summary")) {
		dt_strbuf_adds(p->out, "<p class=\"lead\">");
		esc(p, str(it, "summary"));
		dt_strbuf_adds(p->out, "</p>");
	}
	dt_strbuf_adds(p->out, "<div class=\"prose\">");
	dt_strbuf_adds(p->out, str(it, "html"));
	dt_strbuf_adds(p->out, "</div>");
	if (json_array_size(json_object_get(it, "attachments"))) {
		h(p, 2, "attachments", W(p, "attachments"));
		file_list(p, json_object_get(it, "attachments"));
	}
	dt_strbuf_adds(p->out, "</article><p><a ");
	href(p, policy ? "/policies" : "/news");
	dt_strbuf_adds(p->out, ">");
	esc(p, W(p, policy ? "policies.back" : "news.back"));
	dt_strbuf_adds(p->out, "</a></p>");
	page_end(p);
	json_decref(it);
	return 200;
}

static int render_news_item(struct dt_portal_req *p)
{
	return item_page(p, false);
}

static int render_policy(struct dt_portal_req *p)
{
	return item_page(p, true);
}

static int render_search(struct dt_portal_req *p)
{
	const char *q = p->param[0];
	json_t *rows = NULL;
	if (q && *q) {
		struct dt_strbuf err = DT_STRBUF_INIT;
		int rc = dt_store_pub_search(p->store, q, 50, &rows, &err);
		dt_strbuf_release(&err);
		if (rc != DT_OK && rc != DT_EINVAL) {
			p->failed = true;
			return 500;
		}
	}
	page_begin(p, W(p, "search.title"));
	h(p, 1, NULL, W(p, "search.title"));
	dt_strbuf_addf(p->out,
		       "<form class=\"search\" method=\"get\" action=\"%s/search\" "
		       "role=\"search\"><p><label for=\"f-q\">",
		       p->lang == DT_LANG_EN ? "/en" : "");
	esc(p, W(p, "search.label"));
	dt_strbuf_adds(p->out, "</label> <input id=\"f-q\" name=\"q\" type=\"search\" "
			       "maxlength=\"64\" value=\"");
	esc(p, q);
	dt_strbuf_adds(p->out, "\">");
	if (p->care)
		dt_strbuf_adds(p->out, "<input type=\"hidden\" name=\"care\" value=\"1\">");
	dt_strbuf_adds(p->out, " <button type=\"submit\">");
	esc(p, W(p, "places.search"));
	dt_strbuf_adds(p->out, "</button></p></form>");
	if (q && *q) {
		if (!json_array_size(rows)) {
			para(p, W(p, "search.none"));
		} else {
			total_line(p, "items.total", (int64_t)json_array_size(rows));
			dt_strbuf_adds(p->out, "<ul class=\"cards list\">");
			json_t *r;
			size_t i;
			json_array_foreach(rows, i, r)
			{
				if (!strcmp(str(r, "type"), "case")) {
					case_card(p, r, 2);
				} else {
					json_t *it = json_deep_copy(r);
					json_object_set(it, "kind", json_object_get(r, "type"));
					item_row(p, it, 2);
					json_decref(it);
				}
			}
			dt_strbuf_adds(p->out, "</ul>");
		}
	}
	page_end(p);
	json_decref(rows);
	return 200;
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

/* The latest five published news and notices; nothing when none. */
static void slot_latest_news(struct dt_portal_req *p)
{
	struct dt_pub_filter flt = { .kind = "news,notice", .limit = 5 };
	json_t *rows = NULL, *it;
	int64_t total = 0;
	size_t i;
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_store_pub_items(p->store, &flt, &rows, &total, &err) != DT_OK)
		p->failed = true;
	dt_strbuf_release(&err);
	if (json_array_size(rows)) {
		h(p, 2, "news", W(p, "home.news"));
		dt_strbuf_adds(p->out, "<ul class=\"cards list\">");
		json_array_foreach(rows, i, it) item_row(p, it, 3);
		dt_strbuf_adds(p->out, "</ul><p><a ");
		href(p, "/news");
		dt_strbuf_adds(p->out, ">");
		esc(p, W(p, "home.news.all"));
		dt_strbuf_adds(p->out, "</a></p>");
	}
	json_decref(rows);
}

/* The featured published cases (the list puts them first), at most six; nothing when none. */
static void slot_featured_cases(struct dt_portal_req *p)
{
	struct dt_pub_filter flt = { .limit = 6 };
	json_t *rows = NULL, *c;
	int64_t total = 0;
	size_t i, shown = 0;
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_store_pub_cases(p->store, &flt, &rows, &total, &err) != DT_OK)
		p->failed = true;
	dt_strbuf_release(&err);
	json_array_foreach(rows, i, c)
	{
		if (!json_is_true(json_object_get(c, "featured")))
			break;
		if (!shown++) {
			h(p, 2, "cases", W(p, "home.cases"));
			dt_strbuf_adds(p->out, "<ul class=\"cards\">");
		}
		case_card(p, c, 3);
	}
	if (shown) {
		dt_strbuf_adds(p->out, "</ul><p><a ");
		href(p, "/cases");
		dt_strbuf_adds(p->out, ">");
		esc(p, W(p, "home.cases.all"));
		dt_strbuf_adds(p->out, "</a></p>");
	}
	json_decref(rows);
}

/*
 * The home page's sections in order: the pilot cities, the latest news and
 * notices, the featured cases.  A slot with nothing published writes
 * nothing at all (no heading, no placeholder, no link).
 */
static const home_slot_fn home_slots[] = {
	slot_cities,
	slot_latest_news,
	slot_featured_cases,
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

/* The published cases of city @code (and below it); nothing when none. */
static void city_cases(struct dt_portal_req *p, int code)
{
	struct dt_pub_filter flt = { .region = code, .limit = DT_PUB_PAGE_MAX };
	json_t *rows = NULL, *c;
	int64_t total = 0;
	size_t i;
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_store_pub_cases(p->store, &flt, &rows, &total, &err) != DT_OK)
		p->failed = true;
	dt_strbuf_release(&err);
	if (json_array_size(rows)) {
		h(p, 2, "cases", W(p, "city.cases"));
		dt_strbuf_adds(p->out, "<ul class=\"cards list\">");
		json_array_foreach(rows, i, c) case_card(p, c, 3);
		dt_strbuf_adds(p->out, "</ul>");
	}
	json_decref(rows);
}

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
	city_cases(p, code);
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
		/* the entry escapes: the raw title */
		fill_raw(&t, W(p, "feed.pub"), name_in(p, reg, "name_zh", "name_en"), y);
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
		fill_raw(&t, W(p, "feed.insp"),
			 *str(it, "org_name") ? str(it, "org_name") : str(it, "title"),
			 str(it, "city_zh"));
		entry(p, id, t.buf, id, str(it, "updated_at"));
		dt_strbuf_release(&t);
	}
	json_decref(arr);
}

/* What is published with a page of its own: cases, and news, notices and policy documents. */
static const struct published {
	enum dt_err (*list)(struct dt_store *s, const struct dt_pub_filter *flt, json_t **items,
			    int64_t *total, struct dt_strbuf *err);
	void (*path)(json_t *row, char *path, size_t n);
} published[] = {
	{ dt_store_pub_cases, case_path },
	{ dt_store_pub_items, item_path },
};

/* The newest 50 of each kind published. */
static void feed_published(struct dt_portal_req *p)
{
	for (size_t k = 0; k < DT_ARRAY_SIZE(published) && !p->failed; k++) {
		struct dt_pub_filter flt = { .limit = 50 };
		json_t *rows = NULL, *row;
		int64_t total = 0;
		size_t i;
		struct dt_strbuf err = DT_STRBUF_INIT;
		if (published[k].list(p->store, &flt, &rows, &total, &err) != DT_OK)
			p->failed = true;
		dt_strbuf_release(&err);
		json_array_foreach(rows, i, row)
		{
			char path[48];
			published[k].path(row, path, sizeof(path));
			entry(p, path, str(row, "title"), path, str(row, "published_at"));
		}
		json_decref(rows);
	}
}

/* The feed's sources. */
static const feed_source_fn feed_sources[] = {
	feed_publications,
	feed_inspections,
	feed_published,
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
	for (size_t i = 0; i < DT_ARRAY_SIZE(feed_sources); i++)
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
	for (size_t k = 0; k < DT_ARRAY_SIZE(published) && !p->failed; k++) {
		struct dt_pub_filter flt = { .limit = DT_PUB_PAGE_MAX };
		int64_t total = 0;
		do {
			json_t *rows = NULL, *row;
			struct dt_strbuf err = DT_STRBUF_INIT;
			int rc = published[k].list(p->store, &flt, &rows, &total, &err);
			dt_strbuf_release(&err);
			if (rc != DT_OK) {
				p->failed = true;
				break;
			}
			json_array_foreach(rows, i, row)
			{
				char path[48];
				published[k].path(row, path, sizeof(path));
				url(p, path);
			}
			size_t got = json_array_size(rows);
			json_decref(rows);
			if (!got)
				break;
			flt.offset += (int)got;
		} while (flt.offset < total);
	}
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
	{ "/cases",
	  DT_PAGE_SITEMAP,
	  DT_PAGE_HTML,
	  { "region", "occupation", "industry", "page" },
	  render_cases },
	{ "/cases/", DT_PAGE_PREFIX, DT_PAGE_HTML, { NULL }, render_case },
	{ "/news", DT_PAGE_SITEMAP, DT_PAGE_HTML, { "page" }, render_news },
	{ "/news/", DT_PAGE_PREFIX, DT_PAGE_HTML, { NULL }, render_news_item },
	{ "/policies", DT_PAGE_SITEMAP, DT_PAGE_HTML, { "page" }, render_policies },
	{ "/policies/", DT_PAGE_PREFIX, DT_PAGE_HTML, { NULL }, render_policy },
	{ "/search", 0, DT_PAGE_HTML, { "q" }, render_search },
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
