// First start: an empty store gets its administrator (uid 1, role administrator), whose
// generated password is shown once.
import { ADMINISTRATOR_ROLE } from '../domain/role.js';
import type { AdminContext } from './admin-context.js';
import { isWriteConflict } from '../store/write-conflict.js';
import { createUser, generatePassword } from './users.js';

export async function bootstrapAdministrator(ctx: AdminContext): Promise<{ name: string; password: string } | null> {
  if ((await ctx.store.users.count()) > 0) return null;
  const password = generatePassword();
  try {
    const user = await createUser(ctx, { name: 'admin', mail: null, password, roles: [ADMINISTRATOR_ROLE] });
    return { name: user.name, password };
  } catch (error) {
    // two instances started on one empty database: the other made the administrator
    if (isWriteConflict(error)) return null;
    throw error;
  }
}
