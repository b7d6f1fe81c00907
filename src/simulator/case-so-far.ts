import { isStepDownError } from '../errors.js';
import { parseEvent } from '../events/index.js';
import type { CaseContext, CaseInput } from '../machine/context.js';
import type { Policy } from '../policy/define-policy.js';
import { CaseRecord, type RecordedEvent } from '../testing/case-record.js';
import { fixtureActors } from '../testing/people.js';

/** How far past the engine's clock an event may be dated: the engine's default, which the simulator keeps. */
export const futureToleranceMs = 5 * 60_000;

/**
 * The case a scenario has made so far, on the pure machine, for the default payloads to read. The
 * fixtures (`defaultPayloads` of `caf-step-down/testing`) take a case's context, so a default
 * agrees with what is on file: the next person without a view, the next free disagreement id, the
 * final meeting's date in the e-CAF's section 11, documents to everyone still involved. The engine
 * describes a case but does not hand out its context, so the simulator follows the same steps here
 * (voids, resends and future-dated events judged as the engine judges them, with the testing kit's
 * `CaseRecord`); checking a scenario file, before any engine runs, does the same, so both build the
 * same events.
 *
 * @example
 * ```ts
 * const sofar = new CaseSoFar({ caseId: 'sim-step-up', route: 'cin-outcome', openedAt }, policy);
 * const event = buildEvent(step, sofar.context);
 * await engine.send(caseId, event);
 * sofar.record(event, clock);
 * ```
 */
export class CaseSoFar {
  private readonly followed: CaseRecord;
  private ticks = 0;

  /** Opens the case as the engine opens it: the same input, under the same policy. */
  constructor(input: CaseInput, policy: Policy) {
    this.followed = new CaseRecord(input, policy);
  }

  /** True while the case is open (no outcome yet): what a family's shared event reaches. */
  get open(): boolean {
    return this.followed.snapshot.status === 'active';
  }

  /** Everything recorded so far: what the fixtures read. */
  get context(): CaseContext {
    return this.followed.snapshot.context;
  }

  /**
   * Records a step as the engine would at its clock `now`: an event that is invalid, or that the
   * case refuses, changes nothing, just as a refused step leaves the engine's case as it was.
   */
  record(event: unknown, now: string): void {
    try {
      const valid = parseEvent(event);
      if (valid.eventId === undefined) return;
      this.followed.record(valid as RecordedEvent, now, futureToleranceMs);
    } catch (error) {
      if (!isStepDownError(error)) throw error;
    }
  }

  /** Records the scheduler's `clock.tick` at `at` (ISO 8601 with offset), the engine's clock at `now`. */
  tick(at: string, now: string = at): void {
    this.ticks += 1;
    this.record({ type: 'clock.tick', at, actor: fixtureActors.system, eventId: `tick-${this.ticks}` }, now);
  }
}
