// Rotating a signing key now: the published next key (or a new one) starts signing; the old one
// stays published until its tokens expire (src/oauth/signing-keys.ts).
import type { SigningAlg } from '../crypto/keys.js';
import { ensureSigningKeys, rotateSigningKey } from '../oauth/signing-keys.js';
import type { KeyUse, SigningKeyRow } from '../store/store.js';
import { checkedActor, type Actor } from './actor.js';
import { recordChange } from './admin-audit.js';
import type { AdminContext } from './admin-context.js';

export async function rotateKey(ctx: AdminContext, options: { use: KeyUse; alg?: SigningAlg }, actor: Actor): Promise<SigningKeyRow> {
  checkedActor(actor);
  // a store nothing has served yet (the CLI before the first start) has no key to rotate from
  await ensureSigningKeys(ctx.store, ctx.keySecret, ctx.clock);
  const key = await rotateSigningKey(ctx.store, ctx.keySecret, ctx.clock, options.use, options.alg);
  await recordChange(ctx, actor, { event: 'admin.keys.rotated', detail: `${options.use} ${key.kid}` });
  await ctx.views.keys();
  return key;
}
