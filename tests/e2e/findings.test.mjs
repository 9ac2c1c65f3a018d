// findings.test.mjs - end-to-end tests of supervision over HTTP: an
// inspection conducted, a finding recorded with a photo, rectified by the
// enterprise, rejected with a new deadline, resubmitted and closed (销号)
// by an inspector of the inspection; who may do each step (only an
// inspector drawn for the inspection closes; the organisation rectifies
// only its own); out of scope answers as missing (404); evidence files
// checked by content, limited in size (413), hashed with BLAKE2b-256
// (computed here independently) and served within scope with the right
// headers; the audit chain holds every step and verifies.
//
// The plan and its inspection are rows made with SQL, as the draw leaves
// them (migration 008); everything after goes through the API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { blake2b } from './blake2b.mjs';
import {
  auditGrep, client, dbPath, expectProblem, expectStatus, ok, okAsync, run, sqlite, startServer, tmpdir,
} from './helpers.mjs';

let db;
let srv;
let api;
const tok = {};
const ids = {};
const pw = (login) => `pw-${login}-2026!`;
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n');

async function addUser(login, role, scope) {
  const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-stdin'];
  if (scope) args.push('--scope', scope);
  await okAsync(args, { input: `${pw(login)}\n` });
  return Number(sqlite(db, `SELECT id FROM account WHERE login = '${login}'`));
}

const as = (login) => ({ token: tok[login] });
const get = (login, p) => api.get(p, as(login));
const post = (login, p, body) => api.post(p, body, as(login));
const upload = (login, data, name, type = 'image/jpeg') =>
  api.request('POST', `/api/v1/attachments?name=${encodeURIComponent(name)}`,
    { token: tok[login], raw: data, headers: { 'content-type': type } });

before(async () => {
  const dir = tmpdir('dualtrack-findings-');
  db = dbPath(dir);
  ok(['init', '--db', db]);
  ok(['gen', '--db', db, '--trainees', '40', '--seed', '3']);
  const ents = sqlite(db, "SELECT id FROM organization WHERE kind = 'enterprise' AND region BETWEEN 210100 AND 210199 ORDER BY id LIMIT 2").split('\n').map(Number);
  [ids.ent, ids.ent2] = ents;
  assert.ok(ids.ent2, 'the generated pilot has two enterprises in Shenyang');
  ids.a = await addUser('ins-a', 'inspector', '210000');
  ids.b = await addUser('ins-b', 'inspector', '210000');
  ids.c = await addUser('ins-c', 'inspector', '210100');
  await addUser('admin', 'admin');
  await addUser('city', 'city', '210100');
  await addUser('city2', 'city', '220100');
  await addUser('ent', 'enterprise', `org:${ids.ent}`);
  await addUser('ent2', 'enterprise', `org:${ids.ent2}`);
  const now = '2026-11-01T00:00:00.000Z';
  sqlite(db, `INSERT INTO inspection_plan (region, year, title, object_kinds, sample_kind, sample_value, cross_city, weights, status, created_by, created_at, updated_at)
    VALUES (210000, 2026, '辽宁省2026年双随机督查', 'enterprise', 'count', 1, 0, '{}', 'drawn', 'test', '${now}', '${now}')`);
  ids.plan = Number(sqlite(db, 'SELECT max(id) FROM inspection_plan'));
  sqlite(db, `INSERT INTO plan_check (plan_id, pos, code, text_zh, text_en, basis) VALUES
    (${ids.plan}, 1, 'contract_signed', '三方协议已签订', 'three-party contract signed', '试点方案'),
    (${ids.plan}, 2, 'safety_training', '已开展安全培训', 'safety training given', '安全生产法')`);
  sqlite(db, `INSERT INTO inspection (plan_id, object_kind, object_id, city, org_id, inspector_a, inspector_b, draw_pos, status, region, created_at, updated_at)
    VALUES (${ids.plan}, 'enterprise', ${ids.ent}, 210100, ${ids.ent}, ${ids.a}, ${ids.b}, 1, 'planned', 210100, '${now}', '${now}')`);
  ids.insp = Number(sqlite(db, 'SELECT max(id) FROM inspection'));
  srv = await startServer(db, { threads: 2 });
  api = client(srv.base);
  for (const login of ['ins-a', 'ins-b', 'ins-c', 'admin', 'city', 'city2', 'ent', 'ent2']) {
    tok[login] = expectStatus(await api.post('/api/v1/session', { login, password: pw(login) }), 200).json.token;
  }
});

after(async () => {
  if (!srv) return;
  const { code } = await srv.stop();
  assert.equal(code, 0, srv.output());
  assert.match(ok(['audit', 'verify', '--db', db]), /^audit chain ok/m);
});

test('inspection -> finding -> rectification -> reject -> resubmit -> close, with the right roles', async () => {
  // Conducting: only the inspectors drawn for it.
  const rec = { visited_on: '2026-11-20', checks: [{ code: 'contract_signed', result: 'pass' }, { code: 'safety_training', result: 'fail', remark: '无安全培训记录' }] };
  expectProblem(await api.patch(`/api/v1/inspections/${ids.insp}`, rec, as('ins-c')), 404, 'an inspector sees only what he is drawn for');
  expectProblem(await api.patch(`/api/v1/inspections/${ids.insp}`, rec, as('ent')), 403);
  let r = expectStatus(await api.patch(`/api/v1/inspections/${ids.insp}`, rec, as('ins-a')), 200);
  assert.equal(r.json.status, 'in_progress');
  assert.equal(r.json.checks.safety_training.result, 'fail');

  // A photo, then the finding with it.
  r = expectStatus(await upload('ins-a', JPEG, '现场照片.jpg'), 201);
  const photo = r.json.hash;
  assert.equal(photo, blake2b(JPEG), 'the file is named by its BLAKE2b-256 hash');
  assert.equal(r.json.mime, 'image/jpeg');
  const body = { inspection_id: ids.insp, severity: '较重', description: '未开展岗前安全培训', deadline: '2026-12-20', check_code: 'safety_training', attachments: [{ hash: photo, name: '现场照片.jpg' }] };
  expectProblem(await post('ins-c', '/api/v1/findings', body), 422, 'an inspector not drawn for it: no such inspection for him');
  expectProblem(await post('city', '/api/v1/findings', body), 403, 'a city official');
  r = expectStatus(await post('ins-a', '/api/v1/findings', body), 201);
  const id = r.json.id;
  assert.equal(r.headers.get('location'), `/api/v1/findings/${id}`);
  assert.equal(r.json.severity, 'serious');
  assert.equal(r.json.status, 'open');
  assert.equal(r.json.days_left, 24);
  assert.equal(r.json.colour, 'green');
  assert.equal(r.json.attachments[0].hash, photo);

  // The enterprise sees it and rectifies; it cannot decide.
  expectStatus(await get('ent', `/api/v1/findings/${id}`), 200);
  expectProblem(await post('ent', `/api/v1/findings/${id}/decision`, { decision: 'accepted' }), 403);
  r = expectStatus(await post('ent', `/api/v1/findings/${id}/start`), 200);
  assert.equal(r.json.status, 'rectifying');
  r = expectStatus(await upload('ent', PDF, '整改报告', 'application/pdf'), 201);
  const report = r.json.hash;
  assert.equal(r.json.name, '整改报告.pdf');
  r = expectStatus(await post('ent', `/api/v1/findings/${id}/rectifications`, { body: '已组织全员安全培训', attachments: [report] }), 201);
  assert.equal(r.json.status, 'submitted');

  // B rejects with a reason and a new deadline; a rejection without them is refused.
  let p = expectProblem(await post('ins-b', `/api/v1/findings/${id}/decision`, { decision: 'rejected', new_deadline: '2027-01-10' }), 422);
  assert.equal(p.errors[0].field, 'reason');
  r = expectStatus(await post('ins-b', `/api/v1/findings/${id}/decision`, { decision: 'rejected', reason: '缺少培训签到表', new_deadline: '2027-01-10' }), 200);
  assert.equal(r.json.status, 'rectifying');
  assert.equal(r.json.deadline, '2027-01-10');
  assert.equal(r.json.rectifications[0].decision, 'rejected');

  // Resubmitted; only an inspector of the inspection closes it: not another inspector, not the admin.
  expectStatus(await post('ent', `/api/v1/findings/${id}/rectifications`, { body: '补充培训签到表' }), 201);
  expectProblem(await post('ins-c', `/api/v1/findings/${id}/decision`, { decision: 'accepted' }), 404, 'another inspector');
  p = expectProblem(await post('admin', `/api/v1/findings/${id}/decision`, { decision: 'accepted' }), 403, 'the admin');
  assert.equal(p.errors[0].code, 'finding.not_inspector');
  r = expectStatus(await post('ins-a', `/api/v1/findings/${id}/decision`, { decision: 'accepted' }), 200);
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.rectifications.length, 2);
  expectProblem(await post('ent', `/api/v1/findings/${id}/rectifications`, { body: '再次提交' }), 409);

  // Finished: publishable, every finding being closed.
  r = expectStatus(await api.patch(`/api/v1/inspections/${ids.insp}`, { conclusion: '一项问题已整改销号', status: 'done' }, as('ins-a')), 200);
  assert.equal(r.json.status, 'done');
  assert.equal(r.json.publishable, true);
  r = expectStatus(await get('city', `/api/v1/inspections/${ids.insp}/results`), 200);
  assert.equal(r.json.conclusion, '一项问题已整改销号');

  // Every step is in the audit chain, the files' hashes with them.
  // (the action is stored without its entity: format 3 of the audit events)
  const actions = sqlite(db, "SELECT entity || '.' || action FROM audit WHERE entity IN ('finding', 'rectification', 'inspection', 'attachment') ORDER BY id").split('\n');
  for (const a of ['inspection.record', 'attachment.upload', 'finding.create', 'finding.start', 'rectification.submit', 'finding.submit', 'rectification.reject', 'finding.reject', 'rectification.accept', 'finding.accept']) {
    assert.ok(actions.includes(a), `audit has ${a}: ${actions.join(', ')}`);
  }
  assert.equal(auditGrep(db, "entity = 'finding' AND action = 'create'", photo), 1);
  assert.equal(auditGrep(db, "entity = 'rectification' AND action = 'submit'", report), 1);
});

test('out of scope is 404, as missing; lists show only what is in scope', async () => {
  const body = { inspection_id: ids.insp, severity: 'general', description: '台账不全', deadline: '2026-12-01' };
  // the inspection is done (first test) in a full run; make a second one to record on
  const now = '2026-11-02T00:00:00.000Z';
  sqlite(db, `INSERT INTO inspection (plan_id, object_kind, object_id, city, org_id, inspector_a, inspector_b, draw_pos, status, region, created_at, updated_at)
    VALUES (${ids.plan}, 'enterprise', ${ids.ent2}, 210100, ${ids.ent}, ${ids.a}, ${ids.b}, 2, 'planned', 210100, '${now}', '${now}')`);
  body.inspection_id = Number(sqlite(db, 'SELECT max(id) FROM inspection'));
  const id = expectStatus(await post('ins-a', '/api/v1/findings', body), 201).json.id;
  const missing = 999999999;
  for (const login of ['city2', 'ent2', 'ins-c']) {
    const out = await get(login, `/api/v1/findings/${id}`);
    const none = await get(login, `/api/v1/findings/${missing}`);
    expectProblem(out, 404, login);
    assert.equal(out.json.detail, none.json.detail);
    const list = expectStatus(await get(login, '/api/v1/findings'), 200).json;
    assert.equal(list.items.length, 0, `${login} lists no finding`);
    expectProblem(await get(login, `/api/v1/inspections/${body.inspection_id}/results`), 404);
    // acting on it is refused as on a missing one
    const act = await post(login, `/api/v1/findings/${id}/start`);
    const actNone = await post(login, `/api/v1/findings/${missing}/start`);
    assert.equal(act.status, actNone.status, `${login}: start out of scope ${act.status}, missing ${actNone.status}`);
  }
  // the responsible organisation sees its findings, never the inspection (unannounced visits)
  expectProblem(await get('ent', `/api/v1/inspections/${body.inspection_id}/results`), 404);
  for (const login of ['city', 'ins-a', 'ent', 'admin']) {
    const list = expectStatus(await get(login, `/api/v1/findings?inspection_id=${body.inspection_id}`), 200).json;
    assert.equal(list.items.length, 1, `${login} lists the finding`);
  }
  // filters
  expectProblem(await get('city', '/api/v1/findings?status=late'), 422);
  expectProblem(await get('city', '/api/v1/findings?colour=red'), 422);
  sqlite(db, `UPDATE finding SET deadline = '2026-11-20' WHERE id = ${id}`);
  const late = expectStatus(await get('city', '/api/v1/findings?overdue=true'), 200).json.items;
  assert.deepEqual(late.map((f) => f.id), [id]);
  assert.equal(late[0].overdue, true);
  assert.equal(late[0].colour, 'red');
});

test('evidence files: type by content, size limit, served within scope with safe headers', async () => {
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
  let p = expectProblem(await upload('ins-a', svg, 'photo.jpg'), 422);
  assert.equal(p.errors[0].code, 'attachment.type');
  p = expectProblem(await upload('ins-a', Buffer.from('<!doctype html><script>alert(1)</script>'), 'a.pdf', 'application/pdf'), 422);
  expectProblem(await upload('ins-a', Buffer.from('\x7fELF\x02\x01\x01\0'), 'x'), 422);
  const big = Buffer.alloc(10 * 1024 * 1024 + 1);
  JPEG.copy(big);
  expectProblem(await upload('ins-a', big, 'big.jpg'), 413);
  // a city official uploads too: the files of its news and policy documents (issue 15;
  // tests/e2e/publicity.test.mjs refuses a trainee's upload)
  expectStatus(await upload('city', JPEG, 'x.jpg'), 201);

  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108020000009077', 'hex'), Buffer.from('53de', 'hex')]);
  const hash = expectStatus(await upload('ins-b', png, '../../<b>x</b>"evil\r\n.png'), 201).json.hash;
  // not attached yet: only its uploader sees it
  let r = await api.get(`/api/v1/attachments/${hash}`, as('ins-b'));
  expectStatus(r, 200);
  assert.equal(r.headers.get('content-type'), 'image/png');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.match(r.headers.get('content-security-policy'), /sandbox/);
  const cd = r.headers.get('content-disposition');
  assert.match(cd, /^inline; filename="[^"\r\n/\\]*"; filename\*=UTF-8''/);
  assert.ok(!/[\r\n]/.test(cd) && !cd.includes('/'), cd);
  assert.equal(Buffer.from(await (await fetch(`${srv.base}/api/v1/attachments/${hash}`, { headers: { authorization: `Bearer ${tok['ins-b']}` } })).arrayBuffer()).compare(png), 0);
  for (const login of ['city', 'city2', 'ins-a']) expectProblem(await get(login, `/api/v1/attachments/${hash}`), 404, login);
  expectProblem(await get('ins-b', '/api/v1/attachments/zz'), 404);
  expectProblem(await get('ins-b', `/api/v1/attachments/${'0'.repeat(64)}`), 404);
  // another account cannot attach what it did not upload
  const insp = Number(sqlite(db, 'SELECT max(id) FROM inspection'));
  p = expectProblem(await post('ins-a', '/api/v1/findings', { inspection_id: insp, severity: 'grave', description: '伪造记录', deadline: '2027-01-01', attachments: [hash] }), 422);
  assert.equal(p.errors[0].code, 'attachment.missing');
  // attached to a finding, it is seen by whoever sees the finding
  expectStatus(await post('ins-b', '/api/v1/findings', { inspection_id: insp, severity: 'grave', description: '伪造记录', deadline: '2027-01-01', attachments: [hash] }), 201);
  expectStatus(await get('city', `/api/v1/attachments/${hash}`), 200);
  expectStatus(await get('ent', `/api/v1/attachments/${hash}`), 200);
  expectProblem(await get('city2', `/api/v1/attachments/${hash}`), 404);
  expectProblem(await get('ent2', `/api/v1/attachments/${hash}`), 404);
  // a PDF is never shown inline
  const pdf = expectStatus(await upload('ins-a', PDF, 'r.pdf', 'application/pdf'), 201).json.hash;
  r = await api.get(`/api/v1/attachments/${pdf}`, as('ins-a'));
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), /^attachment;/);
});

test('supervision indicators of a region, within scope', async () => {
  const r = expectStatus(await get('city', '/api/v1/supervision?region=210100&year=2026'), 200).json;
  assert.equal(r.region, '210100');
  assert.ok(r.inspections.drawn >= 2 && r.inspections.done >= 1, JSON.stringify(r));
  const n = Number(sqlite(db, "SELECT count(*) FROM finding WHERE region BETWEEN 210100 AND 210199"));
  assert.equal(r.findings.total, n);
  assert.equal(r.findings_by_severity.general + r.findings_by_severity.serious + r.findings_by_severity.grave, n);
  const closed = Number(sqlite(db, "SELECT count(*) FROM finding WHERE status = 'closed'"));
  assert.equal(r.findings.closed, closed);
  if (r.findings.due) assert.equal(r.closure_rate, closed / r.findings.due);
  // another province is out of a city's scope: 404, as a region that does not exist
  expectProblem(await get('city', '/api/v1/supervision?region=220100&year=2026'), 404);
  expectStatus(await get('city2', '/api/v1/supervision?year=2026'), 200);
  expectProblem(await get('ent', '/api/v1/supervision'), 403);
});

test('findings as XLSX: names not ids, local dates, the list filters, within scope', async () => {
  const { spawnSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const path = await import('node:path');
  // Found at 00:30 Beijing time on 2 November: 1 November in UTC.
  sqlite(db, "UPDATE finding SET created_at = '2026-11-01T16:30:00.000Z'");
  const serial = (d) => (Date.UTC(...d.split('-').map((x, i) => Number(x) - (i === 1 ? 1 : 0))) - Date.UTC(1899, 11, 30)) / 86400000;
  const sheetOf = async (login, query = '') => {
    const r = await fetch(`${srv.base}/api/v1/exports/findings.xlsx${query}`, { headers: { authorization: `Bearer ${tok[login]}` } });
    assert.equal(r.status, 200, `${login} ${query}: ${r.status}`);
    assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(r.headers.get('content-disposition'), /^attachment; filename="findings\.xlsx"/);
    const file = path.join(tmpdir('dualtrack-fx-'), 'f.xlsx');
    fs.writeFileSync(file, Buffer.from(await r.arrayBuffer()));
    const xml = spawnSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' }).stdout;
    const strings = spawnSync('unzip', ['-p', file, 'xl/sharedStrings.xml'], { encoding: 'utf8' }).stdout || '';
    return { count: Number(r.headers.get('x-record-count')), xml: xml + strings };
  };
  const inCity = expectStatus(await get('city', '/api/v1/findings?region=210100'), 200).json.items;
  let x = await sheetOf('city', '?region=210100');
  assert.equal(x.count, inCity.length);
  assert.ok(x.count >= 2);
  const entName = sqlite(db, `SELECT name FROM organization WHERE id = ${ids.ent}`);
  const ent2Name = sqlite(db, `SELECT name FROM organization WHERE id = ${ids.ent2}`);
  for (const text of ['问题编号', '责任单位', '整改期限', '辽宁省2026年双随机督查', entName, `${ent2Name}（企业）`, '较重', '已销号', '已开展安全培训', '沈阳市', 'ins-a、ins-b', '红（已逾期）']) {
    assert.ok(x.xml.includes(text), `the sheet shows ${text}: ${x.xml.slice(0, 6000)}`);
  }
  assert.ok(x.xml.includes(`<v>${serial('2026-11-02')}</v>`), 'found on 2 November, Beijing time');
  assert.ok(!x.xml.includes(`<v>${serial('2026-11-01')}</v>`), 'not the UTC date');
  assert.ok(x.xml.includes(`<v>${serial('2027-01-10')}</v>`), 'the new deadline as a date');
  // the list's filters and scope
  x = await sheetOf('city', '?status=closed');
  assert.equal(x.count, inCity.filter((f) => f.status === 'closed').length);
  x = await sheetOf('ent2');
  assert.equal(x.count, 0, 'an organisation without findings exports none');
  x = await sheetOf('ent');
  assert.equal(x.count, expectStatus(await get('ent', '/api/v1/findings'), 200).json.items.length);
  assert.ok(!x.xml.includes('ins-a'), 'the inspected organisation\'s report names no inspector account');
  x = await sheetOf('city', '?lang=en');
  for (const text of ['Finding', 'Responsible organisation', 'serious', 'closed']) assert.ok(x.xml.includes(text), `English: ${text}`);
  for (const q of ['?lang=fr', '?status=late', '?limit=5', '?colour=red']) expectProblem(await get('city', `/api/v1/exports/findings.xlsx${q}`), 422, q);
});

test('finding list|show on the command line', async () => {
  const all = JSON.parse(ok(['finding', 'list', '--db', db, '--format', 'json']));
  assert.ok(all.length >= 2, 'the findings of the tests above');
  const late = JSON.parse(ok(['finding', 'list', '--db', db, '--overdue', '--format', 'json']));
  assert.ok(late.length >= 1 && late.every((f) => f.overdue && ['open', 'rectifying'].includes(f.status)), JSON.stringify(late));
  const closed = JSON.parse(ok(['finding', 'list', '--db', db, '--status', 'closed', '--region', '210100', '--format', 'json']));
  assert.ok(closed.length >= 1 && closed.every((f) => f.status === 'closed'));
  assert.equal(JSON.parse(ok(['finding', 'list', '--db', db, '--region', '220000', '--format', 'json'])).length, 0);
  const table = ok(['finding', 'list', '--db', db, '--overdue']);
  assert.match(table, /overdue/);
  assert.match(table, /red/);
  const one = JSON.parse(ok(['finding', 'show', String(closed[0].id), '--db', db, '--format', 'json']));
  assert.equal(one.rectifications.length, 2);
  assert.match(ok(['finding', 'show', String(closed[0].id), '--db', db]), /^rectification +\d+ submitted/m);
  const r = run(['finding', 'show', '999999', '--db', db]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(run(['finding', 'list', '--db', db, '--status', 'late']).status, 2);
  // The count on stderr is worded in the locale's language.
  const zh = run(['finding', 'list', '--db', db], { env: { LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' } });
  assert.equal(zh.status, 0, zh.stderr);
  assert.match(zh.stderr, new RegExp(`共 ${all.length} 条督查问题`));
  const en = run(['finding', 'list', '--db', db], { env: { LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '' } });
  assert.match(en.stderr, new RegExp(`finding records: ${all.length}`));
});
