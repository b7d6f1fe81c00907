import { compactContext } from '../machine/compaction.js';
import type { CaseContext } from '../machine/context.js';
import type { SnapshotMigration } from './migrations.js';

/**
 * Machine version 2 to 3: settled deadlines leave the snapshot, counted by rule
 * (docs/decisions.md "Settled deadlines leave the snapshot"). Version 3 would have written exactly
 * this had it run the same events: the machine drops a deadline the moment it settles, and nothing it
 * judges reads one. The deadlines stay in the audit trail's replay (`deadlineHistory`).
 */
export const v2ToV3: SnapshotMigration = (old) => {
  const context = old['context'] as CaseContext;
  // A version-2 context has no counts; one a host's own migration already gave counts keeps them.
  return { ...old, context: compactContext({ ...context, settledDeadlines: context.settledDeadlines ?? {} }) };
};
