/*
 * audit.c - the audit log as a hash chain.
 *
 * Ids are consecutive from 1.  Each event stores hash, a BLAKE2b-256 over
 * its stored columns and the hash of the event before it (32 zero bytes
 * for the first event), as a 32-byte BLOB (BYTEA on PostgreSQL).  The
 * previous hash is not stored again: verifying recomputes each event's hash
 * from the one before it.  The meta table keeps the chain head ("id:hash"
 * with the hash in lower-case hex, as checkpoints show it), written in the
 * same transaction, so that an edited, removed, reordered or truncated
 * event is found by dt_store_audit_verify().
 *
 * What an event stores (format 3, from migration 010 on; format 2, from 007,
 * stored the same content): a create, the new object once (after; no
 * before); an update, only the fields that changed, their old values in
 * before and their new values in after (a field that one side lacks is null
 * there); a delete, the whole object once (before); an action without an
 * object (an unmasked read, an export, a revocation) what its caller gave.
 * Objects are canonical JSON (sorted keys, compact) as the API shows them:
 * personal identity numbers appear masked only.  So a record's content is
 * the fold of its events in id order: the create's after, then each later
 * after's fields laid over it (store/coverage.c).
 *
 * The columns say the rest compactly: ts is an integer, milliseconds since
 * 1970-01-01 UTC (readers show it as "YYYY-MM-DDTHH:MM:SS.mmmZ"), and an
 * action "<entity>.<verb>" is stored as the verb alone (dt_audit_action()
 * reads it back whole; a stored action with a dot is whole already).
 *
 * An update (before and after both objects) leaves out of its after each
 * changed field whose new value is the event's ts as text (updated_at,
 * signed_at, ...); its old value stays in before, so a field that before
 * has and after lacks is the event's time, which dt_audit_expand() puts
 * back.
 *
 * A create (action "<entity>.create" of a record entity, no before) leaves
 * out of its after what the event's own columns already say: "id" when it
 * is entity_id, "region" when it is the region column as six digits,
 * "created_at" and "updated_at" when they are ts, and any other field of
 * the entity whose value is null.  dt_audit_expand() puts them back, so
 * every reader (the audit list, the records check) sees the whole object; a
 * create that leaves nothing out expands to itself (the import's bulk path
 * wrote its creates whole before it wrote them in this form too: both read
 * back alike).
 *
 * A batch event's payload (an action "<entity>.<verb>_batch": the gathered
 * creates, a bulk sign-off) of 256 bytes or more is stored packed when that
 * is shorter.  From migration 021 on (format 4) it goes into the column
 * packed as bytes, after left NULL: the length n of its canonical JSON as
 * 4 bytes little-endian, then the zlib stream of those n bytes.  From 018
 * to 021 (format 3) it went into after as text: "z<n>:" followed by the
 * same zlib stream in base64 (standard alphabet, no padding); canonical
 * JSON never starts with "z".  Packed as bytes, two lists that zlib packs
 * poorly go in as differences: "ids" (increasing integers) as "~ids", the
 * first id and then each one's difference from the one before, and "at"
 * (a carried-over book's sign-off instants, one an entry) as "~at", the
 * same of their milliseconds; readers get them back as they were.  Its columns of dates, times, sites and
 * contents repeat a few values, so it takes a fourth of the bytes or less.
 * The hash is over the payload as stored, like every column, so verifying
 * formats 3 and 4 needs no unpacking; readers (the audit list, the records
 * check) unpack with dt_audit_column_payloads() or dt_audit_column_texts(),
 * the one way to an event's payloads whatever its format.
 *
 * From migration 023 on (format 5, events from meta's audit_v5_from on)
 * every event's payloads are packed together when that is shorter, into
 * packed, before and after left NULL: one byte, the number of the
 * dictionary (1), then the raw deflate stream (no zlib header; level 6,
 * window 2^15, memory level 4) made with that dictionary preset, of before
 * and after, each as its length in 4 bytes little-endian (0xFFFFFFFF for
 * NULL) and its bytes.  A batch's after goes in with "~ids" and "~at" as
 * differences, as in format 4.  Packed exactly when 1 + the stream's
 * length < the bytes of the two as text (NULL counts 0); otherwise both
 * stay text as in format 3, packed NULL; the import's bulk path
 * (dt_audit_append_batch) writes its creates unpacked, for speed.  The
 * writer decides once with its zlib; readers take either form and
 * verifying never packs again.  The
 * dictionary is src/store/audit-dict-1.txt (embedded; the bytes after its
 * head comment's first empty line): the payloads' keys and common values
 * of a gen database, the most used last (scripts/audit-dict.py).  It is
 * frozen: events name it by its number, test_audit pins its BLAKE2b-256,
 * and another dictionary would be another file with the next number.  One
 * deflate stream a connection (dt_store's audit_z), reset for each event.
 *
 * The hash of event id (format 3) is BLAKE2b-256 (32-byte digest, no key)
 * over the concatenation of these parts, each a 64-bit little-endian length
 * followed by that many bytes (a NULL value: the length 2^64-1 and no
 * bytes):
 *     "dualtrack-audit-v3", id (decimal), ts (decimal), actor, request_id,
 *     action (as stored), entity, entity_id (decimal), before, after,
 *     region (decimal), the previous event's hash (its 32 bytes)
 * - the stored columns as the database gives them back as text, so that
 * verifying recomputes exactly what was stored.
 *
 * An event whose column packed holds bytes is of format 4: the parts of
 * format 3 under the tag "dualtrack-audit-v4", with the packed bytes as one
 * more part after region.  An event of format 3 or 4 is told by that
 * column; one before audit_v3_from with packed set was edited.  Format 5
 * is told by the id (audit_v5_from): the parts of format 3 under the tag
 * "dualtrack-audit-v5", before and after as stored (NULL when packed),
 * then packed (NULL when not) as one more part after region.  Verifying
 * also unpacks a format-5 packed: bytes that do not inflate with a known
 * dictionary to exactly the two parts, or packed beside a before or an
 * after, is an edit.  It does not parse the parts (the readers do, as
 * they parse the older formats' text): parsing took seven eighths of
 * verifying's time.
 *
 * The older formats stay verifiable, so that an upgraded chain verifies
 * unchanged and a checkpoint signed before an upgrade still names the same
 * hash.  Format 2 (events from migration 007 to 010): the same parts with
 * the tag "dualtrack-audit-v2", ts as its text "YYYY-MM-DDTHH:MM:SS.mmmZ"
 * and the action whole.  Format 1 (before 007): whole objects before and
 * after, the tag "dualtrack-audit-v1", and the previous hash as 64
 * lower-case hex characters; its hashes stay as they were written (hex text
 * on SQLite, whose 3.40 has no unhex(); bytes on PostgreSQL).  Migration 010
 * turned the old events' ts into integers too (only where the text comes
 * back exactly) and dropped the stored previous hashes; verifying writes
 * ts back as text for them.  The meta keys audit_v2_from, audit_v3_from and
 * audit_v5_from hold the ids of the first format-2, format-3 and format-5
 * events.
 *
 * What is stored of the hash (migration 025): before meta's audit_tag_from
 * every event stores its whole 32-byte hash; from it on only an event whose
 * id is a multiple of 16 does, and every other one stores a tag, the first
 * 4 bytes of its hash (a 4-byte BLOB; BYTEA on PostgreSQL).  What a hash is
 * computed from does not change (the formats above, the previous event's
 * whole hash among the parts), so a checkpoint names the same hash either
 * way.  Where a whole hash is needed - the writer's chain tip, a
 * checkpoint's event, the head a checkpoint signs, the audit list's hashes
 * - roll() recomputes it forward from the nearest whole hash stored at or
 * before the event (at most 15 events back, or the chain's start); the
 * writer keeps the last whole hash in memory inside a bulk transaction, and
 * meta's audit_head holds the last event's.  Verifying recomputes the chain
 * as before and compares what each event stores with its hash: the whole
 * hash where the rule puts one, its first 4 bytes elsewhere, and only that
 * form (a whole hash where a tag belongs, a tag on a 16th event, any other
 * length is an edit of that event).  So an edit is still named at its
 * event, but for a chance of 2^-32 that the edited event's new hash has the
 * same first 4 bytes (a tag collision).  Then the events after it chain
 * from a hash that differs and each tag agrees by the same chance again:
 * the edit is named one event late with a chance of about 2^-32, two late
 * of 2^-64, and never goes unnoticed, as the next whole hash (or the head
 * in meta, a whole hash) cannot agree short of breaking BLAKE2b.  Removed
 * events at the end are found through audit_head as before.
 */
#include <sodium.h>
#include <stdio.h>
#include <zlib.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/embedded.h"
#include "domain/entity.h"
#include "store/store_internal.h"
#include "core/banned.h"

#define HASH_LEN 32
#define HASH_HEX (HASH_LEN * 2 + 1)
/* from audit_tag_from on: the bytes of a tag, and every how many events a whole hash */
#define TAG_LEN 4
#define TAG_EVERY 16
/* ts, actor, request_id, action, entity, entity_id, before, after, region */
#define NCOLS 9
static const unsigned char zero_hash[HASH_LEN];

/* Whether event @id stores its whole hash (else a tag): before @tag_from, or every 16th. */
static bool stores_whole(int64_t id, int64_t tag_from)
{
	return id < tag_from || id % TAG_EVERY == 0;
}

static void hash_bytes(crypto_generichash_state *h, const void *p, uint64_t n)
{
	unsigned char len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	crypto_generichash_update(h, len, sizeof(len));
	if (p && n != UINT64_MAX)
		crypto_generichash_update(h, p, n);
}

static void hash_part(crypto_generichash_state *h, const char *s)
{
	hash_bytes(h, s, s ? strlen(s) : UINT64_MAX);
}

/*
 * The hash of event @id of format @v (1 to 5, see the head comment) with
 * columns @cols (text as stored, NULL for NULL) and, of format 4 or 5, the
 * bytes @packed (of format 5 none: NULL), after hash @prev, into @out.
 */
static void event_hash(int v, int64_t id, const char *const cols[NCOLS],
		       const struct dt_audit_packed *packed, const unsigned char prev[HASH_LEN],
		       unsigned char out[HASH_LEN])
{
	crypto_generichash_state h;
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	crypto_generichash_init(&h, NULL, 0, HASH_LEN);
	static const char *const tags[] = { "dualtrack-audit-v1", "dualtrack-audit-v2",
					    "dualtrack-audit-v3", "dualtrack-audit-v4",
					    "dualtrack-audit-v5" };
	hash_part(&h, tags[v - 1]);
	hash_part(&h, idbuf);
	for (int i = 0; i < NCOLS; i++)
		hash_part(&h, cols[i]);
	/* format 4's packed bytes; format 5's, or NULL */
	if (v >= 4)
		hash_bytes(&h, packed->bytes, packed->bytes ? packed->len : UINT64_MAX);
	if (v == 1) {
		char hex[HASH_HEX];
		sodium_bin2hex(hex, sizeof(hex), prev, HASH_LEN);
		hash_part(&h, hex);
	} else {
		hash_bytes(&h, prev, HASH_LEN);
	}
	crypto_generichash_final(&h, out, HASH_LEN);
}

/*
 * A stored hash: 32 bytes, or, for an event of format @v 1 (0: any),
 * 64 hex characters as SQLite kept them.  False for anything else (a NULL,
 * an edited value, a later format's hash as text).
 */
static bool column_hash(struct dt_db_stmt *st, int i, int v, unsigned char out[HASH_LEN])
{
	int n = dt_db_column_bytes(st, i);
	switch (dt_db_column_type(st, i)) {
	case DT_DB_BLOB:
		if (n != HASH_LEN)
			return false;
		memcpy(out, dt_db_column_blob(st, i), HASH_LEN);
		return true;
	case DT_DB_TEXT: {
		if (v >= 2)
			return false;
		size_t got = 0;
		const char *t = dt_db_column_text(st, i);
		return n == HASH_LEN * 2 &&
		       !sodium_hex2bin(out, HASH_LEN, t, (size_t)n, NULL, &got, NULL) &&
		       got == HASH_LEN;
	}
	default: return false;
	}
}

bool dt_audit_column_hash(struct dt_db_stmt *st, int i, unsigned char out[32])
{
	return column_hash(st, i, 0, out);
}

bool dt_audit_column_hash_hex(struct dt_db_stmt *st, int i, char out[65])
{
	unsigned char h[HASH_LEN];
	if (!column_hash(st, i, 0, h)) {
		out[0] = '\0';
		return false;
	}
	sodium_bin2hex(out, HASH_HEX, h, HASH_LEN);
	return true;
}

const char *dt_audit_action(const char *stored, const char *entity, char *buf, size_t size)
{
	if (!stored || strchr(stored, '.') || !entity)
		return stored;
	snprintf(buf, size, "%s.%s", entity, stored);
	return buf;
}

/* What an event stores of @action on @entity: the verb alone when that says it all. */
static const char *stored_action(const char *action, const char *entity)
{
	size_t n = strlen(entity);
	if (!strncmp(action, entity, n) && action[n] == '.' && action[n + 1] &&
	    !strchr(action + n + 1, '.'))
		return action + n + 1;
	return action;
}

void dt_audit_column_ts(struct dt_db_stmt *st, int i, char out[DT_TIME_STRLEN])
{
	switch (dt_db_column_type(st, i)) {
	case DT_DB_INTEGER: dt_time_from_ms(dt_db_column_int64(st, i), out); return;
	case DT_DB_NULL: out[0] = '\0'; return;
	default: snprintf(out, DT_TIME_STRLEN, "%s", dt_db_column_text(st, i));
	}
}

/*
 * The head recorded in meta (audit_head, "id:hash") into @id and @hash;
 * @id 0 when there is none or it does not read.
 */
static enum dt_err meta_head(struct dt_store *s, int64_t *id, unsigned char hash[HASH_LEN],
			     struct dt_strbuf *err)
{
	struct dt_strbuf head = DT_STRBUF_INIT;
	bool found = false;
	*id = 0;
	int rc = dt_meta_get(s, "audit_head", &head, &found, err);
	if (rc == DT_OK && found) {
		char *colon = NULL;
		long long hid = strtoll(head.buf, &colon, 10);
		size_t got = 0;
		if (hid > 0 && *colon == ':' && strlen(colon + 1) == HASH_HEX - 1 &&
		    !sodium_hex2bin(hash, HASH_LEN, colon + 1, HASH_HEX - 1, NULL, &got, NULL) &&
		    got == HASH_LEN)
			*id = hid;
	}
	dt_strbuf_release(&head);
	return rc;
}

static enum dt_err full_hash(struct dt_store *s, int64_t id, unsigned char out[HASH_LEN],
			     struct dt_strbuf *err);

/*
 * The last event's id and whole hash (0 and zeros for an empty chain): the
 * one it stores, or, when it stores a tag, the meta head's (@hid, @hh) when
 * that is this event and agrees with the tag, else the one full_hash()
 * recomputes.  Zeros when that fails too (verify reports it).
 */
static enum dt_err last_event(struct dt_store *s, int64_t hid, const unsigned char hh[HASH_LEN],
			      int64_t *id, unsigned char hash[HASH_LEN], struct dt_strbuf *err)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", err);
	if (!st)
		return DT_EDB;
	*id = 0;
	memcpy(hash, zero_hash, HASH_LEN);
	bool tag = false;
	int r = dt_db_step(st);
	if (r == DT_DB_ROW) {
		*id = dt_db_column_int64(st, 0);
		if (!column_hash(st, 1, 0, hash) && dt_db_column_type(st, 1) == DT_DB_BLOB &&
		    dt_db_column_bytes(st, 1) == TAG_LEN) {
			memcpy(hash, dt_db_column_blob(st, 1), TAG_LEN);
			tag = true;
		}
	}
	dt_db_reset(st);
	if (r != DT_DB_ROW && r != DT_DB_DONE)
		return dt_sql_error(s, "audit", err);
	if (!tag)
		return DT_OK;
	if (hid == *id && !memcmp(hh, hash, TAG_LEN)) {
		memcpy(hash, hh, HASH_LEN);
		return DT_OK;
	}
	int rc = full_hash(s, *id, hash, err);
	if (rc == DT_ECORRUPT) {
		memcpy(hash, zero_hash, HASH_LEN); /* verify reports it */
		dt_strbuf_reset(err);
		rc = DT_OK;
	}
	return rc;
}

/*
 * The last event's id and whole hash (0 and zeros for an empty chain); with
 * @tip, where a new event goes: after the table's last event, or after the
 * recorded head when that is further on.  The head is further on only when
 * events were removed from the end behind the store's back; chaining from it
 * keeps the gap, so that verify still reports them after later writes
 * instead of new events quietly taking their ids.  (Inside a bulk
 * transaction the head may lag the table, never lead it.)
 */
static enum dt_err read_head(struct dt_store *s, bool tip, int64_t *id,
			     unsigned char hash[HASH_LEN], struct dt_strbuf *err)
{
	int64_t hid;
	unsigned char hh[HASH_LEN];
	int rc = meta_head(s, &hid, hh, err);
	if (rc == DT_OK)
		rc = last_event(s, hid, hh, id, hash, err);
	if (rc == DT_OK && tip && hid > *id) {
		*id = hid;
		memcpy(hash, hh, HASH_LEN);
	}
	return rc;
}

static enum dt_err write_head(struct dt_store *s, int64_t id, const unsigned char hash[HASH_LEN],
			      struct dt_strbuf *err)
{
	char head[24 + HASH_HEX], hex[HASH_HEX];
	sodium_bin2hex(hex, sizeof(hex), hash, HASH_LEN);
	snprintf(head, sizeof(head), "%lld:%s", (long long)id, hex);
	return dt_meta_set(s, "audit_head", head, err);
}

enum dt_err dt_audit_flush_head(struct dt_store *s, struct dt_strbuf *err)
{
	if (!s->head_dirty)
		return DT_OK;
	int64_t id = 0;
	unsigned char hash[HASH_LEN];
	int rc = DT_OK;
	size_t got = 0;
	/* the head in memory is the table's last event: no tag to roll forward from */
	if (s->head_cached &&
	    !sodium_hex2bin(hash, HASH_LEN, s->head_hash, HASH_HEX - 1, NULL, &got, NULL) &&
	    got == HASH_LEN)
		id = s->head_id;
	else
		rc = read_head(s, false, &id, hash, err);
	if (rc == DT_OK && id)
		rc = write_head(s, id, hash, err);
	s->head_dirty = false;
	return rc;
}

static bool is_create(const char *action)
{
	size_t n = strlen(action);
	return n > 7 && !strcmp(action + n - 7, ".create");
}

/* What a create of @e with these columns leaves out of its after: see the head comment. */
static bool left_out(const struct dt_entity *e, const char *key, json_t *v, int64_t entity_id,
		     const char *ts, long region)
{
	if (!strcmp(key, "id"))
		return entity_id && json_is_integer(v) && json_integer_value(v) == entity_id;
	if (!strcmp(key, "region")) {
		char reg[24];
		snprintf(reg, sizeof(reg), "%06ld", region);
		return region && json_is_string(v) && !strcmp(json_string_value(v), reg);
	}
	if (!strcmp(key, "created_at") || !strcmp(key, "updated_at"))
		return json_is_string(v) && !strcmp(json_string_value(v), ts);
	return json_is_null(v) && dt_entity_field(e, key);
}

void dt_audit_expand(const char *action, const char *entity, int64_t entity_id, const char *ts,
		     int64_t region, json_t *before, json_t *after)
{
	const struct dt_entity *e;
	if (json_is_object(before) && json_is_object(after)) {
		/* an update: what before has and after lacks was set to the event's time */
		const char *k;
		json_t *v;
		json_object_foreach(before, k, v)
		{
			if (ts && !json_object_get(after, k))
				json_object_set_new(after, k, json_string(ts));
		}
		return;
	}
	if ((before && !json_is_null(before)) || !json_is_object(after) || !action ||
	    !is_create(action) || !entity || !(e = dt_entity_find(entity)))
		return;
	for (size_t i = 0; i < e->nfields; i++) {
		const char *k = e->fields[i].name;
		if (json_object_get(after, k))
			continue;
		json_t *v = json_null();
		if (!strcmp(k, "id") && entity_id) {
			v = json_integer(entity_id);
		} else if (!strcmp(k, "region") && region) {
			char reg[24];
			snprintf(reg, sizeof(reg), "%06lld", (long long)region);
			v = json_string(reg);
		} else if ((!strcmp(k, "created_at") || !strcmp(k, "updated_at")) && ts) {
			v = json_string(ts);
		}
		json_object_set_new(after, k, v);
	}
}

static char *canonical(json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
}

void dt_audit_diff(json_t *before, json_t *after, json_t **dbefore, json_t **dafter)
{
	json_t *db = json_object(), *da = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(before, k, v)
	{
		json_t *w = json_object_get(after, k);
		if (!w || !json_equal(v, w)) {
			json_object_set(db, k, v);
			json_object_set_new(da, k, w ? json_incref(w) : json_null());
		}
	}
	json_object_foreach(after, k, v)
	{
		if (!json_object_get(before, k)) {
			json_object_set_new(db, k, json_null());
			json_object_set(da, k, v);
		}
	}
	*dbefore = db;
	*dafter = da;
}

/* Whether a payload of event action @verb (as stored) is packed: a batch's (head comment). */
static bool packed_action(const char *verb)
{
	size_t n = strlen(verb);
	return n > 6 && !strcmp(verb + n - 6, "_batch");
}

#define PACK_MIN 256

/*
 * The two lists of a batch payload that zlib packs poorly, as differences
 * (head comment): "ids", increasing integers, becomes "~ids", the first and
 * then each one's difference from the one before; "at", one instant an
 * entry, becomes "~at", the same of their milliseconds.  A list with
 * anything else in it (or a difference out of range) stays as it is.
 * (No field of a payload starts with "~".)
 */
static void deltas_encode(json_t *o)
{
	static const char *const keys[] = { "ids", "at" };
	for (size_t k = 0; k < DT_ARRAY_SIZE(keys); k++) {
		json_t *list = json_object_get(o, keys[k]), *v;
		size_t n = json_array_size(list), i;
		if (n < 2)
			continue;
		json_t *d = json_array();
		int64_t prev = 0;
		json_array_foreach(list, i, v)
		{
			int64_t x = 0;
			if (k == 0 ? !json_is_integer(v) : !dt_time_to_ms(json_string_value(v), &x))
				break;
			if (k == 0)
				x = json_integer_value(v);
			int64_t diff;
			if (__builtin_sub_overflow(x, prev, &diff))
				break;
			json_array_append_new(d, json_integer(i ? diff : x));
			prev = x;
		}
		if (json_array_size(d) == n) {
			char key[8];
			snprintf(key, sizeof(key), "~%s", keys[k]);
			json_object_set_new(o, key, d);
			json_object_del(o, keys[k]);
		} else {
			json_decref(d);
		}
	}
}

/* deltas_encode() undone on @o; false when what it finds is damaged. */
static bool deltas_decode(json_t *o)
{
	static const char *const keys[] = { "ids", "at" };
	for (size_t k = 0; k < DT_ARRAY_SIZE(keys); k++) {
		char key[8];
		snprintf(key, sizeof(key), "~%s", keys[k]);
		json_t *d = json_object_get(o, key), *v;
		if (!d)
			continue;
		if (!json_is_array(d) || json_object_get(o, keys[k]))
			return false;
		json_t *list = json_array();
		int64_t x = 0;
		size_t i;
		json_array_foreach(d, i, v)
		{
			if (!json_is_integer(v) ||
			    __builtin_add_overflow(i ? x : 0, json_integer_value(v), &x))
				break;
			if (k == 0) {
				json_array_append_new(list, json_integer(x));
			} else {
				char t[DT_TIME_STRLEN];
				dt_time_from_ms(x, t);
				json_array_append_new(list, json_string(t));
			}
		}
		if (json_array_size(list) != json_array_size(d)) {
			json_decref(list);
			return false;
		}
		json_object_set_new(o, keys[k], list);
		json_object_del(o, key);
	}
	return true;
}

/*
 * @json packed (head comment) into @out (malloc'd bytes); false, @out
 * empty, when packing does not make it shorter.
 */
static bool pack(const char *json, struct dt_audit_packed *out)
{
	*out = (struct dt_audit_packed){ NULL, 0 };
	size_t n0 = strlen(json);
	if (n0 < PACK_MIN)
		return false;
	json_t *o = json_loads(json, JSON_DECODE_ANY, NULL);
	if (json_is_object(o))
		deltas_encode(o);
	char *text = canonical(o);
	json_decref(o);
	if (!text)
		return false;
	size_t n = strlen(text);
	uLongf zn = compressBound((uLong)n);
	unsigned char *z = n <= UINT32_MAX ? malloc(4 + zn) : NULL;
	if (z && compress2(z + 4, &zn, (const Bytef *)text, (uLong)n, 9) == Z_OK && 4 + zn < n0) {
		for (int i = 0; i < 4; i++)
			z[i] = (unsigned char)(n >> (8 * i));
		out->bytes = z;
		out->len = 4 + zn;
		z = NULL;
	}
	free(z);
	free(text);
	return out->bytes != NULL;
}

/* The zlib stream @z of @zn bytes inflated to exactly @n bytes of text, malloc'd; or NULL. */
static char *inflate_exact(const unsigned char *z, size_t zn, unsigned long long n)
{
	/* zlib inflates at most about 1032 to 1: a longer length is a damaged event */
	if (n > (unsigned long long)(zn + 16) * 1032)
		return NULL;
	char *out = malloc((size_t)n + 1);
	uLongf on = (uLongf)n;
	if (!out || uncompress((Bytef *)out, &on, z, (uLong)zn) != Z_OK || on != n ||
	    memchr(out, '\0', (size_t)n)) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	return out;
}

char *dt_audit_unpack_bytes(const unsigned char *p, size_t len)
{
	if (!p || len < 4)
		return NULL;
	unsigned long long n = 0;
	for (int i = 0; i < 4; i++)
		n |= (unsigned long long)p[i] << (8 * i);
	return inflate_exact(p + 4, len - 4, n);
}

char *dt_audit_unpack(const char *stored)
{
	if (!stored || stored[0] != 'z')
		return NULL;
	char *end;
	unsigned long long n = strtoull(stored + 1, &end, 10);
	if (end == stored + 1 || *end != ':')
		return NULL; /* no length, or none ended by ':' (then nothing follows to read) */
	const char *b64 = end + 1;
	size_t bn = strlen(b64), zn = 0;
	unsigned char *z = malloc(bn + 1);
	char *out = z && !sodium_base642bin(z, bn + 1, b64, bn, NULL, &zn, NULL,
					    sodium_base64_VARIANT_ORIGINAL_NO_PADDING)
			    ? inflate_exact(z, zn, n)
			    : NULL;
	free(z);
	return out;
}

json_t *dt_audit_payload(const char *stored)
{
	if (!stored)
		return NULL;
	char *json = dt_audit_unpack(stored);
	json_t *v = json_loads(json ? json : stored, JSON_DECODE_ANY, NULL);
	free(json);
	return v;
}

json_t *dt_audit_packed_json(const unsigned char *p, size_t len)
{
	char *json = dt_audit_unpack_bytes(p, len);
	json_t *v = json ? json_loads(json, JSON_DECODE_ANY, NULL) : NULL;
	free(json);
	if (json_is_object(v) && !deltas_decode(v)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* ---- format 5: every payload packed with a dictionary (head comment) ---- */

#define DICT_NO 1
#define DICT_FILE "src/store/audit-dict-1.txt"
/* how far a v5 payload may inflate: past this it is damaged (none comes near) */
#define UNPACK_MAX ((size_t)1 << 30)

bool dt_audit_dict(int no, const unsigned char **p, size_t *n)
{
	const struct dt_embedded *e = no == DICT_NO ? dt_embedded_find(DICT_FILE) : NULL;
	/* the file's head comment ends at its first empty line; the rest is the dictionary */
	const char *body = e ? strstr((const char *)e->data, "\n\n") : NULL;
	if (!body)
		return false;
	*p = (const unsigned char *)body + 2;
	*n = e->len - (size_t)(*p - e->data);
	return true;
}

void dt_audit_release(struct dt_store *s)
{
	if (s->audit_z) {
		deflateEnd(s->audit_z);
		free(s->audit_z);
		s->audit_z = NULL;
	}
}

static void put_part(struct dt_strbuf *b, const char *t)
{
	size_t n = t ? strlen(t) : 0;
	uint32_t len = t ? (uint32_t)n : UINT32_MAX;
	unsigned char le[4];
	for (int i = 0; i < 4; i++)
		le[i] = (unsigned char)(len >> (8 * i));
	dt_strbuf_add(b, (const char *)le, 4);
	if (t)
		dt_strbuf_add(b, t, n);
}

/*
 * Event payloads @before and @after (canonical JSON text or NULL; of a
 * batch, @batch, its lists as differences in after) packed in format 5
 * into @out (malloc'd): the dictionary number, then the raw deflate stream
 * (level 6, window 2^15, memory level 4, the dictionary preset) of both, each as its length
 * (4 bytes little-endian, 0xFFFFFFFF for NULL) and its bytes.  False, @out
 * empty, unless that is shorter than the two as text (head comment).  The
 * stream is the store's own, reset for each event.
 */
static bool pack5(struct dt_store *s, const char *before, const char *after, bool batch,
		  struct dt_audit_packed *out)
{
	*out = (struct dt_audit_packed){ NULL, 0 };
	size_t text = (before ? strlen(before) : 0) + (after ? strlen(after) : 0);
	const unsigned char *dict;
	size_t dn;
	if (text < 2 || text > UINT32_MAX - 8 || !dt_audit_dict(DICT_NO, &dict, &dn))
		return false;
	char *diffs = NULL;
	if (batch && after) {
		json_t *o = json_loads(after, 0, NULL);
		if (json_is_object(o)) {
			deltas_encode(o);
			diffs = canonical(o);
		}
		json_decref(o);
	}
	struct dt_strbuf raw = DT_STRBUF_INIT;
	put_part(&raw, before);
	put_part(&raw, diffs ? diffs : after);
	free(diffs);
	z_stream *z = s->audit_z;
	if (!z && (z = calloc(1, sizeof(*z))) &&
	    deflateInit2(z, 6, Z_DEFLATED, -15, 4, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		z = NULL;
	}
	s->audit_z = z;
	unsigned char *buf = z ? malloc(1 + deflateBound(z, (uLong)raw.len)) : NULL;
	if (buf && deflateReset(z) == Z_OK && deflateSetDictionary(z, dict, (uInt)dn) == Z_OK) {
		buf[0] = DICT_NO;
		z->next_in = (Bytef *)raw.buf;
		z->avail_in = (uInt)raw.len;
		z->next_out = buf + 1;
		z->avail_out = (uInt)deflateBound(z, (uLong)raw.len);
		if (deflate(z, Z_FINISH) == Z_STREAM_END && 1 + z->total_out < text) {
			out->bytes = buf;
			out->len = 1 + z->total_out;
			buf = NULL;
		}
	}
	free(buf);
	dt_strbuf_release(&raw);
	return out->bytes != NULL;
}

/* One part of an unpacked v5 payload at *@p (@end its end): NULL or its text, malloc'd. */
static bool take_part(const unsigned char **p, const unsigned char *end, char **out)
{
	*out = NULL;
	if (end - *p < 4)
		return false;
	uint32_t n = 0;
	for (int i = 0; i < 4; i++)
		n |= (uint32_t)(*p)[i] << (8 * i);
	*p += 4;
	if (n == UINT32_MAX)
		return true;
	if ((size_t)(end - *p) < n || memchr(*p, '\0', n))
		return false;
	*out = malloc((size_t)n + 1);
	if (!*out)
		return false;
	memcpy(*out, *p, n);
	(*out)[n] = '\0';
	*p += n;
	return true;
}

bool dt_audit_unpack5(const unsigned char *p, size_t len, char **before, char **after)
{
	*before = *after = NULL;
	const unsigned char *dict;
	size_t dn;
	if (!p || len < 2 || !dt_audit_dict(p[0], &dict, &dn) || len - 1 > UINT_MAX)
		return false;
	z_stream z = { 0 };
	if (inflateInit2(&z, -15) != Z_OK)
		return false;
	struct dt_strbuf raw = DT_STRBUF_INIT;
	int r = inflateSetDictionary(&z, dict, (uInt)dn);
	z.next_in = (Bytef *)p + 1;
	z.avail_in = (uInt)(len - 1);
	unsigned char chunk[16384];
	/* deflate packs at most about 1032 to 1: more is a damaged (or hostile) event */
	size_t most = (len + 16) * 1032 < UNPACK_MAX ? (len + 16) * 1032 : UNPACK_MAX;
	while (r == Z_OK && raw.len <= most) {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		r = inflate(&z, Z_NO_FLUSH);
		if (r == Z_OK || r == Z_STREAM_END)
			dt_strbuf_add(&raw, (const char *)chunk, sizeof(chunk) - z.avail_out);
		if (r == Z_OK && z.avail_out == sizeof(chunk))
			r = Z_DATA_ERROR; /* no progress: the stream is cut short */
	}
	/* the whole input one stream, and its output the two parts exactly */
	bool ok = r == Z_STREAM_END && z.avail_in == 0;
	inflateEnd(&z);
	const unsigned char *q = (const unsigned char *)raw.buf, *end = q + raw.len;
	ok = ok && take_part(&q, end, before) && take_part(&q, end, after) && q == end;
	dt_strbuf_release(&raw);
	if (!ok) {
		free(*before);
		free(*after);
		*before = *after = NULL;
	}
	return ok;
}

/* The id in meta key @key (audit_v2_from, ...: where a format begins), or @unset. */
static enum dt_err format_from(struct dt_store *s, const char *key, int64_t unset, int64_t *from,
			       struct dt_strbuf *err)
{
	struct dt_strbuf v = DT_STRBUF_INIT;
	bool found = false;
	int rc = dt_meta_get(s, key, &v, &found, err);
	*from = rc == DT_OK && found ? strtoll(v.buf, NULL, 10) : unset;
	dt_strbuf_release(&v);
	return rc;
}

enum dt_err dt_audit_v5_from(struct dt_store *s, int64_t *from, struct dt_strbuf *err)
{
	/* unset: a database the migration has not reached, none of format 5 */
	return format_from(s, "audit_v5_from", INT64_MAX, from, err);
}

bool dt_audit_column_texts(struct dt_db_stmt *st, int64_t v5_from, int id, int before, int after,
			   int packed, char **b, char **a)
{
	*b = *a = NULL;
	bool blob = dt_db_column_type(st, packed) == DT_DB_BLOB;
	const unsigned char *p = blob ? dt_db_column_blob(st, packed) : NULL;
	size_t n = blob ? (size_t)dt_db_column_bytes(st, packed) : 0;
	if (blob && dt_db_column_int64(st, id) >= v5_from)
		return dt_audit_unpack5(p, n, b, a);
	const char *tb = before >= 0 ? dt_db_column_text(st, before) : NULL,
		   *ta = dt_db_column_text(st, after);
	/* format 3's text packing ("z<n>:..."), format 4's bytes */
	*b = tb ? (tb[0] == 'z' ? dt_audit_unpack(tb) : strdup(tb)) : NULL;
	*a = blob ? dt_audit_unpack_bytes(p, n)
	     : ta ? (ta[0] == 'z' ? dt_audit_unpack(ta) : strdup(ta))
		  : NULL;
	return (!tb || *b) && (!(blob || ta) || *a);
}

bool dt_audit_column_payloads(struct dt_db_stmt *st, int64_t v5_from, int id, int before, int after,
			      int packed, json_t **b, json_t **a)
{
	char *tb, *ta;
	bool ok = dt_audit_column_texts(st, v5_from, id, before, after, packed, &tb, &ta);
	*b = tb ? json_loads(tb, JSON_DECODE_ANY, NULL) : NULL;
	*a = ta ? json_loads(ta, JSON_DECODE_ANY, NULL) : NULL;
	ok = ok && (!tb || *b) && (!ta || *a) && (!json_is_object(*a) || deltas_decode(*a));
	free(tb);
	free(ta);
	return ok;
}

/* "INSERT INTO audit(...) VALUES (...), ..." for @n events, into @sql. */
static void insert_sql(struct dt_strbuf *sql, int n)
{
	dt_strbuf_adds(sql,
		       "INSERT INTO audit(id, ts, actor, request_id, action, entity, entity_id, "
		       "before, after, region, hash, packed) VALUES ");
	for (int i = 0; i < n; i++)
		dt_strbuf_adds(sql, i ? ",(?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?)");
}

/*
 * Append @n (at most INSERT_MAX) events of @action on @entity, one
 * statement for all: ids @entity_ids (0: none), before and after as
 * canonical JSON text (@befores NULL, or an element NULL: none), regions
 * (0: none).  Each event chains from the one before it; inside an explicit
 * transaction the head stays in memory, otherwise it is written to meta.
 */
#define INSERT_MAX 1 /* dt_audit_append's one; a batch goes by copy */
static enum dt_err append_events(struct dt_store *s, const struct dt_actor *a, const char *ts,
				 const char *action, const char *entity, int n,
				 const int64_t *entity_ids, const char *const *befores,
				 const char *const *afters, const long *regions,
				 struct dt_strbuf *err)
{
	if (n <= 0 || n > INSERT_MAX)
		return n ? dt_error(err, DT_EINTERNAL, "internal error: a batch of %d events", n)
			 : DT_OK;
	int rc = DT_OK;
	int64_t last = 0;
	char ids[INSERT_MAX][24], regs[INSERT_MAX][24];
	/* [0] the head; event i chains from [i] */
	unsigned char hashes[INSERT_MAX + 1][HASH_LEN];

	/* Inside a bulk transaction the head is ours alone: keep it in memory. */
	if (s->explicit_tx && s->head_cached) {
		size_t got = 0;
		last = s->head_id;
		sodium_hex2bin(hashes[0], HASH_LEN, s->head_hash, HASH_HEX - 1, NULL, &got, NULL);
	} else {
		rc = read_head(s, true, &last, hashes[0], err);
		if (rc != DT_OK)
			return rc;
	}
	int64_t ms = 0;
	char msbuf[24];
	if (!dt_time_to_ms(ts, &ms))
		return dt_error(err, DT_EINTERNAL, "internal error: an audit time %s", ts);
	snprintf(msbuf, sizeof(msbuf), "%lld", (long long)ms);
	const char *verb = stored_action(action, entity);
	/*
	 * Format 5 (head comment): both payloads packed when that is shorter,
	 * before and after then NULL.  Before it (a database the migration
	 * has not reached), format 4: a batch's payload packed, after NULL.
	 */
	struct dt_audit_packed packs[INSERT_MAX] = { { NULL, 0 } };
	const char *sb[INSERT_MAX], *sa[INSERT_MAX];
	int v[INSERT_MAX];
	for (int i = 0; i < n; i++) {
		const char *b = befores ? befores[i] : NULL;
		bool v5 = last + 1 + i >= s->audit_v5_from;
		bool p = v5 ? pack5(s, b, afters[i], packed_action(verb), &packs[i])
			    : afters[i] && packed_action(verb) && pack(afters[i], &packs[i]);
		sb[i] = p && v5 ? NULL : b;
		sa[i] = p ? NULL : afters[i];
		v[i] = v5 ? 5 : p ? 4 : 3;
	}
	befores = sb;
	afters = sa;
	for (int i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%lld", (long long)entity_ids[i]);
		snprintf(regs[i], sizeof(regs[i]), "%ld", regions[i]);
		const char *cols[NCOLS] = { msbuf,      a->login,  a->request_id,
					    verb,       entity,    entity_ids[i] ? ids[i] : NULL,
					    befores[i], afters[i], regions[i] ? regs[i] : NULL };
		event_hash(v[i], last + 1 + i, cols, &packs[i], hashes[i], hashes[i + 1]);
	}
	struct dt_strbuf sql = DT_STRBUF_INIT;
	insert_sql(&sql, n);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	dt_strbuf_release(&sql);
	if (!st) {
		for (int i = 0; i < n; i++)
			free(packs[i].bytes);
		return DT_EDB;
	}
	for (int i = 0, p = 1; i < n; i++, p += 12) {
		dt_db_bind_int64(st, p, last + 1 + i);
		dt_db_bind_int64(st, p + 1, ms);
		dt_db_bind_text(st, p + 2, a->login, -1);
		if (a->request_id)
			dt_db_bind_text(st, p + 3, a->request_id, -1);
		dt_db_bind_text(st, p + 4, verb, -1);
		dt_db_bind_text(st, p + 5, entity, -1);
		if (entity_ids[i])
			dt_db_bind_int64(st, p + 6, entity_ids[i]);
		if (befores[i])
			dt_db_bind_text(st, p + 7, befores[i], -1);
		if (afters[i])
			dt_db_bind_text(st, p + 8, afters[i], -1);
		if (regions[i])
			dt_db_bind_int64(st, p + 9, regions[i]);
		/* the whole hash, or from audit_tag_from on its tag (head comment) */
		dt_db_bind_blob(st, p + 10, hashes[i + 1],
				stores_whole(last + 1 + i, s->audit_tag_from) ? HASH_LEN : TAG_LEN);
		if (packs[i].bytes)
			dt_db_bind_blob(st, p + 11, packs[i].bytes, (int)packs[i].len);
	}
	int r = dt_db_step(st);
	dt_db_reset(st);
	for (int i = 0; i < n; i++)
		free(packs[i].bytes);
	if (r != DT_DB_DONE)
		return dt_sql_error(s, "audit", err);
	if (s->explicit_tx) {
		s->head_cached = s->head_dirty = true;
		s->head_id = last + n;
		sodium_bin2hex(s->head_hash, sizeof(s->head_hash), hashes[n], HASH_LEN);
	} else {
		rc = write_head(s, last + n, hashes[n], err);
	}
	return rc;
}

/* The audit table's columns in the order a copy writes them. */
static const char *const copy_cols[] = { "id",     "ts",     "actor",     "request_id",
					 "action", "entity", "entity_id", "before",
					 "after",  "region", "hash" };

enum dt_err dt_audit_append_batch(struct dt_store *s, const struct dt_actor *a, const char *ts,
				  const char *action, const char *entity, int n,
				  const int64_t *entity_ids, const char *const *afters,
				  const long *regions, struct dt_strbuf *err)
{
	if (n <= 0)
		return DT_OK;
	int rc0 = dt_audit_flush_deferred(s, err);
	if (rc0 != DT_OK)
		return rc0;
	int64_t last = 0;
	unsigned char prev[HASH_LEN], hash[HASH_LEN];
	int rc = DT_OK;
	if (s->explicit_tx && s->head_cached) {
		size_t got = 0;
		last = s->head_id;
		sodium_hex2bin(prev, HASH_LEN, s->head_hash, HASH_HEX - 1, NULL, &got, NULL);
	} else if ((rc = read_head(s, true, &last, prev, err)) != DT_OK) {
		return rc;
	}
	int64_t ms = 0;
	char msbuf[24];
	if (!dt_time_to_ms(ts, &ms))
		return dt_error(err, DT_EINTERNAL, "internal error: an audit time %s", ts);
	snprintf(msbuf, sizeof(msbuf), "%lld", (long long)ms);
	const char *verb = stored_action(action, entity);
	/*
	 * One copy: each event hashed as it goes, while the server takes the
	 * ones before; its values of the columns' kinds, and no savepoint: the
	 * caller (the bulk path) rolls the transaction back if it fails.
	 */
	struct dt_db_copy *c =
		dt_db_copy_begin_with(s->db, "audit", copy_cols, (int)DT_ARRAY_SIZE(copy_cols),
				      DT_DB_COPY_TYPED | DT_DB_COPY_NO_SAVEPOINT, err);
	if (!c)
		return dt_sql_error(s, "audit", err);
	for (int i = 0; i < n; i++) {
		char id[24], reg[24];
		snprintf(id, sizeof(id), "%lld", (long long)entity_ids[i]);
		snprintf(reg, sizeof(reg), "%ld", regions[i]);
		/*
		 * Format 5 (or 3 before it) unpacked: packing costs some 5.7 µs
		 * an event, which put the import of 200,000 trainees from 1.6 to
		 * 2.0-2.3 times PostgreSQL's COPY of the same rows (its goal: 2).
		 * An unpacked event of format 5 is one (head comment).
		 */
		const struct dt_audit_packed none = { NULL, 0 };
		bool v5 = last + 1 + i >= s->audit_v5_from;
		const char *after = afters[i];
		const char *cols[NCOLS] = { msbuf, a->login, a->request_id,
					    verb,  entity,   entity_ids[i] ? id : NULL,
					    NULL,  after,    regions[i] ? reg : NULL };
		event_hash(v5 ? 5 : 3, last + 1 + i, cols, &none, prev, hash);
		dt_db_copy_int64(c, last + 1 + i);
		dt_db_copy_int64(c, ms);
		dt_db_copy_text(c, a->login, -1);
		if (a->request_id)
			dt_db_copy_text(c, a->request_id, -1);
		else
			dt_db_copy_null(c);
		dt_db_copy_text(c, verb, -1);
		dt_db_copy_text(c, entity, -1);
		if (entity_ids[i])
			dt_db_copy_int64(c, entity_ids[i]);
		else
			dt_db_copy_null(c);
		dt_db_copy_null(c);
		if (after)
			dt_db_copy_text(c, after, -1);
		else
			dt_db_copy_null(c);
		if (regions[i])
			dt_db_copy_int64(c, regions[i]);
		else
			dt_db_copy_null(c);
		dt_db_copy_blob(c, hash,
				stores_whole(last + 1 + i, s->audit_tag_from) ? HASH_LEN : TAG_LEN);
		bool ok = dt_db_copy_row(c);
		memcpy(prev, hash, HASH_LEN); /* borrowed until the row is done */
		if (!ok)
			break;
	}
	if (dt_db_copy_end(c, false, err) != DT_OK)
		return dt_sql_error(s, "audit", err);
	if (s->explicit_tx) {
		s->head_cached = s->head_dirty = true;
		s->head_id = last + n;
		sodium_bin2hex(s->head_hash, sizeof(s->head_hash), prev, HASH_LEN);
	} else {
		rc = write_head(s, last + n, prev, err);
	}
	return rc;
}

void dt_store_audit_defer(struct dt_store *s, const struct dt_actor *a, const char *entity)
{
	s->defer_entity = entity;
	s->defer_actor = a;
}

/* The most creates one batch event gathers. */
#define DEFER_MAX 1000

/*
 * @rows (objects) by column: each key a list of the rows' values, null
 * where a row has none, or the one value when every row has it; NULL when
 * a value is itself a list or an object (the rows stay as they are).
 */
static json_t *by_column(json_t *rows)
{
	json_t *cols = json_object(), *row, *v;
	size_t n = json_array_size(rows), i;
	const char *k;
	json_array_foreach(rows, i, row)
	{
		json_object_foreach(row, k, v)
		{
			if (json_is_array(v) || json_is_object(v)) {
				json_decref(cols);
				return NULL;
			}
			json_t *col = json_object_get(cols, k);
			if (!col) {
				col = json_array();
				for (size_t j = 0; j < n; j++)
					json_array_append_new(col, json_null());
				json_object_set_new(cols, k, col);
			}
			json_array_set(col, i, v);
		}
	}
	json_object_foreach(cols, k, v)
	{
		json_t *first = json_array_get(v, 0);
		bool one = !json_is_null(first);
		for (i = 1; i < n && one; i++)
			one = json_equal(first, json_array_get(v, i));
		if (one)
			json_object_set(cols, k, first);
	}
	return cols;
}

enum dt_err dt_audit_flush_deferred(struct dt_store *s, struct dt_strbuf *err)
{
	if (!s->defer_ids)
		return DT_OK;
	s->defer_flushes++;
	json_t *cols = by_column(s->defer_rows);
	json_t *after = cols ? json_pack("{s:o, s:o}", "ids", s->defer_ids, "cols", cols)
			     : json_pack("{s:o, s:o}", "ids", s->defer_ids, "rows", s->defer_rows);
	if (cols)
		json_decref(s->defer_rows);
	long region = s->defer_region;
	s->defer_ids = s->defer_rows = NULL;
	s->defer_last[0] = '\0';
	char ts[DT_TIME_STRLEN], action[96];
	dt_time_now(ts);
	snprintf(action, sizeof(action), "%s.create_batch", s->defer_entity);
	char *ja = canonical(after);
	const char *afters[] = { ja };
	int64_t none = 0;
	int rc = ja ? append_events(s, s->defer_actor, ts, action, s->defer_entity, 1, &none, NULL,
				    afters, &region, err)
		    : dt_error(err, DT_ENOMEM, "out of memory");
	free(ja);
	json_decref(after);
	return rc;
}

/* Gather the create of @e's record @entity_id, its whole @after, for one batch event. */
static enum dt_err defer_create(struct dt_store *s, const struct dt_entity *e, int64_t entity_id,
				json_t *after, struct dt_strbuf *err)
{
	json_t *reg = json_object_get(after, "region");
	long region = json_is_string(reg) ? strtol(json_string_value(reg), NULL, 10) : 0;
	if (s->defer_ids && region != s->defer_region) {
		/* an event is read within its region's scope: one region a batch */
		int rc = dt_audit_flush_deferred(s, err);
		if (rc != DT_OK)
			return rc;
	}
	if (!s->defer_ids) {
		s->defer_ids = json_array();
		s->defer_rows = json_array();
		s->defer_region = region;
		s->defer_last[0] = '\0';
	}
	json_t *row = json_object(), *created = json_object_get(after, "created_at");
	const char *k;
	json_t *v;
	json_object_foreach(after, k, v)
	{
		if (!strcmp(k, "created_at")) {
			if (json_is_string(v) && !strcmp(json_string_value(v), s->defer_last))
				continue;
			snprintf(s->defer_last, sizeof(s->defer_last), "%s",
				 json_is_string(v) ? json_string_value(v) : "");
		} else if (!strcmp(k, "updated_at")) {
			if (json_equal(v, created))
				continue;
		} else if (left_out(e, k, v, entity_id, "", s->defer_region)) {
			continue;
		}
		json_object_set(row, k, v);
	}
	json_array_append_new(s->defer_ids, json_integer(entity_id));
	json_array_append_new(s->defer_rows, row);
	return json_array_size(s->defer_ids) >= DEFER_MAX ? dt_audit_flush_deferred(s, err) : DT_OK;
}

enum dt_err dt_audit_append(struct dt_store *s, const struct dt_actor *a, const char *action,
			    const char *entity, int64_t entity_id, json_t *before, json_t *after,
			    struct dt_strbuf *err)
{
	const struct dt_entity *de;
	if (s->defer_entity && s->explicit_tx && !before && json_is_object(after) && entity_id &&
	    is_create(action) && !strcmp(entity, s->defer_entity) && a == s->defer_actor &&
	    (de = dt_entity_find(entity)))
		return defer_create(s, de, entity_id, after, err);
	/* the gathered creates come first in the chain */
	int rc0 = dt_audit_flush_deferred(s, err);
	if (rc0 != DT_OK)
		return rc0;
	/* The region of what was touched, so that scoped readers see the event. */
	json_t *reg = json_object_get(after ? after : before, "region");
	long region = json_is_string(reg) ? strtol(json_string_value(reg), NULL, 10) : 0;
	char ts[DT_TIME_STRLEN];
	dt_time_now(ts);
	/* An update keeps what changed only; a create leaves out what the columns say. */
	json_t *db = NULL, *da = NULL;
	const struct dt_entity *e;
	if (json_is_object(before) && json_is_object(after)) {
		dt_audit_diff(before, after, &db, &da);
		/* a field set to the event's time keeps its old value in before only */
		const char *k;
		void *tmp;
		json_t *v;
		json_object_foreach_safe(da, tmp, k, v)
		{
			if (json_is_string(v) && !strcmp(json_string_value(v), ts))
				json_object_del(da, k);
		}
		before = db;
		after = da;
	} else if (!before && json_is_object(after) && is_create(action) &&
		   (e = dt_entity_find(entity))) {
		da = json_object();
		const char *k;
		json_t *v;
		json_object_foreach(after, k, v)
		{
			if (!left_out(e, k, v, entity_id, ts, region))
				json_object_set(da, k, v);
		}
		after = da;
	}
	char *jb = canonical(before), *ja = canonical(after);
	const char *befores[] = { jb }, *afters[] = { ja };
	int rc = append_events(s, a, ts, action, entity, 1, &entity_id, befores, afters, &region,
			       err);
	free(jb);
	free(ja);
	json_decref(db);
	json_decref(da);
	return rc;
}

enum dt_err dt_store_audit(struct dt_store *s, const struct dt_actor *a, const char *action,
			   const char *entity, int64_t entity_id, json_t *before, json_t *after,
			   struct dt_strbuf *err)
{
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	rc = dt_audit_append(s, a, action, entity, entity_id, before, after, err);
	return dt_tx_end(s, rc, err);
}

static enum dt_err tag_from(struct dt_store *s, int64_t *from, struct dt_strbuf *err)
{
	/* unset: a database migration 025 has not reached, every hash whole */
	return format_from(s, "audit_tag_from", INT64_MAX, from, err);
}

enum dt_err dt_audit_formats_load(struct dt_store *s, struct dt_strbuf *err)
{
	enum dt_err rc = dt_audit_v5_from(s, &s->audit_v5_from, err);
	if (rc == DT_OK)
		rc = tag_from(s, &s->audit_tag_from, err);
	return rc;
}

/* Where the formats begin, and the tags (head comment), as meta says now. */
struct formats {
	int64_t v2, v3, v5, tag;
};

static enum dt_err read_formats(struct dt_store *s, struct formats *f, struct dt_strbuf *err)
{
	int rc = format_from(s, "audit_v2_from", 1, &f->v2, err);
	if (rc == DT_OK)
		rc = format_from(s, "audit_v3_from", 1, &f->v3, err);
	if (rc == DT_OK)
		rc = dt_audit_v5_from(s, &f->v5, err);
	if (rc == DT_OK)
		rc = tag_from(s, &f->tag, err);
	return rc;
}

/* What verify and the roll forward read of an event, in this order. */
#define EVENT_COLS                                                                            \
	"id, ts, actor, request_id, action, entity, entity_id, before, after, region, hash, " \
	"packed"
#define COL_HASH 10

/* An event as its hash is computed (head comment), read from a row of EVENT_COLS. */
struct event {
	int64_t id;
	int v; /* its format */
	const char *cols[NCOLS];
	char ts[DT_TIME_STRLEN];
	struct dt_audit_packed packed; /* the column packed's bytes (borrowed) */
	bool has_packed;               /* anything there, bytes or not */
};

static void read_event(struct dt_db_stmt *st, const struct formats *f, struct event *e)
{
	e->id = dt_db_column_int64(st, 0);
	/* format 4 is a format-3 event with its payload packed (head comment) */
	e->has_packed = dt_db_column_type(st, 11) != DT_DB_NULL;
	e->packed = (struct dt_audit_packed){ NULL, 0 };
	if (dt_db_column_type(st, 11) == DT_DB_BLOB) {
		e->packed.bytes = (unsigned char *)dt_db_column_blob(st, 11);
		e->packed.len = (size_t)dt_db_column_bytes(st, 11);
	}
	e->v = e->id >= f->v5   ? 5
	       : e->id >= f->v3 ? (e->has_packed ? 4 : 3)
	       : e->id >= f->v2 ? 2
				: 1;
	for (int i = 0; i < NCOLS; i++)
		e->cols[i] = dt_db_column_text(st, i + 1);
	/* the older formats hashed the time as its text */
	if (e->v < 3 && dt_db_column_type(st, 1) == DT_DB_INTEGER) {
		dt_audit_column_ts(st, 1, e->ts);
		e->cols[0] = e->ts;
	}
}

/*
 * Whether @st's row stores what event @e with whole hash @hash must: the
 * whole hash before @tag_from and on every 16th event from it on, its
 * first 4 bytes (a BLOB of exactly 4) on the others.  Only the rule's form
 * passes, so that what an event stores is fixed.
 */
static bool stored_agrees(struct dt_db_stmt *st, const struct event *e, int64_t tag_from,
			  const unsigned char hash[HASH_LEN])
{
	unsigned char stored[HASH_LEN];
	if (stores_whole(e->id, tag_from))
		return column_hash(st, COL_HASH, e->v, stored) && !memcmp(stored, hash, HASH_LEN);
	return dt_db_column_type(st, COL_HASH) == DT_DB_BLOB &&
	       dt_db_column_bytes(st, COL_HASH) == TAG_LEN &&
	       !memcmp(dt_db_column_blob(st, COL_HASH), hash, TAG_LEN);
}

/* The event whose whole hash the roll forward to event @id starts from (0: the chain's start). */
static int64_t roll_base(const struct formats *f, int64_t id)
{
	if (stores_whole(id, f->tag))
		return id;
	int64_t b = id - id % TAG_EVERY;
	return b >= f->tag - 1 ? b : f->tag - 1;
}

/*
 * The one way to the whole hash of any event: those of events @lo to @hi
 * into @out (hi - lo + 1 of them), and into @ok whether each agrees with
 * what the event stores.  From the nearest whole hash stored at or before
 * @lo (roll_base(): at most 15 events back, or the chain's start), forward
 * through the events' contents with verify's hashing; an event that stores
 * its whole hash gives it (when it does not read, it is computed, and not
 * ok).  DT_ECORRUPT when an event of the range is missing, or the base
 * holds no whole hash.  Nothing here checks the events before the base:
 * dt_store_audit_verify() does.
 */
static enum dt_err roll(struct dt_store *s, const struct formats *f, int64_t lo, int64_t hi,
			unsigned char (*out)[HASH_LEN], bool *ok, struct dt_strbuf *err)
{
	if (lo < 1)
		return dt_error(err, DT_ECORRUPT, "audit event %lld is missing", (long long)lo);
	int64_t from = roll_base(f, lo), expect = from ? from : 1;
	unsigned char prev[HASH_LEN], hash[HASH_LEN];
	bool have = from == 0;
	memcpy(prev, zero_hash, HASH_LEN);
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT " EVENT_COLS " FROM audit WHERE id BETWEEN ? AND ? ORDER BY id", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, expect);
	dt_db_bind_int64(st, 2, hi);
	int r, rc = DT_OK;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		struct event e;
		read_event(st, f, &e);
		if (e.id != expect)
			break;
		bool agrees = stores_whole(e.id, f->tag) && column_hash(st, COL_HASH, e.v, hash);
		if (!agrees) {
			if (!have) {
				rc = dt_error(err, DT_ECORRUPT,
					      "audit event %lld holds no whole hash: edited",
					      (long long)e.id);
				break;
			}
			event_hash(e.v, e.id, e.cols, &e.packed, prev, hash);
			agrees = stored_agrees(st, &e, f->tag, hash);
		}
		if (e.id >= lo) {
			memcpy(out[e.id - lo], hash, HASH_LEN);
			ok[e.id - lo] = agrees;
		}
		memcpy(prev, hash, HASH_LEN);
		have = true;
		expect++;
	}
	dt_db_reset(st);
	if (rc == DT_OK && r != DT_DB_DONE && r != DT_DB_ROW)
		rc = dt_sql_error(s, "audit", err);
	if (rc == DT_OK && expect <= hi)
		rc = dt_error(err, DT_ECORRUPT, "audit event %lld is missing", (long long)expect);
	return rc;
}

static enum dt_err full_hash(struct dt_store *s, int64_t id, unsigned char out[HASH_LEN],
			     struct dt_strbuf *err)
{
	struct formats f;
	bool ok;
	int rc = read_formats(s, &f, err);
	if (rc == DT_OK)
		rc = roll(s, &f, id, id, (unsigned char(*)[HASH_LEN])out, &ok, err);
	return rc;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

enum dt_err dt_audit_hashes_hex(struct dt_store *s, size_t n, const int64_t *ids, char (*hex)[65],
				struct dt_strbuf *err)
{
	if (!n)
		return DT_OK;
	struct formats f;
	int rc = read_formats(s, &f, err);
	int64_t *sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		rc = dt_error(err, DT_ENOMEM, "out of memory");
	if (rc != DT_OK) {
		free(sorted);
		return rc;
	}
	memcpy(sorted, ids, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_id);
	for (size_t i = 0; i < n; i++)
		hex[i][0] = '\0';
	/* one forward pass for each run of events whose rolls would meet */
	for (size_t k = 0, j; rc == DT_OK && k < n; k = j) {
		int64_t lo = sorted[k], hi = lo;
		for (j = k + 1; j < n && roll_base(&f, sorted[j]) <= hi + 1; j++)
			hi = sorted[j];
		size_t m = (size_t)(hi - lo + 1);
		unsigned char(*h)[HASH_LEN] = malloc(m * sizeof(*h));
		bool *ok = calloc(m, sizeof(*ok));
		rc = h && ok ? roll(s, &f, lo, hi, h, ok, err)
			     : dt_error(err, DT_ENOMEM, "out of memory");
		for (size_t i = 0; rc == DT_OK && i < n; i++)
			if (ids[i] >= lo && ids[i] <= hi && ok[ids[i] - lo])
				sodium_bin2hex(hex[i], HASH_HEX, h[ids[i] - lo], HASH_LEN);
		free(h);
		free(ok);
	}
	free(sorted);
	/* a missing or edited event shows no hash: verify names it */
	if (rc == DT_ECORRUPT) {
		dt_strbuf_reset(err);
		rc = DT_OK;
	}
	return rc;
}

/*
 * Whether format-5 bytes @p unpack to exactly two parts (each NULL or
 * text) with a known dictionary.  Their JSON is not parsed here: the hash
 * fixes the bytes, and the readers (the records check among them) parse
 * what they read, as they do the text payloads of the older formats.
 */
static bool packed5_sound(const unsigned char *p, size_t len)
{
	char *b, *a;
	bool ok = dt_audit_unpack5(p, len, &b, &a);
	free(b);
	free(a);
	return ok;
}

enum dt_err dt_store_audit_verify(struct dt_store *s, int64_t *checked, struct dt_strbuf *err)
{
	int rc = DT_OK;
	unsigned char prev[HASH_LEN], hash[HASH_LEN];
	int64_t expect = 1, n = 0;
	struct formats f;
	memcpy(prev, zero_hash, HASH_LEN);
	*checked = 0;

	/* One read transaction, so that the chain and its head are one snapshot. */
	dt_store_snapshot_end(s);
	rc = dt_sql_exec(s, "BEGIN", err);
	if (rc != DT_OK)
		return rc;
	rc = read_formats(s, &f, err);
	if (rc != DT_OK)
		goto out;
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT " EVENT_COLS " FROM audit ORDER BY id", err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		struct event e;
		read_event(st, &f, &e);
		int64_t id = e.id;
		const char *const *cols = e.cols;
		if (id != expect) {
			rc = dt_error(
				err, DT_ECORRUPT,
				id > expect
					? "audit event %lld is missing (the chain jumps from "
					  "event %lld to event %lld): removed"
					: "audit event %lld: ids out of order after %lld (got %lld)",
				(long long)expect, (long long)(expect - 1), (long long)id);
			break;
		}
		event_hash(e.v, id, cols, &e.packed, prev, hash);
		/*
		 * packed bytes only in formats 4 and 5, and of format 5 only
		 * what unpacks to two parts, with before and after NULL:
		 * anything else there was put in by hand; the hash stored as
		 * the rule says (stored_agrees)
		 */
		if ((e.has_packed && (e.v < 4 || !e.packed.bytes)) ||
		    (e.v == 5 && e.packed.bytes &&
		     (cols[6] || cols[7] || !packed5_sound(e.packed.bytes, e.packed.len))) ||
		    !stored_agrees(st, &e, f.tag, hash)) {
			char whole[128];
			const char *act = dt_audit_action(cols[3], cols[4], whole, sizeof(whole));
			rc = dt_error(
				err, DT_ECORRUPT,
				"audit event %lld (%s %s %s): its content does not match its hash: "
				"edited",
				(long long)id, act ? act : "?", cols[4] ? cols[4] : "?",
				cols[5] ? cols[5] : "");
			break;
		}
		memcpy(prev, hash, HASH_LEN);
		expect++;
		n++;
	}
	dt_db_reset(st);
	if (rc == DT_OK && r != DT_DB_DONE && r != DT_DB_ROW)
		rc = dt_sql_error(s, "audit", err);
	if (rc == DT_OK) {
		struct dt_strbuf head = DT_STRBUF_INIT, want = DT_STRBUF_INIT;
		bool found = false;
		char hex[HASH_HEX];
		sodium_bin2hex(hex, sizeof(hex), prev, HASH_LEN);
		rc = dt_meta_get(s, "audit_head", &head, &found, err);
		if (n)
			dt_strbuf_addf(&want, "%lld:%s", (long long)n, hex);
		if (rc == DT_OK && (found || n) && strcmp(head.buf, want.buf)) {
			long long head_id = found ? strtoll(head.buf, NULL, 10) : 0;
			rc = dt_error(err, DT_ECORRUPT,
				      head_id > n
					      ? "audit chain ends at event %lld but the recorded "
						"head is event %lld: events removed from the end"
					      : "audit chain head (event %lld) does not match the "
						"recorded head (event %lld): rewritten",
				      (long long)n, head_id);
		}
		dt_strbuf_release(&head);
		dt_strbuf_release(&want);
	}
	*checked = n;
out:
	dt_sql_exec(s, "COMMIT", NULL);
	return rc;
}

/* ---- anchoring: checkpoints of the head ---- */

enum dt_err dt_store_audit_head(struct dt_store *s, struct dt_checkpoint *cp, struct dt_strbuf *err)
{
	int64_t n = 0;
	unsigned char hash[HASH_LEN];
	memset(cp, 0, sizeof(*cp));
	/* Only a chain that verifies is worth signing. */
	int rc = dt_store_audit_verify(s, &n, err);
	if (rc != DT_OK)
		return rc;
	rc = read_head(s, false, &cp->event, hash, err);
	if (rc != DT_OK)
		return rc;
	sodium_bin2hex(cp->hash, sizeof(cp->hash), hash, HASH_LEN);
	dt_time_now(cp->time);
	struct dt_strbuf fp = DT_STRBUF_INIT;
	bool found = false;
	rc = dt_meta_get(s, "key_fingerprint", &fp, &found, err);
	snprintf(cp->database, sizeof(cp->database), "%s", found && fp.len ? fp.buf : "-");
	dt_strbuf_release(&fp);
	return rc;
}

enum dt_err dt_store_audit_extends(struct dt_store *s, const struct dt_checkpoint *cp,
				   int64_t *checked, struct dt_strbuf *err)
{
	/* A checkpoint of another database (another data key) says nothing of this one. */
	struct dt_strbuf fp = DT_STRBUF_INIT;
	bool found = false;
	int rc = dt_meta_get(s, "key_fingerprint", &fp, &found, err);
	if (rc == DT_OK && found && strcmp(cp->database, "-") && strcmp(cp->database, fp.buf))
		rc = dt_error(err, DT_ECORRUPT,
			      "the checkpoint is of another database (data key %s, "
			      "this one's is %s)",
			      cp->database, fp.buf);
	dt_strbuf_release(&fp);
	*checked = 0;
	if (rc != DT_OK)
		return rc;
	/* The chain must recompute up to its head ... */
	rc = dt_store_audit_verify(s, checked, err);
	if (rc != DT_OK || cp->event == 0)
		return rc;
	/* ... and hold the checkpoint's event unchanged: its hash fixes every event before it. */
	if (cp->event > *checked)
		return dt_error(err, DT_ECORRUPT,
				"audit event %lld of the checkpoint of %s is missing (the chain "
				"has %lld events): the chain was cut or rewritten since the "
				"checkpoint",
				(long long)cp->event, cp->time, (long long)*checked);
	unsigned char hash[HASH_LEN];
	char h[HASH_HEX];
	rc = full_hash(s, cp->event, hash, err);
	if (rc != DT_OK)
		return rc;
	sodium_bin2hex(h, sizeof(h), hash, HASH_LEN);
	if (strcmp(h, cp->hash))
		rc = dt_error(err, DT_ECORRUPT,
			      "audit event %lld does not match the checkpoint of %s (its hash is "
			      "%.16s…, the checkpoint says %.16s…): the chain was rewritten "
			      "since the checkpoint",
			      (long long)cp->event, cp->time, h, cp->hash);
	return rc;
}
