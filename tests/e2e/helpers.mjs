// helpers.mjs - shared helpers of the end-to-end tests: the binary, temporary
// directories and fresh databases, valid identifiers computed independently of
// the C code, a free port, starting and stopping `dualtrack serve`, and a
// fetch wrapper that checks what every response must carry.  withEnv() gives
// the same helpers for a file whose every child needs more in its environment.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

export const BIN = path.resolve(process.env.DUALTRACK_BIN || 'build/dualtrack');
export const TODAY = '2026-11-26';

export function baseEnv() {
  const env = { ...process.env, DUALTRACK_TODAY: TODAY, USER: 'tester' };
  delete env.DUALTRACK_DB;
  delete env.DUALTRACK_KEY_FILE;
  return env;
}

// Temporary directories, removed when the run ends (kept with KEEP_TMP=1).
const made = [];
process.on('exit', () => {
  if (process.env.KEEP_TMP) return;
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

export function tmpdir(prefix = 'dualtrack-e2e-') {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

// Run the binary synchronously; returns { status, stdout, stderr }.
// The environment of a command with @args: on a PostgreSQL database given
// with --db and no --key-file, DUALTRACK_KEY_FILE names its key file (NAME.key
// in os.tmpdir(), where dualtrack's own rule puts it when run from there), so
// that a test's working folder does not change which key is used.
export function envFor(args, env) {
  const e = { ...baseEnv(), ...(env || {}) };
  const i = args.indexOf('--db');
  const db = i >= 0 ? args[i + 1] : e.DUALTRACK_DB;
  if (db && db.startsWith('postgresql://') && !args.includes('--key-file') && !e.DUALTRACK_KEY_FILE) {
    e.DUALTRACK_KEY_FILE = keyPath(db);
    if (!e.DUALTRACK_SIGNING_KEY) e.DUALTRACK_SIGNING_KEY = keyPath(db).replace(/\.key$/, '.signing.key');
  }
  return e;
}

export function run(args, { cwd, env, input } = {}) {
  const r = spawnSync(BIN, args, {
    cwd: cwd || os.tmpdir(),
    env: envFor(args, env),
    input,
    encoding: 'utf8',
    timeout: 120000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Run and insist on exit 0; returns { status, stdout, stderr }.
export function okRun(args, opts) {
  const r = run(args, opts);
  assert.equal(r.status, 0, `dualtrack ${args.join(' ')} exited ${r.status}\n${r.stderr}${r.stdout}`);
  return r;
}

// Run and insist on exit 0; returns stdout.
export function ok(args, opts) {
  return okRun(args, opts).stdout;
}

// Run expecting exit @status and (when @re is given) stderr matching @re;
// returns { status, stdout, stderr }.
export function fails(args, status, re, opts) {
  const r = run(args, opts);
  assert.equal(r.status, status, `dualtrack ${args.join(' ')}: expected exit ${status}, got ${r.status}\n${r.stderr}${r.stdout}`);
  if (re) assert.match(r.stderr, re);
  return r;
}

// ---- the storage backend ----
//
// With DUALTRACK_TEST_BACKEND=pgsql and DUALTRACK_TEST_PG set to a
// PostgreSQL server's base URI (as scripts/pgtmp.sh prints it), every database a test makes through dbPath()
// is a new PostgreSQL database on that server instead of a SQLite file, and
// the same tests run against the other backend.  Its key file is then
// NAME.key in the current folder of the command (os.tmpdir() unless a test
// gives another), as dualtrack's rule for a URI has it.  The databases are
// dropped when the run ends.
export const PG = process.env.DUALTRACK_TEST_BACKEND === 'pgsql' ? process.env.DUALTRACK_TEST_PG || '' : '';
const pgMade = [];
let pgSerial = 0;
process.on('exit', () => {
  if (!PG || process.env.KEEP_TMP) return;
  for (const name of pgMade) {
    spawnSync('psql', ['-X', '-q', '-c', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, `${PG}/postgres`],
      { encoding: 'utf8' });
  }
});

// Where a test's database goes: DIR/dualtrack.db, or a new PostgreSQL database.
export function dbPath(dir) {
  if (!PG) return path.join(dir, 'dualtrack.db');
  const name = `dt_e2e_${process.pid}_${++pgSerial}`;
  pgMade.push(name);
  made.push(path.join(os.tmpdir(), `${name}.key`), path.join(os.tmpdir(), `${name}.signing.key`));
  return `${PG}/${name}`;
}

// The key file dualtrack uses by default for database @db (run from os.tmpdir()).
export function keyPath(db) {
  if (db.startsWith('postgresql://')) return path.join(os.tmpdir(), `${db.slice(db.lastIndexOf('/') + 1)}.key`);
  return path.join(path.dirname(db), 'dualtrack.key');
}

// A fresh temporary directory with an initialised SQLite database file, on
// either pass: for the tests that look at or tamper with the file itself
// (the sqlite3 shell, copies of the file, its permissions), which the
// PostgreSQL pass cannot do the same way.  Returns what freshDb() does.
export function freshFileDb(prefix, opts) {
  const dir = tmpdir(prefix);
  const db = path.join(dir, 'dualtrack.db');
  ok(['init', '--db', db], opts);
  return { dir, db, key: path.join(dir, 'dualtrack.key'), args: ['--db', db] };
}

// A fresh temporary directory with an initialised database; returns
// { dir, db, key, args } where args is ['--db', db].  @opts go to run().
export function freshDb(prefix, opts) {
  const dir = tmpdir(prefix);
  const db = dbPath(dir);
  const key = keyPath(db);
  ok(['init', '--db', db], opts);
  return { dir, db, key, args: ['--db', db] };
}

// A fresh database holding the demo pilot; returns { dir, db, key, args, out }
// (out: what `demo` printed, with the sign-ins).  On PostgreSQL the demo is
// made in a SQLite file and moved with `dualtrack copy` (which checks counts
// and the audit chain): the same pilot, in a fraction of the time the demo
// takes writing record by record over the network.
export async function demoDb(prefix) {
  const dir = tmpdir(prefix);
  const file = path.join(dir, PG ? 'demo.db' : 'dualtrack.db');
  const out = await demoTemplate(dir, path.basename(file));
  if (!PG) return { dir, db: file, key: keyPath(file), args: ['--db', file], out };
  const db = dbPath(dir);
  await okAsync(['copy', '--from', file, '--to', db]);
  return { dir, db, key: keyPath(db), args: ['--db', db], out };
}

// The demo pilot is made once per binary and copied to each test that asks
// for one (`dualtrack demo` takes minutes under the sanitizers, and several
// files use it).  The first process to get the lock (a directory made with
// mkdir) makes it in a folder beside the binary, named by the binary's size
// and time; the others wait for it.  Copies its files (the SQLite file and
// its key files) into @dir, the database named @name; returns what `demo`
// printed.
async function demoTemplate(dir, name) {
  const st = fs.statSync(BIN);
  const base = path.join(path.dirname(BIN), 'e2e-demo', `${st.size}-${Math.round(st.mtimeMs)}`);
  const done = path.join(base, 'demo.out');
  const lock = `${base}.lock`;
  fs.mkdirSync(path.dirname(base), { recursive: true });
  for (let waited = 0; !fs.existsSync(done); waited += 200) {
    let mine = false;
    try {
      fs.mkdirSync(lock);
      mine = true;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    if (mine) {
      try {
        if (!fs.existsSync(done)) {
          // Older demos of older binaries go.
          for (const old of fs.readdirSync(path.dirname(base))) {
            if (!old.endsWith('.lock') && path.join(path.dirname(base), old) !== base) {
              fs.rmSync(path.join(path.dirname(base), old), { recursive: true, force: true });
            }
          }
          fs.rmSync(base, { recursive: true, force: true });
          fs.mkdirSync(base);
          const file = path.join(base, 'dualtrack.db');
          await okAsync(['init', '--db', file]);
          const out = await okAsync(['demo', '--db', file]);
          fs.writeFileSync(`${done}.tmp`, out);
          fs.renameSync(`${done}.tmp`, done);
        }
      } finally {
        fs.rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    // A lock left by a run that was killed: taken over after 30 minutes.
    try {
      if (Date.now() - fs.statSync(lock).mtimeMs > 30 * 60 * 1000) fs.rmSync(lock, { recursive: true, force: true });
    } catch { /* gone meanwhile */ }
    if (waited > 45 * 60 * 1000) throw new Error(`no demo pilot in ${base} after 45 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  for (const f of fs.readdirSync(base)) {
    if (f === 'demo.out') continue;
    fs.copyFileSync(path.join(base, f), path.join(dir, f === 'dualtrack.db' ? name : f.replace(/^dualtrack\.db/, name)));
  }
  return fs.readFileSync(done, 'utf8');
}

// The same without blocking the event loop (a server of ours may be answering).
export function runAsync(args, { env, input } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, args, { cwd: os.tmpdir(), env: envFor(args, env) });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    p.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
    // A command that does not read its input may exit before it is written: EPIPE, not a failure.
    p.stdin.on('error', (e) => { if (e.code !== 'EPIPE') reject(e); });
    p.stdin.end(input ?? '');
  });
}

export async function okAsync(args, opts) {
  const r = await runAsync(args, opts);
  assert.equal(r.status, 0, `dualtrack ${args.join(' ')} exited ${r.status}\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

// Run @sql on database @db from outside dualtrack: the sqlite3 shell on a
// file, psql on a PostgreSQL URI (rows as lines, columns joined by "|", as
// the sqlite3 shell prints them).
export function sqlite(db, sql) {
  const r = db.startsWith('postgresql://')
    ? spawnSync('psql', ['-X', '-q', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-c', sql, db], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, sql], { encoding: 'utf8' });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `${db.startsWith('postgresql://') ? 'psql' : 'sqlite3'} failed: ${r.stderr}`);
  return r.stdout.trim();
}

// ---- the audit trail's payloads, read from outside dualtrack ----

// Audit dictionary 1 (docs/ARCHITECTURE.md, "The audit log"): the bytes of its file
// after the head comment's empty line.
export const AUDIT_DICT1 = (() => {
  const f = fs.readFileSync(new URL('../../src/store/audit-dict-1.txt', import.meta.url));
  return f.subarray(f.indexOf('\n\n') + 2);
})();

// Format 5's bytes @b unpacked with node's zlib alone: the dictionary number (1), then
// raw deflate of the two payloads, each a 4-byte little-endian length (0xFFFFFFFF:
// NULL) and its bytes.  [before, after] as text or null; throws on anything else.
export function auditUnpack5(b) {
  assert.equal(b[0], 1, 'dictionary 1');
  const raw = zlib.inflateRawSync(b.subarray(1), { dictionary: AUDIT_DICT1 });
  const parts = [];
  let at = 0;
  for (let i = 0; i < 2; i++) {
    const n = raw.readUInt32LE(at);
    at += 4;
    parts.push(n === 0xffffffff ? null : raw.subarray(at, at + n).toString('utf8'));
    if (n !== 0xffffffff) at += n;
  }
  assert.equal(at, raw.length, 'the two parts and nothing else');
  return parts;
}

// The payloads of event row @e (before, after, packed as hex or null) as text,
// whatever its format (@v5: meta's audit_v5_from): [before, after].
export function auditPayloads(e, v5) {
  if (e.packed && e.id >= v5) return auditUnpack5(Buffer.from(e.packed, 'hex'));
  if (e.packed) return [e.before, zlib.inflateSync(Buffer.from(e.packed, 'hex').subarray(4)).toString('utf8')];
  return [e.before, e.after];
}

// The events of @db matching @where (SQL), their payloads as text: [{ id, before, after }].
export function auditTexts(db, where = '1 = 1') {
  const pg = db.startsWith('postgresql://');
  const v5 = Number(sqlite(db, "SELECT coalesce(max(CAST(value AS BIGINT)), 0) FROM meta WHERE key = 'audit_v5_from'")) || Infinity;
  let rows;
  if (pg) {
    rows = JSON.parse(sqlite(db, `SELECT coalesce(json_agg(json_build_object('id', id, 'before', before,
      'after', after, 'packed', encode(packed, 'hex')) ORDER BY id), '[]') FROM audit WHERE ${where}`));
  } else {
    const r = spawnSync('sqlite3', ['-json', '-cmd', '.timeout 5000', db, `SELECT id, before, after,
      CASE WHEN packed IS NOT NULL THEN lower(hex(packed)) END AS packed FROM audit WHERE ${where} ORDER BY id`],
    { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, r.stderr);
    rows = r.stdout.trim() ? JSON.parse(r.stdout) : [];
  }
  return rows.map((e) => {
    const [before, after] = auditPayloads(e, v5);
    return { id: e.id, before, after };
  });
}

// How many events of @db matching @where hold @needle in their before or after.
export function auditGrep(db, where, needle) {
  return auditTexts(db, where).filter((e) => `${e.before ?? ''}\n${e.after ?? ''}`.includes(needle)).length;
}

// ---- identifiers (computed independently of the C code) ----

const USCC_SET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_W = [3, 7, 9, 10, 5, 8, 4, 2];

// GB 11714 check character of an 8-character organisation code body.
export function orgCheck(body) {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body[i];
    const v = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55;
    sum += v * ORG_W[i];
  }
  const c9 = 11 - (sum % 11);
  return c9 === 10 ? 'X' : c9 === 11 ? '0' : String(c9);
}

// A valid GB 32100 code: authority 9, type 1, @region, organisation body @body (8 chars).
export function uscc(region, body) {
  const first17 = '91' + region + body + orgCheck(body);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_SET.indexOf(first17[i]) * USCC_W[i];
  return first17 + USCC_SET[(31 - (sum % 31)) % 31];
}

// An 8-character organisation code body that no other call of this run returned.
let bodySeq = 0;
export function orgBody() {
  bodySeq++;
  return ('MA' + (process.pid % 1000).toString().padStart(3, '0') + bodySeq.toString().padStart(3, '0')).slice(0, 8);
}

const NATID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
// A valid GB 11643 ID: @region (6 digits), @birth YYYYMMDD, @seq (3 digits).
export function natid(region, birth, seq) {
  const first17 = region + birth + seq;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * NATID_W[i];
  return first17 + '10X98765432'[sum % 11];
}

export function natidValid(id) {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * NATID_W[i];
  return '10X98765432'[sum % 11] === id[17];
}

// ---- the server ----

// A TCP port nobody listens on right now (the kernel's pick).
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Start `dualtrack serve` on a free port and wait for /healthz; @env is added
// to its environment.  Returns { proc, port, base, output(), stdout(),
// stderr(), stop() }: output() is both streams as they came.  stop() sends
// SIGTERM, SIGKILL after @timeoutMs, and resolves with { code, signal,
// timedOut }.
export async function startServer(db, { threads = 2, extra = [], env } = {}) {
  const port = await freePort();
  const args = ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--threads', String(threads), ...extra];
  const proc = spawn(BIN, args, {
    cwd: os.tmpdir(),
    env: envFor(args, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (d) => { out += d; stdout += d; });
  proc.stderr.setEncoding('utf8').on('data', (d) => { out += d; stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  let gone = null;
  exited.then((r) => { gone = r; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (gone) throw new Error(`dualtrack serve exited ${JSON.stringify(gone)} before answering:\n${out}`);
    try {
      const r = await fetch(`${base}/healthz`);
      await r.arrayBuffer();
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`dualtrack serve did not answer /healthz within 15 s:\n${out}`);
    }
    await sleep(50);
  }
  return {
    proc,
    port,
    base,
    output: () => out,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(timeoutMs = 15000) {
      if (gone) return { ...gone, timedOut: false };
      proc.kill('SIGTERM');
      let timedOut = false;
      const t = setTimeout(() => { timedOut = true; proc.kill('SIGKILL'); }, timeoutMs);
      const r = await exited;
      clearTimeout(t);
      return { ...r, timedOut };
    },
  };
}

// ---- a file's own environment ----

// The helpers that start the binary, each with @extra added to the child's
// environment (a call's own env still wins): for a file whose every run
// needs the same setting, e.g. withEnv({ DUALTRACK_LOG: 'json' }).
export function withEnv(extra) {
  const merge = (opts = {}) => ({ ...opts, env: { ...extra, ...(opts.env || {}) } });
  return {
    run: (args, opts) => run(args, merge(opts)),
    ok: (args, opts) => ok(args, merge(opts)),
    okRun: (args, opts) => okRun(args, merge(opts)),
    fails: (args, status, re, opts) => fails(args, status, re, merge(opts)),
    runAsync: (args, opts) => runAsync(args, merge(opts)),
    okAsync: (args, opts) => okAsync(args, merge(opts)),
    freshDb: (prefix, opts) => freshDb(prefix, merge(opts)),
    startServer: (db, opts) => startServer(db, merge(opts)),
  };
}

// ---- HTTP ----

// Every response seen, for checks that span the whole run.
export const seen = { responses: 0, listOk: 0 };
const LIST_PATH = /^\/api\/v1\/(regions|occupations|pilots|organizations|programmes|partnerships|demands|places|trainees|contracts|record-entries|assessments|outcomes)(\?.*)?$/;

// An HTTP client for @base.  request() returns { status, headers, text, json }
// and asserts that the response carries an X-Request-Id of 32 hex digits.
export function client(base) {
  // Answers are asked for in English (most tests read English wording); a
  // test of the default language passes headers { 'accept-language': null }.
  async function request(method, p, { token, body, raw, headers = {} } = {}) {
    const h = { 'accept-language': 'en', ...headers };
    for (const k of Object.keys(h)) if (h[k] === null) delete h[k];
    if (token) h.authorization = `Bearer ${token}`;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined && !h['content-type']) h['content-type'] = 'application/json';
    const res = await fetch(base + p, { method, headers: h, body: payload });
    const text = await res.text();
    let json;
    const ct = res.headers.get('content-type') || '';
    if (/json/.test(ct) && text.length) {
      try { json = JSON.parse(text); } catch (e) { assert.fail(`${method} ${p}: ${res.status} with a ${ct} body that is not JSON: ${text.slice(0, 200)}`); }
    }
    const rid = res.headers.get('x-request-id');
    assert.match(rid || '', /^[0-9a-f]{32}$/, `${method} ${p} (${res.status}): X-Request-Id ${rid}`);
    if (json && json.instance !== undefined) assert.equal(json.instance, rid, `${method} ${p}: problem instance`);
    // the web application's files set their own headers; every other answer says nosniff,
    // and a signed-in caller's answers under /api/v1 are not to be stored by any cache
    if (!/^text\/html|javascript|^text\/css|^image\//.test(ct) || p.startsWith('/api/')) {
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${method} ${p} (${res.status}): X-Content-Type-Options`);
    }
    if (token && p.startsWith('/api/v1/')) {
      assert.match(res.headers.get('cache-control') || '', /no-store/, `${method} ${p} (${res.status}): Cache-Control`);
    }
    seen.responses++;
    if (method === 'GET' && res.status === 200 && LIST_PATH.test(p)) seen.listOk++;
    return { status: res.status, headers: res.headers, text, json, method, path: p };
  }
  return {
    request,
    get: (p, o) => request('GET', p, o),
    post: (p, body, o = {}) => request('POST', p, { ...o, body }),
    patch: (p, body, o = {}) => request('PATCH', p, { ...o, body }),
    del: (p, o) => request('DELETE', p, o),
  };
}

// Assert @r has status @status; the message shows the body.
export function expectStatus(r, status, what = '') {
  assert.equal(r.status, status, `${what}${what ? ': ' : ''}${r.method} ${r.path} answered ${r.status}, expected ${status}: ${r.text.slice(0, 600)}`);
  return r;
}

// Assert @r is an RFC 9457 problem with @status.
export function expectProblem(r, status, what = '') {
  expectStatus(r, status, what);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/, `${r.method} ${r.path}: content-type`);
  assert.equal(r.json.status, status);
  assert.equal(r.json.type, 'about:blank');
  assert.equal(typeof r.json.title, 'string');
  assert.equal(typeof r.json.detail, 'string');
  return r.json;
}
