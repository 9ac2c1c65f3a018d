// findings.js - supervision findings (督查问题) and their rectification to
// closure (销号): the board by status with red / yellow / green and the days
// left, its XLSX export; one finding with its evidence and the history of
// its rectifications; the responsible organisation starts and submits what
// it did with evidence files (photos from the camera, PDFs); an inspector of
// the inspection accepts or rejects with a reason and a new deadline.  The
// server decides who may do what (403 otherwise); the buttons shown follow
// the session's permissions (rectify, inspect) and the finding's status.
//
// Also the pieces inspect.js shares: the signal badge, the object's name,
// evidence upload and the list of files.

import { get, post, qs, upload } from '../api.js';
import { h, nextId, replace } from '../dom.js';
import { currentLang, date, dateTime, has, t } from '../i18n.js';
import { can, nameOf, ref, role } from '../model.js';
import { errorText, pageHead, refLink, regionName, toast } from './common.js';

export const STATUSES = ['open', 'rectifying', 'submitted', 'closed'];
export const SEVERITIES = ['general', 'serious', 'grave'];
const ACCEPT = 'image/*,application/pdf';

/** Today in the pilot's calendar (China Standard Time) as YYYY-MM-DD. */
export function today(plusDays = 0) {
  return new Date(Date.now() + 8 * 3600e3 + plusDays * 86400e3).toISOString().slice(0, 10);
}

/**
 * The red / yellow / green signal of finding @f with its days left (colour
 * and words, never colour alone); a submitted or closed finding has none.
 */
export function signal(f) {
  if (f.status === 'closed') return h('span', { class: 'signal signal-none' }, t('field.signal.closed'));
  if (!f.colour || f.colour === 'none') return h('span', { class: 'signal signal-none' }, t('field.signal.waiting'));
  const d = f.days_left;
  const left = f.overdue ? t('field.overdueBy', { n: -d }) : d === 0 ? t('field.dueToday') : t('field.daysLeft', { n: d });
  return h('span', { class: `signal signal-${f.colour}`, 'data-colour': f.colour },
    h('span', { class: 'dot', 'aria-hidden': 'true' }), `${t(`field.colour.${f.colour}`)} · ${left}`);
}

export function severityBadge(s) {
  return h('span', { class: `badge sev-${s}` }, t(`field.sev.${s}`));
}

export function statusBadge(s) {
  return h('span', { class: `badge fst-${s}` }, t(`field.st.${s}`));
}

/** The inspected object of @x (an inspection or a finding) by name. */
export function objectName(x) {
  const id = x.object_id;
  const kind = t(`field.kind.${x.object_kind}`);
  if (x.object_kind === 'enterprise' || x.object_kind === 'school') {
    const s = h('span', null, `${kind} #${id}`);
    ref('organization', id).then((o) => { if (o) s.textContent = nameOf('organization', o); });
    return s;
  }
  if (x.object_kind === 'contract') return refLink('contract', id);
  return `${kind} #${id}`;
}

/**
 * The wording of checklist item @code: from @checklist (the plan's, when in
 * sight), else the catalogue's for the default checklist, else the code.
 */
export function checkName(code, checklist) {
  if (!code) return '—';
  const c = (checklist || []).find((x) => x.code === code);
  if (c) return currentLang() === 'en' ? c.text_en : c.text_zh;
  return has(`field.check.${code}`) ? t(`field.check.${code}`) : code;
}

/** The files @list [{hash, name, mime}] as links, photos as thumbnails. */
export function fileList(list) {
  if (!list || !list.length) return h('p', { class: 'muted small' }, t('field.noFiles'));
  return h('ul', { class: 'files' }, list.map((f) => {
    const href = `/api/v1/attachments/${encodeURIComponent(f.hash)}`;
    const isImg = (f.mime || '').startsWith('image/');
    return h('li', null, h('a', { href, target: '_blank', rel: 'noopener' },
      isImg ? h('img', { src: href, alt: f.name || t('field.photo'), class: 'thumb', loading: 'lazy' }) : null,
      h('span', { class: 'file-name' }, f.name || f.hash.slice(0, 12))));
  }));
}

/**
 * An evidence picker: a file input that opens the camera on a phone
 * (capture) and uploads each chosen file at once; returns { wrap, hashes(),
 * clear(), busy() }.  Upload errors are shown under it.
 */
export function evidencePicker(labelText, action) {
  const id = nextId('ev');
  const done = [];
  let pending = 0;
  const list = h('ul', { class: 'files', 'aria-live': 'polite' });
  const err = h('p', { class: 'field-error', hidden: true, role: 'alert' });
  const input = h('input', {
    id, type: 'file', accept: ACCEPT, capture: 'environment', multiple: true, 'data-test': 'evidence',
    on: {
      change: async () => {
        err.hidden = true;
        for (const file of [...input.files]) {
          pending++;
          const li = h('li', { class: 'muted' }, `${file.name} · ${t('field.uploading')}`);
          list.appendChild(li);
          try {
            const r = await upload(`/attachments${qs({ name: file.name })}`, file);
            done.push({ hash: r.hash, name: r.name });
            replace(li, h('span', { class: 'ok' }, '✓ '), r.name, action ? actionButton(action, r) : null);
            li.className = 'uploaded';
          } catch (e) {
            li.remove();
            replace(err, `${file.name}: ${errorText(e)}`);
            err.hidden = false;
          } finally {
            pending--;
          }
        }
        input.value = '';
      },
    },
  });
  const wrap = h('div', { class: 'field wide' },
    h('label', { for: id }, labelText || t('field.evidence')),
    h('p', { class: 'hint' }, t('field.evidenceHint')),
    input, list, err);
  return { wrap, hashes: () => done.slice(), clear: () => { done.length = 0; list.replaceChildren(); }, busy: () => pending > 0 };
}

/** The button an evidence picker shows beside an uploaded file ({ label, run(file) }). */
export function actionButton(action, file) {
  return h('button', { type: 'button', class: 'btn small', 'data-test': 'file-action', on: { click: () => action.run(file) } }, action.label);
}

/** A labelled control in a form: { wrap, input }. */
export function fieldOf(labelText, input, hint) {
  input.id = input.id || nextId('fd');
  return { wrap: h('div', { class: 'field' }, h('label', { for: input.id }, labelText), hint ? h('p', { class: 'hint' }, hint) : null, input), input };
}

// ---- the board ----

/** The findings board: by status, red / yellow / green, days left; filters; XLSX. */
export async function boardView(ctx) {
  const q = ctx.query;
  const org = role() === 'school' || role() === 'enterprise';
  const title = org ? t('field.myRectification') : t('field.board');
  const severity = q.get('severity') || '';
  const overdue = q.get('overdue') === 'true';
  const filter = { severity: severity || undefined, overdue: overdue ? 'true' : undefined };
  const page = await get(`/findings${qs({ ...filter, limit: 1000 })}`);
  const items = page.items;
  const filters = h('form', {
    class: 'filters', role: 'search', 'aria-label': t('field.filter'),
    on: {
      submit: (ev) => {
        ev.preventDefault();
        const fd = new FormData(ev.target);
        const u = new URLSearchParams();
        if (fd.get('severity')) u.set('severity', fd.get('severity'));
        if (fd.get('overdue')) u.set('overdue', 'true');
        ctx.navigate(`/findings${u.toString() ? `?${u}` : ''}`);
      },
    },
  },
  h('div', { class: 'field inline' }, h('label', { for: 'fb-sev' }, t('field.severity')),
    h('select', { id: 'fb-sev', name: 'severity' }, h('option', { value: '' }, t('common.all')),
      SEVERITIES.map((s) => h('option', { value: s, selected: s === severity }, t(`field.sev.${s}`))))),
  h('div', { class: 'field check' }, h('label', null, h('input', { type: 'checkbox', name: 'overdue', value: 'true', checked: overdue }), t('field.onlyOverdue'))),
  h('button', { type: 'submit', class: 'btn' }, t('list.apply')));
  const xlsx = h('a', {
    class: 'btn', href: `/api/v1/exports/findings.xlsx${qs({ ...filter, lang: currentLang() === 'en' ? 'en' : undefined })}`,
    download: '', 'data-test': 'export-findings',
  }, t('field.exportXlsx'));
  const counts = Object.fromEntries(STATUSES.map((s) => [s, items.filter((f) => f.status === s).length]));
  const red = items.filter((f) => f.colour === 'red').length;
  const columns = STATUSES.map((s) => {
    const hid = nextId('col');
    const rows = items.filter((f) => f.status === s)
      .sort((a, b) => (a.days_left ?? 1e9) - (b.days_left ?? 1e9) || a.id - b.id);
    return h('section', { class: `board-col col-${s}`, 'aria-labelledby': hid, 'data-status': s },
      h('h2', { id: hid }, t(`field.st.${s}`), ' ', h('span', { class: 'count' }, `(${counts[s]})`)),
      rows.length ? h('ul', { class: 'board-list' }, rows.map(card)) : h('p', { class: 'empty' }, t('field.none')));
  });
  return {
    title,
    node: h('div', { class: 'page' },
      pageHead(title, { sub: org ? t('field.aboutRectify') : t('field.aboutBoard'), actions: [xlsx] }),
      filters,
      h('p', { class: 'board-sum', 'data-test': 'board-sum' }, t('field.boardSum', { n: items.length, red })),
      h('div', { class: 'board' }, columns),
      page.next ? h('p', { class: 'muted' }, t('field.more')) : null),
  };
}

function card(f) {
  return h('li', { class: `fcard colour-${f.colour || 'none'}`, 'data-finding': f.id },
    h('a', { href: `/findings/${f.id}`, class: 'fcard-title' }, t('field.findingNo', { id: f.id }), ' ', f.description),
    h('div', { class: 'fcard-meta' }, severityBadge(f.severity), ' ', signal(f)),
    h('div', { class: 'fcard-meta small' }, t('field.deadline'), ': ', date(f.deadline), ' · ', objectName(f)));
}

// ---- one finding ----

export async function findingView(ctx) {
  const id = ctx.params.id;
  const f = await get(`/findings/${encodeURIComponent(id)}`);
  const title = t('field.findingNo', { id: f.id });
  const mayRectify = can('rectify') && (role() === 'school' || role() === 'enterprise');
  const mayDecide = can('inspect');
  const done = (msg) => { toast(msg); ctx.refresh(); };

  const actions = [];
  if (mayRectify && f.status === 'open') {
    actions.push(h('button', {
      type: 'button', class: 'btn', 'data-test': 'start',
      on: { click: async () => { try { await post(`/findings/${f.id}/start`); done(t('field.started')); } catch (e) { toast(errorText(e), 'error'); } } },
    }, t('field.start')));
  }
  const panels = [];
  if (mayRectify && (f.status === 'open' || f.status === 'rectifying')) panels.push(rectifyForm(f, done));
  if (mayDecide && f.status === 'submitted') panels.push(decideForm(f, done));

  const dl = [
    [t('field.status'), statusBadge(f.status)],
    [t('field.signal'), signal(f)],
    [t('field.severity'), severityBadge(f.severity)],
    [t('field.deadline'), date(f.deadline)],
    [t('field.description'), h('span', { class: 'prose' }, f.description)],
    [t('field.org'), refLink('organization', f.org_id)],
    [t('field.object'), objectName(f)],
    [t('field.region'), regionName(f.region)],
    [t('field.checkItem'), checkName(f.check_code)],
    [t('field.found'), dateTime(f.created_at)],
    f.closed_at ? [t('field.closedAt'), dateTime(f.closed_at)] : null,
  ].filter(Boolean);
  return {
    title,
    node: h('div', { class: 'page' },
      pageHead(title, { crumbs: [['/findings', mayRectify ? t('field.myRectification') : t('field.board')]], actions }),
      h('div', { class: 'grid2' },
        h('section', { class: 'panel', 'aria-labelledby': 'fd-h' },
          h('h2', { id: 'fd-h' }, t('field.details')),
          h('dl', { class: 'fields-dl' }, dl.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]))),
        h('section', { class: 'panel', 'aria-labelledby': 'fe-h' },
          h('h2', { id: 'fe-h' }, t('field.evidence')),
          fileList(f.attachments))),
      panels,
      h('section', { class: 'panel', 'aria-labelledby': 'fr-h' },
        h('h2', { id: 'fr-h' }, t('field.history')),
        f.rectifications.length ? h('ol', { class: 'timeline rects' }, f.rectifications.map((r) => h('li', { 'data-decision': r.decision || 'pending' },
          h('time', null, dateTime(r.submitted_at)), ' ', h('strong', null, t('field.submittedBy')),
          h('p', { class: 'prose' }, r.body),
          fileList(r.attachments),
          r.decision ? h('p', { class: r.decision === 'accepted' ? 'ok' : 'late' },
            t(`field.decision.${r.decision}`), r.decided_at ? ` · ${dateTime(r.decided_at)}` : '',
            r.reason ? ` · ${t('field.why')}: ${r.reason}` : '',
            r.new_deadline ? ` · ${t('field.newDeadline')}: ${date(r.new_deadline)}` : '') : h('p', { class: 'muted' }, t('field.awaiting')))))
          : h('p', { class: 'empty' }, t('field.noRect')))),
  };
}

/** The organisation's rectification: what it did, with evidence files. */
function rectifyForm(f, done) {
  const body = fieldOf(t('field.whatDone'), h('textarea', { rows: 4, maxlength: 4000, required: true, 'data-test': 'rect-body' }));
  const files = evidencePicker(t('field.rectFiles'));
  const err = h('p', { class: 'form-errors', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn primary', 'data-test': 'rect-submit' }, t('field.submitRect'));
  return h('section', { class: 'panel', 'aria-labelledby': 'rf-h' },
    h('h2', { id: 'rf-h' }, t('field.rectify')),
    h('form', {
      class: 'form stack', novalidate: true,
      on: {
        submit: async (ev) => {
          ev.preventDefault();
          err.hidden = true;
          if (!body.input.value.trim()) { replace(err, t('field.needBody')); err.hidden = false; body.input.focus(); return; }
          if (files.busy()) { replace(err, t('field.stillUploading')); err.hidden = false; return; }
          button.disabled = true;
          try {
            await post(`/findings/${f.id}/rectifications`, { body: body.input.value.trim(), attachments: files.hashes() });
            done(t('field.submitted'));
          } catch (e) {
            replace(err, errorText(e)); err.hidden = false; button.disabled = false;
          }
        },
      },
    }, err, body.wrap, files.wrap, h('div', { class: 'form-actions' }, button)));
}

/** The inspector's decision on a submitted rectification. */
function decideForm(f, done) {
  const err = h('p', { class: 'form-errors', role: 'alert', hidden: true });
  const reason = fieldOf(t('field.why'), h('textarea', { rows: 3, maxlength: 4000, 'data-test': 'reason' }));
  const nd = fieldOf(t('field.newDeadline'), h('input', { type: 'date', value: today(14), min: today(1), 'data-test': 'new-deadline' }));
  const decide = async (decision) => {
    err.hidden = true;
    const b = { decision };
    if (decision === 'rejected') {
      if (!reason.input.value.trim()) { replace(err, t('field.needReason')); err.hidden = false; reason.input.focus(); return; }
      b.reason = reason.input.value.trim();
      b.new_deadline = nd.input.value;
    }
    try {
      await post(`/findings/${f.id}/decision`, b);
      done(t(`field.done.${decision}`));
    } catch (e) {
      const fe = e.errors && e.errors[0];
      replace(err, fe && fe.message ? fe.message : errorText(e));
      err.hidden = false;
    }
  };
  return h('section', { class: 'panel', 'aria-labelledby': 'dc-h' },
    h('h2', { id: 'dc-h' }, t('field.verify')),
    h('p', { class: 'sub' }, t('field.verifyHint')),
    err,
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn primary', 'data-test': 'accept', on: { click: () => decide('accepted') } }, t('field.accept'))),
    h('div', { class: 'form stack reject' }, reason.wrap, nd.wrap,
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'btn danger', 'data-test': 'reject', on: { click: () => decide('rejected') } }, t('field.reject')))));
}
