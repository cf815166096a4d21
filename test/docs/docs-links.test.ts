// The repository's documents stand alone: every relative link in the README and docs/ resolves
// (file and heading), every cited section of docs/compatibility.md exists, and no source or test
// file points at a document outside the repository (a clone has none of them).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'results' ? [] : filesUnder(path, keep);
    return keep(path) ? [path] : [];
  });
}

const MARKDOWN = [
  ...['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md'].map((f) => join(ROOT, f)).filter(existsSync),
  ...filesUnder(join(ROOT, 'docs'), (p) => p.endsWith('.md')),
];
const CODE = ['src', 'test', 'bench', 'scripts'].flatMap((d) => filesUnder(join(ROOT, d), (p) => /\.(ts|mjs|js)$/.test(p)));

const rel = (path: string): string => relative(ROOT, path);

/** Markdown lines outside fenced code blocks, with their line numbers. */
function proseLines(text: string): { line: string; number: number }[] {
  const out: { line: string; number: number }[] = [];
  let fence: string | null = null;
  text.split('\n').forEach((line, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === null || marker.startsWith(fence))) {
      fence = fence === null ? marker : null;
      return;
    }
    if (fence === null) out.push({ line, number: i + 1 });
  });
  return out;
}

/** GitHub's heading anchors: lower case, punctuation and symbols dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { line } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

interface Link {
  file: string;
  number: number;
  target: string;
}

function linksOf(file: string): Link[] {
  const links: Link[] = [];
  for (const { line, number } of proseLines(readFileSync(file, 'utf8'))) {
    // code spans are not links, but a link's text may be one: drop the spans, keep the brackets
    const prose = line.replace(/(`+)[^`]*?\1/g, '');
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ file, number, target: match[1] });
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)/.exec(prose);
    if (definition) links.push({ file, number, target: definition[1] });
  }
  return links;
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe('markdown links', () => {
  test('the documents this test reads exist', () => {
    for (const name of ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'docs/architecture.md', 'docs/compatibility.md']) {
      assert.ok(existsSync(join(ROOT, name)), `${name} is missing`);
    }
  });

  test('every relative link in README.md and docs/*.md resolves to a file and heading', () => {
    const broken: string[] = [];
    for (const link of MARKDOWN.flatMap(linksOf)) {
      if (isExternal(link.target)) continue;
      const [path, anchor] = link.target.split('#', 2) as [string, string | undefined];
      const target = path === '' ? link.file : join(dirname(link.file), decodeURIComponent(path));
      const where = `${rel(link.file)}:${link.number} → ${link.target}`;
      if (!existsSync(target)) {
        broken.push(`${where}: no such file`);
        continue;
      }
      if (anchor && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
        broken.push(`${where}: no heading with that anchor in ${rel(target)}`);
      }
    }
    assert.deepEqual(broken, []);
  });
});

describe('references to the compatibility document', () => {
  const sections = new Set(
    proseLines(readFileSync(join(ROOT, 'docs', 'compatibility.md'), 'utf8'))
      .map(({ line }) => /^##\s+§(\d+)\s/.exec(line)?.[1])
      .filter((n): n is string => n !== undefined),
  );

  test('it keeps the section numbers code and tests cite, §1 to §10', () => {
    assert.deepEqual([...sections], ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  });

  test('every "compatibility.md §n" cited in code, tests and documents exists', () => {
    const missing: string[] = [];
    for (const file of [...CODE, ...MARKDOWN]) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const match of line.matchAll(/compatibility\.md\s*§(\d+)/g)) {
            if (!sections.has(match[1])) missing.push(`${rel(file)}:${i + 1} cites §${match[1]}`);
          }
        });
    }
    assert.deepEqual(missing, []);
  });
});

describe('no reference leaves the repository', () => {
  // built from parts, so that this file does not match itself
  const outside = [
    { pattern: new RegExp('\\.\\./' + 'shared'), why: 'a folder outside the repository' },
    { pattern: new RegExp('DESIGN' + '\\.md'), why: 'the founding design, now docs/architecture.md' },
    { pattern: new RegExp('COMPAT' + '\\s*§'), why: 'the old compatibility notes, now docs/compatibility.md §n' },
  ];

  test('no file under src/, test/, bench/ or scripts/ cites a document outside the repository', () => {
    assert.ok(CODE.length > 50, `found only ${CODE.length} source files: is ROOT right?`);
    const found: string[] = [];
    for (const file of CODE) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const { pattern, why } of outside) {
            if (pattern.test(line) && !line.includes('compatibility.md')) found.push(`${rel(file)}:${i + 1}: ${why}: ${line.trim()}`);
          }
        });
    }
    assert.deepEqual(found, []);
  });

  test('the README and docs/ do not send readers outside the repository', () => {
    const found: string[] = [];
    for (const file of MARKDOWN) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (outside[0].pattern.test(line)) found.push(`${rel(file)}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(found, []);
  });
});
