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
	{ "region.unknown", E, "“{value}”不在行政区划表中", "'{value}' is not in the region table" },
	{ "unique.taken", C, "已有记录使用该值", "another record already has this value" },
	{ "record.in_use", C, "仍有其他记录引用，不能删除", "is still referred to by other records" },
	{ "record.not_found", DT_ENOTFOUND, "记录不存在", "no such record" },
	{ "legacy.text", E, "{message}", "{message}" },
	{ "internal.unknown_code", DT_EINTERNAL, "内部错误（未登记的问题代码 {code}）",
	  "internal error (unregistered problem code {code})" },

	/* ---- identifiers: national ID, USCC, region and occupation codes, dates, numbers ---- */
	{ "date.invalid", E, "“{value}”不是有效日期", "'{value}' is not a valid date" },

	/* ---- record rules: trainees, contracts, the record book, assessments, outcomes, demand ---- */
	{ "record.system_only", DT_EDENIED, "由系统写入，不能手工增改删",
	  "is written by the system only" },
	{ "date.order", E, "{value} 早于{other:label}（{other_value}）",
	  "{value} is before {other:label} ({other_value})" },
	{ "date.not_after", E, "{value} 须晚于{other:label}（{other_value}）",
	  "{value} is not after {other:label} ({other_value})" },
	{ "date.future", E, "{value} 晚于今天", "{value} is in the future" },
	{ "trainee.too_young", E, "学员现年 {age} 岁，须年满 {min} 周岁",
	  "the trainee is {age}: trainees must be at least {min}" },
	{ "trainee.guardian_required", E, "学员未满 {adult} 周岁（现年 {age} 岁），须填写监护人",
	  "is required for a trainee under {adult} (aged {age})" },
	{ "trainee.natid_mismatch", E, "{value} 与身份证号码不符（应为 {expected}）",
	  "{value} does not match the national ID ({expected})" },
	{ "trainee.natid_derived", E, "由身份证号码得出，不能修改",
	  "follows from the national ID and cannot be changed" },
	{ "trainee.taken", C, "该身份证号码的学员已登记", "a trainee with this ID is already registered" },
	{ "trainee.no_key", DT_ECRYPTO, "未配置密钥文件，不能保存身份证号码",
	  "no key file: identity numbers cannot be stored" },
	{ "contract.final", C, "合同已{status:word}，不能再变更", "the contract is {status:word}: no further changes" },
	{ "contract.not_submitted", C, "合同为{status:word}状态，不能{event:word}：尚未提交",
	  "cannot {event:word} a {status:word} contract: it has not been submitted" },
	{ "contract.submit_first", C, "合同为{status:word}状态，不能{event:word}：请先提交审批",
	  "cannot {event:word} a {status:word} contract: submit it for approval first" },
	{ "contract.not_active", C, "合同为{status:word}状态，不能{event:word}：合同未生效",
	  "cannot {event:word} a {status:word} contract: it is not active" },
	{ "contract.already_submitted", C, "合同为{status:word}状态，不能{event:word}：已经提交",
	  "cannot {event:word} a {status:word} contract: it has already been submitted" },
	{ "contract.in_force", C, "合同为{status:word}状态，不能{event:word}：合同已生效，请办理转签或解除",
	  "cannot {event:word} a {status:word} contract: it is in force; transfer or dissolve it instead" },
	{ "contract.already_in_force", C, "合同为{status:word}状态，不能{event:word}：合同已生效",
	  "cannot {event:word} a {status:word} contract: it is already in force" },
	{ "contract.approvals_missing", C, "不能生效：{parties:list}尚未审批",
	  "cannot activate the contract: not yet approved by the {parties:list}" },
	{ "contract.already_approved", C, "{party:word}已审批过该合同",
	  "the {party:word} has already approved this contract" },
	{ "contract.unknown_status", E, "未知的合同状态 {value}", "unknown contract status {value}" },
	{ "contract.unknown_event", E, "未知的合同操作 {value}", "unknown contract action {value}" },
	{ "contract.unknown_party", E, "未知的审批方 {value}", "unknown approving party {value}" },
	{ "contract.edit_event", E, "修改合同请使用更新操作", "edit a contract with an update" },
	{ "contract.open_exists", E, "学员 {trainee} 已有未结束的合同（草稿、待审批或生效中）",
	  "trainee {trainee} already has an open contract (draft, pending or active)" },
	{ "contract.active_exists", C, "该学员已有生效中的合同 {other}",
	  "the trainee already has active contract {other}" },
	{ "contract.programme_school", E, "培养方案 {programme} 由院校 {school} 开设，不是本合同的院校",
	  "programme {programme} is run by school {school}, not by the contract's school" },
	{ "contract.after_end", E, "{value} 晚于合同期满日（{end}）",
	  "{value} is after the contract ended ({end})" },
	{ "contract.complete_early", E,
	  "{value} 早于合同期满日（{end}）：期满前结业须先通过结业考核",
	  "{value} is before the contract's end ({end}): completing early requires a passed final assessment" },
	{ "contract.draft_only", C, "合同为{status:word}状态：只能删除草稿（请改为解除合同）",
	  "the contract is {status:word}: only drafts can be deleted (dissolve it instead)" },
	{ "contract.transfer_same", E, "转签须更换企业或院校：请填写新的企业或院校",
	  "a transfer changes the enterprise or the school: give a new enterprise_id or school_id" },
	{ "contract.reason_required", E, "解除合同须填写原因", "is required to dissolve a contract" },
	{ "record.contract_not_active", C, "合同 {contract} 为{status:word}状态：只能在生效中的合同上记录",
	  "contract {contract} is {status:word}: entries go on active contracts only" },
	{ "record.outside_contract", E, "{value} 不在合同期内（{start} 至 {end}）",
	  "{value} is outside the contract ({start} to {end})" },
	{ "record.no_hours", E, "须大于 0", "must be more than 0" },
	{ "record.daily_hours", E,
	  "{date} 已记录 {recorded} 学时，再加 {hours} 学时将超过每日上限 {limit} 学时",
	  "{date} already has {recorded} hours: {hours} more would pass the daily limit of {limit}" },
	{ "record.signed", C, "培养记录 {entry} 已签核，不能修改或删除",
	  "record-book entry {entry} is signed off and cannot be changed or deleted" },
	{ "record.already_signed", C, "已由 {by} 签核", "is already signed off by {by}" },
	{ "assessment.contract_status", E, "合同 {contract} 为{status:word}状态：只对生效中或已结业的合同考核",
	  "contract {contract} is {status:word}: only active or completed contracts are assessed" },
	{ "assessment.level_required", E, "技能等级考核须填写等级",
	  "is required for a skill-level assessment" },
	{ "occupation.no_level", E, "职业 {occupation} 没有 {level} 级（只有 {levels} 级）",
	  "occupation {occupation} has no level {level} (it has {levels})" },
	{ "outcome.contract_open", E, "合同 {contract} 为{status:word}状态：结业或解除后才能登记去向",
	  "contract {contract} is {status:word}: outcomes are recorded after completion or dissolution" },
	{ "outcome.retained_employer", E, "留用指由培养企业 {enterprise} 录用",
	  "retained means employed by the training enterprise {enterprise}" },
	{ "pilot.county", E, "试点地区须为省或市，不能是县区", "a pilot is a province or a city, not a county" },
	{ "target.scope", E, "只能为本辖区内的地区设定目标",
	  "targets can be set only for regions within your scope" },
	{ "target.list", E, "应为目标列表（指标、目标值、基线）",
	  "expected an array of targets (indicator, value, baseline)" },
	{ "alert.resolved", C, "预警 {alert} 已处理完毕", "alert {alert} is already resolved" },
	{ "alert.not_open", C, "预警 {alert} 为{status:word}状态，不是待处理",
	  "alert {alert} is {status:word}, not open" },
	{ "alert.unknown_action", DT_ENOTFOUND, "没有“{action}”这种预警操作（可用：确认、处理）",
	  "no alert action '{action}' (ack or resolve)" },
	{ "organization.region_uscc", E,
	  "所在地区 {region} 与统一社会信用代码中的登记地区 {uscc_region} 不同（代码记录的是首次登记地，请核对）",
	  "region {region} differs from the registration region {uscc_region} in the USCC (the code records where it was first registered: please check)" },
	{ "word.draft", E, "草稿", "draft" },
	{ "word.pending", E, "待审批", "pending" },
	{ "word.active", E, "生效中", "active" },
	{ "word.completed", E, "已结业", "completed" },
	{ "word.dissolved", E, "已解除", "dissolved" },
	{ "word.transferred", E, "已转签", "transferred" },
	{ "word.edit", E, "修改", "edit" },
	{ "word.submit", E, "提交", "submit" },
	{ "word.withdraw", E, "撤回", "withdraw" },
	{ "word.approve", E, "审批", "approve" },
	{ "word.activate", E, "生效", "activate" },
	{ "word.complete", E, "结业", "complete" },
	{ "word.dissolve", E, "解除", "dissolve" },
	{ "word.transfer", E, "转签", "transfer" },
	{ "word.trainee", E, "学员", "trainee" },
	{ "word.open", E, "待处理", "open" },
	{ "word.acknowledged", E, "已确认", "acknowledged" },
	{ "word.resolved", E, "已处理", "resolved" },
	{ "label.contract_start", E, "合同开始日期", "contract start" },
	{ "label.ended_on", E, "合同终止日期", "contract end" },
	{ "label.reason", E, "解除原因", "reason" },
	{ "label.in_probation", E, "是否在试用期内", "in probation" },
	{ "label.party", E, "审批方", "party" },
	{ "label.date", E, "日期", "date" },
	{ "label.targets", E, "目标", "targets" },

	/* ---- the HTTP edge: requests, parameters, sessions ---- */
	{ "http.not_found", DT_ENOTFOUND, "没有这个地址", "no such route" },

	/* ---- the command line ---- */
	{ "cli.unknown_command", DT_EUSAGE, "“{name}”不是 dualtrack 的命令",
	  "{name} is not a dualtrack command" },

	/* ---- imports: files, rows, cells and reports ---- */
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
