// api.test.mjs - end-to-end tests of the HTTP API (`dualtrack serve`).
//
// One server for the whole file, over a database made by `gen --trainees 150
// --seed 3` with "today" pinned to 2026-11-26, and one account per role:
// admin, national (no scope), province 210000, city 210100 (Shenyang),
// inspector 210100, the school and an enterprise that train together in
// Shenyang, and a trainee with an active contract there.  The tests run in
// order against that server; the ones that change records create their own
// or use records set aside for them in before().  At the end the server must
// stop with exit 0 on SIGTERM and the audit chain must verify.
//
// Every response passes through helpers.client(), which checks that it has
// an X-Request-Id of 32 hex digits (and that a problem's "instance" is that
// id), and counts the successful list requests for the /metrics test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  client, dbPath, expectProblem, expectStatus, natid, natidValid, ok, okAsync, orgBody, runAsync,
  seen, sleep, sqlite, startServer, tmpdir, TODAY, uscc,
} from './helpers.mjs';

const KINDS = ['regions', 'occupations', 'pilots', 'pilot-tasks', 'organizations', 'programmes',
  'partnerships', 'demands', 'places', 'trainees', 'mentors', 'contracts', 'record-entries', 'assessments',
  'outcomes', 'targets', 'min-wages', 'alerts'];
const MASKED = /^\d{4}\*{10}[\dX]{4}$/;
// what a caller without pii:read sees (docs/API.md, "Personal data")
const MASKED_CITY = /^\d{4}\*{14}$/;
const sortNum = (a) => [...a].sort((x, y) => x - y);

let dir; // temporary directory
let db; // database path
let srv; // the server (helpers.startServer)
let api; // helpers.client(srv.base)
const tok = {}; // bearer tokens by account login
const pw = (login) => `pw-${login}-2026!`;
const ids = {}; // records the tests use, found in before()
const METRICS_TOKEN = 'metrics-0123456789abcdef'; // serve --metrics-token-file

// ---- setup ----

function cliJson(args) {
  return JSON.parse(ok([...args, '--db', db, '--format', 'json']));
}

async function addUser(login, role, scope) {
  const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-stdin'];
  if (scope) args.push('--scope', scope);
  await okAsync(args, { input: `${pw(login)}\n` });
}

async function signIn(login, password = pw(login)) {
  const r = await api.post('/api/v1/session', { login, password });
  expectStatus(r, 200, `sign in as ${login}`);
  return r.json;
}

before(async () => {
  dir = tmpdir('dualtrack-api-');
  db = dbPath(dir);
  ok(['init', '--db', db]);
  ok(['gen', '--db', db, '--trainees', '150', '--seed', '3']);

  // The school of Shenyang, the enterprise training most of its trainees
  // there, and that enterprise's active contracts with it.
  const schools = cliJson(['list', 'organizations', '--filter', 'kind=school', '--filter', 'region=210100']);
  assert.ok(schools.length >= 1, 'gen made no school in Shenyang');
  ids.school = schools[0].id;
  const contracts = cliJson(['list', 'contracts', '--filter', `school_id=${ids.school}`, '--filter', 'region=210100', '--limit', '1000']);
  const byEnt = new Map();
  for (const c of contracts) if (c.status === 'active') byEnt.set(c.enterprise_id, [...(byEnt.get(c.enterprise_id) || []), c]);
  const [ent, active] = [...byEnt.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  assert.ok(active.length >= 3, `enterprise ${ent} has ${active.length} active contracts with school ${ids.school}; 3 are needed`);
  ids.enterprise = ent;
  ids.entRegion = JSON.parse(ok(['show', 'organization', String(ent), '--db', db])).region;
  ids.activeContracts = active.map((c) => c.id).sort((a, b) => a - b);
  ids.traineeContract = active.find((c) => c.id === ids.activeContracts[0]);
  ids.trainee = ids.traineeContract.trainee_id;
  ids.otherTrainee = active.find((c) => c.id === ids.activeContracts[1]).trainee_id;
  const ents = cliJson(['list', 'organizations', '--filter', 'kind=enterprise', '--filter', 'region=210100']);
  ids.otherEnterprise = ents.find((o) => o.id !== ent).id;
  ids.programme = cliJson(['list', 'programmes', '--filter', `school_id=${ids.school}`, '--limit', '1'])[0];
  ids.jilinContract = cliJson(['list', 'contracts', '--filter', 'region=220200', '--limit', '1'])[0];
  ids.dalianContract = cliJson(['list', 'contracts', '--filter', 'region=210200', '--limit', '1'])[0];
  assert.ok(ids.jilinContract && ids.dalianContract && ids.programme);
  assert.notEqual(ids.jilinContract.school_id, ids.school);

  await Promise.all([
    addUser('admin', 'admin'),
    addUser('nat', 'national'),
    addUser('prov', 'province', '210000'),
  ]);
  await Promise.all([
    addUser('city', 'city', '210100'),
    addUser('insp', 'inspector', '210100'),
    addUser('school', 'school', `org:${ids.school}`),
  ]);
  await Promise.all([
    addUser('ent', 'enterprise', `org:${ids.enterprise}`),
    addUser('trn', 'trainee', `trainee:${ids.trainee}`),
    addUser('locked', 'city', '210100'), // for the sign-in throttle only
  ]);

  const tokenFile = path.join(dir, 'metrics.token');
  fs.writeFileSync(tokenFile, `${METRICS_TOKEN}\n`, { mode: 0o600 });
  srv = await startServer(db, { threads: 2, extra: ['--metrics-token-file', tokenFile] });
  api = client(srv.base);
  for (const login of ['admin', 'nat', 'prov', 'city', 'insp', 'school', 'ent', 'trn']) {
    tok[login] = (await signIn(login)).token;
  }
});

after(async () => {
  if (!srv) return;
  const { code, signal } = await srv.stop();
  assert.equal(signal, null, `the server died of ${signal}:\n${srv.output()}`);
  assert.equal(code, 0, `the server exited ${code} on SIGTERM:\n${srv.output()}`);
  assert.match(srv.output(), /server stopped/);
  const out = ok(['audit', 'verify', '--db', db]);
  assert.match(out, /^audit chain ok: \d+ events checked$/m);
});

// GET @p as admin and return the JSON body.
async function adminGet(p) {
  return expectStatus(await api.get(p, { token: tok.admin }), 200).json;
}

// ---- a JSON Schema validator (the subset the document uses) ----

function resolve(root, schema) {
  while (schema && schema.$ref) {
    const m = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref);
    assert.ok(m, `unsupported $ref ${schema.$ref}`);
    const s = root.components.schemas[m[1]];
    assert.ok(s, `$ref to a missing schema ${schema.$ref}`);
    schema = s;
  }
  return schema;
}

function typeOk(t, v) {
  switch (t) {
    case 'null': return v === null;
    case 'boolean': return typeof v === 'boolean';
    case 'integer': return Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'string': return typeof v === 'string';
    case 'array': return Array.isArray(v);
    case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
    default: throw new Error(`unknown schema type ${t}`);
  }
}

// The errors of @v against @schema (an empty array when it validates).
function validate(root, schema, v, at = '$', errs = []) {
  schema = resolve(root, schema);
  if (schema.type !== undefined) {
    const types = [].concat(schema.type);
    if (!types.some((t) => typeOk(t, v))) {
      errs.push(`${at}: expected ${types.join(' or ')}, got ${JSON.stringify(v)}`);
      return errs;
    }
  }
  if (schema.enum && !schema.enum.some((e) => e === v)) errs.push(`${at}: ${JSON.stringify(v)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof v === 'string') {
    if (schema.maxLength !== undefined && [...v].length > schema.maxLength) errs.push(`${at}: longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(v)) errs.push(`${at}: ${v} does not match ${schema.pattern}`);
    if (schema.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) errs.push(`${at}: ${v} is not a date`);
    if (schema.format === 'date-time' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v)) errs.push(`${at}: ${v} is not a date-time`);
  }
  if (typeof v === 'number') {
    if (schema.minimum !== undefined && v < schema.minimum) errs.push(`${at}: ${v} < minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && v > schema.maximum) errs.push(`${at}: ${v} > maximum ${schema.maximum}`);
  }
  if (Array.isArray(v) && schema.items) v.forEach((x, i) => validate(root, schema.items, x, `${at}[${i}]`, errs));
  if (typeOk('object', v)) {
    for (const k of schema.required || []) if (!(k in v)) errs.push(`${at}: missing required ${k}`);
    const props = schema.properties || {};
    for (const [k, x] of Object.entries(v)) {
      if (props[k]) validate(root, props[k], x, `${at}.${k}`, errs);
      else if (schema.additionalProperties === false) errs.push(`${at}: unexpected property ${k}`);
    }
  }
  return errs;
}

function assertValid(root, schema, v, what) {
  const errs = validate(root, schema, v);
  assert.deepEqual(errs, [], `${what} does not validate against the OpenAPI document:\n${errs.slice(0, 10).join('\n')}`);
}

// The route table of src/http/routes.c and the entity plurals of src/domain/entity.c.
function routeTable() {
  const src = fs.readFileSync(new URL('../../src/http/routes.c', import.meta.url), 'utf8');
  const routes = [...src.matchAll(/\{\s*"([A-Z]+)",\s*"([^"]+)",\s*dt_h_\w+/g)].map((m) => ({ method: m[1], pattern: m[2] }));
  assert.ok(routes.length >= 10, 'could not read the route table');
  return routes;
}

function entityPlurals() {
  const src = fs.readFileSync(new URL('../../src/domain/entity.c', import.meta.url), 'utf8');
  return [...src.matchAll(/\{\s*"[a-z_]+",\s*"([a-z-]+)",\s*"[a-z_]+",\s*"[^"]*",\s*"[^"]*",\s*FIELDS\(/g)].map((m) => m[1]);
}

// ---- operations ----

test('GET /healthz answers {"status":"ok"} without signing in; POST is 405', async () => {
  const r = expectStatus(await api.get('/healthz'), 200);
  assert.deepEqual(r.json, { status: 'ok' });
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const p = expectProblem(await api.post('/healthz', {}), 405);
  assert.equal(p.detail, 'this method is not allowed here');
});

test('GET /metrics is Prometheus text with the request counter and a latency histogram', async () => {
  await api.get('/api/v1/regions/210100', { token: tok.admin });
  // the token, and nothing else, opens it
  for (const t of [undefined, tok.admin, 'metrics-0123456789abcdeX', `${METRICS_TOKEN}x`]) {
    const p = expectProblem(await api.get('/metrics', { token: t }), 401);
    assert.match(p.detail, /metrics token/);
  }
  const r = expectStatus(await api.get('/metrics', { token: METRICS_TOKEN }), 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const t = r.text;
  assert.match(t, /^# TYPE dualtrack_http_requests_total counter$/m);
  assert.match(t, /^dualtrack_http_requests_total\{route="\/healthz",status="200"\} [1-9]\d*$/m);
  assert.match(t, /^# TYPE dualtrack_http_request_duration_seconds histogram$/m);
  const route = '/api/v1/{kind}/{id}';
  const esc = route.replace(/[{}/]/g, (c) => `\\${c}`);
  const buckets = [...t.matchAll(new RegExp(`^dualtrack_http_request_duration_seconds_bucket\\{route="${esc}",le="([^"]+)"\\} (\\d+)$`, 'gm'))];
  assert.ok(buckets.length >= 2, 'no histogram buckets for the get route');
  assert.equal(buckets.at(-1)[1], '+Inf');
  for (let i = 1; i < buckets.length; i++) assert.ok(Number(buckets[i][2]) >= Number(buckets[i - 1][2]), 'buckets are cumulative');
  const count = new RegExp(`^dualtrack_http_request_duration_seconds_count\\{route="${esc}"\\} (\\d+)$`, 'm').exec(t);
  assert.ok(count && Number(count[1]) >= 1);
  assert.equal(buckets.at(-1)[2], count[1], '+Inf bucket equals the count');
  assert.match(t, new RegExp(`^dualtrack_http_request_duration_seconds_sum\\{route="${esc}"\\} \\d+\\.\\d+$`, 'm'));
  assert.match(t, /^dualtrack_http_open_connections [1-9]\d*$/m);
  assert.match(t, /^dualtrack_database_bytes\{file="db"\} [1-9]\d*$/m);
  const p = expectProblem(await api.post('/metrics', {}), 405);
  assert.ok(p);
});

test('GET /api/openapi.json describes every route of the route table, each kind expanded', async () => {
  const r = expectStatus(await api.get('/api/openapi.json'), 200);
  const spec = r.json;
  assert.equal(spec.openapi, '3.1.0');
  assert.equal(typeof spec.info.title, 'string');
  const plurals = entityPlurals();
  assert.deepEqual([...plurals].sort(), [...KINDS].sort(), 'the entity table and docs/API.md list the same kinds');

  const want = [];
  const taken = new Set(); // the dispatcher matches in order: an earlier route shadows a {kind} one
  for (const { method, pattern } of routeTable()) {
    const paths = pattern.includes('{kind}') ? plurals.map((k) => pattern.replace('{kind}', k)) : [pattern];
    for (const p of paths) {
      if (taken.has(`${method} ${p}`)) continue;
      taken.add(`${method} ${p}`);
      want.push(`${method} ${p} x-route=${pattern}`);
    }
  }
  const have = [];
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const [m, op] of Object.entries(item)) {
      have.push(`${m.toUpperCase()} ${p} x-route=${op['x-route']}`);
      assert.equal(typeof op.summary, 'string');
      assert.ok(op.responses && op.responses.default, `${m} ${p} has no default (problem) response`);
      for (const param of op.parameters || []) {
        if (param.in === 'path') assert.ok(p.includes(`{${param.name}}`), `${m} ${p}: path parameter ${param.name}`);
      }
    }
  }
  assert.deepEqual(have.sort(), want.sort());
  assert.ok(spec.paths['/api/v1/trainees/{id}'].get);
  assert.deepEqual(spec.security, [{ bearer: [] }, { cookie: [] }]);
  assert.deepEqual(spec.paths['/healthz'].get.security, [], 'public routes need no credentials');
  // every $ref resolves
  const refs = JSON.stringify(spec).match(/"\$ref":"[^"]+"/g) || [];
  for (const ref of new Set(refs)) resolve(spec, { $ref: JSON.parse(`{${ref}}`).$ref });

  expectProblem(await api.request('PUT', '/api/openapi.json'), 405);
});

test('GET /api/v1/schema is the entity table as the OpenAPI document has it; the session names the role\'s permissions', async () => {
  const r = expectStatus(await api.get('/api/v1/schema', { headers: { 'accept-encoding': 'gzip' } }), 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.headers.get('content-encoding'), 'gzip', 'gzip when accepted');
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  const etag = r.headers.get('etag');
  assert.match(etag || '', /^"[0-9a-f]{32}"$/);
  assert.equal((await api.get('/api/v1/schema', { headers: { 'if-none-match': etag } })).status, 304);
  const plain = expectStatus(await api.get('/api/v1/schema', { headers: { 'accept-encoding': 'identity' } }), 200);
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.deepEqual(plain.json, r.json);
  const s = r.json;
  const spec = (await api.get('/api/openapi.json')).json;
  assert.deepEqual(s.permissions, [...new Set(Object.values(spec['x-roles']).flat())].sort((a, b) => s.permissions.indexOf(a) - s.permissions.indexOf(b)),
    'every permission a role holds is named');
  const names = spec['x-entities'].map((e) => e.name);
  assert.deepEqual(Object.keys(s.entities), names, 'the same entities, in the same order');
  const pascal = (n) => n.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  const TYPES = { text: 'string', int: 'integer', real: 'number', date: 'string', time: 'string', bool: 'boolean', enum: 'string', ref: 'integer', region: 'string' };
  for (const e of spec['x-entities']) {
    const got = s.entities[e.name];
    assert.equal(got.plural, e.plural);
    assert.deepEqual(got.write, e.write_permission, `${e.name}: write permission`);
    assert.equal(got.delete, e.delete);
    assert.equal(got.system, e.system);
    const full = spec.components.schemas[pascal(e.name)];
    const create = spec.components.schemas[`${pascal(e.name)}Create`];
    const patchable = spec.components.schemas[`${pascal(e.name)}Patch`];
    assert.deepEqual(got.fields.map((f) => f.name), Object.keys(full.properties), `${e.name}: fields in the table's order`);
    assert.ok(full.title.includes(got.label_zh) && full.title.includes(got.label_en), `${e.name}: labels`);
    for (const f of got.fields) {
      const what = `${e.name}.${f.name}`;
      const o = full.properties[f.name];
      const otype = Array.isArray(o.type) ? o.type[0] : o.type;
      assert.equal(TYPES[f.type], otype, `${what}: type ${f.type} against ${otype}`);
      assert.equal(o.description.startsWith(`${f.label_en} / ${f.label_zh}`), true, `${what}: labels`);
      assert.equal(!!f.system, !(f.name in create.properties), `${what}: system`);
      assert.equal(!!f.required, create.required.includes(f.name), `${what}: required`);
      assert.equal(!!f.immutable, !f.system && !(f.name in patchable.properties), `${what}: immutable`);
      if (f.type === 'text') assert.equal(f.max, o.maxLength, `${what}: max`);
      if (f.type === 'int' || f.type === 'real') assert.deepEqual([f.min, f.max], [o.minimum, o.maximum], `${what}: range`);
      if (f.type === 'enum') assert.deepEqual(f.values, o.enum.filter((v) => v !== null), `${what}: values`);
      assert.equal(f.ref, o['x-ref'], `${what}: ref`);
    }
  }
  // The record book's hours, as the UI builds its field from them.
  const hours = s.entities.record_entry.fields.find((f) => f.name === 'hours');
  assert.deepEqual([hours.type, hours.required, hours.min], ['real', true, 0]);
  assert.equal(s.entities.contract.fields.find((f) => f.name === 'school_id').ref_kind, 'school');

  for (const login of ['admin', 'nat', 'city', 'insp', 'school', 'ent', 'trn']) {
    const me = expectStatus(await api.get('/api/v1/session', { token: tok[login] }), 200).json;
    assert.deepEqual(me.permissions, spec['x-roles'][me.role], `${login}: the session's permissions are the role's`);
  }
  const me = expectStatus(await api.get('/api/v1/session', { token: tok.insp }), 200).json;
  assert.ok(me.permissions.includes('monitor') && !me.permissions.includes('pii:read'));
  expectProblem(await api.request('POST', '/api/v1/schema', { body: {} }), 405);
});

test('responses validate against the schemas of the OpenAPI document', async () => {
  const spec = (await api.get('/api/openapi.json')).json;
  const body = (p, m, status) => spec.paths[p][m].responses[status].content[
    status === 'default' ? 'application/problem+json' : 'application/json'].schema;
  for (const kind of KINDS) {
    if (kind === 'targets') { // GET /api/v1/targets answers the targets in force (monitor.test.mjs)
      const t = await adminGet('/api/v1/targets?year=2026');
      assertValid(spec, body('/api/v1/targets', 'get', '200'), t, 'GET /api/v1/targets');
      const one = await adminGet(`/api/v1/targets/${t.items[0].id}`);
      assertValid(spec, body('/api/v1/targets/{id}', 'get', '200'), one, 'GET /api/v1/targets/{id}');
      continue;
    }
    const list = await adminGet(`/api/v1/${kind}?limit=20${kind === 'regions' ? '&region=210000' : ''}`);
    assert.ok(list.items.length > 0, `no ${kind}`);
    assertValid(spec, body(`/api/v1/${kind}`, 'get', '200'), list, `GET /api/v1/${kind}`);
    const one = await adminGet(`/api/v1/${kind}/${list.items.at(-1).id}`);
    assertValid(spec, body(`/api/v1/${kind}/{id}`, 'get', '200'), one, `GET /api/v1/${kind}/{id}`);
    assert.deepEqual(one, list.items.at(-1));
  }
  // a dissolved contract has every field filled in
  const dissolved = await adminGet('/api/v1/contracts?status=dissolved&limit=5');
  assertValid(spec, body('/api/v1/contracts', 'get', '200'), dissolved, 'dissolved contracts');
  assert.equal(typeof dissolved.items[0].dissolved_in_probation, 'boolean');

  // a create (and its request body against the Create schema)
  const org = { kind: 'enterprise', uscc: uscc('210102', orgBody()), name: '沈阳和平精密制造有限公司', region: '210102', size: 'small' };
  assertValid(spec, spec.paths['/api/v1/organizations'].post.requestBody.content['application/json'].schema, org, 'the request body');
  const c = expectStatus(await api.post('/api/v1/organizations', org, { token: tok.city }), 201);
  assertValid(spec, body('/api/v1/organizations', 'post', '201'), c.json, 'POST /api/v1/organizations');
  // a problem
  const p = await api.post('/api/v1/organizations', { kind: 'school' }, { token: tok.city });
  expectProblem(p, 422);
  assertValid(spec, body('/api/v1/organizations', 'post', 'default'), p.json, 'a 422 problem');
  assert.ok(p.json.errors.length >= 3);
  // the session
  const s = await api.post('/api/v1/session', { login: 'nat', password: pw('nat') });
  expectStatus(s, 200);
  assertValid(spec, body('/api/v1/session', 'post', '200'), s.json, 'POST /api/v1/session');
  expectStatus(await api.del('/api/v1/session', { token: s.json.token }), 204);
});

// ---- signing in ----

test('session: sign in, who am I, sign out; a bearer token is dead at once after sign-out', async () => {
  const r = await api.post('/api/v1/session', { login: 'school', password: pw('school') });
  expectStatus(r, 200);
  assert.match(r.json.token, /^[A-Za-z0-9_-]{32,}$/);
  assert.match(r.json.csrf, /^[A-Za-z0-9_-]{32,}$/);
  assert.notEqual(r.json.token, r.json.csrf);
  assert.equal(r.json.expires_in, 43200);
  const spec = (await api.get('/api/openapi.json')).json;
  // (an organisation's account made on the command line is its administrator; no new password owed)
  assert.deepEqual(r.json.user, { id: r.json.user.id, login: 'school', role: 'school', scope: { organization_id: ids.school }, permissions: spec['x-roles'].school, must_change_password: false, org_admin: true });
  const cookie = r.headers.getSetCookie();
  assert.equal(cookie.length, 1);
  assert.equal(cookie[0], `dt_session=${r.json.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200`);
  assert.equal(r.headers.get('cache-control'), 'no-store');

  const who = expectStatus(await api.get('/api/v1/session', { token: r.json.token }), 200).json;
  assert.equal(who.login, 'school');
  assert.equal(who.role, 'school');
  assert.equal(who.credential, 'session');
  assert.deepEqual(who.scope, { organization_id: ids.school });
  const left = Date.parse(who.expires_at) - Date.now();
  assert.ok(left > 11.9 * 3600e3 && left <= 12 * 3600e3 + 5000, `expires_at ${who.expires_at}`);
  const whoCity = expectStatus(await api.get('/api/v1/session', { token: tok.city }), 200).json;
  assert.deepEqual(whoCity.scope, { region: '210100' });
  const whoTrn = expectStatus(await api.get('/api/v1/session', { token: tok.trn }), 200).json;
  assert.deepEqual(whoTrn.scope, { trainee_id: ids.trainee });

  const out = expectStatus(await api.del('/api/v1/session', { token: r.json.token }), 204);
  assert.equal(out.text, '');
  assert.match(out.headers.getSetCookie()[0], /^dt_session=; .*Max-Age=0/);
  const after1 = expectProblem(await api.get('/api/v1/session', { token: r.json.token }), 401);
  assert.match(after1.detail, /invalid, expired or revoked/);
  expectProblem(await api.get('/api/v1/contracts', { token: r.json.token }), 401);
  expectProblem(await api.del('/api/v1/session', { token: r.json.token }), 401);
  expectProblem(await api.get('/api/v1/session'), 401);
  expectProblem(await api.del('/api/v1/session'), 401);

  // what sign-in requires
  const bad = expectProblem(await api.post('/api/v1/session', { login: '' }), 422);
  assert.deepEqual(bad.errors.map((e) => e.field), ['login', 'password']);
  expectProblem(await api.post('/api/v1/session', { login: 'school', password: 12345678 }), 422);
});

test('sign-in failures: the same 401 for an unknown login and a wrong password; 5 failures lock the login (429)', async () => {
  const unknown = expectProblem(await api.post('/api/v1/session', { login: 'no-such-user', password: 'whatever-123' }), 401);
  const wrong = expectProblem(await api.post('/api/v1/session', { login: 'nat', password: 'not-the-password' }), 401);
  assert.equal(wrong.detail, unknown.detail);
  assert.deepEqual({ ...wrong, instance: null }, { ...unknown, instance: null });
  assert.equal(JSON.stringify({ ...wrong, instance: null }), JSON.stringify({ ...unknown, instance: null }), 'byte-identical apart from the request id');

  for (let i = 1; i <= 5; i++) {
    expectProblem(await api.post('/api/v1/session', { login: 'locked', password: `wrong-password-${i}` }), 401, `failure ${i}`);
  }
  const r = await api.post('/api/v1/session', { login: 'locked', password: pw('locked') });
  const p = expectProblem(r, 429);
  assert.match(p.detail, /too many failed sign-ins/);
  const ra = Number(r.headers.get('retry-after'));
  assert.ok(Number.isInteger(ra) && ra > 0 && ra <= 300, `Retry-After ${r.headers.get('retry-after')}`);
  // other logins from this address are not locked (7 failures of the 20 it may have)
  await signIn('nat');
});

test('authentication: no token, a garbage token, a malformed header are 401 with WWW-Authenticate', async () => {
  for (const headers of [{}, { authorization: 'Bearer garbage-token-garbage-token-garbage' }, { authorization: 'Basic YWRtaW46YWRtaW4=' }, { cookie: 'dt_session=garbage' }]) {
    const r = await api.get('/api/v1/trainees', { headers });
    expectProblem(r, 401, JSON.stringify(headers));
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  }
  const p = expectProblem(await api.post('/api/v1/pilots', { name: 'x' }, { token: 'nope' }), 401);
  assert.match(p.detail, /sign in again/);
});

test('an API token expired in the database is refused: at once when not cached, within the 5 s cache TTL when cached', async () => {
  const mk = async () => {
    const r = await runAsync(['token', 'create', '--db', db, '--login', 'nat', '--expires', '1']);
    assert.equal(r.status, 0, r.stderr);
    const token = r.stdout.trim().split('\n').at(-1);
    const id = Number(/created token (\d+) for 'nat'/.exec(r.stderr)[1]);
    return { token, id };
  };
  const a = await mk();
  const b = await mk();
  const who = expectStatus(await api.get('/api/v1/session', { token: a.token }), 200).json;
  assert.equal(who.credential, 'token');
  const left = Date.parse(who.expires_at) - Date.now();
  assert.ok(left > 23.9 * 3600e3 && left <= 24 * 3600e3 + 5000, `expires_at ${who.expires_at} for --expires 1`);
  expectStatus(await api.get('/api/v1/session', { token: a.token }), 200);

  sqlite(db, `UPDATE credential SET expires_at='2000-01-01T00:00:00.000Z' WHERE id IN (${a.id}, ${b.id})`);
  const edited = Date.now();
  expectProblem(await api.get('/api/v1/session', { token: b.token }), 401, 'a token never used before');
  let status;
  while (Date.now() - edited < 7000) {
    status = (await api.get('/api/v1/session', { token: a.token })).status;
    if (status === 401) break;
    assert.equal(status, 200);
    await sleep(250);
  }
  const took = Date.now() - edited;
  assert.equal(status, 401, 'the cached token still works 7 s after it expired');
  assert.ok(took <= 6000, `the cached token worked for ${took} ms after it expired`);
});

test('cookie sessions: writes need X-CSRF-Token, reads do not; bearer writes need no CSRF', async () => {
  const s = await signIn('city');
  const cookie = `dt_session=${s.token}`;
  const org = () => ({ kind: 'enterprise', uscc: uscc('210103', orgBody()), name: '沈阳沈河测试科技有限公司', region: '210103' });

  const who = expectStatus(await api.get('/api/v1/session', { headers: { cookie } }), 200).json;
  assert.equal(who.login, 'city');
  expectStatus(await api.get('/api/v1/organizations?limit=1', { headers: { cookie } }), 200);

  const o1 = org();
  let p = expectProblem(await api.post('/api/v1/organizations', o1, { headers: { cookie } }), 403);
  assert.match(p.detail, /X-CSRF-Token/);
  p = expectProblem(await api.post('/api/v1/organizations', o1, { headers: { cookie, 'x-csrf-token': tok.city } }), 403);
  assert.match(p.detail, /X-CSRF-Token/);
  assert.deepEqual((await adminGet(`/api/v1/organizations?uscc=${o1.uscc}`)).items, [], 'a refused write leaves nothing');

  const c = expectStatus(await api.post('/api/v1/organizations', o1, { headers: { cookie, 'x-csrf-token': s.csrf } }), 201);
  const loc = `/api/v1/organizations/${c.json.id}`;
  assert.equal(c.headers.get('location'), loc);
  expectProblem(await api.patch(loc, { contact_name: '赵敏' }, { headers: { cookie } }), 403);
  const u = expectStatus(await api.patch(loc, { contact_name: '赵敏' }, { headers: { cookie, 'x-csrf-token': s.csrf } }), 200);
  assert.equal(u.json.contact_name, '赵敏');
  expectProblem(await api.del(loc, { headers: { cookie } }), 403);
  expectStatus(await api.del(loc, { headers: { cookie, 'x-csrf-token': s.csrf } }), 204);

  // a bearer token carries no ambient authority: no CSRF token needed
  const b = expectStatus(await api.post('/api/v1/organizations', org(), { token: s.token }), 201);
  expectStatus(await api.del(`/api/v1/organizations/${b.json.id}`, { token: s.token }), 204);

  // signing out with the cookie is a write too
  expectProblem(await api.del('/api/v1/session', { headers: { cookie } }), 403);
  expectStatus(await api.del('/api/v1/session', { headers: { cookie, 'x-csrf-token': s.csrf } }), 204);
  expectProblem(await api.get('/api/v1/session', { headers: { cookie } }), 401);
});

// ---- roles and scope ----

test('the role table: writes a role may not make are 403 and change nothing', async () => {
  const org = { kind: 'enterprise', uscc: uscc('210102', orgBody()), name: '越权测试企业', region: '210102' };
  const prog = { code: 'E2E-DENIED', name: '越权项目', school_id: ids.school, occupation_id: ids.programme.occupation_id, level: 4, duration_months: 24, company_hours: 1000, school_hours: 800 };
  const cases = [
    ['trn', 'POST', '/api/v1/organizations', org],
    ['insp', 'POST', '/api/v1/organizations', org],
    ['nat', 'POST', '/api/v1/programmes', prog],
    ['ent', 'POST', '/api/v1/programmes', prog],
    ['city', 'POST', '/api/v1/regions', { id: 210197, name_zh: '越权区' }],
    ['school', 'POST', '/api/v1/demands', { enterprise_id: ids.enterprise, occupation_id: 1, level: 4, year: 2030, count: 1 }],
    ['city', 'PATCH', `/api/v1/contracts/${ids.activeContracts[0]}`, { stipend_monthly: 1 }],
    ['insp', 'DELETE', `/api/v1/pilots/1`, undefined],
    ['trn', 'POST', `/api/v1/contracts/${ids.activeContracts[0]}/complete`, {}],
    ['city', 'POST', `/api/v1/contracts/${ids.activeContracts[0]}/approve`, { party: 'school' }],
    ['city', 'POST', '/api/v1/record-entries/1/signoff', undefined],
    ['trn', 'GET', '/api/v1/audit', undefined],
  ];
  for (const [who, method, p, body] of cases) {
    const r = await api.request(method, p, { token: tok[who], body });
    const prob = expectProblem(r, 403, `${who} ${method} ${p}`);
    assert.match(prob.detail, /your role may not/);
  }
  assert.deepEqual((await adminGet(`/api/v1/organizations?uscc=${org.uscc}`)).items, []);
  assert.deepEqual((await adminGet('/api/v1/programmes?code=E2E-DENIED')).items, []);
  assert.equal((await adminGet(`/api/v1/contracts/${ids.activeContracts[0]}`)).status, 'active');
});

// GET @p as @who and expect @status.
async function getAs(who, p, status) {
  const r = await api.get(p, { token: tok[who] });
  if (status === 404) expectProblem(r, 404, `${who} GET ${p}`);
  else expectStatus(r, status, `${who} GET ${p}`);
  return r.json;
}

test('scope: admin and national see every region', async () => {
  const all = (await adminGet('/api/v1/contracts?limit=1000')).items;
  assert.ok(all.length >= 140);
  for (const who of ['admin', 'nat']) {
    await getAs(who, `/api/v1/contracts/${ids.jilinContract.id}`, 200);
    await getAs(who, `/api/v1/contracts/${ids.traineeContract.id}`, 200);
    await getAs(who, '/api/v1/contracts/999999', 404);
    const mine = (await getAs(who, '/api/v1/contracts?limit=1000', 200)).items;
    assert.equal(mine.length, all.length);
  }
});

test('scope: province 210000 sees Liaoning only', async () => {
  await getAs('prov', `/api/v1/contracts/${ids.dalianContract.id}`, 200);
  await getAs('prov', `/api/v1/contracts/${ids.traineeContract.id}`, 200);
  await getAs('prov', `/api/v1/contracts/${ids.jilinContract.id}`, 404);
  await getAs('prov', `/api/v1/organizations/${ids.jilinContract.enterprise_id}`, 404);
  for (const kind of ['contracts', 'organizations', 'trainees', 'pilots']) {
    const items = (await getAs('prov', `/api/v1/${kind}?limit=1000`, 200)).items;
    assert.ok(items.length > 0, kind);
    for (const it of items) assert.ok(it.region.startsWith('21'), `${kind} ${it.id} in ${it.region}`);
  }
  // a province pilot: created in scope, refused out of it
  const pilot = { region: '210400', name: '抚顺市双元培育试点', period_start: '2027-01-01', period_end: '2029-12-31' };
  expectProblem(await api.post('/api/v1/pilots', { ...pilot, region: '220300' }, { token: tok.prov }), 403);
  const c = expectStatus(await api.post('/api/v1/pilots', pilot, { token: tok.prov }), 201).json;
  expectStatus(await api.del(`/api/v1/pilots/${c.id}`, { token: tok.prov }), 204);
});

test('scope: city 210100 sees Shenyang only, in gets and in lists', async () => {
  await getAs('city', `/api/v1/contracts/${ids.traineeContract.id}`, 200);
  await getAs('city', `/api/v1/contracts/${ids.jilinContract.id}`, 404);
  await getAs('city', `/api/v1/contracts/${ids.dalianContract.id}`, 404);
  await getAs('city', `/api/v1/trainees/${ids.jilinContract.trainee_id}`, 404);
  await getAs('city', `/api/v1/organizations/${ids.enterprise}`, 200);
  for (const kind of ['contracts', 'organizations', 'trainees', 'demands', 'record-entries', 'programmes']) {
    const items = (await getAs('city', `/api/v1/${kind}?limit=1000`, 200)).items;
    assert.ok(items.length > 0, kind);
    for (const it of items) assert.ok(it.region.startsWith('2101'), `${kind} ${it.id} in ${it.region}`);
  }
  const mine = (await getAs('city', '/api/v1/contracts?limit=1000', 200)).items.map((c) => c.id).sort((a, b) => a - b);
  const want = (await adminGet('/api/v1/contracts?region=210100&limit=1000')).items.map((c) => c.id).sort((a, b) => a - b);
  assert.deepEqual(mine, want);
  // the filter narrows within the scope, never widens it
  assert.deepEqual((await getAs('city', '/api/v1/contracts?region=220200', 200)).items, []);
  // occupations are national reference data: everyone reads them
  await getAs('city', '/api/v1/occupations/1', 200);
});

test('scope: reads by id in flight together answer each caller as one at a time would', async () => {
  // Many at once reach a worker in one loop turn; on PostgreSQL that turn's reads go to the
  // database together (docs/ARCHITECTURE.md, the server's hot path) and each reply must
  // still be its own: its record, its caller's scope, 404 outside it or when missing.
  const paths = [];
  for (const kind of ['trainees', 'contracts', 'organizations']) {
    for (const it of (await adminGet(`/api/v1/${kind}?limit=25`)).items) paths.push(`/api/v1/${kind}/${it.id}`);
    paths.push(`/api/v1/${kind}/999999999`);
  }
  const cases = [];
  for (const who of ['admin', 'prov', 'city', 'school', 'ent', 'trn']) for (const p of paths) cases.push({ who, p });
  const answer = async ({ who, p }) => {
    const r = await api.get(p, { token: tok[who] });
    const body = r.json ? { ...r.json } : r.text;
    delete body.instance; // the request id
    return `${r.status} ${JSON.stringify(body)}`;
  };
  const want = [];
  for (const c of cases) want.push(await answer(c));
  assert.ok(want.some((a) => a.startsWith('200 ')) && want.some((a) => a.startsWith('404 ')));
  for (let round = 0; round < 2; round++) {
    const got = await Promise.all(cases.map(answer));
    for (let i = 0; i < cases.length; i++) assert.equal(got[i], want[i], `${cases[i].who} GET ${cases[i].p}`);
  }
});

test('scope: inspector 210100 reads Shenyang and its audit log, writes nothing', async () => {
  await getAs('insp', `/api/v1/contracts/${ids.traineeContract.id}`, 200);
  await getAs('insp', `/api/v1/contracts/${ids.jilinContract.id}`, 404);
  const items = (await getAs('insp', '/api/v1/trainees?limit=1000', 200)).items;
  assert.ok(items.length > 0);
  for (const it of items) assert.ok(it.region.startsWith('2101'));
  for (const it of items) assert.match(it.national_id, MASKED_CITY);
  expectProblem(await api.patch(`/api/v1/organizations/${ids.enterprise}`, { contact_name: 'x' }, { token: tok.insp }), 403);
});

test('scope: the school sees its own organisation and partners, contracts and their trainees; another school\'s are 404', async () => {
  await getAs('school', `/api/v1/contracts/${ids.traineeContract.id}`, 200);
  await getAs('school', `/api/v1/contracts/${ids.jilinContract.id}`, 404);
  await getAs('school', `/api/v1/trainees/${ids.jilinContract.trainee_id}`, 404);
  await getAs('school', `/api/v1/organizations/${ids.jilinContract.school_id}`, 404);
  await getAs('school', `/api/v1/organizations/${ids.jilinContract.enterprise_id}`, 404);
  await getAs('school', `/api/v1/organizations/${ids.enterprise}`, 200); // a partner
  const contracts = (await getAs('school', '/api/v1/contracts?limit=1000', 200)).items;
  assert.ok(contracts.length > 0);
  for (const c of contracts) assert.equal(c.school_id, ids.school);
  const all = (await adminGet(`/api/v1/contracts?school_id=${ids.school}&limit=1000`)).items;
  assert.equal(contracts.length, all.length);
  // its organisations: itself, the enterprises it has a partnership or a contract with,
  // and the public bodies (assessment bodies, government departments)
  const partners = (await adminGet(`/api/v1/partnerships?school_id=${ids.school}&limit=1000`)).items;
  const pub = [];
  for (const kind of ['assessment_body', 'government'])
    pub.push(...(await adminGet(`/api/v1/organizations?kind=${kind}&limit=1000`)).items.map((o) => o.id));
  assert.ok(pub.length > 0);
  const want = new Set([ids.school, ...partners.map((p) => p.enterprise_id), ...all.map((c) => c.enterprise_id), ...pub]);
  const orgs = (await getAs('school', '/api/v1/organizations?limit=1000', 200)).items;
  assert.deepEqual(sortNum(orgs.map((o) => o.id)), sortNum(want));
  // its trainees: those of its contracts and those it registered
  const registered = (await adminGet(`/api/v1/trainees?registered_by=${ids.school}&limit=1000`)).items.map((t) => t.id);
  const trainees = (await getAs('school', '/api/v1/trainees?limit=1000', 200)).items.map((t) => t.id).sort((a, b) => a - b);
  assert.deepEqual(trainees, [...new Set([...all.map((c) => c.trainee_id), ...registered])].sort((a, b) => a - b));
  const progs = (await getAs('school', '/api/v1/programmes?limit=1000', 200)).items;
  for (const p of progs) assert.equal(p.school_id, ids.school);
});

test('scope: the enterprise sees its own demand; another enterprise\'s is 404', async () => {
  const own = (await adminGet(`/api/v1/demands?enterprise_id=${ids.enterprise}&limit=1`)).items[0];
  const other = (await adminGet(`/api/v1/demands?enterprise_id=${ids.otherEnterprise}&limit=1`)).items[0];
  assert.ok(own && other);
  await getAs('ent', `/api/v1/demands/${own.id}`, 200);
  await getAs('ent', `/api/v1/demands/${other.id}`, 404);
  await getAs('ent', `/api/v1/organizations/${ids.otherEnterprise}`, 404);
  for (const kind of ['demands', 'places', 'contracts', 'partnerships']) {
    const items = (await getAs('ent', `/api/v1/${kind}?limit=1000`, 200)).items;
    assert.ok(items.length > 0, kind);
    for (const it of items) assert.equal(it.enterprise_id, ids.enterprise, `${kind} ${it.id}`);
  }
  // an update that would leave its scope is undone
  expectProblem(await api.patch(`/api/v1/demands/${other.id}`, { count: 99 }, { token: tok.ent }), 404);
  assert.equal((await adminGet(`/api/v1/demands/${other.id}`)).count, other.count);
});

test('scope: the trainee sees its own record; another trainee is 404', async () => {
  const me = await getAs('trn', `/api/v1/trainees/${ids.trainee}`, 200);
  assert.equal(me.id, ids.trainee);
  await getAs('trn', `/api/v1/trainees/${ids.otherTrainee}`, 404);
  await getAs('trn', `/api/v1/contracts/${ids.activeContracts[1]}`, 404);
  assert.deepEqual((await getAs('trn', '/api/v1/trainees', 200)).items.map((t) => t.id), [ids.trainee]);
  const contracts = (await getAs('trn', '/api/v1/contracts', 200)).items;
  assert.ok(contracts.some((c) => c.id === ids.traineeContract.id));
  for (const c of contracts) assert.equal(c.trainee_id, ids.trainee);
  const entries = (await getAs('trn', '/api/v1/record-entries?limit=1000', 200)).items;
  assert.ok(entries.length > 0);
  const mine = new Set(contracts.map((c) => c.id));
  for (const e of entries) assert.ok(mine.has(e.contract_id));
  // its organisations are the parties to its contracts
  const orgs = (await getAs('trn', '/api/v1/organizations', 200)).items.map((o) => o.id);
  assert.deepEqual(sortNum(orgs), sortNum(new Set(contracts.flatMap((c) => [c.enterprise_id, c.school_id]))));
  await getAs('trn', `/api/v1/organizations/${ids.enterprise}`, 200);
  await getAs('trn', `/api/v1/organizations/${ids.otherEnterprise}`, 404);
  assert.deepEqual((await getAs('trn', '/api/v1/demands', 200)).items, []);
});

test('scope on writes: a city official registers in its city (201), not in another (403, undone)', async () => {
  const there = { kind: 'enterprise', uscc: uscc('220102', orgBody()), name: '长春南关测试有限公司', region: '220102' };
  const p = expectProblem(await api.post('/api/v1/organizations', there, { token: tok.city }), 403);
  assert.match(p.detail, /outside your scope/);
  assert.deepEqual((await adminGet(`/api/v1/organizations?uscc=${there.uscc}`)).items, []);

  const here = { ...there, uscc: uscc('210102', orgBody()), name: '沈阳和平测试有限公司', region: '210102' };
  const c = expectStatus(await api.post('/api/v1/organizations', here, { token: tok.city }), 201).json;
  assert.equal(c.region, '210102');
  await getAs('city', `/api/v1/organizations/${c.id}`, 200);
  // moving it out of the city is refused and undone
  expectProblem(await api.patch(`/api/v1/organizations/${c.id}`, { region: '220102' }, { token: tok.city }), 403);
  assert.equal((await adminGet(`/api/v1/organizations/${c.id}`)).region, '210102');
  expectProblem(await api.post('/api/v1/organizations', { ...here, uscc: uscc('210102', orgBody()) }, { token: tok.trn }), 403);
  expectStatus(await api.del(`/api/v1/organizations/${c.id}`, { token: tok.city }), 204);
});

// ---- audit and personal data ----

test('audit: the inspector sees its region\'s events only, the school may not read it; the chain verifies', async () => {
  const mine = (await getAs('insp', '/api/v1/audit?limit=500', 200));
  assert.ok(mine.items.length > 0);
  for (const ev of mine.items) {
    assert.ok(ev.region !== null && String(ev.region).startsWith('2101'), `event ${ev.id} of region ${ev.region}`);
  }
  for (let i = 1; i < mine.items.length; i++) assert.ok(mine.items[i].id < mine.items[i - 1].id, 'newest first');
  // the admin sees events without a region (sign-ins) that the inspector does not
  const sessions = (await adminGet('/api/v1/audit?action=session.create&limit=5')).items;
  assert.ok(sessions.length > 0);
  assert.equal(sessions[0].region, null);
  assert.deepEqual((await getAs('insp', '/api/v1/audit?action=session.create', 200)).items, []);
  // paging
  const page1 = await adminGet('/api/v1/audit?limit=3');
  assert.equal(page1.items.length, 3);
  const page2 = await adminGet(`/api/v1/audit?limit=3&cursor=${page1.next}`);
  assert.ok(page2.items[0].id < page1.items[2].id);
  // a bad filter
  const bad = expectProblem(await api.get('/api/v1/audit?colour=red', { token: tok.admin }), 422);
  assert.match(bad.detail, /colour/);

  expectProblem(await api.get('/api/v1/audit', { token: tok.school }), 403);
  expectProblem(await api.get('/api/v1/audit/verify', { token: tok.school }), 403);
  const v = expectStatus(await api.get('/api/v1/audit/verify', { token: tok.insp }), 200).json;
  assert.equal(v.ok, true);
  assert.equal(v.error, null);
  assert.ok(v.checked > 1000);
});

test('pii: national IDs are masked; the admin\'s unmasked read is audited first; the city may not unmask', async () => {
  const masked = await getAs('admin', `/api/v1/trainees/${ids.trainee}`, 200);
  assert.match(masked.national_id, MASKED);
  const r = expectStatus(await api.get(`/api/v1/trainees/${ids.trainee}?unmask=1`, { token: tok.admin }), 200);
  const id = r.json.national_id;
  assert.equal(id.length, 18);
  assert.ok(natidValid(id), `${id} is a valid national ID`);
  assert.equal(id.slice(0, 4), masked.national_id.slice(0, 4));
  assert.equal(id.slice(14), masked.national_id.slice(14));
  assert.equal(id.slice(6, 14), r.json.birth_date.replaceAll('-', ''));
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const ev = (await adminGet(`/api/v1/audit?action=trainee.unmask&entity_id=${ids.trainee}`)).items;
  assert.equal(ev.length, 1);
  assert.equal(ev[0].actor, 'admin');
  assert.equal(ev[0].entity, 'trainee');
  assert.equal(ev[0].request_id, r.headers.get('x-request-id'));

  const p = expectProblem(await api.get(`/api/v1/trainees/${ids.trainee}?unmask=1`, { token: tok.city }), 403);
  assert.match(p.detail, /unmask/);
  assert.match((await getAs('city', `/api/v1/trainees/${ids.trainee}`, 200)).national_id, MASKED_CITY);
  assert.match((await getAs('trn', `/api/v1/trainees/${ids.trainee}`, 200)).national_id, MASKED);
  for (const t of (await getAs('admin', '/api/v1/trainees?limit=1000', 200)).items) assert.match(t.national_id, MASKED);
  // the school has pii:read for its own trainees
  assert.equal((await getAs('school', `/api/v1/trainees/${ids.trainee}?unmask=1`, 200)).national_id, id);
  assert.equal((await adminGet(`/api/v1/audit?action=trainee.unmask&entity_id=${ids.trainee}`)).items.length, 2);
  // no unmasking by the failed attempt: still two events
  expectProblem(await api.get(`/api/v1/trainees/${ids.trainee}?unmask=1`, { token: tok.insp }), 403);
  assert.equal((await adminGet(`/api/v1/audit?action=trainee.unmask&entity_id=${ids.trainee}`)).items.length, 2);
});

// ---- errors ----

test('errors: bad JSON 400; an array 422 on "body"; wrong types, missing and unknown fields 422 by field', async () => {
  const opts = { token: tok.ent };
  let p = expectProblem(await api.request('POST', '/api/v1/places', { ...opts, raw: '{"capacity": ' }), 400);
  assert.match(p.detail, /not valid JSON/);
  assert.deepEqual(p.errors.map((e) => [e.field, e.code]), [[null, 'http.body_json']]);
  p = expectProblem(await api.request('POST', '/api/v1/places', { ...opts, raw: '' }), 400);
  p = expectProblem(await api.request('POST', '/api/v1/places', { ...opts, raw: '{"year": 2030, "year": 2031}' }), 400);
  p = expectProblem(await api.request('POST', '/api/v1/places', { ...opts, raw: '[{"capacity": 3}]' }), 422);
  assert.equal(p.errors[0].field, 'body');
  p = expectProblem(await api.request('POST', `/api/v1/contracts/${ids.activeContracts[0]}/dissolve`, { ...opts, raw: '["x"]' }), 422);
  assert.equal(p.errors[0].field, 'body');

  const place = { enterprise_id: ids.enterprise, programme_id: ids.programme.id, year: 2032, capacity: 'ten' };
  p = expectProblem(await api.post('/api/v1/places', place, opts), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['capacity']);
  assert.match(p.errors[0].message, /integer/);
  p = expectProblem(await api.post('/api/v1/places', { ...place, capacity: 0 }, opts), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['capacity']);

  p = expectProblem(await api.post('/api/v1/places', {}, opts), 422);
  assert.deepEqual(p.errors.map((e) => e.field).sort(), ['capacity', 'enterprise_id', 'programme_id', 'year']);
  for (const e of p.errors) assert.equal(e.message, 'is required');

  p = expectProblem(await api.post('/api/v1/places', { ...place, capacity: 3, colour: 'red' }, opts), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['colour']);
  assert.match(p.errors[0].message, /is not a field of/);
  p = expectProblem(await api.patch(`/api/v1/organizations/${ids.enterprise}`, { colour: 'red' }, opts), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['colour']);
  // list parameters
  p = expectProblem(await api.get('/api/v1/trainees?limit=0', opts), 422);
  assert.equal(p.errors[0].field, 'limit');
  p = expectProblem(await api.get('/api/v1/trainees?sort=national_id', opts), 422);
  assert.equal(p.errors[0].field, 'sort');
  p = expectProblem(await api.get('/api/v1/trainees?colour=red', opts), 422);
  assert.equal(p.errors[0].field, 'colour');
});

test('errors: a 2 MiB body is 413 as problem JSON', async () => {
  const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
  let r;
  try {
    r = await api.request('POST', '/api/v1/pilots', { token: tok.admin, raw: big });
  } catch (e) {
    assert.fail(`the client could not read the 413: ${e.cause?.message || e.message}`);
  }
  const p = expectProblem(r, 413);
  assert.match(p.detail, /larger than 1048576 bytes/);
  expectStatus(await api.get('/healthz'), 200, 'the server still answers');
});

test('errors: unknown route 404, wrong method 405 with Allow, unknown kind or id 404', async () => {
  const opts = { token: tok.admin };
  let p = expectProblem(await api.get('/api/v2/trainees', opts), 404);
  assert.equal(p.detail, 'no such route');
  // outside /api/ a GET of nothing is the public portal's 404 page (docs/PORTAL.md)
  const nope = await api.get('/nope');
  assert.equal(nope.status, 404);
  assert.match(nope.headers.get('content-type'), /^text\/html/);
  expectProblem(await api.post('/nope', {}), 404);
  expectProblem(await api.get('/api/v1/trainees/1/extra/more', opts), 404);
  p = expectProblem(await api.get('/api/v1/widgets', opts), 404);
  assert.equal(p.detail, 'no such route');
  expectProblem(await api.post('/api/v1/widgets', {}, opts), 404);
  expectProblem(await api.get('/api/v1/trainees/abc', opts), 404);
  expectProblem(await api.get('/api/v1/trainees/0', opts), 404);
  expectProblem(await api.get('/api/v1/trainees/999999', opts), 404);

  const allow = async (method, p2, want) => {
    const r = await api.request(method, p2, opts);
    expectProblem(r, 405, `${method} ${p2}`);
    assert.equal(r.headers.get('allow'), want, `Allow of ${p2}`);
  };
  await allow('PUT', '/api/v1/trainees/1', 'GET, PATCH, DELETE');
  await allow('DELETE', '/api/v1/trainees', 'GET, POST');
  await allow('PUT', '/api/v1/session', 'POST, GET, DELETE');
  await allow('GET', '/api/v1/contracts/1/submit', 'POST');
  await allow('POST', '/api/v1/audit', 'GET');
  await allow('PATCH', '/api/v1/audit/verify', 'GET');
  await allow('GET', '/api/v1/record-entries/1/signoff', 'POST');
});

// ---- records: every kind ----

// Create, read, list, change and delete one record of @kind as @who.
async function crud(kind, who, create, patch, { check = () => {}, del = 204 } = {}) {
  const opts = { token: tok[who] };
  const c = expectStatus(await api.post(`/api/v1/${kind}`, create, opts), 201, `create ${kind}`);
  const o = c.json;
  const loc = `/api/v1/${kind}/${o.id}`;
  assert.equal(c.headers.get('location'), loc);
  for (const [k, v] of Object.entries(create)) {
    if (k !== 'national_id') assert.deepEqual(o[k], v, `${kind}.${k}`);
  }
  assert.match(o.created_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(typeof o.region === 'string' || o.region === null, true);
  check(o);
  assert.deepEqual(expectStatus(await api.get(loc, opts), 200).json, o);
  const list = expectStatus(await api.get(`/api/v1/${kind}?id=${o.id}`, opts), 200).json;
  assert.deepEqual(list, { items: [o], next: null });
  await sleep(2);
  const u = expectStatus(await api.patch(loc, patch, opts), 200, `patch ${kind}`).json;
  for (const [k, v] of Object.entries(patch)) assert.deepEqual(u[k], v, `patched ${kind}.${k}`);
  assert.equal(u.created_at, o.created_at);
  assert.ok(u.updated_at > o.updated_at, 'updated_at moves');
  // main failures: an unknown id, an unknown field in a patch
  expectProblem(await api.get(`/api/v1/${kind}/987654`, opts), 404);
  expectProblem(await api.patch(`/api/v1/${kind}/987654`, patch, opts), 404);
  const p = expectProblem(await api.patch(loc, { no_such_field: 1 }, opts), 422);
  assert.equal(p.errors[0].field, 'no_such_field');
  if (del === 204) {
    expectStatus(await api.del(loc, opts), 204, `delete ${kind}`);
    expectProblem(await api.get(loc, opts), 404);
    expectProblem(await api.del(loc, opts), 404);
  } else {
    expectProblem(await api.del(loc, opts), del);
    expectStatus(await api.get(loc, opts), 200);
  }
  return o;
}

test('regions: list with paging, get, create and patch by the admin; delete is refused', async () => {
  const page1 = expectStatus(await api.get('/api/v1/regions?parent=210100&sort=id&limit=5', { token: tok.city }), 200).json;
  assert.equal(page1.items.length, 5);
  for (const r of page1.items) assert.equal(r.parent, 210100);
  assert.deepEqual(page1.items.map((r) => r.id), sortNum(page1.items.map((r) => r.id)));
  const page2 = expectStatus(await api.get(`/api/v1/regions?parent=210100&sort=id&limit=5&cursor=${encodeURIComponent(page1.next)}`, { token: tok.city }), 200).json;
  assert.ok(page2.items.length > 0);
  assert.ok(page2.items[0].id > page1.items[4].id);
  // region=CODE means within, for regions as for everything else
  const within = (await adminGet('/api/v1/regions?region=210100&limit=1000')).items.map((r) => r.id);
  assert.ok(within.includes(210100) && within.length > 1);
  for (const id of within) assert.ok(id >= 210100 && id <= 210199, String(id));
  const q = (await adminGet(`/api/v1/regions?q=${encodeURIComponent('沈阳')}`)).items;
  assert.ok(q.some((r) => r.id === 210100));
  const desc = (await adminGet('/api/v1/regions?level=1&sort=-id&limit=3')).items.map((r) => r.id);
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a));
  await crud('regions', 'admin', { id: 210198, name_zh: '测试新区', name_en: 'Test New District' }, { name_en: 'Test District', latitude: 41.8 }, {
    check: (o) => { assert.equal(o.level, 3); assert.equal(o.parent, 210100); assert.equal(o.region, '210198'); },
    del: 409,
  });
  expectProblem(await api.post('/api/v1/regions', { id: 210198, name_zh: '重复' }, { token: tok.admin }), 409);
  expectProblem(await api.post('/api/v1/regions', { id: 99, name_zh: '坏' }, { token: tok.admin }), 422);
});

test('occupations: CRUD by the admin; read by everyone', async () => {
  await crud('occupations', 'admin', { code: '6-99-99-01', name_zh: '测试工', levels: '5 4 3' }, { name_en: 'Tester', industry: 'testing' }, {
    check: (o) => assert.equal(o.region, null),
  });
  const p = expectProblem(await api.post('/api/v1/occupations', { code: '9-99-99-01', name_zh: 'x', levels: '5 5' }, { token: tok.admin }), 422);
  assert.deepEqual(p.errors.map((e) => e.field).sort(), ['code', 'levels']);
  expectStatus(await api.get('/api/v1/occupations?code=4-02-05-01', { token: tok.trn }), 200);
});

test('pilots: CRUD by the province; a county is no pilot region; one pilot per region', async () => {
  await crud('pilots', 'prov', { region: '210500', name: '本溪市双元培育试点', period_start: '2027-01-01', period_end: '2029-12-31' },
    { goals: '三年内覆盖2所院校、5家企业', period_end: '2030-06-30' });
  let p = expectProblem(await api.post('/api/v1/pilots', { region: '210102', name: 'x', period_start: '2027-01-01', period_end: '2028-01-01' }, { token: tok.prov }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['region']);
  p = expectProblem(await api.post('/api/v1/pilots', { region: '210600', name: 'x', period_start: '2027-01-01', period_end: '2026-01-01' }, { token: tok.prov }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['period_end']);
  expectProblem(await api.post('/api/v1/pilots', { region: '210100', name: 'x', period_start: '2027-01-01', period_end: '2028-01-01' }, { token: tok.prov }), 409);
});

test('organizations: CRUD by the city; a bad USCC is 422; a referenced organisation cannot be deleted', async () => {
  const code = uscc('210104', orgBody());
  await crud('organizations', 'city', { kind: 'enterprise', uscc: code, name: '沈阳大东测试装备有限公司', region: '210104', size: 'medium' },
    { contact_name: '孙立', contact_phone: '024-12345678', size: 'large' });
  const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
  const p = expectProblem(await api.post('/api/v1/organizations', { kind: 'enterprise', uscc: wrong, name: 'x', region: '210104' }, { token: tok.city }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['uscc']);
  expectProblem(await api.post('/api/v1/organizations', { kind: 'school', uscc: (await adminGet(`/api/v1/organizations/${ids.school}`)).uscc, name: 'x', region: '210104' }, { token: tok.city }), 409);
  expectProblem(await api.del(`/api/v1/organizations/${ids.school}`, { token: tok.admin }), 409);
  // the school and the enterprise change their own organisation
  expectStatus(await api.patch(`/api/v1/organizations/${ids.school}`, { contact_phone: '024-88886666' }, { token: tok.school }), 200);
  expectProblem(await api.patch(`/api/v1/organizations/${ids.otherEnterprise}`, { contact_phone: '1' }, { token: tok.ent }), 404);
});

test('programmes: CRUD by the school; another school is no school to it (422)', async () => {
  const occ = ids.programme.occupation_id;
  await crud('programmes', 'school', { code: 'E2E-PROG-1', name: '数控技术双元班', school_id: ids.school, occupation_id: occ, level: 4, duration_months: 36, company_hours: 1600, school_hours: 1200 },
    { name: '数控技术双元班（2027级）', company_hours: 1700 });
  // a school outside the caller's scope is, to the caller, no school at all
  let q = expectProblem(await api.post('/api/v1/programmes', { code: 'E2E-PROG-2', name: 'x', school_id: ids.jilinContract.school_id, occupation_id: occ, level: 4, duration_months: 36, company_hours: 1, school_hours: 1 }, { token: tok.school }), 422);
  assert.deepEqual(q.errors.map((e) => e.field), ['school_id']);
  const p = expectProblem(await api.post('/api/v1/programmes', { code: 'E2E-PROG-3', name: 'x', school_id: ids.school, occupation_id: occ, level: 6, duration_months: 99, company_hours: 1, school_hours: 1 }, { token: tok.school }), 422);
  assert.deepEqual(p.errors.map((e) => e.field).sort(), ['duration_months', 'level']);
});

test('partnerships: CRUD by the enterprise; end before start is 422', async () => {
  await crud('partnerships', 'ent', { enterprise_id: ids.enterprise, school_id: ids.school, places_per_year: 12, start_date: '2027-09-01' },
    { places_per_year: 15, end_date: '2030-08-31' });
  const p = expectProblem(await api.post('/api/v1/partnerships', { enterprise_id: ids.enterprise, school_id: ids.school, places_per_year: 1, start_date: '2027-09-01', end_date: '2027-01-01' }, { token: tok.ent }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['end_date']);
});

test('demands: CRUD by the enterprise; a level the occupation lacks is 422', async () => {
  const occs = (await adminGet('/api/v1/occupations?limit=1000')).items;
  const occ = occs.find((o) => !o.levels.includes('1'));
  assert.ok(occ, 'an occupation without level 1');
  await crud('demands', 'ent', { enterprise_id: ids.enterprise, occupation_id: occ.id, level: 4, year: 2031, count: 6 }, { count: 8 });
  const p = expectProblem(await api.post('/api/v1/demands', { enterprise_id: ids.enterprise, occupation_id: occ.id, level: 1, year: 2031, count: 6 }, { token: tok.ent }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['level']);
  const q = expectProblem(await api.post('/api/v1/demands', { enterprise_id: ids.otherEnterprise, occupation_id: occ.id, level: 4, year: 2031, count: 6 }, { token: tok.ent }), 422);
  assert.deepEqual(q.errors.map((e) => e.field), ['enterprise_id']);
});

test('places: CRUD by the enterprise', async () => {
  await crud('places', 'ent', { enterprise_id: ids.enterprise, programme_id: ids.programme.id, year: 2031, capacity: 4 }, { capacity: 6 });
  const p = expectProblem(await api.post('/api/v1/places', { enterprise_id: ids.enterprise, programme_id: 999999, year: 2031, capacity: 4 }, { token: tok.ent }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['programme_id']);
});

test('trainees: CRUD by the admin; identity rules are 422, a second registration 409', async () => {
  const id = natid('210102', '20030415', '231');
  const t = await crud('trainees', 'admin', { national_id: id, name: '陈思远', region: '210102', phone: '13900001111' }, { phone: '13900002222', email: 'sy.chen@example.cn' }, {
    check: (o) => {
      assert.match(o.national_id, MASKED);
      assert.equal(o.national_id, `${id.slice(0, 4)}**********${id.slice(14)}`);
      assert.equal(o.birth_date, '2003-04-15');
      assert.equal(o.gender, 'M');
    },
  });
  assert.ok(t);
  const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
  let p = expectProblem(await api.post('/api/v1/trainees', { national_id: wrong, name: 'x', region: '210102' }, { token: tok.admin }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['national_id']);
  p = expectProblem(await api.post('/api/v1/trainees', { national_id: natid('210102', '20150101', '232'), name: 'x', region: '210102' }, { token: tok.admin }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['national_id']);
  assert.equal(p.errors[0].code, 'trainee.too_young');
  p = expectProblem(await api.post('/api/v1/trainees', { national_id: natid('210102', '20090101', '233'), name: 'x', region: '210102' }, { token: tok.admin }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['guardian_name']);
  const unmasked = expectStatus(await api.get(`/api/v1/trainees/${ids.trainee}?unmask=1`, { token: tok.admin }), 200).json.national_id;
  expectProblem(await api.post('/api/v1/trainees', { national_id: unmasked, name: 'x', region: '210102' }, { token: tok.admin }), 409);
  p = expectProblem(await api.patch(`/api/v1/trainees/${ids.trainee}`, { birth_date: '2000-01-01' }, { token: tok.admin }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['birth_date']);
});

test('trainees: the school registers a trainee and sees it; the enterprise sees it with the contract', async () => {
  const t = expectStatus(await api.post('/api/v1/trainees', { national_id: natid('210104', '20061103', '458'), name: '吴雨桐', region: '210104', guardian_name: '吴建华' }, { token: tok.school }), 201).json;
  assert.match(t.national_id, MASKED);
  assert.equal(t.registered_by, ids.school);
  await getAs('school', `/api/v1/trainees/${t.id}`, 200); // registered by it
  await getAs('ent', `/api/v1/trainees/${t.id}`, 404); // no contract yet
  const c = expectStatus(await api.post('/api/v1/contracts', {
    trainee_id: t.id, enterprise_id: ids.enterprise, school_id: ids.school, programme_id: ids.programme.id,
    company_mentor: '赵刚', school_mentor: '钱丽', stipend_monthly: 2400, start_date: '2027-03-01', end_date: '2029-02-28',
  }, { token: tok.school }), 201).json;
  assert.equal((await getAs('school', `/api/v1/trainees/${t.id}`, 200)).name, '吴雨桐');
  await getAs('ent', `/api/v1/trainees/${t.id}`, 200);
  // updates stay checked against the scope, which now holds the trainee
  expectStatus(await api.patch(`/api/v1/trainees/${t.id}`, { phone: '13700001234' }, { token: tok.school }), 200);
  expectStatus(await api.del(`/api/v1/contracts/${c.id}`, { token: tok.ent }), 204);
  await getAs('ent', `/api/v1/trainees/${t.id}`, 404);
  await getAs('school', `/api/v1/trainees/${t.id}`, 200);
  expectStatus(await api.del(`/api/v1/trainees/${t.id}`, { token: tok.school }), 204);
  expectProblem(await api.del(`/api/v1/trainees/${t.id}`, { token: tok.admin }), 404);
  // the enterprise cannot pull another's trainee into a contract: to it there is no such trainee
  const other = (await adminGet(`/api/v1/trainees/${ids.jilinContract.trainee_id}`));
  const q = expectProblem(await api.post('/api/v1/contracts', {
    trainee_id: other.id, enterprise_id: ids.enterprise, school_id: ids.school, programme_id: ids.programme.id,
    company_mentor: '赵刚', school_mentor: '钱丽', stipend_monthly: 2400, start_date: '2027-03-01', end_date: '2029-02-28',
  }, { token: tok.ent }), 422);
  assert.deepEqual(q.errors.map((e) => e.field), ['trainee_id']);
  // a city official may not register trainees at all
  expectProblem(await api.post('/api/v1/trainees', { national_id: natid('210104', '20061103', '460'), name: 'x', region: '210104' }, { token: tok.city }), 403);
});

test('contracts: CRUD by the enterprise; an open contract blocks another; an active one cannot be deleted', async () => {
  const nid = natid('210103', '20040720', '342');
  const tr = expectStatus(await api.post('/api/v1/trainees', { national_id: nid, name: '刘佳怡', region: '210103' }, { token: tok.ent }), 201).json;
  const body = {
    trainee_id: tr.id, enterprise_id: ids.enterprise, school_id: ids.school, programme_id: ids.programme.id,
    company_mentor: '王建国', school_mentor: '李静', stipend_monthly: 2600, start_date: '2027-03-01', end_date: '2030-02-28',
  };
  await crud('contracts', 'ent', body, { stipend_monthly: 2800, company_mentor: '王建军' }, {
    check: (o) => {
      assert.equal(o.status, 'draft');
      assert.equal(o.region, ids.entRegion);
      assert.equal(o.probation_months, 3);
      assert.equal(o.planned_company_hours, ids.programme.company_hours);
      assert.equal(o.planned_school_hours, ids.programme.school_hours);
    },
  });
  let p = expectProblem(await api.post('/api/v1/contracts', { ...body, trainee_id: ids.trainee }, { token: tok.ent }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['trainee_id']);
  const foreign = (await adminGet(`/api/v1/programmes?school_id=${ids.jilinContract.school_id}&limit=1`)).items[0];
  p = expectProblem(await api.post('/api/v1/contracts', { ...body, programme_id: foreign.id, end_date: '2026-01-01' }, { token: tok.ent }), 422);
  // the programme of a school outside its scope is no programme to it (rules across fields wait for valid fields)
  assert.deepEqual(p.errors.map((e) => e.field).sort(), ['programme_id']);
  p = expectProblem(await api.del(`/api/v1/contracts/${ids.activeContracts[0]}`, { token: tok.ent }), 409);
  expectStatus(await api.get(`/api/v1/contracts/${ids.activeContracts[0]}`, { token: tok.ent }), 200);
  expectProblem(await api.patch(`/api/v1/contracts/${ids.activeContracts[0]}`, { stipend_monthly: 1 }, { token: tok.ent }), 409);
  expectStatus(await api.del(`/api/v1/trainees/${tr.id}`, { token: tok.admin }), 204);
});

test('record-entries: CRUD by the trainee on its own active contract; a future date is 422', async () => {
  const cid = ids.traineeContract.id;
  await crud('record-entries', 'trn', { contract_id: cid, date: '2026-11-24', site: 'school', hours: 4, content: '机械制图理论课' },
    { hours: 3.5, content: '机械制图理论课与习题' }, { check: (o) => { assert.equal(o.signed_by, null); assert.equal(o.signed_at, null); } });
  let p = expectProblem(await api.post('/api/v1/record-entries', { contract_id: cid, date: '2026-11-27', site: 'company', hours: 8, content: 'x' }, { token: tok.trn }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['date']);
  p = expectProblem(await api.post('/api/v1/record-entries', { contract_id: cid, date: '2026-11-24', site: 'home', hours: 25, content: 'x' }, { token: tok.trn }), 422);
  assert.deepEqual(p.errors.map((e) => e.field).sort(), ['hours', 'site']);
  // another trainee's contract
  p = expectProblem(await api.post('/api/v1/record-entries', { contract_id: ids.activeContracts[1], date: '2026-11-24', site: 'school', hours: 4, content: 'x' }, { token: tok.trn }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['contract_id']);
});

test('assessments: CRUD by the school; a skill-level assessment needs a level', async () => {
  const cid = ids.traineeContract.id;
  await crud('assessments', 'school', { contract_id: cid, kind: 'intermediate', date: '2026-11-10', result: 'pass', score: 81.5 },
    { score: 84, certificate_no: 'E2E-2026-001' }, { check: (o) => assert.ok(o.attempt >= 1) });
  const p = expectProblem(await api.post('/api/v1/assessments', { contract_id: cid, kind: 'skill_level', date: '2026-11-10', result: 'pass' }, { token: tok.school }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['level']);
});

test('outcomes: CRUD by the enterprise on an ended contract; an active contract has no outcome', async () => {
  // end one of the enterprise's active contracts for it
  const cid = ids.activeContracts[3] ?? ids.activeContracts[1];
  const c = (await adminGet(`/api/v1/contracts/${cid}`));
  if (c.status === 'active') {
    expectStatus(await api.post(`/api/v1/contracts/${cid}/dissolve`, { date: '2026-11-21', reason: '学员家庭搬迁' }, { token: tok.ent }), 200);
  }
  await crud('outcomes', 'ent', { contract_id: cid, kind: 'employed_elsewhere', date: '2026-11-25', wage_monthly: 4800 }, { wage_monthly: 5000 });
  const p = expectProblem(await api.post('/api/v1/outcomes', { contract_id: ids.traineeContract.id, kind: 'further_study', date: '2026-11-25' }, { token: tok.ent }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['contract_id']);
});

// ---- the contract life cycle ----

test('contract life cycle: submit, withdraw, three approvals by the three parties, activate, record book, complete, outcome', async () => {
  const tr = expectStatus(await api.post('/api/v1/trainees', { national_id: natid('210102', '20050612', '217'), name: '周晓明', region: '210102', phone: '13800138000' }, { token: tok.ent }), 201).json;
  const c0 = expectStatus(await api.post('/api/v1/contracts', {
    trainee_id: tr.id, enterprise_id: ids.enterprise, school_id: ids.school, programme_id: ids.programme.id,
    company_mentor: '王师傅', school_mentor: '李老师', stipend_monthly: 2500, start_date: '2026-09-01', end_date: '2029-08-31',
  }, { token: tok.ent }), 201).json;
  assert.equal(c0.status, 'draft');
  await addUser('trn2', 'trainee', `trainee:${tr.id}`);
  tok.trn2 = (await signIn('trn2')).token;
  const act = (who, action, body) => api.post(`/api/v1/contracts/${c0.id}/${action}`, body, { token: tok[who] });

  let p = expectProblem(await act('ent', 'approve'), 409);
  assert.equal(p.errors[0].code, 'contract.submit_first');
  let c = expectStatus(await act('ent', 'submit'), 200).json;
  assert.equal(c.status, 'pending');
  assert.ok(c.submitted_at);
  c = expectStatus(await act('school', 'withdraw'), 200).json;
  assert.equal(c.status, 'draft');
  assert.equal(c.submitted_at, null);
  expectProblem(await act('trn2', 'submit'), 403);
  c = expectStatus(await act('ent', 'submit'), 200).json;
  assert.equal(c.status, 'pending');

  expectProblem(await act('city', 'approve'), 403);
  p = expectProblem(await act('admin', 'approve', {}), 422);
  assert.equal(p.errors[0].field, 'party');
  expectProblem(await act('trn', 'approve'), 404, 'another trainee');

  c = expectStatus(await act('ent', 'approve'), 200).json;
  assert.ok(c.approved_enterprise_at);
  assert.equal(c.approved_school_at, null);
  assert.equal(c.approved_trainee_at, null);
  expectProblem(await act('ent', 'approve'), 409, 'approving twice');
  p = expectProblem(await act('ent', 'activate'), 409);
  assert.equal(p.errors[0].code, 'contract.approvals_missing');
  c = expectStatus(await act('school', 'approve'), 200).json;
  assert.ok(c.approved_school_at);
  c = expectStatus(await act('trn2', 'approve'), 200).json;
  assert.ok(c.approved_trainee_at);
  assert.equal(c.status, 'pending');
  c = expectStatus(await act('ent', 'activate'), 200).json;
  assert.equal(c.status, 'active');
  assert.ok(c.activated_at);

  // the record book: the trainee writes, each site's mentor signs
  const entry = async (site) => expectStatus(await api.post('/api/v1/record-entries',
    { contract_id: c0.id, date: '2026-11-20', site, hours: site === 'company' ? 8 : 4, content: site === 'company' ? '数控车床操作实训' : '机械基础' }, { token: tok.trn2 }), 201).json;
  const company = await entry('company');
  const school = await entry('school');
  const sign = (who, id) => api.post(`/api/v1/record-entries/${id}/signoff`, undefined, { token: tok[who] });
  p = expectProblem(await sign('school', company.id), 403);
  assert.match(p.detail, /company mentor/);
  expectProblem(await sign('trn2', company.id), 403);
  expectProblem(await sign('ent', school.id), 403);
  const signed = expectStatus(await sign('ent', company.id), 200).json;
  assert.equal(signed.signed_by, 'ent');
  assert.ok(signed.signed_at);
  expectProblem(await sign('ent', company.id), 409);
  assert.equal(expectStatus(await sign('school', school.id), 200).json.signed_by, 'school');
  expectProblem(await api.patch(`/api/v1/record-entries/${company.id}`, { hours: 7 }, { token: tok.trn2 }), 409);
  expectProblem(await api.del(`/api/v1/record-entries/${company.id}`, { token: tok.trn2 }), 409);
  expectProblem(await sign('ent', 999999), 404);

  // the record book holds at most 12 hours a day, company and school together
  p = expectProblem(await api.post('/api/v1/record-entries', { contract_id: c0.id, date: '2026-11-20', site: 'school', hours: 0.5, content: '加练' }, { token: tok.trn2 }), 422);
  assert.equal(p.errors[0].code, 'record.daily_hours');
  assert.equal(p.errors[0].field, 'hours');

  // completion: not in the future; before the end date only with a passed final assessment; once
  p = expectProblem(await act('ent', 'complete', { date: '2026-12-01' }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['date']);
  p = expectProblem(await act('ent', 'complete', { date: '2026-11-25' }), 422);
  assert.equal(p.errors[0].code, 'contract.complete_early');
  expectStatus(await api.post('/api/v1/assessments', { contract_id: c0.id, kind: 'final', date: '2026-11-24', result: 'pass' }, { token: tok.school }), 201);
  c = expectStatus(await act('ent', 'complete', { date: '2026-11-25' }), 200).json;
  assert.equal(c.status, 'completed');
  assert.equal(c.ended_on, '2026-11-25');
  expectProblem(await act('ent', 'complete', { date: '2026-11-25' }), 409);

  const out = expectStatus(await api.post('/api/v1/outcomes', { contract_id: c0.id, kind: 'retained', date: '2026-11-26', wage_monthly: 5200 }, { token: tok.ent }), 201).json;
  assert.equal(out.employer_id, ids.enterprise);

  // (the id may have been used by a contract created and deleted before: from the last create)
  const all = (await adminGet(`/api/v1/audit?entity=contract&entity_id=${c0.id}&limit=100`)).items.reverse();
  const events = all.slice(all.map((e) => e.action).lastIndexOf('contract.create'));
  assert.deepEqual(events.map((e) => `${e.action}:${e.actor}`), [
    'contract.create:ent', 'contract.submit:ent', 'contract.withdraw:school', 'contract.submit:ent',
    'contract.approve:ent', 'contract.approve:school', 'contract.approve:trn2', 'contract.activate:ent',
    'contract.complete:ent',
  ]);
});

test('contract actions: dissolve and transfer active contracts; unknown actions and other parties\' contracts are 404', async () => {
  const [, dis, tra] = ids.activeContracts;
  const act = (who, id, action, body) => api.post(`/api/v1/contracts/${id}/${action}`, body, { token: tok[who] });
  let p = expectProblem(await act('ent', dis, 'dissolve', { date: '2026-11-20' }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['reason']);
  const d = expectStatus(await act('ent', dis, 'dissolve', { date: '2026-11-20', reason: '学员转学' }), 200).json;
  assert.equal(d.status, 'dissolved');
  assert.equal(d.ended_on, '2026-11-20');
  assert.equal(d.dissolution_reason, '学员转学');
  assert.equal(typeof d.dissolved_in_probation, 'boolean');
  expectProblem(await act('ent', dis, 'dissolve', { date: '2026-11-20', reason: 'again' }), 409);

  p = expectProblem(await act('ent', tra, 'transfer', { date: '2026-11-20' }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['enterprise_id']);
  // an enterprise it has no tie to is no enterprise to the caller; the admin may move the trainee there
  p = expectProblem(await act('ent', tra, 'transfer', { date: '2026-11-20', enterprise_id: ids.otherEnterprise }), 422);
  assert.deepEqual(p.errors.map((e) => e.field), ['enterprise_id']);
  const t = expectStatus(await act('admin', tra, 'transfer', { date: '2026-11-20', enterprise_id: ids.otherEnterprise }), 201).json;
  assert.equal(t.contract.id, tra);
  assert.equal(t.contract.status, 'transferred');
  assert.equal(t.contract.ended_on, '2026-11-20');
  assert.equal(t.successor.status, 'draft');
  assert.equal(t.successor.predecessor_id, tra);
  assert.equal(t.successor.enterprise_id, ids.otherEnterprise);
  assert.equal(t.successor.trainee_id, t.contract.trainee_id);
  assert.equal(t.successor.start_date, '2026-11-20');
  // the successor belongs to the other enterprise
  await getAs('ent', `/api/v1/contracts/${t.successor.id}`, 404);
  await getAs('school', `/api/v1/contracts/${t.successor.id}`, 200);

  p = expectProblem(await act('ent', ids.activeContracts[0], 'frobnicate'), 404);
  assert.match(p.detail, /no such contract action/);
  expectProblem(await act('ent', ids.activeContracts[0], 'edit'), 404);
  expectProblem(await act('ent', 'abc', 'submit'), 404);
  expectProblem(await act('school', ids.jilinContract.id, 'dissolve', { reason: 'x' }), 404);
  expectProblem(await act('ent', 999999, 'submit'), 404);
  p = expectProblem(await api.request('POST', `/api/v1/contracts/${ids.activeContracts[0]}/complete`, { token: tok.ent, raw: '{nope' }), 400);
  assert.equal((await adminGet(`/api/v1/contracts/${ids.activeContracts[0]}`)).status, 'active');
});

// ---- metrics after the run ----

test('metrics count the requests made: route="/api/v1/{kind}",status="200" at least as many as the successful lists', async () => {
  assert.ok(seen.listOk >= 40, `only ${seen.listOk} lists were made`);
  const t = expectStatus(await api.get('/metrics', { token: METRICS_TOKEN }), 200).text;
  const m = /^dualtrack_http_requests_total\{route="\/api\/v1\/\{kind\}",status="200"\} (\d+)$/m.exec(t);
  assert.ok(m, 'no counter for the list route');
  assert.ok(Number(m[1]) >= seen.listOk, `counter ${m[1]} < ${seen.listOk} lists made`);
  const series = (route, status) => {
    const r = new RegExp(`^dualtrack_http_requests_total\\{route="${route.replace(/[{}()/]/g, (c) => `\\${c}`)}",status="${status}"\\} (\\d+)$`, 'm').exec(t);
    return r ? Number(r[1]) : 0;
  };
  assert.ok(series('(404)', 404) >= 3, 'unknown routes are counted as (404)');
  assert.ok(series('(405)', 405) >= 5, 'wrong methods are counted as (405)');
  assert.ok(series('/api/v1/session', 429) >= 1);
  assert.ok(series('/api/v1/{kind}', 422) >= 3);
  let total = 0;
  for (const mm of t.matchAll(/^dualtrack_http_requests_total\{route=".*",status="\d+"\} (\d+)$/gm)) total += Number(mm[1]);
  assert.ok(total >= seen.responses - 2, `${total} requests counted, ${seen.responses} answered`);
  assert.ok(TODAY);
});

test('lists: numbered pages (offset) with the total, date ranges; a contract\'s parties by name', async () => {
  // the total is the count of all matches; offset pages agree with the cursor's pages
  const all = [];
  let cursor = null;
  do {
    const r = expectStatus(await api.get(`/api/v1/contracts?sort=start_date&limit=7${cursor ? `&cursor=${cursor}` : ''}`, { token: tok.admin }), 200).json;
    all.push(...r.items.map((c) => c.id));
    cursor = r.next;
  } while (cursor);
  const first = expectStatus(await api.get('/api/v1/contracts?sort=start_date&limit=7&total=1', { token: tok.admin }), 200).json;
  assert.equal(first.total, all.length);
  const third = expectStatus(await api.get('/api/v1/contracts?sort=start_date&limit=7&offset=14&total=1', { token: tok.admin }), 200).json;
  assert.deepEqual(third.items.map((c) => c.id), all.slice(14, 21));
  assert.equal(third.total, all.length);
  expectProblem(await api.get('/api/v1/contracts?offset=-1', { token: tok.admin }), 422);
  expectProblem(await api.get('/api/v1/contracts?offset=100001', { token: tok.admin }), 422);
  // a date range on a sortable date, both ends included; not on a birth date
  const every = [];
  for (let off = 0; off < all.length; off += 1000) every.push(...expectStatus(await api.get(`/api/v1/contracts?limit=1000&offset=${off}`, { token: tok.admin }), 200).json.items);
  const from = every.map((c) => c.start_date).sort()[Math.floor(every.length / 2)];
  const want = every.filter((c) => c.start_date >= from && c.start_date <= '2030-12-31').length;
  const ranged = expectStatus(await api.get(`/api/v1/contracts?start_date_from=${from}&start_date_to=2030-12-31&limit=1&total=1`, { token: tok.admin }), 200).json;
  assert.equal(ranged.total, want);
  expectProblem(await api.get('/api/v1/contracts?start_date_from=2026-02-30', { token: tok.admin }), 422);
  expectProblem(await api.get('/api/v1/trainees?birth_date_from=2000-01-01', { token: tok.admin }), 422);
  // parties: names of the contract's enterprise, school, programme and trainee
  const c = every[0];
  const p = expectStatus(await api.get(`/api/v1/contracts/${c.id}/parties`, { token: tok.admin }), 200).json;
  const ent = expectStatus(await api.get(`/api/v1/organizations/${c.enterprise_id}`, { token: tok.admin }), 200).json;
  assert.deepEqual(p.enterprise, { id: c.enterprise_id, name: ent.name });
  assert.equal(p.school.id, c.school_id);
  assert.equal(p.trainee.id, c.trainee_id);
  expectProblem(await api.get('/api/v1/contracts/999999999/parties', { token: tok.admin }), 404);
});
