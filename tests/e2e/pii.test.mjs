// pii.test.mjs - a national ID cannot be rebuilt from what the API shows a
// caller without pii:read.
//
// The demo pilot (`dualtrack demo`) is served over real HTTP.  As the
// enterprise (`company`), the city (`shenyang`) and the inspector, the test
// gathers everything the API shows about the trainees they can see: the
// list, each record, the CSV and XLSX exports of trainees and of contracts
// (which carry the trainee's ID), and the audit events with their before and
// after objects.  Then, per trainee, it counts by brute force every
// 18-character ID consistent with all of it: the districts of the region
// table (data/regions.csv) under the region shown, every real date in the
// birth year shown (before the trainee was 16, or 18 without a guardian, on
// the day of registration), sequence numbers of the gender's parity, the
// characters any mask shows, and the GB 11643 check character computed here
// independently of src/domain/natid.c.  Every trainee must keep at least
// 10,000 candidates.  Filters, sorting and updates are then checked not to
// answer finer than what is shown.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { client, dbPath, demoDb, expectProblem, expectStatus, ok, okAsync, startServer, tmpdir } from './helpers.mjs';

const MIN_CANDIDATES = 10000;
const COARSE_USERS = ['company', 'shenyang', 'inspector'];
const PASSWORD = 'dualtrack-demo';

let dir;
let srv;
let api;
const tok = {};

before(async () => {
  const d = await demoDb('dualtrack-pii-');
  dir = d.dir;
  const db = d.db;
  srv = await startServer(db, { threads: 2 });
  api = client(srv.base);
  for (const login of [...COARSE_USERS, 'admin', 'school', 'trainee']) {
    tok[login] = expectStatus(await api.post('/api/v1/session', { login, password: PASSWORD }), 200).json.token;
  }
});

after(async () => {
  if (!srv) return;
  const { code } = await srv.stop();
  assert.equal(code, 0, srv.output());
});

const getAs = async (login, p, status = 200) => expectStatus(await api.get(p, { token: tok[login] }), status).json;

async function listAll(login, kind, params = '', limit = 1000) {
  const out = [];
  let cursor = null;
  do {
    const page = await getAs(login, `/api/v1/${kind}?limit=${limit}${params}${cursor ? `&cursor=${cursor}` : ''}`);
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

// ---- an independent model of GB 11643 and the region table ----

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

const REGIONS = fs.readFileSync(path.resolve('data/regions.csv'), 'utf8').split('\n').slice(1)
  .map((l) => l.split(',')).filter((f) => /^\d{6}$/.test(f[0])).map((f) => f[0]);

// The district (county-level) codes an ID of household region @code may carry.
function districtsUnder(code) {
  if (code % 100 !== 0) return [String(code)];
  const span = code % 10000 === 0 ? 10000 : 100;
  const under = REGIONS.filter((r) => Number(r) > code && Number(r) < code + span && Number(r) % 100 !== 0);
  return under.length ? under : [String(code)];
}

const pad = (n, w) => String(n).padStart(w, '0');

// A birth date as ISO text, its 8 digits and their part of the weighted sum.
function day(iso) {
  const digits = iso.replaceAll('-', '');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * W[6 + i];
  return { iso, digits, sum };
}

const years = new Map();
function datesOf(shown) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(shown)) return [day(shown)];
  assert.match(shown, /^\d{4}$/, `a birth date or year, got ${shown}`);
  if (!years.has(shown)) {
    const y = Number(shown);
    const out = [];
    for (let d = new Date(Date.UTC(y, 0, 1)); d.getUTCFullYear() === y; d.setUTCDate(d.getUTCDate() + 1)) out.push(day(d.toISOString().slice(0, 10)));
    years.set(shown, out);
  }
  return years.get(shown);
}

// Every date from 1900 to 2026, for an ID shown without a birth year.
function* anyDate() {
  for (let y = 1900; y <= 2026; y++) yield* datesOf(String(y));
}

/**
 * Every ID consistent with @o: {masks: [...], births: [...], regions: [...],
 * gender, latest (born on or before)}, counted up to @limit.
 */
function candidates(o, limit = MIN_CANDIDATES) {
  const known = new Array(18).fill(null);
  for (const m of o.masks) {
    assert.equal(m.length, 18, `an ID as shown: ${m}`);
    for (let i = 0; i < 18; i++) {
      if (m[i] === '*') continue;
      if (known[i] !== null && known[i] !== m[i]) return 0;
      known[i] = m[i];
    }
  }
  const fits = (s, at) => [...s].every((ch, i) => known[at + i] === null || known[at + i] === ch);
  let districts = null;
  for (const r of o.regions) {
    const d = districtsUnder(Number(r));
    districts = districts ? districts.filter((x) => d.includes(x)) : d;
  }
  districts = (districts || REGIONS.filter((r) => Number(r) % 100 !== 0)).filter((d) => fits(d, 0));
  let dates = null;
  for (const b of o.births) {
    const d = new Set(datesOf(b).map((x) => x.iso));
    dates = (dates || datesOf(b)).filter((x) => d.has(x.iso));
  }
  // Shown only in a contract (a trainee outside the reader's own list): born 1900 to now.
  if (!dates) dates = anyDate();
  // the sequence numbers left: the gender's parity (odd for men) and the digits shown
  const seqs = [];
  for (let seq = o.gender === 'M' ? 1 : 0; seq < 1000; seq += o.gender ? 2 : 1) {
    const s = pad(seq, 3);
    if (fits(s, 14)) seqs.push(Number(s[0]) * W[14] + Number(s[1]) * W[15] + Number(s[2]) * W[16]);
  }
  const distSums = districts.map((d) => [...d].reduce((a, ch, i) => a + Number(ch) * W[i], 0));
  let n = 0;
  for (const date of dates) {
    if ((o.latest && date.iso > o.latest) || !fits(date.digits, 6)) continue;
    for (const distSum of distSums) {
      const sum = distSum + date.sum;
      for (const part of seqs) {
        if (known[17] !== null && known[17] !== CHECK[(sum + part) % 11]) continue;
        if (++n >= limit) return n;
      }
    }
  }
  return n;
}

test('the candidate count itself: one ID when everything is shown, many when little is', () => {
  const id = '210114200802058773';
  assert.equal(CHECK[[...id.slice(0, 17)].reduce((s, ch, i) => s + Number(ch) * W[i], 0) % 11], id[17]);
  // what the enterprise was shown before: region, date and the mask with digits 15-18
  assert.equal(candidates({ masks: ['2101**********8773'], births: ['2008-02-05'], regions: ['210114'], gender: 'M' }), 1);
  const full = candidates({ masks: ['2101**************'], births: ['2008'], regions: ['210100'], gender: 'M' }, 1e9);
  assert.equal(full, districtsUnder(210100).length * 366 * 500);
  // the check character shown divides by about 11; the sequence digits by 500 more
  const withCheck = candidates({ masks: ['2101*************3'], births: ['2008'], regions: ['210100'], gender: 'M' }, 1e9);
  assert.ok(Math.abs(withCheck - full / 11) < full / 100, `${withCheck} is about ${full} / 11`);
  assert.ok(candidates({ masks: ['2101**********8773'], births: ['2008'], regions: ['210100'], gender: 'M' }, 1e9) < 500);
  assert.ok(candidates({ masks: ['2101**************'], births: ['2008'], regions: ['210100'], gender: 'M' }) >= MIN_CANDIDATES);
});

// ---- what the API shows ----

function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let q = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (q) {
      if (ch === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\n') { row.push(cell.replace(/\r$/, '')); rows.push(row); row = []; cell = ''; } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const xmlText = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

// The first sheet of an XLSX file as rows of cell texts (dates as YYYY-MM-DD).
function parseXlsx(file) {
  const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  let shared = [];
  try {
    const ss = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
    shared = [...ss.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => xmlText([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  } catch { /* inline strings only */ }
  const rows = [];
  for (const r of sheet.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)) {
    const row = [];
    for (const c of r[1].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      let col = 0;
      for (const ch of c[1]) col = col * 26 + ch.charCodeAt(0) - 64;
      const body = c[3] || '';
      let v = '';
      if (/t="s"/.test(c[2])) v = shared[Number(/<v>(.*?)<\/v>/.exec(body)[1])];
      else if (/<t[^>]*>/.test(body)) v = xmlText([...body.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join(''));
      else if (/<v>/.test(body)) {
        v = /<v>(.*?)<\/v>/.exec(body)[1];
        if (/ s="\d+"/.test(c[2]) && /^\d+(\.\d+)?$/.test(v) && Number(v) > 20000 && Number(v) < 80000) {
          v = new Date(Date.UTC(1899, 11, 30) + Number(v) * 86400000).toISOString().slice(0, 10); // a date cell
        }
      }
      row[col - 1] = v;
    }
    rows.push(row);
  }
  return rows;
}

async function download(login, p, file) {
  const res = await fetch(srv.base + p, { headers: { authorization: `Bearer ${tok[login]}` } });
  assert.equal(res.status, 200, `${p}: ${res.status}`);
  const buf = Buffer.from(await res.arrayBuffer());
  const out = path.join(dir, `${login}-${file}`);
  fs.writeFileSync(out, buf);
  return out;
}

// Rows of an export as objects keyed by the English header.
async function exportRows(login, kind, format) {
  const f = await download(login, `/api/v1/exports/${kind}.${format}?lang=en`, `${kind}.${format}`);
  const rows = format === 'csv' ? parseCsv(fs.readFileSync(f, 'utf8')) : parseXlsx(f);
  const [head, ...body] = rows;
  return body.filter((r) => r.length).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}

const minusYears = (iso, n) => `${Number(iso.slice(0, 4)) - n}${iso.slice(4, 10)}`;

/** Everything @login is shown about the trainees it sees: id -> observations. */
async function gather(login) {
  const seen = new Map();
  const obs = (id) => {
    if (!seen.has(id)) seen.set(id, { masks: [], births: [], regions: [], gender: null, latest: null, hashes: 0 });
    return seen.get(id);
  };
  const record = (id, r) => {
    const o = obs(id);
    if (r.national_id) o.masks.push(r.national_id);
    const birth = r.birth_date ?? r.birth_year;
    if (birth) o.births.push(String(birth));
    if (r.region) o.regions.push(String(r.region));
    if (r.gender) o.gender = { M: 'M', F: 'F', 男: 'M', 女: 'F' }[r.gender];
    if (r.created_at) {
      // registered at 16 at least, and at 18 at least without a guardian
      const latest = minusYears(r.created_at, r.guardian_name ? 16 : 18);
      if (!o.latest || latest < o.latest) o.latest = latest;
    }
  };
  const trainees = await listAll(login, 'trainees');
  assert.ok(trainees.length > 0, `${login} sees trainees`);
  for (const t of trainees) record(t.id, t);
  // one record at a time, and the unmasked form refused
  const sample = trainees.filter((_, i) => i % Math.ceil(trainees.length / 40) === 0);
  for (const t of sample) {
    record(t.id, await getAs(login, `/api/v1/trainees/${t.id}`));
    expectProblem(await api.get(`/api/v1/trainees/${t.id}?unmask=1`, { token: tok[login] }), 403);
  }
  expectProblem(await api.get('/api/v1/exports/trainees.csv?unmask=1', { token: tok[login] }), 403);
  // the exports of trainees, and of contracts with their trainee's ID
  for (const format of ['csv', 'xlsx']) {
    const rows = await exportRows(login, 'trainees', format);
    assert.equal(rows.length, trainees.length, `${login}: ${format} export of trainees`);
    for (const r of rows) record(Number(r.id), r);
  }
  const contracts = new Map((await listAll(login, 'contracts')).map((c) => [c.id, c.trainee_id]));
  for (const format of ['csv', 'xlsx']) {
    for (const r of await exportRows(login, 'contracts', format)) {
      const tid = contracts.get(Number(r.id));
      assert.ok(tid, `${login}: contract ${r.id} of the export is in the list`);
      if (r.trainee_national_id) obs(tid).masks.push(r.trainee_national_id);
    }
  }
  // the audit events of each record, with their objects
  if (login === 'inspector') {
    for (const t of sample) {
      for (const ev of (await getAs(login, `/api/v1/audit?entity=trainee&entity_id=${t.id}&limit=1000`)).items) {
        for (const x of [ev.before, ev.after]) if (x && typeof x === 'object') record(t.id, x);
        if (ev.region) obs(t.id).regions.push(ev.region);
        if (ev.hash) obs(t.id).hashes++;
      }
    }
  }
  return seen;
}

for (const login of COARSE_USERS) {
  test(`${login} (no pii:read) cannot narrow any trainee's ID below ${MIN_CANDIDATES} candidates`, async () => {
    const seen = await gather(login);
    const few = [];
    for (const [id, o] of seen) {
      // A hash over an event's full content would check each guess: none is shown.
      assert.equal(o.hashes, 0, `${login}: audit events of trainee ${id} show their hash`);
      const n = candidates(o);
      if (n < MIN_CANDIDATES) few.push(`trainee ${id}: ${n} (${JSON.stringify(o)})`);
    }
    assert.ok(seen.size > 0);
    assert.deepEqual(few.slice(0, 5), [], `${few.length} of ${seen.size} trainees have fewer than ${MIN_CANDIDATES} candidate IDs`);
  });
}

test('filters and sorting answer no finer than what is shown', async () => {
  const all = await listAll('admin', 'trainees', '&region=210100');
  const t = all[0];
  const year = t.birth_date.slice(0, 4);
  for (const login of ['shenyang', 'inspector']) {
    // a day, a district: refused, naming the parameter
    let p = expectProblem(await api.get(`/api/v1/trainees?birth_date=${t.birth_date}`, { token: tok[login] }), 422);
    assert.deepEqual(p.errors.map((e) => e.field), ['birth_date']);
    p = expectProblem(await api.get(`/api/v1/trainees?region=${t.region}`, { token: tok[login] }), 422);
    assert.deepEqual(p.errors.map((e) => e.field), ['region']);
    expectProblem(await api.get(`/api/v1/exports/trainees.csv?birth_date=${t.birth_date}`, { token: tok[login] }), 422);
    p = expectProblem(await api.get(`/api/v1/trainees?national_id=${encodeURIComponent(t.national_id)}`, { token: tok[login] }), 422);
    assert.deepEqual(p.errors.map((e) => e.field), ['national_id']);
    // a year, a city: the same as the full list cut to them
    const ofYear = await listAll(login, 'trainees', `&birth_date=${year}`);
    assert.deepEqual(ofYear.map((x) => x.id).sort((a, b) => a - b), all.filter((x) => x.birth_date.startsWith(year)).map((x) => x.id).sort((a, b) => a - b));
    assert.ok(ofYear.every((x) => x.birth_date === year));
    assert.equal((await listAll(login, 'trainees', '&region=210100')).length, all.length);
    // sorting by birth date or region: by year or city, then by id, across pages
    for (const [key, coarse] of [['birth_date', (x) => x.birth_date], ['region', (x) => x.region]]) {
      for (const desc of [false, true]) {
        const got = await listAll(login, 'trainees', `&sort=${desc ? '-' : ''}${key}`, 97);
        assert.equal(got.length, all.length, `${login}: sort=${key} pages cover the list once`);
        assert.equal(new Set(got.map((x) => x.id)).size, got.length);
        for (let i = 1; i < got.length; i++) {
          const a = got[i - 1];
          const b = got[i];
          const c = coarse(a) < coarse(b) ? -1 : coarse(a) > coarse(b) ? 1 : Math.sign(a.id - b.id);
          assert.equal(c, desc ? 1 : -1, `${login}: sort=${desc ? '-' : ''}${key}: ${a.id} (${coarse(a)}) before ${b.id} (${coarse(b)})`);
        }
      }
    }
  }
  // Full dates sort by date for a reader with pii:read: the order differs within a year.
  const byDate = await listAll('admin', 'trainees', '&region=210100&sort=birth_date');
  for (let i = 1; i < byDate.length; i++) assert.ok(byDate[i - 1].birth_date <= byDate[i].birth_date);
});

test('an update naming the birth date or gender is refused whatever its value (no guess is confirmed)', async () => {
  const mine = (await getAs('company', '/api/v1/trainees?limit=1')).items[0];
  const full = await getAs('admin', `/api/v1/trainees/${mine.id}`);
  const other = full.birth_date.endsWith('-01') ? `${full.birth_date.slice(0, 8)}02` : `${full.birth_date.slice(0, 8)}01`;
  const answers = [];
  for (const birth of [full.birth_date, other]) {
    const p = expectProblem(await api.patch(`/api/v1/trainees/${mine.id}`, { birth_date: birth }, { token: tok.company }), 422);
    answers.push(p.errors);
  }
  assert.deepEqual(answers[0], answers[1], 'the right and a wrong birth date get the same answer');
  for (const g of ['M', 'F']) {
    const p = expectProblem(await api.patch(`/api/v1/trainees/${mine.id}`, { gender: g }, { token: tok.company }), 422);
    assert.deepEqual(p.errors.map((e) => e.field), ['gender']);
  }
});

test('readers with pii:read, and a trainee reading their own record, see it as stored', async () => {
  const MASK = /^\d{4}\*{10}[\dX]{4}$/;
  for (const login of ['admin', 'school']) {
    const t = (await getAs(login, '/api/v1/trainees?limit=1')).items[0];
    assert.match(t.national_id, MASK);
    assert.match(t.birth_date, /^\d{4}-\d{2}-\d{2}$/);
    const full = await getAs(login, `/api/v1/trainees/${t.id}?unmask=1`);
    assert.equal(full.national_id.slice(6, 14), t.birth_date.replaceAll('-', ''));
    assert.equal(full.national_id.slice(14), t.national_id.slice(14));
  }
  const who = await getAs('trainee', '/api/v1/session');
  const own = (await getAs('trainee', '/api/v1/trainees')).items;
  assert.equal(own.length, 1);
  assert.match(own[0].birth_date, /^\d{4}-\d{2}-\d{2}$/, JSON.stringify(who));
  assert.match(own[0].national_id, MASK);
  expectProblem(await api.get(`/api/v1/trainees/${own[0].id}?unmask=1`, { token: tok.trainee }), 403);
  // and the company sees the same trainee coarsened
  const seenByCompany = await api.get(`/api/v1/trainees/${own[0].id}`, { token: tok.company });
  if (seenByCompany.status === 200) {
    assert.match(seenByCompany.json.birth_date, /^\d{4}$/);
    assert.match(seenByCompany.json.national_id, /^\d{4}\*{14}$/);
    assert.match(seenByCompany.json.region, /^\d{4}00$/);
  }
});
