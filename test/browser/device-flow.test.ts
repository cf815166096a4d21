// test-engines: both
// The device flow as a TV app and its user would live it: openid-client v6 asks for a device
// authorization and polls (initiateDeviceAuthorization + pollDeviceAuthorizationGrant) while the
// user, in real Chromium, opens the verification URI, logs in, confirms the code and allows.
// Then the same with Deny: the poll ends with access_denied.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { bearer, freePort, PASSWORD, request, startGatehouse, WORLD, type Running } from '../helpers/gatehouse.js';
import { chromiumSkip, launchChromium } from '../helpers/chromium.js';

const skip = chromiumSkip();

describe('device flow: openid-client polls while the user approves in Chromium', { skip }, () => {
  let gh: Running;
  let browser: Browser;
  let config: oidc.Configuration;

  before(async () => {
    const port = await freePort();
    gh = await startGatehouse({
      port,
      // real time: openid-client waits the interval between polls for real
      clock: 'system',
      config: { issuer: `http://127.0.0.1:${port}`, audience: `http://127.0.0.1:${port}` },
      world: {
        ...WORLD,
        clients: [
          ...WORLD.clients!,
          {
            clientId: 'tv',
            label: 'Living-room TV',
            confidential: false,
            grantTypes: ['device_code', 'refresh_token'],
            scopes: ['openid', 'profile', 'profile:read'],
          },
        ],
      },
    });
    config = await oidc.discovery(new URL(gh.config.issuer), 'tv', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await gh?.close();
  });

  /** The user's part: verification_uri_complete, login, the code confirmed, then the decision. */
  async function userDecides(page: Page, uri: string, userCode: string, decision: 'Allow' | 'Deny'): Promise<void> {
    await page.goto(uri);
    await page.waitForURL(/\/user\/login/);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(/\/device\?user_code=/);
    assert.equal(await page.getByLabel('The code shown on your device').inputValue(), userCode);
    await page.getByRole('button', { name: 'Continue' }).click();
    assert.ok(await page.getByText('Living-room TV wants to access your account').isVisible());
    assert.ok(await page.getByText('Read user profiles').isVisible());
    await page.getByRole('button', { name: decision }).click();
    await page.getByRole('heading', { name: decision === 'Allow' ? 'Device connected' : 'Request denied' }).waitFor();
  }

  test('allowed: the poll ends with tokens for the user who approved', async () => {
    const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile:read' });
    assert.match(device.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    const polling = oidc.pollDeviceAuthorizationGrant(config, device);
    const context = await browser.newContext();
    await userDecides(await context.newPage(), device.verification_uri_complete!, device.user_code, 'Allow');
    await context.close();
    const tokens = await polling;
    const alice = await gh.store.users.findByName('alice');
    assert.equal(tokens.claims()?.sub, String(alice!.uid));
    assert.equal(tokens.scope, 'openid profile:read');
    assert.ok(tokens.refresh_token);
    const info = await request(`${gh.url}/oauth/userinfo`, { headers: bearer(tokens.access_token) });
    assert.equal(info.status, 200);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.ok(refreshed.access_token);
  });

  test('denied: the poll ends with access_denied', async () => {
    const device = await oidc.initiateDeviceAuthorization(config, { scope: 'profile:read' });
    const polling = oidc.pollDeviceAuthorizationGrant(config, device).then(
      () => null,
      (error: unknown) => error,
    );
    const context = await browser.newContext();
    await userDecides(await context.newPage(), device.verification_uri_complete!, device.user_code, 'Deny');
    await context.close();
    const error = (await polling) as { error?: string } | null;
    assert.equal(error?.error, 'access_denied');
  });
});
