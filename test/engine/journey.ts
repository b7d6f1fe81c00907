import type { CaseEngine, CaseView, StepDownEvent } from '../../src/index.js';
import { sampleActionIds, sampleFamilyAdded, samplePeople, sampleRecipients } from '../events/samples.js';
import { event } from '../machine/harness.js';

const allOpen = sampleActionIds.map((id) => ({ id, status: 'open' as const }));
const allMet = sampleActionIds.map((id) => ({ id, status: 'met' as const }));

/** What opens the journey's case: a CIN outcome, opened by the sample Team Manager. */
export const journeyOpening = {
  route: 'cin-outcome',
  at: '2024-03-04T09:00:00Z',
  actor: { id: samplePeople.teamManager.id, role: 'team-manager' },
} as const;

/** One step of the journey: an event to send, or a tick of the clock at an instant. */
export type JourneyStep = StepDownEvent | { readonly tick: string };

/**
 * The steps of a whole CIN step down after the opening, from the decision to a closed CAF, with a
 * tick that finds the initial family plan meeting overdue (it is then held late).
 */
export function closedCafJourney(): JourneyStep[] {
  const meeting = event('finalMeeting.held', '2024-03-14T10:00:00Z', { firstFamilyPlanMeetingDate: '2024-04-10' });
  const closing = '2024-03-21T16:00:00Z';
  return [
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
    { tick: '2024-04-22T07:00:00+01:00' },
    event('familyPlanMeeting.held', '2024-04-23T10:00:00+01:00', { kind: 'initial', actions: allOpen }),
    event('familyPlanMeeting.held', '2024-06-10T10:00:00+01:00', { kind: 'final', actions: allMet }),
    event('caf.closed', '2024-06-11T10:00:00+01:00'),
  ];
}

/**
 * A whole CIN step down through an engine, from opening to a closed CAF, with a tick that finds
 * the initial family plan meeting overdue (it is then held late) — so every store is exercised on
 * deadlines, breaches, the next-due index and the outbox.
 */
export async function runToClosedCaf(engine: CaseEngine, caseId: string): Promise<CaseView> {
  let view = await engine.open({ caseId, ...journeyOpening });
  for (const step of closedCafJourney()) {
    if ('tick' in step) await engine.tick(step.tick);
    else view = await engine.send(caseId, step);
  }
  return view;
}
