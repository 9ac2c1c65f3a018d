// scope.test.mjs - the role × route × scope walk over real HTTP.
//
// The walk learns everything it iterates over from the server: the routes,
// the permissions each needs, the role table and the entities with their
// scope rules from /api/openapi.json; one sign-in per role from the demo
// pilot's accounts (`user list`); and, per role and kind of record, an id in
// the role's scope (from the role's own list), one outside it (in the
// admin's list and not the role's) and a missing one.  For every role, every
// route that takes an id, a kind or a region, and every kind, it checks that
//
//   - an id outside the scope answers exactly as a missing one: the same
//     status and the same body apart from the request id (and the id itself
//     where a message names it);
//   - an id in the scope is not 404 (the role listed it, so it may read it);
//   - a scoped role finds records outside its scope for every kind that is
//     not public reference data (a list that shows everything fails here).
//
// Reads go to a server on the demo database; writes (PATCH, DELETE, POST
// actions, imports) to a second server on a copy of it, deletions last and
// on ids no other role deletes, so destructive cases do not disturb others.
// A route in the table that the walk has no case for fails the test, named.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { client, dbPath, demoDb, okAsync, PG, startServer, tmpdir } from './helpers.mjs';

const MISSING = 999999999;
const POOL = 8;       // requests in flight at once
const PAGES = 2;      // pages of 1000 read per role and kind to find ids
const YEAR = 2026;

let readSrv;
let writeSrv;
let spec;
const logins = [];    // { login, role, scope, perms: Set, tok: { R, W } }
const kinds = [];     // x-entities, with .refs [{field, ref, open}] and .exportable
const ids = {};       // ids[login][kind] = { in, out, del, visible: Set, complete }
const regions = {};   // regions[login] = { in, out, missing }
const jobs = {};      // jobs[login] = id of a job it started (write server)
const notes = {};     // notes[login] = id of one of its own notifications (write server)
const sup = {};       // sup[login] = { plan, inspection }: in and out ids (the demo's plans)
const fnd = {};       // fnd[login] = { finding, inspection }: in and out ids (from the findings lists)
const pubs = {};      // pubs[login] = { case, news, policy }: in and out ids (the demo's publicity)
const figs = {};      // figs[login] = { in, out }: publications of pilot cities' figures
const pubCities = {}; // pubCities[login] = { in, out, missing }: region codes to publish
const acc = {};       // acc[login] = { account, spare, session }: accounts it manages and not, sessions not its own

// ---- setup ----

before(async () => {
  const { dir, db, out } = await demoDb('dualtrack-scope-');
  const password = /sign-ins \(password (\S+)\)/.exec(out)?.[1];
  assert.ok(password, `demo printed no sign-in password:\n${out}`);
  const users = JSON.parse(await okAsync(['user', 'list', '--db', db, '--format', 'json']));
  // The write server gets its own copy, so that what it changes disturbs no read.
  const wdir = tmpdir('dualtrack-scope-w-');
  const wdb = dbPath(wdir);
  if (PG) await okAsync(['copy', '--from', db, '--to', wdb]);
  else for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(wdir, f));
  readSrv = await startServer(db, { threads: 2 });
  writeSrv = await startServer(wdb, { threads: 2 });
  const R = client(readSrv.base);
  const W = client(writeSrv.base);
  spec = (await R.get('/api/openapi.json')).json;
  // One sign-in per role of the role table (the walk fails below without it).
  for (const role of Object.keys(spec['x-roles'] || { admin: 1, city: 1, school: 1, enterprise: 1, trainee: 1 })) {
    const u = users.find((x) => x.role === role);
    assert.ok(u, `the demo has no sign-in for role ${role}: the walk needs one per role`);
    const tok = {};
    for (const [name, api] of [['R', R], ['W', W]]) {
      const r = await api.post('/api/v1/session', { login: u.login, password });
      assert.equal(r.status, 200, `sign-in of ${u.login}: ${r.text}`);
      tok[name] = r.json.token;
    }
    const me = (await R.get('/api/v1/session', { token: tok.R })).json;
    logins.push({ login: u.login, role, scope: me.scope || {}, perms: new Set(spec['x-roles']?.[role] || []), tok });
  }
  if (!spec['x-roles'] || !spec['x-entities']) return; // the walk fails on it
  // Kinds, their reference fields and whether they export.
  for (const e of spec['x-entities']) {
    const op = spec.paths[`/api/v1/${e.plural}`]?.post;
    const ref = op?.requestBody?.content?.['application/json']?.schema?.$ref;
    const schema = ref ? spec.components.schemas[ref.split('/').pop()] : { properties: {} };
    const refs = Object.entries(schema.properties || {})
      .filter(([, p]) => p['x-ref'])
      .map(([field, p]) => ({ field, ref: p['x-ref'], open: !!p['x-openref'] }));
    const t = await R.get(`/api/v1/templates/${e.plural}.csv`, { token: logins[0].tok.R });
    kinds.push({ ...e, refs, exportable: t.status === 200 });
  }
  const t0 = Date.now();
  await findIds(R);
  await findRefOuts(R);
  await findRegions(R);
  await findSupervision(R);
  await findFindings(R);
  await findPublicity(R);
  await findPublications(R);
  await findAccounts(R, W);
  console.log(`scope walk: ids found in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}, { timeout: 1500000 }); // it may wait for the demo pilot another file makes (helpers.mjs demoDb)

after(async () => {
  for (const s of [readSrv, writeSrv]) {
    if (!s) continue;
    const { code } = await s.stop();
    assert.equal(code, 0, s.output());
  }
});

const isScoped = (u) => Object.keys(u.scope).length > 0;
const may = (u, perms) => perms.every((p) => u.perms.has(p));

// A bounded pool: run @jobs (functions returning promises), POOL at a time.
async function pool(fns) {
  const out = new Array(fns.length);
  let next = 0;
  async function worker() {
    while (next < fns.length) {
      const i = next++;
      out[i] = await fns[i]();
    }
  }
  await Promise.all(Array.from({ length: Math.min(POOL, fns.length) }, worker));
  return out;
}

// Does route "METHOD PATTERN" answer for @kind (a specific route may come before a generic one)?
function served(route, kind) {
  const [method, pattern] = route.split(' ');
  if (!pattern.includes('{kind}')) return true;
  const p = pattern.replace('{kind}', kind.plural);
  return spec.paths[p]?.[method.toLowerCase()]?.['x-route'] === pattern;
}

// The rows of a CSV text (RFC 4180: quoted fields, doubled quotes), without a BOM.
function csvRows(text) {
  const rows = [];
  let row = [], f = '', q = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (ch === '"') q = false; else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(f); f = ''; } else if (ch === '\n') { row.push(f); rows.push(row); row = []; f = ''; } else if (ch !== '\r') f += ch;
  }
  if (f || row.length) { row.push(f); rows.push(row); }
  return rows;
}

// The ids of @kind that @tok lists (up to PAGES pages), ascending; complete when no page is left.
// A kind whose list route is another (GET /api/v1/targets) is read from its export.
async function listIds(api, tok, kind, order = 'id') {
  if (!served('GET /api/v1/{kind}', kind)) {
    const r = await api.get(`/api/v1/exports/${kind.plural}.csv?lang=en`, { token: tok });
    assert.equal(r.status, 200, `export ${kind.plural}: ${r.text.slice(0, 300)}`);
    const [head, ...rows] = csvRows(r.text);
    const col = head.indexOf('id');
    const all = rows.map((x) => Number(x[col])).sort((a, b) => a - b);
    return { ids: order === 'id' ? all : all.reverse(), complete: true };
  }
  const seen = [];
  let cursor = null;
  for (let p = 0; p < PAGES; p++) {
    const q = `limit=1000&sort=${order}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await api.get(`/api/v1/${kind.plural}?${q}`, { token: tok });
    assert.equal(r.status, 200, `list ${kind.plural}: ${r.text.slice(0, 300)}`);
    for (const it of r.json.items) seen.push(it.id);
    cursor = r.json.next;
    if (!cursor) return { ids: seen, complete: true };
  }
  return { ids: seen, complete: false };
}

// In, out-of and deletable-in-scope ids for every role and kind, from the data.
async function findIds(R) {
  const admin = logins.find((u) => u.role === 'admin');
  const all = {};
  await pool(kinds.map((k) => async () => {
    const asc = await listIds(R, admin.tok.R, k);
    const desc = await listIds(R, admin.tok.R, k, '-id');
    all[k.name] = [...new Set([...asc.ids, ...desc.ids])];
  }));
  const fns = [];
  for (const u of logins) {
    ids[u.login] = {};
    for (const k of kinds) {
      fns.push(async () => {
        const mine = await listIds(R, u.tok.R, k);
        const visible = new Set(mine.ids);
        const x = { visible, complete: mine.complete, in: mine.ids[0] };
        if (isScoped(u) && k.scope !== 'public') {
          // Outside the scope: in the admin's list and not the role's (asked
          // again by id when the role's list was not read to its end).
          // (x.outs: more of them, from both ends of the list, for findRefOuts)
          const cand = all[k.name].filter((i) => !visible.has(i));
          x.outs = [];
          for (const id of [...new Set([...cand.slice(0, 8), ...cand.slice(-8)])]) {
            if (!mine.complete) {
              const r = await R.get(`/api/v1/${k.plural}?id=${id}`, { token: u.tok.R });
              if (r.json.items.length) continue;
            }
            x.outs.push(id);
          }
          x.out = x.outs[0];
        }
        ids[u.login][k.name] = x;
      });
    }
  }
  await pool(fns);
  // Deletions run last, each on an id no other role deletes: narrow roles choose first.
  const taken = {};
  for (const u of [...logins].sort((a, b) => size(a) - size(b))) {
    for (const k of kinds) {
      const x = ids[u.login][k.name];
      taken[k.name] ||= new Set();
      x.del = [...x.visible].find((i) => !taken[k.name].has(i));
      if (x.del !== undefined) taken[k.name].add(x.del);
    }
  }
}

// For the reference filters of exports, per scoped role, kind and field: an id
// outside the scope that none of the role's own records names.  Such a filter
// must answer as one naming a missing record; one naming an id that a record the
// role reads names discloses nothing (an assessment body reads contracts whose
// school it may not open: their school_id is no secret to it).
const refOut = {}; // refOut[login][`${kind}.${field}`] = id
async function findRefOuts(R) {
  const fns = [];
  for (const u of logins.filter(isScoped)) {
    refOut[u.login] = {};
    for (const k of kinds.filter((x) => x.exportable)) {
      for (const f of k.refs.filter((x) => !x.open)) {
        fns.push(async () => {
          for (const id of ids[u.login][f.ref].outs || []) {
            const r = await R.get(`/api/v1/${k.plural}?${f.field}=${id}&limit=1`, { token: u.tok.R });
            if (r.status !== 200 || !r.json.items.length) {
              refOut[u.login][`${k.name}.${f.field}`] = id;
              return;
            }
          }
        });
      }
    }
  }
  await pool(fns);
}

function size(u) {
  return kinds.reduce((n, k) => n + ids[u.login][k.name].visible.size, 0);
}

// Inspection plans and inspections (not in the entity table): in and out
// ids per role from its own lists and the admin's (the demo draws several plans).
async function findSupervision(R) {
  const admin = logins.find((u) => u.role === 'admin');
  const all = {
    plan: (await R.get('/api/v1/inspection-plans', { token: admin.tok.R })).json.items.map((p) => p.id),
    inspection: (await R.get('/api/v1/inspections', { token: admin.tok.R })).json.items.map((p) => p.id),
  };
  assert.ok(all.plan.length && all.inspection.length, 'the demo has inspection plans and inspections');
  for (const u of logins) {
    sup[u.login] = {};
    for (const [k, url] of [['plan', '/api/v1/inspection-plans'], ['inspection', '/api/v1/inspections']]) {
      const r = await R.get(url, { token: u.tok.R });
      const mine = r.status === 200 ? r.json.items.map((p) => p.id) : [];
      const x = { in: mine[0] };
      if (isScoped(u)) x.out = all[k].find((i) => !mine.includes(i));
      sup[u.login][k] = x;
    }
  }
}

// Region codes per role: its own, one outside its scope and a well-formed code that does not exist.
async function findRegions(R) {
  const admin = logins.find((u) => u.role === 'admin');
  const pilots = (await R.get('/api/v1/pilots?limit=1000', { token: admin.tok.R })).json.items.map((p) => p.region);
  const within = (scope, code) => {
    if (!scope) return true;
    const s = Number(scope), c = Number(code);
    const span = s % 10000 === 0 ? 10000 : s % 100 === 0 ? 100 : 1;
    return c >= s && c < s + span;
  };
  for (const u of logins) {
    const own = u.scope.region;
    const out = isScoped(u) ? pilots.find((p) => !within(own, p)) : undefined;
    let missing;
    for (const p of pilots.filter((c) => !own || !within(own, c))) {
      const code = `${p.slice(0, 2)}99${p.slice(4)}`;
      const r = await R.get(`/api/v1/regions/${Number(code)}`, { token: admin.tok.R });
      if (r.status === 404) { missing = code; break; }
    }
    assert.ok(missing, 'a well-formed region code that is not in the table');
    regions[u.login] = { in: own || pilots.find((p) => p % 10000 !== 0) || pilots[0], out, missing };
  }
}

// Findings and their inspections per role: one it lists, one the admin lists that it does not.
async function findFindings(R) {
  const list = async (u) => {
    const r = await R.get('/api/v1/findings?limit=1000', { token: u.tok.R });
    return r.status === 200 ? r.json.items : [];
  };
  const all = await list(logins.find((u) => u.role === 'admin'));
  for (const u of logins) {
    const mine = await list(u);
    const f = new Set(mine.map((x) => x.id)), i = new Set(mine.map((x) => x.inspection_id));
    fnd[u.login] = {
      finding: { in: mine[0]?.id, out: isScoped(u) ? all.find((x) => !f.has(x.id))?.id : undefined },
      inspection: { in: mine[0]?.inspection_id, out: isScoped(u) ? all.find((x) => !i.has(x.inspection_id))?.inspection_id : undefined },
    };
  }
}

// Good-practice cases, news and policy documents per role: one it lists (published ones
// are listed by everyone), one the admin lists that it does not (a draft or one in review
// outside its scope).
async function findPublicity(R) {
  const list = async (u, url) => {
    const r = await R.get(`${url}?limit=200`, { token: u.tok.R });
    return r.status === 200 ? r.json.items.map((x) => x.id) : [];
  };
  const admin = logins.find((u) => u.role === 'admin');
  const all = {};
  for (const [k, url] of [['case', '/api/v1/cases'], ['news', '/api/v1/news'], ['policy', '/api/v1/policies']]) {
    all[k] = await list(admin, url);
    assert.ok(all[k].length, `the demo has ${k} records`);
  }
  for (const u of logins) {
    pubs[u.login] = {};
    for (const [k, url] of [['case', '/api/v1/cases'], ['news', '/api/v1/news'], ['policy', '/api/v1/policies']]) {
      const mine = await list(u, url);
      pubs[u.login][k] = { in: mine[0], out: isScoped(u) ? all[k].find((i) => !mine.includes(i)) : undefined };
    }
  }
}

// Publications per role: one it lists, one the admin lists that it does not.
async function findPublications(R) {
  const list = async (u) => {
    const r = await R.get('/api/v1/publications', { token: u.tok.R });
    return r.status === 200 ? r.json.items : [];
  };
  const all = await list(logins.find((u) => u.role === 'admin'));
  assert.ok(all.length > 1, 'the demo publishes its pilot cities\' figures');
  for (const u of logins) {
    const items = await list(u);
    const mine = new Set(items.map((x) => x.id));
    figs[u.login] = { in: [...mine][0], out: isScoped(u) ? all.find((x) => !mine.has(x.id))?.id : undefined, missing: 999999 };
    // publishing names a pilot city: inside, one whose figures it lists (a province's own region is no city)
    pubCities[u.login] = { ...regions[u.login], in: items[0] ? String(items[0].region).padStart(6, '0') : undefined };
  }
}

// ---- the cases ----

// A case: one role, one route, one kind (or none), three requests.
// build(id) -> { method, path, body?, raw?, headers? }; server 'R' or 'W'; phase 1..3.
function kase(route, u, what, triple, build, { server = 'R', phase = 1, inOk = (r) => r.status !== 404, idIn = 'path' } = {}) {
  return { route, u, what, triple, build, server, phase, inOk, idIn };
}

const NONE = Symbol('no record parameter');

// Every route of the table, by "METHOD PATTERN": what the walk does with it.
// A route missing here fails the walk.
const CASES = {
  'GET /healthz': NONE,
  'GET /metrics': NONE,
  'GET /api/openapi.json': NONE,
  'GET /api/v1/schema': NONE, // the entity table, the same for everyone (public)
  'POST /api/v1/session': NONE,
  'GET /api/v1/session': NONE,
  'DELETE /api/v1/session': NONE,
  'GET /api/v1/audit/verify': NONE,
  // checkpoints are of the whole chain (a count, a hash, a time): no record, no scope
  'GET /api/v1/audit/checkpoints': NONE,
  'POST /api/v1/audit/checkpoints/verify': NONE,
  'GET /api/v1/jobs': NONE, // the caller's own jobs: checked with the job cases below
  // one's own notifications and channels: no record of anyone else can be named
  'GET /api/v1/notifications': NONE,
  'POST /api/v1/notifications/read-all': NONE,
  'GET /api/v1/notifications/preferences': NONE,
  'PUT /api/v1/notifications/preferences': NONE,
  // another's notification answers as a missing one, whatever the role (an admin's too)
  'POST /api/v1/notifications/{id}/read': (route) => perRole(route, (u) => {
    const other = logins.find((v) => v !== u && notes[v.login] !== undefined);
    return kase(route, u, 'notification', { in: notes[u.login], out: other && notes[other.login] },
      (id) => ({ method: 'POST', path: `/api/v1/notifications/${id}/read` }), { server: 'W' });
  }),
  'GET /api/v1/{kind}': (route) => perKind(route, (u, k) => kase(route, u, k.plural, ids[u.login][k.name],
    (id) => ({ method: 'GET', path: `/api/v1/${k.plural}?id=${id}` }),
    { inOk: (r) => r.status === 200 && r.json.items.length === 1 })),
  'GET /api/v1/{kind}/{id}': (route) => perKind(route, (u, k) => kase(route, u, k.plural, ids[u.login][k.name],
    (id) => ({ method: 'GET', path: `/api/v1/${k.plural}/${id}` }),
    { inOk: (r) => r.status === 200 })),
  'PATCH /api/v1/{kind}/{id}': (route) => perKind(route, (u, k) => kase(route, u, k.plural, ids[u.login][k.name],
    (id) => ({ method: 'PATCH', path: `/api/v1/${k.plural}/${id}`, body: {} }), { server: 'W' })),
  'DELETE /api/v1/{kind}/{id}': (route) => perKind(route, (u, k) => {
    const x = ids[u.login][k.name];
    return kase(route, u, k.plural, { in: x.del, out: x.out }, (id) => ({ method: 'DELETE', path: `/api/v1/${k.plural}/${id}` }),
      { server: 'W', phase: 2 });
  }),
  'POST /api/v1/{kind}': (route) => perKind(route, (u, k) => {
    // A reference to a record outside the scope is refused as one to a missing record.
    const refs = k.refs.filter((f) => !f.open);
    if (!refs.length) {
      return [kase(route, u, `${k.plural} (no reference field)`, { in: 0, missing: null },
        () => ({ method: 'POST', path: `/api/v1/${k.plural}`, body: {} }),
        { server: 'W', inOk: (r) => r.status === 403 || r.status === 422 })];
    }
    return refs.map((f) => kase(route, u, `${k.plural}.${f.field}`, ids[u.login][f.ref],
      (id) => ({ method: 'POST', path: `/api/v1/${k.plural}`, body: { [f.field]: id } }),
      { server: 'W', idIn: 'body' }));
  }),
  'POST /api/v1/contracts/{id}/{action}': (route) => perRole(route, (u) => {
    const acts = spec.paths['/api/v1/contracts/{id}/{action}'].post.parameters.find((p) => p.name === 'action').schema.enum;
    return acts.map((a) => kase(route, u, a, ids[u.login].contract,
      (id) => ({ method: 'POST', path: `/api/v1/contracts/${id}/${a}` }), { server: 'W' }));
  }),
  // printed documents: a contract or region outside the scope answers as a missing one
  // the names a contract refers to: only for a contract in scope
  'GET /api/v1/contracts/{id}/parties': (route) => perRole(route, (u) => kase(route, u, 'contract parties', ids[u.login].contract,
    (id) => ({ method: 'GET', path: `/api/v1/contracts/${id}/parties` }),
    { inOk: (r) => r.status === 200 && r.json && r.json.enterprise && typeof r.json.enterprise.name === 'string' })),
  // (an assessment body reads the contracts it assesses, not the documents, which print the
  // trainee's personal data and record book: to it they answer as missing ones too)
  'GET /api/v1/contracts/{id}/pdf': (route) => perRole(route, (u) => kase(route, u, 'contract pdf', ids[u.login].contract,
    (id) => ({ method: 'GET', path: `/api/v1/contracts/${id}/pdf` }),
    { inOk: (r) => (u.role === 'assessor' ? r.status === 404 : r.status === 200 && r.headers.get('content-type') === 'application/pdf') })),
  'GET /api/v1/contracts/{id}/book.pdf': (route) => perRole(route, (u) => kase(route, u, 'record book pdf', ids[u.login].contract,
    (id) => ({ method: 'GET', path: `/api/v1/contracts/${id}/book.pdf` }),
    { inOk: (r) => (u.role === 'assessor' ? r.status === 404 : r.status === 200 && r.headers.get('content-type') === 'application/pdf') })),
  'GET /api/v1/reports/{region}/{file}': (route) => regionCases(route, (c) => `/api/v1/reports/${c}/${YEAR}.pdf`),
  'POST /api/v1/record-entries/{id}/signoff': (route) => perRole(route, (u) => kase(route, u, 'signoff', ids[u.login].record_entry,
    (id) => ({ method: 'POST', path: `/api/v1/record-entries/${id}/signoff` }), { server: 'W' })),
  // bulk sign-off: an entry outside the scope is refused as a missing one, naming it
  'POST /api/v1/record-entries/signoff': (route) => perRole(route, (u) => kase(route, u, 'signoff batch', ids[u.login].record_entry,
    (id) => ({ method: 'POST', path: '/api/v1/record-entries/signoff', body: { ids: [id] } }), { server: 'W', idIn: 'body' })),
  // the caller's own waiting entries and the mentors' load: lists within the scope, no record parameter
  'GET /api/v1/record-entries/waiting': NONE,
  'GET /api/v1/mentors/load': NONE,
  // alerts: officials and inspectors act on those in their region; schools, enterprises and
  // trainees read those about themselves (GET /api/v1/{kind}[/{id}] above) and act on none: an
  // alert of theirs is refused (403), another's answers as a missing one
  'POST /api/v1/alerts/{id}/{action}': (route) => perRole(route, (u) => ['ack', 'resolve'].map((a) => kase(route, u, a, ids[u.login].alert,
    (id) => ({ method: 'POST', path: `/api/v1/alerts/${id}/${a}`, body: { note: 'walk' } }), { server: 'W' }))),
  'GET /api/v1/exports/{file}': (route) => perKind(route, (u, k) => {
    if (!k.exportable) return [];
    // by id, and by every reference filter (the export takes the list filters)
    const out = [kase(route, u, `${k.plural}.csv?id`, ids[u.login][k.name],
      (id) => ({ method: 'GET', path: `/api/v1/exports/${k.plural}.csv?id=${id}` }),
      { inOk: (r) => r.status === 200 && r.headers.get('x-record-count') === '1' })];
    for (const f of k.refs.filter((x) => !x.open)) {
      const named = refOut[u.login]?.[`${k.name}.${f.field}`];
      out.push(kase(route, u, `${k.plural}.csv?${f.field}`, { ...ids[u.login][f.ref], out: named ?? ids[u.login][f.ref].out },
        (id) => ({ method: 'GET', path: `/api/v1/exports/${k.plural}.csv?${f.field}=${id}` })));
    }
    return out;
  }),
  'GET /api/v1/templates/{file}': (route) => perKind(route, (u, k) => kase(route, u, `${k.plural}.csv`, { in: 0, missing: null },
    () => ({ method: 'GET', path: `/api/v1/templates/${k.plural}.csv` }),
    { inOk: (r) => r.status === (k.exportable ? 200 : 404) })),
  'POST /api/v1/imports': (route) => perKind(route, (u, k) => kase(route, u, `?kind=${k.plural}`, { in: 0, missing: null },
    () => ({ method: 'POST', path: `/api/v1/imports?kind=${k.plural}`, raw: 'walk\n1\n', headers: { 'content-type': 'text/csv' } }),
    { server: 'W', inOk: (r) => [202, 403, 422].includes(r.status) })),
  'GET /api/v1/jobs/{id}': (route) => jobCases(route, 'GET', ''),
  'GET /api/v1/jobs/{id}/report': (route) => jobCases(route, 'GET', '/report'),
  'DELETE /api/v1/jobs/{id}': (route) => jobCases(route, 'DELETE', '', 2),
  'GET /api/v1/audit': (route) => perKind(route, (u, k) => kase(route, u, k.name, ids[u.login][k.name],
    (id) => ({ method: 'GET', path: `/api/v1/audit?entity=${k.name}&entity_id=${id}` }), { idIn: 'query' })),
  'GET /api/v1/indicators': (route) => regionCases(route, (c) => `/api/v1/indicators?region=${c}&year=${YEAR}`),
  'GET /api/v1/indicators.xlsx': (route) => regionCases(route, (c) => `/api/v1/indicators.xlsx?region=${c}&year=${YEAR}`),
  'GET /api/v1/indicators/series': (route) => regionCases(route, (c) => `/api/v1/indicators/series?region=${c}&year=${YEAR}`),
  'GET /api/v1/rankings': (route) => regionCases(route, (c) => `/api/v1/rankings?region=${c}&year=${YEAR}`),
  'GET /api/v1/targets': (route) => regionCases(route, (c) => `/api/v1/targets?region=${c}&year=${YEAR}`),
  'GET /api/v1/inspection-plans': NONE, // the plans in the caller's sight: checked by id below
  'POST /api/v1/inspection-plans': (route) => perRole(route, (u) => kase(route, u, 'region', regions[u.login],
    (c) => ({ method: 'POST', path: '/api/v1/inspection-plans', body: { region: c } }),
    { server: 'W', idIn: 'body' })),
  // what a new plan starts from: the same for every planner, no record
  'GET /api/v1/inspection-plans/defaults': NONE,
  // the inspector accounts a plan of a region may pool: a region outside the scope as a missing one
  'GET /api/v1/inspectors': (route) => regionCases(route, (c) => `/api/v1/inspectors?region=${c}`),
  'GET /api/v1/inspection-plans/{id}': (route) => perRole(route, (u) => kase(route, u, 'plan', sup[u.login].plan,
    (id) => ({ method: 'GET', path: `/api/v1/inspection-plans/${id}` }), { inOk: (r) => r.status === 200 })),
  'GET /api/v1/inspection-plans/{id}/verify': (route) => perRole(route, (u) => kase(route, u, 'plan', sup[u.login].plan,
    (id) => ({ method: 'GET', path: `/api/v1/inspection-plans/${id}/verify` }),
    { inOk: (r) => r.status === 200 && r.json.ok === true })),
  'POST /api/v1/inspection-plans/{id}/{action}': (route) => perRole(route, (u) => ['commit', 'draw', 'reveal', 'start', 'close'].map((a) => kase(route, u, a, sup[u.login].plan,
    (id) => ({ method: 'POST', path: `/api/v1/inspection-plans/${id}/${a}` }), { server: 'W' }))),
  'GET /api/v1/inspections': (route) => perRole(route, (u) => kase(route, u, 'plan_id', sup[u.login].plan,
    (id) => ({ method: 'GET', path: `/api/v1/inspections?plan_id=${id}` }), { idIn: 'query', inOk: (r) => r.status === 200 })),
  'GET /api/v1/inspections/{id}': (route) => perRole(route, (u) => kase(route, u, 'inspection', sup[u.login].inspection,
    (id) => ({ method: 'GET', path: `/api/v1/inspections/${id}` }), { inOk: (r) => r.status === 200 })),
  // Supervision (h_findings.c): findings and inspections by id, files by hash.
  'GET /api/v1/findings': (route) => perRole(route, (u) => kase(route, u, 'inspection_id', fnd[u.login].inspection,
    (id) => ({ method: 'GET', path: `/api/v1/findings?inspection_id=${id}` }),
    { idIn: 'query', inOk: (r) => r.status === 200 && r.json.items.length > 0 })),
  'POST /api/v1/findings': (route) => perRole(route, (u) => kase(route, u, 'inspection_id', sup[u.login].inspection,
    (id) => ({ method: 'POST', path: '/api/v1/findings', body: { inspection_id: id } }),
    { server: 'W', idIn: 'body', inOk: (r) => [403, 409, 422].includes(r.status) })),
  'GET /api/v1/exports/findings.xlsx': (route) => perRole(route, (u) => kase(route, u, 'inspection_id', fnd[u.login].inspection,
    (id) => ({ method: 'GET', path: `/api/v1/exports/findings.xlsx?inspection_id=${id}` }),
    { idIn: 'query', inOk: (r) => r.status === 200 && r.headers.get('x-record-count') !== '0'})),
  'GET /api/v1/findings/{id}': (route) => perRole(route, (u) => kase(route, u, 'finding', fnd[u.login].finding,
    (id) => ({ method: 'GET', path: `/api/v1/findings/${id}` }), { inOk: (r) => r.status === 200 })),
  'POST /api/v1/findings/{id}/start': (route) => perRole(route, (u) => kase(route, u, 'finding', fnd[u.login].finding,
    (id) => ({ method: 'POST', path: `/api/v1/findings/${id}/start` }), { server: 'W' })),
  'POST /api/v1/findings/{id}/rectifications': (route) => perRole(route, (u) => kase(route, u, 'finding', fnd[u.login].finding,
    (id) => ({ method: 'POST', path: `/api/v1/findings/${id}/rectifications`, body: {} }), { server: 'W' })),
  'POST /api/v1/findings/{id}/decision': (route) => perRole(route, (u) => kase(route, u, 'finding', fnd[u.login].finding,
    (id) => ({ method: 'POST', path: `/api/v1/findings/${id}/decision`, body: {} }), { server: 'W' })),
  'PATCH /api/v1/inspections/{id}': (route) => perRole(route, (u) => kase(route, u, 'inspection', sup[u.login].inspection,
    (id) => ({ method: 'PATCH', path: `/api/v1/inspections/${id}`, body: {} }), { server: 'W' })),
  'GET /api/v1/inspections/{id}/results': (route) => perRole(route, (u) => kase(route, u, 'inspection', sup[u.login].inspection,
    (id) => ({ method: 'GET', path: `/api/v1/inspections/${id}/results` }), { inOk: (r) => r.status === 200 })),
  // Publicity (h_publicity.c): cases, news and policy documents by id; published ones are
  // everyone's, the rest their scope's.  New records, search and preview name none.  Not
  // withdraw: it takes a published record out of others' sight while the walk runs on it
  // (tests/e2e/publicity.test.mjs walks withdrawal and its scope).
  'GET /api/v1/cases': NONE,
  'POST /api/v1/cases': NONE,
  'GET /api/v1/publicity/search': NONE,
  'POST /api/v1/publicity/preview': NONE,
  'GET /api/v1/news': NONE,
  'POST /api/v1/news': NONE,
  'GET /api/v1/policies': NONE,
  'POST /api/v1/policies': NONE,
  'GET /api/v1/cases/{id}': (route) => perRole(route, (u) => kase(route, u, 'case', pubs[u.login].case,
    (id) => ({ method: 'GET', path: `/api/v1/cases/${id}` }), { inOk: (r) => r.status === 200 })),
  'GET /api/v1/cases/{id}/versions': (route) => perRole(route, (u) => kase(route, u, 'case', pubs[u.login].case,
    (id) => ({ method: 'GET', path: `/api/v1/cases/${id}/versions` }), { inOk: (r) => r.status === 200 })),
  'PATCH /api/v1/cases/{id}': (route) => perRole(route, (u) => kase(route, u, 'case', pubs[u.login].case,
    (id) => ({ method: 'PATCH', path: `/api/v1/cases/${id}`, body: {} }), { server: 'W' })),
  'POST /api/v1/cases/{id}/comments': (route) => perRole(route, (u) => kase(route, u, 'case', pubs[u.login].case,
    (id) => ({ method: 'POST', path: `/api/v1/cases/${id}/comments`, body: {} }), { server: 'W' })),
  'POST /api/v1/cases/{id}/{action}': (route) => perRole(route, (u) => ['submit', 'recommend', 'approve', 'publish', 'feature', 'send-back'].map((a) =>
    kase(route, u, `case ${a}`, pubs[u.login].case, (id) => ({ method: 'POST', path: `/api/v1/cases/${id}/${a}` }), { server: 'W' }))),
  'GET /api/v1/news/{id}': (route) => perRole(route, (u) => kase(route, u, 'news', pubs[u.login].news,
    (id) => ({ method: 'GET', path: `/api/v1/news/${id}` }), { inOk: (r) => r.status === 200 })),
  'PATCH /api/v1/news/{id}': (route) => perRole(route, (u) => kase(route, u, 'news', pubs[u.login].news,
    (id) => ({ method: 'PATCH', path: `/api/v1/news/${id}`, body: {} }), { server: 'W' })),
  'POST /api/v1/news/{id}/{action}': (route) => perRole(route, (u) => ['publish'].map((a) =>
    kase(route, u, `news ${a}`, pubs[u.login].news, (id) => ({ method: 'POST', path: `/api/v1/news/${id}/${a}` }), { server: 'W' }))),
  'GET /api/v1/policies/{id}': (route) => perRole(route, (u) => kase(route, u, 'policy', pubs[u.login].policy,
    (id) => ({ method: 'GET', path: `/api/v1/policies/${id}` }), { inOk: (r) => r.status === 200 })),
  'PATCH /api/v1/policies/{id}': (route) => perRole(route, (u) => kase(route, u, 'policy', pubs[u.login].policy,
    (id) => ({ method: 'PATCH', path: `/api/v1/policies/${id}`, body: {} }), { server: 'W' })),
  'POST /api/v1/policies/{id}/{action}': (route) => perRole(route, (u) => ['publish'].map((a) =>
    kase(route, u, `policy ${a}`, pubs[u.login].policy, (id) => ({ method: 'POST', path: `/api/v1/policies/${id}/${a}` }), { server: 'W' }))),
  // an upload names no record; a file is found by its hash only where it is attached
  // to something in scope (tests/e2e/findings.test.mjs walks that)
  'POST /api/v1/attachments': NONE,
  // Published figures (h_publications.c): a region outside the scope lists nothing, as a
  // region with no publication; one outside is published or withdrawn as a missing one.
  'GET /api/v1/publications': (route) => regionCases(route, (c) => `/api/v1/publications?region=${c}`),
  'POST /api/v1/publications': (route) => perRole(route, (u) => kase(route, u, 'region', pubCities[u.login],
    (c) => ({ method: 'POST', path: '/api/v1/publications', body: { region: String(c), year: YEAR } }),
    { server: 'W', idIn: 'body' })),
  'GET /api/v1/publications/{id}': (route) => perRole(route, (u) => kase(route, u, 'publication', figs[u.login],
    (id) => ({ method: 'GET', path: `/api/v1/publications/${id}` }), { inOk: (r) => r.status === 200 })),
  'POST /api/v1/publications/{id}/withdraw': (route) => perRole(route, (u) => kase(route, u, 'publication', figs[u.login],
    (id) => ({ method: 'POST', path: `/api/v1/publications/${id}/withdraw` }), { server: 'W', phase: 2 })),
  'GET /api/v1/supervision': (route) => regionCases(route, (c) => `/api/v1/supervision?region=${c}&year=${YEAR}`),
  'GET /api/v1/attachments/{hash}': (route) => perRole(route, (u) => kase(route, u, 'hash', { missing: '0'.repeat(64) },
    (h) => ({ method: 'GET', path: `/api/v1/attachments/${h}` }))),
  // Accounts (h_accounts.c): those outside one's delegation as missing ones.  The list, a
  // new account and one's own password and activation name no record in the path
  // (tests/e2e/accounts.test.mjs walks the delegation); one's own sessions are one's own.
  'GET /api/v1/accounts': NONE,
  'POST /api/v1/accounts': NONE,
  'POST /api/v1/session/password': NONE,
  'POST /api/v1/session/activate': NONE,
  'GET /api/v1/session/sessions': NONE,
  'POST /api/v1/accounts/bulk': (route) => perRole(route, (u) => kase(route, u, 'trainee_ids', { in: ids[u.login].trainee.in, out: ids[u.login].trainee.out },
    (id) => ({ method: 'POST', path: '/api/v1/accounts/bulk', body: { trainee_ids: [id] } }),
    { server: 'W', idIn: 'body', inOk: (r) => [201, 403, 409].includes(r.status) })),
  'GET /api/v1/accounts/{id}': (route) => perRole(route, (u) => kase(route, u, 'account', acc[u.login].account,
    (id) => ({ method: 'GET', path: `/api/v1/accounts/${id}` }), { inOk: (r) => r.status === 200 })),
  'PATCH /api/v1/accounts/{id}': (route) => perRole(route, (u) => kase(route, u, 'account', acc[u.login].account,
    (id) => ({ method: 'PATCH', path: `/api/v1/accounts/${id}`, body: {} }), { server: 'W', inOk: (r) => r.status === 200 })),
  'POST /api/v1/accounts/{id}/reset': (route) => perRole(route, (u) => kase(route, u, 'account', acc[u.login].spare,
    (id) => ({ method: 'POST', path: `/api/v1/accounts/${id}/reset` }), { server: 'W', inOk: (r) => r.status === 200 })),
  'DELETE /api/v1/session/sessions/{id}': (route) => perRole(route, (u) => kase(route, u, 'session', acc[u.login].session,
    (id) => ({ method: 'DELETE', path: `/api/v1/session/sessions/${id}` }), { server: 'W' })),
  'PUT /api/v1/targets': (route) => perRole(route, (u) => kase(route, u, 'region', regions[u.login],
    (c) => ({ method: 'PUT', path: '/api/v1/targets', body: { region: c, year: YEAR, targets: [] } }),
    { server: 'W', idIn: 'body' })),
};

// Accounts each role manages (in), one it does not (out), one it manages that no walker signs in
// with (a reset of it disturbs nothing), and another login's session on the write server (out).
async function findAccounts(R, W) {
  const admin = logins.find((u) => u.role === 'admin');
  const list = async (u) => {
    const r = await R.get('/api/v1/accounts?limit=1000', { token: u.tok.R });
    assert.ok(r.status === 200 || r.status === 403, `accounts of ${u.login}: ${r.status} ${r.text.slice(0, 200)}`);
    return r.status === 200 ? r.json.items : [];
  };
  const all = await list(admin);
  const walkers = new Set(logins.map((u) => u.login));
  const sessions = {};
  for (const u of logins) {
    const r = await W.get('/api/v1/session/sessions', { token: u.tok.W });
    assert.equal(r.status, 200, `sessions of ${u.login}: ${r.text}`);
    sessions[u.login] = r.json.items.find((x) => x.current).id;
  }
  for (const u of logins) {
    const mine = (await list(u)).map((a) => a.id);
    const out = all.map((a) => a.id).find((id) => !mine.includes(id));
    const spare = all.find((a) => mine.includes(a.id) && !walkers.has(a.login))?.id;
    const other = logins.find((v) => v !== u);
    acc[u.login] = {
      account: { in: mine[0], out },
      spare: { in: spare, out },
      session: { out: sessions[other.login] },
    };
  }
}

function perRole(route, fn) {
  return logins.flatMap((u) => [fn(u)].flat());
}

function perKind(route, fn) {
  return logins.flatMap((u) => kinds.filter((k) => served(route, k)).flatMap((k) => [fn(u, k)].flat()));
}

function regionCases(route, url) {
  return perRole(route, (u) => kase(route, u, 'region', regions[u.login], (c) => ({ method: 'GET', path: url(c) }),
    { idIn: 'query' }));
}

function jobCases(route, method, tail, phase = 1) {
  return perRole(route, (u) => {
    const other = logins.find((v) => v !== u && jobs[v.login] !== undefined);
    const mine = jobs[u.login];
    // An admin sees every job: another's job is in its scope.
    const triple = u.role === 'admin' ? { in: mine } : { in: mine, out: other && jobs[other.login] };
    return kase(route, u, `job${tail}`, triple, (id) => ({ method, path: `/api/v1/jobs/${id}${tail}` }),
      { server: 'W', phase });
  });
}

// ---- running and judging ----

async function send(c, id) {
  const api = client(c.server === 'R' ? readSrv.base : writeSrv.base);
  const q = c.build(id);
  return api.request(q.method, q.path, { token: c.u.tok[c.server], body: q.body, raw: q.raw, headers: q.headers });
}

// What must be equal between two answers: status, type, record count and the body
// without the request id, with the id asked for replaced.
function shape(r, id) {
  let text = r.text;
  if (r.json && typeof r.json === 'object') {
    const j = { ...r.json };
    delete j.instance;
    text = JSON.stringify(j);
  }
  // (not in a binary body, such as a workbook: its bytes are compared as they are)
  const binary = /spreadsheetml|octet-stream|zip|pdf|^image\//.test(r.headers.get('content-type') || '');
  if (id !== undefined && !binary) text = text.replace(new RegExp(`\\b${id}\\b`, 'g'), '{id}');
  return { status: r.status, type: r.headers.get('content-type'), count: r.headers.get('x-record-count'), text };
}

function describe(c, which, id, r) {
  const q = c.build(id);
  return `${c.route} as ${c.u.login} (${c.u.role}) on ${c.what}, ${which} id ${id}: ${q.method} ${q.path} -> ${r.status} ${r.text.slice(0, 200)}`;
}

// Run @c: missing and outside first, then inside; failures pushed to @fails.
async function judge(c, fails, counts) {
  const t = c.triple || {};
  if (t.missing === null) return null; // no record parameter: only the inside case runs
  const missing = t.missing ?? MISSING;
  const rm = await send(c, missing);
  counts.requests++;
  if (rm.status >= 500) fails.push(`server error: ${describe(c, 'missing', missing, rm)}`);
  if (t.out !== undefined) {
    const ro = await send(c, t.out);
    counts.requests++;
    counts.out++;
    const a = shape(ro, t.out), b = shape(rm, missing);
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      fails.push(`outside the scope differs from missing: ${describe(c, 'outside', t.out, ro)}\n    but missing: ${rm.status} ${rm.text.slice(0, 200)}`);
    }
  }
  return rm;
}

async function judgeIn(c, fails, counts) {
  const t = c.triple || {};
  if (t.in === undefined) return;
  const ri = await send(c, t.in);
  counts.requests++;
  counts.in++;
  if (ri.status >= 500 || !c.inOk(ri)) fails.push(`in the scope: ${describe(c, 'inside', t.in, ri)}`);
}

// Targets by id: the hole that made the walk.  A city reads the national
// defaults and its province's targets (in force for it) but changes only its
// own; other provinces' targets are 404 as if missing; schools and trainees
// read none.
test('targets by id obey scope: read what is in force, change only your own', async () => {
  const R = client(readSrv.base);
  const W = client(writeSrv.base);
  const as = (role) => logins.find((u) => u.role === role);
  const admin = as('admin'), city = as('city');
  const own = city.scope.region, province = `${own.slice(0, 2)}0000`;
  const csv = csvRows((await R.get('/api/v1/exports/targets.csv?lang=en', { token: admin.tok.R })).text);
  const col = (n) => csv[0].indexOf(n);
  const rows = csv.slice(1).map((x) => ({ id: Number(x[col('id')]), region: x[col('region')] }));
  const pick = (f, what) => {
    const t = rows.find(f);
    assert.ok(t, `the demo has ${what}`);
    return t.id;
  };
  const national = pick((t) => t.region === '', 'a national default target');
  const above = pick((t) => t.region === province, `a target of province ${province}`);
  const mine = pick((t) => t.region === own, `a target of ${own}`);
  const other = pick((t) => t.region !== '' && t.region.slice(0, 2) !== own.slice(0, 2), 'a target of another province');
  const missing = await R.get(`/api/v1/targets/${MISSING}`, { token: city.tok.R });
  assert.equal(missing.status, 404);
  const get = async (u, id) => (await R.get(`/api/v1/targets/${id}`, { token: u.tok.R })).status;
  assert.equal(await get(city, national), 200, 'a city reads the national defaults');
  assert.equal(await get(city, above), 200, "a city reads its province's targets");
  assert.equal(await get(city, mine), 200, 'a city reads its own targets');
  const r = await R.get(`/api/v1/targets/${other}`, { token: city.tok.R });
  assert.equal(r.status, 404, `another province's target is not found: ${r.text}`);
  assert.equal(r.json.detail, missing.json.detail);
  for (const role of ['school', 'enterprise', 'trainee']) {
    assert.equal(await get(as(role), national), 404, `${role} reads no targets`);
    assert.equal(await get(as(role), mine), 404, `${role} reads no targets`);
  }
  // Writes: others' are 404, those above it 403, its own changes.
  const del = async (id) => (await W.del(`/api/v1/targets/${id}`, { token: city.tok.W })).status;
  const patch = async (id) => (await W.patch(`/api/v1/targets/${id}`, { value: 1 }, { token: city.tok.W })).status;
  assert.equal(await del(other), 404, "a city does not delete another province's target");
  assert.equal(await patch(other), 404, "a city does not change another province's target");
  assert.equal(await del(national), 403, 'a city does not delete the national defaults');
  assert.equal(await patch(above), 403, "a city does not change its province's targets");
  assert.equal(await patch(mine), 200, 'a city changes its own targets');
  for (const id of [other, national, above]) {
    assert.equal((await W.get(`/api/v1/targets/${id}`, { token: admin.tok.W })).status, 200, `target ${id} is still there`);
  }
});

test('every role × route × kind: outside the scope answers as missing, inside is found', { timeout: 600000 }, async () => {
  assert.ok(spec['x-roles'] && spec['x-entities'], 'openapi.json carries the role table (x-roles) and the entities (x-entities)');
  const fails = [];
  const counts = { requests: 0, in: 0, out: 0, cases: 0 };

  // Every route of the table has a case, or the walk fails naming it.
  const routes = new Map();
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const [m, op] of Object.entries(item)) routes.set(`${m.toUpperCase()} ${op['x-route']}`, p);
  }
  const unknown = [...routes.keys()].filter((r) => !(r in CASES));
  assert.deepEqual(unknown, [], `routes without a case in tests/e2e/scope.test.mjs's CASES (add one, so that scope is checked on them): ${unknown.join(', ')}`);

  // A scoped role must find records outside its scope for every kind that is not reference data
  // (nor, for a school or an enterprise, published figures that all organisations read: party_read).
  for (const u of logins.filter(isScoped)) {
    for (const k of kinds.filter((x) => x.scope !== 'public' && !(x.party_read && u.scope.organization_id))) {
      const x = ids[u.login][k.name];
      if (x.out === undefined) {
        fails.push(`${u.login} (${u.role}) sees every ${k.plural} record there is (${x.visible.size}${x.complete ? '' : '+'}): nothing of it is outside its scope`);
      }
    }
  }

  // Alerts are read by their subject: the organisation roles read those about themselves and
  // their contracts (so the walk tries them inside and outside on the alert routes), and a
  // trainee's are about its own contracts only.
  for (const u of logins.filter((v) => ['school', 'enterprise'].includes(v.role))) {
    const x = ids[u.login].alert;
    if (x.in === undefined) fails.push(`${u.login} (${u.role}) reads no alert: the demo raises none about it, so the walk cannot try its alert reads`);
    if (x.out === undefined) fails.push(`${u.login} (${u.role}) reads every alert there is`);
  }

  // The jobs the walk asks about: each role that may import something starts one.
  const W = client(writeSrv.base);
  for (const u of logins) {
    const k = kinds.find((x) => !x.system && x.scope !== 'public' && may(u, x.write_permission));
    if (!k) continue;
    const r = await W.request('POST', `/api/v1/imports?kind=${k.plural}`, { token: u.tok.W, raw: 'walk\n1\n', headers: { 'content-type': 'text/csv' } });
    assert.equal(r.status, 202, `import as ${u.login}: ${r.text}`);
    jobs[u.login] = r.json.id;
  }
  for (const u of logins.filter((v) => v.role !== 'admin')) {
    const r = await W.get('/api/v1/jobs', { token: u.tok.W });
    const foreign = r.json.items.filter((j) => j.id !== jobs[u.login]);
    if (foreign.length) fails.push(`GET /api/v1/jobs as ${u.login} lists others' jobs: ${foreign.map((j) => j.id)}`);
  }

  // One notification of each account's own (the demo's accounts were told they were made).
  for (const u of logins) {
    const r = await W.get('/api/v1/notifications?limit=1', { token: u.tok.W });
    assert.equal(r.status, 200, `notifications of ${u.login}: ${r.text}`);
    notes[u.login] = r.json.items[0]?.id;
    if (notes[u.login] === undefined) fails.push(`${u.login} has no notification to mark read`);
  }

  const cases = [];
  for (const r of routes.keys()) {
    const c = CASES[r];
    if (c !== NONE) cases.push(...c(r));
  }
  counts.cases = cases.length;
  // Phase 1: reads and writes that remove nothing; phase 2: missing and outside deletions,
  // then the deletions inside the scope, each on its own id.
  const p1 = cases.filter((c) => c.phase === 1), p2 = cases.filter((c) => c.phase === 2);
  await pool([...p1.map((c) => () => judge(c, fails, counts)), ...p1.map((c) => () => judgeIn(c, fails, counts))]);
  await pool(p2.map((c) => () => judge(c, fails, counts)));
  await pool(p2.map((c) => () => judgeIn(c, fails, counts)));

  // Every route with a record parameter was exercised for every role.
  for (const r of routes.keys()) {
    if (CASES[r] === NONE) continue;
    for (const u of logins) {
      if (!cases.some((c) => c.route === r && c.u === u)) fails.push(`no case ran for ${r} as ${u.login}`);
    }
  }
  console.log(`scope walk: ${counts.cases} cases, ${counts.requests} requests (${counts.out} outside the scope, ${counts.in} inside)`);
  assert.equal(fails.length, 0, `${fails.length} scope failures:\n  ${fails.slice(0, 60).join('\n  ')}`);
});
