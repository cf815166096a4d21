// Builds fuzzed request i of a run from (seed, i) alone: a served route, a method, a path that may
// be respelled, fields from a valid template (a page's form, the admin API's schema, an OAuth
// request) then mutated, encoded as form, JSON, multipart, text or nothing, with odd headers.
import { PASSWORD, SECRET } from '../helpers/gatehouse.js';
import { formBody, jsonBody, multipartBody, oddBody, sampleSchema, type Field } from './fuzz-bodies.js';
import { headerSafe, junkValue, oddAuthorization, oddCookie, oddPath, pathSafe, utf8AsLatin1, type FieldValue } from './fuzz-values.js';
import { CLIENTS, EXTRA_METHODS, FIELD_NAMES, GRANTS, known, SCOPES } from './fuzz-vocabulary.js';
import { FUZZ_REDIRECT, FUZZER, VICTIM, type ApiOperations, type Credentials, type FormTemplate } from './fuzz-world.js';
import type { ServedRoute } from './served-routes.js';
import { Random } from './seeded-random.js';

export interface FuzzRequest {
  index: number;
  /** the route pattern it was made from */
  route: string;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
}

export interface FuzzTarget {
  routes: ServedRoute[];
  forms: FormTemplate[];
  api: ApiOperations;
  creds: Credentials;
  /** uid of each seed-world user the fuzzer may aim at (never its own) */
  uids: number[];
  /** the token that opens /metrics */
  metricsToken: string;
}

function routeWeight(url: string): number {
  if (url.startsWith('/docs') || url.startsWith('/assets') || url === '/openapi.json') return 0.3;
  return url.startsWith('/admin') ? 1.5 : 3;
}

function pathParam(random: Random, name: string, target: FuzzTarget, gentle: boolean): string {
  const junk = [
    '0',
    '-1',
    '99999999999999999999',
    '1.5',
    '1e3',
    '0x1',
    'abc',
    '%00',
    '%ff',
    '%2e%2e',
    '..',
    '%2F',
    'a'.repeat(300),
    '%E2%80%AE',
    'null',
    '__proto__',
    "1'--",
    '%20',
    '%C3%A9',
  ];
  if (!gentle && random.chance(0.35)) return random.pick(junk);
  switch (name) {
    case 'clientId':
      return random.pick(CLIENTS);
    case 'uid':
      return String(random.pick(target.uids));
    case 'name':
      return encodeURIComponent(random.pick(SCOPES));
    default:
      return String(random.pick<string | number>(['editor', 'viewer', 'administrator', 'authenticated', ...target.uids]));
  }
}

type Template = { fields: Field[]; json: boolean; action?: string };

/** An admin API body sampled from its schema, or its query parameters. */
function apiTemplate(random: Random, operation: string, target: FuzzTarget): Template | null {
  const lookup = (name: string) => known(name, target.creds, target);
  const schema = target.api.bodies.get(operation);
  if (schema) {
    // names of new things are sometimes fresh, so that creating succeeds rather than conflicts
    const valueFor = (name: string) =>
      ['name', 'clientId'].includes(name) && random.chance(0.3) ? `fuzz-${random.int(0, 999_999)}` : lookup(name) ? random.pick(lookup(name)!) : undefined;
    const value = sampleSchema(random, schema, target.api.components, valueFor);
    // a body that may be null (keys/rotate) is sent as {} here; whole-body oddities come later
    return { fields: Object.entries(value && typeof value === 'object' ? value : {}).map(([k, v]) => [k, { json: v }] as Field), json: true };
  }
  const names = target.api.queries.get(operation);
  if (!names) return null;
  return {
    fields: names.filter(() => random.chance(0.5)).map((n) => [n, String(random.pick(lookup(n) ?? ['1', 'fuzz', '2024-01-01T00:00:00Z']))]),
    json: false,
  };
}

/** One of the page forms that submit to this route, filled in as a person would. */
function formTemplate(random: Random, method: string, route: ServedRoute, target: FuzzTarget): Template | null {
  const pattern = new RegExp(`^${route.url.replace(/:\w+/g, '[^/]+')}(\\?|$)`);
  const forms = target.forms.filter((f) => f.method === (method === 'POST' ? 'post' : 'get') && pattern.test(f.action));
  if (!forms.length) return null;
  // the current CSRF token; empty fields (and some others) from what the world knows
  const fill = (name: string, value: string): string => {
    if (name === 'csrf_token') return target.creds.csrf;
    const values = known(name, target.creds, target);
    return values && (value === '' || random.chance(0.3)) ? String(random.pick(values)) : value;
  };
  const chosen = random.pick(forms);
  return { fields: chosen.fields.map(([k, v]) => [k, fill(k, v)]), json: false, action: chosen.action };
}

/** The OAuth and compatibility endpoints, which no page form or schema describes. */
function protocolTemplate(random: Random, route: ServedRoute, target: FuzzTarget): Template {
  const { creds } = target;
  const pick = (name: string): Field => [name, String(random.pick(known(name, creds, target) ?? ['']))];
  const client = (): Field[] =>
    random.chance(0.7)
      ? [
          ['client_id', random.pick([FUZZER, 'backend', 'mobile'])],
          ['client_secret', SECRET],
        ]
      : [pick('client_id')];
  switch (route.url) {
    case '/oauth/token':
    case '/rest_api/access_token': {
      const grant = random.pick(GRANTS.slice(0, 5));
      const base: Field[] = [['grant_type', grant], ...client()];
      const scope: Field[] = random.chance(0.5) ? [pick('scope')] : [];
      if (grant === 'password') return { fields: [...base, pick('username'), ['password', random.chance(0.7) ? PASSWORD : 'wrong'], ...scope], json: false };
      if (grant === 'refresh_token')
        return {
          fields: [
            ['grant_type', grant],
            ['client_id', random.pick([VICTIM, 'backend'])],
            ['client_secret', SECRET],
            ['refresh_token', creds.victimRefresh],
          ],
          json: false,
        };
      if (grant === 'authorization_code')
        return {
          fields: [
            ['grant_type', grant],
            ['client_id', FUZZER],
            ['client_secret', SECRET],
            ['code', creds.code],
            ['redirect_uri', FUZZ_REDIRECT],
            ['code_verifier', creds.codeVerifier],
          ],
          json: false,
        };
      return { fields: [...base, ...scope], json: false };
    }
    case '/oauth/introspect':
    case '/oauth/revoke':
    case '/rest_api/revoke':
      return { fields: [pick('token'), pick('token_type_hint'), ...client()], json: false };
    case '/oauth/authorize':
      return {
        fields: [
          'response_type',
          'client_id',
          'redirect_uri',
          'scope',
          'state',
          'nonce',
          'code_challenge',
          'code_challenge_method',
          'prompt',
          'max_age',
          'login_hint',
        ]
          .filter((_n, i) => i < 3 || random.chance(0.5))
          .map(pick),
        json: false,
      };
    case '/user/logout':
    case '/oauth/logout':
      return {
        fields: (
          [['csrf_token', creds.csrf], ['id_token_hint', creds.idToken], pick('post_logout_redirect_uri'), pick('state'), pick('client_id')] as Field[]
        ).filter(() => random.chance(0.7)),
        json: false,
      };
    case '/user/:id':
      return { fields: [['_format', 'json']], json: false };
    default:
      return { fields: [], json: false };
  }
}

/** The fields a valid request to this route would carry (before mutation). */
function template(random: Random, method: string, route: ServedRoute, target: FuzzTarget): Template {
  return apiTemplate(random, `${method} ${route.url}`, target) ?? formTemplate(random, method, route, target) ?? protocolTemplate(random, route, target);
}

/** 0–3 mutations (at most 1 when gentle): drop, repeat, replace with junk, add a field. */
function mutate(random: Random, fields: Field[], creds: Credentials, target: FuzzTarget, gentle: boolean): Field[] {
  const out = [...fields];
  const count = gentle
    ? random.int(0, 1)
    : random.weighted([
        [3, 0],
        [4, 1],
        [2, 2],
        [1, 3],
      ] as const);
  for (let i = 0; i < count; i++) {
    const at = out.length ? random.int(0, out.length - 1) : 0;
    const op = random.int(0, 3);
    if (op === 0 && out.length) out.splice(at, 1);
    else if (op === 1 && out.length) out.splice(at + 1, 0, [out[at][0], random.chance(0.5) ? out[at][1] : junkValue(random)]);
    else if (op === 2 && out.length) {
      const values = known(out[at][0], creds, target);
      out[at] = [out[at][0], values && random.chance(0.5) ? String(random.pick(values)) : junkValue(random)];
    } else {
      const name = random.pick(FIELD_NAMES);
      const values = known(name, creds, target);
      out.push([name, values && random.chance(0.5) ? String(random.pick(values)) : junkValue(random)]);
    }
  }
  return out;
}

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=UTF-8',
  'application/x-www-form-urlencoded; charset=latin1',
  'application/x-www-form-urlencoded; charset=utf-16le',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/x-www-form-urlencoded, application/json',
  'application/json',
  'application/json; charset=utf-16',
  'application/jsonx',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/octet-stream',
  '*/*',
  ';',
  'application/x-www-form-urlencoded;;;;charset="\u00ff"',
  'x'.repeat(2000),
];

function encodeBody(random: Random, fields: Field[], json: boolean): { body: Buffer; type: string | undefined } {
  const kind = random.weighted<string>([
    [json ? 15 : 45, 'form'],
    [json ? 55 : 15, 'json'],
    [5, 'multipart'],
    [5, 'text'],
    [5, 'untyped'],
    [8, 'odd'],
    [7, 'charset'],
  ]);
  let out: { body: Buffer; type: string | undefined };
  switch (kind) {
    case 'json':
      out = { body: jsonBody(fields), type: random.pick(['application/json', 'application/json; charset=utf-8', 'Application/JSON']) };
      break;
    case 'multipart': {
      const boundary = random.pick(['fuzzboundary', 'x'.repeat(70), '"quoted"', '']);
      out = { body: multipartBody(fields, boundary), type: `multipart/form-data; boundary=${boundary}` };
      break;
    }
    case 'text':
      out = { body: formBody(random, fields), type: 'text/plain' };
      break;
    case 'untyped':
      out = { body: formBody(random, fields), type: undefined };
      break;
    case 'odd':
      out = { body: oddBody(random), type: random.pick(CONTENT_TYPES) };
      break;
    case 'charset':
      out = { body: Buffer.from(formBody(random, fields).toString('latin1'), 'utf16le'), type: 'application/x-www-form-urlencoded; charset=utf-16le' };
      break;
    default:
      out = { body: formBody(random, fields), type: 'application/x-www-form-urlencoded' };
  }
  if (random.chance(0.1)) out.type = random.pick(CONTENT_TYPES);
  return out;
}

function authorization(random: Random, creds: Credentials, metricsToken: string): string | string[] | undefined {
  const basic = (id: string) => 'Basic ' + Buffer.from(`${id}:${SECRET}`).toString('base64');
  return random.weighted<() => string | string[] | undefined>([
    [25, () => undefined],
    [20, () => `Bearer ${creds.bearer}`],
    [2, () => `Bearer ${metricsToken}`],
    [12, () => basic(random.pick([FUZZER, 'backend', 'admin-tool']))],
    [5, () => `Bearer ${creds.victimAccess}`],
    [30, () => headerSafe(oddAuthorization(random, creds.bearer))],
    [5, () => [`Bearer ${creds.bearer}`, headerSafe(oddAuthorization(random, creds.bearer))]],
    [3, () => [basic(FUZZER), basic('backend')]],
  ])();
}

const EXTRA_HEADERS: [string, string[]][] = [
  ['accept', ['application/json', 'text/html', '*/*', 'application/xml', 'text/html;q=0.1, application/json', 'x'.repeat(3000)]],
  ['x-forwarded-for', ['1.2.3.4', 'junk', '::1, 10.0.0.1', '', '1.1.1.1,'.repeat(500)]],
  ['x-forwarded-proto', ['https', 'gopher', '']],
  ['x-forwarded-host', ['evil.example', 'a'.repeat(300)]],
  ['host', ['evil.example', '', 'a'.repeat(300), '[::1]:99999', '127.0.0.1:1']],
  ['origin', ['https://evil.example', 'null']],
  ['referer', ['https://evil.example/', '%%']],
  ['content-encoding', ['gzip', 'br', 'identity', 'junk']],
  ['accept-encoding', ['gzip', 'br;q=2', '*', 'x'.repeat(500)]],
  ['accept-language', ['de-CH', '*;q=abc', 'x'.repeat(500)]],
  ['x-http-method-override', ['DELETE', 'PUT']],
  ['if-none-match', ['*', '"x"']],
  ['range', ['bytes=0-1', 'bytes=-1,0-', 'junk']],
  ['connection', ['close', 'upgrade', 'keep-alive, x']],
  ['upgrade', ['h2c', 'websocket']],
  ['x-request-id', ['\u00ff'.repeat(10), 'x'.repeat(1000)]],
];

/** The credentials a client that means well would send to this route. */
function rightAuthorization(random: Random, route: string, target: FuzzTarget): string | undefined {
  if (route === '/metrics') return `Bearer ${target.metricsToken}`;
  if (/^\/(oauth\/(token|introspect|revoke)|rest_api\/)/.test(route))
    return random.chance(0.5) ? undefined : 'Basic ' + Buffer.from(`${FUZZER}:${SECRET}`).toString('base64');
  return `Bearer ${target.creds.bearer}`;
}

/**
 * Request number `index` of the run seeded `seed`. A third are gentle — a valid request with at
 * most one odd value, so that the odd value meets the code behind the first checks; the rest are
 * odd in several places at once.
 */
export function fuzzRequest(target: FuzzTarget, seed: number, index: number): FuzzRequest {
  const random = new Random(seed, index);
  const { creds } = target;
  const gentle = random.chance(0.3);
  const route = random.weighted(target.routes.map((r) => [routeWeight(r.url), r] as const));
  // gentle requests favour the method a route was made for (listed first: POST /oauth/token)
  const method = gentle && random.chance(0.5) ? route.methods[0] : gentle || random.chance(0.8) ? random.pick(route.methods) : random.pick(EXTRA_METHODS);
  let path = route.url
    .replace(/:(\w+)/g, (_, name: string) => pathParam(random, name, target, gentle))
    .replace('*', () => random.pick(['x', 'index.css', '../../package.json', '%2e%2e/%2e%2e/etc/passwd', '']));
  const { fields: base, json, action } = template(random, method, route, target);
  if (action && gentle) path = action;
  const fields = mutate(random, base, creds, target, gentle);
  const inBody = !['GET', 'HEAD'].includes(method) && (gentle || random.chance(0.92));
  const headers: Record<string, string | string[]> = {};
  let body: Buffer | undefined;
  if (gentle && inBody) {
    body = json ? jsonBody(fields) : formBody(random, fields);
    headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
  } else if (inBody || random.chance(0.04)) {
    const encoded = encodeBody(random, inBody ? fields : [], json);
    body = encoded.body;
    if (encoded.type !== undefined) headers['content-type'] = headerSafe(encoded.type);
  }
  const queryFields = inBody ? (!gentle && random.chance(0.1) ? fields.slice(0, 2) : []) : fields;
  if (!gentle && random.chance(0.25)) path = oddPath(random, path);
  path = utf8AsLatin1(path);
  if (queryFields.length) path += (path.includes('?') ? '&' : '?') + formBody(random, queryFields).toString('latin1');
  const auth = gentle ? rightAuthorization(random, route.url, target) : authorization(random, creds, target.metricsToken);
  if (auth !== undefined) headers.authorization = auth;
  const cookie = gentle
    ? creds.cookies
    : random.weighted<() => string | undefined>([
        [45, () => creds.cookies],
        [25, () => undefined],
        [25, () => headerSafe(oddCookie(random, creds.cookies))],
        [5, () => creds.cookies + '; ' + headerSafe(oddCookie(random, creds.cookies))],
      ])();
  if (cookie !== undefined) headers.cookie = cookie;
  if (random.chance(0.5)) headers.accept = random.pick(['application/json', 'text/html', '*/*']);
  for (
    let i = gentle
      ? 0
      : random.weighted([
          [6, 0],
          [3, 1],
          [1, 2],
        ] as const);
    i > 0;
    i--
  ) {
    const [name, values] = random.pick(EXTRA_HEADERS);
    headers[name] = headerSafe(random.pick(values));
  }
  return { index, route: route.url, method, path: pathSafe(path), headers, body };
}

/** A one-line description of a request, to replay it by hand. */
export function describe(request: FuzzRequest): string {
  const headers = Object.entries(request.headers)
    .map(([k, v]) => `${k}: ${String(v).slice(0, 120)}`)
    .join(' | ');
  // the body as text when it is UTF-8, else byte for byte
  const head = request.body?.subarray(0, 300);
  const text = head && (head.toString('utf8').includes('\ufffd') ? head.toString('latin1') : head.toString('utf8'));
  const body = request.body ? ` body(${request.body.length}B)=${JSON.stringify(text)}` : '';
  return `#${request.index} ${request.method} ${request.path.slice(0, 300)} [${headers}]${body}`;
}

export type { FieldValue };
