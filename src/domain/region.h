/*
 * region.h - administrative division codes (GB/T 2260): rules on the code.
 *
 * A code is 6 digits PPCCXX: province, prefecture (city), county.  The level
 * and the chain of ancestors follow from the trailing zeros; whether a code
 * is in the current list is the store's business (the region table).
 */
#ifndef DT_REGION_H
#define DT_REGION_H

#include <stdbool.h>

#include "domain/problem.h"

/** True for the 34 province-level prefixes (11..15, 21..23, 31..37, 41..46, 50..54, 61..65, 71, 81, 82). */
bool dt_region_province_valid(int prefix2);
/**
 * Parse "210102" (6 digits, valid province prefix) into @code (may be
 * NULL).  On failure one problem about @field in @ps (region.format {value},
 * region.province {value, province}, region.county {value}, field.required)
 * and DT_EINVAL.  Whether the code is in the region table is the store's
 * question.
 */
enum dt_err dt_region_code_parse(const char *s, int *code, struct dt_problems *ps,
				 const char *field);
/** 1 province (PP0000), 2 prefecture (PPCC00), 3 county. */
int dt_region_level(int code);
/** The code's ancestor at @level (1 or 2): 210102 -> 210000 or 210100. */
int dt_region_ancestor(int code, int level);
/** True if @code is @scope or lies below it (a province covers its cities and counties). */
bool dt_region_contains(int scope, int code);
/** Inclusive range of codes covered by @scope, for range queries. */
void dt_region_range(int scope, int *lo, int *hi);

#endif
