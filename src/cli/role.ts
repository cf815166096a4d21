// `gatehouse role …`: create, list, show, delete (refused while a user holds it or a scope grants
// it). `administrator` (every permission) and `authenticated` (everyone) are built in.
import type { Command } from 'commander';
import { OPERATOR } from '../admin/actor.js';
import { deleteRole, upsertRole, validateRole } from '../admin/roles.js';
import { NotFoundError, ValidationError } from '../admin/validation-error.js';
import { asOperator, collect, details, print, table, withJson, type JsonOption } from './cli-kit.js';

export function roleCommand(program: Command): void {
  const role = program.command('role').description('roles: the permissions users hold');

  withJson(
    role
      .command('create')
      .description('create a role')
      .argument('<id>', 'role id (lower-case letters, digits, _)')
      .option('--label <text>', 'the name shown to people (default: the id)')
      .option('--permission <permission>', 'a permission it grants (repeat for several)', collect)
      .option('--mfa-required', 'its holders must log in with a second factor'),
  ).action(async (id: string, options: JsonOption & { label?: string; permission?: string[]; mfaRequired?: boolean }) => {
    const input = { id, label: options.label, permissions: options.permission ?? [], mfaRequired: options.mfaRequired === true };
    validateRole(input);
    await asOperator(async (ctx, store) => {
      if (await store.roles.get(id)) throw new ValidationError('id', `a role "${id}" already exists`);
      await upsertRole(ctx, input, OPERATOR);
    });
    print(options, { id, permissions: input.permissions }, `Created role ${id}.`);
  });

  withJson(role.command('list').description('list roles')).action(async (options: JsonOption) => {
    const roles = await asOperator((_ctx, store) => store.roles.list());
    const rows = roles.map((r) => [r.id, r.label, r.isAdmin ? '(every permission)' : r.permissions.join(', ') || '-', r.mfaRequired ? 'required' : '-']);
    print(options, roles, table([['ROLE', 'LABEL', 'PERMISSIONS', 'MFA'], ...rows]));
  });

  withJson(role.command('show').description('a role and how many users hold it').argument('<id>')).action(async (id: string, options: JsonOption) => {
    const { found, holders } = await asOperator(async (_ctx, store) => ({ found: await store.roles.get(id), holders: await store.roles.holders(id, 20) }));
    if (!found) throw new NotFoundError(`no role "${id}" exists`);
    const data = { ...found, holders: holders.total };
    const more = holders.total > holders.names.length ? ` and ${holders.total - holders.names.length} more` : '';
    print(options, data, details({ ...found, holders: `${holders.total}${holders.total ? ` (${holders.names.join(', ')}${more})` : ''}` }));
  });

  withJson(role.command('delete').description('delete a role no user holds and no scope grants').argument('<id>')).action(
    async (id: string, options: JsonOption) => {
      await asOperator((ctx) => deleteRole(ctx, id, OPERATOR));
      print(options, { id, deleted: true }, `Deleted role ${id}.`);
    },
  );
}
