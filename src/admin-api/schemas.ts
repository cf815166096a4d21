// The JSON schemas of the admin API: Fastify validates request bodies and query strings with
// them, and @fastify/swagger turns the same objects into the OpenAPI 3.1 document. What an
// operator writes (clients, users, roles, scopes) is defined once in src/admin/schemas.ts, which
// the apply file shares; here those get their $ids, beside the API's own answers.
import { clientFieldSchemas } from '../admin/client-fields.js';
import { clientInput, clientPatch, roleProperties, scopeProperties, userInput, userInputProperties } from '../admin/schemas.js';

export const ErrorBody = {
  $id: 'Error',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'machine-readable code', examples: ['validation_failed'] },
    message: { type: 'string', description: 'what went wrong, for people' },
    field: { type: 'string', description: 'the input field at fault, when there is one' },
  },
} as const;

/** 401 and 403: the bearer guard's answer, in both vocabularies (RFC 6750 header + this body) */
export const AuthError = {
  $id: 'AuthError',
  type: 'object',
  required: ['status', 'error', 'error_description'],
  properties: {
    status: { type: 'string', const: 'error' },
    error: { type: 'string', examples: ['INVALID_ACCESS_TOKEN'] },
    error_description: { type: 'string' },
  },
} as const;

/**
 * The error answers every admin operation documents. 403 is the bearer guard's (the token lacks
 * the operation's permission) or, in the Error shape with code `forbidden` and the field, a change
 * that would hand out a permission the caller does not hold.
 */
export const ERROR_RESPONSES = {
  400: { $ref: 'Error#' },
  401: { $ref: 'AuthError#' },
  403: { anyOf: [{ $ref: 'AuthError#' }, { $ref: 'Error#' }] },
  404: { $ref: 'Error#' },
} as const;

/** Why a change may be refused with 403 `forbidden` (src/admin/client-authority.ts). */
export const DELEGATION_RULE =
  'Making the client act as another user (default user, actAs) needs "administer users". A change that lets it reach further (default user, actAs, scopes, grant types, redirect URIs, automatic authorization), or hands you its secret, needs every permission its tokens could then carry (each user it acts as ∩ its scopes; with authorization_code, all its scopes), or "administer users". Else 403 `forbidden` naming the field and the missing permission.';

export const ClientInput = { $id: 'ClientInput', ...clientInput } as const;

export const ClientPatch = { $id: 'ClientPatch', ...clientPatch } as const;

export const Client = {
  $id: 'Client',
  type: 'object',
  required: ['clientId', 'label', 'confidential', 'grantTypes', 'status'],
  properties: {
    clientId: { type: 'string' },
    ...clientFieldSchemas(['clientId', 'user', 'actAs']),
    userId: { type: ['integer', 'null'] },
    actAs: { type: 'array', items: { type: 'string' }, description: 'user names the client may act for besides its default user; ["*"]: any user' },
    secret: { type: 'string', description: 'only in the answer to a change that made the client confidential: its generated secret, shown this once' },
    created: { type: 'integer', description: 'seconds since the epoch' },
    changed: { type: 'integer' },
    registered: { type: 'boolean', description: 'true: registered by the client itself at /oauth/register (RFC 7591), not by an administrator' },
  },
} as const;

export const ClientCreated = {
  $id: 'ClientCreated',
  type: 'object',
  required: ['client', 'secret'],
  properties: { client: { $ref: 'Client#' }, secret: { type: ['string', 'null'], description: 'the generated secret, shown only in this answer' } },
} as const;

export const UserInput = { $id: 'UserInput', ...userInput } as const;

export const UserPatch = {
  $id: 'UserPatch',
  type: 'object',
  additionalProperties: false,
  properties: { ...userInputProperties },
} as const;

export const User = {
  $id: 'User',
  type: 'object',
  required: ['uid', 'name', 'status', 'roles'],
  properties: {
    uid: { type: 'integer' },
    uuid: { type: 'string' },
    name: { type: 'string' },
    mail: { type: ['string', 'null'] },
    status: { type: 'boolean' },
    roles: { type: 'array', items: { type: 'string' } },
    timezone: { type: ['string', 'null'] },
    created: { type: 'integer' },
    changed: { type: 'integer' },
    access: { type: 'integer' },
    login: { type: 'integer' },
    fields: { type: 'object', additionalProperties: true, description: 'free-form profile fields' },
  },
} as const;

export const UserCreated = {
  $id: 'UserCreated',
  type: 'object',
  required: ['user', 'password'],
  properties: { user: { $ref: 'User#' }, password: { type: ['string', 'null'], description: 'the generated password, shown only in this answer' } },
} as const;

export const Role = {
  $id: 'Role',
  type: 'object',
  additionalProperties: false,
  required: ['label', 'permissions'],
  properties: {
    id: { type: 'string', readOnly: true },
    ...roleProperties,
    isAdmin: { type: 'boolean', readOnly: true },
  },
} as const;

export const Scope = {
  $id: 'Scope',
  type: 'object',
  additionalProperties: false,
  required: ['description'],
  properties: { name: { type: 'string', readOnly: true }, ...scopeProperties },
} as const;

export const Key = {
  $id: 'Key',
  type: 'object',
  required: ['kid', 'alg', 'use', 'state'],
  properties: {
    kid: { type: 'string' },
    alg: { type: 'string' },
    use: { type: 'string', enum: ['access', 'id'] },
    state: { type: 'string', enum: ['next', 'current', 'retired'] },
    createdAt: { type: 'integer' },
    activatedAt: { type: ['integer', 'null'] },
    retiredAt: { type: ['integer', 'null'] },
    publishUntil: { type: ['integer', 'null'] },
  },
} as const;

export const Grant = {
  $id: 'Grant',
  type: 'object',
  description: 'an active grant: a refresh-token family with a live token',
  required: ['id', 'userId', 'clientId', 'scopes'],
  properties: {
    id: { type: 'string', description: 'the family id' },
    userId: { type: 'integer' },
    clientId: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' } },
    lastIssuedAt: { type: 'integer', description: 'when its current refresh token was issued (seconds)' },
    expiresAt: { type: 'integer' },
  },
} as const;

export const AuditEntry = {
  $id: 'AuditEntry',
  type: 'object',
  required: ['id', 'at', 'event', 'outcome'],
  properties: {
    id: { type: 'integer' },
    at: { type: 'integer', description: 'ms since the epoch' },
    event: { type: 'string' },
    outcome: { type: 'string', enum: ['success', 'failure'] },
    userId: { type: ['integer', 'null'] },
    clientId: { type: ['string', 'null'] },
    ip: { type: ['string', 'null'] },
    endpoint: { type: ['string', 'null'] },
    detail: { type: ['string', 'null'] },
  },
} as const;

export const ApiKeyInput = {
  $id: 'ApiKeyInput',
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    label: { type: 'string', maxLength: 128, description: 'what the key is for' },
    expiresInDays: { type: 'integer', minimum: 1, maximum: 3650, description: 'days until it expires; absent: never' },
    scopes: {
      type: 'array',
      maxItems: 50,
      items: { type: 'string', minLength: 1, maxLength: 255 },
      description: 'scopes the key is limited to (its access: the user’s permissions ∩ theirs); absent or []: all of the user’s permissions',
    },
  },
} as const;

export const ApiKey = {
  $id: 'ApiKey',
  type: 'object',
  description: 'an API key as listed: never the key, never its digest',
  required: ['id', 'userId', 'label', 'scopes', 'createdAt', 'state'],
  properties: {
    id: { type: 'string', description: 'the public id, the part after ghk_ (what revoke takes)' },
    userId: { type: 'integer' },
    label: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'integer', description: 'seconds since the epoch' },
    lastUsedAt: { type: ['integer', 'null'], description: 'written at most once a minute' },
    expiresAt: { type: ['integer', 'null'] },
    revokedAt: { type: ['integer', 'null'] },
    state: { type: 'string', enum: ['active', 'expired', 'revoked'] },
  },
} as const;

export const ApiKeyCreated = {
  $id: 'ApiKeyCreated',
  type: 'object',
  required: ['apiKey', 'key'],
  properties: { apiKey: { $ref: 'ApiKey#' }, key: { type: 'string', description: 'the key (ghk_…), shown only in this answer' } },
} as const;

export const ALL_SCHEMAS = [
  ErrorBody,
  AuthError,
  ClientInput,
  ClientPatch,
  Client,
  ClientCreated,
  UserInput,
  UserPatch,
  User,
  UserCreated,
  Role,
  Scope,
  Key,
  Grant,
  AuditEntry,
  ApiKeyInput,
  ApiKey,
  ApiKeyCreated,
];
