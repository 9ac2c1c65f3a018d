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

#include "core/strbuf.h"

#define DT_USCC_LEN 18

/** Check character for the first 17 characters; 0 if one is not in the set. */
char dt_uscc_check_char(const char *first17);
/** GB 11714 check character ('0'..'9' or 'X') for an 8-character organisation code body. */
char dt_orgcode_check_char(const char *first8);
/**
 * Validate @s; write the normalised (upper-case) code into @out.  DT_EINVAL
 * with a reason in @err naming the position or check that failed.
 */
enum dt_err dt_uscc_parse(const char *s, char out[DT_USCC_LEN + 1], struct dt_strbuf *err);

#endif
