// The odd values the fuzzer sends: junk field values (empty, huge, NUL, invalid UTF-8, unicode,
// wrong JSON types), odd Authorization and Cookie headers, odd path spellings.
import type { Random } from './seeded-random.js';

/** A field value: text (encoded as the body's format wants), raw bytes (sent as they are), or any JSON. */
export type FieldValue = string | { raw: Buffer } | { json: unknown };

export const raw = (bytes: number[] | Buffer): { raw: Buffer } => ({ raw: Buffer.from(bytes) });

const UNICODE = ['é', 'ü'.normalize('NFD'), '𝔘𝔫𝔦', '\u202eevil', 'a\u200bb', '\ufeff', '\ud800', '👩‍👩‍👧', 'İ', 'ß', '日本語', '\u0085', '\u2028'];
const INJECTION = [
  "' OR 1=1--",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '..%2F..%2F',
  '${7*7}',
  '{{7*7}}',
  'a\r\nSet-Cookie: x=1',
  'a\nb',
  'javascript:alert(1)',
  '//evil.example/x',
  'https://evil.example/',
  '\\\\evil.example',
  '/\\evil.example',
  'data:text/html,x',
  '%',
  '%ZZ',
  '%00',
  '%C0%AE',
  '+',
  '&',
  '=',
  '#',
  '?',
  '*',
  '__proto__',
  'constructor',
  'toString',
  'null',
  'undefined',
  'NaN',
  'true',
];
const NUMBERS = ['0', '-1', '1.5', '1e309', '-0', '0x10', '99999999999999999999', '2147483648', '9007199254740993', ' 1', '1 ', '１'];

/** A junk value for any field. */
export function junkValue(random: Random): FieldValue {
  return random.weighted<() => FieldValue>([
    [3, () => ''],
    [1, () => ' '],
    [3, () => 'x'.repeat(random.pick([256, 1025, 4097, 20_000, 70_000]))],
    [3, () => random.pick(['\u0000', 'abc\u0000def', '\u0000'.repeat(10), 'a\u0001\u001f\u007f'])],
    [3, () => raw(random.pick([[0xff], [0xfe, 0xff], [0xc0, 0xae], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0x61, 0x00, 0x62], [0xf8, 0x88, 0x80, 0x80, 0x80]]))],
    [2, () => raw(random.bytes(random.int(1, 64)))],
    [3, () => random.pick(UNICODE)],
    [3, () => random.pick(INJECTION)],
    [3, () => random.pick(NUMBERS)],
    [
      3,
      () => ({
        json: random.pick<unknown>([
          null,
          true,
          false,
          0,
          -1,
          1.5,
          1e308,
          [],
          ['a', 'b'],
          [null],
          {},
          { $ne: 1 },
          JSON.parse('{"__proto__":{"admin":true}}'),
          [[[[[]]]]],
          'x'.repeat(300),
        ]),
      }),
    ],
  ])();
}

function base64(text: string | Buffer): string {
  return Buffer.from(text).toString('base64');
}

/** A JWT-looking token that is not one Gatehouse issued. */
function fakeJwt(random: Random): string {
  const header = random.pick([
    { alg: 'none' },
    { alg: 'HS256', kid: '../../etc/passwd' },
    { alg: 'RS256', kid: 'x'.repeat(500) },
    { alg: 'ES256', jku: 'https://evil.example/jwks' },
    { typ: 'at+jwt' },
    {},
    [],
  ]);
  const claims = random.pick([{ sub: '1', exp: 9999999999 }, { sub: { $ne: 1 } }, { scope: ['a'] }, {}, null, 'x']);
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return random.pick([
    `${part(header)}.${part(claims)}.`,
    `${part(header)}.${part(claims)}.${random.bytes(32).toString('base64url')}`,
    `${part(header)}.${part(claims)}`,
    `${part(header)}..`,
    '..',
    'e30.e30.e30',
    `${part(header)}.!!!.###`,
  ]);
}

/** Odd Authorization values (valid ones are mixed in by the caller). */
export function oddAuthorization(random: Random, validToken: string): string {
  return random.pick<() => string>([
    () => 'Basic ' + base64('no-colon-here'),
    () => 'Basic ' + base64(':'),
    () => 'Basic ' + base64('a:b:c'),
    () => 'Basic ' + base64('%zz:%'),
    () => 'Basic ' + base64(Buffer.from([0xff, 0x3a, 0xfe])),
    () => 'Basic ' + base64('fuzzer\u0000:x'),
    () => 'Basic ' + base64('x'.repeat(random.pick([300, 5000])) + ':y'),
    () => 'Basic !!!not-base64!!!',
    () => 'Basic ' + 'A'.repeat(random.pick([3, 9000])),
    () => 'Basic',
    () => 'Basic ',
    () => 'Bearer',
    () => 'Bearer ',
    () => 'Bearer  ' + validToken,
    () => 'Bearer ' + validToken + ' ',
    () => 'Bearer ' + validToken.slice(0, -3) + 'abc',
    () => 'Bearer ' + validToken.split('.').reverse().join('.'),
    () => 'Bearer ' + fakeJwt(random),
    () => 'Bearer ' + 'a.'.repeat(random.pick([10, 3000])),
    () => 'Bearer ' + 'x'.repeat(random.pick([100, 8000, 15000])),
    () => 'bearer ' + validToken,
    () => 'BEARER ' + validToken,
    () => `Bearer ${validToken}, Basic ${base64('fuzzer:x')}`,
    () => `Basic ${base64('a:b')} Bearer ${validToken}`,
    () => 'DPoP ' + validToken,
    () => 'Negotiate YIIB',
    () => 'Digest username="a", realm="b", nonce="c", uri="/", response="d"',
    () => 'MAC id="x"',
    () => '\tBearer ' + validToken,
    () => validToken,
    () => 'Bearer é' + '\u00ff',
  ])();
}

/** Odd Cookie headers around the valid `cookies` (name=value; ...). */
export function oddCookie(random: Random, cookies: string): string {
  const pairs = cookies.split('; ');
  return random.pick<() => string>([
    () => 'gh_session=' + random.pick(['', 'x', 'x'.repeat(129), 'x'.repeat(5000), '%00', '"quoted"', '\u00ff\u00fe']),
    () => 'gh_csrf=' + random.pick(['', 'x'.repeat(43), '%zz', 'a=b=c']),
    () => `${cookies}; ${pairs[0].split('=')[0]}=junk`,
    () => `${pairs[0].split('=')[0]}=junk; ${cookies}`,
    () => [...pairs].reverse().join(';'),
    () => pairs.join(',  '),
    () => ';;;==;',
    () => '=',
    () => 'gh_session',
    () => '__proto__=x; constructor=y; toString=z; hasOwnProperty=1',
    () => 'a=' + 'x'.repeat(random.pick([4000, 17000])),
    () => Array.from({ length: 200 }, (_, i) => `c${i}=${i}`).join('; '),
    () => `${cookies}; ${cookies}`,
    () => cookies.replace(/=/g, '=%'),
  ])();
}

/** Respells a path: double slashes, dot segments, encodings, case, overlong, unicode. */
export function oddPath(random: Random, path: string): string {
  const slashes = [...path.matchAll(/\//g)].map((m) => m.index!);
  const at = random.pick(slashes.length ? slashes : [0]);
  const splice = (insert: string, remove = 0) => path.slice(0, at) + insert + path.slice(at + remove);
  return random.pick<() => string>([
    () => splice('/', 0),
    () => '/' + path,
    () => splice('/.'),
    () => splice('/x/..'),
    () => splice('/%2e%2e/x'),
    () => splice('/%2E'),
    () => splice('%2F', 1),
    () => splice('%2f', 1),
    () => splice('%5C', 1),
    () => splice('\\', 1),
    () => path + '/',
    () => path + '/.',
    () => path + '%00',
    () => path + '%ff',
    () => path + '%',
    () => path + ';jsessionid=1',
    () => path + '#fragment',
    () => path.toUpperCase(),
    () => path + '/' + 'a'.repeat(random.pick([300, 5000, 17000])),
    () => path + '/' + encodeURIComponent(random.pick(UNICODE).replace(/[\ud800-\udfff]/g, '\ufffd')),
    () => path + '/%C0%AE%C0%AE',
    () => path + '/é\u00ff',
    () => path.replace(/[a-z]/, (c) => '%' + c.charCodeAt(0).toString(16)),
  ])();
}

/** A string's UTF-8 bytes as latin1 characters: what Node's client puts on the wire byte for byte. */
export function utf8AsLatin1(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A header value Node's client will send: UTF-8 bytes kept, control characters replaced. */
export function headerSafe(text: string): string {
  return utf8AsLatin1(text).replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '?');
}

/** A request target Node's client will send: latin1 bytes kept, controls and spaces escaped. */
export function pathSafe(latin1: string): string {
  return latin1.replace(/[\u0000-\u0020\u007f]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}
