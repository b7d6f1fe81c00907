/**
 * The fuzzers of the suite, with the generated events of the fuzz tests: the engine's `send` over a
 * memory store, and the bare machine's `transition` from 9 states of a case.
 */
import { transition } from 'xstate';
import { stepDownMachine, type CaseSnapshot, type StepDownEvent } from '../../src/index.js';
import { fuzzEngine, type EngineFuzzFigures } from '../../test/engine/fuzz-events.js';
import { baseStates, fingerprint, generate, mustRefuse } from '../../test/machine/fuzz-cases.js';

export { fuzzEngine, type EngineFuzzFigures };

/** What the machine's fuzzer counted. */
export interface MachineFuzzFigures {
  readonly sent: number;
  readonly refused: number;
  /** `transition` (or the judgement beside it) threw: must be 0. */
  readonly throws: number;
  /** Refused events that changed the state, context or status: must be 0. */
  readonly changedByRefusal: number;
}

/** Sends `count` generated malformed events (seeded) through `transition` from 9 states of a case. */
export function fuzzMachine(count: number, seed: number): MachineFuzzFigures {
  const states = baseStates();
  const before = new Map(states.map((s) => [s, fingerprint(s.snapshot)]));
  const judged: string[] = [];
  let refused = 0;
  let throws = 0;
  let changedByRefusal = 0;
  for (const { state, input } of generate(states, count, seed)) {
    const mustBeRefused = mustRefuse(state.snapshot, input, judged);
    let next: CaseSnapshot;
    try {
      [next] = transition(stepDownMachine, state.snapshot, input as StepDownEvent);
    } catch {
      throws += 1;
      continue;
    }
    if (!mustBeRefused) continue;
    refused += 1;
    if (next !== state.snapshot && fingerprint(next) !== before.get(state)) changedByRefusal += 1;
  }
  return { sent: count, refused, throws: throws + judged.length, changedByRefusal };
}
