// records.js - the digital record book of one contract: company vs school
// hours against the contract's plan (chart), hours per week, the entries
// grouped by ISO week with the mentor's sign-off (a signed entry is final),
// and the form for a new entry.  A trainee's "my record book" opens the
// record book of their current contract.

import { get, listAll, post, qs } from '../api.js';
import { h } from '../dom.js';
import { date, dateTime, num, t } from '../i18n.js';
import { can, fieldsOf, forget, ref } from '../model.js';
import { canSignOff } from '../screens.js';
import { control, enumLabel, errorText, form, pageHead, toast } from './common.js';
import { barChart, stackedColumns } from '../charts.js';

/** ISO week of a date "YYYY-MM-DD": { key "2026-W47", monday "YYYY-MM-DD" }. */
export function isoWeek(iso) {
  const d = new Date(`${iso}T00:00:00Z`);
  const day = (d.getUTCDay() + 6) % 7; // Monday 0
  const monday = new Date(d.getTime() - day * 86400000);
  const thursday = new Date(monday.getTime() + 3 * 86400000);
  const year = thursday.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week1 = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86400000);
  const week = 1 + Math.round((monday - week1) / (7 * 86400000));
  return { key: `${year}-W${String(week).padStart(2, '0')}`, year, week, monday: monday.toISOString().slice(0, 10), sunday: new Date(monday.getTime() + 6 * 86400000).toISOString().slice(0, 10) };
}

export async function myRecordBookView(ctx) {
  const page = await get(`/contracts${qs({ sort: '-id', limit: 20 })}`);
  const c = page.items.find((x) => x.status === 'active') || page.items[0];
  if (!c) {
    return { title: t('nav.myRecordBook'), node: h('div', { class: 'page' }, pageHead(t('nav.myRecordBook')), h('p', { class: 'empty' }, t('records.noContract'))) };
  }
  return recordBookView({ ...ctx, params: { id: String(c.id) } });
}

export async function recordBookView(ctx) {
  const id = ctx.params.id;
  const c = await get(`/contracts/${encodeURIComponent(id)}`);
  const [entries, trainee] = await Promise.all([
    listAll('/record-entries', { contract_id: c.id, sort: '-date' }),
    ref('trainee', c.trainee_id),
  ]);
  const title = t('records.title', { name: trainee ? trainee.name : `#${c.trainee_id}` });

  // Totals: signed and awaiting sign-off, per site.
  const sum = { company: { signed: 0, open: 0 }, school: { signed: 0, open: 0 } };
  for (const e of entries) sum[e.site][e.signed_at ? 'signed' : 'open'] += e.hours;
  const planned = { company: c.planned_company_hours, school: c.planned_school_hours };
  const signedTotal = sum.company.signed + sum.school.signed;
  const plannedTotal = (planned.company || 0) + (planned.school || 0);
  const hoursFmt = (v) => t('unit.hours', { n: num(v) });

  // Weeks, newest first; the chart shows the last 26 weeks with entries.
  const weeks = new Map();
  for (const e of entries) {
    const w = isoWeek(e.date);
    if (!weeks.has(w.key)) weeks.set(w.key, { ...w, entries: [], company: 0, school: 0 });
    const wk = weeks.get(w.key);
    wk.entries.push(e);
    wk[e.site] += e.hours;
  }
  const weekList = [...weeks.values()];
  const recent = weekList.slice(0, 26).reverse();

  async function signoff(e) {
    try {
      await post(`/record-entries/${e.id}/signoff`);
      toast(t('records.signedOk'));
      ctx.refresh();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }

  // The new-entry form (active contracts, roles that keep the record book).
  let entryForm = null;
  if (c.status === 'active' && can('record')) {
    const defs = fieldsOf('record_entry').filter((f) => !f.sys && f.name !== 'contract_id');
    const today = new Date().toISOString().slice(0, 10);
    const init = { date: today, site: 'company' };
    const controls = defs.map((f) => control('record_entry', f, init[f.name], 'create'));
    const fm = form(controls, async (values) => {
      await post('/record-entries', { contract_id: c.id, ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null)) });
      toast(t('records.added'));
      ctx.refresh();
    }, { submitLabel: t('records.add') });
    entryForm = h('section', { class: 'panel', 'aria-labelledby': 'rb-new' }, h('h2', { id: 'rb-new' }, t('records.new')), fm.el);
  }

  const split = plannedTotal ? Math.round((planned.company / plannedTotal) * 100) : null;
  const actualSplit = signedTotal ? Math.round((sum.company.signed / signedTotal) * 100) : null;
  return {
    title,
    node: h('div', { class: 'page records-page' },
      pageHead(title, {
        crumbs: [['/contracts', t('nav.contracts')], [`/contracts/${c.id}`, t('contract.title', { id: c.id })]],
        sub: t('records.sub', { from: date(c.start_date), to: date(c.end_date), status: t(`status.${c.status}`) }),
      }),
      h('div', { class: 'cards' },
        card(t('records.companyHours'), hoursFmt(sum.company.signed), t('records.ofPlan', { plan: hoursFmt(planned.company) })),
        card(t('records.schoolHours'), hoursFmt(sum.school.signed), t('records.ofPlan', { plan: hoursFmt(planned.school) })),
        card(t('records.dualShare'), actualSplit === null ? '—' : `${actualSplit}%`, split === null ? '' : t('records.planShare', { n: split })),
        card(t('records.awaiting'), hoursFmt(sum.company.open + sum.school.open), t('records.entries', { n: entries.filter((e) => !e.signed_at).length }))),
      h('div', { class: 'grid2' },
        h('section', { class: 'panel' }, barChart(t('records.chartPlan'), [
          { label: t('records.companySigned'), value: sum.company.signed, target: planned.company },
          { label: t('records.schoolSigned'), value: sum.school.signed, target: planned.school },
        ], hoursFmt)),
        h('section', { class: 'panel' }, recent.length ? stackedColumns(t('records.chartWeeks'), recent.map((w) => `${w.week}`), [
          { name: t('enum.site.company'), values: recent.map((w) => w.company), cls: 's1' },
          { name: t('enum.site.school'), values: recent.map((w) => w.school), cls: 's2' },
        ], (v) => num(v)) : h('p', { class: 'empty' }, t('records.none')))),
      entryForm,
      h('section', { class: 'panel', 'aria-labelledby': 'rb-weeks' },
        h('h2', { id: 'rb-weeks' }, t('records.byWeek')),
        weekList.length ? weekList.map((w) => h('section', { class: 'week' },
          h('h3', null, t('records.week', { year: w.year, week: w.week, from: date(w.monday), to: date(w.sunday) }),
            h('span', { class: 'week-sum muted' }, ` · ${t('enum.site.company')} ${num(w.company)} h · ${t('enum.site.school')} ${num(w.school)} h`)),
          h('div', { class: 'table-wrap' }, h('table', { class: 'entries' },
            h('caption', { class: 'sr-only' }, t('records.week', { year: w.year, week: w.week, from: date(w.monday), to: date(w.sunday) })),
            h('thead', null, h('tr', null, ['field.date', 'field.site', 'field.hours', 'field.content', 'records.signoff'].map((k, i) => h('th', { scope: 'col', class: i === 2 ? 'num' : null }, t(k))))),
            h('tbody', null, w.entries.map((e) => h('tr', { 'data-entry': e.id },
              h('th', { scope: 'row' }, date(e.date)),
              h('td', null, h('span', { class: `site site-${e.site}` }, enumLabel('record_entry', 'site', e.site))),
              h('td', { class: 'num' }, num(e.hours)),
              h('td', { class: 'content' }, e.content),
              h('td', null, e.signed_at
                ? h('span', { class: 'ok' }, '✓ ', t('records.signedBy', { who: e.signed_by || '', at: dateTime(e.signed_at) }),
                  e.signed_delegate ? h('span', { class: 'muted small', 'data-test': 'delegate' }, ` ${t('mentor.delegate')}`) : null)
                : (canSignOff(e.site) ? h('button', { type: 'button', class: 'btn small primary', on: { click: () => signoff(e) } }, t('records.signoffBtn'))
                  : h('span', { class: 'muted' }, t('records.awaitingSign'))))))))))) : h('p', { class: 'empty' }, t('records.none')))),
  };
}

function card(title, big, small) {
  return h('div', { class: 'card' }, h('p', { class: 'card-title' }, title), h('p', { class: 'card-value' }, big), small ? h('p', { class: 'card-note' }, small) : null);
}
export { card, forget };
