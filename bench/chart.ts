// A server-free SVG bar chart of the comparison: req/s and p99 per scenario, Gatehouse beside
// oidc-provider, readable in any browser.
interface Pair {
  label: string;
  gatehouse: { rps: number; p99: number; valid: boolean };
  oidcProvider: { rps: number; p99: number; valid: boolean };
}

const escapeXml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function panel(pairs: Pair[], pick: (m: Pair['gatehouse']) => number, title: string, unit: string, x0: number): string {
  const width = 420;
  const height = 260;
  const max = Math.max(1, ...pairs.flatMap((p) => [pick(p.gatehouse), pick(p.oidcProvider)]));
  const slot = (width - 40) / Math.max(pairs.length, 1);
  const bar = Math.max(4, slot / 2 - 6);
  const out = [
    `<g transform="translate(${x0},30)">`,
    `<text x="0" y="-10" font-weight="bold">${escapeXml(title)}</text>`,
    `<line x1="30" y1="${height}" x2="${width}" y2="${height}" stroke="#888"/>`,
  ];
  pairs.forEach((p, i) => {
    const x = 34 + i * slot;
    for (const [j, m, color] of [
      [0, p.gatehouse, '#1f5fbf'],
      [1, p.oidcProvider, '#d08c2a'],
    ] as const) {
      const v = m.valid ? pick(m) : 0;
      const h = (v / max) * (height - 20);
      out.push(
        `<rect x="${x + j * (bar + 2)}" y="${height - h}" width="${bar}" height="${h}" fill="${color}"><title>${escapeXml(`${p.label}: ${Math.round(v)} ${unit}${m.valid ? '' : ' (invalid run)'}`)}</title></rect>`,
      );
      out.push(
        `<text x="${x + j * (bar + 2) + bar / 2}" y="${height - h - 3}" font-size="9" text-anchor="middle">${m.valid ? Math.round(v) : 'invalid'}</text>`,
      );
    }
    out.push(`<text x="${x + bar}" y="${height + 14}" font-size="11" text-anchor="middle">${escapeXml(p.label)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

export function barChartSvg(pairs: Pair[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="340" font-family="system-ui, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
${panel(pairs, (m) => m.rps, 'Requests per second (higher is better)', 'req/s', 10)}
${panel(pairs, (m) => m.p99, 'p99 latency, ms (lower is better)', 'ms', 470)}
<g transform="translate(10,322)"><rect width="12" height="12" fill="#1f5fbf"/><text x="16" y="10">Gatehouse</text><rect x="100" width="12" height="12" fill="#d08c2a"/><text x="116" y="10">oidc-provider</text><text x="240" y="10">scenario numbers as in the report</text></g>
</svg>
`;
}
