// The JSON schemas of the admin API: Fastify validates request bodies and query strings with
// them, and @fastify/swagger turns the same objects into the OpenAPI 3.1 document.
import { GRANT_TYPES } from '../domain/grant-types.js';
import { clientAuthMethodNames } from '../oauth/client-auth/index.js';

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

const stringList = { type: 'array', items: { type: 'string', maxLength: 2048 }, maxItems: 200 } as const;
const seconds = { type: 'integer', minimum: 1 } as const;

const clientFields = {
  label: { type: 'string', maxLength: 255 },
  description: { type: 'string', maxLength: 4096 },
  confidential: { type: 'boolean', description: 'has a secret (false: a public client such as a SPA or mobile app)' },
  grantTypes: { type: 'array', items: { type: 'string', enum: [...GRANT_TYPES] }, maxItems: 10 },
  redirectUris: stringList,
  scopes: stringList,
  authorizationCodeScopes: stringList,
  tokenEndpointAuthMethod: {
    type: ['string', 'null'],
    enum: [...clientAuthMethodNames(), null],
    description:
      'how the client authenticates at the token endpoint (RFC 7591); null (default): client_secret_basic or client_secret_post for a confidential client, none for a public one. none is for public clients only, the others for confidential ones',
  },
  pkce: { type: 'boolean', description: 'require PKCE at /oauth/authorize (default true; a public client always requires it)' },
  automaticAuthorization: { type: 'boolean' },
  rememberApproval: { type: 'boolean' },
  accessTokenExpiration: seconds,
  refreshTokenExpiration: seconds,
  refreshFamilyLifetime: {
    type: 'integer',
    minimum: 1,
    maximum: 315_360_000,
    description: 'seconds a refresh-token family lives however often it rotates; then the user authenticates again (default 2592000, 30 days)',
  },
  refreshReuseInterval: {
    type: 'integer',
    minimum: 0,
    maximum: 300,
    description:
      'seconds in which the client may present a just-spent refresh token again and get the same successor instead of the family being revoked (default 0: off)',
  },
  status: { type: 'boolean', description: 'false disables the client and revokes its tokens' },
} as const;

const actAsInput = {
  description:
    'user names the client may act for with miniOrange’s client_credentials + `username` (the default user always), or "*" for any user; none by default ([] takes them all away)',
  anyOf: [
    { type: 'array', items: { type: 'string', minLength: 1, maxLength: 60 }, maxItems: 200 },
    { type: 'string', enum: ['*'] },
  ],
} as const;

export const ClientInput = {
  $id: 'ClientInput',
  type: 'object',
  additionalProperties: false,
  required: ['clientId'],
  properties: {
    clientId: { type: 'string', minLength: 1, maxLength: 128 },
    ...clientFields,
    user: { type: ['string', 'null'], description: 'name of the default user (client_credentials acts as this user)' },
    actAs: actAsInput,
    secret: { type: 'string', minLength: 32, maxLength: 512, description: 'omit to have one generated (shown once in the answer)' },
  },
} as const;

export const ClientPatch = {
  $id: 'ClientPatch',
  type: 'object',
  additionalProperties: false,
  properties: { ...clientFields, user: { type: ['string', 'null'] }, actAs: actAsInput },
} as const;

export const Client = {
  $id: 'Client',
  type: 'object',
  required: ['clientId', 'label', 'confidential', 'grantTypes', 'status'],
  properties: {
    clientId: { type: 'string' },
    ...clientFields,
    userId: { type: ['integer', 'null'] },
    actAs: { type: 'array', items: { type: 'string' }, description: 'user names the client may act for besides its default user; ["*"]: any user' },
    secret: { type: 'string', description: 'only in the answer to a change that made the client confidential: its generated secret, shown this once' },
    created: { type: 'integer', description: 'seconds since the epoch' },
    changed: { type: 'integer' },
  },
} as const;

export const ClientCreated = {
  $id: 'ClientCreated',
  type: 'object',
  required: ['client', 'secret'],
  properties: { client: { $ref: 'Client#' }, secret: { type: ['string', 'null'], description: 'the generated secret, shown only in this answer' } },
} as const;

export const UserInput = {
  $id: 'UserInput',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 60 },
    mail: { type: ['string', 'null'], maxLength: 254 },
    password: { type: 'string', minLength: 8, maxLength: 1024, description: 'omit to have one generated (shown once in the answer)' },
    roles: { type: 'array', items: { type: 'string' }, maxItems: 100 },
    status: { type: 'boolean', description: 'false: blocked' },
    timezone: { type: ['string', 'null'], maxLength: 64 },
  },
} as const;

export const UserPatch = {
  $id: 'UserPatch',
  type: 'object',
  additionalProperties: false,
  properties: { ...UserInput.properties },
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
    label: { type: 'string', minLength: 1, maxLength: 255 },
    permissions: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 128 }, maxItems: 500 },
    isAdmin: { type: 'boolean', readOnly: true },
  },
} as const;

export const Scope = {
  $id: 'Scope',
  type: 'object',
  additionalProperties: false,
  required: ['description'],
  properties: {
    name: { type: 'string', readOnly: true },
    description: { type: 'string', maxLength: 1024 },
    grantTypes: { type: 'array', items: { type: 'string', enum: [...GRANT_TYPES] } },
    granularity: { type: ['string', 'null'], enum: ['permission', 'role', null] },
    permission: { type: ['string', 'null'], maxLength: 128 },
    role: { type: ['string', 'null'], maxLength: 128 },
    umbrella: { type: 'boolean' },
    parent: { type: ['string', 'null'] },
  },
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
];
