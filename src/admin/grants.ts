// Revoking one grant (a refresh-token family, as the admin API and the console list them): its
// refresh tokens and the access tokens issued from them.
import { revokeFamily } from '../oauth/revocation.js';
import { checkedActor, type Actor } from './actor.js';
import { recordChange } from './admin-audit.js';
import type { AdminContext } from './admin-context.js';
import { NotFoundError } from './validation-error.js';

export async function revokeGrant(ctx: AdminContext, familyId: string, actor: Actor): Promise<void> {
  checkedActor(actor);
  const rows = await ctx.store.transaction((store) => revokeFamily(store, ctx.clock, familyId));
  if (rows.length === 0) throw new NotFoundError(`no grant "${familyId}" exists`);
  await recordChange(ctx, actor, { event: 'admin.grant.revoked', clientId: rows[0].clientId, detail: familyId });
  await ctx.views.revocations();
}
