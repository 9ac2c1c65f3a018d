/*
 * anchor.h - signed checkpoints of the audit chain taken by the server on a
 * schedule (`serve --checkpoint-every MINUTES --checkpoint-dir DIR`) and
 * published through GET /api/v1/audit/checkpoints.
 *
 * A thread with its own database connection verifies the chain and signs
 * its head (core/sign.h) every few minutes when the head has moved, and
 * writes it as DIR/checkpoint-<event>.txt (written whole, then renamed).
 * The files are the publication: a province or the nation copies them, and
 * `dualtrack audit verify --against FILE` checks the chain against any of
 * them later.
 */
#ifndef DT_ANCHOR_H
#define DT_ANCHOR_H

#include <jansson.h>
#include <stdbool.h>

#include "core/secret.h"
#include "core/sign.h"
#include "core/strbuf.h"

struct dt_store;

/**
 * Set what the API publishes and verifies with: the checkpoint directory
 * @dir (may be NULL: none) and the server's signing key @key (may be NULL:
 * none; copied).  Call before the server starts.
 */
void dt_anchor_config(const char *dir, const struct dt_sign_key *key);
/**
 * Start the thread that takes a checkpoint of the database at @path every
 * @minutes (and once at start) when the head has moved.  Needs the key and
 * the directory of dt_anchor_config().
 */
enum dt_err dt_anchor_start(const char *path, const struct dt_keys *keys, int minutes,
			    struct dt_strbuf *err);
/** Take one checkpoint now on @s (when the head moved since the last); DT_OK or the error. */
enum dt_err dt_anchor_take(struct dt_store *s, struct dt_strbuf *err);
/** Stop and join the thread (no-op when not started); wipes the key. */
void dt_anchor_stop(void);
/** The server's public key, when it has a signing key. */
bool dt_anchor_public_key(unsigned char pk[DT_SIGN_PK_LEN]);
/**
 * The published checkpoints, newest first, at most @limit: a new JSON array
 * of {file, event, hash, time, database, fingerprint, text}.  Files that do
 * not parse or verify are left out.
 */
json_t *dt_anchor_list(int limit);

#endif
