// Named locks administrative changes take inside their transaction (Store.lock), so a check and
// the write it allows are one step even when two administrators act at the same moment. A change
// that takes both takes ADMINISTRATORS first.

/** Taken by every save that could take administration away from someone (users.ts). */
export const ADMINISTRATORS_LOCK = 'administrators';

/**
 * Taken by every change that names a role or a scope (a user's roles, a client's scopes, a scope's
 * role or parent) and by deleting one: a deletion then never leaves a name pointing at nothing.
 */
export const REFERENCES_LOCK = 'catalog-references';
