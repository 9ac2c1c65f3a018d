// contract.js - one three-party training contract and its life cycle:
// draft → pending (each party approves; an edit resets the approvals) →
// active → completed | dissolved | transferred.  The page shows the parties
// and terms, who approved when, the actions this user may take now (each
// through the API's /contracts/{id}/{action}), and a timeline of the
// contract's events (from the audit log for those who may read it).  Approving
// asks first, with the terms summed up.

import { del, get, post, qs } from '../api.js';
import { h } from '../dom.js';
import { currentLang, date, dateTime, t } from '../i18n.js';
import { can, fieldsOf, forget, ref, remember, resolveContractNames, resolveRefs, role } from '../model.js';
import { myParty } from '../screens.js';
import { actionWords, actorWords, badge, control, errorText, form, label, openDialog, pageHead, toast, value } from './common.js';

const PARTIES = ['enterprise', 'school', 'trainee'];
const STEPS = ['draft', 'pending', 'active'];

function stepper(status) {
  const ended = ['completed', 'dissolved', 'transferred'].includes(status);
  const steps = [...STEPS, ended ? status : 'completed'];
  const at = steps.indexOf(status);
  return h('ol', { class: 'stepper', 'aria-label': t('contract.progress') },
    steps.map((s, i) => h('li', { class: i < at ? 'done' : i === at ? 'now' : 'todo', 'aria-current': i === at ? 'step' : null },
      h('span', { class: 'dot', 'aria-hidden': 'true' }, i < at ? '✓' : String(i + 1)), t(`status.${s}`))));
}

async function timeline(c) {
  const events = [];
  if (can('audit')) {
    try {
      const page = await get(`/audit${qs({ entity: 'contract', entity_id: c.id, limit: 100 })}`);
      for (const e of page.items.slice().reverse()) {
        events.push({ at: e.ts, what: actionWords(e), who: actorWords(e.actor, e.actor_name), party: partyOf(e) });
      }
      return events;
    } catch { /* fall back to the contract's own stamps */ }
  }
  events.push({ at: c.created_at, what: t('timeline.created') });
  if (c.submitted_at) events.push({ at: c.submitted_at, what: t('timeline.submitted') });
  for (const p of PARTIES) if (c[`approved_${p}_at`]) events.push({ at: c[`approved_${p}_at`], what: t('timeline.approved', { party: t(`party.${p}`) }) });
  if (c.activated_at) events.push({ at: c.activated_at, what: t('timeline.activated') });
  if (c.ended_on) events.push({ at: c.ended_on, what: t(`timeline.${c.status}`), dateOnly: true });
  events.sort((a, b) => String(a.at).localeCompare(String(b.at)));
  return events;
}

function partyOf(e) {
  if (!/(^|\.)approve$/.test(e.action) || !e.after || !e.before) return null;
  for (const p of PARTIES) if (e.after[`approved_${p}_at`] && !e.before[`approved_${p}_at`]) return p;
  return null;
}

/** A dialog with a small form for an action that takes arguments. */
function actionDialog(c, action, fieldsDef, ctx) {
  const controls = fieldsDef.map((f) => control('contract_action', f, f.initial, 'create', f.filter ? { filter: f.filter } : {}));
  let dlg;
  const f = form(controls, async (values) => {
    const body = {};
    for (const [k, v] of Object.entries(values)) if (v !== null && v !== '') body[k] = k === 'in_probation' ? v === 'true' : v;
    const out = await post(`/contracts/${c.id}/${action}`, body);
    dlg.close();
    forget('contract', c.id);
    toast(t(`contract.done.${action}`));
    if (action === 'transfer' && out && out.successor) ctx.navigate(`/contracts/${out.successor.id}`);
    else ctx.refresh();
  }, { submitLabel: t(`contract.action.${action}`) });
  dlg = openDialog(t(`contract.action.${action}`), h('div', null, h('p', { class: 'muted' }, t(`contract.explain.${action}`)), f.el));
}

/**
 * The contract's assessments and outcome, with links to record them (an
 * outcome once the contract has ended); null for those who read neither.
 */
async function assessmentsPanel(c) {
  let as;
  let os;
  try {
    [as, os] = await Promise.all([get(`/assessments${qs({ contract_id: c.id, sort: 'date', limit: 100 })}`), get(`/outcomes${qs({ contract_id: c.id, limit: 10 })}`)]);
  } catch { return null; }
  const af = fieldsOf('assessment');
  const of = fieldsOf('outcome');
  const cell = (entity, fs, r, name) => value(entity, fs.find((x) => x.name === name), r);
  const ended = ['completed', 'dissolved'].includes(c.status);
  const links = [];
  if (can('assess') && ['active', 'completed'].includes(c.status)) links.push(h('a', { class: 'btn small', href: `/assessments/new?contract_id=${c.id}`, 'data-test': 'new-assessment' }, t('new.assessments')));
  if (can('outcome') && ended && !os.items.length) links.push(h('a', { class: 'btn small', href: `/outcomes/new?contract_id=${c.id}`, 'data-test': 'new-outcome' }, t('new.outcomes')));
  return h('section', { class: 'panel', 'aria-labelledby': 'c-assess', 'data-test': 'assessments' },
    h('h2', { id: 'c-assess' }, t('assess.panel')),
    as.items.length ? h('ul', { class: 'links' }, as.items.map((a) => h('li', null,
      h('a', { href: `/assessments/${a.id}` }, cell('assessment', af, a, 'date'), ' · ', cell('assessment', af, a, 'kind')), ' · ', cell('assessment', af, a, 'result'),
      a.score !== null && a.score !== undefined ? [' · ', cell('assessment', af, a, 'score')] : null,
      a.level ? [' · ', label('assessment', 'level'), ' ', cell('assessment', af, a, 'level')] : null))) : h('p', { class: 'muted' }, t('assess.none')),
    os.items.length ? h('ul', { class: 'links' }, os.items.map((o) => h('li', null,
      h('a', { href: `/outcomes/${o.id}` }, cell('outcome', of, o, 'date'), ' · ', cell('outcome', of, o, 'kind')),
      o.wage_monthly ? [' · ', cell('outcome', of, o, 'wage_monthly')] : null))) : h('p', { class: 'muted' }, ended ? t('assess.noOutcome') : t('assess.outcomeWhen')),
    links.length ? h('div', { class: 'actions wrap' }, links) : null);
}

export async function contractView(ctx) {
  const id = ctx.params.id;
  const c = await get(`/contracts/${encodeURIComponent(id)}`);
  remember('contract', c);
  await resolveRefs('contract', [c]);
  await resolveContractNames([c]);
  const trainee = await ref('trainee', c.trainee_id);
  const title = t('contract.title', { id: c.id });
  const fields = fieldsOf('contract');
  const show = (name) => {
    const f = fields.find((x) => x.name === name);
    return [h('dt', null, label('contract', name)), h('dd', null, value('contract', f, c))];
  };

  async function act(action, body) {
    try {
      await post(`/contracts/${c.id}/${action}`, body);
      forget('contract', c.id);
      toast(t(`contract.done.${action}`));
      ctx.refresh();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  }

  // Approving is agreeing to the terms: they are shown once more, to be confirmed (on a
  // phone the terms panel lies below the approvals).
  function confirmApprove(p) {
    let dlg;
    const yes = h('button', { type: 'button', class: 'btn primary', 'data-test': 'approve-confirm', on: { click: () => { dlg.close(); act('approve', role() === 'admin' ? { party: p } : {}); } } }, t('contract.confirmYes'));
    const no = h('button', { type: 'button', class: 'btn', on: { click: () => dlg.close() } }, t('form.cancel'));
    dlg = openDialog(t('contract.confirmTitle'), h('div', { 'data-test': 'approve-summary' },
      h('p', null, t('contract.confirmAbout', { party: t(`party.${p}`) })),
      h('dl', { class: 'fields-dl' },
        show('trainee_id'), show('enterprise_id'), show('school_id'), show('programme_id'),
        show('company_mentor'), show('school_mentor'), show('stipend_monthly'), show('start_date'), show('end_date'), show('probation_months')),
      h('div', { class: 'form-actions' }, yes, no)));
    yes.focus();
  }

  // ---- approvals ----
  const party = myParty();
  const approvals = h('table', { class: 'approvals' },
    h('caption', null, t('contract.approvals')),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('contract.party')), h('th', { scope: 'col' }, t('contract.who')), h('th', { scope: 'col' }, t('contract.approvedAt')), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('contract.actions'))))),
    h('tbody', null, PARTIES.map((p) => {
      const at = c[`approved_${p}_at`];
      const whoId = p === 'trainee' ? c.trainee_id : c[`${p}_id`];
      const mayApprove = c.status === 'pending' && !at && can('approve') && (party === p || role() === 'admin');
      return h('tr', { 'data-party': p },
        h('th', { scope: 'row' }, t(`party.${p}`)),
        h('td', null, p === 'trainee' ? (trainee ? trainee.name : `#${whoId}`) : value('contract', fields.find((x) => x.name === `${p}_id`), c)),
        h('td', null, at ? h('span', { class: 'ok' }, '✓ ', dateTime(at)) : h('span', { class: 'muted' }, c.status === 'pending' ? t('contract.waiting') : '—')),
        h('td', null, mayApprove ? h('button', { type: 'button', class: 'btn primary small', on: { click: () => confirmApprove(p) } }, t('contract.approveAs', { party: t(`party.${p}`) })) : null));
    })));

  // ---- actions ----
  const actions = [];
  const writer = can('contract');
  if (writer && ['draft', 'pending'].includes(c.status)) actions.push(h('a', { class: 'btn', href: `/contracts/${c.id}/edit` }, t('detail.edit')));
  if (writer && c.status === 'draft') {
    actions.push(h('button', { type: 'button', class: 'btn primary', on: { click: () => act('submit') } }, t('contract.action.submit')));
    actions.push(h('button', {
      type: 'button', class: 'btn danger',
      on: {
        click: async () => {
          if (!window.confirm(t('detail.confirmDelete', { what: title }))) return;
          try { await del(`/contracts/${c.id}`); toast(t('detail.deleted')); ctx.navigate('/contracts'); } catch (e) { toast(errorText(e), 'error'); }
        },
      },
    }, t('detail.delete')));
  }
  if (writer && c.status === 'pending') {
    const all = PARTIES.every((p) => c[`approved_${p}_at`]);
    if (all) actions.push(h('button', { type: 'button', class: 'btn primary', on: { click: () => act('activate') } }, t('contract.action.activate')));
    actions.push(h('button', { type: 'button', class: 'btn', on: { click: () => act('withdraw') } }, t('contract.action.withdraw')));
  }
  if (writer && c.status === 'active') {
    actions.push(h('button', { type: 'button', class: 'btn', on: { click: () => actionDialog(c, 'complete', [{ name: 'date', type: 'date', initial: c.end_date }], ctx) } }, t('contract.action.complete')));
    actions.push(h('button', {
      type: 'button', class: 'btn',
      on: { click: () => actionDialog(c, 'dissolve', [{ name: 'reason', type: 'area', req: true, max: 500 }, { name: 'date', type: 'date' }, { name: 'in_probation', type: 'enum', values: ['true', 'false'] }].map((f) => ({ ...f })), ctx) },
    }, t('contract.action.dissolve')));
    actions.push(h('button', {
      type: 'button', class: 'btn',
      on: {
        click: () => actionDialog(c, 'transfer', [
          { name: 'enterprise_id', type: 'ref', ref: 'organization', refKind: 'enterprise' },
          { name: 'school_id', type: 'ref', ref: 'organization', refKind: 'school' },
          { name: 'date', type: 'date' }], ctx),
      },
    }, t('contract.action.transfer')));
  }
  const needsApproval = c.status === 'pending' && party && !c[`approved_${party}_at`] && can('approve');

  const events = await timeline(c);
  const assessed = await assessmentsPanel(c);
  const planned = (c.planned_company_hours || 0) + (c.planned_school_hours || 0);
  return {
    title,
    node: h('div', { class: 'page contract-page' },
      pageHead(title, {
        crumbs: [['/contracts', t('nav.contracts')]],
        sub: [trainee ? trainee.name : '', ' · ', badge('status', c.status)],
        // (an assessment body reads the contract, not its record book or documents: none offered)
        actions: role() === 'assessor' ? [] : [h('a', { class: 'btn', href: `/contracts/${c.id}/record-book` }, t('nav.recordBook')),
          // printed documents (PDF, GET /api/v1/contracts/{id}/pdf and book.pdf)
          h('a', { class: 'btn', href: `/api/v1/contracts/${c.id}/pdf${qs({ lang: currentLang() })}`, download: '', title: t('pdf.contractHint'), 'data-test': 'pdf-contract' }, t('pdf.contract')),
          h('a', { class: 'btn', href: `/api/v1/contracts/${c.id}/book.pdf${qs({ lang: currentLang() })}`, download: '', title: t('pdf.bookHint'), 'data-test': 'pdf-book' }, t('pdf.book'))],
      }),
      stepper(c.status),
      needsApproval ? h('p', { class: 'notice warn', role: 'status' }, t('contract.yourTurn')) : null,
      h('div', { class: 'grid2' },
        h('section', { class: 'panel', 'aria-labelledby': 'c-parties' },
          h('h2', { id: 'c-parties' }, t('contract.partiesTerms')),
          h('dl', { class: 'fields-dl' },
            show('trainee_id'), show('enterprise_id'), show('school_id'), show('programme_id'),
            show('company_mentor'), show('school_mentor'), show('stipend_monthly'), show('start_date'), show('end_date'), show('probation_months'),
            h('dt', null, t('contract.plannedHours')),
            h('dd', null, planned ? t('contract.plannedSplit', { company: c.planned_company_hours ?? 0, school: c.planned_school_hours ?? 0, share: Math.round(((c.planned_company_hours || 0) / planned) * 100) }) : '—'),
            c.predecessor_id ? show('predecessor_id') : null,
            c.ended_on ? show('ended_on') : null,
            c.dissolution_reason ? show('dissolution_reason') : null)),
        h('section', { class: 'panel', 'aria-labelledby': 'c-flow' },
          h('h2', { id: 'c-flow' }, t('contract.workflow')),
          approvals,
          actions.length ? h('div', { class: 'actions wrap', role: 'group', 'aria-label': t('contract.actions') }, actions) : h('p', { class: 'muted' }, t('contract.noActions')))),
      assessed,
      h('section', { class: 'panel', 'aria-labelledby': 'c-time' },
        h('h2', { id: 'c-time' }, t('contract.timeline')),
        h('ol', { class: 'timeline' }, events.map((e) => h('li', null,
          h('time', { datetime: e.at }, e.dateOnly ? date(e.at) : dateTime(e.at)),
          h('span', { class: 'what' }, e.what, e.party ? ` (${t(`party.${e.party}`)})` : ''),
          e.who ? h('span', { class: 'who muted' }, ` — ${e.who}`) : null))))),
  };
}
