// Gate routes (table gate_routes, migration 010): the route as JSON text, in the operator's order.
import type { Kysely } from 'kysely';
import type { GateRoute } from '../../domain/gate-route.js';
import type { GateRouteRepository } from '../repositories/gate-routes.js';
import type { Database } from '../schema.js';
import { json, unstorable } from './columns.js';
import type { Notify } from './notify.js';

const toRoute = (definition: string): GateRoute => JSON.parse(definition) as GateRoute;

export class SqlGateRoutes implements GateRouteRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async list(): Promise<GateRoute[]> {
    const rows = await this.db.selectFrom('gate_routes').select('definition').orderBy('position').orderBy('name').execute();
    return rows.map((r) => toRoute(r.definition));
  }

  async get(name: string): Promise<GateRoute | null> {
    if (unstorable(name)) return null;
    const row = await this.db.selectFrom('gate_routes').select('definition').where('name', '=', name).executeTakeFirst();
    return row ? toRoute(row.definition) : null;
  }

  async replaceAll(routes: readonly GateRoute[]): Promise<void> {
    const write = async (db: Kysely<Database>): Promise<void> => {
      await db.deleteFrom('gate_routes').execute();
      if (routes.length > 0) {
        await db
          .insertInto('gate_routes')
          .values(routes.map((route, position) => ({ name: route.name, position, definition: json(route) })))
          .execute();
      }
    };
    if (this.db.isTransaction) await write(this.db);
    else await this.db.transaction().execute(write);
    await this.notify('routes');
  }

  async upsert(route: GateRoute): Promise<void> {
    const last = await this.db
      .selectFrom('gate_routes')
      .select((eb) => eb.fn.max('position').as('position'))
      .executeTakeFirst();
    const position = last?.position === null || last?.position === undefined ? 0 : Number(last.position) + 1;
    await this.db
      .insertInto('gate_routes')
      .values({ name: route.name, position, definition: json(route) })
      .onConflict((oc) => oc.column('name').doUpdateSet({ definition: json(route) }))
      .execute();
    await this.notify('routes');
  }

  async delete(name: string): Promise<boolean> {
    if (unstorable(name)) return false;
    const result = await this.db.deleteFrom('gate_routes').where('name', '=', name).executeTakeFirst();
    await this.notify('routes');
    return Number(result.numDeletedRows) === 1;
  }
}
