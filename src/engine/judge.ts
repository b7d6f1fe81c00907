import type { transition } from 'xstate';
import { StepDownError } from '../errors.js';
import type { StepDownEvent } from '../events/index.js';
import { explainRefusal, type Refusal } from '../machine/explain.js';
import { inertTransition } from '../machine/inert-transition.js';
import type { StepDownMachine } from '../machine/machine.js';
import type { CaseSnapshot } from '../machine/snapshot.js';
import { eventProblem, trustParsed } from '../machine/valid-event.js';
import type { Policy } from '../policy/define-policy.js';
import { sameJson } from './same-json.js';

/** What the machine made of an event: the next snapshot and its actions, or why it took nothing. */
export type Judgement =
  | { readonly accepted: true; readonly next: CaseSnapshot; readonly actions: ReturnType<typeof transition>[1] }
  | { readonly accepted: false; readonly error: StepDownError; readonly rules: readonly string[] };

/**
 * Judges a parsed event against a case: each rule once. The machine's guards are the gate checks
 * `explainRefusal` reports, so the transition runs first and the explanation only when the machine
 * took nothing (xstate hands back the very snapshot it was given): an accepted event is never
 * judged twice, a refused one is refused for the same rules as before. `event` must be the output
 * of `parseEvent` (plus the engine's own `eventId` and `recordedAt`): the machine does not parse it
 * again.
 */
export function judgeEvent(machine: StepDownMachine, policy: Policy, snapshot: CaseSnapshot, event: StepDownEvent): Judgement {
  const { caseId } = snapshot.context;
  trustParsed(event);
  const [next, actions] = inertTransition(machine, snapshot, event);
  if (next === snapshot) {
    const refusal = explainRefusal(snapshot, event, policy);
    if (refusal) return { accepted: false, error: refusalError(caseId, refusal), rules: refusal.rules.map((r) => r.rule) };
    // A calendar fault (a date beyond the shipped bank holidays) refuses the event; nothing is stored.
    const problem = eventProblem(event, policy);
    if (problem) return { accepted: false, error: problem, rules: [] };
  }
  // `lastStepAt` is bookkeeping every dated event moves: a record that moves nothing else changes nothing.
  if (next === snapshot || (sameJson(next.value, snapshot.value) && sameRecord(next.context, snapshot.context))) {
    return {
      accepted: false,
      rules: [],
      error: new StepDownError(
        'NO_EFFECT',
        `Case ${caseId}: '${event.type}' would change nothing: the case already records it. ` +
          'To correct a record, void the mistaken event with event.voided and record the right one.',
        { caseId, eventId: event.eventId },
      ),
    };
  }
  return { accepted: true, next, actions };
}

function refusalError(caseId: string, refusal: Refusal): StepDownError {
  return new StepDownError(refusal.code, `Case ${caseId}: ${refusal.message}`, {
    caseId,
    rules: refusal.rules.map((r) => ({ rule: r.rule, citation: r.citation, reason: r.reason })),
  });
}

/**
 * True when two contexts record the same facts, whatever their `lastStepAt`: the canonical JSON of
 * each (`sameJson`), compared field by field, and only for fields the transition replaced (xstate keeps the
 * objects an action did not touch).
 */
function sameRecord(a: CaseSnapshot['context'], b: CaseSnapshot['context']): boolean {
  const left = a as unknown as Record<string, unknown>;
  const right = b as unknown as Record<string, unknown>;
  const differs = (key: string): boolean => {
    if (key === 'lastStepAt') return false;
    const x = left[key];
    const y = right[key];
    if (x === y) return false;
    // An absent field and one set to undefined are the same JSON; either and null are not.
    return (x === undefined) !== (y === undefined) || !sameJson(x, y);
  };
  for (const key of Object.keys(left)) if (differs(key)) return false;
  for (const key of Object.keys(right)) if (!Object.prototype.propertyIsEnumerable.call(left, key) && differs(key)) return false;
  return true;
}
