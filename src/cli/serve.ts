// `gatehouse serve`: migrate, create the signing keys if there are none and the administrator on an
// empty store, then listen — in this process, or (--workers N) in N workers it supervises.
import cluster from 'node:cluster';
import type { Command } from 'commander';
import Fastify from 'fastify';
import { bootstrapAdministrator } from '../admin/bootstrap.js';
import { buildApp } from '../app.js';
import { nowSeconds, systemClock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { KeyRing } from '../crypto/keys.js';
import { loggerOptions } from '../http/logger.js';
import { ensureSigningKeys } from '../oauth/signing-keys.js';
import { migrateStore, openStore } from '../store/open-store.js';
import { Theme } from '../web/theme.js';
import type { Store } from '../store/store.js';
import { adminContext, withJson, type JsonOption } from './cli-kit.js';
import { superviseWorkers } from './serve-workers.js';

/**
 * The first start's administrator password goes to standard error, framed for a person, never
 * through the logger: standard output is the JSON log stream, which log shippers keep and index.
 */
function announceAdministrator(admin: { name: string; password: string }, issuer: string, json: boolean): void {
  if (json) {
    process.stderr.write(`${JSON.stringify({ administratorCreated: { name: admin.name, uid: 1, password: admin.password, login: `${issuer}/admin` } })}\n`);
    return;
  }
  const rule = '-'.repeat(72);
  process.stderr.write(
    `${rule}\nCreated the administrator account "${admin.name}" (uid 1). Its password, shown only this once:\n\n    ${admin.password}\n\n` +
      `Log in at ${issuer}/admin and keep it somewhere safe; it is stored only as a hash.\n${rule}\n`,
  );
}

/** The one-time start work: migrate, keys, the first administrator (whose password is shown here, once). */
async function prepare(config: Config, warnings: string[], json: boolean): Promise<Store> {
  const store = await openStore(config.databaseUrl, {
    poolSize: config.dbPoolSize,
    timeoutMs: config.dbTimeoutMs,
    changePollMs: config.revocationPollMs,
    warn: (message) => warnings.push(message),
    checkpointInBackground: true,
  });
  await migrateStore(store, config.databaseUrl);
  await ensureSigningKeys(store, config.secret, systemClock);
  // keys stored under another GATEHOUSE_SECRET stop the start here, before an administrator is
  // made whose password would be printed by a server that never serves
  new KeyRing().load(await store.keys.list(), config.secret, nowSeconds(systemClock));
  const admin = await bootstrapAdministrator(adminContext(config, store));
  // shown before anything else can fail: the password exists nowhere else
  if (admin) announceAdministrator(admin, config.issuer, json);
  return store;
}

/** Builds the server over `store` and listens; SIGTERM or SIGINT closes it gracefully and exits 0. */
async function listen(config: Config, store: Store, warnings: string[]): Promise<void> {
  const app = await buildApp({ config, store });
  // found before the logger existed
  for (const message of warnings) app.log.warn(message);
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    // a worker under a terminal hears Ctrl-C itself and from its primary: close once
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
}

async function serve(config: Config, warnings: string[], json: boolean): Promise<void> {
  const store = await prepare(config, warnings, json);
  if (config.workers === 1) return listen(config, store, warnings);
  await store.close();
  const log = Fastify({ logger: loggerOptions(config.logLevel, config.logFormat) }).log;
  for (const message of warnings) log.warn(message);
  process.exit(await superviseWorkers(config.workers, log));
}

/** A worker of `serve --workers N`: its primary did the start work and reported the warnings. */
async function serveAsWorker(config: Config): Promise<void> {
  const store = await openStore(config.databaseUrl, {
    poolSize: config.dbPoolSize,
    timeoutMs: config.dbTimeoutMs,
    changePollMs: config.revocationPollMs,
    warn: () => undefined,
    checkpointInBackground: true,
  });
  await listen(config, store, []);
}

export function serveCommand(program: Command): void {
  withJson(
    program
      .command('serve')
      .description('migrate, create keys if none, create the admin on an empty store, listen (configured by the environment)')
      .addHelpText(
        'after',
        '\nThe log goes to standard output as JSON lines. On the first start the administrator\'s generated password is shown once on\nstandard error; with --json as one JSON line ({"administratorCreated":{"name","uid","password","login"}}).',
      ),
  )
    .option('--workers <count>', 'processes serving the port, each on a core: a number, or auto for every core (default 1; GATEHOUSE_WORKERS)')
    .action(async (options: JsonOption & { workers?: string }) => {
      const env = options.workers === undefined ? process.env : { ...process.env, GATEHOUSE_WORKERS: options.workers };
      if (cluster.isWorker) return serveAsWorker(loadConfig(env, () => undefined));
      // serve logs what it finds once its logger exists
      const warnings: string[] = [];
      await serve(
        // a theme whose templates or messages do not load stops the start before anything is written
        loadConfig(
          env,
          (message) => warnings.push(message),
          undefined,
          (checked) => Theme.load(checked),
        ),
        warnings,
        options.json === true,
      );
    });
}
