// Roles bundle permissions. `administrator` holds every permission; `authenticated` is held
// implicitly by every active user, as in Drupal.
export interface Role {
  id: string;
  label: string;
  permissions: string[];
  /** true for roles that hold every permission, present and future */
  isAdmin: boolean;
  /** its holders must pass a second factor at login, and enrol one at their next login if they have none */
  mfaRequired?: boolean;
}

export const ADMINISTRATOR_ROLE = 'administrator';
export const AUTHENTICATED_ROLE = 'authenticated';

const ROLE_ID = /^[a-z][a-z0-9_]{0,63}$/;

export function isValidRoleId(value: unknown): value is string {
  return typeof value === 'string' && ROLE_ID.test(value);
}
