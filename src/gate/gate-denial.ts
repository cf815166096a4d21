// The one failure type of the gate (issue 12 part 5): a status, a miniOrange-style code and a
// description, rendered in both vocabularies at once by src/gate/gate-answer.ts.
export class GateDenial extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 429,
    readonly code: string, // MISSING_AUTHORIZATION_HEADER, INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE,
    // INVALID_ACCESS_TOKEN, TOKEN_EXPIRED, INVALID_CREDENTIALS, USER_BLOCKED,
    // TOO_MANY_ATTEMPTS, INSUFFICIENT_SCOPE, IP_NOT_ALLOWED, NO_ROUTE,
    // METHOD_NOT_ALLOWED, INVALID_REQUEST_PATH
    readonly description: string,
    readonly retryAfter?: number, // seconds, for 429
    readonly allow?: string[], // the methods the route accepts, for 405
  ) {
    super(description);
  }
}

export const gateDenials = {
  invalidCredentials: () => new GateDenial(401, 'INVALID_CREDENTIALS', 'Invalid username, password or API key.'),
  userBlocked: () => new GateDenial(403, 'USER_BLOCKED', 'The user is blocked or inactive.'),
  tooManyAttempts: (retryAfter: number) => new GateDenial(429, 'TOO_MANY_ATTEMPTS', 'Too many failed attempts; try again later.', retryAfter),
  missingHeader: () => new GateDenial(401, 'MISSING_AUTHORIZATION_HEADER', 'Authorization header not received.'),
  wrongScheme: (accepted: readonly string[]) =>
    new GateDenial(401, 'INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE', `This route accepts only: ${accepted.join(', ')}.`),
  invalidToken: () => new GateDenial(401, 'INVALID_ACCESS_TOKEN', 'Invalid Access Token.'),
  expired: () => new GateDenial(401, 'TOKEN_EXPIRED', 'Invalid request: Token Expired.'),
  insufficient: (missing: string) => new GateDenial(403, 'INSUFFICIENT_SCOPE', `The credential does not grant ${missing}.`),
  ipNotAllowed: () => new GateDenial(403, 'IP_NOT_ALLOWED', 'Requests from this address are not allowed on this route.'),
  noRoute: () => new GateDenial(404, 'NO_ROUTE', 'No route matches this request.'),
  methodNotAllowed: (allow: readonly string[]) =>
    new GateDenial(405, 'METHOD_NOT_ALLOWED', `This route accepts only: ${allow.join(', ')}.`, undefined, [...allow]),
  badPath: (why: string) => new GateDenial(400, 'INVALID_REQUEST_PATH', why),
};
