/*
 * cmd_refdata.c - `dualtrack refdata load regions|occupations FILE`.
 *
 * Loads a newer region list (GB/T 2260) or occupation catalogue over the
 * built-in one: new codes are added, known codes updated, nothing deleted.
 * The loader checks every row before writing and names the row and column
 * of a fault; the load is one transaction.
 */
#include <errno.h>
#include <string.h>

#include "cli/cli.h"
#include "io/refdata.h"
#include "core/banned.h"

/* Read all of @path ("-": stdin) into @sb; 0 or an exit status. */
static int read_file(const char *path, struct dt_strbuf *sb)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	char buf[65536];
	size_t n;
	int rc = 0;
	if (!f) {
		cli_error("%s: cannot open: %s", path, strerror(errno));
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		dt_strbuf_add(sb, buf, n);
	if (ferror(f)) {
		cli_error("%s: cannot read: %s", path, strerror(errno));
		rc = 1;
	} else if (!dt_strbuf_ok(sb)) {
		cli_error("%s: larger than %zu bytes", path, sb->max);
		rc = 1;
	}
	if (!is_stdin)
		fclose(f);
	return rc;
}

int cmd_refdata(int argc, char **argv)
{
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT, data = DT_STRBUF_INIT;
	struct dt_refdata_stats st = { 0, 0, 0, 0 };
	enum dt_refdata_kind kind;
	int rc;

	if ((rc = cli_db_opts(argc, argv, &db, NULL)) != CLI_CONTINUE ||
	    (rc = cli_positional(argc, argv, 1, 3, "the action: load")) != CLI_CONTINUE)
		return rc;
	if (strcmp(argv[optind], "load"))
		return cli_usage_error("%s is not a refdata action (try: load)",
				       cli_quote(argv[optind]));
	if ((rc = cli_positional(argc, argv, 2, 3, "the table: regions or occupations")) !=
	    CLI_CONTINUE)
		return rc;
	const char *table = argv[optind + 1];
	if (!strcmp(table, "regions"))
		kind = DT_REF_REGIONS;
	else if (!strcmp(table, "occupations"))
		kind = DT_REF_OCCUPATIONS;
	else
		return cli_usage_error("%s is not a reference table (regions or occupations)",
				       cli_quote(table));
	if ((rc = cli_positional(argc, argv, 3, 3, "FILE (a CSV file, or - for stdin)")) !=
	    CLI_CONTINUE)
		return rc;
	const char *path = argv[optind + 2];

	if ((rc = read_file(path, &data)))
		goto out;
	if ((rc = cli_db_open(&db)))
		goto out;
	rc = dt_refdata_load(db.store, cli_actor(), kind, data.buf, data.len, &st, &err);
	if (rc != DT_OK) {
		struct dt_strbuf msg = DT_STRBUF_INIT;
		dt_strbuf_addf(&msg, "%s: %s (nothing was loaded)", path, err.buf);
		rc = cli_fail(rc, &msg);
		dt_strbuf_release(&msg);
		goto out;
	}
	printf("%s from %s: %lld rows: %lld added, %lld updated, %lld unchanged\n", table, path,
	       (long long)st.rows, (long long)st.added, (long long)st.updated,
	       (long long)st.unchanged);
out:
	cli_db_close(&db);
	dt_strbuf_release(&err);
	dt_strbuf_release(&data);
	return rc;
}
