// The media library: an editor uploads images (the file button and a drop), meets the
// refusals of a file that is not an image and of one too large to decode, finds an
// image by searching, gives it alt text and a focal point, uses images from the
// library in an article (the hero, and an image block with an image uploaded from the
// picker), deletes an unused image and is told why a used one is not deleted; then
// the library at phone width, and a writer who may read an editor's image but not
// change it.
//
// The UI contract this journey holds the client to:
//   - the navigation link "Media" leads to the heading "Media", a drop zone with the
//     file input "Choose files…", a search form ("Search", "Uploaded by", the button
//     "Search") and a grid of images, each a link named by its file name;
//   - each upload is a line with a progress bar and its outcome: "Uploaded", or a
//     role=alert saying why not (415: "not an image the library takes"; 422: "The
//     image could not be used");
//   - an image's page (heading "Edit image") has "Alt text", "Caption", "Credit",
//     "File name", the focal point set by clicking the preview (shown in the group
//     "Focal point" as "Across (%)" and "Down (%)"), "Save" and "Delete image" (which asks
//     first; a 409 says "Not deleted." with the server's detail, naming the articles);
//   - the article editor's hero and image blocks have "Choose from the library" (in a
//     block: "Choose from the library, block N"), which opens the dialog "Choose an
//     image" (search, upload, a button per image named by its file name), and then
//     show the chosen image's thumbnail.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { api, createArticle, createSection, createUser, login, openJourney, phone, shot, signIn, usePhone, visible } from './lib.js';

/** @type {number[]} */
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
/** @param {Buffer} bytes */
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = /** @type {number} */ (crcTable[(c ^ b) & 0xff]) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A small PNG, made here rather than kept as a file: a diagonal blend between two
 * colours drawn from `seed`, so that every run uploads bytes the server has not seen.
 * @param {number} width
 * @param {number} height
 * @param {Buffer} seed at least 6 bytes
 */
function png(width, height, seed) {
  const [r1, g1, b1, r2, g2, b2] = seed;
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      const mix = (/** @type {number | undefined} */ a, /** @type {number | undefined} */ b) => Math.round((a ?? 0) * (1 - t) + (b ?? 0) * t);
      rows.set([mix(r1, r2), mix(g1, g2), mix(b1, b2)], row + 1 + x * 3);
    }
  }
  /** @param {string} type @param {Buffer} data */
  const chunk = (type, data) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('media: upload, search, describe, focus, use in an article, delete', { timeout: 300_000 }, async (t) => {
  const section = await createSection('Pictures');
  const editor = await createUser({ role: 'editor' });
  const token = await login(editor.email, editor.password);
  const suffix = randomBytes(4).toString('hex');
  const names = { harbour: `harbour-${suffix}.png`, ferry: `ferry-${suffix}.png`, kite: `kite-${suffix}.png` };
  const article = await createArticle(token, { headline: `Ferries return to the harbour ${suffix}`, section_id: section.id });

  const journey = await openJourney('media');
  t.after(() => journey.close());
  const { page } = journey;
  const nav = page.getByRole('navigation', { name: 'Main' });
  const toast = page.getByRole('status');
  const tile = (/** @type {string} */ name) => page.locator('.media-grid').getByRole('link', { name });
  const upload = (/** @type {string} */ name) => page.locator('ul.uploads li', { hasText: name });

  /** The one asset of the server with this file name. @param {string} name */
  const assetNamed = async (name) => {
    const found = await api('GET', `/api/v1/media?q=${encodeURIComponent(name)}`, { token });
    const match = found.items.filter((/** @type {any} */ a) => a.file_name === name);
    assert.equal(match.length, 1, `${match.length} assets named ${name}`);
    return match[0];
  };

  await journey.step('signed in: the media library', async () => {
    await page.goto('/admin/login');
    await signIn(page, editor.email, editor.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    await nav.getByRole('link', { name: 'Media', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Media' }), 'the heading "Media"');
  });

  const harbourBytes = png(640, 400, randomBytes(6));
  await journey.step('uploaded with the file button', async () => {
    await page.getByLabel('Choose files…').setInputFiles({ name: names.harbour, mimeType: 'image/png', buffer: harbourBytes });
    await visible(upload(names.harbour).getByText('Uploaded'), 'the upload done');
    assert.equal(await upload(names.harbour).locator('progress').evaluate((p) => /** @type {HTMLProgressElement} */ (p).value), 100);
    await visible(tile(names.harbour), 'the image in the grid');
    // Its thumbnail is a rendition, and it loads.
    const img = tile(names.harbour).locator('img');
    await page.waitForFunction((el) => /** @type {HTMLImageElement} */ (el).complete && /** @type {HTMLImageElement} */ (el).naturalWidth > 0, await img.elementHandle());
    assert.match(await img.getAttribute('src') ?? '', /^\/api\/v1\/public\/media\//);
  });

  await journey.step('uploaded by dropping a file', async () => {
    // A PNG drawn on a canvas in the page and dropped onto the zone, as a file dragged
    // from the desktop would be.
    await page.evaluate(async (name) => {
      const canvas = document.createElement('canvas');
      canvas.width = 480;
      canvas.height = 320;
      const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
      g.fillStyle = '#1d3557';
      g.fillRect(0, 0, 480, 320);
      g.fillStyle = '#f1c40f';
      g.beginPath();
      g.arc(120 + Math.random() * 240, 160, 60, 0, Math.PI * 2);
      g.fill();
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
      const data = new DataTransfer();
      data.items.add(new File([/** @type {Blob} */ (blob)], name, { type: 'image/png' }));
      const zone = /** @type {HTMLElement} */ (document.querySelector('.drop-zone'));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    }, names.ferry);
    await visible(upload(names.ferry).getByText('Uploaded'), 'the dropped file uploaded');
    await visible(tile(names.ferry), 'the dropped image in the grid');
  });

  await journey.step('the same bytes again: already in the library', async () => {
    await page.getByLabel('Choose files…').setInputFiles({ name: `again-${suffix}.png`, mimeType: 'image/png', buffer: harbourBytes });
    await visible(upload(`again-${suffix}.png`).getByText('Already in the library'), 'the duplicate found');
    assert.equal(await tile(names.harbour).count(), 1, 'the harbour is shown twice');
    assert.equal(await tile(`again-${suffix}.png`).count(), 0, 'a second asset for the same bytes');
  });

  await journey.step('a text file is refused: not an image', async () => {
    await page.getByLabel('Choose files…').setInputFiles({ name: `notes-${suffix}.txt`, mimeType: 'text/plain', buffer: Buffer.from('Not a picture at all.\n') });
    await visible(upload(`notes-${suffix}.txt`).getByRole('alert').getByText(/not an image the library takes/), 'the 415 problem');
  });

  await journey.step('an image wider than the server takes is refused', async () => {
    // Only the header counts: the server refuses it before decoding a pixel.
    const header = png(1, 1, randomBytes(6));
    header.writeUInt32BE(20_000, 16);
    header.writeUInt32BE(crc32(header.subarray(12, 29)), 29);
    await page.getByLabel('Choose files…').setInputFiles({ name: `vast-${suffix}.png`, mimeType: 'image/png', buffer: header });
    await visible(upload(`vast-${suffix}.png`).getByRole('alert').getByText(/The image could not be used/), 'the 422 problem');
  });

  await journey.step('found by searching', async () => {
    await page.getByLabel('Search', { exact: true }).fill(`ferry-${suffix}`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\/admin\/media\?q=ferry/);
    await visible(tile(names.ferry), 'the ferry found');
    assert.equal(await tile(names.harbour).count(), 0, 'the harbour is shown for "ferry"');
  });

  await journey.step('alt text saved', async () => {
    await tile(names.ferry).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit image' }), 'the image\'s page');
    await visible(page.locator('dl.facts').getByText('480 × 320 pixels'), 'its dimensions');
    await visible(page.locator('dl.facts').getByText(editor.display_name), 'its uploader');
    await page.getByLabel('Alt text', { exact: true }).fill('A yellow sun over a dark blue sea');
    await page.getByLabel('Credit', { exact: true }).fill('Drawing: the test');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(toast.getByText('Saved.'), 'the toast "Saved."');
    const ferry = await assetNamed(names.ferry);
    assert.equal(ferry.alt, 'A yellow sun over a dark blue sea');
    assert.equal(ferry.credit, 'Drawing: the test');
  });

  await journey.step('a stale edit is reloaded', async () => {
    const ferry = await assetNamed(names.ferry);
    await api('PATCH', `/api/v1/media/${ferry.id}`, { token, ifMatch: `"${ferry.version}"`, body: { caption: 'Changed elsewhere' } });
    await page.getByLabel('Alt text', { exact: true }).fill('Mine, not saved');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByRole('alert').getByText('Someone else saved this image'), 'the 412 message');
    await visible(page.getByRole('alert').getByText('Your changes to Alt text were not saved'), 'what was not saved');
    assert.equal(await page.getByRole('textbox', { name: 'Caption' }).textContent(), 'Changed elsewhere');
    assert.equal(await page.getByLabel('Alt text', { exact: true }).inputValue(), 'A yellow sun over a dark blue sea');
  });

  await journey.step('the focal point set by clicking', async () => {
    const preview = page.locator('.focal-image');
    await page.waitForFunction((el) => /** @type {HTMLImageElement} */ (el).complete && /** @type {HTMLImageElement} */ (el).naturalWidth > 0, await preview.elementHandle());
    const box = /** @type {{width: number, height: number, x: number, y: number}} */ (await preview.boundingBox());
    await preview.click({ position: { x: box.width * 0.25, y: box.height * 0.75 } });
    const focal = page.getByRole('group', { name: 'Focal point' });
    assert.ok(Math.abs(Number(await focal.getByLabel('Across (%)').inputValue()) - 25) <= 1);
    assert.ok(Math.abs(Number(await focal.getByLabel('Down (%)').inputValue()) - 75) <= 1);
    // The marker is drawn where the click was.
    const marker = /** @type {{width: number, height: number, x: number, y: number}} */ (await page.locator('.focal-marker').boundingBox());
    assert.ok(Math.abs(marker.x + marker.width / 2 - (box.x + box.width * 0.25)) <= 3, 'the marker is not where the click was (across)');
    assert.ok(Math.abs(marker.y + marker.height / 2 - (box.y + box.height * 0.75)) <= 3, 'the marker is not where the click was (down)');
    await visible(page.locator('.status-line', { hasText: 'unsaved changes' }), 'the unsaved change');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.locator('.status-line', { hasText: 'Version 4' }), 'the saved version');
    const ferry = await assetNamed(names.ferry);
    assert.ok(Math.abs(ferry.focal_point.x - 0.25) <= 0.01 && Math.abs(ferry.focal_point.y - 0.75) <= 0.01, JSON.stringify(ferry.focal_point));
  });

  await journey.step('the hero image chosen from the library', async () => {
    await page.goto(`/admin/articles/${article.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Edit article' }), 'the editor');
    await page.getByRole('button', { name: 'Choose from the library', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose an image' });
    await visible(dialog, 'the picker');
    await dialog.getByLabel('Search the library').fill(names.harbour);
    await dialog.getByRole('button', { name: 'Search', exact: true }).click();
    // The whole library is listed first; then only what the search finds.
    await visible(dialog.getByText('1 image shown.'), 'the search\'s count');
    await visible(dialog.getByRole('button', { name: names.harbour }), 'the harbour in the picker');
    assert.equal(await dialog.locator('.media-grid li').count(), 1, 'the search found more than the harbour');
    await shot(page, 'the picker');
    await dialog.getByRole('button', { name: names.harbour }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const hero = page.locator('fieldset', { has: page.getByText('Hero image', { exact: true }) });
    await visible(hero.getByText(names.harbour), 'the chosen file in the hero');
    await visible(hero.locator('.chosen-image img'), 'its thumbnail');
    await visible(hero.getByRole('button', { name: 'Change the image', exact: true }), 'the button "Change…"');
  });

  await journey.step('an image block with an image uploaded in the picker', async () => {
    await page.getByLabel('Type of block to add').selectOption('image');
    await page.getByRole('button', { name: 'Add block' }).click();
    await page.getByRole('button', { name: 'Choose from the library, block 1', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose an image' });
    await visible(dialog, 'the picker');
    await dialog.getByLabel('Choose files…').setInputFiles({ name: names.kite, mimeType: 'image/png', buffer: png(300, 500, randomBytes(6)) });
    await visible(dialog.getByText('Uploaded'), 'the upload in the picker');
    await dialog.getByRole('button', { name: names.kite }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const block = page.locator('li.block.image');
    await visible(block.getByText(names.kite), 'the chosen file in the block');
    await visible(block.locator('.chosen-image img'), 'its thumbnail');
    await visible(block.getByRole('button', { name: 'Change the image, block 1', exact: true }), 'the block\'s "Change…"');
    await page.getByLabel('Alt text', { exact: true }).fill('A kite over the harbour');
  });

  await journey.step('the article saved with both assets', async () => {
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.locator('.status-line', { hasText: `version ${article.version + 1}` }), 'the saved new version');
    const [harbour, kite] = [await assetNamed(names.harbour), await assetNamed(names.kite)];
    const saved = await api('GET', `/api/v1/articles/${article.id}`, { token });
    assert.equal(saved.hero_image?.asset_id, harbour.id, JSON.stringify(saved.hero_image));
    assert.ok(!saved.hero_image?.url, `the hero kept a URL: ${JSON.stringify(saved.hero_image)}`);
    const image = saved.body.find((/** @type {any} */ b) => b.type === 'image');
    assert.equal(image?.asset_id, kite.id, JSON.stringify(saved.body));
    assert.equal(image?.alt, 'A kite over the harbour');
    // After the save, the form shows the assets again from what the server stored.
    await visible(page.locator('li.block.image .chosen-image img'), 'the block\'s thumbnail after saving');
  });

  await journey.step('the preview shows the library\'s images', async () => {
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const preview = page.getByRole('dialog', { name: 'Preview' });
    const images = preview.locator('figure img');
    await visible(images, 'the images in the preview');
    assert.equal(await images.count(), 2);
    for (const src of await images.evaluateAll((all) => all.map((img) => /** @type {HTMLImageElement} */ (img).getAttribute('src')))) {
      assert.match(src ?? '', /^\/api\/v1\/public\/media\//);
    }
    await page.waitForFunction((all) => all.every((img) => /** @type {HTMLImageElement} */ (img).complete && /** @type {HTMLImageElement} */ (img).naturalWidth > 0), await images.elementHandles());
    await shot(page, 'the preview');
    await preview.getByRole('button', { name: 'Close preview' }).click();
  });

  await journey.step('an unused image is deleted', async () => {
    await nav.getByRole('link', { name: 'Media', exact: true }).click();
    await tile(names.ferry).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit image' }), 'the image\'s page');
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Delete image' }).click();
    await visible(toast.getByText('Image deleted.'), 'the toast');
    await visible(page.getByRole('heading', { level: 1, name: 'Media' }), 'the library again');
    assert.equal(await tile(names.ferry).count(), 0, 'the deleted image is still listed');
    const ferry = await api('GET', `/api/v1/media?q=${encodeURIComponent(names.ferry)}`, { token });
    assert.equal(ferry.items.length, 0, 'the image is still on the server');
  });

  await journey.step('an image in use is not deleted', async () => {
    await tile(names.harbour).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit image' }), 'the image\'s page');
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Delete image' }).click();
    const alert = page.getByRole('alert');
    await visible(alert.getByText('Not deleted.'), 'the 409 message');
    // The server's detail names what uses it.
    assert.match((await alert.textContent()) ?? '', new RegExp(article.slug), 'the article is not named');
    await assetNamed(names.harbour);
  });

  await journey.step('the library on a phone', async () => {
    await usePhone(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Media', exact: true }).click();
    await visible(tile(names.harbour), 'the grid');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= phone.width, `the page is ${width} px wide at ${phone.width}`);
  });

  await journey.step('the picker fits a phone', async () => {
    await page.goto(`/admin/articles/${article.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Edit article' }), 'the editor');
    await page.getByRole('button', { name: 'Change the image', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose an image' });
    await visible(dialog.getByRole('button', { name: names.harbour }), 'the harbour in the picker');
    const fits = await dialog.evaluate((d) => d.getBoundingClientRect().right <= window.innerWidth && d.scrollWidth <= d.clientWidth);
    assert.ok(fits, 'the picker is wider than the phone');
    await shot(page, 'the picker open on a phone');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.goto('/admin/media');
  });

  await journey.step('an image\'s page on a phone', async () => {
    await tile(names.kite).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit image' }), 'the image\'s page');
    await visible(page.getByRole('button', { name: 'Save', exact: true }), 'Save');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= phone.width, `the page is ${width} px wide at ${phone.width}`);
  });

  await journey.step('a writer reads an editor\'s image but does not change it', async () => {
    const writer = await createUser({ role: 'writer' });
    const harbour = await assetNamed(names.harbour);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByLabel('Email'), 'the sign-in form');
    await page.goto(`/admin/media/${harbour.id}`);
    await signIn(page, writer.email, writer.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Image', exact: true }), 'the read-only page');
    await visible(page.getByRole('note').getByText('Only its uploader, editors and admins'), 'why it is read-only');
    assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).isVisible(), false, 'a writer sees "Save"');
    assert.equal(await page.getByRole('button', { name: 'Delete image' }).isVisible(), false, 'a writer sees "Delete image"');
    assert.equal(await page.getByLabel('Alt text', { exact: true }).isDisabled(), true, 'the alt text is editable');
  });

  journey.assertNoProblems();
});
