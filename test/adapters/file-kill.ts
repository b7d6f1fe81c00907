/**
 * Kill -9 crash trials of the file store: a writer process ({@link file-kill-worker.ts}) is killed
 * with SIGKILL at a random moment of its writes, then a new store opens the directory as a
 * restarted relay would and claims the outbox before anything else. Counted, per trial: events
 * acknowledged to the writer but missing from the trail, notifications of saved entries the claim
 * did not return (or returned without an entry), and trails that do not verify. In `batch` mode
 * the writer saves three cases at once (`saveMany`), and a trial also counts the cases that
 * disagree on their version (a batch half taken) and a work list or family that is not the one of
 * the versions shown.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStore } from '../../adapters/file.js';
import { verifyAuditTrail } from '../../src/index.js';
import { killBatchIds, killCaseId, killDueAt, killFamily } from './file-kill-worker.js'; // its helpers only: it writes when run as a program

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
  /** Batch mode: trials whose three cases were not at one version (a batch half taken). */
  splitBatches: number;
  /** Batch mode: trials whose work list or family was not the one of the versions the cases show. */
  staleIndexes: number;
}

/** What the writer does: save one case, or save three at once. */
export type KillMode = 'single' | 'batch';

const worker = join(import.meta.dirname, 'file-kill-worker.ts');

/** One trial in `directory`: start a writer, kill it `delayMs` after its first write, check what is left. */
async function trial(directory: string, delayMs: number, mode: KillMode): Promise<Omit<KillFigures, 'trials' | 'trialsLosingNotifications'>> {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, directory, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // The delay runs from the writer's first write acknowledged after it was ready, so every trial
  // kills a writer in its stream of writes, however slow the disk.
  const writing = () => {
    const ready = output.indexOf('ready\n');
    return ready >= 0 && output.indexOf('ack ', ready) >= 0;
  };
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (writing()) resolve();
    });
    child.on('exit', () => reject(new Error(`the writer exited before it was writing: ${output}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await exited;
  const acknowledged = [...output.matchAll(/^ack (\S+)$/gm)].map((m) => m[1]!);

  const store = fileStore({ directory });
  const claimed = (await store.claimOutbox(Date.parse('2100-01-01T00:00:00Z'), 100_000, 1_000)).map((m) => m.id);
  const saved: string[] = [];
  const versions: (number | undefined)[] = [];
  let brokenTrails = 0;
  for (const caseId of mode === 'batch' ? killBatchIds : [killCaseId]) {
    const trail = await store.audit(caseId);
    const record = await store.load(caseId);
    saved.push(...trail.map((e) => (e.event as { messageId: string }).messageId));
    const lastAccepted = trail.filter((e) => e.accepted).at(-1)?.version;
    versions.push(record?.version);
    if (!verifyAuditTrail(trail).ok || record?.version !== lastAccepted) brokenTrails += 1;
  }
  let splitBatches = 0;
  let staleIndexes = 0;
  if (mode === 'batch' && versions.every((v) => v !== undefined)) {
    splitBatches = new Set(versions).size === 1 ? 0 : 1;
    const work = (await store.worklist({ limit: 100 })).map((w) => [w.caseId, w.dueAt]);
    const expected = killBatchIds.map((caseId, i) => [caseId, killDueAt(versions[i]!)]).sort((a, b) => (a[1] as number) - (b[1] as number) || (a[0]! < b[0]! ? -1 : 1));
    const family = await store.familyCases(killFamily);
    staleIndexes = JSON.stringify(work) === JSON.stringify(expected) && JSON.stringify(family) === JSON.stringify([...killBatchIds]) ? 0 : 1;
  }
  return {
    acknowledged: acknowledged.length,
    lostAcknowledged: acknowledged.filter((id) => !saved.includes(id)).length,
    lostNotifications: saved.filter((id) => !claimed.includes(id)).length,
    strayNotifications: claimed.filter((id) => !saved.includes(id)).length,
    brokenTrails,
    splitBatches,
    staleIndexes,
  };
}

/** Runs `trials` crash trials, `parallel` at a time, each in a fresh directory; removes them after. */
export async function killTrials(trials: number, parallel = 4, maxDelayMs = 40, mode: KillMode = 'single'): Promise<KillFigures> {
  const figures: KillFigures = {
    trials: 0,
    acknowledged: 0,
    lostAcknowledged: 0,
    trialsLosingNotifications: 0,
    lostNotifications: 0,
    strayNotifications: 0,
    brokenTrails: 0,
    splitBatches: 0,
    staleIndexes: 0,
  };
  const root = await fs.mkdtemp(join(tmpdir(), 'caf-step-down-kill-'));
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(parallel, trials) }, async () => {
        while (next < trials) {
          const n = next++;
          const directory = join(root, `trial-${n}`);
          const found = await trial(directory, 1 + Math.random() * maxDelayMs, mode);
          figures.trials += 1;
          figures.acknowledged += found.acknowledged;
          figures.lostAcknowledged += found.lostAcknowledged;
          figures.lostNotifications += found.lostNotifications;
          figures.trialsLosingNotifications += found.lostNotifications > 0 ? 1 : 0;
          figures.strayNotifications += found.strayNotifications;
          figures.brokenTrails += found.brokenTrails;
          figures.splitBatches += found.splitBatches;
          figures.staleIndexes += found.staleIndexes;
          await fs.rm(directory, { recursive: true, force: true });
        }
      }),
    );
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
  return figures;
}
