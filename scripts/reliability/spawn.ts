/**
 * Starts a process of the suite (a writer, `writer.ts`, or a ticker, `ticker.ts`) with its settings
 * as JSON in an environment variable, and follows it: when it is ready, its report, and a kill.
 * The test suite's multi-process tests start their workers the same way.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TickerReport, TickerSettings } from './ticker.js';
import type { WriterReport, WriterSettings } from './writer.js';

/** A running process. `report` rejects if it exits without one (killed, or failed: its stderr says why). */
export interface RunningChild<R> {
  readonly ready: Promise<void>;
  readonly report: Promise<R>;
  /** Sends `go`: a writer that waits for it, or a ticker, starts. */
  go(): void;
  /** Sends `stop` and ends its standard input. */
  stop(): void;
  kill(signal?: NodeJS.Signals): void;
  readonly exited: Promise<void>;
}

export const spawnWriter = (settings: WriterSettings) => spawnChild<WriterReport>(join(import.meta.dirname, 'writer.ts'), 'WRITER', settings);
export const spawnTicker = (settings: TickerSettings) => spawnChild<TickerReport>(join(import.meta.dirname, 'ticker.ts'), 'TICKER', settings);

/**
 * Starts a TypeScript script in its own Node process with `settings` as JSON in the environment
 * variable `variable`. The script prints `ready` when it is set up, waits for a `go` line on its
 * standard input, and ends by printing its report as the last line of JSON (the suite's writers and
 * tickers, and the test suite's multi-process workers, all follow this protocol).
 */
export function spawnChild<R>(script: string, variable: string, settings: object): RunningChild<R> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, [variable]: JSON.stringify(settings) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const report = new Promise<R>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as R);
      else reject(new Error(`${script} ended (${signal ?? code}): ${stderr.trim().slice(-2000) || stdout.slice(-500)}`));
    });
  });
  // A writer killed on purpose has no report: nobody need wait for one.
  report.catch(() => undefined);
  return {
    ready: Promise.race([started, report.then(() => undefined)]),
    report,
    go: () => void child.stdin.write('go\n'),
    stop: () => void child.stdin.end('stop\n'),
    kill: (signal = 'SIGKILL') => void child.kill(signal),
    exited,
  };
}

/** The acknowledgement file's lines, as `{ accepted, refused }` event ids; a line cut by the kill is not an acknowledgement. */
export function readAcks(text: string): { readonly accepted: string[]; readonly refused: string[] } {
  const lines = text.split('\n').slice(0, -1);
  return {
    accepted: lines.filter((l) => l.startsWith('a ')).map((l) => l.slice(2)),
    refused: lines.filter((l) => l.startsWith('r ')).map((l) => l.slice(2)),
  };
}
