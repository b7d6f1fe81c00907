/**
 * What the reliability suite's writers send: cases opened and taken to preparation with the sample
 * family, then events that preparation takes in any order, each with an event id unique in the run.
 */
import type { CaseEngine, StepDownEvent } from '../../src/index.js';
import { sampleEvent, sampleFamilyAdded, samplePeople } from '../../test/events/samples.js';
import { event } from '../../test/machine/harness.js';

/** Opens `caseIds` and takes each to preparation, with the people the writers' events name. */
export async function prepareCases(engine: CaseEngine, caseIds: readonly string[]): Promise<void> {
  for (const caseId of caseIds) {
    await engine.open({ caseId, route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: { id: samplePeople.teamManager.id, role: 'team-manager' } });
    await engine.send(caseId, event('decision.agreed', '2024-03-05T10:00:00Z'));
    for (const added of sampleFamilyAdded('2024-03-05T11:00:00Z')) await engine.send(caseId, added);
  }
}

const base = Date.parse('2024-03-06T10:00:00Z');

/**
 * The `i`-th event of writer `w`: alternately a disagreement raised by the partner's practitioner
 * (it opens a resolution deadline, so the tickers have work) and the partner's view recorded again.
 * Every event is dated a second apart from every other writer's, so a view recorded again still
 * changes the case. Every `refuseEvery`-th comes from the Early Help manager, whom the policy does
 * not allow either step: a refusal, audited.
 */
export function writerEvent(w: number, i: number, refuseEvery: number): StepDownEvent & { eventId: string } {
  const eventId = `w${w}-e${i}`;
  const at = new Date(base + (w * 100_000 + i) * 1000).toISOString();
  const refused = refuseEvery > 0 && i % refuseEvery === refuseEvery - 1;
  const common = { personId: samplePeople.partner, eventId, ...(refused ? { actor: samplePeople.earlyHelpManager } : {}) };
  return i % 2 === 0
    ? { ...sampleEvent('disagreement.raised', at), ...common, disagreementId: eventId }
    : { ...sampleEvent('views.recorded', at), ...common };
}

/** The event id of an audit entry's event, as the writers gave it. */
export const eventIdOf = (entry: { readonly event: unknown }): string | undefined => (entry.event as { eventId?: string } | null)?.eventId;
