// Prometheus metrics (prom-client, a registry per app so embedded or test instances never mix):
// HTTP requests and latency per route and status, tokens issued per grant, refresh and code
// replays, failed password checks, flood-control refusals and password checks refused by a full
// hashing queue, and answers lost to an unavailable database. Fed by one onResponse hook and by the audit trail, so no endpoint
// carries metrics code of its own.
import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditEvent } from './audit-log.js';
import { clusterMetricsText, joinClusterMetrics } from './cluster-metrics.js';
import { isBusyReply } from './http/reply-helpers.js';

export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'gatehouse_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'Time to answer, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly issued = new Counter({
    name: 'gatehouse_tokens_issued_total',
    help: 'Token responses, by grant type',
    labelNames: ['grant'] as const,
    registers: [this.registry],
  });
  private readonly replays = new Counter({
    name: 'gatehouse_replays_detected_total',
    help: 'Refresh tokens or authorization codes used twice (their grants are revoked)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly failedLogins = new Counter({
    name: 'gatehouse_failed_logins_total',
    help: 'Password checks that failed (unknown user or wrong password)',
    registers: [this.registry],
  });
  private readonly floodBlocks = new Counter({
    name: 'gatehouse_flood_blocks_total',
    help: 'Password checks refused by flood control',
    registers: [this.registry],
  });
  private readonly passwordQueueFulls = new Counter({
    name: 'gatehouse_password_queue_full_total',
    help: 'Password checks refused at once (503) because every hashing slot was busy and the queue full',
    registers: [this.registry],
  });
  private readonly storeUnavailable = new Counter({
    name: 'gatehouse_store_unavailable_total',
    help: 'Requests answered 503 because the database was unreachable or too slow',
    registers: [this.registry],
  });

  private readonly gateDenials = new Counter({
    name: 'gatehouse_gate_denials_total',
    help: 'Requests the gate refused (proxy and /gate/check), by code and route name ("" when no route matched)',
    labelNames: ['code', 'route'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
    // a worker of `serve --workers N` answers /metrics with every worker's counts
    if (cluster.isWorker) joinClusterMetrics(this.registry);
  }

  /** Counts every answer; routes by their pattern (`/user/:id`), never the raw URL. */
  install(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
      this.requests.inc(labels);
      this.latency.observe(labels, reply.elapsedTime / 1000);
      if (reply.statusCode === 503 && !isBusyReply(reply)) this.storeUnavailable.inc();
    });
  }

  /** What the audit trail records, counted. */
  observe(event: AuditEvent): void {
    if (event.event === 'token.issued' || event.event === 'token.refreshed') this.issued.inc({ grant: event.detail ?? 'unknown' });
    else if (event.event === 'refresh.reuse_detected') this.replays.inc({ kind: 'refresh_token' });
    else if (event.event === 'code.replay_detected') this.replays.inc({ kind: 'authorization_code' });
  }

  passwordCheckFailed(): void {
    this.failedLogins.inc();
  }

  floodBlocked(): void {
    this.floodBlocks.inc();
  }

  gateDenied(code: string, route: string): void {
    this.gateDenials.inc({ code, route });
  }

  passwordQueueFull(): void {
    this.passwordQueueFulls.inc();
  }

  text(): Promise<string> {
    return cluster.isWorker ? clusterMetricsText(this.registry) : this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
