// The media library: a grid of the images uploaded (search and "uploaded by" kept in the
// address, "More" paging), uploading by drop or file button, and an image's page: its
// facts, its text (alt, caption, credit, file name) saved with If-Match, its focal point
// set by clicking the preview, and deleting it unless an article still uses it.

import { ApiError, api, changedFields, currentUser } from '../api.js';
import { field, h, replace } from '../dom.js';
import { when } from '../dates.js';
import { escapeText, plainText } from '../inline.js';
import { richText } from '../blocks.js';
import { apiPages, filterSelect, filters, pager } from '../lists.js';
import { clearErrors, showConflict, showErrors } from '../problems.js';
import { dimensions, forget, mayEditAsset, remember, renditionUrl, sizeText, thumbnail, uploader } from '../media.js';
import { deleteAndLeave, saveItem, watchUnsaved } from '../app.js';

/** @typedef {import('../media.js').Asset} Asset */
/** @typedef {import('../media.js').Point} Point */
/**
 * What the image's form edits, as the API spells it.
 * @typedef {{file_name: string, alt: string | null, caption: string | null, credit: string | null, focal_point: Point}} Content
 */

/** @type {Record<keyof Content, string>} */
const FIELD_NAMES = { file_name: 'File name', alt: 'Alt text', caption: 'Caption', credit: 'Credit', focal_point: 'Focal point' };
const FIELDS = /** @type {Array<keyof Content>} */ (Object.keys(FIELD_NAMES));

/** @param {Asset} asset */
function tile(asset) {
  remember(asset);
  return h(
    'li',
    { 'data-id': asset.id },
    h(
      'a',
      { class: 'tile', href: `/admin/media/${encodeURIComponent(asset.id)}` },
      // The file name beside it names the link; the image itself adds nothing to read.
      h('span', { class: 'tile-image' }, thumbnail(asset, { alt: '' })),
      h('span', { class: 'tile-name' }, asset.file_name),
      h('span', { class: 'tile-meta' }, `${dimensions(asset)} · ${sizeText(asset.bytes)}`),
    ),
  );
}

/** @type {import('../app.js').View} */
export async function mediaView(main, _params, query) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  const q = h('input', { type: 'search', name: 'q', value: query.get('q') ?? '', autocomplete: 'off', placeholder: 'File name, alt text, caption, credit' });
  const { form, current } = filters(
    'Search the library',
    '/admin/media',
    query,
    [
      field('Search', q),
      filterSelect('Uploaded by', 'uploaded_by', [['', 'Anyone'], [user.id, 'Me']], query),
    ],
    'Search',
  );
  form.classList.add('media-filters');
  const grid = h('ul', { class: 'media-grid', 'aria-label': 'Images' });
  const list = pager(
    /** @type {import('../lists.js').PageOf<import('../media.js').AssetPage>} */ (apiPages('/api/v1/media', () => current, 24)),
    (items, first) => {
      if (first) replace(grid);
      grid.append(...items.map(tile));
    },
    { one: 'image', none: current.size ? 'No images match.' : 'No images yet: upload the first.' },
  );
  const uploads = uploader({
    links: true,
    onUploaded: (asset) => {
      // Newest first, as the list is: a file already there moves to the top.
      grid.querySelector(`[data-id="${CSS.escape(asset.id)}"]`)?.remove();
      grid.prepend(tile(asset));
      // "No images yet" is no longer true, and a count would be out of date.
      replace(list.count);
    },
  });
  replace(
    main,
    h('div', { class: 'title-row' }, h('h1', null, 'Media')),
    h('p', { class: 'lead' }, 'The images articles use. Uploads are checked by the server: their place and camera details are removed.'),
    uploads,
    form,
    list.count,
    grid,
    list.more,
  );
  await list.load(null);
}

/** @type {import('../app.js').View} */
export async function assetView(main, params) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  const path = `/api/v1/media/${encodeURIComponent(params[0] ?? '')}`;
  /** @type {Asset} */
  let asset = remember((await api('GET', path)).data);
  const editable = mayEditAsset(user, asset);

  const fileName = h('input', { type: 'text', required: true, 'aria-required': 'true', maxlength: 255 });
  const alt = h('input', { type: 'text' });
  /** @type {ReturnType<typeof richText>} */
  let caption;
  const captionHolder = h('div');
  const credit = h('input', { type: 'text' });
  /** @type {Point} */
  let point = { x: 0.5, y: 0.5 };
  const across = h('input', { type: 'number', min: 0, max: 100, step: 0.1, inputmode: 'decimal' });
  const down = h('input', { type: 'number', min: 0, max: 100, step: 0.1, inputmode: 'decimal' });

  // The preview: the image at the column's width (WebP from its srcset), the focal
  // point drawn over it where CSS custom properties put it.
  const preview = h('img', { class: 'focal-image', alt: '', sizes: '(max-width: 820px) 100vw, 60vw', draggable: 'false' });
  const marker = h('span', { class: 'focal-marker', 'aria-hidden': 'true' });
  const frame = h('div', { class: `focal-frame${editable ? ' editable' : ''}` }, preview, marker);
  const crops = h('div', { class: 'crops' });
  const noPreview = h('p', { class: 'banner', hidden: true }, 'The server offers no preview of this image.');
  const facts = h('dl', { class: 'facts' });

  /** @param {Point} p */
  function setPoint(p) {
    const clamp = (/** @type {number} */ v) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
    point = { x: clamp(p.x), y: clamp(p.y) };
    frame.style.setProperty('--fx', String(point.x));
    frame.style.setProperty('--fy', String(point.y));
    across.value = String(Math.round(point.x * 1000) / 10);
    down.value = String(Math.round(point.y * 1000) / 10);
  }

  if (editable) {
    frame.addEventListener('click', (event) => {
      const box = preview.getBoundingClientRect();
      if (!box.width || !box.height) return;
      setPoint({ x: (event.clientX - box.left) / box.width, y: (event.clientY - box.top) / box.height });
      changed();
    });
    for (const input of [across, down]) {
      input.addEventListener('change', () => {
        const x = Number(across.value);
        const y = Number(down.value);
        setPoint({ x: Number.isFinite(x) ? x / 100 : point.x, y: Number.isFinite(y) ? y / 100 : point.y });
        changed();
      });
    }
  }

  /** @param {Asset} a */
  function fill(a) {
    fileName.value = a.file_name;
    alt.value = a.alt ?? '';
    caption = richText(a.caption ?? '', 'Caption', changed);
    replace(captionHolder, h('span', { class: 'label' }, 'Caption'), caption.element);
    credit.value = plainText(a.credit);
    setPoint(a.focal_point ?? { x: 0.5, y: 0.5 });
    const r = a.renditions;
    frame.hidden = !r;
    noPreview.hidden = Boolean(r);
    const webp = r?.sources.find((s) => s.type === 'image/webp');
    if (webp) preview.srcset = webp.srcset;
    if (r) preview.src = r.url;
    preview.alt = a.alt ?? '';
    preview.width = a.width;
    preview.height = a.height;
    // The frame is as wide as the column, or narrower for a tall image, whose
    // preview would otherwise run far below the fold.
    frame.style.setProperty('--aspect', String(a.width / a.height));
    replace(
      facts,
      [
        ['Dimensions', `${dimensions(a)} pixels`],
        ['Type', a.content_type],
        ['Size', sizeText(a.bytes)],
        ['Uploaded by', a.uploaded_by.display_name],
        ['Uploaded', when(a.created_at)],
        ['Changed', when(a.updated_at)],
      ].map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
      r ? [h('dt', null, 'Full size'), h('dd', null, h('a', { href: r.url, target: '_blank', rel: 'noopener' }, `Open the image (${r.width} × ${r.height})`))] : null,
    );
    replace(
      crops,
      // Widest first, as 16:9, 3:2, 4:3, 1:1, rather than in the order of their names.
      Object.entries(r?.crops ?? {}).sort(([, p], [, q]) => q.width / q.height - p.width / p.height).map(([ratio, rendition]) =>
        h('figure', { class: 'crop' }, h('a', { href: renditionUrl(rendition, 960), target: '_blank', rel: 'noopener' }, thumbnail(a, { rendition, alt: `Cropped to ${ratio}` })), h('figcaption', null, ratio)),
      ),
    );
  }

  /** @returns {Content} */
  function read() {
    const text = (/** @type {HTMLInputElement} */ el) => el.value.trim() || null;
    return {
      file_name: fileName.value.trim(),
      alt: text(alt),
      caption: caption.read() || null,
      credit: credit.value.trim() ? escapeText(credit.value.trim()) : null,
      focal_point: point,
    };
  }

  const statusLine = h('p', { class: 'status-line', 'aria-live': 'polite' });
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const saveButton = h('button', { type: 'submit', class: 'primary', hidden: !editable }, 'Save');
  const deleteButton = h('button', { type: 'button', class: 'danger', hidden: !editable, onclick: () => remove() }, 'Delete image');
  const centre = h('button', { type: 'button', onclick: () => { setPoint({ x: 0.5, y: 0.5 }); changed(); } }, 'Centre');
  const form = h(
    'form',
    { class: `editor media-editor${editable ? '' : ' readonly'}`, novalidate: true },
    h(
      'div',
      { class: 'editor-main' },
      noPreview,
      h('figure', { class: 'focal' }, frame, h('figcaption', { class: 'hint' }, editable ? 'Click the image where crops should centre: its focal point.' : 'The ring marks the focal point: crops centre on it.')),
      h(
        'fieldset',
        { class: 'focal-fields', 'data-field': 'focal_point' },
        h('legend', null, 'Focal point'),
        field('Across (%)', across),
        field('Down (%)', down),
        h('div', { class: 'field field-button' }, centre),
      ),
      h('small', { class: 'error', 'data-error-for': 'focal_point' }),
      h(
        'fieldset',
        { class: 'card' },
        h('legend', null, 'Text'),
        field('Alt text', alt, { name: 'alt', hint: 'What the image shows, for readers who cannot see it. Articles may give their own.' }),
        h('div', { class: 'field' }, captionHolder, h('small', { class: 'error', 'data-error-for': 'caption' })),
        field('Credit', credit, { name: 'credit', hint: 'e.g. Photo: A. Sato' }),
        field('File name', fileName, { name: 'file_name' }),
      ),
      h('section', { class: 'card', 'aria-labelledby': 'crops-title' }, h('h2', { id: 'crops-title' }, 'Crops'), h('p', { class: 'hint' }, 'As saved: pages use these shapes, cut around the focal point.'), crops),
    ),
    h(
      'div',
      { class: 'editor-side' },
      h('div', { class: 'card' }, statusLine, formError, h('div', { class: 'buttons' }, saveButton, deleteButton)),
      h('section', { class: 'card', 'aria-labelledby': 'facts-title' }, h('h2', { id: 'facts-title' }, 'About the file'), facts),
    ),
  );
  fill(asset);
  /** @type {Content} */
  let base = read();
  if (!editable) {
    for (const el of form.querySelectorAll('input, textarea, button')) {
      if (el !== deleteButton && el !== saveButton) /** @type {HTMLInputElement} */ (el).disabled = true;
    }
    for (const el of form.querySelectorAll('[contenteditable]')) el.setAttribute('contenteditable', 'false');
  }

  replace(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '/admin/media' }, 'Media')),
    h('div', { class: 'title-row' }, h('h1', null, editable ? 'Edit image' : 'Image')),
    editable ? null : h('p', { class: 'banner', role: 'note' }, 'Only its uploader, editors and admins may change this image.'),
    form,
  );
  showStatus();
  form.addEventListener('input', changed);
  watchUnsaved(() => editable && unsavedFields().length > 0);

  function unsavedFields() {
    return changedFields(FIELDS, base, read());
  }

  function changed() {
    showStatus();
  }

  function showStatus() {
    replace(statusLine, `Version ${asset.version}`, editable ? (unsavedFields().length ? ' · unsaved changes' : ' · saved') : '');
  }

  /** @param {Asset} fresh */
  function adopt(fresh) {
    asset = remember(fresh);
    fill(fresh);
    base = read();
    showStatus();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, formError);
    const now = read();
    if (!now.file_name) {
      showErrors(form, formError, new ApiError(422, { detail: 'Give the file a name.', errors: [{ field: 'file_name', message: 'must not be empty' }] }));
      return;
    }
    saveButton.disabled = true;
    try {
      const saved = await saveItem({ collection: '/api/v1/media', page: '/admin/media', item: asset, fields: FIELDS, base, now, created: '' });
      if (saved) adopt(saved);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        const lost = changedFields(FIELDS, base, now).map((f) => FIELD_NAMES[f]);
        const current = (await api('GET', path)).data;
        adopt(current);
        showConflict(formError, 'this image', current, lost);
      } else {
        showErrors(form, formError, e, FIELD_NAMES);
      }
    } finally {
      saveButton.disabled = false;
    }
  });

  async function remove() {
    clearErrors(form, formError);
    try {
      if (await deleteAndLeave(`Delete the image “${asset.file_name}”? This cannot be undone.`, path, asset, 'Image deleted.', '/admin/media')) forget(asset.id);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        // The problem names what uses it, so the reader knows where to change it.
        replace(formError, h('p', null, h('strong', null, 'Not deleted. '), e.message));
        formError.setAttribute('tabindex', '-1');
        formError.focus();
      } else if (e instanceof ApiError && e.status === 412) {
        adopt((await api('GET', path)).data);
        replace(formError, h('p', null, 'Someone changed this image meanwhile; it has been reloaded. Delete it again if you still mean to.'));
      } else {
        showErrors(form, formError, e, FIELD_NAMES);
      }
    }
  }
}
