// xlsx.test.mjs - Excel workbooks through the import: the templates the
// project offers (XLSX, written by libxlsxwriter) filled in by another
// program (openpyxl: shared strings, real dates, numbers) import back, kind
// after kind, assessments and outcomes included; over HTTP a filled
// workbook runs as a job like a CSV file, with the same report at the rows
// Excel shows, regions named within the caller's scope, and a damaged
// workbook refused with its catalogue code; and in a real browser a school
// uploads a workbook on the import page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {
  client, expectStatus, freshDb, natid, ok, orgBody, run, sleep, startServer, uscc,
} from './helpers.mjs';
import { browserAvailable, go, launch, newPage, pilotDb, signIn } from './ui_helpers.mjs';

// Debian's python3-openpyxl (scripts/deps.sh); the python3 of PATH may be another one.
const PYTHON = process.env.DUALTRACK_PYTHON || '/usr/bin/python3';

// Fill @template's first sheet as a person would: its example row kept and
// changed (or not), more rows after it, dates as Excel dates, numbers as
// numbers; '_skip' leaves blank rows before a row, '_blank' starts from an
// empty row instead of the example.
const FILL = `
import json, sys, datetime, openpyxl
spec = json.loads(sys.argv[1])
wb = openpyxl.load_workbook(spec['template'])
ws = wb.worksheets[0]
header = [c.value for c in ws[1]]
example = [c.value for c in ws[2]]
ws.delete_rows(2, ws.max_row)
r = 2
for row in spec['rows']:
    vals = [None] * len(header) if row.get('_blank') else list(example)
    for k, v in row.items():
        if k.startswith('_'):
            continue
        if isinstance(v, dict) and 'date' in v:
            v = datetime.date.fromisoformat(v['date'])
        vals[header.index(k)] = v
    r += row.get('_skip', 0)
    for i, v in enumerate(vals):
        cell = ws.cell(row=r, column=i + 1, value=v)
        if isinstance(v, datetime.date):
            cell.number_format = 'yyyy/m/d'
    r += 1
wb.save(spec['out'])
`;

function fill(template, out, rows) {
  const r = spawnSync(PYTHON, ['-c', FILL, JSON.stringify({ template, out, rows })], { encoding: 'utf8' });
  assert.equal(r.status, 0, `openpyxl: ${r.stderr}`);
  return out;
}

function template(dir, kind, lang = 'zh') {
  const f = path.join(dir, `tpl-${kind}-${lang}.xlsx`);
  ok(['export', '--kind', kind, '--format', 'xlsx', '--template', '--lang', lang, '-o', f]);
  return f;
}

function importXlsx(db, kind, file) {
  const r = run(['import', '--kind', kind, file, '--db', db, '--format', 'json']);
  assert.equal(r.status, 0, `import ${kind}: ${r.stdout}\n${r.stderr}`);
  const s = JSON.parse(r.stdout);
  assert.equal(s.encoding, 'XLSX');
  return s;
}

test('templates: every XLSX template, filled in by openpyxl, imports back (assessments and outcomes too)', () => {
  const d = freshDb('dualtrack-xlsx-rt-');
  const dir = d.dir;
  const body = uscc('210100', orgBody());
  const t2 = natid('210102', '19990505', '017');
  // the templates' example rows name one enterprise, one school, one programme and one trainee
  let s = importXlsx(d.db, 'organizations', fill(template(dir, 'organizations'), path.join(dir, 'org.xlsx'), [
    {},
    { 机构类型: '院校', 统一社会信用代码: '91210102MA5000006U', 名称: '沈阳示例职业技术学院', 所在地区: '沈阳市' },
    { 机构类型: '评价机构', 统一社会信用代码: body, 名称: '沈阳市职业技能鉴定中心', 所在地区: '210100', _skip: 2 },
  ]));
  assert.equal(s.written, 3);
  s = importXlsx(d.db, 'programmes', fill(template(dir, 'programmes'), path.join(dir, 'prog.xlsx'), [{}]));
  assert.equal(s.written, 1);
  s = importXlsx(d.db, 'trainees', fill(template(dir, 'trainees'), path.join(dir, 'tr.xlsx'), [
    { 出生日期: { date: '1998-01-01' } },
    { 身份证号: t2, 姓名: '徐伟', 性别: '男', 出生日期: { date: '1999-05-05' }, 户籍地区: '沈阳市', 联系电话: 13800000010 },
  ]));
  assert.equal(s.written, 2);
  const trainees = JSON.parse(ok(['list', 'trainee', '--db', d.db, '--format', 'json', '--sort', 'id']));
  const xu = trainees.find((t) => t.name === '徐伟');
  assert.equal(xu.birth_date, '1999-05-05');
  assert.equal(xu.region, '210100');
  assert.equal(xu.phone, '13800000010');
  // one active contract (the example), one completed (for an outcome)
  s = importXlsx(d.db, 'contracts', fill(template(dir, 'contracts'), path.join(dir, 'ct.xlsx'), [
    { 状态: '履行中', 开始日期: { date: '2025-09-01' } },
    { 学员身份证号: t2, 开始日期: { date: '2023-09-01' }, 结束日期: { date: '2025-08-31' }, 状态: '已完成', 终止日期: { date: '2025-08-31' } },
  ]));
  assert.equal(s.written, 2);
  s = importXlsx(d.db, 'record-entries', fill(template(dir, 'record-entries'), path.join(dir, 're.xlsx'), [{}]));
  assert.equal(s.written, 1);
  s = importXlsx(d.db, 'assessments', fill(template(dir, 'assessments'), path.join(dir, 'as.xlsx'), [
    { 评价机构统一社会信用代码: body, 考核日期: { date: '2026-01-15' } },
  ]));
  assert.equal(s.written, 1);
  s = importXlsx(d.db, 'outcomes', fill(template(dir, 'outcomes'), path.join(dir, 'oc.xlsx'), [
    { 学员身份证号: t2, 合同开始日期: { date: '2023-09-01' }, 日期: { date: '2025-09-01' }, '月工资(元)': 5200 },
  ]));
  assert.equal(s.written, 1);
  const as = JSON.parse(ok(['list', 'assessment', '--db', d.db, '--format', 'json']));
  assert.equal(as[0].date, '2026-01-15');
  const oc = JSON.parse(ok(['list', 'outcome', '--db', d.db, '--format', 'json']));
  assert.equal(oc[0].date, '2025-09-01');
  // an English template (machine names in its header) reads back too
  s = importXlsx(d.db, 'trainees', fill(template(dir, 'trainees', 'en'), path.join(dir, 'tr-en.xlsx'), [
    { national_id: natid('210103', '20000303', '024'), name: '钱多多', gender: 'F', birth_date: { date: '2000-03-03' }, region: '210103', _blank: true },
  ]));
  assert.equal(s.written, 1);
});

async function waitJob(api, id, token, ms = 60000) {
  const end = Date.now() + ms;
  for (;;) {
    const r = expectStatus(await api.get(`/api/v1/jobs/${id}`, { token }), 200);
    if (['succeeded', 'failed', 'cancelled'].includes(r.json.status)) return r.json;
    assert.ok(Date.now() < end, `job ${id} still ${r.json.status}`);
    await sleep(50);
  }
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

test('API: a filled XLSX template imports as a job; errors at the rows Excel shows; regions by name; a damaged workbook is refused', async () => {
  const d = freshDb('dualtrack-xlsx-api-');
  const sch = uscc('210103', orgBody());
  const orgs = path.join(d.dir, 'orgs.csv');
  fs.writeFileSync(orgs, `机构类型,统一社会信用代码,名称,所在地区\n院校,${sch},沈阳示例职业技术学院,210103\n`);
  ok(['import', '--kind', 'organizations', orgs, '--db', d.db]);
  ok(['user', 'add', '--login', 'x-school', '--role', 'school', '--scope', sch, '--password-stdin', '--db', d.db], { input: 'xlsx-test-password\n' });
  const school = ok(['token', 'create', '--login', 'x-school', '--db', d.db]).trim();
  const tpl = template(d.dir, 'trainees');
  const t1 = natid('210102', '20000101', '013');
  const t2 = natid('210106', '20000202', '024');
  const t3 = natid('210106', '20000303', '035');
  const bad = t2.slice(0, 17) + (t2[17] === '0' ? '1' : '0');
  const srv = await startServer(d.db);
  try {
    const api = client(srv.base);
    const post = async (file, name) => expectStatus(await api.request('POST', `/api/v1/imports?kind=trainees&name=${encodeURIComponent(name)}`,
      { token: school, raw: fs.readFileSync(file), headers: { 'content-type': XLSX_TYPE } }), 202);
    // the sheet's row 3 left blank: a wrong check character on row 4, a name of three regions on row 5
    const f1 = fill(tpl, path.join(d.dir, 'bad.xlsx'), [
      { 身份证号: t1, 姓名: '张三', 出生日期: { date: '2000-01-01' }, 户籍地区: '沈阳市', 性别: null },
      { 身份证号: bad, 姓名: '李四', 出生日期: null, 户籍地区: '210106', 性别: null, _skip: 1 },
      { 身份证号: t3, 姓名: '王五', 出生日期: null, 户籍地区: '铁西区', 性别: null },
    ]);
    let r = await post(f1, 'bad.xlsx');
    let job = await waitJob(api, r.json.id, school);
    assert.equal(job.status, 'failed', JSON.stringify(job));
    assert.equal(job.counts.rows, 3);
    assert.equal(job.counts.rejected, 2);
    assert.equal(job.counts.written, 0);
    assert.equal(job.counts.encoding, 'XLSX');
    assert.equal(job.error_code, 'import.rejected');
    const errs = job.counts.first_errors.map((e) => `${e.row} ${e.code}`);
    assert.deepEqual(errs, ['4 natid.check_char', '5 region.name_ambiguous'], JSON.stringify(job.counts.first_errors));
    assert.match(job.counts.first_errors[1].message_en, /210106 沈阳市铁西区, 210303 鞍山市铁西区/);
    const rep = await api.get(job.report, { token: school });
    assert.match(rep.text, /\r\n4,身份证号,national_id,/);
    assert.match(rep.text, /\r\n5,户籍地区,region,铁西区,region\.name_ambiguous,/);
    // corrected: nothing refused, both written
    const f2 = fill(tpl, path.join(d.dir, 'good.xlsx'), [
      { 身份证号: t1, 姓名: '张三', 出生日期: { date: '2000-01-01' }, 户籍地区: '沈阳市', 性别: null },
      { 身份证号: t2, 姓名: '李四', 出生日期: null, 户籍地区: '210106', 性别: null, _skip: 1 },
    ]);
    r = await post(f2, 'good.xlsx');
    job = await waitJob(api, r.json.id, school);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.equal(job.counts.written, 2);
    const list = expectStatus(await api.get('/api/v1/trainees?sort=id', { token: school }), 200).json;
    const items = list.items || list;
    assert.deepEqual(items.map((t) => t.region), ['210100', '210106']);
    // a workbook cut short: the file's fault, worded from the catalogue
    const cut = path.join(d.dir, 'cut.xlsx');
    const whole = fs.readFileSync(f2);
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 100));
    r = await post(cut, 'cut.xlsx');
    job = await waitJob(api, r.json.id, school);
    assert.equal(job.status, 'failed');
    assert.match(job.error, /not a valid XLSX file/);
    const rep2 = await api.get(job.report, { token: school });
    assert.match(rep2.text, /xlsx\.zip/);
  } finally {
    await srv.stop();
  }
});

// ---- in the browser ----

const missing = browserAvailable();
let pilot;
let srv;
let chrome;

before(async () => {
  if (missing) return;
  pilot = await pilotDb(60);
  srv = await startServer(pilot.db, { threads: 2 });
  chrome = await launch();
});

after(async () => {
  if (chrome) await chrome.close();
  if (srv) await srv.stop();
});

test('browser: a school downloads the Excel template, fills it in and uploads it on the import page', { skip: missing || false, timeout: 120000 }, async () => {
  const ctx = await chrome.newContext({ locale: 'zh-CN', acceptDownloads: true });
  const page = await newPage(ctx);
  try {
    await signIn(page, srv.base, 'school');
    await go(page, srv.base, '/import');
    // the page says it takes Excel, and offers assessments and outcomes
    await page.getByText(/Excel 工作簿（\.xlsx/).waitFor();
    assert.match(await page.locator('#imp-file').getAttribute('accept'), /\.xlsx/);
    const kinds = await page.locator('#imp-kind option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(kinds.includes('assessments') && kinds.includes('outcomes'), kinds.join(','));
    await page.locator('#imp-kind').selectOption('trainees');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Excel' }).click(),
    ]);
    const tpl = path.join(pilot.dir, 'tpl-web.xlsx');
    await download.saveAs(tpl);
    const id = natid('210102', '20010101', '037');
    const filled = fill(tpl, path.join(pilot.dir, '学员名单.xlsx'), [
      { 身份证号: id, 姓名: '网页导入', 出生日期: { date: '2001-01-01' }, 户籍地区: '210102', 性别: '男', 联系电话: 13900000001 },
    ]);
    await page.locator('#imp-file').setInputFiles(filled);
    await page.getByRole('button', { name: '开始导入' }).click();
    await page.getByText(/导入完成|未导入/).waitFor({ timeout: 30000 });
    assert.match(await page.locator('main').innerText(), /导入完成：共 1 行，写入 1 行/);
    assert.equal(pilot.sqlite(`SELECT COUNT(*) FROM trainee WHERE name = '网页导入'`).trim(), '1');
    assert.deepEqual(page.problems(), []);
  } finally {
    await ctx.close();
  }
});
