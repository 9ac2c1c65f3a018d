// plans.test.mjs - the API the planning screens need, over HTTP: what a new
// plan starts from (GET /api/v1/inspection-plans/defaults), the inspector
// accounts a plan of a region may pool (GET /api/v1/inspectors), a plan
// made with an edited checklist (each refusal naming the item), and the
// steps start and close (close refused while an inspection is not done).
//
// One database made by `gen --trainees 150 --seed 3`, with officials and
// inspectors of Liaoning (Shenyang 210100, Dalian 210200) and of Jilin.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { client, dbPath, expectProblem as problemOf, expectStatus, ok, okAsync, sqlite, startServer, tmpdir } from './helpers.mjs';

let db;
let srv;
let api;
const tok = {};
const acct = {};
const pw = (login) => `pw-${login}-2026!`;

/** The problem of @r (@status) must carry catalogue code @code; its JSON. */
function expectProblem(r, status, code) {
  const p = problemOf(r, status, code);
  assert.ok((p.errors || []).some((e) => e.code === code), `${code} in ${JSON.stringify(p)}`);
  return p;
}

async function addUser(login, role, scope) {
  const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-stdin'];
  if (scope) args.push('--scope', scope);
  const out = await okAsync(args, { input: `${pw(login)}\n` });
  acct[login] = Number(/id (\d+)/.exec(out)[1]);
}

before(async () => {
  const dir = tmpdir('dualtrack-plans-');
  db = dbPath(dir);
  ok(['init', '--db', db]);
  ok(['gen', '--db', db, '--trainees', '150', '--seed', '3']);
  await addUser('prov', 'province', '210000');
  await addUser('city', 'city', '210100');
  await addUser('insp-sy', 'inspector', '210100');
  await addUser('insp-dl', 'inspector', '210200');
  await addUser('insp-ln', 'inspector', '210000');
  await addUser('insp-jl', 'inspector', '220000');
  await addUser('insp-off', 'inspector', '210100');
  ok(['user', 'disable', 'insp-off', '--db', db]);
  const org = sqlite(db, "SELECT id FROM organization WHERE kind = 'school' ORDER BY id LIMIT 1");
  await addUser('school', 'school', `org:${org}`);
  srv = await startServer(db, { threads: 2 });
  api = client(srv.base);
  for (const login of ['prov', 'city', 'school', 'insp-sy']) {
    const r = expectStatus(await api.post('/api/v1/session', { login, password: pw(login) }), 200);
    tok[login] = r.json.token;
  }
});

after(async () => {
  if (!srv) return;
  const { code } = await srv.stop();
  assert.equal(code, 0, srv.output());
  assert.match(ok(['audit', 'verify', '--db', db]), /^audit chain ok/m);
});

test('defaults: the default checklist, weights and kinds; planners only', async () => {
  const r = expectStatus(await api.get('/api/v1/inspection-plans/defaults', { token: tok.city }), 200);
  assert.deepEqual(r.json.weights, { base: 1, alert: 2, quality: 2, finding: 3, max: 20 });
  assert.deepEqual(r.json.object_kinds, ['enterprise', 'school', 'contract', 'pilot_task']);
  assert.deepEqual(r.json.checklist.map((c) => c.code), ['contract_signed', 'stipend_min_wage', 'mentors_named',
    'record_book', 'hours_as_planned', 'safety_training', 'insurance']);
  for (const c of r.json.checklist) assert.ok(c.text_zh && c.text_en && c.basis, c.code);
  // A plan made without a checklist gets exactly this one.
  const p = expectStatus(await api.post('/api/v1/inspection-plans',
    { region: '210100', year: 2026, title: 'default', object_kinds: 'enterprise', sample_kind: 'count', sample_value: 1, inspectors: [] }, { token: tok.city }), 201);
  assert.deepEqual(p.json.checklist.map(({ code, text_zh, text_en, basis }) => ({ code, text_zh, text_en, basis })), r.json.checklist);
  expectStatus(await api.get('/api/v1/inspection-plans/defaults', { token: tok.school }), 403);
  expectStatus(await api.get('/api/v1/inspection-plans/defaults', { token: tok['insp-sy'] }), 403);
});

test('inspectors: the enabled inspectors of the region\'s province and those with no region', async () => {
  const logins = (r) => r.json.items.map((a) => a.login);
  const city = expectStatus(await api.get('/api/v1/inspectors?region=210100', { token: tok.city }), 200);
  // Dalian's and the province's inspectors too (a cross-city plan needs them); not Jilin's, not a disabled one.
  assert.deepEqual(logins(city), ['insp-dl', 'insp-ln', 'insp-sy']);
  const dl = city.json.items.find((a) => a.login === 'insp-dl');
  assert.deepEqual(dl, { id: acct['insp-dl'], login: 'insp-dl', region: '210200', city: '210200', org_id: null });
  assert.equal(city.json.items.find((a) => a.login === 'insp-ln').city, null);
  // Without ?region= the caller's own region.
  assert.deepEqual(logins(expectStatus(await api.get('/api/v1/inspectors', { token: tok.city }), 200)), logins(city));
  assert.deepEqual(logins(expectStatus(await api.get('/api/v1/inspectors?region=210000', { token: tok.prov }), 200)), ['insp-dl', 'insp-ln', 'insp-sy']);
  // Outside one's scope, a county, a malformed code; roles without supervise.
  expectProblem(await api.get('/api/v1/inspectors?region=210200', { token: tok.city }), 422, 'inspection.scope');
  expectProblem(await api.get('/api/v1/inspectors?region=220000', { token: tok.prov }), 422, 'inspection.scope');
  expectProblem(await api.get('/api/v1/inspectors?region=210102', { token: tok.city }), 422, 'inspection.region_level');
  expectStatus(await api.get('/api/v1/inspectors?region=21x', { token: tok.city }), 422);
  expectStatus(await api.get('/api/v1/inspectors?region=210100', { token: tok.school }), 403);
  expectStatus(await api.get('/api/v1/inspectors?region=210100', { token: tok['insp-sy'] }), 403);
});

const base = () => ({
  region: '210100', year: 2026, title: '专项督查', object_kinds: ['enterprise', 'school'], sample_kind: 'count', sample_value: 2,
  cross_city: true, inspectors: [acct['insp-dl'], acct['insp-ln'], acct['insp-sy']],
});

test('an edited checklist is the plan\'s, in its order; each refusal names its item', async () => {
  const checklist = [
    { code: 'contract_signed', text_zh: '三方协议已签订', text_en: 'Contract signed', basis: '《职业教育法》第五十条' },
    { code: 'ppe_issued', text_zh: '已发放劳动防护用品', basis: '《安全生产法》第四十五条' },
  ];
  const r = expectStatus(await api.post('/api/v1/inspection-plans', { ...base(), checklist }, { token: tok.city }), 201);
  assert.deepEqual(r.json.checklist, [
    { pos: 1, ...checklist[0] },
    // No English text: the Chinese one stands for it.
    { pos: 2, code: 'ppe_issued', text_zh: '已发放劳动防护用品', text_en: '已发放劳动防护用品', basis: '《安全生产法》第四十五条' },
  ]);
  const bad = async (list, field, code, status = 422) => {
    const before = sqlite(db, 'SELECT count(*) FROM inspection_plan');
    const res = await api.post('/api/v1/inspection-plans', { ...base(), checklist: list }, { token: tok.city });
    const p = expectProblem(res, status, code);
    assert.ok(p.errors.some((e) => e.field === field && e.code === code), `${code} names ${field}: ${JSON.stringify(p.errors)}`);
    assert.equal(sqlite(db, 'SELECT count(*) FROM inspection_plan'), before, 'nothing written');
  };
  const item = (o) => ({ code: 'x1', text_zh: '内容', basis: '依据', ...o });
  await bad([item({}), item({ code: 'Bad-Code' })], 'checklist[1].code', 'inspection.check_code');
  await bad([item({ code: '9lives' })], 'checklist[0].code', 'inspection.check_code');
  await bad([item({ code: 'a'.repeat(41) })], 'checklist[0].code', 'text.too_long');
  await bad([item({}), item({ code: 'x2' }), item({})], 'checklist[2].code', 'inspection.check_duplicate');
  await bad([item({ text_zh: '' })], 'checklist[0].text_zh', 'text.empty');
  await bad([item({ basis: undefined })], 'checklist[0].basis', 'field.required');
  await bad([item({ basis: 7 })], 'checklist[0].basis', 'type.string');
  await bad([item({ text_en: '长'.repeat(201) })], 'checklist[0].text_en', 'text.too_long');
  await bad([item({}), 'x'], 'checklist[1]', 'type.object');
  await bad([], 'checklist', 'inspection.checklist_size');
  await bad(Array.from({ length: 51 }, (_, i) => item({ code: `c${i}` })), 'checklist', 'inspection.checklist_size');
  await bad('contract_signed', 'checklist', 'type.array');
});

test('start and close: close waits until every inspection is done', async () => {
  const p = expectStatus(await api.post('/api/v1/inspection-plans', base(), { token: tok.city }), 201).json;
  const step = (a, t = tok.city) => api.post(`/api/v1/inspection-plans/${p.id}/${a}`, undefined, { token: t });
  expectProblem(await step('start'), 409, 'inspection.state');
  expectStatus(await step('commit'), 200);
  expectStatus(await step('draw'), 200);
  expectProblem(await step('close'), 409, 'inspection.state');
  expectStatus(await step('start', tok.school), 403);
  const started = expectStatus(await step('start'), 200);
  assert.equal(started.json.status, 'in_progress');
  const n = Number(sqlite(db, `SELECT count(*) FROM inspection WHERE plan_id = ${p.id}`));
  assert.ok(n >= 2, 'drawn');
  const refused = expectProblem(await step('close'), 409, 'inspection.plan_open');
  assert.match(refused.detail, new RegExp(`${n} inspections not done`));
  const zh = await api.post(`/api/v1/inspection-plans/${p.id}/close`, undefined, { token: tok.city, headers: { 'accept-language': 'zh' } });
  assert.match(zh.json.detail, new RegExp(`还有 ${n} 次督查未完成`));
  sqlite(db, `UPDATE inspection SET status = 'done' WHERE plan_id = ${p.id} AND draw_pos > 1`);
  expectProblem(await step('close'), 409, 'inspection.plan_open');
  sqlite(db, `UPDATE inspection SET status = 'done' WHERE plan_id = ${p.id}`);
  const closed = expectStatus(await step('close'), 200);
  assert.equal(closed.json.status, 'closed');
  assert.ok(closed.json.closed_at);
  expectProblem(await step('close'), 409, 'inspection.state');
  expectProblem(await step('bogus'), 404, 'inspection.action');
  const audit = sqlite(db, `SELECT action FROM audit WHERE entity = 'inspection_plan' AND entity_id = ${p.id} ORDER BY id`);
  assert.deepEqual(audit.split('\n'), ['create', 'commit', 'draw', 'start', 'close']);
});

test('verify: the first difference also comes structured, for a screen to word it', async () => {
  const p = expectStatus(await api.post('/api/v1/inspection-plans', base(), { token: tok.city }), 201).json;
  for (const a of ['commit', 'draw', 'reveal']) expectStatus(await api.post(`/api/v1/inspection-plans/${p.id}/${a}`, undefined, { token: tok.city }), 200);
  const verify = async () => expectStatus(await api.get(`/api/v1/inspection-plans/${p.id}/verify`, { token: tok.city }), 200).json;
  const good = await verify();
  assert.equal(good.ok, true);
  assert.equal(good.difference_at, null);
  const rows = sqlite(db, `SELECT id, object_kind, object_id, inspector_a, inspector_b FROM inspection WHERE plan_id = ${p.id} ORDER BY draw_pos`)
    .split('\n').map((l) => l.split('|'));
  const [id1, kind1, obj1, a1, b1] = rows[0];
  // the pair swapped
  sqlite(db, `UPDATE inspection SET inspector_a = ${b1}, inspector_b = ${a1} WHERE id = ${id1}`);
  let v = await verify();
  assert.equal(v.ok, false);
  assert.deepEqual(v.difference_at, { check: 'inspectors', draw_pos: 1, recorded: `${b1} ${a1}`, rerun: `${a1} ${b1}` });
  assert.match(v.difference, /^draw_pos 1 /);
  sqlite(db, `UPDATE inspection SET inspector_a = ${a1}, inspector_b = ${b1} WHERE id = ${id1}`);
  // another object recorded
  sqlite(db, `UPDATE inspection SET object_id = 999999 WHERE id = ${id1}`);
  v = await verify();
  assert.deepEqual(v.difference_at, { check: 'object', draw_pos: 1, recorded: `${kind1} 999999`, rerun: `${kind1} ${obj1}` });
  sqlite(db, `UPDATE inspection SET object_id = ${obj1} WHERE id = ${id1}`);
  // the last pick not recorded
  const last = rows[rows.length - 1];
  const spare = expectStatus(await api.post('/api/v1/inspection-plans', base(), { token: tok.city }), 201).json.id; // no inspections: the keys hold
  sqlite(db, `UPDATE inspection SET plan_id = ${spare} WHERE id = ${last[0]}`);
  v = await verify();
  assert.deepEqual(v.difference_at, { check: 'missing', draw_pos: rows.length, recorded: null, rerun: `${last[1]} ${last[2]}` });
  sqlite(db, `UPDATE inspection SET plan_id = ${p.id} WHERE id = ${last[0]}`);
  assert.equal((await verify()).ok, true);
});
