/**
 * Kill -9 crash trials of the file store: a writer process ({@link file-kill-worker.ts}) is killed
 * with SIGKILL at a random moment of its writes, then a new store opens the directory as a
 * restarted relay would and claims the outbox before anything else. Counted, per trial: events
 * acknowledged to the writer but missing from the trail, notifications of saved entries the claim
 * did not return (or returned without an entry), and trails that do not verify.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStore } from '../../adapters/file.js';
import { verifyAuditTrail } from '../../src/index.js';
import { killCaseId } from './file-kill-worker.js'; // its helpers only: it writes when run as a program

/** What a run of trials found. */
export interface KillFigures {
  trials: number;
  /** Writes acknowledged to the writers before they were killed, over all trials. */
  acknowledged: number;
  /** Acknowledged writes missing from the trail after the crash. */
  lostAcknowledged: number;
  /** Trials where a saved entry's notification was not returned by the first claim. */
  trialsLosingNotifications: number;
  /** Saved entries whose notification the first claim did not return. */
  lostNotifications: number;
  /** Notifications claimed with no saved entry (a write that did not commit leaking out). */
  strayNotifications: number;
  /** Trails that did not verify, or a case version that disagreed with its trail. */
  brokenTrails: number;
}

const worker = join(import.meta.dirname, 'file-kill-worker.ts');

/** One trial in `directory`: start a writer, kill it after `delayMs` of writing, check what is left. */
async function trial(directory: string, delayMs: number): Promise<Omit<KillFigures, 'trials' | 'trialsLosingNotifications'>> {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, directory], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('ready\n')) resolve();
    });
    child.on('exit', () => reject(new Error(`the writer exited before it was ready: ${output}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await exited;
  const acknowledged = [...output.matchAll(/^ack (\S+)$/gm)].map((m) => m[1]!);

  const store = fileStore({ directory });
  const claimed = (await store.claimOutbox(Date.parse('2100-01-01T00:00:00Z'), 100_000, 1_000)).map((m) => m.id);
  const trail = await store.audit(killCaseId);
  const record = await store.load(killCaseId);
  const saved = trail.map((e) => (e.event as { messageId: string }).messageId);
  const lastAccepted = trail.filter((e) => e.accepted).at(-1)?.version;
  return {
    acknowledged: acknowledged.length,
    lostAcknowledged: acknowledged.filter((id) => !saved.includes(id)).length,
    lostNotifications: saved.filter((id) => !claimed.includes(id)).length,
    strayNotifications: claimed.filter((id) => !saved.includes(id)).length,
    brokenTrails: verifyAuditTrail(trail).ok && record?.version === lastAccepted ? 0 : 1,
  };
}

/** Runs `trials` crash trials, `parallel` at a time, each in a fresh directory; removes them after. */
export async function killTrials(trials: number, parallel = 4, maxDelayMs = 40): Promise<KillFigures> {
  const figures: KillFigures = {
    trials: 0,
    acknowledged: 0,
    lostAcknowledged: 0,
    trialsLosingNotifications: 0,
    lostNotifications: 0,
    strayNotifications: 0,
    brokenTrails: 0,
  };
  const root = await fs.mkdtemp(join(tmpdir(), 'caf-step-down-kill-'));
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(parallel, trials) }, async () => {
        while (next < trials) {
          const n = next++;
          const directory = join(root, `trial-${n}`);
          const found = await trial(directory, 1 + Math.random() * maxDelayMs);
          figures.trials += 1;
          figures.acknowledged += found.acknowledged;
          figures.lostAcknowledged += found.lostAcknowledged;
          figures.lostNotifications += found.lostNotifications;
          figures.trialsLosingNotifications += found.lostNotifications > 0 ? 1 : 0;
          figures.strayNotifications += found.strayNotifications;
          figures.brokenTrails += found.brokenTrails;
          await fs.rm(directory, { recursive: true, force: true });
        }
      }),
    );
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
  return figures;
}
