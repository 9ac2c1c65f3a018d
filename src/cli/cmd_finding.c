/*
 * cmd_finding.c - `dualtrack finding list|show`: supervision findings with
 * their derived state (days left, overdue, red/yellow/green), read through
 * the store with the CLI's unrestricted view.  Findings are recorded,
 * rectified and closed by people through the API (docs/API.md,
 * "Supervision"), never from here.
 */
#include <string.h>

#include "cli/cli.h"
#include "domain/finding.h"
#include "domain/region.h"
#include "core/banned.h"

/* The findings @items as a table on stdout, a count on stderr. */
static void print_table(json_t *items)
{
	enum { N = 8 };
	static const char *const header[N] = {
		"id",          "检查 inspection", "严重程度 severity", "单位 org",
		"状态 status", "期限 deadline",   "剩余天数 days",     "标识 colour"
	};
	static const char *const cols[N] = { "id",     "inspection_id", "severity",  "org_id",
					     "status", "deadline",      "days_left", "colour" };
	struct cli_table t;
	cli_table_init(&t, N, 1);
	cli_table_add(&t, header);
	size_t i;
	json_t *f;
	json_array_foreach(items, i, f)
	{
		struct dt_strbuf cell[N];
		const char *cells[N];
		for (int k = 0; k < N; k++) {
			dt_strbuf_init(&cell[k], 0);
			cli_json_text(&cell[k], json_object_get(f, cols[k]));
			if (k == 4 && json_is_true(json_object_get(f, "overdue")))
				dt_strbuf_adds(&cell[k], " (overdue)");
			cells[k] = cell[k].buf;
		}
		cli_table_add(&t, cells);
		for (int k = 0; k < N; k++)
			dt_strbuf_release(&cell[k]);
	}
	cli_table_print(&t, stdout, 100);
	cli_table_release(&t);
	cli_say(NULL, "cli.count", "count", DT_I((int64_t)json_array_size(items)), "entity",
		"finding", NULL);
}

/* One finding as "field: value" lines, then its rectifications. */
static void print_one(json_t *f)
{
	static const char *const fields[] = { "id",          "inspection_id", "plan_id",
					      "object_kind", "object_id",     "severity",
					      "org_id",      "region",        "check_code",
					      "description", "deadline",      "status",
					      "days_left",   "overdue",       "colour",
					      "closed_at",   "created_at",    "updated_at" };
	struct dt_strbuf v = DT_STRBUF_INIT;
	for (size_t i = 0; i < DT_ARRAY_SIZE(fields); i++) {
		dt_strbuf_reset(&v);
		cli_json_text(&v, json_object_get(f, fields[i]));
		printf("%-14s %s\n", fields[i], v.buf);
	}
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(f, "attachments"), i, x)
		printf("attachment     %s %s %s\n", json_string_value(json_object_get(x, "hash")),
		       json_string_value(json_object_get(x, "mime")),
		       json_string_value(json_object_get(x, "name")));
	json_array_foreach(json_object_get(f, "rectifications"), i, x)
	{
		dt_strbuf_reset(&v);
		cli_json_text(&v, json_object_get(x, "decision"));
		printf("rectification  %lld submitted %s: %s\n",
		       (long long)json_integer_value(json_object_get(x, "id")),
		       json_string_value(json_object_get(x, "submitted_at")),
		       json_string_value(json_object_get(x, "body")));
		if (!json_is_null(json_object_get(x, "decision")))
			printf("               %s %s%s%s\n", v.buf,
			       json_string_value(json_object_get(x, "decided_at")),
			       json_is_string(json_object_get(x, "reason")) ? ": " : "",
			       json_is_string(json_object_get(x, "reason"))
				       ? json_string_value(json_object_get(x, "reason"))
				       : "");
	}
	dt_strbuf_release(&v);
}

int cmd_finding(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "status", required_argument, NULL, 's' },
		{ "severity", required_argument, NULL, 'v' },
		{ "region", required_argument, NULL, 'r' },
		{ "inspection", required_argument, NULL, 'i' },
		{ "overdue", no_argument, NULL, 'o' },
		{ "limit", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_finding_filter flt = { .limit = 1000 };
	const char *format = "table";
	json_t *out = NULL;
	int c, rc = CLI_CONTINUE;
	int64_t n = 0;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 's') {
			flt.status = optarg;
			if (dt_finding_status_parse(optarg, NULL) != DT_OK)
				rc = cli_usage_error(
					"--status: %s is not open, rectifying, submitted or closed",
					cli_quote(optarg));
		} else if (c == 'v') {
			flt.severity = optarg;
			if (dt_finding_severity_parse(optarg, NULL) != DT_OK)
				rc = cli_usage_error(
					"--severity: %s is not general, serious or grave",
					cli_quote(optarg));
		} else if (c == 'r') {
			if (dt_region_code_parse(optarg, &flt.region, NULL, NULL) != DT_OK)
				rc = cli_region_error("--region", optarg);
		} else if (c == 'i') {
			rc = cli_parse_id(optarg, "--inspection", &flt.inspection_id);
		} else if (c == 'o') {
			flt.overdue = true;
		} else if (c == 'l') {
			if ((rc = cli_int_arg("--limit", optarg, 1, 1000, &n)) == CLI_CONTINUE)
				flt.limit = (int)n;
		} else if (c == 'f') {
			rc = cli_format_opt(optarg, (const char *const[]){ "table", "json", NULL },
					    &format);
		} else {
			rc = cli_common_opt(c, &db);
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	const char *action = optind < argc ? argv[optind] : "list";
	int64_t id = 0;
	if (!strcmp(action, "show")) {
		if ((rc = cli_positional(argc, argv, 2, 2, "show ID")) != CLI_CONTINUE ||
		    (rc = cli_parse_id(argv[optind + 1], "ID", &id)) != CLI_CONTINUE)
			goto out;
	} else if (strcmp(action, "list")) {
		rc = cli_usage_error("%s is not a finding action (list, show)", cli_quote(action));
		goto out;
	} else if ((rc = cli_positional(argc, argv, 0, 1, "")) != CLI_CONTINUE) {
		goto out;
	}
	if ((rc = cli_db_open(&db)))
		goto out;
	bool json = !strcmp(format, "json");
	if (!strcmp(action, "show")) {
		rc = dt_store_finding_get(db.store, NULL, id, &out, &err);
		if (rc != DT_OK) {
			rc = cli_fail_store(db.store, rc, &err);
			goto out;
		}
		if (json)
			cli_print_json(out);
		else
			print_one(out);
	} else {
		rc = dt_store_finding_list(db.store, NULL, &flt, &out, &err);
		if (rc != DT_OK) {
			rc = cli_fail_store(db.store, rc, &err);
			goto out;
		}
		if (json)
			cli_print_json(out);
		else
			print_table(out);
	}
out:
	json_decref(out);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
