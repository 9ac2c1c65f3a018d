/*
 * import_seen.c - the keys of the rows read so far, for the duplicates
 * within a file (import_parse.c): each key (text) with the row it was first
 * seen on.
 *
 * An open-addressing table with linear probing, its keys in one arena:
 * a million rows make a million keys, and a general-purpose map (a JSON
 * object) took an allocation or two per key and a tenth of the bulk path's
 * time.  Keys come from the file, so the hash is keyed (SipHash, a random
 * key per map): no file can make the probes long.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "io/import_internal.h"
#include "core/banned.h"

struct seen_slot {
	uint64_t hash; /* 0: empty (a key hashing to 0 is stored as 1) */
	size_t off;    /* its key in the arena, NUL-terminated */
	int64_t row;
};

struct dt_import_seen {
	struct seen_slot *slots;
	size_t cap, n; /* cap a power of 2, n at most 3/4 of it */
	struct dt_strbuf keys;
	unsigned char hkey[crypto_shorthash_KEYBYTES];
};

struct dt_import_seen *dt_import_seen_new(void)
{
	struct dt_import_seen *m = calloc(1, sizeof(*m));
	if (!m)
		abort();
	dt_strbuf_init(&m->keys, SIZE_MAX);
	crypto_shorthash_keygen(m->hkey);
	return m;
}

void dt_import_seen_free(struct dt_import_seen *m)
{
	if (!m)
		return;
	free(m->slots);
	dt_strbuf_release(&m->keys);
	free(m);
}

static uint64_t hash_of(const struct dt_import_seen *m, const char *key, size_t len)
{
	unsigned char h[crypto_shorthash_BYTES];
	crypto_shorthash(h, (const unsigned char *)key, len, m->hkey);
	uint64_t v;
	memcpy(&v, h, sizeof(v));
	return v ? v : 1;
}

/* The slot of @key: its own, or the empty one where it would go. */
static struct seen_slot *find(const struct dt_import_seen *m, const char *key, size_t len,
			      uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct seen_slot *s = &m->slots[i];
		if (!s->hash)
			return s;
		if (s->hash == h && !memcmp(m->keys.buf + s->off, key, len + 1))
			return s;
	}
}

int64_t dt_import_seen_get(const struct dt_import_seen *m, const char *key)
{
	if (!m->n)
		return -1;
	size_t len = strlen(key);
	struct seen_slot *s = find(m, key, len, hash_of(m, key, len));
	return s->hash ? s->row : -1;
}

static void grow(struct dt_import_seen *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct seen_slot *old = m->slots, *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		abort();
	size_t was = m->cap;
	m->slots = slots;
	m->cap = cap;
	for (size_t i = 0; i < was; i++) {
		if (!old[i].hash)
			continue;
		size_t j = old[i].hash & (cap - 1);
		while (slots[j].hash)
			j = (j + 1) & (cap - 1);
		slots[j] = old[i];
	}
	free(old);
}

bool dt_import_seen_put(struct dt_import_seen *m, const char *key, int64_t row)
{
	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	size_t len = strlen(key);
	uint64_t h = hash_of(m, key, len);
	struct seen_slot *s = find(m, key, len, h);
	if (s->hash)
		return false;
	size_t off = m->keys.len;
	dt_strbuf_add(&m->keys, key, len + 1);
	if (!dt_strbuf_ok(&m->keys))
		abort();
	s->hash = h;
	s->off = off;
	s->row = row;
	m->n++;
	return true;
}
