// The JSON Schema of an apply file, made from the sections' item schemas (the same definitions the
// admin API validates with). Published as docs/apply.schema.json by `npm run schema`, so editors
// complete and check the file as it is written.
import type { JsonSchema } from '../schemas.js';
import { APPLY_SECTIONS } from './sections.js';

export function applySchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Gatehouse apply file',
    description:
      'The roles, scopes, users and clients `gatehouse apply FILE` makes exist as written (created or updated; nothing else is touched). YAML or JSON.',
    type: 'object',
    additionalProperties: false,
    properties: {
      // JSON has no comments: editors find a JSON file's schema by this key (YAML: a comment)
      $schema: { type: 'string', description: 'the schema this file follows, for editors (docs/apply.schema.json); apply ignores it' },
      ...Object.fromEntries(
        APPLY_SECTIONS.map((s) => [
          s.name,
          s.single
            ? { description: s.description, $ref: `#/definitions/${s.noun}` }
            : { description: s.description, type: 'array', items: { $ref: `#/definitions/${s.noun}` } },
        ]),
      ),
    },
    definitions: Object.fromEntries(APPLY_SECTIONS.map((s) => [s.noun, s.item])),
  };
}

/** The published file's text: the schema, two-space indented, with a final newline. */
export function applySchemaText(): string {
  return `${JSON.stringify(applySchema(), null, 2)}\n`;
}
