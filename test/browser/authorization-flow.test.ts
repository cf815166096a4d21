// test-engines: both
// The authorization-code flow in real Chromium, with openid-client v6 as the relying party:
// discovery → PKCE authorization URL → login → Allow → callback → code exchange → id token
// validated → userinfo → refresh. Then Deny, a remembered approval, and revoking the app.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bearer, freePort, PASSWORD, request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { chromiumSkip, launchChromium } from '../helpers/chromium.js';
import { startRelyingParty, type RelyingParty } from './relying-party.js';

const skip = chromiumSkip();

describe('authorization code flow in Chromium with openid-client', { skip }, () => {
  let gh: Running;
  let rp: RelyingParty;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    const port = await freePort();
    gh = await startGatehouse({ port, config: { issuer: `http://127.0.0.1:${port}`, audience: `http://127.0.0.1:${port}` } });
    // the relying party listens on its own port: the registered loopback redirect differs only in port
    rp = await startRelyingParty(gh.config.issuer, 'spa', 'openid profile email profile:read');
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await rp?.close();
    await gh?.close();
  });

  async function callbackResult(): Promise<Record<string, any>> {
    await page.waitForURL(`${rp.url}/callback**`);
    return JSON.parse((await page.locator('body').innerText()).trim());
  }

  test('login, consent, code exchange, id token, userinfo, refresh', async () => {
    await page.goto(`${rp.url}/login`);
    await page.waitForURL(/\/user\/login/);
    assert.equal(await page.title(), 'Log in · Gatehouse');
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(/\/oauth\/authorize/);
    assert.ok(await page.getByText('React app wants to access your account').isVisible());
    assert.ok(await page.getByText('The team calendar').isVisible());
    assert.ok(await page.getByText('Read user profiles').isVisible());
    await page.getByRole('button', { name: 'Allow' }).click();
    const result = await callbackResult();
    assert.equal(result.error, undefined, JSON.stringify(result));
    const alice = await gh.store.users.findByName('alice');
    assert.equal(result.sub, String(alice!.uid));
    assert.equal(result.idTokenIss, gh.config.issuer);
    assert.equal(result.userinfo.email, 'alice@example.com');
    assert.equal(result.userinfo.preferred_username, 'alice');
    assert.ok(result.refreshToken, 'refreshed, with a rotated refresh token');
    const info = await request(`${gh.url}/oauth/userinfo`, { headers: bearer(result.accessToken) });
    assert.equal(info.status, 200);
  });

  test('a remembered approval skips the consent page', async () => {
    await page.goto(`${rp.url}/login`);
    const result = await callbackResult();
    assert.equal(result.userinfo.preferred_username, 'alice');
  });

  test('revoking the app at /user/apps revokes its tokens', async () => {
    const { accessToken } = rp.results.get('last') as { accessToken: string };
    gh.clock.tick();
    await page.goto(`${gh.url}/user/apps`);
    assert.ok(await page.getByRole('cell', { name: /^React app approved/ }).isVisible());
    await page.getByRole('button', { name: 'Revoke React app' }).click();
    await page.waitForURL(/\/user\/apps\?revoked=1/);
    assert.ok(await page.getByText('You have not approved any app.').isVisible());
    const info = await request(`${gh.url}/oauth/userinfo`, { headers: bearer(accessToken) });
    assert.equal(info.status, 401);
  });

  test('Deny sends access_denied back to the application', async () => {
    await page.goto(`${rp.url}/login`);
    await page.waitForURL(/\/oauth\/authorize/);
    await page.getByRole('button', { name: 'Deny' }).click();
    const result = await callbackResult();
    assert.equal(result.error, 'access_denied');
    assert.equal(result.iss, gh.config.issuer);
  });

  test('the pages look right on a phone', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const small = await phone.newPage();
    await small.goto(`${gh.url}/user/login`);
    const width = await small.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `no horizontal scrolling (${width}px)`);
    if (process.env.GATEHOUSE_SCREENSHOTS) await small.screenshot({ path: `${process.env.GATEHOUSE_SCREENSHOTS}/login-phone.png` });
    await phone.close();
  });
});
