// What the commercial screens' forms share: date-times typed in the browser's own time
// zone (the API speaks UTC), and a problem's field errors shown next to their fields.

import { ApiError } from './api.js';
import { h, replace } from './dom.js';

/** The browser's time zone, named in hints next to date-time fields. */
export const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'your time zone';

/**
 * An instant as the value of an `<input type="datetime-local">`, in the browser's zone.
 * @param {string | null | undefined} iso
 */
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * A `datetime-local` value (a wall-clock time here) as an RFC 3339 UTC instant.
 * @param {string} value
 * @returns {string | null}
 */
export function fromLocalInput(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Where a campaign stands now: its status, or for an active one whether its window
 * has begun or passed.
 * @param {{status: string, starts_at?: string | null, ends_at?: string | null}} item
 * @param {number} [now]
 * @returns {'draft' | 'paused' | 'live' | 'upcoming' | 'ended'}
 */
export function runState(item, now = Date.now()) {
  if (item.status !== 'active') return item.status === 'paused' ? 'paused' : 'draft';
  if (item.starts_at && Date.parse(item.starts_at) > now) return 'upcoming';
  if (item.ends_at && Date.parse(item.ends_at) <= now) return 'ended';
  return 'live';
}

/**
 * A window of time in words: "from … until …", "from …", "until …", or "no end".
 * @param {string | null | undefined} start
 * @param {string | null | undefined} end
 * @param {(iso: string) => string} format
 */
export function windowText(start, end, format) {
  if (start && end) return `${format(start)} – ${format(end)}`;
  if (start) return `from ${format(start)}`;
  if (end) return `until ${format(end)}`;
  return 'always';
}

/**
 * Empties the form's error message and every field's.
 * @param {HTMLElement} form
 * @param {HTMLElement} formError
 */
export function clearErrors(form, formError) {
  replace(formError);
  for (const el of form.querySelectorAll('[data-error-for]')) replace(el);
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/**
 * Shows an error: the problem's message at the top, each field error next to its field
 * (the longest field name that the error's path starts with: `cta.url` goes to
 * `cta.url`, `section_ids[2]` to `section_ids`), the rest listed under the message.
 * The first field in error gets the focus, so a keyboard user lands on it.
 * @param {HTMLElement} form
 * @param {HTMLElement} formError
 * @param {unknown} e
 * @param {Record<string, string>} [names] field path to the name shown for errors that have no slot
 */
export function showErrors(form, formError, e, names = {}) {
  if (!(e instanceof ApiError)) {
    replace(formError, h('p', null, String(e instanceof Error ? e.message : e)));
    return;
  }
  const slots = [...form.querySelectorAll('[data-error-for]')].filter((el) => el.getAttribute('data-error-for'));
  /** @type {string[]} */
  const unplaced = [];
  /** @type {Element | null} */
  let first = null;
  for (const err of e.errors) {
    const slot = slots
      .filter((el) => {
        const name = el.getAttribute('data-error-for') ?? '';
        return err.field === name || err.field.startsWith(`${name}.`) || err.field.startsWith(`${name}[`);
      })
      .sort((a, b) => (b.getAttribute('data-error-for') ?? '').length - (a.getAttribute('data-error-for') ?? '').length)[0];
    if (!slot) {
      unplaced.push(`${names[err.field] ?? err.field}: ${err.message}`);
      continue;
    }
    const name = slot.getAttribute('data-error-for') ?? '';
    // What lies past the slot's name, in words: `body[0].text` in the body's slot is "item 1, text".
    const rest = err.field
      .slice(name.length)
      .replace(/\[(\d+)\]/g, (_, n) => ` item ${Number(n) + 1},`)
      .replace(/\./g, ' ')
      .replace(/,\s*$/, '')
      .trim();
    const detail = rest ? `${rest}: ${err.message}` : err.message;
    slot.append(slot.textContent ? ` ${detail}` : detail);
    const control = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    control?.setAttribute('aria-invalid', 'true');
    first ??= control;
  }
  replace(
    formError,
    h('p', null, first ? `${e.message} Each field in error says why.` : e.message),
    unplaced.length ? h('ul', null, unplaced.map((u) => h('li', null, u))) : null,
  );
  if (first instanceof HTMLElement) first.focus();
}
