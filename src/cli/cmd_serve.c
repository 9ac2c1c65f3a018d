/*
 * cmd_serve.c - `dualtrack serve`: the HTTP API over the database.
 *
 * The command only checks its arguments, loads the key file and hands over
 * to dt_server_run(), whose worker threads each open their own store
 * connection (a struct dt_store is not shared between threads).  Before
 * that, the store is opened once here and closed again: a missing database
 * or a key file of another database is reported like any other command
 * reports it, before the "serving" line is printed, and pending migrations
 * run once instead of in every worker at the same moment.
 *
 * The address is bound once here as a probe (see probe_listen()), so that a
 * port in use is reported as such, with exit 1, before anything is printed.
 * With --checkpoint-every MINUTES the server signs the audit chain's head
 * with the signing key (see `audit checkpoint`) on that schedule into
 * --checkpoint-dir (default: checkpoints/ beside the database), published at
 * GET /api/v1/audit/checkpoints.  Without it, an existing signing key is
 * still loaded so that POST /api/v1/audit/checkpoints/verify can check
 * checkpoints against it by default.
 *
 * The server runs until SIGTERM or SIGINT and exits 0 after a graceful
 * shutdown; any other start-up failure exits with the status of its error.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/cli.h"
#include "portal/portal.h"
#include "core/num.h"
#include "core/sign.h"
#include "engine/anchor.h"
#include "engine/deliver.h"
#include "engine/jobs.h"
#include "engine/watch.h"
#include "http/app.h"
#include "http/http.h"
#include "core/banned.h"

#define DEFAULT_PORT 8080
#define DEFAULT_MAX_BODY ((int64_t)1 << 20)
#define MAX_BODY_LIMIT ((int64_t)1 << 30)
#define MAX_THREADS 256
#define DEFAULT_MAX_UPLOAD ((int64_t)CLI_IMPORT_FILE_MAX) /* imports (POST /api/v1/imports) */
#define JOB_THREADS 2
#define IO_TIMEOUT_MS 30000

/*
 * Parse @opt's HOST:PORT @arg (--listen, --metrics-listen) into @host (a
 * dotted quad; "localhost" becomes 127.0.0.1) and @port.  CLI_CONTINUE or
 * 2 after a usage message.
 */
static int parse_listen(const char *opt, const char *arg, struct dt_strbuf *host, int *port)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct in_addr addr;
	int64_t n = 0;
	int rc = CLI_CONTINUE;
	const char *colon = strrchr(arg, ':');

	if (!colon || colon == arg || !colon[1]) {
		rc = cli_usage_error("%s: %s is not HOST:PORT (e.g. 127.0.0.1:8080)", opt,
				     cli_quote(arg));
		goto out;
	}
	dt_strbuf_reset(host);
	dt_strbuf_add(host, arg, (size_t)(colon - arg));
	if (!strcmp(host->buf, "localhost")) {
		dt_strbuf_reset(host);
		dt_strbuf_adds(host, "127.0.0.1");
	}
	if (inet_pton(AF_INET, host->buf, &addr) != 1) {
		rc = cli_usage_error("%s: %s is not an IPv4 address (a.b.c.d or localhost)", opt,
				     cli_quote(host->buf));
		goto out;
	}
	char what[48];
	snprintf(what, sizeof(what), "%s port", opt);
	if ((rc = cli_int_arg(what, colon + 1, 1, 65535, &n)) != CLI_CONTINUE)
		goto out;
	*port = (int)n;
out:
	dt_strbuf_release(&err);
	return rc;
}

/*
 * Bind @host:@port once without SO_REUSEPORT, then let it go.  The server's
 * listeners share their port through SO_REUSEPORT, so a second dualtrack
 * serve on the same port would bind too and the kernel would split the
 * connections between the two; this bind fails instead while any listener
 * holds the port.  A port that cannot be bound (taken, privileged, an
 * address not on this host) is the caller's --listen to change: exit 1.
 */
static int probe_listen(const char *opt, const char *host, int port)
{
	struct sockaddr_in sa;
	int one = 1, rc = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		cli_error("socket: %s", strerror(errno));
		return 3;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, host, &sa.sin_addr);
	/* SO_REUSEADDR: a port left in TIME_WAIT by the previous run is free */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (const struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		const char *msg = strerror(e);
		cli_error("%s %s:%d: %c%s%s", opt, host, port, tolower((unsigned char)msg[0]),
			  msg[0] ? msg + 1 : "",
			  e == EADDRINUSE ? " (another server listens there)"
			  : e == EACCES   ? " (ports below 1024 need privileges)"
					  : "");
		rc = 1;
	}
	close(fd);
	return rc;
}

/*
 * Check --public-url: http:// or https://, a host, and nothing after the
 * authority but an optional "/".  CLI_CONTINUE or 2 after a usage message.
 */
static int check_public_url(const char *u)
{
	const char *rest = !strncasecmp(u, "https://", 8)  ? u + 8
			   : !strncasecmp(u, "http://", 7) ? u + 7
							   : NULL;
	if (!rest || !*rest || *rest == '/' || strpbrk(rest, "?#@ \t") ||
	    (strchr(rest, '/') && strcmp(strchr(rest, '/'), "/")))
		return cli_usage_error(
			"--public-url: %s is not http[s]://HOST[:PORT] (the address users "
			"reach the server at, e.g. https://dualtrack.example.gov.cn)",
			cli_quote(u));
	return CLI_CONTINUE;
}

/*
 * --metrics-token-file: the token /metrics asks for, the file's first line.
 * At least 16 visible ASCII characters, so that a guess is hopeless.  0 or
 * a usage/error status.
 */
static int load_metrics_token(const char *path)
{
	struct dt_strbuf tok = DT_STRBUF_INIT;
	int rc = 0;

	if ((rc = cli_read_file(path, &tok)))
		goto out;
	char *nl = memchr(tok.buf, '\n', tok.len);
	if (nl)
		dt_strbuf_setlen(&tok, (size_t)(nl - tok.buf));
	while (tok.len && (tok.buf[tok.len - 1] == '\r' || tok.buf[tok.len - 1] == ' '))
		dt_strbuf_setlen(&tok, tok.len - 1);
	for (size_t i = 0; i < tok.len; i++) {
		if (tok.buf[i] <= ' ' || tok.buf[i] > '~') {
			rc = cli_usage_error("--metrics-token-file %s: the token has a blank or a "
					     "non-ASCII character at %zu",
					     cli_quote(path), i + 1);
			goto out;
		}
	}
	if (tok.len < 16) {
		rc = cli_usage_error("--metrics-token-file %s: the token must be at least 16 "
				     "characters (it has %zu)",
				     cli_quote(path), tok.len);
		goto out;
	}
	dt_app_set_metrics_token(tok.buf);
out:
	dt_strbuf_release(&tok);
	return rc;
}

/* The number of worker threads dt_server_run() will start for @threads. */
static int effective_threads(int threads)
{
	if (threads > 0)
		return threads;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-body", required_argument, NULL, 'm' },
		{ "max-upload", required_argument, NULL, 'U' },
		{ "checkpoint-every", required_argument, NULL, 'C' },
		{ "checkpoint-dir", required_argument, NULL, 'D' },
		{ "signing-key", required_argument, NULL, 'S' },
		{ "public-url", required_argument, NULL, 'P' },
		{ "trust-proxy", no_argument, NULL, 'X' },
		{ "metrics-token-file", required_argument, NULL, 'M' },
		{ "metrics-listen", required_argument, NULL, 'L' },
		{ "smtp-url", required_argument, NULL, 'E' },
		{ "mail-from", required_argument, NULL, 'F' },
		{ "webhook-url", required_argument, NULL, 'W' },
		{ "notify-lease", required_argument, NULL, 'N' },
		{ "portal-rate", required_argument, NULL, 'R' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT, host = DT_STRBUF_INIT, mhost = DT_STRBUF_INIT;
	int mport = 0;
	struct dt_server_opts so;
	struct dt_http_app app;
	struct dt_app_config cfg = { NULL, false };
	struct dt_strbuf public_url = DT_STRBUF_INIT;
	int port = DEFAULT_PORT, threads = 0;
	int64_t max_body = DEFAULT_MAX_BODY, max_upload = DEFAULT_MAX_UPLOAD, n = 0, every = 0;
	const char *cp_dir = NULL, *skey_arg = NULL;
	char *skey = NULL;
	struct dt_strbuf dir = DT_STRBUF_INIT;
	struct dt_sign_key sk;
	bool have_sk = false, anchored = false, delivering = false;
	struct dt_deliver_config dcfg = { 0 };
	int64_t lease = 60, portal_rate = 600;
	int c, rc = CLI_CONTINUE;
	const char *metrics_token_file = NULL;

	dt_strbuf_adds(&host, "127.0.0.1");
	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		switch (c) {
		case 'l': rc = parse_listen("--listen", optarg, &host, &port); break;
		case 'L': rc = parse_listen("--metrics-listen", optarg, &mhost, &mport); break;
		case 't':
			rc = cli_int_arg("--threads", optarg, 0, MAX_THREADS, &n);
			threads = (int)n;
			break;
		case 'm':
			rc = cli_int_arg("--max-body", optarg, 1, MAX_BODY_LIMIT, &max_body);
			break;
		case 'U':
			rc = cli_int_arg("--max-upload", optarg, 1, MAX_BODY_LIMIT * 4,
					 &max_upload);
			break;
		case 'C':
			rc = cli_int_arg("--checkpoint-every", optarg, 1, 7 * 24 * 60, &every);
			break;
		case 'D': cp_dir = optarg; break;
		case 'S': skey_arg = optarg; break;
		case 'P':
			if ((rc = check_public_url(optarg)) == CLI_CONTINUE) {
				dt_strbuf_reset(&public_url);
				dt_strbuf_adds(&public_url, optarg);
				if (public_url.len && public_url.buf[public_url.len - 1] == '/')
					dt_strbuf_setlen(&public_url, public_url.len - 1);
			}
			break;
		case 'X': cfg.trust_proxy = true; break;
		case 'M': metrics_token_file = optarg; break;
		case 'E': dcfg.smtp_url = optarg; break;
		case 'F': dcfg.mail_from = optarg; break;
		case 'W': dcfg.webhook_url = optarg; break;
		case 'N': rc = cli_int_arg("--notify-lease", optarg, 2, 3600, &lease); break;
		case 'R':
			rc = cli_int_arg("--portal-rate", optarg, 0, 1000000, &portal_rate);
			break;
		default: rc = cli_common_opt(c, &db); break;
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 0, 0, "")) != CLI_CONTINUE)
		goto out;
	if (!dt_strbuf_ok(&host)) {
		cli_error("out of memory");
		rc = 3;
		goto out;
	}

	if (metrics_token_file && (rc = load_metrics_token(metrics_token_file)))
		goto out;
	dcfg.lease_ms = lease * 1000;
	if (dt_deliver_configure(&dcfg, &err) != DT_OK) {
		rc = cli_usage_error("%s", err.buf);
		goto out;
	}

	/* Missing database, wrong key, pending migrations: settled before serving. */
	if ((rc = cli_db_open(&db)))
		goto out;
	/* The signing key: required to take checkpoints, used if present to check them. */
	if (!(skey = cli_signing_key_path(&db, skey_arg))) {
		cli_error("out of memory");
		rc = 3;
		goto out;
	}
	if (every || skey_arg || access(skey, F_OK) == 0) {
		dt_strbuf_reset(&err);
		if (dt_sign_key_load(skey, &sk, &err) == DT_OK) {
			have_sk = true;
		} else if (every || skey_arg) {
			rc = cli_fail(DT_ECRYPTO, &err);
			goto out;
		} else {
			/* only a default for checking checkpoints: serve without it */
			cli_error(
				"warning: %s; checkpoints are verified only against a given public key",
				err.buf);
		}
	}
	if (cp_dir) {
		dt_strbuf_adds(&dir, cp_dir);
	} else {
		const char *slash = dt_store_is_pgsql(db.db_path) ? NULL : strrchr(db.db_path, '/');
		if (slash)
			dt_strbuf_add(&dir, db.db_path, (size_t)(slash - db.db_path + 1));
		dt_strbuf_adds(&dir, "checkpoints");
	}
	dt_anchor_config(cp_dir || every ? dir.buf : NULL, have_sk ? &sk : NULL);
	dt_store_close(db.store);
	db.store = NULL;

	if ((rc = probe_listen("--listen", host.buf, port)))
		goto out;
	if (mport && mport == port) {
		rc = cli_usage_error("--metrics-listen: port %d is the --listen port; give another",
				     port);
		goto out;
	}
	if (mport && (rc = probe_listen("--metrics-listen", mhost.buf, mport)))
		goto out;

	memset(&so, 0, sizeof(so));
	so.host = host.buf;
	so.port = port;
	so.threads = threads;
	so.max_body = (size_t)max_body;
	so.max_upload = (size_t)max_upload;
	so.db_path = db.db_path;
	so.keys = db.have_keys ? &db.keys : NULL;
	so.io_timeout_ms = IO_TIMEOUT_MS;
	so.metrics_host = mport ? mhost.buf : NULL;
	so.metrics_port = mport;
	dt_app_init(&app);
	cfg.public_url = public_url.len ? public_url.buf : NULL;
	dt_app_configure(&cfg);
	struct dt_portal_config pcfg = { (unsigned)portal_rate };
	dt_portal_configure(&pcfg);

	printf("dualtrack serving http://%s:%d (%d thread%s, database %s)\n", host.buf, port,
	       effective_threads(threads), effective_threads(threads) == 1 ? "" : "s", db.db_shown);
	if (mport)
		printf("dualtrack metrics on http://%s:%d/metrics\n", mhost.buf, mport);
	fflush(stdout);
	dt_strbuf_reset(&err);
	/* Background jobs (imports) run beside the HTTP workers until the server stops. */
	rc = dt_jobs_start(db.db_path, so.keys, JOB_THREADS, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	/* The alert rules run after changes (1 s after the last write) and daily. */
	if ((rc = dt_watch_start(db.db_path, so.keys, 1000, &err)) != DT_OK) {
		dt_jobs_stop();
		rc = cli_fail(rc, &err);
		goto out;
	}
	/* Revocations made through other servers of the same PostgreSQL database. */
	if ((rc = dt_fanout_start(db.db_path, so.keys, &err)) != DT_OK) {
		dt_watch_stop();
		dt_jobs_stop();
		rc = cli_fail(rc, &err);
		goto out;
	}
	if (every) {
		if ((rc = dt_anchor_start(db.db_path, so.keys, (int)every, &err)) != DT_OK) {
			dt_fanout_stop();
			dt_watch_stop();
			dt_jobs_stop();
			rc = cli_fail(rc, &err);
			goto out;
		}
		anchored = true;
	}
	/* Notifications: the outbox drained by e-mail and webhook, findings due daily. */
	if (!dcfg.public_url)
		dcfg.public_url = cfg.public_url;
	if ((rc = dt_deliver_start(db.db_path, so.keys, &dcfg, &err)) != DT_OK) {
		if (anchored)
			dt_anchor_stop();
		anchored = false;
		dt_fanout_stop();
		dt_watch_stop();
		dt_jobs_stop();
		rc = cli_fail(rc, &err);
		goto out;
	}
	delivering = true;
	rc = dt_server_run(&so, &app, &err);
	dt_deliver_stop();
	delivering = false;
	dt_anchor_stop();
	anchored = false;
	dt_fanout_stop();
	dt_watch_stop();
	dt_jobs_stop();
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	rc = 0;
out:
	if (delivering)
		dt_deliver_stop();
	if (anchored)
		dt_anchor_stop();
	dt_anchor_config(NULL, NULL);
	dt_sign_key_clear(&sk);
	free(skey);
	dt_strbuf_release(&dir);
	cli_db_close(&db);
	dt_strbuf_release(&host);
	dt_strbuf_release(&public_url);
	dt_strbuf_release(&mhost);
	dt_strbuf_release(&err);
	return rc;
}
