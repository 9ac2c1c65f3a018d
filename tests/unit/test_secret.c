/*
 * test_secret.c - unit tests for core/secret: the key file (0600, no
 * overwrite, strict format, refused when others can read it), seal/open,
 * wrong keys and tampering, blind indexes and the key fingerprint.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/common.h"
#include "core/secret.h"
#include "core/banned.h"

struct fixture {
	char dir[64];
	struct dt_strbuf path; /* a key file path inside dir */
	struct dt_strbuf err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/dt_test_secret.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	dt_strbuf_init(&f->path, 0);
	dt_strbuf_init(&f->err, 0);
	dt_strbuf_addf(&f->path, "%s/master.key", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct dt_strbuf other = DT_STRBUF_INIT;
	dt_strbuf_addf(&other, "%s/other.key", f->dir); /* left behind by a failed test */
	unlink(other.buf);
	dt_strbuf_release(&other);
	unlink(f->path.buf);
	rmdir(f->dir);
	dt_strbuf_release(&f->path);
	dt_strbuf_release(&f->err);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *content, size_t len, mode_t mode)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(content, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void read_file(const char *path, char *buf, size_t size, size_t *len)
{
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	*len = fread(buf, 1, size, fp);
	fclose(fp);
}

static void master_of(unsigned char m[32], int seed)
{
	for (int i = 0; i < 32; i++)
		m[i] = (unsigned char)(seed * 31 + i * 7);
}

static void test_create_file(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	char text[128];
	size_t len;

	mode_t old = umask(0); /* a permissive umask must not widen the mode */
	assert_int_equal(dt_keys_create_file(f->path.buf, &f->err), DT_OK);
	umask(old);
	assert_int_equal(stat(f->path.buf, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);

	read_file(f->path.buf, text, sizeof(text), &len);
	assert_int_equal(len, 65);
	for (int i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", text[i]));
	assert_int_equal(text[64], '\n');

	/* refuses to overwrite, and says which file */
	char before[128];
	memcpy(before, text, sizeof(before));
	assert_int_equal(dt_keys_create_file(f->path.buf, &f->err), DT_ECONFLICT);
	assert_non_null(strstr(f->err.buf, f->path.buf));
	assert_non_null(strstr(f->err.buf, "already exists"));
	read_file(f->path.buf, text, sizeof(text), &len);
	assert_int_equal(len, 65);
	assert_memory_equal(text, before, 65);

	/* a second key is a different key */
	struct dt_strbuf other = DT_STRBUF_INIT;
	dt_strbuf_addf(&other, "%s/other.key", f->dir);
	old = umask(0377); /* nor a strict one change it */
	assert_int_equal(dt_keys_create_file(other.buf, NULL), DT_OK);
	umask(old);
	assert_int_equal(stat(other.buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	read_file(other.buf, text, sizeof(text), &len);
	assert_int_equal(len, 65);
	assert_memory_not_equal(text, before, 64);
	unlink(other.buf);
	dt_strbuf_release(&other);

	/* no such directory */
	dt_strbuf_reset(&other);
	dt_strbuf_addf(&other, "%s/missing/dir.key", f->dir);
	assert_int_equal(dt_keys_create_file(other.buf, &f->err), DT_EIO);
	assert_non_null(strstr(f->err.buf, other.buf));
	dt_strbuf_release(&other);
}

static void test_load_round_trip(void **state)
{
	struct fixture *f = *state;
	struct dt_keys a, b, c;
	char text[128];
	size_t len;
	unsigned char master[32];

	assert_int_equal(dt_keys_create_file(f->path.buf, &f->err), DT_OK);
	assert_int_equal(dt_keys_load_file(f->path.buf, &a, &f->err), DT_OK);
	assert_int_equal(dt_keys_load_file(f->path.buf, &b, NULL), DT_OK);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(strlen(a.fingerprint), 32);

	/* the file's hex is the master key: deriving from it gives the same keys */
	read_file(f->path.buf, text, sizeof(text), &len);
	for (int i = 0; i < 32; i++) {
		unsigned int byte;
		char hex[3] = { text[2 * i], text[2 * i + 1], '\0' };
		assert_int_equal(sscanf(hex, "%2x", &byte), 1);
		master[i] = (unsigned char)byte;
	}
	dt_keys_from_master(master, &c);
	assert_memory_equal(&a, &c, sizeof(a));

	/* sub-keys differ from each other and from the master */
	assert_memory_not_equal(a.enc, a.idx, 32);
	assert_memory_not_equal(a.enc, master, 32);
	assert_memory_not_equal(a.idx, master, 32);

	dt_keys_clear(&a);
	static const struct dt_keys zero;
	assert_memory_equal(&a, &zero, sizeof(a));
	dt_keys_clear(NULL);
}

static void expect_load_error(struct fixture *f, const char *content, size_t len, mode_t mode,
			      int code, const char *needle)
{
	struct dt_keys k;
	unlink(f->path.buf);
	write_file(f->path.buf, content, len, mode);
	memset(&k, 0x5a, sizeof(k));
	assert_int_equal(dt_keys_load_file(f->path.buf, &k, &f->err), code);
	assert_non_null(strstr(f->err.buf, f->path.buf));
	if (!strstr(f->err.buf, needle))
		fail_msg("message '%s' lacks '%s'", f->err.buf, needle);
	assert_int_equal(dt_keys_load_file(f->path.buf, &k, NULL), code);
}

static void test_load_errors(void **state)
{
	struct fixture *f = *state;
	const char *good = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
	struct dt_keys k;
	char buf[128];

	/* missing */
	assert_int_equal(dt_keys_load_file(f->path.buf, &k, &f->err), DT_ECRYPTO);
	assert_non_null(strstr(f->err.buf, f->path.buf));
	assert_non_null(strstr(f->err.buf, "does not exist"));

	/* the good one loads */
	write_file(f->path.buf, good, 65, 0600);
	assert_int_equal(dt_keys_load_file(f->path.buf, &k, &f->err), DT_OK);
	write_file(f->path.buf, good, 65, 0400);
	assert_int_equal(dt_keys_load_file(f->path.buf, &k, &f->err), DT_OK);

	/* too open */
	expect_load_error(f, good, 65, 0644, DT_ECRYPTO, "chmod 600");
	expect_load_error(f, good, 65, 0640, DT_ECRYPTO, "mode 0640");
	expect_load_error(f, good, 65, 0602, DT_ECRYPTO, "chmod 600");

	/* wrong size */
	expect_load_error(f, good, 64, 0600, DT_ECRYPTO, "expected 65 bytes");
	expect_load_error(f, "", 0, 0600, DT_ECRYPTO, "found 0");
	expect_load_error(f, good, 32, 0600, DT_ECRYPTO, "found 32");
	memcpy(buf, good, 65);
	memcpy(buf + 65, "\n", 1);
	expect_load_error(f, buf, 66, 0600, DT_ECRYPTO, "found 66");

	/* wrong characters */
	memcpy(buf, good, 65);
	buf[10] = 'A';
	expect_load_error(f, buf, 65, 0600, DT_ECRYPTO, "lowercase hex");
	expect_load_error(f, buf, 65, 0600, DT_ECRYPTO, "byte 10");
	memcpy(buf, good, 65);
	buf[63] = 'g';
	expect_load_error(f, buf, 65, 0600, DT_ECRYPTO, "byte 63");
	memcpy(buf, good, 65);
	buf[64] = ' ';
	expect_load_error(f, buf, 65, 0600, DT_ECRYPTO, "newline");
	memcpy(buf, " 00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", 65);
	expect_load_error(f, buf, 65, 0600, DT_ECRYPTO, "byte 0");

	/* a directory is not a key file */
	assert_int_equal(dt_keys_load_file(f->dir, &k, &f->err), DT_ECRYPTO);
	assert_non_null(strstr(f->err.buf, "not a regular file"));

	/* nor is a FIFO, and opening it does not hang */
	unlink(f->path.buf);
	assert_int_equal(mkfifo(f->path.buf, 0600), 0);
	assert_int_equal(dt_keys_load_file(f->path.buf, &k, &f->err), DT_ECRYPTO);
	assert_non_null(strstr(f->err.buf, "not a regular file"));
}

static void test_seal_open(void **state)
{
	unsigned char m1[32], m2[32];
	struct dt_keys k1, k2;
	static const char plain[] = "110101200001011237";
	const size_t n = sizeof(plain) - 1;
	unsigned char sealed[sizeof(plain) - 1 + DT_SEAL_OVERHEAD];
	unsigned char sealed2[sizeof(sealed)];
	char out[sizeof(plain)];
	(void)state;

	master_of(m1, 1);
	master_of(m2, 2);
	dt_keys_from_master(m1, &k1);
	dt_keys_from_master(m2, &k2);

	dt_secret_seal(&k1, plain, n, sealed);
	assert_memory_not_equal(sealed + DT_SEAL_OVERHEAD, plain, n);
	memset(out, 0, sizeof(out));
	assert_int_equal(dt_secret_open(&k1, sealed, sizeof(sealed), out), DT_OK);
	assert_memory_equal(out, plain, n);

	/* a fresh nonce each time: same plaintext, different ciphertext */
	dt_secret_seal(&k1, plain, n, sealed2);
	assert_memory_not_equal(sealed, sealed2, sizeof(sealed));
	assert_int_equal(dt_secret_open(&k1, sealed2, sizeof(sealed2), out), DT_OK);
	assert_memory_equal(out, plain, n);

	/* the wrong key fails */
	assert_int_equal(dt_secret_open(&k2, sealed, sizeof(sealed), out), DT_ECRYPTO);

	/* any flipped byte (nonce, MAC or ciphertext) fails */
	for (size_t i = 0; i < sizeof(sealed); i++) {
		memcpy(sealed2, sealed, sizeof(sealed));
		sealed2[i] ^= 0x01;
		assert_int_equal(dt_secret_open(&k1, sealed2, sizeof(sealed2), out), DT_ECRYPTO);
	}
	/* truncated */
	assert_int_equal(dt_secret_open(&k1, sealed, sizeof(sealed) - 1, out), DT_ECRYPTO);
	assert_int_equal(dt_secret_open(&k1, sealed, DT_SEAL_OVERHEAD - 1, out), DT_ECRYPTO);
	assert_int_equal(dt_secret_open(&k1, sealed, 0, out), DT_ECRYPTO);

	/* the empty string seals and opens too */
	unsigned char empty[DT_SEAL_OVERHEAD];
	char none[1] = { 'x' };
	dt_secret_seal(&k1, "", 0, empty);
	assert_int_equal(dt_secret_open(&k1, empty, sizeof(empty), none), DT_OK);
	assert_int_equal(dt_secret_open(&k2, empty, sizeof(empty), none), DT_ECRYPTO);

	dt_keys_clear(&k1);
	dt_keys_clear(&k2);
}

/*
 * Nonces from the per-thread pool: a thousand seals (four fillings of the
 * pool) all with different nonces; a child forked with the pool half used
 * does not take the nonce its parent takes next (its pool starts empty).
 */
static void test_seal_nonces(void **state)
{
	enum { N = 1000, NB = 24 };
	unsigned char m[32];
	struct dt_keys k;
	(void)state;
	master_of(m, 3);
	dt_keys_from_master(m, &k);
	static unsigned char sealed[N][1 + DT_SEAL_OVERHEAD];
	for (int i = 0; i < N; i++) {
		dt_secret_seal(&k, "x", 1, sealed[i]);
		char out[1];
		assert_int_equal(dt_secret_open(&k, sealed[i], sizeof(sealed[i]), out), DT_OK);
		assert_int_equal(out[0], 'x');
	}
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			assert_memory_not_equal(sealed[i], sealed[j], NB);

	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned char c[1 + DT_SEAL_OVERHEAD];
		dt_secret_seal(&k, "x", 1, c);
		_exit(write(fds[1], c, NB) == NB ? 0 : 1);
	}
	unsigned char child[NB], parent[1 + DT_SEAL_OVERHEAD];
	assert_int_equal(read(fds[0], child, NB), NB);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	dt_secret_seal(&k, "x", 1, parent);
	assert_memory_not_equal(child, parent, NB);
	close(fds[0]);
	close(fds[1]);
	dt_keys_clear(&k);
}

static void test_blind(void **state)
{
	unsigned char m1[32], m2[32];
	struct dt_keys k1, k1b, k2;
	unsigned char a[DT_BLIND_LEN], b[DT_BLIND_LEN], c[DT_BLIND_LEN], d[DT_BLIND_LEN];
	static const char id[] = "110101200001011237";
	(void)state;

	master_of(m1, 1);
	master_of(m2, 2);
	dt_keys_from_master(m1, &k1);
	dt_keys_from_master(m1, &k1b);
	dt_keys_from_master(m2, &k2);

	dt_secret_blind(&k1, id, strlen(id), a);
	dt_secret_blind(&k1b, id, strlen(id), b);
	assert_memory_equal(a, b, DT_BLIND_LEN); /* deterministic per key */
	dt_secret_blind(&k2, id, strlen(id), c);
	assert_memory_not_equal(a, c, DT_BLIND_LEN); /* differs across keys */
	dt_secret_blind(&k1, "110101200001011245", 18, d);
	assert_memory_not_equal(a, d, DT_BLIND_LEN); /* differs across values */
	dt_secret_blind(&k1, id, strlen(id) - 1, d);
	assert_memory_not_equal(a, d, DT_BLIND_LEN); /* the length counts */

	/* the all-zero master key, checked against Python's hashlib.blake2b */
	unsigned char zero[32] = { 0 };
	struct dt_keys kz;
	struct dt_strbuf hex = DT_STRBUF_INIT;
	dt_keys_from_master(zero, &kz);
	dt_secret_blind(&kz, id, strlen(id), a);
	dt_strbuf_addhex(&hex, a, DT_BLIND_LEN);
	assert_string_equal(hex.buf, "f6596f52255ac30a7d527b899cd8d974");
	dt_strbuf_release(&hex);
}

static void test_fingerprint(void **state)
{
	unsigned char m1[32], m2[32];
	struct dt_keys k1, k1b, k2;
	(void)state;

	master_of(m1, 1);
	master_of(m2, 2);
	dt_keys_from_master(m1, &k1);
	dt_keys_from_master(m1, &k1b);
	dt_keys_from_master(m2, &k2);
	assert_int_equal(strlen(k1.fingerprint), 32);
	for (int i = 0; i < 32; i++)
		assert_non_null(strchr("0123456789abcdef", k1.fingerprint[i]));
	assert_string_equal(k1.fingerprint, k1b.fingerprint);
	assert_string_not_equal(k1.fingerprint, k2.fingerprint);

	/* stable across versions: the all-zero master key has this fingerprint */
	unsigned char zero[32] = { 0 };
	struct dt_keys kz;
	dt_keys_from_master(zero, &kz);
	/* computed independently with Python's hashlib.blake2b (crypto_kdf is keyed
	 * BLAKE2b with the id as salt and the context as personalisation) */
	assert_string_equal(kz.fingerprint, "4f57063a5f03677ad6f06667e14c29b1");
}

static void test_token_digest(void **state)
{
	unsigned char d[DT_TOKEN_DIGEST_LEN], d2[DT_TOKEN_DIGEST_LEN];
	char hex[DT_TOKEN_HASH_HEX];
	struct dt_strbuf sb = DT_STRBUF_INIT;
	(void)state;

	/* the stored hash is the hex of the digest the server's cache compares */
	dt_token_digest("abc", d);
	dt_token_hash("abc", hex);
	dt_strbuf_addhex(&sb, d, sizeof(d));
	assert_string_equal(sb.buf, hex);
	/* unkeyed BLAKE2b-256, as Python's hashlib.blake2b(b"abc", digest_size=32) */
	assert_string_equal(hex,
			    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	dt_token_digest("abd", d2);
	assert_memory_not_equal(d, d2, sizeof(d));
	dt_strbuf_release(&sb);
}

static void test_password_verify(void **state)
{
	char h[DT_PWHASH_LEN];
	(void)state;
	assert_int_equal(dt_password_hash("correct horse", h), DT_OK);
	assert_true(dt_password_verify(h, "correct horse"));
	assert_false(dt_password_verify(h, "correct horsE"));
	/* what an account without a password holds, and other non-hashes: refused
	 * (after a verification against the dummy, so no faster) */
	assert_false(dt_password_verify("!", "!"));
	assert_false(dt_password_verify("", ""));
	assert_false(dt_password_verify(NULL, "x"));
	assert_false(dt_password_verify("$argon2id$garbage", "x"));
	assert_non_null(dt_password_dummy_hash());
	assert_false(dt_password_verify(dt_password_dummy_hash(), ""));
}

int main(void)
{
	if (dt_secret_init() != DT_OK)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
		cmocka_unit_test(test_seal_open),
		cmocka_unit_test(test_seal_nonces),
		cmocka_unit_test(test_blind),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_token_digest),
		cmocka_unit_test(test_password_verify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
