/*
 * log.h - diagnostics on stderr.
 *
 * On a terminal a line reads "12:00:01 warn  message"; otherwise each line is
 * one JSON object {"ts":...,"level":...,"msg":...} for log collectors.  The
 * format is chosen once, at the first call, from isatty(2) and DUALTRACK_LOG
 * ("text" or "json" force it); DUALTRACK_LOG_LEVEL sets the threshold.
 */
#ifndef DT_LOG_H
#define DT_LOG_H

enum dt_log_level { DT_LOG_DEBUG, DT_LOG_INFO, DT_LOG_WARN, DT_LOG_ERROR };

void dt_log(enum dt_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define dt_debug(...) dt_log(DT_LOG_DEBUG, __VA_ARGS__)
#define dt_info(...) dt_log(DT_LOG_INFO, __VA_ARGS__)
#define dt_warn(...) dt_log(DT_LOG_WARN, __VA_ARGS__)
#define dt_log_error(...) dt_log(DT_LOG_ERROR, __VA_ARGS__)

/** Override the threshold (messages below it are dropped). */
void dt_log_set_level(enum dt_log_level level);

#endif
