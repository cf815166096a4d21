// Resource indicators (RFC 8707, issue 14 part 3): the apply file's `resources:` entries, each a
// resource server by its absolute URI (no fragment) with the scopes it accepts. A change is in
// force on every instance with the catalog, and audited.
import { resourceUriProblem, type Resource } from '../domain/resource.js';
import { isBuiltInScope } from '../domain/scope.js';
import { checkedActor, type Actor } from './actor.js';
import { recordChange } from './admin-audit.js';
import type { AdminContext } from './admin-context.js';
import { UNCHANGED, type Upserted } from './outcome.js';
import { sameList } from './same-list.js';
import { ValidationError } from './validation-error.js';

export interface ResourceInput {
  uri: string;
  scopes?: string[];
}

async function validateResource(ctx: AdminContext, input: ResourceInput): Promise<Resource> {
  const problem = resourceUriProblem(input.uri);
  if (problem) throw new ValidationError('uri', problem);
  const scopes = [...new Set(input.scopes ?? [])].sort();
  for (const scope of scopes) {
    if (!(isBuiltInScope(scope) || (await ctx.store.scopes.get(scope)))) throw new ValidationError('scopes', `no scope "${scope}" exists`);
  }
  return { uri: input.uri, scopes };
}

/** Makes the resource exist as written. */
export async function upsertResource(ctx: AdminContext, input: ResourceInput, actor: Actor): Promise<Upserted> {
  checkedActor(actor);
  const resource = await validateResource(ctx, input);
  const existing = await ctx.store.resources.get(resource.uri);
  if (existing && sameList(existing.scopes, resource.scopes)) return UNCHANGED;
  await ctx.store.resources.upsert(resource);
  const outcome = existing ? 'updated' : 'created';
  await recordChange(ctx, actor, { event: `admin.resource.${outcome}`, detail: existing ? `${resource.uri}: scopes` : resource.uri });
  await ctx.views.catalog();
  return { outcome, changed: existing ? ['scopes'] : [] };
}
