// Sponsored blocks: the list (status and placement filters kept in the address, keyset
// paging) and the editor (every field; label and disclosure are required; targeting by
// section and article; saving with If-Match), with the block's revisions and its daily
// impressions and clicks. Commercial users and admins edit; editors read.

import { ApiError, all, api, changedFields, currentUser, same } from '../api.js';
import { badge, field, h, replace } from '../dom.js';
import { fromLocalInput, localZone, runState, toLocalInput, when, windowText } from '../dates.js';
import { apiPages, filterSelect, filters, pager } from '../lists.js';
import { clearErrors, messageOf, notAllowed, showConflict, showErrors } from '../problems.js';
import { can } from '../roles.js';
import { blockEditor } from '../blocks.js';
import { sectionTree } from './sections.js';
import { deleteAndLeave, saveItem, watchUnsaved } from '../app.js';
import { statsChart } from '../chart.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {import('../api.js').User} User */
/** @typedef {Schemas['SponsoredResponse']} Sponsored */
/** @typedef {Schemas['CreateSponsoredRequest']} CreateSponsored */
/** @typedef {Schemas['UpdateSponsoredRequest']} UpdateSponsored */
/** @typedef {Schemas['SponsoredRevisionResponse']} Revision */
/**
 * What the form edits, as the API spells it.
 * @typedef {{title: string, sponsor_name: string, label: string, disclosure: string,
 *   body: Schemas['SponsoredBodyBlock'][], cta: Schemas['Cta'] | null, logo_url: string | null,
 *   placement: Schemas['Placement'], section_ids: string[], article_ids: string[],
 *   starts_at: string | null, ends_at: string | null, status: Schemas['SponsoredStatus']}} Content
 */

/** @type {Array<[Schemas['Placement'], string]>} */
export const PLACEMENTS = [
  ['article_inline', 'Inside articles'],
  ['article_footer', 'Below articles'],
  ['section_front', 'Section fronts'],
  ['sidebar', 'Sidebar'],
];
/** @type {Array<[Schemas['SponsoredStatus'], string]>} */
const STATUSES = [
  ['draft', 'Draft (not running)'],
  ['active', 'Active (runs during its flight)'],
  ['paused', 'Paused'],
];
/** @type {Record<keyof Content, string>} */
const FIELD_NAMES = {
  title: 'Title', sponsor_name: 'Sponsor', label: 'Label', disclosure: 'Disclosure', body: 'Body', cta: 'Call to action',
  logo_url: 'Logo URL', placement: 'Placement', section_ids: 'Sections', article_ids: 'Articles', starts_at: 'Starts',
  ends_at: 'Ends', status: 'Status',
};
const FIELDS = /** @type {Array<keyof Content>} */ (Object.keys(FIELD_NAMES));

/** @param {string} value */
export const placementName = (value) => PLACEMENTS.find(([p]) => p === value)?.[1] ?? value;

/** @param {HTMLElement} main */
const refused = (main) => notAllowed(main, 'Sponsored blocks', 'Your role does not see sponsored blocks.');

// --- The list ----------------------------------------------------------------------

const LIST_HEADINGS = ['Title', 'Now', 'Placement', 'Flight', 'Runs on'];

/** @type {import('../app.js').View} */
export async function sponsoredListView(main, _params, query) {
  const user = /** @type {User} */ (currentUser());
  if (!can(user, 'read_sponsored')) return refused(main);
  /** @type {Map<string, string>} */
  const sectionNames = new Map((await all('/api/v1/sections')).map((/** @type {Schemas['SectionResponse']} */ x) => [x.id, x.name]));
  const filter = filters('Filter sponsored blocks', '/admin/sponsored', query, [
    filterSelect('Status', 'status', [['', 'Any status'], ...STATUSES.map(([v]) => /** @type {[string, string]} */ ([v, v]))], query),
    filterSelect('Placement', 'placement', [['', 'Any placement'], ...PLACEMENTS], query),
  ]);

  const rows = h('tbody');
  const list = pager(
    /** @type {import('../lists.js').PageOf<Schemas['SponsoredPage']>} */ (apiPages('/api/v1/sponsored', () => filter.current)),
    (items) => {
      for (const b of items) {
        rows.append(
          h(
            'tr',
            null,
            h('td', null, h('a', { href: `/admin/sponsored/${encodeURIComponent(b.id)}` }, b.title), h('div', { class: 'muted small' }, b.sponsor_name)),
            // data-label names each cell where a phone stacks the rows as cards (app.css).
            h('td', { 'data-label': LIST_HEADINGS[1] }, h('span', null, badge(runState(b)))),
            h('td', { 'data-label': LIST_HEADINGS[2] }, placementName(b.placement)),
            h('td', { 'data-label': LIST_HEADINGS[3] }, windowText(b.starts_at, b.ends_at)),
            h('td', { 'data-label': LIST_HEADINGS[4] }, targetsText(b, sectionNames)),
          ),
        );
      }
    },
    { one: 'sponsored block', none: 'No sponsored blocks match.' },
  );
  replace(
    main,
    h(
      'div',
      { class: 'title-row' },
      h('h1', null, 'Sponsored blocks'),
      can(user, 'edit_sponsored') ? h('a', { class: 'button primary', href: '/admin/sponsored/new' }, 'New sponsored block') : null,
    ),
    filter.form,
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

/**
 * Where a block runs, in words: the sections by name, the articles counted.
 * @param {{section_ids: string[], article_ids: string[]}} b
 * @param {Map<string, string>} sectionNames
 */
function targetsText(b, sectionNames) {
  const parts = b.section_ids.map((sid) => sectionNames.get(sid) ?? 'a removed section');
  if (b.article_ids.length) parts.push(`${b.article_ids.length} article${b.article_ids.length === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'everywhere';
}

// --- The editor ----------------------------------------------------------------------

/** @type {import('../app.js').View} */
export async function sponsoredEditorView(main, params) {
  const user = /** @type {User} */ (currentUser());
  if (!can(user, 'read_sponsored')) return refused(main);
  const id = params[0];
  const editable = can(user, 'edit_sponsored');
  // The API gives impressions and clicks to the roles that edit blocks (admins and the
  // commercial team); an editor reading a block would only meet a 403.
  const mayReadStats = editable;
  if (!id && !editable) return notAllowed(main, 'New sponsored block', 'Only the commercial team and admins create sponsored blocks.');
  const path = id ? `/api/v1/sponsored/${encodeURIComponent(id)}` : '';
  const [sections, loaded] = await Promise.all([all('/api/v1/sections'), id ? api('GET', path) : null]);
  /** @type {Sponsored | null} */
  let block = loaded?.data ?? null;

  // --- the fields ---
  const title = h('input', { type: 'text', required: true, 'aria-required': 'true', class: 'headline' });
  const sponsor = h('input', { type: 'text', required: true, 'aria-required': 'true', autocomplete: 'organization' });
  // No placeholders here: a grey example in an empty required field reads as filled in.
  const label = h('input', { type: 'text', required: true, 'aria-required': 'true', maxlength: 60 });
  const disclosure = h('textarea', { rows: 2, required: true, 'aria-required': 'true', maxlength: 300 });
  const bodyHolder = h('div');
  const ctaText = h('input', { type: 'text' });
  const ctaUrl = h('input', { type: 'url', inputmode: 'url', placeholder: 'https://' });
  const logoUrl = h('input', { type: 'url', inputmode: 'url', placeholder: 'https://' });
  const status = h('select', null, STATUSES.map(([v, text]) => h('option', { value: v }, text)));
  const placement = h('select', null, PLACEMENTS.map(([v, text]) => h('option', { value: v }, text)));
  const startsAt = h('input', { type: 'datetime-local' });
  const endsAt = h('input', { type: 'datetime-local' });
  const sectionItems = sectionTree(sections).map(([sid, name]) => ({ box: h('input', { type: 'checkbox', value: sid }), name }));
  const sectionBoxes = sectionItems.map((item) => item.box);
  const sectionList = h(
    'fieldset',
    { class: 'checks', 'data-field': 'section_ids', 'aria-describedby': 'sections-error' },
    h('legend', null, 'Sections'),
    sectionItems.length
      ? h('ul', { class: 'plain' }, sectionItems.map(({ box, name }) => h('li', null, h('label', { class: 'check' }, box, ` ${name}`))))
      : h('p', { class: 'muted' }, 'No sections yet.'),
    h('small', { id: 'sections-error', class: 'error', 'data-error-for': 'section_ids' }),
  );
  const articles = articlePicker(user);
  /** @type {ReturnType<typeof blockEditor>} */
  let body;

  /** @param {Sponsored | null} b */
  function fill(b) {
    title.value = b?.title ?? '';
    sponsor.value = b?.sponsor_name ?? '';
    label.value = b?.label ?? '';
    disclosure.value = b?.disclosure ?? '';
    ctaText.value = b?.cta?.text ?? '';
    ctaUrl.value = b?.cta?.url ?? '';
    logoUrl.value = b?.logo_url ?? '';
    status.value = b?.status ?? 'draft';
    placement.value = b?.placement ?? 'article_inline';
    startsAt.value = toLocalInput(b?.starts_at);
    endsAt.value = toLocalInput(b?.ends_at);
    const chosen = new Set(b?.section_ids ?? []);
    for (const box of sectionBoxes) box.checked = chosen.has(box.value);
    articles.set(b?.article_ids ?? []);
    body = blockEditor(b?.body ?? [], { polls: [], sponsored: [], mayEmbed: false }, onEdit);
    replace(bodyHolder, body.element);
    if (!editable) {
      if (!b?.body.length) bodyHolder.append(h('p', { class: 'muted' }, 'No body.'));
      for (const el of form.querySelectorAll('input, select, textarea, button')) /** @type {HTMLInputElement} */ (el).disabled = true;
      for (const el of form.querySelectorAll('[contenteditable]')) el.setAttribute('contenteditable', 'false');
    }
  }

  /** @returns {Content} */
  function read() {
    const cta = ctaText.value.trim() || ctaUrl.value.trim() ? { text: ctaText.value.trim(), url: ctaUrl.value.trim() } : null;
    return {
      title: title.value.trim(),
      sponsor_name: sponsor.value.trim(),
      label: label.value.trim(),
      disclosure: disclosure.value.trim(),
      // The editor offers no poll or sponsored blocks here (mayEmbed is false).
      body: /** @type {Schemas['SponsoredBodyBlock'][]} */ (body.read()),
      cta,
      logo_url: logoUrl.value.trim() || null,
      placement: /** @type {Schemas['Placement']} */ (placement.value),
      section_ids: sectionBoxes.filter((b) => b.checked).map((b) => b.value),
      article_ids: articles.read(),
      starts_at: fromLocalInput(startsAt.value),
      ends_at: fromLocalInput(endsAt.value),
      status: /** @type {Schemas['SponsoredStatus']} */ (status.value),
    };
  }

  const statusLine = h('p', { class: 'status-line', 'aria-live': 'polite' });
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const saveButton = h('button', { type: 'submit', class: 'primary', hidden: !editable }, block ? 'Save' : 'Create sponsored block');
  const deleteButton = h('button', { type: 'button', class: 'danger', hidden: !editable || !block, onclick: () => remove() }, 'Delete');
  const zoneHint = `Your time zone: ${localZone}.`;

  const form = h(
    'form',
    { class: editable ? 'editor' : 'editor readonly', novalidate: true },
    h(
      'div',
      { class: 'editor-main' },
      field('Title (required)', title, { name: 'title' }),
      field('Sponsor (required)', sponsor, { name: 'sponsor_name', hint: 'Who paid for it, as readers will see it.' }),
      h(
        'fieldset',
        { class: 'card disclosure' },
        h('legend', null, 'Labelling'),
        h('p', { class: 'muted small' }, 'Readers always see the label and the disclosure with the block; both are required.'),
        field('Label (required)', label, { name: 'label', hint: 'Up to 60 characters, e.g. “Sponsored content”.' }),
        field('Disclosure (required)', disclosure, { name: 'disclosure', hint: 'Up to 300 characters, e.g. “This content was commissioned by …”.' }),
      ),
      h('h2', { class: 'sub', id: 'body-heading' }, 'Body'),
      h('div', { class: 'field' }, bodyHolder, h('small', { class: 'error', 'data-error-for': 'body' })),
    ),
    h(
      'div',
      { class: 'editor-side' },
      h(
        'div',
        { class: 'card' },
        statusLine,
        formError,
        field('Status', status, { name: 'status' }),
        h('div', { class: 'buttons' }, saveButton, deleteButton),
      ),
      h(
        'fieldset',
        { class: 'card' },
        h('legend', null, 'Flight'),
        field('Starts', startsAt, { name: 'starts_at', hint: `Empty: as soon as it is active. ${zoneHint}` }),
        field('Ends', endsAt, { name: 'ends_at', hint: `It stops at this time; empty: no end. ${zoneHint}` }),
      ),
      h(
        'fieldset',
        { class: 'card' },
        h('legend', null, 'Placement and targeting'),
        field('Placement', placement, { name: 'placement', hint: 'Where on a page it runs.' }),
        h('p', { class: 'muted small' }, 'Runs on the sections (with their sub-sections and articles) and the articles chosen; with none chosen, everywhere.'),
        sectionList,
        articles.element,
      ),
      h(
        'fieldset',
        { class: 'card' },
        h('legend', null, 'Call to action'),
        field('Button text', ctaText, { name: 'cta.text', hint: 'Leave both empty for no button.' }),
        field('Button link', ctaUrl, { name: 'cta.url' }),
        field('Logo URL', logoUrl, { name: 'logo_url', hint: 'The sponsor’s logo (https).' }),
      ),
    ),
  );

  const revisions = h('section', { class: 'card', 'aria-labelledby': 'revisions-heading' });
  const stats = h('section', { class: 'card', 'aria-labelledby': 'stats-heading' });
  const heading = h('h1', null, !block ? 'New sponsored block' : editable ? 'Edit sponsored block' : 'Sponsored block');
  replace(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '/admin/sponsored' }, 'Sponsored blocks')),
    h('div', { class: 'title-row' }, heading),
    !editable ? h('p', { class: 'banner' }, 'You can read this block; the commercial team and admins change it.') : null,
    form,
    block && mayReadStats ? stats : null,
    block ? revisions : null,
  );
  fill(block);
  /** @type {Content} */
  let base = read();
  showStatus();
  if (block) {
    if (mayReadStats) loadStats();
    loadRevisions();
  }
  if (!block) title.focus();

  function onEdit() {
    showStatus();
  }
  form.addEventListener('input', onEdit);
  form.addEventListener('change', onEdit);
  watchUnsaved(dirty);

  function dirty() {
    return editable && !same(base, read());
  }

  function showStatus() {
    if (!block) {
      replace(statusLine, 'Not saved yet.');
      return;
    }
    replace(statusLine, badge(runState(block)), ` · version ${block.version}`, dirty() ? ' · unsaved changes' : ' · saved');
  }

  // --- saving ---
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!editable) return;
    clearErrors(form, formError);
    const now = read();
    saveButton.disabled = true;
    try {
      // Typed here so that the form's fields are checked against the contract.
      /** @type {CreateSponsored & UpdateSponsored} */
      const body = now;
      const saved = await saveItem({ collection: '/api/v1/sponsored', page: '/admin/sponsored', item: block, fields: FIELDS, base, now: body, created: 'Sponsored block created.' });
      if (saved) {
        adopt(saved);
        loadRevisions();
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 412 && block) {
        await reloadAfterConflict(changedFields(FIELDS, base, now).map((f) => FIELD_NAMES[f]));
      } else {
        showErrors(form, formError, e, FIELD_NAMES);
      }
    } finally {
      saveButton.disabled = false;
    }
  });

  /** @param {Sponsored} fresh */
  function adopt(fresh) {
    block = fresh;
    fill(fresh);
    base = read();
    showStatus();
  }

  /**
   * Someone saved the block since it was loaded: say so, and show their version.
   * @param {string[]} lost the fields whose changes were not saved
   */
  async function reloadAfterConflict(lost) {
    /** @type {Sponsored} */
    const current = (await api('GET', path)).data;
    adopt(current);
    showConflict(formError, 'this block', current, lost);
    loadRevisions();
  }

  async function remove() {
    if (!block) return;
    clearErrors(form, formError);
    try {
      await deleteAndLeave(`Delete “${block.title}”? This cannot be undone.`, path, block, 'Sponsored block deleted.', '/admin/sponsored');
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        await reloadAfterConflict([]);
      } else if (e instanceof ApiError && e.status === 409) {
        replace(formError, h('p', null, e.message), h('p', null, 'To take it off the site, set its status to Paused and save.'));
      } else {
        showErrors(form, formError, e, FIELD_NAMES);
      }
    }
  }

  // --- stats and revisions ---
  async function loadStats() {
    const refresh = h('button', { type: 'button', onclick: () => loadStats() }, 'Refresh');
    const head = h('div', { class: 'title-row' }, h('h2', { id: 'stats-heading' }, 'Impressions and clicks'), refresh);
    replace(stats, head, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const { data } = await api('GET', `${path}/stats`);
      replace(stats, head, statsChart(data));
    } catch (e) {
      replace(stats, head, h('p', { class: 'form-error' }, messageOf(e)));
    }
  }

  /** Who saved: revisions name only an id, and only admins may look users up. */
  /** @type {Map<string, string>} */
  const people = new Map();
  async function loadRevisions() {
    const head = h('h2', { id: 'revisions-heading' }, 'Revisions');
    try {
      if (can(user, 'manage_users') && people.size === 0) {
        for (const u of await all('/api/v1/users')) people.set(u.id, u.display_name);
      }
      /** @type {Revision[]} */
      const items = (await api('GET', `${path}/revisions`)).data.items;
      replace(
        revisions,
        head,
        h('p', { class: 'muted small' }, 'Every save is kept, newest first.'),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'revisions' },
            h('thead', null, h('tr', null, ['Revision', 'Status', 'What readers see'].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              null,
              items.map((r) =>
                h(
                  'tr',
                  null,
                  h(
                    'td',
                    null,
                    h('strong', null, `#${r.number} ${r.note}`),
                    h('div', { class: 'muted small' }, when(r.created_at)),
                    h('div', { class: 'muted small' }, `by ${r.created_by === user.id ? 'you' : people.get(r.created_by) ?? 'another user'}`),
                  ),
                  h('td', null, r.status),
                  h('td', null, h('strong', null, r.title), h('div', null, h('span', { class: 'badge' }, r.label)), h('div', { class: 'small' }, r.disclosure)),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      replace(revisions, head, h('p', { class: 'form-error' }, messageOf(e)));
    }
  }
}

/**
 * Chooses articles to target: a search over headlines (the editorial list for roles
 * that read it; the public, published list for the commercial team, who may not read
 * unpublished work) and the chosen ones, by headline, each removable. Keeps ids.
 * @param {User} user
 */
function articlePicker(user) {
  const editorial = can(user, 'edit_articles');
  /** @type {string[]} */
  let chosen = [];
  /** @type {Map<string, string>} */
  const headlines = new Map();
  const search = h('input', { type: 'search', id: 'article-search', placeholder: 'Headline words' });
  const button = h('button', { type: 'button', onclick: () => find() }, 'Search');
  const results = h('ul', { class: 'plain picks', 'aria-label': 'Articles found' });
  const found = h('p', { class: 'muted small', 'aria-live': 'polite' });
  const list = h('ul', { class: 'plain picks', 'aria-label': 'Chosen articles' });
  const error = h('small', { id: 'articles-error', class: 'error', 'data-error-for': 'article_ids' });
  search.addEventListener('keydown', (event) => {
    // Enter searches instead of submitting the whole form.
    if (event.key === 'Enter') {
      event.preventDefault();
      find();
    }
  });

  const element = h(
    'fieldset',
    { class: 'checks articles', 'data-field': 'article_ids', 'aria-describedby': 'articles-error' },
    h('legend', null, 'Articles'),
    list,
    h(
      'div',
      { class: 'field article-search' },
      h('label', { for: 'article-search' }, 'Find an article'),
      h('div', { class: 'search-row' }, search, button),
      h('small', { class: 'hint' }, editorial ? 'Searches every article.' : 'Searches published articles.'),
    ),
    found,
    results,
    error,
  );

  function draw() {
    replace(
      list,
      chosen.length
        ? chosen.map((aid) =>
            h(
              'li',
              null,
              h('span', null, headlines.get(aid) ?? 'Loading…'),
              h('button', { type: 'button', class: 'quiet', 'aria-label': `Remove ${headlines.get(aid) ?? 'article'}`, onclick: () => { chosen = chosen.filter((x) => x !== aid); draw(); changed(); } }, 'Remove'),
            ),
          )
        : h('li', { class: 'muted' }, 'No articles chosen.'),
    );
  }
  function changed() {
    element.dispatchEvent(new Event('change', { bubbles: true }));
  }

  async function find() {
    const q = search.value.trim();
    const params = new URLSearchParams({ limit: '10' });
    if (q) params.set('q', q);
    button.disabled = true;
    replace(found, 'Searching…');
    try {
      const { data } = await api('GET', `${editorial ? '/api/v1/articles' : '/api/v1/public/articles'}?${params}`);
      /** @type {Array<{id: string, headline: string}>} */
      const items = data.items;
      for (const a of items) headlines.set(a.id, a.headline);
      replace(found, items.length ? `${items.length} found.` : 'No article matches.');
      replace(
        results,
        items.map((a) =>
          h(
            'li',
            null,
            h('span', null, a.headline),
            h('button', {
              type: 'button',
              class: 'quiet',
              disabled: chosen.includes(a.id),
              'aria-label': `Add ${a.headline}`,
              onclick: (/** @type {Event} */ event) => {
                if (!chosen.includes(a.id)) chosen = [...chosen, a.id];
                /** @type {HTMLButtonElement} */ (event.currentTarget).disabled = true;
                draw();
                changed();
              },
            }, 'Add'),
          ),
        ),
      );
    } catch (e) {
      replace(found, messageOf(e));
    } finally {
      button.disabled = false;
    }
  }

  /** Headlines of chosen ids not seen in a search: unpublished work is not public. */
  async function resolve() {
    const missing = chosen.filter((aid) => !headlines.has(aid));
    await Promise.all(
      missing.map(async (aid) => {
        try {
          const { data } = await api('GET', `${editorial ? '/api/v1/articles' : '/api/v1/public/articles'}/${encodeURIComponent(aid)}`);
          headlines.set(aid, data.headline);
        } catch {
          headlines.set(aid, `An unpublished or removed article (${aid})`);
        }
      }),
    );
    draw();
  }

  return {
    element,
    read: () => [...chosen],
    /** @param {string[]} ids */
    set(ids) {
      chosen = [...ids];
      draw();
      if (chosen.some((aid) => !headlines.has(aid))) resolve();
    },
  };
}
