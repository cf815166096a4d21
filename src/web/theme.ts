// The page templates (Liquid, templates/*.liquid shipped with the package, any of them overridden
// by a file of the same name in GATEHOUSE_THEME_DIR), the message catalog they take their texts
// from, and the brand they carry. Every template is parsed once at start, so a broken one stops
// the start, not a request. Output is escaped unless a template says `| raw`: a value (a user
// name, a client label, the brand name) can never inject markup.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Liquid, type Template } from 'liquidjs';
import { type BrandSettings, ConfigError, LOGO_TYPES } from '../config.js';
import { negotiateLanguage, supportedLanguage } from '../i18n/language-negotiation.js';
import { CatalogError, MessageCatalog } from '../i18n/message-catalog.js';
import { CSRF_FIELD } from './csrf.js';
import { escapeHtml } from './html.js';
import type { Message, PageView } from './page-view.js';

/** templates/ at the package root, from src/web/ (tsx) and dist/web/ alike */
export const SHIPPED_TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');

/** Where a logo from the theme folder is served. */
export const THEME_LOGO_PATH = '/assets/brand-logo';

const TEMPLATE_FILE = /^([a-z0-9_-]+)\.liquid$/;

/** The template names of a folder (file names without .liquid). */
function templateNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((file) => TEMPLATE_FILE.exec(file)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** Literal keys a template translates: `{{ 'login.title' | t }}`. */
export function messageKeysUsed(source: string): string[] {
  return [...source.matchAll(/['"]([a-z0-9_.]+)['"]\s*\|\s*t\b/g)].map((m) => m[1]);
}

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as Message).key === 'string';
}

/** What the templates see of the brand. */
export interface BrandView {
  name: string;
  /** the logo's src: an https URL or THEME_LOGO_PATH; null: none */
  logo: string | null;
}

export class Theme {
  readonly brand: BrandView;
  /** the theme folder's logo file and its type, when the logo is served from here */
  readonly logoFile: { path: string; type: string } | null;
  /** the page CSP's img-src when the logo comes from another origin */
  private readonly logoOrigin: string | null;

  private constructor(
    private readonly engine: Liquid,
    private readonly templates: Map<string, Template[]>,
    readonly catalog: MessageCatalog,
    private readonly settings: BrandSettings,
    themeDir: string | null,
  ) {
    const local = settings.logo !== null && !settings.logo.startsWith('https:');
    this.brand = { name: settings.name, logo: settings.logo === null ? null : local ? THEME_LOGO_PATH : settings.logo };
    this.logoFile =
      local && themeDir && settings.logo
        ? { path: join(themeDir, settings.logo), type: LOGO_TYPES[settings.logo.split('.').pop()?.toLowerCase() ?? ''] }
        : null;
    this.logoOrigin = settings.logo?.startsWith('https:') ? new URL(settings.logo).origin : null;
  }

  /** Parses every template (shipped and the theme's) and loads the catalog; a ConfigError says what is wrong. */
  static load(options: { themeDir: string | null; brand: BrandSettings }, shippedDir: string = SHIPPED_TEMPLATES_DIR): Theme {
    const { themeDir } = options;
    let catalog: MessageCatalog;
    try {
      catalog = MessageCatalog.load(themeDir);
    } catch (error) {
      if (error instanceof CatalogError) throw new ConfigError(`GATEHOUSE_THEME_DIR: ${error.message}`);
      throw error;
    }
    const engine = new Liquid({
      root: themeDir ? [themeDir, shippedDir] : [shippedDir],
      extname: '.liquid',
      cache: true,
      strictFilters: true,
      // the same escaping as every other page of Gatehouse (src/web/html.ts)
      outputEscape: (value: unknown) => (value === undefined || value === null ? '' : escapeHtml(String(value))),
    });
    engine.registerFilter('t', function (this: { context: { globals: Record<string, unknown> } }, value: unknown, ...args: unknown[]) {
      const language = String(this.context.globals.lang ?? 'en');
      const params: Record<string, unknown> = {};
      for (const arg of args) if (Array.isArray(arg) && arg.length === 2) params[String(arg[0])] = arg[1];
      if (isMessage(value)) return catalog.text(language, value.key, { ...value.params, ...params });
      if (value === undefined || value === null) return '';
      return catalog.text(language, String(value), params);
    });
    const templates = new Map<string, Template[]>();
    const names = new Set([...templateNames(shippedDir), ...templateNames(themeDir ?? '')]);
    for (const name of names) {
      const file = themeDir && existsSync(join(themeDir, `${name}.liquid`)) ? join(themeDir, `${name}.liquid`) : join(shippedDir, `${name}.liquid`);
      try {
        templates.set(name, engine.parseFileSync(name));
      } catch (error) {
        throw new ConfigError(`the template ${file} does not parse: ${(error as Error).message.split('\n')[0]}`);
      }
      const source = readFileSync(file, 'utf8');
      const unknown = messageKeysUsed(source).filter((key) => !catalog.has(key));
      if (unknown.length) throw new ConfigError(`the template ${file} uses message(s) no catalog has: ${[...new Set(unknown)].join(', ')}`);
    }
    return new Theme(engine, templates, catalog, options.brand, themeDir);
  }

  /** The account's stored language when it is one the catalog speaks, else Accept-Language, else English. */
  language(acceptLanguage: string | undefined, stored?: string | null): string {
    const languages = this.catalog.languages;
    return supportedLanguage(stored, languages) ?? negotiateLanguage(acceptLanguage, languages);
  }

  render(view: PageView, language: string): string {
    const template = this.templates.get(view.template);
    if (!template) throw new Error(`no template named ${view.template}`);
    return this.engine.renderSync(template, { ...view.data, csrf_field: CSRF_FIELD, brand: this.brand }, { globals: { lang: language } });
  }

  /** One text of the catalog, for what is not a template (the console's few translated words). */
  text(language: string, message: Message | string): string {
    return typeof message === 'string' ? this.catalog.text(language, message) : this.catalog.text(language, message.key, message.params);
  }

  /** The stylesheet's brand colour rule: after the built-in ones, so it wins in light and dark mode. */
  get stylesheetAddition(): string {
    return this.settings.color ? `:root { --accent: ${this.settings.color}; }\n` : '';
  }

  /** The page CSP, allowing the logo's origin when it is another one. */
  pageCsp(base: string): string {
    return this.logoOrigin ? base.replace("img-src 'self'", `img-src 'self' ${this.logoOrigin}`) : base;
  }
}
