/*
 * cmd_audit.c - `dualtrack audit`: verify the audit hash chain, anchor it
 * with signed checkpoints, and compare the records with it.
 *
 *   verify [--against FILE [--public-key FILE|HEX]] [--records]
 *   checkpoint [-o FILE]          the head signed with the signing key
 *   keygen [-o FILE]              a new signing key (refuses to overwrite)
 *   pubkey                        the signing key's public half, for others to keep
 *
 * The signing key is its own file, apart from the database and its data
 * key: --signing-key, else $DUALTRACK_SIGNING_KEY, else dualtrack.signing.key
 * beside the key file.  Exit 0 when everything holds, 1 naming the first
 * event that was edited, removed or reordered, the checkpoint the chain no
 * longer extends, or the records that differ from their events.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/sign.h"
#include "core/banned.h"

#define RECORDS_SHOWN 50 /* findings printed by --records */

char *cli_signing_key_path(const struct cli_db *db, const char *arg)
{
	const char *env = getenv("DUALTRACK_SIGNING_KEY");
	if (arg && *arg)
		return strdup(arg);
	if (env && *env)
		return strdup(env);
	struct dt_strbuf p = DT_STRBUF_INIT;
	const char *slash = db->key_path ? strrchr(db->key_path, '/') : NULL;
	size_t klen = db->key_path ? strlen(db->key_path) : 0;
	if (slash)
		dt_strbuf_add(&p, db->key_path, (size_t)(slash - db->key_path + 1));
	if (dt_store_is_pgsql(db->db_path) && !db->key_named && klen > 4) {
		/* beside NAME.key, as NAME.signing.key: one folder may serve several databases */
		dt_strbuf_add(&p, db->key_path, klen - 4);
		dt_strbuf_adds(&p, ".signing.key");
	} else {
		dt_strbuf_adds(&p, "dualtrack.signing.key");
	}
	return dt_strbuf_detach(&p, NULL);
}

/* Write @text to @path ("-": stdout) so that a reader never sees half of it. */
static int write_text(const char *path, const struct dt_strbuf *text)
{
	if (!strcmp(path, "-")) {
		fputs(text->buf, stdout);
		return 0;
	}
	struct dt_strbuf tmp = DT_STRBUF_INIT;
	dt_strbuf_addf(&tmp, "%s.tmp", path);
	int rc = 0;
	FILE *f = dt_strbuf_ok(&tmp) ? fopen(tmp.buf, "we") : NULL;
	if (!f || fwrite(text->buf, 1, text->len, f) != text->len || fclose(f) != 0 ||
	    rename(tmp.buf, path) != 0) {
		cli_error("%s: %s", path, strerror(errno));
		if (tmp.len)
			unlink(tmp.buf);
		rc = 1;
	}
	dt_strbuf_release(&tmp);
	return rc;
}

static int keygen(const char *path)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_sign_key k;
	int rc = dt_sign_key_create(path, &err);
	if (rc == DT_OK)
		rc = dt_sign_key_load(path, &k, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
	} else {
		printf("created signing key %s (mode 0600; keep it apart from the database)\n"
		       "public key: %s\nfingerprint: %s\n",
		       path, k.pk_hex, k.fingerprint);
		rc = 0;
	}
	dt_sign_key_clear(&k);
	dt_strbuf_release(&err);
	return rc;
}

static int load_key(const char *path, struct dt_sign_key *k)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = dt_sign_key_load(path, k, &err);
	if (rc != DT_OK)
		rc = cli_fail(rc, &err);
	dt_strbuf_release(&err);
	return rc;
}

static int checkpoint(struct cli_db *db, const char *key_path, const char *out)
{
	struct dt_strbuf err = DT_STRBUF_INIT, text = DT_STRBUF_INIT;
	struct dt_sign_key k;
	struct dt_checkpoint cp;
	int rc = load_key(key_path, &k);
	if (rc || (rc = cli_db_open(db)))
		goto out;
	rc = dt_store_audit_head(db->store, &cp, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	dt_checkpoint_sign(&cp, &k, &text);
	rc = write_text(out, &text);
	if (!rc && strcmp(out, "-"))
		fprintf(stderr, "checkpoint of audit event %lld written to %s (key %s)\n",
			(long long)cp.event, out, cp.fingerprint);
out:
	dt_sign_key_clear(&k);
	dt_strbuf_release(&err);
	dt_strbuf_release(&text);
	return rc;
}

/* Read and check checkpoint @path against @pubkey (else the local signing key's public half). */
static int read_checkpoint(const char *path, const char *pubkey, const char *key_path,
			   struct dt_checkpoint *cp)
{
	struct dt_strbuf err = DT_STRBUF_INIT, text = DT_STRBUF_INIT;
	unsigned char pk[DT_SIGN_PK_LEN];
	int rc = 0;
	if (pubkey) {
		if (dt_sign_pubkey_parse(pubkey, pk, "--public-key", &err) != DT_OK) {
			rc = cli_usage_error("%s", err.buf);
			goto out;
		}
	} else {
		struct dt_sign_key k;
		if (dt_sign_key_load(key_path, &k, &err) != DT_OK) {
			cli_error("--against: no public key to check the checkpoint with: give "
				  "--public-key FILE|HEX (%s)",
				  err.buf);
			rc = 1;
			goto out;
		}
		memcpy(pk, k.pk, sizeof(pk));
		dt_sign_key_clear(&k);
	}
	/* One byte more than a checkpoint may have: a longer file is refused by the parser. */
	char buf[DT_CHECKPOINT_MAX + 1];
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	if (!f) {
		cli_error("--against: %s: %s", path, strerror(errno));
		rc = 1;
		goto out;
	}
	size_t n = fread(buf, 1, sizeof(buf), f);
	if (f != stdin)
		fclose(f);
	dt_strbuf_add(&text, buf, n);
	if (dt_checkpoint_parse(text.buf, text.len, pk, cp, &err) != DT_OK) {
		cli_error("%s: %s", path, err.buf);
		rc = 1;
	}
out:
	dt_strbuf_release(&err);
	dt_strbuf_release(&text);
	return rc;
}

static int verify(struct cli_db *db, const char *against, const char *pubkey, const char *key_path,
		  bool records)
{
	struct dt_strbuf err = DT_STRBUF_INIT, report = DT_STRBUF_INIT;
	struct dt_checkpoint cp;
	int64_t n = 0;
	int rc = 0;
	if (against && (rc = read_checkpoint(against, pubkey, key_path, &cp)))
		goto out;
	if ((rc = cli_db_open(db)))
		goto out;
	rc = against ? dt_store_audit_extends(db->store, &cp, &n, &err)
		     : dt_store_audit_verify(db->store, &n, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	printf("audit chain ok: %lld events checked\n", (long long)n);
	if (against)
		printf("extends the checkpoint of %s: event %lld unchanged (key %s)\n", cp.time,
		       (long long)cp.event, cp.fingerprint);
	else if (!records)
		printf("(not anchored: a rewrite of the whole chain is found only against a signed "
		       "checkpoint, see --against)\n");
	if (records) {
		int64_t found = 0, seen = 0;
		rc = dt_store_records_check(db->store, &report, RECORDS_SHOWN, &found, &seen, &err);
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		fputs(report.buf, stdout);
		if (found) {
			cli_error("%lld record%s differ%s from the audit trail", (long long)found,
				  found == 1 ? "" : "s", found == 1 ? "s" : "");
			rc = 1;
			goto out;
		}
		printf("records ok: %lld records match their last audit event\n", (long long)seen);
	}
	rc = 0;
out:
	dt_strbuf_release(&err);
	dt_strbuf_release(&report);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "against", required_argument, NULL, 'a' },
		{ "public-key", required_argument, NULL, 'p' },
		{ "records", no_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "signing-key", required_argument, NULL, 's' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	const char *against = NULL, *pubkey = NULL, *out = NULL, *skey = NULL;
	bool records = false;
	char *key_path = NULL;
	int c, rc = CLI_CONTINUE;

	/* -o FILE as well as --output FILE */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-o"))
			argv[i] = (char *)"--output";
	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		switch (c) {
		case 'a': against = optarg; break;
		case 'p': pubkey = optarg; break;
		case 'r': records = true; break;
		case 'o': out = optarg; break;
		case 's': skey = optarg; break;
		default: rc = cli_common_opt(c, &db); break;
		}
		if (rc != CLI_CONTINUE)
			return rc;
	}
	if ((rc = cli_positional(argc, argv, 1, 1,
				 "the action: verify, checkpoint, keygen or "
				 "pubkey")) != CLI_CONTINUE)
		return rc;
	const char *action = argv[optind];
	bool is_verify = !strcmp(action, "verify"), is_cp = !strcmp(action, "checkpoint"),
	     is_keygen = !strcmp(action, "keygen"), is_pub = !strcmp(action, "pubkey");
	if (!is_verify && !is_cp && !is_keygen && !is_pub)
		return cli_usage_error(
			"%s is not an audit action (try: verify, checkpoint, keygen, "
			"pubkey)",
			cli_quote(action));
	if (!is_verify && (against || pubkey || records))
		return cli_usage_error("--against, --public-key and --records go with verify only");
	if (is_verify && out)
		return cli_usage_error("-o goes with checkpoint and keygen only");
	if (pubkey && !against)
		return cli_usage_error("--public-key checks a checkpoint: give --against FILE too");
	if ((rc = cli_db_resolve(&db)))
		goto out;
	key_path = cli_signing_key_path(&db, is_keygen && out ? out : skey);
	if (!key_path) {
		cli_error("out of memory");
		rc = 3;
		goto out;
	}
	if (is_keygen) {
		rc = keygen(key_path);
	} else if (is_pub) {
		struct dt_sign_key k;
		if (!(rc = load_key(key_path, &k)))
			printf("%s\n", k.pk_hex);
		dt_sign_key_clear(&k);
	} else if (is_cp) {
		rc = checkpoint(&db, key_path, out ? out : "-");
	} else {
		rc = verify(&db, against, pubkey, key_path, records);
	}
out:
	free(key_path);
	cli_db_close(&db);
	return rc;
}
