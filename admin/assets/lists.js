// What the list screens share: filters kept in the address, so that a filtered list
// can be bookmarked and shared, and keyset paging behind a "More" button.

import { api } from './api.js';
import { field, h, replace, toast } from './dom.js';
import { messageOf } from './problems.js';
import { navigate } from './app.js';

/**
 * A list's filters as a search form. Submitting goes to `path` with the filters that
 * have a value (the address is what the list shows); `current` holds those of them now
 * in the address, for the API.
 * @param {string} label the form's accessible name
 * @param {string} path
 * @param {URLSearchParams} query the address's query
 * @param {HTMLElement[]} fields each holding a control whose `name` is the filter's
 * @param {string} [button] the submit button's text
 */
export function filters(label, path, query, fields, button = 'Filter') {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': label }, fields, h('div', { class: 'field' }, h('button', { type: 'submit' }, button)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value === 'string' && value.trim()) next.set(name, value.trim());
    }
    navigate(`${path}${next.size ? `?${next}` : ''}`);
  });
  const current = new URLSearchParams();
  for (const el of form.elements) {
    const name = el.getAttribute('name');
    const value = name && query.get(name);
    if (name && value) current.set(name, value);
  }
  return { form, current };
}

/**
 * A labelled filter choice, showing the value the address holds.
 * @param {string} label
 * @param {string} name
 * @param {Array<[string, string]>} options value and text; the first is usually '' for "any"
 * @param {URLSearchParams} query
 */
export function filterSelect(label, name, options, query) {
  const now = query.get(name) ?? '';
  return field(label, h('select', { name }, options.map(([value, text]) => h('option', { value, selected: value === now }, text))));
}

/**
 * Keyset paging: `load(null)` shows the first page (again), "More" each next one, and
 * the count line says how many are shown. A page that fails on "More" says so in a
 * toast; `load`'s own failures are the caller's.
 * @template T
 * @param {(cursor: string | null) => Promise<{items: T[], next_cursor?: string | null}>} fetchPage
 * @param {(items: T[], first: boolean) => void} show adds a page's items to the list; `first`: it starts again
 * @param {{label?: string, one?: string, many?: string, none?: string}} [words] the button's text; one item's
 *   name (and several's, when not one's with an s) and the count line for none, when there is a count line
 */
export function pager(fetchPage, show, words = {}) {
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', hidden: true }, words.label ?? 'More');
  let shown = 0;

  /** @param {string | null} cursor */
  async function load(cursor) {
    more.disabled = true;
    try {
      const page = await fetchPage(cursor);
      shown = (cursor ? shown : 0) + page.items.length;
      show(page.items, !cursor);
      if (words.one) replace(count, shown === 0 ? words.none ?? '' : `${shown} ${shown === 1 ? words.one : words.many ?? `${words.one}s`} shown.`);
      more.hidden = !page.next_cursor;
      more.onclick = () => load(page.next_cursor ?? null).catch((e) => toast(messageOf(e), 'error'));
    } finally {
      more.disabled = false;
    }
  }
  return { count, more, load };
}

/**
 * A pager's `fetchPage` for a list of the API: its parameters (read at each call, so a
 * filter changed on screen applies), the page size and the cursor. The caller names
 * the page's type, e.g. `@type {PageOf<Schemas['ArticlePage']>}`.
 * @param {string} path e.g. /api/v1/articles
 * @param {() => URLSearchParams | Record<string, string>} [params]
 * @param {number} [limit]
 * @returns {(cursor: string | null) => Promise<any>}
 */
export function apiPages(path, params = () => ({}), limit = 25) {
  return async (cursor) => {
    const query = new URLSearchParams(params());
    query.set('limit', String(limit));
    if (cursor) query.set('cursor', cursor);
    return (await api('GET', `${path}?${query}`)).data;
  };
}

/** @template P @typedef {(cursor: string | null) => Promise<P>} PageOf */
