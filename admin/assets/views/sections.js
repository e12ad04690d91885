// Sections: the whole tree, nested, with each section's slug; admins and editors add,
// edit, delete and reorder (everyone signed in reads). Sections are versioned: every
// change sends If-Match, and a 412 (someone changed it meanwhile) reloads the section
// and says so. A section that still holds articles or sub-sections cannot be deleted:
// the API's 409 message says which.

import { ApiError, all, api, currentUser, etagOf, same } from '../api.js';
import { field, h, replace, toast } from '../dom.js';
import { when } from '../dates.js';
import { clearErrors, messageOf, notAllowed, showErrors } from '../problems.js';
import { can } from '../roles.js';
import { deleteAndLeave, navigate, watchUnsaved } from '../app.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['SectionResponse']} Section */

const STALE = 'Someone else changed this section since you opened it. It has been reloaded with their changes: make yours again.';

/**
 * The children of `parent`, in the API's order: position, then id.
 * @param {Section[]} sections
 * @param {string | null} parent
 */
function childrenOf(sections, parent) {
  return sections
    .filter((s) => (s.parent_id ?? null) === parent)
    .sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Sections in tree order for pickers, each name indented by its depth.
 * @param {Section[]} sections
 * @param {string} [leaveOut] a section to leave out, with everything under it
 * @returns {Array<[string, string]>}
 */
export function sectionTree(sections, leaveOut) {
  /** @type {Array<[string, string]>} */
  const out = [];
  /** @param {string | null} parent @param {number} depth */
  const walk = (parent, depth) => {
    for (const s of childrenOf(sections, parent)) {
      if (s.id === leaveOut) continue;
      out.push([s.id, `${'\u2003'.repeat(depth)}${s.name}`]);
      // Sections nest 8 deep at most: deeper is a loop in the data.
      if (depth < 20) walk(s.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** @param {string} id */
const sectionPath = (id) => `/api/v1/sections/${encodeURIComponent(id)}`;

/** @type {import('../app.js').View} */
export async function sectionsView(main) {
  const editor = can(currentUser(), 'edit_sections');
  /** @type {Section[]} */
  let sections = await all('/api/v1/sections');
  const holder = h('div', { class: 'section-tree' });
  const status = h('p', { class: 'muted', 'aria-live': 'polite' });
  replace(
    main,
    h(
      'div',
      { class: 'title-row' },
      h('h1', null, 'Sections'),
      editor ? h('a', { class: 'button primary', href: '/admin/sections/new' }, 'New section') : null,
    ),
    h('p', { class: 'lead' }, editor ? 'The site’s sections as readers find them, in order. Move a section up or down among its siblings, or open it to change or delete it.' : 'The site’s sections, in order.'),
    status,
    holder,
  );
  draw();

  /** @param {{id: string, dir: string}} [focus] the button to keep the focus on */
  function draw(focus) {
    replace(status, sections.length ? `${sections.length} section${sections.length === 1 ? '' : 's'}.` : 'No sections yet.');
    replace(holder, branch(null, 0));
    if (focus) {
      const buttons = [...holder.querySelectorAll(`button[data-id="${CSS.escape(focus.id)}"]`)];
      const same = buttons.find((b) => b.getAttribute('data-dir') === focus.dir && !(/** @type {HTMLButtonElement} */ (b).disabled));
      /** @type {HTMLElement | undefined} */ (same ?? buttons.find((b) => !(/** @type {HTMLButtonElement} */ (b).disabled)))?.focus();
    }
  }

  /**
   * @param {string | null} parent
   * @param {number} depth
   * @returns {HTMLElement | null}
   */
  function branch(parent, depth) {
    const kids = childrenOf(sections, parent);
    if (!kids.length || depth > 8) return null;
    return h(
      'ul',
      { class: depth ? 'tree' : 'tree root' },
      kids.map((s, i) =>
        h(
          'li',
          null,
          h(
            'div',
            { class: 'node' },
            h(
              'div',
              { class: 'node-name' },
              editor ? h('a', { href: `/admin/sections/${encodeURIComponent(s.id)}` }, s.name) : h('strong', null, s.name),
              ' ',
              h('code', { class: 'slug' }, s.slug),
              s.description ? h('div', { class: 'muted small' }, s.description) : null,
            ),
            editor
              ? h(
                  'div',
                  { class: 'node-tools' },
                  moveButton(s, -1, i === 0),
                  moveButton(s, 1, i === kids.length - 1),
                  h('a', { class: 'button small', href: `/admin/sections/new?parent=${encodeURIComponent(s.id)}`, 'aria-label': `Add a sub-section to ${s.name}` }, '+ Sub-section'),
                )
              : null,
          ),
          branch(s.id, depth + 1),
        ),
      ),
    );
  }

  /**
   * @param {Section} s
   * @param {-1 | 1} step
   * @param {boolean} disabled
   */
  function moveButton(s, step, disabled) {
    const dir = step < 0 ? 'up' : 'down';
    return h(
      'button',
      { type: 'button', class: 'small', disabled, 'data-id': s.id, 'data-dir': dir, 'aria-label': `Move ${s.name} ${dir}`, title: `Move ${dir}`, onclick: () => move(s, step) },
      step < 0 ? '↑' : '↓',
    );
  }

  /**
   * Swaps a section with its neighbour, then numbers the siblings 0, 1, 2... so the
   * order holds even where positions were equal; only changed positions are sent.
   * @param {Section} s
   * @param {-1 | 1} step
   */
  async function move(s, step) {
    const siblings = childrenOf(sections, s.parent_id ?? null);
    const i = siblings.findIndex((x) => x.id === s.id);
    const j = i + step;
    const other = siblings[j];
    if (i < 0 || !other) return;
    siblings[i] = other;
    siblings[j] = s;
    for (const b of holder.querySelectorAll('button')) /** @type {HTMLButtonElement} */ (b).disabled = true;
    const dir = step < 0 ? 'up' : 'down';
    let moved = false;
    try {
      for (const [position, x] of siblings.entries()) {
        if (x.position === position) continue;
        /** @type {Section} */
        const saved = (await api('PATCH', sectionPath(x.id), { body: { position }, ifMatch: etagOf(x) })).data;
        sections = sections.map((y) => (y.id === saved.id ? saved : y));
      }
      moved = true;
    } catch (e) {
      const stale = e instanceof ApiError && e.status === 412;
      toast(stale ? 'Someone else changed the sections meanwhile; the list has been reloaded. Try again.' : messageOf(e), 'error');
      sections = await all('/api/v1/sections');
    }
    draw({ id: s.id, dir });
    if (moved) replace(status, `Moved ${s.name} ${dir}.`);
  }
}

/** @type {import('../app.js').View} */
export async function sectionView(main, params, query) {
  const editor = can(currentUser(), 'edit_sections');
  const id = params[0];
  if (!id && !editor) return notAllowed(main, 'New section');
  /** @type {Section[]} */
  let sections = await all('/api/v1/sections');
  /** @type {Section | null} */
  let section = id ? (await api('GET', sectionPath(id))).data : null;

  const name = h('input', { type: 'text', maxlength: 100, required: true });
  const slug = h('input', { type: 'text', maxlength: 120, pattern: '[a-z0-9]+(-[a-z0-9]+)*', autocapitalize: 'none', spellcheck: 'false' });
  const description = h('textarea', { rows: 3, maxlength: 1000 });
  const parent = h('select');
  const position = h('input', { type: 'number', min: 0, max: 1000000, step: 1, inputmode: 'numeric' });
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'primary' }, section ? 'Save changes' : 'Create section');
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete section');
  const facts = h('p', { class: 'lead' });

  /** Parents this section may take: not itself nor anything under it (a cycle). */
  function fillParents() {
    replace(parent, h('option', { value: '' }, 'None: a top-level section'), sectionTree(sections, section?.id).map(([value, label]) => h('option', { value }, label)));
  }

  function fill() {
    fillParents();
    name.value = section?.name ?? '';
    slug.value = section?.slug ?? '';
    description.value = section?.description ?? '';
    parent.value = section ? section.parent_id ?? '' : query.get('parent') ?? '';
    position.value = section ? String(section.position) : '';
    replace(facts, section ? `Version ${section.version} · changed ${when(section.updated_at)}` : '');
    shown = values();
  }

  /** What the form holds now; unsaved work is any difference from what `fill` showed. */
  const values = () => [name.value, slug.value, description.value, parent.value, position.value];
  /** @type {string[]} */
  let shown = [];
  if (editor) watchUnsaved(() => !same(values(), shown));

  const form = h(
    'form',
    { class: 'card form-narrow', novalidate: true },
    field('Name', name, { name: 'name' }),
    field('Slug', slug, {
      name: 'slug',
      hint: section ? 'Part of the section’s public address: changing it changes the address.' : 'Lower-case letters, digits and hyphens. Empty: made from the name.',
    }),
    field('Description', description, { name: 'description' }),
    field('Parent section', parent, { name: 'parent_id', hint: 'Sections nest at most 8 deep.' }),
    field('Position', position, {
      name: 'position',
      hint: section ? 'Order among its siblings, lowest first.' : 'Order among its siblings, lowest first. Empty: after the others.',
    }),
    alert,
    editor ? h('div', { class: 'buttons' }, save, section ? remove : null, h('a', { class: 'button', href: '/admin/sections' }, section ? 'Back to sections' : 'Cancel')) : null,
  );
  if (!editor) {
    for (const el of form.querySelectorAll('input, select, textarea')) /** @type {HTMLInputElement} */ (el).disabled = true;
  }

  async function reload() {
    if (!section) return;
    [sections, section] = await Promise.all([all('/api/v1/sections'), api('GET', sectionPath(section.id)).then((r) => r.data)]);
    fill();
  }

  /** @param {unknown} e */
  async function refused(e) {
    if (e instanceof ApiError && e.status === 412) {
      await reload();
      showErrors(form, alert, new Error(STALE));
    } else {
      showErrors(form, alert, e);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, alert);
    const desc = description.value.trim() || null;
    const parentId = parent.value || null;
    save.disabled = true;
    try {
      if (!section) {
        /** @type {Schemas['CreateSectionRequest']} */
        const body = { name: name.value.trim(), description: desc, parent_id: parentId };
        if (slug.value.trim()) body.slug = slug.value.trim();
        body.position = position.value.trim() === '' ? nextPosition(sections, parentId) : Number(position.value);
        /** @type {Section} */
        const created = (await api('POST', '/api/v1/sections', { body })).data;
        watchUnsaved(null);
        toast(`Section ${created.name} created.`);
        navigate('/admin/sections', { replace: true });
        return;
      }
      /** @type {Schemas['UpdateSectionRequest']} */
      const patch = {};
      if (name.value.trim() !== section.name) patch.name = name.value.trim();
      if (slug.value.trim() !== section.slug) patch.slug = slug.value.trim();
      if (desc !== (section.description ?? null)) patch.description = desc;
      if (parentId !== (section.parent_id ?? null)) patch.parent_id = parentId;
      if (position.value.trim() !== String(section.position)) patch.position = position.value.trim() === '' ? NaN : Number(position.value);
      if (Object.keys(patch).length === 0) {
        toast('Nothing to save.');
        return;
      }
      if (Number.isNaN(patch.position)) {
        showErrors(form, alert, new ApiError(422, { detail: 'Some fields need a change.', errors: [{ field: 'position', message: 'must be a whole number' }] }));
        return;
      }
      section = (await api('PATCH', sectionPath(section.id), { body: patch, ifMatch: etagOf(section) })).data;
      sections = sections.map((s) => (section && s.id === section.id ? section : s));
      fill();
      toast('Section saved.');
    } catch (e) {
      await refused(e);
    } finally {
      save.disabled = false;
    }
  });

  remove.addEventListener('click', async () => {
    if (!section) return;
    clearErrors(form, alert);
    remove.disabled = true;
    try {
      await deleteAndLeave(`Delete the section ${section.name}?`, sectionPath(section.id), section, `Section ${section.name} deleted.`, '/admin/sections');
    } catch (e) {
      await refused(e);
    } finally {
      remove.disabled = false;
    }
  });

  fill();
  replace(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '/admin/sections' }, 'Sections')),
    h('h1', null, section ? (editor ? 'Edit section' : 'Section') : 'New section'),
    facts,
    section && can(currentUser(), 'edit_articles')
      ? h('p', null, h('a', { href: `/admin/articles?section=${encodeURIComponent(section.id)}` }, 'Articles in this section'))
      : null,
    form,
  );
  if (editor && !section) name.focus();
}

/**
 * A position after every sibling under `parent`.
 * @param {Section[]} sections
 * @param {string | null} parent
 */
function nextPosition(sections, parent) {
  const kids = childrenOf(sections, parent);
  return kids.length ? Math.min(1000000, Math.max(...kids.map((s) => s.position)) + 1) : 0;
}
