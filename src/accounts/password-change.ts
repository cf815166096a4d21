// Changing one's own password on the account page (issue 13 part 5), after the current password
// was checked by the caller through the flood-controlled password check every login uses. The
// new one follows the rule of registration and reset; setting it ends every session of the user,
// revokes their refresh tokens and grants (as a reset does), voids their reset links (the hash
// covers the password) and forgets their unused mailed links.
import { nowSeconds } from '../clock.js';
import { hashPassword } from '../crypto/passwords.js';
import { passwordProblem } from '../domain/password-rule.js';
import type { User } from '../domain/user.js';
import { revokeUserTokens } from '../oauth/revocation.js';
import type { AccountDeps } from './account-deps.js';

export type PasswordChangeOutcome = { kind: 'password_problem'; message: string } | { kind: 'gone' } | { kind: 'done'; user: User };

export async function changePassword(deps: AccountDeps, user: User, password: unknown, ip: string): Promise<PasswordChangeOutcome> {
  const problem = typeof password === 'string' ? passwordProblem(password, user) : 'Choose a password.';
  if (problem) return { kind: 'password_problem', message: problem };
  // argon2 before the transaction: it must not hold the lock for tens of milliseconds
  const passHash = await hashPassword(password as string);
  const result = await deps.store.transaction(async (tx): Promise<PasswordChangeOutcome> => {
    await tx.lock(`user:${user.uid}`);
    const now = nowSeconds(deps.clock);
    const current = await tx.users.findById(user.uid);
    // blocked or deleted meanwhile: nothing to change
    if (!current?.status) return { kind: 'gone' };
    const updated = await tx.users.update(user.uid, { passHash, changed: now });
    await revokeUserTokens(tx, deps.clock, user.uid);
    await tx.sessions.deleteByUser(user.uid);
    await tx.userTokens.deleteUnused(user.uid);
    return { kind: 'done', user: updated };
  });
  if (result.kind === 'done') {
    await deps.refreshRevocations();
    deps.audit({ event: 'user.password_change', outcome: 'success', userId: user.uid, clientId: null, ip, endpoint: '/user/edit', detail: null });
  }
  return result;
}
