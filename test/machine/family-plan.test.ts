import { describe, expect, it } from 'vitest';
import {
  StepDownError,
  definePolicy,
  getRule,
  parseEvent,
  type Actor,
  type Notification,
  type Policy,
  type RuleId,
} from '../../src/index.js';
import { sampleActionIds, sampleNames, samplePeople, sampleEvent } from '../events/samples.js';
import { CaseRun, closeToCsc, event, readyForFinalMeeting, freeTextChecks } from './harness.js';

// Free text the tests pass in: no refusal, view of the case or notification may repeat it.
const progress = 'Leo has attended four ELSA sessions with Mrs Patel; Sarah saw Citizens Advice on 4 November.';
const childVoice = 'Leo said the worry monster is smaller and he wants Nan at the next meeting.';
const stepUpReason = 'Leo told his teacher his father came back to 14 Elm Road last weekend.';
const withdrawalReason = 'Sarah does not want the school involved in her family any more.';
const closingSummary = 'All actions met: Leo’s anxiety has reduced and Sarah’s debts are managed.';
const contributors = [samplePeople.leadProfessional.name, 'Sarah Taylor', 'Nurse Bola Okoro, 0–19 Public Health Nursing'];
const freeText = [
  ...sampleNames,
  progress, childVoice, stepUpReason, withdrawalReason, closingSummary, ...contributors,
];
const { expectNoFreeText, expectRefusal } = freeTextChecks(freeText);


/** `at` moved by whole days of 24 hours, as UTC text (only to date the steps before the closure). */
function shift(at: string, days: number): string {
  return new Date(Date.parse(at) + days * 86_400_000).toISOString().replace('.000Z', 'Z');
}

/**
 * A CIN case taken to the referral closure at `closed`, as journeys.test.ts does: opened two weeks
 * before, the final meeting a week before setting the first family plan meeting a week after the
 * closure, and every closure step at `closed`.
 */
function closedToCsc(closed: string, policy?: Policy): CaseRun {
  const ready = readyForFinalMeeting('cin-outcome', { opened: shift(closed, -14), decision: shift(closed, -14), prep: shift(closed, -12) }, policy);
  return closeToCsc(ready, { meeting: shift(closed, -7), firstFp: shift(closed, 7).slice(0, 10), closed });
}

// The main case closes to CSC on Thursday 10 October 2024 at 14:00 BST. British Summer Time ends on
// Sunday 27 October, so the 28 days for the initial meeting end at midnight GMT on Thursday 7 November.
const closedAt = '2024-10-10T14:00:00+01:00';
const firstDue = '2024-11-07T23:59:59.999+00:00';
const twelveDue = '2025-10-10T23:59:59.999+01:00';
const underCaf = (policy?: Policy) => closedToCsc(closedAt, policy);
const lp = samplePeople.leadProfessional.personId;
/** The people the case names when it tells the family and the agencies: the parent/carer and both practitioners. */
const informed = ['sarah', 'helen-price', 'jo-patel'];

/**
 * Under the CAF with EHM's part done on time: authorised on Monday 14 October and the Lead
 * Professional contacted on Tuesday 15 October, well before the contact falls due with the initial
 * meeting (rule `clw-contacts-lead-professional`), so a test of the family plan sees only its own deadlines.
 */
const contacted = (run: CaseRun) =>
  run.send(event('ehm.authorised', '2024-10-14T10:00:00+01:00')).send(event('leadProfessional.contacted', '2024-10-15T10:00:00+01:00'));

type Status = 'met' | 'open';
const statuses = (s: Record<(typeof sampleActionIds)[number], Status>) => sampleActionIds.map((id) => ({ id, status: s[id] }));
const allOpen = statuses({ 'FP-1': 'open', 'FP-2': 'open', 'FP-3': 'open' });
const allMet = statuses({ 'FP-1': 'met', 'FP-2': 'met', 'FP-3': 'met' });

/** A family plan meeting with the tests' own free text; recorded on EHM and shared with the family unless overridden. */
function meeting(kind: 'initial' | 'review' | 'final', at: string, overrides: Partial<{ actions: { id: string; status: Status }[]; recordedOnEhm: boolean; copiesSharedWithFamily: boolean }> = {}) {
  return event('familyPlanMeeting.held', at, { kind, progress, childVoice, actions: kind === 'final' ? allMet : allOpen, ...overrides });
}

const ofType = <T extends Notification['type']>(run: CaseRun, type: T) =>
  run.notifications.filter((n): n is Extract<Notification, { type: T }> => n.type === type);

const citation = (rule: RuleId) => getRule(rule).citation;

/** The breach a deadline's miss records. */
const deadlineBreach = (rule: RuleId, deadlineId: string, due: string, detectedAt: string) => ({
  rule, citation: citation(rule), due, detectedAt, deadlineId,
});

describe('the initial family plan meeting within 28 days of closing to CSC (G "Initial Family Planning Meeting" ¶1)', () => {
  it('first-family-plan-meeting: closing to CSC on 10 October 2024 (BST) opens the deadline, due at the end of 7 November in GMT, and notifies deadline.opened', () => {
    const run = underCaf();
    expect(run.deadline('first-family-plan-meeting')).toEqual({
      id: 'first-family-plan-meeting',
      rule: 'first-family-plan-meeting',
      citation: 'G "Initial Family Planning Meeting" ¶1; G "Role of the Lead Professional" ¶2; G "Role of the CAF Link Worker" ¶3',
      opensAt: closedAt,
      due: firstDue,
      status: 'open',
      closedAt: null,
    });
    expect(ofType(run, 'deadline.opened')).toContainEqual({
      type: 'deadline.opened', caseId: 'case-1', rule: 'first-family-plan-meeting', deadlineId: 'first-family-plan-meeting', due: firstDue,
    });
    expect(run.view.pending).toContainEqual({
      step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'first-family-plan-meeting', detail: 'initial', personId: lp, due: firstDue,
    });
  });

  it('first-family-plan-meeting: 28 calendar days, not working days, in London: Christmas, Easter and the clock changes move neither the count nor the end of the day', () => {
    const table: [closed: string, due: string][] = [
      // Christmas Day and Boxing Day 2024 fall inside the 28 days and are counted.
      ['2024-12-02T11:00:00Z', '2024-12-30T23:59:59.999+00:00'],
      // BST starts on 30 March 2025; the 28th day is Good Friday, 18 April, and is not moved to a working day.
      ['2025-03-21T12:00:00Z', '2025-04-18T23:59:59.999+01:00'],
      // ...nor is Easter Monday, 21 April 2025.
      ['2025-03-24T12:00:00Z', '2025-04-21T23:59:59.999+01:00'],
      // BST ends on 26 October 2025.
      ['2025-10-02T16:00:00+01:00', '2025-10-30T23:59:59.999+00:00'],
      // 23:30Z on 9 October is 00:30 BST on 10 October: the London date counts.
      ['2024-10-09T23:30:00Z', firstDue],
    ];
    const found = table.map(([closed]) => [closed, closedToCsc(closed).deadline('first-family-plan-meeting').due]);
    expect(found).toEqual(table);
  });

  it('first-family-plan-meeting: held on the last day, up to the last minute of 7 November in GMT, the deadline is met and nothing is breached', () => {
    // 00:30 on 8 November at +01:00 is 23:30 on 7 November in London (GMT by then): instants are compared, not text.
    for (const at of ['2024-11-07T10:00:00Z', '2024-11-07T23:59:59Z', '2024-11-08T00:30:00+01:00']) {
      const run = underCaf().send(meeting('initial', at));
      expect(run.deadline('first-family-plan-meeting')).toMatchObject({ status: 'met', closedAt: at });
      expect(run.view.breaches).toEqual([]);
      expect(ofType(run, 'breach.recorded')).toEqual([]);
      expect(run.view.states).toEqual(['underCaf.ehm.qualityAssurance', 'underCaf.familyPlan.reviewing']);
    }
  });

  it('first-family-plan-meeting: held at midnight GMT starting 8 November it is met-late, and the breach is recorded at the meeting with its citation and notified once', () => {
    const late = '2024-11-08T00:00:00Z';
    const run = underCaf().send(meeting('initial', late));
    expect(run.deadline('first-family-plan-meeting')).toMatchObject({ status: 'met-late', closedAt: late });
    const breach = deadlineBreach('first-family-plan-meeting', 'first-family-plan-meeting', firstDue, late);
    expect(run.view.breaches).toEqual([breach]);
    expect(ofType(run, 'breach.recorded')).toEqual([{ type: 'breach.recorded', caseId: 'case-1', ...breach }]);
  });

  it('first-family-plan-meeting: a tick after the due instant marks it missed and records the breach once; later ticks and the late meeting add no second breach', () => {
    const run = contacted(underCaf()).tick('2024-11-07T23:59:59Z');
    expect(run.deadline('first-family-plan-meeting').status).toBe('open');
    expect(run.view.breaches).toEqual([]);
    run.tick('2024-11-08T00:00:00Z');
    expect(run.deadline('first-family-plan-meeting')).toMatchObject({ status: 'missed', closedAt: null });
    const breach = deadlineBreach('first-family-plan-meeting', 'first-family-plan-meeting', firstDue, '2024-11-08T00:00:00Z');
    expect(run.view.breaches).toEqual([breach]);
    run.tick('2024-11-15T09:00:00Z');
    // Missing the deadline never blocks: the Lead Professional still records the meeting, met-late.
    expect(run.view.pending).toContainEqual({
      step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'first-family-plan-meeting', detail: 'initial', personId: lp, due: firstDue,
    });
    run.send(meeting('initial', '2024-11-20T10:00:00Z'));
    expect(run.deadline('first-family-plan-meeting')).toMatchObject({ status: 'met-late', closedAt: '2024-11-20T10:00:00Z' });
    expect(run.view.breaches).toEqual([breach]);
    expect(ofType(run, 'breach.recorded')).toEqual([{ type: 'breach.recorded', caseId: 'case-1', ...breach }]);
    expect(ofType(run, 'breach.withdrawn')).toEqual([]);
  });

  it('first-family-plan-meeting: a meeting recorded after the tick but dated on time counts as met, and the breach is withdrawn with a breach.withdrawn notification', () => {
    const run = contacted(underCaf()).tick('2024-11-08T09:00:00Z');
    expect(run.breachesOf('first-family-plan-meeting')).toHaveLength(1);
    const held = '2024-11-06T10:00:00Z';
    run.send(meeting('initial', held));
    expect(run.deadline('first-family-plan-meeting')).toMatchObject({ status: 'met', closedAt: held });
    expect(run.view.breaches).toEqual([]);
    expect(ofType(run, 'breach.withdrawn')).toEqual([
      { type: 'breach.withdrawn', caseId: 'case-1', rule: 'first-family-plan-meeting', deadlineId: 'first-family-plan-meeting', at: held, reason: 'met-on-time' },
    ]);
  });

  it('first-family-plan-meeting: a meeting recorded weeks late but dated on time, with no tick between, is simply met', () => {
    const run = underCaf().send(meeting('initial', '2024-10-31T10:00:00Z'));
    expect(run.deadline('first-family-plan-meeting')).toMatchObject({ status: 'met', closedAt: '2024-10-31T10:00:00Z' });
    expect(run.view.breaches).toEqual([]);
  });

  it('first-family-plan-meeting: the initial meeting comes first: a review or final meeting before it is refused as out of sequence', () => {
    const run = underCaf();
    for (const kind of ['review', 'final'] as const) {
      const refusal = run.refuse(meeting(kind, '2024-10-24T10:00:00+01:00'));
      expectRefusal(refusal, 'GATE_BLOCKED', ['step-sequence']);
      expect(refusal.rules[0]!.reason).toBe('the initial family plan meeting must be recorded first.');
    }
  });

  it('first-family-plan-meeting: a meeting dated before the final meeting that set its date, or recorded by anyone but the Lead Professional, is refused', () => {
    const run = underCaf();
    // The final meeting was on Thursday 3 October at 13:00Z (14:00 BST), a week before the closure.
    const finalMeetingAt = run.snapshot.context.finalMeeting!.at;
    expect(finalMeetingAt).toBe('2024-10-03T13:00:00Z');
    const early = run.refuse(meeting('initial', '2024-10-03T12:59:00Z'));
    expectRefusal(early, 'GATE_BLOCKED', ['step-sequence']);
    expect(early.rules[0]!.reason).toContain(finalMeetingAt);
    for (const actor of [samplePeople.cafLinkWorker, samplePeople.socialWorker]) {
      const refusal = run.refuse({ ...meeting('initial', '2024-10-24T10:00:00+01:00'), actor });
      expectRefusal(refusal, 'NOT_ALLOWED', ['division-of-duties']);
      expect(refusal.rules[0]!.reason).toBe(`'familyPlanMeeting.held' is for lead-professional, not ${actor.role}.`);
    }
  });

  it('first-family-plan-meeting: a council’s override of 21 days (with 49-day reviews and 6 months) moves each deadline; the same meeting on 1 November is then late', () => {
    const policy = definePolicy({ timescales: { firstFamilyPlanMeetingDays: 21, reviewWindowEndDays: 49, cafMonths: 6 } });
    const run = underCaf(policy);
    expect(run.deadline('first-family-plan-meeting').due).toBe('2024-10-31T23:59:59.999+00:00');
    expect(run.deadline('caf-twelve-months:1').due).toBe('2025-04-10T23:59:59.999+01:00');
    run.send(meeting('initial', '2024-11-01T10:00:00Z'));
    expect(run.deadline('first-family-plan-meeting').status).toBe('met-late');
    expect(run.view.breaches).toEqual([
      deadlineBreach('first-family-plan-meeting', 'first-family-plan-meeting', '2024-10-31T23:59:59.999+00:00', '2024-11-01T10:00:00Z'),
    ]);
    // 49 days after Friday 1 November 2024 is Friday 20 December.
    expect(run.deadline('family-plan-review:1').due).toBe('2024-12-20T23:59:59.999+00:00');

    const byDefault = underCaf().send(meeting('initial', '2024-11-01T10:00:00Z'));
    expect(byDefault.deadline('first-family-plan-meeting').status).toBe('met');
    expect(byDefault.deadline('family-plan-review:1').due).toBe('2024-12-27T23:59:59.999+00:00');
    expect(byDefault.view.breaches).toEqual([]);
  });
});

describe('each meeting recorded on EHM and shared with the family (G "Initial Family Planning Meeting" ¶1, G "Role of the Lead Professional" ¶2)', () => {
  it('family-plan-meeting-record: a meeting recorded on EHM with copies shared with the family records no breach', () => {
    const run = underCaf()
      .send(meeting('initial', '2024-10-31T10:00:00Z'))
      .send(meeting('review', '2024-12-12T10:00:00Z'));
    expect(run.breachesOf('family-plan-meeting-record')).toEqual([]);
  });

  it('family-plan-meeting-record: an initial meeting not recorded on EHM is a breach, but never blocks: the meeting still meets its deadline', () => {
    const at = '2024-10-31T10:00:00Z';
    const run = underCaf().send(meeting('initial', at, { recordedOnEhm: false }));
    expect(run.deadline('first-family-plan-meeting').status).toBe('met');
    expect(run.view.states).toEqual(['underCaf.ehm.qualityAssurance', 'underCaf.familyPlan.reviewing']);
    const breach = {
      rule: 'family-plan-meeting-record',
      citation: 'G "Initial Family Planning Meeting" ¶1; G "Role of the Lead Professional" ¶2',
      due: null,
      detectedAt: at,
      deadlineId: null,
    };
    expect(run.view.breaches).toEqual([breach]);
    expect(ofType(run, 'breach.recorded')).toEqual([{ type: 'breach.recorded', caseId: 'case-1', ...breach }]);
  });

  it('family-plan-meeting-record: every meeting is held to it: a review without copies for the family and a final meeting with neither are each a breach, one per meeting', () => {
    const run = underCaf()
      .send(event('ehm.authorised', '2024-10-14T10:00:00+01:00'))
      .send(meeting('initial', '2024-10-31T10:00:00Z'))
      .send(meeting('review', '2024-12-12T10:00:00Z', { copiesSharedWithFamily: false }))
      .send(meeting('final', '2025-01-23T10:00:00Z', { recordedOnEhm: false, copiesSharedWithFamily: false }));
    expect(run.breachesOf('family-plan-meeting-record').map((b) => [b.detectedAt, b.due, b.deadlineId])).toEqual([
      ['2024-12-12T10:00:00Z', null, null],
      ['2025-01-23T10:00:00Z', null, null],
    ]);
    // The shortfall does not hold the CAF open.
    run.send(event('caf.closed', '2025-01-24T10:00:00Z', { summary: closingSummary }));
    expect(run.view.outcome).toBe('caf-closed');
    expect(run.breachesOf('family-plan-meeting-record')).toHaveLength(2);
  });

  it('family-plan-meeting-record: the progress and the child’s voice stay in the event: no view or notification repeats them', () => {
    const run = underCaf()
      .send(meeting('initial', '2024-10-31T10:00:00Z', { recordedOnEhm: false }))
      .send(meeting('review', '2024-12-12T10:00:00Z'));
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });
});

describe('review meetings every 6 to 8 weeks (G "Role of the Lead Professional" ¶2)', () => {
  // The initial meeting on Thursday 7 November 2024 (GMT). Day 56 is Thursday 2 January 2025: the
  // window runs over Christmas, Boxing Day and New Year’s Day, which are counted as calendar days.
  const initialAt = '2024-11-07T10:00:00Z';
  const reviewDue = '2025-01-02T23:59:59.999+00:00';
  const reviewing = () => contacted(underCaf()).send(meeting('initial', initialAt));

  it('family-plan-review: the initial meeting opens the first review, due by the end of day 56 after it, and the case waits for the Lead Professional’s review', () => {
    const run = reviewing();
    expect(run.deadline('family-plan-review:1')).toEqual({
      id: 'family-plan-review:1',
      rule: 'family-plan-review',
      citation: 'G "Role of the Lead Professional" ¶2',
      opensAt: initialAt,
      due: reviewDue,
      status: 'open',
      closedAt: null,
      // Day 42 after Thursday 7 November 2024.
      windowOpens: '2024-12-19',
    });
    expect(ofType(run, 'deadline.opened').at(-1)).toEqual({
      type: 'deadline.opened', caseId: 'case-1', rule: 'family-plan-review', deadlineId: 'family-plan-review:1', due: reviewDue,
    });
    expect(run.view.pending).toEqual([
      { step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'family-plan-review', detail: 'review', personId: lp, due: reviewDue },
    ]);
  });

  it('family-plan-review: a review in the window (day 50, 27 December) is met, and the next review counts 56 days from it', () => {
    const run = reviewing().send(meeting('review', '2024-12-27T10:00:00Z'));
    expect(run.deadline('family-plan-review:1')).toMatchObject({ status: 'met', closedAt: '2024-12-27T10:00:00Z' });
    expect(run.deadline('family-plan-review:2')).toMatchObject({
      opensAt: '2024-12-27T10:00:00Z', due: '2025-02-21T23:59:59.999+00:00', status: 'open',
    });
    expect(run.view.breaches).toEqual([]);
  });

  it('family-plan-review: held up to the last second of day 56 it is met; from midnight starting day 57 it is met-late with the breach recorded at the meeting', () => {
    const onTime = reviewing().send(meeting('review', '2025-01-02T23:59:59Z'));
    expect(onTime.deadline('family-plan-review:1').status).toBe('met');
    expect(onTime.view.breaches).toEqual([]);

    const late = reviewing().send(meeting('review', '2025-01-03T00:00:00Z'));
    expect(late.deadline('family-plan-review:1')).toMatchObject({ status: 'met-late', closedAt: '2025-01-03T00:00:00Z' });
    const breach = deadlineBreach('family-plan-review', 'family-plan-review:1', reviewDue, '2025-01-03T00:00:00Z');
    expect(late.view.breaches).toEqual([breach]);
    expect(ofType(late, 'breach.recorded')).toEqual([{ type: 'breach.recorded', caseId: 'case-1', ...breach }]);
    // The next window counts from the meeting actually held.
    expect(late.deadline('family-plan-review:2').due).toBe('2025-02-28T23:59:59.999+00:00');
  });

  it('family-plan-review: a tick after day 56 marks the review missed and records the breach once; the late review is met-late and opens the next one from its date', () => {
    const run = reviewing().tick('2025-01-03T00:00:00Z').tick('2025-01-06T09:00:00Z');
    expect(run.deadline('family-plan-review:1')).toMatchObject({ status: 'missed', closedAt: null });
    const breach = deadlineBreach('family-plan-review', 'family-plan-review:1', reviewDue, '2025-01-03T00:00:00Z');
    expect(run.view.breaches).toEqual([breach]);
    run.send(meeting('review', '2025-01-10T10:00:00Z'));
    expect(run.deadline('family-plan-review:1')).toMatchObject({ status: 'met-late', closedAt: '2025-01-10T10:00:00Z' });
    expect(run.view.breaches).toEqual([breach]);
    expect(ofType(run, 'breach.recorded')).toHaveLength(1);
    expect(run.deadline('family-plan-review:2').due).toBe('2025-03-07T23:59:59.999+00:00');
  });

  it('family-plan-review: a review recorded after the tick but dated on time is met and the breach withdrawn', () => {
    const run = reviewing().tick('2025-01-06T09:00:00Z').send(meeting('review', '2024-12-30T10:00:00Z'));
    expect(run.deadline('family-plan-review:1')).toMatchObject({ status: 'met', closedAt: '2024-12-30T10:00:00Z' });
    expect(run.view.breaches).toEqual([]);
    expect(ofType(run, 'breach.withdrawn')).toEqual([
      { type: 'breach.withdrawn', caseId: 'case-1', rule: 'family-plan-review', deadlineId: 'family-plan-review:1', at: '2024-12-30T10:00:00Z', reason: 'met-on-time' },
    ]);
  });

  it('family-plan-review: a review before day 42 (here day 21) is met, not a breach, and the next window counts from it (docs/decisions.md “Reviews held early”)', () => {
    const run = reviewing().send(meeting('review', '2024-11-28T10:00:00Z'));
    expect(run.deadline('family-plan-review:1')).toMatchObject({ status: 'met', closedAt: '2024-11-28T10:00:00Z' });
    expect(run.view.breaches).toEqual([]);
    expect(run.deadline('family-plan-review:2').due).toBe('2025-01-23T23:59:59.999+00:00');
  });

  it('family-plan-review: across the start of BST (30 March 2025) day 56 after 20 February ends at 23:59 BST on 17 April; 23:30Z that night is already 18 April', () => {
    const start = () => closedToCsc('2025-01-30T12:00:00Z').send(meeting('initial', '2025-02-20T10:00:00Z'));
    expect(start().deadline('family-plan-review:1').due).toBe('2025-04-17T23:59:59.999+01:00');
    const onTime = start().send(meeting('review', '2025-04-17T22:30:00Z'));
    expect(onTime.deadline('family-plan-review:1').status).toBe('met');
    // 18 April is Good Friday: a review that day is late, and the next is due 56 days on, 13 June.
    const late = start().send(meeting('review', '2025-04-17T23:30:00Z'));
    expect(late.deadline('family-plan-review:1').status).toBe('met-late');
    expect(late.deadline('family-plan-review:2').due).toBe('2025-06-13T23:59:59.999+01:00');
  });

  it('family-plan-review: across the end of BST (27 October 2024) a review window opened in summer ends at midnight GMT', () => {
    const run = underCaf().send(meeting('initial', '2024-10-17T10:00:00+01:00'));
    expect(run.deadline('family-plan-review:1').due).toBe('2024-12-12T23:59:59.999+00:00');
  });

  it('family-plan-review: reviews follow each other: a review dated before the previous meeting, or a second initial meeting, is refused as out of sequence', () => {
    const run = reviewing().send(meeting('review', '2024-12-19T10:00:00Z'));
    const before = run.refuse(meeting('review', '2024-12-18T10:00:00Z'));
    expectRefusal(before, 'GATE_BLOCKED', ['step-sequence']);
    expect(before.rules[0]!.reason).toContain('2024-12-19T10:00:00Z');
    const again = run.refuse(meeting('initial', '2025-01-30T10:00:00Z'));
    expectRefusal(again, 'GATE_BLOCKED', ['step-sequence']);
    expect(again.rules[0]!.reason).toBe('the initial family plan meeting has already been recorded; use a review or final meeting.');
  });

  it('family-plan-review: the final meeting meets the open review and opens no further one', () => {
    const run = reviewing()
      .send(meeting('review', '2024-12-19T10:00:00Z'))
      .send(meeting('final', '2025-02-06T10:00:00Z'));
    expect(run.view.deadlines.filter((d) => d.rule === 'family-plan-review').map((d) => [d.id, d.status, d.closedAt])).toEqual([
      ['family-plan-review:1', 'met', '2024-12-19T10:00:00Z'],
      ['family-plan-review:2', 'met', '2025-02-06T10:00:00Z'],
    ]);
    expect(run.view.pending).toEqual([
      { step: 'caf.closed', role: 'lead-professional', rule: 'caf-closure-all-actions-met', personId: lp },
    ]);
  });

  it('family-plan-review: a council’s override of the window’s end to 49 days moves every review deadline', () => {
    const policy = definePolicy({ timescales: { reviewWindowEndDays: 49 } });
    const run = underCaf(policy).send(meeting('initial', initialAt));
    expect(run.deadline('family-plan-review:1').due).toBe('2024-12-26T23:59:59.999+00:00');
    run.send(meeting('review', '2024-12-27T10:00:00Z'));
    expect(run.deadline('family-plan-review:1').status).toBe('met-late');
    expect(run.deadline('family-plan-review:2').due).toBe('2025-02-14T23:59:59.999+00:00');
  });
});

describe('the CAF closes only when every action is met (G "Role of the Lead Professional" ¶3)', () => {
  const authorisedReviewing = () =>
    underCaf()
      .send(event('ehm.authorised', '2024-10-14T10:00:00+01:00'))
      .send(meeting('initial', '2024-10-31T10:00:00Z'));

  it('caf-closure-all-actions-met: a final meeting with actions still open is refused, naming the open action ids', () => {
    const run = authorisedReviewing();
    const refusal = run.refuse(meeting('final', '2024-12-12T10:00:00Z', { actions: statuses({ 'FP-1': 'open', 'FP-2': 'met', 'FP-3': 'open' }) }));
    expectRefusal(refusal, 'GATE_BLOCKED', ['caf-closure-all-actions-met']);
    expect(refusal.rules[0]).toEqual({
      rule: 'caf-closure-all-actions-met',
      citation: 'G "Role of the Lead Professional" ¶3',
      reason: 'family plan action(s) not met: FP-1, FP-3.',
    });
    // Held as a review instead, the meeting is recorded and the plan goes on.
    run.send(meeting('review', '2024-12-12T10:00:00Z', { actions: statuses({ 'FP-1': 'open', 'FP-2': 'met', 'FP-3': 'open' }) }));
    expect(run.view.states).toEqual(['underCaf.ehm.transferred', 'underCaf.familyPlan.reviewing']);
  });

  it('caf-closure-all-actions-met: an action of the plan that no meeting has reported met is still open: a final meeting reporting only two of three is refused', () => {
    const run = authorisedReviewing();
    const refusal = run.refuse(meeting('final', '2024-12-12T10:00:00Z', { actions: [{ id: 'FP-1', status: 'met' }, { id: 'FP-2', status: 'met' }] }));
    expectRefusal(refusal, 'GATE_BLOCKED', ['caf-closure-all-actions-met']);
    expect(refusal.rules[0]!.reason).toBe('family plan action(s) not met: FP-3.');
  });

  it('caf-closure-all-actions-met: the latest status counts: actions met at earlier reviews stay met, and one reported open again is open', () => {
    const run = authorisedReviewing()
      .send(meeting('review', '2024-12-12T10:00:00Z', { actions: statuses({ 'FP-1': 'met', 'FP-2': 'met', 'FP-3': 'open' }) }))
      .send(meeting('review', '2025-01-23T10:00:00Z', { actions: [{ id: 'FP-1', status: 'open' }] }));
    const refusal = run.refuse(meeting('final', '2025-03-06T10:00:00Z', { actions: [{ id: 'FP-3', status: 'met' }] }));
    expect(refusal.rules[0]!.reason).toBe('family plan action(s) not met: FP-1.');
    run.send(meeting('final', '2025-03-06T10:00:00Z', { actions: [{ id: 'FP-1', status: 'met' }, { id: 'FP-3', status: 'met' }] }));
    expect(run.view.states).toEqual(['underCaf.ehm.transferred', 'underCaf.familyPlan.finalMeetingHeld']);
    expect(run.snapshot.context.familyPlan.actions).toEqual({ 'FP-1': 'met', 'FP-2': 'met', 'FP-3': 'met' });
  });

  it('caf-closure-all-actions-met: caf.closed without a final family plan meeting is refused, even with every action met at a review', () => {
    const run = authorisedReviewing().send(meeting('review', '2024-12-12T10:00:00Z', { actions: allMet }));
    const refusal = run.refuse(event('caf.closed', '2024-12-13T10:00:00Z', { summary: closingSummary }));
    expectRefusal(refusal, 'GATE_BLOCKED', ['caf-closure-all-actions-met']);
    expect(refusal.rules[0]!.reason).toBe('no final family plan meeting is recorded.');
  });

  it('caf-closure-all-actions-met: the CAF is closed by the Lead Professional, dated no earlier than the final meeting; no meeting follows the final one', () => {
    const run = authorisedReviewing().send(meeting('final', '2024-12-12T10:00:00Z'));
    const early = run.refuse(event('caf.closed', '2024-12-12T09:00:00Z', { summary: closingSummary }));
    expectRefusal(early, 'GATE_BLOCKED', ['step-sequence']);
    for (const actor of [samplePeople.cafLinkWorker, samplePeople.socialWorker]) {
      expectRefusal(run.refuse({ ...event('caf.closed', '2024-12-13T10:00:00Z', { summary: closingSummary }), actor }), 'NOT_ALLOWED', ['division-of-duties']);
    }
    expectRefusal(run.refuse(meeting('review', '2024-12-19T10:00:00Z')), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
  });

  it('caf-closure-all-actions-met: the whole path from opening to caf-closed: every deadline met, outcome.reached and parties.toInform, nothing pending, no free text', () => {
    const run = underCaf();
    const start = run.notifications.length;
    run
      .send(event('ehm.authorised', '2024-10-14T10:00:00+01:00'))
      .send(event('leadProfessional.contacted', '2024-10-15T10:00:00+01:00'))
      .send(meeting('initial', '2024-10-31T10:00:00Z'))
      .send(meeting('review', '2024-12-12T10:00:00Z', { actions: statuses({ 'FP-1': 'met', 'FP-2': 'met', 'FP-3': 'open' }) }))
      .send(meeting('final', '2025-01-23T10:00:00Z', { actions: [{ id: 'FP-3', status: 'met' }] }))
      .send(event('caf.closed', '2025-01-24T10:00:00Z', { summary: closingSummary }));
    expect(run.view).toMatchObject({ stage: 'closed', outcome: 'caf-closed', states: ['caf-closed'], breaches: [], pending: [] });
    expect(run.view.deadlines.map((d) => [d.id, d.status, d.closedAt])).toEqual([
      ['first-meeting-date', 'met', '2024-10-03T13:00:00Z'],
      ['first-family-plan-meeting', 'met', '2024-10-31T10:00:00Z'],
      ['clw-contacts-lead-professional', 'met', '2024-10-15T10:00:00+01:00'],
      ['caf-twelve-months:1', 'met', '2025-01-24T10:00:00Z'],
      ['family-plan-review:1', 'met', '2024-12-12T10:00:00Z'],
      ['family-plan-review:2', 'met', '2025-01-23T10:00:00Z'],
    ]);
    expect(run.notifications.slice(start)).toEqual([
      { type: 'leadProfessional.toContact', caseId: 'case-1', at: '2024-10-14T10:00:00+01:00' },
      { type: 'deadline.opened', caseId: 'case-1', rule: 'family-plan-review', deadlineId: 'family-plan-review:1', due: '2024-12-26T23:59:59.999+00:00' },
      { type: 'deadline.opened', caseId: 'case-1', rule: 'family-plan-review', deadlineId: 'family-plan-review:2', due: '2025-02-06T23:59:59.999+00:00' },
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'caf-closed', at: '2025-01-24T10:00:00Z' },
      // Under the CAF the family and the agencies are told, by id; the case is no longer the Social Worker's.
      { type: 'parties.toInform', caseId: 'case-1', reason: 'caf-closed', personIds: informed, roles: [], at: '2025-01-24T10:00:00Z' },
    ]);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
    const after = run.refuse(event('stepUp.referred', '2025-02-01T10:00:00Z', { reason: stepUpReason }));
    expect(after).toEqual({
      code: 'EVENT_NOT_ACCEPTED',
      message: "Case case-1 has ended with outcome 'caf-closed'; it takes no further events.",
      rules: [],
    });
  });
});

describe('twelve months, and again after each reassessment (G "Role of the Lead Professional" ¶4)', () => {
  it('caf-twelve-months: the clock starts when the case closes to CSC and ends at the end of the same date 12 months on, London time', () => {
    const table: [closed: string, due: string][] = [
      [closedAt, twelveDue],
      // A leap day: 12 months after 29 February 2024 is 28 February 2025.
      ['2024-02-29T12:00:00Z', '2025-02-28T23:59:59.999+00:00'],
      // Closed in GMT on Thursday 27 March 2025, due in GMT on 27 March 2026 (BST starts 29 March 2026).
      ['2025-03-27T12:00:00Z', '2026-03-27T23:59:59.999+00:00'],
      // Closed on Christmas Eve 2024: due Christmas Eve 2025, not moved by the bank holidays after it.
      ['2024-12-24T11:00:00Z', '2025-12-24T23:59:59.999+00:00'],
      // 23:30Z on 9 October 2024 is 10 October in London.
      ['2024-10-09T23:30:00Z', twelveDue],
    ];
    expect(table.map(([closed]) => [closed, closedToCsc(closed).deadline('caf-twelve-months:1').due])).toEqual(table);
    expect(underCaf().deadline('caf-twelve-months:1')).toEqual({
      id: 'caf-twelve-months:1',
      rule: 'caf-twelve-months',
      citation: 'G "Role of the Lead Professional" ¶4',
      opensAt: closedAt,
      due: twelveDue,
      status: 'open',
      closedAt: null,
    });
  });

  it('caf-twelve-months: a reassessment within the 12 months meets the clock and starts it again from its own date, and again after the next one', () => {
    const run = underCaf()
      .send(meeting('initial', '2024-10-31T10:00:00Z'))
      .send(event('reassessment.completed', '2025-09-30T10:00:00+01:00', { contributors }));
    expect(run.deadline('caf-twelve-months:1')).toMatchObject({ status: 'met', closedAt: '2025-09-30T10:00:00+01:00' });
    expect(run.deadline('caf-twelve-months:2')).toMatchObject({
      opensAt: '2025-09-30T10:00:00+01:00', due: '2026-09-30T23:59:59.999+01:00', status: 'open', closedAt: null,
    });
    run.send(event('reassessment.completed', '2026-09-15T10:00:00+01:00', { contributors }));
    expect(run.deadline('caf-twelve-months:2')).toMatchObject({ status: 'met', closedAt: '2026-09-15T10:00:00+01:00' });
    expect(run.deadline('caf-twelve-months:3')).toMatchObject({ due: '2027-09-15T23:59:59.999+01:00', status: 'open' });
    expect(ofType(run, 'deadline.opened').filter((n) => n.rule === 'caf-twelve-months').map((n) => [n.deadlineId, n.due])).toEqual([
      ['caf-twelve-months:1', twelveDue],
      ['caf-twelve-months:2', '2026-09-30T23:59:59.999+01:00'],
      ['caf-twelve-months:3', '2027-09-15T23:59:59.999+01:00'],
    ]);
    expect(run.breachesOf('caf-twelve-months')).toEqual([]);
  });

  it('caf-twelve-months: a tick after the 12 months marks the clock missed, records the breach once and asks for the reassessment; the late reassessment restarts it', () => {
    // The CAF has been running: the initial meeting and reviews every 8 weeks, the last on 11 September 2025.
    const run = underCaf().send(meeting('initial', '2024-10-31T10:00:00Z'));
    for (const at of ['2024-12-19T10:00:00Z', '2025-02-13T10:00:00Z', '2025-04-10T10:00:00+01:00', '2025-06-05T10:00:00+01:00', '2025-07-31T10:00:00+01:00', '2025-09-11T10:00:00+01:00']) {
      run.send(meeting('review', at));
    }
    // 22:59:59Z on 10 October 2025 is 23:59:59 BST: still within the 12 months.
    run.tick('2025-10-10T22:59:59Z');
    expect(run.deadline('caf-twelve-months:1').status).toBe('open');
    run.tick('2025-10-10T23:00:00Z').tick('2025-10-13T09:00:00+01:00');
    expect(run.deadline('caf-twelve-months:1')).toMatchObject({ status: 'missed', closedAt: null });
    const breach = deadlineBreach('caf-twelve-months', 'caf-twelve-months:1', twelveDue, '2025-10-10T23:00:00Z');
    expect(run.breachesOf('caf-twelve-months')).toEqual([breach]);
    expect(run.view.pending).toContainEqual({
      step: 'reassessment.completed', role: 'lead-professional', rule: 'caf-twelve-months', personId: lp, due: twelveDue,
    });
    run.send(event('reassessment.completed', '2025-10-20T10:00:00+01:00', { contributors }));
    expect(run.deadline('caf-twelve-months:1')).toMatchObject({ status: 'met-late', closedAt: '2025-10-20T10:00:00+01:00' });
    expect(run.breachesOf('caf-twelve-months')).toEqual([breach]);
    expect(run.deadline('caf-twelve-months:2').due).toBe('2026-10-20T23:59:59.999+01:00');
    expect(run.view.pending).not.toContainEqual(expect.objectContaining({ step: 'reassessment.completed' }));
  });

  it('caf-twelve-months: a reassessment dated after the 12 months with no tick before it is met-late, the breach recorded at the reassessment', () => {
    const run = underCaf().send(event('reassessment.completed', '2025-10-11T00:30:00+01:00', { contributors }));
    expect(run.deadline('caf-twelve-months:1').status).toBe('met-late');
    expect(run.breachesOf('caf-twelve-months')).toEqual([
      deadlineBreach('caf-twelve-months', 'caf-twelve-months:1', twelveDue, '2025-10-11T00:30:00+01:00'),
    ]);
  });

  it('caf-twelve-months: a council’s override of 6 months starts each clock at 6 months, from the closure and from each reassessment', () => {
    const run = underCaf(definePolicy({ timescales: { cafMonths: 6 } }));
    expect(run.deadline('caf-twelve-months:1').due).toBe('2025-04-10T23:59:59.999+01:00');
    run.send(event('reassessment.completed', '2025-04-02T10:00:00+01:00', { contributors }));
    expect(run.deadline('caf-twelve-months:2').due).toBe('2025-10-02T23:59:59.999+01:00');
  });
});

describe('the reassessment (G "Role of the Lead Professional" ¶4)', () => {
  it('reassessment: the Lead Professional completes it with the team around the family; it is counted, and the contributors’ names stay in the event', () => {
    const run = underCaf()
      .send(meeting('initial', '2024-10-31T10:00:00Z'))
      .send(event('reassessment.completed', '2025-09-30T10:00:00+01:00', { contributors }));
    expect(run.snapshot.context.familyPlan.reassessments).toBe(1);
    expect(run.view.states).toEqual(['underCaf.ehm.qualityAssurance', 'underCaf.familyPlan.reviewing']);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('reassessment: a reassessment with no contributor is not a valid event: StepDownError INVALID_EVENT names the field, not the input', () => {
    let error: unknown;
    try {
      parseEvent({ ...sampleEvent('reassessment.completed', '2025-09-30T10:00:00+01:00'), contributors: [] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StepDownError);
    expect((error as StepDownError).code).toBe('INVALID_EVENT');
    expect((error as StepDownError).details?.['issues']).toEqual([{ path: 'contributors', code: 'too_small', message: 'needs at least 1 entry' }]);
  });

  it('reassessment: only the Lead Professional completes it, only under the CAF, and never dated before the case closed to CSC', () => {
    const run = underCaf();
    for (const actor of [samplePeople.cafLinkWorker, samplePeople.socialWorker, samplePeople.teamManager]) {
      const refusal = run.refuse({ ...event('reassessment.completed', '2025-09-30T10:00:00+01:00', { contributors }), actor });
      expectRefusal(refusal, 'NOT_ALLOWED', ['division-of-duties']);
      expect(refusal.rules[0]!.reason).toBe(`'reassessment.completed' is for lead-professional, not ${actor.role}.`);
    }
    expectRefusal(run.refuse(event('reassessment.completed', '2024-10-09T10:00:00+01:00', { contributors })), 'GATE_BLOCKED', ['step-sequence']);
    const withCsc = readyForFinalMeeting('cin-outcome', { opened: '2024-09-16T09:00:00+01:00', decision: '2024-09-16T10:00:00+01:00', prep: '2024-09-18T10:00:00+01:00' });
    expectRefusal(withCsc.refuse(event('reassessment.completed', '2024-09-19T10:00:00+01:00', { contributors })), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
  });
});

describe('step up to CSC at any time under the CAF (G "Step down standards/Role and Responsibilities" ¶1)', () => {
  const stepUp = (at: string, actor: Actor = samplePeople.leadProfessionalActor) => event('stepUp.referred', at, { reason: stepUpReason, actor });

  it('step-up: the whole path from opening to stepped-up: the open deadlines are cancelled, outcome.reached is notified, nothing is pending and the reason is never repeated', () => {
    const run = underCaf();
    const start = run.notifications.length;
    run
      .send(event('ehm.authorised', '2024-10-14T10:00:00+01:00'))
      .send(event('leadProfessional.contacted', '2024-10-15T10:00:00+01:00'))
      .send(meeting('initial', '2024-10-31T10:00:00Z'))
      .send(stepUp('2024-11-20T10:00:00Z'));
    expect(run.view).toMatchObject({ stage: 'closed', outcome: 'stepped-up', states: ['stepped-up'], breaches: [], pending: [] });
    expect(run.view.deadlines.map((d) => [d.id, d.status, d.closedAt])).toEqual([
      ['first-meeting-date', 'met', '2024-10-03T13:00:00Z'],
      ['first-family-plan-meeting', 'met', '2024-10-31T10:00:00Z'],
      ['clw-contacts-lead-professional', 'met', '2024-10-15T10:00:00+01:00'],
      ['caf-twelve-months:1', 'cancelled', '2024-11-20T10:00:00Z'],
      ['family-plan-review:1', 'cancelled', '2024-11-20T10:00:00Z'],
    ]);
    expect(run.notifications.slice(start)).toEqual([
      { type: 'leadProfessional.toContact', caseId: 'case-1', at: '2024-10-14T10:00:00+01:00' },
      { type: 'deadline.opened', caseId: 'case-1', rule: 'family-plan-review', deadlineId: 'family-plan-review:1', due: '2024-12-26T23:59:59.999+00:00' },
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'stepped-up', at: '2024-11-20T10:00:00Z' },
      { type: 'parties.toInform', caseId: 'case-1', reason: 'stepped-up', personIds: informed, roles: [], at: '2024-11-20T10:00:00Z' },
    ]);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
    expect(run.refuse(meeting('review', '2024-12-12T10:00:00Z')).message).toBe(
      "Case case-1 has ended with outcome 'stepped-up'; it takes no further events.",
    );
  });

  it('step-up: at any time under the CAF: during EHM quality assurance, before the initial meeting, between reviews and after the final meeting', () => {
    const stages: [string, () => CaseRun][] = [
      ['awaiting information', () => underCaf().send(event('ehm.infoRequested', '2024-10-11T10:00:00+01:00'))],
      ['before the initial meeting', () => underCaf()],
      ['between reviews', () => underCaf().send(meeting('initial', '2024-10-31T10:00:00Z'))],
      ['after the final meeting', () => underCaf().send(meeting('initial', '2024-10-31T10:00:00Z')).send(meeting('final', '2024-11-14T10:00:00Z'))],
    ];
    const found = stages.map(([name, run]) => [name, run().send(stepUp('2024-11-15T10:00:00Z')).view.outcome]);
    expect(found).toEqual(stages.map(([name]) => [name, 'stepped-up']));
  });

  it('step-up: the Lead Professional, the CAF Link Worker or the Team Manager may refer the case back; the clock may not', () => {
    for (const actor of [samplePeople.leadProfessionalActor, samplePeople.cafLinkWorker, samplePeople.teamManager]) {
      expect(underCaf().send(stepUp('2024-10-20T10:00:00+01:00', actor)).view.outcome).toBe('stepped-up');
    }
    const refusal = underCaf().refuse(stepUp('2024-10-20T10:00:00+01:00', samplePeople.clock));
    expectRefusal(refusal, 'NOT_ALLOWED', ['division-of-duties']);
  });

  it('step-up: an overdue deadline nobody ticked is missed when the case steps up, with its breach recorded at the step up', () => {
    const at = '2024-11-12T10:00:00Z';
    // Neither the initial meeting nor the CAF Link Worker's contact, both due on 7 November, happened.
    const run = underCaf().send(stepUp(at));
    expect(run.deadline('first-family-plan-meeting')).toMatchObject({ status: 'missed' });
    expect(run.deadline('clw-contacts-lead-professional')).toMatchObject({ status: 'missed' });
    const breaches = [
      deadlineBreach('first-family-plan-meeting', 'first-family-plan-meeting', firstDue, at),
      deadlineBreach('clw-contacts-lead-professional', 'clw-contacts-lead-professional', firstDue, at),
    ];
    expect(run.view.breaches).toEqual(breaches);
    expect(ofType(run, 'breach.recorded').slice(-2)).toEqual(breaches.map((b) => ({ type: 'breach.recorded', caseId: 'case-1', ...b })));
  });

  it('step-up: before the case closes to CSC there is nothing to step up from, and a step up dated before the closure is refused', () => {
    const withCsc = readyForFinalMeeting('cin-outcome', { opened: '2024-09-16T09:00:00+01:00', decision: '2024-09-16T10:00:00+01:00', prep: '2024-09-18T10:00:00+01:00' });
    expectRefusal(withCsc.refuse(stepUp('2024-09-19T10:00:00+01:00')), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    const refusal = underCaf().refuse(stepUp('2024-10-10T12:00:00Z'));
    expectRefusal(refusal, 'GATE_BLOCKED', ['step-sequence']);
    expect(refusal.rules[0]!.reason).toContain(closedAt);
  });
});

describe('consent withdrawn closes the CAF (G "Decision made to step down from CSC to CAF" ¶1, G "Role of the Social Worker" ¶3)', () => {
  const withdraw = (at: string, actor: Actor = samplePeople.leadProfessionalActor) =>
    event('consent.withdrawn', at, { personId: samplePeople.parent, reason: withdrawalReason, actor });

  it('consent-withdrawal: the whole path from opening to consent-withdrawn: the CAF closes at once, its deadlines are cancelled and outcome.reached is notified without the reason', () => {
    const run = underCaf();
    const start = run.notifications.length;
    run
      .send(event('ehm.authorised', '2024-10-14T10:00:00+01:00'))
      .send(event('leadProfessional.contacted', '2024-10-15T10:00:00+01:00'))
      .send(meeting('initial', '2024-10-31T10:00:00Z'))
      .send(meeting('review', '2024-12-12T10:00:00Z'))
      .send(withdraw('2025-01-08T16:00:00Z'));
    expect(run.view).toMatchObject({ stage: 'closed', outcome: 'consent-withdrawn', states: ['consent-withdrawn'], breaches: [], pending: [] });
    expect(run.view.deadlines.map((d) => [d.id, d.status, d.closedAt])).toEqual([
      ['first-meeting-date', 'met', '2024-10-03T13:00:00Z'],
      ['first-family-plan-meeting', 'met', '2024-10-31T10:00:00Z'],
      ['clw-contacts-lead-professional', 'met', '2024-10-15T10:00:00+01:00'],
      ['caf-twelve-months:1', 'cancelled', '2025-01-08T16:00:00Z'],
      ['family-plan-review:1', 'met', '2024-12-12T10:00:00Z'],
      ['family-plan-review:2', 'cancelled', '2025-01-08T16:00:00Z'],
    ]);
    expect(run.notifications.slice(start)).toEqual([
      { type: 'leadProfessional.toContact', caseId: 'case-1', at: '2024-10-14T10:00:00+01:00' },
      { type: 'deadline.opened', caseId: 'case-1', rule: 'family-plan-review', deadlineId: 'family-plan-review:1', due: '2024-12-26T23:59:59.999+00:00' },
      { type: 'deadline.opened', caseId: 'case-1', rule: 'family-plan-review', deadlineId: 'family-plan-review:2', due: '2025-02-06T23:59:59.999+00:00' },
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'consent-withdrawn', at: '2025-01-08T16:00:00Z' },
      { type: 'parties.toInform', caseId: 'case-1', reason: 'consent-withdrawn', personIds: informed, roles: [], at: '2025-01-08T16:00:00Z' },
    ]);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
    expect(run.refuse(event('caf.closed', '2025-01-09T10:00:00Z', { summary: closingSummary })).message).toBe(
      "Case case-1 has ended with outcome 'consent-withdrawn'; it takes no further events.",
    );
  });

  it('consent-withdrawal: the CAF is voluntary: consent may be withdrawn even before the initial meeting, while EHM quality assurance runs, with no action met', () => {
    const run = underCaf().send(withdraw('2024-10-11T10:00:00+01:00'));
    expect(run.view.outcome).toBe('consent-withdrawn');
    expect(run.view.deadlines.filter((d) => d.status === 'open')).toEqual([]);
  });

  it('consent-withdrawal: the Lead Professional, the CAF Link Worker or the Team Manager records it; a withdrawal dated before the closure to CSC is refused', () => {
    for (const actor of [samplePeople.leadProfessionalActor, samplePeople.cafLinkWorker, samplePeople.teamManager]) {
      expect(underCaf().send(withdraw('2024-10-20T10:00:00+01:00', actor)).view.outcome).toBe('consent-withdrawn');
    }
    expectRefusal(underCaf().refuse(withdraw('2024-10-20T10:00:00+01:00', samplePeople.clock)), 'NOT_ALLOWED', ['division-of-duties']);
    expectRefusal(underCaf().refuse(withdraw('2024-10-10T13:00:00+01:00')), 'GATE_BLOCKED', ['step-sequence']);
  });

  it('consent-withdrawal: before the case closes to CSC it is not a step (refused consent is a disagreement then), so the CAF cannot be withdrawn from', () => {
    const withCsc = readyForFinalMeeting('cin-outcome', { opened: '2024-09-16T09:00:00+01:00', decision: '2024-09-16T10:00:00+01:00', prep: '2024-09-18T10:00:00+01:00' });
    expectRefusal(withCsc.refuse(withdraw('2024-09-19T10:00:00+01:00')), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    expect(withCsc.view.outcome).toBeNull();
  });
});
