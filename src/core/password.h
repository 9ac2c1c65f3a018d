/*
 * password.h - what a password must be before it is hashed and stored:
 * long enough, not the login, and not one a guesser tries first.
 *
 * The guessing part is libpwquality's, with cracklib's dictionary (Debian:
 * libpwquality-dev, cracklib-runtime): common passwords, dictionary words
 * and their simple variants, keyboard and digit runs, palindromes.  The
 * settings are fixed here, not read from /etc/security/pwquality.conf, so
 * that every machine accepts the same passwords.
 */
#ifndef DT_PASSWORD_H
#define DT_PASSWORD_H

#include "core/common.h"

#define DT_PASSWORD_MIN 8    /* characters */
#define DT_PASSWORD_MAX 1024 /* bytes */

/**
 * DT_OK when @password may be set for account @login (NULL: not known yet);
 * else DT_EINVAL with one line in @err, "password: " then the reason in
 * Chinese and in English.  Thread-safe.
 */
enum dt_err dt_password_check(const char *password, const char *login, struct dt_strbuf *err);

#endif
