// Dynamic client registration as the operator sets it up: initial access tokens (`gatehouse
// registration-token create`) and the registration policy (apply file `registrationPolicy`).
// Tokens are 256 random bits, shown once, stored as SHA-256 digests.
import { randomToken, tokenDigest } from '../crypto/secrets.js';
import { isGrantType } from '../domain/grant-types.js';
import { DEFAULT_REGISTRATION_POLICY, isRedirectUriScheme, type RegistrationPolicy } from '../domain/registration-policy.js';
import { checkedActor, currentCatalog, type Actor } from './actor.js';
import { recordChange } from './admin-audit.js';
import type { AdminContext } from './admin-context.js';
import { UNCHANGED, type Upserted } from './outcome.js';
import { ValidationError } from './validation-error.js';

/** The grant types a registered client may be given: those that act for a user who consents. */
export const REGISTRABLE_GRANT_TYPES = ['authorization_code', 'refresh_token', 'device_code'] as const;

export interface RegistrationTokenInput {
  /** seconds; omitted: never expires */
  expiresIn?: number;
  /** omitted: any number of registrations */
  maxUses?: number;
}

export interface RegistrationTokenMinted {
  /** in clear, this once */
  token: string;
  /** seconds */
  expiresAt: number | null;
  maxUses: number | null;
}

function wholeNumber(field: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, `must be a whole number between ${min} and ${max}`);
  }
  return value;
}

export async function createRegistrationToken(ctx: AdminContext, input: RegistrationTokenInput, actor: Actor): Promise<RegistrationTokenMinted> {
  checkedActor(actor);
  const expiresIn = wholeNumber('expiresIn', input.expiresIn, 1, 315_360_000);
  const maxUses = wholeNumber('maxUses', input.maxUses, 1, 1_000_000) ?? null;
  const now = Math.floor(ctx.clock.now() / 1000);
  const token = randomToken(32);
  const expiresAt = expiresIn === undefined ? null : now + expiresIn;
  await ctx.store.registrations.createInitialToken({ digest: tokenDigest(token), createdAt: now, expiresAt, maxUses, uses: 0 });
  await recordChange(ctx, actor, { event: 'admin.registration_token.created', detail: maxUses === null ? null : `max uses ${maxUses}` });
  return { token, expiresAt, maxUses };
}

export interface RegistrationPolicyInput {
  scopes?: string[];
  grantTypes?: string[];
  redirectUriSchemes?: string[];
  clientLifetimeDays?: number | null;
}

/** The policy an input describes (fields left out: the default's), checked against the scopes that exist. */
async function policyFrom(ctx: AdminContext, input: RegistrationPolicyInput): Promise<RegistrationPolicy> {
  const policy: RegistrationPolicy = { ...DEFAULT_REGISTRATION_POLICY };
  if (input.scopes !== undefined) {
    const known = (await currentCatalog(ctx.store)).scopes;
    for (const s of input.scopes) if (!known.has(s)) throw new ValidationError('scopes', `no scope "${s}" exists`);
    policy.scopes = [...new Set(input.scopes)];
  }
  if (input.grantTypes !== undefined) {
    for (const g of input.grantTypes) {
      if (!isGrantType(g) || !(REGISTRABLE_GRANT_TYPES as readonly string[]).includes(g)) {
        throw new ValidationError('grantTypes', `"${g}" cannot be given to registered clients (${REGISTRABLE_GRANT_TYPES.join(', ')})`);
      }
    }
    policy.grantTypes = [...new Set(input.grantTypes)] as RegistrationPolicy['grantTypes'];
  }
  if (input.redirectUriSchemes !== undefined) {
    for (const k of input.redirectUriSchemes) {
      if (k !== 'http-loopback' && !isRedirectUriScheme(k)) {
        throw new ValidationError(
          'redirectUriSchemes',
          `"${k}" is not https, http-loopback or a private-use URI scheme (javascript, data, file and plain http are never allowed)`,
        );
      }
    }
    policy.redirectUriSchemes = [...new Set(input.redirectUriSchemes)];
  }
  if (input.clientLifetimeDays !== undefined)
    policy.clientLifetimeDays = input.clientLifetimeDays === null ? null : wholeNumber('clientLifetimeDays', input.clientLifetimeDays, 1, 36_500)!;
  return policy;
}

/** Sets the registration policy (apply's `registrationPolicy`); idempotent. */
export async function upsertRegistrationPolicy(ctx: AdminContext, input: RegistrationPolicyInput, actor: Actor): Promise<Upserted> {
  checkedActor(actor);
  const policy = await policyFrom(ctx, input);
  const existing = await ctx.store.registrations.policy();
  if (existing && JSON.stringify(existing) === JSON.stringify(policy)) return UNCHANGED;
  const changed = existing
    ? (Object.keys(policy) as (keyof RegistrationPolicy)[]).filter((k) => JSON.stringify(existing[k]) !== JSON.stringify(policy[k]))
    : [];
  await ctx.store.registrations.setPolicy(policy);
  await recordChange(ctx, actor, { event: 'admin.registration_policy.updated', detail: changed.join(',') || null });
  return existing ? { outcome: 'updated', changed } : { outcome: 'created', changed: [] };
}
