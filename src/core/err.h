/*
 * err.h - the one error enum of dualtrack.
 *
 * Every function that can fail returns an enum dt_err (DT_OK == 0).  The code
 * says what kind of failure it was; the human detail (which field, which row,
 * which argument) travels in a caller-supplied struct dt_strbuf *err.
 */
#ifndef DT_ERR_H
#define DT_ERR_H

enum dt_err {
	DT_OK = 0,
	DT_EINVAL,    /* invalid input: a field, value or argument breaks a rule */
	DT_ENOTFOUND, /* no such object (or outside the caller's scope) */
	DT_ECONFLICT, /* duplicate, or a state that refuses the change */
	DT_EDENIED,   /* not permitted */
	DT_ENOMEM,    /* out of memory, or a buffer reached its size cap */
	DT_EIO,       /* file or system call failed */
	DT_EDB,       /* database error */
	DT_ECRYPTO,   /* key missing or wrong, decryption failed */
	DT_ECORRUPT,  /* stored data fails its own checks (audit chain, schema) */
	DT_EUSAGE,    /* the command line was not understood */
	DT_EINTERNAL, /* a bug */
};

/** Return a static English description of @e (never NULL). */
const char *dt_strerror(enum dt_err e);

/** The CLI exit status for @e: 0 ok, 1 invalid input, 2 usage, 3 internal. */
int dt_err_exit_status(enum dt_err e);

#endif
