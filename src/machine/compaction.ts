import type { RuleId } from '../policy/rules.js';
import type { CaseContext, Deadline } from './context.js';

/**
 * A deadline nothing can change any more: met, met late, or cancelled by the case's outcome. A
 * `missed` deadline is not settled: its step may still be taken (it is then met late), a later record
 * may show it was on time after all, and a new calendar may move it (docs/decisions.md "Settled
 * deadlines leave the snapshot").
 */
export function isSettled(deadline: Pick<Deadline, 'status'>): boolean {
  return deadline.status === 'met' || deadline.status === 'met-late' || deadline.status === 'cancelled';
}

/**
 * The context as the snapshot keeps it: settled deadlines leave it, counted by rule so the next
 * deadline of a rule is still numbered after every one opened before. Their records stay in the audit
 * trail, from which `deadlineHistory` folds them back for the report. The same context when nothing
 * has settled, so an event that settles nothing costs nothing here.
 */
export function compactContext(context: CaseContext): CaseContext {
  if (!context.deadlines.some(isSettled)) return context;
  const settled: Partial<Record<RuleId, number>> = { ...context.settledDeadlines };
  for (const deadline of context.deadlines) if (isSettled(deadline)) settled[deadline.rule] = (settled[deadline.rule] ?? 0) + 1;
  return { ...context, deadlines: context.deadlines.filter((d) => !isSettled(d)), settledDeadlines: settled };
}
