/*
 * test_strbuf.c - unit tests for core/strbuf: the size cap and its sticky
 * error, detach, growth through addf, hex, and the error-detail helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/common.h"
#include "core/banned.h"

static void test_init_empty(void **state)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	(void)state;
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	assert_true(dt_strbuf_ok(&sb));

	struct dt_strbuf sb2;
	dt_strbuf_init(&sb2, 0);
	assert_int_equal(sb2.max, DT_STRBUF_DEFAULT_MAX);
	assert_string_equal(sb2.buf, "");
	dt_strbuf_release(&sb2);
	dt_strbuf_release(NULL); /* allowed */
	dt_strbuf_release(&sb);  /* never allocated: fine */
	assert_string_equal(sb.buf, "");
}

static void test_add(void **state)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	(void)state;
	dt_strbuf_adds(&sb, "abc");
	dt_strbuf_addch(&sb, '-');
	dt_strbuf_add(&sb, "xyz123", 3);
	dt_strbuf_add(&sb, NULL, 0);
	assert_string_equal(sb.buf, "abc-xyz");
	assert_int_equal(sb.len, 7);
	assert_true(sb.alloc > sb.len);
	dt_strbuf_setlen(&sb, 3);
	assert_string_equal(sb.buf, "abc");
	dt_strbuf_setlen(&sb, 10); /* longer: no-op */
	assert_string_equal(sb.buf, "abc");
	dt_strbuf_reset(&sb);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	dt_strbuf_release(&sb);
}

static void test_cap_sticky(void **state)
{
	struct dt_strbuf sb;
	(void)state;
	dt_strbuf_init(&sb, 8);
	dt_strbuf_adds(&sb, "12345");
	assert_true(dt_strbuf_ok(&sb));
	dt_strbuf_adds(&sb, "678"); /* exactly at the cap: fine */
	assert_true(dt_strbuf_ok(&sb));
	assert_string_equal(sb.buf, "12345678");

	dt_strbuf_addch(&sb, '9'); /* one past */
	assert_false(dt_strbuf_ok(&sb));
	assert_string_equal(sb.buf, "12345678"); /* earlier content kept */
	assert_int_equal(sb.len, 8);

	/* sticky: later appends are ignored even when they would fit */
	dt_strbuf_setlen(&sb, 2);
	dt_strbuf_adds(&sb, "x");
	dt_strbuf_addf(&sb, "%d", 1);
	dt_strbuf_addhex(&sb, "\x01", 1);
	assert_false(dt_strbuf_ok(&sb));
	assert_string_equal(sb.buf, "12");
	assert_false(dt_strbuf_grow(&sb, 1));

	/* reset clears the error */
	dt_strbuf_reset(&sb);
	assert_true(dt_strbuf_ok(&sb));
	dt_strbuf_adds(&sb, "ok");
	assert_string_equal(sb.buf, "ok");
	dt_strbuf_release(&sb);

	/* an addf that would pass the cap leaves the content as it was */
	dt_strbuf_init(&sb, 10);
	dt_strbuf_adds(&sb, "abc");
	dt_strbuf_addf(&sb, "%s", "0123456789");
	assert_false(dt_strbuf_ok(&sb));
	assert_string_equal(sb.buf, "abc");
	dt_strbuf_release(&sb);

	/* a huge request cannot wrap around */
	dt_strbuf_init(&sb, 0);
	dt_strbuf_adds(&sb, "a");
	assert_false(dt_strbuf_grow(&sb, SIZE_MAX));
	assert_false(dt_strbuf_ok(&sb));
	assert_string_equal(sb.buf, "a");
	dt_strbuf_release(&sb);
}

static void test_detach(void **state)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	size_t len = 99;
	(void)state;

	dt_strbuf_adds(&sb, "hello");
	char *s = dt_strbuf_detach(&sb, &len);
	assert_non_null(s);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	free(s);
	/* sb is reinitialised and usable */
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	assert_true(dt_strbuf_ok(&sb));

	/* detaching an empty buffer gives a freeable "" */
	s = dt_strbuf_detach(&sb, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);

	/* a failed buffer detaches as NULL */
	dt_strbuf_init(&sb, 4);
	dt_strbuf_adds(&sb, "abc");
	dt_strbuf_adds(&sb, "de");
	assert_false(dt_strbuf_ok(&sb));
	assert_null(dt_strbuf_detach(&sb, NULL));
	assert_true(dt_strbuf_ok(&sb));
	assert_int_equal(sb.max, 4);
	dt_strbuf_release(&sb);
}

static void test_addf_growth(void **state)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	(void)state;
	for (int i = 0; i < 1000; i++)
		dt_strbuf_addf(&sb, "%d,", i);
	assert_true(dt_strbuf_ok(&sb));
	/* 10*2 + 90*3 + 900*4 */
	assert_int_equal(sb.len, 3890);
	assert_int_equal(strlen(sb.buf), sb.len);
	assert_true(sb.alloc > sb.len);
	assert_memory_equal(sb.buf, "0,1,2,", 6);
	assert_string_equal(sb.buf + sb.len - 8, "998,999,");

	/* one long formatted string in a single call */
	dt_strbuf_reset(&sb);
	dt_strbuf_addf(&sb, "[%500s]", "x");
	assert_int_equal(sb.len, 502);
	assert_int_equal(sb.buf[0], '[');
	assert_int_equal(sb.buf[500], 'x');
	assert_int_equal(sb.buf[501], ']');
	dt_strbuf_release(&sb);
}

static void test_hex(void **state)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	(void)state;
	dt_strbuf_addhex(&sb, "\x00\x01\xab\xff\x10", 5);
	assert_string_equal(sb.buf, "0001abff10");
	dt_strbuf_addhex(&sb, "", 0);
	assert_string_equal(sb.buf, "0001abff10");
	dt_strbuf_release(&sb);

	dt_strbuf_init(&sb, 5);
	dt_strbuf_addhex(&sb, "\x01\x02\x03", 3); /* 6 digits > cap 5 */
	assert_false(dt_strbuf_ok(&sb));
	assert_string_equal(sb.buf, "");
	dt_strbuf_release(&sb);
}

static void test_addint(void **state)
{
	struct dt_strbuf sb = DT_STRBUF_INIT, ref = DT_STRBUF_INIT;
	const long long v[] = {
		0, 7, -7, 42, 210604, -1000, 9223372036854775807LL, -9223372036854775807LL - 1
	};
	(void)state;
	/* the same text as printf, unpadded and padded */
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (int w = 0; w <= 8; w += 6) {
			dt_strbuf_reset(&sb);
			dt_strbuf_reset(&ref);
			dt_strbuf_addint(&sb, v[i], w);
			if (v[i] < 0)
				dt_strbuf_addf(&ref, "-%0*llu", w, 0ULL - (unsigned long long)v[i]);
			else
				dt_strbuf_addf(&ref, "%0*lld", w, v[i]);
			assert_string_equal(sb.buf, ref.buf);
		}
	}
	dt_strbuf_reset(&sb);
	dt_strbuf_addint(&sb, 110000, 6);
	dt_strbuf_addint(&sb, 5, 6);
	assert_string_equal(sb.buf, "110000000005");
	dt_strbuf_release(&sb);
	dt_strbuf_release(&ref);

	/* past the cap: nothing added, and the error sticks */
	dt_strbuf_init(&sb, 4);
	dt_strbuf_adds(&sb, "ab");
	dt_strbuf_addint(&sb, 123, 0);
	assert_false(dt_strbuf_ok(&sb));
	assert_string_equal(sb.buf, "ab");
	dt_strbuf_release(&sb);
}

static int fails_with(struct dt_strbuf *err, const char *field)
{
	return dt_error(err, DT_EINVAL, "%s: must not be empty", field);
}

static void test_error_helpers(void **state)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	(void)state;
	dt_strbuf_setf(&err, "first %d", 1);
	assert_string_equal(err.buf, "first 1");
	dt_strbuf_setf(&err, "second");
	assert_string_equal(err.buf, "second"); /* replaced, not appended */

	assert_int_equal(fails_with(&err, "name"), DT_EINVAL);
	assert_string_equal(err.buf, "name: must not be empty");
	assert_int_equal(dt_error(&err, DT_ENOTFOUND, "no trainee %d", 7), DT_ENOTFOUND);
	assert_string_equal(err.buf, "no trainee 7");

	/* NULL is allowed and the code still comes back */
	dt_strbuf_setf(NULL, "ignored");
	assert_int_equal(fails_with(NULL, "name"), DT_EINVAL);

	/* a failed err buffer recovers on the next message */
	struct dt_strbuf small;
	dt_strbuf_init(&small, 8);
	dt_strbuf_setf(&small, "%s", "much too long for eight");
	assert_false(dt_strbuf_ok(&small));
	dt_strbuf_setf(&small, "short");
	assert_true(dt_strbuf_ok(&small));
	assert_string_equal(small.buf, "short");
	dt_strbuf_release(&small);
	dt_strbuf_release(&err);

	assert_string_equal(dt_strerror(DT_OK), "ok");
	assert_string_equal(dt_strerror(DT_ECRYPTO), "key or encryption error");
	assert_int_equal(dt_err_exit_status(DT_OK), 0);
	assert_int_equal(dt_err_exit_status(DT_EINVAL), 1);
	assert_int_equal(dt_err_exit_status(DT_EUSAGE), 2);
	assert_int_equal(dt_err_exit_status(DT_EINTERNAL), 3);
}

/* dt_xstrdup: NULL in, NULL out; otherwise a copy the caller owns. */
static void test_xstrdup(void **state)
{
	(void)state;
	assert_null(dt_xstrdup(NULL));
	const char *in = "培训 id";
	char *p = dt_xstrdup(in);
	assert_non_null(p);
	assert_ptr_not_equal(p, in);
	assert_string_equal(p, in);
	free(p);
	p = dt_xstrdup("");
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),    cmocka_unit_test(test_add),
		cmocka_unit_test(test_cap_sticky),    cmocka_unit_test(test_detach),
		cmocka_unit_test(test_addf_growth),   cmocka_unit_test(test_hex),
		cmocka_unit_test(test_error_helpers), cmocka_unit_test(test_addint),
		cmocka_unit_test(test_xstrdup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
