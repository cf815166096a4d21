// Registration as Drupal configures it (GATEHOUSE_SIGNUP, GATEHOUSE_SIGNUP_VERIFY_EMAIL): who may
// register, whether the account opens at once, after its mailed link, or after an administrator
// approves it; Drupal's messages for a taken name or address. With verification on no password
// is taken here (Drupal's rule): it is chosen on the verification page.
import { nowSeconds } from '../clock.js';
import { hashPassword } from '../crypto/passwords.js';
import { passwordProblem } from '../domain/password-rule.js';
import { isValidMail, USER_NAME_MAX_LENGTH, type User } from '../domain/user.js';
import type { AccountDeps } from './account-deps.js';
import { verificationMail } from './account-mails.js';
import { VERIFY_LINK_TTL } from './one-time-links.js';

export interface RegistrationInput {
  name: unknown;
  mail: unknown;
  /** undefined: none given */
  pass: unknown;
  /** the language the visitor's browser asked for (a language the pages speak); stored as the account's, its mails use it; default en */
  language?: string;
}

export type FieldError = { field: 'name' | 'mail' | 'pass'; message: string };

/** active: can log in now; verify: a link was mailed; approval: waits for an administrator (after its link, when verifying) */
export type RegisteredState = 'active' | 'verify' | 'approval';

export type RegistrationOutcome =
  | { kind: 'closed' }
  | { kind: 'mail_unavailable' }
  | { kind: 'password_not_allowed' }
  | { kind: 'password_required' }
  | { kind: 'too_many'; retryAfter: number }
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'created'; user: User; state: RegisteredState };

/** Registrations per client IP per hour. */
const IP_LIMIT = 20;
const IP_WINDOW = 3600;

/** Refusals that do not depend on what was entered, in Drupal's order (after its anonymous check). */
export function registrationRefusal(deps: Pick<AccountDeps, 'signup' | 'signupVerifyEmail' | 'mail'>): RegistrationOutcome | null {
  if (deps.signup === 'admin_only') return { kind: 'closed' };
  if (deps.signupVerifyEmail && !deps.mail.available) return { kind: 'mail_unavailable' };
  return null;
}

function checkName(name: unknown): FieldError | null {
  if (typeof name !== 'string' || name.trim() === '') return { field: 'name', message: 'You must enter a username.' };
  if ([...name].length > USER_NAME_MAX_LENGTH)
    return { field: 'name', message: `The username ${name} is too long: it must be ${USER_NAME_MAX_LENGTH} characters or less.` };
  if (name !== name.trim()) return { field: 'name', message: 'The username cannot begin or end with a space.' };
  if (name.includes('  ')) return { field: 'name', message: 'The username cannot contain multiple spaces in a row.' };
  if (/[\x00-\x1f\x7f]/.test(name) || /[^\x80-\uFFFF\w .@+'-]/.test(name)) return { field: 'name', message: 'The username contains an illegal character.' };
  return null;
}

function checkMail(mail: unknown): FieldError | null {
  if (typeof mail !== 'string' || mail === '') return { field: 'mail', message: 'Email field is required.' };
  if (!isValidMail(mail) || !/^[^@]+@[^@.]+(\.[^@.]+)*$/.test(mail) || mail.length > 254)
    return { field: 'mail', message: `The email address ${mail} is not valid.` };
  return null;
}

export async function register(deps: AccountDeps, input: RegistrationInput, ip: string): Promise<RegistrationOutcome> {
  const refusal = registrationRefusal(deps);
  if (refusal) return refusal;
  const given = input.pass !== undefined && input.pass !== null && input.pass !== '';
  if (deps.signupVerifyEmail && given) return { kind: 'password_not_allowed' };
  if (!deps.signupVerifyEmail && !given) return { kind: 'password_required' };
  const errors = [checkName(input.name), checkMail(input.mail)].filter((e): e is FieldError => e !== null);
  const name = input.name as string;
  const mail = input.mail as string;
  const language = input.language && deps.messages.languages.includes(input.language) ? input.language : 'en';
  if (given) {
    const problem = typeof input.pass === 'string' ? passwordProblem(input.pass, { name: errors.length ? null : name, mail }) : 'The password must be text.';
    if (problem) errors.push({ field: 'pass', message: problem });
  }
  if (errors.length) return { kind: 'invalid', errors };

  const limited = await deps.flood.reserve([{ event: 'register.ip', identifier: ip, limit: IP_LIMIT, window: IP_WINDOW }], nowSeconds(deps.clock));
  if ('retryAfter' in limited) return { kind: 'too_many', retryAfter: limited.retryAfter };
  // argon2 before the transaction: it must not hold the lock for tens of milliseconds
  const passHash = given ? await hashPassword(input.pass as string) : null;
  const state: RegisteredState = deps.signup === 'visitors_approval' ? 'approval' : deps.signupVerifyEmail ? 'verify' : 'active';
  const result = await deps.store.transaction(async (tx) => {
    // one registration at a time, across instances: the uniqueness checks hold until the commit
    await tx.lock('accounts:register');
    const taken: FieldError[] = [];
    if (await tx.users.findByName(name)) taken.push({ field: 'name', message: `The username ${name} is already taken.` });
    if (await tx.users.findByMail(mail)) taken.push({ field: 'mail', message: `The email address ${mail} is already taken.` });
    if (taken.length) return { kind: 'invalid' as const, errors: taken };
    const user = await tx.users.create({
      name,
      mail,
      passHash,
      status: state === 'active',
      langcode: language,
      preferredLangcode: language,
      preferredAdminLangcode: null,
      timezone: null,
      init: mail,
      roles: [],
    });
    if (deps.signupVerifyEmail) {
      const { token, digest } = deps.links.newToken();
      const now = nowSeconds(deps.clock);
      await tx.userTokens.insert({
        digest,
        purpose: state === 'approval' ? 'verify_mail' : 'verify_mail_activate',
        userId: user.uid,
        mail,
        createdAt: now,
        expiresAt: now + VERIFY_LINK_TTL,
        usedAt: null,
      });
      const message = verificationMail({
        messages: deps.messages,
        language,
        to: mail,
        name,
        site: deps.siteName,
        url: deps.links.verifyUrl(token),
        approval: state === 'approval',
        setPassword: true,
      });
      await deps.mail.queue(message, tx.mailOutbox);
    }
    return { kind: 'created' as const, user, state };
  });
  deps.audit({
    event: 'user.register',
    outcome: result.kind === 'created' ? 'success' : 'failure',
    userId: result.kind === 'created' ? result.user.uid : null,
    clientId: null,
    ip,
    endpoint: '/user/register',
    detail: result.kind === 'created' ? state : 'taken',
  });
  return result;
}
