// schema.js - what the screens know about the records: the registry's lists
// (which API kind, which columns, filters and sort keys), the fields of each
// entity for forms and detail pages (mirroring src/store/entity.c), what
// each role may do (mirroring the role table of src/http/auth.c), and names
// for referenced records, fetched once and cached.

import { get } from './api.js';
import { currentLang, t } from './i18n.js';

// Field types: text, area, int, real, date, enum, ref, region, bool.
// flags: r required, i immutable (create only), s system (read only).
const F = (name, type, flags = '', extra = {}) => ({ name, type, req: flags.includes('r'), imm: flags.includes('i'), sys: flags.includes('s'), ...extra });

export const ENTITIES = {
  organization: [
    F('kind', 'enum', 'ri', { values: ['enterprise', 'school', 'government', 'assessment_body'] }),
    F('name', 'text', 'r', { max: 100 }),
    F('name_en', 'text', '', { max: 200 }),
    F('uscc', 'text', 'r', { max: 18, mono: true }),
    F('region', 'region', 'r'),
    F('industry', 'text', '', { max: 40 }),
    F('size', 'enum', '', { values: ['micro', 'small', 'medium', 'large'] }),
    F('address', 'text', '', { max: 200 }),
    F('contact_name', 'text', '', { max: 50 }),
    F('contact_phone', 'text', '', { max: 30 }),
  ],
  programme: [
    F('code', 'text', 'r', { max: 40, mono: true }),
    F('name', 'text', 'r', { max: 100 }),
    F('school_id', 'ref', 'ri', { ref: 'organization', refKind: 'school' }),
    F('occupation_id', 'ref', 'r', { ref: 'occupation' }),
    F('level', 'int', 'r', { min: 1, max: 5 }),
    F('duration_months', 'int', 'r', { min: 1, max: 72 }),
    F('company_hours', 'int', 'r', { min: 0, max: 20000 }),
    F('school_hours', 'int', 'r', { min: 0, max: 20000 }),
  ],
  partnership: [
    F('enterprise_id', 'ref', 'ri', { ref: 'organization', refKind: 'enterprise' }),
    F('school_id', 'ref', 'ri', { ref: 'organization', refKind: 'school' }),
    F('places_per_year', 'int', 'r', { min: 0, max: 100000 }),
    F('start_date', 'date', 'r'),
    F('end_date', 'date'),
  ],
  demand: [
    F('enterprise_id', 'ref', 'ri', { ref: 'organization', refKind: 'enterprise' }),
    F('occupation_id', 'ref', 'r', { ref: 'occupation' }),
    F('level', 'int', 'r', { min: 1, max: 5 }),
    F('year', 'int', 'r', { min: 2000, max: 2100 }),
    F('count', 'int', 'r', { min: 1, max: 100000 }),
  ],
  place: [
    F('enterprise_id', 'ref', 'ri', { ref: 'organization', refKind: 'enterprise' }),
    F('programme_id', 'ref', 'r', { ref: 'programme' }),
    F('year', 'int', 'r', { min: 2000, max: 2100 }),
    F('capacity', 'int', 'r', { min: 1, max: 100000 }),
  ],
  trainee: [
    F('national_id', 'text', 'ri', { max: 18, mono: true, pii: true }),
    F('name', 'text', 'r', { max: 50 }),
    F('gender', 'enum', 'i', { values: ['M', 'F'] }),
    F('birth_date', 'date', 'i'),
    F('region', 'region', 'r'),
    F('phone', 'text', '', { max: 30 }),
    F('email', 'text', '', { max: 100 }),
    F('guardian_name', 'text', '', { max: 50 }),
    F('registered_by', 'ref', 's', { ref: 'organization' }),
  ],
  contract: [
    F('trainee_id', 'ref', 'ri', { ref: 'trainee' }),
    F('enterprise_id', 'ref', 'ri', { ref: 'organization', refKind: 'enterprise' }),
    F('school_id', 'ref', 'ri', { ref: 'organization', refKind: 'school' }),
    F('programme_id', 'ref', 'r', { ref: 'programme' }),
    F('company_mentor', 'text', 'r', { max: 50 }),
    F('school_mentor', 'text', 'r', { max: 50 }),
    F('stipend_monthly', 'int', 'r', { min: 0, max: 1000000, unit: 'yuan' }),
    F('start_date', 'date', 'r'),
    F('end_date', 'date', 'r'),
    F('probation_months', 'int', '', { min: 0, max: 6 }),
    F('planned_company_hours', 'int', '', { min: 0, max: 20000 }),
    F('planned_school_hours', 'int', '', { min: 0, max: 20000 }),
    F('status', 'enum', 's', { values: ['draft', 'pending', 'active', 'completed', 'dissolved', 'transferred'] }),
    F('ended_on', 'date', 's'),
    F('dissolution_reason', 'text', 's'),
    F('predecessor_id', 'ref', 's', { ref: 'contract' }),
  ],
  record_entry: [
    F('contract_id', 'ref', 'ri', { ref: 'contract' }),
    F('date', 'date', 'r'),
    F('site', 'enum', 'r', { values: ['company', 'school'] }),
    F('hours', 'real', 'r', { min: 0, max: 24, step: 0.5 }),
    F('content', 'area', 'r', { max: 2000 }),
    F('signed_by', 'text', 's'),
    F('signed_at', 'time', 's'),
  ],
  pilot: [
    F('region', 'region', 'ri'),
    F('name', 'text', 'r', { max: 100 }),
    F('period_start', 'date', 'r'),
    F('period_end', 'date', 'r'),
    F('goals', 'area', '', { max: 4000 }),
    F('positioning', 'area', '', { max: 2000 }),
    F('responsible_units', 'area', '', { max: 1000 }),
  ],
};

// The registry: a screen per list.  @kind is the API's plural; @fixed are
// filters the screen always applies; @perm the permission that writes it.
export const REGISTRY = {
  enterprises: { kind: 'organizations', entity: 'organization', fixed: { kind: 'enterprise' }, perm: 'org', columns: ['name', 'uscc', 'region', 'industry', 'size'], sort: ['name', 'uscc', 'region'], filters: ['size'] },
  schools: { kind: 'organizations', entity: 'organization', fixed: { kind: 'school' }, perm: 'org', columns: ['name', 'uscc', 'region', 'industry', 'size'], sort: ['name', 'uscc', 'region'], filters: ['size'] },
  programmes: { kind: 'programmes', entity: 'programme', perm: 'programme', columns: ['code', 'name', 'school_id', 'occupation_id', 'level', 'duration_months'], sort: ['code', 'name', 'level', 'duration_months'], filters: ['level'] },
  partnerships: { kind: 'partnerships', entity: 'partnership', perm: 'partner', columns: ['enterprise_id', 'school_id', 'places_per_year', 'start_date', 'end_date'], sort: ['places_per_year', 'start_date'], filters: [] },
  demands: { kind: 'demands', entity: 'demand', perm: 'demand', columns: ['enterprise_id', 'occupation_id', 'level', 'year', 'count'], sort: ['year', 'level', 'count'], filters: ['year', 'level'] },
  places: { kind: 'places', entity: 'place', perm: 'demand', columns: ['enterprise_id', 'programme_id', 'year', 'capacity'], sort: ['year', 'capacity'], filters: ['year'] },
  trainees: { kind: 'trainees', entity: 'trainee', perm: 'trainee', columns: ['name', 'national_id', 'gender', 'birth_date', 'region'], sort: ['name', 'birth_date', 'region'], filters: ['gender'] },
  contracts: { kind: 'contracts', entity: 'contract', perm: 'contract', columns: ['id', 'trainee_id', 'enterprise_id', 'school_id', 'start_date', 'end_date', 'status'], sort: ['id', 'start_date', 'end_date', 'stipend_monthly'], filters: ['status'] },
  // Not in the registry menu: the pilot screens use its forms.
  pilots: { kind: 'pilots', entity: 'pilot', perm: 'pilot', columns: ['name', 'region', 'period_start', 'period_end'], sort: ['name', 'region'], filters: [] },
};

/** The API plural of an entity. */
export const PLURAL = {
  organization: 'organizations', programme: 'programmes', partnership: 'partnerships', demand: 'demands',
  place: 'places', trainee: 'trainees', contract: 'contracts', record_entry: 'record-entries',
  occupation: 'occupations', region: 'regions', pilot: 'pilots',
};

/** The screen that shows one record of @entity (organisations by their kind). */
export function screenOf(entity, rec) {
  if (entity === 'organization') return rec && rec.kind === 'school' ? 'schools' : (rec && rec.kind !== 'enterprise' ? 'organizations' : 'enterprises');
  for (const [screen, d] of Object.entries(REGISTRY)) if (d.entity === entity) return screen;
  if (entity === 'pilot') return 'pilots';
  return PLURAL[entity];
}

export function fieldsOf(entity) {
  return ENTITIES[entity] || [];
}

// ---- roles (src/http/auth.c) ----

const GOV = ['read', 'pilot', 'org'];
const PERMS = {
  admin: ['read', 'pilot', 'org', 'programme', 'partner', 'demand', 'trainee', 'contract', 'approve', 'record', 'signoff', 'assess', 'refdata', 'pii', 'audit', 'target', 'alert'],
  national: [...GOV, 'target', 'alert'],
  province: [...GOV, 'target', 'alert'],
  city: [...GOV, 'target', 'alert'],
  inspector: ['read', 'audit', 'alert'],
  school: ['read', 'org', 'programme', 'partner', 'trainee', 'contract', 'approve', 'record', 'signoff', 'assess', 'pii'],
  enterprise: ['read', 'org', 'partner', 'demand', 'trainee', 'contract', 'approve', 'record', 'signoff', 'assess'],
  trainee: ['read', 'approve', 'record'],
};

let session = null;
export function setSession(s) { session = s; }
export function getSession() { return session; }
export function role() { return session ? session.user.role : ''; }

/** May the signed-in user do @perm? */
export function can(perm) {
  return !!session && (PERMS[session.user.role] || []).includes(perm);
}

/**
 * Does the user see trainees' personal data coarsened (src/store/crud.c,
 * dt_crud_coarsen)?  Without pii:read a birth date comes as its year, a
 * household region as its city, a national ID as its first 4 digits; a
 * trainee sees their own record in full.
 */
export function coarse() {
  return !!session && !can('pii') && role() !== 'trainee';
}

/** The roles of government officials (they see the indicators of a region). */
export const GOV_ROLES = ['admin', 'national', 'province', 'city', 'inspector'];

/** Is the user a government official? */
export function isGov() {
  return GOV_ROLES.includes(role());
}

/** The contract party the user approves as (admin: null, chooses). */
export function myParty() {
  return { enterprise: 'enterprise', school: 'school', trainee: 'trainee' }[role()] || null;
}

/** May the user sign off an entry of @site? */
export function canSignOff(site) {
  const r = role();
  return r === 'admin' || (r === 'enterprise' && site === 'company') || (r === 'school' && site === 'school');
}

/** Registry screens the user sees, in menu order. */
export function registryScreens() {
  const r = role();
  const all = Object.keys(REGISTRY).filter((s) => s !== 'pilots');
  if (r === 'trainee') return ['contracts'];
  if (r === 'school') return all.filter((s) => s !== 'demands');
  return all;
}

// ---- names of referenced records ----

const cache = new Map(); // "kind:id" -> Promise<record|null>

/** The record @id of @entity, fetched once; null when not visible. */
export function ref(entity, id) {
  if (id === null || id === undefined || id === '') return Promise.resolve(null);
  const key = `${entity}:${id}`;
  if (!cache.has(key)) {
    const p = get(`/${PLURAL[entity]}/${encodeURIComponent(id)}`).catch(() => null);
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

/** A resolved record from the cache (after resolveRefs), or null. */
export async function cached(entity, id) {
  return ref(entity, id);
}
