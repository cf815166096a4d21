// Why a token request failed, independent of any wire format, and its RFC 6749 §5.2 rendering.
// Grants throw GrantError; each endpoint family translates it into its own vocabulary.

export type GrantFailure =
  | 'missing_parameter'
  | 'invalid_parameter'
  | 'unsupported_grant_type'
  | 'unknown_client'
  | 'bad_client_secret'
  | 'invalid_client_auth'
  | 'unauthorized_client'
  | 'no_default_user'
  | 'act_as_refused'
  | 'invalid_credentials'
  | 'user_blocked'
  | 'too_many_attempts'
  | 'server_busy'
  | 'invalid_scope'
  | 'invalid_grant'
  | 'unsupported_token_type';

export class GrantError extends Error {
  constructor(
    readonly reason: GrantFailure,
    message: string,
    readonly detail: {
      param?: string;
      retryAfter?: number;
      hint?: string /** audit event naming what happened, when it is more than a failure */;
      event?: string;
    } = {},
  ) {
    super(message);
  }

  static missing(param: string): GrantError {
    return new GrantError('missing_parameter', `The request is missing the required parameter ${param}.`, { param });
  }

  static invalid(param: string, message: string): GrantError {
    return new GrantError('invalid_parameter', message, { param });
  }
}

export interface OAuthErrorBody {
  error: string;
  error_description: string;
  hint?: string;
}

export interface OAuthErrorResponse {
  status: number;
  body: OAuthErrorBody;
  headers: Record<string, string>;
}

const RFC_CODES: Record<GrantFailure, { error: string; status: number }> = {
  missing_parameter: { error: 'invalid_request', status: 400 },
  invalid_parameter: { error: 'invalid_request', status: 400 },
  unsupported_grant_type: { error: 'unsupported_grant_type', status: 400 },
  unknown_client: { error: 'invalid_client', status: 401 },
  bad_client_secret: { error: 'invalid_client', status: 401 },
  invalid_client_auth: { error: 'invalid_client', status: 401 },
  no_default_user: { error: 'invalid_client', status: 401 },
  act_as_refused: { error: 'invalid_grant', status: 400 },
  unauthorized_client: { error: 'unauthorized_client', status: 400 },
  invalid_credentials: { error: 'invalid_grant', status: 400 },
  user_blocked: { error: 'invalid_grant', status: 400 },
  too_many_attempts: { error: 'invalid_grant', status: 429 },
  // RFC 6749 §4.1.2.1's code for an overloaded server, with Retry-After (RFC 9110 §10.2.3)
  server_busy: { error: 'temporarily_unavailable', status: 503 },
  invalid_scope: { error: 'invalid_scope', status: 400 },
  invalid_grant: { error: 'invalid_grant', status: 400 },
  unsupported_token_type: { error: 'unsupported_token_type', status: 400 },
};

/** The RFC 6749 answer; `usedBasic` adds the WWW-Authenticate challenge RFC 6749 §5.2 asks for. */
export function toOAuthError(error: GrantError, usedBasic: boolean, realm: string): OAuthErrorResponse {
  const { error: code, status } = RFC_CODES[error.reason];
  const headers: Record<string, string> = {};
  if (status === 401 && usedBasic) headers['www-authenticate'] = `Basic realm="${realm}"`;
  if (error.detail.retryAfter !== undefined) headers['retry-after'] = String(error.detail.retryAfter);
  const body: OAuthErrorBody = { error: code, error_description: error.message };
  if (error.detail.hint) body.hint = error.detail.hint;
  return { status, body, headers };
}
