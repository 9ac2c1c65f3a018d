/*
 * store_internal.h - shared by the files of the store.
 *
 * The store spans several files: conn.c (connection, migrations,
 * statement cache, transactions), audit.c (the hash chain), crud.c (generic
 * create/read/update/delete from the entity table), list.c (list and
 * count), coarsen.c (what a reader without pii:read sees), rules.c (the
 * facts each entity's cross-field rules in src/domain need), contract.c
 * (contract actions and record-book sign-off), report.c (checks and named
 * read-only queries).
 */
#ifndef DT_STORE_INTERNAL_H
#define DT_STORE_INTERNAL_H

#include "core/common.h"
#include "core/secret.h"
#include "domain/entity.h"
#include "domain/problem.h"
#include "store/db.h"
#include "core/date.h"
#include "store/store.h"

#define DT_GET_MEMO 64  /* slots of dt_store.get_memo */
#define DT_SENT_MAX 128 /* reads sent and not yet received, at most (dt_store.sent) */

struct dt_stmt_slot {
	char *sql;
	struct dt_db_stmt *st;
};

struct dt_store {
	struct dt_db *db;
	char *path;
	bool have_keys;
	struct dt_keys keys;
	int depth;                  /* 0: no transaction; 1: in a write or an explicit one */
	bool explicit_tx;           /* dt_store_begin() was called */
	bool snapshot;              /* a read snapshot is open (dt_store_snapshot_begin) */
	int savepoints;             /* nested savepoints inside an explicit transaction */
	struct dt_stmt_slot *slots; /* open-addressing cache keyed by SQL text */
	size_t nslots, nused;
	unsigned stmt_gen; /* bumped whenever the cache finalizes its statements */
	bool clear_due;    /* the cache is past CACHE_MAX: clear it once no statement is held */
	/*
	 * Reads by id (the server's hot path) find their statement here by
	 * entity and scope shape, without building its SQL text.  The statements
	 * belong to the cache above; an entry is good while its gen is stmt_gen.
	 */
	struct dt_get_memo {
		const struct dt_entity *e;
		unsigned shape;
		unsigned gen;
		struct dt_db_stmt *st;
	} get_memo[DT_GET_MEMO];
	/*
	 * Reads sent and not yet received (dt_store_get_text_send), oldest at
	 * sent_head.  They are queued, and fetched together when the first of
	 * them is received: one query per entity and scope for all their ids.
	 */
	struct dt_sent_get {
		const struct dt_entity *e;
		int64_t id;
		struct dt_scope scope;
		bool scoped;
		bool fetched;          /* rc and text hold the answer */
		int rc;                /* DT_OK, DT_ENOTFOUND or DT_EDB */
		struct dt_strbuf text; /* the row as JSON text, or the database's message */
	} sent[DT_SENT_MAX];
	size_t sent_head, nsent;
	struct dt_problems problems; /* of the last failed write (dt_store_problems) */
	json_t *field_errors;        /* problems as JSON, built on demand (dt_store_field_errors) */
	struct dt_viewer viewer;     /* who reads (dt_store_set_viewer) */
	/*
	 * The audit chain head, cached only inside an explicit transaction (we
	 * hold the write lock, so nobody else appends); written to the meta table
	 * once, at commit.  A rolled-back savepoint drops the cache.
	 */
	bool head_cached, head_dirty;
	int64_t head_id;
	char head_hash[65];
	/*
	 * Creates of defer_entity gathered for one audit event (dt_store_audit_defer):
	 * their ids and rows, the first row's region, the last created_at written.
	 * A rolled-back savepoint while rows wait breaks the batch (the commit fails).
	 */
	const char *defer_entity;
	const struct dt_actor *defer_actor;
	json_t *defer_ids, *defer_rows;
	long defer_region;
	char defer_last[32];
	bool defer_broken;
	uint64_t defer_flushes; /* events written from them so far */
	struct {
		size_t n;         /* rows waiting when the savepoint began */
		uint64_t flushes; /* and defer_flushes then */
	} defer_mark[16];         /* per open savepoint (the first 16) */
	/* today for supervision writes (dt_store_set_today); year 0: the clock */
	struct dt_date as_of;
	/* the first event of audit format 5 (meta audit_v5_from, read at open) */
	int64_t audit_v5_from;
	/* the first event that may store a tag of its hash (meta audit_tag_from, read at open) */
	int64_t audit_tag_from;
	void *audit_z; /* format 5's deflate stream, made on first use (audit.c) */
};

/**
 * Finalize every statement of @s's cache (none may be held): at the end of
 * an operation whose cache is full, or before the connection's database is
 * replaced underneath it.
 */
void dt_sql_cache_clear(struct dt_store *s);
/** A prepared statement for @sql from the cache (reset, bindings cleared). */
struct dt_db_stmt *dt_sql_prepare(struct dt_store *s, const char *sql, struct dt_strbuf *err);
/** Report the connection's last error as DT_EDB (or DT_ECONFLICT for constraints). */
enum dt_err dt_sql_error(struct dt_store *s, const char *what, struct dt_strbuf *err);
/** Run SQL without results (no cache; for DDL and transaction control). */
enum dt_err dt_sql_exec(struct dt_store *s, const char *sql, struct dt_strbuf *err);
/** Run SQL without results through the statement cache (savepoints of bulk work). */
enum dt_err dt_sql_run(struct dt_store *s, const char *sql, struct dt_strbuf *err);
/** Bind a JSON scalar (integer, real, string, bool, null) to parameter @i. */
void dt_sql_bind_json(struct dt_db_stmt *st, int i, json_t *v);

/* A write: BEGIN IMMEDIATE (or a savepoint inside an explicit transaction). */
enum dt_err dt_tx_begin(struct dt_store *s, struct dt_strbuf *err);
/* Commit (rc == DT_OK) or roll back; returns rc, or the commit's error. */
enum dt_err dt_tx_end(struct dt_store *s, int rc, struct dt_strbuf *err);

/**
 * Start collecting problems for a new write on @entity (whose field labels
 * name them; NULL: none).
 */
void dt_store_problems_begin(struct dt_store *s, const char *entity);
/**
 * Record problem @code about @field (problem.h: key/value arguments ended by
 * NULL) for the caller of the write; its English wording is also appended to
 * @err (for logs and callers that show text only).  Returns the code's kind.
 */
enum dt_err dt_store_problem(struct dt_store *s, struct dt_strbuf *err, const char *field,
			     const char *code, ...);
/** Append the newest problem's English wording to @err, as dt_store_problem() does. */
void dt_store_problem_err(struct dt_store *s, struct dt_strbuf *err);
/**
 * A domain rule has recorded problems straight into the store's
 * (&s->problems) since the @n0-th: append their English wording to @err,
 * as dt_store_problem() does (warnings left out).
 */
void dt_store_problems_noted(struct dt_store *s, size_t n0, struct dt_strbuf *err);
/** Number of problems (not warnings) recorded since the reset. */
size_t dt_ferr_count(struct dt_store *s);

/* The meta table: small key/value settings of the database. */
enum dt_err dt_meta_get(struct dt_store *s, const char *key, struct dt_strbuf *out, bool *found,
			struct dt_strbuf *err);
enum dt_err dt_meta_set(struct dt_store *s, const char *key, const char *value,
			struct dt_strbuf *err);

/* agg.c: (re)create the triggers that maintain the indicator aggregates. */
enum dt_err dt_agg_install(struct dt_store *s, struct dt_strbuf *err);
/* agg.c: add the pending aggregate deltas to agg (before every commit). */
enum dt_err dt_agg_flush(struct dt_store *s, struct dt_strbuf *err);

/* audit.c */
/** Write the chain head to the meta table if bulk appends left it stale. */
enum dt_err dt_audit_flush_head(struct dt_store *s, struct dt_strbuf *err);
/* Write the creates dt_store_audit_defer() gathered as one event (none: nothing). */
enum dt_err dt_audit_flush_deferred(struct dt_store *s, struct dt_strbuf *err);
enum dt_err dt_audit_append(struct dt_store *s, const struct dt_actor *a, const char *action,
			    const char *entity, int64_t entity_id, json_t *before, json_t *after,
			    struct dt_strbuf *err);
/**
 * Reduce @before and @after (JSON objects, borrowed) to the fields that
 * differ: *@dbefore their old values, *@dafter their new ones (new
 * references; a field that one side lacks is null on that side).
 */
void dt_audit_diff(json_t *before, json_t *after, json_t **dbefore, json_t **dafter);
/**
 * Put back into the after of an event what it left out because the event's
 * columns say it (audit.c's head comment): @after is changed in place.  An
 * update (@before and @after objects) gets @ts for each field @before has
 * and @after lacks; a create of a record entity (@before NULL or a JSON
 * null) its id, region, times and nulls; nothing else changes.  @region 0
 * and @ts NULL: none.
 */
void dt_audit_expand(const char *action, const char *entity, int64_t entity_id, const char *ts,
		     int64_t region, json_t *before, json_t *after);
/**
 * A stored audit payload (before or after) unpacked: the JSON text of a
 * packed one (audit.c's head comment, "z<n>:..."), malloc'd; NULL when
 * @stored is not packed (it is the JSON itself) or does not unpack.
 */
char *dt_audit_unpack(const char *stored);
/** A stored audit payload as JSON (unpacked when packed); NULL for NULL or bad text. */
json_t *dt_audit_payload(const char *stored);
/** A payload packed as bytes (format 4, audit.c's head comment): the column packed. */
struct dt_audit_packed {
	unsigned char *bytes;
	size_t len;
};
/**
 * The JSON text packed in @len bytes at @p (format 4: the length as 4
 * bytes little-endian, then the zlib stream), malloc'd; NULL when it does
 * not unpack to exactly that length of text.
 */
char *dt_audit_unpack_bytes(const unsigned char *p, size_t len);
/**
 * The payload packed in @len bytes at @p (format 4) as JSON, its lists
 * stored as differences ("~ids", "~at") back as they were; NULL when it
 * does not unpack or those lists are damaged.
 */
json_t *dt_audit_packed_json(const unsigned char *p, size_t len);
/**
 * Audit dictionary @no (format 5, audit.c's head comment): its bytes into
 * @p and @n; false for a number there is none of.
 */
bool dt_audit_dict(int no, const unsigned char **p, size_t *n);
/**
 * The two payloads packed in @len bytes at @p in format 5 (a dictionary
 * number, then the raw deflate stream of before and after, each a 4-byte
 * little-endian length, 0xFFFFFFFF for NULL, and its bytes): into @before
 * and @after, malloc'd text or NULL.  False, both NULL, unless the bytes
 * are exactly one such stream with a known dictionary.
 */
bool dt_audit_unpack5(const unsigned char *p, size_t len, char **before, char **after);
/** The first event of audit format 5 (meta audit_v5_from; INT64_MAX when unset). */
enum dt_err dt_audit_v5_from(struct dt_store *s, int64_t *from, struct dt_strbuf *err);
/**
 * Read into the store what its writers follow: audit_v5_from, and the
 * first event that stores a tag of its hash unless its id is a multiple of
 * 16 (meta audit_tag_from, audit.c's head comment; INT64_MAX when unset).
 */
enum dt_err dt_audit_formats_load(struct dt_store *s, struct dt_strbuf *err);
/**
 * The whole hashes of the @n events @ids (any order; existing events) as
 * lower-case hex into @hex, recomputed from the nearest whole hash stored
 * before each: one forward pass for events near one another (an audit
 * list's page).  "" for an event that is missing or does not agree with
 * what it stores (verify names it).
 */
enum dt_err dt_audit_hashes_hex(struct dt_store *s, size_t n, const int64_t *ids, char (*hex)[65],
				struct dt_strbuf *err);
/**
 * An event's before and after as stored text, whatever its format, from
 * @st's row: columns @id, @before (-1: not read), @after and @packed;
 * @v5_from from dt_audit_v5_from().  Malloc'd text or NULL into @b and @a:
 * JSON, of a batch with its lists as differences when packed as bytes (the
 * JSON reader below gives them back whole).  False when a payload does not
 * unpack (the one that does is still given).
 */
bool dt_audit_column_texts(struct dt_db_stmt *st, int64_t v5_from, int id, int before, int after,
			   int packed, char **b, char **a);
/**
 * The same as JSON, every reader's way to an event's payloads: before and
 * after (NULL for none or a damaged one), batch lists whole again.
 */
bool dt_audit_column_payloads(struct dt_db_stmt *st, int64_t v5_from, int id, int before, int after,
			      int packed, json_t **b, json_t **a);
/** Free what format 5's writer keeps in @s (dt_store_close). */
void dt_audit_release(struct dt_store *s);
/**
 * The hash in column @i of @st's row (an audit hash column: 32 bytes, or
 * the hex text of an event written before migration 007 on SQLite) into
 * @out; false when the column holds no hash.
 */
bool dt_audit_column_hash(struct dt_db_stmt *st, int i, unsigned char out[32]);
/**
 * An event's action whole: @stored as the audit table holds it, and the
 * event's @entity.  A stored action without a dot is the verb of
 * "<entity>.<verb>" (audit.c's head comment), written into @buf; otherwise
 * (or with a NULL) @stored itself is returned.
 */
const char *dt_audit_action(const char *stored, const char *entity, char *buf, size_t size);
/**
 * The time in column @i of @st's row (an audit ts: milliseconds, or the
 * text of an event migration 010 could not convert) as
 * "YYYY-MM-DDTHH:MM:SS.mmmZ" into @out ("" for a NULL).
 */
void dt_audit_column_ts(struct dt_db_stmt *st, int i, char out[25]);
/**
 * The same as lower-case hex into @out; false (and "") when the column
 * holds no hash.
 */
bool dt_audit_column_hash_hex(struct dt_db_stmt *st, int i, char out[65]);
/**
 * Append @n events of @action on @entity at time @ts, with no before and
 * the given afters (canonical JSON, stored as given: a create's leaves out
 * what dt_audit_append() would) and regions (0: none), in one copy (db.h):
 * the same events, ids and hashes as n calls of dt_audit_append at @ts.
 */
enum dt_err dt_audit_append_batch(struct dt_store *s, const struct dt_actor *a, const char *ts,
				  const char *action, const char *entity, int n,
				  const int64_t *entity_ids, const char *const *afters,
				  const long *regions, struct dt_strbuf *err);
/*
 * crud.c: check text @str of @len bytes for field @f, as every text input
 * is: UTF-8 without NUL, not empty when required, at most the field's
 * length in characters.  DT_EINVAL with the fault (without the field's
 * name, e.g. "is too long (40000 characters; at most 2000)") added to @msg.
 */
enum dt_err dt_crud_text_check(const struct dt_field *f, const char *str, size_t len,
			       struct dt_strbuf *msg);
/* crud.c: a JSON string literal of the @n bytes at @t, as jansson writes it (UTF-8 kept). */
void dt_crud_json_string(struct dt_strbuf *sb, const char *t, size_t n);
/*
 * The value column of field @f stores for API value @v (a new reference):
 * an instant of a DT_FF_MS field as its milliseconds, a date of a
 * DT_FF_DAYNUM field as YYYYMMDD, a word of a DT_FF_CODE enum as its index,
 * a number of a DT_FF_CENTI field as its hundredths (integers), when it is
 * one exactly; anything else as it is (which such a column refuses).
 */
json_t *dt_crud_stored(const struct dt_field *f, json_t *v);
/* Bind instant @iso at @i as a DT_FF_MS column stores it: milliseconds. */
void dt_crud_bind_ms(struct dt_db_stmt *st, int i, const char *iso);
/* Room for what dt_crud_column_text() writes: an instant, a date, an enum's word. */
#define DT_CRUD_TEXT 32
/*
 * Column @i of @st's row (field @f, or NULL) as text, as the API shows it:
 * an INTEGER column of a DT_FF_MS field as "YYYY-MM-DDTHH:MM:SS.mmmZ", of
 * a DT_FF_DAYNUM field as "YYYY-MM-DD", of a DT_FF_CODE field as its word,
 * written into @buf; anything else as the database gives it.
 */
const char *dt_crud_column_text(const struct dt_field *f, struct dt_db_stmt *st, int i,
				char buf[DT_CRUD_TEXT]);
/* Column @i of @st's row (field @f, or NULL) as a number: a DT_FF_CENTI column's hundredths / 100. */
double dt_crud_column_real(const struct dt_field *f, struct dt_db_stmt *st, int i);
/* crud.c: read one row as the API shows it (scope NULL = all). */
enum dt_err dt_crud_get(struct dt_store *s, const struct dt_entity *e, const struct dt_scope *scope,
			int64_t id, unsigned flags, json_t **out, struct dt_strbuf *err);
/**
 * Coarsen object @o of @e (a record as the API shows it; changed in place)
 * for the reader of @s: nothing when the reader holds pii:read or @o is a
 * trainee's own record; otherwise personal identity numbers masked to their
 * first 4 characters and DT_FF_QUASI fields cut to their coarse grain.  The
 * one place that decides what a reader without pii:read sees of a record.
 */
void dt_crud_coarsen(const struct dt_store *s, const struct dt_entity *e, json_t *o);
/**
 * The same for an audit event as the audit list shows it ({entity, before,
 * after, region, hash, ...}): its objects coarsened as records of its
 * entity, its region as that record's, and no hash (a hash over the full
 * content would let a guess be checked).
 */
void dt_crud_coarsen_event(const struct dt_store *s, json_t *ev);
/**
 * Append " AND <scope condition>" for @e to @sql, binding values into @binds:
 * what @scope may read of @e, or with @write what it may change (entity.h's
 * scope rules).  Nothing for a NULL scope; " AND 0" where no rule lets it.
 */
void dt_crud_scope_sql(const struct dt_entity *e, const struct dt_scope *scope, bool write,
		       struct dt_strbuf *sql, json_t *binds);
/**
 * Check the scope rules against the entity table: every entity names a rule,
 * every party kind has an organisation and a trainee rule, no party rule
 * names another kind, none changes what it cannot read.  DT_EINTERNAL with
 * the fault in @why.
 */
enum dt_err dt_crud_scope_rules_check(struct dt_strbuf *why);
/**
 * After a scoped read of @e @id succeeded: DT_OK when @scope may also change
 * it, else DT_EDENIED (it is visible, so its existence is no secret).
 */
enum dt_err dt_crud_writable(struct dt_store *s, const struct dt_entity *e,
			     const struct dt_scope *scope, int64_t id, struct dt_strbuf *err);

/* crud.c, for list.c and coarsen.c: */
const struct dt_entity *dt_crud_find_entity(const char *name, struct dt_strbuf *err);
bool dt_crud_enum_has(const char *values, const char *v);
/* The index of @v among the '|'-separated @values (what a DT_FF_CODE column stores), or -1. */
int64_t dt_crud_enum_index(const char *values, const char *v);
/*
 * The SQL that reads field @f of @e: its column, or for a DT_FF_DERIVED
 * field the expression that gives its value (a static string; the column's
 * name when none is known).  Select lists, list filters and the records
 * check read a field through it.
 */
const char *dt_crud_field_sql(const struct dt_entity *e, const struct dt_field *f);
/* "SELECT <the fields of @e> FROM <its table>" into @sql, each as dt_crud_field_sql() reads it. */
void dt_crud_select_list(const struct dt_entity *e, struct dt_strbuf *sql);
/* The current row of @st (laid out by dt_crud_select_list) as an API object. */
int dt_crud_row_to_json(struct dt_store *s, const struct dt_entity *e, struct dt_db_stmt *st,
			unsigned flags, json_t **out, struct dt_strbuf *err);
void dt_crud_bind_all(struct dt_db_stmt *st, json_t *binds);
/* Run the statement @sql with @binds (no rows back); a failure is reported as about @what. */
enum dt_err dt_sql_write(struct dt_store *s, const char *sql, json_t *binds, const char *what,
			 struct dt_strbuf *err);
/*
 * Every row of @st (bound, not yet stepped; reset after) as a JSON object of
 * its columns (integers, reals, text, null), in *@out; a failure is about @what.
 */
enum dt_err dt_sql_rows_json(struct dt_store *s, struct dt_db_stmt *st, const char *what,
			     json_t **out, struct dt_strbuf *err);
/* As dt_sql_write(), *@id the id of the row an INSERT ... RETURNING id made. */
enum dt_err dt_sql_insert_id(struct dt_store *s, const char *sql, json_t *binds, const char *what,
			     int64_t *id, struct dt_strbuf *err);

/* coarsen.c, for list.c: */
/* Does @e have fields that dt_crud_coarsen() changes? */
bool dt_crud_has_coarse_fields(const struct dt_entity *e);

/*
 * rules.c: each entity's cross-field rules, run after the per-field checks.
 * @row holds the normalised new values (create) or the merged row (update);
 * @before is NULL at create.  A rule may add columns to @row (derived values)
 * and blobs to @blobs.  The rules themselves are src/domain's: this file
 * fetches their facts and records their problems in the store's.
 */
struct dt_blob {
	const char *col;
	unsigned char *data;
	size_t len;
};
struct dt_blobs {
	struct dt_blob b[4];
	int n;
};
enum dt_err dt_rules_apply(struct dt_store *s, const struct dt_actor *a, const struct dt_entity *e,
			   json_t *row, json_t *before, json_t *refs, struct dt_blobs *blobs,
			   struct dt_strbuf *err);
/**
 * Object @id of @e moved to @region: the objects that inherit their region
 * from it (directly or through a contract) move along.
 */
enum dt_err dt_rules_region_moved(struct dt_store *s, const struct dt_entity *e, int64_t id,
				  int region, struct dt_strbuf *err);
/** Rules that may refuse a delete of @row (raw columns). */
enum dt_err dt_rules_delete(struct dt_store *s, const struct dt_entity *e, json_t *row,
			    struct dt_strbuf *err);
/**
 * The raw row referred to by REF field @field of @row: from @refs (rows the
 * field checks already read) or read now.  Borrowed reference; NULL if the
 * field is null or the row is gone.
 */
json_t *dt_rules_ref(struct dt_store *s, const struct dt_entity *e, json_t *row, json_t *refs,
		     const char *field);

/* contract.c: has @t the shape of dt_time_now()'s text, with a real date? */
bool dt_time_shaped(const char *t);

/*
 * signoff.c: may @who sign entry @entry (its row as dt_crud_get gives it)?
 * Its mentor into *@mentor and @name (0 when a delegate signs), *@delegate;
 * a refusal is a problem in the store's problems.
 */
enum dt_err dt_signoff_check_one(struct dt_store *s, const struct dt_store_signer *who,
				 json_t *entry, int64_t *mentor, struct dt_strbuf *name,
				 bool *delegate, struct dt_strbuf *err);
/*
 * signoff.c: what a sign-off by @by stores in record_entry.signed_by
 * (migration 026), into *@stored: NULL where the read derives @by (crud.c's
 * dt_crud_field_sql), that is when @mentor (0: none) is set (@by is then
 * the name the caller read from the mentor's row in this transaction), or
 * when there is no mentor and @by is the login of @account_id (0: none);
 * @by itself otherwise.  *@stored is @by or NULL, nothing to free.
 */
enum dt_err dt_signoff_stored_by(struct dt_store *s, int64_t mentor, int64_t account_id,
				 const char *by, const char **stored, struct dt_strbuf *err);
/*
 * signoff.c: before mentor @mentor's name @name changes (in the caller's
 * transaction), write @name into the record-book entries it signed that
 * derive it (signed_by NULL), so each keeps the name it was signed with.
 * No value any reader sees changes: no audit event, no updated_at, and
 * no aggregate trigger (those of record_entry watch other columns).
 */
enum dt_err dt_signoff_freeze_names(struct dt_store *s, int64_t mentor, const char *name,
				    struct dt_strbuf *err);
/* A row of @table by id as a JSON object of raw columns; DT_ENOTFOUND if absent. */
enum dt_err dt_sql_row(struct dt_store *s, const char *table, int64_t id, json_t **out,
		       struct dt_strbuf *err);

/*
 * notify.c: the notifications of the store's own writes, made inside them
 * (dt_store_notify).  A contract submitted (@raw its row): its enterprise,
 * school and trainee accounts, to approve.  A record-book entry created
 * unsigned (@entry as shown): its site's organisation, one a day.  Alert
 * @id raised: the government and inspector accounts over its region, and
 * the organisations it is about (an organisation, or a contract's two).
 * Account @id made: itself.
 */
enum dt_err dt_notify_contract_submitted(struct dt_store *s, json_t *raw, struct dt_strbuf *err);
enum dt_err dt_notify_record_entry(struct dt_store *s, json_t *entry, struct dt_strbuf *err);
enum dt_err dt_notify_alert(struct dt_store *s, int64_t id, const struct dt_alert_in *in,
			    struct dt_strbuf *err);
enum dt_err dt_notify_account_created(struct dt_store *s, int64_t id, const char *login,
				      struct dt_strbuf *err);

/* finding.c: the time of a write now, on dt_store_set_today's day when one is set. */
void dt_store_now(const struct dt_store *s, char now[DT_TIME_STRLEN]);
/*
 * finding.c: the files @list (a JSON array of {hash, name} or of hash
 * strings; NULL: none) given on @field, checked: each a stored file that
 * @who uploaded (or, for an unrestricted caller, any stored file).  On
 * success *@out (always set; the caller frees it) is [{hash, name}] with
 * the names made safe.
 */
/* finding.c: the files linked to (@kind, @id), as [{hash, name, mime, size}], appended to @out. */
enum dt_err dt_attachment_links_json(struct dt_store *s, const char *kind, int64_t id, json_t *out,
				     struct dt_strbuf *err);
enum dt_err dt_attachment_files_arg(struct dt_store *s, const struct dt_account *who, json_t *list,
				    const char *field, json_t **out, struct dt_strbuf *err);
/* finding.c: link the files @files ([{hash, name}], checked) to (@kind, @id). */
enum dt_err dt_attachment_link_files(struct dt_store *s, const char *kind, int64_t id,
				     json_t *files, const char *now, struct dt_strbuf *err);
/* publicity.c: may @who see the files of case or pub_item @owner (@kind "case", "pub_item")? */
bool dt_publicity_owner_visible(struct dt_store *s, const struct dt_account *who, const char *kind,
				int64_t owner);

#endif
