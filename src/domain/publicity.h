/*
 * publicity.h - the rules of promotion and publicity (推广、宣传, issue 15):
 * who may do which step to a good-practice case (典型经验) and to news,
 * notices and policy documents, and what state the step leads to.
 *
 * A case is written by a school or enterprise (for its own organisation)
 * or by a city (for its region), and moves:
 *
 *   draft       --submit-->    submitted    its author
 *   submitted   --recommend--> recommended  the city (of the case's region)
 *   recommended --approve-->   approved     the province
 *   approved    --publish-->   published    the province (or the nation)
 *   published   --feature-->   published    the nation (featured on)
 *   published   --unfeature--> published    the nation (featured off)
 *   submitted, recommended, approved --send_back--> draft   the reviewer
 *               whose step is next (city, province, province), with a comment
 *   submitted, recommended, approved, published --withdraw--> withdrawn
 *               its author, the province or the nation
 *   draft, withdrawn --edit--> draft         its author (a new version)
 *   any state   --comment-->   the same      its author and any reviewer
 *
 * News, notices and policy documents are written by an official (nation,
 * province, city) for its region: draft --publish--> published
 * --withdraw--> withdrawn, and a draft or withdrawn item may be edited.
 *
 * "In scope" is the store's finding: the case's organisation is the
 * account's (school, enterprise), or its region lies within the account's
 * (city, province, national).  Out of scope nothing is allowed (the store
 * answers such a case as missing before it asks).  Admins, trainees and
 * inspectors take no step: publicity is the officials' and organisations'.
 */
#ifndef DT_PUBLICITY_H
#define DT_PUBLICITY_H

#include <stdbool.h>

#include "core/err.h"
#include "domain/problem.h"

enum dt_case_status {
	DT_CASE_DRAFT,
	DT_CASE_SUBMITTED,
	DT_CASE_RECOMMENDED,
	DT_CASE_APPROVED,
	DT_CASE_PUBLISHED,
	DT_CASE_WITHDRAWN,
	DT_CASE_NSTATUS
};

enum dt_case_step {
	DT_CS_EDIT, /* create or change the content (a new version) */
	DT_CS_SUBMIT,
	DT_CS_RECOMMEND,
	DT_CS_APPROVE,
	DT_CS_PUBLISH,
	DT_CS_FEATURE,
	DT_CS_UNFEATURE,
	DT_CS_SEND_BACK,
	DT_CS_WITHDRAW,
	DT_CS_COMMENT,
	DT_CS_NSTEP
};

/** The roles of accounts (store.h's dt_account.role), as the rule knows them. */
enum dt_pub_role {
	DT_PR_ADMIN,
	DT_PR_NATIONAL,
	DT_PR_PROVINCE,
	DT_PR_CITY,
	DT_PR_SCHOOL,
	DT_PR_ENTERPRISE,
	DT_PR_TRAINEE,
	DT_PR_INSPECTOR,
	DT_PR_NROLE
};

/** Kinds of news items (工作动态, 通知公告, 政策文件). */
enum dt_item_kind { DT_ITEM_NEWS, DT_ITEM_NOTICE, DT_ITEM_POLICY, DT_ITEM_NKIND };

/** Longest title and summary, in characters; the body of a case or item, in bytes. */
#define DT_PUB_TITLE_MAX 200
#define DT_PUB_SUMMARY_MAX 1000
#define DT_PUB_BODY_MAX 200000
/** Most occupations, indicators and images on one case. */
#define DT_PUB_LIST_MAX 20

/** "draft", "submitted", ...; NULL out of range. */
const char *dt_case_status_name(enum dt_case_status s);
enum dt_err dt_case_status_parse(const char *s, enum dt_case_status *out);
/** "edit", "submit", "recommend", "approve", "publish", "feature", "unfeature",
 * "send_back" (also read as "send-back"), "withdraw", "comment"; NULL out of range. */
const char *dt_case_step_name(enum dt_case_step st);
enum dt_err dt_case_step_parse(const char *s, enum dt_case_step *out);
/** "admin", "national", ...; DT_PR_NROLE for an unknown role. */
enum dt_pub_role dt_pub_role_of(const char *role);
const char *dt_pub_role_name(enum dt_pub_role r);
/** "news", "notice", "policy"; NULL out of range. */
const char *dt_item_kind_name(enum dt_item_kind k);
enum dt_err dt_item_kind_parse(const char *s, enum dt_item_kind *out);

/**
 * May @role, @in_scope of the case, take step @step at all (whatever the
 * case's state)?  The table of the head comment, by role only.
 */
bool dt_case_may(enum dt_pub_role role, bool in_scope, enum dt_case_step step);

/**
 * Step @step by @role (@in_scope of the case) on a case in state @from;
 * on success *@to is the new state (for feature, unfeature and comment:
 * @from).  Refusals, in @ps (may be NULL):
 *   "publicity.not_allowed" {step} (DT_EDENIED) the role may not take it,
 *       or the case is out of its scope;
 *   "publicity.transition" {step, status} (DT_ECONFLICT) not from this state;
 *   "publicity.unknown" {value} (DT_EINVAL) @from or @step out of range.
 * Permission is checked before state, so a stranger learns nothing of it.
 */
enum dt_err dt_case_apply(enum dt_case_status from, enum dt_case_step step, enum dt_pub_role role,
			  bool in_scope, enum dt_case_status *to, struct dt_problems *ps);

/**
 * May @role (@in_scope of the item's region) write, publish and withdraw
 * news, notices and policy documents?  Officials only: national, province,
 * city.
 */
bool dt_item_may(enum dt_pub_role role, bool in_scope);

/**
 * A title, summary or body on @field: required, UTF-8 without NUL, at most
 * @max characters (titles, summaries) - "field.required", "text.empty",
 * "text.too_long" {max} (DT_EINVAL).
 */
enum dt_err dt_pub_text_check(struct dt_problems *ps, const char *field, const char *text,
			      size_t max);

#endif
