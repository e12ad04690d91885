// Shared helpers for the admin journeys: Debian's Chromium through playwright-core, a
// fresh browser context per journey that fails on console errors, uncaught page errors
// and server errors (>= 500), users made through the API, and numbered screenshots.
//
// The journeys read (tests/admin/run sets them):
//   MASTHEAD_URL             the server, e.g. http://127.0.0.1:8080
//   MASTHEAD_ADMIN_EMAIL, MASTHEAD_ADMIN_PASSWORD   an admin account on it
//   CHROMIUM                 the browser (default /usr/bin/chromium)
//   MASTHEAD_ADMIN_SCREENSHOTS   where screenshots go (default target/admin-screenshots)
//   MASTHEAD_ADMIN_TIMEOUT_MS    how long an action or a wait may take (default 10000)

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A path as shown in messages: relative to the repository when inside it. */
function shown(/** @type {string} */ file) {
  const relative = path.relative(repo, file);
  return relative.startsWith('..') ? file : relative;
}

/** @param {string} name */
function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (tests/admin/run sets it)`);
  return value;
}

export const baseUrl = required('MASTHEAD_URL').replace(/\/+$/, '');
export const admin = {
  email: required('MASTHEAD_ADMIN_EMAIL'),
  password: required('MASTHEAD_ADMIN_PASSWORD'),
};
export const screenshotRoot = path.resolve(
  repo,
  process.env.MASTHEAD_ADMIN_SCREENSHOTS || 'target/admin-screenshots',
);
export const timeoutMs = Number(process.env.MASTHEAD_ADMIN_TIMEOUT_MS || 10_000);

export const desktop = { width: 1280, height: 800 };
export const phone = { width: 390, height: 844 };

// --- The browser -----------------------------------------------------------------------

/** Debian's Chromium, headless; without the background-networking flags it keeps
 * trying to reach Google's hosts, which this machine's closed network refuses. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').BrowserContext} BrowserContext */

/**
 * One journey: its own browser, a fresh context (no cookies, no storage) at the given
 * viewport, one page, and a list of problems seen on the way.
 */
export class Journey {
  /**
   * @param {string} name  the screenshot folder: target/admin-screenshots/<name>/
   * @param {import('playwright-core').Browser} browser
   * @param {BrowserContext} context
   * @param {Page} page
   */
  constructor(name, browser, context, page) {
    this.name = name;
    this.browser = browser;
    this.context = context;
    this.page = page;
    this.dir = path.join(screenshotRoot, name);
    this.shots = 0;
    /** @type {string[]} */
    this.problems = [];
  }

  /** Screenshot the whole page, then fail if anything went wrong so far. */
  async shot(/** @type {string} */ name) {
    await this.#screenshot(name);
    this.assertNoProblems();
  }

  async #screenshot(/** @type {string} */ name) {
    this.shots += 1;
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const file = path.join(this.dir, `${String(this.shots).padStart(2, '0')}-${slug}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  /**
   * A named step: runs `fn`; when it succeeds and nothing went wrong on the way, takes
   * the screenshot `NN-<name>.png`; otherwise takes `NN-<name>-failed.png` and fails,
   * naming the step, the screenshot and every problem seen.
   * @param {string} name
   * @param {() => Promise<void>} fn
   */
  async step(name, fn) {
    /** @type {unknown} */
    let failure;
    try {
      await fn();
    } catch (error) {
      failure = error;
    }
    if (failure === undefined && this.problems.length === 0) {
      await this.#screenshot(name);
      return;
    }
    let file = '(no screenshot)';
    try {
      file = shown(await this.#screenshot(`${name} failed`));
    } catch {}
    const what = failure === undefined ? 'problems seen' : failure instanceof Error ? failure.message : String(failure);
    const problems = this.problems.length ? `\n  ${this.problems.join('\n  ')}` : '';
    throw new Error(`[${this.name}] step "${name}" failed (${file}, at ${this.page.url()}): ${what}${problems}`, {
      cause: failure,
    });
  }

  assertNoProblems() {
    assert.deepEqual(this.problems, [], `[${this.name}] console errors, page errors or server errors`);
  }

  /** Closes the context and the browser. */
  async close() {
    try {
      await this.context.close();
    } finally {
      await this.browser.close();
    }
  }
}

/** @type {WeakMap<Page, Journey>} */
const journeys = new WeakMap();

/**
 * Starts a journey: a browser, a fresh context and page at `viewport`, its screenshot
 * folder emptied. Console errors, uncaught page errors and answers >= 500 are recorded
 * as problems, which fail the next `shot` or `step`. A 4xx from the API is an answer
 * the client is meant to handle (a wrong password is 401), so the console line Chromium
 * prints for it is not a problem, nor is a 404 for /favicon.ico, which Chromium asks for
 * by itself; a 4xx for anything else (a missing script) is.
 * @param {string} name
 * @param {{width: number, height: number}} [viewport]
 */
export async function openJourney(name, viewport = desktop) {
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport, baseURL: baseUrl });
  context.setDefaultTimeout(timeoutMs);
  context.setDefaultNavigationTimeout(timeoutMs);
  const page = await context.newPage();
  const journey = new Journey(name, browser, context, page);
  rmSync(journey.dir, { recursive: true, force: true });
  mkdirSync(journey.dir, { recursive: true });
  journeys.set(page, journey);

  context.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url || '';
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text()) && isExpected4xx(where)) {
      return;
    }
    journey.problems.push(`console error: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  context.on('weberror', (webError) => {
    const error = webError.error();
    journey.problems.push(`uncaught page error: ${error.stack || error.message}`);
  });
  context.on('response', (response) => {
    if (response.status() >= 500) {
      journey.problems.push(`server error: ${response.status()} ${response.request().method()} ${response.url()}`);
    }
  });
  return journey;
}

/**
 * A 4xx the client is meant to handle (any from the API), or Chromium's own request for
 * /favicon.ico, which it makes for every page that declares no icon.
 * @param {string} url
 */
function isExpected4xx(url) {
  try {
    const u = new URL(url);
    return u.origin === new URL(baseUrl).origin && (u.pathname.startsWith('/api/') || u.pathname === '/favicon.ico');
  } catch {
    return false;
  }
}

/**
 * A full-page screenshot, target/admin-screenshots/<journey>/NN-<name>.png, then a
 * check that the journey has seen no problem so far.
 * @param {Page} page
 * @param {string} name
 */
export function shot(page, name) {
  const journey = journeys.get(page);
  if (!journey) throw new Error('shot(): this page was not opened by openJourney()');
  return journey.shot(name);
}

/** @param {Page} page @param {{width: number, height: number}} viewport */
export function setViewport(page, viewport) {
  return page.setViewportSize(viewport);
}
export const useDesktop = (/** @type {Page} */ page) => setViewport(page, desktop);
export const usePhone = (/** @type {Page} */ page) => setViewport(page, phone);

// --- Driving the UI --------------------------------------------------------------------

/**
 * Waits until `locator` is visible, failing with `what` in the message.
 * @param {import('playwright-core').Locator} locator
 * @param {string} what
 */
export async function visible(locator, what) {
  try {
    await locator.first().waitFor({ state: 'visible' });
  } catch (error) {
    throw new Error(`expected ${what} to be visible: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
  }
}

/**
 * Fills the sign-in form by its accessible labels and presses "Sign in".
 * @param {Page} page
 * @param {string} email
 * @param {string} password
 */
export async function signIn(page, email, password) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// --- The API, for arranging what a journey needs -----------------------------------------

/**
 * A JSON request to the API; fails on any status but `expect`.
 * @param {string} method
 * @param {string} apiPath  e.g. /api/v1/users
 * @param {{token?: string, body?: unknown, expect?: number, ifMatch?: string}} [options]
 */
export async function api(method, apiPath, { token, body, expect = 200, ifMatch } = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (ifMatch) headers['if-match'] = ifMatch;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(baseUrl + apiPath, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expect) {
    throw new Error(`${method} ${apiPath}: expected ${expect}, got ${response.status}: ${text.slice(0, 500)}`);
  }
  return text ? JSON.parse(text) : undefined;
}

/** An access token for an account, by POST /api/v1/auth/login. */
export async function login(/** @type {string} */ email, /** @type {string} */ password) {
  const answer = await api('POST', '/api/v1/auth/login', { body: { email, password } });
  return /** @type {string} */ (answer.access_token);
}

/** @type {Promise<string> | undefined} */
let adminToken;

/**
 * Makes a user through the API as the admin (POST /api/v1/users) and returns it with
 * its password. The email carries a random suffix, so reruns on one database work.
 * @param {{role?: 'admin' | 'editor' | 'writer' | 'commercial', email?: string, display_name?: string, password?: string}} [user]
 */
export async function createUser(user = {}) {
  adminToken ??= login(admin.email, admin.password);
  const role = user.role ?? 'editor';
  const suffix = randomBytes(4).toString('hex');
  const email = user.email ?? `${role}-${suffix}@example.org`;
  const display_name = user.display_name ?? `Test ${role} ${suffix}`;
  const password = user.password ?? `a long ${role} passphrase ${suffix}`;
  const created = await api('POST', '/api/v1/users', {
    token: await adminToken,
    body: { email, display_name, role, password },
    expect: 201,
  });
  return { ...created, email, display_name, role, password };
}

/**
 * A section for a journey's articles, made by the admin, with a unique slug.
 * @param {string} [name]
 */
export async function createSection(name = 'Desk') {
  adminToken ??= login(admin.email, admin.password);
  const suffix = randomBytes(3).toString('hex');
  const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${suffix}`;
  return api('POST', '/api/v1/sections', { token: await adminToken, body: { slug, name: `${name} ${suffix}` }, expect: 201 });
}

/**
 * An article made through the API by the holder of `token`.
 * @param {string} token
 * @param {Record<string, unknown>} body at least headline and section_id
 */
export function createArticle(token, body) {
  return api('POST', '/api/v1/articles', { token, body, expect: 201 });
}

// --- Checks on what the server sends -------------------------------------------------------

/**
 * A Content-Security-Policy header as a map from directive to its sources.
 * @param {string | undefined | null} header
 */
export function parseCsp(header) {
  /** @type {Map<string, string[]>} */
  const directives = new Map();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** Three base64url parts, the first a JSON header: what a JWT looks like. */
export const jwtPattern = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;
