import { describe, expect, it } from 'vitest';
import type { Notification, StepDownEvent } from '../../src/index.js';
import { sampleActionIds, sampleNames, samplePeople, sampleRecipients } from '../events/samples.js';
import { CaseRun, closeToCsc, event, freeTextChecks, readyForFinalMeeting } from './harness.js';

// Issue 9 "Dates that tell the truth": an event's date is checked against the facts it rests on, not
// the order of typing; a step recorded late but dated on time is met and keeps when it was recorded;
// a breach a tick recorded is withdrawn when a later record shows the step was on time or no longer
// needed on its due date.

const stepUpReason = 'Leo told his teacher his father came back to the house last weekend.';
const withdrawalReason = 'Sarah no longer wants the school involved.';
const returnReasons = ['The closure summary does not evidence Leo’s views on closure'];
const { expectNoFreeText, expectRefusal } = freeTextChecks([...sampleNames, stepUpReason, withdrawalReason, ...returnReasons]);

const allOpen = sampleActionIds.map((id) => ({ id, status: 'open' as const }));
const initial = (at: string, extra: Partial<StepDownEvent> = {}) =>
  ({ ...event('familyPlanMeeting.held', at, { kind: 'initial', actions: allOpen }), ...extra }) as StepDownEvent;
const review = (at: string) => event('familyPlanMeeting.held', at, { kind: 'review', actions: allOpen });

const ofType = <T extends Notification['type']>(run: CaseRun, type: T) =>
  run.notifications.filter((n): n is Extract<Notification, { type: T }> => n.type === type);

describe('an initial family plan meeting held on its agreed date while the CSC closure was delayed by a return', () => {
  // The final meeting on Thursday 3 October 2024 (BST) sets the initial family plan meeting for
  // Thursday 31 October. The Team Manager returns the step down on 9 October; the closure to CSC is
  // only completed on Monday 4 November (GMT: the clocks went back on Sunday 27 October). The initial
  // meeting was held on its agreed date, 31 October, and is typed in after the closure.
  const meetingAt = '2024-10-03T10:00:00+01:00';
  const firstFp = '2024-10-31';
  const heldAt = '2024-10-31T10:00:00Z';
  const closedAt = '2024-11-04T15:00:00Z';

  function delayedClosure(): CaseRun {
    const run = readyForFinalMeeting('cin-outcome', {
      opened: '2024-09-23T09:00:00+01:00',
      decision: '2024-09-23T11:00:00+01:00',
      prep: '2024-09-25T10:00:00+01:00',
    }).send(event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: firstFp }));
    const first = '2024-10-07T10:00:00+01:00';
    const form = { ...event('eCaf.referralCompleted', first).form, firstFamilyPlanMeetingDate: firstFp };
    return run
      .send(event('eCaf.referralCompleted', first, { form }))
      .send(event('transferDetails.completed', first))
      .send(event('closureSummary.completed', first))
      .send(event('fileReview.completed', '2024-10-08T10:00:00+01:00'))
      .send(event('stepDown.returned', '2024-10-09T10:00:00+01:00', { reasons: returnReasons }))
      .send(event('closureSummary.completed', '2024-10-28T10:00:00Z'))
      .send(event('fileReview.completed', '2024-10-30T10:00:00Z'))
      .send(event('stepDown.authorised', '2024-11-01T10:00:00Z'))
      .send(event('documents.shared', '2024-11-04T10:00:00Z', { recipients: [...sampleRecipients] }))
      .send(event('csc.closed', closedAt));
  }

  it('first-family-plan-meeting: the meeting dated 31 October, recorded after a closure dated 4 November, is accepted and meets the deadline; the first meeting date agreed at the final meeting is met too', () => {
    const run = delayedClosure();
    expect(run.snapshot.context.closure).toMatchObject({ returns: 1, closedAt });
    // 28 days from the closure on 4 November: Monday 2 December, GMT.
    expect(run.deadline('first-family-plan-meeting')).toMatchObject({ opensAt: closedAt, due: '2024-12-02T23:59:59.999+00:00', status: 'open' });
    run.send(initial(heldAt));
    expect(run.deadline('first-family-plan-meeting')).toMatchObject({ status: 'met', closedAt: heldAt });
    expect(run.deadline('first-meeting-date')).toMatchObject({ status: 'met' });
    expect(run.view.breaches).toEqual([]);
    // Reviews count from the meeting's true date: day 56 after 31 October is Thursday 26 December.
    expect(run.deadline('family-plan-review:1')).toMatchObject({
      opensAt: heldAt,
      windowOpens: '2024-12-12',
      due: '2024-12-26T23:59:59.999+00:00',
      status: 'open',
    });
    // The 12 months still run from the closure to CSC, as the policy says.
    expect(run.deadline('caf-twelve-months:1')).toMatchObject({ opensAt: closedAt, due: '2025-11-04T23:59:59.999+00:00' });
    expect(run.snapshot.context.familyPlan).toMatchObject({ meetings: 1, lastMeetingAt: heldAt });
    expectNoFreeText(run.view);
  });

  it('step-sequence: the initial meeting still rests on the final meeting that set it: dated the day before, it is refused; before the closure is recorded it is not yet a step', () => {
    const run = delayedClosure();
    const refusal = run.refuse(initial('2024-10-02T10:00:00+01:00'));
    expectRefusal(refusal, 'GATE_BLOCKED', ['step-sequence']);
    expect(refusal.rules[0]!.reason).toBe(
      `'familyPlanMeeting.held' is dated 2024-10-02T10:00:00+01:00, before the fact it rests on (${meetingAt}); check the date.`,
    );
    // Typed before the closure to CSC, the meeting is not a step of the closure stage: the host records the closure first.
    const beforeClosure = readyForFinalMeeting('cin-outcome', {
      opened: '2024-09-23T09:00:00+01:00',
      decision: '2024-09-23T11:00:00+01:00',
      prep: '2024-09-25T10:00:00+01:00',
    }).send(event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: firstFp }));
    expectRefusal(beforeClosure.refuse(initial(heldAt)), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
  });

  it('step-sequence: the csc.closed itself still rests on the authorisation and the sharing, whatever is typed after it', () => {
    const run = delayedClosure();
    expect(run.snapshot.context.lastStepAt).toBe(closedAt);
    run.send(initial(heldAt));
    // The latest date on file stays the closure's: the meeting typed after it is dated earlier.
    expect(run.snapshot.context.lastStepAt).toBe(closedAt);
  });
});

describe('a breach a tick recorded is withdrawn when an outcome dated before the due instant shows the step was no longer needed', () => {
  // Closed to CSC on Thursday 22 August 2024; the initial family plan meeting on Thursday 5 September.
  // The first review is due by day 56, Thursday 31 October 2024, which is GMT: the clocks went back
  // on Sunday 27 October, so the day ends at 23:59:59.999+00:00.
  const reviewDue = '2024-10-31T23:59:59.999+00:00';
  const tickAt = '2024-11-01T09:00:00Z';

  function reviewMissedByTick(): CaseRun {
    const ready = readyForFinalMeeting('cin-outcome', {
      opened: '2024-08-05T09:00:00+01:00',
      decision: '2024-08-05T11:00:00+01:00',
      prep: '2024-08-07T10:00:00+01:00',
    });
    // EHM's part is done on time (Tuesday 27 August, after the bank holiday), so the only deadline the tick misses is the review.
    const run = closeToCsc(ready, { meeting: '2024-08-15T10:00:00+01:00', firstFp: '2024-09-05', closed: '2024-08-22T15:00:00+01:00' })
      .send(event('ehm.authorised', '2024-08-27T10:00:00+01:00'))
      .send(event('leadProfessional.contacted', '2024-08-27T14:00:00+01:00'))
      .send(initial('2024-09-05T10:00:00+01:00'));
    expect(run.deadline('family-plan-review:1')).toMatchObject({ due: reviewDue, status: 'open' });
    expect(run.deadline('clw-contacts-lead-professional')).toMatchObject({ status: 'met' });
    run.tick(tickAt);
    expect(run.deadline('family-plan-review:1')).toMatchObject({ status: 'missed', closedAt: null });
    expect(run.breachesOf('family-plan-review')).toHaveLength(1);
    return run;
  }

  const noLongerNeeded = (at: string) => ({
    rule: 'family-plan-review',
    citation: 'G "Role of the Lead Professional" ¶2',
    due: reviewDue,
    detectedAt: tickAt,
    deadlineId: 'family-plan-review:1',
    withdrawnAt: at,
    withdrawnBecause: 'no-longer-needed',
  });

  it('family-plan-review: consent withdrawn on Monday 28 October, recorded after the tick, withdraws the breach as no longer needed and cancels the review', () => {
    const withdrawnAt = '2024-10-28T10:00:00Z';
    const run = reviewMissedByTick().send(
      event('consent.withdrawn', withdrawnAt, { personId: samplePeople.parent, reason: withdrawalReason }),
    );
    expect(run.view.outcome).toBe('consent-withdrawn');
    expect(run.deadline('family-plan-review:1')).toMatchObject({ status: 'cancelled', closedAt: withdrawnAt });
    expect(run.view.breaches).toEqual([]);
    expect(run.view.withdrawnBreaches).toEqual([expect.objectContaining(noLongerNeeded(withdrawnAt))]);
    expect(run.snapshot.context.withdrawnBreaches).toEqual(run.view.withdrawnBreaches);
    expect(ofType(run, 'breach.withdrawn')).toEqual([
      {
        type: 'breach.withdrawn',
        caseId: 'case-1',
        rule: 'family-plan-review',
        deadlineId: 'family-plan-review:1',
        at: withdrawnAt,
        reason: 'no-longer-needed',
      },
    ]);
    // The 12 months were not yet due: cancelled, no breach.
    expect(run.deadline('caf-twelve-months:1')).toMatchObject({ status: 'cancelled', closedAt: withdrawnAt });
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('family-plan-review: a step up on Tuesday 29 October, recorded after the tick, withdraws the breach the same way', () => {
    const steppedUpAt = '2024-10-29T16:30:00Z';
    const run = reviewMissedByTick().send(event('stepUp.referred', steppedUpAt, { reason: stepUpReason }));
    expect(run.view.outcome).toBe('stepped-up');
    expect(run.deadline('family-plan-review:1')).toMatchObject({ status: 'cancelled', closedAt: steppedUpAt });
    expect(run.view.breaches).toEqual([]);
    expect(run.view.withdrawnBreaches).toEqual([expect.objectContaining(noLongerNeeded(steppedUpAt))]);
    expect(ofType(run, 'breach.withdrawn').map((n) => n.reason)).toEqual(['no-longer-needed']);
  });

  it('family-plan-review: an outcome dated after the due instant leaves the breach: the review was needed and missed', () => {
    // 00:30 GMT on Friday 1 November: half an hour after the review fell due.
    const run = reviewMissedByTick().send(event('stepUp.referred', '2024-11-01T00:30:00Z', { reason: stepUpReason }));
    expect(run.deadline('family-plan-review:1')).toMatchObject({ status: 'missed' });
    expect(run.breachesOf('family-plan-review')).toEqual([
      { rule: 'family-plan-review', citation: 'G "Role of the Lead Professional" ¶2', due: reviewDue, detectedAt: tickAt, deadlineId: 'family-plan-review:1' },
    ]);
    expect(run.view.withdrawnBreaches).toEqual([]);
    expect(ofType(run, 'breach.withdrawn')).toEqual([]);
  });

  it('family-plan-review: a review dated on time but recorded after the tick withdraws the breach as met on time', () => {
    const run = reviewMissedByTick().send(review('2024-10-24T10:00:00+01:00'));
    expect(run.deadline('family-plan-review:1')).toMatchObject({ status: 'met', closedAt: '2024-10-24T10:00:00+01:00' });
    expect(run.view.breaches).toEqual([]);
    expect(run.view.withdrawnBreaches.map((b) => b.withdrawnBecause)).toEqual(['met-on-time']);
  });
});

describe('a step recorded late but dated on time counts as met, and keeps when it was recorded', () => {
  // Closed to CSC on Thursday 22 August 2024: the initial family plan meeting is due by the end of
  // Thursday 19 September (BST).
  const firstDue = '2024-09-19T23:59:59.999+01:00';
  const underCaf = () =>
    closeToCsc(
      readyForFinalMeeting('cin-outcome', {
        opened: '2024-08-05T09:00:00+01:00',
        decision: '2024-08-05T11:00:00+01:00',
        prep: '2024-08-07T10:00:00+01:00',
      }),
      // The final meeting on Tuesday 20 August may set the first meeting up to 17 September (day 28).
      { meeting: '2024-08-20T10:00:00+01:00', firstFp: '2024-09-17', closed: '2024-08-22T15:00:00+01:00' },
    );
  const heldAt = '2024-09-17T10:00:00+01:00';
  const recordedAt = '2024-09-23T09:15:00+01:00';

  it('first-family-plan-meeting: held on Tuesday 17 September, recorded on Monday 23 September after the due instant, with no tick between: met, recordedAt kept', () => {
    const run = underCaf();
    expect(run.deadline('first-family-plan-meeting').due).toBe(firstDue);
    run.send(initial(heldAt, { recordedAt } as Partial<StepDownEvent>));
    expect(run.deadline('first-family-plan-meeting')).toEqual({
      id: 'first-family-plan-meeting',
      rule: 'first-family-plan-meeting',
      citation: 'G "Initial Family Planning Meeting" ¶1; G "Role of the Lead Professional" ¶2; G "Role of the CAF Link Worker" ¶3',
      opensAt: '2024-08-22T15:00:00+01:00',
      due: firstDue,
      status: 'met',
      closedAt: heldAt,
      recordedAt,
    });
    expect(run.snapshot.context.deadlines.find((d) => d.id === 'first-family-plan-meeting')?.recordedAt).toBe(recordedAt);
    expect(run.view.breaches).toEqual([]);
    expect(ofType(run, 'breach.recorded')).toEqual([]);
  });

  it('first-family-plan-meeting: with a tick on Friday 20 September between, the breach it recorded is withdrawn as met on time, and recordedAt is kept', () => {
    const run = underCaf().tick('2024-09-20T07:00:00+01:00');
    expect(run.deadline('first-family-plan-meeting').status).toBe('missed');
    // The CAF Link Worker's contact fell due with the meeting and was missed by the same tick; it too
    // was made on time (Wednesday 28 August) and is recorded late, on 23 September.
    expect(run.deadline('clw-contacts-lead-professional')).toMatchObject({ status: 'missed', due: firstDue });
    const contactedAt = '2024-08-28T11:00:00+01:00';
    run
      .send(event('ehm.authorised', '2024-08-27T10:00:00+01:00'))
      .send({ ...event('leadProfessional.contacted', contactedAt), recordedAt } as StepDownEvent);
    expect(run.deadline('clw-contacts-lead-professional')).toMatchObject({ status: 'met', closedAt: contactedAt, recordedAt });
    run.send(initial(heldAt, { recordedAt } as Partial<StepDownEvent>));
    expect(run.deadline('first-family-plan-meeting')).toMatchObject({ status: 'met', closedAt: heldAt, recordedAt });
    expect(run.view.breaches).toEqual([]);
    expect(run.view.withdrawnBreaches).toEqual([
      {
        rule: 'clw-contacts-lead-professional',
        citation: 'G "Role of the CAF Link Worker" ¶3',
        due: firstDue,
        detectedAt: '2024-09-20T07:00:00+01:00',
        deadlineId: 'clw-contacts-lead-professional',
        withdrawnAt: contactedAt,
        withdrawnBecause: 'met-on-time',
      },
      {
        rule: 'first-family-plan-meeting',
        citation: 'G "Initial Family Planning Meeting" ¶1; G "Role of the Lead Professional" ¶2; G "Role of the CAF Link Worker" ¶3',
        due: firstDue,
        detectedAt: '2024-09-20T07:00:00+01:00',
        deadlineId: 'first-family-plan-meeting',
        withdrawnAt: heldAt,
        withdrawnBecause: 'met-on-time',
      },
    ]);
    expect(ofType(run, 'breach.withdrawn')).toEqual([
      { type: 'breach.withdrawn', caseId: 'case-1', rule: 'clw-contacts-lead-professional', deadlineId: 'clw-contacts-lead-professional', at: contactedAt, reason: 'met-on-time' },
      { type: 'breach.withdrawn', caseId: 'case-1', rule: 'first-family-plan-meeting', deadlineId: 'first-family-plan-meeting', at: heldAt, reason: 'met-on-time' },
    ]);
  });

  it('disagreement-resolution: raised Thursday 22 August 2024, due Friday 30 August across the summer bank holiday; resolved on the 30th and recorded on Monday 2 September, it is met with recordedAt kept', () => {
    const run = readyForFinalMeeting('cin-outcome', {
      opened: '2024-08-19T09:00:00+01:00',
      decision: '2024-08-19T11:00:00+01:00',
      prep: '2024-08-20T10:00:00+01:00',
    }).send(event('disagreement.raised', '2024-08-22T10:00:00+01:00', { disagreementId: 'D-school' }));
    // Fri 23, (Mon 26 August bank holiday), Tue 27, Wed 28, Thu 29, Fri 30 August.
    expect(run.deadline('disagreement-resolution:D-school').due).toBe('2024-08-30T23:59:59.999+01:00');
    const lateRecord = '2024-09-02T08:45:00+01:00';
    run.send({
      ...event('disagreement.resolved', '2024-08-30T16:00:00+01:00', { disagreementId: 'D-school', outcome: 'agreed' }),
      recordedAt: lateRecord,
    });
    expect(run.deadline('disagreement-resolution:D-school')).toMatchObject({
      status: 'met',
      closedAt: '2024-08-30T16:00:00+01:00',
      recordedAt: lateRecord,
    });
    expect(run.view.breaches).toEqual([]);
  });

  it('disagreement-resolution: a resolution dated after the due instant is met-late whatever its recordedAt says', () => {
    const run = readyForFinalMeeting('cin-outcome', {
      opened: '2024-08-19T09:00:00+01:00',
      decision: '2024-08-19T11:00:00+01:00',
      prep: '2024-08-20T10:00:00+01:00',
    }).send(event('disagreement.raised', '2024-08-22T10:00:00+01:00', { disagreementId: 'D-school' }));
    run.send({
      ...event('disagreement.resolved', '2024-09-02T10:00:00+01:00', { disagreementId: 'D-school', outcome: 'agreed' }),
      recordedAt: '2024-09-02T10:05:00+01:00',
    });
    expect(run.deadline('disagreement-resolution:D-school')).toMatchObject({ status: 'met-late' });
    expect(run.breachesOf('disagreement-resolution').map((b) => b.detectedAt)).toEqual(['2024-09-02T10:00:00+01:00']);
  });
});
