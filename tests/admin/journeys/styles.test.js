// What the stylesheet decides and a journey can measure: the focus ring and the
// borders of form controls stand out from the page (WCAG 1.4.11, non-text contrast of
// at least 3:1 on the white of cards and the grey of the page), the ring is seen on the
// dark header too, and a line break typed in a paragraph (Shift+Enter) is a <br>, not a
// newline character.
//
// The UI contract this journey holds the client to:
//   - the keyboard's focus is drawn as an outline of at least 2 px whose colour has a
//     contrast of 3:1 or more with --paper and --wash, or with the header's background
//     inside the header;
//   - inputs and buttons have borders of 3:1 or more against --paper and --wash;
//   - in a paragraph, Shift+Enter breaks the line with a <br>, saved as `<br>`.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { admin, api, createUser, login, openJourney, signIn, visible } from './lib.js';

/** @typedef {import('playwright-core').Page} Page */

/**
 * The focused element's outline, and the contrast of a colour of it (its outline or its
 * border) with the page's --paper and --wash and with the header's background, all
 * computed in the page.
 * @param {Page} page
 * @param {'outline' | 'border'} what
 * @param {string} [selector] the element; the focused one when absent
 */
function measure(page, what, selector) {
  return page.evaluate(
    ([what, selector]) => {
      /** @param {string} css */
      const rgb = (css) => {
        const probe = document.createElement('i');
        probe.style.color = css;
        document.body.append(probe);
        const m = getComputedStyle(probe).color.match(/[\d.]+/g) ?? [];
        probe.remove();
        return m.slice(0, 3).map(Number);
      };
      /** @param {number[]} c */
      const luminance = (c) =>
        c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
      /** @param {string} a @param {string} b */
      const ratio = (a, b) => {
        const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((p, q) => q - p);
        return Math.round(((x + 0.05) / (y + 0.05)) * 100) / 100;
      };
      const el = /** @type {HTMLElement | null} */ (selector ? document.querySelector(selector) : document.activeElement);
      if (!el) return null;
      const style = getComputedStyle(el);
      const colour = what === 'outline' ? style.outlineColor : style.borderTopColor;
      const root = getComputedStyle(document.documentElement);
      const header = document.querySelector('header.top');
      return {
        name: `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 30)}"`,
        style: what === 'outline' ? style.outlineStyle : style.borderTopStyle,
        width: parseFloat(what === 'outline' ? style.outlineWidth : style.borderTopWidth),
        inHeader: Boolean(header?.contains(el)),
        paper: ratio(colour, root.getPropertyValue('--paper')),
        wash: ratio(colour, root.getPropertyValue('--wash')),
        header: header ? ratio(colour, getComputedStyle(header).backgroundColor) : 0,
      };
    },
    /** @type {[string, string | undefined]} */ ([what, selector]),
  );
}

/**
 * Presses Tab until the focus is on an element matching `selector`.
 * @param {Page} page
 * @param {string} selector
 */
async function tabTo(page, selector) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

test('styles: focus and border contrast, line breaks in rich text', { timeout: 120_000 }, async (t) => {
  const token = await login(admin.email, admin.password);
  const suffix = randomBytes(3).toString('hex');
  const section = await api('POST', '/api/v1/sections', { token, body: { name: `Styles ${suffix}` }, expect: 201 });
  const editor = await createUser({ role: 'editor' });
  const journey = await openJourney('styles');
  t.after(() => journey.close());
  const { page } = journey;

  await journey.step('the focus ring on the header is white on dark', async () => {
    await page.goto('/admin/');
    await signIn(page, editor.email, editor.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    await page.locator('body').focus();
    await tabTo(page, 'header.top a.brand');
    const ring = await measure(page, 'outline');
    assert.ok(ring && ring.inHeader, 'the brand link is not in the header');
    assert.notEqual(ring.style, 'none', 'no focus ring on the brand link');
    assert.ok(ring.width >= 2, `the ring is ${ring.width}px`);
    assert.ok(ring.header >= 3, `the ring on the header has a contrast of ${ring.header}:1`);
  });

  await journey.step('the focus ring in the page stands out', async () => {
    await tabTo(page, 'main a.button');
    const ring = await measure(page, 'outline');
    assert.ok(ring && !ring.inHeader);
    assert.notEqual(ring.style, 'none', `no focus ring on ${ring.name}`);
    assert.ok(ring.width >= 2, `the ring is ${ring.width}px`);
    assert.ok(ring.paper >= 3 && ring.wash >= 3, `the ring of ${ring.name} has a contrast of ${ring.paper}:1 on --paper, ${ring.wash}:1 on --wash`);
  });

  await journey.step('the borders of inputs and buttons stand out', async () => {
    await page.getByRole('link', { name: 'New article' }).click();
    await visible(page.getByLabel('Headline'), 'the editor');
    for (const selector of ['input.headline', 'textarea', 'select', 'button[type="button"]']) {
      const border = await measure(page, 'border', `main ${selector}`);
      assert.ok(border, `no ${selector} in the editor`);
      assert.ok(border.width >= 1 && border.style !== 'none', `${border.name} has no border`);
      assert.ok(border.paper >= 3 && border.wash >= 3, `the border of ${border.name} has a contrast of ${border.paper}:1 on --paper, ${border.wash}:1 on --wash`);
    }
    // The headline has the focus on arrival: its ring is drawn too.
    const ring = await measure(page, 'outline');
    assert.ok(ring && ring.style !== 'none' && ring.paper >= 3 && ring.wash >= 3, `the headline's ring: ${JSON.stringify(ring)}`);
  });

  await journey.step('Shift+Enter breaks a line with a <br>', async () => {
    await page.getByLabel('Headline').fill(`Line breaks ${suffix}`);
    await page.getByLabel('Section').selectOption(section.id);
    await page.getByLabel('Type of block to add').selectOption('paragraph');
    await page.getByRole('button', { name: 'Add block' }).click();
    const paragraph = page.getByRole('textbox', { name: 'Paragraph text' });
    await paragraph.click();
    await page.keyboard.type('The first line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('the second line');
    const typed = await paragraph.evaluate((el) => ({
      breaks: el.querySelectorAll('br').length,
      newlines: [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').includes('\n')),
      whiteSpace: getComputedStyle(el).whiteSpace,
    }));
    assert.ok(typed.breaks >= 1, `no <br> in the paragraph (white-space: ${typed.whiteSpace})`);
    assert.equal(typed.newlines, false, 'a newline character was typed');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/admin\/articles\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop();
    const saved = await api('GET', `/api/v1/articles/${id}`, { token });
    assert.equal(saved.body[0]?.text, 'The first line<br>the second line');
  });

  journey.assertNoProblems();
});
