/**
 * Merges fields given for an event over its default payload: plain objects field by field, at any
 * depth, so `{ form: { voiceOfChild: '…' } }` changes one section of the e-CAF form; anything else,
 * lists included, is replaced, because a list (recipients, actions) is given whole. A field given
 * as `undefined` keeps the default. The testing kit and the simulator both merge this way.
 *
 * @example
 * ```ts
 * mergePayload({ form: { a: 1, b: 2 }, list: [1, 2] }, { form: { b: 3 }, list: [9] });
 * // => { form: { a: 1, b: 3 }, list: [9] }
 * ```
 */
export function mergePayload<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    merged[key] = value === undefined ? base[key] : mergePayload(base[key], value);
  }
  return merged as T;
}

/** True for a JSON-style object (not a list, not null): what {@link mergePayload} merges field by field. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
