/*
 * finding_xlsx.h - the findings board as an XLSX workbook (issue 14): one
 * row a finding, with names rather than ids, dates in the pilot's calendar
 * (China Standard Time) as real dates, severity, status and the
 * red / yellow / green state in words, the colour also as the cell's fill.
 */
#ifndef DT_FINDING_XLSX_H
#define DT_FINDING_XLSX_H

#include <stdbool.h>

#include <jansson.h>

#include "core/strbuf.h"

/**
 * Write @items (as dt_store_finding_report() gives them; borrowed) to the
 * new file @path: a sheet of findings with a bold, frozen header row and a
 * filter, Chinese unless @en.  DT_EIO, with @err naming the file, when it
 * cannot be written (a partly written file is removed).
 */
enum dt_err dt_finding_xlsx(const json_t *items, bool en, const char *path, struct dt_strbuf *err);

#endif
