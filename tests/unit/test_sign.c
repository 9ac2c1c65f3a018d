/*
 * test_sign.c - unit tests for core/sign: the signing key file (0600, no
 * overwrite, refused when others can read it), checkpoints that round-trip,
 * and the property that changing any single byte of a signed checkpoint,
 * or checking it against another key, makes it fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/common.h"
#include "core/secret.h"
#include "core/sign.h"
#include "core/banned.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/dt_test_sign.XXXXXX");
	return mkdtemp(dir) && dt_secret_init() == DT_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void key_at(const char *name, struct dt_sign_key *k)
{
	struct dt_strbuf p = DT_STRBUF_INIT, err = DT_STRBUF_INIT;
	dt_strbuf_addf(&p, "%s/%s", dir, name);
	assert_int_equal(dt_sign_key_create(p.buf, &err), DT_OK);
	struct stat st;
	assert_int_equal(stat(p.buf, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(dt_sign_key_load(p.buf, k, &err), DT_OK);
	/* never overwritten */
	assert_int_equal(dt_sign_key_create(p.buf, &err), DT_ECONFLICT);
	/* refused once others may read it */
	chmod(p.buf, 0644);
	struct dt_sign_key k2;
	assert_int_equal(dt_sign_key_load(p.buf, &k2, &err), DT_ECRYPTO);
	chmod(p.buf, 0600);
	dt_strbuf_release(&p);
	dt_strbuf_release(&err);
}

static void test_round_trip_and_tamper(void **state)
{
	(void)state;
	struct dt_sign_key k, other;
	key_at("a.key", &k);
	key_at("b.key", &other);
	struct dt_checkpoint cp = { .event = 3597 }, got;
	memset(cp.hash, 'a', 64);
	snprintf(cp.time, sizeof(cp.time), "2026-11-26T10:00:00.000Z");
	snprintf(cp.database, sizeof(cp.database), "5f1e1d1397bb0b44f40d869b37093b41");
	struct dt_strbuf text = DT_STRBUF_INIT, err = DT_STRBUF_INIT;
	dt_checkpoint_sign(&cp, &k, &text);
	assert_int_equal(dt_checkpoint_parse(text.buf, text.len, k.pk, &got, &err), DT_OK);
	assert_int_equal(got.event, 3597);
	assert_string_equal(got.hash, cp.hash);
	assert_string_equal(got.time, cp.time);
	assert_string_equal(got.database, cp.database);
	assert_string_equal(got.fingerprint, k.fingerprint);
	/* any key: the one named inside */
	assert_int_equal(dt_checkpoint_parse(text.buf, text.len, NULL, &got, &err), DT_OK);
	/* another expected key */
	assert_int_equal(dt_checkpoint_parse(text.buf, text.len, other.pk, &got, &err), DT_ECRYPTO);

	/* Every single-byte change fails, whatever the byte becomes. */
	char *copy = malloc(text.len + 1);
	for (size_t i = 0; i < text.len; i++) {
		for (int delta = 1; delta < 256; delta += 37) {
			memcpy(copy, text.buf, text.len + 1);
			copy[i] = (char)((unsigned char)copy[i] ^ (unsigned char)delta);
			dt_strbuf_reset(&err);
			int rc = dt_checkpoint_parse(copy, text.len, k.pk, &got, &err);
			if (rc == DT_OK)
				fail_msg("byte %zu changed by %d still verifies", i, delta);
		}
	}
	/* cut short, or with more after it */
	assert_int_not_equal(dt_checkpoint_parse(text.buf, text.len - 1, k.pk, &got, &err), DT_OK);
	dt_strbuf_adds(&text, "x");
	assert_int_equal(dt_checkpoint_parse(text.buf, text.len, k.pk, &got, &err), DT_EINVAL);
	free(copy);
	dt_strbuf_release(&text);
	dt_strbuf_release(&err);
}

static void test_pubkey_parse(void **state)
{
	(void)state;
	struct dt_sign_key k;
	key_at("c.key", &k);
	unsigned char pk[DT_SIGN_PK_LEN];
	struct dt_strbuf err = DT_STRBUF_INIT, p = DT_STRBUF_INIT;
	assert_int_equal(dt_sign_pubkey_parse(k.pk_hex, pk, "key", &err), DT_OK);
	assert_memory_equal(pk, k.pk, DT_SIGN_PK_LEN);
	dt_strbuf_addf(&p, "%s/pub.txt", dir);
	FILE *f = fopen(p.buf, "w");
	fprintf(f, "%s\n", k.pk_hex);
	fclose(f);
	memset(pk, 0, sizeof(pk));
	assert_int_equal(dt_sign_pubkey_parse(p.buf, pk, "key", &err), DT_OK);
	assert_memory_equal(pk, k.pk, DT_SIGN_PK_LEN);
	assert_int_equal(dt_sign_pubkey_parse("abc", pk, "key", &err), DT_EINVAL);
	char upper[DT_SIGN_PK_HEX];
	memcpy(upper, k.pk_hex, sizeof(upper));
	upper[0] = 'G';
	assert_int_equal(dt_sign_pubkey_parse(upper, pk, "key", &err), DT_EINVAL);
	dt_strbuf_release(&err);
	dt_strbuf_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_tamper),
		cmocka_unit_test(test_pubkey_parse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
