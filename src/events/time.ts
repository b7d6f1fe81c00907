import { z } from 'zod';
import { defineEvent, isoDateTime } from './common.js';

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

const calendarVersion = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{0,39}\+[0-9a-f]{12}$/, "expected a calendar version such as 'gov-uk+8b38f49e0f27'")
  .describe("A calendar's version: its source, '+', and 12 hex digits of its content hash.");
const plainDate = z.iso.date().describe("A London date, 'YYYY-MM-DD'.");

/**
 * The engine's bank-holiday calendar was replaced (`engine.updateCalendar`), moving deadlines of this
 * case: sent by the `system` role only, and only to a case it changes. It carries what it changes,
 * so a replay needs no calendar to repeat it: the new version, the days added and removed, and each
 * moved deadline's new due instant (docs/decisions.md "A calendar update moves open deadlines").
 */
export const calendarUpdatedSchema = defineEvent(
  'calendar.updated',
  "The bank-holiday calendar was replaced, sent by the 'system' role: moves the open deadlines it changes, and withdraws a breach recorded before a moved deadline's new due instant.",
  {
    calendarVersion: calendarVersion,
    previousCalendarVersion: calendarVersion.describe('The version of the calendar it replaced.'),
    added: z.array(plainDate).max(2000).describe('The bank holidays the new calendar has and the old did not.'),
    removed: z.array(plainDate).max(2000).describe('The bank holidays the old calendar had and the new does not.'),
    deadlines: z
      .array(
        z.strictObject({
          deadlineId: z.string().min(1).max(200).describe('The moved deadline, e.g. disagreement-resolution:D1.'),
          due: isoDateTime.describe('Its new last instant.'),
        }).describe('One moved deadline and its new due instant.'),
      )
      .min(1)
      .max(200)
      .describe('Each deadline the new calendar moves, with its new due instant.'),
  },
);

/** The time events. */
export const timeEventSchemas = [clockTickSchema, calendarUpdatedSchema] as const;
