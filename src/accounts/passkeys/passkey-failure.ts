// Why a passkey ceremony was refused. Surfaces turn the reason into their own words; the message
// is for the audit log and tests, never shown as is.

export type PasskeyFailureReason =
  /** no challenge for this browser: never asked, expired, already used, or for another ceremony or user */
  | 'challenge'
  /** the response is not a WebAuthn credential of the expected shape */
  | 'malformed'
  /** no passkey with this id is registered */
  | 'unknown_credential'
  /** the passkey is registered, to another user than the one expected (second-factor use) */
  | 'other_user'
  /** the signature, challenge, origin, RP ID or user-verification check failed */
  | 'rejected'
  /** the signature counter did not move forward: a replayed assertion or a cloned authenticator */
  | 'replayed'
  /** this credential id is already registered */
  | 'already_registered'
  /** the passkey's account is blocked */
  | 'user_blocked';

export class PasskeyFailure extends Error {
  constructor(
    readonly reason: PasskeyFailureReason,
    message: string = reason,
  ) {
    super(message);
    this.name = 'PasskeyFailure';
  }
}
