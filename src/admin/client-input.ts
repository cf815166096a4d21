// What an operator may write into a client, checked field by field and resolved against the store
// (user names to ids, scope names to existing scopes), before any operation stores it.
import { ClientSecrets } from '../crypto/client-secret.js';
import {
  ACT_AS_ANYONE,
  DEFAULT_ACCESS_TOKEN_EXPIRATION,
  DEFAULT_REFRESH_FAMILY_LIFETIME,
  DEFAULT_REFRESH_REUSE_INTERVAL,
  DEFAULT_REFRESH_TOKEN_EXPIRATION,
  MAX_ACCESS_TOKEN_EXPIRATION,
  MAX_REFRESH_FAMILY_LIFETIME,
  MAX_REFRESH_REUSE_INTERVAL,
  MAX_REFRESH_TOKEN_EXPIRATION,
  isValidClientId,
  redirectUriProblem,
  type ActAs,
  type Client,
} from '../domain/client.js';
import { GRANT_TYPES, isGrantType, type GrantType } from '../domain/grant-types.js';
import { BUILT_IN_SCOPES } from '../domain/scope.js';
import { clientAuthMethodProblem } from '../oauth/client-auth/index.js';
import type { Store } from '../store/store.js';
import { sameList } from './same-list.js';
import { checkText, ValidationError } from './validation-error.js';

export interface ClientInput {
  clientId: string;
  label?: string;
  description?: string;
  confidential?: boolean;
  grantTypes?: string[];
  redirectUris?: string[];
  scopes?: string[];
  authorizationCodeScopes?: string[];
  /** user name of the default user */
  user?: string | null;
  /** user names the client may act for (miniOrange client_credentials + `username`), or "*" for anyone */
  actAs?: string | string[] | null;
  /** RFC 7591 token_endpoint_auth_method; null or "": by the client's type (docs/compatibility.md §4) */
  tokenEndpointAuthMethod?: string | null;
  secret?: string;
  pkce?: boolean;
  automaticAuthorization?: boolean;
  rememberApproval?: boolean;
  accessTokenExpiration?: number;
  refreshTokenExpiration?: number;
  /** seconds a refresh-token family may live, however often it rotates */
  refreshFamilyLifetime?: number;
  /** seconds (0 = off) in which a spent refresh token may be presented again for the same successor */
  refreshReuseInterval?: number;
  status?: boolean;
}

/** A client's stored fields other than its secret digest and times. */
export type ClientFields = Omit<Client, 'secretDigest' | 'created' | 'changed'>;

function list(field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new ValidationError(field, 'must be a list of strings');
  return [...new Set(value as string[])];
}

function seconds(field: string, value: unknown, fallback: number, max: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new ValidationError(field, `must be a whole number of seconds from ${min} to ${max}`);
  return value;
}

function flag(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ValidationError(field, 'must be true or false');
  return value;
}

const ACT_AS_FORM = 'must be a list of user names, or "*" alone for any user';

/** Resolves `actAs` names to user ids (sorted, unique); "*" stays "*". */
async function actAsFrom(store: Store, value: unknown): Promise<ActAs> {
  if (value === null || value === '') return [];
  if (value === ACT_AS_ANYONE) return ACT_AS_ANYONE;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new ValidationError('actAs', ACT_AS_FORM);
  if (value.includes(ACT_AS_ANYONE)) {
    if (value.some((v) => v !== ACT_AS_ANYONE)) throw new ValidationError('actAs', ACT_AS_FORM);
    return ACT_AS_ANYONE;
  }
  const ids = new Set<number>();
  for (const name of value as string[]) {
    const user = await store.users.findByName(name);
    if (!user || user.uid === 0) throw new ValidationError('actAs', `no user named "${name}" exists`);
    ids.add(user.uid);
  }
  return [...ids].sort((a, b) => a - b);
}

/** `actAs` as names, for showing: ["*"] for anyone; ids whose user is gone are left out. */
export async function actAsNames(store: Store, client: Pick<Client, 'actAs'>): Promise<string[]> {
  if (client.actAs === ACT_AS_ANYONE) return [ACT_AS_ANYONE];
  const names: string[] = [];
  for (const uid of client.actAs) {
    const user = await store.users.findById(uid);
    if (user) names.push(user.name);
  }
  return names;
}

/**
 * PKCE is on unless turned off (OAuth 2.1 §4.1.1: for confidential clients too); a stored
 * client keeps its value. A public client has nothing else to bind its code: always on.
 */
function pkceFrom(input: unknown, existing: Client | null, confidential: boolean): boolean {
  const pkce = flag('pkce', input, existing?.pkce ?? true);
  if (confidential) return pkce;
  if (input === false)
    throw new ValidationError('pkce', 'cannot be turned off for a public client: PKCE is all that binds its authorization code to it (OAuth 2.1 §4.1.1)');
  return true;
}

/** A client authentication method of src/oauth/client-auth/ that fits the client's type, or null. */
function authMethodFrom(input: unknown, existing: Client | null, confidential: boolean): string | null {
  const value = input === undefined ? (existing?.tokenEndpointAuthMethod ?? null) : input;
  if (value === null || value === '') return null;
  if (typeof value !== 'string') throw new ValidationError('tokenEndpointAuthMethod', 'must be the name of a client authentication method, or null');
  const problem = clientAuthMethodProblem(value, confidential);
  if (problem) throw new ValidationError('tokenEndpointAuthMethod', problem);
  return value;
}

async function knownScopes(store: Store): Promise<Set<string>> {
  return new Set([...BUILT_IN_SCOPES.map((s) => s.name), ...(await store.scopes.list()).map((s) => s.name)]);
}

/** Validates input into a client's fields, resolving names against the store; fields left out keep `existing`'s values. */
export async function clientFrom(store: Store, input: ClientInput, existing: Client | null): Promise<ClientFields> {
  if (!isValidClientId(input.clientId))
    throw new ValidationError('clientId', `"${String(input.clientId)}" is not a valid client id (letters, digits, . _ ~ -; at most 128)`);
  const confidential = flag('confidential', input.confidential, existing?.confidential ?? true);
  const grantTypes =
    input.grantTypes === undefined
      ? (existing?.grantTypes ?? (confidential ? ['client_credentials'] : ['authorization_code', 'refresh_token']))
      : list('grantTypes', input.grantTypes);
  for (const g of grantTypes)
    if (!isGrantType(g)) throw new ValidationError('grantTypes', `"${g}" is not a grant type Gatehouse supports (${GRANT_TYPES.join(', ')})`);
  if (grantTypes.length === 0) throw new ValidationError('grantTypes', 'must list at least one grant type');
  if (!confidential && grantTypes.includes('client_credentials'))
    throw new ValidationError('grantTypes', 'a public client cannot use client_credentials (it has no secret to prove itself)');
  const redirectUris = input.redirectUris === undefined ? (existing?.redirectUris ?? []) : list('redirectUris', input.redirectUris);
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new ValidationError('redirectUris', `${uri} ${problem}`);
  }
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0)
    throw new ValidationError('redirectUris', 'the authorization_code grant needs at least one redirect URI');
  const known = await knownScopes(store);
  const scopes = input.scopes === undefined ? (existing?.scopes ?? []) : list('scopes', input.scopes);
  const authorizationCodeScopes =
    input.authorizationCodeScopes === undefined ? (existing?.authorizationCodeScopes ?? []) : list('authorizationCodeScopes', input.authorizationCodeScopes);
  for (const s of [...scopes, ...authorizationCodeScopes]) if (!known.has(s)) throw new ValidationError('scopes', `no scope "${s}" exists`);
  let userId = existing?.userId ?? null;
  if (input.user !== undefined) {
    if (input.user === null || input.user === '') userId = null;
    else {
      const user = await store.users.findByName(input.user);
      if (!user || user.uid === 0) throw new ValidationError('user', `no user named "${input.user}" exists`);
      userId = user.uid;
    }
  }
  const actAs = input.actAs === undefined ? (existing?.actAs ?? []) : await actAsFrom(store, input.actAs);
  checkText('label', input.label, 255);
  checkText('description', input.description, 4096);
  return {
    clientId: input.clientId,
    label: input.label ?? existing?.label ?? input.clientId,
    description: input.description ?? existing?.description ?? '',
    confidential,
    grantTypes: grantTypes as GrantType[],
    redirectUris,
    scopes,
    authorizationCodeScopes,
    userId,
    actAs,
    tokenEndpointAuthMethod: authMethodFrom(input.tokenEndpointAuthMethod, existing, confidential),
    pkce: pkceFrom(input.pkce, existing, confidential),
    automaticAuthorization: flag('automaticAuthorization', input.automaticAuthorization, existing?.automaticAuthorization ?? false),
    rememberApproval: flag('rememberApproval', input.rememberApproval, existing?.rememberApproval ?? true),
    accessTokenExpiration: seconds(
      'accessTokenExpiration',
      input.accessTokenExpiration,
      existing?.accessTokenExpiration ?? DEFAULT_ACCESS_TOKEN_EXPIRATION,
      MAX_ACCESS_TOKEN_EXPIRATION,
    ),
    refreshTokenExpiration: seconds(
      'refreshTokenExpiration',
      input.refreshTokenExpiration,
      existing?.refreshTokenExpiration ?? DEFAULT_REFRESH_TOKEN_EXPIRATION,
      MAX_REFRESH_TOKEN_EXPIRATION,
    ),
    refreshFamilyLifetime: seconds(
      'refreshFamilyLifetime',
      input.refreshFamilyLifetime,
      existing?.refreshFamilyLifetime ?? DEFAULT_REFRESH_FAMILY_LIFETIME,
      MAX_REFRESH_FAMILY_LIFETIME,
    ),
    refreshReuseInterval: seconds(
      'refreshReuseInterval',
      input.refreshReuseInterval,
      existing?.refreshReuseInterval ?? DEFAULT_REFRESH_REUSE_INTERVAL,
      MAX_REFRESH_REUSE_INTERVAL,
      0,
    ),
    status: flag('status', input.status, existing?.status ?? true),
  };
}

export function checkedSecret(secret: unknown): string {
  if (typeof secret !== 'string') throw new ValidationError('secret', 'must be text');
  const problem = ClientSecrets.problem(secret);
  if (problem) throw new ValidationError('secret', problem);
  return secret;
}

/** The fields whose values differ between two versions of a client (`secretDigest` reported as `secret`). */
export function changedClientFields(a: Client, b: Client): string[] {
  const changed: string[] = [];
  for (const key of Object.keys(a) as (keyof Client)[]) {
    if (key === 'created' || key === 'changed') continue;
    const x = a[key];
    const y = b[key];
    const same = Array.isArray(x) && Array.isArray(y) ? sameList(x.map(String), y.map(String)) : x === y;
    if (!same) changed.push(key === 'secretDigest' ? 'secret' : key);
  }
  return changed;
}
