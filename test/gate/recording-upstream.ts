// A real upstream for gate tests: a node:http server that records every request it receives
// (method, raw target, headers, body) and answers as the test tells it.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GateRoute } from '../../src/domain/gate-route.js';
import { parseGateRoute } from '../../src/domain/gate-route.js';
import type { Running } from '../helpers/gatehouse.js';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type UpstreamHandler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void;

export interface Upstream {
  url: string;
  received: Received[];
  /** what answers next requests (default: 200 JSON echoing method and url) */
  handle: UpstreamHandler;
  close(): Promise<void>;
}

const echo: UpstreamHandler = (request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
  response.end(JSON.stringify({ method: request.method, url: request.url }));
};

export async function startUpstream(): Promise<Upstream> {
  const upstream: Upstream = {
    url: '',
    received: [],
    handle: echo,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      upstream.received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      upstream.handle(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return upstream;
}

/** Makes `routes` the gate's routes (stored, as apply would) and waits until the instance uses them. */
export async function setRoutes(gh: Running, routes: unknown[]): Promise<GateRoute[]> {
  const parsed = routes.map((r) => parseGateRoute(r));
  await gh.store.gateRoutes.replaceAll(parsed);
  await gh.app.gatehouse.gate.routes.reload();
  return parsed;
}
