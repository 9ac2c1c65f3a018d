// monitor.test.mjs - end-to-end tests of monitoring: indicators, series,
// rankings, targets, alerts and pilot tasks over HTTP and the CLI.
//
// One server over a database made by `gen --trainees 150 --seed 3` (which
// also sets the demo targets, minimum wages, tasks and first alerts), with
// one account per role.  The indicator values of a city are checked against
// an oracle: the same figures computed from the facts with plain SQL GROUP BY
// through the sqlite3 tool, a second way to the answer that shares nothing
// with the triggers and the engine.  Every new route is tried in and out of
// each role's scope.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import {
  client, dbPath, expectProblem, expectStatus, ok, okAsync, run, sleep, sqlite, startServer,
  tmpdir,
} from './helpers.mjs';

let db;
let srv;
let api;
const tok = {};
const pw = (login) => `pw-${login}-2026!`;
const ids = {};

async function addUser(login, role, scope) {
  const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-stdin'];
  if (scope) args.push('--scope', scope);
  await okAsync(args, { input: `${pw(login)}\n` });
}

before(async () => {
  const dir = tmpdir('dualtrack-monitor-');
  db = dbPath(dir);
  ok(['init', '--db', db]);
  ok(['gen', '--db', db, '--trainees', '150', '--seed', '3']);
  ids.school = Number(sqlite(db, "SELECT id FROM organization WHERE kind = 'school' AND region BETWEEN 210100 AND 210199 LIMIT 1"));
  ids.shenyangPilot = Number(sqlite(db, 'SELECT id FROM pilot WHERE region = 210100'));
  ids.jilinPilot = Number(sqlite(db, 'SELECT id FROM pilot WHERE region = 220100'));
  await addUser('admin', 'admin');
  await addUser('nat', 'national');
  await addUser('prov', 'province', '210000');
  await addUser('city', 'city', '210100');
  await addUser('insp', 'inspector', '210100');
  await addUser('school', 'school', `org:${ids.school}`);
  // another school, an enterprise the first school has a contract with, and one it has none with
  ids.school2 = Number(sqlite(db, `SELECT id FROM organization WHERE kind = 'school' AND id <> ${ids.school} ORDER BY id LIMIT 1`));
  ids.contract = Number(sqlite(db, `SELECT id FROM contract WHERE school_id = ${ids.school} ORDER BY id LIMIT 1`));
  ids.ent = Number(sqlite(db, `SELECT enterprise_id FROM contract WHERE id = ${ids.contract}`));
  ids.ent2 = Number(sqlite(db, `SELECT id FROM organization WHERE kind = 'enterprise' AND id NOT IN
    (SELECT enterprise_id FROM contract WHERE school_id = ${ids.school}) ORDER BY id LIMIT 1`));
  await addUser('school2', 'school', `org:${ids.school2}`);
  await addUser('ent', 'enterprise', `org:${ids.ent}`);
  await addUser('ent2', 'enterprise', `org:${ids.ent2}`);
  srv = await startServer(db, { threads: 2 });
  api = client(srv.base);
  for (const login of ['admin', 'nat', 'prov', 'city', 'insp', 'school', 'school2', 'ent', 'ent2']) {
    const r = expectStatus(await api.post('/api/v1/session', { login, password: pw(login) }), 200);
    tok[login] = r.json.token;
  }
});

after(async () => {
  if (!srv) return;
  const { code } = await srv.stop();
  assert.equal(code, 0, srv.output());
  assert.match(ok(['audit', 'verify', '--db', db]), /^audit chain ok/m);
  assert.match(ok(['indicators', '--verify', '--db', db]), /^ok: the maintained aggregates equal a rebuild/m);
});

const get = async (login, p, status = 200) => expectStatus(await api.get(p, { token: tok[login] }), status).json;
const value = (dash, code) => dash.indicators.find((i) => i.code === code).value;
const num = (sql) => Number(sqlite(db, sql));
const close = (a, b, what) => assert.ok(Math.abs(a - b) < 1e-3, `${what}: ${a} != ${b}`);

test('indicators of a city equal plain GROUP BY over the facts (an oracle)', async () => {
  const year = 2025;
  const d = await get('admin', `/api/v1/indicators?region=210100&year=${year}`);
  assert.equal(d.region.code, '210100');
  assert.equal(d.period.from, `${year}-01-01`);
  const inCity = 'region BETWEEN 210100 AND 210199';
  const inYear = (col) => `substr(${col}, 1, 4) = '${year}'`;
  const began = num(`SELECT count(*) FROM contract WHERE ${inCity} AND activated_at IS NOT NULL AND ${inYear('start_date')}`);
  assert.equal(value(d, 'new_contracts'), began);
  const activeEnd = num(`SELECT count(*) FROM contract WHERE ${inCity} AND activated_at IS NOT NULL AND start_date <= '${year}-12-31'
    AND NOT (status IN ('completed','dissolved','transferred') AND ended_on <= '${year}-12-31')`);
  assert.equal(value(d, 'active_contracts'), activeEnd);
  // record_entry: the site a code (0 company), the hours hundredths, the date YYYYMMDD (migration 020)
  const [company, all] = sqlite(db, `SELECT coalesce(sum(CASE site WHEN 0 THEN hours END), 0) / 100.0, coalesce(sum(hours), 0) / 100.0 FROM record_entry
    WHERE ${inCity} AND signed_at IS NOT NULL AND date / 10000 = ${year}`).split('|').map(Number);
  assert.ok(all > 0, 'the oracle found no signed hours');
  close(value(d, 'dual_ratio'), (100 * company) / all, 'dual_ratio');
  close(value(d, 'hours_company'), company, 'hours_company');
  const [passed, taken] = sqlite(db, `SELECT sum(CASE WHEN result = 'pass' THEN 1 ELSE 0 END), count(*) FROM assessment
    WHERE ${inCity} AND kind = 'final' AND ${inYear('date')}`).split('|').map(Number);
  if (taken) close(value(d, 'pass_rate'), (100 * passed) / taken, 'pass_rate');
  const [completed, dissolved] = sqlite(db, `SELECT sum(CASE WHEN status = 'completed' THEN 1 ELSE 0 END), sum(CASE WHEN status = 'dissolved' THEN 1 ELSE 0 END) FROM contract
    WHERE ${inCity} AND activated_at IS NOT NULL AND ${inYear('ended_on')}`).split('|').map(Number);
  if (completed + dissolved) close(value(d, 'retention_rate'), (100 * completed) / (completed + dissolved), 'retention_rate');
  // The layer method: this year's dissolutions per cohort over the cohort's size.
  let rate = 0;
  for (let i = 0; i <= 3; i++) {
    const cohort = num(`SELECT count(*) FROM contract WHERE ${inCity} AND activated_at IS NOT NULL AND substr(start_date, 1, 4) = '${year - i}'`);
    const gone = num(`SELECT count(*) FROM contract WHERE ${inCity} AND activated_at IS NOT NULL AND status = 'dissolved'
      AND ${inYear('ended_on')} AND substr(start_date, 1, 4) = '${year - i}'`);
    if (cohort) rate += gone / cohort;
  }
  close(value(d, 'dissolution_rate'), 100 * rate, 'dissolution_rate');
  const places = num(`SELECT coalesce(sum(capacity), 0) FROM place WHERE ${inCity} AND year = ${year}`);
  const demand = num(`SELECT coalesce(sum(count), 0) FROM demand WHERE ${inCity} AND year = ${year}`);
  if (demand) close(value(d, 'supply_demand_ratio'), places / demand, 'supply_demand_ratio');
  // Sub-regions: the districts of Shenyang, each with its values.
  assert.ok(d.children.length > 5);
  assert.ok(d.children.every((c) => c.region.code.startsWith('2101') && 'new_contracts' in c.values));
  // The CLI prints the same as JSON and as CSV with a BOM.
  const cli = JSON.parse(ok(['indicators', '--db', db, '--region', '210100', '--year', String(year), '--format', 'json']));
  assert.equal(value(cli, 'new_contracts'), began);
  const csv = ok(['indicators', '--db', db, '--region', '210100', '--year', String(year), '--format', 'csv']);
  assert.ok(csv.startsWith('\uFEFFcode,name_zh'));
  assert.match(csv, /\r\nnew_contracts,新签合同数,New contracts,count,/);
  const table = ok(['indicators', '--db', db, '--region', '210100', '--year', String(year)]);
  assert.match(table, /^新签合同数 +\d+/m);
});

test('indicators stay within the caller\'s scope', async () => {
  const own = await get('city', '/api/v1/indicators');
  assert.equal(own.region.code, '210100', 'without a region: the caller\'s own');
  await get('city', '/api/v1/indicators?region=210102');
  expectProblem(await api.get('/api/v1/indicators?region=210200', { token: tok.city }), 404);
  expectProblem(await api.get('/api/v1/indicators?region=210000', { token: tok.city }), 404);
  expectProblem(await api.get('/api/v1/indicators?region=000000', { token: tok.city }), 404);
  expectProblem(await api.get('/api/v1/indicators?region=220000', { token: tok.prov }), 404);
  await get('prov', '/api/v1/indicators?region=210200');
  await get('insp', '/api/v1/indicators?region=210100');
  expectProblem(await api.get('/api/v1/indicators', { token: tok.school }), 403);
  expectProblem(await api.get('/api/v1/rankings', { token: tok.school }), 403);
  const nat = await get('nat', '/api/v1/indicators?children=0');
  assert.equal(nat.region.code, '000000');
  assert.equal(nat.children.length, 0);
  // Bad parameters are named.
  const p = expectProblem(await api.get('/api/v1/indicators?year=1999', { token: tok.nat }), 422);
  assert.equal(p.errors[0].field, 'year');
  assert.equal(expectProblem(await api.get('/api/v1/indicators?region=abc', { token: tok.nat }), 422).errors[0].field, 'region');
  assert.equal(expectProblem(await api.get('/api/v1/indicators?occupation=9-99', { token: tok.nat }), 422).errors[0].field, 'occupation');
  assert.equal(expectProblem(await api.get('/api/v1/indicators?quarter=2&month=5', { token: tok.nat }), 422).errors[0].field, 'month');
  expectProblem(await api.get('/api/v1/indicators'), 401);
});

test('monthly series and rankings', async () => {
  const s = await get('city', '/api/v1/indicators/series?year=2025');
  assert.equal(s.periods.length, 12);
  assert.equal(s.periods[0], '2025-01');
  assert.equal(s.series.hours_company.length, 12);
  const y = await get('city', '/api/v1/indicators?year=2025&children=0');
  const sum = s.series.hours_company.reduce((a, b) => a + (b || 0), 0);
  close(sum, value(y, 'hours_company'), 'twelve months add up to the year');
  const r = await get('nat', '/api/v1/rankings?level=city&year=2026');
  assert.equal(r.items.length, 9);
  assert.deepEqual(r.items.map((i) => i.rank).filter((x) => x !== null), [...Array(r.items.filter((i) => i.rank !== null).length).keys()].map((i) => i + 1));
  for (let i = 1; i < r.items.length; i++) {
    if (r.items[i].score !== null) assert.ok(r.items[i - 1].score >= r.items[i].score, 'sorted by score');
  }
  assert.ok(Object.keys(r.weights).length >= 5);
  const own = await get('city', '/api/v1/rankings?year=2026');
  assert.deepEqual(own.items.map((i) => i.region.code), ['210100']);
  const prov = await get('nat', '/api/v1/rankings?level=province&year=2026');
  assert.equal(prov.items.length, 4);
  assert.equal(expectProblem(await api.get('/api/v1/rankings?level=county', { token: tok.nat }), 422).errors[0].field, 'level');
  const cli = ok(['rank', '--db', db, '--year', '2026']);
  assert.match(cli, /210100 沈阳市/);
});

test('targets: in force with their source, set within scope only', async () => {
  const t = await get('city', '/api/v1/targets?year=2026');
  assert.equal(t.region, '210100');
  const src = Object.fromEntries(t.items.map((i) => [i.indicator, i.source]));
  assert.equal(src.pass_rate, 'national');
  assert.equal(src.new_contracts, 'pilot');
  const put = await api.request('PUT', '/api/v1/targets', { token: tok.city, body: { region: '210100', year: 2026, targets: [{ indicator: 'pass_rate', value: 92, baseline: 80 }] } });
  expectStatus(put, 200);
  const t2 = await get('city', '/api/v1/targets?year=2026');
  const pr = t2.items.find((i) => i.indicator === 'pass_rate');
  assert.equal(pr.source, 'pilot');
  assert.equal(pr.value, 92);
  const d = await get('city', '/api/v1/indicators?year=2026&children=0');
  assert.equal(d.indicators.find((i) => i.code === 'pass_rate').target, 92);
  // Out of scope, national defaults, other roles, bad input.
  expectProblem(await api.request('PUT', '/api/v1/targets', { token: tok.city, body: { region: '210200', year: 2026, targets: [] } }), 403);
  expectProblem(await api.request('PUT', '/api/v1/targets', { token: tok.city, body: { region: null, year: 2026, targets: [] } }), 403);
  expectProblem(await api.request('PUT', '/api/v1/targets', { token: tok.school, body: { region: '210100', year: 2026, targets: [] } }), 403);
  expectProblem(await api.request('PUT', '/api/v1/targets', { token: tok.insp, body: { region: '210100', year: 2026, targets: [] } }), 403);
  const bad = expectProblem(await api.request('PUT', '/api/v1/targets', { token: tok.city, body: { region: '210100', year: 2026, targets: [{ indicator: 'pass_rate', value: 50 }, { indicator: 'nope', value: 1 }] } }), 422);
  assert.equal(bad.errors[0].field, 'targets[1].indicator');
  const after = await get('city', '/api/v1/targets?year=2026');
  assert.equal(after.items.find((i) => i.indicator === 'pass_rate').value, 92, 'a failed PUT changes nothing');
  assert.equal(expectProblem(await api.request('PUT', '/api/v1/targets', { token: tok.nat, body: { year: 1900, targets: [] } }), 422).errors[0].field, 'year');
  expectStatus(await api.request('PUT', '/api/v1/targets', { token: tok.nat, body: { region: null, year: 2026, targets: [{ indicator: 'dual_ratio', value: 52 }] } }), 200);
  expectProblem(await api.get('/api/v1/targets?region=220100', { token: tok.city }), 404);
});

test('alerts: listed within scope, acknowledged and resolved once', async () => {
  const mine = await get('city', '/api/v1/alerts?limit=1000');
  assert.ok(mine.items.length > 0, 'the demo raised alerts in Shenyang');
  assert.ok(mine.items.every((a) => a.region.startsWith('2101')));
  const all = await get('nat', '/api/v1/alerts?limit=1000');
  assert.ok(all.items.length > mine.items.length);
  // a school reads only the alerts about itself and its contracts (the next test)
  assert.ok((await get('school', '/api/v1/alerts?limit=1000')).items.length < all.items.length);
  const a = mine.items.find((x) => x.status === 'open');
  const ack = await api.post(`/api/v1/alerts/${a.id}/ack`, { note: '已督办' }, { token: tok.city });
  expectStatus(ack, 200);
  assert.equal(ack.json.status, 'acknowledged');
  assert.equal(ack.json.acknowledged_by, 'city');
  expectProblem(await api.post(`/api/v1/alerts/${a.id}/ack`, {}, { token: tok.city }), 409);
  expectStatus(await api.post(`/api/v1/alerts/${a.id}/resolve`, undefined, { token: tok.insp }), 200);
  expectProblem(await api.post(`/api/v1/alerts/${a.id}/resolve`, undefined, { token: tok.city }), 409);
  const jilin = all.items.find((x) => x.region.startsWith('22') && x.status === 'open');
  expectProblem(await api.post(`/api/v1/alerts/${jilin.id}/ack`, undefined, { token: tok.city }), 404);
  expectProblem(await api.post(`/api/v1/alerts/${jilin.id}/ack`, undefined, { token: tok.school }), 403);
  expectProblem(await api.post(`/api/v1/alerts/${jilin.id}/close`, undefined, { token: tok.nat }), 404);
  expectProblem(await api.post('/api/v1/alerts', { rule: 'x' }, { token: tok.admin }), 403);
  assert.equal(expectProblem(await api.post(`/api/v1/alerts/${jilin.id}/ack`, { note: 5 }, { token: tok.nat }), 422).errors[0].field, 'note');
});

// An open alert about @kind @id, as the watcher would have raised it; its id.
function insertAlert(rule, kind, id) {
  return Number(sqlite(db, `INSERT INTO alert (rule, severity, subject_kind, subject_id, message_zh, message_en,
    raised_at, region, created_at, updated_at) VALUES ('${rule}', 'warning', '${kind}', ${id}, '测试预警',
    'test alert', '2026-11-01T00:00:00Z', 210100, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z') RETURNING id`));
}

// A 404's body without its request id, the id asked for replaced.
function shape404(r, id) {
  assert.equal(r.status, 404, r.text);
  const j = { ...r.json };
  delete j.instance;
  return JSON.stringify(j).replace(new RegExp(`\\b${id}\\b`, 'g'), '{id}');
}

test('alerts about an organisation: schools and enterprises read their own and their contracts\', nothing else', async () => {
  const a = {
    school: insertAlert('e2e_org', 'organization', ids.school),
    school2: insertAlert('e2e_org', 'organization', ids.school2),
    ent: insertAlert('e2e_org', 'organization', ids.ent),
    ent2: insertAlert('e2e_org', 'organization', ids.ent2),
    contract: insertAlert('e2e_contract', 'contract', ids.contract),
  };
  const all = await get('nat', '/api/v1/alerts?limit=1000');
  assert.equal(all.next, null, 'every alert on one page');
  const cases = [
    ['school', ids.school, [a.school, a.contract], [a.school2, a.ent, a.ent2]],
    ['school2', ids.school2, [a.school2], [a.school, a.ent, a.ent2, a.contract]],
    ['ent', ids.ent, [a.ent, a.contract], [a.school, a.school2, a.ent2]],
    ['ent2', ids.ent2, [a.ent2], [a.school, a.school2, a.ent, a.contract]],
  ];
  for (const [login, org, own, others] of cases) {
    // the oracle: alerts about it, its contracts and the findings it rectifies, from the tables
    const lines = (q) => new Set(sqlite(db, q).split('\n').filter(Boolean).map(Number));
    const contracts = lines(`SELECT id FROM contract WHERE school_id = ${org} OR enterprise_id = ${org}`);
    const findings = lines(`SELECT id FROM finding WHERE org_id = ${org}`);
    const want = all.items.filter((x) => (x.subject_kind === 'organization' && x.subject_id === org)
      || (x.subject_kind === 'contract' && contracts.has(x.subject_id))
      || (x.subject_kind === 'finding' && findings.has(x.subject_id))).map((x) => x.id).sort((p, q) => p - q);
    const list = await get(login, '/api/v1/alerts?limit=1000');
    assert.deepEqual(list.items.map((x) => x.id).sort((p, q) => p - q), want, `${login}'s alerts`);
    for (const id of own) {
      assert.ok(want.includes(id));
      const one = await get(login, `/api/v1/alerts/${id}`);
      assert.equal(one.id, id);
      // read only: acknowledging is for officials and inspectors
      expectProblem(await api.post(`/api/v1/alerts/${id}/ack`, {}, { token: tok[login] }), 403);
    }
    const missing = shape404(await api.get('/api/v1/alerts/999999999', { token: tok[login] }), 999999999);
    for (const id of others) {
      assert.ok(!want.includes(id));
      assert.equal(shape404(await api.get(`/api/v1/alerts/${id}`, { token: tok[login] }), id), missing,
        `${login} reading alert ${id} about another answers as a missing one`);
      assert.equal((await get(login, `/api/v1/alerts?id=${id}`)).items.length, 0);
    }
  }
  assert.equal(sqlite(db, `SELECT count(*) FROM alert WHERE status = 'open' AND rule LIKE 'e2e_%'`), '5', 'nothing acknowledged');
});

test('pilot tasks: a change raises its alert within seconds', async () => {
  const r = await api.post('/api/v1/pilot-tasks', { pilot_id: ids.shenyangPilot, title: '补交季度报告', deadline: '2026-10-31' }, { token: tok.city });
  expectStatus(r, 201);
  assert.equal(r.json.status, 'planned');
  assert.equal(r.json.region, '210100');
  expectProblem(await api.post('/api/v1/pilot-tasks', { pilot_id: ids.jilinPilot, title: 'x', deadline: '2026-10-31' }, { token: tok.city }), 422);
  expectProblem(await api.post('/api/v1/pilot-tasks', { pilot_id: ids.shenyangPilot, title: 'x', deadline: '2026-10-31' }, { token: tok.insp }), 403);
  let found;
  for (let i = 0; i < 50 && !found; i++) {
    await sleep(200);
    const list = await get('city', `/api/v1/alerts?rule=task_overdue&subject_id=${r.json.id}`);
    found = list.items[0];
  }
  assert.ok(found, 'the watcher raised task_overdue for the new task');
  assert.equal(found.subject_kind, 'pilot_task');
  const done = await api.patch(`/api/v1/pilot-tasks/${r.json.id}`, { status: 'done' }, { token: tok.city });
  expectStatus(done, 200);
  assert.equal(done.json.done_on, '2026-11-26');
});

test('settings: weights are published with the ranking, bad keys and values are named', async () => {
  ok(['settings', 'set', 'weight.pass_rate', '3', '--db', db]);
  const r = await get('nat', '/api/v1/rankings?year=2026');
  assert.equal(r.weights.pass_rate, 3);
  const d = await get('nat', '/api/v1/indicators?children=0');
  assert.equal(d.indicators.find((i) => i.code === 'pass_rate').weight, 3);
  assert.match(ok(['settings', '--db', db]), /^weight\.pass_rate +3 +1 /m);
  const bad = run(['settings', 'set', 'weight.nope', '1', '--db', db]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /KEY: 'nope' is not an indicator code/);
  const badv = run(['settings', 'set', 'alert.no_record_entry', 'soon', '--db', db]);
  assert.equal(badv.status, 1);
  assert.match(badv.stderr, /VALUE/);
  ok(['settings', 'set', 'weight.pass_rate', '1', '--db', db]);
});

test('the CLI: alerts, evaluate, rebuild', () => {
  assert.match(ok(['alerts', '--db', db]), /target_off_track|no_record_entry|task_overdue/);
  assert.match(ok(['alerts', 'evaluate', '--db', db]), /^evaluated the alert rules: \d+ new alerts?$/m);
  assert.match(ok(['indicators', '--rebuild', '--db', db]), /^rebuilt the indicator aggregates from the facts: \d+ rows/m);
  const bad = run(['indicators', '--db', db, '--quarter', '5']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--quarter/);
  assert.equal(run(['alerts', 'close', '1', '--db', db]).status, 2);
  const missing = run(['alerts', 'ack', '999999', '--db', db]);
  assert.equal(missing.status, 1);
});
