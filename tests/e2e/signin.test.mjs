// signin.test.mjs - end-to-end tests of signing in under attack: the
// throttle's exact counts, the hashing off the event loops and its bound,
// the Secure cookie behind HTTPS, the same-origin rule of sign-in, password
// quality, and the case-insensitive "Bearer".
//
// One database (init only) with a few accounts, served three ways: plain;
// with --trust-proxy (X-Forwarded-For and X-Forwarded-Proto believed); and
// with --public-url https://dt.example.org.  Tests that fail sign-ins from
// 127.0.0.1 on purpose use their own logins, and those that fail many use
// the --trust-proxy server with an X-Forwarded-For address of their own, so
// that no test locks another's address.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { client, dbPath, expectProblem, expectStatus, ok, okAsync, run, sleep, startServer, tmpdir } from './helpers.mjs';

let dir;
let db;
let plain; // dualtrack serve
let proxied; // dualtrack serve --trust-proxy
let https; // dualtrack serve --public-url https://dt.example.org
const pw = (login) => `pw-${login}-2026!`;

// The login slot and the address slot the old throttle chose: FNV-1a 64 of
// "login:"+login and "peer:"+address, low bit set, modulo 4096.  A login
// whose slot is its attacker's address slot reset its own count on every try.
function oldSlot(kind, s) {
  let h = 1469598103934665603n;
  for (const b of Buffer.from(kind + s)) h = ((h ^ BigInt(b)) * 1099511628211n) & 0xffffffffffffffffn;
  return (h | 1n) % 4096n;
}
const victim = (() => {
  const target = oldSlot('peer:', '127.0.0.1');
  for (let i = 0; ; i++) if (oldSlot('login:', `victim-${i}`) === target) return `victim-${i}`;
})();

async function addUser(login, password = pw(login)) {
  await okAsync(['user', 'add', '--db', db, '--login', login, '--role', 'city', '--scope', '210100', '--password-stdin'],
    { input: `${password}\n` });
}

const signIn = (api, login, password = pw(login), headers = {}) =>
  api.request('POST', '/api/v1/session', { body: { login, password }, headers });

before(async () => {
  dir = tmpdir('dualtrack-signin-');
  db = dbPath(dir);
  ok(['init', '--db', db]);
  await Promise.all([addUser(victim), addUser('bystander'), addUser('reader')]);
  await Promise.all([addUser('flood-target'), addUser('walker'), addUser('origin')]);
  [plain, proxied, https] = await Promise.all([
    startServer(db),
    startServer(db, { extra: ['--trust-proxy'] }),
    startServer(db, { extra: ['--public-url', 'https://dt.example.org/'] }),
  ]);
});

after(async () => {
  for (const s of [plain, proxied, https]) {
    if (!s) continue;
    const { code, signal } = await s.stop();
    assert.equal(signal, null, s.output());
    assert.equal(code, 0, s.output());
  }
});

test(`30 wrong guesses for one login from one address are locked after 5 (${victim} shares the address's slot in the old 12-bit table)`, async () => {
  const api = client(plain.base);
  const seenStatus = [];
  for (let i = 1; i <= 6; i++) seenStatus.push((await signIn(api, victim, `wrong-guess-${i}`)).status);
  // the other 24 at once: a refusal is held back a second, so in turn they would outlast the lock
  const rest = await Promise.all(Array.from({ length: 24 }, (_, i) => signIn(api, victim, `wrong-guess-${i + 7}`)));
  seenStatus.push(...rest.map((r) => r.status));
  assert.deepEqual(seenStatus, [401, 401, 401, 401, 401, ...Array(25).fill(429)], `statuses: ${seenStatus.join(' ')}`);
  assert.match(rest[0].json.detail, /too many failed sign-ins/);
  const retryAfter = Number(rest[0].headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 5, `Retry-After ${retryAfter}`);
  // the right password is refused while locked: the lock is on the login, not the guess
  expectProblem(await signIn(api, victim), 429);
  // another login from the same address signs in (5 failures of its 20)
  expectStatus(await signIn(api, 'bystander'), 200);
  // the first lock is short: once it is over, the owner signs in, and that clears the count
  await sleep(retryAfter * 1000 + 200);
  expectStatus(await signIn(api, victim), 200);
  expectProblem(await signIn(api, victim, 'wrong-again'), 401);
  expectStatus(await signIn(api, victim), 200);
});

test('locks grow: per login from any address, per address for any login (--trust-proxy: X-Forwarded-For)', async () => {
  const api = client(proxied.base);
  // a guesser spread over addresses: the login locks after 5, whichever address asks
  for (let i = 1; i <= 5; i++) {
    expectProblem(await signIn(api, 'walker', `guess-${i}`, { 'x-forwarded-for': `198.51.100.${i}` }), 401);
  }
  const r = await signIn(api, 'walker', 'guess-6', { 'x-forwarded-for': '198.51.100.99' });
  expectProblem(r, 429);
  const first = Number(r.headers.get('retry-after'));
  await sleep(first * 1000 + 200);
  expectProblem(await signIn(api, 'walker', 'guess-7', { 'x-forwarded-for': '198.51.100.7' }), 401);
  const r2 = await signIn(api, 'walker', 'guess-8', { 'x-forwarded-for': '198.51.100.8' });
  expectProblem(r2, 429);
  assert.ok(Number(r2.headers.get('retry-after')) > first, `the second lock (${r2.headers.get('retry-after')} s) is longer than the first (${first} s)`);

  // one address guessing many logins: locked after 20 failures, for every login; other addresses are not
  const xff = { 'x-forwarded-for': '203.0.113.5, 192.0.2.77' }; // the last hop is the one believed
  for (let i = 1; i <= 20; i++) expectProblem(await signIn(api, `nobody-${i}`, 'whatever-123', xff), 401, `try ${i}`);
  expectProblem(await signIn(api, 'reader', pw('reader'), xff), 429);
  expectStatus(await signIn(api, 'reader', pw('reader'), { 'x-forwarded-for': '203.0.113.5, 192.0.2.78' }), 200);
  // without --trust-proxy the header is the client's to write, and ignored: all of this was 127.0.0.1's
  expectStatus(await signIn(client(plain.base), 'reader', pw('reader'), xff), 200);
});

test('passwords are checked off the event loops: reads are answered while sign-ins hash', async () => {
  const api = client(proxied.base);
  const tok = expectStatus(await signIn(api, 'reader', pw('reader'), { 'x-forwarded-for': '192.0.2.200' }), 200).json.token;
  let done = 0;
  const flood = [];
  for (let i = 0; i < 16; i++) {
    flood.push(signIn(api, `nobody-hash-${i}`, 'wrong-password-1', { 'x-forwarded-for': `192.0.2.${100 + i}` })
      .then((r) => { done++; return r; }));
  }
  await sleep(20); // the sign-ins are in
  for (let i = 0; i < 5; i++) {
    expectStatus(await api.get('/api/v1/session', { token: tok }), 200);
    expectStatus(await api.get('/healthz'), 200);
  }
  // On an event loop, each ~0.1 s hash held up the reads behind it: most of the flood came first.
  assert.ok(done <= 4, `${done} of 16 sign-ins were hashed before 10 reads were answered`);
  for (const r of await Promise.all(flood)) expectProblem(r, 401);
});

test('sign-ins beyond the 32 in flight get 503 with Retry-After at once, without hashing', async () => {
  const api = client(proxied.base);
  const rs = await Promise.all(Array.from({ length: 48 }, (_, i) =>
    signIn(api, `nobody-busy-${i}`, 'wrong-password-2', { 'x-forwarded-for': `192.0.2.${i + 1}` })));
  const by = {};
  for (const r of rs) by[r.status] = (by[r.status] || 0) + 1;
  assert.ok(by[503] >= 1 && by[401] >= 16 && by[401] + by[503] === 48, JSON.stringify(by));
  const busy = rs.find((r) => r.status === 503);
  expectProblem(busy, 503);
  assert.equal(busy.headers.get('retry-after'), '1');
  // and sign-in works again once they are through
  expectStatus(await signIn(api, 'flood-target', pw('flood-target'), { 'x-forwarded-for': '192.0.2.250' }), 200);
});

test('the session cookie is Secure over HTTPS: --public-url https://..., or a trusted X-Forwarded-Proto', async () => {
  const cookie = async (srv, headers = {}) => {
    const r = expectStatus(await signIn(client(srv.base), 'bystander', pw('bystander'), headers), 200);
    return r.headers.getSetCookie()[0];
  };
  assert.match(await cookie(https), /^dt_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
  assert.match(await cookie(proxied, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.0.2.251' }), /; Secure$/);
  assert.doesNotMatch(await cookie(proxied, { 'x-forwarded-proto': 'http', 'x-forwarded-for': '192.0.2.251' }), /Secure/);
  // the header means nothing unless the server was told a proxy sets it
  assert.doesNotMatch(await cookie(plain, { 'x-forwarded-proto': 'https' }), /Secure/);
  assert.doesNotMatch(await cookie(plain), /Secure/);
});

test('sign-in refuses what another site could make a browser send: non-JSON bodies and a foreign Origin', async () => {
  const api = client(plain.base);
  const body = JSON.stringify({ login: 'origin', password: pw('origin') });
  for (const ct of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
    const headers = ct ? { 'content-type': ct } : {};
    const res = await fetch(`${plain.base}/api/v1/session`, { method: 'POST', headers, body: ct ? body : Buffer.from(body) });
    assert.equal(res.status, 415, `Content-Type ${ct}: ${await res.text()}`);
    assert.equal(res.headers.getSetCookie().length, 0);
  }
  for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${plain.port + 1}`, `https://127.0.0.1:${plain.port}`]) {
    const p = expectProblem(await signIn(api, 'origin', pw('origin'), { origin }), 403, origin);
    assert.match(p.detail, /Origin/);
  }
  expectStatus(await signIn(api, 'origin', pw('origin'), { origin: `http://127.0.0.1:${plain.port}` }), 200);
  expectStatus(await signIn(api, 'origin', pw('origin'), { 'content-type': 'application/json; charset=utf-8' }), 200);
  expectStatus(await signIn(api, 'origin'), 200); // no Origin: not a browser, nothing to forge
  // with --public-url the origin is that one
  expectStatus(await signIn(client(https.base), 'origin', pw('origin'), { origin: 'https://dt.example.org' }), 200);
  expectProblem(await signIn(client(https.base), 'origin', pw('origin'), { origin: `http://127.0.0.1:${https.port}` }), 403);
});

test('the Authorization scheme is case-insensitive: "bearer" works as "Bearer" does', async () => {
  const api = client(plain.base);
  const tok = expectStatus(await signIn(api, 'bystander'), 200).json.token;
  for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
    const who = expectStatus(await api.get('/api/v1/session', { headers: { authorization: `${scheme} ${tok}` } }), 200).json;
    assert.equal(who.login, 'bystander');
  }
});

test('serve --public-url must be http[s]://HOST[:PORT]', () => {
  for (const bad of ['dt.example.org', 'ftp://dt.example.org', 'https://', 'https://dt.example.org/app', 'https://u@dt.example.org', 'https://dt.example.org/?x=1']) {
    const r = run(['serve', '--db', db, '--listen', '127.0.0.1:1', '--public-url', bad]);
    assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--public-url: .* is not http\[s\]:\/\/HOST\[:PORT\]/);
  }
});

test('user add and user passwd refuse weak passwords, saying why in Chinese and in English', () => {
  const cases = [
    ['12345678', /^dualtrack user: password: 密码太常见或基于字典词，容易被猜中 \(too common or based on a dictionary word: .+\)$/m],
    ['password', /密码太常见.*dictionary word/],
    ['qwertyuiop', /密码太常见/],
    ['Vx2m#q', /密码太短，至少 8 个字符 \(at least 8 characters\)/],
    ['weakling', /密码不能是登录名 \(must not be the login name\)/],
    ['GNILKAEW', /密码不能是登录名/],
  ];
  for (const [password, re] of cases) {
    const r = run(['user', 'add', '--db', db, '--login', 'weakling', '--role', 'admin', '--password-stdin'], { input: `${password}\n` });
    assert.equal(r.status, 1, `${password}: ${r.stderr}`);
    assert.match(r.stderr, re, password);
    const p = run(['user', 'passwd', 'bystander', '--db', db, '--password-stdin'], { input: `${{ weakling: 'bystander', GNILKAEW: 'REDNATSYB' }[password] || password}\n` });
    assert.equal(p.status, 1, `passwd ${password}: ${p.stderr}`);
    assert.match(p.stderr, /password: 密码/);
  }
  // the demo's password, and the kind the tests use, pass
  ok(['user', 'add', '--db', db, '--login', 'weakling', '--role', 'admin', '--password-stdin'], { input: 'dualtrack-demo\n' });
  ok(['user', 'passwd', 'weakling', '--db', db, '--password-stdin'], { input: `${pw('weakling')}\n` });
});
