// `gatehouse user …`: create, list, show, update, block, unblock, set-password, revoke-tokens. A
// user is named by their user name; passwords come only on standard input (--password-stdin).
import type { Command } from 'commander';
import { OPERATOR } from '../admin/actor.js';
import type { AdminContext } from '../admin/admin-context.js';
import { blockUser, createUser, resetSecondFactors, revokeUserGrants, setUserPassword, unblockUser, updateUser, type UserInput } from '../admin/users.js';
import { NotFoundError } from '../admin/validation-error.js';
import { userView } from '../admin/views.js';
import type { User } from '../domain/user.js';
import { parseFieldValue, type UserFields } from '../domain/user-fields.js';
import type { Store } from '../store/store.js';
import { asOperator, collect, details, isoTime, print, readSecretFromStdin, table, UsageError, wholeNumber, withJson, type JsonOption } from './cli-kit.js';

async function named(store: Store, name: string): Promise<User> {
  const user = await store.users.findByName(name);
  if (!user || user.uid === 0) throw new NotFoundError(`no user named "${name}" exists`);
  return user;
}

const shown = (user: User) =>
  details({
    ...userView(user),
    created: isoTime(user.created),
    login: isoTime(user.login),
    fields: Object.keys(user.fields).length ? JSON.stringify(user.fields) : null,
  });

/** A one-user command: finds NAME, runs `change` as the operator, prints the user as it now is. */
function userAction(change: (ctx: AdminContext, user: User) => Promise<User>, said: (user: User) => string) {
  return async (name: string, options: JsonOption) => {
    const user = await asOperator(async (ctx, store) => change(ctx, await named(store, name)));
    print(options, userView(user), said(user));
  };
}

interface FieldOptions {
  field?: string[];
  unsetField?: string[];
}

/** What --field and --unset-field do to a user's fields, or null when neither is given. */
function fieldChanges(options: FieldOptions): ((current: UserFields) => UserFields) | null {
  if (!options.field?.length && !options.unsetField?.length) return null;
  const set = (options.field ?? []).map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--field takes NAME=VALUE, not "${pair}"`);
    return [pair.slice(0, at), parseFieldValue(pair.slice(at + 1))] as const;
  });
  return (current) => {
    const next: UserFields = { ...current };
    for (const name of options.unsetField ?? []) delete next[name];
    for (const [name, value] of set) next[name] = value;
    return next;
  };
}

export function userCommand(program: Command): void {
  const user = program.command('user').description('user accounts');

  withJson(
    user
      .command('create')
      .description('create a user; without --password-stdin a password is generated and shown once')
      .argument('<name>', 'user name')
      .requiredOption('--mail <address>', 'e-mail address')
      .option('--password-stdin', 'read the password from standard input')
      .option('--role <role>', 'a role to give (repeat for several)', collect)
      .option('--blocked', 'create the account blocked')
      .option('--field <name=value>', 'a field (text, or JSON: a number, true/false, an {object}); repeat for several', collect),
  ).action(async (name: string, options: JsonOption & { mail: string; passwordStdin?: boolean; role?: string[]; blocked?: boolean; field?: string[] }) => {
    const password = options.passwordStdin ? await readSecretFromStdin('--password-stdin') : undefined;
    const fields = fieldChanges({ field: options.field })?.({});
    const created = await asOperator((ctx) =>
      createUser(
        ctx,
        { name, mail: options.mail, password, roles: options.role ?? [], status: options.blocked !== true, ...(fields ? { fields } : {}) },
        OPERATOR,
      ),
    );
    const { user: made, password: generated } = created;
    const data = {
      uid: made.uid,
      name: made.name,
      mail: made.mail,
      roles: made.roles,
      status: made.status,
      fields: made.fields,
      ...(generated ? { password: generated } : {}),
    };
    print(options, data, `Created user ${made.name} (uid ${made.uid}).` + (generated ? ` Password, shown once: ${generated}` : ''));
  });

  withJson(
    user
      .command('list')
      .description('list users, a page at a time (newest last)')
      .option('--query <text>', 'only names or e-mail addresses containing this')
      .option('--limit <count>', 'at most this many (1 to 200)', wholeNumber('--limit', 1, 200), 50)
      .option('--offset <count>', 'skip this many', wholeNumber('--offset', 0, Number.MAX_SAFE_INTEGER), 0),
  ).action(async (options: JsonOption & { query?: string; limit: number; offset: number }) => {
    const { users, total } = await asOperator((_ctx, store) => store.users.search({ query: options.query, limit: options.limit, offset: options.offset }));
    const rows = users.map((u) => [String(u.uid), u.name, u.mail ?? '-', u.status ? 'active' : 'blocked', u.roles.join(',') || '-']);
    const text = users.length ? `${table([['UID', 'NAME', 'MAIL', 'STATUS', 'ROLES'], ...rows])}\n${users.length} of ${total}` : `No users (of ${total}).`;
    print(options, { users: users.map(userView), total }, text);
  });

  withJson(user.command('show').description("a user's account (never their password)").argument('<name>', 'user name')).action(
    async (name: string, options: JsonOption) => {
      const found = await asOperator((_ctx, store) => named(store, name));
      print(options, userView(found), shown(found));
    },
  );

  withJson(
    user
      .command('update')
      .description('change a user (options left out stay as they are); new roles revoke their tokens')
      .argument('<name>', 'user name')
      .option('--name <new-name>', 'a new user name')
      .option('--mail <address>', 'a new e-mail address')
      .option('--no-mail', 'remove the e-mail address')
      .option('--role <role>', 'the roles they hold, replacing the current ones (repeat for several)', collect)
      .option('--no-role', 'take every role away')
      .option('--timezone <zone>', 'their time zone (e.g. Europe/Paris)')
      .option('--field <name=value>', 'set a field (text, or JSON: a number, true/false, an {object}); repeat for several', collect)
      .option('--unset-field <name>', 'remove a field (repeat for several)', collect),
  ).action(async (name: string, options: JsonOption & { name?: string; mail?: string | false; role?: string[] | false; timezone?: string } & FieldOptions) => {
    const input: Partial<UserInput> = {};
    if (options.name !== undefined) input.name = options.name;
    if (options.mail !== undefined) input.mail = options.mail === false ? null : options.mail;
    if (options.role !== undefined) input.roles = options.role === false ? [] : options.role;
    if (options.timezone !== undefined) input.timezone = options.timezone;
    const fieldChange = fieldChanges(options);
    if (Object.keys(input).length === 0 && !fieldChange)
      throw new UsageError('user update needs something to change (--name, --mail, --no-mail, --role, --no-role, --timezone, --field, --unset-field)');
    await userAction(
      (ctx, found) => updateUser(ctx, found.uid, fieldChange ? { ...input, fields: fieldChange(found.fields) } : input, OPERATOR),
      (u) => `Updated user ${u.name}.\n${shown(u)}`,
    )(name, options);
  });

  withJson(
    user.command('block').description('block a user: they can no longer sign in, and every token they hold is revoked').argument('<name>', 'user name'),
  ).action(
    userAction(
      (ctx, found) => blockUser(ctx, found.uid, OPERATOR),
      (u) => `Blocked user ${u.name}; their tokens are revoked.`,
    ),
  );

  withJson(user.command('unblock').description('unblock a user').argument('<name>', 'user name')).action(
    userAction(
      (ctx, found) => unblockUser(ctx, found.uid, OPERATOR),
      (u) => `Unblocked user ${u.name}.`,
    ),
  );

  withJson(
    user
      .command('set-password')
      .description("set a user's password, read from standard input (never from the command line); revokes their tokens")
      .argument('<name>', 'user name')
      .option('--password-stdin', 'read the password from standard input (required)'),
  ).action(async (name: string, options: JsonOption & { passwordStdin?: boolean }) => {
    if (!options.passwordStdin) throw new UsageError('set-password reads the password from standard input only: pass --password-stdin and pipe it in');
    const password = await readSecretFromStdin('--password-stdin');
    await userAction(
      (ctx, found) => setUserPassword(ctx, found.uid, password, OPERATOR),
      (u) => `Set the password of ${u.name}; their tokens are revoked.`,
    )(name, options);
  });

  withJson(user.command('revoke-tokens').description('revoke every token a user holds (they stay able to sign in)').argument('<name>', 'user name')).action(
    async (name: string, options: JsonOption) => {
      const found = await asOperator(async (ctx, store) => {
        const target = await named(store, name);
        await revokeUserGrants(ctx, target.uid, OPERATOR);
        return target;
      });
      print(options, { name: found.name, revoked: true }, `Revoked every token of ${found.name}.`);
    },
  );

  withJson(
    user
      .command('reset-factors')
      .description("remove a user's second factors (authenticator app, recovery codes, passkeys): a lost phone or key")
      .argument('<name>', 'user name'),
  ).action(async (name: string, options: JsonOption) => {
    const found = await asOperator(async (ctx, store) => {
      const target = await named(store, name);
      await resetSecondFactors(ctx, target.uid, OPERATOR);
      return target;
    });
    print(options, { name: found.name, factorsReset: true }, `Removed every second factor of ${found.name}.`);
  });
}
