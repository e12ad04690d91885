// The client of /api/v1. The access token lives in this module's memory only; the
// refresh token is an HttpOnly cookie that scripts cannot read, sent by the browser
// only to /api/v1/auth/session. A reload renews the session from that cookie.

/** @typedef {import('masthead-api').components['schemas']} Schemas */
/** @typedef {Schemas['UserResponse']} User */
/** @typedef {Schemas['SessionResponse']} Session */
/** @typedef {Schemas['Problem']} Problem */
/** @typedef {Schemas['FieldError']} FieldError */

/** A problem+json answer, as an exception. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Partial<Problem> | null} problem
   */
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The server answered ${status}.`);
    this.status = status;
    this.code = problem?.code ?? '';
    /** @type {FieldError[]} */
    this.errors = problem?.errors ?? [];
    /** Seconds to wait before trying again, when a busy server (503) said so. */
    this.retryAfter = /** @type {number | null} */ (null);
  }
}

/** @type {string | null} */
let accessToken = null;
/** @type {User | null} */
let user = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let renewTimer;
/** @type {Promise<void> | null} */
let renewing = null;
/** @type {Set<(user: User | null) => void>} */
const listeners = new Set();

/** The signed-in user, or null. */
export function currentUser() {
  return user;
}

/** @param {(user: User | null) => void} fn */
export function onSessionChange(fn) {
  listeners.add(fn);
}

// Whether this browser signed in and has not signed out: a hint (never a token) that
// spares a fresh page the refresh call, and its 401, when there is no session.
const HINT = 'masthead:session';

/** @param {Session | null} session */
function adopt(session) {
  clearTimeout(renewTimer);
  if (session) localStorage.setItem(HINT, '1');
  else localStorage.removeItem(HINT);
  accessToken = session?.access_token ?? null;
  user = session?.user ?? null;
  if (session) {
    // Renew a minute before the access token runs out, so a long edit never meets a 401.
    const ms = Math.max(10, session.expires_in - 60) * 1000;
    renewTimer = setTimeout(() => renew().catch(() => end()), ms);
  }
  for (const fn of listeners) fn(user);
}

function end() {
  adopt(null);
}

/**
 * One request, answered as parsed JSON (or null for 204), the ETag and the status.
 * @param {string} method
 * @param {string} path
 * @param {{body?: unknown, ifMatch?: string | null, auth?: boolean, accept?: string}} [options]
 * @returns {Promise<{data: any, etag: string | null, status: number}>}
 */
async function send(method, path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: options.accept ?? 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.ifMatch) headers['If-Match'] = options.ifMatch;
  if (options.auth !== false && accessToken) headers.Authorization = `Bearer ${accessToken}`;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { title: 'Network error', detail: 'The server could not be reached. Check the connection and try again.' });
  }
  const type = res.headers.get('content-type') ?? '';
  let data = null;
  // A file asked for (`accept`) is a Blob, whatever its type (NDJSON says json too);
  // a refusal is a problem document.
  if (res.ok && options.accept) data = await res.blob();
  else if (res.status !== 204 && type.includes('json')) data = await res.json().catch(() => null);
  if (!res.ok) {
    const error = new ApiError(res.status, data);
    const wait = Number(res.headers.get('retry-after'));
    if (wait > 0) error.retryAfter = wait;
    throw error;
  }
  return { data, etag: res.headers.get('etag'), status: res.status };
}

/**
 * Runs `call` as the signed-in user: an expired access token is renewed once and the
 * call repeated; a session that has ended signs the client out.
 * @template T
 * @param {() => Promise<T>} call
 * @returns {Promise<T>}
 */
async function signedIn(call) {
  try {
    return await call();
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    if (e.code === 'token_expired' || e.code === 'invalid_token') {
      try {
        await renew();
      } catch {
        end();
        throw e;
      }
      return call();
    }
    end();
    throw e;
  }
}

/**
 * Calls the API as the signed-in user (`signedIn`).
 * @param {string} method
 * @param {string} path
 * @param {{body?: unknown, ifMatch?: string | null, accept?: string}} [options]
 */
export async function api(method, path, options = {}) {
  return signedIn(() => send(method, path, options));
}

/**
 * One upload with XMLHttpRequest, which reports the progress of the request body
 * (fetch does not): like `send`, answered as parsed JSON or thrown as an ApiError.
 * @param {string} path
 * @param {FormData} body
 * @param {(sent: number, total: number) => void} onProgress
 * @returns {Promise<{data: any, etag: string | null, status: number}>}
 */
function sendForm(path, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json');
    if (accessToken) xhr.setRequestHeader('Authorization', `Bearer ${accessToken}`);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener('load', () => {
      /** @type {any} */
      let data = null;
      if ((xhr.getResponseHeader('content-type') ?? '').includes('json')) {
        try {
          data = JSON.parse(xhr.responseText);
        } catch {}
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ data, etag: xhr.getResponseHeader('etag'), status: xhr.status });
        return;
      }
      const error = new ApiError(xhr.status, data);
      const wait = Number(xhr.getResponseHeader('retry-after'));
      if (wait > 0) error.retryAfter = wait;
      reject(error);
    });
    // A server refusing a body too large may close the connection before reading it
    // all, which the browser reports as a network error rather than the 413.
    xhr.addEventListener('error', () =>
      reject(new ApiError(0, { title: 'Network error', detail: 'The upload was cut off: the server could not be reached, or it refused a file that large.' })),
    );
    xhr.send(body);
  });
}

/**
 * Uploads a form (multipart/form-data, built by the browser from `body`) as the
 * signed-in user (`signedIn`), reporting progress.
 * @param {string} path
 * @param {FormData} body
 * @param {(sent: number, total: number) => void} [onProgress]
 */
export async function upload(path, body, onProgress = () => {}) {
  return signedIn(() => sendForm(path, body, onProgress));
}

/**
 * GETs every page of a list (for pickers: sections, polls, blocks).
 * @param {string} path
 * @param {number} [max] at most this many items
 */
export async function all(path, max = 1000) {
  /** @type {any[]} */
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    /** @type {{items: any[], next_cursor?: string | null}} */
    const page = (await api('GET', `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).data;
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

/**
 * GETs a file the API makes (a CSV export) as a Blob. The access token lives only in
 * this module, so a plain link could not carry it: fetch here, then save the Blob.
 * @param {string} path
 * @param {string} accept the file's media type, e.g. text/csv
 * @returns {Promise<Blob>}
 */
export async function download(path, accept) {
  return (await api('GET', path, { accept })).data;
}

/**
 * Signs in; the refresh token arrives as the HttpOnly cookie.
 * @param {string} email
 * @param {string} password
 */
export async function signIn(email, password) {
  const { data } = await send('POST', '/api/v1/auth/session', { body: { email, password }, auth: false });
  adopt(data);
}

/**
 * Renews the session from the cookie. One renewal at a time across all tabs: two tabs
 * presenting the same refresh token would look like a stolen token and end the session.
 */
function renew() {
  renewing ??= withLock(async () => {
    const { data } = await send('POST', '/api/v1/auth/session/refresh', { auth: false });
    adopt(data);
  }).finally(() => {
    renewing = null;
  });
  return renewing;
}

/**
 * @param {() => Promise<void>} fn
 * @returns {Promise<void>}
 */
function withLock(fn) {
  return navigator.locks ? navigator.locks.request('masthead-session', fn).then(() => {}) : fn();
}

/** Picks up the session a reload left behind; false when there is none. */
export async function resume() {
  if (!localStorage.getItem(HINT)) return false;
  try {
    await renew();
    return true;
  } catch {
    return false;
  }
}

/** Signs out: the session ends on the server and the cookie is cleared. */
export async function signOut() {
  try {
    await send('DELETE', '/api/v1/auth/session', { auth: false });
  } finally {
    end();
  }
}

/**
 * The ETag a versioned resource answers with.
 * @param {{version: number}} resource
 */
export function etagOf(resource) {
  return `"${resource.version}"`;
}

/**
 * Whether two values are the same data: object keys in any order, and an absent field
 * the same as a null one (the server leaves some nulls out).
 * @param {unknown} a
 * @param {unknown} b
 */
export function same(a, b) {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** @param {unknown} value @returns {unknown} */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/**
 * The fields where `next` differs from `base`: what a save with If-Match sends.
 * @template T
 * @param {Array<keyof T>} fields
 * @param {T} base
 * @param {T} next
 */
export function changedFields(fields, base, next) {
  return fields.filter((f) => !same(base[f], next[f]));
}
