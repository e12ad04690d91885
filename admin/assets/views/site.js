// The site settings (admins): one document, read with GET and replaced whole with PUT,
// with If-Match. The name, description, publisher and logo are what feeds, sitemaps and
// structured data say about the site; the site's address and the article address make
// each article's public URL, its dates taken in the site's time zone. Until an admin
// first saves them the settings are the defaults (version 0), and the screen says so.

import { ApiError, api, changedFields, currentUser, etagOf, same } from '../api.js';
import { field, h, replace, toast } from '../dom.js';
import { localZone, when } from '../dates.js';
import { imageSource, sourceFields } from '../media.js';
import { clearErrors, notAllowed, showConflict, showErrors } from '../problems.js';
import { can } from '../roles.js';
import { watchUnsaved } from '../app.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['SiteResponse']} Site */
/** @typedef {Schemas['SiteRequest']} SiteRequest */

/** @type {Record<keyof SiteRequest, string>} the fields, as errors and conflicts name them */
const FIELD_NAMES = {
  name: 'Site name', description: 'Description', publisher_name: 'Publisher', base_url: 'Site address',
  article_path: 'Article address', language: 'Language', time_zone: 'Time zone', logo: 'Logo',
};
const FIELDS = /** @type {Array<keyof SiteRequest>} */ (Object.keys(FIELD_NAMES));

/** What the example article is: the address shows it as a reader would meet it. */
const EXAMPLE = { section: 'business', slug: 'rates-hold', id: '0193b2c4-7a1e-7d2f-9c3b-5e8a1f6d4c20' };

/**
 * Today's date in a time zone, as article addresses write it; null for a zone this
 * browser does not know.
 * @param {string} zone
 */
function today(zone) {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date());
    const get = (/** @type {string} */ type) => parts.find((p) => p.type === type)?.value ?? '';
    return { year: get('year'), month: get('month'), day: get('day') };
  } catch {
    return null;
  }
}

/** @type {import('../app.js').View} */
export async function siteView(main) {
  if (!can(currentUser(), 'site')) return notAllowed(main, 'Site settings', 'Site settings are for admins.');
  const first = await api('GET', '/api/v1/site');
  /** @type {Site} */
  let site = first.data;
  /** The ETag read with the settings: a save sends it, so that it replaces only what was read. */
  let etag = first.etag ?? etagOf(site);

  const name = h('input', { type: 'text', required: true, maxlength: 200 });
  const description = h('textarea', { rows: 2, maxlength: 500 });
  const publisher = h('input', { type: 'text', required: true, maxlength: 200 });
  const baseUrl = h('input', { type: 'url', required: true, maxlength: 300, inputmode: 'url', spellcheck: 'false' });
  const articlePath = h('input', { type: 'text', maxlength: 200, spellcheck: 'false', placeholder: '/{section}/{slug}' });
  const language = h('input', { type: 'text', spellcheck: 'false', placeholder: 'en', autocomplete: 'off' });
  // Typed, not chosen: the server knows zones this browser may not list. The browser's
  // own list (without UTC, in Chromium) is offered as suggestions.
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zones = h('datalist', { id: 'site-zones' }, ['UTC', ...known.filter((z) => z !== 'UTC')].map((z) => h('option', { value: z })));
  const timeZone = h('input', { type: 'text', list: 'site-zones', spellcheck: 'false', placeholder: 'UTC', autocomplete: 'off' });
  const logoAlt = h('input', { type: 'text' });
  const logo = imageSource({
    urlLabel: 'Logo URL',
    url: null,
    assetId: null,
    urlName: 'logo.url',
    // An unknown library image, or neither URL nor image: said next to the chooser.
    errorName: 'logo',
    onChange: () => {},
    // The logo's own alt text wins; the library's fills it when left empty.
    onAsset: (asset) => { logoAlt.placeholder = asset?.alt ? `From the library: ${asset.alt}` : ''; },
  });

  const exampleUrl = h('code', { class: 'break' });
  const exampleNote = h('span');
  const pathField = field('Article address', articlePath, {
    name: 'article_path',
    hint: 'Where each article lives, after the site address. Start with / and include {slug} (or {id}); you may add {section}, {year}, {month} and {day}, the day it was published. Empty: /{section}/{slug}.',
  });
  pathField.append(h('div', { class: 'example-url' }, h('span', { class: 'label' }, 'An article’s address will read:'), exampleUrl, h('small', { class: 'muted' }, exampleNote)));

  /** The address of an example article, from what is typed now. */
  function showExample() {
    const zone = timeZone.value.trim() || 'UTC';
    const date = today(zone) ?? /** @type {NonNullable<ReturnType<typeof today>>} */ (today('UTC'));
    const path = (articlePath.value.trim() || '/{section}/{slug}')
      .replaceAll('{slug}', EXAMPLE.slug)
      .replaceAll('{id}', EXAMPLE.id)
      .replaceAll('{section}', EXAMPLE.section)
      .replaceAll('{year}', date.year)
      .replaceAll('{month}', date.month)
      .replaceAll('{day}', date.day);
    replace(exampleUrl, (baseUrl.value.trim() || 'https://…').replace(/\/$/, '') + path);
    const dated = /\{(year|month|day)\}/.test(articlePath.value);
    replace(
      exampleNote,
      `For an article in the section “${EXAMPLE.section}” with the slug “${EXAMPLE.slug}”`,
      articlePath.value.includes('{id}') ? ' (and an id such as the one shown)' : '',
      dated ? `, published today (${date.year}-${date.month}-${date.day} in ${today(zone) ? zone : 'UTC: the time zone below is not one this browser knows'})` : '',
      '.',
    );
  }
  for (const input of [baseUrl, articlePath, timeZone]) input.addEventListener('input', showExample);

  /** The logo's caption and credit (not edited here) stay with the image they were read with. */
  /** @type {{url: string | null, asset_id: string | null, caption: string | null, credit: string | null}} */
  let logoKept = { url: null, asset_id: null, caption: null, credit: null };

  /** @param {Site} s */
  function fill(s) {
    name.value = s.name;
    description.value = s.description ?? '';
    publisher.value = s.publisher_name;
    baseUrl.value = s.base_url;
    articlePath.value = s.article_path;
    language.value = s.language;
    timeZone.value = s.time_zone;
    logo.set(s.logo?.url, s.logo?.asset_id);
    logoAlt.value = s.logo?.alt ?? '';
    logoKept = { url: s.logo?.url ?? null, asset_id: s.logo?.asset_id ?? null, caption: s.logo?.caption ?? null, credit: s.logo?.credit ?? null };
    showExample();
  }

  /** @returns {SiteRequest} the whole document, as a PUT replaces it */
  function read() {
    const text = (/** @type {HTMLInputElement | HTMLTextAreaElement} */ el) => el.value.trim() || null;
    const source = logo.read();
    const alt = text(logoAlt);
    const sameImage = source.url === logoKept.url && source.asset_id === logoKept.asset_id;
    // Alt text without an image is sent too: the API then says that the image is missing.
    const image = source.url || source.asset_id || alt
      ? { ...sourceFields(source), alt, ...(sameImage ? { caption: logoKept.caption, credit: logoKept.credit } : {}) }
      : null;
    return {
      name: name.value.trim(),
      description: text(description),
      publisher_name: publisher.value.trim(),
      base_url: baseUrl.value.trim(),
      article_path: text(articlePath),
      language: text(language),
      time_zone: text(timeZone),
      logo: image,
    };
  }
  /** What the form read when it was filled from the server: anything else is unsaved. */
  /** @type {SiteRequest} */
  let base;

  const defaults = h('p', { class: 'banner', role: 'note' }, 'These are the defaults: the settings have never been saved. Check each field, above all the site address, then save.');
  const saved = h('p', { class: 'muted' });
  /** @param {Site} s */
  function adopt(s) {
    site = s;
    fill(s);
    base = read();
    defaults.hidden = s.version > 0;
    replace(saved, s.updated_at ? `Last saved ${when(s.updated_at)} (version ${s.version}).` : '');
  }

  const alert = h('div', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Save site settings');
  const form = h(
    'form',
    { class: 'site', novalidate: true },
    defaults,
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, 'The site'),
      field('Site name (required)', name, { name: 'name', hint: 'As readers know it, e.g. The Daily Example: feeds and search results show it.' }),
      field('Description', description, { name: 'description', hint: 'One sentence about the site, for feeds, search results and sharing. At most 500 characters.' }),
      field('Publisher (required)', publisher, { name: 'publisher_name', hint: 'The organisation that publishes the site, e.g. Example Media Ltd, as search engines are told.' }),
    ),
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, 'Where articles are read'),
      field('Site address (required)', baseUrl, { name: 'base_url', hint: 'The address of the public website readers visit, such as https://news.example.com (with a path after it if the site lives under one). Not the address of this admin, and no ? or #.' }),
      pathField,
    ),
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, 'Language and time'),
      field('Language', language, { name: 'language', hint: 'The language the site is written in, as a language tag: en, en-GB, fr, pt-BR… Empty: en.' }),
      field('Time zone', timeZone, { name: 'time_zone', hint: `Where the newsroom keeps time, by its IANA name such as Europe/London or America/New_York (this browser is in ${localZone}). Dates in article addresses are counted in it. Empty: UTC.` }),
      zones,
    ),
    h(
      'fieldset',
      { class: 'card' },
      h('legend', null, 'Logo'),
      h('p', { class: 'hint' }, 'The publisher’s logo, as frontends and search engines show it: choose one from the media library, or give the address of one hosted elsewhere. Optional.'),
      logo.element,
      field('Alt text', logoAlt, { name: 'logo.alt', hint: 'What the logo says, for readers who cannot see it: usually the publication’s name.' }),
    ),
    alert,
    h('div', { class: 'buttons' }, button),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, alert);
    const body = read();
    button.disabled = true;
    try {
      const answer = await api('PUT', '/api/v1/site', { body, ifMatch: etag });
      etag = answer.etag ?? etagOf(answer.data);
      adopt(answer.data);
      toast('Site settings saved.');
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) await reloadAfterConflict(changedFields(FIELDS, base, body).map((f) => FIELD_NAMES[f]));
      else showErrors(form, alert, e, FIELD_NAMES);
    } finally {
      button.disabled = false;
    }
  });

  /**
   * Someone else saved since the form was read: their version replaces the form, and
   * the changes made here are named, to be made again.
   * @param {string[]} lost
   */
  async function reloadAfterConflict(lost) {
    const answer = await api('GET', '/api/v1/site');
    etag = answer.etag ?? etagOf(answer.data);
    /** @type {Site} */
    const current = answer.data;
    adopt(current);
    showConflict(alert, 'the site settings', { version: current.version, updated_at: current.updated_at ?? new Date().toISOString() }, lost);
  }

  adopt(site);
  watchUnsaved(() => !same(read(), base));
  replace(
    main,
    h('h1', null, 'Site settings'),
    h('p', { class: 'lead' }, 'What the site is called, who publishes it, where readers find it and how each article’s address is made. Feeds, sitemaps and the frontend use these.'),
    saved,
    form,
  );
}
