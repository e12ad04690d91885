// Home for the commercial team (who have no editorial lists): the sponsored blocks
// running now and those about to start, and the offers readers can see today.

import { all } from '../api.js';
import { h } from '../dom.js';
import { runState, windowText } from '../dates.js';
import { can } from '../roles.js';
import { homeCard } from './home.js';
import { placementName } from './sponsored.js';
import { offerTerms } from './offers.js';

/** @typedef {import('../api.js').Schemas['SponsoredResponse']} Sponsored */
/** @typedef {import('../api.js').Schemas['OfferResponse']} Offer */

/**
 * @param {HTMLElement} main
 * @param {import('../api.js').User} user
 */
export async function commercialHome(main, user) {
  const sponsored = can(user, 'read_sponsored');
  const offers = can(user, 'edit_offers');
  if (!sponsored && !offers) {
    main.append(h('p', null, 'Your role has no lists here; use the navigation above.'));
    return;
  }
  const grid = h('div', { class: 'grid' });
  main.append(
    h(
      'p',
      { class: 'buttons' },
      can(user, 'edit_sponsored') ? h('a', { class: 'button primary', href: '/admin/sponsored/new' }, 'New sponsored block') : null,
      offers ? h('a', { class: 'button', href: '/admin/offers/new' }, 'New offer') : null,
    ),
    grid,
  );

  /** @type {Promise<Sponsored[]> | null} */
  const active = sponsored ? all('/api/v1/sponsored?status=active', 500) : null;
  /** @param {Sponsored[]} items @param {string} empty */
  const blockList = (items, empty) =>
    items.length
      ? h(
          'ul',
          { class: 'plain' },
          items.slice(0, 8).map((b) =>
            h(
              'li',
              null,
              h('a', { href: `/admin/sponsored/${encodeURIComponent(b.id)}` }, b.title),
              h('small', { class: 'muted' }, ` · ${b.sponsor_name} · ${placementName(b.placement)} · ${windowText(b.starts_at, b.ends_at)}`),
            ),
          ),
        )
      : h('p', { class: 'muted' }, empty);

  await Promise.all([
    active &&
      homeCard(grid, 'Sponsored: live now', '/admin/sponsored?status=active', async () =>
        blockList((await active).filter((b) => runState(b) === 'live'), 'No sponsored block is running.'),
      ),
    active &&
      homeCard(grid, 'Sponsored: starting soon', '/admin/sponsored?status=active', async () =>
        blockList(
          (await active).filter((b) => runState(b) === 'upcoming').sort((a, b) => Date.parse(a.starts_at ?? '') - Date.parse(b.starts_at ?? '')),
          'Nothing is scheduled to start.',
        ),
      ),
    offers &&
      homeCard(grid, 'Offers readers see now', '/admin/offers', async () => {
        /** @type {Offer[]} */
        const items = (await all('/api/v1/offers', 500)).filter((o) => runState(o) === 'live');
        return items.length
          ? h(
              'ul',
              { class: 'plain' },
              items.slice(0, 8).map((o) =>
                h('li', null, h('a', { href: `/admin/offers/${encodeURIComponent(o.id)}` }, o.name), h('small', { class: 'muted' }, ` · ${offerTerms(o)}`)),
              ),
            )
          : h('p', { class: 'muted' }, 'No offer is showing.');
      }),
  ]);
}
