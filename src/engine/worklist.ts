import type { PendingStep } from '../machine/pending.js';
import type { CaseView } from './engine.js';
import type { WorkItem, WorklistQuery } from './store.js';
import { instant } from '../machine/instants.js';

/**
 * The work-list order every store keeps: soonest due first, steps with no due instant last, then by
 * case id and step, so two stores list the same steps in the same order.
 *
 * @example
 * ```ts
 * items.sort(workOrder);
 * ```
 */
export function workOrder(a: WorkItem, b: WorkItem): number {
  const dueA = a.dueAt ?? Number.POSITIVE_INFINITY;
  const dueB = b.dueAt ?? Number.POSITIVE_INFINITY;
  if (dueA !== dueB) return dueA < dueB ? -1 : 1;
  if (a.caseId !== b.caseId) return a.caseId < b.caseId ? -1 : 1;
  const keyA = `${a.step}|${a.detail ?? ''}`;
  const keyB = `${b.step}|${b.detail ?? ''}`;
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
}

/**
 * True when a step passes the query's filters (all but `dueBefore` and `limit`, which the walk applies).
 *
 * @example
 * ```ts
 * const listed = items.filter((item) => workMatches(item, query)).sort(workOrder).slice(0, query.limit);
 * ```
 */
export function workMatches(item: WorkItem, query: WorklistQuery): boolean {
  return (
    (query.role === undefined || item.role === query.role) &&
    (query.personId === undefined || item.personId === query.personId) &&
    (query.actorId === undefined || item.actorId === query.actorId) &&
    (query.breached === undefined || item.breached === query.breached) &&
    (query.dueBefore === undefined || (item.dueAt !== null && item.dueAt < query.dueBefore))
  );
}

/** The work items of a case's view: its pending steps with the case's family and stage, and whether each is overdue. */
export function workItems(view: Pick<CaseView, 'caseId' | 'stage' | 'pending' | 'deadlines'>, familyId: string | null): WorkItem[] {
  return view.pending.map((step: PendingStep) => {
    const due = step.due ?? null;
    const breached = due !== null && view.deadlines.some((d) => d.due === due && d.status === 'missed');
    return {
      caseId: view.caseId,
      familyId,
      stage: view.stage,
      step: step.step,
      role: step.role,
      rule: step.rule,
      detail: step.detail ?? null,
      personId: step.personId ?? null,
      actorId: step.actorId ?? null,
      due,
      dueAt: due === null ? null : instant(due),
      breached,
    };
  });
}
