import type { CaseEngine, CaseView } from '../../src/index.js';
import { sampleActionIds, sampleFamilyAdded, samplePeople, sampleRecipients } from '../events/samples.js';
import { event } from '../machine/harness.js';

const allOpen = sampleActionIds.map((id) => ({ id, status: 'open' as const }));
const allMet = sampleActionIds.map((id) => ({ id, status: 'met' as const }));

/**
 * A whole CIN step down through an engine, from opening to a closed CAF, with a tick that finds
 * the initial family plan meeting overdue (it is then held late) — so every store is exercised on
 * deadlines, breaches, the next-due index and the outbox.
 */
export async function runToClosedCaf(engine: CaseEngine, caseId: string): Promise<CaseView> {
  await engine.open({
    caseId,
    route: 'cin-outcome',
    at: '2024-03-04T09:00:00Z',
    actor: { id: samplePeople.teamManager.id, role: 'team-manager' },
  });
  const meeting = event('finalMeeting.held', '2024-03-14T10:00:00Z', { firstFamilyPlanMeetingDate: '2024-04-10' });
  const closing = '2024-03-21T16:00:00Z';
  const steps = [
    event('decision.agreed', '2024-03-05T10:00:00Z'),
    ...sampleFamilyAdded('2024-03-05T11:00:00Z'),
    event('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.child }),
    event('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.parent }),
    event('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.partner }),
    event('consent.given', '2024-03-07T11:00:00Z', { personId: samplePeople.parent }),
    event('leadProfessional.agreed', '2024-03-08T11:00:00Z'),
    meeting,
    event('eCaf.referralCompleted', closing, {
      form: { ...event('eCaf.referralCompleted', closing).form, firstFamilyPlanMeetingDate: '2024-04-10' },
    }),
    event('transferDetails.completed', closing),
    event('closureSummary.completed', closing),
    event('fileReview.completed', closing),
    event('stepDown.authorised', closing),
    event('documents.shared', closing, { recipients: [...sampleRecipients] }),
    event('csc.closed', closing),
    event('ehm.authorised', '2024-03-25T10:00:00Z'),
    event('leadProfessional.contacted', '2024-03-26T10:00:00Z'),
  ];
  for (const step of steps) await engine.send(caseId, step);
  await engine.tick('2024-04-22T07:00:00+01:00');
  await engine.send(caseId, event('familyPlanMeeting.held', '2024-04-23T10:00:00+01:00', { kind: 'initial', actions: allOpen }));
  await engine.send(caseId, event('familyPlanMeeting.held', '2024-06-10T10:00:00+01:00', { kind: 'final', actions: allMet }));
  return engine.send(caseId, event('caf.closed', '2024-06-11T10:00:00+01:00'));
}
