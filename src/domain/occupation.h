/*
 * occupation.h - occupation codes of the national classification
 * (中华人民共和国职业分类大典) and skill levels.
 *
 * A code reads X-XX-XX-XX: major group 1..8, middle group, minor group,
 * occupation.  Skill levels run from 5 (五级/初级工) to 1 (一级/高级技师).
 */
#ifndef DT_OCCUPATION_H
#define DT_OCCUPATION_H

#include <stdbool.h>

#include "domain/problem.h"

#define DT_OCC_CODE_LEN 10

/**
 * Validate the form of @s; otherwise one problem about @field in @ps
 * (occupation.format {value}: not X-XX-XX-XX; occupation.major {value}: the
 * major group is not 1-8; field.required) and DT_EINVAL.
 */
enum dt_err dt_occupation_code_parse(const char *s, struct dt_problems *ps, const char *field);
/** True for 1..5. */
bool dt_skill_level_valid(int level);
/** "五级/初级工" .. "一级/高级技师" (zh) or "Level 5 (entry)" .. (en); NULL for a bad level. */
const char *dt_skill_level_name(int level, bool zh);

#endif
