// How the gate answers a refusal (issue 12 part 5), in both vocabularies at once like
// docs/compatibility.md §2: the miniOrange body `{status:"error",error,error_description}` and, on
// every 401, one WWW-Authenticate challenge per method the route accepts; Retry-After on 429,
// Allow on 405.
import type { FastifyReply } from 'fastify';
import type { GateRoute } from '../domain/gate-route.js';
import { REALM } from '../resource/resource-errors.js';
import type { CredentialMethod, GateAuthMethodName } from './credential-method.js';
import type { GateDenial } from './gate-denial.js';

/** The challenge of a method this build has no file for yet (api_key and basic read Basic headers). */
const FALLBACK_CHALLENGE: Record<GateAuthMethodName, string> = {
  bearer: `Bearer realm="${REALM}"`,
  basic: `Basic realm="${REALM}"`,
  api_key: `Basic realm="${REALM}"`,
};

/** The challenges of a 401 for `route`: one per scheme, each once (api_key and basic share Basic). */
export function challengesFor(route: GateRoute | null, methods: ReadonlyMap<GateAuthMethodName, CredentialMethod>): string[] {
  const accepted = route?.auth ?? ['bearer'];
  return [...new Set(accepted.map((name) => methods.get(name)?.challenge ?? FALLBACK_CHALLENGE[name]))];
}

export function denialBody(denial: GateDenial): { status: 'error'; error: string; error_description: string } {
  return { status: 'error', error: denial.code, error_description: denial.description };
}

/** The headers of a refusal, besides its body. */
export function denialHeaders(
  denial: GateDenial,
  route: GateRoute | null,
  methods: ReadonlyMap<GateAuthMethodName, CredentialMethod>,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = { 'cache-control': 'no-store' };
  if (denial.status === 401) headers['www-authenticate'] = challengesFor(route, methods);
  if (denial.status === 429 && denial.retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(denial.retryAfter)));
  if (denial.status === 405 && denial.allow) headers.allow = denial.allow.join(', ');
  return headers;
}

export function sendDenial(
  reply: FastifyReply,
  denial: GateDenial,
  route: GateRoute | null,
  methods: ReadonlyMap<GateAuthMethodName, CredentialMethod>,
): FastifyReply {
  return reply
    .code(denial.status)
    .headers(denialHeaders(denial, route, methods))
    .send(denialBody(denial));
}
