// servers.test.mjs - several `dualtrack serve` processes on one PostgreSQL
// database behave as one: a session or a token works on any of them; a
// revocation made anywhere (here: the CLI) holds on every server within a
// second, not after the credential cache's five seconds; the alert rules are
// evaluated by one server only, which also sees the other's writes; job ids
// never collide and a job's progress and end are visible on the server that
// did not run it; and a server killed with SIGKILL in the middle of writes
// loses no acknowledged write (`check` passes, every 201 is there); and a
// publication through one server shows on the other's portal at once (within
// seconds on a slow machine).
//
// PostgreSQL only: it runs in the PostgreSQL pass of `make test`
// (DUALTRACK_TEST_BACKEND=pgsql); SQLite has one server per file.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  PG, client, dbPath, expectStatus, ok, okAsync, orgBody, runAsync, sleep, startServer, tmpdir,
  uscc,
} from './helpers.mjs';

const LOG = { DUALTRACK_LOG_LEVEL: 'info' };

function account(db, login, role, scope) {
  const args = ['user', 'add', '--login', login, '--role', role, '--password-stdin', '--db', db];
  if (scope) args.push('--scope', scope);
  ok(args, { input: 'servers-test-password\n' });
}

async function token(db, login) {
  const r = await runAsync(['token', 'create', '--db', db, '--login', login]);
  assert.equal(r.status, 0, r.stderr);
  return { token: r.stdout.trim().split('\n').at(-1), id: Number(/created token (\d+)/.exec(r.stderr)[1]) };
}

// Poll @fn until it returns true or @ms pass; returns the milliseconds it took, or -1.
async function within(ms, fn) {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - t0;
    if (Date.now() - t0 > ms) return -1;
    await sleep(20);
  }
}

function csv(rows) {
  return '\ufeff' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
}

if (PG) {
  test('two servers on one PostgreSQL: sessions, revocation, one alert evaluator, jobs', async () => {
    const db = dbPath(tmpdir('dualtrack-servers-'));
    ok(['init', '--db', db]);
    account(db, 'srv-admin', 'admin');
    account(db, 'srv-city', 'city', '210100');
    const A = await startServer(db, { env: LOG });
    const B = await startServer(db, { env: LOG });
    try {
      const a = client(A.base);
      const b = client(B.base);

      // A session made on A works on B.
      const res = await fetch(`${A.base}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: A.base },
        body: JSON.stringify({ login: 'srv-city', password: 'servers-test-password' }),
      });
      assert.equal(res.status, 200, await res.text());
      const cookie = res.headers.get('set-cookie').split(';')[0];
      const onB = await fetch(`${B.base}/api/v1/session`, { headers: { cookie } });
      assert.equal(onB.status, 200);
      assert.equal((await onB.json()).login, 'srv-city');

      // A token works on both, and both have it cached; a revocation through the CLI
      // holds on both within a second (the cache alone would keep it for 5 s).
      const t = await token(db, 'srv-admin');
      expectStatus(await a.get('/api/v1/session', { token: t.token }), 200);
      expectStatus(await b.get('/api/v1/session', { token: t.token }), 200);
      const r = await runAsync(['token', 'revoke', String(t.id), '--db', db]);
      assert.equal(r.status, 0, r.stderr);
      for (const [name, c] of [['A', a], ['B', b]]) {
        const ms = await within(1000, async () => (await c.get('/api/v1/session', { token: t.token })).status === 401);
        assert.ok(ms >= 0, `server ${name} still takes the revoked token after 1 s`);
      }

      // One server evaluates the alert rules; the other says nothing of them.
      const admin = (await token(db, 'srv-admin')).token;
      await sleep(1500);
      const leaders = [A, B].filter((s) => /alert rules: this server evaluates them/.test(s.stderr()));
      assert.equal(leaders.length, 1, `servers that evaluate: ${leaders.length}\nA:\n${A.stderr()}\nB:\n${B.stderr()}`);
      const follower = leaders[0] === A ? B : A;
      // A write through the other server raises an alert, evaluated by the leader:
      // an overdue pilot task, once.
      const fc = client(follower.base);
      const pilot = expectStatus(await fc.post('/api/v1/pilots', {
        region: '210100', name: '沈阳试点', period_start: '2025-01-01', period_end: '2027-12-31',
      }, { token: admin }), 201).json;
      expectStatus(await fc.post('/api/v1/pilot-tasks', {
        pilot_id: pilot.id, title: '制定实施方案', deadline: '2026-01-31',
      }, { token: admin }), 201);
      const lc = client(leaders[0].base);
      const raised = await within(8000, async () => {
        const l = (await lc.get('/api/v1/alerts?rule=task_overdue', { token: admin })).json;
        return l && l.items && l.items.length > 0;
      });
      assert.ok(raised >= 0, 'the leader did not raise the overdue task alert');
      await sleep(1500);
      const all = expectStatus(await fc.get('/api/v1/alerts?rule=task_overdue', { token: admin }), 200).json.items;
      assert.equal(all.length, 1, 'one alert, raised once');
      assert.doesNotMatch(follower.stderr(), /alert rules: \d+ new alert/);

      // Jobs: ids from one sequence, and a job run on A is seen on B, to its end.
      const rows = [['机构类型', '统一社会信用代码', '名称', '所在地区']];
      for (let i = 0; i < 3; i++) rows.push(['企业', uscc('210104', orgBody()), `沈阳示例制造${i}有限公司`, '210104']);
      const j1 = expectStatus(await a.request('POST', '/api/v1/imports?kind=organizations', { token: admin, raw: csv(rows), headers: { 'content-type': 'text/csv' } }), 202).json;
      const rows2 = [rows[0], ['企业', uscc('210104', orgBody()), '沈阳另一示例有限公司', '210104']];
      const j2 = expectStatus(await b.request('POST', '/api/v1/imports?kind=organizations', { token: admin, raw: csv(rows2), headers: { 'content-type': 'text/csv' } }), 202).json;
      assert.notEqual(j1.id, j2.id, 'two servers gave the same job id');
      const done = await within(30000, async () => {
        const j = (await b.get(`/api/v1/jobs/${j1.id}`, { token: admin })).json;
        return j && j.status === 'succeeded' && j.progress.done === 3 && j.progress.total === 3;
      });
      const seenOnB = (await b.get(`/api/v1/jobs/${j1.id}`, { token: admin })).json;
      assert.ok(done >= 0, `job ${j1.id} (run on A) not seen as succeeded with its progress on B: ${JSON.stringify(seenOnB)}`);
      // Neither server took the other's jobs for ones left behind by a dead process.
      for (const id of [j1.id, j2.id]) {
        const ms = await within(30000, async () => (await a.get(`/api/v1/jobs/${id}`, { token: admin })).json?.status === 'succeeded');
        assert.ok(ms >= 0, `job ${id} did not succeed`);
      }

      // The portal: a page cached on B is rendered anew within a second of a
      // publication made through A (the generation bumped in A's transaction,
      // announced to B by NOTIFY); B's old ETag no longer answers 304.
      account(db, 'srv-prov', 'province', '210000');
      const prov = (await token(db, 'srv-prov')).token;
      const before = await fetch(`${B.base}/news`);
      assert.equal(before.status, 200);
      const etag = before.headers.get('etag');
      assert.equal((await fetch(`${B.base}/news`, { headers: { 'if-none-match': etag } })).status, 304, 'B serves its cached page');
      const title = `两台服务器的公告${Date.now()}`;
      const item = expectStatus(await a.post('/api/v1/news', { kind: 'notice', title, body: '正文' }, { token: prov }), 201).json;
      assert.doesNotMatch(await (await fetch(`${B.base}/news`)).text(), new RegExp(title), 'a draft is not public');
      expectStatus(await a.post(`/api/v1/news/${item.id}/publish`, {}, { token: prov }), 200);
      // (a second for the news to reach B, and time for a slow machine to render the page)
      const shown = await within(3000, async () => (await (await fetch(`${B.base}/news`)).text()).includes(title));
      assert.ok(shown >= 0, 'B still serves the page from before the publication after 3 s');
      assert.equal((await fetch(`${B.base}/news`, { headers: { 'if-none-match': etag } })).status, 200, 'the old ETag is stale');
    } finally {
      await A.stop();
      await B.stop();
    }
  });

  test('a server killed during writes on PostgreSQL loses no acknowledged write', async () => {
    const db = dbPath(tmpdir('dualtrack-servers-kill-'));
    ok(['init', '--db', db]);
    account(db, 'kill-admin', 'admin');
    const admin = (await token(db, 'kill-admin')).token;
    const A = await startServer(db);
    const acked = [];
    let killed = false;
    const writers = [];
    for (let w = 0; w < 4; w++) {
      writers.push((async () => {
        const c = client(A.base);
        for (let i = 0; !killed && i < 400; i++) {
          let r;
          try {
            r = await c.post('/api/v1/organizations', {
              kind: 'enterprise', uscc: uscc('210104', orgBody()), name: `沈阳写入测试${w}-${i}有限公司`, region: '210104',
            }, { token: admin });
          } catch {
            return; // the connection died with the server
          }
          if (r.status === 201) acked.push(r.json.id);
        }
      })());
    }
    await within(20000, async () => acked.length >= 40);
    A.proc.kill('SIGKILL');
    killed = true;
    await Promise.allSettled(writers);
    await A.stop();
    assert.ok(acked.length >= 40, `only ${acked.length} writes acknowledged before the kill`);
    // Every acknowledged write is there, and the database checks out.
    const B = await startServer(db);
    try {
      const b = client(B.base);
      for (const id of acked) expectStatus(await b.get(`/api/v1/organizations/${id}`, { token: admin }), 200);
    } finally {
      await B.stop();
    }
    const out = await okAsync(['check', '--db', db]);
    assert.match(out, /all checks passed/);
  });
}
