import { z } from 'zod';
import { idSchema } from '../ids/id.js';
import { roleSchema } from '../policy/roles.js';

/**
 * The longest free text one field may hold, in characters: a closure summary's section or a view runs
 * to a few pages at most. Limits keep a refusal (which is stored) from storing more than a record.
 */
export const maxTextLength = 20_000;

/** The most entries one list may hold: recipients, attendees, actions, agencies, reasons. */
export const maxListLength = 200;

/** The example every date-time message and description shows, so a host sees the one accepted shape. */
const dateTimeExample = '2024-05-01T10:00:00+01:00';

/**
 * The policy's "documented" free text: a trimmed, non-empty string. Whitespace alone is not a
 * reason, a view or a summary. The pattern (not only the trim) carries the rule into the JSON Schema,
 * because hosts in other languages validate without trimming.
 *
 * @example
 * ```ts
 * text.parse('  Attendance is now 96%. '); // => 'Attendance is now 96%.'
 * text.safeParse('   ').success;           // => false
 * ```
 */
export const text = z
  .string()
  .max(maxTextLength)
  .trim()
  .regex(/\S/, { error: 'required text is empty' })
  .describe(`Required free text: trimmed, not empty, at most ${maxTextLength} characters.`);

/**
 * A list the policy needs at least one entry of (agencies asked, recipients, reasons): each entry
 * is {@link text}.
 *
 * @example
 * ```ts
 * const agenciesAsked = textList('The agencies asked to take the Lead Professional role.');
 * ```
 */
export function textList(description: string) {
  return z
    .array(text.describe('One entry: trimmed, not empty.'))
    .min(1)
    .max(maxListLength)
    .describe(`${description} At most ${maxListLength}.`);
}

/**
 * When something happened: ISO 8601 date-time with seconds and an offset (`Z` or `±hh:mm`). An
 * offset is required because a local time is ambiguous across the clock change, and the machine's
 * deadlines are instants (DOMAIN "Time").
 *
 * @example
 * ```ts
 * isoDateTime.parse('2024-05-01T10:00:00+01:00'); // ok
 * isoDateTime.safeParse('2024-05-01T10:00:00').success; // => false: no offset
 * ```
 */
export const isoDateTime = z.iso
  .datetime({
    offset: true,
    error: (issue) =>
      issue.code === 'invalid_format'
        ? `expected an ISO 8601 date-time with offset, e.g. ${dateTimeExample}`
        : undefined,
  })
  .describe(`ISO 8601 date-time with seconds and an offset (Z or ±hh:mm), e.g. ${dateTimeExample}.`);

/**
 * A calendar date, `YYYY-MM-DD`, for days the policy counts in whole days (a meeting's date, an
 * action's target), read in the council's calendar (Europe/London).
 *
 * @example
 * ```ts
 * isoDate.parse('2024-05-29'); // ok
 * isoDate.safeParse('2023-02-29').success; // => false: not a day
 * ```
 */
export const isoDate = z.iso
  .date({
    error: (issue) =>
      issue.code === 'invalid_format' ? 'expected a calendar date YYYY-MM-DD, e.g. 2024-05-29' : undefined,
  })
  .describe('Calendar date YYYY-MM-DD (Europe/London), e.g. 2024-05-29.');

/**
 * Who sent an event. The library trusts the host's authentication for `id`; the machine checks that
 * `role` may take the step (rule `division-of-duties`), so any known role passes here and a refusal
 * is audited rather than lost as a malformed event. `id` is id-shaped: it is kept in the audit trail
 * and compared for separation of duties, so a name typed there would travel everywhere.
 */
export const actor = z
  .strictObject({
    id: idSchema.describe("The host's stable id of the user (or 'system' for the clock): id-shaped, never a name."),
    role: roleSchema.describe('The role the person acts in for this step.'),
    personId: idSchema
      .optional()
      .describe("The case's person this user acts as, where they are one (a Lead Professional's own person id)."),
  })
  .describe('Who sent the event.');

/** Who sent an event: the host's stable id of the person (or `system` for the clock) and the role they act in. */
export type Actor = z.infer<typeof actor>;

/**
 * A list of person ids, at least one, each id-shaped: who attended, who was sent the documents.
 * A repeated id is reported at its own path: one person counted twice would hide another missing.
 *
 * @example
 * ```ts
 * const recipients = personIdList('Everyone the documents were sent to, by person id.');
 * ```
 */
export function personIdList(description: string) {
  return z
    .array(idSchema.describe('A person id of the case.'))
    .min(1)
    .max(maxListLength)
    .superRefine((ids, ctx) => {
      const seen = new Set<string>();
      ids.forEach((id, index) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [index], message: 'duplicate person id: list each person once' });
        seen.add(id);
      });
    })
    .describe(`${description} At least one, at most ${maxListLength}; each person once.`);
}

/**
 * Builds an event's schema: `{ type, at, actor, eventId?, recordedAt?, ...payload }`, strict so a
 * misspelt field is reported rather than dropped. `description` says what the event records and
 * cites the policy; it becomes the event's description in the JSON Schema.
 *
 * `eventId` makes a resend harmless: the engine gives one to an event that has none, and an event
 * whose id the case already holds is not recorded twice. `recordedAt` is when the event was
 * recorded, as opposed to `at`, when it happened: the engine stamps it from its clock, so a step
 * recorded late but dated on time keeps how late it was recorded.
 *
 * @example
 * ```ts
 * export const stepUpReferredSchema = defineEvent('stepUp.referred', 'Referred back to CSC.', {
 *   reason: text.describe('Why the case is referred back.'),
 * });
 * ```
 */
export function defineEvent<const T extends string, const S extends z.ZodRawShape>(
  type: T,
  description: string,
  payload: S,
) {
  return z
    .strictObject({
      type: z.literal(type).describe(`The event type: always '${type}'.`),
      at: isoDateTime.describe(
        `When it happened, not when it was recorded: ISO 8601 with offset, e.g. ${dateTimeExample}.`,
      ),
      actor,
      eventId: idSchema
        .optional()
        .describe("The host's id for this event, unique in the case; the engine gives one when it is missing. A resend with the same id and content changes nothing."),
      recordedAt: isoDateTime
        .optional()
        .describe('When the event was recorded; the engine stamps it from its clock.'),
      ...payload,
    })
    .describe(description);
}

/**
 * A list of items with an `id` each, at least one, ids unique: two actions with one id would make
 * the plan's "all actions met" (G "Role of the Lead Professional" ¶3) ambiguous. The duplicate is
 * reported at its own path, without its value.
 */
export function listWithUniqueIds<I extends z.ZodType<{ id: string }>>(item: I, description: string) {
  return z
    .array(item)
    .min(1)
    .max(maxListLength)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach(({ id }, index) => {
        if (seen.has(id)) {
          ctx.addIssue({ code: 'custom', path: [index, 'id'], message: 'duplicate id: each entry needs its own id' });
        }
        seen.add(id);
      });
    })
    .describe(`${description} At least one, at most ${maxListLength}; ids unique.`);
}

/**
 * A group of required free-text fields, each described by its label: the e-CAF form's areas and the
 * closure summary are lists of headings, each one documented in words.
 *
 * @example
 * ```ts
 * const views = textFields({ child: "The child's view.", parents: "The parents' views." });
 * ```
 */
export function textFields<const L extends Record<string, string>>(labels: L) {
  const shape = Object.fromEntries(Object.entries(labels).map(([key, label]) => [key, text.describe(label)]));
  return z.strictObject(shape as { [K in keyof L]: typeof text });
}
