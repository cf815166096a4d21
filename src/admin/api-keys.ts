// Operations on per-user API keys (issue 12 part 4): create (the key is returned this once),
// list, revoke. Managing a user's keys needs "administer users" — whoever holds it may already
// set that user's password — and a key never carries more than its user: at every request its
// access is the user's permissions ∩ its scopes' (src/gate/methods/api-key.ts). Each change audits
// itself with the key's public id, never the key.
import { ApiKeySecrets } from '../crypto/api-key-secrets.js';
import {
  API_KEY_LABEL_MAX_LENGTH,
  API_KEY_MAX_EXPIRES_IN_DAYS,
  API_KEY_MAX_SCOPES,
  apiKeyState,
  isApiKeyId,
  type ApiKey,
  type ApiKeyState,
} from '../domain/api-key.js';
import { PERMISSIONS } from '../domain/permissions.js';
import { ANONYMOUS_UID, type User } from '../domain/user.js';
import { administersUsers, checkedActor, currentCatalog, type Actor } from './actor.js';
import { recordChange } from './admin-audit.js';
import type { AdminContext } from './admin-context.js';
import { checkText, ForbiddenError, NotFoundError, ValidationError } from './validation-error.js';

export interface ApiKeyInput {
  label?: string;
  /** days from now; absent: the key does not expire */
  expiresInDays?: number;
  /** scope names the key is limited to; absent or []: all of its user's permissions */
  scopes?: string[];
}

/** A key as shown to an operator: never the key, never its digest. */
export interface ApiKeyView {
  id: string;
  userId: number;
  label: string;
  scopes: string[];
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
  state: ApiKeyState;
}

export function apiKeyView(key: ApiKey, now: number): ApiKeyView {
  return {
    id: key.id,
    userId: key.uid,
    label: key.label,
    scopes: key.scopes,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
    state: apiKeyState(key, now),
  };
}

const digesters = new Map<string, ApiKeySecrets>();

/** One digester per secret: deriving the subkey is not free, and every create needs it. */
export function apiKeySecrets(masterSecret: string): ApiKeySecrets {
  let secrets = digesters.get(masterSecret);
  if (!secrets) {
    secrets = new ApiKeySecrets(masterSecret);
    digesters.set(masterSecret, secrets);
  }
  return secrets;
}

function requireManager(actor: Actor): void {
  checkedActor(actor);
  if (!administersUsers(actor)) throw new ForbiddenError('user', `managing API keys needs "${PERMISSIONS.administerUsers}"`, [PERMISSIONS.administerUsers]);
}

async function existingUser(ctx: AdminContext, uid: number): Promise<User> {
  const user = uid === ANONYMOUS_UID ? null : await ctx.store.users.findById(uid);
  if (!user) throw new NotFoundError(`no user ${uid} exists`);
  return user;
}

async function validScopes(ctx: AdminContext, scopes: unknown): Promise<string[]> {
  if (scopes === undefined || scopes === null) return [];
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string')) throw new ValidationError('scopes', 'must be a list of scope names');
  const unique = [...new Set(scopes as string[])];
  if (unique.length > API_KEY_MAX_SCOPES) throw new ValidationError('scopes', `must name at most ${API_KEY_MAX_SCOPES} scopes`);
  const catalog = await currentCatalog(ctx.store);
  const unknown = unique.filter((s) => !catalog.scopes.has(s));
  if (unknown.length) throw new ValidationError('scopes', `no scope named ${unknown.map((s) => `"${s}"`).join(', ')} exists`);
  return unique.sort();
}

function validExpiry(days: unknown): number | null {
  if (days === undefined || days === null) return null;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > API_KEY_MAX_EXPIRES_IN_DAYS)
    throw new ValidationError('expiresInDays', `must be a whole number of days from 1 to ${API_KEY_MAX_EXPIRES_IN_DAYS}`);
  return days;
}

/** Makes a key for user `uid`; the key is in this answer only (the store keeps its keyed digest). */
export async function createApiKey(ctx: AdminContext, uid: number, input: ApiKeyInput, actor: Actor): Promise<{ apiKey: ApiKey; key: string; user: User }> {
  requireManager(actor);
  checkText('label', input.label, API_KEY_LABEL_MAX_LENGTH);
  const days = validExpiry(input.expiresInDays);
  const user = await existingUser(ctx, uid);
  const scopes = await validScopes(ctx, input.scopes);
  const now = Math.floor(ctx.clock.now() / 1000);
  const secrets = apiKeySecrets(ctx.keySecret);
  const { id, key } = secrets.generate();
  const apiKey: ApiKey = {
    id,
    uid: user.uid,
    label: input.label ?? '',
    scopes,
    createdAt: now,
    lastUsedAt: null,
    expiresAt: days === null ? null : now + days * 86_400,
    revokedAt: null,
  };
  await ctx.store.apiKeys.insert({ ...apiKey, digest: secrets.digest(key) });
  await recordChange(ctx, actor, { event: 'admin.api_key.created', detail: `${user.name}: ${id}` });
  return { apiKey, key, user };
}

/** Every key (of user `uid` when given), newest first; never a key or a digest. */
export async function listApiKeys(ctx: AdminContext, uid: number | undefined, actor: Actor): Promise<ApiKey[]> {
  requireManager(actor);
  if (uid !== undefined) await existingUser(ctx, uid);
  return ctx.store.apiKeys.list(uid === undefined ? {} : { userId: uid });
}

/** Revokes key `id`: every instance refuses it from now on (a second revoke changes nothing). */
export async function revokeApiKey(ctx: AdminContext, id: string, actor: Actor): Promise<ApiKey> {
  requireManager(actor);
  const found = isApiKeyId(id) ? await ctx.store.apiKeys.get(id) : null;
  if (!found) throw new NotFoundError(`no API key ${id} exists`);
  if (found.revokedAt !== null) return found;
  const revoked = await ctx.store.apiKeys.revoke(id, Math.floor(ctx.clock.now() / 1000));
  if (!revoked) throw new NotFoundError(`no API key ${id} exists`);
  const user = await ctx.store.users.findById(revoked.uid);
  await recordChange(ctx, actor, { event: 'admin.api_key.revoked', detail: `${user?.name ?? revoked.uid}: ${id}` });
  return revoked;
}
