/*
 * h_accounts.c - account management (GET/POST /api/v1/accounts, GET/PATCH
 * /api/v1/accounts/{id}, POST /api/v1/accounts/{id}/reset, POST
 * /api/v1/accounts/bulk): thin handlers over store/account_mgmt.c, where
 * the rule of delegation (domain/delegation.h) decides what the caller may
 * manage.  An account outside it answers 404 as a missing one; making one
 * outside it 403.  Activation codes are in the answer that makes them and
 * nowhere else: the bulk answer carries its printable sheet as XLSX
 * (base64) too, so that the codes need not be asked for twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/log.h"
#include "http/app.h"
#include "io/account_xlsx.h"
#include "core/banned.h"

void dt_h_accounts_list(struct dt_ctx *c)
{
	const char *filters[2 * DT_MAX_QUERY];
	struct dt_query q;
	if (!dt_ctx_list_query(c, true, &q, filters))
		return;
	json_t *items = NULL;
	char *next = NULL;
	int rc = dt_store_accounts_list(c->store, &c->cred.account, &q, &items, &next, &c->err);
	dt_reply_page(c, rc, items, next);
}

void dt_h_accounts_get(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *o = NULL;
	int rc = dt_store_accounts_get(c->store, &c->cred.account, id, &o, &c->err);
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		dt_reply_json(c, 200, o);
}

/* Reply @status with @o and the code shown once, not cached anywhere. */
static void reply_with_code(struct dt_ctx *c, int status, json_t *o, char *code)
{
	json_object_set_new(o, "activation_code", json_string(code));
	sodium_memzero(code, DT_ACTIVATION_LEN);
	dt_http_add_header(c->res, "cache-control", "no-store");
	dt_reply_json(c, status, o);
}

void dt_h_accounts_create(struct dt_ctx *c)
{
	char code[DT_ACTIVATION_LEN];
	json_t *o = NULL;
	int rc = dt_store_accounts_create(c->store, &c->actor, &c->cred.account, c->body, &o, code,
					  &c->err);
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		reply_with_code(c, 201, o, code);
}

void dt_h_accounts_change(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	json_t *o = NULL;
	int rc = dt_store_accounts_change(c->store, &c->actor, &c->cred.account, id, c->body, &o,
					  &c->err);
	dt_auth_invalidate(); /* a disabled account's credentials leave every cache */
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		dt_reply_json(c, 200, o);
}

void dt_h_accounts_reset(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	char code[DT_ACTIVATION_LEN];
	json_t *o = NULL;
	int rc = dt_store_accounts_reset(c->store, &c->actor, &c->cred.account, id, &o, code,
					 &c->err);
	dt_auth_invalidate();
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		reply_with_code(c, 200, o, code);
}

/* The file @path as base64 (new reference), or NULL. */
static json_t *file_base64(const char *path)
{
	FILE *f = fopen(path, "rb");
	json_t *out = NULL;
	unsigned char *buf = NULL;
	char *b64 = NULL;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0)
		goto out;
	long n = ftell(f);
	if (n <= 0 || n > 64L * 1024 * 1024 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)n);
	size_t blen = sodium_base64_encoded_len((size_t)n, sodium_base64_VARIANT_ORIGINAL);
	b64 = malloc(blen);
	if (!buf || !b64 || fread(buf, 1, (size_t)n, f) != (size_t)n)
		goto out;
	sodium_bin2base64(b64, blen, buf, (size_t)n, sodium_base64_VARIANT_ORIGINAL);
	out = json_string(b64);
out:
	free(buf);
	free(b64);
	fclose(f);
	return out;
}

void dt_h_accounts_bulk(struct dt_ctx *c)
{
	json_t *ids = json_object_get(c->body, "trainee_ids"),
	       *all = json_object_get(c->body, "all");
	const char *lang = dt_query(c, "lang");
	if (lang && strcmp(lang, "zh") && strcmp(lang, "en")) {
		dt_reply_code(c, 422, "lang", "http.one_of", "values", "zh|en", NULL);
		return;
	}
	if ((ids == NULL) == !json_is_true(all)) {
		dt_reply_code(c, 422, "trainee_ids", "account.bulk_ids", "max", "5000", NULL);
		return;
	}
	json_t *items = NULL;
	int rc =
		dt_store_accounts_bulk(c->store, &c->actor, &c->cred.account, ids, &items, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	json_t *body = json_pack("{s:o}", "items", items), *x = NULL;
	char path[512];
	if (dt_h_temp_file(path, sizeof(path), ".xlsx") == 0) {
		if (dt_account_codes_xlsx(items, lang && !strcmp(lang, "en"), path, &c->err) ==
		    DT_OK)
			x = file_base64(path);
		else
			dt_log_error("request %s: %s", c->req->request_id, c->err.buf);
		unlink(path);
	}
	json_object_set_new(body, "xlsx", x ? x : json_null());
	dt_http_add_header(c->res, "cache-control", "no-store");
	dt_reply_json(c, 201, body);
}
