/*
 * field.c - the one validator of a field's value (field.h).
 *
 * dt_field_check() goes by the field's type; the order of the checks inside
 * one type is the order a person corrects them in (the type, then whether
 * the text is text at all, then its length, then what it means).  The
 * checks that need the database are asked last, through the facts the
 * store gives, so that a value wrong in itself costs no query.
 * dt_field_read() is the import's reading of a cell: it only turns text
 * into a typed value and leaves every rule to dt_field_check().
 *
 * Dates and numbers are parsed with core/date.c and core/num.c without
 * their English messages (which the CLI uses for its options): the problem
 * is recorded here with a code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/common.h"
#include "core/date.h"
#include "core/num.h"
#include "core/utf8.h"
#include "domain/field.h"
#include "domain/indicator.h"
#include "domain/natid.h"
#include "domain/occupation.h"
#include "domain/region.h"
#include "domain/uscc.h"
#include "core/banned.h"

size_t dt_field_text_max(const struct dt_field *f)
{
	return f->max ? (size_t)f->max : DT_TEXT_DEFAULT_MAX;
}

enum dt_err dt_field_text(const struct dt_field *f, const char *text, size_t len,
			  struct dt_problems *ps, const char *field)
{
	if (memchr(text, '\0', len))
		return dt_problem_add(ps, field, "text.nul", NULL);
	if (!dt_utf8_valid(text, len, NULL))
		return dt_problem_add(ps, field, "text.utf8", NULL);
	size_t max = dt_field_text_max(f);
	/* Counting stops past the limit: a long text costs no more than a short one. */
	size_t cps = 0;
	for (size_t i = 0; i < len; i++)
		cps += ((unsigned char)text[i] & 0xC0) != 0x80;
	if (cps == 0 && (f->flags & DT_FF_REQUIRED))
		return dt_problem_add(ps, field, "text.empty", NULL);
	if (cps > max)
		return dt_problem_add(ps, field, "text.too_long", "length", DT_I(cps), "max",
				      DT_I(max), NULL);
	return DT_OK;
}

/* Is @v one of the '|'-separated words of @values? */
static bool enum_has(const char *values, const char *v, size_t n)
{
	for (const char *p = values; *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && !memcmp(p, v, n))
			return true;
		if (!bar)
			break;
		p = bar + 1;
	}
	return false;
}

/* "YYYY-MM-DD" in shape (digits and dashes), whether or not the day exists. */
static bool date_shaped(const char *s, size_t len)
{
	static const char shape[] = "dddd-dd-dd";
	if (len != 10)
		return false;
	for (size_t i = 0; i < 10; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != '-')
			return false;
	return true;
}

static enum dt_err check_text(const struct dt_field *f, const struct dt_value *in,
			      struct dt_value *out, struct dt_strbuf *norm, struct dt_problems *ps,
			      const char *field)
{
	enum dt_err rc = dt_field_text(f, in->text, in->len, ps, field);
	if (rc != DT_OK)
		return rc;
	out->type = DT_V_TEXT;
	out->text = in->text;
	out->len = in->len;
	if (f->check && in->len) {
		/* the check reads a NUL-terminated string: @in's text is one (no NUL inside) */
		struct dt_strbuf copy = DT_STRBUF_INIT;
		const char *v = in->text;
		if (v[in->len] != '\0') {
			dt_strbuf_add(&copy, in->text, in->len);
			v = copy.buf;
		}
		rc = f->check(v, norm, ps, field);
		dt_strbuf_release(&copy);
		if (rc != DT_OK)
			return rc;
		out->text = norm->buf;
		out->len = norm->len;
	}
	return DT_OK;
}

static enum dt_err check_region(const struct dt_value *in, const struct dt_field_facts *facts,
				struct dt_value *out, struct dt_problems *ps, const char *field)
{
	int code = 0;
	char text[8];
	if (in->type == DT_V_INT) {
		/* 210100 given as a number: the same rules as its text */
		if (in->i < 0 || in->i > 999999)
			return dt_problem_add(ps, field, "region.format", "value", DT_I(in->i),
					      NULL);
		char six[8];
		for (int i = 5, v = (int)in->i; i >= 0; i--, v /= 10)
			six[i] = (char)('0' + v % 10);
		six[6] = '\0';
		if (dt_region_code_parse(six, &code, ps, field) != DT_OK)
			return DT_EINVAL;
	} else if (in->type == DT_V_TEXT) {
		if (memchr(in->text, '\0', in->len) || in->len > 6)
			return dt_problem_add(ps, field, "region.format", "value", "", NULL);
		memcpy(text, in->text, in->len);
		text[in->len] = '\0';
		if (dt_region_code_parse(text, &code, ps, field) != DT_OK)
			return DT_EINVAL;
	} else {
		return dt_problem_add(ps, field, "type.region", NULL);
	}
	if (facts && facts->region_exists && !facts->region_exists(facts->ctx, code)) {
		char six[8];
		for (int i = 5, v = code; i >= 0; i--, v /= 10)
			six[i] = (char)('0' + v % 10);
		six[6] = '\0';
		return dt_problem_add(ps, field, "region.unknown", "value", six, NULL);
	}
	out->type = DT_V_INT;
	out->i = code;
	return DT_OK;
}

static enum dt_err check_ref(const struct dt_field *f, const struct dt_value *in,
			     const struct dt_field_facts *facts, struct dt_value *out,
			     struct dt_problems *ps, const char *field)
{
	if (in->type != DT_V_INT)
		return dt_problem_add(ps, field, "type.integer", NULL);
	const char *kind = NULL;
	if (in->i <= 0 ||
	    (facts && facts->ref_find && !facts->ref_find(facts->ctx, f, in->i, &kind)))
		return dt_problem_add(ps, field, "ref.missing", "entity", f->ref, "id", DT_I(in->i),
				      NULL);
	if (facts && facts->ref_find && f->ref_kind && (!kind || strcmp(kind, f->ref_kind)))
		return dt_problem_add(ps, field, "ref.kind", "id", DT_I(in->i), "kind",
				      kind ? kind : "", "expected", f->ref_kind, NULL);
	out->type = DT_V_INT;
	out->i = in->i;
	return DT_OK;
}

/* The range of an INT or REAL field; min = max = 0 means none. */
static enum dt_err check_range(const struct dt_field *f, double d, const char *value,
			       struct dt_problems *ps, const char *field)
{
	if ((f->min || f->max) && (d < (double)f->min || d > (double)f->max))
		return dt_problem_add(ps, field, "number.range", "value", value, "min",
				      DT_I(f->min), "max", DT_I(f->max), NULL);
	return DT_OK;
}

enum dt_err dt_field_check(const struct dt_field *f, const struct dt_value *in,
			   const struct dt_field_facts *facts, struct dt_value *out,
			   struct dt_strbuf *norm, struct dt_problems *ps, const char *field)
{
	enum dt_err rc = DT_OK;
	memset(out, 0, sizeof(*out));
	dt_strbuf_reset(norm);
	if (in->type == DT_V_NULL) {
		if (f->flags & DT_FF_REQUIRED)
			return dt_problem_add(ps, field, "field.required", NULL);
		return DT_OK;
	}
	switch (f->type) {
	case DT_F_TEXT:
		if (in->type != DT_V_TEXT)
			return dt_problem_add(ps, field, "type.string", NULL);
		rc = check_text(f, in, out, norm, ps, field);
		break;
	case DT_F_INT:
		if (in->type != DT_V_INT)
			return dt_problem_add(ps, field, "type.integer", NULL);
		if ((f->min || f->max) && (in->i < f->min || in->i > f->max))
			rc = dt_problem_add(ps, field, "number.range", "value", DT_I(in->i), "min",
					    DT_I(f->min), "max", DT_I(f->max), NULL);
		out->type = DT_V_INT;
		out->i = in->i;
		break;
	case DT_F_REAL: {
		if (in->type != DT_V_INT && in->type != DT_V_REAL)
			return dt_problem_add(ps, field, "type.number", NULL);
		double d = in->type == DT_V_INT ? (double)in->i : in->d;
		char value[40];
		dt_strbuf_addf(norm, "%g", d);
		memcpy(value, norm->buf, norm->len < sizeof(value) ? norm->len + 1 : sizeof(value));
		value[sizeof(value) - 1] = '\0';
		dt_strbuf_reset(norm);
		rc = check_range(f, d, value, ps, field);
		/* stored as hundredths (DT_FF_CENTI): two decimals at most, never rounded */
		int64_t centi;
		if (rc == DT_OK && (f->flags & DT_FF_CENTI) && !dt_num_centi(d, &centi)) {
			/* every digit given ("%g" would show 7.5500001 as 7.55) */
			snprintf(value, sizeof(value), "%.15g", d);
			if (strtod(value, NULL) != d)
				snprintf(value, sizeof(value), "%.17g", d);
			rc = dt_problem_add(ps, field, "number.step", "value", value, "step",
					    "0.01", NULL);
		}
		out->type = DT_V_REAL;
		out->d = d;
		break;
	}
	case DT_F_DATE: {
		if (in->type != DT_V_TEXT)
			return dt_problem_add(ps, field, "type.date", NULL);
		struct dt_date d;
		if (!date_shaped(in->text, in->len))
			return dt_problem_add(ps, field, "type.date", NULL);
		char text[DT_DATE_STRLEN];
		memcpy(text, in->text, 10);
		text[10] = '\0';
		if (dt_date_parse(text, &d, NULL, NULL) != DT_OK)
			return dt_problem_add(ps, field, "date.invalid", "value", text, NULL);
		dt_strbuf_add(norm, text, 10);
		out->type = DT_V_TEXT;
		out->text = norm->buf;
		out->len = norm->len;
		break;
	}
	case DT_F_BOOL:
		if (in->type != DT_V_BOOL)
			return dt_problem_add(ps, field, "type.boolean", NULL);
		*out = *in;
		break;
	case DT_F_ENUM:
		if (in->type != DT_V_TEXT)
			return dt_problem_add(ps, field, "type.string", NULL);
		if (memchr(in->text, '\0', in->len) || !enum_has(f->values, in->text, in->len)) {
			dt_strbuf_add(norm, in->text, in->len < 64 ? in->len : 64);
			rc = dt_problem_add(ps, field, "enum.value", "value", norm->buf, "values",
					    f->values, NULL);
			dt_strbuf_reset(norm);
			break;
		}
		*out = *in;
		break;
	case DT_F_REF: rc = check_ref(f, in, facts, out, ps, field); break;
	case DT_F_REGION: rc = check_region(in, facts, out, ps, field); break;
	case DT_F_TIME: return dt_problem_add(ps, field, "field.system", NULL);
	}
	if (rc != DT_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* ---- reading an imported cell ---- */

/*
 * A date as people type it: 2025-09-01, 2025/9/1, 2025.9.1, 20250901,
 * 2025年9月1日, optionally followed by a time of day (Excel's datetime
 * text).  Writes "YYYY-MM-DD" (not yet checked to exist) or returns false.
 */
static bool date_text(const char *s, struct dt_strbuf *out)
{
	int y = 0, m = 0, d = 0, nd = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9' && nd < 8) {
		nd++;
		p++;
	}
	if (nd == 8 && (!*p || *p == ' ' || *p == 'T')) {
		for (int i = 0; i < 4; i++)
			y = y * 10 + (s[i] - '0');
		m = (s[4] - '0') * 10 + (s[5] - '0');
		d = (s[6] - '0') * 10 + (s[7] - '0');
	} else {
		if (nd != 4)
			return false;
		for (int i = 0; i < 4; i++)
			y = y * 10 + (s[i] - '0');
		int part[2] = { 0, 0 };
		for (int k = 0; k < 2; k++) {
			if (*p == '-' || *p == '/' || *p == '.')
				p++;
			else if (!strncmp(p, "年", 3) || !strncmp(p, "月", 3))
				p += 3;
			else
				return false;
			int n = 0;
			while (*p >= '0' && *p <= '9' && n < 2) {
				part[k] = part[k] * 10 + (*p++ - '0');
				n++;
			}
			if (!n)
				return false;
		}
		m = part[0];
		d = part[1];
		if (!strncmp(p, "日", 3))
			p += 3;
		if (*p && *p != ' ' && *p != 'T')
			return false;
	}
	dt_strbuf_addint(out, y, 4);
	dt_strbuf_addch(out, '-');
	dt_strbuf_addint(out, m % 100, 2);
	dt_strbuf_addch(out, '-');
	dt_strbuf_addint(out, d % 100, 2);
	return true;
}

enum dt_err dt_field_read(enum dt_ftype type, const char *text, struct dt_value *out,
			  struct dt_strbuf *scratch, struct dt_problems *ps, const char *field)
{
	memset(out, 0, sizeof(*out));
	dt_strbuf_reset(scratch);
	if (!text || !*text)
		return DT_OK;
	switch (type) {
	case DT_F_INT:
	case DT_F_REF: {
		int64_t n;
		double d;
		bool ok = dt_parse_int64(text, INT64_MIN, INT64_MAX, &n, NULL, NULL) == DT_OK;
		/*
		 * "12.0" from a spreadsheet.  Only a double within int64's range may
		 * be converted: "1e20" would be undefined behaviour (2^63 is exact).
		 */
		if (!ok && dt_parse_double(text, &d, NULL, NULL) == DT_OK &&
		    d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
		    d == (double)(int64_t)d) {
			n = (int64_t)d;
			ok = true;
		}
		if (!ok)
			return dt_problem_add(ps, field, "type.integer", NULL);
		out->type = DT_V_INT;
		out->i = n;
		return DT_OK;
	}
	case DT_F_REAL:
		if (dt_parse_double(text, &out->d, NULL, NULL) != DT_OK)
			return dt_problem_add(ps, field, "type.number", NULL);
		out->type = DT_V_REAL;
		return DT_OK;
	case DT_F_BOOL: {
		static const char *const yes[] = { "1", "true", "yes", "y", "是", "t" };
		static const char *const no[] = { "0", "false", "no", "n", "否", "f" };
		for (size_t i = 0; i < DT_ARRAY_SIZE(yes); i++) {
			if (!strcasecmp(text, yes[i]) || !strcasecmp(text, no[i])) {
				out->type = DT_V_BOOL;
				out->b = !strcasecmp(text, yes[i]);
				return DT_OK;
			}
		}
		return dt_problem_add(ps, field, "type.boolean", NULL);
	}
	case DT_F_DATE:
		if (date_text(text, scratch)) {
			out->type = DT_V_TEXT;
			out->text = scratch->buf;
			out->len = scratch->len;
			return DT_OK;
		}
		break;
	default: break;
	}
	out->type = DT_V_TEXT;
	out->text = text;
	out->len = strlen(text);
	return DT_OK;
}

/* ---- the TEXT fields' own checks ---- */

enum dt_err dt_field_natid(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
			   const char *field)
{
	struct dt_natid id;
	enum dt_err rc = dt_natid_parse(v, dt_date_today(), &id, ps, field);
	if (rc == DT_OK)
		dt_strbuf_adds(norm, id.id);
	return rc;
}

enum dt_err dt_field_uscc(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
			  const char *field)
{
	char out[DT_USCC_LEN + 1];
	enum dt_err rc = dt_uscc_parse(v, out, ps, field);
	if (rc == DT_OK)
		dt_strbuf_adds(norm, out);
	return rc;
}

enum dt_err dt_field_occupation(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
				const char *field)
{
	enum dt_err rc = dt_occupation_code_parse(v, ps, field);
	if (rc == DT_OK)
		dt_strbuf_adds(norm, v);
	return rc;
}

enum dt_err dt_field_levels(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
			    const char *field)
{
	bool seen[6] = { false };
	const char *p = v;
	if (!*p)
		return dt_problem_add(ps, field, "levels.format", NULL);
	while (*p) {
		if (*p < '1' || *p > '5' || (p[1] && p[1] != ' ') || (p[1] == ' ' && !p[2]))
			return dt_problem_add(ps, field, "levels.format", NULL);
		if (seen[*p - '0'])
			return dt_problem_add(ps, field, "levels.repeated", "level",
					      (char[2]){ *p, 0 }, NULL);
		seen[*p - '0'] = true;
		p += p[1] ? 2 : 1;
	}
	dt_strbuf_adds(norm, v);
	return DT_OK;
}

enum dt_err dt_field_indicator(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
			       const char *field)
{
	if (!dt_indicator_find(v)) {
		struct dt_strbuf head = DT_STRBUF_INIT;
		dt_utf8_add_quoted(&head, v, 40);
		enum dt_err rc =
			dt_problem_add(ps, field, "indicator.unknown", "value", head.buf, NULL);
		dt_strbuf_release(&head);
		return rc;
	}
	dt_strbuf_adds(norm, v);
	return DT_OK;
}

/*
 * The digits of a phone number with its separators dropped, into @d (at
 * most @max); false for any other character, a blank or '-' at either end
 * or two in a row, brackets anywhere but around the first group, or more
 * digits than @max.
 */
static bool phone_digits(const char *s, char *d, size_t max, size_t *n)
{
	bool sep = true; /* no separator first */
	int bracket = 0; /* 1: "(" seen, 2: "(...)" closed */
	*n = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (*n == max)
				return false;
			d[(*n)++] = *p;
			sep = false;
		} else if (*p == '(') {
			if (p != s)
				return false;
			bracket = 1;
		} else if (*p == ')') {
			if (bracket != 1 || sep)
				return false;
			bracket = 2;
		} else if (*p == ' ' || *p == '-') {
			if (sep || bracket == 1)
				return false;
			sep = true;
		} else {
			return false;
		}
	}
	return *n && !sep && bracket != 1;
}

enum dt_err dt_field_phone(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
			   const char *field)
{
	char d[24];
	size_t n;
	const char *s = v;
	bool intl = false;
	if (s[0] == '+') {
		if (strncmp(s, "+86", 3))
			goto bad;
		s += 3;
		if (*s == ' ' || *s == '-')
			s++;
		intl = true;
	}
	if (!phone_digits(s, d, sizeof(d), &n))
		goto bad;
	const char *p = d;
	if (!intl && n > 4 && !memcmp(d, "0086", 4)) {
		p += 4;
		n -= 4;
		intl = true;
	}
	if (intl && n && p[0] == '0')
		goto bad; /* +86 010...: the area code's 0 is dropped after +86 */
	/* a mobile number: 1[3-9] and nine digits */
	if (n == 11 && p[0] == '1') {
		if (p[1] < '3' || p[1] > '9')
			goto bad;
		dt_strbuf_adds(norm, v);
		return DT_OK;
	}
	/* 400 and 800 service numbers: ten digits */
	if (!intl && n == 10 && (!memcmp(p, "400", 3) || !memcmp(p, "800", 3))) {
		dt_strbuf_adds(norm, v);
		return DT_OK;
	}
	/* a landline: area code (0 + 2 digits for 010 and 02x, else 0 + 3) and 7-8 digits */
	if (!intl) {
		if (p[0] != '0' || n < 3)
			goto bad;
		p++;
		n--;
	}
	size_t area = p[0] == '1' || p[0] == '2' ? 2 : 3;
	if (p[0] == '0' || n <= area)
		goto bad;
	size_t local = n - area;
	if (local < 7 || local > 8 || p[area] == '0')
		goto bad;
	if (p[0] == '1' && p[1] != '0')
		goto bad; /* 010 is the only area code starting 01 */
	dt_strbuf_adds(norm, v);
	return DT_OK;
bad:
	return dt_problem_add(ps, field, "phone.invalid", NULL);
}

static bool email_local_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80 || (c && strchr("!#$%&'*+/=?^_`{|}~.-", c));
}

static bool email_domain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c >= 0x80;
}

enum dt_err dt_field_email(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
			   const char *field)
{
	const char *at = strchr(v, '@');
	if (!at || strchr(at + 1, '@'))
		goto bad;
	size_t local = (size_t)(at - v);
	if (local < 1 || local > 64 || v[0] == '.' || at[-1] == '.')
		goto bad;
	for (const char *p = v; p < at; p++)
		if (!email_local_char((unsigned char)*p) || (p[0] == '.' && p[1] == '.'))
			goto bad;
	size_t labels = 0;
	for (const char *p = at + 1;;) {
		const char *end = p;
		while (*end && *end != '.') {
			if (!email_domain_char((unsigned char)*end))
				goto bad;
			end++;
		}
		size_t len = (size_t)(end - p);
		if (len < 1 || len > 63 || p[0] == '-' || end[-1] == '-')
			goto bad;
		labels++;
		if (!*end)
			break;
		p = end + 1;
	}
	if (labels < 2)
		goto bad;
	dt_strbuf_adds(norm, v);
	return DT_OK;
bad:
	return dt_problem_add(ps, field, "email.invalid", NULL);
}
