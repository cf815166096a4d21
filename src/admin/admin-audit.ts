// The audit entry of an administrative change: who made it (the acting user's uid, or the operator
// at the CLI), where from, what it touched. Never a secret, a password or a hash: fields are named,
// their values are not.
import type { Actor } from './actor.js';
import type { AdminContext } from './admin-context.js';

export interface Change {
  /** `admin.<thing>.<what happened>`, e.g. admin.client.secret_rotated */
  event: string;
  /** the client changed, when a client was */
  clientId?: string | null;
  /** the target's name, and which fields changed */
  detail: string | null;
}

/** The endpoint the operator's changes are recorded under. */
export const OPERATOR_ENDPOINT = 'cli';

export async function recordChange(ctx: AdminContext, actor: Actor, change: Change): Promise<void> {
  const user = actor.kind === 'user' ? actor : null;
  await ctx.audit.record(ctx.store, {
    event: change.event,
    outcome: 'success',
    userId: user?.uid ?? null,
    clientId: change.clientId ?? null,
    ip: user?.via?.ip ?? null,
    endpoint: user ? (user.via?.endpoint ?? null) : OPERATOR_ENDPOINT,
    detail: change.detail,
  });
}

/** `name` or `name: a,b` — the target and the fields a change touched. */
export function namedFields(name: string, fields: readonly string[]): string {
  return fields.length ? `${name}: ${fields.join(',')}` : name;
}
