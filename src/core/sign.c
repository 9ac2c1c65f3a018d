/*
 * sign.c - the audit signing key (Ed25519) and signed checkpoints.
 *
 * The key file holds the 32-byte seed as 64 lowercase hex digits and a
 * newline, like the data key file (secret.c), and is refused when group or
 * others can read it.  A checkpoint is parsed strictly: the lines in their
 * order, each value of its exact form, nothing after the signature line but
 * its newline; the signature covers every byte before that line, so a
 * checkpoint cannot be altered and still verify.  See sign.h for the format.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/common.h"
#include "core/num.h"
#include "core/secret.h"
#include "core/sign.h"
#include "core/banned.h"

#define SEED_LEN 32
#define SEED_FILE_LEN (SEED_LEN * 2 + 1)
#define HEADER "dualtrack audit checkpoint v1\n"

_Static_assert(crypto_sign_SEEDBYTES == SEED_LEN, "Ed25519 seed");
_Static_assert(crypto_sign_PUBLICKEYBYTES == DT_SIGN_PK_LEN, "Ed25519 public key");
_Static_assert(crypto_sign_SECRETKEYBYTES == 64, "Ed25519 secret key");
_Static_assert(crypto_sign_BYTES == 64, "Ed25519 signature");

enum dt_err dt_sign_key_create(const char *path, struct dt_strbuf *err)
{
	unsigned char seed[SEED_LEN];
	char text[SEED_FILE_LEN + 1];
	int rc = DT_OK;

	if (sodium_init() < 0)
		return dt_error(err, DT_ECRYPTO, "libsodium could not be initialised");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return dt_error(
				err, DT_ECONFLICT,
				"signing key %s already exists; refusing to overwrite it "
				"(the checkpoints signed with it could no longer be checked)",
				path);
		return dt_error(err, DT_EIO, "cannot create signing key %s: %s", path,
				strerror(errno));
	}
	randombytes_buf(seed, sizeof(seed));
	sodium_bin2hex(text, sizeof(text), seed, sizeof(seed));
	text[SEED_FILE_LEN - 1] = '\n';
	if (fchmod(fd, 0600) != 0 || !dt_write_all(fd, text, SEED_FILE_LEN) || fsync(fd) != 0)
		rc = dt_error(err, DT_EIO, "cannot write signing key %s: %s", path,
			      strerror(errno));
	if (close(fd) != 0 && rc == DT_OK)
		rc = dt_error(err, DT_EIO, "cannot write signing key %s: %s", path,
			      strerror(errno));
	if (rc != DT_OK)
		unlink(path);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(text, sizeof(text));
	return rc;
}

/* @n bytes from 2n lowercase hex digits of @hex; false on any other character. */
static bool from_hex(const char *hex, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			return false;
	size_t got = 0;
	return sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) == 0 && got == n;
}

static void key_from_seed(const unsigned char seed[SEED_LEN], struct dt_sign_key *k)
{
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	sodium_bin2hex(k->pk_hex, sizeof(k->pk_hex), k->pk, sizeof(k->pk));
	dt_sign_fingerprint(k->pk, k->fingerprint);
}

enum dt_err dt_sign_key_load(const char *path, struct dt_sign_key *k, struct dt_strbuf *err)
{
	unsigned char seed[SEED_LEN];
	char text[SEED_FILE_LEN + 1];
	struct stat st;
	size_t got = 0;
	int rc = DT_OK;

	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? dt_error(err, DT_ECRYPTO,
						  "signing key %s does not exist "
						  "(make one with `dualtrack audit keygen -o %s`)",
						  path, path)
				       : dt_error(err, DT_EIO, "cannot open signing key %s: %s",
						  path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = dt_error(err, DT_ECRYPTO, "signing key %s is not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		rc = dt_error(err, DT_ECRYPTO,
			      "signing key %s is accessible by group or others (mode %04o); run: "
			      "chmod 600 %s",
			      path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	while (got < sizeof(text)) {
		ssize_t n = read(fd, text + got, sizeof(text) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != SEED_FILE_LEN || text[SEED_FILE_LEN - 1] != '\n' ||
	    !from_hex(text, seed, SEED_LEN)) {
		rc = dt_error(err, DT_ECRYPTO,
			      "signing key %s: expected 64 lowercase hex digits and a newline",
			      path);
		goto out;
	}
	key_from_seed(seed, k);
out:
	close(fd);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(text, sizeof(text));
	return rc;
}

void dt_sign_key_clear(struct dt_sign_key *k)
{
	if (k)
		sodium_memzero(k, sizeof(*k));
}

void dt_sign_fingerprint(const unsigned char pk[DT_SIGN_PK_LEN], char out[DT_SIGN_FPR_HEX])
{
	unsigned char md[16];
	crypto_generichash(md, sizeof(md), pk, DT_SIGN_PK_LEN, NULL, 0);
	sodium_bin2hex(out, DT_SIGN_FPR_HEX, md, sizeof(md));
}

enum dt_err dt_sign_pubkey_parse(const char *text, unsigned char pk[DT_SIGN_PK_LEN],
				 const char *what, struct dt_strbuf *err)
{
	char buf[2 * DT_SIGN_PK_LEN + 2];
	const char *hex = text;
	if (strlen(text) != 2 * DT_SIGN_PK_LEN) {
		/* Not 64 digits: the name of a file holding them (a newline may follow). */
		FILE *f = fopen(text, "re");
		if (!f)
			return dt_error(err, DT_EINVAL,
					"%s: %s is neither 64 hex digits nor a readable "
					"file (%s)",
					what, text, strerror(errno));
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (n == sizeof(buf) - 1 && buf[n - 1] == '\n')
			n--;
		if (n != 2 * DT_SIGN_PK_LEN)
			return dt_error(err, DT_EINVAL,
					"%s: the file %s does not hold a public key "
					"(64 hex digits)",
					what, text);
		buf[n] = '\0';
		hex = buf;
	}
	if (!from_hex(hex, pk, DT_SIGN_PK_LEN))
		return dt_error(err, DT_EINVAL, "%s: expected 64 lowercase hex digits", what);
	return DT_OK;
}

/* ---- checkpoints ---- */

/* The lines the signature covers. */
static void signed_part(const struct dt_checkpoint *cp, const char *pk_hex, struct dt_strbuf *out)
{
	dt_strbuf_adds(out, HEADER);
	dt_strbuf_addf(
		out, "event: %lld\nhash: %s\ntime: %s\ndatabase: %s\nkey: %s\nfingerprint: %s\n",
		(long long)cp->event, cp->hash, cp->time, cp->database, pk_hex, cp->fingerprint);
}

void dt_checkpoint_sign(struct dt_checkpoint *cp, const struct dt_sign_key *k,
			struct dt_strbuf *out)
{
	char sig_hex[DT_SIGN_SIG_HEX];
	size_t start = out->len;
	memcpy(cp->pk, k->pk, sizeof(cp->pk));
	memcpy(cp->fingerprint, k->fingerprint, sizeof(cp->fingerprint));
	signed_part(cp, k->pk_hex, out);
	crypto_sign_detached(cp->sig, NULL, (const unsigned char *)out->buf + start,
			     out->len - start, k->sk);
	sodium_bin2hex(sig_hex, sizeof(sig_hex), cp->sig, sizeof(cp->sig));
	dt_strbuf_addf(out, "signature: %s\n", sig_hex);
}

/* The value of line "@name: value\n" at *@p (before @end), NUL-ended into @out; advances *@p. */
static bool line_value(const char **p, const char *end, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	if ((size_t)(end - *p) < n + 2 || memcmp(*p, name, n) || (*p)[n] != ':' ||
	    (*p)[n + 1] != ' ')
		return false;
	const char *v = *p + n + 2;
	const char *nl = memchr(v, '\n', (size_t)(end - v));
	if (!nl || (size_t)(nl - v) >= cap || memchr(v, '\0', (size_t)(nl - v)))
		return false;
	memcpy(out, v, (size_t)(nl - v));
	out[nl - v] = '\0';
	*p = nl + 1;
	return true;
}

static bool all_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

enum dt_err dt_checkpoint_parse(const char *text, size_t len, const unsigned char *pk,
				struct dt_checkpoint *cp, struct dt_strbuf *err)
{
	static const char *const names[] = { "event", "hash",        "time",     "database",
					     "key",   "fingerprint", "signature" };
	char v[7][DT_SIGN_SIG_HEX + 8];
	const char *p = text, *end = text + len, *sig_line = NULL;

	memset(cp, 0, sizeof(*cp));
	if (len > DT_CHECKPOINT_MAX)
		return dt_error(err, DT_EINVAL, "checkpoint: longer than %d bytes",
				DT_CHECKPOINT_MAX);
	if (len < strlen(HEADER) || memcmp(text, HEADER, strlen(HEADER)))
		return dt_error(err, DT_EINVAL,
				"checkpoint: not a dualtrack audit checkpoint "
				"(the first line is not \"dualtrack audit checkpoint v1\")");
	p += strlen(HEADER);
	for (size_t i = 0; i < DT_ARRAY_SIZE(names); i++) {
		if (i == 6)
			sig_line = p;
		if (!line_value(&p, end, names[i], v[i], sizeof(v[i])))
			return dt_error(err, DT_EINVAL,
					"checkpoint: line %zu: expected \"%s: ...\"", i + 2,
					names[i]);
	}
	if (p != end)
		return dt_error(err, DT_EINVAL, "checkpoint: unexpected text after the signature");
	struct dt_strbuf e2 = DT_STRBUF_INIT;
	if (dt_parse_int64(v[0], 0, INT64_MAX, &cp->event, "event", &e2) != DT_OK) {
		int rc = dt_error(err, DT_EINVAL, "checkpoint: %s", e2.buf);
		dt_strbuf_release(&e2);
		return rc;
	}
	dt_strbuf_release(&e2);
	if (!all_hex(v[1], 64))
		return dt_error(err, DT_EINVAL, "checkpoint: hash: expected 64 hex digits");
	if (!*v[2] || strlen(v[2]) >= sizeof(cp->time))
		return dt_error(err, DT_EINVAL, "checkpoint: time: expected an ISO 8601 time");
	if (!*v[3] || strlen(v[3]) >= sizeof(cp->database))
		return dt_error(err, DT_EINVAL, "checkpoint: database: too long");
	if (!all_hex(v[4], 64) || !from_hex(v[4], cp->pk, sizeof(cp->pk)))
		return dt_error(err, DT_EINVAL, "checkpoint: key: expected 64 hex digits");
	if (!all_hex(v[6], 128) || !from_hex(v[6], cp->sig, sizeof(cp->sig)))
		return dt_error(err, DT_EINVAL, "checkpoint: signature: expected 128 hex digits");
	memcpy(cp->hash, v[1], 65);
	memcpy(cp->time, v[2], strlen(v[2]) + 1); /* lengths checked above */
	memcpy(cp->database, v[3], strlen(v[3]) + 1);
	dt_sign_fingerprint(cp->pk, cp->fingerprint);
	if (strcmp(cp->fingerprint, v[5]))
		return dt_error(err, DT_ECRYPTO,
				"checkpoint: the fingerprint %s is not that of its "
				"key (%s)",
				v[5], cp->fingerprint);
	if (pk && sodium_memcmp(pk, cp->pk, DT_SIGN_PK_LEN)) {
		char want[DT_SIGN_FPR_HEX];
		dt_sign_fingerprint(pk, want);
		return dt_error(err, DT_ECRYPTO,
				"checkpoint: signed by key %s, not by the expected "
				"key %s",
				cp->fingerprint, want);
	}
	if (crypto_sign_verify_detached(cp->sig, (const unsigned char *)text,
					(size_t)(sig_line - text), cp->pk) != 0)
		return dt_error(err, DT_ECRYPTO,
				"checkpoint: the signature does not verify "
				"(the checkpoint was altered, or not signed by key %s)",
				cp->fingerprint);
	return DT_OK;
}
