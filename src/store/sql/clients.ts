// OAuth clients (table clients), mapped field by field to the domain's Client.
import type { Kysely, Selectable } from 'kysely';
import { ACT_AS_ANYONE, type ActAs, type Client } from '../../domain/client.js';
import type { GrantType } from '../../domain/grant-types.js';
import type { ClientsTable, Database } from '../schema.js';
import type { ClientRepository } from '../repositories/clients.js';
import { bool, json, list, num, optNum, unstorable } from './columns.js';
import type { Notify } from './notify.js';

export function toActAs(text: string): ActAs {
  const value = JSON.parse(text) as unknown;
  return value === ACT_AS_ANYONE ? ACT_AS_ANYONE : (value as (number | string)[]).map(Number);
}

export function toClient(row: Selectable<ClientsTable>): Client {
  return {
    clientId: row.client_id,
    label: row.label,
    description: row.description,
    secretDigest: row.secret_digest,
    confidential: row.confidential === 1,
    grantTypes: list(row.grant_types) as GrantType[],
    redirectUris: list(row.redirect_uris),
    scopes: list(row.scopes),
    authorizationCodeScopes: list(row.authorization_code_scopes),
    userId: optNum(row.user_id),
    actAs: toActAs(row.act_as),
    pkce: row.pkce === 1,
    automaticAuthorization: row.automatic_authorization === 1,
    rememberApproval: row.remember_approval === 1,
    accessTokenExpiration: num(row.access_token_expiration),
    refreshTokenExpiration: num(row.refresh_token_expiration),
    refreshFamilyLifetime: num(row.refresh_family_lifetime),
    refreshReuseInterval: num(row.refresh_reuse_interval),
    status: row.status === 1,
    created: num(row.created),
    changed: num(row.changed),
  };
}

export function fromClient(client: Client): ClientsTable {
  return {
    client_id: client.clientId,
    label: client.label,
    description: client.description,
    secret_digest: client.secretDigest,
    confidential: bool(client.confidential),
    grant_types: json(client.grantTypes),
    redirect_uris: json(client.redirectUris),
    scopes: json(client.scopes),
    authorization_code_scopes: json(client.authorizationCodeScopes),
    user_id: client.userId,
    act_as: json(client.actAs),
    pkce: bool(client.pkce),
    automatic_authorization: bool(client.automaticAuthorization),
    remember_approval: bool(client.rememberApproval),
    access_token_expiration: client.accessTokenExpiration,
    refresh_token_expiration: client.refreshTokenExpiration,
    refresh_family_lifetime: client.refreshFamilyLifetime,
    refresh_reuse_interval: client.refreshReuseInterval,
    status: bool(client.status),
    created: client.created,
    changed: client.changed,
  };
}

export class SqlClients implements ClientRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async get(clientId: string): Promise<Client | null> {
    if (unstorable(clientId)) return null;
    const row = await this.db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return row ? toClient(row) : null;
  }

  async list(): Promise<Client[]> {
    return (await this.db.selectFrom('clients').selectAll().orderBy('client_id').execute()).map(toClient);
  }

  async create(client: Client): Promise<void> {
    await this.db.insertInto('clients').values(fromClient(client)).execute();
    await this.notify('clients', client.clientId);
  }

  async update(client: Client): Promise<void> {
    const { client_id: id, ...rest } = fromClient(client);
    await this.db.updateTable('clients').set(rest).where('client_id', '=', id).execute();
    await this.notify('clients', id);
  }

  async delete(clientId: string): Promise<boolean> {
    if (unstorable(clientId)) return false;
    const result = await this.db.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
    await this.notify('clients', clientId);
    return Number(result.numDeletedRows) === 1;
  }
}
