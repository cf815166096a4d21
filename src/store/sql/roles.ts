// Roles: named sets of permissions (table roles). A change is announced as the catalog's.
import type { Kysely } from 'kysely';
import type { Role } from '../../domain/role.js';
import type { Database } from '../schema.js';
import type { RoleRepository } from '../repositories/roles.js';
import { bool, json, list, unstorable } from './columns.js';
import type { Notify } from './notify.js';

export class SqlRoles implements RoleRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async list(): Promise<Role[]> {
    const rows = await this.db.selectFrom('roles').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, label: r.label, permissions: list(r.permissions), isAdmin: r.is_admin === 1 }));
  }

  async get(id: string): Promise<Role | null> {
    if (unstorable(id)) return null;
    const r = await this.db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, label: r.label, permissions: list(r.permissions), isAdmin: r.is_admin === 1 } : null;
  }

  async upsert(role: Role): Promise<void> {
    const values = { id: role.id, label: role.label, permissions: json(role.permissions), is_admin: bool(role.isAdmin) };
    await this.db
      .insertInto('roles')
      .values(values)
      .onConflict((oc) => oc.column('id').doUpdateSet({ label: values.label, permissions: values.permissions, is_admin: values.is_admin }))
      .execute();
    await this.notify('catalog');
  }
}
