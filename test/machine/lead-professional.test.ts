import { describe, expect, it } from 'vitest';
import { type PendingStep, type Refusal, type Role, type RuleId, type StepDownEvent } from '../../src/index.js';
import { sampleNames, samplePeople, samplePersonAdded, sampleUniversalServicesMeeting } from '../events/samples.js';
import { CaseRun, event } from './harness.js';

const CHALLENGE = 'G "Challenge and support to identify a Lead Professional" ¶1';

// May 2024 (BST). Early May bank holiday Monday 6 May falls inside the ladder; nothing counts days here.
const opened = '2024-05-01T09:00:00+01:00';
const decided = '2024-05-01T10:00:00+01:00';
const dates = {
  notFound: '2024-05-03T10:00:00+01:00',
  challengeFailed: '2024-05-10T10:00:00+01:00',
  panelFailed: '2024-05-20T10:00:00+01:00',
  recorded: '2024-05-21T10:00:00+01:00',
};
const meeting = () => event('finalMeeting.held', '2024-05-29T10:00:00+01:00', { firstFamilyPlanMeetingDate: '2024-06-19' });

// Free text of the ladder's events: never repeated in a refusal, a view or a notification.
const caseNote = 'No agency will be Lead Professional: school, health visiting and CAMHS declined at panel on 20 May.';
const freeText = [...sampleNames, caseNote, 'Child and Adolescent Mental Health Services'];

function expectNoFreeText(value: unknown) {
  const json = JSON.stringify(value);
  for (const text of freeText) expect(json).not.toContain(text);
}

function expectRefusal(refusal: Refusal, code: Refusal['code'], rule: RuleId) {
  expect(refusal.code).toBe(code);
  expect(refusal.rules.map((r) => r.rule)).toEqual([rule]);
  expect(refusal.rules[0]!.citation).toMatch(/G "|F step/);
  expectNoFreeText(refusal);
}

/** The ladder's rungs in order: each event climbs one. */
const rungs = {
  notFound: () => event('leadProfessional.notFound', dates.notFound),
  challengeFailed: () => event('leadProfessional.challengeFailed', dates.challengeFailed),
  panelFailed: () => event('leadProfessional.panelFailed', dates.panelFailed),
  recorded: () => event('noLeadProfessional.recorded', dates.recorded, { caseNote }),
};
type Rung = keyof typeof rungs;
const order: Rung[] = ['notFound', 'challengeFailed', 'panelFailed', 'recorded'];

/**
 * A case in preparation with the child, the parent/carer and the partner practitioner on record; the
 * practitioner who will lead (`jo-patel`) is added when found, by {@link agree}.
 */
const inPreparation = () =>
  [samplePeople.child, samplePeople.parent, samplePeople.partner]
    .reduce((run, personId) => run.send(samplePersonAdded(personId, opened)), new CaseRun('cin-outcome', opened))
    .send(event('decision.agreed', decided));

/** The Lead Professional is added to the case record and agrees, both at `at`. */
const agree = (run: CaseRun, at: string, actor: StepDownEvent['actor'] = samplePeople.socialWorker) =>
  run.send(samplePersonAdded(samplePeople.leadProfessional.personId, at)).send(event('leadProfessional.agreed', at, { actor }));

/** A case in preparation that has climbed the first `climbed` rungs of the ladder. */
function climbed(count: number): CaseRun {
  const run = inPreparation();
  for (const rung of order.slice(0, count)) run.send(rungs[rung]());
  return run;
}

const ladderState = (run: CaseRun) => run.view.states.find((s) => s.startsWith('withChildrensSocialCare.preparation.'));

/** Views from every party and consent: everything the final meeting needs but the Lead Professional. */
const withViewsAndConsent = (run: CaseRun, at = '2024-05-02T10:00:00+01:00') =>
  run
    .send(event('views.recorded', at, { personId: samplePeople.child }))
    .send(event('views.recorded', at, { personId: samplePeople.parent }))
    .send(event('views.recorded', at, { personId: samplePeople.partner }))
    .send(event('consent.given', at));

describe('a Lead Professional before the final meeting (G "Decision made to step down from CSC to CAF" ¶2, F step 2)', () => {
  it('lead-professional-identified: the final meeting is blocked while no Lead Professional has agreed, and the reason names the rule', () => {
    const run = withViewsAndConsent(inPreparation());
    expect(run.view.pending).toEqual([{ step: 'leadProfessional.agreed', role: 'social-worker', rule: 'lead-professional-identified' }]);
    const refusal = run.refuse({ ...meeting(), attendees: [samplePeople.parent, samplePeople.partner] });
    expectRefusal(refusal, 'GATE_BLOCKED', 'lead-professional-identified');
    expect(refusal.rules[0]).toEqual({
      rule: 'lead-professional-identified',
      citation: 'G "Decision made to step down from CSC to CAF" ¶2; F step 2 "Lead Professional identified"',
      reason: 'no Lead Professional has agreed to take the role.',
    });
    expect(refusal.message).toContain('lead-professional-identified');
    // A practitioner not on the case record cannot agree: people-on-record names the id.
    const unknown = run.refuse(event('leadProfessional.agreed', '2024-05-03T10:00:00+01:00'));
    expectRefusal(unknown, 'GATE_BLOCKED', 'people-on-record');
    expect(unknown.rules[0]!.reason).toBe('not a person of this case: jo-patel; add them with person.added first.');
    // Nor can the parent/carer: the Lead Professional is a partner agency's practitioner.
    const parent = run.refuse(event('leadProfessional.agreed', '2024-05-03T10:00:00+01:00', { personId: samplePeople.parent }));
    expectRefusal(parent, 'GATE_BLOCKED', 'people-on-record');
    expect(parent.rules[0]!.reason).toBe("sarah must be a partner agency's practitioner for 'leadProfessional.agreed'.");
    agree(run, '2024-05-03T10:00:00+01:00').send(meeting());
    expect(run.view.stage).toBe('closure');
    expect(run.snapshot.context.leadProfessional).toEqual({ personId: 'jo-patel', agreedAt: '2024-05-03T10:00:00+01:00' });
    expectNoFreeText(run.view);
    expectNoFreeText(run.notifications);
  });
});

describe('the ladder is climbed rung by rung (G "Challenge and support to identify a Lead Professional"; F steps 9–11)', () => {
  /**
   * `rung` is refused as out of order, citing `rule` and `step`, on every rung below `count`; after
   * `count` rungs the case is at `state` and waits for `waiting`.
   */
  function expectRungOrder(rung: Rung, rule: RuleId, step: string, count: number, state: string, waiting: PendingStep) {
    for (let below = 0; below < count; below += 1) {
      const refusal = climbed(below).refuse(rungs[rung]());
      expectRefusal(refusal, 'EVENT_NOT_ACCEPTED', rule);
      expect(refusal.rules[0]!.citation).toContain(CHALLENGE);
      expect(refusal.rules[0]!.citation).toContain(step);
    }
    const run = climbed(count);
    expect(ladderState(run)).toBe(`withChildrensSocialCare.preparation.${state}`);
    expect(run.view.pending).toContainEqual(waiting);
    run.send(rungs[rung]());
  }

  it('lp-escalation-clw: the CAF Link Worker’s challenge cannot fail before the Social Worker has raised the shortage with them (notFound)', () => {
    expectRungOrder('challengeFailed', 'lp-escalation-clw', 'F step 9', 1, 'withCafLinkWorker',
      { step: 'leadProfessional.challengeFailed', role: 'caf-link-worker', rule: 'lp-clw-challenge' });
  });

  it('lp-clw-challenge: the case cannot fail at the Transforming Lives Panel before the CAF Link Worker’s challenge has failed', () => {
    expectRungOrder('panelFailed', 'lp-clw-challenge', 'F step 9', 2, 'atTransformingLivesPanel',
      { step: 'leadProfessional.panelFailed', role: 'early-help-manager', rule: 'lp-transforming-lives-panel' });
  });

  it('lp-transforming-lives-panel: no case note that no agency will be Lead Professional before the panel has failed', () => {
    expectRungOrder('recorded', 'lp-transforming-lives-panel', 'F step 10', 3, 'noLeadProfessionalFound',
      { step: 'noLeadProfessional.recorded', role: 'early-help-manager', rule: 'lp-none-universal-services' });
  });

  it('lp-transforming-lives-panel: only the CAF Link Worker reports the challenge failed; only the EH&SS Manager reports the panel failed and records the case note', () => {
    const table: { rung: Rung; at: number; allowed: Role; wrong: Role[] }[] = [
      { rung: 'notFound', at: 0, allowed: 'social-worker', wrong: ['caf-link-worker', 'early-help-manager', 'team-manager'] },
      { rung: 'challengeFailed', at: 1, allowed: 'caf-link-worker', wrong: ['social-worker', 'early-help-manager', 'team-manager'] },
      { rung: 'panelFailed', at: 2, allowed: 'early-help-manager', wrong: ['social-worker', 'caf-link-worker', 'team-manager'] },
      { rung: 'recorded', at: 3, allowed: 'early-help-manager', wrong: ['social-worker', 'caf-link-worker', 'lead-professional'] },
    ];
    for (const { rung, at, allowed, wrong } of table) {
      const run = climbed(at);
      const right = rungs[rung]();
      expect(right.actor.role).toBe(allowed);
      for (const role of wrong) {
        const refusal = run.refuse({ ...right, actor: { id: `someone-${role}`, role } } as StepDownEvent);
        expectRefusal(refusal, 'NOT_ALLOWED', 'division-of-duties');
        expect(refusal.rules[0]!.reason).toBe(`'${right.type}' is for ${allowed}, not ${role}.`);
      }
      run.send(right);
    }
  });

  it('step-sequence: each rung of the ladder is dated no earlier than the rung before it', () => {
    const run = climbed(1);
    const refusal = run.refuse(event('leadProfessional.challengeFailed', '2024-05-03T09:00:00+01:00'));
    expectRefusal(refusal, 'GATE_BLOCKED', 'step-sequence');
    const atPanel = climbed(2);
    expectRefusal(atPanel.refuse(event('leadProfessional.panelFailed', '2024-05-09T10:00:00+01:00')), 'GATE_BLOCKED', 'step-sequence');
  });
});

describe('no Lead Professional: universal services (G "Challenge and support to identify a Lead Professional" ¶2, F step 11)', () => {
  it('lp-none-universal-services: the full ladder steps the case down to universal services and asks the host to inform the Social Worker, family and agencies; the case goes on through the last meeting and the Team Manager’s authorisation', () => {
    const run = withViewsAndConsent(inPreparation()).send(event('disagreement.raised', '2024-05-17T10:00:00+01:00', { disagreementId: 'D-2' }));
    for (const rung of order) run.send(rungs[rung]());
    // Issue 10: the ladder's end sets the destination; the case does not end here.
    expect(run.snapshot.context.destination).toBe('universal-services');
    expect(run.view).toMatchObject({ outcome: null, stage: 'preparation', states: ['withChildrensSocialCare.preparation.leadProfessionalNotNeeded'] });
    const dueD2 = '2024-05-24T23:59:59.999+01:00';
    expect(run.view.pending).toEqual([
      { step: 'disagreement.resolved', role: 'team-manager', rule: 'disagreement-resolution', detail: 'D-2', actorId: samplePeople.teamManager.id, due: dueD2 },
    ]);
    // The disagreement raised on Friday 17 May is due on Friday 24 May: still open, the case still needs it resolved.
    expect(run.deadline('disagreement-resolution:D-2')).toMatchObject({ due: dueD2, status: 'open' });
    // The Social Worker, the family and the agencies still involved are named by id (the child hears through the family).
    expect(run.notifications.at(-1)).toEqual({
      type: 'parties.toInform',
      caseId: 'case-1',
      reason: 'no-lead-professional',
      personIds: [samplePeople.parent, samplePeople.partner],
      roles: ['social-worker'],
      at: dates.recorded,
    });
    expect(run.notifications.filter((n) => n.type === 'outcome.reached')).toEqual([]);
    // The CAF does not open: a late agreement is no longer a step.
    const late = run.refuse(event('leadProfessional.agreed', '2024-05-22T10:00:00+01:00', { personId: samplePeople.partner }));
    expect(late.code).toBe('EVENT_NOT_ACCEPTED');
    expectNoFreeText(late);

    run.send(event('disagreement.resolved', '2024-05-23T10:00:00+01:00'));
    // The last meeting documents the plan for universal services, not a CAF's (rule destination-plan).
    const cafMeeting = run.refuse({ ...meeting(), attendees: [samplePeople.parent, samplePeople.partner] });
    expectRefusal(cafMeeting, 'GATE_BLOCKED', 'destination-plan');
    expect(cafMeeting.rules[0]!.reason).toBe('a step down to universal services documents its plan: give universalServicesPlan.');
    run
      .send(sampleUniversalServicesMeeting('2024-05-29T10:00:00+01:00'))
      .send(event('closureSummary.completed', '2024-05-30T10:00:00+01:00'))
      .send(event('fileReview.completed', '2024-05-31T10:00:00+01:00'))
      .send(event('stepDown.authorised', '2024-05-31T15:00:00+01:00'))
      .send(event('documents.shared', '2024-06-03T10:00:00+01:00', { recipients: [samplePeople.parent, samplePeople.partner] }))
      .send(event('csc.closed', '2024-06-03T16:00:00+01:00'));
    expect(run.view).toMatchObject({ outcome: 'universal-services', stage: 'closed', states: ['universal-services'], pending: [] });
    expect(run.notifications.slice(-2)).toEqual([
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'universal-services', at: '2024-06-03T16:00:00+01:00' },
      {
        type: 'parties.toInform', caseId: 'case-1', reason: 'universal-services',
        personIds: [samplePeople.parent, samplePeople.partner], roles: [], at: '2024-06-03T16:00:00+01:00',
      },
    ]);
    expectNoFreeText(run.notifications);
    expectNoFreeText(run.view);
  });

  it('lp-none-universal-services: a Lead Professional agreeing at any rung ends the ladder and the case goes on to the final meeting', () => {
    for (let count = 0; count < order.length; count += 1) {
      const run = agree(withViewsAndConsent(climbed(count), '2024-05-02T10:00:00+01:00'), '2024-05-22T10:00:00+01:00', samplePeople.cafLinkWorker);
      expect(ladderState(run), `after ${count} rung(s)`).toBe('withChildrensSocialCare.preparation.leadProfessionalIdentified');
      // The ladder is over: its next rung is no longer a step.
      const next = order[count]!;
      const refusal = run.refuse({ ...rungs[next](), at: '2024-05-23T10:00:00+01:00' } as StepDownEvent);
      expect(refusal.code, `after ${count} rung(s)`).toBe('EVENT_NOT_ACCEPTED');
      run.send(meeting());
      expect(run.view.stage).toBe('closure');
      expect(run.view.outcome).toBeNull();
    }
  });
});
