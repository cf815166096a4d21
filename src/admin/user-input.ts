// What an operator may write into a user account, checked field by field; passwords checked and
// hashed before any transaction opens (argon2 takes tens of milliseconds).
import { hashPassword, verifyPassword } from '../crypto/passwords.js';
import { randomToken } from '../crypto/secrets.js';
import { AUTHENTICATED_ROLE } from '../domain/role.js';
import { isValidMail, isValidUserName, type User } from '../domain/user.js';
import { sameFields, userFieldsProblem, type UserFields } from '../domain/user-fields.js';
import type { Store, UserPatch } from '../store/store.js';
import { sameList } from './same-list.js';
import { checkText, ValidationError } from './validation-error.js';

export interface UserInput {
  name: string;
  mail?: string | null;
  password?: string;
  roles?: string[];
  status?: boolean;
  timezone?: string | null;
  langcode?: string;
  /** free-form fields, replacing the current ones as a whole (as `roles` does) */
  fields?: UserFields;
}

const MIN_PASSWORD_LENGTH = 8;

export function validatePassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH)
    throw new ValidationError('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (Buffer.byteLength(password) > 1024) throw new ValidationError('password', 'must be at most 1024 bytes');
  return password;
}

/** The role ids, each existing (`authenticated`, implied for everyone, dropped), sorted and unique. */
export async function validateRoles(store: Store, roles: unknown): Promise<string[]> {
  if (roles === undefined) return [];
  if (!Array.isArray(roles)) throw new ValidationError('roles', 'must be a list of role ids');
  const out = new Set<string>();
  for (const id of roles) {
    if (id === AUTHENTICATED_ROLE) continue;
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

export function validateIdentity(input: UserInput): void {
  checkName(input.name);
  if (input.mail !== undefined && input.mail !== null) checkMail(input.mail);
  if (input.status !== undefined && typeof input.status !== 'boolean') throw new ValidationError('status', 'must be true (active) or false (blocked)');
  checkText('timezone', input.timezone, 64);
  if (input.fields !== undefined) checkFields(input.fields);
}

function checkFields(fields: unknown): void {
  const problem = userFieldsProblem(fields);
  if (problem) throw new ValidationError('fields', problem);
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

/**
 * Checks `password` against the stored hash (when there is one) and hashes it unless it verifies.
 * `hashWith` replaces the hashing (apply --dry-run: it only needs to know that the password changes).
 */
export async function preparePassword(
  password: unknown,
  storedHash: string | null,
  hashWith: (password: string) => Promise<string> = hashPassword,
): Promise<PreparedPassword> {
  const checked = validatePassword(password);
  // with nothing stored there is nothing to verify: hash at once (one argon2 run, not two)
  if (storedHash !== null && (await verifyPassword(checked, storedHash)).ok) return { verifies: storedHash, hash: null };
  return { verifies: null, hash: await hashWith(checked) };
}

/** The changes `input` makes to `existing`, validated; fields it leaves out stay as they are. */
export async function patchFor(store: Store, existing: User, input: Partial<UserInput>, prepared?: PreparedPassword): Promise<UserPatch> {
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
  if (input.fields !== undefined) {
    checkFields(input.fields);
    if (!sameFields(input.fields, existing.fields)) patch.fields = input.fields;
  }
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

/** The fields a patch changes, as the audit log and `apply --dry-run` name them (`passHash` as `password`). */
export function patchedFields(patch: UserPatch): string[] {
  return Object.keys(patch)
    .filter((k) => k !== 'changed')
    .map((k) => (k === 'passHash' ? 'password' : k));
}
