// test-engines: both
// Self-service accounts in real Chromium, with mail from a real SMTP server (issue 13): a visitor
// registers, opens the mailed link, chooses a password and logs in; a user who forgot their
// password asks for a link, sets a new one, and their other session and tokens are refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkip, launchChromium } from '../helpers/chromium.js';
import { form, freePort, PASSWORD, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.js';

const skip = chromiumSkip();
const NEW_PASSWORD = 'amber lantern 7 harbours';

describe('self-service accounts in Chromium', { skip }, () => {
  let gh: Running;
  let smtp: TestSmtp;
  let browser: Browser;

  before(async () => {
    smtp = await startSmtp();
    const port = await freePort();
    gh = await startGatehouse({
      port,
      clock: 'system',
      config: {
        issuer: `http://127.0.0.1:${port}`,
        signup: 'visitors',
        signupVerifyEmail: true,
        mail: { smtpUrl: smtp.url, from: 'Gatehouse <gatehouse@example.com>', pollMs: 100 },
      },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await gh?.close();
    await smtp?.close();
  });

  test('register → mail → verify → log in', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${gh.url}/user/login`);
    await page.getByRole('link', { name: 'Create new account' }).click();
    await page.waitForURL(`${gh.url}/user/register`);
    await page.getByLabel('Email address').fill('dana@example.com');
    await page.getByLabel('Username').fill('dana');
    await page.getByRole('button', { name: 'Create new account' }).click();
    await page.getByText('A welcome message with further instructions has been sent').waitFor();

    const mail = await smtp.waitFor('dana@example.com', /Account details for dana/);
    await page.goto(linkIn(mail));
    await page.getByText('At least 10 characters').waitFor();
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('You can log in now').waitFor();

    await page.goto(`${gh.url}/user/login?destination=/user/apps`);
    await page.getByLabel('Username').fill('dana');
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(`${gh.url}/user/apps`);
    assert.ok(await page.getByText('Signed in as').isVisible());
    const user = await gh.store.users.findByName('dana');
    assert.equal(user?.mailVerified, true);
    await page.context().close();
  });

  test('forgot password → mail → reset → the old session and tokens are refused', async () => {
    // bob is logged in elsewhere, and an app holds his tokens
    const elsewhere = await (await browser.newContext()).newPage();
    await elsewhere.goto(`${gh.url}/user/login?destination=/user/apps`);
    await elsewhere.getByLabel('Username').fill('bob');
    await elsewhere.getByLabel('Password').fill(PASSWORD);
    await elsewhere.getByRole('button', { name: 'Log in', exact: true }).click();
    await elsewhere.waitForURL(`${gh.url}/user/apps`);
    const tokens = await form(`${gh.url}/oauth/token`, {
      grant_type: 'password',
      client_id: 'backend',
      client_secret: SECRET,
      username: 'bob',
      password: PASSWORD,
      scope: 'profile:read',
    });
    assert.equal(tokens.status, 200);

    const page = await (await browser.newContext()).newPage();
    await page.goto(`${gh.url}/user/login`);
    await page.getByRole('link', { name: 'Reset your password' }).click();
    await page.waitForURL(`${gh.url}/user/password`);
    await page.getByLabel('Username or email address').fill('bob');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByText('If bob is a valid account, an email will be sent').waitFor();

    const mail = await smtp.waitFor('bob@example.com', /Replacement login information for bob/);
    await page.goto(linkIn(mail));
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.getByText('Your new password is set').waitFor();
    await page.goto(`${gh.url}/user/apps`);
    assert.equal(new URL(page.url()).pathname, '/user/apps', 'this browser is logged in');

    await elsewhere.goto(`${gh.url}/user/apps`);
    assert.equal(new URL(elsewhere.url()).pathname, '/user/login', 'the other session is over');
    const refreshed = await form(`${gh.url}/oauth/token`, {
      grant_type: 'refresh_token',
      client_id: 'backend',
      client_secret: SECRET,
      refresh_token: tokens.body.refresh_token,
    });
    assert.equal(refreshed.status, 400);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const resource = await fetch(`${gh.url}/user/1?_format=json`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    assert.equal(resource.status, 401);

    // the link is spent
    await page.goto(linkIn(mail));
    await page.getByText('either been used or is no longer valid').waitFor();
  });
});
