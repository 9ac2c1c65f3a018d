/*
 * cmd_publish.c - `dualtrack publish`: publish a pilot city's figures for a
 * year (or, without --region, every pilot city's) as a frozen snapshot that
 * the public portal shows (docs/PORTAL.md).  The CLI is unrestricted, as an
 * administrator; audited as cli:USER.
 */
#include <string.h>

#include "cli/cli.h"
#include "domain/region.h"
#include "engine/indicators.h"
#include "engine/publish.h"
#include "core/banned.h"

int cmd_publish(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "region", required_argument, NULL, 'r' },
		{ "year", required_argument, NULL, 'y' },
		{ "withdraw", required_argument, NULL, 'w' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_period p = { dt_engine_today() / 10000, 0, 0 };
	int region = 0;
	int64_t withdraw = 0;
	json_t *pilots = NULL, *out = NULL;
	int c, rc = CLI_CONTINUE;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 'y') {
			rc = cli_period_opt(c, optarg, &p);
		} else if (c == 'r') {
			if (dt_region_code_parse(optarg, &region, NULL, NULL) != DT_OK)
				rc = cli_region_error("--region", optarg);
		} else if (c == 'w') {
			rc = cli_int_arg("--withdraw", optarg, 1, INT64_MAX, &withdraw);
		} else {
			rc = cli_common_opt(c, &db);
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 0, 0, "")) != CLI_CONTINUE || (rc = cli_db_open(&db)))
		goto out;
	if (withdraw) {
		rc = dt_engine_withdraw(db.store, cli_actor(), NULL, withdraw, &out, &err);
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		printf("withdrawn: publication %lld\n", (long long)withdraw);
		rc = 0;
		goto out;
	}
	if (region) {
		rc = dt_engine_publish(db.store, cli_actor(), NULL, region, p.year, &out, &err);
		if (rc == DT_OK) {
			pilots = json_array();
			json_array_append(pilots, out);
		}
	} else {
		rc = dt_engine_publish_pilots(db.store, cli_actor(), NULL, p.year, &pilots, &err);
	}
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	size_t i;
	json_t *it;
	json_array_foreach(pilots, i, it)
		printf("published: %06lld %d (publication %lld)\n",
		       (long long)json_integer_value(json_object_get(it, "region")), p.year,
		       (long long)json_integer_value(json_object_get(it, "id")));
	rc = 0;
out:
	json_decref(pilots);
	json_decref(out);
	dt_strbuf_release(&err);
	cli_db_close(&db);
	return rc;
}
