// `gatehouse scope …`: create, list, show, delete (refused while a client lists it or a scope
// names it as its parent). The built-in openid, profile and email are not rows.
import type { Command } from 'commander';
import { OPERATOR } from '../admin/actor.js';
import { deleteScope, upsertScope } from '../admin/scopes.js';
import { NotFoundError, ValidationError } from '../admin/validation-error.js';
import type { Scope } from '../domain/scope.js';
import { asOperator, collect, details, print, table, UsageError, withJson, type JsonOption } from './cli-kit.js';

const grants = (s: Scope): string => (s.umbrella ? '(umbrella)' : s.granularity === 'role' ? `role ${s.role}` : `permission "${s.permission}"`);

export function scopeCommand(program: Command): void {
  const scope = program.command('scope').description('scopes: what a token may be granted');

  withJson(
    scope
      .command('create')
      .description('create a scope granting one permission, or one role, or (umbrella) what its children grant')
      .argument('<name>', 'scope name (RFC 6749 §3.3 characters)')
      .requiredOption('--description <text>', 'shown on the consent page')
      .option('--permission <permission>', 'the permission it grants')
      .option('--role <role>', 'the role whose permissions it grants')
      .option('--grant <type>', 'a grant type that may ask for it (repeat for several; default all)', collect)
      .option('--umbrella', 'an umbrella scope: grants what its children grant')
      .option('--parent <scope>', 'the umbrella scope it belongs to'),
  ).action(
    async (
      name: string,
      options: JsonOption & { description: string; permission?: string; role?: string; grant?: string[]; umbrella?: boolean; parent?: string },
    ) => {
      const umbrella = options.umbrella === true;
      if (!umbrella && (options.permission === undefined) === (options.role === undefined))
        throw new UsageError('scope create needs exactly one of --permission or --role (or --umbrella)');
      const { outcome } = await asOperator(async (ctx, store) => {
        if (await store.scopes.get(name)) throw new ValidationError('name', `a scope "${name}" already exists`);
        return upsertScope(
          ctx,
          {
            name,
            description: options.description,
            grantTypes: options.grant,
            umbrella,
            parent: options.parent ?? null,
            permission: options.permission ?? null,
            role: options.role ?? null,
            granularity: umbrella ? null : options.role !== undefined ? 'role' : 'permission',
          },
          OPERATOR,
        );
      });
      print(options, { name, outcome }, `Created scope ${name}.`);
    },
  );

  withJson(scope.command('list').description('list the stored scopes (openid, profile and email are built in)')).action(async (options: JsonOption) => {
    const scopes = await asOperator((_ctx, store) => store.scopes.list());
    const rows = scopes.map((s) => [s.name, grants(s), s.parent ?? '-', s.grantTypes.join(','), s.description]);
    print(options, scopes, scopes.length ? table([['SCOPE', 'GRANTS', 'PARENT', 'GRANT TYPES', 'DESCRIPTION'], ...rows]) : 'No scopes.');
  });

  withJson(scope.command('show').description('a scope').argument('<name>')).action(async (name: string, options: JsonOption) => {
    const found = await asOperator((_ctx, store) => store.scopes.get(name));
    if (!found) throw new NotFoundError(`no scope "${name}" exists`);
    print(options, found, details({ ...found }));
  });

  withJson(scope.command('delete').description('delete a scope no client lists and no scope has as its parent').argument('<name>')).action(
    async (name: string, options: JsonOption) => {
      await asOperator((ctx) => deleteScope(ctx, name, OPERATOR));
      print(options, { name, deleted: true }, `Deleted scope ${name}.`);
    },
  );
}
