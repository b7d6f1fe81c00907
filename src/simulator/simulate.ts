import { memoryStore } from '../../adapters/memory.js';
import { toLondonDate, type Division } from '../calendar/index.js';
import { createCaseEngine, type CaseView } from '../engine/engine.js';
import type { CaseStore } from '../engine/store.js';
import { StepDownError, isStepDownError } from '../errors.js';
import { isEventType, type EventType } from '../events/index.js';
import type { Breach, DeadlineStatus, Outcome, Route } from '../machine/context.js';
import type { DeadlineView } from '../machine/describe.js';
import type { Stage } from '../machine/notifications.js';
import { definePolicy } from '../policy/define-policy.js';
import type { Role } from '../policy/roles.js';
import { fixtureActors } from '../testing/people.js';
import { CaseSoFar } from './case-so-far.js';
import { defineScenario, scenarioCaseId, type Expectation, type Scenario, type ScenarioSource, type ScenarioStep } from './scenario.js';
import { buildEvent, resolveAt } from './steps.js';

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

/** A refused step: the code, the rules behind it, and whether the scenario expected it. */
export interface TimelineRefusal {
  readonly code: string;
  readonly rules: readonly { readonly rule: string; readonly citation: string; readonly reason?: string }[];
  readonly expected: boolean;
}

/**
 * One line of the timeline: what happened at a step and what it did to the case. Ids, roles, rule
 * ids, citations and dates only: the payloads (names, views, reasons) never appear.
 */
export interface TimelineEntry {
  /** 0 for the opening, then the step's 1-based number in the scenario. */
  readonly step: number;
  /** The step's line in the scenario file, when known. */
  readonly line: number | null;
  /** When it happened, ISO 8601 with offset. */
  readonly at: string;
  /** The London date it happened. */
  readonly date: string;
  /** The role that acted. */
  readonly who: Role;
  /** The event type, `case.opened` or `clock.tick`. */
  readonly what: string;
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
  };
  /** Breaches recorded by this step. */
  readonly breaches: readonly TimelineBreach[];
  /** Breaches taken back by this step (a step recorded late but dated on time). */
  readonly breachesWithdrawn: readonly TimelineBreach[];
  readonly refusal: TimelineRefusal | null;
  /** What the scenario expected at this step and did not happen. */
  readonly failures: readonly string[];
}

/** A scenario's run: the timeline, the case at the end, and whether it went as the scenario expected. */
export interface SimulationResult {
  readonly scenario: {
    readonly name: string;
    readonly description: string;
    readonly route: Route;
    readonly division: Division;
    readonly caseId: string;
  };
  readonly timeline: readonly TimelineEntry[];
  readonly final: {
    readonly stage: Stage;
    readonly outcome: Outcome | null;
    readonly deadlines: readonly TimelineDeadline[];
    readonly breaches: readonly TimelineBreach[];
  };
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
  const caseId = options.caseId ?? scenarioCaseId(checked);
  const policy = definePolicy({ division: checked.division });
  const division = policy.division;
  const engine = createCaseEngine({ store: scopedStore(options.store ?? memoryStore(), caseId), policy });
  const lineOf = (index: number) => options.source?.stepLines[index] ?? null;
  const failures: { step: number | null; line: number | null; message: string }[] = [];
  const timeline: TimelineEntry[] = [];

  const openedAt = resolveAt(checked.openedAt, 'event');
  const openedBy = checked.openedBy ?? 'team-manager';
  let view = await engine.open({ caseId, route: checked.route, at: openedAt, actor: { id: fixtureActors[openedBy].id, role: openedBy } });
  timeline.push(entry({ step: 0, line: null, at: openedAt, who: openedBy, what: 'case.opened' }, null, view, null, []));

  // What the default payloads read: the same case, followed step by step on the pure machine.
  const caseSoFar = new CaseSoFar({ caseId, route: checked.route, openedAt }, policy);
  let completed = true;
  for (const [index, step] of checked.steps.entries()) {
    const number = index + 1;
    const line = lineOf(index);
    const before = view;
    const stepFailures: string[] = [];
    const where = `step ${number}${line ? ` (line ${line})` : ''}`;
    let refusal: TimelineRefusal | null = null;
    let at: string;
    let who: Role;
    let what: string;

    if (step.tick) {
      at = resolveAt(step.at, 'tick');
      who = 'system';
      what = 'clock.tick';
      const result = await engine.tick(at);
      const failed = result.failed.find((f) => f.caseId === caseId);
      if (failed) throw new StepDownError('STORE_FAILURE', `The tick at ${at} could not be recorded on case ${caseId} (${failed.code}).`, { caseId, code: failed.code });
      view = await engine.get(caseId);
      caseSoFar.tick(at);
    } else {
      const event = buildEvent(eventStep(step), caseSoFar.context);
      at = String(event.at);
      who = step.as!;
      what = step.event!;
      try {
        view = await engine.send(caseId, event);
        caseSoFar.record(event);
        if (step.expectRefusal) stepFailures.push(`${where}: ${what} was accepted, but the scenario expected ${step.expectRefusal}`);
      } catch (error) {
        if (!isRefusal(error)) throw error;
        refusal = refusalOf(error, step);
        if (!refusal.expected) {
          const rules = refusal.rules.map((r) => (r.reason ? `${r.rule} (${r.reason})` : r.rule)).join('; ');
          const expected = step.expectRefusal ? `, but the scenario expected ${step.expectRefusal}${step.expectRefusalRules ? ` naming ${step.expectRefusalRules.join(', ')}` : ''}` : '';
          stepFailures.push(`${where}: ${what} was refused with ${refusal.code}${rules ? `: ${rules}` : ''}${expected}`);
        }
        if (!step.expectRefusal) completed = false;
      }
    }
    if (completed && step.expect) stepFailures.push(...checkExpectation(step.expect, view).map((m) => `${where}: ${m}`));
    timeline.push(entry({ step: number, line, at, who, what }, before, view, refusal, stepFailures));
    failures.push(...stepFailures.map((message) => ({ step: number, line, message })));
    if (!completed) break;
  }

  if (completed && checked.expect) {
    const line = options.source?.expectLine ?? null;
    const where = `at the end${line ? ` (expect, line ${line})` : ''}`;
    failures.push(...checkExpectation(checked.expect, view).map((m) => ({ step: null, line, message: `${where}: ${m}` })));
  }

  return {
    scenario: { name: checked.name, description: checked.description, route: checked.route, division, caseId },
    timeline,
    final: {
      stage: view.stage,
      outcome: view.outcome,
      deadlines: view.deadlines.map(toTimelineDeadline),
      breaches: view.breaches.map(toTimelineBreach),
    },
    completed,
    passed: completed && failures.length === 0,
    failures,
  };
}

function eventStep(step: ScenarioStep) {
  // The schema guarantees an event step has both (its refinement reports either missing).
  if (step.as === undefined || step.event === undefined || !isEventType(step.event)) {
    throw new StepDownError('INVALID_INPUT', 'A scenario step needs an event type and a role.');
  }
  return { at: step.at, as: step.as, event: step.event as EventType, actorId: step.actorId, payload: step.payload };
}

/** The refusals of one event: a scenario may expect them; anything else (a store fault) ends the run. */
function isRefusal(error: unknown): error is StepDownError {
  return (
    isStepDownError(error) &&
    ['INVALID_EVENT', 'NOT_ALLOWED', 'EVENT_NOT_ACCEPTED', 'GATE_BLOCKED', 'CALENDAR_OUT_OF_RANGE', 'INVALID_DATE'].includes(error.code)
  );
}

function refusalOf(error: StepDownError, step: ScenarioStep): TimelineRefusal {
  const details = (error.details ?? {}) as { rules?: { rule: string; citation: string; reason?: string }[]; issues?: { path: string }[] };
  const rules = (details.rules ?? []).map((r) => ({ rule: r.rule, citation: r.citation, ...(r.reason ? { reason: r.reason } : {}) }));
  const named = step.expectRefusalRules ?? [];
  const expected = step.expectRefusal === error.code && named.every((rule) => rules.some((r) => r.rule === rule));
  return { code: error.code, rules, expected };
}

/** What an expectation finds different in the case, in words; empty when all is as expected. */
export function checkExpectation(expect: Expectation, view: CaseView): string[] {
  const problems: string[] = [];
  if (expect.stage !== undefined && expect.stage !== view.stage) problems.push(`expected stage ${expect.stage}, got ${view.stage}`);
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
  head: { step: number; line: number | null; at: string; who: Role; what: string },
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
  for (const deadline of after.deadlines) {
    const was = previous.get(deadline.id);
    if (was === deadline.status) continue;
    const shown = toTimelineDeadline(deadline);
    // A deadline judged as it is created (the first meeting's date, set at the final meeting) shows
    // once, as met or missed; one created open shows as opened.
    if (deadline.status === 'open') opened.push(shown);
    else if (deadline.status === 'met' || deadline.status === 'met-late') met.push(shown);
    else if (deadline.status === 'missed') missed.push(shown);
    else cancelled.push(shown);
  }
  return {
    ...head,
    date: toLondonDate(head.at),
    stage: after.stage,
    outcome: after.outcome,
    deadlines: { opened, met, missed, cancelled },
    breaches: difference(after.breaches, before?.breaches ?? []).map(toTimelineBreach),
    breachesWithdrawn: difference(before?.breaches ?? [], after.breaches).map(toTimelineBreach),
    refusal,
    failures,
  };
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

function toTimelineDeadline(d: DeadlineView & { windowOpens?: string }): TimelineDeadline {
  return {
    id: d.id,
    rule: d.rule,
    opensAt: d.opensAt,
    due: d.due,
    dueDate: toLondonDate(d.due),
    status: d.status,
    closedAt: d.closedAt,
    ...(d.windowOpens ? { windowOpens: d.windowOpens } : {}),
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
 * The store as the simulation's engine sees it: the same cases, but the clock finds only this case
 * due, and the outbox yields nothing. A simulation run on a shared store must never tick another
 * case at the scenario's (past or future) date, nor take another case's notifications from the
 * outbox and drop them. The caller owns the store, so closing it is left to the caller.
 */
function scopedStore(store: CaseStore, caseId: string): CaseStore {
  return {
    load: (id) => store.load(id),
    create: (record, audit, outbox) => store.create(record, audit, outbox),
    save: (record, expectedVersion, audit, outbox) => store.save(record, expectedVersion, audit, outbox),
    appendAudit: (audit, outbox) => store.appendAudit(audit, outbox),
    audit: (id) => store.audit(id),
    async dueCases(at, limit) {
      const record = await store.load(caseId);
      return record && limit > 0 && record.nextDueAt !== null && record.nextDueAt < at ? [caseId] : [];
    },
    claimOutbox: async () => [],
    acknowledge: async () => undefined,
    release: async () => undefined,
  };
}
