/*
 * problem.c - recording structured problems and wording them (problem.h).
 *
 * A problem holds only its code and arguments; the words come from the
 * catalogue when it is rendered.  A template names arguments in braces:
 * "{value}" is the argument as given, "{other:label}" the label of the
 * field the argument names (in the problem's entity), "{kind:word}" the
 * catalogue's "word.<value>" (the name of an enumeration value),
 * "{ref:entity}" the label of the entity the argument names,
 * "{values:list}" a '|'-separated list of words joined the way the
 * language joins lists, and "{field}" the label of the problem's own field.
 */
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "domain/problem.h"
#include "domain/entity.h"
#include "core/banned.h"

static char *dup_text(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(n + 1);
	if (d)
		memcpy(d, s, n + 1);
	return d;
}

static void problem_free(struct dt_problem *p)
{
	free(p->field);
	for (size_t i = 0; i < p->nargs; i++)
		free(p->val[i]);
	memset(p, 0, sizeof(*p));
}

static struct dt_problem *problem_new(struct dt_problems *ps)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 8;
		struct dt_problem *v = realloc(ps->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		ps->v = v;
		ps->cap = cap;
	}
	struct dt_problem *p = &ps->v[ps->n++];
	memset(p, 0, sizeof(*p));
	p->entity = ps->entity;
	return p;
}

static enum dt_err record(struct dt_problems *ps, const char *field, const char *code, bool warning,
			  va_list ap)
{
	const struct dt_message_def *m = dt_catalogue_find(code);
	enum dt_err kind = m ? m->kind : DT_EINTERNAL;
	if (!ps)
		return warning ? DT_OK : kind;
	struct dt_problem *p = problem_new(ps);
	if (!p)
		return DT_ENOMEM;
	p->code = m ? m->code : "internal.unknown_code";
	p->warning = warning;
	p->field = field ? dup_text(field) : NULL;
	if (!m) {
		p->key[0] = "code";
		p->val[0] = dup_text(code ? code : "");
		p->nargs = 1;
		return DT_EINTERNAL;
	}
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		if (p->nargs == DT_PROBLEM_MAXARGS)
			continue; /* a bug; the test of the catalogue keeps templates within */
		p->key[p->nargs] = k;
		p->val[p->nargs] = dup_text(v ? v : "");
		p->nargs++;
	}
	return warning ? DT_OK : kind;
}

enum dt_err dt_problem_addv(struct dt_problems *ps, const char *field, const char *code, va_list ap)
{
	return record(ps, field, code, false, ap);
}

enum dt_err dt_problem_add(struct dt_problems *ps, const char *field, const char *code, ...)
{
	va_list ap;
	va_start(ap, code);
	enum dt_err rc = record(ps, field, code, false, ap);
	va_end(ap);
	return rc;
}

enum dt_err dt_problem_warn(struct dt_problems *ps, const char *field, const char *code, ...)
{
	va_list ap;
	va_start(ap, code);
	record(ps, field, code, true, ap);
	va_end(ap);
	return DT_OK;
}

const char *dt_problem_int(char *buf, long long n)
{
	/* 24 bytes hold any long long; built backwards without snprintf's locale. */
	char *p = buf + 23;
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		*--p = '-';
	return p;
}

const char *dt_problem_arg(const struct dt_problem *p, const char *key)
{
	for (size_t i = 0; i < p->nargs; i++)
		if (!strcmp(p->key[i], key))
			return p->val[i];
	return NULL;
}

void dt_problems_entity(struct dt_problems *ps, const char *entity)
{
	ps->entity = entity;
}

void dt_problems_reset(struct dt_problems *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		problem_free(&ps->v[i]);
	ps->n = 0;
}

void dt_problems_release(struct dt_problems *ps)
{
	dt_problems_reset(ps);
	free(ps->v);
	ps->v = NULL;
	ps->cap = 0;
	ps->entity = NULL;
}

size_t dt_problems_errors(const struct dt_problems *ps)
{
	size_t n = 0;
	for (size_t i = 0; ps && i < ps->n; i++)
		n += !ps->v[i].warning;
	return n;
}

const struct dt_problem *dt_problems_first(const struct dt_problems *ps)
{
	for (size_t i = 0; ps && i < ps->n; i++)
		if (!ps->v[i].warning)
			return &ps->v[i];
	return NULL;
}

bool dt_problems_has(const struct dt_problems *ps, const char *code)
{
	for (size_t i = 0; ps && i < ps->n; i++)
		if (!ps->v[i].warning && !strcmp(ps->v[i].code, code))
			return true;
	return false;
}

void dt_problems_append(struct dt_problems *to, const struct dt_problems *from, const char *prefix)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	for (size_t i = 0; i < from->n; i++) {
		const struct dt_problem *src = &from->v[i];
		struct dt_problem *p = problem_new(to);
		if (!p)
			return;
		p->code = src->code;
		p->entity = src->entity;
		p->warning = src->warning;
		struct dt_strbuf f = DT_STRBUF_INIT;
		if (src->field) {
			dt_strbuf_add(&f, prefix ? prefix : "", plen);
			dt_strbuf_adds(&f, src->field);
		} else if (plen) {
			dt_strbuf_add(&f, prefix, plen - (prefix[plen - 1] == '.'));
		}
		p->field = src->field || plen ? dt_strbuf_detach(&f, NULL) : NULL;
		dt_strbuf_release(&f);
		for (size_t k = 0; k < src->nargs; k++) {
			p->key[k] = src->key[k];
			p->val[k] = dup_text(src->val[k]);
		}
		p->nargs = src->nargs;
	}
}

/* ---- wording ---- */

const struct dt_message_def *dt_catalogue_find(const char *code)
{
	/* Only failures are worded: a linear scan of a few hundred entries is cheap. */
	for (const struct dt_message_def *m = dt_catalogue; code && m->code; m++)
		if (!strcmp(m->code, code))
			return m;
	return NULL;
}

enum dt_err dt_problem_kind(const char *code)
{
	const struct dt_message_def *m = dt_catalogue_find(code);
	return m ? m->kind : DT_EINTERNAL;
}

const char *dt_problem_label(const char *entity, const char *field, enum dt_lang lang)
{
	if (!field)
		return "";
	const struct dt_entity *e = entity ? dt_entity_find(entity) : NULL;
	const struct dt_field *f = e ? dt_entity_field(e, field) : NULL;
	if (f)
		return lang == DT_LANG_EN ? f->label_en : f->label_zh;
	struct dt_strbuf code = DT_STRBUF_INIT;
	dt_strbuf_addf(&code, "label.%s", field);
	const struct dt_message_def *m = dt_catalogue_find(code.buf);
	dt_strbuf_release(&code);
	if (m)
		return lang == DT_LANG_EN ? m->en : m->zh;
	return field;
}

/* The argument named by the @klen bytes at @key, or NULL. */
static const char *arg_of(const struct dt_problem *p, const char *key, size_t klen)
{
	for (size_t i = 0; i < p->nargs; i++)
		if (strlen(p->key[i]) == klen && !memcmp(p->key[i], key, klen))
			return p->val[i];
	return NULL;
}

/* The catalogue's "word.<v>" in @lang (an enumeration value's name), else @v. */
static const char *word(const char *v, enum dt_lang lang)
{
	struct dt_strbuf code = DT_STRBUF_INIT;
	dt_strbuf_addf(&code, "word.%s", v);
	const struct dt_message_def *m = dt_catalogue_find(code.buf);
	dt_strbuf_release(&code);
	return !m ? v : lang == DT_LANG_EN ? m->en : m->zh;
}

static void fill(const char *tpl, const struct dt_problem *p, enum dt_lang lang,
		 struct dt_strbuf *out)
{
	for (const char *s = tpl; *s;) {
		const char *open = strchr(s, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			dt_strbuf_adds(out, s);
			return;
		}
		dt_strbuf_add(out, s, (size_t)(open - s));
		const char *name = open + 1;
		const char *colon = memchr(name, ':', (size_t)(close - name));
		size_t nlen = (size_t)((colon ? colon : close) - name);
		const char *how = colon ? colon + 1 : NULL;
		size_t hlen = colon ? (size_t)(close - how) : 0;
		if (nlen == 5 && !memcmp(name, "field", 5) && !colon) {
			dt_strbuf_adds(out, dt_problem_label(p->entity, p->field, lang));
		} else {
			const char *v = arg_of(p, name, nlen);
			if (!v)
				v = "";
			if (hlen == 5 && !memcmp(how, "label", 5)) {
				dt_strbuf_adds(out, dt_problem_label(p->entity, v, lang));
			} else if (hlen == 4 && !memcmp(how, "word", 4)) {
				dt_strbuf_adds(out, word(v, lang));
			} else if (hlen == 6 && !memcmp(how, "entity", 6)) {
				const struct dt_entity *e = dt_entity_find(v);
				dt_strbuf_adds(out, !e                   ? word(v, lang)
						    : lang == DT_LANG_EN ? e->label_en
									 : e->label_zh);
			} else if (hlen == 4 && !memcmp(how, "list", 4)) {
				for (const char *q = v; *q;) {
					size_t n = strcspn(q, "|");
					char *one = malloc(n + 1);
					if (one) {
						memcpy(one, q, n);
						one[n] = '\0';
						dt_strbuf_adds(out, word(one, lang));
						free(one);
					}
					q += n;
					if (*q) {
						q++;
						dt_strbuf_adds(out,
							       lang == DT_LANG_EN ? ", " : "、");
					}
				}
			} else {
				dt_strbuf_adds(out, v);
			}
		}
		s = close + 1;
	}
}

void dt_problem_render(const struct dt_problem *p, enum dt_lang lang, bool with_label,
		       struct dt_strbuf *out)
{
	const struct dt_message_def *m = dt_catalogue_find(p->code);
	if (with_label && p->field) {
		dt_strbuf_adds(out, dt_problem_label(p->entity, p->field, lang));
		dt_strbuf_adds(out, lang == DT_LANG_EN ? ": " : "：");
	}
	if (!m) {
		dt_strbuf_adds(out, p->code);
		return;
	}
	fill(lang == DT_LANG_EN ? m->en : m->zh, p, lang, out);
}

void dt_problems_render(const struct dt_problems *ps, enum dt_lang lang, struct dt_strbuf *out)
{
	bool first = true;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ps->n; i++) {
			if (ps->v[i].warning != (pass == 1))
				continue;
			if (!first)
				dt_strbuf_adds(out, lang == DT_LANG_EN ? "; " : "；");
			first = false;
			dt_problem_render(&ps->v[i], lang, true, out);
		}
	}
}

void dt_message(struct dt_strbuf *out, enum dt_lang lang, const char *code, ...)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	va_list ap;
	va_start(ap, code);
	record(&ps, NULL, code, false, ap);
	va_end(ap);
	if (ps.n)
		dt_problem_render(&ps.v[0], lang, false, out);
	dt_problems_release(&ps);
}

const char *dt_strerror_lang(enum dt_err e, enum dt_lang lang)
{
	static const char *const zh[] = {
		[DT_OK] = "成功",
		[DT_EINVAL] = "输入有误",
		[DT_ENOTFOUND] = "未找到",
		[DT_ECONFLICT] = "冲突",
		[DT_EDENIED] = "无权操作",
		[DT_ENOMEM] = "内存不足",
		[DT_EIO] = "读写错误",
		[DT_EDB] = "数据库错误",
		[DT_ECRYPTO] = "密钥或加密错误",
		[DT_ECORRUPT] = "存储的数据已损坏",
		[DT_EUSAGE] = "用法错误",
		[DT_EINTERNAL] = "内部错误",
	};
	if (lang == DT_LANG_EN || (unsigned)e >= DT_ARRAY_SIZE(zh) || !zh[e])
		return dt_strerror(e);
	return zh[e];
}
