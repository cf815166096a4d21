// `gatehouse registration-token create`: an initial access token for dynamic client registration
// (RFC 7591 §3, GATEHOUSE_REGISTRATION=token), shown once; the database keeps only its digest.
import type { Command } from 'commander';
import { OPERATOR } from '../admin/actor.js';
import { createRegistrationToken } from '../admin/registration.js';
import { asOperator, isoTime, print, wholeNumber, withJson, type JsonOption } from './cli-kit.js';

export function registrationTokenCommand(program: Command): void {
  const group = program.command('registration-token').description('initial access tokens for dynamic client registration (RFC 7591)');

  withJson(
    group
      .command('create')
      .description('mint an initial access token for POST /oauth/register (shown once)')
      .option('--expires-in <seconds>', 'seconds it stays valid (default: until used up)', wholeNumber('--expires-in', 1, 315_360_000))
      .option('--max-uses <n>', 'registrations it allows (default: any number)', wholeNumber('--max-uses', 1, 1_000_000)),
  ).action(async (options: JsonOption & { expiresIn?: number; maxUses?: number }) => {
    const minted = await asOperator((ctx) => createRegistrationToken(ctx, { expiresIn: options.expiresIn, maxUses: options.maxUses }, OPERATOR));
    const limits = [
      minted.expiresAt === null ? 'no expiry' : `expires ${isoTime(minted.expiresAt)}`,
      minted.maxUses === null ? 'any number of uses' : `${minted.maxUses} use${minted.maxUses === 1 ? '' : 's'}`,
    ].join(', ');
    print(options, { token: minted.token, expiresAt: minted.expiresAt, maxUses: minted.maxUses }, `${minted.token}\n(shown once; ${limits})`);
  });
}
