// The side-by-side benchmark in smoke form (1 s per scenario, no targets), so the harness never
// rots: both servers start, every scenario runs, and the report, summary and chart are written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test('bench:compare runs every scenario against both servers and writes its report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-compare-smoke-'));
  try {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/compare.ts'], {
      env: { ...process.env, BENCH_DURATION: '1', BENCH_WARMUP: '0', BENCH_SMOKE: '1', BENCH_CONNECTIONS: '8', BENCH_RESULTS_DIR: dir },
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const files = readdirSync(dir);
    const json = files.find((f) => f.endsWith('.json'))!;
    assert.ok(files.some((f) => f.endsWith('.md')) && files.some((f) => f.endsWith('.svg')), files.join(', '));
    const report = JSON.parse(readFileSync(join(dir, json), 'utf8'));
    assert.equal(report.smoke, true);
    assert.deepEqual(
      report.scenarios.map((s: { id: number }) => s.id),
      [1, 2, 3, 4, 5, 6, 7],
    );
    for (const scenario of report.scenarios) {
      assert.ok(scenario.gatehouse.rps > 0, `scenario ${scenario.id} ran on Gatehouse`);
      assert.ok(scenario.gatehouse.valid, `scenario ${scenario.id}: no errors or non-2xx on Gatehouse`);
      if (scenario.id < 7) assert.ok(scenario.oidcProvider.valid, `scenario ${scenario.id}: no errors or non-2xx on oidc-provider`);
    }
    // the same work on both sides, as each server's own answers show it
    const tokens = (work: string): string => work.split('; ').find((part) => part.includes('access token'))!;
    for (const id of [1, 2, 4, 5]) {
      const { work } = report.scenarios.find((s: { id: number }) => s.id === id);
      assert.equal(tokens(work.gatehouse), tokens(work.oidcProvider), `scenario ${id}: ${JSON.stringify(work)}`);
      if (id >= 4) assert.match(tokens(work.gatehouse), /^JWT ES256 access token, refresh token (rotated|issued).*, no ID token, scope "api"$/);
    }
    for (const key of ['trivialRoute', 'es256SignsPerCore', 'rs256SignsPerCore', 'argon2idPerSecond']) assert.ok(report.ceilings[key] > 0, key);
    const svg = readFileSync(join(dir, files.find((f) => f.endsWith('.svg'))!), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<rect /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
