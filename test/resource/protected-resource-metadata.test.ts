// test-engines: both
// Protected-resource metadata (RFC 9728, issue 14 part 4): `/.well-known/oauth-protected-resource`
// for Gatehouse's own API and the path-suffixed form per registered resource, read with
// oauth4webapi as an agent would, and the `resource_metadata` of the guard's 401 challenges.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import type { ApplyDocument } from '../../src/admin/apply.js';
import { bearer, freePort, request, startGatehouse, WORLD, type Running } from '../helpers/gatehouse.js';
import { tokenFor } from '../helpers/tokens.js';

const world: ApplyDocument = {
  ...WORLD,
  resources: [
    { uri: 'https://api.example.com/v1', scopes: ['profile:read', 'mail:read'] },
    { uri: 'https://mail.example.com/mailbox/', scopes: ['mail:read'] },
    { uri: 'https://root.example/', scopes: ['profile:read'] },
  ],
};

let gh: Running;
let metadataUrl: string;
before(async () => {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  gh = await startGatehouse({ port, world, config: { issuer, audience: `${issuer}/` } });
  metadataUrl = `${issuer}/.well-known/oauth-protected-resource`;
});
after(() => gh.close());

const insecure = { [oauth.allowInsecureRequests]: true };

describe('metadata documents', () => {
  test('Gatehouse’s own API, as oauth4webapi discovers it from the resource identifier', async () => {
    const resource = new URL(gh.config.audience);
    const meta = await oauth.processResourceDiscoveryResponse(resource, await oauth.resourceDiscoveryRequest(resource, insecure));
    assert.equal(meta.resource, gh.config.audience);
    assert.deepEqual(meta.authorization_servers, [gh.config.issuer]);
    assert.deepEqual(meta.bearer_methods_supported, ['header']);
    for (const scope of ['openid', 'profile', 'profile:read']) assert.ok(meta.scopes_supported!.includes(scope), scope);
    const res = await request(metadataUrl);
    assert.match(res.headers.get('cache-control') ?? '', /max-age/);
  });

  test('the path-suffixed form per registered resource: its URI and its scopes', async () => {
    const api = await request(`${metadataUrl}/v1`);
    assert.equal(api.status, 200, api.text);
    assert.deepEqual(api.body, {
      resource: 'https://api.example.com/v1',
      authorization_servers: [gh.config.issuer],
      scopes_supported: ['mail:read', 'profile:read'],
      bearer_methods_supported: ['header'],
    });
    const mailbox = await fetch(`${metadataUrl}/mailbox/`);
    const meta = await oauth.processResourceDiscoveryResponse(new URL('https://mail.example.com/mailbox/'), mailbox);
    assert.deepEqual(meta.scopes_supported, ['mail:read']);
    // a resource whose path is `/`: the well-known path with a trailing slash (the bare one is Gatehouse's own)
    assert.equal((await request(`${metadataUrl}/`)).body.resource, 'https://root.example/');
  });

  test('a path no resource has: 404 in JSON; odd spellings never a 5xx', async () => {
    for (const path of ['/v2', '/v1/', '/mailbox', '/%2e%2e/v1', '/v1?x=1#y', '//v1']) {
      const res = await request(`${metadataUrl}${path}`);
      assert.ok(res.status < 500, `${path}: ${res.status}`);
      if (path !== '/v1?x=1#y') assert.equal(res.status, 404, path);
    }
    assert.equal((await request(`${metadataUrl}/nothing`)).body.error, 'not_found');
  });
});

describe('401 challenges name the metadata (RFC 9728 §5.1)', () => {
  test('missing, malformed and invalid tokens: resource_metadata added; 403 unchanged', async () => {
    const suffix = `, resource_metadata="${metadataUrl}"`;
    const missing = await request(`${gh.url}/oauth/debug`);
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), `Bearer realm="gatehouse"${suffix}`);
    const invalid = await request(`${gh.url}/oauth/userinfo`, { headers: bearer('not.a.token') });
    assert.equal(invalid.headers.get('www-authenticate'), `Bearer realm="gatehouse", error="invalid_token"${suffix}`);
    const scheme = await request(`${gh.url}/oauth/debug`, { headers: { authorization: 'Basic abc' } });
    assert.equal(scheme.headers.get('www-authenticate'), `Bearer realm="gatehouse", error="invalid_request"${suffix}`);
    const token = await tokenFor(gh, 'bob', 'mail:read');
    const forbidden = await request(`${gh.url}/oauth/userinfo`, { headers: bearer(token) });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.headers.get('www-authenticate'), 'Bearer realm="gatehouse", error="insufficient_scope", scope="openid"');
  });

  test('an agent follows the challenge to the metadata and to the authorization server', async () => {
    const res = await fetch(`${gh.url}/oauth/debug`);
    const url = /resource_metadata="([^"]+)"/.exec(res.headers.get('www-authenticate') ?? '')![1];
    const meta = await oauth.processResourceDiscoveryResponse(new URL(gh.config.audience), await fetch(url));
    const issuer = new URL(meta.authorization_servers![0]);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    assert.equal(as.issuer, gh.config.issuer);
  });
});
