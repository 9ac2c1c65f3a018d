/*
 * deliver.c - sending the outbox's notifications by e-mail and webhook (see
 * deliver.h).
 *
 * An e-mail is a text/plain UTF-8 message, body in base64 (so that no line
 * of it is ever taken for SMTP's end of data), the subject in RFC 2047
 * encoded words, in Chinese then English; its Message-ID is the outbox
 * row's idempotency key.  A webhook is a POST of a JSON object
 * {idempotency_key, recipient {login, phone}, kind, text {zh, en}, link,
 * entity, entity_id, created_at} with the header Idempotency-Key: a gateway
 * to SMS or WeChat sends it on.  Addresses were checked when the account
 * chose them (store/notify.c) and are checked again here: a message never
 * carries a control character into a header.
 *
 * The thread also makes, at start and once a day, the notifications of
 * findings due in 7, 3 and 1 days (dt_store_notify_findings_due; each once,
 * so several servers may run it).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/date.h"
#include "core/log.h"
#include "domain/field.h"
#include "domain/notify.h"
#include "engine/deliver.h"
#include "store/store.h"
#include "core/banned.h"

#define SEND_TIMEOUT_MS 30000  /* at most; and at most half the lease, so that a live */
#define DEFAULT_LEASE_MS 60000 /* sender's lease does not run out while it sends */
#define DEFAULT_TICK_MS 200
#define BATCH 32

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* An address fit for a header and an SMTP command: printable ASCII, no space, <, > or quote. */
static bool plain_address(const char *a)
{
	if (!a || !*a || strlen(a) > 254 || !strchr(a, '@'))
		return false;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '<' || *p == '>' || *p == '"' || *p == ',' ||
		    *p == ';' || *p == '\\')
			return false;
	return true;
}

enum dt_err dt_deliver_configure(struct dt_deliver_config *c, struct dt_strbuf *err)
{
	if (!c->smtp_url)
		c->smtp_url = getenv("DUALTRACK_SMTP_URL");
	if (!c->mail_from)
		c->mail_from = getenv("DUALTRACK_MAIL_FROM");
	if (!c->webhook_url)
		c->webhook_url = getenv("DUALTRACK_WEBHOOK_URL");
	if (!c->public_url)
		c->public_url = getenv("DUALTRACK_PUBLIC_URL");
	if (c->smtp_url && !*c->smtp_url)
		c->smtp_url = NULL;
	if (c->webhook_url && !*c->webhook_url)
		c->webhook_url = NULL;
	if (c->smtp_url && !prefix(c->smtp_url, "smtp://") && !prefix(c->smtp_url, "smtps://"))
		return dt_error(err, DT_EINVAL,
				"DUALTRACK_SMTP_URL (--smtp-url): %s is not smtp://HOST[:PORT] or "
				"smtps://",
				c->smtp_url);
	if (c->smtp_url && !plain_address(c->mail_from))
		return dt_error(err, DT_EINVAL,
				"DUALTRACK_MAIL_FROM (--mail-from): an e-mail address is needed to "
				"send e-mail");
	if (c->webhook_url && !prefix(c->webhook_url, "http://") &&
	    !prefix(c->webhook_url, "https://"))
		return dt_error(
			err, DT_EINVAL,
			"DUALTRACK_WEBHOOK_URL (--webhook-url): %s is not an http[s]:// URL",
			c->webhook_url);
	if (!c->lease_ms)
		c->lease_ms = DEFAULT_LEASE_MS;
	if (!c->tick_ms)
		c->tick_ms = DEFAULT_TICK_MS;
	return DT_OK;
}

/* ---- composing ---- */

/* The notification @note's text in @lang, into @out. */
static void text_of(json_t *note, enum dt_lang lang, struct dt_strbuf *out)
{
	dt_notify_text(json_string_value(json_object_get(note, "code")),
		       json_object_get(note, "args"), lang, out);
}

static void link_of(const struct dt_deliver_config *c, json_t *note, struct dt_strbuf *out)
{
	if (c->public_url)
		dt_strbuf_adds(out, c->public_url);
	dt_notify_link(json_string_value(json_object_get(note, "entity")),
		       json_integer_value(json_object_get(note, "entity_id")),
		       json_object_get(note, "args"), out);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* @s as base64 in lines of 76 characters, each ended by CRLF. */
static void base64_lines(const struct dt_strbuf *s, struct dt_strbuf *out)
{
	const unsigned char *p = (const unsigned char *)s->buf;
	int col = 0;
	for (size_t i = 0; i < s->len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < s->len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < s->len)
			v |= p[i + 2];
		char q[4] = { b64[v >> 18 & 63], b64[v >> 12 & 63],
			      i + 1 < s->len ? b64[v >> 6 & 63] : '=',
			      i + 2 < s->len ? b64[v & 63] : '=' };
		dt_strbuf_add(out, q, 4);
		if ((col += 4) == 76) {
			dt_strbuf_adds(out, "\r\n");
			col = 0;
		}
	}
	if (col)
		dt_strbuf_adds(out, "\r\n");
}

/* The whole message of outbox row @it to @to, headers and body. */
static void compose_mail(const struct dt_deliver_config *c, json_t *it, struct dt_strbuf *m)
{
	json_t *note = json_object_get(it, "notification");
	const char *key = json_string_value(json_object_get(it, "idem_key"));
	const char *to = json_string_value(json_object_get(it, "address"));
	const char *domain = strchr(c->mail_from, '@') + 1;
	struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT, subj = DT_STRBUF_INIT,
			 body = DT_STRBUF_INIT, link = DT_STRBUF_INIT;
	text_of(note, DT_LANG_ZH, &zh);
	text_of(note, DT_LANG_EN, &en);
	link_of(c, note, &link);
	dt_message(&subj, DT_LANG_ZH, "notify.mail_subject", "title", zh.buf, NULL);
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	dt_strbuf_addf(m, "From: <%s>\r\nTo: <%s>\r\nSubject: ", c->mail_from, to);
	dt_notify_mime_header(subj.buf, m);
	dt_strbuf_addf(m,
		       "\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\nX-Dualtrack-Idempotency-Key: %s\r\n"
		       "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		       "Content-Transfer-Encoding: base64\r\n\r\n",
		       date, key, domain, key);
	dt_strbuf_addf(&body, "%s\n%s\n\n", zh.buf, en.buf);
	dt_message(&body, DT_LANG_ZH, "notify.mail_footer", "link", link.buf, NULL);
	dt_strbuf_adds(&body, "\n");
	dt_message(&body, DT_LANG_EN, "notify.mail_footer", "link", link.buf, NULL);
	dt_strbuf_adds(&body, "\n");
	base64_lines(&body, m);
	dt_strbuf_release(&zh);
	dt_strbuf_release(&en);
	dt_strbuf_release(&subj);
	dt_strbuf_release(&body);
	dt_strbuf_release(&link);
}

static char *compose_webhook(const struct dt_deliver_config *c, json_t *it)
{
	json_t *note = json_object_get(it, "notification");
	struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT, link = DT_STRBUF_INIT;
	text_of(note, DT_LANG_ZH, &zh);
	text_of(note, DT_LANG_EN, &en);
	link_of(c, note, &link);
	json_t *o = json_pack(
		"{s:O, s:{s:O, s:O}, s:O, s:{s:s, s:s}, s:s, s:O, s:O, s:O, s:O}",
		"idempotency_key", json_object_get(it, "idem_key"), "recipient", "login",
		json_object_get(it, "login"), "phone",
		json_object_get(it, "phone") ? json_object_get(it, "phone") : json_null(), "kind",
		json_object_get(note, "kind"), "text", "zh", zh.buf, "en", en.buf, "link", link.buf,
		"entity", json_object_get(note, "entity"), "entity_id",
		json_object_get(note, "entity_id"), "created_at",
		json_object_get(note, "created_at"), "notification", json_object_get(note, "id"));
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	dt_strbuf_release(&zh);
	dt_strbuf_release(&en);
	dt_strbuf_release(&link);
	return text;
}

/* ---- sending ---- */

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;
	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

static size_t discard_cb(char *buf, size_t size, size_t n, void *arg)
{
	(void)buf;
	(void)arg;
	return size * n;
}

/* Send outbox row @it; DT_OK, or DT_EIO with the reason in @why. */
static enum dt_err send_one(const struct dt_deliver_config *c, json_t *it, struct dt_strbuf *why)
{
	const char *channel = json_string_value(json_object_get(it, "channel"));
	bool mail = channel && !strcmp(channel, "email");
	const char *address = json_string_value(json_object_get(it, "address"));
	if (mail && !c->smtp_url)
		return dt_error(why, DT_EIO, "no SMTP server configured (DUALTRACK_SMTP_URL)");
	if (!mail && !c->webhook_url)
		return dt_error(why, DT_EIO, "no webhook configured (DUALTRACK_WEBHOOK_URL)");
	if (mail && !plain_address(address))
		return dt_error(why, DT_EIO, "the recipient's address is not usable");
	CURL *h = curl_easy_init();
	if (!h)
		return dt_error(why, DT_EIO, "libcurl could not start");
	struct dt_strbuf msg = DT_STRBUF_INIT, hdr = DT_STRBUF_INIT;
	char *json = NULL;
	struct curl_slist *list = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	struct upload up;
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	long timeout =
		(long)(c->lease_ms / 2 < SEND_TIMEOUT_MS ? c->lease_ms / 2 : SEND_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (mail) {
		compose_mail(c, it, &msg);
		dt_strbuf_addf(&hdr, "<%s>", c->mail_from);
		struct dt_strbuf rcpt = DT_STRBUF_INIT;
		dt_strbuf_addf(&rcpt, "<%s>", address);
		list = curl_slist_append(NULL, rcpt.buf);
		dt_strbuf_release(&rcpt);
		up = (struct upload){ msg.buf, msg.len };
		curl_easy_setopt(h, CURLOPT_URL, c->smtp_url);
		curl_easy_setopt(h, CURLOPT_MAIL_FROM, hdr.buf);
		curl_easy_setopt(h, CURLOPT_MAIL_RCPT, list);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(h, CURLOPT_READDATA, &up);
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	} else {
		json = compose_webhook(c, it);
		dt_strbuf_addf(&hdr, "Idempotency-Key: %s",
			       json_string_value(json_object_get(it, "idem_key")));
		list = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
		list = curl_slist_append(list, hdr.buf);
		curl_easy_setopt(h, CURLOPT_URL, c->webhook_url);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, json ? json : "{}");
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_cb);
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	}
	enum dt_err rc = DT_OK;
	CURLcode cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		rc = dt_error(why, DT_EIO, "%s", *errbuf ? errbuf : curl_easy_strerror(cc));
	} else if (!mail) {
		long status = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		if (status < 200 || status > 299)
			rc = dt_error(why, DT_EIO, "the webhook answered HTTP %ld", status);
	}
	curl_slist_free_all(list);
	curl_easy_cleanup(h);
	free(json);
	dt_strbuf_release(&msg);
	dt_strbuf_release(&hdr);
	return rc;
}

enum dt_err dt_deliver_once(struct dt_store *s, const struct dt_deliver_config *c,
			    const char *worker, int max, int *sent, int *failed,
			    struct dt_strbuf *err)
{
	*sent = *failed = 0;
	json_t *items = NULL;
	int64_t due = 0;
	enum dt_err rc = dt_store_outbox_due(s, wall_ms(), &due, err);
	if (rc != DT_OK || !due) /* the common case: a read, no write lock taken */
		return rc;
	rc = dt_store_outbox_claim(s, worker, wall_ms(), c->lease_ms, max, &items, err);
	if (rc != DT_OK)
		return rc;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		int64_t id = json_integer_value(json_object_get(it, "id"));
		struct dt_strbuf why = DT_STRBUF_INIT;
		if (send_one(c, it, &why) == DT_OK) {
			rc = dt_store_outbox_done(s, id, worker, err);
			(*sent)++;
		} else {
			dt_warn("notification outbox %lld (%s): %s", (long long)id,
				json_string_value(json_object_get(it, "channel")), why.buf);
			rc = dt_store_outbox_fail(s, id, worker, wall_ms(), why.buf, err);
			(*failed)++;
		}
		dt_strbuf_release(&why);
		if (rc != DT_OK)
			break;
	}
	json_decref(items);
	return rc;
}

/* ---- the server's thread ---- */

static struct {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool running, stop, woken;
	struct dt_store *store;
	struct dt_deliver_config cfg;
	char *smtp_url, *mail_from, *webhook_url, *public_url;
	char worker[96];
} d = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void *deliver_main(void *arg)
{
	(void)arg;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int32_t last_day = -1;
	pthread_mutex_lock(&d.mu);
	while (!d.stop) {
		pthread_mutex_unlock(&d.mu);
		struct dt_date today = dt_date_today();
		if (dt_date_to_days(today) != last_day) {
			int made = 0;
			dt_strbuf_reset(&err);
			if (dt_store_notify_findings_due(d.store, today, &made, &err) == DT_OK)
				last_day = dt_date_to_days(today);
			else
				dt_warn("findings due: %s", err.buf);
		}
		int sent, failed;
		do {
			dt_strbuf_reset(&err);
			if (dt_deliver_once(d.store, &d.cfg, d.worker, BATCH, &sent, &failed,
					    &err) != DT_OK) {
				dt_warn("notification delivery: %s", err.buf);
				break;
			}
		} while (sent + failed == BATCH && !d.stop);
		pthread_mutex_lock(&d.mu);
		if (d.stop)
			break;
		if (!d.woken) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)d.cfg.tick_ms * 1000000L;
			ts.tv_sec += ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&d.cv, &d.mu, &ts);
		}
		d.woken = false;
	}
	pthread_mutex_unlock(&d.mu);
	dt_strbuf_release(&err);
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

enum dt_err dt_deliver_start(const char *path, const struct dt_keys *keys,
			     const struct dt_deliver_config *c, struct dt_strbuf *err)
{
	if (d.running)
		return DT_OK;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = dt_store_open(&d.store, path, keys, 0, err);
	if (rc != DT_OK)
		return rc;
	d.cfg = *c;
	d.cfg.smtp_url = d.smtp_url = dup_or_null(c->smtp_url);
	d.cfg.mail_from = d.mail_from = dup_or_null(c->mail_from);
	d.cfg.webhook_url = d.webhook_url = dup_or_null(c->webhook_url);
	d.cfg.public_url = d.public_url = dup_or_null(c->public_url);
	char host[64] = "";
	gethostname(host, sizeof(host) - 1);
	unsigned r = (unsigned)wall_ms() ^ (unsigned)getpid() * 2654435761u;
	snprintf(d.worker, sizeof(d.worker), "%s:%ld:%08x", host, (long)getpid(), r);
	d.stop = false;
	if (pthread_create(&d.thread, NULL, deliver_main, NULL) != 0) {
		dt_store_close(d.store);
		d.store = NULL;
		return dt_error(err, DT_EINTERNAL, "could not start the delivery thread");
	}
	d.running = true;
	return DT_OK;
}

void dt_deliver_touch(void)
{
	if (!d.running)
		return;
	pthread_mutex_lock(&d.mu);
	d.woken = true;
	pthread_cond_signal(&d.cv);
	pthread_mutex_unlock(&d.mu);
}

void dt_deliver_stop(void)
{
	if (!d.running)
		return;
	pthread_mutex_lock(&d.mu);
	d.stop = true;
	pthread_cond_signal(&d.cv);
	pthread_mutex_unlock(&d.mu);
	pthread_join(d.thread, NULL);
	d.running = false;
	dt_store_close(d.store);
	d.store = NULL;
	free(d.smtp_url);
	free(d.mail_from);
	free(d.webhook_url);
	free(d.public_url);
	d.smtp_url = d.mail_from = d.webhook_url = d.public_url = NULL;
	curl_global_cleanup();
}
