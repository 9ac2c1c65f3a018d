// alerts.js - alerts raised by the monitoring rules (a target off track, a
// rule broken): list with filters, acknowledge and resolve.  Schools,
// enterprises (and their mentors' sign-ins) and trainees see the alerts about
// themselves and their contracts as cards (phone-friendly): what each is
// about and what to do; they do not acknowledge them (officials do).

import { get, post, qs } from '../api.js';
import { h } from '../dom.js';
import { currentLang, dateTime, has, t } from '../i18n.js';
import { can, ref } from '../model.js';
import { badge, errorText, label, pageHead, pager, regionName, table, toast } from './common.js';
import { isGov, screenOf } from '../screens.js';

export async function alertsView(ctx) {
  const q = ctx.query;
  const title = t('nav.alerts');
  const status = q.has('status') ? q.get('status') : 'open';
  const severity = q.get('severity') || '';
  const page = await get(`/alerts${qs({ status: status || undefined, severity: severity || undefined, limit: 50, cursor: q.get('cursor') || undefined, sort: '-raised_at' })}`);
  async function act(a, action) {
    try { await post(`/alerts/${a.id}/${action}`); toast(t(`alert.done.${action}`)); ctx.refresh(); } catch (e) { toast(errorText(e), 'error'); }
  }
  const may = can('alert');
  if (!isGov()) return partyAlerts(ctx, t('orgalert.nav'), status, page);
  const filters = h('form', {
    class: 'filters', role: 'search', 'aria-label': t('alert.filter'),
    on: { submit: (ev) => { ev.preventDefault(); const fd = new FormData(ev.target); const u = new URLSearchParams(); u.set('status', fd.get('status')); if (fd.get('severity')) u.set('severity', fd.get('severity')); ctx.navigate(`/alerts?${u}`); } },
  },
  h('div', { class: 'field inline' }, h('label', { for: 'al-status' }, t('alert.status')),
    h('select', { id: 'al-status', name: 'status' }, h('option', { value: '' }, t('common.all')), ['open', 'acknowledged', 'resolved'].map((s) => h('option', { value: s, selected: s === status }, t(`alertstatus.${s}`))))),
  h('div', { class: 'field inline' }, h('label', { for: 'al-sev' }, t('alert.severity')),
    h('select', { id: 'al-sev', name: 'severity' }, h('option', { value: '' }, t('common.all')), ['critical', 'warning', 'info'].map((s) => h('option', { value: s, selected: s === severity }, t(`severity.${s}`))))),
  h('button', { type: 'submit', class: 'btn' }, t('list.apply')));
  return {
    title,
    node: h('div', { class: 'page' },
      pageHead(title, { sub: t('about.alerts') }),
      filters,
      table(title, [
        { label: t('alert.severity'), render: (a) => badge('severity', a.severity) },
        { label: t('alert.message'), render: (a) => subjectLink(a, (currentLang() === 'en' ? a.message_en : a.message_zh) || a.rule) },
        { label: label('alert', 'region'), render: (a) => regionName(a.region) },
        { label: t('alert.raised'), render: (a) => dateTime(a.raised_at) },
        { label: t('alert.status'), render: (a) => [t(`alertstatus.${a.status}`), a.acknowledged_by ? h('span', { class: 'muted small' }, ` · ${a.acknowledged_by}`) : null, a.resolved_by ? h('span', { class: 'muted small' }, ` · ${a.resolved_by}`) : null] },
        { label: t('contract.actions'), render: (a) => (may ? [
          a.status === 'open' ? h('button', { type: 'button', class: 'btn small', on: { click: () => act(a, 'ack') } }, t('alert.ack')) : null,
          a.status !== 'resolved' ? h('button', { type: 'button', class: 'btn small', on: { click: () => act(a, 'resolve') } }, t('alert.resolve')) : null,
        ] : '—') },
      ], page.items, { empty: t('dash.noAlerts') }),
      pager('/alerts', q, page.next, Number(q.get('page') || 1))),
  };
}

/**
 * Alert @a's message as a link to the record it is about: a contract, a
 * finding, a pilot (a pilot task: its pilot's page), an organisation (its
 * screen by kind, once known); plain text when there is none.
 */
function subjectLink(a, text) {
  const id = a.subject_id;
  const direct = { contract: `/contracts/${id}`, finding: `/findings/${id}`, pilot: `/pilots/${id}`, inspection: `/inspections/${id}` }[a.subject_kind];
  if (direct) return h('a', { href: direct, 'data-test': 'alert-subject' }, text);
  if (a.subject_kind === 'pilot_task' || a.subject_kind === 'organization') {
    const link = h('a', { href: a.subject_kind === 'pilot_task' ? '/pilots' : '/enterprises', 'data-test': 'alert-subject' }, text);
    ref(a.subject_kind, id).then((r) => {
      if (!r) { link.replaceWith(text); return; }
      link.setAttribute('href', a.subject_kind === 'pilot_task' ? `/pilots/${r.pilot_id}` : `/${screenOf('organization', r)}/${id}`);
    });
    return link;
  }
  return text;
}

// ---- alerts about one's own organisation or contracts (orgalert.) ----

// What alert @a is about, as a link where the party can open it.
function about(a) {
  if (a.subject_kind === 'contract') return h('a', { href: `/contracts/${a.subject_id}` }, t('orgalert.aboutContract', { id: a.subject_id }));
  if (a.subject_kind === 'finding') return h('a', { href: `/findings/${a.subject_id}` }, t('orgalert.aboutFinding', { id: a.subject_id }));
  if (a.subject_kind === 'organization') return t('orgalert.aboutOrg');
  return a.subject_kind;
}

function partyAlerts(ctx, title, status, page) {
  const q = ctx.query;
  const filters = h('form', {
    class: 'filters', role: 'search', 'aria-label': t('alert.filter'),
    on: { submit: (ev) => { ev.preventDefault(); const u = new URLSearchParams(); u.set('status', new FormData(ev.target).get('status')); ctx.navigate(`/alerts?${u}`); } },
  },
  h('div', { class: 'field inline' }, h('label', { for: 'al-status' }, t('alert.status')),
    h('select', { id: 'al-status', name: 'status' }, h('option', { value: '' }, t('common.all')), ['open', 'acknowledged', 'resolved'].map((s) => h('option', { value: s, selected: s === status }, t(`alertstatus.${s}`))))),
  h('button', { type: 'submit', class: 'btn' }, t('list.apply')));
  const cards = page.items.map((a) => h('li', { class: `org-alert sev-${a.severity}`, 'data-test': 'org-alert', 'data-rule': a.rule },
    h('div', { class: 'oa-head' }, badge('severity', a.severity), ' ',
      h('span', { class: 'oa-msg' }, (currentLang() === 'en' ? a.message_en : a.message_zh) || a.rule)),
    h('dl', { class: 'oa-facts' },
      h('dt', null, t('orgalert.about')), h('dd', null, about(a)),
      h('dt', null, t('orgalert.todo')), h('dd', { 'data-test': 'todo' }, t(has(`orgalert.todo.${a.rule}`) ? `orgalert.todo.${a.rule}` : 'orgalert.todo.other')),
      h('dt', null, t('alert.raised')), h('dd', null, dateTime(a.raised_at)),
      h('dt', null, t('alert.status')), h('dd', null, t(`alertstatus.${a.status}`)))));
  return {
    title,
    node: h('div', { class: 'page org-alerts' },
      pageHead(title, { sub: t('orgalert.sub') }),
      filters,
      cards.length ? h('ul', { class: 'org-alert-list', 'aria-label': title }, cards) : h('p', { class: 'empty' }, t('orgalert.none')),
      pager('/alerts', q, page.next, Number(q.get('page') || 1))),
  };
}
