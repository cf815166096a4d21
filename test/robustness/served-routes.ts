// Every route a running Gatehouse serves, read from Fastify's own route tree, so a route added
// tomorrow is fuzzed without anyone listing it here.
import type { FastifyInstance } from 'fastify';

export interface ServedRoute {
  /** the pattern as registered: /admin/api/v1/users/:uid, /docs/* */
  url: string;
  methods: string[];
}

/** Parses `printRoutes({ commonPrefix: false })`: one node a line, depth by indentation. */
export function servedRoutes(app: FastifyInstance): ServedRoute[] {
  const tree = app.printRoutes({ commonPrefix: false });
  const routes: ServedRoute[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    if (line.trim() === '') continue;
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) throw new Error(`cannot read the route tree line "${line}"`);
    const depth = match[1].length / 4;
    stack.length = depth;
    const url = (stack[depth - 1] ?? '') + match[2];
    stack.push(url);
    if (match[3]) routes.push({ url, methods: match[3].split(', ') });
  }
  return routes;
}
