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
 *
 * Format 5 (dt_audit_unpack5: a dictionary number, then the raw deflate
 * stream, with that dictionary, of before and after, each a 4-byte length
 * and its bytes): the whole input as stored bytes unpacks only with
 * dictionary 1, to parts without a NUL, or to nothing (both NULL); and
 * the input split in two at its first NUL, packed so with dictionary 1,
 * unpacks to exactly those two (the second NULL when there is no NUL),
 * and cut by a byte, to nothing.
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

	/* format 5 */
	char *b5 = NULL, *a5 = NULL;
	bool ok5 = dt_audit_unpack5(data, size, &b5, &a5);
	if (!ok5)
		FZ_CHECK(b5 == NULL && a5 == NULL);
	else
		FZ_CHECK(size >= 2 && data[0] == 1);
	free(b5);
	free(a5);
	{
		const unsigned char *dict;
		size_t dn;
		FZ_CHECK(dt_audit_dict(1, &dict, &dn));
		const char *second = n < size ? (const char *)data + n + 1 : NULL;
		size_t n2 = second ? size - n - 1 : 0;
		/* the second part up to its own NUL, as the store never keeps one */
		if (second && memchr(second, '\0', n2))
			n2 = strlen(second);
		size_t rn = 8 + n + n2;
		unsigned char *raw = malloc(rn);
		FZ_CHECK(raw != NULL);
		uint32_t l1 = (uint32_t)n, l2 = second ? (uint32_t)n2 : UINT32_MAX;
		for (int i = 0; i < 4; i++) {
			raw[i] = (unsigned char)(l1 >> (8 * i));
			raw[4 + n + i] = (unsigned char)(l2 >> (8 * i));
		}
		memcpy(raw + 4, text, n);
		if (second)
			memcpy(raw + 8 + n, second, n2);
		z_stream z = { 0 };
		FZ_CHECK(deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK);
		FZ_CHECK(deflateSetDictionary(&z, dict, (uInt)dn) == Z_OK);
		size_t cap = 1 + deflateBound(&z, (uLong)rn);
		unsigned char *p5 = malloc(cap);
		FZ_CHECK(p5 != NULL);
		p5[0] = 1;
		z.next_in = raw;
		z.avail_in = (uInt)rn;
		z.next_out = p5 + 1;
		z.avail_out = (uInt)(cap - 1);
		FZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
		size_t pn = 1 + z.total_out;
		deflateEnd(&z);
		FZ_CHECK(dt_audit_unpack5(p5, pn, &b5, &a5));
		FZ_CHECK(b5 && strcmp(b5, text) == 0);
		FZ_CHECK(second ? a5 && strlen(a5) == n2 && memcmp(a5, second, n2) == 0
				: a5 == NULL);
		free(b5);
		free(a5);
		FZ_CHECK(!dt_audit_unpack5(p5, pn - 1, &b5, &a5));
		p5[0] = 2;
		FZ_CHECK(!dt_audit_unpack5(p5, pn, &b5, &a5));
		free(p5);
		free(raw);
	}

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
