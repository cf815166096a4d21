// test-engines: both
// The account page (issue 13 part 5) in real Chromium: a user changes their password there (a
// weak one refused first) and their other browser is logged out while this one goes on; then
// "Log out everywhere" ends this browser's session and another's. At 390 px the page does not
// scroll sideways.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkip, launchChromium } from '../helpers/chromium.js';
import { PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';

const skip = chromiumSkip();
const NEW_PASSWORD = 'violet staircase 4 rivers';

describe('the account page in Chromium', { skip }, () => {
  let gh: Running;
  let browser: Browser;

  before(async () => {
    gh = await startGatehouse({ clock: 'system' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await gh?.close();
  });

  /** A new browser (its own cookies) logged in as alice through /user, on her account page. */
  async function aliceBrowser(password: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await page.goto(`${gh.url}/user`);
    await page.waitForURL(/\/user\/login/);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(/\/user\/\d+\/edit$/);
    return page;
  }

  test('change the password: the other browser is logged out, this one goes on', async () => {
    const page = await aliceBrowser(PASSWORD);
    const other = await aliceBrowser(PASSWORD);
    assert.equal(await page.title(), 'Your account · Gatehouse');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no sideways scrolling at 390 px');
    assert.ok(await page.getByRole('link', { name: 'Second factors' }).isVisible());

    await page.locator('#edit-current-pass').fill(PASSWORD);
    await page.locator('#edit-pass').fill('password123');
    await page.locator('#edit-pass-confirm').fill('password123');
    await page.getByRole('button', { name: 'Change password' }).click();
    assert.match(await page.locator('#pass-error').innerText(), /too common/);

    await page.locator('#edit-current-pass').fill(PASSWORD);
    await page.locator('#edit-pass').fill(NEW_PASSWORD);
    await page.locator('#edit-pass-confirm').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL(/\/edit\?done=password$/);
    assert.match(await page.getByRole('status').innerText(), /Your password has been changed/);
    // a reload is a GET: nothing is posted again
    await page.reload();
    assert.match(await page.getByRole('status').innerText(), /Your password has been changed/);

    await other.reload();
    assert.match(other.url(), /\/user\/login\?destination=/, 'the other browser must log in again');
    await other.context().close();
    await page.context().close();
  });

  test('log out everywhere: this browser and the other one must log in again', async () => {
    const page = await aliceBrowser(NEW_PASSWORD);
    const other = await aliceBrowser(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Log out everywhere' }).click();
    await page.waitForURL(`${gh.url}/user/login`);
    await page.goto(`${gh.url}/user`);
    assert.match(page.url(), /\/user\/login\?destination=%2Fuser$/);
    await other.reload();
    assert.match(other.url(), /\/user\/login\?destination=/);
    assert.equal(await gh.store.sessions.deleteByUser((await gh.store.users.findByName('alice'))!.uid), 0, 'no session of alice is left');
  });
});
