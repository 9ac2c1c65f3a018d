/*
 * region_names.h - regions given by name where the name is unambiguous.
 *
 * People write "沈阳市", not 210100.  A set of names holds the region table
 * (code, Chinese name) and the scope a caller may name regions in; a text is
 * resolved to a code when it is a code, or when exactly one region of that
 * name lies within the scope.  A name two regions share ("铁西区" is in
 * Shenyang and in Anshan) is refused naming the candidates, so that nothing
 * is guessed.  The table comes from the store; the rule lives here once, for
 * every import (CSV or XLSX).
 */
#ifndef DT_REGION_NAMES_H
#define DT_REGION_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/problem.h"

struct dt_region_names;

/** An empty set for a caller whose scope is region @scope (0: the nation); NULL when out of memory. */
struct dt_region_names *dt_region_names_new(int scope);
/** Add region @code called @name (copied); false when out of memory. */
bool dt_region_names_add(struct dt_region_names *n, int code, const char *name);
/** Free @n (NULL is fine). */
void dt_region_names_free(struct dt_region_names *n);
/**
 * Is @text a region name rather than a code?  True when it holds a character
 * that is neither an ASCII digit nor a blank: such a text is for
 * dt_region_names_resolve(); a code keeps the code checks it has.
 */
bool dt_region_names_is_name(const char *text);
/**
 * Resolve name @text (cleaned) to the code of the one region of that name
 * within the scope, in *@code.  Otherwise one problem about @field in @ps
 * and DT_EINVAL: region.name_ambiguous {value, candidates} naming each
 * candidate as "210106 沈阳市铁西区", or region.name_unknown {value}.
 * The first call sorts the set: resolve from one thread at a time.
 */
enum dt_err dt_region_names_resolve(const struct dt_region_names *n, const char *text, int *code,
				    struct dt_problems *ps, const char *field);

#endif
