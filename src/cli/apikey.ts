// `gatehouse apikey create|list|revoke`: per-user API keys for gate routes that accept `api_key`.
// The key is printed once, at creation; the list shows label, dates and state, never a key.
import type { Command } from 'commander';
import { OPERATOR } from '../admin/actor.js';
import { apiKeyView, createApiKey, listApiKeys, revokeApiKey } from '../admin/api-keys.js';
import { NotFoundError } from '../admin/validation-error.js';
import { API_KEY_MAX_EXPIRES_IN_DAYS } from '../domain/api-key.js';
import type { User } from '../domain/user.js';
import type { Store } from '../store/store.js';
import { asOperator, collect, isoTime, print, table, wholeNumber, withJson, type JsonOption } from './cli-kit.js';

async function named(store: Store, name: string): Promise<User> {
  const user = await store.users.findByName(name);
  if (!user || user.uid === 0) throw new NotFoundError(`no user named "${name}" exists`);
  return user;
}

type CreateOptions = JsonOption & { label?: string; expiresIn?: number; scope?: string[] };

export function apikeyCommand(program: Command): void {
  const apikey = program.command('apikey').description('per-user API keys (gate routes accepting api_key)');

  withJson(
    apikey
      .command('create')
      .description('create an API key for a user; the key is printed this once')
      .argument('<user>', 'user name')
      .option('--label <label>', 'what the key is for')
      .option('--expires-in <days>', 'days until it expires (default: never)', wholeNumber('--expires-in', 1, API_KEY_MAX_EXPIRES_IN_DAYS))
      .option('--scope <scope>', 'limit the key to this scope (repeat for several; default: all of the user’s permissions)', collect),
  ).action(async (name: string, options: CreateOptions) => {
    const { apiKey, key, user } = await asOperator(async (ctx, store) =>
      createApiKey(ctx, (await named(store, name)).uid, { label: options.label, expiresInDays: options.expiresIn, scopes: options.scope }, OPERATOR),
    );
    const data = { id: apiKey.id, key, user: user.name, label: apiKey.label, scopes: apiKey.scopes, expiresAt: apiKey.expiresAt };
    print(
      options,
      data,
      `Created API key ${apiKey.id} for ${user.name}${apiKey.expiresAt ? `, expires ${isoTime(apiKey.expiresAt)}` : ''}. Key, shown once:\n${key}`,
    );
  });

  withJson(
    apikey.command('list').description('API keys (of one user when named): label, created, last used, expiry; never a key').argument('[user]', 'user name'),
  ).action(async (name: string | undefined, options: JsonOption) => {
    const { keys, names, now } = await asOperator(async (ctx, store) => {
      const uid = name === undefined ? undefined : (await named(store, name)).uid;
      const found = await listApiKeys(ctx, uid, OPERATOR);
      const names = new Map<number, string>();
      for (const uid of new Set(found.map((k) => k.uid))) names.set(uid, (await store.users.findById(uid))?.name ?? String(uid));
      return { keys: found, names, now: Math.floor(ctx.clock.now() / 1000) };
    });
    const views = keys.map((k) => ({ ...apiKeyView(k, now), user: names.get(k.uid) ?? String(k.uid) }));
    const rows = views.map((k) => [
      k.id,
      k.user,
      k.label || '-',
      k.scopes.join(',') || '-',
      isoTime(k.createdAt),
      isoTime(k.lastUsedAt),
      isoTime(k.expiresAt),
      k.state,
    ]);
    const text = views.length ? table([['ID', 'USER', 'LABEL', 'SCOPES', 'CREATED', 'LAST USED', 'EXPIRES', 'STATE'], ...rows]) : 'No API keys.';
    print(options, views, text);
  });

  withJson(apikey.command('revoke').description('revoke an API key: refused everywhere from now on').argument('<id>', 'the key’s id (as listed)')).action(
    async (id: string, options: JsonOption) => {
      const revoked = await asOperator((ctx) => revokeApiKey(ctx, id, OPERATOR));
      print(options, { id: revoked.id, revokedAt: revoked.revokedAt }, `Revoked API key ${revoked.id}.`);
    },
  );
}
