// Two ways to reach the server below fetch: node:http with bytes as given (raw bodies, repeated
// headers, latin1 paths), and a bare socket for what no HTTP client will send (bad framing).
import { type Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
}

/** Sends one request; rejects on a socket error or when no full answer came within `timeoutMs`. */
export function send(base: string, agent: Agent, request: RawRequest, timeoutMs: number): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers = { ...request.headers };
    if (request.body && headers['transfer-encoding'] === undefined) headers['content-length'] = String(request.body.length);
    let req: ReturnType<typeof httpRequest>;
    try {
      req = httpRequest(
        { host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent, setHost: headers.host === undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
    } catch (error) {
      reject(new Error(`the client refused to send it: ${(error as Error).message}`));
      return;
    }
    const timer = setTimeout(() => {
      req.destroy(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(request.body);
  });
}

export interface SocketOutcome {
  /** every status line the server sent back */
  statuses: number[];
  /** closed: the server ended the connection; answered: it answered and then went quiet; hung: neither in time */
  ended: 'closed' | 'answered' | 'hung';
  /** ms until the server closed or stopped sending */
  elapsedMs: number;
  text: string;
}

/**
 * Writes `bytes` on a fresh connection (half-closing after when `end`), then collects the answer
 * until the server closes the connection, or until `idleMs` pass after its last bytes, or until
 * `timeoutMs` with neither (the server hung).
 */
export function sendRaw(base: string, bytes: Buffer, options: { end: boolean; timeoutMs: number; idleMs?: number }): Promise<SocketOutcome> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    let idle: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (ended: SocketOutcome['ended']) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(idle);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ statuses, ended, elapsedMs: performance.now() - started, text });
    };
    const deadline = setTimeout(() => finish('hung'), options.timeoutMs);
    socket.on('connect', () => {
      socket.write(bytes);
      if (options.end) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // a complete answer on a connection the server keeps open counts as an answer, not a hang
      clearTimeout(idle);
      idle = setTimeout(() => finish('answered'), options.idleMs ?? 300);
    });
    socket.on('error', () => finish('closed'));
    socket.on('close', () => finish('closed'));
  });
}
