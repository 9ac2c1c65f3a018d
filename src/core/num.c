/*
 * num.c - strict number parsing (the replacement for atoi and friends).
 *
 * strtoll() and strtod() are lenient in ways that let bad input through: they
 * skip leading blanks, stop quietly at the first bad character, saturate on
 * overflow, and strtod() reads "inf", "nan" and hexadecimal floats.  These
 * wrappers check the characters first, then errno and the end pointer, so
 * that only a plain decimal number that fills the whole string is accepted,
 * and every refusal says which argument or field (`what`) was wrong and why.
 * Numbers are read in the C locale's format ('.' as the decimal point);
 * dualtrack never calls setlocale(LC_NUMERIC).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/num.h"
#include "core/utf8.h"
#include "core/banned.h"

#define QUOTE_MAX 40 /* bytes of bad input echoed back in a message */

/* Start an error message: "what: " (or nothing when @what is NULL). */
static void begin(struct dt_strbuf *err, const char *what)
{
	dt_strbuf_reset(err);
	if (what)
		dt_strbuf_addf(err, "%s: ", what);
}

static enum dt_err refuse(struct dt_strbuf *err, const char *what, const char *expected,
			  const char *s)
{
	if (!err)
		return DT_EINVAL;
	begin(err, what);
	dt_strbuf_addf(err, "expected %s, got ", expected);
	if (s && *s)
		dt_utf8_add_quoted(err, s, QUOTE_MAX);
	else
		dt_strbuf_adds(err, "nothing");
	return DT_EINVAL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

enum dt_num_fault dt_num_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char *p = s;

	if (!s || !*s)
		return DT_NUM_SYNTAX;
	if (*p == '-' || *p == '+')
		p++;
	if (!is_digit(*p))
		return DT_NUM_SYNTAX;
	while (is_digit(*p))
		p++;
	if (*p)
		return DT_NUM_SYNTAX;

	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end != p)
		return DT_NUM_SYNTAX;
	if (errno == ERANGE || v < min || v > max)
		return DT_NUM_RANGE;
	*out = (int64_t)v;
	return DT_NUM_OK;
}

enum dt_err dt_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out, const char *what,
			   struct dt_strbuf *err)
{
	int64_t v = 0;
	enum dt_num_fault f = dt_num_int64(s, min, max, &v);
	if (f == DT_NUM_SYNTAX)
		return refuse(err, what, "a whole number", s);
	if (f == DT_NUM_RANGE) {
		if (!err)
			return DT_EINVAL;
		begin(err, what);
		if (dt_num_int64(s, INT64_MIN, INT64_MAX, &v) != DT_NUM_OK)
			dt_utf8_add_quoted(err, s, QUOTE_MAX);
		else
			dt_strbuf_addf(err, "%lld", (long long)v);
		dt_strbuf_addf(err, " is out of range %lld..%lld", (long long)min, (long long)max);
		return DT_EINVAL;
	}
	*out = v;
	return DT_OK;
}

enum dt_num_fault dt_num_double(const char *s, double *out)
{
	const char *p = s;
	bool mantissa = false;

	/* [+-] digits [. digits] [(e|E) [+-] digits], at least one mantissa digit */
	if (!s || !*s)
		return DT_NUM_SYNTAX;
	if (*p == '-' || *p == '+')
		p++;
	while (is_digit(*p)) {
		p++;
		mantissa = true;
	}
	if (*p == '.') {
		p++;
		while (is_digit(*p)) {
			p++;
			mantissa = true;
		}
	}
	if (mantissa && (*p == 'e' || *p == 'E')) {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!is_digit(*p))
			return DT_NUM_SYNTAX;
		while (is_digit(*p))
			p++;
	}
	if (!mantissa || *p)
		return DT_NUM_SYNTAX;

	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	if (end != p)
		return DT_NUM_SYNTAX;
	/* ERANGE with a tiny result is underflow: the nearest double is fine. */
	if ((errno == ERANGE && fabs(v) > 1.0) || !isfinite(v))
		return DT_NUM_RANGE;
	*out = v;
	return DT_NUM_OK;
}

enum dt_err dt_parse_double(const char *s, double *out, const char *what, struct dt_strbuf *err)
{
	enum dt_num_fault f = dt_num_double(s, out);
	if (f == DT_NUM_SYNTAX)
		return refuse(err, what, "a number", s);
	if (f == DT_NUM_RANGE) {
		if (!err)
			return DT_EINVAL;
		begin(err, what);
		dt_utf8_add_quoted(err, s, QUOTE_MAX);
		dt_strbuf_adds(err, " is out of range");
		return DT_EINVAL;
	}
	return DT_OK;
}

bool dt_num_centi(double d, int64_t *centi)
{
	/* within 2^53 hundredths every whole number is a double */
	if (!isfinite(d) || fabs(d) > 9.0e13)
		return false;
	double c = nearbyint(d * 100);
	if (c / 100 != d)
		return false;
	*centi = (int64_t)c;
	return true;
}
