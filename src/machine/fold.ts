import { initialTransition, transition } from 'xstate';
import type { StepDownEvent } from '../events/index.js';
import type { Policy } from '../policy/define-policy.js';
import type { CaseInput } from './context.js';
import { explainRefusal } from './explain.js';
import type { StepDownMachine } from './machine.js';
import type { CaseSnapshot } from './snapshot.js';
import { eventProblem } from './valid-event.js';

/** An event a fold could not apply, by its position and id. */
export interface FoldRefusal {
  /** Its index in the events given. */
  readonly index: number;
  /** Its `eventId`, or null when it had none. */
  readonly eventId: string | null;
  /** Why: the refusal code (`GATE_BLOCKED`, `EVENT_NOT_ACCEPTED`, …). */
  readonly code: string;
  /** The unmet rules, by id. */
  readonly rules: readonly string[];
}

/**
 * The case that a list of accepted events makes, from the opening input: a case is the fold of its
 * accepted, unvoided events (DOMAIN "Mistakes are corrected, never rewritten"). Each event is judged
 * as the engine judges it; one the case would now refuse is left out and reported, and the fold goes
 * on without it. Pure: no clock, no store. `switchAfter` names the policy an event (a
 * `calendar.updated`) puts in force for the events after it.
 *
 * @example
 * ```ts
 * const { snapshot, refused } = foldEvents(stepDownMachine, defaultPolicy, input, events.filter((e) => e.eventId !== mistaken));
 * if (refused.length > 0) console.log('void these first:', refused.map((r) => r.eventId));
 * ```
 */
export function foldEvents(
  machine: StepDownMachine,
  policy: Policy,
  input: CaseInput,
  events: readonly StepDownEvent[],
  switchAfter?: (event: StepDownEvent) => { readonly machine: StepDownMachine; readonly policy: Policy } | null,
): { snapshot: CaseSnapshot; refused: FoldRefusal[] } {
  let [snapshot] = initialTransition(machine, input);
  const refused: FoldRefusal[] = [];
  events.forEach((event, index) => {
    const eventId = event.eventId ?? null;
    const problem = eventProblem(event, policy);
    if (problem) {
      refused.push({ index, eventId, code: problem.code, rules: [] });
      return;
    }
    const refusal = explainRefusal(snapshot, event, policy);
    if (refusal) {
      refused.push({ index, eventId, code: refusal.code, rules: refusal.rules.map((r) => r.rule) });
      return;
    }
    [snapshot] = transition(machine, snapshot, event);
    // A bank-holiday calendar update: the events after it count with the calendar it put in force.
    const next = switchAfter?.(event);
    if (next) ({ machine, policy } = next);
  });
  return { snapshot, refused };
}
