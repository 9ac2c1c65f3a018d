/*
 * xlsx.h - reading the cells of an Excel workbook (.xlsx) people bring.
 *
 * An .xlsx file is a ZIP package (libzip) of XML parts, read here with
 * libxml2's streaming reader: xl/workbook.xml (the sheets, the 1900 or 1904
 * date system), its relationships (which part is which sheet),
 * xl/sharedStrings.xml (rich text runs joined, phonetic runs dropped),
 * xl/styles.xml (which cell formats are dates) and one worksheet, whose cells
 * are handed on row by row as text: shared and inline strings as they are,
 * numbers as Excel wrote them, booleans as "TRUE"/"FALSE", a number in a
 * date format as YYYY-MM-DD.  Nothing in a package is trusted: the number of
 * entries, each part's uncompressed size and its ratio to the compressed size
 * are capped while it is read (not as the ZIP claims), a DTD is refused, no
 * entity is expanded and nothing is fetched from the network.
 */
#ifndef DT_XLSX_H
#define DT_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "domain/problem.h"

#define DT_XLSX_MAX_ENTRIES 1000               /* entries a package may have */
#define DT_XLSX_MAX_PART ((uint64_t)1 << 30)   /* uncompressed bytes of one part */
#define DT_XLSX_MAX_RATIO 200                  /* uncompressed / compressed, past 1 MiB */
#define DT_XLSX_RATIO_FREE ((uint64_t)1 << 20) /* a part this small may compress as it likes */
#define DT_XLSX_MAX_STRINGS ((size_t)1 << 24)  /* shared strings a workbook may have */
#define DT_XLSX_MAX_COL 16384                  /* columns of a sheet (A..XFD) */
#define DT_XLSX_MAX_ROW 1048576                /* rows of a sheet */

/* Where the cells of a sheet go. */
struct dt_xlsx_sink {
	/*
	 * A cell of the current row: @col is 0 for column A; cells come in
	 * increasing column order, empty ones and gaps are not sent.  @text
	 * (UTF-8, @len bytes, NUL-terminated) is valid until the call returns.
	 */
	void (*cell)(void *ctx, uint32_t col, const char *text, size_t len);
	/* The end of row @rowno (1-based, as Excel numbers it; increasing). */
	void (*row)(void *ctx, int64_t rowno);
	/* May be NULL; true stops the reading (dt_xlsx_read returns DT_OK). */
	bool (*stop)(void *ctx);
	void *ctx;
	/* Set by the reader as it goes: the sheet's bytes read, of its uncompressed size. */
	uint64_t done, total;
};

/** True when @data starts as a ZIP file does ("PK\3\4"), as every .xlsx file does. */
bool dt_xlsx_is_zip(const void *data, size_t len);

/**
 * Read worksheet @sheet (NULL: the first) of the workbook in @len bytes of
 * @data, handing its rows to @sink.  On a package that cannot be read -
 * not a ZIP, a part missing, too many entries, a part too large or too
 * compressed, malformed XML, a DTD, a cell reference out of order - one
 * problem (a catalogue code "xlsx.*" with its arguments, no field) is added
 * to @ps and DT_EINVAL returned; rows already sent stay sent.  DT_ENOMEM when
 * memory runs out.  Thread-safe: every call has its own state.
 */
enum dt_err dt_xlsx_read(const void *data, size_t len, const char *sheet, struct dt_xlsx_sink *sink,
			 struct dt_problems *ps);

/**
 * Excel serial day @serial in the 1900 (or, with @d1904, the 1904) date
 * system as "YYYY-MM-DD" in @out (11 bytes); the fraction (time of day) is
 * dropped.  Serial 60 of the 1900 system is Excel's 1900-02-29, which is
 * written as such (it names no day).  False when @serial is out of
 * 0..2958465 (9999-12-31).
 */
bool dt_xlsx_serial_date(double serial, bool d1904, char out[11]);

#endif
