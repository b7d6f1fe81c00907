import { foldEvents } from '../machine/fold.js';
import type { Deadline } from '../machine/context.js';
import { createStepDownMachine } from '../machine/machine.js';
import { defaultPolicy, type Policy } from '../policy/define-policy.js';
import { calendarTimeline } from './calendar-replay.js';
import { replayAuditTrail } from './rebuild.js';
import type { AuditEntry } from './store.js';

/**
 * Every deadline a case has had, settled ones included, in the order they opened: folded from its
 * audit trail, since the stored snapshot keeps only those still open or missed (snapshot version 3).
 * The trail is replayed and checked as `engine.rebuild` replays it (a broken chain is
 * `AUDIT_TRAIL_BROKEN`, an entry that does not replay as recorded `REBUILD_MISMATCH`), then its
 * accepted, unvoided events are folded again through a machine that keeps settled deadlines; every
 * judgement is the same, so the open ones are those the case shows. For the compliance report, and
 * for a host that needs a case's whole record of timescales.
 *
 * @example
 * ```ts
 * const all = deadlineHistory('C-1', await engine.history('C-1'));
 * all.filter((d) => d.status === 'met-late'); // every deadline met after its due instant
 * ```
 */
export function deadlineHistory(caseId: string, entries: readonly AuditEntry[], options: { readonly policy?: Policy } = {}): Deadline[] {
  const policy: Policy = options.policy ?? defaultPolicy;
  const { input, events } = replayAuditTrail(caseId, entries, { policy });
  const make = (p: Policy) => createStepDownMachine(p, { keepSettledDeadlines: true });
  const timeline = calendarTimeline({ policy, machine: make(policy) }, events, make);
  const { snapshot } = foldEvents(timeline.initial.machine, timeline.initial.policy, input, events, timeline.after);
  return [...snapshot.context.deadlines];
}
