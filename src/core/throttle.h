/*
 * throttle.h - exact failure counts per key with locks that grow, in bounded
 * memory: what the sign-in throttle keeps per login and per client address.
 *
 * A table maps a key (a login, an address: any text up to
 * DT_THROTTLE_KEY_MAX bytes) to its failures.  Keys are compared in full:
 * two keys never share a count, whatever their hashes.  After `tries`
 * failures a key is locked for `lock_s` seconds, and each further failure
 * doubles the lock up to `max_lock_s`; a failure that arrives while the key
 * is locked is not possible (the caller asks dt_throttle_wait() first and
 * does not try).  A success is dt_throttle_reset().  An entry with no
 * failure for `forget_s` seconds and no lock left is forgotten.
 *
 * Memory is bounded by `cap` entries.  Forgettable entries are reclaimed
 * when room is needed; a live entry is never evicted.  When the table is
 * full a key it does not hold is refused (dt_throttle_wait() answers
 * DT_THROTTLE_FULL_WAIT) rather than tried uncounted.  `reserve` of the
 * entries are kept for dt_throttle_fail(): a key admitted by
 * dt_throttle_wait() just before the table filled still gets its failure
 * counted, as long as no more than `reserve` attempts are in flight.
 *
 * A table is shared by threads: every call takes its mutex.
 */
#ifndef DT_THROTTLE_H
#define DT_THROTTLE_H

#include <stddef.h>
#include <time.h>

#include "core/common.h"

#define DT_THROTTLE_KEY_MAX 127  /* bytes; longer keys are refused */
#define DT_THROTTLE_FULL_WAIT 60 /* seconds a key waits when the table is full */

struct dt_throttle_policy {
	unsigned tries;      /* failures before the first lock (>= 1) */
	unsigned lock_s;     /* the first lock, seconds (>= 1) */
	unsigned max_lock_s; /* the longest lock, seconds */
	unsigned forget_s;   /* idle seconds after which an unlocked entry is forgotten */
	size_t cap;          /* entries at most (>= 2) */
	size_t reserve;      /* entries only dt_throttle_fail() may take (< cap) */
};

struct dt_throttle;

/** A new empty table with policy @p (copied); DT_EINVAL for a bad policy, DT_ENOMEM. */
enum dt_err dt_throttle_new(struct dt_throttle **out, const struct dt_throttle_policy *p);
/** Free @t; NULL is fine. */
void dt_throttle_free(struct dt_throttle *t);
/**
 * 0 when @key may try at @now; otherwise the seconds it must wait (>= 1):
 * its lock, DT_THROTTLE_FULL_WAIT when the table is full and does not hold
 * @key, or max_lock_s for a key longer than DT_THROTTLE_KEY_MAX.
 */
unsigned dt_throttle_wait(struct dt_throttle *t, const char *key, time_t now);
/**
 * Count a failure of @key at @now; the seconds it is now locked for (0:
 * not locked).  A failure that finds the table full, reserve included, is
 * not counted (0).
 */
unsigned dt_throttle_fail(struct dt_throttle *t, const char *key, time_t now);
/** Forget @key's failures and lock (a success). */
void dt_throttle_reset(struct dt_throttle *t, const char *key);
/** Failures counted for @key (0 when it is not held). */
unsigned dt_throttle_failures(struct dt_throttle *t, const char *key);
/** Entries held right now. */
size_t dt_throttle_size(struct dt_throttle *t);

#endif
