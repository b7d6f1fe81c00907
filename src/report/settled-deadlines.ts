import { deadlineHistory, withSettledDeadlines } from '../engine/deadline-history.js';
import type { AuditEntry } from '../engine/store.js';
import type { DeadlineView } from '../machine/describe.js';
import type { Policy } from '../policy/define-policy.js';
import type { ReportView } from './facts.js';

/**
 * Every deadline of the case for the report: the view's (those still open or missed, or every one
 * for a view written before snapshot version 3), and the settled ones the stored snapshot no longer
 * keeps, folded from the trail. The view wins for a deadline it shows. A trail that does not replay
 * (broken, or short of the view) leaves the view's alone: the report says the chain is broken
 * elsewhere, and a status is never rested on a replay that failed.
 */
export function reportDeadlines(
  view: ReportView,
  entries: readonly AuditEntry[],
  versions: { readonly policy?: Policy | undefined; readonly policies?: readonly Policy[] | undefined },
): readonly DeadlineView[] {
  let history: ReturnType<typeof deadlineHistory>;
  try {
    history = deadlineHistory(view.caseId, entries, versions.policies ? { policies: versions.policies } : versions.policy ? { policy: versions.policy } : {});
  } catch {
    return view.deadlines;
  }
  return withSettledDeadlines(view.deadlines, history);
}
