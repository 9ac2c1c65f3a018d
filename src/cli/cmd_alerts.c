/*
 * cmd_alerts.c - `dualtrack alerts`: list alerts, evaluate the rules now
 * (what the server does after changes and daily), acknowledge or resolve.
 */
#include <string.h>

#include "cli/cli.h"
#include "engine/indicators.h"
#include "core/banned.h"

static int list_alerts(struct cli_db *db, const char *status, bool json, struct dt_strbuf *err)
{
	const char *filters[2] = { "status", status };
	struct dt_query q = { .filters = filters,
			      .nfilters = status ? 1 : 0,
			      .limit = 1000,
			      .sort = "id",
			      .desc = true };
	json_t *items = NULL;
	char *next = NULL;
	int rc = dt_store_list(db->store, NULL, "alert", &q, &items, &next, err);
	free(next);
	if (rc != DT_OK)
		return cli_fail(rc, err);
	if (json) {
		cli_print_json(items);
		json_decref(items);
		return 0;
	}
	enum { N = 6 };
	const char *header[N] = { "id",          "级别 severity", "状态 status",
				  "地区 region", "规则 rule",     "说明 message" };
	struct cli_table t;
	cli_table_init(&t, N, 1);
	cli_table_add(&t, header);
	size_t i;
	json_t *a;
	static const char *const cols[N] = { "id",     "severity", "status",
					     "region", "rule",     "message_zh" };
	json_array_foreach(items, i, a)
	{
		struct dt_strbuf cell[N];
		const char *cells[N];
		for (int k = 0; k < N; k++) {
			dt_strbuf_init(&cell[k], 0);
			cli_json_text(&cell[k], json_object_get(a, cols[k]));
			cells[k] = cell[k].buf;
		}
		cli_table_add(&t, cells);
		for (int k = 0; k < N; k++)
			dt_strbuf_release(&cell[k]);
	}
	cli_table_print(&t, stdout, 80);
	cli_table_release(&t);
	cli_say(NULL, "cli.count", "count", DT_I((int64_t)json_array_size(items)), "entity",
		"alert", NULL);
	json_decref(items);
	return 0;
}

int cmd_alerts(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "status", required_argument, NULL, 's' },
		{ "note", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	const char *status = NULL, *note = NULL, *format = "table";
	json_t *out = NULL;
	int c, rc = CLI_CONTINUE;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 's') {
			status = optarg;
			if (strcmp(status, "open") && strcmp(status, "acknowledged") &&
			    strcmp(status, "resolved"))
				rc = cli_usage_error(
					"--status: %s is not open, acknowledged or resolved",
					cli_quote(optarg));
		} else if (c == 'n') {
			note = optarg;
		} else if (c == 'f') {
			rc = cli_format_opt(optarg, (const char *const[]){ "table", "json", NULL },
					    &format);
		} else {
			rc = cli_common_opt(c, &db);
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 0, 2, "")) != CLI_CONTINUE)
		goto out;
	const char *action = optind < argc ? argv[optind] : "list";
	int64_t id = 0;
	if (!strcmp(action, "ack") || !strcmp(action, "resolve")) {
		if ((rc = cli_positional(argc, argv, 2, 2, "ID")) != CLI_CONTINUE ||
		    (rc = cli_parse_id(argv[optind + 1], "ID", &id)) != CLI_CONTINUE)
			goto out;
	} else if (strcmp(action, "list") && strcmp(action, "evaluate")) {
		rc = cli_usage_error("%s is not an alerts action (list, evaluate, ack, resolve)",
				     cli_quote(action));
		goto out;
	} else if ((rc = cli_positional(argc, argv, 0, 1, "")) != CLI_CONTINUE) {
		goto out;
	}
	if ((rc = cli_db_open(&db)))
		goto out;
	if (!strcmp(action, "list")) {
		rc = list_alerts(&db, status, !strcmp(format, "json"), &err);
	} else if (!strcmp(action, "evaluate")) {
		int raised = 0;
		rc = dt_engine_alerts_evaluate(db.store, cli_actor(), 0, &raised, &err);
		if (rc != DT_OK)
			rc = cli_fail(rc, &err);
		else
			printf("evaluated the alert rules: %d new alert%s\n", raised,
			       raised == 1 ? "" : "s");
	} else {
		rc = dt_store_alert_act(db.store, cli_actor(), NULL, id, action, note, &out, &err);
		if (rc != DT_OK)
			rc = cli_fail_store(db.store, rc, &err);
		else
			cli_print_json(out);
	}
out:
	json_decref(out);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
