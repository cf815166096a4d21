// What the fuzzer knows about the server it attacks: a principal of its own (an administrator
// and a confidential client with every grant and scope) whose credentials it renews, the forms
// the pages offer, and the admin API's request schemas from /openapi.json.
import assert from 'node:assert/strict';
import type { ApplyDocument } from '../../src/admin/apply.js';
import { ADMIN_SCOPES, ADMIN_WORLD } from '../helpers/admin.js';
import { BrowserAgent, pkcePair } from '../helpers/browser-http.js';
import { form, PASSWORD, SECRET, type Running } from '../helpers/gatehouse.js';
import type { JsonSchema } from './fuzz-bodies.js';

export const FUZZER = 'fuzzer';
export const FUZZ_REDIRECT = 'https://fuzzer.example/cb';

export const VICTIM = 'fuzz-victim';

/** the fuzzer's own scopes: one per permission the admin API and console check, and one to read profiles */
const OWN_SCOPES: Record<string, string> = Object.fromEntries(
  [...Object.values(ADMIN_SCOPES), 'access user profiles'].map((permission) => [`fuzz-own:${permission.replace(/ /g, '-')}`, permission]),
);
const OWN_PROFILE_SCOPE = 'fuzz-own:access-user-profiles';

/**
 * The fuzzer's own principals, named nowhere in what it sends as paths or values, so that what it
 * legitimately changes (a secret, a block) never costs it its credentials: an administrator and a
 * client with every grant and scope, and a user and client whose tokens it uses as values.
 */
export const FUZZ_OWN: ApplyDocument = {
  scopes: Object.entries(OWN_SCOPES).map(([name, permission]) => ({ name, description: permission, granularity: 'permission' as const, permission })),
  users: [
    { name: FUZZER, mail: 'fuzzer@example.com', password: PASSWORD, roles: ['administrator'] },
    { name: VICTIM, mail: 'victim@example.com', password: PASSWORD, roles: [] },
  ],
  clients: [
    {
      clientId: FUZZER,
      label: 'Fuzzer',
      confidential: true,
      secret: SECRET,
      grantTypes: ['authorization_code', 'client_credentials', 'password', 'refresh_token'],
      redirectUris: [FUZZ_REDIRECT],
      scopes: ['openid', 'profile', 'email', ...Object.keys(OWN_SCOPES), ...(ADMIN_WORLD.scopes ?? []).map((s) => s.name)],
      automaticAuthorization: true,
      user: FUZZER,
    },
    { clientId: VICTIM, label: 'Victim', confidential: true, secret: SECRET, grantTypes: ['password', 'refresh_token'], scopes: [OWN_PROFILE_SCOPE] },
  ],
};

const OWN_NAMES = new Set([...Object.keys(OWN_SCOPES), FUZZER, VICTIM]);

export const FUZZ_WORLD: ApplyDocument = {
  ...ADMIN_WORLD,
  scopes: [...(ADMIN_WORLD.scopes ?? []), ...FUZZ_OWN.scopes!],
  users: [...(ADMIN_WORLD.users ?? []), ...FUZZ_OWN.users!],
  clients: [...(ADMIN_WORLD.clients ?? []), ...FUZZ_OWN.clients!],
};

/** The fuzzer's live credentials, renewed every batch (the fuzzer may log itself out). */
export interface Credentials {
  /** Cookie header of the fuzzer's logged-in browser */
  cookies: string;
  csrf: string;
  /** an access token of the fuzzer carrying every admin scope */
  bearer: string;
  idToken: string;
  /** tokens of the victim user and client: values to introspect, revoke and refresh */
  victimAccess: string;
  victimRefresh: string;
  /** a fresh authorization code of the fuzzer client and its PKCE verifier */
  code: string;
  codeVerifier: string;
}

async function password(
  gh: Running,
  clientId: string,
  user: string,
  scope: string,
): Promise<{ access_token: string; refresh_token?: string; id_token?: string }> {
  const res = await form(`${gh.url}/oauth/token`, {
    grant_type: 'password',
    client_id: clientId,
    client_secret: SECRET,
    username: user,
    password: PASSWORD,
    scope,
  });
  assert.equal(res.status, 200, `${clientId}/${user}: ${res.text}`);
  return res.body;
}

export async function obtainCredentials(gh: Running): Promise<Credentials> {
  const agent = new BrowserAgent(gh.url);
  const login = await agent.login(FUZZER, PASSWORD, '/user/apps');
  assert.equal(login.status, 303, `the fuzzer logs in: ${login.text.slice(0, 200)}`);
  const apps = await agent.get('/user/apps');
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(apps.text)?.[1];
  assert.ok(csrf, 'a CSRF token on /user/apps');
  const pkce = pkcePair();
  const authorize = await agent.get(
    `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: FUZZER, redirect_uri: FUZZ_REDIRECT, scope: OWN_PROFILE_SCOPE, state: 's', nonce: 'n', code_challenge: pkce.challenge, code_challenge_method: 'S256' })}`,
  );
  const code = new URL(authorize.location ?? 'http://x/', gh.url).searchParams.get('code');
  assert.ok(code, `an authorization code for the fuzzer: ${authorize.status} ${authorize.location}`);
  // an ID token too while `openid` still works (the fuzzer may legitimately change that scope)
  const mine = await password(gh, FUZZER, FUZZER, ['openid', ...Object.keys(OWN_SCOPES)].join(' ')).catch(() =>
    password(gh, FUZZER, FUZZER, Object.keys(OWN_SCOPES).join(' ')),
  );
  const victim = await password(gh, VICTIM, VICTIM, OWN_PROFILE_SCOPE);
  return {
    cookies: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    csrf,
    bearer: mine.access_token,
    idToken: mine.id_token ?? '',
    victimAccess: victim.access_token,
    victimRefresh: victim.refresh_token!,
    code,
    codeVerifier: pkce.verifier,
  };
}

export interface FormTemplate {
  method: 'get' | 'post';
  action: string;
  fields: [string, string][];
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const attribute = (tag: string, name: string) => {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? unescapeHtml(match[1]) : undefined;
};

/** The forms of a page with their fields as a browser would submit them (checked boxes, selected options). */
export function formsOf(page: string): FormTemplate[] {
  const forms: FormTemplate[] = [];
  for (const match of page.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const [, tag, inner] = match;
    const action = attribute(tag, 'action');
    if (!action) continue;
    const fields: [string, string][] = [];
    for (const input of inner.matchAll(/<(input|textarea|select|button)\b([^>]*)>([\s\S]*?<\/\1>)?/g)) {
      const name = attribute(input[2], 'name');
      if (!name) continue;
      if (input[1] === 'select')
        fields.push([
          name,
          attribute((/<option\b[^>]*\sselected\b[^>]*>/.exec(input[3] ?? '') ?? /<option\b[^>]*>/.exec(input[3] ?? ''))?.[0] ?? '', 'value') ?? '',
        ]);
      else if (input[1] === 'button') fields.push([name, attribute(input[2], 'value') ?? '']);
      else if (input[1] === 'textarea') fields.push([name, unescapeHtml((input[3] ?? '').replace(/<\/textarea>$/, ''))]);
      else if (['checkbox', 'radio'].includes(attribute(input[2], 'type') ?? '') && !/\schecked\b/.test(input[2])) continue;
      else fields.push([name, attribute(input[2], 'value') ?? (attribute(input[2], 'type') === 'checkbox' ? 'on' : '')]);
    }
    forms.push({ method: attribute(tag, 'method') === 'post' ? 'post' : 'get', action, fields });
  }
  return forms;
}

/** Every form on the pages at `paths`, as the logged-in fuzzer sees them. */
export async function scrapeForms(gh: Running, cookies: string, paths: string[]): Promise<FormTemplate[]> {
  const forms: FormTemplate[] = [];
  for (const path of paths) {
    const res = await fetch(gh.url + path, { headers: { cookie: cookies, accept: 'text/html' }, redirect: 'manual' });
    const text = await res.text();
    if (!(res.headers.get('content-type') ?? '').includes('html')) continue;
    // the fuzzer's own principals are left out of what it submits (a checkbox, a hidden name)
    for (const found of formsOf(text)) forms.push({ ...found, fields: found.fields.filter(([, value]) => !OWN_NAMES.has(value)) });
  }
  return forms;
}

export interface ApiOperations {
  /** request body schema by "METHOD /pattern/:param" */
  bodies: Map<string, JsonSchema>;
  /** query parameter names by "METHOD /pattern/:param" */
  queries: Map<string, string[]>;
  components: Record<string, JsonSchema>;
}

/** The admin API's operations from its own OpenAPI document. */
export async function apiOperations(gh: Running): Promise<ApiOperations> {
  const doc = await (await fetch(`${gh.url}/openapi.json`)).json();
  const bodies = new Map<string, JsonSchema>();
  const queries = new Map<string, string[]>();
  for (const [path, operations] of Object.entries<Record<string, any>>(doc.paths)) {
    const pattern = path.replace(/\{(\w+)\}/g, ':$1');
    for (const [method, operation] of Object.entries<any>(operations)) {
      const key = `${method.toUpperCase()} ${pattern}`;
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      if (schema) bodies.set(key, schema);
      const names = (operation.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => String(p.name));
      if (names.length) queries.set(key, names);
    }
  }
  return { bodies, queries, components: doc.components?.schemas ?? {} };
}
