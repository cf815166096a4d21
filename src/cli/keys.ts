// `gatehouse keys list|rotate`: the signing keys and their states; rotate one now.
import type { Command } from 'commander';
import { OPERATOR } from '../admin/actor.js';
import { rotateKey } from '../admin/keys.js';
import { isSigningAlg } from '../crypto/keys.js';
import { ensureSigningKeys } from '../oauth/signing-keys.js';
import type { KeyUse } from '../store/store.js';
import { asOperator, isoTime, print, UsageError, withJson, type JsonOption } from './cli-kit.js';

export function keysCommand(program: Command): void {
  const keys = program.command('keys').description('signing keys');

  withJson(keys.command('list').description('the signing keys: state (next, current, retired) and dates; never a private key')).action(
    async (options: JsonOption) => {
      const rows = await asOperator(async (ctx, store) => {
        await ensureSigningKeys(store, ctx.keySecret, ctx.clock);
        return store.keys.list();
      });
      const data = rows.map(({ privateKeyEncrypted: _sealed, publicJwk: _jwk, ...row }) => row);
      print(
        options,
        data,
        data
          .map(
            (k) =>
              `${k.kid}  ${k.alg.padEnd(5)}  ${k.use.padEnd(6)}  ${k.state.padEnd(7)}  created ${isoTime(k.createdAt)}  retired ${isoTime(k.retiredAt)}  published until ${isoTime(k.publishUntil)}`,
          )
          .join('\n'),
      );
    },
  );

  withJson(
    keys
      .command('rotate')
      .description('a new key starts signing now; the previous one stays published until its tokens expire')
      .option('--alg <alg>', 'ES256, RS256 or EdDSA (default: the current key’s)')
      .option('--use <use>', 'access (access tokens, the default) or id (id tokens)', 'access'),
  ).action(async (options: JsonOption & { alg?: string; use: string }) => {
    const { alg, use } = options;
    if (alg !== undefined && !isSigningAlg(alg)) throw new UsageError(`--alg must be ES256, RS256 or EdDSA, got "${alg}"`);
    if (use !== 'access' && use !== 'id') throw new UsageError(`--use must be access or id, got "${use}"`);
    const key = await asOperator((ctx) => rotateKey(ctx, { use: use as KeyUse, alg }, OPERATOR));
    print(
      options,
      { kid: key.kid, alg: key.alg, use: key.use, state: key.state },
      `New current ${use}-token key ${key.kid} (${key.alg}); the previous one stays published until its tokens expire.`,
    );
  });
}
