/*
 * h_records.c - the generic handlers for every entity of the data model:
 * list, get, create, update (PATCH) and delete under /api/v1/{kind}.
 *
 * Reads go through the caller's scope in the store, so objects outside it
 * are 404.  A write runs in one transaction that is undone when its result
 * would fall outside the caller's scope (403): nobody creates or moves
 * records into another party's territory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/num.h"
#include "http/app.h"
#include "domain/entity.h"
#include "core/banned.h"

/* The entity named by {kind} (plural, as in the URL); replies 404 if none. */
static const struct dt_entity *kind_of(struct dt_ctx *c)
{
	const char *k = dt_param(c, "kind");
	const struct dt_entity *e = k ? dt_entity_find(k) : NULL;
	if (!e || strcmp(e->plural, k)) {
		dt_reply_code(c, 404, "kind", "http.kind", NULL);
		return NULL;
	}
	return e;
}

static bool has_pii(const struct dt_entity *e)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].flags & DT_FF_PII)
			return true;
	return false;
}

void dt_h_list(struct dt_ctx *c)
{
	const struct dt_entity *e = kind_of(c);
	if (!e)
		return;
	const char *filters[2 * DT_MAX_QUERY];
	struct dt_query q;
	if (!dt_ctx_list_query(c, true, &q, filters))
		return;
	json_t *items = NULL;
	char *next = NULL;
	int rc = dt_store_list(c->store, dt_ctx_scope(c), e->name, &q, &items, &next, &c->err);
	/* ?total=1: the count of all matches, for page numbers */
	int64_t total = -1;
	if (rc == DT_OK && q.total)
		rc = dt_store_count(c->store, dt_ctx_scope(c), e->name, &q, &total, &c->err);
	dt_reply_page_total(c, rc, items, next, total);
}

/* The reply to a read sent to the database (dt_h_get): received in the turn's order. */
static void got_sent(struct dt_ctx *c, void *arg)
{
	struct dt_store *s = arg;
	if (!c) {
		/* the client is gone: the read is received all the same, for the next one's sake */
		struct dt_strbuf sink = DT_STRBUF_INIT;
		dt_store_get_text_receive(s, &sink, NULL);
		dt_strbuf_release(&sink);
		return;
	}
	int rc = dt_store_get_text_receive(c->store, &c->res->body, &c->err);
	if (rc != DT_OK) {
		dt_strbuf_reset(&c->res->body);
		dt_reply_store_error(c, rc);
		return;
	}
	c->res->status = 200;
}

/* The reply to a read that could not be sent (the cause is in the log). */
static void not_sent(struct dt_ctx *c, void *arg)
{
	(void)arg;
	if (c)
		dt_reply_code(c, 500, NULL, "http.internal", "request_id", c->req->request_id,
			      NULL);
}

void dt_h_get(struct dt_ctx *c)
{
	const struct dt_entity *e = kind_of(c);
	int64_t id;
	if (!e || !dt_ctx_id(c, "id", &id))
		return;
	const char *um = dt_query(c, "unmask");
	bool unmask = um && (!strcmp(um, "1") || !strcmp(um, "true"));
	json_t *o = NULL;
	if (!unmask || !has_pii(e)) {
		/*
		 * The hot path: the row goes straight to JSON text.  Where the
		 * database is a round trip away, the reads of one loop turn go
		 * together: sent now, received when the turn's requests are read.
		 */
		struct dt_deferred *d = NULL;
		if (dt_store_get_text_can_send(c->store, e->name) &&
		    (d = dt_ctx_defer(c)) != NULL) {
			int rc = dt_store_get_text_send(c->store, dt_ctx_scope(c), e->name, id,
							&c->err);
			if (rc == DT_OK) {
				dt_ctx_resume_soon(d, got_sent, c->store);
			} else {
				/* as dt_reply_store_error() answers a database error */
				dt_log_error("request %s: %s", c->req->request_id, c->err.buf);
				dt_ctx_resume_soon(d, not_sent, NULL);
			}
			return;
		}
		int rc = dt_store_get_text(c->store, dt_ctx_scope(c), e->name, id, &c->res->body,
					   &c->err);
		if (rc != DT_OK) {
			dt_strbuf_reset(&c->res->body);
			dt_reply_store_error(c, rc);
			return;
		}
		c->res->status = 200;
		return;
	}
	int rc = dt_store_get(c->store, dt_ctx_scope(c), e->name, id, 0, &o, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	if (unmask && has_pii(e)) {
		if (!(c->perms & DT_P_PII)) {
			json_decref(o);
			dt_reply_code(c, 403, "unmask", "http.unmask", NULL);
			return;
		}
		/* The unmasked read is on the record before anything is shown. */
		char action[48];
		snprintf(action, sizeof(action), "%s.unmask", e->name);
		rc = dt_store_audit(c->store, &c->actor, action, e->name, id, NULL, o, &c->err);
		json_decref(o);
		o = NULL;
		if (rc == DT_OK)
			rc = dt_store_get(c->store, dt_ctx_scope(c), e->name, id, DT_READ_UNMASK,
					  &o, &c->err);
		if (rc != DT_OK) {
			dt_reply_store_error(c, rc);
			return;
		}
		dt_http_add_header(c->res, "cache-control", "no-store");
	}
	dt_reply_json(c, 200, o);
}

/* Commit when @id is within what the caller's scope may change, else undo (403). */
static bool keep_if_in_scope(struct dt_ctx *c, const struct dt_entity *e, int64_t id)
{
	json_t *o = NULL;
	if (dt_ctx_scope(c) && dt_store_get(c->store, dt_ctx_scope(c), e->name, id,
					    DT_READ_WRITABLE, &o, NULL) != DT_OK) {
		dt_store_rollback(c->store);
		dt_reply_code(c, 403, NULL, "http.out_of_scope", NULL);
		return false;
	}
	json_decref(o);
	int rc = dt_store_commit(c->store, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return false;
	}
	return true;
}

static bool may_write(struct dt_ctx *c, const struct dt_entity *e)
{
	unsigned p = dt_entity_write_perm(e->name);
	if ((c->perms & p) != p) {
		dt_reply_code(c, 403, NULL, "http.role_change", NULL);
		return false;
	}
	return true;
}

void dt_h_create(struct dt_ctx *c)
{
	const struct dt_entity *e = kind_of(c);
	if (!e || !may_write(c, e))
		return;
	int rc = dt_store_begin(c->store, &c->err);
	json_t *o = NULL;
	if (rc == DT_OK)
		rc = dt_store_create(c->store, &c->actor, e->name, c->body, &o, &c->err);
	if (rc != DT_OK) {
		dt_store_rollback(c->store);
		dt_reply_store_error(c, rc);
		return;
	}
	int64_t id = json_integer_value(json_object_get(o, "id"));
	if (!keep_if_in_scope(c, e, id)) {
		json_decref(o);
		return;
	}
	char *loc = dt_http_alloc(c->req, 96);
	snprintf(loc, 96, "/api/v1/%s/%lld", e->plural, (long long)id);
	dt_http_add_header(c->res, "location", loc);
	dt_reply_written(c, 201, o);
}

void dt_h_update(struct dt_ctx *c)
{
	const struct dt_entity *e = kind_of(c);
	int64_t id;
	if (!e || !dt_ctx_id(c, "id", &id) || !may_write(c, e))
		return;
	int rc = dt_store_begin(c->store, &c->err);
	json_t *o = NULL;
	if (rc == DT_OK)
		rc = dt_store_update(c->store, &c->actor, dt_ctx_scope(c), e->name, id, c->body, &o,
				     &c->err);
	if (rc != DT_OK) {
		dt_store_rollback(c->store);
		dt_reply_store_error(c, rc);
		return;
	}
	if (!keep_if_in_scope(c, e, id)) {
		json_decref(o);
		return;
	}
	dt_reply_written(c, 200, o);
}

void dt_h_delete(struct dt_ctx *c)
{
	const struct dt_entity *e = kind_of(c);
	int64_t id;
	if (!e || !dt_ctx_id(c, "id", &id) || !may_write(c, e))
		return;
	int rc = dt_store_delete(c->store, &c->actor, dt_ctx_scope(c), e->name, id, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	c->res->status = 204;
}
