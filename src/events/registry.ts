import { z } from 'zod';
import { closureEventSchemas } from './closure.js';
import { correctionEventSchemas } from './corrections.js';
import { earlyHelpEventSchemas } from './early-help.js';
import { ehmEventSchemas } from './ehm.js';
import { finalMeetingEventSchemas } from './final-meeting.js';
import { peopleEventSchemas } from './people.js';
import { policyEventSchemas } from './policy-adoption.js';
import { preparationEventSchemas } from './preparation.js';
import { timeEventSchemas } from './time.js';

/** Every event's schema, in the order of the policy's stages. */
const allEventSchemas = [
  ...peopleEventSchemas,
  ...preparationEventSchemas,
  ...finalMeetingEventSchemas,
  ...closureEventSchemas,
  ...ehmEventSchemas,
  ...earlyHelpEventSchemas,
  ...timeEventSchemas,
  ...correctionEventSchemas,
  ...policyEventSchemas,
] as const;

type AllEventSchemas = typeof allEventSchemas;

/** Keys a list of event schemas by their literal `type`, so a lookup by type keeps its schema's type. */
type SchemasByType<S extends AllEventSchemas> = {
  readonly [E in S[number] as E['shape']['type']['value']]: E;
};

/**
 * Every event's schema by its type. The keys are the event types, literal in the type, so
 * `eventSchemas['views.recorded']` is that event's schema.
 */
export const eventSchemas = Object.fromEntries(
  allEventSchemas.map((schema) => [schema.shape.type.value, schema]),
) as SchemasByType<AllEventSchemas>;

/** Any event the library accepts: the union of every event schema, discriminated by `type`. */
export const stepDownEventSchema = z.discriminatedUnion('type', allEventSchemas);

/** Any event the library accepts, as its schema parses it. */
export type StepDownEvent = z.infer<typeof stepDownEventSchema>;

/**
 * Any event as a host writes it, before the schema parses it: the type `engine.send` and
 * `engine.explain` take, so a misspelt field, a field of another event or an unknown `type` is a
 * compile error in the host's code. Dates are ISO 8601 strings with an offset.
 *
 * @example
 * ```ts
 * const event: StepDownEventInput = {
 *   type: 'consent.given', at: '2024-05-02T10:00:00+01:00',
 *   actor: { id: 'sw-1', role: 'social-worker' }, personId: 'carer-1',
 *   informationShared: ['The assessment'], purpose: 'So the Lead Professional can plan the support.',
 * };
 * await engine.send('C-1', event);
 * ```
 */
export type StepDownEventInput = z.input<typeof stepDownEventSchema>;

/**
 * The event of the given type as a host writes it, e.g. `EventInputOf<'views.recorded'>`.
 *
 * @example
 * ```ts
 * const views: EventInputOf<'views.recorded'> = {
 *   type: 'views.recorded', at: '2024-05-02T10:00:00+01:00',
 *   actor: { id: 'sw-1', role: 'social-worker' }, personId: 'child-1', agrees: true, summary: 'Wants to stay at the club.',
 * };
 * ```
 */
export type EventInputOf<T extends EventType> = Extract<StepDownEventInput, { type: T }>;

/** The name of an event, e.g. `'views.recorded'`. */
export type EventType = StepDownEvent['type'];

/** The event of the given type, e.g. `EventOf<'views.recorded'>`. */
export type EventOf<T extends EventType> = Extract<StepDownEvent, { type: T }>;

/** Every event type, in the order of the policy's stages. */
export const eventTypes: readonly EventType[] = allEventSchemas.map((schema) => schema.shape.type.value);

/** True when `type` names an event of the library. */
export function isEventType(type: string): type is EventType {
  return (eventTypes as readonly string[]).includes(type);
}
