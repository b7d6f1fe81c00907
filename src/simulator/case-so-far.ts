import { initialTransition, transition } from 'xstate';
import { isStepDownError } from '../errors.js';
import { parseEvent } from '../events/index.js';
import type { CaseContext, CaseInput } from '../machine/context.js';
import { explainRefusal } from '../machine/explain.js';
import { createStepDownMachine, type StepDownMachine } from '../machine/machine.js';
import type { CaseSnapshot } from '../machine/snapshot.js';
import type { Policy } from '../policy/define-policy.js';
import { fixtureActors } from '../testing/people.js';

/**
 * The case a scenario has made so far, on the pure machine, for the default payloads to read. The
 * fixtures (`defaultPayloads` of `caf-step-down/testing`) take a case's context, so a default
 * agrees with what is on file: the next party without a view, the next free disagreement id, the
 * final meeting's date in the e-CAF's section 11, documents to everyone whose view is recorded. The
 * engine describes a case but does not hand out its context, so the simulator follows the same
 * steps here; checking a scenario file, before any engine runs, does the same, so both build the
 * same events.
 *
 * @example
 * ```ts
 * const sofar = new CaseSoFar({ caseId: 'sim-step-up', route: 'cin-outcome', openedAt }, policy);
 * const event = buildEvent(step, sofar.context);
 * await engine.send(caseId, event);
 * sofar.record(event);
 * ```
 */
export class CaseSoFar {
  private readonly machine: StepDownMachine;
  private snapshot: CaseSnapshot;

  /** Opens the case as the engine opens it: the same input, under the same policy. */
  constructor(
    input: CaseInput,
    private readonly policy: Policy,
  ) {
    this.machine = createStepDownMachine(policy);
    [this.snapshot] = initialTransition(this.machine, input);
  }

  /** Everything recorded so far: what the fixtures read. */
  get context(): CaseContext {
    return this.snapshot.context;
  }

  /**
   * Records a step as the engine would: an event that is invalid, or that the machine refuses,
   * changes nothing, just as a refused step leaves the engine's case as it was.
   */
  record(event: unknown): void {
    try {
      const valid = parseEvent(event);
      if (explainRefusal(this.snapshot, valid, this.policy)) return;
      [this.snapshot] = transition(this.machine, this.snapshot, valid);
    } catch (error) {
      if (!isStepDownError(error)) throw error;
    }
  }

  /** Records the scheduler's `clock.tick` at `at` (ISO 8601 with offset). */
  tick(at: string): void {
    this.record({ type: 'clock.tick', at, actor: fixtureActors.system });
  }
}
