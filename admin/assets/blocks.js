// The block editor: an article body as a list of cards, one per block, each with the
// fields of its type; add, move up and down, delete. Text blocks edit inline HTML
// (bold, italic, links) through inline.js.

import { field, h } from './dom.js';
import { allowedHref, escapeText, getInline, plainText, setInline } from './inline.js';
import { imageSource, sourceFields } from './media.js';

/** @typedef {import('./api.js').Schemas['Block']} Block */
/** @typedef {{polls: Array<{id: string, title: string}>, sponsored: Array<{id: string, title: string, sponsor_name: string}>, mayEmbed: boolean}} Pickers */

/** @type {Array<[Block['type'], string]>} */
export const BLOCK_TYPES = [
  ['paragraph', 'Paragraph'],
  ['heading', 'Heading'],
  ['image', 'Image'],
  ['quote', 'Quote'],
  ['list', 'List'],
  ['embed', 'Embed'],
  ['poll', 'Poll'],
  ['sponsored', 'Sponsored block'],
];

/**
 * An empty block of a type.
 * @param {Block['type']} type
 * @returns {Block}
 */
export function emptyBlock(type) {
  switch (type) {
    case 'heading':
      return { type, text: '', level: 2 };
    case 'image':
      return { type, url: '', alt: null, caption: null, credit: null };
    case 'quote':
      return { type, text: '', attribution: null };
    case 'list':
      return { type, style: 'bullet', items: [] };
    case 'embed':
      return { type, provider: '', url: '' };
    case 'poll':
      return { type, poll_id: '' };
    case 'sponsored':
      return { type, block_id: '' };
    default:
      return { type: 'paragraph', text: '' };
  }
}

/**
 * The body editor. `read()` gives the blocks as they stand; `onChange` is called on
 * every edit.
 * @param {Block[]} initial
 * @param {Pickers} pickers
 * @param {() => void} onChange
 */
export function blockEditor(initial, pickers, onChange) {
  const list = h('ol', { class: 'blocks', 'aria-label': 'Body blocks' });
  /** @type {Array<{read: () => Block, card: HTMLElement}>} */
  let cards = [];

  /** @param {Block} block @param {number} at */
  function insert(block, at) {
    const card = blockCard(block, pickers, onChange, {
      up: () => move(card, -1),
      down: () => move(card, 1),
      remove: () => {
        const i = indexOf(card);
        cards.splice(i, 1);
        card.remove();
        renumber();
        onChange();
        (cards[i] ?? cards[i - 1])?.card.querySelector('button')?.focus();
      },
      after: (/** @type {Block} */ next) => {
        const added = insert(next, indexOf(card) + 1);
        onChange();
        /** @type {HTMLElement | null} */ (added.querySelector('[contenteditable]'))?.focus();
      },
    });
    const entry = { read: card.read, card };
    cards.splice(at, 0, entry);
    list.insertBefore(card, list.children[at] ?? null);
    renumber();
    return card;
  }

  /** @param {HTMLElement} card */
  function indexOf(card) {
    return cards.findIndex((c) => c.card === card);
  }

  /** @param {HTMLElement} card @param {number} by */
  function move(card, by) {
    const i = indexOf(card);
    const j = i + by;
    if (j < 0 || j >= cards.length) return;
    const [entry] = cards.splice(i, 1);
    cards.splice(j, 0, /** @type {typeof cards[number]} */ (entry));
    list.insertBefore(card, by < 0 ? list.children[j] ?? null : list.children[j + 1] ?? null);
    renumber();
    onChange();
    /** @type {HTMLButtonElement | null} */ (card.querySelector(by < 0 ? '[data-move=up]' : '[data-move=down]'))?.focus();
  }

  // Names carry the block's place ("Paragraph text, block 3") so that twenty paragraphs
  // do not read as twenty identical controls, and errors about `body[2]` find block 3.
  function renumber() {
    cards.forEach((c, i) => {
      c.card.setAttribute('aria-label', `Block ${i + 1} of ${cards.length}`);
      for (const el of c.card.querySelectorAll('[data-name]')) el.setAttribute('aria-label', `${el.getAttribute('data-name')}, block ${i + 1}`);
      c.card.querySelector('[data-error-for]')?.setAttribute('data-error-for', `body[${i}]`);
      c.card.querySelector('[data-field]')?.setAttribute('data-field', `body[${i}]`);
    });
  }

  initial.forEach((b, i) => insert(b, i));

  const type = h(
    'select',
    { 'aria-label': 'Type of block to add' },
    BLOCK_TYPES.filter(([t]) => pickers.mayEmbed || (t !== 'poll' && t !== 'sponsored')).map(([t, label]) =>
      h('option', { value: t }, label),
    ),
  );
  const add = h('div', { class: 'add-block' }, type, h('button', {
    type: 'button',
    onclick: () => {
      const card = insert(emptyBlock(/** @type {Block['type']} */ (type.value)), cards.length);
      onChange();
      /** @type {HTMLElement | null} */ (card.querySelector('[contenteditable], input, select, textarea'))?.focus();
    },
  }, 'Add block'));

  return {
    element: h('div', { class: 'body-editor' }, list, add),
    /** @returns {Block[]} An empty paragraph is no block (as in Ghost's editor): Enter at the end of one makes one. */
    read: () => cards.map((c) => c.read()).filter((b) => !(b.type === 'paragraph' && !b.text.trim())),
  };
}

/**
 * @typedef {HTMLElement & {read: () => Block}} Card
 * @param {Block} block
 * @param {Pickers} pickers
 * @param {() => void} onChange
 * @param {{up: () => void, down: () => void, remove: () => void, after: (b: Block) => void}} ops
 * @returns {Card}
 */
function blockCard(block, pickers, onChange, ops) {
  const label = BLOCK_TYPES.find(([t]) => t === block.type)?.[1] ?? block.type;
  /** @type {() => Block} */
  let read;
  /** @type {import('./dom.js').Child[]} */
  let fields;
  switch (block.type) {
    case 'paragraph': {
      const text = richText(block.text, `${label} text`, onChange, (rest) => ops.after({ type: 'paragraph', text: rest }));
      fields = [text.element];
      read = () => ({ type: 'paragraph', text: text.read() });
      break;
    }
    case 'heading': {
      const text = h('input', { type: 'text', value: plainText(block.text), 'data-name': 'Heading text' });
      const level = h('select', { 'data-name': 'Heading level' }, [2, 3, 4].map((l) => h('option', { value: String(l), selected: l === block.level }, `Level ${l}`)));
      fields = [h('div', { class: 'row' }, text, level)];
      read = () => ({ type: 'heading', text: escapeText(text.value), level: Number(level.value) });
      break;
    }
    case 'image': {
      const alt = h('input', { type: 'text', value: block.alt ?? '' });
      const source = imageSource({
        urlLabel: 'Image URL',
        url: block.url,
        assetId: block.asset_id,
        onChange,
        // The block's own alt text wins; the library's fills it when left empty.
        onAsset: (asset) => { alt.placeholder = asset?.alt ? `From the library: ${asset.alt}` : ''; },
      });
      const caption = richText(block.caption ?? '', 'Caption', onChange);
      const credit = h('input', { type: 'text', value: plainText(block.credit) });
      fields = [source.element, field('Alt text', alt, { hint: 'What the image shows, for readers who cannot see it.' }), h('div', { class: 'field' }, h('span', { class: 'label' }, 'Caption'), caption.element), field('Credit', credit)];
      read = () => ({
        type: 'image',
        ...sourceFields(source.read()),
        alt: alt.value.trim() || null,
        caption: caption.read() || null,
        credit: escapeText(credit.value.trim()) || null,
      });
      break;
    }
    case 'quote': {
      const text = richText(block.text, 'Quote text', onChange);
      const attribution = h('input', { type: 'text', value: plainText(block.attribution) });
      fields = [text.element, field('Attribution', attribution)];
      read = () => ({ type: 'quote', text: text.read(), attribution: escapeText(attribution.value.trim()) || null });
      break;
    }
    case 'list': {
      const style = h('select', null, h('option', { value: 'bullet', selected: block.style === 'bullet' }, 'Bullets'), h('option', { value: 'number', selected: block.style === 'number' }, 'Numbers'));
      // One item a line: a line break inside an item would split it in two.
      const items = h('textarea', { rows: 4, value: block.items.map((item) => plainText(item).replace(/\n/g, '')).join('\n') });
      fields = [field('List style', style), field('Items', items, { hint: 'One item per line.' })];
      read = () => ({
        type: 'list',
        style: style.value === 'number' ? 'number' : 'bullet',
        items: items.value.split('\n').map((s) => s.trim()).filter(Boolean).map(escapeText),
      });
      break;
    }
    case 'embed': {
      const provider = h('input', { type: 'text', value: block.provider, placeholder: 'youtube' });
      const url = h('input', { type: 'url', value: block.url });
      fields = [h('div', { class: 'row' }, field('Provider', provider), field('Embed URL', url))];
      read = () => ({ type: 'embed', provider: provider.value.trim(), url: url.value.trim() });
      break;
    }
    case 'poll': {
      const pick = picker('Poll', block.poll_id, pickers.polls.map((p) => [p.id, p.title]), !pickers.mayEmbed);
      fields = [pick];
      read = () => ({ type: 'poll', poll_id: /** @type {HTMLSelectElement} */ (pick.querySelector('select')).value });
      break;
    }
    case 'sponsored': {
      const pick = picker('Sponsored block', block.block_id, pickers.sponsored.map((s) => [s.id, `${s.title} (${s.sponsor_name})`]), !pickers.mayEmbed);
      fields = [pick];
      read = () => ({ type: 'sponsored', block_id: /** @type {HTMLSelectElement} */ (pick.querySelector('select')).value });
      break;
    }
  }
  const card = /** @type {Card} */ (/** @type {unknown} */ (
    h(
      'li',
      { class: `block ${block.type}` },
      h(
        'div',
        { class: 'block-bar' },
        h('span', { class: 'block-type' }, label),
        h('button', { type: 'button', class: 'quiet', 'data-move': 'up', onclick: ops.up, 'data-name': `Move ${label.toLowerCase()} up` }, '↑'),
        h('button', { type: 'button', class: 'quiet', 'data-move': 'down', onclick: ops.down, 'data-name': `Move ${label.toLowerCase()} down` }, '↓'),
        h('button', { type: 'button', class: 'quiet danger', onclick: ops.remove, 'data-name': `Delete ${label.toLowerCase()}` }, 'Delete'),
      ),
      fields,
      h('small', { class: 'error', 'data-error-for': 'body[0]' }),
    )
  ));
  card.dataset.type = block.type;
  card.querySelector('[contenteditable], input, select, textarea')?.setAttribute('data-field', 'body[0]');
  card.read = read;
  card.addEventListener('input', onChange);
  card.addEventListener('change', onChange);
  return card;
}

/**
 * @param {string} label
 * @param {string} current
 * @param {Array<[string, string]>} options
 * @param {boolean} readOnly
 */
function picker(label, current, options, readOnly) {
  const known = options.some(([id]) => id === current);
  const select = h(
    'select',
    { disabled: readOnly },
    h('option', { value: '' }, `Choose a ${label.toLowerCase()}`),
    known || !current ? null : h('option', { value: current, selected: true }, `(${current})`),
    options.map(([id, text]) => h('option', { value: id, selected: id === current }, text)),
  );
  return field(label, select, { hint: readOnly ? 'Only editors choose embeds.' : '' });
}

/**
 * A contenteditable line of inline text with bold, italic and link buttons.
 * @param {string} html
 * @param {string} label
 * @param {() => void} onChange
 * @param {(rest: string) => void} [onEnter] Enter splits the text at the caret and starts a new
 *   block with what followed it (Shift+Enter breaks the line)
 */
export function richText(html, label, onChange, onEnter) {
  const area = h('div', { class: 'rich', contenteditable: 'true', role: 'textbox', 'aria-multiline': 'true', 'data-name': label, 'aria-label': label, spellcheck: 'true' });
  setInline(area, html);
  /** @param {string} command @param {string} [value] */
  const exec = (command, value) => {
    area.focus();
    document.execCommand(command, false, value);
    onChange();
  };
  const link = () => {
    const url = prompt('Link to (https://…)');
    if (url === null) return;
    if (!allowedHref(url)) {
      alert('Links must start with http://, https:// or mailto:.');
      return;
    }
    exec('createLink', url.trim());
  };
  area.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && onEnter) {
      event.preventDefault();
      onEnter(cutAfterCaret(area));
      onChange();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      exec('insertLineBreak');
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
      event.preventDefault();
      link();
    }
  });
  // Pasted text arrives as text: styles and markup from other pages stay behind.
  area.addEventListener('paste', (event) => {
    event.preventDefault();
    const lines = (event.clipboardData?.getData('text/plain') ?? '').split(/\r?\n/);
    lines.forEach((line, i) => {
      if (i > 0) document.execCommand('insertLineBreak');
      if (line) document.execCommand('insertText', false, line);
    });
  });
  const tools = h(
    'div',
    { class: 'tools', role: 'toolbar', 'aria-label': `${label} formatting` },
    h('button', { type: 'button', class: 'quiet', onclick: () => exec('bold'), title: 'Bold (Ctrl+B)', 'aria-label': 'Bold' }, h('strong', null, 'B')),
    h('button', { type: 'button', class: 'quiet', onclick: () => exec('italic'), title: 'Italic (Ctrl+I)', 'aria-label': 'Italic' }, h('em', null, 'I')),
    h('button', { type: 'button', class: 'quiet', onclick: link, title: 'Link (Ctrl+K)', 'aria-label': 'Link' }, 'Link'),
  );
  return { element: h('div', { class: 'rich-wrap' }, tools, area), read: () => getInline(area) };
}

/**
 * Removes what follows the caret (or the selection) in `area` and returns it as
 * inline HTML: Enter in the middle of a paragraph splits it there.
 * @param {HTMLElement} area
 */
function cutAfterCaret(area) {
  const selection = getSelection();
  if (!selection || selection.rangeCount === 0 || !area.contains(selection.anchorNode)) return '';
  const range = selection.getRangeAt(0);
  range.deleteContents();
  const tail = document.createRange();
  tail.setStart(range.endContainer, range.endOffset);
  tail.setEnd(area, area.childNodes.length);
  const holder = document.createElement('div');
  holder.append(tail.extractContents());
  return getInline(holder);
}
