// Authors: whom bylines name, with or without a newsroom account (staff, freelancers,
// wire services). The list (a search kept in the address, keyset paging) with a form for
// a new author, and each author's page, where editors and admins change the name, slug,
// job title, bio, photo (a library image or a URL), links and the linked account, or
// delete the author; everyone signed in reads. Authors are versioned: every change sends
// If-Match, and a 412 (someone changed the author meanwhile) reloads it and says so. A
// slug another author has, or an account another author is linked to (409 slug_taken,
// user_linked), is said next to its field; an author that articles still name (409
// author_has_articles) is not deleted, and the page says how many name them.

import { ApiError, all, api, currentUser, etagOf, same } from '../api.js';
import { field, h, replace, safeHref, toast } from '../dom.js';
import { when } from '../dates.js';
import { apiPages, filters, pager } from '../lists.js';
import { imageSource, sourceFields } from '../media.js';
import { clearErrors, messageOf, showErrors } from '../problems.js';
import { can } from '../roles.js';
import { deleteAndLeave, watchUnsaved } from '../app.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['AuthorResponse']} Author */
/** @typedef {Schemas['AuthorLink']} Link */
/** @typedef {Schemas['Person']} Person */

const STALE = 'Someone else changed this author since you opened it. It has been reloaded with their changes: make yours again.';
/** What the API takes as a slug: lower-case letters and digits, single hyphens between. */
const SLUG_PATTERN = '[a-z0-9]+(-[a-z0-9]+)*';
const NAME_MAX = 100;
const SLUG_MAX = 120;
const JOB_TITLE_MAX = 100;
const BIO_MAX = 2000;
const LINKS_MAX = 10;
/** How many authors the page reads to say which account is linked to which author. */
const AUTHORS_CAP = 500;

/** @type {Record<string, string>} the fields, as errors without a slot name them */
const FIELD_NAMES = { name: 'Name', slug: 'Slug', job_title: 'Job title', bio: 'Bio', photo: 'Photo', links: 'Links', user_id: 'Linked account' };

/** @param {string} id */
const authorPath = (id) => `/api/v1/authors/${encodeURIComponent(id)}`;
/** @param {string} id */
const authorPage = (id) => `/admin/authors/${encodeURIComponent(id)}`;
/** @param {string} slug */
const publicPath = (slug) => `/api/v1/public/authors/${encodeURIComponent(slug)}`;

/** @param {number} n */
const articles = (n) => `${n} article${n === 1 ? '' : 's'}`;

/**
 * Why an author that articles name cannot be deleted, in one sentence.
 * @param {number} n how many articles name them
 */
export function namedBy(n) {
  return n === 1
    ? '1 article names this author: change its byline first.'
    : `${n} articles name this author: change their bylines first.`;
}

/**
 * A 409 about the slug or the linked account as an error next to that field (the API's
 * message stays in the alert); any other refusal as it is.
 * @param {unknown} e
 */
function onField(e) {
  if (!(e instanceof ApiError) || e.status !== 409) return e;
  /** @type {Record<string, [string, string]>} */
  const fields = {
    slug_taken: ['slug', 'another author already has this slug'],
    user_linked: ['user_id', 'another author is already linked to this account: unlink it there first'],
  };
  const hit = fields[e.code];
  if (!hit) return e;
  return new ApiError(409, { detail: e.message, code: e.code, errors: [{ field: hit[0], message: hit[1] }] });
}

/** The newsroom's people by id, for the names of linked accounts. */
async function peopleById() {
  /** @type {Person[]} */
  const people = await all('/api/v1/people');
  return new Map(people.map((p) => [p.id, p]));
}

/** @type {import('../app.js').View} */
export async function authorsView(main, _params, query) {
  const editor = can(currentUser(), 'edit_authors');
  const people = await peopleById();
  const filter = filters(
    'Find authors',
    '/admin/authors',
    query,
    [field('Search', h('input', { type: 'search', name: 'q', value: query.get('q') ?? '', autocomplete: 'off', spellcheck: 'false', placeholder: 'Name or slug' }))],
    'Search',
  );
  const searching = Boolean(filter.current.get('q'));

  const headings = ['Name', 'Job title', 'Account', 'Articles'];
  const rows = h('tbody');
  const list = pager(
    /** @type {import('../lists.js').PageOf<Schemas['AuthorPage']>} */ (apiPages('/api/v1/authors', () => filter.current, 50)),
    (items, first) => {
      if (first) replace(rows);
      for (const a of items) {
        const account = a.user_id ? people.get(a.user_id)?.display_name ?? 'An account' : null;
        rows.append(
          h(
            'tr',
            null,
            // The name has no data-label: on a phone it heads the card.
            h('td', null, h('a', { href: authorPage(a.id) }, a.name), h('div', null, h('code', { class: 'slug' }, a.slug))),
            h('td', { 'data-label': headings[1] }, a.job_title ?? h('span', { class: 'muted' }, '—')),
            h('td', { 'data-label': headings[2] }, account ?? h('span', { class: 'muted' }, 'None')),
            h('td', { 'data-label': headings[3], class: 'count' }, String(a.article_count)),
          ),
        );
      }
    },
    { label: 'More authors', one: 'author', none: searching ? 'No authors match.' : 'No authors yet.' },
  );

  replace(
    main,
    h('h1', null, 'Authors'),
    h(
      'p',
      { class: 'lead' },
      'Whom bylines name: newsroom colleagues, freelancers and wire services. ',
      editor
        ? 'Open an author to change their page (bio, photo, links), link them to a newsroom account, or delete them.'
        : 'Editors and admins change them.',
    ),
    editor ? newAuthorForm(() => list.load(null)) : null,
    h(
      'section',
      { 'aria-labelledby': 'author-list-title' },
      h('h2', { id: 'author-list-title', class: 'visually-hidden' }, 'All authors'),
      filter.form,
      list.count,
      h(
        'div',
        { class: 'table-wrap' },
        h('table', { class: 'stack authors' }, h('thead', null, h('tr', null, headings.map((t) => h('th', { scope: 'col' }, t)))), rows),
      ),
      list.more,
    ),
  );
  await list.load(null);
}

/**
 * The form for a new author, on the list: once made the form empties for the next one
 * and the list is loaded again; the rest of their page is filled in on it.
 * @param {() => Promise<void>} reload
 */
function newAuthorForm(reload) {
  const name = h('input', { type: 'text', maxlength: NAME_MAX, required: true, autocomplete: 'off' });
  const slug = h('input', { type: 'text', maxlength: SLUG_MAX, pattern: SLUG_PATTERN, autocapitalize: 'none', spellcheck: 'false', autocomplete: 'off' });
  const jobTitle = h('input', { type: 'text', maxlength: JOB_TITLE_MAX, autocomplete: 'off' });
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Create author');
  const form = h(
    'form',
    { class: 'card form-narrow new-author', novalidate: true, 'aria-labelledby': 'new-author-title' },
    h('h2', { id: 'new-author-title' }, 'New author'),
    h('p', { class: 'hint' }, 'For someone without a newsroom account, such as a freelancer or a wire service (colleagues get theirs when a byline first names them). Bio, photo and links go on their page once made.'),
    h(
      'div',
      { class: 'row' },
      field('Name', name, { name: 'name', hint: `As bylines show it, e.g. Ann Lee or Reuters; at most ${NAME_MAX} characters.` }),
      field('Slug', slug, { name: 'slug', hint: 'Part of their public page’s address: lower-case letters, digits and single hyphens. Empty: made from the name.' }),
    ),
    field('Job title', jobTitle, { name: 'job_title', hint: 'Optional, e.g. Asia correspondent or News agency.' }),
    alert,
    h('div', { class: 'buttons' }, button),
  );
  watchUnsaved(() => Boolean(name.value.trim() || slug.value.trim() || jobTitle.value.trim()));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, alert);
    button.disabled = true;
    try {
      /** @type {Schemas['CreateAuthorRequest']} */
      const body = { name: name.value.trim() };
      if (slug.value.trim()) body.slug = slug.value.trim();
      if (jobTitle.value.trim()) body.job_title = jobTitle.value.trim();
      /** @type {Author} */
      const created = (await api('POST', '/api/v1/authors', { body })).data;
      name.value = '';
      slug.value = '';
      jobTitle.value = '';
      toast(`Author ${created.name} created.`);
      // Ready for the next one while the list catches up.
      name.focus();
      await reload().catch((e) => toast(messageOf(e), 'error'));
    } catch (e) {
      showErrors(form, alert, onField(e), FIELD_NAMES);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** @type {import('../app.js').View} */
export async function authorView(main, params) {
  const editor = can(currentUser(), 'edit_authors');
  /** @type {[{data: Author}, Map<string, Person>, Author[]]} */
  const [first, people, everyone] = await Promise.all([
    api('GET', authorPath(params[0])),
    peopleById(),
    // Which account each author is linked to, so that the choice can say so; only for
    // those who may change it.
    editor ? all('/api/v1/authors', AUTHORS_CAP).catch(() => []) : Promise.resolve([]),
  ]);
  /** @type {Author} */
  let author = first.data;

  const name = h('input', { type: 'text', maxlength: NAME_MAX, required: true, autocomplete: 'off' });
  const slug = h('input', { type: 'text', maxlength: SLUG_MAX, pattern: SLUG_PATTERN, autocapitalize: 'none', spellcheck: 'false', autocomplete: 'off' });
  const jobTitle = h('input', { type: 'text', maxlength: JOB_TITLE_MAX, autocomplete: 'off' });
  const bio = h('textarea', { rows: 4, maxlength: BIO_MAX });
  const photoAlt = h('input', { type: 'text' });
  const photo = imageSource({
    urlLabel: 'Photo URL',
    url: null,
    assetId: null,
    urlName: 'photo.url',
    // An unknown library image, or neither URL nor image: said next to the chooser.
    errorName: 'photo',
    onChange: () => {},
    // The photo's own alt text wins; the library's fills it when left empty.
    onAsset: (asset) => { photoAlt.placeholder = asset?.alt ? `From the library: ${asset.alt}` : ''; },
  });
  const links = linksEditor(editor);
  const account = h('select');
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save changes');
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete author');
  const facts = h('p', { class: 'lead' });
  const publicLine = h('p', { class: 'muted' });

  /** The photo's caption and credit (not edited here) stay with the image they were read with. */
  /** @type {{url: string | null, asset_id: string | null, caption: string | null, credit: string | null}} */
  let photoKept = { url: null, asset_id: null, caption: null, credit: null };

  /** The choice of account: active people, and whoever is linked now even if deactivated. */
  function fillAccounts() {
    /** @type {Map<string, Author>} */
    const linkedTo = new Map();
    for (const a of everyone) if (a.user_id && a.id !== author.id) linkedTo.set(a.user_id, a);
    const choices = [...people.values()].filter((p) => p.active || p.id === author.user_id);
    replace(
      account,
      h('option', { value: '' }, 'No account'),
      choices.map((p) => {
        const other = linkedTo.get(p.id);
        const note = p.active ? (other ? ` (linked to the author “${other.name}”)` : '') : ' (deactivated)';
        return h('option', { value: p.id }, `${p.display_name}${note}`);
      }),
    );
    // A linked account this user cannot see among the people (none should be): said as such.
    if (author.user_id && !people.has(author.user_id)) account.append(h('option', { value: author.user_id }, 'An account not listed'));
    account.value = author.user_id ?? '';
  }

  function fill() {
    name.value = author.name;
    slug.value = author.slug;
    jobTitle.value = author.job_title ?? '';
    bio.value = author.bio ?? '';
    photo.set(author.photo?.url, author.photo?.asset_id);
    photoAlt.value = author.photo?.alt ?? '';
    photoKept = {
      url: author.photo?.url ?? null,
      asset_id: author.photo?.asset_id ?? null,
      caption: author.photo?.caption ?? null,
      credit: author.photo?.credit ?? null,
    };
    links.set(author.links);
    fillAccounts();
    shown = read();
    replace(facts, `Named in ${articles(author.article_count)} · version ${author.version} · changed ${when(author.updated_at)}`);
    const href = safeHref(publicPath(author.slug));
    replace(
      publicLine,
      'Public page: ',
      href ? h('a', { href }, publicPath(author.slug)) : publicPath(author.slug),
      ' (readers find it once a published article names them).',
    );
  }

  /**
   * What the form holds, as the API spells it; unsaved work is any difference from what
   * `fill` showed.
   */
  function read() {
    const text = (/** @type {HTMLInputElement | HTMLTextAreaElement} */ el) => el.value.trim() || null;
    const source = photo.read();
    const alt = text(photoAlt);
    const sameImage = source.url === photoKept.url && source.asset_id === photoKept.asset_id;
    // Alt text without an image is sent too: the API then says that the image is missing.
    const image = source.url || source.asset_id || alt
      ? { ...sourceFields(source), alt, ...(sameImage ? { caption: photoKept.caption, credit: photoKept.credit } : {}) }
      : null;
    return {
      name: name.value.trim(),
      slug: slug.value.trim(),
      job_title: text(jobTitle),
      bio: text(bio),
      photo: image,
      links: links.read(),
      user_id: account.value || null,
    };
  }
  /** @type {ReturnType<typeof read>} */
  let shown;
  if (editor) watchUnsaved(() => !same(read(), shown));

  const nameField = field('Name', name, { name: 'name', hint: editor ? 'As bylines show it: every article naming them shows the new name at once.' : '' });
  const form = h(
    'form',
    { class: 'author-form', novalidate: true },
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, 'Who they are'),
      nameField,
      field('Slug', slug, {
        name: 'slug',
        hint: editor ? 'Part of their public page’s address: lower-case letters, digits and single hyphens.' : 'Part of their public page’s address.',
      }),
      field('Job title', jobTitle, { name: 'job_title', hint: 'Optional, e.g. Asia correspondent or News agency.' }),
      field('Bio', bio, {
        name: 'bio',
        hint: `A few sentences for their public page, at most ${BIO_MAX} characters. It may hold links (<a href="https://…">…</a>), emphasis (<em>, <strong>) and line breaks (<br>); any other markup is removed.`,
      }),
    ),
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, 'Photo'),
      h('p', { class: 'hint' }, 'A portrait or logo for their page: choose one from the media library, or give the address of one hosted elsewhere. Optional.'),
      photo.element,
      field('Alt text', photoAlt, { name: 'photo.alt', hint: 'What the photo shows, for readers who cannot see it: usually their name.' }),
    ),
    links.element,
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, 'Newsroom account'),
      field('Linked account', account, {
        name: 'user_id',
        hint: 'The colleague this author is, if they sign in here (admins, editors and writers; one author per account). Articles naming this author are that person’s own: a writer may edit them as their own drafts, and a byline naming the account names this author. “No account” for freelancers and wire services.',
      }),
    ),
    alert,
    h('div', { class: 'buttons' }, editor ? save : null, editor ? remove : null, h('a', { class: 'button', href: '/admin/authors' }, 'Back to authors')),
  );
  if (!editor) {
    for (const el of form.querySelectorAll('input, textarea, select')) /** @type {HTMLInputElement} */ (el).disabled = true;
    photo.disable(true);
    // No controls to change the photo at all: choosing from the library is for editors.
    const photoButtons = photo.element.querySelector('.buttons');
    if (photoButtons instanceof HTMLElement) photoButtons.hidden = true;
  }

  async function reload() {
    author = (await api('GET', authorPath(author.id))).data;
    fill();
  }

  /**
   * Shows a refusal of the form: a stale author is reloaded first; an account another
   * author is linked to points to that author.
   * @param {unknown} e
   */
  async function refused(e) {
    if (e instanceof ApiError && e.status === 412) {
      await reload().catch(() => {});
      showErrors(form, alert, new Error(STALE));
      return;
    }
    if (e instanceof ApiError && e.code === 'author_has_articles') {
      // The count as it is now: the one on the page may be older.
      await reload().catch(() => {});
      showErrors(form, alert, new Error(namedBy(author.article_count)));
      return;
    }
    showErrors(form, alert, onField(e), FIELD_NAMES);
    if (e instanceof ApiError && e.code === 'user_linked') {
      const wanted = account.value;
      const other = await all('/api/v1/authors', AUTHORS_CAP).then(
        (list) => /** @type {Author[]} */ (list).find((a) => a.user_id === wanted && a.id !== author.id),
        () => undefined,
      );
      if (other) {
        alert.append(h('p', null, 'The author linked to it is: ', h('a', { href: authorPage(other.id) }, other.name), '.'));
      }
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!editor) return;
    clearErrors(form, alert);
    const now = read();
    /** @type {Schemas['UpdateAuthorRequest']} */
    const patch = {};
    for (const key of /** @type {Array<keyof typeof now>} */ (Object.keys(now))) {
      if (!same(now[key], shown[key])) /** @type {Record<string, unknown>} */ (patch)[key] = now[key];
    }
    if (Object.keys(patch).length === 0) {
      toast('Nothing to save.');
      return;
    }
    const before = author;
    save.disabled = true;
    try {
      author = (await api('PATCH', authorPath(author.id), { body: patch, ifMatch: etagOf(author) })).data;
      fill();
      const renamed = patch.name !== undefined && before.article_count > 0 ? ` ${articles(before.article_count)} now name “${author.name}”.` : '';
      toast(`Author saved.${renamed}`);
    } catch (e) {
      await refused(e);
    } finally {
      save.disabled = false;
    }
  });

  remove.addEventListener('click', async () => {
    clearErrors(form, alert);
    remove.disabled = true;
    try {
      await deleteAndLeave(
        `Delete the author “${author.name}”? Their page, bio, photo and links go. Only an author no article names (trashed ones too) can be deleted.`,
        authorPath(author.id),
        author,
        `Author ${author.name} deleted.`,
        '/admin/authors',
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
    h('p', { class: 'crumbs' }, h('a', { href: '/admin/authors' }, 'Authors')),
    h('h1', null, editor ? 'Edit author' : 'Author'),
    facts,
    publicLine,
    form,
  );
}

/**
 * The author's links: rows of a label and a URL, added and removed by buttons, at most
 * ten. Each row's fields are named as the API names them (`links[0].url`), so that its
 * errors are said next to them.
 * @param {boolean} editable
 */
function linksEditor(editable) {
  /** @type {Array<{label: HTMLInputElement, url: HTMLInputElement}>} */
  let rows = [];
  const list = h('div', { class: 'author-links' });
  const none = h('p', { class: 'muted' }, editable ? 'No links yet.' : 'No links.');
  const add = h('button', { type: 'button' }, 'Add link');
  const limit = h('small', { class: 'hint' });

  /** @param {Link} [link] */
  const row = (link) => ({
    label: h('input', { type: 'text', maxlength: 1000, autocomplete: 'off', value: link?.label ?? '' }),
    url: h('input', { type: 'url', maxlength: 2000, inputmode: 'url', spellcheck: 'false', autocomplete: 'off', value: link?.url ?? '' }),
  });

  /**
   * Draws the rows again (their numbers and names follow their places).
   * @param {HTMLElement | null} [focus] where the focus goes afterwards
   */
  function draw(focus) {
    replace(
      list,
      rows.length ? null : none,
      rows.map((r, i) => {
        // The names follow the places: errors from an earlier save no longer apply.
        r.label.removeAttribute('aria-invalid');
        r.url.removeAttribute('aria-invalid');
        return h(
          'fieldset',
          { class: 'link-row' },
          h('legend', null, `Link ${i + 1}`),
          h(
            'div',
            { class: 'row' },
            field('Label', r.label, { name: `links[${i}].label`, hint: i === 0 ? 'What readers see, e.g. Website, Mastodon.' : '' }),
            field('URL', r.url, { name: `links[${i}].url`, hint: i === 0 ? 'Starting with https:// or http://.' : '' }),
          ),
          editable
            ? h('button', {
              type: 'button',
              class: 'quiet danger',
              'aria-label': `Remove link ${i + 1}`,
              onclick: () => {
                rows.splice(i, 1);
                const next = rows[i] ?? rows[i - 1];
                draw(next ? next.label : add);
              },
            }, 'Remove')
            : null,
        );
      }),
    );
    add.disabled = rows.length >= LINKS_MAX;
    replace(limit, rows.length >= LINKS_MAX ? `That is the most an author may have: ${LINKS_MAX} links.` : `Up to ${LINKS_MAX} links.`);
    if (!editable) for (const el of list.querySelectorAll('input')) /** @type {HTMLInputElement} */ (el).disabled = true;
    focus?.focus();
  }

  add.addEventListener('click', () => {
    if (rows.length >= LINKS_MAX) return;
    const r = row();
    rows.push(r);
    draw(r.label);
  });

  const element = h(
    'fieldset',
    { class: 'card' },
    h('legend', null, 'Links'),
    h('p', { class: 'hint' }, 'Their website, profiles elsewhere, a contact address: shown on their public page.'),
    list,
    h('small', { class: 'error', 'data-error-for': 'links' }),
    editable ? h('div', { class: 'buttons' }, add, limit) : null,
  );
  return {
    element,
    /** Rows with a label or a URL; an empty row is left out. @returns {Link[]} */
    read: () => rows
      .map((r) => ({ label: r.label.value.trim(), url: r.url.value.trim() }))
      .filter((l) => l.label || l.url),
    /** @param {Link[]} next */
    set: (next) => {
      rows = next.map((l) => row(l));
      draw();
    },
  };
}
