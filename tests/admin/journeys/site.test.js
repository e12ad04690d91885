// Site settings: an admin opens them, sees what is stored (the defaults on a fresh
// server), meets the API's field errors next to the fields, fixes them and saves, finds
// the saved values after a reload and in the public answer, and meets a save made
// meanwhile by someone else; an editor is not shown the screen.
//
// The UI contract this journey holds the client to:
//   - an admin's navigation has "Site", leading to the heading "Site settings" with the
//     fields "Site name (required)", "Description", "Publisher (required)", "Site
//     address (required)", "Article address", "Language", "Time zone", "Logo URL" and
//     "Alt text", and a button "Save site settings"; before the first save a note says
//     that these are the defaults;
//   - under "Article address", the address of an example article (section "business",
//     slug "rates-hold", today in the time zone typed) follows what is typed;
//   - a refused field is marked (aria-invalid) and its message is in the element its
//     aria-describedby names; a save is "Site settings saved." (a toast);
//   - a save sends If-Match: over someone else's save it is refused, the form shows
//     their version and the alert names the fields whose changes were not saved;
//   - an editor has no "Site" in the navigation, and /admin/site says "Site settings
//     are for admins."

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { admin, api, baseUrl, createUser, login, openJourney, signIn, useDesktop, usePhone, visible } from './lib.js';

/** @typedef {import('playwright-core').Page} Page */

/**
 * The message next to a field: the element its aria-describedby names for errors.
 * @param {Page} page
 * @param {import('playwright-core').Locator} control
 */
async function errorNextTo(page, control) {
  const describedBy = (await control.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
  assert.ok(errorId, 'the field names no error element');
  return (await page.locator(`[id="${errorId}"]`).innerText()).trim();
}

/** Today in a time zone, as article addresses write it: YYYY/MM/DD. @param {string} zone */
function todayIn(zone) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date());
  const get = (/** @type {string} */ type) => parts.find((p) => p.type === type)?.value;
  return `${get('year')}/${get('month')}/${get('day')}`;
}

test('site settings', { timeout: 180_000 }, async (t) => {
  const token = await login(admin.email, admin.password);
  // One document for the whole server: put back what was there for other journeys.
  const before = await api('GET', '/api/v1/site', { token });
  t.after(() =>
    api('PUT', '/api/v1/site', {
      token,
      body: {
        name: before.name,
        description: before.description,
        base_url: before.base_url,
        publisher_name: before.publisher_name,
        logo: before.logo,
        language: before.language,
        time_zone: before.time_zone,
        article_path: before.article_path,
      },
    }),
  );
  const editor = await createUser({ role: 'editor' });

  const journey = await openJourney('site');
  t.after(() => journey.close());
  const { page } = journey;
  const nav = page.getByRole('navigation', { name: 'Main' });
  const toast = page.getByRole('status');
  const suffix = randomBytes(3).toString('hex');
  const label = (/** @type {string} */ text) => page.getByLabel(text, { exact: true });
  const wanted = {
    name: `The Daily Example ${suffix}`,
    description: 'News from Example City since 1887',
    publisher_name: 'Example Media Ltd',
    base_url: 'https://news.example.com',
    article_path: '/{section}/{year}/{month}/{day}/{slug}',
    language: 'en-GB',
    time_zone: 'Europe/London',
    logo: { url: 'https://news.example.com/logo.png', alt: 'The Daily Example' },
  };

  await journey.step('signed in as an admin', async () => {
    await page.goto('/admin/login');
    await signIn(page, admin.email, admin.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    await visible(nav.getByRole('link', { name: 'Site', exact: true }), 'the navigation link "Site"');
  });

  await journey.step('the settings as stored', async () => {
    await nav.getByRole('link', { name: 'Site', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Site settings' }), 'the heading "Site settings"');
    assert.equal(await label('Site name (required)').inputValue(), before.name);
    assert.equal(await label('Publisher (required)').inputValue(), before.publisher_name);
    assert.equal(await label('Site address (required)').inputValue(), before.base_url);
    assert.equal(await label('Article address').inputValue(), before.article_path);
    assert.equal(await label('Language').inputValue(), before.language);
    assert.equal(await label('Time zone').inputValue(), before.time_zone);
    const defaults = page.getByText('These are the defaults');
    if (before.version === 0) {
      // A fresh server: the defaults, and a note saying so.
      assert.equal(before.updated_at, null);
      assert.equal(before.article_path, '/{section}/{slug}');
      assert.equal(before.time_zone, 'UTC');
      await visible(defaults, 'the note about the defaults');
      await visible(page.locator('code', { hasText: `${before.base_url}/business/rates-hold` }), 'the example article address');
    } else {
      assert.equal(await defaults.isVisible(), false, 'saved settings are called the defaults');
    }
  });

  await journey.step('an invalid address and time zone are marked next to them', async () => {
    await label('Site name (required)').fill(wanted.name);
    await label('Publisher (required)').fill(wanted.publisher_name);
    await label('Site address (required)').fill('news.example.com');
    await label('Time zone').fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save site settings' }).click();
    await page.waitForSelector('[data-field="base_url"][aria-invalid="true"]');
    await page.waitForSelector('[data-field="time_zone"][aria-invalid="true"]');
    assert.match(await errorNextTo(page, label('Site address (required)')), /absolute http/);
    assert.match(await errorNextTo(page, label('Time zone')), /IANA time zone/);
    assert.equal(await errorNextTo(page, label('Site name (required)')), '', 'the name is marked too');
    await visible(page.getByRole('alert').getByText('Each field in error says why'), 'the form\'s alert');
    assert.equal((await api('GET', '/api/v1/site', { token })).version, before.version, 'a refused save was stored');
  });

  await journey.step('fixed, with the example address following', async () => {
    await label('Site address (required)').fill(`${wanted.base_url}/`);
    await label('Time zone').fill(wanted.time_zone);
    await label('Article address').fill(wanted.article_path);
    await label('Language').fill(wanted.language);
    await label('Description').fill(wanted.description);
    await label('Logo URL').fill(wanted.logo.url);
    await label('Alt text').fill(wanted.logo.alt);
    const example = `${wanted.base_url}/business/${todayIn(wanted.time_zone)}/rates-hold`;
    await visible(page.locator('code', { hasText: example }), `the example address ${example}`);
  });

  /** @type {any} */
  let saved;
  await journey.step('saved', async () => {
    await page.getByRole('button', { name: 'Save site settings' }).click();
    await visible(toast.getByText('Site settings saved.'), 'the toast "Site settings saved."');
    saved = await api('GET', '/api/v1/site', { token });
    assert.equal(saved.version, before.version + 1);
    const { logo, ...rest } = wanted;
    for (const [key, value] of Object.entries(rest)) assert.equal(saved[key], value, key);
    assert.equal(saved.logo?.url, logo.url);
    assert.equal(saved.logo?.alt, logo.alt);
    assert.equal(await page.getByRole('alert').count(), 0, 'the alert still speaks');
    assert.equal(await page.locator('[aria-invalid="true"]').count(), 0, 'fields still marked');
  });

  await journey.step('reloaded: the saved values', async () => {
    await page.reload();
    await visible(page.getByRole('heading', { level: 1, name: 'Site settings' }), 'the heading "Site settings"');
    assert.equal(await label('Site name (required)').inputValue(), wanted.name);
    assert.equal(await label('Description').inputValue(), wanted.description);
    assert.equal(await label('Publisher (required)').inputValue(), wanted.publisher_name);
    // The trailing slash typed is dropped by the server.
    assert.equal(await label('Site address (required)').inputValue(), wanted.base_url);
    assert.equal(await label('Article address').inputValue(), wanted.article_path);
    assert.equal(await label('Language').inputValue(), wanted.language);
    assert.equal(await label('Time zone').inputValue(), wanted.time_zone);
    assert.equal(await label('Logo URL').inputValue(), wanted.logo.url);
    assert.equal(await label('Alt text').inputValue(), wanted.logo.alt);
    await visible(page.getByText(`(version ${saved.version})`), 'when it was saved, and the version');
    assert.equal(await page.getByText('These are the defaults').isVisible(), false, 'saved settings are called the defaults');
  });

  await journey.step('the public site answers them', async () => {
    const response = await fetch(`${baseUrl}/api/v1/public/site`);
    const site = await response.json();
    assert.equal(response.status, 200, JSON.stringify(site));
    const { logo, ...rest } = wanted;
    for (const [key, value] of Object.entries(rest)) assert.equal(site[key], value, key);
    assert.equal(site.logo?.url, logo.url);
    assert.equal(site.logo?.alt, logo.alt);
  });

  await journey.step('a save over someone else\'s is refused and reloaded', async () => {
    // Someone else changes the description meanwhile, with the ETag they read.
    const theirs = await api('PUT', '/api/v1/site', {
      token,
      ifMatch: `"${saved.version}"`,
      body: { ...wanted, description: `Changed elsewhere ${suffix}` },
    });
    await label('Publisher (required)').fill('Example Media Group');
    await page.getByRole('button', { name: 'Save site settings' }).click();
    await visible(page.getByRole('alert').getByText('Someone else saved the site settings'), 'the conflict');
    await visible(page.getByRole('alert').getByText('Your changes to Publisher were not saved'), 'the field not saved');
    assert.equal(await label('Description').inputValue(), `Changed elsewhere ${suffix}`);
    assert.equal(await label('Publisher (required)').inputValue(), wanted.publisher_name);
    const now = await api('GET', '/api/v1/site', { token });
    assert.equal(now.version, theirs.version, 'the stale save was stored');
    assert.equal(now.publisher_name, wanted.publisher_name);
  });

  await journey.step('on a phone', async () => {
    await usePhone(page);
    await page.reload();
    await visible(page.getByRole('heading', { level: 1, name: 'Site settings' }), 'the heading "Site settings"');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide at 390`);
  });

  await journey.step('an editor is not shown site settings', async () => {
    await useDesktop(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByLabel('Email'), 'the sign-in form');
    await signIn(page, editor.email, editor.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    assert.equal(await nav.getByRole('link', { name: 'Site', exact: true }).count(), 0, 'an editor sees "Site"');
    await page.goto('/admin/site');
    await visible(page.getByRole('alert').getByText('Site settings are for admins.'), 'the refusal');
    await api('GET', '/api/v1/site', { token: await login(editor.email, editor.password), expect: 403 });
  });

  journey.assertNoProblems();
});
