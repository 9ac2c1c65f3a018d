/*
 * banned.h - functions that must not be used in dualtrack.
 *
 * Each is redefined to an undeclared identifier so that a call fails to
 * compile.  Use the strbuf API instead of the string functions, dt_parse_int()
 * instead of atoi(), and gmtime_r()/localtime_r() instead of their non
 * reentrant forms.  Included last by every .c file through core/common.h.
 */
#ifndef DT_BANNED_H
#define DT_BANNED_H

#define DT_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) DT_BANNED(strcpy)
#undef strcat
#define strcat(x, y) DT_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) DT_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) DT_BANNED(strncat)
#undef sprintf
#define sprintf(...) DT_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) DT_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) DT_BANNED(strtok)
#undef atoi
#define atoi(x) DT_BANNED(atoi)
#undef atol
#define atol(x) DT_BANNED(atol)
#undef atoll
#define atoll(x) DT_BANNED(atoll)
#undef gets
#define gets(x) DT_BANNED(gets)
#undef localtime
#define localtime(x) DT_BANNED(localtime)
#undef gmtime
#define gmtime(x) DT_BANNED(gmtime)
#undef asctime
#define asctime(x) DT_BANNED(asctime)
#undef ctime
#define ctime(x) DT_BANNED(ctime)

#endif
