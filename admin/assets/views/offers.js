// Offers, what the paywall proposes: the list (keyset paging) and the editor (every
// field, saving with If-Match). Admins and the commercial team.

import { ApiError, api, changedFields, currentUser, same } from '../api.js';
import { badge, field, h, replace } from '../dom.js';
import { fromLocalInput, localZone, runState, toLocalInput, windowText } from '../dates.js';
import { apiPages, pager } from '../lists.js';
import { clearErrors, notAllowed, showConflict, showErrors } from '../problems.js';
import { can } from '../roles.js';
import { deleteAndLeave, saveItem, watchUnsaved } from '../app.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['OfferResponse']} Offer */
/** @typedef {Schemas['CreateOfferRequest']} CreateOffer */
/** @typedef {Schemas['UpdateOfferRequest']} UpdateOffer */
/**
 * What the form edits, as the API spells it.
 * @typedef {{name: string, display_text: string, price_minor: number, currency: string, duration_months: number,
 *   trial: boolean, eligibility: Schemas['Eligibility'][], starts_at: string | null, ends_at: string | null,
 *   status: Schemas['OfferStatus']}} Content
 */

/** @type {Array<[Schemas['Eligibility'], string]>} */
export const ELIGIBILITY = [
  ['anonymous', 'Readers who are not signed in'],
  ['metered_out', 'Readers who used up their free articles'],
  ['trial_expired', 'Readers whose trial has ended'],
  ['lapsed', 'Former subscribers'],
];
/** @type {Record<keyof Content, string>} */
const FIELD_NAMES = {
  name: 'Name', display_text: 'Text readers see', price_minor: 'Price', currency: 'Currency', duration_months: 'Duration',
  trial: 'Trial', eligibility: 'Shown to', starts_at: 'Starts', ends_at: 'Ends', status: 'Status',
};
const FIELDS = /** @type {Array<keyof Content>} */ (Object.keys(FIELD_NAMES));

/** How many digits the currency's minor unit has (2 for USD, 0 for JPY). @param {string} currency */
function minorDigits(currency) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * A price in a currency's minor unit, for people.
 * @param {number} minor
 * @param {string} currency
 */
export function money(minor, currency) {
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: digits }).format(minor / 10 ** digits);
  } catch {
    return `${minor} ${currency} (minor units)`;
  }
}

/** @param {Offer} o */
export function offerTerms(o) {
  return `${money(o.price_minor, o.currency)} for ${o.duration_months} month${o.duration_months === 1 ? '' : 's'}${o.trial ? ', trial' : ''}`;
}

/** @param {HTMLElement} main */
const refused = (main) => notAllowed(main, 'Offers', 'Offers are for admins and the commercial team.');

// --- The list ----------------------------------------------------------------------

const LIST_HEADINGS = ['Offer', 'Now', 'Terms', 'Shown to', 'Dates'];

/** @type {import('../app.js').View} */
export async function offersListView(main) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  if (!can(user, 'edit_offers')) return refused(main);
  const rows = h('tbody');
  const list = pager(
    /** @type {import('../lists.js').PageOf<Schemas['OfferPage']>} */ (apiPages('/api/v1/offers')),
    (items) => {
      for (const o of items) {
        rows.append(
          h(
            'tr',
            null,
            h('td', null, h('a', { href: `/admin/offers/${encodeURIComponent(o.id)}` }, o.name), h('div', { class: 'muted small' }, o.display_text)),
            // data-label names each cell where a phone stacks the rows as cards (app.css).
            h('td', { 'data-label': LIST_HEADINGS[1] }, h('span', null, badge(runState(o)))),
            h('td', { 'data-label': LIST_HEADINGS[2] }, offerTerms(o)),
            h('td', { 'data-label': LIST_HEADINGS[3] }, o.eligibility.map((e) => ELIGIBILITY.find(([k]) => k === e)?.[1] ?? e).join('; ')),
            h('td', { 'data-label': LIST_HEADINGS[4] }, windowText(o.starts_at, o.ends_at)),
          ),
        );
      }
    },
    { one: 'offer', none: 'No offers yet.' },
  );
  replace(
    main,
    h('div', { class: 'title-row' }, h('h1', null, 'Offers'), h('a', { class: 'button primary', href: '/admin/offers/new' }, 'New offer')),
    h('p', { class: 'lead' }, 'What the paywall proposes to readers. An offer shows while it is active and inside its dates.'),
    list.count,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'stack' },
        h('thead', null, h('tr', null, LIST_HEADINGS.map((t) => h('th', { scope: 'col' }, t)))),
        rows,
      ),
    ),
    list.more,
  );
  await list.load(null);
}

// --- The editor ----------------------------------------------------------------------

/** @type {import('../app.js').View} */
export async function offerEditorView(main, params) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  if (!can(user, 'edit_offers')) return refused(main);
  const id = params[0];
  const path = id ? `/api/v1/offers/${encodeURIComponent(id)}` : '';
  /** @type {Offer | null} */
  let offer = id ? (await api('GET', path)).data : null;

  const name = h('input', { type: 'text', required: true, 'aria-required': 'true', class: 'headline' });
  const displayText = h('textarea', { rows: 2, required: true, 'aria-required': 'true' });
  const currencies = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : ['EUR', 'GBP', 'USD'];
  const currency = h('select', { required: true }, currencies.map((c) => h('option', { value: c }, c)));
  const price = h('input', { type: 'text', inputmode: 'decimal', required: true, 'aria-required': 'true', autocomplete: 'off' });
  const duration = h('input', { type: 'number', min: 1, max: 120, step: 1, required: true, 'aria-required': 'true' });
  const trial = h('input', { type: 'checkbox' });
  const eligibility = ELIGIBILITY.map(([value, text]) => ({ box: h('input', { type: 'checkbox', value }), text, value }));
  const status = h('select', null, [['draft', 'Draft (not shown)'], ['active', 'Active (shown inside its dates)'], ['paused', 'Paused']].map(([v, t]) => h('option', { value: v }, t)));
  const startsAt = h('input', { type: 'datetime-local' });
  const endsAt = h('input', { type: 'datetime-local' });
  const priceField = field('Price (required)', price, { name: 'price_minor' });
  const priceHint = /** @type {HTMLElement} */ (priceField.querySelector('.hint'));
  const showPriceHint = () => {
    const digits = minorDigits(currency.value);
    replace(priceHint, digits ? `In ${currency.value}, e.g. ${(9).toFixed(digits)}.` : `In ${currency.value}, a whole number.`);
  };
  currency.addEventListener('change', showPriceHint);

  /** @param {Offer | null} o */
  function fill(o) {
    name.value = o?.name ?? '';
    displayText.value = o?.display_text ?? '';
    currency.value = o?.currency ?? 'USD';
    price.value = o ? (o.price_minor / 10 ** minorDigits(o.currency)).toFixed(minorDigits(o.currency)) : '';
    duration.value = String(o?.duration_months ?? 1);
    trial.checked = o?.trial ?? false;
    for (const e of eligibility) e.box.checked = o?.eligibility.includes(e.value) ?? false;
    status.value = o?.status ?? 'draft';
    startsAt.value = toLocalInput(o?.starts_at);
    endsAt.value = toLocalInput(o?.ends_at);
    showPriceHint();
  }

  /**
   * The price typed, in the minor unit; NaN when it is not an amount in this currency.
   * @returns {number}
   */
  function priceMinor() {
    const digits = minorDigits(currency.value);
    const typed = price.value.trim().replace(',', '.');
    const m = /^(\d+)(?:\.(\d*))?$/.exec(typed);
    if (!m || (m[2] ?? '').length > digits) return NaN;
    return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || 0);
  }

  /** @returns {Content} */
  function read() {
    return {
      name: name.value.trim(),
      display_text: displayText.value.trim(),
      price_minor: priceMinor(),
      currency: currency.value,
      duration_months: Number(duration.value),
      trial: trial.checked,
      eligibility: eligibility.filter((e) => e.box.checked).map((e) => e.value),
      starts_at: fromLocalInput(startsAt.value),
      ends_at: fromLocalInput(endsAt.value),
      status: /** @type {Schemas['OfferStatus']} */ (status.value),
    };
  }

  const statusLine = h('p', { class: 'status-line', 'aria-live': 'polite' });
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const saveButton = h('button', { type: 'submit', class: 'primary' }, offer ? 'Save' : 'Create offer');
  const deleteButton = h('button', { type: 'button', class: 'danger', hidden: !offer, onclick: () => remove() }, 'Delete');
  const zoneHint = `Your time zone: ${localZone}.`;
  const form = h(
    'form',
    { class: 'editor', novalidate: true },
    h(
      'div',
      { class: 'editor-main' },
      field('Name (required)', name, { name: 'name', hint: 'For the team; readers do not see it.' }),
      field('Text readers see (required)', displayText, { name: 'display_text', hint: 'e.g. “Try 3 months for $9, this month only”.' }),
      h(
        'fieldset',
        { class: 'card' },
        h('legend', null, 'Terms'),
        h('div', { class: 'row' }, field('Currency', currency, { name: 'currency' }), priceField),
        field('Duration in months (required)', duration, { name: 'duration_months', hint: '1 to 120.' }),
        h('div', { class: 'field check' }, h('label', null, trial, ' A trial'), h('small', { class: 'error', 'data-error-for': 'trial' })),
      ),
      h(
        'fieldset',
        { class: 'card checks', 'data-field': 'eligibility', 'aria-describedby': 'eligibility-error' },
        h('legend', null, 'Shown to (at least one)'),
        h('ul', { class: 'plain' }, eligibility.map((e) => h('li', null, h('label', { class: 'check' }, e.box, ` ${e.text}`)))),
        h('small', { id: 'eligibility-error', class: 'error', 'data-error-for': 'eligibility' }),
      ),
    ),
    h(
      'div',
      { class: 'editor-side' },
      h('div', { class: 'card' }, statusLine, formError, field('Status', status, { name: 'status' }), h('div', { class: 'buttons' }, saveButton, deleteButton)),
      h(
        'fieldset',
        { class: 'card' },
        h('legend', null, 'Dates'),
        field('Starts', startsAt, { name: 'starts_at', hint: `Empty: as soon as it is active. ${zoneHint}` }),
        field('Ends', endsAt, { name: 'ends_at', hint: `Past this time it never shows; empty: no end. ${zoneHint}` }),
      ),
    ),
  );

  replace(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '/admin/offers' }, 'Offers')),
    h('div', { class: 'title-row' }, h('h1', null, offer ? 'Edit offer' : 'New offer')),
    form,
  );
  fill(offer);
  /** @type {Content} */
  let base = read();
  showStatus();
  if (!offer) name.focus();
  form.addEventListener('input', showStatus);
  form.addEventListener('change', showStatus);
  watchUnsaved(dirty);

  function dirty() {
    return !same(base, read());
  }

  function showStatus() {
    if (!offer) {
      replace(statusLine, 'Not saved yet.');
      return;
    }
    replace(statusLine, badge(runState(offer)), ` · version ${offer.version}`, dirty() ? ' · unsaved changes' : ' · saved');
  }

  /** @param {Offer} fresh */
  function adopt(fresh) {
    offer = fresh;
    fill(fresh);
    base = read();
    deleteButton.hidden = false;
    showStatus();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, formError);
    const now = read();
    if (Number.isNaN(now.price_minor)) {
      const digits = minorDigits(now.currency);
      const message = digits ? `must be an amount such as 9 or 9.${'9'.repeat(digits)}` : 'must be a whole amount, such as 900';
      showErrors(form, formError, new ApiError(422, { detail: 'Check the price.', errors: [{ field: 'price_minor', message }] }));
      return;
    }
    saveButton.disabled = true;
    try {
      // Typed here so that the form's fields are checked against the contract.
      /** @type {CreateOffer & UpdateOffer} */
      const body = now;
      const saved = await saveItem({ collection: '/api/v1/offers', page: '/admin/offers', item: offer, fields: FIELDS, base, now: body, created: 'Offer created.' });
      if (saved) adopt(saved);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412 && offer) {
        await reloadAfterConflict(changedFields(FIELDS, base, now).map((f) => FIELD_NAMES[f]));
      } else {
        showErrors(form, formError, e, FIELD_NAMES);
      }
    } finally {
      saveButton.disabled = false;
    }
  });

  /** @param {string[]} lost */
  async function reloadAfterConflict(lost) {
    /** @type {Offer} */
    const current = (await api('GET', path)).data;
    adopt(current);
    showConflict(formError, 'this offer', current, lost);
  }

  async function remove() {
    if (!offer) return;
    clearErrors(form, formError);
    try {
      await deleteAndLeave(`Delete the offer “${offer.name}”? This cannot be undone.`, path, offer, 'Offer deleted.', '/admin/offers');
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) await reloadAfterConflict([]);
      else showErrors(form, formError, e, FIELD_NAMES);
    }
  }
}
