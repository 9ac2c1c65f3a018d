/*
 * deliver.h - the delivery of notifications: drains the outbox
 * (store/notify.c) by e-mail over SMTP and by webhook, both with libcurl.
 *
 * `serve` runs a thread that looks for due outbox rows every tick (a read)
 * and claims, sends and marks them; `dualtrack notify deliver --once`
 * does one round from the command line.  A row is claimed with a lease
 * longer than a send may take; a server killed while sending leaves the
 * row to be claimed again when the lease runs out, and the receiver tells
 * the second copy by its idempotency key (Message-ID, Idempotency-Key).
 * Failures wait by domain/notify.h's backoff.
 */
#ifndef DT_DELIVER_H
#define DT_DELIVER_H

#include <stdint.h>

#include "core/secret.h"
#include "core/strbuf.h"

struct dt_store;

struct dt_deliver_config {
	const char *smtp_url;    /* smtp://host:port (smtps:// for TLS), or NULL: no e-mail */
	const char *mail_from;   /* the sender's address */
	const char *webhook_url; /* http[s]:// URL, or NULL: no webhook */
	const char *public_url;  /* where links in messages point (may be NULL) */
	int64_t lease_ms;        /* a claim's lease (0: 60 s) */
	int tick_ms;             /* the worker's look for due rows (0: 200 ms) */
};

/**
 * Fill the unset members of @c from DUALTRACK_SMTP_URL, DUALTRACK_MAIL_FROM,
 * DUALTRACK_WEBHOOK_URL and DUALTRACK_PUBLIC_URL; check what is set:
 * DT_EINVAL naming the setting when a URL is not smtp(s):// or http(s)://
 * or the sender is not an e-mail address.
 */
enum dt_err dt_deliver_configure(struct dt_deliver_config *c, struct dt_strbuf *err);

/**
 * One round: claim every due row (up to @max) as @worker and send each;
 * *@sent and *@failed count them.  An error only when the outbox could not
 * be read or written.
 */
enum dt_err dt_deliver_once(struct dt_store *s, const struct dt_deliver_config *c,
			    const char *worker, int max, int *sent, int *failed,
			    struct dt_strbuf *err);

/** Start the server's delivery thread on its own connection to @path (@c copied). */
enum dt_err dt_deliver_start(const char *path, const struct dt_keys *keys,
			     const struct dt_deliver_config *c, struct dt_strbuf *err);
/** Wake the thread at once (a write may have queued something). */
void dt_deliver_touch(void);
/** Stop and join the thread (no-op when not started). */
void dt_deliver_stop(void);

#endif
