// An article's revisions: the list, one revision compared line by line with the
// current text, and restoring it (a new save, with If-Match, under the same rules as
// an edit).

import { ApiError, all, api, currentUser, etagOf } from '../api.js';
import { h, replace, toast } from '../dom.js';
import { when } from '../dates.js';
import { apiPages, pager } from '../lists.js';
import { messageOf } from '../problems.js';
import { knowOwnAuthors, mayEdit } from '../roles.js';
import { plainText } from '../inline.js';
import { navigate } from '../app.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['ArticleResponse']} Article */
/** @typedef {Schemas['RevisionContent']} Content */

/** @type {import('../app.js').View} */
export async function revisionsView(main, params, query) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  const id = /** @type {string} */ (params[0]);
  const path = `/api/v1/articles/${encodeURIComponent(id)}`;
  const [{ data }, bylineAuthors] = await Promise.all([
    api('GET', path),
    /** @type {Promise<Array<Schemas['AuthorResponse']>>} */ (all('/api/v1/authors')),
  ]);
  /** @type {Article} */
  const article = data;
  // Whether the article is the user's own: it may name an author linked to them.
  knowOwnAuthors(user, bylineAuthors);
  const list = h('ol', { class: 'plain revisions' });
  const revisions = pager(
    /** @type {import('../lists.js').PageOf<Schemas['RevisionPage']>} */ (apiPages(`${path}/revisions`, undefined, 50)),
    (items) => {
      for (const r of items) {
        list.append(
          h(
            'li',
            null,
            h('a', { href: `/admin/articles/${encodeURIComponent(id)}/revisions?n=${r.number}`, onclick: (/** @type {Event} */ e) => { e.preventDefault(); history.replaceState(null, '', `?n=${r.number}`); show(r.number); } }, `Revision ${r.number}`),
            h('small', { class: 'muted' }, ` · ${r.note} · ${r.created_by.display_name} · ${when(r.created_at)}`),
          ),
        );
      }
    },
    { label: 'Older revisions' },
  );
  const detail = h('section', { class: 'card', 'aria-label': 'Revision' }, h('p', { class: 'muted' }, 'Choose a revision to compare it with the current text.'));
  const wanted = Number(query.get('n') || 0);

  replace(
    main,
    h('div', { class: 'title-row' }, h('h1', null, 'Revisions'), h('a', { href: `/admin/articles/${encodeURIComponent(id)}` }, 'Back to the article')),
    h('p', { class: 'lead' }, article.headline),
    h('div', { class: 'split' }, h('section', { class: 'card', 'aria-label': 'All revisions' }, list, revisions.more), detail),
  );

  /** @param {number} n */
  async function show(n) {
    /** @type {Schemas['RevisionResponse']} */
    const revision = (await api('GET', `${path}/revisions/${n}`)).data;
    const rows = diff(lines(revision.content), lines(article));
    const changedLines = rows.filter((r) => r.kind !== 'same').length;
    replace(
      detail,
      h('h2', null, `Revision ${revision.number}`),
      h('p', { class: 'muted' }, `${revision.note} by ${revision.created_by.display_name}, ${when(revision.created_at)} (version ${revision.article_version}).`),
      h('p', null, changedLines ? 'Lines marked − are in this revision and not in the current text; lines marked + are only in the current text.' : 'The same as the current text.'),
      h('div', { class: 'diff', role: 'list', 'aria-label': 'Differences' },
        rows.map((r) =>
          r.kind === 'same'
            ? h('div', { role: 'listitem', class: 'same' }, r.text)
            : h(r.kind === 'removed' ? 'del' : 'ins', { role: 'listitem', class: r.kind }, h('span', { class: 'sign', 'aria-hidden': 'true' }, r.kind === 'removed' ? '− ' : '+ '), r.text),
        ),
      ),
      mayEdit(user, article) && !article.trashed_at
        ? h('button', { type: 'button', class: 'primary', onclick: () => restore(revision.number) }, `Restore revision ${revision.number}`)
        : null,
    );
  }

  /** @param {number} n */
  async function restore(n) {
    if (!confirm(`Put revision ${n} back as the article's text? This is saved as a new revision.`)) return;
    try {
      await api('POST', `${path}/revisions/${n}/restore`, { ifMatch: etagOf(article) });
      toast(`Revision ${n} restored.`);
      navigate(`/admin/articles/${encodeURIComponent(id)}`);
    } catch (e) {
      toast(e instanceof ApiError && e.status === 412 ? 'The article changed meanwhile; reload and try again.' : messageOf(e), 'error');
    }
  }

  await revisions.load(null);
  if (wanted) await show(wanted);
}

/**
 * An article's content as lines of text to compare.
 * @param {Content} c
 * @returns {string[]}
 */
export function lines(c) {
  /** @type {string[]} */
  const out = [`Headline: ${c.headline}`];
  if (c.kicker) out.push(`Kicker: ${c.kicker}`);
  if (c.standfirst) out.push(`Standfirst: ${c.standfirst}`);
  if (c.dateline) out.push(`Dateline: ${c.dateline}`);
  out.push(`Slug: ${c.slug}`, `Tags: ${c.tags.join(', ')}`, `Access: ${c.access}`);
  if (c.hero_image) out.push(`Hero image: ${c.hero_image.url}${c.hero_image.alt ? ` (${c.hero_image.alt})` : ''}`);
  for (const b of c.body) {
    switch (b.type) {
      case 'paragraph':
        out.push(...plainText(b.text).split('\n'));
        break;
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${plainText(b.text)}`);
        break;
      case 'quote':
        out.push(`“${plainText(b.text)}”${b.attribution ? ` — ${plainText(b.attribution)}` : ''}`);
        break;
      case 'list':
        out.push(...b.items.map((item, i) => `${b.style === 'number' ? `${i + 1}.` : '•'} ${plainText(item)}`));
        break;
      case 'image':
        out.push(`[image ${b.url}${b.alt ? ` “${b.alt}”` : ''}]`);
        break;
      case 'embed':
        out.push(`[${b.provider} ${b.url}]`);
        break;
      case 'poll':
        out.push(`[poll ${b.poll_id}]`);
        break;
      case 'sponsored':
        out.push(`[sponsored ${b.block_id}]`);
        break;
    }
  }
  return out;
}

/**
 * A line diff (longest common subsequence): what `from` has that `to` lacks is
 * removed, the reverse added.
 * @param {string[]} from
 * @param {string[]} to
 * @returns {Array<{kind: 'same' | 'removed' | 'added', text: string}>}
 */
export function diff(from, to) {
  const n = from.length;
  const m = to.length;
  /** @type {number[][]} */
  const lcs = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      /** @type {number[]} */ (lcs[i])[j] = from[i] === to[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, lcs[i]?.[j + 1] ?? 0);
    }
  }
  /** @type {ReturnType<typeof diff>} */
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (from[i] === to[j]) {
      out.push({ kind: 'same', text: /** @type {string} */ (from[i]) });
      i++;
      j++;
    } else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) {
      out.push({ kind: 'removed', text: /** @type {string} */ (from[i++]) });
    } else {
      out.push({ kind: 'added', text: /** @type {string} */ (to[j++]) });
    }
  }
  while (i < n) out.push({ kind: 'removed', text: /** @type {string} */ (from[i++]) });
  while (j < m) out.push({ kind: 'added', text: /** @type {string} */ (to[j++]) });
  return out;
}
