// screens.js - the layout of the registry, which is the interface's own:
// which screen lists which kind of record (and with which fixed filter),
// its columns, sort keys and filters, which screens a role sees in its menu,
// and which screen shows one record.  Nothing here says what a field accepts
// or who may write what: that comes from the server (model.js).

import { can, pluralOf, role } from './model.js';

// The registry: a screen per list.  @entity is the kind it lists; @fixed are
// filters the screen always applies.  The API path is the entity's plural
// (model.js), the permission that writes it the entity's (canWrite).
export const REGISTRY = {
  enterprises: { entity: 'organization', fixed: { kind: 'enterprise' }, columns: ['name', 'uscc', 'region', 'industry', 'size'], sort: ['name', 'uscc', 'region'], filters: ['size'] },
  schools: { entity: 'organization', fixed: { kind: 'school' }, columns: ['name', 'uscc', 'region', 'industry', 'size'], sort: ['name', 'uscc', 'region'], filters: ['size'] },
  programmes: { entity: 'programme', columns: ['code', 'name', 'school_id', 'occupation_id', 'level', 'duration_months'], sort: ['code', 'name', 'level', 'duration_months'], filters: ['level'] },
  partnerships: { entity: 'partnership', columns: ['enterprise_id', 'school_id', 'places_per_year', 'start_date', 'end_date'], sort: ['places_per_year', 'start_date'], filters: [] },
  demands: { entity: 'demand', columns: ['enterprise_id', 'occupation_id', 'level', 'year', 'count'], sort: ['year', 'level', 'count'], filters: ['year', 'level'] },
  places: { entity: 'place', columns: ['enterprise_id', 'programme_id', 'year', 'capacity'], sort: ['year', 'capacity'], filters: ['year'] },
  trainees: { entity: 'trainee', columns: ['name', 'national_id', 'gender', 'birth_date', 'region'], sort: ['name', 'birth_date', 'region'], filters: ['gender'] },
  // ---- mentors (双导师): the register; the list adds each mentor's trainees ----
  mentors: { entity: 'mentor', columns: ['name', 'organization_id', 'kind', 'qualification', 'skill_level'], sort: ['name', 'kind', 'skill_level'], filters: ['kind', 'skill_level'] },
  contracts: { entity: 'contract', columns: ['id', 'trainee_id', 'enterprise_id', 'school_id', 'start_date', 'end_date', 'status'], sort: ['id', 'start_date', 'end_date', 'stipend_monthly'], filters: ['status'] },
  // ---- assessments and outcomes: each names its contract; the list adds the contract's trainee ----
  assessments: { entity: 'assessment', columns: ['contract_id', 'kind', 'date', 'result', 'score', 'level', 'certificate_no'], sort: ['date', 'score', 'level'], filters: ['kind', 'result', 'level'] },
  outcomes: { entity: 'outcome', columns: ['contract_id', 'kind', 'date', 'wage_monthly', 'employer_id'], sort: ['date', 'wage_monthly'], filters: ['kind'] },
  // Not in the registry menu: the pilot screens use its forms.
  pilots: { entity: 'pilot', columns: ['name', 'region', 'period_start', 'period_end'], sort: ['name', 'region'], filters: [] },
};

/** The API path of the list of @screen's records ("organizations"). */
export function kindOf(screen) {
  return pluralOf(REGISTRY[screen].entity);
}

/** The screen that shows one record of @entity (organisations by their kind). */
export function screenOf(entity, rec) {
  if (entity === 'organization') return rec && rec.kind === 'school' ? 'schools' : (rec && rec.kind !== 'enterprise' ? 'organizations' : 'enterprises');
  for (const [screen, d] of Object.entries(REGISTRY)) if (d.entity === entity) return screen;
  return pluralOf(entity);
}

/** Is the user an official who watches a region (the monitoring screens)? */
export function isGov() {
  return can('monitor');
}

/** The contract party the user approves as (admin: null, chooses). */
export function myParty() {
  return { enterprise: 'enterprise', school: 'school', trainee: 'trainee' }[role()] || null;
}

/** Is a sign-off button offered on an entry of @site (the server decides; the company signs company hours, the school school hours)? */
export function canSignOff(site) {
  if (!can('signoff')) return false;
  const r = role();
  return r === 'admin' || (r === 'enterprise' && site === 'company') || (r === 'school' && site === 'school');
}

/** Registry screens the user sees, in menu order. */
export function registryScreens() {
  const r = role();
  const all = Object.keys(REGISTRY).filter((s) => s !== 'pilots');
  if (r === 'trainee') return ['contracts'];
  // an assessment body: the contracts it may assess and the assessments it recorded
  if (r === 'assessor') return ['contracts', 'assessments'];
  if (r === 'school') return all.filter((s) => s !== 'demands');
  return all;
}
