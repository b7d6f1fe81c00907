import { idSchema } from '../ids/id.js';
import { defineEvent, text } from './common.js';

/**
 * A mistake corrected: the event `voidedEventId` is taken out of the case, which is recomputed from
 * its other accepted events. The trail keeps both the voided entry and this one; nothing is
 * rewritten. The engine handles it (the bare machine has no trail to recompute from).
 */
export const eventVoidedSchema = defineEvent(
  'event.voided',
  'Voids an accepted event recorded in error: the case is recomputed without it, and the trail keeps both. The role that sent the event, or a Team Manager, may void it.',
  {
    voidedEventId: idSchema.describe('The eventId of the accepted event to void.'),
    reason: text.describe('Why it was recorded in error.'),
  },
);

/** The correction events. */
export const correctionEventSchemas = [eventVoidedSchema] as const;
