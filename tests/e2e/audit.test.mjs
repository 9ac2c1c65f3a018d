// audit.test.mjs - the audit trail anchored outside the database, and the
// records covered by it, tried as an attacker with write access to the
// database file would try them: with the sqlite3 tool, recomputing every
// hash of the chain with the same algorithm (BLAKE2b-256 in blake2b.mjs,
// written from RFC 7693, sharing nothing with the C code).  The tests that
// work on the file itself (its tools, copies of it, keys beside it) use a
// SQLite file on both passes; tampering on PostgreSQL is tried by
// tests/unit/test_audit.c through the driver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { blake2b } from './blake2b.mjs';
import {
  auditPayloads, baseEnv, BIN, client, demoDb, expectProblem, expectStatus, fails, freshDb, freshFileDb, natid,
  ok, okAsync, orgBody, run, sleep, sqlite, startServer, tmpdir, uscc,
} from './helpers.mjs';

// ---- the attacker's tools ----

// One length-prefixed part of an event's hash input (docs/ARCHITECTURE.md, "The audit
// chain"): a 64-bit little-endian length, then the bytes; NULL is the length 2^64-1 alone.
function part(s) {
  const len = Buffer.alloc(8);
  if (s === null || s === undefined) {
    len.writeBigUInt64LE((1n << 64n) - 1n);
    return len;
  }
  const b = Buffer.isBuffer(s) ? s : Buffer.from(String(s), 'utf8');
  len.writeBigUInt64LE(BigInt(b.length));
  return Buffer.concat([len, b]);
}

// Format 3: the tag, the id, the stored columns as text (ts in milliseconds, the
// action without its entity), and the previous hash's 32 bytes.  Format 4 (an event
// whose payload is packed as bytes, e.packed in hex): its own tag and the bytes as
// one more part after region.  Format 5 (an event from meta's audit_v5_from on,
// @v5From): its own tag and the packed bytes, or NULL, as that part.
function eventHash(id, e, prevHex, v5From = Infinity) {
  const cols = [e.ts, e.actor, e.request_id, e.action, e.entity, e.entity_id, e.before, e.after,
    e.region];
  const packed = e.packed !== null && e.packed !== undefined ? Buffer.from(e.packed, 'hex') : null;
  const v = id >= v5From ? 5 : packed ? 4 : 3;
  return blake2b(Buffer.concat([`dualtrack-audit-v${v}`, String(id), ...cols,
    ...(v >= 4 ? [packed] : []), Buffer.from(prevHex, 'hex')].map(part)));
}

// The first event of format 5 (meta audit_v5_from).
function v5From(db) {
  const r = sqlJson(db, "SELECT CAST(value AS INTEGER) AS v FROM meta WHERE key = 'audit_v5_from'");
  return r.length ? r[0].v : Infinity;
}

// The first event that stores a tag (meta audit_tag_from): from it on, an event stores its
// whole hash only when its id is a multiple of 16, else the hash's first 4 bytes.
function tagFrom(db) {
  const r = sqlJson(db, "SELECT CAST(value AS INTEGER) AS v FROM meta WHERE key = 'audit_tag_from'");
  return r.length ? r[0].v : Infinity;
}

// What event @id stores of its whole hash @hex under the rule.
const storedHash = (id, hex, tag) => (id < tag || id % 16 === 0 ? hex : hex.slice(0, 8));

// Every event of @db with its payloads unpacked (e.b and e.a), each hash recomputed:
// e.hash the whole hash, e.stored what the file holds (the whole hash or its tag).
function checkedChain(db) {
  const v5 = v5From(db);
  const tag = tagFrom(db);
  const rows = sqlJson(db, `SELECT id, CAST(ts AS TEXT) AS ts, actor, request_id, action, entity,
    CAST(entity_id AS TEXT) AS entity_id, before, after, CAST(region AS TEXT) AS region,
    lower(hex(hash)) AS stored, typeof(hash) AS t, typeof(ts) AS tt,
    CASE WHEN packed IS NOT NULL THEN lower(hex(packed)) END AS packed FROM audit ORDER BY id`);
  let prev = '0'.repeat(64);
  for (const e of rows) {
    e.hash = eventHash(e.id, e, prev, v5);
    assert.equal(e.stored, storedHash(e.id, e.hash, tag), `event ${e.id}: hash`);
    prev = e.hash;
    [e.b, e.a] = auditPayloads(e, v5);
  }
  return { rows, v5, tag };
}

// An administrator "auditor" made with the CLI, and a token of it.
function auditorToken(args) {
  ok(['user', 'add', '--login', 'auditor', '--role', 'admin', '--password-stdin', ...args],
    { input: PASSWORD });
  return ok(['token', 'create', '--login', 'auditor', ...args]).trim();
}

function sqlJson(db, sql) {
  const r = spawnSync('sqlite3', ['-json', db, sql], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

const q = (v) => (v === null || v === undefined ? 'NULL' : `'${String(v).replaceAll("'", "''")}'`);

// Remove events @drop, renumber the ones after them, recompute every hash
// from there on and rewrite the recorded head: what `audit verify` alone
// cannot tell from an honest chain.  @forge (optional) appends events too.
function rewriteChain(db, drop, forge = []) {
  const from = Math.min(...drop);
  // the whole hash before: recomputed, as the event may store only its tag
  const { rows: before, tag } = checkedChain(db);
  let prev = from > 1 ? before[from - 2].hash : '0'.repeat(64);
  const rows = sqlJson(db, `SELECT id, CAST(ts AS TEXT) AS ts, actor, request_id, action, entity,
    CAST(entity_id AS TEXT) AS entity_id, before, after, CAST(region AS TEXT) AS region,
    CASE WHEN packed IS NOT NULL THEN lower(hex(packed)) END AS packed
    FROM audit WHERE id >= ${from} ORDER BY id`);
  const keep = rows.filter((e) => !drop.includes(e.id)).concat(forge);
  const v5 = v5From(db);
  let sql = `BEGIN; DELETE FROM audit WHERE id >= ${from};\n`;
  let id = from;
  for (const e of keep) {
    const h = eventHash(id, e, prev, v5);
    sql += `INSERT INTO audit(id, ts, actor, request_id, action, entity, entity_id, before, after,
      region, hash, packed) VALUES (${id}, ${Number(e.ts)}, ${q(e.actor)}, ${q(e.request_id)},
      ${q(e.action)}, ${q(e.entity)}, ${q(e.entity_id)}, ${q(e.before)}, ${q(e.after)},
      ${e.region === null || e.region === undefined ? 'NULL' : Number(e.region)}, X'${storedHash(id, h, tag)}',
      ${e.packed ? `X'${e.packed}'` : 'NULL'});\n`;
    prev = h;
    id++;
  }
  sql += `UPDATE meta SET value = ${q(`${id - 1}:${prev}`)} WHERE key = 'audit_head'; COMMIT;\n`;
  const r = spawnSync('sqlite3', [db], { input: sql, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

function addOrg(args, name) {
  const out = ok(['add', 'organization', ...args, '--json', JSON.stringify({
    kind: 'enterprise', uscc: uscc('210100', orgBody()), name, region: '210100',
  })]);
  return JSON.parse(out).id;
}

const headId = (db) => Number(sqlite(db, 'SELECT max(id) FROM audit'));

// ---- anchoring ----

test('init makes a 0600 signing key apart from the database; keygen refuses to overwrite', () => {
  const { dir, args } = freshFileDb();
  const skey = path.join(dir, 'dualtrack.signing.key');
  assert.equal(fs.statSync(skey).mode & 0o777, 0o600);
  const pub = ok(['audit', 'pubkey', ...args]).trim();
  assert.match(pub, /^[0-9a-f]{64}$/);
  fails(['audit', 'keygen', '-o', skey], 1, /already exists; refusing to overwrite/);
  const other = path.join(tmpdir(), 'province.key');
  const out = ok(['audit', 'keygen', '-o', other]);
  assert.match(out, /public key: [0-9a-f]{64}/);
  assert.equal(fs.statSync(other).mode & 0o777, 0o600);
  assert.notEqual(ok(['audit', 'pubkey', '--signing-key', other]).trim(), pub);
  // DUALTRACK_SIGNING_KEY and --signing-key say where init puts it.
  const d2 = tmpdir();
  const where = path.join(d2, 'elsewhere.key');
  ok(['init', '--db', path.join(d2, 'x.db'), '--signing-key', where]);
  assert.ok(fs.existsSync(where));
  assert.ok(!fs.existsSync(path.join(d2, 'dualtrack.signing.key')));
});

test('a rewritten chain passes audit verify alone but fails against a checkpoint', () => {
  const { dir, db, args } = freshFileDb();
  const a = addOrg(args, '沈阳机床');
  ok(['update', 'organization', String(a), ...args, '--json', '{"name": "沈阳机床集团"}']);
  const hidden = headId(db); // the update event the attacker wants gone
  addOrg(args, '沈阳鼓风机');
  const cp = path.join(dir, 'cp1.txt');
  const pub = path.join(dir, 'pub.txt');
  fs.writeFileSync(pub, ok(['audit', 'pubkey', ...args]));
  ok(['audit', 'checkpoint', '-o', cp, ...args]);
  const text = fs.readFileSync(cp, 'utf8');
  const cpEvent = headId(db);
  assert.match(text, new RegExp(`^event: ${cpEvent}$`, 'm'));
  assert.match(text, /^fingerprint: [0-9a-f]{32}$/m);
  assert.match(ok(['audit', 'verify', '--against', cp, '--public-key', pub, ...args]),
    new RegExp(`extends the checkpoint of .*event ${cpEvent} unchanged`));

  // Copies of the database for the second attack and for an honest later write.
  const db2 = path.join(dir, 'copy.db');
  const db3 = path.join(dir, 'honest.db');
  fs.copyFileSync(db, db2);
  fs.copyFileSync(db, db3);

  // Attack 1: the update event deleted, the name put back, the rest renumbered and re-hashed.
  sqlite(db, `UPDATE organization SET name = '沈阳机床' WHERE id = ${a}`);
  rewriteChain(db, [hidden]);
  assert.equal(headId(db), cpEvent - 1);
  // The limit of a chain without an anchor: this is indistinguishable from an honest one.
  assert.match(ok(['audit', 'verify', ...args]), /audit chain ok/);
  const r = fails(['audit', 'verify', '--against', cp, '--public-key', pub, ...args], 1);
  assert.match(r.stderr, new RegExp(`audit event ${cpEvent} of the checkpoint .* is missing`));
  // The local signing key's public half is the default key.
  fails(['audit', 'verify', '--against', cp, ...args], 1, new RegExp(`audit event ${cpEvent}\\b`));

  // Attack 2: the same, with a forged event appended so that the count is right again.
  rewriteChain(db2, [hidden], [{ ts: String(Date.parse('2026-11-26T00:00:00.000Z')), actor: 'cli:tester',
    request_id: null, action: 'read', entity: 'organization', entity_id: String(a),
    before: null, after: null, region: null }]);
  assert.equal(headId(db2), cpEvent);
  assert.match(ok(['audit', 'verify', '--db', db2]), /audit chain ok/);
  fails(['audit', 'verify', '--against', cp, '--public-key', pub, '--db', db2], 1,
    new RegExp(`audit event ${cpEvent} does not match the checkpoint`));

  // An honest later write still extends the old checkpoint.
  addOrg(['--db', db3], '沈阳新松');
  ok(['update', 'organization', String(a), '--db', db3, '--json', '{"name": "沈阳机床股份"}']);
  assert.match(ok(['audit', 'verify', '--against', cp, '--public-key', pub, '--db', db3]),
    /extends the checkpoint/);
});

test('a tampered checkpoint or a wrong public key fails', () => {
  const { dir, db, args } = freshFileDb();
  addOrg(args, '鞍钢');
  const cp = path.join(dir, 'cp.txt');
  ok(['audit', 'checkpoint', '-o', cp, ...args]);
  const text = fs.readFileSync(cp, 'utf8');
  const pub = ok(['audit', 'pubkey', ...args]).trim();
  ok(['audit', 'verify', '--against', cp, '--public-key', pub, ...args]);

  // The event id or the hash changed: the signature no longer verifies.
  const n = headId(db);
  for (const bad of [text.replace(/^event: \d+$/m, `event: ${n - 1}`),
    text.replace(/^hash: (.)/m, (m, c) => `hash: ${c === '0' ? '1' : '0'}`),
    text.replace(/^time: .*$/m, 'time: 2030-01-01T00:00:00.000Z')]) {
    assert.notEqual(bad, text);
    fs.writeFileSync(cp + '.bad', bad);
    fails(['audit', 'verify', '--against', cp + '.bad', '--public-key', pub, ...args], 1,
      /signature does not verify/);
  }
  // Signed anew by another key, with that key named inside: not the key we keep.
  const other = path.join(tmpdir(), 'mallory.key');
  ok(['audit', 'keygen', '-o', other]);
  const forged = path.join(dir, 'forged.txt');
  ok(['audit', 'checkpoint', '-o', forged, '--signing-key', other, ...args]);
  fails(['audit', 'verify', '--against', forged, '--public-key', pub, ...args], 1,
    /not by the expected key/);
  fails(['audit', 'verify', '--against', cp, '--public-key', ok(['audit', 'pubkey',
    '--signing-key', other]).trim(), ...args], 1, /not by the expected key/);
  // A checkpoint of another database, signed with the same key.
  const { args: otherDb } = freshFileDb();
  const theirs = path.join(dir, 'theirs.txt');
  ok(['audit', 'checkpoint', '-o', theirs, '--signing-key', path.join(dir, 'dualtrack.signing.key'),
    ...otherDb]);
  fails(['audit', 'verify', '--against', theirs, '--public-key', pub, ...args], 1,
    /the checkpoint is of another database/);
  // Not a checkpoint at all, or a public key that is not one.
  fs.writeFileSync(cp + '.junk', 'hello\n');
  fails(['audit', 'verify', '--against', cp + '.junk', '--public-key', pub, ...args], 1,
    /not a dualtrack audit checkpoint/);
  fails(['audit', 'verify', '--against', cp, '--public-key', 'abc', ...args], 2, /--public-key/);
});

// ---- the records covered by the trail ----

const PASSWORD = 'Shenyang-2026-pilot\n';

test('check passes after gen, an import on the bulk path, and account changes', () => {
  const { dir, db, args } = freshDb();
  ok(['gen', '--trainees', '60', ...args]);
  const file = path.join(dir, 'trainees.csv');
  ok(['export', '--kind', 'trainees', '--sample', '150', '-o', file]);
  const imp = ok(['import', '--kind', 'trainees', file, ...args]);
  assert.match(imp, /150/);
  ok(['user', 'add', '--login', 'clerk', '--role', 'city', '--scope', '210100', '--password-stdin',
    ...args], { input: PASSWORD });
  ok(['user', 'passwd', 'clerk', '--password-stdin', ...args], { input: 'Anshan-2026-pilot!\n' });
  ok(['user', 'disable', 'clerk', ...args]);
  ok(['user', 'enable', 'clerk', ...args]);
  ok(['token', 'create', '--login', 'clerk', ...args]);
  ok(['settings', 'set', 'weight.dual_ratio', '2', ...args]);
  const out = ok(['check', ...args]);
  assert.match(out, /^records: ok \((\d+) match their last audit event\)$/m);
  const n = Number(/^records: ok \((\d+)/m.exec(out)[1]);
  assert.ok(n > 150 + 60, `records compared: ${n}`);
  assert.match(ok(['audit', 'verify', '--records', ...args]), /records ok/);
});

test('check names every record edited, deleted or added behind the application\'s back', () => {
  const { db, args } = freshDb();
  ok(['gen', '--trainees', '60', ...args]);
  ok(['user', 'add', '--login', 'clerk', '--role', 'city', '--scope', '210100', '--password-stdin',
    ...args], { input: PASSWORD });
  const lone = JSON.parse(ok(['add', 'trainee', ...args, '--json', JSON.stringify({
    national_id: natid('210102', '20000101', '123'), name: '王小明', region: '210102',
  })]));
  assert.match(ok(['check', ...args]), /records: ok/);

  const trainee = sqlite(db, 'SELECT min(trainee_id) FROM contract');
  const contract = sqlite(db, 'SELECT min(id) FROM contract');
  const entry = sqlite(db, 'SELECT min(id) FROM record_entry WHERE signed_at IS NOT NULL');
  const account = sqlite(db, "SELECT id FROM account WHERE login = 'clerk'");
  assert.ok(trainee && contract && entry && account);
  sqlite(db, `UPDATE trainee SET name = '李四' WHERE id = ${trainee}`);
  sqlite(db, `UPDATE contract SET stipend_monthly = stipend_monthly + 500 WHERE id = ${contract}`);
  sqlite(db, `UPDATE record_entry SET hours = hours + 2 WHERE id = ${entry}`);
  sqlite(db, `UPDATE account SET role = 'admin', scope_region = NULL WHERE id = ${account}`);
  sqlite(db, `DELETE FROM trainee WHERE id = ${lone.id}`);
  sqlite(db, `INSERT INTO organization(kind, uscc, name, region, created_at, updated_at)
    VALUES ('enterprise', '${uscc('210100', orgBody())}', '影子公司', 210100, '2026-01-01', '2026-01-01')`);
  const shadow = sqlite(db, "SELECT id FROM organization WHERE name = '影子公司'");
  sqlite(db, "INSERT INTO meta(key, value) VALUES ('weight.dual_ratio', '9')");
  // Another trainee's encrypted ID put under this one's (masked form and blind index kept).
  const swapped = sqlite(db, `SELECT max(id) FROM trainee WHERE id <> ${lone.id}`);
  sqlite(db, `UPDATE trainee SET national_id_enc = (SELECT national_id_enc FROM trainee
    WHERE id = ${trainee}) WHERE id = ${swapped}`);

  const r = run(['check', ...args]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const out = r.stdout;
  assert.match(out, /^records: 9 differ from the audit trail/m);
  assert.match(out, new RegExp(`^record trainee ${trainee}: name differs from its last audit event \\d+`, 'm'));
  assert.match(out, new RegExp(`^record contract ${contract}: stipend_monthly differs`, 'm'));
  assert.match(out, new RegExp(`^record record_entry ${entry}: hours differs`, 'm'));
  assert.match(out, new RegExp(`^record account ${account}: role differs`, 'm'));
  assert.match(out, new RegExp(`^record account ${account}: scope_region differs`, 'm'));
  assert.match(out, new RegExp(`^record trainee ${lone.id}: deleted without an audit event`, 'm'));
  assert.match(out, new RegExp(`^record organization ${shadow}: present without an audit event`, 'm'));
  assert.match(out, /^record setting weight\.dual_ratio: present without an audit event/m);
  assert.match(out, new RegExp(`^record trainee ${swapped}: national_id_enc does not hold the ID`, 'm'));
  // the chain itself is intact: only the records were changed
  assert.match(out, /^audit chain: ok/m);
  const v = run(['audit', 'verify', '--records', ...args]);
  assert.equal(v.status, 1);
  assert.match(v.stdout, new RegExp(`record contract ${contract}: stipend_monthly differs`));
});

test('check passes on an untouched demo pilot', async () => {
  const { args } = await demoDb('dualtrack-audit-demo-');
  const out = await okAsync(['check', ...args]);
  assert.match(out, /^records: ok \(\d+ match their last audit event\)$/m);
});

// ---- packed events (format 5), recomputed and unpacked from the file ----

test('packed payloads: every hash recomputes over the bytes, the bytes inflate with the dictionary to the JSON the API shows', async () => {
  const { db, args } = freshFileDb();
  ok(['gen', '--trainees', '3', '--seed', '7', ...args]);
  const { rows, v5, tag } = checkedChain(db);
  assert.equal(v5, 1, 'a new database writes format 5 from its first event');
  // and tags from its first: the whole hash on every 16th event only (checkedChain checks each)
  assert.equal(tag, 1);
  assert.ok(rows.length > 64, `${rows.length} events`);
  assert.equal(rows.filter((e) => e.stored.length === 64).length, Math.floor(rows.length / 16));
  const packed = rows.filter((e) => e.packed !== null);
  assert.ok(packed.length >= rows.length / 2, `${packed.length} of ${rows.length} packed`);
  for (const e of rows) {
    if (e.packed) {
      // packed: before and after NULL, and only when shorter than the two as text
      assert.deepEqual([e.before, e.after], [null, null]);
      const text = Buffer.byteLength(e.b ?? '') + Buffer.byteLength(e.a ?? '');
      assert.ok(e.packed.length / 2 < text, `event ${e.id}: ${e.packed.length / 2} of ${text}`);
    }
    // canonical JSON either way: as JSON.stringify writes it, keys sorted
    for (const t of [e.b, e.a]) if (t !== null) JSON.parse(t);
  }
  const batches = packed.filter((e) => /_batch$/.test(e.action));
  assert.ok(batches.length >= 2, `${batches.length} batch events`);
  for (const e of batches) {
    // the ids as differences (docs/ARCHITECTURE.md): increasing, so all after the first > 0
    const d = JSON.parse(e.a)['~ids'];
    assert.ok(Array.isArray(d) && d.slice(1).every((x) => x > 0), e.action);
  }
  // what the API shows of ordinary events is what they store, expanded (below)
  const stored = new Map(rows.map((e) => [e.id, e]));
  const admin = auditorToken(args);
  const srv = await startServer(db);
  try {
    const api = client(srv.base);
    for (const action of ['record_entry.create_batch', 'record_entry.signoff_batch']) {
      const r = expectStatus(await api.get(`/api/v1/audit?action=${action}&limit=1`, { token: admin }), 200);
      const ev = r.json.items[0];
      const file = batches.find((e) => e.id === ev.id);
      assert.ok(file, `event ${ev.id} is packed`);
      // the lists stored as differences back whole: "~ids" summed, "~at" summed as milliseconds
      const kept = JSON.parse(file.a);
      const sums = (d) => d.reduce((acc, x, i) => [...acc, i ? acc[i - 1] + x : x], []);
      const whole = { ...kept };
      if (whole['~ids']) { whole.ids = sums(whole['~ids']); delete whole['~ids']; }
      if (whole['~at']) { whole.at = sums(whole['~at']).map((ms) => new Date(ms).toISOString()); delete whole['~at']; }
      if (action.endsWith('signoff_batch')) assert.ok(kept['~at'] && whole.at.every((t) => /^\d{4}-\d\d-\d\dT.*Z$/.test(t)), 'sign-off times stored as differences');
      assert.deepEqual(ev.after, whole);
    }
    // ordinary events: an update's before and after as stored (the API adds only the
    // times an update leaves out), a delete's before whole
    const r = expectStatus(await api.get('/api/v1/audit?limit=1000', { token: admin }), 200);
    let seen = 0, hashes = 0;
    for (const ev of r.json.items) {
      const e = stored.get(ev.id);
      // every event's whole hash, the ones that store a tag too (events after the
      // file was read: the auditor's account and token)
      if (e) {
        assert.equal(ev.hash, e.hash, `event ${ev.id} hash`);
        hashes += e.stored.length === 8;
      }
      if (!e || /_batch$/.test(e.action) || e.action === 'create') continue;
      assert.deepEqual(ev.before, e.b === null ? null : JSON.parse(e.b), `event ${ev.id} before`);
      if (e.a !== null && e.b !== null) {
        const a = JSON.parse(e.a);
        for (const k of Object.keys(a)) assert.deepEqual(ev.after[k], a[k], `event ${ev.id} after.${k}`);
      } else {
        assert.deepEqual(ev.after, e.a === null ? null : JSON.parse(e.a), `event ${ev.id} after`);
      }
      seen++;
    }
    assert.ok(seen > 10, `${seen} ordinary events compared`);
    assert.ok(hashes > 500, `${hashes} hashes of events that store a tag compared`);
  } finally {
    await srv.stop();
  }
  assert.match(ok(['audit', 'verify', ...args]), /ok/);
});

// ---- what an event stores (format 3), recomputed from the file ----

test('events store what changed; every stored hash recomputes; the API shows creates whole', async () => {
  const { db, args } = freshFileDb();
  const id = addOrg(args, '鞍山钢铁');
  ok(['update', 'organization', String(id), ...args, '--json', '{"name": "鞍钢集团", "name_en": null}']);
  ok(['delete', 'organization', String(id), ...args]);
  // Every event's hash, from its stored columns and the hash before it: the chain as documented.
  const { rows } = checkedChain(db);
  for (const e of rows) {
    assert.equal(e.t, 'blob');
    assert.equal(e.tt, 'integer');
  }
  const ev = rows.filter((e) => e.entity === 'organization' && e.entity_id === String(id));
  // The action without its entity, the time in milliseconds.
  assert.deepEqual(ev.map((e) => e.action), ['create', 'update', 'delete']);
  assert.ok(Math.abs(Number(ev[0].ts) - Date.now()) < 600000, ev[0].ts);
  const [c, u, d] = ev.map((e) => ({ before: JSON.parse(e.b), after: JSON.parse(e.a) }));
  // The create: once, without what the event's columns say, without nulls.
  assert.equal(c.before, null);
  for (const k of ['id', 'region', 'name_en', 'industry']) assert.ok(!(k in c.after), k);
  assert.equal(c.after.name, '鞍山钢铁');
  // The update: the changed field only (name_en was null already).
  assert.deepEqual(Object.keys(u.before).filter((k) => k !== 'updated_at'), ['name']);
  assert.deepEqual([u.before.name, u.after.name], ['鞍山钢铁', '鞍钢集团']);
  // The delete: the whole object, once.
  assert.equal(d.after, null);
  assert.equal(d.before.name, '鞍钢集团');
  assert.equal(d.before.id, id);
  assert.ok('name_en' in d.before);

  const admin = auditorToken(args);
  const srv = await startServer(db);
  try {
    const api = client(srv.base);
    const r = expectStatus(await api.get(`/api/v1/audit?entity=organization&entity_id=${id}`, { token: admin }), 200);
    const [del, upd, cre] = r.json.items;
    assert.equal(cre.after.id, id);
    assert.equal(cre.after.region, '210100');
    assert.equal(cre.after.name_en, null);
    assert.match(cre.after.created_at, /^\d{4}-/);
    assert.deepEqual(Object.keys(cre.after).sort(), Object.keys(del.before).sort());
    assert.deepEqual(upd.after.name, '鞍钢集团');
    assert.equal(upd.after.kind, undefined);
    assert.equal(del.after, null);
    assert.match(cre.hash, /^[0-9a-f]{64}$/);
    assert.equal(cre.hash, ev[0].hash);
    // The API shows the action whole and the time as text, and filters by both.
    assert.deepEqual(r.json.items.map((e) => e.action),
      ['organization.delete', 'organization.update', 'organization.create']);
    assert.equal(cre.ts, new Date(Number(ev[0].ts)).toISOString());
    let f = expectStatus(await api.get(`/api/v1/audit?entity=organization&entity_id=${id}&action=organization.update`, { token: admin }), 200);
    assert.deepEqual(f.json.items.map((e) => e.id), [upd.id]);
    // A bare verb is not an action: it matches nothing, not that verb on every entity.
    f = expectStatus(await api.get(`/api/v1/audit?entity=organization&entity_id=${id}&action=update`, { token: admin }), 200);
    assert.deepEqual(f.json.items, []);
    f = expectStatus(await api.get(`/api/v1/audit?entity=organization&entity_id=${id}&from=${encodeURIComponent(upd.ts)}`, { token: admin }), 200);
    assert.deepEqual(f.json.items.map((e) => e.id), [del.id, upd.id]);
    f = expectStatus(await api.get(`/api/v1/audit?entity=organization&entity_id=${id}&to=${cre.ts.slice(0, 10)}`, { token: admin }), 200);
    assert.deepEqual(f.json.items, []);
    f = expectStatus(await api.get(`/api/v1/audit?entity=organization&entity_id=${id}&from=${cre.ts.slice(0, 10)}`, { token: admin }), 200);
    assert.equal(f.json.items.length, 3);
    expectStatus(await api.get('/api/v1/audit?from=yesterday', { token: admin }), 422);
  } finally {
    const st = await srv.stop();
    assert.equal(st.code, 0, srv.output());
  }
});

// ---- the server: checkpoints on a schedule, published, and verified over the API ----

test('serve --checkpoint-every publishes signed checkpoints; the API verifies a posted one', async () => {
  const { dir, db, args } = freshFileDb();
  addOrg(args, '盘锦石化');
  ok(['user', 'add', '--login', 'auditor', '--role', 'admin', '--password-stdin', ...args],
    { input: PASSWORD });
  ok(['user', 'add', '--login', 'city', '--role', 'city', '--scope', '210100', '--password-stdin',
    ...args], { input: PASSWORD });
  const admin = ok(['token', 'create', '--login', 'auditor', ...args]).trim();
  const city = ok(['token', 'create', '--login', 'city', ...args]).trim();
  const cpdir = path.join(dir, 'published');
  const srv = await startServer(db, { extra: ['--checkpoint-every', '1', '--checkpoint-dir', cpdir] });
  try {
    const api = client(srv.base);
    // The first checkpoint is taken at start.
    let files = [];
    for (let i = 0; i < 100 && !files.length; i++) {
      await sleep(50);
      files = fs.existsSync(cpdir) ? fs.readdirSync(cpdir).filter((f) => f.endsWith('.txt')) : [];
    }
    assert.equal(files.length, 1, 'no checkpoint written at start');
    const head = headId(db);
    assert.equal(files[0], `checkpoint-${String(head).padStart(12, '0')}.txt`);
    const text = fs.readFileSync(path.join(cpdir, files[0]), 'utf8');
    // The file verifies with the CLI, as a province keeping it would check it.
    ok(['audit', 'verify', '--against', path.join(cpdir, files[0]), ...args]);

    // Published without signing in: an event count and a hash, nothing of the records.
    let r = await api.get('/api/v1/audit/checkpoints');
    expectStatus(r, 200);
    assert.equal(r.json.items.length, 1);
    assert.equal(r.json.items[0].event, head);
    assert.equal(r.json.items[0].text, text);
    assert.equal(r.json.public_key.key, ok(['audit', 'pubkey', ...args]).trim());

    // Verifying a posted checkpoint needs the audit permission.
    r = await api.post('/api/v1/audit/checkpoints/verify', { checkpoint: text });
    assert.equal(r.status, 401);
    r = await api.post('/api/v1/audit/checkpoints/verify', { checkpoint: text }, { token: city });
    assert.equal(r.status, 403);
    r = await api.post('/api/v1/audit/checkpoints/verify', { checkpoint: text }, { token: admin });
    expectStatus(r, 200);
    assert.equal(r.json.ok, true, JSON.stringify(r.json));
    assert.equal(r.json.event, head);
    r = await api.post('/api/v1/audit/checkpoints/verify', { checkpoint: text.replace(/^time: .*$/m, 'time: 2030-01-01T00:00:00.000Z') }, { token: admin });
    expectStatus(r, 200);
    assert.equal(r.json.ok, false);
    assert.match(r.json.error, /signature does not verify/);
    r = await api.post('/api/v1/audit/checkpoints/verify', { checkpoint: 'x' }, { token: admin });
    expectProblem(r, 422);

    // The chain rewritten under the running server: the posted checkpoint no longer holds.
    rewriteChain(db, [head - 3]);
    r = await api.post('/api/v1/audit/checkpoints/verify', { checkpoint: text }, { token: admin });
    expectStatus(r, 200);
    assert.equal(r.json.ok, false);
    assert.match(r.json.error, new RegExp(`audit event ${head}\\b`));
  } finally {
    const st = await srv.stop();
    assert.equal(st.code, 0, srv.output());
  }
});
