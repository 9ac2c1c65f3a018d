/*
 * import_cells.c - the import's cell conversion, on the parser thread.
 *
 * Turns the cleaned text of one cell into the JSON value the store takes:
 * types, lengths, dates as people type them, enumerations in English or
 * Chinese, national IDs and credit codes, natural keys of references; a
 * cell that does not convert becomes an error on its row.  Part of the
 * importer in import.c.
 */
#include <csv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/common.h"
#include "core/date.h"
#include "core/num.h"
#include "core/utf8.h"
#include "domain/natid.h"
#include "domain/region.h"
#include "domain/uscc.h"
#include "io/encoding.h"
#include "io/import.h"
#include "io/import_internal.h"
#include "core/banned.h"

/* ---- errors ---- */

/*
 * Record a validator error on @r for file column @fc (-1: the row as a
 * whole).  @zh and @en are the messages; @reason one of invalid,
 * reference, duplicate_file, duplicate_db, rule, scope.
 */
void dt_import_row_error(struct dt_import_row *r, int fc, const char *value, const char *reason, const char *zh,
		      const char *en)
{
	if (!r->errs)
		r->errs = json_array();
	json_array_append_new(r->errs, json_pack("{s:i, s:s, s:s, s:s, s:s}", "col", fc, "value",
						 value ? value : "", "reason", reason, "zh", zh, "en",
						 en));
}

/* ---- cell conversion ---- */

/*
 * A date as people type it: 2025-09-01, 2025/9/1, 2025.9.1, 20250901,
 * 2025年9月1日, optionally followed by a time of day (Excel's datetime
 * text).  Writes "YYYY-MM-DD" (not yet checked to exist) or returns false.
 */
bool dt_import_date_text(const char *s, char out[DT_DATE_STRLEN + 8])
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
	snprintf(out, DT_DATE_STRLEN + 8, "%04d-%02d-%02d", y, m % 100, d % 100);
	return true;
}

/* The label of column @c for a Chinese message: 「身份证号」. */
void dt_import_zh_label(struct dt_strbuf *sb, const struct dt_iocol *c)
{
	dt_strbuf_addf(sb, "「%s」", c->label_zh);
}

/*
 * Convert the cleaned text @t of column @c to the JSON value the store
 * takes; NULL with an error on @r when it is not one.
 */
json_t *dt_import_convert_cell(struct dt_import_parser *p, struct dt_import_row *r, int fc, const struct dt_iocol *c,
			    const char *t)
{
	const struct dt_field *f = c->field;
	struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT, e2 = DT_STRBUF_INIT;
	json_t *v = NULL;
	enum dt_ftype type = c->kind == DT_IOC_VALUE || c->kind == DT_IOC_STATE ? f->type : c->type;
	if (c->kind == DT_IOC_ID)
		type = DT_F_INT;
	dt_import_zh_label(&zh, c);
	switch (type) {
	case DT_F_TEXT: {
		size_t cps = dt_utf8_len(t);
		size_t max = f->max ? (size_t)f->max : 200;
		if (c->kind == DT_IOC_KEY)
			max = 64;
		if (cps > max) {
			dt_strbuf_addf(&zh, "过长（%zu个字符，最多%zu个）", cps, max);
			dt_strbuf_addf(&en, "%s is too long (%zu characters; at most %zu)", c->name, cps, max);
			break;
		}
		if (c->kind == DT_IOC_VALUE && f->check) {
			struct dt_strbuf norm = DT_STRBUF_INIT;
			if (f->check(t, &norm, &e2) == DT_OK) {
				v = json_string(norm.buf);
			} else {
				dt_strbuf_adds(&zh, c->pii ? "不是有效的身份证号"
						    : !strcmp(f->name, "uscc") ? "不是有效的统一社会信用代码"
										: "不符合编码规则");
				if (strstr(e2.buf, "check character"))
					dt_strbuf_adds(&zh, "（校验位错误）");
				else if (strstr(e2.buf, "not a date") || strstr(e2.buf, "does not exist"))
					dt_strbuf_adds(&zh, "（出生日期不存在）");
				dt_strbuf_addf(&en, "%s: %s", c->name, e2.buf);
			}
			dt_strbuf_release(&norm);
			break;
		}
		v = json_string(t);
		break;
	}
	case DT_F_INT:
	case DT_F_REF: {
		int64_t n;
		double d;
		bool ok = dt_parse_int64(t, INT64_MIN, INT64_MAX, &n, NULL, NULL) == DT_OK;
		/*
		 * "12.0" from a spreadsheet.  Only a double within int64's range may
		 * be converted: "1e20" would be undefined behaviour (2^63 is exact).
		 */
		if (!ok && dt_parse_double(t, &d, NULL, NULL) == DT_OK && d >= -9223372036854775808.0 &&
		    d < 9223372036854775808.0 && d == (double)(int64_t)d) {
			n = (int64_t)d;
			ok = true;
		}
		if (!ok) {
			dt_strbuf_adds(&zh, "应为整数");
			dt_strbuf_addf(&en, "%s: expected a whole number, got ", c->name);
			dt_utf8_add_quoted(&en, t, 40);
		} else if (type == DT_F_INT && (f->min || f->max) && (n < f->min || n > f->max)) {
			dt_strbuf_addf(&zh, "超出范围（%lld..%lld）", (long long)f->min, (long long)f->max);
			dt_strbuf_addf(&en, "%s: %lld is out of range %lld..%lld", c->name, (long long)n,
				       (long long)f->min, (long long)f->max);
		} else if (c->kind == DT_IOC_ID && n <= 0) {
			dt_strbuf_adds(&zh, "不是有效的记录编号");
			dt_strbuf_addf(&en, "%s: %lld is not a record id", c->name, (long long)n);
		} else {
			v = json_integer(n);
		}
		break;
	}
	case DT_F_REAL: {
		double d;
		if (dt_parse_double(t, &d, NULL, NULL) != DT_OK) {
			dt_strbuf_adds(&zh, "应为数字");
			dt_strbuf_addf(&en, "%s: expected a number, got ", c->name);
			dt_utf8_add_quoted(&en, t, 40);
		} else if ((f->min || f->max) && (d < (double)f->min || d > (double)f->max)) {
			dt_strbuf_addf(&zh, "超出范围（%lld..%lld）", (long long)f->min, (long long)f->max);
			dt_strbuf_addf(&en, "%s: %g is out of range %lld..%lld", c->name, d,
				       (long long)f->min, (long long)f->max);
		} else {
			v = json_real(d);
		}
		break;
	}
	case DT_F_DATE: {
		char iso[DT_DATE_STRLEN + 8];
		struct dt_date dd;
		if (!dt_import_date_text(t, iso)) {
			dt_strbuf_adds(&zh, "不是有效日期（应为 YYYY-MM-DD）");
			dt_strbuf_addf(&en, "%s: expected a date YYYY-MM-DD, got ", c->name);
			dt_utf8_add_quoted(&en, t, 40);
		} else if (dt_date_parse(iso, &dd, c->name, &e2) != DT_OK) {
			dt_strbuf_addf(&zh, "日期不存在（%s）", iso);
			dt_strbuf_add(&en, e2.buf, e2.len);
		} else {
			v = json_string(iso);
		}
		break;
	}
	case DT_F_BOOL: {
		static const char *const yes[] = { "1", "true", "yes", "y", "是", "t" };
		static const char *const no[] = { "0", "false", "no", "n", "否", "f" };
		for (size_t i = 0; i < DT_ARRAY_SIZE(yes) && !v; i++) {
			if (!strcasecmp(t, yes[i]))
				v = json_true();
			else if (!strcasecmp(t, no[i]))
				v = json_false();
		}
		if (!v) {
			dt_strbuf_adds(&zh, "应为“是”或“否”");
			dt_strbuf_addf(&en, "%s: expected true or false (是/否), got ", c->name);
			dt_utf8_add_quoted(&en, t, 40);
		}
		break;
	}
	case DT_F_ENUM: {
		const char *w = dt_io_enum_value(f, t);
		if (w) {
			v = json_string(w);
			break;
		}
		dt_strbuf_adds(&zh, "的取值不正确，应为：");
		dt_strbuf_addf(&en, "%s: ", c->name);
		dt_utf8_add_quoted(&en, t, 40);
		dt_strbuf_adds(&en, " is not one of: ");
		for (const char *q = f->values; *q;) {
			const char *bar = strchr(q, '|');
			size_t n = bar ? (size_t)(bar - q) : strlen(q);
			struct dt_strbuf word = DT_STRBUF_INIT;
			dt_strbuf_add(&word, q, n);
			dt_strbuf_addf(&zh, "%s%s", q == f->values ? "" : "、", dt_io_enum_zh(f, word.buf));
			dt_strbuf_addf(&en, "%s%s", q == f->values ? "" : ", ", word.buf);
			dt_strbuf_release(&word);
			q = bar ? bar + 1 : q + n;
		}
		break;
	}
	case DT_F_REGION: {
		int code;
		if (dt_region_code_parse(t, &code, &e2) != DT_OK) {
			dt_strbuf_adds(&zh, "不是有效的行政区划代码");
			dt_strbuf_addf(&en, "%s: %s", c->name, e2.buf);
		} else {
			char buf[16];
			snprintf(buf, sizeof(buf), "%06d", code);
			v = json_string(buf);
		}
		break;
	}
	default:
		dt_strbuf_adds(&zh, "由系统设置");
		dt_strbuf_addf(&en, "%s is set by the system", c->name);
		break;
	}
	if (!v)
		dt_import_row_error(r, fc, t, "invalid", zh.buf, en.buf);
	dt_strbuf_release(&zh);
	dt_strbuf_release(&en);
	dt_strbuf_release(&e2);
	(void)p;
	return v;
}

/* Check and normalise a natural key @t of column @c; NULL (with an error) if malformed. */
char *dt_import_key_text(struct dt_import_parser *p, struct dt_import_row *r, int fc, const struct dt_iocol *c,
		      const char *t)
{
	struct dt_strbuf e2 = DT_STRBUF_INIT, zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
	char *out = NULL;
	dt_import_zh_label(&zh, c);
	if (c->pii) {
		struct dt_natid nid;
		if (dt_natid_parse(t, p->today, &nid, &e2) == DT_OK)
			out = strdup(nid.id);
		else
			dt_strbuf_adds(&zh, strstr(e2.buf, "check character")
						    ? "不是有效的身份证号（校验位错误）"
						    : "不是有效的身份证号");
	} else if (!strcmp(c->ref, "organization")) {
		char u[DT_USCC_LEN + 1];
		if (dt_uscc_parse(t, u, &e2) == DT_OK)
			out = strdup(u);
		else
			dt_strbuf_adds(&zh, "不是有效的统一社会信用代码");
	} else if (!strcmp(c->ref, "pilot")) {
		int code;
		if (dt_region_code_parse(t, &code, &e2) == DT_OK) {
			char buf[16];
			snprintf(buf, sizeof(buf), "%06d", code);
			out = strdup(buf);
		} else {
			dt_strbuf_adds(&zh, "不是有效的行政区划代码");
		}
	} else if (dt_utf8_len(t) > 64) {
		dt_strbuf_adds(&zh, "过长");
		dt_strbuf_adds(&e2, "is too long for a code");
	} else {
		out = strdup(t);
	}
	if (!out) {
		dt_strbuf_addf(&en, "%s: %s", c->name, e2.buf);
		dt_import_row_error(r, fc, t, "invalid", zh.buf, en.buf);
	}
	dt_strbuf_release(&e2);
	dt_strbuf_release(&zh);
	dt_strbuf_release(&en);
	return out;
}
