/*
 * problem_check.h - the one check of a refusal, shared by the parser tests
 * (national ID, USCC, region and occupation codes): exactly one problem,
 * about the field named, with the code wanted and the arguments given.
 * Everything is static: each test_*.c is built alone.
 */
#ifndef DT_PROBLEM_CHECK_H
#define DT_PROBLEM_CHECK_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "domain/problem.h"

/*
 * Assert that input @input was refused with @rc recording exactly one
 * problem in @ps, about @field, with @code and the arguments given in @ap as
 * key/value pairs ended by NULL.  Returns how many arguments @ap gave.
 */
static size_t check_one_problem(const struct dt_problems *ps, enum dt_err rc, const char *input,
				const char *field, const char *code, va_list ap)
{
	if (rc != DT_EINVAL || ps->n != 1 || strcmp(ps->v[0].code, code))
		print_error("input %s: rc %d, code %s, wanted %s\n", input ? input : "(null)", rc,
			    ps->n ? ps->v[0].code : "(none)", code);
	assert_int_equal(rc, DT_EINVAL);
	assert_int_equal(ps->n, 1);
	assert_string_equal(ps->v[0].code, code);
	assert_string_equal(ps->v[0].field, field);
	size_t nargs = 0;
	for (const char *k; (k = va_arg(ap, const char *)); nargs++) {
		const char *v = va_arg(ap, const char *);
		const char *got = dt_problem_arg(&ps->v[0], k);
		if (!got || strcmp(got, v))
			print_error("input %s: %s = %s, wanted %s\n", input ? input : "(null)", k,
				    got ? got : "(none)", v);
		assert_non_null(got);
		assert_string_equal(got, v);
	}
	return nargs;
}

#endif
