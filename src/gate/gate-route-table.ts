// The gate routes in force on this instance: loaded from the store at start, reloaded when the
// `routes` topic changes (here, or in another process through the change feed) and every few
// seconds as a safety net. Lookups touch memory only.
import { type GateRoute, cidrList } from '../domain/gate-route.js';
import { matchGateRoute, type RouteMatch } from '../domain/gate-match.js';
import type { BlockList } from 'node:net';
import { isIP } from 'node:net';

export interface CompiledGateRoute {
  route: GateRoute;
  allow: BlockList | null;
  deny: BlockList | null;
}

export class GateRouteTable {
  private routes: GateRoute[] = [];
  private compiled = new Map<string, CompiledGateRoute>();

  constructor(private readonly load: () => Promise<GateRoute[]>) {}

  private started = 0;
  private applied = 0;

  /** Two reloads at once: the routes of the later-started one win, whichever finishes last. */
  async reload(): Promise<void> {
    const mine = ++this.started;
    const routes = await this.load();
    if (mine < this.applied) return;
    this.applied = mine;
    this.set(routes);
  }

  set(routes: GateRoute[]): void {
    this.compiled = new Map(
      routes.map((route) => [
        route.name,
        { route, allow: route.allowIps.length > 0 ? cidrList(route.allowIps) : null, deny: route.denyIps.length > 0 ? cidrList(route.denyIps) : null },
      ]),
    );
    this.routes = routes;
  }

  list(): readonly GateRoute[] {
    return this.routes;
  }

  match(path: string, method: string): RouteMatch {
    return matchGateRoute(this.routes, path, method);
  }

  /** Whether `ip` may use the route: not in denyIps, and in allowIps when it lists any. */
  ipAllowed(route: GateRoute, ip: string): boolean {
    const compiled = this.compiled.get(route.name);
    if (!compiled || (!compiled.allow && !compiled.deny)) return true;
    const address = plainAddress(ip);
    const family = isIP(address);
    if (family === 0) return false; // an address we cannot read is in no list: refused when a list exists
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (compiled.deny?.check(address, type)) return false;
    return !compiled.allow || compiled.allow.check(address, type);
  }
}

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1, as a dual-stack socket reports) as its IPv4 address. */
export function plainAddress(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? (mapped[1] as string) : ip;
}
