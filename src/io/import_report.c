/*
 * import_report.c - the import's report, written by the writer in row order.
 *
 * One CSV line per problem with row, column, field, value (masked where
 * personal, cut to DT_IMPORT_REPORT_VALUE_MAX characters), and the message
 * in Chinese and English; the store's field errors of a row are mapped back
 * to the file's columns, and each problem is counted by reason.  Part of the
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

static const char *header_of(struct dt_import_writer *w, int fc)
{
	return fc >= 0 && (size_t)fc < w->p->nfile ? w->p->header_text[fc] : "";
}

/*
 * An 18-byte national-ID cell as the report shows it: masked by
 * dt_natid_mask(), or when it is not ASCII (the cell is whatever the file
 * held: 18 bytes may be six Chinese characters, which a byte mask would cut
 * into invalid UTF-8) masked the same way by characters.
 */
static void add_masked(struct dt_strbuf *v, const char *value)
{
	size_t len = strlen(value), n = dt_utf8_len(value), k = 0;
	if (n == len) {
		char m[DT_NATID_LEN + 1];
		dt_natid_mask(value, m);
		dt_strbuf_adds(v, m);
		return;
	}
	for (size_t off = 0; off < len; k++) {
		uint32_t cp;
		size_t step = dt_utf8_decode(value + off, len - off, &cp);
		step = step ? step : 1;
		if (k < 4 || k + 4 >= n)
			dt_strbuf_add(v, value + off, step);
		else
			dt_strbuf_addch(v, '*');
		off += step;
	}
}

/*
 * One line of the report.  @value is cut to DT_IMPORT_REPORT_VALUE_MAX characters
 * and followed by its length, which is @length when not 0 (a value the
 * parser kept only the head of) or else counted.
 */
void dt_import_report_line(struct dt_import_writer *w, int64_t rowno, int fc, const char *field,
			const char *value, size_t length, const char *reason, const char *zh,
			const char *en)
{
	struct dt_import_result *r = w->r;
	struct dt_strbuf v = DT_STRBUF_INIT;
	const struct dt_iocol *c = NULL;
	if (fc >= 0 && (size_t)fc < w->p->nfile && w->p->map[fc] >= 0)
		c = &w->p->cols[w->p->map[fc]];
	/* Values in the report: cut long ones, mask national IDs. */
	if (c && c->pii && value && strlen(value) == DT_NATID_LEN) {
		add_masked(&v, value);
	} else if (value) {
		size_t cps = length ? length : dt_utf8_len(value);
		if (cps > DT_IMPORT_REPORT_VALUE_MAX) {
			size_t off = 0, len = strlen(value);
			for (size_t k = 0; k < DT_IMPORT_REPORT_VALUE_MAX && off < len; k++) {
				uint32_t cp;
				size_t n = dt_utf8_decode(value + off, len - off, &cp);
				off += n ? n : 1;
			}
			dt_strbuf_add(&v, value, off);
			dt_strbuf_addf(&v, "…(%zu characters)", cps);
		} else {
			dt_strbuf_adds(&v, value);
		}
	}
	const char *cells[] = { NULL, header_of(w, fc), field ? field : "", v.buf, zh, en };
	char rowbuf[24];
	snprintf(rowbuf, sizeof(rowbuf), "%lld", (long long)rowno);
	cells[0] = rowbuf;
	for (size_t i = 0; i < DT_ARRAY_SIZE(cells); i++) {
		const char *s = cells[i];
		if (i)
			dt_strbuf_addch(&r->report, ',');
		if (strpbrk(s, ",\"\r\n") || (*s && strchr("=+-@", *s))) {
			/* quoted; a leading = + - @ gets a ' so that Excel shows it as text */
			dt_strbuf_addch(&r->report, '"');
			if (*s && strchr("=+-@", *s) && i != 0)
				dt_strbuf_addch(&r->report, '\'');
			for (const char *q = s; *q; q++) {
				if (*q == '"')
					dt_strbuf_addch(&r->report, '"');
				dt_strbuf_addch(&r->report, *q);
			}
			dt_strbuf_addch(&r->report, '"');
		} else {
			dt_strbuf_adds(&r->report, s);
		}
	}
	dt_strbuf_adds(&r->report, "\r\n");
	if (reason) {
		r->nerrors++;
		if (json_array_size(r->errors) < DT_IMPORT_ERRORS_KEPT)
			json_array_append_new(r->errors,
					      json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "row",
							(json_int_t)rowno, "column", header_of(w, fc),
							"field", field ? field : "", "value", v.buf,
							"reason", reason, "message_zh", zh, "message_en", en));
	}
	dt_strbuf_release(&v);
}

/* Chinese for the store's English messages, by what they start or end with. */
static const char *zh_of(const char *en)
{
	static const struct {
		const char *pat;
		const char *zh;
	} t[] = {
		{ "a trainee with this ID is already registered", "该身份证号的学员已经登记" },
		{ "another record already has this value", "与数据库中已有记录重复" },
		{ "already has an open contract", "该学员已有未结束的合同" },
		{ "does not match the national ID", "与身份证号不一致" },
		{ "trainees must be at least 16", "学员须年满16周岁" },
		{ "is required for a trainee under 18", "未满18周岁的学员须填写监护人" },
		{ "is not in the region table", "行政区划代码不存在" },
		{ "is outside the contract", "日期不在合同期限内" },
		{ "is in the future", "日期不能晚于今天" },
		{ "is not after", "结束日期应晚于开始日期" },
		{ "is before", "日期先后顺序不正确" },
		{ "is run by school", "培养项目不属于该院校" },
		{ "entries go on active contracts only", "只能为履行中的合同填写培养记录" },
		{ "not a", "机构类型不符" },
		{ "no ", "引用的记录不存在" },
		{ "is required", "为必填项" },
		{ "too long", "过长" },
		{ "out of range", "超出范围" },
		{ "is not one of", "取值不正确" },
		{ "skill level", "技能等级不符合要求" },
		{ "cannot", "当前状态不允许此操作" },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(t); i++)
		if (strstr(en, t[i].pat))
			return t[i].zh;
	return "不符合规则（见英文说明）";
}

/* The file column that holds field @name (a reference's key column for a REF). */
static int file_col_of_field(struct dt_import_writer *w, const char *name)
{
	for (size_t j = 0; j < w->p->ncols; j++) {
		const struct dt_iocol *c = &w->p->cols[j];
		if (c->field && !strcmp(c->field->name, name) && c->kind != DT_IOC_CONTRACT_DATE &&
		    c->kind != DT_IOC_SYSTEM) {
			int fc = dt_import_file_col_of(w->p, (int)j);
			if (fc >= 0)
				return fc;
		}
	}
	return -1;
}

const char *dt_import_row_value(struct dt_import_row *row, int fc)
{
	char key[24];
	snprintf(key, sizeof(key), "%d", fc);
	const char *v = json_string_value(json_object_get(row->vals, key));
	return v ? v : "";
}

/* Report the store's failure of @row: each field error, or the message. */
void dt_import_report_field_errors(struct dt_import_writer *w, struct dt_import_row *row, int rc, const char *msg,
				json_t *fe)
{
	const char *reason = rc == DT_ECONFLICT ? "duplicate_db" : "rule";
	if (!fe || json_array_size(fe) == 0) {
		if (rc == DT_ECONFLICT && !strstr(msg, "already"))
			reason = "rule";
		dt_import_report_line(w, row->rowno, -1, "", "", 0, reason, zh_of(msg), msg);
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(fe, i, e) {
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *m = json_string_value(json_object_get(e, "message"));
		int fc = file_col_of_field(w, field);
		const char *rs = reason;
		if (strstr(m, "already"))
			rs = "duplicate_db";
		else if (!strncmp(m, "no ", 3))
			rs = "reference";
		else if (rc == DT_ECONFLICT)
			rs = "rule";
		struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
		const struct dt_field *f = dt_entity_field(w->e, field);
		if (f)
			dt_strbuf_addf(&zh, "「%s」", f->label_zh);
		dt_strbuf_adds(&zh, zh_of(m));
		dt_strbuf_addf(&en, "%s: %s", field, m);
		dt_import_report_line(w, row->rowno, fc, field, fc >= 0 ? dt_import_row_value(row, fc) : "", 0, rs, zh.buf,
			    en.buf);
		dt_strbuf_release(&zh);
		dt_strbuf_release(&en);
		if (i == 0)
			reason = rs;
	}
}

void dt_import_report_store_error(struct dt_import_writer *w, struct dt_import_row *row, int rc, const char *msg)
{
	dt_import_report_field_errors(w, row, rc, msg, dt_store_field_errors(w->s));
}

void dt_import_count_reason(struct dt_import_writer *w, const char *reason)
{
	json_t *n = json_object_get(w->r->reasons, reason);
	json_object_set_new(w->r->reasons, reason, json_integer(n ? json_integer_value(n) + 1 : 1));
}
