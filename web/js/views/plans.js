// plans.js - supervision planning (督查计划, 双随机、一公开): the list of
// inspection plans; the plan wizard (region, year and title; the kinds of
// object and the sample per city, cross-city; the risk weights; the
// checklist, started from the default and edited; the inspector pool picked
// from the eligible accounts); and a plan's page with its steps: commit (the
// seed's hash shown before anyone can know the draw), draw (the picks per
// city with their risk weights and reasons, and the inspector pairs), reveal
// (the seed), verify (the re-run shown as matching, or its first
// difference), start and close, with the plan's inspections and their
// status.  The draw itself is the server's (docs/SUPERVISION.md); this
// screen only shows what is published.

import { ApiError, get, post, qs } from '../api.js';
import { h, nextId, replace } from '../dom.js';
import { currentLang, dateTime, num, t } from '../i18n.js';
import { can, getSession, nameOf, ref } from '../model.js';
import { announce, errorText, openDialog, pageHead, refLink, regionName, table, toast } from './common.js';

const STATUSES = ['draft', 'committed', 'drawn', 'in_progress', 'closed'];
const KIND_ORDER = ['enterprise', 'school', 'contract', 'pilot_task'];
const WEIGHT_KEYS = ['base', 'alert', 'quality', 'finding', 'max'];

function statusBadge(s) {
  return h('span', { class: `badge plan-${s}`, 'data-status': s }, t(`plan.status.${s}`));
}

function sampleText(p) {
  return p.sample_kind === 'rate'
    ? t('plan.sampleRate', { pct: num(p.sample_value * 100, 1) })
    : t('plan.sampleCount', { n: num(p.sample_value) });
}

function kindsText(kinds) {
  return String(kinds || '').split(',').filter(Boolean).map((k) => t(`plan.kind.${k}`)).join('、');
}

// ---- the list ----

export async function plansView() {
  const page = await get('/inspection-plans');
  const title = t('plan.nav');
  return {
    title,
    node: h('div', { class: 'page' },
      pageHead(title, {
        sub: t('plan.about'),
        actions: can('supervise') ? [h('a', { class: 'btn primary', href: '/plans/new', 'data-test': 'plan-new' }, t('plan.new'))] : [],
      }),
      table(title, [
        { label: t('plan.title'), render: (p) => h('a', { href: `/plans/${p.id}` }, p.title) },
        { label: t('plan.region'), render: (p) => regionName(p.region) },
        { label: t('plan.year'), render: (p) => String(p.year) },
        { label: t('plan.sample'), render: (p) => sampleText(p) },
        { label: t('plan.statusLabel'), render: (p) => statusBadge(p.status) },
        { label: t('plan.committedAt'), render: (p) => dateTime(p.committed_at) },
      ], page.items, { empty: t('plan.none') })),
  };
}

// ---- the wizard ----

const STEPS = ['basics', 'sample', 'weights', 'checklist', 'pool', 'review'];

// The wizard step that holds the field a problem names.
function stepOfField(field) {
  const f = String(field || '');
  if (/^(region|year|title)$/.test(f)) return 0;
  if (/^(object_kinds|sample_kind|sample_value|cross_city)$/.test(f)) return 1;
  if (f.startsWith('weights')) return 2;
  if (f.startsWith('checklist')) return 3;
  if (f.startsWith('inspectors')) return 4;
  return 5;
}

/** The regions a plan may be made for: the user's own (a province or city) and, for a province, its cities. */
async function planRegions() {
  const own = getSession()?.user?.scope?.region;
  if (!own) return (await get(`/regions${qs({ level: 1, limit: 100, sort: 'id' })}`)).items;
  const me = await ref('region', own);
  const out = me ? [me] : [];
  if (me && Number(me.level) === 1) out.push(...(await get(`/regions${qs({ parent: own, limit: 200, sort: 'id' })}`)).items);
  return out;
}

function numberField(id, labelText, value, attrs = {}) {
  const input = h('input', { id, name: id, type: 'number', value: value ?? '', class: 'short', ...attrs });
  return { input, wrap: h('div', { class: 'field' }, h('label', { for: id }, labelText), input) };
}

export async function planNewView(ctx) {
  if (!can('supervise')) throw new ApiError(403, { detail: 'supervise' });
  const [defaults, regions] = await Promise.all([get('/inspection-plans/defaults'), planRegions()]);
  const title = t('plan.new');
  let step = 0;

  // 1. basics
  const region = h('select', { id: 'pw-region', name: 'region', required: true },
    regions.map((r) => h('option', { value: String(r.id) }, `${nameOf('region', r)} (${r.id})`)));
  const year = numberField('pw-year', t('plan.year'), new Date().getFullYear(), { min: 2000, max: 2100, step: 1, required: true });
  const titleIn = h('input', { id: 'pw-title', name: 'title', maxlength: 200, required: true, autocomplete: 'off' });

  // 2. objects and sample
  const kindBoxes = defaults.object_kinds.map((k) => h('input', { type: 'checkbox', id: `pw-kind-${k}`, name: 'object_kinds', value: k, checked: k !== 'pilot_task' }));
  const sampleCount = h('input', { type: 'radio', id: 'pw-sk-count', name: 'sample_kind', value: 'count', checked: true });
  const sampleRate = h('input', { type: 'radio', id: 'pw-sk-rate', name: 'sample_kind', value: 'rate' });
  const sampleValue = h('input', { id: 'pw-sample', name: 'sample_value', type: 'number', value: 3, min: 1, step: 'any', class: 'short', 'aria-describedby': 'pw-sample-hint' });
  const sampleHint = h('p', { class: 'hint', id: 'pw-sample-hint' }, t('plan.sampleCountHint'));
  const syncSample = () => replace(sampleHint, sampleRate.checked ? t('plan.sampleRateHint') : t('plan.sampleCountHint'));
  sampleCount.addEventListener('change', syncSample);
  sampleRate.addEventListener('change', syncSample);
  const crossCity = h('input', { type: 'checkbox', id: 'pw-cross', name: 'cross_city', checked: true });

  // 3. weights
  const weightFields = Object.fromEntries(WEIGHT_KEYS.map((k) => [k, numberField(`pw-w-${k}`, t(`plan.weight.${k}`), defaults.weights[k], { min: k === 'base' || k === 'max' ? 1 : 0, max: k === 'max' ? 1000 : 100, step: 1 })]));

  // 4. checklist: the default, edited
  const checkList = h('ol', { class: 'check-edit' });
  const checkRows = [];
  function addCheck(item) {
    const id = nextId('ck');
    const row = { item: { ...item } };
    row.code = h('input', { id: `${id}-code`, value: item.code || '', class: 'mono', maxlength: 40, autocomplete: 'off', 'aria-label': t('plan.check.code') });
    row.zh = h('input', { id: `${id}-zh`, value: item.text_zh || '', maxlength: 200, autocomplete: 'off', 'aria-label': t('plan.check.textZh') });
    row.en = h('input', { id: `${id}-en`, value: item.text_en || '', maxlength: 200, autocomplete: 'off', 'aria-label': t('plan.check.textEn') });
    row.basis = h('input', { id: `${id}-basis`, value: item.basis || '', maxlength: 200, autocomplete: 'off', 'aria-label': t('plan.check.basis') });
    row.err = h('p', { class: 'field-error', hidden: true });
    const remove = h('button', { type: 'button', class: 'btn small', 'aria-label': t('plan.check.removeOne', { what: item.text_zh || item.code || '' }) }, t('plan.check.remove'));
    row.li = h('li', { class: 'check-row', 'data-code': item.code || '' },
      row.err,
      h('div', { class: 'check-fields' },
        h('label', { for: row.code.id }, t('plan.check.code')), row.code,
        h('label', { for: row.zh.id }, t('plan.check.textZh')), row.zh,
        h('label', { for: row.en.id }, t('plan.check.textEn')), row.en,
        h('label', { for: row.basis.id }, t('plan.check.basis')), row.basis),
      remove);
    remove.addEventListener('click', () => {
      checkRows.splice(checkRows.indexOf(row), 1);
      row.li.remove();
      announce(t('plan.check.removed'));
    });
    checkRows.push(row);
    checkList.appendChild(row.li);
    return row;
  }
  for (const c of defaults.checklist) addCheck(c);
  const addBtn = h('button', { type: 'button', class: 'btn', on: { click: () => addCheck({}).code.focus() } }, t('plan.check.add'));

  // 5. the pool, from the accounts eligible for the chosen region
  const poolBox = h('div', { class: 'pool', 'aria-live': 'polite' });
  let poolBoxes = [];
  async function fillPool() {
    replace(poolBox, h('p', { class: 'muted' }, t('plan.pool.loading')));
    let items = [];
    try { items = (await get(`/inspectors${qs({ region: region.value })}`)).items; } catch (e) { replace(poolBox, h('p', { class: 'notice error' }, errorText(e))); return; }
    poolBoxes = items.map((a) => ({ a, box: h('input', { type: 'checkbox', id: `pw-insp-${a.id}`, name: 'inspectors', value: String(a.id), checked: true }) }));
    replace(poolBox, items.length
      ? h('ul', { class: 'pool-list' }, poolBoxes.map(({ a, box }) => h('li', null,
        h('label', { for: box.id, class: 'check-label' }, box, h('span', { class: 'mono' }, a.login), ' · ', a.region ? regionName(a.region) : t('plan.pool.anyRegion')))))
      : h('p', { class: 'empty' }, t('plan.pool.none')));
  }
  region.addEventListener('change', fillPool);
  const poolReady = fillPool();

  // 6. review
  const review = h('dl', { class: 'fields-dl review' });

  function body() {
    const kinds = kindBoxes.filter((b) => b.checked).map((b) => b.value);
    const rate = sampleRate.checked;
    const v = Number(sampleValue.value);
    const weights = {};
    for (const k of WEIGHT_KEYS) weights[k] = weightFields[k].input.value === '' ? defaults.weights[k] : Number(weightFields[k].input.value);
    return {
      region: region.value,
      year: Number(year.input.value),
      title: titleIn.value.trim(),
      object_kinds: kinds,
      sample_kind: rate ? 'rate' : 'count',
      sample_value: rate ? v / 100 : v,
      cross_city: crossCity.checked,
      weights,
      checklist: checkRows.map((r) => ({ code: r.code.value.trim(), text_zh: r.zh.value.trim(), text_en: r.en.value.trim() || null, basis: r.basis.value.trim() })),
      inspectors: poolBoxes.filter((p) => p.box.checked).map((p) => p.a.id),
    };
  }

  function fillReview() {
    const b = body();
    const rname = region.selectedOptions[0]?.textContent || b.region;
    const row = (k, v) => [h('dt', null, k), h('dd', null, v)];
    replace(review,
      row(t('plan.region'), rname),
      row(t('plan.year'), String(b.year)),
      row(t('plan.title'), b.title || '—'),
      row(t('plan.kinds'), kindsText(b.object_kinds.join(',')) || '—'),
      row(t('plan.sample'), sampleText(b)),
      row(t('plan.crossCity'), b.cross_city ? t('common.yes') : t('common.no')),
      row(t('plan.weights'), WEIGHT_KEYS.map((k) => `${t(`plan.weight.${k}`)} ${b.weights[k]}`).join('，')),
      row(t('plan.checklist'), t('plan.check.count', { n: b.checklist.length })),
      row(t('plan.pool'), b.inspectors.length ? poolBoxes.filter((p) => p.box.checked).map((p) => p.a.login).join('、') : '—'));
  }

  // The steps, one shown at a time.
  const stepErr = STEPS.map(() => h('div', { class: 'form-errors', role: 'alert', tabindex: '-1', hidden: true }));
  const panes = [
    [h('div', { class: 'field' }, h('label', { for: 'pw-region' }, t('plan.region'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')), region),
      year.wrap,
      h('div', { class: 'field wide' }, h('label', { for: 'pw-title' }, t('plan.title'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')), h('p', { class: 'hint', id: 'pw-title-hint' }, t('plan.titleHint')), titleIn)],
    [h('fieldset', { class: 'field wide' }, h('legend', null, t('plan.kinds')),
      kindBoxes.map((b) => h('label', { for: b.id, class: 'check-label' }, b, t(`plan.kind.${b.value}`)))),
    h('fieldset', { class: 'field wide' }, h('legend', null, t('plan.sample')),
      h('label', { for: 'pw-sk-count', class: 'check-label' }, sampleCount, t('plan.sampleKind.count')),
      h('label', { for: 'pw-sk-rate', class: 'check-label' }, sampleRate, t('plan.sampleKind.rate')),
      h('label', { for: 'pw-sample' }, t('plan.sampleValue')), sampleHint, sampleValue),
    h('div', { class: 'field wide' }, h('label', { for: 'pw-cross', class: 'check-label' }, crossCity, t('plan.crossCity')), h('p', { class: 'hint' }, t('plan.crossCityHint')))],
    [h('p', { class: 'hint wide' }, t('plan.weightsHint')), WEIGHT_KEYS.map((k) => weightFields[k].wrap)],
    [h('p', { class: 'hint wide' }, t('plan.checklistHint')), h('div', { class: 'wide' }, checkList, addBtn)],
    [h('p', { class: 'hint wide' }, t('plan.poolHint')), h('div', { class: 'wide' }, poolBox)],
    [h('p', { class: 'hint wide' }, t('plan.reviewHint')), h('div', { class: 'wide' }, review)],
  ];
  const sections = STEPS.map((s, i) => h('section', { class: 'wizard-step', 'data-step': s, hidden: i !== 0, 'aria-labelledby': `pw-h-${s}` },
    h('h2', { id: `pw-h-${s}`, tabindex: '-1' }, t('plan.stepOf', { n: i + 1, total: STEPS.length, name: t(`plan.step.${s}`) })),
    stepErr[i],
    h('div', { class: 'fields' }, panes[i])));
  const progress = h('ol', { class: 'stepper wizard-steps' }, STEPS.map((s, i) => h('li', { 'data-step': s }, h('span', { class: 'dot', 'aria-hidden': 'true' }, String(i + 1)), t(`plan.step.${s}`))));
  const back = h('button', { type: 'button', class: 'btn', 'data-test': 'wizard-back' }, t('plan.back'));
  const next = h('button', { type: 'button', class: 'btn primary', 'data-test': 'wizard-next' }, t('plan.forward'));
  const submit = h('button', { type: 'submit', class: 'btn primary', 'data-test': 'wizard-submit' }, t('plan.create'));

  function show(i, focus = true) {
    step = i;
    sections.forEach((s, j) => { s.hidden = j !== i; });
    [...progress.children].forEach((li, j) => {
      li.className = j < i ? 'done' : (j === i ? 'now' : '');
      if (j === i) li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
    });
    back.hidden = i === 0;
    next.hidden = i === STEPS.length - 1;
    submit.hidden = i !== STEPS.length - 1;
    if (STEPS[i] === 'review') fillReview();
    if (focus) sections[i].querySelector('h2').focus();
  }

  function showStepErrors(i, msgs) {
    const box = stepErr[i];
    if (!msgs.length) { box.hidden = true; return; }
    replace(box, h('p', { class: 'summary-title' }, msgs.length === 1 ? t('form.fixOne') : t('form.fix', { n: msgs.length })), h('ul', null, msgs.map((m) => h('li', null, m))));
    box.hidden = false;
  }

  // What can be told before asking the server.
  function localCheck(i) {
    const msgs = [];
    if (STEPS[i] === 'basics' && !titleIn.value.trim()) msgs.push(t('plan.err.title'));
    if (STEPS[i] === 'sample') {
      if (!kindBoxes.some((b) => b.checked)) msgs.push(t('plan.err.kinds'));
      if (!(Number(sampleValue.value) > 0)) msgs.push(t('plan.err.sample'));
    }
    if (STEPS[i] === 'pool' && poolBoxes.filter((p) => p.box.checked).length < 2) msgs.push(t('plan.err.pool'));
    showStepErrors(i, msgs);
    if (msgs.length) stepErr[i].focus();
    return !msgs.length;
  }

  async function forward() {
    if (!localCheck(step)) return;
    if (STEPS[step + 1] === 'pool') await poolReady;
    show(step + 1);
  }
  back.addEventListener('click', () => show(step - 1));
  next.addEventListener('click', forward);

  const el = h('form', {
    class: 'form wizard', novalidate: true,
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        // Enter in a field before the last step goes forward, never creates.
        if (step < STEPS.length - 1) { await forward(); return; }
        submit.disabled = true;
        try {
          const p = await post('/inspection-plans', body());
          toast(t('plan.created'));
          ctx.navigate(`/plans/${p.id}`);
        } catch (e) {
          // Each problem at the step that holds its field; go to the first.
          const byStep = STEPS.map(() => []);
          const errs = e instanceof ApiError && e.errors.length ? e.errors : [{ message: errorText(e) }];
          for (const fe of errs) {
            const i = stepOfField(fe.field);
            const m = /^checklist\[(\d+)\]/.exec(fe.field || '');
            if (m && checkRows[Number(m[1])]) {
              const r = checkRows[Number(m[1])];
              r.err.textContent = fe.message; r.err.hidden = false;
              r.li.classList.add('has-error');
            }
            byStep[i].push(fe.message || errorText(e));
          }
          byStep.forEach((msgs, i) => showStepErrors(i, msgs));
          const first = byStep.findIndex((msgs) => msgs.length);
          show(first, false);
          stepErr[first].focus();
        } finally {
          submit.disabled = false;
        }
      },
    },
  }, progress, sections, h('div', { class: 'form-actions' }, back, next, submit, h('a', { href: '/plans', class: 'btn' }, t('form.cancel'))));
  show(0, false);
  return {
    title,
    node: h('div', { class: 'page plan-wizard' },
      pageHead(title, { crumbs: [['/plans', t('plan.nav')]], sub: t('plan.wizardAbout') }),
      el),
  };
}

// ---- a plan ----

/** The display of a drawn or candidate object: a link to it where the screens show it. */
function objectLink(kind, id) {
  if (kind === 'enterprise' || kind === 'school') return refLink('organization', id);
  if (kind === 'contract') return refLink('contract', id);
  const s = h('span', null, `#${id}`);
  ref('pilot_task', id).then((r) => { if (r && r.title) s.textContent = r.title; });
  return s;
}

function reasonsText(reasons) {
  if (!reasons || !reasons.length) return t('plan.reason.none');
  return reasons.map((r) => t(`plan.reason.${r.code}`, { n: r.n, points: r.points })).join('；');
}

function hashBlock(labelText, hex, test) {
  return [h('dt', null, labelText), h('dd', null, hex ? h('code', { class: 'hash', 'data-test': test }, hex) : '—')];
}

/**
 * The picks of a city as a table whose cells carry their column's label, so
 * that a narrow screen shows each pick as a card (app.css, table.picks).
 */
function picksTable(caption, cols, rows) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'picks' },
      h('caption', { class: 'sr-only' }, caption),
      h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
      h('tbody', null, rows.map((r) => h('tr', null, cols.map((c, i) => h(i === 0 ? 'th' : 'td', {
        scope: i === 0 ? 'row' : null, class: c.num ? 'num' : null, 'data-label': c.label,
      }, c.render(r))))))));
}

export async function planView(ctx) {
  const id = ctx.params.id;
  const p = await get(`/inspection-plans/${encodeURIComponent(id)}`);
  const may = can('supervise');
  const logins = Object.fromEntries((p.inspectors || []).map((x) => [x.account, x.login || `#${x.account}`]));
  const weightOf = new Map((p.candidates || []).map((c) => [`${c.object_kind}:${c.object_id}`, c]));
  const verifyBox = h('div', { class: 'verify-result', 'aria-live': 'polite', 'data-test': 'verify-result' });

  async function act(action) {
    try {
      await post(`/inspection-plans/${p.id}/${action}`);
      toast(t(`plan.done.${action}`));
      ctx.refresh();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  }
  function confirmThen(action) {
    const go = h('button', { type: 'button', class: 'btn primary', 'data-test': `confirm-${action}` }, t(`plan.act.${action}`));
    const cancel = h('button', { type: 'button', class: 'btn' }, t('form.cancel'));
    const dlg = openDialog(t(`plan.confirm.${action}.title`), h('div', null,
      h('p', null, t(`plan.confirm.${action}.text`)),
      h('div', { class: 'form-actions' }, go, cancel)));
    cancel.addEventListener('click', () => dlg.close());
    go.addEventListener('click', () => { dlg.close(); act(action); });
  }
  // One side of the first difference (docs/SUPERVISION.md, "Verify") in words.
  function side(check, v) {
    if (!v) return '—';
    if (check === 'inspectors') return v.split(' ').map((a) => (a === '0' ? '—' : (logins[a] || `#${a}`))).join('、');
    if (check === 'object' || check === 'extra' || check === 'missing') {
      const [k, oid] = v.split(' ');
      return `${t(`plan.kind.${k}`)} #${oid}`;
    }
    return v;
  }
  function differenceText(at) {
    if (!at) return '';
    return t(`plan.diff.${at.check}`, { pos: at.draw_pos ?? '', recorded: side(at.check, at.recorded), rerun: side(at.check, at.rerun) });
  }
  async function verify() {
    replace(verifyBox, h('p', { class: 'muted' }, t('plan.verify.running')));
    try {
      const r = await get(`/inspection-plans/${p.id}/verify`);
      replace(verifyBox, r.ok
        ? h('div', { class: 'notice ok', 'data-ok': 'true' },
          h('p', { class: 'verdict' }, '✓ ', t('plan.verify.ok', { n: r.drawn })),
          h('p', { class: 'small' }, t('plan.verify.okDetail', { candidates: r.candidates, inspectors: r.inspectors })))
        : h('div', { class: 'notice error', 'data-ok': 'false' },
          h('p', { class: 'verdict' }, '✗ ', t('plan.verify.differ')),
          h('p', { 'data-test': 'difference' }, t('plan.verify.first'), differenceText(r.difference_at)),
          h('p', { class: 'small' }, t('plan.verify.technical'), ' ', h('code', { class: 'hash' }, r.difference))));
      announce(r.ok ? t('plan.verify.ok', { n: r.drawn }) : t('plan.verify.differ'));
    } catch (e) {
      replace(verifyBox, h('p', { class: 'notice error' }, errorText(e)));
    }
  }

  // The steps and what may be done now.
  const at = STATUSES.indexOf(p.status);
  const stepper = h('ol', { class: 'stepper', 'aria-label': t('plan.progress') }, STATUSES.map((s, i) => h('li', {
    class: i < at ? 'done' : (i === at ? 'now' : null), 'aria-current': i === at ? 'step' : null,
  }, h('span', { class: 'dot', 'aria-hidden': 'true' }, i < at ? '✓' : String(i + 1)), t(`plan.status.${s}`))));
  const revealed = !!p.seed;
  const actions = [];
  const btn = (action, primary, fn) => h('button', { type: 'button', class: primary ? 'btn primary' : 'btn', 'data-action': action, on: { click: fn || (() => act(action)) } }, t(`plan.act.${action}`));
  if (may && p.status === 'draft') actions.push(btn('commit', true, () => confirmThen('commit')));
  if (may && p.status === 'committed') actions.push(btn('draw', true));
  if (may && at >= 2 && !revealed) actions.push(btn('reveal', true));
  if (revealed) actions.push(btn('verify', !may || p.status !== 'drawn', verify));
  if (may && p.status === 'drawn') actions.push(btn('start', false));
  if (may && p.status === 'in_progress') actions.push(btn('close', false, () => confirmThen('close')));
  const nextHint = t(`plan.next.${p.status}${at >= 2 && !revealed ? '.unrevealed' : ''}`);

  // The commitment and the seed.
  const commitment = h('section', { class: 'panel', 'aria-labelledby': 'pl-commit' },
    h('h2', { id: 'pl-commit' }, t('plan.commitment')),
    h('p', { class: 'hint' }, t('plan.commitmentHint')),
    h('dl', { class: 'fields-dl' },
      hashBlock(t('plan.seedHash'), p.seed_hash, 'seed-hash'),
      hashBlock(t('plan.inputsHash'), p.inputs_hash, 'inputs-hash'),
      h('dt', null, t('plan.committedAt')), h('dd', null, dateTime(p.committed_at)),
      hashBlock(t('plan.resultHash'), p.result_hash, 'result-hash'),
      h('dt', null, t('plan.drawnAt')), h('dd', null, dateTime(p.drawn_at)),
      hashBlock(t('plan.seed'), p.seed, 'seed'),
      h('dt', null, t('plan.revealedAt')), h('dd', null, p.revealed_at ? dateTime(p.revealed_at) : t('plan.seedSecret'))),
    revealed ? verifyBox : null);

  // The picks, city by city, with their weights, reasons and pairs.
  const inspections = p.inspections || [];
  const byCity = new Map();
  for (const i of inspections) {
    if (!byCity.has(i.city)) byCity.set(i.city, []);
    byCity.get(i.city).push(i);
  }
  const cityName = Object.fromEntries(await Promise.all([...byCity.keys()].map(async (c) => [c, nameOf('region', await ref('region', c)) || c])));
  const pair = (i) => [i.inspector_a, i.inspector_b].filter(Boolean).map((a) => logins[a] || `#${a}`).join('、') || t('plan.noPair');
  const picks = inspections.length
    ? [...byCity.entries()].map(([city, rows]) => h('div', { class: 'city-picks', 'data-city': city },
      h('h3', null, cityName[city], h('span', { class: 'muted small' }, ` · ${t('plan.picksInCity', { n: rows.length })}`)),
      picksTable(`${t('plan.picks')} · ${cityName[city]}`, [
        { label: t('plan.drawPos'), num: true, render: (i) => String(i.draw_pos) },
        { label: t('plan.object'), render: (i) => [h('span', { class: 'muted' }, `${t(`plan.kind.${i.object_kind}`)} `), objectLink(i.object_kind, i.object_id)] },
        { label: t('plan.weight'), num: true, render: (i) => h('span', { 'data-test': 'weight' }, String(weightOf.get(`${i.object_kind}:${i.object_id}`)?.weight ?? '—')) },
        { label: t('plan.reasons'), render: (i) => reasonsText(weightOf.get(`${i.object_kind}:${i.object_id}`)?.reasons) },
        { label: t('plan.inspectors'), render: (i) => h('span', { 'data-test': 'pair' }, pair(i)) },
        { label: t('plan.inspectionStatus'), render: (i) => h('span', { class: `badge insp-${i.status}` }, t(`plan.insp.${i.status}`)) },
      ], rows)))
    : h('p', { class: 'empty' }, t(at >= 2 ? 'plan.noPicks' : 'plan.notDrawn'));

  // The candidates per city (frozen at commit).
  const cands = p.candidates || [];
  const perCity = new Map();
  for (const c of cands) {
    const x = perCity.get(c.city) || { n: 0, w: 0, risky: 0 };
    x.n += 1; x.w += c.weight; if (c.weight > (p.weights?.base ?? 1)) x.risky += 1;
    perCity.set(c.city, x);
  }
  const candBlock = cands.length
    ? table(t('plan.candidates'), [
      { label: t('plan.city'), render: ([city]) => regionName(city) },
      { label: t('plan.candCount'), num: true, render: ([, x]) => num(x.n) },
      { label: t('plan.candRisky'), num: true, render: ([, x]) => num(x.risky) },
      { label: t('plan.candWeight'), num: true, render: ([, x]) => num(x.w) },
      { label: t('plan.drawnCount'), num: true, render: ([city]) => num((byCity.get(city) || []).length) },
    ], [...perCity.entries()])
    : h('p', { class: 'empty' }, t('plan.candidatesLater'));

  const w = p.weights || {};
  return {
    title: p.title,
    node: h('div', { class: 'page plan-page', 'data-plan': p.id, 'data-status': p.status },
      pageHead(p.title, {
        crumbs: [['/plans', t('plan.nav')]],
        sub: [regionName(p.region), ` · ${t('common.year', { y: p.year })} · `, statusBadge(p.status)],
      }),
      stepper,
      h('section', { class: 'panel next-step', 'aria-labelledby': 'pl-next' },
        h('h2', { id: 'pl-next' }, t('plan.nextStep')),
        h('p', null, nextHint),
        actions.length ? h('div', { class: 'actions plan-actions' }, actions) : null),
      commitment,
      h('section', { class: 'panel', 'aria-labelledby': 'pl-picks' },
        h('h2', { id: 'pl-picks' }, t('plan.picks')),
        inspections.length ? h('p', { class: 'hint' }, t('plan.picksHint')) : null,
        picks),
      h('section', { class: 'panel', 'aria-labelledby': 'pl-cands' },
        h('h2', { id: 'pl-cands' }, t('plan.candidates')),
        cands.length ? h('p', { class: 'hint' }, t('plan.candidatesHint', { n: num(cands.length) })) : null,
        candBlock),
      h('section', { class: 'panel', 'aria-labelledby': 'pl-facts' },
        h('h2', { id: 'pl-facts' }, t('plan.facts')),
        h('dl', { class: 'fields-dl' },
          h('dt', null, t('plan.kinds')), h('dd', null, kindsText(p.object_kinds)),
          h('dt', null, t('plan.sample')), h('dd', null, sampleText(p)),
          h('dt', null, t('plan.crossCity')), h('dd', null, p.cross_city ? t('common.yes') : t('common.no')),
          h('dt', null, t('plan.weights')), h('dd', null, WEIGHT_KEYS.map((k) => `${t(`plan.weight.${k}`)} ${w[k] ?? '—'}`).join('，')),
          h('dt', null, t('plan.createdBy')), h('dd', null, `${p.created_by || '—'} · ${dateTime(p.created_at)}`))),
      h('section', { class: 'panel', 'aria-labelledby': 'pl-checks' },
        h('h2', { id: 'pl-checks' }, t('plan.checklist')),
        h('ol', { class: 'checklist' }, (p.checklist || []).map((c) => h('li', null,
          h('span', null, currentLang() === 'en' ? c.text_en : c.text_zh),
          h('span', { class: 'muted small basis' }, ` ${t('plan.basis')}：${c.basis}`))))),
      h('section', { class: 'panel', 'aria-labelledby': 'pl-pool' },
        h('h2', { id: 'pl-pool' }, t('plan.pool')),
        h('ul', { class: 'pool-list' }, (p.inspectors || []).map((x) => h('li', null,
          h('span', { class: 'mono' }, x.login || `#${x.account}`),
          x.city ? [' · ', regionName(x.city)] : null))))),
  };
}
