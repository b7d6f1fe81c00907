import { memoryStore } from '../../adapters/memory.js';
import { toLondonDate, type Division } from '../calendar/index.js';
import { createCaseEngine, type CaseView } from '../engine/engine.js';
import type { CaseStore } from '../engine/store.js';
import { withEveryDeadline } from '../engine/deadline-history.js';
import { StepDownError, isStepDownError } from '../errors.js';
import { isEventType, type EventType, type StepDownEventInput } from '../events/index.js';
import { isId } from '../ids/id.js';
import { instant, isAfter } from '../machine/instants.js';
import { getRule, rules as catalogue } from '../policy/rules.js';
import type { Breach, DeadlineStatus, Outcome, Route } from '../machine/context.js';
import type { DeadlineView } from '../machine/describe.js';
import type { Stage } from '../machine/notifications.js';
import { scenarioPolicies } from './scenario-policies.js';
import type { Timescales } from '../policy/define-policy.js';
import type { Role } from '../policy/roles.js';
import { fixtureActors } from '../testing/people.js';
import { CaseSoFar, futureToleranceMs } from './case-so-far.js';
import {
  defineScenario,
  refusalCodes,
  scenarioCases,
  scenarioFamilyId,
  type CaseExpectation,
  type Expectation,
  type Scenario,
  type ScenarioSource,
  type ScenarioStep,
} from './scenario.js';
import { buildEvent, peopleEvents, recordingClock, resolveAt, stepEventId } from './steps.js';

// Defined beside the scenario, which checking a file needs it for; the CLI takes it from here.
export { scenarioCaseId } from './scenario.js';

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /**
   * Where the case is kept: a fresh in-memory store when omitted. With a real store (a directory,
   * a database) the case stays there afterwards, for a report or a look at its audit trail.
   */
  readonly store?: CaseStore;
  /** The case id; the scenario's `caseId`, or `sim-<name>`, when omitted. */
  readonly caseId?: string;
  /** Where the scenario came from, so failures name the line of their step. */
  readonly source?: ScenarioSource;
}

/** A deadline as the timeline shows it: its id, rule, last day and where it stands. */
export interface TimelineDeadline {
  readonly id: string;
  readonly rule: string;
  /** When it started running: the step that opened it. */
  readonly opensAt: string;
  /** Its last instant, ISO 8601 with London's offset. */
  readonly due: string;
  /** The London date of its last day. */
  readonly dueDate: string;
  readonly status: DeadlineStatus;
  /** When the step that met it happened, or when it was cancelled. */
  readonly closedAt: string | null;
  /** For a family plan review: the London date its 6–8 week window opens. */
  readonly windowOpens?: string;
  /** When the step that met it was recorded (the engine's clock), where that is known. */
  readonly recordedAt?: string;
}

/** A breach as the timeline shows it. */
export interface TimelineBreach {
  readonly rule: string;
  readonly citation: string;
  readonly deadlineId: string | null;
  readonly due: string | null;
  readonly dueDate: string | null;
  /** The `at` of the tick or event that found it. */
  readonly detectedAt: string;
  readonly detectedOn: string;
}

/** A breach taken back by a step, and why. */
export interface TimelineWithdrawnBreach extends TimelineBreach {
  /**
   * `met-on-time`: the step was dated on time after all; `no-longer-needed`: an outcome dated before
   * it fell due; `voided`: the record it rested on was voided; `calendar-changed`: a new
   * bank-holiday calendar moved the deadline past the tick that found it.
   */
  readonly reason: 'met-on-time' | 'no-longer-needed' | 'voided' | 'calendar-changed';
}

/** A refused step: the code, the rules behind it, and whether the scenario expected it. */
export interface TimelineRefusal {
  readonly code: string;
  readonly rules: readonly { readonly rule: string; readonly citation: string; readonly reason?: string }[];
  /** For `VOID_CONFLICT`: the later events that stand in the void's way. */
  readonly eventIds?: readonly string[];
  /** For an event sent to a family: each case that refused it, with its code and rules (no case took it). */
  readonly cases?: readonly {
    readonly caseId: string;
    /** Its key in the family scenario. */
    readonly case: string | null;
    readonly code: string;
    readonly rules: readonly string[];
  }[];
  readonly expected: boolean;
}

/**
 * One line of the timeline: what happened at a step and what it did to the case. Ids, roles, rule
 * ids, citations and dates only: the payloads (names, views, reasons) never appear; a person is
 * shown by their id.
 */
export interface TimelineEntry {
  /** In a family scenario, the key of the case the entry is about (a shared step has an entry per case); null otherwise. */
  readonly case: string | null;
  /** The case the entry is about. */
  readonly caseId: string;
  /** 0 for the opening (and the people it opens with), then the step's 1-based number in the scenario. */
  readonly step: number;
  /** The step's line in the scenario file, when known. */
  readonly line: number | null;
  /** When it happened, ISO 8601 with offset. */
  readonly at: string;
  /** The London date it happened. */
  readonly date: string;
  /** When it was recorded: the engine's clock for the step, ISO 8601. */
  readonly recordedAt: string;
  /** The London date it was recorded. */
  readonly recordedOn: string;
  /** The role that acted. */
  readonly who: Role;
  /** The event type, `case.opened` or `clock.tick`. */
  readonly what: string;
  /** The event's id (null for the opening and a tick). */
  readonly eventId: string | null;
  /** The ids the event names: the person, the disagreement, the event voided. Never a name. */
  readonly about: readonly string[];
  /** A resend of an event the case already held (same eventId, same content): nothing changed. */
  readonly resent: boolean;
  /** Events this step voided: their id and type. */
  readonly voided: readonly { readonly eventId: string; readonly type: string }[];
  /** The stage after the step. */
  readonly stage: Stage;
  readonly outcome: Outcome | null;
  readonly deadlines: {
    readonly opened: readonly TimelineDeadline[];
    /** Met on time or late (`status` says which). */
    readonly met: readonly TimelineDeadline[];
    readonly missed: readonly TimelineDeadline[];
    /** No longer applying because the case reached an outcome first. */
    readonly cancelled: readonly TimelineDeadline[];
    /** Open again: a void took out the step that met, missed or cancelled it. */
    readonly reopened: readonly TimelineDeadline[];
  };
  /** Breaches recorded by this step. */
  readonly breaches: readonly TimelineBreach[];
  /** Breaches taken back by this step, and why. */
  readonly breachesWithdrawn: readonly TimelineWithdrawnBreach[];
  readonly refusal: TimelineRefusal | null;
  /** What the scenario expected at this step and did not happen. */
  readonly failures: readonly string[];
  /** The version of the policy governing the case after the step (`view.policy.version`): its timescales are in `scenario.timescales`. */
  readonly policyVersion: string;
}

/** A case at the end of a run. */
export interface SimulationFinal {
  readonly stage: Stage;
  readonly outcome: Outcome | null;
  readonly deadlines: readonly TimelineDeadline[];
  readonly breaches: readonly TimelineBreach[];
  /** The events voided, with the void's id. */
  readonly voided: readonly { readonly eventId: string; readonly type: string; readonly voidedBy: string }[];
  /** The version of the policy governing the case at the end; null when the case never opened. */
  readonly policyVersion: string | null;
}

/** A scenario's run: the timeline, the case (each case of a family) at the end, and whether it went as the scenario expected. */
export interface SimulationResult {
  readonly scenario: {
    readonly name: string;
    readonly description: string;
    readonly route: Route;
    readonly division: Division;
    /** The case's id; in a family scenario, the first case's. */
    readonly caseId: string;
    /** The family id its cases were opened with; null for a scenario of one case. */
    readonly familyId: string | null;
    /** Every case of the run, in the order opened: its key in the family (null for one case) and id. */
    readonly cases: readonly { readonly key: string | null; readonly caseId: string }[];
    /** The timescales of each version of the policy the run knows, by version: what a label of a case under it says. */
    readonly timescales: Readonly<Record<string, Timescales>>;
  };
  readonly timeline: readonly TimelineEntry[];
  /** The case at the end; in a family scenario, the first case's (see `cases` for each). */
  readonly final: SimulationFinal;
  /** Every case at the end, in the order opened. */
  readonly cases: readonly { readonly key: string | null; readonly caseId: string; readonly final: SimulationFinal }[];
  /** False when the run stopped at a step refused without the scenario expecting it. */
  readonly completed: boolean;
  /** Completed, and every expectation (steps, refusals, the end) met. */
  readonly passed: boolean;
  /** Every expectation not met, with its step and line. */
  readonly failures: readonly { readonly step: number | null; readonly line: number | null; readonly message: string }[];
}

/**
 * Runs a scenario through the engine, step by step, and returns its timeline: per step the date,
 * the role, the event, the stage after it, the deadlines it opened, met, missed or cancelled, the
 * breaches it recorded and any refusal, then the case at the end and every expectation not met.
 *
 * The run never touches another case in the store: the clock's ticks reach only this case, and the
 * engine delivers nothing (a shared outbox's messages belong to whoever delivers that store's
 * notifications). A step the engine refuses without the scenario expecting it stops the run.
 *
 * @throws StepDownError `INVALID_INPUT` for a scenario that is not valid; `CASE_EXISTS` when the
 *   store already holds the case id; `STORE_FAILURE` when the store fails
 *
 * @example
 * ```ts
 * const { scenario, source } = await loadScenarioFile('examples/scenarios/review-missed-over-christmas.json');
 * const result = await simulate(scenario, { source });
 * result.final.breaches; // [{ rule: 'family-plan-review', dueDate: '2024-12-26', detectedOn: '2024-12-27', … }]
 * ```
 */
export async function simulate(scenario: Scenario, options: SimulateOptions = {}): Promise<SimulationResult> {
  // A scenario built in code has not been through the file reader: validate it the same way.
  const checked = defineScenario(scenario);
  const versions = scenarioPolicies(checked);
  const division = versions.list[0]!.division;
  const familyId = scenarioFamilyId(checked);
  const planned = scenarioCases(checked, options.caseId);
  // The engine's clock follows the scenario: each step is recorded at its own recordedAt, or at the
  // latest date so far, so `recordedAt` stamps and FUTURE_DATED judge the scenario's time, not today's.
  let clock = planned[0]!.openedAt;
  const engine = createCaseEngine({
    store: scopedStore(options.store ?? memoryStore(), planned.map((c) => c.caseId)),
    policies: versions.list,
    now: () => new Date(instant(clock)),
    futureToleranceMs,
  });
  const lineOf = (index: number) => options.source?.stepLines[index] ?? null;
  const failures: { step: number | null; line: number | null; message: string }[] = [];
  const timeline: TimelineEntry[] = [];
  const family = familyId !== null;
  const caseText = (c: RunCase) => (family ? `, case ${c.key}` : '');

  const openedBy = checked.openedBy ?? 'team-manager';
  const cases: RunCase[] = [];
  let completed = true;
  // A case opens when the scenario reaches its decision date (siblings' cases may be decided days
  // apart), so the steps before it are recorded at their own dates, not after the last opening.
  const openCase = async (c: (typeof planned)[number]): Promise<void> => {
    const caseIndex = planned.indexOf(c);
    if (isAfter(c.openedAt, clock)) clock = c.openedAt;
    const input = { caseId: c.caseId, route: checked.route, at: c.openedAt, actor: { id: fixtureActors[openedBy].id, role: openedBy }, ...(familyId ? { familyId } : {}) };
    const run: RunCase = {
      key: c.key,
      caseId: c.caseId,
      view: await engine.open(input),
      // What the default payloads read: the same case, followed step by step on the pure machine.
      sofar: new CaseSoFar({ caseId: c.caseId, route: checked.route, openedAt: c.openedAt, ...(familyId ? { familyId } : {}) }, versions.inForceOn(c.openedAt)),
    };
    cases.push(run);
    const opening = { step: 0, line: null, at: c.openedAt, recordedAt: clock, who: openedBy, what: 'case.opened', eventId: null, about: [] };
    timeline.push(entry(head(run, opening), null, run.view, null, []));
    const peopleLines = family ? options.source?.casePeopleLines?.[caseIndex] : options.source?.peopleLines;
    for (const [index, event] of peopleEvents({ people: c.people }, run.sofar.context, c.openedAt).entries()) {
      const before = run.view;
      const line = peopleLines?.[index] ?? null;
      const added = { step: 0, line, at: c.openedAt, recordedAt: clock, who: 'social-worker' as const, what: 'person.added', eventId: event.eventId, about: aboutIds(event) };
      try {
        run.view = await engine.send(c.caseId, event as StepDownEventInput);
        run.sofar.record(event, clock);
        run.view = await withEveryDeadline(engine, run.view);
        timeline.push(entry(head(run, added), before, run.view, null, []));
      } catch (error) {
        if (!isRefusal(error)) throw error;
        const refusal = refusalOf(error, {});
        const message = `people[${index}]${line ? ` (line ${line})` : ''}${caseText(run)}: person.added was refused with ${refusal.code}`;
        timeline.push(entry(head(run, added), before, run.view, refusal, [message]));
        failures.push({ step: 0, line, message });
        completed = false;
        return;
      }
    }
  };
  const openDue = async (at: string | null, key?: string | null): Promise<void> => {
    for (const c of planned) {
      if (!completed || cases.some((run) => run.caseId === c.caseId)) continue;
      if (at === null || !isAfter(c.openedAt, at) || (key != null && c.key === key)) await openCase(c);
    }
  };
  await openCase(planned[0]!);

  for (const [index, step] of checked.steps.entries()) {
    if (!completed) break;
    const number = index + 1;
    const line = lineOf(index);
    const where = `step ${number}${line ? ` (line ${line})` : ''}`;
    await openDue(resolveAt(step.at, step.tick ? 'tick' : 'event'), step.case);
    if (!completed) break;
    clock = recordingClock(step, clock);
    const befores = new Map(cases.map((c) => [c.caseId, c.view]));
    /** The cases the step reached, each with its refusal (null when it took the step). */
    const reached: { run: RunCase; refusal: TimelineRefusal | null; head: EntryHead }[] = [];
    const stepFailures: string[] = [];

    if (step.tick) {
      const at = resolveAt(step.at, 'tick');
      const result = await engine.tick(at);
      for (const run of cases) {
        const failed = result.failed.find((f) => f.caseId === run.caseId);
        if (failed) throw new StepDownError('STORE_FAILURE', `The tick at ${at} could not be recorded on case ${run.caseId} (${failed.code}).`, { caseId: run.caseId, code: failed.code });
        run.view = await engine.get(run.caseId);
        run.sofar.tick(at, clock);
        run.view = await withEveryDeadline(engine, run.view);
        reached.push({ run, refusal: null, head: head(run, { step: number, line, at, recordedAt: clock, who: 'system', what: 'clock.tick', eventId: null, about: [] }) });
      }
    } else {
      const targets = step.toFamily ? cases.filter((c) => c.sofar.open) : cases.filter((c) => c.key === (step.case ?? null));
      const eventId = stepEventId(step, index);
      // A shared event's defaults follow the first open case of the family: the siblings share its people.
      const event = buildEvent({ ...eventStep(step), eventId }, (targets[0] ?? cases[0]!).sofar.context);
      const heads = targets.map((run) => head(run, { step: number, line, at: String(event.at), recordedAt: clock, who: step.as!, what: step.event!, eventId, about: aboutIds(event) }));
      let refusal: TimelineRefusal | null = null;
      try {
        if (step.toFamily) {
          const views = await engine.sendToFamily(familyId!, event as StepDownEventInput);
          for (const run of targets) run.view = views.find((v) => v.caseId === run.caseId) ?? run.view;
        } else {
          for (const run of targets) run.view = await engine.send(run.caseId, event as StepDownEventInput);
        }
        for (const run of targets) run.sofar.record(event, clock);
        for (const run of targets) run.view = await withEveryDeadline(engine, run.view);
        if (step.expectRefusal) stepFailures.push(`${where}: ${step.event} was accepted, but the scenario expected ${step.expectRefusal}`);
      } catch (error) {
        if (!isRefusal(error)) throw error;
        refusal = refusalOf(error, step);
        if (refusal.cases) refusal = { ...refusal, cases: refusal.cases.map((c) => ({ ...c, case: keyOf(cases, c.caseId) })) };
        if (!refusal.expected) {
          const rules = refusal.rules.map((r) => (r.reason ? `${r.rule} (${r.reason})` : r.rule)).join('; ');
          const by = refusal.cases ? ` by case ${refusal.cases.map((c) => `${c.case ?? c.caseId} (${c.code})`).join(', ')}` : '';
          const expected = step.expectRefusal ? `, but the scenario expected ${step.expectRefusal}${step.expectRefusalRules ? ` naming ${step.expectRefusalRules.join(', ')}` : ''}` : '';
          stepFailures.push(`${where}: ${step.event} was refused${by} with ${refusal.code}${rules ? `: ${rules}` : ''}${expected}`);
        }
        if (!step.expectRefusal) completed = false;
      }
      if (targets.length === 0) stepFailures.push(`${where}: no case of the family is open to take ${step.event}`);
      targets.forEach((run, i) => reached.push({ run, refusal, head: heads[i]! }));
    }

    const caseFailures = new Map<string, string[]>();
    if (completed && step.expect) {
      for (const run of cases) {
        const problems = expectationsOf(step.expect, run, reached.some((r) => r.run === run)).flatMap((e) => checkExpectation(e, run.view));
        caseFailures.set(run.caseId, problems.map((m) => `${where}${caseText(run)}: ${m}`));
      }
      for (const key of Object.keys(step.expect.cases ?? {})) {
        const later = planned.find((c) => c.key === key && !cases.some((run) => run.caseId === c.caseId));
        if (later) stepFailures.push(`${where}: expects case ${key}, which opens later (${later.openedAt}); move the expectation after it opens`);
      }
    }
    // A case's problems go under its own entry; one the step did not reach, under the step's first.
    const orphans = cases.filter((c) => !reached.some((r) => r.run === c)).flatMap((c) => caseFailures.get(c.caseId) ?? []);
    reached.forEach(({ run, refusal, head: entryHead }, i) => {
      const own = [...(i === 0 ? stepFailures : []), ...(caseFailures.get(run.caseId) ?? []), ...(i === 0 ? orphans : [])];
      timeline.push(entry(entryHead, befores.get(run.caseId)!, run.view, refusal, own));
    });
    const all = [...stepFailures, ...cases.flatMap((c) => caseFailures.get(c.caseId) ?? [])];
    failures.push(...all.map((message) => ({ step: number, line, message })));
  }

  await openDue(null);
  cases.sort((a, b) => planned.findIndex((c) => c.caseId === a.caseId) - planned.findIndex((c) => c.caseId === b.caseId));
  if (completed && checked.expect) {
    const line = options.source?.expectLine ?? null;
    const where = `at the end${line ? ` (expect, line ${line})` : ''}`;
    for (const run of cases) {
      const problems = expectationsOf(checked.expect, run, true).flatMap((e) => checkExpectation(e, run.view));
      failures.push(...problems.map((m) => ({ step: null, line, message: `${where}${caseText(run)}: ${m}` })));
    }
  }

  const finals = cases.map((run) => ({ key: run.key, caseId: run.caseId, final: finalOf(run.view) }));
  return {
    scenario: {
      name: checked.name,
      description: checked.description,
      route: checked.route,
      division,
      caseId: planned[0]!.caseId,
      familyId,
      cases: planned.map((c) => ({ key: c.key, caseId: c.caseId })),
      timescales: Object.fromEntries(versions.list.map((p) => [p.version, { ...p.timescales }])),
    },
    timeline,
    final: finals[0]?.final ?? finalOf(null),
    cases: finals,
    completed,
    passed: completed && failures.length === 0,
    failures,
  };
}

/** One case of a run: its key in the family (null for a scenario of one case), its view, and the case so far the defaults read. */
interface RunCase {
  readonly key: string | null;
  readonly caseId: string;
  view: CaseView;
  readonly sofar: CaseSoFar;
}

/** An entry's head for a case: the step's fields with the case it is about. */
function head(run: RunCase, fields: Omit<EntryHead, 'case' | 'caseId'>): EntryHead {
  return { ...fields, case: run.key, caseId: run.caseId };
}

function keyOf(cases: readonly RunCase[], caseId: string): string | null {
  return cases.find((c) => c.caseId === caseId)?.key ?? null;
}

/** The expectations that apply to a case: the step's own (when the step reached the case) and those for it by key. */
function expectationsOf(expect: Expectation, run: RunCase, reached: boolean): CaseExpectation[] {
  const { cases, ...own } = expect;
  const byKey = run.key !== null ? cases?.[run.key] : undefined;
  return [...(reached ? [own] : []), ...(byKey ? [byKey] : [])];
}

/** A case at the end of a run, as the result shows it. */
function finalOf(view: CaseView | null): SimulationFinal {
  if (view === null) return { stage: 'decision', outcome: null, deadlines: [], breaches: [], voided: [], policyVersion: null };
  return {
    stage: view.stage,
    outcome: view.outcome,
    deadlines: view.deadlines.map(toTimelineDeadline),
    breaches: view.breaches.map(toTimelineBreach),
    voided: view.voided.map((v) => ({ eventId: v.eventId, type: v.type, voidedBy: v.voidedBy })),
    policyVersion: view.policy.version,
  };
}

/** What a timeline entry starts from: where and when the step is, who sent what, and the ids it names. */
interface EntryHead {
  /** The case's key in a family scenario; null for a scenario of one case. */
  readonly case: string | null;
  readonly caseId: string;
  readonly step: number;
  readonly line: number | null;
  readonly at: string;
  readonly recordedAt: string;
  readonly who: Role;
  readonly what: string;
  readonly eventId: string | null;
  readonly about: readonly string[];
}

/** The ids an event names, for the timeline: a person's, a disagreement's, a voided event's. Ids only; a field that is not one is left out. */
function aboutIds(event: Record<string, unknown>): string[] {
  const ids = [event['personId'], event['disagreementId'], event['voidedEventId']];
  return ids.filter((id): id is string => isId(id));
}

function eventStep(step: ScenarioStep) {
  // The schema guarantees an event step has both (its refinement reports either missing).
  if (step.as === undefined || step.event === undefined || !isEventType(step.event)) {
    throw new StepDownError('INVALID_INPUT', 'A scenario step needs an event type and a role.');
  }
  return { at: step.at, as: step.as, event: step.event as EventType, actorId: step.actorId, actorPersonId: step.actorPersonId, payload: step.payload };
}

/** The engine's refusals of one event: a scenario may expect them; anything else (a store fault) ends the run. */
const refusalErrorCodes: ReadonlySet<string> = new Set([...refusalCodes, 'INVALID_DATE']);

function isRefusal(error: unknown): error is StepDownError {
  return isStepDownError(error) && refusalErrorCodes.has(error.code);
}

const ruleIds: ReadonlySet<string> = new Set(catalogue.map((r) => r.id));

function refusalOf(error: StepDownError, step: Pick<ScenarioStep, 'expectRefusal' | 'expectRefusalRules'>): TimelineRefusal {
  const details = (error.details ?? {}) as {
    rules?: { rule: string; citation?: string; reason?: string }[];
    conflicts?: { eventId: string | null }[];
    refusals?: { caseId: string; code: string; rules: readonly string[] }[];
  };
  const rules = (details.rules ?? []).map((r) => ({
    rule: r.rule,
    citation: r.citation ?? (ruleIds.has(r.rule) ? getRule(r.rule as Parameters<typeof getRule>[0]).citation : ''),
    ...(r.reason ? { reason: r.reason } : {}),
  }));
  // An event sent to a family: each refusing case's rules, by id (no case took it).
  const cases = (details.refusals ?? []).map((r) => ({ caseId: r.caseId, case: null, code: r.code, rules: [...r.rules] }));
  for (const rule of new Set(cases.flatMap((c) => c.rules))) {
    if (!rules.some((r) => r.rule === rule)) rules.push({ rule, citation: ruleIds.has(rule) ? getRule(rule as Parameters<typeof getRule>[0]).citation : '' });
  }
  const named = step.expectRefusalRules ?? [];
  const expected = step.expectRefusal === error.code && named.every((rule) => rules.some((r) => r.rule === rule));
  const eventIds = (details.conflicts ?? []).map((c) => c.eventId).filter((id): id is string => isId(id));
  return { code: error.code, rules, ...(eventIds.length > 0 ? { eventIds } : {}), ...(cases.length > 0 ? { cases } : {}), expected };
}

/** What an expectation finds different in the case, in words; empty when all is as expected. */
export function checkExpectation(expect: CaseExpectation, view: CaseView): string[] {
  const problems: string[] = [];
  for (const want of expect.pending ?? []) {
    const found = view.pending.some(
      (p) =>
        p.step === want.step &&
        (want.role === undefined || p.role === want.role) &&
        (want.detail === undefined || p.detail === want.detail) &&
        (want.personId === undefined || p.personId === want.personId) &&
        (want.actorId === undefined || p.actorId === want.actorId) &&
        (want.due === undefined || (p.due !== undefined && toLondonDate(p.due) === want.due)),
    );
    if (!found) {
      const wanted = [want.role, want.detail, want.personId && `person ${want.personId}`, want.actorId && `user ${want.actorId}`, want.due && `due ${want.due}`]
        .filter(Boolean)
        .join(', ');
      const has = view.pending.map((p) => [p.step, p.role, p.detail, p.personId, p.due ? `due ${toLondonDate(p.due)}` : undefined].filter(Boolean).join(' '));
      problems.push(`expected the case to be waiting for ${want.step}${wanted ? ` (${wanted})` : ''}; it waits for ${has.join('; ') || 'nothing'}`);
    }
  }
  if (expect.stage !== undefined && expect.stage !== view.stage) problems.push(`expected stage ${expect.stage}, got ${view.stage}`);
  if (expect.policyVersion !== undefined && expect.policyVersion !== view.policy.version) {
    problems.push(`expected policy version ${expect.policyVersion}, got ${view.policy.version}`);
  }
  if (expect.outcome !== undefined && expect.outcome !== view.outcome) {
    problems.push(`expected outcome ${expect.outcome ?? 'none (still open)'}, got ${view.outcome ?? 'none (still open)'}`);
  }
  if (expect.breaches !== undefined) problems.push(...compareBreaches(expect.breaches, view.breaches));
  for (const [id, wanted] of Object.entries(expect.deadlines ?? {})) {
    const deadline = view.deadlines.find((d) => d.id === id) as (DeadlineView & { windowOpens?: string }) | undefined;
    if (!deadline) {
      problems.push(`expected a deadline ${id}; the case has ${view.deadlines.map((d) => d.id).join(', ') || 'none'}`);
      continue;
    }
    if (wanted.status !== undefined && wanted.status !== deadline.status) {
      problems.push(`expected deadline ${id} ${wanted.status}, got ${deadline.status}`);
    }
    if (wanted.due !== undefined && wanted.due !== toLondonDate(deadline.due)) {
      problems.push(`expected deadline ${id} due ${wanted.due}, got ${toLondonDate(deadline.due)}`);
    }
    if (wanted.windowOpens !== undefined && wanted.windowOpens !== deadline.windowOpens) {
      problems.push(`expected deadline ${id}'s window to open ${wanted.windowOpens}, got ${deadline.windowOpens ?? 'none'}`);
    }
    const recordedAt = (deadline as { recordedAt?: string }).recordedAt;
    if (wanted.recordedOn !== undefined && (recordedAt === undefined || wanted.recordedOn !== toLondonDate(recordedAt))) {
      problems.push(`expected deadline ${id} met by a step recorded on ${wanted.recordedOn}, got ${recordedAt ? toLondonDate(recordedAt) : 'no record date'}`);
    }
  }
  if (expect.voided !== undefined) {
    const actual = view.voided.map((v) => v.eventId).sort();
    const wanted = [...expect.voided].sort();
    if (actual.join(',') !== wanted.join(',')) {
      problems.push(`expected voided events ${wanted.join(', ') || 'none'}, got ${actual.join(', ') || 'none'}`);
    }
  }
  return problems;
}

/** Breaches match as a multiset: each expected one takes one actual breach of its rule (and dates, if given). */
function compareBreaches(expected: NonNullable<Expectation['breaches']>, actual: readonly Breach[]): string[] {
  const unused = [...actual];
  const problems: string[] = [];
  // Entries with dates first, so a bare rule id does not take the breach a dated entry needs.
  const wanted = [...expected].sort((a, b) => Number(typeof a === 'string') - Number(typeof b === 'string'));
  for (const want of wanted) {
    const spec = typeof want === 'string' ? { rule: want } : want;
    const index = unused.findIndex(
      (b) =>
        b.rule === spec.rule &&
        (spec.due === undefined || (b.due !== null && toLondonDate(b.due) === spec.due)) &&
        (spec.detectedOn === undefined || toLondonDate(b.detectedAt) === spec.detectedOn),
    );
    if (index === -1) {
      const dates = [spec.due ? `due ${spec.due}` : '', spec.detectedOn ? `found ${spec.detectedOn}` : ''].filter(Boolean).join(', ');
      const same = actual.filter((b) => b.rule === spec.rule).map(describeBreach);
      problems.push(`expected a breach of ${spec.rule}${dates ? ` (${dates})` : ''}; ${same.length > 0 ? `the case has ${same.join(', ')}` : 'there is none'}`);
    } else {
      unused.splice(index, 1);
    }
  }
  for (const breach of unused) problems.push(`unexpected breach of ${describeBreach(breach)}`);
  return problems;
}

function describeBreach(b: Breach): string {
  return `${b.rule}${b.due ? ` due ${toLondonDate(b.due)}` : ''} found ${toLondonDate(b.detectedAt)}`;
}

function entry(
  head: EntryHead,
  before: CaseView | null,
  after: CaseView,
  refusal: TimelineRefusal | null,
  failures: readonly string[],
): TimelineEntry {
  const previous = new Map((before?.deadlines ?? []).map((d) => [d.id, d.status]));
  const opened: TimelineDeadline[] = [];
  const met: TimelineDeadline[] = [];
  const missed: TimelineDeadline[] = [];
  const cancelled: TimelineDeadline[] = [];
  const reopened: TimelineDeadline[] = [];
  for (const deadline of after.deadlines) {
    const was = previous.get(deadline.id);
    if (was === deadline.status) continue;
    const shown = toTimelineDeadline(deadline);
    // A deadline judged as it is created (the first meeting's date, set at the final meeting) shows
    // once, as met or missed; one created open shows as opened.
    if (deadline.status === 'open') (was === undefined ? opened : reopened).push(shown);
    else if (deadline.status === 'met' || deadline.status === 'met-late') met.push(shown);
    else if (deadline.status === 'missed') missed.push(shown);
    else cancelled.push(shown);
  }
  const voidedBefore = new Set((before?.voided ?? []).map((v) => v.eventId));
  // An event the engine took without writing anything: a resend (a tick that finds nothing writes nothing either).
  const resent = refusal === null && before !== null && head.eventId !== null && after.version === before.version;
  return {
    ...head,
    date: toLondonDate(head.at),
    recordedOn: toLondonDate(head.recordedAt),
    resent,
    voided: after.voided.filter((v) => !voidedBefore.has(v.eventId)).map((v) => ({ eventId: v.eventId, type: v.type })),
    stage: after.stage,
    outcome: after.outcome,
    deadlines: { opened, met, missed, cancelled, reopened },
    breaches: difference(after.breaches, before?.breaches ?? []).map(toTimelineBreach),
    breachesWithdrawn: difference(before?.breaches ?? [], after.breaches).map((b) => ({
      ...toTimelineBreach(b),
      reason: withdrawnBecause(b, head, after),
    })),
    refusal,
    failures,
    policyVersion: after.policy.version,
  };
}

/** Why a step took a breach back: its void, an outcome that cancelled the deadline, or a step dated on time. */
function withdrawnBecause(breach: Breach, head: EntryHead, after: CaseView): TimelineWithdrawnBreach['reason'] {
  if (head.what === 'event.voided') return 'voided';
  const deadline = after.deadlines.find((d) => d.id === breach.deadlineId);
  return deadline?.status === 'cancelled' ? 'no-longer-needed' : 'met-on-time';
}

/** The breaches in `a` not in `b`, counted (two breaches of one rule on one day are two). */
function difference(a: readonly Breach[], b: readonly Breach[]): Breach[] {
  const key = (x: Breach) => JSON.stringify([x.rule, x.deadlineId, x.due, x.detectedAt]);
  const counts = new Map<string, number>();
  for (const x of b) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
  return a.filter((x) => {
    const left = counts.get(key(x)) ?? 0;
    if (left === 0) return true;
    counts.set(key(x), left - 1);
    return false;
  });
}

function toTimelineDeadline(d: DeadlineView & { windowOpens?: string; recordedAt?: string }): TimelineDeadline {
  return {
    id: d.id,
    rule: d.rule,
    opensAt: d.opensAt,
    due: d.due,
    dueDate: toLondonDate(d.due),
    status: d.status,
    closedAt: d.closedAt,
    ...(d.windowOpens ? { windowOpens: d.windowOpens } : {}),
    ...(d.recordedAt ? { recordedAt: d.recordedAt } : {}),
  };
}

function toTimelineBreach(b: Breach): TimelineBreach {
  return {
    rule: b.rule,
    citation: b.citation,
    deadlineId: b.deadlineId,
    due: b.due,
    dueDate: b.due ? toLondonDate(b.due) : null,
    detectedAt: b.detectedAt,
    detectedOn: toLondonDate(b.detectedAt),
  };
}

/**
 * The store as the simulation's engine sees it: the same cases, but the clock finds only the run's
 * cases due, a family holds only the run's cases, and the outbox yields nothing. A simulation run on
 * a shared store must never tick another case at the scenario's (past or future) date, send a
 * family's shared event to another run's case, nor take another case's notifications from the
 * outbox and drop them. The caller owns the store, so closing it is left to the caller.
 */
function scopedStore(store: CaseStore, caseIds: readonly string[]): CaseStore {
  const ours = new Set(caseIds);
  return {
    load: (id) => store.load(id),
    create: (record, audit, outbox) => store.create(record, audit, outbox),
    save: (record, expectedVersion, audit, outbox) => store.save(record, expectedVersion, audit, outbox),
    saveMany: (writes) => store.saveMany(writes),
    async worklist(query) {
      const items = await store.worklist({ ...query, limit: Number.MAX_SAFE_INTEGER });
      return items.filter((item) => ours.has(item.caseId)).slice(0, query.limit);
    },
    // A family in a shared store may hold another run's cases: this run's shared events reach its own.
    familyCases: async (familyId) => (await store.familyCases(familyId)).filter((id) => ours.has(id)),
    appendAudit: (audit, outbox) => store.appendAudit(audit, outbox),
    audit: (id) => store.audit(id),
    async dueCases(at, limit) {
      const due: { caseId: string; nextDueAt: number }[] = [];
      for (const caseId of caseIds) {
        const record = await store.load(caseId);
        if (record && record.nextDueAt !== null && record.nextDueAt < at) due.push({ caseId, nextDueAt: record.nextDueAt });
      }
      return due.sort((a, b) => a.nextDueAt - b.nextDueAt).slice(0, Math.max(0, limit)).map((d) => d.caseId);
    },
    claimOutbox: async () => [],
    acknowledge: async () => undefined,
    release: async () => undefined,
    renewLease: async () => undefined,
    bury: async () => undefined,
    deadLetters: async () => [],
    revive: async () => false,
  };
}
