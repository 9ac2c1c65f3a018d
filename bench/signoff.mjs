// signoff.mjs - bulk sign-off against one sign-off per entry, in one run
// (bench/signoff.sh starts the server and makes the accounts).
//
// Two active contracts naming the company mentor MENTOR, N entries on each
// (one hour a day on N days, made by the admin), then: the mentor signs the
// first contract's N entries one request each (POST .../{id}/signoff), and
// the second contract's N entries in ONE request (POST .../signoff with
// {ids}).  Prints both times and their ratio.
//
//   BASE ADMIN_TOKEN MENTOR_TOKEN ENT SCHOOL PROGRAMME MENTOR SCHOOL_MENTOR N
const env = process.env;
const base = env.BASE, n = Number(env.N || 1000);

async function call(method, path, token, body) {
  const r = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

function natid(seq) {
  const body = `210102${'2004'}0${(seq % 9) + 1}1${String(seq % 10)}${String(100 + seq).slice(-3)}`.slice(0, 17);
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s = [...body].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return body + '10X98765432'[s % 11];
}

async function contract(seq) {
  const admin = env.ADMIN_TOKEN;
  const tr = await call('POST', '/api/v1/trainees', admin, { national_id: natid(seq), name: `压测学员${seq}`, region: '210102' });
  const c = await call('POST', '/api/v1/contracts', admin, {
    trainee_id: tr.id, enterprise_id: Number(env.ENT), school_id: Number(env.SCHOOL), programme_id: Number(env.PROGRAMME),
    company_mentor_id: Number(env.MENTOR), school_mentor_id: Number(env.SCHOOL_MENTOR), stipend_monthly: 2600,
    start_date: '2021-01-01', end_date: '2027-12-31',
  });
  await call('POST', `/api/v1/contracts/${c.id}/submit`, admin);
  for (const party of ['enterprise', 'school', 'trainee']) await call('POST', `/api/v1/contracts/${c.id}/approve`, admin, { party });
  await call('POST', `/api/v1/contracts/${c.id}/activate`, admin);
  const ids = [];
  const day0 = Date.UTC(2021, 0, 1);
  for (let i = 0; i < n; i++) {
    const date = new Date(day0 + i * 86400000).toISOString().slice(0, 10);
    ids.push((await call('POST', '/api/v1/record-entries', admin, { contract_id: c.id, date, site: 'company', hours: 1, content: `实训第 ${i + 1} 天` })).id);
  }
  return ids;
}

const one = await contract(1);
const many = await contract(2);
const tok = env.MENTOR_TOKEN;
let t0 = performance.now();
for (const id of one) await call('POST', `/api/v1/record-entries/${id}/signoff`, tok);
const singles = (performance.now() - t0) / 1000;
t0 = performance.now();
const r = await call('POST', '/api/v1/record-entries/signoff', tok, { ids: many });
const bulk = (performance.now() - t0) / 1000;
if (r.signed !== n) throw new Error(`bulk signed ${r.signed}`);
console.log(`${n} single sign-offs: ${singles.toFixed(3)} s (${(n / singles).toFixed(0)}/s)`);
console.log(`${n} in one bulk sign-off: ${bulk.toFixed(3)} s`);
console.log(`ratio single/bulk: ${(singles / bulk).toFixed(1)}x; signed by ${r.signed_by}`);
