/*
 * occupation.c - the form of occupation codes of the national occupational
 * classification (中华人民共和国职业分类大典, 2015 edition) and the names of
 * the five national vocational skill levels.
 *
 * Only the shape of a code is checked here (X-XX-XX-XX with a major group
 * 1..8); whether the occupation exists is the occupation table's business.
 */
#include "core/common.h"

#include <string.h>

#include "domain/occupation.h"
#include "core/banned.h"

enum dt_err dt_occupation_code_parse(const char *s, struct dt_problems *ps, const char *field)
{
	if (!s || !*s)
		return dt_problem_add(ps, field, "field.required", NULL);
	size_t len = strlen(s);
	if (len != DT_OCC_CODE_LEN)
		return dt_problem_add(ps, field, "occupation.format", "value", s, NULL);
	for (size_t i = 0; i < DT_OCC_CODE_LEN; i++) {
		bool dash = i == 1 || i == 4 || i == 7;
		if ((dash && s[i] != '-') || (!dash && (s[i] < '0' || s[i] > '9')))
			return dt_problem_add(ps, field, "occupation.format", "value", s, NULL);
	}
	if (s[0] < '1' || s[0] > '8')
		return dt_problem_add(ps, field, "occupation.major", "value", (char[2]){ s[0], 0 },
				      NULL);
	return DT_OK;
}

bool dt_skill_level_valid(int level)
{
	return level >= 1 && level <= 5;
}

const char *dt_skill_level_name(int level, bool zh)
{
	/* Indexed by level - 1: level 1 is the highest. */
	static const char *const names_zh[5] = {
		"一级/高级技师", "二级/技师", "三级/高级工", "四级/中级工", "五级/初级工",
	};
	static const char *const names_en[5] = {
		"Level 1 (senior technician)", "Level 2 (technician)", "Level 3 (advanced)",
		"Level 4 (intermediate)",      "Level 5 (entry)",
	};
	if (!dt_skill_level_valid(level))
		return NULL;
	return zh ? names_zh[level - 1] : names_en[level - 1];
}
