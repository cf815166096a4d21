// Protected-resource failures in both vocabularies at once (docs/compatibility.md §2): the RFC 6750
// WWW-Authenticate challenge for standard clients, the miniOrange body for theirs.
export const REALM = 'gatehouse';

export class ResourceError extends Error {
  constructor(
    readonly status: 400 | 401 | 403,
    readonly code: string,
    readonly description: string,
    readonly challenge: string,
  ) {
    super(description);
  }

  body(): { status: 'error'; error: string; error_description: string } {
    return { status: 'error', error: this.code, error_description: this.description };
  }
}

const base = `Bearer realm="${REALM}"`;

export const resourceErrors = {
  missingHeader: () => new ResourceError(401, 'MISSING_AUTHORIZATION_HEADER', 'Authorization header not received.', base),
  wrongScheme: () =>
    new ResourceError(
      401,
      'INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE',
      'Authorization header must be the type of Bearer Token.',
      `${base}, error="invalid_request"`,
    ),
  /** RFC 6750 §2: a token sent two ways at once (header and form body) */
  twoMethods: () =>
    new ResourceError(
      400,
      'INVALID_REQUEST',
      'Send the access token one way only: the Authorization header or the form body.',
      `${base}, error="invalid_request"`,
    ),
  invalidToken: () => new ResourceError(401, 'INVALID_ACCESS_TOKEN', 'Invalid Access Token.', `${base}, error="invalid_token"`),
  expired: () =>
    new ResourceError(401, 'TOKEN_EXPIRED', 'Invalid request: Token Expired.', `${base}, error="invalid_token", error_description="The access token expired"`),
  /** the token lacks a permission (or, for OIDC endpoints, a scope) the request needs */
  insufficientScope: (needed: string, kind: 'permission' | 'scope' = 'permission') =>
    new ResourceError(
      403,
      'INSUFFICIENT_SCOPE',
      `The access token does not grant the ${kind} "${needed}".`,
      `${base}, error="insufficient_scope", scope="${needed.replace(/["\\]/g, '')}"`,
    ),
  userBlocked: () => new ResourceError(403, 'USER_BLOCKED', 'The user is blocked or inactive.', `${base}, error="invalid_token"`),
  notConfigured: () => new ResourceError(403, 'ACCESS_NOT_CONFIGURED', 'This route has no authentication configured and refuses every request.', base),
};
