import { isDeepStrictEqual } from 'node:util';
import { transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  StepDownError,
  createCaseEngine,
  createStepDownMachine,
  defaultPolicy,
  eventTypes,
  explainRefusal,
  persistCase,
  roles,
  type CaseEngine,
  type EventType,
  type Role,
  type StepDownEvent,
} from '../../src/index.js';
import { personAdded, sampleActionIds, sampleEvent, sampleFamilyAdded, samplePeople, sampleRecipients } from '../events/samples.js';
import { CaseRun, event } from '../machine/harness.js';

// Issue 5 "Who may do what": every event type × every role. The expected senders below are read from
// ../shared/DOMAIN.md (stages 1–6 and "Time") and the practice guidance it cites, not copied from
// src/policy/permissions.ts, so this table fails when the permissions drift from the policy.
// (closedToCsc in test/machine/journeys.test.ts is not imported: importing a test file would run its
// suite a second time inside this one, and the table needs every closure step as its own state.)

const SW = 'social-worker';
const TM = 'team-manager';
const CLW = 'caf-link-worker';
const LP = 'lead-professional';
const EHM = 'early-help-manager';
const SYSTEM = 'system';

/** Who may send each event, and where DOMAIN.md gives them the step. */
const expectedSenders: Readonly<Record<EventType, readonly Role[]>> = {
  // "Real case work": the SW keeps the case's people while the case is with CSC (under the CAF the
  // CLW and the LP too: see "the people of the case under the CAF" below).
  'person.added': [SW],
  'person.updated': [SW],
  'involvement.ended': [SW],
  // Stage 1: the SW proposes, the TM agrees in supervision; the decision is the TM's agreement.
  'decision.agreed': [TM],
  // Stage 2: the SW shares the proposal, records the views, seeks informed consent and documents disagreement.
  'views.recorded': [SW],
  'consent.given': [SW],
  'consent.refused': [SW],
  'disagreement.raised': [SW],
  // Stage 2: a disagreement is raised with the TM for resolution; withdrawing the step down is the same resolution.
  'disagreement.resolved': [TM],
  'stepDown.withdrawn': [TM],
  // Stage 2 ladder: the SW identifies an LP; on the rungs the CLW's challenge or the EH&SS Manager's panel may find one.
  'leadProfessional.agreed': [SW, CLW, EHM],
  'leadProfessional.notFound': [SW],
  'leadProfessional.challengeFailed': [CLW],
  'leadProfessional.panelFailed': [EHM],
  // Issue 5: only the EH&SS Manager records that no Lead Professional was found.
  'noLeadProfessional.recorded': [EHM],
  // Stage 4: the SW records the outcome of the final meeting, completes the e-CAF, transfer details and closure summary.
  'finalMeeting.held': [SW],
  'eCaf.referralCompleted': [SW],
  'transferDetails.completed': [SW],
  'closureSummary.completed': [SW],
  // Stage 4: the TM reviews the file, then authorises or returns (issue 5: the TM, not the SW, authorises).
  'fileReview.completed': [TM],
  'stepDown.authorised': [TM],
  'stepDown.returned': [TM],
  // Stage 4: the SW sends the minutes and plan to all, and completes the final referral closure.
  'documents.shared': [SW],
  'csc.closed': [SW],
  // Stage 5: the CLW quality assures, asks the SW for more, authorises (only the CLW) and contacts the LP.
  'ehm.infoRequested': [CLW],
  'ehm.infoProvided': [SW],
  'ehm.authorised': [CLW],
  'leadProfessional.contacted': [CLW],
  // Stage 6: the LP runs the family plan meetings, the reassessment and closes the CAF.
  'familyPlanMeeting.held': [LP],
  'reassessment.completed': [LP],
  'caf.closed': [LP],
  // "Every other event — social-worker, and also: … consent.withdrawn and stepUp.referred
  // lead-professional, caf-link-worker and team-manager" (docs/decisions.md "Who sends what").
  'consent.withdrawn': [SW, LP, CLW, TM],
  'stepUp.referred': [SW, LP, CLW, TM],
  // "The Lead Professional can change": under the CAF the LP leaves, or the CLW or the EH&SS Manager records it.
  'leadProfessional.left': [LP, CLW, EHM],
  // Outcomes, "transferred-out": while the case is with CSC a transfer out is the SW's (under the CAF the
  // CLW's or the LP's: see "a transfer out under the CAF" below).
  'case.transferredOut': [SW],
  // "Time": the host's clock reaches the machine only as a system tick.
  'clock.tick': [SYSTEM],
  'calendar.updated': [SYSTEM],
  // "Mistakes are corrected, never rewritten": any role that records events may void one (the engine
  // checks it is the sender's own or the TM's); the bare machine ignores a void (see below).
  'event.voided': [SW, TM, CLW, LP, EHM],
  'policy.adopted': [TM],
};

/** One actor id per role, none of them a sample person (so no author of the closure summary). */
const actorIds: Readonly<Record<Role, string>> = {
  'social-worker': 'sw-role-table-nadia-hussain',
  'team-manager': 'tm-role-table-gareth-lloyd',
  'caf-link-worker': 'clw-role-table-priya-shah',
  'lead-professional': 'lp-role-table-tom-baker',
  'early-help-manager': 'ehm-role-table-fiona-grant',
  system: 'system-role-table-clock',
};

/**
 * The sender of a role. The Lead Professional's user acts as the case's Lead Professional, the sample
 * person `jo-patel` (rule `own-cases-only`: a lead-professional acts only on their own cases).
 */
const actorOf = (role: Role) =>
  role === LP ? { id: actorIds[role], role, personId: samplePeople.leadProfessional.personId } : { id: actorIds[role], role };

// A CIN case in spring 2024, British Summer Time throughout (+01:00). Monday 6 May is a bank holiday.
const d = {
  opened: '2024-04-08T09:00:00+01:00',
  decision: '2024-04-08T11:00:00+01:00',
  prep: '2024-04-10T10:00:00+01:00',
  resolved: '2024-04-12T10:00:00+01:00',
  clwChallenge: '2024-04-15T10:00:00+01:00',
  panel: '2024-04-22T10:00:00+01:00',
  noLp: '2024-04-23T10:00:00+01:00',
  // The disagreement raised on Wednesday 10 April is due by the end of Wednesday 17 April (5 working days).
  afterDisagreementDue: '2024-04-19T09:00:00+01:00',
  meeting: '2024-04-17T10:00:00+01:00',
  firstFp: '2024-05-08',
  referral: '2024-04-22T10:00:00+01:00',
  transfer: '2024-04-22T11:00:00+01:00',
  summary: '2024-04-22T14:00:00+01:00',
  review: '2024-04-23T10:00:00+01:00',
  authorised: '2024-04-23T15:00:00+01:00',
  shared: '2024-04-24T10:00:00+01:00',
  closed: '2024-04-24T16:00:00+01:00',
  infoRequested: '2024-04-25T10:00:00+01:00',
  infoProvided: '2024-04-26T09:00:00+01:00',
  ehmAuthorised: '2024-04-26T10:00:00+01:00',
  contacted: '2024-04-29T10:00:00+01:00',
  underCaf: '2024-05-01T10:00:00+01:00',
  initialFp: '2024-05-08T10:00:00+01:00',
  // 49 days after the initial meeting: inside the 6–8 week review window.
  finalFp: '2024-06-26T10:00:00+01:00',
  cafClosed: '2024-06-27T10:00:00+01:00',
} as const;

const allOpen = sampleActionIds.map((id) => ({ id, status: 'open' as const }));
const allMet = sampleActionIds.map((id) => ({ id, status: 'met' as const }));
const everyone = [...sampleRecipients];

/** The events each step of the journey needs, with the dates above. */
const e = {
  decision: () => event('decision.agreed', d.decision),
  disagreement: () => event('disagreement.raised', d.prep),
  resolution: () => event('disagreement.resolved', d.resolved),
  notFound: () => event('leadProfessional.notFound', d.prep),
  challengeFailed: () => event('leadProfessional.challengeFailed', d.clwChallenge),
  panelFailed: () => event('leadProfessional.panelFailed', d.panel),
  noLp: () => event('noLeadProfessional.recorded', d.noLp),
  meeting: () => event('finalMeeting.held', d.meeting, { firstFamilyPlanMeetingDate: d.firstFp }),
  referral: () =>
    event('eCaf.referralCompleted', d.referral, {
      form: { ...event('eCaf.referralCompleted', d.referral).form, firstFamilyPlanMeetingDate: d.firstFp },
    }),
  transfer: () => event('transferDetails.completed', d.transfer),
  summary: () => event('closureSummary.completed', d.summary),
  review: () => event('fileReview.completed', d.review),
  authorise: () => event('stepDown.authorised', d.authorised),
  share: () => event('documents.shared', d.shared, { recipients: everyone }),
  close: () => event('csc.closed', d.closed),
  infoRequested: () => event('ehm.infoRequested', d.infoRequested),
  ehmAuthorised: () => event('ehm.authorised', d.ehmAuthorised),
  initialFp: () => event('familyPlanMeeting.held', d.initialFp, { kind: 'initial', actions: allOpen }),
  finalFp: () => event('familyPlanMeeting.held', d.finalFp, { kind: 'final', actions: allMet }),
};

/** The steps that bring a case to each state, each sent by the sample person of a role given that step. */
const path = {
  // The sample family is on the case record from the day it opened (rule people-on-record).
  opened: (): StepDownEvent[] => [...sampleFamilyAdded(d.opened)],
  decided: (): StepDownEvent[] => [...path.opened(), e.decision()],
  disagreementOpen: (): StepDownEvent[] => [...path.decided(), e.disagreement()],
  withClw: (): StepDownEvent[] => [...path.decided(), e.notFound()],
  atPanel: (): StepDownEvent[] => [...path.withClw(), e.challengeFailed()],
  panelFailed: (): StepDownEvent[] => [...path.atPanel(), e.panelFailed()],
  prepared: (): StepDownEvent[] => [
    ...path.decided(),
    event('views.recorded', d.prep, { personId: samplePeople.child }),
    event('views.recorded', d.prep, { personId: samplePeople.parent }),
    event('views.recorded', d.prep, { personId: samplePeople.partner }),
    event('consent.given', d.prep),
    event('leadProfessional.agreed', d.prep),
  ],
  met: (): StepDownEvent[] => [...path.prepared(), e.meeting()],
  referred: (): StepDownEvent[] => [...path.met(), e.referral()],
  transferred: (): StepDownEvent[] => [...path.referred(), e.transfer()],
  summarised: (): StepDownEvent[] => [...path.transferred(), e.summary()],
  reviewed: (): StepDownEvent[] => [...path.summarised(), e.review()],
  authorised: (): StepDownEvent[] => [...path.reviewed(), e.authorise()],
  shared: (): StepDownEvent[] => [...path.authorised(), e.share()],
  closed: (): StepDownEvent[] => [...path.shared(), e.close()],
  awaitingInformation: (): StepDownEvent[] => [...path.closed(), e.infoRequested()],
  ehmAuthorised: (): StepDownEvent[] => [...path.closed(), e.ehmAuthorised()],
  finalFpHeld: (): StepDownEvent[] => [...path.ehmAuthorised(), e.initialFp(), e.finalFp()],
};

/** For each event type: the steps to a state that accepts it, and the event itself (sent by each role in turn). */
const scenarios: { readonly [T in EventType]: { readonly steps: () => StepDownEvent[]; readonly probe: () => StepDownEvent } } = {
  'person.added': { steps: path.decided, probe: () => personAdded('mark', 'parent-carer', d.prep) },
  'person.updated': { steps: path.decided, probe: () => event('person.updated', d.prep) },
  'involvement.ended': { steps: path.decided, probe: () => event('involvement.ended', d.prep) },
  'event.voided': { steps: path.decided, probe: () => event('event.voided', d.prep) },
  'policy.adopted': { steps: path.decided, probe: () => event('policy.adopted', d.prep) },
  'decision.agreed': { steps: path.opened, probe: e.decision },
  'views.recorded': { steps: path.decided, probe: () => event('views.recorded', d.prep) },
  'consent.given': { steps: path.decided, probe: () => event('consent.given', d.prep) },
  'consent.refused': { steps: path.decided, probe: () => event('consent.refused', d.prep) },
  'disagreement.raised': { steps: path.decided, probe: e.disagreement },
  'disagreement.resolved': { steps: path.disagreementOpen, probe: e.resolution },
  'leadProfessional.agreed': { steps: path.decided, probe: () => event('leadProfessional.agreed', d.prep) },
  'leadProfessional.notFound': { steps: path.decided, probe: e.notFound },
  'leadProfessional.challengeFailed': { steps: path.withClw, probe: e.challengeFailed },
  'leadProfessional.panelFailed': { steps: path.atPanel, probe: e.panelFailed },
  'noLeadProfessional.recorded': { steps: path.panelFailed, probe: e.noLp },
  'stepDown.withdrawn': { steps: path.decided, probe: () => event('stepDown.withdrawn', d.prep) },
  'finalMeeting.held': { steps: path.prepared, probe: e.meeting },
  'eCaf.referralCompleted': { steps: path.met, probe: e.referral },
  'transferDetails.completed': { steps: path.referred, probe: e.transfer },
  'closureSummary.completed': { steps: path.transferred, probe: e.summary },
  'fileReview.completed': { steps: path.summarised, probe: e.review },
  'stepDown.authorised': { steps: path.reviewed, probe: e.authorise },
  'stepDown.returned': { steps: path.reviewed, probe: () => event('stepDown.returned', d.authorised) },
  'documents.shared': { steps: path.authorised, probe: e.share },
  'csc.closed': { steps: path.shared, probe: e.close },
  'ehm.infoRequested': { steps: path.closed, probe: e.infoRequested },
  'ehm.infoProvided': { steps: path.awaitingInformation, probe: () => event('ehm.infoProvided', d.infoProvided) },
  'ehm.authorised': { steps: path.closed, probe: e.ehmAuthorised },
  'leadProfessional.contacted': { steps: path.ehmAuthorised, probe: () => event('leadProfessional.contacted', d.contacted) },
  'familyPlanMeeting.held': { steps: path.closed, probe: e.initialFp },
  'reassessment.completed': { steps: path.closed, probe: () => event('reassessment.completed', d.underCaf) },
  'caf.closed': { steps: path.finalFpHeld, probe: () => event('caf.closed', d.cafClosed) },
  'consent.withdrawn': { steps: path.closed, probe: () => event('consent.withdrawn', d.underCaf) },
  'stepUp.referred': { steps: path.closed, probe: () => event('stepUp.referred', d.underCaf) },
  'leadProfessional.left': { steps: path.closed, probe: () => event('leadProfessional.left', d.underCaf) },
  'case.transferredOut': { steps: path.decided, probe: () => event('case.transferredOut', d.prep) },
  // A tick after the disagreement's 5 working days marks the deadline missed: an accepted tick changes the case.
  'clock.tick': { steps: path.disagreementOpen, probe: () => event('clock.tick', d.afterDisagreementDue) },
  // A calendar update that moves the open disagreement's deadline changes the case.
  'calendar.updated': { steps: path.disagreementOpen, probe: () => event('calendar.updated', d.resolved) },
};

const machine = createStepDownMachine();

/** A case opened on Monday 8 April 2024 and taken through `steps` (each must be accepted). */
function caseAfter(steps: readonly StepDownEvent[]): CaseRun {
  return steps.reduce((run, step) => run.send(step), new CaseRun('cin-outcome', d.opened));
}

/** The roles the default policy names for `type`, as a refusal words them. */
function allowedByPolicy(type: EventType): string {
  return defaultPolicy.permissions[type].join(' or ');
}

/** The same event, sent by `actor`. */
function sentBy<E extends StepDownEvent>(probe: E, actor: { id: string; role: Role; personId?: string }): E {
  return { ...probe, actor };
}

/**
 * What the case does with `probe` from `run`'s state: `accepted` (no refusal and the persisted case
 * changes), or the refusal's code and rule ids, with `+changed` when a refused event still moved the case.
 */
function outcomeOf(run: CaseRun, probe: StepDownEvent): string {
  const refusal = explainRefusal(run.snapshot, probe);
  const [next] = transition(machine, run.snapshot, probe);
  const changed = !isDeepStrictEqual(persistCase(next), persistCase(run.snapshot));
  if (refusal === null) return changed ? 'accepted' : 'accepted but nothing changed';
  return `${refusal.code} ${refusal.rules.map((r) => r.rule).join(',')}${changed ? ' +changed' : ''}`;
}

describe('division-of-duties: every event type × every role (DOMAIN.md "Roles", issue 5)', () => {
  it('division-of-duties: the table covers every event type and the six roles of DOMAIN.md', () => {
    expect(Object.keys(expectedSenders).sort()).toEqual([...eventTypes].sort());
    expect(Object.keys(scenarios).sort()).toEqual([...eventTypes].sort());
    expect([...roles].sort()).toEqual(
      ['social-worker', 'team-manager', 'caf-link-worker', 'lead-professional', 'early-help-manager', 'system'].sort(),
    );
    for (const type of eventTypes) expect(expectedSenders[type].length, type).toBeGreaterThan(0);
  });

  // The bare machine ignores event.voided and policy.adopted: the engine recomputes the case.
  for (const type of eventTypes.filter((t) => t !== 'event.voided' && t !== 'policy.adopted')) {
    const allowed = expectedSenders[type];
    it(`division-of-duties: ${type} accepts only ${allowed.join(', ')}`, () => {
      const run = caseAfter(scenarios[type].steps());
      const probe = scenarios[type].probe();
      expect(probe.type).toBe(type);
      const before = persistCase(run.snapshot);

      const observed = Object.fromEntries(roles.map((role) => [role, outcomeOf(run, sentBy(probe, actorOf(role)))]));
      const expected = Object.fromEntries(
        roles.map((role) => [role, allowed.includes(role) ? 'accepted' : 'NOT_ALLOWED division-of-duties']),
      );
      expect(observed).toEqual(expected);

      // Each refusal leaves the case exactly as it was (CaseRun.refuse checks the transition too).
      for (const role of roles.filter((r) => !allowed.includes(r))) {
        const refusal = run.refuse(sentBy(probe, actorOf(role)));
        expect(refusal.code).toBe('NOT_ALLOWED');
        expect(refusal.rules.map((r) => r.rule)).toEqual(['division-of-duties']);
        // The CAF Link Worker and the Lead Professional keep the people, and transfer a case out, only
        // once the case is under the CAF.
        const heldBack = type.startsWith('person.') || type === 'involvement.ended' || type === 'case.transferredOut' ? [CLW, LP] : [];
        expect(refusal.rules[0]!.reason).toBe(
          !heldBack.includes(role)
            ? `'${type}' is for ${allowedByPolicy(type)}, not ${role}.`
            : type === 'case.transferredOut'
              ? `'case.transferredOut' is for the social-worker until the case closes to CSC.`
              : `'${type}' is for the social-worker until the case closes to CSC; then the caf-link-worker and lead-professional too.`,
        );
      }
      expect(persistCase(run.snapshot)).toEqual(before);
    });
  }
});

describe('division-of-duties: the people of the case under the CAF (DOMAIN.md "Real case work")', () => {
  const underCaf = d.underCaf;
  const probes = {
    'person.added': () => personAdded('bola-okoro', 'practitioner', underCaf),
    'person.updated': () => event('person.updated', underCaf),
    'involvement.ended': () => event('involvement.ended', underCaf),
  } as const;

  for (const [type, probe] of Object.entries(probes)) {
    it(`division-of-duties: once the case has closed to CSC ${type} accepts social-worker, caf-link-worker and lead-professional`, () => {
      const run = caseAfter(path.closed());
      const observed = Object.fromEntries(roles.map((role) => [role, outcomeOf(run, sentBy(probe(), actorOf(role)))]));
      expect(observed).toEqual({
        'social-worker': 'accepted',
        'team-manager': 'NOT_ALLOWED division-of-duties',
        'caf-link-worker': 'accepted',
        'lead-professional': 'accepted',
        'early-help-manager': 'NOT_ALLOWED division-of-duties',
        system: 'NOT_ALLOWED division-of-duties',
      });
    });
  }

  it('division-of-duties: before the case closes to CSC the CAF Link Worker and the Lead Professional are NOT_ALLOWED to change its people, with the reason', () => {
    const run = caseAfter(path.shared());
    for (const role of [CLW, LP] as const) {
      const refusal = run.refuse(sentBy(personAdded('bola-okoro', 'practitioner', d.closed), actorOf(role)));
      expect(refusal.code).toBe('NOT_ALLOWED');
      expect(refusal.rules[0]).toMatchObject({
        rule: 'division-of-duties',
        reason: "'person.added' is for the social-worker until the case closes to CSC; then the caf-link-worker and lead-professional too.",
      });
    }
  });
});

describe('division-of-duties: a transfer out under the CAF (DOMAIN.md "Outcomes")', () => {
  it('division-of-duties: once the case has closed to CSC case.transferredOut accepts caf-link-worker and lead-professional, no longer the social-worker', () => {
    const run = caseAfter(path.closed());
    const probe = event('case.transferredOut', d.underCaf);
    const observed = Object.fromEntries(roles.map((role) => [role, outcomeOf(run, sentBy(probe, actorOf(role)))]));
    expect(observed).toEqual({
      'social-worker': 'NOT_ALLOWED division-of-duties',
      'team-manager': 'NOT_ALLOWED division-of-duties',
      'caf-link-worker': 'accepted',
      'lead-professional': 'accepted',
      'early-help-manager': 'NOT_ALLOWED division-of-duties',
      system: 'NOT_ALLOWED division-of-duties',
    });
    expect(run.refuse(sentBy(probe, actorOf(SW))).rules[0]!.reason).toBe(
      "'case.transferredOut' is for the caf-link-worker or lead-professional once the case has closed to CSC.",
    );
  });
});

describe('event.voided is the engine’s: the bare machine ignores it whoever sends it', () => {
  it('division-of-duties: event.voided changes nothing in the bare machine, from every role, in every stage', () => {
    for (const steps of [path.decided, path.met, path.closed]) {
      const run = caseAfter(steps());
      const observed = Object.fromEntries(roles.map((role) => [role, outcomeOf(run, sentBy(event('event.voided', d.underCaf), actorOf(role)))]));
      expect(observed).toEqual(
        Object.fromEntries(
          roles.map((role) => [role, role === SYSTEM ? 'NOT_ALLOWED division-of-duties' : 'EVENT_NOT_ACCEPTED step-sequence']),
        ),
      );
    }
  });
});

describe('policy.adopted is the engine’s: the bare machine, built for one policy, ignores it', () => {
  it('division-of-duties: policy.adopted changes nothing in the bare machine; only the team-manager passes the role check', () => {
    for (const steps of [path.decided, path.met, path.closed]) {
      const run = caseAfter(steps());
      const observed = Object.fromEntries(roles.map((role) => [role, outcomeOf(run, sentBy(event('policy.adopted', d.underCaf), actorOf(role)))]));
      expect(observed).toEqual(
        Object.fromEntries(
          roles.map((role) => [role, role === TM ? 'EVENT_NOT_ACCEPTED step-sequence' : 'NOT_ALLOWED division-of-duties']),
        ),
      );
    }
  });
});

/** An engine with the default memory store and a fixed clock, and a case taken through `steps`. */
async function engineCase(caseId: string, steps: readonly StepDownEvent[]): Promise<CaseEngine> {
  const engine = createCaseEngine({ now: () => new Date('2024-07-01T09:00:00+01:00') });
  await engine.open({ caseId, route: 'cin-outcome', at: d.opened, actor: samplePeople.teamManager });
  for (const step of steps) await engine.send(caseId, step);
  return engine;
}

/** Sends `event` expecting a StepDownError, and returns it. */
async function refusedBy(engine: CaseEngine, caseId: string, event: StepDownEvent): Promise<StepDownError> {
  const error = await engine.send(caseId, event).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${event.type} by ${event.actor.role} to be refused`).toBeInstanceOf(StepDownError);
  return error as StepDownError;
}

/** The case's stored record and audit trail, to compare before and after a refusal. */
async function stored(engine: CaseEngine, caseId: string) {
  const record = await engine.store.load(caseId);
  expect(record).not.toBeNull();
  return { record: record!, history: await engine.history(caseId), view: await engine.get(caseId) };
}

/**
 * A refused send leaves the case's version and snapshot as they were and adds exactly one audit
 * entry: refused, with the error code, the actor as sent and the state unchanged.
 */
async function expectOnlyAuditedRefusal(
  engine: CaseEngine,
  caseId: string,
  before: Awaited<ReturnType<typeof stored>>,
  sent: StepDownEvent,
  errorCode: string,
) {
  const after = await stored(engine, caseId);
  expect(after.record.version).toBe(before.record.version);
  expect(after.view.version).toBe(before.view.version);
  expect(after.record.snapshot).toEqual(before.record.snapshot);
  expect(after.record.nextDueAt).toBe(before.record.nextDueAt);
  expect(after.history).toHaveLength(before.history.length + 1);
  expect(after.history.slice(0, -1)).toEqual(before.history);
  const entry = after.history.at(-1)!;
  expect(entry).toMatchObject({
    caseId,
    seq: before.history.length + 1,
    type: sent.type,
    actor: sent.actor,
    at: sent.at,
    accepted: false,
    errorCode,
    version: before.record.version,
  });
  expect(entry.stateAfter).toEqual(entry.stateBefore);
}

const engineSamples: readonly { type: EventType; role: Role; steps: () => StepDownEvent[]; allowed: Role }[] = [
  { type: 'stepDown.authorised', role: SW, steps: path.reviewed, allowed: TM },
  { type: 'ehm.authorised', role: TM, steps: path.closed, allowed: CLW },
  { type: 'noLeadProfessional.recorded', role: CLW, steps: path.panelFailed, allowed: EHM },
  { type: 'clock.tick', role: SW, steps: path.disagreementOpen, allowed: SYSTEM },
];

describe('division-of-duties: through the engine a refused role leaves nothing but the audited refusal', () => {
  for (const { type, role, steps, allowed } of engineSamples) {
    it(`division-of-duties: ${type} sent by ${role} throws NOT_ALLOWED, keeps version and snapshot, audits one refusal`, async () => {
      const caseId = `role-table-${type}`;
      const engine = await engineCase(caseId, steps());
      const before = await stored(engine, caseId);
      const probe = scenarios[type].probe();

      const refused = sentBy(probe, actorOf(role));
      const error = await refusedBy(engine, caseId, refused);
      expect(error.code).toBe('NOT_ALLOWED');
      expect((error.details?.['rules'] as { rule: string }[]).map((r) => r.rule)).toEqual(['division-of-duties']);
      await expectOnlyAuditedRefusal(engine, caseId, before, refused, 'NOT_ALLOWED');
      expect((await engine.history(caseId)).at(-1)!.rules.checked).toEqual(['division-of-duties']);

      // The state did accept the event: the role the policy gives the step to moves the case on.
      const accepted = await engine.send(caseId, sentBy(probe, actorOf(allowed)));
      expect(accepted.version).toBe(before.record.version + 1);
      expect((await engine.history(caseId)).at(-1)).toMatchObject({ type, accepted: true, errorCode: null });
    });
  }
});

describe('separation-of-duties: the author of the closure summary cannot authorise it (issue 5)', () => {
  const author = samplePeople.socialWorker.id;

  it('separation-of-duties: the closure summary author, sending stepDown.authorised as team-manager, is refused', () => {
    const run = caseAfter(path.reviewed());
    const summaryEvent = path.reviewed().find((step) => step.type === 'closureSummary.completed')!;
    expect(summaryEvent.actor.id).toBe(author);
    const before = persistCase(run.snapshot);

    const refusal = run.refuse(sampleEvent('stepDown.authorised', d.authorised, { id: author, role: TM }));
    expect(refusal.code).toBe('GATE_BLOCKED');
    expect(refusal.rules.map((r) => r.rule)).toEqual(['separation-of-duties']);
    // With the author's own role it is the division of duties that refuses.
    const asAuthorRole = run.refuse(sampleEvent('stepDown.authorised', d.authorised, { id: author, role: SW }));
    expect(asAuthorRole.code).toBe('NOT_ALLOWED');
    expect(asAuthorRole.rules.map((r) => r.rule)).toEqual(['division-of-duties']);
    expect(persistCase(run.snapshot)).toEqual(before);

    // Another Team Manager authorises the same case.
    run.send(sampleEvent('stepDown.authorised', d.authorised, actorOf(TM)));
    expect(run.snapshot.context.closure.authorisedAt).toBe(d.authorised);
  });

  it('separation-of-duties: through the engine the refusal throws GATE_BLOCKED and is audited, nothing else changes', async () => {
    const caseId = 'role-table-separation';
    const engine = await engineCase(caseId, path.reviewed());
    const before = await stored(engine, caseId);

    const sameAuthor = sampleEvent('stepDown.authorised', d.authorised, { id: author, role: TM });
    const error = await refusedBy(engine, caseId, sameAuthor);
    expect(error.code).toBe('GATE_BLOCKED');
    expect((error.details?.['rules'] as { rule: string }[]).map((r) => r.rule)).toEqual(['separation-of-duties']);
    await expectOnlyAuditedRefusal(engine, caseId, before, sameAuthor, 'GATE_BLOCKED');
    expect((await engine.history(caseId)).at(-1)!.rules.checked).toEqual(['separation-of-duties']);

    const accepted = await engine.send(caseId, sampleEvent('stepDown.authorised', d.authorised, actorOf(TM)));
    expect(accepted.version).toBe(before.record.version + 1);
  });
});
