/*
 * h_schema.c - GET /api/v1/schema: the entity table as the web application
 * needs it to build forms, detail pages and filters: every entity's plural,
 * labels and write permission, and every field's type, flags, limits,
 * enumeration values, reference and labels.  The application keeps no copy
 * of the table: what a field accepts is said here once, by the server that
 * checks it.
 *
 * The document depends on nothing but the build, so it is made once (the
 * first request), kept with its gzip copy and an ETag, and served like the
 * web application's own files (h_ui.c): revalidated on every load (no-cache),
 * 304 on a matching If-None-Match, gzip when accepted.  Who may do what is
 * not in it: each caller's permissions come with the session (h_session.c).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zlib.h>

#include "core/strbuf.h"
#include "http/app.h"
#include "http/h_ui.h"
#include "domain/entity.h"
#include "core/banned.h"

static const char *const type_names[] = {
	[DT_F_TEXT] = "text", [DT_F_INT] = "int",   [DT_F_REAL] = "real",
	[DT_F_DATE] = "date", [DT_F_TIME] = "time", [DT_F_BOOL] = "bool",
	[DT_F_ENUM] = "enum", [DT_F_REF] = "ref",   [DT_F_REGION] = "region",
};

/* "a|b|c" as ["a", "b", "c"]. */
static json_t *enum_values(const char *values)
{
	json_t *en = json_array();
	for (const char *p = values; p && *p;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		json_array_append_new(en, json_stringn(p, n));
		p += n + (bar ? 1 : 0);
	}
	return en;
}

/* One field: the keys that are false or absent are left out, to keep the document small. */
static json_t *field_json(const struct dt_field *f)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "name", f->name, "type", type_names[f->type],
			      "label_zh", f->label_zh, "label_en", f->label_en);
	static const struct {
		unsigned flag;
		const char *key;
	} flags[] = {
		{ DT_FF_REQUIRED, "required" }, { DT_FF_IMMUTABLE, "immutable" },
		{ DT_FF_SYSTEM, "system" },     { DT_FF_FILTER, "filter" },
		{ DT_FF_SORT, "sort" },         { DT_FF_PII, "pii" },
		{ DT_FF_QUASI, "quasi" },       { DT_FF_SEARCH, "search" },
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (f->flags & flags[i].flag)
			json_object_set_new(o, flags[i].key, json_true());
	if (f->type == DT_F_INT || f->type == DT_F_REAL) {
		if (f->min || f->max) {
			json_object_set_new(o, "min", json_integer(f->min));
			json_object_set_new(o, "max", json_integer(f->max));
		}
	} else if (f->type == DT_F_TEXT && f->max) {
		json_object_set_new(o, "max", json_integer(f->max));
	}
	if (f->type == DT_F_ENUM)
		json_object_set_new(o, "values", enum_values(f->values));
	if (f->type == DT_F_REF) {
		json_object_set_new(o, "ref", json_string(f->ref));
		if (f->ref_kind)
			json_object_set_new(o, "ref_kind", json_string(f->ref_kind));
	}
	return o;
}

json_t *dt_schema_document(void)
{
	json_t *ents = json_object();
	for (const struct dt_entity *e = dt_entities; e->name; e++) {
		json_t *fields = json_array();
		for (size_t i = 0; i < e->nfields; i++)
			json_array_append_new(fields, field_json(&e->fields[i]));
		json_object_set_new(ents, e->name,
				    json_pack("{s:s, s:s, s:s, s:o, s:b, s:b, s:o}", "plural",
					      e->plural, "label_zh", e->label_zh, "label_en",
					      e->label_en, "write",
					      dt_perm_json(dt_entity_write_perm(e->name)), "delete",
					      (e->flags & DT_EF_DELETE) != 0, "system",
					      (e->flags & DT_EF_SYSTEM) != 0, "fields", fields));
	}
	return json_pack("{s:o, s:o}", "entities", ents, "permissions", dt_perm_json(~0u));
}

/* The document, made once: its bytes, their gzip copy and ETag, as h_ui.c serves assets. */
static struct dt_web_asset doc;
static char *doc_bytes;
static unsigned char *doc_gz;
static char doc_etag[2 * 16 + 3];
static pthread_once_t doc_once = PTHREAD_ONCE_INIT;

/*
 * gzip (RFC 1952) of @n bytes at @data, malloc'd into *@out (*@outlen);
 * false when zlib fails or out of memory, and then *@out is NULL.
 */
static bool gzip(const char *data, size_t n, unsigned char **out, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	*out = NULL;
	/* 15 + 16: a window of 2^15 and the gzip wrapper */
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return false;
	uLong cap = deflateBound(&z, (uLong)n);
	unsigned char *buf = malloc(cap);
	bool ok = false;
	if (!buf)
		goto out;
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		goto out;
	*out = buf;
	*outlen = z.total_out;
	buf = NULL;
	ok = true;
out:
	deflateEnd(&z);
	free(buf);
	return ok;
}

static void doc_make(void)
{
	json_t *d = dt_schema_document();
	doc_bytes = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	if (!doc_bytes)
		return;
	size_t n = strlen(doc_bytes);
	unsigned char h[16];
	crypto_generichash(h, sizeof(h), (const unsigned char *)doc_bytes, n, NULL, 0);
	doc_etag[0] = '"';
	sodium_bin2hex(doc_etag + 1, sizeof(doc_etag) - 2, h, sizeof(h));
	doc_etag[sizeof(doc_etag) - 2] = '"';
	doc_etag[sizeof(doc_etag) - 1] = '\0';
	size_t gzlen = 0;
	if (!gzip(doc_bytes, n, &doc_gz, &gzlen) || gzlen >= n)
		gzlen = 0;
	doc = (struct dt_web_asset){
		.path = "schema.json",
		.type = "application/json",
		.data = (const unsigned char *)doc_bytes,
		.len = n,
		.gz = doc_gz,
		.gzlen = gzlen,
		.etag = doc_etag,
	};
}

void dt_h_schema(struct dt_ctx *c)
{
	pthread_once(&doc_once, doc_make);
	if (!doc_bytes) {
		dt_reply_code(c, 500, NULL, "http.internal", "request_id", c->req->request_id,
			      NULL);
		return;
	}
	dt_ui_send(c, &doc);
}
