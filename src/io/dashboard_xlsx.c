/*
 * dashboard_xlsx.c - a dashboard view as an XLSX workbook with native
 * charts (libxlsxwriter); see dashboard_xlsx.h for the sheets.
 *
 * Values are written as the engine gives them (no rounding: the cell's
 * number format rounds for the eye, the cell keeps the figure), so that the
 * file and the JSON dashboard hold equal numbers.  The charts are Excel's
 * own (xl/charts/chartN.xml), drawn from ranges of the sheets, so that an
 * official can restyle or copy them.  The workbook is small (a few hundred
 * cells), so it is built in memory, not in constant-memory mode.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/common.h"
#include "core/date.h"
#include "io/dashboard_xlsx.h"
#include "core/banned.h"

/* The text of member @k of @o, or "" when it is not a string. */
static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* The name of @o (name_zh / name_en) in the workbook's language. */
static const char *name_of(const json_t *o, bool en)
{
	const char *s = en ? str(o, "name_en") : "";
	return *s ? s : str(o, "name_zh");
}

/* Zh or en. */
#define W(z, e) (d->en ? (e) : (z))

struct book {
	lxw_workbook *wb;
	lxw_format *hdr, *title, *note, *num[4], *pct, *partial;
	lxw_error e;
	const struct dt_dashboard_xlsx *d;
};

/* The number format of @unit (count, percent, ratio, hours). */
static lxw_format *unit_format(struct book *b, const char *unit)
{
	if (!strcmp(unit, "percent"))
		return b->num[1];
	if (!strcmp(unit, "ratio"))
		return b->num[2];
	if (!strcmp(unit, "hours"))
		return b->num[3];
	return b->num[0];
}

static void put_str(struct book *b, lxw_worksheet *ws, uint32_t r, uint16_t c, const char *s,
		    lxw_format *f)
{
	if (b->e == LXW_NO_ERROR && s && *s)
		b->e = worksheet_write_string(ws, r, c, s, f);
}

/* A number, or nothing for null (an undefined value is an empty cell, not 0). */
static void put_num(struct book *b, lxw_worksheet *ws, uint32_t r, uint16_t c, const json_t *v,
		    lxw_format *f)
{
	if (b->e == LXW_NO_ERROR && json_is_number(v))
		b->e = worksheet_write_number(ws, r, c, json_number_value(v), f);
}

static void header_row(struct book *b, lxw_worksheet *ws, uint32_t r, const char *const *cols,
		       size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_str(b, ws, r, (uint16_t)i, cols[i], b->hdr);
}

/* The words of a direction. */
static const char *direction_text(const struct dt_dashboard_xlsx *d, const char *dir)
{
	if (!strcmp(dir, "lower"))
		return W("越低越好", "lower is better");
	if (!strcmp(dir, "ceiling"))
		return W("不超过目标为达标", "within the ceiling");
	return W("越高越好", "higher is better");
}

/* The period of the view in words: "2026年", "2026年第1季度", "2026年3月". */
static void period_text(const struct dt_dashboard_xlsx *d, const json_t *per, struct dt_strbuf *sb)
{
	long long y = (long long)json_integer_value(json_object_get(per, "year"));
	json_t *q = json_object_get(per, "quarter"), *m = json_object_get(per, "month");
	if (json_is_integer(q))
		dt_strbuf_addf(sb, W("%lld年第%lld季度", "%lld Q%lld"), y,
			       (long long)json_integer_value(q));
	else if (json_is_integer(m))
		dt_strbuf_addf(sb, W("%lld年%lld月", "%lld-%02lld"), y,
			       (long long)json_integer_value(m));
	else
		dt_strbuf_addf(sb, W("%lld年", "%lld"), y);
	dt_strbuf_addf(sb, " (%s – %s)", str(per, "from"), str(per, "to"));
}

/* The indicator charted: @d->chosen, else the first with a value. */
static const json_t *chosen_indicator(const struct dt_dashboard_xlsx *d, size_t *at)
{
	const json_t *list = json_object_get(d->indicators, "indicators"), *it, *first = NULL;
	size_t i, fi = 0;
	json_array_foreach(list, i, it)
	{
		if (d->chosen && !strcmp(str(it, "code"), d->chosen)) {
			*at = i;
			return it;
		}
		if (!first && json_is_number(json_object_get(it, "value"))) {
			first = it;
			fi = i;
		}
	}
	if (!first && json_array_size(list)) {
		first = json_array_get(list, 0);
		fi = 0;
	}
	*at = fi;
	return first;
}

/* Sheet 1: the indicators, with a bar chart of the attainments. */
static void indicators_sheet(struct book *b)
{
	const struct dt_dashboard_xlsx *d = b->d;
	const json_t *ind = d->indicators;
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, W("指标", "Indicators"));
	if (!ws) {
		b->e = LXW_ERROR_MEMORY_MALLOC_FAILED;
		return;
	}
	struct dt_strbuf sb = DT_STRBUF_INIT;
	const json_t *reg = json_object_get(ind, "region");
	dt_strbuf_addf(&sb, "%s %s · ", name_of(reg, d->en), str(reg, "code"));
	period_text(d, json_object_get(ind, "period"), &sb);
	if (json_is_string(json_object_get(ind, "occupation")))
		dt_strbuf_addf(&sb, W(" · 职业 %s", " · occupation %s"), str(ind, "occupation"));
	put_str(b, ws, 0, 0, sb.buf, b->title);
	put_str(b, ws, 1, 0, W("综合得分", "Composite score"), NULL);
	put_num(b, ws, 1, 1, json_object_get(ind, "score"), b->num[2]);
	put_str(b, ws, 1, 2,
		W("达成度按指标方向计算;权重见“设置”(weight.*)和 docs/INDICATORS.md",
		  "attainment follows each indicator's direction; weights: settings weight.* and "
		  "docs/INDICATORS.md"),
		b->note);
	static const char *const zh[] = { "指标", "代码", "单位",   "方向", "实际", "分子", "分母",
					  "目标", "基线", "达成度", "预计", "上期", "权重" };
	static const char *const en[] = { "Indicator", "Code",       "Unit",        "Direction",
					  "Value",     "Numerator",  "Denominator", "Target",
					  "Baseline",  "Attainment", "Projection",  "Previous",
					  "Weight" };
	enum { HEAD = 3 };
	header_row(b, ws, HEAD, d->en ? en : zh, DT_ARRAY_SIZE(zh));
	worksheet_set_column(ws, 0, 0, 30, NULL);
	worksheet_set_column(ws, 1, 1, 26, NULL);
	worksheet_set_column(ws, 2, 13, 12, NULL);
	worksheet_freeze_panes(ws, HEAD + 1, 1);
	const json_t *list = json_object_get(ind, "indicators"), *it;
	size_t i;
	uint32_t r = HEAD + 1;
	json_array_foreach(list, i, it)
	{
		lxw_format *f = unit_format(b, str(it, "unit"));
		json_t *proj = json_object_get(it, "projection");
		put_str(b, ws, r, 0, name_of(it, d->en), NULL);
		put_str(b, ws, r, 1, str(it, "code"), NULL);
		put_str(b, ws, r, 2, str(it, "unit"), NULL);
		put_str(b, ws, r, 3, direction_text(d, str(it, "direction")), NULL);
		put_num(b, ws, r, 4, json_object_get(it, "value"), f);
		put_num(b, ws, r, 5, json_object_get(it, "numerator"), b->num[2]);
		put_num(b, ws, r, 6, json_object_get(it, "denominator"), b->num[2]);
		put_num(b, ws, r, 7, json_object_get(it, "target"), f);
		put_num(b, ws, r, 8, json_object_get(it, "baseline"), f);
		put_num(b, ws, r, 9, json_object_get(it, "attainment"), b->pct);
		/* a projected count is a whole number of contracts */
		if (b->e == LXW_NO_ERROR && json_is_number(proj) &&
		    !strcmp(str(it, "unit"), "count"))
			b->e = worksheet_write_number(ws, r, 10, round(json_number_value(proj)), f);
		else
			put_num(b, ws, r, 10, proj, f);
		put_num(b, ws, r, 11, json_object_get(it, "previous"), f);
		put_num(b, ws, r, 12, json_object_get(it, "weight"), b->num[2]);
		put_num(b, ws, r, 13, json_object_get(it, "score_part"), b->num[2]);
		r++;
	}
	if (r > HEAD + 1 && b->e == LXW_NO_ERROR) {
		worksheet_autofilter(ws, HEAD, 0, r - 1, 13);
		lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_BAR);
		lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
		const char *sheet = W("指标", "Indicators");
		chart_series_set_categories(s, sheet, HEAD + 1, 0, r - 1, 0);
		chart_series_set_values(s, sheet, HEAD + 1, 9, r - 1, 9);
		chart_series_set_name(s, W("达成度", "Attainment"));
		chart_title_set_name(ch, W("各指标目标达成度", "Attainment of each indicator"));
		chart_axis_set_name(ch->y_axis, W("达成度", "Attainment"));
		chart_axis_set_num_format(ch->y_axis, "0%");
		chart_axis_set_reverse(ch->x_axis);
		chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
		lxw_chart_options o = { .x_scale = 1.6, .y_scale = 2.2 };
		b->e = worksheet_insert_chart_opt(ws, HEAD, 15, ch, &o);
	}
	dt_strbuf_release(&sb);
}

/* Sheet 2: the year's months, the current one marked partial, and two charts. */
static void monthly_sheet(struct book *b, const json_t *chosen)
{
	const struct dt_dashboard_xlsx *d = b->d;
	const json_t *ser = d->series, *periods = json_object_get(ser, "periods");
	const json_t *list = json_object_get(d->indicators, "indicators"), *it;
	const char *sheet = W("月度", "Monthly");
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, sheet);
	if (!ws) {
		b->e = LXW_ERROR_MEMORY_MALLOC_FAILED;
		return;
	}
	int year = (int)json_integer_value(json_object_get(ser, "year"));
	int cur = d->today / 10000 == year ? d->today / 100 % 100 : 0;
	put_str(b, ws, 0, 0, W("月份", "Month"), b->hdr);
	put_str(b, ws, 0, 1, W("说明", "Note"), b->hdr);
	size_t i;
	uint16_t col = 2, chosen_col = 0, hc = 0, hs = 0;
	json_array_foreach(list, i, it)
	{
		const char *code = str(it, "code");
		const json_t *vals = json_object_get(json_object_get(ser, "series"), code);
		if (!vals)
			continue;
		put_str(b, ws, 0, col, name_of(it, d->en), b->hdr);
		lxw_format *f = unit_format(b, str(it, "unit"));
		/* months after the current one are not real yet: left empty */
		for (size_t m = 0; m < json_array_size(periods) && (!cur || (int)m < cur); m++)
			put_num(b, ws, (uint32_t)m + 1, col, json_array_get(vals, m),
				(int)m + 1 == cur ? b->partial : f);
		if (it == chosen)
			chosen_col = col;
		if (!strcmp(code, "hours_company"))
			hc = col;
		if (!strcmp(code, "hours_school"))
			hs = col;
		col++;
	}
	for (size_t m = 0; m < json_array_size(periods); m++) {
		char label[32];
		snprintf(label, sizeof(label), d->en ? "%d-%02zu" : "%d年%zu月", year, m + 1);
		put_str(b, ws, (uint32_t)m + 1, 0, label, (int)m + 1 == cur ? b->partial : NULL);
		if ((int)m + 1 == cur)
			put_str(b, ws, (uint32_t)m + 1, 1,
				W("本月未结束(截至今日,部分数据)",
				  "month not over: partial, to date"),
				b->partial);
		else if (cur && (int)m + 1 > cur)
			put_str(b, ws, (uint32_t)m + 1, 1, W("未来月份", "future month"), b->note);
	}
	worksheet_set_column(ws, 0, 0, 12, NULL);
	worksheet_set_column(ws, 1, 1, 24, NULL);
	worksheet_set_column(ws, 2, col, 14, NULL);
	worksheet_freeze_panes(ws, 1, 1);
	uint32_t last = (uint32_t)json_array_size(periods);
	/* months gone by drawn solid; the partial month as its own dashed series */
	uint32_t full = cur ? (uint32_t)cur - 1 : last;
	struct dt_strbuf sb = DT_STRBUF_INIT;
	if (chosen_col && last && b->e == LXW_NO_ERROR) {
		lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_LINE);
		lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(s, sheet, 1, 0, last, 0);
		chart_series_set_values(s, sheet, 1, chosen_col, full ? full : 1, chosen_col);
		chart_series_set_name(s, name_of(chosen, d->en));
		chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
		if (cur) {
			lxw_chart_series *p = chart_add_series(ch, NULL, NULL);
			chart_series_set_categories(p, sheet, 1, 0, last, 0);
			/* the last full month and the partial one: a dashed stub */
			chart_series_set_values(p, sheet, 1, chosen_col, (uint32_t)cur, chosen_col);
			chart_series_set_name(p, W("本月(未结束)", "this month (partial)"));
			lxw_chart_line dash = { .dash_type = LXW_CHART_LINE_DASH_DASH,
						.color = 0x888888 };
			chart_series_set_line(p, &dash);
		}
		dt_strbuf_addf(&sb, W("%s · %d年各月", "%s by month, %d"), name_of(chosen, d->en),
			       year);
		chart_title_set_name(ch, sb.buf);
		chart_axis_set_name(ch->x_axis, W("月份", "Month"));
		chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
		lxw_chart_options o = { .x_scale = 1.5, .y_scale = 1.3 };
		b->e = worksheet_insert_chart_opt(ws, last + 3, 0, ch, &o);
	}
	if (hc && hs && last && b->e == LXW_NO_ERROR) {
		lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_COLUMN_STACKED);
		uint16_t cols[2] = { hc, hs };
		for (int k = 0; k < 2; k++) {
			lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
			chart_series_set_categories(s, sheet, 1, 0, last, 0);
			chart_series_set_values(s, sheet, 1, cols[k], last, cols[k]);
			chart_series_set_name_range(s, sheet, 0, cols[k]);
		}
		dt_strbuf_reset(&sb);
		dt_strbuf_addf(&sb, W("企业与学校学时 · %d年", "Company and school hours, %d"),
			       year);
		chart_title_set_name(ch, sb.buf);
		chart_axis_set_name(ch->x_axis, W("月份", "Month"));
		chart_axis_set_name(ch->y_axis, W("学时", "Hours"));
		chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
		lxw_chart_options o = { .x_scale = 1.5, .y_scale = 1.3 };
		b->e = worksheet_insert_chart_opt(ws, last + 3, 9, ch, &o);
	}
	dt_strbuf_release(&sb);
}

/* Sheet 3: the sub-regions' values of every indicator, a bar chart of the chosen one. */
static void children_sheet(struct book *b, const json_t *chosen, size_t chosen_at)
{
	const struct dt_dashboard_xlsx *d = b->d;
	const json_t *kids = json_object_get(d->indicators, "children");
	const json_t *list = json_object_get(d->indicators, "indicators"), *it, *k;
	const char *sheet = W("下级地区", "Sub-regions");
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, sheet);
	if (!ws) {
		b->e = LXW_ERROR_MEMORY_MALLOC_FAILED;
		return;
	}
	put_str(b, ws, 0, 0, W("地区", "Region"), b->hdr);
	put_str(b, ws, 0, 1, W("代码", "Code"), b->hdr);
	size_t i, j;
	json_array_foreach(list, i, it)
		put_str(b, ws, 0, (uint16_t)(i + 2), name_of(it, d->en), b->hdr);
	json_array_foreach(kids, j, k)
	{
		const json_t *reg = json_object_get(k, "region"),
			     *vals = json_object_get(k, "values");
		put_str(b, ws, (uint32_t)j + 1, 0, name_of(reg, d->en), NULL);
		put_str(b, ws, (uint32_t)j + 1, 1, str(reg, "code"), NULL);
		json_array_foreach(list, i, it) put_num(b, ws, (uint32_t)j + 1, (uint16_t)(i + 2),
							json_object_get(vals, str(it, "code")),
							unit_format(b, str(it, "unit")));
	}
	worksheet_set_column(ws, 0, 0, 16, NULL);
	worksheet_set_column(ws, 2, (uint16_t)(json_array_size(list) + 2), 13, NULL);
	worksheet_freeze_panes(ws, 1, 1);
	size_t n = json_array_size(kids);
	if (chosen && n && b->e == LXW_NO_ERROR) {
		uint16_t c = (uint16_t)(chosen_at + 2);
		lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_BAR);
		lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(s, sheet, 1, 0, (uint32_t)n, 0);
		chart_series_set_values(s, sheet, 1, c, (uint32_t)n, c);
		chart_series_set_name(s, name_of(chosen, d->en));
		struct dt_strbuf sb = DT_STRBUF_INIT;
		dt_strbuf_addf(&sb, W("%s · 各下级地区", "%s by sub-region"),
			       name_of(chosen, d->en));
		chart_title_set_name(ch, sb.buf);
		dt_strbuf_release(&sb);
		chart_axis_set_reverse(ch->x_axis);
		chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
		lxw_chart_options o = { .x_scale = 1.5, .y_scale = n > 8 ? 2.0 : 1.2 };
		b->e = worksheet_insert_chart_opt(ws, (uint32_t)n + 3, 0, ch, &o);
	}
}

/* Sheet 4: the ranking of the pilots by composite score. */
static void ranking_sheet(struct book *b)
{
	const struct dt_dashboard_xlsx *d = b->d;
	const json_t *items = json_object_get(d->ranking, "items"), *it;
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, W("排名", "Ranking"));
	if (!ws) {
		b->e = LXW_ERROR_MEMORY_MALLOC_FAILED;
		return;
	}
	static const char *const zh[] = {
		"名次", "试点", "代码", "综合得分", "上年名次", "上年得分"
	};
	static const char *const en[] = { "Rank",  "Pilot",         "Code",
					  "Score", "Previous rank", "Previous score" };
	header_row(b, ws, 0, d->en ? en : zh, DT_ARRAY_SIZE(zh));
	size_t i;
	json_array_foreach(items, i, it)
	{
		const json_t *reg = json_object_get(it, "region");
		put_num(b, ws, (uint32_t)i + 1, 0, json_object_get(it, "rank"), NULL);
		put_str(b, ws, (uint32_t)i + 1, 1, name_of(reg, d->en), NULL);
		put_str(b, ws, (uint32_t)i + 1, 2, str(reg, "code"), NULL);
		put_num(b, ws, (uint32_t)i + 1, 3, json_object_get(it, "score"), b->num[2]);
		put_num(b, ws, (uint32_t)i + 1, 4, json_object_get(it, "previous_rank"), NULL);
		put_num(b, ws, (uint32_t)i + 1, 5, json_object_get(it, "previous_score"),
			b->num[2]);
	}
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_strbuf_addf(
		&sb,
		W("名次为在全部 %lld 个试点中的位次", "ranks are places among all %lld pilots"),
		(long long)json_integer_value(json_object_get(d->ranking, "total")));
	put_str(b, ws, (uint32_t)json_array_size(items) + 2, 0, sb.buf, b->note);
	dt_strbuf_release(&sb);
	put_str(b, ws, (uint32_t)json_array_size(items) + 3, 0,
		W("综合得分 = 100 × Σ(权重 × 达成度,达成度最高计 120%) ÷ Σ权重;权重公布于 "
		  "docs/INDICATORS.md 和设置 weight.*",
		  "Score = 100 × Σ(weight × attainment, capped at 120%) ÷ Σ weights; the weights "
		  "are published in docs/INDICATORS.md and the settings weight.*"),
		b->note);
	worksheet_set_column(ws, 1, 1, 16, NULL);
	worksheet_set_column(ws, 3, 5, 13, NULL);
}

enum dt_err dt_dashboard_xlsx(const struct dt_dashboard_xlsx *d, const char *path,
			      struct dt_strbuf *err)
{
	struct book b = { .d = d };
	b.wb = workbook_new(path);
	if (!b.wb)
		return dt_error(err, DT_EIO, "%s: cannot create the workbook", path);
	/* dated the day it reports on (00:00 Beijing time), so a day's views give the same bytes */
	struct dt_date today = dt_date_today();
	lxw_doc_properties props = { .title = W("监测看板", "Monitoring dashboard"),
				     .created = (time_t)dt_date_to_days(today) * 86400 - 8 * 3600 };
	workbook_set_properties(b.wb, &props);
	b.hdr = workbook_add_format(b.wb);
	format_set_bold(b.hdr);
	format_set_font_color(b.hdr, LXW_COLOR_WHITE);
	format_set_bg_color(b.hdr, 0x1F4E78);
	format_set_text_wrap(b.hdr);
	b.title = workbook_add_format(b.wb);
	format_set_bold(b.title);
	format_set_font_size(b.title, 14);
	b.note = workbook_add_format(b.wb);
	format_set_italic(b.note);
	format_set_font_color(b.note, LXW_COLOR_GRAY);
	static const char *const nf[4] = { "#,##0", "0.0", "0.00", "#,##0.0" };
	for (int i = 0; i < 4; i++) {
		b.num[i] = workbook_add_format(b.wb);
		format_set_num_format(b.num[i], nf[i]);
	}
	b.pct = workbook_add_format(b.wb);
	format_set_num_format(b.pct, "0%");
	b.partial = workbook_add_format(b.wb);
	format_set_italic(b.partial);
	format_set_pattern(b.partial, LXW_PATTERN_LIGHT_UP);
	format_set_fg_color(b.partial, 0xD9D9D9);
	format_set_num_format(b.partial, "0.0#");

	size_t at = 0;
	const json_t *chosen = chosen_indicator(d, &at);
	indicators_sheet(&b);
	if (d->series && b.e == LXW_NO_ERROR)
		monthly_sheet(&b, chosen);
	if (json_array_size(json_object_get(d->indicators, "children")) && b.e == LXW_NO_ERROR)
		children_sheet(&b, chosen, at);
	if (d->ranking && json_array_size(json_object_get(d->ranking, "items")) &&
	    b.e == LXW_NO_ERROR)
		ranking_sheet(&b);
	lxw_error e = b.e;
	lxw_error ce = workbook_close(b.wb);
	if (e == LXW_NO_ERROR)
		e = ce;
	if (e != LXW_NO_ERROR) {
		unlink(path);
		return dt_error(err, DT_EIO, "%s: %s", path, lxw_strerror(e));
	}
	return DT_OK;
}
