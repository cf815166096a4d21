// What a browser sends back from navigator.credentials (WebAuthn L3 §5.1's JSON form), checked for
// shape before anything else reads it: a value of the wrong type is refused here, clearly, rather
// than failing somewhere inside the verification library.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { PasskeyFailure } from './passkey-failure.js';

/** a credential id is at most 1023 bytes (WebAuthn §4, Credential ID): 1364 base64url characters */
const CREDENTIAL_ID = /^[A-Za-z0-9_-]{16,1364}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The JSON a form field carries, or the object itself (a JSON body). */
function parsed(input: unknown): Json {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new PasskeyFailure('malformed', 'the credential is not JSON');
    }
  }
  if (!isObject(value)) throw new PasskeyFailure('malformed', 'the credential is not an object');
  return value;
}

function common(value: Json): { id: string; response: Json } {
  if (typeof value.id !== 'string' || !CREDENTIAL_ID.test(value.id)) throw new PasskeyFailure('malformed', 'id must be a base64url credential id');
  if (value.rawId !== value.id) throw new PasskeyFailure('malformed', 'rawId must equal id');
  if (value.type !== 'public-key') throw new PasskeyFailure('malformed', 'type must be "public-key"');
  if (value.clientExtensionResults !== undefined && !isObject(value.clientExtensionResults))
    throw new PasskeyFailure('malformed', 'clientExtensionResults must be an object');
  if (!isObject(value.response)) throw new PasskeyFailure('malformed', 'response must be an object');
  return { id: value.id, response: value.response };
}

function base64url(response: Json, field: string, optional = false): void {
  const value = response[field];
  if (optional && (value === undefined || value === null)) return;
  if (typeof value !== 'string' || !BASE64URL.test(value) || (!optional && value === ''))
    throw new PasskeyFailure('malformed', `response.${field} must be base64url`);
}

export function registrationResponse(input: unknown): RegistrationResponseJSON {
  const value = parsed(input);
  const { response } = common(value);
  base64url(response, 'clientDataJSON');
  base64url(response, 'attestationObject');
  const transports = response.transports;
  if (transports !== undefined && !(Array.isArray(transports) && transports.length <= 10 && transports.every((t) => typeof t === 'string' && t.length <= 32)))
    throw new PasskeyFailure('malformed', 'response.transports must be a short list of names');
  return { ...(value as unknown as RegistrationResponseJSON), clientExtensionResults: (value.clientExtensionResults as Json | undefined) ?? {} };
}

export function authenticationResponse(input: unknown): AuthenticationResponseJSON {
  const value = parsed(input);
  const { response } = common(value);
  base64url(response, 'clientDataJSON');
  base64url(response, 'authenticatorData');
  base64url(response, 'signature');
  base64url(response, 'userHandle', true);
  return { ...(value as unknown as AuthenticationResponseJSON), clientExtensionResults: (value.clientExtensionResults as Json | undefined) ?? {} };
}
