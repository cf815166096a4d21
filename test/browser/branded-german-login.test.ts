// test-engines: own
// The German login page in real Chromium (issue 13, part 7): a browser set to German gets the
// page in German, lang="de", with the brand's name in its header and the brand colour on its
// buttons — in the light and the dark colour scheme — and the German form logs in.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkip, launchChromium } from '../helpers/chromium.js';
import { PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';

const skip = chromiumSkip();

describe('the German, branded login page in Chromium', { skip }, () => {
  let gh: Running;
  let browser: Browser;

  before(async () => {
    gh = await startGatehouse({ config: { brand: { name: 'Acme ID', logo: null, color: '#0a7d5a' } } });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await gh?.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`renders in German with the brand colour (${colorScheme})`, async () => {
      const context = await browser.newContext({ locale: 'de-DE', colorScheme });
      const page = await context.newPage();
      await page.goto(`${gh.url}/user/login?destination=/user/apps`);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
      assert.equal(await page.title(), 'Anmelden · Acme ID');
      assert.ok(await page.getByRole('heading', { name: 'Anmelden', exact: true }).isVisible());
      assert.ok(await page.locator('header.brand').getByText('Acme ID').isVisible());
      const button = page.getByRole('button', { name: 'Anmelden', exact: true });
      assert.equal(await button.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(10, 125, 90)');

      await page.getByLabel('Benutzername').fill('alice');
      await page.getByLabel('Passwort').fill('not the password');
      await button.click();
      await page.getByText('Benutzername oder Passwort nicht erkannt.').waitFor();

      await page.getByLabel('Passwort').fill(PASSWORD);
      await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
      await page.waitForURL(`${gh.url}/user/apps`);
      // alice's account language is the default, English: signed in, her pages follow it
      assert.ok(await page.getByRole('heading', { name: 'Apps you have approved' }).isVisible());
      await context.close();
    });
  }
});
