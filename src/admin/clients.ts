// Creating and updating clients (Simple OAuth "consumers"), with every rule a client must obey
// before it can ask for a token. Secrets are generated unless given, and only digests are kept.
import { ClientSecrets } from '../crypto/client-secret.js';
import { BUILT_IN_SCOPES } from '../domain/scope.js';
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
import { clientAuthMethodProblem } from '../oauth/client-auth/index.js';
import { revokeClientTokens } from '../oauth/revocation.js';
import type { Store } from '../store/store.js';
import { checkedActor, type Actor } from './actor.js';
import type { AdminContext } from './admin-context.js';
import { requireMayConfigureClient } from './client-authority.js';
import { sameList } from './roles.js';
import { checkText, NotFoundError, ValidationError } from './validation-error.js';

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

/** Validates input into a client (without secret digest or times), resolving names against the store. */
async function clientFrom(store: Store, input: ClientInput, existing: Client | null): Promise<Omit<Client, 'secretDigest' | 'created' | 'changed'>> {
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

function checkedSecret(secret: unknown): string {
  if (typeof secret !== 'string') throw new ValidationError('secret', 'must be text');
  const problem = ClientSecrets.problem(secret);
  if (problem) throw new ValidationError('secret', problem);
  return secret;
}

/**
 * Creates a client; returns the secret in clear exactly once (generated unless given). `actor`
 * must hold what the client could obtain with its secret (src/admin/client-authority.ts).
 */
export async function createClient(
  ctx: AdminContext,
  input: ClientInput,
  actor: Actor,
  store: Store = ctx.store,
): Promise<{ client: Client; secret: string | null }> {
  checkedActor(actor);
  if (await store.clients.get(input.clientId)) throw new ValidationError('clientId', `a client "${input.clientId}" already exists`);
  const fields = await clientFrom(store, input, null);
  await requireMayConfigureClient(store, actor, null, fields);
  if (!fields.confidential && input.secret !== undefined) throw new ValidationError('secret', 'a public client has no secret');
  const secret = fields.confidential ? (input.secret === undefined ? ctx.secrets.generate() : checkedSecret(input.secret)) : null;
  const now = Math.floor(ctx.clock.now() / 1000);
  const client: Client = { ...fields, secretDigest: secret === null ? null : ctx.secrets.digest(secret), created: now, changed: now };
  await store.clients.create(client);
  return { client, secret: input.secret === undefined ? secret : null };
}

/**
 * Idempotent create-or-update (for `apply`, and changes from the admin API and console). A new
 * secret, a disabled client or a switch to public revokes the client's tokens. Returns the
 * generated secret when one was made.
 */
export async function upsertClient(
  ctx: AdminContext,
  input: ClientInput,
  actor: Actor,
  store: Store = ctx.store,
): Promise<{ outcome: 'created' | 'updated' | 'unchanged'; secret: string | null }> {
  checkedActor(actor);
  const existing = await store.clients.get(input.clientId);
  if (!existing) {
    const { secret } = await createClient(ctx, input, actor, store);
    return { outcome: 'created', secret };
  }
  const fields = await clientFrom(store, input, existing);
  let secretDigest = existing.secretDigest;
  let generated: string | null = null;
  if (!fields.confidential) {
    if (input.secret !== undefined) throw new ValidationError('secret', 'a public client has no secret');
    secretDigest = null;
  } else if (input.secret !== undefined) {
    if (!ctx.secrets.matches(checkedSecret(input.secret), existing.secretDigest)) secretDigest = ctx.secrets.digest(input.secret);
  } else if (secretDigest === null) {
    generated = ctx.secrets.generate();
    secretDigest = ctx.secrets.digest(generated);
  }
  const candidate: Client = { ...fields, secretDigest, created: existing.created, changed: existing.changed };
  if (sameClient(existing, candidate)) return { outcome: 'unchanged', secret: null };
  // a secret of the actor's choosing, or a generated one shown to them, hands them the client
  const secretField = generated !== null ? 'confidential' : secretDigest !== existing.secretDigest ? 'secret' : null;
  await requireMayConfigureClient(store, actor, existing, candidate, secretField);
  candidate.changed = Math.floor(ctx.clock.now() / 1000);
  await store.clients.update(candidate);
  if (existing.secretDigest !== secretDigest || (existing.status && !candidate.status)) await revokeClientTokens(store, ctx.clock, existing.clientId);
  return { outcome: 'updated', secret: generated };
}

function sameClient(a: Client, b: Client): boolean {
  for (const key of Object.keys(a) as (keyof Client)[]) {
    const x = a[key];
    const y = b[key];
    if (Array.isArray(x) && Array.isArray(y) ? !sameList(x.map(String), y.map(String)) : x !== y) return false;
  }
  return true;
}

/** Deletes a client after revoking every token it holds. */
export async function deleteClient(ctx: AdminContext, clientId: string, store: Store = ctx.store): Promise<void> {
  if (!(await store.clients.get(clientId))) throw new NotFoundError(`no client "${clientId}" exists`);
  await revokeClientTokens(store, ctx.clock, clientId);
  await store.clients.delete(clientId);
}

/**
 * A new generated secret for a confidential client, shown once; the old one stops working and the
 * client's tokens are revoked. Whoever sees the new secret can do all the client can: `actor`
 * must be allowed to configure it as it stands.
 */
export async function rotateClientSecret(ctx: AdminContext, clientId: string, actor: Actor, store: Store = ctx.store): Promise<string> {
  checkedActor(actor);
  const existing = await store.clients.get(clientId);
  if (!existing) throw new NotFoundError(`no client "${clientId}" exists`);
  if (!existing.confidential) throw new ValidationError('confidential', 'a public client has no secret to rotate');
  await requireMayConfigureClient(store, actor, existing, existing, 'secret');
  const secret = ctx.secrets.generate();
  await store.clients.update({ ...existing, secretDigest: ctx.secrets.digest(secret), changed: Math.floor(ctx.clock.now() / 1000) });
  await revokeClientTokens(store, ctx.clock, clientId);
  return secret;
}
