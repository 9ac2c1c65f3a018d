/*
 * cmd_demo.c - `dualtrack demo`: load the demo pilot into a new database.
 *
 * The generator (engine/demo.c) writes a Northeast pilot of about 5,000
 * trainees through the store's ordinary writes; it refuses a database that
 * already holds pilot data.  cli_demo_run() is shared with `gen`.
 */
#include "cli/cli.h"
#include "engine/publish.h"
#include "engine/demo_monitor.h"
#include "engine/indicators.h"
#include "core/num.h"
#include "engine/demo.h"
#include "engine/demo_accounts.h"
#include "engine/demo_supervision.h"
#include "core/banned.h"

int cli_demo_run(struct cli_db *db, struct dt_demo_opts *o, const char *label, bool accounts)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_demo_stats st = { 0 };
	struct cli_progress p;
	int rc = cli_db_open(db);
	if (rc)
		goto out;
	cli_progress_init(&p, label);
	o->progress = cli_progress_cb;
	o->progress_ctx = &p;
	rc = dt_demo_generate(db->store, cli_actor(), o, &st, &err);
	if (rc == DT_OK)
		rc = dt_demo_monitoring(db->store, cli_actor(), dt_engine_today(), &err);
	cli_progress_finish(&p);
	double secs = cli_progress_elapsed(&p);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	const struct {
		const char *name;
		int64_t n;
	} rows[] = {
		{ "pilots", st.pilots },
		{ "enterprises", st.enterprises },
		{ "schools", st.schools },
		{ "programmes", st.programmes },
		{ "partnerships", st.partnerships },
		{ "demands", st.demands },
		{ "places", st.places },
		{ "trainees", st.trainees },
		{ "contracts", st.contracts },
		{ "record-book entries", st.entries },
		{ "assessments", st.assessments },
		{ "outcomes", st.outcomes },
	};
	struct cli_table t;
	cli_table_init(&t, 2, 1u << 1);
	for (size_t i = 0; i < DT_ARRAY_SIZE(rows); i++) {
		char n[32];
		snprintf(n, sizeof(n), "%lld", (long long)rows[i].n);
		cli_table_add(&t, (const char *const[]){ rows[i].name, n });
	}
	printf("%s: generated into %s (seed %llu)\n", label, db->db_shown,
	       (unsigned long long)(o->seed ? o->seed : 1));
	cli_table_print(&t, stdout, 0);
	cli_table_release(&t);
	printf("elapsed: %.1f s (%.0f trainees/s)\n", secs,
	       secs > 0 ? (double)st.trainees / secs : 0.0);
	if (accounts) {
		json_t *acc = NULL;
		rc = dt_demo_accounts(db->store, cli_actor(), &acc, &err);
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		printf("sign-ins (password %s):\n", DT_DEMO_PASSWORD);
		size_t i;
		json_t *u;
		json_array_foreach(acc, i, u)
			printf("  %-10s %-10s %s\n", json_string_value(json_object_get(u, "login")),
			       json_string_value(json_object_get(u, "role")),
			       json_string_value(json_object_get(u, "note")));
		json_decref(acc);
		int plans = 0;
		struct dt_demo_sup_stats sup = { 0 };
		double t0 = cli_now();
		rc = dt_demo_supervision(db->store, cli_actor(), &plans, &sup, &err);
		double sup_secs = cli_now() - t0;
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		printf("supervision: %d inspection plans committed, drawn and revealed "
		       "(`dualtrack inspection list`); more inspectors: inspector-ln, inspector-dl, "
		       "inspector-as, inspector-jl, inspector-jl2\n",
		       plans);
		printf("  a year of it: %d inspections conducted, %d findings (`dualtrack finding "
		       "list`), %d evidence files; %d organisations rectify, accounts "
		       "company-ID / school-ID (%.1f s)\n",
		       sup.inspections, sup.findings, sup.files, sup.org_accounts, sup_secs);
		struct dt_demo_pub_stats pub = { 0 };
		t0 = cli_now();
		rc = dt_demo_publicity(db->store, cli_actor(), &pub, &err);
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		printf("publicity: %d good-practice cases published (%d featured), %d in review; "
		       "%d news items and notices, %d policy documents (%.1f s)\n",
		       pub.published, pub.featured, pub.in_review, pub.news, pub.policies,
		       cli_now() - t0);
		/* the public portal: the pilot cities' figures and ranking, published */
		json_t *pubs = NULL;
		rc = dt_engine_publish_pilots(db->store, cli_actor(), NULL,
					      dt_engine_today() / 10000, &pubs, &err);
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		printf("portal: the figures of %zu pilot cities published (`dualtrack publish`; "
		       "the portal at /)\n",
		       json_array_size(pubs));
		json_decref(pubs);
	}
	rc = 0;
out:
	cli_db_close(db);
	dt_strbuf_release(&err);
	return rc;
}

int cli_parse_seed(const char *s, uint64_t *seed)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	int64_t v;
	int rc = CLI_CONTINUE;
	if ((rc = cli_int_arg("--seed", s, 0, INT64_MAX, &v)) == CLI_CONTINUE)
		*seed = (uint64_t)v;
	dt_strbuf_release(&err);
	return rc;
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "seed", required_argument, NULL, 's' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_demo_opts o = { 0 };
	int c, rc;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 's')
			rc = cli_parse_seed(optarg, &o.seed);
		else
			rc = cli_common_opt(c, &db);
		if (rc != CLI_CONTINUE)
			return rc;
	}
	if ((rc = cli_positional(argc, argv, 0, 0, "")) != CLI_CONTINUE)
		return rc;
	return cli_demo_run(&db, &o, "demo", true);
}
