// Everything one Gatehouse instance runs on, built once from config and store and handed to the
// route plugins: no module-level state, so tests can build as many instances as they like.
import type { FastifyBaseLogger } from 'fastify';
import type { AdminContext } from './admin/admin-context.js';
import { AuditLog } from './audit-log.js';
import { Maintenance } from './maintenance.js';
import { Metrics } from './metrics.js';
import type { Clock } from './clock.js';
import { nowSeconds } from './clock.js';
import type { Config } from './config.js';
import { ClientSecrets } from './crypto/client-secret.js';
import { KeyRing } from './crypto/keys.js';
import { TokenSealer } from './crypto/token-sealing.js';
import { AccessCatalogCache } from './oauth/access-catalog.js';
import { FloodControl } from './oauth/flood-control.js';
import { RedisFloodCounts } from './limits/flood-counters.js';
import { openSharedCounters, type SharedCounters } from './limits/shared-counters.js';
import { TokenService } from './oauth/token-service.js';
import { UserAuthenticator } from './oauth/user-authenticator.js';
import { UserCodeFlood } from './oauth/user-code-flood.js';
import { UserCodes } from './oauth/user-codes.js';
import { ClientRegistry } from './oauth/registration/client-registry.js';
import { DevicePolls } from './oauth/device-polls.js';
import { BearerGuard } from './resource/bearer-guard.js';
import { RevocationView } from './resource/revocation-view.js';
import { ensureSigningKeys } from './oauth/signing-keys.js';
import { Gate } from './gate/gate.js';
import { CachingStore } from './store/caching-store.js';
import type { ChangeTopic } from './store/change-feed.js';
import type { Store } from './store/store.js';
import { IdTokens } from './oidc/id-token.js';
import { Csrf } from './web/csrf.js';
import { protocolPages } from './web/protocol-pages.js';
import { WebSessions } from './web/sessions.js';
import { ShownOnce } from './web/shown-once.js';
import { ShownOnceSealer } from './crypto/shown-once-sealing.js';
import { Theme } from './web/theme.js';
import { PendingLogins } from './web/pending-logins.js';
import { RecoveryCodeReveal } from './web/recovery-code-reveal.js';
import { type WebCookies, webCookies } from './web/web-cookies.js';
import { outboxMailer, type Mailer } from './mail/mailer.js';
import { OutboxSender } from './mail/outbox-sender.js';
import { smtpTransport } from './mail/smtp-transport.js';
import type { FloodRepository } from './store/store.js';
import type { AccountDeps } from './accounts/account-deps.js';
import { OneTimeLinks } from './accounts/one-time-links.js';
import type { PasskeyDeps } from './accounts/passkeys/passkey-deps.js';
import { relyingPartyOf } from './accounts/passkeys/relying-party.js';
import { SecondFactors } from './accounts/second-factors/second-factors.js';
import { RecoveryCodeDigests } from './accounts/second-factors/recovery-codes.js';

export interface Services {
  config: Config;
  store: Store;
  clock: Clock;
  keys: KeyRing;
  catalog: AccessCatalogCache;
  revocations: RevocationView;
  tokens: TokenService;
  guard: BearerGuard;
  secrets: ClientSecrets;
  /** seals refresh-token successors kept through a client's reuse interval */
  sealer: TokenSealer;
  users: UserAuthenticator;
  audit: AuditLog;
  idTokens: IdTokens;
  /** what the protocol layer needs of the web layer: sessions, CSRF, the pages it shows */
  web: {
    sessions: WebSessions;
    csrf: Csrf;
    pages: typeof protocolPages;
    shownOnce: ShownOnce;
    cookies: WebCookies;
    theme: Theme;
    /** logins waiting for their second factor */
    pending: PendingLogins;
    /** recovery codes on their way to the page that shows them once */
    reveal: RecoveryCodeReveal;
  };
  maintenance: Maintenance;
  metrics: Metrics;
  /** Redis, when REDIS_URL names one: flood counts and rate limits shared by every instance */
  shared: SharedCounters | null;
  /** RFC 8628 user codes: made and digested with a key of their own */
  userCodes: UserCodes;
  /** flood control on user codes typed at /device, on the password counters */
  userCodeFlood: UserCodeFlood;
  /** when each device code was last polled here (RFC 8628 slow_down) */
  devicePolls: DevicePolls;
  /** clients registered at /oauth/register (RFC 7591/7592) */
  registry: ClientRegistry;
  /** what administrative operations (src/admin) run on here: this audit log, these views refreshed at once */
  admin: AdminContext;
  /** the gate in front of other APIs (issue 12): routes in force, decision, identity headers */
  gate: Gate;
  /** outgoing mail through the durable outbox; `available` is false without GATEHOUSE_SMTP_URL */
  mail: Mailer;
  /** the loop sending the outbox (null without SMTP) */
  outbox: OutboxSender | null;
  /** password checks' flood control (login pages, JSON login) */
  flood: FloodControl;
  /** where flood counts are kept (the database, or Redis): other limits (password reset requests) count there too */
  floodCounts: FloodRepository;
  /** what registration, mail verification and password reset run on */
  accounts: AccountDeps;
  /** what the passkey ceremonies run on: the relying party (the issuer's host) and the database */
  passkeys: PasskeyDeps;
  /** users' second factors (TOTP, passkeys, recovery codes): who must pass one, checks, enrolment */
  secondFactors: SecondFactors;
  /** reloads keys, roles and scopes from the store (after a change made here or elsewhere) */
  reload(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const RELOAD_MS = 5_000;

/**
 * `database`: the store as opened. The services read users and clients through a cache of it,
 * which follows its change notifications; what must see another process's write at once — the
 * password check, the revocation view's blocked users — reads the database itself.
 */
export function createServices(config: Config, database: Store, clock: Clock, log: FastifyBaseLogger): Services {
  // templates and messages parse here, at start: a broken theme stops the start (ConfigError)
  const theme = Theme.load({ themeDir: config.themeDir, brand: config.brand });
  const store = new CachingStore(database);
  const keys = new KeyRing();
  const catalog = new AccessCatalogCache(store);
  const revocations = new RevocationView(database, clock, log);
  const metrics = new Metrics();
  const audit = new AuditLog(store, clock, log, 200, (event) => metrics.observe(event));
  let lastKeyRefresh = 0;
  const refreshKeys = async (): Promise<boolean> => {
    // an unknown kid can be sent by anyone: at most one reload a second
    if (performance.now() - lastKeyRefresh < 1000) return false;
    lastKeyRefresh = performance.now();
    await reloadKeys();
    return true;
  };
  const guard = new BearerGuard({ keys, refreshKeys, revocations, clock, issuer: config.issuer, audience: config.audience });
  const shared = config.redisUrl ? openSharedCounters(config.redisUrl, config.redisPrefix, log) : null;
  const floodCounts: FloodRepository = shared ? new RedisFloodCounts(shared) : store.flood;
  const flood = new FloodControl(floodCounts, clock, config.flood);
  const outbox = config.mail ? new OutboxSender(database.mailOutbox, smtpTransport(config.mail), config.mail, clock, log) : null;
  // behind https (the issuer says so), cookies never travel in clear and carry `__Host-`
  const cookies = webCookies(config.issuer.startsWith('https:'));
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => Promise<void>) | null = null;
  /** behind change notifications (PostgreSQL NOTIFY, SQLite change versions) the revocation feed is still polled, as a safety net, this often */
  const NOTIFIED_POLL_MS = 10_000;

  /** What another instance's change calls for here. */
  const follow: Partial<Record<ChangeTopic, () => Promise<void>>> = {
    revocations: () => revocations.refresh(),
    keys: () => reloadKeys(),
    catalog: () => catalog.reload(),
  };

  async function reloadKeys(): Promise<void> {
    keys.load(await store.keys.list(), config.secret, nowSeconds(clock));
    guard.forgetUnknownKeys();
  }

  const secrets = new ClientSecrets(config.secret);
  const users = new UserAuthenticator({
    // a credential check reads past the cache: a block made by another process counts at once
    accounts: database.users,
    users: store.users,
    flood,
    clock,
    queueLimit: config.passwordQueue,
    observer: metrics,
  });
  const gate = new Gate({
    store,
    database,
    catalog: () => catalog,
    bearer: guard,
    flood,
    passwords: users,
    clock,
    secret: config.secret,
    metrics,
    keys,
    issuer: config.issuer,
    audit,
    log,
    trustProxy: config.trustProxy,
    loadRoutes: () => store.gateRoutes.list(),
  });
  // a route change made here or (through the change feed) by another process: in force at once
  const stopFollowingRoutes = store.onChange((change) => {
    if (change.topic !== 'routes') return;
    gate.routes.reload().catch((error: unknown) => log.warn({ err: error }, 'reloading gate routes failed; keeping the previous ones'));
  });
  // a credential check reads past the cache: a block made by another process counts at once
  const passkeys: PasskeyDeps = { store: database, clock, rp: relyingPartyOf(config.issuer) };
  const services: Services = {
    config,
    store,
    clock,
    keys,
    catalog,
    revocations,
    audit,
    guard,
    tokens: new TokenService({ keys, clock, issuer: config.issuer, audience: config.audience, catalog }),
    secrets,
    sealer: new TokenSealer(config.secret),
    users,
    metrics,
    gate,
    mail: outboxMailer({ outbox: database.mailOutbox, clock, available: outbox !== null, wake: () => outbox?.wake() }),
    outbox,
    flood,
    floodCounts,
    accounts: {
      store,
      clock,
      get mail() {
        return services.mail;
      },
      links: new OneTimeLinks(config.secret, config.issuer),
      flood: floodCounts,
      signup: config.signup,
      signupVerifyEmail: config.signupVerifyEmail,
      siteName: new URL(config.issuer).host,
      messages: theme.catalog,
      audit: (entry) => audit.record(entry),
      refreshRevocations: () => revocations.refresh(),
    },
    passkeys,
    secondFactors: new SecondFactors({
      store,
      passkeys,
      clock,
      seeds: new TokenSealer(config.secret, 'totp-seed'),
      recoveryDigests: new RecoveryCodeDigests(config.secret),
      catalog: () => catalog,
      flood,
      passwords: users,
      siteName: new URL(config.issuer).host,
      audit: (entry) => audit.record(entry),
    }),
    idTokens: new IdTokens({ keys, clock, issuer: config.issuer, ttl: config.idTokenTtl, catalog }),
    maintenance: new Maintenance(store, clock, config, log, async () => reloadKeys()),
    shared,
    userCodes: new UserCodes(config.secret),
    userCodeFlood: new UserCodeFlood(floodCounts, clock, config.flood),
    devicePolls: new DevicePolls(),
    registry: new ClientRegistry({ store, secrets, clock, audit, revocations }),
    web: {
      sessions: new WebSessions(store, clock, cookies, config.sessionTtl),
      csrf: new Csrf(config.secret, cookies),
      pages: protocolPages,
      shownOnce: new ShownOnce(store, clock, cookies, new ShownOnceSealer(config.secret)),
      cookies,
      theme,
      pending: new PendingLogins(store, clock, cookies),
      reveal: new RecoveryCodeReveal(config.secret, cookies),
    },
    admin: {
      store,
      clock,
      secrets,
      keySecret: config.secret,
      audit: { record: async (_store, entry) => audit.record(entry) },
      views: { revocations: () => revocations.refresh(), catalog: () => catalog.reload(), keys: () => services.reload() },
    },
    async reload() {
      await Promise.all([reloadKeys(), catalog.reload(), gate.routes.reload()]);
    },
    async start() {
      await ensureSigningKeys(store, config.secret, clock);
      await services.reload();
      await revocations.start(config.revocationPollMs);
      if (store.changes) {
        unsubscribe = await store.changes.subscribe(
          ({ topic }) => {
            log.debug({ topic }, 'change notification');
            // users and clients: the cache hears of them from the store itself
            const work = follow[topic]?.();
            work?.catch((error: unknown) => log.warn({ err: error, topic }, 'applying a change notification failed'));
          },
          (listening) => {
            revocations.setPollInterval(listening ? Math.max(config.revocationPollMs, NOTIFIED_POLL_MS) : config.revocationPollMs);
            if (!listening) log.warn('change notifications lost; polling the revocation feed until they are back');
          },
        );
      }
      await services.maintenance.run();
      services.maintenance.start();
      outbox?.start();
      timer = setInterval(() => {
        services.reload().catch((error: unknown) => log.warn({ err: error }, 'reloading keys and scopes failed; keeping the previous ones'));
      }, RELOAD_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      stopFollowingRoutes();
      revocations.stop();
      services.maintenance.stop();
      await outbox?.stop();
      if (unsubscribe) await unsubscribe();
      await audit.flush();
      await shared?.close();
      store.detach();
    },
  };
  return services;
}
