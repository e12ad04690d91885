// Tags: the list (a search kept in the address, keyset paging) with a form for a new
// tag, and each tag's page, where editors and admins change its name, slug and
// description, delete it, or merge it into another tag; everyone signed in reads.
// Tags are versioned: every change sends If-Match, and a 412 (someone changed the tag
// meanwhile) reloads it and says so. A name or slug another tag has (409 tag_exists,
// slug_taken) is said next to its field. What a change does beyond the tag is said
// before it is made: a new name goes onto every article carrying the tag, an old slug
// keeps redirecting, a delete takes the tag off its articles, and a merge moves its
// articles and links to the other tag.

import { ApiError, api, currentUser, etagOf, same } from '../api.js';
import { field, h, replace, toast } from '../dom.js';
import { when } from '../dates.js';
import { apiPages, filters, pager } from '../lists.js';
import { clearErrors, messageOf, showErrors } from '../problems.js';
import { can } from '../roles.js';
import { deleteAndLeave, navigate, watchUnsaved } from '../app.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['TagResponse']} Tag */

const STALE = 'Someone else changed this tag since you opened it. It has been reloaded with their changes: make yours again.';
/** What the API takes as a slug: lower-case letters and digits, single hyphens between. */
const SLUG_PATTERN = '[a-z0-9]+(-[a-z0-9]+)*';
const NAME_MAX = 60;
const SLUG_MAX = 120;
const DESCRIPTION_MAX = 1000;

/** @param {string} id */
const tagPath = (id) => `/api/v1/tags/${encodeURIComponent(id)}`;
/** @param {string} id */
const tagPage = (id) => `/admin/tags/${encodeURIComponent(id)}`;

/** @param {number} n */
const articles = (n) => `${n} article${n === 1 ? '' : 's'}`;

/** What makes two names one tag, as the API folds them: case and surrounding spaces. */
const key = (/** @type {string} */ name) => name.trim().toLowerCase();

/**
 * What merging `from` into `into` does, in one sentence (the confirm and the form say it).
 * @param {Tag} from
 * @param {Tag} into
 */
export function mergeConsequence(from, into) {
  const x = `“${from.name}”`;
  const y = `“${into.name}”`;
  const n = from.article_count;
  const moved =
    n === 0
      ? `No article is tagged ${x}`
      : n === 1
        ? `The one article tagged ${x} will be tagged ${y}`
        : `All ${n} articles tagged ${x} will be tagged ${y}`;
  return `${moved}; ${x} is removed; its links redirect to ${y}.`;
}

/**
 * A 409 about the name or the slug as an error next to that field (the API's message
 * stays in the alert); any other refusal as it is.
 * @param {unknown} e
 */
function onField(e) {
  if (!(e instanceof ApiError) || e.status !== 409) return e;
  /** @type {Record<string, [string, string]>} */
  const fields = {
    tag_exists: ['name', 'another tag already has this name (names differing only in case are one tag)'],
    slug_taken: ['slug', 'another tag already has this slug'],
  };
  const hit = fields[e.code];
  if (!hit) return e;
  return new ApiError(409, { detail: e.message, code: e.code, errors: [{ field: hit[0], message: hit[1] }] });
}

/**
 * The tag named `name` (in any case), other than `except`; null when there is none or
 * it cannot be found now.
 * @param {string} name
 * @param {string} [except] a tag id to leave out
 * @returns {Promise<Tag | null>}
 */
async function tagNamed(name, except) {
  try {
    /** @type {Schemas['TagPage']} */
    const page = (await api('GET', `/api/v1/tags?${new URLSearchParams({ q: name.trim(), limit: '100' })}`)).data;
    return page.items.find((t) => key(t.name) === key(name) && t.id !== except) ?? null;
  } catch {
    return null;
  }
}

/** @type {import('../app.js').View} */
export async function tagsView(main, _params, query) {
  const editor = can(currentUser(), 'edit_tags');
  const filter = filters(
    'Find tags',
    '/admin/tags',
    query,
    [field('Search', h('input', { type: 'search', name: 'q', value: query.get('q') ?? '', autocomplete: 'off', spellcheck: 'false', placeholder: 'Name or slug' }))],
    'Search',
  );
  const searching = Boolean(filter.current.get('q'));

  const headings = ['Name', 'Slug', 'Articles'];
  const rows = h('tbody');
  const list = pager(
    /** @type {import('../lists.js').PageOf<Schemas['TagPage']>} */ (apiPages('/api/v1/tags', () => filter.current, 50)),
    (items, first) => {
      if (first) replace(rows);
      for (const t of items) {
        rows.append(
          h(
            'tr',
            null,
            // The name has no data-label: on a phone it heads the card.
            h('td', null, h('a', { href: tagPage(t.id) }, t.name), t.description ? h('div', { class: 'muted small' }, t.description) : null),
            h('td', { 'data-label': headings[1] }, h('code', { class: 'slug' }, t.slug)),
            h('td', { 'data-label': headings[2], class: 'count' }, String(t.article_count)),
          ),
        );
      }
    },
    { label: 'More tags', one: 'tag', none: searching ? 'No tags match.' : 'No tags yet.' },
  );

  replace(
    main,
    h('h1', null, 'Tags'),
    h(
      'p',
      { class: 'lead' },
      editor
        ? 'The tags articles carry, by name. Open a tag to rename it, change its slug, delete it or merge it into another.'
        : 'The tags articles carry, by name.',
    ),
    editor ? newTagForm(() => list.load(null)) : null,
    h(
      'section',
      { 'aria-labelledby': 'tag-list-title' },
      h('h2', { id: 'tag-list-title', class: 'visually-hidden' }, 'All tags'),
      filter.form,
      list.count,
      h(
        'div',
        { class: 'table-wrap' },
        h('table', { class: 'stack tags' }, h('thead', null, h('tr', null, headings.map((t) => h('th', { scope: 'col' }, t)))), rows),
      ),
      list.more,
    ),
  );
  await list.load(null);
}

/**
 * The form for a new tag, on the list: once it is made the form empties for the next
 * one and the list is loaded again.
 * @param {() => Promise<void>} reload
 */
function newTagForm(reload) {
  const name = h('input', { type: 'text', maxlength: NAME_MAX, required: true, autocomplete: 'off' });
  const slug = h('input', { type: 'text', maxlength: SLUG_MAX, pattern: SLUG_PATTERN, autocapitalize: 'none', spellcheck: 'false', autocomplete: 'off' });
  const description = h('textarea', { rows: 2, maxlength: DESCRIPTION_MAX });
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Create tag');
  const form = h(
    'form',
    { class: 'card form-narrow new-tag', novalidate: true, 'aria-labelledby': 'new-tag-title' },
    h('h2', { id: 'new-tag-title' }, 'New tag'),
    h(
      'div',
      { class: 'row' },
      field('Name', name, { name: 'name', hint: `As readers see it, e.g. Climate change; at most ${NAME_MAX} characters. Names differing only in case are one tag.` }),
      field('Slug', slug, { name: 'slug', hint: 'Part of the tag’s public address: lower-case letters, digits and single hyphens. Empty: made from the name.' }),
    ),
    field('Description', description, { name: 'description', hint: 'Optional: what the tag covers, for its public page.' }),
    alert,
    h('div', { class: 'buttons' }, button),
  );
  watchUnsaved(() => Boolean(name.value.trim() || slug.value.trim() || description.value.trim()));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, alert);
    button.disabled = true;
    try {
      /** @type {Schemas['CreateTagRequest']} */
      const body = { name: name.value.trim() };
      if (slug.value.trim()) body.slug = slug.value.trim();
      if (description.value.trim()) body.description = description.value.trim();
      /** @type {Tag} */
      const created = (await api('POST', '/api/v1/tags', { body })).data;
      name.value = '';
      slug.value = '';
      description.value = '';
      toast(`Tag ${created.name} created.`);
      // Ready for the next one while the list catches up.
      name.focus();
      await reload().catch((e) => toast(messageOf(e), 'error'));
    } catch (e) {
      showErrors(form, alert, onField(e));
      if (e instanceof ApiError && e.code === 'tag_exists') {
        const existing = await tagNamed(name.value);
        if (existing) {
          alert.append(h('p', null, 'The tag there is: ', h('a', { href: tagPage(existing.id) }, existing.name), ` (${articles(existing.article_count)}).`));
        }
      }
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** @type {import('../app.js').View} */
export async function tagView(main, params) {
  const user = currentUser();
  const editor = can(user, 'edit_tags');
  /** @type {Tag} */
  let tag = (await api('GET', tagPath(params[0]))).data;

  const name = h('input', { type: 'text', maxlength: NAME_MAX, required: true, autocomplete: 'off' });
  const slug = h('input', { type: 'text', maxlength: SLUG_MAX, pattern: SLUG_PATTERN, autocapitalize: 'none', spellcheck: 'false', autocomplete: 'off' });
  const description = h('textarea', { rows: 3, maxlength: DESCRIPTION_MAX });
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save changes');
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete tag');
  const facts = h('p', { class: 'lead' });
  const carried = h('p');
  const nameHint = h('span');

  /** What the form holds now; unsaved work is any difference from what `fill` showed. */
  const values = () => [name.value, slug.value, description.value];
  /** @type {string[]} */
  let shown = [];
  if (editor) watchUnsaved(() => !same(values(), shown));

  function fill() {
    name.value = tag.name;
    slug.value = tag.slug;
    description.value = tag.description ?? '';
    shown = values();
    replace(facts, `Carried by ${articles(tag.article_count)} · version ${tag.version} · changed ${when(tag.updated_at)}`);
    replace(
      carried,
      tag.article_count > 0 && can(user, 'edit_articles')
        ? h('a', { href: `/admin/articles?${new URLSearchParams({ tag: tag.name })}` }, `Articles tagged ${tag.name}`)
        : null,
    );
    const n = tag.article_count;
    replace(
      nameHint,
      !editor ? '' : n === 0 ? 'Renaming renames the tag on every article carrying it.' : n === 1 ? 'Renaming renames the tag on the one article carrying it.' : `Renaming renames the tag on all ${n} articles carrying it.`,
    );
  }

  const nameField = field('Name', name, { name: 'name' });
  // The hint changes with the count; field() leaves its slot empty.
  /** @type {HTMLElement} */ (nameField.querySelector('.hint')).append(nameHint);
  const form = h(
    'form',
    { class: 'card form-narrow', novalidate: true },
    nameField,
    field('Slug', slug, {
      name: 'slug',
      hint: editor
        ? 'Part of the tag’s public address: lower-case letters, digits and single hyphens. Old links keep working: the old slug redirects to the new one.'
        : 'Part of the tag’s public address.',
    }),
    field('Description', description, { name: 'description', hint: 'Optional: what the tag covers, for its public page.' }),
    alert,
    h('div', { class: 'buttons' }, editor ? save : null, editor ? remove : null, h('a', { class: 'button', href: '/admin/tags' }, 'Back to tags')),
  );
  if (!editor) {
    for (const el of form.querySelectorAll('input, textarea')) /** @type {HTMLInputElement} */ (el).disabled = true;
  }

  async function reload() {
    tag = (await api('GET', tagPath(tag.id))).data;
    fill();
  }

  /**
   * Shows a refusal of the form: a stale tag is reloaded first; a name another tag has
   * points to that tag, and to merging.
   * @param {unknown} e
   */
  async function refused(e) {
    if (e instanceof ApiError && e.status === 412) {
      await reload().catch(() => {});
      showErrors(form, alert, new Error(STALE));
      return;
    }
    showErrors(form, alert, onField(e));
    if (e instanceof ApiError && e.code === 'tag_exists') {
      const other = await tagNamed(name.value, tag.id);
      if (other) {
        alert.append(
          h(
            'p',
            null,
            'The tag there is: ',
            h('a', { href: tagPage(other.id) }, other.name),
            ` (${articles(other.article_count)}). To make the two one tag, merge this one into it below.`,
          ),
        );
      }
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!editor) return;
    clearErrors(form, alert);
    /** @type {Schemas['UpdateTagRequest']} */
    const patch = {};
    const desc = description.value.trim() || null;
    if (name.value.trim() !== tag.name) patch.name = name.value.trim();
    if (slug.value.trim() !== tag.slug) patch.slug = slug.value.trim();
    if (desc !== (tag.description ?? null)) patch.description = desc;
    if (Object.keys(patch).length === 0) {
      toast('Nothing to save.');
      return;
    }
    const before = tag;
    save.disabled = true;
    try {
      tag = (await api('PATCH', tagPath(tag.id), { body: patch, ifMatch: etagOf(tag) })).data;
      fill();
      const renamed = patch.name !== undefined && before.article_count > 0 ? ` ${articles(before.article_count)} now carry “${tag.name}”.` : '';
      const moved = tag.slug !== before.slug ? ` Links to the old slug ${before.slug} redirect to ${tag.slug}.` : '';
      toast(`Tag saved.${renamed}${moved}`);
    } catch (e) {
      await refused(e);
    } finally {
      save.disabled = false;
    }
  });

  remove.addEventListener('click', async () => {
    clearErrors(form, alert);
    const n = tag.article_count;
    const carriers = n === 0 ? 'No article carries it.' : n === 1 ? 'It is taken off the one article that carries it.' : `It is taken off the ${n} articles that carry it.`;
    remove.disabled = true;
    try {
      await deleteAndLeave(
        `Delete the tag “${tag.name}”? ${carriers} Its links stop working: to keep them, merge it into another tag instead.`,
        tagPath(tag.id),
        tag,
        `Tag ${tag.name} deleted.`,
        '/admin/tags',
      );
    } catch (e) {
      await refused(e);
    } finally {
      remove.disabled = false;
    }
  });

  fill();
  replace(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '/admin/tags' }, 'Tags')),
    h('h1', null, editor ? 'Edit tag' : 'Tag'),
    facts,
    carried,
    form,
    editor ? mergeForm(() => tag, reload) : null,
  );
}

/**
 * "Merge into another tag": find the other tag by a search, choose it, and confirm
 * what happens; the merged tag is gone then, and its page gives way to the other's.
 * @param {() => Tag} current the tag on the page, as last read
 * @param {() => Promise<void>} reload reads it again
 */
function mergeForm(current, reload) {
  const find = h('input', { type: 'search', autocomplete: 'off', spellcheck: 'false' });
  const target = h('select');
  const found = h('p', { class: 'muted small', 'aria-live': 'polite' });
  const outcome = h('p', { class: 'merge-outcome', 'aria-live': 'polite' });
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit' }, 'Merge…');
  /** @type {Tag[]} */
  let candidates = [];
  /** Which search is the latest: an earlier one that answers late is not shown. */
  let asked = 0;

  const form = h(
    'form',
    { class: 'card form-narrow merge', novalidate: true, 'aria-labelledby': 'merge-title' },
    h('h2', { id: 'merge-title' }, 'Merge into another tag'),
    h('p', { class: 'hint' }, 'When two tags mean the same: the tag you choose is kept, this one goes, and its articles and links move to the one kept.'),
    field('Find a tag', find, { hint: 'Part of its name or slug.' }),
    found,
    field('Merge into', target, { name: 'into' }),
    outcome,
    alert,
    h('div', { class: 'buttons' }, button),
  );

  const chosen = () => candidates.find((t) => t.id === target.value) ?? null;

  function describe() {
    const into = chosen();
    replace(outcome, into ? mergeConsequence(current(), into) : '');
  }

  async function search() {
    const mine = ++asked;
    const q = find.value.trim();
    const params = new URLSearchParams({ limit: '50' });
    if (q) params.set('q', q);
    try {
      /** @type {Schemas['TagPage']} */
      const page = (await api('GET', `/api/v1/tags?${params}`)).data;
      if (mine !== asked) return;
      const keep = target.value;
      const me = current().id;
      candidates = page.items.filter((t) => t.id !== me);
      replace(
        target,
        h('option', { value: '' }, candidates.length ? 'Choose a tag' : q ? 'No other tag matches' : 'No other tag yet'),
        candidates.map((t) => h('option', { value: t.id }, `${t.name} (${t.slug}), ${articles(t.article_count)}`)),
      );
      if (candidates.some((t) => t.id === keep)) target.value = keep;
      const more = page.next_cursor ? ' (the first ones: type more of the name to narrow)' : '';
      replace(found, candidates.length ? `${candidates.length} tag${candidates.length === 1 ? '' : 's'} to choose from${more}.` : '');
      describe();
    } catch (e) {
      if (mine === asked) replace(alert, h('p', null, messageOf(e)));
    }
  }

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typing;
  find.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(search, 250);
  });
  // Enter in the search looks now; it does not merge.
  find.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    clearTimeout(typing);
    search();
  });
  target.addEventListener('change', () => {
    clearErrors(form, alert);
    describe();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, alert);
    const from = current();
    const into = chosen();
    if (!into) {
      showErrors(form, alert, new ApiError(422, { detail: 'Choose the tag to merge into.', errors: [{ field: 'into', message: 'choose a tag: find it by name above' }] }));
      return;
    }
    if (!confirm(`Merge “${from.name}” into “${into.name}”?\n\n${mergeConsequence(from, into)}`)) return;
    button.disabled = true;
    try {
      /** @type {Schemas['MergeTagRequest']} */
      const body = { into: into.id };
      /** @type {Tag} */
      const kept = (await api('POST', `${tagPath(from.id)}/merge`, { body, ifMatch: etagOf(from) })).data;
      // The merged tag, and any change typed into its form, are gone.
      watchUnsaved(null);
      toast(`${from.name} merged into ${kept.name}, which ${kept.article_count === 1 ? 'one article carries' : `${kept.article_count} articles carry`} now.`);
      navigate(tagPage(kept.id), { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        await reload().catch(() => {});
        describe();
        showErrors(form, alert, new Error(`${STALE} Check what the merge will do, then merge again.`));
      } else {
        showErrors(form, alert, e);
      }
    } finally {
      button.disabled = false;
    }
  });

  search();
  return form;
}
