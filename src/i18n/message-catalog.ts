// Every text of the end-user pages and mails, by key and language: messages/<lang>.json shipped
// with the package (English and German, each with every key), and a theme folder's
// messages/<lang>.json or .yaml overriding or adding entries. Loaded once at start; a broken or
// incomplete file stops the start with a reason, never a request.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_LANGUAGE } from './language-negotiation.js';

/** messages/ at the package root, from src/i18n/ (tsx) and dist/i18n/ alike */
export const SHIPPED_MESSAGES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'messages');

export class CatalogError extends Error {}

type Entries = Record<string, string>;

function readEntries(file: string): Entries {
  let parsed: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    parsed = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new CatalogError(`${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CatalogError(`${file} must hold a mapping of message keys to texts`);
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new CatalogError(`${file}: the message ${key} must be text`);
  }
  return parsed as Entries;
}

/** The catalog files of a folder: { en: 'path/en.json', … }; a language given twice is refused. */
function catalogFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir).sort()) {
    const match = /^([a-z]{2,3}(?:-[a-z0-9]{2,8})?)\.(json|ya?ml)$/i.exec(name);
    if (!match) continue;
    const language = match[1].toLowerCase();
    if (files.has(language)) throw new CatalogError(`${dir}: more than one message file for the language ${language}`);
    files.set(language, join(dir, name));
  }
  return files;
}

export class MessageCatalog {
  /** shipped English text → its key: a text handed up in English from below the pages (a protocol error) finds its translation */
  private readonly englishKeys = new Map<string, string>();

  private constructor(
    private readonly entries: Map<string, Entries>,
    shippedEnglish: Entries,
  ) {
    for (const [key, text] of Object.entries(shippedEnglish)) if (!this.englishKeys.has(text)) this.englishKeys.set(text, key);
  }

  /** The shipped catalog, with the theme folder's messages/ (if any) laid over it. */
  static load(themeDir: string | null = null, shippedDir: string = SHIPPED_MESSAGES_DIR): MessageCatalog {
    const entries = new Map<string, Entries>();
    for (const [language, file] of catalogFiles(shippedDir)) entries.set(language, readEntries(file));
    const english = entries.get(DEFAULT_LANGUAGE);
    if (!english) throw new CatalogError(`${shippedDir} has no ${DEFAULT_LANGUAGE}.json`);
    if (themeDir) {
      for (const [language, file] of catalogFiles(join(themeDir, 'messages'))) {
        const own = readEntries(file);
        const shipped = entries.get(language);
        if (!shipped) {
          // a language of the theme's own: it must say everything English says
          const missing = Object.keys(english).filter((key) => !(key in own));
          if (missing.length)
            throw new CatalogError(`${file} adds the language ${language} but lacks ${missing.length} message(s), e.g. ${missing.slice(0, 3).join(', ')}`);
        }
        entries.set(language, { ...(shipped ?? {}), ...own });
      }
    }
    return new MessageCatalog(entries, english);
  }

  /** The languages it speaks, English first. */
  get languages(): string[] {
    return [DEFAULT_LANGUAGE, ...[...this.entries.keys()].filter((l) => l !== DEFAULT_LANGUAGE).sort()];
  }

  keys(language: string = DEFAULT_LANGUAGE): string[] {
    return Object.keys(this.entries.get(language) ?? {});
  }

  has(key: string): boolean {
    for (const entries of this.entries.values()) if (key in entries) return true;
    return false;
  }

  /**
   * The text of `key` in `language` (English when that language lacks it), `{name}` filled in.
   * A `key` that is no key but a shipped English text word for word is translated as its key;
   * any other text is returned as it is.
   */
  text(language: string, given: string, params: Record<string, unknown> = {}): string {
    const key = this.has(given) ? given : (this.englishKeys.get(given) ?? given);
    const own = this.entries.get(language) ?? this.entries.get(language.toLowerCase().split('-')[0]);
    const template = own?.[key] ?? this.entries.get(DEFAULT_LANGUAGE)?.[key];
    if (template === undefined) return key;
    return template.replace(/\{([a-zA-Z0-9_]+)\}/g, (whole, name: string) => (name in params ? String(params[name] ?? '') : whole));
  }
}
