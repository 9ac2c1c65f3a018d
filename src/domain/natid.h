/*
 * natid.h - citizen identity numbers (GB 11643-1999).
 *
 * 18 characters: a 6-digit region code of issue, the birth date YYYYMMDD, a
 * 3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2
 * check character (0-9 or X).  Only the province part of the region code is
 * checked: codes abolished since issue are still real IDs.
 */
#ifndef DT_NATID_H
#define DT_NATID_H

#include "core/date.h"
#include "core/strbuf.h"

#define DT_NATID_LEN 18

struct dt_natid {
	char id[DT_NATID_LEN + 1]; /* normalised: upper-case X */
	int region;                /* the 6-digit code of issue */
	struct dt_date birth;
	char gender;               /* 'M' or 'F' */
};

/** The check character for the first 17 digits of an ID ('0'..'9' or 'X'). */
char dt_natid_check_char(const char *first17);
/**
 * Validate @s against GB 11643 as of @today and fill @out.  Leading and
 * trailing blanks are not accepted; lower-case x is normalised.  On failure
 * DT_EINVAL with a reason in @err (e.g. "wrong check character: expected 7",
 * "15-digit legacy ID: re-issue as 18 digits").
 */
enum dt_err dt_natid_parse(const char *s, struct dt_date today, struct dt_natid *out, struct dt_strbuf *err);
/** Masked form for display: the first 4 and last 4 kept, "2101**********123X". */
void dt_natid_mask(const char *id, char out[DT_NATID_LEN + 1]);
/**
 * The mask for readers without pii:read: only the first 4 characters (the
 * province and city of issue) kept, "2101**************".  @id may be an ID
 * or its dt_natid_mask() form; anything not 18 characters long is masked
 * whole, as dt_natid_mask() does.
 */
void dt_natid_mask_city(const char *id, char out[DT_NATID_LEN + 1]);

#endif
