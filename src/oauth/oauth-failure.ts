// Why an OAuth request failed, independent of any wire format: the one failure type of every
// OAuth endpoint (token, authorization, introspection, revocation) and of the services behind
// them. Each endpoint family renders it in its own vocabulary: RFC 6749 §5.2 in rfc6749-error.ts,
// miniOrange's in src/compat/rest-api-errors.ts (the compiler asks both for every new reason).

export type OAuthFailureReason =
  | 'missing_parameter'
  | 'invalid_parameter'
  | 'unsupported_grant_type'
  | 'unknown_client'
  | 'bad_client_secret'
  | 'invalid_client_auth'
  | 'auth_method_not_allowed'
  | 'unauthorized_client'
  | 'no_default_user'
  | 'act_as_refused'
  | 'invalid_credentials'
  | 'user_blocked'
  | 'too_many_attempts'
  | 'server_busy'
  | 'invalid_scope'
  | 'invalid_grant'
  | 'invalid_target'
  | 'unsupported_token_type'
  // RFC 8628 §3.5: the device flow's answers while the user has not (yet) approved
  | 'authorization_pending'
  | 'slow_down'
  | 'access_denied'
  | 'expired_token';

export interface OAuthFailureDetail {
  /** the request parameter at fault */
  param?: string;
  /** seconds, for Retry-After */
  retryAfter?: number;
  /** league/oauth2-server's `hint`: what to do about it, shown to the client's developer */
  hint?: string;
  /** audit event naming what happened, when it is more than a failure */
  event?: string;
}

export class OAuthFailure extends Error {
  constructor(
    readonly reason: OAuthFailureReason,
    message: string,
    readonly detail: OAuthFailureDetail = {},
  ) {
    super(message);
  }

  static missing(param: string): OAuthFailure {
    return new OAuthFailure('missing_parameter', `The request is missing the required parameter ${param}.`, { param });
  }

  static invalid(param: string, message: string): OAuthFailure {
    return new OAuthFailure('invalid_parameter', message, { param });
  }

  /** The same failure with a hint (as fosite's WithHint): what the client's developer should do. */
  withHint(hint: string): OAuthFailure {
    return new OAuthFailure(this.reason, this.message, { ...this.detail, hint });
  }
}
