// Request bodies from a list of fields: form, JSON, multipart and text encodings (raw bytes kept
// raw), whole-body oddities, and JSON objects sampled from the admin API's OpenAPI schemas.
import type { Random } from './seeded-random.js';
import type { FieldValue } from './fuzz-values.js';

export type Field = readonly [name: string, value: FieldValue];

function asText(value: FieldValue): string | Buffer {
  if (typeof value === 'string') return value;
  if ('raw' in value) return value.raw;
  return typeof value.json === 'string' ? value.json : (JSON.stringify(value.json) ?? '');
}

function percent(text: string | Buffer, random: Random): string | Buffer {
  if (Buffer.isBuffer(text)) return random.chance(0.5) ? text : [...text].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');
  const encoded = encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\ufffd'));
  return random.chance(0.2) ? encoded.replace(/%20/g, '+') : encoded;
}

/** application/x-www-form-urlencoded, with the occasional `name` without `=` or stray `&`. */
export function formBody(random: Random, fields: readonly Field[]): Buffer {
  const parts: Buffer[] = [];
  fields.forEach(([name, value], i) => {
    if (i > 0) parts.push(Buffer.from(random.chance(0.03) ? '&&' : '&'));
    parts.push(Buffer.from(percent(name, random)));
    if (random.chance(0.02)) return;
    parts.push(Buffer.from('='), Buffer.from(percent(asText(value), random)));
  });
  return Buffer.concat(parts);
}

function jsonValue(value: FieldValue): Buffer {
  if (typeof value === 'string') return Buffer.from(JSON.stringify(value));
  if ('raw' in value) return Buffer.concat([Buffer.from('"'), value.raw, Buffer.from('"')]);
  return Buffer.from(JSON.stringify(value.json) ?? 'null');
}

/** A JSON object written by hand, so keys may repeat and strings may hold invalid UTF-8. */
export function jsonBody(fields: readonly Field[]): Buffer {
  const parts: Buffer[] = [Buffer.from('{')];
  fields.forEach(([name, value], i) => {
    parts.push(Buffer.from((i ? ',' : '') + JSON.stringify(name) + ':'), jsonValue(value));
  });
  parts.push(Buffer.from('}'));
  return Buffer.concat(parts);
}

export function multipartBody(fields: readonly Field[], boundary: string): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name.replace(/"/g, '%22')}"\r\n\r\n`),
      Buffer.from(asText(value)),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/** Whole bodies that are odd in themselves, whatever the fields. */
export function oddBody(random: Random): Buffer {
  return random.pick<() => Buffer>([
    () => Buffer.alloc(0),
    () => Buffer.from('{'),
    () => Buffer.from('[]'),
    () => Buffer.from('null'),
    () => Buffer.from('"text"'),
    () => Buffer.from('\ufeff{"grant_type":"client_credentials"}'),
    () => Buffer.from('['.repeat(random.pick([100, 5000])) + ']'.repeat(100)),
    () => Buffer.from('{"a":'.repeat(2000) + '1' + '}'.repeat(2000)),
    () => Buffer.from('a=1&'.repeat(random.pick([1000, 20_000]))),
    () => Buffer.from('%'),
    () => Buffer.from('&&&==&=&'),
    () => Buffer.from('\u0000\u0000\u0000'),
    () => random.bytes(random.pick([1, 16, 512, 4096])),
    () => Buffer.alloc(random.pick([65_537, 200_000]), 0x61),
    () => Buffer.from('grant_type=client_credentials\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'),
  ])();
}

export interface JsonSchema {
  type?: string | string[];
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  examples?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/**
 * A value shaped like `schema` (so the request passes validation and reaches the operation), its
 * strings taken from `valueFor(property)` — the names the world knows — or made up.
 */
export function sampleSchema(
  random: Random,
  schema: JsonSchema,
  components: Record<string, JsonSchema>,
  valueFor: (name: string) => unknown,
  name = '',
  depth = 0,
): unknown {
  if (schema.$ref) return sampleSchema(random, components[schema.$ref.split('/').pop()!] ?? {}, components, valueFor, name, depth + 1);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return sampleSchema(random, random.pick(options), components, valueFor, name, depth + 1);
  if (schema.enum) return random.pick(schema.enum);
  const type = Array.isArray(schema.type) ? random.pick(schema.type) : schema.type;
  if (depth > 6) return null;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(key) || random.chance(0.6)) out[key] = sampleSchema(random, sub, components, valueFor, key, depth + 1);
      }
      return out;
    }
    case 'array': {
      const known = valueFor(name);
      if (Array.isArray(known)) return known;
      return Array.from({ length: random.int(0, 3) }, () => sampleSchema(random, schema.items ?? {}, components, valueFor, name, depth + 1));
    }
    case 'boolean':
      return random.chance(0.5);
    case 'integer':
    case 'number':
      return typeof valueFor(name) === 'number' ? valueFor(name) : random.pick([1, 60, 3600, 0, -1, 2 ** 31, 1.5]);
    case 'null':
      return null;
    default: {
      const known = valueFor(name);
      if (typeof known === 'string') return known;
      if (Array.isArray(known) && known.length) return random.pick(known);
      if (schema.examples?.length) return random.pick(schema.examples);
      return random.pick(['fuzz', 'fuzz-' + random.int(0, 9999), 'Fuzz label']);
    }
  }
}
