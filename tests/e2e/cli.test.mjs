// cli.test.mjs - end-to-end tests of the dualtrack command line.
//
// Each test drives the real binary (DUALTRACK_BIN, default build/dualtrack)
// in a fresh temporary directory, with "today" pinned by DUALTRACK_TODAY so
// that ages and record-book dates are deterministic.  Valid credit codes and
// national IDs are computed with the GB 32100 / GB 11643 algorithms in
// helpers.mjs, independently of the C code under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { auditGrep, freshDb, natid, ok, run, sqlite, tmpdir, uscc } from './helpers.mjs';

// The number of events `audit verify` checked.
function auditCount(db) {
  const out = ok(['audit', 'verify', '--db', db]);
  const m = /^audit chain ok: (\d+) events checked$/m.exec(out);
  assert.ok(m, `unexpected audit verify output: ${out}`);
  return Number(m[1]);
}

// ---- the command table ----

test('--help lists every command and each COMMAND --help exits 0', () => {
  const out = ok(['--help']);
  const cmds = [];
  let inList = false;
  for (const line of out.split('\n')) {
    if (line === 'commands:') { inList = true; continue; }
    if (inList && line === '') break;
    if (inList) cmds.push(line.trim().split(/\s+/)[0]);
  }
  for (const want of ['init', 'check', 'validate', 'demo', 'gen', 'summary', 'audit', 'show',
    'list', 'add', 'update', 'delete', 'contract', 'record', 'refdata']) {
    assert.ok(cmds.includes(want), `--help does not list ${want}`);
  }
  for (const cmd of cmds) {
    const r = run([cmd, '--help']);
    assert.equal(r.status, 0, `${cmd} --help exited ${r.status}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^usage: dualtrack ${cmd}\\b`));
  }
  assert.equal(run(['help', 'list']).status, 0);
});

test('an unknown command or option is a usage error (exit 2) naming it', () => {
  let r = run(['frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /'frobnicate' is not a dualtrack command/);
  r = run([]);
  assert.equal(r.status, 2);
  r = run(['check', '--bogus']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option '--bogus'/);
  r = run(['list', 'trainees', '--limit']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /option '--limit' needs a value/);
  r = run(['list', 'trainees', '--limit', '0']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--limit/);
  r = run(['list', 'widgets']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /'widgets' is not an entity/);
});

// ---- validate (no database) ----

test('validate national-id: good, bad, 15-digit, lower-case x', () => {
  const good = natid('210102', '20000315', '123'); // odd sequence: male
  const female = natid('210102', '19991231', '124');
  let r = run(['validate', 'national-id', good, female]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${good}: ok (born 2000-03-15, M)\n${female}: ok (born 1999-12-31, F)\n`);

  // A valid ID whose check character is X, given with a lower-case x.
  let withX = null;
  for (let seq = 100; seq < 1000 && !withX; seq++) {
    const id = natid('110105', '19491231', String(seq));
    if (id.endsWith('X')) withX = id;
  }
  assert.ok(withX);
  const lower = withX.slice(0, 17) + 'x';
  r = run(['validate', 'national-id', lower]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^${lower}: ok \\(normalised to ${withX}; born 1949-12-31, [MF]\\)\\n$`));

  const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  r = run(['validate', 'national-id', good, wrong, '110105491231002', '12345']);
  assert.equal(r.status, 1);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], `${good}: ok (born 2000-03-15, M)`);
  assert.equal(lines[1], `${wrong}: invalid: wrong check character: expected ${good[17]}, got ${wrong[17]}`);
  assert.equal(lines[2], '110105491231002: invalid: 15-digit legacy ID: re-issue as an 18-digit ID');
  assert.equal(lines[3], '12345: invalid: must be 18 characters, got 5');

  // GB 11643's own example, born 1880: a valid ID (age is a trainee's rule, not the ID's).
  r = run(['validate', 'national-id', '440524188001010014']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '440524188001010014: ok (born 1880-01-01, M)\n');

  // Chinese when the locale is Chinese.
  r = run(['validate', 'national-id', wrong], { env: { LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' } });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, `${wrong}: invalid: 校验位错误：应为 ${good[17]}，实为 ${wrong[17]}\n`);

  // Born after DUALTRACK_TODAY.
  r = run(['validate', 'national-id', natid('210102', '20270101', '123')]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /: invalid: birth date 2027-01-01 is in the future\n$/);
});

test('validate uscc', () => {
  const code = uscc('210100', 'MA0ABC12');
  let r = run(['validate', 'uscc', code, code.toLowerCase()]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, `${code}: ok\n${code.toLowerCase()}: ok (normalised to ${code})\n`);
  const bad = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
  r = run(['validate', 'uscc', bad]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, `${bad}: invalid: position 18: wrong check character: expected ${code[17]}, got ${bad[17]}\n`);
  r = run(['validate', 'uscc', '91210100MA0ABC12']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^91210100MA0ABC12: invalid: must be 18 characters, got 16\n$/);
});

test('validate region and occupation use the embedded tables', () => {
  let r = run(['validate', 'region', '210100', '210300', '211100']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.split('\n')[0], '210100: ok (沈阳市, Shenyang)');
  assert.match(r.stdout, /^210300: ok \(鞍山市/m);
  assert.match(r.stdout, /^211100: ok \(盘锦市/m);
  r = run(['validate', 'region', '210100', '210199', '990000', '21010']);
  assert.equal(r.status, 1);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^210100: ok/);
  assert.equal(lines[1], "210199: invalid: '210199' is not in the region table");
  assert.match(lines[2], /^990000: invalid: .*province/);
  assert.equal(lines[3], "21010: invalid: '21010' is not a region code of 6 digits");

  r = run(['validate', 'occupation', '4-02-05-01']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^4-02-05-01: ok \(装卸搬运工/);
  r = run(['validate', 'occupation', '6-31-01-99', '9-01-01-01', 'x']);
  assert.equal(r.status, 1);
  const ol = r.stdout.split('\n');
  assert.equal(ol[0], "6-31-01-99: invalid: '6-31-01-99' is not in the occupation catalogue");
  assert.equal(ol[1], "9-01-01-01: invalid: the major group must be 1-8, got 9");
  assert.match(ol[2], /^x: invalid: /);
});

test('validate: unknown kind or no values is a usage error', () => {
  let r = run(['validate', 'passport', 'X1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /'passport' is not a kind/);
  r = run(['validate', 'uscc']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no values/);
  r = run(['validate']);
  assert.equal(r.status, 2);
});

// ---- init and check ----

test('init creates the database and a 0600 key file, and refuses a second init', () => {
  const dir = tmpdir();
  const out = ok(['init'], { cwd: dir });
  assert.match(out, /created the key file dualtrack\.key/);
  assert.match(out, /created database dualtrack\.db/);
  assert.match(out, /loaded 3514 regions/);
  assert.match(out, /loaded \d+ occupations/);
  const db = path.join(dir, 'dualtrack.db');
  const key = path.join(dir, 'dualtrack.key');
  assert.ok(fs.existsSync(db));
  assert.equal(fs.statSync(key).mode & 0o777, 0o600);
  const keyText = fs.readFileSync(key, 'utf8');

  const r = run(['init'], { cwd: dir });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /dualtrack\.db already exists/);
  assert.equal(fs.readFileSync(key, 'utf8'), keyText, 'the key file must not change');

  // DUALTRACK_DB puts both files elsewhere; an existing key file is reused.
  const other = path.join(dir, 'sub');
  fs.mkdirSync(other);
  ok(['init'], { cwd: dir, env: { DUALTRACK_DB: path.join(other, 'x.db') } });
  assert.ok(fs.existsSync(path.join(other, 'dualtrack.key')));
  fs.rmSync(path.join(other, 'x.db'));
  const again = ok(['init', '--db', path.join(other, 'x.db')], { cwd: dir });
  assert.match(again, /using the existing key file/);
});

test('check passes on a fresh database', () => {
  const { args } = freshDb();
  const out = ok(['check', ...args]);
  assert.match(out, /integrity: ok/);
  assert.match(out, /foreign keys: ok/);
  assert.match(out, /audit chain: ok \(\d+ events\)/);
  assert.match(out, /indicator aggregates: ok/);
  assert.match(out, /all checks passed/);
});

test('check finds indicator aggregates that differ from the facts', () => {
  const { db, args } = freshDb();
  ok(['gen', '--trainees', '60', ...args]);
  sqlite(db, `UPDATE agg_year SET value = value + 1 WHERE (region, occ, key, year) =
    (SELECT region, occ, key, year FROM agg_year WHERE region = 0 AND occ = 0 LIMIT 1)`);
  const c = run(['check', ...args]);
  assert.equal(c.status, 1);
  // one changed row: as kept and as rebuilt
  assert.match(c.stdout, /indicator aggregates: 2 rows differ from a rebuild/);
  assert.match(ok(['indicators', '--rebuild', ...args]), /rebuilt/);
  assert.match(ok(['check', ...args]), /indicator aggregates: ok/);
});

test('a missing database is reported, not created', () => {
  const dir = tmpdir();
  const r = run(['check', '--db', path.join(dir, 'none.db')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /none\.db: no such database/);
  assert.ok(!fs.existsSync(path.join(dir, 'none.db')));
});

test('import refuses a file over the 256 MiB import limit, naming the limit', () => {
  const t = freshDb();
  // A sparse file: one byte over the cap without writing 256 MiB.
  const big = path.join(t.dir, 'big.csv');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, 256 * 1024 * 1024 + 1);
  const r = run(['import', ...t.args, '--kind', 'organizations', big]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /big\.csv: the file is larger than 268435456 bytes \(256 MiB\), the limit/);
  assert.equal(sqlite(t.db, 'SELECT count(*) FROM organization'), '0');
});

test('a wrong key file is refused with a clear message', () => {
  const a = freshDb();
  const b = freshDb();
  const r = run(['list', 'organizations', '--db', a.db, '--key-file', b.key]);
  assert.notEqual(r.status, 0);
  assert.notEqual(r.status, 2);
  assert.match(r.stderr, /the key file does not belong to this database/);
  const m = run(['add', 'organization', '--db', a.db, '--key-file', path.join(a.dir, 'nope.key'),
    '--json', '{}']);
  assert.notEqual(m.status, 0);
  assert.match(m.stderr, /nope\.key/);
});

// ---- writes ----

test('add organization with a bad USCC exits 1, names the field, changes nothing', () => {
  const { db, args } = freshDb();
  const before = auditCount(db);
  const good = uscc('210100', 'MA0ABC12');
  const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  const r = run(['add', 'organization', ...args, '--json', JSON.stringify({
    kind: 'enterprise', uscc: bad, name: '沈阳机床', region: '210100',
  })]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /organization not created/i);
  assert.match(r.stderr, /^ {2}uscc: .*check character/m);
  assert.equal(r.stdout, '');
  assert.equal(auditCount(db), before);
  assert.equal(ok(['list', 'organizations', ...args, '--format', 'jsonl']), '');

  // Several faults are all reported, one per line.
  const r2 = run(['add', 'organization', ...args, '--json', JSON.stringify({
    kind: 'factory', uscc: good, name: 'x', region: '210199', colour: 'red',
  })]);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /^ {2}kind: /m);
  assert.match(r2.stderr, /^ {2}region: /m);
  assert.match(r2.stderr, /^ {2}colour: is not a field of Organization/m);
  assert.equal(auditCount(db), before);

  const r3 = run(['add', 'organization', ...args, '--json', '{"kind": ']);
  assert.equal(r3.status, 1);
  assert.match(r3.stderr, /--json: invalid JSON/);
});

// Builds the parties of a contract; returns their ids.
function setupParties(args) {
  const add = (entity, obj) => JSON.parse(ok(['add', entity, ...args, '--json', JSON.stringify(obj)]));
  const ent = add('organization', {
    kind: 'enterprise', uscc: uscc('210100', 'MA0ABC12'), name: '沈阳机床股份有限公司', region: '210106',
  });
  const sch = add('organization', {
    kind: 'school', uscc: uscc('210100', '12345678'), name: '沈阳市装备制造工程学校', region: '210102',
  });
  const occs = ok(['list', 'occupations', ...args, '--format', 'jsonl', '--limit', '1'])
    .trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(occs.length, 1);
  const prog = add('programme', {
    code: 'SY-CNC-2026', name: '数控加工', school_id: sch.id, occupation_id: occs[0].id, level: 4,
    duration_months: 36, company_hours: 1200, school_hours: 800,
  });
  const nid = natid('210102', '20000315', '123');
  const tr = add('trainee', { national_id: nid, name: '张伟', region: '210102' });
  return { ent, sch, prog, tr, nid };
}

test('a full contract flow through the CLI', () => {
  const { db, args } = freshDb();
  const { ent, sch, prog, tr } = setupParties(args);
  assert.equal(tr.gender, 'M');
  assert.equal(tr.birth_date, '2000-03-15');
  assert.equal(prog.region, '210102');

  const contract = JSON.parse(ok(['add', 'contract', ...args, '--json', JSON.stringify({
    trainee_id: tr.id, enterprise_id: ent.id, school_id: sch.id, programme_id: prog.id,
    company_mentor: '王师傅', school_mentor: '李老师', stipend_monthly: 2500,
    start_date: '2026-09-01', end_date: '2029-07-31',
  })]));
  assert.equal(contract.status, 'draft');
  const id = String(contract.id);

  let c = JSON.parse(ok(['contract', 'submit', id, ...args]));
  assert.equal(c.status, 'pending');
  // Activation before all three approvals is refused.
  let r = run(['contract', 'activate', id, ...args]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /contract \d+: /);
  r = run(['contract', 'approve', id, ...args]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--party/);
  for (const party of ['enterprise', 'school', 'trainee']) {
    c = JSON.parse(ok(['contract', 'approve', id, '--party', party, ...args]));
  }
  assert.ok(c.approved_trainee_at);
  c = JSON.parse(ok(['contract', 'activate', id, ...args]));
  assert.equal(c.status, 'active');

  const entry = JSON.parse(ok(['add', 'record-entry', ...args, '--json', JSON.stringify({
    contract_id: contract.id, date: '2026-11-20', site: 'company', hours: 8,
    content: '数控车床基本操作',
  })]));
  assert.equal(entry.signed_at, null);
  // A date after DUALTRACK_TODAY is refused.
  r = run(['add', 'record_entry', ...args, '--json', JSON.stringify({
    contract_id: contract.id, date: '2026-11-27', site: 'school', hours: 4, content: '理论',
  })]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^ {2}date: .*future/m);

  const signed = JSON.parse(ok(['record', 'signoff', String(entry.id), ...args]));
  assert.equal(signed.signed_by, 'cli:tester');
  assert.ok(signed.signed_at);

  const events = auditCount(db);
  r = run(['update', 'record_entry', String(entry.id), ...args, '--json', '{"hours": 6}']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /signed off/);
  r = run(['delete', 'record_entry', String(entry.id), ...args]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /signed off/);
  assert.equal(auditCount(db), events);

  // The listing shows the contract as active.
  const listed = ok(['list', 'contracts', ...args]);
  assert.match(listed, /^id\s.*status$/m);
  assert.match(listed, /\bactive$/m);
  // The audit trail holds the CLI actor.
  assert.equal(sqlite(db, "SELECT count(*) FROM audit WHERE entity = 'contract' AND action = 'approve' AND actor = 'cli:tester'"), '3');
  ok(['check', ...args]);
});

test('show masks the national ID; --unmask shows it and is audited first', () => {
  const { db, args } = freshDb();
  const { tr, nid } = setupParties(args);
  const masked = JSON.parse(ok(['show', 'trainee', String(tr.id), ...args]));
  assert.equal(masked.national_id, nid.slice(0, 4) + '*'.repeat(10) + nid.slice(14));
  const before = auditCount(db);
  const clear = JSON.parse(ok(['show', 'trainees', String(tr.id), '--unmask', ...args]));
  assert.equal(clear.national_id, nid);
  assert.equal(auditCount(db), before + 1);
  assert.equal(sqlite(db, 'SELECT action || \' \' || entity || \' \' || entity_id || \' \' || actor FROM audit ORDER BY id DESC LIMIT 1'),
    `unmask trainee ${tr.id} cli:tester`);
  // The clear number is nowhere in the database.
  assert.equal(auditGrep(db, '1 = 1', nid), 0);

  let r = run(['show', 'organization', '1', '--unmask', ...args]);
  assert.equal(r.status, 2);
  r = run(['show', 'trainee', '999', ...args]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no trainee with id 999/i);
  r = run(['show', 'trainee', '999', ...args], { env: { LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /没有编号为 999 的学员/);
  r = run(['show', 'trainee', 'abc', ...args]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ID/);
});

test('list pages with a cursor on stderr', () => {
  const { args } = freshDb();
  const p1 = run(['list', 'regions', ...args, '--filter', 'parent=210100', '--limit', '3', '--format', 'jsonl']);
  assert.equal(p1.status, 0, p1.stderr);
  const rows1 = p1.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows1.length, 3);
  const m = /^next: (\S+)$/m.exec(p1.stderr);
  assert.ok(m, `no cursor in: ${p1.stderr}`);
  const p2 = run(['list', 'regions', ...args, '--filter', 'parent=210100', '--limit', '3',
    '--cursor', m[1], '--format', 'json']);
  assert.equal(p2.status, 0, p2.stderr);
  const rows2 = JSON.parse(p2.stdout);
  assert.equal(rows2.length, 3);
  assert.ok(rows2[0].id > rows1[2].id);
  const table = ok(['list', 'regions', ...args, '--q', '沈阳']);
  assert.match(table, /^\s*210100\s+沈阳市\s+Shenyang/m);
  const r = run(['list', 'regions', ...args, '--filter', 'colour=red']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--filter: 'colour' is not a filter of region/);
});

test('dissolve needs a reason; --json - reads stdin', () => {
  const { args } = freshDb();
  const { ent, sch, prog, tr } = setupParties(args);
  const contract = JSON.parse(ok(['add', 'contracts', ...args, '--json', '-'], {
    input: JSON.stringify({
      trainee_id: tr.id, enterprise_id: ent.id, school_id: sch.id, programme_id: prog.id,
      company_mentor: '王师傅', school_mentor: '李老师', stipend_monthly: 2500,
      start_date: '2026-09-01', end_date: '2029-07-31',
    }),
  }));
  const id = String(contract.id);
  ok(['contract', 'submit', id, ...args]);
  for (const party of ['enterprise', 'school', 'trainee']) ok(['contract', 'approve', id, '--party', party, ...args]);
  ok(['contract', 'activate', id, ...args]);
  let r = run(['contract', 'dissolve', id, ...args, '--json', '{"date": "2026-11-01"}']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^ {2}reason: is required/m);
  const c = JSON.parse(ok(['contract', 'dissolve', id, ...args, '--json',
    '{"date": "2026-11-01", "reason": "家庭原因"}']));
  assert.equal(c.status, 'dissolved');
  assert.equal(c.dissolved_in_probation, true);
  r = run(['contract', 'complete', id, ...args]);
  assert.equal(r.status, 1);
  r = run(['contract', 'edit', id, ...args]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /update contract/);
});

test('refdata load adds and updates, and a bad row loads nothing', () => {
  const { dir, args } = freshDb();
  const csv = path.join(dir, 'occ.csv');
  fs.writeFileSync(csv, 'code,name_zh,name_en,industry,levels\n'
    + '6-99-01-01,测试工,Test worker,manufacturing,5 4 3\n');
  let out = ok(['refdata', 'load', 'occupations', csv, ...args]);
  assert.match(out, /1 rows: 1 added, 0 updated, 0 unchanged/);
  out = ok(['refdata', 'load', 'occupations', csv, ...args]);
  assert.match(out, /1 rows: 0 added, 0 updated, 1 unchanged/);
  fs.writeFileSync(csv, 'code,name_zh,name_en,industry,levels\n'
    + '6-99-01-02,测试工二,,manufacturing,5\n'
    + '6-99-01-0X,坏,,manufacturing,5\n');
  const r = run(['refdata', 'load', 'occupations', csv, ...args]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /row 3: code: /);
  assert.equal(ok(['list', 'occupations', ...args, '--filter', 'code=6-99-01-02', '--format', 'jsonl']), '');
  assert.equal(run(['refdata', 'load', 'towns', csv, ...args]).status, 2);
});

// ---- the audit chain ----

test('audit verify detects an edited event and names it', () => {
  const { db, args } = freshDb();
  assert.ok(auditCount(db) > 10);
  sqlite(db, "UPDATE audit SET actor='mallory' WHERE id=5");
  const r = run(['audit', 'verify', ...args]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /audit event 5\b/);
  const c = run(['check', ...args]);
  assert.equal(c.status, 1);
  assert.match(c.stdout, /audit chain: audit event 5\b/);
});

test('audit verify detects a removed event and names it', () => {
  const { db, args } = freshDb();
  sqlite(db, 'DELETE FROM audit WHERE id=7');
  const r = run(['audit', 'verify', ...args]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /audit event 7\b/);
});

// ---- generated data ----

test('gen --trainees 200 and summary per pilot city', () => {
  const { args } = freshDb();
  const g = run(['gen', '--trainees', '200', '--seed', '7', ...args]);
  assert.equal(g.status, 0, g.stderr + g.stdout);
  assert.match(g.stdout, /^trainees\s+200$/m);
  assert.match(g.stdout, /^elapsed: /m);
  const out = ok(['summary', ...args]);
  const lines = out.trimEnd().split('\n');
  assert.match(lines[0], /^region\s+name\s+enterprises\s+schools\s+trainees\s+contracts\s+active\s+completed\s+dissolved\s+dual ratio$/);
  assert.ok(lines.length >= 2, out);
  assert.match(out, /^210100\s+沈阳市\s+\d+/m);
  // Columns line up by display width: every row is as wide as the header.
  const width = (s) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  for (const l of lines) assert.equal(width(l), width(lines[0]), `misaligned: ${l}`);
  const json = JSON.parse(ok(['summary', '--format', 'json', '--region', '210000', ...args]));
  assert.ok(json.length >= 1);
  for (const row of json) assert.equal(String(row.code).slice(0, 2), '21');
  // The dual ratio in percent, as the dual_ratio indicator computes it.
  for (const row of json) {
    if (row.signed_hours > 0) assert.ok(Math.abs(row.dual_ratio - (100 * row.company_hours) / row.signed_hours) < 1e-9, JSON.stringify(row));
    else assert.equal(row.dual_ratio, null);
  }
  assert.ok(json.some((row) => row.dual_ratio > 1), 'a percentage, not a fraction');
  // A second generator run on the same database is refused.
  const again = run(['demo', ...args]);
  assert.equal(again.status, 1);
  ok(['audit', 'verify', ...args]);
});
