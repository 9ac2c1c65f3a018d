/*
 * err.c - descriptions and exit statuses of enum dt_err.
 */
#include "core/err.h"
#include "core/banned.h"

const char *dt_strerror(enum dt_err e)
{
	switch (e) {
	case DT_OK: return "ok";
	case DT_EINVAL: return "invalid input";
	case DT_ENOTFOUND: return "not found";
	case DT_ECONFLICT: return "conflict";
	case DT_EDENIED: return "permission denied";
	case DT_ENOMEM: return "out of memory";
	case DT_EIO: return "input/output error";
	case DT_EDB: return "database error";
	case DT_ECRYPTO: return "key or encryption error";
	case DT_ECORRUPT: return "stored data is corrupt";
	case DT_EUSAGE: return "usage error";
	case DT_EINTERNAL: return "internal error";
	}
	return "unknown error";
}

int dt_err_exit_status(enum dt_err e)
{
	switch (e) {
	case DT_OK: return 0;
	case DT_EINVAL:
	case DT_ENOTFOUND:
	case DT_ECONFLICT:
	case DT_EDENIED:
	case DT_ECRYPTO: /* a wrong or missing key file is the caller's input */
	case DT_ECORRUPT: return 1;
	case DT_EUSAGE: return 2;
	default: return 3;
	}
}
