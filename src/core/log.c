/*
 * log.c - diagnostics on stderr, as text for people or JSON lines for machines.
 *
 * The output format and the threshold are settled once, on the first call,
 * from the environment: DUALTRACK_LOG=text|json (default: text on a terminal,
 * JSON otherwise) and DUALTRACK_LOG_LEVEL=debug|info|warn|error (default
 * info).  Each line is built whole in memory and written with a single
 * fwrite(), which stdio serialises per stream, so lines from several threads
 * never interleave.  Messages may carry user input, so nothing in them can
 * break the format: JSON strings are escaped (bad UTF-8 becomes U+FFFD) and
 * terminal text shows control characters as escapes instead of sending them
 * to the terminal.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/common.h"
#include "core/date.h"
#include "core/log.h"
#include "core/utf8.h"
#include "core/banned.h"

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static bool log_json;
static atomic_int log_threshold = -1; /* -1: not set yet, take the environment */

static const char *level_name(enum dt_log_level level)
{
	switch (level) {
	case DT_LOG_DEBUG: return "debug";
	case DT_LOG_INFO: return "info";
	case DT_LOG_WARN: return "warn";
	case DT_LOG_ERROR: return "error";
	}
	return "error";
}

static int parse_level(const char *s)
{
	if (!strcasecmp(s, "debug"))
		return DT_LOG_DEBUG;
	if (!strcasecmp(s, "info"))
		return DT_LOG_INFO;
	if (!strcasecmp(s, "warn") || !strcasecmp(s, "warning"))
		return DT_LOG_WARN;
	if (!strcasecmp(s, "error"))
		return DT_LOG_ERROR;
	return -1;
}

/* Append @s as the body of a JSON string. */
static void add_json(struct dt_strbuf *sb, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t n = dt_utf8_decode(s + i, len - i, NULL);
			if (n) {
				dt_strbuf_add(sb, s + i, n);
				i += n;
			} else {
				dt_strbuf_adds(sb, "\\ufffd");
				i++;
			}
			continue;
		}
		switch (c) {
		case '"': dt_strbuf_adds(sb, "\\\""); break;
		case '\\': dt_strbuf_adds(sb, "\\\\"); break;
		case '\n': dt_strbuf_adds(sb, "\\n"); break;
		case '\r': dt_strbuf_adds(sb, "\\r"); break;
		case '\t': dt_strbuf_adds(sb, "\\t"); break;
		case '\b': dt_strbuf_adds(sb, "\\b"); break;
		case '\f': dt_strbuf_adds(sb, "\\f"); break;
		default:
			if (c < 0x20 || c == 0x7F)
				dt_strbuf_addf(sb, "\\u%04x", c);
			else
				dt_strbuf_addch(sb, c);
		}
		i++;
	}
}

/* Append @s for a terminal: tabs and UTF-8 as they are, control characters escaped. */
static void add_text(struct dt_strbuf *sb, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n = dt_utf8_decode(s + i, len - i, &cp);
		if (n > 1 && !(cp >= 0x80 && cp < 0xA0)) {
			dt_strbuf_add(sb, s + i, n);
			i += n;
			continue;
		}
		if (n == 1 && (c >= 0x20 || c == '\t') && c != 0x7F)
			dt_strbuf_addch(sb, c);
		else if (c == '\n')
			dt_strbuf_adds(sb, "\\n");
		else if (c == '\r')
			dt_strbuf_adds(sb, "\\r");
		else if (n > 1)
			dt_strbuf_addf(sb, "\\u%04x", (unsigned)cp); /* C1 control */
		else
			dt_strbuf_addf(sb, "\\x%02x", c);
		i += n ? n : 1;
	}
}

/* Write one finished line; used before the threshold is known, so it does not check it. */
static void emit(enum dt_log_level level, const char *msg, size_t len)
{
	struct dt_strbuf line = DT_STRBUF_INIT;

	if (log_json) {
		char ts[DT_TIME_STRLEN];
		dt_time_now(ts);
		dt_strbuf_addf(&line, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"", ts,
			       level_name(level));
		add_json(&line, msg, len);
		dt_strbuf_adds(&line, "\"}\n");
	} else {
		time_t now = time(NULL);
		struct tm tm;
		if (localtime_r(&now, &tm))
			dt_strbuf_addf(&line, "%02d:%02d:%02d ", tm.tm_hour, tm.tm_min, tm.tm_sec);
		dt_strbuf_addf(&line, "%-5s ", level_name(level));
		add_text(&line, msg, len);
		dt_strbuf_addch(&line, '\n');
	}
	if (dt_strbuf_ok(&line))
		fwrite(line.buf, 1, line.len, stderr);
	else
		fputs("dualtrack: out of memory while logging\n", stderr);
	dt_strbuf_release(&line);
}

static void log_init(void)
{
	const char *fmt = getenv("DUALTRACK_LOG");
	const char *lvl = getenv("DUALTRACK_LOG_LEVEL");
	bool bad_fmt = false;
	int level = DT_LOG_INFO;

	if (fmt && !strcasecmp(fmt, "json")) {
		log_json = true;
	} else if (fmt && !strcasecmp(fmt, "text")) {
		log_json = false;
	} else {
		log_json = !isatty(STDERR_FILENO);
		bad_fmt = fmt && *fmt;
	}
	if (lvl && *lvl) {
		level = parse_level(lvl);
		if (level < 0) {
			struct dt_strbuf msg = DT_STRBUF_INIT;
			dt_strbuf_adds(
				&msg,
				"DUALTRACK_LOG_LEVEL: expected debug, info, warn or error, got ");
			dt_utf8_add_quoted(&msg, lvl, 40);
			emit(DT_LOG_WARN, msg.buf, msg.len);
			dt_strbuf_release(&msg);
			level = DT_LOG_INFO;
		}
	}
	if (bad_fmt) {
		struct dt_strbuf msg = DT_STRBUF_INIT;
		dt_strbuf_adds(&msg, "DUALTRACK_LOG: expected text or json, got ");
		dt_utf8_add_quoted(&msg, fmt, 40);
		emit(DT_LOG_WARN, msg.buf, msg.len);
		dt_strbuf_release(&msg);
	}
	/* dt_log_set_level() before the first message wins over the environment. */
	int unset = -1;
	atomic_compare_exchange_strong(&log_threshold, &unset, level);
}

void dt_log_set_level(enum dt_log_level level)
{
	atomic_store(&log_threshold, (int)level);
}

void dt_log(enum dt_log_level level, const char *fmt, ...)
{
	int saved_errno = errno; /* callers log, then report errno */
	struct dt_strbuf msg = DT_STRBUF_INIT;
	va_list ap;

	pthread_once(&log_once, log_init);
	if ((int)level < atomic_load(&log_threshold))
		goto out;
	va_start(ap, fmt);
	dt_strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (!dt_strbuf_ok(&msg)) {
		dt_strbuf_reset(&msg);
		dt_strbuf_adds(&msg, "(log message too long or out of memory)");
	}
	emit(level, msg.buf, msg.len);
out:
	dt_strbuf_release(&msg);
	errno = saved_errno;
}
