// audit.js - the audit log (admin, inspector): every write with who, when,
// what and the change, filterable by record, actor, action and time, and
// the verification of the hash chain that links the events.

import { get, qs } from '../api.js';
import { h } from '../dom.js';
import { dateTime, has, num, t } from '../i18n.js';
import { actionWords, actorWords, errorText, pageHead, pager } from './common.js';

// The record an event is about, linked where it has a screen, named where the event carries a name.
function record(e) {
  const what = has(`entity.${e.entity}`) ? t(`entity.${e.entity}`) : e.entity;
  const name = (e.after && (e.after.name || e.after.title)) || (e.before && (e.before.name || e.before.title)) || `#${e.entity_id}`;
  const text = `${what} ${name}`;
  const href = { contract: `/contracts/${e.entity_id}`, trainee: `/trainees/${e.entity_id}`, programme: `/programmes/${e.entity_id}`, assessment: `/assessments/${e.entity_id}`,
    outcome: `/outcomes/${e.entity_id}`, mentor: `/mentors/${e.entity_id}`, pilot: `/pilots/${e.entity_id}`, finding: `/findings/${e.entity_id}`, inspection: `/inspections/${e.entity_id}`,
    inspection_plan: `/plans/${e.entity_id}`, account: `/accounts/${e.entity_id}` }[e.entity];
  return e.entity_id !== null && e.entity_id !== undefined && href ? h('a', { href }, text) : text;
}

function diff(before, after) {
  const keys = [...new Set([...Object.keys(before || {}), ...Object.keys(after || {})])].filter((k) => k !== 'updated_at');
  const changed = keys.filter((k) => JSON.stringify((before || {})[k]) !== JSON.stringify((after || {})[k]));
  if (!changed.length) return null;
  return h('details', null, h('summary', null, t('audit.changes', { n: changed.length })),
    h('table', { class: 'diff' }, h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('audit.field')), h('th', { scope: 'col' }, t('audit.before')), h('th', { scope: 'col' }, t('audit.after')))),
      h('tbody', null, changed.map((k) => h('tr', null, h('th', { scope: 'row' }, k),
        h('td', null, before && before[k] !== undefined ? JSON.stringify(before[k]) : '—'),
        h('td', null, after && after[k] !== undefined ? JSON.stringify(after[k]) : '—'))))));
}

export async function auditView(ctx) {
  const q = ctx.query;
  const f = {};
  for (const k of ['entity', 'entity_id', 'actor', 'action', 'from', 'to']) if (q.get(k)) f[k] = q.get(k);
  const page = await get(`/audit${qs({ ...f, limit: 50, cursor: q.get('cursor') || undefined })}`);
  const title = t('nav.audit');
  const verify = h('p', { class: 'notice info', role: 'status', 'data-test': 'verify' }, t('audit.verifying'));
  get('/audit/verify').then((v) => {
    verify.className = `notice ${v.ok ? 'ok' : 'error'}`;
    verify.textContent = v.ok ? t('audit.verifyOk', { n: num(v.checked) }) : t('audit.verifyBad', { n: num(v.checked), error: v.error || '' });
  }).catch((e) => { verify.className = 'notice error'; verify.textContent = errorText(e); });
  const field = (name, type = 'text') => h('div', { class: 'field inline' }, h('label', { for: `au-${name}` }, t(`audit.f.${name}`)), h('input', { id: `au-${name}`, name, type, value: f[name] || '', class: type === 'date' ? '' : 'short' }));
  const filters = h('form', {
    class: 'filters', role: 'search', 'aria-label': t('audit.filter'),
    on: { submit: (ev) => { ev.preventDefault(); const u = new URLSearchParams(); for (const [k, v] of new FormData(ev.target).entries()) if (String(v).trim()) u.set(k, String(v).trim()); ctx.navigate(`/audit${u.toString() ? `?${u}` : ''}`); } },
  },
  h('div', { class: 'field inline' }, h('label', { for: 'au-entity' }, t('audit.f.entity')),
    h('select', { id: 'au-entity', name: 'entity' }, h('option', { value: '' }, t('common.all')),
      ['organization', 'programme', 'partnership', 'demand', 'place', 'trainee', 'contract', 'record_entry', 'assessment', 'outcome', 'pilot', 'account', 'credential'].map((e) => h('option', { value: e, selected: f.entity === e }, t(`entity.${e}`))))),
  field('entity_id'), field('actor'), field('action'), field('from', 'date'), field('to', 'date'),
  h('button', { type: 'submit', class: 'btn' }, t('list.apply')),
  Object.keys(f).length ? h('a', { class: 'btn link', href: '/audit' }, t('list.reset')) : null);
  return {
    title,
    node: h('div', { class: 'page' },
      pageHead(title, { sub: t('about.audit') }),
      verify,
      filters,
      page.items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'audit' },
        h('caption', { class: 'sr-only' }, title),
        h('thead', null, h('tr', null, ['audit.id', 'audit.time', 'audit.f.actor', 'audit.f.action', 'audit.record', 'audit.change'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, page.items.map((e) => h('tr', null,
          h('td', { class: 'num' }, String(e.id)),
          h('td', null, dateTime(e.ts)),
          h('td', null, actorWords(e.actor, e.actor_name)),
          h('td', { title: e.action }, actionWords(e)),
          h('td', null, record(e)),
          h('td', null, diff(e.before, e.after) || '—')))))) : h('p', { class: 'empty' }, t('list.empty')),
      pager('/audit', q, page.next, Number(q.get('page') || 1))),
  };
}
