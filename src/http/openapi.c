/*
 * openapi.c - the OpenAPI 3.1 document, built from the route table and the
 * entity table so that it cannot drift from what the server does.
 *
 * Generic routes ("/api/v1/{kind}") are expanded to one path per entity
 * ("/api/v1/trainees"); every operation names the route-table pattern it
 * comes from in "x-route" and the permissions it needs in "x-permission";
 * "x-roles" is the role table, "x-entities" each entity's scope rule and
 * write permission, and a reference field names its entity in "x-ref".
 * Schemas: <Entity> (what the API returns: every field is always present),
 * <Entity>Create and <Entity>Patch (what it accepts), Problem (RFC 9457)
 * and the list envelope.
 */
#include <stdio.h>
#include <string.h>

#include "http/app.h"
#include "domain/entity.h"
#include "core/banned.h"

#define XLSX_MIME "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static json_t *field_schema(const struct dt_field *f, bool nullable)
{
	json_t *s = json_object();
	const char *type = "string";
	switch (f->type) {
	case DT_F_INT:
	case DT_F_REF: type = "integer"; break;
	case DT_F_REAL: type = "number"; break;
	case DT_F_BOOL: type = "boolean"; break;
	case DT_F_DATE: json_object_set_new(s, "format", json_string("date")); break;
	case DT_F_TIME: json_object_set_new(s, "format", json_string("date-time")); break;
	case DT_F_REGION: json_object_set_new(s, "pattern", json_string("^[0-9]{6}$")); break;
	case DT_F_ENUM: {
		json_t *en = json_array();
		const char *p = f->values;
		while (*p) {
			const char *bar = strchr(p, '|');
			size_t n = bar ? (size_t)(bar - p) : strlen(p);
			json_array_append_new(en, json_stringn(p, n));
			p += n + (bar ? 1 : 0);
		}
		if (nullable)
			json_array_append_new(en, json_null());
		json_object_set_new(s, "enum", en);
		break;
	}
	default:
		if (f->max)
			json_object_set_new(s, "maxLength", json_integer(f->max));
		break;
	}
	if ((f->type == DT_F_INT || f->type == DT_F_REAL) && (f->min || f->max)) {
		json_object_set_new(s, "minimum", json_integer(f->min));
		json_object_set_new(s, "maximum", json_integer(f->max));
	}
	if (f->flags & DT_FF_CENTI) /* stored as hundredths: two decimals at most ("number.step") */
		json_object_set_new(s, "multipleOf", json_real(0.01));
	if (nullable)
		json_object_set_new(s, "type", json_pack("[s, s]", type, "null"));
	else
		json_object_set_new(s, "type", json_string(type));
	if (f->type == DT_F_REF)
		json_object_set_new(s, "x-ref", json_string(f->ref));
	if (f->flags & DT_FF_OPENREF) /* may name a record outside the writer's scope */
		json_object_set_new(s, "x-openref", json_true());
	char desc[256];
	/* What a caller without pii:read is shown (docs/API.md, "Personal data"). */
	const char *coarse = !(f->flags & (DT_FF_PII | DT_FF_QUASI)) ? ""
			     : f->flags & DT_FF_PII
				     ? "; without pii:read only its first 4 characters"
			     : f->type == DT_F_DATE ? "; without pii:read the year only (YYYY)"
						    : "; without pii:read cut to its city";
	snprintf(desc, sizeof(desc), "%s / %s%s", f->label_en, f->label_zh, coarse);
	json_object_set_new(s, "description", json_string(desc));
	return s;
}

static json_t *ref(const char *name)
{
	char buf[96];
	snprintf(buf, sizeof(buf), "#/components/schemas/%s", name);
	return json_pack("{s:s}", "$ref", buf);
}

/* "record-entries" -> "RecordEntry" style schema names from the entity name. */
static void schema_name(const struct dt_entity *e, const char *suffix, char *out, size_t n)
{
	size_t j = 0;
	bool up = true;
	for (const char *p = e->name; *p && j + 1 < n; p++) {
		if (*p == '_') {
			up = true;
			continue;
		}
		out[j++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
		up = false;
	}
	out[j] = '\0';
	snprintf(out + j, n - j, "%s", suffix);
}

static void entity_schemas(json_t *schemas)
{
	for (const struct dt_entity *e = dt_entities; e->name; e++) {
		json_t *props = json_object(), *req = json_array();
		json_t *cprops = json_object(), *creq = json_array(), *pprops = json_object();
		for (size_t i = 0; i < e->nfields; i++) {
			const struct dt_field *f = &e->fields[i];
			bool out_nullable =
				!(f->flags & DT_FF_REQUIRED) && strcmp(f->name, "id") &&
				strcmp(f->name, "created_at") && strcmp(f->name, "updated_at") &&
				!(f->type == DT_F_REGION && !(e->flags & DT_EF_NATIONAL));
			json_object_set_new(props, f->name, field_schema(f, out_nullable));
			json_array_append_new(req, json_string(f->name));
			if (f->flags & DT_FF_SYSTEM)
				continue;
			json_object_set_new(cprops, f->name,
					    field_schema(f, !(f->flags & DT_FF_REQUIRED)));
			if (f->flags & DT_FF_REQUIRED)
				json_array_append_new(creq, json_string(f->name));
			if (!(f->flags & DT_FF_IMMUTABLE))
				json_object_set_new(pprops, f->name,
						    field_schema(f, !(f->flags & DT_FF_REQUIRED)));
		}
		char name[64];
		char title[128];
		snprintf(title, sizeof(title), "%s / %s", e->label_en, e->label_zh);
		schema_name(e, "", name, sizeof(name));
		json_object_set_new(schemas, name,
				    json_pack("{s:s, s:s, s:o, s:o}", "type", "object", "title",
					      title, "properties", props, "required", req));
		schema_name(e, "Create", name, sizeof(name));
		json_object_set_new(schemas, name,
				    json_pack("{s:s, s:o, s:o, s:b}", "type", "object",
					      "properties", cprops, "required", creq,
					      "additionalProperties", 0));
		schema_name(e, "Patch", name, sizeof(name));
		json_object_set_new(schemas, name,
				    json_pack("{s:s, s:o, s:b}", "type", "object", "properties",
					      pprops, "additionalProperties", 0));
		schema_name(e, "List", name, sizeof(name));
		char item[64];
		schema_name(e, "", item, sizeof(item));
		json_object_set_new(schemas, name,
				    json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:[s, s]}}, s:[s, s]}",
					      "type", "object", "properties", "items", "type",
					      "array", "items", ref(item), "next", "type", "string",
					      "null", "required", "items", "next"));
	}
}

static json_t *problem_response(const char *desc)
{
	return json_pack("{s:s, s:{s:{s:o}}}", "description", desc, "content",
			 "application/problem+json", "schema", ref("Problem"));
}

static json_t *json_response(const char *desc, json_t *schema)
{
	return json_pack("{s:s, s:{s:{s:o}}}", "description", desc, "content", "application/json",
			 "schema", schema);
}

static json_t *param(const char *name, const char *in, bool required, const char *type,
		     const char *desc)
{
	return json_pack("{s:s, s:s, s:b, s:{s:s}, s:s}", "name", name, "in", in, "required",
			 required, "schema", "type", type, "description", desc);
}

/*
 * Imports, jobs, exports and templates (h_io.c): their parameters, bodies
 * and responses.  False for any other route.
 */
/* The findings list's filters into @params; @paging: with after and limit. */
static void finding_filters(json_t *params, bool paging)
{
	static const char *const q[][2] = {
		{ "status", "open, rectifying, submitted or closed" },
		{ "severity", "general, serious or grave (一般, 较重, 严重)" },
		{ "region", "within this region" },
		{ "inspection_id", "of this inspection" },
		{ "org_id", "of this responsible organisation" },
		{ "overdue", "true: only open or rectifying findings past their deadline" },
		{ "after", "ids after this one (the previous page's next)" },
		{ "limit", "1..1000, default 100" },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(q) - (paging ? 0 : 2); i++)
		json_array_append_new(params, param(q[i][0], "query", false, "string", q[i][1]));
}

/* A JSON object schema with @props ("name:type" strings, NULL-ended) and no others. */
static json_t *object_of(const char *const *props)
{
	json_t *o = json_pack("{s:s, s:{}}", "type", "object", "properties");
	for (; *props; props++) {
		char name[48];
		const char *colon = strchr(*props, ':');
		snprintf(name, sizeof(name), "%.*s", (int)(colon - *props), *props);
		json_object_set_new(json_object_get(o, "properties"), name,
				    json_pack("{s:s}", "type", colon + 1));
	}
	return o;
}

/* Account management and one's own password and sessions (h_accounts.c, h_session.c). */
static bool account_operation(const struct dt_route *r, json_t *op, json_t *params, json_t *resp)
{
	static const char *const account[] = { "id:integer",
					       "login:string",
					       "role:string",
					       "display_name:string",
					       "email:string",
					       "phone:string",
					       "disabled:boolean",
					       "must_change_password:boolean",
					       "org_admin:boolean",
					       "scope:object",
					       NULL };
	static const char *const create[] = {
		"login:string",        "role:string",       "scope:string",
		"display_name:string", "email:string",      "phone:string",
		"org_admin:boolean",   "mentor_id:integer", NULL
	};
	static const char *const change[] = { "display_name:string", "email:string", "phone:string",
					      "disabled:boolean", NULL };
	static const char *const password[] = { "old_password:string", "new_password:string",
						NULL };
	static const char *const activate[] = { "login:string", "code:string",
						"new_password:string", NULL };
	static const char *const bulk[] = { "trainee_ids:array", "all:boolean", NULL };
	const char *p = r->pattern;
	const char *const *body = NULL;
	if (strncmp(p, "/api/v1/accounts", 16) && strncmp(p, "/api/v1/session/", 16))
		return false;
	if (!strcmp(p, "/api/v1/accounts") && !strcmp(r->method, "GET")) {
		json_array_append_new(params, param("limit", "query", false, "integer", "1..1000"));
		json_array_append_new(params, param("cursor", "query", false, "string",
						    "from the previous page's next"));
		json_array_append_new(params, param("role", "query", false, "string", "filter"));
		json_array_append_new(params,
				      param("disabled", "query", false, "string", "true or false"));
		json_array_append_new(params, param("q", "query", false, "string",
						    "in the login or display name"));
		json_object_set_new(resp, "200",
				    json_response("{items, next}",
						  object_of((const char *const[]){
							  "items:array", "next:string", NULL })));
	} else if (!strcmp(p, "/api/v1/accounts")) {
		body = create;
		json_object_set_new(resp, "201",
				    json_response("the account and its one-time activation_code",
						  object_of(account)));
	} else if (!strcmp(p, "/api/v1/accounts/bulk")) {
		body = bulk;
		json_array_append_new(
			params, param("lang", "query", false, "string", "zh or en: the sheet"));
		json_object_set_new(
			resp, "201",
			json_response("{items: [{id, login, display_name, trainee_id, "
				      "activation_code, activation_expires}], xlsx: base64}",
				      object_of((const char *const[]){ "items:array", "xlsx:string",
								       NULL })));
	} else if (!strncmp(p, "/api/v1/accounts/", 17)) {
		if (!strcmp(r->method, "PATCH"))
			body = change;
		json_object_set_new(
			resp, "200",
			json_response(strstr(p, "/reset")
					      ? "the account and its new activation_code"
					      : "the account",
				      object_of(account)));
	} else if (!strcmp(p, "/api/v1/session/password")) {
		body = password;
		json_object_set_new(resp, "200",
				    json_response("the user (must_change_password false)",
						  json_pack("{s:s}", "type", "object")));
	} else if (!strcmp(p, "/api/v1/session/activate")) {
		body = activate;
		json_object_set_new(resp, "200", json_response("signed in", ref("Session")));
	} else if (!strcmp(r->method, "DELETE")) {
		json_object_set_new(resp, "204", json_pack("{s:s}", "description", "revoked"));
	} else {
		json_object_set_new(
			resp, "200",
			json_response("{items: [{id, created_at, expires_at, current}]}",
				      object_of((const char *const[]){ "items:array", NULL })));
	}
	if (body)
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
					      "application/json", "schema", object_of(body)));
	return true;
}

static bool io_operation(const struct dt_route *r, json_t *op, json_t *params, json_t *resp)
{
	static const char xlsx[] = XLSX_MIME;
	const char *p = r->pattern;
	if (strncmp(p, "/api/v1/imports", 15) && strncmp(p, "/api/v1/jobs", 12) &&
	    strncmp(p, "/api/v1/exports/", 16) && strncmp(p, "/api/v1/templates/", 18))
		return false;
	json_t *job = json_pack("{s:s}", "type", "object");
	if (!strcmp(p, "/api/v1/imports")) {
		json_array_append_new(
			params,
			param("kind", "query", true, "string",
			      "what the file holds: trainees, organizations, contracts, ..."));
		json_array_append_new(params,
				      param("partial", "query", false, "string",
					    "1: import the good rows even if some are rejected"));
		json_array_append_new(params, param("encoding", "query", false, "string",
						    "of a CSV file: auto (default), utf-8 or gbk"));
		json_array_append_new(params, param("name", "query", false, "string",
						    "the file's name, kept with the job"));
		/* a CSV file or an XLSX workbook: the server tells them apart by content */
		json_object_set_new(
			op, "requestBody",
			json_pack(
				"{s:b, s:{s:{s:{s:s}}, s:{s:{s:s, s:s}}}}", "required", 1,
				"content", "text/csv", "schema", "type", "string",
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
				"schema", "type", "string", "format", "binary"));
		json_object_set_new(resp, "202",
				    json_response("the queued job (Location: its URL)", job));
		return true;
	}
	if (strstr(p, "/report")) {
		json_decref(job);
		json_object_set_new(resp, "200",
				    json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
					      "the error report", "content", "text/csv", "schema",
					      "type", "string"));
		return true;
	}
	if (!strncmp(p, "/api/v1/jobs", 12)) {
		json_object_set_new(
			resp, !strcmp(r->method, "DELETE") ? "202" : "200",
			json_response(strstr(p, "{id}") ? "the job" : "{items, next}", job));
		return true;
	}
	json_decref(job);
	if (!strcmp(p, "/api/v1/exports/findings.xlsx")) {
		/* the findings board as a report: names, local dates (h_findings.c) */
		finding_filters(params, false);
		json_array_append_new(params, param("lang", "query", false, "string",
						    "zh (default) or en: column names and values"));
		json_object_set_new(resp, "200",
				    json_pack("{s:s, s:{s:{s:{s:s, s:s}}}}", "description",
					      "the findings (Content-Disposition: attachment; "
					      "X-Record-Count)",
					      "content", xlsx, "schema", "type", "string", "format",
					      "binary"));
		return true;
	}
	json_array_append_new(params, param("file", "path", true, "string",
					    "KIND.csv or KIND.xlsx, e.g. trainees.xlsx"));
	json_array_append_new(params, param("lang", "query", false, "string",
					    "zh (default) or en: column names and values"));
	if (!strncmp(p, "/api/v1/exports/", 16)) {
		json_array_append_new(params,
				      param("unmask", "query", false, "string",
					    "1: national IDs in clear (pii:read; audited)"));
		json_array_append_new(params,
				      param("q", "query", false, "string", "free-text search"));
	}
	json_object_set_new(resp, "200",
			    json_pack("{s:s, s:{s:{s:{s:s}}, s:{s:{s:s, s:s}}}}", "description",
				      "the file (Content-Disposition: attachment)", "content",
				      "text/csv", "schema", "type", "string", xlsx, "schema",
				      "type", "string", "format", "binary"));
	return true;
}

/*
 * Inspection plans and inspections (h_inspection.c; docs/SUPERVISION.md):
 * their bodies and responses.  False for any other route.
 */
static bool supervision_operation(const struct dt_route *r, json_t *op, json_t *params,
				  json_t *resp)
{
	const char *p = r->pattern;
	bool plans = !strncmp(p, "/api/v1/inspection-plans", 24);
	bool pool = !strcmp(p, "/api/v1/inspectors");
	if (!plans && !pool && strncmp(p, "/api/v1/inspections", 19))
		return false;
	json_t *obj = json_pack("{s:s}", "type", "object");
	if (pool)
		json_array_append_new(params,
				      param("region", "query", false, "string",
					    "the plan's province or city (default: your region)"));
	if (!strcmp(p, "/api/v1/inspections"))
		json_array_append_new(params, param("plan_id", "query", false, "integer",
						    "only the inspections of this plan"));
	if (!strcmp(r->method, "POST") && !strcmp(p, "/api/v1/inspection-plans")) {
		json_object_set_new(
			op, "requestBody",
			json_pack("{s:b, s:{s:{s:{s:s, s:[s,s,s,s,s,s,s], s:{s:{s:s}, s:{s:s}, "
				  "s:{s:s}, s:{s:s}, s:{s:[s,s]}, s:{s:s}, s:{s:s}, s:{s:s}, "
				  "s:{s:s}, s:{s:s}}}}}}",
				  "required", 1, "content", "application/json", "schema", "type",
				  "object", "required", "region", "year", "title", "object_kinds",
				  "sample_kind", "sample_value", "inspectors", "properties",
				  "region", "type", "string", "year", "type", "integer", "title",
				  "type", "string", "object_kinds", "type", "string", "sample_kind",
				  "enum", "count", "rate", "sample_value", "type", "number",
				  "cross_city", "type", "boolean", "weights", "type", "object",
				  "inspectors", "type", "array", "checklist", "type", "array"));
		json_object_set_new(resp, "201", json_response("the draft plan", obj));
	} else if (strstr(p, "/defaults")) {
		json_object_set_new(
			resp, "200",
			json_response("{weights, checklist, object_kinds, checklist_max}", obj));
	} else if (strstr(p, "/verify")) {
		json_object_set_new(
			resp, "200",
			json_response("{plan, ok, difference, difference_at, seed, seed_hash, "
				      "inputs_hash, result_hash, drawn, candidates, inspectors}",
				      obj));
	} else if (strstr(p, "{id}")) {
		json_object_set_new(resp, "200",
				    json_response(plans ? "the plan" : "the inspection", obj));
	} else {
		json_object_set_new(
			resp, "200",
			json_response("{items, next}", json_pack("{s:s, s:[s]}", "type", "object",
								 "required", "items")));
		json_decref(obj);
	}
	return true;
}

/* Parameters and responses of the monitoring routes (http/h_indicators.c). */
static bool monitor_operation(const struct dt_route *r, json_t *op, json_t *params, json_t *resp)
{
	const char *p = r->pattern;
	bool ind = !strncmp(p, "/api/v1/indicators", 18), rank = !strcmp(p, "/api/v1/rankings"),
	     targets = !strcmp(p, "/api/v1/targets"), alert = !strncmp(p, "/api/v1/alerts/", 15);
	if (!ind && !rank && !targets && !alert)
		return false;
	if (alert) {
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b, s:{s:{s:{s:s, s:{s:{s:s}}}}}}", "required", 0,
					      "content", "application/json", "schema", "type",
					      "object", "properties", "note", "type", "string"));
		json_object_set_new(resp, "200", json_response("the alert", ref("Alert")));
		return true;
	}
	if (targets && !strcmp(r->method, "PUT")) {
		json_object_set_new(
			op, "requestBody",
			json_pack(
				"{s:b, s:{s:{s:{s:s, s:[s,s], s:{s:{s:[s,s]}, s:{s:s}, s:{s:s, s:{s:s}}}}}}}",
				"required", 1, "content", "application/json", "schema", "type",
				"object", "required", "year", "targets", "properties", "region",
				"type", "string", "null", "year", "type", "integer", "targets",
				"type", "array", "items", "type", "object"));
		json_object_set_new(resp, "200",
				    json_response("the saved targets",
						  json_pack("{s:s, s:[s]}", "type", "object",
							    "required", "items")));
		return true;
	}
	json_array_append_new(
		params,
		param("region", "query", false, "string",
		      "region code within your scope (default: your scope; 000000 the nation)"));
	json_array_append_new(
		params, param("year", "query", false, "integer", "the year (default: this year)"));
	if (ind && !strstr(p, "series")) {
		bool xlsx = strstr(p, ".xlsx") != NULL;
		json_array_append_new(params, param("quarter", "query", false, "integer", "1..4"));
		json_array_append_new(params, param("month", "query", false, "integer", "1..12"));
		json_array_append_new(
			params, param("occupation", "query", false, "string", "occupation code"));
		if (xlsx) {
			json_array_append_new(
				params, param("indicator", "query", false, "string",
					      "the indicator charted (default: the first with a "
					      "value)"));
			json_array_append_new(params, param("lang", "query", false, "string",
							    "zh or en (default: Accept-Language)"));
			json_object_set_new(
				resp, "200",
				json_pack("{s:s, s:{s:{s:{s:s, s:s}}}}", "description",
					  "the workbook: indicators, months, sub-regions, ranking, "
					  "with native charts",
					  "content", XLSX_MIME, "schema", "type", "string",
					  "format", "binary"));
			return true;
		}
		json_array_append_new(params, param("children", "query", false, "string",
						    "0 leaves out the sub-regions' values"));
		json_object_set_new(
			resp, "200",
			json_response("the indicators",
				      json_pack("{s:s, s:[s,s,s,s]}", "type", "object", "required",
						"region", "period", "indicators", "children")));
	} else if (ind) {
		json_object_set_new(resp, "200",
				    json_response("monthly values",
						  json_pack("{s:s, s:[s,s]}", "type", "object",
							    "required", "periods", "series")));
	} else if (rank) {
		json_array_append_new(params, param("level", "query", false, "string",
						    "city (default) or province"));
		json_object_set_new(
			resp, "200",
			json_response("the ranking",
				      json_pack("{s:s, s:[s,s,s]}", "type", "object", "required",
						"year", "weights", "items")));
	} else {
		json_object_set_new(
			resp, "200",
			json_response("the targets in force",
				      json_pack("{s:s, s:[s,s,s]}", "type", "object", "required",
						"region", "year", "items")));
	}
	return true;
}

/*
 * The role table ("x-roles": role -> the permissions it holds) and the
 * entities ("x-entities": name, plural, scope rule, the permission that
 * writes them), so that a client or a test learns who may do what from the
 * server itself.
 */
static void roles_and_entities(json_t *doc)
{
	static const char *const rule_names[] = {
		[DT_SCOPE_UNSET] = "unset", [DT_SCOPE_PUBLIC] = "public", [DT_SCOPE_GOV] = "gov",
		[DT_SCOPE_AREA] = "area",   [DT_SCOPE_PARTY] = "party",
	};
	json_t *roles = json_object(), *ents = json_array();
	unsigned perms;
	const char *role;
	for (size_t i = 0; (role = dt_role_at(i, &perms)); i++)
		json_object_set_new(roles, role, dt_perm_json(perms));
	for (const struct dt_entity *e = dt_entities; e->name; e++)
		json_array_append_new(
			ents,
			json_pack("{s:s, s:s, s:s, s:o, s:b, s:b, s:b}", "name", e->name, "plural",
				  e->plural, "scope", rule_names[e->scope], "write_permission",
				  dt_perm_json(dt_entity_write_perm(e->name)), "system",
				  (e->flags & DT_EF_SYSTEM) != 0, "delete",
				  (e->flags & DT_EF_DELETE) != 0,
				  /* schools and enterprises read all of it (minimum wages) */
				  "party_read", (e->flags & DT_EF_PARTY_READ) != 0));
	json_object_set_new(doc, "x-roles", roles);
	json_object_set_new(doc, "x-entities", ents);
}

/*
 * The printed documents (h_documents.c): the report's region and file,
 * ?lang=, and a PDF as the answer; false for other routes.
 */
static bool document_operation(const struct dt_route *r, json_t *params, json_t *resp)
{
	bool contract = !strncmp(r->pattern, "/api/v1/contracts/{id}/", 23) &&
			!strcmp(r->method, "GET"),
	     report = !strncmp(r->pattern, "/api/v1/reports/", 16);
	if (!contract && !report)
		return false;
	if (report) {
		json_array_append_new(params, param("region", "path", true, "string",
						    "the pilot city or province, a region code"));
		json_array_append_new(
			params, param("file", "path", true, "string", "YEAR.pdf, e.g. 2026.pdf"));
	}
	json_array_append_new(params, param("lang", "query", false, "string",
					    "zh or en (default: Accept-Language, else zh)"));
	json_object_set_new(resp, "200",
			    json_pack("{s:s, s:{s:{s:{s:s, s:s}}}}", "description",
				      "the PDF (Content-Disposition: attachment)", "content",
				      "application/pdf", "schema", "type", "string", "format",
				      "binary"));
	json_object_set_new(resp, "404",
			    problem_response("no such record, or outside your scope (the same)"));
	return true;
}

/* The operation for route @r on entity @e (NULL for non-generic routes). */
/*
 * Supervision (h_findings.c): the hash of a file, the findings list's
 * filters, the file upload's body and the file's answer; false for other
 * routes.
 */
static bool finding_operation(const struct dt_route *r, json_t *op, json_t *params, json_t *resp)
{
	static const char *const types[] = { "image/jpeg", "image/png", "image/webp",
					     "application/pdf" };
	bool conduct = !strncmp(r->pattern, "/api/v1/inspections/", 20) &&
		       (!strcmp(r->method, "PATCH") || strstr(r->pattern, "/results"));
	if (strncmp(r->pattern, "/api/v1/findings", 16) &&
	    strncmp(r->pattern, "/api/v1/attachments", 19) &&
	    strcmp(r->pattern, "/api/v1/supervision") && !conduct)
		return false;
	if (strstr(r->pattern, "{hash}"))
		json_array_append_new(params, param("hash", "path", true, "string",
						    "BLAKE2b-256 of the file, 64 hex digits"));
	if (!strcmp(r->pattern, "/api/v1/findings") && !strcmp(r->method, "GET"))
		finding_filters(params, true);
	if (r->flags & DT_R_UPLOAD) {
		json_t *content = json_object();
		for (size_t i = 0; i < DT_ARRAY_SIZE(types); i++)
			json_object_set_new(content, types[i],
					    json_pack("{s:{s:s, s:s}}", "schema", "type", "string",
						      "format", "binary"));
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b, s:o}", "required", 1, "content", content));
		json_array_append_new(params,
				      param("name", "query", false, "string",
					    "the file's name (made safe; the type comes from "
					    "the content)"));
		json_object_set_new(resp, "201",
				    json_response("{hash, mime, size, name}",
						  json_pack("{s:s}", "type", "object")));
		json_object_set_new(resp, "413", problem_response("over 10 MiB"));
	} else if (strstr(r->pattern, "{hash}")) {
		json_t *content = json_object();
		for (size_t i = 0; i < DT_ARRAY_SIZE(types); i++)
			json_object_set_new(content, types[i],
					    json_pack("{s:{s:s, s:s}}", "schema", "type", "string",
						      "format", "binary"));
		json_object_set_new(resp, "200",
				    json_pack("{s:s, s:o}", "description",
					      "the file, as its content was sniffed (nosniff, "
					      "Content-Disposition, CSP sandbox)",
					      "content", content));
	} else {
		if (r->flags & DT_R_BODY)
			json_object_set_new(op, "requestBody",
					    json_pack("{s:b, s:{s:{s:{s:s}}}}", "required", 1,
						      "content", "application/json", "schema",
						      "type", "object"));
		json_object_set_new(resp, !strcmp(r->method, "POST") ? "201" : "200",
				    json_response("the finding or inspection",
						  json_pack("{s:s}", "type", "object")));
	}
	return true;
}

/*
 * Publicity (h_publicity.c): the lists' filters, the search query, the JSON
 * bodies and answers; false for other routes.
 */
static bool publicity_operation(const struct dt_route *r, json_t *op, json_t *params, json_t *resp)
{
	const char *p = r->pattern;
	bool cases = !strncmp(p, "/api/v1/cases", 13), news = !strncmp(p, "/api/v1/news", 12),
	     pol = !strncmp(p, "/api/v1/policies", 16), pub = !strncmp(p, "/api/v1/publicity/", 18);
	if (!cases && !news && !pol && !pub)
		return false;
	bool list = !strcmp(r->method, "GET") && !strstr(p, "{id}") && !pub;
	if (list) {
		json_array_append_new(params, param("region", "query", false, "string",
						    "within this region (6 digits)"));
		json_array_append_new(params, param("status", "query", false, "string",
						    "draft, submitted, recommended, approved, "
						    "published, withdrawn"));
		json_array_append_new(
			params, param("limit", "query", false, "integer", "1..200, default 20"));
		json_array_append_new(params,
				      param("offset", "query", false, "integer", "rows to skip"));
		if (cases) {
			json_array_append_new(params, param("occupation", "query", false, "string",
							    "an occupation code the case names"));
			json_array_append_new(
				params, param("industry", "query", false, "string", "industry"));
		}
		if (news)
			json_array_append_new(params, param("kind", "query", false, "string",
							    "news or notice (default both)"));
	}
	if (!strcmp(p, "/api/v1/publicity/search")) {
		json_array_append_new(params, param("q", "query", true, "string",
						    "words to find (Chinese needs no spaces)"));
		json_array_append_new(
			params, param("limit", "query", false, "integer", "1..200, default 50"));
	}
	if (r->flags & (DT_R_BODY | DT_R_OPT_BODY))
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b, s:{s:{s:{s:s}}}}", "required",
					      (r->flags & DT_R_BODY) != 0, "content",
					      "application/json", "schema", "type", "object"));
	json_object_set_new(resp,
			    !strcmp(r->method, "POST") && !strstr(p, "{") && !pub ? "201" : "200",
			    json_response(list  ? "{items, total}"
					  : pub ? "{items} or {html}"
						: "the case or item",
					  json_pack("{s:s}", "type", "object")));
	return true;
}

static json_t *operation(const struct dt_route *r, const struct dt_entity *e)
{
	json_t *op = json_object(), *params = json_array(), *resp = json_object();
	char name[64], summary[200];
	snprintf(summary, sizeof(summary), "%s%s%s", r->summary, e ? ": " : "",
		 e ? e->label_en : "");
	json_object_set_new(op, "summary", json_string(summary));
	json_object_set_new(op, "x-route", json_string(r->pattern));
	json_object_set_new(op, "x-permission", dt_perm_json(r->perm));
	if (strstr(r->pattern, "{id}"))
		json_array_append_new(params, param("id", "path", true, "integer", "record id"));
	if (strstr(r->pattern, "/alerts/{id}/{action}")) {
		json_t *p = param("action", "path", true, "string", "alert action");
		json_object_set_new(json_object_get(p, "schema"), "enum",
				    json_pack("[s,s]", "ack", "resolve"));
		json_array_append_new(params, p);
	} else if (strstr(r->pattern, "/inspection-plans/{id}/{action}")) {
		json_t *p = param("action", "path", true, "string", "inspection plan step");
		json_object_set_new(
			json_object_get(p, "schema"), "enum",
			json_pack("[s,s,s,s,s]", "commit", "draw", "reveal", "start", "close"));
		json_array_append_new(params, p);
	} else if (strstr(r->pattern, "/cases/{id}/{action}")) {
		json_t *p = param("action", "path", true, "string", "case step");
		json_object_set_new(json_object_get(p, "schema"), "enum",
				    json_pack("[s,s,s,s,s,s,s,s]", "submit", "recommend", "approve",
					      "publish", "feature", "unfeature", "send-back",
					      "withdraw"));
		json_array_append_new(params, p);
	} else if (strstr(r->pattern, "/news/{id}/{action}") ||
		   strstr(r->pattern, "/policies/{id}/{action}")) {
		json_t *p = param("action", "path", true, "string", "publishing step");
		json_object_set_new(json_object_get(p, "schema"), "enum",
				    json_pack("[s,s]", "publish", "withdraw"));
		json_array_append_new(params, p);
	} else if (strstr(r->pattern, "{action}")) {
		json_t *p = param("action", "path", true, "string", "contract action");
		json_object_set_new(json_object_get(p, "schema"), "enum",
				    json_pack("[s,s,s,s,s,s,s]", "submit", "withdraw", "approve",
					      "activate", "complete", "dissolve", "transfer"));
		json_array_append_new(params, p);
	}
	if (!strcmp(r->method, "GET") && e && !strstr(r->pattern, "{id}")) {
		json_array_append_new(
			params, param("limit", "query", false, "integer", "1..1000, default 50"));
		json_array_append_new(params, param("cursor", "query", false, "string",
						    "from the previous page's next"));
		json_array_append_new(
			params,
			param("offset", "query", false, "integer",
			      "0..100000: rows to skip when there is no cursor (page numbers)"));
		json_array_append_new(
			params, param("total", "query", false, "string",
				      "1: the reply carries total, the count of all matches"));
		json_array_append_new(params, param("sort", "query", false, "string",
						    "a sortable field; -field for descending"));
		json_array_append_new(params,
				      param("q", "query", false, "string", "free-text search"));
		for (size_t i = 0; i < e->nfields; i++)
			if (e->fields[i].flags & DT_FF_FILTER)
				json_array_append_new(
					params, param(e->fields[i].name, "query", false, "string",
						      "filter: exact match (region: within)"));
	}
	if (!strcmp(r->method, "GET") && e && strstr(r->pattern, "{id}"))
		json_array_append_new(
			params, param("unmask", "query", false, "string",
				      "1 to show personal identity numbers (pii:read; audited)"));
	json_object_set_new(op, "parameters", params);

	if (e) {
		schema_name(e, !strcmp(r->method, "POST") ? "Create" : "Patch", name, sizeof(name));
		if (r->flags & DT_R_BODY)
			json_object_set_new(op, "requestBody",
					    json_pack("{s:b, s:{s:{s:o}}}", "required", 1,
						      "content", "application/json", "schema",
						      ref(name)));
		schema_name(e, strstr(r->pattern, "{id}") || strcmp(r->method, "GET") ? "" : "List",
			    name, sizeof(name));
		if (!strcmp(r->method, "DELETE"))
			json_object_set_new(resp, "204",
					    json_pack("{s:s}", "description", "deleted"));
		else
			json_object_set_new(resp, !strcmp(r->method, "POST") ? "201" : "200",
					    json_response("the record", ref(name)));
	} else if (!strcmp(r->pattern, "/api/v1/session") && !strcmp(r->method, "POST")) {
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
					      "application/json", "schema", ref("Login")));
		json_object_set_new(resp, "200", json_response("signed in", ref("Session")));
		json_object_set_new(resp, "429", problem_response("too many failed sign-ins"));
	} else if (!strcmp(r->pattern, "/api/v1/schema")) {
		json_object_set_new(
			resp, "200",
			json_response(
				"entities -> {plural, label_zh, label_en, write, delete, system, fields: "
				"[{name, type, label_zh, label_en, required?, immutable?, system?, "
				"filter?, sort?, pii?, quasi?, min?, max?, values?, ref?, ref_kind?}]}; "
				"permissions: every permission's name (ETag, gzip)",
				json_pack("{s:s, s:[s, s]}", "type", "object", "required",
					  "entities", "permissions")));
		json_object_set_new(
			resp, "304",
			json_pack("{s:s}", "description", "not modified (If-None-Match)"));
	} else if (document_operation(r, params, resp)) {
		/* contract, record book and annual report as PDF */
	} else if (monitor_operation(r, op, params, resp)) {
		/* indicators, series, rankings, targets, alert actions */
	} else if (publicity_operation(r, op, params, resp)) {
		/* good-practice cases, news, policy documents, search, preview */
	} else if (finding_operation(r, op, params, resp)) {
		/* inspections conducted, findings, rectifications, files, supervision indicators */
	} else if (supervision_operation(r, op, params, resp)) {
		/* inspection plans, the draw, inspections */
	} else if (io_operation(r, op, params, resp)) {
		/* imports, jobs, exports, templates */
	} else if (account_operation(r, op, params, resp)) {
		/* account management, one's own password and sessions */
	} else if (!strcmp(r->method, "DELETE")) {
		json_object_set_new(resp, "204", json_pack("{s:s}", "description", "signed out"));
	} else if (!strcmp(r->pattern, "/metrics")) {
		json_object_set_new(resp, "200",
				    json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
					      "Prometheus text", "content", "text/plain", "schema",
					      "type", "string"));
	} else {
		json_object_set_new(resp, "200",
				    json_response("ok", json_pack("{s:s}", "type", "object")));
	}
	json_object_set_new(resp, "default", problem_response("an error (RFC 9457)"));
	json_object_set_new(op, "responses", resp);
	if (r->flags & DT_R_PUBLIC)
		json_object_set_new(op, "security", json_array());
	return op;
}

static void add_op(json_t *paths, const char *path, const char *method, json_t *op)
{
	json_t *item = json_object_get(paths, path);
	if (!item) {
		item = json_object();
		json_object_set_new(paths, path, item);
	}
	char m[8];
	size_t i = 0;
	for (; method[i] && i + 1 < sizeof(m); i++)
		m[i] = (char)(method[i] >= 'A' && method[i] <= 'Z' ? method[i] + 32 : method[i]);
	m[i] = '\0';
	json_object_set_new(item, m, op);
}

json_t *dt_openapi_document(void)
{
	json_t *paths = json_object(), *schemas = json_object();
	for (const struct dt_route *r = dt_routes; r->method; r++) {
		if (!strstr(r->pattern, "{kind}")) {
			add_op(paths, r->pattern, r->method, operation(r, NULL));
			continue;
		}
		for (const struct dt_entity *e = dt_entities; e->name; e++) {
			char path[128];
			const char *rest = strstr(r->pattern, "{kind}") + 6;
			snprintf(path, sizeof(path), "/api/v1/%s%s", e->plural, rest);
			/* A specific route before this one answers it (GET /api/v1/targets). */
			char m[8];
			size_t k = 0;
			for (; r->method[k] && k + 1 < sizeof(m); k++)
				m[k] = (char)(r->method[k] + 32);
			m[k] = '\0';
			if (json_object_get(json_object_get(paths, path), m))
				continue;
			add_op(paths, path, r->method, operation(r, e));
		}
	}
	entity_schemas(schemas);
	/* One problem: its code is stable (src/domain/catalogue.c), its message in the request's language. */
	json_t *problem = json_pack(
		"{s:s, s:{s:{s:[s, s]}, s:{s:s}, s:{s:s}, s:{s:s, s:{s:s}}}, s:[s, s, s]}", "type",
		"object", "properties", "field", "type", "string", "null", "code", "type", "string",
		"message", "type", "string", "args", "type", "object", "additionalProperties",
		"type", "string", "required", "field", "code", "message");
	json_object_set_new(
		schemas, "Problem",
		json_pack(
			"{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:O}}, s:[s, s]}",
			"type", "object", "properties", "type", "type", "string", "title", "type",
			"string", "status", "type", "integer", "detail", "type", "string",
			"instance", "type", "string", "errors", "type", "array", "items", problem,
			"required", "status", "title"));
	json_decref(problem);
	json_object_set_new(schemas, "Login",
			    json_pack("{s:s, s:{s:{s:s}, s:{s:s}}, s:[s, s]}", "type", "object",
				      "properties", "login", "type", "string", "password", "type",
				      "string", "required", "login", "password"));
	json_object_set_new(
		schemas, "Session",
		json_pack(
			"{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:{s:{s:s, s:{s:s}}}}}, s:[s, s, s]}",
			"type", "object", "properties", "token", "type", "string", "csrf", "type",
			"string", "expires_in", "type", "integer", "user", "type", "object",
			"properties", "permissions", "type", "array", "items", "type", "string",
			"required", "token", "csrf", "user"));
	json_t *doc = json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:{s:o, s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}}, s:[{s:[]}, {s:[]}]}",
		"openapi", "3.1.0", "info", "title", "dualtrack API (双元培育试点管理平台)",
		"version", "1", "description",
		"Registry, contracts and record book of the dual training pilot. Errors are RFC 9457 problems.",
		"servers", "url", "/", "paths", paths, "components", "schemas", schemas,
		"securitySchemes", "bearer", "type", "http", "scheme", "bearer", "cookie", "type",
		"apiKey", "in", "cookie", "name", "dt_session", "security", "bearer", "cookie");
	roles_and_entities(doc);
	return doc;
}
