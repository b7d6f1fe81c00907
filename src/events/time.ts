import { defineEvent } from './common.js';

/**
 * The host's clock, sent by the `system` role: the machine never reads a clock, so a tick is how it
 * learns that a deadline has passed (DOMAIN "Time"). Which role may send it is the policy's check
 * (`division-of-duties`), not the schema's, so a tick from a person is refused and audited.
 */
export const clockTickSchema = defineEvent(
  'clock.tick',
  "The host's clock, sent by the 'system' role: marks every open deadline whose end has passed as missed.",
  {},
);

/** The time events. */
export const timeEventSchemas = [clockTickSchema] as const;
