// A cookie-keeping HTTP client that does not follow redirects: enough of a browser to walk the
// authorization flow in HTTP tests (the real-browser tests use Chromium).
import { createHash, randomBytes } from 'node:crypto';

export interface Page {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

export class BrowserAgent {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, path: string, form?: Record<string, string> | [string, string][]): Promise<Page> {
    const url = path.startsWith('http') ? path : this.base + path;
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    this.remember(response.headers);
    return { status: response.status, headers: response.headers, text: await response.text(), location: response.headers.get('location') };
  }

  /** a JSON POST, as a page's script sends one (fetch with the page's cookies) */
  async postJson(path: string, body: unknown): Promise<Page & { json: any }> {
    const response = await fetch(this.base + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    this.remember(response.headers);
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, headers: response.headers, text, location: response.headers.get('location'), json };
  }

  get(path: string): Promise<Page> {
    return this.request('GET', path);
  }

  /** a form; pairs when a name repeats (key/value rows) */
  post(path: string, form: Record<string, string> | [string, string][]): Promise<Page> {
    return this.request('POST', path, form);
  }

  /** Logs in through the login form, as a person would. */
  async login(name: string, password: string, destination = '/user/apps'): Promise<Page> {
    const form = await this.get(`/user/login?${new URLSearchParams({ destination })}`);
    return this.post('/user/login', { name, pass: password, destination, csrf_token: hiddenField(form.text, 'csrf_token')! });
  }
}

/** The value of a hidden input in a page. */
export function hiddenField(page: string, name: string): string | undefined {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  return match
    ? match[1]
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
    : undefined;
}

/** All hidden inputs of the first form in a page. */
export function hiddenFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[match[1]] = hiddenField(match[0], match[1])!;
  return fields;
}

export function pkcePair(bytes = 32): { verifier: string; challenge: string } {
  const verifier = randomBytes(bytes).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
