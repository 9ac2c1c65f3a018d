/*
 * fuzz_encoding.c - the bytes of a file before they are CSV: encoding
 * detection and conversion to UTF-8 (UTF-8 with and without a BOM, GBK /
 * GB18030, refused UTF-16 and workbooks), cell clean-up, and the UTF-8
 * helpers that every message quoting user input goes through.
 *
 * The first byte picks the encoding asked for (auto, UTF-8, GB18030).
 * Oracles: whatever the conversion accepts is valid UTF-8 without a BOM,
 * and a valid UTF-8 input read as UTF-8 comes back unchanged; a cleaned
 * cell is valid UTF-8 no longer than it was; a quoted string is valid
 * UTF-8; decoding walks a valid string in exactly dt_utf8_len() steps.
 */
#include "core/utf8.h"
#include "io/encoding.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mode = fz_take(&data, &size);
	const char *in = (const char *)data;
	struct dt_strbuf out = DT_STRBUF_INIT, err = DT_STRBUF_INIT, q = DT_STRBUF_INIT;
	int enc = (int)(mode % 3); /* DT_ENC_AUTO, DT_ENC_UTF8, DT_ENC_GB18030 */
	int used = -1;
	bool bom = false;
	size_t bad = 0;
	bool valid = dt_utf8_valid(in, size, &bad);
	if (!valid)
		FZ_CHECK(bad < size);

	if (dt_encoding_to_utf8(in, size, enc, &out, &used, &bom, &err) == DT_OK) {
		FZ_CHECK(dt_utf8_valid(out.buf, out.len, NULL));
		FZ_CHECK(used == DT_ENC_UTF8 || used == DT_ENC_GB18030);
		if (used == DT_ENC_UTF8 && valid) {
			size_t skip = bom ? 3 : 0;
			FZ_CHECK(out.len == size - skip && !memcmp(out.buf, in + skip, out.len));
		}
		(void)dt_encoding_name(used, bom);

		/* each line of the text as a cell, cleaned both ways */
		char *cell = NULL;
		for (size_t at = 0; at < out.len;) {
			const char *nl = memchr(out.buf + at, '\n', out.len - at);
			size_t n = nl ? (size_t)(nl - (out.buf + at)) : out.len - at;
			if (!memchr(out.buf + at, '\0', n)) {
				cell = realloc(cell, n + 1);
				memcpy(cell, out.buf + at, n);
				cell[n] = '\0';
				size_t len = dt_cell_clean(cell, mode & 4);
				FZ_CHECK(len <= n && len == strlen(cell));
				FZ_CHECK(dt_utf8_valid(cell, len, NULL));
				(void)dt_utf8_width(cell);
				size_t cps = dt_utf8_len(cell), steps = 0;
				for (size_t i = 0; i < len; steps++) {
					uint32_t cp;
					size_t k = dt_utf8_decode(cell + i, len - i, &cp);
					FZ_CHECK(k > 0);
					(void)dt_utf8_cp_width(cp);
					i += k;
				}
				FZ_CHECK(steps == cps);
			}
			at += n + 1;
		}
		free(cell);
	}

	/* quoting any bytes for a message gives valid UTF-8 */
	char *s = fz_strndup(data, size);
	dt_utf8_add_quoted(&q, s, (mode >> 3) * 4);
	FZ_CHECK(dt_utf8_valid(q.buf, q.len, NULL));
	(void)dt_utf8_width(s);
	free(s);

	dt_strbuf_release(&out);
	dt_strbuf_release(&err);
	dt_strbuf_release(&q);
	return 0;
}
