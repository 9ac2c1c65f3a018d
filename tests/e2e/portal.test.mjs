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
import { client, demoDb, expectStatus, startServer, okAsync, sqlite } from './helpers.mjs';

let demo, srv, api, city;
const tok = {};
const pw = (login) => `pw-${login}-2026!`;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082', 'hex');

before(async () => {
  demo = await demoDb('dualtrack-portal-');
  city = sqlite(demo.db, 'SELECT min(region) FROM publication WHERE withdrawn_at IS NULL').trim();
  const users = [['pcity', 'city', city], ['pprov', 'province', `${city.slice(0, 2)}0000`], ['pnation', 'national']];
  for (const [login, role, scope] of users) {
    const args = ['user', 'add', '--db', demo.db, '--login', login, '--role', role, '--password-stdin'];
    if (scope) args.push('--scope', scope);
    await okAsync(args, { input: `${pw(login)}\n` });
  }
  srv = await startServer(demo.db, { extra: ['--portal-rate', '0'] });
  api = client(srv.base);
  for (const [login] of users) {
    tok[login] = expectStatus(await api.post('/api/v1/session', { login, password: pw(login) }), 200).json.token;
  }
});
after(async () => {
  if (!srv) return;
  const { code } = await srv.stop();
  assert.equal(code, 0, srv.output());
});

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
  // the publicity screens were made under /app/ only: the portal answers their names
  for (const p of ['/cases', '/news', '/policies', '/search', '/en/cases']) assert.equal((await get(p)).status, 200, p);
  for (const p of ['/app/cases', '/app/news', '/app/policies']) assert.equal((await get(p)).status, 200, p);
  for (const p of ['/cases/999999', '/news/1', '/policies/999999']) assert.equal((await get(p)).headers.get('location'), null, `${p} is the portal's, not an old link`);
  for (const [from, to] of [['/contracts/12', '/app/contracts/12'], ['/login', '/app/login'], ['/trainees?x=1', '/app/trainees?x=1'], ['/places', '/app/places'], ['/notifications', '/app/notifications']]) {
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

const HOSTILE = [
  '# 校企双制门户案例',
  '<script>alert(1)</script>',
  '[点我](javascript:alert(1)) [数据](data:text/html;base64,PHNjcmlwdD4=) [藏](jav&#x09;ascript:alert(2))',
  '<img src=x onerror=alert(3)> <iframe src="https://evil.example"></iframe> <b onclick="x()">粗</b>',
  '![外链](https://evil.example/p.png)',
].join('\n\n');

const as = (login) => ({ token: tok[login] });
const step = async (login, id, s) => expectStatus(await api.post(`/api/v1/cases/${id}/${s}`, {}, as(login)), 200, `${login} ${s}`);

test('cases, news, notices and policy documents: lists, details, files, 404 as missing', async () => {
  const list = await get('/cases');
  assert.equal(list.status, 200);
  const ids = [...list.text.matchAll(/href="\/cases\/(\d+)"/g)].map((m) => m[1]);
  assert.ok(ids.length >= 2, `the demo publishes cases (${ids.length})`);
  assert.match(list.text, /<select id="f-region" name="region">/);
  assert.match(list.text, /推荐/, 'featured cases are marked');
  const one = await get(`/en/cases/${ids[0]}`);
  assert.equal(one.status, 200);
  assert.match(one.text, /<html lang="en">/);
  assert.match(one.text, /class="prose"/);
  // the frozen figures with their year
  const frozen = (await Promise.all(ids.map((id) => get(`/cases/${id}`)))).find((r) => /公布时的数据（\d{4} 年度）/.test(r.text));
  assert.ok(frozen, 'a published case shows its frozen figures with their year');
  // filtered by region: only that region's cases
  const reg = list.text.match(/<option value="(\d{6})">/)[1];
  const f = await get(`/cases?region=${reg}`);
  assert.equal(f.status, 200);
  assert.match(f.text, new RegExp(`<option value="${reg}" selected>`));
  const news = await get('/news');
  const newsIds = [...news.text.matchAll(/href="\/news\/(\d+)"/g)].map((m) => m[1]);
  assert.ok(newsIds.length >= 1, 'the demo publishes news');
  assert.equal((await get(`/news/${newsIds[0]}`)).status, 200);
  const pol = await get('/policies');
  const polIds = [...pol.text.matchAll(/href="\/policies\/(\d+)"/g)].map((m) => m[1]);
  assert.ok(polIds.length >= 1, 'the demo publishes policy documents');
  assert.equal((await get(`/news/${polIds[0]}`)).status, 404, 'a policy is no news item');
  assert.doesNotMatch(pol.text + news.text + list.text, /·\s*·/, 'no empty part in a line of facts');
  // a policy document's attachment: a download, cached for good
  let pdf = null;
  for (const id of polIds) {
    const m = (await get(`/policies/${id}`)).text.match(/href="\/files\/([0-9a-f]{64})"/);
    if (m) { pdf = m[1]; break; }
  }
  assert.ok(pdf, 'a demo policy document has an attachment');
  const fr = await get(`/files/${pdf}`);
  assert.equal(fr.status, 200);
  assert.equal(fr.headers.get('content-type'), 'application/pdf');
  assert.match(fr.headers.get('content-disposition'), /^attachment;/);
  assert.match(fr.headers.get('cache-control'), /immutable/);
  assert.equal(fr.headers.get('x-content-type-options'), 'nosniff');
  assert.equal((await get(`/files/${'0'.repeat(64)}`)).status, 404);
  assert.equal((await get('/files/../etc/passwd')).status, 404);
  // search: a GET form, Chinese without spaces
  const s = await get(`/search?q=${encodeURIComponent(news.text.match(/href="\/news\/\d+">([^<]{3})/)[1])}`);
  assert.equal(s.status, 200);
  assert.match(s.text, /<form class="search" method="get" action="\/search"/);
  assert.match(s.text, /href="\/news\/\d+"/);
  // a hit in a case's text shows the words around it, without Markdown, the words marked
  const x = await get(`/search?q=${encodeURIComponent('双导师')}`);
  const ex = x.text.match(/<p class="excerpt">([^]*?)<\/p>/);
  assert.ok(ex, 'a search hit in the text has an excerpt');
  assert.match(ex[1], /^…?[^<*#]*<mark>双导师<\/mark>[^<*#]*…?$/, 'no markup in the excerpt, the words marked');
  // 404s read as a missing id, exactly
  const missing = await get('/cases/999999999');
  assert.equal(missing.status, 404);
  const draft = sqlite(demo.db, "SELECT min(id) FROM pub_case WHERE status <> 'published'").trim();
  const withdrawn = sqlite(demo.db, "SELECT min(id) FROM pub_item WHERE status <> 'published'").trim();
  assert.ok(draft, 'the demo has a case under review');
  const d = await get(`/cases/${draft}`);
  assert.equal(d.status, 404);
  assert.equal(d.text, missing.text, 'an unpublished case reads as a missing one');
  if (withdrawn) assert.equal((await get(`/news/${withdrawn}`)).text, missing.text);
  assert.equal((await get('/cases/abc')).text, missing.text);
  assert.equal((await get('/policies/999999999')).text, missing.text);
  // the home page: latest news and featured cases; a pilot city: its cases
  const home = await get('/');
  assert.match(home.text, /最新新闻公告/);
  assert.match(home.text, /推荐典型经验/);
  const feed = await get('/feed.atom');
  assert.match(feed.text, /\/cases\/\d+"\/>/);
  assert.match(feed.text, /\/policies\/\d+"\/>/);
  const sm = await get('/sitemap.xml');
  for (const id of ids) assert.match(sm.text, new RegExp(`/cases/${id}</loc>`));
  for (const id of polIds) assert.match(sm.text, new RegExp(`/en/policies/${id}</loc>`));
});

test('a case published through the API: inert Markdown, its image, the cache invalidated', async () => {
  const up = await api.request('POST', '/api/v1/attachments?name=photo', { token: tok.pcity, raw: PNG, headers: { 'content-type': 'image/png' } });
  const photo = expectStatus(up, 201).json.hash;
  const body = `${HOSTILE}\n\n![车间](/api/v1/attachments/${photo})`;
  const c = expectStatus(await api.post('/api/v1/cases', { title: '门户测试案例', summary: '摘要', body, images: [photo] }, as('pcity')), 201).json;
  const before0 = await get('/cases');
  assert.equal((await get(`/cases/${c.id}`)).status, 404, 'a draft is not public');
  assert.equal((await get(`/files/${photo}`)).status, 404, 'nor its image');
  await step('pcity', c.id, 'submit');
  await step('pcity', c.id, 'recommend');
  await step('pprov', c.id, 'approve');
  assert.equal((await get('/cases')).headers.get('etag'), before0.headers.get('etag'), 'review steps change nothing public');
  await step('pprov', c.id, 'publish');
  const after0 = await get('/cases');
  assert.notEqual(after0.headers.get('etag'), before0.headers.get('etag'), 'publishing invalidates the cached list');
  assert.match(after0.text, /门户测试案例/);
  assert.match((await get(`/cities/${city}`)).text, new RegExp(`href="/cases/${c.id}"`), 'the pilot city lists its published case');
  const page = await get(`/cases/${c.id}`);
  assert.equal(page.status, 200);
  const prose = page.text.slice(page.text.indexOf('class="prose"'), page.text.indexOf('</article>'));
  assert.doesNotMatch(prose, /<script|<iframe|onerror|onclick|javascript:|data:text/i);
  assert.doesNotMatch(prose, /<b[ >]/, 'no raw HTML');
  for (const m of prose.matchAll(/<img [^>]*src="([^"]*)"/g)) assert.match(m[1], /^\/files\/[0-9a-f]{64}$/, 'images only from the attachment store');
  assert.match(prose, new RegExp(`<img src="/files/${photo}"`));
  assert.doesNotMatch(page.text, /evil\.example/);
  const img = await get(`/files/${photo}`);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.match(img.headers.get('content-disposition'), /^inline/);
  // featuring puts it on the home page; withdrawing takes it off everywhere
  const home0 = await get('/');
  await step('pnation', c.id, 'feature');
  const home1 = await get('/');
  assert.notEqual(home1.headers.get('etag'), home0.headers.get('etag'));
  assert.match(home1.text, /门户测试案例/);
  await step('pnation', c.id, 'withdraw');
  const gone = await get(`/cases/${c.id}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.text, (await get('/cases/999999999')).text);
  assert.doesNotMatch((await get('/')).text, /门户测试案例/);
  assert.equal((await get(`/files/${photo}`)).status, 404, 'the image of a withdrawn case is not served');
});
