// One version row per change topic (table change_versions, migration 007): what SQLite's change
// feed bumps in the writer's transaction and every serving instance polls.
import type { Kysely } from 'kysely';
import type { ChangeTopic } from '../change-feed.js';
import type { Database } from '../schema.js';

/** Moves the topic's version on by one (creating its row at 1). */
export async function bumpChangeVersion(db: Kysely<Database>, topic: ChangeTopic): Promise<void> {
  await db
    .insertInto('change_versions')
    .values({ topic, version: 1 })
    .onConflict((oc) => oc.column('topic').doUpdateSet((eb) => ({ version: eb('change_versions.version', '+', 1) })))
    .execute();
}

/** Every topic's version (topics never written have no row). */
export async function readChangeVersions(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('change_versions').select(['topic', 'version']).execute();
  return new Map(rows.map((r) => [r.topic, Number(r.version)]));
}
