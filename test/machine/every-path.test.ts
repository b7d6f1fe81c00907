import { describe, expect, it } from 'vitest';
import { definePolicy, type Actor, type Notification, type Policy, type RuleId, type StepDownEvent } from '../../src/index.js';
import { getRule } from '../../src/policy/rules.js';
import {
  personAdded,
  sampleActionIds,
  sampleNames,
  samplePeople,
  sampleRecipients,
  sampleUniversalServicesMeeting,
  universalServicesMeetingPayload,
} from '../events/samples.js';
import { CaseRun, closeToCsc, event, freeTextChecks, readyForFinalMeeting } from './harness.js';

// Issue 10 "Every path a real case takes", on the bare machine, by rule id, on real dates: the spring
// bank holiday (27 May 2024), Christmas and New Year 2024–25, the end of British Summer Time on
// 27 October 2024 and its start on 30 March 2025.

const usPlan = universalServicesMeetingPayload().universalServicesPlan!;
const partnerReason = 'School believes Leo still needs a CAF with a Lead Professional, not universal services.';
const leftReason = 'Jo Patel has moved to St Anne’s Academy and no longer works with Leo.';
const toAuthority = 'Cardiff Council Children’s Services';
const returnReasons = ['The first family plan meeting date is more than four weeks away', 'Leo’s voice is not evidenced'];
const freeText = [...sampleNames, usPlan, partnerReason, leftReason, toAuthority, ...returnReasons];
const { expectNoFreeText, expectRefusal } = freeTextChecks(freeText);

const SW = samplePeople.socialWorker;
const TM = samplePeople.teamManager;
const CLW = samplePeople.cafLinkWorker;
const EHM = samplePeople.earlyHelpManager;
const LP = samplePeople.leadProfessionalActor;
const lp = samplePeople.leadProfessional.personId;
const manager = TM.id;
/** The sample family's people to inform by id: the parent/carer and both practitioners; the child hears through them. */
const everyone = [...sampleRecipients];

/** A second practitioner who takes over as Lead Professional, and the user who acts as them. */
const bola = 'bola-okoro';
const bolaActor: Actor = { id: 'lp-bola-okoro', role: 'lead-professional', personId: bola };

const allOpen = sampleActionIds.map((id) => ({ id, status: 'open' as const }));
const allMet = sampleActionIds.map((id) => ({ id, status: 'met' as const }));
const fpMeeting = (kind: 'initial' | 'review' | 'final', at: string, actor: Actor = LP) =>
  event('familyPlanMeeting.held', at, { kind, actions: kind === 'final' ? allMet : allOpen, actor });

const ofType = <T extends Notification['type']>(run: CaseRun, type: T) =>
  run.notifications.filter((n): n is Extract<Notification, { type: T }> => n.type === type);

const breachOf = (rule: RuleId, deadlineId: string, due: string, detectedAt: string) => ({
  rule, citation: getRule(rule).citation, due, detectedAt, deadlineId,
});

/** Every view the sample family owes when no one has agreed to lead: the child, the parent/carer and both practitioners. */
function allViews(run: CaseRun, at: string): CaseRun {
  for (const personId of [samplePeople.child, samplePeople.parent, samplePeople.partner, lp]) {
    run.send(event('views.recorded', at, { personId }));
  }
  return run;
}

// ── A step down planned to universal services ─────────────────────────────────────────────────────

describe('a step down planned to universal services (G "Step down standards/Role and Responsibilities" ¶1, G "Role of the Social Worker" ¶2, ¶6)', () => {
  // Monday 20 May 2024 (BST). The partner's disagreement raised on Friday 24 May is due 5 working
  // days later, across the spring bank holiday on Monday 27 May: by the end of Monday 3 June.
  const d = {
    opened: '2024-05-20T09:00:00+01:00',
    decision: '2024-05-20T11:00:00+01:00',
    views: '2024-05-22T10:00:00+01:00',
    raised: '2024-05-24T10:00:00+01:00',
    resolved: '2024-05-30T10:00:00+01:00',
    meeting: '2024-05-31T14:00:00+01:00',
    summary: '2024-06-03T10:00:00+01:00',
    review: '2024-06-04T10:00:00+01:00',
    authorised: '2024-06-04T15:00:00+01:00',
    shared: '2024-06-05T10:00:00+01:00',
    closed: '2024-06-05T16:00:00+01:00',
  };
  const disagreementDue = '2024-06-03T23:59:59.999+01:00';

  const decided = () =>
    new CaseRun('cin-outcome', d.opened).addFamily().send(event('decision.agreed', d.decision, { destination: 'universal-services' }));
  const prepared = () =>
    allViews(decided(), d.views)
      .send(event('disagreement.raised', d.raised, { disagreementId: 'D-1', reason: partnerReason }))
      .send(event('disagreement.resolved', d.resolved, { disagreementId: 'D-1', outcome: 'agreed' }));
  const met = () => prepared().send(sampleUniversalServicesMeeting(d.meeting));

  it('destination: the decision names universal services; preparation asks for no consent and no Lead Professional, only the views of the people involved', () => {
    const run = decided();
    expect(run.snapshot.context.destination).toBe('universal-services');
    expect(run.view.destination).toBe('universal-services');
    expect(run.view.states).toEqual(['withChildrensSocialCare.preparation.leadProfessionalNotNeeded']);
    expect(run.view.pending).toEqual(
      [samplePeople.child, samplePeople.parent, samplePeople.partner, lp].map((personId) => ({
        step: 'views.recorded', role: 'social-worker', rule: 'views-recorded', detail: personId,
      })),
    );
    // No Lead Professional is sought: an agreement is not a step of this case.
    expectRefusal(run.refuse(event('leadProfessional.agreed', d.views)), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    allViews(run, d.views);
    expect(run.view.pending).toEqual([{ step: 'finalMeeting.held', role: 'social-worker', rule: 'final-meeting-kind' }]);
  });

  it('destination: the whole path to universal-services goes through the last meeting, the summary, the Team Manager’s review and authorisation, the sharing and the CSC closure, skipping the e-CAF referral', () => {
    const run = prepared();
    expect(run.deadline('disagreement-resolution:D-1')).toMatchObject({ due: disagreementDue, status: 'met', closedAt: d.resolved });
    run.send(sampleUniversalServicesMeeting(d.meeting));
    // The referral and the transfer details are the CAF's (F steps 5–6): the case goes straight to the summary.
    expect(run.view).toMatchObject({ stage: 'closure', states: ['withChildrensSocialCare.closure.closureSummary'] });
    expect(run.view.pending).toEqual([{ step: 'closureSummary.completed', role: 'social-worker', rule: 'closure-summary' }]);
    expectRefusal(run.refuse(event('eCaf.referralCompleted', d.summary)), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    // No CAF, so no first family plan meeting date to judge and no Lead Professional to attend.
    expect(run.snapshot.context.finalMeeting).toEqual({ at: d.meeting, kind: 'final-cin', firstFamilyPlanMeetingDate: null });
    expect(run.view.deadlines.map((x) => x.id)).toEqual(['disagreement-resolution:D-1']);
    expect(run.view.breaches).toEqual([]);

    run.send(event('closureSummary.completed', d.summary));
    expect(run.view.pending).toEqual([{ step: 'fileReview.completed', role: 'team-manager', rule: 'tm-file-review', actorId: manager }]);
    // Nothing leaves CSC before the Team Manager authorises: not the sharing, not the closure.
    expectRefusal(run.refuse(event('documents.shared', d.review)), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    expectRefusal(run.refuse(event('csc.closed', d.review)), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    expectRefusal(run.refuse(event('stepDown.authorised', d.review)), 'GATE_BLOCKED', ['tm-quality-assurance', 'tm-file-review']);
    run.send(event('fileReview.completed', d.review));
    expect(run.view.pending).toEqual([{ step: 'stepDown.authorised', role: 'team-manager', rule: 'tm-quality-assurance', actorId: manager }]);
    run.send(event('stepDown.authorised', d.authorised));
    // The documents go to every parent/carer and practitioner still involved: the practitioner who
    // would have led is one of them even with no Lead Professional.
    const partial = run.refuse(event('documents.shared', d.shared, { recipients: [samplePeople.parent, samplePeople.partner] }));
    expectRefusal(partial, 'GATE_BLOCKED', ['documents-shared-with-all']);
    expect(partial.rules[0]!.reason).toContain(lp);
    run.send(event('documents.shared', d.shared, { recipients: everyone }));
    const start = run.notifications.length;
    run.send(event('csc.closed', d.closed));

    expect(run.view).toMatchObject({ outcome: 'universal-services', stage: 'closed', states: ['universal-services'], pending: [], breaches: [] });
    // No CAF starts: no family plan clocks are opened by the closure.
    expect(run.view.deadlines.map((x) => [x.id, x.status])).toEqual([['disagreement-resolution:D-1', 'met']]);
    expect(run.notifications.slice(start)).toEqual([
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'universal-services', at: d.closed },
      { type: 'parties.toInform', caseId: 'case-1', reason: 'universal-services', personIds: everyone, roles: [], at: d.closed },
    ]);
    expect(run.snapshot.context.closure).toMatchObject({ referralAt: null, transferDetailsAt: null, authorisedAt: d.authorised, closedAt: d.closed });
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('destination: a disagreement still blocks the last meeting of a step down to universal services, and a tick after its 5 working days (across the bank holiday) records the breach', () => {
    const run = allViews(decided(), d.views).send(event('disagreement.raised', d.raised, { disagreementId: 'D-1', reason: partnerReason }));
    expectRefusal(run.refuse(sampleUniversalServicesMeeting(d.meeting)), 'GATE_BLOCKED', ['no-open-disagreement']);
    run.tick('2024-06-03T22:59:59Z');
    expect(run.deadline('disagreement-resolution:D-1').status).toBe('open');
    run.tick('2024-06-03T23:00:00Z');
    expect(run.breachesOf('disagreement-resolution')).toEqual([
      breachOf('disagreement-resolution', 'disagreement-resolution:D-1', disagreementDue, '2024-06-03T23:00:00Z'),
    ]);
  });

  it('destination-plan: a step down to universal services documents its plan, and refuses the CAF’s assessment, family plan or first meeting date', () => {
    const run = prepared();
    // The CAF's meeting: no plan for universal services.
    const caf = run.refuse(event('finalMeeting.held', d.meeting, { attendees: [samplePeople.parent, samplePeople.partner] }));
    expectRefusal(caf, 'GATE_BLOCKED', ['destination-plan']);
    expect(caf.rules[0]!.reason).toBe('a step down to universal services documents its plan: give universalServicesPlan.');
    // The plan for universal services with any of the CAF's parts beside it.
    const cafParts = event('finalMeeting.held', d.meeting);
    for (const part of [
      { cafAssessment: cafParts.cafAssessment },
      { familyPlan: cafParts.familyPlan },
      { firstFamilyPlanMeetingDate: '2024-06-21' },
    ]) {
      const mixed = run.refuse({ ...sampleUniversalServicesMeeting(d.meeting), ...part } as StepDownEvent);
      expectRefusal(mixed, 'GATE_BLOCKED', ['destination-plan']);
      expect(mixed.rules[0]!.reason).toBe('a step down to universal services has no CAF assessment, family plan or first family plan meeting date.');
    }
    run.send(sampleUniversalServicesMeeting(d.meeting));
    expect(run.view.stage).toBe('closure');
  });

  it('destination-plan: a step down to a CAF refuses a plan for universal services, and a meeting without the CAF’s three parts', () => {
    const run = readyForFinalMeeting('cin-outcome', { opened: d.opened, decision: d.decision, prep: d.views });
    expect(run.snapshot.context.destination).toBe('caf');
    const universal = run.refuse({ ...event('finalMeeting.held', d.meeting), universalServicesPlan: usPlan });
    expectRefusal(universal, 'GATE_BLOCKED', ['destination-plan']);
    expect(universal.rules[0]!.reason).toBe('this case steps down to a CAF: the meeting agrees a family plan, not a plan for universal services.');
    const bare = run.refuse({ ...sampleUniversalServicesMeeting(d.meeting), universalServicesPlan: undefined, attendees: [samplePeople.parent, lp] } as StepDownEvent);
    expectRefusal(bare, 'GATE_BLOCKED', ['destination-plan']);
    run.send(event('finalMeeting.held', d.meeting));
    expect(run.view.stage).toBe('closure');
  });
});

// ── The ladder's end, through the closure ─────────────────────────────────────────────────────────

describe('the ladder’s end goes on through the closure to universal services (G "Challenge and support to identify a Lead Professional" ¶2, F step 11)', () => {
  // A CP case in December 2024 (GMT). The panel sits on Thursday 19 December; the case note is added on
  // Friday 20 December; Christmas and New Year pass before the last meeting on Friday 3 January 2025.
  const d = {
    opened: '2024-12-02T09:00:00Z',
    decision: '2024-12-02T10:00:00Z',
    prep: '2024-12-03T10:00:00Z',
    notFound: '2024-12-04T10:00:00Z',
    challengeFailed: '2024-12-09T10:00:00Z',
    panelFailed: '2024-12-19T10:00:00Z',
    recorded: '2024-12-20T10:00:00Z',
    view: '2024-12-23T10:00:00Z',
    meeting: '2025-01-03T10:00:00Z',
    summary: '2025-01-06T10:00:00Z',
    review: '2025-01-07T10:00:00Z',
    authorised: '2025-01-07T15:00:00Z',
    shared: '2025-01-08T10:00:00Z',
    closed: '2025-01-08T16:00:00Z',
  };

  const laddered = (input: { rulesVersion?: 1 | 2 } = {}) =>
    new CaseRun('cp-outcome', d.opened, undefined, 'case-1', input)
      .addFamily()
      .send(event('decision.agreed', d.decision))
      .send(event('views.recorded', d.prep, { personId: samplePeople.child }))
      .send(event('views.recorded', d.prep, { personId: samplePeople.parent }))
      .send(event('views.recorded', d.prep, { personId: samplePeople.partner }))
      .send(event('consent.given', d.prep))
      .send(event('leadProfessional.notFound', d.notFound))
      .send(event('leadProfessional.challengeFailed', d.challengeFailed))
      .send(event('leadProfessional.panelFailed', d.panelFailed))
      .send(event('noLeadProfessional.recorded', d.recorded));

  it('lp-none-universal-services: the case note sets the destination, names the Social Worker, the family and the agencies to inform by id, and the case stays open', () => {
    const run = laddered();
    expect(run.view).toMatchObject({
      destination: 'universal-services',
      stage: 'preparation',
      outcome: null,
      states: ['withChildrensSocialCare.preparation.leadProfessionalNotNeeded'],
    });
    expect(run.notifications.at(-1)).toEqual({
      type: 'parties.toInform', caseId: 'case-1', reason: 'no-lead-professional', personIds: everyone, roles: ['social-worker'], at: d.recorded,
    });
    expect(ofType(run, 'outcome.reached')).toEqual([]);
    // The practitioner who would have led did not: their own view is now needed.
    expect(run.view.pending).toEqual([{ step: 'views.recorded', role: 'social-worker', rule: 'views-recorded', detail: lp }]);
    expectNoFreeText(run.notifications);
  });

  it('lp-none-universal-services: the last meeting, the summary, the Team Manager’s review and authorisation, the sharing and the CSC closure, then universal-services; nothing ends the case before the authorisation', () => {
    const run = laddered().send(event('views.recorded', d.view, { personId: lp }));
    run.send({ ...sampleUniversalServicesMeeting(d.meeting), kind: 'core-group' });
    expect(run.view.states).toEqual(['withChildrensSocialCare.closure.closureSummary']);
    run.send(event('closureSummary.completed', d.summary)).send(event('fileReview.completed', d.review));
    expectRefusal(run.refuse(event('csc.closed', d.review)), 'EVENT_NOT_ACCEPTED', ['step-sequence']);
    run
      .send(event('stepDown.authorised', d.authorised))
      .send(event('documents.shared', d.shared, { recipients: everyone }))
      .send(event('csc.closed', d.closed));
    expect(run.view).toMatchObject({ outcome: 'universal-services', stage: 'closed', pending: [], breaches: [] });
    expect(ofType(run, 'parties.toInform')).toEqual([
      { type: 'parties.toInform', caseId: 'case-1', reason: 'no-lead-professional', personIds: everyone, roles: ['social-worker'], at: d.recorded },
      { type: 'parties.toInform', caseId: 'case-1', reason: 'universal-services', personIds: everyone, roles: [], at: d.closed },
    ]);
    expect(ofType(run, 'outcome.reached')).toEqual([{ type: 'outcome.reached', caseId: 'case-1', outcome: 'universal-services', at: d.closed }]);
    expectNoFreeText(run.view);
  });

  it('lp-none-universal-services: a version-1 case keeps the record its trail made: the case note ended it at once (the exception the authorisation property excludes)', () => {
    const run = laddered({ rulesVersion: 1 });
    expect(run.view).toMatchObject({ outcome: 'universal-services', stage: 'closed', states: ['universal-services'] });
    expect(run.notifications.slice(-2)).toEqual([
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'universal-services', at: d.recorded },
      { type: 'parties.toInform', caseId: 'case-1', reason: 'no-lead-professional', personIds: everyone, roles: ['social-worker'], at: d.recorded },
    ]);
    expect(run.snapshot.context.closure.authorisedAt).toBeNull();
  });
});

// ── A reconvened last meeting ─────────────────────────────────────────────────────────────────────

describe('the Team Manager returns the step down to a reconvened meeting (G "Role of the Social Work Team Manager" ¶2–3)', () => {
  // October 2024: the first meeting on Thursday 17 October (BST) sets the first family plan meeting
  // for 20 November, beyond its 28 days (due by the end of 14 November, GMT after 27 October). The
  // Team Manager returns the step down on Thursday 24 October for the meeting to be held again.
  const d = { opened: '2024-10-07T09:00:00+01:00', decision: '2024-10-07T11:00:00+01:00', prep: '2024-10-09T10:00:00+01:00' };
  const first = { meeting: '2024-10-17T10:00:00+01:00', firstFp: '2024-11-20' };
  const returnedAt = '2024-10-24T10:00:00+01:00';
  const second = { meeting: '2024-10-31T10:00:00Z', firstFp: '2024-11-28' };
  const referral = (at: string, firstFp: string) =>
    event('eCaf.referralCompleted', at, { form: { ...event('eCaf.referralCompleted', at).form, firstFamilyPlanMeetingDate: firstFp } });

  const returned = () =>
    readyForFinalMeeting('cin-outcome', d)
      .send(event('finalMeeting.held', first.meeting, { firstFamilyPlanMeetingDate: first.firstFp }))
      .send(referral('2024-10-21T10:00:00+01:00', first.firstFp))
      .send(event('transferDetails.completed', '2024-10-21T11:00:00+01:00'))
      .send(event('closureSummary.completed', '2024-10-22T10:00:00+01:00'))
      .send(event('fileReview.completed', '2024-10-23T10:00:00+01:00'))
      .send(event('stepDown.returned', returnedAt, { reasons: returnReasons, reconvene: true }));

  it('reconvened-meeting: the return sends the case back to preparation; the closure starts afresh, the first meeting’s judged deadline and its breach stay', () => {
    const run = returned();
    expect(run.view).toMatchObject({ stage: 'preparation', outcome: null, states: ['withChildrensSocialCare.preparation.leadProfessionalIdentified'] });
    // Views, consent and the Lead Professional are on file: the case waits for the new meeting.
    expect(run.view.pending).toEqual([{ step: 'finalMeeting.held', role: 'social-worker', rule: 'final-meeting-kind' }]);
    expect(ofType(run, 'stage.entered').at(-1)).toEqual({ type: 'stage.entered', caseId: 'case-1', stage: 'preparation', at: returnedAt });
    const { context } = run.snapshot;
    expect(context.finalMeeting).toBeNull();
    expect(context.lastMeetings).toBe(1);
    expect(context.closure).toMatchObject({
      referralAt: null, transferDetailsAt: null, summaryAt: null, review: null, authorisedAt: null, sharedAt: null,
      returns: 1, returnedAt, summaryAuthors: [SW.id],
    });
    expect(run.deadline('first-meeting-date')).toMatchObject({ due: '2024-11-14T23:59:59.999+00:00', status: 'missed', closedAt: first.meeting });
    expect(run.breachesOf('first-meeting-date')).toHaveLength(1);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('reconvened-meeting: the new meeting may not be dated before the return, and is judged afresh as first-meeting-date:2', () => {
    const run = returned();
    for (const at of ['2024-10-23T10:00:00+01:00', '2024-10-24T09:59:00+01:00']) {
      const early = run.refuse(event('finalMeeting.held', at, { firstFamilyPlanMeetingDate: '2024-11-14' }));
      expectRefusal(early, 'GATE_BLOCKED', ['step-sequence']);
      expect(early.rules[0]!.reason).toContain(returnedAt);
    }
    // Thursday 31 October (GMT): 28 days on is Thursday 28 November, the date it sets.
    run.send(event('finalMeeting.held', second.meeting, { firstFamilyPlanMeetingDate: second.firstFp }));
    expect(run.view.stage).toBe('closure');
    expect(run.snapshot.context.lastMeetings).toBe(2);
    expect(run.deadline('first-meeting-date:2')).toMatchObject({
      rule: 'first-meeting-date', opensAt: second.meeting, due: '2024-11-28T23:59:59.999+00:00', status: 'met', closedAt: second.meeting,
    });
    expect(run.deadline('first-meeting-date')).toMatchObject({ status: 'missed' });
    expect(run.breachesOf('first-meeting-date').map((b) => b.deadlineId)).toEqual(['first-meeting-date']);
  });

  it('reconvened-meeting: after the new meeting the closure is done again: the referral gives the new date, the summary’s authors still may not review it, a fresh review precedes the authorisation', () => {
    const run = returned().send(event('finalMeeting.held', second.meeting, { firstFamilyPlanMeetingDate: second.firstFp }));
    expectRefusal(run.refuse(referral('2024-11-04T10:00:00Z', first.firstFp)), 'GATE_BLOCKED', ['ecaf-referral-complete']);
    run
      .send(referral('2024-11-04T10:00:00Z', second.firstFp))
      .send(event('transferDetails.completed', '2024-11-04T11:00:00Z'))
      .send(event('closureSummary.completed', '2024-11-05T10:00:00Z'));
    // The first summary's author, acting as a manager, is still barred.
    const author = run.refuse(event('fileReview.completed', '2024-11-06T10:00:00Z', { actor: { id: SW.id, role: 'team-manager' } }));
    expectRefusal(author, 'GATE_BLOCKED', ['separation-of-duties']);
    expectRefusal(run.refuse(event('stepDown.authorised', '2024-11-06T10:00:00Z')), 'GATE_BLOCKED', ['tm-quality-assurance', 'tm-file-review']);
    run
      .send(event('fileReview.completed', '2024-11-06T10:00:00Z'))
      .send(event('stepDown.authorised', '2024-11-06T15:00:00Z'))
      .send(event('documents.shared', '2024-11-07T10:00:00Z', { recipients: everyone }))
      .send(event('csc.closed', '2024-11-07T16:00:00Z'));
    expect(run.view.stage).toBe('early-help');
    expect(run.deadline('first-family-plan-meeting').due).toBe('2024-12-05T23:59:59.999+00:00');
  });

  it('reconvened-meeting: views, consent and the Lead Professional may be revised; a new Lead Professional must attend the new meeting', () => {
    const run = returned()
      .send(personAdded(bola, 'practitioner', '2024-10-25T09:00:00+01:00'))
      .send(event('views.recorded', '2024-10-25T10:00:00+01:00', { personId: samplePeople.parent }))
      .send(event('consent.given', '2024-10-25T10:30:00+01:00'))
      .send(event('leadProfessional.agreed', '2024-10-28T10:00:00Z', { personId: bola }));
    expect(run.snapshot.context.leadProfessional).toEqual({ personId: bola, agreedAt: '2024-10-28T10:00:00Z' });
    // The previous Lead Professional, still involved, now owes a view of their own.
    expect(run.view.pending).toEqual([{ step: 'views.recorded', role: 'social-worker', rule: 'views-recorded', detail: lp }]);
    run.send(event('views.recorded', '2024-10-29T10:00:00Z', { personId: lp }));
    run.send(event('finalMeeting.held', second.meeting, { firstFamilyPlanMeetingDate: second.firstFp }));
    expect(run.breachesOf('lead-professional-attends').map((b) => b.detectedAt)).toEqual([second.meeting]);
  });

  it('reconvened-meeting: a return without reconvene stays in the closure for revision, as before', () => {
    const run = readyForFinalMeeting('cin-outcome', d)
      .send(event('finalMeeting.held', first.meeting, { firstFamilyPlanMeetingDate: first.firstFp }))
      .send(referral('2024-10-21T10:00:00+01:00', first.firstFp))
      .send(event('transferDetails.completed', '2024-10-21T11:00:00+01:00'))
      .send(event('closureSummary.completed', '2024-10-22T10:00:00+01:00'))
      .send(event('stepDown.returned', returnedAt, { reasons: returnReasons, reconvene: false }));
    expect(run.view.states).toEqual(['withChildrensSocialCare.closure.revising']);
    expect(run.snapshot.context.finalMeeting).not.toBeNull();
  });
});

// ── Under the CAF: the Lead Professional changes ──────────────────────────────────────────────────

/**
 * A CIN case closed to CSC on Thursday 10 October 2024 (BST), EHM's part done on time, the initial
 * family plan meeting on Thursday 31 October (GMT): its first review is due by the end of Thursday
 * 26 December, the 12 months by the end of 10 October 2025.
 */
function runningCaf(input: { rulesVersion?: 1 | 2 } = {}, policy?: Policy): CaseRun {
  const ready = new CaseRun('cin-outcome', '2024-09-16T09:00:00+01:00', policy, 'case-1', input)
    .addFamily()
    .send(event('decision.agreed', '2024-09-16T15:00:00+01:00'))
    .send(event('views.recorded', '2024-09-18T10:00:00+01:00', { personId: samplePeople.child }))
    .send(event('views.recorded', '2024-09-18T10:00:00+01:00', { personId: samplePeople.parent }))
    .send(event('views.recorded', '2024-09-18T10:00:00+01:00', { personId: samplePeople.partner }))
    .send(event('consent.given', '2024-09-18T10:00:00+01:00'))
    .send(event('leadProfessional.agreed', '2024-09-18T10:00:00+01:00'));
  return closeToCsc(ready, { meeting: '2024-09-26T10:00:00+01:00', firstFp: '2024-10-17', closed: cafStart });
}
const cafStart = '2024-10-10T14:00:00+01:00';
const initialDue = '2024-11-07T23:59:59.999+00:00';
const reviewDue = '2024-12-26T23:59:59.999+00:00';
const underCaf = (input: { rulesVersion?: 1 | 2 } = {}, policy?: Policy) =>
  runningCaf(input, policy)
    .send(event('ehm.authorised', '2024-10-14T10:00:00+01:00'))
    .send(event('leadProfessional.contacted', '2024-10-15T10:00:00+01:00'))
    .send(fpMeeting('initial', '2024-10-31T10:00:00Z'));

describe('the Lead Professional leaves under the CAF (DOMAIN "The Lead Professional can change", G "Challenge and support to identify a Lead Professional")', () => {
  const leftAt = '2024-11-15T10:00:00Z';
  const left = () => underCaf().send(event('leadProfessional.left', leftAt, { reason: leftReason }));

  it('lead-professional-change: the Lead Professional leaves; the CAF waits for a new one and the CAF Link Worker is asked to find one', () => {
    const run = left();
    expect(run.snapshot.context).toMatchObject({ leadProfessional: null, leadProfessionalSearch: 'sought', ladderAt: leftAt });
    expect(run.notifications.at(-1)).toEqual({ type: 'leadProfessional.needed', caseId: 'case-1', at: leftAt });
    expect(run.view.pending).toEqual([
      { step: 'leadProfessional.agreed', role: 'caf-link-worker', rule: 'lead-professional-change' },
      // The review still falls due (a timescale never waits), with no Lead Professional to name.
      { step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'family-plan-review', detail: 'review', due: reviewDue },
    ]);
    expect(run.view.stage).toBe('early-help');
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('lead-professional-change: replaced by a new agreement the CAF Link Worker records, dated after the leaving; the new Lead Professional is asked for the review by person id', () => {
    const run = left().send({ ...personAdded(bola, 'practitioner', '2024-11-12T10:00:00Z'), actor: CLW });
    const early = run.refuse(event('leadProfessional.agreed', '2024-11-14T10:00:00Z', { personId: bola, actor: CLW }));
    expectRefusal(early, 'GATE_BLOCKED', ['step-sequence']);
    expect(early.rules[0]!.reason).toContain(leftAt);
    const agreedAt = '2024-11-18T10:00:00Z';
    run.send(event('leadProfessional.agreed', agreedAt, { personId: bola, actor: CLW }));
    expect(run.snapshot.context).toMatchObject({ leadProfessional: { personId: bola, agreedAt }, leadProfessionalSearch: null });
    expect(run.notifications.at(-1)).toEqual({ type: 'leadProfessional.toContact', caseId: 'case-1', at: agreedAt });
    expect(run.view.pending).toEqual([
      { step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'family-plan-review', detail: 'review', personId: bola, due: reviewDue },
    ]);
    // Day 49 after the initial meeting, Thursday 19 December: the review is met by the new Lead Professional.
    run.send(fpMeeting('review', '2024-12-19T10:00:00Z', bolaActor));
    expect(run.deadline('family-plan-review:1')).toMatchObject({ status: 'met', closedAt: '2024-12-19T10:00:00Z' });
    // A second agreement while one is in place is not a change: the leaving is recorded first.
    const again = run.refuse(event('leadProfessional.agreed', '2024-12-20T10:00:00Z', { personId: lp, actor: CLW }));
    expectRefusal(again, 'GATE_BLOCKED', ['lead-professional-change']);
    expect(again.rules[0]!.reason).toBe('a Lead Professional is in place: record leadProfessional.left first.');
  });

  it('lead-professional-change: the ladder is climbed again rung by rung; a rung out of order is refused, naming the rule', () => {
    const run = left();
    const cases: [StepDownEvent, string][] = [
      [event('leadProfessional.panelFailed', '2024-11-20T10:00:00Z'), "the search for a Lead Professional is at 'sought'"],
      [event('noLeadProfessional.recorded', '2024-11-20T10:00:00Z'), "the search for a Lead Professional is at 'sought'"],
      [event('leadProfessional.left', '2024-11-20T10:00:00Z', { actor: CLW }), 'no Lead Professional is in place to leave.'],
    ];
    for (const [refused, reason] of cases) {
      const refusal = run.refuse(refused);
      expectRefusal(refusal, 'GATE_BLOCKED', ['lead-professional-change']);
      expect(refusal.rules[0]!.reason).toContain(reason);
    }
    run.send(event('leadProfessional.challengeFailed', '2024-11-22T10:00:00Z'));
    expect(run.snapshot.context.leadProfessionalSearch).toBe('at-panel');
    expect(run.view.pending[0]).toEqual({ step: 'leadProfessional.panelFailed', role: 'early-help-manager', rule: 'lead-professional-change' });
    for (const refused of [event('leadProfessional.challengeFailed', '2024-11-25T10:00:00Z'), event('noLeadProfessional.recorded', '2024-11-25T10:00:00Z')]) {
      expectRefusal(run.refuse(refused), 'GATE_BLOCKED', ['lead-professional-change']);
    }
    // A rung may not be dated before the one it follows.
    expectRefusal(run.refuse(event('leadProfessional.panelFailed', '2024-11-21T10:00:00Z')), 'GATE_BLOCKED', ['step-sequence']);
    // An agreement ends the search at any rung: here the EH&SS Manager's, at the panel.
    run.send({ ...personAdded(bola, 'practitioner', '2024-11-28T09:00:00Z'), actor: CLW });
    run.send(event('leadProfessional.agreed', '2024-11-28T10:00:00Z', { personId: bola, actor: EHM }));
    expect(run.snapshot.context).toMatchObject({ leadProfessionalSearch: null, leadProfessional: { personId: bola } });
  });

  it('lead-professional-change: with no one found after the panel, the case note closes the CAF to universal services and names the people to inform by id; open deadlines are cancelled', () => {
    const run = left()
      .send(event('leadProfessional.challengeFailed', '2024-11-22T10:00:00Z'))
      .send(event('leadProfessional.panelFailed', '2024-12-05T10:00:00Z'));
    expect(run.view.pending[0]).toEqual({ step: 'noLeadProfessional.recorded', role: 'early-help-manager', rule: 'lead-professional-change' });
    const start = run.notifications.length;
    const recordedAt = '2024-12-06T10:00:00Z';
    run.send(event('noLeadProfessional.recorded', recordedAt));
    expect(run.view).toMatchObject({ outcome: 'universal-services', stage: 'closed', states: ['universal-services'], pending: [], breaches: [] });
    expect(run.view.deadlines.filter((x) => x.status === 'cancelled').map((x) => [x.id, x.closedAt])).toEqual([
      ['caf-twelve-months:1', recordedAt],
      ['family-plan-review:1', recordedAt],
    ]);
    expect(run.notifications.slice(start)).toEqual([
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'universal-services', at: recordedAt },
      { type: 'parties.toInform', caseId: 'case-1', reason: 'no-lead-professional', personIds: everyone, roles: ['social-worker'], at: recordedAt },
    ]);
    // The CAF had been authorised by the Team Manager before it started.
    expect(run.snapshot.context.closure.authorisedAt).not.toBeNull();
  });
});

// ── Own cases only ────────────────────────────────────────────────────────────────────────────────

describe('a Lead Professional acts on their own cases only (G "Role of the Lead Professional" ¶2–4)', () => {
  it('own-cases-only: another practitioner in the Lead Professional role is refused, naming the rule and the ids, never a name', () => {
    const run = underCaf();
    const other: Actor = { id: 'lp-helen-price', role: 'lead-professional', personId: samplePeople.partner };
    for (const refused of [
      fpMeeting('review', '2024-12-19T10:00:00Z', other),
      event('stepUp.referred', '2024-12-19T10:00:00Z', { actor: other }),
      event('reassessment.completed', '2024-12-19T10:00:00Z', { actor: other }),
      event('case.transferredOut', '2024-12-19T10:00:00Z', { actor: other }),
    ]) {
      const refusal = run.refuse(refused);
      expectRefusal(refusal, 'GATE_BLOCKED', ['own-cases-only']);
      expect(refusal.rules[0]!.reason).toBe(`${samplePeople.partner} is not this case's Lead Professional (${lp} is).`);
    }
    run.send(fpMeeting('review', '2024-12-19T10:00:00Z'));
  });

  it('own-cases-only: a Lead Professional’s user with no person id is refused', () => {
    const run = underCaf();
    const anonymous: Actor = { id: LP.id, role: 'lead-professional' };
    const refusal = run.refuse(fpMeeting('review', '2024-12-19T10:00:00Z', anonymous));
    expectRefusal(refusal, 'GATE_BLOCKED', ['own-cases-only']);
    expect(refusal.rules[0]!.reason).toBe("a lead-professional acts as a person of the case: give actor.personId (the Lead Professional's person id).");
  });

  it('own-cases-only: after a change the new Lead Professional is accepted and the one who left is refused', () => {
    const run = underCaf()
      .send(event('leadProfessional.left', '2024-11-15T10:00:00Z', { reason: leftReason }))
      .send({ ...personAdded(bola, 'practitioner', '2024-11-18T09:00:00Z'), actor: CLW });
    // While no one is in place, no Lead Professional's user acts on the case.
    const none = run.refuse(fpMeeting('review', '2024-11-18T09:30:00Z'));
    expectRefusal(none, 'GATE_BLOCKED', ['own-cases-only']);
    expect(none.rules[0]!.reason).toBe(`${lp} is not this case's Lead Professional (none is in place).`);
    run.send(event('leadProfessional.agreed', '2024-11-18T10:00:00Z', { personId: bola, actor: CLW }));
    const former = run.refuse(fpMeeting('review', '2024-12-19T10:00:00Z'));
    expectRefusal(former, 'GATE_BLOCKED', ['own-cases-only']);
    expect(former.rules[0]!.reason).toBe(`${lp} is not this case's Lead Professional (${bola} is).`);
    run.send(fpMeeting('review', '2024-12-19T10:00:00Z', bolaActor));
    expect(run.snapshot.context.familyPlan.meetings).toBe(2);
  });

  it('own-cases-only: a version-1 case is judged by its own rules: a Lead Professional’s user with no person id is accepted', () => {
    const run = underCaf({ rulesVersion: 1 });
    run.send(fpMeeting('review', '2024-12-19T10:00:00Z', { id: LP.id, role: 'lead-professional' }));
    expect(run.deadline('family-plan-review:1').status).toBe('met');
  });
});

// ── Transfer out ──────────────────────────────────────────────────────────────────────────────────

describe('the family moves to another authority (DOMAIN "Outcomes": transferred-out)', () => {
  it('transfer-out: from preparation, by the Social Worker: the case ends, the open disagreement deadline is cancelled and the people are named by id', () => {
    // Tuesday 2 April 2024, the day after Easter Monday (BST). The partner disagrees on Thursday 4 April:
    // due by the end of Thursday 11 April.
    const run = new CaseRun('cin-outcome', '2024-04-02T09:00:00+01:00')
      .addFamily()
      .send(event('decision.agreed', '2024-04-02T11:00:00+01:00'))
      .send(event('disagreement.raised', '2024-04-04T10:00:00+01:00', { disagreementId: 'D-1', reason: partnerReason }));
    expect(run.deadline('disagreement-resolution:D-1').due).toBe('2024-04-11T23:59:59.999+01:00');
    // The CAF's people do not transfer a case still with CSC; nor may it predate a step taken.
    const clw = run.refuse(event('case.transferredOut', '2024-04-08T10:00:00+01:00', { actor: CLW }));
    expectRefusal(clw, 'NOT_ALLOWED', ['division-of-duties']);
    expect(clw.rules[0]!.reason).toBe("'case.transferredOut' is for the social-worker until the case closes to CSC.");
    expectRefusal(run.refuse(event('case.transferredOut', '2024-04-04T09:00:00+01:00')), 'GATE_BLOCKED', ['step-sequence']);
    const at = '2024-04-08T10:00:00+01:00';
    const start = run.notifications.length;
    run.send(event('case.transferredOut', at, { toAuthority }));
    expect(run.view).toMatchObject({ outcome: 'transferred-out', stage: 'closed', states: ['transferred-out'], pending: [], breaches: [] });
    expect(run.deadline('disagreement-resolution:D-1')).toMatchObject({ status: 'cancelled', closedAt: at });
    expect(run.notifications.slice(start)).toEqual([
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'transferred-out', at },
      { type: 'parties.toInform', caseId: 'case-1', reason: 'transferred-out', personIds: everyone, roles: ['social-worker'], at },
    ]);
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });

  it('transfer-out: recorded after a tick marked the disagreement missed but dated before its due instant, the breach is withdrawn as no longer needed', () => {
    const run = new CaseRun('cin-outcome', '2024-04-02T09:00:00+01:00')
      .addFamily()
      .send(event('decision.agreed', '2024-04-02T11:00:00+01:00'))
      .send(event('disagreement.raised', '2024-04-04T10:00:00+01:00', { disagreementId: 'D-1', reason: partnerReason }))
      .tick('2024-04-12T07:00:00+01:00');
    expect(run.breachesOf('disagreement-resolution')).toHaveLength(1);
    run.send(event('case.transferredOut', '2024-04-10T10:00:00+01:00', { toAuthority }));
    expect(run.view.breaches).toEqual([]);
    expect(run.view.withdrawnBreaches.map((b) => [b.deadlineId, b.withdrawnBecause])).toEqual([['disagreement-resolution:D-1', 'no-longer-needed']]);
  });

  it('transfer-out: under the CAF, by the CAF Link Worker or the Lead Professional; the Social Worker and the Team Manager are refused; every open deadline is cancelled', () => {
    const at = '2024-10-21T10:00:00+01:00';
    const run = runningCaf();
    for (const actor of [SW, TM]) {
      const refusal = run.refuse(event('case.transferredOut', at, { actor }));
      expectRefusal(refusal, 'NOT_ALLOWED', ['division-of-duties']);
    }
    expect(run.refuse(event('case.transferredOut', at, { actor: SW })).rules[0]!.reason).toBe(
      "'case.transferredOut' is for the caf-link-worker or lead-professional once the case has closed to CSC.",
    );
    expect(runningCaf().send(event('case.transferredOut', at, { actor: LP })).view.outcome).toBe('transferred-out');
    expectRefusal(run.refuse(event('case.transferredOut', '2024-10-10T12:00:00+01:00', { actor: CLW })), 'GATE_BLOCKED', ['step-sequence']);
    const start = run.notifications.length;
    run.send(event('case.transferredOut', at, { actor: CLW, toAuthority }));
    expect(run.view).toMatchObject({ outcome: 'transferred-out', pending: [], breaches: [] });
    expect(run.view.deadlines.map((x) => [x.id, x.status])).toEqual([
      ['first-meeting-date', 'met'],
      ['first-family-plan-meeting', 'cancelled'],
      ['clw-contacts-lead-professional', 'cancelled'],
      ['caf-twelve-months:1', 'cancelled'],
    ]);
    expect(run.notifications.slice(start)).toEqual([
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'transferred-out', at },
      { type: 'parties.toInform', caseId: 'case-1', reason: 'transferred-out', personIds: everyone, roles: [], at },
    ]);
  });

  it('transfer-out: during the closure, before the CSC closure, it is still the Social Worker’s', () => {
    const run = readyForFinalMeeting('cin-outcome', { opened: '2024-04-02T09:00:00+01:00', decision: '2024-04-02T11:00:00+01:00', prep: '2024-04-04T10:00:00+01:00' })
      .send(event('finalMeeting.held', '2024-04-11T10:00:00+01:00'));
    expect(run.view.stage).toBe('closure');
    run.send(event('case.transferredOut', '2024-04-15T10:00:00+01:00', { toAuthority }));
    expect(run.view.outcome).toBe('transferred-out');
    expect(run.deadline('first-meeting-date').status).toBe('met');
  });
});

// ── The CAF Link Worker's contact, as a timescale ─────────────────────────────────────────────────

describe('the CAF Link Worker contacts the Lead Professional within the first meeting’s 4 weeks (G "Role of the CAF Link Worker" ¶3)', () => {
  // Closed to CSC on Thursday 10 October 2024 (BST): the contact, like the initial meeting, is due by
  // the end of Thursday 7 November, which is GMT (the clocks went back on 27 October).
  const authorised = () => runningCaf().send(event('ehm.authorised', '2024-10-14T10:00:00+01:00'));

  it('clw-contacts-lead-professional: the contact is a deadline from the CSC closure, shown on the work list with its due instant', () => {
    const run = authorised();
    expect(run.deadline('clw-contacts-lead-professional')).toMatchObject({ rule: 'clw-contacts-lead-professional', opensAt: cafStart, due: initialDue, status: 'open' });
    expect(run.view.pending[0]).toEqual({ step: 'leadProfessional.contacted', role: 'caf-link-worker', rule: 'clw-contacts-lead-professional', due: initialDue });
  });

  it('clw-contacts-lead-professional: missed by the tick just after the first meeting’s due instant, not at the CAF closure; the closure adds no second breach', () => {
    const run = authorised().send(fpMeeting('initial', '2024-10-31T10:00:00Z'));
    run.tick('2024-11-07T23:59:59Z');
    expect(run.deadline('clw-contacts-lead-professional').status).toBe('open');
    run.tick('2024-11-08T00:00:00Z');
    const breach = breachOf('clw-contacts-lead-professional', 'clw-contacts-lead-professional', initialDue, '2024-11-08T00:00:00Z');
    expect(run.view.breaches).toEqual([breach]);
    expect(ofType(run, 'breach.recorded').at(-1)).toEqual({ type: 'breach.recorded', caseId: 'case-1', ...breach });
    // Contacted late: met-late, with no second breach.
    run.send(event('leadProfessional.contacted', '2024-11-12T10:00:00Z'));
    expect(run.deadline('clw-contacts-lead-professional')).toMatchObject({ status: 'met-late', closedAt: '2024-11-12T10:00:00Z' });
    run
      .send(fpMeeting('review', '2024-12-19T10:00:00Z'))
      .send(fpMeeting('final', '2025-02-06T10:00:00Z'))
      .send(event('caf.closed', '2025-02-07T10:00:00Z'));
    expect(run.view.outcome).toBe('caf-closed');
    expect(run.breachesOf('clw-contacts-lead-professional')).toEqual([breach]);
  });

  it('clw-contacts-lead-professional: contacted on time, on Tuesday 5 November, it is met and no tick finds it missed', () => {
    const run = authorised().send(event('leadProfessional.contacted', '2024-11-05T10:00:00Z'));
    expect(run.deadline('clw-contacts-lead-professional')).toMatchObject({ status: 'met', closedAt: '2024-11-05T10:00:00Z' });
    run.send(fpMeeting('initial', '2024-11-07T10:00:00Z')).tick('2024-11-08T09:00:00Z');
    expect(run.view.breaches).toEqual([]);
  });
});

// ── The reassessment window ───────────────────────────────────────────────────────────────────────

describe('a reassessment moves the 12-month clock only from month 11 (G "Role of the Lead Professional" ¶4, docs/decisions.md "Reassessment window")', () => {
  // The clock opened with the CSC closure on 10 October 2024 and ends with 10 October 2025. Month 11
  // starts on the London date 10 September 2025, in BST: 23:00Z on 9 September is already that day.
  const twelveDue = '2025-10-10T23:59:59.999+01:00';
  const reassess = (at: string) => event('reassessment.completed', at);

  it('caf-twelve-months: a reassessment in month 3 (10 January 2025) is recorded and counted, but the clock runs on unchanged', () => {
    const run = underCaf();
    const before = run.deadline('caf-twelve-months:1');
    const opened = ofType(run, 'deadline.opened').length;
    run.send(reassess('2025-01-10T10:00:00Z'));
    expect(run.snapshot.context.familyPlan.reassessments).toBe(1);
    expect(run.deadline('caf-twelve-months:1')).toEqual(before);
    expect(before).toMatchObject({ due: twelveDue, status: 'open' });
    expect(run.view.deadlines.map((x) => x.id)).not.toContain('caf-twelve-months:2');
    expect(ofType(run, 'deadline.opened')).toHaveLength(opened);
  });

  it('caf-twelve-months: the last second before month 11 (23:59:59 BST on 9 September 2025) does not move the clock; midnight starting 10 September does, and the clock starts again from it', () => {
    const before = underCaf().send(reassess('2025-09-09T22:59:59Z'));
    expect(before.deadline('caf-twelve-months:1')).toMatchObject({ due: twelveDue, status: 'open' });
    expect(before.view.deadlines.map((x) => x.id)).not.toContain('caf-twelve-months:2');

    const on = underCaf().send(reassess('2025-09-09T23:00:00Z'));
    expect(on.deadline('caf-twelve-months:1')).toMatchObject({ status: 'met', closedAt: '2025-09-09T23:00:00Z' });
    expect(on.deadline('caf-twelve-months:2')).toMatchObject({ opensAt: '2025-09-09T23:00:00Z', due: '2026-09-10T23:59:59.999+01:00', status: 'open' });
    // The next clock's window opens 11 months after its own start: a reassessment in its month 2 does not move it.
    on.send(reassess('2025-11-10T10:00:00Z'));
    expect(on.deadline('caf-twelve-months:2')).toMatchObject({ status: 'open', due: '2026-09-10T23:59:59.999+01:00' });
    expect(on.snapshot.context.familyPlan.reassessments).toBe(2);
  });

  it('caf-twelve-months: a council that opens the window 3 months early (reassessmentWindowMonths 3) counts a reassessment from 10 July 2025, not before', () => {
    const policy = definePolicy({ timescales: { reassessmentWindowMonths: 3 } });
    const early = underCaf({}, policy).send(reassess('2025-07-09T22:59:59Z'));
    expect(early.deadline('caf-twelve-months:1').status).toBe('open');
    const inWindow = underCaf({}, policy).send(reassess('2025-07-09T23:00:00Z'));
    expect(inWindow.deadline('caf-twelve-months:1').status).toBe('met');
  });

  it('caf-twelve-months: a version-1 case keeps version 1’s judgement: a reassessment in month 3 restarts the clock', () => {
    const run = underCaf({ rulesVersion: 1 }).send(reassess('2025-01-10T10:00:00Z'));
    expect(run.deadline('caf-twelve-months:1').status).toBe('met');
    expect(run.deadline('caf-twelve-months:2').due).toBe('2026-01-10T23:59:59.999+00:00');
  });
});
