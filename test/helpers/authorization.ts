// The authorization-code flow as a test drives it over plain HTTP: an authorize request for the
// `spa` client, login and consent through BrowserAgent, the code out of the redirect.
import assert from 'node:assert/strict';
import { type BrowserAgent, hiddenFields, type Page } from './browser-http.js';
import { form, PASSWORD, type Running } from './gatehouse.js';

export const SPA_CB = 'http://127.0.0.1:5173/callback';

export function authorizePath(fields: Record<string, string>): string {
  return `/oauth/authorize?${new URLSearchParams(fields)}`;
}

export function spaRequest(challenge: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: 'code',
    client_id: 'spa',
    redirect_uri: SPA_CB,
    scope: 'openid profile email profile:read',
    state: 'st-123',
    nonce: 'n-456',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
}

export function redirectParams(page: Page): URLSearchParams {
  assert.equal(page.status, 302, page.text.slice(0, 300));
  return new URL(page.location!).searchParams;
}

/** Logs in (if needed) and allows, returning the code. */
export async function codeFor(gh: Running, agent: BrowserAgent, fields: Record<string, string>, user = 'alice'): Promise<string> {
  let page = await agent.get(authorizePath(fields));
  if (page.status === 302 && page.location!.startsWith('/user/login')) {
    const destination = new URL(page.location!, gh.url).searchParams.get('destination')!;
    const login = await agent.login(user, PASSWORD, destination);
    assert.equal(login.status, 303, login.text.slice(0, 500));
    page = await agent.get(login.location!);
  }
  if (page.status === 200 && page.text.includes('name="decision"')) {
    page = await agent.post('/oauth/authorize', { ...hiddenFields(page.text), decision: 'allow' });
  }
  const params = redirectParams(page);
  assert.equal(params.get('iss'), gh.config.issuer);
  return params.get('code')!;
}

export function exchangeCode(gh: Running, code: string, verifier: string | undefined, extra: Record<string, string> = {}) {
  return form(`${gh.url}/oauth/token`, {
    grant_type: 'authorization_code',
    client_id: 'spa',
    code,
    redirect_uri: SPA_CB,
    ...(verifier ? { code_verifier: verifier } : {}),
    ...extra,
  });
}
