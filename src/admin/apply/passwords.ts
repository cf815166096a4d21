// apply's passwords, checked and hashed before its transaction opens, so that the transaction holds
// the database's write lock only for quick reads and writes (a running SQLite instance beside it
// waits milliseconds, not seconds).
import type { AdminContext } from '../admin-context.js';
import { preparePassword, validatePassword, type PreparedPassword, type UserInput } from '../user-input.js';
import { ValidationError } from '../validation-error.js';

/** How many passwords are prepared at once; argon2 itself runs at most one per core (passwords.ts). */
const PREPARING = 8;

/**
 * Stands for a new hash in a dry run, which rolls back: it only needs to know that the password
 * changes, not to spend argon2 on it. Never a valid hash, so it could verify nothing anyway.
 */
const DRY_RUN_HASH = '!dry-run: not a hash';

/**
 * Each user's password (by index in the document) checked against the stored hash and hashed
 * unless it verifies (in a dry run: not hashed), outside any transaction. A bad password is
 * refused, the first in document order, before any hashing.
 */
export async function preparePasswords(ctx: AdminContext, users: readonly UserInput[], dryRun: boolean): Promise<Map<number, PreparedPassword>> {
  for (const [i, user] of users.entries()) {
    try {
      if (user.password !== undefined) validatePassword(user.password);
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(`users[${i}].${error.field}`, error.message.slice(error.field.length + 2));
      throw error;
    }
  }
  // a user listed twice with one password gets one hash: the second entry then finds it stored
  const byUser = new Map<string, { user: UserInput; indexes: number[] }>();
  for (const [i, user] of users.entries()) {
    if (user.password === undefined) continue;
    const key = `${String(user.name).toLowerCase()}\u0000${String(user.password)}`;
    const entry = byUser.get(key) ?? { user, indexes: [] };
    entry.indexes.push(i);
    byUser.set(key, entry);
  }
  const hashWith = dryRun ? async () => DRY_RUN_HASH : undefined;
  const prepared = new Map<number, PreparedPassword>();
  const pending = [...byUser.values()];
  const worker = async (): Promise<void> => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      const { user, indexes } = next;
      const existing = typeof user.name === 'string' ? await ctx.store.users.findByName(user.name) : null;
      const password = await preparePassword(user.password, existing?.passHash ?? null, hashWith);
      for (const i of indexes) prepared.set(i, password);
    }
  };
  await Promise.all(Array.from({ length: PREPARING }, worker));
  return prepared;
}
