/*
 * cmd_rank.c - `dualtrack rank`: the pilot cities (or provinces) ranked by
 * their composite score for a year, with the change against the year before.
 */
#include <string.h>

#include "cli/cli.h"
#include "domain/region.h"
#include "engine/indicators.h"
#include "core/banned.h"

static void score_text(struct dt_strbuf *sb, json_t *v)
{
	if (json_is_number(v))
		dt_strbuf_addf(sb, "%.1f", json_number_value(v));
	else
		dt_strbuf_adds(sb, "-");
}

int cmd_rank(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "year", required_argument, NULL, 'y' },
		{ "level", required_argument, NULL, 'l' },
		{ "within", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_period p = { dt_engine_today() / 10000, 0, 0 };
	int level = 2, within = 0;
	const char *format = "table";
	json_t *res = NULL;
	int c, rc = CLI_CONTINUE;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 'y') {
			rc = cli_period_opt(c, optarg, &p);
		} else if (c == 'l') {
			if (!strcmp(optarg, "city") || !strcmp(optarg, "province"))
				level = !strcmp(optarg, "city") ? 2 : 1;
			else
				rc = cli_usage_error("--level: %s is not city or province",
						     cli_quote(optarg));
		} else if (c == 'w') {
			if (dt_region_code_parse(optarg, &within, NULL, NULL) != DT_OK)
				rc = cli_region_error("--within", optarg);
		} else if (c == 'f') {
			rc = cli_format_opt(optarg, (const char *const[]){ "table", "json", NULL },
					    &format);
		} else {
			rc = cli_common_opt(c, &db);
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 0, 0, "")) != CLI_CONTINUE || (rc = cli_db_open(&db)))
		goto out;
	rc = dt_engine_ranking(db.store, level, within, p.year, 0, &res, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	rc = 0;
	if (!strcmp(format, "json")) {
		cli_print_json(res);
		goto out;
	}
	enum { N = 6 };
	const char *header[N] = { "名次 rank",
				  "地区 region",
				  "得分 score",
				  "上年名次 previous",
				  "上年得分 previous score",
				  "变化 change" };
	struct cli_table t;
	cli_table_init(&t, N, 0x3d);
	cli_table_add(&t, header);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(res, "items"), i, it)
	{
		struct dt_strbuf cell[N];
		const char *cells[N];
		for (int k = 0; k < N; k++)
			dt_strbuf_init(&cell[k], 0);
		json_t *reg = json_object_get(it, "region");
		cli_json_text(&cell[0], json_object_get(it, "rank"));
		dt_strbuf_addf(&cell[1], "%s %s", json_string_value(json_object_get(reg, "code")),
			       json_string_value(json_object_get(reg, "name_zh")));
		score_text(&cell[2], json_object_get(it, "score"));
		cli_json_text(&cell[3], json_object_get(it, "previous_rank"));
		score_text(&cell[4], json_object_get(it, "previous_score"));
		json_t *ch = json_object_get(it, "change");
		if (json_is_integer(ch) && json_integer_value(ch) > 0)
			dt_strbuf_addf(&cell[5], "↑%lld", (long long)json_integer_value(ch));
		else if (json_is_integer(ch) && json_integer_value(ch) < 0)
			dt_strbuf_addf(&cell[5], "↓%lld", -(long long)json_integer_value(ch));
		else
			dt_strbuf_adds(&cell[5], json_is_integer(ch) ? "=" : "-");
		for (int k = 0; k < N; k++)
			cells[k] = cell[k].buf;
		cli_table_add(&t, cells);
		for (int k = 0; k < N; k++)
			dt_strbuf_release(&cell[k]);
	}
	printf("%d %s ranking by composite score (weights: `dualtrack settings`)\n", p.year,
	       level == 2 ? "pilot city" : "province");
	cli_table_print(&t, stdout, 0);
	cli_table_release(&t);
	if (json_array_size(json_object_get(res, "items")) == 0)
		fprintf(stderr, "no pilots of that level in %s\n", db.db_shown);
out:
	json_decref(res);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
