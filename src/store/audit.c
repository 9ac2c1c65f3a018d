/*
 * audit.c - the audit log as a hash chain.
 *
 * Event n stores prev_hash = hash of event n-1 (64 zeros for the first) and
 * hash = BLAKE2b-256 over a domain tag and every column of the event, each
 * length-prefixed so that no two different events serialise alike.  Ids are
 * consecutive from 1, and the meta table keeps the chain head ("id:hash"),
 * written in the same transaction, so that an edited, removed, reordered or
 * truncated event is found by dt_store_audit_verify().  Before and after are
 * canonical JSON (sorted keys, compact) of the objects as the API shows them:
 * personal identity numbers appear masked only.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "store/store_internal.h"
#include "core/banned.h"

#define HASH_LEN 32
#define HASH_HEX (HASH_LEN * 2 + 1)
/* ts, actor, request_id, action, entity, entity_id, before, after, region */
#define NCOLS 9
static const char zero_hash[HASH_HEX] =
	"0000000000000000000000000000000000000000000000000000000000000000";

static void hash_part(crypto_generichash_state *h, const char *s)
{
	unsigned char len[8];
	uint64_t n = s ? strlen(s) : UINT64_MAX;
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	crypto_generichash_update(h, len, sizeof(len));
	if (s)
		crypto_generichash_update(h, (const unsigned char *)s, strlen(s));
}

/* The hash of one event, as hex into @out. */
static void event_hash(int64_t id, const char *const cols[NCOLS], const char *prev,
		       char out[HASH_HEX])
{
	crypto_generichash_state h;
	unsigned char md[HASH_LEN];
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	crypto_generichash_init(&h, NULL, 0, HASH_LEN);
	hash_part(&h, "dualtrack-audit-v1");
	hash_part(&h, idbuf);
	for (int i = 0; i < NCOLS; i++)
		hash_part(&h, cols[i]);
	hash_part(&h, prev);
	crypto_generichash_final(&h, md, HASH_LEN);
	sodium_bin2hex(out, HASH_HEX, md, HASH_LEN);
}

/* The last event's id and hash (0 and zeros for an empty chain). */
static enum dt_err read_head(struct dt_store *s, int64_t *id, char hash[HASH_HEX],
			     struct dt_strbuf *err)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", err);
	if (!st)
		return DT_EDB;
	*id = 0;
	memcpy(hash, zero_hash, HASH_HEX);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW) {
		*id = dt_db_column_int64(st, 0);
		snprintf(hash, HASH_HEX, "%s", dt_db_column_text(st, 1));
	}
	dt_db_reset(st);
	return r == DT_DB_ROW || r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "audit", err);
}

/*
 * Where a new event goes: after the table's last event, or after the
 * recorded head when that is further on.  The head is further on only when
 * events were removed from the end behind the store's back; chaining from it
 * keeps the gap, so that verify still reports them after later writes
 * instead of new events quietly taking their ids.  (Inside a bulk
 * transaction the head may lag the table, never lead it.)
 */
static enum dt_err chain_tip(struct dt_store *s, int64_t *id, char hash[HASH_HEX],
			     struct dt_strbuf *err)
{
	struct dt_strbuf head = DT_STRBUF_INIT;
	bool found = false;
	int rc = read_head(s, id, hash, err);
	if (rc == DT_OK)
		rc = dt_meta_get(s, "audit_head", &head, &found, err);
	if (rc == DT_OK && found) {
		char *colon = NULL;
		long long hid = strtoll(head.buf, &colon, 10);
		if (hid > *id && *colon == ':' && strlen(colon + 1) == HASH_HEX - 1) {
			*id = hid;
			memcpy(hash, colon + 1, HASH_HEX);
		}
	}
	dt_strbuf_release(&head);
	return rc;
}

static enum dt_err write_head(struct dt_store *s, int64_t id, const char *hash,
			      struct dt_strbuf *err)
{
	char head[24 + HASH_HEX];
	snprintf(head, sizeof(head), "%lld:%s", (long long)id, hash);
	return dt_meta_set(s, "audit_head", head, err);
}

enum dt_err dt_audit_flush_head(struct dt_store *s, struct dt_strbuf *err)
{
	if (!s->head_dirty)
		return DT_OK;
	int64_t id;
	char hash[HASH_HEX];
	int rc = read_head(s, &id, hash, err);
	if (rc == DT_OK && id)
		rc = write_head(s, id, hash, err);
	s->head_dirty = false;
	return rc;
}

static char *canonical(json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
}

/* "INSERT INTO audit(...) VALUES (...), ..." for @n events, into @sql. */
static void insert_sql(struct dt_strbuf *sql, int n)
{
	dt_strbuf_adds(sql,
		       "INSERT INTO audit(id, ts, actor, request_id, action, entity, entity_id, "
		       "before, after, region, prev_hash, hash) VALUES ");
	for (int i = 0; i < n; i++)
		dt_strbuf_adds(sql, i ? ",(?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?)");
}

/*
 * Append @n (at most DT_AUDIT_BATCH) events of @action on @entity, one
 * statement for all: ids @entity_ids (0: none), before and after as
 * canonical JSON text (@befores NULL, or an element NULL: none), regions
 * (0: none).  Each event chains from the one before it; inside an explicit
 * transaction the head stays in memory, otherwise it is written to meta.
 */
static enum dt_err append_events(struct dt_store *s, const struct dt_actor *a, const char *action,
				 const char *entity, int n, const int64_t *entity_ids,
				 const char *const *befores, const char *const *afters,
				 const long *regions, struct dt_strbuf *err)
{
	if (n <= 0 || n > DT_AUDIT_BATCH)
		return n ? dt_error(err, DT_EINTERNAL, "internal error: a batch of %d events", n)
			 : DT_OK;
	int rc = DT_OK;
	int64_t last = 0;
	char ts[DT_TIME_STRLEN], ids[DT_AUDIT_BATCH][24], regs[DT_AUDIT_BATCH][24];
	char hashes[DT_AUDIT_BATCH + 1][HASH_HEX]; /* [0] the head; event i chains from [i] */

	/* Inside a bulk transaction the head is ours alone: keep it in memory. */
	if (s->explicit_tx && s->head_cached) {
		last = s->head_id;
		memcpy(hashes[0], s->head_hash, HASH_HEX);
	} else {
		rc = chain_tip(s, &last, hashes[0], err);
		if (rc != DT_OK)
			return rc;
	}
	dt_time_now(ts);
	for (int i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%lld", (long long)entity_ids[i]);
		snprintf(regs[i], sizeof(regs[i]), "%ld", regions[i]);
		const char *cols[NCOLS] = { ts,
					    a->login,
					    a->request_id,
					    action,
					    entity,
					    entity_ids[i] ? ids[i] : NULL,
					    befores ? befores[i] : NULL,
					    afters[i],
					    regions[i] ? regs[i] : NULL };
		event_hash(last + 1 + i, cols, hashes[i], hashes[i + 1]);
	}
	struct dt_strbuf sql = DT_STRBUF_INIT;
	insert_sql(&sql, n);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	dt_strbuf_release(&sql);
	if (!st)
		return DT_EDB;
	for (int i = 0, p = 1; i < n; i++, p += 12) {
		dt_db_bind_int64(st, p, last + 1 + i);
		dt_db_bind_text(st, p + 1, ts, -1);
		dt_db_bind_text(st, p + 2, a->login, -1);
		if (a->request_id)
			dt_db_bind_text(st, p + 3, a->request_id, -1);
		dt_db_bind_text(st, p + 4, action, -1);
		dt_db_bind_text(st, p + 5, entity, -1);
		if (entity_ids[i])
			dt_db_bind_text(st, p + 6, ids[i], -1);
		if (befores && befores[i])
			dt_db_bind_text(st, p + 7, befores[i], -1);
		if (afters[i])
			dt_db_bind_text(st, p + 8, afters[i], -1);
		if (regions[i])
			dt_db_bind_int64(st, p + 9, regions[i]);
		dt_db_bind_text(st, p + 10, hashes[i], -1);
		dt_db_bind_text(st, p + 11, hashes[i + 1], -1);
	}
	int r = dt_db_step(st);
	dt_db_reset(st);
	if (r != DT_DB_DONE)
		return dt_sql_error(s, "audit", err);
	if (s->explicit_tx) {
		s->head_cached = s->head_dirty = true;
		s->head_id = last + n;
		memcpy(s->head_hash, hashes[n], HASH_HEX);
	} else {
		rc = write_head(s, last + n, hashes[n], err);
	}
	return rc;
}

enum dt_err dt_audit_append_batch(struct dt_store *s, const struct dt_actor *a, const char *action,
				  const char *entity, int n, const int64_t *entity_ids,
				  const char *const *afters, const long *regions,
				  struct dt_strbuf *err)
{
	return append_events(s, a, action, entity, n, entity_ids, NULL, afters, regions, err);
}

enum dt_err dt_audit_append(struct dt_store *s, const struct dt_actor *a, const char *action,
			    const char *entity, int64_t entity_id, json_t *before, json_t *after,
			    struct dt_strbuf *err)
{
	char *jb = canonical(before), *ja = canonical(after);
	/* The region of what was touched, so that scoped readers see the event. */
	json_t *reg = json_object_get(after ? after : before, "region");
	long region = json_is_string(reg) ? strtol(json_string_value(reg), NULL, 10) : 0;
	const char *befores[] = { jb }, *afters[] = { ja };
	int rc = append_events(s, a, action, entity, 1, &entity_id, befores, afters, &region, err);
	free(jb);
	free(ja);
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

enum dt_err dt_store_audit_verify(struct dt_store *s, int64_t *checked, struct dt_strbuf *err)
{
	int rc = DT_OK;
	char prev[HASH_HEX], hash[HASH_HEX];
	int64_t expect = 1, n = 0;
	memcpy(prev, zero_hash, HASH_HEX);
	*checked = 0;

	/* One read transaction, so that the chain and its head are one snapshot. */
	dt_store_snapshot_end(s);
	rc = dt_sql_exec(s, "BEGIN", err);
	if (rc != DT_OK)
		return rc;
	struct dt_db_stmt *st = dt_sql_prepare(s,
					       "SELECT id, ts, actor, request_id, action, entity, "
					       "entity_id, before, after, region, prev_hash, hash "
					       "FROM audit ORDER BY id",
					       err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		int64_t id = dt_db_column_int64(st, 0);
		const char *cols[NCOLS];
		for (int i = 0; i < NCOLS; i++)
			cols[i] = dt_db_column_text(st, i + 1);
		const char *stored_prev = dt_db_column_text(st, 10);
		const char *stored_hash = dt_db_column_text(st, 11);
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
		if (!stored_prev || strcmp(stored_prev, prev)) {
			rc = dt_error(
				err, DT_ECORRUPT,
				"audit event %lld: its previous hash does not match event %lld "
				"(an event was removed, reordered or rewritten)",
				(long long)id, (long long)(id - 1));
			break;
		}
		event_hash(id, cols, prev, hash);
		if (!stored_hash || strcmp(stored_hash, hash)) {
			rc = dt_error(
				err, DT_ECORRUPT,
				"audit event %lld (%s %s %s): its content does not match its hash: "
				"edited",
				(long long)id, cols[3] ? cols[3] : "?", cols[4] ? cols[4] : "?",
				cols[5] ? cols[5] : "");
			break;
		}
		memcpy(prev, hash, HASH_HEX);
		expect++;
		n++;
	}
	dt_db_reset(st);
	if (rc == DT_OK && r != DT_DB_DONE && r != DT_DB_ROW)
		rc = dt_sql_error(s, "audit", err);
	if (rc == DT_OK) {
		struct dt_strbuf head = DT_STRBUF_INIT, want = DT_STRBUF_INIT;
		bool found = false;
		rc = dt_meta_get(s, "audit_head", &head, &found, err);
		if (n)
			dt_strbuf_addf(&want, "%lld:%s", (long long)n, prev);
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
	memset(cp, 0, sizeof(*cp));
	/* Only a chain that verifies is worth signing. */
	int rc = dt_store_audit_verify(s, &n, err);
	if (rc != DT_OK)
		return rc;
	rc = read_head(s, &cp->event, cp->hash, err);
	if (rc != DT_OK)
		return rc;
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
	struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT hash FROM audit WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, cp->event);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW) {
		const char *h = dt_db_column_text(st, 0);
		if (!h || strcmp(h, cp->hash))
			rc = dt_error(
				err, DT_ECORRUPT,
				"audit event %lld does not match the checkpoint of %s (its hash is "
				"%.16s…, the checkpoint says %.16s…): the chain was rewritten "
				"since the checkpoint",
				(long long)cp->event, cp->time, h ? h : "none", cp->hash);
	} else if (r == DT_DB_DONE) {
		rc = dt_error(
			err, DT_ECORRUPT,
			"audit event %lld of the checkpoint of %s is missing (the chain has %lld "
			"events): the chain was cut or rewritten since the checkpoint",
			(long long)cp->event, cp->time, (long long)*checked);
	} else {
		rc = dt_sql_error(s, "audit", err);
	}
	dt_db_reset(st);
	return rc;
}
