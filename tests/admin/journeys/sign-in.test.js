// Signing in and out of the admin client, at desktop and at phone width.
//
// The UI contract this journey holds the client to:
//   - GET / redirects to /admin/, which answers a Content-Security-Policy with
//     frame-ancestors 'none', connect-src 'self' and no 'unsafe-inline' for scripts;
//   - a sign-in form with the labels "Email" and "Password" and a button "Sign in";
//     a refused sign-in says why in an element with role=alert;
//   - signed in: a navigation with the links "Home" and "Articles" and a button
//     "Sign out", and a home page whose h1 is "Home";
//   - the refresh token lives only in the HttpOnly cookie masthead_refresh, scoped to
//     /api/v1/auth/session: not in document.cookie, localStorage or sessionStorage, and
//     no access token is kept in storage either; a reload signs in again through that
//     cookie;
//   - "Sign out" returns to the sign-in form, and a reload stays signed out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseUrl, createUser, desktop, jwtPattern, openJourney, parseCsp, phone, signIn, visible } from './lib.js';

/** @typedef {import('./lib.js').Journey} Journey */

const refreshCookie = 'masthead_refresh';
const refreshCookiePath = '/api/v1/auth/session';

for (const [name, viewport] of /** @type {const} */ ([
  ['sign-in', desktop],
  ['sign-in-phone', phone],
])) {
  test(`${name}: sign in, reload, sign out (${viewport.width}x${viewport.height})`, { timeout: 180_000 }, async (t) => {
    const user = await createUser({ role: 'editor' });
    const journey = await openJourney(name, viewport);
    t.after(() => journey.close());
    const { page, context } = journey;

    const signInForm = async () => {
      await visible(page.getByLabel('Email'), 'the "Email" field');
      await visible(page.getByLabel('Password'), 'the "Password" field');
      await visible(page.getByRole('button', { name: 'Sign in' }), 'the "Sign in" button');
    };
    const home = page.getByRole('heading', { level: 1, name: 'Home' });
    const nav = page.getByRole('navigation');
    const signedIn = async () => {
      await visible(home, 'the heading "Home" (h1)');
      await visible(nav.getByRole('link', { name: 'Home', exact: true }), 'the navigation link "Home"');
      await visible(nav.getByRole('link', { name: 'Articles', exact: true }), 'the navigation link "Articles"');
      await visible(page.getByRole('button', { name: 'Sign out' }), 'the "Sign out" button');
    };

    /** @type {import('playwright-core').Response | null} */
    let adminPage = null;

    await journey.step('root redirects to /admin/', async () => {
      const response = await page.goto('/');
      assert.ok(response, 'no response for /');
      const redirect = response.request().redirectedFrom();
      assert.ok(redirect, `GET / did not redirect (status ${response.status()}, at ${page.url()})`);
      const first = await redirect.response();
      assert.ok(first && [301, 302, 303, 307, 308].includes(first.status()), `GET / answered ${first?.status()}`);
      // Where the redirect led, not page.url(): the client may move on by itself (to a
      // sign-in route) before this line runs.
      assert.equal(new URL(response.url()).pathname, '/admin/', `GET / redirected to ${response.url()}`);
      assert.equal(response.status(), 200, `GET /admin/ answered ${response.status()}`);
      adminPage = response;
    });

    await journey.step('the sign-in form', signInForm);

    await journey.step('a wrong password is refused', async () => {
      await signIn(page, user.email, 'not the right password at all');
      const alert = page.getByRole('alert');
      await visible(alert, 'an error message (role=alert)');
      const text = (await alert.first().innerText()).trim();
      assert.ok(text.length > 0, 'the alert says nothing');
      await signInForm();
      assert.equal(await home.count(), 0, 'a refused sign-in shows the home page');
    });

    await journey.step('signed in: home', async () => {
      await signIn(page, user.email, user.password);
      await signedIn();
    });

    await journey.step('the page is served with a strict Content-Security-Policy', async () => {
      assert.ok(adminPage, 'no response for /admin/');
      const header = (await adminPage.allHeaders())['content-security-policy'];
      assert.ok(header, 'GET /admin/ sends no Content-Security-Policy');
      const csp = parseCsp(header);
      assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], `frame-ancestors in: ${header}`);
      assert.ok(csp.get('connect-src')?.includes("'self'"), `connect-src 'self' in: ${header}`);
      const scripts = csp.get('script-src') ?? csp.get('default-src');
      assert.ok(scripts, `neither script-src nor default-src in: ${header}`);
      assert.ok(!scripts.includes("'unsafe-inline'"), `'unsafe-inline' for scripts in: ${header}`);
    });

    await journey.step('tokens are out of reach of scripts', async () => {
      const cookie = (await context.cookies()).find((c) => c.name === refreshCookie);
      assert.ok(cookie, `no ${refreshCookie} cookie after signing in`);
      assert.equal(cookie.httpOnly, true, `${refreshCookie} is not HttpOnly`);
      assert.equal(cookie.path, refreshCookiePath, `${refreshCookie} has path ${cookie.path}`);
      const seen = await page.evaluate(() => {
        /** @param {Storage} storage */
        const entries = (storage) => {
          /** @type {[string, string][]} */
          const all = [];
          for (let i = 0; i < storage.length; i++) {
            const key = storage.key(i) ?? '';
            all.push([key, storage.getItem(key) ?? '']);
          }
          return all;
        };
        return { cookie: document.cookie, local: entries(localStorage), session: entries(sessionStorage) };
      });
      assert.ok(!seen.cookie.includes(refreshCookie), `document.cookie shows ${refreshCookie}: ${seen.cookie}`);
      assert.ok(!seen.cookie.includes(cookie.value), 'document.cookie shows the refresh token');
      for (const [where, entries] of /** @type {const} */ ([
        ['localStorage', seen.local],
        ['sessionStorage', seen.session],
      ])) {
        for (const [key, value] of entries) {
          assert.ok(!/token|refresh|jwt|bearer/i.test(key), `${where} has a key ${key}`);
          assert.ok(!jwtPattern.test(value), `${where}.${key} holds a JWT`);
          assert.ok(!value.includes(cookie.value), `${where}.${key} holds the refresh token`);
        }
      }
    });

    await journey.step('a reload stays signed in', async () => {
      await page.reload();
      await signedIn();
    });

    await journey.step('sign out', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signInForm();
      assert.equal(await home.count(), 0, 'the home page is still shown after signing out');
    });

    await journey.step('a reload stays signed out', async () => {
      await page.reload();
      await signInForm();
      // Give the client the time to try its cookie: it must not sign in again.
      await page.waitForLoadState('networkidle');
      await signInForm();
      assert.equal(await home.count(), 0, 'a reload after signing out shows the home page');
      assert.equal(new URL(page.url()).origin, baseUrl);
    });

    journey.assertNoProblems();
  });
}
