/**
 * The event vocabulary: one zod schema per event, which is at once its TypeScript type, its runtime
 * validation ({@link parseEvent}) and, through {@link eventsJsonSchema}, its contract for hosts in
 * other languages.
 *
 * @module
 */
export type { Actor } from './common.js';
export * from './people.js';
export * from './preparation.js';
export * from './final-meeting.js';
export * from './ecaf-form.js';
export * from './closure.js';
export * from './ehm.js';
export * from './early-help.js';
export * from './time.js';
export * from './corrections.js';
export * from './policy-adoption.js';
export { eventSchemas, eventTypes, isEventType, stepDownEventSchema } from './registry.js';
export type { EventInputOf, EventOf, EventType, StepDownEvent, StepDownEventInput } from './registry.js';
export { parseEvent } from './parse.js';
export type { EventIssue } from './parse.js';
export { eventsJsonSchema } from './json-schema.js';
