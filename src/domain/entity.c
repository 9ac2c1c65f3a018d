/*
 * entity.c - the table of entities and their fields.
 *
 * Field order is the order of columns in output, CSV headers and forms.
 * Labels are what a Chinese or English reader sees for the field.  Every
 * entity names its scope rule (entity.h): who may read and change it.  The
 * TEXT fields' own checks (national ID, USCC, codes, phone, e-mail) are in
 * field.c.
 */
#include <string.h>

#include "core/common.h"
#include "domain/entity.h"
#include "domain/field.h"
#include "domain/occupation.h"
#include "core/banned.h"

#define SYS_TIMES                                                                                 \
	{ "created_at", DT_F_TIME, DT_FF_SYSTEM | DT_FF_SORT, 0, 0, NULL, NULL, NULL, NULL,       \
	  "创建时间",   "Created" },                                                              \
	{                                                                                         \
		"updated_at", DT_F_TIME, DT_FF_SYSTEM | DT_FF_SORT, 0, 0, NULL, NULL, NULL, NULL, \
			"更新时间", "Updated"                                                     \
	}

#define ID_FIELD                                                                                  \
	{                                                                                         \
		"id", DT_F_INT, DT_FF_SYSTEM | DT_FF_SORT | DT_FF_FILTER, 0, 0, NULL, NULL, NULL, \
			NULL, "编号", "ID"                                                        \
	}

#define REGION_SYS                                                                                 \
	{                                                                                          \
		"region", DT_F_REGION, DT_FF_SYSTEM | DT_FF_FILTER | DT_FF_SORT, 0, 0, NULL, NULL, \
			NULL, NULL, "所属地区", "Region"                                           \
	}

#define R DT_FF_REQUIRED
#define F DT_FF_FILTER
#define S DT_FF_SORT
#define Q DT_FF_SEARCH
#define I DT_FF_IMMUTABLE
#define SYS DT_FF_SYSTEM

static const struct dt_field region_fields[] = {
	{ "id", DT_F_INT, R | I | S | F, 110000, 829999, NULL, NULL, NULL, NULL, "区划代码",
	  "Code" },
	{ "name_zh", DT_F_TEXT, R | S | Q, 0, 60, NULL, NULL, NULL, NULL, "中文名称",
	  "Name (Chinese)" },
	{ "name_en", DT_F_TEXT, Q, 0, 100, NULL, NULL, NULL, NULL, "英文名称", "Name (English)" },
	{ "level", DT_F_INT, SYS | F | S, 1, 3, NULL, NULL, NULL, NULL, "层级", "Level" },
	{ "parent", DT_F_INT, SYS | F, 0, 0, NULL, NULL, NULL, NULL, "上级区划", "Parent" },
	{ "latitude", DT_F_REAL, 0, -90, 90, NULL, NULL, NULL, NULL, "纬度", "Latitude" },
	{ "longitude", DT_F_REAL, 0, -180, 180, NULL, NULL, NULL, NULL, "经度", "Longitude" },
	REGION_SYS,
	SYS_TIMES,
};

static const struct dt_field occupation_fields[] = {
	ID_FIELD,
	{ "code", DT_F_TEXT, R | I | F | S | Q, 0, DT_OCC_CODE_LEN, NULL, NULL, NULL,
	  dt_field_occupation, "职业编码", "Occupation code" },
	{ "name_zh", DT_F_TEXT, R | S | Q, 0, 60, NULL, NULL, NULL, NULL, "职业名称",
	  "Name (Chinese)" },
	{ "name_en", DT_F_TEXT, Q, 0, 100, NULL, NULL, NULL, NULL, "英文名称", "Name (English)" },
	{ "industry", DT_F_TEXT, F, 0, 40, NULL, NULL, NULL, NULL, "行业", "Industry" },
	{ "levels", DT_F_TEXT, R, 0, 9, NULL, NULL, NULL, dt_field_levels, "技能等级",
	  "Skill levels" },
	{ "region", DT_F_REGION, SYS, 0, 0, NULL, NULL, NULL, NULL, "所属地区", "Region" },
	SYS_TIMES,
};

static const struct dt_field pilot_fields[] = {
	ID_FIELD,
	{ "region", DT_F_REGION, R | I | F | S, 0, 0, NULL, NULL, NULL, NULL, "试点地区",
	  "Pilot region" },
	{ "name", DT_F_TEXT, R | S | Q, 0, 100, NULL, NULL, NULL, NULL, "试点名称", "Name" },
	{ "period_start", DT_F_DATE, R | S, 0, 0, NULL, NULL, NULL, NULL, "试点开始",
	  "Period start" },
	{ "period_end", DT_F_DATE, R | S, 0, 0, NULL, NULL, NULL, NULL, "试点结束", "Period end" },
	{ "goals", DT_F_TEXT, 0, 0, 4000, NULL, NULL, NULL, NULL, "试点目标", "Goals" },
	{ "positioning", DT_F_TEXT, 0, 0, 2000, NULL, NULL, NULL, NULL, "功能定位", "Positioning" },
	{ "responsible_units", DT_F_TEXT, 0, 0, 1000, NULL, NULL, NULL, NULL, "责任单位",
	  "Responsible units" },
	SYS_TIMES,
};

static const struct dt_field organization_fields[] = {
	ID_FIELD,
	{ "kind", DT_F_ENUM, R | I | F | S, 0, 0, "enterprise|school|government|assessment_body",
	  NULL, NULL, NULL, "机构类型", "Kind" },
	{ "uscc", DT_F_TEXT, R | F | S | Q, 0, 18, NULL, NULL, NULL, dt_field_uscc,
	  "统一社会信用代码", "Unified social credit code" },
	{ "name", DT_F_TEXT, R | S | Q, 0, 100, NULL, NULL, NULL, NULL, "名称", "Name" },
	{ "name_en", DT_F_TEXT, Q, 0, 200, NULL, NULL, NULL, NULL, "英文名称", "Name (English)" },
	{ "region", DT_F_REGION, R | F | S, 0, 0, NULL, NULL, NULL, NULL, "所在地区", "Region" },
	{ "industry", DT_F_TEXT, F, 0, 40, NULL, NULL, NULL, NULL, "行业", "Industry" },
	{ "size", DT_F_ENUM, F, 0, 0, "micro|small|medium|large", NULL, NULL, NULL, "规模",
	  "Size" },
	{ "address", DT_F_TEXT, 0, 0, 200, NULL, NULL, NULL, NULL, "地址", "Address" },
	{ "contact_name", DT_F_TEXT, 0, 0, 50, NULL, NULL, NULL, NULL, "联系人", "Contact" },
	{ "contact_phone", DT_F_TEXT, 0, 0, 30, NULL, NULL, NULL, dt_field_phone, "联系电话",
	  "Phone" },
	SYS_TIMES,
};

/* The times of a table that stores them as milliseconds (DT_FF_MS). */
#define SYS_TIMES_MS                                                                             \
	{ "created_at",                                                                          \
	  DT_F_TIME,                                                                             \
	  DT_FF_SYSTEM | DT_FF_SORT | DT_FF_MS,                                                  \
	  0,                                                                                     \
	  0,                                                                                     \
	  NULL,                                                                                  \
	  NULL,                                                                                  \
	  NULL,                                                                                  \
	  NULL,                                                                                  \
	  "创建时间",                                                                            \
	  "Created" },                                                                           \
	{                                                                                        \
		"updated_at", DT_F_TIME, DT_FF_SYSTEM | DT_FF_SORT | DT_FF_MS, 0, 0, NULL, NULL, \
			NULL, NULL, "更新时间", "Updated"                                        \
	}

/* A mentor (双导师) of an enterprise (kind company) or a school (kind school). */
static const struct dt_field mentor_fields[] = {
	ID_FIELD,
	{ "name", DT_F_TEXT, R | S | Q, 0, 50, NULL, NULL, NULL, NULL, "姓名", "Name" },
	{ "organization_id", DT_F_REF, R | I | F, 0, 0, NULL, "organization", NULL, NULL,
	  "所在机构", "Organization" },
	{ "kind", DT_F_ENUM, R | I | F | S, 0, 0, "company|school", NULL, NULL, NULL, "导师类型",
	  "Kind" },
	{ "qualification", DT_F_TEXT, Q, 0, 200, NULL, NULL, NULL, NULL, "资质证书",
	  "Qualification" },
	{ "skill_level", DT_F_INT, F | S, 1, 5, NULL, NULL, NULL, NULL, "技能等级", "Skill level" },
	{ "phone", DT_F_TEXT, 0, 0, 30, NULL, NULL, NULL, dt_field_phone, "联系电话", "Phone" },
	{ "email", DT_F_TEXT, 0, 0, 100, NULL, NULL, NULL, dt_field_email, "电子邮箱", "Email" },
	REGION_SYS,
	SYS_TIMES_MS,
};

static const struct dt_field programme_fields[] = {
	ID_FIELD,
	{ "code", DT_F_TEXT, R | F | S | Q, 0, 40, NULL, NULL, NULL, NULL, "项目编码",
	  "Programme code" },
	{ "name", DT_F_TEXT, R | S | Q, 0, 100, NULL, NULL, NULL, NULL, "培养项目", "Name" },
	{ "school_id", DT_F_REF, R | I | F, 0, 0, NULL, "organization", "school", NULL, "院校",
	  "School" },
	{ "occupation_id", DT_F_REF, R | F, 0, 0, NULL, "occupation", NULL, NULL, "职业",
	  "Occupation" },
	{ "level", DT_F_INT, R | F | S, 1, 5, NULL, NULL, NULL, NULL, "培养等级", "Skill level" },
	{ "duration_months", DT_F_INT, R | S, 1, 72, NULL, NULL, NULL, NULL, "学制(月)",
	  "Duration (months)" },
	{ "company_hours", DT_F_INT, R, 0, 20000, NULL, NULL, NULL, NULL, "企业学时",
	  "Company hours" },
	{ "school_hours", DT_F_INT, R, 0, 20000, NULL, NULL, NULL, NULL, "学校学时",
	  "School hours" },
	REGION_SYS,
	SYS_TIMES,
};

static const struct dt_field partnership_fields[] = {
	ID_FIELD,
	{ "enterprise_id", DT_F_REF, R | I | F, 0, 0, NULL, "organization", "enterprise", NULL,
	  "企业", "Enterprise" },
	{ "school_id", DT_F_REF, R | I | F, 0, 0, NULL, "organization", "school", NULL, "院校",
	  "School" },
	{ "places_per_year", DT_F_INT, R | S, 0, 100000, NULL, NULL, NULL, NULL, "每年名额",
	  "Places per year" },
	{ "start_date", DT_F_DATE, R | S, 0, 0, NULL, NULL, NULL, NULL, "开始日期", "Start date" },
	{ "end_date", DT_F_DATE, 0, 0, 0, NULL, NULL, NULL, NULL, "结束日期", "End date" },
	REGION_SYS,
	SYS_TIMES,
};

static const struct dt_field demand_fields[] = {
	ID_FIELD,
	{ "enterprise_id", DT_F_REF, R | I | F, 0, 0, NULL, "organization", "enterprise", NULL,
	  "企业", "Enterprise" },
	{ "occupation_id", DT_F_REF, R | F, 0, 0, NULL, "occupation", NULL, NULL, "职业",
	  "Occupation" },
	{ "level", DT_F_INT, R | F | S, 1, 5, NULL, NULL, NULL, NULL, "技能等级", "Skill level" },
	{ "year", DT_F_INT, R | F | S, 2000, 2100, NULL, NULL, NULL, NULL, "年度", "Year" },
	{ "count", DT_F_INT, R | S, 1, 100000, NULL, NULL, NULL, NULL, "需求人数", "Count" },
	REGION_SYS,
	SYS_TIMES_MS,
};

static const struct dt_field place_fields[] = {
	ID_FIELD,
	{ "enterprise_id", DT_F_REF, R | I | F, 0, 0, NULL, "organization", "enterprise", NULL,
	  "企业", "Enterprise" },
	{ "programme_id", DT_F_REF, R | F, 0, 0, NULL, "programme", NULL, NULL, "培养项目",
	  "Programme" },
	{ "year", DT_F_INT, R | F | S, 2000, 2100, NULL, NULL, NULL, NULL, "年度", "Year" },
	{ "capacity", DT_F_INT, R | S, 1, 100000, NULL, NULL, NULL, NULL, "岗位数", "Capacity" },
	REGION_SYS,
	SYS_TIMES_MS,
};

static const struct dt_field trainee_fields[] = {
	ID_FIELD,
	{ "national_id", DT_F_TEXT, R | I | DT_FF_PII, 0, 18, NULL, NULL, NULL, dt_field_natid,
	  "身份证号", "National ID" },
	{ "name", DT_F_TEXT, R | S | Q, 0, 50, NULL, NULL, NULL, NULL, "姓名", "Name" },
	/*
	 * Both follow from the ID and never change: an update that names them is
	 * refused whatever the value, so that it cannot be used to test a guess.
	 */
	{ "gender", DT_F_ENUM, F | I, 0, 0, "M|F", NULL, NULL, NULL, "性别", "Gender" },
	{ "birth_date", DT_F_DATE, S | F | I | DT_FF_QUASI, 0, 0, NULL, NULL, NULL, NULL,
	  "出生日期", "Birth date" },
	{ "region", DT_F_REGION, R | F | S | DT_FF_QUASI, 0, 0, NULL, NULL, NULL, NULL, "户籍地区",
	  "Region" },
	{ "phone", DT_F_TEXT, 0, 0, 30, NULL, NULL, NULL, dt_field_phone, "联系电话", "Phone" },
	{ "email", DT_F_TEXT, 0, 0, 100, NULL, NULL, NULL, dt_field_email, "电子邮箱", "Email" },
	{ "guardian_name", DT_F_TEXT, 0, 0, 50, NULL, NULL, NULL, NULL, "监护人", "Guardian" },
	{ "registered_by", DT_F_REF, SYS | F, 0, 0, NULL, "organization", NULL, NULL, "登记机构",
	  "Registered by" },
	SYS_TIMES,
};

static const struct dt_field contract_fields[] = {
	ID_FIELD,
	{ "trainee_id", DT_F_REF, R | I | F | Q, 0, 0, NULL, "trainee", NULL, NULL, "学员",
	  "Trainee" },
	{ "enterprise_id", DT_F_REF, R | I | F | Q, 0, 0, NULL, "organization", "enterprise", NULL,
	  "企业", "Enterprise" },
	{ "school_id", DT_F_REF, R | I | F | Q, 0, 0, NULL, "organization", "school", NULL, "院校",
	  "School" },
	{ "programme_id", DT_F_REF, R | F, 0, 0, NULL, "programme", NULL, NULL, "培养项目",
	  "Programme" },
	/*
	 * The mentors from the register (mentor.c checks their organisation and
	 * kind); the names stay too, filled from the register when an id is
	 * given, and are what old contracts and the CSV import have.
	 */
	{ "company_mentor", DT_F_TEXT, Q, 0, 50, NULL, NULL, NULL, NULL, "企业导师",
	  "Company mentor" },
	{ "school_mentor", DT_F_TEXT, Q, 0, 50, NULL, NULL, NULL, NULL, "学校导师",
	  "School mentor" },
	{ "company_mentor_id", DT_F_REF, F, 0, 0, NULL, "mentor", NULL, NULL, "企业导师(名册)",
	  "Company mentor (register)" },
	{ "school_mentor_id", DT_F_REF, F, 0, 0, NULL, "mentor", NULL, NULL, "学校导师(名册)",
	  "School mentor (register)" },
	{ "stipend_monthly", DT_F_INT, R | S, 0, 1000000, NULL, NULL, NULL, NULL, "月津贴(元)",
	  "Monthly stipend (CNY)" },
	{ "start_date", DT_F_DATE, R | S, 0, 0, NULL, NULL, NULL, NULL, "开始日期", "Start date" },
	{ "end_date", DT_F_DATE, R | S, 0, 0, NULL, NULL, NULL, NULL, "结束日期", "End date" },
	{ "probation_months", DT_F_INT, 0, 0, 6, NULL, NULL, NULL, NULL, "试用期(月)",
	  "Probation (months)" },
	{ "planned_company_hours", DT_F_INT, 0, 0, 20000, NULL, NULL, NULL, NULL, "计划企业学时",
	  "Planned company hours" },
	{ "planned_school_hours", DT_F_INT, 0, 0, 20000, NULL, NULL, NULL, NULL, "计划学校学时",
	  "Planned school hours" },
	{ "status", DT_F_ENUM, SYS | F | S, 0, 0,
	  "draft|pending|active|completed|dissolved|transferred", NULL, NULL, NULL, "状态",
	  "Status" },
	{ "submitted_at", DT_F_TIME, SYS, 0, 0, NULL, NULL, NULL, NULL, "提交时间", "Submitted" },
	{ "approved_enterprise_at", DT_F_TIME, SYS, 0, 0, NULL, NULL, NULL, NULL, "企业确认时间",
	  "Approved by enterprise" },
	{ "approved_school_at", DT_F_TIME, SYS, 0, 0, NULL, NULL, NULL, NULL, "院校确认时间",
	  "Approved by school" },
	{ "approved_trainee_at", DT_F_TIME, SYS, 0, 0, NULL, NULL, NULL, NULL, "学员确认时间",
	  "Approved by trainee" },
	{ "activated_at", DT_F_TIME, SYS, 0, 0, NULL, NULL, NULL, NULL, "生效时间", "Activated" },
	{ "ended_on", DT_F_DATE, SYS | F, 0, 0, NULL, NULL, NULL, NULL, "终止日期", "Ended on" },
	{ "dissolution_reason", DT_F_TEXT, SYS, 0, 500, NULL, NULL, NULL, NULL, "解除原因",
	  "Dissolution reason" },
	{ "dissolved_in_probation", DT_F_BOOL, SYS, 0, 0, NULL, NULL, NULL, NULL, "试用期内解除",
	  "Dissolved in probation" },
	{ "predecessor_id", DT_F_REF, SYS | F, 0, 0, NULL, "contract", NULL, NULL, "原合同",
	  "Predecessor contract" },
	REGION_SYS,
	SYS_TIMES,
};

static const struct dt_field record_entry_fields[] = {
	ID_FIELD,
	{ "contract_id", DT_F_REF, R | I | F, 0, 0, NULL, "contract", NULL, NULL, "合同",
	  "Contract" },
	/* date, site and hours stored as integers since migration 020 (site: 0 company, 1 school) */
	{ "date", DT_F_DATE, R | F | S | DT_FF_DAYNUM, 0, 0, NULL, NULL, NULL, NULL, "日期",
	  "Date" },
	{ "site", DT_F_ENUM, R | F | DT_FF_CODE, 0, 0, "company|school", NULL, NULL, NULL,
	  "学习地点", "Site" },
	{ "hours", DT_F_REAL, R | DT_FF_CENTI, 0, 24, NULL, NULL, NULL, NULL, "学时", "Hours" },
	{ "content", DT_F_TEXT, R | Q, 0, 2000, NULL, NULL, NULL, NULL, "学习内容", "Content" },
	/* stored NULL when it is the signing mentor's name or delegate's login (migration 026) */
	{ "signed_by", DT_F_TEXT, SYS | F | DT_FF_DERIVED, 0, 64, NULL, NULL, NULL, NULL,
	  "签核导师", "Signed by" },
	{ "signed_at", DT_F_TIME, SYS | DT_FF_MS, 0, 0, NULL, NULL, NULL, NULL, "签核时间",
	  "Signed at" },
	{ "signed_mentor_id", DT_F_REF, SYS | F, 0, 0, NULL, "mentor", NULL, NULL, "签核导师编号",
	  "Signing mentor" },
	{ "signed_account_id", DT_F_INT, SYS, 0, 0, NULL, NULL, NULL, NULL, "签核账号",
	  "Signing account" },
	{ "signed_delegate", DT_F_BOOL, SYS, 0, 0, NULL, NULL, NULL, NULL, "机构代签",
	  "Signed by a delegate" },
	REGION_SYS,
	SYS_TIMES_MS,
};

static const struct dt_field assessment_fields[] = {
	ID_FIELD,
	{ "contract_id", DT_F_REF, R | I | F, 0, 0, NULL, "contract", NULL, NULL, "合同",
	  "Contract" },
	{ "kind", DT_F_ENUM, R | I | F, 0, 0, "intermediate|final|skill_level", NULL, NULL, NULL,
	  "考核类型", "Kind" },
	{ "date", DT_F_DATE, R | F | S, 0, 0, NULL, NULL, NULL, NULL, "考核日期", "Date" },
	{ "result", DT_F_ENUM, R | F, 0, 0, "pass|fail", NULL, NULL, NULL, "结果", "Result" },
	{ "score", DT_F_REAL, 0, 0, 100, NULL, NULL, NULL, NULL, "成绩", "Score" },
	{ "level", DT_F_INT, F, 1, 5, NULL, NULL, NULL, NULL, "技能等级", "Skill level" },
	{ "certificate_no", DT_F_TEXT, Q, 0, 50, NULL, NULL, NULL, NULL, "证书编号",
	  "Certificate no." },
	{ "attempt", DT_F_INT, SYS | F, 0, 0, NULL, NULL, NULL, NULL, "考核次数", "Attempt" },
	{ "assessor_id", DT_F_REF, F | DT_FF_OPENREF, 0, 0, NULL, "organization", "assessment_body",
	  NULL, "评价机构", "Assessment body" },
	REGION_SYS,
	SYS_TIMES_MS,
};

static const struct dt_field outcome_fields[] = {
	ID_FIELD,
	{ "contract_id", DT_F_REF, R | I | F, 0, 0, NULL, "contract", NULL, NULL, "合同",
	  "Contract" },
	{ "kind", DT_F_ENUM, R | F, 0, 0, "retained|employed_elsewhere|further_study|not_employed",
	  NULL, NULL, NULL, "去向", "Outcome" },
	{ "date", DT_F_DATE, R | S, 0, 0, NULL, NULL, NULL, NULL, "日期", "Date" },
	{ "wage_monthly", DT_F_INT, S, 0, 1000000, NULL, NULL, NULL, NULL, "月工资(元)",
	  "Monthly wage (CNY)" },
	{ "employer_id", DT_F_REF, F | DT_FF_OPENREF, 0, 0, NULL, "organization", NULL, NULL,
	  "就业单位", "Employer" },
	REGION_SYS,
	SYS_TIMES_MS,
};

static const struct dt_field pilot_task_fields[] = {
	ID_FIELD,
	{ "pilot_id", DT_F_REF, R | I | F, 0, 0, NULL, "pilot", NULL, NULL, "试点", "Pilot" },
	{ "title", DT_F_TEXT, R | S | Q, 0, 200, NULL, NULL, NULL, NULL, "任务", "Task" },
	{ "responsible_units", DT_F_TEXT, Q, 0, 500, NULL, NULL, NULL, NULL, "责任单位",
	  "Responsible units" },
	{ "deadline", DT_F_DATE, R | F | S, 0, 0, NULL, NULL, NULL, NULL, "完成时限", "Deadline" },
	{ "status", DT_F_ENUM, F | S, 0, 0, "planned|in_progress|done", NULL, NULL, NULL, "状态",
	  "Status" },
	{ "done_on", DT_F_DATE, 0, 0, 0, NULL, NULL, NULL, NULL, "完成日期", "Done on" },
	REGION_SYS,
	SYS_TIMES,
};

static const struct dt_field target_fields[] = {
	ID_FIELD,
	{ "region", DT_F_REGION, I | F | S, 0, 0, NULL, NULL, NULL, NULL, "地区(空为全国默认)",
	  "Region (empty: national default)" },
	{ "indicator", DT_F_TEXT, R | I | F | S, 0, 40, NULL, NULL, NULL, dt_field_indicator,
	  "指标", "Indicator" },
	{ "year", DT_F_INT, R | I | F | S, 2000, 2100, NULL, NULL, NULL, NULL, "年度", "Year" },
	{ "baseline", DT_F_REAL, 0, 0, 100000000, NULL, NULL, NULL, NULL, "基线值", "Baseline" },
	{ "value", DT_F_REAL, R, 0, 100000000, NULL, NULL, NULL, NULL, "目标值", "Target" },
	SYS_TIMES,
};

static const struct dt_field min_wage_fields[] = {
	ID_FIELD,
	{ "region", DT_F_REGION, R | I | F | S, 0, 0, NULL, NULL, NULL, NULL, "地区", "Region" },
	{ "valid_from", DT_F_DATE, R | I | F | S, 0, 0, NULL, NULL, NULL, NULL, "执行日期",
	  "Valid from" },
	{ "monthly", DT_F_INT, R | S, 1, 100000, NULL, NULL, NULL, NULL, "月最低工资(元)",
	  "Monthly minimum wage (CNY)" },
	SYS_TIMES,
};

static const struct dt_field alert_fields[] = {
	ID_FIELD,
	{ "rule", DT_F_TEXT, SYS | F | S, 0, 40, NULL, NULL, NULL, NULL, "规则", "Rule" },
	{ "severity", DT_F_ENUM, SYS | F | S, 0, 0, "info|warning|critical", NULL, NULL, NULL,
	  "级别", "Severity" },
	{ "status", DT_F_ENUM, SYS | F | S, 0, 0, "open|acknowledged|resolved", NULL, NULL, NULL,
	  "状态", "Status" },
	{ "subject_kind", DT_F_TEXT, SYS | F, 0, 40, NULL, NULL, NULL, NULL, "对象类型",
	  "Subject kind" },
	{ "subject_id", DT_F_INT, SYS | F, 0, 0, NULL, NULL, NULL, NULL, "对象编号", "Subject" },
	{ "indicator", DT_F_TEXT, SYS | F, 0, 40, NULL, NULL, NULL, NULL, "指标", "Indicator" },
	{ "message_zh", DT_F_TEXT, SYS | Q, 0, 1000, NULL, NULL, NULL, NULL, "说明",
	  "Message (Chinese)" },
	{ "message_en", DT_F_TEXT, SYS | Q, 0, 1000, NULL, NULL, NULL, NULL, "说明(英文)",
	  "Message" },
	{ "value", DT_F_REAL, SYS, 0, 0, NULL, NULL, NULL, NULL, "实际值", "Value" },
	{ "threshold", DT_F_REAL, SYS, 0, 0, NULL, NULL, NULL, NULL, "阈值", "Threshold" },
	{ "raised_at", DT_F_TIME, SYS | S, 0, 0, NULL, NULL, NULL, NULL, "预警时间", "Raised" },
	{ "acknowledged_by", DT_F_TEXT, SYS, 0, 64, NULL, NULL, NULL, NULL, "确认人",
	  "Acknowledged by" },
	{ "acknowledged_at", DT_F_TIME, SYS, 0, 0, NULL, NULL, NULL, NULL, "确认时间",
	  "Acknowledged" },
	{ "resolved_by", DT_F_TEXT, SYS, 0, 64, NULL, NULL, NULL, NULL, "处置人", "Resolved by" },
	{ "resolved_at", DT_F_TIME, SYS, 0, 0, NULL, NULL, NULL, NULL, "处置时间", "Resolved" },
	{ "note", DT_F_TEXT, SYS, 0, 2000, NULL, NULL, NULL, NULL, "处置说明", "Note" },
	REGION_SYS,
	SYS_TIMES,
};

#define FIELDS(a) a, DT_ARRAY_SIZE(a)

const struct dt_entity dt_entities[] = {
	{ "region", "regions", "region", "行政区划", "Region", FIELDS(region_fields), NULL, 0,
	  DT_SCOPE_PUBLIC },
	{ "occupation", "occupations", "occupation", "职业", "Occupation",
	  FIELDS(occupation_fields), NULL, DT_EF_DELETE | DT_EF_NATIONAL, DT_SCOPE_PUBLIC },
	{ "pilot", "pilots", "pilot", "试点", "Pilot", FIELDS(pilot_fields), NULL, DT_EF_DELETE,
	  DT_SCOPE_GOV },
	{ "organization", "organizations", "organization", "机构", "Organization",
	  FIELDS(organization_fields), NULL, DT_EF_DELETE, DT_SCOPE_PARTY },
	{ "mentor", "mentors", "mentor", "导师", "Mentor", FIELDS(mentor_fields), "organization_id",
	  0, DT_SCOPE_PARTY },
	{ "programme", "programmes", "programme", "培养项目", "Programme", FIELDS(programme_fields),
	  "school_id", DT_EF_DELETE, DT_SCOPE_PARTY },
	{ "partnership", "partnerships", "partnership", "校企合作", "Partnership",
	  FIELDS(partnership_fields), "enterprise_id", DT_EF_DELETE, DT_SCOPE_PARTY },
	{ "demand", "demands", "demand", "企业需求", "Demand", FIELDS(demand_fields),
	  "enterprise_id", DT_EF_DELETE, DT_SCOPE_PARTY },
	{ "place", "places", "place", "培训岗位", "Place", FIELDS(place_fields), "enterprise_id",
	  DT_EF_DELETE, DT_SCOPE_PARTY },
	{ "trainee", "trainees", "trainee", "学员", "Trainee", FIELDS(trainee_fields), NULL,
	  DT_EF_DELETE, DT_SCOPE_PARTY },
	{ "contract", "contracts", "contract", "培养合同", "Contract", FIELDS(contract_fields),
	  "enterprise_id", DT_EF_DELETE, DT_SCOPE_PARTY },
	{ "record_entry", "record-entries", "record_entry", "培养记录", "Record-book entry",
	  FIELDS(record_entry_fields), "contract_id", DT_EF_DELETE | DT_EF_REGION_VIA,
	  DT_SCOPE_PARTY },
	{ "assessment", "assessments", "assessment", "考核评价", "Assessment",
	  FIELDS(assessment_fields), "contract_id", DT_EF_DELETE, DT_SCOPE_PARTY },
	{ "outcome", "outcomes", "outcome", "培养去向", "Outcome", FIELDS(outcome_fields),
	  "contract_id", DT_EF_DELETE, DT_SCOPE_PARTY },
	{ "pilot_task", "pilot-tasks", "pilot_task", "试点任务", "Pilot task",
	  FIELDS(pilot_task_fields), "pilot_id", DT_EF_DELETE, DT_SCOPE_GOV },
	{ "target", "targets", "target", "目标值", "Target", FIELDS(target_fields), NULL,
	  DT_EF_DELETE | DT_EF_NATIONAL, DT_SCOPE_AREA },
	{ "min_wage", "min-wages", "min_wage", "最低工资标准", "Minimum wage",
	  FIELDS(min_wage_fields), NULL, DT_EF_DELETE | DT_EF_PARTY_READ, DT_SCOPE_AREA },
	{ "alert", "alerts", "alert", "预警", "Alert", FIELDS(alert_fields), NULL, DT_EF_SYSTEM,
	  DT_SCOPE_PARTY },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, DT_SCOPE_UNSET },
};

const struct dt_entity *dt_entity_find(const char *name)
{
	/* first letters first: every request of the API looks its kind up here */
	for (const struct dt_entity *e = dt_entities; e->name; e++)
		if ((e->name[0] == name[0] && !strcmp(e->name, name)) ||
		    (e->plural[0] == name[0] && !strcmp(e->plural, name)))
			return e;
	return NULL;
}

const struct dt_field *dt_entity_field(const struct dt_entity *e, const char *name)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (!strcmp(e->fields[i].name, name))
			return &e->fields[i];
	return NULL;
}
