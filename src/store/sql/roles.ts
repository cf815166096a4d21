// Roles: named sets of permissions (table roles). A change is announced as the catalog's.
import type { Kysely, Selectable } from 'kysely';
import type { Role } from '../../domain/role.js';
import type { Database, RolesTable } from '../schema.js';
import type { RoleRepository } from '../repositories/roles.js';
import { bool, json, list, num, unstorable } from './columns.js';
import type { Notify } from './notify.js';

const toRole = (r: Selectable<RolesTable>): Role => ({
  id: r.id,
  label: r.label,
  permissions: list(r.permissions),
  isAdmin: num(r.is_admin) === 1,
  mfaRequired: num(r.mfa_required) === 1,
});

export class SqlRoles implements RoleRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async list(): Promise<Role[]> {
    const rows = await this.db.selectFrom('roles').selectAll().orderBy('id').execute();
    return rows.map(toRole);
  }

  async get(id: string): Promise<Role | null> {
    if (unstorable(id)) return null;
    const r = await this.db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toRole(r) : null;
  }

  async upsert(role: Role): Promise<void> {
    const values = {
      id: role.id,
      label: role.label,
      permissions: json(role.permissions),
      is_admin: bool(role.isAdmin),
      mfa_required: bool(role.mfaRequired === true),
    };
    await this.db
      .insertInto('roles')
      .values(values)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ label: values.label, permissions: values.permissions, is_admin: values.is_admin, mfa_required: values.mfa_required }),
      )
      .execute();
    await this.notify('catalog');
  }

  async delete(id: string): Promise<boolean> {
    if (unstorable(id)) return false;
    const result = await this.db.deleteFrom('roles').where('id', '=', id).executeTakeFirst();
    await this.notify('catalog');
    // the assignments went with it (ON DELETE CASCADE): cached users must be read again
    await this.notify('users');
    return Number(result.numDeletedRows) === 1;
  }

  async holders(id: string, limit: number): Promise<{ names: string[]; total: number }> {
    if (unstorable(id)) return { names: [], total: 0 };
    const held = this.db.selectFrom('users').innerJoin('user_roles', 'user_roles.uid', 'users.uid').where('user_roles.role_id', '=', id);
    const [{ n }] = await held.select((eb) => eb.fn.countAll().as('n')).execute();
    const rows = await held.select('users.name').orderBy('users.name_key').limit(limit).execute();
    return { names: rows.map((r) => r.name), total: Number(n) };
  }
}
