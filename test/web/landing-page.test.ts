// test-engines: both
// GET / (issue 11, part 9): a newcomer who opens the server's address finds a page naming the
// issuer and version and linking to the console, discovery, the keys and the API documentation —
// served like every page (no caching, the page CSP), with HEAD too, and each link leading somewhere.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PAGE_CSP } from '../../src/http/security-headers.js';
import { VERSION } from '../../src/version.js';
import { startGatehouse, type Running } from '../helpers/gatehouse.js';

describe('the landing page', () => {
  let gh: Running;
  before(async () => {
    gh = await startGatehouse({ world: null });
  });
  after(() => gh?.close());

  test('GET / is an HTML page with the issuer, the version and the links', async () => {
    const response = await fetch(`${gh.url}/`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.headers.get('content-security-policy'), PAGE_CSP);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    const page = await response.text();
    assert.match(page, /^<!doctype html>/);
    assert.ok(page.includes(`<code>${gh.config.issuer}</code>`), 'the issuer');
    assert.ok(page.includes(`<td>${VERSION}</td>`), 'the version');
    const links = [...page.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1]);
    for (const href of ['/admin', '/.well-known/openid-configuration', '/oauth/jwks', '/docs']) assert.ok(links.includes(href), `links to ${href}`);
    assert.doesNotMatch(page, /<script|style=/, 'nothing inline');
  });

  test('every link leads to a page or document that answers', async () => {
    const page = await (await fetch(`${gh.url}/`)).text();
    const links = [...page.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1]);
    assert.ok(links.length >= 4, `the page has its links: ${page.slice(0, 200)}`);
    for (const href of links) {
      const answer = await fetch(gh.url + href, { redirect: 'manual' });
      // the console and the user's apps send a visitor to the login form
      assert.ok(answer.status === 200 || (answer.status === 302 && answer.headers.get('location')!.startsWith('/user/login')), `${href}: ${answer.status}`);
    }
  });

  test('HEAD / answers like GET, without a body', async () => {
    const response = await fetch(`${gh.url}/`, { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.headers.get('content-security-policy'), PAGE_CSP);
    assert.equal(await response.text(), '');
  });

  test('other methods are refused as on any route', async () => {
    const response = await fetch(`${gh.url}/`, { method: 'POST', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(response.status, 404);
  });
});

describe('the landing page escapes what it shows', () => {
  test('an issuer with markup characters is shown as text', async () => {
    const gh = await startGatehouse({ world: null, config: { issuer: 'https://auth.example/"><script>alert(1)</script>' } });
    try {
      const page = await (await fetch(`${gh.url}/`)).text();
      assert.ok(page.includes('<code>https://auth.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code>'));
      assert.doesNotMatch(page, /<script/);
    } finally {
      await gh.close();
    }
  });
});
