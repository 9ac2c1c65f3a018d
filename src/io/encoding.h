/*
 * encoding.h - the text encodings of files people bring: detect, convert to
 * UTF-8, and clean up cells.
 *
 * Chinese Excel saves "CSV" in the system code page (GBK, a subset of
 * GB18030) and "CSV UTF-8" with a byte-order mark; other tools write UTF-8
 * without one.  The encoding is detected from the bytes, never assumed: a
 * UTF-8 BOM means UTF-8; otherwise well-formed UTF-8 is UTF-8; otherwise the
 * bytes are decoded as GB18030 (iconv), and a file that is neither is
 * refused naming the line and byte.  UTF-16 (Excel's "Unicode text") is
 * recognised by its BOM, and an Excel workbook (.xlsx, .xls) by its
 * signature, and both are refused with a hint, as is a NUL byte anywhere.
 */
#ifndef DT_ENCODING_H
#define DT_ENCODING_H

#include <stddef.h>

#include "core/strbuf.h"

enum dt_encoding {
	DT_ENC_AUTO = 0, /* detect */
	DT_ENC_UTF8,     /* UTF-8, a leading BOM is dropped */
	DT_ENC_GB18030,  /* GBK or GB18030 */
	DT_ENC_XLSX,     /* not text: an XLSX workbook (io/xlsx.h), for summaries */
};

/** "auto", "utf-8"/"utf8", "gbk"/"gb18030"/"gb2312"; -1 if unknown. */
int dt_encoding_parse(const char *name);
/** "UTF-8", "UTF-8 with BOM", "GB18030" or "XLSX" for messages and summaries. */
const char *dt_encoding_name(int enc, bool bom);

/**
 * Convert @len bytes of @data in encoding @enc (DT_ENC_AUTO: detect) to
 * UTF-8 appended to @out, without a BOM.  *@used (may be NULL) receives the
 * encoding found and *@bom whether a UTF-8 BOM was dropped.  DT_EINVAL names
 * the line and byte offset of the first byte that is not valid in the
 * encoding.
 */
enum dt_err dt_encoding_to_utf8(const char *data, size_t len, int enc, struct dt_strbuf *out,
				int *used, bool *bom, struct dt_strbuf *err);

/**
 * Clean a cell in place: drop surrounding blanks (ASCII white space,
 * U+3000 ideographic space, U+00A0, U+FEFF) and, when @codes, fold
 * full-width ASCII (U+FF01..U+FF5E) to ASCII, as in codes, numbers and
 * dates typed with a Chinese input method.  @s is NUL-terminated valid
 * UTF-8; returns its new length.
 */
size_t dt_cell_clean(char *s, bool codes);

#endif
