// http_limits.test.mjs - request bodies refused before they are read,
// uploads kept in a temporary file, /metrics behind its token, and the
// headers every answer carries.  Raw sockets where the test needs to see
// what the server does before the body is sent (node's fetch sends the
// whole body first).
//
// One server with small limits (--max-body 65536, --max-upload 300000,
// TMPDIR of its own so that its upload directory can be looked at), and one
// with the default limits for the memory test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import {
  client, expectProblem, expectStatus, fails, freePort, freshDb, ok, okAsync, orgBody, sleep, startServer, tmpdir, uscc,
} from './helpers.mjs';

const MAX_BODY = 65536;
const MAX_UPLOAD = 300000;

let d; // freshDb()
let tmp; // the small server's TMPDIR
let srv; // the small server
let api;
let token; // an admin's bearer token

before(async () => {
  d = freshDb('dualtrack-limits-');
  tmp = path.join(d.dir, 'tmp');
  fs.mkdirSync(tmp);
  await okAsync(['user', 'add', '--db', d.db, '--login', 'adm', '--role', 'admin', '--password-stdin'], { input: 'pw-adm-2026-long!\n' });
  token = ok(['token', 'create', '--db', d.db, '--login', 'adm', '--expires', '1']).trim().split('\n').at(-1);
  srv = await startServer(d.db, {
    extra: ['--max-body', String(MAX_BODY), '--max-upload', String(MAX_UPLOAD)],
    env: { TMPDIR: tmp },
  });
  api = client(srv.base);
});

after(async () => {
  if (srv) assert.equal((await srv.stop()).code, 0, srv.output());
});

// ---- raw HTTP ----

/*
 * Send @head (the request line and headers, without the blank line) to
 * @port, then let @feed(write, answered) send the body while it likes:
 * write(buf) resolves when the socket took the bytes (false once it is
 * closed), answered() is true once a response has come.  Resolves with the
 * response { status, headers, text, json }, the body bytes written (sent),
 * whether the connection was closed, and how long the answer took; rejects
 * when no answer came within @timeoutMs.
 */
function exchange(port, head, feed = async () => {}, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const t0 = Date.now();
    let buf = Buffer.alloc(0);
    let res = null;
    let closed = false;
    let sent = 0;
    let done = false;
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms (${sent} body bytes sent)`)), timeoutMs);
    function finish(err) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve({ ...res, sent, closed });
    }
    function parse() {
      if (res && res.complete) return;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const headers = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      const len = Number(headers['content-length'] || 0);
      if (buf.length < end + 4 + len) return;
      const text = buf.subarray(end + 4, end + 4 + len).toString('utf8');
      let json;
      if (/json/.test(headers['content-type'] || '')) json = JSON.parse(text);
      res = { status, headers, text, json, ms: Date.now() - t0, complete: true };
      // wait for the close when the server said it would close
      if (!/close/i.test(headers.connection || '') || closed) finish();
    }
    sock.on('data', (d2) => { buf = Buffer.concat([buf, d2]); parse(); });
    sock.on('error', () => {}); // a reset after the answer is the server's right
    sock.on('close', () => {
      closed = true;
      if (res) finish();
      else finish(new Error(`closed without an answer (${sent} body bytes sent)`));
    });
    const write = (b) => new Promise((ok2) => {
      if (closed || sock.destroyed) { ok2(false); return; }
      sock.write(b, (e) => { if (!e) sent += b.length; ok2(!e); });
    });
    sock.on('connect', async () => {
      sock.write(`${head}\r\n\r\n`);
      try { await feed(write, () => res !== null || closed); } catch { /* the server closed */ }
    });
  });
}

const headOf = (method, p, headers) => [`${method} ${p} HTTP/1.1`, 'Host: 127.0.0.1', ...headers].join('\r\n');

// Feed chunks of @size bytes (chunked encoding) every @pauseMs until answered or @max bytes went.
const chunkFeeder = (size, pauseMs, max) => async (write, answered) => {
  const chunk = Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), Buffer.alloc(size, 97), Buffer.from('\r\n')]);
  let body = 0;
  while (!answered() && body < max) {
    if (!(await write(chunk))) return;
    body += size;
    await sleep(pauseMs);
  }
  if (!answered()) await write(Buffer.from('0\r\n\r\n'));
};

// Feed @total bytes of body as fast as the socket takes them, until answered.
const bulkFeeder = (total) => async (write, answered) => {
  const piece = Buffer.alloc(1 << 20, 98);
  for (let n = 0; n < total && !answered();) {
    const b = total - n < piece.length ? piece.subarray(0, total - n) : piece;
    if (!(await write(b))) return;
    n += b.length;
  }
};

function vm(pid, key) {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) * 1024;
}

// The server's open descriptors that point into its upload directory: [{ fd, target }].
function uploadFds(pid) {
  const out = [];
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let target;
    try { target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { continue; }
    if (target.startsWith(tmp)) out.push({ fd, target });
  }
  return out;
}

function orgCsv(n) {
  const rows = ['机构类型,统一社会信用代码,名称,所在地区'];
  for (let i = 0; i < n; i++) rows.push(`企业,${uscc('210104', orgBody())},沈阳大东上传测试有限公司${i},210104`);
  return `${rows.join('\n')}\n`;
}

async function waitJob(id) {
  const end = Date.now() + 60000;
  for (;;) {
    const r = expectStatus(await api.get(`/api/v1/jobs/${id}`, { token }), 200);
    if (['succeeded', 'failed', 'cancelled'].includes(r.json.status)) return r.json;
    assert.ok(Date.now() < end, `job ${id} still ${r.json.status}`);
    await sleep(50);
  }
}

function expectRawProblem(r, status, detail) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers['content-type'], /^application\/problem\+json/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.json.status, status);
  if (detail) assert.match(r.json.detail, detail);
}

// ---- bodies refused before they are read ----

test('a Content-Length over the route\'s limit is answered 413 at once, before any of the body, and the connection closed', async () => {
  const cases = [
    // a JSON route: --max-body
    [headOf('POST', '/api/v1/session', ['Content-Type: application/json', 'Content-Length: 262144000']), /larger than 65536 bytes/],
    // the upload route, anonymous: --max-body too
    [headOf('POST', '/api/v1/imports?kind=organizations', ['Content-Length: 262144000']), /larger than 65536 bytes/],
    // the upload route, signed in: --max-upload
    [headOf('POST', '/api/v1/imports?kind=organizations', [`Authorization: Bearer ${token}`, `Content-Length: ${MAX_UPLOAD + 1000}`]), /larger than 300000 bytes/],
    // a route that takes no body
    [headOf('DELETE', '/api/v1/trainees/1', [`Authorization: Bearer ${token}`, 'Content-Length: 100000']), /takes no body/],
  ];
  for (const [head, detail] of cases) {
    const r = await exchange(srv.port, head, async () => {}, 3000); // the body is never sent
    expectRawProblem(r, 413, detail);
    assert.equal(r.sent, 0);
    assert.match(r.headers.connection, /close/i);
    assert.ok(r.closed, 'the connection is closed');
  }
  // the limit is exact: one byte over is refused, the limit itself is read and judged
  let r = await exchange(srv.port, headOf('POST', '/api/v1/session', ['Content-Type: application/json', `Content-Length: ${MAX_BODY + 2}`]), async () => {}, 3000);
  expectRawProblem(r, 413, /larger than 65536 bytes/);
  r = expectStatus(await api.request('POST', '/api/v1/session', { raw: '{"login":"x","password":"wrong-password"}'.padEnd(MAX_BODY, ' ') }), 401);
  r = await api.request('POST', '/api/v1/session', { raw: ' '.repeat(MAX_BODY + 1) });
  expectProblem(r, 413);
  expectStatus(await api.get('/healthz'), 200);
});

test('a client that sends its body anyway still reads the 413 (the refused connection is drained, not reset)', async () => {
  const big = Buffer.alloc(2 * 1024 * 1024, 120);
  for (let i = 0; i < 3; i++) {
    const r = await api.request('POST', '/api/v1/session', { raw: big });
    assert.match(expectProblem(r, 413).detail, /larger than 65536 bytes/);
  }
});

test('a chunked body is refused with 413 as soon as it passes the limit', async () => {
  const cases = [
    [headOf('POST', '/api/v1/session', ['Content-Type: application/json', 'Transfer-Encoding: chunked']), /larger than 65536 bytes/],
    [headOf('POST', '/api/v1/imports?kind=organizations', [`Authorization: Bearer ${token}`, 'Transfer-Encoding: chunked']), /larger than 300000 bytes/],
    [headOf('POST', '/api/v1/imports?kind=organizations', ['Transfer-Encoding: chunked']), /larger than 65536 bytes/],
  ];
  for (const [head, detail] of cases) {
    // 16 KiB every 2 ms, up to 24 MiB (more than h2o's own limit before: it read them all).
    // The answer must come long before: "sent" counts what the kernel took, and its
    // buffers on loopback hold a few MiB that the server has not read yet.
    const r = await exchange(srv.port, head, chunkFeeder(16384, 2, 24 << 20), 30000);
    expectRawProblem(r, 413, detail);
    assert.ok(r.sent < 8 << 20, `answered only after ${r.sent} body bytes`);
  }
  // a broken chunk on the upload route is a 400
  const r = await exchange(srv.port, headOf('POST', '/api/v1/imports?kind=organizations', [`Authorization: Bearer ${token}`, 'Transfer-Encoding: chunked']),
    async (write) => { await write(Buffer.from('10\r\nabcdefghijklmnop\r\nzz\r\n')); });
  expectRawProblem(r, 400, /chunked/);
});

test('an upload of exactly --max-upload bytes is taken, one byte more is not, with Content-Length or chunked', async () => {
  let csv = orgCsv(3);
  csv += 'x'.repeat(MAX_UPLOAD - Buffer.byteLength(csv)); // a last row the import will refuse
  assert.equal(Buffer.byteLength(csv), MAX_UPLOAD);
  const auth = { token, headers: { 'content-type': 'text/csv' } };
  let r = expectStatus(await api.request('POST', '/api/v1/imports?kind=organizations', { ...auth, raw: csv }), 202);
  assert.equal(r.json.params.bytes, MAX_UPLOAD);
  await waitJob(r.json.id);
  r = await api.request('POST', '/api/v1/imports?kind=organizations', { ...auth, raw: `${csv}x` });
  assert.match(expectProblem(r, 413).detail, /larger than 300000 bytes/);

  const chunked = (body) => exchange(srv.port, headOf('POST', '/api/v1/imports?kind=organizations', [`Authorization: Bearer ${token}`, 'Transfer-Encoding: chunked']),
    async (write) => {
      const b = Buffer.from(body);
      for (let at = 0; at < b.length; at += 50000) {
        const part = b.subarray(at, at + 50000);
        await write(Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]));
      }
      await write(Buffer.from('0\r\n\r\n'));
    }, 10000);
  r = await chunked(csv);
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.params.bytes, MAX_UPLOAD);
  await waitJob(r.json.id);
  expectRawProblem(await chunked(`${csv}x`), 413, /larger than 300000 bytes/);
});

test('an import is read from a temporary file (0600, in the server\'s own directory), gone once the job ends', async () => {
  const csv = orgCsv(20);
  const before = expectStatus(await api.get('/api/v1/organizations?limit=1000', { token }), 200).json.items.length;
  let seenFile = null;
  const r = await exchange(srv.port, headOf('POST', '/api/v1/imports?kind=organizations&name=orgs.csv', [`Authorization: Bearer ${token}`, 'Transfer-Encoding: chunked']),
    async (write) => {
      const b = Buffer.from(csv);
      const half = b.length >> 1;
      await write(Buffer.concat([Buffer.from(`${half.toString(16)}\r\n`), b.subarray(0, half), Buffer.from('\r\n')]));
      // half of the body is in: it is in a file, not in the server's memory
      for (let i = 0; i < 50 && !seenFile; i++) {
        await sleep(20);
        seenFile = uploadFds(srv.proc.pid)[0] || null;
      }
      if (seenFile) seenFile.mode = fs.statSync(`/proc/${srv.proc.pid}/fd/${seenFile.fd}`).mode & 0o777;
      const rest = b.subarray(half);
      await write(Buffer.concat([Buffer.from(`${rest.length.toString(16)}\r\n`), rest, Buffer.from('\r\n0\r\n\r\n')]));
    }, 10000);
  assert.equal(r.status, 202, r.text);
  assert.ok(seenFile, 'no temporary file of the upload while its body arrived');
  assert.match(seenFile.target, new RegExp(`^${tmp}/dualtrack-uploads-[^/]+/body-[^/]+ \\(deleted\\)$`));
  assert.equal(seenFile.mode, 0o600);
  const job = await waitJob(r.json.id);
  assert.equal(job.status, 'succeeded', JSON.stringify(job));
  assert.equal(job.counts.written, 20);
  const now = expectStatus(await api.get('/api/v1/organizations?limit=1000', { token }), 200).json.items.length;
  assert.equal(now, before + 20);
  // the job closed the file: no descriptor left, and no name in the directory
  assert.deepEqual(uploadFds(srv.proc.pid), []);
  const dirs = fs.readdirSync(tmp).filter((n) => n.startsWith('dualtrack-uploads-'));
  assert.equal(dirs.length, 1);
  assert.equal(fs.statSync(path.join(tmp, dirs[0])).mode & 0o777, 0o700);
  assert.deepEqual(fs.readdirSync(path.join(tmp, dirs[0])), []);
  // a refused upload leaves nothing either
  expectProblem(await api.request('POST', '/api/v1/imports?kind=widgets', { token, raw: csv }), 422);
  assert.deepEqual(uploadFds(srv.proc.pid), []);
});

test('memory: after 4 concurrent anonymous 100 MiB POSTs (2 with Content-Length, 2 chunked) the server\'s peak RSS is under 200 MB', async () => {
  const big = await startServer(d.db, { env: { TMPDIR: tmp } }); // default limits: 1 MiB, 256 MiB uploads
  try {
    const size = 100 << 20;
    const runs = [
      exchange(big.port, headOf('POST', '/api/v1/session', ['Content-Type: application/json', `Content-Length: ${size}`]), bulkFeeder(size), 60000),
      exchange(big.port, headOf('POST', '/api/v1/imports?kind=trainees', [`Content-Length: ${size}`]), bulkFeeder(size), 60000),
      exchange(big.port, headOf('POST', '/api/v1/session', ['Content-Type: application/json', 'Transfer-Encoding: chunked']), chunkFeeder(1 << 20, 0, size), 60000),
      exchange(big.port, headOf('POST', '/api/v1/imports?kind=trainees', ['Transfer-Encoding: chunked']), chunkFeeder(1 << 20, 0, size), 60000),
    ];
    const results = await Promise.allSettled(runs);
    const hwm = vm(big.proc.pid, 'VmHWM');
    assert.ok(hwm < 200e6, `peak RSS ${Math.round(hwm / 1e6)} MB`);
    for (const x of results) if (x.status === 'fulfilled') assert.equal(x.value.status, 413, x.value.text);
    expectStatus(await client(big.base).get('/healthz'), 200);
  } finally {
    assert.equal((await big.stop()).code, 0, big.output());
  }
});

// ---- /metrics ----

test('/metrics is 404 on a server without --metrics-token-file; a weak token file is refused', async () => {
  const p = expectProblem(await api.get('/metrics'), 404);
  assert.equal(p.detail, 'no such route');
  expectProblem(await api.get('/metrics', { token }), 404);
  const f = path.join(d.dir, 'weak.token');
  fs.writeFileSync(f, 'short\n');
  fails(['serve', '--db', d.db, '--listen', '127.0.0.1:1', '--metrics-token-file', f], 2, /at least 16 characters/);
  fs.writeFileSync(f, 'has a blank in it here\n');
  fails(['serve', '--db', d.db, '--listen', '127.0.0.1:1', '--metrics-token-file', f], 2, /blank/);
  fails(['serve', '--db', d.db, '--listen', '127.0.0.1:1', '--metrics-token-file', path.join(d.dir, 'missing')], 1);
});

test('serve --metrics-listen: /metrics there without a token, nothing else; the main listener still 404', async () => {
  const mport = await freePort();
  const m = await startServer(d.db, { extra: ['--metrics-listen', `127.0.0.1:${mport}`], env: { TMPDIR: tmp } });
  try {
    assert.match(m.stdout(), new RegExp(`metrics on http://127\\.0\\.0\\.1:${mport}/metrics`));
    const main = client(m.base);
    expectProblem(await main.get('/metrics'), 404);
    expectStatus(await main.get('/healthz'), 200);
    const mc = client(`http://127.0.0.1:${mport}`);
    const r = expectStatus(await mc.get('/metrics'), 200);
    assert.match(r.text, /^dualtrack_http_requests_total\{route="\/healthz",status="200"\} [1-9]\d*$/m);
    for (const p of ['/healthz', '/api/v1/trainees', '/', '/api/openapi.json']) {
      assert.match(expectProblem(await mc.get(p, { token }), 404).detail, /serves GET \/metrics only/, p);
    }
    expectProblem(await mc.request('POST', '/metrics', { token, body: {} }), 404);
  } finally {
    assert.equal((await m.stop()).code, 0, m.output());
  }
  fails(['serve', '--db', d.db, '--listen', '127.0.0.1:18080', '--metrics-listen', '127.0.0.1:18080'], 2, /is the --listen port/);
  fails(['serve', '--db', d.db, '--metrics-listen', 'nowhere:1'], 2, /--metrics-listen: 'nowhere' is not an IPv4 address|--metrics-listen: nowhere is not an IPv4 address/);
});

// ---- headers ----

test('answers carry nosniff; exports, job reports and records no-store; the web application keeps its cache headers', async () => {
  const csv = orgCsv(1) + '企业,bad,x,210104\n';
  const job = expectStatus(await api.request('POST', '/api/v1/imports?kind=organizations&partial=1', { token, raw: csv }), 202).json;
  await waitJob(job.id);
  for (const p of ['/api/v1/exports/organizations.csv', `/api/v1/jobs/${job.id}/report`, '/api/v1/organizations', '/api/v1/session', '/api/v1/nope']) {
    const r = await api.get(p, { token });
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
    assert.match(r.headers.get('cache-control') || '', /no-store/, p);
  }
  for (const p of ['/healthz', '/api/openapi.json']) {
    const r = expectStatus(await api.get(p), 200);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
  }
  const index = await fetch(`${srv.base}/app/`);
  const html = await index.text();
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const asset = /\/assets\/[^"']+\.js/.exec(html);
  assert.ok(asset, 'index.html names a script');
  const a = await fetch(srv.base + asset[0]);
  await a.arrayBuffer();
  assert.equal(a.status, 200);
  assert.equal(a.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.ok(tmpdir);
});
