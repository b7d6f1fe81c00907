/**
 * Starts a process of the suite (a writer, `writer.ts`, or a ticker, `ticker.ts`) with its settings
 * as JSON in an environment variable, and follows it: when it is ready, its report, and a kill.
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

export const spawnWriter = (settings: WriterSettings) => spawnChild<WriterReport>('writer.ts', 'WRITER', settings);
export const spawnTicker = (settings: TickerSettings) => spawnChild<TickerReport>('ticker.ts', 'TICKER', settings);

function spawnChild<R>(script: string, variable: string, settings: object): RunningChild<R> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script)], {
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
