/*
 * cmd_inspection.c - `dualtrack inspection`: inspection plans and their
 * verifiable draw (双随机).
 *
 *   plan     make a draft plan (region, year, title, kinds, sample, pool)
 *   commit   freeze candidates and pool, record the seed's hash
 *   draw     draw the objects and inspector pairs
 *   reveal   publish the seed
 *   verify   re-run the draw from the published inputs: exit 0 when it
 *            equals the recorded one, 1 with the first difference
 *   list     the plans; show PLAN: one plan with its candidates, their
 *            weights and reasons, and its inspections
 *
 * The rules are in domain/inspection.c, the writes in store/inspection.c;
 * docs/SUPERVISION.md describes the algorithm.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/banned.h"

/* Print @rows (array of objects) as a table of @cols with @header. */
static void print_table(json_t *rows, size_t n, const char *const *cols, const char *const *header)
{
	struct cli_table t;
	cli_table_init(&t, n, 0);
	cli_table_add(&t, header);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		struct dt_strbuf cell[12];
		const char *cells[12];
		for (size_t k = 0; k < n; k++) {
			dt_strbuf_init(&cell[k], 0);
			json_t *v = json_object_get(r, cols[k]);
			if (json_is_array(v)) { /* reasons: "alert×2 quality×1" */
				size_t j;
				json_t *e;
				json_array_foreach(v, j, e)
				{
					dt_strbuf_addf(
						&cell[k], "%s%s×%lld", j ? " " : "",
						json_string_value(json_object_get(e, "code")),
						(long long)json_integer_value(
							json_object_get(e, "n")));
				}
			} else {
				cli_json_text(&cell[k], v);
			}
			cells[k] = cell[k].buf;
		}
		cli_table_add(&t, cells);
		for (size_t k = 0; k < n; k++)
			dt_strbuf_release(&cell[k]);
	}
	cli_table_print(&t, stdout, 60);
	cli_table_release(&t);
}

static void print_plans(json_t *plans)
{
	static const char *const cols[] = {
		"id",           "region",      "year",         "status",
		"object_kinds", "sample_kind", "sample_value", "title"
	};
	static const char *const header[] = { "id",          "地区 region", "年度 year",
					      "状态 status", "对象 kinds",  "抽样 sample",
					      "数量 value",  "标题 title" };
	print_table(plans, DT_ARRAY_SIZE(cols), cols, header);
}

static void print_plan(json_t *p)
{
	json_t *one = json_pack("[O]", p);
	print_plans(one);
	json_decref(one);
	static const char *const hk[] = { "seed_hash", "inputs_hash", "result_hash", "seed" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(hk); i++) {
		json_t *v = json_object_get(p, hk[i]);
		printf("%-12s %s\n", hk[i], json_is_string(v) ? json_string_value(v) : "-");
	}
	json_t *c = json_object_get(p, "candidates");
	if (json_is_array(c)) {
		printf("\n候选对象 candidates (%zu)\n", json_array_size(c));
		static const char *const cols[] = { "city",   "object_kind", "object_id",
						    "org_id", "weight",      "reasons" };
		static const char *const header[] = { "城市 city", "类型 kind",   "编号 id",
						      "单位 org",  "权重 weight", "依据 reasons" };
		print_table(c, DT_ARRAY_SIZE(cols), cols, header);
	}
	json_t *ins = json_object_get(p, "inspections");
	if (json_is_array(ins) && json_array_size(ins)) {
		printf("\n抽取结果 drawn (%zu)\n", json_array_size(ins));
		static const char *const cols[] = { "draw_pos",  "city",        "object_kind",
						    "object_id", "inspector_a", "inspector_b",
						    "status" };
		static const char *const header[] = { "序号 pos",   "城市 city", "类型 kind",
						      "编号 id",    "督查员 A",  "督查员 B",
						      "状态 status" };
		print_table(ins, DT_ARRAY_SIZE(cols), cols, header);
	}
}

/* Add to @pool the inspector "LOGIN[:ORG_ID]"; 0 or an exit status. */
static int add_inspector(struct dt_store *s, const char *arg, json_t *pool)
{
	char *login = strdup(arg);
	if (!login)
		return 3;
	char *colon = strchr(login, ':');
	int64_t org = 0;
	int rc = 0;
	if (colon) {
		*colon = 0;
		if (cli_parse_id(colon + 1, "--inspector ORG_ID", &org) != CLI_CONTINUE) {
			rc = 2;
			goto out;
		}
	}
	json_t *acct = NULL;
	if ((rc = cli_account_find(s, login, &acct)))
		goto out;
	json_int_t id = json_integer_value(json_object_get(acct, "id"));
	json_array_append_new(
		pool, org ? json_pack("{s:I, s:I}", "account", id, "org_id", (json_int_t)org)
			  : json_integer(id));
	json_decref(acct);
out:
	free(login);
	return rc;
}

/* The verdict of `inspection verify` on plan @id (@rep, the store's report), in the locale's language. */
static void print_verify(int64_t id, json_t *rep)
{
	struct dt_strbuf line = DT_STRBUF_INIT, diff = DT_STRBUF_INIT;
#define NUM(k) DT_I(json_integer_value(json_object_get(rep, k)))
	if (json_is_true(json_object_get(rep, "ok"))) {
		const char *hash = json_string_value(json_object_get(rep, "seed_hash"));
		cli_text(&line, "inspection.verified", "plan", DT_I(id), "drawn", NUM("drawn"),
			 "candidates", NUM("candidates"), "inspectors", NUM("inspectors"),
			 "seed_hash", hash ? hash : "", NULL);
	} else {
		/* English as the store words it; other languages from the catalogue by its parts */
		json_t *at = json_object_get(rep, "difference_at");
		const char *check = json_string_value(json_object_get(at, "check"));
		const char *rec = json_string_value(json_object_get(at, "recorded"));
		const char *rerun = json_string_value(json_object_get(at, "rerun"));
		char code[64];
		snprintf(code, sizeof(code), "inspection.diff.%s", check ? check : "");
		if (cli_lang() != DT_LANG_EN && check && dt_catalogue_find(code))
			cli_text(&diff, code, "pos",
				 DT_I(json_integer_value(json_object_get(at, "draw_pos"))),
				 "recorded", rec ? rec : "-", "rerun", rerun ? rerun : "-", NULL);
		else if (json_string_value(json_object_get(rep, "difference")))
			dt_strbuf_adds(&diff,
				       json_string_value(json_object_get(rep, "difference")));
		cli_text(&line, "inspection.not_verified", "plan", DT_I(id), "difference", diff.buf,
			 NULL);
	}
#undef NUM
	puts(line.buf);
	dt_strbuf_release(&line);
	dt_strbuf_release(&diff);
}

int cmd_inspection(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "region", required_argument, NULL, 'r' },
		{ "year", required_argument, NULL, 'y' },
		{ "title", required_argument, NULL, 't' },
		{ "kinds", required_argument, NULL, 'k' },
		{ "count", required_argument, NULL, 'c' },
		{ "rate", required_argument, NULL, 'R' },
		{ "cross-city", no_argument, NULL, 'x' },
		{ "weights", required_argument, NULL, 'w' },
		{ "inspector", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'f' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	const char *format = "table", *weights = NULL;
	json_t *in = json_object(), *pool_args = json_array(), *out = NULL;
	int c, rc = CLI_CONTINUE;
	int64_t num = 0;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		switch (c) {
		case 'r': json_object_set_new(in, "region", json_string(optarg)); break;
		case 'y':
			rc = cli_int_arg("--year", optarg, 2000, 2100, &num);
			json_object_set_new(in, "year", json_integer(num));
			break;
		case 't': json_object_set_new(in, "title", json_string(optarg)); break;
		case 'k': json_object_set_new(in, "object_kinds", json_string(optarg)); break;
		case 'c':
			rc = cli_int_arg("--count", optarg, 1, 100000, &num);
			json_object_set_new(in, "sample_kind", json_string("count"));
			json_object_set_new(in, "sample_value", json_integer(num));
			break;
		case 'R': {
			char *end = NULL;
			double v = strtod(optarg, &end);
			if (!*optarg || *end || !(v > 0 && v <= 1))
				rc = cli_usage_error(
					"--rate: %s is not a rate in (0, 1], e.g. 0.05",
					cli_quote(optarg));
			json_object_set_new(in, "sample_kind", json_string("rate"));
			json_object_set_new(in, "sample_value", json_real(v));
			break;
		}
		case 'x': json_object_set_new(in, "cross_city", json_true()); break;
		case 'w': weights = optarg; break;
		case 'i': json_array_append_new(pool_args, json_string(optarg)); break;
		case 'f':
			rc = cli_format_opt(optarg, (const char *const[]){ "table", "json", NULL },
					    &format);
			break;
		default: rc = cli_common_opt(c, &db);
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	bool json = !strcmp(format, "json");
	if ((rc = cli_positional(argc, argv, 1, 2, "ACTION")) != CLI_CONTINUE)
		goto out;
	const char *action = argv[optind];
	static const char *const with_id[] = { "commit", "draw", "reveal", "verify", "show" };
	bool needs_id = false;
	for (size_t i = 0; i < DT_ARRAY_SIZE(with_id); i++)
		needs_id |= !strcmp(action, with_id[i]);
	int64_t id = 0;
	if (needs_id) {
		if ((rc = cli_positional(argc, argv, 2, 2, "PLAN")) != CLI_CONTINUE ||
		    (rc = cli_parse_id(argv[optind + 1], "PLAN", &id)) != CLI_CONTINUE)
			goto out;
	} else if (strcmp(action, "plan") && strcmp(action, "list")) {
		rc = cli_usage_error("%s is not an inspection action (plan, commit, draw, reveal, "
				     "verify, list, show)",
				     cli_quote(action));
		goto out;
	} else if ((rc = cli_positional(argc, argv, 1, 1, "")) != CLI_CONTINUE) {
		goto out;
	}
	/* commit seals the seed and draw and reveal open it: they need the key file */
	db.need_key = !strcmp(action, "commit") || !strcmp(action, "draw") ||
		      !strcmp(action, "reveal") || !strcmp(action, "plan");
	if ((rc = cli_db_open(&db)))
		goto out;
	if (!strcmp(action, "plan")) {
		if (weights) {
			json_t *w = NULL;
			if ((rc = cli_json_arg(weights, "--weights", &w)))
				goto out;
			json_object_set_new(in, "weights", w);
		}
		json_t *pool = json_array();
		json_object_set_new(in, "inspectors", pool);
		size_t i;
		json_t *v;
		json_array_foreach(pool_args, i, v)
		{
			if ((rc = add_inspector(db.store, json_string_value(v), pool)))
				goto out;
		}
		rc = dt_store_plan_create(db.store, cli_actor(), in, &out, &err);
		if (rc != DT_OK) {
			rc = cli_fail_store(db.store, rc, &err);
			goto out;
		}
	} else if (!strcmp(action, "list")) {
		if ((rc = dt_store_plan_list(db.store, NULL, 0, &out, &err)) != DT_OK) {
			rc = cli_fail_store(db.store, rc, &err);
			goto out;
		}
		if (json) {
			cli_print_json(out);
		} else {
			print_plans(out);
			cli_say(NULL, "cli.count", "count", DT_I((int64_t)json_array_size(out)),
				"entity", "inspection_plan", NULL);
		}
		rc = 0;
		goto out;
	} else if (!strcmp(action, "show")) {
		if ((rc = dt_store_plan_show(db.store, NULL, 0, id, &out, &err)) != DT_OK) {
			rc = cli_fail_store(db.store, rc, &err);
			goto out;
		}
	} else if (!strcmp(action, "verify")) {
		rc = dt_store_plan_verify(db.store, NULL, 0, id, &out, &err);
		if (rc != DT_OK) {
			rc = cli_fail_store(db.store, rc, &err);
			goto out;
		}
		bool ok = json_is_true(json_object_get(out, "ok"));
		if (json)
			cli_print_json(out);
		else
			print_verify(id, out);
		rc = ok ? 0 : 1;
		goto out;
	} else {
		rc = dt_store_plan_act(db.store, cli_actor(), id, action, &out, &err);
		if (rc != DT_OK) {
			rc = cli_fail_store(db.store, rc, &err);
			goto out;
		}
	}
	if (json)
		cli_print_json(out);
	else
		print_plan(out);
	rc = 0;
out:
	json_decref(in);
	json_decref(pool_args);
	json_decref(out);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
