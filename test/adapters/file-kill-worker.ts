/**
 * One writer of `file-kill.test.ts`, killed with SIGKILL at a random moment. Run as
 * `node --import tsx test/adapters/file-kill-worker.ts <directory>`.
 *
 * It opens the file store on the directory, creates the case `C-KILL` if it is not there, prints
 * `ready`, then writes for ever: two saves, then a refusal, and again. Every write carries one
 * outbox message whose id is also in its audit entry's event, and nothing is ever acknowledged, so
 * after the crash the outbox must hold exactly one message per audit entry. After each write
 * resolves it prints `ack <message id>`: the independent log of what was acknowledged.
 */
import { pathToFileURL } from 'node:url';
import { fileStore } from '../../adapters/file.js';
import type { AuditDraft, OutboxMessage, StoredCase } from '../../src/index.js';

export const killCaseId = 'C-KILL';

/** The audit draft of one write, carrying its message id. */
export function killDraft(version: number, messageId: string, accepted: boolean): AuditDraft {
  return {
    caseId: killCaseId,
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

export function killMessage(id: string): OutboxMessage {
  return { id, caseId: killCaseId, notification: { type: 'case.opened', caseId: killCaseId, at: '2024-05-01T10:00:00+01:00' }, attempts: 0, availableAt: 0 };
}

export function killRecord(version: number): StoredCase {
  // Each version moves the next-due index, so the crash can also land between its files.
  return { caseId: killCaseId, version, snapshot: { v: version } as unknown as StoredCase['snapshot'], nextDueAt: 1_000_000 + version };
}

async function main(directory: string): Promise<void> {
  const store = fileStore({ directory });
  const say = (line: string) => process.stdout.write(`${line}\n`);
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

// Only when run as a program: importing this file for its helpers writes nothing.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv[2]!);
