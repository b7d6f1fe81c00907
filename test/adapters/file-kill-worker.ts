/**
 * One writer of `file-kill.test.ts`, killed with SIGKILL at a random moment. Run as
 * `node --import tsx test/adapters/file-kill-worker.ts <directory> [single|batch]`.
 *
 * `single` (the default): it opens the file store on the directory, creates the case `C-KILL` if it
 * is not there, prints `ready`, then writes for ever: two saves, then a refusal, and again.
 * `batch`: it creates the three cases of the family `F-KILL`, prints `ready`, then writes for
 * ever: two `saveMany` of all three (each case's next version, its next-due time and its one
 * work-list step moving with it), then a refusal on one of them, and again.
 * Every write carries one outbox message per case whose id is also in its audit entry's event, and
 * nothing is ever acknowledged, so after the crash the outbox must hold exactly one message per
 * audit entry. After each write resolves it prints `ack <message id>` for each of its messages: the
 * independent log of what was acknowledged.
 */
import { pathToFileURL } from 'node:url';
import { fileStore } from '../../adapters/file.js';
import type { AuditDraft, OutboxMessage, StoredCase } from '../../src/index.js';
import { workItem } from './store-records.js';

export const killCaseId = 'C-KILL';
export const killFamily = 'F-KILL';
export const killBatchIds = ['C-KILL-A', 'C-KILL-B', 'C-KILL-C'] as const;

/** The audit draft of one write, carrying its message id. */
export function killDraft(version: number, messageId: string, accepted: boolean, caseId: string = killCaseId): AuditDraft {
  return {
    caseId,
    type: accepted ? 'test.saved' : 'test.refused',
    event: { messageId },
    actor: { id: 'sw-1', role: 'social-worker' },
    at: '2024-05-01T10:00:00+01:00',
    recordedAt: new Date().toISOString(),
    stateBefore: null,
    stateAfter: null,
    version,
    rules: { checked: [], breached: [] },
    accepted,
    errorCode: accepted ? null : 'NOT_ALLOWED',
  };
}

export function killMessage(id: string, caseId: string = killCaseId): OutboxMessage {
  return { id, caseId, notification: { type: 'case.opened', caseId, at: '2024-05-01T10:00:00+01:00' }, attempts: 0, availableAt: 0 };
}

export function killRecord(version: number): StoredCase {
  // Each version moves the next-due index, so the crash can also land between its files.
  return { caseId: killCaseId, version, snapshot: { v: version } as unknown as StoredCase['snapshot'], nextDueAt: 1_000_000 + version };
}

/** When a family case's one step falls due at `version`: it moves with every version. */
export const killDueAt = (version: number) => 1_000_000 + version * 1_000;

/** A case of the family at `version`: its next-due time and its one work-list step name the version. */
export function killBatchRecord(caseId: string, version: number): StoredCase {
  const dueAt = killDueAt(version);
  const step = workItem(caseId, killFamily, { dueAt });
  return { caseId, version, snapshot: { v: version } as unknown as StoredCase['snapshot'], nextDueAt: dueAt, familyId: killFamily, work: [step] };
}

async function single(directory: string, say: (line: string) => void): Promise<void> {
  const store = fileStore({ directory });
  if (!(await store.load(killCaseId))) {
    await store.create(killRecord(1), killDraft(1, 'm-1', true), [killMessage('m-1')]);
    say('ack m-1');
  }
  say('ready');
  for (let n = 1; ; n += 1) {
    const current = (await store.load(killCaseId))!;
    if (n % 3 === 0) {
      const id = `r-${current.version}-${n}`;
      await store.appendAudit(killDraft(current.version, id, false), [killMessage(id)]);
      say(`ack ${id}`);
    } else {
      const version = current.version + 1;
      const id = `m-${version}`;
      await store.save(killRecord(version), current.version, killDraft(version, id, true), [killMessage(id)]);
      say(`ack ${id}`);
    }
  }
}

async function batch(directory: string, say: (line: string) => void): Promise<void> {
  const store = fileStore({ directory });
  for (const caseId of killBatchIds) {
    if (await store.load(caseId)) continue;
    const id = `${caseId}:m-1`;
    await store.create(killBatchRecord(caseId, 1), killDraft(1, id, true, caseId), [killMessage(id, caseId)]);
    say(`ack ${id}`);
  }
  say('ready');
  for (let n = 1; ; n += 1) {
    const versions = await Promise.all(killBatchIds.map(async (caseId) => (await store.load(caseId))!.version));
    if (n % 3 === 0) {
      const i = n % killBatchIds.length;
      const caseId = killBatchIds[i]!;
      const id = `${caseId}:r-${versions[i]}-${n}`;
      await store.appendAudit(killDraft(versions[i]!, id, false, caseId), [killMessage(id, caseId)]);
      say(`ack ${id}`);
    } else {
      const writes = killBatchIds.map((caseId, i) => {
        const version = versions[i]! + 1;
        const id = `${caseId}:m-${version}`;
        return { record: killBatchRecord(caseId, version), expectedVersion: versions[i]!, audit: killDraft(version, id, true, caseId), outbox: [killMessage(id, caseId)] };
      });
      await store.saveMany(writes);
      for (const w of writes) say(`ack ${w.outbox[0]!.id}`);
    }
  }
}

// Only when run as a program: importing this file for its helpers writes nothing.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const say = (line: string) => void process.stdout.write(`${line}\n`);
  await (process.argv[3] === 'batch' ? batch : single)(process.argv[2]!, say);
}
