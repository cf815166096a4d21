// test-engines: both
// Passkeys in real Chromium with a CDP virtual authenticator (WebAuthn domain: ctap2, internal
// transport, resident keys, user verification): alice adds a passkey on her passkeys page, logs
// out, logs in with the passkey alone, then with her password and the passkey as second factor. The issuer is http://localhost:PORT: WebAuthn takes no
// IP address as RP ID, and localhost is a secure context.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkip, launchChromium } from '../helpers/chromium.js';
import { freePort, PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';

const skip = chromiumSkip();

describe('passkeys in Chromium', { skip }, () => {
  let gh: Running;
  let browser: Browser;
  let base: string;

  before(async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    gh = await startGatehouse({ port, clock: 'system', config: { issuer: base } });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await gh?.close();
  });

  test('register a passkey, log in with the passkey alone, then with the password and the passkey', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    // script and CSP errors, and failed loads other than the favicon Chromium asks for by itself
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) errors.push(`${response.status()} ${response.url()}`);
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });

    const uid = (await gh.store.users.findByName('alice'))!.uid;
    await page.goto(`${base}/user/login?destination=/user/${uid}/passkeys`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(`${base}/user/${uid}/passkeys`);
    await page.getByText('You have no passkey yet.').waitFor();

    await page.getByLabel('Name', { exact: true }).fill('Virtual key');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForURL(`${base}/user/${uid}/passkeys?done=added`);
    await page.getByText('Passkey added.').waitFor();
    assert.ok(await page.getByText('Virtual key', { exact: true }).isVisible());
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0].isResidentCredential, true);
    const stored = await gh.store.webauthnCredentials.listByUser(uid);
    assert.equal(stored.length, 1);
    assert.equal(Buffer.from(credentials[0].credentialId, 'base64').toString('base64url'), stored[0].id);

    await page.goto(`${base}/user/logout`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForLoadState();
    await page.goto(`${base}/user/apps`);
    await page.waitForURL(/\/user\/login/);

    await page.goto(`${base}/user/login?destination=/user/apps`);
    await page.getByRole('button', { name: 'Log in with a passkey' }).click();
    await page.waitForURL(`${base}/user/apps`);
    await page.getByText('Signed in as').waitFor();
    assert.ok(await page.getByText('alice', { exact: true }).isVisible());
    const used = await gh.store.webauthnCredentials.get(stored[0].id);
    assert.ok(used?.lastUsedAt, 'the use was recorded');

    // with a passkey, the password is no longer enough: the second step offers the passkey
    await page.goto(`${base}/user/logout`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForLoadState();
    await page.goto(`${base}/user/login?destination=/user/apps`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(`${base}/user/login/second-factor`);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.waitForURL(`${base}/user/apps`);
    await page.getByText('Signed in as').waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'gh_session')!;
    const session = await gh.store.sessions.get((await import('../../src/crypto/secrets.js')).tokenDigest(cookie.value));
    assert.deepEqual(session?.amr, ['pwd', 'hwk']);
    assert.deepEqual(errors, [], 'no script, CSP or load error');
    await context.close();
  });

  test('a passkey the server does not know is refused with a clear message', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    // a resident credential for this RP that was never registered here (a P-256 key in PKCS#8)
    const { generateKeyPairSync, randomBytes } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: {
        credentialId: randomBytes(32).toString('base64'),
        isResidentCredential: true,
        rpId: 'localhost',
        privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        userHandle: randomBytes(16).toString('base64'),
        signCount: 0,
      },
    });
    await page.goto(`${base}/user/login?destination=/user/apps`);
    await page.getByRole('button', { name: 'Log in with a passkey' }).click();
    await page.getByText('This passkey is not registered here.').waitFor();
    assert.equal(new URL(page.url()).pathname, '/user/login/passkey');
    await context.close();
  });
});
