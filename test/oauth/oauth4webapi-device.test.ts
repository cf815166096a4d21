// test-engines: both
// oauth4webapi, used as any device app would use it, completes the device flow (the user's part
// walked over HTTP): discovery, device authorization, polling answers, the device code grant with
// id-token validation, userinfo.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import { BrowserAgent, hiddenFields } from '../helpers/browser-http.js';
import { freePort, PASSWORD, startGatehouse, WORLD, type Running } from '../helpers/gatehouse.js';

let gh: Running;
before(async () => {
  const port = await freePort();
  gh = await startGatehouse({
    port,
    config: { issuer: `http://127.0.0.1:${port}`, audience: `http://127.0.0.1:${port}` },
    world: {
      ...WORLD,
      clients: [...WORLD.clients!, { clientId: 'tv', label: 'Living-room TV', confidential: false, grantTypes: ['device_code'], scopes: ['openid', 'email'] }],
    },
  });
});
after(() => gh.close());

test('oauth4webapi: device authorization → pending → approval → tokens → userinfo', async () => {
  const insecure = { [oauth.allowInsecureRequests]: true };
  const issuer = new URL(gh.config.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  const client: oauth.Client = { client_id: 'tv' };
  const device = await oauth.processDeviceAuthorizationResponse(
    as,
    client,
    await oauth.deviceAuthorizationRequest(as, client, oauth.None(), { scope: 'openid email' }, insecure),
  );

  const pending = await oauth.deviceCodeGrantRequest(as, client, oauth.None(), device.device_code, insecure);
  await assert.rejects(oauth.processDeviceCodeResponse(as, client, pending), (error: unknown) => {
    assert.ok(error instanceof oauth.ResponseBodyError);
    assert.equal(error.error, 'authorization_pending');
    return true;
  });

  const user = new BrowserAgent(gh.url);
  const verification = new URL(device.verification_uri_complete!);
  const toLogin = await user.get(verification.pathname + verification.search);
  const login = await user.login('bob', PASSWORD, new URL(toLogin.location!, gh.url).searchParams.get('destination')!);
  const entry = await user.get(login.location!);
  const consent = await user.post('/device', { ...hiddenFields(entry.text), user_code: device.user_code });
  const done = await user.post('/device', { ...hiddenFields(consent.text), decision: 'allow' });
  assert.equal(done.status, 200, done.text);

  gh.clock.advance(device.interval ?? 5);
  const response = await oauth.deviceCodeGrantRequest(as, client, oauth.None(), device.device_code, insecure);
  const result = await oauth.processDeviceCodeResponse(as, client, response);
  const claims = oauth.getValidatedIdTokenClaims(result)!;
  const bob = await gh.store.users.findByName('bob');
  assert.equal(claims.sub, String(bob!.uid));
  const info = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, result.access_token, insecure));
  assert.equal(info.email, 'bob@example.com');
});
