// The JSON Schema of a gate route as an operator writes it (apply file `routes:`, admin API),
// mirroring src/domain/gate-route.ts, which checks what a schema cannot (CIDRs, shadowed paths).
import { GATE_AUTH_METHODS, GATE_HTTP_METHODS, GATE_TIMEOUT_MAX_MS, GATE_TIMEOUT_MIN_MS } from '../domain/gate-route.js';

const strings = (description: string, extra: object = {}) => ({ type: 'array', items: { type: 'string', ...extra }, description }) as const;

export const gateRouteItem = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'path'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 64, description: 'unique id; the audience of X-Gatehouse-Identity' },
    path: {
      type: 'string',
      minLength: 2,
      description: 'a prefix on segment boundaries: /api/articles matches /api/articles and /api/articles/…, never /api/articlesX',
    },
    upstream: { type: ['string', 'null'], description: 'http(s) origin the built-in proxy forwards to (path and query kept); omit for /gate/check only' },
    methods: { ...strings('request methods allowed (default: all); another → 405 with Allow', { enum: [...GATE_HTTP_METHODS] }), minItems: 1 },
    auth: { ...strings('credential methods accepted (default: [bearer])', { enum: [...GATE_AUTH_METHODS] }), minItems: 1 },
    permission: { type: ['string', 'null'], description: 'what the credential must grant (user permissions ∩ scope permissions)' },
    scopes: strings('every scope listed must be on the credential'),
    allowIps: strings('CIDRs allowed (client IP as GATEHOUSE_TRUST_PROXY decides); empty: any'),
    denyIps: strings('CIDRs refused'),
    authHeader: { type: ['string', 'null'], description: 'read the credential from this header instead of Authorization' },
    public: { type: 'boolean', description: 'true: no credential needed (still IP-filtered and proxied)' },
    forwardCredential: { type: 'boolean', description: 'true: the credential header is forwarded to the upstream (removed by default)' },
    timeoutMs: { type: 'integer', minimum: GATE_TIMEOUT_MIN_MS, maximum: GATE_TIMEOUT_MAX_MS, description: 'upstream answer timeout (default 30000) → 504' },
  },
} as const;
