// Resource indicators (RFC 8707): the `resource` a request names, checked against the resources
// the operator registered. Anything else — relative, with a fragment, unknown — is `invalid_target`
// (§2); a token for a resource has `aud` = its URI and only the granted scopes it accepts.
import type { AccessCatalog } from '../domain/access.js';
import { resourceUriProblem, type Resource } from '../domain/resource.js';
import { OAuthFailure } from './oauth-failure.js';

const target = (message: string): OAuthFailure => new OAuthFailure('invalid_target', message, { param: 'resource' });

/** The registered resource `value` names, null when the request names none. */
export function requestedResource(value: string | undefined, catalog: Pick<AccessCatalog, 'resources'>): Resource | null {
  if (value === undefined) return null;
  const problem = resourceUriProblem(value);
  if (problem) throw target(`resource ${problem}.`);
  const resource = catalog.resources?.get(value);
  if (!resource) throw target(`The resource ${value} is not registered with this server.`);
  return resource;
}

/**
 * The resource a token continuing a grant is for: the one granted (`granted`, null for the
 * default audience), or `asked` when it is that one. Never another: a grant narrows, never widens.
 */
export function grantedResource(granted: string | null, asked: string | undefined, catalog: Pick<AccessCatalog, 'resources'>): Resource | null {
  const named = requestedResource(asked, catalog);
  if (named && named.uri !== granted)
    throw target(`The resource ${named.uri} was not granted here: a token may be asked for a granted resource only, never another.`);
  if (granted === null) return null;
  const resource = catalog.resources?.get(granted);
  if (!resource) throw target(`The resource ${granted} this grant was for is no longer registered.`);
  return resource;
}
