/*
 * uscc.c - unified social credit codes (GB 32100-2015) and the organisation
 * codes (GB 11714) embedded in them.
 *
 * A code is checked field by field so that the reason names what is wrong:
 * the length, a character outside the 31-character set, the registration
 * authority (position 1), the organisation type (position 2), the region
 * (positions 3-8), the GB 11714 check of the organisation code (positions
 * 9-17) and finally the MOD 31 check character (position 18).  Input is
 * normalised to upper case first.  Nothing here allocates or does I/O.
 */
#include "core/common.h"

#include <string.h>

#include "domain/uscc.h"
#include "domain/region.h"
#include "core/banned.h"

/* The 31 characters of a code; a character's value is its index. */
static const char uscc_charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int uscc_weights[17] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
};
static const int orgcode_weights[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };

/* Registration authorities of GB 32100 and later notices. */
static const char uscc_authorities[] = "123456789ANY";

/*
 * Region of central (national-level) bodies: ministries and central public
 * institutions register with 100000, which is no province.
 */
#define USCC_REGION_NATIONAL 100000

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Value of @c in the USCC set (either case), or -1. */
static int uscc_value(char c)
{
	c = upper(c);
	if (!c)
		return -1;
	const char *p = strchr(uscc_charset, c);
	return p ? (int)(p - uscc_charset) : -1;
}

/* Returns 0 if a character is outside the set or @first17 is shorter. */
char dt_uscc_check_char(const char *first17)
{
	if (!first17)
		return 0;
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = uscc_value(first17[i]);
		if (v < 0)
			return 0;
		sum += v * uscc_weights[i];
	}
	int c = 31 - sum % 31;
	return uscc_charset[c == 31 ? 0 : c];
}

/*
 * GB 11714 takes digits and upper-case letters A-Z (value 10..35) in the
 * body.  Returns 0 for any other character or a body shorter than 8.
 */
char dt_orgcode_check_char(const char *first8)
{
	if (!first8)
		return 0;
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		char c = first8[i];
		int v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'A' && c <= 'Z')
			v = 10 + (c - 'A');
		else
			return 0;
		sum += v * orgcode_weights[i];
	}
	int c9 = 11 - sum % 11;
	if (c9 == 10)
		return 'X';
	if (c9 == 11)
		return '0';
	return (char)('0' + c9);
}

/* @out may be NULL to validate only; it is written only on success. */
enum dt_err dt_uscc_parse(const char *s, char out[DT_USCC_LEN + 1], struct dt_problems *ps,
			  const char *field)
{
	if (!s || !*s)
		return dt_problem_add(ps, field, "field.required", NULL);
	size_t len = strlen(s);
	if (len != DT_USCC_LEN)
		return dt_problem_add(ps, field, "uscc.length", "length", DT_I(len), NULL);

	char code[DT_USCC_LEN + 1];
	for (size_t i = 0; i < DT_USCC_LEN; i++) {
		code[i] = upper(s[i]);
		if (uscc_value(code[i]) < 0) {
			if (code[i] == 'I' || code[i] == 'O' || code[i] == 'S' || code[i] == 'V' ||
			    code[i] == 'Z')
				return dt_problem_add(ps, field, "uscc.letter", "position",
						      DT_I(i + 1), "letter",
						      (char[2]){ code[i], 0 }, NULL);
			return dt_problem_add(ps, field, "uscc.char", "position", DT_I(i + 1),
					      NULL);
		}
	}
	code[DT_USCC_LEN] = '\0';

	if (!strchr(uscc_authorities, code[0]))
		return dt_problem_add(ps, field, "uscc.authority", "value", (char[2]){ code[0], 0 },
				      NULL);
	/* Every published organisation type is a digit 1..9; 0 is never used. */
	if (code[1] < '1' || code[1] > '9')
		return dt_problem_add(ps, field, "uscc.org_type", "value", (char[2]){ code[1], 0 },
				      NULL);
	int region = 0;
	for (int i = 2; i < 8; i++) {
		if (code[i] < '0' || code[i] > '9')
			return dt_problem_add(ps, field, "uscc.region_digit", "position",
					      DT_I(i + 1), NULL);
		region = region * 10 + (code[i] - '0');
	}
	if (region != USCC_REGION_NATIONAL && !dt_region_province_valid(region / 10000))
		return dt_problem_add(
			ps, field, "uscc.province", "region",
			(char[7]){ code[2], code[3], code[4], code[5], code[6], code[7], 0 },
			"province", (char[3]){ code[2], code[3], 0 }, NULL);

	char org = dt_orgcode_check_char(code + 8);
	if (code[16] != org)
		return dt_problem_add(ps, field, "uscc.org_check", "expected", (char[2]){ org, 0 },
				      "got", (char[2]){ code[16], 0 }, NULL);

	char want = dt_uscc_check_char(code);
	if (code[17] != want)
		return dt_problem_add(ps, field, "uscc.check_char", "expected",
				      (char[2]){ want, 0 }, "got", (char[2]){ code[17], 0 }, NULL);

	if (out)
		memcpy(out, code, DT_USCC_LEN + 1);
	return DT_OK;
}

int dt_uscc_region(const char *code)
{
	int region = 0;
	for (int i = 2; i < 8; i++)
		region = region * 10 + (code[i] - '0');
	return region;
}
