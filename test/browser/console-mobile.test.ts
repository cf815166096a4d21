// test-engines: both
// Issue 13 part 8, the console on a phone, in real Chromium at 390×844: every console page —
// each list, form, detail page (a client, a user, an API key's revoke step), confirmation step
// and the page showing a secret once — has no sideways scrolling and no element wider than the
// viewport (a table may scroll inside its own box); the navigation collapses into a menu; the
// chart's labels keep a readable size; the copy button beside a secret copies it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApiKey } from '../../src/admin/api-keys.js';
import { OPERATOR } from '../../src/admin/actor.js';
import { ADMIN_WORLD } from '../helpers/admin.js';
import { chromiumSkip, launchChromium } from '../helpers/chromium.js';
import { PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { setRoutes } from '../gate/recording-upstream.js';

const skip = chromiumSkip();
const WIDTH = 390;

/** What overflows the viewport, outside any box that scrolls (or clips) by itself. */
async function overflow(page: Page): Promise<{ scrollWidth: number; wide: string[] }> {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const wide: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      let scroller = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) scroller = true;
      }
      if (scroller) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > viewport + 0.5 || r.left < -0.5))
        wide.push(
          `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).replace(/ /g, '.')}` : ''} ${Math.round(r.left)}–${Math.round(r.right)}`,
        );
    }
    return { scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 8) };
  });
}

describe('the console at 390 px in Chromium', { skip }, () => {
  let gh: Running;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pages: string[];

  before(async () => {
    gh = await startGatehouse({ world: ADMIN_WORLD, clock: 'system' });
    await setRoutes(gh, [
      {
        name: 'reports-api-with-a-long-name',
        path: '/api/reports/quarterly/by-region',
        auth: ['bearer', 'api_key'],
        upstream: 'http://reports-upstream.internal.example:8443',
      },
    ]);
    const alice = (await gh.store.users.findByName('alice'))!;
    const { apiKey } = await createApiKey(gh.admin, alice.uid, { label: 'a key with a fairly long label for a phone', scopes: ['profile:read'] }, OPERATOR);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: WIDTH, height: 844 }, isMobile: true, hasTouch: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gh.url });
    page = await context.newPage();
    await page.goto(`${gh.url}/admin`);
    await page.getByLabel('Username').fill('root');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(`${gh.url}/admin`);
    const u = alice.uid;
    pages = [
      '/admin',
      '/admin/clients',
      '/admin/clients/new',
      '/admin/clients/spa',
      '/admin/clients/backend',
      '/admin/clients/backend/secret',
      '/admin/clients/backend/revoke',
      '/admin/clients/backend/delete',
      '/admin/users',
      '/admin/users?q=a',
      '/admin/users/new',
      `/admin/users/${u}`,
      `/admin/users/${u}/block`,
      `/admin/users/${u}/unblock`,
      `/admin/users/${u}/revoke`,
      `/admin/users/${u}/api-keys/${apiKey.id}/revoke`,
      '/admin/roles',
      '/admin/scopes',
      '/admin/keys',
      '/admin/keys/rotate?use=id',
      '/admin/audit',
      '/admin/audit?outcome=failure',
      '/admin/mail',
      '/admin/routes',
      '/admin/shown/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ];
  });

  after(async () => {
    await browser?.close();
    await gh?.close();
  });

  test('the list covers every page the console routes declare', () => {
    const dir = 'src/web/admin';
    const declared = readdirSync(dir).flatMap((f) =>
      [...readFileSync(`${dir}/${f}`, 'utf8').matchAll(/app\.get(?:<[^>]*>)?\(\s*['`](\/admin[^'`]*)/g)].map((m) => m[1]),
    );
    assert.ok(declared.length >= 15);
    for (const route of declared) {
      const pattern = new RegExp(`^${route.replace(/:[A-Za-z]+|\$\{[^}]+\}/g, '[^/?]+')}(\\?.*)?$`);
      assert.ok(
        pages.some((p) => pattern.test(p)),
        `${route} is visited`,
      );
    }
  });

  test('no console page scrolls sideways, and nothing is wider than the viewport', async () => {
    for (const path of pages) {
      const response = await page.goto(`${gh.url}${path}`);
      assert.ok(response && response.status() < 500, path);
      const { scrollWidth, wide } = await overflow(page);
      assert.ok(scrollWidth <= WIDTH, `${path}: scrollWidth ${scrollWidth}`);
      assert.deepEqual(wide, [], `${path}: elements wider than the viewport`);
    }
  });

  test('the navigation collapses into a menu that opens without script', async () => {
    await page.goto(`${gh.url}/admin`);
    assert.equal(await page.locator('nav.sections').isVisible(), false);
    await page.getByText('Menu', { exact: true }).click();
    await page.locator('details.admin-menu').getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(`${gh.url}/admin/users`);
    assert.equal((await overflow(page)).scrollWidth <= WIDTH, true);
  });

  test('the chart labels keep a readable size', async () => {
    await page.goto(`${gh.url}/admin`);
    const sizes = await page
      .locator('figure.chart .chart-label, figure.chart .chart-axis')
      .evaluateAll((els) => els.map((el) => Number.parseFloat(getComputedStyle(el).fontSize)));
    assert.equal(sizes.length, 6);
    for (const size of sizes) assert.ok(size >= 12, `font size ${size}px`);
    assert.equal(await page.locator('figure.chart svg text').count(), 0, 'no text inside the scaled SVG');
  });

  test('a secret shown once: the copy button copies it', async () => {
    await page.goto(`${gh.url}/admin/clients/webapp/secret`);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.waitForURL(/\/admin\/shown\//);
    const secret = (await page.locator('#client-secret').innerText()).trim();
    assert.ok(secret.length >= 43);
    assert.deepEqual((await overflow(page)).wide, []);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.locator('button[data-copy="client-secret"][data-copied="yes"]').waitFor();
    assert.equal(await page.locator('#client-secret-status').innerText(), 'Copied to the clipboard.');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    // a reload is a GET of the page the POST redirected to: nothing posted again, nothing shown again
    await page.reload();
    assert.match(await page.locator('main').innerText(), /shown once already/);
    assert.equal(await page.locator('#client-secret').count(), 0);
  });
});
