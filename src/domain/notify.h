/*
 * notify.h - the rules of notifications (消息通知, 待办), without storage.
 *
 * What a notification says is a catalogue code with named arguments
 * (catalogue.c, "notify.*"), worded where it is shown; this module words
 * it, says when a failed delivery is tried again (the backoff schedule),
 * which deadline threshold a finding has reached (7, 3, 1 days), and
 * writes a UTF-8 text as RFC 2047 encoded words for an e-mail header.
 * store/notify.c keeps them; engine/deliver.c sends them.
 */
#ifndef DT_NOTIFY_H
#define DT_NOTIFY_H

#include <jansson.h>
#include <stdint.h>

#include "core/lang.h"
#include "core/strbuf.h"

/** The first retry waits this long; each further one twice the last, up to the cap. */
#define DT_NOTIFY_BACKOFF_BASE_MS 10000
#define DT_NOTIFY_BACKOFF_CAP_MS 3600000

/**
 * How long to wait before the next attempt after @attempts failed ones
 * (1, 2, ...): 10 s, 20 s, 40 s ... doubling up to an hour, never more.  A
 * delivery is never given up: it waits at most the cap between attempts.
 */
int64_t dt_notify_backoff_ms(int64_t attempts);

/**
 * The threshold a finding @days_left (deadline - today) before its deadline
 * has reached: 1 (0 or 1 day left), 3 (2 or 3), 7 (4 to 7), else 0 (more
 * than a week left, or overdue).  Each is notified once per finding.
 */
int dt_notify_due_threshold(int32_t days_left);

/**
 * Append the wording of notification @code with @args (a JSON object of
 * strings and numbers; borrowed) in @lang.  An argument "message_zh" or
 * "message_en" fills the placeholder {message} in its language (an alert's
 * own text is in both).  An unknown code appends the code itself.
 */
void dt_notify_text(const char *code, json_t *args, enum dt_lang lang, struct dt_strbuf *out);

/**
 * Append @text (UTF-8) as RFC 2047 "B" encoded words of at most 75
 * characters each, joined by CRLF and a space (a folded header), never
 * splitting a character; an ASCII text without controls is appended as
 * it is.
 */
void dt_notify_mime_header(const char *text, struct dt_strbuf *out);

/**
 * The path of the web application's screen for a notification about
 * @entity @id with @args (borrowed): "/contracts/12", "/findings/3",
 * "/alerts", a record-book entry's "/contracts/<contract>/record-book",
 * else "/notifications".  Appended to @out.
 */
void dt_notify_link(const char *entity, int64_t id, json_t *args, struct dt_strbuf *out);

#endif
