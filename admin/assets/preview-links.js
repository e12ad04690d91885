// Preview links: a link that shows the article as readers would get it, whatever its
// status, to people without an account (a lawyer, a source checking a quote, the
// frontend's draft mode), until it expires or is revoked. The link's token is shown
// once, when it is made; afterwards the list names who made each link and when it ends.

import { all, api } from './api.js';
import { when } from './dates.js';
import { field, h, replace, toast } from './dom.js';
import { messageOf } from './problems.js';

/** @typedef {import('./api.js').Schemas} Schemas */
/** @typedef {Schemas['PreviewResponse']} Link */
/** @typedef {Schemas['CreatedPreviewResponse']} NewLink */

/** How long a new link may last: the API takes 60 seconds to 7 days. */
const LIFETIMES = [
  [3600, '1 hour'],
  [86400, '24 hours'],
  [604800, '7 days'],
];

/**
 * The "Preview links" card of an article: make a link (shown with a copy button and
 * its expiry), and the working links, each with a revoke button.
 * @param {string} articleId
 */
export function previewLinks(articleId) {
  const path = `/api/v1/articles/${encodeURIComponent(articleId)}/previews`;
  const lifetime = h('select', null, LIFETIMES.map(([secs, label]) => h('option', { value: String(secs), selected: secs === 86400 }, label)));
  const made = h('div', { class: 'preview-made', hidden: true });
  const list = h('ul', { class: 'plain preview-links', 'aria-label': 'Working preview links' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const create = h('button', { type: 'button', onclick: make }, 'Create preview link');
  const element = h(
    'fieldset',
    { class: 'card' },
    h('legend', null, 'Preview links'),
    h('p', { class: 'hint' }, 'Anyone with a link reads the article as readers would, as it is at that moment and whatever its status, until the link expires or is revoked.'),
    field('Link lasts', lifetime),
    h('div', { class: 'buttons' }, create),
    error,
    made,
    h('h3', { class: 'sub' }, 'Working links'),
    list,
  );
  let loaded = false;

  async function make() {
    replace(error);
    create.disabled = true;
    try {
      /** @type {{data: NewLink}} */
      const { data } = await api('POST', path, { body: { expires_in_secs: Number(lifetime.value) } });
      show(data);
      toast('Preview link created.');
      await refresh();
    } catch (e) {
      replace(error, messageOf(e));
    } finally {
      create.disabled = false;
    }
  }

  /** The new link, with its token: the only time it can be shown. @param {NewLink} link */
  function show(link) {
    const url = new URL(link.url, location.origin).href;
    const input = h('input', { type: 'text', readonly: true, value: url, class: 'preview-url' });
    replace(
      made,
      field('New preview link', input, { hint: `Works until ${when(link.expires_at)}. Copy it now: it is not shown again.` }),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', class: 'primary', onclick: () => copy(input) }, 'Copy link'),
        h('a', { class: 'button', href: url, target: '_blank', rel: 'noopener noreferrer' }, 'Open'),
      ),
    );
    made.hidden = false;
    input.focus();
    input.select();
  }

  /** @param {HTMLInputElement} input */
  async function copy(input) {
    try {
      await navigator.clipboard.writeText(input.value);
      toast('Link copied.');
    } catch {
      // No clipboard (a page served over plain HTTP): leave it selected to copy by hand.
      input.focus();
      input.select();
      toast('Press Ctrl+C (⌘C) to copy the selected link.');
    }
  }

  /** @param {Link} link */
  async function revoke(link) {
    replace(error);
    try {
      await api('DELETE', `${path}/${encodeURIComponent(link.id)}`);
      toast('Preview link revoked.');
    } catch (e) {
      // Already expired or revoked (404): the list below is read again either way.
      replace(error, messageOf(e));
    }
    await refresh();
  }

  async function refresh() {
    /** @type {Link[]} */
    let links;
    try {
      links = await all(path);
    } catch (e) {
      replace(list, h('li', { class: 'error' }, messageOf(e)));
      return;
    }
    loaded = true;
    replace(
      list,
      links.length === 0
        ? h('li', { class: 'muted' }, 'None.')
        : links.map((link) =>
            h(
              'li',
              { class: 'preview-link' },
              h('span', null, `By ${link.created_by.display_name}, made ${when(link.created_at)}; works until ${when(link.expires_at)}`),
              h(
                'button',
                {
                  type: 'button',
                  class: 'quiet danger',
                  'aria-label': `Revoke the link ${link.created_by.display_name} made ${when(link.created_at)}`,
                  onclick: () => revoke(link),
                },
                'Revoke',
              ),
            ),
          ),
    );
  }

  return {
    element,
    /** Shows or hides the card; the list is read the first time it shows. @param {boolean} on */
    toggle(on) {
      element.hidden = !on;
      if (on && !loaded) refresh();
    },
  };
}
