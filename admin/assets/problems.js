// What the API refused, shown to the person who asked: a problem's field errors next to
// their fields (the slots that `field()` leaves) with its message in the form's alert,
// a save that met someone else's (412), and a screen the role may not use (403).

import { ApiError } from './api.js';
import { when } from './dates.js';
import { h, replace } from './dom.js';

/**
 * What a thrown value says, for people.
 * @param {unknown} e
 */
export function messageOf(e) {
  return String(e instanceof Error ? e.message : e);
}

/**
 * Why an upload to the media library was refused, in a sentence that says what to do:
 * the server decides by the file's content, size and dimensions, and may be busy.
 * @param {unknown} e what `upload` threw
 */
export function uploadMessage(e) {
  if (!(e instanceof ApiError)) return messageOf(e);
  // The problem's detail says exactly what was wrong; a proxy's own refusal has none.
  const detail = e.message.startsWith('The server answered') ? '' : e.message;
  switch (e.status) {
    case 413:
      return `Too large for the library. ${detail || 'Make the file smaller and try again.'}`;
    case 415:
      return `This is not an image the library takes. ${detail || 'Upload a JPEG, PNG, WebP or GIF.'}`;
    case 422:
      return `The image could not be used. ${detail || 'It may be damaged, or have too many pixels.'}`;
    case 503:
      return `The server is busy making images. Try again ${e.retryAfter ? `in ${e.retryAfter} second${e.retryAfter === 1 ? '' : 's'}` : 'in a moment'}.`;
    default:
      return e.message;
  }
}

/**
 * Clears what `showErrors` put on the form.
 * @param {Element} form
 * @param {Element} alert
 */
export function clearErrors(form, alert) {
  replace(alert);
  for (const el of form.querySelectorAll('[data-error-for]')) replace(el);
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/**
 * Shows an error in place of the last one: the problem's message in the alert, each
 * field error next to its field (the longest field name that the error's path starts
 * with: `cta.url` goes to `cta.url`, `section_ids[2]` to `section_ids`), the rest
 * listed under the message, so nothing the API said is lost. The first field in error
 * gets the focus, so a keyboard user lands on it.
 * @param {Element} form holding the `field()`s, named with `{name}`
 * @param {Element} alert an element with role=alert
 * @param {unknown} e what the API call threw
 * @param {Record<string, string>} [names] field path to the name shown for errors that have no slot
 */
export function showErrors(form, alert, e, names = {}) {
  clearErrors(form, alert);
  if (!(e instanceof ApiError)) {
    replace(alert, h('p', null, messageOf(e)));
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
    alert,
    h('p', null, first ? `${e.message} Each field in error says why.` : e.message),
    unplaced.length ? h('ul', null, unplaced.map((u) => h('li', null, u))) : null,
  );
  if (first instanceof HTMLElement) first.focus();
}

/**
 * Says that someone else saved first and that the form now holds their version.
 * @param {Element} alert
 * @param {string} what the thing, as in "this offer"
 * @param {{version: number, updated_at: string}} theirs what was reloaded
 * @param {string[]} lost the names of the fields whose changes were not saved
 */
export function showConflict(alert, what, theirs, lost) {
  replace(
    alert,
    h('p', null, `Someone else saved ${what} (now version ${theirs.version}, ${when(theirs.updated_at)}) while you were editing. It has been reloaded with their changes.`),
    lost.length ? h('p', null, `Your changes to ${lost.join(', ')} were not saved: make them again, then save.`) : null,
  );
}

/**
 * A screen this role may not use: the API would answer 403 anyway.
 * @param {HTMLElement} main
 * @param {string} title
 * @param {string} [why]
 */
export function notAllowed(main, title, why = 'Your role may not use this screen.') {
  replace(main, h('h1', null, title), h('p', { role: 'alert' }, why), h('p', null, h('a', { href: '/admin/' }, 'Go to the home page')));
}
