/*
 * strbuf.c - growable strings with a size cap and a sticky error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/banned.h"

const char dt_strbuf_empty[1] = "";

void dt_strbuf_init(struct dt_strbuf *sb, size_t max)
{
	sb->buf = (char *)dt_strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	sb->max = max ? max : DT_STRBUF_DEFAULT_MAX;
	sb->failed = false;
}

void dt_strbuf_release(struct dt_strbuf *sb)
{
	if (!sb)
		return;
	size_t max = sb->max;
	if (sb->alloc)
		free(sb->buf);
	dt_strbuf_init(sb, max);
}

void dt_strbuf_reset(struct dt_strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
	sb->failed = false;
}

char *dt_strbuf_detach(struct dt_strbuf *sb, size_t *len)
{
	char *out = NULL;
	if (!sb->failed) {
		if (sb->alloc)
			out = sb->buf;
		else
			out = calloc(1, 1);
		if (len)
			*len = sb->len;
	} else if (sb->alloc) {
		free(sb->buf);
	}
	dt_strbuf_init(sb, sb->max);
	return out;
}

bool dt_strbuf_grow(struct dt_strbuf *sb, size_t extra)
{
	if (sb->failed)
		return false;
	if (extra > sb->max || sb->len > sb->max - extra) {
		sb->failed = true;
		return false;
	}
	size_t need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return true;
	size_t n = sb->alloc ? sb->alloc : 64;
	while (n < need)
		n = n < ((size_t)1 << 62) ? n * 2 : need;
	char *p = realloc(sb->alloc ? sb->buf : NULL, n);
	if (!p) {
		sb->failed = true;
		return false;
	}
	if (!sb->alloc)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = n;
	return true;
}

void dt_strbuf_add(struct dt_strbuf *sb, const void *data, size_t len)
{
	if (!dt_strbuf_grow(sb, len))
		return;
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void dt_strbuf_adds(struct dt_strbuf *sb, const char *s)
{
	dt_strbuf_add(sb, s, strlen(s));
}

void dt_strbuf_addch(struct dt_strbuf *sb, int c)
{
	char ch = (char)c;
	dt_strbuf_add(sb, &ch, 1);
}

void dt_strbuf_vaddf(struct dt_strbuf *sb, const char *fmt, va_list ap)
{
	if (sb->failed)
		return;
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		sb->failed = true;
		return;
	}
	if (!dt_strbuf_grow(sb, (size_t)n))
		return;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void dt_strbuf_addf(struct dt_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dt_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void dt_strbuf_addhex(struct dt_strbuf *sb, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	if (!dt_strbuf_grow(sb, len * 2))
		return;
	for (size_t i = 0; i < len; i++) {
		sb->buf[sb->len++] = hex[p[i] >> 4];
		sb->buf[sb->len++] = hex[p[i] & 15];
	}
	sb->buf[sb->len] = '\0';
}

void dt_strbuf_addint(struct dt_strbuf *sb, long long v, int width)
{
	char tmp[24];
	int n = 0;
	/* as unsigned, so that LLONG_MIN negates without overflow */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (width > 20)
		width = 20;
	while (n < width)
		tmp[n++] = '0';
	if (v < 0)
		tmp[n++] = '-';
	if (!dt_strbuf_grow(sb, (size_t)n))
		return;
	while (n)
		sb->buf[sb->len++] = tmp[--n];
	sb->buf[sb->len] = '\0';
}

void dt_strbuf_setlen(struct dt_strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->buf[len] = '\0';
	}
}

void dt_strbuf_setf(struct dt_strbuf *err, const char *fmt, ...)
{
	if (!err)
		return;
	dt_strbuf_reset(err);
	va_list ap;
	va_start(ap, fmt);
	dt_strbuf_vaddf(err, fmt, ap);
	va_end(ap);
}

enum dt_err dt_error(struct dt_strbuf *err, enum dt_err code, const char *fmt, ...)
{
	if (err) {
		dt_strbuf_reset(err);
		va_list ap;
		va_start(ap, fmt);
		dt_strbuf_vaddf(err, fmt, ap);
		va_end(ap);
	}
	return code;
}

char *dt_xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}
