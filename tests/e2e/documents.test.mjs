// documents.test.mjs - the printed documents (PDF): the three-party contract,
// the record book and the annual report, from the CLI and over HTTP.
//
// The PDFs are read back with poppler's tools, which share nothing with
// cairo's writer: `pdffonts` must list the CJK font embedded, `pdftotext`
// must give back the Chinese text (the trainee's name as the API shows it,
// the 三方协议 title, the city's name), `pdfinfo` the page count.  A record
// book of a contract with a few hundred entries must run onto a sane number
// of pages with every entry and the header row on each page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { client, demoDb, expectStatus, fails, ok, okAsync, startServer } from './helpers.mjs';

let dir;
let db;
let srv;
let api;
const tok = {};
let password;

const pdftotext = (file) => execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
const pages = (file) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))[1]);
// The fonts of @file: [{ name, emb }] from `pdffonts`.
function fonts(file) {
  return execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean).map((l) => {
    const f = l.trim().split(/\s+/);
    return { name: f[0], emb: f[f.length - 5] };
  });
}
function assertCjkEmbedded(file) {
  const fs_ = fonts(file);
  assert.ok(fs_.length > 0, `${file}: no fonts`);
  assert.ok(fs_.some((f) => /NotoSansCJK/.test(f.name) && f.emb === 'yes'), `${file}: the CJK font embedded: ${JSON.stringify(fs_)}`);
  assert.ok(fs_.every((f) => f.emb === 'yes'), `${file}: every font embedded: ${JSON.stringify(fs_)}`);
}

// A binary GET (the helpers' client reads text).
async function getBytes(p, token, headers = {}) {
  const res = await fetch(srv.base + p, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

before(async () => {
  const made = await demoDb('dualtrack-docs-');
  dir = made.dir;
  db = made.db;
  password = /sign-ins \(password (\S+)\)/.exec(made.out)?.[1];
  srv = await startServer(db, { threads: 2 });
  api = client(srv.base);
  for (const login of ['admin', 'shenyang', 'company', 'trainee']) {
    const r = expectStatus(await api.post('/api/v1/session', { login, password }), 200, login);
    tok[login] = r.json.token;
  }
});

after(async () => {
  if (srv) await srv.stop();
});

test('contract pdf (CLI): the CJK font embedded, the Chinese text extracts', () => {
  const c = JSON.parse(ok(['show', 'contract', '1', '--db', db]));
  const t = JSON.parse(ok(['show', 'trainee', String(c.trainee_id), '--db', db]));
  const out = path.join(dir, 'contract-1.pdf');
  ok(['contract', 'pdf', '1', '-o', out, '--lang', 'zh', '--db', db]);
  assert.equal(fs.readFileSync(out).subarray(0, 5).toString(), '%PDF-');
  assertCjkEmbedded(out);
  const text = pdftotext(out);
  assert.match(text, /三方协议/);
  assert.ok(text.includes(t.name), `the trainee's name ${t.name} in:\n${text.slice(0, 400)}`);
  assert.ok(text.includes(c.company_mentor) && text.includes(c.school_mentor), 'both mentors');
  assert.match(text, new RegExp(`${c.stipend_monthly} 元/月`), 'the stipend with its unit');
  assert.match(text, /甲方（盖章）/);
  assert.match(text, /丙方（签字）/);
  // English on request: the same facts, English words
  const en = path.join(dir, 'contract-1-en.pdf');
  ok(['contract', 'pdf', '1', '-o', en, '--lang', 'en', '--db', db]);
  const etext = pdftotext(en);
  assert.match(etext, /Three-party dual training contract/);
  assert.ok(etext.includes(t.name));
  assert.match(etext, /CNY per month/);
});

test('contract pdf (CLI): a missing contract and bad arguments fail', () => {
  fails(['contract', 'pdf', '999999', '-o', path.join(dir, 'x.pdf'), '--db', db], 1);
  assert.ok(!fs.existsSync(path.join(dir, 'x.pdf')), 'no file for a missing contract');
  fails(['contract', 'pdf', '1', '--db', db], 2, /-o FILE/);
  fails(['contract', 'pdf', '1', '-o', path.join(dir, 'y.pdf'), '--lang', 'fr', '--db', db], 2, /--lang/);
  fails(['report', '--year', '2026', '-o', path.join(dir, 'y.pdf'), '--db', db], 2, /--region/);
});

test('record book: many entries give a sane page count, every entry and the header on each page', async () => {
  // An active contract, and 240 entries of a long text on days of its own
  const list = expectStatus(await api.get('/api/v1/contracts?status=active&limit=1&sort=start_date', { token: tok.admin }), 200);
  const c = list.json.items[0];
  const before_ = expectStatus(await api.get(`/api/v1/record-entries?contract_id=${c.id}&limit=1000`, { token: tok.admin }), 200).json.items;
  const busy = new Set(before_.map((e) => e.date));
  const start = new Date(`${c.start_date}T00:00:00Z`);
  let made = 0;
  for (let d = 0; made < 240 && d < 800; d++) {
    const day = new Date(start.getTime() + d * 86400000).toISOString().slice(0, 10);
    if (busy.has(day) || day > '2026-11-20') continue;
    const r = await api.post('/api/v1/record-entries', {
      contract_id: c.id, date: day, site: made % 2 ? 'school' : 'company', hours: 2,
      content: `第${made}条记录：数控车床编程与加工，零件测量与质量检验，安全操作规程学习。`.repeat(3),
    }, { token: tok.admin });
    if (r.status === 201) made++;
  }
  assert.ok(made >= 200, `entries made: ${made}`);
  const total = before_.length + made;
  const out = path.join(dir, 'book.pdf');
  ok(['contract', 'book', String(c.id), '-o', out, '--lang', 'zh', '--db', db]);
  assertCjkEmbedded(out);
  const n = pages(out);
  // each entry is two to four lines of text: 8 to 40 entries a page
  assert.ok(n >= Math.ceil(total / 40) && n <= Math.ceil(total / 8) + 2, `${n} pages for ${total} entries`);
  const text = pdftotext(out);
  assert.match(text, /培养手册/);
  assert.ok(text.includes('第0条记录') && text.includes(`第${made - 1}条记录`), 'the first and the last entry');
  // the header row on every page the table runs onto (the first page has the summary above it)
  const heads = text.split('\f').filter((pg) => pg.includes('学习内容')).length;
  assert.ok(heads >= n - 1, `the table's header on ${heads} of ${n} pages`);
  assert.equal(text.split('\f').filter((pg) => /第\s*\d+\s*页/.test(pg)).length, n, 'a page number on every page');
});

test('annual report (CLI): the city, its indicators, the ranking and charts', () => {
  const out = path.join(dir, 'report.pdf');
  ok(['report', '--region', '210100', '--year', '2026', '-o', out, '--lang', 'zh', '--db', db]);
  assertCjkEmbedded(out);
  const text = pdftotext(out);
  assert.match(text, /沈阳市双元培育试点2026年度评估报告/);
  for (const h of ['指标、目标与达成', '试点排名与得分构成', '月度趋势', '预警', '督查情况', '综合得分', '在训合同数']) {
    assert.ok(text.includes(h), `${h} in the report`);
  }
  const n = pages(out);
  assert.ok(n >= 3 && n <= 40, `${n} pages`);
  // the score's parts add up to the composite score the API gives
  const ind = JSON.parse(ok(['indicators', '--region', '210100', '--year', '2026', '--format', 'json', '--db', db]));
  assert.ok(text.includes(ind.score.toFixed(2)), `the score ${ind.score.toFixed(2)} printed`);
  fails(['report', '--region', '219900', '--year', '2026', '-o', path.join(dir, 'none.pdf'), '--db', db], 1);
});

test('GET /api/v1/contracts/{id}/pdf and book.pdf: a PDF in scope, 404 outside as for a missing one', async () => {
  const mine = expectStatus(await api.get('/api/v1/contracts?limit=1', { token: tok.company }), 200).json.items[0];
  const r = await getBytes(`/api/v1/contracts/${mine.id}/pdf`, tok.company);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), new RegExp(`^attachment; filename="contract-${mine.id}\\.pdf"`));
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  const file = path.join(dir, 'api.pdf');
  fs.writeFileSync(file, r.body);
  assertCjkEmbedded(file);
  assert.match(pdftotext(file), /三方协议/, 'Chinese by default');
  const en = await getBytes(`/api/v1/contracts/${mine.id}/pdf`, tok.company, { 'accept-language': 'en' });
  fs.writeFileSync(file, en.body);
  assert.match(pdftotext(file), /Three-party/, 'Accept-Language: en');
  const b = await getBytes(`/api/v1/contracts/${mine.id}/book.pdf?lang=en`, tok.company);
  assert.equal(b.status, 200);
  assert.match(b.headers.get('content-disposition'), /filename="record-book-\d+\.pdf"/);
  // a contract of another enterprise: as missing
  const all = expectStatus(await api.get('/api/v1/contracts?limit=200', { token: tok.admin }), 200).json.items;
  const other = all.find((c) => c.enterprise_id !== mine.enterprise_id);
  for (const tail of ['pdf', 'book.pdf']) {
    const out = await api.get(`/api/v1/contracts/${other.id}/${tail}`, { token: tok.company });
    const missing = await api.get(`/api/v1/contracts/999999999/${tail}`, { token: tok.company });
    assert.equal(out.status, 404);
    assert.equal(missing.status, 404);
    assert.deepEqual({ ...out.json, instance: 0 }, { ...missing.json, instance: 0 });
  }
  const bad = await api.get(`/api/v1/contracts/${mine.id}/pdf?lang=fr`, { token: tok.company });
  assert.equal(bad.status, 422);
});

test('GET /api/v1/reports/{region}/{year}.pdf: the city official gets his city; another is missing', async () => {
  const r = await getBytes('/api/v1/reports/210100/2026.pdf', tok.shenyang);
  assert.equal(r.status, 200, r.body.toString().slice(0, 300));
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), /filename="report-210100-2026\.pdf"/);
  const file = path.join(dir, 'rep.pdf');
  fs.writeFileSync(file, r.body);
  assertCjkEmbedded(file);
  assert.match(pdftotext(file), /沈阳市/);
  const out = await api.get('/api/v1/reports/210300/2026.pdf', { token: tok.shenyang });
  const missing = await api.get('/api/v1/reports/219900/2026.pdf', { token: tok.shenyang });
  assert.equal(out.status, 404);
  assert.deepEqual({ ...out.json, instance: 0 }, { ...missing.json, instance: 0 });
  assert.equal((await api.get('/api/v1/reports/210100/20x6.pdf', { token: tok.shenyang })).status, 404);
  // a trainee may not read reports at all
  assert.equal((await api.get('/api/v1/reports/210100/2026.pdf', { token: tok.trainee })).status, 403);
});
