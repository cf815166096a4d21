// RFC 8628 device authorizations, kept by the digests of their device code and user code until
// they expire. Every change of state is one conditional UPDATE whose row count decides, so two
// decisions or two redemptions at once never both succeed.

/** pending → approved | denied (the user, at /device) → redeemed (the client, once, at the token endpoint) */
export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'redeemed';

export interface DeviceCodeRow {
  /** SHA-256 of the device code (256 random bits) */
  deviceDigest: string;
  /** keyed digest of the canonical user code (a short code: a plain hash could be reversed) */
  userCodeDigest: string;
  clientId: string;
  scopes: string[];
  status: DeviceCodeStatus;
  /** who decided, once someone has */
  userId: number | null;
  /** seconds: when that user logged in */
  authTime: number | null;
  /** RFC 8176 methods of the login that approved it (the ID token's amr) */
  amr?: string[] | null;
  /** seconds the client must wait between polls (RFC 8628 §3.5: grows by 5 at each slow_down) */
  interval: number;
  /** ms: compared with revocations (also ms) */
  issuedMs: number;
  /** seconds */
  expiresAt: number;
}

export interface DeviceCodeRepository {
  /** Stores a new authorization; false (nothing stored) when its user code is already taken. */
  insert(row: DeviceCodeRow): Promise<boolean>;
  findByDeviceDigest(digest: string): Promise<DeviceCodeRow | null>;
  findByUserCodeDigest(digest: string): Promise<DeviceCodeRow | null>;
  /**
   * Records the user's decision, only if the authorization is still pending and unexpired at
   * `now` (seconds); true when this call decided it.
   */
  decide(userCodeDigest: string, decision: { status: 'approved' | 'denied'; userId: number; authTime: number; amr?: string[] }, now: number): Promise<boolean>;
  /** RFC 8628 §3.5 slow_down: the interval grows by 5 s for this and every later poll. */
  slowDown(deviceDigest: string): Promise<void>;
  /** approved → redeemed; true only for the one call that did it. */
  redeem(deviceDigest: string): Promise<boolean>;
}
