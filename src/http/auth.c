/*
 * auth.c - who may do what: the role table, login throttling and the
 * per-thread credential cache.
 *
 * The role table is the one place that says what each role may do; the same
 * table is documented in docs/API.md.  Where a role may act, its scope (a
 * region, its organisation, or the trainee's own records) is applied by the
 * store's queries, so an object outside it answers 404.
 *
 * Credentials are checked against the database and then cached per worker
 * thread for a few seconds.  A logout or revocation through this server
 * bumps a process-wide epoch that empties every cache at once; a change
 * made by another process (the CLI) takes effect within CACHE_TTL.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/secret.h"
#include "http/app.h"
#include "core/banned.h"

#define GOV (DT_P_READ | DT_P_PILOT | DT_P_ORG | DT_P_MONITOR | DT_P_TARGET | DT_P_ALERT)
static const struct {
	const char *role;
	unsigned perms;
} role_table[] = {
	{ "admin", ~0u },
	{ "national", GOV },
	{ "province", GOV },
	{ "city", GOV },
	{ "inspector", DT_P_READ | DT_P_AUDIT | DT_P_MONITOR | DT_P_ALERT },
	{ "school", DT_P_READ | DT_P_ORG | DT_P_PROGRAMME | DT_P_PARTNER | DT_P_TRAINEE |
			    DT_P_CONTRACT | DT_P_APPROVE | DT_P_RECORD | DT_P_SIGNOFF | DT_P_ASSESS |
			    DT_P_PII },
	{ "enterprise", DT_P_READ | DT_P_ORG | DT_P_PARTNER | DT_P_DEMAND | DT_P_TRAINEE |
				DT_P_CONTRACT | DT_P_APPROVE | DT_P_RECORD | DT_P_SIGNOFF |
				DT_P_ASSESS },
	{ "trainee", DT_P_READ | DT_P_APPROVE | DT_P_RECORD },
};

/* The permissions' names, by bit: the role table as openapi.json shows it. */
static const char *const perm_names[] = {
	"read",	   "pilot",  "org",    "programme", "partner", "demand",   "trainee",
	"contract", "approve", "record", "signoff",   "assess",  "refdata",  "pii:read",
	"audit",    "monitor", "target", "alert",
};

const char *dt_perm_name(unsigned bit)
{
	return bit < sizeof(perm_names) / sizeof(perm_names[0]) ? perm_names[bit] : NULL;
}

const char *dt_role_at(size_t i, unsigned *perms)
{
	if (i >= sizeof(role_table) / sizeof(role_table[0]))
		return NULL;
	*perms = role_table[i].perms;
	return role_table[i].role;
}

unsigned dt_role_perms(const char *role)
{
	for (size_t i = 0; i < sizeof(role_table) / sizeof(role_table[0]); i++)
		if (!strcmp(role_table[i].role, role))
			return role_table[i].perms;
	return 0;
}

unsigned dt_entity_write_perm(const char *entity)
{
	static const struct {
		const char *entity;
		unsigned perm;
	} t[] = {
		{ "region", DT_P_REFDATA },	   { "occupation", DT_P_REFDATA },
		{ "pilot", DT_P_PILOT },	   { "organization", DT_P_ORG },
		{ "programme", DT_P_PROGRAMME },   { "partnership", DT_P_PARTNER },
		{ "demand", DT_P_DEMAND },	   { "place", DT_P_DEMAND },
		{ "trainee", DT_P_TRAINEE },	   { "contract", DT_P_CONTRACT },
		{ "record_entry", DT_P_RECORD },   { "assessment", DT_P_ASSESS },
		{ "outcome", DT_P_ASSESS },	   { "pilot_task", DT_P_PILOT },
		{ "target", DT_P_TARGET },	   { "min_wage", DT_P_TARGET },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].entity, entity))
			return t[i].perm;
	return DT_P_REFDATA; /* unknown: admin only */
}

/* ---- login throttling ---- */

#define THROTTLE_SLOTS 4096
#define WINDOW_S 300        /* failures are counted over 5 minutes */
#define LOGIN_MAX_FAIL 5    /* per login */
#define PEER_MAX_FAIL 20    /* per client address */
#define LOCK_S 300          /* then the key is locked for 5 minutes */

struct throttle {
	uint64_t key;
	time_t window_start;
	time_t locked_until;
	int failures;
};

static struct throttle slots[THROTTLE_SLOTS];
static pthread_mutex_t throttle_mu = PTHREAD_MUTEX_INITIALIZER;

static uint64_t key_of(const char *kind, const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = kind; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (const char *p = s ? s : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h | 1;
}

static struct throttle *slot(uint64_t key)
{
	struct throttle *t = &slots[key % THROTTLE_SLOTS];
	if (t->key != key) { /* take the slot over: bounded memory, best effort */
		memset(t, 0, sizeof(*t));
		t->key = key;
	}
	return t;
}

bool dt_throttle_check(const char *login, const char *peer, int *retry_after)
{
	time_t now = time(NULL);
	bool ok = true;
	pthread_mutex_lock(&throttle_mu);
	struct throttle *ts[2] = { slot(key_of("login:", login)), slot(key_of("peer:", peer)) };
	for (int i = 0; i < 2; i++) {
		if (ts[i]->locked_until > now) {
			ok = false;
			*retry_after = (int)(ts[i]->locked_until - now);
		}
	}
	pthread_mutex_unlock(&throttle_mu);
	return ok;
}

void dt_throttle_record(const char *login, const char *peer, bool ok)
{
	time_t now = time(NULL);
	pthread_mutex_lock(&throttle_mu);
	struct throttle *ts[2] = { slot(key_of("login:", login)), slot(key_of("peer:", peer)) };
	int max[2] = { LOGIN_MAX_FAIL, PEER_MAX_FAIL };
	for (int i = 0; i < 2; i++) {
		struct throttle *t = ts[i];
		if (ok && i == 0) {
			t->failures = 0; /* a good login clears the account, not the address */
			continue;
		}
		if (ok)
			continue;
		if (now - t->window_start > WINDOW_S) {
			t->window_start = now;
			t->failures = 0;
		}
		if (++t->failures >= max[i])
			t->locked_until = now + LOCK_S;
	}
	pthread_mutex_unlock(&throttle_mu);
}

/* ---- credential cache ---- */

#define CACHE_SLOTS 1024
#define CACHE_TTL 5 /* seconds */

static atomic_uint auth_epoch;

struct cache_entry {
	unsigned char digest[DT_TOKEN_DIGEST_LEN]; /* of the token, as the database's hash */
	bool used;
	struct dt_credential cred;
	time_t checked;
	time_t expires;
	unsigned epoch;
};

struct auth_worker {
	struct cache_entry e[CACHE_SLOTS];
};

void *dt_auth_worker_new(void)
{
	return calloc(1, sizeof(struct auth_worker));
}

void dt_auth_worker_free(void *p)
{
	free(p);
}

void dt_auth_invalidate(void)
{
	atomic_fetch_add(&auth_epoch, 1);
}

bool dt_auth_token(struct dt_http_worker *w, const char *token, struct dt_credential *out)
{
	struct auth_worker *aw = w->data;
	unsigned char digest[DT_TOKEN_DIGEST_LEN];
	struct timespec ts;
	/* binary, not hex: a hit compares 32 bytes and makes no text */
	dt_token_digest(token, digest);
	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned epoch = atomic_load(&auth_epoch);
	unsigned slot = ((unsigned)digest[0] << 8 | digest[1]) % CACHE_SLOTS;
	struct cache_entry *e = &aw->e[slot];
	/* Expiry is checked on every request, cached or not. */
	if (e->used && e->epoch == epoch && ts.tv_sec - e->checked < CACHE_TTL &&
	    ts.tv_sec < e->expires && !memcmp(e->digest, digest, sizeof(digest))) {
		*out = e->cred;
		return true;
	}
	struct dt_strbuf why = DT_STRBUF_INIT;
	int rc = dt_store_credential_check(w->store, token, out, &why);
	dt_strbuf_release(&why);
	if (rc != DT_OK) {
		e->used = false;
		return false;
	}
	memcpy(e->digest, digest, sizeof(digest));
	e->used = true;
	e->cred = *out;
	e->checked = ts.tv_sec;
	e->epoch = epoch;
	/* "YYYY-MM-DDTHH:MM:SS..." (UTC) as seconds, so hits compare numbers. */
	struct tm tm = { 0 };
	strptime(out->expires_at, "%Y-%m-%dT%H:%M:%S", &tm);
	e->expires = timegm(&tm);
	return true;
}
