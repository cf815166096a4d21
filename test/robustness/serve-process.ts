// `gatehouse serve` as a child process (dist/main.js, as operators run it) that can be killed
// with SIGKILL and started again on the same database and port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const MAIN = join(process.cwd(), 'dist', 'main.js');

export class ServeProcess {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly url: string,
  ) {}

  /** Starts `serve` and waits until /readyz answers 200 (the database opened and migrated). */
  async start(timeoutMs = 30_000): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [MAIN, 'serve'], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode} while starting:\n${this.output}`);
      try {
        if ((await fetch(`${this.url}/readyz`)).status === 200) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`serve was not ready within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** kill -9, then waits for the process to be gone. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  /** What the process wrote (for failure messages). */
  get log(): string {
    return this.output;
  }
}

/** Runs a CLI command to completion (apply, migrate) with the same environment. */
export function cli(env: NodeJS.ProcessEnv, args: string[]): string {
  const r = spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`gatehouse ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
