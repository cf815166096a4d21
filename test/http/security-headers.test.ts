// test-engines: both
// Every answer carries the security headers (issue 10, finding 16): each HTML page — the Swagger
// UI at /docs included — a CSP that allows nothing inline and no framing, X-Frame-Options DENY,
// nosniff and no referrer; every JSON answer (discovery, errors, the 404) at least nosniff.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { authorizePath, spaRequest } from '../helpers/authorization.js';
import { BrowserAgent, hiddenFields, pkcePair, type Page } from '../helpers/browser-http.js';
import { ADMIN_WORLD } from '../helpers/admin.js';
import { PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
let anonymous: BrowserAgent;
let admin: BrowserAgent;
before(async () => {
  gh = await startGatehouse({ world: ADMIN_WORLD });
  anonymous = new BrowserAgent(gh.url);
  admin = new BrowserAgent(gh.url);
  assert.equal((await admin.login('root', PASSWORD, '/admin')).status, 303);
});
after(() => gh.close());

/** The CSP's directives by name. */
function directives(page: Page): Map<string, string[]> {
  const header = page.headers.get('content-security-policy');
  assert.ok(header, 'a Content-Security-Policy');
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );
}

function assertCommon(page: Page, what: string): void {
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
  assert.equal(page.headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
}

function assertPage(page: Page, what: string, status: number): Map<string, string[]> {
  assert.equal(page.status, status, `${what}: ${page.text.slice(0, 200)}`);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/, what);
  assertCommon(page, what);
  const csp = directives(page);
  assert.deepEqual(csp.get('default-src'), ["'none'"], `${what}: default-src 'none'`);
  assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], `${what}: frame-ancestors 'none'`);
  assert.ok(csp.has('base-uri'), `${what}: base-uri`);
  for (const [name, values] of csp) {
    for (const value of values)
      assert.ok(!["'unsafe-inline'", "'unsafe-eval'", '*', 'data:'].includes(value) || (name === 'img-src' && value === 'data:'), `${what}: ${name} ${value}`);
  }
  return csp;
}

describe('HTML pages', () => {
  test('/docs (Swagger UI): its own files only, nothing inline', async () => {
    const csp = assertPage(await anonymous.get('/docs'), '/docs', 200);
    assert.deepEqual(csp.get('script-src'), ["'self'"]);
    assert.deepEqual(csp.get('style-src'), ["'self'"]);
    assert.ok(csp.get('connect-src')?.includes("'self'"));
    for (const file of ['/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-ui.css', '/docs/static/swagger-initializer.js']) {
      const asset = await anonymous.get(file);
      assert.equal(asset.status, 200, file);
      assertCommon(asset, file);
    }
  });

  test('/user/login', async () => {
    assertPage(await anonymous.get('/user/login'), '/user/login', 200);
  });

  test('the /oauth/authorize error page', async () => {
    assertPage(await anonymous.get(authorizePath({ ...spaRequest(pkcePair().challenge), client_id: 'nope' })), 'authorize error', 400);
  });

  test('the consent page', async () => {
    const page = await admin.get(authorizePath(spaRequest(pkcePair().challenge)));
    assert.match(page.text, /name="decision"/);
    assertPage(page, 'consent', 200);
  });

  test('the console', async () => {
    assertPage(await admin.get('/admin'), '/admin', 200);
    assertPage(await admin.get('/admin/clients'), '/admin/clients', 200);
  });

  test('the form_post response allows its one script by nonce only', async () => {
    const page = await admin.get(authorizePath(spaRequest(pkcePair().challenge, { response_mode: 'form_post' })));
    const consent = await admin.post('/oauth/authorize', { ...hiddenFields(page.text), decision: 'allow' });
    const csp = assertPage(consent, 'form_post', 200);
    assert.match(csp.get('script-src')?.join(' ') ?? '', /^'nonce-[A-Za-z0-9_-]+'$/);
  });
});

describe('JSON and other answers', () => {
  const cases: [string, string, number][] = [
    ['discovery', '/.well-known/openid-configuration', 200],
    ['authorization server metadata', '/.well-known/oauth-authorization-server', 200],
    ['JWKS', '/oauth/jwks', 200],
    ['the OpenAPI document', '/openapi.json', 200],
    ['a 404', '/no/such/page', 404],
    ['a malformed URL', '/%ff', 400],
    ['the token endpoint refusing a GET', '/oauth/token', 405],
    ['a protected route without a token', '/user/1?_format=json', 401],
    ['healthz', '/healthz', 200],
  ];
  for (const [what, path, status] of cases) {
    test(what, async () => {
      const page = await anonymous.get(path);
      assert.equal(page.status, status, `${what}: ${page.text.slice(0, 200)}`);
      assertCommon(page, what);
      assert.deepEqual(directives(page).get('frame-ancestors'), ["'none'"]);
    });
  }

  test('a redirect', async () => {
    const page = await anonymous.get('/admin');
    assert.equal(page.status, 302);
    assertCommon(page, 'redirect');
  });

  test('a refused body (415) and a failed request', async () => {
    const refused = await anonymous.request('POST', '/oauth/token', undefined);
    assertCommon(refused, 'empty POST');
    const unsupported = await fetch(`${gh.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<x/>' });
    assert.ok(unsupported.status >= 400 && unsupported.status < 500);
    assert.equal(unsupported.headers.get('x-content-type-options'), 'nosniff');
  });
});
