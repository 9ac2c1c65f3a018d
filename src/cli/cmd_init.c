/*
 * cmd_init.c - `dualtrack init`: a new database with its key file.
 *
 * Refuses to touch an existing database.  Makes the key file (mode 0600)
 * unless one is already there, in which case that key is used, so that a
 * database can be re-created for a key that other copies share.  Creates the
 * database, loads the built-in region and occupation tables, and on any
 * failure removes what it made, so that running it again works.
 *
 * Also makes the audit signing key (Ed25519, its own file of mode 0600,
 * see `audit checkpoint`) unless one is already there: beside the key file,
 * or where --signing-key or $DUALTRACK_SIGNING_KEY says.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/sign.h"
#include "io/refdata.h"
#include "core/banned.h"

/* Remove the database and the WAL files SQLite may have left beside it. */
static void remove_db(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(suffix); i++) {
		struct dt_strbuf p = DT_STRBUF_INIT;
		dt_strbuf_addf(&p, "%s%s", path, suffix[i]);
		if (dt_strbuf_ok(&p))
			unlink(p.buf);
		dt_strbuf_release(&p);
	}
}

static enum dt_err load_builtin(struct dt_store *s, enum dt_refdata_kind kind, const char *what,
				struct dt_strbuf *report, struct dt_strbuf *err)
{
	struct dt_refdata_stats st = { 0, 0, 0, 0 };
	int rc = dt_refdata_load_builtin(s, cli_actor(), kind, &st, err);
	if (rc != DT_OK) {
		struct dt_strbuf why = DT_STRBUF_INIT;
		dt_strbuf_addf(&why, "loading the built-in %s: %s", what, err->buf);
		dt_strbuf_reset(err);
		dt_strbuf_add(err, why.buf, why.len);
		dt_strbuf_release(&why);
		return rc;
	}
	dt_strbuf_addf(report, "loaded %lld %s (%lld added)\n", (long long)st.rows, what,
		       (long long)st.added);
	return DT_OK;
}

int cmd_init(int argc, char **argv)
{
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT, report = DT_STRBUF_INIT;
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "signing-key", required_argument, NULL, 's' },
		CLI_OPTIONS_END,
	};
	struct dt_store *s = NULL;
	bool made_key = false, made_db = false, made_skey = false;
	const char *skey_arg = NULL;
	char *skey = NULL;
	struct stat st;
	int c, rc = CLI_CONTINUE;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 's')
			skey_arg = optarg;
		else if ((rc = cli_common_opt(c, &db)) != CLI_CONTINUE)
			return rc;
	}
	if ((rc = cli_positional(argc, argv, 0, 0, "")) != CLI_CONTINUE)
		return rc;
	if ((rc = cli_db_resolve(&db)))
		goto out;
	if (!(skey = cli_signing_key_path(&db, skey_arg))) {
		cli_error("out of memory");
		rc = 3;
		goto out;
	}

	bool exists = false;
	if ((rc = dt_store_exists(db.db_path, &exists, &err)) != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	if (exists) {
		cli_error("%s already exists: refusing to overwrite a database "
			  "(remove it first, or give another --db PATH)",
			  db.db_shown);
		rc = 1;
		goto out;
	}

	if (stat(db.key_path, &st) != 0) {
		rc = dt_keys_create_file(db.key_path, &err);
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		made_key = true;
	}
	rc = dt_keys_load_file(db.key_path, &db.keys, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	db.have_keys = true;

	if (stat(skey, &st) != 0) {
		rc = dt_sign_key_create(skey, &err);
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		made_skey = true;
	}

	made_db = true; /* from here on a failure removes the file */
	rc = dt_store_open(&s, db.db_path, &db.keys, DT_STORE_CREATE, &err);
	if (rc == DT_OK) {
		dt_strbuf_addf(&report, "%s key file %s\n",
			       made_key ? "created the" : "using the existing", db.key_path);
		dt_strbuf_addf(&report,
			       "%s audit signing key %s (`dualtrack audit pubkey` prints "
			       "its public key)\n",
			       made_skey ? "created the" : "using the existing", skey);
		dt_strbuf_addf(&report, "created database %s (schema version %d)\n", db.db_shown,
			       dt_store_schema_version(s));
		rc = load_builtin(s, DT_REF_REGIONS, "regions", &report, &err);
	}
	if (rc == DT_OK)
		rc = load_builtin(s, DT_REF_OCCUPATIONS, "occupations", &report, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	fputs(report.buf, stdout);
	rc = 0;
out:
	dt_store_close(s);
	if (rc && made_db)
		remove_db(db.db_path);
	if (rc && made_key)
		unlink(db.key_path);
	if (rc && made_skey)
		unlink(skey);
	free(skey);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	dt_strbuf_release(&report);
	return rc;
}
