// An editor builds a small tree of sections, reorders and renames, meets a stale edit
// and the refusals to delete a section that is not empty, and deletes an empty one.
//
// The UI contract this journey holds the client to:
//   - the navigation link "Sections" leads to a nested list of sections, each a link by
//     its name with its slug beside it, a link "New section", and per section the
//     buttons "Move <name> up" / "Move <name> down" and a link "Add a sub-section to
//     <name>";
//   - a section's form has "Name", "Slug", "Description", "Parent section",
//     "Position", and "Create section" or "Save changes" and "Delete section" (which
//     asks first);
//   - a stale edit (412) and a refused delete (409) say why with role=alert;
//   - leaving a section's form with unsaved changes asks first (a confirm dialog),
//     and staying keeps them; once saved, or as loaded, it leaves without asking.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { api, baseUrl, createUser, login, openJourney, signIn, usePhone, visible } from './lib.js';

test('sections: an editor builds, reorders, renames and prunes a tree', { timeout: 300_000 }, async (t) => {
  const editor = await createUser({ role: 'editor' });
  const token = await login(editor.email, editor.password);
  const journey = await openJourney('sections');
  t.after(() => journey.close());
  const { page } = journey;
  const nav = page.getByRole('navigation', { name: 'Main' });
  const alert = page.getByRole('alert');
  const toast = page.getByRole('status');
  const suffix = randomBytes(4).toString('hex');
  const names = { parent: `World ${suffix}`, europe: `Europe ${suffix}`, asia: `Asia ${suffix}` };
  const link = (/** @type {string} */ name) => page.locator('.section-tree').getByRole('link', { name, exact: true });

  /** Every section of the server, by name. */
  const byName = async () => {
    /** @type {Map<string, any>} */
    const found = new Map();
    let cursor = '';
    do {
      const page = await api('GET', `/api/v1/sections?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
      for (const s of page.items) found.set(s.name, s);
      cursor = page.next_cursor ?? '';
    } while (cursor);
    return found;
  };

  /** @param {string} name */
  const createInForm = async (name) => {
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create section' }).click();
    await visible(toast.getByText(`Section ${name} created.`), `the toast for ${name}`);
    await visible(link(name), `${name} in the tree`);
  };

  await journey.step('signed in as an editor: sections', async () => {
    await page.goto('/admin/login');
    await signIn(page, editor.email, editor.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    assert.equal(await nav.getByRole('link', { name: 'Users', exact: true }).count(), 0, 'an editor sees "Users"');
    assert.equal(await nav.getByRole('link', { name: 'Paywall', exact: true }).count(), 0, 'an editor sees "Paywall"');
    await nav.getByRole('link', { name: 'Sections', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Sections' }), 'the heading "Sections"');
  });

  await journey.step('a parent section', async () => {
    await page.getByRole('link', { name: 'New section' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'New section' }), 'the heading "New section"');
    await page.getByLabel('Description', { exact: true }).fill('News from everywhere');
    await createInForm(names.parent);
  });

  await journey.step('two sub-sections', async () => {
    for (const name of [names.europe, names.asia]) {
      await page.getByRole('link', { name: `Add a sub-section to ${names.parent}` }).click();
      await visible(page.getByRole('heading', { level: 1, name: 'New section' }), 'the heading "New section"');
      const sections = await byName();
      assert.equal(await page.getByLabel('Parent section', { exact: true }).inputValue(), sections.get(names.parent).id, 'the parent is not chosen');
      await createInForm(name);
    }
    const sections = await byName();
    const parent = sections.get(names.parent);
    assert.equal(sections.get(names.europe).parent_id, parent.id);
    assert.equal(sections.get(names.asia).parent_id, parent.id);
    assert.equal(parent.slug, `world-${suffix}`);
    // Nested: the parent's item holds both children, each shown with its slug.
    const item = page.locator('.section-tree li').filter({ has: page.getByRole('link', { name: names.parent, exact: true }) }).first();
    await visible(item.getByRole('link', { name: names.europe, exact: true }), 'Europe under World');
    await visible(item.getByText(`europe-${suffix}`, { exact: true }), 'Europe\'s slug');
  });

  await journey.step('moved up among its siblings', async () => {
    const order = async () =>
      page.locator('.section-tree a').evaluateAll((links, wanted) => links.map((a) => a.textContent).filter((n) => wanted.includes(n ?? '')), [names.europe, names.asia]);
    assert.deepEqual(await order(), [names.europe, names.asia]);
    await page.getByRole('button', { name: `Move ${names.asia} up` }).click();
    await visible(page.getByText(`Moved ${names.asia} up.`), 'the status line');
    assert.deepEqual(await order(), [names.asia, names.europe]);
    const sections = await byName();
    assert.ok(sections.get(names.asia).position < sections.get(names.europe).position, 'positions did not change on the server');
    // The focus stays on the moved section, so the keyboard can keep moving it.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), `Move ${names.asia} down`);
  });

  names.europe = `${names.europe} and Russia`;
  await journey.step('renamed', async () => {
    await link(`Europe ${suffix}`).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit section' }), 'the heading "Edit section"');
    await page.getByLabel('Name', { exact: true }).fill(names.europe);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(toast.getByText('Section saved.'), 'the toast "Section saved."');
    const europe = (await byName()).get(names.europe);
    assert.ok(europe, 'the new name is not on the server');
    assert.equal(europe.slug, `europe-${suffix}`, 'the slug changed with the name');
  });

  await journey.step('unsaved changes ask before leaving', async () => {
    /** @type {string[]} */
    const asked = [];
    /** @param {import('playwright-core').Dialog} dialog */
    const stay = (dialog) => {
      asked.push(dialog.message());
      dialog.dismiss();
    };
    page.on('dialog', stay);
    try {
      await page.getByLabel('Description', { exact: true }).fill('Not saved yet');
      await nav.getByRole('link', { name: 'Home', exact: true }).click();
      await page.waitForTimeout(200);
      assert.equal(asked.length, 1, 'leaving did not ask');
      assert.match(asked[0] ?? '', /without saving/);
      await visible(page.getByRole('heading', { level: 1, name: 'Edit section' }), 'the form, still');
      assert.equal(await page.getByLabel('Description', { exact: true }).inputValue(), 'Not saved yet', 'the change was lost');
      // Back as it was loaded: nothing is unsaved, and leaving does not ask.
      await page.getByLabel('Description', { exact: true }).fill('');
      await nav.getByRole('link', { name: 'Sections', exact: true }).click();
      await visible(page.getByRole('heading', { level: 1, name: 'Sections' }), 'the list');
      assert.equal(asked.length, 1, 'leaving an unchanged form asked');
    } finally {
      page.off('dialog', stay);
    }
    await link(names.europe).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit section' }), 'the heading "Edit section"');
  });

  await journey.step('a stale edit is reloaded', async () => {
    const europe = (await byName()).get(names.europe);
    const response = await fetch(`${baseUrl}/api/v1/sections/${europe.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'if-match': `"${europe.version}"`, 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'Changed elsewhere' }),
    });
    assert.equal(response.status, 200, await response.text());
    await page.getByLabel('Name', { exact: true }).fill(`${names.europe} (mine)`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(alert.getByText('Someone else changed this section'), 'the 412 message');
    assert.equal(await page.getByLabel('Description', { exact: true }).inputValue(), 'Changed elsewhere');
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), names.europe);
  });

  await journey.step('a section holding an article is not deleted', async () => {
    const europe = (await byName()).get(names.europe);
    await api('POST', '/api/v1/articles', { token, expect: 201, body: { headline: `Filed in Europe ${suffix}`, section_id: europe.id } });
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Delete section' }).click();
    await visible(alert.getByText('The section holds articles'), 'the 409 message');
    assert.ok((await byName()).get(names.europe), 'the section was deleted');
  });

  await journey.step('a section holding sub-sections is not deleted', async () => {
    await nav.getByRole('link', { name: 'Sections', exact: true }).click();
    await link(names.parent).click();
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Delete section' }).click();
    await visible(alert.getByText('The section has sub-sections'), 'the 409 message');
  });

  await journey.step('an empty section is deleted', async () => {
    await nav.getByRole('link', { name: 'Sections', exact: true }).click();
    await link(names.asia).click();
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Delete section' }).click();
    await visible(toast.getByText(`Section ${names.asia} deleted.`), 'the toast');
    await visible(page.getByRole('heading', { level: 1, name: 'Sections' }), 'the list again');
    assert.equal(await link(names.asia).count(), 0, 'the deleted section is still listed');
    assert.equal((await byName()).get(names.asia), undefined, 'the section is still on the server');
  });

  await journey.step('the tree on a phone', async () => {
    await usePhone(page);
    await visible(link(names.europe), 'the tree');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide at 390`);
  });

  journey.assertNoProblems();
});
