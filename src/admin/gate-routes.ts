// Operations on gate routes (issue 12): the whole set made exactly as written (`apply`), one route
// put or deleted (admin API, console). Every change is checked as a set (unique names, no two
// routes with one path and a common method), audited, and announced so every instance reloads.
import { checkGateRouteSet, type GateRoute, GateRouteError, parseGateRoute } from '../domain/gate-route.js';
import type { Actor } from './actor.js';
import { namedFields, recordChange } from './admin-audit.js';
import type { AdminContext } from './admin-context.js';
import type { Outcome } from './outcome.js';
import { NotFoundError, ValidationError } from './validation-error.js';

/** A route from operator input; a refusal names the field, under `prefix` when given (`routes[2]`). */
export function parseRouteInput(input: unknown, prefix = ''): GateRoute {
  try {
    return parseGateRoute(input);
  } catch (error) {
    if (error instanceof GateRouteError)
      throw new ValidationError(prefix ? `${prefix}.${error.field}` : error.field, error.message.slice(error.field.length + 2));
    throw error;
  }
}

function checkSet(routes: readonly GateRoute[], name?: (i: number) => string): void {
  try {
    checkGateRouteSet(routes);
  } catch (error) {
    if (!(error instanceof GateRouteError)) throw error;
    // the domain names `routes[i].field`; a single put names the field alone
    const field = name ? error.field : (error.field.split('.').pop() ?? error.field);
    throw new ValidationError(field, error.message.slice(error.field.length + 2));
  }
}

/** Which fields differ between two versions of a route (names only). */
function changedFields(before: GateRoute, after: GateRoute): string[] {
  return (Object.keys(after) as (keyof GateRoute)[]).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/** Parses every route of an apply file, before its transaction opens; refusals named `routes[i].field`. */
export function parseRouteSet(inputs: readonly unknown[]): GateRoute[] {
  const routes = inputs.map((input, i) => parseRouteInput(input, `routes[${i}]`));
  checkSet(routes, (i) => `routes[${i}]`);
  return routes;
}

/** Makes the stored routes exactly `routes` (in one transaction: apply's); reports each by name, and those removed. */
export async function replaceRoutes(ctx: AdminContext, routes: readonly GateRoute[], actor: Actor): Promise<Record<string, Outcome | 'removed'>> {
  const before = new Map((await ctx.store.gateRoutes.list()).map((r) => [r.name, r]));
  const report: Record<string, Outcome | 'removed'> = {};
  for (const route of routes) {
    const old = before.get(route.name);
    report[route.name] = !old ? 'created' : changedFields(old, route).length > 0 ? 'updated' : 'unchanged';
  }
  for (const name of before.keys()) if (!routes.some((r) => r.name === name)) report[name] = 'removed';
  const order = (list: readonly GateRoute[]) => list.map((r) => r.name).join('\n');
  const same = order([...before.values()]) === order(routes) && Object.values(report).every((o) => o === 'unchanged');
  if (same) return report;
  await ctx.store.gateRoutes.replaceAll(routes);
  const touched = Object.entries(report).filter(([, outcome]) => outcome !== 'unchanged');
  await recordChange(ctx, actor, {
    event: 'admin.gate_routes.replaced',
    detail: namedFields(
      'routes',
      touched.map(([name, outcome]) => `${name}=${outcome}`),
    ),
  });
  return report;
}

export async function listRoutes(ctx: AdminContext): Promise<GateRoute[]> {
  return ctx.store.gateRoutes.list();
}

export async function getRoute(ctx: AdminContext, name: string): Promise<GateRoute> {
  const route = await ctx.store.gateRoutes.get(name);
  if (!route) throw new NotFoundError(`no route "${name}"`);
  return route;
}

/** Creates or replaces route `name` (the input's name must match). */
export async function putRoute(ctx: AdminContext, name: string, input: unknown, actor: Actor): Promise<{ route: GateRoute; outcome: Outcome }> {
  const route = parseRouteInput(input);
  if (route.name !== name) throw new ValidationError('name', `must be "${name}", the route this request names`);
  return ctx.store.transaction(async (store) => {
    const existing = await store.gateRoutes.list();
    const old = existing.find((r) => r.name === name);
    checkSet(existing.some((r) => r.name === name) ? existing.map((r) => (r.name === name ? route : r)) : [...existing, route]);
    if (old && changedFields(old, route).length === 0) return { route, outcome: 'unchanged' as const };
    await store.gateRoutes.upsert(route);
    const changed = old ? changedFields(old, route) : [];
    await recordChange({ ...ctx, store }, actor, { event: old ? 'admin.gate_route.updated' : 'admin.gate_route.created', detail: namedFields(name, changed) });
    return { route, outcome: old ? ('updated' as const) : ('created' as const) };
  });
}

export async function deleteRoute(ctx: AdminContext, name: string, actor: Actor): Promise<void> {
  await ctx.store.transaction(async (store) => {
    if (!(await store.gateRoutes.delete(name))) throw new NotFoundError(`no route "${name}"`);
    await recordChange({ ...ctx, store }, actor, { event: 'admin.gate_route.deleted', detail: name });
  });
}
