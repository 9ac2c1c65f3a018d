/*
 * pdf.h - a small page layout for the documents dualtrack prints: A4 pages
 * with a running header and a footer with the page number, titled
 * sections, wrapped paragraphs, tables whose cells wrap and whose header
 * row repeats on every page the table runs onto, boxes to sign and stamp,
 * and simple bar and line charts.
 *
 * Text is laid out by pango (plain text, never markup: a name holding "<b>"
 * prints as written) in a CJK font found through fontconfig and embedded
 * (subset) in the PDF that cairo writes.  The whole file is built in
 * memory, into a strbuf the caller owns.  Errors are sticky: drawing calls
 * return nothing, and dt_pdf_finish() says whether all went well.
 */
#ifndef DT_IO_PDF_H
#define DT_IO_PDF_H

#include <stddef.h>

#include "core/err.h"
#include "core/strbuf.h"

struct dt_pdf;

/**
 * The family of the CJK font documents are set in: "Noto Sans CJK SC"
 * (fonts-noto-cjk) when fontconfig has it, else the first font it knows
 * that covers simplified Chinese (a warning is logged naming it).
 * DT_EIO, said in @err, when there is none (never DT_ENOTFOUND, which
 * callers answer as a record not found).  The name is static.
 */
enum dt_err dt_pdf_font(const char **family, struct dt_strbuf *err);

/**
 * Start a document written into @out (borrowed; appended to; its cap
 * bounds the file).  @header (may be NULL) is printed at the top of every
 * page, @footer at the bottom left, and @page_label at the bottom right
 * with "{n}" replaced by the page number ("第 {n} 页", "Page {n}").  The
 * strings are copied.  *@pdf is freed with dt_pdf_free().
 */
enum dt_err dt_pdf_new(struct dt_strbuf *out, const char *title, const char *header,
		       const char *footer, const char *page_label, struct dt_pdf **pdf,
		       struct dt_strbuf *err);

/** The document's title, large and centred. */
void dt_pdf_title(struct dt_pdf *p, const char *text);
/** A section heading; starts a new page when too little room is left below it. */
void dt_pdf_heading(struct dt_pdf *p, const char *text);
/** A paragraph of wrapped text. */
void dt_pdf_para(struct dt_pdf *p, const char *text);
/** A small grey note (sources, explanations). */
void dt_pdf_note(struct dt_pdf *p, const char *text);
/** Vertical space of @pt points. */
void dt_pdf_space(struct dt_pdf *p, double pt);
/** Go on at the top of a new page. */
void dt_pdf_page_break(struct dt_pdf *p);

/**
 * A table of @ncols columns (at most 12), @widths their relative widths
 * (NULL: equal) and @head their headings (may be NULL: no header row).
 * Rows follow with dt_pdf_table_row() (@cells: ncols strings, NULL for
 * empty), each wrapped within its cells; a row that does not fit goes to a
 * new page, where the header row is drawn again.  dt_pdf_table_end() closes it.
 */
void dt_pdf_table_begin(struct dt_pdf *p, int ncols, const double *widths, const char *const *head);
void dt_pdf_table_row(struct dt_pdf *p, const char *const *cells);
void dt_pdf_table_end(struct dt_pdf *p);

/**
 * @n boxes side by side (at most 4), each a frame captioned @captions[i]
 * with room to sign and stamp, and a line for the date labelled @date_label.
 */
void dt_pdf_sign_boxes(struct dt_pdf *p, int n, const char *const *captions,
		       const char *date_label);

enum dt_pdf_chart_kind { DT_PDF_BARS, DT_PDF_LINES };

/**
 * A chart titled @title: @nx categories labelled @xlabels along the x axis,
 * @ns series named @names with @values[s * nx + x] (NAN: no value, a gap),
 * as grouped bars or lines with points.  The y axis starts at 0 (or the
 * smallest value, when negative) and ends at the largest.  At most 4 series
 * and 60 categories.
 */
void dt_pdf_chart(struct dt_pdf *p, enum dt_pdf_chart_kind kind, const char *title, int nx,
		  const char *const *xlabels, int ns, const char *const *names,
		  const double *values);

/** Number of pages so far. */
int dt_pdf_pages(const struct dt_pdf *p);

/** Finish the last page and the file; DT_OK when every step went well. */
enum dt_err dt_pdf_finish(struct dt_pdf *p, struct dt_strbuf *err);
/** Free @p (NULL is fine), finished or not. */
void dt_pdf_free(struct dt_pdf *p);

#endif
