import { addWorkingDays } from '../calendar/index.js';
import { StepDownError, isStepDownError } from '../errors.js';
import { parseEvent, type StepDownEvent } from '../events/index.js';
import type { Policy } from '../policy/define-policy.js';
import { calendarOptions } from './actions/calendar-options.js';

/**
 * Why the machine cannot judge an event at all, or null when it can: the event does not match its
 * schema (`INVALID_EVENT`, every field the engine checks, the 12 e-CAF sections included), or it
 * would open a working-day deadline on a date the calendar does not cover (`CALENDAR_OUT_OF_RANGE`).
 * The exported machine calls this before any gate, so a host using it bare gets the engine's
 * judgement: a malformed event changes nothing and throws nothing.
 *
 * @example
 * ```ts
 * eventProblem({ type: 'views.recorded', at: 'yesterday' }, defaultPolicy)?.code; // => 'INVALID_EVENT'
 * ```
 */
export function eventProblem(input: unknown, policy: Policy): StepDownError | null {
  let event: StepDownEvent;
  try {
    event = parsedEvents.has(input as object) ? (input as StepDownEvent) : parseEvent(input);
  } catch (error) {
    if (isStepDownError(error)) return error;
    return new StepDownError('INVALID_EVENT', 'Event is invalid: it could not be read.');
  }
  if (event.type === 'consent.refused' || event.type === 'disagreement.raised') {
    try {
      addWorkingDays(event.at, policy.timescales.disagreementResolutionWorkingDays, calendarOptions(policy));
    } catch (error) {
      if (isStepDownError(error)) return error;
      throw error;
    }
  }
  return null;
}

/** Events the engine has just had from `parseEvent`: checking them again would judge the same schema twice. */
const parsedEvents = new WeakSet<object>();

/**
 * Marks an event as `parseEvent`'s own output, so the machine's `valid-event` guard does not parse it
 * again. Only the engine calls this, with the object it parsed; a host's objects are always parsed.
 */
export function trustParsed(event: StepDownEvent): void {
  parsedEvents.add(event);
}

/**
 * {@link eventProblem} as a predicate, remembered per event object: the machine asks it once for each
 * guard of a transition, and an event is judged many times in one `transition`.
 */
export function validEventCheck(policy: Policy): (event: unknown) => boolean {
  const seen = new WeakMap<object, boolean>();
  return (event) => {
    if (typeof event !== 'object' || event === null) return false;
    const known = seen.get(event);
    if (known !== undefined) return known;
    const valid = eventProblem(event, policy) === null;
    seen.set(event, valid);
    return valid;
  };
}
