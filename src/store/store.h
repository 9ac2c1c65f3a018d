/*
 * store.h - the one storage interface of dualtrack.
 *
 * Everything above this layer (engine, io, cli, http) reads and writes the
 * pilot's records through these functions only; no SQL leaks upward.  Objects
 * travel as jansson JSON objects whose fields are described by the entity
 * table (domain/entity.h), so the same description drives validation, SQL,
 * the CLI, the API and imports.
 *
 * Every write is one transaction that also appends an event to the audit
 * hash chain.  Bulk work may wrap many writes in dt_store_begin()/commit();
 * each write then runs in a savepoint and a failed write undoes only itself.
 *
 * One struct dt_store is one connection; it is not shared between threads.
 */
#ifndef DT_STORE_H
#define DT_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/secret.h"
#include "core/sign.h"
#include "core/strbuf.h"
#include "domain/contract.h"
#include "domain/finding.h"
#include "domain/mentor.h"
#include "domain/natid.h"

struct dt_store;
struct dt_problems;
struct dt_entity;

struct dt_scope;

/**
 * Who performs a write (recorded in the audit chain), and within what scope:
 * when @scope is set, every record a write refers to must be visible in it
 * (a reference outside it is "no such record"), and a trainee registered by
 * an organisation is marked as registered by it.
 */
struct dt_actor {
	const char *login;            /* "cli:root", "admin", ... never NULL */
	const char *request_id;       /* may be NULL */
	const struct dt_scope *scope; /* NULL: unrestricted (CLI, admin) */
};

/**
 * Whose data a read may see.  region 0 means the whole country; otherwise the
 * region and everything below it.  org_id / trainee_id narrow further to one
 * organisation's or one trainee's records when non-zero.  assessor_region is
 * set for an assessment body's staff only (org_id is then the body): the
 * region, its organisation's, whose contracts it assesses (crud.c's assessor
 * rule); everywhere else such a caller is an organisation party to nothing.
 */
struct dt_scope {
	int region;
	int64_t org_id;
	int64_t trainee_id;
	int assessor_region;
};

enum dt_store_flags {
	DT_STORE_CREATE = 1 << 0, /* create the file if absent (init) */
};

/**
 * Open (and with DT_STORE_CREATE create) the SQLite database at @path, apply
 * pending migrations, and check that @keys matches the key the database was
 * initialised with (keys may be NULL for commands that never touch personal
 * fields).  On success *@out owns the connection; free it with
 * dt_store_close().  Errors name the path.
 */
enum dt_err dt_store_open(struct dt_store **out, const char *path, const struct dt_keys *keys,
			  unsigned flags, struct dt_strbuf *err);
/** Close the connection (checkpointing the WAL); NULL is fine. */
void dt_store_close(struct dt_store *s);
/* ---- copying a pilot to another database (store/copy.c) ---- */

struct dt_copy_stats {
	int64_t rows;   /* rows copied, all tables */
	int64_t events; /* audit events verified on the target */
};
/**
 * Copy every record of @from into @to, a new and empty database of the same
 * schema version (SQLite to PostgreSQL or back): ids, the audit chain and
 * the settings kept, aggregates rebuilt by the target's own triggers, in one
 * transaction on the target; then check each table's row count and verify
 * the target's audit chain.  @progress (may be NULL) is told the rows done
 * of the total now and then.  Nothing is written to @to on failure.
 */
enum dt_err dt_store_copy(struct dt_store *from, struct dt_store *to, struct dt_copy_stats *stats,
			  void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
			  struct dt_strbuf *err);

/* ---- several servers on one database ---- */

/*
 * On PostgreSQL several `dualtrack serve` processes may share one database;
 * these let them act as one.  On SQLite (one file, one machine) a lock is
 * always got, a notification goes nowhere and a wait finds none.
 */
/* Notified at the commit of a sign-out, a revocation or a disabled account. */
#define DT_STORE_CHANNEL_AUTH "dualtrack_auth"
/* Session-level advisory locks that elect one server for a piece of work. */
#define DT_STORE_LOCK_ALERTS 0x6475616c01LL        /* the alert watcher */
#define DT_STORE_LOCK_ANCHOR 0x6475616c02LL        /* the checkpoint publisher */
#define DT_STORE_LOCK_JOB_BASE 0x6475616c1000000LL /* + a job id: the server running it */

/** May other processes write this database at the same time (PostgreSQL)? */
bool dt_store_shared(const struct dt_store *s);
/** Take lock @key for as long as the connection lives, if it is free. */
enum dt_err dt_store_try_lock(struct dt_store *s, int64_t key, bool *got, struct dt_strbuf *err);
void dt_store_unlock(struct dt_store *s, int64_t key);
/** Listen on @channel (this connection only). */
enum dt_err dt_store_listen(struct dt_store *s, const char *channel, struct dt_strbuf *err);
/** Wait up to @ms for a notification: 1 (payload in @payload), 0 none, -1 connection lost. */
int dt_store_wait_notify(struct dt_store *s, int ms, struct dt_strbuf *payload);
/**
 * A number that grows whenever anyone writes (the audit chain's last event):
 * how a server learns of writes made through another.
 */
enum dt_err dt_store_change_mark(struct dt_store *s, int64_t *mark, struct dt_strbuf *err);

/** @path as messages show it: a PostgreSQL URI without its password. */
void dt_store_path_shown(const char *path, struct dt_strbuf *out);
/** The database's size in bytes: *@db (file, or PostgreSQL database) and *@wal (SQLite's WAL). */
enum dt_err dt_store_size(struct dt_store *s, int64_t *db, int64_t *wal, struct dt_strbuf *err);
/** Is @path a PostgreSQL URI ("postgresql://..."), not a SQLite file? */
bool dt_store_is_pgsql(const char *path);
/**
 * Does the database at @path (a file, or a PostgreSQL URI) hold a dualtrack
 * database already?  A PostgreSQL database that exists but is empty does
 * not.
 */
enum dt_err dt_store_exists(const char *path, bool *exists, struct dt_strbuf *err);
/** The schema version (the number of migrations applied). */
int dt_store_schema_version(struct dt_store *s);

/**
 * The problems (domain/problem.h) of the last write: after a failed one,
 * every field at fault with its code and arguments (empty when the failure
 * was not about the input); after a successful one, its warnings (problems
 * with .warning set, e.g. "organization.region_uscc": an organisation whose
 * region differs from the one inside its USCC).  dt_problems_errors() tells
 * them apart.  Owned by the store, valid until its next write: a caller
 * that reports warnings reads them right after the write returned DT_OK.
 */
const struct dt_problems *dt_store_problems(const struct dt_store *s);
/**
 * Forget the problems of the last write: a caller that reads them for its
 * own call (the server, per request) so that an earlier one's never show.
 */
void dt_store_problems_clear(struct dt_store *s);
/**
 * The same as a JSON array of {"field", "code", "message"} (English; a
 * warning has "warning": true), owned
 * by the store and rebuilt by each call: for callers that copy problems into
 * a report.
 */
json_t *dt_store_field_errors(struct dt_store *s);

/*
 * A read snapshot: reads until dt_store_snapshot_end() see one state of the
 * database, and pay the cost of starting a read transaction once instead of
 * per statement.  Any write ends the snapshot first.  The server opens one
 * per turn of a worker's event loop.
 */
enum dt_err dt_store_snapshot_begin(struct dt_store *s, struct dt_strbuf *err);
void dt_store_snapshot_end(struct dt_store *s);

/**
 * Who reads through a connection, for what the store shows of personal data.
 *
 * A reader without pii:read gets every record that would help rebuild a
 * national ID coarsened, by every read of this interface (get, list, the
 * objects a write returns, the audit log, and so exports): the ID masked to
 * its first 4 characters, a birth date as its year ("2005"), a household
 * region as its city; and may filter or sort by those fields only at that
 * grain (DT_EINVAL naming the parameter otherwise).  A trainee reading
 * their own record sees it as stored.  The rule and its arithmetic are in
 * docs/API.md, "Personal data"; dt_crud_coarsen() applies it.
 */
struct dt_viewer {
	bool pii;            /* holds pii:read: records as stored */
	int64_t own_trainee; /* a trainee's own record (0: none), shown as stored */
};
/** Set the reader of @s until the next call; NULL: one with pii:read (the default). */
void dt_store_set_viewer(struct dt_store *s, const struct dt_viewer *v);
/** Does the reader of @s see personal data coarsened (no pii:read)? */
bool dt_store_coarse(const struct dt_store *s);

/* Explicit transactions for bulk work.  Nesting is not allowed. */
enum dt_err dt_store_begin(struct dt_store *s, struct dt_strbuf *err);
enum dt_err dt_store_commit(struct dt_store *s, struct dt_strbuf *err);
void dt_store_rollback(struct dt_store *s);

/* ---- generic CRUD over the entities of domain/entity.h ---- */

enum dt_read_flags {
	DT_READ_UNMASK = 1 << 0,   /* decrypt personal fields (the caller checked pii:read) */
	DT_READ_WRITABLE = 1 << 1, /* only within what the scope may change, not merely read */
};

/**
 * Create an object of @entity from the JSON object @in (borrowed).  Unknown
 * fields, missing required fields, wrong types and rule violations give
 * DT_EINVAL with every field at fault in dt_store_field_errors(); duplicates
 * give DT_ECONFLICT.  On success *@out (may be NULL) receives a new reference
 * to the stored object as dt_store_get() returns it.
 */
enum dt_err dt_store_create(struct dt_store *s, const struct dt_actor *a, const char *entity,
			    json_t *in, json_t **out, struct dt_strbuf *err);
/** Read one object; DT_ENOTFOUND if absent or outside @scope (NULL = all). */
enum dt_err dt_store_get(struct dt_store *s, const struct dt_scope *scope, const char *entity,
			 int64_t id, unsigned flags, json_t **out, struct dt_strbuf *err);
/**
 * As dt_store_get() (masked), but append the object as JSON text to @out
 * without building it: the same fields and values, for the hot read path.
 */
enum dt_err dt_store_get_text(struct dt_store *s, const struct dt_scope *scope, const char *entity,
			      int64_t id, struct dt_strbuf *out, struct dt_strbuf *err);
/*
 * dt_store_get_text() in two halves, so that a server's reads of one loop
 * turn share one round trip to the database: dt_store_get_text_send() queues
 * the read (scope and all) without waiting, and dt_store_get_text_receive()
 * takes the oldest read queued and appends its object to @out, or fails as
 * dt_store_get_text() would (DT_ENOTFOUND, DT_EDB).  The first receive
 * fetches every read queued, one query per entity and scope for all their
 * ids, the queries sent together before any answer is read.  Reads sent are received
 * in the order they were sent, each exactly once, before the read snapshot
 * ends.  dt_store_get_text_can_send() says whether a read of @entity can go
 * this way now: on PostgreSQL, for a reader of the fields as stored (not
 * coarsened), with room for one more; else use dt_store_get_text().
 */
bool dt_store_get_text_can_send(struct dt_store *s, const char *entity);
enum dt_err dt_store_get_text_send(struct dt_store *s, const struct dt_scope *scope,
				   const char *entity, int64_t id, struct dt_strbuf *err);
enum dt_err dt_store_get_text_receive(struct dt_store *s, struct dt_strbuf *out,
				      struct dt_strbuf *err);
/** Apply the fields of @patch (borrowed) to an object; rules as for create. */
enum dt_err dt_store_update(struct dt_store *s, const struct dt_actor *a,
			    const struct dt_scope *scope, const char *entity, int64_t id,
			    json_t *patch, json_t **out, struct dt_strbuf *err);
/** Delete an object; DT_ECONFLICT if others still refer to it or its state forbids it. */
enum dt_err dt_store_delete(struct dt_store *s, const struct dt_actor *a,
			    const struct dt_scope *scope, const char *entity, int64_t id,
			    struct dt_strbuf *err);

/** A list query.  Filters are field=value pairs (exact match; "region" means "within"). */
struct dt_query {
	const char *const *filters; /* name, value, name, value, ... */
	size_t nfilters;            /* number of pairs */
	const char *q;              /* free-text search over the entity's search fields */
	const char *sort;           /* a sortable field, "id" by default */
	bool desc;
	int limit;          /* 1..1000; 0 means 50 */
	const char *cursor; /* from a previous page's *next, or NULL */
	int64_t offset; /* rows to skip when there is no cursor (page numbers), 0..DT_LIST_OFFSET_MAX */
	bool total;     /* the caller wants the count of all matches too (dt_store_count) */
};

/* The deepest page a list jumps to by offset: further on, the cursor walks. */
#define DT_LIST_OFFSET_MAX 100000

/**
 * List objects of @entity within @scope.  *@items receives a new JSON array;
 * *@next a malloc'd cursor for the next page, or NULL on the last page.
 */
enum dt_err dt_store_list(struct dt_store *s, const struct dt_scope *scope, const char *entity,
			  const struct dt_query *q, json_t **items, char **next,
			  struct dt_strbuf *err);
/** Count the objects of @entity within @scope matching the filters of @q (q may be NULL). */
enum dt_err dt_store_count(struct dt_store *s, const struct dt_scope *scope, const char *entity,
			   const struct dt_query *q, int64_t *count, struct dt_strbuf *err);

/* ---- contracts and the record book ---- */

/**
 * Move contract @id by @ev (see domain/contract.h).  @party is the approving
 * party for DT_CEV_APPROVE.  @args (borrowed, may be NULL) carries:
 *   complete:  {"date"}
 *   dissolve:  {"date", "reason", "in_probation" (optional; derived from the
 *               probation period when absent)}
 *   transfer:  {"date", "enterprise_id" and/or "school_id", optional
 *               "company_mentor", "school_mentor", "programme_id"}; a linked
 *               successor contract is created in draft and returned in
 *               *@out as {"contract": ..., "successor": ...}.
 */
enum dt_err dt_store_contract_act(struct dt_store *s, const struct dt_actor *a,
				  const struct dt_scope *scope, int64_t id,
				  enum dt_contract_event ev, enum dt_party party, json_t *args,
				  json_t **out, struct dt_strbuf *err);
/**
 * The names of contract @id's parties and programme, for a reader who may see
 * the contract but not every record it names (an official of the city whose
 * contract has a school in another city): *@out a new object {"id",
 * "enterprise": {"id", "name"}, "school": {...}, "programme": {...} or null,
 * "trainee": {"id", "name"}}.  DT_ENOTFOUND when the contract is missing or
 * outside @scope.  Names only: the records themselves stay outside.
 */
enum dt_err dt_store_contract_parties(struct dt_store *s, const struct dt_scope *scope, int64_t id,
				      json_t **out, struct dt_strbuf *err);
/** Sign off record-book entry @id as the actor; signed entries are immutable. */
enum dt_err dt_store_record_signoff(struct dt_store *s, const struct dt_actor *a,
				    const struct dt_scope *scope, int64_t id, json_t **out,
				    struct dt_strbuf *err);
/**
 * The same, the sign-off stated as made at @at ("YYYY-MM-DDTHH:MM:SS.mmmZ",
 * not in the future, not before the entry's date; NULL: now): a record book
 * carried over with the times its sign-offs were made (the demo's history).
 * The audit event is of now, with @at in the entry's signed_at.  A bad @at
 * is DT_EINVAL.
 */
enum dt_err dt_store_record_signoff_at(struct dt_store *s, const struct dt_actor *a,
				       const struct dt_scope *scope, int64_t id, const char *at,
				       json_t **out, struct dt_strbuf *err);

/* ---- mentors and sign-off by the named mentor (store/signoff.c) ---- */

/** Who signs off: what kind of signer and through which account. */
struct dt_store_signer {
	enum dt_signer_kind kind; /* domain/mentor.h */
	int64_t account_id;       /* the signing account (0: none, the command line); its
				     mentor (account.mentor_id) is looked up */
	bool named; /* unrestricted: sign as the mentor the contract names (a carried-over
		       record book, the demo's history), a delegate where none is named */
};

/**
 * dt_store_record_signoff_at() as @who (NULL: an unrestricted delegate,
 * as the command line signs): the named mentor signs as itself (signed_by
 * its name, signed_mentor_id), an organisation's shared account as a
 * delegate (signed_delegate); refusals are problems (domain/mentor.h).
 */
enum dt_err dt_store_record_signoff_as(struct dt_store *s, const struct dt_actor *a,
				       const struct dt_scope *scope,
				       const struct dt_store_signer *who, int64_t id,
				       const char *at, json_t **out, struct dt_strbuf *err);

/* The most entries one bulk sign-off takes. */
#define DT_SIGNOFF_BATCH_MAX 5000

/**
 * Sign off the @n entries @ids as @who, all or nothing, in one transaction
 * with ONE audit event ("record_entry.signoff_batch", its after
 * {"ids": [...], "region": the first entry's, "set": the columns written});
 * store/coverage.c folds it into each entry's history.  The first entry
 * that may not be signed (missing or outside @scope: "signoff.missing";
 * signed already; not the caller's) refuses the whole batch, its problem
 * naming that id; nothing is written then.  *@out (may be NULL) gets
 * {"signed": n, "ids": [...], "signed_by", "signed_at", "delegate"}.
 */
enum dt_err dt_store_record_signoff_batch(struct dt_store *s, const struct dt_actor *a,
					  const struct dt_scope *scope,
					  const struct dt_store_signer *who, const int64_t *ids,
					  size_t n, json_t **out, struct dt_strbuf *err);

/**
 * Inside dt_store_begin()'s transaction, gather the audit events of the
 * creates of @entity (NULL: stop) made by @a into one event
 * "<entity>.create_batch" (entity_id NULL, after {"ids": [...], "cols":
 * {...}}: each row the create's after without its id, its nulls, a region
 * equal to the first row's, a created_at equal to the row before's and an
 * updated_at equal to its created_at; by column, each column the list of
 * the rows' values, null where a row has none, or the one value when all
 * rows have it; the rows of one region, the event's), written before any
 * other event or a row of another region, at
 * 1,000 rows and at the commit: a generated pilot's record books
 * (store/coverage.c folds the rows into each record).
 */
void dt_store_audit_defer(struct dt_store *s, const struct dt_actor *a, const char *entity);

/**
 * The same, entry @ids[i] signed as made at @ats[i] (as
 * dt_store_record_signoff_at(); NULL: now), the times listed in the
 * event's after as "at" beside "ids": a carried-over record book (the
 * demo's history).  A named signer (@who->named) signs as the mentor the
 * entries' contracts name for their site, one mentor for the batch.
 */
enum dt_err dt_store_record_signoff_batch_at(struct dt_store *s, const struct dt_actor *a,
					     const struct dt_scope *scope,
					     const struct dt_store_signer *who, const int64_t *ids,
					     const char *const *ats, size_t n, json_t **out,
					     struct dt_strbuf *err);

/**
 * The entries waiting for @who's sign-off within @scope, oldest first:
 * *@items an array of {id, contract_id, trainee_id, trainee_name, date,
 * site, hours, content, mentor}, @limit from @offset; *@total all of them.
 */
enum dt_err dt_store_record_waiting(struct dt_store *s, const struct dt_scope *scope,
				    const struct dt_store_signer *who, int64_t limit,
				    int64_t offset, json_t **items, int64_t *total,
				    struct dt_strbuf *err);

/**
 * The mentors within @scope with their load: *@items an array of {id, name,
 * kind, organization_id, organization, trainees (active contracts naming
 * the mentor), account (a login linked to it, or null)}, by organisation
 * and name.
 */
enum dt_err dt_store_mentor_load(struct dt_store *s, const struct dt_scope *scope, json_t **items,
				 struct dt_strbuf *err);

/**
 * Link account @login to mentor @mentor_id (0: unlink): the account must be
 * of the mentor's organisation (its scope) and of the matching role
 * (enterprise for a company mentor, school for a school mentor);
 * "mentor.account_org" otherwise.  Audited ("account.mentor").
 */
enum dt_err dt_store_account_mentor_set(struct dt_store *s, const struct dt_actor *a,
					const char *login, int64_t mentor_id,
					struct dt_strbuf *err);

/* ---- indicator aggregates (store/agg.c) ---- */

/**
 * Recompute the indicator aggregates from the facts (one write, audited as
 * "indicators.rebuild").  *@rows (may be NULL) receives the number of rows.
 */
enum dt_err dt_store_indicators_rebuild(struct dt_store *s, const struct dt_actor *a, int64_t *rows,
					struct dt_strbuf *err);
/**
 * Compare the maintained aggregates with a rebuild, changing nothing:
 * *@mismatches rows differ; *@sample receives up to 20 of them as a new JSON
 * array of {only_in, table, region, occ, key, period, value}.
 */
enum dt_err dt_store_indicators_verify(struct dt_store *s, int64_t *mismatches, json_t **sample,
				       struct dt_strbuf *err);
/** Called for each aggregate row: counter @key, @period (YYYYMM, YYYY00 or 0), @value. */
typedef void (*dt_agg_fn)(void *ctx, const char *key, int period, int64_t value);
/**
 * Every aggregate row of @region (0: the nation) and occupation @occ (0:
 * all) with a period up to @max_period, in no particular order.  With
 * @yearly, the counters summed per year instead (each reported as period
 * YYYY00, the "now" counters as 0): a few rows per counter, for whole years.
 */
enum dt_err dt_store_agg_read(struct dt_store *s, int region, int64_t occ, int max_period,
			      bool yearly, dt_agg_fn fn, void *ctx, struct dt_strbuf *err);

/* ---- monitoring (store/monitor.c) ---- */

/**
 * The targets in force for @region (0: the nation) and @year: a JSON object
 * indicator code -> {id, indicator, year, region, baseline, value, source},
 * source being "national", "province" or "pilot" (the most specific wins).
 */
enum dt_err dt_store_targets_effective(struct dt_store *s, int region, int year, json_t **out,
				       struct dt_strbuf *err);
/**
 * Set @region's (0: national defaults) targets for @year from @targets, an
 * array of {indicator, value, baseline}: all or nothing, each one audited.
 * Field errors are named "targets[i].field".  *@out: the saved targets.
 */
enum dt_err dt_store_targets_set(struct dt_store *s, const struct dt_actor *a, int region, int year,
				 json_t *targets, json_t **out, struct dt_strbuf *err);
/** Settings whose key starts with @prefix ("weight.", "alert."), as a JSON object key -> string. */
enum dt_err dt_store_settings(struct dt_store *s, const char *prefix, json_t **out,
			      struct dt_strbuf *err);
/** Set one setting (audited). */
enum dt_err dt_store_setting_set(struct dt_store *s, const struct dt_actor *a, const char *key,
				 const char *value, struct dt_strbuf *err);

/** An alert as a rule raises it. */
struct dt_alert_in {
	const char *rule;     /* "target_off_track", ... */
	const char *severity; /* info warning critical */
	const char *subject_kind;
	int64_t subject_id;
	const char *indicator; /* may be NULL */
	int region;
	double value, threshold;
	const char *message_zh, *message_en;
};
/**
 * Raise an alert, unless one for the same rule and subject is still open
 * or acknowledged (then its figures are refreshed).  *@raised tells which.
 */
enum dt_err dt_store_alert_raise(struct dt_store *s, const struct dt_actor *a,
				 const struct dt_alert_in *in, bool *raised, struct dt_strbuf *err);
/**
 * The records alert rule @rule finds off track on @today (YYYY-MM-DD) with
 * @threshold, as a new JSON array of rows (arrays of column values); see
 * store/monitor.c for each rule's columns.
 */
enum dt_err dt_store_alert_candidates(struct dt_store *s, const char *rule, const char *today,
				      double threshold, json_t **rows, struct dt_strbuf *err);
/** Acknowledge ("ack") or resolve ("resolve") alert @id within @scope, with an optional @note. */
enum dt_err dt_store_alert_act(struct dt_store *s, const struct dt_actor *a,
			       const struct dt_scope *scope, int64_t id, const char *action,
			       const char *note, json_t **out, struct dt_strbuf *err);

/* ---- supervision: inspection plans and the draw (store/inspection.c) ---- */

/*
 * Reads take @scope (NULL: all) and @viewer: the account id of an inspector
 * reading (0 otherwise), who also sees the plans whose pool holds him and
 * only the inspections he is drawn for.  A plan or inspection out of sight
 * is DT_ENOTFOUND, as a missing one.
 */

/**
 * Make a draft plan from @in: {"region": "210100" (a province or city within
 * the actor's scope), "year", "title", "object_kinds" ("enterprise,contract"
 * or an array), "sample_kind" ("count"|"rate"), "sample_value" (a count, or a
 * rate in (0, 1]), "cross_city" (bool), "weights" ({"base", "alert",
 * "quality", "finding", "max"}; defaults if absent), "inspectors" ([account
 * id | {"account": ID, "org_id": ID}]), "checklist" ([{"code", "text_zh",
 * "text_en" (optional), "basis"}], 1..DT_CHECKLIST_MAX items; absent: the
 * default checklist is copied in)}.  *@out: the plan (new reference).  Problems as any write's.
 */
enum dt_err dt_store_plan_create(struct dt_store *s, const struct dt_actor *a, json_t *in,
				 json_t **out, struct dt_strbuf *err);
/** Plan @id with its checklist and pool. */
enum dt_err dt_store_plan_get(struct dt_store *s, const struct dt_scope *scope, int64_t viewer,
			      int64_t id, json_t **out, struct dt_strbuf *err);
/** As dt_store_plan_get(), with the frozen candidates (weights, reasons) and the inspections. */
enum dt_err dt_store_plan_show(struct dt_store *s, const struct dt_scope *scope, int64_t viewer,
			       int64_t id, json_t **out, struct dt_strbuf *err);
/** The plans in sight, newest first (a new JSON array). */
enum dt_err dt_store_plan_list(struct dt_store *s, const struct dt_scope *scope, int64_t viewer,
			       json_t **out, struct dt_strbuf *err);
/**
 * Step plan @id: "commit" (freeze candidates and pool, make and seal the
 * seed, record seed_hash and inputs_hash; needs the key file), "draw" (write
 * the inspections), "reveal" (publish the seed), "start", "close" (only
 * when every inspection of the plan is done: else inspection.plan_open).  Audited.
 * *@out: the plan after it.
 */
enum dt_err dt_store_plan_act(struct dt_store *s, const struct dt_actor *a, int64_t id,
			      const char *action, json_t **out, struct dt_strbuf *err);
/**
 * Re-run the draw of plan @id from its published inputs and revealed seed
 * and compare with the recorded inspections.  *@report: {"plan", "ok",
 * "difference" (the first one, or null), "difference_at" (the same as
 * {"check": "seed"|"seed_hash"|"inputs_hash"|"inputs"|"object"|"inspectors"|
 * "extra"|"missing"|"result_hash", "draw_pos", "recorded", "rerun"}, or
 * null), "seed", "seed_hash", "inputs_hash",
 * "result_hash", "drawn", "candidates", "inspectors"}.  Problem
 * inspection.not_revealed before the reveal.  Needs no key file.
 */
enum dt_err dt_store_plan_verify(struct dt_store *s, const struct dt_scope *scope, int64_t viewer,
				 int64_t id, json_t **report, struct dt_strbuf *err);
/**
 * The enabled inspector accounts that may join the pool of a plan for
 * @region (a province or city the actor may plan for; else problem
 * inspection.scope or inspection.region_level): those of the region's
 * province, wherever in it (a cross-city plan needs inspectors from other
 * cities), and those with no region.  *@out: a new JSON array of {"id",
 * "login", "region", "city", "org_id"}, by login.
 */
enum dt_err dt_store_inspector_list(struct dt_store *s, const struct dt_actor *a, int region,
				    json_t **out, struct dt_strbuf *err);
/** The inspections in sight (of plan @plan_id, or all for 0), by plan and draw position. */
enum dt_err dt_store_inspection_list(struct dt_store *s, const struct dt_scope *scope,
				     int64_t viewer, int64_t plan_id, json_t **out,
				     struct dt_strbuf *err);
/** Inspection @id with its plan's checklist. */
enum dt_err dt_store_inspection_get(struct dt_store *s, const struct dt_scope *scope,
				    int64_t viewer, int64_t id, json_t **out,
				    struct dt_strbuf *err);

/* ---- look-ups ---- */

/** The trainee with national ID @natid (normalised), via the blind index. */
enum dt_err dt_store_trainee_by_natid(struct dt_store *s, const char *natid, int64_t *id,
				      struct dt_strbuf *err);
/** The organisation with USCC @uscc. */
enum dt_err dt_store_org_by_uscc(struct dt_store *s, const char *uscc, int64_t *id,
				 struct dt_strbuf *err);
/** The occupation with code @code. */
enum dt_err dt_store_occupation_by_code(struct dt_store *s, const char *code, int64_t *id,
					struct dt_strbuf *err);

/* ---- accounts, sessions and tokens ---- */

/** A signed-in user as the HTTP layer needs it. */
struct dt_account {
	int64_t id;
	char login[65];
	char role[16]; /* admin national province city school enterprise trainee inspector
			 assessor */
	struct dt_scope scope;
	bool disabled;
	bool must_change; /* must set a new password before anything else (account_profile) */
	bool org_admin;   /* school/enterprise: its organisation's administrator */
};

/**
 * Add an account.  @scope is what the role is limited to: a region code for
 * province, city and inspector (optional for national: the whole country),
 * an organisation (its USCC or "org:ID") for school and enterprise, a trainee
 * (national ID or "trainee:ID") for trainee; none for admin.  The password is
 * hashed with argon2id.  DT_EINVAL names the argument at fault.
 */
enum dt_err dt_store_account_add(struct dt_store *s, const struct dt_actor *a, const char *login,
				 const char *role, const char *scope, const char *password,
				 int64_t *id, struct dt_strbuf *err);
/** All accounts as a JSON array (no password hashes). */
enum dt_err dt_store_account_list(struct dt_store *s, json_t **out, struct dt_strbuf *err);
/** Enable or disable @login; disabling revokes its sessions and tokens. */
enum dt_err dt_store_account_disable(struct dt_store *s, const struct dt_actor *a,
				     const char *login, bool disabled, struct dt_strbuf *err);
/** Set a new password for @login; revokes its sessions. */
enum dt_err dt_store_account_passwd(struct dt_store *s, const struct dt_actor *a, const char *login,
				    const char *password, struct dt_strbuf *err);
/**
 * Check @login and @password.  DT_EDENIED for an unknown login, a wrong
 * password or a disabled account alike (no enumeration); the hash is
 * computed even for unknown logins so that timing does not tell.
 */
enum dt_err dt_store_account_login(struct dt_store *s, const char *login, const char *password,
				   struct dt_account *out, struct dt_strbuf *err);
/**
 * The account @login and its password hash (argon2id, as stored), for a
 * caller that verifies the password elsewhere (the server, off its event
 * loops).  DT_ENOTFOUND when there is no such login.
 */
enum dt_err dt_store_account_secret(struct dt_store *s, const char *login, struct dt_account *out,
				    char hash[DT_PWHASH_LEN], struct dt_strbuf *err);

/**
 * Create a session or API token for account @account_id valid for @seconds.
 * @token receives the secret (shown once), @csrf (sessions only, may be
 * NULL) a CSRF token.  *@cred_id the credential's id.
 */
enum dt_err dt_store_credential_create(struct dt_store *s, const struct dt_actor *a,
				       int64_t account_id, const char *kind, int64_t seconds,
				       char token[DT_TOKEN_LEN], char csrf[DT_TOKEN_LEN],
				       int64_t *cred_id, struct dt_strbuf *err);
/** A credential found by its secret. */
struct dt_credential {
	int64_t id;
	char kind[8];
	char csrf[DT_TOKEN_LEN];
	char expires_at[32];
	struct dt_account account;
};
/**
 * Look up @token: DT_EDENIED if unknown, expired, revoked or its account is
 * disabled (with the reason in @err for the log, not for the client).
 */
enum dt_err dt_store_credential_check(struct dt_store *s, const char *token,
				      struct dt_credential *out, struct dt_strbuf *err);
/** Revoke credential @id. */
enum dt_err dt_store_credential_revoke(struct dt_store *s, const struct dt_actor *a, int64_t id,
				       struct dt_strbuf *err);

/* ---- account management, delegated (store/account_mgmt.c; domain/delegation.h) ---- */

#define DT_ACTIVATION_LEN 15 /* "ABCD-EFGH-JKMN" + NUL: a one-time activation code */

/**
 * Accounts that @mgr may manage, by id, @q's filters: role, disabled
 * (true/false), q (in the login or display name); cursor and limit as for
 * lists.  Each {id, login, role, display_name, email, phone, disabled,
 * must_change_password, org_admin, scope: {region, organization_id,
 * trainee_id}, created_at, updated_at}.
 */
enum dt_err dt_store_accounts_list(struct dt_store *s, const struct dt_account *mgr,
				   const struct dt_query *q, json_t **items, char **next,
				   struct dt_strbuf *err);
/** Account @id as listed, or DT_ENOTFOUND when missing or outside @mgr's delegation. */
enum dt_err dt_store_accounts_get(struct dt_store *s, const struct dt_account *mgr, int64_t id,
				  json_t **out, struct dt_strbuf *err);
/**
 * Create an account from @in {login, role, scope (as `user add --scope`),
 * display_name, email, phone, org_admin} within @mgr's delegation; it has
 * no password but the one-time activation code put in @code (valid 30
 * days), and must set a password at activation.  Problems (catalogue codes)
 * name the field; outside the delegation DT_EDENIED (account.not_delegated).
 */
enum dt_err dt_store_accounts_create(struct dt_store *s, const struct dt_actor *a,
				     const struct dt_account *mgr, json_t *in, json_t **out,
				     char code[DT_ACTIVATION_LEN], struct dt_strbuf *err);
/**
 * Change account @id: display_name, email, phone (null clears), disabled
 * (true/false; disabling revokes its credentials).  DT_ENOTFOUND outside
 * @mgr's delegation.
 */
enum dt_err dt_store_accounts_change(struct dt_store *s, const struct dt_actor *a,
				     const struct dt_account *mgr, int64_t id, json_t *in,
				     json_t **out, struct dt_strbuf *err);
/**
 * Reset account @id: its password no longer works, its sessions and tokens
 * are revoked, and a new one-time activation code (in @code, valid 30 days)
 * lets its owner set a password.  DT_ENOTFOUND outside @mgr's delegation.
 */
enum dt_err dt_store_accounts_reset(struct dt_store *s, const struct dt_actor *a,
				    const struct dt_account *mgr, int64_t id, json_t **out,
				    char code[DT_ACTIVATION_LEN], struct dt_strbuf *err);
/**
 * Accounts with activation codes for trainees of @mgr's school: @ids (a
 * JSON array of trainee ids), or every one of its trainees without an
 * account when @ids is NULL.  All or nothing: a trainee not the school's or
 * already with an account is a problem naming it.  *@out: [{id, login,
 * display_name, trainee_id, activation_code, activation_expires}].
 */
enum dt_err dt_store_accounts_bulk(struct dt_store *s, const struct dt_actor *a,
				   const struct dt_account *mgr, json_t *ids, json_t **out,
				   struct dt_strbuf *err);
/**
 * Does @code activate @login (a live, unexpired activation code)?  DT_OK
 * with the account in @out; DT_EDENIED otherwise, alike for any reason.
 */
enum dt_err dt_store_account_code_check(struct dt_store *s, const char *login, const char *code,
					struct dt_account *out, struct dt_strbuf *err);
/**
 * Set account @id's password to @password (checked as core/password.h,
 * problems password.*), clearing must-change and any activation code, and
 * revoke its sessions but @keep_cred (0: all).  Audited as account.passwd.
 */
enum dt_err dt_store_account_set_password(struct dt_store *s, const struct dt_actor *a, int64_t id,
					  const char *password, int64_t keep_cred,
					  struct dt_strbuf *err);
/**
 * Check an e-mail address and a phone number (either may be NULL) as account
 * management does (domain/field.h); DT_EINVAL naming the one at fault.
 */
enum dt_err dt_store_account_contact_check(const char *email, const char *phone,
					   struct dt_strbuf *err);
/** Set account @id's e-mail and phone (NULL: left as they are), audited as account.update. */
enum dt_err dt_store_account_contact(struct dt_store *s, const struct dt_actor *a, int64_t id,
				     const char *email, const char *phone, struct dt_strbuf *err);
/** The profile of account @id: display name, e-mail, phone, as listed (new reference). */
enum dt_err dt_store_account_profile(struct dt_store *s, int64_t id, json_t **out,
				     struct dt_strbuf *err);
/** The live sessions of account @id, newest first: [{id, created_at, expires_at}]. */
enum dt_err dt_store_sessions_list(struct dt_store *s, int64_t account_id, json_t **out,
				   struct dt_strbuf *err);
/** Revoke session @cred_id of account @account_id; DT_ENOTFOUND if not its live session. */
enum dt_err dt_store_session_revoke_own(struct dt_store *s, const struct dt_actor *a,
					int64_t account_id, int64_t cred_id, struct dt_strbuf *err);

/**
 * Audit events, newest first, within @scope (events without a region are
 * seen by unscoped readers only).  Filters: entity, entity_id, actor,
 * action, from, to (ISO times); cursor as for lists.
 */
enum dt_err dt_store_audit_list(struct dt_store *s, const struct dt_scope *scope,
				const struct dt_query *q, json_t **items, char **next,
				struct dt_strbuf *err);

/* ---- audit and integrity ---- */

/**
 * Append an event for a read or an action that is not a row write (e.g. an
 * unmasked read).  @before and @after are borrowed and may be NULL.
 */
enum dt_err dt_store_audit(struct dt_store *s, const struct dt_actor *a, const char *action,
			   const char *entity, int64_t entity_id, json_t *before, json_t *after,
			   struct dt_strbuf *err);
/**
 * Recompute the whole chain.  DT_OK with *@checked events, or DT_ECORRUPT
 * with @err naming the first event that was edited, removed or reordered.
 */
enum dt_err dt_store_audit_verify(struct dt_store *s, int64_t *checked, struct dt_strbuf *err);

/**
 * The head of a verified chain as a checkpoint to sign: event id and hash,
 * the time now, and the database's identity (its data-key fingerprint, "-"
 * without one).  DT_ECORRUPT as dt_store_audit_verify() when the chain
 * does not verify.
 */
enum dt_err dt_store_audit_head(struct dt_store *s, struct dt_checkpoint *cp,
				struct dt_strbuf *err);
/**
 * Whether the chain still extends checkpoint @cp (whose signature the
 * caller checked): the chain recomputes up to its head and the event at
 * the checkpoint's id is there with the checkpoint's hash.  DT_ECORRUPT
 * naming the event otherwise; *@checked the events recomputed.
 */
enum dt_err dt_store_audit_extends(struct dt_store *s, const struct dt_checkpoint *cp,
				   int64_t *checked, struct dt_strbuf *err);
/**
 * Compare every audited record with what the audit trail says was last
 * written to it (store/coverage.c): a line per finding (table, id, field)
 * appended to @report, at most @max of them; *@found the number found,
 * *@records the records compared.  DT_OK even when records differ (the
 * caller judges *@found); an error only when the check could not run.
 */
enum dt_err dt_store_records_check(struct dt_store *s, struct dt_strbuf *report, int64_t max,
				   int64_t *found, int64_t *records, struct dt_strbuf *err);

/**
 * Record @id of @entity as its audit events say it is now (the fold that
 * dt_store_records_check() compares with): *@out a new object, or NULL
 * when no event carries its content or the last one deleted it; *@last the
 * last event that carried content.
 */
enum dt_err dt_store_audit_fold(struct dt_store *s, const char *entity, int64_t id, json_t **out,
				int64_t *last, struct dt_strbuf *err);

/** Integrity checks of `dualtrack check`, one line each appended to @report. */
enum dt_err dt_store_check(struct dt_store *s, struct dt_strbuf *report, struct dt_strbuf *err);

/**
 * Run a read-only aggregate query for reports; the engine's escape hatch for
 * summaries.  @name selects one of the store's named queries (see
 * store/queries.c); *@out receives a JSON array of row objects.
 */
enum dt_err dt_store_report(struct dt_store *s, const char *name, const struct dt_scope *scope,
			    json_t **out, struct dt_strbuf *err);

/* ---- bulk import and background jobs (store/bulk.c, store/jobs.c) ---- */

/**
 * A savepoint around the writes of one imported row, inside an explicit
 * transaction (dt_store_begin): dt_store_row_end() keeps them (@keep) or
 * undoes them all, audit events included.
 */
enum dt_err dt_store_row_begin(struct dt_store *s, struct dt_strbuf *err);
enum dt_err dt_store_row_end(struct dt_store *s, bool keep, struct dt_strbuf *err);

/*
 * The bulk path for trainees, which imports take for every row that is
 * certain to pass: the row is checked and prepared (ID sealed, blind-indexed
 * and masked; the audit event's "after" text built) without the database,
 * on the import's parser thread, so that the writer only inserts.  A row
 * that dt_trainee_prepare() declines goes through dt_store_create(), which
 * says why it fails.  The result is the same record and the same audit
 * event as dt_store_create() makes (a test holds the two paths equal).
 */
struct dt_trainee_new {
	int64_t id;                         /* set by dt_store_trainee_insert() */
	char national_id[DT_NATID_LEN + 1]; /* normalised, in clear: sealed below */
	char masked[DT_NATID_LEN + 1];
	unsigned char enc[DT_NATID_LEN + DT_SEAL_OVERHEAD];
	unsigned char blind[DT_BLIND_LEN];
	char gender[2];
	char birth_date[DT_DATE_STRLEN];
	const char *name; /* required; the rest NULL when empty */
	const char *phone, *email, *guardian_name;
	int region;
	int64_t registered_by;           /* 0: none */
	char created_at[DT_TIME_STRLEN]; /* set by dt_store_trainee_insert(): the batch's time */
	struct dt_strbuf
		after; /* the audit event's after (canonical JSON, as a create's leaves it) */
	bool conflict; /* dt_store_trainee_insert: the ID was taken */
};
/**
 * Check and complete @t, whose national_id, name, optional texts, region and
 * registered_by the caller filled in from a file: the ID's own check, the
 * gender and birth date given (@gender "M"/"F" and @birth "YYYY-MM-DD", NULL
 * when not given) agreeing with it, the age on @today (16 at least; a
 * guardian under 18), every text valid UTF-8 within its field's length and
 * free of control characters.  Then seals, blind-indexes and masks the ID
 * with @keys and builds t->after: what the create's audit event stores
 * (store/audit.c: the id, the region, the times and null fields left out;
 * the event's columns say them).
 * Returns DT_OK, or DT_EINVAL when any of it fails (no message: the general
 * path gives it).  Touches no database; safe on any thread.
 */
enum dt_err dt_trainee_prepare(const struct dt_keys *keys, struct dt_date today, const char *gender,
			       const char *birth, struct dt_trainee_new *t);
/** The store's keys for dt_trainee_prepare() (NULL without a key file); they live as long as @s. */
const struct dt_keys *dt_store_keys(struct dt_store *s);
/** Set bit (code % 8) of @bits[code / 8] for every region code in the table. */
#define DT_REGION_BITMAP_BYTES 125000 /* codes below 1,000,000 */
enum dt_err dt_store_region_bitmap(struct dt_store *s, unsigned char *bits, struct dt_strbuf *err);
/**
 * Insert the @n (at most DT_TRAINEE_BATCH) prepared trainees @t and their
 * audit events, inside dt_store_begin(), with the next ids (each t[i]->id
 * set), as dt_store_create() would give them: the trainees in one copy and
 * the events in another (db.h), so that on PostgreSQL a batch costs a few
 * round trips, not one per row or per INSERT.  A trainee whose ID is
 * already registered is left out (t[i]->conflict set; the message to give
 * is DT_TRAINEE_TAKEN) and the others go in: the copy fails whole, and
 * INSERTs of a few rows, then of one, find which.  Other failures are the
 * database's, and may leave part of the batch written: the caller rolls
 * the transaction back.
 */
#define DT_TRAINEE_BATCH 4096
#define DT_TRAINEE_TAKEN "a trainee with this ID is already registered"
enum dt_err dt_store_trainee_insert(struct dt_store *s, const struct dt_actor *a,
				    struct dt_trainee_new *const *t, int n, struct dt_strbuf *err);

/*
 * Background job rows (table job).  Not audited: the records a job writes
 * are.  Progress between start and finish is kept by the jobs engine in
 * memory; a row says queued, running, succeeded, failed or cancelled.
 */
/**
 * Record queued job @id (given by the jobs engine, see dt_store_job_max_id)
 * of @kind ("import") on @entity for @owner; a second call for the same id
 * is a no-op.  With @nowait it fails at once (DT_EDB) instead of waiting
 * while another connection holds the write lock (a running import).
 */
enum dt_err dt_store_job_create(struct dt_store *s, int64_t id, const char *kind,
				const char *entity, const char *owner, json_t *params,
				const char *created_at, bool nowait, struct dt_strbuf *err);
/** The largest job id ever given (0 for none): new ids go above it. */
enum dt_err dt_store_job_max_id(struct dt_store *s, int64_t *id, struct dt_strbuf *err);
/** Queued -> running, with its start time. */
enum dt_err dt_store_job_start(struct dt_store *s, int64_t id, struct dt_strbuf *err);
/** The end: @status, progress, counts (borrowed, may be NULL), error and report (may be NULL). */
enum dt_err dt_store_job_finish(struct dt_store *s, int64_t id, const char *status, int64_t done,
				int64_t total, json_t *counts, const char *error,
				const char *report, size_t report_len, struct dt_strbuf *err);
/** One job as JSON (without its report; "has_report" says whether there is one). */
enum dt_err dt_store_job_get(struct dt_store *s, int64_t id, json_t **out, struct dt_strbuf *err);
/** The newest @limit jobs of @owner (NULL: everyone's) as a JSON array. */
enum dt_err dt_store_job_list(struct dt_store *s, const char *owner, int limit, json_t **out,
			      struct dt_strbuf *err);
/** Append job @id's report (CSV) to @out; DT_ENOTFOUND if it has none. */
enum dt_err dt_store_job_report(struct dt_store *s, int64_t id, struct dt_strbuf *out,
				struct dt_strbuf *err);
/**
 * Mark the queued or running jobs that no process runs any more failed with
 * @why (at start-up); *@n how many.  On SQLite that is every one of them (one
 * server per file); on PostgreSQL, where other servers may be running
 * theirs, only those whose lock (DT_STORE_LOCK_JOB_BASE + id) is free.
 */
enum dt_err dt_store_job_recover(struct dt_store *s, const char *why, int64_t *n,
				 struct dt_strbuf *err);
/**
 * A job id no other server will give (PostgreSQL: the job table's
 * sequence); 0 on SQLite, where the one server counts them itself.
 */
enum dt_err dt_store_job_next_id(struct dt_store *s, int64_t *id, struct dt_strbuf *err);
/**
 * Running job @id's progress into its row, at once and without the writers'
 * lock (PostgreSQL: so that other servers show it while the import holds
 * that lock; SQLite's file lock allows no such write, and there the server
 * that runs the job is the only one).
 */
enum dt_err dt_store_job_progress(struct dt_store *s, int64_t id, int64_t done, int64_t total,
				  struct dt_strbuf *err);

/* ---- supervision: conducted inspections, findings, rectification, files (store/finding.c) ---- */

/*
 * The functions below take the caller's account @who (NULL: the CLI,
 * unrestricted and acting as no inspector nor organisation).  What @who may
 * not see answers DT_ENOTFOUND, as what does not exist; who may act is
 * domain/finding.h's rule (the drawn inspectors record and verify, the
 * responsible organisation's accounts rectify), refused with DT_EDENIED.
 * Writes append their audit events (with the files' hashes) in the same
 * transaction; refusals are in dt_store_problems().
 */

/** Filters of dt_store_finding_list (zero / NULL: any). */
struct dt_finding_filter {
	const char *status;   /* open, rectifying, submitted, closed */
	const char *severity; /* general, serious, grave (or 一般, 较重, 严重) */
	int region;           /* within this region */
	int64_t inspection_id, org_id;
	bool overdue;  /* only overdue findings (domain/finding.h) */
	int64_t after; /* ids after this one (the cursor) */
	int limit;     /* 1..1000, 0: 100 */
};

/**
 * Inspection @id as conducted: its row ({id, plan_id, object_kind,
 * object_id, city, org_id, inspector_a, inspector_b, status, visited_on,
 * conclusion, publishable, region, updated_at}) with "checks" {code:
 * {result, remark}} and "attachments" [{hash, name, mime, size}].
 */
enum dt_err dt_store_inspection_conducted(struct dt_store *s, const struct dt_account *who,
					  int64_t id, json_t **out, struct dt_strbuf *err);
/**
 * Record what an inspector of inspection @id found: @body {visited_on,
 * checks: [{code, result, remark}], conclusion, attachments: [{hash, name}],
 * status: "in_progress" | "done"}, every member optional.  The first record
 * moves a planned inspection to in_progress; "done" requires every
 * checklist item answered, a visit date and a conclusion, and marks the
 * inspection publishable when all its findings are closed.  *@out as
 * dt_store_inspection_conducted.
 */
enum dt_err dt_store_inspection_record(struct dt_store *s, const struct dt_actor *a,
				       const struct dt_account *who, int64_t id, json_t *body,
				       json_t **out, struct dt_strbuf *err);
/**
 * A finding recorded by an inspector of @body's inspection_id: {inspection_id,
 * severity, description, deadline, org_id (for a pilot task; else the
 * inspection's organisation), check_code, attachments}.  *@out as
 * dt_store_finding_get.
 */
enum dt_err dt_store_finding_create(struct dt_store *s, const struct dt_actor *a,
				    const struct dt_account *who, json_t *body, json_t **out,
				    struct dt_strbuf *err);
/**
 * Finding @id: its row, "days_left", "overdue", "colour", "attachments" and
 * "rectifications" (each with its decision and attachments).
 */
enum dt_err dt_store_finding_get(struct dt_store *s, const struct dt_account *who, int64_t id,
				 json_t **out, struct dt_strbuf *err);
/** The findings @who sees that pass @flt (may be NULL), by id, with the derived fields. */
enum dt_err dt_store_finding_list(struct dt_store *s, const struct dt_account *who,
				  const struct dt_finding_filter *flt, json_t **items,
				  struct dt_strbuf *err);
/* At most this many findings in one report (dt_store_finding_report). */
#define DT_FINDING_REPORT_MAX 100000
/**
 * Every finding @who sees that passes @flt (may be NULL; its after and limit
 * are ignored), by id, as dt_store_finding_list() gives them, each with the
 * names a report shows: "plan_title", "object_name" (an enterprise, school
 * or pilot task; null for a contract, named by its number), "org_name",
 * "region_name", "inspector_a_login", "inspector_b_login" (null for a
 * school or enterprise caller), "check_text" (the checklist item's wording
 * in the plan) (null when unknown), in English where @en and the record has an English name.
 * More than DT_FINDING_REPORT_MAX answers DT_EINVAL (finding.report_too_many).
 * The caller owns *@items.
 */
enum dt_err dt_store_finding_report(struct dt_store *s, const struct dt_account *who,
				    const struct dt_finding_filter *flt, bool en, json_t **items,
				    struct dt_strbuf *err);
/**
 * The responsible organisation starts rectifying (@ev DT_FEV_START, @body
 * ignored) or submits a rectification (DT_FEV_SUBMIT, @body {body,
 * attachments}).
 */
enum dt_err dt_store_finding_rectify(struct dt_store *s, const struct dt_actor *a,
				     const struct dt_account *who, int64_t id,
				     enum dt_finding_event ev, json_t *body, json_t **out,
				     struct dt_strbuf *err);
/**
 * An inspector of the finding's inspection decides on the submitted
 * rectification: @body {decision: "accepted"} closes the finding (销号);
 * {decision: "rejected", reason, new_deadline} sends it back to rectifying
 * with the new deadline.
 */
enum dt_err dt_store_finding_decide(struct dt_store *s, const struct dt_actor *a,
				    const struct dt_account *who, int64_t id, json_t *body,
				    json_t **out, struct dt_strbuf *err);

/**
 * The supervision indicators of @region (0: the nation) for the plans of
 * @year, as of @today (YYYY-MM-DD), rolled up over every city within it:
 * {region, year, inspections: {drawn, conducted, done, objects_inspected,
 * objects_eligible}, coverage (objects of done inspections / the distinct
 * candidate objects of the year's plans), findings_by_severity {general,
 * serious, grave}, findings_per_inspection {general, serious, grave, total}
 * (per conducted inspection), findings {total, closed, due, overdue},
 * closure_rate (closed / due, due being closed or past the deadline),
 * overdue_findings}.  A share whose denominator is 0 is null.
 */
enum dt_err dt_store_supervision_indicators(struct dt_store *s, int region, int year,
					    const char *today, json_t **out, struct dt_strbuf *err);

/**
 * Take @d as today in the supervision writes above (visit dates, deadlines
 * and the times they record: created, submitted, decided, closed), NULL:
 * the clock again.  For a generator writing a year of supervision history
 * (the demo pilot); the audit events keep the real time of the write.
 */
void dt_store_set_today(struct dt_store *s, const struct dt_date *d);

/** A stored evidence file as served. */
struct dt_attachment_file {
	char mime[32];         /* as sniffed at upload */
	struct dt_strbuf name; /* made safe (domain/attachment.h) */
	struct dt_strbuf content;
};

/**
 * Store the file @data[0..@len) uploaded by @who under @name (made safe):
 * refused unless domain/attachment.h accepts it; kept once by its
 * BLAKE2b-256 hash.  *@out {hash, mime, size, name}.
 */
enum dt_err dt_store_attachment_put(struct dt_store *s, const struct dt_actor *a,
				    const struct dt_account *who, const unsigned char *data,
				    size_t len, const char *name, json_t **out,
				    struct dt_strbuf *err);
/**
 * The file of @hash (64 hex digits) if @who may see it (uploaded it, or sees
 * what it is attached to), appended to @out's strbufs (initialised by the
 * caller); DT_ENOTFOUND otherwise.
 */
enum dt_err dt_store_attachment_get(struct dt_store *s, const struct dt_account *who,
				    const char *hash, struct dt_attachment_file *out,
				    struct dt_strbuf *err);

/* ---- notifications (store/notify.c; docs/NOTIFY.md) ---- */

/** Who receives a notification: resolved to enabled accounts by role and scope. */
enum dt_notify_to_kind {
	DT_NOTIFY_TO_ACCOUNT, /* the account @id */
	DT_NOTIFY_TO_ORG,     /* the school and enterprise accounts of organisation @id */
	DT_NOTIFY_TO_TRAINEE, /* the trainee accounts of trainee @id */
	DT_NOTIFY_TO_REGION,  /* the government and inspector accounts whose region holds @id
			       * (region 0: those of the whole country only) */
};
struct dt_notify_to {
	enum dt_notify_to_kind kind;
	int64_t id;
};
/** What a notification says and what it links to. */
struct dt_notice {
	const char *kind;   /* contract_approval record_signoff alert finding_due account_created
			    * case_reviewed */
	const char *code;   /* a catalogue code "notify.*" */
	json_t *args;       /* its named arguments (borrowed; strings and integers) */
	const char *entity; /* the thing it is about (may be NULL) ... */
	int64_t entity_id;  /* ... and its id */
	const char *dedup;  /* once per account and this key (NULL: always) */
};
/**
 * Notify every account that @to (@nto selectors) resolves to, each once:
 * a notification in its inbox and an outbox row for each channel it chose
 * (e-mail, webhook).  Inside a write (the thing that causes it) it joins
 * that write's transaction; otherwise it is a write of its own.  An account
 * that already has a notification with @n's dedup key gets none.  *@made
 * (may be NULL) the notifications made.  The one door for every event: the
 * store's writes call it, and so may new ones.
 */
enum dt_err dt_store_notify(struct dt_store *s, const struct dt_notify_to *to, size_t nto,
			    const struct dt_notice *n, int *made, struct dt_strbuf *err);
/**
 * Notify now, as if it had just happened, of @entity @id: "alert" (raised:
 * the officials over its region and the organisations it is about),
 * "contract" (waiting for its parties' approval) or "record_entry" (waiting
 * for its site's sign-off; none once signed).  For a pilot whose accounts
 * were made after its history (the demo).  DT_ENOTFOUND for a missing one.
 */
enum dt_err dt_store_notify_replay(struct dt_store *s, const char *entity, int64_t id,
				   struct dt_strbuf *err);
/** The enabled accounts @to resolves to, as a new JSON array of ids, ascending. */
enum dt_err dt_store_notify_recipients(struct dt_store *s, const struct dt_notify_to *to,
				       size_t nto, json_t **ids, struct dt_strbuf *err);
/**
 * Account @account's inbox, unread first then newest first, @limit (1..200)
 * from @offset: *@out {items: [{id, kind, code, args, entity, entity_id,
 * created_at, read_at}], total, unread}.
 */
enum dt_err dt_store_notify_list(struct dt_store *s, int64_t account, int limit, int64_t offset,
				 json_t **out, struct dt_strbuf *err);
/** Mark @account's notification @id read (audited); another's is DT_ENOTFOUND. */
enum dt_err dt_store_notify_read(struct dt_store *s, const struct dt_actor *a, int64_t account,
				 int64_t id, struct dt_strbuf *err);
/** Mark all of @account's notifications read (audited); *@n how many. */
enum dt_err dt_store_notify_read_all(struct dt_store *s, const struct dt_actor *a, int64_t account,
				     int64_t *n, struct dt_strbuf *err);
/** @account's channels: {inapp: true, email, webhook, email_to, phone}. */
enum dt_err dt_store_notify_prefs(struct dt_store *s, int64_t account, json_t **out,
				  struct dt_strbuf *err);
/**
 * Change @account's channels from @in (borrowed; any of email, webhook
 * (booleans), email_to, phone (text or null)); problems as any write's,
 * a channel switched on without its address is notify.channel_address.
 * Audited.  *@out as dt_store_notify_prefs().
 */
enum dt_err dt_store_notify_prefs_set(struct dt_store *s, const struct dt_actor *a, int64_t account,
				      json_t *in, json_t **out, struct dt_strbuf *err);
/**
 * Notify the responsible organisation of every open or rectifying finding
 * whose deadline is 7, 3 or 1 days from @today (domain/notify.h), once per
 * finding and threshold.  *@made the notifications made.
 */
enum dt_err dt_store_notify_findings_due(struct dt_store *s, struct dt_date today, int *made,
					 struct dt_strbuf *err);

/*
 * The outbox.  A deliverer claims due rows for @lease_ms as @worker (a
 * name unique to it), sends them, and marks each done or failed; a row
 * whose lease ran out is due again.  On PostgreSQL the claim skips rows
 * another server holds locked (FOR UPDATE SKIP LOCKED); SQLite has one
 * writer at a time.  Not audited (the notification's cause is).
 */
/**
 * Claim up to @max rows due at @now_ms: *@items a new JSON array of {id,
 * channel, address, idem_key, attempts (this one included), login, phone,
 * notification: {id, kind, code, args, entity, entity_id, created_at}}.
 */
enum dt_err dt_store_outbox_claim(struct dt_store *s, const char *worker, int64_t now_ms,
				  int64_t lease_ms, int max, json_t **items, struct dt_strbuf *err);
/** *@n: how many rows a claim at @now_ms would find (a read, no lock taken). */
enum dt_err dt_store_outbox_due(struct dt_store *s, int64_t now_ms, int64_t *n,
				struct dt_strbuf *err);
/** Row @id was sent: sent_at set, lease dropped (if @worker still holds it or none does). */
enum dt_err dt_store_outbox_done(struct dt_store *s, int64_t id, const char *worker,
				 struct dt_strbuf *err);
/** Row @id failed with @why: next attempt after the backoff of its attempts. */
enum dt_err dt_store_outbox_fail(struct dt_store *s, int64_t id, const char *worker, int64_t now_ms,
				 const char *why, struct dt_strbuf *err);
/** The outbox's rows: {pending, sent, failing (pending with an error)}. */
enum dt_err dt_store_outbox_stats(struct dt_store *s, json_t **out, struct dt_strbuf *err);

/* ---- publication.c: published figures and the portal's generation (migration 016) ---- */

/** Is @region the region of a pilot? */
enum dt_err dt_store_is_pilot(struct dt_store *s, int region, bool *yes, struct dt_strbuf *err);
/**
 * Keep @snapshot (borrowed; engine/publish.c) as the figures of @region for
 * @year published by @a, audited (publication.publish); the portal's
 * generation grows in the same transaction.  *@out (may be NULL) the
 * publication without its snapshot.  The caller has checked who may.
 */
enum dt_err dt_store_publication_insert(struct dt_store *s, const struct dt_actor *a, int region,
					int year, json_t *snapshot, json_t **out,
					struct dt_strbuf *err);
/**
 * Publication @id ({id, region, year, published_by, published_at,
 * withdrawn_by, withdrawn_at} and, with @snapshot, "snapshot"); outside
 * @scope (NULL: all) DT_ENOTFOUND as a missing one.
 */
enum dt_err dt_store_publication_get(struct dt_store *s, const struct dt_scope *scope, int64_t id,
				     bool snapshot, json_t **out, struct dt_strbuf *err);
/**
 * The publications in @scope, of @region only when non-zero, by region then
 * newest first; with @current only the newest one of each region that is
 * not withdrawn (what the portal shows).  A new array.
 */
enum dt_err dt_store_publication_list(struct dt_store *s, const struct dt_scope *scope, int region,
				      bool current, bool snapshot, json_t **out,
				      struct dt_strbuf *err);
/** Withdraw publication @id as @a, audited; publication.withdrawn (409) if it is already. */
enum dt_err dt_store_publication_withdraw(struct dt_store *s, const struct dt_actor *a, int64_t id,
					  json_t **out, struct dt_strbuf *err);
/** The portal's generation: grows with every change of what the portal shows. */
enum dt_err dt_store_portal_generation(struct dt_store *s, int64_t *gen, struct dt_strbuf *err);
/**
 * The inspection results supervision made public (一公开: inspection.publishable),
 * of @city only when non-zero, newest first, at most 500: {id, year, title, city,
 * city_zh, city_en, object_kind, org_name, org_name_en, visited_on, conclusion,
 * updated_at}.  A new array.
 */
enum dt_err dt_store_public_inspections(struct dt_store *s, int city, json_t **out,
					struct dt_strbuf *err);
/**
 * The training places enterprises offer from @from_year on, summed by city,
 * occupation, enterprise and year, filtered by @city and @occupation (code)
 * when given, at most 300 rows: {city, city_zh, city_en, occupation,
 * occupation_zh, occupation_en, enterprise, enterprise_en, year, places}.
 */
enum dt_err dt_store_public_places(struct dt_store *s, int city, const char *occupation,
				   int from_year, json_t **out, struct dt_strbuf *err);
/** The cities and occupations with places from @from_year on: [{kind, code, name_zh, name_en}]. */
enum dt_err dt_store_public_place_facets(struct dt_store *s, int from_year, json_t **out,
					 struct dt_strbuf *err);
/* Notified with "portal N" when the generation grows (PostgreSQL; pgsql/016_portal.sql). */
#define DT_STORE_CHANNEL_PORTAL "dualtrack_portal"

#endif
