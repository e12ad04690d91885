// Showing a refused request on a form: each field error next to its field (the slots
// that `field()` leaves), the problem's own message in the form's alert, and errors
// for fields the form does not show listed there too, so nothing the API said is lost.

import { ApiError } from './api.js';
import { h, replace } from './dom.js';

/**
 * Clears what `showProblem` put on the form.
 * @param {Element} form
 * @param {Element} alert
 */
export function clearProblem(form, alert) {
  replace(alert);
  for (const el of form.querySelectorAll('[data-error-for]')) replace(el);
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/**
 * @param {Element} form holding the `field()`s, named with `{name}`
 * @param {Element} alert an element with role=alert
 * @param {unknown} error what the API call threw
 */
export function showProblem(form, alert, error) {
  clearProblem(form, alert);
  if (!(error instanceof ApiError)) {
    replace(alert, h('p', null, String(error instanceof Error ? error.message : error)));
    return;
  }
  const slots = [...form.querySelectorAll('[data-error-for]')].filter((el) => el.getAttribute('data-error-for'));
  /** @type {string[]} */
  const unplaced = [];
  for (const err of error.errors) {
    // `counted_section_ids[2]` belongs to the slot `counted_section_ids`.
    const slot = slots.find((el) => {
      const name = el.getAttribute('data-error-for') ?? '';
      return err.field === name || err.field.startsWith(`${name}.`) || err.field.startsWith(`${name}[`);
    });
    if (!slot) {
      unplaced.push(`${err.field}: ${err.message}`);
      continue;
    }
    slot.append(slot.textContent ? ` ${err.message}` : err.message);
    const name = slot.getAttribute('data-error-for') ?? '';
    form.querySelector(`[data-field="${CSS.escape(name)}"]`)?.setAttribute('aria-invalid', 'true');
  }
  replace(
    alert,
    h('p', null, error.message),
    unplaced.length ? h('ul', null, unplaced.map((u) => h('li', null, u))) : null,
  );
}

/**
 * A screen this role may not use: the API would answer 403 anyway.
 * @param {HTMLElement} main
 * @param {string} title
 */
export function notAllowed(main, title) {
  replace(main, h('h1', null, title), h('p', { role: 'alert' }, 'Your role may not use this screen.'), h('p', null, h('a', { href: '/admin/' }, 'Go to the home page')));
}
