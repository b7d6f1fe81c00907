import type { SnapshotFrom } from 'xstate';
import type { StepDownMachine } from './machine.js';
import type { Stage } from './notifications.js';
import { inState } from './in-state.js';

/** A snapshot of a step-down machine, live or restored from JSON. */
export type CaseSnapshot = SnapshotFrom<StepDownMachine>;

/** The stage a snapshot is in, as DOMAIN.md names the stages. */
export function stageOf(snapshot: CaseSnapshot): Stage {
  if (snapshot.status !== 'active') return 'closed';
  if (inState(snapshot, 'underCaf')) return 'early-help';
  if (inState(snapshot, { withChildrensSocialCare: 'closure' })) return 'closure';
  if (inState(snapshot, { withChildrensSocialCare: 'preparation' })) return 'preparation';
  return 'decision';
}

/** The event types some active state handles: what the case can take at all, gates aside. */
export function handledEvents(snapshot: CaseSnapshot): Set<string> {
  const handled = new Set<string>();
  if (snapshot.status !== 'active') return handled;
  for (const node of snapshot._nodes) for (const type of Object.keys(node.on)) handled.add(type);
  return handled;
}
