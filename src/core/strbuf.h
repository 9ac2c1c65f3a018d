/*
 * strbuf.h - growable strings with a size cap and a sticky error.
 *
 * After dt_strbuf_init() `buf` is never NULL and always NUL-terminated.  Any
 * append that would pass `max` (or fails to allocate) sets `failed` and leaves
 * the content as it was before that append; later appends are ignored, so a
 * builder appends freely and checks dt_strbuf_ok() once at the end.
 *
 * The same type carries human error detail: functions take a
 * `struct dt_strbuf *err` (which may be NULL) and write one message into it
 * with dt_strbuf_setf(), naming the field, row or argument at fault.
 */
#ifndef DT_STRBUF_H
#define DT_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define DT_STRBUF_DEFAULT_MAX ((size_t)64 << 20)

struct dt_strbuf {
	char *buf;    /* never NULL; points at a static "" until something is added */
	size_t len;   /* bytes in buf, excluding the NUL */
	size_t alloc; /* bytes allocated, 0 while buf is the static "" */
	size_t max;   /* cap on len; appends past it fail */
	bool failed;  /* sticky: an append failed */
};

#define DT_STRBUF_INIT                                                      \
	{                                                                   \
		(char *)dt_strbuf_empty, 0, 0, DT_STRBUF_DEFAULT_MAX, false \
	}
extern const char dt_strbuf_empty[1];

/** Initialise @sb empty with cap @max bytes (0 means the default, 64 MiB). */
void dt_strbuf_init(struct dt_strbuf *sb, size_t max);
/** Free the memory of @sb and leave it initialised and empty; NULL is fine. */
void dt_strbuf_release(struct dt_strbuf *sb);
/** Empty @sb, keep its memory and clear the sticky error. */
void dt_strbuf_reset(struct dt_strbuf *sb);
/** Hand the string to the caller (free() it) and reinitialise @sb. NULL if failed. */
char *dt_strbuf_detach(struct dt_strbuf *sb, size_t *len);

/** True while no append has failed. */
static inline bool dt_strbuf_ok(const struct dt_strbuf *sb)
{
	return !sb->failed;
}

void dt_strbuf_add(struct dt_strbuf *sb, const void *data, size_t len);
void dt_strbuf_adds(struct dt_strbuf *sb, const char *s);
void dt_strbuf_addch(struct dt_strbuf *sb, int c);
void dt_strbuf_addf(struct dt_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dt_strbuf_vaddf(struct dt_strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/**
 * Append @v in decimal, its digits zero-padded to at least @width (at most
 * 20): what "%0*lld" prints for a non-negative @v, without printf's cost on
 * hot paths.  A negative @v gets its '-' before the padded digits.
 */
void dt_strbuf_addint(struct dt_strbuf *sb, long long v, int width);
/** Append @len bytes of @data as lowercase hex. */
void dt_strbuf_addhex(struct dt_strbuf *sb, const void *data, size_t len);
/** Make room for @extra more bytes; false (and failed) if it would pass the cap. */
bool dt_strbuf_grow(struct dt_strbuf *sb, size_t extra);
/** Shorten to @len bytes (no-op if already shorter). */
void dt_strbuf_setlen(struct dt_strbuf *sb, size_t len);

/*
 * Error-detail helpers.  dt_strbuf_setf() replaces the content of @err (NULL
 * is allowed and ignored).  dt_error() does the same and returns @code, so a
 * failing path reads: `return dt_error(err, DT_EINVAL, "birth_date: ...");`
 */
void dt_strbuf_setf(struct dt_strbuf *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum dt_err dt_error(struct dt_strbuf *err, enum dt_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * A malloc'd copy of @s, which the caller frees; NULL when @s is NULL.
 * Out of memory also gives NULL (it does not abort): a caller that passed a
 * non-NULL @s and got NULL reports DT_ENOMEM, as the rest of the library does.
 */
char *dt_xstrdup(const char *s);

#endif
