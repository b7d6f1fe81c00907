import { transition } from 'xstate';
import { addDays } from '../calendar/add-days.js';
import { addWorkingDays } from '../calendar/add-working-days.js';
import { toLondonDate } from '../calendar/to-london-date.js';
import { StepDownError } from '../errors.js';
import { parseEvent, type Actor, type EventType, type StepDownEvent } from '../events/index.js';
import type { Relationship } from '../events/people.js';
import { calendarOptions } from '../machine/actions/calendar-options.js';
import type { CaseContext, Outcome, Route } from '../machine/context.js';
import { describeCase, type CaseDescription, type DeadlineView } from '../machine/describe.js';
import { gateChecks, peopleWhoseViewsAreNeeded } from '../machine/gates.js';
import { instant, isAfter } from '../machine/instants.js';
import { emittedNotifications, type Notification, type Stage } from '../machine/notifications.js';
import { persistCase, restoreCase } from '../machine/persistence.js';
import type { PendingStep } from '../machine/pending.js';
import type { CaseSnapshot } from '../machine/snapshot.js';
import { defaultPolicy, type Policy } from '../policy/define-policy.js';
import type { Role } from '../policy/roles.js';
import { rules as catalogue, type RuleId } from '../policy/rules.js';
import { CaseRecord, type RecordedEvent, type RecordRefusal, type RecordRefusalCode, type VoidedEvent } from './case-record.js';
import { defaultTimeOfDay, londonTimeOfDay, londonWallClock, resolveInstant } from './clock.js';
import { defaultPayloads, type FixtureContext, type Payload } from './fixtures.js';
import { isPlainObject, mergePayload } from './merge-payload.js';
import { familyPeople, fictionalFamily, fixtureActors, type Family } from './people.js';
import { cite, PolicyAssertionError } from './policy-assertion-error.js';

/** Some of a payload's fields, at any depth: objects merge field by field, lists are replaced whole. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * A host's own default for one event: fields merged over the kit's fixture, or a function that
 * builds the whole payload from the {@link FixtureContext}.
 */
export type PayloadOverride<T extends EventType> = DeepPartial<Payload<T>> | ((fixture: FixtureContext) => Payload<T>);

/** A host's own defaults, by event type. */
export type PayloadOverrides = { readonly [T in EventType]?: PayloadOverride<T> };

/** Renames people of the fixture family or gives them other ids: any of their fields, merged over {@link fictionalFamily}. */
export type FamilyOverrides = DeepPartial<Family>;

/** Options of {@link startCase}. */
export interface StartCaseOptions {
  /**
   * When the step-down decision was taken: a date (`'2024-03-04'`, taken as 09:00 London time) or
   * an ISO 8601 date-time with offset, used exactly as given.
   */
  readonly on: string;
  /** The decision the case enters step down from (default `cin-outcome`). */
  readonly route?: Route;
  /** The case's id (default `test-case-1`). */
  readonly caseId?: string;
  /** The council's policy (default: the guidance's own, England and Wales). */
  readonly policy?: Policy;
  /** Renames any of the fictional people the fixtures use, or gives them other ids. */
  readonly family?: FamilyOverrides;
  /**
   * Open the case with the family's people on record (`person.added` for the child, the
   * parent/carer, the partner practitioner and the Lead Professional, dated `on`), so the defaults
   * have someone to name. Default true; false opens a case with no one on it, for a test of the
   * people rules themselves (add people with {@link CaseUnderTest.person}).
   */
  readonly withFamily?: boolean;
  /** The host's own defaults for some events' payloads. */
  readonly payloads?: PayloadOverrides;
  /**
   * When the calendar moves past a deadline, send the `clock.tick` a host's scheduler would
   * (`engine.tick`), so a missed deadline is a breach at once. Default true; false leaves breaches
   * to be found by a late event or an explicit {@link CaseUnderTest.tick}.
   */
  readonly autoTick?: boolean;
  /**
   * Also take every step from a JSON round trip of the persisted snapshot and fail if the two
   * differ: the durability a store relies on. Default false (it tests the library rather than the
   * host).
   */
  readonly checkPersistence?: boolean;
}

/** Options of {@link CaseUnderTest.send}. */
export interface SendOptions {
  /**
   * When it happened, if before now: a date (the kit's time of day) or an ISO date-time with offset.
   * The event is recorded now (its `recordedAt` is the kit's clock) but dated then: a step recorded
   * late. A date after now is refused `FUTURE_DATED`, as the engine refuses it.
   */
  readonly dated?: string;
}

/**
 * Starts a case for a test, on the pure step-down machine: no store, no clock, no promises. The
 * case opens with the fictional family on record (`child-1`, `carer-1`, `partner-1`, `lp-1`).
 *
 * @example
 * ```ts
 * import { startCase } from 'caf-step-down/testing';
 *
 * startCase({ route: 'cin-outcome', on: '2024-03-04' })
 *   .as('team-manager').send('decision.agreed')
 *   .asDefault().advanceWorkingDays(2).completePreparation()
 *   .expectStage('preparation')
 *   .expectPending('finalMeeting.held');
 * ```
 */
export function startCase(options: StartCaseOptions): CaseUnderTest {
  return new CaseUnderTest(options);
}

const maxClosureSteps = 20;

/** The refusal codes of the machine itself: a refused event of these leaves the bare machine's snapshot as it was. */
const machineCodes: ReadonlySet<RecordRefusalCode> = new Set(['NOT_ALLOWED', 'EVENT_NOT_ACCEPTED', 'GATE_BLOCKED']);

/**
 * One case under test: a fluent script of what happens to it, in time order, and what the policy
 * should make of it. Every method returns the case, so a test reads as one sentence; every failed
 * expectation throws a {@link PolicyAssertionError} naming the rules involved and their citations.
 *
 * Time only moves forward: events are dated by the case's calendar ({@link now}), which `on`,
 * `advanceDays`, `advanceWeeks` and `advanceWorkingDays` move; `send(type, fields, { dated })`
 * records a step dated earlier. Every event the kit records has an `eventId` (`kit-1`, `kit-2`, …,
 * or the one a test gives) and is stamped `recordedAt` now, as the engine stamps it; {@link void}
 * takes one out again.
 */
export class CaseUnderTest {
  /** The policy the case runs under. */
  readonly policy: Policy;
  private readonly family: Family;
  private readonly overrides: PayloadOverrides;
  private readonly autoTick: boolean;
  private readonly checkPersistence: boolean;
  private readonly record: CaseRecord;
  private clock: string;
  private actor: Role | Actor | null = null;
  private readonly emitted: Notification[] = [];
  private sequence = 0;
  private lastSent: string | null = null;

  /** Use {@link startCase}. */
  constructor(options: StartCaseOptions) {
    this.policy = options.policy ?? defaultPolicy;
    this.family = mergePayload(fictionalFamily, options.family ?? {});
    this.overrides = options.payloads ?? {};
    this.autoTick = options.autoTick ?? true;
    this.checkPersistence = options.checkPersistence ?? false;
    this.clock = resolveInstant(options.on, defaultTimeOfDay);
    this.record = new CaseRecord(
      { caseId: options.caseId ?? 'test-case-1', route: options.route ?? 'cin-outcome', openedAt: this.clock },
      this.policy,
    );
    this.emitted.push(...this.record.opened);
    if (options.withFamily ?? true) {
      for (const [personId, fields] of familyPeople(this.family)) this.person(personId, fields.relationship, fields);
      this.lastSent = null;
    }
  }

  // ── time ────────────────────────────────────────────────────────────────────────────────────

  /** The case's calendar: the `at` of the next event (and the `recordedAt` of every event), ISO 8601 with offset. */
  get now(): string {
    return this.clock;
  }

  /**
   * Moves the calendar to a date (same time of day, London) or to an exact date-time. Never back:
   * an earlier time throws, as a case cannot be recorded out of order through the kit.
   */
  on(when: string): this {
    return this.moveTo(resolveInstant(when, londonTimeOfDay(this.clock)));
  }

  /** Moves the calendar on `n` calendar days, keeping the London time of day. */
  advanceDays(n: number): this {
    this.assertForward(n, 'days');
    return this.moveTo(londonWallClock(addDays(toLondonDate(this.clock), n), londonTimeOfDay(this.clock)));
  }

  /** Moves the calendar on `n` weeks (7 calendar days each): "within 4 weeks" is 28 days. */
  advanceWeeks(n: number): this {
    this.assertForward(n, 'weeks');
    return this.advanceDays(n * 7);
  }

  /**
   * Moves the calendar on `n` working days by the policy's calendar (weekends and the division's
   * bank holidays skipped), keeping the London time of day.
   */
  advanceWorkingDays(n: number): this {
    this.assertForward(n, 'working days');
    const date = addWorkingDays(toLondonDate(this.clock), n, calendarOptions(this.policy));
    return this.moveTo(londonWallClock(date, londonTimeOfDay(this.clock)));
  }

  /** Sends `clock.tick` now, as the host's scheduler would: open deadlines now past due become breaches. */
  tick(): this {
    return this.deliver('clock.tick', {}, fixtureActors.system);
  }

  // ── acting ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Acts as a role (the kit's fixture actor for it) or as a given actor, for every `send` from now
   * on until the next `as` or {@link asDefault}. Use it to test who may do what: a role the policy
   * does not give a step to is refused with rule division-of-duties. The `lead-professional` role
   * acts as the case's current Lead Professional (`actor.personId` is their person id, the family's
   * `lp-1` before one has agreed), as rule own-cases-only asks; to act as another practitioner, give
   * the actor: `as({ id: 'lp-user-2', role: 'lead-professional', personId: 'partner-1' })`.
   */
  as(who: Role | Actor): this {
    this.actor = who;
    return this;
  }

  /** Stops acting as one role: each event is again sent by the first role the policy gives it to (that may send it at this point of the case). */
  asDefault(): this {
    this.actor = null;
    return this;
  }

  /**
   * Sends an event, dated now (or `options.dated`), with the fixture's payload (see
   * {@link defaultPayloads}), the host's overrides from {@link StartCaseOptions.payloads}, then
   * `fields`. The event is validated as the engine validates it (an invalid field throws
   * `StepDownError` `INVALID_EVENT` naming it); a refusal throws a {@link PolicyAssertionError}
   * naming each unmet rule and its citation, with the engine's code in `error.code`. An
   * `event.voided` is {@link void}.
   */
  send<T extends EventType>(type: T, fields?: DeepPartial<Payload<T>>, options: SendOptions = {}): this {
    if (type === 'event.voided') {
      const { voidedEventId, reason } = (fields ?? {}) as { voidedEventId?: string; reason?: string };
      if (voidedEventId === undefined) throw new StepDownError('INVALID_ARGUMENT', 'event.voided needs the voidedEventId of the event to void.');
      return this.void(voidedEventId, reason);
    }
    return this.deliver(type, fields ?? {}, this.actor !== null ? this.actorOf(this.actor) : this.defaultActor(type), options.dated);
  }

  /**
   * Adds a person to the case (`person.added`, dated now): `relationship` says what they are to the
   * child; `fields` may give their name (a fictional one by default), a practitioner's agency (one of
   * the family's agencies by default) and a parent/carer's parental responsibility. Later events
   * name them by `personId`.
   *
   * @example
   * ```ts
   * kit.person('carer-2', 'parent-carer', { parentalResponsibility: false }).send('views.recorded', { personId: 'carer-2' });
   * ```
   */
  person(personId: string, relationship: Relationship, fields: { name?: string; agency?: string; parentalResponsibility?: boolean } = {}): this {
    return this.send('person.added', { personId, relationship, ...fields });
  }

  /**
   * Voids an event recorded through the kit (`event.voided`, dated now), as the engine does: the
   * case is recomputed from the kit's accepted events without it (`foldEvents`), the breaches that
   * rested on it are withdrawn (`breach.withdrawn`, reason `voided`) and those it hid are recorded.
   * Sent as the role that sent the event (or as the role {@link as} names: that role or a Team
   * Manager may void it). It fails with a {@link PolicyAssertionError} when a later event would then
   * be refused (`code` `VOID_CONFLICT`, `eventIds` naming them: void those first), for an id the
   * case does not hold (`UNKNOWN_EVENT`), an event already voided (`NO_EFFECT`), a tick
   * (`EVENT_NOT_ACCEPTED`) or another role (`NOT_ALLOWED`).
   *
   * @example
   * ```ts
   * const mistaken = kit.send('familyPlanMeeting.held').lastEventId!;
   * kit.void(mistaken, 'Recorded on the wrong case.').expectPending('familyPlanMeeting.held');
   * ```
   */
  void(eventId: string, reason = 'Recorded in error.'): this {
    const target = this.record.events.find((e) => e.eventId === eventId);
    const actor = this.actor !== null ? this.actorOf(this.actor) : (target?.actor ?? this.defaultActor('event.voided'));
    return this.deliver('event.voided', { voidedEventId: eventId, reason }, actor);
  }

  /**
   * Records whatever preparation is missing, dated now: the view of each person whose view is
   * needed (every child, parent/carer and practitioner involved) and not on file, a parent/carer's
   * consent when none is given, and the Lead Professional's agreement. It raises and resolves no
   * disagreement: those are what a test is about.
   */
  completePreparation(): this {
    for (const [personId] of peopleWhoseViewsAreNeeded(this.context)) {
      if (!this.context.views[personId]) this.deliver('views.recorded', { personId }, this.defaultActor('views.recorded'));
    }
    if (gateChecks['informed-consent'](this.context) !== null) this.deliver('consent.given', {}, this.defaultActor('consent.given'));
    if (gateChecks['lead-professional-identified'](this.context) !== null) {
      this.deliver('leadProfessional.agreed', {}, this.defaultActor('leadProfessional.agreed'));
    }
    return this;
  }

  /**
   * Takes the closure stage to its end, dated now, each step by the role the policy gives it to:
   * the e-CAF referral, transfer details, closure summary, the Team Manager's file review and
   * authorisation, documents shared with everyone, and the case closed to CSC. It resumes from
   * wherever closure stands (after a return, it resubmits the summary) and resolves no disagreement.
   */
  completeClosure(): this {
    for (let step = 0; this.view.stage === 'closure'; step += 1) {
      const next = this.view.pending.find((p) => p.step !== 'disagreement.resolved');
      if (!next || step >= maxClosureSteps) {
        throw new PolicyAssertionError(
          `Case ${this.caseId} cannot complete closure: it is waiting for ${describePending(this.view.pending)}.`,
          this.view.pending.map((p) => p.rule),
        );
      }
      this.deliver(next.step, {}, this.defaultActor(next.step));
    }
    return this;
  }

  // ── expectations ────────────────────────────────────────────────────────────────────────────

  /** Expects the case at a stage (`decision`, `preparation`, `closure`, `early-help`, `closed`). */
  expectStage(stage: Stage): this {
    const view = this.view;
    if (view.stage !== stage) {
      throw new PolicyAssertionError(
        `Expected case ${view.caseId} at stage '${stage}' on ${this.clock}, but it is at '${view.stage}'${this.waitingFor(view)}`,
        view.pending.map((p) => p.rule),
        { expected: stage, actual: view.stage },
      );
    }
    return this;
  }

  /** Expects the case to have ended in an outcome, or (with null) not to have ended yet. */
  expectOutcome(outcome: Outcome | null): this {
    const view = this.view;
    if (view.outcome !== outcome) {
      const rules = view.outcome ? outcomeRules(this.current) : view.pending.map((p) => p.rule);
      const actual = view.outcome ? `ended in '${view.outcome}' (${rules.map(cite).join('; ')})` : `has no outcome yet${this.waitingFor(view)}`;
      throw new PolicyAssertionError(
        `Expected case ${view.caseId} ${outcome ? `to end in '${outcome}'` : 'not to have ended'} by ${this.clock}, but it ${actual}`,
        rules,
        { expected: outcome, actual: view.outcome },
      );
    }
    return this;
  }

  /**
   * Expects a deadline (by id, e.g. first-family-plan-meeting or family-plan-review:2) to exist
   * and to match: `status`; `due` as a London date (`'2024-04-18'`) or the exact ISO instant;
   * `opensAt` likewise.
   */
  expectDeadline(id: string, expected: { status?: DeadlineView['status']; due?: string; opensAt?: string } = {}): this {
    const deadline = this.deadline(id);
    const problems: string[] = [];
    if (expected.status !== undefined && deadline.status !== expected.status) {
      problems.push(`status '${deadline.status}', not '${expected.status}'`);
    }
    if (expected.due !== undefined && !sameTime(deadline.due, expected.due)) problems.push(`due ${deadline.due}, not ${expected.due}`);
    if (expected.opensAt !== undefined && !sameTime(deadline.opensAt, expected.opensAt)) {
      problems.push(`opened ${deadline.opensAt}, not ${expected.opensAt}`);
    }
    if (problems.length > 0) {
      throw new PolicyAssertionError(
        `Deadline ${id} of case ${this.caseId}, rule ${cite(deadline.rule)}: ${problems.join('; ')} (on ${this.clock}).`,
        [deadline.rule],
        { expected, actual: { status: deadline.status, due: deadline.due, opensAt: deadline.opensAt } },
      );
    }
    return this;
  }

  /** Expects at least one breach of a rule, or exactly `count` of them. */
  expectBreach(rule: RuleId, options: { count?: number } = {}): this {
    const found = this.view.breaches.filter((b) => b.rule === rule);
    const ok = options.count === undefined ? found.length > 0 : found.length === options.count;
    if (!ok) {
      const wanted = options.count === undefined ? 'a breach' : `${options.count} breach(es)`;
      const deadlines = this.view.deadlines.filter((d) => d.rule === rule);
      const deadlineText =
        deadlines.length === 0
          ? ''
          : ` Its deadlines: ${deadlines.map((d) => `${d.id} ${d.status}, due ${d.due}`).join('; ')}.`;
      throw new PolicyAssertionError(
        `Expected ${wanted} of rule ${cite(rule)} in case ${this.caseId} by ${this.clock}, but it has ${found.length}.` +
          `${deadlineText} Breaches recorded: ${describeBreaches(this.view)}.`,
        [rule],
        { expected: options.count ?? '>= 1', actual: found.length },
      );
    }
    return this;
  }

  /** Expects no breach at all, or none of one rule. */
  expectNoBreaches(rule?: RuleId): this {
    const found = this.view.breaches.filter((b) => rule === undefined || b.rule === rule);
    if (found.length > 0) {
      const what = rule === undefined ? 'no breaches' : `no breach of rule ${cite(rule)}`;
      throw new PolicyAssertionError(
        `Expected ${what} in case ${this.caseId} by ${this.clock}, but it has ${found.length}: ${describeBreaches({ breaches: found })}.`,
        found.map((b) => b.rule),
        { expected: [], actual: found.map((b) => b.rule) },
      );
    }
    return this;
  }

  /**
   * Expects the case to be waiting for a step: optionally from a role, with a detail (a person's or
   * disagreement's id, a kind of meeting), from a person (the Lead Professional's person id), from a
   * user (the Team Manager who agreed the decision, by actor id), or falling due on a London date
   * (`'2024-04-10'`) or at an exact instant.
   *
   * @example
   * ```ts
   * kit.expectPending('familyPlanMeeting.held', { role: 'lead-professional', personId: 'lp-1', due: '2024-04-10' });
   * ```
   */
  expectPending(
    step: EventType,
    options: { role?: Role; detail?: string; personId?: string; actorId?: string; due?: string } = {},
  ): this {
    const view = this.view;
    const match = view.pending.some(
      (p) =>
        p.step === step &&
        (options.role === undefined || p.role === options.role) &&
        (options.detail === undefined || p.detail === options.detail) &&
        (options.personId === undefined || p.personId === options.personId) &&
        (options.actorId === undefined || p.actorId === options.actorId) &&
        (options.due === undefined || (p.due !== undefined && sameTime(p.due, options.due))),
    );
    if (!match) {
      const who = [
        options.role && `from ${options.role}`,
        options.detail && `(${options.detail})`,
        options.personId && `person ${options.personId}`,
        options.actorId && `user ${options.actorId}`,
        options.due && `due ${options.due}`,
      ]
        .filter(Boolean)
        .join(' ');
      throw new PolicyAssertionError(
        `Expected case ${view.caseId} to be waiting for ${step}${who ? ` ${who}` : ''} on ${this.clock}, but it is ` +
          `${view.stage === 'closed' ? `closed with outcome '${view.outcome}'` : `at '${view.stage}'`}${this.waitingFor(view)}`,
        view.pending.map((p) => p.rule),
        { expected: step, actual: view.pending.map((p) => p.step) },
      );
    }
    return this;
  }

  /**
   * Expects the case to refuse an event sent now (as the current role), optionally by a rule or
   * with a refusal code (the engine's: `GATE_BLOCKED`, `NO_EFFECT`, `FUTURE_DATED`,
   * `VOID_CONFLICT`, …), and proves the refusal changed nothing. `fields` are as for {@link send};
   * `dated` dates the event as {@link SendOptions.dated} does (a date after now is `FUTURE_DATED`).
   */
  expectRefused<T extends EventType>(
    type: T,
    options: { rule?: RuleId; code?: RecordRefusalCode; fields?: DeepPartial<Payload<T>>; dated?: string } = {},
  ): this {
    const fields = (options.fields ?? {}) as Record<string, unknown>;
    const actor = this.actor !== null ? this.actorOf(this.actor) : this.actorFor(type, fields);
    const event = this.build(type, fields, actor, options.dated);
    const judged = this.record.judge(event, this.clock);
    const by = `${type} from ${event.actor.role} dated ${event.at}`;
    if (!('refusal' in judged)) {
      throw new PolicyAssertionError(
        `Expected case ${this.caseId} to refuse ${by}${options.rule ? ` by rule ${cite(options.rule)}` : ''}${options.code ? ` with ${options.code}` : ''}, but it ${'resent' in judged ? 'takes it as a resend of an event it holds' : 'accepts it'}.`,
        options.rule ? [options.rule] : [],
      );
    }
    const refusal = judged.refusal;
    const rules = refusal.rules.map((r) => r.rule);
    if ((options.rule !== undefined && !rules.includes(options.rule)) || (options.code !== undefined && refusal.code !== options.code)) {
      const wanted = [options.rule && `by rule ${cite(options.rule)}`, options.code && `with ${options.code}`].filter(Boolean).join(' ');
      throw new PolicyAssertionError(
        `Expected case ${this.caseId} to refuse ${by} ${wanted}, but it refused it with ${refusal.code}: ${refusal.message}`,
        [...(options.rule ? [options.rule] : []), ...rules],
        { expected: { rule: options.rule, code: options.code }, actual: { rules, code: refusal.code } },
        { code: refusal.code, eventIds: refusal.eventIds },
      );
    }
    if (machineCodes.has(refusal.code)) {
      // The bare machine itself must leave the case as it was, as the engine's refusal does.
      const [after] = transition(this.record.stepDownMachine, this.current, event);
      if (!jsonEqual(persistCase(after), persistCase(this.current))) {
        throw new PolicyAssertionError(`Case ${this.caseId} was changed by ${by}, which it refused (${refusal.message}).`, rules);
      }
    }
    return this;
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  /** The case's id. */
  get caseId(): string {
    return this.current.context.caseId;
  }

  /** The case as a manager sees it ({@link describeCase}): stage, outcome, deadlines, breaches, pending steps. */
  get view(): CaseDescription {
    return describeCase(this.current);
  }

  /** Everything the machine knows of the case (holds the fixtures' fictional names). */
  get context(): CaseContext {
    return this.current.context;
  }

  /** The machine's snapshot: persist it with `persistCase`, or drive it on with xstate. */
  get snapshot(): CaseSnapshot {
    return this.current;
  }

  /** Every notification the case has emitted so far, oldest first. */
  get notifications(): readonly Notification[] {
    return this.emitted;
  }

  /**
   * The events the case is made of, in the order they were recorded, each with its `eventId`: every
   * accepted event not voided (ticks that found something included; voids themselves not).
   */
  get events(): readonly RecordedEvent[] {
    return this.record.events;
  }

  /** The events voided so far: their id and type, and the id of the void. */
  get voided(): readonly VoidedEvent[] {
    return this.record.voided;
  }

  /**
   * The `eventId` of the last event the test recorded (with `send`, `person`, `void` or a shortcut;
   * not a tick), or null before any.
   */
  get lastEventId(): string | null {
    return this.lastSent;
  }

  /**
   * The ids of the case's events of one type, oldest first (voided ones left out): what to give
   * {@link void}.
   *
   * @example
   * ```ts
   * kit.void(kit.eventIds('views.recorded')[0]!);
   * ```
   */
  eventIds(type: EventType): string[] {
    return this.record.events.filter((e) => e.type === type).map((e) => e.eventId);
  }

  /** A deadline by id; throws, listing the case's deadlines, when there is none. */
  deadline(id: string): DeadlineView {
    const found = this.view.deadlines.find((d) => d.id === id);
    if (!found) {
      const rule = isStepDownRule(id) ? id : null;
      const ids = this.view.deadlines.map((d) => d.id);
      throw new PolicyAssertionError(
        `Case ${this.caseId} has no deadline '${id}'${rule ? ` (rule ${cite(rule)})` : ''} on ${this.clock}; ` +
          `its deadlines: ${ids.length > 0 ? ids.join(', ') : 'none'}.`,
        rule ? [rule] : [],
      );
    }
    return found;
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────

  private get current(): CaseSnapshot {
    return this.record.snapshot;
  }

  /**
   * Who sends an event when the test names no one: the first role the policy gives it to that may
   * send it at this point of the case (rule division-of-duties: a transfer out is the Social
   * Worker's before the CSC closure, the CAF Link Worker's after it).
   */
  private defaultActor(type: EventType): Actor {
    const roles = this.policy.permissions[type];
    for (const role of roles) {
      const actor = this.actorOf(role);
      const probe = { type, at: this.clock, actor } as unknown as StepDownEvent;
      if (gateChecks['division-of-duties'](this.context, probe, this.policy) === null) return actor;
    }
    return this.actorOf(roles[0] ?? 'social-worker');
  }

  /**
   * The actor a role acts as: the fixture actor for it; for the Lead Professional, carrying the
   * person id of the case's current Lead Professional (the family's before one agreed), as rule
   * own-cases-only asks. A given actor is used as given.
   */
  private actorOf(who: Role | Actor): Actor {
    if (typeof who !== 'string') return who;
    if (who !== 'lead-professional') return fixtureActors[who];
    return { ...fixtureActors[who], personId: this.context.leadProfessional?.personId ?? this.family.leadProfessional.id };
  }

  /** Who sends an event by default: a void is sent by whoever sent the event it voids. */
  private actorFor(type: EventType, fields: Record<string, unknown>): Actor {
    if (type === 'event.voided') {
      const target = this.record.events.find((e) => e.eventId === fields['voidedEventId']);
      if (target) return target.actor;
    }
    return this.defaultActor(type);
  }

  // Typed loosely inside: `send` and `expectRefused` check each event's fields against its payload
  // type, and parseEvent checks the merged event at run time.
  private build(type: EventType, fields: object, actor: Actor, dated?: string): RecordedEvent {
    const at = dated === undefined ? this.clock : resolveInstant(dated, londonTimeOfDay(this.clock));
    const override = this.overrides[type] as object | ((fixture: FixtureContext) => object) | undefined;
    const requested = { ...(typeof override === 'object' ? override : {}), ...fields } as Record<string, unknown>;
    const fixture: FixtureContext = { at, case: this.current.context, family: this.family, requested };
    const fixtureOf = defaultPayloads[type] as (fixture: FixtureContext) => object;
    const base = typeof override === 'function' ? override(fixture) : mergePayload(fixtureOf(fixture), override);
    const payload = mergePayload(base, fields) as { eventId?: unknown };
    const eventId = typeof payload.eventId === 'string' ? payload.eventId : `kit-${this.sequence + 1}`;
    // Validated as the engine validates a host's event: a bad override fails here, naming the field.
    // Stamped as the engine stamps it: recorded now, whenever it is dated.
    return parseEvent({ ...payload, type, at, actor, eventId, recordedAt: this.clock }) as RecordedEvent;
  }

  private deliver(type: EventType, fields: object, actor: Actor, dated?: string): this {
    const event = this.build(type, fields, actor, dated);
    const before = this.current;
    const result = this.record.record(event, this.clock);
    if (!result.accepted) throw this.refused(event, result.refusal);
    if (result.kept && event.eventId === `kit-${this.sequence + 1}`) this.sequence += 1;
    if (type !== 'clock.tick') this.lastSent = event.eventId;
    if (this.checkPersistence && result.kept && type !== 'event.voided') this.checkReplay(event, before, result.notifications);
    this.emitted.push(...result.notifications);
    // A void may take out the step that met a deadline now past: the scheduler's next tick finds it.
    if (type === 'event.voided') this.catchUp();
    return this;
  }

  private refused(event: StepDownEvent, refusal: RecordRefusal): PolicyAssertionError {
    return new PolicyAssertionError(
      `Case ${this.caseId} refused ${event.type} from ${event.actor.role} dated ${event.at} (${refusal.code}). ${refusal.message}`,
      refusal.rules.map((r) => r.rule),
      undefined,
      { code: refusal.code, eventIds: refusal.eventIds },
    );
  }

  private checkReplay(event: StepDownEvent, before: CaseSnapshot, notifications: readonly Notification[]): void {
    const machine = this.record.stepDownMachine;
    const restored = restoreCase(JSON.parse(JSON.stringify(persistCase(before))), machine);
    const [fromJson, actions] = transition(machine, restored, event);
    if (!jsonEqual(persistCase(fromJson), persistCase(this.current)) || !jsonEqual(emittedNotifications(actions), notifications)) {
      throw new PolicyAssertionError(`Case ${this.caseId}: ${event.type} on ${event.at} gives a different case when taken from the persisted snapshot.`, []);
    }
  }

  private moveTo(to: string): this {
    if (isAfter(this.clock, to)) {
      throw new StepDownError(
        'INVALID_ARGUMENT',
        `Time only moves forward in a case under test: ${to} is before its calendar (${this.clock}).`,
      );
    }
    this.clock = to;
    return this.catchUp();
  }

  /** What a host's scheduler does: tick the case once a deadline has passed (engine.tick). */
  private catchUp(): this {
    if (this.autoTick && this.current.status === 'active') {
      const due = this.current.context.deadlines.some((d) => d.status === 'open' && instant(d.due) < instant(this.clock));
      if (due) this.tick();
    }
    return this;
  }

  private assertForward(n: number, unit: string): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new StepDownError('INVALID_ARGUMENT', `Time only moves forward: advance by a whole number of ${unit}, 0 or more, not ${n}.`);
    }
  }

  private waitingFor(view: CaseDescription): string {
    return view.pending.length === 0 ? '.' : `, waiting for ${describePending(view.pending)}.`;
  }
}

const ruleIds: ReadonlySet<string> = new Set(catalogue.map((r) => r.id));

/** True when `id` names a rule of the catalogue (deadline and state ids often do). */
function isStepDownRule(id: string): id is RuleId {
  return ruleIds.has(id);
}

function describePending(pending: readonly PendingStep[]): string {
  if (pending.length === 0) return 'nothing';
  return pending
    .map(
      (p) =>
        `${p.step}${p.detail ? ` (${p.detail})` : ''} from ${p.role}${p.personId ? ` ${p.personId}` : ''}${p.actorId ? ` ${p.actorId}` : ''}` +
        `${p.due ? ` due ${p.due}` : ''}, rule ${cite(p.rule)}`,
    )
    .join('; ');
}

function describeBreaches(view: Pick<CaseDescription, 'breaches'>): string {
  if (view.breaches.length === 0) return 'none';
  return view.breaches
    .map((b) => `${cite(b.rule)} found ${b.detectedAt}${b.deadlineId ? `, deadline ${b.deadlineId} due ${b.due}` : ''}`)
    .join('; ');
}

/** The rules behind the final state a case ended in: its `meta.rules`. */
function outcomeRules(snapshot: CaseSnapshot): RuleId[] {
  const rules: RuleId[] = [];
  for (const meta of Object.values(snapshot.getMeta() as Record<string, { rules?: readonly string[] } | undefined>)) {
    for (const rule of meta?.rules ?? []) if (isStepDownRule(rule)) rules.push(rule);
  }
  return rules;
}

/** A London date (`YYYY-MM-DD`) matches an instant on that London day; a date-time must match exactly. */
function sameTime(actual: string, expected: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(expected) ? toLondonDate(actual) === expected : actual === expected;
}

/** Equality of JSON values, whatever the order of their keys. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    const otherKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    return keys.length === otherKeys.length && keys.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}
