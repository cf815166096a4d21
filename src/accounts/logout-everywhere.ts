// "Log out everywhere" on the account page (issue 13 part 5): every login session of the user
// ends (the one asking included) and every token they hold is revoked, with the pending grants
// and approvals — what one does after a lost phone or a shared computer.
import type { User } from '../domain/user.js';
import { revokeUserTokens } from '../oauth/revocation.js';
import type { AccountDeps } from './account-deps.js';

export async function logOutEverywhere(deps: AccountDeps, user: User, ip: string): Promise<number> {
  const ended = await deps.store.transaction(async (tx) => {
    await tx.lock(`user:${user.uid}`);
    await revokeUserTokens(tx, deps.clock, user.uid);
    return tx.sessions.deleteByUser(user.uid);
  });
  await deps.refreshRevocations();
  deps.audit({
    event: 'user.logout_everywhere',
    outcome: 'success',
    userId: user.uid,
    clientId: null,
    ip,
    endpoint: '/user/edit',
    detail: `${ended} sessions`,
  });
  return ended;
}
