import { describe, expect, it } from 'vitest';
import {
  StepDownError,
  defaultCalendar,
  definePolicy,
  getRule,
  parseEvent,
  type Notification,
  type Policy,
} from '../../src/index.js';
import { sampleNames, samplePeople, sampleRecipients } from '../events/samples.js';
import { CaseRun, event, readyForFinalMeeting, freeTextChecks } from './harness.js';

const DECISION = 'G "Decision made to step down from CSC to CAF"';

// Free text the tests pass in: a refusal, a view of the case or a notification must never repeat it.
const partnerReason = 'The school saw bruising on Leo’s arm last Tuesday and wants a strategy discussion first.';
const refusalReason = 'Sarah fears the school will tell her ex-partner where they live.';
const withdrawalReason = 'Police disclosed that Leo’s father is back in the household.';
const freeText = [...sampleNames, partnerReason, refusalReason, withdrawalReason];
const { expectNoFreeText, expectRefusal } = freeTextChecks(freeText);
/** The Team Manager who agreed the decision: the case asks them, by user id, to resolve each disagreement. */
const manager = samplePeople.teamManager.id;
/** Whom a withdrawal is told to, by id, while the case is with CSC: the parent/carer and both practitioners (the child through them). */
const informed = [...sampleRecipients];

/** A case with the sample family on record whose decision was agreed at `at` (opened the same instant). */
const inPreparation = (at = '2024-06-03T10:00:00+01:00', policy?: Policy) =>
  new CaseRun('cin-outcome', at, policy).addFamily().send(event('decision.agreed', at));

/** Who disagrees, by the sample family's person ids. */
const who = { parent: samplePeople.parent, child: samplePeople.child, partner: samplePeople.partner } as const;

// June 2024, British Summer Time throughout; Monday 3 June to Friday 14 June has no bank holiday.
const june = { opened: '2024-06-03T09:00:00+01:00', decision: '2024-06-03T10:00:00+01:00', prep: '2024-06-03T11:00:00+01:00' };
const ready = () => readyForFinalMeeting('cin-outcome', june);
const meetingAt = '2024-06-12T10:00:00+01:00';
const firstFp = '2024-07-03';
const finalMeeting = (at = meetingAt) => event('finalMeeting.held', at, { firstFamilyPlanMeetingDate: firstFp });

const raise = (id: string, at: string, by: keyof typeof who = 'partner') =>
  event('disagreement.raised', at, { disagreementId: id, personId: who[by], reason: partnerReason });
const resolve = (id: string, at: string, outcome: 'agreed' | 'step-down-withdrawn' = 'agreed') =>
  event('disagreement.resolved', at, { disagreementId: id, outcome });
const refuseConsent = (id: string, at: string) => event('consent.refused', at, { disagreementId: id, reason: refusalReason });
const withdraw = (at: string) => event('stepDown.withdrawn', at, { reason: withdrawalReason });

/** From the final meeting on 12 June to the Team Manager's review on 17 June. */
function inManagerReview(): CaseRun {
  const day = '2024-06-17T11:00:00+01:00';
  const form = { ...event('eCaf.referralCompleted', day).form, firstFamilyPlanMeetingDate: firstFp };
  return ready()
    .send(finalMeeting())
    .send(event('eCaf.referralCompleted', day, { form }))
    .send(event('transferDetails.completed', day))
    .send(event('closureSummary.completed', day))
    .send(event('fileReview.completed', day));
}

const everyone = [...sampleRecipients];
const shareAll = (at: string) => event('documents.shared', at, { recipients: everyone });

const ofType = <T extends Notification['type']>(run: CaseRun, type: T) =>
  run.notifications.filter((n): n is Extract<Notification, { type: T }> => n.type === type);

describe('views (G "Decision made to step down from CSC to CAF" ¶1)', () => {
  it('views-recorded: the final meeting is blocked until the child, the parent/carer and the partner practitioner each have a view recorded, asked for by person id', () => {
    const run = inPreparation()
      .send(event('views.recorded', '2024-06-04T10:00:00+01:00', { personId: samplePeople.child }))
      .send(event('views.recorded', '2024-06-04T11:00:00+01:00', { personId: samplePeople.parent }))
      .send(event('consent.given', '2024-06-04T12:00:00+01:00'))
      .send(event('leadProfessional.agreed', '2024-06-04T12:00:00+01:00'));
    expect(run.view.pending).toEqual([{ step: 'views.recorded', role: 'social-worker', rule: 'views-recorded', detail: 'helen-price' }]);
    const refusal = run.refuse(finalMeeting());
    expectRefusal(refusal, 'GATE_BLOCKED', ['views-recorded']);
    expect(refusal.rules[0]).toEqual({
      rule: 'views-recorded',
      citation: getRule('views-recorded').citation,
      reason: 'views not yet recorded for person(s): helen-price.',
    });
    expect(refusal.rules[0]!.citation).toContain(`${DECISION} ¶1`);
    run.send(event('views.recorded', '2024-06-05T10:00:00+01:00', { personId: samplePeople.partner })).send(finalMeeting());
    expect(run.view.stage).toBe('closure');
  });

  it('views-recorded: with no view at all the refusal names every person whose view is needed, by id and never by name (the Lead Professional’s agreement stands for their view)', () => {
    const run = inPreparation().send(event('consent.given', '2024-06-04T12:00:00+01:00')).send(event('leadProfessional.agreed', '2024-06-04T12:00:00+01:00'));
    const refusal = run.refuse(finalMeeting());
    expectRefusal(refusal, 'GATE_BLOCKED', ['views-recorded']);
    expect(refusal.rules[0]!.reason).toBe('views not yet recorded for person(s): leo, sarah, helen-price.');
  });

  it('views-recorded: a parent whose view disagrees must have that disagreement raised and resolved before the final meeting', () => {
    // The parent's view on 5 June disagrees (docs/decisions.md "A view that disagrees").
    const run = ready().send(event('views.recorded', '2024-06-05T10:00:00+01:00', { personId: samplePeople.parent, agrees: false }));
    const refusal = run.refuse(finalMeeting());
    expectRefusal(refusal, 'GATE_BLOCKED', ['views-recorded']);
    expect(refusal.rules[0]!.reason).toBe('a view that disagrees with the step down has no disagreement raised for person(s): sarah.');
    expect(run.view.pending).toEqual([{ step: 'disagreement.raised', role: 'social-worker', rule: 'views-recorded', detail: 'sarah' }]);
    // A partner's disagreement does not stand for the parent's.
    run.send(raise('D-9', '2024-06-05T11:00:00+01:00', 'partner')).send(resolve('D-9', '2024-06-06T10:00:00+01:00'));
    expectRefusal(run.refuse(finalMeeting()), 'GATE_BLOCKED', ['views-recorded']);
    // Raised as a family disagreement, it blocks as open until resolved; agreed, the meeting goes ahead.
    run.send(raise('D-10', '2024-06-05T12:00:00+01:00', 'parent'));
    expectRefusal(run.refuse(finalMeeting()), 'GATE_BLOCKED', ['no-open-disagreement']);
    run.send(resolve('D-10', '2024-06-07T10:00:00+01:00')).send(finalMeeting());
    expect(run.view.stage).toBe('closure');
  });

  it('views-recorded: a disagreement resolved before a later view that disagrees again does not cover it; a later view that agrees does', () => {
    const run = ready()
      .send(raise('D-11', '2024-06-04T10:00:00+01:00', 'child'))
      .send(resolve('D-11', '2024-06-05T10:00:00+01:00'))
      .send(event('views.recorded', '2024-06-06T10:00:00+01:00', { personId: samplePeople.child, agrees: false }));
    expectRefusal(run.refuse(finalMeeting()), 'GATE_BLOCKED', ['views-recorded']);
    run.send(event('views.recorded', '2024-06-07T10:00:00+01:00', { personId: samplePeople.child, agrees: true })).send(finalMeeting());
    expect(run.view.stage).toBe('closure');
  });
});

describe('informed consent (G "Decision made to step down from CSC to CAF" ¶1, G "Role of the Social Worker" ¶3)', () => {
  it('informed-consent: the final meeting is blocked until a parent or carer has given informed consent', () => {
    const run = inPreparation()
      .send(event('views.recorded', '2024-06-04T10:00:00+01:00', { personId: samplePeople.child }))
      .send(event('views.recorded', '2024-06-04T10:00:00+01:00', { personId: samplePeople.parent }))
      .send(event('views.recorded', '2024-06-04T10:00:00+01:00', { personId: samplePeople.partner }))
      .send(event('leadProfessional.agreed', '2024-06-04T12:00:00+01:00'));
    expect(run.view.pending).toEqual([{ step: 'consent.given', role: 'social-worker', rule: 'informed-consent', detail: 'sarah' }]);
    const refusal = run.refuse(finalMeeting());
    expectRefusal(refusal, 'GATE_BLOCKED', ['informed-consent']);
    expect(refusal.rules[0]!.citation).toBe(`${DECISION} ¶1; G "Role of the Social Worker" ¶3`);
    run.send(event('consent.given', '2024-06-05T10:00:00+01:00')).send(finalMeeting());
  });

  it('informed-consent: what is shared and why must be recorded: a consent with no information listed or no purpose is not a valid event', () => {
    const valid = event('consent.given', '2024-06-05T10:00:00+01:00');
    for (const [field, bad] of [['informationShared', { informationShared: [] }], ['purpose', { purpose: '   ' }]] as const) {
      let error: unknown;
      try {
        parseEvent({ ...valid, ...bad });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StepDownError);
      expect((error as StepDownError).code).toBe('INVALID_EVENT');
      expect((error as StepDownError).details?.['issues']).toContainEqual(expect.objectContaining({ path: field }));
      expect((error as StepDownError).message).not.toContain(samplePeople.parent);
    }
  });
});

describe('refused consent (docs/decisions.md "Refused consent is a family disagreement")', () => {
  it('consent-refusal-is-disagreement: refusal on Monday 10 June 2024 clears the consent and opens a family disagreement due by the end of Monday 17 June (BST)', () => {
    const run = ready().send(refuseConsent('D-1', '2024-06-10T14:00:00+01:00'));
    expect(run.snapshot.context.consents).toEqual({ sarah: { status: 'refused', at: '2024-06-10T14:00:00+01:00' } });
    expect(run.snapshot.context.disagreements).toEqual([
      { id: 'D-1', personId: 'sarah', by: 'family', raisedAt: '2024-06-10T14:00:00+01:00', status: 'open', resolvedAt: null },
    ]);
    expect(run.deadline('disagreement-resolution:D-1')).toMatchObject({
      rule: 'disagreement-resolution',
      opensAt: '2024-06-10T14:00:00+01:00',
      due: '2024-06-17T23:59:59.999+01:00',
      status: 'open',
    });
    expect(run.view.pending).toEqual([
      { step: 'consent.given', role: 'social-worker', rule: 'informed-consent', detail: 'sarah' },
      { step: 'disagreement.resolved', role: 'team-manager', rule: 'disagreement-resolution', detail: 'D-1', actorId: manager, due: '2024-06-17T23:59:59.999+01:00' },
    ]);
    expectRefusal(run.refuse(finalMeeting('2024-06-11T10:00:00+01:00')), 'GATE_BLOCKED', ['informed-consent', 'no-open-disagreement']);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('consent-refusal-is-disagreement: consent must be given again after the disagreement is resolved as agreed', () => {
    const run = ready()
      .send(refuseConsent('D-1', '2024-06-10T14:00:00+01:00'))
      .send(resolve('D-1', '2024-06-12T10:00:00+01:00'));
    expect(run.deadline('disagreement-resolution:D-1').status).toBe('met');
    expectRefusal(run.refuse(finalMeeting('2024-06-13T10:00:00+01:00')), 'GATE_BLOCKED', ['informed-consent']);
    run.send(event('consent.given', '2024-06-12T15:00:00+01:00')).send(finalMeeting('2024-06-13T10:00:00+01:00'));
    expect(run.view.stage).toBe('closure');
  });

  it('consent-refusal-is-disagreement: the record on file is the one recorded last, not the latest-dated: a consent typed after a refusal stands, though dated before it', () => {
    // Consent was refused on 10 June; a consent form dated 6 June is typed in afterwards. "Latest-dated
    // wins" is gone (issue 9): the consent recorded last is the one on file, and a mistake is voided
    // through the engine, never silently ignored.
    const run = inPreparation()
      .send(event('views.recorded', '2024-06-04T10:00:00+01:00', { personId: samplePeople.child }))
      .send(event('views.recorded', '2024-06-04T10:00:00+01:00', { personId: samplePeople.parent }))
      .send(event('views.recorded', '2024-06-04T10:00:00+01:00', { personId: samplePeople.partner }))
      .send(event('leadProfessional.agreed', '2024-06-04T12:00:00+01:00'))
      .send(refuseConsent('D-1', '2024-06-10T14:00:00+01:00'))
      .send(event('consent.given', '2024-06-06T10:00:00+01:00'))
      .send(resolve('D-1', '2024-06-12T10:00:00+01:00'));
    expect(run.snapshot.context.consents).toEqual({ sarah: { status: 'given', at: '2024-06-06T10:00:00+01:00' } });
    run.send(finalMeeting('2024-06-13T10:00:00+01:00'));
    expect(run.view.stage).toBe('closure');
    // And the other way round: a refusal dated 10:30, typed after the consent dated 11:00, is on file.
    const refusedLast = ready().send(refuseConsent('D-1', '2024-06-03T10:30:00+01:00'));
    expect(refusedLast.snapshot.context.consents).toEqual({ sarah: { status: 'refused', at: '2024-06-03T10:30:00+01:00' } });
    expectRefusal(refusedLast.refuse(finalMeeting()), 'GATE_BLOCKED', ['informed-consent', 'no-open-disagreement']);
  });

  it('consent-refusal-is-disagreement: consent refused during closure must be given again before the case closes to CSC and the CAF opens', () => {
    const run = inManagerReview()
      .send(event('stepDown.authorised', '2024-06-18T10:00:00+01:00'))
      .send(shareAll('2024-06-18T11:00:00+01:00'))
      .send(refuseConsent('D-1', '2024-06-18T15:00:00+01:00'))
      .send(resolve('D-1', '2024-06-19T10:00:00+01:00'));
    expectRefusal(run.refuse(event('csc.closed', '2024-06-19T11:00:00+01:00')), 'GATE_BLOCKED', ['informed-consent']);
  });

  it('consent-refusal-is-disagreement: each refusal needs its own disagreement id; reusing one is refused as a data error', () => {
    const run = ready().send(refuseConsent('D-1', '2024-06-10T14:00:00+01:00'));
    expectRefusal(run.refuse(refuseConsent('D-1', '2024-06-11T14:00:00+01:00')), 'GATE_BLOCKED', ['step-sequence']);
    expectRefusal(run.refuse(raise('D-1', '2024-06-11T14:00:00+01:00')), 'GATE_BLOCKED', ['step-sequence']);
  });
});

describe('family and partner disagreements (G "Decision made to step down from CSC to CAF" ¶3–4)', () => {
  it('family-disagreement: a parent or the child disagreeing opens a disagreement the Team Manager resolves; agreed, the step down goes on', () => {
    const run = ready()
      .send(raise('D-2', '2024-06-04T10:00:00+01:00', 'parent'))
      .send(raise('D-3', '2024-06-04T11:00:00+01:00', 'child'));
    // Family or partner follows from the person: the parent/carer and the child are family.
    expect(run.snapshot.context.disagreements.map((d) => [d.id, d.personId, d.by, d.status])).toEqual([
      ['D-2', 'sarah', 'family', 'open'],
      ['D-3', 'leo', 'family', 'open'],
    ]);
    expect(run.view.pending.filter((p) => p.step === 'disagreement.resolved')).toEqual([
      { step: 'disagreement.resolved', role: 'team-manager', rule: 'disagreement-resolution', detail: 'D-2', actorId: manager, due: '2024-06-11T23:59:59.999+01:00' },
      { step: 'disagreement.resolved', role: 'team-manager', rule: 'disagreement-resolution', detail: 'D-3', actorId: manager, due: '2024-06-11T23:59:59.999+01:00' },
    ]);
    // The Social Worker discusses it with the Team Manager: the resolution is the Team Manager's.
    expectRefusal(
      run.refuse(event('disagreement.resolved', '2024-06-05T10:00:00+01:00', { disagreementId: 'D-2', outcome: 'agreed', actor: samplePeople.socialWorker })),
      'NOT_ALLOWED',
      ['division-of-duties'],
    );
    run.send(resolve('D-2', '2024-06-05T10:00:00+01:00')).send(resolve('D-3', '2024-06-05T11:00:00+01:00')).send(finalMeeting());
    expect(run.view.stage).toBe('closure');
    expect(run.snapshot.context.disagreements.map((d) => d.status)).toEqual(['agreed', 'agreed']);
  });

  it('partner-disagreement: a partner agency disagreeing is documented with its reason, which the case never repeats', () => {
    const run = ready().send(raise('D-2', '2024-06-04T10:00:00+01:00', 'partner'));
    expect(run.snapshot.context.disagreements).toEqual([
      { id: 'D-2', personId: 'helen-price', by: 'partner', raisedAt: '2024-06-04T10:00:00+01:00', status: 'open', resolvedAt: null },
    ]);
    expect(run.deadline('disagreement-resolution:D-2').due).toBe('2024-06-11T23:59:59.999+01:00');
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
    // Without its reason it is not documented: the event is invalid, and the error does not quote the input.
    for (const reason of [undefined, '  ']) {
      let error: unknown;
      try {
        parseEvent({ ...raise('D-3', '2024-06-04T10:00:00+01:00'), reason });
      } catch (e) {
        error = e;
      }
      expect((error as StepDownError).code).toBe('INVALID_EVENT');
      expect((error as StepDownError).details?.['issues']).toContainEqual(expect.objectContaining({ path: 'reason' }));
      expect((error as StepDownError).message).not.toContain(samplePeople.partner);
    }
  });

  it('partner-disagreement: a partner may disagree after the final meeting, during closure, with its own 5-working-day deadline', () => {
    const run = inManagerReview().send(raise('D-4', '2024-06-17T15:00:00+01:00'));
    expect(run.view.stage).toBe('closure');
    expect(run.deadline('disagreement-resolution:D-4').due).toBe('2024-06-24T23:59:59.999+01:00');
  });
});

describe('resolving within 5 working days (G "Decision made to step down from CSC to CAF" ¶3–4)', () => {
  const dueOf = (raisedAt: string, policy?: Policy) =>
    inPreparation(raisedAt, policy).send(raise('D-2', raisedAt)).deadline('disagreement-resolution:D-2').due;

  it('disagreement-resolution: a disagreement raised on Friday 20 December 2024 must be resolved by the end of Tuesday 31 December 2024 (Christmas and Boxing Day skipped)', () => {
    // 23, 24, 27, 30, 31 December are the five working days after Friday 20 December.
    expect(dueOf('2024-12-20T10:00:00Z')).toBe('2024-12-31T23:59:59.999+00:00');
  });

  it('disagreement-resolution: a disagreement raised on Monday 23 December 2024 must be resolved by the end of Thursday 2 January 2025 (New Year’s Day skipped too)', () => {
    expect(dueOf('2024-12-23T10:00:00Z')).toBe('2025-01-02T23:59:59.999+00:00');
  });

  it('disagreement-resolution: raised on Wednesday 27 March 2024, across Good Friday, Easter Monday and the clock change on 31 March, it is due by the end of Friday 5 April 2024 BST', () => {
    const run = inPreparation('2024-03-27T11:00:00Z').send(raise('D-2', '2024-03-27T11:00:00Z'));
    expect(run.deadline('disagreement-resolution:D-2')).toEqual({
      id: 'disagreement-resolution:D-2',
      rule: 'disagreement-resolution',
      citation: `${DECISION} ¶3–4`,
      opensAt: '2024-03-27T11:00:00Z',
      due: '2024-04-05T23:59:59.999+01:00',
      status: 'open',
      closedAt: null,
      // Counted in working days: it names the bank-holiday calendar it was counted with.
      calendarVersion: defaultCalendar().version,
    });
    expect(ofType(run, 'deadline.opened')).toEqual([
      { type: 'deadline.opened', caseId: 'case-1', rule: 'disagreement-resolution', deadlineId: 'disagreement-resolution:D-2', due: '2024-04-05T23:59:59.999+01:00' },
    ]);
  });

  it('disagreement-resolution: more real dates — across both clock changes, Easter 2025, and a raise just after midnight London time', () => {
    expect({
      'Fri 25 Oct 2024 BST, clocks back on 27 Oct': dueOf('2024-10-25T15:00:00+01:00'),
      'Thu 27 Mar 2025 GMT, clocks forward on 30 Mar': dueOf('2025-03-27T12:00:00Z'),
      'Wed 16 Apr 2025, Good Friday 18 and Easter Monday 21 Apr': dueOf('2025-04-16T10:00:00+01:00'),
      'Thu 13 Jun 2024 23:30Z is Fri 14 Jun 00:30 BST': dueOf('2024-06-13T23:30:00Z'),
      'Sat 15 Jun 2024: counting starts on Monday': dueOf('2024-06-15T10:00:00+01:00'),
      'Fri 23 May 2025, spring bank holiday 26 May': dueOf('2025-05-23T10:00:00+01:00'),
      'Fri 26 Dec 2025 (Boxing Day), New Year’s Day 2026 skipped': dueOf('2025-12-26T10:00:00Z'),
    }).toEqual({
      'Fri 25 Oct 2024 BST, clocks back on 27 Oct': '2024-11-01T23:59:59.999+00:00',
      'Thu 27 Mar 2025 GMT, clocks forward on 30 Mar': '2025-04-03T23:59:59.999+01:00',
      'Wed 16 Apr 2025, Good Friday 18 and Easter Monday 21 Apr': '2025-04-25T23:59:59.999+01:00',
      'Thu 13 Jun 2024 23:30Z is Fri 14 Jun 00:30 BST': '2024-06-21T23:59:59.999+01:00',
      'Sat 15 Jun 2024: counting starts on Monday': '2024-06-21T23:59:59.999+01:00',
      'Fri 23 May 2025, spring bank holiday 26 May': '2025-06-02T23:59:59.999+01:00',
      'Fri 26 Dec 2025 (Boxing Day), New Year’s Day 2026 skipped': '2026-01-05T23:59:59.999+00:00',
    });
  });

  it('disagreement-resolution: in Scotland, raised on Monday 30 December 2024, it is due a day later than in England because 2 January is a Scottish bank holiday', () => {
    expect(dueOf('2024-12-30T10:00:00Z', definePolicy({ division: 'scotland' }))).toBe('2025-01-08T23:59:59.999+00:00');
    expect(dueOf('2024-12-30T10:00:00Z')).toBe('2025-01-07T23:59:59.999+00:00');
  });

  // Raised Monday 3 June 2024: due by the end of Monday 10 June (BST).
  const raised = () => inPreparation().send(raise('D-2', '2024-06-03T10:00:00+01:00'));
  const due = '2024-06-10T23:59:59.999+01:00';

  it('disagreement-resolution: resolved on time, up to the last millisecond of the fifth working day, the deadline is met and nothing is breached', () => {
    for (const at of ['2024-06-07T16:00:00+01:00', due]) {
      const run = raised().send(resolve('D-2', at));
      expect(run.deadline('disagreement-resolution:D-2')).toMatchObject({ due, status: 'met', closedAt: at });
      expect(run.view.breaches).toEqual([]);
      expect(ofType(run, 'breach.recorded')).toEqual([]);
    }
  });

  it('disagreement-resolution: resolved late (23:00Z on 10 June is midnight BST) it is met-late and the breach is detected at the resolution', () => {
    const lateAt = '2024-06-10T23:00:00Z';
    const run = raised().send(resolve('D-2', lateAt));
    expect(run.deadline('disagreement-resolution:D-2')).toMatchObject({ status: 'met-late', closedAt: lateAt });
    const breach = {
      rule: 'disagreement-resolution',
      citation: `${DECISION} ¶3–4`,
      due,
      detectedAt: lateAt,
      deadlineId: 'disagreement-resolution:D-2',
    };
    expect(run.view.breaches).toEqual([breach]);
    expect(ofType(run, 'breach.recorded')).toEqual([{ type: 'breach.recorded', caseId: 'case-1', ...breach }]);
  });

  it('disagreement-resolution: a tick after the due instant marks it missed and records the breach once; a second tick records no second breach', () => {
    const run = raised().tick(due);
    expect(run.deadline('disagreement-resolution:D-2').status).toBe('open');
    run.tick('2024-06-11T00:00:00+01:00');
    expect(run.deadline('disagreement-resolution:D-2')).toMatchObject({ status: 'missed', closedAt: null });
    run.tick('2024-06-12T09:00:00+01:00');
    expect(run.breachesOf('disagreement-resolution')).toEqual([
      { rule: 'disagreement-resolution', citation: `${DECISION} ¶3–4`, due, detectedAt: '2024-06-11T00:00:00+01:00', deadlineId: 'disagreement-resolution:D-2' },
    ]);
    const notes = ofType(run, 'breach.recorded');
    expect(notes).toHaveLength(1);
    // Ids, the rule, its citation and dates only.
    expect(Object.keys(notes[0]!).sort()).toEqual(['caseId', 'citation', 'deadlineId', 'detectedAt', 'due', 'rule', 'type']);
    expectNoFreeText(run.notifications);
    // The missed disagreement still blocks the final meeting: a timescale never unblocks a gate.
    // The step stays pending, due when it was due: a missed step keeps its due instant on the work list.
    expect(run.view.pending).toContainEqual({ step: 'disagreement.resolved', role: 'team-manager', rule: 'disagreement-resolution', detail: 'D-2', actorId: manager, due });
  });

  it('disagreement-resolution: a resolution recorded after the tick but dated on time is met, and the breach is withdrawn with a breach.withdrawn notification', () => {
    const run = raised().tick('2024-06-11T09:00:00+01:00').send(resolve('D-2', '2024-06-10T16:00:00+01:00'));
    expect(run.deadline('disagreement-resolution:D-2')).toMatchObject({ status: 'met', closedAt: '2024-06-10T16:00:00+01:00' });
    expect(run.view.breaches).toEqual([]);
    expect(ofType(run, 'breach.withdrawn')).toEqual([
      {
        type: 'breach.withdrawn',
        caseId: 'case-1',
        rule: 'disagreement-resolution',
        deadlineId: 'disagreement-resolution:D-2',
        at: '2024-06-10T16:00:00+01:00',
        reason: 'met-on-time',
      },
    ]);
  });

  it('disagreement-resolution: a resolution recorded after the tick and dated late is met-late, with the one breach the tick found', () => {
    const run = raised().tick('2024-06-11T09:00:00+01:00').send(resolve('D-2', '2024-06-12T10:00:00+01:00'));
    expect(run.deadline('disagreement-resolution:D-2').status).toBe('met-late');
    expect(run.breachesOf('disagreement-resolution').map((b) => b.detectedAt)).toEqual(['2024-06-11T09:00:00+01:00']);
    expect(ofType(run, 'breach.recorded')).toHaveLength(1);
    expect(ofType(run, 'breach.withdrawn')).toEqual([]);
  });

  it('disagreement-resolution: several disagreements open at once each run to their own deadline', () => {
    const run = ready()
      .send(refuseConsent('D-1', '2024-06-03T14:00:00+01:00')) // Mon → Mon 10 June
      .send(raise('D-2', '2024-06-05T10:00:00+01:00', 'partner')) // Wed → Wed 12 June
      .send(raise('D-3', '2024-06-07T10:00:00+01:00', 'child')); // Fri → Fri 14 June
    expect(run.view.deadlines.map((d) => [d.id, d.due])).toEqual([
      ['disagreement-resolution:D-1', '2024-06-10T23:59:59.999+01:00'],
      ['disagreement-resolution:D-2', '2024-06-12T23:59:59.999+01:00'],
      ['disagreement-resolution:D-3', '2024-06-14T23:59:59.999+01:00'],
    ]);
    run.tick('2024-06-11T09:00:00+01:00').send(resolve('D-2', '2024-06-12T10:00:00+01:00')).tick('2024-06-17T09:00:00+01:00');
    expect(run.view.deadlines.map((d) => [d.id, d.status])).toEqual([
      ['disagreement-resolution:D-1', 'missed'],
      ['disagreement-resolution:D-2', 'met'],
      ['disagreement-resolution:D-3', 'missed'],
    ]);
    expect(run.view.breaches.map((b) => [b.deadlineId, b.detectedAt])).toEqual([
      ['disagreement-resolution:D-1', '2024-06-11T09:00:00+01:00'],
      ['disagreement-resolution:D-3', '2024-06-17T09:00:00+01:00'],
    ]);
  });
});

describe('no final meeting, authorisation or closure while a disagreement is open', () => {
  it('no-open-disagreement: the final meeting is GATE_BLOCKED while a disagreement is open, naming it by id only', () => {
    const run = ready().send(raise('D-2', '2024-06-04T10:00:00+01:00'));
    const refusal = run.refuse(finalMeeting());
    expectRefusal(refusal, 'GATE_BLOCKED', ['no-open-disagreement']);
    expect(refusal.rules[0]).toEqual({
      rule: 'no-open-disagreement',
      citation: `${DECISION} ¶3–4`,
      reason: 'disagreement(s) still open: D-2.',
    });
    run.send(resolve('D-2', '2024-06-06T10:00:00+01:00')).send(finalMeeting());
  });

  it('no-open-disagreement: during closure an open disagreement blocks the Team Manager’s authorisation and the closure to CSC', () => {
    const run = inManagerReview().send(raise('D-4', '2024-06-17T15:00:00+01:00'));
    expectRefusal(run.refuse(event('stepDown.authorised', '2024-06-18T10:00:00+01:00')), 'GATE_BLOCKED', ['no-open-disagreement']);
    run
      .send(resolve('D-4', '2024-06-18T09:00:00+01:00'))
      .send(event('stepDown.authorised', '2024-06-18T10:00:00+01:00'))
      .send(shareAll('2024-06-18T11:00:00+01:00'))
      .send(raise('D-5', '2024-06-18T12:00:00+01:00', 'parent'));
    expectRefusal(run.refuse(event('csc.closed', '2024-06-18T16:00:00+01:00')), 'GATE_BLOCKED', ['no-open-disagreement']);
    run.send(resolve('D-5', '2024-06-19T10:00:00+01:00')).send(event('csc.closed', '2024-06-19T11:00:00+01:00'));
    expect(run.view.stage).toBe('early-help');
  });
});

describe('a disagreement that withdraws the step down', () => {
  it('disagreement-withdrawal: resolved as step-down-withdrawn the case remains with CSC and the other open deadlines are cancelled', () => {
    const run = ready()
      .send(refuseConsent('D-1', '2024-06-03T14:00:00+01:00'))
      .send(raise('D-2', '2024-06-04T10:00:00+01:00'))
      .send(resolve('D-2', '2024-06-06T10:00:00+01:00', 'step-down-withdrawn'));
    expect(run.view).toMatchObject({ outcome: 'remains-with-csc', stage: 'closed', states: ['remains-with-csc'], pending: [] });
    expect(run.view.deadlines.map((d) => [d.id, d.status, d.closedAt])).toEqual([
      ['disagreement-resolution:D-1', 'cancelled', '2024-06-06T10:00:00+01:00'],
      ['disagreement-resolution:D-2', 'met', '2024-06-06T10:00:00+01:00'],
    ]);
    expect(run.view.breaches).toEqual([]);
    expect(run.notifications.slice(-2)).toEqual([
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'remains-with-csc', at: '2024-06-06T10:00:00+01:00' },
      { type: 'parties.toInform', caseId: 'case-1', reason: 'step-down-withdrawn', personIds: informed, roles: ['social-worker'], at: '2024-06-06T10:00:00+01:00' },
    ]);
    const after = run.refuse(finalMeeting());
    expect(after.code).toBe('EVENT_NOT_ACCEPTED');
    expectNoFreeText(after);
  });

  it('disagreement-withdrawal: a deadline already overdue when the step down is withdrawn is missed, its breach detected at the withdrawal', () => {
    const run = ready()
      .send(refuseConsent('D-1', '2024-06-03T14:00:00+01:00')) // due Monday 10 June
      .send(raise('D-2', '2024-06-07T10:00:00+01:00'))
      .send(resolve('D-2', '2024-06-12T10:00:00+01:00', 'step-down-withdrawn'));
    expect(run.deadline('disagreement-resolution:D-1').status).toBe('missed');
    expect(run.breachesOf('disagreement-resolution').map((b) => [b.deadlineId, b.detectedAt])).toEqual([
      ['disagreement-resolution:D-1', '2024-06-12T10:00:00+01:00'],
    ]);
  });

  it('disagreement-withdrawal: during closure too, a disagreement resolved by withdrawing ends the case with CSC', () => {
    const run = inManagerReview()
      .send(raise('D-4', '2024-06-17T15:00:00+01:00'))
      .send(resolve('D-4', '2024-06-18T10:00:00+01:00', 'step-down-withdrawn'));
    expect(run.view.outcome).toBe('remains-with-csc');
  });
});

describe('the Team Manager withdraws the step down', () => {
  const expectRemainsWithCsc = (run: CaseRun, at: string, personIds: readonly string[] = informed) => {
    expect(run.view).toMatchObject({ outcome: 'remains-with-csc', stage: 'closed', pending: [] });
    expect(ofType(run, 'parties.toInform')).toEqual([
      { type: 'parties.toInform', caseId: 'case-1', reason: 'step-down-withdrawn', personIds, roles: ['social-worker'], at },
    ]);
    expectNoFreeText(run.notifications);
    expectNoFreeText(run.view);
  };

  it('step-down-withdrawal: withdrawn in the decision stage, the case remains with CSC', () => {
    const at = '2024-06-03T12:00:00+01:00';
    // No one is on the case record yet: the Social Worker is told, and no person.
    expectRemainsWithCsc(new CaseRun('cin-outcome', june.opened).send(withdraw(at)), at, []);
  });

  it('step-down-withdrawal: withdrawn in preparation, the case remains with CSC and the open disagreement deadline is cancelled', () => {
    const at = '2024-06-05T12:00:00+01:00';
    const run = ready().send(raise('D-2', '2024-06-04T10:00:00+01:00')).send(withdraw(at));
    expectRemainsWithCsc(run, at);
    expect(run.deadline('disagreement-resolution:D-2')).toMatchObject({ status: 'cancelled', closedAt: at });
  });

  it('step-down-withdrawal: withdrawn during closure, before the case closes to CSC, the case remains with CSC', () => {
    const at = '2024-06-18T10:00:00+01:00';
    expectRemainsWithCsc(inManagerReview().send(withdraw(at)), at);
  });

  it('step-down-withdrawal: only the Team Manager withdraws; the Social Worker is NOT_ALLOWED', () => {
    const refusal = ready().refuse(event('stepDown.withdrawn', '2024-06-05T12:00:00+01:00', { reason: withdrawalReason, actor: samplePeople.socialWorker }));
    expectRefusal(refusal, 'NOT_ALLOWED', ['division-of-duties']);
  });

  it('step-down-withdrawal: after csc.closed the step down can no longer be withdrawn (a step up is the route back)', () => {
    const run = inManagerReview()
      .send(event('stepDown.authorised', '2024-06-18T10:00:00+01:00'))
      .send(shareAll('2024-06-18T11:00:00+01:00'))
      .send(event('csc.closed', '2024-06-18T12:00:00+01:00'));
    const refusal = run.refuse(withdraw('2024-06-19T10:00:00+01:00'));
    expectRefusal(refusal, 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    expect(refusal.message).toContain("'stepDown.withdrawn' is not a step of the early-help stage");
    expect(run.view.stage).toBe('early-help');
    run.send(event('stepUp.referred', '2024-06-19T10:00:00+01:00', { actor: samplePeople.teamManager }));
    expect(run.view.outcome).toBe('stepped-up');
  });
});
