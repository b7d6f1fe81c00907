import { z } from 'zod';

/**
 * The one shape of every id a host supplies: a case, a person, an event, a disagreement, an action,
 * an actor. Letters, digits and `._:-`, starting with a letter or digit, at most 128 characters.
 * Ids end up in deadline ids, notifications, logs and file names, so they may never carry free
 * text: a name typed where an id belongs is refused rather than carried everywhere.
 *
 * @example
 * ```ts
 * idPattern.test('C-2024-0187');   // => true
 * idPattern.test('Sarah Smith');   // => false: a space is not id-shaped
 * ```
 */
export const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The longest id, in characters (all ASCII, so also in bytes). */
export const maxIdLength = 128;

/**
 * A host-supplied id as a zod schema: {@link idPattern}. The message never quotes the value, which
 * may be free text typed in the wrong field.
 *
 * @example
 * ```ts
 * const personId = idSchema.describe("The host's id of the person.");
 * personId.safeParse('p-mum').success; // => true
 * ```
 */
export const idSchema = z
  .string()
  .regex(idPattern, {
    error: `expected an id: letters, digits and . _ : - only, starting with a letter or digit, at most ${maxIdLength} characters`,
  })
  .describe(`An id: letters, digits and . _ : - only, starting with a letter or digit, at most ${maxIdLength} characters.`);

/**
 * True when `value` is an id of the one shape every host-supplied id takes ({@link idPattern}).
 *
 * @example
 * ```ts
 * isId('p-1');        // => true
 * isId('../etc');     // => false
 * ```
 */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && idPattern.test(value);
}
