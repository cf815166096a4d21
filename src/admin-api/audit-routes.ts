// The audit log, newest first, filtered by user, client, outcome and time, paged by id.
import type { FastifyInstance } from 'fastify';
import { PERMISSIONS } from '../domain/permissions.js';
import type { AuditFilter } from '../store/store.js';
import type { AdminApi } from './admin-api.js';

export async function auditRoutes(app: FastifyInstance, { api }: { api: AdminApi }): Promise<void> {
  const { services, guarded } = api;

  app.get<{ Querystring: { userId?: number; clientId?: string; outcome?: 'success' | 'failure'; from?: number; to?: number; limit: number; before?: number } }>(
    '/audit',
    guarded(PERMISSIONS.viewAuditLog, {
      summary: 'Audit entries, newest first; `before` (an id) pages further back',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          userId: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
          clientId: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9._~-]+$' },
          outcome: { type: 'string', enum: ['success', 'failure'] },
          from: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'ms since the epoch, inclusive' },
          to: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'ms since the epoch, exclusive' },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          before: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
        },
      },
      response: {
        200: {
          type: 'object',
          required: ['entries'],
          properties: {
            entries: { type: 'array', items: { $ref: 'AuditEntry#' } },
            next: { type: ['integer', 'null'], description: 'pass as `before` for the next page' },
          },
        },
        400: { $ref: 'Error#' },
        401: { $ref: 'AuthError#' },
        403: { $ref: 'AuthError#' },
      },
    }),
    async (request) => {
      await services.audit.flush();
      const { before, ...rest } = request.query;
      const filter: AuditFilter = { ...rest, beforeId: before };
      const entries = await services.store.audit.search(filter);
      return { entries, next: entries.length === filter.limit ? entries[entries.length - 1].id : null };
    },
  );
}
