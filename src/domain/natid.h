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
#include "domain/problem.h"

#define DT_NATID_LEN 18

struct dt_natid {
	char id[DT_NATID_LEN + 1]; /* normalised: upper-case X */
	int region;                /* the 6-digit code of issue */
	struct dt_date birth;
	char gender; /* 'M' or 'F' */
};

/** The check character for the first 17 digits of an ID ('0'..'9' or 'X'). */
char dt_natid_check_char(const char *first17);
/**
 * Validate @s against GB 11643 as of @today and fill @out.  Leading and
 * trailing blanks are not accepted; lower-case x is normalised.  Any birth
 * year is valid (the standard's example 440524188001010014 was born in
 * 1880); how old a person must be is the caller's rule (a trainee's, in the
 * store), from out->birth.  On failure one problem about @field in @ps
 * (natid.check_char {expected, got}, natid.length {length}, natid.legacy,
 * natid.digit {position}, natid.last_char, natid.blanks, natid.province
 * {region, province}, natid.birth_invalid {birth}, natid.birth_future
 * {birth}, field.required) and its kind, DT_EINVAL.
 */
enum dt_err dt_natid_parse(const char *s, struct dt_date today, struct dt_natid *out,
			   struct dt_problems *ps, const char *field);
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
