/*
 * app.h - dualtrack's HTTP application: the route table, the dispatcher's
 * request context and the helpers handlers reply with.
 *
 * One dispatcher (dispatch.c) matches the route table, authenticates the
 * caller (bearer token or session cookie), checks the route's permission
 * against the role table (auth.c), enforces CSRF for cookie writes, parses
 * the JSON body, and measures the request for /metrics.  Handlers only read
 * the context, call the store and reply; what they allocate lives in the
 * context and is released by the dispatcher.
 */
#ifndef DT_APP_H
#define DT_APP_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "core/common.h"
#include "core/lang.h"
#include "domain/problem.h"
#include "http/http.h"
#include "store/store.h"

/* Permissions: one bit each; roles map to sets of them in auth.c. */
enum dt_perm {
	DT_P_READ = 1 << 0,       /* read records within scope */
	DT_P_PILOT = 1 << 1,      /* pilots (plans) */
	DT_P_ORG = 1 << 2,        /* organisations */
	DT_P_PROGRAMME = 1 << 3,  /* programmes */
	DT_P_PARTNER = 1 << 4,    /* partnerships */
	DT_P_DEMAND = 1 << 5,     /* demand and places */
	DT_P_TRAINEE = 1 << 6,    /* trainees */
	DT_P_CONTRACT = 1 << 7,   /* contracts and their life cycle */
	DT_P_APPROVE = 1 << 8,    /* approve a contract as one's own party */
	DT_P_RECORD = 1 << 9,     /* record-book entries */
	DT_P_SIGNOFF = 1 << 10,   /* sign off record-book entries */
	DT_P_ASSESS = 1 << 11,    /* assessments */
	DT_P_REFDATA = 1 << 12,   /* regions and occupations */
	DT_P_PII = 1 << 13,       /* pii:read, unmasked national IDs */
	DT_P_AUDIT = 1 << 14,     /* audit log */
	DT_P_MONITOR = 1 << 15,   /* indicators, rankings */
	DT_P_TARGET = 1 << 16,    /* set targets and minimum wages */
	DT_P_ALERT = 1 << 17,     /* acknowledge and resolve alerts */
	DT_P_SUPERVISE = 1 << 18, /* make inspection plans, commit, draw, reveal */
	DT_P_INSPECT =
		1 << 19, /* conduct inspections one is drawn for, record and verify findings */
	DT_P_RECTIFY = 1 << 20,   /* rectify one's own organisation's findings */
	DT_P_PUBLICITY = 1 << 21, /* write good-practice cases, news, policy; upload their files */
	DT_P_PUBLISH = 1 << 22,   /* publish a pilot city's figures (the nation, a province) */
	DT_P_OUTCOME = 1 << 23,   /* outcomes after training (the parties, not assessors) */
				  /* a new permission is named in auth.c's perm_names too */
};

enum dt_route_flags {
	DT_R_PUBLIC = 1 << 0,      /* no authentication */
	DT_R_BODY = 1 << 1,        /* expects a JSON object body */
	DT_R_UPLOAD = 1 << 2,      /* takes a file as the body, up to the server's max_upload */
	DT_R_SAME_ORIGIN = 1 << 3, /* an anonymous write a browser must not be led to make from
				    * another site (sign-in): JSON only, and Origin, when sent, ours */
	DT_R_OPT_BODY = 1 << 4,    /* may take a JSON object body (an action's arguments) */
	DT_R_OWN_AUTH =
		1 << 5, /* checks a credential of its own (/metrics); the dispatcher reads none */
	DT_R_BEFORE_PASSWORD = 1 << 6, /* open to a session that must set its password first */
};
/*
 * Body limits by route (dt_app_body_limit): DT_R_BODY and DT_R_OPT_BODY
 * routes take up to max_body bytes; DT_R_UPLOAD routes up to max_upload for
 * a caller whose credential is valid, max_body for anyone else; every other
 * route takes no body.  A request that matches no route (404, 405) may
 * carry max_body bytes, so that it gets its 404 or 405.
 */

struct dt_ctx;
typedef void (*dt_handler_fn)(struct dt_ctx *c);

struct dt_route {
	const char *method;
	const char *pattern; /* "/api/v1/{kind}/{id}": {name} matches one segment */
	dt_handler_fn handler;
	unsigned perm; /* permissions needed (0: any signed-in caller) */
	unsigned flags;
	const char *summary; /* for the OpenAPI document */
};

/** The route table (routes.c), ended by a NULL method. */
extern const struct dt_route dt_routes[];

#define DT_MAX_PARAMS 4
#define DT_MAX_QUERY 32

struct dt_ctx {
	struct dt_http_req *req;
	struct dt_http_res *res;
	struct dt_store *store;
	const struct dt_route *route;
	/* Path parameters in pattern order: names and decoded values. */
	const char *pname[DT_MAX_PARAMS]; /* into the route pattern, not NUL-terminated */
	size_t pname_len[DT_MAX_PARAMS];
	const char *pval[DT_MAX_PARAMS];
	int nparams;
	int pbad; /* a path parameter that is not UTF-8 without NUL, or -1 */
	/* Query parameters, decoded, in order. */
	const char *qname[DT_MAX_QUERY];
	const char *qval[DT_MAX_QUERY];
	int nquery;
	json_t *body; /* parsed body (DT_R_BODY routes), owned here */
	bool authed;
	struct dt_credential cred; /* the caller's credential when authed */
	unsigned perms;            /* the caller's permissions */
	struct dt_actor actor;
	struct dt_strbuf err;    /* scratch for store errors (English, for the log) */
	enum dt_lang lang;       /* of the answer's messages: Accept-Language, Chinese by default */
	struct timespec started; /* CLOCK_MONOTONIC, for the metrics */
};

/** The application's configuration (dt_app_configure). */
struct dt_app_config {
	const char *public_url; /* "https://host[:port]" where users reach the server, or NULL */
	bool trust_proxy;       /* X-Forwarded-For and X-Forwarded-Proto are set by our proxy */
};

/** Path parameter @name, or NULL. */
const char *dt_param(const struct dt_ctx *c, const char *name);
/** Query parameter @name (first occurrence), or NULL. */
const char *dt_query(const struct dt_ctx *c, const char *name);
/** The caller's scope (NULL for an unscoped admin or national caller). */
const struct dt_scope *dt_ctx_scope(const struct dt_ctx *c);

/** Reply with @status and JSON @body (stolen). */
void dt_reply_json(struct dt_ctx *c, int status, json_t *body);
/**
 * Reply @status with an RFC 9457 problem holding every problem of @ps:
 * "errors" [{field, code, message, args}] (field null for the request as a
 * whole) and "detail" (all of them, with their fields' labels) in c->lang;
 * "title" is the status's reason phrase.  @ps is borrowed.
 */
void dt_reply_problems(struct dt_ctx *c, int status, const struct dt_problems *ps);
/**
 * Reply @status with the one problem @code about @field (NULL: the request),
 * its arguments given as in dt_problem_add(): key/value pairs ended by NULL.
 */
void dt_reply_code(struct dt_ctx *c, int status, const char *field, const char *code, ...);
/**
 * Reply for a failed store call @rc from the store's problems
 * (dt_store_problems): 422 for invalid input, 404, 409, 403; 500 otherwise,
 * logged with c->err.
 */
void dt_reply_store_error(struct dt_ctx *c, int rc);
/**
 * Reply @status with the record @body (stolen) just written, with the
 * store's warnings about it, when it has any, as "warnings":
 * [{field, code, message, args}] in c->lang.
 */
void dt_reply_written(struct dt_ctx *c, int status, json_t *body);
/**
 * Read the list parameters of the query string into @q: limit, cursor and,
 * when @sortable, q and sort ("-field" descends); every other parameter is
 * a filter, stored in @filters (2 * DT_MAX_QUERY slots).  Replies 422 and
 * returns false on a bad limit.
 */
bool dt_ctx_list_query(struct dt_ctx *c, bool sortable, struct dt_query *q, const char **filters);
/**
 * Reply for a list call that returned @rc: {"items", "next"} (takes @items
 * and frees @next), or the store's problems (a bad filter, sort or cursor:
 * 422 naming the parameter), or the store error.
 */
void dt_reply_page(struct dt_ctx *c, int rc, json_t *items, char *next);
/** dt_reply_page with "total" (the count of all matches) when @total >= 0. */
void dt_reply_page_total(struct dt_ctx *c, int rc, json_t *items, char *next, int64_t total);
/**
 * The optional JSON object body of an action (h_contracts.c): *@out NULL when
 * there is none; false after replying 400/422 when it is malformed.
 */
bool dt_ctx_optional_body(struct dt_ctx *c, json_t **out);
/** Parse a positive id parameter; replies 404 and returns false when it is not one. */
bool dt_ctx_id(struct dt_ctx *c, const char *name, int64_t *id);
/**
 * The language of a made file (PDF, XLSX): ?lang=zh|en, else the request's
 * language.  False after replying 422 to another value.
 */
bool dt_ctx_file_lang(struct dt_ctx *c, enum dt_lang *lang);
/**
 * The client's address: the socket's peer or, with trust_proxy, the last
 * address in X-Forwarded-For (the one our proxy saw).  In the request's pool.
 */
const char *dt_ctx_client(struct dt_ctx *c);
/** Did the client reach us over HTTPS (an https public_url, or a trusted X-Forwarded-Proto)? */
bool dt_ctx_https(struct dt_ctx *c);
/**
 * Answer @c later (dispatch.c): the handler returns at once without a
 * reply, and dt_ctx_resume() finishes it.  NULL when out of memory (then
 * nothing is deferred and the handler replies as usual).
 */
struct dt_deferred *dt_ctx_defer(struct dt_ctx *c);
/**
 * From any thread, once: on @d's worker thread, call @fn with a context for
 * the same request (store, route; anonymous) and @arg, then send its reply.
 * If the client is gone, @fn gets a NULL context and only releases @arg.
 */
void dt_ctx_resume(struct dt_deferred *d, void (*fn)(struct dt_ctx *c, void *arg), void *arg);
/**
 * As dt_ctx_resume(), from the handler's own thread: later in this turn of
 * its loop, after the other requests read in it, in the order of the calls
 * (dt_http_soon()).
 */
void dt_ctx_resume_soon(struct dt_deferred *d, void (*fn)(struct dt_ctx *c, void *arg), void *arg);
/**
 * Send the reply @c holds about a second from now instead of at once (a
 * refusal a flooding client would otherwise get thousands of times a
 * second).  The handler returns right after and touches the reply no more.
 */
void dt_ctx_reply_later(struct dt_ctx *c);

/* h_accounts.c, h_session.c: account management, one's own password and sessions */
void dt_h_accounts_list(struct dt_ctx *c);
void dt_h_accounts_get(struct dt_ctx *c);
void dt_h_accounts_create(struct dt_ctx *c);
void dt_h_accounts_change(struct dt_ctx *c);
void dt_h_accounts_reset(struct dt_ctx *c);
void dt_h_accounts_bulk(struct dt_ctx *c);
void dt_h_password(struct dt_ctx *c);
void dt_h_activate(struct dt_ctx *c);
void dt_h_sessions_list(struct dt_ctx *c);
void dt_h_session_revoke(struct dt_ctx *c);

/* auth.c */
/** Permissions of @role (0 for an unknown role). */
unsigned dt_role_perms(const char *role);
/** The permission that writes @entity. */
unsigned dt_entity_write_perm(const char *entity);
/** The name of permission bit @bit (0 for DT_P_READ): "read", "pii:read", ...; NULL past the last. */
const char *dt_perm_name(unsigned bit);
/** The names of the permissions in @perms, in bit order, as a JSON array (new reference). */
json_t *dt_perm_json(unsigned perms);
/** Role @i of the role table and its permissions in *@perms; NULL past the last. */
const char *dt_role_at(size_t i, unsigned *perms);
/**
 * 0 when a sign-in as @login from client address @peer may be tried now;
 * else the seconds to wait (the login or the address is locked, or the
 * throttle's table is full).  Thread-safe, shared by every worker.
 */
unsigned dt_signin_wait(const char *login, const char *peer);
/** Count a failed sign-in against @login and @peer, or clear @login's count on success. */
void dt_signin_record(const char *login, const char *peer, bool ok);
/** Authenticate @token through the worker's cache; false if not valid. */
bool dt_auth_token(struct dt_http_worker *w, const char *token, struct dt_credential *out);
/** Forget cached credentials in every worker (after a logout or revocation). */
void dt_auth_invalidate(void);

/* fanout.c: on PostgreSQL, empty the credential caches when another server revokes. */
enum dt_err dt_fanout_start(const char *path, const struct dt_keys *keys, struct dt_strbuf *err);
void dt_fanout_stop(void);
/** Per-worker auth state. */
void *dt_auth_worker_new(void);
void dt_auth_worker_free(void *p);

/* metrics.c */
void dt_metrics_observe(const char *route, int status, double seconds);
/** Prometheus text for /metrics; @db_path for the database size. */
void dt_metrics_render(struct dt_strbuf *out, struct dt_store *s);

/* openapi.c */
/** The OpenAPI 3.1 document for the route table and entities (new reference). */
json_t *dt_openapi_document(void);

/* h_schema.c */
/**
 * The entity table for clients (GET /api/v1/schema): entities with plural,
 * labels and write permission, fields with type, flags, limits, values,
 * reference and labels; and the names of all permissions (new reference).
 */
json_t *dt_schema_document(void);

/** The largest body the request with head @h may carry (see DT_R_OPT_BODY). */
size_t dt_app_body_limit(struct dt_http_head *h, void *ctx);
/**
 * Serve /metrics on the main listener to "Authorization: Bearer @token"
 * (copied; NULL: /metrics answers 404 there).  Call before dt_server_run.
 */
void dt_app_set_metrics_token(const char *token);
/** The application for dt_server_run (dispatch.c). */
void dt_app_init(struct dt_http_app *app);
/** Set the configuration before serving; @cfg is copied, its strings must outlive the server. */
void dt_app_configure(const struct dt_app_config *cfg);
/** The configuration in force (zeroes until dt_app_configure). */
const struct dt_app_config *dt_app_config(void);

/* handlers */
void dt_h_healthz(struct dt_ctx *c);
void dt_h_metrics(struct dt_ctx *c);
void dt_h_openapi(struct dt_ctx *c);
void dt_h_schema(struct dt_ctx *c);
void dt_h_login(struct dt_ctx *c);
void dt_h_logout(struct dt_ctx *c);
void dt_h_whoami(struct dt_ctx *c);
/** Start the sign-in hashing pool (once per worker: counted; the last stop ends it). */
enum dt_err dt_signin_start(void);
void dt_signin_stop(void);
void dt_h_list(struct dt_ctx *c);
/* h_findings.c: supervision (conducting inspections, findings, rectification, files) */
void dt_h_inspection_record(struct dt_ctx *c);
void dt_h_inspection_results(struct dt_ctx *c);
/* h_publicity.c: good-practice cases, news, notices, policy documents, search */
void dt_h_case_list(struct dt_ctx *c);
void dt_h_case_create(struct dt_ctx *c);
void dt_h_case_get(struct dt_ctx *c);
void dt_h_case_update(struct dt_ctx *c);
void dt_h_case_versions(struct dt_ctx *c);
void dt_h_case_comment(struct dt_ctx *c);
void dt_h_case_action(struct dt_ctx *c);
void dt_h_item_list(struct dt_ctx *c);
void dt_h_item_create(struct dt_ctx *c);
void dt_h_item_get(struct dt_ctx *c);
void dt_h_item_update(struct dt_ctx *c);
void dt_h_item_action(struct dt_ctx *c);
void dt_h_publicity_search(struct dt_ctx *c);
void dt_h_publicity_preview(struct dt_ctx *c);
void dt_h_finding_list(struct dt_ctx *c);
void dt_h_finding_create(struct dt_ctx *c);
void dt_h_finding_get(struct dt_ctx *c);
void dt_h_finding_start(struct dt_ctx *c);
void dt_h_finding_rectify(struct dt_ctx *c);
void dt_h_finding_decide(struct dt_ctx *c);
void dt_h_attachment_upload(struct dt_ctx *c);
void dt_h_attachment_get(struct dt_ctx *c);
void dt_h_finding_export(struct dt_ctx *c);
/* The names a contract refers to, for a reader who may not open those records (h_contracts.c) */
void dt_h_contract_parties(struct dt_ctx *c);
/* Printed documents (h_documents.c) */
void dt_h_contract_pdf(struct dt_ctx *c);
void dt_h_contract_book_pdf(struct dt_ctx *c);
void dt_h_report_pdf(struct dt_ctx *c);
/* h_io.c: files made for a response */
/**
 * Make an empty temporary file named ...@ext under $TMPDIR (else /tmp); its
 * path in @path (@n bytes).  0, or -1 when none can be made.
 */
int dt_h_temp_file(char *path, size_t n, const char *ext);
/**
 * Answer 200 with the file @path (DT_EXPORT_CSV or _XLSX @format) as the
 * download @name, then remove it; 500 when it cannot be read.
 */
void dt_h_send_file(struct dt_ctx *c, const char *path, int format, const char *name);
/* h_indicators.c: the supervision indicators of a region and year */
void dt_h_supervision_indicators(struct dt_ctx *c);
/* h_indicators.c: a dashboard view as an XLSX workbook with charts */
void dt_h_indicators_xlsx(struct dt_ctx *c);

/* h_publications.c: published figures (docs/PORTAL.md) */
void dt_h_publication_create(struct dt_ctx *c);
void dt_h_publications_list(struct dt_ctx *c);
void dt_h_publication_get(struct dt_ctx *c);
void dt_h_publication_withdraw(struct dt_ctx *c);
void dt_h_get(struct dt_ctx *c);
void dt_h_create(struct dt_ctx *c);
void dt_h_update(struct dt_ctx *c);
void dt_h_delete(struct dt_ctx *c);
void dt_h_contract_action(struct dt_ctx *c);
/* h_indicators.c */
void dt_h_indicators(struct dt_ctx *c);
void dt_h_indicator_series(struct dt_ctx *c);
void dt_h_rankings(struct dt_ctx *c);
void dt_h_targets_get(struct dt_ctx *c);
void dt_h_targets_put(struct dt_ctx *c);
void dt_h_alert_action(struct dt_ctx *c);
/* Supervision (h_inspection.c). */
void dt_h_plans_list(struct dt_ctx *c);
void dt_h_plan_create(struct dt_ctx *c);
void dt_h_plan_get(struct dt_ctx *c);
void dt_h_plan_action(struct dt_ctx *c);
void dt_h_plan_verify(struct dt_ctx *c);
void dt_h_inspectors_list(struct dt_ctx *c);
void dt_h_plan_defaults(struct dt_ctx *c);
void dt_h_inspections_list(struct dt_ctx *c);
void dt_h_inspection_get(struct dt_ctx *c);
void dt_h_signoff(struct dt_ctx *c);
/* h_mentors.c: sign-off by the named mentor, in bulk; waiting entries; mentors' load */
void dt_h_signoff_one(struct dt_ctx *c, int64_t id);
void dt_h_signoff_batch(struct dt_ctx *c);
void dt_h_signoff_waiting(struct dt_ctx *c);
void dt_h_mentor_load(struct dt_ctx *c);
void dt_h_audit_list(struct dt_ctx *c);
void dt_h_audit_verify(struct dt_ctx *c);
void dt_h_audit_checkpoints(struct dt_ctx *c);
void dt_h_audit_checkpoint_verify(struct dt_ctx *c);
/* bulk import and export, background jobs (h_io.c) */
void dt_h_import(struct dt_ctx *c);
void dt_h_jobs_list(struct dt_ctx *c);
void dt_h_job_get(struct dt_ctx *c);
void dt_h_job_cancel(struct dt_ctx *c);
void dt_h_job_report(struct dt_ctx *c);
void dt_h_export(struct dt_ctx *c);
void dt_h_template(struct dt_ctx *c);
/* one's own notifications (h_notify.c) */
void dt_h_notify_list(struct dt_ctx *c);
void dt_h_notify_read(struct dt_ctx *c);
void dt_h_notify_read_all(struct dt_ctx *c);
void dt_h_notify_prefs_get(struct dt_ctx *c);
void dt_h_notify_prefs_put(struct dt_ctx *c);

#endif
