// limits.test.mjs - end-to-end tests of hostile sizes and bytes: a CSV
// header of any width is refused naming the limit (CLI and import jobs over
// HTTP, the server staying up), rows and cells far past what a field holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  client, expectStatus, freshDb, natid, ok, run, sleep, startServer,
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
    assert.match(rep, new RegExp(`^1,,,,文件无法导入：表头有${n}列，超过上限256列,header: ${n} columns; at most 256 are allowed\\r$`, 'm'));
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
