// What the self-service account operations (registration, mail verification, password reset)
// run on. The composition root hands it over; this folder knows no HTTP.
import type { Clock } from '../clock.js';
import type { SignupMode } from '../config.js';
import type { MessageCatalog } from '../i18n/message-catalog.js';
import type { Mailer } from '../mail/mailer.js';
import type { AuditEntry, FloodRepository, Store } from '../store/store.js';
import type { OneTimeLinks } from './one-time-links.js';

export interface AccountDeps {
  store: Store;
  clock: Clock;
  mail: Mailer;
  links: OneTimeLinks;
  /** flood counters (database or Redis) for the per-IP and per-account request limits */
  flood: FloodRepository;
  signup: SignupMode;
  signupVerifyEmail: boolean;
  /** the site's name in mails */
  siteName: string;
  /** the mails' texts, in every language the pages speak */
  messages: MessageCatalog;
  audit(entry: Omit<AuditEntry, 'at'>): void;
  /** after an account was activated, or its tokens revoked: this process's revocation view */
  refreshRevocations(): Promise<void>;
}
