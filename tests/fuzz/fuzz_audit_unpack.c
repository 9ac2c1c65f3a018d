/*
 * fuzz_audit_unpack.c - the packed audit payloads of batch events, read
 * back from a table anyone with the database file can edit: as text
 * (dt_audit_unpack in src/store/audit.c, format 3: "z<length>:" and the
 * base64 of the zlib stream) and as bytes (dt_audit_unpack_bytes, format 4:
 * the length as 4 bytes little-endian, then the zlib stream).
 *
 * The input, up to its first NUL, is the stored text; the whole input is
 * the stored bytes.  Oracles: text that does not start with "z" is no
 * packed payload (NULL); what unpacks is never longer than the length it
 * claims, and as bytes exactly that long with no NUL in it; read as JSON
 * (dt_audit_packed_json), its lists stored as differences come back whole
 * or not at all; and the same
 * input packed each way the store packs it unpacks to exactly itself.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz.h"
#include "store/store_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	FZ_CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	size_t n = strlen(text);

	char *out = dt_audit_unpack(text);
	if (text[0] != 'z')
		FZ_CHECK(out == NULL);
	if (out) {
		unsigned long long claimed = strtoull(text + 1, NULL, 10);
		FZ_CHECK(strlen(out) <= claimed);
	}
	free(out);

	/* as JSON: the lists stored as differences ("~ids", "~at") come back whole, or nothing */
	json_t *j = dt_audit_packed_json(data, size);
	if (json_is_object(j))
		FZ_CHECK(!json_object_get(j, "~ids") && !json_object_get(j, "~at"));
	json_decref(j);

	out = dt_audit_unpack_bytes(data, size);
	if (size < 4)
		FZ_CHECK(out == NULL);
	if (out) {
		size_t claimed = (size_t)data[0] | (size_t)data[1] << 8 | (size_t)data[2] << 16 |
				 (size_t)data[3] << 24;
		FZ_CHECK(strlen(out) == claimed);
	}
	free(out);

	/* the round trips */
	uLongf zn = compressBound((uLong)n);
	unsigned char *z = malloc(zn ? zn : 1);
	FZ_CHECK(z != NULL);
	FZ_CHECK(compress2(z, &zn, (const Bytef *)text, (uLong)n, 9) == Z_OK);
	size_t b64 = sodium_base64_ENCODED_LEN(zn, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	char *packed = malloc(32 + b64);
	FZ_CHECK(packed != NULL);
	int h = snprintf(packed, 32, "z%zu:", n);
	sodium_bin2base64(packed + h, b64, z, zn, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	out = dt_audit_unpack(packed);
	FZ_CHECK(out != NULL && strcmp(out, text) == 0);
	free(out);
	unsigned char *bytes = malloc(4 + zn);
	FZ_CHECK(bytes != NULL);
	for (int i = 0; i < 4; i++)
		bytes[i] = (unsigned char)(n >> (8 * i));
	memcpy(bytes + 4, z, zn);
	out = dt_audit_unpack_bytes(bytes, 4 + zn);
	FZ_CHECK(out != NULL && strcmp(out, text) == 0);
	free(out);
	free(bytes);
	free(packed);
	free(z);
	free(text);
	return 0;
}
