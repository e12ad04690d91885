// The paywall's settings (admins): one document, read with GET and replaced whole with
// PUT (not versioned). The meter gives each reader `quota` metered articles per
// calendar month (UTC), counting only articles in the counted sections; gated articles
// that name no preview length show `default_preview_blocks` blocks; the copy is shown
// to readers with {n} and {quota} filled in.

import { ApiError, all, api, currentUser, same } from '../api.js';
import { field, h, replace, toast } from '../dom.js';
import { clearErrors, notAllowed, showErrors } from '../problems.js';
import { can } from '../roles.js';
import { sectionTree } from './sections.js';
import { watchUnsaved } from '../app.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['PaywallBody']} Paywall */
/** @typedef {Schemas['Messages']} Messages */

/** @type {Array<[keyof Messages, string, string]>} the copy: field, label, when it is shown */
const MESSAGES = [
  ['remaining_other', 'More than one left', 'After a metered read that leaves more than one free article. {n}: how many are left.'],
  ['remaining_one', 'One left', 'After a metered read that leaves exactly one. {n} is 1.'],
  ['last', 'Last free article', 'When the article being read was the last free one this month.'],
  ['limit_reached', 'Limit reached', 'When the quota is used up and the article is refused. {quota}: the quota.'],
  ['premium', 'Premium article', 'On a premium article, to a reader without a subscription.'],
];

/** @type {import('../app.js').View} */
export async function paywallView(main) {
  if (!can(currentUser(), 'paywall')) return notAllowed(main, 'Paywall');
  const [settings, sections] = await Promise.all([
    api('GET', '/api/v1/paywall').then((r) => /** @type {Paywall} */ (r.data)),
    all('/api/v1/sections'),
  ]);

  const quota = h('input', { type: 'number', min: 0, max: 1000, step: 1, required: true, inputmode: 'numeric' });
  const period = h('select', null, h('option', { value: 'month' }, 'Calendar month (UTC)'));
  const preview = h('input', { type: 'number', min: 0, max: 50, step: 1, required: true, inputmode: 'numeric' });

  const everything = h('input', { type: 'radio', name: 'counted', value: 'all' });
  const some = h('input', { type: 'radio', name: 'counted', value: 'some' });
  /** @type {Map<string, HTMLInputElement>} */
  const boxes = new Map();
  const tree = sectionTree(sections);
  const sectionList = h(
    'ul',
    { class: 'checklist', 'aria-label': 'Counted sections' },
    tree.map(([id, label]) => {
      const box = h('input', { type: 'checkbox', value: id });
      boxes.set(id, box);
      const depth = label.length - label.trimStart().length;
      return h('li', { class: `depth-${Math.min(depth, 8)}` }, h('label', null, box, ` ${label.trimStart()}`));
    }),
  );
  const syncBoxes = () => {
    for (const box of boxes.values()) box.disabled = !some.checked;
  };
  everything.addEventListener('change', syncBoxes);
  some.addEventListener('change', syncBoxes);
  const counted = h(
    'fieldset',
    { class: 'card', 'data-field': 'counted_section_ids', 'aria-describedby': 'counted-hint counted-error' },
    h('legend', null, 'What counts'),
    h('p', { id: 'counted-hint', class: 'hint' }, 'Only metered articles in counted sections (with their sub-sections) use up the quota; the others are free to read.'),
    h('div', { class: 'field check' }, h('label', null, everything, ' All sections')),
    h('div', { class: 'field check' }, h('label', null, some, ' Only these sections:')),
    tree.length ? sectionList : h('p', { class: 'muted' }, 'There are no sections yet.'),
    h('small', { id: 'counted-error', class: 'error', 'data-error-for': 'counted_section_ids' }),
  );

  /** @type {Record<string, HTMLInputElement>} */
  const texts = {};
  /** @type {Record<string, HTMLElement>} */
  const samples = {};
  const copy = h(
    'fieldset',
    { class: 'card' },
    h('legend', null, 'What readers are told'),
    h('p', { class: 'hint' }, '{n} becomes the number of free articles left, {quota} the quota. Each message is plain text, at most 300 characters.'),
    MESSAGES.map(([key, label, hint]) => {
      const input = h('input', { type: 'text', maxlength: 300, required: true });
      texts[key] = input;
      samples[key] = h('span');
      input.addEventListener('input', showSamples);
      const wrap = field(label, input, { name: `messages.${key}`, hint });
      wrap.append(h('small', { class: 'sample' }, 'Reads: ', samples[key]));
      return wrap;
    }),
  );
  quota.addEventListener('input', showSamples);

  /** Each message as a reader would see it, with the quota being typed. */
  function showSamples() {
    const q = Number(quota.value) || 0;
    /** @type {Record<string, number>} */
    const left = { remaining_other: Math.max(q - 1, 2), remaining_one: 1, last: 0, limit_reached: 0, premium: 0 };
    for (const [key] of MESSAGES) {
      const text = texts[key]?.value.replaceAll('{n}', String(left[key])).replaceAll('{quota}', String(q)) ?? '';
      replace(/** @type {HTMLElement} */ (samples[key]), text ? `“${text}”` : '(empty)');
    }
  }

  /** @param {Paywall} p */
  function fill(p) {
    quota.value = String(p.quota);
    period.value = p.period;
    preview.value = String(p.default_preview_blocks);
    everything.checked = p.counted_section_ids == null;
    some.checked = p.counted_section_ids != null;
    for (const [id, box] of boxes) box.checked = Boolean(p.counted_section_ids?.includes(id));
    syncBoxes();
    for (const [key] of MESSAGES) /** @type {HTMLInputElement} */ (texts[key]).value = p.messages?.[key] ?? '';
    showSamples();
    saved = read();
  }
  /** What the form showed when filled: anything else is unsaved. */
  /** @type {Paywall | null} */
  let saved = null;

  /** @returns {Paywall} */
  function read() {
    const number = (/** @type {HTMLInputElement} */ el) => (el.value.trim() === '' ? NaN : Number(el.value));
    /** @type {Record<string, string>} */
    const messages = {};
    for (const [key] of MESSAGES) messages[key] = /** @type {HTMLInputElement} */ (texts[key]).value;
    return {
      quota: number(quota),
      period: /** @type {Paywall['period']} */ (period.value),
      default_preview_blocks: number(preview),
      counted_section_ids: some.checked ? [...boxes].filter(([, box]) => box.checked).map(([id]) => id) : null,
      messages: /** @type {Messages} */ (/** @type {unknown} */ (messages)),
    };
  }

  const alert = h('div', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Save paywall');
  const form = h(
    'form',
    { class: 'paywall', novalidate: true },
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, 'The meter'),
      field('Free articles per period', quota, { name: 'quota', hint: 'Metered articles a reader may read free each period, 0 to 1000. Reading the same article again in the period is free.' }),
      field('Period', period, { name: 'period', hint: 'The count starts again on the first of each month, midnight UTC.' }),
      field('Preview blocks', preview, { name: 'default_preview_blocks', hint: 'Blocks of a metered or premium article shown before the paywall when the article names no number, 0 to 50.' }),
    ),
    counted,
    copy,
    alert,
    h('div', { class: 'buttons' }, button),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, alert);
    const body = read();
    // What JSON cannot carry (an empty number) or what is surely a slip (counting no
    // section at all) is caught here; the API checks the rest.
    /** @type {Schemas['FieldError'][]} */
    const errors = [];
    if (!Number.isInteger(body.quota)) errors.push({ field: 'quota', message: 'must be a whole number' });
    if (!Number.isInteger(body.default_preview_blocks)) errors.push({ field: 'default_preview_blocks', message: 'must be a whole number' });
    if (body.counted_section_ids?.length === 0) errors.push({ field: 'counted_section_ids', message: 'choose at least one section, or count all sections' });
    if (errors.length) {
      showErrors(form, alert, new ApiError(422, { detail: 'Some fields need a change.', errors }));
      return;
    }
    button.disabled = true;
    try {
      fill((await api('PUT', '/api/v1/paywall', { body })).data);
      toast('Paywall saved.');
    } catch (e) {
      showErrors(form, alert, e);
    } finally {
      button.disabled = false;
    }
  });

  fill(settings);
  watchUnsaved(() => !same(read(), saved));
  replace(
    main,
    h('h1', null, 'Paywall'),
    h('p', { class: 'lead' }, 'How many metered articles readers get free, what counts, and what they are told. Subscribers and free articles never count.'),
    form,
  );
}
