/*
 * dashboard_xlsx.h - a dashboard view as an XLSX workbook with native Excel
 * charts (issue 17): what an official hands on from the monitoring screen.
 *
 * The workbook holds the numbers the dashboard shows, as the engine answers
 * them (GET /api/v1/indicators, /indicators/series, /rankings), unrounded
 * and typed, so that a reader of the file sees the same figures as the
 * screen and the API:
 *   - 指标 / Indicators: one row an indicator (value, numerator, denominator,
 *     target, attainment, projection, previous period, the good direction,
 *     weight) under a heading naming the region, period and occupation;
 *     a bar chart of the attainments;
 *   - 月度 / Monthly: the year's months × every indicator, the current,
 *     partial month marked; a line chart of the chosen indicator and a
 *     column chart of company vs school hours;
 *   - 下级地区 / Sub-regions: the chosen indicator per sub-region, with a
 *     bar chart (when the view has sub-regions);
 *   - 排名 / Ranking: the pilot cities by composite score (when given).
 * The layer above (http/h_indicators.c, cli/cmd_indicators.c) asks the
 * engine; this module only writes.
 */
#ifndef DT_DASHBOARD_XLSX_H
#define DT_DASHBOARD_XLSX_H

#include <stdbool.h>

#include <jansson.h>

#include "core/strbuf.h"

struct dt_dashboard_xlsx {
	const json_t *indicators; /* dt_engine_indicators() answer (borrowed) */
	const json_t *series;     /* dt_engine_series() answer for the same year, or NULL */
	const json_t *ranking;    /* dt_engine_ranking() answer, or NULL */
	const char *chosen;       /* indicator code of the charts; NULL: the first with a value */
	int today;                /* YYYYMMDD: the current month of that year is partial */
	bool en;                  /* English words (default Chinese) */
};

/**
 * Write the workbook of @d to the new file @path.  DT_EIO, with @err naming
 * the file, when it cannot be written (a partly written file is removed).
 */
enum dt_err dt_dashboard_xlsx(const struct dt_dashboard_xlsx *d, const char *path,
			      struct dt_strbuf *err);

#endif
