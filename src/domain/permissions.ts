// Permissions are plain strings, as in Drupal. These are the ones Gatehouse itself checks;
// operators may define any others on roles and scopes for their own resource servers.
export const PERMISSIONS = {
  administerUsers: 'administer users',
  accessUserProfiles: 'access user profiles',
  viewUserEmailAddresses: 'view user email addresses',
  administerClients: 'administer clients',
  administerScopes: 'administer scopes',
  administerKeys: 'administer keys',
  viewAuditLog: 'view audit log',
  administerGateRoutes: 'administer gate routes',
} as const;

export const BUILT_IN_PERMISSIONS: readonly string[] = Object.values(PERMISSIONS);

/** Drupal permission names are free text; we only refuse what cannot be a sane name. */
export function isValidPermissionName(value: unknown): value is string {
  return typeof value === 'string' && value.trim() === value && value.length > 0 && value.length <= 128 && !/[\x00-\x1f\x7f]/.test(value);
}
