/*
 * progress.c - progress of long work on stderr.
 *
 * On a terminal one line is redrawn with \r at most ten times a second:
 *   [#########...........] 45% 450000/1000000 12345/s ETA 0:45
 * When stderr is a file or a pipe (CI logs, `make run`), a plain line is
 * written at each further tenth or every five seconds, whichever comes
 * first, so that logs stay short but show that work goes on.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/banned.h"

#define BAR_WIDTH 20
#define TTY_INTERVAL 0.1 /* seconds between redraws */
#define LOG_INTERVAL 5.0 /* seconds between plain lines */

double cli_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_init(struct cli_progress *p, const char *label)
{
	p->label = label;
	p->tty = isatty(STDERR_FILENO);
	p->start = p->last_draw = cli_now();
	p->last_tenth = 0;
	p->done = p->total = 0;
	p->drawn = false;
}

double cli_progress_elapsed(const struct cli_progress *p)
{
	return cli_now() - p->start;
}

/* "0:45", "12:03" or "1:02:03". */
static void add_duration(struct dt_strbuf *sb, double secs)
{
	if (secs < 0 || secs > 360000.0) {
		dt_strbuf_adds(sb, "-:--");
		return;
	}
	long s = (long)(secs + 0.5);
	if (s >= 3600)
		dt_strbuf_addf(sb, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		dt_strbuf_addf(sb, "%ld:%02ld", s / 60, s % 60);
}

/* "45% 450000/1000000 12345/s ETA 0:45" */
static void add_figures(struct dt_strbuf *sb, const struct cli_progress *p, double elapsed)
{
	int pct = p->total > 0 ? (int)(p->done * 100 / p->total) : 0;
	double rate = elapsed > 0 ? (double)p->done / elapsed : 0;
	dt_strbuf_addf(sb, "%d%% %lld/%lld %.0f/s ETA ", pct, (long long)p->done,
		       (long long)p->total, rate);
	if (p->done >= p->total)
		add_duration(sb, 0);
	else if (rate > 0)
		add_duration(sb, (double)(p->total - p->done) / rate);
	else
		dt_strbuf_adds(sb, "-:--");
}

static void draw_bar(struct cli_progress *p, double now)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	int fill = p->total > 0 ? (int)(p->done * BAR_WIDTH / p->total) : 0;
	if (fill > BAR_WIDTH)
		fill = BAR_WIDTH;
	dt_strbuf_adds(&sb, "\r[");
	for (int i = 0; i < BAR_WIDTH; i++)
		dt_strbuf_addch(&sb, i < fill ? '#' : '.');
	dt_strbuf_adds(&sb, "] ");
	add_figures(&sb, p, now - p->start);
	dt_strbuf_adds(&sb, "\033[K"); /* clear what a longer line left behind */
	fputs(sb.buf, stderr);
	fflush(stderr);
	dt_strbuf_release(&sb);
	p->drawn = true;
	p->last_draw = now;
}

static void log_line(struct cli_progress *p, double now)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_strbuf_addf(&sb, "%s: ", p->label);
	add_figures(&sb, p, now - p->start);
	dt_strbuf_addch(&sb, '\n');
	fputs(sb.buf, stderr);
	fflush(stderr);
	dt_strbuf_release(&sb);
	p->last_draw = now;
}

void cli_progress_update(struct cli_progress *p, int64_t done, int64_t total)
{
	p->done = done < 0 ? 0 : done;
	p->total = total < 0 ? 0 : total;
	double now = cli_now();
	if (p->tty) {
		if (now - p->last_draw >= TTY_INTERVAL || !p->drawn)
			draw_bar(p, now);
		return;
	}
	int tenth = p->total > 0 ? (int)(p->done * 10 / p->total) : 0;
	if (tenth > p->last_tenth || now - p->last_draw >= LOG_INTERVAL) {
		p->last_tenth = tenth;
		log_line(p, now);
	}
}

void cli_progress_finish(struct cli_progress *p)
{
	double now = cli_now();
	if (p->tty) {
		if (p->drawn) {
			draw_bar(p, now);
			fputc('\n', stderr);
			p->drawn = false;
		}
		return;
	}
	if (p->total > 0 && p->last_tenth < 10 && p->done >= p->total)
		log_line(p, now);
}

void cli_progress_cb(void *ctx, int64_t done, int64_t total)
{
	cli_progress_update(ctx, done, total);
}
