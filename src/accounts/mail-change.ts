// Changing one's own e-mail address (issue 13 part 5): the new address replaces the old one only
// once the link mailed to it is used — one use, within a day — so nobody can move an account to
// an address they cannot read. The old address is told. A link is a random token of which only a
// keyed digest is stored (user_tokens, purpose change_mail, holding the new address). An address
// another account has is refused with Drupal's message, when asked and again when confirmed.
import { nowSeconds } from '../clock.js';
import { isValidMail, type User } from '../domain/user.js';
import type { AccountDeps } from './account-deps.js';
import { mailChangedNoticeMail, mailChangeMail } from './account-mails.js';
import { VERIFY_LINK_TTL } from './one-time-links.js';
import type { LinkProblem } from './mail-verification.js';

/** Mail change requests per account per 6 h (each sends two mails). */
export const MAIL_CHANGE_LIMIT = { limit: 5, window: 21_600 };

export type MailChangeRequestOutcome =
  | { kind: 'mail_unavailable' }
  | { kind: 'invalid'; reason: MailChangeProblem; message: string }
  | { kind: 'too_many'; retryAfter: number }
  | { kind: 'sent'; mail: string };

export type MailChangeView = { kind: 'valid'; user: User; mail: string } | { kind: LinkProblem };

export type MailChangeOutcome = { kind: LinkProblem } | { kind: 'taken'; mail: string } | { kind: 'done'; user: User };

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Why an address asked for cannot be the new one. */
export type MailChangeProblem = 'required' | 'invalid' | 'same' | 'taken';

/** Drupal's English wording of each problem; the pages show the catalog's `account.mail.error.*`. */
export const MAIL_CHANGE_MESSAGES = {
  required: 'Enter the new e-mail address.',
  invalid: (mail: string) => `The email address ${mail} is not valid.`,
  same: 'This is already your e-mail address.',
  taken: (mail: string) => `The email address ${mail} is already taken.`,
} as const;

/** The address as given, or why it cannot be one (registration's rule, and Drupal's messages). */
function checkMail(mail: unknown, user: User): MailChangeRequestOutcome | null {
  if (typeof mail !== 'string' || mail === '') return { kind: 'invalid', reason: 'required', message: MAIL_CHANGE_MESSAGES.required };
  if (!isValidMail(mail) || !/^[^@]+@[^@.]+(\.[^@.]+)*$/.test(mail) || mail.length > 254)
    return { kind: 'invalid', reason: 'invalid', message: MAIL_CHANGE_MESSAGES.invalid(mail) };
  if (user.mail !== null && user.mail.toLowerCase() === mail.toLowerCase()) return { kind: 'invalid', reason: 'same', message: MAIL_CHANGE_MESSAGES.same };
  return null;
}

export async function requestMailChange(deps: AccountDeps, user: User, mail: unknown, ip: string): Promise<MailChangeRequestOutcome> {
  if (!deps.mail.available) return { kind: 'mail_unavailable' };
  const problem = checkMail(mail, user);
  if (problem) return problem;
  const address = mail as string;
  const taken = await deps.store.users.findByMail(address);
  if (taken && taken.uid !== user.uid) return { kind: 'invalid', reason: 'taken', message: MAIL_CHANGE_MESSAGES.taken(address) };
  const now = nowSeconds(deps.clock);
  const limited = await deps.flood.reserve([{ event: 'mail_change.user', identifier: `uid:${user.uid}`, ...MAIL_CHANGE_LIMIT }], now);
  if ('retryAfter' in limited) return { kind: 'too_many', retryAfter: limited.retryAfter };
  const { token, digest } = deps.links.newToken();
  await deps.store.transaction(async (tx) => {
    // a new link replaces the old ones
    await tx.userTokens.deleteUnused(user.uid);
    await tx.userTokens.insert({
      digest,
      purpose: 'change_mail',
      userId: user.uid,
      mail: address,
      createdAt: now,
      expiresAt: now + VERIFY_LINK_TTL,
      usedAt: null,
    });
    const words = { messages: deps.messages, language: user.preferredLangcode, name: user.name, site: deps.siteName };
    await deps.mail.queue(mailChangeMail({ ...words, to: address, url: deps.links.mailChangeUrl(token) }), tx.mailOutbox);
    if (user.mail) await deps.mail.queue(mailChangedNoticeMail({ ...words, to: user.mail, newMail: address }), tx.mailOutbox);
  });
  deps.audit({ event: 'user.mail_change_request', outcome: 'success', userId: user.uid, clientId: null, ip, endpoint: '/user/edit', detail: null });
  return { kind: 'sent', mail: address };
}

function problemOf(row: { usedAt: number | null; expiresAt: number; purpose: string } | null, now: number): LinkProblem | null {
  if (row?.purpose !== 'change_mail') return 'invalid';
  if (row.usedAt !== null) return 'used';
  if (row.expiresAt <= now) return 'expired';
  return null;
}

export async function inspectMailChange(deps: AccountDeps, token: string): Promise<MailChangeView> {
  if (!TOKEN.test(token)) return { kind: 'invalid' };
  const row = await deps.store.userTokens.get(deps.links.tokenDigest(token));
  const problem = problemOf(row, nowSeconds(deps.clock));
  if (problem) return { kind: problem };
  const user = await deps.store.users.findById(row!.userId);
  if (!user?.status) return { kind: 'invalid' };
  return { kind: 'valid', user, mail: row!.mail };
}

export async function completeMailChange(deps: AccountDeps, token: string, ip: string): Promise<MailChangeOutcome> {
  const view = await inspectMailChange(deps, token);
  if (view.kind !== 'valid') return view;
  const digest = deps.links.tokenDigest(token);
  const result = await deps.store.transaction(async (tx): Promise<MailChangeOutcome> => {
    // the uniqueness check holds until the commit, as registration's does
    await tx.lock('accounts:register');
    const now = nowSeconds(deps.clock);
    const taken = await tx.users.findByMail(view.mail);
    if (taken && taken.uid !== view.user.uid) return { kind: 'taken', mail: view.mail };
    // the one use: of concurrent submissions exactly one spends it
    const row = await tx.userTokens.spend(digest, now);
    if (!row) return { kind: problemOf(await tx.userTokens.get(digest), now) ?? 'used' };
    const user = await tx.users.findById(row.userId);
    if (!user?.status) return { kind: 'invalid' };
    return { kind: 'done', user: await tx.users.update(user.uid, { mail: row.mail, mailVerified: true, changed: now }) };
  });
  deps.audit({
    event: 'user.mail_change',
    outcome: result.kind === 'done' ? 'success' : 'failure',
    userId: view.user.uid,
    clientId: null,
    ip,
    endpoint: '/user/mail-change',
    detail: result.kind === 'done' ? null : result.kind,
  });
  return result;
}
