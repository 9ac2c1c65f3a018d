/*
 * region.c - rules on administrative division codes (GB/T 2260).
 *
 * A code PPCCXX is read from its digits alone: the province prefix must be
 * one of the 34 province-level units, and the level follows from the
 * trailing zeros.  Whether a code is in the current official list is not
 * decided here (codes are abolished and renumbered over the years, and IDs
 * issued under old codes stay valid); the store's region table knows that.
 */
#include "core/common.h"

#include <string.h>

#include "domain/region.h"
#include "core/banned.h"

bool dt_region_province_valid(int prefix2)
{
	switch (prefix2) {
	case 11:
	case 12:
	case 13:
	case 14:
	case 15: /* North */
	case 21:
	case 22:
	case 23: /* North-east */
	case 31:
	case 32:
	case 33:
	case 34:
	case 35:
	case 36:
	case 37: /* East */
	case 41:
	case 42:
	case 43:
	case 44:
	case 45:
	case 46: /* Centre-south */
	case 50:
	case 51:
	case 52:
	case 53:
	case 54: /* South-west */
	case 61:
	case 62:
	case 63:
	case 64:
	case 65: /* North-west */
	case 71:
	case 81:
	case 82: /* Taiwan, Hong Kong, Macao */ return true;
	default: return false;
	}
}

enum dt_err dt_region_code_parse(const char *s, int *code, struct dt_problems *ps,
				 const char *field)
{
	if (!s || !*s)
		return dt_problem_add(ps, field, "field.required", NULL);
	size_t len = strlen(s);
	int v = 0;
	for (size_t i = 0; i < len && len == 6; i++) {
		if (s[i] < '0' || s[i] > '9')
			len = 0;
		else
			v = v * 10 + (s[i] - '0');
	}
	if (len != 6)
		return dt_problem_add(ps, field, "region.format", "value", s, NULL);
	if (!dt_region_province_valid(v / 10000))
		return dt_problem_add(ps, field, "region.province", "value", s, "province",
				      (char[3]){ s[0], s[1], 0 }, NULL);
	/*
	 * PP00XX would be a county with no prefecture above it.  GB/T 2260 never
	 * issues such codes (counties run directly by a province use CC = 90),
	 * and accepting one would make dt_region_ancestor() answer a province
	 * for the prefecture level.
	 */
	if ((v / 100) % 100 == 0 && v % 100 != 0)
		return dt_problem_add(ps, field, "region.county", "value", s, NULL);
	if (code)
		*code = v;
	return DT_OK;
}

int dt_region_level(int code)
{
	if (code % 10000 == 0)
		return 1;
	if (code % 100 == 0)
		return 2;
	return 3;
}

/* For a @level other than 1 or 2 the code itself is returned. */
int dt_region_ancestor(int code, int level)
{
	switch (level) {
	case 1: return code / 10000 * 10000;
	case 2: return code / 100 * 100;
	default: return code;
	}
}

bool dt_region_contains(int scope, int code)
{
	int lo, hi;
	dt_region_range(scope, &lo, &hi);
	return code >= lo && code <= hi;
}

void dt_region_range(int scope, int *lo, int *hi)
{
	int l = scope, h = scope;
	switch (dt_region_level(scope)) {
	case 1: h = scope + 9999; break;
	case 2: h = scope + 99; break;
	default: break;
	}
	if (lo)
		*lo = l;
	if (hi)
		*hi = h;
}
