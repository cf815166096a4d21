// Roles: named sets of permissions a user holds.
import type { Role } from '../../domain/role.js';

export interface RoleRepository {
  list(): Promise<Role[]>;
  get(id: string): Promise<Role | null>;
  upsert(role: Role): Promise<void>;
}
