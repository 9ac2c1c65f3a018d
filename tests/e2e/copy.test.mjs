// copy.test.mjs - `dualtrack copy --from SRC --to DST`: a pilot moved whole
// (to a SQLite file, and to PostgreSQL in the PostgreSQL pass) with its counts
// and audit chain checked, and the refusals: in Chinese, naming what is wrong,
// leaving no target behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { auditTexts, dbPath, fails, freshFileDb, ok, run, sqlite, tmpdir, uscc } from './helpers.mjs';

const ZH = { env: { LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' } };

// A small pilot in a SQLite file: one school and one trainee.
function smallPilot() {
  const f = freshFileDb('dualtrack-copy-');
  const org = JSON.parse(ok(['add', 'organization', ...f.args, '--json', JSON.stringify({
    kind: 'school', uscc: uscc('210100', '12345678'), name: '沈阳市装备制造工程学校', region: '210102',
  })]));
  assert.ok(org.id > 0);
  return f;
}

test('copy moves a pilot and says so in Chinese; the target verifies', () => {
  const src = smallPilot();
  const dir = tmpdir('dualtrack-copy-to-');
  const to = dbPath(dir);
  const out = ok(['copy', '--from', src.db, '--to', to], ZH);
  assert.match(out, /已复制 \d+ 行到 .*审计链 \d+ 个事件校验通过/);
  assert.doesNotMatch(out, /:[^/@]*@/, 'no password shown');
  const a = JSON.parse(ok(['list', 'organizations', '--format', 'json', '--db', src.db]));
  const b = JSON.parse(ok(['list', 'organizations', '--format', 'json', '--db', to]));
  assert.deepEqual(b, a);
  ok(['audit', 'verify', '--db', to]);
  // the audit events' packed payloads (format 5) arrive byte for byte, and read alike
  const packed = (db) => sqlite(db, db.startsWith('postgresql://')
    ? "SELECT string_agg(id || ':' || coalesce(encode(packed, 'hex'), '-'), ',' ORDER BY id) FROM audit"
    : "SELECT group_concat(id || ':' || coalesce(lower(hex(packed)), '-'), ',') FROM (SELECT id, packed FROM audit ORDER BY id)");
  assert.match(packed(src.db), /:01[0-9a-f]+/, 'some events packed');
  assert.equal(packed(to), packed(src.db));
  assert.deepEqual(auditTexts(to), auditTexts(src.db));
  // the stored hashes too (the whole hash on every 16th event, a 4-byte tag on the others),
  // and the first event that stores a tag
  const hashes = (db) => sqlite(db, db.startsWith('postgresql://')
    ? "SELECT string_agg(id || ':' || encode(hash, 'hex'), ',' ORDER BY id) FROM audit"
    : "SELECT group_concat(id || ':' || lower(hex(hash)), ',') FROM (SELECT id, hash FROM audit ORDER BY id)");
  assert.match(hashes(src.db), /^1:[0-9a-f]{8},/, 'the first event stores a tag');
  assert.match(hashes(src.db), /,16:[0-9a-f]{64},/, 'the 16th its whole hash');
  assert.equal(hashes(to), hashes(src.db));
  const tagFrom = "SELECT value FROM meta WHERE key = 'audit_tag_from'";
  assert.equal(sqlite(to, tagFrom), sqlite(src.db, tagFrom));
  // the target's writer chains on from the copied head, under the same rule
  ok(['add', 'organization', '--db', to, '--json', JSON.stringify({
    kind: 'school', uscc: uscc('210100', '87654321'), name: '沈阳市第二职业学校', region: '210102',
  })]);
  ok(['audit', 'verify', '--db', to]);
});

test('copy refuses a source with a table it does not know, names it, and leaves no target', () => {
  const src = smallPilot();
  sqlite(src.db, 'CREATE TABLE stray_table (x INTEGER)');
  const dir = tmpdir('dualtrack-copy-to-');
  const to = path.join(dir, 'target.db');
  const r = fails(['copy', '--from', src.db, '--to', to], 1, /表 stray_table 不是复制功能认识的表/, ZH);
  assert.match(r.stderr, new RegExp(src.db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.equal(fs.existsSync(to), false, 'the failed copy left its target file');
  const en = run(['copy', '--from', src.db, '--to', to], { env: { LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '' } });
  assert.notEqual(en.status, 0);
  assert.match(en.stderr, /table stray_table is not one that `copy` knows/);
});

test('copy refuses a target that already holds a pilot', () => {
  const src = smallPilot();
  const other = smallPilot();
  const r = fails(['copy', '--from', src.db, '--to', other.db], 1, /已有数据（表 \w+），请复制到一个新的、空的数据库/, ZH);
  assert.match(r.stderr, /dualtrack\.db/);
});

test('after a failed copy the same command succeeds once the cause is mended', () => {
  const src = smallPilot();
  sqlite(src.db, 'CREATE TABLE stray_table (x INTEGER)');
  const to = dbPath(tmpdir('dualtrack-copy-to-'));
  fails(['copy', '--from', src.db, '--to', to], 1, /stray_table/, ZH);
  sqlite(src.db, 'DROP TABLE stray_table');
  assert.match(ok(['copy', '--from', src.db, '--to', to], ZH), /已复制 \d+ 行/);
  ok(['audit', 'verify', '--db', to]);
});
