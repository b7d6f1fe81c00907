import { describe, expect, it } from 'vitest';
import { defaultPolicy, definePolicy, eventTypes, getRule, isStepDownError, parseEvent } from '../../src/index.js';
import {
  PolicyAssertionError,
  defaultPayloads,
  fictionalFamily,
  fixtureActors,
  startCase,
  type CaseUnderTest,
  type FixtureContext,
} from '../../src/testing/index.js';

/** The error a kit call throws. */
function thrown(act: () => unknown): Error {
  try {
    act();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}

/** A CIN case opened on Monday 4 March 2024, prepared, its final meeting held and closed to CSC on Wednesday 13 March. */
function closedToCsc(options: Partial<Parameters<typeof startCase>[0]> = {}): CaseUnderTest {
  return startCase({ on: '2024-03-04', ...options })
    .send('decision.agreed')
    .advanceWorkingDays(2)
    .completePreparation()
    .advanceWorkingDays(2)
    .send('finalMeeting.held')
    .advanceWorkingDays(3)
    .completeClosure();
}

describe('the testing kit: a case from start to end', () => {
  it('runs the straightforward step down to a closed CAF with every deadline met', () => {
    const kit = closedToCsc()
      .expectStage('early-help')
      .expectPending('ehm.authorised', { role: 'caf-link-worker' })
      .expectPending('familyPlanMeeting.held', { role: 'lead-professional', detail: 'initial' })
      .expectDeadline('first-family-plan-meeting', { status: 'open', opensAt: '2024-03-13', due: '2024-04-10' })
      .send('ehm.authorised')
      .send('leadProfessional.contacted')
      .advanceWeeks(3)
      .send('familyPlanMeeting.held')
      .expectDeadline('first-family-plan-meeting', { status: 'met' })
      .advanceWeeks(7)
      .send('familyPlanMeeting.held')
      .expectDeadline('family-plan-review:1', { status: 'met' })
      .advanceWeeks(6)
      .send('familyPlanMeeting.held', { kind: 'final' })
      .advanceDays(1)
      .send('caf.closed')
      .expectOutcome('caf-closed')
      .expectStage('closed')
      .expectNoBreaches();
    expect(kit.view.pending).toEqual([]);
    expect(kit.notifications.filter((n) => n.type === 'outcome.reached')).toEqual([
      { type: 'outcome.reached', caseId: 'test-case-1', outcome: 'caf-closed', at: kit.now },
    ]);
  });

  it('sends each event by the first role the policy gives it, or as the role it acts as', () => {
    const kit = startCase({ on: '2024-03-04' }).send('decision.agreed');
    expect(kit.context.decisionAt).toBe('2024-03-04T09:00:00+00:00');
    kit.as('caf-link-worker').send('leadProfessional.agreed').asDefault().send('consent.given');
    expect(kit.context.leadProfessional?.personId).toBe(fictionalFamily.leadProfessional.id);
    expect(kit.context.consents).toEqual({ 'carer-1': { status: 'given', at: kit.now } });
    kit.as({ id: 'sw-42', role: 'social-worker' }).send('views.recorded');
    expect(Object.keys(kit.context.views)).toEqual([fictionalFamily.child.id]);
    expect(kit.events.at(-1)).toMatchObject({ type: 'views.recorded', personId: 'child-1', actor: { id: 'sw-42' } });
  });

  it('records the preparation that is missing and no more', () => {
    const kit = startCase({ on: '2024-03-04' })
      .send('decision.agreed')
      .send('views.recorded', { personId: 'partner-1', agrees: true })
      .completePreparation()
      .expectPending('finalMeeting.held');
    // A view from every child, parent/carer and practitioner on the case; the partner's was on file.
    expect(Object.keys(kit.context.views)).toEqual(['partner-1', 'child-1', 'carer-1', 'lp-1']);
    expect(kit.context.consents['carer-1']?.status).toBe('given');
    expect(kit.context.leadProfessional?.personId).toBe('lp-1');
  });

  it('completes closure from wherever it stands, after the Team Manager returns it', () => {
    startCase({ on: '2024-03-04' })
      .send('decision.agreed')
      .completePreparation()
      .send('finalMeeting.held')
      .send('eCaf.referralCompleted')
      .send('transferDetails.completed')
      .send('closureSummary.completed')
      .send('stepDown.returned')
      .expectPending('closureSummary.completed', { role: 'social-worker' })
      .advanceWorkingDays(1)
      .completeClosure()
      .expectStage('early-help');
  });

  it('reaches each other outcome', () => {
    // The ladder's end (Wednesday 1 May 2024) turns the case to universal services; it leaves CSC
    // only through the last meeting and the closure, with the Team Manager's authorisation.
    const ladder = startCase({ on: '2024-05-01', route: 'cp-outcome' })
      .send('decision.agreed')
      .send('leadProfessional.notFound')
      .send('leadProfessional.challengeFailed')
      .send('leadProfessional.panelFailed')
      .send('noLeadProfessional.recorded')
      .expectOutcome(null)
      .expectStage('preparation')
      .completePreparation()
      .send('finalMeeting.held')
      .completeClosure()
      .expectOutcome('universal-services');
    expect(ladder.context.destination).toBe('universal-services');
    expect(ladder.events.map((e) => e.type)).toContain('stepDown.authorised');
    startCase({ on: '2024-05-01' }).send('decision.agreed').send('stepDown.withdrawn').expectOutcome('remains-with-csc');
    closedToCsc({ route: 'ten-day-checkpoint' }).send('consent.withdrawn').expectOutcome('consent-withdrawn');
    closedToCsc({ route: 'cp-outcome' }).send('stepUp.referred').expectOutcome('stepped-up');
    closedToCsc().send('case.transferredOut').expectOutcome('transferred-out');
    startCase({ on: '2024-05-01' }).send('decision.agreed').send('case.transferredOut').expectOutcome('transferred-out');
  });
});

describe('the testing kit: time', () => {
  it('keeps the London time of day across the clock change', () => {
    const kit = startCase({ on: '2024-03-29' });
    expect(kit.now).toBe('2024-03-29T09:00:00+00:00');
    kit.on('2024-04-02');
    expect(kit.now).toBe('2024-04-02T09:00:00+01:00');
    kit.advanceWeeks(30);
    expect(kit.now).toBe('2024-10-29T09:00:00+00:00');
    kit.on('2024-10-29T16:30:00+00:00').advanceDays(1);
    expect(kit.now).toBe('2024-10-30T16:30:00+00:00');
  });

  it('counts working days by the policy’s calendar, bank holidays skipped', () => {
    // Friday 20 December 2024: 5 working days skip Christmas Day and Boxing Day.
    expect(startCase({ on: '2024-12-20' }).advanceWorkingDays(5).now).toBe('2024-12-31T09:00:00+00:00');
    // In Scotland 2 January is a bank holiday too.
    const scotland = definePolicy({ division: 'scotland' });
    expect(startCase({ on: '2024-12-31', policy: scotland }).advanceWorkingDays(1).now).toBe('2025-01-03T09:00:00+00:00');
    expect(startCase({ on: '2024-12-31' }).advanceWorkingDays(1).now).toBe('2025-01-02T09:00:00+00:00');
  });

  it('only moves forward', () => {
    const kit = startCase({ on: '2024-03-04' }).advanceDays(3);
    expect(isStepDownError(thrown(() => kit.on('2024-03-05')), 'INVALID_ARGUMENT')).toBe(true);
    expect(thrown(() => kit.on('2024-03-07T08:00:00+00:00')).message).toContain('Time only moves forward');
    expect(thrown(() => kit.advanceDays(-1)).message).toContain('Time only moves forward');
    expect(thrown(() => kit.advanceWorkingDays(1.5)).message).toContain('whole number of working days');
    expect(isStepDownError(thrown(() => kit.on('next Tuesday')), 'INVALID_DATE')).toBe(true);
    kit.on(kit.now);
  });

  it('ticks when the calendar passes a deadline, as a host’s scheduler would', () => {
    // Disagreement raised on Friday 20 December 2024; 5 working days end on 31 December.
    const kit = startCase({ on: '2024-12-19' })
      .send('decision.agreed')
      .advanceDays(1)
      .send('disagreement.raised')
      .expectDeadline('disagreement-resolution:D-1', { due: '2024-12-31', status: 'open' })
      .advanceWorkingDays(5)
      .expectNoBreaches()
      .advanceWorkingDays(1)
      .expectBreach('disagreement-resolution')
      .expectDeadline('disagreement-resolution:D-1', { status: 'missed' });
    expect(kit.notifications.filter((n) => n.type === 'breach.recorded')).toHaveLength(1);
  });

  it('leaves the breach to a late event when auto-tick is off', () => {
    const kit = closedToCsc({ autoTick: false })
      .advanceWeeks(5)
      .expectNoBreaches()
      .expectDeadline('first-family-plan-meeting', { status: 'open' })
      .send('familyPlanMeeting.held')
      .expectDeadline('first-family-plan-meeting', { status: 'met-late' })
      .expectBreach('first-family-plan-meeting', { count: 1 });
    expect(kit.view.breaches[0]?.detectedAt).toBe(kit.now);
    // An explicit tick finds nothing more.
    kit.tick().expectBreach('first-family-plan-meeting', { count: 1 });
  });
});

describe('the testing kit: failures name the rule and its citation', () => {
  const citation = getRule('first-family-plan-meeting').citation;

  it('expectNoBreaches lists each breach with its rule and citation', () => {
    // The CAF Link Worker's contact is made (rule clw-contacts-lead-professional), so only the meeting is missed.
    const kit = closedToCsc().send('ehm.authorised').send('leadProfessional.contacted').advanceWeeks(5);
    const error = thrown(() => kit.expectNoBreaches());
    expect(error).toBeInstanceOf(PolicyAssertionError);
    expect(error.message).toContain(`first-family-plan-meeting (${citation})`);
    expect((error as PolicyAssertionError).rules).toEqual([{ rule: 'first-family-plan-meeting', citation }]);
    kit.expectBreach('first-family-plan-meeting').expectNoBreaches('disagreement-resolution');
    expect(thrown(() => kit.expectNoBreaches('first-family-plan-meeting')).message).toContain(citation);
  });

  it('expectBreach says what the rule’s deadlines are when there is none', () => {
    const kit = closedToCsc();
    const error = thrown(() => kit.expectBreach('first-family-plan-meeting'));
    expect(error.message).toContain(`Expected a breach of rule first-family-plan-meeting (${citation})`);
    expect(error.message).toContain('first-family-plan-meeting open, due 2024-04-10T23:59:59.999+01:00');
    expect(thrown(() => kit.advanceWeeks(5).expectBreach('first-family-plan-meeting', { count: 2 })).message).toContain('but it has 1');
  });

  it('expectStage and expectOutcome say what the case is waiting for, and from whom', () => {
    const kit = startCase({ on: '2024-03-04' }).send('decision.agreed');
    const stage = thrown(() => kit.expectStage('closure')) as PolicyAssertionError;
    expect(stage.message).toContain(`at 'preparation'`);
    expect(stage.message).toContain(`consent.given (carer-1) from social-worker, rule informed-consent (${getRule('informed-consent').citation})`);
    expect(stage.message).toContain(`views.recorded (child-1) from social-worker, rule views-recorded`);
    expect(stage.expected).toBe('closure');
    expect(stage.actual).toBe('preparation');
    expect(thrown(() => kit.expectOutcome('caf-closed')).message).toContain('has no outcome yet, waiting for');
    kit.expectOutcome(null).send('stepDown.withdrawn');
    const ended = thrown(() => kit.expectOutcome(null));
    expect(ended.message).toContain(`ended in 'remains-with-csc' (step-down-withdrawal (${getRule('step-down-withdrawal').citation})`);
  });

  it('expectDeadline names the deadline’s rule and citation', () => {
    const kit = closedToCsc();
    const error = thrown(() => kit.expectDeadline('first-family-plan-meeting', { status: 'met', due: '2024-04-11' }));
    expect(error.message).toContain(`rule first-family-plan-meeting (${citation}): status 'open', not 'met'; due 2024-04-10T23:59:59.999+01:00, not 2024-04-11`);
    kit.expectDeadline('first-family-plan-meeting', { due: '2024-04-10T23:59:59.999+01:00' });
    const missing = thrown(() => kit.deadline('family-plan-review'));
    expect(missing.message).toContain(`no deadline 'family-plan-review' (rule family-plan-review (${getRule('family-plan-review').citation}))`);
    expect(missing.message).toContain('its deadlines: first-meeting-date, first-family-plan-meeting, clw-contacts-lead-professional, caf-twelve-months:1');
  });

  it('expectPending lists what the case is waiting for instead', () => {
    const kit = startCase({ on: '2024-03-04' });
    kit.expectPending('decision.agreed', { role: 'team-manager' });
    const error = thrown(() => kit.expectPending('decision.agreed', { role: 'social-worker' }));
    expect(error.message).toContain('waiting for decision.agreed from social-worker');
    expect(error.message).toContain(`decision.agreed from team-manager, rule threshold-decision (${getRule('threshold-decision').citation})`);
  });

  it('a refused send names each unmet rule and its citation; expectRefused checks the rule', () => {
    const kit = startCase({ on: '2024-03-04' });
    const wrongRole = thrown(() => kit.as('lead-professional').send('decision.agreed')) as PolicyAssertionError;
    expect(wrongRole.message).toContain('refused decision.agreed from lead-professional');
    expect(wrongRole.message).toContain(`division-of-duties (${getRule('division-of-duties').citation})`);
    expect(wrongRole.rules.map((r) => r.rule)).toEqual(['division-of-duties']);
    kit
      .expectRefused('decision.agreed', { rule: 'division-of-duties', code: 'NOT_ALLOWED' })
      .asDefault()
      .send('decision.agreed')
      .send('views.recorded')
      .expectRefused('finalMeeting.held', { rule: 'informed-consent', code: 'GATE_BLOCKED' })
      .expectRefused('csc.closed', { code: 'EVENT_NOT_ACCEPTED' })
      .expectRefused('finalMeeting.held', { rule: 'final-meeting-kind', fields: { kind: 'multi-agency' } });
    const accepted = thrown(() => kit.expectRefused('consent.given'));
    expect(accepted.message).toContain('but it accepts it');
    const otherRule = thrown(() => kit.expectRefused('finalMeeting.held', { rule: 'smart-family-plan' }));
    expect(otherRule.message).toContain(`by rule smart-family-plan (${getRule('smart-family-plan').citation}), but it refused it with GATE_BLOCKED`);
    expect(Object.keys(kit.context.views)).toHaveLength(1);
  });

  it('an invalid field is refused as the engine refuses it, naming the field', () => {
    const kit = startCase({ on: '2024-03-04' }).send('decision.agreed');
    const error = thrown(() => kit.send('views.recorded', { summary: '   ' }));
    expect(isStepDownError(error, 'INVALID_EVENT')).toBe(true);
    expect(error.message).toContain('summary: required text is empty');
  });
});

describe('the testing kit: fixtures', () => {
  it('is a fictional family, consistent with the case so far', () => {
    expect(fictionalFamily.leadProfessional.contact).toContain('01632 960');
    expect(fictionalFamily.leadProfessional.contact).toContain('.example');
    expect(new Set(Object.values(fixtureActors).map((a) => a.id)).size).toBe(6);
    const kit = closedToCsc();
    // Section 11 of the e-CAF form repeats the date set at the final meeting, and the documents went to everyone.
    expect(kit.context.finalMeeting?.firstFamilyPlanMeetingDate).toBe('2024-03-29');
    expect(kit.context.familyPlan.actions).toEqual({ 'FP-1': 'open', 'FP-2': 'open', 'FP-3': 'open' });
  });

  it('gives every event a payload the vocabulary accepts, even on a case with nothing on file', () => {
    const context = startCase({ on: '2024-03-04' }).context;
    const at = '2024-03-04T09:00:00+00:00';
    for (const type of eventTypes) {
      const build = defaultPayloads[type] as (fixture: FixtureContext) => object;
      const payload = build({ at, case: context, family: fictionalFamily, requested: {} });
      const actor = fixtureActors[defaultPolicy.permissions[type][0]!];
      expect(() => parseEvent({ ...payload, type, at, actor }), type).not.toThrow();
    }
  });

  it('raises a disagreement as the partner practitioner unless personId names another, by id, never by name', () => {
    const context = startCase({ on: '2024-03-04' }).context;
    const raise = (requested: Record<string, unknown>) =>
      defaultPayloads['disagreement.raised']({ at: '2024-03-04T09:00:00+00:00', case: context, family: fictionalFamily, requested });
    expect(raise({})).toMatchObject({ disagreementId: 'D-1', personId: 'partner-1', reason: expect.stringContaining('one more review') });
    expect(raise({ personId: 'carer-1' })).toMatchObject({ personId: 'carer-1', reason: expect.stringContaining('left without support') });
    expect(raise({ personId: 'child-1' })).toMatchObject({ personId: 'child-1', reason: expect.stringContaining('stop visiting') });
    expect(JSON.stringify(raise({}))).not.toContain(fictionalFamily.partner.name);
  });

  it('shares documents with everyone rule documents-shared-with-all asks for, and the family when no one is on the case', () => {
    const at = '2024-03-04T09:00:00+00:00';
    const empty = startCase({ on: '2024-03-04', withFamily: false }).context;
    expect(defaultPayloads['documents.shared']({ at, case: empty, family: fictionalFamily, requested: {} }).recipients).toEqual(['carer-1', 'partner-1', 'lp-1']);
    const kit = startCase({ on: '2024-03-04' }).person('nan-1', 'family-member').person('carer-2', 'parent-carer');
    // Every parent/carer and practitioner involved; not the child, not another family member.
    expect(defaultPayloads['documents.shared']({ at, case: kit.context, family: fictionalFamily, requested: {} }).recipients).toEqual([
      'carer-1',
      'partner-1',
      'lp-1',
      'carer-2',
    ]);
  });

  it('takes the host’s own people and payloads, merged field by field', () => {
    const kit = startCase({
      on: '2024-03-04',
      family: { child: { name: 'Sky Fictional' }, parent: { id: 'mum', name: 'Pat Fictional' } },
      payloads: {
        'decision.agreed': { rationale: 'Host rationale.' },
        'consent.given': ({ family }) => ({ personId: family.parent.id, informationShared: ['CAF'], purpose: 'Host purpose.' }),
      },
    })
      .send('decision.agreed')
      .completePreparation()
      .send('finalMeeting.held', { firstFamilyPlanMeetingDate: '2024-03-25', cafAssessment: { childVoice: 'Host voice.' } })
      .send('eCaf.referralCompleted', { form: { voiceOfChild: 'Host voice of the child.' } })
      .expectPending('transferDetails.completed');
    expect(Object.keys(kit.context.views)).toEqual(['child-1', 'mum', 'partner-1', 'lp-1']);
    expect(Object.values(kit.context.people).map((p) => p.name)).toEqual([
      'Sky Fictional',
      'Pat Fictional',
      fictionalFamily.partner.name,
      fictionalFamily.leadProfessional.name,
    ]);
    expect(kit.context.consents['mum']?.status).toBe('given');
    expect(kit.context.finalMeeting?.firstFamilyPlanMeetingDate).toBe('2024-03-25');
  });

  it('runs a whole case with the persistence check on', () => {
    closedToCsc({ checkPersistence: true }).advanceWeeks(5).send('familyPlanMeeting.held').expectBreach('first-family-plan-meeting');
  });
});
