// The WebAuthn relying party Gatehouse is: its id is the issuer's host name, the only origin it
// accepts ceremonies from is the issuer's origin (a passkey made for it works nowhere else).

export interface RelyingParty {
  /** the RP ID: the issuer's host name, without port */
  id: string;
  /** the origin clientDataJSON must name */
  origin: string;
  /** what authenticators show the user */
  name: string;
}

export function relyingPartyOf(issuer: string): RelyingParty {
  const url = new URL(issuer);
  return { id: url.hostname, origin: url.origin, name: url.host };
}
