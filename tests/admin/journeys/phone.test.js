// The client on a phone (390x844): the header keeps the user's name and role, the
// article list stacks its rows as cards instead of scrolling sideways, and the article
// editor's save card (status, Save, Preview, the workflow) stays on screen however far
// down a long article one scrolls, here and on a desktop.
//
// The UI contract this journey holds the client to:
//   - at 390 px the header's first row holds the brand, the whole display name with the
//     role, and "Sign out", no taller than the button;
//   - /admin/articles needs no sideways scrolling: each article is a card headed by its
//     headline link, its other cells named ("Status", "Section", ...);
//   - in the article editor the button "Save" is in the viewport, and not covered, at
//     the top and at the bottom of a long article; a change made at the bottom of the
//     form is saved from there.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { admin, api, createUser, desktop, login, openJourney, phone, signIn, visible } from './lib.js';

/** @typedef {import('playwright-core').Page} Page */

/**
 * Whether the button is inside the viewport and is what a tap at its centre hits.
 * @param {import('playwright-core').Locator} button
 */
async function inView(button) {
  return button.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {
      inside: r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth,
      hit: Boolean(hit && (hit === el || el.contains(hit))),
      top: Math.round(r.top),
      scrolled: Math.round(window.scrollY),
      height: document.documentElement.scrollHeight,
    };
  });
}

/** @param {Page} page */
async function toBottom(page) {
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  // Let a smooth scroll or a sticky re-layout settle.
  await page.waitForTimeout(100);
}

test('phone: header, article cards, a save bar that stays (390x844)', { timeout: 180_000 }, async (t) => {
  const token = await login(admin.email, admin.password);
  const suffix = randomBytes(3).toString('hex');
  const section = await api('POST', '/api/v1/sections', { token, body: { name: `Phones ${suffix}` }, expect: 201 });
  const editor = await createUser({ role: 'editor', display_name: `Pat Okafor ${suffix}` });
  const commercial = await createUser({ role: 'commercial', display_name: 'Pat Commercial' });
  const sentence = 'The council met late into the night to argue over the harbour budget, the ferry timetable and who pays for the new sea wall. ';
  const article = await api('POST', '/api/v1/articles', {
    token,
    expect: 201,
    body: {
      headline: `A very long council meeting ${suffix}`,
      section_id: section.id,
      body: Array.from({ length: 24 }, (_, i) => ({ type: 'paragraph', text: `${i + 1}. ${sentence.repeat(3)}` })),
    },
  });

  const journey = await openJourney('phone', phone);
  t.after(() => journey.close());
  const { page } = journey;
  const save = page.getByRole('button', { name: 'Save', exact: true });

  await journey.step('the header keeps the name and the role', async () => {
    await page.goto('/admin/');
    await signIn(page, commercial.email, commercial.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    const header = await page.locator('header.top .who').evaluate((who) => {
      const name = /** @type {HTMLElement} */ (who.querySelector('.name'));
      const role = /** @type {HTMLElement} */ (who.querySelector('.role'));
      const button = /** @type {HTMLElement} */ (who.querySelector('button'));
      return {
        nameCut: name.scrollWidth > name.clientWidth,
        roleCut: role.scrollWidth > role.clientWidth,
        nameHeight: name.getBoundingClientRect().height,
        buttonHeight: button.getBoundingClientRect().height,
        text: name.innerText,
      };
    });
    assert.ok(!header.nameCut && !header.roleCut, `the name is cut short: "${header.text}"`);
    assert.match(header.text, /Pat Commercial\s*\(commercial\)/);
    assert.ok(header.nameHeight <= header.buttonHeight + 4, `the name (${header.nameHeight}px) is taller than "Sign out" (${header.buttonHeight}px)`);
  });

  await journey.step('the article list stacks as cards', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByLabel('Email'), 'the sign-in form');
    await page.goto('/admin/articles');
    await signIn(page, editor.email, editor.password);
    const link = page.getByRole('link', { name: article.headline });
    await visible(link, 'the article in the list');
    const widths = await page.evaluate(() => {
      const wrap = /** @type {HTMLElement} */ (document.querySelector('.table-wrap'));
      return { wrap: wrap.scrollWidth, box: wrap.clientWidth, page: document.documentElement.scrollWidth };
    });
    assert.ok(widths.wrap <= widths.box, `the list is ${widths.wrap}px wide in a ${widths.box}px box`);
    assert.ok(widths.page <= phone.width, `the page is ${widths.page}px wide at ${phone.width}`);
    assert.equal(await page.locator('table thead').isVisible(), false, 'the column headings are shown');
    const row = page.locator('tbody tr').filter({ has: link });
    const labels = await row.locator('td').evaluateAll((cells) => cells.map((td) => getComputedStyle(td, '::before').content));
    assert.deepEqual(labels.slice(1), ['"Status"', '"Section"', '"Authors"', '"Updated"'], 'the cells are not named');
  });

  await journey.step('the editor opens with the save bar on top', async () => {
    await page.getByRole('link', { name: article.headline }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit article' }), 'the editor');
    await visible(save, 'the button "Save"');
    const at = await inView(save);
    assert.ok(at.height > 3 * phone.height, `the article is only ${at.height}px long: not a long page`);
    assert.ok(at.inside && at.hit, `"Save" is not on screen at the top (${JSON.stringify(at)})`);
  });

  await journey.step('scrolled to the bottom, Save is still in view', async () => {
    await toBottom(page);
    const at = await inView(save);
    assert.ok(at.scrolled > 2 * phone.height, `the page did not scroll (${JSON.stringify(at)})`);
    assert.ok(at.inside && at.hit, `"Save" is off screen or covered at the bottom (${JSON.stringify(at)})`);
    // A change at the very end of the form is saved from right there.
    await page.getByLabel('SEO title').fill(`Council budget night ${suffix}`);
    await save.click();
    // The new version, not "saved": the line said "saved" before the change too.
    await visible(page.locator('.status-line', { hasText: `version ${article.version + 1}` }), 'the saved new version');
    const saved = await api('GET', `/api/v1/articles/${article.id}`, { token });
    assert.equal(saved.seo?.title, `Council budget night ${suffix}`);
  });

  await journey.step('a field the keyboard reaches is not hidden under the bar', async () => {
    // A field just under the stuck bar gets the focus, as with Shift+Tab: the browser
    // scrolls it clear of the bar instead of leaving it hidden there.
    const standfirst = page.getByLabel('Standfirst');
    await page.getByLabel('SEO title').focus();
    await standfirst.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 30));
    await standfirst.focus();
    const at = await standfirst.evaluate((el) => {
      const bar = /** @type {HTMLElement} */ (document.querySelector('form.editor .editor-side > .card'));
      return { field: Math.round(el.getBoundingClientRect().top), bar: Math.round(bar.getBoundingClientRect().bottom) };
    });
    assert.ok(at.field >= at.bar, `the standfirst (at ${at.field}px) is under the save bar (down to ${at.bar}px)`);
  });

  await journey.step('on a desktop the save card sticks too', async () => {
    await page.setViewportSize(desktop);
    await page.evaluate(() => window.scrollTo(0, 0));
    assert.ok((await inView(save)).inside, '"Save" is not on screen at the top');
    await toBottom(page);
    const at = await inView(save);
    assert.ok(at.scrolled > desktop.height, `the page did not scroll (${JSON.stringify(at)})`);
    assert.ok(at.inside && at.hit, `"Save" is off screen or covered at the bottom (${JSON.stringify(at)})`);
    // A field of the side column just under the stuck card gets the focus: it is
    // scrolled clear of the card.
    const field = page.getByLabel('Hero credit');
    await page.getByLabel('SEO title').focus();
    await field.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 40));
    await field.focus();
    const clear = await field.evaluate((el) => {
      const card = /** @type {HTMLElement} */ (document.querySelector('form.editor .editor-side > .card'));
      return { field: Math.round(el.getBoundingClientRect().top), card: Math.round(card.getBoundingClientRect().bottom) };
    });
    assert.ok(clear.field >= clear.card, `"Hero credit" (at ${clear.field}px) is under the save card (down to ${clear.card}px)`);
  });

  journey.assertNoProblems();
});
