import type { Deadline } from '../machine/context.js';
import type { DeadlineView } from '../machine/describe.js';
import { getRule } from '../policy/rules.js';
import type { CaseEngine } from './case-engine.js';
import type { CaseView } from './engine.js';
import { defaultPolicy, type Policy } from '../policy/define-policy.js';
import { calendarTimeline } from './calendar-replay.js';
import { engineVersions, foldVersioned, keepingSettled } from './policy-versions.js';
import { replayAuditTrail } from './rebuild.js';
import type { AuditEntry } from './store.js';

/**
 * Every deadline a case has had, settled ones included, in the order they opened: folded from its
 * audit trail, since the stored snapshot keeps only those still open or missed (snapshot version 3).
 * The trail is replayed and checked as `engine.rebuild` replays it (a broken chain is
 * `AUDIT_TRAIL_BROKEN`, an entry that does not replay as recorded `REBUILD_MISMATCH`), then its
 * accepted, unvoided events are folded again through machines that keep settled deadlines; every
 * judgement is the same, so the open ones are those the case shows. For the compliance report, and
 * for a host that needs a case's whole record of timescales.
 *
 * @example
 * ```ts
 * const all = deadlineHistory('C-1', await engine.history('C-1'));
 * all.filter((d) => d.status === 'met-late'); // every deadline met after its due instant
 * ```
 */
export function deadlineHistory(
  caseId: string,
  entries: readonly AuditEntry[],
  options: { readonly policy?: Policy; readonly policies?: readonly Policy[] } = {},
): Deadline[] {
  const given = options.policies ? { policies: options.policies } : { policy: options.policy ?? defaultPolicy };
  const { input, events } = replayAuditTrail(caseId, entries, given);
  // Each stretch by the version and the calendar it was judged under, as a replay runs it.
  const timeline = calendarTimeline(keepingSettled(engineVersions(given)), events);
  const { snapshot } = foldVersioned(timeline.initial, input, events, timeline.after);
  return [...snapshot.context.deadlines];
}

/**
 * A view's deadlines with the settled ones of `every` (a case's whole deadline record, in the order
 * they opened) put back in their places. The view's own entry wins for a deadline it shows; one it
 * shows that `every` lacks stays, at the end.
 */
export function withSettledDeadlines(shown: readonly DeadlineView[], every: readonly Deadline[]): DeadlineView[] {
  const byId = new Map(shown.map((d) => [d.id, d]));
  const merged = every.map((d) => byId.get(d.id) ?? { ...d, citation: getRule(d.rule).citation });
  const folded = new Set(every.map((d) => d.id));
  return [...merged, ...shown.filter((d) => !folded.has(d.id))];
}

/**
 * A case's view with its settled deadlines folded back from its trail ({@link deadlineHistory}): for
 * a timeline or chart that shows every deadline the case had.
 */
export async function withEveryDeadline(engine: Pick<CaseEngine, 'history' | 'policies'>, view: CaseView): Promise<CaseView> {
  const every = deadlineHistory(view.caseId, await engine.history(view.caseId), { policies: engine.policies });
  return { ...view, deadlines: withSettledDeadlines(view.deadlines, every) };
}
