/*
 * uscc.h - unified social credit codes (GB 32100-2015).
 *
 * 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O, Z, S, V):
 * registration authority (1), organisation type (1), region code (6), the
 * organisation code (9, itself carrying a GB 11714 check character) and a
 * check character (MOD 31).
 */
#ifndef DT_USCC_H
#define DT_USCC_H

#include "domain/problem.h"

#define DT_USCC_LEN 18

/** Check character for the first 17 characters; 0 if one is not in the set. */
char dt_uscc_check_char(const char *first17);
/** GB 11714 check character ('0'..'9' or 'X') for an 8-character organisation code body. */
char dt_orgcode_check_char(const char *first8);
/**
 * Validate @s; write the normalised (upper-case) code into @out (may be
 * NULL).  On failure one problem about @field in @ps naming the position or
 * check that failed (uscc.length {length}, uscc.letter {position, letter},
 * uscc.char {position}, uscc.authority {value}, uscc.org_type {value},
 * uscc.region_digit {position}, uscc.province {region, province},
 * uscc.org_check {expected, got}, uscc.check_char {expected, got},
 * field.required) and its kind, DT_EINVAL.
 */
enum dt_err dt_uscc_parse(const char *s, char out[DT_USCC_LEN + 1], struct dt_problems *ps,
			  const char *field);
/** The 6-digit region code inside a valid USCC @code (positions 3-8; 100000: national). */
int dt_uscc_region(const char *code);

#endif
