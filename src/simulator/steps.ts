import { DateTime } from 'luxon';
import type { Actor, EventType } from '../events/index.js';
import type { CaseContext } from '../machine/context.js';
import { isAfter } from '../machine/instants.js';
import type { Role } from '../policy/roles.js';
import { defaultPayloads, type FixtureContext } from '../testing/fixtures.js';
import { mergePayload } from '../testing/merge-payload.js';
import { familyPeople, fictionalFamily, fixtureActors } from '../testing/people.js';
import type { ScenarioPerson, ScenarioStep } from './scenario.js';

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
  /** The person id the actor acts as (`actor.personId`), when not the Lead Professional on file. */
  readonly actorPersonId?: string | undefined;
  /** The eventId to send it with. */
  readonly eventId?: string | undefined;
  readonly payload?: Record<string, unknown> | undefined;
}

/**
 * Builds the event a scenario step sends: the library's default payload for the fictional family
 * (the testing kit's `defaultPayloads`, given the case so far and the step's payload as the fields
 * asked for), the step's payload merged on top (objects field by field, lists replaced), and the
 * actor the step names (by role, as the fixture actor for that role unless the step gives an id),
 * and the step's eventId. Returned unvalidated: the engine validates it, so an invalid override is
 * refused exactly as a host's event would be.
 *
 * @example
 * ```ts
 * buildEvent({ at: '2024-09-11', as: 'social-worker', event: 'views.recorded', eventId: 'step-2', payload: { personId: 'child-1' } }, caseSoFar.context);
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
    actor: actorOf(step, context),
    ...(step.eventId !== undefined ? { eventId: step.eventId } : {}),
  };
}

/**
 * The actor a step sends its event as: the role's fixture actor (or the step's `actorId`). The Lead
 * Professional acts as a person of the case (rule own-cases-only): `actor.personId` is the step's
 * `actorPersonId`, or the case's current Lead Professional, or the fictional family's (`lp-1`)
 * before one has agreed.
 *
 * @example
 * ```ts
 * actorOf({ as: 'lead-professional' }, caseSoFar.context); // => { id: 'fixture-lead-professional', role: 'lead-professional', personId: 'lp-1' }
 * ```
 */
export function actorOf(
  step: { readonly as: Role; readonly actorId?: string | undefined; readonly actorPersonId?: string | undefined },
  context: CaseContext,
): Actor {
  const id = step.actorId ?? fixtureActors[step.as].id;
  if (step.actorPersonId !== undefined) return { id, role: step.as, personId: step.actorPersonId };
  if (step.as !== 'lead-professional') return { id, role: step.as };
  return { id, role: step.as, personId: context.leadProfessional?.personId ?? fictionalFamily.leadProfessional.id };
}

/**
 * The eventId a step's event is sent with: its own `eventId`, or `step-<n>` (n its 1-based number),
 * so every run of a scenario gives its events the same ids and a step can void another by id.
 *
 * @example
 * ```ts
 * stepEventId({ at: '2024-09-02', as: 'team-manager', event: 'decision.agreed' }, 0); // => 'step-1'
 * ```
 */
export function stepEventId(step: Pick<ScenarioStep, 'eventId'>, index: number): string {
  return step.eventId ?? `step-${index + 1}`;
}

/**
 * The engine's clock when a step is recorded: the step's own `recordedAt`, or else the later of the
 * clock so far and the step's date (a step dated earlier than one before it was recorded late).
 *
 * @example
 * ```ts
 * recordingClock({ at: '2024-03-28' }, '2024-04-03T10:00:00+01:00'); // => '2024-04-03T10:00:00+01:00'
 * ```
 */
export function recordingClock(step: Pick<ScenarioStep, 'at' | 'recordedAt' | 'tick'>, clock: string): string {
  if (step.recordedAt !== undefined) return resolveAt(step.recordedAt, 'event');
  const at = resolveAt(step.at, step.tick ? 'tick' : 'event');
  return isAfter(at, clock) ? at : clock;
}

/** The eventId of the `person.added` that adds a scenario's person when the case opens: `person-<id>`. */
export function personEventId(personId: string): string {
  return `person-${personId}`;
}

/**
 * The people a scenario opens with, as the `person.added` events the Social Worker sends when the
 * case opens (dated `openedAt`, eventId `person-<id>`): its `people`, or the fictional family when it
 * names none. A person's name, agency and parental responsibility default as the testing kit's
 * fixture for `person.added` does.
 *
 * @example
 * ```ts
 * peopleEvents({ people: [{ id: 'carer-2', relationship: 'parent-carer' }] }, caseSoFar.context, openedAt);
 * // [{ type: 'person.added', personId: 'carer-2', relationship: 'parent-carer', name: …, eventId: 'person-carer-2', … }]
 * ```
 */
export function peopleEvents(
  scenario: { readonly people?: readonly ScenarioPerson[] | undefined },
  context: CaseContext,
  openedAt: string,
): (Record<string, unknown> & { type: 'person.added'; eventId: string })[] {
  const people: readonly ScenarioPerson[] =
    scenario.people ?? familyPeople(fictionalFamily).map(([id, fields]) => ({ id, relationship: fields.relationship }));
  return people.map(({ id, ...fields }) => {
    const event = buildEvent(
      { at: openedAt, as: 'social-worker', event: 'person.added', eventId: personEventId(id), payload: { personId: id, ...fields } },
      context,
    );
    return event as Record<string, unknown> & { type: 'person.added'; eventId: string };
  });
}
