// What the gate records of a refusal (issue 12 part 5): every one counted in /metrics by code and
// route; into the audit trail (never a credential: the code, route, method, path, IP) at most
// AUDIT_PER_SECOND a second, so a denial storm costs bounded database writes; what is over the
// budget is logged once a second as a count. The metrics stay exact either way.
import type { GateDenial } from './gate-denial.js';
import type { GateMetrics } from './methods/index.js';

const AUDIT_PER_SECOND = 20;

export interface DenialAudit {
  record(entry: { event: string; outcome: 'failure'; userId: null; clientId: null; ip: string; endpoint: string; detail: string }): void;
}

export interface DenialLog {
  warn(details: object, message: string): void;
}

export class GateDenialRecorder {
  private second = 0;
  private recorded = 0;
  private suppressed = 0;

  constructor(
    private readonly metrics: GateMetrics,
    private readonly audit: DenialAudit,
    private readonly log: DenialLog,
    private readonly nowMs: () => number = Date.now,
  ) {}

  record(denial: GateDenial, route: string | null, request: { method: string; path: string; ip: string }): void {
    this.metrics.gateDenied(denial.code, route ?? '');
    const second = Math.floor(this.nowMs() / 1000);
    if (second !== this.second) {
      if (this.suppressed > 0) this.log.warn({ suppressed: this.suppressed }, 'gate refusals over the audit budget were counted but not audited');
      this.second = second;
      this.recorded = 0;
      this.suppressed = 0;
    }
    if (this.recorded >= AUDIT_PER_SECOND) {
      this.suppressed++;
      return;
    }
    this.recorded++;
    this.audit.record({
      event: 'gate.denied',
      outcome: 'failure',
      userId: null,
      clientId: null,
      ip: request.ip,
      // the path only, never the query, where credentials sometimes travel
      endpoint: `${request.method} ${request.path.slice(0, 200)}`,
      detail: `${denial.code}${route ? ` route=${route}` : ''}`,
    });
  }
}
