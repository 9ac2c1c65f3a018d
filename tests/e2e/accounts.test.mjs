// accounts.test.mjs - end-to-end tests of account management delegated down
// the tree (/api/v1/accounts), one-time activation codes, the forced
// password change after a reset, one's own password and sessions, and a
// school's bulk trainee accounts with their sheet.
//
// One database (init only): an admin made on the command line; a city
// official of Shenyang and one of Dalian; a school and an enterprise in
// Shenyang, a school in Dalian; trainees registered by the Shenyang school
// and by the Dalian school.  Each actor works through the API as it would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { client, dbPath, expectProblem, expectStatus, natid, ok, okAsync, orgBody, run, startServer, tmpdir, uscc } from './helpers.mjs';

const PW = 'Lantern-Orchard-2026';
let srv;
let api;
let db;
const tok = {};
const org = {};
const trainee = {};
const acct = {};

const signIn = async (login, password) => api.post('/api/v1/session', { login, password });

async function token(login, password) {
  const r = expectStatus(await signIn(login, password), 200, `sign-in ${login}`);
  return r.json.token;
}

// Activate @login with @code and a new password; returns the session's token.
async function activate(login, code, password = PW) {
  const r = expectStatus(await api.post('/api/v1/session/activate', { login, code, new_password: password }), 200, `activate ${login}`);
  assert.equal(r.json.user.must_change_password, false);
  return r.json.token;
}

before(async () => {
  const dir = tmpdir('dualtrack-accounts-');
  db = dbPath(dir);
  ok(['init', '--db', db]);
  await okAsync(['user', 'add', '--db', db, '--login', 'root', '--role', 'admin', '--password-stdin'], { input: `${PW}\n` });
  srv = await startServer(db);
  api = client(srv.base);
  tok.admin = await token('root', PW);
  const mkorg = async (kind, region, name) => {
    const r = await api.post('/api/v1/organizations', { kind, uscc: uscc(region, orgBody()), name, region }, { token: tok.admin });
    return expectStatus(r, 201, `organisation ${name}`).json.id;
  };
  org.school = await mkorg('school', '210102', '沈阳职业技术学院');
  org.firm = await mkorg('enterprise', '210103', '沈阳机床');
  org.dalianSchool = await mkorg('school', '210202', '大连职业技术学院');
  // The admin makes the city officials and the organisations' administrators.
  for (const [login, role, scope, extra] of [
    ['shenyang', 'city', '210100', {}], ['dalian', 'city', '210200', {}],
    ['school', 'school', `org:${org.school}`, { org_admin: true }],
    ['firm', 'enterprise', `org:${org.firm}`, { org_admin: true }],
    ['dschool', 'school', `org:${org.dalianSchool}`, { org_admin: true }],
  ]) {
    const r = expectStatus(await api.post('/api/v1/accounts', { login, role, scope, ...extra }, { token: tok.admin }), 201, `make ${login}`);
    assert.match(r.json.activation_code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    assert.equal(r.json.must_change_password, true);
    acct[login] = r.json.id;
    tok[login] = await activate(login, r.json.activation_code);
  }
  // Trainees registered by each school.
  const mkt = async (who, region, seq, name) => {
    const r = await api.post('/api/v1/trainees', { national_id: natid(region, '20080101', seq), name, gender: Number(seq) % 2 ? 'M' : 'F', birth_date: '2008-01-01', region }, { token: tok[who] });
    return expectStatus(r, 201, `trainee ${name}`).json.id;
  };
  trainee.a = await mkt('school', '210102', '101', '李小红');
  trainee.b = await mkt('school', '210102', '102', '王小明');
  trainee.c = await mkt('school', '210102', '103', '赵小兰');
  trainee.d = await mkt('dschool', '210202', '104', '刘大海');
});

after(async () => {
  if (!srv) return;
  const { code } = await srv.stop();
  assert.equal(code, 0, srv.output());
});

test('the delegation: each lists and reads only the accounts it manages; others answer as missing', async () => {
  const ids = async (who, q = '') => {
    const r = expectStatus(await api.get(`/api/v1/accounts?limit=1000${q}`, { token: tok[who] }), 200, `list as ${who}`);
    return r.json.items.map((a) => a.login).sort();
  };
  const all = await ids('admin');
  for (const l of ['shenyang', 'dalian', 'school', 'firm', 'dschool']) assert.ok(all.includes(l), `admin lists ${l}`);
  assert.ok(!all.includes('root'), 'nobody manages his own account here');
  assert.deepEqual(await ids('shenyang'), ['firm', 'school']);
  assert.deepEqual(await ids('dalian'), ['dschool']);
  assert.deepEqual(await ids('admin', '&role=city'), ['dalian', 'shenyang']);
  assert.deepEqual(await ids('admin', '&q=lian'), ['dalian']);
  // outside the delegation: exactly as a missing account
  const missing = expectProblem(await api.get('/api/v1/accounts/999999', { token: tok.dalian }), 404);
  const outside = expectProblem(await api.get(`/api/v1/accounts/${acct.school}`, { token: tok.dalian }), 404);
  assert.equal(outside.detail, missing.detail);
  expectStatus(await api.get(`/api/v1/accounts/${acct.school}`, { token: tok.shenyang }), 200);
  expectProblem(await api.patch(`/api/v1/accounts/${acct.school}`, { display_name: 'x' }, { token: tok.dalian }), 404);
  expectProblem(await api.post(`/api/v1/accounts/${acct.school}/reset`, undefined, { token: tok.dalian }), 404);
  // a city official cannot reach up or across
  expectProblem(await api.get(`/api/v1/accounts/${acct.dalian}`, { token: tok.shenyang }), 404);
});

test('making accounts: within the delegation only, fields checked with catalogue codes', async () => {
  // Shenyang may make a teacher's account at the Shenyang school, not at Dalian's.
  let r = await api.post('/api/v1/accounts', { login: 'teacher1', role: 'school', scope: `org:${org.school}`, display_name: '张老师', email: 'zhang@example.cn', phone: '13800138000' }, { token: tok.shenyang });
  expectStatus(r, 201);
  assert.equal(r.json.display_name, '张老师');
  assert.equal(r.json.email, 'zhang@example.cn');
  assert.equal(r.json.org_admin, false);
  acct.teacher1 = r.json.id;
  r = await api.post('/api/v1/accounts', { login: 'teacher2', role: 'school', scope: `org:${org.dalianSchool}` }, { token: tok.shenyang });
  let p = expectProblem(r, 403);
  assert.equal(p.errors[0].code, 'account.not_delegated');
  r = await api.post('/api/v1/accounts', { login: 'boss', role: 'admin' }, { token: tok.shenyang });
  expectProblem(r, 403);
  // bad fields, each named
  r = await api.post('/api/v1/accounts', { login: 'Bad Login', role: 'wizard', email: 'not-an-address', phone: '12' }, { token: tok.admin });
  p = expectProblem(r, 422);
  const codes = Object.fromEntries(p.errors.map((e) => [e.field, e.code]));
  assert.deepEqual(codes, { login: 'account.login_format', role: 'enum.value', email: 'email.invalid', phone: 'phone.invalid' });
  r = await api.post('/api/v1/accounts', { login: 'teacher1', role: 'school', scope: `org:${org.school}` }, { token: tok.admin });
  assert.equal(expectProblem(r, 409).errors[0].code, 'account.login_taken');
  // the school's administrator makes its staff, not administrators, not other schools'
  r = await api.post('/api/v1/accounts', { login: 'teacher3', role: 'school', scope: `org:${org.school}` }, { token: tok.school });
  expectStatus(r, 201);
  acct.teacher3 = r.json.id;
  r = await api.post('/api/v1/accounts', { login: 'teacher4', role: 'school', scope: `org:${org.school}`, org_admin: true }, { token: tok.school });
  expectProblem(r, 403);
  r = await api.post('/api/v1/accounts', { login: 'worker1', role: 'enterprise', scope: `org:${org.firm}` }, { token: tok.school });
  expectProblem(r, 403);
  // a teacher (no administrator) makes no staff, but the school's trainees' accounts
  const teacher3 = await activate('teacher3', (await api.post(`/api/v1/accounts/${acct.teacher3}/reset`, undefined, { token: tok.school })).json.activation_code);
  r = await api.post('/api/v1/accounts', { login: 'teacher5', role: 'school', scope: `org:${org.school}` }, { token: teacher3 });
  expectProblem(r, 403);
  r = await api.post('/api/v1/accounts', { login: 'lixiaohong', role: 'trainee', scope: `trainee:${trainee.a}` }, { token: teacher3 });
  expectStatus(r, 201);
  acct.lixiaohong = r.json.id;
  r = await api.post('/api/v1/accounts', { login: 'liudahai', role: 'trainee', scope: `trainee:${trainee.d}` }, { token: teacher3 });
  expectProblem(r, 403);
  // a trainee that does not exist is refused as one outside: no oracle of ids
  const missing = await api.post('/api/v1/accounts', { login: 'nobody', role: 'trainee', scope: 'trainee:999999' }, { token: teacher3 });
  assert.equal(expectProblem(missing, 403).detail, r.json.detail);
  // what is made is audited, without the code
  const ev = expectStatus(await api.get(`/api/v1/audit?entity=account&entity_id=${acct.lixiaohong}`, { token: tok.admin }), 200).json.items;
  assert.ok(ev.some((e) => e.action === 'account.create' && e.actor === 'teacher3'), JSON.stringify(ev));
  assert.ok(!JSON.stringify(ev).includes('activation'), 'no code or hash in the audit log');
});

test("an assessment body's staff (assessor): made by its city and by its administrator, not across; the audit log names them", async () => {
  const body = expectStatus(await api.post('/api/v1/organizations', { kind: 'assessment_body', uscc: uscc('210100', orgBody()), name: '沈阳市职业技能鉴定指导中心', region: '210100' }, { token: tok.admin }), 201).json.id;
  // Dalian's official may not, Shenyang's may; an enterprise is no assessment body
  let r = await api.post('/api/v1/accounts', { login: 'jianding', role: 'assessor', scope: `org:${body}` }, { token: tok.dalian });
  assert.equal(expectProblem(r, 403).errors[0].code, 'account.not_delegated');
  r = await api.post('/api/v1/accounts', { login: 'jianding', role: 'assessor', scope: `org:${org.firm}` }, { token: tok.shenyang });
  assert.equal(expectProblem(r, 403).errors[0].code, 'account.not_delegated');
  r = await api.post('/api/v1/accounts', { login: 'jianding', role: 'assessor', scope: `org:${body}`, display_name: '王鉴定', org_admin: true }, { token: tok.shenyang });
  expectStatus(r, 201);
  assert.equal(r.json.role, 'assessor');
  assert.equal(r.json.scope.organization_id, body);
  const t = await activate('jianding', r.json.activation_code);
  const me = expectStatus(await api.get('/api/v1/session', { token: t }), 200).json;
  assert.deepEqual(me.permissions, ['read', 'assess']);
  // its administrator makes its staff, of its own body only
  r = await api.post('/api/v1/accounts', { login: 'jianding2', role: 'assessor', scope: `org:${body}` }, { token: t });
  const staff = expectStatus(r, 201).json.id;
  r = await api.post('/api/v1/accounts', { login: 'jianding3', role: 'enterprise', scope: `org:${org.firm}` }, { token: t });
  expectProblem(r, 403);
  // the audit log names the person behind the sign-in
  const ev = expectStatus(await api.get(`/api/v1/audit?entity=account&entity_id=${staff}`, { token: tok.admin }), 200).json.items;
  const made = ev.find((e) => e.action === 'account.create');
  assert.ok(made, JSON.stringify(ev));
  assert.equal(made.actor, 'jianding');
  assert.equal(made.actor_name, '王鉴定');
});

test('change, disable and enable: sessions end when disabled; the caller must manage it', async () => {
  const t1 = await activate('teacher1', (await api.post(`/api/v1/accounts/${acct.teacher1}/reset`, undefined, { token: tok.school })).json.activation_code);
  expectStatus(await api.get('/api/v1/session', { token: t1 }), 200);
  let r = await api.patch(`/api/v1/accounts/${acct.teacher1}`, { phone: '024-12345678', email: null, disabled: true }, { token: tok.school });
  expectStatus(r, 200);
  assert.equal(r.json.phone, '024-12345678');
  assert.equal(r.json.email, null);
  assert.equal(r.json.disabled, true);
  expectProblem(await api.get('/api/v1/session', { token: t1 }), 401);
  expectProblem(await signIn('teacher1', PW), 401);
  r = await api.patch(`/api/v1/accounts/${acct.teacher1}`, { disabled: false }, { token: tok.school });
  assert.equal(expectStatus(r, 200).json.disabled, false);
  expectStatus(await signIn('teacher1', PW), 200);
  r = await api.patch(`/api/v1/accounts/${acct.teacher1}`, { email: 'nope', role: 'admin' }, { token: tok.school });
  const p = expectProblem(r, 422);
  assert.deepEqual(p.errors.map((e) => e.field).sort(), ['email', 'role']);
  const ev = expectStatus(await api.get(`/api/v1/audit?entity=account&entity_id=${acct.teacher1}`, { token: tok.admin }), 200).json.items.map((e) => e.action);
  for (const a of ['account.create', 'account.reset', 'account.passwd', 'account.disable', 'account.enable']) assert.ok(ev.includes(a), `${a} in ${ev}`);
});

test('reset: the old password fails, the code signs in to a session that may only set the password', async () => {
  let r = await api.post(`/api/v1/accounts/${acct.teacher1}/reset`, undefined, { token: tok.shenyang });
  const code = expectStatus(r, 200).json.activation_code;
  expectProblem(await signIn('teacher1', PW), 401);
  r = expectStatus(await signIn('teacher1', code.toLowerCase().replaceAll('-', '')), 200);
  assert.equal(r.json.user.must_change_password, true);
  const t = r.json.token;
  expectStatus(await api.get('/api/v1/session', { token: t }), 200);
  const p = expectProblem(await api.get('/api/v1/trainees', { token: t }), 403);
  assert.equal(p.errors[0].code, 'account.must_change_password');
  r = await api.post('/api/v1/session/password', { old_password: code, new_password: 'password' }, { token: t });
  assert.equal(expectProblem(r, 422).errors[0].field, 'new_password');
  r = await api.post('/api/v1/session/password', { old_password: 'wrong-code', new_password: 'Quiet-Harbour-77' }, { token: t });
  expectProblem(r, 403);
  r = await api.post('/api/v1/session/password', { old_password: code, new_password: 'Quiet-Harbour-77' }, { token: t });
  assert.equal(expectStatus(r, 200).json.must_change_password, false);
  expectStatus(await api.get('/api/v1/trainees', { token: t }), 200);
  // the code is spent
  expectProblem(await signIn('teacher1', code), 401);
  expectProblem(await api.post('/api/v1/session/activate', { login: 'teacher1', code, new_password: 'Another-Tide-88' }), 401);
  expectStatus(await signIn('teacher1', 'Quiet-Harbour-77'), 200);
});

test('own password and sessions: old password required, other sessions listed and revoked', async () => {
  const a = await token('teacher1', 'Quiet-Harbour-77');
  const b = await token('teacher1', 'Quiet-Harbour-77');
  let r = expectStatus(await api.get('/api/v1/session/sessions', { token: a }), 200);
  const mine = r.json.items;
  assert.ok(mine.length >= 2);
  assert.equal(mine.filter((s) => s.current).length, 1);
  const other = (await api.get('/api/v1/session/sessions', { token: b })).json.items.find((s) => s.current).id;
  // another's session is missing to me
  const rootSess = (await api.get('/api/v1/session/sessions', { token: tok.admin })).json.items[0].id;
  expectProblem(await api.del(`/api/v1/session/sessions/${rootSess}`, { token: a }), 404);
  expectStatus(await api.get('/api/v1/session', { token: tok.admin }), 200);
  expectStatus(await api.del(`/api/v1/session/sessions/${other}`, { token: a }), 204);
  expectProblem(await api.get('/api/v1/session', { token: b }), 401);
  r = await api.post('/api/v1/session/password', { old_password: 'wrong', new_password: 'Silver-Meadow-41' }, { token: a });
  assert.equal(expectProblem(r, 403).errors[0].code, 'account.old_password');
  r = await api.post('/api/v1/session/password', { old_password: 'Quiet-Harbour-77', new_password: 'Silver-Meadow-41' }, { token: a });
  expectStatus(r, 200);
  expectStatus(await api.get('/api/v1/session', { token: a }), 200, 'the session that changed it stays');
  expectStatus(await signIn('teacher1', 'Silver-Meadow-41'), 200);
});

test("bulk: a school's trainees get accounts with codes and a sheet; all or nothing", async () => {
  // another school's trainee: refused, nothing made
  let r = await api.post('/api/v1/accounts/bulk', { trainee_ids: [trainee.b, trainee.d] }, { token: tok.school });
  let p = expectProblem(r, 422);
  assert.equal(p.errors[0].code, 'account.bulk_trainee');
  assert.equal(p.errors[0].field, 'trainee_ids[1]');
  r = await api.post('/api/v1/accounts/bulk', { trainee_ids: [trainee.a] }, { token: tok.school });
  assert.equal(expectProblem(r, 409).errors[0].code, 'account.trainee_has_account');
  expectProblem(await api.post('/api/v1/accounts/bulk', { all: true }, { token: tok.firm }), 403);
  // every one of its trainees without an account: b and c (a has one)
  r = expectStatus(await api.post('/api/v1/accounts/bulk?lang=en', { all: true }, { token: tok.school }), 201);
  const items = r.json.items;
  assert.deepEqual(items.map((i) => i.trainee_id).sort(), [trainee.b, trainee.c].sort());
  assert.deepEqual(items.map((i) => i.display_name).sort(), ['王小明', '赵小兰'].sort());
  const xlsx = Buffer.from(r.json.xlsx, 'base64');
  assert.equal(xlsx.subarray(0, 2).toString(), 'PK', 'an XLSX (zip) sheet');
  // each activates and signs in
  const b = items.find((i) => i.trainee_id === trainee.b);
  const t = await activate(b.login, b.activation_code, 'Copper-Kettle-93');
  const me = expectStatus(await api.get('/api/v1/session', { token: t }), 200).json;
  assert.equal(me.role, 'trainee');
  assert.equal(me.scope.trainee_id, trainee.b);
  // a trainee manages nobody
  assert.equal(expectProblem(await api.get('/api/v1/accounts', { token: t }), 403).errors[0].code, 'account.not_delegated');
  // the second bulk finds none left
  r = await api.post('/api/v1/accounts/bulk', { all: true }, { token: tok.school });
  expectStatus(r, 201);
  assert.equal(r.json.items.length, 0);
  // the school manages them; Shenyang does not (trainees are their school's)
  expectStatus(await api.get(`/api/v1/accounts/${b.id}`, { token: tok.school }), 200);
  expectProblem(await api.get(`/api/v1/accounts/${b.id}`, { token: tok.shenyang }), 404);
});

test('the command line still makes, lists and disables accounts, and they are managed in the API', async () => {
  const bad = run(['user', 'add', '--db', db, '--login', 'cli-bad', '--role', 'city', '--scope', '210100', '--email', 'nope', '--password-stdin'], { input: `${PW}\n` });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--email: is not a valid e-mail address/);
  await okAsync(['user', 'add', '--db', db, '--login', 'cli-city', '--role', 'city', '--scope', '210100', '--email', 'cli@example.cn', '--phone', '13800138000', '--password-stdin'], { input: `${PW}\n` });
  const list = JSON.parse(await okAsync(['user', 'list', '--db', db, '--format', 'json']));
  assert.ok(list.some((u) => u.login === 'teacher1'));
  const r = expectStatus(await api.get('/api/v1/accounts?q=cli-city', { token: tok.admin }), 200);
  assert.equal(r.json.items.length, 1);
  assert.equal(r.json.items[0].must_change_password, false);
  assert.equal(r.json.items[0].email, 'cli@example.cn');
  assert.equal(r.json.items[0].phone, '13800138000');
  assert.equal((await api.get('/api/v1/accounts?q=cli-bad', { token: tok.admin })).json.items.length, 0, 'nothing made');
  expectStatus(await signIn('cli-city', PW), 200);
});

test("an organisation's administrator makes a mentor's own account, linked to the register", async () => {
  const mk = async (body) => expectStatus(await api.post('/api/v1/mentors', body, { token: tok.admin }), 201).json.id;
  const wang = await mk({ name: '王师傅', organization_id: org.firm, kind: 'company' });
  const li = await mk({ name: '李老师', organization_id: org.school, kind: 'school' });
  const other = await mk({ name: '赵老师', organization_id: org.dalianSchool, kind: 'school' });
  const make = (who, login, role, mentorId) => api.post('/api/v1/accounts', { login, role, scope: `org:${org[who === 'firm' ? 'firm' : 'school']}`, mentor_id: mentorId }, { token: tok[who] });
  // refused: a mentor of another kind, of another organisation, missing (alike), not an id
  for (const [who, role, id] of [['firm', 'enterprise', li], ['school', 'school', other], ['school', 'school', 999999], ['firm', 'enterprise', wang + 0.5]]) {
    const p = expectProblem(await make(who, 'mentor-bad', role, id), 422, `mentor ${id}`);
    assert.deepEqual(p.errors.map((e) => [e.field, e.code]), [['mentor_id', Number.isInteger(id) ? 'mentor.account_org' : 'type.integer']]);
  }
  assert.equal((await api.get('/api/v1/accounts?q=mentor-bad', { token: tok.admin })).json.items.length, 0, 'nothing made');
  // made and linked in one write, audited
  const r = expectStatus(await make('firm', 'wang', 'enterprise', wang), 201).json;
  assert.equal(r.mentor_id, wang);
  expectStatus(await make('school', 'li', 'school', li), 201);
  const load = expectStatus(await api.get('/api/v1/mentors/load', { token: tok.admin }), 200).json.items;
  assert.equal(load.find((m) => m.id === wang).account, 'wang');
  assert.equal(load.find((m) => m.id === li).account, 'li');
  const ev = expectStatus(await api.get(`/api/v1/audit?entity=account&entity_id=${r.id}`, { token: tok.admin }), 200).json.items;
  assert.deepEqual(ev.map((e) => e.action), ['account.mentor', 'account.create']);
  assert.deepEqual(ev[0].after, { mentor_id: wang });
  assert.equal(ev[0].actor, 'firm');
  // the mentor's own account signs in as the mentor: the waiting list is its own
  const t = await activate('wang', r.activation_code, 'Copper-Kettle-94');
  assert.equal(expectStatus(await api.get('/api/v1/record-entries/waiting', { token: t }), 200).json.total, 0);
});
