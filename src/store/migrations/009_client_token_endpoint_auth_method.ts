// The consumer field `tokenEndpointAuthMethod` (RFC 7591 §2): the one way a client authenticates
// at the token endpoint. Existing clients get NULL: HTTP Basic or the body when confidential,
// client_id alone when public, as before.
import type { Kysely, Migration } from 'kysely';

export const clientTokenEndpointAuthMethod: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('clients').addColumn('token_endpoint_auth_method', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('clients').dropColumn('token_endpoint_auth_method').execute();
  },
};
