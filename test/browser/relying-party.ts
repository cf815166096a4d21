// A relying party as any app would write it with openid-client v6: discovery, an authorization
// URL with PKCE, state and nonce, the callback's code exchange with id-token validation,
// userinfo and a refresh. It serves its results as JSON for the browser test to read.
import { createServer, type Server } from 'node:http';
import * as oidc from 'openid-client';

export interface RelyingParty {
  url: string;
  results: Map<string, unknown>;
  close(): Promise<void>;
}

export async function startRelyingParty(issuer: string, clientId: string, scope: string): Promise<RelyingParty> {
  // plain http on loopback is the only non-default: there is no TLS in a test
  const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const pending = new Map<string, { verifier: string; nonce: string }>();
  const results = new Map<string, unknown>();
  let base = '';

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      if (url.pathname === '/login') {
        const verifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        const nonce = oidc.randomNonce();
        pending.set(state, { verifier, nonce });
        const target = oidc.buildAuthorizationUrl(config, {
          redirect_uri: `${base}/callback`,
          scope,
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        });
        res.writeHead(302, { location: target.href });
        res.end();
        return;
      }
      if (url.pathname === '/callback') {
        const state = url.searchParams.get('state') ?? '';
        const flow = pending.get(state);
        if (!flow) return send(400, { error: 'unknown state' });
        pending.delete(state);
        if (url.searchParams.get('error')) return send(200, { error: url.searchParams.get('error'), iss: url.searchParams.get('iss') });
        const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: flow.verifier, expectedState: state, expectedNonce: flow.nonce });
        const claims = tokens.claims()!;
        const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
        const result = {
          sub: claims.sub,
          nonceChecked: true,
          idTokenIss: claims.iss,
          userinfo,
          accessToken: refreshed.access_token,
          refreshToken: refreshed.refresh_token,
          scope: tokens.scope,
        };
        results.set('last', result);
        return send(200, result);
      }
      send(404, { error: 'not found' });
    } catch (error) {
      send(500, { error: (error as Error).message, code: (error as { code?: string }).code });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url: base, results, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
