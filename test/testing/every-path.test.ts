import { describe, expect, it } from 'vitest';
import { getRule } from '../../src/index.js';
import { PolicyAssertionError, startCase, type CaseUnderTest } from '../../src/testing/index.js';

// Issue 10 through the testing kit: every path a real case takes is one fluent sentence, on real
// dates (spring 2024: Good Friday 29 March and Easter Monday 1 April are bank holidays, the clocks
// went forward on Sunday 31 March; the Early May bank holiday was Monday 6 May).

function thrown(act: () => unknown): PolicyAssertionError {
  try {
    act();
  } catch (error) {
    if (error instanceof PolicyAssertionError) return error;
    throw error;
  }
  throw new Error('expected the call to throw');
}

/** A CIN case decided on Monday 4 March 2024, prepared, its final meeting on Thursday 7 March, closed to CSC on Tuesday 12 March. */
function underCaf(): CaseUnderTest {
  return startCase({ on: '2024-03-04' })
    .send('decision.agreed')
    .advanceDays(1)
    .completePreparation()
    .advanceDays(2)
    .send('finalMeeting.held')
    .advanceWorkingDays(3)
    .completeClosure()
    .send('ehm.authorised')
    .send('leadProfessional.contacted');
}

describe('a step down to universal services (rule destination)', () => {
  it('planned at the decision: no consent and no Lead Professional, but the last meeting, summary, file review, authorisation, sharing and closure', () => {
    const kit = startCase({ on: '2024-03-04' })
      .send('decision.agreed', { destination: 'universal-services' })
      .advanceDays(1)
      .completePreparation()
      .send('finalMeeting.held');
    expect(kit.context.destination).toBe('universal-services');
    expect(kit.context.consents).toEqual({});
    expect(kit.context.leadProfessional).toBeNull();
    // The last meeting documents the plan for universal services: no first family plan meeting date to judge.
    expect(kit.context.finalMeeting).toMatchObject({ firstFamilyPlanMeetingDate: null });
    expect(kit.events.at(-1)).toMatchObject({ type: 'finalMeeting.held', universalServicesPlan: expect.any(String) });
    expect(kit.events.at(-1)).not.toHaveProperty('familyPlan');
    // No e-CAF referral and no transfer details: the summary comes first, then the manager.
    kit.advanceWorkingDays(1).expectStage('closure').expectPending('closureSummary.completed', { role: 'social-worker' });
    kit.send('closureSummary.completed').expectPending('fileReview.completed', { role: 'team-manager', actorId: 'fixture-team-manager' });
    kit.expectRefused('csc.closed', { code: 'EVENT_NOT_ACCEPTED' });
    kit.completeClosure().expectOutcome('universal-services').expectNoBreaches();
    expect(kit.events.map((e) => e.type)).toEqual(expect.arrayContaining(['fileReview.completed', 'stepDown.authorised', 'documents.shared', 'csc.closed']));
    expect(kit.events.map((e) => e.type)).not.toContain('eCaf.referralCompleted');
    expect(kit.notifications).toContainEqual(expect.objectContaining({ type: 'parties.toInform', reason: 'universal-services' }));
  });

  it('a CAF plan at a universal-services meeting, or none, is refused by rule destination-plan', () => {
    const kit = startCase({ on: '2024-03-04' }).send('decision.agreed', { destination: 'universal-services' }).completePreparation();
    kit.expectRefused('finalMeeting.held', { rule: 'destination-plan', code: 'GATE_BLOCKED', fields: { firstFamilyPlanMeetingDate: '2024-03-25' } });
    const caf = startCase({ on: '2024-03-04' }).send('decision.agreed').completePreparation();
    caf.expectRefused('finalMeeting.held', { rule: 'destination-plan', code: 'GATE_BLOCKED', fields: { universalServicesPlan: 'Universal services only.' } });
    expect(getRule('destination-plan').id).toBe('destination-plan');
  });

  it("the ladder's end turns the destination to universal services and goes on through the same closure (lp-none-universal-services)", () => {
    const kit = startCase({ on: '2024-03-04' })
      .send('decision.agreed')
      .advanceWorkingDays(1)
      .send('leadProfessional.notFound')
      .advanceWorkingDays(2)
      .send('leadProfessional.challengeFailed')
      .advanceWorkingDays(5)
      .send('leadProfessional.panelFailed')
      .advanceWorkingDays(1)
      .send('noLeadProfessional.recorded')
      .expectOutcome(null)
      .expectStage('preparation');
    expect(kit.context.destination).toBe('universal-services');
    const inform = kit.notifications.find((n) => n.type === 'parties.toInform');
    // The Social Worker by role; the family's carer and the agencies' practitioners by person id.
    expect(inform).toMatchObject({ reason: 'no-lead-professional', roles: ['social-worker'] });
    expect(inform && 'personIds' in inform ? [...inform.personIds].sort() : []).toEqual(['carer-1', 'lp-1', 'partner-1']);
    kit.completePreparation().send('finalMeeting.held').advanceWorkingDays(2).completeClosure().expectOutcome('universal-services');
    expect(kit.events.map((e) => e.type)).toContain('stepDown.authorised');
  });
});

describe('a reconvened last meeting (rule reconvened-meeting)', () => {
  it('a return with reconvene goes back to preparation; the new meeting may not be dated before the return and is judged as first-meeting-date:2', () => {
    const kit = startCase({ on: '2024-03-04' })
      .send('decision.agreed')
      .advanceDays(1)
      .completePreparation()
      .advanceDays(2)
      .send('finalMeeting.held', { firstFamilyPlanMeetingDate: '2024-04-03' })
      .advanceWorkingDays(2)
      .send('eCaf.referralCompleted')
      .send('transferDetails.completed')
      .send('closureSummary.completed')
      .send('fileReview.completed')
      .advanceWorkingDays(1)
      .send('stepDown.returned', { reconvene: true })
      .expectStage('preparation')
      .expectPending('finalMeeting.held', { role: 'social-worker' });
    expect(kit.context.finalMeeting).toBeNull();
    kit.expectRefused('finalMeeting.held', { rule: 'step-sequence', dated: '2024-03-11' });
    // Reconvened on Thursday 28 March 2024, the day before Good Friday: the first family plan
    // meeting is set 5 weeks on, more than the 4 weeks allowed, so the second meeting's date is missed.
    kit.on('2024-03-28').send('finalMeeting.held', { firstFamilyPlanMeetingDate: '2024-05-02' });
    kit.expectDeadline('first-meeting-date', { status: 'met' }).expectDeadline('first-meeting-date:2', { status: 'missed', due: '2024-04-25' });
    kit.expectBreach('first-meeting-date', { count: 1 });
    expect(kit.context.lastMeetings).toBe(2);
  });
});

describe('the Lead Professional under the CAF (rules lead-professional-change, own-cases-only)', () => {
  it('acts as the case’s own Lead Professional; another practitioner in that role is refused', () => {
    const kit = underCaf().expectPending('familyPlanMeeting.held', { role: 'lead-professional', personId: 'lp-1', due: '2024-04-09' });
    kit
      .as({ id: 'lp-user-9', role: 'lead-professional', personId: 'partner-1' })
      .expectRefused('familyPlanMeeting.held', { rule: 'own-cases-only', code: 'GATE_BLOCKED' })
      .as({ id: 'lp-user-9', role: 'lead-professional' })
      .expectRefused('familyPlanMeeting.held', { rule: 'own-cases-only', code: 'GATE_BLOCKED' })
      .as('lead-professional')
      .send('familyPlanMeeting.held');
    expect(kit.events.at(-1)!.actor).toEqual({ id: 'fixture-lead-professional', role: 'lead-professional', personId: 'lp-1' });
  });

  it('leaves and is replaced by a practitioner the CAF Link Worker finds; the new one then acts, the old one no longer can', () => {
    const kit = underCaf()
      .advanceDays(2)
      .send('leadProfessional.left')
      .expectPending('leadProfessional.agreed', { role: 'caf-link-worker', detail: undefined });
    expect(kit.context.leadProfessionalSearch).toBe('sought');
    expect(kit.notifications).toContainEqual(expect.objectContaining({ type: 'leadProfessional.needed' }));
    kit.as('caf-link-worker').send('leadProfessional.agreed', { personId: 'partner-1' }).asDefault();
    expect(kit.context.leadProfessional?.personId).toBe('partner-1');
    kit
      .as({ id: 'fixture-lead-professional', role: 'lead-professional', personId: 'lp-1' })
      .expectRefused('familyPlanMeeting.held', { rule: 'own-cases-only' })
      .asDefault()
      .expectPending('familyPlanMeeting.held', { personId: 'partner-1' })
      .send('familyPlanMeeting.held')
      .expectDeadline('first-family-plan-meeting', { status: 'met' })
      .expectNoBreaches();
  });

  it('with none found, the ladder is climbed again rung by rung and the CAF closes to universal services', () => {
    const kit = underCaf().advanceDays(2).send('leadProfessional.left');
    kit.expectRefused('leadProfessional.panelFailed', { rule: 'lead-professional-change', code: 'GATE_BLOCKED' });
    kit
      .send('leadProfessional.challengeFailed')
      .advanceWorkingDays(3)
      .send('leadProfessional.panelFailed')
      .advanceWorkingDays(1)
      .send('noLeadProfessional.recorded')
      .expectOutcome('universal-services');
  });
});

describe('leaving by another door (rule transfer-out)', () => {
  it('the Social Worker transfers a case out before the CSC closure; under the CAF the CAF Link Worker does, its open deadlines cancelled', () => {
    startCase({ on: '2024-03-04' })
      .send('decision.agreed')
      .as('caf-link-worker')
      .expectRefused('case.transferredOut', { rule: 'division-of-duties', code: 'NOT_ALLOWED' })
      .asDefault()
      .send('case.transferredOut')
      .expectOutcome('transferred-out');
    const kit = underCaf().advanceWeeks(1);
    kit.as('social-worker').expectRefused('case.transferredOut', { rule: 'division-of-duties' }).asDefault().send('case.transferredOut');
    expect(kit.events.at(-1)!.actor.role).toBe('caf-link-worker');
    kit.expectOutcome('transferred-out').expectDeadline('first-family-plan-meeting', { status: 'cancelled' });
    expect(kit.notifications).toContainEqual(expect.objectContaining({ type: 'parties.toInform', reason: 'transferred-out' }));
  });
});

describe('pending steps say who and when', () => {
  it('a failed expectPending names the person, the user and the due date of what the case waits for', () => {
    const kit = underCaf();
    const error = thrown(() => kit.expectPending('familyPlanMeeting.held', { personId: 'partner-1' }));
    expect(error.message).toContain('waiting for familyPlanMeeting.held person partner-1');
    expect(error.message).toContain('familyPlanMeeting.held (initial) from lead-professional lp-1 due 2024-04-09T23:59:59.999+01:00');
  });
});
