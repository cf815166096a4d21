// Users and their roles (tables users, user_roles). Names are unique regardless of case
// (name_key); uid 0 is the anonymous account Drupal keeps.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { User } from '../../domain/user.js';
import type { UserFields } from '../../domain/user-fields.js';
import type { Database, UsersTable } from '../schema.js';
import type { NewUser, UserPatch, UserRepository } from '../repositories/users.js';
import { bool, json, num, unstorable } from './columns.js';
import type { Notify } from './notify.js';

export function toUser(row: Selectable<UsersTable>, roles: string[]): User {
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
    mailVerified: num(row.mail_verified) === 1,
    fields: JSON.parse(row.fields) as UserFields,
  };
}

export class SqlUsers implements UserRepository {
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
    // addresses compare without case, as Drupal's do (its unique-mail check is case-insensitive);
    // the exact spelling matches too, where the database's lower() knows only ASCII (SQLite)
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb.or([eb('mail', '=', mail), eb(sql`lower(mail)`, '=', mail.toLowerCase())]))
      .where('uid', '!=', 0)
      .orderBy('uid')
      .executeTakeFirst();
    return this.withRoles(row);
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
      mail_verified: bool(user.mailVerified ?? false),
      fields: json(user.fields ?? {}),
    };
    const inserted = await this.db
      .insertInto('users')
      .values(user.uid === undefined ? values : { ...values, uid: user.uid })
      .returning('uid')
      .executeTakeFirstOrThrow();
    const uid = num(inserted.uid);
    await this.setRoles(uid, user.roles);
    await this.notify('users', String(uid));
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

  private async unverifyIfChanged(uid: number, mail: string | null): Promise<void> {
    const query = this.db.updateTable('users').set({ mail_verified: 0 }).where('uid', '=', uid);
    await (mail === null ? query : query.where((eb) => eb.or([eb('mail', 'is', null), eb('mail', '!=', mail)]))).execute();
  }

  async update(uid: number, patch: UserPatch): Promise<User> {
    const values: Updateable<UsersTable> = {};
    if (patch.name !== undefined) {
      values.name = patch.name;
      values.name_key = patch.name.toLowerCase();
    }
    if (patch.mail !== undefined) {
      values.mail = patch.mail;
      // a new address is unverified until proved; the same address keeps its state
      if (patch.mailVerified === undefined) await this.unverifyIfChanged(uid, patch.mail);
    }
    if (patch.mailVerified !== undefined) values.mail_verified = bool(patch.mailVerified);
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
    if (patch.fields !== undefined) values.fields = json(patch.fields);
    if (Object.keys(values).length) await this.db.updateTable('users').set(values).where('uid', '=', uid).execute();
    if (patch.roles !== undefined) await this.setRoles(uid, patch.roles);
    await this.notify('users', String(uid));
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
