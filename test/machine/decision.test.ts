import { initialTransition } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  StepDownError,
  explainRefusal,
  stepDownMachine,
  type CaseInput,
  type EventType,
  type Refusal,
  type Role,
  type RuleId,
  type StepDownEvent,
} from '../../src/index.js';
import { emittedNotifications } from '../../src/machine/notifications.js';
import { sampleNames, samplePeople, sampleRecipients } from '../events/samples.js';
import { CaseRun, event, readyForFinalMeeting } from './harness.js';

// A CIN case in June 2024 (British Summer Time throughout).
const opened = '2024-06-03T09:00:00+01:00';
const decided = '2024-06-03T15:00:00+01:00';
const prep = '2024-06-05T10:00:00+01:00';
const meetingAt = '2024-06-12T10:00:00+01:00';
const firstFp = '2024-07-03';
const closureDay = '2024-06-17T11:00:00+01:00';

/** Free text the sample events carry: a refusal must never repeat it. */
const freeText = sampleNames;

/** The refusal names `rule` first, with a citation in the house form, and quotes none of the events' free text. */
function expectCited(refusal: Refusal, code: Refusal['code'], rule: RuleId) {
  expect(refusal.code).toBe(code);
  expect(refusal.rules[0]?.rule).toBe(rule);
  for (const r of refusal.rules) expect(r.citation).toMatch(/G "|F step/);
  for (const text of freeText) expect(JSON.stringify(refusal)).not.toContain(text);
}

const inDecision = () => new CaseRun('cin-outcome', opened).addFamily();
const inPreparation = () => inDecision().send(event('decision.agreed', decided));
const ready = () => readyForFinalMeeting('cin-outcome', { opened, decision: decided, prep });

/** The e-CAF referral whose section 11 gives the date agreed at the final meeting. */
function referral(at: string) {
  return event('eCaf.referralCompleted', at, { form: { ...event('eCaf.referralCompleted', at).form, firstFamilyPlanMeetingDate: firstFp } });
}

const afterFinalMeeting = () => ready().send(event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: firstFp }));
const inManagerReview = () =>
  afterFinalMeeting()
    .send(referral(closureDay))
    .send(event('transferDetails.completed', closureDay))
    .send(event('closureSummary.completed', closureDay))
    .send(event('fileReview.completed', closureDay));

describe('entering step down (F step 1)', () => {
  it('entry-route: each of the three routes opens in the decision stage, waiting for the Team Manager to agree decision.agreed', () => {
    for (const route of ['cin-outcome', 'cp-outcome', 'ten-day-checkpoint'] as const) {
      const run = new CaseRun(route, opened);
      expect(run.view).toEqual({
        caseId: 'case-1',
        route,
        // Issue 10: a case steps down to a CAF unless the decision says otherwise, and belongs to no family group unless opened in one.
        destination: 'caf',
        familyId: null,
        stage: 'decision',
        outcome: null,
        states: ['withChildrensSocialCare.decision'],
        deadlines: [],
        breaches: [],
        withdrawnBreaches: [],
        pending: [{ step: 'decision.agreed', role: 'team-manager', rule: 'threshold-decision' }],
      });
      expect(run.notifications).toEqual([{ type: 'stage.entered', caseId: 'case-1', stage: 'decision', at: opened }]);
    }
  });

  it('entry-route: a route that is none of the three, an opening time without an offset, or a blank case id is refused with StepDownError INVALID_INPUT naming the field', () => {
    const bad: { input: Record<string, unknown>; field: string }[] = [
      { input: { caseId: 'case-1', route: 'early-help-referral', openedAt: opened }, field: 'route' },
      { input: { caseId: 'case-1', route: 'cin-outcome', openedAt: '2024-06-03T09:00:00' }, field: 'openedAt' },
      { input: { caseId: 'case-1', route: 'cin-outcome', openedAt: '2024-06-03' }, field: 'openedAt' },
      { input: { caseId: '   ', route: 'cp-outcome', openedAt: opened }, field: 'caseId' },
    ];
    for (const { input, field } of bad) {
      // XState's pure initialTransition does not rethrow what the context factory throws: it returns
      // a snapshot in status 'error' carrying the StepDownError, and the case never opens.
      const [snapshot, actions] = initialTransition(stepDownMachine, input as unknown as CaseInput);
      expect(snapshot.status, JSON.stringify(input)).toBe('error');
      const error = snapshot.error as StepDownError;
      expect(error).toBeInstanceOf(StepDownError);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain(field);
      expect(error.details?.['issues']).toContainEqual(expect.objectContaining({ path: field }));
      expect(emittedNotifications(actions)).toEqual([]);
    }
  });

  it('entry-route: an opening time in UTC or with the summer offset is accepted and kept as given', () => {
    expect(new CaseRun('cp-outcome', '2024-12-02T09:00:00Z').snapshot.context.openedAt).toBe('2024-12-02T09:00:00Z');
    expect(new CaseRun('ten-day-checkpoint', opened).snapshot.context.openedAt).toBe(opened);
  });
});

describe('the threshold decision comes first (G "Role of the Social Worker" ¶1)', () => {
  it('threshold-decision: nothing else — views, consent, disagreements, the Lead Professional, the final meeting, closure — is accepted before decision.agreed', () => {
    const before: StepDownEvent[] = [
      event('views.recorded', prep, { personId: samplePeople.parent }),
      event('consent.given', prep),
      event('consent.refused', prep),
      event('disagreement.raised', prep),
      event('disagreement.resolved', prep),
      event('leadProfessional.agreed', prep),
      event('leadProfessional.notFound', prep),
      event('leadProfessional.challengeFailed', prep),
      event('leadProfessional.panelFailed', prep),
      event('noLeadProfessional.recorded', prep),
      event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: firstFp }),
      referral(closureDay),
      event('closureSummary.completed', closureDay),
      event('stepDown.authorised', closureDay),
      event('csc.closed', closureDay),
      event('familyPlanMeeting.held', closureDay),
      event('stepUp.referred', closureDay),
    ];
    const run = inDecision();
    for (const e of before) {
      const refusal = run.refuse(e);
      expectCited(refusal, 'EVENT_NOT_ACCEPTED', 'threshold-decision');
      expect(refusal.rules).toEqual([
        {
          rule: 'threshold-decision',
          citation: 'G "Role of the Social Worker" ¶1',
          reason: 'the case is waiting for: decision.agreed (team-manager).',
        },
      ]);
      expect(refusal.message).toContain(e.type);
    }
    expect(run.view.stage).toBe('decision');
    expect(run.notifications.map((n) => n.type)).toEqual(['stage.entered']);
  });

  it('threshold-decision: the people of the case may be recorded before the decision (rule people-on-record), and a case with none is told to add them', () => {
    const bare = new CaseRun('cin-outcome', opened).send(event('decision.agreed', decided));
    expect(bare.view.pending.slice(0, 2)).toEqual([
      { step: 'person.added', role: 'social-worker', rule: 'views-recorded', detail: 'child' },
      { step: 'person.added', role: 'social-worker', rule: 'views-recorded', detail: 'parent-carer' },
    ]);
    const refusal = bare.refuse(event('views.recorded', prep, { personId: samplePeople.child }));
    expectCited(refusal, 'GATE_BLOCKED', 'people-on-record');
    expect(refusal.rules[0]!.reason).toBe('not a person of this case: leo; add them with person.added first.');
    expect(inDecision().snapshot.context.people[samplePeople.child]).toMatchObject({ relationship: 'child', addedAt: opened, endedAt: null });
  });

  it('threshold-decision: once the Team Manager agrees the decision the case is in preparation and takes views, consent and the Lead Professional', () => {
    const run = inDecision().send(event('decision.agreed', decided));
    expect(run.view.stage).toBe('preparation');
    expect(run.snapshot.context.decisionAt).toBe(decided);
    expect(run.notifications).toContainEqual({ type: 'stage.entered', caseId: 'case-1', stage: 'preparation', at: decided });
    // Each person is asked for by id: the child, the parent/carer and both practitioners (the one
    // who will agree to lead gives their view by agreeing), and the only parent/carer's consent.
    expect(run.view.pending.map((p) => [p.step, p.role, p.detail ?? null])).toEqual([
      ['views.recorded', 'social-worker', 'leo'],
      ['views.recorded', 'social-worker', 'sarah'],
      ['views.recorded', 'social-worker', 'helen-price'],
      ['views.recorded', 'social-worker', 'jo-patel'],
      ['consent.given', 'social-worker', 'sarah'],
      ['leadProfessional.agreed', 'social-worker', null],
    ]);
    run
      .send(event('views.recorded', prep, { personId: samplePeople.child }))
      .send(event('consent.given', prep))
      .send(event('leadProfessional.agreed', prep));
  });

  it('threshold-decision: the decision is agreed once; a second decision.agreed is not a step of preparation', () => {
    const refusal = inPreparation().refuse(event('decision.agreed', prep));
    expectCited(refusal, 'EVENT_NOT_ACCEPTED', 'step-sequence');
  });
});

describe('who may do what (G "Step down standards/Role and Responsibilities" ¶1)', () => {
  /** Each row: a case where `type` is the next step, the wrong role that tries it, and the role the policy gives it to. */
  const table: { type: EventType; wrong: Role; allowed: string; at: string; run: () => CaseRun; send?: () => StepDownEvent }[] = [
    { type: 'decision.agreed', wrong: 'social-worker', allowed: 'team-manager', at: decided, run: inDecision },
    { type: 'decision.agreed', wrong: 'caf-link-worker', allowed: 'team-manager', at: decided, run: inDecision },
    { type: 'views.recorded', wrong: 'lead-professional', allowed: 'social-worker', at: prep, run: inPreparation },
    { type: 'consent.given', wrong: 'team-manager', allowed: 'social-worker', at: prep, run: inPreparation },
    { type: 'leadProfessional.notFound', wrong: 'caf-link-worker', allowed: 'social-worker', at: prep, run: inPreparation },
    { type: 'stepDown.withdrawn', wrong: 'social-worker', allowed: 'team-manager', at: prep, run: inPreparation },
    { type: 'finalMeeting.held', wrong: 'team-manager', allowed: 'social-worker', at: meetingAt, run: ready,
      send: () => event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: firstFp }) },
    { type: 'fileReview.completed', wrong: 'social-worker', allowed: 'team-manager', at: closureDay,
      run: () => afterFinalMeeting().send(referral(closureDay)).send(event('transferDetails.completed', closureDay)).send(event('closureSummary.completed', closureDay)) },
    { type: 'stepDown.authorised', wrong: 'social-worker', allowed: 'team-manager', at: closureDay, run: inManagerReview },
    { type: 'stepDown.returned', wrong: 'caf-link-worker', allowed: 'team-manager', at: closureDay, run: inManagerReview },
    { type: 'csc.closed', wrong: 'team-manager', allowed: 'social-worker', at: closureDay,
      run: () => inManagerReview().send(event('stepDown.authorised', closureDay)).send(event('documents.shared', closureDay, {
        recipients: [...sampleRecipients],
      })) },
    { type: 'clock.tick', wrong: 'team-manager', allowed: 'system', at: prep, run: inPreparation },
  ];

  it('division-of-duties: a step sent by a role the policy does not give it to is NOT_ALLOWED, citing the rule, and the same step from the right role is accepted', () => {
    for (const row of table) {
      const run = row.run();
      const right = row.send?.() ?? event(row.type, row.at);
      const wrong = { ...right, actor: { id: `someone-${row.wrong}`, role: row.wrong } } as StepDownEvent;
      const refusal = run.refuse(wrong);
      expectCited(refusal, 'NOT_ALLOWED', 'division-of-duties');
      expect(refusal.rules).toEqual([
        {
          rule: 'division-of-duties',
          citation: 'G "Step down standards/Role and Responsibilities" ¶1',
          reason: `'${row.type}' is for ${row.allowed}, not ${row.wrong}.`,
        },
      ]);
      run.send(right);
    }
  });

  it('division-of-duties: the wrong role is refused as NOT_ALLOWED even for a step the stage would not take', () => {
    // A Social Worker cannot authorise a step down at all: the role is checked before the stage.
    const refusal = inDecision().refuse(event('stepDown.authorised', decided, { actor: samplePeople.socialWorker }));
    expectCited(refusal, 'NOT_ALLOWED', 'division-of-duties');
  });

  it('division-of-duties: the Social Worker, the CAF Link Worker and the EH&SS Manager may each secure the Lead Professional, the Lead Professional may not appoint themselves', () => {
    for (const actor of [samplePeople.socialWorker, samplePeople.cafLinkWorker, samplePeople.earlyHelpManager]) {
      inPreparation().send(event('leadProfessional.agreed', prep, { actor }));
    }
    const refusal = inPreparation().refuse(event('leadProfessional.agreed', prep, { actor: samplePeople.leadProfessionalActor }));
    expectCited(refusal, 'NOT_ALLOWED', 'division-of-duties');
  });
});

describe('steps in order and in time (F steps 3–8)', () => {
  it('step-sequence: nothing may be dated before the case opened: a decision or a tick at 08:30 BST on the day a case opened at 09:00 BST is refused', () => {
    const run = inDecision();
    for (const e of [event('decision.agreed', '2024-06-03T08:30:00+01:00'), event('clock.tick', '2024-06-03T08:30:00+01:00')]) {
      const refusal = run.refuse(e);
      expectCited(refusal, 'GATE_BLOCKED', 'step-sequence');
      expect(refusal.rules).toHaveLength(1);
      expect(refusal.rules[0]!.citation).toContain('F step 3');
      expect(refusal.rules[0]!.reason).toContain(opened);
    }
  });

  it('step-sequence: instants are compared, not text: 08:30Z is 09:30 BST, after a case opened at 09:00 BST', () => {
    inDecision().send(event('decision.agreed', '2024-06-03T08:30:00Z'));
    const refusal = inDecision().refuse(event('decision.agreed', '2024-06-03T07:59:59Z'));
    expectCited(refusal, 'GATE_BLOCKED', 'step-sequence');
  });

  it('step-sequence: a preparation record may not be dated before the decision it follows', () => {
    const run = inPreparation();
    const beforeDecision = '2024-06-03T14:00:00+01:00';
    for (const e of [
      event('views.recorded', beforeDecision, { personId: samplePeople.child }),
      event('consent.given', beforeDecision),
      event('disagreement.raised', beforeDecision),
      event('leadProfessional.notFound', beforeDecision),
      event('stepDown.withdrawn', beforeDecision),
    ]) {
      expectCited(run.refuse(e), 'GATE_BLOCKED', 'step-sequence');
    }
  });

  it('step-sequence: a step dated before the fact it rests on is refused: the referral or the summary before the final meeting, the transfer details before the referral, the closure before the sharing', () => {
    const meetingDone = afterFinalMeeting();
    expectCited(meetingDone.refuse(referral('2024-06-11T10:00:00+01:00')), 'GATE_BLOCKED', 'step-sequence');

    const referred = afterFinalMeeting().send(referral('2024-06-13T10:00:00+01:00'));
    expectCited(referred.refuse(event('transferDetails.completed', '2024-06-13T09:59:59+01:00')), 'GATE_BLOCKED', 'step-sequence');
    const transferred = referred.send(event('transferDetails.completed', '2024-06-14T10:00:00+01:00'));
    const beforeMeeting = transferred.refuse(event('closureSummary.completed', '2024-06-12T09:59:59+01:00'));
    expectCited(beforeMeeting, 'GATE_BLOCKED', 'step-sequence');
    expect(beforeMeeting.rules[0]!.reason).toContain(meetingAt);

    const shared = inManagerReview()
      .send(event('stepDown.authorised', '2024-06-18T10:00:00+01:00'))
      .send(event('documents.shared', '2024-06-19T10:00:00+01:00', {
        recipients: [...sampleRecipients],
      }));
    expectCited(shared.refuse(event('csc.closed', '2024-06-18T16:00:00+01:00')), 'GATE_BLOCKED', 'step-sequence');
    shared.send(event('csc.closed', '2024-06-19T10:00:00+01:00'));
    expect(shared.view.stage).toBe('early-help');
  });

  it('step-sequence: the closure summary rests on the final meeting, not on the order of typing: written on 13 June, typed after transfer details dated 14 June, it is accepted', () => {
    const run = afterFinalMeeting()
      .send(referral('2024-06-13T09:00:00+01:00'))
      .send(event('transferDetails.completed', '2024-06-14T10:00:00+01:00'))
      .send(event('closureSummary.completed', '2024-06-13T16:00:00+01:00'));
    expect(run.snapshot.context.closure.summaryAt).toBe('2024-06-13T16:00:00+01:00');
    // The Team Manager who agreed the decision is the one asked (pending steps carry the actor id).
    expect(run.view.pending).toEqual([
      { step: 'fileReview.completed', role: 'team-manager', rule: 'tm-file-review', actorId: samplePeople.teamManager.id },
    ]);
    // The authorisation rests on all of them: dated before the transfer details, it is refused.
    run.send(event('fileReview.completed', '2024-06-14T09:00:00+01:00'));
    expectCited(run.refuse(event('stepDown.authorised', '2024-06-14T09:30:00+01:00')), 'GATE_BLOCKED', 'step-sequence');
    run.send(event('stepDown.authorised', '2024-06-14T10:30:00+01:00'));
  });

  it('step-sequence: a preparation record recorded late but dated earlier than another record is still accepted', () => {
    const run = inPreparation()
      .send(event('views.recorded', '2024-06-07T10:00:00+01:00', { personId: samplePeople.parent }))
      .send(event('leadProfessional.agreed', '2024-06-07T11:00:00+01:00'))
      // Recorded after the parent's view, but dated two days before it.
      .send(event('views.recorded', '2024-06-05T10:00:00+01:00', { personId: samplePeople.child }))
      .send(event('consent.given', '2024-06-04T10:00:00+01:00'))
      .send(event('views.recorded', '2024-06-04T12:00:00+01:00', { personId: samplePeople.partner }));
    run.send(event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: firstFp }));
    expect(run.view.stage).toBe('closure');
  });

  it('step-sequence: a disagreement cannot be resolved before it was raised', () => {
    const run = inPreparation().send(event('disagreement.raised', '2024-06-05T10:00:00+01:00', { disagreementId: 'D-2' }));
    const refusal = run.refuse(event('disagreement.resolved', '2024-06-05T09:00:00+01:00', { disagreementId: 'D-2' }));
    expectCited(refusal, 'GATE_BLOCKED', 'step-sequence');
  });

  it('step-sequence: the final meeting may not be dated before the consent, view, Lead Professional or resolution it depends on', () => {
    // Each record is entered before the meeting but dated 10 June, after the meeting on 7 June: at the
    // meeting's date the gate it serves was not met (G "Decision made to step down from CSC to CAF" ¶1–4).
    const late = '2024-06-10T10:00:00+01:00';
    const meeting = event('finalMeeting.held', '2024-06-07T10:00:00+01:00', { firstFamilyPlanMeetingDate: '2024-06-28' });
    const variants: Record<string, (run: CaseRun) => CaseRun> = {
      consent: (run) => run.send(event('consent.given', late)),
      'child view': (run) => run.send(event('views.recorded', late, { personId: samplePeople.child })),
      'lead professional': (run) => run.send(event('leadProfessional.agreed', late)),
      resolution: (run) =>
        run.send(event('disagreement.raised', prep, { disagreementId: 'D-2' })).send(event('disagreement.resolved', late, { disagreementId: 'D-2' })),
    };
    const found: Record<string, unknown> = {};
    for (const [name, lateRecord] of Object.entries(variants)) {
      let run = inPreparation();
      if (name !== 'consent') run = run.send(event('consent.given', prep));
      if (name !== 'child view') run = run.send(event('views.recorded', prep, { personId: samplePeople.child }));
      if (name !== 'lead professional') run = run.send(event('leadProfessional.agreed', prep));
      run
        .send(event('views.recorded', prep, { personId: samplePeople.parent }))
        .send(event('views.recorded', prep, { personId: samplePeople.partner }));
      lateRecord(run);
      const refusal = explainRefusal(run.snapshot, meeting);
      found[name] = refusal ? [refusal.code, ...refusal.rules.map((r) => r.rule)] : 'accepted';
    }
    expect(found).toEqual(Object.fromEntries(Object.keys(variants).map((name) => [name, ['GATE_BLOCKED', 'step-sequence']])));
  });
});
