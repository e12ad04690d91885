// DOM building from plain values. Strings always become text nodes, never markup, so
// whatever a user typed is shown escaped; the only HTML the client ever parses is an
// article's inline text, and that goes through `inline.js`.

/** @typedef {Node | string | number | null | undefined | false | any[]} Child a node, text, or a list of children */

/**
 * An element with attributes, properties, listeners (`onclick`...) and children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    } else if (key === 'class') {
      el.className = String(value);
    } else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'disabled') {
      /** @type {any} */ (el)[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/**
 * @param {Node} parent
 * @param {Child[]} children
 */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * Replaces an element's children.
 * @param {Element} el
 * @param {...Child} children
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * A labelled form field: the label names the control (for screen readers and for
 * tests), a hint and an error are tied to it with aria-describedby.
 * @param {string} label
 * @param {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | HTMLElement} control
 * @param {{hint?: string, name?: string}} [options]
 */
export function field(label, control, options = {}) {
  const id = control.id || `f-${++fieldCount}`;
  control.id = id;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  control.setAttribute('aria-describedby', `${hintId} ${errorId}`);
  if (options.name) control.dataset.field = options.name;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    h('small', { id: hintId, class: 'hint' }, options.hint ?? ''),
    h('small', { id: errorId, class: 'error', 'data-error-for': options.name ?? '' }),
  );
}
let fieldCount = 0;

/**
 * A state (an article's status, a poll's or a campaign's state) as a badge; app.css
 * colours it by the state's class.
 * @param {string} state
 * @param {string} [text] the words shown, when they are not the state's own
 */
export function badge(state, text = state) {
  return h('span', { class: `badge ${state}` }, text);
}

/**
 * A link only to http(s); anything else (javascript:, data:) is not a link.
 * @param {string | null | undefined} url
 */
export function safeHref(url) {
  if (!url) return null;
  try {
    const u = new URL(url, location.origin);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * Shows a short message to screen readers and sighted users alike.
 * @param {string} text
 * @param {'info' | 'error'} [kind]
 */
export function toast(text, kind = 'info') {
  const item = h('p', { class: `toast ${kind}` }, text);
  const box = toastRegion();
  box.appendChild(item);
  setTimeout(() => item.remove(), 5000);
}

/**
 * The live region toasts are spoken from. Made when the page starts: a screen reader
 * only announces changes to a region that was already there.
 */
export function toastRegion() {
  let box = document.getElementById('toasts');
  if (!box) {
    box = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(box);
  }
  return box;
}

/**
 * A secret the API shows once (a webhook's signing secret, an API key), with a Copy
 * button. The box says it will not be shown again and stays until dismissed.
 * @param {string} title  e.g. "Signing secret"
 * @param {string} secret
 * @param {string} explanation  what it is for, and what to do if it is lost
 */
export function secretBox(title, secret, explanation) {
  const value = h('input', { type: 'text', readonly: true, value: secret, class: 'secret-value', spellcheck: 'false', autocomplete: 'off' });
  const copied = h('span', { class: 'copied', 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', class: 'primary' }, 'Copy');
  const done = h('button', { type: 'button' }, 'I have stored it');
  copy.addEventListener('click', async () => {
    value.select();
    try {
      // The Clipboard API needs a secure context (HTTPS, or this machine); elsewhere
      // the browser's copy command still copies the selected text.
      if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(secret);
      else if (!document.execCommand('copy')) throw new Error('not copied');
      replace(copied, 'Copied to the clipboard.');
    } catch {
      replace(copied, `The browser did not let the page copy: the ${title.toLowerCase()} is selected, press Ctrl+C (⌘C) to copy it.`);
    }
  });
  const box = h(
    'section',
    { class: 'secret-box', 'aria-labelledby': 'secret-title' },
    h('h2', { id: 'secret-title' }, title),
    h('p', null, h('strong', null, 'Copy it now: it will not be shown again.'), ` ${explanation}`),
    h('div', { class: 'secret-row' }, field(title, value), copy),
    copied,
    h('div', { class: 'buttons' }, done),
  );
  done.addEventListener('click', () => {
    box.remove();
    document.querySelector('h1')?.focus();
  });
  return { box, value };
}
