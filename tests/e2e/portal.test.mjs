// portal.test.mjs - the public portal over real HTTP on the demo pilot
// (docs/PORTAL.md): its pages in both languages and care mode, the crawl
// that finds no national ID, phone number or trainee name on any page, the
// cache (ETag and 304, gzip, a new page after publishing), the headers (CSP,
// no Set-Cookie), the rate limit, and the redirects of the application's old
// links to /app/.  On both backends (DUALTRACK_TEST_BACKEND=pgsql).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { demoDb, startServer, okAsync, sqlite } from './helpers.mjs';

let demo, srv;

before(async () => {
  demo = await demoDb('dualtrack-portal-');
  srv = await startServer(demo.db, { extra: ['--portal-rate', '0'] });
});
after(async () => { if (srv) await srv.stop(); });

async function get(path, headers = {}) {
  const r = await fetch(srv.base + path, { headers, redirect: 'manual' });
  const buf = Buffer.from(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, buf, text: buf.toString('utf8') };
}

test('the pages answer in Chinese and English, with care mode, and no session', async () => {
  for (const [path, lang] of [['/', 'zh-CN'], ['/en/', 'en'], ['/inspection-results', 'zh-CN'], ['/en/training-places', 'en'], ['/?care=1', 'zh-CN']]) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.match(r.text, new RegExp(`<html lang="${lang}">`), path);
    assert.match(r.text, /<a class="skip" href="#main">/);
    assert.match(r.text, /<main id="main"/);
    assert.match(r.text, /href="\/app\/login"/);
    assert.equal(r.headers.get('set-cookie'), null, `${path} sets no cookie`);
    assert.match(r.headers.get('content-security-policy'), /default-src 'self'; script-src 'self'/);
    assert.doesNotMatch(r.text, /<script/);
  }
  assert.match((await get('/?care=1')).text, /<body class="care">/);
  const home = await get('/');
  const cities = [...home.text.matchAll(/href="\/cities\/(\d{6})"/g)].map((m) => m[1]);
  assert.ok(cities.length >= 3, `the demo publishes its pilot cities (${cities.length})`);
  const city = await get(`/en/cities/${cities[0]}`);
  assert.equal(city.status, 200);
  assert.match(city.text, /The score&#39;s parts|The score's parts/);
  assert.match(city.text, /The published weights/);
  const nf = await get('/en/no-such-page');
  assert.equal(nf.status, 404);
  assert.match(nf.text, /Page not found/);
  assert.match((await get('/no-such-page')).text, /页面不存在/);
  assert.equal((await get('/cities/999999')).status, 404);
  const robots = await get('/robots.txt');
  assert.match(robots.text, /Disallow: \/app\//);
  const feed = await get('/feed.atom');
  assert.match(feed.headers.get('content-type'), /application\/atom\+xml/);
  assert.match(feed.text, /<entry>/);
});

test('a crawl of every page finds no national ID, phone number or trainee name', async () => {
  const names = sqlite(demo.db, "SELECT DISTINCT name FROM trainee WHERE length(name) >= 3").split('\n').filter(Boolean);
  assert.ok(names.length > 10, 'trainee names read from the database');
  const sitemap = await get('/sitemap.xml');
  const todo = [...sitemap.text.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  todo.push('/', '/en/', '/?care=1', '/feed.atom');
  const seen = new Set();
  while (todo.length) {
    const p = todo.shift();
    if (seen.has(p)) continue;
    seen.add(p);
    const r = await get(p);
    if (r.status === 302) continue;
    assert.equal(r.status, 200, p);
    assert.doesNotMatch(r.text, /(?<!\d)\d{17}[\dXx](?!\d)/, `${p}: a national ID`);
    assert.doesNotMatch(r.text, /(?<!\d)1[3-9]\d{9}(?!\d)/, `${p}: a phone number`);
    for (const n of names) assert.ok(!r.text.includes(n), `${p}: trainee name ${n}`);
    for (const m of r.text.matchAll(/href="(\/[^"#]*)"/g)) {
      const u = m[1].replace(/&amp;/g, '&');
      if (!u.startsWith('/app') && !u.startsWith('/assets') && !u.startsWith('/api')) todo.push(u);
    }
  }
  assert.ok(seen.size >= 10, `crawled ${seen.size} pages`);
});

// The page at @path once its ETag is no longer @etag: another process (the CLI)
// wrote, so the server learns it from the notification on PostgreSQL, or on
// SQLite when it reads the generation again (at most a second later).
async function changed(path, etag) {
  for (let i = 0; ; i++) {
    const r = await get(path);
    if (r.headers.get('etag') !== etag) return r;
    assert.ok(i < 40, `${path} did not change within 2 s of publishing`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

test('ETag and 304, gzip, and a new page after publishing', async () => {
  const a = await get('/');
  const etag = a.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  assert.equal((await get('/', { 'if-none-match': etag })).status, 304);
  // fetch() decodes gzip itself: read the bytes with node:http to see them
  const gz = await new Promise((resolve, reject) => {
    http.get(`${srv.base}/`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ headers: res.headers, buf: Buffer.concat(parts) }));
    }).on('error', reject);
  });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gz.buf.length < a.buf.length / 2, `gzip ${gz.buf.length} of ${a.buf.length} bytes`);
  assert.equal(zlib.gunzipSync(gz.buf).toString('utf8'), a.text);
  // withdraw one city's figures through the CLI (another process): its page goes
  const city = a.text.match(/href="\/cities\/(\d{6})"/)[1];
  await okAsync(['publish', '--db', demo.db, '--region', city, '--year', '2020']);
  const b = await changed('/', etag);
  assert.match(b.text, /2020 年度数据/, 'the new publication is shown');
  assert.equal((await get('/', { 'if-none-match': etag })).status, 200);
  const id = sqlite(demo.db, `SELECT max(id) FROM publication WHERE region = ${city}`).trim();
  await okAsync(['publish', '--db', demo.db, '--withdraw', id]);
  const c = await changed('/', b.headers.get('etag'));
  assert.doesNotMatch(c.text, /2020 年度数据/, 'the withdrawn one is gone');
});

test('old links of the application redirect to /app/', async () => {
  for (const [from, to] of [['/contracts/12', '/app/contracts/12'], ['/login', '/app/login'], ['/trainees?x=1', '/app/trainees?x=1']]) {
    const r = await get(from);
    if (to) {
      assert.equal(r.status, 302, from);
      assert.equal(r.headers.get('location'), to);
    }
  }
  assert.equal((await get('/app/')).status, 200);
  assert.equal((await get('/app/contracts/12')).status, 200);
  assert.equal((await get('/api/v1/nothing-here/1/2')).headers.get('content-type').includes('json'), true);
});

test('the portal is rate-limited per address', async () => {
  const s2 = await startServer(demo.db, { extra: ['--portal-rate', '5'] });
  try {
    const codes = [];
    for (let i = 0; i < 8; i++) {
      const r = await fetch(`${s2.base}/robots.txt`);
      await r.arrayBuffer();
      codes.push(r.status);
    }
    assert.deepEqual(codes.slice(0, 5), [200, 200, 200, 200, 200]);
    assert.equal(codes[7], 429);
    const api = await fetch(`${s2.base}/healthz`);
    assert.equal(api.status, 200, 'the API is not limited by the portal');
  } finally {
    await s2.stop();
  }
});
