/*
 * cmd_copy.c - `dualtrack copy --from SRC --to DST`: move a whole pilot to
 * another database, typically from a SQLite file to PostgreSQL when a pilot
 * outgrows one machine (store/copy.c does the work and the checks).
 *
 * The records' personal identity numbers stay encrypted with the source's
 * key, so the target needs the same key file: when the target's key file
 * (by the usual rule: beside a database file, NAME.key for PostgreSQL) does
 * not exist, the source's is copied there, mode 0600.  A copy that fails
 * leaves no new SQLite file behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/banned.h"

/* Copy the key file @from to @to (which must not exist), mode 0600. */
/* Remove the SQLite file @path and the journal files beside it. */
static void remove_db_file(const char *path)
{
	static const char *const tails[] = { "", "-wal", "-shm", "-journal" };
	char name[4096];
	for (size_t i = 0; i < DT_ARRAY_SIZE(tails); i++)
		if (snprintf(name, sizeof(name), "%s%s", path, tails[i]) < (int)sizeof(name))
			(void)unlink(name);
}

static int copy_key(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb");
	if (!in) {
		cli_error("%s: %s", from, strerror(errno));
		return 1;
	}
	int fd = open(to, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		cli_error("%s: %s", to, strerror(errno));
		fclose(in);
		return 1;
	}
	char buf[4096];
	size_t n;
	int rc = 0;
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (write(fd, buf, n) != (ssize_t)n)
			rc = 1;
	if (ferror(in) || fsync(fd) != 0 || close(fd) != 0)
		rc = 1;
	fclose(in);
	if (rc) {
		cli_error("%s: %s", to, strerror(errno));
		unlink(to);
	}
	return rc;
}

int cmd_copy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		CLI_DB_OPTIONS,
		CLI_OPTIONS_END,
	};
	struct cli_db from = CLI_DB_INIT, to = CLI_DB_INIT;
	struct dt_store *dst = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct cli_progress p;
	struct dt_copy_stats stats;
	struct stat st;
	int c, rc = CLI_CONTINUE;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 'f')
			from.db_arg = optarg;
		else if (c == 't')
			to.db_arg = optarg;
		else if ((rc = cli_common_opt(c, &from)) != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 0, 0, "")) != CLI_CONTINUE)
		goto out;
	if (!to.db_arg) {
		rc = cli_usage_say(NULL, "cli.missing_arg", "what", "--to DST", NULL);
		goto out;
	}
	if ((rc = cli_db_resolve(&to)))
		goto out;
	if ((rc = cli_db_open(&from)))
		goto out;
	bool exists = false;
	if ((rc = dt_store_exists(to.db_path, &exists, &err)) != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	/* An existing target is refused by the copy itself unless it holds nothing but the schema
	 * (as a failed copy to PostgreSQL leaves it). */
	rc = dt_store_open(&dst, to.db_path, NULL, DT_STORE_CREATE, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	cli_progress_init(&p, "copy");
	rc = dt_store_copy(from.store, dst, &stats, cli_progress_cb, &p, &err);
	cli_progress_finish(&p);
	if (rc != DT_OK) {
		rc = cli_fail_store(dst, rc, &err);
		/* The file this command made holds only the schema: gone, so that a second try may
		 * make it again.  A PostgreSQL database is the caller's own and stays, empty. */
		if (!exists && !dt_store_is_pgsql(to.db_path)) {
			dt_store_close(dst);
			dst = NULL;
			remove_db_file(to.db_path);
		}
		goto out;
	}
	struct dt_strbuf msg = DT_STRBUF_INIT;
	dt_message(&msg, cli_lang(), "cli.copy_done", "rows", DT_I(stats.rows), "events",
		   DT_I(stats.events), "path", to.db_shown, "seconds",
		   DT_I((long long)cli_progress_elapsed(&p)), NULL);
	printf("%s\n", msg.buf);
	if (stat(to.key_path, &st) != 0 && stat(from.key_path, &st) == 0) {
		if ((rc = copy_key(from.key_path, to.key_path))) {
			dt_strbuf_release(&msg);
			goto out;
		}
		dt_strbuf_reset(&msg);
		dt_message(&msg, cli_lang(), "cli.copy_key", "from", from.key_path, "to",
			   to.key_path, NULL);
		printf("%s\n", msg.buf);
	}
	dt_strbuf_release(&msg);
	rc = 0;
out:
	dt_store_close(dst);
	cli_db_close(&from);
	cli_db_close(&to);
	dt_strbuf_release(&err);
	return rc;
}
