/*
 * fanout.c - what one server tells the others on one PostgreSQL database.
 *
 * A sign-out, a revoked token or a disabled account is committed with a
 * notification on DT_STORE_CHANNEL_AUTH (store/account.c), whichever
 * server or CLI made it.  This thread listens on its own connection and
 * empties this process's credential caches (dt_auth_invalidate) when one
 * arrives, so that the change holds on every server at once, not after the
 * cache's few seconds.  A lost connection is waited out and listened on
 * again; until then the caches' own expiry still bounds what is missed,
 * and they are emptied once more when the listener is back.
 *
 * The same thread listens on DT_STORE_CHANNEL_PORTAL, whose notifications
 * (payload "portal N", from the triggers of migration 016) tell the public
 * portal to read its generation again (dt_portal_changed).
 *
 * On SQLite there is one process per database file and nothing to listen
 * to: the thread is not started.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "core/log.h"
#include <string.h>

#include "http/app.h"
#include "portal/portal.h"
#include "core/banned.h"

#define WAIT_MS 250

static struct {
	pthread_t thread;
	atomic_bool stop;
	bool running;
	struct dt_store *store;
} f;

static void *fanout_main(void *arg)
{
	(void)arg;
	struct dt_strbuf payload = DT_STRBUF_INIT, err = DT_STRBUF_INIT;
	bool listening = true;
	while (!atomic_load(&f.stop)) {
		if (!listening) {
			dt_strbuf_reset(&err);
			listening =
				dt_store_listen(f.store, DT_STORE_CHANNEL_AUTH, &err) == DT_OK &&
				dt_store_listen(f.store, DT_STORE_CHANNEL_PORTAL, &err) == DT_OK;
			if (listening) {
				dt_auth_invalidate(); /* whatever was said while we were away */
				dt_portal_changed();
			}
		}
		dt_strbuf_reset(&payload);
		int r = dt_store_wait_notify(f.store, WAIT_MS, &payload);
		if (r > 0 && !strncmp(payload.buf, "portal", 6)) {
			dt_portal_changed();
		} else if (r > 0) {
			dt_auth_invalidate();
		} else if (r < 0) {
			if (listening)
				dt_warn("notifications: connection lost; listening again");
			listening = false;
			struct timespec ts = { 0, WAIT_MS * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	dt_strbuf_release(&payload);
	dt_strbuf_release(&err);
	return NULL;
}

enum dt_err dt_fanout_start(const char *path, const struct dt_keys *keys, struct dt_strbuf *err)
{
	if (!dt_store_is_pgsql(path))
		return DT_OK;
	int rc = dt_store_open(&f.store, path, keys, 0, err);
	if (rc == DT_OK)
		rc = dt_store_listen(f.store, DT_STORE_CHANNEL_AUTH, err);
	if (rc == DT_OK)
		rc = dt_store_listen(f.store, DT_STORE_CHANNEL_PORTAL, err);
	if (rc != DT_OK) {
		dt_store_close(f.store);
		f.store = NULL;
		return rc;
	}
	atomic_store(&f.stop, false);
	if (pthread_create(&f.thread, NULL, fanout_main, NULL) != 0) {
		dt_store_close(f.store);
		f.store = NULL;
		return dt_error(err, DT_EIO, "cannot start the notification listener thread");
	}
	f.running = true;
	return DT_OK;
}

void dt_fanout_stop(void)
{
	if (!f.running)
		return;
	atomic_store(&f.stop, true);
	pthread_join(f.thread, NULL);
	dt_store_close(f.store);
	f.store = NULL;
	f.running = false;
}
