// The dashboard's chart: one row of 24 hourly bars per series, drawn as inline SVG on the server
// (no script, no client build; colours by presentation attributes, so the page CSP allows it).
// The labels are HTML text beside each row's SVG, not SVG text: an SVG scales down to a phone's
// width with everything in it, and its text would shrink to a few pixels; HTML text keeps the
// page's font size at any width (issue 13 part 8).
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

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

function seriesRow(hours: HourlyActivity[], series: (typeof SERIES)[number]): Html {
  const width = 720;
  const height = 90;
  const barWidth = width / hours.length;
  const values = hours.map((h) => h[series.key]);
  const max = Math.max(1, ...values);
  const total = values.reduce((a, b) => a + b, 0);
  return html`<div class="chart-row">
<p class="chart-label">${series.label}: <strong>${total}</strong> in 24 h (busiest hour ${total === 0 ? 0 : Math.max(...values)})</p>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="${series.label} per hour, ${hhmm(hours[0].hour)} to ${hhmm(hours[hours.length - 1].hour)} UTC">
<line x1="0" y1="${height}" x2="${width}" y2="${height}" stroke="#888" stroke-width="2"/>
${values.map((v, i) => {
  const h = Math.round((v / max) * height);
  return html`<rect x="${(i * barWidth + 1).toFixed(1)}" y="${height - h}" width="${(barWidth - 2).toFixed(1)}" height="${h}" fill="${series.colour}"><title>${hhmm(hours[i].hour)} UTC: ${v}</title></rect>`;
})}
</svg>
<p class="chart-axis muted"><span>${hhmm(hours[0].hour)}</span><span>${hhmm(hours[hours.length - 1].hour)} UTC</span></p>
</div>`;
}

export function activityChart(hours: HourlyActivity[]): Html {
  return html`<figure class="chart" aria-labelledby="chart-title">
<figcaption id="chart-title">Tokens issued, refreshes and failed logins per hour over the last 24 hours (UTC, the current hour last)</figcaption>
${SERIES.map((series) => seriesRow(hours, series))}
</figure>`;
}
