// `gatehouse client …`: create, list, show, update, delete, rotate-secret, revoke-tokens. A secret is
// shown once, when it is made; the options of create and update come from the client-field table.
import type { Command } from 'commander';
import { OPERATOR } from '../admin/actor.js';
import { actAsNames, createClient, deleteClient, revokeClientGrants, rotateClientSecret, updateClient } from '../admin/clients.js';
import { NotFoundError } from '../admin/validation-error.js';
import { clientView } from '../admin/views.js';
import type { Client } from '../domain/client.js';
import type { Store } from '../store/store.js';
import { addClientOptions, clientInputFromOptions } from './client-options.js';
import { asOperator, details, isoTime, print, table, UsageError, withJson, type JsonOption } from './cli-kit.js';

async function existing(store: Store, clientId: string): Promise<Client> {
  const client = await store.clients.get(clientId);
  if (!client) throw new NotFoundError(`no client "${clientId}" exists`);
  return client;
}

/** The client as shown: never its secret digest; its users by name. */
async function view(store: Store, client: Client) {
  const user = client.userId === null ? null : ((await store.users.findById(client.userId))?.name ?? null);
  return { ...clientView(client), user, actAs: await actAsNames(store, client) };
}

type ClientView = Awaited<ReturnType<typeof view>>;

const shown = (c: ClientView) => details({ ...c, created: isoTime(c.created), changed: isoTime(c.changed) });

export function clientCommand(program: Command): void {
  const client = program.command('client').description('OAuth clients (Simple OAuth consumers)');

  withJson(
    addClientOptions(
      client
        .command('create')
        .description('create a client; a confidential one gets a generated secret, shown once')
        .argument('<client-id>', 'letters, digits, . _ ~ - (at most 128)'),
    ),
  ).action(async (clientId: string, options: JsonOption, command: Command) => {
    const fields = clientInputFromOptions(command);
    const { client: made, secret } = await asOperator((ctx) => createClient(ctx, { ...fields, clientId }, OPERATOR));
    const data = {
      clientId: made.clientId,
      confidential: made.confidential,
      grantTypes: made.grantTypes,
      scopes: made.scopes,
      pkce: made.pkce,
      actAs: made.actAs === '*' ? ['*'] : Array.isArray(fields.actAs) ? fields.actAs : [],
      secret,
    };
    print(
      options,
      data,
      `Created client ${made.clientId} (${made.confidential ? 'confidential' : 'public'}; grants: ${made.grantTypes.join(', ')}).` +
        (secret ? `\nClient secret, shown only this once: ${secret}` : ''),
    );
  });

  withJson(client.command('list').description('list clients')).action(async (options: JsonOption) => {
    const clients = await asOperator(async (_ctx, store) => Promise.all((await store.clients.list()).map((c) => view(store, c))));
    const rows = clients.map((c) => [
      c.clientId,
      c.confidential ? 'confidential' : 'public',
      c.status ? 'enabled' : 'disabled',
      c.grantTypes.join(','),
      c.label,
    ]);
    print(options, clients, clients.length ? table([['CLIENT', 'TYPE', 'STATUS', 'GRANTS', 'LABEL'], ...rows]) : 'No clients.');
  });

  withJson(client.command('show').description('a client and its settings (never its secret)').argument('<client-id>')).action(
    async (clientId: string, options: JsonOption) => {
      const shownClient = await asOperator(async (_ctx, store) => view(store, await existing(store, clientId)));
      print(options, shownClient, shown(shownClient));
    },
  );

  withJson(
    addClientOptions(
      client
        .command('update')
        .description('change a client (options left out stay as they are); a list option replaces the list')
        .argument('<client-id>')
        .addHelpText('after', '\nDisabling the client, or making it public, revokes its tokens. Made confidential, it gets a generated secret, shown once.'),
    ),
  ).action(async (clientId: string, options: JsonOption, command: Command) => {
    const fields = clientInputFromOptions(command);
    if (Object.keys(fields).length === 0) throw new UsageError('client update needs something to change (see gatehouse client update --help)');
    const { shownClient, changed, secret } = await asOperator(async (ctx, store) => {
      const result = await updateClient(ctx, clientId, fields, OPERATOR);
      return { shownClient: await view(store, result.client), changed: result.changed, secret: result.secret };
    });
    const said = changed.length ? `Updated client ${clientId} (${changed.join(', ')}).` : `Client ${clientId} already is as asked; nothing changed.`;
    print(
      options,
      { ...shownClient, updatedFields: changed, ...(secret ? { secret } : {}) },
      `${said}${secret ? `\nClient secret, shown only this once: ${secret}` : ''}\n${shown(shownClient)}`,
    );
  });

  withJson(client.command('delete').description('delete a client, revoking every token it holds').argument('<client-id>')).action(
    async (clientId: string, options: JsonOption) => {
      await asOperator((ctx) => deleteClient(ctx, clientId, OPERATOR));
      print(options, { clientId, deleted: true }, `Deleted client ${clientId}; its tokens are revoked.`);
    },
  );

  withJson(
    client
      .command('rotate-secret')
      .description('generate a new secret, shown once; the old one stops working and the client’s tokens are revoked')
      .argument('<client-id>'),
  ).action(async (clientId: string, options: JsonOption) => {
    const secret = await asOperator((ctx) => rotateClientSecret(ctx, clientId, OPERATOR));
    print(
      options,
      { clientId, secret },
      `New secret of ${clientId}, shown only this once: ${secret}\nThe old secret no longer works; the client's tokens are revoked.`,
    );
  });

  withJson(client.command('revoke-tokens').description('revoke every token the client holds (the client stays)').argument('<client-id>')).action(
    async (clientId: string, options: JsonOption) => {
      await asOperator((ctx) => revokeClientGrants(ctx, clientId, OPERATOR));
      print(options, { clientId, revoked: true }, `Revoked every token of ${clientId}.`);
    },
  );
}
