// Branding and theme settings are checked at start (issue 13, part 7): a colour that is not
// #rgb/#rrggbb, a theme folder that is not there, a logo that is neither https nor a file of the
// theme, a template that does not parse or uses a message no catalog has — each stops the start
// with a one-line reason naming the variable or the file.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { html } from '../../src/web/html.js';
import { layout } from '../../src/web/pages.js';
import { Theme } from '../../src/web/theme.js';

const BASE = { DATABASE_URL: 'sqlite::memory:', GATEHOUSE_SECRET: 'test-secret-test-secret-test-secret-0123', LOG_LEVEL: 'silent' };
const load = (env: Record<string, string>) => loadConfig({ ...BASE, ...env }, () => {}, false);
const refused = (env: Record<string, string>, reason: RegExp) =>
  assert.throws(
    () => load(env),
    (e: Error) => e instanceof ConfigError && reason.test(e.message),
    JSON.stringify(env),
  );

const dirs: string[] = [];
function themeDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'gh-theme-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('branding settings', () => {
  test('defaults: Gatehouse, no logo, the built-in colour, no theme', () => {
    const config = load({});
    assert.deepEqual(config.brand, { name: 'Gatehouse', logo: null, color: null });
    assert.equal(config.themeDir, null);
  });

  test('a colour is #rgb or #rrggbb and nothing else', () => {
    assert.equal(load({ GATEHOUSE_BRAND_COLOR: '#0A7' }).brand.color, '#0a7');
    assert.equal(load({ GATEHOUSE_BRAND_COLOR: '#c0ffee' }).brand.color, '#c0ffee');
    for (const bad of ['red', '#12', '#1234', '#12345g', 'c0ffee', '#c0ffee;}body{display:none', 'rgb(1,2,3)', '#c0ffee '])
      refused({ GATEHOUSE_BRAND_COLOR: bad }, /^GATEHOUSE_BRAND_COLOR must be a colour like #1f5fbf or #15b, got/);
  });

  test('a name is short text', () => {
    assert.equal(load({ GATEHOUSE_BRAND_NAME: '  Acme Login ' }).brand.name, 'Acme Login');
    refused({ GATEHOUSE_BRAND_NAME: 'x'.repeat(101) }, /^GATEHOUSE_BRAND_NAME must be 1 to 100 characters/);
    refused({ GATEHOUSE_BRAND_NAME: 'Acme\nLogin' }, /without control characters/);
    refused({ GATEHOUSE_BRAND_NAME: '   ' }, /^GATEHOUSE_BRAND_NAME/);
  });

  test('the theme folder must exist', () => {
    refused({ GATEHOUSE_THEME_DIR: '/nonexistent/gatehouse-theme' }, /^GATEHOUSE_THEME_DIR must be an existing folder, got "\/nonexistent\/gatehouse-theme"/);
    const dir = themeDir({ 'file.txt': 'x' });
    refused({ GATEHOUSE_THEME_DIR: join(dir, 'file.txt') }, /^GATEHOUSE_THEME_DIR must be an existing folder/);
    assert.equal(load({ GATEHOUSE_THEME_DIR: dir }).themeDir, dir);
  });

  test('a logo is an https URL or a picture inside the theme folder', () => {
    assert.equal(load({ GATEHOUSE_BRAND_LOGO_URL: 'https://cdn.example/logo.svg' }).brand.logo, 'https://cdn.example/logo.svg');
    refused({ GATEHOUSE_BRAND_LOGO_URL: 'http://cdn.example/logo.svg' }, /must use https/);
    refused({ GATEHOUSE_BRAND_LOGO_URL: 'javascript:alert(1)' }, /must use https/);
    refused({ GATEHOUSE_BRAND_LOGO_URL: 'logo.svg' }, /is a file path: set GATEHOUSE_THEME_DIR/);
    const dir = themeDir({ 'img/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>', 'notes.txt': 'x' });
    assert.equal(load({ GATEHOUSE_THEME_DIR: dir, GATEHOUSE_BRAND_LOGO_URL: 'img/logo.svg' }).brand.logo, 'img/logo.svg');
    refused({ GATEHOUSE_THEME_DIR: dir, GATEHOUSE_BRAND_LOGO_URL: 'missing.png' }, /missing\.png does not exist/);
    refused(
      { GATEHOUSE_THEME_DIR: dir, GATEHOUSE_BRAND_LOGO_URL: '../etc/passwd.png' },
      /must name a png, svg, jpg, jpeg, gif, webp file inside GATEHOUSE_THEME_DIR/,
    );
    refused({ GATEHOUSE_THEME_DIR: dir, GATEHOUSE_BRAND_LOGO_URL: '/etc/logo.png' }, /must name a png/);
    refused({ GATEHOUSE_THEME_DIR: dir, GATEHOUSE_BRAND_LOGO_URL: 'notes.txt' }, /must name a png/);
  });
});

describe('loading a theme', () => {
  const brand = { name: 'Acme', logo: null, color: null };

  test('the shipped templates load and render', () => {
    const theme = Theme.load({ themeDir: null, brand });
    const html = theme.render({ template: 'message', data: { title: 'logout.done.title', message: 'logout.done' } }, 'de');
    assert.match(html, /<html lang="de">/);
    assert.match(html, /<title>Abgemeldet · Acme<\/title>/);
    assert.match(html, /<p>Sie wurden abgemeldet\.<\/p>/);
  });

  test('a page still built with the html tag gets the layout and the brand', () => {
    const theme = Theme.load({ themeDir: null, brand });
    const page = layout('login.title', html`<h1>${'<b>'}</h1>`);
    const out = theme.render(page, 'de');
    assert.match(out, /<title>Anmelden · Acme<\/title>/);
    assert.match(out, /<span>Acme<\/span><\/header>\n<main>\n<h1>&lt;b&gt;<\/h1>/);
  });

  test('a template that does not parse stops the start, naming the file', () => {
    const dir = themeDir({ 'login.liquid': "{% layout 'layout' %}{% block content %}{% if x %}unclosed{% endblock %}" });
    assert.throws(
      () => Theme.load({ themeDir: dir, brand }),
      (e: Error) => e instanceof ConfigError && e.message.startsWith(`the template ${join(dir, 'login.liquid')} does not parse:`),
    );
  });

  test('an unknown filter is a parse error too', () => {
    const dir = themeDir({ 'message.liquid': '{{ title | no_such_filter }}' });
    assert.throws(() => Theme.load({ themeDir: dir, brand }), /message\.liquid does not parse/);
  });

  test('a template using a message no catalog has stops the start', () => {
    const dir = themeDir({ 'message.liquid': "{{ 'no.such.message' | t }}" });
    assert.throws(() => Theme.load({ themeDir: dir, brand }), /message\.liquid uses message\(s\) no catalog has: no\.such\.message/);
    const withMessage = themeDir({ 'message.liquid': "{{ 'custom.line' | t }}", 'messages/en.json': '{"custom.line": "Hello"}' });
    assert.equal(Theme.load({ themeDir: withMessage, brand }).render({ template: 'message', data: {} }, 'de'), 'Hello', 'German falls back to English');
  });

  test('a broken catalog in the theme stops the start', () => {
    const dir = themeDir({ 'messages/de.json': '{' });
    assert.throws(
      () => Theme.load({ themeDir: dir, brand }),
      (e: Error) => e instanceof ConfigError && /^GATEHOUSE_THEME_DIR: .*de\.json is not valid JSON/.test(e.message),
    );
  });
});
