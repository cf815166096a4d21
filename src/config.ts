// Configuration from the environment (and an optional JSON/YAML file named by GATEHOUSE_CONFIG),
// validated once at start; a bad value stops the process with a one-line reason.
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { randomToken } from './crypto/secrets.js';
import { ensurePrivateDirectory, PRIVATE_FILE, reportWideMode, type Warn } from './private-files.js';

export interface FloodSettings {
  /** failed password checks allowed per (user name, client IP) within userWindow */
  userLimit: number;
  userWindow: number;
  /** failed password checks allowed per user name from all IPs together within userGlobalWindow */
  userGlobalLimit: number;
  userGlobalWindow: number;
  /** failed password checks allowed per client IP within ipWindow */
  ipLimit: number;
  ipWindow: number;
}

export interface Config {
  port: number;
  host: string;
  issuer: string;
  /** the `aud` of access tokens: the resource servers they are meant for */
  audience: string;
  databaseUrl: string;
  secret: string;
  redisUrl: string | null;
  /** prefix of every Redis key, so deployments can share one Redis */
  redisPrefix: string;
  /** requests per client IP per window on the token endpoints; null = no limit */
  rateLimit: { max: number; windowMs: number } | null;
  flood: FloodSettings;
  /** password checks that may wait for a hashing slot; beyond it a check is refused at once (503) */
  passwordQueue: number;
  /** Bearer token that opens /metrics on the public port; null: not served there */
  metricsToken: string | null;
  /** a second port serving only /metrics, without a token (bind HOST to a private interface); null: none */
  metricsPort: number | null;
  /** seconds */
  idTokenTtl: number;
  /** seconds a login session lasts */
  sessionTtl: number;
  keyRotation: { everyDays: number; publishAhead: number };
  /** seconds between cleanup runs */
  cleanupInterval: number;
  auditRetentionDays: number;
  /** PostgreSQL connections per instance */
  dbPoolSize: number;
  /** ms: longest wait for a connection and for a statement, so a dead database answers 503, not a hang */
  dbTimeoutMs: number;
  /** how often (ms) each instance reads the revocation feed */
  revocationPollMs: number;
  /** trust X-Forwarded-* from a reverse proxy (never for the issuer) */
  trustProxy: boolean;
  /** one of pino's levels, or `silent` */
  logLevel: LogLevel;
  /** `pretty`: human lines (pino-pretty), for a terminal; `json`: one JSON record per line, for log shippers */
  logFormat: LogFormat;
  /** largest accepted request body, bytes */
  bodyLimit: number;
  /** limits on every client connection, so slow or idle clients cannot hold the server's sockets */
  http: HttpLimits;
  /** outgoing mail (registration, password reset); null: no SMTP, and the features needing mail say so */
  mail: MailSettings | null;
  /** who may create an account at /user/register (Drupal's "Who can register accounts?") */
  signup: SignupMode;
  /** a visitor's account opens only once the mailed verification link is used (Drupal's verify_mail) */
  signupVerifyEmail: boolean;
  /** who may register clients at /oauth/register (RFC 7591): nobody, holders of an initial access token, or anyone (public clients only) */
  registration: RegistrationMode;
  /** `serve`: processes sharing the port (node:cluster); 1 = the server runs in the process itself */
  workers: number;
  /** the name, logo and colour every end-user page and the console header carry */
  brand: BrandSettings;
  /** GATEHOUSE_THEME_DIR: templates, messages/ and a logo overriding the shipped ones; null: none */
  themeDir: string | null;
}

export interface BrandSettings {
  /** GATEHOUSE_BRAND_NAME: in every page title and header (default Gatehouse) */
  name: string;
  /** GATEHOUSE_BRAND_LOGO_URL: an https URL, or a file's path inside the theme folder (served same-origin); null: none */
  logo: string | null;
  /** GATEHOUSE_BRAND_COLOR: #rgb or #rrggbb, the pages' accent colour; null: the built-in blue */
  color: string | null;
}

export const SIGNUP_MODES = ['admin_only', 'visitors', 'visitors_approval'] as const;
export type SignupMode = (typeof SIGNUP_MODES)[number];

export interface MailSettings {
  /** GATEHOUSE_SMTP_URL: smtp:// or smtps://, credentials inside; never logged (see redactSmtpUrl) */
  smtpUrl: string;
  /** GATEHOUSE_MAIL_FROM: the From of every mail */
  from: string;
  /** ms between two looks at the outbox for due mails (a new mail is sent at once anyway) */
  pollMs: number;
}

export type RegistrationMode = 'off' | 'token' | 'open';

/** ms, except maxConnections */
export interface HttpLimits {
  /** the request line and headers must arrive within this */
  headersTimeoutMs: number;
  /** the whole request, body included, must arrive within this */
  requestTimeoutMs: number;
  /** an idle keep-alive connection is closed after this */
  keepAliveTimeoutMs: number;
  /** a connection on which nothing moves for this long is closed */
  connectionTimeoutMs: number;
  /** open connections at most; more are closed at once */
  maxConnections: number;
}

export class ConfigError extends Error {}

/** pino's levels, most to least verbose, and `silent` (Fastify refuses any other name). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

const KEYS = {
  PORT: 'port',
  HOST: 'host',
  GATEHOUSE_ISSUER: 'issuer',
  GATEHOUSE_AUDIENCE: 'audience',
  DATABASE_URL: 'databaseUrl',
  GATEHOUSE_SECRET: 'secret',
  REDIS_URL: 'redisUrl',
  GATEHOUSE_REDIS_PREFIX: 'redisPrefix',
  GATEHOUSE_RATE_LIMIT: 'rateLimit',
  GATEHOUSE_METRICS_TOKEN: 'metricsToken',
  GATEHOUSE_METRICS_PORT: 'metricsPort',
  GATEHOUSE_FLOOD_USER_LIMIT: 'floodUserLimit',
  GATEHOUSE_FLOOD_USER_WINDOW: 'floodUserWindow',
  GATEHOUSE_FLOOD_USER_GLOBAL_LIMIT: 'floodUserGlobalLimit',
  GATEHOUSE_FLOOD_USER_GLOBAL_WINDOW: 'floodUserGlobalWindow',
  GATEHOUSE_FLOOD_IP_LIMIT: 'floodIpLimit',
  GATEHOUSE_FLOOD_IP_WINDOW: 'floodIpWindow',
  GATEHOUSE_PASSWORD_QUEUE: 'passwordQueue',
  GATEHOUSE_ID_TOKEN_TTL: 'idTokenTtl',
  GATEHOUSE_SESSION_TTL: 'sessionTtl',
  GATEHOUSE_KEY_ROTATION_DAYS: 'keyRotationDays',
  GATEHOUSE_KEY_PUBLISH_AHEAD: 'keyPublishAhead',
  GATEHOUSE_CLEANUP_INTERVAL: 'cleanupInterval',
  GATEHOUSE_AUDIT_RETENTION_DAYS: 'auditRetentionDays',
  GATEHOUSE_DB_POOL_SIZE: 'dbPoolSize',
  GATEHOUSE_DB_TIMEOUT_MS: 'dbTimeoutMs',
  GATEHOUSE_REVOCATION_POLL_MS: 'revocationPollMs',
  GATEHOUSE_TRUST_PROXY: 'trustProxy',
  LOG_LEVEL: 'logLevel',
  GATEHOUSE_LOG_FORMAT: 'logFormat',
  GATEHOUSE_BODY_LIMIT: 'bodyLimit',
  GATEHOUSE_HEADERS_TIMEOUT_MS: 'headersTimeoutMs',
  GATEHOUSE_REQUEST_TIMEOUT_MS: 'requestTimeoutMs',
  GATEHOUSE_KEEP_ALIVE_TIMEOUT_MS: 'keepAliveTimeoutMs',
  GATEHOUSE_CONNECTION_TIMEOUT_MS: 'connectionTimeoutMs',
  GATEHOUSE_MAX_CONNECTIONS: 'maxConnections',
  GATEHOUSE_SMTP_URL: 'smtpUrl',
  GATEHOUSE_MAIL_FROM: 'mailFrom',
  GATEHOUSE_SIGNUP: 'signup',
  GATEHOUSE_SIGNUP_VERIFY_EMAIL: 'signupVerifyEmail',
  GATEHOUSE_REGISTRATION: 'registration',
  GATEHOUSE_WORKERS: 'workers',
  GATEHOUSE_BRAND_NAME: 'brandName',
  GATEHOUSE_BRAND_LOGO_URL: 'brandLogoUrl',
  GATEHOUSE_BRAND_COLOR: 'brandColor',
  GATEHOUSE_THEME_DIR: 'themeDir',
} as const;

type Raw = Partial<Record<keyof typeof KEYS, string>>;

function readConfigFile(path: string): Raw {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`GATEHOUSE_CONFIG: cannot read ${path}`);
  }
  let data: unknown;
  try {
    data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`GATEHOUSE_CONFIG: ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new ConfigError(`GATEHOUSE_CONFIG: ${path} must hold a mapping of variable names to values`);
  const raw: Raw = {};
  for (const [key, value] of Object.entries(data)) {
    if (!(key in KEYS)) throw new ConfigError(`GATEHOUSE_CONFIG: unknown key ${key}`);
    raw[key as keyof Raw] = String(value);
  }
  return raw;
}

function integer(raw: Raw, key: keyof Raw, fallback: number, min: number, max: number): number {
  const text = raw[key];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text)) throw new ConfigError(`${key} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw new ConfigError(`${key} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(raw: Raw, key: keyof Raw, fallback: string): string {
  const text = raw[key] || fallback;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ConfigError(`${key} must be an absolute http(s) URL, got "${text}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError(`${key} must use http or https, got "${text}"`);
  if (parsed.search || parsed.hash) throw new ConfigError(`${key} must not have a query or fragment (RFC 8414 §2)`);
  return text.replace(/\/+$/, '');
}

/** Where the SQLite database lives, for keeping the generated secret beside it. */
function sqliteDirectory(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  const path = databaseUrl.slice('sqlite:'.length);
  if (path === ':memory:' || path === '') return null;
  return dirname(resolve(path));
}

/** GATEHOUSE_SECRET, or on SQLite the one generated into the data folder on first start. */
function resolveSecret(raw: Raw, databaseUrl: string, warn: Warn): string {
  const given = raw.GATEHOUSE_SECRET;
  if (given) {
    if (given.length < 32) throw new ConfigError('GATEHOUSE_SECRET must be at least 32 characters');
    return given;
  }
  if (databaseUrl.startsWith('postgres')) throw new ConfigError('GATEHOUSE_SECRET is required with PostgreSQL (every instance must share it)');
  const dir = sqliteDirectory(databaseUrl);
  if (!dir) return randomToken(32); // in-memory database: nothing outlives the process anyway
  const file = resolve(dir, 'gatehouse.secret');
  if (existsSync(file)) {
    reportWideMode(file, PRIVATE_FILE, warn);
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length < 32) throw new ConfigError(`${file} holds a secret shorter than 32 characters`);
    return secret;
  }
  // a folder that exists already is the store's to report (it opens the database there next)
  if (!existsSync(dir)) ensurePrivateDirectory(dir, warn);
  const secret = randomToken(48);
  writeFileSync(file, secret + '\n', { mode: PRIVATE_FILE, flag: 'wx' });
  chmodSync(file, PRIVATE_FILE);
  return secret;
}

const WINDOWS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000 };

/** `GATEHOUSE_RATE_LIMIT=600/minute` (or `/second`, `/hour`); unset or `off`: no limit. */
function rateLimit(raw: Raw): Config['rateLimit'] {
  const value = raw.GATEHOUSE_RATE_LIMIT;
  if (value === undefined || value === 'off') return null;
  const match = /^(\d{1,7})\/(second|minute|hour)$/.exec(value);
  if (!match || Number(match[1]) < 1)
    throw new ConfigError(`GATEHOUSE_RATE_LIMIT must look like 600/minute (a count per second, minute or hour) or off, got "${value}"`);
  return { max: Number(match[1]), windowMs: WINDOWS[match[2]] };
}

function metricsToken(raw: Raw): string | null {
  const value = raw.GATEHOUSE_METRICS_TOKEN;
  if (!value) return null;
  if (value.length < 32) throw new ConfigError('GATEHOUSE_METRICS_TOKEN must be at least 32 characters (openssl rand -hex 32)');
  return value;
}

function redisUrl(raw: Raw): string | null {
  const value = raw.REDIS_URL;
  if (!value) return null;
  if (!/^rediss?:\/\//.test(value)) throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${value.replace(/\/\/[^@]*@/, '//…@')}"`);
  return value;
}

/** Slow-client limits (the defaults cut a 1-byte-every-few-seconds body; Node's own allow 5 minutes). */
function httpLimits(raw: Raw): HttpLimits {
  const limits: HttpLimits = {
    headersTimeoutMs: integer(raw, 'GATEHOUSE_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    requestTimeoutMs: integer(raw, 'GATEHOUSE_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
    // above the 60 s idle timeout of common load balancers, so they never reuse a closed connection
    keepAliveTimeoutMs: integer(raw, 'GATEHOUSE_KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 3_600_000),
    connectionTimeoutMs: integer(raw, 'GATEHOUSE_CONNECTION_TIMEOUT_MS', 120_000, 100, 3_600_000),
    maxConnections: integer(raw, 'GATEHOUSE_MAX_CONNECTIONS', 4096, 1, 1_000_000),
  };
  // Node refuses a headers timeout longer than the request timeout (it could never apply)
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError(
      `GATEHOUSE_HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) must not exceed GATEHOUSE_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs})`,
    );
  }
  return limits;
}

/** An SMTP URL with its password replaced, for messages and logs. */
export function redactSmtpUrl(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, '$1:…@');
}

/** GATEHOUSE_SMTP_URL and GATEHOUSE_MAIL_FROM: both, or neither (no mail). */
function mailSettings(raw: Raw): MailSettings | null {
  const smtpUrl = raw.GATEHOUSE_SMTP_URL;
  const from = raw.GATEHOUSE_MAIL_FROM;
  if (!smtpUrl && !from) return null;
  if (!smtpUrl) throw new ConfigError('GATEHOUSE_MAIL_FROM is set but GATEHOUSE_SMTP_URL is not: set both to send mail, or neither');
  let parsed: URL;
  try {
    parsed = new URL(smtpUrl);
  } catch {
    throw new ConfigError(`GATEHOUSE_SMTP_URL must be an smtp:// or smtps:// URL, got "${redactSmtpUrl(smtpUrl)}"`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:')
    throw new ConfigError(`GATEHOUSE_SMTP_URL must start with smtp:// or smtps://, got "${redactSmtpUrl(smtpUrl)}"`);
  if (!parsed.hostname) throw new ConfigError(`GATEHOUSE_SMTP_URL must name a host, got "${redactSmtpUrl(smtpUrl)}"`);
  if (parsed.password && !parsed.username) throw new ConfigError('GATEHOUSE_SMTP_URL has a password but no user name');
  if (!from) throw new ConfigError('GATEHOUSE_SMTP_URL is set but GATEHOUSE_MAIL_FROM is not (the address mails are sent from)');
  if (!/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(from))
    throw new ConfigError(`GATEHOUSE_MAIL_FROM must be an address (a@example.com or "Name <a@example.com>"), got "${from}"`);
  return { smtpUrl, from, pollMs: 5_000 };
}

function signupMode(raw: Raw): SignupMode {
  const value = raw.GATEHOUSE_SIGNUP || 'admin_only';
  if (!(SIGNUP_MODES as readonly string[]).includes(value)) throw new ConfigError(`GATEHOUSE_SIGNUP must be one of ${SIGNUP_MODES.join(', ')}, got "${value}"`);
  return value as SignupMode;
}

function flag(raw: Raw, key: keyof Raw, fallback: boolean): boolean {
  const value = raw[key];
  if (value === undefined || value === '') return fallback;
  if (!['true', 'false', '1', '0'].includes(value)) throw new ConfigError(`${key} must be true or false, got "${value}"`);
  return value === 'true' || value === '1';
}

function logLevel(raw: Raw): LogLevel {
  const value = raw.LOG_LEVEL || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  return value as LogLevel;
}

/** GATEHOUSE_LOG_FORMAT, or by default human lines in a terminal and JSON anywhere else (a pipe, a file, a journal). */
function logFormat(raw: Raw, terminal: boolean): LogFormat {
  const value = raw.GATEHOUSE_LOG_FORMAT;
  if (value === undefined || value === '') return terminal ? 'pretty' : 'json';
  if (value !== 'json' && value !== 'pretty') throw new ConfigError(`GATEHOUSE_LOG_FORMAT must be json or pretty, got "${value}"`);
  return value;
}

/** GATEHOUSE_REGISTRATION: off (default), token or open. */
function registration(raw: Raw): RegistrationMode {
  const value = raw.GATEHOUSE_REGISTRATION || 'off';
  if (value !== 'off' && value !== 'token' && value !== 'open') throw new ConfigError(`GATEHOUSE_REGISTRATION must be off, token or open, got "${value}"`);
  return value;
}

/** Most workers accepted: far beyond any machine's cores, low enough that a typo cannot fork thousands. */
const MAX_WORKERS = 256;

/** GATEHOUSE_WORKERS (or `serve --workers`): a count, or `auto` for every core; more than the cores is allowed, with a warning. */
function workers(raw: Raw, warn: Warn): number {
  const value = raw.GATEHOUSE_WORKERS;
  if (value === undefined || value === '') return 1;
  const cores = availableParallelism();
  if (value === 'auto') return cores;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS)
    throw new ConfigError(`GATEHOUSE_WORKERS (serve --workers) must be a whole number from 1 to ${MAX_WORKERS}, or auto, got "${value}"`);
  const count = Number(value);
  if (count > cores) warn(`GATEHOUSE_WORKERS (serve --workers) is ${count}, more than the ${cores} cores available: the workers will share them`);
  return count;
}

/** GATEHOUSE_PASSWORD_CONCURRENCY is read by crypto/passwords.ts as it loads; checked here so a typo stops the start. */
function checkPasswordConcurrency(env: NodeJS.ProcessEnv): void {
  const value = env.GATEHOUSE_PASSWORD_CONCURRENCY;
  if (value === undefined || value === '') return;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1024)
    throw new ConfigError(`GATEHOUSE_PASSWORD_CONCURRENCY must be a whole number between 1 and 1024, got "${value}"`);
}

/** Image types a theme folder's logo may have, by extension. */
export const LOGO_TYPES: Record<string, string> = {
  png: 'image/png',
  svg: 'image/svg+xml',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

function themeDirectory(raw: Raw): string | null {
  const given = raw.GATEHOUSE_THEME_DIR;
  if (!given) return null;
  const dir = resolve(given);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`GATEHOUSE_THEME_DIR must be an existing folder, got "${given}"`);
  return dir;
}

/** The colour goes into the stylesheet: nothing but #rgb or #rrggbb gets there. */
export function brandColor(value: string | undefined): string | null {
  if (!value) return null;
  if (!/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(value)) throw new ConfigError(`GATEHOUSE_BRAND_COLOR must be a colour like #1f5fbf or #15b, got "${value}"`);
  return value.toLowerCase();
}

export function brandName(value: string | undefined): string {
  if (value === undefined || value === '') return 'Gatehouse';
  const name = value.trim();
  if (!name || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name))
    throw new ConfigError('GATEHOUSE_BRAND_NAME must be 1 to 100 characters of text, without control characters');
  return name;
}

/** An https URL, or a file inside the theme folder (png, svg, jpg, gif, webp) served from this server. */
export function brandLogo(value: string | undefined, themeDir: string | null): string | null {
  if (!value) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ConfigError(`GATEHOUSE_BRAND_LOGO_URL must be an https URL or a file in GATEHOUSE_THEME_DIR, got "${value}"`);
    }
    if (parsed.protocol !== 'https:') throw new ConfigError(`GATEHOUSE_BRAND_LOGO_URL must use https, got "${value}"`);
    return parsed.href;
  }
  if (!themeDir)
    throw new ConfigError(`GATEHOUSE_BRAND_LOGO_URL "${value}" is a file path: set GATEHOUSE_THEME_DIR to the folder holding it, or give an https URL`);
  const path = value.replace(/^\.\//, '');
  const extension = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/.test(path) || !(extension in LOGO_TYPES))
    throw new ConfigError(`GATEHOUSE_BRAND_LOGO_URL must name a ${Object.keys(LOGO_TYPES).join(', ')} file inside GATEHOUSE_THEME_DIR, got "${value}"`);
  const file = resolve(themeDir, path);
  if (!existsSync(file) || !statSync(file).isFile()) throw new ConfigError(`GATEHOUSE_BRAND_LOGO_URL: ${file} does not exist`);
  return path;
}

function brandSettings(raw: Raw, themeDir: string | null): BrandSettings {
  return { name: brandName(raw.GATEHOUSE_BRAND_NAME), logo: brandLogo(raw.GATEHOUSE_BRAND_LOGO_URL, themeDir), color: brandColor(raw.GATEHOUSE_BRAND_COLOR) };
}

/**
 * Every value is checked before anything is written: the secret generated into the data folder on
 * a first SQLite start is the last step, so a bad value leaves no folder, secret or database behind.
 * `warn` hears of a data folder or secret file that others may read (default: a process warning);
 * `terminal` says whether standard output is a terminal (pretty logs by default there); `check`
 * may refuse the values too (throwing a ConfigError), still before anything is written.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  warn: Warn = (message) => process.emitWarning(message),
  terminal: boolean = process.stdout.isTTY === true,
  /** a further check of the checked values before anything is written (serve: the theme loads) */
  check: (checked: Omit<Config, 'secret'>) => void = () => {},
): Config {
  const file = env.GATEHOUSE_CONFIG ? readConfigFile(env.GATEHOUSE_CONFIG) : {};
  const raw: Raw = { ...file };
  for (const key of Object.keys(KEYS) as (keyof Raw)[]) {
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key];
  }
  const port = integer(raw, 'PORT', 3000, 0, 65535);
  const host = raw.HOST || '127.0.0.1';
  const issuer = url(raw, 'GATEHOUSE_ISSUER', `http://localhost:${port}`);
  const databaseUrl = raw.DATABASE_URL || 'sqlite:./data/gatehouse.db';
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl.replace(/\/\/[^@]*@/, '//…@')}"`);
  }
  const trust = raw.GATEHOUSE_TRUST_PROXY ?? 'false';
  if (!['true', 'false', '1', '0'].includes(trust)) throw new ConfigError(`GATEHOUSE_TRUST_PROXY must be true or false, got "${trust}"`);
  const metricsPort = raw.GATEHOUSE_METRICS_PORT ? integer(raw, 'GATEHOUSE_METRICS_PORT', 0, 1, 65535) : null;
  if (metricsPort !== null && metricsPort === port) throw new ConfigError(`GATEHOUSE_METRICS_PORT must differ from PORT (${port})`);
  checkPasswordConcurrency(env);
  const workerCount = workers(raw, warn);
  const themeDir = themeDirectory(raw);
  if (workerCount > 1 && sqliteDirectory(databaseUrl) === null && databaseUrl.startsWith('sqlite:'))
    throw new ConfigError('GATEHOUSE_WORKERS (serve --workers) above 1 needs a database file or PostgreSQL: an in-memory SQLite database lives in one process');
  const checked: Omit<Config, 'secret'> = {
    port,
    host,
    issuer,
    audience: raw.GATEHOUSE_AUDIENCE ? url(raw, 'GATEHOUSE_AUDIENCE', issuer) : issuer,
    databaseUrl,
    redisUrl: redisUrl(raw),
    redisPrefix: raw.GATEHOUSE_REDIS_PREFIX ?? 'gatehouse:',
    rateLimit: rateLimit(raw),
    metricsToken: metricsToken(raw),
    metricsPort,
    flood: {
      userLimit: integer(raw, 'GATEHOUSE_FLOOD_USER_LIMIT', 5, 1, 1_000_000),
      userWindow: integer(raw, 'GATEHOUSE_FLOOD_USER_WINDOW', 21_600, 1, 31_536_000),
      userGlobalLimit: integer(raw, 'GATEHOUSE_FLOOD_USER_GLOBAL_LIMIT', 100, 1, 1_000_000),
      userGlobalWindow: integer(raw, 'GATEHOUSE_FLOOD_USER_GLOBAL_WINDOW', 21_600, 1, 31_536_000),
      ipLimit: integer(raw, 'GATEHOUSE_FLOOD_IP_LIMIT', 50, 1, 1_000_000),
      ipWindow: integer(raw, 'GATEHOUSE_FLOOD_IP_WINDOW', 3_600, 1, 31_536_000),
    },
    passwordQueue: integer(raw, 'GATEHOUSE_PASSWORD_QUEUE', 64, 0, 100_000),
    idTokenTtl: integer(raw, 'GATEHOUSE_ID_TOKEN_TTL', 3600, 60, 86_400),
    sessionTtl: integer(raw, 'GATEHOUSE_SESSION_TTL', 43_200, 60, 2_592_000),
    keyRotation: {
      everyDays: integer(raw, 'GATEHOUSE_KEY_ROTATION_DAYS', 90, 0, 3650),
      publishAhead: integer(raw, 'GATEHOUSE_KEY_PUBLISH_AHEAD', 86_400, 0, 2_592_000),
    },
    cleanupInterval: integer(raw, 'GATEHOUSE_CLEANUP_INTERVAL', 300, 1, 86_400),
    auditRetentionDays: integer(raw, 'GATEHOUSE_AUDIT_RETENTION_DAYS', 90, 1, 36_500),
    dbPoolSize: integer(raw, 'GATEHOUSE_DB_POOL_SIZE', 10, 1, 1000),
    dbTimeoutMs: integer(raw, 'GATEHOUSE_DB_TIMEOUT_MS', 3000, 100, 600_000),
    revocationPollMs: integer(raw, 'GATEHOUSE_REVOCATION_POLL_MS', 500, 50, 60_000),
    trustProxy: trust === 'true' || trust === '1',
    logLevel: logLevel(raw),
    logFormat: logFormat(raw, terminal),
    bodyLimit: integer(raw, 'GATEHOUSE_BODY_LIMIT', 65_536, 1024, 10_485_760),
    http: httpLimits(raw),
    mail: mailSettings(raw),
    signup: signupMode(raw),
    signupVerifyEmail: flag(raw, 'GATEHOUSE_SIGNUP_VERIFY_EMAIL', true),
    registration: registration(raw),
    workers: workerCount,
    themeDir,
    brand: brandSettings(raw, themeDir),
  };
  check(checked);
  // last: on a first SQLite start this creates the data folder and writes the secret into it
  return { ...checked, secret: resolveSecret(raw, databaseUrl, warn) };
}

/** A config for tests and embedding: defaults, with the given fields replaced. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ DATABASE_URL: 'sqlite::memory:', GATEHOUSE_SECRET: 'test-secret-test-secret-test-secret-0123', LOG_LEVEL: 'silent' }, undefined, false),
    ...overrides,
  };
}
