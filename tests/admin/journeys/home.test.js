// The newsroom's home page: "Published recently" lists what went live last first, not
// what was written last. An article drafted long ago and published today heads it.
//
// The UI contract this journey holds the client to:
//   - the home page has a region "Published recently" listing articles as links by
//     headline, each with the time it went live in a <time datetime>, newest first.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { admin, api, createUser, login, openJourney, signIn, visible } from './lib.js';

test('home: published recently, newest first', { timeout: 120_000 }, async (t) => {
  const token = await login(admin.email, admin.password);
  const suffix = randomBytes(3).toString('hex');
  const section = await api('POST', '/api/v1/sections', { token, body: { name: `Home ${suffix}` }, expect: 201 });
  /** @param {string} headline */
  const draft = (headline) =>
    api('POST', '/api/v1/articles', { token, expect: 201, body: { headline, section_id: section.id, body: [{ type: 'paragraph', text: 'Text.' }] } });
  /** @param {{id: string, version: number}} a */
  const publish = (a) => api('POST', `/api/v1/articles/${a.id}/publish`, { token, ifMatch: `"${a.version}"` });
  // Written first, published last: the API's own list (newest written first) has it second.
  const older = await draft(`Harbour wall plans, long in the drawer ${suffix}`);
  const newer = await draft(`Ferry timetable changes ${suffix}`);
  await publish(newer);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // instants are whole seconds
  await publish(older);
  const editor = await createUser({ role: 'editor' });

  const journey = await openJourney('home');
  t.after(() => journey.close());
  const { page } = journey;

  await journey.step('published recently: the last published first', async () => {
    await page.goto('/admin/');
    await signIn(page, editor.email, editor.password);
    const card = page.getByRole('region', { name: 'Published recently' });
    await visible(card.getByRole('link', { name: older.headline }), 'the article published last');
    const items = await card.locator('li').evaluateAll((lis) =>
      lis.map((li) => ({ headline: li.querySelector('a')?.textContent ?? '', at: li.querySelector('time')?.getAttribute('datetime') ?? '' })),
    );
    const at = items.map((i) => Date.parse(i.at));
    assert.ok(at.every((ms) => !Number.isNaN(ms)), `an item without its <time datetime>: ${JSON.stringify(items)}`);
    assert.deepEqual(at, [...at].sort((a, b) => b - a), `not newest first: ${JSON.stringify(items)}`);
    const headlines = items.map((i) => i.headline);
    const [o, n] = [headlines.indexOf(older.headline), headlines.indexOf(newer.headline)];
    // Other journeys may publish meanwhile; ours keep their order whatever else is shown.
    assert.ok(o >= 0 && (n === -1 || o < n), `published last, listed after: ${JSON.stringify(headlines)}`);
  });

  journey.assertNoProblems();
});
