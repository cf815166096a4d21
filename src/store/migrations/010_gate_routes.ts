// Gate routes (issue 12): one row per route, kept in the order the operator wrote them; the route
// itself is JSON text (src/domain/gate-route.ts validates it), so new optional fields need no
// migration.
import type { Kysely, Migration } from 'kysely';

export const gateRoutes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('gate_routes')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('gate_routes').execute();
  },
};
