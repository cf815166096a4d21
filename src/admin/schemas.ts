// The JSON Schemas of what an operator writes — clients, users, roles, scopes — defined once: the
// admin API validates request bodies with them (src/admin-api/schemas.ts gives them $ids and adds
// its answers), and the apply file is validated by a document made of them (apply/apply-schema.ts,
// published as docs/apply.schema.json). Unknown keys are refused everywhere.
import { GRANT_TYPES } from '../domain/grant-types.js';
import { clientFieldSchemas, type JsonSchema } from './client-fields.js';

/** A client's settable fields, the id, user and actAs included (the table of client-fields.ts). */
export const clientInputProperties = clientFieldSchemas();

/** The secret an operator may choose; omitted, one is generated and shown once. */
export const clientSecretProperty = {
  type: 'string',
  minLength: 32,
  maxLength: 512,
  description: 'omit to have one generated (shown once in the answer)',
} as const;

export const clientInput = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId'],
  properties: { ...clientInputProperties, secret: clientSecretProperty },
} as const;

/** A change to a client: any field but its id and secret (the secret is rotated, never set). */
export const clientPatch = {
  type: 'object',
  additionalProperties: false,
  properties: clientFieldSchemas(['clientId']),
} as const;

/** A user's free-form fields: replaced as a whole when given (src/domain/user-fields.ts). */
export const userFieldsSchema = {
  type: 'object',
  description:
    'free-form profile fields (string, number, boolean or object values), read by the OpenID Connect claims of the same names (given_name, phone_number, address, …) and by claim mappings ($user.field.NAME); replaces the current fields as a whole',
  maxProperties: 64,
  propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' },
  // no `type` here: the admin API's ajv coerces types ([1] would become 1); the operation checks values
  additionalProperties: { description: 'a string, a number, a boolean or an object' },
} as const;

export const userInputProperties = {
  name: { type: 'string', minLength: 1, maxLength: 60 },
  mail: { type: ['string', 'null'], maxLength: 254 },
  password: { type: 'string', minLength: 8, maxLength: 1024, description: 'omit to have one generated (shown once in the answer)' },
  roles: { type: 'array', items: { type: 'string' }, maxItems: 100 },
  status: { type: 'boolean', description: 'false: blocked' },
  timezone: { type: ['string', 'null'], maxLength: 64 },
  fields: userFieldsSchema,
} as const;

export const userInput = { type: 'object', additionalProperties: false, required: ['name'], properties: userInputProperties } as const;

export const roleProperties = {
  label: { type: 'string', minLength: 1, maxLength: 255 },
  permissions: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 128 }, maxItems: 500 },
  mfaRequired: {
    type: 'boolean',
    description:
      'Holders must pass a second factor (TOTP, recovery code) at login; one who has none is led through enrolment at their next login. Default false.',
  },
} as const;

export const scopeProperties = {
  description: { type: 'string', maxLength: 1024 },
  grantTypes: { type: 'array', items: { type: 'string', enum: [...GRANT_TYPES] } },
  granularity: { type: ['string', 'null'], enum: ['permission', 'role', null] },
  permission: { type: ['string', 'null'], maxLength: 128 },
  role: { type: ['string', 'null'], maxLength: 128 },
  umbrella: { type: 'boolean' },
  parent: { type: ['string', 'null'] },
} as const;

/** A role as `apply` writes it: its id, and optionally its label and permissions. */
export const roleItem = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 128 }, ...roleProperties },
} as const;

/** A scope as `apply` writes it: its name and description, and what it grants. */
export const scopeItem = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'description'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 128 }, ...scopeProperties },
} as const;

/** A user as `apply` writes it: without a password the account gets none (no password sign-in). */
export const userItem = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { ...userInputProperties, password: { ...userInputProperties.password, description: 'checked and hashed; omit for an account without one' } },
} as const;

const claimTemplate = (token: string) =>
  ({
    type: 'object',
    description: `claims added to ${token} granted the scope: a literal value, or $user.roles, $user.name, $user.mail, $user.uid, $user.field.NAME (left out when the user has none); registered claims (iss, sub, aud, exp, scope, client_id, nonce, …) are refused`,
    maxProperties: 64,
  }) as const;

/** A custom claim mapping as `apply` writes it (issue 14): per scope, for access tokens and ID tokens. */
export const claimMappingItem = {
  type: 'object',
  additionalProperties: false,
  required: ['scope'],
  properties: {
    scope: { type: 'string', minLength: 1, maxLength: 128, description: 'the scope whose grant adds these claims' },
    accessToken: claimTemplate('access tokens (and their introspection)'),
    idToken: claimTemplate('ID tokens and userinfo'),
  },
} as const;

/** A resource server for resource indicators (RFC 8707), as `apply` writes it (issue 14). */
export const resourceItem = {
  type: 'object',
  additionalProperties: false,
  required: ['uri', 'scopes'],
  properties: {
    uri: { type: 'string', minLength: 1, maxLength: 2048, description: 'the absolute URI clients send as `resource` (no fragment); the `aud` of its tokens' },
    scopes: { type: 'array', items: { type: 'string' }, maxItems: 200, description: 'the scopes it accepts: its tokens carry only the granted ones of these' },
  },
} as const;

/** A client as `apply` writes it. */
export const clientItem = clientInput;

/** The policy of dynamically registered clients (RFC 7591): what they may ask for; fields left out take the default. */
export const registrationPolicyItem = {
  type: 'object',
  additionalProperties: false,
  properties: {
    scopes: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 128 }, maxItems: 500, description: 'default: openid, profile, email' },
    grantTypes: {
      type: 'array',
      items: { type: 'string', enum: ['authorization_code', 'refresh_token', 'device_code'] },
      description: 'default: authorization_code, refresh_token',
    },
    redirectUriSchemes: {
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: 64 },
      maxItems: 20,
      description: 'https, http-loopback (http to 127.0.0.1, [::1] or localhost), or a private-use scheme of a native app; default: https, http-loopback',
    },
    clientLifetimeDays: {
      type: ['integer', 'null'],
      minimum: 1,
      maximum: 36500,
      description: 'days a registered client lives, then it is deleted; null (default): until deleted',
    },
  },
} as const;

export type { JsonSchema };
