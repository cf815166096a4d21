// The dashboard's chart: one row of 24 hourly bars per series, drawn as inline SVG on the server
// (no script, no client build; colours by presentation attributes, so the page CSP allows it).
import type { HourlyActivity } from '../../store/store.js';
import { html, type Html } from '../html.js';

const SERIES = [
  { key: 'issued', label: 'Tokens issued', colour: '#1f5fbf' },
  { key: 'refreshed', label: 'Refreshes', colour: '#2e7d32' },
  { key: 'failedLogins', label: 'Failed logins', colour: '#b3261e' },
] as const;

/** 24 hourly buckets ending with the current hour; hours without activity count zero. */
export function last24Hours(rows: HourlyActivity[], nowMs: number): HourlyActivity[] {
  const current = Math.floor(nowMs / 3_600_000) * 3_600_000;
  const byHour = new Map(rows.map((r) => [r.hour, r]));
  return Array.from({ length: 24 }, (_, i) => {
    const hour = current - (23 - i) * 3_600_000;
    return byHour.get(hour) ?? { hour, issued: 0, refreshed: 0, failedLogins: 0 };
  });
}

export function activityChart(hours: HourlyActivity[]): Html {
  const width = 720;
  const rowHeight = 90;
  const barWidth = width / hours.length;
  const height = SERIES.length * (rowHeight + 30);
  return html`<figure class="chart">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width + 140} ${height}" role="img" aria-labelledby="chart-title">
<title id="chart-title">Tokens issued, refreshes and failed logins per hour over the last 24 hours</title>
${SERIES.map((series, row) => {
  const values = hours.map((h) => h[series.key]);
  const max = Math.max(1, ...values);
  const top = row * (rowHeight + 30) + 20;
  const total = values.reduce((a, b) => a + b, 0);
  return html`<g>
<text x="0" y="${top - 6}" font-size="13" fill="currentColor">${series.label}: ${total} in 24 h (busiest hour ${max === 1 && total === 0 ? 0 : Math.max(...values)})</text>
<line x1="0" y1="${top + rowHeight}" x2="${width}" y2="${top + rowHeight}" stroke="#888" stroke-width="1"/>
${values.map((v, i) => {
  const h = Math.round((v / max) * rowHeight);
  return html`<rect x="${(i * barWidth + 1).toFixed(1)}" y="${top + rowHeight - h}" width="${(barWidth - 2).toFixed(1)}" height="${h}" fill="${series.colour}"><title>${new Date(hours[i].hour).toISOString().slice(11, 16)} UTC: ${v}</title></rect>`;
})}
<text x="${width + 8}" y="${top + rowHeight}" font-size="12" fill="currentColor">${new Date(hours[hours.length - 1].hour).toISOString().slice(11, 16)}</text>
</g>`;
})}
</svg>
<figcaption class="muted">Per hour, UTC, the current hour last.</figcaption>
</figure>`;
}
