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
});
