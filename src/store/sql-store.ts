// The one Store implementation: Kysely over SQLite or PostgreSQL. Row ↔ domain mapping lives
// here, one function per table; nothing above this file sees a column name.
import { createHash, randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import { ACT_AS_ANYONE, type ActAs, type Client } from '../domain/client.js';
import type { GrantType } from '../domain/grant-types.js';
import type { Role } from '../domain/role.js';
import type { Scope, ScopeGranularity } from '../domain/scope.js';
import type { User } from '../domain/user.js';
import type { Engine } from './engine.js';
import type { ChangeFeed, ChangeTopic } from './change-feed.js';
import { floodWait } from './flood-wait.js';
import { migrationProvider } from './migrations/index.js';
import type {
  AuthorizationCodesTable,
  ClientsTable,
  ConsentsTable,
  Database,
  RefreshTokensTable,
  RevocationsTable,
  ScopesTable,
  SigningKeysTable,
  UsersTable,
} from './schema.js';
import type {
  CleanupRepository,
  ExpiringKind,
  AuditEntry,
  AuditFilter,
  HourlyActivity,
  AuthorizationCodeRepository,
  AuthorizationCodeRow,
  ConsentRepository,
  ConsentRow,
  SessionRepository,
  SessionRow,
  AuditRepository,
  ClientRepository,
  FloodLimit,
  FloodRepository,
  FloodReservation,
  KeyState,
  KeyUse,
  NewUser,
  RefreshTokenRepository,
  RefreshTokenRow,
  ReissuedAccessToken,
  RevocationKind,
  RevocationRepository,
  RevocationRow,
  RoleRepository,
  ScopeRepository,
  SigningKeyRepository,
  SigningKeyRow,
  Store,
  UserPatch,
  UserRepository,
} from './store.js';

const json = (value: unknown): string => JSON.stringify(value);

type Notify = (topic: ChangeTopic) => Promise<void>;
/** PostgreSQL text cannot hold NUL: a key containing one names nothing, on every engine alike. */
const unstorable = (key: string): boolean => key.includes('\u0000');
const list = (text: string): string[] => JSON.parse(text) as string[];
const bool = (value: boolean): number => (value ? 1 : 0);
const num = (value: number | string | bigint): number => Number(value);
const optNum = (value: number | string | bigint | null): number | null => (value === null ? null : Number(value));

function toUser(row: Selectable<UsersTable>, roles: string[]): User {
  return {
    uid: num(row.uid),
    uuid: row.uuid,
    name: row.name,
    mail: row.mail,
    passHash: row.pass_hash,
    status: row.status === 1,
    langcode: row.langcode,
    preferredLangcode: row.preferred_langcode,
    preferredAdminLangcode: row.preferred_admin_langcode,
    timezone: row.timezone,
    created: num(row.created),
    changed: num(row.changed),
    access: num(row.access),
    login: num(row.login),
    init: row.init,
    roles: [...roles].sort(),
  };
}

function toActAs(text: string): ActAs {
  const value = JSON.parse(text) as unknown;
  return value === ACT_AS_ANYONE ? ACT_AS_ANYONE : (value as (number | string)[]).map(Number);
}

function toClient(row: Selectable<ClientsTable>): Client {
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

function fromClient(client: Client): ClientsTable {
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

function toScope(row: Selectable<ScopesTable>): Scope {
  return {
    name: row.name,
    description: row.description,
    grantTypes: list(row.grant_types) as GrantType[],
    umbrella: row.umbrella === 1,
    parent: row.parent,
    granularity: row.granularity as ScopeGranularity | null,
    permission: row.permission,
    role: row.role,
  };
}

function toKey(row: Selectable<SigningKeysTable>): SigningKeyRow {
  return {
    kid: row.kid,
    alg: row.alg,
    use: row.use as KeyUse,
    state: row.state as KeyState,
    publicJwk: row.public_jwk,
    privateKeyEncrypted: row.private_key_encrypted,
    createdAt: num(row.created_at),
    activatedAt: optNum(row.activated_at),
    retiredAt: optNum(row.retired_at),
    publishUntil: optNum(row.publish_until),
  };
}

function toRefresh(row: Selectable<RefreshTokensTable>): RefreshTokenRow {
  return {
    digest: row.digest,
    familyId: row.family_id,
    clientId: row.client_id,
    userId: num(row.user_id),
    scopes: list(row.scopes),
    issuedAt: num(row.issued_at),
    expiresAt: num(row.expires_at),
    accessJti: row.access_jti,
    accessExpiresAt: num(row.access_expires_at),
    spentAt: optNum(row.spent_at),
    revokedAt: optNum(row.revoked_at),
    familyStartedAt: num(row.family_started_at ?? row.issued_at),
    successorSealed: row.successor_sealed,
    reuseUntil: optNum(row.reuse_until),
  };
}

function toRevocation(row: Selectable<RevocationsTable>): RevocationRow {
  return { id: num(row.id), kind: row.kind as RevocationKind, subject: row.subject, at: num(row.at), expiresAt: num(row.expires_at) };
}

class SqlUsers implements UserRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  private async withRoles(row: Selectable<UsersTable> | undefined): Promise<User | null> {
    if (!row) return null;
    const roles = await this.db.selectFrom('user_roles').select('role_id').where('uid', '=', row.uid).execute();
    return toUser(
      row,
      roles.map((r) => r.role_id),
    );
  }

  async findById(uid: number): Promise<User | null> {
    if (!Number.isSafeInteger(uid)) return null;
    return this.withRoles(await this.db.selectFrom('users').selectAll().where('uid', '=', uid).executeTakeFirst());
  }

  async findByName(name: string): Promise<User | null> {
    if (unstorable(name)) return null;
    return this.withRoles(await this.db.selectFrom('users').selectAll().where('name_key', '=', name.toLowerCase()).executeTakeFirst());
  }

  async findByMail(mail: string): Promise<User | null> {
    if (unstorable(mail)) return null;
    return this.withRoles(await this.db.selectFrom('users').selectAll().where('mail', '=', mail).where('uid', '!=', 0).orderBy('uid').executeTakeFirst());
  }

  async create(user: NewUser): Promise<User> {
    const now = Math.floor(Date.now() / 1000);
    const values = {
      uuid: user.uuid ?? randomUUID(),
      name: user.name,
      name_key: user.name.toLowerCase(),
      mail: user.mail,
      pass_hash: user.passHash,
      status: bool(user.status),
      langcode: user.langcode,
      preferred_langcode: user.preferredLangcode,
      preferred_admin_langcode: user.preferredAdminLangcode,
      timezone: user.timezone,
      created: user.created ?? now,
      changed: user.changed ?? now,
      access: 0,
      login: 0,
      init: user.init,
    };
    const inserted = await this.db
      .insertInto('users')
      .values(user.uid === undefined ? values : { ...values, uid: user.uid })
      .returning('uid')
      .executeTakeFirstOrThrow();
    const uid = num(inserted.uid);
    await this.setRoles(uid, user.roles);
    await this.notify('users');
    return (await this.findById(uid))!;
  }

  private async setRoles(uid: number, roles: readonly string[]): Promise<void> {
    await this.db.deleteFrom('user_roles').where('uid', '=', uid).execute();
    const unique = [...new Set(roles)];
    if (unique.length)
      await this.db
        .insertInto('user_roles')
        .values(unique.map((role_id) => ({ uid, role_id })))
        .execute();
  }

  async update(uid: number, patch: UserPatch): Promise<User> {
    const values: Updateable<UsersTable> = {};
    if (patch.name !== undefined) {
      values.name = patch.name;
      values.name_key = patch.name.toLowerCase();
    }
    if (patch.mail !== undefined) values.mail = patch.mail;
    if (patch.passHash !== undefined) values.pass_hash = patch.passHash;
    if (patch.status !== undefined) values.status = bool(patch.status);
    if (patch.langcode !== undefined) values.langcode = patch.langcode;
    if (patch.preferredLangcode !== undefined) values.preferred_langcode = patch.preferredLangcode;
    if (patch.preferredAdminLangcode !== undefined) values.preferred_admin_langcode = patch.preferredAdminLangcode;
    if (patch.timezone !== undefined) values.timezone = patch.timezone;
    if (patch.changed !== undefined) values.changed = patch.changed;
    if (patch.access !== undefined) values.access = patch.access;
    if (patch.login !== undefined) values.login = patch.login;
    if (patch.init !== undefined) values.init = patch.init;
    if (Object.keys(values).length) await this.db.updateTable('users').set(values).where('uid', '=', uid).execute();
    if (patch.roles !== undefined) await this.setRoles(uid, patch.roles);
    await this.notify('users');
    const user = await this.findById(uid);
    if (!user) throw new Error(`no user ${uid}`);
    return user;
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('uid', '!=', 0)
      .executeTakeFirstOrThrow();
    return num(row.n as number);
  }

  async blockedIds(): Promise<number[]> {
    const rows = await this.db.selectFrom('users').select('uid').where('status', '=', 0).where('uid', '!=', 0).execute();
    return rows.map((r) => num(r.uid));
  }

  async search(filter: { query?: string; limit: number; offset: number }): Promise<{ users: User[]; total: number }> {
    if (filter.query !== undefined && unstorable(filter.query)) return { users: [], total: 0 };
    let query = this.db.selectFrom('users').where('uid', '!=', 0);
    const text = filter.query?.trim().toLowerCase();
    if (text) {
      const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), 'like', sql<string>`${pattern} ESCAPE '\\'`),
          eb(eb.fn('lower', ['mail']), 'like', sql<string>`${pattern} ESCAPE '\\'`),
        ]),
      );
    }
    const [{ n }] = await query.select((eb) => eb.fn.countAll().as('n')).execute();
    const rows = await query.selectAll().orderBy('uid').limit(filter.limit).offset(filter.offset).execute();
    const users = await Promise.all(rows.map((row) => this.withRoles(row)));
    return { users: users as User[], total: num(n as number) };
  }

  async countActiveWithRoles(roleIds: readonly string[], exceptUid: number): Promise<number> {
    if (roleIds.length === 0) return 0;
    const row = await this.db
      .selectFrom('users')
      .innerJoin('user_roles', 'user_roles.uid', 'users.uid')
      .select((eb) => eb.fn.count('users.uid').distinct().as('n'))
      .where('users.status', '=', 1)
      .where('users.uid', '!=', exceptUid)
      .where('user_roles.role_id', 'in', [...roleIds])
      .executeTakeFirstOrThrow();
    return num(row.n as number);
  }
}

class SqlRoles implements RoleRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async list(): Promise<Role[]> {
    const rows = await this.db.selectFrom('roles').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, label: r.label, permissions: list(r.permissions), isAdmin: r.is_admin === 1 }));
  }

  async get(id: string): Promise<Role | null> {
    if (unstorable(id)) return null;
    const r = await this.db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, label: r.label, permissions: list(r.permissions), isAdmin: r.is_admin === 1 } : null;
  }

  async upsert(role: Role): Promise<void> {
    const values = { id: role.id, label: role.label, permissions: json(role.permissions), is_admin: bool(role.isAdmin) };
    await this.db
      .insertInto('roles')
      .values(values)
      .onConflict((oc) => oc.column('id').doUpdateSet({ label: values.label, permissions: values.permissions, is_admin: values.is_admin }))
      .execute();
    await this.notify('catalog');
  }

  async delete(id: string): Promise<boolean> {
    if (unstorable(id)) return false;
    const result = await this.db.deleteFrom('roles').where('id', '=', id).executeTakeFirst();
    await this.notify('catalog');
    // the assignments went with it (ON DELETE CASCADE): cached users must be read again
    await this.notify('users');
    return Number(result.numDeletedRows) === 1;
  }

  async holders(id: string, limit: number): Promise<{ names: string[]; total: number }> {
    if (unstorable(id)) return { names: [], total: 0 };
    const held = this.db.selectFrom('users').innerJoin('user_roles', 'user_roles.uid', 'users.uid').where('user_roles.role_id', '=', id);
    const [{ n }] = await held.select((eb) => eb.fn.countAll().as('n')).execute();
    const rows = await held.select('users.name').orderBy('users.name_key').limit(limit).execute();
    return { names: rows.map((r) => r.name), total: num(n as number) };
  }
}

class SqlScopes implements ScopeRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async list(): Promise<Scope[]> {
    return (await this.db.selectFrom('scopes').selectAll().orderBy('name').execute()).map(toScope);
  }

  async get(name: string): Promise<Scope | null> {
    if (unstorable(name)) return null;
    const row = await this.db.selectFrom('scopes').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toScope(row) : null;
  }

  async upsert(scope: Scope): Promise<void> {
    const values: ScopesTable = {
      name: scope.name,
      description: scope.description,
      grant_types: json(scope.grantTypes),
      umbrella: bool(scope.umbrella),
      parent: scope.parent,
      granularity: scope.granularity,
      permission: scope.permission,
      role: scope.role,
    };
    const { name: _name, ...rest } = values;
    await this.db
      .insertInto('scopes')
      .values(values)
      .onConflict((oc) => oc.column('name').doUpdateSet(rest))
      .execute();
    await this.notify('catalog');
  }

  async delete(name: string): Promise<boolean> {
    if (unstorable(name)) return false;
    const result = await this.db.deleteFrom('scopes').where('name', '=', name).executeTakeFirst();
    await this.notify('catalog');
    return Number(result.numDeletedRows) === 1;
  }
}

class SqlClients implements ClientRepository {
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
    await this.notify('clients');
  }

  async update(client: Client): Promise<void> {
    const { client_id: id, ...rest } = fromClient(client);
    await this.db.updateTable('clients').set(rest).where('client_id', '=', id).execute();
    await this.notify('clients');
  }

  async delete(clientId: string): Promise<boolean> {
    if (unstorable(clientId)) return false;
    const result = await this.db.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
    await this.notify('clients');
    return Number(result.numDeletedRows) === 1;
  }
}

class SqlKeys implements SigningKeyRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async list(): Promise<SigningKeyRow[]> {
    return (await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute()).map(toKey);
  }

  async insert(key: SigningKeyRow): Promise<void> {
    await this.db
      .insertInto('signing_keys')
      .values({
        kid: key.kid,
        alg: key.alg,
        use: key.use,
        state: key.state,
        public_jwk: key.publicJwk,
        private_key_encrypted: key.privateKeyEncrypted,
        created_at: key.createdAt,
        activated_at: key.activatedAt,
        retired_at: key.retiredAt,
        publish_until: key.publishUntil,
      })
      .execute();
    await this.notify('keys');
  }

  async update(kid: string, patch: Partial<Pick<SigningKeyRow, 'state' | 'activatedAt' | 'retiredAt' | 'publishUntil'>>): Promise<void> {
    const values: Partial<SigningKeysTable> = {};
    if (patch.state !== undefined) values.state = patch.state;
    if (patch.activatedAt !== undefined) values.activated_at = patch.activatedAt;
    if (patch.retiredAt !== undefined) values.retired_at = patch.retiredAt;
    if (patch.publishUntil !== undefined) values.publish_until = patch.publishUntil;
    if (Object.keys(values).length) await this.db.updateTable('signing_keys').set(values).where('kid', '=', kid).execute();
    await this.notify('keys');
  }

  async deleteUnpublished(now: number): Promise<number> {
    const result = await this.db
      .deleteFrom('signing_keys')
      .where('state', '=', 'retired')
      .where('publish_until', 'is not', null)
      .where('publish_until', '<=', now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** A revoked token has nothing left to hand out: its sealed successor goes with it. */
const revoked = (at: number) => ({ revoked_at: at, successor_sealed: null, reuse_until: null });

class SqlRefreshTokens implements RefreshTokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: RefreshTokenRow): Promise<void> {
    await this.db
      .insertInto('refresh_tokens')
      .values({
        digest: row.digest,
        family_id: row.familyId,
        client_id: row.clientId,
        user_id: row.userId,
        scopes: json(row.scopes),
        issued_at: row.issuedAt,
        expires_at: row.expiresAt,
        access_jti: row.accessJti,
        access_expires_at: row.accessExpiresAt,
        spent_at: row.spentAt,
        revoked_at: row.revokedAt,
        family_started_at: row.familyStartedAt,
        successor_sealed: row.successorSealed,
        reuse_until: row.reuseUntil,
      })
      .execute();
  }

  async findByDigest(digest: string): Promise<RefreshTokenRow | null> {
    const row = await this.db.selectFrom('refresh_tokens').selectAll().where('digest', '=', digest).executeTakeFirst();
    return row ? toRefresh(row) : null;
  }

  async spend(digest: string, at: number, successor?: { sealed: string; until: number }): Promise<boolean> {
    // one conditional UPDATE: of two concurrent refreshes, exactly one changes the row, and the
    // sealed successor is there for the other the moment the spend is
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ spent_at: at, successor_sealed: successor?.sealed ?? null, reuse_until: successor?.until ?? null })
      .where('digest', '=', digest)
      .where('spent_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async recordReissue(successorDigest: string, access: ReissuedAccessToken): Promise<boolean> {
    const inTransaction = <T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> =>
      this.db.isTransaction ? fn(this.db) : this.db.transaction().execute(fn);
    return inTransaction(async (trx) => {
      // a no-op UPDATE that matches only a live successor: on PostgreSQL it locks the row against
      // a concurrent spend or family revocation until the access token below is recorded
      const live = await trx
        .updateTable('refresh_tokens')
        .set({ revoked_at: null })
        .where('digest', '=', successorDigest)
        .where('spent_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(live.numUpdatedRows) !== 1) return false;
      await trx.insertInto('reissued_access_tokens').values({ jti: access.jti, family_id: access.familyId, expires_at: access.expiresAt }).execute();
      return true;
    });
  }

  async revokeFamily(familyId: string, at: number): Promise<RefreshTokenRow[]> {
    await this.db.updateTable('refresh_tokens').set(revoked(at)).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
    return (await this.db.selectFrom('refresh_tokens').selectAll().where('family_id', '=', familyId).execute()).map(toRefresh);
  }

  async reissuedAccessTokens(familyId: string): Promise<ReissuedAccessToken[]> {
    const rows = await this.db.selectFrom('reissued_access_tokens').selectAll().where('family_id', '=', familyId).execute();
    return rows.map((r) => ({ jti: r.jti, familyId: r.family_id, expiresAt: num(r.expires_at) }));
  }

  async revokeByUser(userId: number, at: number): Promise<number> {
    const r = await this.db.updateTable('refresh_tokens').set(revoked(at)).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async revokeByClient(clientId: string, at: number): Promise<number> {
    const r = await this.db.updateTable('refresh_tokens').set(revoked(at)).where('client_id', '=', clientId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async revokeByUserAndClient(userId: number, clientId: string, at: number): Promise<number> {
    const r = await this.db
      .updateTable('refresh_tokens')
      .set(revoked(at))
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async active(owner: { userId: number } | { clientId: string }, now: number): Promise<RefreshTokenRow[]> {
    if ('clientId' in owner && unstorable(owner.clientId)) return [];
    let query = this.db.selectFrom('refresh_tokens').selectAll().where('spent_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', now);
    query = 'userId' in owner ? query.where('user_id', '=', owner.userId) : query.where('client_id', '=', owner.clientId);
    return (await query.orderBy('issued_at', 'desc').limit(1000).execute()).map(toRefresh);
  }
}

class SqlSessions implements SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: SessionRow): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ digest: row.digest, user_id: row.userId, created_at: row.createdAt, auth_time: row.authTime, expires_at: row.expiresAt })
      .execute();
  }

  async get(digest: string): Promise<SessionRow | null> {
    const r = await this.db.selectFrom('sessions').selectAll().where('digest', '=', digest).executeTakeFirst();
    return r ? { digest: r.digest, userId: num(r.user_id), createdAt: num(r.created_at), authTime: num(r.auth_time), expiresAt: num(r.expires_at) } : null;
  }

  async delete(digest: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('digest', '=', digest).execute();
  }

  async deleteByUser(userId: number): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

function toCode(r: Selectable<AuthorizationCodesTable>): AuthorizationCodeRow {
  return {
    digest: r.digest,
    clientId: r.client_id,
    userId: num(r.user_id),
    redirectUri: r.redirect_uri,
    redirectUriGiven: r.redirect_uri_given === 1,
    scopes: list(r.scopes),
    codeChallenge: r.code_challenge,
    codeChallengeMethod: r.code_challenge_method,
    nonce: r.nonce,
    authTime: num(r.auth_time),
    issuedAt: num(r.issued_at),
    issuedMs: num(r.issued_ms ?? num(r.issued_at) * 1000),
    expiresAt: num(r.expires_at),
    usedAt: optNum(r.used_at),
    familyId: r.family_id,
    accessJti: r.access_jti,
    accessExpiresAt: optNum(r.access_expires_at),
  };
}

class SqlCodes implements AuthorizationCodeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: AuthorizationCodeRow): Promise<void> {
    await this.db
      .insertInto('authorization_codes')
      .values({
        digest: row.digest,
        client_id: row.clientId,
        user_id: row.userId,
        redirect_uri: row.redirectUri,
        redirect_uri_given: bool(row.redirectUriGiven),
        scopes: json(row.scopes),
        code_challenge: row.codeChallenge,
        code_challenge_method: row.codeChallengeMethod,
        nonce: row.nonce,
        auth_time: row.authTime,
        issued_at: row.issuedAt,
        issued_ms: row.issuedMs,
        expires_at: row.expiresAt,
        used_at: row.usedAt,
        family_id: row.familyId,
        access_jti: row.accessJti,
        access_expires_at: row.accessExpiresAt,
      })
      .execute();
  }

  async findByDigest(digest: string): Promise<AuthorizationCodeRow | null> {
    const r = await this.db.selectFrom('authorization_codes').selectAll().where('digest', '=', digest).executeTakeFirst();
    return r ? toCode(r) : null;
  }

  async spend(digest: string, at: number, issued: { familyId: string | null; accessJti: string; accessExpiresAt: number }): Promise<boolean> {
    const r = await this.db
      .updateTable('authorization_codes')
      .set({ used_at: at, family_id: issued.familyId, access_jti: issued.accessJti, access_expires_at: issued.accessExpiresAt })
      .where('digest', '=', digest)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async voidUnused(userId: number, clientId?: string): Promise<number> {
    if (clientId !== undefined && unstorable(clientId)) return 0;
    let query = this.db.deleteFrom('authorization_codes').where('user_id', '=', userId).where('used_at', 'is', null);
    if (clientId !== undefined) query = query.where('client_id', '=', clientId);
    return Number((await query.executeTakeFirst()).numDeletedRows);
  }
}

class SqlConsents implements ConsentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private static row(r: Selectable<ConsentsTable>): ConsentRow {
    return { userId: num(r.user_id), clientId: r.client_id, scopes: list(r.scopes), grantedAt: num(r.granted_at) };
  }

  async get(userId: number, clientId: string): Promise<ConsentRow | null> {
    const r = await this.db.selectFrom('consents').selectAll().where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirst();
    return r ? SqlConsents.row(r) : null;
  }

  async upsert(row: ConsentRow): Promise<void> {
    const values = { user_id: row.userId, client_id: row.clientId, scopes: json(row.scopes), granted_at: row.grantedAt };
    await this.db
      .insertInto('consents')
      .values(values)
      .onConflict((oc) => oc.columns(['user_id', 'client_id']).doUpdateSet({ scopes: values.scopes, granted_at: values.granted_at }))
      .execute();
  }

  async delete(userId: number, clientId: string): Promise<void> {
    await this.db.deleteFrom('consents').where('user_id', '=', userId).where('client_id', '=', clientId).execute();
  }

  async deleteByUser(userId: number): Promise<number> {
    return Number((await this.db.deleteFrom('consents').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows);
  }

  async listByUser(userId: number): Promise<ConsentRow[]> {
    return (await this.db.selectFrom('consents').selectAll().where('user_id', '=', userId).orderBy('client_id').execute()).map(SqlConsents.row);
  }
}

class SqlRevocations implements RevocationRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async add(rows: Omit<RevocationRow, 'id'>[]): Promise<void> {
    if (!rows.length) return;
    await this.db
      .insertInto('revocations')
      .values(rows.map((r) => ({ kind: r.kind, subject: r.subject, at: r.at, expires_at: r.expiresAt })))
      .execute();
    await this.notify('revocations');
  }

  async since(afterId: number, limit: number): Promise<RevocationRow[]> {
    return (await this.db.selectFrom('revocations').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute()).map(toRevocation);
  }

  async active(now: number): Promise<RevocationRow[]> {
    return (await this.db.selectFrom('revocations').selectAll().where('expires_at', '>', now).orderBy('id').execute()).map(toRevocation);
  }

  async latestId(): Promise<number> {
    const row = await this.db
      .selectFrom('revocations')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return row?.id == null ? 0 : num(row.id as number);
  }
}

/** A PostgreSQL advisory-lock id per flood counter (64 bits of SHA-256: collisions only serialize). */
function floodLockId(limit: FloodLimit): bigint {
  return createHash('sha256').update(`gatehouse flood\u0000${limit.event}\u0000${limit.identifier}`).digest().readBigInt64BE(0);
}

class SqlFlood implements FloodRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
  ) {}

  async reserve(limits: readonly FloodLimit[], at: number): Promise<{ reserved: FloodReservation } | { retryAfter: number }> {
    if (!limits.length) return { reserved: [] };
    let rows: { id: number | string; event: string; identifier: string }[];
    if (this.engine === 'postgres') {
      // READ COMMITTED lets two statements count the same rows: each counter's lock is held
      // from before its count to the commit, taken in one global order so no two wait on each other
      const locks = [...new Set(limits.map(floodLockId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const lockAndInsert = async (trx: Kysely<Database>) => {
        for (const id of locks) await sql`SELECT pg_advisory_xact_lock(CAST(${id.toString()} AS bigint))`.execute(trx);
        return (await reserveStatement(limits, at).execute(trx)).rows;
      };
      rows = this.db.isTransaction ? await lockAndInsert(this.db) : await this.db.transaction().execute(lockAndInsert);
    } else {
      // one statement: SQLite takes the write lock before it reads, so the statement is atomic
      // across connections and processes
      rows = (await reserveStatement(limits, at).execute(this.db)).rows;
    }
    if (rows.length) return { reserved: rows.map((r) => ({ event: r.event, identifier: r.identifier, id: String(r.id) })) };
    return { retryAfter: await this.retryAfter(limits, at) };
  }

  /** Seconds until every counter allows one more (read after a refusal; advisory, not atomic). */
  private async retryAfter(limits: readonly FloodLimit[], at: number): Promise<number> {
    const waits = await Promise.all(
      limits.map(async (limit) => {
        const row = await this.db
          .selectFrom('flood')
          .select('timestamp')
          .where('event', '=', limit.event)
          .where('identifier', '=', limit.identifier)
          .where('timestamp', '>', at - limit.window)
          .orderBy('timestamp', 'desc')
          .limit(1)
          .offset(limit.limit - 1)
          .executeTakeFirst();
        return floodWait(row ? num(row.timestamp) : null, limit.window, at) ?? 1;
      }),
    );
    return Math.max(1, ...waits);
  }

  async release(reservation: FloodReservation): Promise<void> {
    const ids = reservation.map((r) => Number(r.id)).filter((id) => Number.isSafeInteger(id));
    if (ids.length) await this.db.deleteFrom('flood').where('id', 'in', ids).execute();
  }

  async clear(event: string, identifier: string): Promise<void> {
    await this.db.deleteFrom('flood').where('event', '=', event).where('identifier', '=', identifier).execute();
  }
}

/**
 * INSERT one row per counter only if no counter is full, returning what it inserted: the counts
 * and the insert are a single statement (on PostgreSQL, run under the counters' locks).
 */
function reserveStatement(limits: readonly FloodLimit[], at: number) {
  const counters = sql.join(
    limits.map((l) => sql`(CAST(${l.event} AS text), CAST(${l.identifier} AS text), CAST(${l.limit} AS bigint), CAST(${l.window} AS bigint))`),
  );
  return sql<{ id: number | string; event: string; identifier: string }>`
    WITH counters(event, identifier, lim, win) AS (VALUES ${counters})
    INSERT INTO flood (event, identifier, timestamp, expiration)
    SELECT event, identifier, CAST(${at} AS bigint), CAST(${at} AS bigint) + win FROM counters
    WHERE NOT EXISTS (
      SELECT 1 FROM counters AS c
      WHERE (SELECT COUNT(*) FROM flood AS f WHERE f.event = c.event AND f.identifier = c.identifier AND f.timestamp > CAST(${at} AS bigint) - c.win) >= c.lim
    )
    RETURNING id, event, identifier`;
}

class SqlAudit implements AuditRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
  ) {}

  async append(entries: AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    // the hot path audits every token: one JSON parameter and a constant statement cost far
    // less than a statement with nine placeholders per row
    const rows = JSON.stringify(entries.map((e) => [e.at, e.event, e.outcome, e.userId, e.clientId, e.ip, e.endpoint, e.detail]));
    if (this.engine === 'postgres') {
      await sql`INSERT INTO audit_log (at, event, outcome, user_id, client_id, ip, endpoint, detail)
        SELECT (r->>0)::bigint, r->>1, r->>2, (r->>3)::bigint, r->>4, r->>5, r->>6, r->>7 FROM jsonb_array_elements(${rows}::jsonb) AS r`.execute(this.db);
    } else {
      await sql`INSERT INTO audit_log (at, event, outcome, user_id, client_id, ip, endpoint, detail)
        SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7 FROM json_each(${rows})`.execute(this.db);
    }
  }

  tail(limit: number, beforeId?: number): Promise<(AuditEntry & { id: number })[]> {
    return this.search({ limit, beforeId });
  }

  async hourlyActivity(sinceMs: number): Promise<HourlyActivity[]> {
    // a failed password check: the login form's failure, or a token request refused for bad credentials
    const { rows } = await sql<{ hour: number | string; issued: number | string; refreshed: number | string; failed: number | string }>`
      SELECT (at / 3600000) AS hour,
        SUM(CASE WHEN event = 'token.issued' THEN 1 ELSE 0 END) AS issued,
        SUM(CASE WHEN event = 'token.refreshed' THEN 1 ELSE 0 END) AS refreshed,
        SUM(CASE WHEN outcome = 'failure' AND (event = 'user.login' OR detail LIKE '%invalid_credentials') THEN 1 ELSE 0 END) AS failed
      FROM audit_log WHERE at >= ${sinceMs} GROUP BY (at / 3600000) ORDER BY 1`.execute(this.db);
    return rows.map((r) => ({ hour: Number(r.hour) * 3_600_000, issued: Number(r.issued), refreshed: Number(r.refreshed), failedLogins: Number(r.failed) }));
  }

  async search(filter: AuditFilter): Promise<(AuditEntry & { id: number })[]> {
    const { limit, beforeId } = filter;
    let query = this.db.selectFrom('audit_log').selectAll();
    if (beforeId !== undefined) query = query.where('id', '<', beforeId);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.clientId !== undefined) query = unstorable(filter.clientId) ? query.where(sql<boolean>`1 = 0`) : query.where('client_id', '=', filter.clientId);
    if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
    if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('at', '<', filter.to);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: num(r.id),
      at: num(r.at),
      event: r.event,
      outcome: r.outcome as 'success' | 'failure',
      userId: optNum(r.user_id),
      clientId: r.client_id,
      ip: r.ip,
      endpoint: r.endpoint,
      detail: r.detail,
    }));
  }
}

/** For each table: its key column and the column saying when a row stops mattering (seconds). */
const EXPIRY: Record<ExpiringKind, { key: string; column: string; ms?: boolean }> = {
  refresh_tokens: { key: 'digest', column: 'expires_at' },
  reissued_access_tokens: { key: 'jti', column: 'expires_at' },
  authorization_codes: { key: 'digest', column: 'expires_at' },
  revocations: { key: 'id', column: 'expires_at' },
  sessions: { key: 'digest', column: 'expires_at' },
  flood: { key: 'id', column: 'expiration' },
  audit_log: { key: 'id', column: 'at', ms: true },
};

class SqlCleanup implements CleanupRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async deleteExpired(what: ExpiringKind, before: number, limit: number): Promise<number> {
    const { key, column, ms } = EXPIRY[what];
    const cutoff = ms ? before * 1000 : before;
    // a bounded batch, in a form both engines accept (neither DELETE … LIMIT nor ctid is portable)
    const result =
      await sql`DELETE FROM ${sql.table(what)} WHERE ${sql.ref(key)} IN (SELECT ${sql.ref(key)} FROM ${sql.table(what)} WHERE ${sql.ref(column)} < ${cutoff} LIMIT ${limit})`.execute(
        this.db,
      );
    return Number(result.numAffectedRows ?? 0);
  }

  async eraseSealedSuccessors(before: number, limit: number): Promise<number> {
    const result = await sql`UPDATE refresh_tokens SET successor_sealed = NULL, reuse_until = NULL
      WHERE digest IN (SELECT digest FROM refresh_tokens WHERE reuse_until < ${before} LIMIT ${limit})`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }
}

export class SqlStore implements Store {
  readonly users: UserRepository;
  readonly roles: RoleRepository;
  readonly scopes: ScopeRepository;
  readonly clients: ClientRepository;
  readonly keys: SigningKeyRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly revocations: RevocationRepository;
  readonly flood: FloodRepository;
  readonly audit: AuditRepository;
  readonly sessions: SessionRepository;
  readonly codes: AuthorizationCodeRepository;
  readonly consents: ConsentRepository;
  readonly cleanup: CleanupRepository;

  constructor(
    private readonly db: Kysely<Database>,
    readonly engine: Engine,
    private readonly onClose: () => Promise<void> = async () => db.destroy(),
    readonly changes: ChangeFeed | null = null,
    /** PostgreSQL schema holding the tables, when not the default one */
    private readonly schema?: string,
  ) {
    // announced in the writer's transaction, so others hear of a change only once it is committed
    const notify: Notify = changes ? (topic) => changes.announce(db, topic) : async () => undefined;
    this.users = new SqlUsers(db, notify);
    this.roles = new SqlRoles(db, notify);
    this.scopes = new SqlScopes(db, notify);
    this.clients = new SqlClients(db, notify);
    this.keys = new SqlKeys(db, notify);
    this.refreshTokens = new SqlRefreshTokens(db);
    this.revocations = new SqlRevocations(db, notify);
    this.flood = new SqlFlood(db, engine);
    this.audit = new SqlAudit(db, engine);
    this.sessions = new SqlSessions(db);
    this.codes = new SqlCodes(db);
    this.consents = new SqlConsents(db);
    this.cleanup = new SqlCleanup(db);
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    // already inside one: the work joins it (Kysely has no nested transactions)
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new SqlStore(trx, this.engine, async () => undefined, this.changes, this.schema)));
  }

  async lock(name: string): Promise<void> {
    if (!this.db.isTransaction) throw new Error(`lock("${name}") outside a transaction would be released at once`);
    if (this.engine !== 'postgres') return; // BEGIN IMMEDIATE took the write lock (sqlite-dialect.ts)
    // per schema: deployments (and test schemas) sharing a database do not wait on each other
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${this.schema ?? ''}:${name}`}, 0))`.execute(this.db);
  }

  async migrate(): Promise<void> {
    // every start and every CLI command asks: with nothing pending, answer without the Migrator,
    // whose introspection reads the tables of every schema (below)
    if (await this.migrated()) return;
    for (let attempt = 1; ; attempt++) {
      // Kysely looks for its own tables by name in any schema unless told which: a kysely_migration
      // in another schema (a second deployment on the same database) would be taken for ours
      const migrator = new Migrator({ db: this.db, provider: migrationProvider(this.engine), migrationTableSchema: this.schema });
      const { error, results } = await migrator.migrateToLatest();
      if (!error) return;
      // Kysely's PostgreSQL introspection calls pg_get_serial_sequence() on every schema's tables:
      // another schema dropped meanwhile (another deployment's, a test's) fails it with `schema "…"
      // does not exist`. Not ours: the migration runs again.
      const vanished = /schema "([^"]+)" does not exist/.exec((error as Error).message ?? '')?.[1];
      if (this.engine === 'postgres' && vanished !== undefined && vanished !== (this.schema ?? 'public') && attempt < 10) {
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
        continue;
      }
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new Error(`database migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`);
    }
  }

  /** Whether every known migration is recorded as applied (false for a database never migrated). */
  private async migrated(): Promise<boolean> {
    const known = Object.keys(await migrationProvider(this.engine).getMigrations());
    try {
      // unqualified: PostgreSQL's search_path is the store's schema, as the Migrator's table is
      const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(this.db);
      const applied = new Set(rows.map((r) => r.name));
      return known.every((name) => applied.has(name));
    } catch {
      return false;
    }
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}
