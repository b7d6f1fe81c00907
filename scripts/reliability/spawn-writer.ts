/** Starts a writer process (`writer.ts`) and follows it: when it is ready, its report, and a kill. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { WriterReport, WriterSettings } from './writer.js';

const script = join(import.meta.dirname, 'writer.ts');

/** A running writer. `report` rejects if it exits without one (killed, or failed: its stderr says why). */
export interface RunningWriter {
  readonly ready: Promise<void>;
  readonly report: Promise<WriterReport>;
  go(): void;
  kill(signal?: NodeJS.Signals): void;
  readonly exited: Promise<void>;
}

export function spawnWriter(settings: WriterSettings): RunningWriter {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, WRITER: JSON.stringify(settings) },
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
  const report = new Promise<WriterReport>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as WriterReport);
      else reject(new Error(`writer ${settings.writer} ended (${signal ?? code}): ${stderr.trim().slice(-2000) || stdout.slice(-500)}`));
    });
  });
  // A writer killed on purpose has no report: nobody need wait for one.
  report.catch(() => undefined);
  return {
    ready: Promise.race([started, report.then(() => undefined)]),
    report,
    go: () => child.stdin.end('go\n'),
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
