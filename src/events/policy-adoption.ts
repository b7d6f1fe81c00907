import { idSchema } from '../ids/id.js';
import { defineEvent } from './common.js';

/**
 * A Team Manager moves a case to a newer version of the council's policy (DOMAIN "Time": a case moves
 * to a newer version only by an audited decision). From this entry on the case is judged by that
 * version's timescales; its open deadlines are recomputed (docs/decisions.md "Policy versions"). The
 * engine handles it, as it handles a void: the bare machine, built for one policy, leaves the case as it is.
 */
export const policyAdoptedSchema = defineEvent(
  'policy.adopted',
  "A Team Manager moves the case to a newer version of the council's policy: open deadlines are recomputed by its timescales from this entry on.",
  {
    policyVersion: idSchema.describe('The version to adopt: one of the engine\'s policies, newer than the case\'s and in force on the date of this event.'),
  },
);

/** The policy-version events. */
export const policyEventSchemas = [policyAdoptedSchema] as const;
