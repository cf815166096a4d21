// Gate routes (issue 12), in the order the operator wrote them. Every write announces the
// `routes` topic, so every instance reloads its route table within a second.
import type { GateRoute } from '../../domain/gate-route.js';

export interface GateRouteRepository {
  list(): Promise<GateRoute[]>;
  get(name: string): Promise<GateRoute | null>;
  /** makes the stored routes exactly these, in this order — in one transaction (the caller's, or its own) */
  replaceAll(routes: readonly GateRoute[]): Promise<void>;
  /** creates the route (last in order) or replaces the one of that name (keeping its place) */
  upsert(route: GateRoute): Promise<void>;
  /** true when it existed */
  delete(name: string): Promise<boolean>;
}
