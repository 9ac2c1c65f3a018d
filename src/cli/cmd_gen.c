/*
 * cmd_gen.c - `dualtrack gen --trainees N`: a generated pilot of a chosen
 * size, for benchmarks and load tests (the demo generator at scale).
 */
#include "cli/cli.h"
#include "core/num.h"
#include "engine/demo.h"
#include "core/banned.h"

#define GEN_MAX 100000000 /* a hundred million trainees is past any pilot */

int cmd_gen(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "trainees", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_demo_opts o = { 0 };
	struct dt_strbuf err = DT_STRBUF_INIT;
	int c, rc = CLI_CONTINUE;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 's') {
			rc = cli_parse_seed(optarg, &o.seed);
		} else if (c == 'n') {
			rc = cli_int_arg("--trainees", optarg, 1, GEN_MAX, &o.trainees);
		} else {
			rc = cli_common_opt(c, &db);
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 0, 0, "")) != CLI_CONTINUE)
		goto out;
	if (!o.trainees) {
		rc = cli_usage_error("--trainees N is required");
		goto out;
	}
	rc = cli_demo_run(&db, &o, "gen", false);
out:
	dt_strbuf_release(&err);
	return rc;
}
