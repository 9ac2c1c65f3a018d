// dashboard_xlsx.test.mjs - a dashboard view as an XLSX workbook with native
// Excel charts (issue 17), from the API and the CLI.
//
// The workbook is read back with Debian's openpyxl (which shares nothing with
// libxlsxwriter): the sheets by name in each language, every indicator's
// value, target, attainment and score points equal to the JSON dashboard's,
// the months equal to the series up to the current (partial) month, marked
// so, and none after it; the charts are Excel's own parts
// (xl/charts/chartN.xml with the chart kinds named).  Scope: a city official
// gets his city's and a county's workbook, another city's is 404 as a
// missing region; a bad indicator code is 422 naming the parameter.  The
// ceiling indicator (trainees per mentor) is "ceiling" and never above 100%.
// List exports (src/io/export.c) carry the names of what a record refers to
// and times in Beijing time, and still import back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { TODAY, client, dbPath, expectStatus, ok, okAsync, startServer, tmpdir } from './helpers.mjs';

const PYTHON = process.env.DUALTRACK_PYTHON || '/usr/bin/python3';
const YEAR = Number(TODAY.slice(0, 4));
const CURRENT = TODAY.slice(0, 7);

// The workbook as JSON: per sheet its rows (values) and its number of charts.
const READ = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = []
for ws in wb.worksheets:
    out.append({'title': ws.title, 'charts': len(ws._charts),
                'rows': [list(r) for r in ws.iter_rows(values_only=True)]})
print(json.dumps(out, default=str))
`;
function readBook(file) {
  const r = spawnSync(PYTHON, ['-c', READ, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `openpyxl: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
const charts = (file) => execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n').filter((n) => /^xl\/charts\/chart\d+\.xml$/.test(n));
const part = (file, name) => execFileSync('unzip', ['-p', file, name], { encoding: 'utf8' });

const close = (a, b) => (a === null || a === undefined ? b === null || b === undefined : Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(a)));

let dir;
let db;
let srv;
let api;
let token;

before(async () => {
  dir = tmpdir('dualtrack-dashx-');
  db = dbPath(dir);
  ok(['init', '--db', db]);
  ok(['gen', '--db', db, '--trainees', '120', '--seed', '3']);
  await okAsync(['user', 'add', '--db', db, '--login', 'shenyang', '--role', 'city', '--scope', '210100', '--password-stdin'], { input: 'dash-test-password-2026\n' });
  srv = await startServer(db, { threads: 2 });
  api = client(srv.base);
  token = expectStatus(await api.post('/api/v1/session', { login: 'shenyang', password: 'dash-test-password-2026' }), 200).json.token;
});

after(async () => {
  if (srv) await srv.stop();
});

async function getFile(p, name) {
  const res = await fetch(srv.base + p, { headers: { authorization: `Bearer ${token}` } });
  const body = Buffer.from(await res.arrayBuffer());
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return { status: res.status, type: res.headers.get('content-type'), cd: res.headers.get('content-disposition'), file, body };
}

// The workbook @book holds the numbers of the JSON dashboard @ind and series @ser.
function assertSameNumbers(book, ind, ser, { sheets, partialWord }) {
  assert.deepEqual(book.map((s) => s.title), sheets);
  const [main, monthly, subs] = book;
  const head = main.rows.findIndex((r) => r[1] === 'Code' || r[1] === '代码');
  assert.ok(head > 0, 'the indicators header row');
  const byCode = new Map(main.rows.slice(head + 1).map((r) => [r[1], r]));
  assert.equal(byCode.size, ind.indicators.length, 'one row an indicator');
  for (const i of ind.indicators) {
    const r = byCode.get(i.code);
    assert.ok(r, `row of ${i.code}`);
    assert.ok(close(i.value, r[4]), `${i.code} value ${i.value} vs ${r[4]}`);
    assert.ok(close(i.target, r[7]), `${i.code} target ${i.target} vs ${r[7]}`);
    assert.ok(close(i.attainment, r[9]), `${i.code} attainment ${i.attainment} vs ${r[9]}`);
    assert.ok(close(i.score_part, r[13]), `${i.code} score points ${i.score_part} vs ${r[13]}`);
    if (i.unit === 'count' && i.projection !== null) assert.equal(r[10], Math.round(i.projection), `${i.code}: a count projected as a whole number`);
  }
  assert.ok(close(ind.score, main.rows[1][1]), 'the composite score');
  // months: equal up to the current one, which is marked; nothing after it
  const codes = ind.indicators.map((i) => i.code);
  const names = monthly.rows[0].slice(2);
  assert.equal(names.length, codes.length);
  const cur = ser.periods.indexOf(ser.current);
  assert.ok(cur >= 0, `the series names the current month ${ser.current}`);
  for (let m = 0; m < 12; m++) {
    const row = monthly.rows[m + 1];
    codes.forEach((c, k) => {
      if (m <= cur) assert.ok(close(ser.series[c][m], row[k + 2]), `${c} month ${m + 1}: ${ser.series[c][m]} vs ${row[k + 2]}`);
      else assert.equal(row[k + 2], null, `${c} month ${m + 1} (future) left empty`);
    });
  }
  assert.match(String(monthly.rows[cur + 1][1]), partialWord, 'the current month marked partial');
  // sub-regions: one row each, values equal
  assert.equal(subs.rows.length - 1, ind.children.length);
  ind.children.forEach((ch, j) => {
    const row = subs.rows[j + 1];
    assert.equal(row[1], ch.region.code);
    codes.forEach((c, k) => assert.ok(close(ch.values[c], row[k + 2]), `${ch.region.code} ${c}`));
  });
  assert.deepEqual(book.map((s) => s.charts), [1, 2, 1, 0], 'charts per sheet');
}

test('API: the city dashboard as XLSX equals the JSON dashboard, with native charts', async () => {
  const q = `region=210100&year=${YEAR}`;
  const ind = expectStatus(await api.get(`/api/v1/indicators?${q}`, { token }), 200).json;
  const ser = expectStatus(await api.get(`/api/v1/indicators/series?${q}`, { token }), 200).json;
  assert.equal(ser.current, CURRENT);
  const r = await getFile(`/api/v1/indicators.xlsx?${q}&indicator=new_contracts&lang=zh`, 'city-zh.xlsx');
  assert.equal(r.status, 200);
  assert.equal(r.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(r.cd, /dashboard-210100-\d{4}\.xlsx/);
  const book = readBook(r.file);
  assertSameNumbers(book, ind, ser, { sheets: ['指标', '月度', '下级地区', '排名'], partialWord: /未结束/ });
  // Excel's own charts: a bar chart of attainment, the chosen indicator's line
  // with the partial month dashed, stacked hours, sub-regions' bars
  const parts = charts(r.file);
  assert.equal(parts.length, 4);
  const xml = parts.map((p) => part(r.file, p));
  assert.equal(xml.filter((x) => x.includes('<c:barChart>') && x.includes('<c:barDir val="bar"/>')).length, 2);
  const line = xml.find((x) => x.includes('<c:lineChart>'));
  assert.ok(line, 'a line chart');
  assert.match(line, /新签合同数/);
  assert.match(line, /prstDash val="dash"/, 'the partial month dashed');
  assert.match(line, new RegExp(`${YEAR}年`), 'the chart title names the year');
  assert.ok(xml.some((x) => x.includes('<c:grouping val="stacked"/>')), 'stacked hours');
  // the ranking: the city's place among all pilot cities, as the API gives it
  const rank = expectStatus(await api.get(`/api/v1/rankings?level=city&year=${YEAR}`, { token }), 200).json;
  const ranked = book[3].rows.filter((row) => /^\d{6}$/.test(String(row[2])));
  assert.deepEqual(ranked.map((row) => [row[0], row[2]]), rank.items.map((i) => [i.rank, i.region.code]));
  assert.ok(rank.total >= 9, `all pilot cities ranked: ${rank.total}`);
  assert.ok(book[3].rows.some((row) => String(row[0]).includes(`全部 ${rank.total} 个试点`)), 'the total named');
});

test('API: English words, a quarter, scope and bad parameters', async () => {
  const q = `region=210100&year=${YEAR}&quarter=4`;
  const ind = expectStatus(await api.get(`/api/v1/indicators?${q}`, { token }), 200).json;
  const ser = expectStatus(await api.get(`/api/v1/indicators/series?region=210100&year=${YEAR}`, { token }), 200).json;
  const r = await getFile(`/api/v1/indicators.xlsx?${q}&lang=en`, 'city-en.xlsx');
  assert.equal(r.status, 200);
  const book = readBook(r.file);
  assertSameNumbers(book, ind, ser, { sheets: ['Indicators', 'Monthly', 'Sub-regions', 'Ranking'], partialWord: /partial/ });
  assert.match(String(book[0].rows[0][0]), /Q4/);
  const dirs = Object.fromEntries(book[0].rows.slice(4).map((row) => [row[1], row[3]]));
  assert.equal(dirs.trainees_per_mentor, 'within the ceiling');
  assert.equal(dirs.dissolution_rate, 'lower is better');
  // a county of the city is in scope; another city answers as a missing region
  const county = expectStatus(await api.get('/api/v1/regions?parent=210100&limit=1', { token }), 200).json.items[0];
  assert.equal((await getFile(`/api/v1/indicators.xlsx?region=${String(county.id).padStart(6, '0')}&year=${YEAR}`, 'county.xlsx')).status, 200);
  const out = await getFile(`/api/v1/indicators.xlsx?region=210200&year=${YEAR}`, 'out.json');
  assert.equal(out.status, 404);
  assert.equal(JSON.parse(out.body.toString()).errors[0].field, 'region');
  const bad = await getFile(`/api/v1/indicators.xlsx?year=${YEAR}&indicator=nonsense`, 'bad.json');
  assert.equal(bad.status, 422);
  assert.equal(JSON.parse(bad.body.toString()).errors[0].field, 'indicator');
  assert.equal((await getFile(`/api/v1/indicators.xlsx?year=${YEAR}&lang=fr`, 'lang.json')).status, 422);
});

test('a ceiling indicator is attained within it, never above 100%', async () => {
  const ind = expectStatus(await api.get(`/api/v1/indicators?region=210100&year=${YEAR}`, { token }), 200).json;
  const tpm = ind.indicators.find((i) => i.code === 'trainees_per_mentor');
  assert.equal(tpm.direction, 'ceiling');
  if (tpm.value !== null && tpm.target !== null) {
    assert.equal(tpm.attainment, tpm.value <= tpm.target ? 1 : tpm.target / tpm.value);
  }
  // the parts add up to the score
  const sum = ind.indicators.reduce((s, i) => s + (i.score_part || 0), 0);
  assert.ok(Math.abs(sum - ind.score) < 1e-3, `parts ${sum} vs score ${ind.score}`);
});

test('CLI: indicators --format xlsx writes the same workbook', () => {
  const file = path.join(dir, 'cli.xlsx');
  ok(['indicators', '--db', db, '--region', '210100', '--year', String(YEAR), '--format', 'xlsx', '-o', file, '--lang', 'zh']);
  const ind = JSON.parse(ok(['indicators', '--db', db, '--region', '210100', '--year', String(YEAR), '--format', 'json', '--children']));
  const book = readBook(file);
  assert.deepEqual(book.map((s) => s.title), ['指标', '月度', '下级地区', '排名']);
  const row = book[0].rows.find((r) => r[1] === 'active_contracts');
  assert.equal(row[4], ind.indicators.find((i) => i.code === 'active_contracts').value);
  assert.equal(charts(file).length, 4);
  // -o without xlsx, and xlsx without -o, are usage errors
  const r = spawnSync(process.env.DUALTRACK_BIN || 'build/dualtrack', ['indicators', '--db', db, '--format', 'xlsx'], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /-o FILE/);
});

// ---- list exports: names beside the codes, times in Beijing time ----

test('list exports carry names and local times (CSV and XLSX), and import ignores them', () => {
  const csv = path.join(dir, 'contracts.csv');
  ok(['export', '--db', db, '--kind', 'contracts', '--format', 'csv', '-o', csv, '--filter', 'region=210100']);
  const lines = fs.readFileSync(csv, 'utf8').replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  const head = lines[0].split(',');
  for (const h of ['学员姓名', '企业名称', '院校名称', '培养项目名称', '所属地区名称']) assert.ok(head.includes(h), `column ${h} in ${head.join(',')}`);
  const row = lines[1].split(',');
  const col = (h) => row[head.indexOf(h)];
  const id = col('编号');
  const c = JSON.parse(ok(['show', 'contract', id, '--db', db]));
  const ent = JSON.parse(ok(['show', 'organization', String(c.enterprise_id), '--db', db]));
  const tr = JSON.parse(ok(['show', 'trainee', String(c.trainee_id), '--db', db]));
  assert.equal(col('企业名称'), ent.name);
  assert.equal(col('学员姓名'), tr.name);
  // 创建时间: the UTC instant as Beijing time to the minute
  const local = new Date(Date.parse(c.created_at) + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
  assert.equal(col('创建时间'), local);
  assert.doesNotMatch(lines[1], /\d{4}-\d\d-\d\dT\d\d:\d\d/, 'no UTC ISO text');
  // XLSX in English: date-time cells, names by their English names where there are some
  const xlsx = path.join(dir, 'trainees.xlsx');
  ok(['export', '--db', db, '--kind', 'trainees', '--format', 'xlsx', '-o', xlsx, '--lang', 'en', '--filter', 'region=210100']);
  const py = `
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
rows = [list(r) for r in ws.iter_rows(values_only=True)]
print(json.dumps({'head': rows[0], 'row': [str(v) if v is not None else None for v in rows[1]]}))
`;
  const r = spawnSync(PYTHON, ['-c', py, xlsx], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { head: h2, row: r2 } = JSON.parse(r.stdout);
  assert.ok(h2.includes('region_name'), h2.join(','));
  assert.match(r2[h2.indexOf('created_at')], /^\d{4}-\d\d-\d\d \d\d:\d\d:00$/, 'a date-time cell');
  // the region with its parents ("Liaoning Shenyang 铁西区", as the UI's region search shows
  // it), each by its English name where the region table has one (counties often have none)
  const path1 = [];
  for (let code = r2[h2.indexOf('region')]; code;) {
    const reg = JSON.parse(ok(['show', 'region', String(code), '--db', db]));
    path1.unshift(reg.name_en || reg.name_zh);
    code = reg.parent && reg.parent !== reg.id ? reg.parent : null;
  }
  assert.ok(path1.length >= 2, path1.join(' '));
  assert.equal(r2[h2.indexOf('region_name')], path1.join(' '));
  // the exported file imports back: the name and time columns are system columns, ignored
  const fresh = dbPath(tmpdir('dualtrack-dashx-rt-'));
  ok(['init', '--db', fresh]);
  const orgs = path.join(dir, 'orgs.csv');
  ok(['export', '--db', db, '--kind', 'organizations', '--format', 'csv', '-o', orgs]);
  const out = ok(['import', '--db', fresh, '--kind', 'organizations', orgs]);
  assert.doesNotMatch(out, /unknown/i, out);
});
