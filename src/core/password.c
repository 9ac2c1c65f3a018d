/*
 * password.c - the password rule of password.h over libpwquality.
 *
 * libpwquality's own messages are English only; the reasons a user can act
 * on get a Chinese wording here, and the rest keep the library's English
 * after a Chinese "too simple".  cracklib keeps static state while it
 * reads its dictionary, so checks are serialised by a mutex (they are rare:
 * adding an account, changing a password).
 */
#include <pthread.h>
#include <pwquality.h>
#include <string.h>
#include <strings.h>

#include "core/password.h"
#include "core/utf8.h"
#include "core/banned.h"

static pthread_mutex_t pwq_mu = PTHREAD_MUTEX_INITIALIZER;

/* Is @s, compared without case, @t backwards? */
static bool reversed_of(const char *s, const char *t)
{
	size_t n = strlen(s);
	if (n != strlen(t))
		return false;
	for (size_t i = 0; i < n; i++)
		if (strncasecmp(s + i, t + n - 1 - i, 1))
			return false;
	return true;
}

enum dt_err dt_password_check(const char *password, const char *login, struct dt_strbuf *err)
{
	static const char *const options[] = {
		"minlen=8",   "dcredit=0",   "ucredit=0",   "lcredit=0",   "ocredit=0",
		"minclass=0", "dictcheck=1", "usercheck=0", "maxrepeat=0", "maxsequence=0",
	};
	size_t n = password ? strlen(password) : 0;
	size_t chars = password && dt_utf8_valid(password, n, NULL) ? dt_utf8_len(password) : n;
	if (chars < DT_PASSWORD_MIN)
		return dt_error(err, DT_EINVAL,
				"password: 密码太短，至少 %d 个字符 (at least %d characters)",
				DT_PASSWORD_MIN, DT_PASSWORD_MIN);
	if (n > DT_PASSWORD_MAX)
		return dt_error(err, DT_EINVAL,
				"password: 密码太长，至多 %d 字节 (at most %d bytes)",
				DT_PASSWORD_MAX, DT_PASSWORD_MAX);
	if (login && (!strcasecmp(password, login) || reversed_of(password, login)))
		return dt_error(err, DT_EINVAL,
				"password: 密码不能是登录名 (must not be the login name)");

	int rc = DT_OK;
	void *aux = NULL;
	char why[PWQ_MAX_ERROR_MESSAGE_LEN];
	pthread_mutex_lock(&pwq_mu);
	pwquality_settings_t *pwq = pwquality_default_settings();
	if (!pwq) {
		rc = dt_error(err, DT_ENOMEM, "out of memory checking the password");
		goto out;
	}
	for (size_t i = 0; i < DT_ARRAY_SIZE(options); i++)
		pwquality_set_option(pwq, options[i]);
	int score = pwquality_check(pwq, password, NULL, NULL, &aux);
	if (score >= 0)
		goto out;
	pwquality_strerror(why, sizeof(why), score, aux);
	switch (score) {
	case PWQ_ERROR_CRACKLIB_CHECK:
		rc = dt_error(
			err, DT_EINVAL,
			"password: 密码太常见或基于字典词，容易被猜中 (too common or based on a "
			"dictionary word: %s)",
			why);
		break;
	case PWQ_ERROR_MEM_ALLOC:
	case PWQ_ERROR_FATAL_FAILURE:
		rc = dt_error(err, DT_ENOMEM, "password: the check failed: %s", why);
		break;
	default: rc = dt_error(err, DT_EINVAL, "password: 密码太简单 (too simple: %s)", why); break;
	}
out:
	pwquality_free_settings(pwq);
	pthread_mutex_unlock(&pwq_mu);
	return rc;
}
