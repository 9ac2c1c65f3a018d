/*
 * routes.c - the route table: every URL the server answers, its method,
 * handler and the permission it needs.  The dispatcher matches in order, so
 * specific patterns come before generic ones.  docs/API.md and
 * /api/openapi.json are generated from or checked against this table.
 */
#include <stddef.h>

#include "http/app.h"
#include "core/banned.h"

const struct dt_route dt_routes[] = {
	{ "GET", "/healthz", dt_h_healthz, 0, DT_R_PUBLIC, "Liveness and database check" },
	{ "GET", "/metrics", dt_h_metrics, 0, DT_R_PUBLIC | DT_R_OWN_AUTH,
	  "Prometheus metrics (with serve --metrics-token-file: that token as a bearer token)" },
	{ "GET", "/api/openapi.json", dt_h_openapi, 0, DT_R_PUBLIC, "This API as OpenAPI 3.1" },
	{ "GET", "/api/v1/schema", dt_h_schema, 0, DT_R_PUBLIC,
	  "The entities and their fields (types, limits, values, labels) for building forms" },
	{ "POST", "/api/v1/session", dt_h_login, 0, DT_R_PUBLIC | DT_R_BODY | DT_R_SAME_ORIGIN,
	  "Sign in" },
	{ "GET", "/api/v1/session", dt_h_whoami, 0, 0, "The signed-in user" },
	{ "DELETE", "/api/v1/session", dt_h_logout, 0, 0,
	  "Sign out (revoke this session or token)" },
	{ "GET", "/api/v1/audit", dt_h_audit_list, DT_P_AUDIT, 0, "Audit events, newest first" },
	{ "GET", "/api/v1/audit/verify", dt_h_audit_verify, DT_P_AUDIT, 0,
	  "Verify the audit hash chain" },
	{ "GET", "/api/v1/audit/checkpoints", dt_h_audit_checkpoints, 0, DT_R_PUBLIC,
	  "The server's signed checkpoints of the audit chain, newest first (public)" },
	{ "POST", "/api/v1/audit/checkpoints/verify", dt_h_audit_checkpoint_verify, DT_P_AUDIT,
	  DT_R_BODY, "Verify that the audit chain still extends a signed checkpoint" },
	{ "POST", "/api/v1/contracts/{id}/{action}", dt_h_contract_action, 0, DT_R_OPT_BODY,
	  "Contract life cycle: submit, withdraw, approve, activate, complete, dissolve, transfer" },
	{ "POST", "/api/v1/record-entries/{id}/signoff", dt_h_signoff, DT_P_SIGNOFF, DT_R_OPT_BODY,
	  "Sign off a record-book entry" },
	/* Bulk import and export, background jobs (h_io.c; docs/IMPORT.md) */
	{ "POST", "/api/v1/imports", dt_h_import, 0, DT_R_UPLOAD,
	  "Start an import job: the CSV file is the body (?kind=K, partial, encoding)" },
	{ "GET", "/api/v1/jobs", dt_h_jobs_list, 0, 0, "Your background jobs, newest first" },
	{ "GET", "/api/v1/jobs/{id}", dt_h_job_get, 0, 0,
	  "A background job: status, progress, counts" },
	{ "DELETE", "/api/v1/jobs/{id}", dt_h_job_cancel, 0, 0, "Cancel a background job" },
	{ "GET", "/api/v1/jobs/{id}/report", dt_h_job_report, 0, 0, "A job's error report (CSV)" },
	{ "GET", "/api/v1/exports/{file}", dt_h_export, DT_P_READ, 0,
	  "Export records as {kind}.csv or {kind}.xlsx, with the list filters" },
	{ "GET", "/api/v1/templates/{file}", dt_h_template, 0, 0,
	  "An import template: {kind}.csv or {kind}.xlsx" },
	{ "GET", "/api/v1/indicators", dt_h_indicators, DT_P_MONITOR, 0,
	  "Indicators of a region and period, with targets, attainment and sub-regions" },
	{ "GET", "/api/v1/indicators/series", dt_h_indicator_series, DT_P_MONITOR, 0,
	  "Monthly values of every indicator for a region and year" },
	{ "GET", "/api/v1/rankings", dt_h_rankings, DT_P_MONITOR, 0,
	  "Pilot cities or provinces ranked by composite score" },
	{ "GET", "/api/v1/targets", dt_h_targets_get, DT_P_MONITOR, 0,
	  "Targets in force for a region and year (national, province or pilot)" },
	{ "PUT", "/api/v1/targets", dt_h_targets_put, DT_P_TARGET, DT_R_BODY,
	  "Set a region's targets for a year" },
	{ "POST", "/api/v1/alerts/{id}/{action}", dt_h_alert_action, DT_P_ALERT, DT_R_OPT_BODY,
	  "Acknowledge (ack) or resolve an alert" },
	{ "GET", "/api/v1/{kind}", dt_h_list, DT_P_READ, 0, "List records" },
	{ "POST", "/api/v1/{kind}", dt_h_create, 0, DT_R_BODY, "Create a record" },
	{ "GET", "/api/v1/{kind}/{id}", dt_h_get, DT_P_READ, 0, "Get one record" },
	{ "PATCH", "/api/v1/{kind}/{id}", dt_h_update, 0, DT_R_BODY, "Change fields of a record" },
	{ "DELETE", "/api/v1/{kind}/{id}", dt_h_delete, 0, 0, "Delete a record" },
	{ NULL, NULL, NULL, 0, 0, NULL },
};
