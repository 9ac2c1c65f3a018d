// supervision.test.mjs - end-to-end tests of inspection plans and the
// verifiable draw (双随机) through the CLI and over HTTP.
//
// One database made by `gen --trainees 150 --seed 3`, with officials and
// inspectors of Liaoning (Shenyang 210100, Dalian 210200) and of Jilin.
// plan → commit → draw → reveal → verify runs through the CLI and through
// the API; the seed stays hidden until reveal and hashes to the committed
// seed_hash after it; and the draw is re-computed here from the published
// plan alone by a second implementation in JavaScript written from
// docs/SUPERVISION.md (canonical text, keyed BLAKE2b stream, integer
// weighted sampling, conflict-free pairs): it must give the recorded
// objects and pairs.  Scope: a plan of another province is 404 as a missing
// one, a city plans only for itself, an inspector sees only the inspections
// he is drawn for, and only planners commit, draw or reveal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { blake2b } from './blake2b.mjs';
import {
  client, dbPath, expectProblem, expectStatus, fails, ok, okAsync, PG, run, sqlite, startServer, tmpdir,
} from './helpers.mjs';

let db;
let srv;
let api;
const tok = {};
const acct = {};
const pw = (login) => `pw-${login}-2026!`;

async function addUser(login, role, scope) {
  const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-stdin'];
  if (scope) args.push('--scope', scope);
  const out = await okAsync(args, { input: `${pw(login)}\n` });
  acct[login] = Number(/id (\d+)/.exec(out)[1]);
}

before(async () => {
  const dir = tmpdir('dualtrack-supervision-');
  db = dbPath(dir);
  ok(['init', '--db', db]);
  ok(['gen', '--db', db, '--trainees', '150', '--seed', '3']);
  await addUser('admin', 'admin');
  await addUser('prov', 'province', '210000');
  await addUser('city', 'city', '210100');
  await addUser('jilin', 'province', '220000');
  await addUser('insp-sy', 'inspector', '210100');
  await addUser('insp-dl', 'inspector', '210200');
  await addUser('insp-ln', 'inspector', '210000');
  await addUser('insp-jl', 'inspector', '220000');
  srv = await startServer(db, { threads: 2 });
  api = client(srv.base);
  for (const login of Object.keys(acct)) {
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

// ---- a second implementation of the draw, from docs/SUPERVISION.md ----

const KINDS = ['enterprise', 'school', 'contract', 'pilot_task'];
const TWO64 = 1n << 64n;

function redraw(plan) {
  const cand = plan.candidates.map((c) => ({ ...c, city: Number(c.city) }));
  cand.sort((a, b) => a.city - b.city || KINDS.indexOf(a.object_kind) - KINDS.indexOf(b.object_kind) || a.object_id - b.object_id);
  const insp = plan.inspectors.map((p) => ({ account: p.account, org: p.org_id || 0, city: p.city ? Number(p.city) : 0 }));
  insp.sort((a, b) => a.account - b.account);
  const rate = plan.sample_kind === 'rate';
  const sample = rate ? Math.round(plan.sample_value * 10000) : Math.round(plan.sample_value);
  const opt = (v) => (v ? String(v) : '-');
  let text = `dualtrack-draw 1\nplan ${plan.id}\nsample ${rate ? 'rate' : 'count'} ${sample}\ncross_city ${plan.cross_city ? 1 : 0}\n`;
  for (const c of cand) text += `candidate ${String(c.city).padStart(6, '0')} ${c.object_kind} ${c.object_id} ${opt(c.org_id)} ${opt(c.org2_id)} ${c.weight}\n`;
  for (const p of insp) text += `inspector ${p.account} ${opt(p.org)} ${p.city ? String(p.city).padStart(6, '0') : '-'}\n`;
  const inputsHash = blake2b(Buffer.from(text, 'utf8'), 32);
  // the stream: keyed BLAKE2b-512 blocks, big-endian 64-bit words
  const seed = Buffer.from(plan.seed, 'hex');
  let block = 0n;
  let words = [];
  const word = () => {
    if (!words.length) {
      const ctr = Buffer.alloc(8);
      ctr.writeBigUInt64BE(block++);
      const out = Buffer.from(blake2b(Buffer.concat([Buffer.from('dualtrack-draw 1'), Buffer.from(inputsHash, 'hex'), ctr]), 64, seed), 'hex');
      for (let i = 0; i < 8; i++) words.push(out.readBigUInt64BE(8 * i));
    }
    return words.shift();
  };
  const below = (m) => {
    const M = BigInt(m);
    const rem = TWO64 % M;
    for (;;) {
      const x = word();
      if (x <= TWO64 - 1n - rem) return Number(x % M);
    }
  };
  const picks = [];
  for (let lo = 0; lo < cand.length;) {
    let hi = lo;
    while (hi < cand.length && cand[hi].city === cand[lo].city) hi++;
    const w = cand.slice(lo, hi).map((c) => c.weight);
    const n = hi - lo;
    const k = Math.min(n, rate ? Math.floor((n * sample + 9999) / 10000) : sample);
    let total = w.reduce((a, b) => a + b, 0);
    for (let j = 0; j < k; j++) {
      let r = below(total), i = 0;
      while (r >= w[i]) { r -= w[i]; i++; }
      picks.push({ c: cand[lo + i] });
      total -= w[i];
      w[i] = 0;
    }
    lo = hi;
  }
  for (const p of picks) {
    const c = p.c;
    const elig = insp.filter((q) => !(q.org && (q.org === c.org_id || q.org === c.org2_id)) && !(plan.cross_city && q.city && q.city === c.city));
    p.a = null;
    p.b = null;
    if (elig.length >= 1) {
      const a = below(elig.length);
      p.a = elig[a].account;
      if (elig.length >= 2) {
        let b = below(elig.length - 1);
        if (b >= a) b++;
        p.b = elig[b].account;
      }
    }
  }
  return { inputsHash, picks };
}

function assertRedraw(plan) {
  const { inputsHash, picks } = redraw(plan);
  assert.equal(inputsHash, plan.inputs_hash, 'the published inputs hash as committed');
  assert.equal(blake2b(Buffer.from(plan.seed, 'hex'), 32), plan.seed_hash, 'the revealed seed hashes to the commitment');
  const got = plan.inspections.map((i) => [i.draw_pos, i.object_kind, i.object_id, i.inspector_a, i.inspector_b]);
  const want = picks.map((p, i) => [i + 1, p.c.object_kind, p.c.object_id, p.a, p.b]);
  assert.deepEqual(got, want, 'the JavaScript re-run draws the recorded objects and pairs');
  return picks.length;
}

// ---- the tests ----

test('CLI: plan, commit, draw, reveal, verify', () => {
  const made = JSON.parse(ok(['inspection', 'plan', '--db', db, '--region', '210000', '--year', '2026',
    '--title', '2026年辽宁省专项督查', '--kinds', 'enterprise,contract', '--rate', '0.3', '--cross-city',
    '--inspector', 'insp-sy', '--inspector', 'insp-dl', '--inspector', 'insp-ln', '--format', 'json']));
  assert.equal(made.status, 'draft');
  assert.equal(made.checklist.length, 7);
  assert.ok(made.checklist.every((c) => c.basis && c.text_zh && c.text_en));
  const id = String(made.id);
  fails(['inspection', 'draw', id, '--db', db], 1, /committed|已提交|draft|草稿/);
  // a plan that is not there is named in words, in Chinese by default
  const zh = { env: { LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' } };
  fails(['inspection', 'show', '999999', '--db', db], 1, /没有编号为 999999 的督查计划/, zh);
  fails(['finding', 'show', '999999', '--db', db], 1, /没有编号为 999999 的督查问题/, zh);
  const committed = ok(['inspection', 'commit', id, '--db', db]);
  assert.match(committed, /^seed_hash\s+[0-9a-f]{64}$/m);
  assert.match(committed, /^seed\s+-$/m, 'the seed is not shown before reveal');
  ok(['inspection', 'draw', id, '--db', db]);
  fails(['inspection', 'verify', id, '--db', db], 1, /not yet revealed|尚未公开/);
  ok(['inspection', 'reveal', id, '--db', db]);
  const v = ok(['inspection', 'verify', id, '--db', db]);
  assert.match(v, /the draw verifies/);
  assert.match(ok(['inspection', 'verify', id, '--db', db], zh), new RegExp(`计划 ${id}：抽取结果验证一致：从 \\d+ 个候选对象中抽取 \\d+ 个`));
  const rep = JSON.parse(ok(['inspection', 'verify', id, '--db', db, '--format', 'json']));
  assert.equal(rep.ok, true);
  assert.equal(rep.difference, null);
  const plan = JSON.parse(ok(['inspection', 'show', id, '--db', db, '--format', 'json']));
  assert.equal(plan.status, 'drawn');
  assert.equal(assertRedraw(plan), rep.drawn);
  assert.ok(rep.drawn > 0);
  // cross-city: the Shenyang and Dalian inspectors never in their own city
  for (const i of plan.inspections) {
    if (i.city === '210100') assert.ok(![i.inspector_a, i.inspector_b].includes(acct['insp-sy']));
    if (i.city === '210200') assert.ok(![i.inspector_a, i.inspector_b].includes(acct['insp-dl']));
  }
  assert.match(ok(['inspection', 'list', '--db', db]), /2026年辽宁省专项督查/);
  if (!PG) {
    // a recorded pair changed behind the store's back: verify names it and exits 1
    const first = plan.inspections[0];
    sqlite(db, `UPDATE inspection SET inspector_a = ${first.inspector_b}, inspector_b = ${first.inspector_a} WHERE id = ${first.id}`);
    const r = run(['inspection', 'verify', id, '--db', db]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /does NOT verify: draw_pos 1 /);
    const rz = run(['inspection', 'verify', id, '--db', db], zh);
    assert.equal(rz.status, 1, rz.stdout + rz.stderr);
    assert.match(rz.stdout, /抽取结果验证不一致：第 1 位：记录的督查员为 \d+ \d+，重新抽取的搭配为 \d+ \d+/);
    sqlite(db, `UPDATE inspection SET inspector_a = ${first.inspector_a}, inspector_b = ${first.inspector_b} WHERE id = ${first.id}`);
    ok(['inspection', 'verify', id, '--db', db]);
  }
});

test('API: plan, commit, draw, reveal, verify, and the weights shown per object', async () => {
  const body = {
    region: '210000', year: 2026, title: '2026年辽宁省双随机抽查', object_kinds: ['enterprise', 'school'],
    sample_kind: 'count', sample_value: 2, cross_city: true, weights: { alert: 3 },
    inspectors: [acct['insp-sy'], acct['insp-dl'], acct['insp-ln']],
  };
  const made = expectStatus(await api.post('/api/v1/inspection-plans', body, { token: tok.prov }), 201).json;
  assert.deepEqual(made.weights, { base: 1, alert: 3, quality: 2, finding: 3, max: 20 });
  const id = made.id;
  const step = (a, who = 'prov') => api.post(`/api/v1/inspection-plans/${id}/${a}`, undefined, { token: tok[who] });
  expectProblem(await step('draw'), 409);
  const c = expectStatus(await step('commit'), 200).json;
  assert.match(c.seed_hash, /^[0-9a-f]{64}$/);
  assert.equal(c.seed, null);
  expectProblem(await api.get(`/api/v1/inspection-plans/${id}/verify`, { token: tok.prov }), 409);
  const shown = expectStatus(await api.get(`/api/v1/inspection-plans/${id}`, { token: tok.city }), 200).json;
  assert.equal(shown.seed, null, 'no one reads the seed before the reveal');
  assert.ok(shown.candidates.length > 0);
  for (const k of shown.candidates) {
    const points = k.reasons.reduce((n, r) => n + r.points, 0);
    assert.equal(k.weight, Math.min(20, 1 + points), `weight of ${k.object_kind} ${k.object_id} = 1 + its reasons' points`);
  }
  expectStatus(await step('draw'), 200);
  expectProblem(await step('draw'), 409);
  const r = expectStatus(await step('reveal'), 200).json;
  assert.match(r.seed, /^[0-9a-f]{64}$/);
  const v = expectStatus(await api.get(`/api/v1/inspection-plans/${id}/verify`, { token: tok['insp-sy'] }), 200).json;
  assert.equal(v.ok, true, v.difference);
  const plan = expectStatus(await api.get(`/api/v1/inspection-plans/${id}`, { token: tok.admin }), 200).json;
  assert.equal(assertRedraw(plan), v.drawn);
  // the CLI agrees with the server on the same database
  assert.match(ok(['inspection', 'verify', String(id), '--db', db]), /the draw verifies/);
  // an inspector sees exactly the inspections he is drawn for
  const all = expectStatus(await api.get(`/api/v1/inspections?plan_id=${id}`, { token: tok.admin }), 200).json.items;
  assert.equal(all.length, v.drawn);
  const mine = expectStatus(await api.get(`/api/v1/inspections?plan_id=${id}`, { token: tok['insp-ln'] }), 200).json.items;
  const want = all.filter((i) => [i.inspector_a, i.inspector_b].includes(acct['insp-ln'])).map((i) => i.id);
  assert.deepEqual(mine.map((i) => i.id), want);
  const notMine = all.find((i) => !want.includes(i.id));
  if (notMine) {
    const a = expectProblem(await api.get(`/api/v1/inspections/${notMine.id}`, { token: tok['insp-ln'] }), 404);
    const m = expectProblem(await api.get('/api/v1/inspections/999999999', { token: tok['insp-ln'] }), 404);
    assert.equal(a.detail, m.detail);
  }
  if (want.length) {
    const one = expectStatus(await api.get(`/api/v1/inspections/${want[0]}`, { token: tok['insp-ln'] }), 200).json;
    assert.equal(one.checklist.length, 7);
  }
});

test('scope and roles: out of scope answers as missing; only planners plan', async () => {
  const body = {
    region: '210100', year: 2026, title: '沈阳市专项督查', object_kinds: 'contract',
    sample_kind: 'rate', sample_value: 0.5, inspectors: [acct['insp-sy'], acct['insp-ln']],
  };
  // a city plans for itself, not for its province nor another city
  expectProblem(await api.post('/api/v1/inspection-plans', { ...body, region: '210000' }, { token: tok.city }), 422);
  expectProblem(await api.post('/api/v1/inspection-plans', { ...body, region: '210200' }, { token: tok.city }), 422);
  expectProblem(await api.post('/api/v1/inspection-plans', { ...body, region: '210102' }, { token: tok.prov }), 422);
  expectProblem(await api.post('/api/v1/inspection-plans', body, { token: tok['insp-sy'] }), 403);
  const id = expectStatus(await api.post('/api/v1/inspection-plans', body, { token: tok.city }), 201).json.id;
  // Jilin's officials and inspectors: as if it did not exist
  for (const who of ['jilin', 'insp-jl']) {
    const a = expectProblem(await api.get(`/api/v1/inspection-plans/${id}`, { token: tok[who] }), 404);
    const m = expectProblem(await api.get('/api/v1/inspection-plans/999999999', { token: tok[who] }), 404);
    assert.equal(a.detail, m.detail);
    const list = expectStatus(await api.get('/api/v1/inspection-plans', { token: tok[who] }), 200).json.items;
    assert.ok(!list.some((p) => p.id === id));
  }
  expectProblem(await api.post(`/api/v1/inspection-plans/${id}/commit`, undefined, { token: tok.jilin }), 404);
  expectProblem(await api.post(`/api/v1/inspection-plans/${id}/commit`, undefined, { token: tok['insp-sy'] }), 403);
  expectProblem(await api.post(`/api/v1/inspection-plans/${id}/explode`, undefined, { token: tok.city }), 404);
  // the province above reads and steps it
  expectStatus(await api.get(`/api/v1/inspection-plans/${id}`, { token: tok.prov }), 200);
  expectStatus(await api.post(`/api/v1/inspection-plans/${id}/commit`, undefined, { token: tok.prov }), 200);
  // an inspector in the pool reads it even outside his region
  expectStatus(await api.get(`/api/v1/inspection-plans/${id}`, { token: tok['insp-ln'] }), 200);
  // the routes are in the OpenAPI document with their permissions
  const spec = (await api.get('/api/openapi.json')).json;
  assert.deepEqual(spec.paths['/api/v1/inspection-plans'].post['x-permission'], ['supervise']);
  assert.ok(spec['x-roles'].city.includes('supervise'));
  assert.ok(!spec['x-roles'].inspector.includes('supervise'));
});
