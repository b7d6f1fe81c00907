import type { Actor, StepDownEvent } from '../../src/index.js';
import { sampleActionIds, sampleFamilyAdded, samplePeople, sampleRecipients } from '../events/samples.js';
import { event } from '../machine/harness.js';

/** One request of the journey: an event's body without `actor` and the actor the token names, or a tick. */
export type JourneyStep =
  | { readonly kind: 'event'; readonly actor: Actor; readonly body: Record<string, unknown> }
  | { readonly kind: 'tick'; readonly at: string };

/** What the journey opens the case with, and the team manager who opens it. */
export const journeyOpening = {
  body: { route: 'cin-outcome', at: '2024-03-04T09:00:00Z' },
  actor: { id: samplePeople.teamManager.id, role: 'team-manager' } as Actor,
};

const asStep = ({ actor, ...body }: StepDownEvent): JourneyStep => ({ kind: 'event', actor, body });

/**
 * The CIN step down of test/engine/journey.ts as HTTP requests: decision, preparation, final
 * meeting, closure, the EHM's authorisation, a tick that finds the initial family plan meeting
 * overdue (a breach), the meetings and the CAF's closure. Each event is sent as the sample actor of
 * its role (a Lead Professional's token carries the person id), its body without `actor`.
 */
export function journeySteps(): JourneyStep[] {
  const allOpen = sampleActionIds.map((id) => ({ id, status: 'open' as const }));
  const allMet = sampleActionIds.map((id) => ({ id, status: 'met' as const }));
  const closing = '2024-03-21T16:00:00Z';
  return [
    event('decision.agreed', '2024-03-05T10:00:00Z'),
    ...sampleFamilyAdded('2024-03-05T11:00:00Z'),
    event('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.child }),
    event('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.parent }),
    event('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.partner }),
    event('consent.given', '2024-03-07T11:00:00Z', { personId: samplePeople.parent }),
    event('leadProfessional.agreed', '2024-03-08T11:00:00Z'),
    event('finalMeeting.held', '2024-03-14T10:00:00Z', { firstFamilyPlanMeetingDate: '2024-04-10' }),
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
  ]
    .map(asStep)
    .concat([
      { kind: 'tick', at: '2024-04-22T07:00:00+01:00' },
      asStep(event('familyPlanMeeting.held', '2024-04-23T10:00:00+01:00', { kind: 'initial', actions: allOpen })),
      asStep(event('familyPlanMeeting.held', '2024-06-10T10:00:00+01:00', { kind: 'final', actions: allMet })),
      asStep(event('caf.closed', '2024-06-11T10:00:00+01:00')),
    ]);
}
