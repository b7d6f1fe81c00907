// The examples of docs/testing.md, as tests: keep the two in step (the page imports from
// 'caf-step-down/testing', these from the source).
import { describe, expect, it } from 'vitest';
import { definePolicy } from '../../src/index.js';
import { PolicyAssertionError, startCase } from '../../src/testing/index.js';

describe('docs/testing.md', () => {
  it('a step down that runs to time', () => {
    startCase({ route: 'cin-outcome', on: '2024-03-04' })
      .as('team-manager')
      .send('decision.agreed')
      .asDefault()
      .advanceWorkingDays(2)
      .completePreparation()
      .expectPending('finalMeeting.held')
      .advanceWorkingDays(3)
      .send('finalMeeting.held')
      .advanceWorkingDays(5)
      .completeClosure()
      .expectStage('early-help')
      .expectDeadline('first-family-plan-meeting', { status: 'open', due: '2024-04-15' })
      .advanceWeeks(3)
      .send('familyPlanMeeting.held')
      .expectDeadline('first-family-plan-meeting', { status: 'met' })
      .expectNoBreaches();
  });

  it('an initial family plan meeting held late', () => {
    const kit = startCase({ on: '2024-03-04' })
      .send('decision.agreed')
      .completePreparation()
      .send('finalMeeting.held')
      .completeClosure()
      .advanceWeeks(5)
      .expectBreach('first-family-plan-meeting');

    expect(() => kit.expectNoBreaches()).toThrow(PolicyAssertionError);
    expect(() => kit.expectNoBreaches()).toThrow(/first-family-plan-meeting \(G "Initial Family Planning Meeting" ¶1/);
  });

  it('a disagreement over Christmas', () => {
    startCase({ on: '2024-12-19' })
      .send('decision.agreed')
      .advanceDays(1) // Friday 20 December
      .send('disagreement.raised', { personId: 'carer-1' }) // the family's parent/carer, by id
      .expectDeadline('disagreement-resolution:D-1', { due: '2024-12-31' })
      .advanceWorkingDays(5) // Christmas Day and Boxing Day are not working days
      .expectNoBreaches()
      .send('disagreement.resolved', { outcome: 'agreed' })
      .expectDeadline('disagreement-resolution:D-1', { status: 'met' });
  });

  it('who may do what', () => {
    startCase({ on: '2024-03-04' })
      .as('lead-professional')
      .expectRefused('decision.agreed', { rule: 'division-of-duties', code: 'NOT_ALLOWED' })
      .as('team-manager')
      .send('decision.agreed')
      .asDefault()
      .expectRefused('finalMeeting.held', { rule: 'informed-consent' })
      .completePreparation()
      .send('finalMeeting.held')
      .send('eCaf.referralCompleted')
      .send('transferDetails.completed')
      .as({ id: 'sw-7', role: 'social-worker' })
      .send('closureSummary.completed')
      .as({ id: 'sw-7', role: 'team-manager' }) // the author may not review their own summary
      .expectRefused('fileReview.completed', { rule: 'separation-of-duties' });
  });

  it('the host’s own policy, people and payloads', () => {
    const kit = startCase({
      on: '2024-03-04',
      policy: definePolicy({ division: 'scotland', timescales: { firstFamilyPlanMeetingDays: 21 } }),
      family: { child: { name: 'Sky Fictional' }, parent: { id: 'mum', name: 'Pat Fictional' } },
      payloads: {
        'consent.given': { informationShared: ['Family plan'] },
      },
    })
      .send('decision.agreed')
      .completePreparation()
      .send('finalMeeting.held', { firstFamilyPlanMeetingDate: '2024-03-18' })
      .completeClosure()
      .expectDeadline('first-family-plan-meeting', { due: '2024-03-25' });
    expect(kit.context.people['mum']?.name).toBe('Pat Fictional');
    expect(Object.keys(kit.context.consents)).toEqual(['mum']);
  });

  it('consent is each carer’s own', () => {
    const kit = startCase({ on: '2024-03-04' })
      .person('carer-2', 'parent-carer', { parentalResponsibility: false })
      .send('decision.agreed')
      .advanceWorkingDays(1)
      .send('consent.refused', { personId: 'carer-2' }) // a family disagreement, D-1
      .expectDeadline('disagreement-resolution:D-1', { due: '2024-03-12' })
      .completePreparation() // every view, and carer-1's consent
      .expectRefused('finalMeeting.held', { rule: 'no-open-disagreement' })
      .send('disagreement.resolved', { disagreementId: 'D-1', outcome: 'agreed' })
      .send('finalMeeting.held')
      .expectStage('closure');
    expect(kit.context.consents['carer-1']?.status).toBe('given');
    expect(kit.context.consents['carer-2']?.status).toBe('refused');
  });

  it('a meeting recorded at its true date, before a delayed closure', () => {
    const kit = startCase({ on: '2024-03-04' })
      .send('decision.agreed')
      .completePreparation()
      .advanceDays(4)
      .send('finalMeeting.held', { firstFamilyPlanMeetingDate: '2024-03-28' })
      .on('2024-04-02') // the closure, delayed: recorded after the meeting was held
      .completeClosure()
      .advanceDays(1)
      .send('familyPlanMeeting.held', { kind: 'initial' }, { dated: '2024-03-28' })
      .expectDeadline('first-family-plan-meeting', { status: 'met' })
      .expectRefused('familyPlanMeeting.held', { dated: '2099-01-01', code: 'FUTURE_DATED' });
    expect(kit.context.deadlines.find((d) => d.id === 'first-family-plan-meeting')).toMatchObject({
      closedAt: '2024-03-28T09:00:00+00:00',
      recordedAt: '2024-04-03T09:00:00+01:00',
    });
  });

  it('voids a mistake, newest first', () => {
    const kit = startCase({ on: '2024-03-04' }).send('decision.agreed').completePreparation();
    const childView = kit.eventIds('views.recorded')[0]!;
    kit.advanceDays(4).send('finalMeeting.held');
    const meeting = kit.lastEventId!;
    expect(() => kit.void(childView)).toThrow(/VOID_CONFLICT/); // the meeting rests on the view
    kit.void(meeting, 'Recorded on the wrong case.').void(childView).expectPending('views.recorded', { detail: 'child-1' });
    expect(kit.voided.map((v) => v.eventId)).toEqual([meeting, childView]);
  });

  it('universal services, and a Lead Professional who leaves', () => {
    startCase({ on: '2024-03-04' })
      .send('decision.agreed', { destination: 'universal-services' })
      .completePreparation() // views only: no CAF consent, no Lead Professional
      .send('finalMeeting.held') // documents the plan for universal services
      .expectPending('closureSummary.completed') // no e-CAF referral, no transfer details
      .completeClosure() // summary, the Team Manager's review and authorisation, documents, closure
      .expectOutcome('universal-services');

    startCase({ on: '2024-03-04' })
      .send('decision.agreed')
      .completePreparation()
      .send('finalMeeting.held')
      .completeClosure()
      .expectPending('familyPlanMeeting.held', { personId: 'lp-1', due: '2024-04-01' })
      .send('leadProfessional.left')
      .as({ id: 'lp-user-1', role: 'lead-professional', personId: 'lp-1' })
      .expectRefused('familyPlanMeeting.held', { rule: 'own-cases-only' })
      .as('caf-link-worker')
      .send('leadProfessional.agreed', { personId: 'partner-1' })
      .asDefault()
      .send('familyPlanMeeting.held') // sent as the new Lead Professional, partner-1
      .expectDeadline('first-family-plan-meeting', { status: 'met' });
  });
});
