// problems.test.mjs - the edges speak the reader's language: over HTTP a
// refusal carries errors [{field, code, message, args}] and a detail in the
// language of Accept-Language (Chinese when there is none), and the command
// line words its refusals in the locale's language (Chinese for zh_*,
// English otherwise), with the same exit statuses either way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  client, expectProblem, expectStatus, freshDb, natid, ok, orgBody, run, startServer, uscc,
} from './helpers.mjs';

// Chinese wording holds no English words (three Latin letters or more), but
// for the terms the catalogue's own test allows and what quotes the input.
const ALLOWED = new Set(['JSON', 'UTF', 'YYYY', 'CSV', 'XLSX', 'HTTP', 'URL', 'USCC', 'Bearer',
  'Content', 'Type', 'Origin', 'CSRF', 'Token', 'Authorization', 'application', 'json', 'dualtrack']);
function assertChinese(text, quoted = []) {
  let t = text;
  for (const q of quoted) t = t.split(q).join('');
  const words = (t.match(/[A-Za-z]{3,}/g) || []).filter((w) => !ALLOWED.has(w));
  assert.deepEqual(words, [], `English words in Chinese text: ${text}`);
  assert.match(text, /[\u4e00-\u9fff]/, `no Chinese in: ${text}`);
}

function account(db, login, role, scope) {
  const args = ['user', 'add', '--login', login, '--role', role, '--password-stdin', '--db', db];
  if (scope) args.push('--scope', scope);
  ok(args, { input: 'problems-test-password\n' });
  return ok(['token', 'create', '--login', login, '--db', db]).trim();
}

let d, srv, api, admin, inspector;
before(async () => {
  d = freshDb('dualtrack-problems-');
  admin = account(d.db, 'problems-admin', 'admin');
  inspector = account(d.db, 'problems-inspector', 'inspector', '210000');
  srv = await startServer(d.db);
  api = client(srv.base);
});
after(async () => { await srv.stop(); });

const ZH = { 'accept-language': null };        // no header: Chinese
const EN = { 'accept-language': 'en' };

// The same request in both languages: the codes agree, the wording differs.
async function both(method, p, opts, status) {
  const zh = expectProblem(await api.request(method, p, { ...opts, headers: ZH }), status, `${p} zh`);
  const en = expectProblem(await api.request(method, p, { ...opts, headers: EN }), status, `${p} en`);
  assert.ok(zh.errors.length >= 1, JSON.stringify(zh));
  assert.deepEqual(zh.errors.map((e) => [e.field, e.code, e.args]), en.errors.map((e) => [e.field, e.code, e.args]));
  for (const e of zh.errors) {
    assert.equal(typeof e.code, 'string');
    assert.match(e.code, /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/);
    assertChinese(e.message, Object.values(e.args));
  }
  assertChinese(zh.detail, zh.errors.flatMap((e) => Object.values(e.args)));
  for (const e of en.errors) assert.doesNotMatch(e.message, /[\u4e00-\u9fff]/, e.message);
  return { zh, en };
}

test('a body that is no object: 422 type.object on "body", worded by the request language', async () => {
  const { zh, en } = await both('POST', '/api/v1/places', { token: admin, raw: '[1]' }, 422);
  assert.deepEqual(zh.errors.map((e) => [e.field, e.code]), [['body', 'type.object']]);
  assert.equal(zh.errors[0].message, '应为 JSON 对象');
  assert.equal(en.errors[0].message, 'expected a JSON object');
  assert.equal(zh.detail, '请求内容：应为 JSON 对象');
  assert.equal(en.detail, 'Request body: expected a JSON object');
});

test('a field refused by the store: its code, field and message in either language', async () => {
  const code = uscc('210100', orgBody());
  const body = { kind: 'enterprise', uscc: code, name: '沈阳机床', region: '210100' };
  expectStatus(await api.post('/api/v1/organizations', body, { token: admin }), 201);
  const { zh, en } = await both('POST', '/api/v1/organizations', { token: admin, body: { ...body, name: '另一家' } }, 409);
  assert.deepEqual(zh.errors.map((e) => [e.field, e.code]), [['uscc', 'unique.taken']]);
  assert.equal(zh.errors[0].message, '已有记录使用该值');
  assert.equal(en.errors[0].message, 'another record already has this value');
  assert.match(zh.detail, /^统一社会信用代码：/);
});

test('401, 403 and 404 carry codes and are Chinese by default', async () => {
  let { zh, en } = await both('GET', '/api/v1/trainees', {}, 401);
  assert.equal(zh.errors[0].code, 'http.sign_in');
  assert.match(en.detail, /^sign in first/);
  assert.match(zh.detail, /请先登录/);

  ({ zh, en } = await both('GET', '/api/v1/trainees', { token: 'not-a-token' }, 401));
  assert.equal(zh.errors[0].code, 'http.token_invalid');

  ({ zh } = await both('POST', '/api/v1/organizations', { token: inspector, body: {} }, 403));
  assert.match(zh.errors[0].code, /^http\.role/);

  ({ zh, en } = await both('GET', '/api/v1/trainees/999999', { token: admin }, 404));
  assert.deepEqual(zh.errors.map((e) => e.code), ['record.not_found']);
  assert.equal(zh.detail, '记录不存在');
  assert.equal(en.detail, 'no such record');

  ({ zh } = await both('GET', '/api/v1/no-such-thing', { token: admin }, 404));
  assert.equal(zh.errors[0].code, 'http.not_found');
});

test('bad query parameters are problems about the parameter: number.range, type.integer', async () => {
  let { zh, en } = await both('GET', '/api/v1/trainees?limit=0', { token: admin }, 422);
  assert.deepEqual(zh.errors.map((e) => [e.field, e.code, e.args]),
    [['limit', 'number.range', { value: '0', min: '1', max: '1000' }]]);
  assert.equal(zh.errors[0].message, '0 超出范围 1 至 1000');
  assert.equal(en.errors[0].message, '0 is out of range 1..1000');
  ({ zh } = await both('GET', '/api/v1/trainees?limit=ten', { token: admin }, 422));
  assert.deepEqual(zh.errors.map((e) => [e.field, e.code]), [['limit', 'type.integer']]);
  ({ zh } = await both('GET', '/api/v1/indicators?year=1999', { token: admin }, 422));
  assert.deepEqual(zh.errors.map((e) => [e.field, e.code]), [['year', 'number.range']]);
  ({ zh } = await both('GET', '/api/v1/indicators?occupation=XX', { token: admin }, 422));
  assert.deepEqual(zh.errors.map((e) => [e.field, e.code]), [['occupation', 'http.occupation']]);
  ({ zh } = await both('GET', '/api/v1/trainees?q=%ff', { token: admin }, 400));
  assert.deepEqual(zh.errors.map((e) => [e.field, e.code]), [['q', 'http.param_utf8']]);
});

test('Accept-Language picks the language: the best-weighted of zh and en, Chinese otherwise', async () => {
  const cases = [['en-US,en;q=0.9', 'en'], ['zh-CN,zh;q=0.9,en;q=0.8', 'zh'], ['fr', 'zh'],
    ['fr;q=1, en;q=0.5', 'en'], ['zh;q=0.1, en;q=0.2', 'en'], ['*', 'zh']];
  for (const [header, lang] of cases) {
    const p = expectProblem(await api.get('/api/v1/trainees/999999', { token: admin, headers: { 'accept-language': header } }), 404);
    assert.equal(p.detail, lang === 'en' ? 'no such record' : '记录不存在', header);
  }
});

// ---- the command line ----

const zhEnv = { LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
const enEnv = { LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '' };

test('CLI: usage errors in the locale\'s language, exit 2 either way', () => {
  let z = run(['frobnicate'], { env: zhEnv });
  let e = run(['frobnicate'], { env: enEnv });
  assert.equal(z.status, 2);
  assert.equal(e.status, 2);
  assert.match(z.stderr, /^dualtrack: “frobnicate”不是 dualtrack 的命令/);
  assert.match(e.stderr, /^dualtrack: 'frobnicate' is not a dualtrack command/);

  z = run(['list', 'trainees', '--bogus'], { env: zhEnv });
  assert.equal(z.status, 2);
  assert.match(z.stderr, /^dualtrack list: 没有选项“--bogus”\n用法：dualtrack list ENTITY/);
  assertChinese(z.stderr.split('\n')[0].replace(/^dualtrack list: /, ''), ['--bogus']);

  z = run(['show', 'trainee', 'abc'], { env: zhEnv });
  e = run(['show', 'trainee', 'abc'], { env: enEnv });
  assert.equal(z.status, 2);
  assert.equal(e.status, 2);
  assert.match(z.stderr, /^dualtrack show: ID：应为整数\n/);
  assert.match(e.stderr, /^dualtrack show: ID: expected an integer\n/);

  z = run(['serve', '--threads', '999'], { env: zhEnv });
  e = run(['serve', '--threads', '999'], { env: enEnv });
  assert.equal(z.status, 2);
  assert.equal(e.status, 2);
  assert.match(z.stderr, /^dualtrack serve: --threads：999 超出范围 0 至 256\n用法：/);
  assert.match(e.stderr, /^dualtrack serve: --threads: 999 is out of range 0\.\.256\nusage: /);

  z = run(['list', 'widgets'], { env: zhEnv });
  assert.equal(z.status, 2);
  assert.match(z.stderr, /“widgets”不是记录类别/);
});

test('CLI: LC_ALL, then LC_MESSAGES, then LANG decide; no locale is English', () => {
  const none = path.join(d.dir, 'none.db');
  const say = (env) => run(['list', 'trainees', '--db', none], { env });
  let r = say({ LANG: 'zh_CN.UTF-8', LC_ALL: 'en_US.UTF-8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no such database/);
  r = say({ LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: 'zh_TW.UTF-8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /没有这个数据库/);
  r = say({ LANG: '', LC_ALL: '', LC_MESSAGES: '' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /none\.db: no such database/);
});

test('CLI: a refused write lists the store\'s problems in the locale\'s language, exit 1', () => {
  const code = uscc('210100', orgBody());
  const body = JSON.stringify({ kind: 'enterprise', uscc: code, name: '鞍山钢铁', region: '210100' });
  ok(['add', 'organization', '--db', d.db, '--json', body]);
  const z = run(['add', 'organization', '--db', d.db, '--json', body], { env: zhEnv });
  const e = run(['add', 'organization', '--db', d.db, '--json', body], { env: enEnv });
  assert.equal(z.status, 1);
  assert.equal(e.status, 1);
  assert.match(z.stderr, /^dualtrack add: 机构未创建（冲突）：\n {2}uscc: 已有记录使用该值\n/);
  assert.match(e.stderr, /^dualtrack add: Organization not created \(conflict\):\n {2}uscc: another record already has this value\n/);
});

test('CLI import: the first errors and the summary in the locale\'s language, with codes; the report in both', () => {
  const file = path.join(d.dir, 'bad-trainees.csv');
  const good = natid('210102', '20050101', '021');
  const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  fs.writeFileSync(file, `national_id,name,region\n${good},张三,210102\n${bad},李四,210102\n`);
  const report = path.join(d.dir, 'bad-report.csv');
  const z = run(['import', '--kind', 'trainees', file, '--db', d.db], { env: zhEnv });
  assert.equal(z.status, 1);
  assert.match(z.stderr, /第 3 行“national_id”列：「身份证号」校验位错误.*（natid\.check_char）/);
  assert.match(z.stderr, /2 行中有 1 行有错误，未导入任何记录（见错误报告；加 --partial 可只导入没有错误的行）/);
  const e = run(['import', '--kind', 'trainees', file, '--db', d.db, '--report', report], { env: enEnv });
  assert.equal(e.status, 1);
  assert.match(e.stderr, /1 of 2 rows rejected: nothing was imported \(see the report; --partial imports the good rows\)/);
  const rep = fs.readFileSync(report, 'utf8');
  assert.match(rep, /^\uFEFF行号 row,列 column,字段 field,值 value,代码 code,错误说明,message\r\n/);
  assert.match(rep, /\r\n3,national_id,national_id,\d{4}\*{10}[\dX]{4},natid\.check_char,「身份证号」校验位错误[^,]*,"?national_id: wrong check character/);
  assert.doesNotMatch(rep, /--partial/);
});
