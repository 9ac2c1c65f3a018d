/*
 * natid.c - citizen identity numbers (GB 11643-1999).
 *
 * Parsing checks, in order: blanks, the legacy 15-digit form, the length, the
 * characters, the ISO 7064 MOD 11-2 check character, the province of issue,
 * and the birth date (a real calendar date not after the caller's `today`:
 * any year, so that the standard's own example 440524188001010014, born in
 * 1880, is valid; how old a trainee must be is the trainee's rule, in the
 * store).  The check character comes before the meaning of
 * the fields because a mistyped digit usually shows there first, and "wrong
 * check character" is the most useful thing to tell a clerk in that case.  Each refusal is a
 * problem (problem.h) with a natid.* code.
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
 * not kept.  Every refusal is one problem about @field.
 */
enum dt_err dt_natid_parse(const char *s, struct dt_date today, struct dt_natid *out,
			   struct dt_problems *ps, const char *field)
{
	if (!s || !*s)
		return dt_problem_add(ps, field, "field.required", NULL);
	size_t len = strlen(s);
	if (is_blank(s[0]) || is_blank(s[len - 1]))
		return dt_problem_add(ps, field, "natid.blanks", NULL);

	bool all_digits = true;
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]))
			all_digits = false;
	if (len == 15 && all_digits)
		return dt_problem_add(ps, field, "natid.legacy", NULL);
	if (len != DT_NATID_LEN)
		return dt_problem_add(ps, field, "natid.length", "length", DT_I(len), NULL);

	for (int i = 0; i < 17; i++)
		if (!is_digit(s[i]))
			return dt_problem_add(ps, field, "natid.digit", "position", DT_I(i + 1),
					      NULL);
	char last = s[17] == 'x' ? 'X' : s[17];
	if (!is_digit(last) && last != 'X')
		return dt_problem_add(ps, field, "natid.last_char", NULL);

	char want = dt_natid_check_char(s);
	if (last != want)
		return dt_problem_add(ps, field, "natid.check_char", "expected",
				      (char[2]){ want, 0 }, "got", (char[2]){ last, 0 }, NULL);

	int region = digits_value(s, 6);
	if (!dt_region_province_valid(region / 10000))
		return dt_problem_add(ps, field, "natid.province", "region",
				      (char[8]){ s[0], s[1], s[2], s[3], s[4], s[5], 0 },
				      "province", (char[3]){ s[0], s[1], 0 }, NULL);

	struct dt_date birth = {
		.year = digits_value(s + 6, 4),
		.month = digits_value(s + 10, 2),
		.day = digits_value(s + 12, 2),
	};
	char when[DT_DATE_STRLEN];
	if (!dt_date_valid(birth.year, birth.month, birth.day))
		return dt_problem_add(
			ps, field, "natid.birth_invalid", "birth",
			(char[9]){ s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13], 0 }, NULL);
	dt_date_format(birth, when);
	if (dt_date_cmp(birth, today) > 0)
		return dt_problem_add(ps, field, "natid.birth_future", "birth", when, NULL);

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
