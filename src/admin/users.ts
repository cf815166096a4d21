// Operations on user accounts: create, change, block and unblock, set a password, revoke their
// tokens, and apply's create-or-update. Saving a user whose status, password or roles changed
// revokes every token they hold (docs/compatibility.md §4); each operation audits itself.
import { hashPassword } from '../crypto/passwords.js';
import { ANONYMOUS_UID, type User } from '../domain/user.js';
import { revokeUserTokens } from '../oauth/revocation.js';
import type { Store, UserPatch } from '../store/store.js';
import { checkedActor, type Actor } from './actor.js';
import { namedFields, recordChange } from './admin-audit.js';
import type { AdminContext } from './admin-context.js';
import { ADMINISTRATORS_LOCK, REFERENCES_LOCK } from './locks.js';
import { UNCHANGED, type Upserted } from './outcome.js';
import { sameList } from './same-list.js';
import {
  generatePassword,
  patchedFields,
  patchFor,
  StalePasswordError,
  validateIdentity,
  validatePassword,
  validateRoles,
  type PreparedPassword,
  type UserInput,
} from './user-input.js';
import { NotFoundError, ValidationError } from './validation-error.js';

export { generatePassword, preparePassword, StalePasswordError, validatePassword, type PreparedPassword, type UserInput } from './user-input.js';

async function checkUnique(store: Store, input: UserInput): Promise<void> {
  if (await store.users.findByName(input.name)) throw new ValidationError('name', `a user named "${input.name}" already exists`);
  if (input.mail && (await store.users.findByMail(input.mail))) throw new ValidationError('mail', `the address ${input.mail} is already taken`);
}

/** Inserts the account, under the references lock so that none of its roles is deleted meanwhile. */
async function insertUser(ctx: AdminContext, input: UserInput, passHash: string | null): Promise<User> {
  return ctx.store.transaction(async (store) => {
    await store.lock(REFERENCES_LOCK);
    await checkUnique(store, input);
    const roles = await validateRoles(store, input.roles);
    return store.users.create({
      name: input.name,
      mail: input.mail ?? null,
      passHash,
      status: input.status ?? true,
      langcode: input.langcode ?? 'en',
      preferredLangcode: input.langcode ?? 'en',
      preferredAdminLangcode: null,
      timezone: input.timezone ?? 'UTC',
      init: input.mail ?? null,
      roles,
      fields: input.fields ?? {},
    });
  });
}

/**
 * Creates an account. Without a password one is generated and returned, to be shown once; a given
 * password is never returned.
 */
export async function createUser(ctx: AdminContext, input: UserInput, actor: Actor): Promise<{ user: User; password: string | null }> {
  checkedActor(actor);
  validateIdentity(input);
  // refused before argon2 runs, and checked again with the write
  await checkUnique(ctx.store, input);
  await validateRoles(ctx.store, input.roles);
  const generated = input.password === undefined ? generatePassword() : null;
  const passHash = await hashPassword(generated ?? validatePassword(input.password));
  const user = await insertUser(ctx, input, passHash);
  await recordChange(ctx, actor, { event: 'admin.user.created', detail: user.name });
  return { user, password: generated };
}

/** Refuses a change that would leave no active account holding an administrator role. */
async function keepAnAdministrator(store: Store, before: User, patch: UserPatch): Promise<void> {
  const adminRoles = (await store.roles.list()).filter((r) => r.isAdmin).map((r) => r.id);
  const wasAdmin = before.status && before.roles.some((r) => adminRoles.includes(r));
  if (!wasAdmin) return;
  const status = patch.status ?? before.status;
  const roles = patch.roles ?? before.roles;
  if (status && roles.some((r) => adminRoles.includes(r))) return;
  if ((await store.users.countActiveWithRoles(adminRoles, before.uid)) > 0) return;
  throw new ValidationError(
    patch.status === false ? 'status' : 'roles',
    'is refused: this is the last active administrator, and the change would lock everyone out of administration',
  );
}

/**
 * Saves changes to a user; revokes their tokens and ends their sessions when status, password or
 * roles changed. The last-administrator check and the write are one transaction under one lock,
 * so two administrators blocking each other at the same moment cannot both pass the check. Writes
 * no audit entry: the operations below do.
 */
export async function saveUser(ctx: AdminContext, uid: number, patch: UserPatch): Promise<User> {
  const { after, revoked } = await ctx.store.transaction(async (tx) => {
    if (patch.status === false || patch.roles !== undefined) await tx.lock(ADMINISTRATORS_LOCK);
    if (patch.roles !== undefined) {
      await tx.lock(REFERENCES_LOCK);
      // checked before the lock; a role deleted since is refused, not silently dropped
      await validateRoles(tx, patch.roles);
    }
    // read under the lock: another save may just have blocked the other administrator
    const before = await tx.users.findById(uid);
    if (!before) throw new ValidationError('uid', `no user ${uid} exists`);
    await keepAnAdministrator(tx, before, patch);
    const now = Math.floor(ctx.clock.now() / 1000);
    const after = await tx.users.update(uid, { ...patch, changed: now });
    const credentialsChanged = before.status !== after.status || before.passHash !== after.passHash || !sameList(before.roles, after.roles);
    if (credentialsChanged) {
      await revokeUserTokens(tx, ctx.clock, uid);
      await tx.sessions.deleteByUser(uid);
    }
    return { after, revoked: credentialsChanged };
  });
  if (revoked) await ctx.views.revocations();
  return after;
}

async function existingUser(store: Store, uid: number): Promise<User> {
  const user = uid === ANONYMOUS_UID ? null : await store.users.findById(uid);
  if (!user) throw new NotFoundError(`no user ${uid} exists`);
  return user;
}

/** Changes some fields of user `uid`; fields left out stay as they are. Nothing changed: nothing written or audited. */
export async function updateUser(ctx: AdminContext, uid: number, input: Partial<UserInput>, actor: Actor, event = 'admin.user.updated'): Promise<User> {
  checkedActor(actor);
  const existing = await existingUser(ctx.store, uid);
  const patch = await patchFor(ctx.store, existing, input);
  if (Object.keys(patch).length === 0) return existing;
  const after = await saveUser(ctx, uid, patch);
  await recordChange(ctx, actor, { event, detail: namedFields(after.name, patchedFields(patch)) });
  return after;
}

/** Blocks the account: it can no longer sign in, and every token it holds is revoked. */
export function blockUser(ctx: AdminContext, uid: number, actor: Actor): Promise<User> {
  return updateUser(ctx, uid, { status: false }, actor, 'admin.user.blocked');
}

export function unblockUser(ctx: AdminContext, uid: number, actor: Actor): Promise<User> {
  return updateUser(ctx, uid, { status: true }, actor, 'admin.user.unblocked');
}

/** A new password (revoking the user's tokens); the same password again changes nothing. */
export function setUserPassword(ctx: AdminContext, uid: number, password: string, actor: Actor): Promise<User> {
  return updateUser(ctx, uid, { password }, actor);
}

/** Revokes every token the user holds, and their pending grants; the account stays as it is. */
export async function revokeUserGrants(ctx: AdminContext, uid: number, actor: Actor): Promise<void> {
  checkedActor(actor);
  const user = await existingUser(ctx.store, uid);
  await ctx.store.transaction((store) => revokeUserTokens(store, ctx.clock, uid));
  await recordChange(ctx, actor, { event: 'admin.user.tokens_revoked', detail: user.name });
  await ctx.views.revocations();
}

/**
 * Removes every second factor of the user (TOTP, recovery codes, passkeys) — a lost phone or
 * security key. Audited with the user's name only. A role requiring a factor leads them through
 * enrolment at next login. Returns how many factors, codes and passkeys went.
 */
export async function resetSecondFactors(ctx: AdminContext, uid: number, actor: Actor): Promise<number> {
  checkedActor(actor);
  const user = await existingUser(ctx.store, uid);
  const removed = await ctx.store.transaction(
    async (store) => (await store.secondFactors.deleteAll(uid)) + (await store.webauthnCredentials.deleteAllForUser(uid)),
  );
  await recordChange(ctx, actor, { event: 'admin.user.factors_reset', detail: user.name });
  return removed;
}

/**
 * Idempotent create-or-update by name (`apply`): a password that already verifies is left as is,
 * and an account without a password gets none. `prepared` is the input's password checked
 * beforehand (preparePassword), so that inside apply's transaction no password is hashed.
 */
export async function upsertUser(ctx: AdminContext, input: UserInput, actor: Actor, prepared?: PreparedPassword): Promise<Upserted> {
  checkedActor(actor);
  validateIdentity(input);
  const existing = await ctx.store.users.findByName(input.name);
  if (!existing) {
    if (prepared && prepared.hash === null) throw new StalePasswordError();
    const passHash = prepared ? prepared.hash : input.password === undefined ? null : await hashPassword(validatePassword(input.password));
    const user = await insertUser(ctx, input, passHash);
    await recordChange(ctx, actor, { event: 'admin.user.created', detail: user.name });
    return { outcome: 'created', changed: [] };
  }
  const patch = await patchFor(ctx.store, existing, { ...input, name: undefined }, prepared);
  if (Object.keys(patch).length === 0) return UNCHANGED;
  const changed = patchedFields(patch);
  await saveUser(ctx, existing.uid, patch);
  await recordChange(ctx, actor, { event: 'admin.user.updated', detail: namedFields(existing.name, changed) });
  return { outcome: 'updated', changed };
}
