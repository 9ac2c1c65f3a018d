/*
 * publicity.h - the engine's part of publicity (issue 15): a case's
 * indicators read from the live figures and frozen into it when it is
 * published.
 */
#ifndef DT_ENGINE_PUBLICITY_H
#define DT_ENGINE_PUBLICITY_H

#include "store/publicity.h"

/**
 * Take @step on case @id as store/publicity.h's dt_store_case_step does;
 * for publish, first read the case's indicators for its region and @year
 * (0: this year; @today YYYYMMDD, 0: today) from the live figures and hand
 * them over to be frozen: {year, region, indicators: [{code, name_zh,
 * name_en, unit, value}]}.
 */
enum dt_err dt_engine_case_step(struct dt_store *s, const struct dt_actor *a,
				const struct dt_account *who, int64_t id, enum dt_case_step step,
				const char *comment, int year, int today, json_t **out,
				struct dt_strbuf *err);

#endif
