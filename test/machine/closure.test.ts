import { createActor, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  getRule,
  parseEvent,
  persistCase,
  stepDownMachine,
  type StepDownEvent,
} from '../../src/index.js';
import { sampleNames, samplePeople, sampleRecipients } from '../events/samples.js';
import { CaseRun, event, readyForFinalMeeting, freeTextChecks } from './harness.js';

const SW = 'G "Role of the Social Worker"';
const TM = 'G "Role of the Social Work Team Manager"';

// September 2024, British Summer Time throughout; no bank holiday between 26 August and 25 December.
const september = { opened: '2024-09-02T09:00:00+01:00', decision: '2024-09-02T14:00:00+01:00', prep: '2024-09-04T11:00:00+01:00' };
const meetingAt = '2024-09-11T10:00:00+01:00';
const firstFp = '2024-10-02';
const days = {
  referral: '2024-09-16T10:00:00+01:00',
  transfer: '2024-09-16T11:00:00+01:00',
  summary: '2024-09-17T10:00:00+01:00',
  review: '2024-09-18T10:00:00+01:00',
  authorised: '2024-09-19T10:00:00+01:00',
  shared: '2024-09-20T10:00:00+01:00',
  closed: '2024-09-20T15:00:00+01:00',
};

// Free text the tests pass in: a refusal, a view of the case or a notification must never repeat it.
const withdrawalReason = 'Police disclosed that Leo’s father has moved back into the household.';
const returnReasons = ['Closure summary does not evidence Leo’s views on closure', 'Chronology not updated since May'];
const partnerReason = 'The school nurse saw Leo with a burn on his hand on Monday.';
const summary = event('closureSummary.completed', days.summary);
const freeText = [
  ...sampleNames,
  withdrawalReason,
  partnerReason,
  ...returnReasons,
  summary.whyInvolved,
  summary.stepDownPlan,
];
const { expectNoFreeText, expectRefusal, expectInvalidAt } = freeTextChecks(freeText);

/** The e-CAF referral whose section 11 gives `date` (by default the date agreed at the final meeting). */
function referral(at: string, date = firstFp) {
  return event('eCaf.referralCompleted', at, { form: { ...event('eCaf.referralCompleted', at).form, firstFamilyPlanMeetingDate: date } });
}

const everyone = [...sampleRecipients];
/** The Team Manager who agreed the decision: the case asks them, by user id, for its manager's steps. */
const manager = samplePeople.teamManager.id;
const share = (at = days.shared, recipients: string[] = everyone) => event('documents.shared', at, { recipients });
const withdraw = (at: string) => event('stepDown.withdrawn', at, { reason: withdrawalReason });
const returned = (at: string) => event('stepDown.returned', at, { reasons: returnReasons });

// The closure stage, step by step (F steps 4–8).
const afterMeeting = () =>
  readyForFinalMeeting('cin-outcome', september).send(event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: firstFp }));
const inTransferDetails = () => afterMeeting().send(referral(days.referral));
const inClosureSummary = () => inTransferDetails().send(event('transferDetails.completed', days.transfer));
const inManagerReview = () => inClosureSummary().send(summary);
const reviewed = () => inManagerReview().send(event('fileReview.completed', days.review));
const inSharing = () => reviewed().send(event('stepDown.authorised', days.authorised));
const inClosing = () => inSharing().send(share());
const closedToCsc = () => inClosing().send(event('csc.closed', days.closed));

const closureState = (run: CaseRun) => run.view.states[0]?.replace('withChildrensSocialCare.closure.', '');

describe('the e-CAF referral (F step 5, G "Role of the Social Worker" ¶4)', () => {
  const form = referral(days.referral).form;
  /** Each section of the summary CAF transfer form and the field that holds it. */
  const sections: [number, keyof typeof form][] = [
    [1, 'backgroundAndHistory'],
    [2, 'reasonForStepDown'],
    [3, 'familyExperiencing'],
    [4, 'keyAgencies'],
    [5, 'voiceOfChild'],
    [6, 'voiceOfParents'],
    [7, 'childsNeeds'],
    [8, 'parentingCapacity'],
    [9, 'environmentalFactors'],
    [10, 'familyPlanOutline'],
    [11, 'firstFamilyPlanMeetingDate'],
    [12, 'leadProfessional'],
  ];

  it('ecaf-referral-complete: every one of the 12 sections of the summary CAF transfer form is mandatory; a form missing one is INVALID_EVENT naming the field and its section', () => {
    for (const [number, field] of sections) {
      const error = expectInvalidAt({ ...referral(days.referral), form: { ...form, [field]: undefined } }, `form.${field}`);
      expect(error.message).toContain(`section ${number}:`);
    }
    // Blank text, an empty tick-box list and a blank sub-heading are not completed sections either.
    expectInvalidAt({ ...referral(days.referral), form: { ...form, voiceOfChild: '  ' } }, 'form.voiceOfChild');
    expectInvalidAt({ ...referral(days.referral), form: { ...form, familyExperiencing: [] } }, 'form.familyExperiencing');
    expectInvalidAt({ ...referral(days.referral), form: { ...form, childsNeeds: { ...form.childsNeeds, identity: ' ' } } }, 'form.childsNeeds.identity');
    expectInvalidAt(
      { ...referral(days.referral), form: { ...form, parentingCapacity: { ...form.parentingCapacity, safety: undefined } } },
      'form.parentingCapacity.safety',
    );
    expectInvalidAt({ ...referral(days.referral), form: { ...form, leadProfessional: { name: samplePeople.leadProfessional.name } } }, 'form.leadProfessional.contact');
  });

  it('ecaf-referral-complete: section 11 must give the first family plan meeting date agreed at the final meeting; another date is GATE_BLOCKED and the case waits', () => {
    const run = afterMeeting();
    for (const date of ['2024-10-03', '2024-10-01']) {
      const refusal = run.refuse(referral(days.referral, date));
      expectRefusal(refusal, 'GATE_BLOCKED', ['ecaf-referral-complete']);
      expect(refusal.rules[0]).toEqual({
        rule: 'ecaf-referral-complete',
        citation: getRule('ecaf-referral-complete').citation,
        reason: 'section 11 must give the first family plan meeting date agreed at the final meeting (2024-10-02).',
      });
      expect(refusal.rules[0]!.citation).toBe(
        `F step 5 "Referral to e-CAF: summary CAF transfer form sections 1-12"; G "Case closure and referral to EHM" ¶1; ${SW} ¶4`,
      );
    }
    expect(closureState(run)).toBe('referral');
    expect(run.view.pending).toEqual([{ step: 'eCaf.referralCompleted', role: 'social-worker', rule: 'ecaf-referral-complete' }]);
  });

  it('ecaf-referral-complete: a complete form with the agreed date is finalised and the transfer details are next', () => {
    const run = afterMeeting().send(parseEvent(referral(days.referral)));
    expect(closureState(run)).toBe('transferDetails');
    expect(run.view.pending).toEqual([{ step: 'transferDetails.completed', role: 'social-worker', rule: 'parents-aware-of-transfer' }]);
    expect(run.snapshot.context.lastStepAt).toBe(days.referral);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('ecaf-referral-complete: when the meeting set a date later than 4 weeks (a breach), section 11 repeats that date and the referral goes on', () => {
    const run = readyForFinalMeeting('cin-outcome', september)
      .send(event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: '2024-10-10' }));
    expect(run.breachesOf('first-meeting-date')).toHaveLength(1);
    expectRefusal(run.refuse(referral(days.referral)), 'GATE_BLOCKED', ['ecaf-referral-complete']);
    run.send(referral(days.referral, '2024-10-10'));
    expect(closureState(run)).toBe('transferDetails');
  });

  it('ecaf-referral-complete: the bare machine judges the form itself: an e-CAF holding only section 11 (the agreed date) changes nothing, through transition and a running actor', () => {
    const run = afterMeeting();
    const onlySection11 = { ...referral(days.referral), form: { firstFamilyPlanMeetingDate: firstFp } } as unknown as StepDownEvent;
    const before = persistCase(run.snapshot);
    expect(transition(stepDownMachine, run.snapshot, onlySection11)[0]).toBe(run.snapshot);
    const actor = createActor(stepDownMachine, {
      input: { caseId: 'case-1', route: 'cin-outcome', openedAt: september.opened },
      snapshot: stepDownMachine.getPersistedSnapshot(run.snapshot) as never,
    }).start();
    actor.send(onlySection11);
    expect(persistCase(actor.getSnapshot())).toEqual(before);
    expect(actor.getSnapshot().value).toEqual({ withChildrensSocialCare: { closure: 'referral' } });
    actor.send(referral(days.referral));
    expect(actor.getSnapshot().value).toEqual({ withChildrensSocialCare: { closure: 'transferDetails' } });
    actor.stop();
  });

  it('ecaf-referral-complete: only the Social Worker completes the referral; a CAF Link Worker is NOT_ALLOWED', () => {
    const refusal = afterMeeting().refuse({ ...referral(days.referral), actor: samplePeople.cafLinkWorker });
    expectRefusal(refusal, 'NOT_ALLOWED', ['division-of-duties']);
  });
});

describe('transfer details: are the parents aware of the transfer? (F step 6)', () => {
  it('parents-aware-of-transfer: transfer details answering no are GATE_BLOCKED and the case waits in transfer details', () => {
    const run = inTransferDetails();
    const refusal = run.refuse(event('transferDetails.completed', days.transfer, { parentsAware: false }));
    expectRefusal(refusal, 'GATE_BLOCKED', ['parents-aware-of-transfer']);
    expect(refusal.rules[0]).toEqual({
      rule: 'parents-aware-of-transfer',
      citation: `F step 6 "Transfer Details: 'Are parents aware of the transfer?'"`,
      reason: 'the parents must be aware of the transfer before the transfer details are finalised.',
    });
    expect(closureState(run)).toBe('transferDetails');
    run.send(event('transferDetails.completed', days.transfer, { parentsAware: true }));
    expect(closureState(run)).toBe('closureSummary');
    expect(run.view.pending).toEqual([{ step: 'closureSummary.completed', role: 'social-worker', rule: 'closure-summary' }]);
  });

  it('parents-aware-of-transfer: the answer is required and must be true or false; a missing or textual answer is INVALID_EVENT', () => {
    const valid = event('transferDetails.completed', days.transfer);
    expectInvalidAt({ ...valid, parentsAware: undefined }, 'parentsAware');
    expectInvalidAt({ ...valid, parentsAware: 'yes' }, 'parentsAware');
    // "No" is a well-formed answer: the machine, not the schema, refuses it.
    expect(parseEvent({ ...valid, parentsAware: false })).toMatchObject({ parentsAware: false });
  });

  it('parents-aware-of-transfer: a correction after the Team Manager returns the step down is gated the same way', () => {
    const run = inManagerReview().send(returned(days.review));
    expect(closureState(run)).toBe('revising');
    expectRefusal(run.refuse(event('transferDetails.completed', days.authorised, { parentsAware: false })), 'GATE_BLOCKED', ['parents-aware-of-transfer']);
    run.send(event('transferDetails.completed', days.authorised));
  });
});

describe('the closure summary (G "Role of the Social Worker" ¶6)', () => {
  const headings = ['whyInvolved', 'whatWasDone', 'outcome', 'impact', 'whyThresholdNoLongerMet', 'stepDownPlan'] as const;

  it('closure-summary: the summary is comprehensive: each of its six headings is required and non-blank, or the event is INVALID_EVENT naming it', () => {
    for (const heading of headings) {
      expectInvalidAt({ ...summary, [heading]: undefined }, heading);
      expectInvalidAt({ ...summary, [heading]: '\t ' }, heading);
    }
  });

  it('closure-summary: the Social Worker’s summary goes to the Team Manager, who is then asked to review the file', () => {
    const run = inClosureSummary().send(parseEvent(summary));
    expect(closureState(run)).toBe('managerReview');
    expect(run.view.pending).toEqual([{ step: 'fileReview.completed', role: 'team-manager', rule: 'tm-file-review', actorId: manager }]);
    expect(run.snapshot.context.closure).toMatchObject({ summaryBy: samplePeople.socialWorker.id, summaryAt: days.summary, authorisedAt: null });
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('closure-summary: the summary is sent after the transfer details (before them it is not a step of the case), but its date rests on the final meeting, not on the order of typing', () => {
    const early = inTransferDetails();
    expectRefusal(early.refuse(summary), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    const run = inClosureSummary();
    // Dated before the final meeting it summarises: a data error.
    const refusal = run.refuse(event('closureSummary.completed', '2024-09-11T09:59:59+01:00'));
    expectRefusal(refusal, 'GATE_BLOCKED', ['step-sequence']);
    expect(refusal.rules[0]!.reason).toContain(meetingAt);
    // Written on 13 September, between the meeting and the transfer details typed first: its true date stands.
    run.send(event('closureSummary.completed', '2024-09-13T15:00:00+01:00'));
    expect(run.snapshot.context.closure.summaryAt).toBe('2024-09-13T15:00:00+01:00');
  });

  it('closure-summary: it is the Social Worker’s to write; the Team Manager who authorises is NOT_ALLOWED to send it', () => {
    const refusal = inClosureSummary().refuse(event('closureSummary.completed', days.summary, { actor: samplePeople.teamManager }));
    expectRefusal(refusal, 'NOT_ALLOWED', ['division-of-duties']);
    expect(refusal.rules[0]!.reason).toBe("'closureSummary.completed' is for social-worker, not team-manager.");
  });
});

describe('the Team Manager reviews the file (G "Role of the Social Work Team Manager" ¶1)', () => {
  const items = ['supervisions', 'chronology', 'childsPlans', 'childsReviews', 'assessmentsUploaded', 'viewsOnClosureEvidenced'] as const;
  const fileReasons = 'the file review must find supervisions, chronology, plans, reviews, assessments and views on closure all on file.';

  it('tm-file-review: with no file review the step down cannot be authorised', () => {
    const refusal = inManagerReview().refuse(event('stepDown.authorised', days.authorised));
    expectRefusal(refusal, 'GATE_BLOCKED', ['tm-quality-assurance', 'tm-file-review']);
    expect(refusal.rules.map((r) => r.reason)).toEqual(['the Team Manager has not reviewed the file.', fileReasons]);
    expect(refusal.rules[1]!.citation).toBe(`${TM} ¶1`);
  });

  it('tm-file-review: each of the six items missing from the file blocks the authorisation; the review is asked for again', () => {
    for (const item of items) {
      const run = inManagerReview().send(event('fileReview.completed', days.review, { [item]: false }));
      expect(run.snapshot.context.closure.review).toEqual({ at: days.review, complete: false });
      expect(run.view.pending, item).toEqual([{ step: 'fileReview.completed', role: 'team-manager', rule: 'tm-file-review', actorId: manager }]);
      const refusal = run.refuse(event('stepDown.authorised', days.authorised));
      expectRefusal(refusal, 'GATE_BLOCKED', ['tm-file-review']);
      expect(refusal.rules[0]!.reason).toBe(fileReasons);
    }
  });

  it('tm-file-review: the latest review counts: a complete review after an incomplete one lets the step down be authorised, and the reverse blocks it', () => {
    const completed = inManagerReview()
      .send(event('fileReview.completed', days.review, { chronology: false }))
      .send(event('fileReview.completed', '2024-09-18T16:00:00+01:00'));
    expect(completed.view.pending).toEqual([{ step: 'stepDown.authorised', role: 'team-manager', rule: 'tm-quality-assurance', actorId: manager }]);
    completed.send(event('stepDown.authorised', days.authorised));
    expect(closureState(completed)).toBe('sharing');

    const regressed = reviewed().send(event('fileReview.completed', '2024-09-18T16:00:00+01:00', { assessmentsUploaded: false }));
    expectRefusal(regressed.refuse(event('stepDown.authorised', days.authorised)), 'GATE_BLOCKED', ['tm-file-review']);
  });

  it('tm-file-review: the review is the Team Manager’s (the Social Worker is NOT_ALLOWED), comes after the summary is sent, and is never dated before the final meeting', () => {
    const run = inManagerReview();
    expectRefusal(run.refuse(event('fileReview.completed', days.review, { actor: samplePeople.socialWorker })), 'NOT_ALLOWED', ['division-of-duties']);
    expectRefusal(run.refuse(event('fileReview.completed', '2024-09-10T09:00:00+01:00')), 'GATE_BLOCKED', ['step-sequence']);
    expectRefusal(inClosureSummary().refuse(event('fileReview.completed', days.review)), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
  });

  it('tm-quality-assurance: a review dated before the summary it should cover is recorded at its true date, but does not cover the summary: the Team Manager reviews again before authorising', () => {
    const run = inManagerReview().send(event('fileReview.completed', '2024-09-17T09:00:00+01:00'));
    expect(run.snapshot.context.closure.review).toEqual({ at: '2024-09-17T09:00:00+01:00', complete: true });
    const refusal = run.refuse(event('stepDown.authorised', days.authorised));
    expectRefusal(refusal, 'GATE_BLOCKED', ['tm-quality-assurance']);
    expect(refusal.rules[0]!.reason).toBe('the closure summary was resubmitted after the last file review; review it again.');
    run.send(event('fileReview.completed', days.review)).send(event('stepDown.authorised', days.authorised));
    expect(closureState(run)).toBe('sharing');
  });

  it('tm-file-review: a yes/no item is required; a missing item is INVALID_EVENT naming it', () => {
    const valid = event('fileReview.completed', days.review);
    for (const item of items) expectInvalidAt({ ...valid, [item]: undefined }, item);
  });
});

describe('the Team Manager quality assures, then authorises or returns (G "Role of the Social Work Team Manager" ¶2–3, F step 7)', () => {
  it('tm-quality-assurance: after the file review the Team Manager authorises the step down and the documents are to be shared next', () => {
    const run = reviewed().send(event('stepDown.authorised', days.authorised));
    expect(closureState(run)).toBe('sharing');
    expect(run.snapshot.context.closure.authorisedAt).toBe(days.authorised);
    expect(run.view.pending).toEqual([{ step: 'documents.shared', role: 'social-worker', rule: 'documents-shared-with-all' }]);
  });

  it('tm-quality-assurance: returned with reasons, the Social Worker revises and resubmits, and the Team Manager must review the file again before authorising', () => {
    const run = reviewed().send(returned('2024-09-19T10:00:00+01:00'));
    expect(closureState(run)).toBe('revising');
    expect(run.snapshot.context.closure).toMatchObject({ returns: 1, review: null, authorisedAt: null });
    expect(run.view.pending).toEqual([{ step: 'closureSummary.completed', role: 'social-worker', rule: 'tm-quality-assurance' }]);
    // While the Social Worker revises, the Team Manager can neither authorise nor review.
    for (const e of [event('stepDown.authorised', '2024-09-19T11:00:00+01:00'), event('fileReview.completed', '2024-09-19T11:00:00+01:00')]) {
      expectRefusal(run.refuse(e), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    }
    // The Social Worker may correct the referral and the transfer details, then resubmits the summary.
    run
      .send(referral('2024-09-23T10:00:00+01:00'))
      .send(event('transferDetails.completed', '2024-09-23T11:00:00+01:00'))
      .send(event('closureSummary.completed', '2024-09-23T12:00:00+01:00'));
    expect(closureState(run)).toBe('managerReview');
    expect(run.view.pending).toEqual([{ step: 'fileReview.completed', role: 'team-manager', rule: 'tm-file-review', actorId: manager }]);
    const refusal = run.refuse(event('stepDown.authorised', '2024-09-24T10:00:00+01:00'));
    expectRefusal(refusal, 'GATE_BLOCKED', ['tm-quality-assurance', 'tm-file-review']);
    expect(refusal.rules[0]).toEqual({
      rule: 'tm-quality-assurance',
      citation: `${TM} ¶2–3; G "Case closure and referral to EHM" ¶1; F step 7 "Manager quality assures and authorises 'Step Down'"`,
      reason: 'the Team Manager has not reviewed the file.',
    });
    run.send(event('fileReview.completed', '2024-09-24T10:00:00+01:00')).send(event('stepDown.authorised', '2024-09-24T11:00:00+01:00'));
    expect(closureState(run)).toBe('sharing');
    expect(run.snapshot.context.closure).toMatchObject({ returns: 1, authorisedAt: '2024-09-24T11:00:00+01:00', summaryAt: '2024-09-23T12:00:00+01:00' });
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('tm-quality-assurance: the loop may run more than once; each return is counted and each resubmission needs its own review', () => {
    const run = reviewed()
      .send(returned('2024-09-19T10:00:00+01:00'))
      .send(event('closureSummary.completed', '2024-09-20T10:00:00+01:00'))
      .send(event('fileReview.completed', '2024-09-20T14:00:00+01:00'))
      .send(returned('2024-09-20T15:00:00+01:00'))
      .send(event('closureSummary.completed', '2024-09-23T10:00:00+01:00'));
    expect(run.snapshot.context.closure.returns).toBe(2);
    expectRefusal(run.refuse(event('stepDown.authorised', '2024-09-23T11:00:00+01:00')), 'GATE_BLOCKED', ['tm-quality-assurance', 'tm-file-review']);
    run.send(event('fileReview.completed', '2024-09-23T11:00:00+01:00')).send(event('stepDown.authorised', '2024-09-23T12:00:00+01:00'));
    expect(closureState(run)).toBe('sharing');
  });

  it('tm-quality-assurance: a return needs at least one reason, and only the Team Manager returns', () => {
    const valid = returned(days.authorised);
    expectInvalidAt({ ...valid, reasons: [] }, 'reasons');
    expectInvalidAt({ ...valid, reasons: [' '] }, 'reasons.0');
    expectRefusal(reviewed().refuse({ ...valid, actor: samplePeople.socialWorker }), 'NOT_ALLOWED', ['division-of-duties']);
  });

  it('tm-quality-assurance: an authorisation dated while a disagreement was still open is refused, even when the resolution is recorded first (step-sequence)', () => {
    // A partner disagreed on 18 September at 11:00 and the Team Manager resolved it on 20 September.
    // An authorisation dated 19 September was given while the disagreement was open
    // (G "Decision made to step down from CSC to CAF" ¶3–4: no authorisation while one is open).
    const run = reviewed()
      .send(event('disagreement.raised', '2024-09-18T11:00:00+01:00', { disagreementId: 'D-1', reason: partnerReason }))
      .send(event('disagreement.resolved', '2024-09-20T10:00:00+01:00', { disagreementId: 'D-1', outcome: 'agreed' }));
    expectRefusal(run.refuse(event('stepDown.authorised', '2024-09-19T10:00:00+01:00')), 'GATE_BLOCKED', ['step-sequence']);
    run.send(event('stepDown.authorised', '2024-09-20T11:00:00+01:00'));
    expect(closureState(run)).toBe('sharing');
  });

  it('tm-quality-assurance: an authorisation dated before the file review it rests on is refused', () => {
    expectRefusal(reviewed().refuse(event('stepDown.authorised', '2024-09-18T09:00:00+01:00')), 'GATE_BLOCKED', ['step-sequence']);
  });
});

describe('the author of the closure summary does not authorise it (G "Role of the Social Worker" ¶6, G "Role of the Social Work Team Manager" ¶2)', () => {
  // A manager who wrote the summary while covering the Social Worker's caseload.
  const manager = samplePeople.teamManager;

  it('separation-of-duties: the person who wrote the closure summary cannot review, return or authorise it, whatever role they send it with', () => {
    const run = inClosureSummary().send(event('closureSummary.completed', days.summary, { actor: { id: manager.id, role: 'social-worker' } }));
    const reason = {
      rule: 'separation-of-duties',
      citation: `${SW} ¶6; ${TM} ¶2`,
      reason: 'the closure summary must be reviewed and authorised by someone other than any of its authors.',
    };
    for (const step of [
      event('fileReview.completed', days.review, { actor: manager }),
      event('stepDown.returned', days.review, { actor: manager }),
    ]) {
      const refusal = run.refuse(step);
      expectRefusal(refusal, 'GATE_BLOCKED', ['separation-of-duties']);
      expect(refusal.rules[0]).toEqual(reason);
    }
    const otherManager = { id: 'tm-grace-adeyemi', role: 'team-manager' } as const;
    run.send(event('fileReview.completed', days.review, { actor: otherManager }));
    const refusal = run.refuse(event('stepDown.authorised', days.authorised, { actor: manager }));
    expectRefusal(refusal, 'GATE_BLOCKED', ['separation-of-duties']);
    expect(refusal.rules[0]).toEqual(reason);
    run.send(event('stepDown.authorised', days.authorised, { actor: otherManager }));
    expect(closureState(run)).toBe('sharing');
  });

  it('separation-of-duties: after a return, every author of the summary stays barred, not only the one who resubmitted it', () => {
    const otherManager = { id: 'tm-grace-adeyemi', role: 'team-manager' } as const;
    const colleague = { id: 'sw-tom-briggs', role: 'social-worker' } as const;
    // The manager, acting as Social Worker, writes the first summary; another manager returns it.
    const run = inClosureSummary()
      .send(event('closureSummary.completed', days.summary, { actor: { id: manager.id, role: 'social-worker' } }))
      .send(event('stepDown.returned', days.review, { actor: otherManager }))
      .send(event('closureSummary.completed', days.review, { actor: colleague }));
    expect(run.snapshot.context.closure.summaryAuthors).toEqual([manager.id, colleague.id]);
    expectRefusal(run.refuse(event('fileReview.completed', days.authorised, { actor: manager })), 'GATE_BLOCKED', ['separation-of-duties']);
    run.send(event('fileReview.completed', days.authorised, { actor: otherManager }));
    expectRefusal(run.refuse(event('stepDown.authorised', days.authorised, { actor: manager })), 'GATE_BLOCKED', ['separation-of-duties']);
    run.send(event('stepDown.authorised', days.authorised, { actor: otherManager }));
    expect(closureState(run)).toBe('sharing');
  });

  it('separation-of-duties: a Team Manager other than the author authorises as usual', () => {
    const run = reviewed();
    expect(run.snapshot.context.closure.summaryBy).not.toBe(manager.id);
    run.send(event('stepDown.authorised', days.authorised, { actor: manager }));
    expect(run.snapshot.context.closure.authorisedAt).toBe(days.authorised);
  });
});

describe('the minutes and the CAF assessment go to everyone involved (G "Role of the Social Worker" ¶2)', () => {
  const notAmong = (ids: string) =>
    `the documents must go to every parent/carer and practitioner still involved and the Lead Professional; not among the recipients: ${ids}.`;

  it('documents-shared-with-all: leaving out the parent/carer, the partner or the Lead Professional is GATE_BLOCKED, naming the missing person ids and never a name', () => {
    const run = inSharing();
    for (const missing of everyone) {
      const refusal = run.refuse(share(days.shared, everyone.filter((id) => id !== missing)));
      expectRefusal(refusal, 'GATE_BLOCKED', ['documents-shared-with-all']);
      expect(refusal.rules[0]).toEqual({ rule: 'documents-shared-with-all', citation: `${SW} ¶2`, reason: notAmong(missing) });
    }
    // The child alone is a person of the case, but none of those the documents must reach.
    expect(run.refuse(share(days.shared, [samplePeople.child])).rules[0]!.reason).toBe(notAmong('sarah, helen-price, jo-patel'));
    expect(closureState(run)).toBe('sharing');
  });

  it('documents-shared-with-all: recipients are compared by id, never by typed name: an id not on the case (or in other letters) is refused as people-on-record; the child may be listed; with everyone the case is ready to close', () => {
    const run = inSharing();
    const typed = run.refuse(share(days.shared, ['SARAH', samplePeople.partner, samplePeople.leadProfessional.personId]));
    expectRefusal(typed, 'GATE_BLOCKED', ['people-on-record', 'documents-shared-with-all']);
    expect(typed.rules.map((r) => r.reason)).toEqual([
      'not a person of this case: SARAH; add them with person.added first.',
      notAmong('sarah'),
    ]);
    run.send(share(days.shared, [...everyone, samplePeople.child]));
    expect(closureState(run)).toBe('closing');
    expect(run.snapshot.context.closure.sharedAt).toBe(days.shared);
    expect(run.view.pending).toEqual([{ step: 'csc.closed', role: 'social-worker', rule: 'csc-closure' }]);
  });

  it('documents-shared-with-all: every parent/carer and every practitioner involved is a recipient; one whose involvement ended is not', () => {
    const nurse = 'Ms Olu Bankole, School Nurse, 0–19 Public Health Nursing Service';
    const father = 'Mark Taylor';
    const run = readyForFinalMeeting('cin-outcome', september)
      .addPerson('olu-bankole', 'practitioner', september.prep, { name: nurse })
      .addPerson('mark', 'parent-carer', september.prep, { name: father, parentalResponsibility: false })
      .send(event('views.recorded', september.prep, { personId: 'olu-bankole' }))
      .send(event('views.recorded', september.prep, { personId: 'mark' }))
      .send(event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: firstFp }))
      .send(referral(days.referral))
      .send(event('transferDetails.completed', days.transfer))
      .send(summary)
      .send(event('fileReview.completed', days.review))
      .send(event('stepDown.authorised', days.authorised));
    const refusal = run.refuse(share());
    expectRefusal(refusal, 'GATE_BLOCKED', ['documents-shared-with-all']);
    expect(refusal.rules[0]!.reason).toBe(notAmong('olu-bankole, mark'));
    expect(refusal.message).toContain('olu-bankole, mark');
    expect(JSON.stringify(refusal)).not.toContain(nurse);
    expect(JSON.stringify(refusal)).not.toContain(father);
    // The nurse leaves the case: her copy is no longer required, and she can no longer be a recipient.
    run.send(event('involvement.ended', days.authorised, { personId: 'olu-bankole' }));
    expect(run.refuse(share()).rules[0]!.reason).toBe(notAmong('mark'));
    expectRefusal(run.refuse(share(days.shared, [...everyone, 'mark', 'olu-bankole'])), 'GATE_BLOCKED', ['people-on-record']);
    run.send(share(days.shared, [...everyone, 'mark']));
    expect(closureState(run)).toBe('closing');
  });

  it('documents-shared-with-all: the documents are shared only after the Team Manager authorises; before that sharing is not a step of the case', () => {
    expectRefusal(reviewed().refuse(share(days.review)), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    expectInvalidAt({ ...share(), recipients: [] }, 'recipients');
  });
});

describe('referral closure: the case closes to CSC (F step 8)', () => {
  it('csc-closure: closed on Thursday 10 October 2024 (BST), the case is under the CAF and the first family plan meeting is due by the end of Thursday 7 November 2024 GMT', () => {
    const closedAt = '2024-10-10T16:00:00+01:00';
    const run = inClosing().send(event('csc.closed', closedAt));
    expect(run.view).toMatchObject({
      stage: 'early-help',
      outcome: null,
      states: ['underCaf.ehm.qualityAssurance', 'underCaf.familyPlan.awaitingInitialMeeting'],
      pending: [
        { step: 'ehm.authorised', role: 'caf-link-worker', rule: 'ehm-quality-assurance' },
        { step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'first-family-plan-meeting', detail: 'initial' },
      ],
    });
    expect(run.snapshot.context.closure.closedAt).toBe(closedAt);
    expect(run.deadline('first-family-plan-meeting')).toEqual({
      id: 'first-family-plan-meeting',
      rule: 'first-family-plan-meeting',
      citation: getRule('first-family-plan-meeting').citation,
      opensAt: closedAt,
      due: '2024-11-07T23:59:59.999+00:00',
      status: 'open',
      closedAt: null,
    });
    expect(run.deadline('caf-twelve-months:1')).toMatchObject({ opensAt: closedAt, due: '2025-10-10T23:59:59.999+01:00', status: 'open' });
    // The CAF Link Worker's contact with the Lead Professional falls due with the initial meeting (issue 10).
    expect(run.deadline('clw-contacts-lead-professional')).toMatchObject({ opensAt: closedAt, due: '2024-11-07T23:59:59.999+00:00', status: 'open' });
    expect(run.notifications.slice(-4)).toEqual([
      { type: 'deadline.opened', caseId: 'case-1', rule: 'first-family-plan-meeting', deadlineId: 'first-family-plan-meeting', due: '2024-11-07T23:59:59.999+00:00' },
      { type: 'deadline.opened', caseId: 'case-1', rule: 'clw-contacts-lead-professional', deadlineId: 'clw-contacts-lead-professional', due: '2024-11-07T23:59:59.999+00:00' },
      { type: 'deadline.opened', caseId: 'case-1', rule: 'caf-twelve-months', deadlineId: 'caf-twelve-months:1', due: '2025-10-10T23:59:59.999+01:00' },
      { type: 'stage.entered', caseId: 'case-1', stage: 'early-help', at: closedAt },
    ]);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('csc-closure: the 28 days are calendar days from the London date: closed Friday 20 December 2024 it is due Friday 17 January 2025, Christmas and New Year not added; closed 23:30Z on 10 October it counts from 11 October', () => {
    const winter = inClosing().send(event('csc.closed', '2024-12-20T15:00:00Z'));
    expect(winter.deadline('first-family-plan-meeting').due).toBe('2025-01-17T23:59:59.999+00:00');
    const lateNight = inClosing().send(event('csc.closed', '2024-10-10T23:30:00Z'));
    expect(lateNight.deadline('first-family-plan-meeting').due).toBe('2024-11-08T23:59:59.999+00:00');
  });

  it('csc-closure: the case cannot close to CSC before the Team Manager authorises or before the documents are shared', () => {
    for (const run of [inManagerReview(), reviewed(), inSharing()]) {
      const refusal = run.refuse(event('csc.closed', days.closed));
      expectRefusal(refusal, 'EVENT_NOT_ACCEPTED', ['step-sequence']);
      expect(refusal.message).toContain("'csc.closed' is not a step of the closure stage");
      expect(run.view.stage).toBe('closure');
    }
  });

  it('csc-closure: an open disagreement or a refused consent keeps the case with CSC until resolved and given again', () => {
    const run = inClosing().send(event('disagreement.raised', '2024-09-20T12:00:00+01:00', { disagreementId: 'D-7', reason: partnerReason }));
    expectRefusal(run.refuse(event('csc.closed', days.closed)), 'GATE_BLOCKED', ['no-open-disagreement']);
    run
      .send(event('disagreement.resolved', '2024-09-23T10:00:00+01:00', { disagreementId: 'D-7', outcome: 'agreed' }))
      .send(event('consent.refused', '2024-09-23T11:00:00+01:00', { disagreementId: 'D-8' }));
    expectRefusal(run.refuse(event('csc.closed', '2024-09-23T12:00:00+01:00')), 'GATE_BLOCKED', ['no-open-disagreement', 'informed-consent']);
    run
      .send(event('disagreement.resolved', '2024-09-24T10:00:00+01:00', { disagreementId: 'D-8', outcome: 'agreed' }))
      .send(event('consent.given', '2024-09-24T11:00:00+01:00'))
      .send(event('csc.closed', '2024-09-24T12:00:00+01:00'));
    expect(run.view.stage).toBe('early-help');
  });

  it('csc-closure: the closure may not be dated before the consent given again and the resolution it waited for, even when those are recorded first (step-sequence)', () => {
    // Consent refused on 23 September at 11:00; resolved on 24 September at 10:00 and given again at
    // 11:00. A closure dated 23 September at 12:00 would close the case while consent was refused.
    const run = inClosing()
      .send(event('consent.refused', '2024-09-23T11:00:00+01:00', { disagreementId: 'D-8' }))
      .send(event('disagreement.resolved', '2024-09-24T10:00:00+01:00', { disagreementId: 'D-8', outcome: 'agreed' }))
      .send(event('consent.given', '2024-09-24T11:00:00+01:00'));
    for (const at of ['2024-09-23T12:00:00+01:00', '2024-09-24T10:30:00+01:00']) {
      expectRefusal(run.refuse(event('csc.closed', at)), 'GATE_BLOCKED', ['step-sequence']);
    }
    run.send(event('csc.closed', '2024-09-24T11:00:00+01:00'));
    expect(run.view.stage).toBe('early-help');
  });

  it('csc-closure: the Social Worker completes the referral closure; the Team Manager is NOT_ALLOWED, and it may not be dated before the sharing', () => {
    const run = inClosing();
    expectRefusal(run.refuse(event('csc.closed', days.closed, { actor: samplePeople.teamManager })), 'NOT_ALLOWED', ['division-of-duties']);
    expectRefusal(run.refuse(event('csc.closed', '2024-09-20T09:00:00+01:00')), 'GATE_BLOCKED', ['step-sequence']);
  });
});

describe('the Team Manager withdraws the step down before the case closes to CSC (G "Role of the Social Work Team Manager" ¶1)', () => {
  const expectRemainsWithCsc = (run: CaseRun, at: string) => {
    expect(run.view).toMatchObject({ outcome: 'remains-with-csc', stage: 'closed', states: ['remains-with-csc'], pending: [] });
    expect(run.notifications.slice(-2)).toEqual([
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'remains-with-csc', at },
      // Before the CSC closure the Social Worker tells the family and the agencies still involved, by id.
      { type: 'parties.toInform', caseId: 'case-1', reason: 'step-down-withdrawn', personIds: everyone, roles: ['social-worker'], at },
    ]);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  };

  it('step-down-withdrawal: at every step of closure — referral, transfer details, summary, review, revising, sharing, closing — the withdrawal leaves the case with CSC', () => {
    const at = '2024-09-25T10:00:00+01:00';
    const stages: [string, () => CaseRun][] = [
      ['referral', afterMeeting],
      ['transferDetails', inTransferDetails],
      ['closureSummary', inClosureSummary],
      ['managerReview', inManagerReview],
      ['revising', () => reviewed().send(returned(days.authorised))],
      ['sharing', inSharing],
      ['closing', inClosing],
    ];
    for (const [state, build] of stages) {
      const run = build();
      expect(closureState(run)).toBe(state);
      run.send(withdraw(at));
      expectRemainsWithCsc(run, at);
    }
  });

  it('step-down-withdrawal: after csc.closed the step down can no longer be withdrawn; the case stays under the CAF', () => {
    const run = closedToCsc();
    const refusal = run.refuse(withdraw('2024-09-23T10:00:00+01:00'));
    expectRefusal(refusal, 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    expect(refusal.message).toContain("'stepDown.withdrawn' is not a step of the early-help stage");
    expect(run.view.stage).toBe('early-help');
    expect(run.deadline('first-family-plan-meeting').status).toBe('open');
  });

  it('step-down-withdrawal: on withdrawal the judged first-meeting-date stays met, an open disagreement deadline is cancelled, and an overdue one is missed', () => {
    const run = inManagerReview()
      .send(event('disagreement.raised', '2024-09-17T12:00:00+01:00', { disagreementId: 'D-5', personId: samplePeople.parent, reason: partnerReason })) // due Tue 24 Sep
      .send(event('disagreement.raised', '2024-09-23T12:00:00+01:00', { disagreementId: 'D-6', reason: partnerReason })) // due Mon 30 Sep
      .send(withdraw('2024-09-25T10:00:00+01:00'));
    expect(run.view.deadlines.map((d) => [d.id, d.status, d.closedAt])).toEqual([
      ['first-meeting-date', 'met', meetingAt],
      ['disagreement-resolution:D-5', 'missed', null],
      ['disagreement-resolution:D-6', 'cancelled', '2024-09-25T10:00:00+01:00'],
    ]);
    expect(run.view.breaches.map((b) => [b.deadlineId, b.detectedAt])).toEqual([['disagreement-resolution:D-5', '2024-09-25T10:00:00+01:00']]);
  });

  it('step-down-withdrawal: a withdrawn case takes nothing further: the closure to CSC is refused', () => {
    const run = inClosing().send(withdraw(days.closed));
    const refusal = run.refuse(event('csc.closed', '2024-09-21T10:00:00+01:00'));
    expectRefusal(refusal, 'EVENT_NOT_ACCEPTED', []);
    expect(refusal.message).toContain("outcome 'remains-with-csc'");
  });

  it('step-down-withdrawal: only the Team Manager withdraws; the Social Worker and the CAF Link Worker are NOT_ALLOWED', () => {
    const run = inSharing();
    for (const actor of [samplePeople.socialWorker, samplePeople.cafLinkWorker]) {
      expectRefusal(run.refuse({ ...withdraw('2024-09-20T10:00:00+01:00'), actor }), 'NOT_ALLOWED', ['division-of-duties']);
    }
    expectInvalidAt({ ...withdraw('2024-09-20T10:00:00+01:00'), reason: ' ' }, 'reason');
  });

  it('step-down-withdrawal: a withdrawal dated before the closure step the case has already taken is refused as a data error (step-sequence)', () => {
    // The step down was authorised on 19 September and the documents shared on 20 September: a
    // withdrawal dated 12 September would mean both happened after the step down was withdrawn.
    const run = inClosing();
    const refusal = run.refuse(withdraw('2024-09-12T10:00:00+01:00'));
    expectRefusal(refusal, 'GATE_BLOCKED', ['step-sequence']);
    run.send(withdraw(days.shared));
    expect(run.view.outcome).toBe('remains-with-csc');
  });
});

describe('a disagreement during closure that withdraws the step down (G "Decision made to step down from CSC to CAF" ¶3–4)', () => {
  const raise = (id: string, at: string) =>
    event('disagreement.raised', at, { disagreementId: id, personId: samplePeople.partner, reason: partnerReason });
  const resolve = (id: string, at: string, outcome: 'agreed' | 'step-down-withdrawn' = 'step-down-withdrawn') =>
    event('disagreement.resolved', at, { disagreementId: id, outcome });

  it('disagreement-withdrawal: a partner disagreeing after the documents were shared, resolved by withdrawing, leaves the case with CSC', () => {
    const run = inClosing().send(raise('D-4', '2024-09-20T12:00:00+01:00'));
    expect(run.view.pending).toEqual([
      { step: 'disagreement.resolved', role: 'team-manager', rule: 'disagreement-resolution', detail: 'D-4', actorId: manager, due: '2024-09-27T23:59:59.999+01:00' },
      { step: 'csc.closed', role: 'social-worker', rule: 'csc-closure' },
    ]);
    run.send(resolve('D-4', '2024-09-24T10:00:00+01:00'));
    expect(run.view).toMatchObject({ outcome: 'remains-with-csc', stage: 'closed', pending: [] });
    expect(run.snapshot.context.disagreements).toEqual([
      { id: 'D-4', personId: 'helen-price', by: 'partner', raisedAt: '2024-09-20T12:00:00+01:00', status: 'step-down-withdrawn', resolvedAt: '2024-09-24T10:00:00+01:00' },
    ]);
    expect(run.deadline('disagreement-resolution:D-4')).toMatchObject({ due: '2024-09-27T23:59:59.999+01:00', status: 'met' });
    expect(run.notifications.slice(-2)).toEqual([
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'remains-with-csc', at: '2024-09-24T10:00:00+01:00' },
      { type: 'parties.toInform', caseId: 'case-1', reason: 'step-down-withdrawn', personIds: everyone, roles: ['social-worker'], at: '2024-09-24T10:00:00+01:00' },
    ]);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('disagreement-withdrawal: resolved by withdrawing after its 5 working days (across the August bank holiday) it is met-late with a breach, and the case still stays with CSC', () => {
    // Raised Thursday 22 August 2024: Fri 23, Tue 27 (Mon 26 is the summer bank holiday), Wed 28, Thu 29, Fri 30.
    const run = readyForFinalMeeting('cp-outcome', { opened: '2024-08-12T09:00:00+01:00', decision: '2024-08-12T10:00:00+01:00', prep: '2024-08-13T10:00:00+01:00' })
      .send(event('finalMeeting.held', '2024-08-20T10:00:00+01:00', { kind: 'core-group', firstFamilyPlanMeetingDate: '2024-09-10' }))
      .send(referral('2024-08-21T10:00:00+01:00', '2024-09-10'))
      .send(raise('D-3', '2024-08-22T10:00:00+01:00'));
    expect(run.deadline('disagreement-resolution:D-3').due).toBe('2024-08-30T23:59:59.999+01:00');
    run.send(resolve('D-3', '2024-09-02T10:00:00+01:00'));
    expect(run.view.outcome).toBe('remains-with-csc');
    expect(run.deadline('disagreement-resolution:D-3')).toMatchObject({ status: 'met-late', closedAt: '2024-09-02T10:00:00+01:00' });
    expect(run.breachesOf('disagreement-resolution')).toEqual([
      {
        rule: 'disagreement-resolution',
        citation: 'G "Decision made to step down from CSC to CAF" ¶3–4',
        due: '2024-08-30T23:59:59.999+01:00',
        detectedAt: '2024-09-02T10:00:00+01:00',
        deadlineId: 'disagreement-resolution:D-3',
      },
    ]);
  });

  it('disagreement-withdrawal: resolved as agreed instead, the closure goes on to CSC closure', () => {
    const run = inClosing().send(raise('D-4', '2024-09-20T12:00:00+01:00')).send(resolve('D-4', '2024-09-23T10:00:00+01:00', 'agreed'));
    expect(run.view.outcome).toBeNull();
    run.send(event('csc.closed', '2024-09-23T11:00:00+01:00'));
    expect(run.view.stage).toBe('early-help');
  });

  it('disagreement-withdrawal: the resolution is the Team Manager’s; the Social Worker is NOT_ALLOWED', () => {
    const run = inManagerReview().send(raise('D-4', '2024-09-17T12:00:00+01:00'));
    expectRefusal(run.refuse({ ...resolve('D-4', '2024-09-18T10:00:00+01:00'), actor: samplePeople.socialWorker }), 'NOT_ALLOWED', ['division-of-duties']);
  });

  it('disagreement-withdrawal: once the case has closed to CSC a disagreement can no longer withdraw the step down', () => {
    const run = closedToCsc();
    expectRefusal(run.refuse(raise('D-9', '2024-09-23T10:00:00+01:00')), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    expectRefusal(run.refuse(resolve('D-9', '2024-09-23T10:00:00+01:00')), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
  });

  it('disagreement-withdrawal: a withdrawing resolution dated before a closure step the case has since taken is refused as a data error (step-sequence)', () => {
    // A partner disagrees on 16 September at 10:30, after the referral; the transfer details (11:00),
    // the summary (17 September) and the file review (18 September) go on while it is open. A
    // resolution withdrawing the step down dated 16 September at 10:45 would mean those steps were
    // taken on a step down already withdrawn.
    const build = () =>
      afterMeeting()
        .send(referral(days.referral))
        .send(raise('D-4', '2024-09-16T10:30:00+01:00'))
        .send(event('transferDetails.completed', days.transfer))
        .send(summary)
        .send(event('fileReview.completed', days.review));
    expectRefusal(build().refuse(resolve('D-4', '2024-09-16T10:45:00+01:00')), 'GATE_BLOCKED', ['step-sequence']);
    // Resolved as agreed, the same date is fine: the step down goes on and nothing contradicts it.
    build().send(resolve('D-4', '2024-09-16T10:45:00+01:00', 'agreed')).send(event('stepDown.authorised', days.authorised));
    // Withdrawing on or after the last step is accepted.
    expect(build().send(resolve('D-4', days.review)).view.outcome).toBe('remains-with-csc');
  });
});
