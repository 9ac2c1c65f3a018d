/*
 * cmd_summary.c - `dualtrack summary`: one line per pilot region.
 *
 * The counts come from the store's "summary" report; the dual ratio is the
 * share of signed-off record-book hours spent in the company, in percent, as
 * the dual_ratio indicator computes it (dt_dual_ratio()).  Chinese city
 * names are aligned by their display width, so the columns line up on a
 * terminal.
 */
#include <math.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/indicator.h"
#include "domain/region.h"
#include "core/banned.h"

static const char *const count_cols[] = { "enterprises", "schools",   "trainees", "contracts",
					  "active",      "completed", "dissolved" };

static double number(json_t *row, const char *k)
{
	return json_number_value(json_object_get(row, k));
}

/* The dual ratio of @row (domain/indicator.c's), in percent; NAN with no signed hours. */
static double ratio_of(json_t *row)
{
	return dt_dual_ratio(number(row, "company_hours"), number(row, "signed_hours"));
}

/* The dual ratio as "62.5%", or "-" with no signed hours. */
static void add_ratio(struct dt_strbuf *sb, json_t *row)
{
	double r = ratio_of(row);
	if (!isnan(r))
		dt_strbuf_addf(sb, "%.1f%%", r);
	else
		dt_strbuf_adds(sb, "-");
}

int cmd_summary(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "region", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_scope scope = { 0 };
	const char *format = "table";
	json_t *rows = NULL;
	int c, rc = CLI_CONTINUE;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 'r') {
			if (dt_region_code_parse(optarg, &scope.region, NULL, NULL) != DT_OK)
				rc = cli_region_error("--region", optarg);
		} else if (c == 'f') {
			rc = cli_format_opt(optarg, (const char *const[]){ "table", "json", NULL },
					    &format);
		} else {
			rc = cli_common_opt(c, &db);
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 0, 0, "")) != CLI_CONTINUE)
		goto out;
	if ((rc = cli_db_open(&db)))
		goto out;
	rc = dt_store_report(db.store, "summary", &scope, &rows, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}

	size_t i;
	json_t *row;
	if (!strcmp(format, "json")) {
		json_array_foreach(rows, i, row)
		{
			double r = ratio_of(row);
			json_object_set_new(row, "dual_ratio",
					    isnan(r) ? json_null() : json_real(r));
		}
		cli_print_json(rows);
		rc = 0;
		goto out;
	}

	enum { NCOLS = 10 };
	struct cli_table t;
	const char *header[NCOLS] = { "region", "name" };
	for (size_t k = 0; k < DT_ARRAY_SIZE(count_cols); k++)
		header[2 + k] = count_cols[k];
	header[NCOLS - 1] = "dual ratio";
	cli_table_init(&t, NCOLS, ~0u << 2); /* numbers to the right */
	cli_table_add(&t, header);
	json_array_foreach(rows, i, row)
	{
		struct dt_strbuf cell[NCOLS];
		const char *cells[NCOLS];
		for (size_t k = 0; k < NCOLS; k++)
			dt_strbuf_init(&cell[k], 0);
		cli_json_text(&cell[0], json_object_get(row, "code"));
		cli_json_text(&cell[1], json_object_get(row, "name_zh"));
		for (size_t k = 0; k < DT_ARRAY_SIZE(count_cols); k++)
			cli_json_text(&cell[2 + k], json_object_get(row, count_cols[k]));
		add_ratio(&cell[NCOLS - 1], row);
		for (size_t k = 0; k < NCOLS; k++)
			cells[k] = cell[k].buf;
		cli_table_add(&t, cells);
		for (size_t k = 0; k < NCOLS; k++)
			dt_strbuf_release(&cell[k]);
	}
	cli_table_print(&t, stdout, 0);
	cli_table_release(&t);
	if (json_array_size(rows) == 0)
		fprintf(stderr, "no pilots%s in %s (`dualtrack demo` loads the demo pilot)\n",
			scope.region ? " in this region" : "", db.db_shown);
	rc = 0;
out:
	json_decref(rows);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
