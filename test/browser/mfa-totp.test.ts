// test-engines: both
// Second factors in real Chromium (issue 13 part 6), with codes computed by the test from the key
// the page shows: bob sets up an authenticator app on his security page (QR code, first code,
// recovery codes once), then logs in with a code and with a recovery code; dave, whose role
// requires a second factor, is led through enrolment at his first login. No page breaks the CSP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { totpCodeAt } from '../../src/accounts/second-factors/totp.js';
import { chromiumSkip, launchChromium } from '../helpers/chromium.js';
import { PASSWORD, startGatehouse, WORLD, type Running } from '../helpers/gatehouse.js';
import { uidOf } from '../helpers/tokens.js';

const skip = chromiumSkip();

describe('second factors in Chromium', { skip }, () => {
  let gh: Running;
  let browser: Browser;
  const cspViolations: string[] = [];
  let secret = '';
  let codes: string[] = [];

  before(async () => {
    gh = await startGatehouse({
      clock: 'system',
      world: {
        ...WORLD,
        roles: [...(WORLD.roles ?? []), { id: 'staff', label: 'Staff', permissions: [], mfaRequired: true }],
        users: [...(WORLD.users ?? []), { name: 'dave', mail: 'dave@example.com', password: PASSWORD, roles: ['staff'] }],
      },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await gh?.close();
  });

  async function newPage(): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    return page;
  }

  async function logIn(page: Page, name: string): Promise<void> {
    await page.goto(`${gh.url}/user/login?destination=/user/apps`);
    await page.getByLabel('Username').fill(name);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
  }

  /** On the enrolment page: reads the key, confirms with its code, reads the recovery codes. */
  async function confirmEnrolment(page: Page): Promise<{ secret: string; codes: string[] }> {
    assert.ok(await page.locator('.qr svg').isVisible(), 'the QR code is drawn');
    const box = await page.locator('.qr svg').boundingBox();
    assert.ok(box && box.width > 100, 'at a scannable size');
    const key = (await page.locator('#totp-secret').textContent())!;
    assert.match((await page.locator('#totp-uri').getAttribute('href'))!, /^otpauth:\/\/totp\//);
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('That code is not right').waitFor();
    await page.getByLabel('Code from your authenticator app').fill(totpCodeAt(key, Date.now()));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    const shown = await page.locator('#recovery-codes code').allTextContents();
    assert.equal(shown.length, 10);
    return { secret: key, codes: shown };
  }

  test('bob sets up an authenticator app on his security page', async () => {
    const page = await newPage();
    await logIn(page, 'bob');
    await page.waitForURL(`${gh.url}/user/apps`);
    const uid = await uidOf(gh, 'bob');
    await page.goto(`${gh.url}/user/${uid}/security`);
    assert.equal(await page.locator('#totp-status').textContent(), 'Authenticator app: off.');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.waitForURL(`${gh.url}/user/${uid}/security/totp`);
    ({ secret, codes } = await confirmEnrolment(page));
    await page.getByRole('link', { name: /I have saved them/ }).click();
    await page.getByText('Two-step verification is on.').waitFor();
    assert.equal(await page.locator('#totp-status').textContent(), 'Authenticator app: on.');
    // the codes were shown once: going back to their page shows none
    await page.goto(`${gh.url}/user/${uid}/security/recovery-codes`);
    await page.getByText('The recovery codes were shown already').waitFor();
    await page.context().close();
  });

  test('bob logs in with a code from the app', async () => {
    const page = await newPage();
    await logIn(page, 'bob');
    await page.waitForURL(`${gh.url}/user/login/second-factor`);
    await page.getByLabel('Code from your authenticator app').fill('123456');
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.getByText('That code is not right').waitFor();
    // the enrolment used this step's code: the next step's is accepted (one step of drift)
    await page.getByLabel('Code from your authenticator app').fill(totpCodeAt(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.waitForURL(`${gh.url}/user/apps`);
    assert.ok(await page.getByText('Signed in as').isVisible());
    await page.context().close();
  });

  test('bob logs in with a recovery code, once', async () => {
    const page = await newPage();
    await logIn(page, 'bob');
    await page.waitForURL(`${gh.url}/user/login/second-factor`);
    await page.locator('summary', { hasText: 'Recovery code' }).click();
    await page.getByLabel('Recovery code', { exact: true }).fill(codes[3]);
    await page.locator('form:has(input[name=recovery_code]) button').click();
    await page.waitForURL(`${gh.url}/user/apps`);
    await page.context().close();

    const again = await newPage();
    await logIn(again, 'bob');
    await again.waitForURL(`${gh.url}/user/login/second-factor`);
    await again.locator('summary', { hasText: 'Recovery code' }).click();
    await again.getByLabel('Recovery code', { exact: true }).fill(codes[3]);
    await again.locator('form:has(input[name=recovery_code]) button').click();
    await again.getByText('That recovery code was already used').waitFor();
    await again.context().close();
  });

  test('dave, whose role requires a second factor, enrols at his first login', async () => {
    const page = await newPage();
    await logIn(page, 'dave');
    await page.waitForURL(`${gh.url}/user/login/second-factor`);
    await page.getByText('Your account requires a second factor').waitFor();
    await confirmEnrolment(page);
    await page.getByRole('link', { name: /I have saved them/ }).click();
    await page.waitForURL(`${gh.url}/user/apps`);
    assert.ok(await page.getByText('Signed in as').isVisible());
    await page.context().close();
  });

  test('no page broke the Content Security Policy', () => {
    assert.deepEqual(cspViolations, []);
  });
});
