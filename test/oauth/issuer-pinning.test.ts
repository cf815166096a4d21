// The issuer is configuration, never taken from a request (RFC 9700 §4.4 mix-up, §4.13 proxies;
// RFC 8414 §3.3): whatever Host, X-Forwarded-Host and X-Forwarded-Proto say — even with
// GATEHOUSE_TRUST_PROXY on — discovery, tokens, authorization responses and cookie attributes
// follow GATEHOUSE_ISSUER.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, test } from 'node:test';
import { authorizePath, spaRequest } from '../helpers/authorization.js';
import { pkcePair } from '../helpers/browser-http.js';
import { decodeJwt, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
before(async () => {
  gh = await startGatehouse({ config: { trustProxy: true } });
});
after(() => gh.close());

/** What a client behind a hostile proxy (or a direct attacker) sends: another host, https. */
const SPOOFED = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A raw HTTP request (fetch would not let a test choose the Host header). */
function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { port } = new URL(gh.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { ...SPOOFED, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('discovery names the configured issuer and its endpoints', async () => {
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    const answer = await send('GET', path);
    assert.equal(answer.status, 200);
    const metadata = JSON.parse(answer.text) as Record<string, unknown>;
    assert.equal(metadata.issuer, gh.config.issuer);
    const urls = Object.entries(metadata).filter(([name]) => name.endsWith('_endpoint') || name === 'jwks_uri');
    assert.ok(urls.length >= 6);
    for (const [name, url] of urls) assert.ok(String(url).startsWith(`${gh.config.issuer}/`), `${name}: ${String(url)}`);
    assert.doesNotMatch(answer.text, /evil\.example/);
  }
});

test('access tokens carry the configured issuer', async () => {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'backend', client_secret: SECRET, scope: 'profile:read' }).toString();
  const answer = await send('POST', '/oauth/token', body, { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(answer.status, 200, answer.text);
  assert.equal(decodeJwt(JSON.parse(answer.text).access_token).claims.iss, gh.config.issuer);
});

test('authorization responses carry the configured issuer (RFC 9207)', async () => {
  const answer = await send('GET', authorizePath(spaRequest(pkcePair().challenge, { prompt: 'none' })));
  assert.equal(answer.status, 302);
  const location = new URL(String(answer.headers.location));
  assert.equal(location.searchParams.get('error'), 'login_required');
  assert.equal(location.searchParams.get('iss'), gh.config.issuer);
});

test('cookies follow the issuer’s scheme, not X-Forwarded-Proto', async () => {
  assert.ok(gh.config.issuer.startsWith('http:'));
  const answer = await send('GET', '/user/login');
  const cookies = [answer.headers['set-cookie'] ?? []].flat();
  assert.ok(
    cookies.some((line) => line.startsWith('gh_csrf=')),
    cookies.join(' | '),
  );
  for (const line of cookies) {
    assert.doesNotMatch(line, /^__Host-/);
    assert.doesNotMatch(line, /;\s*Secure/i);
  }
});
