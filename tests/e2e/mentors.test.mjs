// mentors.test.mjs - mentors as people: the register, contracts naming their
// mentors, sign-off by the named mentor or a delegate, bulk sign-off (all or
// nothing, one audit event that the records check folds), the entries
// waiting for a signer, and each mentor's load.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  client, dbPath, expectProblem, expectStatus, natid, ok, okAsync, run, startServer, tmpdir,
} from './helpers.mjs';

let db, srv, api;
const tok = {};
const ids = {};
const pw = (login) => `pw-${login}-2026!`;
const cliJson = (args) => JSON.parse(ok([...args, '--db', db, '--format', 'json']));

async function addUser(login, role, scope) {
  const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-stdin'];
  if (scope) args.push('--scope', scope);
  await okAsync(args, { input: `${pw(login)}\n` });
}

async function signIn(login) {
  return expectStatus(await api.post('/api/v1/session', { login, password: pw(login) }), 200).json.token;
}

before(async () => {
  const dir = tmpdir('dualtrack-mentors-');
  db = dbPath(dir);
  ok(['init', '--db', db]);
  ok(['gen', '--db', db, '--trainees', '60', '--seed', '5']);
  const schools = cliJson(['list', 'organizations', '--filter', 'kind=school', '--filter', 'region=210100']);
  ids.school = schools[0].id;
  ids.programme = cliJson(['list', 'programmes', '--filter', `school_id=${ids.school}`, '--limit', '1'])[0].id;
  const ents = cliJson(['list', 'organizations', '--filter', 'kind=enterprise', '--filter', 'region=210100']);
  ids.ent = ents[0].id;
  ids.otherEnt = ents[1].id;
  await Promise.all([addUser('admin', 'admin'), addUser('city', 'city', '210100'),
    addUser('ent', 'enterprise', `org:${ids.ent}`)]);
  await Promise.all([addUser('school', 'school', `org:${ids.school}`),
    addUser('wang', 'enterprise', `org:${ids.ent}`), addUser('zhang', 'enterprise', `org:${ids.ent}`)]);
  await addUser('other', 'enterprise', `org:${ids.otherEnt}`);
  srv = await startServer(db, { threads: 2 });
  api = client(srv.base);
  for (const l of ['admin', 'city', 'ent', 'school', 'wang', 'zhang', 'other']) tok[l] = await signIn(l);
});

after(async () => {
  if (srv) await srv.stop();
});

test('mentors: register, contracts naming them, sign-off by the named mentor, bulk sign-off all or nothing', async () => {
  const mk = (who, body) => api.post('/api/v1/mentors', body, { token: tok[who] });
  const wang = expectStatus(await mk('ent', { name: '王师傅', organization_id: ids.ent, kind: 'company', qualification: '数控车工高级技师', skill_level: 2, phone: '13800138001' }), 201).json;
  const zhang = expectStatus(await mk('ent', { name: '张师傅', organization_id: ids.ent, kind: 'company' }), 201).json;
  const li = expectStatus(await mk('school', { name: '李老师', organization_id: ids.school, kind: 'school', email: 'li@example.cn' }), 201).json;
  // a company mentor of a school, a mentor of another organisation, an official: refused
  let p = expectProblem(await mk('ent', { name: '错', organization_id: ids.ent, kind: 'school' }), 422);
  assert.equal(p.errors[0].code, 'mentor.org_kind');
  assert.equal(p.errors[0].field, 'organization_id');
  assert.equal(expectProblem(await mk('other', { name: '越界', organization_id: ids.ent, kind: 'company' }), 422).errors[0].code, 'ref.missing');
  expectProblem(await mk('city', { name: '官员', organization_id: ids.ent, kind: 'company' }), 403);
  // officials read within their region; another enterprise sees nothing of these
  expectStatus(await api.get(`/api/v1/mentors/${wang.id}`, { token: tok.city }), 200);
  expectProblem(await api.get(`/api/v1/mentors/${wang.id}`, { token: tok.other }), 404);
  expectProblem(await api.patch(`/api/v1/mentors/${wang.id}`, { skill_level: 1 }, { token: tok.other }), 404);
  assert.equal(expectStatus(await api.patch(`/api/v1/mentors/${wang.id}`, { skill_level: 1 }, { token: tok.ent }), 200).json.skill_level, 1);

  ok(['mentor', 'link', String(wang.id), 'wang', '--db', db]);
  ok(['mentor', 'link', String(zhang.id), 'zhang', '--db', db]);
  const bad = run(['mentor', 'link', String(li.id), 'wang', '--db', db]);
  assert.notEqual(bad.status, 0, 'a school mentor linked to an enterprise account');
  assert.match(bad.stderr, /not of the organization of mentor/);

  // a contract names its mentors from the register: kind and organisation checked
  const tr = expectStatus(await api.post('/api/v1/trainees', { national_id: natid('210102', '20050301', '431'), name: '赵小军', region: '210102' }, { token: tok.ent }), 201).json;
  const base = { trainee_id: tr.id, enterprise_id: ids.ent, school_id: ids.school, programme_id: ids.programme, stipend_monthly: 2600, start_date: '2026-09-01', end_date: '2028-08-31' };
  p = expectProblem(await api.post('/api/v1/contracts', { ...base, company_mentor_id: li.id, school_mentor_id: li.id }, { token: tok.ent }), 422);
  assert.deepEqual(p.errors.map((e) => [e.field, e.code]), [['company_mentor_id', 'mentor.wrong_kind']]);
  p = expectProblem(await api.post('/api/v1/contracts', { ...base, school_mentor_id: li.id }, { token: tok.ent }), 422);
  assert.deepEqual(p.errors.map((e) => [e.field, e.code]), [['company_mentor', 'mentor.name_or_id']]);
  const c = expectStatus(await api.post('/api/v1/contracts', { ...base, company_mentor_id: wang.id, school_mentor_id: li.id }, { token: tok.ent }), 201).json;
  assert.equal(c.company_mentor, '王师傅');
  assert.equal(c.school_mentor, '李老师');
  for (const step of ['submit']) expectStatus(await api.post(`/api/v1/contracts/${c.id}/${step}`, undefined, { token: tok.ent }), 200);
  for (const party of ['enterprise', 'school', 'trainee']) expectStatus(await api.post(`/api/v1/contracts/${c.id}/approve`, { party }, { token: tok.admin }), 200);
  expectStatus(await api.post(`/api/v1/contracts/${c.id}/activate`, undefined, { token: tok.ent }), 200);

  const entry = async (date, site) => expectStatus(await api.post('/api/v1/record-entries', { contract_id: c.id, date, site, hours: site === 'company' ? 6 : 3, content: `${site} ${date}` }, { token: tok.admin }), 201).json.id;
  const co = [];
  for (const d of ['2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08', '2026-10-09']) co.push(await entry(d, 'company'));
  const sc = [await entry('2026-10-05', 'school'), await entry('2026-10-06', 'school')];

  // what waits for whom, with the trainee's name
  const waiting = async (who) => expectStatus(await api.get('/api/v1/record-entries/waiting?limit=2', { token: tok[who] }), 200).json;
  let w = await waiting('wang');
  assert.equal(w.total, 5);
  assert.equal(w.items.length, 2);
  assert.equal(w.items[0].trainee_name, '赵小军');
  assert.equal(w.items[0].id, co[0]);
  assert.equal((await waiting('zhang')).total, 0, 'zhang is named on no contract');
  assert.equal((await waiting('school')).total >= 2, true);
  expectProblem(await api.get('/api/v1/record-entries/waiting', { token: tok.city }), 403);

  // all or nothing: one refused entry signs nothing, and the refusal names it
  const bulk = (who, list) => api.post('/api/v1/record-entries/signoff', { ids: list }, { token: tok[who] });
  p = expectProblem(await bulk('wang', [co[0], co[1], sc[0]]), 403);
  assert.equal(p.errors[0].code, 'signoff.wrong_site');
  assert.equal(p.errors[0].args.id, String(sc[0]));
  p = expectProblem(await bulk('wang', [co[0], 99999999]), 422);
  assert.equal(p.errors[0].code, 'signoff.missing');
  assert.equal(p.errors[0].args.id, '99999999');
  p = expectProblem(await bulk('wang', [co[0], co[0]]), 422);
  assert.equal(p.errors[0].code, 'signoff.duplicate');
  p = expectProblem(await bulk('zhang', [co[0]]), 403);
  assert.equal(p.errors[0].code, 'signoff.not_named');
  expectProblem(await bulk('wang', []), 422);
  assert.deepEqual(expectProblem(await bulk('other', [co[0]]), 422).errors[0].args, { id: String(co[0]) }, 'out of scope is missing');
  assert.equal((await waiting('wang')).total, 5, 'nothing was signed');

  const auditBefore = expectStatus(await api.get('/api/v1/audit?limit=1', { token: tok.admin }), 200).json.items[0].id;
  const r = expectStatus(await bulk('wang', [co[0], co[1], co[2]]), 200).json;
  assert.equal(r.signed, 3);
  assert.equal(r.signed_by, '王师傅');
  assert.equal(r.delegate, false);
  const e0 = expectStatus(await api.get(`/api/v1/record-entries/${co[0]}`, { token: tok.ent }), 200).json;
  assert.equal(e0.signed_by, '王师傅');
  assert.equal(e0.signed_mentor_id, wang.id);
  assert.equal(e0.signed_delegate, false);
  const events = expectStatus(await api.get('/api/v1/audit?limit=10', { token: tok.admin }), 200).json.items.filter((e) => e.id > auditBefore);
  assert.equal(events.length, 1, 'one audit event for the batch');
  assert.equal(events[0].action, 'record_entry.signoff_batch');
  assert.deepEqual(events[0].after.ids, [co[0], co[1], co[2]]);
  assert.equal(events[0].after.set.signed_by, '王师傅');
  p = expectProblem(await bulk('wang', [co[3], co[2]]), 409);
  assert.equal(p.errors[0].code, 'signoff.already_signed');
  assert.equal(p.errors[0].args.id, String(co[2]));

  // the organisation's shared account signs as a delegate; single sign-off by the named mentor
  const d = expectStatus(await bulk('ent', [co[3]]), 200).json;
  assert.equal(d.delegate, true);
  assert.equal(d.signed_by, 'ent');
  const one = expectStatus(await api.post(`/api/v1/record-entries/${co[4]}/signoff`, undefined, { token: tok.wang }), 200).json;
  assert.equal(one.signed_by, '王师傅');
  assert.equal(one.signed_delegate, false);
  assert.equal((await waiting('wang')).total, 0);

  // the name is derived from the mentor (migration 026), but a rename leaves what was signed
  const byName = async (name) => expectStatus(await api.get(`/api/v1/record-entries?contract_id=${c.id}&signed_by=${encodeURIComponent(name)}`, { token: tok.ent }), 200).json.items.map((e) => e.id);
  assert.deepEqual(await byName('王师傅'), [co[0], co[1], co[2], co[4]]);
  assert.deepEqual(await byName('ent'), [co[3]]);
  assert.equal(expectStatus(await api.patch(`/api/v1/mentors/${wang.id}`, { name: '王大师' }, { token: tok.ent }), 200).json.name, '王大师');
  assert.equal(expectStatus(await api.get(`/api/v1/record-entries/${co[0]}`, { token: tok.ent }), 200).json.signed_by, '王师傅');
  const co5 = await entry('2026-10-12', 'company');
  assert.equal(expectStatus(await bulk('wang', [co5]), 200).json.signed_by, '王大师');
  assert.deepEqual(await byName('王师傅'), [co[0], co[1], co[2], co[4]]);
  assert.deepEqual(await byName('王大师'), [co5]);

  // the load of each mentor, and the audit trail verified record by record
  const load = expectStatus(await api.get('/api/v1/mentors/load', { token: tok.ent }), 200).json.items;
  assert.equal(load.find((m) => m.id === wang.id).trainees, 1);
  assert.equal(load.find((m) => m.id === wang.id).account, 'wang');
  assert.equal(load.find((m) => m.id === zhang.id).trainees, 0);
  assert.ok(!expectStatus(await api.get('/api/v1/mentors/load', { token: tok.other }), 200).json.items.some((m) => m.id === wang.id));
  ok(['audit', 'verify', '--records', '--db', db]);
});
