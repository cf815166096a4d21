// Creating and saving user accounts. Saving a user whose status, password or roles changed
// revokes every token they hold (docs/compatibility.md §4).
import { hashPassword, verifyPassword } from '../crypto/passwords.js';
import { randomToken } from '../crypto/secrets.js';
import { AUTHENTICATED_ROLE } from '../domain/role.js';
import { ANONYMOUS_UID, isValidMail, isValidUserName, type User } from '../domain/user.js';
import { revokeUserTokens } from '../oauth/revocation.js';
import type { Store, UserPatch } from '../store/store.js';
import type { AdminContext } from './admin-context.js';
import { sameList } from './roles.js';
import { checkText, NotFoundError, ValidationError } from './validation-error.js';

export interface UserInput {
  name: string;
  mail?: string | null;
  password?: string;
  roles?: string[];
  status?: boolean;
  timezone?: string | null;
  langcode?: string;
}

const MIN_PASSWORD_LENGTH = 8;

export function validatePassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH)
    throw new ValidationError('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (Buffer.byteLength(password) > 1024) throw new ValidationError('password', 'must be at most 1024 bytes');
  return password;
}

async function validateRoles(store: Store, roles: unknown): Promise<string[]> {
  if (roles === undefined) return [];
  if (!Array.isArray(roles)) throw new ValidationError('roles', 'must be a list of role ids');
  const out = new Set<string>();
  for (const id of roles) {
    if (id === AUTHENTICATED_ROLE) continue; // implied for everyone
    if (typeof id !== 'string' || !(await store.roles.get(id))) throw new ValidationError('roles', `no role "${String(id)}" exists`);
    out.add(id);
  }
  return [...out].sort();
}

function checkName(name: unknown): void {
  if (!isValidUserName(name))
    throw new ValidationError('name', `"${String(name)}" is not a valid user name (1–60 characters, no control characters or surrounding spaces)`);
}

function checkMail(mail: unknown): void {
  if (!isValidMail(mail)) throw new ValidationError('mail', `"${String(mail)}" is not a valid e-mail address`);
}

function validateIdentity(input: UserInput): void {
  checkName(input.name);
  if (input.mail !== undefined && input.mail !== null) checkMail(input.mail);
  if (input.status !== undefined && typeof input.status !== 'boolean') throw new ValidationError('status', 'must be true (active) or false (blocked)');
  checkText('timezone', input.timezone, 64);
}

/** Generates a password for accounts created without one; shown once, never stored in clear. */
export function generatePassword(): string {
  return randomToken(18);
}

/**
 * A password checked and hashed before any transaction opens: argon2 takes tens of milliseconds,
 * and a transaction held open meanwhile would keep every other writer waiting (`apply` beside a
 * running SQLite instance). Exactly one of the two is set.
 */
export interface PreparedPassword {
  /** the stored hash the password was found to verify against */
  verifies: string | null;
  /** a fresh hash of the password, when it did not verify */
  hash: string | null;
}

/** The prepared password was checked against a hash that changed since; prepare again. */
export class StalePasswordError extends Error {
  constructor() {
    super('the stored password changed while the new one was being checked');
  }
}

/** Checks `password` against the stored hash (when there is one) and hashes it unless it verifies. */
export async function preparePassword(password: unknown, storedHash: string | null): Promise<PreparedPassword> {
  const checked = validatePassword(password);
  // with nothing stored there is nothing to verify: hash at once (one argon2 run, not two)
  if (storedHash !== null && (await verifyPassword(checked, storedHash)).ok) return { verifies: storedHash, hash: null };
  return { verifies: null, hash: await hashPassword(checked) };
}

export async function createUser(ctx: AdminContext, input: UserInput, store: Store = ctx.store, prepared?: PreparedPassword): Promise<User> {
  validateIdentity(input);
  if (await store.users.findByName(input.name)) throw new ValidationError('name', `a user named "${input.name}" already exists`);
  if (input.mail && (await store.users.findByMail(input.mail))) throw new ValidationError('mail', `the address ${input.mail} is already taken`);
  const roles = await validateRoles(store, input.roles);
  let passHash: string | null = null;
  if (prepared) passHash = prepared.hash;
  else if (input.password !== undefined) passHash = await hashPassword(validatePassword(input.password));
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
  });
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

/** Taken by every save that could take administration away from someone (users.ts). */
const ADMINISTRATORS_LOCK = 'administrators';

/**
 * Saves changes to a user; revokes their tokens when status, password or roles changed. The
 * last-administrator check and the write are one transaction under one lock, so two
 * administrators blocking each other at the same moment cannot both pass the check.
 */
export async function saveUser(ctx: AdminContext, uid: number, patch: UserPatch, store: Store = ctx.store): Promise<User> {
  return store.transaction(async (tx) => {
    if (patch.status === false || patch.roles !== undefined) await tx.lock(ADMINISTRATORS_LOCK);
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
    return after;
  });
}

/** The changes `input` makes to `existing`, validated; fields it leaves out stay as they are. */
async function patchFor(store: Store, existing: User, input: Partial<UserInput>, prepared?: PreparedPassword): Promise<UserPatch> {
  const patch: UserPatch = {};
  if (input.name !== undefined && input.name !== existing.name) {
    checkName(input.name);
    const holder = await store.users.findByName(input.name);
    if (holder && holder.uid !== existing.uid) throw new ValidationError('name', `a user named "${input.name}" already exists`);
    patch.name = input.name;
  }
  if (input.mail !== undefined && input.mail !== existing.mail) {
    if (input.mail !== null) checkMail(input.mail);
    const holder = input.mail ? await store.users.findByMail(input.mail) : null;
    if (holder && holder.uid !== existing.uid) throw new ValidationError('mail', `the address ${input.mail} is already taken`);
    patch.mail = input.mail;
  }
  if (input.status !== undefined) {
    if (typeof input.status !== 'boolean') throw new ValidationError('status', 'must be true (active) or false (blocked)');
    if (input.status !== existing.status) patch.status = input.status;
  }
  if (input.roles !== undefined) {
    const roles = await validateRoles(store, input.roles);
    if (!sameList(roles, existing.roles)) patch.roles = roles;
  }
  checkText('timezone', input.timezone, 64);
  if (input.timezone !== undefined && input.timezone !== existing.timezone) patch.timezone = input.timezone;
  if (prepared) {
    // stored as checked, or already the fresh hash (an earlier entry of the same document set it)
    const unchanged = existing.passHash !== null && (existing.passHash === prepared.verifies || existing.passHash === prepared.hash);
    if (!unchanged) {
      if (prepared.hash === null) throw new StalePasswordError();
      patch.passHash = prepared.hash;
    }
  } else if (input.password !== undefined && !(await verifyPassword(validatePassword(input.password), existing.passHash)).ok) {
    patch.passHash = await hashPassword(input.password);
  }
  return patch;
}

/**
 * Idempotent create-or-update by name (for `apply`): a password that already verifies is left as
 * is. `prepared` is the input's password checked beforehand (preparePassword), so that inside
 * apply's transaction no password is hashed.
 */
export async function upsertUser(
  ctx: AdminContext,
  input: UserInput,
  store: Store = ctx.store,
  prepared?: PreparedPassword,
): Promise<'created' | 'updated' | 'unchanged'> {
  validateIdentity(input);
  const existing = await store.users.findByName(input.name);
  if (!existing) {
    if (prepared && prepared.hash === null) throw new StalePasswordError();
    await createUser(ctx, input, store, prepared);
    return 'created';
  }
  const patch = await patchFor(store, existing, { ...input, name: undefined }, prepared);
  if (Object.keys(patch).length === 0) return 'unchanged';
  await saveUser(ctx, existing.uid, patch, store);
  return 'updated';
}

/** Changes some fields of user `uid` (admin API and console). */
export async function updateUser(ctx: AdminContext, uid: number, input: Partial<UserInput>, store: Store = ctx.store): Promise<User> {
  const existing = uid === ANONYMOUS_UID ? null : await store.users.findById(uid);
  if (!existing) throw new NotFoundError(`no user ${uid} exists`);
  const patch = await patchFor(store, existing, input);
  return Object.keys(patch).length === 0 ? existing : saveUser(ctx, uid, patch, store);
}
