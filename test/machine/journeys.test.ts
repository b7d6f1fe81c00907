import { describe, expect, it } from 'vitest';
import { startCase, type CaseUnderTest, type StartCaseOptions } from '../../src/testing/index.js';

// Written with the project's own testing kit (caf-step-down/testing), as a host would write them.
// `checkPersistence` also takes every step from a JSON round trip of the persisted snapshot and
// fails if the two differ or if an accepted step changed nothing: the durability a store relies on.

/** A case opened, decided and prepared (views, consent, Lead Professional) on the dates given. */
function readyForFinalMeeting(route: StartCaseOptions['route'], days: { opened: string; decision: string; prep: string }): CaseUnderTest {
  return startCase({ route, on: days.opened, caseId: 'case-1', checkPersistence: true })
    .on(days.decision)
    .send('decision.agreed')
    .on(days.prep)
    .completePreparation();
}

/** Final meeting on `meeting` setting the first family plan meeting for `firstFp`, then every closure step on `closed`. */
function closedToCsc(
  kit: CaseUnderTest,
  dates: { meeting: string; firstFp: string; closed: string },
  kind: 'final-cin' | 'core-group' | 'multi-agency' = 'final-cin',
): CaseUnderTest {
  return kit
    .on(dates.meeting)
    .send('finalMeeting.held', { kind, firstFamilyPlanMeetingDate: dates.firstFp })
    .on(dates.closed)
    .completeClosure();
}

describe('whole cases, one per route and outcome', () => {
  it('a CIN step down runs to a closed CAF with every deadline met', () => {
    const kit = readyForFinalMeeting('cin-outcome', {
      opened: '2024-03-04T09:00:00Z',
      decision: '2024-03-05T10:00:00Z',
      prep: '2024-03-07T10:00:00Z',
    }).expectStage('preparation');
    closedToCsc(kit, { meeting: '2024-03-14T10:00:00Z', firstFp: '2024-04-10', closed: '2024-03-21T16:00:00Z' })
      .expectStage('early-help')
      // 28 days from 21 March runs across the clock change on 31 March: the day ends at 23:59 BST.
      .expectDeadline('first-family-plan-meeting', { due: '2024-04-18T23:59:59.999+01:00' })
      .expectDeadline('caf-twelve-months:1', { due: '2025-03-21T23:59:59.999+00:00' })
      .on('2024-03-25T10:00:00Z')
      .send('ehm.authorised')
      .on('2024-03-26T10:00:00Z')
      .send('leadProfessional.contacted')
      .on('2024-04-10T10:00:00+01:00')
      .send('familyPlanMeeting.held', { kind: 'initial' })
      .expectDeadline('first-family-plan-meeting', { status: 'met' })
      .expectDeadline('family-plan-review:1', { due: '2024-06-05T23:59:59.999+01:00' })
      .on('2024-05-29T10:00:00+01:00')
      .send('familyPlanMeeting.held', { kind: 'review' })
      .on('2024-07-17T10:00:00+01:00')
      .send('familyPlanMeeting.held', { kind: 'final' })
      .on('2024-07-18T10:00:00+01:00')
      .send('caf.closed')
      .expectOutcome('caf-closed')
      .expectStage('closed')
      .expectNoBreaches();
    expect(kit.view.deadlines.map((d) => [d.id, d.status])).toEqual([
      ['first-meeting-date', 'met'],
      ['first-family-plan-meeting', 'met'],
      ['clw-contacts-lead-professional', 'met'],
      ['caf-twelve-months:1', 'met'],
      ['family-plan-review:1', 'met'],
      ['family-plan-review:2', 'met'],
    ]);
    expect(kit.notifications.filter((n) => n.type === 'outcome.reached')).toEqual([
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'caf-closed', at: '2024-07-18T10:00:00+01:00' },
    ]);
  });

  it('a CP step down ends in a core group meeting and may be stepped up', () => {
    const kit = readyForFinalMeeting('cp-outcome', {
      opened: '2025-01-06T09:00:00Z',
      decision: '2025-01-06T15:00:00Z',
      prep: '2025-01-08T10:00:00Z',
    });
    closedToCsc(kit, { meeting: '2025-01-15T10:00:00Z', firstFp: '2025-02-05', closed: '2025-01-20T12:00:00Z' }, 'core-group')
      .on('2025-02-05T10:00:00Z')
      .send('familyPlanMeeting.held', { kind: 'initial' })
      .on('2025-02-20T10:00:00Z')
      .send('stepUp.referred')
      .expectOutcome('stepped-up')
      .expectDeadline('family-plan-review:1', { status: 'cancelled' });
  });

  it('a 10-day checkpoint step down ends in a multi-agency meeting, and the CAF closes when consent is withdrawn', () => {
    const kit = readyForFinalMeeting('ten-day-checkpoint', {
      opened: '2025-06-02T09:00:00+01:00',
      decision: '2025-06-02T11:00:00+01:00',
      prep: '2025-06-04T10:00:00+01:00',
    });
    closedToCsc(kit, { meeting: '2025-06-10T10:00:00+01:00', firstFp: '2025-07-01', closed: '2025-06-12T12:00:00+01:00' }, 'multi-agency')
      .on('2025-06-20T10:00:00+01:00')
      .send('consent.withdrawn')
      .expectOutcome('consent-withdrawn');
    expect(kit.view.pending).toEqual([]);
  });

  it('a withdrawn step down leaves the case with CSC', () => {
    startCase({ route: 'cin-outcome', on: '2024-05-01T09:00:00+01:00', caseId: 'case-1', checkPersistence: true })
      .on('2024-05-01T10:00:00+01:00')
      .send('decision.agreed')
      .on('2024-05-02T10:00:00+01:00')
      .send('stepDown.withdrawn')
      .expectOutcome('remains-with-csc');
  });

  it('no Lead Professional after the panel steps the case down to universal services, through the last meeting and the Team Manager’s authorisation', () => {
    const kit = startCase({ route: 'cin-outcome', on: '2024-05-01T09:00:00+01:00', caseId: 'case-1', checkPersistence: true })
      .on('2024-05-01T10:00:00+01:00')
      .send('decision.agreed')
      .on('2024-05-03T10:00:00+01:00')
      .send('leadProfessional.notFound')
      .on('2024-05-10T10:00:00+01:00')
      .send('leadProfessional.challengeFailed')
      .on('2024-05-20T10:00:00+01:00')
      .send('leadProfessional.panelFailed')
      .on('2024-05-21T10:00:00+01:00')
      .send('noLeadProfessional.recorded')
      // The ladder's end no longer ends the case (issue 10): it goes on to universal services.
      .expectOutcome(null)
      .expectStage('preparation');
    expect(kit.notifications).toContainEqual({
      type: 'parties.toInform',
      caseId: 'case-1',
      reason: 'no-lead-professional',
      personIds: ['carer-1', 'partner-1', 'lp-1'],
      roles: ['social-worker'],
      at: '2024-05-21T10:00:00+01:00',
    });
    kit
      .on('2024-05-22T10:00:00+01:00')
      .completePreparation()
      .on('2024-05-29T10:00:00+01:00')
      .send('finalMeeting.held')
      .on('2024-06-04T10:00:00+01:00')
      .completeClosure()
      .expectOutcome('universal-services')
      .expectStage('closed');
    const steps = kit.events.map((e) => e.type);
    expect(steps).toEqual(expect.arrayContaining(['closureSummary.completed', 'fileReview.completed', 'stepDown.authorised', 'documents.shared', 'csc.closed']));
    expect(steps).not.toContain('eCaf.referralCompleted');
  });
});
