// Roles: named sets of permissions a user holds.
import type { Role } from '../../domain/role.js';

export interface RoleRepository {
  list(): Promise<Role[]>;
  get(id: string): Promise<Role | null>;
  upsert(role: Role): Promise<void>;
  /** removes the role (and, by the foreign key, every assignment of it); true when it existed */
  delete(id: string): Promise<boolean>;
  /** the names of up to `limit` accounts holding the role (by name), and how many hold it */
  holders(id: string, limit: number): Promise<{ names: string[]; total: number }>;
}
