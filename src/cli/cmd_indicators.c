/*
 * cmd_indicators.c - `dualtrack indicators`: the indicators of one region
 * and period from the maintained aggregates, as an aligned table (Chinese
 * names aligned by display width), JSON or CSV; `--rebuild` recomputes the
 * aggregates from the facts and `--verify` compares the two.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/num.h"
#include "domain/region.h"
#include "engine/indicators.h"
#include "io/dashboard_xlsx.h"
#include "core/banned.h"

/* Parse --year/--quarter/--month values; CLI_CONTINUE or 2. */
static int int_arg(const char *opt, const char *s, int lo, int hi, int *out)
{
	int64_t v;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = CLI_CONTINUE;
	if ((rc = cli_int_arg(opt, s, lo, hi, &v)) == CLI_CONTINUE)
		*out = (int)v;
	dt_strbuf_release(&err);
	return rc;
}

int cli_period_opt(int c, const char *arg, struct dt_period *p)
{
	if (c == 'y')
		return int_arg("--year", arg, 2000, 2100, &p->year);
	if (c == 'q')
		return int_arg("--quarter", arg, 1, 4, &p->quarter);
	return int_arg("--month", arg, 1, 12, &p->month);
}

/* A value as the table shows it: percentages with %, hours and counts plain. */
static void cell_value(struct dt_strbuf *sb, json_t *v, const char *unit)
{
	if (!json_is_number(v)) {
		dt_strbuf_adds(sb, "-");
		return;
	}
	double d = json_number_value(v);
	if (!strcmp(unit, "percent"))
		dt_strbuf_addf(sb, "%.1f%%", d);
	else if (!strcmp(unit, "ratio"))
		dt_strbuf_addf(sb, "%.2f", d);
	else if (d == floor(d))
		dt_strbuf_addf(sb, "%.0f", d);
	else
		dt_strbuf_addf(sb, "%.1f", d);
}

static void csv_field(const char *s)
{
	if (strpbrk(s, ",\"\r\n")) {
		putchar('"');
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	} else {
		fputs(s, stdout);
	}
}

static void print_csv(json_t *res)
{
	static const char *const cols[] = { "code",       "name_zh",    "name_en",     "unit",
					    "value",      "numerator",  "denominator", "target",
					    "attainment", "projection", "previous" };
	fputs("\xEF\xBB\xBF", stdout); /* a BOM, so that Excel reads the Chinese names as UTF-8 */
	for (size_t k = 0; k < DT_ARRAY_SIZE(cols); k++)
		printf("%s%s", k ? "," : "", cols[k]);
	fputs("\r\n", stdout);
	size_t i;
	json_t *ind;
	json_array_foreach(json_object_get(res, "indicators"), i, ind)
	{
		for (size_t k = 0; k < DT_ARRAY_SIZE(cols); k++) {
			struct dt_strbuf sb = DT_STRBUF_INIT;
			json_t *v = json_object_get(ind, cols[k]);
			if (!json_is_null(v) && v)
				cli_json_text(&sb, v);
			if (k)
				putchar(',');
			csv_field(sb.buf);
			dt_strbuf_release(&sb);
		}
		fputs("\r\n", stdout);
	}
}

static void print_table(json_t *res)
{
	json_t *reg = json_object_get(res, "region"), *per = json_object_get(res, "period");
	printf("%s %s  %s .. %s", json_string_value(json_object_get(reg, "code")),
	       json_string_value(json_object_get(reg, "name_zh")),
	       json_string_value(json_object_get(per, "from")),
	       json_string_value(json_object_get(per, "to")));
	if (json_is_string(json_object_get(res, "occupation")))
		printf("  occupation %s", json_string_value(json_object_get(res, "occupation")));
	json_t *score = json_object_get(res, "score");
	if (json_is_number(score))
		printf("  综合得分 score %.1f", json_number_value(score));
	printf("\n");
	enum { N = 7 };
	const char *header[N] = {
		"指标 indicator",  "实际 value",    "目标 target", "完成度 attainment",
		"预计 projection", "上期 previous", "code"
	};
	struct cli_table t;
	cli_table_init(&t, N, 0x3e);
	cli_table_add(&t, header);
	size_t i;
	json_t *ind;
	json_array_foreach(json_object_get(res, "indicators"), i, ind)
	{
		const char *unit = json_string_value(json_object_get(ind, "unit"));
		struct dt_strbuf cell[N];
		const char *cells[N];
		for (int k = 0; k < N; k++)
			dt_strbuf_init(&cell[k], 0);
		dt_strbuf_adds(&cell[0], json_string_value(json_object_get(ind, "name_zh")));
		cell_value(&cell[1], json_object_get(ind, "value"), unit);
		cell_value(&cell[2], json_object_get(ind, "target"), unit);
		json_t *att = json_object_get(ind, "attainment");
		if (json_is_number(att))
			dt_strbuf_addf(&cell[3], "%.0f%%", 100 * json_number_value(att));
		else
			dt_strbuf_adds(&cell[3], "-");
		cell_value(&cell[4], json_object_get(ind, "projection"), unit);
		cell_value(&cell[5], json_object_get(ind, "previous"), unit);
		dt_strbuf_adds(&cell[6], json_string_value(json_object_get(ind, "code")));
		for (int k = 0; k < N; k++)
			cells[k] = cell[k].buf;
		cli_table_add(&t, cells);
		for (int k = 0; k < N; k++)
			dt_strbuf_release(&cell[k]);
	}
	cli_table_print(&t, stdout, 0);
	cli_table_release(&t);
}

static int rebuild_or_verify(struct cli_db *db, bool rebuild, struct dt_strbuf *err)
{
	int rc;
	if (rebuild) {
		int64_t rows = 0;
		double t0 = cli_now();
		rc = dt_store_indicators_rebuild(db->store, cli_actor(), &rows, err);
		if (rc != DT_OK)
			return cli_fail(rc, err);
		printf("rebuilt the indicator aggregates from the facts: %lld rows in %.2f s\n",
		       (long long)rows, cli_now() - t0);
		return 0;
	}
	int64_t bad = 0;
	json_t *sample = NULL;
	rc = dt_store_indicators_verify(db->store, &bad, &sample, err);
	if (rc != DT_OK) {
		json_decref(sample);
		return cli_fail(rc, err);
	}
	if (bad) {
		cli_error(
			"the maintained aggregates differ from a rebuild in %lld rows (first ones below); "
			"`dualtrack indicators --rebuild` repairs them",
			(long long)bad);
		cli_print_json(sample);
	} else {
		printf("ok: the maintained aggregates equal a rebuild from the facts\n");
	}
	json_decref(sample);
	return bad ? 1 : 0;
}

int cmd_indicators(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "region", required_argument, NULL, 'r' },
		{ "year", required_argument, NULL, 'y' },
		{ "quarter", required_argument, NULL, 'q' },
		{ "month", required_argument, NULL, 'm' },
		{ "occupation", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "children", no_argument, NULL, 'c' },
		{ "rebuild", no_argument, NULL, 'R' },
		{ "verify", no_argument, NULL, 'V' },
		{ "output", required_argument, NULL, 'O' },
		{ "indicator", required_argument, NULL, 'i' },
		{ "lang", required_argument, NULL, 'l' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_ind_query q = { .period = { dt_engine_today() / 10000, 0, 0 } };
	const char *format = "table", *output = NULL, *pick = NULL;
	enum dt_lang lang = cli_lang();
	bool rebuild = false, verify = false;
	json_t *res = NULL, *ser = NULL, *rank = NULL;
	int c, rc = CLI_CONTINUE;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-o"))
			argv[i] = (char *)"--output";

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 'r') {
			if (dt_region_code_parse(optarg, &q.region, NULL, NULL) != DT_OK)
				rc = cli_region_error("--region", optarg);
		} else if (c == 'y' || c == 'q' || c == 'm') {
			rc = cli_period_opt(c, optarg, &q.period);
		} else if (c == 'o') {
			q.occupation = optarg;
		} else if (c == 'c') {
			q.children = true;
		} else if (c == 'R') {
			rebuild = true;
		} else if (c == 'V') {
			verify = true;
		} else if (c == 'O') {
			output = optarg;
		} else if (c == 'l') {
			rc = cli_lang_opt(optarg, &lang);
		} else if (c == 'i') {
			pick = optarg;
			if (!dt_indicator_find(pick))
				rc = cli_usage_error("--indicator: %s is not an indicator code",
						     cli_quote(pick));
		} else if (c == 'f') {
			rc = cli_format_opt(
				optarg,
				(const char *const[]){ "table", "json", "csv", "xlsx", NULL },
				&format);
		} else {
			rc = cli_common_opt(c, &db);
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 0, 0, "")) != CLI_CONTINUE)
		goto out;
	if (q.period.quarter && q.period.month) {
		rc = cli_usage_error("--quarter and --month: give one or the other");
		goto out;
	}
	if (rebuild && verify) {
		rc = cli_usage_error("--rebuild and --verify: give one or the other");
		goto out;
	}
	if (!strcmp(format, "xlsx") != !!output) {
		rc = cli_usage_error("--format xlsx and -o FILE.xlsx go together");
		goto out;
	}
	if ((rc = cli_db_open(&db)))
		goto out;
	if (rebuild || verify) {
		rc = rebuild_or_verify(&db, rebuild, &err);
		goto out;
	}
	if (output)
		q.children = true; /* the workbook has the sub-regions' sheet */
	rc = dt_engine_indicators(db.store, &q, &res, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	if (!strcmp(format, "xlsx")) {
		/* the dashboard's workbook, as GET /api/v1/indicators.xlsx makes it */
		rc = dt_engine_series(db.store, q.region, q.period.year, &ser, &err);
		if (rc == DT_OK)
			rc = dt_engine_ranking(db.store, 2, q.region, q.period.year, 0, &rank,
					       &err);
		struct dt_dashboard_xlsx d = {
			res, ser, rank, pick, dt_engine_today(), lang == DT_LANG_EN
		};
		if (rc == DT_OK)
			rc = dt_dashboard_xlsx(&d, output, &err);
		rc = rc == DT_OK ? 0 : cli_fail(rc, &err);
		goto out;
	}
	if (!strcmp(format, "json"))
		cli_print_json(res);
	else if (!strcmp(format, "csv"))
		print_csv(res);
	else
		print_table(res);
	rc = 0;
out:
	json_decref(res);
	json_decref(ser);
	json_decref(rank);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
