// The article editor: every field, the body's blocks, saving with If-Match (a 412 opens
// a dialog that shows what the other person changed), the workflow buttons the role and
// state allow, and a copy of unsaved work in this browser's storage as a backstop.

import { ApiError, all, api, changedFields, currentUser, etagOf } from '../api.js';
import { badge, field, h, replace, toast } from '../dom.js';
import { localZone, when, zonedToUtc } from '../dates.js';
import { actions, can, knowOwnAuthors, mayEdit } from '../roles.js';
import { blockEditor } from '../blocks.js';
import { escapeText, plainText } from '../inline.js';
import { renderPreview } from '../preview.js';
import { previewLinks } from '../preview-links.js';
import { clearErrors, showErrors } from '../problems.js';
import { imageSource, sourceFields } from '../media.js';
import { authors } from './articles.js';
import { correctionsPanel } from './corrections.js';
import { sectionTree } from './sections.js';
import { deleteAndLeave, watchUnsaved, navigate } from '../app.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['ArticleResponse']} Article */
/** @typedef {Schemas['UpdateArticleRequest']} Patch */
/** @typedef {import('../media.js').ImageRef} ImageRef */
/**
 * The content fields the form edits, as the API spells them.
 * @typedef {{headline: string, slug?: string, kicker: string | null, standfirst: string | null, dateline: string | null,
 *   section_id: string, author_ids?: string[], tags: string[], access: Schemas['Access'], preview_blocks: number | null,
 *   hero_image: ImageRef | null, seo: Schemas['Seo'] | null, sponsorship: Schemas['Sponsorship'] | null,
 *   body: Schemas['Block'][], external_id: string | null}} Content
 */

/** @type {Array<keyof Content>} */
const FIELDS = ['headline', 'slug', 'kicker', 'standfirst', 'dateline', 'section_id', 'author_ids', 'tags', 'access', 'preview_blocks', 'hero_image', 'seo', 'sponsorship', 'body', 'external_id'];
/** @type {Record<keyof Content, string>} */
const FIELD_NAMES = {
  headline: 'Headline', slug: 'Slug', kicker: 'Kicker', standfirst: 'Standfirst', dateline: 'Dateline',
  section_id: 'Section', author_ids: 'Authors', tags: 'Tags', access: 'Access', preview_blocks: 'Preview blocks', hero_image: 'Hero image', seo: 'SEO', sponsorship: 'Paid content', body: 'Body',
  external_id: 'External id',
};
const DONE = {
  submit: 'Submitted for review.', publish: 'Published.', schedule: 'Scheduled.', unpublish: 'Back to draft.',
  archive: 'Archived.', trash: 'Moved to the trash.', restore: 'Restored from the trash.',
};
const ACTION_LABELS = {
  submit: 'Submit for review', publish: 'Publish now', schedule: 'Schedule…', unpublish: 'Back to draft',
  archive: 'Archive', trash: 'Move to trash', restore: 'Restore from trash',
};

/** @param {Article} a @returns {Content} */
function contentOf(a) {
  return {
    headline: a.headline, slug: a.slug, kicker: a.kicker ?? null, standfirst: a.standfirst ?? null,
    dateline: a.dateline ?? null, section_id: a.section_id, author_ids: a.author_ids, tags: a.tags, access: a.access,
    preview_blocks: a.preview_blocks ?? null, hero_image: a.hero_image ?? null, seo: a.seo ?? null,
    sponsorship: a.sponsorship ?? null, body: a.body, external_id: a.external_id ?? null,
  };
}

/**
 * The fields where `next` differs from `base`.
 * @param {Content} base
 * @param {Content} next
 */
const changed = (base, next) => changedFields(FIELDS, base, next);

/** @type {import('../app.js').View} */
export async function editorView(main, params) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  const id = params[0];
  const [sections, people, bylineAuthors, polls, sponsored] = await Promise.all([
    all('/api/v1/sections'),
    authors(user),
    // Every author a byline may name (a sane cap: the picker is a plain choice).
    /** @type {Promise<Array<Schemas['AuthorResponse']>>} */ (all('/api/v1/authors', BYLINE_AUTHORS_CAP)),
    can(user, 'read_polls') ? all('/api/v1/polls').catch(() => []) : [],
    can(user, 'read_sponsored') ? all('/api/v1/sponsored').catch(() => []) : [],
  ]);
  // An author linked to this user makes the articles naming them this user's own.
  knowOwnAuthors(user, bylineAuthors);
  /** @type {Article | null} */
  let article = id ? (await api('GET', `/api/v1/articles/${encodeURIComponent(id)}`)).data : null;
  // Per user: a colleague signing in on this browser never sees my unsaved work.
  const storageKey = `masthead:draft:${user.id}:${id ?? 'new'}`;
  /** @type {Content} */
  let base = article
    ? contentOf(article)
    : { headline: '', kicker: null, standfirst: null, dateline: null, section_id: '', tags: [], access: 'free', preview_blocks: null, hero_image: null, seo: null, sponsorship: null, body: [], external_id: null };
  const editable = !article || (mayEdit(user, article) && !article.trashed_at);

  // --- the form -----------------------------------------------------------------
  const headline = h('input', { type: 'text', required: true, maxlength: 300, class: 'headline' });
  const slug = h('input', { type: 'text', pattern: '[a-z0-9]+(-[a-z0-9]+)*', maxlength: 120 });
  const kicker = h('input', { type: 'text' });
  const standfirst = h('textarea', { rows: 2 });
  const dateline = h('input', { type: 'text' });
  const section = h('select', { required: true }, h('option', { value: '' }, 'Choose a section'), sectionTree(sections).map(([sid, name]) => h('option', { value: sid }, name)));
  const tags = h('input', { type: 'text' });
  const bylines = bylineEditor(people, bylineAuthors, user, onEdit);
  const access = h('select', null, ['free', 'metered', 'premium'].map((v) => h('option', { value: v }, v)));
  const previewBlocks = h('input', { type: 'number', min: 0, step: 1 });
  const heroAlt = h('input', { type: 'text' });
  const heroCaption = h('input', { type: 'text' });
  const heroCredit = h('input', { type: 'text' });
  const hero = imageSource({
    urlLabel: 'Hero image URL',
    url: null,
    assetId: null,
    urlName: 'hero_image.url',
    // An unknown asset, or neither URL nor asset: said next to the chooser.
    errorName: 'hero_image',
    onChange: () => onEdit(),
    // The article's own alt text wins; the library's fills it when left empty.
    onAsset: (asset) => { heroAlt.placeholder = asset?.alt ? `From the library: ${asset.alt}` : ''; },
  });
  const seoTitle = h('input', { type: 'text' });
  const seoDescription = h('textarea', { rows: 2 });
  const seoCanonical = h('input', { type: 'url' });
  const sponsorName = h('input', { type: 'text', maxlength: 120 });
  const sponsorUrl = h('input', { type: 'url' });
  const sponsorLabel = h('input', { type: 'text', maxlength: 60, placeholder: 'Paid post' });
  const sponsorDisclosure = h('textarea', { rows: 3, maxlength: 300 });
  const sponsorFields = [sponsorName, sponsorUrl, sponsorLabel, sponsorDisclosure];
  const externalId = h('input', { type: 'text', maxlength: 255 });
  const bodyHolder = h('div');
  /** @type {ReturnType<typeof blockEditor>} */
  let body;
  /**
   * What the form reads right after it was filled from the server: unsaved changes are
   * the differences from this, not from the server's copy, which the server writes in
   * its own canonical way (attribute order, entities, `rel` on links).
   * @type {Content}
   */
  let pristine;

  /** @param {Content} c */
  function fill(c) {
    headline.value = c.headline;
    slug.value = c.slug ?? '';
    kicker.value = c.kicker ?? '';
    standfirst.value = c.standfirst ?? '';
    dateline.value = c.dateline ?? '';
    section.value = c.section_id;
    tags.value = c.tags.join(', ');
    bylines.set(c.author_ids ?? [user.id]);
    access.value = c.access;
    previewBlocks.value = c.preview_blocks === null ? '' : String(c.preview_blocks);
    hero.set(c.hero_image?.url, c.hero_image?.asset_id);
    heroAlt.value = c.hero_image?.alt ?? '';
    heroCaption.value = plainText(c.hero_image?.caption);
    heroCredit.value = plainText(c.hero_image?.credit);
    seoTitle.value = c.seo?.title ?? '';
    seoDescription.value = c.seo?.description ?? '';
    seoCanonical.value = c.seo?.canonical_url ?? '';
    sponsorName.value = c.sponsorship?.sponsor_name ?? '';
    sponsorUrl.value = c.sponsorship?.sponsor_url ?? '';
    sponsorLabel.value = c.sponsorship?.label ?? '';
    sponsorDisclosure.value = c.sponsorship?.disclosure ?? '';
    externalId.value = c.external_id ?? '';
    body = blockEditor(c.body, { polls, sponsored, mayEmbed: can(user, 'embed') }, onEdit);
    replace(bodyHolder, body.element);
  }

  /** Fills the form from the server's copy and takes that as the unchanged state. */
  function load(/** @type {Content} */ c) {
    fill(c);
    pristine = read();
  }

  /** @returns {Content} */
  function read() {
    const text = (/** @type {HTMLInputElement | HTMLTextAreaElement} */ el) => el.value.trim() || null;
    const inline = (/** @type {HTMLInputElement} */ el) => el.value.trim() ? escapeText(el.value.trim()) : null;
    const source = hero.read();
    const heroImage = source.url || source.asset_id
      ? { ...sourceFields(source), alt: text(heroAlt), caption: inline(heroCaption), credit: inline(heroCredit) }
      : null;
    const seo = text(seoTitle) || text(seoDescription) || text(seoCanonical)
      ? { title: text(seoTitle), description: text(seoDescription), canonical_url: text(seoCanonical) }
      : null;
    // Any field filled marks the article; the server names the required ones missing.
    const sponsorship = sponsorFields.some((el) => el.value.trim())
      ? { sponsor_name: sponsorName.value.trim(), sponsor_url: text(sponsorUrl), label: sponsorLabel.value.trim(), disclosure: sponsorDisclosure.value.trim() }
      : null;
    /** @type {Content} */
    const c = {
      headline: headline.value.trim(),
      kicker: text(kicker),
      standfirst: text(standfirst),
      dateline: text(dateline),
      section_id: section.value,
      author_ids: bylines.read(),
      tags: [...new Set(tags.value.split(',').map((t) => t.trim()).filter(Boolean))],
      access: /** @type {Content['access']} */ (access.value),
      preview_blocks: previewBlocks.value === '' ? null : Number(previewBlocks.value),
      hero_image: heroImage,
      seo,
      sponsorship,
      body: body.read(),
      external_id: text(externalId),
    };
    if (slug.value.trim() || base.slug) c.slug = slug.value.trim();
    return c;
  }
  /** The fields changed since the form was filled from the server. */
  const unsavedFields = () => (editable ? changed(pristine, read()) : []);

  // Not a live region: it would speak after every pause in typing. Actions move the
  // focus here instead, so their outcome is read once.
  const status = h('p', { class: 'status-line', tabindex: '-1' });
  const saveButton = h('button', { type: 'submit', class: 'primary' }, article ? 'Save' : 'Create draft');
  const previewButton = h('button', { type: 'button', onclick: preview }, 'Preview');
  const actionBar = h('div', { class: 'actions' });
  const restoreBanner = h('div', { class: 'banner', hidden: true, role: 'region', 'aria-label': 'Unsaved changes' });
  const formError = h('div', { class: 'form-error', role: 'alert' });
  // Links for people without an account: whoever may edit the article may share it.
  const sharing = article ? previewLinks(article.id) : null;
  // The public log of corrections: shown under the body, saved on its own (its controls
  // belong to forms outside this one).
  const corrections = article && can(user, 'read_corrections')
    ? correctionsPanel(article, user, new Map(people.map((/** @type {Schemas['Person']} */ p) => [p.id, p.display_name])))
    : null;

  const form = h(
    'form',
    { class: 'editor', novalidate: true },
    restoreBanner,
    h(
      'div',
      { class: 'editor-main' },
      field('Headline', headline, { name: 'headline' }),
      field('Standfirst', standfirst, { name: 'standfirst', hint: 'The summary under the headline.' }),
      h('h2', { class: 'sub' }, 'Body'),
      bodyHolder,
    ),
    h(
      'div',
      { class: 'editor-side' },
      h('div', { class: 'card' }, status, formError, h('div', { class: 'buttons' }, saveButton, previewButton), actionBar),
      sharing?.element,
      h(
        'fieldset',
        { class: 'card' },
        h('legend', null, 'Placement'),
        field('Section', section, { name: 'section_id' }),
        field('Slug', slug, { name: 'slug', hint: article ? 'Changing it keeps the old address redirecting.' : 'Made from the headline when empty.' }),
        field('Kicker', kicker, { name: 'kicker' }),
        field('Dateline', dateline, { name: 'dateline' }),
        field('Tags', tags, { name: 'tags', hint: 'Separated by commas.' }),
        bylines.element,
      ),
      h(
        'fieldset',
        { class: 'card' },
        h('legend', null, 'Access'),
        field('Who may read it', access, { name: 'access' }),
        field('Preview blocks', previewBlocks, { name: 'preview_blocks', hint: 'Blocks shown before the paywall; empty for the site default.' }),
      ),
      h(
        'fieldset',
        { class: 'card' },
        h('legend', null, 'Hero image'),
        hero.element,
        field('Hero alt text', heroAlt, { name: 'hero_image.alt' }),
        field('Hero caption', heroCaption, { name: 'hero_image.caption' }),
        field('Hero credit', heroCredit, { name: 'hero_image.credit' }),
      ),
      h(
        'fieldset',
        { class: 'card' },
        h('legend', null, 'Search engines'),
        field('SEO title', seoTitle, { name: 'seo.title' }),
        field('SEO description', seoDescription, { name: 'seo.description' }),
        field('Canonical URL', seoCanonical, { name: 'seo.canonical_url' }),
      ),
      h(
        'fieldset',
        { class: 'card' },
        h('legend', null, 'Integrations'),
        field('External id', externalId, {
          name: 'external_id',
          hint: 'The id another system gave this article (a wire story id, an imported post\'s GUID). Integrations find the article by it.',
        }),
      ),
      // Writers see a marking an editor made, and cannot change it (nor the server).
      can(user, 'embed') || base.sponsorship
        ? h(
          'fieldset',
          { class: 'card', 'aria-label': 'Paid content' },
          h('legend', null, 'Paid content'),
          h('p', { class: 'hint' }, 'Only for an article an advertiser paid for. Readers see the label with the headline and the disclosure with the article; feeds and search engines are told.'),
          field('Sponsor', sponsorName, { name: 'sponsorship.sponsor_name' }),
          field('Sponsor URL', sponsorUrl, { name: 'sponsorship.sponsor_url' }),
          field('Label', sponsorLabel, { name: 'sponsorship.label', hint: 'Shown with the headline, e.g. "Paid post".' }),
          field('Disclosure', sponsorDisclosure, { name: 'sponsorship.disclosure', hint: 'Who paid, and who wrote it.' }),
        )
        : null,
    ),
  );
  for (const el of form.querySelectorAll('input, select, textarea')) {
    if (!editable) /** @type {HTMLInputElement} */ (el).disabled = true;
  }

  if (!can(user, 'embed')) {
    for (const el of sponsorFields) el.disabled = true;
  }

  load(base);
  if (!editable) {
    hero.disable(true);
    for (const el of [...bodyHolder.querySelectorAll('input, select, textarea, button'), ...bylines.element.querySelectorAll('button')]) {
      /** @type {HTMLInputElement} */ (el).disabled = true;
    }
    for (const el of bodyHolder.querySelectorAll('[contenteditable]')) el.setAttribute('contenteditable', 'false');
    saveButton.hidden = true;
  }
  // Added after the fields above were made read-only: the panel decides its own.
  if (corrections) bodyHolder.parentElement?.append(corrections.element);
  showStatus();
  drawActions();
  drawSharing();
  offerLocalCopy();

  const readOnly = article && !editable
    ? h('p', { class: 'banner', role: 'note' }, article.trashed_at ? 'This article is in the trash: restore it to change it.' : 'You may read this article but not change it.')
    : null;
  replace(
    main,
    h('div', { class: 'title-row' }, h('h1', null, !article ? 'New article' : editable ? 'Edit article' : 'Article'), article ? h('a', { href: `/admin/articles/${encodeURIComponent(article.id)}/revisions` }, 'Revisions') : null),
    readOnly,
    form,
    corrections?.forms,
  );
  if (editable) headline.focus();

  // --- local copy ----------------------------------------------------------------
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  function onEdit() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const now = read();
      if (changed(pristine, now).length) {
        localStorage.setItem(storageKey, JSON.stringify({ version: article?.version ?? 0, at: new Date().toISOString(), content: now }));
      } else {
        localStorage.removeItem(storageKey);
      }
      showStatus();
    }, 600);
  }
  form.addEventListener('input', onEdit);
  form.addEventListener('change', onEdit);
  watchUnsaved(() => unsavedFields().length > 0 || Boolean(corrections?.unsaved()));

  function offerLocalCopy() {
    const raw = localStorage.getItem(storageKey);
    if (!raw || !editable) return;
    /** @type {{version: number, at: string, content: Content}} */
    let saved;
    try {
      saved = JSON.parse(raw);
    } catch {
      localStorage.removeItem(storageKey);
      return;
    }
    if (changed(pristine, saved.content).length === 0) {
      localStorage.removeItem(storageKey);
      return;
    }
    restoreBanner.hidden = false;
    replace(
      restoreBanner,
      h('p', null, `This browser kept unsaved changes from ${when(saved.at)}${article && saved.version !== article.version ? ', made to an older version' : ''}.`),
      h('button', { type: 'button', onclick: () => { fill({ ...base, ...saved.content }); restoreBanner.hidden = true; showStatus(); } }, 'Restore them'),
      h('button', { type: 'button', class: 'quiet', onclick: () => { localStorage.removeItem(storageKey); restoreBanner.hidden = true; } }, 'Discard them'),
    );
  }

  function showStatus() {
    if (!article) {
      replace(status, 'Not saved yet.');
      return;
    }
    const dirty = unsavedFields().length > 0;
    replace(
      status,
      badge(article.status, article.trashed_at ? 'in trash' : article.status.replace('_', ' ')),
      article.status === 'scheduled' && article.publish_at ? ` for ${when(article.publish_at)}` : '',
      ` · version ${article.version}`,
      dirty ? ' · unsaved changes' : ' · saved',
    );
  }

  // --- saving --------------------------------------------------------------------
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await save();
  });

  /**
   * Saves what changed. Returns false when nothing was saved (an error is on screen).
   * @param {{force?: boolean}} [options]
   */
  async function save(options = {}) {
    clearErrors(form, formError);
    const now = read();
    saveButton.disabled = true;
    try {
      if (!article) {
        /** @type {Record<string, unknown>} */
        const create = {};
        // The creator is always the first author: send only the others.
        now.author_ids = (now.author_ids ?? []).filter((a) => a !== user.id);
        for (const f of FIELDS) {
          const v = now[f];
          if (v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) create[f] = v;
        }
        const { data } = await api('POST', '/api/v1/articles', { body: create });
        localStorage.removeItem(storageKey);
        watchUnsaved(null);
        toast('Draft created.');
        navigate(`/admin/articles/${encodeURIComponent(data.id)}`, { replace: true });
        return true;
      }
      const fields = changed(pristine, now);
      if (fields.length === 0 && !options.force) {
        showStatus();
        return true;
      }
      /** @type {Record<string, unknown>} */
      const patch = {};
      for (const f of fields) patch[f] = now[f];
      const { data } = await api('PATCH', `/api/v1/articles/${encodeURIComponent(article.id)}`, { body: patch, ifMatch: etagOf(article) });
      adopt(data);
      localStorage.removeItem(storageKey);
      toast('Saved.');
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 412 && article) {
        await conflict(now);
      } else {
        showErrors(form, formError, e, FIELD_NAMES);
      }
      return false;
    } finally {
      saveButton.disabled = false;
    }
  }

  /** @param {Article} fresh */
  function adopt(fresh) {
    article = fresh;
    base = contentOf(fresh);
    // The server may have tidied what was sent (sanitised text, a made slug).
    load(base);
    showStatus();
    drawActions();
    drawSharing();
    corrections?.update(fresh);
  }

  /** The preview links card, for whoever may edit the article; none while it is in the trash. */
  function drawSharing() {
    sharing?.toggle(Boolean(article && mayEdit(user, article) && !article.trashed_at));
  }

  /**
   * Someone saved since this page loaded: show what they changed next to what I
   * changed, and let me take theirs or keep mine on the fields I changed.
   * @param {Content} mine
   */
  async function conflict(mine) {
    if (!article) return;
    /** @type {Article} */
    const current = (await api('GET', `/api/v1/articles/${encodeURIComponent(article.id)}`)).data;
    const theirs = contentOf(current);
    const mineChanged = changed(pristine, mine);
    const theirsChanged = changed(base, theirs);
    const rows = [...new Set([...theirsChanged, ...mineChanged])].map((f) =>
      h(
        'tr',
        null,
        h('th', { scope: 'row' }, FIELD_NAMES[f]),
        h('td', null, show(theirs[f]), theirsChanged.includes(f) ? null : h('small', { class: 'muted' }, ' (unchanged)')),
        h('td', null, show(mine[f]), mineChanged.includes(f) ? null : h('small', { class: 'muted' }, ' (unchanged)')),
      ),
    );
    const dialog = h(
      'dialog',
      { class: 'conflict', 'aria-labelledby': 'conflict-title' },
      h('h2', { id: 'conflict-title' }, 'Someone else saved this article'),
      h('p', null, `Version ${current.version} was saved at ${when(current.updated_at)} while you were editing version ${article.version}.`),
      h('div', { class: 'table-wrap' }, h('table', null, h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Their version'), h('th', { scope: 'col' }, 'Your version'))), h('tbody', null, rows))),
      h('p', { class: 'muted' }, 'Keeping yours saves the fields you changed over theirs; their other changes stay.'),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', value: 'theirs', onclick: () => dialog.close('theirs') }, 'Load their version'),
        h('button', { type: 'button', class: 'primary', value: 'mine', onclick: () => dialog.close('mine') }, 'Keep my changes'),
        h('button', { type: 'button', class: 'quiet', onclick: () => dialog.close('cancel') }, 'Cancel'),
      ),
    );
    document.body.append(dialog);
    dialog.showModal();
    const choice = await new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true }));
    dialog.remove();
    if (choice === 'theirs') {
      localStorage.removeItem(storageKey);
      adopt(current);
      toast('Loaded their version.');
    } else if (choice === 'mine') {
      article = current;
      base = theirs;
      load(theirs);
      const merged = { ...pristine };
      for (const f of mineChanged) /** @type {any} */ (merged)[f] = mine[f];
      fill(merged);
      await save();
    }
  }

  /** Shows what readers will get from the text as it is now, saved or not. */
  function preview() {
    // Bylines name authors: theirs first, then accounts that have none yet.
    const names = new Map([
      ...people.map((p) => /** @type {[string, string]} */ ([p.id, p.display_name])),
      ...bylineAuthors.map((a) => /** @type {[string, string]} */ ([a.id, a.name])),
    ]);
    const refs = {
      section: sections.find((/** @type {Schemas['SectionResponse']} */ s) => s.id === section.value)?.name ?? '',
      names,
      polls: new Map(polls.map((/** @type {Schemas['PollResponse']} */ p) => [p.id, p.title])),
      sponsored: new Map(sponsored.map((/** @type {Schemas['SponsoredResponse']} */ s) => [s.id, `${s.title} (${s.sponsor_name})`])),
    };
    const dialog = h(
      'dialog',
      { class: 'preview', 'aria-label': 'Preview' },
      h('div', { class: 'buttons preview-bar' }, h('strong', null, 'Preview'), h('button', { type: 'button', onclick: () => dialog.close() }, 'Close preview')),
      renderPreview(read(), refs),
    );
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  }

  // --- workflow --------------------------------------------------------------------
  function drawActions() {
    if (!article) {
      replace(actionBar);
      return;
    }
    const open = actions(user, article, Boolean(article.trashed_at));
    replace(
      actionBar,
      open.map((a) => h('button', { type: 'button', class: a === 'trash' ? 'danger' : '', onclick: () => act(a) }, ACTION_LABELS[a])),
    );
  }

  /** @param {ReturnType<typeof actions>[number]} action */
  async function act(action) {
    if (!article) return;
    clearErrors(form, formError);
    if (action !== 'trash' && action !== 'restore' && unsavedFields().length) {
      if (!(await save())) return;
    }
    const path = `/api/v1/articles/${encodeURIComponent(article.id)}`;
    try {
      if (action === 'trash') {
        if (await deleteAndLeave('Move this article to the trash?', path, article, 'Moved to the trash.', '/admin/articles')) localStorage.removeItem(storageKey);
        return;
      }
      if (action === 'schedule') {
        const at = await askWhen();
        if (!at) return;
        const { data } = await api('POST', `${path}/publish`, { body: { publish_at: at }, ifMatch: etagOf(article) });
        adopt(data);
        toast(`Scheduled for ${when(at)}.`);
        status.focus();
        return;
      }
      const verb = action === 'restore' ? 'restore' : action;
      const { data } = await api('POST', `${path}/${verb}`, { ifMatch: etagOf(article) });
      adopt(data);
      toast(DONE[action]);
      status.focus();
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        toast('Someone changed this article; it has been reloaded. Try again.', 'error');
        adopt((await api('GET', path)).data);
      } else {
        showErrors(form, formError, e, FIELD_NAMES);
      }
    }
  }
}

/**
 * Asks for a publication time in a chosen time zone; the answer is an RFC 3339 instant.
 * @returns {Promise<string | null>}
 */
function askWhen() {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  // Chromium's list leaves out UTC itself, which newsrooms use.
  const zones = ['UTC', ...known.filter((z) => z !== 'UTC')];
  const preferred = zones.includes(localZone) ? localZone : 'UTC';
  const input = h('input', { type: 'datetime-local', required: true });
  const zone = h('select', null, zones.map((z) => h('option', { value: z, selected: z === preferred }, z)));
  const error = h('p', { class: 'form-error', role: 'alert' });
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'schedule-title' },
    h('form', { method: 'dialog' },
      h('h2', { id: 'schedule-title' }, 'Schedule publication'),
      field('Publish at', input),
      field('Time zone', zone),
      error,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', value: 'ok' }, 'Schedule'), h('button', { type: 'submit', class: 'quiet', value: 'cancel', formnovalidate: true }, 'Cancel')),
    ),
  );
  // A time already past would publish at once, back-dated: that is "Publish now".
  dialog.querySelector('form')?.addEventListener('submit', (event) => {
    if (/** @type {SubmitEvent} */ (event).submitter?.getAttribute('value') !== 'ok' || !input.value) return;
    if (Date.parse(zonedToUtc(input.value, zone.value)) <= Date.now()) {
      event.preventDefault();
      replace(error, 'Choose a time in the future (to publish now, use “Publish now”).');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (dialog.returnValue !== 'ok' || !input.value) return resolve(null);
      resolve(zonedToUtc(input.value, zone.value));
    }, { once: true });
  });
}

/** @param {unknown} value */
function show(value) {
  if (value === null || value === undefined || value === '') return h('em', { class: 'muted' }, '(empty)');
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  if (Array.isArray(value)) {
    return h('ol', { class: 'diff-blocks' }, value.map((/** @type {any} */ b) => h('li', null, `${b.type}: ${plainText(b.text ?? (b.url || (b.asset_id ? `library image ${b.asset_id}` : null)) ?? b.poll_id ?? b.block_id ?? (b.items ?? []).join(' / '))}`)));
  }
  if (typeof value === 'object') return Object.entries(/** @type {object} */ (value)).filter(([, v]) => v).map(([k, v]) => `${k}: ${plainText(String(v))}`).join(' · ');
  return String(value);
}

/** How many authors the byline picker reads at most. */
const BYLINE_AUTHORS_CAP = 500;

/**
 * The byline: authors in order, added from a list, moved and removed by buttons. The
 * list offers every author, then the newsroom's people who have no author yet (naming
 * one makes their author). An id in the byline is named by its author (by the author's
 * id, or by the account linked to it), else by the person. A writer keeps their own
 * place in the byline: the API refuses a byline without them.
 * @param {Array<Schemas['Person']>} people
 * @param {Array<Schemas['AuthorResponse']>} authorList
 * @param {import('../api.js').User} user
 * @param {() => void} onChange
 */
function bylineEditor(people, authorList, user, onChange) {
  /** @type {string[]} */
  let ids = [];
  const byId = new Map(authorList.map((a) => [a.id, a]));
  /** Authors by the account linked to them. */
  const byUser = new Map(authorList.filter((a) => a.user_id).map((a) => [/** @type {string} */ (a.user_id), a]));
  const personById = new Map(people.map((p) => [p.id, p]));
  /** The author an id names: an author's id, or a user's id naming the author linked to them. */
  const authorOf = (/** @type {string} */ id) => byId.get(id) ?? byUser.get(id);
  /** One key per author, whichever id names them. */
  const key = (/** @type {string} */ id) => authorOf(id)?.id ?? id;
  const nameOf = (/** @type {string} */ id) => authorOf(id)?.name ?? personById.get(id)?.display_name ?? 'someone';
  const mine = (/** @type {string} */ id) => id === user.id || key(id) === key(user.id);
  const keepsSelf = user.role === 'writer';
  const list = h('ol', { class: 'bylines' });
  const pick = h('select', null);
  const add = h('button', { type: 'button', onclick: () => {
    if (!pick.value) return;
    ids.push(pick.value);
    draw();
    onChange();
  } }, 'Add author');
  function draw() {
    replace(
      list,
      ids.map((id, i) =>
        h(
          'li',
          null,
          h('span', null, nameOf(id)),
          h('button', { type: 'button', class: 'quiet', disabled: i === 0, 'aria-label': `Move ${nameOf(id)} up`, onclick: () => { ids.splice(i - 1, 0, ...ids.splice(i, 1)); draw(); onChange(); } }, '↑'),
          h('button', {
            type: 'button',
            class: 'quiet danger',
            disabled: ids.length === 1 || (keepsSelf && mine(id)),
            'aria-label': `Remove ${nameOf(id)}`,
            title: keepsSelf && mine(id) ? 'Writers keep their own byline.' : null,
            onclick: () => { ids.splice(i, 1); draw(); onChange(); },
          }, 'Remove'),
        ),
      ),
    );
    const named = new Set(ids.map(key));
    // An author linked to a deactivated account is left out, as that account is.
    const offered = authorList.filter((a) => !named.has(a.id) && !(a.user_id && personById.get(a.user_id)?.active === false));
    const accounts = people.filter((p) => p.active && !authorOf(p.id) && !named.has(p.id));
    replace(
      pick,
      h('option', { value: '' }, 'Choose an author'),
      offered.length ? h('optgroup', { label: 'Authors' }, offered.map((a) => h('option', { value: a.id }, a.job_title ? `${a.name}, ${a.job_title}` : a.name))) : null,
      accounts.length ? h('optgroup', { label: 'Newsroom accounts without a byline yet' }, accounts.map((p) => h('option', { value: p.id }, `${p.display_name} (account)`))) : null,
    );
  }
  return {
    element: h('div', { class: 'field' }, h('span', { class: 'label', id: 'bylines-label' }, 'Authors'), list, h('div', { class: 'add-block' }, field('Add an author', pick), add)),
    read: () => [...ids],
    /** @param {string[]} next */
    set: (next) => {
      ids = [...next];
      draw();
    },
  };
}
