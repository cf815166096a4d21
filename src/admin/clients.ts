// Creating and updating clients (Simple OAuth "consumers"), with every rule a client must obey
// before it can ask for a token. Secrets are generated unless given, and only digests are kept.
import { ClientSecrets } from '../crypto/client-secret.js';
import { BUILT_IN_SCOPES } from '../domain/scope.js';
import {
  DEFAULT_ACCESS_TOKEN_EXPIRATION,
  DEFAULT_REFRESH_TOKEN_EXPIRATION,
  MAX_ACCESS_TOKEN_EXPIRATION,
  MAX_REFRESH_TOKEN_EXPIRATION,
  isValidClientId,
  redirectUriProblem,
  type Client,
} from '../domain/client.js';
import { GRANT_TYPES, isGrantType, type GrantType } from '../domain/grant-types.js';
import { revokeClientTokens } from '../oauth/revocation.js';
import type { Store } from '../store/store.js';
import type { AdminContext } from './admin-context.js';
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
  secret?: string;
  pkce?: boolean;
  automaticAuthorization?: boolean;
  rememberApproval?: boolean;
  accessTokenExpiration?: number;
  refreshTokenExpiration?: number;
  status?: boolean;
}

function list(field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new ValidationError(field, 'must be a list of strings');
  return [...new Set(value as string[])];
}

function seconds(field: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) throw new ValidationError(field, `must be a whole number of seconds from 1 to ${max}`);
  return value;
}

function flag(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ValidationError(field, 'must be true or false');
  return value;
}

async function knownScopes(store: Store): Promise<Set<string>> {
  return new Set([...BUILT_IN_SCOPES.map((s) => s.name), ...(await store.scopes.list()).map((s) => s.name)]);
}

/** Validates input into a client (without secret digest or times), resolving names against the store. */
async function clientFrom(store: Store, input: ClientInput, existing: Client | null): Promise<Omit<Client, 'secretDigest' | 'created' | 'changed'>> {
  if (!isValidClientId(input.clientId)) throw new ValidationError('clientId', `"${String(input.clientId)}" is not a valid client id (letters, digits, . _ ~ -; at most 128)`);
  const confidential = flag('confidential', input.confidential, existing?.confidential ?? true);
  const grantTypes = input.grantTypes === undefined
    ? existing?.grantTypes ?? (confidential ? ['client_credentials'] : ['authorization_code', 'refresh_token'])
    : list('grantTypes', input.grantTypes);
  for (const g of grantTypes) if (!isGrantType(g)) throw new ValidationError('grantTypes', `"${g}" is not a grant type Gatehouse supports (${GRANT_TYPES.join(', ')})`);
  if (grantTypes.length === 0) throw new ValidationError('grantTypes', 'must list at least one grant type');
  if (!confidential && grantTypes.includes('client_credentials')) throw new ValidationError('grantTypes', 'a public client cannot use client_credentials (it has no secret to prove itself)');
  const redirectUris = input.redirectUris === undefined ? existing?.redirectUris ?? [] : list('redirectUris', input.redirectUris);
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new ValidationError('redirectUris', `${uri} ${problem}`);
  }
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) throw new ValidationError('redirectUris', 'the authorization_code grant needs at least one redirect URI');
  const known = await knownScopes(store);
  const scopes = input.scopes === undefined ? existing?.scopes ?? [] : list('scopes', input.scopes);
  const authorizationCodeScopes = input.authorizationCodeScopes === undefined ? existing?.authorizationCodeScopes ?? [] : list('authorizationCodeScopes', input.authorizationCodeScopes);
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
    pkce: flag('pkce', input.pkce, existing?.pkce ?? !confidential),
    automaticAuthorization: flag('automaticAuthorization', input.automaticAuthorization, existing?.automaticAuthorization ?? false),
    rememberApproval: flag('rememberApproval', input.rememberApproval, existing?.rememberApproval ?? true),
    accessTokenExpiration: seconds('accessTokenExpiration', input.accessTokenExpiration, existing?.accessTokenExpiration ?? DEFAULT_ACCESS_TOKEN_EXPIRATION, MAX_ACCESS_TOKEN_EXPIRATION),
    refreshTokenExpiration: seconds('refreshTokenExpiration', input.refreshTokenExpiration, existing?.refreshTokenExpiration ?? DEFAULT_REFRESH_TOKEN_EXPIRATION, MAX_REFRESH_TOKEN_EXPIRATION),
    status: flag('status', input.status, existing?.status ?? true),
  };
}

function checkedSecret(secret: unknown): string {
  if (typeof secret !== 'string') throw new ValidationError('secret', 'must be text');
  const problem = ClientSecrets.problem(secret);
  if (problem) throw new ValidationError('secret', problem);
  return secret;
}

/** Creates a client; returns the secret in clear exactly once (generated unless given). */
export async function createClient(ctx: AdminContext, input: ClientInput, store: Store = ctx.store): Promise<{ client: Client; secret: string | null }> {
  if (await store.clients.get(input.clientId)) throw new ValidationError('clientId', `a client "${input.clientId}" already exists`);
  const fields = await clientFrom(store, input, null);
  if (!fields.confidential && input.secret !== undefined) throw new ValidationError('secret', 'a public client has no secret');
  const secret = fields.confidential ? (input.secret === undefined ? ctx.secrets.generate() : checkedSecret(input.secret)) : null;
  const now = Math.floor(ctx.clock.now() / 1000);
  const client: Client = { ...fields, secretDigest: secret === null ? null : ctx.secrets.digest(secret), created: now, changed: now };
  await store.clients.create(client);
  return { client, secret: input.secret === undefined ? secret : null };
}

/**
 * Idempotent create-or-update (for `apply`). A new secret, a disabled client or a switch to public
 * revokes the client's tokens. Returns the generated secret when one was made.
 */
export async function upsertClient(ctx: AdminContext, input: ClientInput, store: Store = ctx.store): Promise<{ outcome: 'created' | 'updated' | 'unchanged'; secret: string | null }> {
  const existing = await store.clients.get(input.clientId);
  if (!existing) {
    const { secret } = await createClient(ctx, input, store);
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
  candidate.changed = Math.floor(ctx.clock.now() / 1000);
  await store.clients.update(candidate);
  if (existing.secretDigest !== secretDigest || (existing.status && !candidate.status)) await revokeClientTokens(store, ctx.clock, existing.clientId);
  return { outcome: 'updated', secret: generated };
}

function sameClient(a: Client, b: Client): boolean {
  for (const key of Object.keys(a) as (keyof Client)[]) {
    const x = a[key];
    const y = b[key];
    if (Array.isArray(x) && Array.isArray(y) ? !sameList(x, y) : x !== y) return false;
  }
  return true;
}

/** Deletes a client after revoking every token it holds. */
export async function deleteClient(ctx: AdminContext, clientId: string, store: Store = ctx.store): Promise<void> {
  if (!(await store.clients.get(clientId))) throw new NotFoundError(`no client "${clientId}" exists`);
  await revokeClientTokens(store, ctx.clock, clientId);
  await store.clients.delete(clientId);
}

/** A new generated secret for a confidential client, shown once; the old one stops working and the client's tokens are revoked. */
export async function rotateClientSecret(ctx: AdminContext, clientId: string, store: Store = ctx.store): Promise<string> {
  const existing = await store.clients.get(clientId);
  if (!existing) throw new NotFoundError(`no client "${clientId}" exists`);
  if (!existing.confidential) throw new ValidationError('confidential', 'a public client has no secret to rotate');
  const secret = ctx.secrets.generate();
  await store.clients.update({ ...existing, secretDigest: ctx.secrets.digest(secret), changed: Math.floor(ctx.clock.now() / 1000) });
  await revokeClientTokens(store, ctx.clock, clientId);
  return secret;
}
