/*
 * anchor.c - checkpoints of the audit chain on a schedule (see anchor.h).
 *
 * The thread sleeps on a condition variable so that stopping the server
 * does not wait for the next tick.  A checkpoint is written only when the
 * head moved since the last one this process wrote, so an idle server does
 * not fill its directory.  Nothing is ever removed from it: the files are
 * small (under 500 bytes), and pruning is the operator's decision.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/common.h"
#include "core/log.h"
#include "engine/anchor.h"
#include "store/store.h"
#include "core/banned.h"

static struct {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool running, stop, have_key;
	struct dt_store *store;
	int minutes;
	char *dir;
	struct dt_sign_key key;
	int64_t last_event;
} g = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .last_event = -1 };

void dt_anchor_config(const char *dir, const struct dt_sign_key *key)
{
	free(g.dir);
	g.dir = dir ? strdup(dir) : NULL;
	g.have_key = key != NULL;
	if (key)
		g.key = *key;
}

bool dt_anchor_public_key(unsigned char pk[DT_SIGN_PK_LEN])
{
	if (g.have_key)
		memcpy(pk, g.key.pk, DT_SIGN_PK_LEN);
	return g.have_key;
}

enum dt_err dt_anchor_take(struct dt_store *s, struct dt_strbuf *err)
{
	struct dt_checkpoint cp;
	struct dt_strbuf text = DT_STRBUF_INIT, path = DT_STRBUF_INIT, tmp = DT_STRBUF_INIT;
	if (!g.have_key || !g.dir)
		return dt_error(err, DT_EINTERNAL, "checkpoints: no signing key or directory");
	int rc = dt_store_audit_head(s, &cp, err);
	if (rc != DT_OK || cp.event == g.last_event)
		return rc;
	dt_checkpoint_sign(&cp, &g.key, &text);
	dt_strbuf_addf(&path, "%s/checkpoint-%012lld.txt", g.dir, (long long)cp.event);
	dt_strbuf_addf(&tmp, "%s.tmp", path.buf);
	FILE *f = dt_strbuf_ok(&tmp) && dt_strbuf_ok(&text) ? fopen(tmp.buf, "we") : NULL;
	if (!f || fwrite(text.buf, 1, text.len, f) != text.len || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0 || fclose(f) != 0 || rename(tmp.buf, path.buf) != 0) {
		rc = dt_error(err, DT_EIO, "checkpoint %s: %s", path.buf, strerror(errno));
		if (f)
			unlink(tmp.buf);
	} else {
		g.last_event = cp.event;
		dt_info("audit checkpoint: event %lld signed (%s)", (long long)cp.event, path.buf);
	}
	dt_strbuf_release(&text);
	dt_strbuf_release(&path);
	dt_strbuf_release(&tmp);
	return rc;
}

static void *anchor_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&g.mu);
	while (!g.stop) {
		pthread_mutex_unlock(&g.mu);
		struct dt_strbuf err = DT_STRBUF_INIT;
		if (dt_anchor_take(g.store, &err) != DT_OK)
			dt_warn("audit checkpoint: %s", err.buf);
		dt_strbuf_release(&err);
		pthread_mutex_lock(&g.mu);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)g.minutes * 60;
		while (!g.stop && pthread_cond_timedwait(&g.cv, &g.mu, &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&g.mu);
	return NULL;
}

enum dt_err dt_anchor_start(const char *path, const struct dt_keys *keys, int minutes,
			    struct dt_strbuf *err)
{
	if (!g.have_key || !g.dir)
		return dt_error(err, DT_EINTERNAL, "checkpoints: no signing key or directory");
	if (mkdir(g.dir, 0755) != 0 && errno != EEXIST)
		return dt_error(err, DT_EIO, "--checkpoint-dir %s: %s", g.dir, strerror(errno));
	int rc = dt_store_open(&g.store, path, keys, 0, err);
	if (rc != DT_OK)
		return rc;
	g.minutes = minutes;
	g.stop = false;
	if (pthread_create(&g.thread, NULL, anchor_main, NULL) != 0) {
		dt_store_close(g.store);
		g.store = NULL;
		return dt_error(err, DT_EIO, "cannot start the checkpoint thread");
	}
	g.running = true;
	return DT_OK;
}

void dt_anchor_stop(void)
{
	if (g.running) {
		pthread_mutex_lock(&g.mu);
		g.stop = true;
		pthread_cond_signal(&g.cv);
		pthread_mutex_unlock(&g.mu);
		pthread_join(g.thread, NULL);
		dt_store_close(g.store);
		g.store = NULL;
		g.running = false;
	}
	dt_sign_key_clear(&g.key);
	g.have_key = false;
	free(g.dir);
	g.dir = NULL;
}

static int by_name_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

json_t *dt_anchor_list(int limit)
{
	json_t *out = json_array();
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d = g.dir ? opendir(g.dir) : NULL;
	if (!d)
		return out;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (strncmp(de->d_name, "checkpoint-", 11) || len <= 15 ||
		    strcmp(de->d_name + len - 4, ".txt"))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **more = realloc(names, ncap * sizeof(*names));
			if (!more)
				break;
			names = more;
			cap = ncap;
		}
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	/* zero-padded event ids: the newest sorts first in descending order */
	if (n)
		qsort(names, n, sizeof(names[0]), by_name_desc);
	for (size_t i = 0; i < n; i++) {
		if ((int)json_array_size(out) >= limit) {
			free(names[i]);
			continue;
		}
		struct dt_strbuf path = DT_STRBUF_INIT, err = DT_STRBUF_INIT;
		char buf[DT_CHECKPOINT_MAX + 1];
		dt_strbuf_addf(&path, "%s/%s", g.dir, names[i]);
		FILE *f = fopen(path.buf, "re");
		size_t len = f ? fread(buf, 1, sizeof(buf), f) : 0;
		if (f)
			fclose(f);
		struct dt_checkpoint cp;
		if (len &&
		    dt_checkpoint_parse(buf, len, g.have_key ? g.key.pk : NULL, &cp, &err) == DT_OK)
			json_array_append_new(
				out, json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s%}", "file",
					       names[i], "event", (json_int_t)cp.event, "hash",
					       cp.hash, "time", cp.time, "database", cp.database,
					       "fingerprint", cp.fingerprint, "text", buf, len));
		dt_strbuf_release(&path);
		dt_strbuf_release(&err);
		free(names[i]);
	}
	free(names);
	return out;
}
