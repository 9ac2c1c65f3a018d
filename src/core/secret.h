/*
 * secret.h - the key file, field encryption and keyed blind indexes.
 *
 * A key file holds one 32-byte master key as 64 hex digits and a newline; it
 * is made by dt_keys_create_file() with mode 0600 and never stored in the
 * database.  Sub-keys are derived with crypto_kdf (libsodium): one for
 * secretbox encryption of personal fields, one for blind indexes (keyed
 * BLAKE2b), one for the fingerprint the database keeps to tell a wrong key
 * from a right one.
 */
#ifndef DT_SECRET_H
#define DT_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

#define DT_BLIND_LEN 16            /* bytes of a blind index */
#define DT_SEAL_OVERHEAD (24 + 16) /* nonce + MAC added by dt_secret_seal */
#define DT_FINGERPRINT_HEX 33      /* 16 bytes as hex + NUL */

struct dt_keys {
	unsigned char enc[32];
	unsigned char idx[32];
	char fingerprint[DT_FINGERPRINT_HEX];
};

/** Call once before anything else here (sodium_init); DT_ECRYPTO on failure. */
enum dt_err dt_secret_init(void);
/** Create @path with a new random key, mode 0600; refuses to overwrite. */
enum dt_err dt_keys_create_file(const char *path, struct dt_strbuf *err);
/** Read @path and derive the sub-keys into @k. Errors name the path. */
enum dt_err dt_keys_load_file(const char *path, struct dt_keys *k, struct dt_strbuf *err);
/** Derive sub-keys from a raw 32-byte master key (tests use this). */
void dt_keys_from_master(const unsigned char master[32], struct dt_keys *k);
/** Wipe @k. */
void dt_keys_clear(struct dt_keys *k);

/**
 * Encrypt @len bytes of @plain into @out, which must hold
 * len + DT_SEAL_OVERHEAD bytes (nonce || MAC || ciphertext).
 */
void dt_secret_seal(const struct dt_keys *k, const void *plain, size_t len, unsigned char *out);
/**
 * Decrypt @len bytes of @sealed into @out (len - DT_SEAL_OVERHEAD bytes).
 * DT_ECRYPTO if the MAC does not verify (wrong key or tampered data).
 */
enum dt_err dt_secret_open(const struct dt_keys *k, const unsigned char *sealed, size_t len,
			   void *out);
/** Keyed hash of @s for look-up and uniqueness without the plaintext. */
void dt_secret_blind(const struct dt_keys *k, const char *s, size_t len,
		     unsigned char out[DT_BLIND_LEN]);

/* ---- passwords and bearer tokens ---- */

#define DT_PWHASH_LEN 128 /* crypto_pwhash_STRBYTES */
#define DT_TOKEN_LEN 44   /* 32 random bytes, URL-safe base64, no padding, + NUL */
#define DT_TOKEN_HASH_HEX 65
#define DT_TOKEN_DIGEST_LEN 32

/**
 * Hash @password with argon2id (interactive limits) into @out.  DT_ENOMEM
 * if the machine cannot spare the memory.
 */
enum dt_err dt_password_hash(const char *password, char out[DT_PWHASH_LEN]);
/**
 * True if @password matches @hash (constant time).  False for a NULL @hash
 * or one that is no argon2id hash (e.g. "!" for an account that has none),
 * after the same work as a real verification.
 */
bool dt_password_verify(const char *hash, const char *password);
/**
 * A hash of no one's password with the same parameters, to verify against
 * when a login is unknown so that it costs what a known one costs.  Made
 * once (thread-safe); NULL if the memory for it could not be had.
 */
const char *dt_password_dummy_hash(void);
/** A new random bearer token (URL-safe base64). */
void dt_token_new(char out[DT_TOKEN_LEN]);
/** The hex BLAKE2b-256 of @token: what the database stores. */
void dt_token_hash(const char *token, char out[DT_TOKEN_HASH_HEX]);
/** The same BLAKE2b-256 of @token in binary (dt_token_hash() is its hex). */
void dt_token_digest(const char *token, unsigned char out[DT_TOKEN_DIGEST_LEN]);

/** write() all of @len bytes to @fd, retrying on EINTR and short writes; false on an error. */
bool dt_write_all(int fd, const void *data, size_t len);

#endif
