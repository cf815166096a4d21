// What every command shares: the configuration, the store opened for one command (migrated, and
// closed after), the operator's context for administrative operations, output as text or JSON,
// and reading a secret from standard input (never from argv, where `ps` and shell history see it).
import type { Command } from 'commander';
import { operatorContext, type AdminContext } from '../admin/admin-context.js';
import { systemClock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { ClientSecrets } from '../crypto/client-secret.js';
import type { Warn } from '../private-files.js';
import { migrateStore, openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/** Wrong use of the command line itself (exit 2); refused input is a ValidationError (exit 1). */
export class UsageError extends Error {}

/**
 * How long a command waits for the SQLite write lock a running instance (or another command) holds
 * at that moment, retrying with backoff: far longer than any request waits, as nobody is queued behind it.
 */
export const CLI_LOCK_WAIT_MS = 30_000;

/** Commands other than serve report a data file others may read on standard error, once each. */
const told = new Set<string>();
export const cliWarn: Warn = (message) => {
  if (told.has(message)) return;
  told.add(message);
  process.stderr.write(`gatehouse: warning: ${message}\n`);
};

/** The configuration, read and validated from the environment (a ConfigError names the variable). */
export function cliConfig(): Config {
  return loadConfig(process.env, cliWarn);
}

/** Opens the store for one command, brings its schema up to date, runs `fn`, closes it. */
export async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(config.databaseUrl, {
    poolSize: config.dbPoolSize,
    timeoutMs: config.dbTimeoutMs,
    lockWaitMs: CLI_LOCK_WAIT_MS,
    warn: cliWarn,
  });
  try {
    await migrateStore(store, config.databaseUrl);
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The operator's context over `store`: audit rows written with each change; servers follow the change feed. */
export function adminContext(config: Config, store: Store): AdminContext {
  return operatorContext({ store, clock: systemClock, secrets: new ClientSecrets(config.secret), keySecret: config.secret });
}

/** Runs `fn` as the operator, on a freshly opened store. */
export function asOperator<T>(fn: (ctx: AdminContext, store: Store) => Promise<T>): Promise<T> {
  const config = cliConfig();
  return withStore(config, (store) => fn(adminContext(config, store), store));
}

export interface JsonOption {
  json?: boolean;
}

/** Every command can answer in JSON: `--json`. */
export function withJson(command: Command): Command {
  return command.option('--json', 'machine-readable output (one JSON document on standard output)');
}

/** Prints `data` as JSON with --json, else `text`. */
export function print(options: JsonOption, data: unknown, text: string): void {
  process.stdout.write(options.json === true ? `${JSON.stringify(data)}\n` : `${text}\n`);
}

/** A secret piped to the command (one trailing newline dropped); refused from a terminal, where it would echo. */
export async function readSecretFromStdin(option: string): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError(`${option} needs the value on standard input (a pipe or a file), not a terminal`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A whole number option (`-n 20`), refused as a usage error otherwise. */
export function wholeNumber(option: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d{1,15}$/.test(value) || Number(value) < min || Number(value) > max)
      throw new UsageError(`${option} must be a whole number from ${min} to ${max}, got "${value}"`);
    return Number(value);
  };
}

/** Columns padded to their widest value, for list output. */
export function table(rows: string[][]): string {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n');
}

/** `key: value` lines for one thing, lists joined, nothing secret (the caller passes a view). */
export function details(view: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(view).map((k) => k.length));
  return Object.entries(view)
    .map(
      ([key, value]) =>
        `${`${key}:`.padEnd(width + 1)} ${Array.isArray(value) ? value.join(', ') || '-' : value === null || value === '' ? '-' : String(value)}`,
    )
    .join('\n');
}

/** A time in seconds since the epoch, as ISO 8601 (or - for none). */
export function isoTime(seconds: number | null | undefined): string {
  return seconds ? new Date(seconds * 1000).toISOString() : '-';
}
