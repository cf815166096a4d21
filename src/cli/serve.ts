// `gatehouse serve`: migrate, create the signing keys if there are none and the administrator on an
// empty store, then listen.
import type { Command } from 'commander';
import { bootstrapAdministrator } from '../admin/bootstrap.js';
import { buildApp } from '../app.js';
import { nowSeconds, systemClock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { KeyRing } from '../crypto/keys.js';
import { ensureSigningKeys } from '../oauth/signing-keys.js';
import { migrateStore, openStore } from '../store/open-store.js';
import { adminContext, withJson, type JsonOption } from './cli-kit.js';

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

async function serve(config: Config, warnings: string[], json: boolean): Promise<void> {
  const store = await openStore(config.databaseUrl, {
    poolSize: config.dbPoolSize,
    timeoutMs: config.dbTimeoutMs,
    changePollMs: config.revocationPollMs,
    warn: (message) => warnings.push(message),
  });
  await migrateStore(store, config.databaseUrl);
  await ensureSigningKeys(store, config.secret, systemClock);
  // keys stored under another GATEHOUSE_SECRET stop the start here, before an administrator is
  // made whose password would be printed by a server that never serves
  new KeyRing().load(await store.keys.list(), config.secret, nowSeconds(systemClock));
  const admin = await bootstrapAdministrator(adminContext(config, store));
  // shown before anything else can fail: the password exists nowhere else
  if (admin) announceAdministrator(admin, config.issuer, json);
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

export function serveCommand(program: Command): void {
  withJson(
    program
      .command('serve')
      .description('migrate, create keys if none, create the admin on an empty store, listen (configured by the environment)')
      .addHelpText(
        'after',
        '\nThe log goes to standard output as JSON lines. On the first start the administrator\'s generated password is shown once on\nstandard error; with --json as one JSON line ({"administratorCreated":{"name","uid","password","login"}}).',
      ),
  ).action(async (options: JsonOption) => {
    // serve logs what it finds once its logger exists
    const warnings: string[] = [];
    await serve(
      loadConfig(process.env, (message) => warnings.push(message)),
      warnings,
      options.json === true,
    );
  });
}
