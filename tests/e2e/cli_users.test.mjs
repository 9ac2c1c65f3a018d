// cli_users.test.mjs - end-to-end tests of `dualtrack user`, `token` and `serve`.
//
// Each test drives the real binary (DUALTRACK_BIN, default build/dualtrack)
// in a fresh temporary directory with "today" pinned by DUALTRACK_TODAY.
// Accounts and tokens are made through the command line; `serve` is started
// on a free port, and what the command line did is checked through the API:
// the password read from stdin signs in, a token authenticates, a revoked or
// disabled one does not.  SIGTERM must end the server with exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';

import { auditGrep, freePort, sqlite, uscc, withEnv } from './helpers.mjs';

// Every child of this file logs as JSON, whatever the caller's environment says.
const { fails, freshDb, ok, okRun, run, startServer } = withEnv({ DUALTRACK_LOG: 'json' });
const PW = 'correct horse battery';

// SIGTERM the server; assert it exits 0 within @ms.
async function stopServer(srv, ms = 5000) {
  const r = await srv.stop(ms);
  if (r.timedOut) assert.fail(`serve did not exit within ${ms} ms of SIGTERM\n${srv.stderr()}`);
  assert.equal(r.code, 0, `serve exited ${r.code} (signal ${r.signal})\n${srv.stderr()}`);
}

function addUser(dbArgs, login, role, scope, password = PW) {
  const args = ['user', 'add', '--login', login, '--role', role, '--password-stdin', ...dbArgs];
  if (scope) args.push('--scope', scope);
  return run(args, { input: `${password}\n` });
}

// ---- user ----

test('user add: every kind of scope, printed resolved; the password is never echoed', () => {
  const { db, args } = freshDb();
  const code = uscc('210102', 'MA0UKR01');
  const org = JSON.parse(ok(['add', 'organization', '--json',
    JSON.stringify({ kind: 'school', uscc: code, name: '沈阳职业技术学院', region: '210102' }), ...args]));

  let r = addUser(args, 'root', 'admin', null);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "added account 'root' (id 1, role admin, scope -)\n");
  assert.equal(r.stderr, '');
  r = addUser(args, 'shenyang', 'city', '210100');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "added account 'shenyang' (id 2, role city, scope 210100)\n");
  r = addUser(args, 'school', 'school', code);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `added account 'school' (id 3, role school, scope org:${org.id})\n`);
  r = addUser(args, 'school2', 'school', `org:${org.id}`);
  assert.equal(r.status, 0, r.stderr);

  // a CRLF line ending is stripped like a newline; nothing after the first line is read
  r = run(['user', 'add', '--login', 'crlf', '--role', 'admin', '--password-stdin', ...args],
    { input: `${PW}\r\nignored\n` });
  assert.equal(r.status, 0, r.stderr);
  // no newline at all is fine too
  r = run(['user', 'add', '--login', 'nonl', '--role', 'admin', '--password-stdin', ...args], { input: PW });
  assert.equal(r.status, 0, r.stderr);

  const audit = sqlite(db, "SELECT action || ' ' || actor FROM audit WHERE entity = 'account' ORDER BY id").split('\n').join(';');
  assert.equal(audit.split(';').length, 6);
  assert.match(audit, /^create cli:tester/);
  assert.equal(auditGrep(db, '1 = 1', PW), 0);
  assert.equal(auditGrep(db, '1 = 1', '$argon2'), 0);
  assert.equal(sqlite(db, "SELECT count(*) FROM account WHERE password_hash LIKE '$argon2id$%'"), '6');
});

test('user add: refusals name the argument (exit 1), usage errors exit 2', () => {
  const { db, args } = freshDb();
  assert.equal(addUser(args, 'root', 'admin', null).status, 0);

  fails(['user', 'add', '--login', 'root', '--role', 'admin', '--password-stdin', ...args], 1,
    /^dualtrack user: login: 'root' is taken/, { input: `${PW}\n` });
  let r = addUser(args, 'Bad Login', 'admin', null);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /login: use lower-case letters/);
  r = addUser(args, 'shortpw', 'admin', null, 'Zq7#xK1');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /password: 密码太短，至少 8 个字符 \(at least 8 characters\)/);
  assert.ok(!(r.stderr + r.stdout).includes('Zq7#xK1'), 'the password is echoed');
  r = addUser(args, 'city1', 'city', '210000');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /scope: 210000 is not a city/);
  r = addUser(args, 'admin2', 'admin', '210000');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /scope: the admin role has no scope/);
  r = addUser(args, 'prov', 'province', null);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /scope: the province role needs a scope/);
  r = addUser(args, 'who', 'superuser', null);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /role: 'superuser' is not one of/);

  // empty passwords: nothing on stdin, or an empty first line
  for (const input of ['', '\n', '\r\n', '\nsecond line\n']) {
    fails(['user', 'add', '--login', 'empty', '--role', 'admin', '--password-stdin', ...args], 1,
      /--password-stdin: the password on stdin is empty/, { input });
  }
  fails(['user', 'add', '--login', 'long', '--role', 'admin', '--password-stdin', ...args], 1,
    /longer than 1024 bytes/, { input: 'x'.repeat(5000) + '\n' });

  fails(['user', 'add', '--login', 'x1', '--role', 'admin', ...args], 2, /`user add` needs --password-stdin/);
  fails(['user', 'add', '--role', 'admin', '--password-stdin', ...args], 2, /`user add` needs --login/);
  fails(['user', 'add', '--login', 'x1', '--password-stdin', ...args], 2, /`user add` needs --role/);
  fails(['user', 'list', '--role', 'admin', ...args], 2, /--role does not apply to `user list`/);
  fails(['user', 'disable', ...args], 2, /missing LOGIN/);
  fails(['user', 'disable', 'a', 'b', ...args], 2, /unexpected argument 'b'/);
  fails(['user', 'list', '--format', 'xml', ...args], 2, /--format: 'xml' is not one of: table, json/);
  fails(['user', 'frobnicate', ...args], 2, /'frobnicate' is not a user action/);
  fails(['user', ...args], 2, /missing the action/);
  fails(['user', 'list', '--db', path.join(path.dirname(db), 'none.db')], 1, /no such database/);

  // nothing but the first account was written
  assert.equal(sqlite(db, 'SELECT count(*) FROM account'), '1');
});

test('user list, disable, enable, passwd', () => {
  const { db, args } = freshDb();
  let r = okRun(['user', 'list', ...args]);
  assert.equal(r.stdout, 'login  role  scope  disabled\n');
  assert.match(r.stderr, /no accounts in/);
  assert.equal(addUser(args, 'root', 'admin', null).status, 0);
  assert.equal(addUser(args, 'liaoning', 'province', '210000').status, 0);

  r = okRun(['user', 'list', ...args]);
  assert.deepEqual(r.stdout.split('\n'), [
    'login     role      scope   disabled',
    'liaoning  province  210000  no',
    'root      admin     -       no',
    '',
  ]);
  let list = JSON.parse(ok(['user', 'list', '--format', 'json', ...args]));
  assert.equal(list.length, 2);
  assert.deepEqual(list.map((a) => [a.login, a.role, a.scope, a.scope_region, a.disabled]),
    [['liaoning', 'province', '210000', 210000, false], ['root', 'admin', null, null, false]]);
  for (const a of list) assert.equal(a.password_hash, undefined);

  r = okRun(['user', 'disable', 'liaoning', ...args]);
  assert.equal(r.stdout, "disabled account 'liaoning'; its sessions and tokens are revoked\n");
  list = JSON.parse(ok(['user', 'list', '--format', 'json', ...args]));
  assert.equal(list.find((a) => a.login === 'liaoning').disabled, true);
  assert.match(ok(['user', 'list', ...args]), /^liaoning +province +210000 +yes$/m);
  r = okRun(['user', 'enable', 'liaoning', ...args]);
  assert.match(r.stdout, /^enabled account 'liaoning'/);
  fails(['user', 'disable', 'ghost', ...args], 1, /no account 'ghost'/);
  fails(['user', 'enable', 'ghost', ...args], 1, /no account 'ghost'/);

  const hash = sqlite(db, "SELECT password_hash FROM account WHERE login = 'root'");
  r = okRun(['user', 'passwd', 'root', '--password-stdin', ...args], { input: 'a brand new password\n' });
  assert.match(r.stdout, /^changed the password of 'root'/);
  assert.notEqual(sqlite(db, "SELECT password_hash FROM account WHERE login = 'root'"), hash);
  fails(['user', 'passwd', 'root', '--password-stdin', ...args], 1, /password: 密码太短.*at least 8/, { input: 'short\n' });
  fails(['user', 'passwd', 'root', ...args], 2, /`user passwd` needs --password-stdin/);
  fails(['user', 'passwd', 'ghost', '--password-stdin', ...args], 1, /no account 'ghost'/, { input: `${PW}\n` });

  const actions = sqlite(db, "SELECT action FROM audit WHERE entity = 'account' ORDER BY id").split('\n').join(' ');
  // stored without the entity they name; token.create names another
  assert.equal(actions, 'create create disable enable passwd');
  assert.match(ok(['audit', 'verify', ...args]), /^audit chain ok/);
});

// ---- token ----

test('token create prints the token alone on stdout; revoke ends it', () => {
  const { db, args } = freshDb();
  assert.equal(addUser(args, 'root', 'admin', null).status, 0);
  assert.equal(addUser(args, 'shenyang', 'city', '210100').status, 0);

  let r = okRun(['token', 'create', '--login', 'shenyang', ...args]);
  assert.match(r.stdout, /^[A-Za-z0-9_-]{43}\n$/);
  const token = r.stdout.trim();
  const m = /^created token (\d+) for 'shenyang' \(role city, scope 210100\), valid until (\S+); it is shown once, below\n$/.exec(r.stderr);
  assert.ok(m, `unexpected stderr: ${r.stderr}`);
  assert.equal(m[1], '1');
  const days = (Date.parse(m[2]) - Date.now()) / 86400000;
  assert.ok(days > 89.9 && days <= 90, `expires in ${days} days`);
  // only its hash is stored, and the audit log has neither
  assert.equal(sqlite(db, `SELECT count(*) FROM credential WHERE token_hash = '${token}'`), '0');
  assert.equal(auditGrep(db, '1 = 1', token), 0);
  assert.equal(sqlite(db, "SELECT kind FROM credential WHERE id = 1"), 'token');

  r = okRun(['token', 'create', '--login', 'root', '--expires', '1', ...args]);
  const one = /valid until (\S+);/.exec(r.stderr);
  const d1 = (Date.parse(one[1]) - Date.now()) / 86400000;
  assert.ok(d1 > 0.9 && d1 <= 1, `expires in ${d1} days`);
  ok(['token', 'create', '--login', 'root', '--expires', '3650', ...args]);

  fails(['token', 'create', '--login', 'root', '--expires', '0', ...args], 2, /--expires: 0 is out of range 1\.\.3650/);
  fails(['token', 'create', '--login', 'root', '--expires', '3651', ...args], 2, /--expires/);
  fails(['token', 'create', '--login', 'root', '--expires', '9d', ...args], 2, /--expires/);
  fails(['token', 'create', ...args], 2, /`token create` needs --login/);
  fails(['token', 'create', '--login', 'ghost', ...args], 1, /no account 'ghost'/);
  fails(['token', 'frob', ...args], 2, /'frob' is not a token action/);
  fails(['token', 'revoke', ...args], 2, /missing the token's ID/);
  fails(['token', 'revoke', 'abc', ...args], 2, /ID/);
  fails(['token', 'revoke', '1', '--login', 'root', ...args], 2, /--login does not apply/);

  ok(['user', 'disable', 'shenyang', ...args]);
  r = fails(['token', 'create', '--login', 'shenyang', ...args], 1, /account 'shenyang' is disabled/);
  assert.equal(r.stdout, '');
  // disabling revoked token 1
  fails(['token', 'revoke', '1', ...args], 1, /credential 1 is not live/);

  r = okRun(['token', 'revoke', '2', ...args]);
  assert.equal(r.stdout, 'revoked credential 2\n');
  fails(['token', 'revoke', '2', ...args], 1, /credential 2 is not live/);
  fails(['token', 'revoke', '99', ...args], 1, /credential 99 is not live/);
  const actions = sqlite(db, "SELECT action FROM audit WHERE entity = 'credential' ORDER BY id").split('\n').join(' ');
  assert.equal(actions, 'token.create token.create token.create revoke');
});

// ---- serve ----

test('serve --help and argument checks', async () => {
  const r = okRun(['serve', '--help']);
  assert.match(r.stdout, /^usage: dualtrack serve /);
  assert.match(r.stdout, /--listen/);
  const { dir, args } = freshDb();
  fails(['serve', '--listen', '1.2.3:99999', ...args], 2, /--listen/);
  fails(['serve', '--listen', '1.2.3.4:99999', ...args], 2, /--listen port: 99999 is out of range 1\.\.65535/);
  fails(['serve', '--listen', '127.0.0.1:0', ...args], 2, /--listen port/);
  fails(['serve', '--listen', 'example.com:80', ...args], 2, /'example.com' is not an IPv4 address/);
  fails(['serve', '--listen', '8080', ...args], 2, /'8080' is not HOST:PORT/);
  fails(['serve', '--threads', '257', ...args], 2, /--threads: 257 is out of range 0\.\.256/);
  fails(['serve', '--threads', '-1', ...args], 2, /--threads/);
  fails(['serve', '--max-body', '0', ...args], 2, /--max-body/);
  fails(['serve', 'now', ...args], 2, /unexpected argument 'now'/);
  const port = await freePort();
  fails(['serve', '--listen', `127.0.0.1:${port}`, '--db', path.join(dir, 'none.db')], 1, /no such database/);
});

test('serve answers /healthz, honours CLI accounts and tokens, and stops on SIGTERM', async () => {
  const { db, args } = freshDb();
  assert.equal(addUser(args, 'root', 'admin', null).status, 0);
  assert.equal(addUser(args, 'shenyang', 'city', '210100').status, 0);
  const tokA = ok(['token', 'create', '--login', 'shenyang', ...args]).trim();
  const tokB = ok(['token', 'create', '--login', 'shenyang', ...args]).trim();
  const tokRoot = ok(['token', 'create', '--login', 'root', ...args]).trim();

  const srv = await startServer(db);
  const { port } = srv;
  try {
    assert.equal(srv.stdout(), `dualtrack serving http://127.0.0.1:${port} (2 threads, database ${db})\n`);
    const h = await fetch(`${srv.base}/healthz`);
    assert.equal(h.status, 200);
    assert.deepEqual(await h.json(), { status: 'ok' });

    // the password given on stdin signs in; a wrong one does not
    let r = await fetch(`${srv.base}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'shenyang', password: PW }),
    });
    assert.equal(r.status, 200);
    const session = await r.json();
    assert.equal(session.user.login, 'shenyang');
    assert.equal(session.user.role, 'city');
    r = await fetch(`${srv.base}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'shenyang', password: PW + 'x' }),
    });
    assert.equal(r.status, 401);

    // a token from `token create` authenticates as its account
    const whoami = (tok) => fetch(`${srv.base}/api/v1/session`, { headers: { authorization: `Bearer ${tok}` } });
    r = await whoami(tokA);
    assert.equal(r.status, 200);
    assert.equal((await r.json()).login, 'shenyang');
    // revoked through the CLI before its first use: refused at once
    ok(['token', 'revoke', '2', ...args]);
    assert.equal((await whoami(tokB)).status, 401);
    assert.equal((await whoami('not-a-token')).status, 401);
    r = await whoami(tokRoot);
    assert.equal(r.status, 200);
    assert.equal((await r.json()).role, 'admin');
  } finally {
    await stopServer(srv);
  }
  assert.match(ok(['audit', 'verify', ...args]), /^audit chain ok/);
});

test('serve on a port another listener holds exits 1; so does a second server', async () => {
  const { db, args } = freshDb();
  const holder = net.createServer();
  await new Promise((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const held = holder.address().port;
  try {
    const r = fails(['serve', '--listen', `127.0.0.1:${held}`, ...args], 1, /address already in use/);
    assert.equal(r.stdout, '');
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }

  // the server's own listeners share their port (SO_REUSEPORT): a second
  // `serve` on it must not join them
  const srv = await startServer(db);
  try {
    fails(['serve', '--listen', `localhost:${srv.port}`, ...args], 1, /address already in use/);
  } finally {
    await stopServer(srv);
  }
});
