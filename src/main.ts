#!/usr/bin/env node
// CLI entry: `gatehouse <command>`. Each command exits non-zero with a one-line reason on bad
// input; `--json` prints machine-readable output.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { buildApp } from './app.js';
import { applyFile } from './admin/apply.js';
import { OPERATOR } from './admin/actor.js';
import { bootstrapAdministrator } from './admin/bootstrap.js';
import { createClient } from './admin/clients.js';
import { upsertRole, validateRole } from './admin/roles.js';
import { upsertScope } from './admin/scopes.js';
import { createUser, generatePassword } from './admin/users.js';
import { ValidationError } from './admin/validation-error.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { ClientSecrets } from './crypto/client-secret.js';
import { isSigningAlg } from './crypto/keys.js';
import { ensureSigningKeys, rotateSigningKey } from './oauth/signing-keys.js';
import type { Warn } from './private-files.js';
import { migrateStore, openStore } from './store/open-store.js';
import type { KeyUse, Store } from './store/store.js';

class UsageError extends Error {}

const USAGE = `usage: gatehouse <command> [options]

  serve                                   migrate, create keys if none, create the admin on an empty store, listen
  migrate                                 bring the database schema up to date
  apply FILE|-                            create or update roles, scopes, users, clients from JSON or YAML (- reads standard input)
  user create NAME --mail M [--password-stdin] [--role R]... [--blocked]
  client create CLIENT_ID [--label L] [--description D] [--public] [--redirect-uri U]... [--grant G]...
                [--scope S]... [--user NAME] [--act-as NAME|*]... [--no-pkce] [--automatic-authorization]
  scope create NAME --description D (--permission P | --role R) [--grant G]... [--umbrella] [--parent P]
  role create NAME [--label L] [--permission P]...
  keys list
  keys rotate [--alg ES256|RS256|EdDSA] [--use access|id]
  audit tail [-n N]                       the newest audit entries, oldest first

  --json   machine-readable output`;

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(args: string[], options: ParseArgsConfig['options']): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' }, ...options }, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
}

function out(json: boolean, data: unknown, text: string): void {
  process.stdout.write(json ? JSON.stringify(data) + '\n' : text + '\n');
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin needs the password on standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * How long a command waits for the SQLite write lock a running instance (or another command) holds
 * at that moment, retrying with backoff: far longer than any request waits, as nobody is queued behind it.
 */
const CLI_LOCK_WAIT_MS = 30_000;

/** Commands other than serve report a data file others may read on standard error, once each. */
const told = new Set<string>();
const cliWarn: Warn = (message) => {
  if (told.has(message)) return;
  told.add(message);
  process.stderr.write(`gatehouse: warning: ${message}\n`);
};

async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
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

function adminContext(config: Config, store: Store) {
  return { store, clock: systemClock, secrets: new ClientSecrets(config.secret) };
}

/** Administrative changes made from the command line land in the audit log too. */
async function auditCli(config: Config, entries: { event: string; detail: string }[]): Promise<void> {
  if (!entries.length) return;
  await withStore(config, (store) =>
    store.audit.append(
      entries.map((e) => ({
        at: Date.now(),
        event: e.event,
        outcome: 'success' as const,
        userId: null,
        clientId: null,
        ip: null,
        endpoint: 'cli',
        detail: e.detail,
      })),
    ),
  );
}

function list(value: Values[string]): string[] {
  return Array.isArray(value) ? value : [];
}

function one(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The first start's administrator password goes to standard error, framed for a person, never
 * through the logger: standard output is the JSON log stream, which log shippers keep and index.
 */
function announceAdministrator(admin: { name: string; password: string }, issuer: string): void {
  const rule = '-'.repeat(72);
  process.stderr.write(
    `${rule}\nCreated the administrator account "${admin.name}" (uid 1). Its password, shown only this once:\n\n    ${admin.password}\n\n` +
      `Log in at ${issuer}/admin and keep it somewhere safe; it is stored only as a hash.\n${rule}\n`,
  );
}

async function serve(config: Config, warnings: string[]): Promise<void> {
  const store = await openStore(config.databaseUrl, {
    poolSize: config.dbPoolSize,
    timeoutMs: config.dbTimeoutMs,
    changePollMs: config.revocationPollMs,
    warn: (message) => warnings.push(message),
  });
  await migrateStore(store, config.databaseUrl);
  const ctx = adminContext(config, store);
  await ensureSigningKeys(store, config.secret, systemClock);
  const admin = await bootstrapAdministrator(ctx);
  // shown before anything else can fail: the password exists nowhere else
  if (admin) announceAdministrator(admin, config.issuer);
  const app = await buildApp({ config, store });
  // found before the logger existed
  for (const message of warnings) app.log.warn(message);
  const stop = async (signal: string): Promise<void> => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
}

async function run(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  // serve logs what it finds once its logger exists; the other commands tell standard error
  const warnings: string[] = [];
  const config = loadConfig(process.env, command === 'serve' ? (message) => warnings.push(message) : cliWarn);
  switch (command) {
    case 'serve':
      return serve(config, warnings);
    case 'migrate': {
      const { values } = parse([sub, ...rest].filter(Boolean), {});
      await withStore(config, async () => undefined);
      return out(values.json === true, { migrated: true }, 'Database schema is up to date.');
    }
    case 'apply': {
      const { values, positionals } = parse([sub, ...rest].filter(Boolean), {});
      if (positionals.length !== 1) throw new UsageError('apply takes exactly one FILE');
      const report = await withStore(config, (store) => applyFile(adminContext(config, store), positionals[0]));
      await auditCli(
        config,
        (['roles', 'scopes', 'users', 'clients'] as const).flatMap((section) =>
          Object.entries(report[section])
            .filter(([, outcome]) => outcome !== 'unchanged')
            .map(([name, outcome]) => ({ event: `admin.${section.slice(0, -1)}.${outcome}`, detail: name })),
        ),
      );
      const lines = (['roles', 'scopes', 'users', 'clients'] as const).flatMap((section) =>
        Object.entries(report[section]).map(([name, outcome]) => `${section.slice(0, -1)} ${name}: ${outcome}`),
      );
      for (const [id, secret] of Object.entries(report.generatedSecrets)) lines.push(`client ${id} secret (shown once): ${secret}`);
      return out(values.json === true, report, lines.join('\n') || 'Nothing to apply.');
    }
    case 'user': {
      if (sub !== 'create') throw new UsageError('expected: gatehouse user create NAME --mail M [...]');
      const { values, positionals } = parse(rest, {
        mail: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        role: { type: 'string', multiple: true },
        blocked: { type: 'boolean' },
      });
      if (positionals.length !== 1) throw new UsageError('user create takes exactly one NAME');
      const mail = one(values, 'mail');
      if (!mail) throw new UsageError('user create needs --mail');
      const fromStdin = values['password-stdin'] === true;
      const password = fromStdin ? await readStdin() : generatePassword();
      const user = await withStore(config, (store) =>
        createUser(adminContext(config, store), { name: positionals[0], mail, password, roles: list(values.role), status: values.blocked !== true }),
      );
      await auditCli(config, [{ event: 'admin.user.created', detail: user.name }]);
      const data = { uid: user.uid, name: user.name, mail: user.mail, roles: user.roles, status: user.status, ...(fromStdin ? {} : { password }) };
      return out(values.json === true, data, `Created user ${user.name} (uid ${user.uid}).` + (fromStdin ? '' : ` Password, shown once: ${password}`));
    }
    case 'client': {
      if (sub !== 'create') throw new UsageError('expected: gatehouse client create CLIENT_ID [...]');
      const { values, positionals } = parse(rest, {
        label: { type: 'string' },
        description: { type: 'string' },
        public: { type: 'boolean' },
        'redirect-uri': { type: 'string', multiple: true },
        grant: { type: 'string', multiple: true },
        scope: { type: 'string', multiple: true },
        user: { type: 'string' },
        'act-as': { type: 'string', multiple: true },
        pkce: { type: 'boolean' },
        'no-pkce': { type: 'boolean' },
        'automatic-authorization': { type: 'boolean' },
      });
      if (positionals.length !== 1) throw new UsageError('client create takes exactly one CLIENT_ID');
      if (values.pkce === true && values['no-pkce'] === true) throw new UsageError('--pkce and --no-pkce contradict each other');
      const grants = list(values.grant);
      const actAs = list(values['act-as']);
      const { client, secret } = await withStore(config, (store) =>
        createClient(
          adminContext(config, store),
          {
            clientId: positionals[0],
            label: one(values, 'label'),
            description: one(values, 'description'),
            confidential: values.public !== true,
            redirectUris: list(values['redirect-uri']),
            grantTypes: grants.length ? grants : undefined,
            scopes: list(values.scope),
            user: one(values, 'user'),
            actAs: actAs.length ? actAs : undefined,
            // PKCE is on by default (OAuth 2.1 §4.1.1); --pkce is kept for scripts that pass it
            pkce: values['no-pkce'] === true ? false : undefined,
            automaticAuthorization: values['automatic-authorization'] === true,
          },
          OPERATOR,
        ),
      );
      await auditCli(config, [{ event: 'admin.client.created', detail: client.clientId }]);
      const data = {
        clientId: client.clientId,
        confidential: client.confidential,
        grantTypes: client.grantTypes,
        scopes: client.scopes,
        pkce: client.pkce,
        actAs: client.actAs === '*' ? ['*'] : actAs,
        secret,
      };
      return out(
        values.json === true,
        data,
        `Created client ${client.clientId} (${client.confidential ? 'confidential' : 'public'}; grants: ${client.grantTypes.join(', ')}).` +
          (secret ? `\nClient secret, shown only this once: ${secret}` : ''),
      );
    }
    case 'scope': {
      if (sub !== 'create') throw new UsageError('expected: gatehouse scope create NAME --description D (--permission P | --role R)');
      const { values, positionals } = parse(rest, {
        description: { type: 'string' },
        permission: { type: 'string' },
        role: { type: 'string' },
        grant: { type: 'string', multiple: true },
        umbrella: { type: 'boolean' },
        parent: { type: 'string' },
      });
      if (positionals.length !== 1) throw new UsageError('scope create takes exactly one NAME');
      const permission = one(values, 'permission');
      const role = one(values, 'role');
      const umbrella = values.umbrella === true;
      if (!umbrella && (permission === undefined) === (role === undefined))
        throw new UsageError('scope create needs exactly one of --permission or --role (or --umbrella)');
      const grants = list(values.grant);
      const name = positionals[0];
      const outcome = await withStore(config, async (store) => {
        if (await store.scopes.get(name)) throw new ValidationError('name', `a scope "${name}" already exists`);
        return upsertScope(
          store,
          {
            name,
            description: one(values, 'description') ?? '',
            grantTypes: grants.length ? grants : undefined,
            umbrella,
            parent: one(values, 'parent') ?? null,
            permission: permission ?? null,
            role: role ?? null,
            granularity: umbrella ? null : role !== undefined ? 'role' : 'permission',
          },
          OPERATOR,
        );
      });
      await auditCli(config, [{ event: 'admin.scope.created', detail: name }]);
      return out(values.json === true, { name, outcome }, `Created scope ${name}.`);
    }
    case 'role': {
      if (sub !== 'create') throw new UsageError('expected: gatehouse role create NAME [--permission P]...');
      const { values, positionals } = parse(rest, { label: { type: 'string' }, permission: { type: 'string', multiple: true } });
      if (positionals.length !== 1) throw new UsageError('role create takes exactly one NAME');
      const input = { id: positionals[0], label: one(values, 'label'), permissions: list(values.permission) };
      validateRole(input);
      await withStore(config, async (store) => {
        if (await store.roles.get(input.id)) throw new ValidationError('id', `a role "${input.id}" already exists`);
        await upsertRole(store, input);
      });
      await auditCli(config, [{ event: 'admin.role.created', detail: input.id }]);
      return out(values.json === true, { id: input.id, permissions: input.permissions }, `Created role ${input.id}.`);
    }
    case 'keys': {
      if (sub === 'list') {
        const { values } = parse(rest, {});
        const rows = await withStore(config, async (store) => {
          await ensureSigningKeys(store, config.secret, systemClock);
          return store.keys.list();
        });
        const data = rows.map(({ privateKeyEncrypted: _sealed, publicJwk: _jwk, ...row }) => row);
        const iso = (s: number | null): string => (s === null ? '-' : new Date(s * 1000).toISOString());
        return out(
          values.json === true,
          data,
          data
            .map(
              (k) =>
                `${k.kid}  ${k.alg.padEnd(5)}  ${k.use.padEnd(6)}  ${k.state.padEnd(7)}  created ${iso(k.createdAt)}  retired ${iso(k.retiredAt)}  published until ${iso(k.publishUntil)}`,
            )
            .join('\n'),
        );
      }
      if (sub === 'rotate') {
        const { values } = parse(rest, { alg: { type: 'string' }, use: { type: 'string' } });
        const alg = one(values, 'alg');
        if (alg !== undefined && !isSigningAlg(alg)) throw new UsageError(`--alg must be ES256, RS256 or EdDSA, got "${alg}"`);
        const use = (one(values, 'use') ?? 'access') as KeyUse;
        if (use !== 'access' && use !== 'id') throw new UsageError(`--use must be access or id, got "${String(use)}"`);
        const key = await withStore(config, async (store) => {
          await ensureSigningKeys(store, config.secret, systemClock);
          return rotateSigningKey(store, config.secret, systemClock, use, alg);
        });
        await auditCli(config, [{ event: 'admin.keys.rotated', detail: `${use} ${key.kid}` }]);
        return out(
          values.json === true,
          { kid: key.kid, alg: key.alg, use: key.use, state: key.state },
          `New current ${use}-token key ${key.kid} (${key.alg}); the previous one stays published until its tokens expire.`,
        );
      }
      throw new UsageError('expected: gatehouse keys list | keys rotate [--alg A]');
    }
    case 'audit': {
      if (sub !== 'tail') throw new UsageError('expected: gatehouse audit tail [-n N] [--json]');
      const { values } = parse(rest, { n: { type: 'string', short: 'n' } });
      const count = one(values, 'n') ?? '50';
      if (!/^\d{1,5}$/.test(count) || Number(count) < 1) throw new UsageError(`-n must be a whole number from 1 to 99999, got "${count}"`);
      const entries = (await withStore(config, (store) => store.audit.tail(Number(count)))).reverse();
      return out(
        values.json === true,
        entries,
        entries
          .map((e) =>
            [
              new Date(e.at).toISOString(),
              e.outcome.padEnd(7),
              e.event,
              e.userId !== null ? `user=${e.userId}` : '',
              e.clientId ? `client=${e.clientId}` : '',
              e.ip ? `ip=${e.ip}` : '',
              e.endpoint ?? '',
              e.detail ?? '',
            ]
              .filter(Boolean)
              .join('  '),
          )
          .join('\n') || 'The audit log is empty.',
      );
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof UsageError
      ? `${error.message}\n(see: gatehouse help)`
      : error instanceof ValidationError || error instanceof ConfigError
        ? error.message
        : (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY'
          ? `the database stayed locked by another process for ${CLI_LOCK_WAIT_MS / 1000} s (another apply, a backup?); try again`
          : `${(error as Error).message ?? String(error)}`;
  process.stderr.write(`gatehouse: ${message.split('\n').join('\ngatehouse: ')}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
