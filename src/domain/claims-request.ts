// The `claims` request parameter (OIDC Core §5.5): which claims a relying party asks for in the
// ID token and at userinfo, beyond what its scopes ask for. Only the names are kept: essential
// and voluntary claims are both answered when the user has a value, and omitted otherwise
// (§5.5.1: an unavailable essential claim is not an error).

export interface ClaimsRequest {
  idToken: string[];
  userinfo: string[];
}

/** A claim name as the parameter may spell one (printable, no spaces). */
const CLAIM_NAME = /^[\x21-\x7e]{1,128}$/;
const MAX_PARAMETER_LENGTH = 4096;
const MAX_CLAIMS = 64;

/** The request read from the parameter's JSON text, or an error message naming what is wrong. */
export function parseClaimsRequest(text: string): ClaimsRequest | { error: string } {
  if (text.length > MAX_PARAMETER_LENGTH) return { error: `claims must be at most ${MAX_PARAMETER_LENGTH} characters.` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'claims must be a JSON object (OpenID Connect Core §5.5).' };
  }
  if (!isObject(value)) return { error: 'claims must be a JSON object (OpenID Connect Core §5.5).' };
  const out: ClaimsRequest = { idToken: [], userinfo: [] };
  for (const [member, key] of [
    ['id_token', 'idToken'],
    ['userinfo', 'userinfo'],
  ] as const) {
    const requested = value[member];
    if (requested === undefined) continue;
    if (!isObject(requested)) return { error: `claims.${member} must be an object of claim names.` };
    for (const [name, spec] of Object.entries(requested)) {
      if (!CLAIM_NAME.test(name)) return { error: `claims.${member} names an invalid claim.` };
      if (spec !== null && !isObject(spec)) return { error: `claims.${member}.${name} must be null or an object (essential, value, values).` };
      if (isObject(spec) && spec.essential !== undefined && typeof spec.essential !== 'boolean')
        return { error: `claims.${member}.${name}.essential must be true or false.` };
      out[key].push(name);
    }
    if (out[key].length > MAX_CLAIMS) return { error: `claims.${member} may name at most ${MAX_CLAIMS} claims.` };
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
