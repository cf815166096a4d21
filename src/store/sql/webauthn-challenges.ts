// WebAuthn ceremony challenges (table webauthn_challenges). take() is one DELETE … RETURNING.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { WebAuthnChallengePurpose, WebAuthnChallengeRepository, WebAuthnChallengeRow } from '../repositories/webauthn-challenges.js';
import { num, optNum, unstorable } from './columns.js';

export class SqlWebAuthnChallenges implements WebAuthnChallengeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: WebAuthnChallengeRow): Promise<void> {
    await this.db
      .insertInto('webauthn_challenges')
      .values({ handle_digest: row.handleDigest, purpose: row.purpose, user_id: row.userId, challenge: row.challenge, expires_at: row.expiresAt })
      .execute();
  }

  async take(handleDigest: string, at: number): Promise<WebAuthnChallengeRow | null> {
    if (unstorable(handleDigest)) return null;
    // deleted whether expired or not: an expired challenge is of no more use than a taken one
    const r = await this.db.deleteFrom('webauthn_challenges').where('handle_digest', '=', handleDigest).returningAll().executeTakeFirst();
    if (!r || num(r.expires_at) <= at) return null;
    return {
      handleDigest: r.handle_digest,
      purpose: r.purpose as WebAuthnChallengePurpose,
      userId: optNum(r.user_id),
      challenge: r.challenge,
      expiresAt: num(r.expires_at),
    };
  }
}
