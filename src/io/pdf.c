/*
 * pdf.c - the page layout of pdf.h on cairo's PDF surface, text by pango.
 *
 * One cursor runs down the page (p->y, in points from the top); each block
 * asks ensure() for its height first, which starts a new page when the
 * block would cross the bottom margin.  A page is opened lazily (its header
 * and footer drawn) when the first block lands on it, so that a break just
 * before the end never leaves an empty last page.  Every text goes through
 * pango_layout_set_text(), never markup.  The PDF bytes come out through
 * cairo's stream callback into the caller's strbuf, whose cap bounds them.
 */
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/lsan.h"
#include "io/pdf.h"
#include "core/banned.h"

#define PAGE_W 595.276 /* A4 in points */
#define PAGE_H 841.890
#define MARGIN_X 56.0
#define TOP 72.0
#define BOTTOM (PAGE_H - 64.0)
#define CONTENT_W (PAGE_W - 2 * MARGIN_X)
#define BODY_PT 10.0
#define SMALL_PT 8.0
#define CELL_PAD 4.0
#define MAX_COLS 12

#define PREFERRED_FAMILY "Noto Sans CJK SC"
/*
 * Latin text is set in DejaVu Sans when there is one: cairo's subset of the
 * CFF outlines of Noto Sans CJK grows to the whole font's size (900 KB) for
 * some Latin glyph combinations ("KL"), which made every English document
 * ten times the size of a Chinese one; a TrueType font subsets small.
 */
#define LATIN_FAMILY "DejaVu Sans"

struct dt_pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoLayout *layout; /* the blocks' text */
	PangoLayout *chrome; /* the page's header and footer, so that opening a page
				 in the middle of a block leaves the block's layout alone */
	const char *family;
	struct dt_strbuf *out;
	char *header, *footer, *page_label;
	int pages;    /* pages begun */
	bool in_page; /* the current page has its header and footer */
	double y;
	bool failed;
	/* the open table */
	int ncols;
	double colw[MAX_COLS];
	char *head[MAX_COLS];
	bool has_head;
};

/* ---- the font ---- */

static pthread_once_t font_once = PTHREAD_ONCE_INIT;
static char *font_family; /* the CJK family, kept for the process's life */
static char *font_list;   /* what layouts ask for: "Latin,CJK" or "CJK" */

/* Does fontconfig have the family @name itself (not a substitute)? */
static bool font_has(const char *name)
{
	FcPattern *pat = FcNameParse((const FcChar8 *)name);
	FcResult res;
	FcPattern *m = NULL;
	FcChar8 *fam = NULL;
	bool found = false;
	if (pat) {
		FcConfigSubstitute(NULL, pat, FcMatchPattern);
		FcDefaultSubstitute(pat);
		m = FcFontMatch(NULL, pat, &res);
	}
	if (m && FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch)
		found = !strcmp((const char *)fam, name);
	if (m)
		FcPatternDestroy(m);
	if (pat)
		FcPatternDestroy(pat);
	return found;
}

static void font_find_cjk(void);

static void font_find(void)
{
	font_find_cjk();
	if (!font_family)
		return;
	struct dt_strbuf sb = DT_STRBUF_INIT;
	if (font_has(LATIN_FAMILY))
		dt_strbuf_addf(&sb, "%s,", LATIN_FAMILY);
	dt_strbuf_adds(&sb, font_family);
	font_list = dt_strbuf_detach(&sb, NULL);
}

static void font_find_cjk(void)
{
	FcChar8 *fam = NULL;
	if (font_has(PREFERRED_FAMILY)) {
		font_family = dt_xstrdup(PREFERRED_FAMILY);
		return;
	}
	/* Not there: any font covering simplified Chinese, said loudly. */
	FcPattern *zh = FcNameParse((const FcChar8 *)":lang=zh-cn");
	FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
	FcFontSet *fs = zh && os ? FcFontList(NULL, zh, os) : NULL;
	if (fs && fs->nfont > 0 &&
	    FcPatternGetString(fs->fonts[0], FC_FAMILY, 0, &fam) == FcResultMatch) {
		font_family = dt_xstrdup((const char *)fam);
		dt_log(DT_LOG_WARN,
		       "PDF: font \"%s\" not found (install fonts-noto-cjk); using \"%s\"",
		       PREFERRED_FAMILY, font_family);
	}
	if (fs)
		FcFontSetDestroy(fs);
	if (os)
		FcObjectSetDestroy(os);
	if (zh)
		FcPatternDestroy(zh);
}

enum dt_err dt_pdf_font(const char **family, struct dt_strbuf *err)
{
	pthread_once(&font_once, font_find);
	if (!font_family)
		return dt_error(err, DT_EIO,
				"no font covers Chinese: install fonts-noto-cjk (\"%s\")",
				PREFERRED_FAMILY);
	*family = font_family;
	return DT_OK;
}

/* ---- text ---- */

/* Lay @text out in @width points at @size, bold or not; its height in points. */
static double text_layout(struct dt_pdf *p, const char *text, double width, double size, bool bold,
			  double max_height)
{
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, p->family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(p->layout, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(p->layout, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
	if (max_height > 0) {
		pango_layout_set_height(p->layout, (int)(max_height * PANGO_SCALE));
		pango_layout_set_ellipsize(p->layout, PANGO_ELLIPSIZE_END);
	} else {
		pango_layout_set_height(p->layout, -1);
		pango_layout_set_ellipsize(p->layout, PANGO_ELLIPSIZE_NONE);
	}
	pango_layout_set_alignment(p->layout, PANGO_ALIGN_LEFT);
	pango_layout_set_text(p->layout, text ? text : "", -1);
	int w, h;
	pango_layout_get_size(p->layout, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double text_width(struct dt_pdf *p)
{
	int w, h;
	pango_layout_get_size(p->layout, &w, &h);
	return (double)w / PANGO_SCALE;
}

static void text_draw(struct dt_pdf *p, double x, double y, double grey)
{
	cairo_set_source_rgb(p->cr, grey, grey, grey);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->layout);
}

/* One line of @text at @size with its left edge (or right edge, @right) at @x. */
static void text_line(struct dt_pdf *p, const char *text, double x, double y, double size,
		      double grey, bool right)
{
	text_layout(p, text, 0, size, false, 0);
	text_draw(p, right ? x - text_width(p) : x, y, grey);
}

/* As text_line(), in the page's own layout. */
static void chrome_line(struct dt_pdf *p, const char *text, double x, double y, bool right)
{
	PangoLayout *body = p->layout;
	p->layout = p->chrome;
	text_line(p, text, x, y, SMALL_PT, 0.35, right);
	p->layout = body;
}

/* ---- pages ---- */

static void page_open(struct dt_pdf *p)
{
	if (p->in_page)
		return;
	p->in_page = true;
	p->pages++;
	p->y = TOP;
	cairo_save(p->cr);
	if (p->header && *p->header) {
		chrome_line(p, p->header, MARGIN_X, 34, false);
		cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
		cairo_set_line_width(p->cr, 0.5);
		cairo_move_to(p->cr, MARGIN_X, 50);
		cairo_line_to(p->cr, PAGE_W - MARGIN_X, 50);
		cairo_stroke(p->cr);
	}
	double fy = PAGE_H - 44;
	if (p->footer && *p->footer)
		chrome_line(p, p->footer, MARGIN_X, fy, false);
	struct dt_strbuf lbl = DT_STRBUF_INIT;
	const char *tpl = p->page_label ? p->page_label : "{n}";
	const char *at = strstr(tpl, "{n}");
	if (at) {
		dt_strbuf_add(&lbl, tpl, (size_t)(at - tpl));
		dt_strbuf_addint(&lbl, p->pages, 0);
		dt_strbuf_adds(&lbl, at + 3);
	} else {
		dt_strbuf_adds(&lbl, tpl);
	}
	chrome_line(p, lbl.buf, PAGE_W - MARGIN_X, fy, true);
	dt_strbuf_release(&lbl);
	cairo_restore(p->cr);
}

static void page_close(struct dt_pdf *p)
{
	if (!p->in_page)
		return;
	cairo_show_page(p->cr);
	p->in_page = false;
}

void dt_pdf_page_break(struct dt_pdf *p)
{
	page_close(p);
}

/* Make room for @h points: a new page unless it fits or the page is still empty. */
static void ensure(struct dt_pdf *p, double h)
{
	page_open(p);
	if (p->y + h > BOTTOM && p->y > TOP + 0.5) {
		page_close(p);
		page_open(p);
	}
}

/* ---- the document ---- */

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
	struct dt_strbuf *out = closure;
	dt_strbuf_add(out, data, length);
	return dt_strbuf_ok(out) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

enum dt_err dt_pdf_new(struct dt_strbuf *out, const char *title, const char *header,
		       const char *footer, const char *page_label, struct dt_pdf **pdf,
		       struct dt_strbuf *err)
{
	*pdf = NULL;
	const char *family = NULL;
	dt_lsan_keep(); /* the font caches are the libraries' (core/lsan.c) */
	enum dt_err rc = dt_pdf_font(&family, err);
	if (rc != DT_OK)
		return rc;
	struct dt_pdf *p = calloc(1, sizeof(*p));
	if (!p)
		return dt_error(err, DT_ENOMEM, "out of memory");
	p->family = font_list;
	(void)family;
	p->out = out;
	p->surface = cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
	p->cr = cairo_create(p->surface);
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
		rc = dt_error(err, DT_ENOMEM, "PDF: %s",
			      cairo_status_to_string(cairo_status(p->cr)));
		dt_pdf_free(p);
		return rc;
	}
	if (title)
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "dualtrack");
	p->layout = pango_cairo_create_layout(p->cr);
	p->chrome = pango_cairo_create_layout(p->cr);
	p->header = header ? dt_xstrdup(header) : NULL;
	p->footer = footer ? dt_xstrdup(footer) : NULL;
	p->page_label = page_label ? dt_xstrdup(page_label) : NULL;
	*pdf = p;
	return DT_OK;
}

void dt_pdf_title(struct dt_pdf *p, const char *text)
{
	double h = text_layout(p, text, CONTENT_W, 18, true, 0);
	ensure(p, h + 18);
	pango_layout_set_alignment(p->layout, PANGO_ALIGN_CENTER);
	text_draw(p, MARGIN_X, p->y, 0);
	p->y += h + 18;
}

void dt_pdf_heading(struct dt_pdf *p, const char *text)
{
	double h = text_layout(p, text, CONTENT_W, 12.5, true, 0);
	ensure(p, h + 10 + 60); /* a heading never ends a page alone */
	p->y += p->y > TOP + 0.5 ? 8 : 0;
	text_draw(p, MARGIN_X, p->y, 0.1);
	p->y += h + 2;
	cairo_set_source_rgb(p->cr, 0.75, 0.75, 0.75);
	cairo_set_line_width(p->cr, 0.6);
	cairo_move_to(p->cr, MARGIN_X, p->y);
	cairo_line_to(p->cr, PAGE_W - MARGIN_X, p->y);
	cairo_stroke(p->cr);
	p->y += 6;
}

static void para(struct dt_pdf *p, const char *text, double size, double grey)
{
	double h = text_layout(p, text, CONTENT_W, size, false, 0);
	if (h <= BOTTOM - TOP) {
		ensure(p, h + 5);
		text_draw(p, MARGIN_X, p->y, grey);
		p->y += h + 5;
		return;
	}
	/* Longer than a page: line by line. */
	page_open(p);
	PangoLayoutIter *it = pango_layout_get_iter(p->layout);
	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		PangoRectangle lr;
		pango_layout_iter_get_line_extents(it, NULL, &lr);
		double lh = (double)lr.height / PANGO_SCALE;
		int baseline = pango_layout_iter_get_baseline(it);
		int top = lr.y;
		if (p->y + lh > BOTTOM) {
			page_close(p);
			page_open(p);
		}
		cairo_set_source_rgb(p->cr, grey, grey, grey);
		cairo_move_to(p->cr, MARGIN_X, p->y + (double)(baseline - top) / PANGO_SCALE);
		pango_cairo_show_layout_line(p->cr, line);
		p->y += lh;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	p->y += 5;
}

void dt_pdf_para(struct dt_pdf *p, const char *text)
{
	para(p, text, BODY_PT, 0);
}

void dt_pdf_note(struct dt_pdf *p, const char *text)
{
	para(p, text, SMALL_PT, 0.4);
}

void dt_pdf_space(struct dt_pdf *p, double pt)
{
	page_open(p);
	p->y += pt;
}

/* ---- tables ---- */

/* The tallest a row may be: a page below the header row. */
static double row_cap(void)
{
	return (BOTTOM - TOP) - 60;
}

static double row_height(struct dt_pdf *p, const char *const *cells, bool bold)
{
	double h = 0;
	for (int i = 0; i < p->ncols; i++) {
		double ch = text_layout(p, cells[i], p->colw[i] - 2 * CELL_PAD, 9, bold, row_cap());
		if (ch > h)
			h = ch;
	}
	return h + 2 * CELL_PAD;
}

static void row_draw(struct dt_pdf *p, const char *const *cells, bool bold, double h)
{
	double x = MARGIN_X;
	cairo_set_line_width(p->cr, 0.5);
	for (int i = 0; i < p->ncols; i++) {
		if (bold) {
			cairo_set_source_rgb(p->cr, 0.92, 0.93, 0.95);
			cairo_rectangle(p->cr, x, p->y, p->colw[i], h);
			cairo_fill(p->cr);
		}
		cairo_set_source_rgb(p->cr, 0.55, 0.55, 0.55);
		cairo_rectangle(p->cr, x, p->y, p->colw[i], h);
		cairo_stroke(p->cr);
		text_layout(p, cells[i], p->colw[i] - 2 * CELL_PAD, 9, bold, row_cap());
		text_draw(p, x + CELL_PAD, p->y + CELL_PAD, 0);
		x += p->colw[i];
	}
	p->y += h;
}

static void head_draw(struct dt_pdf *p)
{
	if (!p->has_head)
		return;
	const char *const *head = (const char *const *)p->head;
	row_draw(p, head, true, row_height(p, head, true));
}

void dt_pdf_table_begin(struct dt_pdf *p, int ncols, const double *widths, const char *const *head)
{
	if (ncols < 1 || ncols > MAX_COLS) {
		p->failed = true;
		return;
	}
	dt_pdf_table_end(p);
	p->ncols = ncols;
	double sum = 0;
	for (int i = 0; i < ncols; i++)
		sum += widths ? widths[i] : 1;
	for (int i = 0; i < ncols; i++)
		p->colw[i] = CONTENT_W * (widths ? widths[i] : 1) / sum;
	p->has_head = head != NULL;
	for (int i = 0; head && i < ncols; i++)
		p->head[i] = dt_xstrdup(head[i] ? head[i] : "");
	double hh = p->has_head ? row_height(p, (const char *const *)p->head, true) : 0;
	ensure(p, hh + 24);
	head_draw(p);
}

void dt_pdf_table_row(struct dt_pdf *p, const char *const *cells)
{
	if (!p->ncols) {
		p->failed = true;
		return;
	}
	double h = row_height(p, cells, false);
	page_open(p);
	if (p->y + h > BOTTOM) {
		page_close(p);
		page_open(p);
		head_draw(p);
	}
	row_draw(p, cells, false, h);
}

void dt_pdf_table_end(struct dt_pdf *p)
{
	for (int i = 0; i < MAX_COLS; i++) {
		free(p->head[i]);
		p->head[i] = NULL;
	}
	if (p->ncols)
		p->y += 8;
	p->ncols = 0;
	p->has_head = false;
}

/* ---- signature boxes ---- */

void dt_pdf_sign_boxes(struct dt_pdf *p, int n, const char *const *captions, const char *date_label)
{
	if (n < 1 || n > 4) {
		p->failed = true;
		return;
	}
	const double gap = 10, h = 120;
	double w = (CONTENT_W - gap * (n - 1)) / n;
	ensure(p, h + 10);
	for (int i = 0; i < n; i++) {
		double x = MARGIN_X + i * (w + gap);
		cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
		cairo_set_line_width(p->cr, 0.8);
		cairo_rectangle(p->cr, x, p->y, w, h);
		cairo_stroke(p->cr);
		text_layout(p, captions[i], w - 12, 9, true, 0);
		text_draw(p, x + 6, p->y + 6, 0);
		/* the stamp's place: a dashed circle */
		cairo_save(p->cr);
		double dash[] = { 3, 3 };
		cairo_set_dash(p->cr, dash, 2, 0);
		cairo_set_source_rgb(p->cr, 0.75, 0.75, 0.75);
		cairo_arc(p->cr, x + w - 34, p->y + h - 52, 26, 0, 2 * M_PI);
		cairo_stroke(p->cr);
		cairo_restore(p->cr);
		text_layout(p, date_label, w - 12, 8, false, 0);
		text_draw(p, x + 6, p->y + h - 18, 0.3);
	}
	p->y += h + 10;
}

/* ---- charts ---- */

static const double palette[4][3] = {
	{ 0.20, 0.42, 0.70 },
	{ 0.90, 0.49, 0.13 },
	{ 0.30, 0.62, 0.30 },
	{ 0.60, 0.35, 0.65 },
};

/* A round step for an axis from 0 to @max in about 5 steps. */
static double nice_step(double span)
{
	if (!(span > 0))
		return 1;
	double raw = span / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static void number_text(struct dt_strbuf *sb, double v)
{
	dt_strbuf_reset(sb);
	if (fabs(v - round(v)) < 1e-9)
		dt_strbuf_addf(sb, "%.0f", v);
	else
		dt_strbuf_addf(sb, "%.2g", v);
}

void dt_pdf_chart(struct dt_pdf *p, enum dt_pdf_chart_kind kind, const char *title, int nx,
		  const char *const *xlabels, int ns, const char *const *names,
		  const double *values)
{
	if (nx < 1 || nx > 60 || ns < 1 || ns > 4) {
		p->failed = true;
		return;
	}
	const double h = 190, left = 44, bottom = 28, top = 22;
	ensure(p, h + 8);
	double x0 = MARGIN_X + left, y0 = p->y + h - bottom, pw = CONTENT_W - left - 6,
	       ph = h - bottom - top;
	text_layout(p, title, CONTENT_W, 9.5, true, 0);
	text_draw(p, MARGIN_X, p->y, 0.1);
	double lo = 0, hi = 0;
	for (int i = 0; i < nx * ns; i++)
		if (!isnan(values[i])) {
			lo = fmin(lo, values[i]);
			hi = fmax(hi, values[i]);
		}
	double step = nice_step(hi - lo);
	lo = floor(lo / step) * step;
	hi = ceil(hi / step) * step;
	if (hi <= lo)
		hi = lo + step;
	struct dt_strbuf num = DT_STRBUF_INIT;
	cairo_set_line_width(p->cr, 0.4);
	for (double t = lo; t <= hi + step / 2; t += step) {
		double yy = y0 - ph * (t - lo) / (hi - lo);
		cairo_set_source_rgb(p->cr, 0.85, 0.85, 0.85);
		cairo_move_to(p->cr, x0, yy);
		cairo_line_to(p->cr, x0 + pw, yy);
		cairo_stroke(p->cr);
		number_text(&num, t);
		text_line(p, num.buf, x0 - 4, yy - 5, 7, 0.3, true);
	}
	double slot = pw / nx;
	int every = nx > 12 ? (nx + 11) / 12 : 1;
	for (int x = 0; x < nx; x++)
		if (x % every == 0 && xlabels && xlabels[x])
			text_line(p, xlabels[x], x0 + slot * x + 2, y0 + 4, 7, 0.3, false);
	for (int s = 0; s < ns; s++) {
		const double *c = palette[s];
		cairo_set_source_rgb(p->cr, c[0], c[1], c[2]);
		bool open = false;
		for (int x = 0; x < nx; x++) {
			double v = values[s * nx + x];
			if (isnan(v)) {
				open = false;
				continue;
			}
			double yy = y0 - ph * (v - lo) / (hi - lo),
			       yz = y0 - ph * (0 - lo) / (hi - lo);
			if (kind == DT_PDF_BARS) {
				double bw = slot * 0.8 / ns;
				cairo_rectangle(p->cr, x0 + slot * x + slot * 0.1 + bw * s,
						fmin(yy, yz), bw, fabs(yz - yy));
				cairo_fill(p->cr);
			} else {
				double xx = x0 + slot * (x + 0.5);
				if (open)
					cairo_line_to(p->cr, xx, yy);
				else
					cairo_move_to(p->cr, xx, yy);
				open = true;
			}
		}
		if (kind == DT_PDF_LINES) {
			cairo_set_line_width(p->cr, 1.4);
			cairo_stroke(p->cr);
			for (int x = 0; x < nx; x++) {
				double v = values[s * nx + x];
				if (isnan(v))
					continue;
				cairo_arc(p->cr, x0 + slot * (x + 0.5),
					  y0 - ph * (v - lo) / (hi - lo), 1.8, 0, 2 * M_PI);
				cairo_fill(p->cr);
			}
		}
		/* legend, right-aligned on the title's line */
		double lx = MARGIN_X + CONTENT_W - 110 * (ns - s);
		cairo_rectangle(p->cr, lx, p->y + 3, 8, 8);
		cairo_fill(p->cr);
		text_layout(p, names && names[s] ? names[s] : "", 96, 7.5, false, 10);
		text_draw(p, lx + 11, p->y + 1, 0.2);
	}
	cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	cairo_set_line_width(p->cr, 0.7);
	cairo_move_to(p->cr, x0, y0 - ph);
	cairo_line_to(p->cr, x0, y0);
	cairo_line_to(p->cr, x0 + pw, y0);
	cairo_stroke(p->cr);
	dt_strbuf_release(&num);
	p->y += h + 8;
}

int dt_pdf_pages(const struct dt_pdf *p)
{
	return p->pages;
}

enum dt_err dt_pdf_finish(struct dt_pdf *p, struct dt_strbuf *err)
{
	dt_pdf_table_end(p);
	page_open(p); /* a document has at least one page */
	page_close(p);
	cairo_surface_finish(p->surface);
	cairo_status_t st = cairo_surface_status(p->surface);
	if (!dt_strbuf_ok(p->out))
		return dt_error(err, DT_ENOMEM, "PDF: the document is larger than allowed");
	if (st != CAIRO_STATUS_SUCCESS)
		return dt_error(err, DT_EIO, "PDF: %s", cairo_status_to_string(st));
	if (p->failed)
		return dt_error(err, DT_EINTERNAL, "PDF: a block was laid out with bad arguments");
	return DT_OK;
}

void dt_pdf_free(struct dt_pdf *p)
{
	if (!p)
		return;
	for (int i = 0; i < MAX_COLS; i++)
		free(p->head[i]);
	if (p->layout)
		g_object_unref(p->layout);
	if (p->chrome)
		g_object_unref(p->chrome);
	if (p->cr)
		cairo_destroy(p->cr);
	if (p->surface)
		cairo_surface_destroy(p->surface);
	free(p->header);
	free(p->footer);
	free(p->page_label);
	free(p);
}
