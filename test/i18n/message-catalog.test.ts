// The message catalog (issue 13, part 7): English and German ship with the same keys and the
// same placeholders, every key a shipped template uses exists, and a theme folder's messages
// override or add entries — a broken or incomplete file is refused at load, with the reason.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CatalogError, MessageCatalog, SHIPPED_MESSAGES_DIR } from '../../src/i18n/message-catalog.js';
import { messageKeysUsed, SHIPPED_TEMPLATES_DIR } from '../../src/web/theme.js';

const read = (language: string): Record<string, string> => JSON.parse(readFileSync(join(SHIPPED_MESSAGES_DIR, `${language}.json`), 'utf8'));
const placeholders = (text: string): string[] => [...text.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1]).sort();

describe('the shipped catalogs', () => {
  const en = read('en');
  const de = read('de');

  test('English and German have the same keys', () => {
    assert.deepEqual(Object.keys(de).sort(), Object.keys(en).sort());
  });

  test('each German text has the placeholders of its English one, and none is empty', () => {
    for (const key of Object.keys(en)) {
      assert.deepEqual(placeholders(de[key]), placeholders(en[key]), key);
      assert.ok(en[key].trim() && de[key].trim(), `${key} is not empty`);
    }
  });

  test('every key a shipped template translates is in the catalog', () => {
    const catalog = MessageCatalog.load();
    const templates = readdirSync(SHIPPED_TEMPLATES_DIR).filter((f) => f.endsWith('.liquid'));
    assert.ok(templates.length >= 15, 'the templates were found');
    let used = 0;
    for (const file of templates) {
      for (const key of messageKeysUsed(readFileSync(join(SHIPPED_TEMPLATES_DIR, file), 'utf8'))) {
        used++;
        assert.ok(key in en, `${file} uses ${key}, which messages/en.json lacks`);
        assert.ok(catalog.has(key));
      }
    }
    assert.ok(used > 50, `the scan found the keys (${used})`);
  });

  test('messageKeysUsed finds literal keys only', () => {
    assert.deepEqual(messageKeysUsed(`{{ 'login.title' | t }} {{ "a.b" | t: x: 1 }} {{ error | t }} {{ 'x' | upcase }}`), ['login.title', 'a.b']);
  });
});

describe('MessageCatalog', () => {
  const dirs: string[] = [];
  const theme = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-theme-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'messages'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'messages', name), text);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('text fills placeholders, falls back to English, then to the key itself', () => {
    const catalog = MessageCatalog.load();
    assert.equal(catalog.text('en', 'consent.title', { app: 'Calendar' }), 'Allow Calendar?');
    assert.equal(catalog.text('de', 'consent.title', { app: 'Calendar' }), 'Calendar erlauben?');
    assert.equal(catalog.text('de-AT', 'login.title'), 'Anmelden', 'a regional tag uses its language');
    assert.equal(catalog.text('fr', 'login.title'), 'Log in', 'an unknown language is English');
    assert.equal(catalog.text('en', 'The username x is already taken.'), 'The username x is already taken.', 'plain text passes through');
    assert.equal(catalog.text('en', 'consent.title'), 'Allow {app}?', 'a missing value leaves its placeholder');
    assert.deepEqual(catalog.languages, ['en', 'de']);
  });

  test('a shipped English text handed up from below the pages is translated as its key', () => {
    const catalog = MessageCatalog.load();
    assert.equal(catalog.text('de', 'Unknown application'), 'Unbekannte Anwendung');
    assert.equal(
      catalog.text('de', 'The password must not be one or two characters repeated.'),
      'Das Passwort darf nicht aus einem oder zwei wiederholten Zeichen bestehen.',
    );
    assert.equal(catalog.text('en', 'Unknown application'), 'Unknown application');
    assert.equal(catalog.text('de', 'The username bob is already taken.'), 'The username bob is already taken.', 'a text with a value in it stays');
  });

  test('a theme overrides an entry and adds one, in JSON or YAML', () => {
    const dir = theme({ 'de.yaml': 'login.title: Einloggen\ncustom.greeting: Hallo {name}\n', 'en.json': '{"login.title": "Sign in"}' });
    const catalog = MessageCatalog.load(dir);
    assert.equal(catalog.text('de', 'login.title'), 'Einloggen');
    assert.equal(catalog.text('en', 'login.title'), 'Sign in');
    assert.equal(catalog.text('de', 'custom.greeting', { name: 'Ada' }), 'Hallo Ada');
    assert.equal(catalog.text('de', 'login.submit'), 'Anmelden', 'the rest stays');
    assert.ok(catalog.has('custom.greeting'));
  });

  test('a theme may add a language only with every key', () => {
    const partial = theme({ 'fr.json': '{"login.title": "Connexion"}' });
    assert.throws(
      () => MessageCatalog.load(partial),
      (e: Error) => e instanceof CatalogError && /adds the language fr but lacks \d+ message/.test(e.message),
    );
    const full = theme({ 'fr.json': JSON.stringify({ ...read('en'), 'login.title': 'Connexion' }) });
    const catalog = MessageCatalog.load(full);
    assert.deepEqual(catalog.languages, ['en', 'de', 'fr']);
    assert.equal(catalog.text('fr', 'login.title'), 'Connexion');
  });

  test('broken files are refused with their name', () => {
    assert.throws(() => MessageCatalog.load(theme({ 'de.json': '{"login.title": ' })), /de\.json is not valid JSON/);
    assert.throws(() => MessageCatalog.load(theme({ 'de.json': '["a"]' })), /must hold a mapping/);
    assert.throws(() => MessageCatalog.load(theme({ 'de.json': '{"login.title": 3}' })), /the message login\.title must be text/);
    assert.throws(() => MessageCatalog.load(theme({ 'de.json': '{}', 'de.yaml': 'a: b' })), /more than one message file for the language de/);
  });
});
