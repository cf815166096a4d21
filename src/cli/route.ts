// `gatehouse route …`: the gate routes in the database (issue 12), as `apply` set them: list and
// show. Routes are changed through the apply file, the admin API or the console.
import type { Command } from 'commander';
import { getRoute, listRoutes } from '../admin/gate-routes.js';
import { type GateRoute, gateRouteDocument } from '../domain/gate-route.js';
import { asOperator, details, print, table, withJson, type JsonOption } from './cli-kit.js';

const access = (r: GateRoute): string => (r.public ? 'public' : [r.auth.join('|'), r.permission && `"${r.permission}"`, ...r.scopes].filter(Boolean).join(' '));

export function routeCommand(program: Command): void {
  const route = program.command('route').description('gate routes: the APIs Gatehouse protects (set them with apply)');

  withJson(route.command('list').description('list the gate routes, in the order they were written')).action(async (options: JsonOption) => {
    const routes = await asOperator((ctx) => listRoutes(ctx));
    const rows = routes.map((r) => [r.name, r.path, r.methods?.join(',') ?? 'any', access(r), r.upstream ?? '(forward-auth only)']);
    print(options, routes.map(gateRouteDocument), routes.length ? table([['ROUTE', 'PATH', 'METHODS', 'ACCESS', 'UPSTREAM'], ...rows]) : 'No routes.');
  });

  withJson(route.command('show').description('a gate route, every field').argument('<name>')).action(async (name: string, options: JsonOption) => {
    const found = await asOperator((ctx) => getRoute(ctx, name));
    print(options, gateRouteDocument(found), details({ ...found, methods: found.methods ?? ['any'] }));
  });
}
