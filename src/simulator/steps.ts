import { DateTime } from 'luxon';
import type { EventType } from '../events/index.js';
import type { CaseContext } from '../machine/context.js';
import type { Role } from '../policy/roles.js';
import { defaultPayloads, type FixtureContext } from '../testing/fixtures.js';
import { mergePayload } from '../testing/merge-payload.js';
import { fictionalFamily, fixtureActors } from '../testing/people.js';

/** A calendar date alone: `YYYY-MM-DD`. */
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The London wall-clock time a date alone stands for. An event dated only by its day is taken to
 * happen at 10:00, in office hours; a tick at 02:00, when a host's nightly job runs. Neither hour is
 * skipped or repeated by a clock change in London (those happen at 01:00 GMT), so the offset is
 * always the day's own.
 */
export const defaultTimes = { event: '10:00', tick: '02:00' } as const;

/**
 * Turns a scenario's `at` into the ISO 8601 date-time with offset the engine takes. A date-time is
 * kept as written; a date alone becomes {@link defaultTimes} London time on that day, with the
 * offset London has then (+01:00 in summer, +00:00 in winter), so a scenario author never has to
 * work out British Summer Time.
 *
 * @example
 * ```ts
 * resolveAt('2024-12-20', 'event'); // => '2024-12-20T10:00:00+00:00'
 * resolveAt('2024-07-01', 'tick');  // => '2024-07-01T02:00:00+01:00'
 * resolveAt('2024-07-01T15:30:00+01:00', 'event'); // unchanged
 * ```
 */
export function resolveAt(at: string, kind: 'event' | 'tick'): string {
  if (!dateOnly.test(at)) return at;
  const local = DateTime.fromISO(`${at}T${defaultTimes[kind]}:00`, { zone: 'Europe/London' });
  return local.toISO({ suppressMilliseconds: true }) ?? at;
}

/** What a step needs to become an event. */
export interface EventStepInput {
  readonly at: string;
  readonly as: Role;
  readonly event: EventType;
  readonly actorId?: string | undefined;
  readonly payload?: Record<string, unknown> | undefined;
}

/**
 * Builds the event a scenario step sends: the library's default payload for the fictional family
 * (the testing kit's `defaultPayloads`, given the case so far and the step's payload as the fields
 * asked for), the step's payload merged on top (objects field by field, lists replaced), and the
 * actor the step names (by role, as the fixture actor for that role unless the step gives an id).
 * Returned unvalidated: the engine validates it, so an invalid override is refused exactly as a
 * host's event would be.
 *
 * @example
 * ```ts
 * buildEvent({ at: '2024-09-11', as: 'social-worker', event: 'views.recorded', payload: { party: 'child' } }, caseSoFar.context);
 * ```
 */
export function buildEvent(step: EventStepInput, context: CaseContext): Record<string, unknown> & { type: EventType } {
  const at = resolveAt(step.at, 'event');
  const requested = step.payload ?? {};
  // Loosely typed: a scenario's payload is JSON, checked against the event's schema by parseEvent.
  const fixtureOf = defaultPayloads[step.event] as (fixture: FixtureContext) => Record<string, unknown>;
  const payload = mergePayload(fixtureOf({ at, case: context, family: fictionalFamily, requested }), requested);
  return {
    ...payload,
    type: step.event,
    at,
    actor: { id: step.actorId ?? fixtureActors[step.as].id, role: step.as },
  };
}
