/*
 * sign.h - the audit signing key and signed checkpoints of the audit chain.
 *
 * A signing key is an Ed25519 key pair (libsodium crypto_sign) kept in its
 * own file, apart from the database and from the data key: 64 lowercase hex
 * digits of the 32-byte seed and a newline, mode 0600.  Whoever can write
 * the database cannot forge a checkpoint without it, and whoever keeps the
 * public key (a province, the nation) can check one without it.
 *
 * A checkpoint is a small text file (docs/ARCHITECTURE.md, "The audit
 * trail"): one "name: value" line each, signed over every byte before the
 * signature line:
 *
 *   dualtrack audit checkpoint v1
 *   event: 1234
 *   hash: <64 hex digits: the hash of event 1234>
 *   time: 2026-11-26T10:00:00.000Z
 *   database: <the database's data-key fingerprint, or ->
 *   key: <64 hex digits: the Ed25519 public key>
 *   fingerprint: <32 hex digits: BLAKE2b-128 of the public key>
 *   signature: <128 hex digits: Ed25519 over the lines above>
 */
#ifndef DT_SIGN_H
#define DT_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

#define DT_SIGN_PK_LEN 32
#define DT_SIGN_PK_HEX 65      /* 64 hex digits + NUL */
#define DT_SIGN_FPR_HEX 33     /* 16 bytes as hex + NUL */
#define DT_SIGN_SIG_HEX 129    /* 64 bytes as hex + NUL */
#define DT_CHECKPOINT_MAX 4096 /* a checkpoint file is never longer */

struct dt_sign_key {
	unsigned char pk[DT_SIGN_PK_LEN];
	unsigned char sk[64];
	char pk_hex[DT_SIGN_PK_HEX];
	char fingerprint[DT_SIGN_FPR_HEX];
};

/** Create @path with a new Ed25519 seed, mode 0600; refuses to overwrite (DT_ECONFLICT). */
enum dt_err dt_sign_key_create(const char *path, struct dt_strbuf *err);
/** Read @path into @k (refused when group or others may read it). Errors name the path. */
enum dt_err dt_sign_key_load(const char *path, struct dt_sign_key *k, struct dt_strbuf *err);
/** Wipe @k. */
void dt_sign_key_clear(struct dt_sign_key *k);
/** The fingerprint of public key @pk: BLAKE2b-128, as hex. */
void dt_sign_fingerprint(const unsigned char pk[DT_SIGN_PK_LEN], char out[DT_SIGN_FPR_HEX]);
/**
 * A public key given as 64 hex digits, or as the name of a file holding
 * them (what `audit pubkey` prints).  DT_EINVAL naming @what otherwise.
 */
enum dt_err dt_sign_pubkey_parse(const char *text, unsigned char pk[DT_SIGN_PK_LEN],
				 const char *what, struct dt_strbuf *err);

/** The head of the audit chain as a checkpoint states it. */
struct dt_checkpoint {
	int64_t event;     /* the event id (0: an empty chain) */
	char hash[65];     /* its hash */
	char time[32];     /* when the checkpoint was taken */
	char database[65]; /* "-" when unknown */
	unsigned char pk[DT_SIGN_PK_LEN];
	char fingerprint[DT_SIGN_FPR_HEX];
	unsigned char sig[64];
};

/**
 * Append the checkpoint text of @cp (event, hash, time, database filled in)
 * signed with @k to @out; @cp's key, fingerprint and signature are set.
 */
void dt_checkpoint_sign(struct dt_checkpoint *cp, const struct dt_sign_key *k,
			struct dt_strbuf *out);
/**
 * Parse checkpoint text (@len bytes) into @cp and check its signature
 * against the key it names, and that key against @pk (NULL: any key).
 * DT_EINVAL for a malformed text, DT_ECRYPTO for a bad signature or a key
 * other than @pk; @err says which line or why.
 */
enum dt_err dt_checkpoint_parse(const char *text, size_t len, const unsigned char *pk,
				struct dt_checkpoint *cp, struct dt_strbuf *err);

#endif
