// io.test.mjs - end-to-end tests of bulk import, export, templates and
// background jobs: the real binary on real files, written the way Excel
// writes them (UTF-8 with a BOM and CRLF, or GBK), and the HTTP API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {
  baseEnv, envFor, BIN, client, expectProblem, expectStatus, fails, freshDb, natid, ok, orgBody, run,
  sleep, sqlite, startServer, tmpdir, uscc,
} from './helpers.mjs';

// ---- helpers ----

const BOM = '\ufeff';
// A CSV as "CSV UTF-8" from Excel: BOM, CRLF, quotes where needed.
function csvText(rows) {
  const q = (v) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return BOM + rows.map((r) => r.map(q).join(',')).join('\r\n') + '\r\n';
}
function writeCsv(dir, name, rows) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, csvText(rows));
  return p;
}
// The same as Chinese Excel's plain "CSV": GBK, CRLF, no BOM.
function writeGbk(dir, name, rows) {
  const p = path.join(dir, name);
  const r = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: csvText(rows).slice(1) });
  assert.equal(r.status, 0, `iconv: ${r.stderr}`);
  fs.writeFileSync(p, r.stdout);
  return p;
}
// Parse CSV text (RFC 4180, a leading BOM dropped) into arrays of strings.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let q = false;
  const s = text.replace(/^\ufeff/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && s[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
// Everything in the database as text: what "unchanged" compares.  On
// PostgreSQL, pg_dump's data without the sequences' positions (a refused
// insert still takes a number, which no record shows).
function dump(db) {
  const r = db.startsWith('postgresql://')
    ? spawnSync('pg_dump', ['--data-only', '--no-owner', db], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync('sqlite3', [db, '.dump'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr);
  // pg_dump's \restrict key is new at each dump
  return r.stdout.split('\n').filter((l) => !/^(SELECT pg_catalog\.setval|\\(un)?restrict )/.test(l)).join('\n');
}
function listJson(db, kind, extra = []) {
  return JSON.parse(ok(['list', kind, '--db', db, '--format', 'json', '--limit', '1000', ...extra]));
}
function importOk(db, kind, file, extra = []) {
  const r = run(['import', '--kind', kind, file, '--db', db, ...extra]);
  assert.equal(r.status, 0, `import ${kind}: ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

// A small pilot in Shenyang, imported from files: returns its keys.
function buildWorld(db, dir) {
  const w = {
    ent: uscc('210102', orgBody()), ent2: uscc('210102', orgBody()), sch: uscc('210103', orgBody()),
    body: uscc('210100', orgBody()), anshan: uscc('210302', orgBody()),
    t: [natid('210102', '20000115', '011'), natid('210103', '19990601', '022'), natid('210104', '20010909', '031'),
      natid('210302', '20000202', '042')],
  };
  writeCsv(dir, 'orgs.csv', [
    ['机构类型', '统一社会信用代码', '名称', '所在地区', '规模', '地址'],
    ['企业', w.ent, '沈阳示例机床有限公司', '210102', '大型', '和平区南京北街1号,\n2楼'],
    ['enterprise', w.ent2, '沈阳示例重工有限公司', '210102', 'medium', ''],
    ['院校', w.sch, '沈阳示例职业技术学院', '210103', '', ''],
    ['评价机构', w.body, '沈阳市职业技能鉴定中心', '210100', '', ''],
    ['企业', w.anshan, '鞍山示例钢铁有限公司', '210302', '', ''],
  ]);
  importOk(db, 'organizations', path.join(dir, 'orgs.csv'));
  writeCsv(dir, 'prog.csv', [
    ['项目编码', '培养项目', '院校统一社会信用代码', '职业编码', '培养等级', '学制(月)', '企业学时', '学校学时'],
    ['P-CNC', '数控加工（双元制）', w.sch, '6-18-01-01', '4', '36', '2400', '1200'],
  ]);
  importOk(db, 'programmes', path.join(dir, 'prog.csv'));
  writeGbk(dir, 'trainees-gbk.csv', [
    ['姓名', '身份证号', '户籍地区', '联系电话'],
    ['张伟', w.t[0], '210102', '13800000001'],
    ['李娜', w.t[1], '210103', ''],
    ['王芳', w.t[2], '210104', ''],
    ['赵磊', w.t[3], '210302', ''],
  ]);
  const out = importOk(db, 'trainees', path.join(dir, 'trainees-gbk.csv'));
  assert.match(out, /\(GB18030\): 4 rows read, 4 written, 0 rejected/);
  writeCsv(dir, 'contracts.csv', [
    ['学员身份证号', '企业统一社会信用代码', '院校统一社会信用代码', '培养项目编码', '企业导师', '学校导师',
      '月津贴(元)', '开始日期', '结束日期', '状态', '终止日期', '解除原因'],
    [w.t[0], w.ent, w.sch, 'P-CNC', '李师傅', '王老师', '2500', '2025-09-01', '2028-08-31', '履行中', '', ''],
    [w.t[1], w.ent2, w.sch, 'P-CNC', '刘师傅', '王老师', '2300', '2023-09-01', '2026-06-30', 'completed', '2026-06-30', ''],
    [w.t[2], w.ent, w.sch, 'P-CNC', '李师傅', '陈老师', '2400', '2025-03-01', '2028-02-28', 'dissolved', '2025-05-10', '个人原因'],
  ]);
  importOk(db, 'contracts', path.join(dir, 'contracts.csv'));
  writeCsv(dir, 'entries.csv', [
    ['trainee_national_id', 'contract_start_date', 'date', 'site', 'hours', 'content'],
    [w.t[0], '2025-09-01', '2025-10-08', '企业', '8', '车床操作, 安全规程'],
    [w.t[0], '', '2025-10-09', 'school', '6', '机械制图\n第二章'],
  ]);
  importOk(db, 'record-entries', path.join(dir, 'entries.csv'));
  writeCsv(dir, 'assess.csv', [
    ['学员身份证号', '考核类型', '考核日期', '结果', '成绩', '技能等级', '证书编号', '评价机构统一社会信用代码'],
    [w.t[1], '结业考核', '2026-06-20', '合格', '86.5', '', '', w.body],
    [w.t[1], 'skill_level', '2026-06-25', 'pass', '', '4', 'ZS-2026-0001', w.body],
  ]);
  importOk(db, 'assessments', path.join(dir, 'assess.csv'));
  writeCsv(dir, 'outcomes.csv', [
    ['trainee_national_id', 'kind', 'date', 'wage_monthly', 'employer_uscc'],
    [w.t[1], 'retained', '2026-07-01', '5200', w.ent2],
  ]);
  importOk(db, 'outcomes', path.join(dir, 'outcomes.csv'));
  writeCsv(dir, 'more.csv', [['enterprise_uscc', 'school_uscc', 'places_per_year', 'start_date'], [w.ent, w.sch, '20', '2024-01-01']]);
  importOk(db, 'partnerships', path.join(dir, 'more.csv'));
  writeCsv(dir, 'demand.csv', [['企业统一社会信用代码', '职业编码', '技能等级', '年度', '需求人数'], [w.ent, '6-18-01-01', '4', '2026', '12']]);
  importOk(db, 'demands', path.join(dir, 'demand.csv'));
  writeCsv(dir, 'places.csv', [['enterprise_uscc', 'programme_code', 'year', 'capacity'], [w.ent, 'P-CNC', '2026', '8']]);
  importOk(db, 'places', path.join(dir, 'places.csv'));
  writeCsv(dir, 'pilots.csv', [['试点地区', '试点名称', '试点开始', '试点结束'], ['210100', '沈阳市双元培育试点', '2025-01-01', '2027-12-31']]);
  importOk(db, 'pilots', path.join(dir, 'pilots.csv'));
  return w;
}

// One world for the tests that only read it.
const shared = (() => {
  const d = freshDb('dualtrack-io-');
  const w = buildWorld(d.db, d.dir);
  return { ...d, w };
})();

// ---- import ----

test('import: every kind, Chinese or English headers, UTF-8 with BOM and GBK, CRLF, quoted newlines', () => {
  const { db, w } = shared;
  const orgs = listJson(db, 'organizations');
  assert.equal(orgs.length, 5);
  const ent = orgs.find((o) => o.uscc === w.ent);
  assert.equal(ent.kind, 'enterprise');
  assert.equal(ent.size, 'large');
  assert.equal(ent.address, '和平区南京北街1号,\n2楼', 'a quoted field keeps its comma and line break');
  const tr = listJson(db, 'trainees');
  assert.deepEqual(tr.map((t) => t.name).sort(), ['张伟', '李娜', '王芳', '赵磊'].sort());
  assert.ok(tr.every((t) => /^\d{4}\*{10}[\dX]{4}$/.test(t.national_id)), 'IDs stored masked');
  const cs = listJson(db, 'contracts');
  assert.deepEqual(cs.map((c) => c.status).sort(), ['active', 'completed', 'dissolved']);
  assert.equal(listJson(db, 'record-entries').length, 2);
  assert.equal(listJson(db, 'record-entries').find((e) => e.site === 'school').content, '机械制图\n第二章');
  assert.equal(listJson(db, 'assessments').length, 2);
  assert.equal(listJson(db, 'outcomes')[0].kind, 'retained');
  for (const k of ['partnerships', 'demands', 'places', 'pilots']) assert.equal(listJson(db, k).length, 1, k);
  // every record an audit event, the chain intact
  ok(['check', '--db', db]);
});

test('import: GBK read as UTF-8 is refused naming the line; --encoding gbk reads it', () => {
  const d = freshDb('dualtrack-io-enc-');
  const p = writeGbk(d.dir, 'gbk.csv', [['姓名', '身份证号', '户籍地区'], ['张三', natid('210102', '20000101', '101'), '210102']]);
  fails(['import', '--kind', 'trainees', p, '--db', d.db, '--encoding', 'utf-8'], 1, /line 1, byte 1: 0x[0-9A-F]{2} is not valid UTF-8/);
  const out = importOk(d.db, 'trainee', p, ['--encoding', 'gbk']);
  assert.match(out, /1 written/);
  fails(['import', '--kind', 'trainees', p, '--db', d.db, '--encoding', 'latin1'], 2, /--encoding/);
  fails(['import', '--kind', 'nothing', p, '--db', d.db], 1, /not a kind of record/);
  fails(['import', p, '--db', d.db], 2, /--kind is required/);
});

test('import: bad IDs, impossible dates, duplicates, unknown references, a 10 MB field: nothing written, report names row and column', () => {
  const { w } = shared;
  const d = freshDb('dualtrack-io-bad-');
  buildWorld(d.db, d.dir);
  const before = dump(d.db);
  const good = natid('210102', '20020202', '555');
  const badCheck = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
  const noDay = natid('210102', '20050230', '556');
  const rows = [
    ['姓名', '身份证号', '户籍地区', '出生日期', '备注'],
    ['新学员', good, '210102', '', 'x'], // fine on its own
    ['坏号', badCheck, '210102', '', ''], // row 3: check character
    ['无日', noDay, '210102', '', ''], // row 4: born on 30 February
    ['重复', good, '210102', '', ''], // row 5: duplicate of row 2
    ['已有', w.t[0], '210102', '', ''], // row 6: already in the database (same ID as the shared world's)
    ['闰年', natid('210102', '20010301', '557'), '210102', '2001-02-29', ''], // row 7
    ['x'.repeat(10 << 20), natid('210102', '20010302', '558'), '210102', '', ''], // row 8: 10 MB name
    ['区划', natid('210102', '20010303', '559'), '999999', '', ''], // row 9: no such region
  ];
  const file = writeCsv(d.dir, 'bad.csv', rows);
  const report = path.join(d.dir, 'report.csv');
  const r = run(['import', '--kind', 'trainees', file, '--db', d.db, '--report', report]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /8 rows read, 0 written, 7 rejected/);
  assert.match(r.stderr, /7 of 8 rows rejected: nothing was imported/);
  assert.equal(dump(d.db), before, 'the database is unchanged in content');
  const rep = fs.readFileSync(report, 'utf8');
  assert.ok(rep.startsWith(BOM + '行号 row,列 column,字段 field,值 value,代码 code,错误说明,message\r\n'), rep.slice(0, 200));
  const lines = rep.slice(1).split('\r\n');
  const at = (row) => lines.filter((l) => l.startsWith(`${row},`)).join('\n');
  assert.match(at(1), /^1,备注,,备注,import.column_unknown,未知的列，已忽略,unknown column: ignored$/);
  assert.match(at(3), /^3,身份证号,national_id,\d{4}\*{10}[\dX]{4},natid.check_char,「身份证号」校验位错误：应为 \w，实为 \w,.*wrong check character/);
  assert.match(at(4), /出生日期 20050230 不存在.*birth date 20050230 does not exist/);
  assert.match(at(5), /,import.duplicate_row,与文件第2行重复（national_id）,duplicate of row 2 of this file/);
  assert.match(at(6), /already registered/);
  assert.match(at(7), /^7,出生日期,birth_date,2001-02-29,date.invalid,「出生日期」“2001-02-29”不是有效日期,.*'2001-02-29' is not a valid date/);
  assert.match(at(8), /^8,姓名,name,x{100}…\(10485760 characters\),text.too_long,「姓名」过长（10485760 个字符，最多 50 个）,.*name: is too long/);
  assert.match(at(9), /^9,户籍地区,region,999999,.*region/);
  assert.ok(rep.length < 10000, 'the 10 MB value is not copied into the report');
  assert.ok(!rep.includes(good), 'national IDs are masked in the report');

  // unknown references
  const refs = writeCsv(d.dir, 'refs.csv', [
    ['enterprise_uscc', 'programme_code', 'year', 'capacity'],
    [uscc('210102', orgBody()), 'P-CNC', '2026', '3'],
    [w.ent, 'NO-SUCH', '2026', '3'],
  ]);
  const rr = fails(['import', '--kind', 'places', refs, '--db', d.db], 1);
  assert.match(rr.stderr, /row 2, column enterprise_uscc: enterprise_uscc: no organization with credit code .* \(ref.missing\)/);
  assert.match(rr.stderr, /row 3, column programme_code: .*no programme with code NO-SUCH/);
  assert.match(rr.stdout, /rejected by reason: reference 2/);
  assert.equal(dump(d.db), before);

  // --partial writes the good rows and still exits 1
  const p = run(['import', '--kind', 'trainees', file, '--db', d.db, '--partial', '--format', 'json']);
  assert.equal(p.status, 1, p.stderr);
  const sum = JSON.parse(p.stdout);
  assert.equal(sum.written, 1);
  assert.equal(sum.rejected, 7);
  assert.equal(sum.reasons.duplicate_file, 1);
  assert.equal(sum.reasons.duplicate_db, 1);
  assert.ok(listJson(d.db, 'trainees').some((t) => t.name === '新学员'));
  ok(['check', '--db', d.db]);
});

test('import: kill -9 in the middle leaves the database as it was', async () => {
  const d = freshDb('dualtrack-io-kill-');
  const file = path.join(d.dir, 'many.csv');
  ok(['export', '--kind', 'trainees', '--sample', '120000', '-o', file]);
  ok(['list', 'trainees', '--db', d.db]); // migrations applied before the snapshot
  const before = dump(d.db);
  const args = ['import', '--kind', 'trainees', file, '--db', d.db];
  const child = spawn(BIN, args, { env: envFor(args) });
  let err = '';
  const killed = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  child.stderr.setEncoding('utf8').on('data', (s) => {
    err += s;
    if (/import: \d+%/.test(err)) child.kill('SIGKILL'); // the first progress line: rows are being written
  });
  const res = await killed;
  assert.equal(res.signal, 'SIGKILL', `the import ended before it could be killed: ${err}`);
  assert.equal(dump(d.db), before);
  ok(['check', '--db', d.db]);
});

// ---- export ----

test('export -> import gives the same records (CSV, unmasked, every kind in order)', () => {
  const { db } = shared;
  const d = freshDb('dualtrack-io-rt-');
  const kinds = ['organizations', 'programmes', 'pilots', 'trainees', 'partnerships', 'demands', 'places',
    'contracts', 'record-entries', 'assessments', 'outcomes'];
  for (const k of kinds) {
    const f = path.join(d.dir, `${k}.csv`);
    ok(['export', '--kind', k, '--format', 'csv', '-o', f, '--unmask', '--db', db]);
    importOk(d.db, k, f);
  }
  // the importable columns (the template's header) of both databases agree
  for (const k of kinds) {
    const tpl = path.join(d.dir, `${k}-tpl.csv`);
    ok(['export', '--kind', k, '--template', '--lang', 'en', '-o', tpl]);
    const n = parseCsv(fs.readFileSync(tpl, 'utf8'))[0].length;
    const cut = (dbp) => {
      const f = path.join(d.dir, `${k}-cmp.csv`);
      ok(['export', '--kind', k, '--lang', 'en', '-o', f, '--unmask', '--db', dbp]);
      return parseCsv(fs.readFileSync(f, 'utf8')).map((r) => JSON.stringify(r.slice(0, n))).sort();
    };
    assert.deepEqual(cut(d.db), cut(db), `${k}: the re-imported records differ`);
  }
  // the unmasked exports are on the audit record
  const ev = sqlite(db, "SELECT count(*) FROM audit WHERE entity = 'trainee' AND action = 'unmask_export'");
  assert.ok(Number(ev) >= 2);
});

test('export: masked by default, with list filters; XLSX has typed cells and a frozen, styled header', () => {
  const { db, dir } = shared;
  const csv = path.join(dir, 'tr.csv');
  ok(['export', '--kind', 'trainees', '-o', csv, '--filter', 'region=210100', '--db', db]);
  const text = fs.readFileSync(csv, 'utf8');
  assert.ok(text.startsWith(BOM + '身份证号,姓名,性别,出生日期,户籍地区'), text.slice(0, 80));
  const rows = text.split('\r\n').filter(Boolean);
  assert.equal(rows.length, 1 + 3, 'three trainees in Shenyang, none from Anshan');
  assert.ok(rows.slice(1).every((l) => /^\d{4}\*{10}[\dX]{4},/.test(l)), 'masked');
  fails(['export', '--kind', 'trainees', '-o', csv, '--filter', 'nope=1', '--db', db], 1, /nope: is not a filter of/);

  const x = path.join(dir, 'contracts.xlsx');
  ok(['export', '--kind', 'contracts', '-o', x, '--db', db]);
  const sheet = spawnSync('unzip', ['-p', x, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' }).stdout;
  assert.match(sheet, /<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"\/>/);
  assert.match(sheet, /<c r="A1" s="\d+" t="inlineStr"><is><t>学员身份证号<\/t><\/is><\/c>/);
  assert.match(sheet, /<autoFilter ref="A1:[A-Z]+4"\/>/);
  assert.match(sheet, /<col min="1" max="1" width="2\d\.\d+" customWidth="1"\/>/);
  // (G and H: the mentors from the register, empty for these imported contracts)
  assert.match(sheet, /<c r="I\d" s="\d+"><v>2500<\/v><\/c>|<c r="I\d"><v>2500<\/v><\/c>/, 'stipend as a number');
  assert.match(sheet, /<c r="J\d" s="(\d+)"><v>45901<\/v><\/c>/, '2025-09-01 as a date serial');
  const styles = spawnSync('unzip', ['-p', x, 'xl/styles.xml'], { encoding: 'utf8' }).stdout;
  assert.match(styles, /formatCode="yyyy-mm-dd"/);
  assert.match(styles, /<b\/>/);
  fails(['export', '--kind', 'trainees', '-o', '-', '--format', 'xlsx', '--db', db], 1, /XLSX file cannot go to stdout/);
});

test('templates: header and one valid example row, CSV and XLSX; the CSV one imports', () => {
  const d = freshDb('dualtrack-io-tpl-');
  const f = path.join(d.dir, 'tpl.csv');
  ok(['export', '--kind', 'trainees', '--template', '-o', f]);
  const lines = fs.readFileSync(f, 'utf8').split('\r\n').filter(Boolean);
  assert.equal(lines.length, 2);
  assert.equal(lines[0], BOM + '身份证号,姓名,性别,出生日期,户籍地区,联系电话,电子邮箱,监护人');
  importOk(d.db, 'trainees', f);
  const x = path.join(d.dir, 'tpl.xlsx');
  ok(['export', '--kind', 'contracts', '--template', '-o', x]);
  const wb = spawnSync('unzip', ['-p', x, 'xl/workbook.xml'], { encoding: 'utf8' }).stdout;
  assert.match(wb, /<sheet name="培养合同"/);
  assert.match(wb, /<sheet name="说明 Notes"/);
});

test('import: monitoring targets through the same path (national defaults have no region)', () => {
  const d = freshDb('dualtrack-io-tg-');
  const f = writeCsv(d.dir, 'targets.csv', [
    ['地区(空为全国默认)', '指标', '年度', '基线值', '目标值'],
    ['', 'enterprise_participation', '2026', '0.1', '0.3'],
    ['210100', 'enterprise_participation', '2026', '0.12', '0.35'],
    ['210100', 'enterprise_participation', '2026', '0.12', '0.4'], // twice for Shenyang
    ['210100', 'no_such_indicator', '2026', '', '1'],
  ]);
  const r = fails(['import', '--kind', 'targets', f, '--db', d.db, '--partial'], 1);
  assert.match(r.stdout, /4 rows read, 2 written, 2 rejected/);
  assert.match(r.stderr, /row 4, .*duplicate of row 3/);
  assert.match(r.stderr, /row 5, column 指标: .*not an indicator code/);
  const out = path.join(d.dir, 'targets-out.csv');
  ok(['export', '--kind', 'targets', '--lang', 'en', '-o', out, '--db', d.db]);
  const rows = parseCsv(fs.readFileSync(out, 'utf8'));
  assert.deepEqual(rows.slice(1).map((x) => x.slice(0, 5)).sort(),
    [['', 'enterprise_participation', '2026', '0.1', '0.3'], ['210100', 'enterprise_participation', '2026', '0.12', '0.35']]);
});

// ---- the API: import jobs, exports, templates ----

function account(db, login, role, scope) {
  const args = ['user', 'add', '--login', login, '--role', role, '--password-stdin', '--db', db];
  if (scope) args.push('--scope', scope);
  ok(args, { input: 'io-test-password\n' });
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

test('API: imports run as jobs with progress and a report; jobs are their owner\'s; exports keep scope and masks', async () => {
  const d = freshDb('dualtrack-io-api-');
  const w = buildWorld(d.db, d.dir);
  const admin = account(d.db, 'io-admin', 'admin');
  const city = account(d.db, 'io-city', 'city', '210100');
  const school = account(d.db, 'io-school', 'school', w.sch);
  const srv = await startServer(d.db);
  try {
    const api = client(srv.base);
    const u1 = uscc('210104', orgBody());
    const body = csvText([['机构类型', '统一社会信用代码', '名称', '所在地区'], ['企业', u1, '沈阳大东示例制造有限公司', '210104']]);
    let r = expectStatus(await api.request('POST', '/api/v1/imports?kind=organizations&name=new.csv', { token: city, raw: body, headers: { 'content-type': 'text/csv' } }), 202);
    assert.match(r.headers.get('location'), /^\/api\/v1\/jobs\/\d+$/);
    assert.ok(['queued', 'running', 'succeeded'].includes(r.json.status));
    assert.equal(r.json.owner, 'io-city');
    const job = await waitJob(api, r.json.id, city);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.equal(job.counts.written, 1);
    assert.equal(job.progress.done, 1);
    assert.equal(job.params.file, 'new.csv');
    assert.equal(job.report, null, 'no errors, no report');
    // another caller: no such job
    expectProblem(await api.get(`/api/v1/jobs/${job.id}`, { token: school }), 404);
    expectProblem(await api.del(`/api/v1/jobs/${job.id}`, { token: school }), 404);
    expectStatus(await api.get(`/api/v1/jobs/${job.id}`, { token: admin }), 200);
    expectProblem(await api.del(`/api/v1/jobs/${job.id}`, { token: city }), 409);
    const mine = expectStatus(await api.get('/api/v1/jobs', { token: city }), 200).json.items;
    assert.deepEqual(mine.map((j) => j.id), [job.id]);

    // all or nothing through the API: failed, nothing written, a report to download
    const bad = csvText([['机构类型', '统一社会信用代码', '名称', '所在地区'], ['企业', uscc('210104', orgBody()), '甲', '210104'], ['企业', u1, '乙', '210104']]);
    r = expectStatus(await api.request('POST', '/api/v1/imports?kind=organizations', { token: city, raw: bad }), 202);
    const failed = await waitJob(api, r.json.id, city);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error, /1 of 2 rows rejected: nothing was imported/);
    assert.equal(failed.error_code, 'import.rejected');
    // in the web's terms and, by default, in Chinese: never a command-line flag
    const zhJob = expectStatus(await api.get(`/api/v1/jobs/${r.json.id}`, { token: city, headers: { 'accept-language': null } }), 200).json;
    assert.equal(zhJob.error, '2 行中有 1 行有错误，未导入任何记录。请按错误报告改正后重新导入，或勾选“只导入没有错误的行”');
    for (const j of [failed, zhJob]) assert.doesNotMatch(j.error, /--partial|partial=/);
    assert.equal(failed.counts.first_errors[0].row, 3);
    const rep = expectStatus(await api.get(failed.report, { token: city }), 200);
    assert.match(rep.headers.get('content-type'), /^text\/csv/);
    assert.match(rep.text, /^行号 row/); // fetch drops the BOM; the CLI test checks it
    assert.match(rep.text, /another record already has this value/);
    // a scoped caller cannot land records outside its scope
    const out = csvText([['机构类型', '统一社会信用代码', '名称', '所在地区'], ['企业', uscc('210302', orgBody()), '丙', '210302']]);
    r = expectStatus(await api.request('POST', '/api/v1/imports?kind=organizations', { token: city, raw: out }), 202);
    const scoped = await waitJob(api, r.json.id, city);
    assert.equal(scoped.counts.reasons.scope, 1);
    // permission, kind, body
    expectProblem(await api.request('POST', '/api/v1/imports?kind=trainees', { token: city, raw: body }), 403);
    // a school imports its trainees, unmasked IDs in its own report never
    const t1 = natid('210102', '20011111', '701');
    r = expectStatus(await api.request('POST', '/api/v1/imports?kind=trainees', { token: school, raw: csvText([['姓名', '身份证号', '户籍地区'], ['钱多多', t1, '210102']]) }), 202);
    assert.equal((await waitJob(api, r.json.id, school)).status, 'succeeded');
    expectProblem(await api.request('POST', '/api/v1/imports?kind=regions', { token: admin, raw: body }), 422);
    expectProblem(await api.request('POST', '/api/v1/imports?kind=trainees', { token: admin, raw: '' }), 400);

    // an upload may exceed the 1 MiB body limit of ordinary routes
    const bigFile = path.join(d.dir, 'big.csv');
    ok(['export', '--kind', 'trainees', '--sample', '120000', '-o', bigFile]);
    const big = fs.readFileSync(bigFile);
    assert.ok(big.length > 1 << 20);
    expectProblem(await api.request('POST', '/api/v1/trainees', { token: admin, raw: big }), 413);
    const before = listJson(d.db, 'trainees').length;
    r = expectStatus(await api.request('POST', '/api/v1/imports?kind=trainees&partial=1', { token: admin, raw: big }), 202);
    // a second import is accepted at once while the first holds the database, and waits its turn
    await sleep(300);
    const t0 = Date.now();
    const second = expectStatus(await api.request('POST', '/api/v1/imports?kind=organizations', { token: city, raw: csvText([['机构类型', '统一社会信用代码', '名称', '所在地区'], ['企业', uscc('210105', orgBody()), '丁', '210105']]) }), 202);
    assert.ok(Date.now() - t0 < 3000, 'the submission did not wait for the running import');
    assert.equal(expectStatus(await api.get(`/api/v1/jobs/${second.json.id}`, { token: city }), 200).json.status, 'queued');
    assert.ok(expectStatus(await api.get('/api/v1/jobs', { token: city }), 200).json.items.some((j) => j.id === second.json.id));
    // cancel the first while it runs: nothing of it is written
    expectStatus(await api.del(`/api/v1/jobs/${r.json.id}`, { token: admin }), 202);
    const cancelled = await waitJob(api, r.json.id, admin);
    assert.equal(cancelled.status, 'cancelled', JSON.stringify(cancelled));
    assert.equal(listJson(d.db, 'trainees').length, before);
    assert.equal((await waitJob(api, second.json.id, city)).status, 'succeeded');

    // exports: the caller's scope, masked unless pii:read and unmask=1
    let e = expectStatus(await api.get('/api/v1/exports/trainees.csv', { token: city }), 200);
    assert.match(e.headers.get('content-type'), /^text\/csv/);
    assert.match(e.headers.get('content-disposition'), /attachment; filename="trainees.csv"/);
    const lines = e.text.split('\r\n').filter(Boolean);
    assert.equal(lines.length - 1, Number(e.headers.get('x-record-count')));
    assert.ok(!e.text.includes('赵磊'), 'an Anshan trainee is outside Shenyang');
    expectProblem(await api.get('/api/v1/exports/trainees.csv?unmask=1', { token: city }), 403);
    e = expectStatus(await api.get('/api/v1/exports/trainees.csv?unmask=1&lang=en', { token: school }), 200);
    assert.ok(e.text.includes(w.t[0]), 'the school sees its trainee unmasked');
    assert.ok(e.text.startsWith('national_id,name'));
    const raw = await fetch(`${srv.base}/api/v1/exports/trainees.csv`, { headers: { authorization: `Bearer ${school}` } });
    assert.deepEqual([...Buffer.from(await raw.arrayBuffer()).subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM for Excel');
    e = expectStatus(await api.get('/api/v1/exports/contracts.csv?status=active', { token: admin }), 200);
    assert.equal(e.text.split('\r\n').filter(Boolean).length, 2);
    expectProblem(await api.get('/api/v1/exports/contracts.csv?status=nope', { token: admin }), 422);
    expectProblem(await api.get('/api/v1/exports/nothing.csv', { token: admin }), 404);
    const xr = await fetch(`${srv.base}/api/v1/exports/organizations.xlsx`, { headers: { authorization: `Bearer ${city}` } });
    assert.equal(xr.status, 200);
    assert.match(xr.headers.get('content-type'), /spreadsheetml/);
    const buf = Buffer.from(await xr.arrayBuffer());
    assert.equal(buf.subarray(0, 2).toString(), 'PK');
    const t = expectStatus(await api.get('/api/v1/templates/record-entries.csv?lang=en', { token: school }), 200);
    assert.match(t.text, /^trainee_national_id,contract_start_date,date,site,hours,content\r\n/);
  } finally {
    await srv.stop();
  }
});

test('API: a job interrupted by a crash is failed after the restart, never running forever', async () => {
  const d = freshDb('dualtrack-io-crash-');
  const admin = account(d.db, 'io-admin2', 'admin');
  const file = path.join(d.dir, 'many.csv');
  ok(['export', '--kind', 'trainees', '--sample', '120000', '-o', file]);
  let srv = await startServer(d.db);
  const api = client(srv.base);
  const r = expectStatus(await api.request('POST', '/api/v1/imports?kind=trainees', { token: admin, raw: fs.readFileSync(file) }), 202);
  for (let i = 0; i < 200; i++) {
    const j = (await api.get(`/api/v1/jobs/${r.json.id}`, { token: admin })).json;
    if (j.status === 'running' && j.progress.done > 0) break;
    await sleep(20);
  }
  srv.proc.kill('SIGKILL');
  await srv.stop();
  srv = await startServer(d.db);
  try {
    const j = expectStatus(await client(srv.base).get(`/api/v1/jobs/${r.json.id}`, { token: admin }), 200).json;
    assert.equal(j.status, 'failed');
    assert.match(j.error, /interrupted/);
    assert.equal(listJson(d.db, 'trainees').length, 0);
  } finally {
    await srv.stop();
  }
});
