// Custom claims (issue 14 part 5): the apply file's `claims:` entries, one mapping per scope of
// the claims its access tokens and ID tokens carry. A registered claim, an unknown `$user.…`
// reference or an unknown scope is refused naming the field; a change is in force on every
// instance with the catalog (roles and scopes), and audited.
import { claimTemplateProblem, type ClaimMapping, type ClaimTemplate } from '../domain/claim-mapping.js';
import { isBuiltInScope } from '../domain/scope.js';
import { sameFields } from '../domain/user-fields.js';
import { checkedActor, type Actor } from './actor.js';
import { recordChange } from './admin-audit.js';
import type { AdminContext } from './admin-context.js';
import { UNCHANGED, type Upserted } from './outcome.js';
import { ValidationError } from './validation-error.js';

export interface ClaimMappingInput {
  scope: string;
  accessToken?: ClaimTemplate;
  idToken?: ClaimTemplate;
}

function checkTemplate(field: 'accessToken' | 'idToken', template: unknown): ClaimTemplate {
  if (template === undefined) return {};
  const problem = claimTemplateProblem(template);
  if (problem) throw new ValidationError(problem.claim ? `${field}.${problem.claim}` : field, problem.message);
  return template as ClaimTemplate;
}

async function validateMapping(ctx: AdminContext, input: ClaimMappingInput): Promise<ClaimMapping> {
  if (typeof input.scope !== 'string' || !(isBuiltInScope(input.scope) || (await ctx.store.scopes.get(input.scope))))
    throw new ValidationError('scope', `no scope "${String(input.scope)}" exists`);
  const mapping = { scope: input.scope, accessToken: checkTemplate('accessToken', input.accessToken), idToken: checkTemplate('idToken', input.idToken) };
  if (Object.keys(mapping.accessToken).length === 0 && Object.keys(mapping.idToken).length === 0)
    throw new ValidationError('accessToken', 'maps no claim: give accessToken, idToken or both');
  return mapping;
}

/** Makes the scope's mapping exactly as written (what is left out is removed from it). */
export async function upsertClaimMapping(ctx: AdminContext, input: ClaimMappingInput, actor: Actor): Promise<Upserted> {
  checkedActor(actor);
  const mapping = await validateMapping(ctx, input);
  const existing = await ctx.store.claimMappings.get(mapping.scope);
  const changed = existing ? (['accessToken', 'idToken'] as const).filter((kind) => !sameFields(existing[kind], mapping[kind])) : [];
  if (existing && changed.length === 0) return UNCHANGED;
  await ctx.store.claimMappings.upsert(mapping);
  const outcome = existing ? 'updated' : 'created';
  await recordChange(ctx, actor, { event: `admin.claims.${outcome}`, detail: changed.length ? `${mapping.scope}: ${changed.join(',')}` : mapping.scope });
  await ctx.views.catalog();
  return { outcome, changed: [...changed] };
}
