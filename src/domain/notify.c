/*
 * notify.c - the rules of notifications: wording, retry schedule, deadline
 * thresholds and e-mail header encoding (see notify.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "domain/notify.h"
#include "domain/problem.h"
#include "core/banned.h"

int64_t dt_notify_backoff_ms(int64_t attempts)
{
	int64_t ms = DT_NOTIFY_BACKOFF_BASE_MS;
	for (int64_t i = 1; i < attempts && ms < DT_NOTIFY_BACKOFF_CAP_MS; i++)
		ms *= 2;
	return ms < DT_NOTIFY_BACKOFF_CAP_MS ? ms : DT_NOTIFY_BACKOFF_CAP_MS;
}

int dt_notify_due_threshold(int32_t days_left)
{
	if (days_left < 0)
		return 0;
	if (days_left <= 1)
		return 1;
	if (days_left <= 3)
		return 3;
	if (days_left <= 7)
		return 7;
	return 0;
}

void dt_notify_text(const char *code, json_t *args, enum dt_lang lang, struct dt_strbuf *out)
{
	struct dt_problem p = { .code = code };
	char nums[DT_PROBLEM_MAXARGS][32];
	const char *own = lang == DT_LANG_EN ? "message_en" : "message_zh";
	const char *key;
	json_t *v;
	const struct dt_message_def *d = code ? dt_catalogue_find(code) : NULL;
	if (!d) {
		dt_strbuf_adds(out, code ? code : "?");
		return;
	}
	p.code = d->code;
	json_object_foreach(args, key, v)
	{
		if (p.nargs == DT_PROBLEM_MAXARGS)
			break;
		const char *name = key;
		if (!strcmp(key, "message_zh") || !strcmp(key, "message_en")) {
			if (strcmp(key, own))
				continue;
			name = "message";
		}
		size_t i = p.nargs;
		if (json_is_string(v)) {
			p.val[i] = (char *)json_string_value(v);
		} else if (json_is_integer(v)) {
			snprintf(nums[i], sizeof(nums[i]), "%lld",
				 (long long)json_integer_value(v));
			p.val[i] = nums[i];
		} else {
			continue;
		}
		p.key[i] = name;
		p.nargs++;
	}
	dt_problem_render(&p, lang, false, out);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(const unsigned char *s, size_t n, struct dt_strbuf *out)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		char q[4] = { b64[v >> 18 & 63], b64[v >> 12 & 63],
			      i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '=' };
		dt_strbuf_add(out, q, 4);
	}
}

/* The length of the UTF-8 sequence that starts with @c (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

void dt_notify_mime_header(const char *text, struct dt_strbuf *out)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text);
	bool plain = true;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f)
			plain = false;
	if (plain) {
		dt_strbuf_add(out, text, n);
		return;
	}
	/* "=?UTF-8?B?" + 60 base64 characters + "?=" = 72: 45 bytes of text a word at most. */
	size_t i = 0;
	bool first = true;
	while (i < n) {
		size_t j = i;
		while (j < n) {
			size_t l = seq_len(s[j]);
			if (j + l > n)
				l = n - j;
			if (j + l - i > 45)
				break;
			j += l;
		}
		if (j == i) /* cannot happen: a character is at most 4 bytes */
			j = i + 1;
		if (!first)
			dt_strbuf_adds(out, "\r\n ");
		dt_strbuf_adds(out, "=?UTF-8?B?");
		base64(s + i, j - i, out);
		dt_strbuf_adds(out, "?=");
		first = false;
		i = j;
	}
}

void dt_notify_link(const char *entity, int64_t id, json_t *args, struct dt_strbuf *out)
{
	if (!entity) {
		dt_strbuf_adds(out, "/notifications");
	} else if (!strcmp(entity, "contract") && id > 0) {
		dt_strbuf_addf(out, "/contracts/%lld", (long long)id);
	} else if (!strcmp(entity, "finding") && id > 0) {
		dt_strbuf_addf(out, "/findings/%lld", (long long)id);
	} else if (!strcmp(entity, "alert")) {
		dt_strbuf_adds(out, "/alerts");
	} else if (!strcmp(entity, "record_entry") &&
		   json_integer_value(json_object_get(args, "contract")) > 0) {
		dt_strbuf_addf(out, "/contracts/%lld/record-book",
			       (long long)json_integer_value(json_object_get(args, "contract")));
	} else {
		dt_strbuf_adds(out, "/notifications");
	}
}
