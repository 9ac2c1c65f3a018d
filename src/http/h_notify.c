/*
 * h_notify.c - one's own notifications over HTTP: the inbox, marking read,
 * and the channels (store/notify.c; docs/NOTIFY.md).
 *
 * Every route acts on the caller's own account only (c->cred.account.id):
 * there is no way to name another's inbox, and another's notification
 * answers 404 as a missing one.  Texts are worded in the caller's language
 * (Accept-Language) from the stored code and arguments.
 */
#include <string.h>

#include "domain/arg.h"
#include "domain/notify.h"
#include "http/app.h"
#include "core/banned.h"

/* An integer query parameter in [lo, hi], or @def when absent.  False after a reply. */
static bool int_param(struct dt_ctx *c, const char *name, int64_t lo, int64_t hi, int64_t def,
		      int64_t *out)
{
	const char *v = dt_query(c, name);
	*out = def;
	if (!v || !*v)
		return true;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	bool ok = dt_arg_int64(&ps, name, v, lo, hi, out) == DT_OK;
	if (!ok)
		dt_reply_problems(c, 422, &ps);
	dt_problems_release(&ps);
	return ok;
}

void dt_h_notify_list(struct dt_ctx *c)
{
	int64_t limit, offset;
	if (!int_param(c, "limit", 1, 200, 20, &limit) ||
	    !int_param(c, "offset", 0, INT64_MAX / 2, 0, &offset))
		return;
	json_t *out = NULL;
	int rc = dt_store_notify_list(c->store, c->cred.account.id, (int)limit, offset, &out,
				      &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(out, "items"), i, it)
	{
		struct dt_strbuf text = DT_STRBUF_INIT, link = DT_STRBUF_INIT;
		json_t *args = json_object_get(it, "args");
		dt_notify_text(json_string_value(json_object_get(it, "code")), args, c->lang,
			       &text);
		dt_notify_link(json_string_value(json_object_get(it, "entity")),
			       json_integer_value(json_object_get(it, "entity_id")), args, &link);
		json_object_set_new(it, "text", json_string(text.buf));
		json_object_set_new(it, "link", json_string(link.buf));
		dt_strbuf_release(&text);
		dt_strbuf_release(&link);
	}
	json_object_set_new(out, "limit", json_integer(limit));
	json_object_set_new(out, "offset", json_integer(offset));
	dt_reply_json(c, 200, out);
}

void dt_h_notify_read(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	int rc = dt_store_notify_read(c->store, &c->actor, c->cred.account.id, id, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "read", 1));
}

void dt_h_notify_read_all(struct dt_ctx *c)
{
	int64_t n = 0;
	int rc = dt_store_notify_read_all(c->store, &c->actor, c->cred.account.id, &n, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:I}", "marked", (json_int_t)n));
}

void dt_h_notify_prefs_get(struct dt_ctx *c)
{
	json_t *out = NULL;
	int rc = dt_store_notify_prefs(c->store, c->cred.account.id, &out, &c->err);
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		dt_reply_json(c, 200, out);
}

void dt_h_notify_prefs_put(struct dt_ctx *c)
{
	json_t *out = NULL;
	int rc = dt_store_notify_prefs_set(c->store, &c->actor, c->cred.account.id, c->body, &out,
					   &c->err);
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		dt_reply_written(c, 200, out);
}
