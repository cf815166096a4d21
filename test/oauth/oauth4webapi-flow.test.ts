// test-engines: both
// oauth4webapi, used as any app would use it, completes the authorization-code flow (the user's
// part walked over HTTP): discovery, PKCE, the RFC 9207 iss check, code exchange with id-token
// validation, userinfo, refresh.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import { BrowserAgent, hiddenFields } from '../helpers/browser-http.js';
import { freePort, PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
before(async () => {
  const port = await freePort();
  gh = await startGatehouse({ port, config: { issuer: `http://127.0.0.1:${port}`, audience: `http://127.0.0.1:${port}` } });
});
after(() => gh.close());

test('oauth4webapi: discovery → authorization → code exchange → userinfo → refresh', async () => {
  // plain http on loopback is the only non-default: there is no TLS in a test
  const insecure = { [oauth.allowInsecureRequests]: true };
  const issuer = new URL(gh.config.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  const client: oauth.Client = { client_id: 'spa' };
  const redirectUri = 'http://127.0.0.1:5173/callback';
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const authorizationUrl = new URL(as.authorization_endpoint!);
  for (const [k, v] of Object.entries({
    client_id: client.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid email profile:read',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  }))
    authorizationUrl.searchParams.set(k, v);

  const user = new BrowserAgent(gh.url);
  const toLogin = await user.get(authorizationUrl.pathname + authorizationUrl.search);
  const destination = new URL(toLogin.location!, gh.url).searchParams.get('destination')!;
  const login = await user.login('bob', PASSWORD, destination);
  const consent = await user.get(login.location!);
  const allowed = await user.post('/oauth/authorize', { ...hiddenFields(consent.text), decision: 'allow' });
  const callback = new URL(allowed.location!);

  const params = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, insecure);
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
  const claims = oauth.getValidatedIdTokenClaims(result)!;
  assert.equal(claims.sub, String((await gh.store.users.findByName('bob'))!.uid));

  const info = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, result.access_token, insecure));
  assert.equal(info.email, 'bob@example.com');

  const refreshed = await oauth.processRefreshTokenResponse(
    as,
    client,
    await oauth.refreshTokenGrantRequest(as, client, oauth.None(), result.refresh_token!, insecure),
  );
  assert.ok(refreshed.access_token);
  assert.notEqual(refreshed.refresh_token, result.refresh_token);
});

test('oauth4webapi rejects a response from a mixed-up issuer (RFC 9207)', async () => {
  const issuer = new URL(gh.config.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }));
  const forged = new URL('http://127.0.0.1:5173/callback?code=abc&state=s&iss=' + encodeURIComponent('https://evil.example'));
  assert.throws(() => oauth.validateAuthResponse(as, { client_id: 'spa' }, forged, 's'));
});
