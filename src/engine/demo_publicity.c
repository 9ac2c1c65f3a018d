/*
 * demo_publicity.c - a year of publicity in the demo pilot (issue 15):
 * good-practice cases of several pilot cities, published over the past
 * year with their indicators frozen (two featured), others at each step of
 * review, and the news, notices and policy documents of the nation, the
 * province and its cities.  Written through the store and the engine as the
 * API writes them (unrestricted, as the CLI is), each on its own day.
 */
#include "core/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/demo_internal.h"
#include "engine/demo_supervision.h"
#include "engine/publicity.h"
#include "core/banned.h"

struct pub {
	struct dt_store *s;
	const struct dt_actor *a;
	struct dt_strbuf *err;
	struct dt_date today;
	struct dt_demo_pub_stats *st;
	json_t *occs; /* occupation codes */
	unsigned files;
};

/* Upload a photo (@pdf false) or a PDF; *@hash its hash. */
static enum dt_err upload(struct pub *p, bool pdf, const char *name, char hash[65])
{
	struct dt_strbuf data = DT_STRBUF_INIT;
	json_t *out = NULL;
	int rc = DT_OK;
	unsigned k = 100 + ++p->files;
	if (pdf)
		dt_demo_pdf("Policy document of the dual-track training pilot", &data);
	else if (!dt_demo_png(k, &data))
		rc = dt_error(p->err, DT_ENOMEM, "demo: cannot make a PNG");
	if (rc == DT_OK)
		rc = dt_store_attachment_put(p->s, p->a, NULL, (const unsigned char *)data.buf,
					     data.len, name, &out, p->err);
	if (rc == DT_OK)
		snprintf(hash, 65, "%s", json_string_value(json_object_get(out, "hash")));
	json_decref(out);
	dt_strbuf_release(&data);
	return rc;
}

/* Writes on the day @days_ago before today. */
static void on_day(struct pub *p, int days_ago)
{
	struct dt_date d = dt_date_add_days(p->today, -days_ago);
	dt_store_set_today(p->s, &d);
}

static const char *const themes[][2] = {
	{ "校企共建产业学院，订单培养高技能人才",
	  "职业院校与龙头企业共建产业学院，按岗位标准共同制定培养方案，学员在企业完成一半以上学时。" },
	{ "企业导师“师带徒”制度化",
	  "建立企业导师遴选、考核与津贴制度，每名导师带徒不超过四人，带徒成效纳入绩效。" },
	{ "工学交替，学时记录全程留痕",
	  "学员在校学习与在岗培训按月交替，培养手册逐日记录并由双导师签核。" },
	{ "结业考核与职业技能等级认定衔接",
	  "结业考核与职业技能等级认定同步组织，考核通过即取得相应等级证书。" },
	{ "政府补贴直达企业，带动中小企业参与",
	  "按在训学员人数向培养企业拨付补贴，中小企业参与率明显提高。" },
};

/* A case of @region (@org 0: the city's own) made and taken along @steps. */
static enum dt_err one_case(struct pub *p, int region, int64_t org, int theme, const char *city,
			    const char *const *steps, int days_ago, bool image, bool feature)
{
	char title[256], hash[65] = "", body[2048];
	int rc = DT_OK;
	on_day(p, days_ago + 20);
	if (image && (rc = upload(p, false, "现场照片.png", hash)) != DT_OK)
		return rc;
	snprintf(title, sizeof(title), "%s：%s", city, themes[theme][0]);
	snprintf(body, sizeof(body),
		 "## 做法\n\n%s\n\n- 校企联合招生招工，学员签订三方培养合同；\n"
		 "- 企业与学校**双导师**共同指导；\n- 培养过程纳入试点平台监测。\n\n"
		 "## 成效\n\n企业学时占比、结业考核通过率稳步提高，详见下方指标。\n\n%s%s%s\n",
		 themes[theme][1], *hash ? "![现场照片](/api/v1/attachments/" : "", hash,
		 *hash ? ")" : "");
	json_t *occ = json_array();
	for (int i = 0; i < 2 && json_array_size(p->occs); i++)
		json_array_append(occ, json_array_get(p->occs, (size_t)(theme + i) %
								       json_array_size(p->occs)));
	json_t *body_j =
		json_pack("{s:s, s:s, s:s, s:o, s:s, s:[s, s], s:I}", "title", title, "summary",
			  themes[theme][1], "body", body, "occupations", occ, "industry",
			  theme % 2 ? "manufacturing" : "services", "indicators", "dual_ratio",
			  "pass_rate", "region", (json_int_t)region);
	if (org)
		json_object_set_new(body_j, "org_id", json_integer(org));
	if (*hash)
		json_object_set_new(
			body_j, "images",
			json_pack("[{s:s, s:s}]", "hash", hash, "name", "现场照片.png"));
	json_t *out = NULL;
	rc = dt_store_case_create(p->s, p->a, NULL, body_j, &out, p->err);
	json_decref(body_j);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	for (int i = 0; rc == DT_OK && steps[i]; i++) {
		enum dt_case_step st;
		dt_case_step_parse(steps[i], &st);
		on_day(p, days_ago + 10 - 3 * i > days_ago ? days_ago + 10 - 3 * i : days_ago);
		const char *comment = st == DT_CS_SEND_BACK ? "请补充企业学时占比的数据来源。"
				      : st == DT_CS_RECOMMEND ? "做法可复制，推荐上报。"
							      : NULL;
		rc = dt_engine_case_step(p->s, p->a, NULL, id, st, comment, 0, 0, NULL, p->err);
	}
	if (rc == DT_OK && feature) {
		on_day(p, days_ago > 2 ? days_ago - 2 : 0);
		rc = dt_engine_case_step(p->s, p->a, NULL, id, DT_CS_FEATURE, NULL, 0, 0, NULL,
					 p->err);
		p->st->featured++;
	}
	return rc;
}

static enum dt_err one_item(struct pub *p, const char *kind, int region, const char *title,
			    const char *text, const char *doc_no, bool publish, int days_ago)
{
	char hash[65] = "";
	int rc = DT_OK;
	on_day(p, days_ago + 1);
	if (doc_no && (rc = upload(p, true, "政策文件.pdf", hash)) != DT_OK)
		return rc;
	json_t *b = json_pack("{s:s, s:s, s:s, s:s}", "kind", kind, "title", title, "summary", text,
			      "body", text);
	if (region)
		json_object_set_new(b, "region", json_integer(region));
	if (doc_no) {
		json_object_set_new(b, "doc_no", json_string(doc_no));
		json_object_set_new(
			b, "attachments",
			json_pack("[{s:s, s:s}]", "hash", hash, "name", "政策文件.pdf"));
	}
	json_t *out = NULL;
	rc = dt_store_item_create(p->s, p->a, NULL, b, &out, p->err);
	json_decref(b);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	if (rc == DT_OK && publish) {
		on_day(p, days_ago);
		rc = dt_store_item_step(p->s, p->a, NULL, id, DT_CS_PUBLISH, NULL, p->err);
	}
	if (!strcmp(kind, "policy"))
		p->st->policies++;
	else
		p->st->news++;
	return rc;
}

/* The school and company of the demo's accounts: Shenyang's first active contract. */
static void demo_orgs(struct pub *p, int64_t *school, int64_t *company)
{
	const char *filters[] = { "region", "210100", "status", "active" };
	struct dt_query q = { .filters = filters, .nfilters = 2, .sort = "id", .limit = 1 };
	json_t *items = NULL;
	char *next = NULL;
	*school = *company = 0;
	if (dt_store_list(p->s, NULL, "contract", &q, &items, &next, NULL) == DT_OK) {
		json_t *c = json_array_get(items, 0);
		*school = json_integer_value(json_object_get(c, "school_id"));
		*company = json_integer_value(json_object_get(c, "enterprise_id"));
	}
	free(next);
	json_decref(items);
}

enum dt_err dt_demo_publicity(struct dt_store *s, const struct dt_actor *a,
			      struct dt_demo_pub_stats *stats, struct dt_strbuf *err)
{
	struct dt_demo_pub_stats local = { 0 };
	struct pub p = { s, a, err, dt_date_today(), stats ? stats : &local, json_array(), 0 };
	*p.st = (struct dt_demo_pub_stats){ 0 };
	struct dt_query q = { .sort = "id", .limit = 6 };
	json_t *occs = NULL;
	char *next = NULL;
	int rc = dt_store_list(s, NULL, "occupation", &q, &occs, &next, err);
	free(next);
	size_t i;
	json_t *o;
	json_array_foreach(occs, i, o) json_array_append(p.occs, json_object_get(o, "code"));
	json_decref(occs);
	int64_t school = 0, company = 0;
	demo_orgs(&p, &school, &company);
	static const char *const published[] = { "submit", "recommend", "approve", "publish",
						 NULL };
	/* published cases of six pilot cities over the year, two featured */
	for (int c = 0; rc == DT_OK && c < 6 && c < DT_DEMO_NCITIES; c++) {
		const struct dt_demo_city_def *d = &dt_demo_city_defs[c];
		for (int k = 0; rc == DT_OK && k < (c < 2 ? 2 : 1); k++) {
			int64_t org = d->code == 210100 ? (k ? company : school) : 0;
			rc = one_case(&p, d->code, org, (c + k) % 5, d->short_zh, published,
				      330 - 50 * c - 20 * k, true, c + k == 0 || c == 3);
			p.st->published++;
		}
	}
	/* in review: every step in Shenyang, and some elsewhere */
	static const struct {
		int city; /* index into dt_demo_city_defs */
		int org;  /* 0 the city's own, 1 the school, 2 the company */
		const char *steps[6];
	} review[] = {
		{ 0, 1, { NULL } },
		{ 0, 1, { "submit", NULL } },
		{ 0, 2, { "submit", "recommend", NULL } },
		{ 0, 0, { "submit", "recommend", "approve", NULL } },
		{ 0, 1, { "submit", "send_back", NULL } },
		{ 0, 0, { "submit", "recommend", "approve", "publish", "withdraw", NULL } },
		{ 1, 0, { "submit", NULL } },
		{ 1, 0, { "submit", "recommend", NULL } },
		{ 2, 0, { "submit", NULL } },
		{ 4, 0, { "submit", "recommend", NULL } },
		{ 6, 0, { NULL } },
	};
	for (size_t r = 0; rc == DT_OK && r < DT_ARRAY_SIZE(review); r++) {
		int ci = review[r].city < DT_DEMO_NCITIES ? review[r].city : 0;
		const struct dt_demo_city_def *d = &dt_demo_city_defs[ci];
		int64_t org = review[r].org == 1 ? school : review[r].org == 2 ? company : 0;
		rc = one_case(&p, d->code, d->code == 210100 ? org : 0, (int)(r % 5), d->short_zh,
			      review[r].steps, 40 - 3 * (int)r, r % 2 == 0, false);
		p.st->in_review++;
	}
	static const struct {
		const char *kind;
		int region;
		const char *title, *text, *doc_no;
		bool publish;
		int days_ago;
	} items[] = {
		{ "policy", 0, "关于全面推行中国特色企业新型学徒制的意见",
		  "各地要将企业新型学徒制作为技能人才培养的重要途径，健全政府、企业、院校协同机制。",
		  "人社部发〔2021〕39号", true, 360 },
		{ "policy", 210000, "辽宁省校企双制培养试点实施方案",
		  "明确试点城市、培养规模、补贴标准和考核办法。", "辽人社发〔2025〕12号", true,
		  300 },
		{ "policy", 210100, "沈阳市校企双制培养补贴管理办法",
		  "按在训学员人数和结业考核结果分段拨付培养补贴。", "沈人社发〔2025〕7号", true,
		  240 },
		{ "policy", 210200, "大连市企业导师津贴发放办法（征求意见稿）",
		  "企业导师津贴按带徒人数和考核结果确定。", "大人社函〔2026〕3号", false, 20 },
		{ "notice", 0, "关于开展年度试点评估工作的通知",
		  "请各试点省份于年底前报送评估材料，评估结果向社会公开。", NULL, true, 60 },
		{ "notice", 210000, "关于做好双随机一公开督查整改的通知",
		  "被督查单位须在整改期限内提交整改报告并上传佐证材料。", NULL, true, 120 },
		{ "notice", 210100, "沈阳市第二批试点企业申报通知",
		  "符合条件的企业可于下月底前通过平台申报。", NULL, true, 200 },
		{ "news", 0, "全国校企双制培养试点工作推进会召开",
		  "会议总结试点经验，部署下一阶段重点任务。", NULL, true, 30 },
		{ "news", 210000, "辽宁省试点城市结业考核通过率稳步提升",
		  "全省试点城市结业考核通过率较上年提高。", NULL, true, 90 },
		{ "news", 210100, "沈阳市举办企业导师培训班", "来自百余家企业的导师参加培训。",
		  NULL, true, 150 },
		{ "news", 210200, "大连市新增二十家试点企业", "新增企业覆盖装备制造和港航物流。",
		  NULL, true, 180 },
		{ "news", 220100, "长春市汽车产业校企双制培养成效明显",
		  "汽车及零部件企业学员留任率较高。", NULL, true, 210 },
		{ "news", 210100, "沈阳市试点半年工作小结（草稿）", "待审定。", NULL, false, 5 },
	};
	for (size_t k = 0; rc == DT_OK && k < DT_ARRAY_SIZE(items); k++)
		rc = one_item(&p, items[k].kind, items[k].region, items[k].title, items[k].text,
			      items[k].doc_no, items[k].publish, items[k].days_ago);
	dt_store_set_today(s, NULL);
	json_decref(p.occs);
	return rc;
}
