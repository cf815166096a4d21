// The `bearer` gate method: a Gatehouse access token, checked exactly as the bearer guard checks
// it for Gatehouse's own protected routes (signature, claims, revocation, blocked user), and the
// token's access computed as principalAccess does: user permissions ∩ scope permissions.
import { effectiveAccess } from '../../domain/access.js';
import { REALM, ResourceError } from '../../resource/resource-errors.js';
import type { CredentialMethod, GateIdentity, PresentedCredential } from '../credential-method.js';
import { GateDenial, gateDenials } from '../gate-denial.js';
import type { GateMethodDeps } from './index.js';

const BEARER_SCHEME = /^Bearer(\s|$)/i;

export function bearerMethod(deps: GateMethodDeps): CredentialMethod {
  return {
    name: 'bearer',
    challenge: `Bearer realm="${REALM}"`,
    recognises: (credential: PresentedCredential) => credential.authorization !== undefined && BEARER_SCHEME.test(credential.authorization),
    async authenticate(credential: PresentedCredential): Promise<GateIdentity> {
      let principal: Awaited<ReturnType<typeof deps.bearer.authenticate>>;
      try {
        principal = await deps.bearer.authenticate(credential.authorization);
      } catch (error) {
        throw error instanceof ResourceError ? new GateDenial(error.status, error.code, error.description) : error;
      }
      const user = await deps.store.users.findById(principal.uid);
      if (!user) throw gateDenials.invalidToken();
      if (!user.status) throw gateDenials.userBlocked();
      const access = effectiveAccess(user.roles, principal.scopes, deps.catalog());
      return {
        method: 'bearer',
        uid: user.uid,
        userName: user.name,
        clientId: principal.clientId,
        scopes: principal.scopes,
        permissions: access.permissions,
      };
    },
  };
}
