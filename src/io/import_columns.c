/*
 * import_columns.c - the columns of each kind as files show them, built
 * once from the entity table, and the Chinese names of enumerated values.
 *
 * A field becomes one column named after it, with the field's labels; a
 * reference becomes a column of the referred record's natural key (an
 * organisation's credit code, a trainee's national ID, a programme's or an
 * occupation's code, a pilot's region), or for a contract the trainee's
 * national ID and the contract's start date; a reference to anything else
 * stays a record id.  System fields come last: exports write them, imports
 * ignore them; after them, for each reference and region, a column of the
 * referred record's name (organisation, trainee, programme, occupation,
 * pilot, region), which exports fill and imports ignore as well.  A contract's status, end date and dissolution reason are
 * importable (by administrators), so that an exported contract comes back
 * as it was.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/common.h"
#include "io/import.h"
#include "core/banned.h"

struct natural_key {
	const char *entity;  /* the entity referred to */
	const char *suffix;  /* appended to the reference's base name */
	const char *zh, *en; /* appended to the reference's labels */
	bool pii, codes;
};

static const struct natural_key natural_keys[] = {
	{ "organization", "_uscc", "统一社会信用代码", " credit code", false, true },
	{ "trainee", "_national_id", "身份证号", " national ID", true, true },
	{ "programme", "_code", "编码", " code", false, true },
	{ "occupation", "_code", "编码", " code", false, true },
	{ "pilot", "_region", "地区代码", " region code", false, true },
};

struct kind_cols {
	const struct dt_entity *e;
	struct dt_iocol *cols;
	size_t n;
};

static struct kind_cols *all;
static size_t nall;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static char *dup_join(const char *a, const char *b)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_strbuf_adds(&sb, a);
	dt_strbuf_adds(&sb, b);
	return dt_strbuf_detach(&sb, NULL);
}

/* The name of a reference without its "_id": "enterprise_id" -> "enterprise". */
static char *ref_base(const char *name)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	size_t n = strlen(name);
	dt_strbuf_add(&sb, name, n > 3 && !strcmp(name + n - 3, "_id") ? n - 3 : n);
	return dt_strbuf_detach(&sb, NULL);
}

static bool is_state_field(const struct dt_entity *e, const struct dt_field *f)
{
	return !strcmp(e->name, "contract") &&
	       (!strcmp(f->name, "status") || !strcmp(f->name, "ended_on") ||
		!strcmp(f->name, "dissolution_reason"));
}

static bool codes_type(const struct dt_field *f)
{
	return f->type != DT_F_TEXT || f->check;
}

static void build_one(struct kind_cols *k)
{
	const struct dt_entity *e = k->e;
	/* At most two columns per field (a contract reference), and a name column. */
	k->cols = calloc(e->nfields * 3 + 1, sizeof(*k->cols));
	if (!k->cols)
		abort();
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < e->nfields; i++) {
			const struct dt_field *f = &e->fields[i];
			bool sys = (f->flags & DT_FF_SYSTEM) && !is_state_field(e, f);
			/* The region code is the key of a region: the user gives it. */
			if (!strcmp(e->name, "region") && !strcmp(f->name, "id"))
				sys = false;
			if (sys != (pass == 1))
				continue;
			struct dt_iocol *c = &k->cols[n++];
			c->field = f;
			c->name = f->name;
			c->label_zh = f->label_zh;
			c->label_en = f->label_en;
			c->type = f->type;
			c->required = (f->flags & DT_FF_REQUIRED) != 0;
			c->pii = (f->flags & DT_FF_PII) != 0;
			c->codes = codes_type(f);
			c->kind = sys                    ? DT_IOC_SYSTEM
				  : is_state_field(e, f) ? DT_IOC_STATE
							 : DT_IOC_VALUE;
			if (f->type != DT_F_REF || sys)
				continue;
			c->ref = f->ref;
			c->kind = DT_IOC_ID;
			c->codes = true;
			if (!strcmp(f->ref, "contract")) {
				c->kind = DT_IOC_KEY;
				c->name = "trainee_national_id";
				c->label_zh = "学员身份证号";
				c->label_en = "Trainee national ID";
				c->type = DT_F_TEXT;
				c->pii = true;
				struct dt_iocol *d = &k->cols[n++];
				d->kind = DT_IOC_CONTRACT_DATE;
				d->field = f;
				d->name = "contract_start_date";
				d->label_zh = "合同开始日期";
				d->label_en = "Contract start date";
				d->ref = "contract";
				d->type = DT_F_DATE;
				d->codes = true;
				continue;
			}
			for (size_t j = 0; j < DT_ARRAY_SIZE(natural_keys); j++) {
				const struct natural_key *nk = &natural_keys[j];
				if (strcmp(nk->entity, f->ref))
					continue;
				char *base = ref_base(f->name);
				c->kind = DT_IOC_KEY;
				c->name = dup_join(base, nk->suffix);
				c->label_zh = dup_join(f->label_zh, nk->zh);
				c->label_en = dup_join(f->label_en, nk->en);
				c->type = DT_F_TEXT;
				c->pii = nk->pii;
				c->codes = nk->codes;
				free(base);
				if (!c->name || !c->label_zh || !c->label_en)
					abort();
			}
		}
	}
	/* the names of what the record refers to */
	for (size_t i = 0; i < e->nfields; i++) {
		const struct dt_field *f = &e->fields[i];
		const char *ref = f->type == DT_F_REGION ? "region"
				  : f->type == DT_F_REF  ? f->ref
							 : NULL;
		bool person = ref && (!strcmp(ref, "trainee") || !strcmp(ref, "mentor")),
		     contract = ref && !strcmp(ref, "contract");
		if (!ref || (!person && !contract && strcmp(ref, "organization") &&
			     strcmp(ref, "programme") && strcmp(ref, "occupation") &&
			     strcmp(ref, "pilot") && strcmp(ref, "region")))
			continue;
		char *base = ref_base(f->name);
		struct dt_iocol *c = &k->cols[n++];
		c->kind = DT_IOC_SYSTEM;
		c->field = f;
		c->ref = ref;
		c->name_of = true;
		c->type = DT_F_TEXT;
		c->name = dup_join(base, "_name");
		c->label_zh = dup_join(f->label_zh, contract ? "学员姓名"
						    : person ? "姓名"
							     : "名称");
		c->label_en = dup_join(f->label_en, contract ? " trainee name" : " name");
		free(base);
		if (!c->name || !c->label_zh || !c->label_en)
			abort();
	}
	k->n = n;
}

static void build(void)
{
	for (const struct dt_entity *e = dt_entities; e->name; e++)
		nall++;
	all = calloc(nall + 1, sizeof(*all));
	if (!all)
		abort();
	for (size_t i = 0; i < nall; i++) {
		all[i].e = &dt_entities[i];
		build_one(&all[i]);
	}
}

const struct dt_iocol *dt_iocols(const struct dt_entity *e, size_t *n)
{
	pthread_once(&once, build);
	for (size_t i = 0; i < nall; i++) {
		if (all[i].e == e) {
			*n = all[i].n;
			return all[i].cols;
		}
	}
	*n = 0;
	return NULL;
}

/* ---- enumerated values in Chinese ---- */

static const struct {
	const char *value;
	const char *zh; /* the first name is what exports write; '|' separates synonyms */
} enum_zh[] = {
	{ "M", "男" },
	{ "F", "女" },
	{ "enterprise", "企业" },
	{ "school", "院校|学校" },
	{ "government", "政府部门|政府" },
	{ "assessment_body", "评价机构" },
	{ "micro", "微型" },
	{ "small", "小型" },
	{ "medium", "中型" },
	{ "large", "大型" },
	{ "company", "企业" },
	{ "intermediate", "中期考核|中期" },
	{ "final", "结业考核|结业" },
	{ "skill_level", "技能等级认定|技能等级" },
	{ "pass", "合格|通过" },
	{ "fail", "不合格|未通过" },
	{ "retained", "培训企业留用|留用" },
	{ "employed_elsewhere", "其他单位就业" },
	{ "further_study", "升学|继续深造" },
	{ "not_employed", "未就业" },
	{ "draft", "草稿" },
	{ "pending", "待确认" },
	{ "active", "履行中|生效" },
	{ "completed", "已完成|完成" },
	{ "dissolved", "已解除|解除" },
	{ "transferred", "已转签|转签" },
};

/* Is @v one of the '|'-separated words of @list?  @n is v's length. */
static bool in_list(const char *list, const char *v, size_t n, bool nocase)
{
	for (const char *p = list; *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && (nocase ? !strncasecmp(p, v, n) : !strncmp(p, v, n)))
			return true;
		if (!bar)
			break;
		p = bar + 1;
	}
	return false;
}

/* The word of @list equal to @v ignoring case, copied to @buf; NULL if none. */
static const char *list_word(const char *list, const char *v, char *buf, size_t bufsz)
{
	size_t n = strlen(v);
	for (const char *p = list; *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && len < bufsz && !strncasecmp(p, v, n)) {
			memcpy(buf, p, len);
			buf[len] = '\0';
			return buf;
		}
		if (!bar)
			break;
		p = bar + 1;
	}
	return NULL;
}

const char *dt_io_enum_value(const struct dt_field *f, const char *text)
{
	static _Thread_local char buf[64];
	size_t n = strlen(text);
	if (!f->values)
		return NULL;
	if (in_list(f->values, text, n, false))
		return text;
	const char *w = list_word(f->values, text, buf, sizeof(buf));
	if (w)
		return w;
	for (size_t i = 0; i < DT_ARRAY_SIZE(enum_zh); i++)
		if (in_list(f->values, enum_zh[i].value, strlen(enum_zh[i].value), false) &&
		    in_list(enum_zh[i].zh, text, n, false))
			return enum_zh[i].value;
	return NULL;
}

const char *dt_io_enum_zh(const struct dt_field *f, const char *value)
{
	(void)f;
	static _Thread_local char buf[64];
	for (size_t i = 0; i < DT_ARRAY_SIZE(enum_zh); i++) {
		if (strcmp(enum_zh[i].value, value))
			continue;
		const char *bar = strchr(enum_zh[i].zh, '|');
		size_t len = bar ? (size_t)(bar - enum_zh[i].zh) : strlen(enum_zh[i].zh);
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, enum_zh[i].zh, len);
		buf[len] = '\0';
		return buf;
	}
	return value;
}
