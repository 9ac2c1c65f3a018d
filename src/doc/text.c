/*
 * text.c - the document text table: every fixed word of the printed
 * documents (titles, headings, column heads, the contract's clauses), in
 * Chinese and in English.  Field labels come from the entity table and
 * indicator names from the indicator table; this table holds the rest.
 * Keys are grouped by document: "doc." shared, "contract.", "book.",
 * "report.".  tests/unit/test_doc.c checks that every entry has both.
 */
#include <string.h>

#include "doc/doc.h"
#include "core/banned.h"

struct doc_text {
	const char *key, *zh, *en;
};

static const struct doc_text texts[] = {
	/* shared */
	{ "doc.app", "双元培育试点管理平台", "Dual vocational training pilot platform" },
	{ "doc.page", "第 {n} 页", "Page {n}" },
	{ "doc.made", "生成日期", "Made on" },
	{ "doc.none", "无", "None" },
	{ "doc.yes", "是", "yes" },
	{ "doc.no", "否", "no" },
	{ "doc.unsigned", "未签核", "not signed off" },
	{ "doc.date_line", "日期：　　　年　　月　　日", "Date: ____ / __ / __" },
	{ "doc.yuan_month", "元/月", "CNY per month" },
	{ "doc.hours", "学时", "hours" },
	{ "status.draft", "草稿", "draft" },
	{ "status.pending", "待三方确认", "awaiting approvals" },
	{ "status.active", "履行中", "active" },
	{ "status.completed", "已结业", "completed" },
	{ "status.dissolved", "已解除", "dissolved" },
	{ "status.transferred", "已转出", "transferred" },
	{ "site.company", "企业", "company" },
	{ "site.school", "学校", "school" },
	{ "severity.info", "提示", "info" },
	{ "severity.warning", "警告", "warning" },
	{ "severity.critical", "严重", "critical" },
	{ "alertstatus.open", "待处理", "open" },
	{ "alertstatus.acknowledged", "已确认", "acknowledged" },
	{ "alertstatus.resolved", "已解决", "resolved" },
	/* the contract */
	{ "contract.title", "职业技能双元培育三方协议", "Three-party dual training contract" },
	{ "contract.number", "协议编号", "Contract no." },
	{ "contract.status", "协议状态", "Status" },
	{ "contract.parties", "一、协议各方", "1. The parties" },
	{ "contract.party_a", "甲方（培训企业）", "Party A (training enterprise)" },
	{ "contract.party_b", "乙方（职业院校）", "Party B (vocational school)" },
	{ "contract.party_c", "丙方（学员）", "Party C (trainee)" },
	{ "contract.guardian", "丙方监护人", "Guardian of party C" },
	{ "contract.training", "二、培养内容", "2. The training" },
	{ "contract.occupation", "职业（工种）", "Occupation" },
	{ "contract.level", "培养等级", "Skill level" },
	{ "contract.period", "培养期限", "Period" },
	{ "contract.hours", "三、学时安排", "3. Hours plan" },
	{ "contract.site", "学习地点", "Site" },
	{ "contract.planned", "计划学时", "Planned hours" },
	{ "contract.share", "占比", "Share" },
	{ "contract.company", "企业", "Company" },
	{ "contract.school", "学校", "School" },
	{ "contract.total", "合计", "Total" },
	{ "contract.stipend", "四、津贴与导师", "4. Stipend and mentors" },
	{ "contract.clauses", "五、协议条款", "5. Terms" },
	{ "contract.clause1",
	  "甲方按本协议提供企业培训岗位，指定企业导师，按月足额支付学员津贴，不得低于当地最低工资标准，"
	  "并为学员办理工伤保险或相应商业保险。",
	  "Party A provides the company training place, names the company mentor, pays the "
	  "trainee's stipend in full every month, not below the local minimum wage, and insures "
	  "the trainee against work injury." },
	{ "contract.clause2",
	  "乙方负责学校阶段的教学，指定学校导师，与甲方共同制定培养方案并组织考核。",
	  "Party B teaches the school part, names the school mentor, and draws up the training "
	  "plan and organises the assessments together with party A." },
	{ "contract.clause3",
	  "丙方遵守甲乙双方的规章制度，按计划完成企业与学校的学习任务，如实填写培养手册。",
	  "Party C keeps the rules of both parties, completes the company and school learning "
	  "as planned, and keeps the record book truthfully." },
	{ "contract.clause4",
	  "学员每日学习时间（企业与学校合计）不超过12小时；培养手册记录由相应导师签核后不得更改。",
	  "A trainee learns at most 12 hours a day, company and school together; a record-book "
	  "entry signed off by its mentor can no longer be changed." },
	{ "contract.clause5",
	  "试用期内任何一方可解除本协议；试用期满后解除协议须说明理由，并在平台登记。",
	  "Any party may end this contract during probation; after it, an ending states its "
	  "reason and is recorded on the platform." },
	{ "contract.clause6",
	  "本协议一式三份，甲、乙、丙三方各执一份，自三方签字（盖章）之日起生效。",
	  "This contract is made in three copies, one for each party, and takes effect on the "
	  "day all three have signed (and stamped) it." },
	{ "contract.signatures", "六、签署", "6. Signatures" },
	{ "contract.sign_a", "甲方（盖章）\n法定代表人或授权代表（签字）",
	  "Party A (stamp)\nLegal representative or proxy (signature)" },
	{ "contract.sign_b", "乙方（盖章）\n法定代表人或授权代表（签字）",
	  "Party B (stamp)\nLegal representative or proxy (signature)" },
	{ "contract.sign_c", "丙方（签字）\n未成年人由监护人共同签字",
	  "Party C (signature)\nA minor's guardian signs too" },
	{ "contract.approvals", "平台确认记录", "Approvals recorded on the platform" },
	/* the record book */
	{ "book.title", "职业技能双元培育培养手册", "Dual training record book" },
	{ "book.summary", "汇总", "Summary" },
	{ "book.entries", "培养记录", "Entries" },
	{ "book.count", "记录条数", "Entries" },
	{ "book.signed", "已签核", "Signed off" },
	{ "book.recorded", "已记录学时", "Hours recorded" },
	{ "book.empty", "尚无培养记录。", "No entries yet." },
	/* the annual report */
	{ "report.title", "{region}双元培育试点{year}年度评估报告",
	  "{region}: annual evaluation report of the dual training pilot, {year}" },
	{ "report.overview", "一、总体情况", "1. Overview" },
	{ "report.score", "综合得分", "Composite score" },
	{ "report.rank", "排名", "Rank" },
	{ "report.rank_of", "第 {rank} 名（共 {total} 个试点）", "{rank} of {total} pilots" },
	{ "report.unranked", "未排名（数据不足）", "not ranked (too little data)" },
	{ "report.previous", "上年", "Previous year" },
	{ "report.indicators", "二、指标、目标与达成", "2. Indicators, targets and attainment" },
	{ "report.indicator", "指标", "Indicator" },
	{ "report.value", "实际值", "Value" },
	{ "report.target", "目标值", "Target" },
	{ "report.baseline", "基线", "Baseline" },
	{ "report.attainment", "达成度", "Attainment" },
	{ "report.direction", "方向", "Direction" },
	{ "report.higher", "越高越好", "higher is better" },
	{ "report.lower", "越低越好", "lower is better" },
	{ "report.ceiling", "不超过目标为达标", "within the ceiling" },
	{ "report.ranking", "三、试点排名与得分构成", "3. Ranking and the parts of the score" },
	{ "report.weight", "权重", "Weight" },
	{ "report.part", "得分贡献", "Points" },
	{ "report.score_note",
	  "综合得分 = 100 × Σ(权重 × 达成度，达成度上限120%) ÷ Σ权重；权重见“设置”（weight.指标代码），"
	  "并在 docs/INDICATORS.md 公布。",
	  "Composite score = 100 × Σ(weight × attainment, attainment capped at 120%) ÷ Σ weights; "
	  "the weights are settings (weight.CODE), published in docs/INDICATORS.md." },
	{ "report.pilot", "试点", "Pilot" },
	{ "report.change", "名次变化", "Change" },
	{ "report.trends", "四、月度趋势", "4. Monthly trends" },
	{ "report.alerts", "五、预警", "5. Alerts" },
	{ "report.alert_rule", "规则", "Rule" },
	{ "report.alert_level", "级别", "Severity" },
	{ "report.alert_status", "状态", "Status" },
	{ "report.alert_text", "说明", "Message" },
	{ "report.alert_time", "预警时间", "Raised" },
	{ "report.alerts_none", "本年度无预警。", "No alerts this year." },
	{ "report.supervision", "六、督查情况", "6. Supervision" },
	{ "report.sup_none", "本年度尚无督查计划。", "No inspection plan this year." },
	{ "report.sup_inspections", "督查次数（抽取/实施/完成）",
	  "Inspections (drawn / conducted / done)" },
	{ "report.sup_coverage", "覆盖率", "Coverage" },
	{ "report.sup_findings", "发现问题（一般/较重/严重）",
	  "Findings (general / serious / grave)" },
	{ "report.sup_closure", "整改完成率", "Closure rate" },
	{ "report.sup_overdue", "逾期未整改", "Overdue findings" },
};

const char *dt_doc_text(const char *key, enum dt_lang lang)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!strcmp(texts[i].key, key))
			return lang == DT_LANG_EN ? texts[i].en : texts[i].zh;
	return key;
}

const char *dt_doc_text_key(int i)
{
	return i >= 0 && (size_t)i < sizeof(texts) / sizeof(texts[0]) ? texts[i].key : NULL;
}
