import { transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { gateChecks } from '../../src/machine/gates.js';
import {
  createStepDownMachine,
  definePolicy,
  explainRefusal,
  getRule,
  parseEvent,
  type Notification,
  type Policy,
  type Route,
  type StepDownEvent,
} from '../../src/index.js';
import { sampleNames, samplePeople } from '../events/samples.js';
import { CaseRun, event, readyForFinalMeeting, freeTextChecks } from './harness.js';

const FINAL = 'G "Final CIN/Step down to CAF meeting"';
const STEP_3 = 'F step 3 "Final Core Group/CIN meeting or multi agency meeting with family"';

// October 2024: British Summer Time until 02:00 on Sunday 27 October, GMT after it.
const october = { opened: '2024-10-01T09:00:00+01:00', decision: '2024-10-01T14:00:00+01:00', prep: '2024-10-03T11:00:00+01:00' };
const meetingAt = '2024-10-10T10:00:00+01:00';
const firstFp = '2024-10-31';
/** 28 days after Thursday 10 October 2024 is Thursday 7 November, in GMT: the day ends at 23:59:59.999+00:00. */
const lastDay = '2024-11-07';
const due = '2024-11-07T23:59:59.999+00:00';

// Free text the final meeting carries: a refusal, a view of the case or a notification must never repeat it.
const views = {
  child: 'Leo said the shouting has stopped and he wants to keep going to Mrs Patel’s lunch club.',
  parents: 'Sarah is relieved and worried about money; she wants help with bedtimes.',
  partners: 'School and the school nurse agree the CIN threshold is no longer met.',
};
const cafAssessment = {
  progress: 'Attendance rose from 71% to 96% and there have been no police call-outs since January.',
  remainingNeeds: 'Bedtime routine, anxiety about his father and rent arrears.',
  childVoice: 'Leo drew his worry monster and said it is smaller now.',
};
const freeText = [
  ...sampleNames,
  'Amira Khan',
  'Helen Price',
  'Oakfield',
  ...Object.values(views),
  ...Object.values(cafAssessment),
  'Weekly 1:1 emotional literacy sessions for Leo in school',
];
const { expectNoFreeText, expectRefusal, expectInvalidAt } = freeTextChecks(freeText);

const ready = (route: Route = 'cin-outcome', policy?: Policy) => readyForFinalMeeting(route, october, policy);
const meeting = (overrides: Partial<Omit<Extract<StepDownEvent, { type: 'finalMeeting.held' }>, 'type' | 'at'>> = {}, at = meetingAt) =>
  event('finalMeeting.held', at, { views, cafAssessment, firstFamilyPlanMeetingDate: firstFp, ...overrides });

const ofType = <T extends Notification['type']>(run: CaseRun, type: T) =>
  run.notifications.filter((n): n is Extract<Notification, { type: T }> => n.type === type);

describe('the kind of final meeting (F step 3)', () => {
  it('final-meeting-kind: the CIN and CP routes end in a final CIN or a core group meeting; a multi-agency meeting is GATE_BLOCKED', () => {
    for (const route of ['cin-outcome', 'cp-outcome'] as const) {
      const run = ready(route);
      const refusal = run.refuse(meeting({ kind: 'multi-agency' }));
      expectRefusal(refusal, 'GATE_BLOCKED', ['final-meeting-kind']);
      expect(refusal.rules[0]).toEqual({
        rule: 'final-meeting-kind',
        citation: getRule('final-meeting-kind').citation,
        reason: `the ${route} route ends in a final-cin or core-group meeting, not multi-agency.`,
      });
      expect(refusal.rules[0]!.citation).toBe(STEP_3);
      for (const kind of ['final-cin', 'core-group'] as const) {
        const held = ready(route).send(meeting({ kind }));
        expect(held.view.stage).toBe('closure');
        expect(held.snapshot.context.finalMeeting?.kind).toBe(kind);
      }
    }
  });

  it('final-meeting-kind: the 10-day-checkpoint route ends in a multi-agency meeting with the family; a final CIN or core group meeting is GATE_BLOCKED', () => {
    const run = ready('ten-day-checkpoint');
    for (const kind of ['final-cin', 'core-group'] as const) {
      const refusal = run.refuse(meeting({ kind }));
      expectRefusal(refusal, 'GATE_BLOCKED', ['final-meeting-kind']);
      expect(refusal.rules[0]!.reason).toBe(`the ten-day-checkpoint route ends in a multi-agency meeting, not ${kind}.`);
    }
    expect(run.view.stage).toBe('preparation');
    run.send(meeting({ kind: 'multi-agency' }));
    expect(run.snapshot.context.finalMeeting).toEqual({ at: meetingAt, kind: 'multi-agency', firstFamilyPlanMeetingDate: firstFp });
  });

  it('final-meeting-kind: a kind that is none of the three is not a valid event', () => {
    expectInvalidAt({ ...meeting(), kind: 'strategy-discussion' }, 'kind');
    expectInvalidAt({ ...meeting(), kind: undefined }, 'kind');
  });
});

describe('views gathered in the meeting (G "Final CIN/Step down to CAF meeting" ¶1)', () => {
  it('final-meeting-views: a meeting without the child’s, the parents’ or the partners’ views, or with one blank, is INVALID_EVENT naming the field', () => {
    const valid = meeting();
    expectInvalidAt({ ...valid, views: undefined }, 'views');
    for (const party of ['child', 'parents', 'partners'] as const) {
      expectInvalidAt({ ...valid, views: { ...views, [party]: undefined } }, `views.${party}`);
      expectInvalidAt({ ...valid, views: { ...views, [party]: '   ' } }, `views.${party}`);
    }
    // A party the schema does not know is a typo, not a fourth view.
    expectInvalidAt({ ...valid, views: { ...views, grandparent: 'Happy with the plan.' } }, 'views.grandparent');
  });

  it('final-meeting-views: with all three views the meeting is valid and the machine records it, keeping the views out of the case view and notifications', () => {
    const parsed = parseEvent(meeting());
    expect(parsed.type === 'finalMeeting.held' && parsed.views).toEqual(views);
    const run = ready().send(parsed);
    expect(run.view.stage).toBe('closure');
    expect(run.view.states).toEqual(['withChildrensSocialCare.closure.referral']);
    expect(run.snapshot.context.finalMeeting).toEqual({ at: meetingAt, kind: 'final-cin', firstFamilyPlanMeetingDate: firstFp });
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });
});

describe('the step-down CAF assessment completed in the meeting (G "Final CIN/Step down to CAF meeting" ¶2)', () => {
  it('caf-assessment-in-meeting: a meeting without its progress, remaining needs or child’s voice is INVALID_EVENT naming the field', () => {
    const valid = meeting();
    for (const field of ['progress', 'remainingNeeds', 'childVoice'] as const) {
      expectInvalidAt({ ...valid, cafAssessment: { ...cafAssessment, [field]: undefined } }, `cafAssessment.${field}`);
      expectInvalidAt({ ...valid, cafAssessment: { ...cafAssessment, [field]: ' \n ' } }, `cafAssessment.${field}`);
    }
  });

  it('destination-plan: a step down to CAF without the assessment is GATE_BLOCKED (a meeting for universal services has none, so the schema leaves it optional), naming the three the CAF needs', () => {
    const run = ready();
    const { cafAssessment: _omitted, ...withoutAssessment } = meeting();
    const refusal = run.refuse(withoutAssessment);
    expectRefusal(refusal, 'GATE_BLOCKED', ['destination-plan']);
    expect(refusal.rules[0]!.reason).toBe(
      'a step down to CAF completes the CAF assessment, agrees the family plan and sets the first family plan meeting date: give cafAssessment, familyPlan and firstFamilyPlanMeetingDate.',
    );
    run.send(meeting());
    expect(run.view.stage).toBe('closure');
  });

  it('caf-assessment-in-meeting: the child’s voice is trimmed, kept in the event and never repeated by the case; the meeting is recorded', () => {
    const parsed = parseEvent({ ...meeting(), cafAssessment: { ...cafAssessment, childVoice: `  ${cafAssessment.childVoice}  ` } });
    expect(parsed.type === 'finalMeeting.held' && parsed.cafAssessment?.childVoice).toBe(cafAssessment.childVoice);
    const run = ready().send(parsed);
    expect(run.view.pending).toEqual([{ step: 'eCaf.referralCompleted', role: 'social-worker', rule: 'ecaf-referral-complete' }]);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });
});

describe('a SMART family plan agreed by all (G "Final CIN/Step down to CAF meeting" ¶3, G "Role of the Social Worker" ¶5)', () => {
  // A CAF's meeting always carries its plan.
  const plan = meeting().familyPlan!;

  it('smart-family-plan: a plan not SMART, or not agreed by the family or by the partners, is blocked by the gate and the case stays in preparation', () => {
    const run = ready();
    const machine = createStepDownMachine();
    for (const flag of ['smart', 'agreedByFamily', 'agreedByPartners'] as const) {
      // A host that skips parseEvent and drives the pure machine still cannot get such a plan past it.
      const unagreed = meeting({ familyPlan: { ...plan, [flag]: false } as unknown as typeof plan });
      expect(gateChecks['smart-family-plan'](run.snapshot.context, unagreed)).toBe(
        'the family plan must be SMART and agreed by the family and the partners.',
      );
      const [after] = transition(machine, run.snapshot, unagreed);
      expect(after.value).toEqual(run.snapshot.value);
      expect(after.context).toEqual(run.snapshot.context);
      // explainRefusal validates first: the host is told which field to fix, with the rule's citation in the catalogue.
      expectInvalidAt(unagreed, `familyPlan.${flag}`);
      expect(() => explainRefusal(run.snapshot, unagreed)).toThrow(/expected true/);
    }
    expect(getRule('smart-family-plan').citation).toBe(`${FINAL} ¶3; G "Role of the Social Worker" ¶5; ${STEP_3}`);
    expect(run.view.stage).toBe('preparation');
    run.send(meeting());
    expect(run.snapshot.context.familyPlan.actions).toEqual({ 'FP-1': 'open', 'FP-2': 'open', 'FP-3': 'open' });
  });

  it('smart-family-plan: the schema refuses false flags, a plan with no action, an action with no owner or no date, and two actions with one id', () => {
    for (const flag of ['smart', 'agreedByFamily', 'agreedByPartners'] as const) {
      expectInvalidAt({ ...meeting(), familyPlan: { ...plan, [flag]: false } }, `familyPlan.${flag}`);
    }
    expectInvalidAt({ ...meeting(), familyPlan: { ...plan, actions: [] } }, 'familyPlan.actions');
    const [first, second] = plan.actions;
    expectInvalidAt({ ...meeting(), familyPlan: { ...plan, actions: [{ ...first!, owner: ' ' }] } }, 'familyPlan.actions.0.owner');
    expectInvalidAt({ ...meeting(), familyPlan: { ...plan, actions: [{ ...first!, by: undefined }] } }, 'familyPlan.actions.0.by');
    expectInvalidAt({ ...meeting(), familyPlan: { ...plan, actions: [{ ...first!, by: '2024-02-30' }] } }, 'familyPlan.actions.0.by');
    expectInvalidAt({ ...meeting(), familyPlan: { ...plan, actions: [first!, { ...second!, id: first!.id }] } }, 'familyPlan.actions.1.id');
  });
});

describe('the date of the first family plan meeting, within 4 weeks (G "Final CIN/Step down to CAF meeting" ¶3, F step 3)', () => {
  it('first-meeting-date: a meeting on Thursday 10 October 2024 may set the first family plan meeting up to Thursday 7 November, across the end of BST, and the deadline is met', () => {
    for (const date of [firstFp, lastDay]) {
      const run = ready().send(meeting({ firstFamilyPlanMeetingDate: date }));
      expect(run.deadline('first-meeting-date')).toEqual({
        id: 'first-meeting-date',
        rule: 'first-meeting-date',
        citation: `${FINAL} ¶3; ${STEP_3}`,
        opensAt: meetingAt,
        due,
        status: 'met',
        closedAt: meetingAt,
      });
      expect(run.view.breaches).toEqual([]);
      expect(ofType(run, 'breach.recorded')).toEqual([]);
    }
  });

  it('first-meeting-date: a date on Friday 8 November 2024, day 29, is accepted and recorded as a breach, never refused', () => {
    const run = ready();
    // CaseRun.send fails the test if the machine refuses the event.
    run.send(meeting({ firstFamilyPlanMeetingDate: '2024-11-08' }));
    expect(run.view.stage).toBe('closure');
    expect(run.snapshot.context.finalMeeting?.firstFamilyPlanMeetingDate).toBe('2024-11-08');
    expect(run.deadline('first-meeting-date')).toMatchObject({ due, status: 'missed', closedAt: meetingAt });
    const breach = {
      rule: 'first-meeting-date',
      citation: getRule('first-meeting-date').citation,
      due,
      detectedAt: meetingAt,
      deadlineId: 'first-meeting-date',
    };
    expect(run.view.breaches).toEqual([breach]);
    expect(ofType(run, 'breach.recorded')).toEqual([{ type: 'breach.recorded', caseId: 'case-1', ...breach }]);
    // The breach is recorded once: a tick long after does not find it again.
    run.tick('2024-11-20T09:00:00Z');
    expect(run.breachesOf('first-meeting-date')).toHaveLength(1);
    expect(ofType(run, 'breach.recorded')).toHaveLength(1);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('first-meeting-date: the 28 days count from the meeting’s London date: a meeting at 23:30Z on 10 October (00:30 BST on 11 October) may set Friday 8 November', () => {
    const lateNight = '2024-10-10T23:30:00Z';
    const run = ready().send(meeting({ firstFamilyPlanMeetingDate: '2024-11-08' }, lateNight));
    expect(run.deadline('first-meeting-date')).toMatchObject({ opensAt: lateNight, due: '2024-11-08T23:59:59.999+00:00', status: 'met' });
    expect(run.view.breaches).toEqual([]);
  });

  it('first-meeting-date: across the start of BST and Easter 2024 — from a meeting on Thursday 14 March (GMT) the last day is Thursday 11 April, ending at 23:59:59.999+01:00; Friday 12 April is a breach', () => {
    const march = { opened: '2024-03-04T09:00:00Z', decision: '2024-03-04T15:00:00Z', prep: '2024-03-07T10:00:00Z' };
    const held = (date: string) =>
      readyForFinalMeeting('cp-outcome', march).send(event('finalMeeting.held', '2024-03-14T10:00:00Z', { kind: 'core-group', firstFamilyPlanMeetingDate: date }));
    // Calendar days: Good Friday 29 March and Easter Monday 1 April do not extend the 28 days.
    expect(held('2024-04-11').deadline('first-meeting-date')).toMatchObject({ due: '2024-04-11T23:59:59.999+01:00', status: 'met' });
    const late = held('2024-04-12');
    expect(late.deadline('first-meeting-date')).toMatchObject({ due: '2024-04-11T23:59:59.999+01:00', status: 'missed' });
    expect(late.breachesOf('first-meeting-date')).toEqual([
      { rule: 'first-meeting-date', citation: getRule('first-meeting-date').citation, due: '2024-04-11T23:59:59.999+01:00', detectedAt: '2024-03-14T10:00:00Z', deadlineId: 'first-meeting-date' },
    ]);
  });

  it('first-meeting-date: a council’s shorter timescale (21 days) is honoured: Thursday 31 October is met, Friday 1 November is a breach', () => {
    const policy = definePolicy({ timescales: { firstMeetingDateDays: 21 } });
    const onTime = ready('cin-outcome', policy).send(meeting({ firstFamilyPlanMeetingDate: '2024-10-31' }));
    expect(onTime.deadline('first-meeting-date')).toMatchObject({ due: '2024-10-31T23:59:59.999+00:00', status: 'met' });
    const late = ready('cin-outcome', policy).send(meeting({ firstFamilyPlanMeetingDate: '2024-11-01' }));
    expect(late.deadline('first-meeting-date').status).toBe('missed');
    expect(late.breachesOf('first-meeting-date').map((b) => b.due)).toEqual(['2024-10-31T23:59:59.999+00:00']);
  });

  it('first-meeting-date: the date is a calendar day; a date-time or an impossible day is INVALID_EVENT, and a CAF meeting without one is GATE_BLOCKED by destination-plan', () => {
    const { firstFamilyPlanMeetingDate: _omitted, ...withoutDate } = meeting();
    expectRefusal(ready().refuse(withoutDate), 'GATE_BLOCKED', ['destination-plan']);
    expectInvalidAt({ ...meeting(), firstFamilyPlanMeetingDate: '2024-10-31T10:00:00+00:00' }, 'firstFamilyPlanMeetingDate');
    expectInvalidAt({ ...meeting(), firstFamilyPlanMeetingDate: '2024-11-31' }, 'firstFamilyPlanMeetingDate');
  });

  it('first-meeting-date: a first family plan meeting dated before the final meeting that arranges it is not “within 4 weeks” of it and is not met', () => {
    // 3 October is a week before the meeting of 10 October: it cannot have been arranged in that meeting.
    const run = ready().send(meeting({ firstFamilyPlanMeetingDate: '2024-10-03' }));
    // Like a date after day 28 it is recorded as a breach, never refused (rule kind: timescale).
    expect(run.view.stage).toBe('closure');
    expect(run.deadline('first-meeting-date')).toMatchObject({ due, status: 'missed', closedAt: meetingAt });
    expect(run.breachesOf('first-meeting-date')).toEqual([
      { rule: 'first-meeting-date', citation: `${FINAL} ¶3; ${STEP_3}`, due, detectedAt: meetingAt, deadlineId: 'first-meeting-date' },
    ]);
  });
});

describe('the Lead Professional attends (G "Role of the Lead Professional" ¶1)', () => {
  const lp = samplePeople.leadProfessional.personId;
  const attendees = meeting().attendees;
  const withoutLp = attendees.filter((id) => id !== lp);
  const breachAt = (at: string) => ({
    rule: 'lead-professional-attends',
    citation: 'G "Role of the Lead Professional" ¶1',
    due: null,
    detectedAt: at,
    deadlineId: null,
  });

  it('lead-professional-attends: the Lead Professional among the attendees by person id records no breach, wherever they are listed and whatever the free-text others say', () => {
    expect(attendees).toContain(lp);
    for (const list of [attendees, [lp], [...withoutLp, lp], [lp, samplePeople.child]]) {
      const run = ready().send(meeting({ attendees: list, otherAttendees: ['School nurse (0–19 service)'] }));
      expect(run.breachesOf('lead-professional-attends'), list.join(',')).toEqual([]);
      expect(run.view.breaches).toEqual([]);
    }
  });

  it('lead-professional-attends: role wording is not attendance: "Lead Professional (Oakfield Primary)" among the others records a breach when the Lead Professional’s id is absent, and no false breach when it is present', () => {
    const wording = ['Lead Professional (Oakfield Primary)', 'Jo Patel', 'LP'];
    const absent = ready().send(meeting({ attendees: withoutLp, otherAttendees: wording }));
    expect(absent.breachesOf('lead-professional-attends')).toEqual([breachAt(meetingAt)]);
    const present = ready().send(meeting({ attendees: [...withoutLp, lp], otherAttendees: ['Lead Professional (Oakfield Primary)'] }));
    expect(present.breachesOf('lead-professional-attends')).toEqual([]);
  });

  it('lead-professional-attends: no Lead Professional at the meeting records a breach, without a due date, and the meeting still stands', () => {
    expect(withoutLp).toHaveLength(attendees.length - 1);
    const run = ready().send(meeting({ attendees: withoutLp }));
    expect(run.view.stage).toBe('closure');
    expect(run.view.breaches).toEqual([breachAt(meetingAt)]);
    expect(ofType(run, 'breach.recorded')).toEqual([{ type: 'breach.recorded', caseId: 'case-1', ...breachAt(meetingAt) }]);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('lead-professional-attends: the Lead Professional is the one on file, recorded last: a practitioner who agreed earlier and attends is not them', () => {
    // The school nurse agrees to lead on 4 October, recorded after Jo Patel's agreement of 3 October:
    // the record recorded last is on file (issue 9: no "latest-dated wins" either way).
    const run = ready()
      .addPerson('olu-bankole', 'practitioner', october.prep)
      .send(event('leadProfessional.agreed', '2024-10-04T10:00:00+01:00', { personId: 'olu-bankole', contact: 'via 0–19 service' }));
    expect(run.snapshot.context.leadProfessional).toEqual({ personId: 'olu-bankole', agreedAt: '2024-10-04T10:00:00+01:00' });
    // Jo Patel gave her view by agreeing once; now that she is not the Lead Professional her view is asked for.
    run.send(event('views.recorded', '2024-10-04T11:00:00+01:00', { personId: lp }));
    const withJo = meeting({ attendees: [samplePeople.parent, samplePeople.partner, lp] });
    const breached = run.send(withJo);
    expect(breached.breachesOf('lead-professional-attends')).toEqual([breachAt(meetingAt)]);
  });

  it('lead-professional-attends: a late first meeting date and an absent Lead Professional are two breaches of two rules', () => {
    const run = ready().send(meeting({ attendees: withoutLp, firstFamilyPlanMeetingDate: '2024-11-15' }));
    expect(run.view.breaches.map((b) => [b.rule, b.deadlineId])).toEqual([
      ['first-meeting-date', 'first-meeting-date'],
      ['lead-professional-attends', null],
    ]);
  });

  it('people-on-record: an attendee who is not a person of the case is refused, naming the id and never a name; one whose involvement ended likewise', () => {
    const stranger = ready().refuse(meeting({ attendees: [...attendees, 'grandma-taylor'] }));
    expectRefusal(stranger, 'GATE_BLOCKED', ['people-on-record']);
    expect(stranger.rules[0]!.reason).toBe('not a person of this case: grandma-taylor; add them with person.added first.');
    const left = ready().send(event('involvement.ended', october.prep, { personId: samplePeople.partner }));
    const refusal = left.refuse(meeting());
    expectRefusal(refusal, 'GATE_BLOCKED', ['people-on-record']);
    expect(refusal.rules[0]!.reason).toBe('no longer involved: helen-price.');
    left.send(meeting({ attendees: withoutLp.filter((id) => id !== samplePeople.partner).concat(lp) }));
    expect(left.view.breaches).toEqual([]);
  });

  it('lead-professional-attends: a meeting with nobody listed, or attendees written as names and roles, is not a valid event', () => {
    expectInvalidAt({ ...meeting(), attendees: [] }, 'attendees');
    expectInvalidAt({ ...meeting(), attendees: [{ role: 'Lead Professional', name: 'Jo Patel' }] }, 'attendees.0');
    expectInvalidAt({ ...meeting(), attendees: ['Jo Patel'] }, 'attendees.0');
    expectInvalidAt({ ...meeting(), attendees: [lp, lp] }, 'attendees.1');
  });
});

describe("the outcome 'Step Down to CAF' before the referral (F step 4)", () => {
  it('step-down-outcome: the final meeting records the outcome and opens the closure stage, waiting for the e-CAF referral', () => {
    const run = ready().send(meeting());
    expect(run.view).toMatchObject({
      stage: 'closure',
      outcome: null,
      states: ['withChildrensSocialCare.closure.referral'],
      pending: [{ step: 'eCaf.referralCompleted', role: 'social-worker', rule: 'ecaf-referral-complete' }],
    });
    expect(run.notifications.at(-1)).toEqual({ type: 'stage.entered', caseId: 'case-1', stage: 'closure', at: meetingAt });
    expect(run.snapshot.context.lastStepAt).toBe(meetingAt);
  });

  it('step-down-outcome: no referral, transfer details or closure summary is accepted before the final meeting', () => {
    const run = ready();
    const day = '2024-10-11T10:00:00+01:00';
    for (const e of [
      event('eCaf.referralCompleted', day),
      event('transferDetails.completed', day),
      event('closureSummary.completed', day),
      event('csc.closed', day),
    ]) {
      const refusal = run.refuse(e);
      expectRefusal(refusal, 'EVENT_NOT_ACCEPTED', ['step-sequence']);
      expect(refusal.message).toContain(`'${e.type}' is not a step of the preparation stage`);
    }
  });

  it('step-down-outcome: the referral may not be dated before the meeting whose outcome it follows', () => {
    const run = ready().send(meeting());
    const form = { ...event('eCaf.referralCompleted', meetingAt).form, firstFamilyPlanMeetingDate: firstFp };
    const refusal = run.refuse(event('eCaf.referralCompleted', '2024-10-10T09:59:59+01:00', { form }));
    expectRefusal(refusal, 'GATE_BLOCKED', ['step-sequence']);
    expect(refusal.rules[0]!.reason).toContain(meetingAt);
    run.send(event('eCaf.referralCompleted', meetingAt, { form }));
    expect(run.view.states).toEqual(['withChildrensSocialCare.closure.transferDetails']);
  });

  it('step-down-outcome: the outcome is recorded once; a second final meeting is not a step of the closure stage', () => {
    const run = ready().send(meeting());
    expectRefusal(run.refuse(meeting({}, '2024-10-11T10:00:00+01:00')), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
  });
});
