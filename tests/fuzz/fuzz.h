/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz share: a store made
 * once per process, and a way to run each input against the same state.
 *
 * fz_store() makes a database in a temporary directory, loads the built-in
 * regions and occupations and a small demo pilot (every kind of record
 * exists, so references resolve and updates find something), pins "today",
 * and then moves the database into memory (sqlite3_serialize/deserialize),
 * keeping the image, so that nothing touches a disk per input.  Every input
 * then runs against that same state: a harness wraps its work in
 * fz_input_begin() and fz_input_end(), which rolls back whatever is still
 * open, and a commit hook deals with the transactions the code under test
 * opens and commits itself (imports, handlers):
 *   - by default it turns every COMMIT into a ROLLBACK: the last step, the
 *     commit itself, fails as a full disk would make it fail;
 *   - with fz_g.restore set, commits go through and fz_input_end() puts the
 *     saved image back, for the harnesses that must see writes succeed
 *     (the dispatcher: a failed commit there is a 500).
 * Either way each input sees the database as it was made and a crash
 * reproduces from its file alone.
 *
 * Each harness is one .c file defining LLVMFuzzerTestOneInput (and,
 * when it needs set-up, LLVMFuzzerInitialize); tests/fuzz/replay.c is the
 * main() that runs them over their corpus without libFuzzer.
 */
#ifndef DT_FUZZ_H
#define DT_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "core/common.h"
#include "core/log.h"
#include "core/secret.h"
#include "engine/demo.h"
#include "io/refdata.h"
#include "store/store.h"
#include "store/store_internal.h"
#include "core/banned.h"

/* The store's own SQLite handle (the harnesses run on SQLite only). */
#define FZ_SQLITE ((sqlite3 *)dt_db_sqlite_handle(fz_g.s->db))

#define FZ_TODAY "2026-11-26"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	char dir[64];
	char path[128];
	struct dt_keys keys;
	struct dt_store *s;
	struct dt_actor actor;
	unsigned char *image; /* the database as made (sqlite3_serialize) */
	sqlite3_int64 image_len;
	bool in_input;  /* an input runs */
	bool restore;   /* commits go through and are undone by putting the image back */
	bool committed; /* something was committed during this input */
};

static struct fz fz_g;

static inline void fz_env(void)
{
	setenv("DUALTRACK_TODAY", FZ_TODAY, 1);
	/* errors are what the fuzzer provokes: keep the output to its own */
	dt_log_set_level((enum dt_log_level)(DT_LOG_ERROR + 1));
}

static inline void fz_die(const char *what, const struct dt_strbuf *err)
{
	fprintf(stderr, "fuzz set-up: %s: %s\n", what, err && err->buf ? err->buf : "");
	exit(1);
}

static int fz_commit_hook(void *p)
{
	struct fz *f = p;
	if (!f->in_input)
		return 0;
	if (f->restore) {
		f->committed = true;
		return 0;
	}
	return 1; /* COMMIT becomes ROLLBACK */
}

/* Put the saved image in as the connection's main database. */
static inline void fz_restore(void)
{
	/*
	 * Room to grow: a resizeable memory database reallocates its whole
	 * image whenever a write adds a page, which under ASan costs more
	 * than the input.
	 */
	sqlite3_int64 room = fz_g.image_len + ((sqlite3_int64)16 << 20);
	unsigned char *copy = sqlite3_malloc64((sqlite3_uint64)room);
	if (!copy)
		fz_die("restore: out of memory", NULL);
	memcpy(copy, fz_g.image, (size_t)fz_g.image_len);
	/*
	 * No statement prepared against the image about to be freed may
	 * survive it: the store keeps its prepared statements between calls.
	 */
	dt_sql_cache_clear(fz_g.s);
	if (sqlite3_deserialize(FZ_SQLITE, "main", copy, fz_g.image_len, room,
				SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) !=
	    SQLITE_OK)
		fz_die("restore", NULL);
	/*
	 * The store maps its file (PRAGMA mmap_size).  On the memory database
	 * that mapping crashed SQLite 3.40 in sqlite3VdbeExec after some writes
	 * and restores (the dispatcher harness, replayed); a memory database
	 * gains nothing from it.
	 */
	if (sqlite3_exec(FZ_SQLITE, "PRAGMA mmap_size = 0", NULL, NULL, NULL) != SQLITE_OK)
		fz_die("mmap_size", NULL);
}

static void fz_cleanup(void)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	if (fz_g.s) {
		dt_store_close(fz_g.s);
		fz_g.s = NULL;
	}
	if (!fz_g.path[0])
		return;
	for (size_t i = 0; i < DT_ARRAY_SIZE(suffix); i++) {
		char p[160];
		snprintf(p, sizeof(p), "%s%s", fz_g.path, suffix[i]);
		unlink(p);
	}
	rmdir(fz_g.dir);
}

/* Keep the database as it is now as the image each input starts from. */
static inline void fz_save_image(void)
{
	sqlite3_free(fz_g.image);
	fz_g.image = sqlite3_serialize(FZ_SQLITE, "main", &fz_g.image_len, 0);
	if (!fz_g.image || fz_g.image_len < 100)
		fz_die("serialize", NULL);
	/* a WAL database's header says so (write/read versions 2); memory has no WAL */
	fz_g.image[18] = fz_g.image[19] = 1;
}

/*
 * The shared store: made on the first call, with @trainees demo trainees
 * (0: none, only reference data).  Exits on failure: a harness without its
 * store would report nothing useful.
 */
static inline struct dt_store *fz_store(int64_t trainees)
{
	if (fz_g.s)
		return fz_g.s;
	struct dt_strbuf err = DT_STRBUF_INIT;
	fz_env();
	if (dt_secret_init() != DT_OK)
		fz_die("libsodium", NULL);
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fz_g.dir, sizeof(fz_g.dir), "%s/dt_fuzz.XXXXXX", base);
	if (!mkdtemp(fz_g.dir))
		fz_die("mkdtemp", NULL);
	snprintf(fz_g.path, sizeof(fz_g.path), "%s/dualtrack.db", fz_g.dir);
	atexit(fz_cleanup);
	unsigned char m[32];
	for (int i = 0; i < 32; i++)
		m[i] = (unsigned char)(17 + i * 5 + 1);
	dt_keys_from_master(m, &fz_g.keys);
	fz_g.actor.login = "fuzz";
	struct dt_refdata_stats st;
	if (dt_store_open(&fz_g.s, fz_g.path, &fz_g.keys, DT_STORE_CREATE, &err) != DT_OK ||
	    dt_refdata_load_builtin(fz_g.s, &fz_g.actor, DT_REF_REGIONS, &st, &err) != DT_OK ||
	    dt_refdata_load_builtin(fz_g.s, &fz_g.actor, DT_REF_OCCUPATIONS, &st, &err) != DT_OK)
		fz_die("store", &err);
	if (trainees > 0) {
		struct dt_demo_opts o = { 7, trainees, NULL, NULL };
		struct dt_demo_stats ds;
		if (dt_demo_generate(fz_g.s, &fz_g.actor, &o, &ds, &err) != DT_OK)
			fz_die("demo", &err);
	}
	dt_store_snapshot_end(fz_g.s);
	if (dt_sql_exec(fz_g.s, "PRAGMA wal_checkpoint(TRUNCATE)", &err) != DT_OK)
		fz_die("checkpoint", &err);
	fz_save_image();
	if (getenv("FZ_VERBOSE"))
		fprintf(stderr, "fuzz: database image of %lld bytes\n", (long long)fz_g.image_len);
	fz_restore();
	sqlite3_commit_hook(FZ_SQLITE, fz_commit_hook, &fz_g);
	dt_strbuf_release(&err);
	return fz_g.s;
}

/* Start an input. */
static inline void fz_input_begin(void)
{
	fz_g.in_input = true;
	fz_g.committed = false;
}

/* End an input: roll back what is open. */
static inline void fz_input_end(void)
{
	dt_store_snapshot_end(fz_g.s);
	dt_store_rollback(fz_g.s);
	fz_g.in_input = false;
	if (fz_g.committed)
		fz_restore();
}

/* An integer from SQL on the shared store (set-up only; 0 when there is no row). */
static inline int64_t fz_sql_int(const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 0;
	if (sqlite3_prepare_v2(FZ_SQLITE, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s\n", sqlite3_errmsg(FZ_SQLITE));
		fz_die(sql, NULL);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Callers for the harnesses that go through the dispatcher: one account
 * per role with an API token, and the admin's browser session (cookie and
 * CSRF token).  In an input, "@A" (admin), "@N" (national), "@C" (city
 * official of Shenyang), "@S" (a school in Shenyang), "@E" (an enterprise),
 * "@T" (a trainee) and "@I" (an inspector) stand for their tokens, "@K"
 * for the admin's session cookie value and "@X" for its CSRF token.
 */
struct fz_caller {
	char mark;
	const char *role;
	const char *scope_sql;    /* the scope as `user add` takes it, from SQL; NULL: none */
	const char *scope_prefix; /* before the number: "org:", "trainee:" or "" */
	char token[DT_TOKEN_LEN];
	char csrf[DT_TOKEN_LEN];
};

static struct fz_caller fz_callers[] = {
	{ 'A', "admin", NULL, NULL, "", "" },
	{ 'N', "national", NULL, NULL, "", "" },
	{ 'C', "city", "SELECT 210100", "", "", "" },
	{ 'S', "school",
	  "SELECT id FROM organization WHERE kind = 'school' AND region BETWEEN 210000 AND 219999 "
	  "ORDER BY id LIMIT 1",
	  "org:", "", "" },
	{ 'E', "enterprise",
	  "SELECT id FROM organization WHERE kind = 'enterprise' AND region BETWEEN 210000 AND "
	  "219999 ORDER BY id LIMIT 1",
	  "org:", "", "" },
	{ 'T', "trainee", "SELECT id FROM trainee ORDER BY id LIMIT 1", "trainee:", "", "" },
	{ 'I', "inspector", "SELECT 210000", "", "", "" },
	{ 'K', NULL, NULL, NULL, "", "" }, /* the admin's session */
	{ 'X', NULL, NULL, NULL, "", "" }, /* its CSRF token */
};

/* Make the callers' accounts and credentials (set-up; after fz_store()). */
static inline void fz_make_callers(void)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	int64_t admin = 0;
	for (size_t i = 0; i < DT_ARRAY_SIZE(fz_callers) && fz_callers[i].role; i++) {
		struct fz_caller *c = &fz_callers[i];
		char login[32], scope[64] = "";
		snprintf(login, sizeof(login), "fuzz-%s", c->role);
		if (c->scope_sql)
			snprintf(scope, sizeof(scope), "%s%lld", c->scope_prefix,
				 (long long)fz_sql_int(c->scope_sql));
		int64_t id = 0, cred = 0;
		if (dt_store_account_add(fz_g.s, &fz_g.actor, login, c->role,
					 c->scope_sql ? scope : NULL, "Fz-7r!q9#Lm2$Vx-long-enough",
					 &id, &err) != DT_OK ||
		    dt_store_credential_create(fz_g.s, &fz_g.actor, id, "token", 86400 * 3650,
					       c->token, NULL, &cred, &err) != DT_OK)
			fz_die(login, &err);
		if (!admin)
			admin = id;
	}
	struct fz_caller *k = &fz_callers[DT_ARRAY_SIZE(fz_callers) - 2];
	int64_t cred = 0;
	if (dt_store_credential_create(fz_g.s, &fz_g.actor, admin, "session", 86400 * 3650,
				       k->token, k[1].token, &cred, &err) != DT_OK)
		fz_die("session", &err);
	fz_save_image();
	dt_strbuf_release(&err);
}

/* @data with "@A" ... "@X" replaced by the callers' secrets, into @out. */
static inline void fz_expand_callers(const uint8_t *data, size_t size, struct dt_strbuf *out)
{
	for (size_t i = 0; i < size; i++) {
		const struct fz_caller *hit = NULL;
		for (size_t k = 0; i + 1 < size && data[i] == '@' && k < DT_ARRAY_SIZE(fz_callers);
		     k++)
			if (data[i + 1] == (uint8_t)fz_callers[k].mark)
				hit = &fz_callers[k];
		if (hit) {
			dt_strbuf_adds(out, hit->token);
			i++;
		} else {
			dt_strbuf_addch(out, (char)data[i]);
		}
	}
}

/* A NUL-terminated copy of @data (malloc'd; the fuzzer's buffer has no NUL). */
static inline char *fz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Take @n bytes off the front of the input (0 when it is shorter). */
static inline unsigned fz_take(const uint8_t **data, size_t *size)
{
	if (!*size)
		return 0;
	unsigned v = **data;
	(*data)++;
	(*size)--;
	return v;
}

/* Abort, naming the harness's file and line, when an oracle's promise is broken. */
#define FZ_CHECK(cond)                                                                             \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
