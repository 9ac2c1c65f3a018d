/*
 * fuzz_checkpoint.c - the signed checkpoint of the audit chain
 * (dt_checkpoint_parse in src/core/sign.c): the text a province or the
 * nation keeps and hands back to `audit verify --against` and to
 * POST /api/v1/audit/checkpoints/verify.
 *
 * Byte 0 picks the key the checkpoint must be signed with: none (any key
 * the text names) or a fixed key of the harness's own.  Beyond "does not
 * crash", an accepted checkpoint must keep its promises: its fingerprint is
 * that of its key, its hash is 64 hex digits, its event is not negative, a
 * fixed key is the one it names, and signing its fields again gives a text
 * that parses back to the same fields.
 */
#include <sodium.h>

#include "core/sign.h"
#include "core/strbuf.h"
#include "fuzz.h"

static struct dt_sign_key fixed;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	unsigned char seed[32];
	for (int i = 0; i < 32; i++)
		seed[i] = (unsigned char)(3 + 7 * i);
	crypto_sign_seed_keypair(fixed.pk, fixed.sk, seed);
	sodium_bin2hex(fixed.pk_hex, sizeof(fixed.pk_hex), fixed.pk, sizeof(fixed.pk));
	dt_sign_fingerprint(fixed.pk, fixed.fingerprint);
	return 0;
}

static bool hex64(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == 64;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned which = fz_take(&data, &size);
	const unsigned char *pk = which & 1 ? fixed.pk : NULL;
	struct dt_checkpoint cp, again;
	struct dt_strbuf err = DT_STRBUF_INIT, text = DT_STRBUF_INIT;

	memset(&cp, 0, sizeof(cp));
	if (dt_checkpoint_parse((const char *)data, size, pk, &cp, &err) == DT_OK) {
		char fpr[DT_SIGN_FPR_HEX];
		dt_sign_fingerprint(cp.pk, fpr);
		FZ_CHECK(!strcmp(fpr, cp.fingerprint));
		FZ_CHECK(cp.event >= 0);
		FZ_CHECK(hex64(cp.hash));
		FZ_CHECK(!pk || !memcmp(cp.pk, pk, DT_SIGN_PK_LEN));
		/* the same fields signed again (with the harness's key) read back the same */
		dt_checkpoint_sign(&cp, &fixed, &text);
		memset(&again, 0, sizeof(again));
		dt_strbuf_reset(&err);
		FZ_CHECK(dt_checkpoint_parse(text.buf, text.len, fixed.pk, &again, &err) == DT_OK);
		FZ_CHECK(again.event == cp.event && !strcmp(again.hash, cp.hash) &&
			 !strcmp(again.time, cp.time) && !strcmp(again.database, cp.database));
	}
	dt_strbuf_release(&text);
	dt_strbuf_release(&err);
	return 0;
}
