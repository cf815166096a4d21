// Which engines a test file runs on, read from its `// test-engines: …` marker (see run-tests.mjs).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every test file under `dir`, sorted. */
export function findTestFiles(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return findTestFiles(path);
      return name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

/** 'both', 'own', null (no marker), or 'invalid' (a marker line with another value): only the comments a file starts with count. */
export function enginesOf(text) {
  for (const line of text.split('\n')) {
    if (!line.startsWith('//')) break;
    if (!line.startsWith('// test-engines:')) continue;
    const value = line.slice('// test-engines:'.length).trim();
    return value === 'both' || value === 'own' ? value : 'invalid';
  }
  return null;
}

/** Files that start a server without saying on which engines, or whose marker is not understood. */
export function unmarkedServerTests(files, read = (file) => readFileSync(file, 'utf8')) {
  return files.filter((file) => {
    const text = read(file);
    const marker = enginesOf(text);
    return marker === 'invalid' || (marker === null && /\bstartGatehouse\(/.test(text));
  });
}
