import { initialTransition, transition } from 'xstate';
import type { EventOf, StepDownEvent } from '../events/index.js';
import type { Breach, CaseInput } from '../machine/context.js';
import { explainRefusal, type UnmetRule } from '../machine/explain.js';
import { foldEvents } from '../machine/fold.js';
import { instant } from '../machine/instants.js';
import { createStepDownMachine, type StepDownMachine } from '../machine/machine.js';
import { emittedNotifications, type Notification } from '../machine/notifications.js';
import type { CaseSnapshot } from '../machine/snapshot.js';
import { eventProblem } from '../machine/valid-event.js';
import type { Policy } from '../policy/define-policy.js';
import { getRule, rules as catalogue, type RuleId } from '../policy/rules.js';

/**
 * How a case on the bare machine refuses an event, with the engine's codes: the machine's own
 * (`NOT_ALLOWED`, `EVENT_NOT_ACCEPTED`, `GATE_BLOCKED`), a calendar fault, and those the engine adds
 * around the machine (`NO_EFFECT`, `FUTURE_DATED`, `DUPLICATE_EVENT`, and for a void
 * `UNKNOWN_EVENT` and `VOID_CONFLICT`).
 */
export type RecordRefusalCode =
  | 'NOT_ALLOWED'
  | 'EVENT_NOT_ACCEPTED'
  | 'GATE_BLOCKED'
  | 'INVALID_EVENT'
  | 'CALENDAR_OUT_OF_RANGE'
  | 'INVALID_DATE'
  | 'NO_EFFECT'
  | 'FUTURE_DATED'
  | 'DUPLICATE_EVENT'
  | 'UNKNOWN_EVENT'
  | 'VOID_CONFLICT';

/** Why the case refused an event: the code, a message of ids, rules and dates, the unmet rules and, for a void, the events in the way. */
export interface RecordRefusal {
  readonly code: RecordRefusalCode;
  readonly message: string;
  readonly rules: readonly UnmetRule[];
  /** For `VOID_CONFLICT`: the later events that would be refused without the voided one. */
  readonly eventIds?: readonly string[];
}

/** An event as the record keeps it: with its `eventId`. */
export type RecordedEvent = StepDownEvent & { readonly eventId: string };

/** What recording an event did. */
export type RecordResult =
  | {
      readonly accepted: true;
      /** A resend of an event the case holds (same id, same content): nothing changed. */
      readonly resent: boolean;
      /** Kept in the record: false for a resend and for a tick that found nothing. */
      readonly kept: boolean;
      readonly notifications: readonly Notification[];
    }
  | { readonly accepted: false; readonly refusal: RecordRefusal };

/** A voided event: its id and type, and the void's id. */
export interface VoidedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly voidedBy: string;
}

const ruleIds: ReadonlySet<string> = new Set(catalogue.map((r) => r.id));

/**
 * One case on the bare step-down machine, judged as the engine judges it: the machine's refusals, a
 * calendar fault, `FUTURE_DATED` against a clock the caller gives, `NO_EFFECT` for an event that
 * would change nothing, an idempotent resend (same `eventId`, same content) and `DUPLICATE_EVENT`,
 * and `event.voided`, recomputed with `foldEvents` over the accepted events without the voided one
 * (`VOID_CONFLICT` when a later event would then be refused). The testing kit and the simulator's
 * view of a scenario's case both keep their case in one, so the two judge alike.
 *
 * @example
 * ```ts
 * const record = new CaseRecord({ caseId: 'c-1', route: 'cin-outcome', openedAt }, defaultPolicy);
 * record.record({ ...event, eventId: 'e-1' }, '2024-03-04T12:00:00Z'); // { accepted: true, … }
 * record.record({ type: 'event.voided', voidedEventId: 'e-1', reason: 'Mistyped.', eventId: 'e-2', at, actor }, at);
 * ```
 */
export class CaseRecord {
  private readonly machine: StepDownMachine;
  private current: CaseSnapshot;
  private readonly openingNotifications: Notification[];
  private readonly accepted: RecordedEvent[] = [];
  private readonly voids: VoidedEvent[] = [];
  /** Every id the case has seen accepted (events, voids, voided events), with the content it came with. */
  private readonly seen = new Map<string, string>();

  /** Opens the case as the engine opens it: the same input, under the same policy. */
  constructor(
    readonly input: CaseInput,
    readonly policy: Policy,
  ) {
    // A test reads how each deadline was met, so settled deadlines stay in this case's context; the
    // engine's snapshot drops them, and every judgement is the same either way.
    this.machine = createStepDownMachine(policy, { keepSettledDeadlines: true });
    const [snapshot, actions] = initialTransition(this.machine, input);
    this.current = snapshot;
    this.openingNotifications = emittedNotifications(actions);
  }

  /** The case as it stands. */
  get snapshot(): CaseSnapshot {
    return this.current;
  }

  /** The notifications the case emitted as it opened. */
  get opened(): readonly Notification[] {
    return this.openingNotifications;
  }

  /** The accepted events the case is the fold of: every accepted event not voided (voids themselves excluded), in record order. */
  get events(): readonly RecordedEvent[] {
    return this.accepted;
  }

  /** The events taken out of the case by a void. */
  get voided(): readonly VoidedEvent[] {
    return this.voids;
  }

  /** The machine the case runs on. */
  get stepDownMachine(): StepDownMachine {
    return this.machine;
  }

  /**
   * Judges an event without recording it: the refusal the engine would give, or the case it would
   * make and the notifications it would emit. `now` is the recorder's clock (`FUTURE_DATED` for an
   * event dated after it, with `toleranceMs`); null leaves the date unchecked.
   */
  judge(
    event: RecordedEvent,
    now: string | null,
    toleranceMs = 0,
  ): { refusal: RecordRefusal } | { resent: true } | { next: CaseSnapshot; notifications: Notification[]; remaining?: RecordedEvent[] } {
    const held = this.seen.get(event.eventId);
    if (held !== undefined) {
      if (held === contentKey(event)) return { resent: true };
      return refusal('DUPLICATE_EVENT', `Case ${this.caseId} already holds event ${event.eventId} with other content: give a new record its own eventId, or void the old one with event.voided.`);
    }
    if (now !== null && instant(event.at) > instant(now) + toleranceMs) {
      return refusal('FUTURE_DATED', `Case ${this.caseId}: '${event.type}' is dated ${event.at}, later than now (${now}); a record is dated when it happened.`);
    }
    if (event.type === 'event.voided') return this.judgeVoid(event as EventOf<'event.voided'> & RecordedEvent);
    const machineRefusal = explainRefusal(this.current, event, this.policy);
    if (machineRefusal) return { refusal: { code: machineRefusal.code, message: machineRefusal.message, rules: machineRefusal.rules } };
    const problem = eventProblem(event, this.policy);
    if (problem) return refusal(problem.code as RecordRefusalCode, problem.message);
    const [next, actions] = transition(this.machine, this.current, event);
    if (event.type !== 'clock.tick' && unchanged(this.current, next)) {
      return refusal(
        'NO_EFFECT',
        `Case ${this.caseId}: '${event.type}' would change nothing: the case already records it. To correct a record, void the mistaken event with event.voided and record the right one.`,
      );
    }
    return { next, notifications: emittedNotifications(actions) };
  }

  /**
   * Records an event: judges it ({@link judge}) and, when the case takes it, keeps it. A tick that
   * changes nothing is taken but not kept (the fold does not need it).
   */
  record(event: RecordedEvent, now: string | null, toleranceMs = 0): RecordResult {
    const judged = this.judge(event, now, toleranceMs);
    if ('refusal' in judged) return { accepted: false, refusal: judged.refusal };
    if ('resent' in judged) return { accepted: true, resent: true, kept: false, notifications: [] };
    const kept = this.accept(event, judged);
    return { accepted: true, resent: false, kept, notifications: judged.notifications };
  }

  private accept(event: RecordedEvent, judged: { next: CaseSnapshot; remaining?: RecordedEvent[] }): boolean {
    if (event.type === 'clock.tick' && unchanged(this.current, judged.next)) return false;
    this.seen.set(event.eventId, contentKey(event));
    if (event.type === 'event.voided') {
      const target = (event as EventOf<'event.voided'>).voidedEventId;
      const voided = this.accepted.find((e) => e.eventId === target);
      this.voids.push({ eventId: target, type: voided?.type ?? 'unknown', voidedBy: event.eventId });
      this.accepted.splice(0, this.accepted.length, ...(judged.remaining ?? []));
    } else {
      this.accepted.push(event);
    }
    this.current = judged.next;
    return true;
  }

  private judgeVoid(
    event: EventOf<'event.voided'> & RecordedEvent,
  ): { refusal: RecordRefusal } | { next: CaseSnapshot; notifications: Notification[]; remaining: RecordedEvent[] } {
    const targetId = event.voidedEventId;
    const target = this.accepted.find((e) => e.eventId === targetId);
    const done = this.voids.find((v) => v.eventId === targetId);
    if (done) return refusal('NO_EFFECT', `Case ${this.caseId}: event ${targetId} is already voided (by ${done.voidedBy}).`);
    if (!target) {
      const isVoid = this.voids.some((v) => v.voidedBy === targetId);
      return isVoid
        ? refusal('EVENT_NOT_ACCEPTED', `Case ${this.caseId}: an event.voided cannot be voided: corrections are facts of the record.`)
        : refusal('UNKNOWN_EVENT', `Case ${this.caseId}: no accepted event has id '${targetId}' in this case; check the eventId.`);
    }
    if (target.type === 'clock.tick') {
      return refusal('EVENT_NOT_ACCEPTED', `Case ${this.caseId}: a clock.tick cannot be voided: the clock is a fact of the record.`);
    }
    if (event.actor.role !== target.actor.role && event.actor.role !== 'team-manager') {
      return {
        refusal: {
          code: 'NOT_ALLOWED',
          message: `Case ${this.caseId}: event ${targetId} was sent by a ${target.actor.role}: only a ${target.actor.role} or a team-manager may void it.`,
          rules: [{ rule: 'division-of-duties', citation: getRule('division-of-duties').citation, reason: `only a ${target.actor.role} or a team-manager may void it.` }],
        },
      };
    }
    const remaining = this.accepted.filter((e) => e.eventId !== targetId);
    const folded = foldEvents(this.machine, this.policy, this.input, remaining);
    if (folded.refused.length > 0) {
      const ids = folded.refused.map((r) => r.eventId ?? `(position ${r.index + 1})`);
      const rules = [...new Set(folded.refused.flatMap((r) => r.rules))].filter((r): r is RuleId => ruleIds.has(r));
      const detail = folded.refused.map((r) => `${r.eventId ?? `(position ${r.index + 1})`} (${r.code}${r.rules.length > 0 ? `: ${r.rules.join(', ')}` : ''})`);
      return {
        refusal: {
          code: 'VOID_CONFLICT',
          message: `Case ${this.caseId}: voiding ${targetId} would leave later events refused: ${detail.join('; ')}. Void those first, newest first.`,
          rules: rules.map((rule) => ({ rule, citation: getRule(rule).citation, reason: `a later event would be refused by ${rule}.` })),
          eventIds: ids,
        },
      };
    }
    const next = folded.snapshot;
    return { next, notifications: voidNotifications(this.current, next, event.at), remaining };
  }

  private get caseId(): string {
    return this.current.context.caseId;
  }
}

function refusal(code: RecordRefusalCode, message: string): { refusal: RecordRefusal } {
  return { refusal: { code, message, rules: [] } };
}

/** What a void brings: breaches withdrawn (`voided`) and breaches it brings to light, and an outcome reached or undone. */
function voidNotifications(before: CaseSnapshot, after: CaseSnapshot, at: string): Notification[] {
  const { caseId } = after.context;
  const key = (b: Breach) => (b.deadlineId !== null ? `${b.rule}|${b.deadlineId}` : `${b.rule}||${b.detectedAt}`);
  const had = new Set(before.context.breaches.map(key));
  const has = new Set(after.context.breaches.map(key));
  const notifications: Notification[] = [];
  for (const b of before.context.breaches) {
    if (!has.has(key(b))) notifications.push({ type: 'breach.withdrawn', caseId, rule: b.rule, deadlineId: b.deadlineId ?? '', at, reason: 'voided' });
  }
  for (const b of after.context.breaches) {
    if (!had.has(key(b))) notifications.push({ type: 'breach.recorded', caseId, ...b });
  }
  if (after.context.outcome !== null && after.context.outcome !== before.context.outcome) {
    notifications.push({ type: 'outcome.reached', caseId, outcome: after.context.outcome, at });
  }
  return notifications;
}

/** What an event says, without its identity or when it was recorded: a resend matches whenever it is sent. */
function contentKey(event: StepDownEvent): string {
  const { eventId: _id, recordedAt: _recorded, ...content } = event;
  return canonical(content);
}

function unchanged(a: CaseSnapshot, b: CaseSnapshot): boolean {
  return canonical(a.value) === canonical(b.value) && canonical(a.context) === canonical(b.context);
}

/** JSON with keys sorted, `undefined` left out: equal values, equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
