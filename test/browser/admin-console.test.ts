// test-engines: both
// The administration console in real Chromium: log in as an administrator, create a client and
// use it for a client_credentials token, rotate its secret (the old one refused), block a user
// (their token refused), and read the audit entries those steps made. Field errors, the
// confirmation step and the permission check are shown too. With GATEHOUSE_SCREENSHOTS=1 the
// pages are saved to docs/console-*.png for the README.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_WORLD } from '../helpers/admin.js';
import { chromiumSkip, launchChromium } from '../helpers/chromium.js';
import { basic, bearer, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

const skip = chromiumSkip();
const SHOTS = process.env.GATEHOUSE_SCREENSHOTS === '1';

describe('administration console in Chromium', { skip }, () => {
  let gh: Running;
  let browser: Browser;
  let page: Page;

  async function shot(name: string): Promise<void> {
    if (!SHOTS) return;
    mkdirSync('docs', { recursive: true });
    await page.screenshot({ path: `docs/console-${name}.png`, fullPage: true });
  }

  async function logIn(user: string, destination = '/admin'): Promise<void> {
    await page.goto(`${gh.url}${destination}`);
    await page.waitForURL(/\/user\/login/);
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
  }

  before(async () => {
    gh = await startGatehouse({ world: ADMIN_WORLD, clock: 'system' });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });

  after(async () => {
    await browser?.close();
    await gh?.close();
  });

  test('a user without an admin permission is refused', async () => {
    await logIn('bob');
    await page.waitForURL(`${gh.url}/admin`);
    assert.ok(await page.getByText('Access denied').isVisible());
    await page.context().clearCookies();
  });

  test('create a client, use it, rotate its secret, block a user, read the audit log', async () => {
    await logIn('root');
    await page.waitForURL(`${gh.url}/admin`);
    assert.equal(await page.title(), 'Dashboard · Gatehouse admin');
    assert.ok(await page.locator('figure.chart svg').first().isVisible(), 'the activity chart is drawn');

    // a new client: first a field error shown beside its field, then success
    await page.getByRole('link', { name: 'Clients' }).click();
    await shot('clients');
    await page.getByRole('link', { name: 'New client' }).click();
    await page.getByLabel('Client ID').fill('nightly job');
    await page.getByRole('button', { name: 'Create client' }).click();
    assert.match(await page.locator('#clientId-error').innerText(), /not a valid client id/);
    assert.equal(await page.getByLabel('Client ID').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Client ID').fill('nightly-job');
    await page.getByLabel('Label', { exact: true }).fill('Nightly job');
    await page.locator('input[name=scopes][value="profile:read"]').check();
    await page.getByLabel('Default user').fill('alice');
    await shot('client-new');
    await page.getByRole('button', { name: 'Create client' }).click();
    const secret = (await page.locator('#client-secret').innerText()).trim();
    assert.ok(secret.length >= 43, 'the secret is shown once');

    const cc = (s: string) =>
      form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'profile:read' }, { authorization: basic('nightly-job', s) });
    const issued = await cc(secret);
    assert.equal(issued.status, 200, issued.text);

    // rotate: a confirmation first; then the new secret, and the old one is refused
    await page.getByRole('link', { name: 'Back to the client' }).click();
    assert.ok(!(await page.content()).includes(secret), 'the secret is never shown again');
    await shot('client-edit');
    await page.getByRole('link', { name: 'Rotate secret…' }).click();
    assert.ok(await page.getByText('Rotate the secret of Nightly job?').isVisible());
    await shot('confirm');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = (await page.locator('#client-secret').innerText()).trim();
    assert.notEqual(rotated, secret);
    assert.equal((await cc(secret)).status, 401, 'the old secret is refused');
    assert.equal((await cc(rotated)).status, 200);

    // block alice: her token stops working
    const aliceToken = (
      await form(`${gh.url}/oauth/token`, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username: 'alice', password: PASSWORD })
    ).body.access_token;
    assert.equal((await request(`${gh.url}/oauth/debug`, { headers: bearer(aliceToken) })).status, 200);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Search by name or e-mail').fill('ali');
    await page.getByRole('button', { name: 'Search' }).click();
    await shot('users');
    await page.getByRole('link', { name: 'alice' }).click();
    await page.getByRole('link', { name: 'Block…' }).click();
    await page.getByRole('button', { name: 'Block user' }).click();
    assert.ok(await page.getByText('User blocked; their tokens are revoked.').isVisible());
    assert.notEqual((await request(`${gh.url}/oauth/debug`, { headers: bearer(aliceToken) })).status, 200, 'a blocked user’s token is refused');

    // the audit log shows what was done
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Client ID').fill('nightly-job');
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = await page.locator('table.audit tbody tr').allInnerTexts();
    for (const event of ['admin.client.created', 'token.issued', 'admin.client.secret_rotated', 'token.failed']) {
      assert.ok(
        rows.some((r) => r.includes(event)),
        `${event} in ${rows.join('\n')}`,
      );
    }
    await page.goto(`${gh.url}/admin/audit`);
    assert.ok((await page.locator('table.audit tbody tr').allInnerTexts()).some((r) => r.includes('admin.user.blocked')));
    await shot('audit');

    for (const path of ['/admin/roles', '/admin/scopes', '/admin/keys', '/admin']) {
      await page.goto(`${gh.url}${path}`);
      assert.equal(page.url(), `${gh.url}${path}`);
      await shot(path === '/admin' ? 'dashboard' : path.slice(7));
    }
  });

  test('a form without its CSRF token is refused', async () => {
    const res = await page.request.post(`${gh.url}/admin/clients/new`, { form: { clientId: 'sneaky' } });
    assert.equal(res.status(), 403);
    assert.equal((await request(`${gh.url}/admin/api/v1/clients/sneaky`)).status, 401);
  });
});
