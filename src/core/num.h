/*
 * num.h - strict number parsing (the replacement for atoi and friends).
 */
#ifndef DT_NUM_H
#define DT_NUM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"

/** Why a number was refused (domain/arg.c turns it into a problem). */
enum dt_num_fault {
	DT_NUM_OK = 0,
	DT_NUM_SYNTAX, /* not a plain decimal number filling the text */
	DT_NUM_RANGE,  /* a number, outside the range asked for (or of the type) */
};

/** Parse all of @s as a decimal integer in [@min, @max] into *@out; why not. */
enum dt_num_fault dt_num_int64(const char *s, int64_t min, int64_t max, int64_t *out);
/** Parse all of @s as a finite decimal number into *@out; why not. */
enum dt_num_fault dt_num_double(const char *s, double *out);

/**
 * Parse all of @s as a decimal integer in [@min, @max].  No blanks, no
 * trailing text.  On failure returns DT_EINVAL with "@what: reason" in @err.
 */
enum dt_err dt_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out, const char *what,
			   struct dt_strbuf *err);
/** As dt_parse_int64 for a double (finite only). */
enum dt_err dt_parse_double(const char *s, double *out, const char *what, struct dt_strbuf *err);

/**
 * @d as a whole number of hundredths into *@centi (750 for 7.5), when it is
 * exactly one: @d is the double nearest to that many hundredths, which
 * *@centi / 100.0 gives back bit for bit (7.55 is, 7.555 and 0.1 + 0.2 are
 * not); false otherwise.
 */
bool dt_num_centi(double d, int64_t *centi);

#endif
