// First start: an empty store gets its administrator (uid 1, role administrator), whose
// generated password is shown once.
import { ADMINISTRATOR_ROLE } from '../domain/role.js';
import type { AdminContext } from './admin-context.js';
import { createUser, generatePassword } from './users.js';

export async function bootstrapAdministrator(ctx: AdminContext): Promise<{ name: string; password: string } | null> {
  if ((await ctx.store.users.count()) > 0) return null;
  const password = generatePassword();
  const user = await createUser(ctx, { name: 'admin', mail: null, password, roles: [ADMINISTRATOR_ROLE] });
  return { name: user.name, password };
}
