import { initialTransition, transition } from 'xstate';
import { expect } from 'vitest';
import {
  StepDownError,
  createStepDownMachine,
  getRule,
  parseEvent,
  type RuleId,
  defaultPolicy,
  describeCase,
  explainRefusal,
  persistCase,
  restoreCase,
  type CaseInput,
  type CaseSnapshot,
  type EventOf,
  type EventType,
  type Notification,
  type Policy,
  type Refusal,
  type Route,
  type StepDownEvent,
} from '../../src/index.js';
import { emittedNotifications } from '../../src/machine/notifications.js';
import { compactContext } from '../../src/machine/compaction.js';
import { personAdded, sampleEvent, sampleFamilyAdded, samplePeople, sampleRecipients } from '../events/samples.js';

/** A valid sample event of `type` at `at`, sent by the sample person of a role given that step, with overrides. */
export function event<T extends EventType>(
  type: T,
  at: string,
  overrides: Partial<Omit<EventOf<T>, 'type' | 'at'>> = {},
): EventOf<T> {
  return { ...sampleEvent(type, at), ...overrides } as EventOf<T>;
}

/**
 * Drives one case through the pure machine. Every step is also taken from a JSON round trip of the
 * persisted snapshot, and the two results must be identical: the durability the engine relies on.
 */
export class CaseRun {
  snapshot: CaseSnapshot;
  readonly notifications: Notification[] = [];
  private readonly machine;
  /** The same case on the compacting machine the engine stores, stepped alongside: it must judge alike. */
  private compacted: CaseSnapshot;
  private readonly compacting;

  constructor(
    readonly route: Route,
    openedAt: string,
    readonly policy: Policy = defaultPolicy,
    caseId = 'case-1',
    input: Pick<CaseInput, 'familyId' | 'rulesVersion'> = {},
  ) {
    // Settled deadlines kept, so a test can read how each was met; every judgement is the same as the
    // compacting machine's (test/machine/compaction.test.ts).
    this.machine = createStepDownMachine(policy, { keepSettledDeadlines: true });
    const [snapshot, actions] = initialTransition(this.machine, { caseId, route, openedAt, ...input });
    this.snapshot = snapshot;
    this.notifications.push(...emittedNotifications(actions));
    this.compacting = createStepDownMachine(policy);
    this.compacted = initialTransition(this.compacting, { caseId, route, openedAt, ...input })[0];
  }

  /** Sends an event the case must accept; fails the test with the refusal otherwise. */
  send(event: StepDownEvent): this {
    const refusal = explainRefusal(this.snapshot, event, this.policy);
    expect(refusal, `expected ${event.type} to be accepted`).toBeNull();
    const [next, actions] = transition(this.machine, this.snapshot, event);
    const restored = restoreCase(JSON.parse(JSON.stringify(persistCase(this.snapshot))), this.machine);
    const [fromJson, actionsFromJson] = transition(this.machine, restored, event);
    expect(persistCase(fromJson)).toEqual(persistCase(next));
    expect(emittedNotifications(actionsFromJson)).toEqual(emittedNotifications(actions));
    expect(next.context, `${event.type} changed nothing`).not.toBe(this.snapshot.context);
    // The snapshot the engine stores (settled deadlines dropped), taken from its own JSON, judges alike.
    const stored = restoreCase(JSON.parse(JSON.stringify(persistCase(this.compacted))), this.compacting);
    const [compacted, compactedActions] = transition(this.compacting, stored, event);
    expect(compacted.value).toEqual(next.value);
    expect(compacted.context).toEqual(compactContext(next.context));
    expect(emittedNotifications(compactedActions)).toEqual(emittedNotifications(actions));
    this.compacted = compacted;
    this.snapshot = next;
    this.notifications.push(...emittedNotifications(actions));
    return this;
  }

  /** Sends an event the case must refuse, proves nothing changed, and returns the refusal. */
  refuse(event: StepDownEvent): Refusal {
    const refusal = explainRefusal(this.snapshot, event, this.policy);
    expect(refusal, `expected ${event.type} to be refused`).not.toBeNull();
    const [next] = transition(this.machine, this.snapshot, event);
    expect(persistCase(next)).toEqual(persistCase(this.snapshot));
    expect(explainRefusal(this.compacted, event, this.policy)).toEqual(refusal);
    return refusal!;
  }

  /**
   * Adds the sample family (child `leo`, parent/carer `sarah`, practitioners `helen-price` and the
   * Lead Professional `jo-patel`) to the case record on `at` (the case's opening by default).
   */
  addFamily(at: string = this.snapshot.context.openedAt): this {
    for (const added of sampleFamilyAdded(at)) this.send(added);
    return this;
  }

  /** Adds one more person to the case record, e.g. a second parent/carer. */
  addPerson(
    personId: string,
    relationship: Parameters<typeof personAdded>[1],
    at: string = this.snapshot.context.openedAt,
    fields: Parameters<typeof personAdded>[3] = {},
  ): this {
    return this.send(personAdded(personId, relationship, at, fields));
  }

  /** Ticks the clock at `at`. */
  tick(at: string): this {
    return this.send(event('clock.tick', at));
  }

  get view() {
    return describeCase(this.snapshot);
  }

  deadline(id: string) {
    const found = this.view.deadlines.find((d) => d.id === id);
    expect(found, `deadline ${id}`).toBeDefined();
    return found!;
  }

  breachesOf(rule: string) {
    return this.view.breaches.filter((b) => b.rule === rule);
  }
}

/**
 * A case opened on `openedAt` with the sample family on its record, taken through the decision and
 * the preparation to a final meeting-ready state: the views of the child, the parent/carer and the
 * partner practitioner (the Lead Professional's agreement stands for theirs), the parent/carer's
 * consent and the Lead Professional's agreement, all on `prep`.
 */
export function readyForFinalMeeting(route: Route, days: { opened: string; decision: string; prep: string }, policy?: Policy): CaseRun {
  return new CaseRun(route, days.opened, policy)
    .addFamily()
    .send(event('decision.agreed', days.decision))
    .send(event('views.recorded', days.prep, { personId: samplePeople.child }))
    .send(event('views.recorded', days.prep, { personId: samplePeople.parent }))
    .send(event('views.recorded', days.prep, { personId: samplePeople.partner }))
    .send(event('consent.given', days.prep))
    .send(event('leadProfessional.agreed', days.prep));
}

/**
 * Assertions that a case never repeats the free text the test sent (names, views, reasons): a
 * refusal, a view of the case, a notification and an error carry ids, rule ids and dates only.
 */
export function freeTextChecks(freeText: readonly string[]) {
  function expectNoFreeText(value: unknown) {
    const json = JSON.stringify(value) ?? '';
    for (const text of freeText) expect(json).not.toContain(text);
  }

  /** The refusal's code and rule ids, each cited as the catalogue cites it; no free text anywhere. */
  function expectRefusal(refusal: Refusal, code: Refusal['code'], rules: RuleId[]) {
    expect(refusal.code).toBe(code);
    expect(refusal.rules.map((r) => r.rule)).toEqual(rules);
    for (const r of refusal.rules) expect(r.citation).toBe(getRule(r.rule).citation);
    expectNoFreeText(refusal);
  }

  /** parseEvent throws INVALID_EVENT naming `path` in details.issues, without quoting the input. */
  function expectInvalidAt(input: unknown, path: string): StepDownError {
    let error: unknown;
    try {
      parseEvent(input);
    } catch (e) {
      error = e;
    }
    expect(error, `expected ${path} to make the event invalid`).toBeInstanceOf(StepDownError);
    const invalid = error as StepDownError;
    expect(invalid.code).toBe('INVALID_EVENT');
    expect(invalid.details?.['issues']).toContainEqual(expect.objectContaining({ path }));
    expectNoFreeText(invalid.message);
    expectNoFreeText(invalid.details);
    return invalid;
  }

  return { expectNoFreeText, expectRefusal, expectInvalidAt };
}

/** The dates of the closure: the final meeting, the first family plan meeting it sets, and the day every closure step is taken. */
export interface ClosureDates {
  readonly meeting: string;
  readonly firstFp: string;
  readonly closed: string;
}

/**
 * From a case ready for its final meeting: the meeting on `meeting` setting the first family plan
 * meeting for `firstFp`, then every closure step on `closed` up to, not including, the referral
 * closure (documents go to the sample parent/carer, partner and Lead Professional, by person id).
 */
export function readyToCloseToCsc(run: CaseRun, dates: ClosureDates): CaseRun {
  const form = { ...event('eCaf.referralCompleted', dates.closed).form, firstFamilyPlanMeetingDate: dates.firstFp };
  const everyone = [...sampleRecipients];
  return run
    .send(event('finalMeeting.held', dates.meeting, { firstFamilyPlanMeetingDate: dates.firstFp }))
    .send(event('eCaf.referralCompleted', dates.closed, { form }))
    .send(event('transferDetails.completed', dates.closed))
    .send(event('closureSummary.completed', dates.closed))
    .send(event('fileReview.completed', dates.closed))
    .send(event('stepDown.authorised', dates.closed))
    .send(event('documents.shared', dates.closed, { recipients: everyone }));
}

/** {@link readyToCloseToCsc}, then the referral closure on `closed`: the case is under the CAF. */
export function closeToCsc(run: CaseRun, dates: ClosureDates): CaseRun {
  return readyToCloseToCsc(run, dates).send(event('csc.closed', dates.closed));
}
