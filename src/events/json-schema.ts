import { z } from 'zod';
import { eventSchemas, eventTypes } from './registry.js';

/** The JSON Schema dialect of {@link eventsJsonSchema}. */
const dialect = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The event vocabulary as one JSON Schema document (draft 2020-12), for hosts in other languages:
 * one definition per event type under `$defs`, and `oneOf` them at the root. Generated from the zod
 * schemas, so it cannot drift from what {@link parseEvent} accepts, except for checks JSON Schema
 * cannot say (unique action ids), which the descriptions state.
 *
 * @example
 * ```ts
 * writeFileSync('events.schema.json', JSON.stringify(eventsJsonSchema(), null, 2));
 * ```
 */
export function eventsJsonSchema() {
  const $defs = Object.fromEntries(
    eventTypes.map((type) => {
      const { $schema: _dialect, ...definition } = z.toJSONSchema(eventSchemas[type], { io: 'input' });
      return [type, definition];
    }),
  );
  return {
    $schema: dialect,
    title: 'caf-step-down events',
    description:
      "The events a host sends to the caf-step-down library: { type, at, actor, ...payload }. 'at' is an ISO 8601 date-time with offset; free text marked required must not be empty; unknown fields are refused.",
    oneOf: eventTypes.map((type) => ({ $ref: `#/$defs/${type}` })),
    $defs,
  };
}
