// model.js - what the server says about the records and the user, learnt
// from the API and never copied here: the entities and their fields (types,
// limits, enumerations, references, labels) from GET /api/v1/schema, fetched
// once and kept for the page's life (the server answers it with an ETag, so
// a reload costs a 304); what the signed-in user may do from the
// permissions in the session's answer (GET /api/v1/session); and names for
// referenced records, fetched once and cached.
//
// What is presentation only stays here, keyed by field name (HINTS): a
// unit, a step, a monospace font, a text area for long texts.  Which screen
// shows what is screens.js's.

import { get } from './api.js';
import { currentLang, t } from './i18n.js';

// ---- the entities (GET /api/v1/schema) ----

let schema = null;  // { entities: { name: { plural, label_zh, label_en, write, fields } } }
let loading = null; // the one request for it

/**
 * Load the schema once (later calls share the first request); resolves
 * when fieldsOf() and the others can answer.  Rejects with the ApiError
 * when the server does not answer; the next call tries again.
 */
export function loadSchema() {
  if (schema) return Promise.resolve(schema);
  if (!loading) {
    loading = get('/schema').then((s) => { schema = s; return s; }, (e) => { loading = null; throw e; });
  }
  return loading;
}

// Presentation hints by field name: none of them is a rule the server checks.
const HINTS = {
  stipend_monthly: { unit: 'yuan' },
  wage_monthly: { unit: 'yuan' },
  monthly: { unit: 'yuan' },
  hours: { step: 0.5 },
  uscc: { mono: true },
  code: { mono: true },
  national_id: { mono: true },
  certificate_no: { mono: true },
};
// Texts this long get a text area rather than a line.
const AREA_FROM = 500;
// Fields every record has that the pages show elsewhere (the id in links and
// headings, the stamps under the fields), not in the list of fields.
const STAMPS = ['id', 'created_at', 'updated_at'];

const converted = new Map(); // entity -> fields in the form the screens use

// A field of the schema as the screens use it: { name, type (text, area,
// int, real, date, time, enum, ref, region, bool), req, imm, sys, min, max,
// values, ref, refKind, pii, quasi, filter, sort, label_zh, label_en } and
// the hints.
function screenField(f) {
  const type = f.type === 'text' && f.max >= AREA_FROM ? 'area' : f.type;
  return {
    ...f,
    type,
    req: !!f.required,
    imm: !!f.immutable,
    sys: !!f.system,
    refKind: f.ref_kind,
    ...(HINTS[f.name] || {}),
  };
}

/** The fields of @entity in the server's order (without id and stamps); [] when unknown or not loaded. */
export function fieldsOf(entity) {
  if (!converted.has(entity)) {
    const e = schema && schema.entities[entity];
    if (!e) return [];
    converted.set(entity, e.fields.filter((f) => !STAMPS.includes(f.name)).map(screenField));
  }
  return converted.get(entity);
}

/** The API plural of @entity ("record_entry" -> "record-entries"). */
export function pluralOf(entity) {
  const e = schema && schema.entities[entity];
  return e ? e.plural : entity;
}

/** The server's label of field @name of @entity in the interface's language, or null. */
export function fieldLabel(entity, name) {
  const e = schema && schema.entities[entity];
  const f = e && e.fields.find((x) => x.name === name);
  if (!f) return null;
  return currentLang() === 'en' ? f.label_en : f.label_zh;
}

// ---- the user (GET /api/v1/session) ----

let session = null;
let granted = new Set();
export function setSession(s) {
  session = s;
  granted = new Set((s && s.user && s.user.permissions) || []);
}
export function getSession() { return session; }
export function role() { return session ? session.user.role : ''; }

/** May the signed-in user do @perm ("contract", "pii:read", ...)?  The session says. */
export function can(perm) {
  return !!session && granted.has(perm);
}

/** May the user create and change records of @entity (the permissions the schema names)? */
export function canWrite(entity) {
  const e = schema && schema.entities[entity];
  return !!e && !e.system && e.write.length > 0 && e.write.every(can);
}

/**
 * Does the user see trainees' personal data coarsened (src/store/crud.c,
 * dt_crud_coarsen)?  Without pii:read a birth date comes as its year, a
 * household region as its city, a national ID as its first 4 digits; a
 * trainee sees their own record in full.
 */
export function coarse() {
  return !!session && !can('pii:read') && role() !== 'trainee';
}

// ---- names of referenced records ----

const cache = new Map(); // "kind:id" -> Promise<record|null>

/** The record @id of @entity, fetched once; null when not visible. */
export function ref(entity, id) {
  if (id === null || id === undefined || id === '') return Promise.resolve(null);
  const key = `${entity}:${id}`;
  if (!cache.has(key)) {
    const p = get(`/${pluralOf(entity)}/${encodeURIComponent(id)}`).catch(() => null);
    cache.set(key, p);
  }
  return cache.get(key);
}

/** Remember a record just read or written, so that its name needs no request. */
export function remember(entity, rec) {
  if (rec && rec.id !== undefined) cache.set(`${entity}:${rec.id}`, Promise.resolve(rec));
}

export function forget(entity, id) {
  cache.delete(`${entity}:${id}`);
}

export function clearRefs() {
  cache.clear();
  parties.clear();
}

/** The display name of a record of @entity. */
export function nameOf(entity, rec) {
  if (!rec) return '';
  const en = currentLang() === 'en';
  switch (entity) {
    case 'region': return en ? (rec.name_en || rec.name_zh) : rec.name_zh;
    case 'occupation': return `${en ? (rec.name_en || rec.name_zh) : rec.name_zh} (${rec.code})`;
    case 'organization': return en && rec.name_en ? rec.name_en : rec.name;
    case 'contract': return t('contract.title', { id: rec.id });
    case 'programme': return rec.name;
    default: return rec.name || `#${rec.id}`;
  }
}

/** Resolve every ref field of @rows (for lists), so that rendering is synchronous. */
export async function resolveRefs(entity, rows, names) {
  const fields = fieldsOf(entity).filter((f) => (f.type === 'ref' || f.type === 'region') && (!names || names.includes(f.name)));
  const jobs = [];
  for (const r of rows) {
    for (const f of fields) {
      const v = r[f.name];
      if (v === null || v === undefined) continue;
      jobs.push(f.type === 'region' ? ref('region', v) : ref(f.ref, v));
    }
  }
  await Promise.all(jobs);
}

/**
 * Names for what contracts refer to but the reader may not open (a school in
 * another city): GET /api/v1/contracts/{id}/parties, asked only for the
 * contracts of @rows with such a reference.  The names are remembered as
 * name-only records ({id, name, nameOnly: true}): shown as text, not linked.
 */
const parties = new Map(); // contract id -> Promise<parties|null>

/**
 * The names contract @id refers to (GET /api/v1/contracts/{id}/parties:
 * enterprise, school, programme with its occupation_id, trainee), fetched
 * once; null when the contract is not visible.  An assessment body reads
 * whom it assesses by these names only, never the trainee's record.
 */
export function partiesOf(id) {
  if (id === null || id === undefined || id === '') return Promise.resolve(null);
  const key = String(id);
  if (!parties.has(key)) parties.set(key, get(`/contracts/${encodeURIComponent(id)}/parties`).catch(() => null));
  return parties.get(key);
}

/**
 * Contract @c as a person picks it: "张三 · 沈阳机床 · 车工 (#42)", its
 * trainee, enterprise and occupation (the programme's name when it has
 * none); "培养合同 #42" when the names are not visible.
 */
export async function contractLabel(c) {
  const p = await partiesOf(c.id);
  if (!p) return nameOf('contract', c);
  const occ = p.programme && p.programme.occupation_id ? await ref('occupation', p.programme.occupation_id) : null;
  const what = occ ? (currentLang() === 'en' ? (occ.name_en || occ.name_zh) : occ.name_zh) : (p.programme && p.programme.name);
  return `${[p.trainee && p.trainee.name, p.enterprise && p.enterprise.name, what].filter(Boolean).join(' · ')} (#${c.id})`;
}

export async function resolveContractNames(rows) {
  const refs = [['enterprise_id', 'organization', 'enterprise'], ['school_id', 'organization', 'school'], ['programme_id', 'programme', 'programme'], ['trainee_id', 'trainee', 'trainee']];
  await Promise.all(rows.map(async (c) => {
    const missing = [];
    for (const [field, entity, part] of refs) if (c[field] !== null && c[field] !== undefined && !(await ref(entity, c[field]))) missing.push([entity, part]);
    if (!missing.length) return;
    const p = await partiesOf(c.id);
    if (!p) return;
    for (const [entity, part] of missing) {
      const r = p[part];
      if (r && r.name) cache.set(`${entity}:${r.id}`, Promise.resolve({ id: r.id, name: r.name, nameOnly: true }));
    }
  }));
}
