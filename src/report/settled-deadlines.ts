import { deadlineHistory } from '../engine/deadline-history.js';
import type { AuditEntry } from '../engine/store.js';
import type { Deadline } from '../machine/context.js';
import type { Policy } from '../policy/define-policy.js';
import type { ReportView } from './facts.js';

/**
 * Every deadline of the case for the report: the view's (those still open or missed, or every one
 * for a view written before snapshot version 3), and the settled ones the stored snapshot no longer
 * keeps, folded from the trail. The view wins for a deadline it shows. A trail that does not replay
 * (broken, or short of the view) leaves the view's alone: the report says the chain is broken
 * elsewhere, and a status is never rested on a replay that failed.
 */
export function reportDeadlines(view: ReportView, entries: readonly AuditEntry[], policy: Policy | undefined): readonly Deadline[] {
  let history: Deadline[];
  try {
    history = deadlineHistory(view.caseId, entries, policy ? { policy } : {});
  } catch {
    return view.deadlines;
  }
  const shown = new Map(view.deadlines.map((d) => [d.id, d]));
  const merged = history.map((d) => shown.get(d.id) ?? d);
  const folded = new Set(history.map((d) => d.id));
  return [...merged, ...view.deadlines.filter((d) => !folded.has(d.id))];
}
