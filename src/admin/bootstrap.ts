// First start: an empty store gets its administrator (uid 1, role administrator), whose
// generated password is shown once.
import { ADMINISTRATOR_ROLE } from '../domain/role.js';
import { isWriteConflict } from '../store/write-conflict.js';
import { OPERATOR } from './actor.js';
import type { AdminContext } from './admin-context.js';
import { createUser } from './users.js';
import { ValidationError } from './validation-error.js';

export async function bootstrapAdministrator(ctx: AdminContext): Promise<{ name: string; password: string } | null> {
  if ((await ctx.store.users.count()) > 0) return null;
  try {
    const { user, password } = await createUser(ctx, { name: 'admin', mail: null, roles: [ADMINISTRATOR_ROLE] }, OPERATOR);
    return password === null ? null : { name: user.name, password };
  } catch (error) {
    // two instances started on one empty database: the other made the administrator
    if (isWriteConflict(error) || (error instanceof ValidationError && error.field === 'name')) return null;
    throw error;
  }
}
