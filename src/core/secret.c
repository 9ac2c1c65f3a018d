/*
 * secret.c - the key file, field encryption and keyed blind indexes.
 *
 * One random 32-byte master key lives in a file outside the database, as 64
 * lowercase hex digits and a newline, readable by its owner only.  It is
 * never used directly: crypto_kdf derives one sub-key per purpose (context
 * "dualtrk"; id 1 encryption, 2 blind index, 3 fingerprint), so that a blind
 * index or the fingerprint stored in the database reveals nothing about the
 * encryption key.  Sealed fields are secretbox (XSalsa20-Poly1305) with a
 * fresh random nonce in front; blind indexes are keyed BLAKE2b, deterministic
 * per key so equal values can be found and kept unique without decrypting.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/common.h"
#include "core/secret.h"
#include "core/banned.h"

#define MASTER_LEN 32
#define KEY_FILE_LEN (MASTER_LEN * 2 + 1) /* hex digits and a newline */
#define KDF_CONTEXT "dualtrk"             /* 7 chars + NUL = crypto_kdf_CONTEXTBYTES */
#define SUBKEY_ENC 1
#define SUBKEY_IDX 2
#define SUBKEY_FPR 3
#define FPR_LEN 16

_Static_assert(sizeof(KDF_CONTEXT) == crypto_kdf_CONTEXTBYTES, "kdf context is 8 bytes");
_Static_assert(crypto_kdf_KEYBYTES == MASTER_LEN, "master key is a kdf key");
_Static_assert(crypto_secretbox_KEYBYTES == 32, "secretbox key size");
_Static_assert(DT_SEAL_OVERHEAD == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES,
	       "seal overhead");
_Static_assert(DT_FINGERPRINT_HEX == FPR_LEN * 2 + 1, "fingerprint size");

enum dt_err dt_secret_init(void)
{
	return sodium_init() < 0 ? DT_ECRYPTO : DT_OK;
}

bool dt_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Best effort: make the new directory entry durable, as fsync(fd) does the data. */
static void fsync_parent(const char *path)
{
	struct dt_strbuf dir = DT_STRBUF_INIT;
	const char *slash = strrchr(path, '/');

	if (!slash)
		dt_strbuf_adds(&dir, ".");
	else if (slash == path)
		dt_strbuf_adds(&dir, "/");
	else
		dt_strbuf_add(&dir, path, (size_t)(slash - path));
	if (dt_strbuf_ok(&dir)) {
		int fd = open(dir.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	dt_strbuf_release(&dir);
}

enum dt_err dt_keys_create_file(const char *path, struct dt_strbuf *err)
{
	unsigned char master[MASTER_LEN];
	char text[KEY_FILE_LEN + 1]; /* sodium_bin2hex writes a NUL after the digits */
	bool created = false;
	int fd = -1, rc = DT_OK;

	if (sodium_init() < 0)
		return dt_error(err, DT_ECRYPTO, "libsodium could not be initialised");

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			rc = dt_error(err, DT_ECONFLICT,
				      "key file %s already exists; refusing to overwrite it "
				      "(the data encrypted with it would be lost)",
				      path);
		else
			rc = dt_error(err, DT_EIO, "cannot create key file %s: %s", path,
				      strerror(errno));
		goto out;
	}
	created = true;
	/* The umask can only take bits away; make sure it is exactly owner read/write. */
	if (fchmod(fd, 0600) != 0) {
		rc = dt_error(err, DT_EIO, "cannot set mode 0600 on key file %s: %s", path,
			      strerror(errno));
		goto out;
	}

	randombytes_buf(master, sizeof(master));
	sodium_bin2hex(text, sizeof(text), master, sizeof(master));
	text[KEY_FILE_LEN - 1] = '\n';
	if (!dt_write_all(fd, text, KEY_FILE_LEN) || fsync(fd) != 0) {
		rc = dt_error(err, DT_EIO, "cannot write key file %s: %s", path, strerror(errno));
		goto out;
	}
	int cfd = fd;
	fd = -1;
	if (close(cfd) != 0) {
		rc = dt_error(err, DT_EIO, "cannot write key file %s: %s", path, strerror(errno));
		goto out;
	}
	fsync_parent(path);

out:
	if (fd >= 0)
		close(fd);
	if (rc != DT_OK && created)
		unlink(path); /* a half-written key must not be mistaken for one */
	sodium_memzero(master, sizeof(master));
	sodium_memzero(text, sizeof(text));
	return rc;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

enum dt_err dt_keys_load_file(const char *path, struct dt_keys *k, struct dt_strbuf *err)
{
	unsigned char master[MASTER_LEN];
	char text[KEY_FILE_LEN + 1]; /* one more, to notice a longer file */
	size_t got = 0;
	struct stat st;
	int fd = -1, rc = DT_OK;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC); /* a FIFO must not hang us */
	if (fd < 0) {
		if (errno == ENOENT)
			rc = dt_error(err, DT_ECRYPTO, "key file %s does not exist", path);
		else
			rc = dt_error(err, DT_EIO, "cannot open key file %s: %s", path,
				      strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		rc = dt_error(err, DT_EIO, "cannot stat key file %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = dt_error(err, DT_ECRYPTO, "key file %s is not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		rc = dt_error(err, DT_ECRYPTO,
			      "key file %s is accessible by group or others (mode %04o); "
			      "run: chmod 600 %s",
			      path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	while (got < sizeof(text)) {
		ssize_t n = read(fd, text + got, sizeof(text) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = dt_error(err, DT_EIO, "cannot read key file %s: %s", path,
				      strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != KEY_FILE_LEN) {
		long long size = got > KEY_FILE_LEN ? (long long)st.st_size : (long long)got;
		rc = dt_error(err, DT_ECRYPTO,
			      "key file %s: expected %d bytes (64 lowercase hex digits and a "
			      "newline), found %lld",
			      path, KEY_FILE_LEN, size);
		goto out;
	}
	for (size_t i = 0; i < MASTER_LEN; i++) {
		int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			rc = dt_error(err, DT_ECRYPTO,
				      "key file %s: expected 64 lowercase hex digits and a "
				      "newline, found another character at byte %zu",
				      path, hi < 0 ? 2 * i : 2 * i + 1);
			goto out;
		}
		master[i] = (unsigned char)(hi << 4 | lo);
	}
	if (text[KEY_FILE_LEN - 1] != '\n') {
		rc = dt_error(err, DT_ECRYPTO,
			      "key file %s: expected a newline after the 64 hex digits", path);
		goto out;
	}
	dt_keys_from_master(master, k);

out:
	if (fd >= 0)
		close(fd);
	sodium_memzero(master, sizeof(master));
	sodium_memzero(text, sizeof(text));
	return rc;
}

void dt_keys_from_master(const unsigned char master[32], struct dt_keys *k)
{
	unsigned char fkey[32], fpr[FPR_LEN];
	static const char fpr_msg[] = "dualtrack key fingerprint";

	crypto_kdf_derive_from_key(k->enc, sizeof(k->enc), SUBKEY_ENC, KDF_CONTEXT, master);
	crypto_kdf_derive_from_key(k->idx, sizeof(k->idx), SUBKEY_IDX, KDF_CONTEXT, master);
	crypto_kdf_derive_from_key(fkey, sizeof(fkey), SUBKEY_FPR, KDF_CONTEXT, master);
	crypto_generichash(fpr, sizeof(fpr), (const unsigned char *)fpr_msg, sizeof(fpr_msg) - 1,
			   fkey, sizeof(fkey));
	sodium_bin2hex(k->fingerprint, sizeof(k->fingerprint), fpr, sizeof(fpr));
	sodium_memzero(fkey, sizeof(fkey));
}

void dt_keys_clear(struct dt_keys *k)
{
	if (k)
		sodium_memzero(k, sizeof(*k));
}

/*
 * Nonces come from a pool of random bytes of each thread, filled by one
 * randombytes_buf() call for NONCE_POOL of them (one system call each
 * otherwise: much of a bulk import's sealing), each used once.  A child
 * process forked with a pool half used starts with an empty one, so that
 * it never takes the nonces its parent will.
 */
#define NONCE_POOL 256
static _Thread_local struct {
	unsigned char bytes[NONCE_POOL * crypto_secretbox_NONCEBYTES];
	size_t left; /* nonces not yet taken, at the end of bytes */
} nonces;

static void nonces_drop(void)
{
	sodium_memzero(&nonces, sizeof(nonces));
}

static void nonces_once(void)
{
	pthread_atfork(NULL, NULL, nonces_drop);
}

static void nonce_take(unsigned char *nonce)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	if (!nonces.left) {
		pthread_once(&once, nonces_once);
		randombytes_buf(nonces.bytes, sizeof(nonces.bytes));
		nonces.left = NONCE_POOL;
	}
	unsigned char *at =
		nonces.bytes + (NONCE_POOL - nonces.left--) * crypto_secretbox_NONCEBYTES;
	memcpy(nonce, at, crypto_secretbox_NONCEBYTES);
	sodium_memzero(at, crypto_secretbox_NONCEBYTES);
}

void dt_secret_seal(const struct dt_keys *k, const void *plain, size_t len, unsigned char *out)
{
	unsigned char *nonce = out;

	nonce_take(nonce);
	crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, plain, len, nonce, k->enc);
}

enum dt_err dt_secret_open(const struct dt_keys *k, const unsigned char *sealed, size_t len,
			   void *out)
{
	if (len < DT_SEAL_OVERHEAD)
		return DT_ECRYPTO;
	if (crypto_secretbox_open_easy(out, sealed + crypto_secretbox_NONCEBYTES,
				       len - crypto_secretbox_NONCEBYTES, sealed, k->enc) != 0)
		return DT_ECRYPTO;
	return DT_OK;
}

void dt_secret_blind(const struct dt_keys *k, const char *s, size_t len,
		     unsigned char out[DT_BLIND_LEN])
{
	crypto_generichash(out, DT_BLIND_LEN, (const unsigned char *)s, len, k->idx,
			   sizeof(k->idx));
}

enum dt_err dt_password_hash(const char *password, char out[DT_PWHASH_LEN])
{
	_Static_assert(DT_PWHASH_LEN == crypto_pwhash_STRBYTES, "pwhash size");
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return DT_ENOMEM;
	return DT_OK;
}

static char dummy_hash[DT_PWHASH_LEN];
static bool dummy_ok;

bool dt_password_verify(const char *hash, const char *password)
{
	/*
	 * A stored value that is no argon2id hash (an account awaiting
	 * activation holds "!") costs a verification too, against the dummy,
	 * so that the time of a refusal does not tell such an account apart.
	 */
	if (!hash || strncmp(hash, crypto_pwhash_STRPREFIX, strlen(crypto_pwhash_STRPREFIX))) {
		const char *d = dt_password_dummy_hash();
		bool same = d && crypto_pwhash_str_verify(d, password, strlen(password)) == 0;
		return same && false;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static void make_dummy(void)
{
	unsigned char raw[24];
	char pw[2 * sizeof(raw) + 1];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
	dummy_ok = dt_password_hash(pw, dummy_hash) == DT_OK;
	sodium_memzero(pw, sizeof(pw));
}

const char *dt_password_dummy_hash(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, make_dummy);
	return dummy_ok ? dummy_hash : NULL;
}

void dt_token_new(char out[DT_TOKEN_LEN])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, DT_TOKEN_LEN, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void dt_token_digest(const char *token, unsigned char out[DT_TOKEN_DIGEST_LEN])
{
	crypto_generichash(out, DT_TOKEN_DIGEST_LEN, (const unsigned char *)token, strlen(token),
			   NULL, 0);
}

void dt_token_hash(const char *token, char out[DT_TOKEN_HASH_HEX])
{
	unsigned char md[DT_TOKEN_DIGEST_LEN];
	dt_token_digest(token, md);
	sodium_bin2hex(out, DT_TOKEN_HASH_HEX, md, sizeof(md));
}
