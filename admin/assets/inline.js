// Inline text of blocks: the server allows `a[href]`, `em`, `strong` and `br` and
// sanitises the rest. The editor shows it in a contenteditable element; text goes in
// and out only through the two walks below, which keep those four elements and turn
// everything else into its text, so nothing else a page could carry (scripts,
// handlers, styles) ever reaches the DOM or the server.

/**
 * Fills `el` with the inline HTML `html`, keeping only the allowed elements.
 * @param {HTMLElement} el
 * @param {string} html
 */
export function setInline(el, html) {
  // A document made by DOMParser runs no scripts and loads nothing.
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  el.replaceChildren(...copyAllowed(parsed.body));
}

/**
 * @param {Node} from
 * @returns {Node[]}
 */
function copyAllowed(from) {
  /** @type {Node[]} */
  const out = [];
  for (const node of Array.from(from.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE) {
      out.push(document.createTextNode(node.textContent ?? ''));
    } else if (node instanceof Element) {
      const tag = node.tagName.toLowerCase();
      if (tag === 'br') {
        out.push(document.createElement('br'));
      } else if (tag === 'em' || tag === 'i' || tag === 'strong' || tag === 'b') {
        const el = document.createElement(tag === 'i' || tag === 'em' ? 'em' : 'strong');
        el.append(...copyAllowed(node));
        out.push(el);
      } else if (tag === 'a' && allowedHref(node.getAttribute('href'))) {
        const a = document.createElement('a');
        a.setAttribute('href', /** @type {string} */ (node.getAttribute('href')));
        a.append(...copyAllowed(node));
        out.push(a);
      } else if (tag !== 'script' && tag !== 'style' && tag !== 'template') {
        out.push(...copyAllowed(node));
      }
    }
  }
  return out;
}

/** @param {string | null} href */
export function allowedHref(href) {
  return Boolean(href && /^(https?:\/\/|mailto:)/i.test(href.trim()));
}

/**
 * The inline HTML of what `el` shows: text escaped, the allowed elements written out,
 * line breaks (and the blocks a browser makes on Enter) as `<br>`.
 * @param {Node} el
 * @returns {string}
 */
export function getInline(el) {
  let out = '';
  el.childNodes.forEach((node, index) => {
    if (node.nodeType === Node.TEXT_NODE) {
      out += escape(node.textContent ?? '');
    } else if (node instanceof Element) {
      const tag = node.tagName.toLowerCase();
      const inner = getInline(node);
      if (tag === 'br') out += '<br>';
      else if (tag === 'em' || tag === 'i') out += inner ? `<em>${inner}</em>` : '';
      else if (tag === 'strong' || tag === 'b') out += inner ? `<strong>${inner}</strong>` : '';
      else if (tag === 'a' && allowedHref(node.getAttribute('href'))) {
        out += `<a href="${escape(/** @type {string} */ (node.getAttribute('href')).trim())}">${inner}</a>`;
      } else if ((tag === 'div' || tag === 'p') && index > 0) out += `<br>${inner}`;
      else out += inner;
    }
  });
  return out.replace(/(<br>)+$/, '');
}

/**
 * Plain text (what a plain input holds) as inline HTML.
 * @param {string} text
 */
export function escapeText(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Text taken from the editable DOM: safe in an attribute too, and the no-break spaces
 * a browser puts in edited text made plain.
 * @param {string} text
 */
function escape(text) {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\u00a0/g, ' ');
}

/**
 * The plain text of inline HTML (for lists, diffs and plain inputs), each line break a
 * newline.
 * @param {string | null | undefined} html
 */
export function plainText(html) {
  if (!html) return '';
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html.replace(/<br>/g, '\n')}`, 'text/html');
  return parsed.body.textContent ?? '';
}
