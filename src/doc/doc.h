/*
 * doc.h - the documents dualtrack prints as PDF: the three-party training
 * contract ready to sign and stamp, the record book (培养手册) of a contract,
 * and the annual evaluation report of a pilot region.
 *
 * Each builder reads what it needs through the store and the engine, the
 * record itself within the caller's scope (outside it DT_ENOTFOUND, as if
 * it did not exist), and lays it out with io/pdf.h in Chinese or English;
 * every word that is not data comes from the document text table
 * (dt_doc_text) or the entity table's field labels.  The PDF is appended
 * to @out.
 */
#ifndef DT_DOC_H
#define DT_DOC_H

#include "core/lang.h"
#include "core/strbuf.h"
#include "store/store.h"

/** The words of documents: @key's text in @lang; the key itself when unknown. */
const char *dt_doc_text(const char *key, enum dt_lang lang);
/** Every key of the text table in order (NULL after the last), for the tests. */
const char *dt_doc_text_key(int i);

/** What a document builder needs to know beyond its record. */
struct dt_doc_opts {
	const struct dt_scope *scope; /* the reader's scope; NULL: everything */
	enum dt_lang lang;
	int today; /* YYYYMMDD printed as the date made and used for pro-rating; 0: today */
	int pages; /* out: pages written */
};

/** The three-party contract @id. */
enum dt_err dt_doc_contract(struct dt_store *s, int64_t id, struct dt_doc_opts *o,
			    struct dt_strbuf *out, struct dt_strbuf *err);
/** The record book of contract @id: every entry with its date, site, hours, content and sign-off. */
enum dt_err dt_doc_record_book(struct dt_store *s, int64_t id, struct dt_doc_opts *o,
			       struct dt_strbuf *out, struct dt_strbuf *err);
/**
 * The annual evaluation report of region @region (a pilot city or province,
 * within o->scope's region) for @year: indicators against their targets,
 * the ranking with the score's weighted parts, monthly trends as charts,
 * open alerts and the supervision figures.
 */
enum dt_err dt_doc_report(struct dt_store *s, int region, int year, struct dt_doc_opts *o,
			  struct dt_strbuf *out, struct dt_strbuf *err);

/** A safe file name for a document: "contract-ID.pdf", "record-book-ID.pdf", "report-CODE-YEAR.pdf". */
void dt_doc_filename(const char *kind, long long id, int year, struct dt_strbuf *out);

#endif
