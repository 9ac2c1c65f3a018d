// pilots.js - the pilots (a province or city taking part): the plan (goals,
// positioning, responsible units, period), its tasks with deadlines and
// status, and its targets per indicator for a year, which the roles that
// steer the pilot may edit (PUT /api/v1/targets).

import { get, put, qs } from '../api.js';
import { h } from '../dom.js';
import { currentLang, date, num, t } from '../i18n.js';
import { can, remember } from '../model.js';
import { badge, errorText, form, label, pageHead, regionName, table, toast } from './common.js';

export async function pilotsView() {
  const page = await get(`/pilots${qs({ limit: 200, sort: 'name' })}`);
  const title = t('nav.pilots');
  return {
    title,
    node: h('div', { class: 'page' },
      pageHead(title, { sub: t('about.pilots'), actions: can('pilot') ? [h('a', { class: 'btn primary', href: '/pilots/new' }, t('new.pilots'))] : [] }),
      table(title, [
        { label: label('pilot', 'name'), render: (p) => h('a', { href: `/pilots/${p.id}` }, p.name) },
        { label: label('pilot', 'region'), render: (p) => regionName(p.region) },
        { label: t('pilot.period'), render: (p) => `${date(p.period_start)} – ${date(p.period_end)}` },
      ], page.items)),
  };
}

async function optional(path) {
  try { return { data: await get(path) }; } catch (e) { return { error: e }; }
}

export async function pilotView(ctx) {
  if (ctx.params.id === 'new') {
    const { formView } = await import('./registry.js');
    return formView({ ...ctx, params: { screen: 'pilots' } });
  }
  const p = await get(`/pilots/${encodeURIComponent(ctx.params.id)}`);
  remember('pilot', p);
  const year = Number(ctx.query.get('year') || new Date().getFullYear());
  const [tasks, targets, ind] = await Promise.all([
    optional(`/pilot-tasks${qs({ pilot_id: p.id, sort: 'deadline', limit: 200 })}`),
    optional(`/targets${qs({ region: p.region, year })}`),
    optional(`/indicators${qs({ region: p.region, year })}`),
  ]);
  const names = {};
  const units = {};
  if (ind.data) for (const i of ind.data.indicators) { names[i.code] = currentLang() === 'en' ? i.name_en : i.name_zh; units[i.code] = i.unit; }
  const today = new Date().toISOString().slice(0, 10);

  // Tasks
  let taskBlock;
  if (tasks.data) {
    taskBlock = table(t('pilot.tasks'), [
      { label: t('task.title'), render: (x) => x.title },
      { label: t('task.units'), render: (x) => x.responsible_units || '—' },
      { label: t('task.deadline'), render: (x) => h('span', { class: x.status !== 'done' && x.deadline && x.deadline < today ? 'late' : null }, date(x.deadline)) },
      { label: t('task.status'), render: (x) => badge('task', x.status) },
    ], tasks.data.items, { empty: t('pilot.noTasks') });
  } else {
    taskBlock = h('p', { class: 'empty' }, errorText(tasks.error));
  }

  // Targets, editable for the roles that steer pilots.
  let targetBlock;
  if (targets.data) {
    const items = targets.data.items;
    const codes = [...new Set([...items.map((x) => x.indicator), ...Object.keys(names)])];
    const byCode = Object.fromEntries(items.map((x) => [x.indicator, x]));
    const editable = can('target');
    const rows = codes.map((code) => {
      const x = byCode[code] || { indicator: code, baseline: null, value: null, source: null };
      const lbl = names[code] || code;
      const base = h('input', { type: 'number', step: 'any', id: `tb-${code}`, name: `baseline-${code}`, value: x.baseline ?? '', 'aria-label': `${lbl} · ${t('target.baseline')}`, class: 'short' });
      const val = h('input', { type: 'number', step: 'any', id: `tv-${code}`, name: `value-${code}`, value: x.value ?? '', 'aria-label': `${lbl} · ${t('target.value')}`, class: 'short' });
      const err = h('p', { class: 'field-error', hidden: true, id: `te-${code}` });
      return { code, x, lbl, base, val, err };
    });
    const tbl = h('div', { class: 'table-wrap' }, h('table', null,
      h('caption', { class: 'sr-only' }, t('pilot.targets', { year })),
      h('thead', null, h('tr', null, [t('target.indicator'), t('target.baseline'), t('target.value'), t('target.source')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows.map((r) => h('tr', { 'data-indicator': r.code },
        h('th', { scope: 'row' }, r.lbl),
        h('td', null, editable ? r.base : num(r.x.baseline)),
        h('td', null, editable ? [r.val, r.err] : num(r.x.value)),
        h('td', null, r.x.source ? t(`target.src.${r.x.source}`) : '—'))))));
    if (editable && rows.length) {
      const fm = form([], async () => {
        const body = { region: p.region, year, targets: [] };
        for (const r of rows) {
          if (r.val.value === '' && r.base.value === '') continue;
          body.targets.push({ indicator: r.code, baseline: r.base.value === '' ? null : Number(r.base.value), value: r.val.value === '' ? null : Number(r.val.value) });
        }
        try {
          await put('/targets', body);
        } catch (e) {
          for (const r of rows) { r.err.hidden = true; r.val.removeAttribute('aria-invalid'); }
          for (const fe of e.errors || []) {
            const m = /targets\[(\d+)\]/.exec(fe.field || '') || [];
            const r = m[1] !== undefined ? rows.filter((x) => !(x.val.value === '' && x.base.value === ''))[Number(m[1])] : rows.find((x) => (fe.field || '').includes(x.code));
            if (r) { r.err.textContent = fe.message; r.err.hidden = false; r.val.setAttribute('aria-invalid', 'true'); r.val.setAttribute('aria-describedby', r.err.id); }
          }
          throw e;
        }
        toast(t('form.saved'));
        ctx.refresh();
      }, { submitLabel: t('target.save'), extra: tbl });
      targetBlock = fm.el;
    } else {
      targetBlock = rows.length ? tbl : h('p', { class: 'empty' }, t('pilot.noTargets'));
    }
  } else {
    targetBlock = h('p', { class: 'empty' }, errorText(targets.error));
  }

  const years = [year - 2, year - 1, year, year + 1];
  return {
    title: p.name,
    node: h('div', { class: 'page pilot-page' },
      pageHead(p.name, {
        crumbs: [['/pilots', t('nav.pilots')]],
        sub: [regionName(p.region), ` · ${date(p.period_start)} – ${date(p.period_end)}`],
        actions: [
          can('pilot') ? h('a', { class: 'btn', href: `/pilots/${p.id}/edit` }, t('detail.edit')) : null,
          // the annual report of the pilot's region (GET /api/v1/reports/{region}/{year}.pdf)
          can('monitor') ? h('a', {
            class: 'btn', href: `/api/v1/reports/${p.region}/${new Date().getFullYear()}.pdf${qs({ lang: currentLang() })}`,
            download: '', title: t('pdf.reportHint', { place: p.name, year: new Date().getFullYear() }), 'data-test': 'pdf-report',
          }, t('pdf.report')) : null].filter(Boolean),
      }),
      h('section', { class: 'panel', 'aria-labelledby': 'p-plan' },
        h('h2', { id: 'p-plan' }, t('pilot.plan')),
        h('dl', { class: 'fields-dl' },
          h('dt', null, label('pilot', 'goals')), h('dd', { class: 'prose' }, p.goals || '—'),
          h('dt', null, label('pilot', 'positioning')), h('dd', { class: 'prose' }, p.positioning || '—'),
          h('dt', null, label('pilot', 'responsible_units')), h('dd', { class: 'prose' }, p.responsible_units || '—'))),
      h('section', { class: 'panel', 'aria-labelledby': 'p-tasks' }, h('h2', { id: 'p-tasks' }, t('pilot.tasks')), taskBlock),
      h('section', { class: 'panel', 'aria-labelledby': 'p-targets' },
        h('h2', { id: 'p-targets' }, t('pilot.targets', { year })),
        h('p', { class: 'year-links' }, t('dash.year'), ': ', years.map((y) => (y === year ? h('strong', { 'aria-current': 'true' }, ` ${y} `) : h('a', { href: `/pilots/${p.id}?year=${y}` }, ` ${y} `)))),
        targetBlock)),
  };
}
