// The rule a password chosen by its user (registration, reset) must meet, stated on every form
// that asks for one: long enough, not the account's own name or address, and none of the patterns
// breached-password lists are full of (a common word with digits, a keyboard run, one character
// repeated). Administrators setting passwords keep their own, shorter check (admin/user-input.ts).

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_BYTES = 1024;

export const PASSWORD_RULE = `At least ${PASSWORD_MIN_LENGTH} characters, not your username or e-mail address, and not a common pattern such as "password123", "qwertyuiop" or one character repeated.`;

const COMMON = [
  'password',
  'passwort',
  'qwerty',
  'qwertz',
  'azerty',
  'letmein',
  'welcome',
  'iloveyou',
  'admin',
  'login',
  'abc',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'sunshine',
  'princess',
  'master',
  'secret',
  'changeme',
  'trustno',
];
const RUNS = [
  '01234567890',
  '09876543210',
  'abcdefghijklmnopqrstuvwxyz',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
];

/** What is wrong with `password` for this account, or null when it meets the rule. */
export function passwordProblem(password: string, account: { name?: string | null; mail?: string | null }): string | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`;
  if (Buffer.byteLength(password) > PASSWORD_MAX_BYTES) return `The password must be at most ${PASSWORD_MAX_BYTES} bytes long.`;
  const lower = password.toLowerCase();
  const name = account.name?.toLowerCase();
  const mail = account.mail?.toLowerCase();
  if ((name && name.length >= 3 && lower.includes(name)) || (mail && (lower.includes(mail) || lower.includes(mail.split('@')[0]))))
    return 'The password must not contain your username or e-mail address.';
  if (new Set(lower).size <= 2) return 'The password must not be one or two characters repeated.';
  // a word or run with digits or symbols tacked on is as weak as the word itself
  const base = lower.replace(/[\d\W_]+$/, '').replace(/^[\d\W_]+/, '');
  if (COMMON.some((word) => base === word || (base.startsWith(word) && base.length - word.length <= 3)))
    return 'The password is too common: avoid a common word with digits or symbols added.';
  if (RUNS.some((run) => run.includes(lower) || (base.length >= 4 && run.includes(base))))
    return 'The password is too common: avoid keyboard and alphabet runs.';
  return null;
}
