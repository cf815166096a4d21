// `npm run schema`: writes docs/apply.schema.json, the JSON Schema of `gatehouse apply` files, from
// its one source (src/admin/apply/schema.ts). test/docs/apply-schema.test.ts fails when the
// committed file is out of date.
import { writeFileSync } from 'node:fs';
import { applySchemaText } from '../src/admin/apply/schema.js';

const target = new URL('../docs/apply.schema.json', import.meta.url);
writeFileSync(target, applySchemaText());
process.stdout.write(`wrote ${target.pathname}\n`);
