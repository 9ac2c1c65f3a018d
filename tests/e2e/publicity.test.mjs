// publicity.test.mjs - good-practice cases, news and policy documents over HTTP
// (issue 15): the whole workflow through every role that takes part (a
// school writes, the city recommends or sends back, the province approves
// and publishes, the nation features and withdraws), who may not, scope (out
// of it answers exactly as missing), every version kept, the indicators
// frozen at publish, Chinese search (trigram and the short-query fallback),
// hostile Markdown coming out inert, news and policy documents with files.
// One server on a small generated pilot; both backends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  client, dbPath, expectProblem, expectStatus, ok, okAsync, sqlite, startServer, tmpdir,
} from './helpers.mjs';

let db;
let srv;
let api;
const tok = {};
const ids = {};
const pw = (login) => `pw-${login}-2026!`;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n');

async function addUser(login, role, scope) {
  const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-stdin'];
  if (scope) args.push('--scope', scope);
  await okAsync(args, { input: `${pw(login)}\n` });
}

const as = (login) => ({ token: tok[login] });
const get = (login, p) => api.get(p, as(login));
const post = (login, p, body) => api.post(p, body, as(login));
const patch = (login, p, body) => api.patch(p, body, as(login));
const upload = (login, data, name, type) =>
  api.request('POST', `/api/v1/attachments?name=${encodeURIComponent(name)}`,
    { token: tok[login], raw: data, headers: { 'content-type': type } });

// The answer to @login for @path must be the answer for a missing id (status and body).
async function asMissing(login, path, id, method = 'GET', body) {
  const q = (p) => api.request(method, p, { token: tok[login], body });
  const a = await q(path.replace('{id}', id));
  const b = await q(path.replace('{id}', '999999999'));
  assert.equal(a.status, 404, `${login} ${method} ${path} on ${id}: ${a.text}`);
  const strip = (r, x) => JSON.stringify({ ...r.json, instance: undefined }).replaceAll(String(x), '{id}');
  assert.equal(strip(a, id), strip(b, '999999999'), `${login}: outside the scope reads as missing`);
}

before(async () => {
  const dir = tmpdir('dualtrack-publicity-');
  db = dbPath(dir);
  ok(['init', '--db', db]);
  ok(['gen', '--db', db, '--trainees', '40', '--seed', '5']);
  const org = (kind) => Number(sqlite(db, `SELECT id FROM organization WHERE kind = '${kind}' AND region BETWEEN 210100 AND 210199 ORDER BY id LIMIT 1`));
  ids.school = org('school');
  ids.ent = org('enterprise');
  assert.ok(ids.school && ids.ent, 'the generated pilot has a school and an enterprise in Shenyang');
  ids.trainee = Number(sqlite(db, 'SELECT min(id) FROM trainee'));
  ids.occ = sqlite(db, 'SELECT code FROM occupation ORDER BY id LIMIT 1');
  await addUser('admin', 'admin');
  await addUser('nation', 'national');
  await addUser('prov', 'province', '210000');
  await addUser('prov2', 'province', '220000');
  await addUser('city', 'city', '210100');
  await addUser('city2', 'city', '220100');
  await addUser('school', 'school', `org:${ids.school}`);
  await addUser('ent', 'enterprise', `org:${ids.ent}`);
  await addUser('trainee', 'trainee', `trainee:${ids.trainee}`);
  await addUser('ins', 'inspector', '210100');
  srv = await startServer(db, { threads: 2 });
  api = client(srv.base);
  for (const login of ['admin', 'nation', 'prov', 'prov2', 'city', 'city2', 'school', 'ent', 'trainee', 'ins']) {
    tok[login] = expectStatus(await api.post('/api/v1/session', { login, password: pw(login) }), 200).json.token;
  }
});

after(async () => {
  if (!srv) return;
  const { code } = await srv.stop();
  assert.equal(code, 0, srv.output());
  assert.match(ok(['audit', 'verify', '--db', db]), /^audit chain ok/m);
});

const HOSTILE = [
  '# 校企双制典型经验',
  '<script>alert(1)</script>',
  '[点我](javascript:alert(1)) [数据](data:text/html;base64,PHNjcmlwdD4=) [藏](jav&#x09;ascript:alert(2))',
  '<img src=x onerror=alert(3)> <iframe src="https://evil.example"></iframe>',
  '![外链](https://evil.example/p.png)',
].join('\n\n');

test('a case goes from a school through the city and the province to the nation', async () => {
  // The school uploads a photo and writes a draft; its body's image must be listed.
  expectProblem(await upload('trainee', PNG, 'x', 'image/png'), 403, 'a trainee uploads nothing');
  let r = expectStatus(await upload('school', PNG, '实训车间', 'image/png'), 201);
  const photo = r.json.hash;
  const body = `${HOSTILE}\n\n![实训车间](/api/v1/attachments/${photo})\n\n企业导师带徒，结业考核通过率提高。`;
  let p = expectProblem(await post('school', '/api/v1/cases', { title: '企业导师带徒', summary: '师带徒', body }), 422);
  assert.equal(p.errors[0].code, 'publicity.image_not_linked');
  p = expectProblem(await post('school', '/api/v1/cases', { title: '企业导师带徒', summary: '师带徒', body: 'x', indicators: ['no_such'] }), 422);
  assert.equal(p.errors[0].field, 'indicators[0]');
  p = expectProblem(await post('school', '/api/v1/cases', { summary: '师带徒', body: 'x' }), 422);
  assert.equal(p.errors[0].field, 'title');
  expectProblem(await post('trainee', '/api/v1/cases', { title: 't', summary: 's', body: 'b' }), 403, 'a trainee writes no case');
  r = expectStatus(await post('school', '/api/v1/cases', {
    title: '企业导师带徒：沈阳经验', summary: '师带徒制度化', body, occupations: [ids.occ],
    industry: 'manufacturing', indicators: ['dual_ratio', 'pass_rate'], images: [photo],
  }), 201);
  const id = r.json.id;
  ids.case = id;
  assert.equal(r.json.status, 'draft');
  assert.equal(r.json.version, 1);
  assert.equal(Number(r.json.region), Number(sqlite(db, `SELECT region FROM organization WHERE id = ${ids.school}`)));
  assert.deepEqual(r.json.may.sort(), ['comment', 'edit', 'submit']);
  // Hostile Markdown comes out inert; the store's image stays.
  const html = r.json.html;
  for (const bad of ['<script', 'javascript:', 'data:text', '<img src="x"', '<iframe', 'onerror=', 'evil.example']) {
    assert.ok(!html.toLowerCase().includes(bad) || (bad === 'onerror=' && !html.includes('<img src=x')), `html holds ${bad}: ${html}`);
  }
  assert.ok(!/<(script|iframe)/i.test(html) && !/href="(javascript|data):/i.test(html));
  assert.match(html, new RegExp(`<img src="/api/v1/attachments/${photo}" alt="实训车间" />`));
  assert.match(html, /<h1>校企双制典型经验<\/h1>/);
  const pv = expectStatus(await post('city', '/api/v1/publicity/preview', { body: HOSTILE }), 200);
  assert.ok(!/<script|<iframe|<img|href="javascript/i.test(pv.json.html), pv.json.html);

  // Out of scope it is missing: another city, another organisation, a trainee, an inspector, another province.
  for (const who of ['city2', 'ent', 'trainee', 'ins', 'prov2']) {
    await asMissing(who, '/api/v1/cases/{id}', id);
    await asMissing(who, '/api/v1/cases/{id}/submit', id, 'POST');
  }
  expectStatus(await get('city', `/api/v1/cases/${id}`), 200);
  expectStatus(await get('prov', `/api/v1/cases/${id}`), 200);

  // Wrong steps are refused and change nothing; a send-back needs a comment.
  expectProblem(await post('city', `/api/v1/cases/${id}/recommend`), 409, 'a draft is not recommended');
  r = expectStatus(await post('school', `/api/v1/cases/${id}/submit`), 200);
  assert.equal(r.json.status, 'submitted');
  expectProblem(await post('school', `/api/v1/cases/${id}/recommend`), 403, 'a school recommends nothing');
  expectProblem(await post('prov', `/api/v1/cases/${id}/approve`), 409, 'not yet recommended');
  p = expectProblem(await post('city', `/api/v1/cases/${id}/send-back`), 422);
  assert.equal(p.errors[0].code, 'publicity.comment_required');
  r = expectStatus(await post('city', `/api/v1/cases/${id}/send-back`, { comment: '请补充数据来源' }), 200);
  assert.equal(r.json.status, 'draft');
  assert.equal(r.json.history.at(-1).comment, '请补充数据来源');
  assert.equal(r.json.history.at(-1).step, 'send_back');

  // The school edits: a new version; both are kept.
  r = expectStatus(await patch('school', `/api/v1/cases/${id}`, { summary: '师带徒制度化（补充了数据来源）' }), 200);
  assert.equal(r.json.version, 2);
  r = expectStatus(await get('city', `/api/v1/cases/${id}/versions`), 200);
  assert.deepEqual(r.json.items.map((v) => [v.version, v.summary]), [[1, '师带徒制度化'], [2, '师带徒制度化（补充了数据来源）']]);
  assert.equal(r.json.items[1].author, 'school');

  // Submit, recommend, approve, publish; each by its own role only.
  expectStatus(await post('school', `/api/v1/cases/${id}/submit`), 200);
  expectStatus(await post('city', `/api/v1/comments`.replace('/comments', `/cases/${id}/comments`), { comment: '做法可复制' }), 200);
  expectStatus(await post('city', `/api/v1/cases/${id}/recommend`, { comment: '推荐' }), 200);
  expectProblem(await post('city', `/api/v1/cases/${id}/approve`), 403, 'a city approves nothing');
  expectProblem(await post('nation', `/api/v1/cases/${id}/approve`), 403, 'the nation does not approve');
  expectStatus(await post('prov', `/api/v1/cases/${id}/approve`), 200);
  expectProblem(await patch('school', `/api/v1/cases/${id}`, { title: '改' }), 409, 'no edits under review');
  expectProblem(await post('nation', `/api/v1/cases/${id}/feature`), 409, 'not yet published');
  r = expectStatus(await post('prov', `/api/v1/cases/${id}/publish`), 200);
  assert.equal(r.json.status, 'published');
  assert.ok(r.json.published_at);
  assert.deepEqual(r.json.frozen.indicators.map((x) => x.code), ['dual_ratio', 'pass_rate']);
  const frozen = r.json.frozen;
  expectProblem(await post('prov', `/api/v1/cases/${id}/feature`), 403, 'a province does not feature');
  r = expectStatus(await post('nation', `/api/v1/cases/${id}/feature`), 200);
  assert.equal(r.json.featured, true);
  expectProblem(await post('nation', `/api/v1/cases/${id}/feature`), 409, 'featured once');

  // Published: everyone signed in reads it, with its photo; it leads the list.
  for (const who of ['city2', 'ent', 'trainee', 'ins', 'prov2']) {
    r = expectStatus(await get(who, `/api/v1/cases/${id}`), 200);
    assert.deepEqual(r.json.frozen, frozen);
    assert.deepEqual(r.json.may.filter((m) => m !== 'comment'), who === 'ent' || who === 'city2' || who === 'prov2' ? [] : r.json.may.filter((m) => m !== 'comment'));
  }
  expectStatus(await get('trainee', `/api/v1/attachments/${photo}`), 200);
  r = expectStatus(await get('city2', '/api/v1/cases?limit=5'), 200);
  assert.equal(r.json.items[0].id, id);
  r = expectStatus(await get('city2', `/api/v1/cases?occupation=${ids.occ}&region=210000`), 200);
  assert.deepEqual(r.json.items.map((x) => x.id), [id]);
  r = expectStatus(await get('city2', '/api/v1/cases?region=220000'), 200);
  assert.equal(r.json.total, 0);

  // Search: three characters and more through the index, fewer by the fallback.
  for (const q of ['导师带徒', '带徒', '数据来源', '沈阳经验']) {
    r = expectStatus(await get('trainee', `/api/v1/publicity/search?q=${encodeURIComponent(q)}`), 200);
    assert.ok(r.json.items.some((x) => x.type === 'case' && x.id === id), `search ${q}: ${r.text}`);
  }
  r = expectStatus(await get('trainee', `/api/v1/publicity/search?q=${encodeURIComponent('没有这样的词')}`), 200);
  assert.equal(r.json.items.length, 0);
  r = expectStatus(await get('trainee', `/api/v1/publicity/search?q=${encodeURIComponent('%_')}`), 200);
  assert.equal(r.json.items.length, 0, 'LIKE wildcards are escaped');
  expectProblem(await get('trainee', '/api/v1/publicity/search'), 422);

  // The nation withdraws it: out of sight for those outside its scope again, audited.
  r = expectStatus(await post('nation', `/api/v1/cases/${id}/withdraw`, { comment: '数据待核实' }), 200);
  assert.equal(r.json.status, 'withdrawn');
  assert.equal(r.json.featured, false);
  await asMissing('trainee', '/api/v1/cases/{id}', id);
  r = expectStatus(await get('trainee', `/api/v1/publicity/search?q=${encodeURIComponent('导师带徒')}`), 200);
  assert.ok(!r.json.items.some((x) => x.type === 'case' && x.id === id), 'a withdrawn case is not found');
  const audit = expectStatus(await get('admin', '/api/v1/audit?entity=case&limit=200'), 200).json.items
    .filter((e) => e.entity === 'case' && e.entity_id === String(id)).map((e) => e.action);
  for (const a of ['case.create', 'case.submit', 'case.send_back', 'case.update', 'case.recommend', 'case.approve', 'case.publish', 'case.feature', 'case.withdraw']) {
    assert.ok(audit.includes(a), `audit has ${a}: ${audit}`);
  }
  // The author may take it up again: a draft, version 3.
  r = expectStatus(await patch('school', `/api/v1/cases/${id}`, { title: '企业导师带徒：沈阳经验（修订）' }), 200);
  assert.equal(r.json.status, 'draft');
  assert.equal(r.json.version, 3);
});

test('news, notices and policy documents: officials of the region write and publish', async () => {
  let r = expectStatus(await upload('city', PDF, '补贴办法', 'application/pdf'), 201);
  const pdf = r.json.hash;
  expectProblem(await post('school', '/api/v1/news', { kind: 'news', title: 't', body: 'b' }), 403, 'a school writes no news');
  expectProblem(await post('trainee', '/api/v1/policies', { title: 't', body: 'b' }), 403);
  expectProblem(await post('city', '/api/v1/news', { kind: 'policy', title: 't', body: 'b' }), 422, 'a policy under /news');
  expectProblem(await post('city', '/api/v1/news', { kind: 'news', title: 't', body: 'b', region: '220100' }), 403, 'another city');
  r = expectStatus(await post('city', '/api/v1/policies', {
    title: '沈阳市校企双制培养补贴管理办法', doc_no: '沈人社发〔2026〕9号', summary: '补贴分段拨付', body: '按结业考核结果**分段拨付**。<script>x</script>', attachments: [pdf],
  }), 201);
  const pol = r.json.id;
  assert.equal(r.json.kind, 'policy');
  assert.equal(r.json.status, 'draft');
  assert.equal(r.json.attachments[0].mime, 'application/pdf');
  assert.ok(!r.json.html.includes('<script'));
  r = expectStatus(await post('city', '/api/v1/news', { kind: 'notice', title: '沈阳市第三批试点企业申报通知', body: '请于月底前申报。' }), 201);
  const notice = r.json.id;
  // Drafts are the region's officials' only; under the other prefix an item is missing.
  for (const who of ['city2', 'school', 'trainee', 'prov2']) {
    await asMissing(who, '/api/v1/policies/{id}', pol);
    await asMissing(who, '/api/v1/news/{id}/publish', notice, 'POST');
  }
  expectStatus(await get('prov', `/api/v1/policies/${pol}`), 200);
  await asMissing('city', '/api/v1/news/{id}', pol);
  expectProblem(await post('prov2', `/api/v1/policies/${pol}/publish`), 404);
  // Published: everyone reads them and their files; the list and search find them.
  expectStatus(await post('city', `/api/v1/policies/${pol}/publish`), 200);
  expectProblem(await post('city', `/api/v1/policies/${pol}/publish`), 409);
  expectStatus(await post('prov', `/api/v1/news/${notice}/publish`), 200);
  r = expectStatus(await get('trainee', `/api/v1/policies/${pol}`), 200);
  assert.equal(r.json.doc_no, '沈人社发〔2026〕9号');
  expectStatus(await get('trainee', `/api/v1/attachments/${pdf}`), 200);
  r = expectStatus(await get('school', '/api/v1/news?kind=notice'), 200);
  assert.deepEqual(r.json.items.map((x) => x.id), [notice]);
  r = expectStatus(await get('school', `/api/v1/publicity/search?q=${encodeURIComponent('沈人社发')}`), 200);
  assert.deepEqual(r.json.items.map((x) => [x.type, x.id]), [['policy', pol]]);
  // Withdrawn: out of sight of the public, still the officials'; edited back to a draft.
  expectProblem(await patch('city', `/api/v1/policies/${pol}`, { title: '改' }), 409, 'a published item is withdrawn first');
  expectStatus(await post('city', `/api/v1/policies/${pol}/withdraw`), 200);
  await asMissing('trainee', '/api/v1/policies/{id}', pol);
  r = expectStatus(await patch('city', `/api/v1/policies/${pol}`, { title: '沈阳市校企双制培养补贴管理办法（修订）' }), 200);
  assert.equal(r.json.status, 'draft');
});
