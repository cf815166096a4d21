// Operations on clients (Simple OAuth "consumers"): create, change, rotate the secret, revoke the
// tokens, delete. Each one checks the actor (src/admin/client-authority.ts), writes, revokes what
// the change ends, brings this process's revocation view up to date and writes its audit entry:
// the CLI, the admin API and the console only translate input and output.
import type { Client } from '../domain/client.js';
import { revokeClientTokens } from '../oauth/revocation.js';
import type { Store } from '../store/store.js';
import { checkedActor, type Actor } from './actor.js';
import { recordChange } from './admin-audit.js';
import type { AdminContext } from './admin-context.js';
import { requireMayConfigureClient } from './client-authority.js';
import { changedClientFields, checkedSecret, clientFrom, type ClientInput } from './client-input.js';
import { REFERENCES_LOCK } from './locks.js';
import { UNCHANGED, type Upserted } from './outcome.js';
import { NotFoundError, ValidationError } from './validation-error.js';

export { actAsNames, type ClientInput } from './client-input.js';

const seconds = (ctx: AdminContext): number => Math.floor(ctx.clock.now() / 1000);

async function existingClient(store: Store, clientId: string): Promise<Client> {
  const client = await store.clients.get(clientId);
  if (!client) throw new NotFoundError(`no client "${clientId}" exists`);
  return client;
}

/**
 * Creates a client; returns the secret in clear exactly once (generated unless given). `actor`
 * must hold what the client could obtain with its secret (src/admin/client-authority.ts).
 */
export async function createClient(ctx: AdminContext, input: ClientInput, actor: Actor): Promise<{ client: Client; secret: string | null }> {
  checkedActor(actor);
  const created = await ctx.store.transaction(async (store) => {
    await store.lock(REFERENCES_LOCK);
    if (await store.clients.get(input.clientId)) throw new ValidationError('clientId', `a client "${input.clientId}" already exists`);
    const fields = await clientFrom(store, input, null);
    await requireMayConfigureClient(store, actor, null, fields);
    if (!fields.confidential && input.secret !== undefined) throw new ValidationError('secret', 'a public client has no secret');
    const secret = fields.confidential ? (input.secret === undefined ? ctx.secrets.generate() : checkedSecret(input.secret)) : null;
    const now = seconds(ctx);
    const client: Client = { ...fields, secretDigest: secret === null ? null : ctx.secrets.digest(secret), created: now, changed: now };
    await store.clients.create(client);
    return { client, secret: input.secret === undefined ? secret : null };
  });
  await recordChange(ctx, actor, { event: 'admin.client.created', clientId: created.client.clientId, detail: created.client.clientId });
  return created;
}

interface ClientChange {
  client: Client;
  /** the fields whose values changed; none: nothing was written */
  changed: string[];
  /** a secret generated because the client became confidential, shown this once */
  secret: string | null;
}

/**
 * Applies `input` to the stored client. A new secret, a disabled client or a switch to public
 * revokes the client's tokens; a switch to confidential generates a secret unless one is given.
 */
async function changeClient(ctx: AdminContext, input: ClientInput, actor: Actor): Promise<ClientChange> {
  const change = await ctx.store.transaction(async (store): Promise<ClientChange & { revoke: boolean }> => {
    await store.lock(REFERENCES_LOCK);
    const existing = await existingClient(store, input.clientId);
    const fields = await clientFrom(store, input, existing);
    let secretDigest = existing.secretDigest;
    let generated: string | null = null;
    if (!fields.confidential) {
      if (input.secret !== undefined) throw new ValidationError('secret', 'a public client has no secret');
      secretDigest = null;
    } else if (input.secret !== undefined) {
      if (!ctx.secrets.matches(checkedSecret(input.secret), existing.secretDigest)) secretDigest = ctx.secrets.digest(input.secret);
    } else if (secretDigest === null) {
      generated = ctx.secrets.generate();
      secretDigest = ctx.secrets.digest(generated);
    }
    const candidate: Client = { ...fields, secretDigest, created: existing.created, changed: existing.changed };
    const changed = changedClientFields(existing, candidate);
    if (changed.length === 0) return { client: existing, changed, secret: null, revoke: false };
    // a secret of the actor's choosing, or a generated one shown to them, hands them the client
    const secretField = generated !== null ? 'confidential' : secretDigest !== existing.secretDigest ? 'secret' : null;
    await requireMayConfigureClient(store, actor, existing, candidate, secretField);
    candidate.changed = seconds(ctx);
    await store.clients.update(candidate);
    const revoke = existing.secretDigest !== secretDigest || (existing.status && !candidate.status);
    if (revoke) await revokeClientTokens(store, ctx.clock, existing.clientId);
    return { client: candidate, changed, secret: generated, revoke };
  });
  if (change.changed.length === 0) return change;
  await recordChange(ctx, actor, { event: 'admin.client.updated', clientId: input.clientId, detail: change.changed.join(',') });
  if (change.revoke) await ctx.views.revocations();
  return { client: change.client, changed: change.changed, secret: change.secret };
}

/** Changes some fields of an existing client (fields left out stay as they are). */
export async function updateClient(ctx: AdminContext, clientId: string, input: Omit<ClientInput, 'clientId'>, actor: Actor): Promise<ClientChange> {
  checkedActor(actor);
  return changeClient(ctx, { ...input, clientId }, actor);
}

/** Idempotent create-or-update (`apply`). Returns the generated secret when one was made. */
export async function upsertClient(ctx: AdminContext, input: ClientInput, actor: Actor): Promise<Upserted & { secret: string | null }> {
  checkedActor(actor);
  if (!(await ctx.store.clients.get(input.clientId))) {
    const { secret } = await createClient(ctx, input, actor);
    return { outcome: 'created', changed: [], secret };
  }
  const { changed, secret } = await changeClient(ctx, input, actor);
  return changed.length ? { outcome: 'updated', changed, secret } : { ...UNCHANGED, secret: null };
}

/**
 * A new generated secret for a confidential client, shown once; the old one stops working and the
 * client's tokens are revoked. Whoever sees the new secret can do all the client can: `actor`
 * must be allowed to configure it as it stands.
 */
export async function rotateClientSecret(ctx: AdminContext, clientId: string, actor: Actor): Promise<string> {
  checkedActor(actor);
  const secret = await ctx.store.transaction(async (store) => {
    const existing = await existingClient(store, clientId);
    if (!existing.confidential) throw new ValidationError('confidential', 'a public client has no secret to rotate');
    await requireMayConfigureClient(store, actor, existing, existing, 'secret');
    const generated = ctx.secrets.generate();
    await store.clients.update({ ...existing, secretDigest: ctx.secrets.digest(generated), changed: seconds(ctx) });
    await revokeClientTokens(store, ctx.clock, clientId);
    return generated;
  });
  await recordChange(ctx, actor, { event: 'admin.client.secret_rotated', clientId, detail: null });
  await ctx.views.revocations();
  return secret;
}

/** Revokes every token the client holds; the client stays. */
export async function revokeClientGrants(ctx: AdminContext, clientId: string, actor: Actor): Promise<void> {
  checkedActor(actor);
  await ctx.store.transaction(async (store) => {
    await existingClient(store, clientId);
    await revokeClientTokens(store, ctx.clock, clientId);
  });
  await recordChange(ctx, actor, { event: 'admin.client.tokens_revoked', clientId, detail: null });
  await ctx.views.revocations();
}

/** Deletes a client after revoking every token it holds. */
export async function deleteClient(ctx: AdminContext, clientId: string, actor: Actor): Promise<void> {
  checkedActor(actor);
  await ctx.store.transaction(async (store) => {
    await existingClient(store, clientId);
    await revokeClientTokens(store, ctx.clock, clientId);
    await store.clients.delete(clientId);
    await store.registrations.delete(clientId); // a registered client's registration goes with it
  });
  await recordChange(ctx, actor, { event: 'admin.client.deleted', clientId, detail: null });
  await ctx.views.revocations();
}
