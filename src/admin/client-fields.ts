// The fields an operator sets on a client, described once: the console renders, reads back and
// parses its form from this table, the admin API and the apply file validate with its schemas,
// and the CLI's `client create`/`update` options come from it. A new client field is one entry
// here (plus its place in Client and in client-input.ts's checks).
import {
  MAX_ACCESS_TOKEN_EXPIRATION,
  MAX_REFRESH_FAMILY_LIFETIME,
  MAX_REFRESH_REUSE_INTERVAL,
  MAX_REFRESH_TOKEN_EXPIRATION,
  type Client,
} from '../domain/client.js';
import { GRANT_TYPES } from '../domain/grant-types.js';
import { clientAuthMethodNames } from '../oauth/client-auth/index.js';
import type { ClientInput } from './client-input.js';

/**
 * How a field is entered and shown:
 * - `id`: the client id, entered once on creation;
 * - `text`: one line (empty: left as it is); `longtext`: several lines, kept as written;
 * - `flag`: on or off;
 * - `grantTypes`, `scopes`: a choice of several among the grant types or the defined scopes;
 * - `lines`: several values, one per line (empty: none);
 * - `user`: a user name (empty: none);
 * - `seconds`: a whole number of seconds (empty: the default);
 * - `choice`: one of `choices` (empty: none, which the field's operation reads as its default).
 */
export type ClientFieldKind = 'id' | 'text' | 'longtext' | 'flag' | 'grantTypes' | 'scopes' | 'lines' | 'user' | 'seconds' | 'choice';

/** A JSON Schema property (as the admin API and the apply file validate it). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** How the CLI sets the field: a value option (repeatable for lists), or a pair of switches. */
export type ClientFieldCli =
  | { option: string; value: string; description: string; repeatable?: boolean /** `--no-<option>` empties it */; clearable?: boolean }
  | { on: string; off: string; description: string };

export interface ClientField {
  name: Exclude<keyof ClientInput, 'secret'>;
  /** the console's label */
  label: string;
  kind: ClientFieldKind;
  /** the console's help text under the field */
  help?: string;
  /** its JSON Schema in the admin API and the apply file */
  schema: JsonSchema;
  /** its value in the console's form for a new client */
  initial: string | boolean | string[];
  /** what the form shows for a stored client, when not the stored value itself */
  show?: (client: Client, names: { user: string; actAs: string[] }) => unknown;
  /** the CLI's option(s); none: not settable from the CLI (the id is an argument) */
  cli?: ClientFieldCli;
  /** `choice` fields: the values offered ('' first, meaning none) */
  choices?: readonly { value: string; label: string }[];
}

const stringList = { type: 'array', items: { type: 'string', maxLength: 2048 }, maxItems: 200 } as const;
const seconds = (max: number, min = 1, description?: string): JsonSchema => ({
  type: 'integer',
  minimum: min,
  maximum: max,
  ...(description ? { description } : {}),
});

export const CLIENT_FIELDS: readonly ClientField[] = [
  {
    name: 'clientId',
    label: 'Client ID',
    kind: 'id',
    help: 'Letters, digits, . _ ~ - ; at most 128. Cannot be changed later.',
    schema: { type: 'string', minLength: 1, maxLength: 128 },
    initial: '',
  },
  {
    name: 'label',
    label: 'Label',
    kind: 'text',
    schema: { type: 'string', maxLength: 255 },
    initial: '',
    cli: { option: 'label', value: 'text', description: 'the name shown to people (default: the client id)' },
  },
  {
    name: 'description',
    label: 'Description',
    kind: 'longtext',
    schema: { type: 'string', maxLength: 4096 },
    initial: '',
    cli: { option: 'description', value: 'text', description: 'a description' },
  },
  {
    name: 'status',
    label: 'Enabled',
    kind: 'flag',
    help: 'Disabling revokes every token of the client.',
    schema: { type: 'boolean', description: 'false disables the client and revokes its tokens' },
    initial: true,
    cli: { on: 'enable', off: 'disable', description: 'enable the client, or disable it (revoking its tokens)' },
  },
  {
    name: 'confidential',
    label: 'Confidential (has a secret)',
    kind: 'flag',
    help: 'Leave unchecked for single-page and mobile apps.',
    schema: { type: 'boolean', description: 'has a secret (false: a public client such as a SPA or mobile app)' },
    initial: true,
    cli: { on: 'confidential', off: 'public', description: 'a confidential client (has a secret; the default) or a public one (SPA, mobile app)' },
  },
  {
    name: 'tokenEndpointAuthMethod',
    label: 'Client authentication at the token endpoint',
    kind: 'choice',
    help: 'One method only (RFC 7591), or by the client’s type: HTTP Basic or the body if confidential, client_id alone if public.',
    schema: {
      type: ['string', 'null'],
      enum: [...clientAuthMethodNames(), null],
      description:
        'how the client authenticates at the token endpoint (RFC 7591); null (default): client_secret_basic or client_secret_post for a confidential client, none for a public one. none is for public clients only, the others for confidential ones',
    },
    initial: '',
    choices: [
      { value: '', label: 'By client type: HTTP Basic or the body if confidential, client_id alone if public' },
      ...clientAuthMethodNames().map((name) => ({ value: name, label: name })),
    ],
    cli: {
      option: 'token-endpoint-auth-method',
      value: 'method',
      clearable: true,
      description: `the one way it authenticates at the token endpoint (${clientAuthMethodNames().join(', ')}); default: by its type`,
    },
  },
  {
    name: 'grantTypes',
    label: 'Grant types',
    kind: 'grantTypes',
    schema: { type: 'array', items: { type: 'string', enum: [...GRANT_TYPES] }, maxItems: 10 },
    initial: ['client_credentials'],
    cli: { option: 'grant', value: 'type', repeatable: true, description: `a grant type it may use (${GRANT_TYPES.join(', ')}); repeat for several` },
  },
  {
    name: 'redirectUris',
    label: 'Redirect URIs',
    kind: 'lines',
    help: 'One per line; matched exactly.',
    schema: stringList,
    initial: '',
    cli: { option: 'redirect-uri', value: 'uri', repeatable: true, clearable: true, description: 'a redirect URI, matched exactly; repeat for several' },
  },
  {
    name: 'scopes',
    label: 'Scopes',
    kind: 'scopes',
    schema: stringList,
    initial: [],
    cli: { option: 'scope', value: 'name', repeatable: true, clearable: true, description: 'a scope it may ask for; repeat for several' },
  },
  {
    name: 'authorizationCodeScopes',
    label: 'Scopes granted by default to authorization-code requests',
    kind: 'scopes',
    schema: stringList,
    initial: [],
    cli: {
      option: 'code-scope',
      value: 'name',
      repeatable: true,
      clearable: true,
      description: 'a scope granted to an authorization-code request that names none; repeat for several',
    },
  },
  {
    name: 'user',
    label: 'Default user',
    kind: 'user',
    help: 'The user client_credentials tokens act as (a user name), or empty. Another user than yourself needs “administer users”, and a client may grant only permissions you hold.',
    schema: { type: ['string', 'null'], description: 'name of the default user (client_credentials acts as this user)' },
    initial: '',
    show: (_client, names) => names.user,
    cli: { option: 'user', value: 'name', clearable: true, description: 'the user its client_credentials tokens act as' },
  },
  {
    name: 'actAs',
    label: 'May also act for',
    kind: 'lines',
    help: 'miniOrange client_credentials with username: one user name per line, or * for any user. Empty: only the default user.',
    schema: {
      description:
        'user names the client may act for with miniOrange’s client_credentials + `username` (the default user always), or "*" for any user; none by default ([] takes them all away)',
      anyOf: [
        { type: 'array', items: { type: 'string', minLength: 1, maxLength: 60 }, maxItems: 200 },
        { type: 'string', enum: ['*'] },
      ],
    },
    initial: '',
    show: (_client, names) => names.actAs,
    cli: {
      option: 'act-as',
      value: 'name',
      repeatable: true,
      clearable: true,
      description: 'a user it may also act for (miniOrange client_credentials + username), or * for anyone; repeat for several',
    },
  },
  {
    name: 'pkce',
    label: 'Require PKCE',
    kind: 'flag',
    help: 'On by default (OAuth 2.1); public clients always require it.',
    schema: { type: 'boolean', description: 'require PKCE at /oauth/authorize (default true; a public client always requires it)' },
    initial: true,
    // a public client always requires PKCE, whatever was stored
    show: (client) => client.pkce || !client.confidential,
    cli: { on: 'pkce', off: 'no-pkce', description: 'require PKCE (the default), or not (a confidential client only)' },
  },
  {
    name: 'automaticAuthorization',
    label: 'Automatic authorization (skip the consent page)',
    kind: 'flag',
    schema: { type: 'boolean' },
    initial: false,
    cli: { on: 'automatic-authorization', off: 'no-automatic-authorization', description: 'skip the consent page, or show it (the default)' },
  },
  {
    name: 'rememberApproval',
    label: 'Remember approval',
    kind: 'flag',
    schema: { type: 'boolean' },
    initial: true,
    cli: { on: 'remember-approval', off: 'no-remember-approval', description: 'remember what a user approved (the default), or ask every time' },
  },
  {
    name: 'accessTokenExpiration',
    label: 'Access token lifetime (seconds)',
    kind: 'seconds',
    help: 'Empty: 300.',
    schema: seconds(MAX_ACCESS_TOKEN_EXPIRATION),
    initial: '',
    cli: { option: 'access-token-expiration', value: 'seconds', description: 'access token lifetime (default 300)' },
  },
  {
    name: 'refreshTokenExpiration',
    label: 'Refresh token lifetime (seconds)',
    kind: 'seconds',
    help: 'Empty: 1209600 (14 days).',
    schema: seconds(MAX_REFRESH_TOKEN_EXPIRATION),
    initial: '',
    cli: { option: 'refresh-token-expiration', value: 'seconds', description: 'refresh token lifetime (default 1209600, 14 days)' },
  },
  {
    name: 'refreshFamilyLifetime',
    label: 'Longest a sign-in lasts through refreshes (seconds)',
    kind: 'seconds',
    help: 'However often its refresh token rotates, a grant ends this long after the user authorized; then they sign in again. Empty: 2592000 (30 days).',
    schema: seconds(
      MAX_REFRESH_FAMILY_LIFETIME,
      1,
      'seconds a refresh-token family lives however often it rotates; then the user authenticates again (default 2592000, 30 days)',
    ),
    initial: '',
    cli: { option: 'refresh-family-lifetime', value: 'seconds', description: 'longest a sign-in lasts through refreshes (default 2592000, 30 days)' },
  },
  {
    name: 'refreshReuseInterval',
    label: 'Refresh token reuse interval (seconds)',
    kind: 'seconds',
    help: 'A just-used refresh token presented again within this time (a lost reply, tabs refreshing at once) gets the same new token instead of ending the grant. 0 or empty: off, every reuse is treated as theft. At most 300.',
    schema: seconds(
      MAX_REFRESH_REUSE_INTERVAL,
      0,
      'seconds in which the client may present a just-spent refresh token again and get the same successor instead of the family being revoked (default 0: off)',
    ),
    initial: '',
    cli: { option: 'refresh-reuse-interval', value: 'seconds', description: 'seconds a just-used refresh token may be presented again (default 0: off)' },
  },
];

/** The fields' schemas by name, `except` some, in the table's order. */
export function clientFieldSchemas(except: readonly string[] = []): Record<string, JsonSchema> {
  return Object.fromEntries(CLIENT_FIELDS.filter((f) => !except.includes(f.name)).map((f) => [f.name, f.schema]));
}
