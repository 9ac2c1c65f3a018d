/*
 * common.h - what every dualtrack .c file includes first.
 */
#ifndef DT_COMMON_H
#define DT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"

#define DT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Index of @s in @names[0..n) (the names of an enumeration), or -1; NULL is never found. */
static inline int dt_name_index(const char *const *names, int n, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

#endif
