// What the fuzzer knows of the world it attacks: client ids, scopes, grants, users, redirect
// URIs, and valid-looking values by field name, mixed with near misses (case, spaces, unknowns).
import { PASSWORD, SECRET } from '../helpers/gatehouse.js';
import { FUZZ_REDIRECT, type Credentials } from './fuzz-world.js';

export const CLIENTS = ['backend', 'script', 'mobile', 'spa', 'webapp', 'nouser', 'ccblocked', 'admin-tool', 'unknown-client'];
export const SCOPES = [
  'openid',
  'profile',
  'email',
  'profile:read',
  'mail:read',
  'users:admin',
  'editor',
  'everything',
  'child:profiles',
  'cc-only',
  'admin:users',
  'admin:clients',
  'offline_access',
  'nope',
];
export const GRANTS = [
  'client_credentials',
  'password',
  'refresh_token',
  'authorization_code',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'implicit',
  'PASSWORD',
];
// valid values come more often than their odd neighbours, so a single odd value meets deep code
const USERS = ['alice', 'bob', 'root', 'alice', 'bob', 'carol', 'nobody', 'ALICE', ' alice', 'alice@example.com'];
const REDIRECTS = [
  'http://127.0.0.1:5173/callback',
  'https://spa.example/callback',
  'https://rp.example/cb',
  FUZZ_REDIRECT,
  'https://evil.example/cb',
  'http://127.0.0.1:5173/callback/../x',
  'https://spa.example/callback?x=1#y',
  'custom.scheme:/cb',
];
export const EXTRA_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'SEARCH', 'QUERY', 'M-SEARCH', 'PURGE'];

/** Valid-looking values by field name, so that requests get past the first check. */
export function known(name: string, creds: Credentials, target: { uids: number[] }): unknown[] | undefined {
  const tokens = [creds.victimAccess, creds.victimRefresh];
  const table: Record<string, unknown[]> = {
    grant_type: GRANTS,
    client_id: CLIENTS,
    clientId: [...CLIENTS, 'fuzz-new-1', 'fuzz-new-2', 'fuzz-new-3'],
    client: CLIENTS,
    client_secret: [SECRET, 'wrong-secret'],
    secret: [SECRET, 'a-new-fuzzed-secret-of-enough-length-0123456789'],
    username: USERS,
    name: USERS,
    user: USERS,
    login_hint: USERS,
    q: USERS,
    password: [PASSWORD, PASSWORD, 'wrong'],
    pass: [PASSWORD, PASSWORD, 'wrong'],
    scope: [...SCOPES, ...SCOPES.map((s, i) => `${s} ${SCOPES[(i + 3) % SCOPES.length]}`)],
    scopes: [SCOPES.slice(0, 3), ['profile:read'], []],
    refresh_token: [creds.victimRefresh],
    token: tokens,
    access_token: [creds.victimAccess],
    id_token_hint: [creds.idToken],
    token_type_hint: ['access_token', 'refresh_token', 'id_token', 'unknown'],
    code: [creds.code],
    code_verifier: [creds.codeVerifier],
    redirect_uri: REDIRECTS,
    redirectUris: [REDIRECTS.slice(0, 2)],
    post_logout_redirect_uri: REDIRECTS,
    response_type: ['code', 'token', 'code id_token', 'id_token'],
    response_mode: ['query', 'fragment', 'form_post', 'jwt'],
    code_challenge: ['E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'short'],
    code_challenge_method: ['S256', 'plain', 's256'],
    state: ['xyz'],
    nonce: ['n-0S6_WzA2Mj'],
    prompt: ['none', 'login', 'consent', 'login consent', 'select_account'],
    max_age: ['0', '60'],
    destination: [
      '/user/apps',
      '/admin',
      '//evil.example',
      'https://evil.example/',
      '/user/apps?x=é',
      '/ü',
      '/☃',
      '/user/apps?name=日本',
      '/%E2%98%83',
      '/a\r\nLocation: //evil',
    ],
    _format: ['json', 'xml', 'hal_json'],
    decision: ['allow', 'deny'],
    confirm: ['yes'],
    grantTypes: [GRANTS.slice(0, 3)],
    roles: [['editor'], ['administrator'], []],
    permissions: [['access user profiles'], ['administer users']],
    mail: ['fuzz@example.com', 'not-an-address'],
    status: [true, false],
    uid: target.uids,
    id: ['editor', 'viewer', ...target.uids],
  };
  return table[name];
}

/** field names to add: the protocol's, bracketed and prototype-ish ones, empty, NUL, unicode */
export const FIELD_NAMES = [
  'grant_type',
  'client_id',
  'client_secret',
  'username',
  'password',
  'scope',
  'refresh_token',
  'code',
  'redirect_uri',
  'code_verifier',
  'token',
  'token_type_hint',
  'destination',
  'csrf_token',
  'name',
  'pass',
  'state',
  'nonce',
  'prompt',
  'decision',
  '_format',
  'access_token',
  'id_token_hint',
  'scope[]',
  'client_id[0]',
  'a[b][c]',
  '__proto__',
  'constructor',
  '',
  ' ',
  '\u0000',
  'é',
];
