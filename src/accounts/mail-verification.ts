// Using a mailed verification link: once, before it expires. It proves the address it was sent
// to (the `email_verified` claim), opens an account registered by a visitor (unless it waits for
// an administrator), and sets the first password of an account registered without one.
import { nowSeconds } from '../clock.js';
import { hashPassword } from '../crypto/passwords.js';
import { passwordProblem } from '../domain/password-rule.js';
import type { User } from '../domain/user.js';
import type { UserTokenRow } from '../store/store.js';
import type { AccountDeps } from './account-deps.js';

export type LinkProblem = 'invalid' | 'used' | 'expired';

export type VerificationView = { kind: 'valid'; user: User; needsPassword: boolean } | { kind: LinkProblem };

export type VerificationOutcome =
  | { kind: LinkProblem }
  | { kind: 'password_problem'; message: string; user: User }
  | { kind: 'done'; user: User; activated: boolean; waitsForApproval: boolean };

/** Tokens are randomToken(32): anything else names nothing, without a lookup. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function problemOf(row: UserTokenRow | null, now: number): LinkProblem | null {
  // a mail change link is used at /user/mail-change only (mail-change.ts)
  if (!row || row.purpose === 'change_mail') return 'invalid';
  if (row.usedAt !== null) return 'used';
  if (row.expiresAt <= now) return 'expired';
  return null;
}

export async function inspectVerification(deps: AccountDeps, token: string): Promise<VerificationView> {
  if (!TOKEN.test(token)) return { kind: 'invalid' };
  const row = await deps.store.userTokens.get(deps.links.tokenDigest(token));
  const problem = problemOf(row, nowSeconds(deps.clock));
  if (problem) return { kind: problem };
  const user = await deps.store.users.findById(row!.userId);
  if (!user) return { kind: 'invalid' };
  return { kind: 'valid', user, needsPassword: user.passHash === null };
}

export async function completeVerification(deps: AccountDeps, token: string, password: unknown, ip: string): Promise<VerificationOutcome> {
  const view = await inspectVerification(deps, token);
  if (view.kind !== 'valid') return view;
  let passHash: string | undefined;
  if (view.needsPassword) {
    const problem = typeof password === 'string' ? passwordProblem(password, view.user) : 'Choose a password.';
    if (problem) return { kind: 'password_problem', message: problem, user: view.user };
    passHash = await hashPassword(password as string);
  }
  const digest = deps.links.tokenDigest(token);
  const result = await deps.store.transaction(async (tx): Promise<VerificationOutcome> => {
    const now = nowSeconds(deps.clock);
    // the one use: of concurrent submissions exactly one spends it
    const row = await tx.userTokens.spend(digest, now);
    if (!row) return { kind: problemOf(await tx.userTokens.get(digest), now) ?? 'used' };
    const user = await tx.users.findById(row.userId);
    if (!user) return { kind: 'invalid' };
    const activate = row.purpose === 'verify_mail_activate';
    const updated = await tx.users.update(user.uid, {
      ...(user.mail === row.mail ? { mailVerified: true } : {}),
      ...(activate ? { status: true } : {}),
      ...(passHash && user.passHash === null ? { passHash } : {}),
      changed: now,
    });
    return { kind: 'done', user: updated, activated: activate && !user.status, waitsForApproval: !activate && !user.status };
  });
  if (result.kind === 'done') {
    if (result.activated) await deps.refreshRevocations();
    deps.audit({ event: 'user.verify_mail', outcome: 'success', userId: result.user.uid, clientId: null, ip, endpoint: '/user/verify', detail: null });
  }
  return result;
}
