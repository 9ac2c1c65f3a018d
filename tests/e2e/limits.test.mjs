// limits.test.mjs - end-to-end tests of hostile sizes and bytes: a CSV
// header of any width is refused naming the limit (CLI and import jobs over
// HTTP, the server staying up); bytes that are not UTF-8 in any query
// parameter or path segment are a 400 naming it, on every list and export;
// free text over its limit is refused naming the field, and a stored text
// longer than an Excel cell still exports, cut with a mark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {
  BIN, baseEnv, client, expectProblem, expectStatus, freshDb, natid, ok, run, sleep, sqlite, startServer,
} from './helpers.mjs';

// ---- helpers ----

function account(db, login, role, scope) {
  const args = ['user', 'add', '--login', login, '--role', role, '--password-stdin', '--db', db];
  if (scope) args.push('--scope', scope);
  ok(args, { input: 'limits-test-password\n' });
  return ok(['token', 'create', '--login', login, '--db', db]).trim();
}

async function waitJob(api, id, token, ms = 60000) {
  const end = Date.now() + ms;
  for (;;) {
    const r = expectStatus(await api.get(`/api/v1/jobs/${id}`, { token }), 200);
    if (['succeeded', 'failed', 'cancelled'].includes(r.json.status)) return r.json;
    assert.ok(Date.now() < end, `job ${id} still ${r.json.status}`);
    await sleep(50);
  }
}

// The entity plurals of src/domain/entity.c: every kind, so that a new one is tested too.
function entityPlurals() {
  const src = fs.readFileSync(new URL('../../src/domain/entity.c', import.meta.url), 'utf8');
  const kinds = [...src.matchAll(/\{\s*"[a-z_]+",\s*"([a-z-]+)",\s*"[a-z_]+",\s*"[^"]*",\s*"[^"]*",\s*FIELDS\(/g)].map((m) => m[1]);
  assert.ok(kinds.length >= 15 && kinds.includes('trainees') && kinds.includes('alerts'), 'could not read the entity table');
  return kinds;
}

// Run the binary with raw bytes in its arguments (which a JS string cannot hold): $1... are
// printf formats, so '\\xff' becomes the byte 0xFF.
function runBytes(args) {
  const script = 'bin=$1; shift; a=(); for x; do a+=("$(printf -- "$x")"); done; exec "$bin" "${a[@]}"';
  const r = spawnSync('bash', ['-c', script, 'bash', BIN, ...args], { env: baseEnv(), encoding: 'utf8' });
  if (r.error) throw r.error;
  return r;
}

// An open alert in Shenyang about pilot task @subject, as the watcher would have raised it; its id.
function insertAlert(db, subject = 1) {
  return Number(sqlite(db, `INSERT INTO alert (rule, severity, subject_kind, subject_id, message_zh, message_en,
    raised_at, region, created_at, updated_at) VALUES ('task_overdue', 'warning', 'pilot_task', ${subject}, '测试预警',
    'test alert', '2026-11-01T00:00:00Z', 210100, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z') RETURNING id`));
}

// The text of every inline or shared string of the first sheet of @file, after checking
// that the archive and its XML are sound.
function xlsxStrings(file) {
  const t = spawnSync('unzip', ['-tq', file], { encoding: 'utf8' });
  assert.equal(t.status, 0, `unzip -t ${file}: ${t.stdout}${t.stderr}`);
  const parts = ['xl/worksheets/sheet1.xml'];
  const list = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8' }).stdout.split('\n');
  if (list.includes('xl/sharedStrings.xml')) parts.push('xl/sharedStrings.xml');
  const out = [];
  for (const p of parts) {
    const xml = spawnSync('unzip', ['-p', file, p], { maxBuffer: 1 << 28 }).stdout;
    const lint = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
    assert.equal(lint.status, 0, `${p} is not well-formed XML: ${lint.stderr.slice(0, 500)}`);
    for (const m of xml.toString('utf8').matchAll(/<t(?: [^>]*)?>([^<]*)<\/t>/g)) out.push(m[1]);
  }
  return out;
}

// A trainee CSV whose header has @n columns (the three needed, then unknown ones) and one row.
function wideCsv(n, id) {
  const head = ['national_id', 'name', 'region'];
  for (let c = head.length; c < n; c++) head.push(`extra${c}`);
  return `${head.join(',')}\r\n${id},张三,210102\r\n`;
}

// ---- defect: a header of more than 256 columns ----

test('import: a header of any width past 256 columns is refused naming the limit (CLI exit 1, report in Chinese first)', () => {
  const d = freshDb('dualtrack-limits-cli-');
  const id = natid('210102', '20000101', '031');
  for (const n of [257, 300, 5000, 70000]) {
    const file = path.join(d.dir, `wide-${n}.csv`);
    fs.writeFileSync(file, wideCsv(n, id));
    const report = path.join(d.dir, `report-${n}.csv`);
    const r = run(['import', '--kind', 'trainees', file, '--db', d.db, '--report', report]);
    assert.equal(r.status, 1, `${n} columns: exit ${r.status} (139 is the old crash)\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`header: ${n} columns; at most 256 are allowed`));
    const rep = fs.readFileSync(report, 'utf8');
    assert.match(rep, new RegExp(`^1,,,,import.file,文件无法导入：表头有${n}列，超过上限256列,header: ${n} columns; at most 256 are allowed\\r$`, 'm'));
  }
  // 256 columns are read
  const file = path.join(d.dir, 'wide-256.csv');
  fs.writeFileSync(file, wideCsv(256, id));
  const r = run(['import', '--kind', 'trainees', file, '--db', d.db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 row read, 1 written/);
});

test('API: an import job with a 300-column header fails naming the limit, and the server stays up', async () => {
  const d = freshDb('dualtrack-limits-api-');
  const admin = account(d.db, 'limits-admin', 'admin');
  const srv = await startServer(d.db);
  try {
    const api = client(srv.base);
    const id = natid('210102', '20000101', '031');
    for (const n of [300, 100000]) {
      const r = expectStatus(await api.request('POST', '/api/v1/imports?kind=trainees', { token: admin, raw: wideCsv(n, id) }), 202);
      const job = await waitJob(api, r.json.id, admin);
      assert.equal(job.status, 'failed', JSON.stringify(job));
      assert.match(job.error, new RegExp(`header: ${n} columns; at most 256 are allowed`));
      assert.match(job.error, new RegExp(`表头有${n}列，超过上限256列`));
      const rep = expectStatus(await api.get(job.report, { token: admin }), 200);
      assert.match(rep.text, /文件无法导入：表头有\d+列，超过上限256列/);
      expectStatus(await api.get('/healthz'), 200, 'the server still answers');
    }
    // and then imports a good file
    const r = expectStatus(await api.request('POST', '/api/v1/imports?kind=trainees', { token: admin, raw: wideCsv(3, id) }), 202);
    assert.equal((await waitJob(api, r.json.id, admin)).status, 'succeeded');
  } finally {
    const s = await srv.stop();
    assert.equal(s.signal, null, 'the server was not killed by a signal');
  }
});

// ---- defect: bytes that are not UTF-8 in a parameter were a 500 ----

test('API: a query parameter or path segment that is not UTF-8 (or holds NUL) is a 400 naming it, on every list and export', async () => {
  const d = freshDb('dualtrack-limits-utf8-');
  const admin = account(d.db, 'limits-admin', 'admin');
  const srv = await startServer(d.db);
  try {
    const api = client(srv.base);
    const kinds = entityPlurals();
    const bad = async (p, field) => {
      const pr = expectProblem(await api.get(p, { token: admin }), 400, p);
      assert.equal(pr.errors[0].field, field, `${p}: ${JSON.stringify(pr)}`);
      assert.ok(['http.param_utf8', 'http.param_nul'].includes(pr.errors[0].code), pr.errors[0].code);
      return pr;
    };
    for (const kind of kinds) {
      // each route answers without the bad parameter, so the 400 is the parameter's
      expectStatus(await api.get(`/api/v1/${kind}?limit=5`, { token: admin }), 200, kind);
      const pr = await bad(`/api/v1/${kind}?limit=5&q=%ff`, 'q');
      assert.match(pr.detail, /not valid UTF-8 \(byte 1 is 0xFF\)/);
      for (const fmt of ['csv', 'xlsx']) {
        expectStatus(await api.get(`/api/v1/exports/${kind}.${fmt}`, { token: admin }), 200, `${kind}.${fmt}`);
        await bad(`/api/v1/exports/${kind}.${fmt}?q=%ff`, 'q');
      }
    }
    // any parameter, any malformed sequence, NUL, and a bad name
    await bad('/api/v1/trainees?sort=%ff', 'sort');
    await bad('/api/v1/trainees?cursor=%c3%28', 'cursor');
    await bad('/api/v1/organizations?uscc=%ed%a0%80', 'uscc'); // a UTF-16 surrogate
    await bad('/api/v1/organizations?name=%c0%af', 'name'); // an overlong '/'
    assert.match((await bad('/api/v1/trainees?q=a%00b', 'q')).detail, /NUL/);
    await bad('/api/v1/trainees?%ff=1', '%ff');
    await bad('/api/v1/indicators?region=%ff', 'region');
    await bad('/api/v1/exports/trainees.csv?lang=%ff', 'lang');
    // path segments
    await bad('/api/v1/trainees/%ff', 'id');
    await bad('/api/v1/exports/%ff.csv', 'file');
    await bad('/api/v1/templates/trainees%00.csv', 'file');
    expectProblem(await api.request('POST', '/api/v1/contracts/1/%ff', { token: admin }), 400);
    // credentials with such bytes are just wrong credentials
    for (const h of [{ authorization: 'Bearer \xff\xfe' }, { cookie: 'dt_session=\xff' }]) {
      const r = await fetch(`${srv.base}/api/v1/trainees`, { headers: h });
      assert.equal(r.status, 401);
      await r.arrayBuffer();
    }
    expectStatus(await api.get('/healthz'), 200);
  } finally {
    await srv.stop();
  }
  // the CLI: the same parameters refused naming them, exit 1
  for (const [args, re] of [
    [['list', 'trainees', '--q', '\\xff'], /q: is not valid UTF-8 text/],
    [['list', 'organizations', '--filter', 'uscc=\\xc3('], /uscc: is not valid UTF-8 text/],
    [['export', '--kind', 'trainees', '--format', 'csv', '-o', path.join(d.dir, 'x.csv'), '--q', '\\xff'], /q: is not valid UTF-8 text/],
  ]) {
    const r = runBytes([...args, '--db', d.db]);
    assert.equal(r.status, 1, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    assert.match(r.stderr, re);
  }
});

// ---- defect: a 40,000-character note broke the XLSX export ----

test('free text has limits: a 40,000-character alert note and a long job name are refused naming the field', async () => {
  const d = freshDb('dualtrack-limits-text-');
  const admin = account(d.db, 'limits-admin', 'admin');
  const id = insertAlert(d.db);
  const long = '注'.repeat(40000);
  const r = run(['alerts', 'ack', String(id), '--note', long, '--db', d.db]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /note: is too long \(40000 characters; at most 2000\)/);
  const srv = await startServer(d.db);
  try {
    const api = client(srv.base);
    for (const action of ['ack', 'resolve']) {
      const pr = expectProblem(await api.request('POST', `/api/v1/alerts/${id}/${action}`, { token: admin, body: { note: long } }), 422);
      assert.deepEqual(pr.errors.map((e) => e.field), ['note']);
      assert.match(pr.errors[0].message, /at most 2000/);
    }
    assert.equal(sqlite(d.db, `SELECT status || ':' || coalesce(note, '-') FROM alert WHERE id = ${id}`), 'open:-');
    const a = expectStatus(await api.request('POST', `/api/v1/alerts/${id}/ack`, { token: admin, body: { note: '注'.repeat(2000) } }), 200).json;
    assert.equal([...a.note].length, 2000);
    // the OpenAPI document gives every text field its limit
    const spec = expectStatus(await api.get('/api/openapi.json'), 200).json;
    const note = JSON.stringify(spec).match(/"note":\{[^}]*"maxLength":(\d+)/);
    assert.ok(note && Number(note[1]) === 2000, 'the alert note has maxLength 2000 in the OpenAPI document');
    // an import job keeps the file name it is given, up to 255 characters
    const csv = `national_id,name,region\r\n${natid('210102', '20000101', '031')},张三,210102\r\n`;
    const pr = expectProblem(await api.request('POST', `/api/v1/imports?kind=trainees&name=${'n'.repeat(256)}.csv`, { token: admin, raw: csv }), 422);
    assert.deepEqual(pr.errors.map((e) => [e.field, e.code, e.args]), [['name', 'text.too_long', { length: '260', max: '255' }]]);
    assert.match(pr.detail, /^name: is too long \(260 characters; at most 255\)/);
  } finally {
    await srv.stop();
  }
});

// SQL for @n copies of @ch: repeat() on PostgreSQL, SQLite's zeroblob spelled out (n even).
function rep(db, ch, n) {
  return db.startsWith('postgresql://') ? `repeat('${ch}', ${n})` : `replace(hex(zeroblob(${n / 2})), '0', '${ch}')`;
}

test('XLSX export: a stored text longer than an Excel cell is cut at a character boundary with a mark (CLI and HTTP)', async () => {
  const d = freshDb('dualtrack-limits-xlsx-');
  const admin = account(d.db, 'limits-admin', 'admin');
  const id = insertAlert(d.db);
  const id2 = insertAlert(d.db, 2);
  // written before any limit, straight into the database: 40,000 characters, and one whose cut
  // point falls inside a character outside the BMP (two UTF-16 units in Excel)
  sqlite(d.db, `UPDATE alert SET note = ${rep(d.db, '注', 40000)} WHERE id = ${id}`);
  sqlite(d.db, `UPDATE alert SET note = ${rep(d.db, 'a', 32760)} || ${rep(d.db, '😀', 20)} WHERE id = ${id2}`);
  // exactly what a cell holds: kept whole
  sqlite(d.db, `UPDATE alert SET note = ${rep(d.db, 'b', 32766)} || 'b' WHERE id = ${insertAlert(d.db, 3)}`);
  sqlite(d.db, `UPDATE alert SET note = ${rep(d.db, 'c', 32764)} || 'c' || '😀' WHERE id = ${insertAlert(d.db, 4)}`);
  assert.equal(sqlite(d.db, `SELECT length(note) FROM alert WHERE id = ${id}`), '40000');
  const check = (file) => {
    const strings = xlsxStrings(file);
    const cut = strings.filter((t) => t.endsWith('…[已截断]'));
    assert.equal(cut.length, 2, `two cut cells in ${file}`);
    assert.equal(cut[0], '注'.repeat(32761) + '…[已截断]');
    assert.equal(cut[1], 'a'.repeat(32760) + '…[已截断]');
    assert.ok(strings.includes('b'.repeat(32767)), 'a text of 32,767 characters is whole');
    assert.ok(strings.includes('c'.repeat(32765) + '😀'), 'a text of 32,767 UTF-16 units is whole');
    for (const t of strings) {
      let units = 0;
      for (const ch of t) units += ch.codePointAt(0) > 0xffff ? 2 : 1;
      assert.ok(units <= 32767, `a cell of ${units} UTF-16 units`);
    }
  };
  const file = path.join(d.dir, 'alerts.xlsx');
  const r = run(['export', '--kind', 'alerts', '--format', 'xlsx', '-o', file, '--db', d.db]);
  assert.equal(r.status, 0, r.stderr);
  check(file);
  // CSV has no cell limit: the text whole
  const csvFile = path.join(d.dir, 'alerts.csv');
  ok(['export', '--kind', 'alerts', '--format', 'csv', '-o', csvFile, '--db', d.db]);
  assert.ok(fs.readFileSync(csvFile, 'utf8').includes('注'.repeat(40000)));
  const srv = await startServer(d.db);
  try {
    const x = await fetch(`${srv.base}/api/v1/exports/alerts.xlsx`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(x.status, 200);
    const f2 = path.join(d.dir, 'http.xlsx');
    fs.writeFileSync(f2, Buffer.from(await x.arrayBuffer()));
    check(f2);
  } finally {
    await srv.stop();
  }
});
