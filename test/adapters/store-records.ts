import type { AuditDraft, WorkItem } from '../../src/index.js';

/** A work-list item of a case, as the engine writes it on a save: a social worker's undated step unless `fields` say otherwise. */
export function workItem(caseId: string, familyId: string | null, fields: Partial<WorkItem>): WorkItem {
  const dueAt = fields.dueAt ?? null;
  return {
    caseId,
    familyId,
    stage: 'preparation',
    step: 'views.recorded',
    role: 'social-worker',
    rule: 'views-recorded',
    detail: null,
    personId: null,
    actorId: null,
    due: dueAt === null ? null : new Date(dueAt).toISOString(),
    dueAt,
    breached: false,
    ...fields,
  };
}

/** Only the steps' identities, to read a work list's order at a glance. */
export const workSteps = (items: readonly WorkItem[]) => items.map((w) => `${w.caseId} ${w.step}${w.detail === null ? '' : `|${w.detail}`}`);

/** The audit entry a store is given with a write: a test event (or its refusal) by a social worker, numbered by the case's version. */
export const auditDraft = (caseId: string, version: number, accepted = true): AuditDraft => ({
  caseId,
  type: accepted ? 'test.saved' : 'test.refused',
  event: { n: version },
  actor: { id: 'sw-1', role: 'social-worker' },
  at: '2024-05-01T10:00:00+01:00',
  recordedAt: '2024-05-01T10:00:01.000Z',
  stateBefore: null,
  stateAfter: null,
  version,
  rules: { checked: [], breached: [] },
  accepted,
  errorCode: accepted ? null : 'NOT_ALLOWED',
});
