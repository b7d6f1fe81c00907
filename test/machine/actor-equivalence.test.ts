import { createActor, initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  persistCase,
  restoreCase,
  stepDownMachine,
  type CaseSnapshot,
  type Notification,
  type StepDownEvent,
} from '../../src/index.js';
import { emittedNotifications } from '../../src/machine/notifications.js';
import { sampleActionIds, sampleFamilyAdded, samplePeople, sampleRecipients } from '../events/samples.js';
import { event } from './harness.js';

const input = { caseId: 'C-actor', route: 'cin-outcome', openedAt: '2024-10-01T09:00:00+01:00' } as const;
const closing = '2024-10-17T16:00:00+01:00';
const met = sampleActionIds.map((id) => ({ id, status: 'met' as const }));
const open = sampleActionIds.map((id) => ({ id, status: 'open' as const }));

/**
 * A whole CIN step down with a disagreement, a refused step, the clocks going back and a tick that
 * finds the initial family plan meeting overdue: every kind of event the engine sends, the people of
 * the case first.
 */
const events: StepDownEvent[] = [
  ...sampleFamilyAdded(input.openedAt),
  event('decision.agreed', '2024-10-01T10:00:00+01:00'),
  event('views.recorded', '2024-10-02T10:00:00+01:00', { personId: samplePeople.child }),
  event('views.recorded', '2024-10-02T11:00:00+01:00', { personId: samplePeople.parent }),
  event('views.recorded', '2024-10-02T12:00:00+01:00', { personId: samplePeople.partner }),
  event('disagreement.raised', '2024-10-03T09:00:00+01:00'),
  event('consent.given', '2024-10-03T10:00:00+01:00'),
  event('leadProfessional.agreed', '2024-10-04T10:00:00+01:00'),
  // Refused: the disagreement is still open. Neither path may change anything.
  event('finalMeeting.held', '2024-10-07T10:00:00+01:00', { firstFamilyPlanMeetingDate: '2024-10-28' }),
  event('disagreement.resolved', '2024-10-08T10:00:00+01:00'),
  event('finalMeeting.held', '2024-10-09T10:00:00+01:00', { firstFamilyPlanMeetingDate: '2024-10-30' }),
  event('eCaf.referralCompleted', closing, {
    form: { ...event('eCaf.referralCompleted', closing).form, firstFamilyPlanMeetingDate: '2024-10-30' },
  }),
  event('transferDetails.completed', closing),
  event('closureSummary.completed', closing),
  event('fileReview.completed', closing),
  event('stepDown.authorised', closing),
  event('documents.shared', closing, {
    recipients: [...sampleRecipients],
  }),
  event('csc.closed', closing),
  event('ehm.infoRequested', '2024-10-21T10:00:00+01:00'),
  event('ehm.infoProvided', '2024-10-22T10:00:00+01:00'),
  event('ehm.authorised', '2024-10-23T10:00:00+01:00'),
  event('leadProfessional.contacted', '2024-10-24T10:00:00+01:00'),
  event('clock.tick', '2024-11-15T02:00:00Z'),
  event('familyPlanMeeting.held', '2024-11-18T10:00:00Z', { kind: 'initial', actions: open }),
  event('familyPlanMeeting.held', '2025-01-06T10:00:00Z', { kind: 'final', actions: met }),
  event('caf.closed', '2025-01-07T10:00:00Z'),
];

describe('the pure machine and a running actor agree (issue 3 "Durable by design")', () => {
  it('every step of a journey, taken by xstate transition from a JSON round trip of the persisted snapshot, equals a running actor', () => {
    const actor = createActor(stepDownMachine, { input });
    const fromActor: Notification[] = [];
    actor.on('*', (notification) => fromActor.push(notification as Notification));
    actor.start();

    let [snapshot, actions]: [CaseSnapshot, unknown[]] = initialTransition(stepDownMachine, input);
    const fromPure: Notification[] = [...emittedNotifications(actions as never)];
    expect(persistCase(snapshot)).toEqual(persistCase(actor.getSnapshot()));

    for (const next of events) {
      const stored = JSON.parse(JSON.stringify(persistCase(snapshot))) as unknown;
      [snapshot, actions] = transition(stepDownMachine, restoreCase(stored, stepDownMachine), next);
      fromPure.push(...emittedNotifications(actions as never));
      actor.send(next);
      expect(persistCase(snapshot), `after ${next.type} at ${next.at}`).toEqual(persistCase(actor.getSnapshot()));
    }

    expect(fromPure).toEqual(fromActor);
    expect(actor.getSnapshot().status).toBe('done');
    expect(snapshot.context.outcome).toBe('caf-closed');
    expect(snapshot.context.breaches.map((b) => b.rule)).toEqual(['first-family-plan-meeting']);
    actor.stop();
  });
});
