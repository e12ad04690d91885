// What readers will get: the article as the editor has it now (saved or not), laid out
// like a news page, with the paywall's cut where metered and premium readers meet it.
// Inline text goes through inline.js; everything else is text.

import { h } from './dom.js';
import { setInline } from './inline.js';
import { knownAsset, renditionUrl } from './media.js';

/** @typedef {import('./api.js').Schemas} Schemas */
/**
 * @typedef {{headline: string, kicker: string | null, standfirst: string | null, dateline: string | null,
 *   access: Schemas['Access'], preview_blocks: number | null, hero_image: import('./media.js').ImageRef | null, body: Schemas['Block'][],
 *   author_ids?: string[]}} Previewed
 */

/**
 * @param {Previewed} c
 * @param {{section: string, names: Map<string, string>, polls: Map<string, string>, sponsored: Map<string, string>}} refs
 */
export function renderPreview(c, refs) {
  const cut = c.access === 'free' ? null : c.preview_blocks ?? 2;
  /** @type {HTMLElement[]} */
  const blocks = [];
  c.body.forEach((b, i) => {
    if (cut !== null && i === cut) {
      blocks.push(h('div', { class: 'paywall-cut' }, c.access === 'premium' ? 'Subscribers read on from here.' : 'Readers past their free articles stop here.'));
    }
    blocks.push(block(b, refs));
  });
  return h(
    'article',
    { class: 'preview-page', lang: document.documentElement.lang || 'en' },
    h('p', { class: 'preview-kicker' }, [c.kicker, refs.section].filter(Boolean).join(' · ')),
    h('h1', null, c.headline || '(no headline)'),
    c.standfirst ? h('p', { class: 'preview-standfirst' }, c.standfirst) : null,
    h('p', { class: 'preview-byline' }, (c.author_ids ?? []).map((id) => refs.names.get(id) ?? 'someone').join(', '), c.dateline ? ` · ${c.dateline}` : ''),
    c.hero_image ? figure(c.hero_image) : null,
    blocks,
  );
}

/**
 * An image as readers get it: the article's alt, caption and credit, or the library's
 * where the article leaves them empty.
 * @param {import('./media.js').ImageRef} img
 */
function figure(img) {
  const asset = knownAsset(img.asset_id);
  const caption = h('figcaption', null);
  setInline(caption, [img.caption || asset?.caption, img.credit || asset?.credit].filter(Boolean).join(' · '));
  const src = asset?.renditions ? renditionUrl(asset.renditions, 1280) : img.url;
  return h('figure', null, h('img', { src, alt: img.alt || asset?.alt || '', loading: 'lazy', referrerpolicy: 'no-referrer' }), caption);
}

/**
 * @param {Schemas['Block']} b
 * @param {{polls: Map<string, string>, sponsored: Map<string, string>}} refs
 */
function block(b, refs) {
  /** @param {HTMLElement} el @param {string} html */
  const inline = (el, html) => {
    setInline(el, html);
    return el;
  };
  switch (b.type) {
    case 'paragraph':
      return inline(h('p'), b.text);
    case 'heading':
      return inline(h(b.level === 3 ? 'h3' : b.level === 4 ? 'h4' : 'h2'), b.text);
    case 'quote':
      return h('blockquote', null, inline(h('p'), b.text), b.attribution ? inline(h('footer'), b.attribution) : null);
    case 'list':
      return h(b.style === 'number' ? 'ol' : 'ul', null, b.items.map((item) => inline(h('li'), item)));
    case 'image':
      return figure(b);
    case 'embed':
      return h('div', { class: 'preview-embed' }, `${b.provider || 'Embed'}: ${b.url}`);
    case 'poll':
      return h('div', { class: 'preview-embed' }, `Poll: ${refs.polls.get(b.poll_id) ?? '(not chosen)'}`);
    case 'sponsored':
      return h('div', { class: 'preview-embed sponsored' }, `Sponsored: ${refs.sponsored.get(b.block_id) ?? '(not chosen)'} (shown only during its flight)`);
  }
}
