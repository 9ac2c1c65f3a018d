// notify.test.mjs - notifications end to end: a real SMTP server on
// 127.0.0.1 (python3-aiosmtpd, tests/e2e/smtp_sink.py) and a webhook
// receiver (a node HTTP server here) behind `dualtrack serve`.
//
// A contract submitted for approval reaches each party's inbox at once
// and, by the channels they chose, the SMTP server (a UTF-8 Chinese
// subject in RFC 2047 words, Message-ID from the idempotency key) and the
// webhook (JSON, Idempotency-Key header); the inbox answers only one's own
// (another's notification is 404); a server killed with SIGKILL while the
// SMTP server holds its message loses nothing: after a restart every outbox
// row is sent, and a copy received twice carries the same key.  The
// delivery latency (the submit's answer to the SMTP server's receipt) is
// printed: `DUALTRACK_BIN=$PWD/build/dualtrack node --test tests/e2e/notify.test.mjs`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawn } from 'node:child_process';

import {
  PG, client, dbPath, expectProblem, expectStatus, freePort, ok, okAsync, sleep, startServer,
  tmpdir,
} from './helpers.mjs';

const PY = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SINK = path.resolve('tests/e2e/smtp_sink.py');
const FROM = 'noreply@dualtrack.example';

let dir;
let db;
let srv;
let api;
let contract;
const tok = {};
const acct = {};
const sinks = [];
const hooks = [];
let hookServer;
let hookUrl;
const pw = (login) => `pw-${login}-2026!`;

function cliJson(args) {
  return JSON.parse(ok([...args, '--db', db, '--format', 'json']));
}

async function addUser(login, role, scope, email) {
  const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-stdin'];
  if (scope) args.push('--scope', scope);
  if (email) args.push('--email', email);
  const out = await okAsync(args, { input: `${pw(login)}\n` });
  acct[login] = Number(/id (\d+)/.exec(out)[1]);
}

async function signIn(login) {
  const r = expectStatus(await api.post('/api/v1/session', { login, password: pw(login) }), 200);
  return r.json.token;
}

// An SMTP server writing each message into its own folder; @delay seconds before DATA is answered.
async function smtpSink(delay = 0) {
  const port = await freePort();
  const folder = fs.mkdtempSync(path.join(dir, 'mail-'));
  const proc = spawn(PY, [SINK, String(port), folder, String(delay)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  proc.stderr.setEncoding('utf8').on('data', (d) => { out += d; });
  for (let i = 0; !out.includes('ready'); i++) {
    if (i > 200 || proc.exitCode !== null) throw new Error(`SMTP sink did not start: ${out}`);
    await sleep(50);
  }
  const sink = { port, folder, proc, url: `smtp://127.0.0.1:${port}` };
  sinks.push(sink);
  return sink;
}

// The messages a sink received: {file, headers, subject, body, to, received} each.
function received(sink) {
  const out = [];
  for (const f of fs.readdirSync(sink.folder).filter((n) => n.endsWith('.eml')).sort()) {
    const raw = fs.readFileSync(path.join(sink.folder, f), 'latin1');
    const [head, body] = raw.split(/\r?\n\r?\n/, 2);
    const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
    const headers = {};
    for (const line of unfolded.split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const subject = headers.subject.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/g, (_, b) => Buffer.from(b, 'base64').toString('latin1'));
    const env = JSON.parse(fs.readFileSync(path.join(sink.folder, f.replace(/\.eml$/, '.json')), 'utf8'));
    out.push({
      file: f,
      headers,
      subject: Buffer.from(subject, 'latin1').toString('utf8'),
      body: Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'),
      to: env.to,
      received: env.received_ns / 1e6,
    });
  }
  return out;
}

async function until(ms, fn, what) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

function outbox() {
  return JSON.parse(ok(['notify', 'status', '--db', db]));
}

before(async () => {
  dir = tmpdir('dualtrack-notify-');
  db = dbPath(dir);
  ok(['init', '--db', db]);
  ok(['gen', '--db', db, '--trainees', '30', '--seed', '3']);
  contract = cliJson(['list', 'contracts', '--filter', 'status=draft', '--limit', '1'])[0];
  assert.ok(contract, 'gen made no draft contract');
  await addUser('ent', 'enterprise', `org:${contract.enterprise_id}`);
  await addUser('sch', 'school', `org:${contract.school_id}`);
  await addUser('trn', 'trainee', `trainee:${contract.trainee_id}`);
  await addUser('city', 'city', '210100', 'city@shenyang.example');

  hookServer = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      hooks.push({ at: Date.now(), headers: req.headers, json: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => hookServer.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${hookServer.address().port}/hook`;
});

after(async () => {
  if (srv) await srv.stop();
  for (const s of sinks) s.proc.kill('SIGTERM');
  if (hookServer) hookServer.close();
});

async function serve(sink, extra = []) {
  srv = await startServer(db, {
    extra: ['--smtp-url', sink.url, '--mail-from', FROM, '--webhook-url', hookUrl, '--notify-lease', '3', ...extra],
  });
  api = client(srv.base);
  for (const u of ['ent', 'sch', 'trn', 'city']) tok[u] = await signIn(u);
}

test('the inbox: one\'s own only, unread first, mark read; channels need an address', async () => {
  const sink = await smtpSink();
  await serve(sink);
  // (the alert watcher may have raised alerts about the pilot meanwhile: look at one kind)
  const box = async (u, lang = 'en') => expectStatus(await api.get('/api/v1/notifications?limit=200', { token: tok[u], headers: { 'accept-language': lang } }), 200).json;
  const mine = await box('ent');
  const made = mine.items.filter((n) => n.kind === 'account_created');
  assert.equal(made.length, 1);
  assert.equal(made[0].text, 'An account ent was made for you');
  assert.equal(made[0].read_at, null);
  assert.equal(mine.unread, mine.items.filter((n) => !n.read_at).length);
  assert.equal(mine.total, mine.items.length);
  const zh = (await box('ent', 'zh')).items.find((n) => n.id === made[0].id);
  assert.equal(zh.text, '已为您开通账号 ent');
  const id = made[0].id;
  // another's notification is not found, to read or to mark
  expectProblem(await api.post(`/api/v1/notifications/${id}/read`, undefined, { token: tok.sch }), 404);
  assert.equal((await box('ent')).unread, mine.unread);
  expectStatus(await api.post(`/api/v1/notifications/${id}/read`, undefined, { token: tok.ent }), 200);
  const after1 = await box('ent');
  assert.equal(after1.unread, mine.unread - 1);
  assert.notEqual(after1.items.find((n) => n.id === id).read_at, null);
  // unread first
  const firstRead = after1.items.findIndex((n) => n.read_at);
  assert.ok(after1.items.slice(firstRead).every((n) => n.read_at));
  expectProblem(await api.post('/api/v1/notifications/999999/read', undefined, { token: tok.ent }), 404);
  expectStatus(await api.post('/api/v1/notifications/read-all', undefined, { token: tok.sch }), 200);
  assert.equal((await box('sch')).unread, 0);
  // paging parameters are checked
  expectProblem(await api.get('/api/v1/notifications?limit=0', { token: tok.ent }), 422);

  // channels: the inbox always; e-mail needs an address, a valid one, with no header in it
  const p0 = expectStatus(await api.get('/api/v1/notifications/preferences', { token: tok.ent }), 200).json;
  assert.deepEqual(p0, { inapp: true, email: false, webhook: false, email_to: null, phone: null });
  // an account's own e-mail is its channel's address until the channel has one of its own
  const pc = expectStatus(await api.get('/api/v1/notifications/preferences', { token: tok.city }), 200).json;
  assert.deepEqual(pc, { inapp: true, email: false, webhook: false, email_to: 'city@shenyang.example', phone: null });
  let bad = expectProblem(await api.request('PUT', '/api/v1/notifications/preferences', { token: tok.ent, body: { email: true } }), 422);
  assert.deepEqual(bad.errors.map((e) => [e.field, e.code]), [['email_to', 'notify.channel_address']]);
  bad = expectProblem(await api.request('PUT', '/api/v1/notifications/preferences', { token: tok.ent, body: { email: true, email_to: 'hr@x.example\r\nBcc: a@b.example' } }), 422);
  assert.deepEqual(bad.errors.map((e) => e.field), ['email_to']);
  const p1 = expectStatus(await api.request('PUT', '/api/v1/notifications/preferences', { token: tok.ent, body: { email: true, email_to: 'hr@jichuang.example' } }), 200).json;
  assert.equal(p1.email, true);
  assert.equal(p1.email_to, 'hr@jichuang.example');
  expectStatus(await api.request('PUT', '/api/v1/notifications/preferences', { token: tok.trn, body: { webhook: true, phone: '13800138000' } }), 200);
  await srv.stop();
  srv = null;
});

test('a contract submitted: each party\'s inbox, the SMTP server and the webhook get it', async () => {
  const sink = await smtpSink();
  await serve(sink);
  const latencies = [];
  let rounds = 0;
  for (let i = 0; i < 10; i++) {
    if (i) expectStatus(await api.post(`/api/v1/contracts/${contract.id}/withdraw`, undefined, { token: tok.sch }), 200);
    const before = received(sink).length;
    expectStatus(await api.post(`/api/v1/contracts/${contract.id}/submit`, undefined, { token: tok.sch }), 200);
    const t0 = Date.now();
    rounds++;
    const got = await until(10000, () => { const m = received(sink); return m.length > before && m; }, 'the e-mail');
    latencies.push(got.at(-1).received - t0);
  }
  // the inboxes: the three parties, not the city
  for (const u of ['ent', 'sch', 'trn']) {
    const box = expectStatus(await api.get('/api/v1/notifications?limit=50', { token: tok[u] }), 200).json;
    const approvals = box.items.filter((n) => n.kind === 'contract_approval');
    assert.equal(approvals.length, rounds, u);
    assert.equal(approvals[0].entity_id, contract.id);
    assert.equal(approvals[0].link, `/contracts/${contract.id}`);
    assert.equal(approvals[0].read_at, null);
  }
  const cityBox = expectStatus(await api.get('/api/v1/notifications?limit=200', { token: tok.city }), 200).json;
  assert.equal(cityBox.items.filter((n) => n.kind === 'contract_approval').length, 0);

  // the e-mails: one per submission, to the address chosen, in Chinese and English
  const mails = received(sink);
  assert.equal(mails.length, rounds);
  const m = mails[0];
  assert.deepEqual(m.to, ['hr@jichuang.example']);
  assert.equal(m.subject, `【双元培育】合同 ${contract.id} 待您审批（${contract.start_date} 至 ${contract.end_date}）`);
  assert.match(m.headers['content-type'], /charset=UTF-8/);
  assert.match(m.body, new RegExp(`Contract ${contract.id} waits for your approval`));
  assert.match(m.body, new RegExp(`/contracts/${contract.id}`));
  assert.equal(m.headers['message-id'], `<${m.headers['x-dualtrack-idempotency-key']}@dualtrack.example>`);
  assert.equal(new Set(mails.map((x) => x.headers['message-id'])).size, rounds);

  // the webhook: the trainee's, JSON with its key
  await until(5000, () => hooks.length >= rounds, 'the webhooks');
  const h = hooks[0];
  assert.equal(h.headers['idempotency-key'], h.json.idempotency_key);
  assert.equal(h.json.recipient.login, 'trn');
  assert.equal(h.json.recipient.phone, '13800138000');
  assert.equal(h.json.kind, 'contract_approval');
  assert.equal(h.json.entity_id, contract.id);
  assert.match(h.json.text.zh, /待您审批/);
  assert.equal(new Set(hooks.map((x) => x.headers['idempotency-key'])).size, hooks.length);
  const st = outbox();
  assert.equal(st.pending, 0);
  assert.equal(st.sent, 2 * rounds);

  latencies.sort((a, b) => a - b);
  console.log(`# delivery latency, submit answered -> SMTP receipt, ${latencies.length} e-mails: ` +
    `median ${latencies[latencies.length >> 1].toFixed(0)} ms, max ${latencies.at(-1).toFixed(0)} ms`);
  await srv.stop();
  srv = null;
});

test('kill -9 while the SMTP server holds the message: after a restart nothing is lost', async () => {
  // a slow SMTP server: DATA answered 2 s late, so that the server is killed mid-delivery
  const slow = await smtpSink(2);
  await serve(slow);
  const sent0 = outbox().sent;
  expectStatus(await api.post(`/api/v1/contracts/${contract.id}/withdraw`, undefined, { token: tok.sch }), 200);
  expectStatus(await api.post(`/api/v1/contracts/${contract.id}/submit`, undefined, { token: tok.sch }), 200);
  // claimed (a lease taken), the message handed over, its answer not yet given: kill
  await until(10000, () => fs.existsSync(path.join(slow.folder, 'started-1')), 'the e-mail in the SMTP server');
  srv.proc.kill('SIGKILL');
  await srv.stop();
  srv = null;
  assert.equal(outbox().sent, sent0, 'nothing marked sent before the kill');
  // restart against a prompt SMTP server: the lease (3 s) runs out and the rows are sent
  const fast = await smtpSink();
  await serve(fast);
  await until(20000, () => outbox().pending === 0, 'the outbox drained after the restart');
  const st = outbox();
  assert.equal(st.sent, sent0 + 2);
  // every e-mail key arrived at least once, and a copy received twice is the same message
  await sleep(2500); // what the slow server was still holding
  const keys = new Map();
  for (const m of [...received(slow), ...received(fast)]) {
    const k = m.headers['x-dualtrack-idempotency-key'];
    if (keys.has(k)) assert.equal(keys.get(k).body, m.body, 'a second copy is the same message');
    keys.set(k, m);
  }
  assert.equal(keys.size, 1, 'one e-mail notification, by its key');
  const webhookKeys = new Set(hooks.map((x) => x.headers['idempotency-key']));
  assert.equal(webhookKeys.size, (sent0 / 2) + 1);
  await srv.stop();
  srv = null;
  // the reads, channel changes and their audit events hold together
  assert.match(ok(['check', '--db', db]), /all checks passed/);
});

// PostgreSQL: two servers on one database drain one outbox; each message goes out once.
// PostgreSQL only (SQLite has one server per file): defined only there, so that nothing is skipped.
if (PG) test('two servers at once: every e-mail sent once, by one of them', async () => {
  const sink = await smtpSink();
  const extra = ['--smtp-url', sink.url, '--mail-from', FROM, '--webhook-url', hookUrl, '--notify-lease', '30'];
  const a = await startServer(db, { extra });
  const b = await startServer(db, { extra });
  try {
    const sent0 = outbox().sent;
    const ca = client(a.base), cb = client(b.base);
    const ta = expectStatus(await ca.post('/api/v1/session', { login: 'sch', password: pw('sch') }), 200).json.token;
    const tb = expectStatus(await cb.post('/api/v1/session', { login: 'sch', password: pw('sch') }), 200).json.token;
    const rounds = 10;
    for (let i = 0; i < rounds; i++) {
      const [c, t] = i % 2 ? [cb, tb] : [ca, ta];
      expectStatus(await c.post(`/api/v1/contracts/${contract.id}/withdraw`, undefined, { token: t }), 200);
      expectStatus(await c.post(`/api/v1/contracts/${contract.id}/submit`, undefined, { token: t }), 200);
    }
    await until(20000, () => outbox().pending === 0, 'the outbox drained by the two servers');
    assert.equal(outbox().sent, sent0 + 2 * rounds);
    await sleep(500);
    const keys = received(sink).map((m) => m.headers['x-dualtrack-idempotency-key']);
    assert.equal(keys.length, rounds, 'one e-mail per submission');
    assert.equal(new Set(keys).size, rounds, 'no e-mail twice');
  } finally {
    await a.stop();
    await b.stop();
  }
});
