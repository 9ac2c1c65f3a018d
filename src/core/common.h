/*
 * common.h - what every dualtrack .c file includes first.
 */
#ifndef DT_COMMON_H
#define DT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strbuf.h"

#define DT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
