/*
 * auth.c - who may do what: the role table, sign-in throttling and the
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

#include "core/log.h"
#include "core/secret.h"
#include "core/throttle.h"
#include "http/app.h"
#include "core/banned.h"

#define GOV (DT_P_READ | DT_P_PILOT | DT_P_ORG | DT_P_MONITOR | DT_P_TARGET | DT_P_ALERT)
static const struct {
	const char *role;
	unsigned perms;
} role_table[] = {
	{ "admin", ~0u },
	{ "national", GOV | DT_P_PUBLICITY | DT_P_PUBLISH },
	{ "province", GOV | DT_P_SUPERVISE | DT_P_PUBLICITY | DT_P_PUBLISH },
	{ "city", GOV | DT_P_SUPERVISE | DT_P_PUBLICITY },
	{ "inspector", DT_P_READ | DT_P_AUDIT | DT_P_MONITOR | DT_P_ALERT | DT_P_INSPECT },
	{ "school", DT_P_READ | DT_P_ORG | DT_P_PROGRAMME | DT_P_PARTNER | DT_P_TRAINEE |
			    DT_P_CONTRACT | DT_P_APPROVE | DT_P_RECORD | DT_P_SIGNOFF |
			    DT_P_ASSESS | DT_P_OUTCOME | DT_P_PII | DT_P_RECTIFY | DT_P_PUBLICITY },
	{ "enterprise", DT_P_READ | DT_P_ORG | DT_P_PARTNER | DT_P_DEMAND | DT_P_TRAINEE |
				DT_P_CONTRACT | DT_P_APPROVE | DT_P_RECORD | DT_P_SIGNOFF |
				DT_P_ASSESS | DT_P_OUTCOME | DT_P_RECTIFY | DT_P_PUBLICITY },
	{ "trainee", DT_P_READ | DT_P_APPROVE | DT_P_RECORD },
	/* an assessment body's staff: assessments of its region's contracts (store/crud.c) */
	{ "assessor", DT_P_READ | DT_P_ASSESS },
};

/* The permissions' names, by bit: the role table as openapi.json shows it. */
static const char *const perm_names[] = {
	"read",      "pilot",    "org",     "programme", "partner", "demand",
	"trainee",   "contract", "approve", "record",    "signoff", "assess",
	"refdata",   "pii:read", "audit",   "monitor",   "target",  "alert",
	"supervise", "inspect",  "rectify", "publicity", "publish", "outcome",
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

json_t *dt_perm_json(unsigned perms)
{
	json_t *a = json_array();
	for (unsigned bit = 0; dt_perm_name(bit); bit++)
		if (perms & (1u << bit))
			json_array_append_new(a, json_string(dt_perm_name(bit)));
	return a;
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
		{ "region", DT_P_REFDATA },      { "occupation", DT_P_REFDATA },
		{ "pilot", DT_P_PILOT },         { "organization", DT_P_ORG },
		{ "programme", DT_P_PROGRAMME }, { "partnership", DT_P_PARTNER },
		{ "demand", DT_P_DEMAND },       { "place", DT_P_DEMAND },
		{ "trainee", DT_P_TRAINEE },     { "contract", DT_P_CONTRACT },
		{ "record_entry", DT_P_RECORD }, { "assessment", DT_P_ASSESS },
		{ "outcome", DT_P_OUTCOME },     { "pilot_task", DT_P_PILOT },
		{ "mentor", DT_P_CONTRACT }, /* an organisation's own staff: not officials */
		{ "target", DT_P_TARGET },       { "min_wage", DT_P_TARGET },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].entity, entity))
			return t[i].perm;
	return DT_P_REFDATA; /* unknown: admin only */
}

/* ---- sign-in throttling ---- */

/*
 * Two tables (core/throttle.h): failures per login, from any address, and
 * per client address, for any login.  A login may fail 5 times, then waits
 * 5 s, 10 s, 20 s ... up to 15 minutes per further failure: a guesser
 * spread over many addresses gets about a dozen tries in the first hour and
 * four an hour after, while the owner is never locked out for longer than
 * 15 minutes and a success clears the login.  An address may fail 20 times
 * (a school's NAT has many users), then the same doubling.  Counts are
 * forgotten after an hour without failures.  Each table holds at most
 * 65,536 keys (about 7 MiB, touched only as it fills); when one is full, a
 * key it does not hold is refused (429) until entries age out.
 */
#define SIGNIN_CAP 65536
#define SIGNIN_RESERVE 256 /* > sign-ins in flight (dt_signin_admit) */

static struct dt_throttle *by_login, *by_peer;
static pthread_once_t throttle_once = PTHREAD_ONCE_INIT;

static void throttle_init(void)
{
	static const struct dt_throttle_policy login = {
		5, 5, 900, 3600, SIGNIN_CAP, SIGNIN_RESERVE
	};
	static const struct dt_throttle_policy peer = {
		20, 5, 900, 3600, SIGNIN_CAP, SIGNIN_RESERVE
	};
	if (dt_throttle_new(&by_login, &login) != DT_OK ||
	    dt_throttle_new(&by_peer, &peer) != DT_OK)
		dt_log_error("sign-in throttle: out of memory; every sign-in is refused");
}

unsigned dt_signin_wait(const char *login, const char *peer)
{
	pthread_once(&throttle_once, throttle_init);
	if (!by_login || !by_peer)
		return DT_THROTTLE_FULL_WAIT;
	time_t now = time(NULL);
	unsigned a = dt_throttle_wait(by_login, login, now);
	unsigned b = dt_throttle_wait(by_peer, peer, now);
	return a > b ? a : b;
}

void dt_signin_record(const char *login, const char *peer, bool ok)
{
	pthread_once(&throttle_once, throttle_init);
	if (!by_login || !by_peer)
		return;
	time_t now = time(NULL);
	if (ok) {
		dt_throttle_reset(by_login, login); /* the account, not the address */
		return;
	}
	dt_throttle_fail(by_login, login, now);
	dt_throttle_fail(by_peer, peer, now);
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
