/*
 * natid.c - citizen identity numbers (GB 11643-1999).
 *
 * Parsing checks, in order: blanks, the legacy 15-digit form, the length, the
 * characters, the ISO 7064 MOD 11-2 check character, the province of issue,
 * and the birth date (a real calendar date, not before 1900 and not after
 * the caller's `today`).  The check character comes before the meaning of
 * the fields because a mistyped digit usually shows there first, and "wrong
 * check character" is the most useful thing to tell a clerk in that case.
 *
 * Only the province of the region code is checked: the 6-digit code is the
 * one in force when the ID was issued, and many have since been abolished.
 * Nothing here allocates or does I/O.
 */
#include "core/common.h"

#include <string.h>

#include "domain/natid.h"
#include "domain/region.h"
#include "core/banned.h"

/* The earliest birth year accepted; older IDs exist but not among trainees or staff. */
#define NATID_MIN_YEAR 1900

/* Weights 2^(17-i) mod 11 for positions i = 0..16 (ISO 7064 MOD 11-2). */
static const int natid_weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
/* Check character for each value of (weighted sum mod 11). */
static const char natid_check[11] = { '1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2' };

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Value of @n digits at @s (all known to be digits). */
static int digits_value(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/*
 * Returns 0 (not a character) if one of the 17 is not a digit, or if
 * @first17 is shorter than 17 characters.
 */
char dt_natid_check_char(const char *first17)
{
	if (!first17)
		return 0;
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (!is_digit(first17[i]))
			return 0;
		sum += (first17[i] - '0') * natid_weights[i];
	}
	return natid_check[sum % 11];
}

/*
 * @out may be NULL to validate only; it is written only on success.  @s is
 * not kept.
 */
enum dt_err dt_natid_parse(const char *s, struct dt_date today, struct dt_natid *out, struct dt_strbuf *err)
{
	if (!s || !*s)
		return dt_error(err, DT_EINVAL, "national ID: missing");
	size_t len = strlen(s);
	if (is_blank(s[0]) || is_blank(s[len - 1]))
		return dt_error(err, DT_EINVAL,
				"national ID: leading or trailing blanks are not accepted");

	bool all_digits = true;
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]))
			all_digits = false;
	if (len == 15 && all_digits)
		return dt_error(err, DT_EINVAL,
				"national ID: 15-digit legacy ID: re-issue as an 18-digit ID");
	if (len != DT_NATID_LEN)
		return dt_error(err, DT_EINVAL, "national ID: must be 18 characters, got %zu",
				len);

	for (int i = 0; i < 17; i++)
		if (!is_digit(s[i]))
			return dt_error(err, DT_EINVAL,
					"national ID: character %d is not a digit", i + 1);
	char last = s[17] == 'x' ? 'X' : s[17];
	if (!is_digit(last) && last != 'X')
		return dt_error(err, DT_EINVAL,
				"national ID: character 18 must be a digit or X");

	char want = dt_natid_check_char(s);
	if (last != want)
		return dt_error(err, DT_EINVAL,
				"national ID: wrong check character: expected %c, got %c", want,
				last);

	int region = digits_value(s, 6);
	if (!dt_region_province_valid(region / 10000))
		return dt_error(err, DT_EINVAL,
				"national ID: region code %06d has no such province (%02d)", region,
				region / 10000);

	struct dt_date birth = {
		.year = digits_value(s + 6, 4),
		.month = digits_value(s + 10, 2),
		.day = digits_value(s + 12, 2),
	};
	if (!dt_date_valid(birth.year, birth.month, birth.day))
		return dt_error(err, DT_EINVAL,
				"national ID: birth date %.8s does not exist", s + 6);
	if (birth.year < NATID_MIN_YEAR)
		return dt_error(err, DT_EINVAL,
				"national ID: birth date %04d-%02d-%02d is before %d", birth.year,
				birth.month, birth.day, NATID_MIN_YEAR);
	if (dt_date_cmp(birth, today) > 0)
		return dt_error(err, DT_EINVAL,
				"national ID: birth date %04d-%02d-%02d is in the future", birth.year,
				birth.month, birth.day);

	if (out) {
		memcpy(out->id, s, 17);
		out->id[17] = last;
		out->id[DT_NATID_LEN] = '\0';
		out->region = region;
		out->birth = birth;
		out->gender = (s[16] - '0') % 2 ? 'M' : 'F';
	}
	return DT_OK;
}

/*
 * Anything that is not 12 to 18 characters long (so that at least four stay
 * hidden) is masked whole, capped at 18 stars; a NULL @id gives "".
 */
void dt_natid_mask(const char *id, char out[DT_NATID_LEN + 1])
{
	size_t len = 0;
	while (id && len <= DT_NATID_LEN && id[len])
		len++;
	bool keep = len >= 12 && len <= DT_NATID_LEN;
	if (len > DT_NATID_LEN)
		len = DT_NATID_LEN;
	for (size_t i = 0; i < len; i++) {
		if (keep && (i < 4 || i >= len - 4))
			out[i] = id[i] == 'x' ? 'X' : id[i];
		else
			out[i] = '*';
	}
	out[len] = '\0';
}

/*
 * Showing the sequence digits or the check character would leave about
 * 500 x 11 times fewer candidates; see docs/API.md, "Personal data".
 */
void dt_natid_mask_city(const char *id, char out[DT_NATID_LEN + 1])
{
	size_t len = 0;
	while (id && len <= DT_NATID_LEN && id[len])
		len++;
	bool keep = len == DT_NATID_LEN;
	if (len > DT_NATID_LEN)
		len = DT_NATID_LEN;
	for (size_t i = 0; i < len; i++)
		out[i] = keep && i < 4 ? id[i] : '*';
	out[len] = '\0';
}
