// Which of the languages Gatehouse speaks a visitor gets: their account's stored language when it
// is one of them, else the best match of the browser's Accept-Language (RFC 9110 §12.5.4: q-values,
// `de-AT` matching `de`), else English. A small pure function: no dependency for twenty lines.

export const DEFAULT_LANGUAGE = 'en';

interface Range {
  tag: string;
  q: number;
  order: number;
}

/** The ranges of an Accept-Language header, best first; malformed entries are skipped. */
export function languageRanges(header: string | undefined): Range[] {
  if (!header) return [];
  const ranges: Range[] = [];
  header
    .slice(0, 1024)
    .split(',')
    .forEach((part, order) => {
      const [rawTag, ...params] = part.trim().split(';');
      const tag = rawTag.trim().toLowerCase();
      if (!/^(\*|[a-z]{1,8}(-[a-z0-9]{1,8})*)$/.test(tag)) return;
      let q = 1;
      for (const param of params) {
        const match = /^\s*q\s*=\s*([01](\.\d{0,3})?)\s*$/i.exec(param);
        if (!match) continue;
        q = Number(match[1]);
      }
      if (q > 0 && q <= 1) ranges.push({ tag, q, order });
    });
  return ranges.sort((a, b) => b.q - a.q || a.order - b.order);
}

/** The best of `available` for the header; `fallback` when none matches. */
export function negotiateLanguage(header: string | undefined, available: readonly string[], fallback: string = DEFAULT_LANGUAGE): string {
  for (const range of languageRanges(header)) {
    if (range.tag === '*') return fallback;
    const primary = range.tag.split('-')[0];
    const exact = available.find((language) => language === range.tag);
    if (exact) return exact;
    const base = available.find((language) => language === primary);
    if (base) return base;
  }
  return fallback;
}

/** The stored language of an account when Gatehouse speaks it (`de`, `de-AT` → de), else null. */
export function supportedLanguage(stored: string | null | undefined, available: readonly string[]): string | null {
  if (!stored) return null;
  const tag = stored.toLowerCase();
  return available.find((language) => language === tag) ?? available.find((language) => language === tag.split('-')[0]) ?? null;
}
