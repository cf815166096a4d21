// `gatehouse migrate`: brings the database schema up to date (every command does, first).
import type { Command } from 'commander';
import { cliConfig, print, withJson, withStore, type JsonOption } from './cli-kit.js';

export function migrateCommand(program: Command): void {
  withJson(program.command('migrate').description('bring the database schema up to date')).action(async (options: JsonOption) => {
    await withStore(cliConfig(), async () => undefined);
    print(options, { migrated: true }, 'Database schema is up to date.');
  });
}
