// Time in the client: the API speaks RFC 3339 instants in UTC, people read and type
// wall-clock times. Every conversion between the two, and every reading of "now"
// against a window of dates, is here, so the screens agree on them.

/** The browser's time zone, named in hints next to date-time fields. */
export const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'your time zone';

/**
 * A date-time for people: the browser's locale and time zone.
 * @param {string | null | undefined} iso
 */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * An instant as the value of an `<input type="datetime-local">`, in the browser's zone.
 * @param {string | null | undefined} iso
 */
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * A `datetime-local` value (a wall-clock time here) as an RFC 3339 UTC instant; empty
 * is null. A value the browser cannot read is sent as typed, so that the server names
 * the field instead of the date being dropped without a word.
 * @param {string} value
 * @returns {string | null}
 */
export function fromLocalInput(value) {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? value : utc(ms);
}

/**
 * A wall-clock time in a named time zone, as a UTC instant. The zone's offset at that
 * moment comes from Intl (twice, for times near a change of offset).
 * @param {string} local `YYYY-MM-DDTHH:MM`, as a datetime-local input holds it
 * @param {string} zone
 */
export function zonedToUtc(local, zone) {
  const [date, time] = local.split('T');
  const [y, mo, d] = (date ?? '').split('-').map(Number);
  const [hh, mm] = (time ?? '').split(':').map(Number);
  const wall = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0);
  const offset = (/** @type {number} */ at) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(at));
    const get = (/** @type {string} */ t) => Number(parts.find((p) => p.type === t)?.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - at;
  };
  let at = wall - offset(wall);
  at = wall - offset(at);
  return utc(at);
}

/**
 * Milliseconds since the epoch as the API writes instants: whole seconds, `Z`.
 * @param {number} ms
 */
function utc(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A window of time in words: "… – …", "from …", "until …", or `open` when it has no
 * bounds.
 * @param {string | null | undefined} start
 * @param {string | null | undefined} end
 * @param {string} [open]
 */
export function windowText(start, end, open = 'always') {
  if (start && end) return `${when(start)} – ${when(end)}`;
  if (start) return `from ${when(start)}`;
  if (end) return `until ${when(end)}`;
  return open;
}

/**
 * Where now falls in a window as the server rules it: it begins at `start` (inclusive)
 * and is over at `end` (exclusive); a missing bound does not limit it.
 * @param {string | null | undefined} start
 * @param {string | null | undefined} end
 * @param {number} now
 * @returns {'before' | 'during' | 'after'}
 */
function phase(start, end, now) {
  if (start && now < Date.parse(start)) return 'before';
  if (end && now >= Date.parse(end)) return 'after';
  return 'during';
}

/**
 * Where a campaign (a sponsored block, an offer) stands now: its status, or for an
 * active one whether its window has begun or passed.
 * @param {{status: string, starts_at?: string | null, ends_at?: string | null}} item
 * @param {number} [now]
 * @returns {'draft' | 'paused' | 'live' | 'upcoming' | 'ended'}
 */
export function runState(item, now = Date.now()) {
  if (item.status !== 'active') return item.status === 'paused' ? 'paused' : 'draft';
  const at = phase(item.starts_at, item.ends_at, now);
  return at === 'before' ? 'upcoming' : at === 'after' ? 'ended' : 'live';
}

/**
 * Where a poll stands now, by its dates (the admin API does not send the state).
 * @param {{opens_at?: string | null, closes_at?: string | null}} poll
 * @param {number} [now]
 * @returns {import('./api.js').Schemas['PollState']}
 */
export function pollState(poll, now = Date.now()) {
  const at = phase(poll.opens_at, poll.closes_at, now);
  return at === 'before' ? 'upcoming' : at === 'after' ? 'closed' : 'open';
}
