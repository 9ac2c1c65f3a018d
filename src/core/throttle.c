/*
 * throttle.c - the failure table of throttle.h: separate chaining over a
 * fixed array of entries, keyed by SipHash with a random key per table (a
 * client cannot aim its keys at one chain), full keys compared.
 *
 * Entries are taken from a high-water mark first and from a free list of
 * reclaimed ones after, so the pages of a table that never filled are never
 * touched.  Reclaiming walks every chain (sweep()); it runs when room is
 * needed, at most once a second, so a flood of new keys against a full
 * table costs a look-up each, not a walk each.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/throttle.h"
#include "core/banned.h"

struct entry {
	uint32_t next; /* index + 1 of the next entry in the chain or the free list; 0: none */
	uint32_t failures;
	time_t last_fail;
	time_t locked_until;
	unsigned char len;
	char key[DT_THROTTLE_KEY_MAX + 1];
};

struct dt_throttle {
	pthread_mutex_t mu;
	struct dt_throttle_policy p;
	unsigned char hkey[crypto_shorthash_KEYBYTES];
	uint32_t *buckets; /* index + 1 of each chain's first entry */
	size_t nbuckets;   /* a power of two >= cap */
	struct entry *e;   /* cap entries */
	size_t hwm;        /* entries ever taken from the array */
	size_t n;          /* entries held */
	uint32_t free_head;
	time_t last_sweep;
};

enum dt_err dt_throttle_new(struct dt_throttle **out, const struct dt_throttle_policy *p)
{
	struct dt_throttle *t = NULL;
	*out = NULL;
	if (!p || p->tries < 1 || p->lock_s < 1 || p->max_lock_s < p->lock_s || p->cap < 2 ||
	    p->cap > UINT32_MAX / 2 || p->reserve >= p->cap)
		return DT_EINVAL;
	if (sodium_init() < 0)
		return DT_ECRYPTO;
	t = calloc(1, sizeof(*t));
	if (!t)
		return DT_ENOMEM;
	t->p = *p;
	t->nbuckets = 1;
	while (t->nbuckets < p->cap)
		t->nbuckets <<= 1;
	/* calloc: large blocks come from mmap, zero pages until written */
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	t->e = calloc(p->cap, sizeof(*t->e));
	if (!t->buckets || !t->e) {
		dt_throttle_free(t);
		return DT_ENOMEM;
	}
	crypto_shorthash_keygen(t->hkey);
	pthread_mutex_init(&t->mu, NULL);
	*out = t;
	return DT_OK;
}

void dt_throttle_free(struct dt_throttle *t)
{
	if (!t)
		return;
	if (t->e)
		pthread_mutex_destroy(&t->mu);
	free(t->buckets);
	free(t->e);
	free(t);
}

static size_t bucket_of(const struct dt_throttle *t, const char *key, size_t len)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t v = 0;
	crypto_shorthash(h, (const unsigned char *)key, len, t->hkey);
	memcpy(&v, h, sizeof(v));
	return (size_t)(v & (t->nbuckets - 1));
}

/* The entry of @key (@len bytes) in chain @b, or NULL; *@prev the link that points at it. */
static struct entry *find(struct dt_throttle *t, size_t b, const char *key, size_t len,
			  uint32_t **prev)
{
	uint32_t *link = &t->buckets[b];
	while (*link) {
		struct entry *e = &t->e[*link - 1];
		if (e->len == len && !memcmp(e->key, key, len)) {
			if (prev)
				*prev = link;
			return e;
		}
		link = &e->next;
	}
	return NULL;
}

/* Unlink the entry *@link points at and put it on the free list. */
static void drop(struct dt_throttle *t, uint32_t *link)
{
	uint32_t idx = *link;
	struct entry *e = &t->e[idx - 1];
	*link = e->next;
	memset(e, 0, sizeof(*e));
	e->next = t->free_head;
	t->free_head = idx;
	t->n--;
}

static bool forgettable(const struct dt_throttle *t, const struct entry *e, time_t now)
{
	return now >= e->locked_until && now - e->last_fail >= (time_t)t->p.forget_s;
}

/* Reclaim every forgettable entry, at most once a second. */
static void sweep(struct dt_throttle *t, time_t now)
{
	if (t->last_sweep == now)
		return;
	t->last_sweep = now;
	for (size_t b = 0; b < t->nbuckets; b++) {
		uint32_t *link = &t->buckets[b];
		while (*link) {
			if (forgettable(t, &t->e[*link - 1], now))
				drop(t, link);
			else
				link = &t->e[*link - 1].next;
		}
	}
}

/* A new entry for @key in chain @b when fewer than @limit are held (after a sweep); else NULL. */
static struct entry *insert(struct dt_throttle *t, size_t b, const char *key, size_t len,
			    size_t limit, time_t now)
{
	if (t->n >= limit)
		sweep(t, now);
	if (t->n >= limit)
		return NULL;
	uint32_t idx;
	if (t->free_head) {
		idx = t->free_head;
		t->free_head = t->e[idx - 1].next;
	} else {
		idx = (uint32_t)++t->hwm; /* n < cap and the free list is empty: hwm < cap */
	}
	struct entry *e = &t->e[idx - 1];
	memset(e, 0, sizeof(*e));
	memcpy(e->key, key, len);
	e->len = (unsigned char)len;
	e->next = t->buckets[b];
	t->buckets[b] = idx;
	t->n++;
	return e;
}

unsigned dt_throttle_wait(struct dt_throttle *t, const char *key, time_t now)
{
	size_t len = strlen(key);
	unsigned wait = 0;
	if (len > DT_THROTTLE_KEY_MAX)
		return t->p.max_lock_s;
	pthread_mutex_lock(&t->mu);
	size_t b = bucket_of(t, key, len);
	struct entry *e = find(t, b, key, len, NULL);
	if (e) {
		if (e->locked_until > now)
			wait = (unsigned)(e->locked_until - now);
	} else if (t->n >= t->p.cap - t->p.reserve) {
		sweep(t, now);
		if (t->n >= t->p.cap - t->p.reserve)
			wait = DT_THROTTLE_FULL_WAIT;
	}
	pthread_mutex_unlock(&t->mu);
	return wait;
}

unsigned dt_throttle_fail(struct dt_throttle *t, const char *key, time_t now)
{
	size_t len = strlen(key);
	unsigned lock = 0;
	if (len > DT_THROTTLE_KEY_MAX)
		return 0;
	pthread_mutex_lock(&t->mu);
	size_t b = bucket_of(t, key, len);
	struct entry *e = find(t, b, key, len, NULL);
	if (e && forgettable(t, e, now))
		e->failures = 0; /* a fresh start, as if it had been reclaimed */
	if (!e)
		e = insert(t, b, key, len, t->p.cap, now);
	if (e) {
		if (e->failures < UINT32_MAX)
			e->failures++;
		e->last_fail = now;
		if (e->failures >= t->p.tries) {
			unsigned shift = e->failures - t->p.tries;
			lock = t->p.max_lock_s;
			if (shift < 31 && ((uint64_t)t->p.lock_s << shift) < lock)
				lock = (unsigned)((uint64_t)t->p.lock_s << shift);
			if (now + (time_t)lock > e->locked_until)
				e->locked_until = now + (time_t)lock;
		}
	}
	pthread_mutex_unlock(&t->mu);
	return lock;
}

void dt_throttle_reset(struct dt_throttle *t, const char *key)
{
	size_t len = strlen(key);
	uint32_t *link = NULL;
	if (len > DT_THROTTLE_KEY_MAX)
		return;
	pthread_mutex_lock(&t->mu);
	if (find(t, bucket_of(t, key, len), key, len, &link))
		drop(t, link);
	pthread_mutex_unlock(&t->mu);
}

unsigned dt_throttle_failures(struct dt_throttle *t, const char *key)
{
	size_t len = strlen(key);
	unsigned n = 0;
	if (len > DT_THROTTLE_KEY_MAX)
		return 0;
	pthread_mutex_lock(&t->mu);
	struct entry *e = find(t, bucket_of(t, key, len), key, len, NULL);
	if (e)
		n = e->failures;
	pthread_mutex_unlock(&t->mu);
	return n;
}

size_t dt_throttle_size(struct dt_throttle *t)
{
	pthread_mutex_lock(&t->mu);
	size_t n = t->n;
	pthread_mutex_unlock(&t->mu);
	return n;
}
