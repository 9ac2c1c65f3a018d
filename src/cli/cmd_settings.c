/*
 * cmd_settings.c - `dualtrack settings`: the weights of the composite score
 * (weight.CODE) and the alert thresholds (alert.RULE), with their defaults;
 * `settings set KEY VALUE` changes one (audited).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/num.h"
#include "engine/indicators.h"
#include "core/banned.h"

/* Check KEY and VALUE; 0, or 1 after a message naming the one at fault. */
static int check(const char *key, const char *value)
{
	double v;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = dt_parse_double(value, &v, "VALUE", &err) == DT_OK && v >= 0 ? 0 : 1;
	if (rc)
		cli_error("VALUE: %s is not a number of 0 or more", cli_quote(value));
	dt_strbuf_release(&err);
	if (!strncmp(key, "weight.", 7)) {
		if (!dt_indicator_find(key + 7)) {
			cli_error("KEY: %s is not an indicator code (see docs/INDICATORS.md)",
				  cli_quote(key + 7));
			return 1;
		}
		return rc;
	}
	if (!strncmp(key, "alert.", 6)) {
		if (dt_engine_alert_rule(key + 6, NULL, NULL) < 0) {
			cli_error("KEY: %s is not an alert rule (dualtrack settings lists them)",
				  cli_quote(key + 6));
			return 1;
		}
		return rc;
	}
	cli_error("KEY: %s is neither weight.CODE nor alert.RULE", cli_quote(key));
	return 1;
}

static void row(struct cli_table *t, const char *key, double def, json_t *set, const char *what)
{
	char d[32], cur[64];
	snprintf(d, sizeof(d), "%g", def);
	const char *v = json_string_value(json_object_get(set, key));
	snprintf(cur, sizeof(cur), "%s", v ? v : d);
	cli_table_add(t, (const char *const[]){ key, cur, d, what });
}

int cmd_settings(int argc, char **argv)
{
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	json_t *set = NULL;
	int rc;
	if ((rc = cli_db_opts(argc, argv, &db, NULL)) != CLI_CONTINUE ||
	    (rc = cli_positional(argc, argv, 0, 3, "")) != CLI_CONTINUE)
		return rc;
	const char *action = optind < argc ? argv[optind] : "list";
	if (!strcmp(action, "set")) {
		if ((rc = cli_positional(argc, argv, 3, 3, "KEY VALUE")) != CLI_CONTINUE)
			return rc;
		if ((rc = check(argv[optind + 1], argv[optind + 2])))
			return rc;
	} else if (strcmp(action, "list")) {
		return cli_usage_error("%s is not a settings action (list, set)",
				       cli_quote(action));
	} else if ((rc = cli_positional(argc, argv, 0, 1, "")) != CLI_CONTINUE) {
		return rc;
	}
	if ((rc = cli_db_open(&db)))
		goto out;
	if (!strcmp(action, "set")) {
		rc = dt_store_setting_set(db.store, cli_actor(), argv[optind + 1], argv[optind + 2],
					  &err);
		rc = rc == DT_OK ? 0 : cli_fail(rc, &err);
		if (!rc)
			printf("%s = %s\n", argv[optind + 1], argv[optind + 2]);
		goto out;
	}
	if ((rc = dt_store_settings(db.store, "", &set, &err)) != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	struct cli_table t;
	cli_table_init(&t, 4, 0x6);
	cli_table_add(&t, (const char *const[]){ "key", "value", "default", "what" });
	for (int i = 0; i < dt_nindicators; i++) {
		char key[64];
		snprintf(key, sizeof(key), "weight.%s", dt_indicators[i].code);
		row(&t, key, dt_indicators[i].weight, set, dt_indicators[i].name_zh);
	}
	for (int i = 0; dt_engine_alert_rule_name(i); i++) {
		char key[64];
		double def = 0;
		const char *what = NULL;
		dt_engine_alert_rule(dt_engine_alert_rule_name(i), &def, &what);
		snprintf(key, sizeof(key), "alert.%s", dt_engine_alert_rule_name(i));
		row(&t, key, def, set, what);
	}
	cli_table_print(&t, stdout, 0);
	cli_table_release(&t);
	rc = 0;
out:
	json_decref(set);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
