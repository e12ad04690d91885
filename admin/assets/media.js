// What the media screens and the article editor share: an asset's thumbnail, uploading
// (drop zone, file button, a progress bar per file), the picker dialog that chooses an
// asset, and the image field of the editor (an asset from the library or a URL).

import { ApiError, api, upload } from './api.js';
import { field, h, replace } from './dom.js';
import { apiPages, pager } from './lists.js';
import { messageOf, uploadMessage } from './problems.js';
import { can } from './roles.js';

/** @typedef {import('./api.js').Schemas} Schemas */
/** @typedef {Schemas['AssetResponse']} Asset */
/** @typedef {Schemas['AssetPage']} AssetPage */
/** @typedef {Schemas['RenditionGroup']} Rendition */
/** @typedef {Schemas['FocalPointBody']} Point */
/**
 * An image of an article (the hero, an image block): a URL, an asset of the library, or both.
 * @typedef {Schemas['Image']} ImageRef
 */

/**
 * The fields that say where an image comes from, leaving out the one not given (the
 * contract wants at least one of them).
 * @param {{url: string | null, asset_id: string | null}} source
 */
export function sourceFields(source) {
  return { ...(source.url ? { url: source.url } : {}), ...(source.asset_id ? { asset_id: source.asset_id } : {}) };
}

/** What the library takes; the server decides by the content, this only guides the file dialog. */
export const ACCEPT = 'image/jpeg,image/png,image/webp,image/gif';

/**
 * Whether the user may change or delete this asset: editors and admins any, others
 * their own uploads.
 * @param {import('./api.js').User} user
 * @param {Asset} asset
 */
export function mayEditAsset(user, asset) {
  return can(user, 'edit_any_media') || asset.uploaded_by.id === user.id;
}

/** @param {number} bytes */
export function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** @param {Asset} asset */
export const dimensions = (asset) => `${asset.width} × ${asset.height}`;

// --- Known assets --------------------------------------------------------------------

/** Assets read or chosen on this page, by id: the editor shows them without asking again. */
const known = new Map();

/** @param {Asset} asset */
export function remember(asset) {
  known.set(asset.id, asset);
  return asset;
}

/** Forgets a deleted asset. @param {string} id */
export function forget(id) {
  known.delete(id);
}

/** An asset already read, if any. @param {string | null | undefined} id @returns {Asset | undefined} */
export function knownAsset(id) {
  return id ? known.get(id) : undefined;
}

/**
 * An asset by id, read once per page.
 * @param {string} id
 * @returns {Promise<Asset>}
 */
export async function assetById(id) {
  const have = known.get(id);
  if (have) return have;
  return remember((await api('GET', `/api/v1/media/${encodeURIComponent(id)}`)).data);
}

// --- Thumbnails ----------------------------------------------------------------------

/**
 * The URL of a rendition about `width` wide: the WebP one from the srcset (the smallest
 * at least that wide, or the largest there is), else the default rendition.
 * @param {Rendition} rendition
 * @param {number} [width]
 */
export function renditionUrl(rendition, width = 320) {
  const webp = rendition.sources.find((s) => s.type === 'image/webp') ?? rendition.sources[0];
  const candidates = (webp?.srcset ?? '')
    .split(',')
    .map((part) => part.trim().split(/\s+/))
    .map(([url, w]) => ({ url: url ?? '', w: Number.parseInt(w ?? '', 10) || 0 }))
    .filter((c) => c.url)
    .sort((a, b) => a.w - b.w);
  return (candidates.find((c) => c.w >= width) ?? candidates[candidates.length - 1])?.url ?? rendition.url;
}

// A rendition is decoded on its first request, and a server past its decoding queue
// answers 503: a grid of new images asks for a few at a time, not all at once.
const MAX_LOADING = 3;
/** @type {Array<{img: HTMLImageElement, src: string, tries: number, waits: number}>} */
const waiting = [];
let loading = 0;

function pump() {
  while (loading < MAX_LOADING && waiting.length) {
    const job = /** @type {(typeof waiting)[number]} */ (waiting.shift());
    if (!job.img.isConnected) {
      // Not on the page yet (a form still being built), or gone from it (another
      // screen, a new search): look again a little later, for a while.
      if (job.waits++ < 10) setTimeout(() => { waiting.push(job); pump(); }, 300);
      continue;
    }
    loading += 1;
    const done = () => {
      loading -= 1;
      job.img.removeEventListener('load', done);
      job.img.removeEventListener('error', failed);
      pump();
    };
    const failed = () => {
      done();
      if (job.tries < 2) {
        // Busy, most likely: ask again a little later.
        job.tries += 1;
        setTimeout(() => {
          waiting.push(job);
          pump();
        }, 1500 * job.tries);
      } else {
        job.img.classList.add('broken');
      }
    };
    job.img.addEventListener('load', done);
    job.img.addEventListener('error', failed);
    job.img.src = job.src;
  }
}

/**
 * A thumbnail of an asset, loaded through the queue once it is on the page.
 * @param {Asset} asset
 * @param {{width?: number, alt?: string, rendition?: Rendition}} [options] alt: empty when text beside it names the image
 */
export function thumbnail(asset, options = {}) {
  const rendition = options.rendition ?? asset.renditions;
  // The API may have no rendition to offer for an asset.
  if (!rendition) return h('span', { class: 'no-preview' }, 'No preview');
  // A crop has its own proportions: the original's would hold the wrong box until it loads.
  const img = h('img', {
    alt: options.alt ?? asset.alt ?? '',
    width: options.rendition ? null : asset.width,
    height: options.rendition ? null : asset.height,
    decoding: 'async',
    class: 'thumb',
  });
  waiting.push({ img, src: renditionUrl(rendition, options.width ?? 320), tries: 0, waits: 0 });
  setTimeout(pump);
  return img;
}

// --- Uploading -------------------------------------------------------------------------

const BUSY_TRIES = 4;

/**
 * Uploads a file, trying again when the server is busy decoding other images (503):
 * after the wait it asks for, a few times, as a person would, before giving up.
 * @param {FormData} form
 * @param {(sent: number, total: number) => void} onProgress
 * @param {(seconds: number) => void} onWait
 */
async function uploadPatiently(form, onProgress, onWait) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await upload('/api/v1/media', form, onProgress);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 503 || attempt >= BUSY_TRIES) throw e;
      const seconds = Math.min(30, e.retryAfter ?? 2 * attempt);
      onWait(seconds);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
  }
}

/**
 * Where files are uploaded: a drop zone with a file button, and under it a line per file
 * with its progress and outcome. Two uploads at a time; the rest wait their turn.
 * @param {{onUploaded: (asset: Asset, created: boolean) => void, links?: boolean, label?: string}} o
 *   links: each uploaded file links to its page (not in the picker, which must stay open)
 */
export function uploader(o) {
  const input = h('input', { type: 'file', multiple: true, accept: ACCEPT, class: 'visually-hidden' });
  const list = h('ul', { class: 'uploads', 'aria-label': 'Uploads' });
  const zone = h(
    'div',
    { class: 'drop-zone' },
    h('p', null, o.label ?? 'Drop images here (JPEG, PNG, WebP or GIF), or'),
    h('label', { class: 'button' }, input, 'Choose files…'),
  );
  input.addEventListener('change', () => {
    add([...(input.files ?? [])]);
    input.value = '';
  });
  // dragover must be cancelled for the zone to take a drop at all.
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add('over');
    });
  }
  zone.addEventListener('dragleave', (event) => {
    if (!(event.relatedTarget instanceof Node && zone.contains(event.relatedTarget))) zone.classList.remove('over');
  });
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    add([...(event.dataTransfer?.files ?? [])]);
  });
  list.hidden = true;
  // A file dropped beside the zone would otherwise be opened by the browser in place
  // of the admin, leaving the page; while the zone is shown such a drop does nothing.
  /** @param {DragEvent} event */
  const missed = (event) => {
    if (!zone.isConnected) {
      document.removeEventListener('dragover', missed);
      document.removeEventListener('drop', missed);
      return;
    }
    if (event.dataTransfer?.types.includes('Files') && !zone.contains(/** @type {Node} */ (event.target))) event.preventDefault();
  };
  document.addEventListener('dragover', missed);
  document.addEventListener('drop', missed);

  /** @type {Array<() => Promise<void>>} */
  const queue = [];
  let running = 0;

  /** @param {File[]} files */
  function add(files) {
    if (!files.length) return;
    list.hidden = false;
    for (const file of files) {
      const bar = h('progress', { max: 100, value: 0, 'aria-label': `Uploading ${file.name}` });
      const note = h('span', { class: 'upload-note' }, 'Waiting…');
      const item = h('li', { class: 'upload' }, h('span', { class: 'upload-name' }, file.name, h('span', { class: 'muted' }, ` · ${sizeText(file.size)}`)), bar, note);
      list.prepend(item);
      queue.push(async () => {
        const form = new FormData();
        form.append('file', file, file.name);
        replace(note, 'Uploading…');
        try {
          const { data, status } = await uploadPatiently(form, (sent, total) => {
            bar.value = Math.round((sent / total) * 100);
            replace(note, `${bar.value}%`);
          }, (seconds) => {
            bar.value = 0;
            replace(note, `Server busy: trying again in ${seconds} s…`);
          });
          const asset = remember(data);
          bar.value = 100;
          item.classList.add('done');
          const words = status === 201 ? 'Uploaded' : 'Already in the library';
          replace(note, o.links ? h('a', { href: `/admin/media/${encodeURIComponent(asset.id)}` }, words) : words, '.');
          o.onUploaded(asset, status === 201);
        } catch (e) {
          item.classList.add('failed');
          bar.hidden = true;
          replace(note, h('span', { class: 'error', role: 'alert' }, `${file.name}: ${uploadMessage(e)}`));
        }
      });
    }
    next();
  }

  function next() {
    while (running < 2 && queue.length) {
      const job = /** @type {() => Promise<void>} */ (queue.shift());
      running += 1;
      job().finally(() => {
        running -= 1;
        next();
      });
    }
  }

  return h('div', { class: 'uploader' }, zone, list);
}

// --- The picker --------------------------------------------------------------------------

/**
 * A dialog listing the library (search, "More", uploading inline); resolves with the
 * asset chosen, or null when closed without one.
 * @returns {Promise<Asset | null>}
 */
export function pickAsset() {
  const search = h('input', { type: 'search', name: 'q', autocomplete: 'off' });
  const grid = h('ul', { class: 'media-grid picker-grid' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  /** @type {Asset | null} */
  let chosen = null;
  /** @type {import('./lists.js').PageOf<AssetPage>} */
  const fetchPage = apiPages('/api/v1/media', () => new URLSearchParams(search.value.trim() ? { q: search.value.trim() } : {}), 24);
  // A search sent while the list before it is still on its way: the older answer may
  // come last, and must not replace the newer one, so it is never delivered.
  let asked = 0;
  const list = pager(
    async (cursor) => {
      const mine = cursor ? asked : ++asked;
      const page = await fetchPage(cursor);
      return mine === asked ? page : new Promise(() => {});
    },
    (items, first) => {
      if (first) replace(grid);
      grid.append(...items.map(tile));
    },
    { one: 'image', none: 'No images found.' },
  );
  /** @param {Asset} asset */
  function tile(asset) {
    remember(asset);
    return h(
      'li',
      { 'data-id': asset.id },
      h(
        'button',
        { type: 'button', class: 'tile', onclick: () => { chosen = asset; dialog.close(); } },
        h('span', { class: 'tile-image' }, thumbnail(asset, { alt: '' })),
        h('span', { class: 'tile-name' }, asset.file_name),
        h('span', { class: 'tile-meta' }, asset.alt ?? dimensions(asset)),
      ),
    );
  }
  const find = h('form', { class: 'picker-search', role: 'search', 'aria-label': 'Find images' }, field('Search the library', search), h('button', { type: 'submit' }, 'Search'));
  find.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  const dialog = h(
    'dialog',
    { class: 'media-picker', 'aria-labelledby': 'picker-title' },
    h('div', { class: 'title-row' }, h('h2', { id: 'picker-title' }, 'Choose an image'), h('button', { type: 'button', class: 'quiet', onclick: () => dialog.close() }, 'Cancel')),
    find,
    uploader({
      label: 'Upload: drop images here, or',
      onUploaded: (asset) => {
        grid.querySelector(`[data-id="${CSS.escape(asset.id)}"]`)?.remove();
        const added = tile(asset);
        grid.prepend(added);
        added.querySelector('button')?.focus();
      },
    }),
    error,
    list.count,
    grid,
    list.more,
  );

  function load() {
    replace(error);
    list.load(null).catch((e) => replace(error, messageOf(e)));
  }
  document.body.append(dialog);
  dialog.showModal();
  search.focus();
  load();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(chosen);
    }, { once: true });
  });
}

// --- The image field of the editor ---------------------------------------------------------

/**
 * Where an image comes from: an asset of the library (shown as a thumbnail, chosen in
 * the picker) or a URL, or both (the contract allows either). Choosing an asset clears
 * the URL: the library's image replaces the one typed before.
 * @param {{urlLabel: string, url: string | null | undefined, assetId: string | null | undefined, onChange: () => void,
 *   onAsset?: (asset: Asset | null) => void, urlName?: string, errorName?: string}} o
 *   urlName, errorName: where the API's field errors about the URL and the rest of the image go
 */
export function imageSource(o) {
  let assetId = o.assetId ?? null;
  const url = h('input', { type: 'url', value: o.url ?? '' });
  const shown = h('div', { class: 'chosen-image' });
  const choose = h('button', { type: 'button', 'data-name': 'Choose from the library', 'aria-label': 'Choose from the library', onclick: pick }, 'Choose from the library…');
  const remove = h('button', { type: 'button', class: 'quiet danger', 'data-name': 'Remove the library image', 'aria-label': 'Remove the library image', onclick: () => set(null) }, 'Remove');

  async function pick() {
    const asset = await pickAsset();
    if (!asset) return;
    url.value = '';
    set(asset.id);
  }

  /** @param {string | null} id */
  function set(id) {
    assetId = id;
    draw();
    o.onChange();
  }

  function draw() {
    remove.hidden = !assetId;
    replace(choose, assetId ? 'Change…' : 'Choose from the library…');
    // The name holds the words shown; in a block, the block's number follows them.
    const name = assetId ? 'Change the image' : 'Choose from the library';
    const suffix = (choose.getAttribute('aria-label') ?? '').slice((choose.dataset.name ?? '').length);
    choose.dataset.name = name;
    choose.setAttribute('aria-label', name + suffix);
    if (!assetId) {
      replace(shown);
      o.onAsset?.(null);
      return;
    }
    const id = assetId;
    const have = knownAsset(id);
    if (have) {
      show(have);
      return;
    }
    replace(shown, h('span', { class: 'muted' }, 'Loading the image…'));
    assetById(id).then(
      (asset) => { if (assetId === id) show(asset); },
      (e) => { if (assetId === id) replace(shown, h('span', { class: 'error' }, e instanceof ApiError && e.status === 404 ? 'This image is no longer in the library.' : messageOf(e))); },
    );
  }

  /** @param {Asset} asset */
  function show(asset) {
    replace(
      shown,
      h('span', { class: 'chosen-thumb' }, thumbnail(asset, { alt: '' })),
      h('span', { class: 'chosen-text' }, h('strong', { class: 'break' }, asset.file_name), h('span', { class: 'muted small' }, `${dimensions(asset)} · from the library`), asset.alt ? h('span', { class: 'muted small break' }, `Alt: ${asset.alt}`) : null),
    );
    o.onAsset?.(asset);
  }

  draw();
  const element = h(
    'div',
    { class: 'image-source' },
    shown,
    h('div', { class: 'buttons' }, choose, remove),
    o.errorName ? h('small', { class: 'error', 'data-error-for': o.errorName }) : null,
    field(o.urlLabel, url, { name: o.urlName, hint: 'Or the address of an image hosted elsewhere.' }),
  );
  return {
    element,
    /** @returns {{url: string | null, asset_id: string | null}} */
    read: () => ({ url: url.value.trim() || null, asset_id: assetId }),
    /** @param {string | null | undefined} nextUrl @param {string | null | undefined} nextAsset */
    set: (nextUrl, nextAsset) => {
      url.value = nextUrl ?? '';
      assetId = nextAsset ?? null;
      draw();
    },
    /** @param {boolean} disabled */
    disable: (disabled) => {
      for (const el of element.querySelectorAll('input, button')) /** @type {HTMLInputElement} */ (el).disabled = disabled;
    },
  };
}
