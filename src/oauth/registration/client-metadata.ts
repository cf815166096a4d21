// RFC 7591 §2 client metadata, checked against the operator's registration policy: what a client
// asks to be registered with becomes Gatehouse's client fields, or is refused naming the field
// (invalid_redirect_uri / invalid_client_metadata, §3.2.2). A registered client never gets a
// scope, grant type or kind of redirect URI the policy does not list.
import { redirectUriProblem } from '../../domain/client.js';
import { type GrantType, grantTypeFromWire, grantTypeOnWire, isGrantType } from '../../domain/grant-types.js';
import { type RegistrationPolicy, redirectUriKind } from '../../domain/registration-policy.js';
import { parseScopeParameter } from '../../domain/scope.js';
import { clientAuthMethodNames } from '../client-auth/index.js';
import { RegistrationFailure } from './registration-failure.js';

/** the rules a request is checked under: with an initial access token, or open registration */
export type RegistrationMode = 'token' | 'open';

/** A request's metadata, checked: the fields a registered client is made with. */
export interface CheckedMetadata {
  redirectUris: string[];
  grantTypes: GrantType[];
  responseTypes: string[];
  tokenEndpointAuthMethod: string;
  clientName: string | null;
  scopes: string[];
  clientUri: string | null;
  logoUri: string | null;
  policyUri: string | null;
  tosUri: string | null;
  contacts: string[];
}

const MAX_LIST = 10;
const URI_FIELDS = { client_uri: 'clientUri', logo_uri: 'logoUri', policy_uri: 'policyUri', tos_uri: 'tosUri' } as const;

const badMetadata = (field: string, message: string) => new RegistrationFailure('invalid_client_metadata', `${field}: ${message}`);
const badRedirect = (message: string) => new RegistrationFailure('invalid_redirect_uri', `redirect_uris: ${message}`);

function stringList(body: Record<string, unknown>, field: string, fail: (m: string) => RegistrationFailure): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length > 2048)) throw fail('must be a list of strings');
  if (value.length > MAX_LIST) throw fail(`must list at most ${MAX_LIST} values`);
  return [...new Set(value as string[])];
}

function text(body: Record<string, unknown>, field: string, max: number): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max) throw badMetadata(field, `must be a string of at most ${max} characters`);
  return value;
}

/** A web page of the client's (client_uri, logo_uri, …): https, or http on loopback. */
function pageUri(body: Record<string, unknown>, field: string): string | null {
  const value = text(body, field, 2048);
  if (value === null) return null;
  const kind = redirectUriKind(value);
  if (kind !== 'https' && kind !== 'http-loopback') throw badMetadata(field, `"${value}" must be an absolute https URL`);
  return value;
}

function redirectUris(body: Record<string, unknown>, policy: RegistrationPolicy, mode: RegistrationMode): string[] {
  const uris = stringList(body, 'redirect_uris', (m) => badRedirect(m)) ?? [];
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw badRedirect(`"${uri}" ${problem}`);
    const kind = redirectUriKind(uri) ?? '';
    // open registration: public clients with loopback or https redirect URIs only
    const allowed = mode === 'open' ? policy.redirectUriSchemes.filter((k) => k === 'https' || k === 'http-loopback') : policy.redirectUriSchemes;
    if (!allowed.includes(kind)) throw badRedirect(`"${uri}": ${kind} redirect URIs are not allowed here (allowed: ${allowed.join(', ') || 'none'})`);
  }
  return uris;
}

function grantTypes(body: Record<string, unknown>, policy: RegistrationPolicy): GrantType[] {
  const names = stringList(body, 'grant_types', (m) => badMetadata('grant_types', m)) ?? ['authorization_code'];
  if (names.length === 0) throw badMetadata('grant_types', 'must list at least one grant type');
  return names.map((name) => {
    const grant = grantTypeFromWire(name) ?? (isGrantType(name) ? name : null);
    if (grant === null) throw badMetadata('grant_types', `"${name}" is not a grant type this server supports`);
    if (!policy.grantTypes.includes(grant)) {
      throw badMetadata('grant_types', `"${name}" is not allowed by the registration policy (allowed: ${policy.grantTypes.map(grantTypeOnWire).join(', ')})`);
    }
    return grant;
  });
}

function scopes(body: Record<string, unknown>, policy: RegistrationPolicy, known: ReadonlySet<string>): string[] {
  const value = body.scope;
  if (value === undefined) return policy.scopes.filter((s) => known.has(s));
  const names = typeof value === 'string' ? parseScopeParameter(value) : null;
  if (names === null) throw badMetadata('scope', 'must be a space-separated list of scope names');
  for (const name of names) {
    if (!policy.scopes.includes(name) || !known.has(name)) throw badMetadata('scope', `"${name}" is not allowed by the registration policy`);
  }
  return names;
}

function authMethod(body: Record<string, unknown>, mode: RegistrationMode): string {
  const value = body.token_endpoint_auth_method;
  // RFC 7591 §2 defaults to client_secret_basic; open registration is for public clients
  const method = value === undefined ? (mode === 'open' ? 'none' : 'client_secret_basic') : value;
  if (typeof method !== 'string' || !clientAuthMethodNames().includes(method)) {
    throw badMetadata('token_endpoint_auth_method', `must be one of ${clientAuthMethodNames().join(', ')}`);
  }
  if (mode === 'open' && method !== 'none') {
    throw badMetadata('token_endpoint_auth_method', 'open registration is for public clients only: use none (or register with an initial access token)');
  }
  return method;
}

/** Checks a registration (or RFC 7592 update) request's metadata against the policy. */
export function checkClientMetadata(body: unknown, policy: RegistrationPolicy, mode: RegistrationMode, knownScopes: ReadonlySet<string>): CheckedMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RegistrationFailure('invalid_client_metadata', 'The request body must be a JSON object of client metadata (RFC 7591 §2).');
  }
  const fields = body as Record<string, unknown>;
  const grants = grantTypes(fields, policy);
  const uris = redirectUris(fields, policy, mode);
  if (grants.includes('authorization_code') && uris.length === 0) throw badRedirect('the authorization_code grant needs at least one redirect URI');
  const responseTypes =
    stringList(fields, 'response_types', (m) => badMetadata('response_types', m)) ?? (grants.includes('authorization_code') ? ['code'] : []);
  for (const r of responseTypes) if (r !== 'code') throw badMetadata('response_types', `"${r}" is not supported (only code)`);
  if (responseTypes.includes('code') !== grants.includes('authorization_code')) {
    throw badMetadata('response_types', 'code goes with the authorization_code grant type, and only with it (RFC 7591 §2.1)');
  }
  const checked: CheckedMetadata = {
    redirectUris: uris,
    grantTypes: grants,
    responseTypes,
    tokenEndpointAuthMethod: authMethod(fields, mode),
    clientName: text(fields, 'client_name', 255),
    scopes: scopes(fields, policy, knownScopes),
    clientUri: null,
    logoUri: null,
    policyUri: null,
    tosUri: null,
    contacts: stringList(fields, 'contacts', (m) => badMetadata('contacts', m)) ?? [],
  };
  for (const [field, key] of Object.entries(URI_FIELDS)) checked[key] = pageUri(fields, field);
  for (const c of checked.contacts) if (c.length > 255) throw badMetadata('contacts', 'each contact must be at most 255 characters');
  return checked;
}

/** The metadata as RFC 7591 §3.2.1 answers it (unset fields left out). */
export function metadataView(checked: CheckedMetadata): Record<string, unknown> {
  const view: Record<string, unknown> = {
    redirect_uris: checked.redirectUris,
    grant_types: checked.grantTypes.map(grantTypeOnWire),
    response_types: checked.responseTypes,
    token_endpoint_auth_method: checked.tokenEndpointAuthMethod,
    scope: checked.scopes.join(' '),
  };
  if (checked.clientName !== null) view.client_name = checked.clientName;
  for (const [field, key] of Object.entries(URI_FIELDS)) if (checked[key] !== null) view[field] = checked[key];
  if (checked.contacts.length) view.contacts = checked.contacts;
  return view;
}
