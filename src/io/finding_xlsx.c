/*
 * finding_xlsx.c - the findings board as an XLSX workbook (libxlsxwriter).
 *
 * A report for people, not for import: the columns are names (plan,
 * object, responsible organisation, region, inspectors), the words of
 * severity and status, and dates.  A deadline is a date already; the stamps
 * (found, closed) are UTC instants and are shown as the date they fell on
 * in China Standard Time, so that a finding recorded at 01:00 Beijing time
 * is not dated the day before.  Every text comes from the store, whose
 * rules keep each under a cell's limit; a formula-looking text is written
 * as a string cell, never as a formula.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/common.h"
#include "core/date.h"
#include "io/finding_xlsx.h"
#include "core/banned.h"

/* A column: Chinese and English header, width. */
struct col {
	const char *zh, *en;
	double width;
};

enum {
	C_ID,
	C_PLAN,
	C_OBJECT,
	C_ORG,
	C_REGION,
	C_CHECK,
	C_DESC,
	C_SEVERITY,
	C_STATUS,
	C_DEADLINE,
	C_DAYS,
	C_STATE,
	C_INSPECTORS,
	C_FOUND,
	C_CLOSED,
	C_COUNT
};

static const struct col cols[C_COUNT] = {
	[C_ID] = { "问题编号", "Finding", 9 },
	[C_PLAN] = { "督查计划", "Plan", 26 },
	[C_OBJECT] = { "督查对象", "Inspected", 28 },
	[C_ORG] = { "责任单位", "Responsible organisation", 28 },
	[C_REGION] = { "地区", "Region", 12 },
	[C_CHECK] = { "检查项", "Checklist item", 18 },
	[C_DESC] = { "问题描述", "Description", 40 },
	[C_SEVERITY] = { "严重程度", "Severity", 10 },
	[C_STATUS] = { "状态", "Status", 10 },
	[C_DEADLINE] = { "整改期限", "Deadline", 12 },
	[C_DAYS] = { "剩余天数", "Days left", 10 },
	[C_STATE] = { "预警", "Signal", 12 },
	[C_INSPECTORS] = { "督查人员", "Inspectors", 20 },
	[C_FOUND] = { "发现日期", "Found on", 12 },
	[C_CLOSED] = { "销号日期", "Closed on", 12 },
};

/* The word for @value among @pairs (value, zh, en; NULL-ended), else @value itself. */
static const char *word(const char *const *pairs, const char *value, bool en)
{
	for (size_t i = 0; value && pairs[i]; i += 3)
		if (!strcmp(pairs[i], value))
			return en ? pairs[i + 2] : pairs[i + 1];
	return value ? value : "";
}

static const char *const severities[] = { "general", "一般",  "general", "serious", "较重",
					  "serious", "grave", "严重",    "grave",   NULL };
static const char *const statuses[] = { "open",       "待整改",    "open",   "rectifying", "整改中",
					"rectifying", "submitted", "待核验", "submitted",  "closed",
					"已销号",     "closed",    NULL };
static const char *const kinds[] = { "enterprise", "企业",       "enterprise", "school",
				     "学校",       "school",     "contract",   "培养协议",
				     "contract",   "pilot_task", "试点任务",   "pilot task",
				     NULL };

/* The text of member @k of @o, or NULL when it is not a string. */
static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Write the date in @text (a date, or an instant when @instant) or nothing. */
static lxw_error write_date(lxw_worksheet *ws, uint32_t r, uint16_t c, const char *text,
			    bool instant, lxw_format *fmt)
{
	struct dt_date d;
	bool ok = false;
	if (text && instant)
		ok = dt_date_of_instant(text, &d);
	else if (text)
		ok = dt_date_parse(text, &d, NULL, NULL) == DT_OK;
	if (!ok)
		return LXW_NO_ERROR;
	lxw_datetime dt = { d.year, d.month, d.day, 0, 0, 0 };
	return worksheet_write_datetime(ws, r, c, &dt, fmt);
}

/* Write @text (nothing when NULL) at @r, @c unless *@e holds an error already. */
static void put(lxw_worksheet *ws, uint32_t r, uint16_t c, lxw_error *e, const char *text)
{
	if (*e == LXW_NO_ERROR && text && *text)
		*e = worksheet_write_string(ws, r, c, text, NULL);
}

/* The row of finding @o at row @r. */
/*
 * @sb is the caller's scratch for the texts made here (names are as long as
 * the store allows, so no fixed buffer that could cut a character in two).
 */
static lxw_error write_row(lxw_worksheet *ws, uint32_t r, const json_t *o, bool en,
			   lxw_format *date, lxw_format *const state[3], struct dt_strbuf *sb)
{
	lxw_error e = LXW_NO_ERROR;
	const char *kind = str(o, "object_kind");
	const char *obj = str(o, "object_name");
	json_t *oid = json_object_get(o, "object_id");
	dt_strbuf_reset(sb);
	if (obj)
		dt_strbuf_addf(sb, "%s（%s）", obj, word(kinds, kind, en));
	else
		dt_strbuf_addf(sb, en ? "%s %lld" : "%s %lld 号", word(kinds, kind, en),
			       (long long)json_integer_value(oid));
	if (!dt_strbuf_ok(sb))
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	e = worksheet_write_number(ws, r, C_ID,
				   (double)json_integer_value(json_object_get(o, "id")), NULL);
	put(ws, r, C_PLAN, &e, str(o, "plan_title"));
	put(ws, r, C_OBJECT, &e, sb->buf);
	put(ws, r, C_ORG, &e, str(o, "org_name"));
	put(ws, r, C_REGION, &e, str(o, "region_name") ? str(o, "region_name") : str(o, "region"));
	put(ws, r, C_CHECK, &e, str(o, "check_text") ? str(o, "check_text") : str(o, "check_code"));
	put(ws, r, C_DESC, &e, str(o, "description"));
	put(ws, r, C_SEVERITY, &e, word(severities, str(o, "severity"), en));
	put(ws, r, C_STATUS, &e, word(statuses, str(o, "status"), en));
	if (e == LXW_NO_ERROR)
		e = write_date(ws, r, C_DEADLINE, str(o, "deadline"), false, date);
	json_t *days = json_object_get(o, "days_left");
	if (e == LXW_NO_ERROR && json_is_integer(days))
		e = worksheet_write_number(ws, r, C_DAYS, (double)json_integer_value(days), NULL);
	/* the signal: red (overdue or nearly), yellow, green; closed findings have none */
	const char *colour = str(o, "colour");
	const bool overdue = json_is_true(json_object_get(o, "overdue"));
	int ci = colour && !strcmp(colour, "red") ? 0 : colour && !strcmp(colour, "yellow") ? 1 : 2;
	const char *status = str(o, "status"), *sig = NULL;
	if (!colour || !strcmp(colour, "none") || (status && !strcmp(status, "closed")))
		sig = NULL;
	else if (ci == 0)
		sig = overdue ? (en ? "red, overdue" : "红（已逾期）") : (en ? "red" : "红");
	else if (ci == 1)
		sig = en ? "yellow" : "黄";
	else
		sig = en ? "green" : "绿";
	if (e == LXW_NO_ERROR && sig)
		e = worksheet_write_string(ws, r, C_STATE, sig, state[ci]);
	const char *a = str(o, "inspector_a_login"), *b = str(o, "inspector_b_login");
	dt_strbuf_reset(sb);
	dt_strbuf_addf(sb, "%s%s%s", a ? a : "", a && b ? (en ? ", " : "、") : "", b ? b : "");
	if (!dt_strbuf_ok(sb))
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	put(ws, r, C_INSPECTORS, &e, sb->buf);
	if (e == LXW_NO_ERROR)
		e = write_date(ws, r, C_FOUND, str(o, "created_at"), true, date);
	if (e == LXW_NO_ERROR)
		e = write_date(ws, r, C_CLOSED, str(o, "closed_at"), true, date);
	return e;
}

enum dt_err dt_finding_xlsx(const json_t *items, bool en, const char *path, struct dt_strbuf *err)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return dt_error(err, DT_EIO, "%s: cannot create the workbook", path);
	/*
	 * Dated the day it reports on (00:00 Beijing time) rather than the second
	 * it was made, so that the same findings give the same bytes all day.
	 */
	struct dt_date today = dt_date_today();
	lxw_doc_properties props = { .title = en ? "Supervision findings" : "督查问题清单",
				     .created = (time_t)dt_date_to_days(today) * 86400 - 8 * 3600 };
	workbook_set_properties(wb, &props);
	lxw_format *hdr = workbook_add_format(wb);
	format_set_bold(hdr);
	format_set_font_color(hdr, LXW_COLOR_WHITE);
	format_set_bg_color(hdr, 0x1F4E78);
	format_set_border(hdr, LXW_BORDER_THIN);
	format_set_align(hdr, LXW_ALIGN_CENTER);
	format_set_text_wrap(hdr);
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	static const lxw_color_t fills[3] = { 0xF4B6B6, 0xFFE699, 0xC6E0B4 };
	lxw_format *state[3];
	for (int i = 0; i < 3; i++) {
		state[i] = workbook_add_format(wb);
		format_set_bg_color(state[i], fills[i]);
		format_set_bold(state[i]);
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, en ? "Findings" : "督查问题");
	lxw_error e = ws ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
	for (uint16_t c = 0; c < C_COUNT && e == LXW_NO_ERROR; c++) {
		e = worksheet_set_column(ws, c, c, cols[c].width, NULL);
		if (e == LXW_NO_ERROR)
			e = worksheet_write_string(ws, 0, c, en ? cols[c].en : cols[c].zh, hdr);
	}
	if (e == LXW_NO_ERROR)
		worksheet_freeze_panes(ws, 1, 0);
	size_t i, n = json_array_size(items);
	const json_t *o;
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_strbuf_init(&sb, 64 * 1024);
	json_array_foreach(items, i, o)
	{
		if (e != LXW_NO_ERROR)
			break;
		e = write_row(ws, (uint32_t)i + 1, o, en, date, state, &sb);
	}
	dt_strbuf_release(&sb);
	if (e == LXW_NO_ERROR)
		e = worksheet_autofilter(ws, 0, 0, (lxw_row_t)n, C_COUNT - 1);
	lxw_error ce = workbook_close(wb);
	if (e == LXW_NO_ERROR)
		e = ce;
	if (e != LXW_NO_ERROR) {
		unlink(path);
		return dt_error(err, DT_EIO, "%s: %s", path, lxw_strerror(e));
	}
	return DT_OK;
}
