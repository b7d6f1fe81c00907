import { describe, expect, it } from 'vitest';
import {
  type Notification,
} from '../../src/index.js';
import { sampleActionIds, sampleNames, samplePeople } from '../events/samples.js';
import { CaseRun, closeToCsc, event, readyForFinalMeeting, readyToCloseToCsc, freeTextChecks } from './harness.js';

// A CIN case in autumn 2024. It closes to CSC on Thursday 10 October 2024 (BST); British Summer Time
// ends on Sunday 27 October, so the 28 days for the initial family plan meeting end in GMT.
const days = { opened: '2024-09-16T09:00:00+01:00', decision: '2024-09-16T15:00:00+01:00', prep: '2024-09-18T10:00:00+01:00' };
const meetingAt = '2024-09-26T10:00:00+01:00';
const firstFp = '2024-10-17';
const closedAt = '2024-10-10T14:00:00+01:00';

const allMet = sampleActionIds.map((id) => ({ id, status: 'met' as const }));
const allOpen = sampleActionIds.map((id) => ({ id, status: 'open' as const }));

// Free text the CAF Link Worker and the Social Worker exchange: no refusal, view or notification may repeat it.
const questions = ['Is the non-molestation order against Mr Taylor still in force at 14 Elm Road?', 'Who from health attends?'];
const answers = 'The order runs until March 2025; the school nurse, Mrs Okoro, will attend the family plan meetings.';
const freeText = [
  ...sampleNames, ...questions, answers,
];
const { expectNoFreeText, expectRefusal } = freeTextChecks(freeText);

const closure = { meeting: meetingAt, firstFp, closed: closedAt };

/** 28 days from the CSC closure on 10 October (BST), ending in GMT: the initial meeting and the CAF Link Worker's contact fall due together. */
const initialDue = '2024-11-07T23:59:59.999+00:00';
const lp = samplePeople.leadProfessional.personId;

/** In closure, all closure steps done but the referral closure itself. */
const beforeCscClosure = () => readyToCloseToCsc(readyForFinalMeeting('cin-outcome', days), closure);

const underCaf = () => closeToCsc(readyForFinalMeeting('cin-outcome', days), closure);

const askFor = (at: string) => event('ehm.infoRequested', at, { questions });
const answer = (at: string) => event('ehm.infoProvided', at, { answers });

/** The Social Worker answers the CAF Link Worker's question, dated `at`. */
function provide(run: CaseRun, at: string): CaseRun {
  run.send(answer(at));
  expect(run.snapshot.value).toMatchObject({ underCaf: { ehm: 'qualityAssurance' } });
  expect(run.snapshot.context.ehm.infoProvidedAt).toBe(at);
  return run;
}

const ofType = <T extends Notification['type']>(run: CaseRun, type: T) =>
  run.notifications.filter((n): n is Extract<Notification, { type: T }> => n.type === type);

/** A case whose Lead Professional has run the plan to a final meeting with every action met, on 9 January 2025. */
function planRunToFinalMeeting(run: CaseRun): CaseRun {
  return run
    .send(event('familyPlanMeeting.held', '2024-10-31T10:00:00Z', { kind: 'initial', actions: allOpen }))
    .send(event('familyPlanMeeting.held', '2024-12-12T10:00:00Z', { kind: 'review', actions: allOpen }))
    .send(event('familyPlanMeeting.held', '2025-01-09T10:00:00Z', { kind: 'final', actions: allMet }));
}

describe('quality assurance in EHM (G "Role of the CAF Link Worker" ¶2)', () => {
  it('ehm-quality-assurance: once the case closes to CSC the CAF waits in EHM for the CAF Link Worker, beside the Lead Professional’s initial meeting', () => {
    const run = underCaf();
    expect(run.view.stage).toBe('early-help');
    expect(run.view.states).toEqual(['underCaf.ehm.qualityAssurance', 'underCaf.familyPlan.awaitingInitialMeeting']);
    // The authorisation comes before the contact, so it is due by the contact's date; the initial
    // meeting is the Lead Professional's, by person id.
    expect(run.view.pending).toEqual([
      { step: 'ehm.authorised', role: 'caf-link-worker', rule: 'ehm-quality-assurance', due: initialDue },
      { step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'first-family-plan-meeting', detail: 'initial', personId: lp, due: initialDue },
    ]);
    expect(run.snapshot.context.ehm).toEqual({ infoRequests: 0, infoRequestedAt: null, infoProvidedAt: null, authorisedAt: null, leadProfessionalContactedAt: null });
    expect(run.notifications).toContainEqual({ type: 'stage.entered', caseId: 'case-1', stage: 'early-help', at: closedAt });
    expect(run.view.breaches).toEqual([]);
  });

  it('ehm-quality-assurance: no EHM step is accepted while the case is still with CSC, before the referral closure', () => {
    const run = beforeCscClosure();
    for (const e of [askFor(closedAt), answer(closedAt), event('ehm.authorised', closedAt), event('leadProfessional.contacted', closedAt)]) {
      const refusal = run.refuse(e);
      expectRefusal(refusal, 'EVENT_NOT_ACCEPTED', ['step-sequence']);
      expect(refusal.rules[0]!.reason).toBe('the case is waiting for: csc.closed (social-worker).');
    }
  });

  it('ehm-quality-assurance: the CAF Link Worker authorises the CAF in EHM; the file transfers and a leadProfessional.toContact notification is emitted once', () => {
    const authorisedAt = '2024-10-14T11:00:00+01:00';
    const run = underCaf().send(event('ehm.authorised', authorisedAt));
    expect(run.view.states).toEqual(['underCaf.ehm.transferred', 'underCaf.familyPlan.awaitingInitialMeeting']);
    expect(run.snapshot.context.ehm).toEqual({ infoRequests: 0, infoRequestedAt: null, infoProvidedAt: null, authorisedAt, leadProfessionalContactedAt: null });
    expect(ofType(run, 'leadProfessional.toContact')).toEqual([{ type: 'leadProfessional.toContact', caseId: 'case-1', at: authorisedAt }]);
    // Authorised once: a second authorisation, or a request for information after it, is not a step any more.
    expectRefusal(run.refuse(event('ehm.authorised', '2024-10-15T11:00:00+01:00')), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    expectRefusal(run.refuse(askFor('2024-10-15T11:00:00+01:00')), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    expect(ofType(run, 'leadProfessional.toContact')).toHaveLength(1);
  });

  it('ehm-quality-assurance: the CAF Link Worker may ask the Social Worker for more information any number of rounds (three here) before authorising', () => {
    const run = underCaf();
    const rounds = [
      ['2024-10-11T09:00:00+01:00', '2024-10-14T16:00:00+01:00'],
      ['2024-10-16T09:00:00+01:00', '2024-10-18T12:00:00+01:00'],
      // The third round runs across the end of British Summer Time on 27 October.
      ['2024-10-25T15:00:00+01:00', '2024-10-28T10:00:00Z'],
    ] as const;
    rounds.forEach(([asked, answered], index) => {
      run.send(askFor(asked));
      expect(run.view.states).toEqual(['underCaf.ehm.awaitingInformation', 'underCaf.familyPlan.awaitingInitialMeeting']);
      expect(run.view.pending).toEqual([
        { step: 'ehm.infoProvided', role: 'social-worker', rule: 'ehm-quality-assurance' },
        { step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'first-family-plan-meeting', detail: 'initial', personId: lp, due: initialDue },
      ]);
      expect(run.snapshot.context.ehm.infoRequests).toBe(index + 1);
      // While the Social Worker has not answered, the CAF Link Worker cannot authorise.
      expectRefusal(run.refuse(event('ehm.authorised', answered)), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
      provide(run, answered);
      expect(run.view.states).toEqual(['underCaf.ehm.qualityAssurance', 'underCaf.familyPlan.awaitingInitialMeeting']);
    });
    run.send(event('ehm.authorised', '2024-10-29T10:00:00Z'));
    expect(run.snapshot.context.ehm).toEqual({
      infoRequests: 3,
      infoRequestedAt: '2024-10-25T15:00:00+01:00',
      infoProvidedAt: '2024-10-28T10:00:00Z',
      authorisedAt: '2024-10-29T10:00:00Z',
      leadProfessionalContactedAt: null,
    });
    expect(run.view.states).toEqual(['underCaf.ehm.transferred', 'underCaf.familyPlan.awaitingInitialMeeting']);
    // The rounds of questions are not a breach and do not move any deadline.
    expect(run.view.breaches).toEqual([]);
    expect(run.view.deadlines.map((d) => [d.id, d.status, d.due])).toEqual([
      ['first-meeting-date', 'met', '2024-10-24T23:59:59.999+01:00'],
      ['first-family-plan-meeting', 'open', '2024-11-07T23:59:59.999+00:00'],
      ['clw-contacts-lead-professional', 'open', '2024-11-07T23:59:59.999+00:00'],
      ['caf-twelve-months:1', 'open', '2025-10-10T23:59:59.999+01:00'],
    ]);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('ehm-quality-assurance: an answer is only accepted to an open request; none is open before the first request or after it is answered', () => {
    const run = underCaf();
    expectRefusal(run.refuse(answer('2024-10-11T09:00:00+01:00')), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    provide(run.send(askFor('2024-10-11T09:00:00+01:00')), '2024-10-11T15:00:00+01:00');
    expectRefusal(run.refuse(answer('2024-10-11T16:00:00+01:00')), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
  });

  it('ehm-quality-assurance: only the CAF Link Worker asks and authorises, and only the Social Worker answers', () => {
    const run = underCaf();
    const at = '2024-10-11T09:00:00+01:00';
    const wrong = [
      { e: askFor(at), actor: samplePeople.socialWorker, reason: "'ehm.infoRequested' is for caf-link-worker, not social-worker." },
      { e: event('ehm.authorised', at), actor: samplePeople.teamManager, reason: "'ehm.authorised' is for caf-link-worker, not team-manager." },
      { e: event('ehm.authorised', at), actor: samplePeople.leadProfessionalActor, reason: "'ehm.authorised' is for caf-link-worker, not lead-professional." },
    ];
    for (const { e, actor, reason } of wrong) {
      const refusal = run.refuse({ ...e, actor });
      expectRefusal(refusal, 'NOT_ALLOWED', ['division-of-duties']);
      expect(refusal.rules[0]!.reason).toBe(reason);
    }
    run.send(askFor(at));
    const refusal = run.refuse({ ...answer('2024-10-12T09:00:00+01:00'), actor: samplePeople.cafLinkWorker });
    expectRefusal(refusal, 'NOT_ALLOWED', ['division-of-duties']);
    expect(refusal.rules[0]!.reason).toBe("'ehm.infoProvided' is for social-worker, not caf-link-worker.");
  });

  it('ehm-quality-assurance: an EHM step dated before the case closed to CSC is refused as out of sequence, naming the closure instant', () => {
    const run = underCaf();
    for (const e of [askFor('2024-10-10T13:59:59+01:00'), event('ehm.authorised', '2024-10-10T12:59:59Z')]) {
      const refusal = run.refuse(e);
      expectRefusal(refusal, 'GATE_BLOCKED', ['step-sequence']);
      expect(refusal.rules[0]!.reason).toContain(closedAt);
    }
    // 13:00Z is 14:00 BST: the same instant as the closure, not before it.
    run.send(event('ehm.authorised', '2024-10-10T13:00:00Z'));
  });

  it('ehm-quality-assurance: the Social Worker’s answer is kept on the case, as every accepted step is, so later steps can be ordered after it', () => {
    // CaseRun.send fails an accepted step that leaves the case's context untouched.
    const run = underCaf().send(askFor('2024-10-16T09:00:00+01:00')).send(answer('2024-10-18T12:00:00+01:00'));
    expect(run.view.states).toEqual(['underCaf.ehm.qualityAssurance', 'underCaf.familyPlan.awaitingInitialMeeting']);
  });

  it('ehm-quality-assurance: within a round the answer may not be dated before the question it answers', () => {
    const run = underCaf().send(askFor('2024-10-16T09:00:00+01:00'));
    const refusal = run.refuse(answer('2024-10-15T16:00:00+01:00'));
    expectRefusal(refusal, 'GATE_BLOCKED', ['step-sequence']);
  });

  it('ehm-quality-assurance: the authorisation may not be dated before the answer it rests on', () => {
    const run = provide(underCaf().send(askFor('2024-10-16T09:00:00+01:00')), '2024-10-18T12:00:00+01:00');
    const refusal = run.refuse(event('ehm.authorised', '2024-10-17T12:00:00+01:00'));
    expectRefusal(refusal, 'GATE_BLOCKED', ['step-sequence']);
  });

  it('ehm-quality-assurance: the Lead Professional may hold the family plan meetings while EHM quality assurance runs, but caf.closed is refused until the CAF is authorised in EHM', () => {
    const run = planRunToFinalMeeting(underCaf().send(askFor('2024-10-11T09:00:00+01:00')));
    expect(run.view.states).toEqual(['underCaf.ehm.awaitingInformation', 'underCaf.familyPlan.finalMeetingHeld']);
    const close = event('caf.closed', '2025-01-10T10:00:00Z');
    const refusal = run.refuse(close);
    expectRefusal(refusal, 'GATE_BLOCKED', ['ehm-quality-assurance']);
    expect(refusal.rules[0]).toEqual({
      rule: 'ehm-quality-assurance',
      citation: 'G "Role of the CAF Link Worker" ¶2; G "Case closure and referral to EHM" ¶1',
      reason: 'the CAF Link Worker has not yet authorised the CAF in EHM.',
    });
    provide(run, '2025-01-10T11:00:00Z');
    expectRefusal(run.refuse(event('caf.closed', '2025-01-10T12:00:00Z')), 'GATE_BLOCKED', ['ehm-quality-assurance']);
    run.send(event('ehm.authorised', '2025-01-13T10:00:00Z')).send(event('caf.closed', '2025-01-14T10:00:00Z'));
    expect(run.view.outcome).toBe('caf-closed');
    expect(run.snapshot.context.ehm.infoRequests).toBe(1);
  });
});

describe('the CAF Link Worker contacts the Lead Professional (G "Role of the CAF Link Worker" ¶3)', () => {
  const authorisedAt = '2024-10-14T11:00:00+01:00';
  const transferred = () => underCaf().send(event('ehm.authorised', authorisedAt));

  it('clw-contacts-lead-professional: once the file is in EHM the case waits for the CAF Link Worker to contact the Lead Professional, and records when', () => {
    const run = transferred();
    expect(run.view.pending).toEqual([
      { step: 'leadProfessional.contacted', role: 'caf-link-worker', rule: 'clw-contacts-lead-professional', due: initialDue },
      { step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'first-family-plan-meeting', detail: 'initial', personId: lp, due: initialDue },
    ]);
    const contactedAt = '2024-10-15T09:30:00+01:00';
    run.send(event('leadProfessional.contacted', contactedAt));
    expect(run.view.states).toEqual(['underCaf.ehm.leadProfessionalContacted', 'underCaf.familyPlan.awaitingInitialMeeting']);
    expect(run.snapshot.context.ehm).toEqual({ infoRequests: 0, infoRequestedAt: null, infoProvidedAt: null, authorisedAt, leadProfessionalContactedAt: contactedAt });
    expect(run.view.pending).toEqual([
      { step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'first-family-plan-meeting', detail: 'initial', personId: lp, due: initialDue },
    ]);
    expect(run.deadline('clw-contacts-lead-professional')).toMatchObject({ status: 'met', closedAt: contactedAt, due: initialDue });
    // The contact is made once.
    expectRefusal(run.refuse(event('leadProfessional.contacted', '2024-10-16T09:30:00+01:00')), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    expect(run.view.breaches).toEqual([]);
  });

  it('clw-contacts-lead-professional: the contact waits for the file to transfer: refused during quality assurance and while information is awaited', () => {
    const run = underCaf();
    expectRefusal(run.refuse(event('leadProfessional.contacted', '2024-10-11T09:00:00+01:00')), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    run.send(askFor('2024-10-11T09:00:00+01:00'));
    const refusal = run.refuse(event('leadProfessional.contacted', '2024-10-11T10:00:00+01:00'));
    expectRefusal(refusal, 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    expect(refusal.rules[0]!.reason).toBe('the case is waiting for: ehm.infoProvided (social-worker), familyPlanMeeting.held (lead-professional).');
  });

  it('clw-contacts-lead-professional: the contact may not be dated before the authorisation in EHM', () => {
    const run = transferred();
    const refusal = run.refuse(event('leadProfessional.contacted', '2024-10-14T10:59:59+01:00'));
    expectRefusal(refusal, 'GATE_BLOCKED', ['step-sequence']);
    expect(refusal.rules[0]!.reason).toContain(authorisedAt);
    run.send(event('leadProfessional.contacted', '2024-10-14T10:00:00Z'));
  });

  it('clw-contacts-lead-professional: the contact is the CAF Link Worker’s: the Lead Professional or the Social Worker cannot record it', () => {
    const run = transferred();
    for (const actor of [samplePeople.leadProfessionalActor, samplePeople.socialWorker]) {
      const refusal = run.refuse(event('leadProfessional.contacted', '2024-10-15T09:30:00+01:00', { actor }));
      expectRefusal(refusal, 'NOT_ALLOWED', ['division-of-duties']);
      expect(refusal.rules[0]!.reason).toBe(`'leadProfessional.contacted' is for caf-link-worker, not ${actor.role}.`);
    }
  });

  it('clw-contacts-lead-professional: never contacted, the contact is missed by the tick after the initial meeting’s 28 days, not at the CAF closure; the closure adds no second breach', () => {
    const run = transferred().tick('2024-11-08T07:00:00Z');
    const missed = {
      rule: 'clw-contacts-lead-professional',
      citation: 'G "Role of the CAF Link Worker" ¶3',
      due: initialDue,
      detectedAt: '2024-11-08T07:00:00Z',
      deadlineId: 'clw-contacts-lead-professional',
    };
    expect(run.breachesOf('clw-contacts-lead-professional')).toEqual([missed]);
    expect(run.deadline('clw-contacts-lead-professional')).toMatchObject({ status: 'missed' });
    planRunToFinalMeeting(run).send(event('caf.closed', '2025-01-10T10:00:00Z'));
    expect(run.view.outcome).toBe('caf-closed');
    expect(run.breachesOf('clw-contacts-lead-professional')).toEqual([missed]);
  });

  it('clw-contacts-lead-professional: a CAF closed with no tick and the Lead Professional never contacted finds the contact missed at its due instant, kept as a breach with its citation', () => {
    const run = planRunToFinalMeeting(transferred()).send(event('caf.closed', '2025-01-10T10:00:00Z'));
    expect(run.view.outcome).toBe('caf-closed');
    expect(run.breachesOf('clw-contacts-lead-professional')).toEqual([
      {
        rule: 'clw-contacts-lead-professional',
        citation: 'G "Role of the CAF Link Worker" ¶3',
        due: initialDue,
        detectedAt: '2025-01-10T10:00:00Z',
        deadlineId: 'clw-contacts-lead-professional',
      },
    ]);
  });

  it('clw-contacts-lead-professional: a version-1 case keeps its rule: no deadline, and a CAF closed with the Lead Professional never contacted is a record breach at the closure', () => {
    const v1 = new CaseRun('cin-outcome', days.opened, undefined, 'case-1', { rulesVersion: 1 })
      .addFamily()
      .send(event('decision.agreed', days.decision))
      .send(event('views.recorded', days.prep, { personId: samplePeople.child }))
      .send(event('views.recorded', days.prep, { personId: samplePeople.parent }))
      .send(event('views.recorded', days.prep, { personId: samplePeople.partner }))
      .send(event('consent.given', days.prep))
      .send(event('leadProfessional.agreed', days.prep));
    const run = planRunToFinalMeeting(closeToCsc(v1, closure).send(event('ehm.authorised', authorisedAt)).tick('2024-11-08T07:00:00Z'));
    expect(run.view.deadlines.map((d) => d.id)).not.toContain('clw-contacts-lead-professional');
    expect(run.breachesOf('clw-contacts-lead-professional')).toEqual([]);
    run.send(event('caf.closed', '2025-01-10T10:00:00Z'));
    expect(run.breachesOf('clw-contacts-lead-professional')).toEqual([
      {
        rule: 'clw-contacts-lead-professional',
        citation: 'G "Role of the CAF Link Worker" ¶3',
        due: null,
        detectedAt: '2025-01-10T10:00:00Z',
        deadlineId: null,
      },
    ]);
  });

  it('clw-contacts-lead-professional: the whole EHM region, request, answer, authorisation and contact, emits only ids and dates', () => {
    const run = provide(underCaf().send(askFor('2024-10-11T09:00:00+01:00')), '2024-10-14T16:00:00+01:00')
      .send(event('ehm.authorised', '2024-10-15T10:00:00+01:00'))
      .send(event('leadProfessional.contacted', '2024-10-15T14:00:00+01:00'));
    const closing = run.notifications.findIndex((n) => n.type === 'deadline.opened' && n.rule === 'first-family-plan-meeting');
    expect(run.notifications.slice(closing)).toEqual([
      {
        type: 'deadline.opened', caseId: 'case-1', rule: 'first-family-plan-meeting',
        deadlineId: 'first-family-plan-meeting', due: '2024-11-07T23:59:59.999+00:00',
      },
      {
        type: 'deadline.opened', caseId: 'case-1', rule: 'clw-contacts-lead-professional',
        deadlineId: 'clw-contacts-lead-professional', due: '2024-11-07T23:59:59.999+00:00',
      },
      {
        type: 'deadline.opened', caseId: 'case-1', rule: 'caf-twelve-months',
        deadlineId: 'caf-twelve-months:1', due: '2025-10-10T23:59:59.999+01:00',
      },
      { type: 'stage.entered', caseId: 'case-1', stage: 'early-help', at: closedAt },
      { type: 'leadProfessional.toContact', caseId: 'case-1', at: '2024-10-15T10:00:00+01:00' },
    ]);
    expectNoFreeText(run.notifications);
    expectNoFreeText(run.view);
  });
});
