// An administrator for admin API and console tests: user `root` (administrator role), one scope
// per admin permission, and the confidential client `admin-tool` that may ask for them.
import assert from 'node:assert/strict';
import type { ApplyDocument } from '../../src/admin/apply.js';
import { form, PASSWORD, SECRET, WORLD, type Running } from './gatehouse.js';

export const ADMIN_SCOPES = {
  'admin:clients': 'administer clients',
  'admin:users': 'administer users',
  'admin:scopes': 'administer scopes',
  'admin:keys': 'administer keys',
  'admin:audit': 'view audit log',
} as const;

export const ADMIN_WORLD: ApplyDocument = {
  ...WORLD,
  scopes: [
    ...(WORLD.scopes ?? []),
    ...Object.entries(ADMIN_SCOPES).map(([name, permission]) => ({
      name,
      description: permission,
      granularity: 'permission' as const,
      permission,
      grantTypes: ['password', 'refresh_token', 'authorization_code', 'client_credentials'],
    })),
  ],
  users: [...(WORLD.users ?? []), { name: 'root', mail: 'root@example.com', password: PASSWORD, roles: ['administrator'] }],
  clients: [...(WORLD.clients ?? []), { clientId: 'admin-tool', secret: SECRET, grantTypes: ['password', 'refresh_token'], scopes: Object.keys(ADMIN_SCOPES) }],
};

/** A token for `user` through admin-tool carrying `scopes` (default: every admin scope). */
export async function adminToken(gh: Running, scopes: string[] = Object.keys(ADMIN_SCOPES), user = 'root'): Promise<string> {
  const res = await form(`${gh.url}/oauth/token`, {
    grant_type: 'password',
    client_id: 'admin-tool',
    client_secret: SECRET,
    username: user,
    password: PASSWORD,
    scope: scopes.join(' '),
  });
  assert.equal(res.status, 200, res.text);
  return res.body.access_token;
}
