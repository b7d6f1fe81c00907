// Issue 9, "Records that tell the truth", through the testing kit: people by id, consent per carer,
// voids, dates resting on facts, and the engine's refusals (NO_EFFECT, FUTURE_DATED, DUPLICATE_EVENT)
// as the kit mirrors them on the bare machine.
import { describe, expect, it } from 'vitest';
import { getRule } from '../../src/index.js';
import { PolicyAssertionError, startCase, type CaseUnderTest } from '../../src/testing/index.js';

/** The PolicyAssertionError a kit call throws. */
function refusal(act: () => unknown): PolicyAssertionError {
  try {
    act();
  } catch (error) {
    if (error instanceof PolicyAssertionError) return error;
    throw error;
  }
  throw new Error('expected the call to throw');
}

/**
 * A CIN case decided on Monday 4 March 2024, prepared on Wednesday 6 March, its final meeting on
 * Friday 8 March (the first family plan meeting set for Thursday 28 March) and closed to CSC on
 * Wednesday 13 March: the first family plan meeting is due by the end of Wednesday 10 April (BST).
 */
function closedToCsc(options: Partial<Parameters<typeof startCase>[0]> = {}): CaseUnderTest {
  return startCase({ on: '2024-03-04', ...options })
    .send('decision.agreed')
    .advanceWorkingDays(2)
    .completePreparation()
    .advanceWorkingDays(2)
    .send('finalMeeting.held', { firstFamilyPlanMeetingDate: '2024-03-28' })
    .advanceWorkingDays(3)
    .completeClosure()
    // The CAF Link Worker authorises in EHM and contacts the Lead Professional at once, so rule
    // clw-contacts-lead-professional is met and only the deadlines a test is about can be missed.
    .send('ehm.authorised')
    .send('leadProfessional.contacted');
}

describe('people by id', () => {
  it('opens the case with the fictional family on record, each added by a person.added the kit recorded', () => {
    const kit = startCase({ on: '2024-03-04' });
    expect(kit.events.map((e) => [e.eventId, e.type, 'personId' in e ? e.personId : null])).toEqual([
      ['kit-1', 'person.added', 'child-1'],
      ['kit-2', 'person.added', 'carer-1'],
      ['kit-3', 'person.added', 'partner-1'],
      ['kit-4', 'person.added', 'lp-1'],
    ]);
    expect(kit.lastEventId).toBeNull();
    expect(kit.context.people['lp-1']).toMatchObject({ relationship: 'practitioner', agency: 'Riverside Primary School (fictional)', endedAt: null });
  });

  it('without the family, the case waits for a child and a parent/carer (rule views-recorded) until kit.person adds them', () => {
    const kit = startCase({ on: '2024-03-04', withFamily: false })
      .send('decision.agreed')
      .expectPending('person.added', { detail: 'child' })
      .expectPending('person.added', { detail: 'parent-carer' })
      .expectRefused('finalMeeting.held', { rule: 'views-recorded', code: 'GATE_BLOCKED' })
      .person('c-7', 'child')
      .person('mum', 'parent-carer', { name: 'A fictional mum', parentalResponsibility: true })
      .expectPending('views.recorded', { detail: 'c-7' })
      .expectPending('views.recorded', { detail: 'mum' });
    expect(kit.context.people['mum']).toMatchObject({ relationship: 'parent-carer', name: 'A fictional mum', parentalResponsibility: true });
    expect(kit.lastEventId).toBe('kit-3');
  });

  it('refuses a record about someone not on the case, or of the wrong relationship (rule people-on-record)', () => {
    const kit = startCase({ on: '2024-03-04' }).send('decision.agreed');
    kit
      .expectRefused('views.recorded', { fields: { personId: 'nobody-9' }, rule: 'people-on-record', code: 'GATE_BLOCKED' })
      .expectRefused('consent.given', { fields: { personId: 'partner-1' }, rule: 'people-on-record' })
      .expectRefused('leadProfessional.agreed', { fields: { personId: 'carer-1' }, rule: 'people-on-record' })
      .expectRefused('person.added', { fields: { personId: 'carer-1', relationship: 'parent-carer' }, rule: 'people-on-record' });
    const error = refusal(() => kit.send('views.recorded', { personId: 'nobody-9' }));
    expect(error.code).toBe('GATE_BLOCKED');
    expect(error.message).toContain('not a person of this case: nobody-9');
  });

  it('names a missing view by person id, never by name', () => {
    const kit = startCase({ on: '2024-03-04' })
      .person('carer-2', 'parent-carer', { name: 'Sam Secretname' })
      .send('decision.agreed')
      .advanceWorkingDays(2);
    for (const personId of ['child-1', 'carer-1', 'partner-1', 'lp-1']) kit.send('views.recorded', { personId });
    kit.send('consent.given').send('leadProfessional.agreed').expectPending('views.recorded', { detail: 'carer-2' });
    const error = refusal(() => kit.send('finalMeeting.held'));
    expect(error.rules.map((r) => r.rule)).toEqual(['views-recorded']);
    expect(error.message).toContain('views not yet recorded for person(s): carer-2');
    expect(error.message).not.toContain('Secretname');
  });

  it('consent is each carer’s own: one refuses (a family disagreement), the other consents, and the consent stands (rule informed-consent)', () => {
    // Monday 4 March 2024; the refusal on Tuesday 5 March is resolved within 5 working days: by 12 March.
    const kit = startCase({ on: '2024-03-04' })
      .person('carer-2', 'parent-carer', { parentalResponsibility: false })
      .send('decision.agreed')
      .advanceWorkingDays(1)
      .send('consent.refused', { personId: 'carer-2' })
      .expectDeadline('disagreement-resolution:D-1', { status: 'open', due: '2024-03-12' })
      .expectRefused('finalMeeting.held', { rule: 'informed-consent' })
      .advanceWorkingDays(1)
      .completePreparation();
    expect(kit.context.consents).toEqual({
      'carer-2': { status: 'refused', at: '2024-03-05T09:00:00+00:00' },
      'carer-1': { status: 'given', at: '2024-03-06T09:00:00+00:00' },
    });
    expect(kit.context.disagreements).toMatchObject([{ id: 'D-1', personId: 'carer-2', by: 'family', status: 'open' }]);
    // Consent is on file; only the open disagreement stands in the way.
    const blocked = refusal(() => kit.send('finalMeeting.held'));
    expect(blocked.rules.map((r) => r.rule)).toEqual(['no-open-disagreement']);
    kit
      .advanceWorkingDays(1)
      .send('disagreement.resolved', { disagreementId: 'D-1', outcome: 'agreed' })
      .expectDeadline('disagreement-resolution:D-1', { status: 'met' })
      .send('finalMeeting.held')
      .expectStage('closure')
      .expectNoBreaches();
  });

  it('a later refusal by one carer does not erase the consent another gave first', () => {
    startCase({ on: '2024-03-04' })
      .person('carer-2', 'parent-carer')
      .send('decision.agreed')
      .completePreparation()
      .expectPending('finalMeeting.held')
      .advanceDays(1)
      .send('consent.refused', { personId: 'carer-2' })
      .expectPending('disagreement.resolved', { detail: 'D-1' })
      .send('disagreement.resolved')
      .send('finalMeeting.held')
      .expectStage('closure');
  });

  it('the documents go to every parent/carer and practitioner still involved (rule documents-shared-with-all), naming who is missing by id', () => {
    const kit = startCase({ on: '2024-03-04' })
      .send('decision.agreed')
      .advanceWorkingDays(2)
      .completePreparation()
      .send('finalMeeting.held')
      .advanceWorkingDays(2)
      .send('eCaf.referralCompleted')
      .send('transferDetails.completed')
      .send('closureSummary.completed')
      .send('fileReview.completed')
      .send('stepDown.authorised');
    const error = refusal(() => kit.send('documents.shared', { recipients: ['carer-1', 'lp-1'] }));
    expect(error.rules.map((r) => r.rule)).toEqual(['documents-shared-with-all']);
    expect(error.message).toContain('not among the recipients: partner-1');
    expect(error.message).not.toContain('Jordan');
    // The health visitor's involvement ends: the documents no longer need to reach her.
    kit.send('involvement.ended', { personId: 'partner-1' }).send('documents.shared', { recipients: ['carer-1', 'lp-1'] }).expectPending('csc.closed');
  });

  it('the Lead Professional attends by id (rule lead-professional-attends), whatever the other attendees are called', () => {
    const prepared = () => startCase({ on: '2024-03-04' }).send('decision.agreed').completePreparation().advanceDays(2);
    prepared()
      .send('finalMeeting.held', { attendees: ['carer-1', 'lp-1'], otherAttendees: ['Lead Professional (Oakfield Primary)'] })
      .expectNoBreaches('lead-professional-attends');
    prepared()
      .send('finalMeeting.held', { attendees: ['carer-1', 'partner-1'], otherAttendees: ['Lead Professional (Oakfield Primary)'] })
      .expectBreach('lead-professional-attends', { count: 1 });
  });
});

describe('corrections: kit.void', () => {
  it('voids a mistyped person: the case is recomputed without them, and the record keeps the void', () => {
    const kit = startCase({ on: '2024-03-04' }).send('decision.agreed').person('carer-9', 'parent-carer');
    const mistaken = kit.lastEventId!;
    expect(mistaken).toBe('kit-6');
    kit.expectPending('views.recorded', { detail: 'carer-9' }).void(mistaken, 'Added to the wrong case.');
    expect(kit.context.people['carer-9']).toBeUndefined();
    expect(kit.voided).toEqual([{ eventId: 'kit-6', type: 'person.added', voidedBy: 'kit-7' }]);
    expect(kit.events.map((e) => e.eventId)).not.toContain('kit-6');
    expect(kit.lastEventId).toBe('kit-7');
    // Voided once: a second void changes nothing and is refused, as the engine refuses it.
    expect(refusal(() => kit.void(mistaken)).code).toBe('NO_EFFECT');
    expect(refusal(() => kit.void('kit-999')).code).toBe('UNKNOWN_EVENT');
  });

  it('refuses a void that would leave a later event refused (VOID_CONFLICT), naming that event; void it first', () => {
    const kit = startCase({ on: '2024-03-04' }).send('decision.agreed').advanceWorkingDays(2).completePreparation();
    const childView = kit.eventIds('views.recorded')[0]!;
    kit.advanceWorkingDays(2).send('finalMeeting.held');
    const meeting = kit.lastEventId!;
    const error = refusal(() => kit.void(childView));
    expect(error.code).toBe('VOID_CONFLICT');
    expect(error.eventIds).toEqual([meeting]);
    expect(error.rules.map((r) => r.rule)).toEqual(['views-recorded']);
    expect(error.message).toContain(`voiding ${childView} would leave later events refused: ${meeting} (GATE_BLOCKED: views-recorded)`);
    kit.expectStage('closure');
    // Newest first: the meeting, then the view.
    kit.void(meeting).void(childView).expectStage('preparation').expectPending('views.recorded', { detail: 'child-1' });
  });

  it('lets the role that sent an event, or a Team Manager, void it (rule division-of-duties); never a tick', () => {
    const kit = startCase({ on: '2024-03-04' }).send('decision.agreed').send('views.recorded');
    const view = kit.lastEventId!;
    const wrongRole = refusal(() => kit.as('lead-professional').void(view));
    expect(wrongRole.code).toBe('NOT_ALLOWED');
    expect(wrongRole.rules.map((r) => r.rule)).toEqual(['division-of-duties']);
    kit.as('team-manager').void(view).asDefault();
    expect(kit.context.views).toEqual({});
    // A disagreement raised on Friday 20 December 2024 is missed by 2 January 2025; the tick is a fact of the record.
    const late = startCase({ on: '2024-12-20' }).send('decision.agreed').send('disagreement.raised').on('2025-01-02').expectBreach('disagreement-resolution');
    const tick = late.events.find((e) => e.type === 'clock.tick')!.eventId;
    expect(refusal(() => late.void(tick)).code).toBe('EVENT_NOT_ACCEPTED');
  });

  it('withdraws a breach that rested on the voided event, and the next tick records what the void brings to light', () => {
    const kit = closedToCsc({ autoTick: false })
      .on('2024-04-17')
      .send('familyPlanMeeting.held')
      .expectDeadline('first-family-plan-meeting', { status: 'met-late', due: '2024-04-10' })
      .expectBreach('first-family-plan-meeting', { count: 1 });
    const late = kit.lastEventId!;
    kit.void(late, 'Recorded on the wrong case.').expectNoBreaches().expectDeadline('first-family-plan-meeting', { status: 'open' });
    expect(kit.notifications.at(-1)).toEqual({
      type: 'breach.withdrawn',
      caseId: 'test-case-1',
      rule: 'first-family-plan-meeting',
      deadlineId: 'first-family-plan-meeting',
      at: kit.now,
      reason: 'voided',
    });
    kit.tick().expectBreach('first-family-plan-meeting', { count: 1 }).expectDeadline('first-family-plan-meeting', { status: 'missed' });
  });

  it('with auto-tick, a void that takes out the meeting that met a deadline now past records the breach at once', () => {
    const kit = closedToCsc().on('2024-03-27').send('familyPlanMeeting.held').expectDeadline('first-family-plan-meeting', { status: 'met' });
    const meeting = kit.lastEventId!;
    kit.on('2024-04-17').expectNoBreaches().void(meeting).expectBreach('first-family-plan-meeting', { count: 1 });
    expect(kit.view.breaches[0]).toMatchObject({ detectedAt: '2024-04-17T09:00:00+01:00', due: '2024-04-10T23:59:59.999+01:00' });
    expect(kit.notifications.filter((n) => n.type === 'breach.recorded').map((n) => n.type === 'breach.recorded' && n.rule)).toEqual([
      'first-family-plan-meeting',
    ]);
  });
});

describe('dates that tell the truth', () => {
  it('records the initial family plan meeting at its true date, before a CSC closure delayed by a return (rule step-sequence)', () => {
    const kit = startCase({ on: '2024-03-04' })
      .send('decision.agreed')
      .advanceWorkingDays(2)
      .completePreparation()
      .advanceWorkingDays(2)
      .send('finalMeeting.held', { firstFamilyPlanMeetingDate: '2024-03-28' })
      .advanceWorkingDays(3)
      .send('eCaf.referralCompleted')
      .send('transferDetails.completed')
      .send('closureSummary.completed')
      .send('fileReview.completed')
      .send('stepDown.returned')
      // Not yet closed to CSC on 28 March: the meeting cannot be recorded before the closure is.
      .on('2024-03-28')
      .expectRefused('familyPlanMeeting.held', { code: 'EVENT_NOT_ACCEPTED' })
      // The closure, delayed by the return, is recorded on Tuesday 2 April (after Easter Monday).
      .on('2024-04-02')
      .send('closureSummary.completed')
      .send('fileReview.completed')
      .send('stepDown.authorised')
      .send('documents.shared')
      .send('csc.closed')
      .expectDeadline('first-family-plan-meeting', { status: 'open', opensAt: '2024-04-02', due: '2024-04-30' })
      .advanceDays(1)
      // Dated before the final meeting it rests on: refused.
      .expectRefused('familyPlanMeeting.held', { dated: '2024-03-07', rule: 'step-sequence', code: 'GATE_BLOCKED' })
      .send('familyPlanMeeting.held', { kind: 'initial' }, { dated: '2024-03-28' })
      .expectDeadline('first-family-plan-meeting', { status: 'met' })
      // Reviews run from the meeting's true date: day 56 after 28 March is 23 May.
      .expectDeadline('family-plan-review:1', { status: 'open', opensAt: '2024-03-28', due: '2024-05-23' })
      .expectNoBreaches();
    const met = kit.context.deadlines.find((d) => d.id === 'first-family-plan-meeting')!;
    expect(met).toMatchObject({ closedAt: '2024-03-28T09:00:00+00:00', recordedAt: '2024-04-03T09:00:00+01:00' });
  });

  it('refuses an event dated after the kit’s clock (FUTURE_DATED), as the engine refuses one dated after its own', () => {
    const kit = closedToCsc();
    kit.expectRefused('familyPlanMeeting.held', { dated: '2099-01-01', code: 'FUTURE_DATED' });
    const error = refusal(() => kit.send('familyPlanMeeting.held', {}, { dated: kit.now.replace('09:00:00', '09:00:01') }));
    expect(error.code).toBe('FUTURE_DATED');
    kit.send('familyPlanMeeting.held', {}, { dated: kit.now }).expectDeadline('first-family-plan-meeting', { status: 'met' });
  });

  it('a step recorded late but dated on time is met, keeps when it was recorded, and the tick’s breach is withdrawn (met-on-time)', () => {
    const kit = closedToCsc()
      .on('2024-04-15')
      .expectBreach('first-family-plan-meeting', { count: 1 })
      .send('familyPlanMeeting.held', {}, { dated: '2024-04-09' })
      .expectDeadline('first-family-plan-meeting', { status: 'met' })
      .expectNoBreaches();
    expect(kit.context.deadlines.find((d) => d.id === 'first-family-plan-meeting')).toMatchObject({
      closedAt: '2024-04-09T09:00:00+01:00',
      recordedAt: '2024-04-15T09:00:00+01:00',
    });
    expect(kit.context.withdrawnBreaches).toMatchObject([{ rule: 'first-family-plan-meeting', withdrawnBecause: 'met-on-time' }]);
    expect(kit.notifications.filter((n) => n.type === 'breach.withdrawn')).toEqual([
      { type: 'breach.withdrawn', caseId: 'test-case-1', rule: 'first-family-plan-meeting', deadlineId: 'first-family-plan-meeting', at: '2024-04-09T09:00:00+01:00', reason: 'met-on-time' },
    ]);
  });

  it('an outcome dated before a review fell due cancels it and withdraws the tick’s breach (no-longer-needed)', () => {
    // Initial meeting Wednesday 27 March 2024: the first review is due by day 56, Wednesday 22 May.
    const kit = closedToCsc()
      .on('2024-03-27')
      .send('familyPlanMeeting.held')
      .expectDeadline('family-plan-review:1', { due: '2024-05-22' })
      .on('2024-05-24')
      .expectBreach('family-plan-review', { count: 1 })
      .send('consent.withdrawn', {}, { dated: '2024-05-20' })
      .expectOutcome('consent-withdrawn')
      .expectDeadline('family-plan-review:1', { status: 'cancelled' })
      .expectNoBreaches();
    expect(kit.context.withdrawnBreaches).toMatchObject([{ rule: 'family-plan-review', deadlineId: 'family-plan-review:1', withdrawnBecause: 'no-longer-needed' }]);
    expect(getRule('family-plan-review').citation).toBe('G "Role of the Lead Professional" ¶2');
  });
});

describe('no silent no-op, and idempotent resends', () => {
  it('refuses a record that would change nothing (NO_EFFECT), pointing to event.voided', () => {
    const kit = startCase({ on: '2024-03-04' }).send('decision.agreed').send('views.recorded', { personId: 'child-1' });
    kit.expectRefused('views.recorded', { fields: { personId: 'child-1' }, code: 'NO_EFFECT' });
    const error = refusal(() => kit.send('person.updated', { personId: 'child-1', name: 'Robin Example' }));
    expect(error.code).toBe('NO_EFFECT');
    expect(error.message).toContain('void the mistaken event with event.voided');
    // A different view of the same person is a new record: the one recorded last is on file.
    kit.advanceDays(1).send('views.recorded', { personId: 'child-1', agrees: false, summary: 'Changed their mind.' });
    expect(kit.context.views['child-1']).toMatchObject({ agrees: false, at: '2024-03-05T09:00:00+00:00', firstAt: '2024-03-04T09:00:00+00:00' });
  });

  it('takes a resend of an event it holds (same eventId, same content) as unchanged; other content under that id is DUPLICATE_EVENT', () => {
    const kit = startCase({ on: '2024-03-04' }).send('decision.agreed', { eventId: 'host-1' });
    const before = kit.snapshot;
    kit.send('decision.agreed', { eventId: 'host-1' });
    expect(kit.snapshot).toBe(before);
    expect(kit.events.filter((e) => e.eventId === 'host-1')).toHaveLength(1);
    const error = refusal(() => kit.send('decision.agreed', { eventId: 'host-1', rationale: 'Another rationale.' }));
    expect(error.code).toBe('DUPLICATE_EVENT');
    expect(error.message).toContain('already holds event host-1 with other content');
  });
});
