// inspect.js - conducting an inspection (督查) on site, on a phone: "my
// inspections" (an inspector sees those he is drawn for, an official those
// of his region); the inspection form (visit date, the plan's checklist with
// pass / fail / not applicable and a remark, conclusion, evidence photos
// from the camera, finishing it); findings recorded from it (severity,
// description, deadline, the checklist item, photos); and the printable
// rectification notice (整改通知书) of an inspection with its findings and
// their deadlines.  One column on a narrow screen; the server decides who
// may record (only the two inspectors drawn for it).

import { get, patch, post, qs } from '../api.js';
import { h, replace } from '../dom.js';
import { currentLang, date, t } from '../i18n.js';
import { can, getSession, nameOf, ref } from '../model.js';
import { errorText, pageHead, regionName, table, toast } from './common.js';
import {
  SEVERITIES, checkName, evidencePicker, fieldOf, fileList, objectName, severityBadge, signal, statusBadge, today,
} from './findings.js';

const RESULTS = ['pass', 'fail', 'na'];

function inspectionStatus(s) {
  return h('span', { class: `badge ist-${s}` }, t(`field.ist.${s}`));
}

/** Is the signed-in user one of the two inspectors drawn for @insp? */
function drawnFor(insp) {
  const me = getSession().user.id;
  return can('inspect') && (insp.inspector_a === me || insp.inspector_b === me);
}

// ---- my inspections ----

export async function inspectionsView() {
  const inspector = getSession().user.role === 'inspector';
  const title = inspector ? t('field.myInspections') : t('field.inspections');
  const page = await get('/inspections');
  const rows = page.items;
  // the open ones first, then by visit
  rows.sort((a, b) => (a.status === 'done') - (b.status === 'done') || b.id - a.id);
  return {
    title,
    node: h('div', { class: 'page' },
      pageHead(title, { sub: inspector ? t('field.aboutMine') : t('field.aboutInspections') }),
      h('ul', { class: 'insp-list' }, rows.map((i) => h('li', { class: 'insp-item', 'data-inspection': i.id },
        h('a', { href: `/inspections/${i.id}`, class: 'insp-title' }, objectName(i)),
        h('div', { class: 'small' }, inspectionStatus(i.status), ' · ', t(`field.kind.${i.object_kind}`), ' · ', regionName(i.city),
          i.visited_on ? [' · ', t('field.visitedOn'), ' ', date(i.visited_on)] : null)))),
      rows.length ? null : h('p', { class: 'empty' }, t('field.noInspections'))),
  };
}

// ---- one inspection: the form ----

// An inspection with its results, its findings and (when the reader may see it) its plan.
async function loadInspection(rawId) {
  const id = encodeURIComponent(rawId);
  const [insp, res, fpage] = await Promise.all([
    get(`/inspections/${id}`),
    get(`/inspections/${id}/results`),
    get(`/findings${qs({ inspection_id: rawId, limit: 1000 })}`),
  ]);
  const plan = await get(`/inspection-plans/${insp.plan_id}`).catch(() => null);
  return { insp, res, fpage, plan };
}

export async function inspectionView(ctx) {
  const { insp, res, fpage, plan } = await loadInspection(ctx.params.id);
  const title = t('field.inspectionNo', { id: insp.id });
  const editable = drawnFor(insp) && insp.status !== 'done';
  const checks = res.checks || {};
  const en = currentLang() === 'en';

  const head = pageHead(title, {
    crumbs: [['/inspections', getSession().user.role === 'inspector' ? t('field.myInspections') : t('field.inspections')]],
    sub: null,
    actions: [h('a', { class: 'btn', href: `/inspections/${insp.id}/notice`, 'data-test': 'notice-link' }, t('field.notice'))],
  });
  const facts = h('dl', { class: 'fields-dl' },
    h('dt', null, t('field.object')), h('dd', null, objectName(insp)),
    h('dt', null, t('field.status')), h('dd', null, inspectionStatus(insp.status)),
    h('dt', null, t('field.region')), h('dd', null, regionName(insp.city)),
    h('dt', null, t('field.plan')), h('dd', null, plan ? plan.title : t('field.planNo', { id: insp.plan_id })),
    h('dt', null, t('field.inspectors')), h('dd', null, inspectorNames(insp, plan)));

  // The checklist: a fieldset per item, pass / fail / n.a. as big radio buttons.
  const items = (insp.checklist || []).map((c) => {
    const cur = checks[c.code] || {};
    const name = `chk-${c.code}`;
    const remark = h('input', { type: 'text', maxlength: 1000, value: cur.remark || '', disabled: !editable, 'aria-label': `${t('field.remark')}: ${en ? c.text_en : c.text_zh}`, placeholder: t('field.remark') });
    const radios = RESULTS.map((r) => h('label', { class: `choice choice-${r}` },
      h('input', { type: 'radio', name, value: r, checked: cur.result === r, disabled: !editable }), t(`field.res.${r}`)));
    const fs = h('fieldset', { class: 'check-item', 'data-check': c.code },
      h('legend', null, en ? c.text_en : c.text_zh),
      c.basis ? h('p', { class: 'hint' }, t('field.basis'), ': ', c.basis) : null,
      h('div', { class: 'choices' }, radios),
      remark);
    return { c, fs, remark, get: () => { const r = fs.querySelector('input[type=radio]:checked'); return r ? { code: c.code, result: r.value, remark: remark.value.trim() || undefined } : null; } };
  });
  const visited = fieldOf(t('field.visitedOn'), h('input', { type: 'date', value: res.visited_on || today(), max: today(), disabled: !editable, 'data-test': 'visited' }));
  const conclusion = fieldOf(t('field.conclusion'), h('textarea', { rows: 3, maxlength: 4000, disabled: !editable, 'data-test': 'conclusion' }, res.conclusion || ''));
  const evidence = evidencePicker(t('field.sitePhotos'));
  const err = h('div', { class: 'form-errors', role: 'alert', tabindex: '-1', hidden: true });

  async function save(finish) {
    err.hidden = true;
    if (evidence.busy()) { replace(err, t('field.stillUploading')); err.hidden = false; return; }
    const body = { visited_on: visited.input.value || undefined, checks: items.map((i) => i.get()).filter(Boolean) };
    if (conclusion.input.value.trim()) body.conclusion = conclusion.input.value.trim();
    const files = evidence.hashes();
    if (files.length) body.attachments = files;
    if (finish) body.status = 'done';
    try {
      await patch(`/inspections/${insp.id}`, body);
      toast(finish ? t('field.finished') : t('field.saved'));
      ctx.refresh();
    } catch (e) {
      const list = (e.errors || []).map((x) => h('li', null, x.field ? `${x.field}: ${x.message}` : x.message));
      replace(err, h('p', { class: 'summary-title' }, errorText(e)), list.length ? h('ul', null, list) : null);
      err.hidden = false;
      err.focus();
    }
  }

  const recordForm = h('form', {
    class: 'form stack insp-form', novalidate: true,
    on: { submit: (ev) => { ev.preventDefault(); save(false); } },
  },
  err,
  visited.wrap,
  h('h2', null, t('field.checklist')),
  items.map((i) => i.fs),
  conclusion.wrap,
  editable ? evidence.wrap : null,
  editable ? h('div', { class: 'form-actions sticky' },
    h('button', { type: 'submit', class: 'btn primary', 'data-test': 'save' }, t('field.save')),
    h('button', { type: 'button', class: 'btn', 'data-test': 'finish', on: { click: () => save(true) } }, t('field.finish'))) : null);

  return {
    title,
    node: h('div', { class: 'page' },
      head,
      h('section', { class: 'panel' }, facts),
      editable ? null : h('p', { class: 'notice info' }, insp.status === 'done' ? t('field.isDone') : t('field.readOnly')),
      h('section', { class: 'panel' }, recordForm,
        editable ? null : [h('h3', null, t('field.sitePhotos')), fileList(res.attachments)]),
      findingsPanel(insp, fpage.items, editable, ctx)),
  };
}

/** The two inspectors of @insp by login (from @plan's pool when it is in sight), else by number. */
function inspectorNames(insp, plan) {
  const pool = (plan && plan.inspectors) || [];
  const me = getSession().user;
  const name = (x) => (pool.find((p) => p.account === x) || {}).login || (x === me.id ? me.login : `#${x}`);
  return [insp.inspector_a, insp.inspector_b].filter(Boolean).map(name).join(currentLang() === 'en' ? ', ' : '、') || '—';
}

/** The findings of @insp, and (when @editable) the form that records one. */
function findingsPanel(insp, findings, editable, ctx) {
  const list = findings.length ? h('ul', { class: 'board-list' }, findings.map((f) => h('li', { class: `fcard colour-${f.colour || 'none'}`, 'data-finding': f.id },
    h('a', { href: `/findings/${f.id}`, class: 'fcard-title' }, t('field.findingNo', { id: f.id }), ' ', f.description),
    h('div', { class: 'fcard-meta' }, severityBadge(f.severity), ' ', statusBadge(f.status), ' ', signal(f)))))
    : h('p', { class: 'empty' }, t('field.noFindings'));
  let form = null;
  if (editable && insp.status === 'planned') form = h('p', { class: 'notice info' }, t('field.saveFirst'));
  else if (editable) form = findingForm(insp, ctx);
  return h('section', { class: 'panel', 'aria-labelledby': 'if-h' },
    h('h2', { id: 'if-h' }, t('field.findings')), list, form);
}

function findingForm(insp, ctx) {
  const en = currentLang() === 'en';
  const check = fieldOf(t('field.checkItem'), h('select', { 'data-test': 'f-check' },
    h('option', { value: '' }, t('field.noItem')),
    (insp.checklist || []).map((c) => h('option', { value: c.code }, en ? c.text_en : c.text_zh))));
  const sev = fieldOf(t('field.severity'), h('select', { 'data-test': 'f-severity' },
    SEVERITIES.map((s) => h('option', { value: s }, t(`field.sev.${s}`)))));
  const desc = fieldOf(t('field.description'), h('textarea', { rows: 3, maxlength: 4000, 'data-test': 'f-desc' }));
  const deadline = fieldOf(t('field.deadline'), h('input', { type: 'date', value: today(30), min: today(1), 'data-test': 'f-deadline' }));
  const org = insp.org_id ? null : fieldOf(t('field.orgId'), h('input', { type: 'number', min: 1, inputmode: 'numeric', 'data-test': 'f-org' }), t('field.orgIdHint'));
  const photos = evidencePicker(t('field.findingPhotos'));
  const err = h('div', { class: 'form-errors', role: 'alert', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn primary', 'data-test': 'f-add' }, t('field.addFinding'));
  return h('form', {
    class: 'form stack finding-form', novalidate: true,
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        err.hidden = true;
        if (!desc.input.value.trim()) { replace(err, t('field.needDesc')); err.hidden = false; desc.input.focus(); return; }
        if (photos.busy()) { replace(err, t('field.stillUploading')); err.hidden = false; return; }
        const body = { inspection_id: insp.id, severity: sev.input.value, description: desc.input.value.trim(), deadline: deadline.input.value };
        if (check.input.value) body.check_code = check.input.value;
        if (org && org.input.value) body.org_id = Number(org.input.value);
        const files = photos.hashes();
        if (files.length) body.attachments = files;
        button.disabled = true;
        try {
          await post('/findings', body);
          toast(t('field.findingAdded'));
          ctx.refresh();
        } catch (e) {
          const list = (e.errors || []).map((x) => h('li', null, x.message));
          replace(err, h('p', { class: 'summary-title' }, errorText(e)), list.length ? h('ul', null, list) : null);
          err.hidden = false;
          err.focus();
          button.disabled = false;
        }
      },
    },
  },
  h('h3', null, t('field.addFinding')), err, check.wrap, sev.wrap, desc.wrap, deadline.wrap, org ? org.wrap : null, photos.wrap,
  h('div', { class: 'form-actions' }, button));
}

// ---- the rectification notice (整改通知书) ----

export async function noticeView(ctx) {
  const { insp, res, fpage, plan } = await loadInspection(ctx.params.id);
  const org = insp.org_id ? await ref('organization', insp.org_id) : null;
  const orgName = org ? nameOf('organization', org) : t('field.orgUnknown');
  const year = (res.visited_on || insp.created_at || today()).slice(0, 4);
  const title = t('field.noticeTitle');
  const findings = fpage.items;
  const latest = findings.reduce((m, f) => (f.deadline > m ? f.deadline : m), '');
  return {
    title,
    node: h('div', { class: 'page notice-page' },
      h('div', { class: 'no-print actions wrap' },
        h('a', { class: 'btn', href: `/inspections/${insp.id}` }, t('field.back')),
        h('button', { type: 'button', class: 'btn primary', 'data-test': 'print', on: { click: () => window.print() } }, t('field.print'))),
      h('article', { class: 'notice-doc', 'aria-labelledby': 'nt-h' },
        h('h1', { id: 'nt-h' }, title),
        h('p', { class: 'doc-no' }, t('field.noticeNo', { year, id: insp.id })),
        h('p', { class: 'to' }, t('field.noticeTo', { org: orgName })),
        h('p', { class: 'para' }, t('field.noticeBody', {
          plan: plan ? plan.title : t('field.planNo', { id: insp.plan_id }),
          date: res.visited_on ? date(res.visited_on) : '—',
          n: findings.length,
        })),
        findings.length ? table(t('field.findings'), [
          { label: t('field.seq'), render: (f) => String(findings.indexOf(f) + 1) },
          { label: t('field.description'), render: (f) => [f.description, f.check_code ? h('span', { class: 'small muted' }, ` (${checkName(f.check_code, insp.checklist)})`) : null] },
          { label: t('field.severity'), render: (f) => t(`field.sev.${f.severity}`) },
          { label: t('field.deadline'), render: (f) => date(f.deadline) },
          { label: t('field.status'), render: (f) => t(`field.st.${f.status}`) },
        ], findings) : h('p', null, t('field.noFindings')),
        h('p', { class: 'para' }, t('field.noticeAsk', { date: latest ? date(latest) : '—' })),
        res.conclusion ? h('p', { class: 'para' }, t('field.conclusion'), '：', res.conclusion) : null,
        h('div', { class: 'sign' },
          h('p', null, t('field.noticeFrom')),
          h('p', null, t('field.inspectors'), '：', inspectorNames(insp, plan), '　', t('field.signHere')),
          h('p', null, date(today()))))),
  };
}
