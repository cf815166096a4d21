// Validates an authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636) before
// anything else happens. Until client and redirect URI are known good, failures are shown to
// the user and never redirected (RFC 9700 §4.11: no open redirector); afterwards they go back
// to the client with `error`, `state` and `iss`.
import type { AccessCatalog } from '../domain/access.js';
import { parseClaimsRequest, type ClaimsRequest } from '../domain/claims-request.js';
import type { Client } from '../domain/client.js';
import { scopeOfClaim } from '../domain/standard-claims.js';
import { ACR_VALUES_SUPPORTED } from '../domain/authentication-method.js';
import type { Store } from '../store/store.js';
import { OAuthFailure } from './oauth-failure.js';
import { isValidS256Challenge } from './pkce.js';
import { redirectUriMatches } from './redirect-uri.js';
import { requestedResource } from './resource-target.js';
import { resolveScopes } from './scopes.js';

export type ResponseMode = 'query' | 'form_post';
export type Prompt = 'none' | 'login' | 'consent';

export interface AuthorizationRequest {
  client: Client;
  redirectUri: string;
  redirectUriGiven: boolean;
  responseMode: ResponseMode;
  state: string | undefined;
  scopes: string[];
  nonce: string | undefined;
  codeChallenge: string | null;
  prompt: ReadonlySet<Prompt>;
  /** seconds */
  maxAge: number | undefined;
  /** OIDC Core §3.1.2.1 `acr_values`, in order of preference: the values this server knows */
  acrValues: string[];
  loginHint: string | undefined;
  /** the `claims` parameter (OIDC Core §5.5), with `openid` only */
  claims: ClaimsRequest | null;
  /** the registered resource the token is asked for (RFC 8707) */
  resource: string | null;
  /** the request's own parameters, to carry through login and consent */
  params: Record<string, string>;
}

/** A failure the user sees: the client or redirect URI cannot be trusted with it. */
export interface AuthorizationPageError {
  kind: 'page';
  title: string;
  message: string;
}

/** A failure the client receives at its redirect URI. */
export interface AuthorizationRedirectError {
  kind: 'redirect';
  redirectUri: string;
  responseMode: ResponseMode;
  state: string | undefined;
  error: string;
  description: string;
}

export type AuthorizationOutcome = { kind: 'ok'; request: AuthorizationRequest } | AuthorizationPageError | AuthorizationRedirectError;

const KNOWN_PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

/** Reads the request's parameters, refusing repeats (RFC 6749 §3.1) and NULs by naming them. */
export function authorizationParams(source: unknown): { params: Record<string, string>; repeated: string | null } {
  const params: Record<string, string> = {};
  let repeated: string | null = null;
  if (source && typeof source === 'object') {
    for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
      if (Array.isArray(value)) repeated ??= name;
      // a NUL cannot be part of any valid parameter; it is refused like a repeat, by name
      else if (typeof value === 'string' && value.includes('\u0000')) repeated ??= name;
      else if (typeof value === 'string' && value !== '') params[name] = value;
    }
  }
  return { params, repeated };
}

/**
 * The scopes, with those that release the claims the `claims` parameter names (OIDC Core §5.5)
 * and the client may ask for: the user then sees and approves them on the consent page like any
 * other, and no claim is released without its scope.
 */
function withScopesOfClaims(scopes: string[], claims: ClaimsRequest, client: Client, catalog: AccessCatalog): string[] {
  const allowed = new Set([...client.authorizationCodeScopes, ...client.scopes]);
  const out = [...scopes];
  for (const name of [...claims.idToken, ...claims.userinfo]) {
    const scope = scopeOfClaim(name);
    if (scope !== undefined && !out.includes(scope) && allowed.has(scope) && catalog.scopes.has(scope)) out.push(scope);
  }
  return out;
}

export async function validateAuthorizationRequest(source: unknown, store: Store, catalog: AccessCatalog): Promise<AuthorizationOutcome> {
  const { params, repeated } = authorizationParams(source);
  const page = (title: string, message: string): AuthorizationPageError => ({ kind: 'page', title, message });
  if (repeated === 'client_id' || repeated === 'redirect_uri')
    return page('Invalid request', `The ${repeated} parameter must appear once, without control characters.`);
  if (!params.client_id) return page('Invalid request', 'The request has no client_id.');
  const client = await store.clients.get(params.client_id);
  if (!client?.status) return page('Unknown application', 'The application that sent you here is not registered with this server.');

  let redirectUri: string;
  const redirectUriGiven = params.redirect_uri !== undefined;
  if (redirectUriGiven) {
    if (!redirectUriMatches(client.redirectUris, params.redirect_uri)) {
      return page('Invalid redirect URI', 'The application asked to send you to an address it has not registered. For your safety you were not sent there.');
    }
    redirectUri = params.redirect_uri;
  } else if (client.redirectUris.length === 1) {
    redirectUri = client.redirectUris[0];
  } else {
    return page('Invalid request', 'The request has no redirect_uri and the application has several registered.');
  }

  const responseModeParam = params.response_mode ?? 'query';
  const responseMode: ResponseMode = responseModeParam === 'form_post' ? 'form_post' : 'query';
  const state = params.state;
  const fail = (error: string, description: string): AuthorizationRedirectError => ({ kind: 'redirect', redirectUri, responseMode, state, error, description });

  if (repeated) return fail('invalid_request', `The ${repeated} parameter must appear once, without control characters.`);
  if (responseModeParam !== 'query' && responseModeParam !== 'form_post')
    return fail('invalid_request', `response_mode ${responseModeParam} is not supported (query, form_post).`);
  if (params.request !== undefined) return fail('request_not_supported', 'Request objects are not supported.');
  if (params.request_uri !== undefined) return fail('request_uri_not_supported', 'Request URIs are not supported.');
  if (params.response_type === undefined) return fail('invalid_request', 'The response_type parameter is missing.');
  if (params.response_type !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
  if (!client.grantTypes.includes('authorization_code')) return fail('unauthorized_client', 'The client is not allowed to use the authorization code grant.');

  let scopes: string[];
  try {
    scopes = resolveScopes(params.scope, [...new Set([...client.authorizationCodeScopes, ...client.scopes])], 'authorization_code', catalog);
    if (params.scope === undefined) scopes = scopes.filter((s) => client.authorizationCodeScopes.includes(s));
  } catch (error) {
    if (error instanceof OAuthFailure) return fail('invalid_scope', error.detail.hint ?? error.message);
    throw error;
  }

  let codeChallenge: string | null = null;
  if (params.code_challenge !== undefined) {
    const method = params.code_challenge_method ?? 'plain';
    if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256 (plain is not allowed).');
    if (!isValidS256Challenge(params.code_challenge))
      return fail('invalid_request', 'code_challenge must be 43 base64url characters (the S256 of a verifier).');
    codeChallenge = params.code_challenge;
  } else if (params.code_challenge_method !== undefined) {
    return fail('invalid_request', 'code_challenge_method was sent without code_challenge.');
  } else if (!client.confidential || client.pkce) {
    return fail('invalid_request', 'This client must use PKCE: send code_challenge and code_challenge_method=S256.');
  }

  const prompt = new Set<Prompt>();
  for (const value of (params.prompt ?? '').split(' ').filter(Boolean)) {
    if (!KNOWN_PROMPTS.has(value)) return fail('invalid_request', `prompt=${value} is not supported.`);
    prompt.add(value === 'select_account' ? 'login' : (value as Prompt));
  }
  if (prompt.has('none') && prompt.size > 1) return fail('invalid_request', 'prompt=none cannot be combined with other values.');

  let maxAge: number | undefined;
  if (params.max_age !== undefined) {
    if (!/^\d{1,9}$/.test(params.max_age)) return fail('invalid_request', 'max_age must be a whole number of seconds.');
    maxAge = Number(params.max_age);
  }
  // voluntary (OIDC Core §5.5.1.1): values this server does not know are ignored, not refused
  const acrValues = (params.acr_values ?? '').split(' ').filter((acr) => ACR_VALUES_SUPPORTED.includes(acr));
  if (scopes.includes('openid') && params.nonce !== undefined && params.nonce.length > 512) return fail('invalid_request', 'nonce is too long.');
  if (state !== undefined && state.length > 2048) return fail('invalid_request', 'state is too long.');
  let resource: string | null = null;
  try {
    resource = requestedResource(params.resource, catalog)?.uri ?? null;
  } catch (error) {
    if (error instanceof OAuthFailure) return fail('invalid_target', error.message);
    throw error;
  }
  let claims: ClaimsRequest | null = null;
  if (params.claims !== undefined && scopes.includes('openid')) {
    const parsed = parseClaimsRequest(params.claims);
    if ('error' in parsed) return fail('invalid_request', parsed.error);
    claims = parsed;
    scopes = withScopesOfClaims(scopes, claims, client, catalog);
  }

  return {
    kind: 'ok',
    request: {
      client,
      redirectUri,
      redirectUriGiven,
      responseMode,
      state,
      scopes,
      nonce: params.nonce,
      codeChallenge,
      prompt,
      maxAge,
      acrValues,
      loginHint: params.login_hint,
      claims,
      resource,
      params,
    },
  };
}
