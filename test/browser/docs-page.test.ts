// test-engines: both
// The Swagger UI at /docs under its Content-Security-Policy, in real Chromium: it renders every
// operation, "Try it out" reaches the API, and the browser reports no CSP violation or error.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkip, launchChromium } from '../helpers/chromium.js';
import { freePort, startGatehouse, type Running } from '../helpers/gatehouse.js';

const skip = chromiumSkip();

describe('/docs in Chromium', { skip }, () => {
  let gh: Running;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    const port = await freePort();
    // the document names the issuer as its server: "Try it out" calls it
    gh = await startGatehouse({ port, config: { issuer: `http://127.0.0.1:${port}` } });
    browser = await launchChromium();
    page = await browser.newPage();
    // a CSP refusal shows as a console error and as a securitypolicyviolation event
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) =>
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} ${event.sample}`),
      );
    });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  });

  after(async () => {
    await browser?.close();
    await gh?.close();
  });

  test('the Swagger UI loads and works without a CSP violation', async () => {
    const response = await page.goto(`${gh.url}/docs`);
    assert.match(response!.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await page.locator('.opblock').first().waitFor();
    assert.match((await page.locator('.info .title').first().textContent()) ?? '', /Gatehouse admin API/);
    assert.ok((await page.locator('.opblock').count()) > 10, 'the operations are listed');

    const listClients = page.locator('.opblock-get', { hasText: '/admin/api/v1/clients' }).first();
    await listClients.locator('.opblock-summary').click();
    await listClients.getByRole('button', { name: 'Try it out' }).click();
    await listClients.getByRole('button', { name: 'Execute' }).click();
    // no token: the API's own 401 comes back, so the request left the page
    await listClients.locator('.live-responses-table .response-col_status', { hasText: '401' }).first().waitFor();
    // the browser logs the expected 401 itself; anything else is a problem
    assert.deepEqual(
      problems.filter((p) => !/status of 401 \(Unauthorized\)/.test(p)),
      [],
    );
    assert.ok(!problems.some((p) => /Content Security Policy|CSP violation/i.test(p)));
  });
});
