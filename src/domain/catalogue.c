/*
 * catalogue.c - the words of every problem code, in Chinese and English.
 *
 * One entry per code: the error kind it is (what HTTP status and exit status
 * it becomes), and its wording.  Wordings name no field: the label of the
 * field is put before them ("出生日期：晚于今天").  Placeholders are
 * described in problem.c.  Codes are grouped by subject, each group opened by
 * a comment; add a code to its group.  tests/unit/test_problem.c checks that
 * codes are unique, that both wordings use the same placeholders, that the
 * Chinese wording has no English words, and scripts/check-catalogue.sh that
 * every code used in src/ is here.
 *
 * "label.<name>" entries name fields that are not in the entity table (query
 * parameters, request parts); "word.<value>" entries name enumeration values.
 */
#include "core/common.h"
#include "domain/problem.h"
#include "core/banned.h"

#define E DT_EINVAL
#define C DT_ECONFLICT

const struct dt_message_def dt_catalogue[] = {
	/* ---- any field: presence, type, the entity table's limits ---- */
	{ "field.required", E, "必填", "is required" },
	{ "field.system", E, "由系统填写，不能提交", "is set by the system and cannot be given" },
	{ "field.immutable", E, "创建后不能修改", "cannot be changed after creation" },
	{ "field.unknown", E, "不是“{entity:entity}”的字段", "is not a field of {entity:entity}" },
	{ "type.object", E, "应为 JSON 对象", "expected a JSON object" },
	{ "type.integer", E, "应为整数", "expected an integer" },
	{ "type.number", E, "应为数字", "expected a number" },
	{ "type.string", E, "应为文本", "expected text" },
	{ "type.boolean", E, "应为是或否（true/false）", "expected true or false" },
	{ "type.date", E, "应为日期，格式为 YYYY-MM-DD（如 2026-09-01）",
	  "expected a date YYYY-MM-DD (such as 2026-09-01)" },
	{ "text.nul", E, "不能含有空字符", "must not contain NUL characters" },
	{ "text.utf8", E, "不是有效的 UTF-8 文本", "is not valid UTF-8 text" },
	{ "text.empty", E, "不能为空", "must not be empty" },
	{ "text.too_long", E, "过长（{length} 个字符，最多 {max} 个）",
	  "is too long ({length} characters; at most {max})" },
	{ "number.range", E, "{value} 超出范围 {min} 至 {max}", "{value} is out of range {min}..{max}" },
	{ "number.step", E, "{value} 须为 {step} 的整数倍", "{value} must be a multiple of {step}" },
	{ "enum.value", E, "“{value}”不是可选值，可选：{values:list}",
	  "'{value}' is not one of: {values:list}" },
	{ "ref.missing", E, "没有编号为 {id} 的{entity:entity}", "no {entity:entity} with id {id}" },
	{ "ref.kind", E, "编号 {id} 是{kind:word}，不是{expected:word}",
	  "{id} is of kind {kind:word}, not {expected:word}" },
	{ "type.region", E, "应为行政区划代码（如 210100）", "expected a region code such as 210100" },
	{ "region.unknown", E, "“{value}”不在行政区划表中", "'{value}' is not in the region table" },
	{ "unique.taken", C, "已有记录使用该值", "another record already has this value" },
	{ "record.in_use", C, "仍有其他记录引用，不能删除", "is still referred to by other records" },
	{ "record.not_found", DT_ENOTFOUND, "记录不存在", "no such record" },
	{ "record.not_yours", DT_EDENIED, "无权修改这条记录", "is not yours to change" },
	{ "record.no_delete", C, "这类记录不能删除", "records of this kind cannot be deleted" },
	{ "filter.unknown", E, "不能按此字段筛选“{entity:entity}”", "is not a filter of {entity:entity}" },
	{ "filter.year_only", E, "无权查看完整日期，只能按年份（YYYY）筛选，不能按“{value}”",
	  "is shown as a year without pii:read and filtered by a year (YYYY) only, not '{value}'" },
	{ "filter.city_only", E, "无权查看完整地区，只能按省或市的代码筛选，不能按“{value}”",
	  "is shown down to the city without pii:read and filtered by a province or city code only, not '{value}'" },
	{ "list.sort", E, "不能按“{value}”排序", "cannot sort by '{value}'" },
	{ "list.cursor", E, "不是本列表的翻页位置", "is not a cursor from this list" },
	{ "record.kind_unknown", E, "“{kind}”不是记录类型", "'{kind}' is not a kind of record" },
	{ "legacy.text", E, "{message}", "{message}" },
	{ "internal.unknown_code", DT_EINTERNAL, "内部错误（未登记的问题代码 {code}）",
	  "internal error (unregistered problem code {code})" },
	/* words of the values of enumerated fields that no rule names */
	{ "word.M", E, "男", "male (M)" },
	{ "word.F", E, "女", "female (F)" },
	{ "word.micro", E, "微型", "micro" },
	{ "word.small", E, "小型", "small" },
	{ "word.medium", E, "中型", "medium" },
	{ "word.large", E, "大型", "large" },
	{ "word.company", E, "企业", "company" },
	{ "word.planned", E, "计划中", "planned" },
	{ "word.in_progress", E, "进行中", "in progress" },
	{ "word.done", E, "已完成", "done" },

	/* ---- identifiers: national ID, USCC, region and occupation codes, dates, numbers ---- */
	{ "date.invalid", E, "“{value}”不是有效日期", "'{value}' is not a valid date" },
	{ "natid.blanks", E, "首尾不能有空格", "must not begin or end with blanks" },
	{ "natid.legacy", E, "15位旧身份证号：请换领18位身份证",
	  "15-digit legacy ID: re-issue as an 18-digit ID" },
	{ "natid.length", E, "应为18位（现为 {length} 位）", "must be 18 characters, got {length}" },
	{ "natid.digit", E, "第 {position} 位应为数字", "character {position} is not a digit" },
	{ "natid.last_char", E, "第18位应为数字或 X", "character 18 must be a digit or X" },
	{ "natid.check_char", E, "校验位错误：应为 {expected}，实为 {got}",
	  "wrong check character: expected {expected}, got {got}" },
	{ "natid.province", E, "地址码 {region} 中的省级代码 {province} 不存在",
	  "region code {region} has no such province ({province})" },
	{ "natid.birth_invalid", E, "出生日期 {birth} 不存在", "birth date {birth} does not exist" },
	{ "natid.birth_future", E, "出生日期 {birth} 晚于今天", "birth date {birth} is in the future" },
	{ "uscc.length", E, "应为18位（现为 {length} 位）", "must be 18 characters, got {length}" },
	{ "uscc.letter", E, "第 {position} 位：不使用字母 {letter}（不用 I、O、S、V、Z）",
	  "position {position}: the letter {letter} is never used (no I, O, S, V, Z)" },
	{ "uscc.char", E, "第 {position} 位不是数字或字母", "position {position}: not a digit or a letter" },
	{ "uscc.authority", E, "第1位登记管理部门代码 {value} 不存在（应为 1-9、A、N 或 Y）",
	  "position 1: unknown registration authority {value} (1-9, A, N or Y)" },
	{ "uscc.org_type", E, "第2位机构类别应为数字 1-9，实为 {value}",
	  "position 2: organisation type must be a digit 1-9, got {value}" },
	{ "uscc.region_digit", E, "第 {position} 位：行政区划码（第3-8位）应为数字",
	  "position {position}: the region code (positions 3-8) must be digits" },
	{ "uscc.province", E, "第3-8位行政区划码 {region} 中的省级代码 {province} 不存在",
	  "positions 3-8: region code {region} has no such province ({province})" },
	{ "uscc.org_check", E, "第17位组织机构代码校验位错误：应为 {expected}，实为 {got}",
	  "position 17: wrong check character of the organisation code: expected {expected}, got {got}" },
	{ "uscc.check_char", E, "第18位校验位错误：应为 {expected}，实为 {got}",
	  "position 18: wrong check character: expected {expected}, got {got}" },
	{ "region.format", E, "“{value}”不是6位数字的行政区划代码",
	  "'{value}' is not a region code of 6 digits" },
	{ "region.province", E, "“{value}”的省级代码 {province} 不存在",
	  "'{value}': no such province ({province})" },
	{ "region.county", E, "“{value}”有区县位而地市位为 00",
	  "'{value}' has county digits under prefecture digits 00" },
	{ "occupation.format", E, "“{value}”不是职业编码（格式 X-XX-XX-XX，如 6-31-01-03）",
	  "'{value}' is not an occupation code (form X-XX-XX-XX, such as 6-31-01-03)" },
	{ "occupation.unknown", E, "“{value}”不在职业分类表中", "'{value}' is not in the occupation catalogue" },
	{ "occupation.major", E, "职业大类应为 1-8，实为 {value}",
	  "the major group must be 1-8, got {value}" },
	{ "levels.format", E, "应为以空格分隔的技能等级 1-5，如“5 4 3”",
	  "expected skill levels 1..5 separated by blanks, such as \"5 4 3\"" },
	{ "levels.repeated", E, "技能等级 {level} 重复", "skill level {level} is given twice" },
	{ "indicator.unknown", E, "{value} 不是指标代码", "{value} is not an indicator code" },
	{ "phone.invalid", E, "不是有效的电话号码（手机号如 13800138000，座机如 010-12345678）",
	  "is not a valid phone number (a mobile such as 13800138000, a landline such as 010-12345678)" },
	{ "email.invalid", E, "不是有效的电子邮箱地址（格式为“用户名@域名”）",
	  "is not a valid e-mail address (such as name@example.cn)" },

	/* ---- record rules: trainees, contracts, the record book, assessments, outcomes, demand ---- */
	{ "record.system_only", DT_EDENIED, "由系统写入，不能手工增改删",
	  "is written by the system only" },

	/* ---- the HTTP edge: requests, parameters, sessions ---- */
	{ "http.not_found", DT_ENOTFOUND, "没有这个地址", "no such route" },

	/* ---- the command line ---- */
	{ "cli.unknown_command", DT_EUSAGE, "“{name}”不是 dualtrack 的命令",
	  "{name} is not a dualtrack command" },

	/* ---- imports: files, rows, cells and reports ---- */
	{ "import.cell_too_long", E, "过长（{length} 个字符，单元格最多 {max} 字节）",
	  "is too long ({length} characters; a cell holds at most {max} bytes)" },
	{ "import.too_many_columns", E, "表头有 {count} 列，超过上限 {max} 列",
	  "the header has {count} columns, more than the limit of {max}" },

	/* ---- names of enumeration values used in messages ---- */
	{ "word.enterprise", E, "企业", "enterprise" },
	{ "word.school", E, "院校", "school" },
	{ "word.government", E, "政府部门", "government body" },
	{ "word.assessment_body", E, "评价机构", "assessment body" },

	/* ---- labels of what is not an entity field ---- */
	{ "label.body", E, "请求内容", "Request body" },
	{ "label.limit", E, "每页条数", "limit" },
	{ "label.cursor", E, "翻页位置", "cursor" },
	{ "label.sort", E, "排序", "sort" },
	{ "label.q", E, "搜索词", "search" },

	{ NULL, DT_OK, NULL, NULL },
};
