/*
 * test_throttle.c - unit tests for core/throttle: exact counts for many
 * keys against an oracle (no key ever shares or loses another's count),
 * locks that double up to their cap, a success that resets, forgetting,
 * and a full table that refuses new keys without evicting live ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/common.h"
#include "core/throttle.h"
#include "core/banned.h"

#define T0 ((time_t)1800000000)

static struct dt_throttle *mk(unsigned tries, unsigned lock, unsigned max, unsigned forget,
			      size_t cap, size_t reserve)
{
	struct dt_throttle_policy p = { tries, lock, max, forget, cap, reserve };
	struct dt_throttle *t = NULL;
	assert_int_equal(dt_throttle_new(&t, &p), DT_OK);
	return t;
}

/* splitmix64: a reproducible stream for the property test */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Key @k: logins that differ in a character, and addresses next to each other. */
static void key_of(char *out, size_t n, unsigned k)
{
	if (k % 2)
		snprintf(out, n, "user%u", k);
	else
		snprintf(out, n, "10.%u.%u.1", k / 256, k % 256);
}

/*
 * 20,000 keys, failures in random order, a quarter of the keys reset on the
 * way: every key's count equals the oracle's at the end.  With 4,096 slots
 * and a 12-bit hash, as before, many of these keys would share a slot and
 * reset each other.
 */
static void test_exact_counts_for_many_keys(void **state)
{
	(void)state;
	enum { NKEYS = 20000, OPS = 200000 };
	struct dt_throttle *t = mk(1000000, 1, 1, 3600, 2 * NKEYS, 0);
	unsigned *oracle = calloc(NKEYS, sizeof(*oracle));
	char key[64];
	uint64_t s = 42;
	assert_non_null(oracle);
	for (int i = 0; i < OPS; i++) {
		unsigned k = (unsigned)(next_rand(&s) % NKEYS);
		key_of(key, sizeof(key), k);
		if (next_rand(&s) % 8 == 0) {
			dt_throttle_reset(t, key);
			oracle[k] = 0;
		} else {
			dt_throttle_fail(t, key, T0);
			oracle[k]++;
		}
	}
	size_t held = 0;
	for (unsigned k = 0; k < NKEYS; k++) {
		key_of(key, sizeof(key), k);
		if (dt_throttle_failures(t, key) != oracle[k])
			fail_msg("key %s: %u failures counted, %u made", key,
				 dt_throttle_failures(t, key), oracle[k]);
		held += oracle[k] > 0;
	}
	assert_int_equal(dt_throttle_size(t), held);
	free(oracle);
	dt_throttle_free(t);
}

static void test_locks_double_up_to_the_cap(void **state)
{
	(void)state;
	struct dt_throttle *t = mk(3, 2, 16, 3600, 16, 0);
	time_t now = T0;
	unsigned want[] = { 0, 0, 2, 4, 8, 16, 16, 16 };
	for (size_t i = 0; i < DT_ARRAY_SIZE(want); i++) {
		assert_int_equal(dt_throttle_wait(t, "alice", now), 0);
		assert_int_equal(dt_throttle_fail(t, "alice", now), want[i]);
		assert_int_equal(dt_throttle_wait(t, "alice", now), want[i]);
		if (want[i]) {
			assert_int_equal(dt_throttle_wait(t, "alice", now + want[i] - 1), 1);
			assert_int_equal(dt_throttle_wait(t, "bob", now), 0); /* others are free */
		}
		now += want[i]; /* wait the lock out, then try again */
	}
	assert_int_equal(dt_throttle_failures(t, "alice"), 8);
	dt_throttle_free(t);
}

static void test_success_resets_and_idle_is_forgotten(void **state)
{
	(void)state;
	struct dt_throttle *t = mk(2, 5, 60, 100, 16, 0);
	dt_throttle_fail(t, "alice", T0);
	assert_int_equal(dt_throttle_fail(t, "alice", T0), 5);
	dt_throttle_reset(t, "alice");
	assert_int_equal(dt_throttle_wait(t, "alice", T0), 0);
	assert_int_equal(dt_throttle_failures(t, "alice"), 0);
	assert_int_equal(dt_throttle_size(t), 0);
	assert_int_equal(dt_throttle_fail(t, "alice", T0), 0); /* the count starts again */

	/* idle for forget_s: a fresh count, not a longer lock */
	dt_throttle_fail(t, "carol", T0);
	dt_throttle_fail(t, "carol", T0);
	dt_throttle_fail(t, "carol", T0 + 5);
	assert_int_equal(dt_throttle_failures(t, "carol"), 3);
	assert_int_equal(dt_throttle_fail(t, "carol", T0 + 5 + 100), 0);
	assert_int_equal(dt_throttle_failures(t, "carol"), 1);
	dt_throttle_free(t);
}

static void test_full_table_refuses_new_keys_and_keeps_live_ones(void **state)
{
	(void)state;
	enum { CAP = 100, RESERVE = 10 };
	struct dt_throttle *t = mk(3, 5, 60, 1000, CAP, RESERVE);
	char key[32];
	for (int i = 0; i < CAP - RESERVE; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(dt_throttle_wait(t, key, T0), 0);
		dt_throttle_fail(t, key, T0);
		dt_throttle_fail(t, key, T0);
	}
	assert_int_equal(dt_throttle_size(t), CAP - RESERVE);
	/* a new key is refused, not counted nowhere; held keys go on as before */
	assert_int_equal(dt_throttle_wait(t, "newcomer", T0 + 1), DT_THROTTLE_FULL_WAIT);
	assert_int_equal(dt_throttle_wait(t, "k7", T0 + 1), 0);
	assert_int_equal(dt_throttle_fail(t, "k7", T0 + 1), 5);
	/* the reserve takes failures of keys admitted before the table filled */
	for (int i = 0; i < RESERVE; i++) {
		snprintf(key, sizeof(key), "late%d", i);
		dt_throttle_fail(t, key, T0 + 1);
	}
	assert_int_equal(dt_throttle_size(t), CAP);
	assert_int_equal(dt_throttle_fail(t, "one-too-many", T0 + 1), 0);
	assert_int_equal(dt_throttle_failures(t, "one-too-many"), 0);
	for (int i = 0; i < CAP - RESERVE; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(dt_throttle_failures(t, key), i == 7 ? 3 : 2);
	}
	/* once idle for forget_s, entries are reclaimed and new keys come in */
	assert_int_equal(dt_throttle_wait(t, "newcomer", T0 + 1 + 1000), 0);
	assert_int_equal(dt_throttle_size(t), 0);
	assert_int_equal(dt_throttle_fail(t, "newcomer", T0 + 1 + 1000), 0);
	assert_int_equal(dt_throttle_failures(t, "newcomer"), 1);
	dt_throttle_free(t);
}

static void test_locked_entries_are_not_reclaimed(void **state)
{
	(void)state;
	struct dt_throttle *t = mk(1, 500, 500, 10, 4, 0);
	for (int i = 0; i < 4; i++) {
		char key[16];
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(dt_throttle_fail(t, key, T0), 500);
	}
	/* idle for more than forget_s but still locked: kept, and the newcomer waits */
	assert_int_equal(dt_throttle_wait(t, "x", T0 + 20), DT_THROTTLE_FULL_WAIT);
	assert_int_equal(dt_throttle_wait(t, "k3", T0 + 20), 480);
	assert_int_equal(dt_throttle_wait(t, "x", T0 + 500), 0);
	dt_throttle_free(t);
}

static void test_long_keys_and_bad_policies(void **state)
{
	(void)state;
	struct dt_throttle *t = mk(3, 5, 60, 100, 16, 0);
	char big[DT_THROTTLE_KEY_MAX + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(dt_throttle_wait(t, big, T0), 60);
	big[DT_THROTTLE_KEY_MAX] = '\0'; /* the longest key is held like any other */
	dt_throttle_fail(t, big, T0);
	assert_int_equal(dt_throttle_failures(t, big), 1);
	dt_throttle_free(t);

	struct dt_throttle_policy bad[] = {
		{ 0, 5, 60, 100, 16, 0 }, { 3, 0, 60, 100, 16, 0 },  { 3, 5, 4, 100, 16, 0 },
		{ 3, 5, 60, 100, 1, 0 },  { 3, 5, 60, 100, 16, 16 },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(bad); i++) {
		struct dt_throttle *x = (void *)1;
		assert_int_equal(dt_throttle_new(&x, &bad[i]), DT_EINVAL);
		assert_null(x);
	}
	dt_throttle_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_counts_for_many_keys),
		cmocka_unit_test(test_locks_double_up_to_the_cap),
		cmocka_unit_test(test_success_resets_and_idle_is_forgotten),
		cmocka_unit_test(test_full_table_refuses_new_keys_and_keeps_live_ones),
		cmocka_unit_test(test_locked_entries_are_not_reclaimed),
		cmocka_unit_test(test_long_keys_and_bad_policies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
