// Password reset as Drupal does it: a request by name or mail always gets the same answer (no
// account enumeration) and is limited per client IP and per account; the mailed link
// /user/reset/{uid}/{timestamp}/{hash} (one-time-links.ts) sets a new password once, which ends
// the user's sessions and revokes their tokens — and, changing the hash, voids the link.
import { nowSeconds } from '../clock.js';
import { hashPassword } from '../crypto/passwords.js';
import { passwordProblem } from '../domain/password-rule.js';
import { ANONYMOUS_UID, parseUid, type User } from '../domain/user.js';
import { revokeUserTokens } from '../oauth/revocation.js';
import type { AccountDeps } from './account-deps.js';
import { resetMail } from './account-mails.js';

/** Drupal's user.flood defaults for password requests: 50 per IP per hour, 5 per account per 6 h. */
export const RESET_LIMITS = { ipLimit: 50, ipWindow: 3600, userLimit: 5, userWindow: 21_600 };

export type ResetRequestOutcome = { kind: 'accepted' } | { kind: 'mail_unavailable' } | { kind: 'too_many'; retryAfter: number };

export type ResetLinkView = { kind: 'valid'; user: User; timestamp: number } | { kind: 'invalid' } | { kind: 'expired' };

export type ResetOutcome = { kind: 'invalid' } | { kind: 'expired' } | { kind: 'password_problem'; message: string; user: User } | { kind: 'done'; user: User };

const HASH = /^[A-Za-z0-9_-]{43}$/;

/** `either`: a username, or else an address (the form's one field, as Drupal reads it). */
export async function requestReset(deps: AccountDeps, identifier: { name?: string; mail?: string; either?: string }, ip: string): Promise<ResetRequestOutcome> {
  if (!deps.mail.available) return { kind: 'mail_unavailable' };
  const now = nowSeconds(deps.clock);
  const byIp = await deps.flood.reserve([{ event: 'reset.ip', identifier: ip, limit: RESET_LIMITS.ipLimit, window: RESET_LIMITS.ipWindow }], now);
  if ('retryAfter' in byIp) return { kind: 'too_many', retryAfter: byIp.retryAfter };
  /** records what happened, and answers the one answer every path gets */
  const audit = (userId: number | null, detail: string): ResetRequestOutcome => {
    deps.audit({
      event: 'user.password_request',
      outcome: detail === 'sent' ? 'success' : 'failure',
      userId,
      clientId: null,
      ip,
      endpoint: '/user/password',
      detail,
    });
    return { kind: 'accepted' };
  };
  const found = await findAccount(deps, identifier);
  const account = found && found.uid !== ANONYMOUS_UID ? found : null;
  // every path counts one request on a per-account counter (an unknown name on one of its own),
  // so the work, like the answer, does not tell known accounts from unknown ones
  const asked = (identifier.name ?? identifier.mail ?? identifier.either ?? '').trim().toLowerCase();
  // control characters (PostgreSQL text cannot hold NUL) and length cannot reach the counter's key
  const counter = account ? `uid:${account.uid}` : `unknown:${asked.slice(0, 256).replace(/[\u0000-\u001f\u007f]/g, '\ufffd')}`;
  const byUser = await deps.flood.reserve([{ event: 'reset.user', identifier: counter, limit: RESET_LIMITS.userLimit, window: RESET_LIMITS.userWindow }], now);
  // from here on every path answers alike: whether the account exists, is blocked or was asked
  // for too often is for the audit log only
  if (!account) return audit(null, 'unknown');
  if (!account.status) return audit(account.uid, 'blocked');
  if (!account.mail) return audit(account.uid, 'no_mail');
  if ('retryAfter' in byUser) return audit(account.uid, 'too_many');
  await deps.mail.queue(
    resetMail({
      messages: deps.messages,
      language: account.preferredLangcode,
      to: account.mail,
      name: account.name,
      site: deps.siteName,
      url: deps.links.resetUrl(account, now),
    }),
  );
  return audit(account.uid, 'sent');
}

async function findAccount(deps: AccountDeps, identifier: { name?: string; mail?: string; either?: string }): Promise<User | null> {
  const { users } = deps.store;
  if (identifier.name !== undefined) return users.findByName(identifier.name.trim());
  if (identifier.mail !== undefined) return users.findByMail(identifier.mail.trim());
  const either = (identifier.either ?? '').trim();
  return (await users.findByName(either)) ?? (either.includes('@') ? users.findByMail(either) : null);
}

export async function inspectReset(deps: AccountDeps, uidSegment: string, timestampSegment: string, hash: string): Promise<ResetLinkView> {
  const uid = parseUid(uidSegment);
  const timestamp = /^[1-9][0-9]{0,11}$/.test(timestampSegment) ? Number(timestampSegment) : null;
  if (uid === null || uid === ANONYMOUS_UID || timestamp === null || !HASH.test(hash)) return { kind: 'invalid' };
  // the database itself: a login or password change made a moment ago elsewhere must count
  const user = await deps.store.users.findById(uid);
  if (!user || !user.status) return { kind: 'invalid' };
  const check = deps.links.checkReset(user, timestamp, hash, nowSeconds(deps.clock));
  return check === 'valid' ? { kind: 'valid', user, timestamp } : { kind: check };
}

export async function completeReset(
  deps: AccountDeps,
  link: { uid: string; timestamp: string; hash: string },
  password: unknown,
  ip: string,
): Promise<ResetOutcome> {
  const view = await inspectReset(deps, link.uid, link.timestamp, link.hash);
  if (view.kind !== 'valid') return view;
  const problem = typeof password === 'string' ? passwordProblem(password, view.user) : 'Choose a password.';
  if (problem) return { kind: 'password_problem', message: problem, user: view.user };
  const passHash = await hashPassword(password as string);
  const result = await deps.store.transaction(async (tx): Promise<ResetOutcome> => {
    await tx.lock(`user:${view.user.uid}`);
    const now = nowSeconds(deps.clock);
    // checked again under the lock: of two submissions of one link, the second finds it void
    const user = await tx.users.findById(view.user.uid);
    if (!user || !user.status) return { kind: 'invalid' };
    const check = deps.links.checkReset(user, view.timestamp, link.hash, now);
    if (check !== 'valid') return { kind: check };
    // the mail was sent to this address and the hash covers it: the address is proved
    const updated = await tx.users.update(user.uid, { passHash, login: now, access: now, changed: now, mailVerified: true });
    await revokeUserTokens(tx, deps.clock, user.uid);
    await tx.sessions.deleteByUser(user.uid);
    return { kind: 'done', user: updated };
  });
  if (result.kind === 'done') {
    await deps.refreshRevocations();
    deps.audit({ event: 'user.password_reset', outcome: 'success', userId: result.user.uid, clientId: null, ip, endpoint: '/user/reset', detail: null });
  }
  return result;
}
