/*
 * publicity.h - the store of promotion and publicity (issue 15):
 * good-practice cases (典型经验) and their workflow, news, notices and policy
 * documents, the Chinese full-text search over them, and the read
 * interface of the public portal.
 *
 * Two halves.  The signed-in half takes the caller's account: what it may
 * read is its scope (a case of another organisation or region, not yet
 * published, is "record.missing", exactly as one that does not exist), and
 * what it may do is domain/publicity.h's rule (403 "publicity.not_allowed"
 * otherwise).  Published cases and items are read by every signed-in
 * account.  Every write is one transaction with its audit event; the search
 * index follows in the same transaction (triggers of migration 015).
 *
 * The portal half (dt_store_pub_*) takes no account: only published
 * content leaves it, never a draft, a comment, an author's login or
 * anything of a trainee; each read is one snapshot of the database.
 * Publishing, withdrawing, featuring and unfeaturing bump the publication
 * generation in their own transaction (migration 020's triggers on the
 * portal's portal_state), so a cache keyed on dt_store_pub_generation() is
 * stale exactly when something public changed.
 *
 * Objects travel as jansson JSON (new references for the caller).
 */
#ifndef DT_STORE_PUBLICITY_H
#define DT_STORE_PUBLICITY_H

#include <jansson.h>
#include <stdint.h>

#include "domain/publicity.h"
#include "store/store.h"

/** Most rows a list or search answers at once. */
#define DT_PUB_PAGE_MAX 200

/** Filters and paging of the lists (zero / NULL: any; limit 0: 20). */
struct dt_pub_filter {
	int region;             /* this region and those below it */
	const char *occupation; /* cases naming this occupation code */
	const char *industry;   /* cases of this industry */
	const char *status;     /* signed-in lists only: one status */
	const char *kind;       /* items: "news", "notice", "policy" or "news,notice" */
	int limit;              /* at most DT_PUB_PAGE_MAX */
	int offset;
};

/* ---- the signed-in half ---- */

/**
 * A new case, a draft, by @who (NULL: unrestricted, the CLI and the demo):
 * @body {title, summary, body (Markdown), occupations [codes], industry,
 * indicators [codes], images [{hash, name} or hashes, files @who
 * uploaded]}, and for a city or an unrestricted caller "region" (a city's
 * own region or below it) and for an unrestricted caller "org_id".  A
 * school or enterprise writes for its organisation (its region).  Version
 * 1 is kept.  *@out as dt_store_case_get.
 */
enum dt_err dt_store_case_create(struct dt_store *s, const struct dt_actor *a,
				 const struct dt_account *who, json_t *body, json_t **out,
				 struct dt_strbuf *err);
/**
 * Change case @id's content (the fields of create but region and org_id;
 * those absent stay): a new version, kept; the case goes back to draft
 * (allowed from draft and withdrawn only).
 */
enum dt_err dt_store_case_update(struct dt_store *s, const struct dt_actor *a,
				 const struct dt_account *who, int64_t id, json_t *body,
				 json_t **out, struct dt_strbuf *err);
/**
 * Take @step on case @id with @comment (may be NULL; required for
 * send_back and comment).  For publish, @frozen (stolen; may be NULL) is
 * what the case's indicators read now (engine/publicity.c makes it).  The
 * step and its comment are kept in the case's history; publish, withdraw
 * of a published case, feature and unfeature bump the generation.
 */
enum dt_err dt_store_case_step(struct dt_store *s, const struct dt_actor *a,
			       const struct dt_account *who, int64_t id, enum dt_case_step step,
			       const char *comment, json_t *frozen, json_t **out,
			       struct dt_strbuf *err);
/**
 * Case @id as @who may see it: its row (with "body", "html" rendered by
 * core/markdown.h, "images", "frozen", "featured"), "history" (its steps
 * and comments, oldest first) and "may" (the steps @who may take now).
 */
enum dt_err dt_store_case_get(struct dt_store *s, const struct dt_account *who, int64_t id,
			      json_t **out, struct dt_strbuf *err);
/** Every version of case @id's content, oldest first. */
enum dt_err dt_store_case_versions(struct dt_store *s, const struct dt_account *who, int64_t id,
				   json_t **items, struct dt_strbuf *err);
/** The cases @who sees that pass @flt (may be NULL): featured first, newest first. */
enum dt_err dt_store_case_list(struct dt_store *s, const struct dt_account *who,
			       const struct dt_pub_filter *flt, json_t **items, int64_t *total,
			       struct dt_strbuf *err);

/**
 * A news item, notice or policy document by an official: @body {kind,
 * title, summary, body (Markdown), doc_no, attachments [files], region
 * (default: the writer's own; none for the nation's)}.  A draft.
 */
enum dt_err dt_store_item_create(struct dt_store *s, const struct dt_actor *a,
				 const struct dt_account *who, json_t *body, json_t **out,
				 struct dt_strbuf *err);
/** Change a draft or withdrawn item (back to draft). */
enum dt_err dt_store_item_update(struct dt_store *s, const struct dt_actor *a,
				 const struct dt_account *who, int64_t id, json_t *body,
				 json_t **out, struct dt_strbuf *err);
/** Publish (from draft) or withdraw (from published) item @id: DT_CS_PUBLISH or DT_CS_WITHDRAW. */
enum dt_err dt_store_item_step(struct dt_store *s, const struct dt_actor *a,
			       const struct dt_account *who, int64_t id, enum dt_case_step step,
			       json_t **out, struct dt_strbuf *err);
/** Item @id as @who may see it, with "html" and "attachments". */
enum dt_err dt_store_item_get(struct dt_store *s, const struct dt_account *who, int64_t id,
			      json_t **out, struct dt_strbuf *err);
/** The items @who sees that pass @flt (kind, region, status), newest first. */
enum dt_err dt_store_item_list(struct dt_store *s, const struct dt_account *who,
			       const struct dt_pub_filter *flt, json_t **items, int64_t *total,
			       struct dt_strbuf *err);

/**
 * Search the cases and items @who sees (NULL @who with @published_only:
 * the public) for @q (a substring of title, summary or body; Chinese
 * needs no spaces): FTS5 trigram on SQLite, pg_trgm on PostgreSQL, LIKE
 * for a query under three characters.  At most @limit (1..DT_PUB_PAGE_MAX)
 * results [{type: "case"|"news"|"notice"|"policy", id, title, summary,
 * region, status, published_at, and "excerpt" when @q is in the text: its
 * words around it, without markup}], published ones first.
 */
enum dt_err dt_store_publicity_search(struct dt_store *s, const struct dt_account *who,
				      bool published_only, const char *q, int limit, json_t **items,
				      struct dt_strbuf *err);

/* ---- the portal's read interface: published content only, no account ---- */

/**
 * Published cases passing @flt (region, occupation, industry; status and
 * kind ignored), featured first then newest: *@items [{id, title, summary,
 * region, region_name, org_name, occupations, industry, featured,
 * published_at, cover (the first image's hash or null)}], *@total all that
 * pass (for paging).
 */
enum dt_err dt_store_pub_cases(struct dt_store *s, const struct dt_pub_filter *flt, json_t **items,
			       int64_t *total, struct dt_strbuf *err);
/**
 * Published case @id: as in the list, with "html" (its Markdown rendered
 * safe, image sources "@file_prefix<hash>"; NULL prefix: the API's
 * "/api/v1/attachments/"), "images" [{hash, name, mime, size}] and
 * "frozen" ({year, region, indicators: [{code, value, unit}]}, the values
 * when it was published).  Not published (or no such case): DT_ENOTFOUND.
 */
enum dt_err dt_store_pub_case(struct dt_store *s, int64_t id, const char *file_prefix, json_t **out,
			      struct dt_strbuf *err);
/**
 * Published news, notices and policy documents passing @flt (kind,
 * region: an item of a region also shows under the regions above it; the
 * nation's items under every region), newest first: [{id, kind, title,
 * summary, region, region_name, doc_no, published_at}].
 */
enum dt_err dt_store_pub_items(struct dt_store *s, const struct dt_pub_filter *flt, json_t **items,
			       int64_t *total, struct dt_strbuf *err);
/** Published item @id with "html" (as dt_store_pub_case) and "attachments" [{hash, name, mime, size}]. */
enum dt_err dt_store_pub_item(struct dt_store *s, int64_t id, const char *file_prefix, json_t **out,
			      struct dt_strbuf *err);
/** Search published cases and items: dt_store_publicity_search(s, NULL, true, ...). */
enum dt_err dt_store_pub_search(struct dt_store *s, const char *q, int limit, json_t **items,
				struct dt_strbuf *err);
/**
 * A file (by its 64-hex-digit @hash) of a published case's images or a
 * published item's attachments; DT_ENOTFOUND for any other.  @out as
 * dt_store_attachment_get fills it.
 */
enum dt_err dt_store_pub_file(struct dt_store *s, const char *hash, struct dt_attachment_file *out,
			      struct dt_strbuf *err);
/**
 * The publication generation: the portal's (dt_store_portal_generation,
 * portal_state), which grows whenever something public changes (publish,
 * withdraw of published content, feature, unfeature, and the portal's
 * other data), across every server on the database.  One read of one row.
 */
enum dt_err dt_store_pub_generation(struct dt_store *s, int64_t *gen, struct dt_strbuf *err);

#endif
