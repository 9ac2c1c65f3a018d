/*
 * db_pgsql.c - the PostgreSQL driver behind db.h (libpq): several servers on
 * one database.
 *
 * The store's "?" placeholders become $1..$n at prepare (outside quotes,
 * comments and dollar-quoted bodies).  Nothing reaches the server until the
 * first step: the first run of a statement with a given signature of
 * parameter types goes unnamed (PQexecParams), and a second run prepares it
 * under a name unique on the connection ("dt<n>") and executes that from
 * then on - so a statement run once leaves nothing behind on the server,
 * and a cached one is parsed and planned once.  Parameters carry types from
 * their bindings: an int64 is int8, a double float8 (both sent in binary,
 * exact), a blob bytea (binary), text and NULL "unknown", which the server
 * infers from where the parameter stands.  A binding of another type on a
 * later run makes another variant of the statement.
 *
 * Results come back whole, in text format, and stay with their statement
 * until it is done or reset, so several statements may be walked at once on
 * one connection.  Column types come from the result's type OIDs (a numeric
 * is an INTEGER when its text is integral: sum() of a bigint is numeric);
 * bytea arrives as hex text and is decoded on demand into a buffer per
 * column that lives until the next step.
 *
 * Sent runs (db.h) use libpq's pipeline mode: dt_db_send() enters it and
 * queues the run's Bind and Execute without waiting; the first
 * dt_db_receive(), or anything else run on the connection, ends the
 * pipeline with a Sync, which sends everything queued in one write, and
 * takes in the results of every run sent, in order, into the connection's
 * queue of sent runs.  A run whose variant is not prepared yet is prepared
 * first, outside the pipeline (once per statement and connection); past
 * MAX_SENT runs the queue is taken in before more are sent.  A run that
 * fails inside a pipeline makes the later ones of the same pipeline fail
 * too, as a failed statement does to the rest of a transaction.
 *
 * Errors are classed by SQLSTATE.  A connection that broke (the server
 * restarted) fails the statement that found it; the next statement
 * reconnects, unless a transaction was open when it broke: then every
 * statement fails until the store's ROLLBACK, which reconnects, so no
 * statement of a lost transaction is mistaken for one that committed.
 * Statements prepared before are prepared again; LISTENs and the lock
 * timeout are restored; advisory locks are not (they died with the
 * session).
 *
 * What the SQL given to it must respect, beyond the common subset of db.h:
 * - one statement per prepare (a script goes to dt_db_exec); no PRAGMA, no
 *   BEGIN IMMEDIATE (BEGIN, with the locks taken by SELECT ... FOR UPDATE);
 *   a read snapshot over several statements needs BEGIN ISOLATION LEVEL
 *   REPEATABLE READ (BEGIN alone gives each statement its own);
 * - an int64 parameter is a bigint: where a function or operator wants an
 *   integer (substr, round, date + n) write CAST(? AS INTEGER), and compare
 *   a text column with text, not with an integer;
 * - a parameter whose type nothing around it tells (NULL bound to
 *   "? IS NULL") needs a CAST(? AS type);
 * - a statement that fails inside a transaction aborts the transaction:
 *   only ROLLBACK, or ROLLBACK TO a savepoint taken before it, goes on;
 * - "?" is a placeholder anywhere outside quotes and comments (not the
 *   jsonb ? operators);
 * - SQL errors show at the first step, not at prepare.
 */
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/log.h"
#include "store/db_internal.h"
#include "core/banned.h"

/* Type OIDs (the server's pg_type_d.h; fixed since PostgreSQL 7). */
enum {
	OID_BOOL = 16,
	OID_BYTEA = 17,
	OID_INT8 = 20,
	OID_INT2 = 21,
	OID_INT4 = 23,
	OID_TEXT = 25,
	OID_OID = 26,
	OID_FLOAT4 = 700,
	OID_FLOAT8 = 701,
	OID_VARCHAR = 1043,
	OID_NUMERIC = 1700,
};

/* Variants of one statement past this are run unnamed, never prepared. */
#define MAX_VARIANTS 16
/* Runs sent and not yet taken in, at most (a pipeline's results stay well within socket buffers). */
#define MAX_SENT 256

struct pg_stmt;
struct pg_variant;

/* A run sent (dt_db_send), waiting to be received. */
struct pg_sent {
	struct pg_stmt *st;   /* NULL once its statement was finalized */
	struct pg_variant *v; /* the prepared variant it ran, or NULL */
	PGresult *res;        /* once taken in; NULL then if the connection failed */
	bool got;             /* taken in from the server */
};

struct pg {
	struct dt_db base;
	PGconn *c;
	int64_t changes;
	unsigned next_id;         /* prepared statements are named "dt<next_id>" */
	unsigned gen;             /* bumped at each reconnection */
	bool in_txn;              /* a transaction was open after the last command */
	int lock_ms;              /* the busy timeout set, -1 if none */
	struct dt_strbuf listens; /* channels listened on, each followed by a NUL */
	bool pipeline;            /* in libpq's pipeline mode: runs sent since the last Sync */
	struct pg_sent *sent;     /* runs sent, oldest at sent[sent_head] */
	size_t sent_head, nsent, sent_cap;
	struct copy_types *copy_types; /* the binary forms of columns copied into (copies) */
};

/* One signature of parameter types of a statement. */
struct pg_variant {
	struct pg_variant *next;
	unsigned id;   /* named "dt<id>" once prepared */
	unsigned gen;  /* the connection's generation when prepared */
	bool seen;     /* run once, unnamed */
	bool prepared; /* prepared as "dt<id>" */
	Oid types[];
};

struct pg_param {
	char bin[8];           /* an int8 or float8, big-endian */
	struct dt_strbuf copy; /* text copied at the binding, NUL-terminated */
};

/* A bytea cell decoded, valid while stamp is its statement's. */
struct pg_cell {
	struct dt_strbuf blob;
	uint64_t stamp;
};

struct pg_stmt {
	struct dt_db_stmt base;
	char *sql; /* with $1..$n */
	int nparams;
	bool bad_bind; /* a binding could not be copied: the next step fails */
	/* What PQexec* takes, one slot per parameter. */
	Oid *types;
	const char **values;
	int *lengths;
	int *formats;
	struct pg_param *params;
	int nvariants;
	struct pg_variant *variants;
	int nsent; /* its runs in the connection's queue of sent runs */
	/* The run in progress: its rows, and the one read. */
	PGresult *res;
	bool running;
	int row, nrows;
	uint64_t stamp; /* one per step: tells decoded cells of older rows */
	struct pg_cell *cells;
	int ncells;
};

#define PG(db) ((struct pg *)(db))

static void pg_copy_types_free(struct pg *p);
#define PST(s) ((struct pg_stmt *)(s))

/* ---- messages ------------------------------------------------------------ */

/* Append @msg to @out on one line: newlines and tabs become single spaces, no trailing space. */
static void add_oneline(struct dt_strbuf *out, const char *msg)
{
	bool space = false;
	for (const char *p = msg; p && *p; p++) {
		if (*p == '\n' || *p == '\t' || *p == '\r') {
			space = out->len > 0;
			continue;
		}
		if (space)
			dt_strbuf_addch(out, ' ');
		space = false;
		dt_strbuf_addch(out, *p);
	}
}

/*
 * The password of @uri as written in it ("user:PASSWORD@host"), as a span;
 * NULL if none.
 */
static const char *uri_password(const char *uri, size_t *n)
{
	const char *start = strstr(uri, "://");
	if (!start)
		return NULL;
	start += 3;
	size_t end = strcspn(start, "/?");
	const char *at = NULL;
	for (size_t i = 0; i < end; i++)
		if (start[i] == '@')
			at = start + i;
	if (!at)
		return NULL;
	const char *colon = memchr(start, ':', (size_t)(at - start));
	if (!colon || colon + 1 == at)
		return NULL;
	*n = (size_t)(at - colon - 1);
	return colon + 1;
}

/* Append @s to @out with every occurrence of @secret (@n bytes) as "***". */
static void add_scrubbed(struct dt_strbuf *out, const char *s, const char *secret, size_t n)
{
	while (*s) {
		if (n && !strncmp(s, secret, n)) {
			dt_strbuf_adds(out, "***");
			s += n;
		} else {
			dt_strbuf_addch(out, *s++);
		}
	}
}

/*
 * @uri as shown in a message: a password written in it, before the host or
 * as "password=", is "***".
 */
static void add_uri_shown(struct dt_strbuf *out, const char *uri)
{
	size_t n = 0;
	const char *pw = uri_password(uri, &n);
	for (const char *p = uri; *p;) {
		if (p == pw) {
			dt_strbuf_adds(out, "***");
			p += n;
		} else if ((p[0] == '?' || p[0] == '&') && !strncmp(p + 1, "password=", 9)) {
			dt_strbuf_add(out, p, 10);
			dt_strbuf_adds(out, "***");
			p += 10;
			p += strcspn(p, "&");
		} else {
			dt_strbuf_addch(out, *p++);
		}
	}
}

void dt_db_uri_shown(const char *uri, struct dt_strbuf *out)
{
	if (dt_db_is_pgsql(uri))
		add_uri_shown(out, uri);
	else
		dt_strbuf_adds(out, uri);
}

/* libpq's message for @uri's connection, on one line, without the URI's password. */
static void add_conn_message(struct dt_strbuf *out, const char *uri, const char *msg)
{
	struct dt_strbuf line = DT_STRBUF_INIT;
	add_oneline(&line, msg);
	size_t n = 0;
	const char *pw = uri_password(uri, &n);
	add_scrubbed(out, line.buf, pw, pw ? n : 0);
	dt_strbuf_release(&line);
}

/* ---- errors -------------------------------------------------------------- */

static bool ident_start(int c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static bool ident_char(int c)
{
	return ident_start(c) || isdigit(c) || c == '$';
}

/*
 * One item of a unique key's column list ("a", "\"A b\"", "COALESCE(region,
 * 0::bigint)"): the first name in it that is neither a function's nor a
 * type's.
 */
static void key_column(const char *p, const char *end, struct dt_strbuf *cols)
{
	bool after_cast = false;
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || ident_start(c)) {
			const char *s = p, *e;
			if (c == '"') {
				s = ++p;
				while (p < end && *p != '"')
					p++;
				e = p;
				if (p < end)
					p++;
			} else {
				while (p < end && ident_char((unsigned char)*p))
					p++;
				e = p;
			}
			const char *q = p;
			while (q < end && *q == ' ')
				q++;
			if (!after_cast && (q == end || *q != '(')) {
				if (cols->len)
					dt_strbuf_addch(cols, ',');
				dt_strbuf_add(cols, s, (size_t)(e - s));
				return;
			}
			after_cast = false;
		} else if (c == ':' && p + 1 < end && p[1] == ':') {
			after_cast = true;
			p += 2;
		} else if (c == '\'') {
			for (p++; p < end && *p != '\''; p++)
				;
			p++;
		} else {
			if (c != ' ')
				after_cast = false;
			p++;
		}
	}
}

/*
 * The columns of a unique violation's DETAIL, "Key (a, b)=(1, 2) already
 * exists.": "a,b".
 */
static void unique_cols(const char *detail, struct dt_strbuf *cols)
{
	const char *p = detail ? strstr(detail, "Key (") : NULL;
	if (!p)
		return;
	p += 5;
	const char *item = p;
	int depth = 0;
	bool quoted = false;
	for (; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		if (quoted)
			continue;
		if (*p == '(') {
			depth++;
		} else if (*p == ')' && depth) {
			depth--;
		} else if ((*p == ',' && !depth) || *p == ')') {
			key_column(item, p, cols);
			if (*p == ')')
				return;
			item = p + 1;
		}
	}
}

static enum dt_db_errclass class_of(const char *state)
{
	if (!state || strlen(state) != 5)
		return DT_DBE_OTHER;
	if (!strcmp(state, "23505"))
		return DT_DBE_UNIQUE;
	if (!strcmp(state, "23503"))
		return DT_DBE_FOREIGN_KEY;
	if (!strncmp(state, "23", 2))
		return DT_DBE_CONSTRAINT;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01"))
		return DT_DBE_SERIAL;
	if (!strcmp(state, "55P03") || !strcmp(state, "57014"))
		return DT_DBE_BUSY;
	return DT_DBE_OTHER;
}

/*
 * Record the failure of @res (NULL: libpq could not even make one) on @p.
 * The message is the primary one only: a DETAIL may quote the values of a
 * row (a national ID number in a duplicate key).
 */
static void note_error(struct pg *p, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	struct dt_strbuf line = DT_STRBUF_INIT, cols = DT_STRBUF_INIT;
	if (!msg && res && *PQresultErrorMessage(res))
		msg = PQresultErrorMessage(res);
	if (!msg)
		msg = PQerrorMessage(p->c);
	add_oneline(&line, msg && *msg ? msg : "unknown PostgreSQL error");
	enum dt_db_errclass cls = class_of(state);
	if (cls == DT_DBE_UNIQUE)
		unique_cols(PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL), &cols);
	dt_db_set_error(&p->base, cls, line.buf, cols.buf);
	dt_strbuf_release(&line);
	dt_strbuf_release(&cols);
}

/* Did @res succeed?  If not, record why. */
static bool result_ok(struct pg *p, const PGresult *res)
{
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY: return true;
	default: note_error(p, res); return false;
	}
}

/* After a command: is a transaction open?  (Unknown on a broken connection: as it was.) */
static void note_txn(struct pg *p)
{
	PGTransactionStatusType ts = PQtransactionStatus(p->c);
	if (ts != PQTRANS_UNKNOWN)
		p->in_txn = ts != PQTRANS_IDLE;
}

/* ---- the connection ------------------------------------------------------ */

/* Notices (a WARNING such as "there is no transaction in progress") go to the debug log. */
static void on_notice(void *arg, const char *msg)
{
	(void)arg;
	dt_debug("postgresql: %s", msg);
}

/*
 * What a connection is set to after it opens or reconnects: how values are
 * written (bytea as hex, floats exact, dates ISO in UTC, backslashes plain in
 * '...' as the placeholder rewriting assumes), the lock timeout, the channels
 * listened on.
 */
static bool setup_session(struct pg *p)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	/* whatever the server's defaults: values read and written the same on every server */
	dt_strbuf_adds(&sql, "SET bytea_output = hex; SET standard_conforming_strings = on; "
			     "SET extra_float_digits = 3; SET DateStyle = 'ISO, YMD'; "
			     "SET IntervalStyle = iso_8601; SET TimeZone = 'UTC'");
	if (p->lock_ms >= 0)
		dt_strbuf_addf(&sql, "; SET lock_timeout = %d", p->lock_ms ? p->lock_ms : 1);
	for (size_t off = 0; off < p->listens.len; off += strlen(p->listens.buf + off) + 1)
		dt_strbuf_addf(&sql, "; LISTEN %s", p->listens.buf + off);
	bool ok = false;
	if (dt_strbuf_ok(&sql)) {
		PGresult *res = PQexec(p->c, sql.buf);
		ok = result_ok(p, res);
		PQclear(res);
	} else {
		dt_db_set_error(&p->base, DT_DBE_OTHER, "out of memory", NULL);
	}
	dt_strbuf_release(&sql);
	return ok;
}

/* Is @sql a ROLLBACK of the whole transaction ("ROLLBACK", "ROLLBACK TRANSACTION", "ABORT")? */
static bool is_rollback(const char *sql)
{
	while (isspace((unsigned char)*sql))
		sql++;
	size_t n = strcspn(sql, " \t\r\n;");
	if (!((n == 8 && !strncasecmp(sql, "ROLLBACK", 8)) ||
	      (n == 5 && !strncasecmp(sql, "ABORT", 5))))
		return false;
	for (sql += n; *sql && *sql != ';'; sql++)
		if (!strncasecmp(sql, " TO", 3) || !strncasecmp(sql, "\tTO", 3))
			return false;
	return true;
}

/*
 * Make sure @p has a working connection before running @sql: reconnect one
 * that broke, unless a transaction was lost with it and @sql is not its
 * ROLLBACK.  False (the error recorded) if there is none.
 */
static void take_in(struct pg *p);

static bool alive(struct pg *p, const char *sql)
{
	take_in(p); /* no synchronous command while a pipeline is open */
	if (PQstatus(p->c) == CONNECTION_OK)
		return true;
	if (p->in_txn && !is_rollback(sql)) {
		dt_db_set_error(
			&p->base, DT_DBE_OTHER,
			"the connection to the server was lost in a transaction; roll it back",
			NULL);
		return false;
	}
	PQreset(p->c);
	if (PQstatus(p->c) != CONNECTION_OK) {
		note_error(p, NULL);
		return false;
	}
	p->gen++;
	p->in_txn = false;
	dt_warn("postgresql: reconnected to the server");
	return setup_session(p);
}

static void pg_close(struct dt_db *db)
{
	struct pg *p = PG(db);
	for (size_t i = p->sent_head; i < p->sent_head + p->nsent; i++)
		PQclear(p->sent[i].res);
	free(p->sent);
	pg_copy_types_free(p);
	PQfinish(p->c);
	dt_strbuf_release(&p->listens);
	free(p);
}

/* Rows changed, when @res is an INSERT, UPDATE, DELETE or MERGE. */
static void count_changes(struct pg *p, const PGresult *res)
{
	const char *tag = PQcmdStatus((PGresult *)res);
	if (!strncmp(tag, "INSERT ", 7) || !strncmp(tag, "UPDATE ", 7) ||
	    !strncmp(tag, "DELETE ", 7) || !strncmp(tag, "MERGE ", 6))
		p->changes = strtoll(PQcmdTuples((PGresult *)res), NULL, 10);
}

static enum dt_err pg_exec(struct dt_db *db, const char *sql, struct dt_strbuf *err)
{
	struct pg *p = PG(db);
	pg_copy_types_free(
		p); /* schema changes (migrations) run here: the copies' types may change */
	if (!alive(p, sql))
		return dt_error(err, DT_EDB, "database error: %s", dt_db_errmsg(db));
	PGresult *res = PQexec(p->c, sql);
	bool ok = result_ok(p, res);
	note_txn(p);
	if (ok)
		count_changes(p, res); /* of the last statement, as SQLite counts */
	PQclear(res);
	if (!ok)
		return dt_error(err, DT_EDB, "database error: %s", dt_db_errmsg(db));
	return DT_OK;
}

/* ---- placeholders -------------------------------------------------------- */

/* From the quote at @p, past its closing quote (a doubled quote stays inside). */
static const char *skip_quoted(const char *p, bool backslash)
{
	char q = *p++;
	while (*p) {
		if (backslash && *p == '\\' && p[1]) {
			p += 2;
		} else if (*p == q) {
			if (p[1] != q)
				return p + 1;
			p += 2;
		} else {
			p++;
		}
	}
	return p;
}

/* From "/" "*" at @p, past the comment's end (they nest). */
static const char *skip_comment(const char *p)
{
	int depth = 0;
	while (*p) {
		if (p[0] == '/' && p[1] == '*') {
			depth++;
			p += 2;
		} else if (p[0] == '*' && p[1] == '/') {
			p += 2;
			if (!--depth)
				return p;
		} else {
			p++;
		}
	}
	return p;
}

/* The length of the dollar-quote tag at @p ("$$", "$body$"), 0 if there is none. */
static size_t dollar_tag(const char *p)
{
	size_t i = 1;
	if (ident_start((unsigned char)p[1]))
		while (ident_char((unsigned char)p[i]) && p[i] != '$')
			i++;
	return p[i] == '$' ? i + 1 : 0;
}

/* See db_internal.h. */
int dt_db_pgsql_rewrite(const char *sql, struct dt_strbuf *out)
{
	int n = 0;
	const char *p = sql;
	while (*p) {
		const char *from = p;
		size_t tag;
		bool word_before = p > sql && ident_char((unsigned char)p[-1]);
		if (*p == '\'') {
			/* E'...' takes backslash escapes */
			bool e = p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
				 (p - 1 == sql || !ident_char((unsigned char)p[-2]));
			p = skip_quoted(p, e);
		} else if (*p == '"') {
			p = skip_quoted(p, false);
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			p = skip_comment(p);
		} else if (*p == '$' && !word_before && (tag = dollar_tag(p)) > 0) {
			const char *end = NULL;
			for (const char *q = p + tag; *q && !end; q++)
				if (*q == '$' && !strncmp(q, p, tag))
					end = q + tag;
			p = end ? end : p + strlen(p);
		} else if (*p == '?') {
			/* As SQLite numbers them: ?NNN is parameter NNN, a bare ? the next after the highest yet */
			int k = 0;
			p++;
			while (*p >= '0' &&
			       *p <= '9') /* too many digits: 100000, refused at prepare */
				if ((k = k * 10 + (*p++ - '0')) > 100000)
					k = 100000;
			if (!k)
				k = n + 1;
			if (k > n)
				n = k;
			dt_strbuf_addch(out, '$');
			dt_strbuf_addint(out, k, 0);
			continue;
		} else {
			p++;
		}
		dt_strbuf_add(out, from, (size_t)(p - from));
	}
	return n;
}

/* ---- statements ---------------------------------------------------------- */

static struct dt_db_stmt *pg_prepare(struct dt_db *db, const char *sql, struct dt_strbuf *err)
{
	struct dt_strbuf text = DT_STRBUF_INIT;
	int n = dt_db_pgsql_rewrite(sql, &text);
	struct pg_stmt *st = calloc(1, sizeof(*st));
	if (!dt_strbuf_ok(&text) || !st)
		goto oom;
	st->base.db = db;
	st->nparams = n;
	st->sql = dt_strbuf_detach(&text, NULL);
	if (!st->sql)
		goto oom;
	if (n) {
		st->types = calloc((size_t)n, sizeof(*st->types));
		st->values = calloc((size_t)n, sizeof(*st->values));
		st->lengths = calloc((size_t)n, sizeof(*st->lengths));
		st->formats = calloc((size_t)n, sizeof(*st->formats));
		st->params = calloc((size_t)n, sizeof(*st->params));
		if (!st->types || !st->values || !st->lengths || !st->formats || !st->params)
			goto oom;
		for (int i = 0; i < n; i++)
			dt_strbuf_init(&st->params[i].copy, 0);
	}
	return &st->base;
oom:
	dt_strbuf_release(&text);
	if (st) {
		st->base.db = db;
		db->ops->finalize(&st->base);
	}
	dt_error(err, DT_ENOMEM, "out of memory (preparing: %.200s)", sql);
	return NULL;
}

static void clear_run(struct pg_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->running = false;
}

static void pg_finalize(struct dt_db_stmt *s)
{
	struct pg_stmt *st = PST(s);
	struct pg *p = PG(s->db);
	clear_run(st);
	take_in(p); /* a DEALLOCATE below cannot go into a pipeline */
	if (st->nsent) {
		for (size_t i = p->sent_head; i < p->sent_head + p->nsent; i++)
			if (p->sent[i].st == st)
				p->sent[i].st = NULL, p->sent[i].v = NULL; /* dropped at the head */
	}
	/* Drop its prepared variants while the session is usable (else they go with it). */
	PGTransactionStatusType ts = PQtransactionStatus(p->c);
	bool can = PQstatus(p->c) == CONNECTION_OK && (ts == PQTRANS_IDLE || ts == PQTRANS_INTRANS);
	for (struct pg_variant *v = st->variants, *next; v; v = next) {
		next = v->next;
		if (can && v->prepared && v->gen == p->gen) {
			char sql[32];
			snprintf(sql, sizeof(sql), "DEALLOCATE dt%u", v->id);
			PQclear(PQexec(p->c, sql));
		}
		free(v);
	}
	for (int i = 0; st->params && i < st->nparams; i++)
		dt_strbuf_release(&st->params[i].copy);
	for (int i = 0; i < st->ncells; i++)
		dt_strbuf_release(&st->cells[i].blob);
	free(st->cells);
	free(st->params);
	free(st->formats);
	free(st->lengths);
	free(st->values);
	free(st->types);
	free(st->sql);
	free(st);
}

static void pg_reset(struct dt_db_stmt *s)
{
	struct pg_stmt *st = PST(s);
	clear_run(st);
	for (int i = 0; i < st->nparams; i++) {
		st->types[i] = 0;
		st->values[i] = NULL;
		st->lengths[i] = 0;
		st->formats[i] = 0;
	}
	st->bad_bind = false;
}

/* Parameter @i (from 1), or NULL past the statement's. */
static struct pg_param *param(struct pg_stmt *st, int i)
{
	return i >= 1 && i <= st->nparams ? &st->params[i - 1] : NULL;
}

static void set_param(struct pg_stmt *st, int i, Oid type, const char *value, int len, int fmt)
{
	st->types[i - 1] = type;
	st->values[i - 1] = value;
	st->lengths[i - 1] = len;
	st->formats[i - 1] = fmt;
}

static void pg_bind_null(struct dt_db_stmt *s, int i)
{
	if (param(PST(s), i))
		set_param(PST(s), i, 0, NULL, 0, 0);
}

static void bind_be64(struct pg_stmt *st, int i, Oid type, uint64_t u)
{
	struct pg_param *pp = param(st, i);
	if (!pp)
		return;
	u = htobe64(u);
	memcpy(pp->bin, &u, sizeof(u));
	set_param(st, i, type, pp->bin, 8, 1);
}

static void pg_bind_int64(struct dt_db_stmt *s, int i, int64_t v)
{
	bind_be64(PST(s), i, OID_INT8, (uint64_t)v);
}

static void pg_bind_double(struct dt_db_stmt *s, int i, double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof(u));
	bind_be64(PST(s), i, OID_FLOAT8, u);
}

static void pg_bind_text(struct dt_db_stmt *s, int i, const char *str, int n, bool copy)
{
	struct pg_stmt *st = PST(s);
	struct pg_param *pp = param(st, i);
	if (!pp)
		return;
	if (!str) {
		set_param(st, i, 0, NULL, 0, 0);
		return;
	}
	/* Text goes NUL-terminated: a length, or a copy, needs the copy. */
	if (n >= 0 || copy) {
		dt_strbuf_reset(&pp->copy);
		dt_strbuf_add(&pp->copy, str, n >= 0 ? (size_t)n : strlen(str));
		if (!dt_strbuf_ok(&pp->copy))
			st->bad_bind = true;
		str = pp->copy.buf;
	}
	set_param(st, i, 0, str, 0, 0);
}

static void pg_bind_blob(struct dt_db_stmt *s, int i, const void *ptr, int n)
{
	struct pg_stmt *st = PST(s);
	if (!param(st, i))
		return;
	if (!ptr)
		set_param(st, i, 0, NULL, 0, 0);
	else
		set_param(st, i, OID_BYTEA, ptr, n < 0 ? 0 : n, 1);
}

/* The variant of @st for its bindings' types, made on first sight; NULL past MAX_VARIANTS. */
static struct pg_variant *variant(struct pg_stmt *st)
{
	size_t sz = (size_t)st->nparams * sizeof(Oid);
	for (struct pg_variant *v = st->variants; v; v = v->next)
		if (!sz || !memcmp(v->types, st->types, sz))
			return v;
	if (st->nvariants >= MAX_VARIANTS)
		return NULL;
	struct pg_variant *v = calloc(1, sizeof(*v) + sz);
	if (!v)
		return NULL;
	if (sz)
		memcpy(v->types, st->types, sz);
	v->next = st->variants;
	st->variants = v;
	st->nvariants++;
	return v;
}

/*
 * Execute @st as variant @v (NULL: unnamed, always): unnamed on its first
 * run, prepared on its second, then the prepared one.  The result, or NULL
 * (the error recorded) if it could not be prepared.
 */
static PGresult *execute(struct pg_stmt *st, struct pg_variant *v)
{
	struct pg *p = PG(st->base.db);
	char name[16];
	if (v && v->prepared && v->gen != p->gen)
		v->prepared = false; /* the session that had it is gone */
	if (v && v->seen && !v->prepared) {
		v->id = ++p->next_id;
		snprintf(name, sizeof(name), "dt%u", v->id);
		PGresult *res = PQprepare(p->c, name, st->sql, st->nparams, st->types);
		if (!result_ok(p, res)) {
			note_txn(p);
			PQclear(res);
			return NULL;
		}
		PQclear(res);
		v->prepared = true;
		v->gen = p->gen;
	}
	if (v && v->prepared) {
		snprintf(name, sizeof(name), "dt%u", v->id);
		return PQexecPrepared(p->c, name, st->nparams, st->values, st->lengths, st->formats,
				      0);
	}
	if (v)
		v->seen = true;
	return PQexecParams(p->c, st->sql, st->nparams, st->types, st->values, st->lengths,
			    st->formats, 0);
}

/*
 * Did a prepared statement fail because the tables under it changed shape
 * (another server's migration added a column to a "SELECT *")?
 */
static bool stale_plan(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	return state && !strcmp(state, "0A000") && msg && strstr(msg, "cached plan");
}

static bool take_result(struct pg_stmt *st, PGresult *res);

/* Run @st with its bindings; false (the error recorded) if it failed. */
static bool run(struct pg_stmt *st)
{
	struct pg *p = PG(st->base.db);
	if (st->bad_bind) {
		dt_db_set_error(&p->base, DT_DBE_OTHER, "out of memory binding a parameter", NULL);
		return false;
	}
	if (!alive(p, st->sql))
		return false;
	struct pg_variant *v = variant(st);
	bool was_prepared = v && v->prepared && v->gen == p->gen;
	PGresult *res = execute(st, v);
	if (!res)
		return false;
	if (was_prepared && stale_plan(res)) {
		/* prepare it anew: at once outside a transaction, else at the next run */
		char sql[32];
		snprintf(sql, sizeof(sql), "DEALLOCATE dt%u", v->id);
		v->prepared = false;
		note_txn(p);
		if (!p->in_txn) {
			PQclear(res);
			PQclear(PQexec(p->c, sql));
			res = execute(st, v);
			if (!res)
				return false;
		}
	}
	note_txn(p);
	return take_result(st, res);
}

/* Make @res (owned from here on) @st's run in progress; false (the error recorded) if it failed. */
static bool take_result(struct pg_stmt *st, PGresult *res)
{
	struct pg *p = PG(st->base.db);
	if (!result_ok(p, res)) {
		PQclear(res);
		return false;
	}
	count_changes(p, res);
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		int nf = PQnfields(res);
		if (nf > st->ncells) {
			struct pg_cell *cells = realloc(st->cells, (size_t)nf * sizeof(*cells));
			if (!cells) {
				PQclear(res);
				dt_db_set_error(&p->base, DT_DBE_OTHER, "out of memory", NULL);
				return false;
			}
			for (int i = st->ncells; i < nf; i++) {
				dt_strbuf_init(&cells[i].blob, (size_t)1 << 40);
				cells[i].stamp = 0;
			}
			st->cells = cells;
			st->ncells = nf;
		}
		st->res = res;
		st->nrows = PQntuples(res);
	} else {
		PQclear(res);
		st->nrows = 0;
	}
	return true;
}

static int pg_step(struct dt_db_stmt *s)
{
	struct pg_stmt *st = PST(s);
	if (!st->running) {
		if (!run(st))
			return DT_DB_ERROR;
		st->running = true;
		st->row = -1;
	}
	st->row++;
	st->stamp++;
	if (st->res && st->row < st->nrows)
		return DT_DB_ROW;
	clear_run(st); /* a further step runs it again, as SQLite's does */
	return DT_DB_DONE;
}

/* ---- sent runs ----------------------------------------------------------- */

/*
 * End @p's pipeline, if one is open: a Sync, then the results of every run
 * sent in it, in order, into the queue of sent runs.  A run whose result
 * does not come (the connection failed) gets none: receiving it fails.
 */
static void take_in(struct pg *p)
{
	if (!p->pipeline)
		return;
	p->pipeline = false;
	bool ok = PQpipelineSync(p->c) == 1;
	for (size_t i = p->sent_head; i < p->sent_head + p->nsent; i++) {
		struct pg_sent *e = &p->sent[i];
		if (e->got)
			continue;
		e->got = true;
		e->res = ok ? PQgetResult(p->c) : NULL;
		if (!e->res) {
			ok = false;
			continue;
		}
		/* a run's results end with a NULL */
		for (PGresult *more; (more = PQgetResult(p->c)) != NULL;)
			PQclear(more);
	}
	/* the Sync's own result; then the connection is free for other commands */
	for (int i = 0; ok && i < 4; i++) {
		PGresult *r = PQgetResult(p->c);
		bool sync = r && PQresultStatus(r) == PGRES_PIPELINE_SYNC;
		PQclear(r);
		if (sync || PQstatus(p->c) != CONNECTION_OK)
			break;
	}
	if (!PQexitPipelineMode(p->c) && PQstatus(p->c) == CONNECTION_OK)
		dt_warn("postgresql: cannot leave pipeline mode: %s", PQerrorMessage(p->c));
	note_txn(p);
}

/* Append a run of @st as @v to the queue of sent runs; false when out of memory. */
static bool queue_sent(struct pg *p, struct pg_stmt *st, struct pg_variant *v)
{
	if (p->sent_head + p->nsent == p->sent_cap) {
		if (p->sent_head) {
			memmove(p->sent, p->sent + p->sent_head, p->nsent * sizeof(*p->sent));
			p->sent_head = 0;
		} else {
			size_t cap = p->sent_cap ? 2 * p->sent_cap : 16;
			struct pg_sent *q = realloc(p->sent, cap * sizeof(*q));
			if (!q)
				return false;
			p->sent = q;
			p->sent_cap = cap;
		}
	}
	p->sent[p->sent_head + p->nsent++] = (struct pg_sent){ st, v, NULL, false };
	st->nsent++;
	return true;
}

static enum dt_err pg_send(struct dt_db_stmt *s, struct dt_strbuf *err)
{
	struct pg_stmt *st = PST(s);
	struct pg *p = PG(s->db);
	if (st->bad_bind) {
		dt_db_set_error(&p->base, DT_DBE_OTHER, "out of memory binding a parameter", NULL);
		goto fail;
	}
	if (p->nsent >= MAX_SENT)
		take_in(p);
	struct pg_variant *v = variant(st);
	if (v && v->prepared && v->gen != p->gen)
		v->prepared = false; /* the session that had it is gone */
	if (!p->pipeline) {
		if (!alive(p, st->sql))
			goto fail;
		if (v && !v->prepared) {
			/* prepared at once: the pipeline then carries its Bind and Execute only */
			char name[16];
			v->id = ++p->next_id;
			snprintf(name, sizeof(name), "dt%u", v->id);
			PGresult *res = PQprepare(p->c, name, st->sql, st->nparams, st->types);
			bool ok = result_ok(p, res);
			PQclear(res);
			note_txn(p);
			if (!ok)
				goto fail;
			v->prepared = v->seen = true;
			v->gen = p->gen;
		}
		if (!PQenterPipelineMode(p->c)) {
			note_error(p, NULL);
			goto fail;
		}
		p->pipeline = true;
	}
	if (!queue_sent(p, st, v && v->prepared ? v : NULL)) {
		dt_db_set_error(&p->base, DT_DBE_OTHER, "out of memory", NULL);
		goto fail;
	}
	int sent;
	if (v && v->prepared) {
		char name[16];
		snprintf(name, sizeof(name), "dt%u", v->id);
		sent = PQsendQueryPrepared(p->c, name, st->nparams, st->values, st->lengths,
					   st->formats, 0);
	} else {
		/* past MAX_VARIANTS (or a variant prepared in a pipeline still open): unnamed */
		sent = PQsendQueryParams(p->c, st->sql, st->nparams, st->types, st->values,
					 st->lengths, st->formats, 0);
	}
	if (!sent) {
		/* not queued by libpq: no result will come for it */
		p->nsent--;
		st->nsent--;
		note_error(p, NULL);
		goto fail;
	}
	return DT_OK;
fail:
	return dt_error(err, DT_EDB, "database error: %s", dt_db_errmsg(&p->base));
}

static int pg_receive(struct dt_db_stmt *s)
{
	struct pg_stmt *st = PST(s);
	struct pg *p = PG(s->db);
	clear_run(st);
	/* runs of statements finalized since are dropped */
	while (p->nsent && !p->sent[p->sent_head].st) {
		take_in(p);
		PQclear(p->sent[p->sent_head].res);
		p->sent_head++;
		p->nsent--;
	}
	if (!p->nsent || p->sent[p->sent_head].st != st) {
		dt_db_set_error(&p->base, DT_DBE_OTHER,
				"internal error: a sent run received out of order", NULL);
		return DT_DB_ERROR;
	}
	if (!p->sent[p->sent_head].got)
		take_in(p);
	struct pg_sent e = p->sent[p->sent_head++];
	if (!--p->nsent)
		p->sent_head = 0;
	st->nsent--;
	if (!e.res) {
		note_error(p, NULL);
		return DT_DB_ERROR;
	}
	if (e.v && stale_plan(e.res))
		e.v->prepared = false; /* prepared anew at its next run; this one fails */
	if (!take_result(st, e.res))
		return DT_DB_ERROR;
	st->running = true;
	st->row = -1;
	return pg_step(s);
}

/* ---- columns ------------------------------------------------------------- */

/* Column @i of the current row, NULL when SQL NULL or out of range. */
static const char *cell(struct pg_stmt *st, int i)
{
	if (!st->res || st->row < 0 || st->row >= st->nrows || i < 0 || i >= PQnfields(st->res) ||
	    PQgetisnull(st->res, st->row, i))
		return NULL;
	return PQgetvalue(st->res, st->row, i);
}

static int pg_column_count(struct dt_db_stmt *s)
{
	return PST(s)->res ? PQnfields(PST(s)->res) : 0;
}

static const char *pg_column_name(struct dt_db_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	return st->res && i >= 0 && i < PQnfields(st->res) ? PQfname(st->res, i) : NULL;
}

/* Is @v the text of an integer ("-12"), as a numeric without a fraction prints? */
static bool integral(const char *v)
{
	if (*v == '-')
		v++;
	if (!*v)
		return false;
	for (; *v; v++)
		if (!isdigit((unsigned char)*v))
			return false;
	return true;
}

static enum dt_db_type pg_column_type(struct dt_db_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	const char *v = cell(st, i);
	if (!v)
		return DT_DB_NULL;
	switch (PQftype(st->res, i)) {
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
	case OID_BOOL: return DT_DB_INTEGER;
	case OID_FLOAT4:
	case OID_FLOAT8: return DT_DB_FLOAT;
	case OID_NUMERIC: return integral(v) ? DT_DB_INTEGER : DT_DB_FLOAT;
	case OID_BYTEA: return DT_DB_BLOB;
	default: return DT_DB_TEXT;
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Column @i, a bytea, decoded from its hex text ("\x0a1b"), once per row; NULL if it fails. */
static struct pg_cell *decoded(struct pg_stmt *st, int i, const char *v)
{
	struct pg_cell *c = &st->cells[i];
	if (c->stamp == st->stamp)
		return c;
	dt_strbuf_reset(&c->blob);
	size_t len = (size_t)PQgetlength(st->res, st->row, i);
	if (len >= 2 && v[0] == '\\' && v[1] == 'x') {
		size_t n = (len - 2) / 2;
		if (!dt_strbuf_grow(&c->blob, n))
			return NULL;
		for (size_t k = 0; k < n; k++) {
			int hi = hexval((unsigned char)v[2 + 2 * k]),
			    lo = hexval((unsigned char)v[3 + 2 * k]);
			if (hi < 0 || lo < 0)
				return NULL;
			c->blob.buf[k] = (char)(hi << 4 | lo);
		}
		c->blob.len = n;
		c->blob.buf[n] = '\0';
	} else {
		/* the escape format: only if bytea_output was changed behind our back */
		size_t n = 0;
		unsigned char *raw = PQunescapeBytea((const unsigned char *)v, &n);
		if (!raw)
			return NULL;
		dt_strbuf_add(&c->blob, raw, n);
		PQfreemem(raw);
		if (!dt_strbuf_ok(&c->blob))
			return NULL;
	}
	c->stamp = st->stamp;
	return c;
}

static bool is_type(struct pg_stmt *st, int i, Oid type)
{
	return PQftype(st->res, i) == type;
}

static int64_t pg_column_int64(struct dt_db_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	const char *v = cell(st, i);
	if (!v)
		return 0;
	if (is_type(st, i, OID_BOOL))
		return *v == 't';
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E') {
		double d = strtod(v, NULL);
		if (d != d)
			return 0;
		if (d >= 9223372036854775807.0)
			return INT64_MAX;
		if (d <= -9223372036854775808.0)
			return INT64_MIN;
		return (int64_t)d;
	}
	return n;
}

static double pg_column_double(struct dt_db_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	const char *v = cell(st, i);
	if (!v)
		return 0.0;
	if (is_type(st, i, OID_BOOL))
		return *v == 't' ? 1.0 : 0.0;
	return strtod(v, NULL);
}

static const char *pg_column_text(struct dt_db_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	const char *v = cell(st, i);
	if (!v)
		return NULL;
	if (is_type(st, i, OID_BOOL))
		return *v == 't' ? "1" : "0";
	if (is_type(st, i, OID_BYTEA)) {
		struct pg_cell *c = decoded(st, i, v);
		return c ? c->blob.buf : NULL;
	}
	return v;
}

static const void *pg_column_blob(struct dt_db_stmt *s, int i)
{
	return pg_column_text(s, i);
}

static int pg_column_bytes(struct dt_db_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	const char *v = cell(st, i);
	if (!v)
		return 0;
	if (is_type(st, i, OID_BOOL))
		return 1;
	if (is_type(st, i, OID_BYTEA)) {
		struct pg_cell *c = decoded(st, i, v);
		return c ? (int)c->blob.len : 0;
	}
	return PQgetlength(st->res, st->row, i);
}

static int64_t pg_changes(struct dt_db *db)
{
	return PG(db)->changes;
}

/* ---- coordination -------------------------------------------------------- */

/* "SET lock_timeout" does not outlive a transaction rolled back: call it outside one. */
static void pg_busy_timeout(struct dt_db *db, int ms)
{
	struct pg *p = PG(db);
	char sql[48];
	p->lock_ms = ms < 0 ? 0 : ms;
	/* 0 turns PostgreSQL's timeout off: "do not wait" is the shortest one */
	snprintf(sql, sizeof(sql), "SET lock_timeout = %d", p->lock_ms ? p->lock_ms : 1);
	if (alive(p, sql)) {
		PGresult *res = PQexec(p->c, sql);
		result_ok(p, res);
		PQclear(res);
	}
}

/*
 * Run @sql (one statement, its parameters as text) outside the statement
 * cache; the result, or NULL with the error recorded and in @err.
 */
static PGresult *run_text(struct pg *p, const char *sql, int n, const char *const *values,
			  struct dt_strbuf *err)
{
	if (!alive(p, sql)) {
		dt_error(err, DT_EDB, "database error: %s", dt_db_errmsg(&p->base));
		return NULL;
	}
	PGresult *res = PQexecParams(p->c, sql, n, NULL, values, NULL, NULL, 0);
	note_txn(p);
	if (!result_ok(p, res)) {
		dt_error(err, DT_EDB, "database error: %s", dt_db_errmsg(&p->base));
		PQclear(res);
		return NULL;
	}
	return res;
}

static enum dt_err pg_try_lock(struct dt_db *db, int64_t key, bool *got, struct dt_strbuf *err)
{
	char k[24];
	snprintf(k, sizeof(k), "%lld", (long long)key);
	const char *values[1] = { k };
	*got = false;
	PGresult *res = run_text(PG(db), "SELECT pg_try_advisory_lock($1::bigint)", 1, values, err);
	if (!res)
		return DT_EDB;
	*got = PQntuples(res) == 1 && *PQgetvalue(res, 0, 0) == 't';
	PQclear(res);
	return DT_OK;
}

static void pg_unlock(struct dt_db *db, int64_t key)
{
	char k[24];
	snprintf(k, sizeof(k), "%lld", (long long)key);
	const char *values[1] = { k };
	PQclear(run_text(PG(db), "SELECT pg_advisory_unlock($1::bigint)", 1, values, NULL));
}

static enum dt_err pg_notify(struct dt_db *db, const char *channel, const char *payload,
			     struct dt_strbuf *err)
{
	const char *values[2] = { channel, payload ? payload : "" };
	PGresult *res = run_text(PG(db), "SELECT pg_notify($1, $2)", 2, values, err);
	if (!res)
		return DT_EDB;
	PQclear(res);
	return DT_OK;
}

/* A channel name that needs no quoting: [a-z_][a-z0-9_]*, at most 63 bytes. */
static bool channel_ok(const char *ch)
{
	size_t n = strlen(ch);
	if (!n || n > 63 || !(islower((unsigned char)ch[0]) || ch[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)ch[i]) || isdigit((unsigned char)ch[i]) ||
		      ch[i] == '_'))
			return false;
	return true;
}

static enum dt_err pg_listen(struct dt_db *db, const char *channel, struct dt_strbuf *err)
{
	struct pg *p = PG(db);
	if (!channel_ok(channel))
		return dt_error(err, DT_EINVAL, "%s: not a channel name ([a-z_][a-z0-9_]*)",
				channel);
	char sql[80];
	snprintf(sql, sizeof(sql), "LISTEN %s", channel);
	enum dt_err rc = pg_exec(db, sql, err);
	if (rc)
		return rc;
	for (size_t off = 0; off < p->listens.len; off += strlen(p->listens.buf + off) + 1)
		if (!strcmp(p->listens.buf + off, channel))
			return DT_OK;
	dt_strbuf_add(&p->listens, channel, strlen(channel) + 1);
	return DT_OK;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int pg_wait_notify(struct dt_db *db, int timeout_ms, struct dt_strbuf *payload)
{
	struct pg *p = PG(db);
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	/*
	 * A connection found broken answered -1 once (notifications may have
	 * been missed); the next wait reconnects and listens again.
	 */
	take_in(p);
	if (PQstatus(p->c) != CONNECTION_OK && !alive(p, ""))
		return -1;
	if (!PQconsumeInput(p->c))
		goto broken;
	for (;;) {
		PGnotify *n = PQnotifies(p->c);
		if (n) {
			dt_strbuf_reset(payload);
			dt_strbuf_adds(payload, n->extra ? n->extra : "");
			PQfreemem(n);
			return 1;
		}
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return 0;
		struct pollfd pfd = { .fd = PQsocket(p->c), .events = POLLIN };
		if (pfd.fd < 0)
			goto broken;
		int r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR)
			goto broken;
		if (r > 0 && !PQconsumeInput(p->c))
			goto broken;
	}
broken:
	note_error(p, NULL);
	return -1;
}

/* ---- copies ------------------------------------------------------------- */

/*
 * A copy is COPY table(cols) FROM STDIN: values are written as the server
 * reads them into a buffer that goes to the server COPY_CHUNK bytes at a
 * time, without waiting for an answer; the server checks rows as they
 * arrive and answers once, at the end.
 *
 * The text format (text escaped, bytea as \\x and hex, NULL as \N) takes
 * values of any kind into columns of any type, as the server's input
 * functions read them.  A typed copy (DT_DB_COPY_TYPED: each value of its
 * column's kind) into columns all of types with a plain binary form -
 * bigint, integer, smallint, double precision, text, varchar, bytea - goes
 * in the binary format instead: a length and the bytes of each value, with
 * nothing to escape on this side or to parse on the server's.  The types
 * are read from the catalogue once per table and column list and
 * connection (COPY_TYPES_MAX of them kept), and again after any
 * dt_db_exec() (how schema changes run: migrations, tests).
 *
 * Inside a transaction the COPY is preceded, in the same round trip, by a
 * savepoint, released after it or rolled back to when it failed, so that a
 * failed copy leaves the transaction usable - unless the caller said it
 * rolls the whole transaction back then (DT_DB_COPY_NO_SAVEPOINT).
 */
#define COPY_CHUNK ((size_t)64 << 10)
#define COPY_TYPES_MAX 32

/* A column's binary form in a typed copy. */
enum copy_kind { CK_INT8 = 1, CK_INT4, CK_INT2, CK_FLOAT8, CK_TEXT, CK_BYTEA };

/* The binary forms of one table's columns (a column list), as the catalogue said. */
struct copy_types {
	struct copy_types *next;
	unsigned gen; /* the connection's generation when read */
	bool binary;  /* every column has a binary form */
	char *key;    /* "table(col,col...)" */
	unsigned char kinds[];
};

struct pg_copy {
	struct dt_db_copy base;
	struct dt_strbuf buf;       /* rows not yet sent */
	bool savepoint;             /* inside a transaction: SAVEPOINT dt_copy taken */
	const unsigned char *kinds; /* binary format: each column's copy_kind; else NULL */
};

#define PCOPY(c) ((struct pg_copy *)(c))

static void pg_copy_types_free(struct pg *p)
{
	while (p->copy_types) {
		struct copy_types *t = p->copy_types;
		p->copy_types = t->next;
		free(t->key);
		free(t);
	}
}

static enum copy_kind kind_of_type(Oid type)
{
	switch (type) {
	case OID_INT8: return CK_INT8;
	case OID_INT4: return CK_INT4;
	case OID_INT2: return CK_INT2;
	case OID_FLOAT8: return CK_FLOAT8;
	case OID_TEXT:
	case OID_VARCHAR: return CK_TEXT;
	case OID_BYTEA: return CK_BYTEA;
	default: return 0;
	}
}

/*
 * The binary forms of @table's columns @cols (@key names them), read from
 * the catalogue the first time on this connection; NULL (its failure
 * recorded) if that query failed.
 */
static const struct copy_types *copy_types(struct pg *p, const char *table, const char *const *cols,
					   int ncols, const char *key)
{
	int n = 0;
	for (struct copy_types *t = p->copy_types; t; t = t->next, n++)
		if (t->gen == p->gen && !strcmp(t->key, key))
			return t;
	if (n >= COPY_TYPES_MAX)
		pg_copy_types_free(p);
	struct dt_strbuf names = DT_STRBUF_INIT;
	for (int i = 0; i < ncols; i++)
		dt_strbuf_addf(&names, "%s%s", i ? "," : "", cols[i]);
	struct copy_types *t = calloc(1, sizeof(*t) + (size_t)ncols);
	char *k = strdup(key);
	const char *values[2] = { table, names.buf };
	PGresult *res = NULL;
	if (!t || !k || !dt_strbuf_ok(&names)) {
		dt_db_set_error(&p->base, DT_DBE_OTHER, "out of memory", NULL);
		goto fail;
	}
	/* a column not found (or no such table) has no type: the COPY says what is wrong */
	res = PQexecParams(p->c,
			   "SELECT a.atttypid FROM unnest(string_to_array($2, ',')) "
			   "WITH ORDINALITY AS c(name, i) LEFT JOIN pg_attribute a ON "
			   "a.attrelid = to_regclass($1) AND a.attname = c.name AND "
			   "a.attnum > 0 AND NOT a.attisdropped ORDER BY c.i",
			   2, NULL, values, NULL, NULL, 0);
	if (!result_ok(p, res))
		goto fail;
	t->binary = PQntuples(res) == ncols;
	for (int i = 0; i < ncols && t->binary; i++) {
		t->kinds[i] = (unsigned char)kind_of_type(
			PQgetisnull(res, i, 0) ? 0 : (Oid)strtoul(PQgetvalue(res, i, 0), NULL, 10));
		t->binary = t->kinds[i] != 0;
	}
	PQclear(res);
	dt_strbuf_release(&names);
	t->key = k;
	t->gen = p->gen;
	t->next = p->copy_types;
	p->copy_types = t;
	return t;
fail:
	PQclear(res);
	dt_strbuf_release(&names);
	free(k);
	free(t);
	return NULL;
}

/* Undo or keep the copy's savepoint (if any); false if that failed. */
static bool copy_savepoint_end(struct pg *p, struct pg_copy *c, bool keep)
{
	if (!c->savepoint)
		return true;
	PGresult *res =
		PQexec(p->c, keep ? "RELEASE dt_copy" : "ROLLBACK TO dt_copy; RELEASE dt_copy");
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok && keep)
		note_error(p, res);
	PQclear(res);
	note_txn(p);
	return ok;
}

/* The binary format's header: signature, flags, no extension. */
static const char copy_header[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";

static struct dt_db_copy *pg_copy_begin(struct dt_db *db, const char *table,
					const char *const *cols, int ncols, unsigned flags,
					struct dt_strbuf *err)
{
	struct pg *p = PG(db);
	struct pg_copy *c = NULL;
	PGresult *res = NULL;
	struct dt_strbuf sql = DT_STRBUF_INIT;
	if (!alive(p, "")) {
		dt_error(err, DT_EDB, "database error: %s", dt_db_errmsg(db));
		goto out;
	}
	PGTransactionStatusType ts = PQtransactionStatus(p->c);
	if (ts == PQTRANS_INERROR) {
		dt_db_set_error(db, DT_DBE_OTHER,
				"current transaction is aborted, commands ignored until end of "
				"transaction block",
				NULL);
		dt_error(err, DT_EDB, "database error: %s", dt_db_errmsg(db));
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		dt_db_set_error(db, DT_DBE_OTHER, "out of memory", NULL);
		dt_error(err, DT_EDB, "database error: out of memory");
		goto out;
	}
	c->savepoint = ts == PQTRANS_INTRANS && !(flags & DT_DB_COPY_NO_SAVEPOINT);
	dt_strbuf_init(&c->buf, 0);
	dt_strbuf_grow(&c->buf, COPY_CHUNK + 4096);
	struct dt_strbuf target = DT_STRBUF_INIT; /* "table(col,...)" */
	dt_strbuf_addf(&target, "%s(", table);
	for (int i = 0; i < ncols; i++)
		dt_strbuf_addf(&target, "%s%s", i ? "," : "", cols[i]);
	dt_strbuf_addch(&target, ')');
	const struct copy_types *t = NULL;
	if (!dt_strbuf_ok(&target)) {
		dt_strbuf_release(&target);
		dt_db_set_error(db, DT_DBE_OTHER, "out of memory", NULL);
		dt_error(err, DT_EDB, "database error: out of memory");
		goto fail;
	}
	if ((flags & DT_DB_COPY_TYPED) && !(t = copy_types(p, table, cols, ncols, target.buf))) {
		dt_strbuf_release(&target);
		dt_error(err, DT_EDB, "database error: %s", dt_db_errmsg(db));
		note_txn(p);
		goto fail;
	}
	if (t && t->binary) {
		c->kinds = t->kinds;
		dt_strbuf_add(&c->buf, copy_header, sizeof(copy_header));
	}
	dt_strbuf_addf(&sql, "%sCOPY %s FROM STDIN%s", c->savepoint ? "SAVEPOINT dt_copy; " : "",
		       target.buf, c->kinds ? " (FORMAT binary)" : "");
	dt_strbuf_release(&target);
	if (!dt_strbuf_ok(&sql)) {
		dt_db_set_error(db, DT_DBE_OTHER, "out of memory", NULL);
		dt_error(err, DT_EDB, "database error: out of memory");
		goto fail;
	}
	res = PQexec(p->c, sql.buf);
	if (PQresultStatus(res) == PGRES_COPY_IN)
		goto out;
	note_error(p, res);
	dt_error(err, DT_EDB, "database error: %s", dt_db_errmsg(db));
	note_txn(p);
	/* the savepoint was taken if the COPY itself failed: back to it */
	if (c->savepoint && PQtransactionStatus(p->c) == PQTRANS_INERROR) {
		PGresult *r2 = PQexec(p->c, "ROLLBACK TO dt_copy; RELEASE dt_copy");
		PQclear(r2);
		note_txn(p);
	}
fail:
	dt_strbuf_release(&c->buf);
	free(c);
	c = NULL;
out:
	PQclear(res);
	dt_strbuf_release(&sql);
	return c ? &c->base : NULL;
}

/* ---- the text format ---- */

/* The separator before a value of the current row. */
static void copy_sep(struct dt_db_copy *c)
{
	if (c->field > 1)
		dt_strbuf_addch(&PCOPY(c)->buf, '\t');
}

/* Text as COPY reads it: backslash, tab, newline and carriage return escaped. */
static void text_escaped(struct dt_strbuf *b, const char *s, size_t n)
{
	size_t from = 0;
	for (size_t i = 0; i < n; i++) {
		char e;
		switch (s[i]) {
		case '\\': e = '\\'; break;
		case '\t': e = 't'; break;
		case '\n': e = 'n'; break;
		case '\r': e = 'r'; break;
		default: continue;
		}
		dt_strbuf_add(b, s + from, i - from);
		dt_strbuf_addch(b, '\\');
		dt_strbuf_addch(b, e);
		from = i + 1;
	}
	dt_strbuf_add(b, s + from, n - from);
}

/* ---- the binary format ---- */

static void add_be(struct dt_strbuf *b, uint64_t v, int bytes)
{
	unsigned char x[8];
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		x[i] = (unsigned char)v;
	dt_strbuf_add(b, x, (size_t)bytes);
}

/* The current column's binary form, and the row's field count before its first value. */
static enum copy_kind bin_field(struct dt_db_copy *c)
{
	struct pg_copy *pc = PCOPY(c);
	if (c->field == 1)
		add_be(&pc->buf, (uint64_t)c->ncols, 2);
	return pc->kinds[c->field - 1];
}

/*
 * A value the binary form cannot take: out of its column's range, or of a
 * kind its column does not take (the caller broke DT_DB_COPY_TYPED's promise).
 */
static void bin_refuse(struct dt_db_copy *c, const char *what)
{
	struct dt_strbuf msg = DT_STRBUF_INIT;
	dt_strbuf_addf(&msg, "a typed copy: %s (column %d)", what, c->field);
	dt_db_set_error(c->db, DT_DBE_OTHER, msg.buf, NULL);
	dt_strbuf_release(&msg);
	c->failed = true;
}

/* ---- values ---- */

static void pg_copy_null(struct dt_db_copy *c)
{
	if (PCOPY(c)->kinds) {
		bin_field(c);
		add_be(&PCOPY(c)->buf, UINT32_MAX, 4); /* length -1 */
		return;
	}
	copy_sep(c);
	dt_strbuf_add(&PCOPY(c)->buf, "\\N", 2);
}

static void pg_copy_int64(struct dt_db_copy *c, int64_t v)
{
	struct dt_strbuf *b = &PCOPY(c)->buf;
	if (!PCOPY(c)->kinds) {
		copy_sep(c);
		dt_strbuf_addint(b, v, 0);
		return;
	}
	int bytes;
	switch (bin_field(c)) {
	case CK_INT8: bytes = 8; break;
	case CK_INT4: bytes = v >= INT32_MIN && v <= INT32_MAX ? 4 : 0; break;
	case CK_INT2: bytes = v >= INT16_MIN && v <= INT16_MAX ? 2 : 0; break;
	default: bin_refuse(c, "an integer for a column of another type"); return;
	}
	if (!bytes) {
		char what[48];
		snprintf(what, sizeof(what), "%lld is out of range", (long long)v);
		bin_refuse(c, what);
		return;
	}
	add_be(b, (uint64_t)bytes, 4);
	add_be(b, (uint64_t)v, bytes);
}

static void pg_copy_double(struct dt_db_copy *c, double v)
{
	struct dt_strbuf *b = &PCOPY(c)->buf;
	if (PCOPY(c)->kinds) {
		if (bin_field(c) != CK_FLOAT8) {
			bin_refuse(c, "a real number for a column of another type");
			return;
		}
		uint64_t u;
		memcpy(&u, &v, sizeof(u));
		add_be(b, 8, 4);
		add_be(b, u, 8);
		return;
	}
	copy_sep(c);
	if (v != v)
		dt_strbuf_adds(b, "NaN");
	else if (v > 1.7976931348623157e308)
		dt_strbuf_adds(b, "Infinity");
	else if (v < -1.7976931348623157e308)
		dt_strbuf_adds(b, "-Infinity");
	else
		dt_strbuf_addf(b, "%.17g", v);
}

/* Text or a blob in its binary form: its length and its bytes, as they are. */
static void bin_bytes(struct dt_db_copy *c, enum copy_kind kind, const char *what, const void *v,
		      size_t n)
{
	if (bin_field(c) != kind)
		bin_refuse(c, what);
	else if (n > INT32_MAX)
		bin_refuse(c, "a value over 2 GB");
	else {
		add_be(&PCOPY(c)->buf, n, 4);
		dt_strbuf_add(&PCOPY(c)->buf, v, n);
	}
}

static void pg_copy_text(struct dt_db_copy *c, const char *s, size_t n)
{
	if (PCOPY(c)->kinds) {
		bin_bytes(c, CK_TEXT, "text for a column of another type", s, n);
		return;
	}
	copy_sep(c);
	text_escaped(&PCOPY(c)->buf, s, n);
}

/* A bytea; in the text format in its hex form, "\\x" and two digits a byte (backslash doubled). */
static void pg_copy_blob(struct dt_db_copy *c, const void *v, size_t n)
{
	if (PCOPY(c)->kinds) {
		bin_bytes(c, CK_BYTEA, "a blob for a column of another type", v, n);
		return;
	}
	copy_sep(c);
	dt_strbuf_add(&PCOPY(c)->buf, "\\\\x", 3);
	dt_strbuf_addhex(&PCOPY(c)->buf, v, n);
}

static bool pg_copy_row(struct dt_db_copy *c)
{
	struct pg_copy *pc = PCOPY(c);
	struct pg *p = PG(c->db);
	if (!pc->kinds)
		dt_strbuf_addch(&pc->buf, '\n');
	if (pc->buf.len < COPY_CHUNK)
		return true;
	if (!dt_strbuf_ok(&pc->buf)) {
		dt_db_set_error(c->db, DT_DBE_OTHER, "out of memory", NULL);
		c->failed = true;
	} else if (PQputCopyData(p->c, pc->buf.buf, (int)pc->buf.len) != 1) {
		note_error(p, NULL);
		c->failed = true;
	}
	dt_strbuf_reset(&pc->buf);
	return !c->failed;
}

static enum dt_err pg_copy_end(struct dt_db_copy *c, bool abandon, struct dt_strbuf *err)
{
	struct pg_copy *pc = PCOPY(c);
	struct pg *p = PG(c->db);
	bool ok = !c->failed && !abandon;
	if (ok && pc->kinds)
		add_be(&pc->buf, UINT16_MAX, 2); /* the trailer: a field count of -1 */
	if (ok && !dt_strbuf_ok(&pc->buf)) {
		dt_db_set_error(c->db, DT_DBE_OTHER, "out of memory", NULL);
		ok = false;
	} else if (ok && pc->buf.len && PQputCopyData(p->c, pc->buf.buf, (int)pc->buf.len) != 1) {
		note_error(p, NULL);
		ok = false;
	}
	/* a failure before the end (its words noted already) makes the server drop the rows */
	if (PQputCopyEnd(p->c, ok ? NULL : "the copy was abandoned") != 1 && ok) {
		note_error(p, NULL);
		ok = false;
	}
	PGresult *res;
	while ((res = PQgetResult(p->c))) {
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			if (ok)
				p->changes = strtoll(PQcmdTuples(res), NULL, 10);
		} else if (ok) {
			note_error(p, res); /* the server's reason, the first one */
			ok = false;
		}
		PQclear(res);
	}
	note_txn(p);
	if (!copy_savepoint_end(p, pc, ok) && ok)
		ok = false;
	enum dt_err rc = DT_OK;
	if (!ok && !abandon)
		rc = dt_error(err, DT_EDB, "database error: %s", dt_db_errmsg(c->db));
	dt_strbuf_release(&pc->buf);
	free(pc);
	return rc;
}

static const struct dt_db_ops pg_ops = {
	.dialect = DT_DB_PGSQL,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind_null = pg_bind_null,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.send = pg_send,
	.receive = pg_receive,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.column_type = pg_column_type,
	.column_int64 = pg_column_int64,
	.column_double = pg_column_double,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.column_bytes = pg_column_bytes,
	.changes = pg_changes,
	.busy_timeout = pg_busy_timeout,
	.try_lock = pg_try_lock,
	.unlock = pg_unlock,
	.notify = pg_notify,
	.listen = pg_listen,
	.wait_notify = pg_wait_notify,
	.copy_begin = pg_copy_begin,
	.copy_null = pg_copy_null,
	.copy_int64 = pg_copy_int64,
	.copy_double = pg_copy_double,
	.copy_text = pg_copy_text,
	.copy_blob = pg_copy_blob,
	.copy_row = pg_copy_row,
	.copy_end = pg_copy_end,
};

/* ---- opening ------------------------------------------------------------- */

/*
 * Connect to @uri, or with @dbname to that database of the same server;
 * NULL only when out of memory.  The client encoding is UTF8 whatever the
 * URI says.
 */
static PGconn *connect_to(const char *uri, const char *dbname)
{
	/* defaults the URI may override: a server gone silent is noticed within a minute */
	const char *keys[9] = { "connect_timeout", "keepalives_idle", "keepalives_interval",
				"keepalives_count", "dbname" };
	const char *vals[9] = { "10", "30", "10", "3", uri };
	int n = 5;
	if (dbname)
		keys[n] = "dbname", vals[n++] = dbname;
	keys[n] = "client_encoding", vals[n++] = "UTF8";
	keys[n] = "fallback_application_name", vals[n++] = "dualtrack";
	keys[n] = NULL, vals[n] = NULL;
	return PQconnectdbParams(keys, vals, 1);
}

/* A database name we create: letters, digits, _ and -, at most 63 bytes. */
static bool dbname_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (!n || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-')
			return false;
	return true;
}

/*
 * Make database @name on @uri's server, through its "postgres" database:
 * DT_OK if it exists afterwards (another process may have made it first),
 * else DT_EIO with the reason.
 */
static enum dt_err create_database(const char *uri, const char *name, const char *shown,
				   struct dt_strbuf *err)
{
	enum dt_err rc = DT_OK;
	PGresult *res = NULL;
	struct dt_strbuf msg = DT_STRBUF_INIT, sql = DT_STRBUF_INIT;
	/* "postgres", or template1 where that one is not open to us */
	PGconn *c = connect_to(uri, "postgres");
	if (c && PQstatus(c) != CONNECTION_OK) {
		PGconn *t1 = connect_to(uri, "template1");
		if (t1 && PQstatus(t1) == CONNECTION_OK) {
			PQfinish(c);
			c = t1;
		} else {
			PQfinish(t1);
		}
	}
	if (!c || PQstatus(c) != CONNECTION_OK) {
		add_conn_message(&msg, uri, c ? PQerrorMessage(c) : "out of memory");
		rc = dt_error(err, DT_EIO, "%s: cannot connect: %s", shown, msg.buf);
		goto out;
	}
	const char *values[1] = { name };
	res = PQexecParams(c, "SELECT 1 FROM pg_database WHERE datname = $1", 1, NULL, values, NULL,
			   NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		goto out; /* it exists: the connection failed for another reason, told by the caller */
	if (!dbname_ok(name)) {
		rc = dt_error(
			err, DT_EIO,
			"%s: cannot create database \"%s\" (a name of letters, digits, _ and - "
			"only)",
			shown, name ? name : "");
		goto out;
	}
	/* UTF8 whatever template1 has; the cluster's locale, or C if it cannot hold UTF8 */
	for (int attempt = 0; attempt < 2; attempt++) {
		dt_strbuf_reset(&sql);
		dt_strbuf_addf(&sql, "CREATE DATABASE \"%s\" TEMPLATE template0 ENCODING 'UTF8'%s",
			       name, attempt ? " LOCALE 'C'" : "");
		PQclear(res);
		res = PQexec(c, sql.buf);
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (PQresultStatus(res) == PGRES_COMMAND_OK ||
		    (state && (!strcmp(state, "42P04") || !strcmp(state, "23505"))))
			goto out;
		if (!state || strcmp(state, "22023"))
			break;
	}
	add_oneline(&msg, PQresultErrorMessage(res));
	rc = dt_error(err, DT_EIO, "%s: cannot create the database: %s", shown, msg.buf);
out:
	PQclear(res);
	PQfinish(c);
	dt_strbuf_release(&msg);
	dt_strbuf_release(&sql);
	return rc;
}

/* Does libpq's message say the database does not exist (3D000)? */
static bool no_such_database(const char *msg)
{
	return msg && strstr(msg, "database \"") && strstr(msg, "\" does not exist");
}

enum dt_err dt_db_pgsql_open(struct dt_db **out, const char *uri, unsigned flags,
			     struct dt_strbuf *err)
{
	enum dt_err rc = DT_OK;
	struct dt_strbuf shown = DT_STRBUF_INIT, msg = DT_STRBUF_INIT;
	char *name = NULL;
	*out = NULL;
	add_uri_shown(&shown, uri);
	struct pg *p = calloc(1, sizeof(*p));
	if (!p) {
		rc = dt_error(err, DT_ENOMEM, "out of memory");
		goto out;
	}
	p->base.ops = &pg_ops;
	p->lock_ms = -1;
	dt_strbuf_init(&p->base.errmsg, 0);
	dt_strbuf_init(&p->base.errcols, 0);
	dt_strbuf_init(&p->listens, 0);
	p->c = connect_to(uri, NULL);
	if (!p->c) {
		rc = dt_error(err, DT_ENOMEM, "out of memory");
		goto out;
	}
	if (PQstatus(p->c) != CONNECTION_OK && (flags & DT_DB_CREATE)) {
		name = dt_xstrdup(PQdb(p->c));
		rc = create_database(uri, name, shown.buf, err);
		if (rc)
			goto out;
		PQfinish(p->c);
		p->c = connect_to(uri, NULL);
		if (!p->c) {
			rc = dt_error(err, DT_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (PQstatus(p->c) != CONNECTION_OK) {
		if (no_such_database(PQerrorMessage(p->c))) {
			rc = dt_error(err, DT_EIO,
				      "%s: no such database (run `dualtrack init` first)",
				      shown.buf);
		} else {
			add_conn_message(&msg, uri, PQerrorMessage(p->c));
			rc = dt_error(err, DT_EIO, "%s: cannot connect: %s", shown.buf, msg.buf);
		}
		goto out;
	}
	PQsetNoticeProcessor(p->c, on_notice, NULL);
	if (!setup_session(p)) {
		rc = dt_error(err, DT_EIO, "%s: %s", shown.buf, dt_db_errmsg(&p->base));
		goto out;
	}
	*out = &p->base;
	p = NULL;
out:
	if (p)
		dt_db_close(&p->base);
	free(name);
	dt_strbuf_release(&shown);
	dt_strbuf_release(&msg);
	return rc;
}
